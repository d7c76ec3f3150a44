/* SPDX-License-Identifier: MIT */
/*
 * The ASN range table. Rows are collected as 128-bit ranges per family,
 * sorted (a no-op check for the published files, which come sorted),
 * overlapping runs flattened into disjoint ranges where the smallest
 * covering range wins, and laid out as a start array for the binary search
 * beside the values, with an index of the first range of every /16 (by the
 * top 16 bits of the address) so that a search touches one bucket.
 */
#include "enrich/asn.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/i18n.h"
#include "core/strutil.h"

typedef unsigned __int128 u128;

#define MAX_ROWS    (32u << 20) /* per family: far above any real table */
#define MAX_NAME    1024
#define MAX_POOL    (256u << 20)
#define INDEX_SLOTS 65536
#define MAX_FIELDS  4

struct row {
	u128 lo, hi;
	uint32_t asn, name, line, src;
};

struct rowvec {
	struct row *v;
	size_t n, alloc;
};

struct val4 {
	uint32_t end, asn, name;
};

struct val6 {
	u128 end;
	uint32_t asn, name;
};

struct kz_asn_table {
	/* while loading */
	struct rowvec rows[2]; /* [0] IPv4, [1] IPv6 */
	char **sources;
	size_t nsources;
	uint32_t *hash; /* name offset + 1, 0 empty; open addressing */
	size_t hash_cap, hash_used;
	int built;

	/* names: NUL-terminated strings back to back; offset 0 is "" */
	char *pool;
	size_t pool_len, pool_alloc;

	/* built */
	uint32_t *start4;
	struct val4 *val4;
	size_t n4;
	uint32_t idx4[INDEX_SLOTS + 1];
	u128 *start6;
	struct val6 *val6;
	size_t n6;
	uint32_t idx6[INDEX_SLOTS + 1];

	struct kz_asn_stats stats;
};

int
kz_asn_table_new(struct kz_asn_table **out)
{
	struct kz_asn_table *t = kz_calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	t->pool = kz_malloc(4096);
	if (!t->pool) {
		kz_free(t);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	t->pool[0] = '\0';
	t->pool_len = 1;
	t->pool_alloc = 4096;
	*out = t;
	return 0;
}

static void
free_rows(struct kz_asn_table *t)
{
	for (int f = 0; f < 2; f++) {
		kz_free(t->rows[f].v);
		memset(&t->rows[f], 0, sizeof(t->rows[f]));
	}
	kz_free(t->hash);
	t->hash = NULL;
	t->hash_cap = t->hash_used = 0;
}

void
kz_asn_table_free(struct kz_asn_table *t)
{
	if (!t)
		return;
	free_rows(t);
	for (size_t i = 0; i < t->nsources; i++)
		kz_free(t->sources[i]);
	kz_free(t->sources);
	kz_free(t->pool);
	kz_free(t->start4);
	kz_free(t->val4);
	kz_free(t->start6);
	kz_free(t->val6);
	kz_free(t);
}

const struct kz_asn_stats *
kz_asn_table_stats(const struct kz_asn_table *t)
{
	return &t->stats;
}

/* ---- names ---- */

static uint32_t
hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int
hash_grow(struct kz_asn_table *t)
{
	size_t cap = t->hash_cap ? t->hash_cap * 2 : 4096;
	uint32_t *h = kz_calloc(cap, sizeof(*h));

	if (!h)
		return KZ_ENOMEM;
	for (size_t i = 0; i < t->hash_cap; i++) {
		uint32_t off = t->hash[i];
		const char *s;
		size_t j;

		if (!off)
			continue;
		s = t->pool + off - 1;
		j = hash_bytes(s, strlen(s)) & (cap - 1);
		while (h[j])
			j = (j + 1) & (cap - 1);
		h[j] = off;
	}
	kz_free(t->hash);
	t->hash = h;
	t->hash_cap = cap;
	return 0;
}

/* The pool offset of name s[0..n), added when new. */
static int
intern(uint32_t *out, struct kz_asn_table *t, const char *s, size_t n)
{
	size_t j;

	if (n == 0) {
		*out = 0;
		return 0;
	}
	if ((t->hash_used + 1) * 2 > t->hash_cap && hash_grow(t))
		return KZ_ENOMEM;
	j = hash_bytes(s, n) & (t->hash_cap - 1);
	while (t->hash[j]) {
		const char *p = t->pool + t->hash[j] - 1;

		if (memcmp(p, s, n) == 0 && p[n] == '\0') {
			*out = t->hash[j] - 1;
			return 0;
		}
		j = (j + 1) & (t->hash_cap - 1);
	}
	if (t->pool_len + n + 1 > t->pool_alloc) {
		size_t na = t->pool_alloc * 2;
		char *np;

		while (na < t->pool_len + n + 1)
			na *= 2;
		if (na > MAX_POOL)
			return KZ_ENOMEM;
		if (!(np = kz_realloc(t->pool, na)))
			return KZ_ENOMEM;
		t->pool = np;
		t->pool_alloc = na;
	}
	memcpy(t->pool + t->pool_len, s, n);
	t->pool[t->pool_len + n] = '\0';
	*out = (uint32_t)t->pool_len;
	t->hash[j] = (uint32_t)t->pool_len + 1;
	t->pool_len += n + 1;
	t->hash_used++;
	t->stats.names++;
	return 0;
}

/* ---- parsing ---- */

static int
parse_v4(uint32_t *out, const char *s, size_t n)
{
	uint32_t a = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		if (part) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			digits++;
		}
		if (!digits || digits > 3 || v > 255 ||
		    (digits > 1 && s[i - digits] == '0'))
			return -1;
		a = a << 8 | v;
	}
	if (i != n)
		return -1;
	*out = a;
	return 0;
}

static int
parse_v6(u128 *out, const char *s, size_t n)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	uint8_t b[16];
	u128 v = 0;

	if (n == 0 || n >= sizeof(tmp) || !memchr(s, ':', n))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, b) != 1)
		return -1;
	for (int i = 0; i < 16; i++)
		v = v << 8 | b[i];
	*out = v;
	return 0;
}

/* 0 for IPv4, 1 for IPv6, -1 for neither. */
static int
parse_addr(u128 *out, const char *s, size_t n)
{
	uint32_t a;

	if (parse_v4(&a, s, n) == 0) {
		*out = a;
		return 0;
	}
	return parse_v6(out, s, n) == 0 ? 1 : -1;
}

static int
parse_asn_field(uint32_t *out, const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n >= 2 && (s[0] == 'A' || s[0] == 'a') &&
	    (s[1] == 'S' || s[1] == 's'))
		i = 2;
	if (i == n || n - i > 10)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
kz_asn_parse(uint32_t *out, const char *s)
{
	if (!s || parse_asn_field(out, s, strlen(s)) != 0)
		return kz_error_set(KZ_EINVAL,
		    "'%s' is not an AS number (like 64500 or AS64500)",
		    s ? s : "");
	return 0;
}

struct field {
	const char *p;
	size_t n;
	int quoted; /* holds "" escapes to undo */
};

/*
 * Splits one line into fields. Returns the count, or -1 for an unclosed
 * quote or text after a closing quote, -2 for too many fields.
 */
static int
split_line(struct field *f, const char *s, size_t n)
{
	size_t i = 0;
	int nf = 0;

	for (;;) {
		if (nf == MAX_FIELDS)
			return -2;
		f[nf].quoted = 0;
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && s[i] == '"') {
			size_t st = ++i;

			for (;;) {
				if (i >= n)
					return -1;
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						f[nf].quoted = 1;
						i += 2;
						continue;
					}
					break;
				}
				i++;
			}
			f[nf].p = s + st;
			f[nf].n = i - st;
			i++;
			while (i < n && s[i] == ' ')
				i++;
			if (i < n && s[i] != ',')
				return -1;
		} else {
			size_t st = i;

			while (i < n && s[i] != ',')
				i++;
			f[nf].p = s + st;
			f[nf].n = i - st;
			while (f[nf].n && f[nf].p[f[nf].n - 1] == ' ')
				f[nf].n--;
			if (memchr(f[nf].p, '"', f[nf].n))
				return -1;
		}
		nf++;
		if (i >= n)
			return nf;
		i++; /* the comma */
	}
}

static void
note_problem(struct kz_asn_problem *list, size_t *nkept,
    const struct kz_asn_table *t, uint32_t src, unsigned long line,
    unsigned long other, const char *fmt, const char *arg, size_t argn)
{
	struct kz_buf vb = KZ_BUF_INIT(1024);
	struct kz_asn_problem *p;
	const char *base;

	if (*nkept >= KZ_ASN_PROBLEMS_KEPT)
		return;
	p = &list[(*nkept)++];
	/* The file name, not its folder, fits and says enough. */
	base = src < t->nsources ? t->sources[src] : "";
	if (strrchr(base, '/'))
		base = strrchr(base, '/') + 1;
	snprintf(p->source, sizeof(p->source), "%s", base);
	p->line = line;
	p->other_line = other;
	p->fmt = fmt;
	/* The value goes into messages and JSON: make it UTF-8. */
	if (argn > 160)
		argn = 160;
	kz_utf8_sanitize(&vb, arg ? arg : "", argn);
	snprintf(p->value, sizeof(p->value), "%.*s",
	    (int)kz_utf8_cut(vb.ptr, vb.len, 40), vb.ptr);
	kz_buf_release(&vb);
	snprintf(p->what, sizeof(p->what), fmt, p->value);
}

static int
push_row(struct rowvec *rv, const struct row *r)
{
	if (rv->n == rv->alloc) {
		size_t na = rv->alloc ? rv->alloc * 2 : 1024;
		struct row *nv;

		if (rv->n >= MAX_ROWS)
			return KZ_ENOMEM;
		if (!(nv = kz_realloc(rv->v, na * sizeof(*nv))))
			return KZ_ENOMEM;
		rv->v = nv;
		rv->alloc = na;
	}
	rv->v[rv->n++] = *r;
	return 0;
}

/* Whether a first line reads like a header: letters, '_', ' ' and ','. */
static int
is_header(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			c == '_' || c == ' ' || c == ',' || c == '"'))
			return 0;
	}
	return 1;
}

/*
 * Checks one row: 0 with *r filled, or 1 with *what (a format with one %s)
 * and the offending text set.
 */
static int
check_row(struct kz_asn_table *t, struct row *r, int *fam, const char *line,
    size_t len, const char **what, const char **bad, size_t *badn,
    struct kz_buf *unq, int *oom)
{
	struct field f[MAX_FIELDS];
	int nf = split_line(f, line, len);
	int fa, fb;
	const char *name;
	size_t namen;

	*bad = line;
	*badn = len;
	if (nf == -1) {
		*what = N_("unbalanced quotes in '%s'");
		return 1;
	}
	if (nf < 3 || nf == -2) {
		*what = N_("want start,end,asn,name in '%s'");
		return 1;
	}
	if ((fa = parse_addr(&r->lo, f[0].p, f[0].n)) < 0) {
		*what = N_("bad start address '%s'");
		*bad = f[0].p;
		*badn = f[0].n;
		return 1;
	}
	if ((fb = parse_addr(&r->hi, f[1].p, f[1].n)) < 0) {
		*what = N_("bad end address '%s'");
		*bad = f[1].p;
		*badn = f[1].n;
		return 1;
	}
	if (fa != fb) {
		*what = N_("start and end of different families in '%s'");
		return 1;
	}
	if (r->lo > r->hi) {
		*what = N_("start after end in '%s'");
		return 1;
	}
	if (parse_asn_field(&r->asn, f[2].p, f[2].n)) {
		*what = N_("bad AS number '%s'");
		*bad = f[2].p;
		*badn = f[2].n;
		return 1;
	}
	name = nf > 3 ? f[3].p : "";
	namen = nf > 3 ? f[3].n : 0;
	if (namen > MAX_NAME) {
		*what = N_("AS name longer than 1024 bytes in '%s'");
		return 1;
	}
	if (!kz_utf8_valid(name, namen)) {
		*what = N_("AS name is not valid UTF-8");
		*bad = "";
		*badn = 0;
		return 1;
	}
	if (nf > 3 && f[3].quoted) {
		kz_buf_reset(unq);
		for (size_t i = 0; i < namen; i++) {
			kz_buf_addc(unq, name[i]);
			if (name[i] == '"')
				i++;
		}
		if (unq->err) {
			*oom = 1;
			return 1;
		}
		name = unq->ptr;
		namen = unq->len;
	}
	if (memchr(name, '\0', namen)) {
		*what = N_("NUL byte in the AS name in '%s'");
		return 1;
	}
	if (intern(&r->name, t, name, namen)) {
		*oom = 1;
		return 1;
	}
	*fam = fa;
	return 0;
}

int
kz_asn_table_add_csv(struct kz_asn_table *t, const char *data, size_t len,
    const char *source, unsigned flags)
{
	struct kz_buf unq = KZ_BUF_INIT(MAX_NAME + 1);
	const char *s = data, *e = data + len;
	unsigned long lineno = 0;
	uint32_t src;
	char **ns;
	int rc = 0;

	assert(!t->built);
	if (!(ns = kz_realloc(t->sources, (t->nsources + 1) * sizeof(*ns))))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	t->sources = ns;
	if (!(ns[t->nsources] = kz_strdup(source ? source : "")))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	src = (uint32_t)t->nsources++;

	while (s < e) {
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(e - s);
		const char *what = NULL, *bad = NULL;
		size_t badn = 0;
		struct row r;
		int fam = 0, oom = 0;

		lineno++;
		if (n && s[n - 1] == '\r')
			n--;
		if (n == 0 || (lineno == 1 && is_header(s, n)))
			goto next;
		memset(&r, 0, sizeof(r));
		if (check_row(
			t, &r, &fam, s, n, &what, &bad, &badn, &unq, &oom)) {
			if (oom) {
				rc = kz_error_set(KZ_ENOMEM, "out of memory");
				goto done;
			}
			if (flags & KZ_ASN_STRICT) {
				struct kz_asn_problem p = { 0 };
				size_t one = 0;

				note_problem(&p, &one, t, src, lineno, 0, what,
				    bad, badn);
				rc = kz_error_set(KZ_EINVAL, "%s line %lu: %s",
				    p.source, lineno, p.what);
				goto done;
			}
			t->stats.malformed++;
			note_problem(t->stats.problems, &t->stats.nproblems, t,
			    src, lineno, 0, what, bad, badn);
			goto next;
		}
		r.line = (uint32_t)lineno;
		r.src = src;
		if (push_row(&t->rows[fam], &r)) {
			rc = kz_error_set(KZ_ENOMEM,
			    "too many ranges (at most %u per family)",
			    MAX_ROWS);
			goto done;
		}
		if (fam == 0)
			t->stats.rows_v4++;
		else
			t->stats.rows_v6++;
next:
		s = nl ? nl + 1 : e;
	}
done:
	kz_buf_release(&unq);
	return rc;
}

int
kz_asn_table_load_file(struct kz_asn_table *t, const char *path, unsigned flags)
{
	struct stat sb;
	void *map = NULL;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kz_error_set(
		    KZ_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return kz_error_set(
		    KZ_EIO, "'%s' is not a readable file", path);
	}
	if (sb.st_size > 0) {
		map = mmap(
		    NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			close(fd);
			return kz_error_set(KZ_EIO, "cannot read '%s': %s",
			    path, strerror(errno));
		}
		(void)madvise(map, (size_t)sb.st_size, MADV_SEQUENTIAL);
	}
	close(fd);
	rc = kz_asn_table_add_csv(
	    t, map ? map : "", (size_t)sb.st_size, path, flags);
	if (map)
		munmap(map, (size_t)sb.st_size);
	return rc;
}

/* ---- build ---- */

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Heap of row pointers by (size, source, line): the winner on top. */
static int
beats(const struct row *a, const struct row *b)
{
	u128 sa = a->hi - a->lo, sb = b->hi - b->lo;

	if (sa != sb)
		return sa < sb;
	if (a->src != b->src)
		return a->src < b->src;
	return a->line < b->line;
}

static void
heap_push(const struct row **h, size_t *n, const struct row *r)
{
	size_t i = (*n)++;

	h[i] = r;
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!beats(h[i], h[p]))
			break;
		const struct row *tmp = h[p];
		h[p] = h[i];
		h[i] = tmp;
		i = p;
	}
}

static void
heap_pop(const struct row **h, size_t *n)
{
	size_t i = 0;

	h[0] = h[--(*n)];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < *n && beats(h[l], h[m]))
			m = l;
		if (r < *n && beats(h[r], h[m]))
			m = r;
		if (m == i)
			break;
		const struct row *tmp = h[m];
		h[m] = h[i];
		h[i] = tmp;
		i = m;
	}
}

static int
cmp_u128(const void *a, const void *b)
{
	u128 x, y;

	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x < y ? -1 : x > y;
}

/*
 * Flattens c[0..k) (sorted by lo, overlapping as a chain) into disjoint
 * rows appended to out, each carrying the winning row's values.
 */
static int
flatten(struct rowvec *out, const struct row *c, size_t k)
{
	u128 *b = kz_malloc(2 * k * sizeof(*b));
	const struct row **h = kz_malloc(k * sizeof(*h));
	size_t nb = 0, hn = 0, p = 0, u = 0;
	const struct row *last = NULL;
	u128 maxhi = 0;
	int rc = 0;

	if (!b || !h) {
		rc = KZ_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < k; i++) {
		b[nb++] = c[i].lo;
		if (c[i].hi != ~(u128)0)
			b[nb++] = c[i].hi + 1;
		if (c[i].hi > maxhi)
			maxhi = c[i].hi;
	}
	qsort(b, nb, sizeof(*b), cmp_u128);
	for (size_t i = 0; i < nb; i++)
		if (u == 0 || b[i] != b[u - 1])
			b[u++] = b[i];
	nb = u;
	for (size_t m = 0; m < nb; m++) {
		u128 segend = m + 1 < nb ? b[m + 1] - 1 : maxhi;

		while (p < k && c[p].lo <= b[m])
			heap_push(h, &hn, &c[p++]);
		while (hn && h[0]->hi < b[m])
			heap_pop(h, &hn);
		if (!hn) {
			last = NULL;
			continue;
		}
		if (last == h[0] && out->n &&
		    out->v[out->n - 1].hi + 1 == b[m]) {
			out->v[out->n - 1].hi = segend;
			continue;
		}
		struct row r = *h[0];
		r.lo = b[m];
		r.hi = segend;
		if ((rc = push_row(out, &r)))
			goto done;
		last = h[0];
	}
done:
	kz_free(b);
	kz_free(h);
	return rc;
}

/* Sorts rv and replaces it by disjoint ranges; counts overlaps. */
static int
resolve(struct kz_asn_table *t, struct rowvec *rv)
{
	struct rowvec out = { 0 };
	size_t i = 0, sorted = 1;
	int rc = 0;

	for (size_t j = 1; j < rv->n && sorted; j++)
		if (cmp_row(&rv->v[j - 1], &rv->v[j]) > 0)
			sorted = 0;
	if (!sorted)
		qsort(rv->v, rv->n, sizeof(*rv->v), cmp_row);

	/* Fast path: no row overlaps the one before. */
	{
		size_t j;

		for (j = 1; j < rv->n; j++)
			if (rv->v[j].lo <= rv->v[j - 1].hi)
				break;
		if (j >= rv->n)
			return 0;
	}
	while (i < rv->n) {
		size_t j = i + 1, top = i;
		u128 maxhi = rv->v[i].hi;

		while (j < rv->n && rv->v[j].lo <= maxhi) {
			char num[24];

			snprintf(num, sizeof(num), "%lu",
			    (unsigned long)rv->v[top].line);
			t->stats.overlaps++;
			note_problem(t->stats.overlap_kept,
			    &t->stats.noverlap_kept, t, rv->v[j].src,
			    rv->v[j].line, rv->v[top].line,
			    N_("range overlaps the one on line %s"), num,
			    strlen(num));
			if (rv->v[j].hi > maxhi) {
				maxhi = rv->v[j].hi;
				top = j;
			}
			j++;
		}
		if (j - i == 1)
			rc = push_row(&out, &rv->v[i]);
		else
			rc = flatten(&out, rv->v + i, j - i);
		if (rc) {
			kz_free(out.v);
			return rc;
		}
		i = j;
	}
	kz_free(rv->v);
	*rv = out;
	return 0;
}

int
kz_asn_table_build(struct kz_asn_table *t)
{
	struct rowvec *r4 = &t->rows[0], *r6 = &t->rows[1];
	size_t b;

	assert(!t->built);
	if (resolve(t, r4) || resolve(t, r6))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	t->start4 = kz_malloc((r4->n ? r4->n : 1) * sizeof(*t->start4));
	t->val4 = kz_malloc((r4->n ? r4->n : 1) * sizeof(*t->val4));
	t->start6 = kz_malloc((r6->n ? r6->n : 1) * sizeof(*t->start6));
	t->val6 = kz_malloc((r6->n ? r6->n : 1) * sizeof(*t->val6));
	if (!t->start4 || !t->val4 || !t->start6 || !t->val6)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < r4->n; i++) {
		t->start4[i] = (uint32_t)r4->v[i].lo;
		t->val4[i].end = (uint32_t)r4->v[i].hi;
		t->val4[i].asn = r4->v[i].asn;
		t->val4[i].name = r4->v[i].name;
	}
	for (size_t i = 0; i < r6->n; i++) {
		t->start6[i] = r6->v[i].lo;
		t->val6[i].end = r6->v[i].hi;
		t->val6[i].asn = r6->v[i].asn;
		t->val6[i].name = r6->v[i].name;
	}
	t->n4 = r4->n;
	t->n6 = r6->n;
	/* idx[b]: the first range whose start has top 16 bits >= b. */
	b = 0;
	for (size_t i = 0; i < t->n4; i++)
		while (b <= (t->start4[i] >> 16))
			t->idx4[b++] = (uint32_t)i;
	while (b <= INDEX_SLOTS)
		t->idx4[b++] = (uint32_t)t->n4;
	b = 0;
	for (size_t i = 0; i < t->n6; i++)
		while (b <= (size_t)(t->start6[i] >> 112))
			t->idx6[b++] = (uint32_t)i;
	while (b <= INDEX_SLOTS)
		t->idx6[b++] = (uint32_t)t->n6;
	t->stats.ranges_v4 = t->n4;
	t->stats.ranges_v6 = t->n6;
	free_rows(t);
	t->built = 1;
	return 0;
}

/* ---- lookups ---- */

static void
put_v4(uint8_t out[16], uint32_t a)
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	out[12] = (uint8_t)(a >> 24);
	out[13] = (uint8_t)(a >> 16);
	out[14] = (uint8_t)(a >> 8);
	out[15] = (uint8_t)a;
}

static void
put_v6(uint8_t out[16], u128 a)
{
	for (int i = 15; i >= 0; i--) {
		out[i] = (uint8_t)a;
		a >>= 8;
	}
}

int
kz_asn_lookup_v4(
    const struct kz_asn_table *t, uint32_t addr, struct kz_asn_hit *out)
{
	uint32_t b = addr >> 16;
	size_t lo = t->idx4[b], hi = t->idx4[b + 1];

	/* The first start above addr; the range before it may cover it. */
	while (lo < hi) {
		size_t mid = (lo + hi) >> 1;

		if (t->start4[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || t->val4[lo - 1].end < addr)
		return 0;
	if (out) {
		const struct val4 *v = &t->val4[lo - 1];

		out->asn = v->asn;
		out->name = t->pool + v->name;
		out->v4 = 1;
		put_v4(out->lo, t->start4[lo - 1]);
		put_v4(out->hi, v->end);
	}
	return 1;
}

static int
lookup_v6(const struct kz_asn_table *t, u128 addr, struct kz_asn_hit *out)
{
	size_t b = (size_t)(addr >> 112);
	size_t lo = t->idx6[b], hi = t->idx6[b + 1];

	while (lo < hi) {
		size_t mid = (lo + hi) >> 1;

		if (t->start6[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || t->val6[lo - 1].end < addr)
		return 0;
	if (out) {
		const struct val6 *v = &t->val6[lo - 1];

		out->asn = v->asn;
		out->name = t->pool + v->name;
		out->v4 = 0;
		put_v6(out->lo, t->start6[lo - 1]);
		put_v6(out->hi, v->end);
	}
	return 1;
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	0xff };

int
kz_asn_lookup(const struct kz_asn_table *t, const uint8_t addr[16],
    struct kz_asn_hit *out)
{
	u128 v = 0;

	assert(t->built);
	if (memcmp(addr, v4mapped, 12) == 0)
		return kz_asn_lookup_v4(t,
		    (uint32_t)addr[12] << 24 | (uint32_t)addr[13] << 16 |
			(uint32_t)addr[14] << 8 | addr[15],
		    out);
	for (int i = 0; i < 16; i++)
		v = v << 8 | addr[i];
	return lookup_v6(t, v, out);
}

int
kz_asn_lookup_text(
    const struct kz_asn_table *t, const char *ip, struct kz_asn_hit *out)
{
	u128 v;
	int fam = parse_addr(&v, ip, strlen(ip));

	if (fam < 0)
		return kz_error_set(KZ_EINVAL, "'%s' is not an IP address", ip);
	if (fam == 0)
		return kz_asn_lookup_v4(t, (uint32_t)v, out);
	if ((v >> 32) == 0xffff) /* ::ffff:a.b.c.d */
		return kz_asn_lookup_v4(t, (uint32_t)v, out);
	return lookup_v6(t, v, out);
}

char *
kz_asn_hit_range(char *out, const struct kz_asn_hit *hit)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (hit->v4) {
		inet_ntop(AF_INET, hit->lo + 12, a, sizeof(a));
		inet_ntop(AF_INET, hit->hi + 12, b, sizeof(b));
	} else {
		inet_ntop(AF_INET6, hit->lo, a, sizeof(a));
		inet_ntop(AF_INET6, hit->hi, b, sizeof(b));
	}
	snprintf(out, 96, "%s-%s", a, b);
	return out;
}

const char *
kz_asn_name(const struct kz_asn_table *t, uint32_t asn)
{
	for (size_t i = 0; i < t->n4; i++)
		if (t->val4[i].asn == asn && t->val4[i].name)
			return t->pool + t->val4[i].name;
	for (size_t i = 0; i < t->n6; i++)
		if (t->val6[i].asn == asn && t->val6[i].name)
			return t->pool + t->val6[i].name;
	return "";
}
