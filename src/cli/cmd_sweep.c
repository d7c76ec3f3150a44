/* SPDX-License-Identifier: MIT */
/*
 * kizuki sweep: looks every field of log lines up exactly in indicator
 * lists and prints the hits (text, --json lines or --csv), with --summary
 * the per-indicator and per-client tables, and with --follow keeps
 * reading a growing log. Lines that cannot be read are counted by reason.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/alloc.h"
#include "model/indicator.h"
#include "model/intake.h"
#include "model/sighting.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/strutil.h"
#include "match/sweep.h"


enum {
	OPT_INDICATORS = OPT_FIRST_CMD,
	OPT_LIST_FORMAT,
	OPT_FORMAT,
	OPT_FIELD_MAP,
	OPT_THREADS,
	OPT_CSV,
	OPT_SUMMARY,
	OPT_FOLLOW,
	OPT_FROM_START,
	OPT_RECORD,
	OPT_OPEN,
	OPT_CATEGORY,
	OPT_MIN_CONF,
};

#define MAX_LISTS 64

static volatile int stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

#define MAX_CLIENTS  10000
#define EVIDENCE_MAX (1u << 20)

/* The hit lines of one client, for the incident opened for it. */
struct evidence {
	char *client;
	struct kz_buf lines;
};

struct out {
	const struct kz_ioc_table *t;
	enum kz_sweep_output o;
	struct kz_buf b;
	struct cli *cli;
	int record; /* store each hit as a sighting */
	int open;   /* keep evidence per client */
	int failed; /* a sighting could not be stored */
	struct evidence *ev;
	size_t nev;
};

static struct evidence *
evidence_for(struct out *o, const char *client)
{
	struct evidence *e;

	for (size_t i = 0; i < o->nev; i++)
		if (strcmp(o->ev[i].client, client) == 0)
			return &o->ev[i];
	if (o->nev == MAX_CLIENTS)
		return NULL;
	e = kz_realloc(o->ev, (o->nev + 1) * sizeof(*e));
	if (!e)
		return NULL;
	o->ev = e;
	e = &o->ev[o->nev];
	if (!(e->client = kz_strdup(client)))
		return NULL;
	kz_buf_init(&e->lines, EVIDENCE_MAX);
	o->nev++;
	return e;
}

static int
record_hit(struct out *o, const struct kz_sweep_hit *h)
{
	struct kz_sighting s = { 0 };
	struct kz_ioc ioc;
	char src[512];

	kz_ioc_table_get(o->t, h->ioc, &ioc);
	snprintf(src, sizeof(src), "sweep %s:%llu", h->file,
	    (unsigned long long)h->line);
	s.type = ioc.type;
	s.value = ioc.value;
	s.at = h->time;
	s.source = src;
	s.client = h->client;
	s.field = h->field;
	s.text = h->value;
	s.ioc_source = ioc.source;
	s.ioc_tags = ioc.tags;
	s.ioc_tlp = KZ_TLP_AMBER;
	if (ioc.tlp)
		kz_tlp_parse(&s.ioc_tlp, ioc.tlp);
	return kz_sighting_add(o->cli->st, &s);
}

static int
print_hit(void *ctx, const struct kz_sweep_hit *h)
{
	struct out *o = ctx;

	kz_buf_reset(&o->b);
	kz_sweep_format_hit(&o->b, o->t, h, o->o);
	fwrite(o->b.ptr, 1, o->b.len, stdout);
	if (o->record && !o->failed && record_hit(o, h)) {
		cli_fail(o->cli);
		o->failed = 1;
	}
	if (o->open && *h->client) {
		struct evidence *e = evidence_for(o, h->client);

		if (e) {
			kz_buf_reset(&o->b);
			kz_sweep_format_hit(&o->b, o->t, h, KZ_SWEEP_TEXT);
			kz_buf_add(&e->lines, o->b.ptr, o->b.len);
		}
	}
	return 0;
}

/*
 * Opens or joins one incident per client that contacted an indicator:
 * the infection check hands over to the handling flow. The client's hit
 * lines are the report; its open incident from earlier sweeps is joined.
 */
static int
open_incidents(struct out *o, enum kz_category cat)
{
	int rc = 0;

	for (size_t i = 0; i < o->nev; i++) {
		struct evidence *e = &o->ev[i];
		struct kz_intake_opts io = { 0 };
		struct kz_intake_result r;
		struct kz_buf text = KZ_BUF_INIT(EVIDENCE_MAX + 4096);
		struct kz_buf title = KZ_BUF_INIT(1024),
			      key = KZ_BUF_INIT(1024);

		kz_buf_addf(&title, "Sweep: %s contacted known-bad indicators",
		    e->client);
		kz_buf_addf(&key, "sweep client %s", e->client);
		kz_buf_addf(&text, "%s\n\n", title.ptr);
		kz_buf_add(&text, e->lines.ptr, e->lines.len);
		io.format = KZ_INTAKE_TEXT;
		io.source = "sweep";
		io.actor = o->cli->actor;
		io.reporter = "sweep";
		io.category = kz_category_name(cat);
		io.tlp = KZ_TLP_AMBER;
		io.title = title.ptr;
		io.group_key = key.ptr;
		io.repeat_window = -1;
		if (kz_intake(&r, o->cli->st, text.ptr, text.len, &io)) {
			rc = cli_fail(o->cli);
		} else {
			fprintf(stderr, "%s: %s %s\n", r.ticket,
			    r.action == KZ_INTAKE_GROUP ? _("joined by") :
							  _("opened for"),
			    e->client);
			kz_intake_result_release(&r);
		}
		kz_buf_release(&text);
		kz_buf_release(&title);
		kz_buf_release(&key);
	}
	return rc;
}

static void
out_release(struct out *o)
{
	for (size_t i = 0; i < o->nev; i++) {
		kz_free(o->ev[i].client);
		kz_buf_release(&o->ev[i].lines);
	}
	kz_free(o->ev);
	kz_buf_release(&o->b);
}

int
cmd_sweep(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTS,
		{ "indicators", required_argument, NULL, OPT_INDICATORS },
		{ "indicator-format", required_argument, NULL,
		    OPT_LIST_FORMAT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "field-map", required_argument, NULL, OPT_FIELD_MAP },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "follow", required_argument, NULL, OPT_FOLLOW },
		{ "from-start", no_argument, NULL, OPT_FROM_START },
		{ "record", no_argument, NULL, OPT_RECORD },
		{ "open-incidents", no_argument, NULL, OPT_OPEN },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "min-confidence", required_argument, NULL, OPT_MIN_CONF },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_help_opt help[] = {
		{ "--indicators FILE",
		    N_("an indicator list: one value a line, CSV with a "
		       "type,value,source,tags,tlp header, or a Zeek intel "
		       "file (repeatable; default: the valid indicators of "
		       "the database)") },
		{ "--record", N_("store each hit as a sighting") },
		{ "--open-incidents",
		    N_("open (or join) one incident per client that made a "
		       "hit, with the hit lines as its report") },
		{ "--min-confidence N",
		    N_("from the database, only indicators of at least this "
		       "confidence (default 50; observables taken from "
		       "reports have 30)") },
		{ "--category C",
		    N_("category of those incidents (default: other)") },
		{ "--indicator-format F",
		    N_("auto, plain, csv or zeek (default: auto)") },
		{ "--format F",
		    N_("auto, combined, squid, zeek, bind, postfix, jsonl, "
		       "syslog or generic (default: auto)") },
		{ "--field-map SPEC",
		    N_("for jsonl: role=path pairs, e.g. "
		       "client=src_ip,host=query,time=@timestamp") },
		{ "--threads N", N_("worker threads (default: all cores)") },
		{ "--json", N_("print hits and summaries as JSON lines") },
		{ "--csv", N_("print hits and summaries as CSV") },
		{ "--summary",
		    N_("print per-indicator and per-client summaries at the "
		       "end") },
		{ "--follow FILE",
		    N_("follow a growing log (rotation included) until "
		       "interrupted") },
		{ "--from-start",
		    N_("with --follow, read what the file already holds "
		       "first") },
		{ NULL, NULL },
	};
	const char *lists[MAX_LISTS], *follow = NULL;
	enum kz_ioc_list_format lfmt = KZ_IOC_LIST_AUTO;
	struct kz_ioc_table *t = NULL;
	struct kz_log_fieldmap *map = NULL;
	struct kz_sweep *sw = NULL;
	struct kz_sweep_opts o;
	struct out out;
	enum kz_category cat = KZ_CAT_OTHER;
	int nlists = 0, c, r, rc = CLI_ERR, i, summary = 0, warned = 0;
	int tx = 0;
	long threads = 0, min_conf = KZ_CONFIDENCE_SWEEP;

	kz_sweep_opts_init(&o);
	memset(&out, 0, sizeof(out));
	kz_buf_init(&out.b, 4u << 20);
	out.cli = cli;
	out.o = KZ_SWEEP_TEXT;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(cli,
			    N_("usage: kizuki sweep [--indicators FILE...] "
			       "[--format F] [--threads N] [--json|--csv] "
			       "[--summary] [--record] [--open-incidents] "
			       "[FILE...|-] | --follow FILE"),
			    N_("Reads the fields of each log line (plain, gzip "
			       "or zstd) and looks them up exactly in the "
			       "indicators: an address in a listed address or "
			       "block, a host name at or below a listed domain, "
			       "a URL after normalization, an e-mail address."),
			    help);
		case OPT_INDICATORS:
			if (nlists == MAX_LISTS)
				return cli_usage(
				    cli, "%s", _("too many indicator lists"));
			lists[nlists++] = optarg;
			break;
		case OPT_LIST_FORMAT:
			if (kz_ioc_list_format_parse(&lfmt, optarg))
				return cli_fail(cli);
			break;
		case OPT_FORMAT:
			if (kz_log_format_parse(&o.format, optarg))
				return cli_fail(cli);
			break;
		case OPT_FIELD_MAP:
			kz_log_fieldmap_free(map);
			if (kz_log_fieldmap_parse(&map, optarg))
				return cli_fail(cli);
			break;
		case OPT_THREADS:
			if (kz_parse_long(&threads, optarg, 1, 256))
				return cli_fail(cli);
			break;
		case OPT_CSV:
			out.o = KZ_SWEEP_CSV;
			break;
		case OPT_SUMMARY:
			summary = 1;
			break;
		case OPT_FOLLOW:
			follow = optarg;
			break;
		case OPT_FROM_START:
			o.follow_from_start = 1;
			break;
		case OPT_RECORD:
			out.record = 1;
			break;
		case OPT_OPEN:
			out.open = 1;
			break;
		case OPT_MIN_CONF:
			if (kz_parse_long(&min_conf, optarg, 0, 100))
				return cli_fail(cli);
			break;
		case OPT_CATEGORY:
			if (kz_category_parse(&cat, optarg))
				return cli_fail(cli);
			break;
		default:
			if ((r = cli_common_opt(cli, c, optarg)) <= 0)
				return r < 0 ? CLI_USAGE :
					       cli_usage(cli, "%s",
						   _("unexpected option"));
		}
	}
	if (cli->json)
		out.o = KZ_SWEEP_JSON;
	if (follow && optind < argc)
		return cli_usage(cli, "%s",
		    _("--follow reads one file: give no other files"));
	if (kz_ioc_table_new(&t))
		goto fail;
	/* Without lists, the database's valid indicators; the database is
	 * also where sightings and incidents go. */
	if ((!nlists || out.record || out.open) && !cli_store_existing(cli)) {
		rc = CLI_ERR;
		goto done;
	}
	if (!nlists) {
		size_t n = 0;

		if (kz_indicator_load_table(t, &n, cli->st, (int)min_conf))
			goto fail;
		if (n == 0) {
			rc = cli_usage(cli, "%s",
			    _("no indicators: give "
			      "--indicators FILE or add some with 'kizuki "
			      "indicator import'"));
			goto done;
		}
	}
	for (i = 0; i < nlists; i++) {
		struct kz_ioc_load_stats st;

		kz_ioc_load_stats_init(&st);
		r = kz_ioc_table_load_file(t, lists[i], lfmt, NULL, 0, &st);
		if (st.rejected) {
			fprintf(stderr, "%s", st.errors.ptr);
			fprintf(stderr, _("kizuki: %s: %zu lines skipped\n"),
			    lists[i], st.rejected);
		}
		kz_ioc_load_stats_release(&st);
		if (r)
			goto fail;
	}
	if (kz_ioc_table_build(t))
		goto fail;
	out.t = t;
	o.threads = (unsigned)threads;
	o.map = map;
	o.summary = summary;
	o.on_hit = print_hit;
	o.ctx = &out;
	o.stop = &stop_flag;
	if (kz_sweep_new(&sw, t, &o))
		goto fail;
	kz_sweep_format_hit_header(&out.b, out.o);
	fwrite(out.b.ptr, 1, out.b.len, stdout);
	/* A whole sweep records in one transaction; following, each hit
	 * stands alone. */
	if (out.record && !follow) {
		if (kz_store_begin(cli->st))
			goto fail;
		tx = 1;
	}
	if (follow) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		setvbuf(stdout, NULL, _IOLBF, 0);
		if (kz_sweep_follow(sw, follow))
			goto fail;
	} else if (optind == argc) {
		if (kz_sweep_file(sw, "-")) {
			cli_fail(cli);
			warned = 1;
		}
	} else {
		for (; optind < argc; optind++) {
			/* a bad file is reported; the others are still swept */
			if (kz_sweep_file(sw, argv[optind])) {
				cli_fail(cli);
				warned = 1;
			}
		}
	}
	if (tx) {
		tx = 0;
		if (out.failed) {
			kz_store_rollback(cli->st);
			warned = 1;
		} else if (kz_store_commit(cli->st)) {
			cli_fail(cli);
			warned = 1;
		}
	}
	if (out.open && open_incidents(&out, cat))
		warned = 1;
	kz_buf_reset(&out.b);
	if (summary) {
		if (out.o == KZ_SWEEP_CSV)
			kz_buf_addc(&out.b, '\n');
		if (kz_sweep_format_summary(&out.b, sw, out.o))
			goto fail;
		fwrite(out.b.ptr, 1, out.b.len, stdout);
	} else {
		kz_sweep_format_stats(&out.b, sw, KZ_SWEEP_TEXT);
		fwrite(out.b.ptr, 1, out.b.len, stderr);
	}
	rc = warned ? CLI_ERR : CLI_OK;
	goto done;
fail:
	rc = cli_fail(cli);
done:
	if (tx)
		kz_store_rollback(cli->st);
	kz_sweep_free(sw);
	kz_ioc_table_free(t);
	kz_log_fieldmap_free(map);
	out_release(&out);
	return rc;
}
