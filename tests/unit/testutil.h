/* SPDX-License-Identifier: MIT */
/* What the unit tests share: cmocka, data paths, temporary files. */
#ifndef KZ_TESTUTIL_H
#define KZ_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/*
 * The next value of a xorshift64 sequence kept in *state (never 0): the
 * randomized tests' cases, the same on every run.
 */
static inline uint64_t
tu_next(uint64_t *state)
{
	uint64_t r = *state;

	r ^= r << 13;
	r ^= r >> 7;
	r ^= r << 17;
	return *state = r;
}

/* tests/data/<sub> (from KZ_TEST_DATA). Caller frees. */
char *tu_data_path(const char *sub);

/* Reads a whole file; NULL when it cannot. Caller frees. */
char *tu_read_file(const char *path, size_t *len);

/* A fresh temporary directory for this test program. Borrowed. */
const char *tu_tmpdir(void);

/*
 * A fresh, empty place for a store, written into out as the URI to give
 * kz_store_open(): a new file in tu_tmpdir() named after name (letters
 * and '_'), or, when KZ_TEST_PG names a PostgreSQL database, a new schema
 * in it that the URI selects. Aborts the test program when it cannot.
 */
void tu_store_uri(char *out, size_t size, const char *name);

/* Whether tu_store_uri() gives PostgreSQL stores (KZ_TEST_PG is set). */
int tu_store_pg(void);

/* Lists the regular files of dir ending with suffix, sorted. */
int tu_list_dir(char ***out, size_t *n, const char *dir, const char *suffix);
void tu_free_list(char **list, size_t n);

#endif
