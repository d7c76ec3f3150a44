/* SPDX-License-Identifier: MIT */
/*
 * kizuki serve: configuration (INI file, then environment, then flags),
 * the listening socket, privilege dropping, TLS, the worker threads'
 * stores, metrics, and a graceful stop on SIGTERM.
 */
#ifndef KZ_SERVER_H
#define KZ_SERVER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/i18n.h"
#include "notify/compose.h"

struct kz_server_config {
	char *listen;     /* ADDR:PORT, [v6]:PORT */
	char *db;         /* database path or URI */
	int threads;      /* 0: one per core */
	size_t max_body;  /* bytes of one request body */
	char *access_log; /* "-" standard error, "off", or a file */
	char *tls_cert;   /* PEM files; both or neither */
	char *tls_key;
	char *user;          /* drop to this user after binding as root */
	int64_t session_ttl; /* seconds */
	int login_max;       /* failed logins allowed per window */
	int64_t login_window;
	char *ticket_prefix;
	enum kz_lang lang; /* when Accept-Language names none of ours */
	int sync_full;     /* fsync every commit (default) or not */
	int cache;         /* keep GET answers until the database changes */
	/* Notifications (shared with kizuki contact: [team], [smtp],
	 * [templates] and [contact] of the same file). */
	char *team;        /* the team's name in mails */
	char *team_email;  /* From; NULL: the notify dialog says to set it */
	char *team_domain; /* NULL: after '@' of team_email */
	char *templates;   /* directory of templates over the built-in ones */
	char *smtp_url;    /* NULL: notices stay queued for kizuki outbox */
	char *smtp_user;
	char *smtp_password;
	char *starttls;       /* none, try (default), required */
	int remind_days;      /* 0: 7 */
	int deliver_interval; /* seconds between outbox runs */
};

/* Fills the defaults. Strings are owned by the config (heap copies). */
void kz_server_config_init(struct kz_server_config *c);
void kz_server_config_release(struct kz_server_config *c);

/*
 * Sets one option by its file/flag name ("listen", "max_body" ...).
 * KZ_EINVAL naming the option or the value.
 */
int kz_server_config_set(
    struct kz_server_config *c, const char *name, const char *value);

/*
 * Reads an INI file: [server], and [team] name/email/domain, [smtp]
 * url/user/password/starttls, [templates] dir and [contact] remind_days
 * as kizuki contact reads them. KZ_EIO, KZ_EINVAL with the line.
 */
int kz_server_config_load(struct kz_server_config *c, const char *path);

/* Applies KIZUKI_* environment variables (KIZUKI_LISTEN ...). */
int kz_server_config_env(struct kz_server_config *c);

/* Counters for /metrics. */
#define KZ_LAT_BUCKETS 8
struct kz_metrics {
	atomic_ullong requests[6]; /* by status class: 1xx..5xx, [0] other */
	atomic_ullong latency[KZ_LAT_BUCKETS + 1]; /* cumulative at render */
	atomic_ullong latency_sum_us;
	atomic_ullong bytes_out;
	atomic_int in_flight;
	atomic_ullong logins_failed;
	atomic_ullong body_too_large;
};

extern const double kz_lat_bounds[KZ_LAT_BUCKETS]; /* seconds */

struct kz_deliverer;

struct kz_server {
	struct kz_server_config cfg;
	struct MHD_Daemon *daemon;
	int tls;
	int64_t started;
	int log_fd; /* -1: no access log */
	struct kz_metrics m;
	struct kz_writer *writer; /* group commit (writer.h) */
	struct kz_templates *templates;
	struct kz_notify_config notify; /* from cfg and templates, at start */
	struct kz_deliverer *deliverer; /* the outbox thread; NULL: none */
	/* The key of the public form's tokens, the same for every server
	 * process on one database (kept in it). */
	unsigned char form_key[32];
};

/* The worker thread's store, opened on first use; NULL after an error. */
struct kz_store *kz_server_store(struct kz_server *srv);

/*
 * Sets a server's connection up for the sync setting (1: full) and a
 * small cache, in the store's own dialect. 0 or the store's error.
 */
int kz_server_store_tune(struct kz_store *st, int sync_full);

/* Writes one access log line (JSON), if logging is on. */
void kz_server_log(struct kz_server *srv, const char *line, size_t len);

/*
 * Runs the server until SIGTERM or SIGINT: binds, drops privileges, serves,
 * then stops accepting, lets requests in flight finish (up to 10 s) and
 * returns. Messages go to err. Returns 0, or a KZ_E* code with the error
 * set.
 */
int kz_server_run(struct kz_server_config *cfg, FILE *err);

/* Prints the route table: "METHOD PATH ROLES" a line. */
void kz_server_print_routes(FILE *out);

/* The OpenAPI document compiled in. */
extern const char kz_openapi_json[];
extern const size_t kz_openapi_json_len;

#endif
