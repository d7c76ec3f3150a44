/* SPDX-License-Identifier: MIT */
/*
 * kizuki abuse: the abuse-contact table that routing falls back on when no
 * org covers an address: import it from CSV (AS number or prefix, then the
 * address), and count what is stored.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/alloc.h"
#include "core/error.h"
#include "enrich/route.h"

enum { OPT_SOURCE = OPT_FIRST_CMD, OPT_REPLACE };

static int
verb_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--source NAME",
		    N_("where the table comes from, for lines that name none "
		       "(default: the file name)") },
		{ "--replace", N_("drop the rows of the same sources first") },
		{ NULL, NULL }
	};
	const char *source = NULL;
	int replace = 0, c, r;
	size_t len, added = 0, skipped = 0;
	char *data;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki abuse import FILE.csv "
			       "[--source NAME] [--replace]"),
			    N_("Imports abuse contacts: lines of "
			       "key,address[,source] where the key is an AS "
			       "number (AS64500) or a prefix "
			       "(198.51.100.0/24). A bad line stops the import "
			       "and nothing is written."),
			    help);
		if (c == OPT_SOURCE) {
			source = optarg;
			continue;
		}
		if (c == OPT_REPLACE) {
			replace = 1;
			continue;
		}
		if ((r = cli_common_opt(cli, c, optarg)) < 0)
			return CLI_USAGE;
		if (r == 0)
			return cli_usage(cli, "%s", _("unexpected option"));
	}
	if (optind >= argc)
		return cli_usage(cli, "%s", _("a CSV file is required"));
	if (optind + 1 < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind + 1]);
	if (!source) {
		const char *slash = strrchr(argv[optind], '/');

		source = slash ? slash + 1 : argv[optind];
	}
	if (!cli_store(cli))
		return CLI_ERR;
	if (cli_read_input(cli, argv[optind], 256u << 20, &data, &len))
		return cli_fail(cli);
	r = kz_abuse_import_csv(
	    cli->st, data, len, source, replace, &added, &skipped);
	kz_free(data);
	if (r) {
		kz_error_wrap(kz_error_code(), argv[optind]);
		return cli_fail(cli);
	}
	if (cli->json)
		return cli_print_json(cli,
		    json_pack("{s:I, s:I}", "added", (json_int_t)added,
			"duplicates", (json_int_t)skipped));
	printf(
	    _("%zu abuse contacts added, %zu already there"), added, skipped);
	printf("\n");
	return CLI_OK;
}

static int
verb_count(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ NULL, 0, NULL, 0 } };
	int64_t na, np;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli, N_("usage: kizuki abuse count"),
			    N_("Counts the abuse contacts stored, by AS number "
			       "and by prefix."),
			    NULL);
		if ((r = cli_common_opt(cli, c, optarg)) < 0)
			return CLI_USAGE;
		if (r == 0)
			return cli_usage(cli, "%s", _("unexpected option"));
	}
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_abuse_count(&na, cli->st, "asn") ||
	    kz_abuse_count(&np, cli->st, "prefix"))
		return cli_fail(cli);
	if (cli->json)
		return cli_print_json(cli,
		    json_pack("{s:I, s:I}", "asn", (json_int_t)na, "prefix",
			(json_int_t)np));
	printf(_("%lld by AS number, %lld by prefix"), (long long)na,
	    (long long)np);
	printf("\n");
	return CLI_OK;
}

/* clang-format off */
static const struct cli_verb verbs[] = {
	{ "import", verb_import, N_("import abuse contacts from CSV") },
	{ "count",  verb_count,  N_("count the abuse contacts stored") },
	{ NULL, NULL, NULL },
};
/* clang-format on */

int
cmd_abuse(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "abuse", verbs, argc, argv);
}
