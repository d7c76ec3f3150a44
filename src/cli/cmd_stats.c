/* SPDX-License-Identifier: MIT */
/*
 * kizuki stats: the counts a CSIRT publishes each quarter, for a year,
 * quarter, month, day or any range, as a table, JSON or CSV.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/json.h"
#include "core/timeutil.h"
#include "model/stats.h"

enum { OPT_PERIOD = OPT_FIRST_CMD, OPT_FROM, OPT_TO, OPT_CSV };

static void
duration(char *out, size_t n, int64_t s)
{
	if (s < 0)
		snprintf(out, n, "-");
	else if (s < 3600)
		snprintf(out, n, "%lldm", (long long)(s / 60));
	else if (s < 86400 * 2)
		snprintf(out, n, "%.1fh", (double)s / 3600.0);
	else
		snprintf(out, n, "%.1fd", (double)s / 86400.0);
}

static double
pct(int64_t n, int64_t total)
{
	return total ? (double)n * 100.0 / (double)total : 0.0;
}

static void
print_csv(const struct kz_stats *s)
{
	char a[KZ_TIME_STRLEN], b[KZ_TIME_STRLEN];
	int i;

	kz_time_format(a, s->from);
	kz_time_format(b, s->to);
	printf("section,key,count,percent\n");
	printf("period,from,%s,\nperiod,to,%s,\n", a, b);
	printf("totals,reports,%lld,\n", (long long)s->reports);
	printf("totals,incidents,%lld,\n", (long long)s->incidents);
	printf("totals,coordinated,%lld,%.1f\n", (long long)s->coordinated,
	    pct(s->coordinated, s->incidents));
	printf("totals,closed,%lld,\n", (long long)s->closed);
	printf(
	    "totals,median_close_seconds,%lld,\n", (long long)s->median_close);
	for (i = 0; i < KZ_CAT_COUNT; i++)
		printf("category,%s,%lld,%.1f\n", kz_category_names[i],
		    (long long)s->by_category[i],
		    pct(s->by_category[i], s->incidents));
	for (i = 0; i < KZ_ST_COUNT; i++)
		printf("status,%s,%lld,%.1f\n", kz_status_names[i],
		    (long long)s->by_status[i],
		    pct(s->by_status[i], s->incidents));
}

static void
row(const char *label, int64_t n, int64_t total)
{
	printf("  ");
	cli_pad(stdout, label, 28);
	if (total >= 0)
		printf("%10lld  %5.1f%%\n", (long long)n, pct(n, total));
	else
		printf("%10lld\n", (long long)n);
}

static void
print_table(const struct kz_stats *s)
{
	char a[KZ_TIME_STRLEN], b[KZ_TIME_STRLEN], d[32];
	int i;

	kz_time_format(a, s->from);
	kz_time_format(b, s->to - 1);
	printf(_("period: %s to %s"), a, b);
	printf("\n\n");
	row(_("reports received"), s->reports, -1);
	row(_("incidents opened"), s->incidents, -1);
	row(_("needed coordination"), s->coordinated, s->incidents);
	row(_("incidents closed"), s->closed, -1);
	duration(d, sizeof(d), s->median_close);
	printf("  ");
	cli_pad(stdout, _("median time to close"), 28);
	printf("%10s\n\n", d);
	printf("%s\n", _("by category"));
	for (i = 0; i < KZ_CAT_COUNT; i++)
		row(kz_category_names[i], s->by_category[i], s->incidents);
	printf("\n%s\n", _("by status (now)"));
	for (i = 0; i < KZ_ST_COUNT; i++)
		row(kz_status_names[i], s->by_status[i], s->incidents);
}

int
cmd_stats(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTS,
		{ "period", required_argument, NULL, OPT_PERIOD },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_help_opt help[] = {
		{ "--period P",
		    N_("2026, 2026Q3, 2026-07 or 2026-07-15 "
		       "(default: this quarter)") },
		{ "--from DATE", N_("start of a custom range (inclusive)") },
		{ "--to DATE",
		    N_("end of a custom range (exclusive; default "
		       "now)") },
		{ "--csv", N_("print CSV") },
		{ NULL, NULL },
	};
	const char *period = NULL, *from_s = NULL, *to_s = NULL;
	struct kz_store *st;
	struct kz_stats s;
	int64_t from, to;
	int c, r, csv = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(cli,
			    N_("usage: kizuki stats "
			       "[--period P | --from DATE [--to DATE]] "
			       "[--csv|--json]"),
			    N_("Counts reports received, incidents opened and "
			       "those that needed coordination, by category "
			       "and status, with the median time to close."),
			    help);
		case OPT_PERIOD:
			period = optarg;
			break;
		case OPT_FROM:
			from_s = optarg;
			break;
		case OPT_TO:
			to_s = optarg;
			break;
		case OPT_CSV:
			csv = 1;
			break;
		default:
			if ((r = cli_common_opt(cli, c, optarg)) <= 0)
				return r < 0 ? CLI_USAGE :
					       cli_usage(cli, "%s",
						   _("unexpected option"));
		}
	}
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (period && (from_s || to_s))
		return cli_usage(cli, "%s",
		    _("give either --period or --from/--to, not both"));
	if (period) {
		if (kz_period_parse(&from, &to, period))
			return cli_fail(cli);
	} else if (from_s || to_s) {
		if (!from_s)
			return cli_usage(cli, "%s", _("--to needs --from"));
		if (kz_time_parse(&from, from_s))
			return cli_fail(cli);
		to = kz_time_now() + 1;
		if (to_s && kz_time_parse(&to, to_s))
			return cli_fail(cli);
	} else {
		char q[16];
		int64_t now = kz_time_now();
		int y = kz_time_year(now);
		/* The quarter that holds now. */
		for (int k = 1; k <= 4; k++) {
			snprintf(q, sizeof(q), "%dQ%d", y, k);
			kz_period_parse(&from, &to, q);
			if (now < to)
				break;
		}
	}
	if (!(st = cli_store_existing(cli)))
		return CLI_ERR;
	if (kz_stats_compute(&s, st, from, to))
		return cli_fail(cli);
	if (cli->json)
		return cli_print_json(cli, kz_stats_to_json(&s));
	if (csv)
		print_csv(&s);
	else
		print_table(&s);
	return CLI_OK;
}
