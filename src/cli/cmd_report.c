/* SPDX-License-Identifier: MIT */
/*
 * kizuki report: take in reports (steps ② and ③ of the handling flow),
 * one from a file or standard input, or many from a Maildir or an mbox,
 * and look at a stored report's raw bytes.
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
#include "extract/classify.h"
#include "format/mailbox.h"
#include "model/intake.h"
#include "model/report.h"

enum {
	OPT_FORMAT = OPT_FIRST_CMD,
	OPT_MAILDIR,
	OPT_MBOX,
	OPT_SOURCE,
	OPT_REPORTER,
	OPT_CATEGORY,
	OPT_TLP,
	OPT_RULES,
	OPT_WINDOW,
	OPT_RAW,
};

static const char *const actions[] = { N_("opened"), N_("joined by ticket"),
	N_("joined as a repeat"), N_("joined its group") };

static void
print_one(const struct kz_intake_result *r)
{
	printf("%s\n", r->ticket);
	fprintf(stderr, "%s: %s, %s %s (%.0f%%, %s), ", r->ticket,
	    _(actions[r->action]), _("category"),
	    kz_category_name(r->cls.category), r->cls.confidence * 100,
	    r->cls.rule);
	fprintf(stderr, _("%zu indicators"), r->n_indicators);
	for (size_t i = 0; i < r->n_related; i++)
		fprintf(
		    stderr, "%s%s", i ? ", " : _(", related: "), r->related[i]);
	fputc('\n', stderr);
	for (size_t i = 0; i < json_array_size(r->warnings); i++)
		fprintf(stderr, "  %s: %s\n", _("warning"),
		    json_string_value(json_array_get(r->warnings, i)));
}

static const char *
message(void)
{
	const char *fmt = kz_error_format();

	return kz_error_render(fmt ? kz_tr(cli_lang, fmt) : NULL);
}

#define BATCH 500 /* mails a transaction in bulk intake */

/* Takes in every message of a mailbox. */
static int
bulk(struct cli *cli, struct kz_mailbox *mb, const struct kz_intake_opts *o)
{
	size_t counts[4] = { 0 }, failed = 0, n = 0;
	json_t *fails = json_array();
	int progress = isatty(STDERR_FILENO) && !cli->json;
	const char *raw;
	size_t len;
	int rc, in_tx = 0;

	/*
	 * Mails go in batches, one transaction each, every mail in its own
	 * savepoint: a bad mail is undone alone, and the batch is written
	 * once instead of once per mail.
	 */
	for (;;) {
		struct kz_intake_result r;

		if (!in_tx) {
			if (kz_store_begin(cli->st))
				goto fail;
			in_tx = 1;
		}
		rc = kz_mailbox_next(mb, &raw, &len);
		if (rc == 0)
			break;
		n++;
		if (rc > 0 && kz_intake(&r, cli->st, raw, len, o) == 0) {
			counts[r.action]++;
			kz_intake_result_release(&r);
		} else {
			failed++;
			json_array_append_new(fails,
			    json_pack("{s:s, s:s}", "where",
				kz_mailbox_where(mb), "error", message()));
			if (!cli->json)
				fprintf(stderr, "%skizuki: %s: %s\n",
				    progress ? "\r" : "", kz_mailbox_where(mb),
				    message());
		}
		if (n % BATCH == 0) {
			in_tx = 0;
			if (kz_store_commit(cli->st))
				goto fail;
		}
		if (progress && n % 100 == 0)
			fprintf(stderr, "\r%zu", n);
	}
	if (in_tx && kz_store_commit(cli->st))
		goto fail;
	if (progress && n >= 100)
		fprintf(stderr, "\r");
	if (cli->json)
		return cli_print_json(cli,
			   json_pack("{s:I, s:I, s:I, s:I, "
				     "s:o}",
			       "opened", (json_int_t)counts[KZ_INTAKE_OPENED],
			       "by_ticket",
			       (json_int_t)counts[KZ_INTAKE_BY_TICKET],
			       "repeat", (json_int_t)counts[KZ_INTAKE_REPEAT],
			       "failed", (json_int_t)failed, "failures",
			       fails)) ||
			failed ?
		    CLI_ERR :
		    CLI_OK;
	json_decref(fails);
	printf(_("%zu messages: %zu opened an incident, %zu joined one by "
		 "ticket, %zu joined as repeats, %zu failed"),
	    n, counts[KZ_INTAKE_OPENED], counts[KZ_INTAKE_BY_TICKET],
	    counts[KZ_INTAKE_REPEAT], failed);
	printf("\n");
	return failed ? CLI_ERR : CLI_OK;
fail:
	/* The batch open now is lost with the store's rollback on close. */
	json_decref(fails);
	return cli_fail(cli);
}

static int
verb_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "maildir", required_argument, NULL, OPT_MAILDIR },
		{ "mbox", required_argument, NULL, OPT_MBOX },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "reporter", required_argument, NULL, OPT_REPORTER },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "tlp", required_argument, NULL, OPT_TLP },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "repeat-window", required_argument, NULL, OPT_WINDOW },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--format F", N_("auto (default), eml, text or json") },
		{ "--maildir DIR", N_("take in every mail of a Maildir") },
		{ "--mbox FILE", N_("take in every mail of an mbox file") },
		{ "--source S",
		    N_("where it came from: email, web, api, cli, "
		       "feed (default: cli, or email for mail)") },
		{ "--reporter WHO",
		    N_("who reported it, when the report does "
		       "not say") },
		{ "--category C",
		    N_("the category, over the rules' "
		       "suggestion") },
		{ "--tlp T", N_("TLP of a new incident (default amber)") },
		{ "--rules FILE",
		    N_("classification rules (default: the "
		       "built-in ones)") },
		{ "--repeat-window DAYS",
		    N_("attach exact repeats within this "
		       "many days (default 7; 0 never)") },
		{ NULL, NULL }
	};
	struct kz_intake_opts o = { 0 };
	struct kz_classify_rules *rules = NULL;
	struct kz_mailbox *mb = NULL;
	struct kz_intake_result r;
	const char *maildir = NULL, *mbox = NULL, *rules_path = NULL;
	char *raw = NULL;
	size_t len;
	long v;
	int c, k, rc;

	o.actor = cli->actor;
	o.tlp = KZ_TLP_AMBER;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(cli,
			    N_("usage: kizuki report add "
			       "[FILE|-] [--format F] | --maildir DIR | --mbox "
			       "FILE"),
			    N_("Keeps the report verbatim, extracts its "
			       "indicators, suggests a category, and opens an "
			       "incident or joins the one its subject names "
			       "([KZ-2026-000042]) or an exact repeat came in "
			       "for. Prints the ticket id."),
			    help);
		case OPT_FORMAT:
			if ((k = kz_name_index(
				 kz_intake_format_names, optarg)) < 0)
				return cli_usage(cli,
				    _("unknown format '%s' "
				      "(one of: auto, eml, text, json)"),
				    optarg);
			o.format = (enum kz_intake_format)k;
			break;
		case OPT_MAILDIR:
			maildir = optarg;
			break;
		case OPT_MBOX:
			mbox = optarg;
			break;
		case OPT_SOURCE:
			o.source = optarg;
			break;
		case OPT_REPORTER:
			o.reporter = optarg;
			break;
		case OPT_CATEGORY: {
			enum kz_category cat;

			if (kz_category_parse(&cat, optarg))
				return cli_fail(cli);
			o.category = optarg;
			break;
		}
		case OPT_TLP:
			if (kz_tlp_parse(&o.tlp, optarg))
				return cli_fail(cli);
			break;
		case OPT_RULES:
			rules_path = optarg;
			break;
		case OPT_WINDOW:
			if (kz_parse_long(&v, optarg, 0, 3650))
				return cli_fail(cli);
			o.repeat_window = v ? v * 86400 : -1;
			break;
		default:
			if ((rc = cli_common_opt(cli, c, optarg)) <= 0)
				return rc < 0 ? CLI_USAGE :
						cli_usage(cli, "%s",
						    _("unexpected option"));
		}
	}
	if ((maildir || mbox) && optind < argc)
		return cli_usage(cli, "%s",
		    _("give a file, --maildir or "
		      "--mbox, not several"));
	if (maildir && mbox)
		return cli_usage(cli, "%s",
		    _("give a file, --maildir or "
		      "--mbox, not several"));
	if (optind + 1 < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind + 1]);
	if (rules_path && kz_classify_rules_load(&rules, rules_path))
		return cli_fail(cli);
	o.rules = rules;
	if (!cli_store(cli)) {
		rc = CLI_ERR;
		goto done;
	}
	if (maildir || mbox) {
		if (!o.source)
			o.source = "email";
		if (o.format == KZ_INTAKE_AUTO)
			o.format = KZ_INTAKE_EML;
		if ((maildir ? kz_mailbox_open_maildir(&mb, maildir, 0) :
			       kz_mailbox_open_mbox(&mb, mbox, 0))) {
			rc = cli_fail(cli);
			goto done;
		}
		rc = bulk(cli, mb, &o);
		goto done;
	}
	if (cli_read_input(cli, optind < argc ? argv[optind] : "-",
		KZ_REPORT_MAX, &raw, &len)) {
		rc = cli_fail(cli);
		goto done;
	}
	if (kz_intake(&r, cli->st, raw, len, &o)) {
		rc = cli_fail(cli);
		goto done;
	}
	if (cli->json)
		rc = cli_print_json(cli, kz_intake_result_to_json(&r));
	else {
		print_one(&r);
		rc = CLI_OK;
	}
	kz_intake_result_release(&r);
done:
	kz_free(raw);
	kz_mailbox_free(mb);
	kz_classify_rules_free(rules);
	return rc;
}

static int
verb_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "raw", no_argument, NULL, OPT_RAW }, { NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--raw", N_("write the report's bytes exactly as received") },
		{ NULL, NULL }
	};
	struct kz_report *rep;
	long id;
	int c, r, raw = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki report show ID "
			       "[--raw]"),
			    N_("Shows a stored report; --raw writes the "
			       "evidence as received."),
			    help);
		if (c == OPT_RAW) {
			raw = 1;
			continue;
		}
		if ((r = cli_common_opt(cli, c, optarg)) <= 0)
			return r < 0 ?
			    CLI_USAGE :
			    cli_usage(cli, "%s", _("unexpected option"));
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "%s", _("which report? give its number"));
	if (kz_parse_long(&id, argv[optind], 1, 1L << 62))
		return cli_fail(cli);
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_report_get(&rep, cli->st, id))
		return cli_fail(cli);
	if (raw) {
		fwrite(rep->raw, 1, rep->size, stdout);
		r = CLI_OK;
	} else if (cli->json) {
		r = cli_print_json(cli, kz_report_to_json(rep));
	} else {
		json_t *j = kz_report_to_json(rep);
		const char *k;
		json_t *v;

		json_object_foreach(j, k, v)
		{
			char *s = json_is_string(v) ?
			    NULL :
			    json_dumps(v, JSON_ENCODE_ANY);

			cli_pad(stdout, k, 13);
			printf("%s\n", s ? s : json_string_value(v));
			free(s);
		}
		json_decref(j);
		r = CLI_OK;
	}
	kz_report_free(rep);
	return r;
}

/* clang-format off */
static const struct cli_verb verbs[] = {
	{ "add",  verb_add,  N_("take in a report, a Maildir or an mbox") },
	{ "show", verb_show, N_("show a stored report") },
	{ NULL, NULL, NULL },
};
/* clang-format on */

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "report", verbs, argc, argv);
}
