/* SPDX-License-Identifier: MIT */
/* Escaping for HTML pages: the only way text reaches a page. */
#include "html.h"

#include <string.h>

#include "core/strutil.h"

void
kz_html_escape_n(struct kz_buf *b, const char *s, size_t len)
{
	struct kz_buf clean = KZ_BUF_INIT(len * 3 + 16);

	if (!s)
		return;
	if (!kz_utf8_valid(s, len) || memchr(s, 0, len)) {
		kz_utf8_sanitize(&clean, s, len);
		s = clean.ptr;
		len = clean.len;
	}
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			kz_buf_adds(b, "&amp;");
			break;
		case '<':
			kz_buf_adds(b, "&lt;");
			break;
		case '>':
			kz_buf_adds(b, "&gt;");
			break;
		case '"':
			kz_buf_adds(b, "&quot;");
			break;
		case '\'':
			kz_buf_adds(b, "&#39;");
			break;
		case '`':
			kz_buf_adds(b, "&#96;");
			break;
		default:
			kz_buf_addc(b, s[i]);
		}
	}
	kz_buf_release(&clean);
}

void
kz_html_escape(struct kz_buf *b, const char *s)
{
	if (s)
		kz_html_escape_n(b, s, strlen(s));
}
