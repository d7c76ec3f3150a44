/* SPDX-License-Identifier: MIT */
/*
 * What every command of the kizuki command line shares: the options every
 * command takes (--db, --json, --lang, --help), the store opened on
 * demand, translated messages and output helpers. A command is a file
 * cmd_<name>.c with one function and one row in main.c's table.
 */
#ifndef KZ_CLI_H
#define KZ_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

#include "core/i18n.h"
#include "store/store.h"

struct cli {
	const char *prog;    /* "kizuki" */
	const char *cmd;     /* "incident new", for messages */
	const char *db_path; /* --db, KIZUKI_DB, or the default */
	const char *actor;   /* who acts: KIZUKI_USER, USER, or "cli" */
	enum kz_lang lang;
	int json;
	int tty; /* stdout is a terminal */
	struct kz_store *st;
};

extern enum kz_lang cli_lang;

/* Translates msgid for the user's language. */
#define _(s) kz_tr(cli_lang, (s))

/* Exit codes. */
#define CLI_OK    0
#define CLI_ERR   1
#define CLI_USAGE 2

/* Options every command accepts; put CLI_COMMON_OPTS in each table. */
enum {
	OPT_JSON = 0x1000,
	OPT_DB,
	OPT_LANG,
	OPT_HELP,
	OPT_FIRST_CMD = 0x2000 /* commands number their own from here */
};
#define CLI_COMMON_OPTS                                                        \
	{ "json", no_argument, NULL, OPT_JSON },                               \
	    { "db", required_argument, NULL, OPT_DB },                         \
	    { "lang", required_argument, NULL, OPT_LANG },                     \
	{                                                                      \
		"help", no_argument, NULL, 'h'                                 \
	}

/*
 * Handles a common option c from getopt_long. Returns 1 if handled, 0 if c
 * is not a common option, -1 after printing a usage error.
 */
int cli_common_opt(struct cli *cli, int c, const char *arg);

/*
 * For the default case of a command's option switch: handles a common
 * option and returns -2 to go on parsing, or prints the usage error and
 * returns the exit code.
 */
int cli_other_opt(struct cli *cli, int c, const char *arg);

/*
 * The store, opened (and created/migrated) on first use. Prints the error
 * and returns NULL on failure.
 */
struct kz_store *cli_store(struct cli *cli);
struct kz_store *cli_store_existing(struct cli *cli);

/* Prints "kizuki: <translated last error>" and returns CLI_ERR. */
int cli_fail(struct cli *cli);

/* Prints "kizuki <cmd>: <message>" and the help hint; returns CLI_USAGE. */
int cli_usage(struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints v as JSON (pretty on a terminal) and drops the reference. */
int cli_print_json(struct cli *cli, json_t *v);

/*
 * Prints a help text: the translated usage line and option lines. Each
 * option line is "  --flag ARG" followed by its translated description.
 */
struct cli_help_opt {
	const char *flag;
	const char *desc;
};
int cli_help(struct cli *cli, const char *usage, const char *summary,
    const struct cli_help_opt *opts);

/* Reads a whole file or "-" for standard input, capped at max bytes. */
int cli_read_input(
    struct cli *cli, const char *path, size_t max, char **out, size_t *len);

/* Prints a string padded to width display columns (East Asian wide = 2). */
void cli_pad(FILE *f, const char *s, int width);
int cli_width(const char *s);

/* A nested verb table for commands like "incident new". */
struct cli_verb {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	const char *help;
};
int cli_dispatch(struct cli *cli, const char *cmd, const struct cli_verb *verbs,
    int argc, char **argv);

/* The commands. */
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_extract(struct cli *cli, int argc, char **argv);
int cmd_incident(struct cli *cli, int argc, char **argv);
int cmd_indicator(struct cli *cli, int argc, char **argv);
int cmd_incident_import(struct cli *cli, int argc, char **argv);
int cmd_incident_route(struct cli *cli, int argc, char **argv);
int cmd_enrich(struct cli *cli, int argc, char **argv);
int cmd_abuse(struct cli *cli, int argc, char **argv);
int cmd_incident_link_org(struct cli *cli, int argc, char **argv);
int cmd_org(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_user(struct cli *cli, int argc, char **argv);
int cmd_serve(struct cli *cli, int argc, char **argv);
int cmd_sweep(struct cli *cli, int argc, char **argv);
int cmd_contact(struct cli *cli, int argc, char **argv);
int cmd_outbox(struct cli *cli, int argc, char **argv);

#endif
