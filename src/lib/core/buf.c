/* SPDX-License-Identifier: MIT */
/* The growable, capped, binary-safe buffer. */
#include "buf.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"

char kz_buf_empty[1];

void
kz_buf_init(struct kz_buf *b, size_t cap)
{
	b->ptr = kz_buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
	b->err = 0;
}

void
kz_buf_release(struct kz_buf *b)
{
	if (b->alloc)
		kz_free(b->ptr);
	kz_buf_init(b, b->cap);
}

void
kz_buf_reset(struct kz_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->alloc)
		b->ptr[0] = '\0';
}

int
kz_buf_grow(struct kz_buf *b, size_t extra)
{
	size_t want, n;
	char *p;

	if (b->err)
		return b->err;
	if (extra > b->cap || b->len > b->cap - extra) {
		b->err = kz_error_set(KZ_ENOMEM,
		    "buffer size limit of %zu bytes reached", b->cap);
		return b->err;
	}
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return 0;
	n = b->alloc ? b->alloc : 64;
	while (n < want)
		n = n < ((size_t)-1) / 2 ? n * 2 : want;
	p = kz_realloc(b->alloc ? b->ptr : NULL, n);
	if (!p) {
		b->err = kz_error_set(KZ_ENOMEM, "out of memory");
		return b->err;
	}
	if (!b->alloc)
		p[0] = '\0';
	b->ptr = p;
	b->alloc = n;
	return 0;
}

void
kz_buf_add(struct kz_buf *b, const void *data, size_t len)
{
	if (len == 0 || kz_buf_grow(b, len))
		return;
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void
kz_buf_adds(struct kz_buf *b, const char *s)
{
	kz_buf_add(b, s, strlen(s));
}

void
kz_buf_addc(struct kz_buf *b, char c)
{
	kz_buf_add(b, &c, 1);
}

void
kz_buf_vaddf(struct kz_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (b->err)
		return;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || kz_buf_grow(b, (size_t)n))
		return;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
kz_buf_addf(struct kz_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kz_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void
kz_buf_truncate(struct kz_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

char *
kz_buf_detach(struct kz_buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	if (!b->alloc) {
		p = kz_strndup("", 0);
	} else {
		p = b->ptr;
	}
	kz_buf_init(b, b->cap);
	return p;
}
