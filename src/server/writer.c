/* SPDX-License-Identifier: MIT */
/*
 * The writer thread of group commit: takes every queued job, runs each in
 * a savepoint of one transaction, commits once (one fsync for the batch),
 * then resumes the waiting requests.
 */
#include "writer.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "server.h"

#define BATCH_MAX 256

struct kz_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct kz_job *head, *tail;
	int stop;
	struct kz_store *st;
};

static void
record_error(struct kz_job *job)
{
	const char *fmt = kz_error_format();
	const char *msg =
	    kz_error_render(fmt ? kz_tr(job->r->lang, fmt) : NULL);

	job->status = kz_http_status_of(job->rc, &job->code);
	if (job->status >= 500) {
		fprintf(
		    stderr, "kizuki serve: writer: %s\n", kz_error_message());
		kz_error_set(KZ_EIO, "internal error: see the server log");
		msg = kz_error_render(kz_tr(job->r->lang, kz_error_format()));
		if (job->rc == KZ_EBUSY)
			job->status = 503;
	}
	snprintf(job->message, sizeof(job->message), "%s", msg);
}

/* Runs one job in a savepoint of the open transaction. */
static void
run_one(struct kz_store *st, struct kz_job *job)
{
	if ((job->rc = kz_store_begin(st)) == 0) {
		job->rc = job->run(st, job);
		if (job->rc)
			kz_store_rollback(st);
		else
			job->rc = kz_store_commit(st);
	}
	if (job->rc)
		record_error(job);
	kz_error_clear();
}

static void
run_batch(struct kz_writer *w, struct kz_job *batch)
{
	struct kz_job *j;
	int rc;

	if ((rc = kz_store_begin(w->st)) == 0) {
		for (j = batch; j; j = j->next)
			run_one(w->st, j);
		rc = kz_store_commit(w->st);
		if (rc)
			kz_store_rollback(w->st);
	}
	if (rc)
		/* Nothing of the batch was kept: every job fails with it. */
		for (j = batch; j; j = j->next)
			if (!j->rc) {
				j->rc = rc;
				record_error(j);
			}
	kz_error_clear();
}

static void *
writer_main(void *arg)
{
	struct kz_server *srv = arg;
	struct kz_writer *w = srv->writer;

	for (;;) {
		struct kz_job *batch, *j, *next, **tailp;
		int n = 0;

		pthread_mutex_lock(&w->mu);
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head && w->stop) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		batch = w->head;
		tailp = &batch;
		for (j = batch; j && n < BATCH_MAX; j = j->next, n++)
			tailp = &j->next;
		w->head = *tailp;
		*tailp = NULL;
		if (!w->head)
			w->tail = NULL;
		pthread_mutex_unlock(&w->mu);

		run_batch(w, batch);
		for (j = batch; j; j = next) {
			next = j->next;
			MHD_resume_connection(j->r->conn);
		}
	}
	return NULL;
}

int
kz_writer_start(struct kz_server *srv)
{
	struct kz_writer *w = calloc(1, sizeof(*w));
	int rc;

	if (!w)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	if ((rc = kz_store_open(&w->st, srv->cfg.db, KZ_STORE_NOCREATE)) ||
	    (rc = kz_server_store_tune(w->st, srv->cfg.sync_full))) {
		kz_store_close(w->st);
		free(w);
		return rc;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	srv->writer = w;
	if (pthread_create(&w->thread, NULL, writer_main, srv) != 0) {
		kz_store_close(w->st);
		free(w);
		srv->writer = NULL;
		return kz_error_set(
		    KZ_ENOMEM, "cannot start the writer thread");
	}
	return 0;
}

void
kz_writer_stop(struct kz_server *srv)
{
	struct kz_writer *w = srv->writer;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	kz_store_close(w->st);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
	srv->writer = NULL;
}

int
kz_writer_defer(
    struct kz_req *r, struct kz_job *job, int (*cont)(struct kz_req *r))
{
	struct kz_writer *w = r->srv->writer;

	if (!w) {
		kz_error_set(KZ_EBUSY, "the server is stopping");
		return kz_http_fail_as(r, 503, "busy"), -1;
	}
	job->r = job->r ? job->r : r;
	job->next = NULL;
	job->rc = 0;
	r->resume = cont;
	r->suspended = 1;
	MHD_suspend_connection(r->conn);
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int
kz_writer_fail(struct kz_req *r, const struct kz_job *job)
{
	json_t *o = json_pack("{s:{s:s, s:s}}", "error", "code", job->code,
	    "message", job->message);

	if (job->status == 503)
		kz_http_header(r, "Retry-After", "1");
	return kz_http_json(r, job->status, o);
}
