/* SPDX-License-Identifier: MIT */
/*
 * Tests for outgoing MIME mail: parsed back with the intake parser, so
 * that what we send is what a MIME reader sees (subject, parts, text).
 */
#include "testutil.h"

#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "format/mail.h"
#include "notify/mailout.h"

static void
test_roundtrip(void **state)
{
	struct kz_mailout_part parts[] = {
		{ "application/json", "xarf.json", "{\"a\":1}\n", 8 },
		{ "application/xml", "iodef.xml", "<x/>", 4 },
	};
	struct kz_mailout m = { 0 };
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	struct kz_mail *p;
	const char *subj = "[KZ-2026-000001] フィッシングサイトの停止について"
			   "のご依頼 / Request to take down a phishing site";

	(void)state;
	m.from = "csirt@csirt.example";
	m.from_name = "日本 CSIRT";
	m.to = "abuse@isp.example";
	m.subject = subj;
	m.message_id = "KZ-2026-000001.abc@csirt.example";
	m.in_reply_to = "KZ-2026-000001.000@csirt.example";
	m.ticket = "KZ-2026-000001";
	m.date = 1782864000;
	m.body = "お世話になっております。\nline 2\n";
	m.parts = parts;
	m.n_parts = 2;
	assert_int_equal(kz_mailout_build(&b, &m), 0);
	/* headers stay within 78 columns, bytes are 7-bit */
	for (size_t i = 0, col = 0; i < b.len; i++) {
		assert_true((unsigned char)b.ptr[i] < 0x80);
		col = b.ptr[i] == '\n' ? 0 : col + 1;
		assert_true(col <= 78);
	}
	assert_non_null(
	    strstr(b.ptr, "Date: Wed, 01 Jul 2026 00:00:00 +0000\r\n"));
	assert_non_null(strstr(b.ptr, "X-Kizuki-Ticket: KZ-2026-000001\r\n"));
	assert_int_equal(kz_mail_parse(&p, b.ptr, b.len, NULL), 0);
	assert_string_equal(p->subject, subj);
	assert_string_equal(p->message_id, "KZ-2026-000001.abc@csirt.example");
	assert_string_equal(p->in_reply_to, "KZ-2026-000001.000@csirt.example");
	assert_string_equal(p->from->name, "日本 CSIRT");
	assert_string_equal(p->from->addr, "csirt@csirt.example");
	assert_non_null(strstr(p->text, "お世話になっております。"));
	assert_int_equal(p->n_attachments, 2);
	assert_string_equal(p->attachments[0].filename, "xarf.json");
	assert_string_equal(p->attachments[0].content_type, "application/json");
	assert_int_equal(p->attachments[0].size, 8);
	assert_string_equal(p->attachments[1].filename, "iodef.xml");
	kz_mail_free(p);
	kz_buf_release(&b);
}

static void
test_single_part(void **state)
{
	struct kz_mailout m = { 0 };
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	struct kz_mail *p;

	(void)state;
	m.from = "a@b.example";
	m.to = "c@d.example";
	m.subject = "plain ascii";
	m.message_id = "x@b.example";
	m.body = "hello\n";
	assert_int_equal(kz_mailout_build(&b, &m), 0);
	assert_non_null(strstr(b.ptr, "Subject: plain ascii\r\n"));
	assert_null(strstr(b.ptr, "multipart"));
	assert_int_equal(kz_mail_parse(&p, b.ptr, b.len, NULL), 0);
	assert_string_equal(p->text, "hello\r\n");
	kz_mail_free(p);
	kz_buf_release(&b);
}

static void
test_injection(void **state)
{
	struct kz_mailout m = { 0 };
	struct kz_buf b = KZ_BUF_INIT(1 << 20);

	(void)state;
	m.from = "a@b.example";
	m.to = "c@d.example\r\nBcc: evil@x.example";
	m.subject = "s\r\nBcc: evil@x.example";
	m.message_id = "x@b.example";
	m.body = "";
	assert_int_equal(kz_mailout_build(&b, &m), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "recipient address"));
	m.to = "c@d.example";
	assert_int_equal(kz_mailout_build(&b, &m), 0);
	/* the subject's line break became a space, no new header */
	assert_null(strstr(b.ptr, "\r\nBcc:"));
	m.to = "nobody";
	assert_int_equal(kz_mailout_build(&b, &m), KZ_EINVAL);
	kz_buf_release(&b);
}

static void
test_base64_lines(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	char data[200];

	(void)state;
	memset(data, 'x', sizeof(data));
	kz_mailout_base64(&b, data, sizeof(data));
	/* 57 bytes per 76-character line */
	assert_int_equal(strcspn(b.ptr, "\r"), 76);
	kz_buf_reset(&b);
	kz_mailout_base64(&b, "ab", 2);
	assert_string_equal(b.ptr, "YWI=\r\n");
	kz_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_single_part),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_base64_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
