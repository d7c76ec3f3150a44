/* SPDX-License-Identifier: MIT */
/*
 * kizuki indicator: the team's indicators of compromise in the store —
 * add one, import lists (plain, CSV, Zeek intel), list, show with the
 * incidents they came up in, and expire what is no longer valid. The
 * sweep reads them from here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "match/indicators.h"
#include "model/incident.h"
#include "model/indicator.h"

enum {
	OPT_TYPE = OPT_FIRST_CMD,
	OPT_TLP,
	OPT_CONFIDENCE,
	OPT_TAGS,
	OPT_TAG,
	OPT_SOURCE,
	OPT_VALID,
	OPT_INCIDENT,
	OPT_FORMAT,
	OPT_SEARCH,
	OPT_ACTIVE,
	OPT_LIMIT,
	OPT_OFFSET,
	OPT_BEFORE,
	OPT_STRICT,
};

/* Options shared by add and import: the metadata of what is stored. */
static int
meta_opt(struct kz_indicator *m, int c, const char *arg)
{
	long v;

	switch (c) {
	case OPT_TLP:
		return kz_tlp_parse(&m->tlp, arg) ? -1 : 1;
	case OPT_CONFIDENCE:
		if (kz_parse_long(&v, arg, 0, 100))
			return -1;
		m->confidence = (int)v;
		return 1;
	case OPT_TAGS:
		m->tags = (char *)arg;
		return 1;
	case OPT_SOURCE:
		m->source = (char *)arg;
		return 1;
	case OPT_VALID:
		return kz_time_parse(&m->valid_until, arg) ? -1 : 1;
	}
	return 0;
}

#define META_OPTS                                                              \
	{ "tlp", required_argument, NULL, OPT_TLP },                           \
	    { "confidence", required_argument, NULL, OPT_CONFIDENCE },         \
	    { "tags", required_argument, NULL, OPT_TAGS },                     \
	    { "source", required_argument, NULL, OPT_SOURCE },                 \
	{                                                                      \
		"valid-until", required_argument, NULL, OPT_VALID              \
	}

#define META_HELP                                                              \
	{ "--tlp T",                                                           \
		N_("clear, green, amber (default), amber+strict, "             \
		   "red") },                                                   \
	    { "--confidence N", N_("0 to 100 (default 50)") },                 \
	    { "--tags A,B",                                                    \
		    N_("tags, such as a malware family: "                      \
		       "dreambot,gozi") },                                     \
	    { "--source S", N_("where it came from") },                        \
	{                                                                      \
		"--valid-until DATE", N_("when it stops being valid")          \
	}

static int
verb_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, META_OPTS,
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "incident", required_argument, NULL, OPT_INCIDENT },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { META_HELP,
		{ "--type T",
		    N_("ipv4, ipv6, cidr, domain, url, email, md5, "
		       "sha1, sha256, asn, cve ... (default: "
		       "guessed)") },
		{ "--incident TICKET", N_("link it to this incident") },
		{ NULL, NULL } };
	struct kz_indicator m, got;
	struct kz_buf canon = KZ_BUF_INIT(8192);
	struct kz_incident *inc = NULL;
	const char *ticket = NULL;
	int c, r, have_type = 0;
	int64_t id;

	kz_indicator_init(&m);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki indicator add "
			       "VALUE [--type T] [options]"),
			    N_("Stores an indicator (defanged forms are "
			       "accepted) or widens the one stored."),
			    help);
		if ((r = meta_opt(&m, c, optarg)) < 0)
			return cli_fail(cli);
		if (r)
			continue;
		if (c == OPT_TYPE) {
			if (kz_ioc_type_parse(&m.type, optarg))
				return cli_fail(cli);
			have_type = 1;
			continue;
		}
		if (c == OPT_INCIDENT) {
			ticket = optarg;
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "%s",
		    optind >= argc ? _("which indicator? give its value") :
				     _("give one value (quote it)"));
	if (!have_type &&
	    kz_ioc_detect(&m.type, &canon, argv[optind], strlen(argv[optind])))
		return cli_fail(cli);
	kz_buf_release(&canon);
	m.value = argv[optind];
	if (!cli_store(cli) || kz_store_begin(cli->st))
		return cli->st ? cli_fail(cli) : CLI_ERR;
	if (kz_indicator_upsert(&id, cli->st, &m) ||
	    (ticket &&
		(kz_incident_get(&inc, cli->st, ticket) ||
		    kz_indicator_link(cli->st, inc->id, id)))) {
		kz_store_rollback(cli->st);
		kz_incident_free(inc);
		return cli_fail(cli);
	}
	kz_incident_free(inc);
	if (kz_store_commit(cli->st) ||
	    kz_indicator_get(&got, cli->st, m.type, m.value))
		return cli_fail(cli);
	if (cli->json) {
		r = cli_print_json(cli, kz_indicator_to_json(&got));
	} else {
		printf("%s %s\n", kz_ioc_type_name(got.type), got.value);
		r = CLI_OK;
	}
	kz_indicator_release(&got);
	return r;
}

static int
verb_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, META_OPTS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { META_HELP,
		{ "--format F", N_("auto (default), plain, csv or zeek") },
		{ "--strict",
		    N_("refuse the whole file at the first bad "
		       "line") },
		{ NULL, NULL } };
	struct kz_indicator m;
	struct kz_ioc_table *t = NULL;
	struct kz_ioc_load_stats ls;
	struct kz_ioc_meta defaults = { 0 };
	enum kz_ioc_list_format fmt = KZ_IOC_LIST_AUTO;
	unsigned flags = 0;
	size_t n, i, stored = 0;
	int c, r, progress = isatty(STDERR_FILENO);

	kz_indicator_init(&m);
	kz_ioc_load_stats_init(&ls);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki indicator import "
			       "FILE [--format F] [options]"),
			    N_("Imports a list of indicators: one a line "
			       "(type guessed), CSV with a header naming "
			       "type,value[,source,tags,tlp], or a Zeek intel "
			       "file. Lines that cannot be read are counted "
			       "and named; the rest is stored in one "
			       "transaction."),
			    help);
		if ((r = meta_opt(&m, c, optarg)) < 0)
			return cli_fail(cli);
		if (r)
			continue;
		if (c == OPT_FORMAT) {
			if (kz_ioc_list_format_parse(&fmt, optarg))
				return cli_fail(cli);
			continue;
		}
		if (c == OPT_STRICT) {
			flags |= KZ_IOC_LOAD_STRICT;
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "%s", _("which file? give one path"));
	defaults.source = m.source;
	defaults.tags = m.tags;
	defaults.tlp = kz_tlp_name(m.tlp);
	if (kz_ioc_table_new(&t) ||
	    kz_ioc_table_load_file(
		t, argv[optind], fmt, &defaults, flags, &ls)) {
		r = cli_fail(cli);
		goto done;
	}
	if (!cli_store(cli) || kz_store_begin(cli->st)) {
		r = cli->st ? cli_fail(cli) : CLI_ERR;
		goto done;
	}
	n = kz_ioc_table_count(t);
	for (i = 0; i < n; i++) {
		struct kz_ioc ioc;
		struct kz_indicator one = m;

		kz_ioc_table_get(t, (uint32_t)i, &ioc);
		one.type = ioc.type;
		one.value = (char *)ioc.value;
		one.source = (char *)ioc.source;
		one.tags = (char *)ioc.tags;
		if (ioc.tlp && kz_tlp_parse(&one.tlp, ioc.tlp))
			one.tlp = m.tlp;
		if (kz_indicator_upsert(NULL, cli->st, &one)) {
			kz_store_rollback(cli->st);
			r = cli_fail(cli);
			goto done;
		}
		stored++;
		if (progress && stored % 20000 == 0)
			fprintf(stderr, "\r%zu / %zu", stored, n);
	}
	if (progress && stored >= 20000)
		fprintf(stderr, "\r");
	if (kz_store_commit(cli->st)) {
		r = cli_fail(cli);
		goto done;
	}
	if (cli->json) {
		r = cli_print_json(cli,
		    json_pack("{s:I, s:I, s:I, s:I, s:s}", "lines",
			(json_int_t)ls.lines, "stored", (json_int_t)stored,
			"duplicates", (json_int_t)ls.duplicates, "rejected",
			(json_int_t)ls.rejected, "errors", ls.errors.ptr));
	} else {
		printf(_("%zu lines: %zu indicators stored, %zu duplicates, "
			 "%zu lines rejected"),
		    ls.lines, stored, ls.duplicates, ls.rejected);
		printf("\n");
		if (ls.errors.len)
			fprintf(stderr, "%s", ls.errors.ptr);
		r = CLI_OK;
	}
done:
	kz_ioc_load_stats_release(&ls);
	kz_ioc_table_free(t);
	return r;
}

static int
verb_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "tag", required_argument, NULL, OPT_TAG },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "search", required_argument, NULL, OPT_SEARCH },
		{ "active", no_argument, NULL, OPT_ACTIVE },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { { "--type T",
							N_("only this type") },
		{ "--tag TAG", N_("only those with this tag") },
		{ "--source S", N_("only from this source") },
		{ "--search TEXT", N_("values containing TEXT") },
		{ "--active", N_("only those still valid") },
		{ "--limit N", N_("at most N (default 100)") },
		{ "--offset N", N_("skip the first N") }, { NULL, NULL } };
	struct kz_indicator_filter f = { .type = -1 };
	struct kz_indicator *v;
	size_t n;
	int64_t total;
	long l;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(cli,
			    N_("usage: kizuki indicator list "
			       "[filters]"),
			    N_("Lists indicators, last seen first."), help);
		case OPT_TYPE: {
			enum kz_ioc_type t;

			if (kz_ioc_type_parse(&t, optarg))
				return cli_fail(cli);
			f.type = (int)t;
			break;
		}
		case OPT_TAG:
			f.tag = optarg;
			break;
		case OPT_SOURCE:
			f.source = optarg;
			break;
		case OPT_SEARCH:
			f.text = optarg;
			break;
		case OPT_ACTIVE:
			f.active_only = 1;
			break;
		case OPT_LIMIT:
			if (kz_parse_long(&l, optarg, 1, 1000000))
				return cli_fail(cli);
			f.limit = l;
			break;
		case OPT_OFFSET:
			if (kz_parse_long(&l, optarg, 0, 1L << 40))
				return cli_fail(cli);
			f.offset = l;
			break;
		default:
			if ((r = cli_other_opt(cli, c, optarg)) != -2)
				return r;
		}
	}
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_indicator_list(&v, &n, &total, cli->st, &f))
		return cli_fail(cli);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, kz_indicator_to_json(&v[i]));
		r = cli_print_json(cli,
		    json_pack("{s:I, s:o}", "total", (json_int_t)total,
			"indicators", a));
	} else {
		char t[KZ_TIME_STRLEN];

		for (size_t i = 0; i < n; i++) {
			cli_pad(stdout, kz_ioc_type_name(v[i].type), 8);
			cli_pad(stdout, kz_tlp_label(v[i].tlp), 18);
			kz_time_format(t, v[i].last_seen);
			t[10] = '\0';
			cli_pad(stdout, t, 12);
			printf("%s%s%s%s\n", v[i].value,
			    *v[i].tags ? "  [" : "", v[i].tags,
			    *v[i].tags ? "]" : "");
		}
		printf(_("%zu of %lld indicators shown"), n, (long long)total);
		printf("\n");
		r = CLI_OK;
	}
	kz_indicator_list_free(v, n);
	return r;
}

static int
verb_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "type", required_argument, NULL, OPT_TYPE },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--type T", N_("its type, when the value is ambiguous") },
		{ NULL, NULL }
	};
	enum kz_ioc_type type = KZ_IOC_NTYPES;
	struct kz_indicator ioc;
	char(*tickets)[32] = NULL;
	size_t n = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki indicator show "
			       "VALUE"),
			    N_("Shows an indicator and the incidents it came "
			       "up in."),
			    help);
		if (c == OPT_TYPE) {
			if (kz_ioc_type_parse(&type, optarg))
				return cli_fail(cli);
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage(
		    cli, "%s", _("which indicator? give its value"));
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_indicator_get(&ioc, cli->st, type, argv[optind]))
		return cli_fail(cli);
	if (kz_indicator_incidents(&tickets, &n, cli->st, ioc.id)) {
		kz_indicator_release(&ioc);
		return cli_fail(cli);
	}
	if (cli->json) {
		json_t *o = kz_indicator_to_json(&ioc), *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_string(tickets[i]));
		json_object_set_new(o, "incidents", a);
		r = cli_print_json(cli, o);
	} else {
		json_t *o = kz_indicator_to_json(&ioc);
		const char *k;
		json_t *v;

		json_object_foreach(o, k, v)
		{
			char *s = json_is_string(v) ?
			    NULL :
			    json_dumps(v, JSON_ENCODE_ANY);

			cli_pad(stdout, k, 13);
			printf("%s\n", s ? s : json_string_value(v));
			free(s);
		}
		json_decref(o);
		cli_pad(stdout, _("incidents"), 13);
		for (size_t i = 0; i < n; i++)
			printf("%s%s", i ? " " : "", tickets[i]);
		printf("%s\n", n ? "" : "-");
		r = CLI_OK;
	}
	kz_free(tickets);
	kz_indicator_release(&ioc);
	return r;
}

static int
verb_expire(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "before", required_argument, NULL, OPT_BEFORE },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--type T", N_("its type, when the value is ambiguous") },
		{ "--before DATE",
		    N_("expire every indicator last seen before "
		       "DATE") },
		{ NULL, NULL }
	};
	enum kz_ioc_type type = KZ_IOC_NTYPES;
	struct kz_indicator ioc;
	int64_t before = 0, count = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki indicator expire "
			       "VALUE | --before DATE"),
			    N_("Ends the validity of an indicator, or of all "
			       "those not seen since a date; sweeps no longer "
			       "look for them. They stay in the store."),
			    help);
		if (c == OPT_TYPE) {
			if (kz_ioc_type_parse(&type, optarg))
				return cli_fail(cli);
			continue;
		}
		if (c == OPT_BEFORE) {
			if (kz_time_parse(&before, optarg))
				return cli_fail(cli);
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if ((before != 0) == (optind < argc) || optind + 1 < argc)
		return cli_usage(cli, "%s",
		    _("give one value or --before "
		      "DATE"));
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (!before) {
		if (kz_indicator_get(&ioc, cli->st, type, argv[optind]))
			return cli_fail(cli);
		r = kz_indicator_expire(&count, cli->st, ioc.id, 0);
		kz_indicator_release(&ioc);
	} else {
		r = kz_indicator_expire(&count, cli->st, 0, before);
	}
	if (r)
		return cli_fail(cli);
	if (cli->json)
		return cli_print_json(
		    cli, json_pack("{s:I}", "expired", (json_int_t)count));
	printf(_("%lld indicators expired"), (long long)count);
	printf("\n");
	return CLI_OK;
}

/* clang-format off */
static const struct cli_verb verbs[] = {
	{ "add",    verb_add,    N_("store an indicator") },
	{ "import", verb_import, N_("import a list: plain, CSV or Zeek intel") },
	{ "list",   verb_list,   N_("list indicators") },
	{ "show",   verb_show,   N_("show an indicator and its incidents") },
	{ "expire", verb_expire, N_("end indicators' validity") },
	{ NULL, NULL, NULL },
};
/* clang-format on */

int
cmd_indicator(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "indicator", verbs, argc, argv);
}
