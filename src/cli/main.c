/* SPDX-License-Identifier: MIT */
/*
 * kizuki's command line: the table of commands, the options every command
 * shares, and the environment (KIZUKI_DB, KIZUKI_LANG, the locale) turned
 * into explicit settings for the library, which reads none of it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/timeutil.h"
#include "model/incident.h"

enum kz_lang cli_lang = KZ_LANG_EN;

enum cmd_flags {
	KZ_NEED_DB = 1 << 0,
};

struct kz_cmd {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	unsigned flags;
	const char *help;
};

/* clang-format off */
static const struct kz_cmd commands[] = {
	{ "init",     cmd_init,     KZ_NEED_DB, N_("create or upgrade the database") },
	{ "incident", cmd_incident, KZ_NEED_DB, N_("open, list, update and close incidents") },
	{ "report",   cmd_report,   KZ_NEED_DB, N_("take in reports: mail, text, JSON, Maildir, mbox") },
	{ "extract",  cmd_extract,  0,          N_("extract indicators from text or mail") },
	{ "indicator", cmd_indicator, KZ_NEED_DB, N_("store, import, list and expire indicators") },
	{ "org",      cmd_org,      KZ_NEED_DB, N_("manage organisations and their contacts") },
	{ "enrich",   cmd_enrich,   0,          N_("AS, country and registrable domain of values") },
	{ "abuse",    cmd_abuse,    KZ_NEED_DB, N_("import the abuse-contact table routing falls back on") },
	{ "sweep",    cmd_sweep,    0,          N_("sweep logs for known-bad indicators") },
	{ "contact",  cmd_contact,  KZ_NEED_DB, N_("notify parties, track replies, report results") },
	{ "outbox",   cmd_outbox,   KZ_NEED_DB, N_("deliver queued mail") },
	{ "stats",    cmd_stats,    KZ_NEED_DB, N_("statistics for a period") },
	{ "user",     cmd_user,     KZ_NEED_DB, N_("manage users, passwords and API tokens") },
	{ "serve",    cmd_serve,    KZ_NEED_DB, N_("run the web server and its REST API") },
	{ NULL, NULL, 0, NULL },
};
/* clang-format on */

static void
usage(FILE *f)
{
	fprintf(f, "%s\n\n",
	    _("usage: kizuki [--db PATH] [--lang ja|en] "
	      "[--json] COMMAND [ARGS]"));
	fprintf(f, "%s\n", _("commands:"));
	for (const struct kz_cmd *c = commands; c->name; c++) {
		fprintf(f, "  ");
		cli_pad(f, c->name, 12);
		fprintf(f, "%s\n", _(c->help));
	}
	fprintf(f, "\n%s\n",
	    _("'kizuki COMMAND --help' tells more about a "
	      "command. The database is --db PATH (or a postgresql:// URI), "
	      "else $KIZUKI_DB, else kizuki.db in the current directory."));
}

static const struct kz_cmd *
find_cmd(const char *name)
{
	for (const struct kz_cmd *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void
pick_language(struct cli *cli)
{
	static const char *const vars[] = { "KIZUKI_LANG", "LC_ALL",
		"LC_MESSAGES", "LANG", NULL };
	enum kz_lang l;

	cli->lang = KZ_LANG_EN;
	for (int i = 0; vars[i]; i++) {
		const char *v = getenv(vars[i]);

		if (v && *v) {
			if (kz_lang_parse(&l, v) == 0)
				cli->lang = l;
			break;
		}
	}
	kz_error_clear();
	cli_lang = cli->lang;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { 0 };
	const struct kz_cmd *cmd;
	const char *env;
	int c, rc;

	cli.prog = "kizuki";
	cli.tty = isatty(STDOUT_FILENO);
	cli.db_path = getenv("KIZUKI_DB");
	if (!cli.db_path || !*cli.db_path)
		cli.db_path = "kizuki.db";
	cli.actor = getenv("KIZUKI_USER");
	if (!cli.actor || !*cli.actor)
		cli.actor = getenv("USER");
	if (!cli.actor || !*cli.actor)
		cli.actor = "cli";
	pick_language(&cli);
	/* Tests and replays fix the clock; never set in normal use. */
	if ((env = getenv("KIZUKI_NOW")) && *env) {
		int64_t t;

		if (kz_time_parse(&t, env) == 0)
			kz_time_set_fixed(t);
	}
	if ((env = getenv("KIZUKI_TICKET_PREFIX")) && *env &&
	    kz_incident_set_prefix(env) != 0)
		return cli_fail(&cli);

	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		if (c == 'V') {
			printf("kizuki %s\n", KZ_VERSION);
			return CLI_OK;
		}
		if (c == 'h') {
			usage(stdout);
			return CLI_OK;
		}
		rc = cli_common_opt(&cli, c, optarg);
		if (rc < 0)
			return CLI_USAGE;
		if (rc == 0) {
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		if (optind + 1 < argc && find_cmd(argv[optind + 1])) {
			char *hargv[] = { argv[optind + 1], "--help", NULL };

			cmd = find_cmd(argv[optind + 1]);
			cli.cmd = cmd->name;
			optind = 0;
			return cmd->fn(&cli, 2, hargv);
		}
		usage(stdout);
		return CLI_OK;
	}
	cmd = find_cmd(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "kizuki: ");
		fprintf(stderr, _("unknown command '%s'"), argv[optind]);
		fprintf(stderr, "\n\n");
		usage(stderr);
		return CLI_USAGE;
	}
	cli.cmd = cmd->name;
	argc -= optind;
	argv += optind;
	optind = 0;
	rc = cmd->fn(&cli, argc, argv);
	if (cli.st)
		kz_store_close(cli.st);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kizuki: %s: %s\n", _("writing output"),
		    strerror(errno));
		return CLI_ERR;
	}
	return rc;
}
