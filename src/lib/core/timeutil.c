/* SPDX-License-Identifier: MIT */
/* Time parsing, formatting and statistics periods, all in UTC. */
#include "timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "error.h"

static int64_t fixed_now;

int64_t
kz_time_now(void)
{
	return fixed_now ? fixed_now : (int64_t)time(NULL);
}

void
kz_time_set_fixed(int64_t t)
{
	fixed_now = t;
}

static int
digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

static int
bad_date(const char *s)
{
	return kz_error_set(KZ_EINVAL,
	    "malformed date '%s' (expected YYYY-MM-DD or "
	    "YYYY-MM-DDTHH:MM:SSZ)",
	    s);
}

int
kz_time_parse(int64_t *out, const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	const char *p = s;

	if (!s || strlen(s) < 10 || digits(p, 4, &y) || p[4] != '-' ||
	    digits(p + 5, 2, &mo) || p[7] != '-' || digits(p + 8, 2, &d))
		return bad_date(s ? s : "");
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo))
		return bad_date(s);
	p += 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(p, 2, &h) || p[2] != ':' || digits(p + 3, 2, &mi))
			return bad_date(s);
		p += 5;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec))
				return bad_date(s);
			p += 3;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return bad_date(s);
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return bad_date(s);
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			int sign = *p == '-' ? -1 : 1;

			if (digits(p + 1, 2, &oh))
				return bad_date(s);
			if (p[3] == ':') {
				if (digits(p + 4, 2, &om))
					return bad_date(s);
				p += 6;
			} else if (digits(p + 3, 2, &om) == 0) {
				p += 5;
			} else {
				om = 0;
				p += 3;
			}
			if (oh > 14 || om > 59)
				return bad_date(s);
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p != '\0')
		return bad_date(s);
	*out = utc(y, mo, d, h, mi, sec) - off;
	return 0;
}

char *
kz_time_format(char *out, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, KZ_TIME_STRLEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

char *
kz_time_format_jst(char *out, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)(t + 9 * 3600);

	gmtime_r(&tt, &tm);
	strftime(out, KZ_TIME_STRLEN, "%Y-%m-%d %H:%M JST", &tm);
	return out;
}

int
kz_time_year(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	return tm.tm_year + 1900;
}

int
kz_period_parse(int64_t *from, int64_t *to, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int y, m, d, q;

	if (n < 4 || digits(s, 4, &y) || y < 1970 || y > 9998)
		goto bad;
	if (n == 4) {
		*from = utc(y, 1, 1, 0, 0, 0);
		*to = utc(y + 1, 1, 1, 0, 0, 0);
		return 0;
	}
	if (n == 6 && (s[4] == 'Q' || s[4] == 'q') &&
	    digits(s + 5, 1, &q) == 0 && q >= 1 && q <= 4) {
		*from = utc(y, (q - 1) * 3 + 1, 1, 0, 0, 0);
		*to = q == 4 ? utc(y + 1, 1, 1, 0, 0, 0) :
			       utc(y, q * 3 + 1, 1, 0, 0, 0);
		return 0;
	}
	if (n == 7 && s[4] == '-' && digits(s + 5, 2, &m) == 0 && m >= 1 &&
	    m <= 12) {
		*from = utc(y, m, 1, 0, 0, 0);
		*to = m == 12 ? utc(y + 1, 1, 1, 0, 0, 0) :
				utc(y, m + 1, 1, 0, 0, 0);
		return 0;
	}
	if (n == 10 && s[4] == '-' && s[7] == '-' &&
	    digits(s + 5, 2, &m) == 0 && digits(s + 8, 2, &d) == 0 && m >= 1 &&
	    m <= 12 && d >= 1 && d <= days_in_month(y, m)) {
		*from = utc(y, m, d, 0, 0, 0);
		*to = *from + 86400;
		return 0;
	}
bad:
	return kz_error_set(KZ_EINVAL,
	    "malformed period '%s' (expected a year 2026, a quarter 2026Q3, "
	    "a month 2026-07 or a day 2026-07-15)",
	    s ? s : "");
}
