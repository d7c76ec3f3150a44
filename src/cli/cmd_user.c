/* SPDX-License-Identifier: MIT */
/*
 * kizuki user: accounts for the web server and the API. Add a user with a
 * role (admin, handler, member, reporter) and an org; list; set or reset
 * a password; make and revoke API tokens; disable and enable. Generated
 * passwords and tokens are printed once and never stored in clear.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/timeutil.h"
#include "model/user.h"

enum {
	OPT_ROLE = OPT_FIRST_CMD,
	OPT_ORG,
	OPT_PWSTDIN,
	OPT_REVOKE,
	OPT_LIST,
	OPT_ENABLE,
};

/* Reads one line from standard input as the password. */
static int
read_password(struct cli *cli, char **out)
{
	size_t len;

	if (cli_read_input(cli, "-", KZ_PASSWORD_MAX + 2, out, &len))
		return -1;
	while (len && ((*out)[len - 1] == '\n' || (*out)[len - 1] == '\r'))
		(*out)[--len] = '\0';
	return 0;
}

static int
verb_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "role", required_argument, NULL, OPT_ROLE },
		{ "org", required_argument, NULL, OPT_ORG },
		{ "password-stdin", no_argument, NULL, OPT_PWSTDIN },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--role R", N_("admin, handler, member or reporter") },
		{ "--org ORG", N_("the user's org (required for a member)") },
		{ "--password-stdin",
		    N_("read the password from standard input; otherwise one "
		       "is generated, printed once, and must be changed at "
		       "first login") },
		{ NULL, NULL }
	};
	const char *role = NULL, *org = NULL;
	char gen[KZ_PASSWORD_GEN_LEN + 1], *pw = NULL;
	struct kz_user u;
	enum kz_role ro;
	int c, r, from_stdin = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki user add NAME --role R [--org ORG] "
			       "[--password-stdin]"),
			    N_("Adds a user who can log in to the web server."),
			    help);
		if (c == OPT_ROLE)
			role = optarg;
		else if (c == OPT_ORG)
			org = optarg;
		else if (c == OPT_PWSTDIN)
			from_stdin = 1;
		else if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind >= argc)
		return cli_usage(cli, "%s", _("give the user's name"));
	if (optind + 1 < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind + 1]);
	if (!role)
		return cli_usage(cli, "%s", _("--role is required"));
	if (kz_role_parse(&ro, role))
		return cli_fail(cli);
	if (from_stdin && read_password(cli, &pw))
		return cli_fail(cli);
	if (!pw)
		kz_password_generate(gen);
	if (!cli_store(cli)) {
		r = CLI_ERR;
		goto done;
	}
	if (kz_user_add(
		&u, cli->st, argv[optind], ro, org, pw ? pw : gen, !pw)) {
		r = cli_fail(cli);
		goto done;
	}
	if (cli->json) {
		json_t *o = kz_user_to_json(&u);

		if (!pw)
			json_object_set_new(o, "password", json_string(gen));
		r = cli_print_json(cli, o);
	} else {
		printf(_("user '%s' added (%s)"), u.name, kz_role_name(u.role));
		printf("\n");
		if (!pw) {
			printf(
			    _("one-time password: %s (to be changed at first "
			      "login)"),
			    gen);
			printf("\n");
		}
		r = CLI_OK;
	}
	kz_user_release(&u);
done:
	sodium_memzero(gen, sizeof(gen));
	if (pw) {
		sodium_memzero(pw, strlen(pw));
		kz_free(pw);
	}
	return r;
}

static int
verb_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { { NULL, NULL } };
	struct kz_user *u;
	size_t n;
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli, N_("usage: kizuki user list"),
			    N_("Lists the users."), help);
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_user_list(&u, &n, cli->st))
		return cli_fail(cli);
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, kz_user_to_json(&u[i]));
		r = cli_print_json(cli, json_pack("{s:o}", "users", arr));
	} else if (n == 0) {
		printf("%s\n", _("no users"));
		r = CLI_OK;
	} else {
		cli_pad(stdout, _("NAME"), 20);
		cli_pad(stdout, _("ROLE"), 10);
		cli_pad(stdout, _("ORG"), 20);
		printf("%s\n", _("STATE"));
		for (size_t i = 0; i < n; i++) {
			cli_pad(stdout, u[i].name, 20);
			cli_pad(stdout, kz_role_name(u[i].role), 10);
			cli_pad(stdout, u[i].org ? u[i].org : "-", 20);
			printf("%s\n",
			    u[i].disabled ? _("disabled") :
				u[i].must_change_password ?
					    _("must change password") :
					    _("active"));
		}
		r = CLI_OK;
	}
	kz_user_list_free(u, n);
	return r;
}

static int
verb_passwd(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "password-stdin", no_argument, NULL, OPT_PWSTDIN },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--password-stdin",
		    N_("read the password from standard input; otherwise one "
		       "is generated, printed once, and must be changed at "
		       "first login") },
		{ NULL, NULL }
	};
	char gen[KZ_PASSWORD_GEN_LEN + 1], *pw = NULL;
	int c, r, from_stdin = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki user passwd NAME "
			       "[--password-stdin]"),
			    N_("Sets a user's password and ends their sessions."),
			    help);
		if (c == OPT_PWSTDIN)
			from_stdin = 1;
		else if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "%s", _("give the user's name"));
	if (from_stdin && read_password(cli, &pw))
		return cli_fail(cli);
	if (!pw)
		kz_password_generate(gen);
	if (!cli_store_existing(cli)) {
		r = CLI_ERR;
	} else if (kz_user_set_password(
		       cli->st, argv[optind], pw ? pw : gen, !pw, NULL)) {
		r = cli_fail(cli);
	} else {
		if (pw)
			printf(_("password of '%s' changed"), argv[optind]);
		else
			printf(
			    _("one-time password: %s (to be changed at first "
			      "login)"),
			    gen);
		printf("\n");
		r = CLI_OK;
	}
	sodium_memzero(gen, sizeof(gen));
	if (pw) {
		sodium_memzero(pw, strlen(pw));
		kz_free(pw);
	}
	return r;
}

static int
verb_token(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "revoke", no_argument, NULL, OPT_REVOKE },
		{ "list", no_argument, NULL, OPT_LIST }, { NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--list", N_("list the user's tokens instead") },
		{ "--revoke", N_("revoke the token of that name") },
		{ NULL, NULL }
	};
	char text[KZ_TOKEN_TEXT_LEN + 1];
	int c, r, revoke = 0, list = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki user token NAME TOKEN_NAME "
			       "[--revoke] | NAME --list"),
			    N_("Makes an API token for scripts (Authorization: "
			       "Bearer TOKEN), printed once."),
			    help);
		if (c == OPT_REVOKE)
			revoke = 1;
		else if (c == OPT_LIST)
			list = 1;
		else if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + (list ? 1 : 2) != argc)
		return cli_usage(cli, "%s",
		    list ? _("give the user's name") :
			   _("give the user's name and a name for the token"));
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (list) {
		struct kz_token *t;
		size_t n;
		char when[KZ_TIME_STRLEN];

		if (kz_token_list(&t, &n, cli->st, argv[optind]))
			return cli_fail(cli);
		if (cli->json) {
			json_t *arr = json_array();

			for (size_t i = 0; i < n; i++)
				json_array_append_new(
				    arr, kz_token_to_json(&t[i]));
			r = cli_print_json(
			    cli, json_pack("{s:o}", "tokens", arr));
		} else {
			for (size_t i = 0; i < n; i++) {
				cli_pad(stdout, t[i].name, 24);
				printf("%s\n",
				    kz_time_format(when, t[i].created_at));
			}
			r = CLI_OK;
		}
		kz_token_list_free(t, n);
		return r;
	}
	if (revoke) {
		if (kz_token_revoke(cli->st, argv[optind], argv[optind + 1]))
			return cli_fail(cli);
		printf(_("token '%s' revoked"), argv[optind + 1]);
		printf("\n");
		return CLI_OK;
	}
	if (kz_token_create(text, cli->st, argv[optind], argv[optind + 1]))
		return cli_fail(cli);
	if (cli->json)
		r = cli_print_json(cli,
		    json_pack("{s:s, s:s, s:s}", "user", argv[optind], "name",
			argv[optind + 1], "token", text));
	else {
		printf("%s\n", text);
		r = CLI_OK;
	}
	sodium_memzero(text, sizeof(text));
	return r;
}

static int
verb_disable(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ "enable", no_argument, NULL, OPT_ENABLE },
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = {
		{ "--enable", N_("enable the user again") }, { NULL, NULL }
	};
	int c, r, enable = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki user disable NAME [--enable]"),
			    N_("Disables a user: their sessions end and their "
			       "tokens stop working."),
			    help);
		if (c == OPT_ENABLE)
			enable = 1;
		else if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "%s", _("give the user's name"));
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_user_set_disabled(cli->st, argv[optind], !enable))
		return cli_fail(cli);
	printf(enable ? _("user '%s' enabled") : _("user '%s' disabled"),
	    argv[optind]);
	printf("\n");
	return CLI_OK;
}

static int
verb_lang(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { { NULL, NULL } };
	int c, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki user lang NAME ja|en|auto"),
			    N_("Sets the language of a user's pages and "
			       "messages; auto follows the browser."),
			    help);
		if ((r = cli_other_opt(cli, c, optarg)) != -2)
			return r;
	}
	if (optind + 2 != argc)
		return cli_usage(cli, "%s",
		    _("give the user's name and a language (ja, en or "
		      "auto)"));
	if (!cli_store_existing(cli))
		return CLI_ERR;
	if (kz_user_set_lang(cli->st, argv[optind], argv[optind + 1]))
		return cli_fail(cli);
	if (cli->json)
		return cli_print_json(cli,
		    json_pack("{s:s, s:s}", "user", argv[optind], "lang",
			argv[optind + 1]));
	printf(_("user '%s': language %s"), argv[optind], argv[optind + 1]);
	printf("\n");
	return CLI_OK;
}

/* clang-format off */
static const struct cli_verb verbs[] = {
	{ "add",     verb_add,     N_("add a user with a role") },
	{ "list",    verb_list,    N_("list users") },
	{ "passwd",  verb_passwd,  N_("set or reset a password") },
	{ "token",   verb_token,   N_("make, list or revoke API tokens") },
	{ "disable", verb_disable, N_("disable or enable a user") },
	{ "lang",    verb_lang,    N_("set a user's language") },
	{ NULL, NULL, NULL },
};
/* clang-format on */

int
cmd_user(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "user", verbs, argc, argv);
}
