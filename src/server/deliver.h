/* SPDX-License-Identifier: MIT */
/*
 * The server's outbox thread: when an SMTP server is configured, notices
 * queued from the web (the notify dialog, the API) are delivered at once
 * and the outbox is swept every deliver_interval seconds for retries and
 * reminders, as `kizuki outbox run` would. Without one nothing starts and
 * queued notices wait for `kizuki outbox run`.
 */
#ifndef KZ_DELIVER_H
#define KZ_DELIVER_H

#include "server.h"

/* Starts the thread when cfg.smtp_url is set. 0 or a KZ_E* code. */
int kz_deliver_start(struct kz_server *srv);

/* Asks for a run now (after a notice was queued); no-op without one. */
void kz_deliver_kick(struct kz_server *srv);

/* Stops the thread after the run in progress, if any. */
void kz_deliver_stop(struct kz_server *srv);

#endif
