/* SPDX-License-Identifier: MIT */
/*
 * Error codes and the per-thread error message. A library function that
 * fails sets the message where the failure starts and returns a negative
 * code; callers pass the code up unchanged. Front ends render the message,
 * translated if they wish, with kz_error_render().
 */
#ifndef KZ_ERROR_H
#define KZ_ERROR_H

#include <stddef.h>

enum kz_error_code {
	KZ_OK = 0,
	KZ_EINVAL =
	    -1, /* bad input from the caller or the outside, too large too */
	KZ_ENOTFOUND = -2, /* no such ticket, org, user ... */
	KZ_EEXISTS = -3,   /* unique thing already present */
	KZ_ENOMEM = -4,    /* allocation failed or an internal cap was met */
	KZ_EIO = -5,       /* file, database or network failure */
	KZ_ECONFLICT = -6, /* state does not allow it (state machine) */
	KZ_EPERM = -7,     /* the role or TLP does not allow it */
	KZ_EVERSION = -8,  /* data written by a newer program */
	KZ_EBUSY = -9,     /* the database stayed locked */
};

#define KZ_ERROR_MAX_ARGS 8

/*
 * Sets the thread's error and returns code, so that
 *	return kz_error_set(KZ_EINVAL, "unknown category '%s'", s);
 * reads naturally. fmt must be a string literal: it is also the msgid under
 * which translations are looked up. Conversions allowed: %s %d %i %u %ld
 * %lu %lld %llu %zu %c %%; each argument is kept as text so that a
 * translated format can place them again (also as %1$s, %2$s ...).
 */
int kz_error_set(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefixes the current message with "context: ", keeping the code. */
int kz_error_wrap(int code, const char *context);

/* The last error of this thread. Borrowed; valid until the next set. */
const char *kz_error_message(void);
int kz_error_code(void);
const char *kz_error_format(void);
void kz_error_clear(void);

/* The short name of a code: "invalid", "not found" ... */
const char *kz_error_name(int code);

/*
 * Renders the last error with fmt_translated (a translation of
 * kz_error_format(), NULL for the original). Borrowed thread-local buffer.
 */
const char *kz_error_render(const char *fmt_translated);

/*
 * Formats fmt (a format in the restricted syntax above, possibly with
 * positional %N$s) with already-textual arguments into out (size outsz).
 */
void kz_format_args(char *out, size_t outsz, const char *fmt,
    const char *const *args, int nargs);

#endif
