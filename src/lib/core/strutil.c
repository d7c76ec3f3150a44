/* SPDX-License-Identifier: MIT */
/* Small string helpers. */
#include "strutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"

int
kz_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + n >= len)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* Length of the well-formed sequence at s[0..len), or 0. */
static size_t
seq_len(const unsigned char *s, size_t len)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t
kz_utf8_sanitize(struct kz_buf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, bad = 0;

	while (i < len) {
		size_t n = seq_len(s + i, len - i);

		if (n) {
			i += n;
			continue;
		}
		kz_buf_add(out, str + start, i - start);
		kz_buf_add(out, "\xef\xbf\xbd", 3);
		bad++;
		start = ++i;
	}
	kz_buf_add(out, str + start, i - start);
	return bad;
}

size_t
kz_utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

char *
kz_ascii_lower(char *s)
{
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

int
kz_str_blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

int
kz_parse_long(long *out, const char *s, long min, long max)
{
	char *end;
	long v;

	if (!s || !*s)
		return kz_error_set(
		    KZ_EINVAL, "expected a number, got '%s'", s ? s : "");
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s)
		return kz_error_set(KZ_EINVAL, "'%s' is not a number", s);
	if (v < min || v > max)
		return kz_error_set(
		    KZ_EINVAL, "%ld is out of range (%ld to %ld)", v, min, max);
	*out = v;
	return 0;
}

int
kz_name_index(const char *const *names, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *
kz_name_list(char *out, size_t outsz, const char *const *names)
{
	size_t o = 0;

	out[0] = '\0';
	for (int i = 0; names[i] && o < outsz; i++)
		o += (size_t)snprintf(
		    out + o, outsz - o, "%s%s", i ? ", " : "", names[i]);
	return out;
}
