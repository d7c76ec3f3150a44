/* SPDX-License-Identifier: MIT */
/*
 * kizuki serve: settings from an INI file, the environment and flags; the
 * listening socket bound before privileges are dropped; libmicrohttpd
 * with a thread pool, each worker with its own database connection; and
 * on SIGTERM or SIGINT a stop that lets requests in flight finish.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <ini.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "model/incident.h"
#include "model/user.h"
#include "deliver.h"
#include "notify/smtp.h"
#include "notify/template.h"
#include "routes.h"
#include "server_int.h"
#include "writer.h"

const double kz_lat_bounds[KZ_LAT_BUCKETS] = { 0.0005, 0.001, 0.0025, 0.005,
	0.01, 0.05, 0.25, 1.0 };

#define DRAIN_SECONDS 10

void
kz_server_config_init(struct kz_server_config *c)
{
	memset(c, 0, sizeof(*c));
	c->listen = kz_strdup("127.0.0.1:8080");
	c->db = kz_strdup("kizuki.db");
	c->max_body = 1u << 20;
	c->access_log = kz_strdup("-");
	c->session_ttl = 12 * 3600;
	c->login_max = 10;
	c->login_window = 15 * 60;
	c->lang = KZ_LANG_EN;
	c->sync_full = 1;
	c->cache = 1;
	c->deliver_interval = 30;
}

void
kz_server_config_release(struct kz_server_config *c)
{
	kz_free(c->listen);
	kz_free(c->db);
	kz_free(c->access_log);
	kz_free(c->tls_cert);
	kz_free(c->tls_key);
	kz_free(c->user);
	kz_free(c->ticket_prefix);
	kz_free(c->team);
	kz_free(c->team_email);
	kz_free(c->team_domain);
	kz_free(c->templates);
	kz_free(c->smtp_url);
	kz_free(c->smtp_user);
	if (c->smtp_password)
		sodium_memzero(c->smtp_password, strlen(c->smtp_password));
	kz_free(c->smtp_password);
	kz_free(c->starttls);
	memset(c, 0, sizeof(*c));
}

static int
set_str(char **dst, const char *v)
{
	char *p = kz_strdup(v);

	if (!p)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	kz_free(*dst);
	*dst = *v ? p : NULL;
	if (!*v)
		kz_free(p);
	return 0;
}

static int
set_num(long *out, const char *name, const char *v, long min, long max)
{
	if (kz_parse_long(out, v, min, max))
		return kz_error_set(KZ_EINVAL,
		    "option '%s' must be a number from %ld to %ld, not '%s'",
		    name, min, max, v);
	return 0;
}

int
kz_server_config_set(
    struct kz_server_config *c, const char *name, const char *value)
{
	long n;
	int rc;

	if (strcmp(name, "listen") == 0)
		return set_str(&c->listen, value);
	if (strcmp(name, "db") == 0)
		return set_str(&c->db, value);
	if (strcmp(name, "access_log") == 0)
		return set_str(&c->access_log, value);
	if (strcmp(name, "tls_cert") == 0)
		return set_str(&c->tls_cert, value);
	if (strcmp(name, "tls_key") == 0)
		return set_str(&c->tls_key, value);
	if (strcmp(name, "user") == 0)
		return set_str(&c->user, value);
	if (strcmp(name, "ticket_prefix") == 0)
		return set_str(&c->ticket_prefix, value);
	{
		static const struct {
			const char *name;
			size_t off;
		} strs[] = {
			{ "team", offsetof(struct kz_server_config, team) },
			{ "team_email",
			    offsetof(struct kz_server_config, team_email) },
			{ "team_domain",
			    offsetof(struct kz_server_config, team_domain) },
			{ "templates",
			    offsetof(struct kz_server_config, templates) },
			{ "smtp_url",
			    offsetof(struct kz_server_config, smtp_url) },
			{ "smtp_user",
			    offsetof(struct kz_server_config, smtp_user) },
			{ "smtp_password",
			    offsetof(struct kz_server_config, smtp_password) },
		};

		for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			if (strcmp(name, strs[i].name) == 0)
				return set_str(
				    (char **)((char *)c + strs[i].off), value);
	}
	if (strcmp(name, "starttls") == 0) {
		enum kz_smtp_tls tls;

		if ((rc = kz_smtp_tls_parse(&tls, value)))
			return rc;
		return set_str(&c->starttls, value);
	}
	if (strcmp(name, "remind_days") == 0) {
		if (!(rc = set_num(&n, name, value, 1, 365)))
			c->remind_days = (int)n;
		return rc;
	}
	if (strcmp(name, "deliver_interval") == 0) {
		if (!(rc = set_num(&n, name, value, 1, 86400)))
			c->deliver_interval = (int)n;
		return rc;
	}
	if (strcmp(name, "threads") == 0) {
		if (!(rc = set_num(&n, name, value, 0, 256)))
			c->threads = (int)n;
		return rc;
	}
	if (strcmp(name, "max_body") == 0) {
		if (!(rc = set_num(&n, name, value, 1024, 64L << 20)))
			c->max_body = (size_t)n;
		return rc;
	}
	if (strcmp(name, "session_ttl") == 0) {
		if (!(rc = set_num(&n, name, value, 60, 30L * 86400)))
			c->session_ttl = n;
		return rc;
	}
	if (strcmp(name, "login_max") == 0) {
		if (!(rc = set_num(&n, name, value, 1, 1000)))
			c->login_max = (int)n;
		return rc;
	}
	if (strcmp(name, "login_window") == 0) {
		if (!(rc = set_num(&n, name, value, 1, 86400)))
			c->login_window = n;
		return rc;
	}
	if (strcmp(name, "lang") == 0)
		return kz_lang_parse(&c->lang, value);
	if (strcmp(name, "cache") == 0) {
		if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
			return kz_error_set(KZ_EINVAL,
			    "option '%s' must be 'on' or 'off', not '%s'", name,
			    value);
		c->cache = strcmp(value, "on") == 0;
		return 0;
	}
	if (strcmp(name, "sync") == 0) {
		if (strcmp(value, "full") != 0 && strcmp(value, "normal") != 0)
			return kz_error_set(KZ_EINVAL,
			    "option '%s' must be 'full' or 'normal', not '%s'",
			    name, value);
		c->sync_full = strcmp(value, "full") == 0;
		return 0;
	}
	return kz_error_set(KZ_EINVAL, "unknown option '%s'", name);
}

struct ini_ctx {
	struct kz_server_config *c;
	int rc;
};

static int
on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *x = user;

	/* The sections kizuki contact reads, by their keys there. */
	static const char *const map[][3] = { { "team", "name", "team" },
		{ "team", "email", "team_email" },
		{ "team", "domain", "team_domain" },
		{ "templates", "dir", "templates" },
		{ "smtp", "url", "smtp_url" }, { "smtp", "user", "smtp_user" },
		{ "smtp", "password", "smtp_password" },
		{ "smtp", "starttls", "starttls" },
		{ "contact", "remind_days", "remind_days" } };

	if (x->rc)
		return 0;
	if (strcmp(section, "server") == 0) {
		x->rc = kz_server_config_set(x->c, name, value);
		return x->rc == 0;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(section, map[i][0]) == 0 &&
		    strcmp(name, map[i][1]) == 0) {
			x->rc = kz_server_config_set(x->c, map[i][2], value);
			return x->rc == 0;
		}
	if (strcmp(section, "team") == 0 || strcmp(section, "templates") == 0 ||
	    strcmp(section, "smtp") == 0 || strcmp(section, "contact") == 0)
		x->rc = kz_error_set(KZ_EINVAL,
		    "unknown key '%s' in section '[%s]'", name, section);
	else
		x->rc = kz_error_set(KZ_EINVAL,
		    "unknown section '[%s]' (kizuki serve reads [server], "
		    "[team], [smtp], [templates] and [contact])",
		    section);
	return 0;
}

int
kz_server_config_load(struct kz_server_config *c, const char *path)
{
	struct ini_ctx x = { c, 0 };
	char line[16];
	int rc = ini_parse(path, on_ini, &x);

	if (rc == -1)
		return kz_error_set(KZ_EIO, "cannot read config file '%s': %s",
		    path, strerror(errno));
	if (rc == -2)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	if (rc > 0) {
		snprintf(line, sizeof(line), "%d", rc);
		if (x.rc)
			return kz_error_wrap(x.rc, line);
		return kz_error_set(KZ_EINVAL,
		    "config file '%s', line %s: not 'name = value'", path,
		    line);
	}
	return 0;
}

int
kz_server_config_env(struct kz_server_config *c)
{
	/* KIZUKI_USER names the actor of the command line, so the user to
	 * run as is KIZUKI_RUN_AS. */
	static const char *const map[][2] = { { "KIZUKI_LISTEN", "listen" },
		{ "KIZUKI_THREADS", "threads" },
		{ "KIZUKI_MAX_BODY", "max_body" },
		{ "KIZUKI_ACCESS_LOG", "access_log" },
		{ "KIZUKI_TLS_CERT", "tls_cert" },
		{ "KIZUKI_TLS_KEY", "tls_key" }, { "KIZUKI_RUN_AS", "user" },
		{ "KIZUKI_SESSION_TTL", "session_ttl" },
		{ "KIZUKI_SYNC", "sync" }, { "KIZUKI_CACHE", "cache" },
		{ "KIZUKI_TEAM", "team" },
		{ "KIZUKI_TEAM_EMAIL", "team_email" },
		{ "KIZUKI_TEMPLATES", "templates" },
		{ "KIZUKI_SMTP_URL", "smtp_url" },
		{ "KIZUKI_SMTP_USER", "smtp_user" },
		{ "KIZUKI_SMTP_PASSWORD", "smtp_password" } };
	int rc;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = getenv(map[i][0]);

		if (v && *v && (rc = kz_server_config_set(c, map[i][1], v)))
			return kz_error_wrap(rc, map[i][0]);
	}
	return 0;
}

static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void
close_store(void *p)
{
	kz_store_close(p);
}

static void
make_key(void)
{
	if (pthread_key_create(&store_key, close_store) != 0)
		abort();
}

int
kz_server_store_tune(struct kz_store *st, int sync_full)
{
	int rc;

	/* Durable: each answered write is on disk (SQLite: WAL, fsync at
	 * commit; PostgreSQL: the commit waits for its WAL flush). A small
	 * page cache per SQLite connection keeps the server's memory low. */
	if (kz_store_dialect(st) == KZ_DIALECT_POSTGRES)
		return kz_store_exec(st,
		    sync_full ? "SET synchronous_commit = on" :
				"SET synchronous_commit = off");
	if ((rc = kz_store_exec(st,
		 sync_full ? "PRAGMA synchronous=FULL" :
			     "PRAGMA synchronous=NORMAL")))
		return rc;
	return kz_store_exec(st, "PRAGMA cache_size=-4096");
}

struct kz_store *
kz_server_store(struct kz_server *srv)
{
	struct kz_store *st;

	pthread_once(&store_once, make_key);
	if ((st = pthread_getspecific(store_key)))
		return st;
	if (kz_store_open(&st, srv->cfg.db, KZ_STORE_NOCREATE))
		return NULL;
	if (kz_server_store_tune(st, srv->cfg.sync_full)) {
		kz_store_close(st);
		return NULL;
	}
	pthread_setspecific(store_key, st);
	return st;
}

void
kz_server_log(struct kz_server *srv, const char *line, size_t len)
{
	/* One write per line with O_APPEND keeps lines whole. */
	if (srv->log_fd >= 0 && write(srv->log_fd, line, len) < 0)
		return;
}

/* Parses ADDR:PORT or [ADDR6]:PORT into ss. */
static int
parse_listen(struct sockaddr_storage *ss, socklen_t *len, const char *s)
{
	char host[128];
	const char *colon, *port;
	long p;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':' ||
		    (size_t)(end - s - 1) >= sizeof(host))
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(end - s - 1), s + 1);
		port = end + 2;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			goto bad;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
		port = colon + 1;
	}
	if (kz_parse_long(&p, port, 0, 65535))
		goto bad;
	if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0",
		&((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)p);
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(
		AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)p);
		*len = sizeof(struct sockaddr_in6);
		return 0;
	}
bad:
	return kz_error_set(KZ_EINVAL,
	    "cannot listen on '%s': give ADDRESS:PORT, like 127.0.0.1:8080 or "
	    "[::1]:8080",
	    s);
}

static int
bind_socket(int *out, char *shown, size_t shownsz, const char *listen_on)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[INET6_ADDRSTRLEN];
	int fd, one = 1, rc, port;

	if ((rc = parse_listen(&ss, &len, listen_on)))
		return rc;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return kz_error_set(KZ_EIO, "cannot listen on '%s': %s",
		    listen_on, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen(fd, 1024) != 0) {
		rc = kz_error_set(KZ_EIO, "cannot listen on '%s': %s",
		    listen_on, strerror(errno));
		close(fd);
		return rc;
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
		    sizeof(host));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		snprintf(shown, shownsz, "%s:%d", host, port);
	} else {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    host, sizeof(host));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		snprintf(shown, shownsz, "[%s]:%d", host, port);
	}
	*out = fd;
	return 0;
}

static int
drop_privileges(const char *user, FILE *err)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		if (user)
			fprintf(err,
			    "kizuki serve: not root, so --user %s is not "
			    "needed; running as is\n",
			    user);
		return 0;
	}
	if (!user) {
		fprintf(err,
		    "kizuki serve: warning: running as root; give --user NAME "
		    "to run as that user after binding the port\n");
		return 0;
	}
	if (!(pw = getpwnam(user)))
		return kz_error_set(KZ_EINVAL, "no system user '%s'", user);
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return kz_error_set(KZ_EPERM, "cannot become user '%s': %s",
		    user, strerror(errno));
	if (setuid(0) == 0)
		return kz_error_set(KZ_EPERM,
		    "still able to become root after dropping to '%s'", user);
	return 0;
}

static int
read_file(char **out, const char *path)
{
	struct kz_buf b = KZ_BUF_INIT(1 << 20);
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return kz_error_set(
		    KZ_EIO, "cannot read '%s': %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		kz_buf_add(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0 || b.err) {
		kz_buf_release(&b);
		return kz_error_set(KZ_EIO, "cannot read '%s': %s", path,
		    n < 0 ? strerror(errno) : "too large");
	}
	*out = kz_buf_detach(&b, NULL);
	return 0;
}

/* The key the servers on this database share; made by the first. */
static int
load_form_key(struct kz_server *srv, struct kz_store *st)
{
	unsigned char fresh[sizeof(srv->form_key)];
	struct kz_stmt *s;
	const void *v;
	size_t len = 0;
	int rc;

	randombytes_buf(fresh, sizeof(fresh));
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO server_keys (name, value, created_at) "
		 "VALUES ('form', ?, ?) ON CONFLICT (name) DO NOTHING")))
		return rc;
	kz_stmt_bind_blob(s, 1, fresh, sizeof(fresh));
	kz_stmt_bind_int(s, 2, kz_time_now());
	rc = kz_stmt_exec(s);
	sodium_memzero(fresh, sizeof(fresh));
	if (rc ||
	    (rc = kz_store_prepare(
		 &s, st, "SELECT value FROM server_keys WHERE name = 'form'")))
		return rc;
	if ((rc = kz_stmt_step(s)) == KZ_ROW) {
		v = kz_stmt_blob(s, 0, &len);
		if (v && len == sizeof(srv->form_key))
			memcpy(srv->form_key, v, len);
		kz_stmt_step(s);
	}
	if (rc < 0)
		return rc;
	if (len != sizeof(srv->form_key))
		return kz_error_set(KZ_EIO,
		    "the form key in the database is damaged (table "
		    "server_keys)");
	return 0;
}

static int
cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

static void
on_mhd_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
	(void)cls;
	fprintf(stderr, "kizuki serve: libmicrohttpd failed at %s:%u: %s\n",
	    file ? file : "?", line, reason ? reason : "?");
	abort();
}

int
kz_server_run(struct kz_server_config *cfg, FILE *err)
{
	struct kz_server *srv;
	struct kz_store *st = NULL;
	char shown[96], *cert = NULL, *key = NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
	    MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
	sigset_t sigs;
	int fd = -1, sig = 0, rc, threads;
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	srv = kz_calloc(1, sizeof(*srv));
	if (!srv)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	srv->cfg = *cfg;
	srv->log_fd = -1;
	srv->started = kz_time_now();
	threads = cfg->threads > 0 ? cfg->threads : cores();
	if (cfg->ticket_prefix &&
	    (rc = kz_incident_set_prefix(cfg->ticket_prefix)))
		goto done;
	if (!cfg->tls_cert != !cfg->tls_key) {
		rc = kz_error_set(KZ_EINVAL,
		    "TLS needs both a certificate and a key (--tls-cert and "
		    "--tls-key)");
		goto done;
	}
	if (cfg->tls_cert) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			rc = kz_error_set(
			    KZ_EINVAL, "this libmicrohttpd has no TLS support");
			goto done;
		}
		if ((rc = read_file(&cert, cfg->tls_cert)) ||
		    (rc = read_file(&key, cfg->tls_key)))
			goto done;
		flags |= MHD_USE_TLS;
		srv->tls = 1;
	}
	if (strcmp(cfg->access_log, "-") == 0) {
		srv->log_fd = STDERR_FILENO;
	} else if (strcmp(cfg->access_log, "off") != 0) {
		srv->log_fd = open(cfg->access_log,
		    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (srv->log_fd < 0) {
			rc = kz_error_set(KZ_EIO,
			    "cannot open access log '%s': %s", cfg->access_log,
			    strerror(errno));
			goto done;
		}
	}
	/* Bind first: a port under 1024 needs root; then drop it. */
	if ((rc = bind_socket(&fd, shown, sizeof(shown), cfg->listen)) ||
	    (rc = drop_privileges(cfg->user, err)))
		goto done;
	/* Creates or migrates the database once, before the workers. */
	if ((rc = kz_store_open(&st, cfg->db, 0)) ||
	    (rc = kz_session_purge(st)) || (rc = load_form_key(srv, st)))
		goto done;
	kz_store_close(st);
	st = NULL;
	/* Templates are parsed now: a bad one stops the start. */
	if ((rc = kz_templates_load(&srv->templates, cfg->templates)))
		goto done;
	srv->notify.team = cfg->team ? cfg->team : "CSIRT";
	srv->notify.team_email = cfg->team_email;
	srv->notify.team_domain = cfg->team_domain;
	srv->notify.templates = srv->templates;
	srv->notify.remind_days = cfg->remind_days;
	if ((rc = kz_writer_start(srv)) || (rc = kz_deliver_start(srv)))
		goto done;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGPIPE);
	/* Workers inherit the mask: signals come to sigwait below. */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	MHD_set_panic_func(on_mhd_panic, NULL);
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, kz_http_on_request,
	    srv, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)threads, MHD_OPTION_NOTIFY_COMPLETED, kz_http_completed,
	    srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
	    srv->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	if (!srv->daemon) {
		rc = kz_error_set(KZ_EIO,
		    "cannot start the HTTP server on '%s' (TLS certificate "
		    "and key unreadable?)",
		    shown);
		goto done;
	}
	fd = -1; /* the daemon's now */
	fprintf(err, "kizuki serve: listening on %s://%s/ (%d threads)\n",
	    srv->tls ? "https" : "http", shown, threads);
	fflush(err);
	while (sigwait(&sigs, &sig) == 0 && sig == SIGPIPE)
		;
	fprintf(err, "kizuki serve: stopping (%s)\n",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT");
	fflush(err);
	/* Stop accepting, let the requests in flight finish, then stop. */
	{
		MHD_socket lfd = MHD_quiesce_daemon(srv->daemon);
		int64_t waited = 0;

		if (lfd != MHD_INVALID_SOCKET)
			close(lfd);
		while (atomic_load(&srv->m.in_flight) > 0 &&
		    waited < DRAIN_SECONDS * 50) {
			nanosleep(&pause, NULL);
			waited++;
		}
	}
	MHD_stop_daemon(srv->daemon);
	rc = 0;
done:
	kz_deliver_stop(srv);
	kz_writer_stop(srv);
	kz_templates_free(srv->templates);
	sodium_memzero(srv->form_key, sizeof(srv->form_key));
	if (fd >= 0)
		close(fd);
	kz_store_close(st);
	if (srv->log_fd > STDERR_FILENO)
		close(srv->log_fd);
	kz_free(cert);
	kz_free(key);
	kz_free(srv);
	return rc;
}

void
kz_server_print_routes(FILE *out)
{
	static const char *const roles[] = { "admin", "handler", "member",
		"reporter" };

	for (const struct kz_route *rt = kz_routes; rt->method; rt++) {
		int first = 1;

		fprintf(out, "%s %s ", rt->method, rt->pattern);
		if (rt->flags & KZ_RT_PUBLIC) {
			fprintf(out, "public\n");
			continue;
		}
		for (int i = 0; i < 4; i++)
			if (rt->roles & (1u << i)) {
				fprintf(
				    out, "%s%s", first ? "" : ",", roles[i]);
				first = 0;
			}
		fprintf(out, "\n");
	}
}
