/* SPDX-License-Identifier: MIT */
/*
 * Maildir and mbox readers. The mbox is read line by line through a fixed
 * buffer; only the message being handed out is held in memory, and one
 * over the cap is skipped without being kept.
 */
#include "format/mailbox.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "format/mail.h"

#define RBUF 65536

struct kz_mailbox {
	int mbox;
	size_t max;
	size_t count;
	char where[300];
	struct kz_buf msg;

	/* Maildir */
	char *dir;
	char **names; /* "cur/NAME", "new/NAME" */
	size_t n_names;
	size_t cap_names;
	size_t next;

	/* mbox */
	FILE *f;
	char *path;
	struct kz_buf line;
	int line_long;        /* the line was longer than kept */
	size_t line_size;     /* its full length */
	unsigned long lineno; /* of the line in `line` */
	int have_from;        /* `line` holds the From_ line of the next */
	int done;
	char *rbuf;
	size_t rpos, rlen;
};

static const char *
base_name(const char *s)
{
	const char *p = strchr(s, '/');

	return p ? p + 1 : s;
}

static int
cmp_names(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int r = strcmp(base_name(x), base_name(y));

	return r ? r : strcmp(x, y);
}

static int
list_sub(struct kz_mailbox *mb, const char *sub, int *found)
{
	struct kz_buf p = KZ_BUF_INIT(8192);
	struct dirent *e;
	DIR *d;
	int rc = 0;

	kz_buf_addf(&p, "%s/%s", mb->dir, sub);
	if (p.err)
		return p.err;
	if (!(d = opendir(p.ptr))) {
		if (errno != ENOENT && errno != ENOTDIR)
			rc = kz_error_set(KZ_EIO, "cannot read '%s': %s", p.ptr,
			    strerror(errno));
		kz_buf_release(&p);
		return rc;
	}
	*found = 1;
	while ((e = readdir(d))) {
		char **nn;
		char *name;

		if (e->d_name[0] == '.')
			continue;
		if (mb->n_names == mb->cap_names) {
			size_t want = mb->cap_names ? mb->cap_names * 2 : 16;

			if (!(nn = kz_realloc(mb->names, want * sizeof(*nn)))) {
				rc = kz_error_set(KZ_ENOMEM, "out of memory");
				break;
			}
			mb->names = nn;
			mb->cap_names = want;
		}
		if (!(name = kz_malloc(strlen(sub) + strlen(e->d_name) + 2))) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			break;
		}
		sprintf(name, "%s/%s", sub, e->d_name);
		mb->names[mb->n_names++] = name;
	}
	closedir(d);
	kz_buf_release(&p);
	return rc;
}

static struct kz_mailbox *
mailbox_new(size_t max_msg)
{
	struct kz_mailbox *mb = kz_calloc(1, sizeof(*mb));

	if (!mb)
		return NULL;
	mb->max = max_msg ? max_msg : KZ_MAIL_MAX_SIZE;
	kz_buf_init(&mb->msg, mb->max);
	kz_buf_init(&mb->line, mb->max + 2);
	return mb;
}

int
kz_mailbox_open_maildir(
    struct kz_mailbox **out, const char *dir, size_t max_msg)
{
	struct kz_mailbox *mb;
	int found = 0, rc;

	*out = NULL;
	if (!(mb = mailbox_new(max_msg)) || !(mb->dir = kz_strdup(dir))) {
		kz_mailbox_free(mb);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	if ((rc = list_sub(mb, "cur", &found)) ||
	    (rc = list_sub(mb, "new", &found)))
		goto fail;
	if (!found) {
		rc = kz_error_set(KZ_EINVAL,
		    "not a maildir: '%s' has no cur/ or new/ folder", dir);
		goto fail;
	}
	if (mb->n_names)
		qsort(mb->names, mb->n_names, sizeof(*mb->names), cmp_names);
	*out = mb;
	return 0;
fail:
	kz_mailbox_free(mb);
	return rc;
}

static int
maildir_next(struct kz_mailbox *mb, const char **raw, size_t *len)
{
	struct kz_buf p = KZ_BUF_INIT(8192);
	struct stat st;
	FILE *f = NULL;
	const char *name;
	int rc;

	for (;;) {
		if (mb->next >= mb->n_names)
			return 0;
		name = mb->names[mb->next++];
		snprintf(mb->where, sizeof(mb->where), "%s", name);
		kz_buf_reset(&p);
		kz_buf_addf(&p, "%s/%s", mb->dir, name);
		if (p.err)
			return p.err;
		/* Skip what is no file (a folder, a vanished message). */
		if (stat(p.ptr, &st) == 0 && S_ISREG(st.st_mode))
			break;
	}
	mb->count++;
	kz_buf_reset(&mb->msg);
	if ((size_t)st.st_size > mb->max) {
		rc = kz_error_set(KZ_ENOMEM,
		    "message '%s' is %zu bytes, over the limit of %zu", name,
		    (size_t)st.st_size, mb->max);
		goto done;
	}
	if (!(f = fopen(p.ptr, "rb"))) {
		rc = kz_error_set(KZ_EIO, "cannot read message '%s': %s", name,
		    strerror(errno));
		goto done;
	}
	for (;;) {
		char buf[RBUF];
		size_t n = fread(buf, 1, sizeof(buf), f);

		if (n)
			kz_buf_add(&mb->msg, buf, n);
		if (mb->msg.err) {
			rc = kz_error_set(KZ_ENOMEM,
			    "message '%s' is over the "
			    "limit of %zu bytes",
			    name, mb->max);
			goto done;
		}
		if (n < sizeof(buf))
			break;
	}
	if (ferror(f)) {
		rc = kz_error_set(KZ_EIO, "cannot read message '%s': %s", name,
		    strerror(errno));
		goto done;
	}
	*raw = mb->msg.ptr;
	*len = mb->msg.len;
	rc = 1;
done:
	if (f)
		fclose(f);
	kz_buf_release(&p);
	if (rc < 0)
		kz_buf_release(&mb->msg);
	return rc;
}

/*
 * Reads the next line, newline included, into mb->line, keeping at most
 * its cap; returns 1, 0 at the end of the file, KZ_EIO.
 */
static int
read_line(struct kz_mailbox *mb)
{
	int any = 0;

	kz_buf_reset(&mb->line);
	mb->line_long = 0;
	mb->line_size = 0;
	for (;;) {
		const char *nl;
		size_t n, room;

		if (mb->rpos == mb->rlen) {
			mb->rpos = 0;
			mb->rlen = fread(mb->rbuf, 1, RBUF, mb->f);
			if (mb->rlen == 0) {
				if (ferror(mb->f))
					return kz_error_set(KZ_EIO,
					    "cannot read '%s': %s", mb->path,
					    strerror(errno));
				break;
			}
		}
		any = 1;
		nl = memchr(mb->rbuf + mb->rpos, '\n', mb->rlen - mb->rpos);
		n = nl ? (size_t)(nl - (mb->rbuf + mb->rpos)) + 1 :
			 mb->rlen - mb->rpos;
		room = mb->line.cap - mb->line.len;
		if (n > room)
			mb->line_long = 1;
		kz_buf_add(&mb->line, mb->rbuf + mb->rpos, n < room ? n : room);
		if (mb->line.err)
			return mb->line.err;
		mb->line_size += n;
		mb->rpos += n;
		if (nl)
			break;
	}
	if (any)
		mb->lineno++;
	return any;
}

static int
is_blank(const struct kz_buf *l)
{
	return (l->len == 1 && l->ptr[0] == '\n') ||
	    (l->len == 2 && l->ptr[0] == '\r' && l->ptr[1] == '\n');
}

/* "From sender Sat Jan  3 01:05:34 2026": a time and a year in it. */
static int
looks_postmark(const struct kz_buf *l)
{
	int colons = 0, digits = 0, year = 0;

	if (l->len > 300)
		return 0;
	for (size_t i = 5; i < l->len; i++) {
		char ch = l->ptr[i];

		colons += ch == ':';
		if (ch >= '0' && ch <= '9') {
			if (++digits == 4)
				year = 1;
		} else {
			digits = 0;
		}
	}
	return colons >= 2 && year;
}

int
kz_mailbox_open_mbox(struct kz_mailbox **out, const char *path, size_t max_msg)
{
	struct kz_mailbox *mb;
	int rc;

	*out = NULL;
	if (!(mb = mailbox_new(max_msg)) || !(mb->path = kz_strdup(path)) ||
	    !(mb->rbuf = kz_malloc(RBUF))) {
		kz_mailbox_free(mb);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	mb->mbox = 1;
	if (!(mb->f = fopen(path, "rb"))) {
		rc = kz_error_set(
		    KZ_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	/* Blank lines before the first message are tolerated. */
	while ((rc = read_line(mb)) == 1 && is_blank(&mb->line))
		;
	if (rc < 0)
		goto fail;
	if (rc == 0) {
		mb->done = 1;
	} else if (mb->line.len < 5 || memcmp(mb->line.ptr, "From ", 5) != 0) {
		rc = kz_error_set(KZ_EINVAL,
		    "not an mbox: '%s' does not start with a 'From ' line",
		    path);
		goto fail;
	} else {
		mb->have_from = 1;
	}
	*out = mb;
	return 0;
fail:
	kz_mailbox_free(mb);
	return rc;
}

static int
mbox_next(struct kz_mailbox *mb, const char **raw, size_t *len)
{
	unsigned long start = mb->lineno;
	size_t size = 0, blank_at = (size_t)-1;
	int prev_blank = 0, too_big = 0, rc;

	if (mb->done || !mb->have_from)
		return 0;
	mb->count++;
	snprintf(mb->where, sizeof(mb->where), "message %zu at line %lu",
	    mb->count, start);
	kz_buf_reset(&mb->msg);
	mb->have_from = 0;
	for (;;) {
		const char *p;
		size_t n;

		if ((rc = read_line(mb)) < 0) {
			mb->done = 1;
			kz_buf_release(&mb->msg);
			return rc;
		}
		if (rc == 0) {
			mb->done = 1;
			break;
		}
		p = mb->line.ptr;
		n = mb->line.len;
		if (n >= 5 && memcmp(p, "From ", 5) == 0 &&
		    (prev_blank || looks_postmark(&mb->line))) {
			mb->have_from = 1;
			break;
		}
		if (n >= 6 && p[0] == '>') {
			size_t q = 0;

			while (q < n && p[q] == '>')
				q++;
			if (n - q >= 5 && memcmp(p + q, "From ", 5) == 0) {
				p++;
				n--;
			}
		}
		prev_blank = is_blank(&mb->line);
		size += mb->line_size;
		if (too_big)
			continue;
		if (mb->line_long || mb->msg.len + n > mb->max) {
			too_big = 1;
			kz_buf_release(&mb->msg);
			continue;
		}
		blank_at = prev_blank ? mb->msg.len : (size_t)-1;
		kz_buf_add(&mb->msg, p, n);
	}
	if (too_big)
		return kz_error_set(KZ_ENOMEM,
		    "message %zu at line %lu is over "
		    "the limit of %zu bytes (%zu bytes)",
		    mb->count, start, mb->max, size);
	/* The blank line before the next From_ line belongs to neither. */
	if (mb->have_from && prev_blank && blank_at != (size_t)-1)
		kz_buf_truncate(&mb->msg, blank_at);
	if (mb->msg.err)
		return mb->msg.err;
	*raw = mb->msg.ptr;
	*len = mb->msg.len;
	return 1;
}

int
kz_mailbox_next(struct kz_mailbox *mb, const char **raw, size_t *len)
{
	*raw = NULL;
	*len = 0;
	return mb->mbox ? mbox_next(mb, raw, len) : maildir_next(mb, raw, len);
}

const char *
kz_mailbox_where(const struct kz_mailbox *mb)
{
	return mb->where;
}

size_t
kz_mailbox_count(const struct kz_mailbox *mb)
{
	return mb->count;
}

void
kz_mailbox_free(struct kz_mailbox *mb)
{
	if (!mb)
		return;
	for (size_t i = 0; i < mb->n_names; i++)
		kz_free(mb->names[i]);
	kz_free(mb->names);
	kz_free(mb->dir);
	if (mb->f)
		fclose(mb->f);
	kz_free(mb->path);
	kz_free(mb->rbuf);
	kz_buf_release(&mb->msg);
	kz_buf_release(&mb->line);
	kz_free(mb);
}
