/* SPDX-License-Identifier: MIT */
/*
 * The outbox thread (deliver.h): its own database connection, one run of
 * kz_outbox_run() when kicked or when the interval has passed, and a stop
 * that waits for the run in progress. The outbox marks what it sends, so
 * this thread and `kizuki outbox run` elsewhere never send a notice twice.
 */
#include "deliver.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "notify/outbox.h"
#include "notify/smtp.h"
#include "store/store.h"

struct kz_deliverer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, kicked;
	struct kz_server *srv;
	struct kz_smtp_config smtp;
};

static void
run_once(struct kz_deliverer *d, struct kz_store *st)
{
	const struct kz_server_config *c = &d->srv->cfg;
	struct kz_outbox_opts o = { 0 };
	struct kz_outbox_stats os = { 0 };

	o.smtp = &d->smtp;
	o.from = c->team_email;
	o.remind_days = c->remind_days;
	if (kz_outbox_run(&os, st, &o))
		fprintf(
		    stderr, "kizuki serve: outbox: %s\n", kz_error_message());
	else if (os.sent || os.retry || os.failed || os.reclaimed)
		fprintf(stderr,
		    "kizuki serve: outbox: %zu sent, %zu to retry, %zu failed, "
		    "%zu taken back\n",
		    os.sent, os.retry, os.failed, os.reclaimed);
	kz_error_clear();
}

static void *
deliver_main(void *arg)
{
	struct kz_deliverer *d = arg;
	struct kz_store *st = NULL;
	struct timespec until;

	pthread_mutex_lock(&d->mu);
	while (!d->stop) {
		d->kicked = 0;
		pthread_mutex_unlock(&d->mu);
		if (!st &&
		    kz_store_open(&st, d->srv->cfg.db, KZ_STORE_NOCREATE))
			fprintf(stderr, "kizuki serve: outbox: %s\n",
			    kz_error_message());
		if (st)
			run_once(d, st);
		pthread_mutex_lock(&d->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += d->srv->cfg.deliver_interval;
		while (!d->stop && !d->kicked &&
		    pthread_cond_timedwait(&d->cv, &d->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&d->mu);
	kz_store_close(st);
	return NULL;
}

int
kz_deliver_start(struct kz_server *srv)
{
	const struct kz_server_config *c = &srv->cfg;
	struct kz_deliverer *d;

	srv->deliverer = NULL;
	if (!c->smtp_url)
		return 0;
	if (!c->team_email)
		return kz_error_set(KZ_EINVAL,
		    "an SMTP server is set but not the team's address: set "
		    "[team] email or KIZUKI_TEAM_EMAIL");
	if (!(d = kz_calloc(1, sizeof(*d))))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	d->srv = srv;
	d->smtp.url = c->smtp_url;
	d->smtp.user = c->smtp_user;
	d->smtp.password = c->smtp_password;
	kz_smtp_tls_parse(&d->smtp.tls, c->starttls); /* checked when set */
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	if (pthread_create(&d->thread, NULL, deliver_main, d) != 0) {
		pthread_cond_destroy(&d->cv);
		pthread_mutex_destroy(&d->mu);
		kz_free(d);
		return kz_error_set(KZ_EIO, "cannot start the outbox thread");
	}
	srv->deliverer = d;
	return 0;
}

void
kz_deliver_kick(struct kz_server *srv)
{
	struct kz_deliverer *d = srv->deliverer;

	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->kicked = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

void
kz_deliver_stop(struct kz_server *srv)
{
	struct kz_deliverer *d = srv->deliverer;

	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->thread, NULL);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	kz_free(d);
	srv->deliverer = NULL;
}
