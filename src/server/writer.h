/* SPDX-License-Identifier: MIT */
/*
 * Group commit: writes that must be durable (a report taken in) are done
 * by one writer thread that commits a batch of them in one transaction,
 * each in its own savepoint, so that one fsync covers many requests and a
 * failing write fails alone. The request waits suspended meanwhile and
 * resumes in its continuation with the result.
 */
#ifndef KZ_WRITER_H
#define KZ_WRITER_H

#include "http.h"

struct kz_job {
	struct kz_job *next;
	struct kz_req *r;
	/* Runs in the writer thread inside a savepoint; returns 0 or a
	 * KZ_E* code with the error set. */
	int (*run)(struct kz_store *st, struct kz_job *job);
	void *data; /* the caller's */
	int rc;
	/* On failure: the error's status, code and message in r->lang. */
	unsigned status;
	const char *code;
	char message[1024];
};

/* Starts and stops the writer of srv (stop waits for queued jobs). */
int kz_writer_start(struct kz_server *srv);
void kz_writer_stop(struct kz_server *srv);

/*
 * Suspends r, queues job (owned by the caller, e.g. from r's arena) and
 * arranges for cont(r) to run when the job is done. The handler returns
 * right after. Returns 0, or -1 after answering 503 when the writer is
 * not running.
 */
int kz_writer_defer(
    struct kz_req *r, struct kz_job *job, int (*cont)(struct kz_req *r));

/* Answers with the job's error object. */
int kz_writer_fail(struct kz_req *r, const struct kz_job *job);

#endif
