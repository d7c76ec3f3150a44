/* SPDX-License-Identifier: MIT */
/*
 * kizuki contact and kizuki outbox: steps ④ to ⑦ of the handling flow.
 * Compose a notice to a party (shown, or queued and sent with --send),
 * list contacts and their delivery state, remind parties that did not
 * answer, notify the owners of many indicators at once, report the result
 * to the reporter, and deliver what the outbox holds. The team and SMTP
 * settings come from flags, then the environment, then an INI file.
 */
#include <ini.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "cli_enrich.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/incident.h"
#include "model/indicator.h"
#include "model/org.h"
#include "notify/bulk.h"
#include "notify/compose.h"
#include "notify/contact.h"
#include "notify/outbox.h"
#include "notify/smtp.h"
#include "notify/template.h"

enum {
	OPT_TO = OPT_FIRST_CMD,
	OPT_TEMPLATE,
	OPT_SEND,
	OPT_FORMAT,
	OPT_STATE,
	OPT_DAYS,
	OPT_REMIND,
	OPT_INDICATORS,
	OPT_TICKETS,
	OPT_RESULT,
	OPT_ONCE,
	OPT_AGGREGATE,
	OPT_NOTIFY_LANG,
	/* settings */
	OPT_CONFIG,
	OPT_SMTP,
	OPT_SMTP_USER,
	OPT_STARTTLS,
	OPT_FROM,
	OPT_TEAM,
	OPT_TEMPLATES,
};

/* Settings: flags over the environment over the INI file. */
struct settings {
	char *team, *email, *domain, *templates;
	char *smtp_url, *smtp_user, *smtp_password, *starttls;
	int remind_days;
	const char *config;
	struct kz_templates *set;
	struct kz_notify_config cfg;
	struct kz_smtp_config smtp;
};

#define SETTINGS_OPTS                                                          \
	{ "config", required_argument, NULL, OPT_CONFIG },                     \
	    { "smtp", required_argument, NULL, OPT_SMTP },                     \
	    { "smtp-user", required_argument, NULL, OPT_SMTP_USER },           \
	    { "starttls", required_argument, NULL, OPT_STARTTLS },             \
	    { "from", required_argument, NULL, OPT_FROM },                     \
	    { "team", required_argument, NULL, OPT_TEAM },                     \
	{                                                                      \
		"templates", required_argument, NULL, OPT_TEMPLATES            \
	}

#define SETTINGS_HELP                                                          \
	{ "--config FILE",                                                     \
		N_("settings file (INI: [team] name, email, domain; [smtp] "   \
		   "url, user, password, starttls; [templates] dir); default " \
		   "$KIZUKI_CONFIG") },                                        \
	    { "--smtp URL",                                                    \
		    N_("SMTP server, smtp://HOST:PORT or smtps://HOST:PORT "   \
		       "($KIZUKI_SMTP_URL)") },                                \
	    { "--smtp-user USER",                                              \
		    N_("SMTP login ($KIZUKI_SMTP_USER; the password from "     \
		       "$KIZUKI_SMTP_PASSWORD)") },                            \
	    { "--starttls MODE", N_("none, try (default) or required") },      \
	    { "--from ADDRESS",                                                \
		    N_("the team's address ($KIZUKI_TEAM_EMAIL)") },           \
	    { "--team NAME", N_("the team's name ($KIZUKI_TEAM)") },           \
	{                                                                      \
		"--templates DIR",                                             \
		    N_("templates over the built-in ones "                     \
		       "($KIZUKI_TEMPLATES)")                                  \
	}

static void
set_str(char **slot, const char *v)
{
	char *c = strdup(v ? v : "");

	if (c) {
		free(*slot);
		*slot = c;
	}
}

static int
settings_opt(struct settings *s, int c, const char *arg)
{
	switch (c) {
	case OPT_CONFIG:
		s->config = arg;
		return 1;
	case OPT_SMTP:
		set_str(&s->smtp_url, arg);
		return 1;
	case OPT_SMTP_USER:
		set_str(&s->smtp_user, arg);
		return 1;
	case OPT_STARTTLS:
		set_str(&s->starttls, arg);
		return 1;
	case OPT_FROM:
		set_str(&s->email, arg);
		return 1;
	case OPT_TEAM:
		set_str(&s->team, arg);
		return 1;
	case OPT_TEMPLATES:
		set_str(&s->templates, arg);
		return 1;
	}
	return 0;
}

static int
ini_cb(void *user, const char *section, const char *name, const char *value)
{
	struct settings *s = user;
	/* values already set by a flag win: the file only fills gaps */
	struct {
		const char *sec, *key;
		char **slot;
	} map[] = {
		{ "team", "name", &s->team },
		{ "team", "email", &s->email },
		{ "team", "domain", &s->domain },
		{ "smtp", "url", &s->smtp_url },
		{ "smtp", "user", &s->smtp_user },
		{ "smtp", "password", &s->smtp_password },
		{ "smtp", "starttls", &s->starttls },
		{ "templates", "dir", &s->templates },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(section, map[i].sec) &&
		    !strcasecmp(name, map[i].key)) {
			if (!*map[i].slot)
				set_str(map[i].slot, value);
			return 1;
		}
	if (!strcasecmp(section, "contact") && !strcasecmp(name, "remind_days"))
		s->remind_days = atoi(value);
	return 1;
}

static void
env_fill(char **slot, const char *var)
{
	const char *v = getenv(var);

	if (!*slot && v && *v)
		set_str(slot, v);
}

static void
settings_free(struct settings *s)
{
	free(s->team);
	free(s->email);
	free(s->domain);
	free(s->templates);
	free(s->smtp_url);
	free(s->smtp_user);
	free(s->smtp_password);
	free(s->starttls);
	kz_templates_free(s->set);
}

/* Completes the settings; prints and returns CLI_ERR on failure. */
static int
settings_load(struct cli *cli, struct settings *s)
{
	const char *cfg = s->config ? s->config : getenv("KIZUKI_CONFIG");

	env_fill(&s->smtp_url, "KIZUKI_SMTP_URL");
	env_fill(&s->smtp_user, "KIZUKI_SMTP_USER");
	env_fill(&s->smtp_password, "KIZUKI_SMTP_PASSWORD");
	env_fill(&s->team, "KIZUKI_TEAM");
	env_fill(&s->email, "KIZUKI_TEAM_EMAIL");
	env_fill(&s->templates, "KIZUKI_TEMPLATES");
	if (cfg && *cfg) {
		int r = ini_parse(cfg, ini_cb, s);

		if (r < 0) {
			fprintf(stderr, "kizuki: ");
			fprintf(stderr, _("cannot read the settings file '%s'"),
			    cfg);
			fputc('\n', stderr);
			return CLI_ERR;
		}
		if (r > 0) {
			fprintf(stderr, "kizuki: ");
			fprintf(
			    stderr, _("%s line %d: not an INI line"), cfg, r);
			fputc('\n', stderr);
			return CLI_ERR;
		}
	}
	if (kz_templates_load(&s->set, s->templates))
		return cli_fail(cli);
	s->cfg.team = s->team ? s->team : "CSIRT";
	s->cfg.team_email = s->email;
	s->cfg.team_domain = s->domain;
	s->cfg.templates = s->set;
	s->cfg.remind_days = s->remind_days;
	s->smtp.url = s->smtp_url;
	s->smtp.user = s->smtp_user;
	s->smtp.password = s->smtp_password;
	if (kz_smtp_tls_parse(&s->smtp.tls, s->starttls)) {
		const char *fmt = kz_error_format();

		return cli_usage(
		    cli, "%s", kz_error_render(fmt ? _(fmt) : NULL));
	}
	return CLI_OK;
}

static void
print_outbox(struct cli *cli, const struct kz_outbox_stats *os)
{
	if (cli->json)
		return;
	fprintf(stderr,
	    _("outbox: %zu sent, %zu to retry, %zu failed, %zu taken back"),
	    os->sent, os->retry, os->failed, os->reclaimed);
	fputc('\n', stderr);
}

/* Delivers contact id (0: every due one) when an SMTP server is set. */
static int
deliver(
    struct cli *cli, struct settings *s, int64_t id, struct kz_outbox_stats *os)
{
	struct kz_outbox_opts o = { 0 };

	memset(os, 0, sizeof(*os));
	if (!s->smtp.url) {
		fprintf(stderr, "kizuki: %s\n",
		    _("no SMTP server set (--smtp URL, $KIZUKI_SMTP_URL or "
		      "[smtp] url): the mail stays queued"));
		return CLI_OK;
	}
	o.smtp = &s->smtp;
	o.from = s->cfg.team_email;
	o.only_id = id;
	o.remind_days = s->remind_days;
	if (kz_outbox_run(os, cli->st, &o))
		return cli_fail(cli);
	print_outbox(cli, os);
	return CLI_OK;
}

static void
print_contact_line(const struct kz_contact *c)
{
	char t[KZ_TIME_STRLEN];

	printf("%-5lld %-16s %-8s %-8s %-32s %s", (long long)c->id, c->ticket,
	    kz_contact_kind_names[c->kind], kz_contact_state_names[c->state],
	    c->recipient, c->sent_at ? kz_time_format(t, c->sent_at) : "-");
	if (c->state == KZ_CS_QUEUED && c->attempts)
		printf("  %s %d, %s %s", _("attempts"), c->attempts, _("next"),
		    kz_time_format(t, c->next_attempt_at));
	if (c->last_error &&
	    (c->state == KZ_CS_QUEUED || c->state == KZ_CS_FAILED))
		printf("  [%s]", c->last_error);
	putchar('\n');
}

/* Finishes one composed contact: prints it, or queues and delivers it. */
static int
finish(struct cli *cli, struct settings *s, struct kz_compose_opts *o, int send,
    json_t *acc)
{
	struct kz_composed c;
	struct kz_outbox_stats os = { 0 };
	int64_t id = 0;
	int rc;

	if (kz_compose(&c, cli->st, &s->cfg, o)) {
		kz_composed_release(&c);
		return cli_fail(cli);
	}
	if (!send) {
		if (acc)
			json_array_append_new(acc,
			    json_pack("{s:s, s:s, s:s, s:s}", "ticket",
				c.ticket, "recipient", o->recipient, "subject",
				c.subject, "message_id", c.message_id));
		else
			fwrite(c.raw, 1, c.raw_len, stdout);
		kz_composed_release(&c);
		return CLI_OK;
	}
	if (kz_outbox_enqueue(&id, cli->st, &c, o, cli->actor)) {
		kz_composed_release(&c);
		return cli_fail(cli);
	}
	rc = deliver(cli, s, id, &os);
	if (rc == CLI_OK) {
		struct kz_contact k;

		if (kz_contact_get(&k, cli->st, id))
			rc = cli_fail(cli);
		else {
			if (acc)
				json_array_append_new(
				    acc, kz_contact_to_json(&k));
			else if (!cli->json)
				print_contact_line(&k);
			kz_contact_release(&k);
		}
	}
	kz_composed_release(&c);
	return rc;
}

static int
verb_send(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, SETTINGS_OPTS,
		{ "to", required_argument, NULL, OPT_TO },
		{ "notify-lang", required_argument, NULL, OPT_NOTIFY_LANG },
		{ "template", required_argument, NULL, OPT_TEMPLATE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "send", no_argument, NULL, OPT_SEND }, { NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--to ORG|ADDRESS",
		    N_("the org (its first contact) or an "
		       "address") },
		{ "--notify-lang L",
		    N_("ja, en or ja+en (default: the org's, else en)") },
		{ "--template NAME",
		    N_("a template by name (default: by category)") },
		{ "--format F",
		    N_("machine-readable part: xarf, iodef, both, none "
		       "(default: the org's, else both)") },
		{ "--send",
		    N_("queue the mail and deliver it now (without: "
		       "print it)") },
		SETTINGS_HELP, { NULL, NULL }
	};
	struct settings s = { 0 };
	struct kz_compose_opts o = { 0 };
	struct kz_incident *inc = NULL;
	struct kz_org *org = NULL;
	const char *to = NULL, *lang = NULL, *fmt = NULL;
	int c, send = 0, rc = CLI_ERR;
	int64_t iid;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki contact send TICKET --to "
			       "ORG|ADDRESS [--notify-lang L] [--template NAME] "
			       "[--send]"),
			    N_("Composes the notice about an incident for a "
			       "party (step 4) and prints the whole mail; with "
			       "--send, queues it and delivers it."),
			    help);
		if (settings_opt(&s, c, optarg))
			continue;
		switch (c) {
		case OPT_TO:
			to = optarg;
			break;
		case OPT_NOTIFY_LANG:
			lang = optarg;
			break;
		case OPT_TEMPLATE:
			o.template = optarg;
			break;
		case OPT_FORMAT:
			fmt = optarg;
			break;
		case OPT_SEND:
			send = 1;
			break;
		default:
			if ((rc = cli_other_opt(cli, c, optarg)) != -2)
				goto out;
		}
	}
	rc = CLI_ERR;
	if (optind + 1 != argc || !to) {
		rc = cli_usage(cli, "%s", _("give one TICKET and --to"));
		goto out;
	}
	if ((rc = settings_load(cli, &s)) != CLI_OK || !cli_store_existing(cli))
		goto out;
	rc = CLI_ERR;
	if (kz_incident_get(&inc, cli->st, argv[optind]) ||
	    kz_notify_target(&o, &org, cli->st, to, lang, fmt)) {
		rc = cli_fail(cli);
		goto out;
	}
	iid = inc->id;
	o.kind = KZ_CONTACT_NOTIFY;
	o.incident_ids = &iid;
	o.n_incidents = 1;
	rc = finish(cli, &s, &o, send, NULL);
out:
	kz_incident_free(inc);
	kz_org_free(org);
	settings_free(&s);
	return rc;
}

static int
verb_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "state", required_argument, NULL, OPT_STATE },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--state S",
		    N_("queued, sending, sent, failed, replied or done") },
		{ NULL, NULL }
	};
	struct kz_contact_filter f = { 0, -1, 0 };
	struct kz_incident *inc = NULL;
	struct kz_contact *v = NULL;
	size_t n = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki contact list [TICKET] [--state "
			       "S]"),
			    N_("Lists contacts with their delivery state, "
			       "attempts and the last error."),
			    help);
		if (c == OPT_STATE) {
			if ((f.state = kz_name_index(
				 kz_contact_state_names, optarg)) < 0)
				return cli_usage(cli,
				    _("unknown contact state '%s'"), optarg);
			continue;
		}
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (optind < argc) {
		if (kz_incident_get(&inc, cli->st, argv[optind]))
			return cli_fail(cli);
		f.incident_id = inc->id;
		kz_incident_free(inc);
	}
	if (kz_contact_list(&v, &n, cli->st, &f))
		return cli_fail(cli);
	if (cli->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, kz_contact_to_json(&v[i]));
		kz_contact_list_free(v, n);
		return cli_print_json(cli, a) ? CLI_ERR : CLI_OK;
	}
	for (size_t i = 0; i < n; i++)
		print_contact_line(&v[i]);
	kz_contact_list_free(v, n);
	return CLI_OK;
}

static int
verb_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { { NULL, NULL } };
	char *raw = NULL;
	size_t len = 0;
	long id;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki contact show ID"),
			    N_("Prints the mail of a contact as it was (or "
			       "will be) sent."),
			    help);
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 1 != argc ||
	    kz_parse_long(&id, argv[optind], 1, 0x7fffffffL))
		return cli_usage(cli, "%s", _("give one contact ID"));
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_contact_raw(&raw, &len, cli->st, id))
		return cli_fail(cli);
	fwrite(raw, 1, len, stdout);
	kz_free(raw);
	return CLI_OK;
}

static int
verb_due(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, SETTINGS_OPTS,
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "remind", no_argument, NULL, OPT_REMIND },
		{ "send", no_argument, NULL, OPT_SEND }, { NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--days N", N_("without a reply for N days (default 7)") },
		{ "--remind", N_("compose a reminder for each (printed)") },
		{ "--send", N_("with --remind: queue and deliver them") },
		SETTINGS_HELP, { NULL, NULL }
	};
	struct settings s = { 0 };
	struct kz_contact *v = NULL;
	json_t *acc = NULL;
	size_t n = 0;
	long days = 7;
	int c, remind = 0, send = 0, rc = CLI_ERR;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki contact due [--days N] [--remind "
			       "[--send]]"),
			    N_("Lists the notices that got no reply after N "
			       "days, and reminds their recipients on "
			       "request."),
			    help);
		if (settings_opt(&s, c, optarg))
			continue;
		if (c == OPT_DAYS) {
			if (kz_parse_long(&days, optarg, 0, 3650)) {
				settings_free(&s);
				return cli_fail(cli);
			}
		} else if (c == OPT_REMIND) {
			remind = 1;
		} else if (c == OPT_SEND) {
			send = 1;
		} else if ((rc = cli_other_opt(cli, c, optarg)) != -2) {
			settings_free(&s);
			return rc;
		}
	}
	if (!cli_store_existing(cli))
		goto out;
	if (remind && settings_load(cli, &s) != CLI_OK)
		goto out;
	if (kz_contact_due(&v, &n, cli->st, kz_time_now() - days * 86400)) {
		rc = cli_fail(cli);
		goto out;
	}
	if (cli->json)
		acc = json_array();
	rc = CLI_OK;
	for (size_t i = 0; i < n && rc == CLI_OK; i++) {
		struct kz_compose_opts o = { 0 };
		int64_t iid = v[i].incident_id;

		if (!remind) {
			if (acc)
				json_array_append_new(
				    acc, kz_contact_to_json(&v[i]));
			else
				print_contact_line(&v[i]);
			continue;
		}
		o.kind = KZ_CONTACT_REMINDER;
		o.recipient = v[i].recipient;
		o.org_id = v[i].org_id;
		o.org_name = v[i].org_name;
		o.lang = v[i].lang;
		o.incident_ids = &iid;
		o.n_incidents = 1;
		o.parent_id = v[i].id;
		rc = finish(cli, &s, &o, send, acc);
	}
	if (acc)
		rc = cli_print_json(cli, acc) ? CLI_ERR : rc;
out:
	kz_contact_list_free(v, n);
	settings_free(&s);
	return rc;
}

static int
verb_result(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, SETTINGS_OPTS,
		{ "to", required_argument, NULL, OPT_TO },
		{ "notify-lang", required_argument, NULL, OPT_NOTIFY_LANG },
		{ "template", required_argument, NULL, OPT_TEMPLATE },
		{ "result", required_argument, NULL, OPT_RESULT },
		{ "send", no_argument, NULL, OPT_SEND }, { NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--to ADDRESS",
		    N_("the reporter (default: the incident's)") },
		{ "--notify-lang L", N_("ja, en or ja+en (default ja)") },
		{ "--template NAME", N_("a template by name") },
		{ "--result TEXT", N_("what was done") },
		{ "--send", N_("queue, deliver and close the incident") },
		SETTINGS_HELP, { NULL, NULL }
	};
	struct settings s = { 0 };
	struct kz_compose_opts o = { 0 };
	struct kz_incident *inc = NULL;
	const char *to = NULL;
	int c, send = 0, rc = CLI_ERR;
	int64_t iid;

	o.lang = "ja";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki contact result TICKET [--result "
			       "TEXT] [--send]"),
			    N_("Reports the result to whoever reported the "
			       "incident (step 7); with --send, the mail is "
			       "queued and delivered and the incident closed."),
			    help);
		if (settings_opt(&s, c, optarg))
			continue;
		if (c == OPT_TO)
			to = optarg;
		else if (c == OPT_NOTIFY_LANG)
			o.lang = optarg;
		else if (c == OPT_TEMPLATE)
			o.template = optarg;
		else if (c == OPT_RESULT)
			o.result = optarg;
		else if (c == OPT_SEND)
			send = 1;
		else if ((rc = cli_other_opt(cli, c, optarg)) != -2)
			goto out;
	}
	rc = CLI_ERR;
	if (optind + 1 != argc) {
		rc = cli_usage(cli, "%s", _("give one TICKET"));
		goto out;
	}
	if ((rc = settings_load(cli, &s)) != CLI_OK || !cli_store_existing(cli))
		goto out;
	rc = CLI_ERR;
	if (kz_incident_get(&inc, cli->st, argv[optind])) {
		rc = cli_fail(cli);
		goto out;
	}
	if (!to)
		to = inc->reporter;
	if (!to || !strchr(to, '@')) {
		kz_error_set(KZ_EINVAL,
		    "the incident has no reporter address (give --to "
		    "ADDRESS)");
		rc = cli_fail(cli);
		goto out;
	}
	iid = inc->id;
	o.kind = KZ_CONTACT_RESULT;
	o.recipient = to;
	o.incident_ids = &iid;
	o.n_incidents = 1;
	rc = finish(cli, &s, &o, send, NULL);
out:
	kz_incident_free(inc);
	settings_free(&s);
	return rc;
}

/* Reads tickets from "A,B,C" into incident ids. */
static int
parse_tickets(struct cli *cli, const char *list, int64_t **ids, size_t *n)
{
	char *copy = kz_strdup(list), *save = NULL, *t;

	if (!copy)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (t = strtok_r(copy, ", \n", &save); t;
	     t = strtok_r(NULL, ", \n", &save)) {
		struct kz_incident *inc;
		int64_t *p;

		if (kz_incident_get(&inc, cli->st, t)) {
			kz_free(copy);
			return KZ_ENOTFOUND;
		}
		p = kz_realloc(*ids, (*n + 1) * sizeof(*p));
		if (!p) {
			kz_incident_free(inc);
			kz_free(copy);
			return kz_error_set(KZ_ENOMEM, "out of memory");
		}
		*ids = p;
		p[(*n)++] = inc->id;
		kz_incident_free(inc);
	}
	kz_free(copy);
	return 0;
}

/* Links each indicator of file (one a line) to the incident. */
static int
link_file(struct cli *cli, const char *path, int64_t incident_id)
{
	struct kz_buf canon = KZ_BUF_INIT(1 << 16);
	char *data = NULL, *save = NULL, *line;
	size_t len;
	int rc = 0;

	if (cli_read_input(cli, path, 64u << 20, &data, &len))
		return KZ_EIO;
	if ((rc = kz_store_begin(cli->st)))
		goto done;
	for (line = strtok_r(data, "\r\n", &save); line && !rc;
	     line = strtok_r(NULL, "\r\n", &save)) {
		struct kz_indicator ioc;
		int64_t id;

		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;
		kz_indicator_init(&ioc);
		ioc.source = "bulk";
		if ((rc = kz_ioc_detect(&ioc.type, &canon, line, strlen(line))))
			break;
		ioc.value = canon.ptr;
		if (!rc && !(rc = kz_indicator_upsert(&id, cli->st, &ioc)))
			rc = kz_indicator_link(cli->st, incident_id, id);
	}
	if (rc)
		kz_store_rollback(cli->st);
	else
		rc = kz_store_commit(cli->st);
done:
	kz_buf_release(&canon);
	free(data);
	return rc;
}

static int
verb_bulk(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, SETTINGS_OPTS,
		{ "indicators", required_argument, NULL, OPT_INDICATORS },
		{ "tickets", required_argument, NULL, OPT_TICKETS },
		{ "template", required_argument, NULL, OPT_TEMPLATE },
		CLI_ENRICH_DATA_DIR_OPT, CLI_ENRICH_FALLBACK_OPT,
		{ "send", no_argument, NULL, OPT_SEND }, { NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--indicators FILE",
		    N_("indicators (one a line) to add to TICKET first") },
		CLI_ENRICH_DATA_DIR_HELP, CLI_ENRICH_FALLBACK_HELP,
		{ "--tickets T1,T2,...", N_("the incidents to notify about") },
		{ "--template NAME", N_("a template by name") },
		{ "--send", N_("queue and deliver (without: list the mails)") },
		SETTINGS_HELP, { NULL, NULL }
	};
	struct settings s = { 0 };
	struct kz_bulk_plan plan = { 0 };
	struct kz_route_ctx ctx = { 0 };
	struct cli_enrich e;
	const char *fallback = getenv("KIZUKI_FALLBACK");
	const char *file = NULL, *tickets = NULL, *tpl = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	json_t *acc = NULL;
	int c, send = 0, rc = CLI_ERR;

	cli_enrich_init(&e);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == OPT_DATA_DIR) {
			e.data_dir = optarg;
			continue;
		}
		if (c == OPT_FALLBACK) {
			fallback = optarg;
			continue;
		}
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki contact bulk [TICKET --indicators "
			       "FILE] [--tickets T1,T2,...] [--send]"),
			    N_("Notifies the owners of many indicators at once: "
			       "one mail per party, listing all of theirs."),
			    help);
		if (settings_opt(&s, c, optarg))
			continue;
		if (c == OPT_INDICATORS)
			file = optarg;
		else if (c == OPT_TICKETS)
			tickets = optarg;
		else if (c == OPT_TEMPLATE)
			tpl = optarg;
		else if (c == OPT_SEND)
			send = 1;
		else if ((rc = cli_other_opt(cli, c, optarg)) != -2)
			goto out;
	}
	rc = CLI_ERR;
	if ((file && optind + 1 != argc) || (!file && optind != argc) ||
	    (!file && !tickets)) {
		rc = cli_usage(cli, "%s",
		    _("give TICKET --indicators FILE, or --tickets"));
		goto out;
	}
	if ((rc = settings_load(cli, &s)) != CLI_OK || !cli_store_existing(cli))
		goto out;
	rc = CLI_ERR;
	if (file) {
		if (parse_tickets(cli, argv[optind], &ids, &n) ||
		    link_file(cli, file, ids[0])) {
			rc = cli_fail(cli);
			goto out;
		}
	}
	if (tickets && parse_tickets(cli, tickets, &ids, &n)) {
		rc = cli_fail(cli);
		goto out;
	}
	if ((fallback && *fallback &&
		cli_enrich_fallbacks(cli, &e, fallback)) ||
	    cli_enrich_asn(cli, &e) || cli_enrich_geo(cli, &e) ||
	    cli_enrich_psl(cli, &e))
		goto out;
	ctx.st = cli->st;
	ctx.asn = e.asn;
	ctx.geo = e.geo;
	ctx.psl = e.psl;
	ctx.fallbacks = &e.fallbacks;
	if (kz_bulk_plan(&plan, &ctx, ids, n)) {
		rc = cli_fail(cli);
		goto out;
	}
	for (size_t i = 0; i < plan.n_unrouted; i++)
		fprintf(stderr, "kizuki: %s: %s\n", _("no owner known"),
		    plan.unrouted[i]);
	for (size_t i = 0; i < plan.n_no_address; i++)
		fprintf(stderr, "kizuki: %s: %s\n",
		    _("org without a contact "
		      "address"),
		    plan.no_address[i]);
	if (cli->json || !send)
		acc = json_array();
	rc = CLI_OK;
	for (size_t i = 0; i < plan.n_groups && rc == CLI_OK; i++) {
		struct kz_bulk_group *g = &plan.groups[i];
		struct kz_compose_opts o = { 0 };

		o.kind = KZ_CONTACT_NOTIFY;
		o.recipient = g->recipient;
		o.org_id = g->org_id;
		o.org_name = g->org_name;
		o.lang = g->lang;
		o.template = tpl;
		o.machine = g->machine;
		o.incident_ids = g->incident_ids;
		o.n_incidents = g->n_incidents;
		o.indicator_ids = g->indicator_ids;
		o.n_indicator_ids = g->n_indicators;
		rc = finish(cli, &s, &o, send, acc);
	}
	if (acc && cli->json) {
		rc = cli_print_json(cli, acc) ? CLI_ERR : rc;
	} else if (acc) {
		for (size_t i = 0; i < json_array_size(acc); i++) {
			json_t *m = json_array_get(acc, i);

			printf("%s\t%s\n",
			    json_string_value(json_object_get(m, "recipient")),
			    json_string_value(json_object_get(m, "subject")));
		}
		json_decref(acc);
	}
	if (plan.n_unrouted && rc == CLI_OK)
		rc = CLI_ERR;
out:
	kz_bulk_plan_release(&plan);
	cli_enrich_release(&e);
	kz_free(ids);
	settings_free(&s);
	return rc;
}

static int
verb_prefs(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "aggregate", required_argument, NULL, OPT_AGGREGATE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--aggregate yes|no",
		    N_("one mail listing everything (yes), or one per "
		       "incident") },
		{ "--format F", N_("xarf, iodef, both or none") },
		{ NULL, NULL }
	};
	struct kz_contact_prefs p;
	struct kz_org *org = NULL;
	const char *agg = NULL, *fmt = NULL;
	int c, r, rc = CLI_ERR;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki contact prefs ORG [--aggregate "
			       "yes|no] [--format F]"),
			    N_("Shows or sets how an org wants to be notified "
			       "(its language is the org's --lang)."),
			    help);
		if (c == OPT_AGGREGATE)
			agg = optarg;
		else if (c == OPT_FORMAT)
			fmt = optarg;
		else if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "%s", _("give one ORG"));
	if (agg && strcmp(agg, "yes") && strcmp(agg, "no"))
		return cli_usage(cli, "%s", _("--aggregate takes yes or no"));
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_org_get(&org, cli->st, argv[optind]) ||
	    kz_contact_prefs_get(&p, cli->st, org->id))
		goto fail;
	if (agg)
		p.aggregate = strcmp(agg, "yes") == 0;
	if (fmt && kz_machine_parse(&p.machine, fmt))
		goto fail;
	if ((agg || fmt) && kz_contact_prefs_set(cli->st, org->id, &p))
		goto fail;
	if (cli->json)
		rc = cli_print_json(cli,
			 json_pack("{s:s, s:s, s:b, s:s}", "org", org->name,
			     "lang", org->lang ? org->lang : "en", "aggregate",
			     p.aggregate, "format",
			     kz_machine_names[p.machine & 3])) ?
		    CLI_ERR :
		    CLI_OK;
	else {
		printf("%s: lang %s, aggregate %s, format %s\n", org->name,
		    org->lang ? org->lang : "en", p.aggregate ? "yes" : "no",
		    kz_machine_names[p.machine & 3]);
		rc = CLI_OK;
	}
	kz_org_free(org);
	return rc;
fail:
	kz_org_free(org);
	return cli_fail(cli);
}

static int
verb_templates(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, SETTINGS_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { SETTINGS_HELP,
		{ NULL, NULL } };
	struct settings s = { 0 };
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki contact templates [--templates "
			       "DIR]"),
			    N_("Checks the templates (built-in and DIR) and "
			       "lists them."),
			    help);
		if (settings_opt(&s, c, optarg))
			continue;
		if ((r = cli_other_opt(cli, c, optarg)) != -2) {
			settings_free(&s);
			return r;
		}
	}
	if ((r = settings_load(cli, &s)) == CLI_OK)
		for (size_t i = 0; i < kz_templates_count(s.set); i++)
			printf("%s\n", kz_templates_name(s.set, i));
	settings_free(&s);
	return r;
}

int
cmd_contact(struct cli *cli, int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "send", verb_send,
		    N_("compose a notice; --send queues and "
		       "delivers it") },
		{ "list", verb_list, N_("contacts and their delivery state") },
		{ "show", verb_show, N_("the mail of a contact") },
		{ "due", verb_due, N_("notices without a reply; reminders") },
		{ "bulk", verb_bulk,
		    N_("one mail per party for many "
		       "indicators") },
		{ "result", verb_result,
		    N_("the result to the reporter; "
		       "closes the incident") },
		{ "prefs", verb_prefs, N_("how an org wants to be notified") },
		{ "templates", verb_templates, N_("check and list templates") },
		{ NULL, NULL, NULL },
	};

	return cli_dispatch(cli, "contact", verbs, argc, argv);
}

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
verb_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, SETTINGS_OPTS,
		{ "once", no_argument, NULL, OPT_ONCE }, { NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--once",
		    N_("one pass, then exit (default: every 30 s until "
		       "stopped)") },
		SETTINGS_HELP, { NULL, NULL }
	};
	struct settings s = { 0 };
	struct kz_outbox_stats os;
	int c, once = 0, rc = CLI_ERR;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki outbox run [--once]"),
			    N_("Delivers the queued mail that is due, with "
			       "retries and backoff."),
			    help);
		if (settings_opt(&s, c, optarg))
			continue;
		if (c == OPT_ONCE)
			once = 1;
		else if ((rc = cli_other_opt(cli, c, optarg)) != -2)
			goto out;
	}
	if ((rc = settings_load(cli, &s)) != CLI_OK || !cli_store_existing(cli))
		goto out;
	if (!s.smtp.url) {
		kz_error_set(KZ_EINVAL,
		    "no SMTP server set (--smtp URL, $KIZUKI_SMTP_URL or "
		    "[smtp] url)");
		rc = cli_fail(cli);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	do {
		if ((rc = deliver(cli, &s, 0, &os)) != CLI_OK)
			break;
		if (cli->json)
			cli_print_json(cli,
			    json_pack("{s:I, s:I, s:I, s:I}", "sent",
				(json_int_t)os.sent, "retry",
				(json_int_t)os.retry, "failed",
				(json_int_t)os.failed, "reclaimed",
				(json_int_t)os.reclaimed));
		for (int i = 0; !once && !stop && i < 30; i++)
			sleep(1);
	} while (!once && !stop);
out:
	settings_free(&s);
	return rc;
}

int
cmd_outbox(struct cli *cli, int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "run", verb_run, N_("deliver the queued mail that is due") },
		{ NULL, NULL, NULL },
	};

	return cli_dispatch(cli, "outbox", verbs, argc, argv);
}
