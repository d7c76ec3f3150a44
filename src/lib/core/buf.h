/* SPDX-License-Identifier: MIT */
/*
 * The one growable buffer. b.ptr is never NULL and always NUL-terminated;
 * it is binary safe. Every buffer has a hard cap; the first failure (no
 * memory, cap met) is sticky in b.err and later adds do nothing, so a
 * caller checks once at the end.
 */
#ifndef KZ_BUF_H
#define KZ_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct kz_buf {
	char *ptr;
	size_t len;
	size_t alloc; /* 0 while ptr points at the shared empty string */
	size_t cap;   /* the most len may ever be */
	int err;      /* 0, KZ_ENOMEM */
};

extern char kz_buf_empty[];

#define KZ_BUF_INIT(max)                                                       \
	{                                                                      \
		kz_buf_empty, 0, 0, (max), 0                                   \
	}

void kz_buf_init(struct kz_buf *b, size_t cap);
void kz_buf_release(struct kz_buf *b);
void kz_buf_reset(struct kz_buf *b);
int kz_buf_grow(struct kz_buf *b, size_t extra);
void kz_buf_add(struct kz_buf *b, const void *data, size_t len);
void kz_buf_adds(struct kz_buf *b, const char *s);
void kz_buf_addc(struct kz_buf *b, char c);
void kz_buf_addf(struct kz_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void kz_buf_vaddf(struct kz_buf *b, const char *fmt, va_list ap);
void kz_buf_truncate(struct kz_buf *b, size_t len);

/* Hands the memory to the caller (free with kz_free) and resets b. */
char *kz_buf_detach(struct kz_buf *b, size_t *len);

#endif
