/* SPDX-License-Identifier: MIT */
/* kizuki init: create the database or bring its schema up to date. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"

int
cmd_init(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { { NULL, NULL } };
	struct kz_store *st;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki init [--db PATH]"),
			    N_("Creates the database file if it does not exist "
			       "and applies any pending schema migrations."),
			    help);
		if ((r = cli_common_opt(cli, c, optarg)) <= 0)
			return r < 0 ?
			    CLI_USAGE :
			    cli_usage(cli, "%s", _("unexpected option"));
	}
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (!(st = cli_store(cli)))
		return CLI_ERR;
	if (cli->json)
		return cli_print_json(cli,
		    json_pack("{s:s, s:i}", "database", kz_store_uri(st),
			"schema_version", kz_store_schema_version(st)));
	printf(_("database %s is ready (schema version %d)"), kz_store_uri(st),
	    kz_store_schema_version(st));
	printf("\n");
	printf("%s\n",
	    _("next: kizuki incident new --title TITLE "
	      "--category phishing"));
	return CLI_OK;
}
