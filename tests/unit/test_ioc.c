/* SPDX-License-Identifier: MIT */
/*
 * Tests for indicator types and canonical forms: every type's accepted
 * and refused spellings, refanging of stand-alone values, type detection
 * and the error messages.
 */
#include "testutil.h"

#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "extract/ioc.h"

static void
test_type_names(void **state)
{
	enum kz_ioc_type t;

	(void)state;
	for (int i = 0; i < KZ_IOC_NTYPES; i++) {
		assert_non_null(kz_ioc_type_name((enum kz_ioc_type)i));
		assert_int_equal(kz_ioc_type_parse(
				     &t, kz_ioc_type_name((enum kz_ioc_type)i)),
		    0);
		assert_int_equal(t, i);
	}
	assert_null(kz_ioc_type_name(KZ_IOC_NTYPES));
	assert_null(kz_ioc_type_names[KZ_IOC_NTYPES]);
	assert_string_equal(kz_ioc_type_name(KZ_IOC_SHA256), "sha256");
	assert_int_equal(kz_ioc_type_parse(&t, "hostname"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "unknown indicator type 'hostname' (one of: ipv4, ipv6, cidr, "
	    "domain, url, email, email_subject, md5, sha1, sha256, asn, cve, "
	    "filename)");
	assert_int_equal(kz_ioc_type_parse(&t, NULL), KZ_EINVAL);
}

struct ccase {
	enum kz_ioc_type t;
	const char *in;
	const char *out; /* NULL: refused */
};

/* clang-format off */
static const struct ccase ccases[] = {
	{ KZ_IOC_IPV4, "192.0.2.1", "192.0.2.1" },
	{ KZ_IOC_IPV4, " 192.0.2.1\n", "192.0.2.1" },
	{ KZ_IOC_IPV4, "192[.]0[.]2[.]1", "192.0.2.1" },
	{ KZ_IOC_IPV4, "１９２．０．２．１", "192.0.2.1" },
	{ KZ_IOC_IPV4, "010.001.000.009", "10.1.0.9" },
	{ KZ_IOC_IPV4, "255.255.255.255", "255.255.255.255" },
	{ KZ_IOC_IPV4, "256.1.1.1", NULL },
	{ KZ_IOC_IPV4, "1.2.3", NULL },
	{ KZ_IOC_IPV4, "1.2.3.4.5", NULL },
	{ KZ_IOC_IPV4, "1.2.3.4/24", NULL },
	{ KZ_IOC_IPV4, "0001.2.3.4", NULL },
	{ KZ_IOC_IPV4, "", NULL },
	{ KZ_IOC_IPV6, "2001:DB8::1", "2001:db8::1" },
	{ KZ_IOC_IPV6, "[2001:db8::1]", "2001:db8::1" },
	{ KZ_IOC_IPV6, "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
	{ KZ_IOC_IPV6, "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
	{ KZ_IOC_IPV6, "2001:db8::g", NULL },
	{ KZ_IOC_IPV6, "12:34:56", NULL },
	{ KZ_IOC_CIDR, "198.51.100.0/24", "198.51.100.0/24" },
	{ KZ_IOC_CIDR, "0.0.0.0/0", "0.0.0.0/0" },
	{ KZ_IOC_CIDR, "192.0.2.1/32", "192.0.2.1/32" },
	{ KZ_IOC_CIDR, "2001:DB8::/32", "2001:db8::/32" },
	{ KZ_IOC_CIDR, "198.51.100.1/24", NULL },
	{ KZ_IOC_CIDR, "198.51.100.0/33", NULL },
	{ KZ_IOC_CIDR, "198.51.100.0/024", NULL },
	{ KZ_IOC_CIDR, "198.51.100.0", NULL },
	{ KZ_IOC_CIDR, "2001:db8::/129", NULL },
	{ KZ_IOC_DOMAIN, "Example.COM", "example.com" },
	{ KZ_IOC_DOMAIN, "example.com.", "example.com" },
	{ KZ_IOC_DOMAIN, "evil[.]example[.]co[.]jp", "evil.example.co.jp" },
	{ KZ_IOC_DOMAIN, "x[dot]example(dot)org", "x.example.org" },
	{ KZ_IOC_DOMAIN, "ｅｘａｍｐｌｅ．ｃｏｍ", "example.com" },
	{ KZ_IOC_DOMAIN, "example。jp", "example.jp" },
	{ KZ_IOC_DOMAIN, "例え.みんな", "xn--r8jz45g.xn--q9jyb4c" },
	{ KZ_IOC_DOMAIN, "日本語.JP", "xn--wgv71a119e.jp" },
	{ KZ_IOC_DOMAIN, "xn--wgv71a119e.jp", "xn--wgv71a119e.jp" },
	{ KZ_IOC_DOMAIN, "setup.py", "setup.py" },
	{ KZ_IOC_DOMAIN, "invoice.exe", NULL },
	{ KZ_IOC_DOMAIN, "readme.txt", NULL },
	{ KZ_IOC_DOMAIN, "example", NULL },
	{ KZ_IOC_DOMAIN, "co.jp", NULL },
	{ KZ_IOC_DOMAIN, "-bad.example.com", NULL },
	{ KZ_IOC_DOMAIN, "bad-.example.com", NULL },
	{ KZ_IOC_DOMAIN, "a..example.com", NULL },
	{ KZ_IOC_DOMAIN, "under_score.example.com", NULL },
	{ KZ_IOC_DOMAIN, "例え.テスト", NULL },
	{ KZ_IOC_DOMAIN, "192.0.2.1", NULL },
	{ KZ_IOC_DOMAIN, "exa mple.com", NULL },
	{ KZ_IOC_URL, "http://Example.COM/A?b=C#d", "http://example.com/A?b=C#d" },
	{ KZ_IOC_URL, "HTTPS://example.com", "https://example.com/" },
	{ KZ_IOC_URL, "hxxp://evil[.]example[.]com/x", "http://evil.example.com/x" },
	{ KZ_IOC_URL, "hXXps[:]//evil.example.com", "https://evil.example.com/" },
	{ KZ_IOC_URL, "h**p[://]evil.example.com/", "http://evil.example.com/" },
	{ KZ_IOC_URL, "fxp://files.example.com/a", "ftp://files.example.com/a" },
	{ KZ_IOC_URL, "http://example.com:80/", "http://example.com/" },
	{ KZ_IOC_URL, "https://example.com:443/", "https://example.com/" },
	{ KZ_IOC_URL, "http://example.com:8080/", "http://example.com:8080/" },
	{ KZ_IOC_URL, "ftp://example.com:21/a", "ftp://example.com/a" },
	{ KZ_IOC_URL, "ftp://example.com:2121/", "ftp://example.com:2121/" },
	{ KZ_IOC_URL, "http://192.0.2.1/a", "http://192.0.2.1/a" },
	{ KZ_IOC_URL, "http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/" },
	{ KZ_IOC_URL, "http://user:pw@example.com/", "http://user:pw@example.com/" },
	{ KZ_IOC_URL, "http://日本語.jp/パス", "http://xn--wgv71a119e.jp/%E3%83%91%E3%82%B9" },
	{ KZ_IOC_URL, "ｈｔｔｐ：／／ｅｘａｍｐｌｅ．ｃｏｍ", "http://example.com/" },
	{ KZ_IOC_URL, "gopher://example.com/", NULL },
	{ KZ_IOC_URL, "http://localhost/", NULL },
	{ KZ_IOC_URL, "http://example.com:99999/", NULL },
	{ KZ_IOC_URL, "http://example.com/a b", NULL },
	{ KZ_IOC_URL, "example.com/a", NULL },
	{ KZ_IOC_URL, "http://", NULL },
	{ KZ_IOC_EMAIL, "First.Last+x@Example.COM", "First.Last+x@example.com" },
	{ KZ_IOC_EMAIL, "ceo[at]example[.]com", "ceo@example.com" },
	{ KZ_IOC_EMAIL, "keiri[@]example.jp", "keiri@example.jp" },
	{ KZ_IOC_EMAIL, "user@例え.みんな", "user@xn--r8jz45g.xn--q9jyb4c" },
	{ KZ_IOC_EMAIL, ".user@example.com", NULL },
	{ KZ_IOC_EMAIL, "us..er@example.com", NULL },
	{ KZ_IOC_EMAIL, "user@invoice.exe", NULL },
	{ KZ_IOC_EMAIL, "@example.com", NULL },
	{ KZ_IOC_EMAIL, "user@", NULL },
	{ KZ_IOC_MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e" },
	{ KZ_IOC_MD5, "d41d8cd98f00b204e9800998ecf8427", NULL },
	{ KZ_IOC_MD5, "z41d8cd98f00b204e9800998ecf8427e", NULL },
	{ KZ_IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ KZ_IOC_SHA1, "d41d8cd98f00b204e9800998ecf8427e", NULL },
	{ KZ_IOC_SHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ KZ_IOC_ASN, "AS15169", "AS15169" },
	{ KZ_IOC_ASN, "asn2497", "AS2497" },
	{ KZ_IOC_ASN, "AS 64496", "AS64496" },
	{ KZ_IOC_ASN, "64496", "AS64496" },
	{ KZ_IOC_ASN, "AS1.10", "AS65546" },
	{ KZ_IOC_ASN, "AS4294967295", "AS4294967295" },
	{ KZ_IOC_ASN, "AS4294967296", NULL },
	{ KZ_IOC_ASN, "AS0", NULL },
	{ KZ_IOC_ASN, "AS012", NULL },
	{ KZ_IOC_ASN, "ASX", NULL },
	{ KZ_IOC_CVE, "cve-2021-44228", "CVE-2021-44228" },
	{ KZ_IOC_CVE, "CVE-2021-1234567", "CVE-2021-1234567" },
	{ KZ_IOC_CVE, "CVE-2021-123", NULL },
	{ KZ_IOC_CVE, "CVE-21-1234", NULL },
	{ KZ_IOC_CVE, "CVE-3021-1234", NULL },
	{ KZ_IOC_EMAIL_SUBJECT, "  Urgent:\r\n  verify   your account ", "Urgent: verify your account" },
	{ KZ_IOC_EMAIL_SUBJECT, "【重要】アカウント確認", "【重要】アカウント確認" },
	{ KZ_IOC_EMAIL_SUBJECT, " \t ", NULL },
	{ KZ_IOC_EMAIL_SUBJECT, "a\001b", NULL },
	{ KZ_IOC_FILENAME, "Invoice.PDF.exe", "Invoice.PDF.exe" },
	{ KZ_IOC_FILENAME, "請求書.zip", "請求書.zip" },
	{ KZ_IOC_FILENAME, "a/b.exe", NULL },
	{ KZ_IOC_FILENAME, "..", NULL },
	{ KZ_IOC_FILENAME, "", NULL },
};
/* clang-format on */

static void
test_canonicalize(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 16);

	(void)state;
	for (size_t i = 0; i < sizeof(ccases) / sizeof(ccases[0]); i++) {
		const struct ccase *c = &ccases[i];
		int rc = kz_ioc_canonicalize(&b, c->t, c->in, strlen(c->in));

		if (c->out && (rc != 0 || strcmp(b.ptr, c->out) != 0))
			fail_msg("%s '%s': got %d '%s', want '%s'",
			    kz_ioc_type_name(c->t), c->in, rc, b.ptr, c->out);
		if (!c->out && rc != KZ_EINVAL)
			fail_msg("%s '%s': accepted as '%s'",
			    kz_ioc_type_name(c->t), c->in, b.ptr);
		if (!c->out)
			assert_int_equal(b.len, 0);
	}
	kz_buf_release(&b);
}

static void
test_canonicalize_messages(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	char longv[300];

	(void)state;
	assert_int_equal(
	    kz_ioc_canonicalize(&b, KZ_IOC_IPV4, "999.1.1.1", 9), KZ_EINVAL);
	assert_string_equal(kz_error_message(), "invalid ipv4 '999.1.1.1'");
	assert_int_equal(
	    kz_ioc_canonicalize(&b, KZ_IOC_DOMAIN, "invoice.exe", 11),
	    KZ_EINVAL);
	assert_string_equal(kz_error_message(), "invalid domain 'invoice.exe'");
	assert_int_equal(
	    kz_ioc_canonicalize(&b, KZ_IOC_NTYPES, "x", 1), KZ_EINVAL);
	/* long values are cut in the message */
	memset(longv, 'a', sizeof(longv));
	assert_int_equal(
	    kz_ioc_canonicalize(&b, KZ_IOC_MD5, longv, sizeof(longv)),
	    KZ_EINVAL);
	assert_true(strlen(kz_error_message()) < 120);
	assert_non_null(strstr(kz_error_message(), "...'"));
	/* a capped output buffer is an error, not a truncated value */
	{
		struct kz_buf small = KZ_BUF_INIT(4);

		assert_int_equal(kz_ioc_canonicalize(
				     &small, KZ_IOC_DOMAIN, "example.com", 11),
		    KZ_ENOMEM);
		kz_buf_release(&small);
	}
	kz_buf_release(&b);
}

struct dcase {
	const char *in;
	enum kz_ioc_type t; /* KZ_IOC_NTYPES: none */
	const char *out;
};

/* clang-format off */
static const struct dcase dcases[] = {
	{ "192.0.2.1", KZ_IOC_IPV4, "192.0.2.1" },
	{ "192[.]0[.]2[.]1", KZ_IOC_IPV4, "192.0.2.1" },
	{ "2001:db8::1", KZ_IOC_IPV6, "2001:db8::1" },
	{ "10.0.0.0/8", KZ_IOC_CIDR, "10.0.0.0/8" },
	{ "2001:db8::/48", KZ_IOC_CIDR, "2001:db8::/48" },
	{ "Example.com", KZ_IOC_DOMAIN, "example.com" },
	{ "例え.みんな", KZ_IOC_DOMAIN, "xn--r8jz45g.xn--q9jyb4c" },
	{ "hxxp://example[.]com/x", KZ_IOC_URL, "http://example.com/x" },
	{ "a@example.com", KZ_IOC_EMAIL, "a@example.com" },
	{ "d41d8cd98f00b204e9800998ecf8427e", KZ_IOC_MD5, "d41d8cd98f00b204e9800998ecf8427e" },
	{ "da39a3ee5e6b4b0d3255bfef95601890afd80709", KZ_IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", KZ_IOC_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "CVE-2014-0160", KZ_IOC_CVE, "CVE-2014-0160" },
	{ "AS2497", KZ_IOC_ASN, "AS2497" },
	{ "  8.8.8.8  ", KZ_IOC_IPV4, "8.8.8.8" },
	{ "invoice.exe", KZ_IOC_NTYPES, NULL },
	{ "hello", KZ_IOC_NTYPES, NULL },
	{ "1.2.3.4.5", KZ_IOC_NTYPES, NULL },
	{ "http://localhost/", KZ_IOC_NTYPES, NULL },
	{ "", KZ_IOC_NTYPES, NULL },
};
/* clang-format on */

static void
test_detect(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 16);

	(void)state;
	for (size_t i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
		const struct dcase *c = &dcases[i];
		enum kz_ioc_type t = KZ_IOC_NTYPES;
		int rc = kz_ioc_detect(&t, &b, c->in, strlen(c->in));

		if (c->out) {
			if (rc != 0 || t != c->t || strcmp(b.ptr, c->out))
				fail_msg("'%s': got %d %s '%s'", c->in, rc,
				    rc ? "-" : kz_ioc_type_name(t), b.ptr);
		} else {
			if (rc != KZ_EINVAL)
				fail_msg("'%s': detected as %s '%s'", c->in,
				    kz_ioc_type_name(t), b.ptr);
			assert_non_null(
			    strstr(kz_error_message(), "is not an indicator"));
		}
	}
	kz_buf_release(&b);
}

/* Whatever allocation fails, the functions fail cleanly and leak nothing. */
static void
test_alloc_failures(void **state)
{
	(void)state;
	for (unsigned long n = 1; n < 20; n++) {
		struct kz_buf b = KZ_BUF_INIT(1 << 16);
		enum kz_ioc_type t;
		int rc;

		kz_alloc_fail_at(n);
		rc = kz_ioc_canonicalize(&b, KZ_IOC_URL, "hxxp://例え.みんな/a",
		    strlen("hxxp://例え.みんな/a"));
		assert_true(rc == 0 || rc == KZ_ENOMEM);
		rc = kz_ioc_detect(&t, &b, "ceo[at]example.com", 18);
		assert_true(rc == 0 || rc == KZ_ENOMEM);
		kz_alloc_fail_at(0);
		kz_buf_release(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_canonicalize),
		cmocka_unit_test(test_canonicalize_messages),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
