/* SPDX-License-Identifier: MIT */
/*
 * kizuki incident import: bulk-loads incidents kept elsewhere (another
 * ticket system, a spreadsheet export) from JSON lines, with their status,
 * times and timeline, in one transaction: a bad line names itself and
 * nothing is written.
 */
#include <pthread.h>
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
#define QUEUE_LEN      1024

/*
 * A reader thread turns lines into JSON while the main thread writes the
 * previous ones to the database: parsing overlaps the inserts. Each slot
 * holds a parsed object, or an error message for that line.
 */
enum slot_kind { SLOT_OK, SLOT_TOO_LONG, SLOT_BAD_JSON };

struct slot {
	json_t *obj; /* NULL for a blank or bad line */
	long lineno;
	enum slot_kind kind;
	char err[160]; /* the JSON parser's message for SLOT_BAD_JSON */
};

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t can_put, can_get;
	struct slot slots[QUEUE_LEN];
	size_t head, tail; /* tail - head = filled */
	int eof;           /* the reader is done */
	int stop;          /* the writer gave up */
	FILE *f;
};

static void
queue_put(struct queue *q, const struct slot *s)
{
	pthread_mutex_lock(&q->mu);
	while (q->tail - q->head == QUEUE_LEN && !q->stop)
		pthread_cond_wait(&q->can_put, &q->mu);
	if (q->stop) {
		json_decref(s->obj);
	} else {
		q->slots[q->tail % QUEUE_LEN] = *s;
		q->tail++;
		pthread_cond_signal(&q->can_get);
	}
	pthread_mutex_unlock(&q->mu);
}

/* 1 with a slot, 0 at the end. */
static int
queue_get(struct queue *q, struct slot *out)
{
	int got = 0;

	pthread_mutex_lock(&q->mu);
	while (q->tail == q->head && !q->eof)
		pthread_cond_wait(&q->can_get, &q->mu);
	if (q->tail != q->head) {
		*out = q->slots[q->head % QUEUE_LEN];
		q->head++;
		got = 1;
		pthread_cond_signal(&q->can_put);
	}
	pthread_mutex_unlock(&q->mu);
	return got;
}

static void *
reader(void *arg)
{
	struct queue *q = arg;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;

	while ((n = getline(&line, &cap, q->f)) > 0) {
		struct slot s = { NULL, ++lineno, SLOT_OK, "" };
		json_error_t jerr;

		if ((size_t)n > LINE_MAX_BYTES) {
			s.kind = SLOT_TOO_LONG;
		} else if (!kz_str_blank(line)) {
			s.obj = json_loadb(
			    line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
			if (!s.obj) {
				s.kind = SLOT_BAD_JSON;
				snprintf(s.err, sizeof(s.err), "%s", jerr.text);
			}
		}
		queue_put(q, &s);
		pthread_mutex_lock(&q->mu);
		if (q->stop) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		pthread_mutex_unlock(&q->mu);
		if (s.kind != SLOT_OK)
			break;
	}
	free(line);
	pthread_mutex_lock(&q->mu);
	q->eof = 1;
	pthread_cond_signal(&q->can_get);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

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
	struct queue q = { .mu = PTHREAD_MUTEX_INITIALIZER,
		.can_put = PTHREAD_COND_INITIALIZER,
		.can_get = PTHREAD_COND_INITIALIZER };
	const char *path = "-";
	struct slot s;
	pthread_t th;
	long lineno = 0, count = 0;
	int c, r, started = 0, progress = isatty(STDERR_FILENO);

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
	q.f = stdin;
	if (strcmp(path, "-") != 0 && !(q.f = fopen(path, "r"))) {
		kz_error_set(KZ_EIO, "cannot read '%s': %s", path,
		    "no such file or not readable");
		return cli_fail(cli);
	}
	if (!cli_store(cli) || kz_store_begin(cli->st)) {
		r = cli->st ? cli_fail(cli) : CLI_ERR;
		goto done;
	}
	if (pthread_create(&th, NULL, reader, &q) != 0) {
		kz_error_set(KZ_ENOMEM, "out of memory");
		kz_store_rollback(cli->st);
		r = cli_fail(cli);
		goto done;
	}
	started = 1;
	while (queue_get(&q, &s)) {
		lineno = s.lineno;
		if (s.kind == SLOT_TOO_LONG) {
			kz_error_set(KZ_EINVAL, "line is longer than %u bytes",
			    LINE_MAX_BYTES);
			goto bad;
		}
		if (s.kind == SLOT_BAD_JSON) {
			kz_error_set(KZ_EINVAL, "malformed JSON: %s", s.err);
			goto bad;
		}
		if (!s.obj)
			continue;
		r = import_one(cli->st, s.obj, cli->actor);
		json_decref(s.obj);
		if (r)
			goto bad;
		count++;
		if (progress && count % 10000 == 0)
			fprintf(stderr, "\r%ld", count);
	}
	if (progress && count >= 10000)
		fprintf(stderr, "\r");
	if (ferror(q.f)) {
		kz_error_set(
		    KZ_EIO, "cannot read '%s': %s", path, "read error");
		goto bad;
	}
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
	if (started) {
		pthread_mutex_lock(&q.mu);
		q.stop = 1;
		pthread_cond_broadcast(&q.can_put);
		pthread_mutex_unlock(&q.mu);
		pthread_join(th, NULL);
		while (q.head != q.tail)
			json_decref(q.slots[q.head++ % QUEUE_LEN].obj);
	}
	if (q.f != stdin)
		fclose(q.f);
	return r;
}
