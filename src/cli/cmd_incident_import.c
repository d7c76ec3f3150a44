/* SPDX-License-Identifier: MIT */
/*
 * kizuki incident import: bulk-loads incidents kept elsewhere (another
 * ticket system, a spreadsheet export) from JSON lines, with their status,
 * times and timeline, in one transaction: a bad line names itself and
 * nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/event.h"
#include "model/incident.h"

#define LINE_MAX_BYTES (4u << 20)

static int
get_str(const char **out, json_t *o, const char *key, int required)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return kz_error_set(KZ_EINVAL, "'%s' is missing", key);
		return 0;
	}
	if (!json_is_string(v))
		return kz_error_set(KZ_EINVAL, "'%s' must be a string", key);
	*out = json_string_value(v);
	return 0;
}

static int
get_time(int64_t *out, json_t *o, const char *key)
{
	const char *s;
	int rc;

	*out = 0;
	if ((rc = get_str(&s, o, key, 0)) || !s)
		return rc;
	return kz_time_parse(out, s);
}

static int
import_one(struct kz_store *st, json_t *o, const char *actor)
{
	struct kz_incident inc;
	const char *s;
	json_t *tl, *v;
	size_t i;
	int rc;

	if (!json_is_object(o))
		return kz_error_set(KZ_EINVAL, "expected a JSON object");
	kz_incident_init(&inc);
	if ((rc = get_str((const char **)&inc.title, o, "title", 1)) ||
	    (rc = get_str(
		 (const char **)&inc.description, o, "description", 0)) ||
	    (rc = get_str((const char **)&inc.assignee, o, "assignee", 0)) ||
	    (rc = get_str((const char **)&inc.reporter, o, "reporter", 0)))
		return rc;
	if ((rc = get_str(&s, o, "category", 0)) ||
	    (s && (rc = kz_category_parse(&inc.category, s))) ||
	    (rc = get_str(&s, o, "status", 0)) ||
	    (s && (rc = kz_status_parse(&inc.status, s))) ||
	    (rc = get_str(&s, o, "tlp", 0)) ||
	    (s && (rc = kz_tlp_parse(&inc.tlp, s))) ||
	    (rc = get_str(&s, o, "stage", 0)) ||
	    (s && (rc = kz_stage_parse(&inc.stage, s))))
		return rc;
	if ((v = json_object_get(o, "priority"))) {
		if (!json_is_integer(v))
			return kz_error_set(KZ_EINVAL,
			    "'%s' must be a whole number", "priority");
		inc.priority = (int)json_integer_value(v);
	}
	inc.coordinated = json_is_true(json_object_get(o, "coordinated"));
	if ((rc = get_time(&inc.created_at, o, "created_at")) ||
	    (rc = get_time(&inc.updated_at, o, "updated_at")) ||
	    (rc = get_time(&inc.closed_at, o, "closed_at")))
		return rc;
	if ((rc = kz_incident_import(st, &inc, actor)))
		return rc;
	tl = json_object_get(o, "timeline");
	if (tl && !json_is_array(tl))
		return kz_error_set(
		    KZ_EINVAL, "'%s' must be an array", "timeline");
	json_array_foreach(tl, i, v)
	{
		const char *kind, *text, *who;
		int64_t at;

		if (!json_is_object(v))
			return kz_error_set(
			    KZ_EINVAL, "timeline entries must be objects");
		if ((rc = get_str(&kind, v, "kind", 1)) ||
		    (rc = get_str(&text, v, "text", 0)) ||
		    (rc = get_str(&who, v, "actor", 0)) ||
		    (rc = get_time(&at, v, "at")))
			return rc;
		if (text && !kz_utf8_valid(text, strlen(text)))
			return kz_error_set(
			    KZ_EINVAL, "timeline text is not valid UTF-8");
		if ((rc = kz_event_add_at(st, inc.id, at ? at : inc.created_at,
			 kind, who ? who : actor, text, NULL)))
			return rc;
	}
	return 0;
}

int
cmd_incident_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		{ NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { { NULL, NULL } };
	const char *path = "-";
	FILE *f = stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0, count = 0;
	int c, r, progress = isatty(STDERR_FILENO);

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki incident import "
			       "[FILE|-]"),
			    N_("Loads incidents from JSON lines, one object a "
			       "line with title, category, status, priority, "
			       "tlp, stage, assignee, reporter, coordinated, "
			       "created_at, updated_at, closed_at and timeline "
			       "[{at, kind, actor, text}]. All or nothing: a "
			       "bad line is named and nothing is written."),
			    help);
		if ((r = cli_common_opt(cli, c, optarg)) <= 0)
			return r < 0 ?
			    CLI_USAGE :
			    cli_usage(cli, "%s", _("unexpected option"));
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (strcmp(path, "-") != 0 && !(f = fopen(path, "r"))) {
		kz_error_set(KZ_EIO, "cannot read '%s': %s", path,
		    "no such file or not readable");
		return cli_fail(cli);
	}
	if (!cli_store(cli) || kz_store_begin(cli->st)) {
		r = cli->st ? cli_fail(cli) : CLI_ERR;
		goto done;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		json_error_t jerr;
		json_t *o;

		lineno++;
		if ((size_t)n > LINE_MAX_BYTES) {
			kz_error_set(KZ_EINVAL, "line is longer than %u bytes",
			    LINE_MAX_BYTES);
			goto bad;
		}
		if (kz_str_blank(line))
			continue;
		o = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
		if (!o) {
			kz_error_set(
			    KZ_EINVAL, "malformed JSON: %s", jerr.text);
			goto bad;
		}
		r = import_one(cli->st, o, cli->actor);
		json_decref(o);
		if (r)
			goto bad;
		count++;
		if (progress && count % 10000 == 0)
			fprintf(stderr, "\r%ld", count);
	}
	if (progress && count >= 10000)
		fprintf(stderr, "\r");
	if (kz_store_commit(cli->st)) {
		r = cli_fail(cli);
		goto done;
	}
	if (cli->json)
		r = cli_print_json(
		    cli, json_pack("{s:i}", "imported", (int)count));
	else {
		printf(_("%ld incidents imported"), count);
		printf("\n");
		r = CLI_OK;
	}
	goto done;
bad:
	kz_store_rollback(cli->st);
	{
		const char *fmt = kz_error_format();

		fprintf(stderr, "kizuki: %s:%ld: %s\n", path, lineno,
		    kz_error_render(fmt ? kz_tr(cli_lang, fmt) : NULL));
		fprintf(stderr, "kizuki: %s\n", _("nothing was imported"));
	}
	r = CLI_ERR;
done:
	free(line);
	if (f != stdin)
		fclose(f);
	return r;
}
