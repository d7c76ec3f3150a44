/* SPDX-License-Identifier: MIT */
/* Tests for the domain set: subdomains, public suffixes, case, limits. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "match/domainset.h"

static uint32_t
look(struct kz_domainset *s, const char *h)
{
	return kz_domainset_lookup(s, h, strlen(h), NULL);
}

static int
add(struct kz_domainset *s, const char *d, uint32_t id)
{
	return kz_domainset_add(s, d, strlen(d), id, NULL);
}

static void
test_subdomains(void **state)
{
	struct kz_domainset *s;
	size_t ml = 0;

	assert_int_equal(kz_domainset_new(&s, 4), 0);
	assert_int_equal(add(s, "evil.example.co.jp", 1), 0);
	assert_int_equal(add(s, "evil.com", 2), 0);
	assert_int_equal(add(s, "a.evil.com", 3), 0);
	assert_int_equal(look(s, "evil.example.co.jp"), 1);
	assert_int_equal(look(s, "a.evil.example.co.jp"), 1);
	assert_int_equal(look(s, "example.co.jp"), KZ_DOMAINSET_NONE);
	assert_int_equal(look(s, "co.jp"), KZ_DOMAINSET_NONE);
	assert_int_equal(look(s, "notevil.example.co.jp"), KZ_DOMAINSET_NONE);
	assert_int_equal(
	    look(s, "evil.example.co.jp.attacker.net"), KZ_DOMAINSET_NONE);
	assert_int_equal(look(s, "evil.com"), 2);
	assert_int_equal(look(s, "x.a.evil.com"), 3); /* most specific */
	assert_int_equal(kz_domainset_lookup(s, "x.a.evil.com", 12, &ml), 3);
	assert_int_equal(ml, 10);
	assert_int_equal(look(s, "b.evil.com"), 2);
	assert_int_equal(look(s, "xevil.com"), KZ_DOMAINSET_NONE);
	assert_int_equal(look(s, "EVIL.COM."), 2);
	assert_int_equal(look(s, "Www.Evil.Com"), 2);
	assert_int_equal(look(s, "evil..com"), KZ_DOMAINSET_NONE);
	assert_int_equal(look(s, ".evil.com"), 2);
	assert_int_equal(look(s, "com"), KZ_DOMAINSET_NONE);
	assert_int_equal(look(s, ""), KZ_DOMAINSET_NONE);
	assert_int_equal(add(s, "evil.com", 9), KZ_EEXISTS);
	{
		uint32_t ex = 0;

		assert_int_equal(
		    kz_domainset_add(s, "evil.com", 8, 9, &ex), KZ_EEXISTS);
		assert_int_equal(ex, 2);
	}
	kz_domainset_free(s);
}

static void
test_public_suffix(void **state)
{
	struct kz_domainset *s;

	assert_int_equal(kz_domainset_new(&s, 4), 0);
	assert_int_equal(add(s, "co.jp", 1), KZ_EINVAL);
	assert_non_null(
	    strstr(kz_error_message(), "'co.jp' is a public suffix"));
	assert_int_equal(add(s, "com", 1), KZ_EINVAL);
	assert_int_equal(add(s, "github.io", 1), KZ_EINVAL);
	assert_int_equal(add(s, "kawasaki.jp", 1), KZ_EINVAL);
	assert_int_equal(add(s, "myblog.github.io", 1), 0);
	assert_int_equal(look(s, "x.myblog.github.io"), 1);
	assert_int_equal(look(s, "other.github.io"), KZ_DOMAINSET_NONE);
	assert_int_equal(add(s, "Upper.example.com", 2), KZ_EINVAL);
	assert_int_equal(add(s, "-bad.example.com", 2), KZ_EINVAL);
	assert_int_equal(add(s, "a..b.com", 2), KZ_EINVAL);
	assert_int_equal(kz_domainset_is_public_suffix(s, "ne.jp"), 1);
	assert_int_equal(kz_domainset_is_public_suffix(s, "example.ne.jp"), 0);
	kz_domainset_free(s);
}

static void
test_many(void **state)
{
	struct kz_domainset *s;
	char name[64];
	uint32_t i;

	assert_int_equal(kz_domainset_new(&s, 16), 0);
	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "h%u.example%u.com", i, i % 97);
		assert_int_equal(add(s, name, i), 0);
	}
	assert_int_equal(kz_domainset_count(s), 20000);
	for (i = 0; i < 20000; i += 37) {
		snprintf(
		    name, sizeof(name), "www.h%u.example%u.com", i, i % 97);
		assert_int_equal(look(s, name), i);
		snprintf(name, sizeof(name), "h%ux.example%u.com", i, i % 97);
		assert_int_equal(look(s, name), KZ_DOMAINSET_NONE);
	}
	kz_domainset_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subdomains),
		cmocka_unit_test(test_public_suffix),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
