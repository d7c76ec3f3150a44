/* SPDX-License-Identifier: MIT */
/*
 * kizuki incident link-org: says which orgs an incident concerns. The
 * link (concerned, client, recipient) and the incident's TLP decide what
 * the org's members may read (model/access.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "model/access.h"
#include "model/incident.h"

enum {
	OPT_ROLE = OPT_FIRST_CMD,
	OPT_REMOVE,
};

int
cmd_incident_link_org(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "remove", no_argument, NULL, OPT_REMOVE },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--role R", N_("how the org is linked (default concerned)") },
		{ "--remove", N_("remove the org's link") }, { NULL, NULL }
	};
	enum kz_link link = KZ_LINK_CONCERNED;
	const char *ticket, *org;
	int c, r, remove = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki incident link-org TICKET ORG "
			       "[--role concerned|client|recipient] [--remove]"),
			    N_("Says which orgs an incident concerns; this "
			       "decides what their members may read (see the "
			       "TLP rules)."),
			    help);
		if (c == OPT_ROLE) {
			if (kz_link_parse(&link, optarg))
				return cli_fail(cli);
			continue;
		}
		if (c == OPT_REMOVE) {
			remove = 1;
			continue;
		}
		r = cli_common_opt(cli, c, optarg);
		if (r < 0)
			return CLI_USAGE;
		if (r == 0)
			return cli_usage(cli, "%s", _("unexpected option"));
	}
	if (optind + 2 != argc)
		return cli_usage(cli, "%s", _("give the ticket and the org"));
	ticket = argv[optind];
	org = argv[optind + 1];
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (remove ? kz_access_unlink_org(cli->st, ticket, org, cli->actor) :
		     kz_access_link_org(cli->st, ticket, org, link, cli->actor))
		return cli_fail(cli);
	if (remove)
		printf(_("%s: %s unlinked"), ticket, org);
	else
		printf(
		    _("%s: %s linked as %s"), ticket, org, kz_link_names[link]);
	printf("\n");
	return CLI_OK;
}
