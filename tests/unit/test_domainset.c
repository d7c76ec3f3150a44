/* SPDX-License-Identifier: MIT */
/* Tests for the domain set: subdomains, public suffixes, case, limits. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* ---- lookups against a naive walk up the labels ---- */

static uint64_t rs = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd(unsigned n)
{
	return (unsigned)(tu_next(&rs) % n);
}

/* A label of 1 to 20 bytes: the hash reads 8-byte words, so lengths vary */
static void
rand_label(char *out)
{
	static const char chars[] = "abcdefgh0123-_";
	unsigned n = 1 + rnd(rnd(4) ? 6 : 20), i;

	for (i = 0; i < n; i++)
		out[i] = chars[rnd(sizeof(chars) - 1)];
	if (out[0] == '-')
		out[0] = 'a';
	if (out[n - 1] == '-')
		out[n - 1] = 'z';
	out[n] = '\0';
}

struct entry {
	char name[KZ_DOMAIN_MAX + 1];
	uint32_t id;
};

/* The id of the longest entry equal to host or a parent of it. */
static uint32_t
naive(const struct entry *e, size_t n, const char *host)
{
	char low[512];
	size_t len = strlen(host), i;
	const char *p;

	if (len && host[len - 1] == '.')
		len--;
	if (!len || len > KZ_DOMAIN_MAX)
		return KZ_DOMAINSET_NONE;
	for (i = 0; i < len; i++)
		low[i] =
		    (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] | 0x20 :
							      host[i]);
	low[len] = '\0';
	if (strstr(low, "..") || low[len - 1] == '.')
		return KZ_DOMAINSET_NONE;
	for (p = low; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
		if (!strchr(p, '.'))
			break; /* a single label is never an entry */
		for (i = 0; i < n; i++)
			if (!strcmp(e[i].name, p))
				return e[i].id;
	}
	return KZ_DOMAINSET_NONE;
}

static void
dup_seen(void *ctx, uint32_t kept, uint32_t other)
{
	uint32_t *v = ctx;

	v[other] = kept;
}

/*
 * Two pages, the first unreadable: a name copied to the start of the
 * second has nothing readable before it (the lookup reads words that end
 * with the name, and must not look before it there), one copied to the
 * end of the first page has nothing readable after it.
 */
static char *
guarded_pages(long *page)
{
	char *m;

	*page = sysconf(_SC_PAGESIZE);
	m = mmap(NULL, (size_t)*page * 3, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m, (size_t)*page, PROT_NONE), 0);
	assert_int_equal(mprotect(m + 2 * *page, (size_t)*page, PROT_NONE), 0);
	return m + *page;
}

static void
test_random(void **state)
{
	long page;
	char *guard = guarded_pages(&page);
	int round;

	for (round = 0; round < 40; round++) {
		struct kz_domainset *s;
		struct entry e[128];
		uint32_t dups[256];
		size_t n = 0, i, k;
		int queued = round % 2;

		assert_int_equal(kz_domainset_new(&s, 4), 0);
		memset(dups, 0xff, sizeof(dups));
		for (i = 0; i < 80; i++) {
			char name[KZ_DOMAIN_MAX + 1], lab[32];
			unsigned labels = 2 + rnd(4), j;
			uint32_t ex, want = KZ_DOMAINSET_NONE;
			int rc;

			name[0] = '\0';
			for (j = 0; j < labels; j++) {
				rand_label(lab);
				strcat(name, lab);
				strcat(name, ".");
			}
			strcat(name, rnd(2) ? "com" : "co.jp");
			if (n && rnd(5) == 0) /* the same name again */
				strcpy(name, e[rnd((unsigned)n)].name);
			for (k = 0; k < n; k++)
				if (!strcmp(e[k].name, name))
					want = e[k].id;
			if (queued)
				rc = kz_domainset_add_queued(s, name,
				    strlen(name), (uint32_t)i, dup_seen, dups);
			else
				rc = kz_domainset_add(
				    s, name, strlen(name), (uint32_t)i, &ex);
			if (want != KZ_DOMAINSET_NONE && !queued) {
				assert_int_equal(rc, KZ_EEXISTS);
				assert_int_equal(ex, want);
				continue;
			}
			assert_int_equal(rc, 0);
			if (want != KZ_DOMAINSET_NONE) {
				dups[i + 128] = want; /* what dup must say */
				continue;
			}
			if (n < 128) {
				strcpy(e[n].name, name);
				e[n].id = (uint32_t)i;
				n++;
			}
		}
		if (queued) {
			assert_int_equal(kz_domainset_flush(s), 0);
			for (i = 0; i < 80; i++)
				assert_int_equal(dups[i], dups[i + 128]);
		}
		for (i = 0; i < 400; i++) {
			char host[600], lab[32];
			const struct entry *b = &e[rnd((unsigned)n)];
			unsigned j, pre = rnd(4);

			host[0] = '\0';
			for (j = 0; j < pre; j++) {
				rand_label(lab);
				strcat(host, lab);
				strcat(host, ".");
			}
			switch (rnd(6)) {
			case 0: /* a near miss: one byte more in front */
				strcat(host, "x");
				strcat(host, b->name);
				break;
			case 1: /* a parent that is not an entry */
				strcat(host, strchr(b->name, '.') + 1);
				break;
			case 2: /* mixed case and a trailing dot */
				strcat(host, b->name);
				for (j = 0; host[j]; j++)
					if (rnd(3) == 0 && host[j] >= 'a' &&
					    host[j] <= 'z')
						host[j] = (char)(host[j] - 32);
				strcat(host, ".");
				break;
			case 3: /* an empty label */
				strcat(host, b->name);
				strcat(host, rnd(2) ? ".." : ".com..");
				break;
			case 4: /* long, beyond the limit sometimes */
				while (strlen(host) < 200 + rnd(80)) {
					rand_label(lab);
					strcat(host, lab);
					strcat(host, ".");
				}
				strcat(host, b->name);
				break;
			default:
				strcat(host, b->name);
				break;
			}
			assert_int_equal(
			    kz_domainset_lookup(s, host, strlen(host), NULL),
			    naive(e, n, host));
			/* the same at the edges of readable memory */
			memcpy(guard, host, strlen(host));
			assert_int_equal(
			    kz_domainset_lookup(s, guard, strlen(host), NULL),
			    naive(e, n, host));
			memcpy(guard + page - strlen(host), host, strlen(host));
			assert_int_equal(
			    kz_domainset_lookup(s, guard + page - strlen(host),
				strlen(host), NULL),
			    naive(e, n, host));
		}
		kz_domainset_free(s);
	}
	munmap(guard - page, (size_t)page * 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subdomains),
		cmocka_unit_test(test_public_suffix),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
