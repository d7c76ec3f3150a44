/* SPDX-License-Identifier: MIT */
/*
 * Tests of the Maildir and mbox readers: order, From_ splitting and
 * unquoting, the per-message cap, errors that name the message, and going
 * on after them.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "format/mailbox.h"

static char *
path_in(const char *sub)
{
	const char *t = tu_tmpdir();
	char *p = malloc(strlen(t) + strlen(sub) + 2);

	sprintf(p, "%s/%s", t, sub);
	return p;
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void
test_maildir(void **state)
{
	char *dir = path_in("md"), p[512];
	struct kz_mailbox *mb;
	const char *raw;
	size_t len;
	char big[3000];

	(void)state;
	mkdir(dir, 0700);
	snprintf(p, sizeof(p), "%s/cur", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/new", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/tmp", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/new/1767225602.M2.host", dir);
	write_file(p, "Subject: second\n\nb\n", 19);
	snprintf(p, sizeof(p), "%s/cur/1767225601.M1.host:2,S", dir);
	write_file(p, "Subject: first\n\na\n", 18);
	snprintf(p, sizeof(p), "%s/cur/1767225603.M3.host:2,", dir);
	memset(big, 'x', sizeof(big));
	write_file(p, big, sizeof(big));
	snprintf(p, sizeof(p), "%s/new/1767225604.M4.host", dir);
	write_file(p, "Subject: fourth\n\nd\n", 19);
	snprintf(p, sizeof(p), "%s/new/.hidden", dir);
	write_file(p, "x", 1);
	snprintf(p, sizeof(p), "%s/tmp/1767225600.M0.host", dir);
	write_file(p, "Subject: in tmp\n\n", 17);

	assert_int_equal(kz_mailbox_open_maildir(&mb, dir, 1000), 0);
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_memory_equal(raw, "Subject: first", 14);
	assert_string_equal(kz_mailbox_where(mb), "cur/1767225601.M1.host:2,S");
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_int_equal(len, 19);
	assert_string_equal(kz_mailbox_where(mb), "new/1767225602.M2.host");
	/* Too big: an error naming it, then the next one. */
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), KZ_ENOMEM);
	assert_non_null(strstr(
	    kz_error_message(), "'cur/1767225603.M3.host:2,' is 3000 bytes"));
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_memory_equal(raw, "Subject: fourth", 15);
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 0);
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 0);
	assert_int_equal(kz_mailbox_count(mb), 4);
	kz_mailbox_free(mb);

	assert_int_equal(
	    kz_mailbox_open_maildir(&mb, tu_tmpdir(), 0), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "not a maildir"));
	free(dir);
}

static void
test_mbox(void **state)
{
	static const char box[] =
	    "From alice@example.jp Mon Jan  5 10:15:00 2026\n"
	    "Subject: one\n"
	    "\n"
	    "body one\n"
	    ">From the start\n"
	    ">>From deeper\n"
	    "From inside a paragraph, not a separator\n"
	    "\n"
	    "From bob@example.jp Mon Jan  5 10:16:00 2026\n"
	    "Subject: two\n"
	    "\n"
	    "body two\n"
	    "\n"
	    "From carol@example.jp Mon Jan  5 10:17:00 2026\n"
	    "Subject: three\n"
	    "\n"
	    "no final newline";
	char *p = path_in("box.mbox");
	struct kz_mailbox *mb;
	const char *raw;
	size_t len;

	(void)state;
	write_file(p, box, sizeof(box) - 1);
	assert_int_equal(kz_mailbox_open_mbox(&mb, p, 0), 0);
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_string_equal(kz_mailbox_where(mb), "message 1 at line 1");
	assert_string_equal(raw,
	    "Subject: one\n\nbody one\nFrom the start\n"
	    ">From deeper\nFrom inside a paragraph, not a separator\n");
	assert_int_equal(len, strlen(raw));
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_string_equal(raw, "Subject: two\n\nbody two\n");
	assert_string_equal(kz_mailbox_where(mb), "message 2 at line 9");
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_string_equal(raw, "Subject: three\n\nno final newline");
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 0);
	assert_int_equal(kz_mailbox_count(mb), 3);
	kz_mailbox_free(mb);
	free(p);
}

static void
test_mbox_crlf_and_postmark(void **state)
{
	/* CRLF line ends; a From_ line right after a body line. */
	static const char box[] =
	    "\r\nFrom a@example.jp Tue Jan  6 01:02:03 2026\r\n"
	    "Subject: a\r\n\r\nbody a\r\n"
	    "From b@example.jp Tue Jan  6 01:02:04 2026\r\n"
	    "Subject: b\r\n\r\nbody b\r\n\r\n";
	char *p = path_in("crlf.mbox");
	struct kz_mailbox *mb;
	const char *raw;
	size_t len;

	(void)state;
	write_file(p, box, sizeof(box) - 1);
	assert_int_equal(kz_mailbox_open_mbox(&mb, p, 0), 0);
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_string_equal(raw, "Subject: a\r\n\r\nbody a\r\n");
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_string_equal(raw, "Subject: b\r\n\r\nbody b\r\n\r\n");
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 0);
	kz_mailbox_free(mb);
	free(p);
}

static void
test_mbox_too_big_goes_on(void **state)
{
	char *p = path_in("big.mbox");
	FILE *f = fopen(p, "wb");
	struct kz_mailbox *mb;
	const char *raw;
	size_t len;

	(void)state;
	assert_non_null(f);
	fputs("From x Mon Jan  5 10:15:00 2026\nSubject: small\n\nok\n\n", f);
	fputs("From y Mon Jan  5 10:15:01 2026\nSubject: big\n\n", f);
	for (int i = 0; i < 20000; i++) /* 20000 lines of 100 bytes */
		fprintf(f, "%099d\n", i);
	/* One line of 3 MB with no newline until its end. */
	fputs("\nFrom z Mon Jan  5 10:15:02 2026\nSubject: long line\n\n", f);
	for (int i = 0; i < 3 << 20; i++)
		fputc('a', f);
	fputs("\n\nFrom w Mon Jan  5 10:15:03 2026\nSubject: last\n\nbye\n", f);
	fclose(f);

	assert_int_equal(kz_mailbox_open_mbox(&mb, p, 1 << 20), 0);
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_string_equal(raw, "Subject: small\n\nok\n");
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), KZ_ENOMEM);
	assert_non_null(strstr(kz_error_message(),
	    "message 2 at line 6 is "
	    "over the limit of 1048576 bytes"));
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), KZ_ENOMEM);
	assert_non_null(strstr(kz_error_message(), "message 3"));
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 1);
	assert_string_equal(raw, "Subject: last\n\nbye\n");
	assert_string_equal(kz_mailbox_where(mb), "message 4 at line 20015");
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 0);
	kz_mailbox_free(mb);
	free(p);
}

static void
test_mbox_errors(void **state)
{
	char *p = path_in("empty.mbox"), *q = path_in("notmbox.txt");
	struct kz_mailbox *mb;
	const char *raw;
	size_t len;

	(void)state;
	write_file(p, "", 0);
	assert_int_equal(kz_mailbox_open_mbox(&mb, p, 0), 0);
	assert_int_equal(kz_mailbox_next(mb, &raw, &len), 0);
	kz_mailbox_free(mb);
	write_file(q, "Subject: x\n\nnot an mbox\n", 24);
	assert_int_equal(kz_mailbox_open_mbox(&mb, q, 0), KZ_EINVAL);
	assert_non_null(
	    strstr(kz_error_message(), "does not start with a 'From ' line"));
	assert_null(mb);
	assert_int_equal(
	    kz_mailbox_open_mbox(&mb, "/nonexistent/box", 0), KZ_EIO);
	assert_non_null(strstr(kz_error_message(), "cannot open"));
	free(p);
	free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maildir),
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_mbox_crlf_and_postmark),
		cmocka_unit_test(test_mbox_too_big_goes_on),
		cmocka_unit_test(test_mbox_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
