/* SPDX-License-Identifier: MIT */
/* Tests for the growable buffer: binary safety, caps, sticky errors. */
#include "testutil.h"

#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"

static void
test_basic(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 20);

	(void)state;
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	kz_buf_adds(&b, "abc");
	kz_buf_addc(&b, '\0');
	kz_buf_add(&b, "de", 2);
	kz_buf_addf(&b, "%d-%s", 42, "x");
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.ptr, "abc\0de42-x", 10);
	assert_int_equal(b.ptr[b.len], '\0');
	kz_buf_truncate(&b, 2);
	assert_string_equal(b.ptr, "ab");
	kz_buf_reset(&b);
	assert_string_equal(b.ptr, "");
	kz_buf_release(&b);
	assert_string_equal(b.ptr, "");
}

static void
test_cap(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(8);

	(void)state;
	kz_buf_adds(&b, "12345678");
	assert_int_equal(b.err, 0);
	kz_buf_adds(&b, "9");
	assert_int_equal(b.err, KZ_ENOMEM);
	assert_int_equal(b.len, 8);
	kz_buf_adds(&b, "more");
	assert_int_equal(b.len, 8);
	assert_non_null(strstr(kz_error_message(), "limit"));
	kz_buf_release(&b);
}

static void
test_detach_and_oom(void **state)
{
	struct kz_buf b = KZ_BUF_INIT(1024);
	size_t n;
	char *p;

	(void)state;
	p = kz_buf_detach(&b, &n);
	assert_int_equal(n, 0);
	assert_string_equal(p, "");
	kz_free(p);
	kz_buf_adds(&b, "hello");
	p = kz_buf_detach(&b, &n);
	assert_string_equal(p, "hello");
	assert_int_equal(n, 5);
	kz_free(p);
	kz_alloc_fail_at(1);
	kz_buf_adds(&b, "x");
	kz_alloc_fail_at(0);
	assert_int_equal(b.err, KZ_ENOMEM);
	assert_string_equal(b.ptr, "");
	kz_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_detach_and_oom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
