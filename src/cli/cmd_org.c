/* SPDX-License-Identifier: MIT */
/*
 * kizuki org: the organisations a CSIRT contacts (step ④ of the handling
 * flow) and what routes a notification to them: contacts, netblocks,
 * ASNs and domains, each given with a repeatable flag.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "model/org.h"
#include "model/taxonomy.h"

enum {
	OPT_NAME = OPT_FIRST_CMD,
	OPT_KIND,
	OPT_COUNTRY,
	OPT_OLANG,
	OPT_NOTE,
	OPT_CONTACT,
	OPT_NETBLOCK,
	OPT_ASN,
	OPT_DOMAIN,
	OPT_RM_CONTACT,
	OPT_RM_NETBLOCK,
	OPT_RM_ASN,
	OPT_RM_DOMAIN,
};

#define ORG_OPTS                                                               \
	{ "name", required_argument, NULL, OPT_NAME },                         \
	    { "kind", required_argument, NULL, OPT_KIND },                     \
	    { "country", required_argument, NULL, OPT_COUNTRY },               \
	    { "notify-lang", required_argument, NULL, OPT_OLANG },             \
	    { "note", required_argument, NULL, OPT_NOTE },                     \
	    { "contact", required_argument, NULL, OPT_CONTACT },               \
	    { "netblock", required_argument, NULL, OPT_NETBLOCK },             \
	    { "asn", required_argument, NULL, OPT_ASN },                       \
	{                                                                      \
		"domain", required_argument, NULL, OPT_DOMAIN                  \
	}

#define ORG_HELP                                                               \
	{ "--name NAME", N_("the organisation's name") },                      \
	    { "--kind K",                                                      \
		    N_("member, isp, hosting, vendor, csirt, "                 \
		       "police, registrar, other") },                          \
	    { "--country CC", N_("two-letter country code, like JP") },        \
	    { "--notify-lang L",                                               \
		    N_("language of notifications: ja, en "                    \
		       "or ja+en") },                                          \
	    { "--note TEXT", N_("free text") },                                \
	    { "--contact ADDR",                                                \
		    N_("e-mail address to notify "                             \
		       "(repeatable)") },                                      \
	    { "--netblock CIDR",                                               \
		    N_("address block it runs "                                \
		       "(repeatable)") },                                      \
	    { "--asn N", N_("AS number it runs (repeatable)") },               \
	{                                                                      \
		"--domain NAME",                                               \
		    N_("domain it is responsible for "                         \
		       "(repeatable)")                                         \
	}

/* Scalars go to set/mask, list entries to lists. -1 on a bad value. */
static int
org_opt(struct kz_org *set, unsigned *mask, struct kz_org *lists, int c,
    const char *arg)
{
	int k;

	switch (c) {
	case OPT_NAME:
		set->name = (char *)arg;
		*mask |= KZ_ORG_NAME;
		return 1;
	case OPT_KIND:
		if ((k = kz_org_kind_parse(arg)) < 0)
			return -1;
		set->kind = k;
		*mask |= KZ_ORG_KIND;
		return 1;
	case OPT_COUNTRY:
		set->country = (char *)arg;
		*mask |= KZ_ORG_COUNTRY;
		return 1;
	case OPT_OLANG:
		set->lang = (char *)arg;
		*mask |= KZ_ORG_LANG;
		return 1;
	case OPT_NOTE:
		set->note = (char *)arg;
		*mask |= KZ_ORG_NOTE;
		return 1;
	case OPT_CONTACT:
		return kz_strlist_add(&lists->contacts, arg) ? -1 : 1;
	case OPT_NETBLOCK:
		return kz_strlist_add(&lists->netblocks, arg) ? -1 : 1;
	case OPT_DOMAIN:
		return kz_strlist_add(&lists->domains, arg) ? -1 : 1;
	case OPT_ASN:
		return kz_org_add_asn(lists, arg) ? -1 : 1;
	}
	return 0;
}

static void
print_list_line(const char *label, const struct kz_strlist *l)
{
	cli_pad(stdout, label, 12);
	for (size_t i = 0; i < l->n; i++)
		printf("%s%s", i ? ", " : "", l->v[i]);
	printf("%s\n", l->n ? "" : "-");
}

static void
print_org(const struct kz_org *o)
{
	cli_pad(stdout, _("name"), 12);
	printf("%s\n", o->name);
	cli_pad(stdout, _("kind"), 12);
	printf("%s\n", kz_org_kind_names[o->kind >= 0 ? o->kind : 0]);
	cli_pad(stdout, _("country"), 12);
	printf("%s\n", o->country ? o->country : "-");
	cli_pad(stdout, _("notify in"), 12);
	printf("%s\n", o->lang);
	print_list_line(_("contacts"), &o->contacts);
	print_list_line(_("netblocks"), &o->netblocks);
	cli_pad(stdout, _("ASNs"), 12);
	for (size_t i = 0; i < o->nasns; i++)
		printf("%sAS%lld", i ? ", " : "", (long long)o->asns[i]);
	printf("%s\n", o->nasns ? "" : "-");
	print_list_line(_("domains"), &o->domains);
	if (o->note && *o->note) {
		cli_pad(stdout, _("note"), 12);
		printf("%s\n", o->note);
	}
}

static int
verb_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, ORG_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { ORG_HELP, { NULL, NULL } };
	struct kz_org set, org;
	unsigned mask = 0;
	int c, r;

	kz_org_init(&set);
	kz_org_init(&org);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			r = cli_help(cli,
			    N_("usage: kizuki org add --name NAME "
			       "--kind K [--contact ADDR]... [--netblock CIDR]... "
			       "[--asn N]... [--domain NAME]..."),
			    N_("Adds an organisation."), help);
			goto done;
		}
		if ((r = org_opt(&set, &mask, &org, c, optarg)) < 0) {
			r = cli_fail(cli);
			goto done;
		}
		if (!r && (r = cli_other_opt(cli, c, optarg)) != -2)
			goto done;
	}
	if (optind < argc) {
		r = cli_usage(cli, _("unexpected argument '%s'"), argv[optind]);
		goto done;
	}
	if (!(mask & KZ_ORG_NAME)) {
		r = cli_usage(cli, "%s", _("--name is required"));
		goto done;
	}
	if (!(mask & KZ_ORG_KIND)) {
		r = cli_usage(cli, "%s", _("--kind is required"));
		goto done;
	}
	/* org owns copies; set only borrows argv. */
	org.name = kz_strdup(set.name);
	org.kind = set.kind;
	org.country = kz_strdup(set.country);
	org.lang = kz_strdup(set.lang);
	org.note = kz_strdup(set.note);
	if (!cli_store(cli)) {
		r = CLI_ERR;
		goto done;
	}
	if (kz_org_add(cli->st, &org)) {
		r = cli_fail(cli);
		goto done;
	}
	if (cli->json) {
		r = cli_print_json(cli, kz_org_to_json(&org));
	} else {
		printf(_("org '%s' added"), org.name);
		printf("\n");
		r = CLI_OK;
	}
done:
	kz_org_release(&org);
	return r;
}

static int
verb_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "kind", required_argument, NULL, OPT_KIND },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--kind K", N_("only organisations of this kind") },
		{ NULL, NULL }
	};
	struct kz_org *orgs;
	size_t n;
	int c, r, kind = -1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki org list "
			       "[--kind K]"),
			    N_("Lists organisations by name."), help);
		if (c == OPT_KIND) {
			if ((kind = kz_org_kind_parse(optarg)) < 0)
				return cli_fail(cli);
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_org_list(&orgs, &n, cli->st, kind))
		return cli_fail(cli);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, kz_org_to_json(&orgs[i]));
		r = cli_print_json(cli, json_pack("{s:o}", "orgs", a));
	} else if (n == 0) {
		printf("%s\n",
		    _("no organisations yet (add one with 'kizuki "
		      "org add')"));
		r = CLI_OK;
	} else {
		cli_pad(stdout, _("NAME"), 28);
		cli_pad(stdout, _("KIND"), 10);
		cli_pad(stdout, _("CC"), 4);
		printf("%s\n", _("CONTACTS"));
		for (size_t i = 0; i < n; i++) {
			cli_pad(stdout, orgs[i].name, 28);
			cli_pad(stdout, kz_org_kind_names[orgs[i].kind], 10);
			cli_pad(
			    stdout, orgs[i].country ? orgs[i].country : "-", 4);
			for (size_t k = 0; k < orgs[i].contacts.n; k++)
				printf("%s%s", k ? ", " : "",
				    orgs[i].contacts.v[k]);
			printf("\n");
		}
		r = CLI_OK;
	}
	kz_org_list_free(orgs, n);
	return r;
}

static int
verb_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { { NULL, NULL } };
	struct kz_org *org;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli, N_("usage: kizuki org show NAME"),
			    N_("Shows an organisation and what routes "
			       "notifications to it."),
			    help);
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "%s",
		    optind >= argc ?
			_("which org? give its name") :
			_("give the name as one argument (quote it)"));
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_org_get(&org, cli->st, argv[optind]))
		return cli_fail(cli);
	if (cli->json)
		r = cli_print_json(cli, kz_org_to_json(org));
	else {
		print_org(org);
		r = CLI_OK;
	}
	kz_org_free(org);
	return r;
}

static int
verb_update(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, ORG_OPTS,
		{ "remove-contact", required_argument, NULL, OPT_RM_CONTACT },
		{ "remove-netblock", required_argument, NULL, OPT_RM_NETBLOCK },
		{ "remove-asn", required_argument, NULL, OPT_RM_ASN },
		{ "remove-domain", required_argument, NULL, OPT_RM_DOMAIN },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { ORG_HELP,
		{ "--remove-contact ADDR", N_("stop notifying ADDR") },
		{ "--remove-netblock CIDR", N_("remove an address block") },
		{ "--remove-asn N", N_("remove an AS number") },
		{ "--remove-domain NAME", N_("remove a domain") },
		{ NULL, NULL } };
	struct kz_org set, add, del;
	unsigned mask = 0;
	int c, r;

	kz_org_init(&set);
	kz_org_init(&add);
	kz_org_init(&del);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			r = cli_help(cli,
			    N_("usage: kizuki org update NAME "
			       "[fields] [--contact ADDR]... "
			       "[--remove-contact ADDR]..."),
			    N_("Changes an organisation; list flags add "
			       "entries, --remove-* flags remove them."),
			    help);
			goto done;
		}
		switch (c) {
		case OPT_RM_CONTACT:
			r = kz_strlist_add(&del.contacts, optarg) ? -1 : 1;
			break;
		case OPT_RM_NETBLOCK:
			r = kz_strlist_add(&del.netblocks, optarg) ? -1 : 1;
			break;
		case OPT_RM_DOMAIN:
			r = kz_strlist_add(&del.domains, optarg) ? -1 : 1;
			break;
		case OPT_RM_ASN:
			r = kz_org_add_asn(&del, optarg) ? -1 : 1;
			break;
		default:
			r = org_opt(&set, &mask, &add, c, optarg);
		}
		if (r < 0) {
			r = cli_fail(cli);
			goto done;
		}
		if (!r && (r = cli_other_opt(cli, c, optarg)) != -2)
			goto done;
	}
	if (optind + 1 != argc) {
		r = cli_usage(cli, "%s",
		    optind >= argc ?
			_("which org? give its name") :
			_("give the name as one argument (quote it)"));
		goto done;
	}
	if (!mask && !add.contacts.n && !add.netblocks.n && !add.nasns &&
	    !add.domains.n && !del.contacts.n && !del.netblocks.n &&
	    !del.nasns && !del.domains.n) {
		r = cli_usage(cli, "%s", _("nothing to change"));
		goto done;
	}
	if (!cli_store_existing(cli)) {
		r = CLI_ERR;
		goto done;
	}
	if (kz_org_update(cli->st, argv[optind], &set, mask, &add, &del)) {
		r = cli_fail(cli);
		goto done;
	}
	if (cli->json) {
		struct kz_org *org;

		if (kz_org_get(&org, cli->st,
			(mask & KZ_ORG_NAME) ? set.name : argv[optind])) {
			r = cli_fail(cli);
			goto done;
		}
		r = cli_print_json(cli, kz_org_to_json(org));
		kz_org_free(org);
	} else {
		printf(_("org '%s' updated"),
		    (mask & KZ_ORG_NAME) ? set.name : argv[optind]);
		printf("\n");
		r = CLI_OK;
	}
done:
	kz_org_release(&add);
	kz_org_release(&del);
	return r;
}

/* clang-format off */
static const struct cli_verb verbs[] = {
	{ "add",    verb_add,    N_("add an organisation") },
	{ "list",   verb_list,   N_("list organisations") },
	{ "show",   verb_show,   N_("show an organisation") },
	{ "update", verb_update, N_("change an organisation") },
	{ NULL, NULL, NULL },
};
/* clang-format on */

int
cmd_org(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "org", verbs, argc, argv);
}
