/* SPDX-License-Identifier: MIT */
/*
 * kizuki serve: runs the web server (REST API now, pages later). Settings
 * come from defaults, then a config file (--config or $KIZUKI_CONFIG),
 * then KIZUKI_* variables, then flags. --init-admin creates the first
 * admin with a one-time password when there is none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "model/user.h"
#include "server.h"

enum {
	OPT_LISTEN = OPT_FIRST_CMD,
	OPT_CONFIG,
	OPT_THREADS,
	OPT_MAX_BODY,
	OPT_ACCESS_LOG,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_USER,
	OPT_INIT_ADMIN,
	OPT_ROUTES,
	OPT_SYNC,
	OPT_CACHE,
	OPT_TEAM,
	OPT_FROM,
	OPT_SMTP,
	OPT_TEMPLATES,
};

/* Creates "admin" with a one-time password when no admin exists. */
static int
init_admin(struct cli *cli, const char *listen_on, int tls)
{
	char pw[KZ_PASSWORD_GEN_LEN + 1];
	struct kz_user u;
	int rc;

	if (!cli_store(cli))
		return -1;
	if ((rc = kz_user_admin_exists(cli->st)) != 0)
		return rc < 0 ? -1 : 0;
	kz_password_generate(pw);
	if (kz_user_add(&u, cli->st, "admin", KZ_ROLE_ADMIN, NULL, pw, 1))
		return -1;
	kz_user_release(&u);
	printf(_("log in at %s://%s/ as admin with password %s (you will be "
		 "asked to change it)"),
	    tls ? "https" : "http", listen_on, pw);
	printf("\n");
	fflush(stdout);
	return 0;
}

int
cmd_serve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "max-body", required_argument, NULL, OPT_MAX_BODY },
		{ "access-log", required_argument, NULL, OPT_ACCESS_LOG },
		{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
		{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
		{ "user", required_argument, NULL, OPT_USER },
		{ "init-admin", no_argument, NULL, OPT_INIT_ADMIN },
		{ "routes", no_argument, NULL, OPT_ROUTES },
		{ "sync", required_argument, NULL, OPT_SYNC },
		{ "cache", required_argument, NULL, OPT_CACHE },
		{ "team", required_argument, NULL, OPT_TEAM },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "smtp", required_argument, NULL, OPT_SMTP },
		{ "templates", required_argument, NULL, OPT_TEMPLATES },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--listen ADDR:PORT",
		    N_("where to listen (default 127.0.0.1:8080)") },
		{ "--config FILE",
		    N_("read settings from an INI file ([server], and [team], "
		       "[smtp], [templates] as kizuki contact reads them)") },
		{ "--threads N", N_("worker threads (default: one per core)") },
		{ "--max-body BYTES",
		    N_("largest request body accepted (default 1 MiB)") },
		{ "--access-log FILE",
		    N_("JSON access log: a file, - for standard error (the "
		       "default) or off") },
		{ "--tls-cert FILE",
		    N_("serve HTTPS with this PEM certificate") },
		{ "--tls-key FILE", N_("and this PEM private key") },
		{ "--user NAME",
		    N_("when started as root, run as this user after binding") },
		{ "--init-admin",
		    N_("create an admin with a one-time password if there is "
		       "none") },
		{ "--routes",
		    N_("print the routes and their roles, then exit") },
		{ "--sync full|normal",
		    N_("full: every write is on disk before the answer "
		       "(default)") },
		{ "--cache on|off",
		    N_("keep GET answers until the database changes "
		       "(default on)") },
		{ "--team NAME", N_("the team's name ($KIZUKI_TEAM)") },
		{ "--from ADDRESS",
		    N_("the team's address, From of notices "
		       "($KIZUKI_TEAM_EMAIL)") },
		{ "--smtp URL",
		    N_("deliver queued notices through this SMTP server "
		       "($KIZUKI_SMTP_URL); without it they wait for 'kizuki "
		       "outbox run'") },
		{ "--templates DIR",
		    N_("templates over the built-in ones "
		       "($KIZUKI_TEMPLATES)") },
		{ NULL, NULL }
	};
	static const struct {
		int opt;
		const char *name;
	} names[] = { { OPT_LISTEN, "listen" }, { OPT_THREADS, "threads" },
		{ OPT_MAX_BODY, "max_body" }, { OPT_ACCESS_LOG, "access_log" },
		{ OPT_TLS_CERT, "tls_cert" }, { OPT_TLS_KEY, "tls_key" },
		{ OPT_USER, "user" }, { OPT_SYNC, "sync" },
		{ OPT_CACHE, "cache" }, { OPT_TEAM, "team" },
		{ OPT_FROM, "team_email" }, { OPT_SMTP, "smtp_url" },
		{ OPT_TEMPLATES, "templates" } };
	struct {
		int opt;
		const char *arg;
	} given[32];
	struct kz_server_config cfg;
	const char *config = getenv("KIZUKI_CONFIG"), *env_db;
	int c, r, ngiven = 0, admin = 0, routes = 0, rc = CLI_ERR;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(cli,
			    N_("usage: kizuki serve [--listen ADDR:PORT] "
			       "[--config FILE] [options]"),
			    N_("Runs the web server and its REST API under "
			       "/api/v1. SIGTERM lets requests in flight finish, "
			       "then stops."),
			    help);
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_INIT_ADMIN:
			admin = 1;
			break;
		case OPT_ROUTES:
			routes = 1;
			break;
		default:
			if (c >= OPT_FIRST_CMD) {
				if (ngiven == 32)
					return cli_usage(
					    cli, "%s", _("too many options"));
				given[ngiven].opt = c;
				given[ngiven++].arg = optarg;
				break;
			}
			r = cli_common_opt(cli, c, optarg);
			if (r < 0)
				return CLI_USAGE;
			if (r == 0)
				return cli_usage(
				    cli, "%s", _("unexpected option"));
		}
	}
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (routes) {
		kz_server_print_routes(stdout);
		return CLI_OK;
	}
	kz_server_config_init(&cfg);
	if (config && *config && kz_server_config_load(&cfg, config))
		goto fail;
	/* --db and $KIZUKI_DB win over the file; the file over the default. */
	env_db = getenv("KIZUKI_DB");
	if ((env_db && *env_db) || strcmp(cli->db_path, "kizuki.db") != 0 ||
	    !config) {
		if (kz_server_config_set(&cfg, "db", cli->db_path))
			goto fail;
	} else {
		cli->db_path = cfg.db;
	}
	if (kz_server_config_env(&cfg))
		goto fail;
	for (int i = 0; i < ngiven; i++)
		for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (names[j].opt == given[i].opt &&
			    kz_server_config_set(
				&cfg, names[j].name, given[i].arg))
				goto fail;
	cfg.lang = cli->lang;
	if (admin && init_admin(cli, cfg.listen, cfg.tls_cert != NULL))
		goto fail;
	if (cli->st) {
		kz_store_close(cli->st);
		cli->st = NULL;
	}
	if (kz_server_run(&cfg, stderr))
		goto fail;
	rc = CLI_OK;
	goto done;
fail:
	rc = cli_fail(cli);
done:
	kz_server_config_release(&cfg);
	return rc;
}
