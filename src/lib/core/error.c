/* SPDX-License-Identifier: MIT */
/*
 * The per-thread error: code, English message, and the format and its
 * arguments as text, so that a front end can render the same error in
 * another language without the library knowing about languages.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MSG_MAX 1024
#define ARG_MAX 256

struct err_state {
	int code;
	const char *fmt;
	int nargs;
	char args[KZ_ERROR_MAX_ARGS][ARG_MAX];
	char msg[MSG_MAX];
	char rendered[MSG_MAX];
};

static _Thread_local struct err_state err;

static void
copy_arg(char *dst, const char *s)
{
	snprintf(dst, ARG_MAX, "%s", s ? s : "(null)");
}

/* Reads the conversions of fmt, pulling each argument as text. */
static void
collect_args(const char *fmt, va_list ap)
{
	const char *p;

	err.nargs = 0;
	for (p = fmt; *p; p++) {
		char *dst;
		int lng = 0, size_t_mod = 0;

		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		if (*p == '\0')
			break;
		dst =
		    err.nargs < KZ_ERROR_MAX_ARGS ? err.args[err.nargs] : NULL;
		while (*p == 'l') {
			lng++;
			p++;
		}
		if (*p == 'z') {
			size_t_mod = 1;
			p++;
		}
		switch (*p) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (dst)
				copy_arg(dst, s);
			break;
		}
		case 'c': {
			int c = va_arg(ap, int);
			if (dst)
				snprintf(dst, ARG_MAX, "%c", c);
			break;
		}
		case 'd':
		case 'i':
			if (size_t_mod) {
				size_t v = va_arg(ap, size_t);
				if (dst)
					snprintf(dst, ARG_MAX, "%zu", v);
			} else if (lng >= 2) {
				long long v = va_arg(ap, long long);
				if (dst)
					snprintf(dst, ARG_MAX, "%lld", v);
			} else if (lng == 1) {
				long v = va_arg(ap, long);
				if (dst)
					snprintf(dst, ARG_MAX, "%ld", v);
			} else {
				int v = va_arg(ap, int);
				if (dst)
					snprintf(dst, ARG_MAX, "%d", v);
			}
			break;
		case 'u':
			if (size_t_mod) {
				size_t v = va_arg(ap, size_t);
				if (dst)
					snprintf(dst, ARG_MAX, "%zu", v);
			} else if (lng >= 2) {
				unsigned long long v =
				    va_arg(ap, unsigned long long);
				if (dst)
					snprintf(dst, ARG_MAX, "%llu", v);
			} else if (lng == 1) {
				unsigned long v = va_arg(ap, unsigned long);
				if (dst)
					snprintf(dst, ARG_MAX, "%lu", v);
			} else {
				unsigned v = va_arg(ap, unsigned);
				if (dst)
					snprintf(dst, ARG_MAX, "%u", v);
			}
			break;
		default:
			/* Unsupported conversion: a programmer mistake. */
			if (dst)
				copy_arg(dst, "?");
			break;
		}
		if (dst)
			err.nargs++;
	}
}

void
kz_format_args(char *out, size_t outsz, const char *fmt,
    const char *const *args, int nargs)
{
	size_t o = 0;
	int next = 0;
	const char *p;

	if (outsz == 0)
		return;
	for (p = fmt; *p && o + 1 < outsz; p++) {
		const char *a;
		int idx;

		if (*p != '%') {
			out[o++] = *p;
			continue;
		}
		p++;
		if (*p == '%') {
			out[o++] = '%';
			continue;
		}
		if (*p == '\0')
			break;
		idx = next++;
		if (*p >= '1' && *p <= '9' && p[1] == '$') {
			idx = *p - '1';
			p += 2;
		}
		while (*p == 'l' || *p == 'z')
			p++;
		if (*p == '\0')
			break;
		a = idx < nargs ? args[idx] : "";
		while (*a && o + 1 < outsz)
			out[o++] = *a++;
	}
	out[o] = '\0';
}

static void
render_into(char *out, size_t outsz, const char *fmt)
{
	const char *ptrs[KZ_ERROR_MAX_ARGS];
	int i;

	for (i = 0; i < err.nargs; i++)
		ptrs[i] = err.args[i];
	kz_format_args(out, outsz, fmt, ptrs, err.nargs);
}

int
kz_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	err.code = code;
	err.fmt = fmt;
	va_start(ap, fmt);
	collect_args(fmt, ap);
	va_end(ap);
	render_into(err.msg, sizeof(err.msg), fmt);
	return code;
}

int
kz_error_wrap(int code, const char *context)
{
	char tmp[MSG_MAX];
	size_t n = strlen(context), m;

	if (n > MSG_MAX / 2)
		n = MSG_MAX / 2;
	memcpy(tmp, context, n);
	memcpy(tmp + n, ": ", 2);
	m = strlen(err.msg);
	if (m > sizeof(tmp) - n - 3)
		m = sizeof(tmp) - n - 3;
	memcpy(tmp + n + 2, err.msg, m);
	tmp[n + 2 + m] = '\0';
	memcpy(err.msg, tmp, sizeof(err.msg));
	/* The wrapped text is no longer the format's rendering. */
	err.fmt = NULL;
	err.code = code;
	return code;
}

const char *
kz_error_message(void)
{
	return err.code ? err.msg : "";
}

int
kz_error_code(void)
{
	return err.code;
}

const char *
kz_error_format(void)
{
	return err.code ? err.fmt : NULL;
}

void
kz_error_clear(void)
{
	err.code = 0;
	err.fmt = NULL;
	err.nargs = 0;
	err.msg[0] = '\0';
}

const char *
kz_error_render(const char *fmt_translated)
{
	if (!fmt_translated || !err.fmt)
		return kz_error_message();
	render_into(err.rendered, sizeof(err.rendered), fmt_translated);
	return err.rendered;
}

const char *
kz_error_name(int code)
{
	switch (code) {
	case KZ_OK:
		return "ok";
	case KZ_EINVAL:
		return "invalid";
	case KZ_ENOTFOUND:
		return "not_found";
	case KZ_EEXISTS:
		return "exists";
	case KZ_ENOMEM:
		return "no_memory";
	case KZ_EIO:
		return "io";
	case KZ_ECONFLICT:
		return "conflict";
	case KZ_EPERM:
		return "forbidden";
	case KZ_EVERSION:
		return "version";
	case KZ_EBUSY:
		return "busy";
	}
	return "error";
}
