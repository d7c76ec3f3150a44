/* SPDX-License-Identifier: MIT */
/*
 * Users, passwords (Argon2id), API tokens, sessions and the failed-login
 * counts behind rate limiting. Secrets never reach the database: tokens
 * and session ids are kept as SHA-256, passwords as Argon2id strings.
 */
#include "user.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"

/* Argon2id limits: 2 passes over 19 MiB (OWASP's minimum for Argon2id),
 * so that a burst of logins does not exhaust a small server's memory. */
#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u << 20)

static const char *const role_names[] = { "admin", "handler", "member",
	"reporter", NULL };

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void
sodium_setup(void)
{
	/* Cannot fail in practice on Linux; randombytes still works. */
	if (sodium_init() < 0)
		return;
}

int
kz_role_parse(enum kz_role *out, const char *s)
{
	char list[128];
	int i = s ? kz_name_index(role_names, s) : -1;

	if (i < 0)
		return kz_error_set(KZ_EINVAL, "unknown role '%s' (one of: %s)",
		    s ? s : "", kz_name_list(list, sizeof(list), role_names));
	*out = (enum kz_role)(1 << i);
	return 0;
}

const char *
kz_role_name(enum kz_role r)
{
	for (int i = 0; role_names[i]; i++)
		if ((unsigned)r == 1u << i)
			return role_names[i];
	return "none";
}

void
kz_sha256_hex(char out[65], const void *s, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, s, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void
random_hex(char *out, size_t nbytes)
{
	unsigned char r[64];

	pthread_once(&sodium_once, sodium_setup);
	randombytes_buf(r, nbytes);
	sodium_bin2hex(out, nbytes * 2 + 1, r, nbytes);
	sodium_memzero(r, sizeof(r));
}

void
kz_user_release(struct kz_user *u)
{
	if (!u)
		return;
	kz_free(u->org);
	u->org = NULL;
}

void
kz_user_free(struct kz_user *u)
{
	kz_user_release(u);
	kz_free(u);
}

int
kz_user_name_check(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > KZ_USER_NAME_MAX)
		goto bad;
	if (name[0] == '.' || name[0] == '-')
		goto bad;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '_' ||
			c == '-' || c == '@'))
			goto bad;
	}
	return 0;
bad:
	return kz_error_set(KZ_EINVAL,
	    "invalid user name '%s': use 1 to 64 letters, digits, '.', '_', "
	    "'-' or '@', not starting with '.' or '-'",
	    name ? name : "");
}

int
kz_password_check(const char *pw)
{
	size_t n = pw ? strlen(pw) : 0;

	if (n < KZ_PASSWORD_MIN)
		return kz_error_set(KZ_EINVAL,
		    "the password is too short (at least %d characters)",
		    KZ_PASSWORD_MIN);
	if (n > KZ_PASSWORD_MAX)
		return kz_error_set(KZ_EINVAL,
		    "the password is too long (at most %d bytes)",
		    KZ_PASSWORD_MAX);
	if (!kz_utf8_valid(pw, n))
		return kz_error_set(
		    KZ_EINVAL, "the password is not valid UTF-8");
	return 0;
}

int
kz_password_hash(char out[128], const char *password)
{
	pthread_once(&sodium_once, sodium_setup);
	if (crypto_pwhash_str_alg(out, password, strlen(password), PW_OPSLIMIT,
		PW_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return kz_error_set(
		    KZ_ENOMEM, "out of memory hashing a password");
	return 0;
}

int
kz_password_verify(const char *hash, const char *password)
{
	pthread_once(&sodium_once, sodium_setup);
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void
kz_password_generate(char out[KZ_PASSWORD_GEN_LEN + 1])
{
	/* No look-alikes (0/O, 1/l/I), so it can be read off a screen. */
	static const char alphabet[] =
	    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

	pthread_once(&sodium_once, sodium_setup);
	for (int i = 0; i < KZ_PASSWORD_GEN_LEN; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[KZ_PASSWORD_GEN_LEN] = '\0';
}

/* Finds the org id for a role; org NULL means none. */
static int
resolve_org(
    int64_t *org_id, struct kz_store *st, enum kz_role role, const char *org)
{
	struct kz_stmt *s;
	int rc;

	*org_id = 0;
	if (!org || !*org) {
		if (role == KZ_ROLE_MEMBER)
			return kz_error_set(KZ_EINVAL,
			    "a member belongs to an org: give one with --org");
		return 0;
	}
	if (role == KZ_ROLE_ADMIN || role == KZ_ROLE_HANDLER)
		return kz_error_set(KZ_EINVAL,
		    "a %s sees every org's incidents: give no org",
		    kz_role_name(role));
	if ((rc = kz_store_prepare(
		 &s, st, "SELECT id FROM orgs WHERE name = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, org);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		*org_id = kz_stmt_int(s, 0);
		kz_stmt_step(s);
		return 0;
	}
	if (rc == KZ_DONE)
		return kz_error_set(
		    KZ_ENOTFOUND, "no org '%s' (see 'kizuki org list')", org);
	return rc;
}

int
kz_user_add(struct kz_user *u, struct kz_store *st, const char *name,
    enum kz_role role, const char *org, const char *password, int must_change)
{
	char hash[128];
	struct kz_stmt *s;
	int64_t now = kz_time_now(), org_id;
	int rc;

	memset(u, 0, sizeof(*u));
	if ((rc = kz_user_name_check(name)))
		return rc;
	if (password && (rc = kz_password_check(password)))
		return rc;
	if ((rc = resolve_org(&org_id, st, role, org)))
		return rc;
	if (password && (rc = kz_password_hash(hash, password)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO users (name, role, org_id, password_hash, "
		 "must_change_password, created_at, updated_at) "
		 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")))
		goto done;
	kz_stmt_bind_text(s, 1, name);
	kz_stmt_bind_text(s, 2, kz_role_name(role));
	if (org_id)
		kz_stmt_bind_int(s, 3, org_id);
	else
		kz_stmt_bind_null(s, 3);
	if (password)
		kz_stmt_bind_text(s, 4, hash);
	else
		kz_stmt_bind_null(s, 4);
	kz_stmt_bind_int(s, 5, must_change ? 1 : 0);
	kz_stmt_bind_int(s, 6, now);
	kz_stmt_bind_int(s, 7, now);
	rc = kz_stmt_step(s);
	if (rc == KZ_EEXISTS) {
		rc = kz_error_set(KZ_EEXISTS, "user '%s' already exists", name);
		goto done;
	}
	if (rc != KZ_ROW)
		goto done;
	u->id = kz_stmt_int(s, 0);
	rc = kz_stmt_step(s);
	if (rc < 0)
		goto done;
	rc = 0;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->role = role;
	u->org_id = org_id;
	u->org = org_id ? kz_strdup(org) : NULL;
	u->must_change_password = must_change ? 1 : 0;
	u->has_password = password != NULL;
	u->lang = -1;
	u->created_at = u->updated_at = now;
	if (org_id && !u->org)
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
done:
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

#define UCOLS                                                                   \
	"u.id, u.name, u.role, u.org_id, o.name, u.must_change_password, "      \
	"u.disabled, u.password_hash IS NOT NULL, u.created_at, u.updated_at, " \
	"u.lang"
#define UCOLS_N 11
#define UFROM   " FROM users u LEFT JOIN orgs o ON o.id = u.org_id "

static int
read_user(struct kz_user *u, struct kz_stmt *s, int col)
{
	enum kz_role role = KZ_ROLE_REPORTER;
	const char *org;

	memset(u, 0, sizeof(*u));
	u->id = kz_stmt_int(s, col + 0);
	snprintf(u->name, sizeof(u->name), "%s", kz_stmt_text(s, col + 1));
	for (int i = 0; role_names[i]; i++)
		if (strcmp(role_names[i], kz_stmt_text(s, col + 2)) == 0)
			role = (enum kz_role)(1 << i);
	u->role = role;
	u->org_id = kz_stmt_int(s, col + 3);
	org = kz_stmt_text(s, col + 4);
	if (org && !(u->org = kz_strdup(org)))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	u->must_change_password = (int)kz_stmt_int(s, col + 5);
	u->disabled = (int)kz_stmt_int(s, col + 6);
	u->has_password = (int)kz_stmt_int(s, col + 7);
	u->created_at = kz_stmt_int(s, col + 8);
	u->updated_at = kz_stmt_int(s, col + 9);
	u->lang = -1;
	if (kz_stmt_text(s, col + 10)) {
		enum kz_lang l;

		if (kz_lang_parse(&l, kz_stmt_text(s, col + 10)) == 0)
			u->lang = (int)l;
		kz_error_clear();
	}
	return 0;
}

/* Runs s (bound by the caller) and reads one user into a new *out. */
static int
fetch_user(struct kz_user **out, struct kz_stmt *s)
{
	struct kz_user *u;
	int rc;

	*out = NULL;
	rc = kz_stmt_step(s);
	if (rc != KZ_ROW)
		return rc == KZ_DONE ? KZ_ENOTFOUND : rc;
	if (!(u = kz_calloc(1, sizeof(*u)))) {
		kz_stmt_step(s);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	rc = read_user(u, s, 0);
	kz_stmt_step(s);
	if (rc) {
		kz_user_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

int
kz_user_get(struct kz_user **out, struct kz_store *st, const char *name)
{
	struct kz_stmt *s;
	int rc;

	*out = NULL;
	if ((rc = kz_store_prepare(
		 &s, st, "SELECT " UCOLS UFROM "WHERE u.name = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, name);
	rc = fetch_user(out, s);
	if (rc == KZ_ENOTFOUND)
		return kz_error_set(KZ_ENOTFOUND, "no user '%s'", name);
	return rc;
}

int
kz_user_get_id(struct kz_user **out, struct kz_store *st, int64_t id)
{
	struct kz_stmt *s;
	int rc;

	*out = NULL;
	if ((rc = kz_store_prepare(
		 &s, st, "SELECT " UCOLS UFROM "WHERE u.id = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, id);
	rc = fetch_user(out, s);
	if (rc == KZ_ENOTFOUND)
		return kz_error_set(KZ_ENOTFOUND, "no user '%s'", "#id");
	return rc;
}

int
kz_user_list(struct kz_user **out, size_t *n, struct kz_store *st)
{
	struct kz_user *v = NULL;
	struct kz_stmt *s;
	size_t cap = 0, cnt = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = kz_store_prepare(
		 &s, st, "SELECT " UCOLS UFROM "ORDER BY u.name")))
		return rc;
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct kz_user *nv = kz_realloc(v, nc * sizeof(*nv));

			if (!nv) {
				rc = kz_error_set(KZ_ENOMEM, "out of memory");
				goto fail;
			}
			v = nv;
			cap = nc;
		}
		if ((rc = read_user(&v[cnt], s, 0))) {
			kz_user_release(&v[cnt]);
			goto fail;
		}
		cnt++;
	}
	if (rc != KZ_DONE)
		goto fail;
	*out = v;
	*n = cnt;
	return 0;
fail:
	kz_stmt_step(s);
	kz_user_list_free(v, cnt);
	return rc;
}

void
kz_user_list_free(struct kz_user *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kz_user_release(&u[i]);
	kz_free(u);
}

int
kz_user_admin_exists(struct kz_store *st)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(&s, st,
		 "SELECT count(*) FROM users WHERE role = 'admin' AND "
		 "disabled = 0")))
		return rc;
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc < 0 ? rc : 0;
	rc = kz_stmt_int(s, 0) > 0;
	kz_stmt_step(s);
	return rc;
}

/* Looks up a user's id by name: KZ_ENOTFOUND naming it. */
static int
user_id(int64_t *out, struct kz_store *st, const char *name)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(
		 &s, st, "SELECT id FROM users WHERE name = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, name);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		*out = kz_stmt_int(s, 0);
		kz_stmt_step(s);
		return 0;
	}
	if (rc == KZ_DONE)
		return kz_error_set(KZ_ENOTFOUND, "no user '%s'", name);
	return rc;
}

static int
end_sessions(struct kz_store *st, int64_t uid, const char *keep)
{
	struct kz_stmt *s;
	char h[65] = "";
	int rc;

	if (keep)
		kz_sha256_hex(h, keep, strlen(keep));
	if ((rc = kz_store_prepare(&s, st,
		 "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?")))
		return rc;
	kz_stmt_bind_int(s, 1, uid);
	kz_stmt_bind_text(s, 2, h);
	return kz_stmt_exec(s);
}

int
kz_user_set_password(struct kz_store *st, const char *name,
    const char *password, int must_change, const char *keep_session)
{
	char hash[128];
	struct kz_stmt *s;
	int64_t uid;
	int rc;

	if ((rc = kz_password_check(password)))
		return rc;
	if ((rc = kz_password_hash(hash, password)))
		return rc;
	if ((rc = kz_store_begin(st)))
		goto done;
	if ((rc = user_id(&uid, st, name)) ||
	    (rc = kz_store_prepare(&s, st,
		 "UPDATE users SET password_hash = ?, must_change_password "
		 "= ?, updated_at = ? WHERE id = ?")))
		goto fail;
	kz_stmt_bind_text(s, 1, hash);
	kz_stmt_bind_int(s, 2, must_change ? 1 : 0);
	kz_stmt_bind_int(s, 3, kz_time_now());
	kz_stmt_bind_int(s, 4, uid);
	if ((rc = kz_stmt_exec(s)) ||
	    (rc = end_sessions(st, uid, keep_session)))
		goto fail;
	rc = kz_store_commit(st);
	goto done;
fail:
	kz_store_rollback(st);
done:
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int
kz_user_set_role(
    struct kz_store *st, const char *name, enum kz_role role, const char *org)
{
	struct kz_stmt *s;
	int64_t uid, org_id;
	int rc;

	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = user_id(&uid, st, name)) ||
	    (rc = resolve_org(&org_id, st, role, org)) ||
	    (rc = kz_store_prepare(&s, st,
		 "UPDATE users SET role = ?, org_id = ?, updated_at = ? "
		 "WHERE id = ?")))
		goto fail;
	kz_stmt_bind_text(s, 1, kz_role_name(role));
	if (org_id)
		kz_stmt_bind_int(s, 2, org_id);
	else
		kz_stmt_bind_null(s, 2);
	kz_stmt_bind_int(s, 3, kz_time_now());
	kz_stmt_bind_int(s, 4, uid);
	if ((rc = kz_stmt_exec(s)) || (rc = end_sessions(st, uid, NULL)))
		goto fail;
	return kz_store_commit(st);
fail:
	kz_store_rollback(st);
	return rc;
}

int
kz_user_set_disabled(struct kz_store *st, const char *name, int disabled)
{
	struct kz_stmt *s;
	int64_t uid;
	int rc;

	if ((rc = kz_store_begin(st)))
		return rc;
	if ((rc = user_id(&uid, st, name)) ||
	    (rc = kz_store_prepare(&s, st,
		 "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?")))
		goto fail;
	kz_stmt_bind_int(s, 1, disabled ? 1 : 0);
	kz_stmt_bind_int(s, 2, kz_time_now());
	kz_stmt_bind_int(s, 3, uid);
	if ((rc = kz_stmt_exec(s)) ||
	    (disabled && (rc = end_sessions(st, uid, NULL))))
		goto fail;
	return kz_store_commit(st);
fail:
	kz_store_rollback(st);
	return rc;
}

int
kz_user_set_lang(struct kz_store *st, const char *name, const char *lang)
{
	struct kz_stmt *s;
	enum kz_lang l = KZ_LANG_EN;
	int64_t uid;
	int rc, follow = !lang || !*lang || strcmp(lang, "auto") == 0;

	if (!follow && (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0))
		return kz_error_set(KZ_EINVAL,
		    "unknown language '%s' (one of: ja, en, auto)", lang);
	if (!follow)
		kz_lang_parse(&l, lang);
	if ((rc = user_id(&uid, st, name)) ||
	    (rc = kz_store_prepare(&s, st,
		 "UPDATE users SET lang = ?, updated_at = ? WHERE id = ?")))
		return rc;
	if (follow)
		kz_stmt_bind_null(s, 1);
	else
		kz_stmt_bind_text(s, 1, kz_lang_code(l));
	kz_stmt_bind_int(s, 2, kz_time_now());
	kz_stmt_bind_int(s, 3, uid);
	return kz_stmt_exec(s);
}

/* A valid hash of nothing anyone knows, to spend the same time on
 * unknown users as on known ones. */
static char dummy_hash[128];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
	char pw[KZ_PASSWORD_GEN_LEN + 1];

	kz_password_generate(pw);
	if (kz_password_hash(dummy_hash, pw) != 0)
		dummy_hash[0] = '\0';
}

int
kz_user_authenticate(struct kz_user **out, struct kz_store *st,
    const char *name, const char *password)
{
	struct kz_stmt *s;
	char *hash = NULL;
	int rc, ok = 0;

	*out = NULL;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT " UCOLS ", u.password_hash" UFROM "WHERE u.name = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, name ? name : "");
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		const char *h = kz_stmt_text(s, UCOLS_N);
		struct kz_user *u = kz_calloc(1, sizeof(*u));

		if (!u || read_user(u, s, 0) || (h && !(hash = kz_strdup(h)))) {
			kz_user_free(u);
			kz_stmt_step(s);
			return kz_error_set(KZ_ENOMEM, "out of memory");
		}
		*out = u;
		kz_stmt_step(s);
	} else if (rc != KZ_DONE) {
		return rc;
	}
	pthread_once(&dummy_once, make_dummy);
	if (hash)
		ok = kz_password_verify(hash, password ? password : "");
	else if (dummy_hash[0])
		(void)kz_password_verify(dummy_hash, password ? password : "");
	kz_free(hash);
	if (ok && *out && !(*out)->disabled)
		return 0;
	kz_user_free(*out);
	*out = NULL;
	return kz_error_set(KZ_EPERM, "wrong user name or password");
}

int
kz_token_create(char text[KZ_TOKEN_TEXT_LEN + 1], struct kz_store *st,
    const char *user, const char *token_name)
{
	struct kz_stmt *s;
	char hash[65];
	int64_t uid;
	size_t n = token_name ? strlen(token_name) : 0;
	int rc;

	if (n == 0 || n > 64 || !kz_utf8_valid(token_name, n))
		return kz_error_set(KZ_EINVAL,
		    "invalid token name '%s': 1 to 64 bytes of UTF-8",
		    token_name ? token_name : "");
	if ((rc = user_id(&uid, st, user)))
		return rc;
	memcpy(text, "kzt_", 4);
	random_hex(text + 4, 32);
	kz_sha256_hex(hash, text, KZ_TOKEN_TEXT_LEN);
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO api_tokens (user_id, name, hash, created_at) "
		 "VALUES (?, ?, ?, ?)")))
		return rc;
	kz_stmt_bind_int(s, 1, uid);
	kz_stmt_bind_text(s, 2, token_name);
	kz_stmt_bind_text(s, 3, hash);
	kz_stmt_bind_int(s, 4, kz_time_now());
	rc = kz_stmt_exec(s);
	if (rc) {
		sodium_memzero(text, KZ_TOKEN_TEXT_LEN + 1);
		if (rc == KZ_EEXISTS)
			return kz_error_set(KZ_EEXISTS,
			    "user '%s' already has a token called '%s'", user,
			    token_name);
	}
	return rc;
}

/* Whether s is exactly prefix followed by hexlen lower-case hex digits. */
static int
hex_text(const char *s, const char *prefix, size_t hexlen)
{
	size_t p = strlen(prefix);

	if (!s || strncmp(s, prefix, p) != 0 || strlen(s) != p + hexlen)
		return 0;
	for (size_t i = p; i < p + hexlen; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
kz_token_authenticate(
    struct kz_user **out, struct kz_store *st, const char *text)
{
	struct kz_stmt *s;
	char hash[65];
	int64_t tid = 0, last = 0, now = kz_time_now();
	int rc;

	*out = NULL;
	if (!hex_text(text, "kzt_", 64))
		return kz_error_set(KZ_EPERM, "invalid or revoked API token");
	/* The lookup is by the hash of the secret, so its timing tells
	 * nothing about the secret; the compare below checks the match. */
	kz_sha256_hex(hash, text, strlen(text));
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT " UCOLS ", t.id, t.last_used_at, t.hash" UFROM
		 "JOIN api_tokens t ON t.user_id = u.id WHERE t.hash = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, hash);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		struct kz_user *u = kz_calloc(1, sizeof(*u));
		const char *h = kz_stmt_text(s, UCOLS_N + 2);

		if (!u || read_user(u, s, 0)) {
			kz_user_free(u);
			kz_stmt_step(s);
			return kz_error_set(KZ_ENOMEM, "out of memory");
		}
		tid = kz_stmt_int(s, UCOLS_N);
		last = kz_stmt_int(s, UCOLS_N + 1);
		if (!h || strlen(h) != 64 || sodium_memcmp(h, hash, 64) != 0 ||
		    u->disabled) {
			kz_user_free(u);
			u = NULL;
		}
		*out = u;
		kz_stmt_step(s);
	} else if (rc != KZ_DONE) {
		return rc;
	}
	if (!*out)
		return kz_error_set(KZ_EPERM, "invalid or revoked API token");
	if (now - last >= 60 &&
	    kz_store_prepare(&s, st,
		"UPDATE api_tokens SET last_used_at = ? WHERE id = ?") == 0) {
		kz_stmt_bind_int(s, 1, now);
		kz_stmt_bind_int(s, 2, tid);
		/* Only bookkeeping: a busy database must not refuse a login. */
		(void)kz_stmt_exec(s);
	}
	return 0;
}

int
kz_token_list(
    struct kz_token **out, size_t *n, struct kz_store *st, const char *user)
{
	struct kz_token *v = NULL;
	struct kz_stmt *s;
	size_t cap = 0, cnt = 0;
	int64_t uid;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = user_id(&uid, st, user)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT id, name, created_at, last_used_at FROM api_tokens "
		 "WHERE user_id = ? ORDER BY name")))
		return rc;
	kz_stmt_bind_int(s, 1, uid);
	while ((rc = kz_stmt_step(s)) == KZ_ROW) {
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct kz_token *nv = kz_realloc(v, nc * sizeof(*nv));

			if (!nv) {
				rc = kz_error_set(KZ_ENOMEM, "out of memory");
				goto fail;
			}
			v = nv;
			cap = nc;
		}
		v[cnt].id = kz_stmt_int(s, 0);
		v[cnt].name = kz_strdup(kz_stmt_text(s, 1));
		v[cnt].created_at = kz_stmt_int(s, 2);
		v[cnt].last_used_at = kz_stmt_int(s, 3);
		if (!v[cnt].name) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			goto fail;
		}
		cnt++;
	}
	if (rc != KZ_DONE)
		goto fail;
	*out = v;
	*n = cnt;
	return 0;
fail:
	kz_stmt_step(s);
	kz_token_list_free(v, cnt);
	return rc;
}

void
kz_token_list_free(struct kz_token *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kz_free(t[i].name);
	kz_free(t);
}

int
kz_token_revoke(struct kz_store *st, const char *user, const char *token_name)
{
	struct kz_stmt *s;
	int64_t uid;
	int rc;

	if ((rc = user_id(&uid, st, user)))
		return rc;
	if ((rc = kz_store_prepare(&s, st,
		 "DELETE FROM api_tokens WHERE user_id = ? AND name = ?")))
		return rc;
	kz_stmt_bind_int(s, 1, uid);
	kz_stmt_bind_text(s, 2, token_name);
	if ((rc = kz_stmt_exec(s)))
		return rc;
	if (kz_store_changes(st) == 0)
		return kz_error_set(KZ_ENOTFOUND,
		    "user '%s' has no token called '%s'", user, token_name);
	return 0;
}

int
kz_session_create(char id[KZ_SESSION_TEXT_LEN + 1],
    char csrf[KZ_CSRF_TEXT_LEN + 1], struct kz_store *st, int64_t user_id,
    int64_t ttl)
{
	struct kz_stmt *s;
	char hash[65];
	int64_t now = kz_time_now();
	int rc;

	random_hex(id, KZ_SESSION_TEXT_LEN / 2);
	random_hex(csrf, KZ_CSRF_TEXT_LEN / 2);
	kz_sha256_hex(hash, id, KZ_SESSION_TEXT_LEN);
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO sessions (id_hash, user_id, csrf, created_at, "
		 "expires_at) VALUES (?, ?, ?, ?, ?)")))
		return rc;
	kz_stmt_bind_text(s, 1, hash);
	kz_stmt_bind_int(s, 2, user_id);
	kz_stmt_bind_text(s, 3, csrf);
	kz_stmt_bind_int(s, 4, now);
	kz_stmt_bind_int(s, 5, now + ttl);
	return kz_stmt_exec(s);
}

int
kz_session_authenticate(struct kz_user **out, char csrf[KZ_CSRF_TEXT_LEN + 1],
    struct kz_store *st, const char *id)
{
	struct kz_stmt *s;
	char hash[65];
	int rc;

	*out = NULL;
	if (!hex_text(id, "", KZ_SESSION_TEXT_LEN))
		goto bad;
	kz_sha256_hex(hash, id, KZ_SESSION_TEXT_LEN);
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT " UCOLS ", s.csrf" UFROM
		 "JOIN sessions s ON s.user_id = u.id WHERE s.id_hash = ? "
		 "AND s.expires_at > ? AND u.disabled = 0")))
		return rc;
	kz_stmt_bind_text(s, 1, hash);
	kz_stmt_bind_int(s, 2, kz_time_now());
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		struct kz_user *u = kz_calloc(1, sizeof(*u));

		if (!u || read_user(u, s, 0)) {
			kz_user_free(u);
			kz_stmt_step(s);
			return kz_error_set(KZ_ENOMEM, "out of memory");
		}
		snprintf(
		    csrf, KZ_CSRF_TEXT_LEN + 1, "%s", kz_stmt_text(s, UCOLS_N));
		*out = u;
		kz_stmt_step(s);
		return 0;
	}
	if (rc != KZ_DONE)
		return rc;
bad:
	return kz_error_set(
	    KZ_EPERM, "session expired or invalid: log in again");
}

int
kz_session_delete(struct kz_store *st, const char *id)
{
	struct kz_stmt *s;
	char hash[65];
	int rc;

	if (!id)
		return 0;
	kz_sha256_hex(hash, id, strlen(id));
	if ((rc = kz_store_prepare(
		 &s, st, "DELETE FROM sessions WHERE id_hash = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, hash);
	return kz_stmt_exec(s);
}

int
kz_session_purge(struct kz_store *st)
{
	struct kz_stmt *s;
	int64_t now = kz_time_now();
	int rc;

	if ((rc = kz_store_prepare(
		 &s, st, "DELETE FROM sessions WHERE expires_at <= ?")))
		return rc;
	kz_stmt_bind_int(s, 1, now);
	if ((rc = kz_stmt_exec(s)))
		return rc;
	if ((rc = kz_store_prepare(
		 &s, st, "DELETE FROM login_failures WHERE at < ?")))
		return rc;
	kz_stmt_bind_int(s, 1, now - 86400);
	return kz_stmt_exec(s);
}

int
kz_login_check(struct kz_store *st, const char *key, int max, int64_t window)
{
	struct kz_stmt *s;
	int64_t now = kz_time_now(), n, oldest;
	int rc;

	if ((rc = kz_store_prepare(&s, st,
		 "SELECT count(*), min(at) FROM login_failures WHERE key = ? "
		 "AND at > ?")))
		return rc;
	kz_stmt_bind_text(s, 1, key);
	kz_stmt_bind_int(s, 2, now - window);
	if ((rc = kz_stmt_step(s)) != KZ_ROW)
		return rc < 0 ? rc : 0;
	n = kz_stmt_int(s, 0);
	oldest = kz_stmt_int(s, 1);
	kz_stmt_step(s);
	if (n < max)
		return 0;
	return kz_error_set(KZ_EBUSY,
	    "too many failed logins: wait %lld seconds and try again",
	    (long long)(oldest + window - now + 1));
}

int
kz_login_failed(struct kz_store *st, const char *key)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(
		 &s, st, "INSERT INTO login_failures (key, at) VALUES (?, ?)")))
		return rc;
	kz_stmt_bind_text(s, 1, key);
	kz_stmt_bind_int(s, 2, kz_time_now());
	return kz_stmt_exec(s);
}

int
kz_login_clear(struct kz_store *st, const char *key)
{
	struct kz_stmt *s;
	int rc;

	if ((rc = kz_store_prepare(
		 &s, st, "DELETE FROM login_failures WHERE key = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, key);
	return kz_stmt_exec(s);
}

json_t *
kz_user_to_json(const struct kz_user *u)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	kz_json_set(o, "name", json_string(u->name));
	kz_json_set(o, "role", json_string(kz_role_name(u->role)));
	kz_json_set(o, "org", kz_json_str(u->org));
	kz_json_set(o, "disabled", json_boolean(u->disabled));
	kz_json_set(
	    o, "must_change_password", json_boolean(u->must_change_password));
	kz_json_set(o, "has_password", json_boolean(u->has_password));
	kz_json_set(o, "lang",
	    u->lang < 0 ? json_null() :
			  json_string(kz_lang_code((enum kz_lang)u->lang)));
	kz_json_set(o, "created_at", kz_json_time(u->created_at));
	kz_json_set(o, "updated_at", kz_json_time(u->updated_at));
	return o;
}

json_t *
kz_token_to_json(const struct kz_token *t)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	kz_json_set(o, "name", json_string(t->name));
	kz_json_set(o, "created_at", kz_json_time(t->created_at));
	kz_json_set(o, "last_used_at", kz_json_time(t->last_used_at));
	return o;
}
