/* SPDX-License-Identifier: MIT */
/*
 * kizuki incident: the handling flow from the command line. Open an
 * incident, triage it (category, priority, TLP, stage, assignee), move it
 * through the statuses, keep notes, close and reopen; list with filters
 * and free-text search; show one with its timeline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"
#include "model/indicator.h"
#include "model/report.h"

enum {
	OPT_TITLE = OPT_FIRST_CMD,
	OPT_DESC,
	OPT_CATEGORY,
	OPT_PRIORITY,
	OPT_TLP,
	OPT_STAGE,
	OPT_ASSIGNEE,
	OPT_REPORTER,
	OPT_STATUS,
	OPT_NOTE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_SEARCH,
	OPT_LIMIT,
	OPT_OFFSET,
	OPT_OPEN,
	OPT_OLDEST,
	OPT_REPORT,
	OPT_CREATED,
	OPT_ASSIGN_ME,
	OPT_UNASSIGN,
};

/* Parses the option value of a field shared by new and update. */
static int
field_opt(struct cli *cli, struct kz_incident *inc, unsigned *mask, int c,
    const char *arg)
{
	long v;

	switch (c) {
	case OPT_TITLE:
		inc->title = (char *)arg;
		*mask |= KZ_F_TITLE;
		return 1;
	case OPT_DESC:
		inc->description = (char *)arg;
		*mask |= KZ_F_DESCRIPTION;
		return 1;
	case OPT_CATEGORY:
		if (kz_category_parse(&inc->category, arg))
			return -1;
		*mask |= KZ_F_CATEGORY;
		return 1;
	case OPT_PRIORITY:
		if (kz_parse_long(&v, arg, KZ_PRIORITY_MIN, KZ_PRIORITY_MAX)) {
			kz_error_set(KZ_EINVAL,
			    "priority must be %d (most "
			    "urgent) to %d, not '%s'",
			    KZ_PRIORITY_MIN, KZ_PRIORITY_MAX, arg);
			return -1;
		}
		inc->priority = (int)v;
		*mask |= KZ_F_PRIORITY;
		return 1;
	case OPT_TLP:
		if (kz_tlp_parse(&inc->tlp, arg))
			return -1;
		*mask |= KZ_F_TLP;
		return 1;
	case OPT_STAGE:
		if (kz_stage_parse(&inc->stage, arg))
			return -1;
		*mask |= KZ_F_STAGE;
		return 1;
	case OPT_ASSIGNEE:
		inc->assignee = (char *)arg;
		*mask |= KZ_F_ASSIGNEE;
		return 1;
	case OPT_REPORTER:
		inc->reporter = (char *)arg;
		*mask |= KZ_F_REPORTER;
		return 1;
	}
	(void)cli;
	return 0;
}

#define FIELD_OPTS                                                             \
	{ "title", required_argument, NULL, OPT_TITLE },                       \
	    { "description", required_argument, NULL, OPT_DESC },              \
	    { "category", required_argument, NULL, OPT_CATEGORY },             \
	    { "priority", required_argument, NULL, OPT_PRIORITY },             \
	    { "tlp", required_argument, NULL, OPT_TLP },                       \
	    { "stage", required_argument, NULL, OPT_STAGE },                   \
	    { "assignee", required_argument, NULL, OPT_ASSIGNEE },             \
	{                                                                      \
		"reporter", required_argument, NULL, OPT_REPORTER              \
	}

#define FIELD_HELP                                                             \
	{ "--title TEXT", N_("what happened, in one line") },                  \
	    { "--description TEXT", N_("details") },                           \
	    { "--category C",                                                  \
		    N_("scan, defacement, phishing, "                          \
		       "malware_site, dos, targeted, "                         \
		       "control_system, other") },                             \
	    { "--priority N", N_("1 (most urgent) to 5") },                    \
	    { "--tlp T", N_("clear, green, amber, amber+strict, red") },       \
	    { "--stage S",                                                     \
		    N_("recon, intrusion, lateral, objective or "              \
		       "none") },                                              \
	    { "--assignee USER", N_("the handler in charge") },                \
	{                                                                      \
		"--reporter WHO", N_("who reported it")                        \
	}

static int
need_ticket(struct cli *cli, int argc, char **argv, const char **ticket)
{
	if (optind >= argc)
		return cli_usage(cli, "%s",
		    _("which incident? give its ticket "
		      "id, like KZ-2026-000042"));
	if (optind + 1 < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind + 1]);
	*ticket = argv[optind];
	return -2;
}

/* Prints the incident after a change: JSON, or one confirming line. */
static int
print_result(struct cli *cli, const char *ticket, const char *what)
{
	struct kz_incident *inc;

	if (kz_incident_get(&inc, cli->st, ticket))
		return cli_fail(cli);
	if (cli->json) {
		int rc = cli_print_json(cli, kz_incident_to_json(inc));

		kz_incident_free(inc);
		return rc;
	}
	printf(
	    "%s: %s (%s)\n", inc->ticket, _(what), kz_status_name(inc->status));
	kz_incident_free(inc);
	return CLI_OK;
}

static int
attach_report(struct cli *cli, struct kz_incident *inc, const char *path)
{
	struct kz_report rep = { 0 };
	char *raw;
	size_t len;
	int rc;

	if (cli_read_input(cli, path, KZ_REPORT_MAX, &raw, &len))
		return -1;
	rep.incident_id = inc->id;
	rep.source = "cli";
	rep.format = "text";
	rep.reporter = inc->reporter;
	rep.raw = (unsigned char *)raw;
	rep.size = len;
	rc = kz_report_add(cli->st, &rep, cli->actor);
	kz_free(raw);
	return rc;
}

static int
verb_new(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, FIELD_OPTS,
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "created", required_argument, NULL, OPT_CREATED },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { FIELD_HELP,
		{ "--report FILE",
		    N_("keep FILE (or - for standard input) "
		       "as the raw report") },
		{ "--created TIME",
		    N_("when it was opened, for records "
		       "entered late (default: now)") },
		{ NULL, NULL } };
	const char *report = NULL;
	struct kz_incident inc;
	unsigned mask = 0;
	int c, r;

	kz_incident_init(&inc);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki incident new "
			       "--title TEXT [--category C] [options]"),
			    N_("Opens an incident and prints its ticket id."),
			    help);
		if ((r = field_opt(cli, &inc, &mask, c, optarg)) < 0)
			return cli_fail(cli);
		if (r)
			continue;
		if (c == OPT_REPORT) {
			report = optarg;
			continue;
		}
		if (c == OPT_CREATED) {
			if (kz_time_parse(&inc.created_at, optarg))
				return cli_fail(cli);
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (!(mask & KZ_F_TITLE))
		return cli_usage(cli, "%s", _("--title is required"));
	if (!cli_store(cli))
		return CLI_ERR;
	if (kz_store_begin(cli->st))
		return cli_fail(cli);
	if (kz_incident_create(cli->st, &inc, cli->actor) ||
	    (report && attach_report(cli, &inc, report))) {
		kz_store_rollback(cli->st);
		return cli_fail(cli);
	}
	if (kz_store_commit(cli->st))
		return cli_fail(cli);
	if (cli->json)
		return print_result(cli, inc.ticket, "");
	printf("%s\n", inc.ticket);
	return CLI_OK;
}

static int
parse_bits(
    unsigned *bits, const char *arg, int (*parse)(int *out, const char *s))
{
	char *copy = kz_strdup(arg), *tok, *save = NULL;
	int rc = 0;

	if (!copy)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int v;

		if ((rc = parse(&v, tok)))
			break;
		*bits |= 1u << v;
	}
	kz_free(copy);
	return rc;
}

static int
p_status(int *out, const char *s)
{
	enum kz_status v;
	int rc = kz_status_parse(&v, s);

	*out = (int)v;
	return rc;
}

static int
p_category(int *out, const char *s)
{
	enum kz_category v;
	int rc = kz_category_parse(&v, s);

	*out = (int)v;
	return rc;
}

static int
p_tlp(int *out, const char *s)
{
	enum kz_tlp v;
	int rc = kz_tlp_parse(&v, s);

	*out = (int)v;
	return rc;
}

static void
print_list(struct cli *cli, const struct kz_incident_list *l,
    const struct kz_incident_filter *f)
{
	char created[KZ_TIME_STRLEN];

	(void)cli;
	if (l->n == 0) {
		printf("%s\n", _("no incidents match"));
		return;
	}
	cli_pad(stdout, _("TICKET"), 16);
	cli_pad(stdout, _("STATUS"), 13);
	cli_pad(stdout, _("PRI"), 4);
	cli_pad(stdout, _("CATEGORY"), 15);
	cli_pad(stdout, _("TLP"), 13);
	cli_pad(stdout, _("ASSIGNEE"), 11);
	cli_pad(stdout, _("CREATED"), 11);
	printf("%s\n", _("TITLE"));
	for (size_t i = 0; i < l->n; i++) {
		const struct kz_incident *inc = &l->items[i];
		char pri[8];

		kz_time_format(created, inc->created_at);
		created[10] = '\0';
		snprintf(pri, sizeof(pri), "%d", inc->priority);
		cli_pad(stdout, inc->ticket, 16);
		cli_pad(stdout, kz_status_name(inc->status), 13);
		cli_pad(stdout, pri, 4);
		cli_pad(stdout, kz_category_name(inc->category), 15);
		cli_pad(stdout, kz_tlp_label(inc->tlp), 13);
		cli_pad(stdout, inc->assignee ? inc->assignee : "-", 11);
		cli_pad(stdout, created, 11);
		printf("%s\n", inc->title);
	}
	printf("\n");
	printf(_("%zu of %lld incidents shown"), l->n, (long long)l->total);
	if ((int64_t)(f->offset + (int64_t)l->n) < l->total)
		printf(_(" (more with --offset %lld)"),
		    (long long)(f->offset + (int64_t)l->n));
	printf("\n");
}

static int
verb_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "tlp", required_argument, NULL, OPT_TLP },
		{ "assignee", required_argument, NULL, OPT_ASSIGNEE },
		{ "mine", no_argument, NULL, OPT_ASSIGN_ME },
		{ "priority", required_argument, NULL, OPT_PRIORITY },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "search", required_argument, NULL, OPT_SEARCH },
		{ "open", no_argument, NULL, OPT_OPEN },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ "oldest-first", no_argument, NULL, OPT_OLDEST },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--status S[,S]", N_("only these statuses") },
		{ "--open",
		    N_("only open incidents (not closed nor "
		       "rejected)") },
		{ "--category C[,C]", N_("only these categories") },
		{ "--tlp T[,T]", N_("only these TLP levels") },
		{ "--assignee USER",
		    N_("only this handler's; - for "
		       "unassigned") },
		{ "--mine", N_("only mine ($KIZUKI_USER or $USER)") },
		{ "--priority N[-M]", N_("only this priority or range") },
		{ "--since DATE", N_("opened at or after DATE") },
		{ "--until DATE", N_("opened before DATE") },
		{ "--search TEXT",
		    N_("words in the title or description "
		       "(Japanese works too)") },
		{ "--limit N", N_("at most N (default 50)") },
		{ "--offset N", N_("skip the first N") },
		{ "--oldest-first", N_("oldest first (default newest)") },
		{ NULL, NULL }
	};
	struct kz_incident_filter f = { 0 };
	struct kz_incident_list l;
	long v;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(cli,
			    N_("usage: kizuki incident list "
			       "[filters]"),
			    N_("Lists incidents, newest first."), help);
		case OPT_STATUS:
			if (parse_bits(&f.statuses, optarg, p_status))
				return cli_fail(cli);
			break;
		case OPT_OPEN:
			f.statuses |= (1u << KZ_ST_COUNT) - 1;
			f.statuses &=
			    ~((1u << KZ_ST_CLOSED) | (1u << KZ_ST_REJECTED));
			break;
		case OPT_CATEGORY:
			if (parse_bits(&f.categories, optarg, p_category))
				return cli_fail(cli);
			break;
		case OPT_TLP:
			if (parse_bits(&f.tlps, optarg, p_tlp))
				return cli_fail(cli);
			break;
		case OPT_ASSIGNEE:
			f.assignee = optarg;
			break;
		case OPT_ASSIGN_ME:
			f.assignee = cli->actor;
			break;
		case OPT_PRIORITY: {
			const char *dash = strchr(optarg, '-');
			char lo[16];
			long hi;

			snprintf(lo, sizeof(lo), "%.*s",
			    dash ? (int)(dash - optarg) : (int)strlen(optarg),
			    optarg);
			if (kz_parse_long(&v, lo, 1, 5) ||
			    kz_parse_long(&hi, dash ? dash + 1 : lo, 1, 5))
				return cli_fail(cli);
			f.priority_min = (int)v;
			f.priority_max = (int)hi;
			break;
		}
		case OPT_SINCE:
			if (kz_time_parse(&f.from, optarg))
				return cli_fail(cli);
			break;
		case OPT_UNTIL:
			if (kz_time_parse(&f.to, optarg))
				return cli_fail(cli);
			break;
		case OPT_SEARCH:
			f.text = optarg;
			break;
		case OPT_LIMIT:
			if (kz_parse_long(&v, optarg, 1, 100000))
				return cli_fail(cli);
			f.limit = v;
			break;
		case OPT_OFFSET:
			if (kz_parse_long(&v, optarg, 0, 1L << 40))
				return cli_fail(cli);
			f.offset = v;
			break;
		case OPT_OLDEST:
			f.oldest_first = 1;
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
	if (kz_incident_list(&l, cli->st, &f))
		return cli_fail(cli);
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(
			    arr, kz_incident_to_json(&l.items[i]));
		r = cli_print_json(cli,
		    json_pack("{s:I, s:I, s:I, s:o}", "total",
			(json_int_t)l.total, "offset", (json_int_t)f.offset,
			"limit", (json_int_t)(f.limit ? f.limit : 50),
			"incidents", arr));
	} else {
		print_list(cli, &l, &f);
		r = CLI_OK;
	}
	kz_incident_list_release(&l);
	return r;
}

static void
print_field(const char *label, const char *value)
{
	cli_pad(stdout, label, 14);
	printf("%s\n", value && *value ? value : "-");
}

struct show {
	struct kz_incident *inc;
	struct kz_event *ev;
	size_t nev;
	struct kz_report *rep;
	size_t nrep;
	struct kz_indicator *ioc;
	size_t nioc;
	char (*rel)[32];
	size_t nrel;
};

static void
print_show(const struct show *sh)
{
	const struct kz_incident *inc = sh->inc;
	const struct kz_event *ev = sh->ev;
	const struct kz_report *rep = sh->rep;
	size_t nev = sh->nev, nrep = sh->nrep;
	char t[KZ_TIME_STRLEN], pri[8];

	snprintf(pri, sizeof(pri), "%d", inc->priority);
	print_field(_("ticket"), inc->ticket);
	print_field(_("title"), inc->title);
	print_field(_("status"), kz_status_name(inc->status));
	print_field(_("category"), kz_category_name(inc->category));
	print_field(_("priority"), pri);
	print_field(_("TLP"), kz_tlp_label(inc->tlp));
	print_field(_("stage"), kz_stage_name(inc->stage));
	print_field(_("assignee"), inc->assignee);
	print_field(_("reporter"), inc->reporter);
	print_field(_("coordinated"), inc->coordinated ? _("yes") : _("no"));
	print_field(_("created"), kz_time_format(t, inc->created_at));
	print_field(_("updated"), kz_time_format(t, inc->updated_at));
	print_field(_("closed"),
	    inc->closed_at ? kz_time_format(t, inc->closed_at) : NULL);
	if (inc->description && *inc->description)
		printf("\n%s\n", inc->description);
	if (nrep) {
		printf("\n%s\n", _("reports"));
		for (size_t i = 0; i < nrep; i++)
			printf(
			    "  #%lld  %s  %s  %zu bytes  sha256 %.16s…  %s\n",
			    (long long)rep[i].id,
			    kz_time_format(t, rep[i].received_at),
			    rep[i].source, rep[i].size, rep[i].sha256,
			    rep[i].subject ? rep[i].subject : "");
	}
	if (sh->nioc) {
		printf("\n%s\n", _("indicators"));
		for (size_t i = 0; i < sh->nioc; i++) {
			printf("  ");
			cli_pad(stdout, kz_ioc_type_name(sh->ioc[i].type), 9);
			printf("%s\n", sh->ioc[i].value);
		}
	}
	if (sh->nrel) {
		printf("\n%s\n ", _("related incidents"));
		for (size_t i = 0; i < sh->nrel; i++)
			printf(" %s", sh->rel[i]);
		printf("\n");
	}
	printf("\n%s\n", _("timeline"));
	for (size_t i = 0; i < nev; i++) {
		const struct kz_event *e = &ev[i];

		printf("  %s  ", kz_time_format(t, e->at));
		cli_pad(stdout, e->kind, 11);
		cli_pad(stdout, e->actor ? e->actor : "-", 10);
		if (strcmp(e->kind, "status") == 0 && e->data) {
			printf("%s → %s",
			    json_string_value(json_object_get(e->data, "from")),
			    json_string_value(json_object_get(e->data, "to")));
			if (*e->text)
				printf(": ");
		} else if (e->data &&
		    (strcmp(e->kind, "update") == 0 ||
			strcmp(e->kind, "assign") == 0)) {
			const char *k;
			json_t *v;
			int first = 1;

			json_object_foreach(e->data, k, v)
			{
				json_t *to = json_object_get(v, "to");
				char *s = json_is_string(to) ?
				    NULL :
				    json_dumps(to, JSON_ENCODE_ANY);

				printf("%s%s=%s", first ? "" : ", ", k,
				    s ? s : json_string_value(to));
				free(s);
				first = 0;
			}
		}
		printf("%s\n", e->text);
	}
}

static int
verb_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { { NULL, NULL } };
	struct show sh = { 0 };
	const char *ticket;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki incident show "
			       "TICKET"),
			    N_("Shows an incident with its reports, "
			       "indicators, related incidents and timeline."),
			    help);
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if ((r = need_ticket(cli, argc, argv, &ticket)) != -2)
		return r;
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_incident_get(&sh.inc, cli->st, ticket) ||
	    kz_event_list(&sh.ev, &sh.nev, cli->st, sh.inc->id) ||
	    kz_report_list(&sh.rep, &sh.nrep, cli->st, sh.inc->id) ||
	    kz_indicator_list_incident(
		&sh.ioc, &sh.nioc, cli->st, sh.inc->id) ||
	    kz_incident_related(&sh.rel, &sh.nrel, cli->st, sh.inc->id)) {
		r = cli_fail(cli);
		goto done;
	}
	if (cli->json) {
		json_t *o = kz_incident_to_json(sh.inc), *a = json_array(),
		       *b = json_array(), *ind = json_array(),
		       *rel = json_array();

		for (size_t i = 0; i < sh.nrep; i++)
			json_array_append_new(b, kz_report_to_json(&sh.rep[i]));
		for (size_t i = 0; i < sh.nioc; i++)
			json_array_append_new(
			    ind, kz_indicator_to_json(&sh.ioc[i]));
		for (size_t i = 0; i < sh.nrel; i++)
			json_array_append_new(rel, json_string(sh.rel[i]));
		for (size_t i = 0; i < sh.nev; i++)
			json_array_append_new(a, kz_event_to_json(&sh.ev[i]));
		json_object_set_new(o, "reports", b);
		json_object_set_new(o, "indicators", ind);
		json_object_set_new(o, "related", rel);
		json_object_set_new(o, "timeline", a);
		r = cli_print_json(cli, o);
	} else {
		print_show(&sh);
		r = CLI_OK;
	}
done:
	kz_incident_free(sh.inc);
	kz_event_list_free(sh.ev, sh.nev);
	kz_report_list_free(sh.rep, sh.nrep);
	kz_indicator_list_free(sh.ioc, sh.nioc);
	kz_free(sh.rel);
	return r;
}

static int
verb_update(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, FIELD_OPTS,
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "note", required_argument, NULL, OPT_NOTE },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { FIELD_HELP,
		{ "--status S",
		    N_("move to status S (new, triaged, "
		       "coordinating, waiting, resolved, closed, "
		       "rejected)") },
		{ "--note TEXT", N_("a note for the status change") },
		{ NULL, NULL } };
	struct kz_incident chg;
	enum kz_status to = KZ_ST_NEW;
	const char *ticket, *note = NULL;
	unsigned mask = 0;
	int c, r, set_status = 0;

	kz_incident_init(&chg);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki incident update "
			       "TICKET [--status S] [fields]"),
			    N_("Changes the fields given; each change is "
			       "recorded in the timeline."),
			    help);
		if ((r = field_opt(cli, &chg, &mask, c, optarg)) < 0)
			return cli_fail(cli);
		if (r)
			continue;
		if (c == OPT_STATUS) {
			if (kz_status_parse(&to, optarg))
				return cli_fail(cli);
			set_status = 1;
			continue;
		}
		if (c == OPT_NOTE) {
			note = optarg;
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if ((r = need_ticket(cli, argc, argv, &ticket)) != -2)
		return r;
	if (!mask && !set_status)
		return cli_usage(cli, "%s",
		    _("nothing to change: give "
		      "--status or a field such as --priority"));
	if (note && !set_status)
		return cli_usage(cli, "%s",
		    _("--note goes with --status; use "
		      "'kizuki incident note' for a note alone"));
	if (!cli_store_existing(cli) || kz_store_begin(cli->st))
		return cli->st ? cli_fail(cli) : CLI_ERR;
	if ((mask &&
		kz_incident_update(cli->st, ticket, &chg, mask, cli->actor)) ||
	    (set_status &&
		kz_incident_set_status(
		    cli->st, ticket, to, cli->actor, note))) {
		kz_store_rollback(cli->st);
		return cli_fail(cli);
	}
	if (kz_store_commit(cli->st))
		return cli_fail(cli);
	return print_result(cli, ticket, N_("updated"));
}

static int
verb_assign(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "me", no_argument, NULL, OPT_ASSIGN_ME },
		{ "none", no_argument, NULL, OPT_UNASSIGN },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--me", N_("assign to yourself ($KIZUKI_USER or $USER)") },
		{ "--none", N_("leave it unassigned") }, { NULL, NULL }
	};
	struct kz_incident chg;
	const char *user = NULL;
	int c, r, none = 0;

	kz_incident_init(&chg);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki incident assign "
			       "TICKET USER | --me | --none"),
			    N_("Sets the handler in charge."), help);
		if (c == OPT_ASSIGN_ME) {
			user = cli->actor;
			continue;
		}
		if (c == OPT_UNASSIGN) {
			none = 1;
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind >= argc)
		return cli_usage(cli, "%s",
		    _("which incident? give its ticket "
		      "id, like KZ-2026-000042"));
	if (!user && !none) {
		if (optind + 1 >= argc)
			return cli_usage(cli, "%s",
			    _("to whom? give a user, "
			      "--me or --none"));
		user = argv[optind + 1];
		if (optind + 2 < argc)
			return cli_usage(cli, _("unexpected argument '%s'"),
			    argv[optind + 2]);
	} else if (optind + 1 < argc) {
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind + 1]);
	}
	chg.assignee = none ? NULL : (char *)user;
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_incident_update(
		cli->st, argv[optind], &chg, KZ_F_ASSIGNEE, cli->actor))
		return cli_fail(cli);
	return print_result(
	    cli, argv[optind], none ? N_("unassigned") : N_("assigned"));
}

static int
verb_note(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { { NULL, NULL } };
	char *text = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki incident note "
			       "TICKET TEXT|-"),
			    N_("Adds a note to the timeline; - reads it from "
			       "standard input."),
			    help);
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 2 != argc)
		return cli_usage(cli, "%s",
		    optind >= argc ?
			_("which incident? give its ticket id, like "
			  "KZ-2026-000042") :
			optind + 1 >= argc ?
			_("the note text is missing") :
			_("give the note as one argument (quote it)"));
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (strcmp(argv[optind + 1], "-") == 0) {
		size_t len;

		if (cli_read_input(cli, "-", 1 << 20, &text, &len))
			return cli_fail(cli);
	}
	r = kz_incident_note(
	    cli->st, argv[optind], cli->actor, text ? text : argv[optind + 1]);
	kz_free(text);
	if (r)
		return cli_fail(cli);
	return print_result(cli, argv[optind], N_("note added"));
}

/* close and reopen: a status change with an optional note. */
static int
status_verb(struct cli *cli, int argc, char **argv, enum kz_status to,
    const char *usage, const char *summary, const char *done)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "note", required_argument, NULL, OPT_NOTE },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--note TEXT", N_("why, for the timeline") }, { NULL, NULL }
	};
	const char *ticket, *note = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli, usage, summary, help);
		if (c == OPT_NOTE) {
			note = optarg;
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if ((r = need_ticket(cli, argc, argv, &ticket)) != -2)
		return r;
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_incident_set_status(cli->st, ticket, to, cli->actor, note))
		return cli_fail(cli);
	return print_result(cli, ticket, done);
}

static int
verb_close(struct cli *cli, int argc, char **argv)
{
	return status_verb(cli, argc, argv, KZ_ST_CLOSED,
	    N_("usage: kizuki incident close TICKET [--note TEXT]"),
	    N_("Closes the incident: the handling flow is over."),
	    N_("closed"));
}

static int
verb_reopen(struct cli *cli, int argc, char **argv)
{
	return status_verb(cli, argc, argv, KZ_ST_TRIAGED,
	    N_("usage: kizuki incident reopen TICKET [--note TEXT]"),
	    N_("Reopens a closed or rejected incident as triaged."),
	    N_("reopened"));
}

/* clang-format off */
static const struct cli_verb verbs[] = {
	{ "new",    verb_new,    N_("open an incident") },
	{ "list",   verb_list,   N_("list incidents with filters and search") },
	{ "show",   verb_show,   N_("show an incident and its timeline") },
	{ "update", verb_update, N_("change fields or move the status") },
	{ "assign", verb_assign, N_("set the handler in charge") },
	{ "note",   verb_note,   N_("add a note to the timeline") },
	{ "close",  verb_close,  N_("close an incident") },
	{ "reopen", verb_reopen, N_("reopen a closed or rejected incident") },
	{ "import", cmd_incident_import, N_("bulk-load incidents from JSON lines") },
	{ "route",  cmd_incident_route, N_("propose who to contact about each indicator") },
	{ "link-org", cmd_incident_link_org, N_("link an org to an incident: concerned, client or recipient") },
	{ NULL, NULL, NULL },
};
/* clang-format on */

int
cmd_incident(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "incident", verbs, argc, argv);
}
