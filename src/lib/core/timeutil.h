/* SPDX-License-Identifier: MIT */
/*
 * Times are seconds since the epoch, UTC, as int64_t. Parsing accepts the
 * forms handlers type; periods are the ones statistics are published for.
 */
#ifndef KZ_TIMEUTIL_H
#define KZ_TIMEUTIL_H

#include <stdint.h>

#define KZ_TIME_STRLEN 32

/* The current time, or the fixed time set for reproducible tests. */
int64_t kz_time_now(void);

/* Fixes kz_time_now() at t (0 restores the clock); for tests and replays. */
void kz_time_set_fixed(int64_t t);

/*
 * Parses YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][.frac][Z|+HH:MM|-HH:MM] (also
 * with a space for the T). A time without zone is UTC. KZ_EINVAL with a
 * message naming the text when it is not a date.
 */
int kz_time_parse(int64_t *out, const char *s);

/* 2026-11-23T09:30:00Z into out (KZ_TIME_STRLEN bytes). */
char *kz_time_format(char *out, int64_t t);

/* 2026-11-23 18:30 JST, the same instant at UTC+9, for Japanese text. */
char *kz_time_format_jst(char *out, int64_t t);

/*
 * A period: "2026" (year), "2026Q3" (quarter), "2026-07" (month) or
 * "2026-07-15" (day). *from inclusive, *to exclusive.
 */
int kz_period_parse(int64_t *from, int64_t *to, const char *s);

/* The year of t in UTC. */
int kz_time_year(int64_t t);

#endif
