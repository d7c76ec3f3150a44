/* SPDX-License-Identifier: MIT */
/* Tests for the log line parsers, detection and times. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "format/logline.h"

/* "field=kind:value" for each value, joined by spaces. */
static const char *
show(const struct kz_log_record *rec)
{
	static char out[4096];
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < rec->n; i++) {
		char one[600];

		snprintf(one, sizeof(one), "%s%s=%d:%.*s", i ? " " : "",
		    rec->v[i].field, rec->v[i].kind, (int)rec->v[i].len,
		    rec->v[i].p);
		strncat(out, one, sizeof(out) - strlen(out) - 1);
	}
	return out;
}

static struct kz_log_record rec;

static enum kz_log_status
parse(enum kz_log_format f, const char *line)
{
	struct kz_log_parser p;

	kz_log_parser_init(&p, f, NULL);
	return kz_logline_parse(&p, &rec, line, strlen(line));
}

static void
test_formats(void **state)
{
	int64_t t;

	kz_log_record_init(&rec);
	assert_int_equal(
	    parse(KZ_LOG_SQUID,
		"1286536309.586    921 192.168.0.68 TCP_MISS/200 507 "
		"POST http://rcv.example.com/x - DIRECT/203.0.113.5 "
		"application/xml"),
	    KZ_LOG_OK);
	assert_string_equal(show(&rec),
	    "client=1:192.168.0.68 "
	    "url=2:http://rcv.example.com/x "
	    "dst=1:203.0.113.5");
	assert_int_equal(kz_logline_time(&t, &rec, 2020), 0);
	assert_int_equal(t, 1286536309);
	assert_int_equal(parse(KZ_LOG_SQUID, "garbage line"), KZ_LOG_BAD);
	assert_int_equal(parse(KZ_LOG_SQUID, "12.5 x"), KZ_LOG_BAD);

	assert_int_equal(
	    parse(KZ_LOG_COMBINED,
		"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "
		"\"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
		"\"http://www.example.com/start.html\" \"Mozilla\""),
	    KZ_LOG_OK);
	assert_string_equal(show(&rec),
	    "client=1:127.0.0.1 "
	    "referer=2:http://www.example.com/start.html");
	assert_int_equal(kz_logline_time(&t, &rec, 2020), 0);
	assert_int_equal(t, 971211336);
	assert_int_equal(parse(KZ_LOG_COMBINED,
			     "10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "
			     "\"CONNECT evil.example.com:443 HTTP/1.1\" 200 0"),
	    KZ_LOG_OK);
	assert_string_equal(show(&rec),
	    "client=1:10.0.0.1 "
	    "url=2:evil.example.com:443");
	assert_int_equal(
	    parse(KZ_LOG_COMBINED, "10.0.0.1 - - [10/Oct/2000"), KZ_LOG_BAD);
	assert_int_equal(
	    parse(KZ_LOG_COMBINED,
		"10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] \"GET /"),
	    KZ_LOG_BAD);

	assert_int_equal(
	    parse(KZ_LOG_BIND,
		"25-Dec-2023 10:15:32.123 queries: info: client "
		"@0x7f3a 192.0.2.10#53211 (www.example.com): query: "
		"www.example.com IN A +E(0)K (192.0.2.1)"),
	    KZ_LOG_OK);
	assert_string_equal(show(&rec),
	    "client=0:192.0.2.10 "
	    "query=1:www.example.com");
	assert_int_equal(kz_logline_time(&t, &rec, 2020), 0);
	assert_int_equal(t, 1703499332);
	assert_int_equal(
	    parse(KZ_LOG_BIND, "client 1.2.3.4 nothing"), KZ_LOG_BAD);

	assert_int_equal(
	    parse(KZ_LOG_POSTFIX,
		"Mar  1 12:00:00 mx postfix/smtp[1]: ABC: "
		"to=<x@y.example>, orig_to=<o@y.example>, "
		"relay=mx.y.example[198.51.100.1]:25, status=sent"),
	    KZ_LOG_OK);
	assert_string_equal(show(&rec),
	    "to=3:x@y.example orig_to=3:o@y.example "
	    "relay=1:mx.y.example relay=0:198.51.100.1");
	assert_int_equal(kz_logline_time(&t, &rec, 2024), 0);
	assert_int_equal(t, 1709294400);
	assert_int_equal(parse(KZ_LOG_POSTFIX,
			     "Mar  1 12:00:00 mx sshd[1]: client=x[1.2.3.4]"),
	    KZ_LOG_BAD);

	assert_int_equal(parse(KZ_LOG_SYSLOG,
			     "<34>1 2003-10-11T22:14:15.003Z host app 1 ID47 "
			     "[ex@32473 a=\"b\"] login from 192.0.2.7 failed"),
	    KZ_LOG_OK);
	assert_string_equal(show(&rec), "msg=4:192.0.2.7");
	assert_int_equal(kz_logline_time(&t, &rec, 2020), 0);
	assert_int_equal(t, 1065910455);

	assert_int_equal(parse(KZ_LOG_GENERIC,
			     "x=1 src=10.0.0.1:5555 url=\"http://a.b/c?d=e\" "
			     "mail <a@b.example>, [2001:db8::1]:80 done."),
	    KZ_LOG_OK);
	assert_string_equal(show(&rec),
	    "token=4:10.0.0.1:5555 token=4:http://a.b/c?d=e "
	    "token=4:a@b.example token=4:2001:db8::1");

	assert_int_equal(
	    parse(KZ_LOG_JSONL, "{\"a\":{\"b\":\"evil.com\"}}"), KZ_LOG_OK);
	assert_string_equal(show(&rec), "b=4:evil.com");
	assert_int_equal(parse(KZ_LOG_JSONL, "{\"a\":"), KZ_LOG_BAD);
	assert_int_equal(parse(KZ_LOG_JSONL, "[1]"), KZ_LOG_BAD);
	assert_int_equal(
	    parse(KZ_LOG_ZEEK_JSON, "{\"uid\":\"x\"}"), KZ_LOG_BAD);
	assert_int_equal(
	    parse(KZ_LOG_ZEEK, "data before any header"), KZ_LOG_BAD);
	assert_int_equal(parse(KZ_LOG_SQUID, ""), KZ_LOG_SKIP);
	kz_log_record_release(&rec);
}

/*
 * Squid lines with runs of spaces and fields of every length, so that
 * fields start and end on both sides of the parser's 64-byte steps. Each
 * line is parsed from a buffer of exactly its length, and checked against
 * the fields as split here.
 */
static void
test_squid_fields(void **state)
{
	static const char *const times[] = { "1286536309.586", "12.5", "123",
		".5", "1.2.3", "12a.5", "1286536309.5861234" };
	uint64_t r = 0xa4093822299f31d0ULL;
	int i;

	kz_log_record_init(&rec);
	for (i = 0; i < 20000; i++) {
		char f[10][700], line[2048], want[2048], *buf;
		unsigned nf, k, j, bad_time;
		size_t len = 0;
		struct kz_log_parser p;
		enum kz_log_status st;

		tu_next(&r);
		k = (unsigned)(r % 7);
		bad_time = k >= 3 && k <= 5; /* the last is long, but valid */
		snprintf(f[0], sizeof(f[0]), "%s", times[r % 4 ? 0 : k]);
		if (r % 4)
			bad_time = 0;
		snprintf(f[1], sizeof(f[1]), "%u", (unsigned)(r >> 8) % 99999);
		snprintf(f[2], sizeof(f[2]), "10.%u.0.%u",
		    (unsigned)(r >> 16) % 256, (unsigned)(r >> 24) % 256);
		strcpy(f[3], "TCP_MISS/200");
		strcpy(f[4], "507");
		strcpy(f[5], "GET");
		strcpy(f[6], "http://a.example/");
		/* now and then over several of the parser's 64-byte steps */
		for (j = (unsigned)(r >> 32) % (r % 5 ? 70 : 450); j; j--)
			strcat(f[6], "p");
		strcpy(f[7], "-");
		strcpy(f[8], (r >> 40) % 3 ? "DIRECT/203.0.113.5" : "NONE/-");
		strcpy(f[9], "text/html");
		nf = 3 + (unsigned)(r >> 44) % 8;
		for (j = (unsigned)(r >> 50) % 3; j; j--)
			line[len++] = ' ';
		for (k = 0; k < nf; k++) {
			size_t n = strlen(f[k]);

			memcpy(line + len, f[k], n);
			len += n;
			if (k + 1 < nf || (r >> 52) % 4 == 0)
				for (j = 1 + (unsigned)(r >> (54 + k % 8)) % 3;
				     j; j--)
					line[len++] = ' ';
		}
		buf = malloc(len ? len : 1); /* nothing readable beyond */
		memcpy(buf, line, len);
		kz_log_parser_init(&p, KZ_LOG_SQUID, NULL);
		st = kz_logline_parse(&p, &rec, buf, len);
		if (bad_time || nf < 7) {
			assert_int_equal(st, KZ_LOG_BAD);
		} else {
			assert_int_equal(st, KZ_LOG_OK);
			snprintf(want, sizeof(want), "client=1:%s url=2:%s",
			    f[2], f[6]);
			if (nf >= 9 && strcmp(f[8], "NONE/-"))
				strcat(want, " dst=1:203.0.113.5");
			assert_string_equal(show(&rec), want);
			assert_int_equal(rec.time_len, strlen(f[0]));
			assert_memory_equal(rec.time, f[0], rec.time_len);
		}
		free(buf);
	}
	kz_log_record_release(&rec);
}

static void
test_zeek_tsv(void **state)
{
	struct kz_log_parser p;
	const char *h[] = { "#separator \\x09", "#set_separator\t,",
		"#fields\tts\tid.orig_h\tid.resp_h\thost\turi\tanswers" };
	const char *line =
	    "1.5\t10.0.0.1\t192.0.2.1\tEx.com\t/a?b\tc.com,192.0.2.2";
	size_t i;
	int64_t t;

	kz_log_record_init(&rec);
	kz_log_parser_init(&p, KZ_LOG_ZEEK, NULL);
	for (i = 0; i < 3; i++)
		assert_int_equal(kz_logline_parse(&p, &rec, h[i], strlen(h[i])),
		    KZ_LOG_SKIP);
	assert_int_equal(p.nfields, 6);
	assert_int_equal(
	    kz_logline_parse(&p, &rec, line, strlen(line)), KZ_LOG_OK);
	assert_string_equal(show(&rec),
	    "id.orig_h=0:10.0.0.1 id.resp_h=0:192.0.2.1 "
	    "host=1:Ex.com answers=1:c.com "
	    "answers=1:192.0.2.2 uri=2:http://Ex.com/a?b");
	assert_int_equal(rec.client_len, 8);
	assert_int_equal(kz_logline_time(&t, &rec, 2020), 0);
	assert_int_equal(t, 1);
	assert_int_equal(kz_logline_parse(&p, &rec, "1\t2", 3), KZ_LOG_BAD);
	kz_log_record_release(&rec);
}

static void
test_fieldmap(void **state)
{
	struct kz_log_fieldmap *m;
	struct kz_log_parser p;
	const char *l = "{\"src\":\"10.0.0.9\",\"q\":{\"name\":\"evil.com\"},"
			"\"t\":\"2023-10-10T00:00:00Z\",\"other\":\"x.com\"}";
	int64_t t;

	assert_int_equal(
	    kz_log_fieldmap_parse(&m, "client=src,host=q.name,time=t"), 0);
	kz_log_record_init(&rec);
	kz_log_parser_init(&p, KZ_LOG_JSONL, m);
	assert_int_equal(kz_logline_parse(&p, &rec, l, strlen(l)), KZ_LOG_OK);
	assert_string_equal(show(&rec), "src=1:10.0.0.9 q.name=1:evil.com");
	assert_int_equal(kz_logline_time(&t, &rec, 2020), 0);
	assert_int_equal(t, 1696896000);
	kz_log_record_release(&rec);
	kz_log_fieldmap_free(m);
	assert_int_equal(kz_log_fieldmap_parse(&m, "nosuch=x"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "nosuch=x"));
	assert_int_equal(kz_log_fieldmap_parse(&m, "client"), KZ_EINVAL);
}

static void
test_detect(void **state)
{
	enum kz_log_format f;
	const char *sq =
	    "1286536309.586    921 192.168.0.68 TCP_MISS/200 507 "
	    "GET http://a.example/ - DIRECT/203.0.113.5 text/html\n";
	const char *cb = "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / "
			 "HTTP/1.0\" 200 2326 \"-\" \"x\"\n";
	const char *pf = "Mar  1 12:00:00 mx postfix/smtpd[1]: connect from "
			 "unknown[1.2.3.4]\n";
	const char *sl = "Mar  1 12:00:00 host sshd[1]: hello\n";

	assert_int_equal(kz_logline_detect(sq, strlen(sq)), KZ_LOG_SQUID);
	assert_int_equal(kz_logline_detect(cb, strlen(cb)), KZ_LOG_COMBINED);
	assert_int_equal(kz_logline_detect(pf, strlen(pf)), KZ_LOG_POSTFIX);
	assert_int_equal(kz_logline_detect(sl, strlen(sl)), KZ_LOG_SYSLOG);
	assert_int_equal(
	    kz_logline_detect("#separator \\x09\n", 16), KZ_LOG_ZEEK);
	assert_int_equal(kz_logline_detect("{\"ts\":1,\"uid\":\"C\"}\n", 19),
	    KZ_LOG_ZEEK_JSON);
	assert_int_equal(kz_logline_detect("{\"a\":1}\n", 8), KZ_LOG_JSONL);
	assert_int_equal(
	    kz_logline_detect("hello world\n", 12), KZ_LOG_GENERIC);
	assert_int_equal(kz_logline_detect("", 0), KZ_LOG_GENERIC);
	assert_int_equal(
	    kz_logline_detect_line("\xff\xfe\x00", 3), KZ_LOG_GENERIC);
	assert_int_equal(kz_log_format_parse(&f, "nginx"), 0);
	assert_int_equal(f, KZ_LOG_COMBINED);
	assert_int_equal(kz_log_format_parse(&f, "zeek"), 0);
	assert_int_equal(f, KZ_LOG_ZEEK);
	assert_int_equal(kz_log_format_parse(&f, "foo"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'foo'"));
	assert_string_equal(kz_log_format_name(KZ_LOG_BIND), "bind");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_squid_fields),
		cmocka_unit_test(test_zeek_tsv),
		cmocka_unit_test(test_fieldmap),
		cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
