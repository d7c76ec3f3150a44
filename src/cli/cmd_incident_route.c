/* SPDX-License-Identifier: MIT */
/*
 * kizuki incident route: who to contact about each indicator of an
 * incident, and why: an org's netblock, AS or domain, the abuse table, or
 * the national CSIRT of the country; indicators that route nowhere are
 * listed as such. Nothing is sent: this is the proposal a handler checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_enrich.h"
#include "core/error.h"
#include "core/json.h"

static void
print_proposals(const struct kz_route_result *res)
{
	char reason[512];

	for (size_t i = 0; i < res->n; i++) {
		const struct kz_route_proposal *p = &res->v[i];

		printf("%s (%s)\n", p->value, kz_ioc_type_name(p->type));
		printf("  ");
		cli_pad(stdout, _("route"), 12);
		printf("%s\n",
		    kz_route_reason(reason, sizeof(reason), p,
			_(kz_route_reason_format(p->via))));
		if (p->via != KZ_ROUTE_NONE) {
			printf("  ");
			cli_pad(stdout, _("contacts"), 12);
			for (size_t j = 0; j < p->contacts.n; j++)
				printf("%s%s", j ? ", " : "", p->contacts.v[j]);
			printf("%s\n", p->contacts.n ? "" : "-");
		}
		if (p->asn || p->country[0]) {
			printf("  ");
			cli_pad(stdout, _("network"), 12);
			if (p->asn)
				printf("AS%u%s%s%s", p->asn,
				    p->as_name && *p->as_name ? " (" : "",
				    p->as_name ? p->as_name : "",
				    p->as_name && *p->as_name ? ")" : "");
			if (p->country[0])
				printf("%s%s", p->asn ? ", " : "", p->country);
			printf("\n");
		}
		if (p->registrable) {
			printf("  ");
			cli_pad(stdout, _("registrable"), 12);
			printf("%s\n", p->registrable);
		}
		if (p->note) {
			printf("  ");
			cli_pad(stdout, _("note"), 12);
			printf("%s\n", _(p->note));
		}
	}
}

static void
print_parties(const struct kz_route_result *res)
{
	if (res->n)
		printf("\n");
	printf("%s\n", _("parties:"));
	for (size_t i = 0; i < res->nparties; i++) {
		const struct kz_route_party *g = &res->parties[i];

		printf("  %s <", g->party);
		for (size_t j = 0; j < g->contacts.n; j++)
			printf("%s%s", j ? ", " : "", g->contacts.v[j]);
		printf(">: ");
		for (size_t j = 0; j < g->nitems; j++)
			printf(
			    "%s%s", j ? ", " : "", res->v[g->items[j]].value);
		printf("\n");
	}
	if (!res->nparties)
		printf("  -\n");
	if (res->unrouted) {
		printf("%s ", _("no route:"));
		for (size_t i = 0, k = 0; i < res->n; i++)
			if (res->v[i].via == KZ_ROUTE_NONE)
				printf(
				    "%s%s", k++ ? ", " : "", res->v[i].value);
		printf("\n");
	}
}

int
cmd_incident_route(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		CLI_ENRICH_DATA_DIR_OPT, CLI_ENRICH_FALLBACK_OPT,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { CLI_ENRICH_DATA_DIR_HELP,
		CLI_ENRICH_FALLBACK_HELP, { NULL, NULL } };
	struct cli_enrich e;
	struct kz_route_result res = { 0 };
	struct kz_route_ctx ctx;
	const char *fallback = getenv("KIZUKI_FALLBACK");
	int c, r, rc = CLI_ERR;

	cli_enrich_init(&e);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki incident route TICKET "
			       "[--data-dir DIR] [--fallback-config FILE]"),
			    N_("Proposes who to contact about each indicator of "
			       "the incident, and why."),
			    help);
		if (c == OPT_DATA_DIR) {
			e.data_dir = optarg;
			continue;
		}
		if (c == OPT_FALLBACK) {
			fallback = optarg;
			continue;
		}
		if ((r = cli_common_opt(cli, c, optarg)) < 0)
			return CLI_USAGE;
		if (r == 0)
			return cli_usage(cli, "%s", _("unexpected option"));
	}
	if (optind >= argc)
		return cli_usage(cli, "%s", _("a ticket is required"));
	if (optind + 1 < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind + 1]);
	if (!cli_store_existing(cli))
		goto done;
	if (fallback && *fallback && cli_enrich_fallbacks(cli, &e, fallback))
		goto done;
	if (cli_enrich_asn(cli, &e) || cli_enrich_geo(cli, &e) ||
	    cli_enrich_psl(cli, &e))
		goto done;
	ctx.st = cli->st;
	ctx.asn = e.asn;
	ctx.geo = e.geo;
	ctx.psl = e.psl;
	ctx.fallbacks = &e.fallbacks;
	if (kz_route_incident(&res, &ctx, argv[optind])) {
		rc = cli_fail(cli);
		goto done;
	}
	if (cli->json) {
		json_t *doc = kz_route_result_to_json(&res);

		if (doc) {
			kz_json_set(doc, "ticket", kz_json_str(argv[optind]));
			kz_json_set(doc, "asn_table", cli_enrich_asn_json(&e));
		}
		rc = cli_print_json(cli, doc);
	} else {
		if (!res.n)
			printf("%s\n", _("the incident has no indicators"));
		print_proposals(&res);
		print_parties(&res);
		rc = CLI_OK;
	}
done:
	kz_route_result_release(&res);
	cli_enrich_release(&e);
	return rc;
}
