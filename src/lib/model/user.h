/* SPDX-License-Identifier: MIT */
/*
 * Users: logins with a role (admin, handler, member, reporter) and, for
 * members, the org whose incidents they may read. Passwords are kept as
 * Argon2id strings (libsodium); API tokens and session ids are random,
 * shown once, and stored only as their SHA-256. Failed logins are counted
 * per user name and per address for rate limiting. What a user may see is
 * decided in model/access.h, not here.
 */
#ifndef KZ_USER_H
#define KZ_USER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Roles are bits so that a route or rule can name a set of them. */
enum kz_role {
	KZ_ROLE_ADMIN = 1 << 0,
	KZ_ROLE_HANDLER = 1 << 1,
	KZ_ROLE_MEMBER = 1 << 2,
	KZ_ROLE_REPORTER = 1 << 3,
};
#define KZ_ROLE_STAFF (KZ_ROLE_ADMIN | KZ_ROLE_HANDLER)
#define KZ_ROLE_ANY                                                            \
	(KZ_ROLE_ADMIN | KZ_ROLE_HANDLER | KZ_ROLE_MEMBER | KZ_ROLE_REPORTER)

#define KZ_USER_NAME_MAX    64
#define KZ_PASSWORD_MIN     10
#define KZ_PASSWORD_MAX     1024
#define KZ_TOKEN_TEXT_LEN   68 /* "kzt_" and 64 hex digits */
#define KZ_SESSION_TEXT_LEN 64 /* hex digits */
#define KZ_CSRF_TEXT_LEN    64
#define KZ_PASSWORD_GEN_LEN 20

/* "admin", "handler" ...; KZ_EINVAL naming the value otherwise. */
int kz_role_parse(enum kz_role *out, const char *s);
const char *kz_role_name(enum kz_role r);

struct kz_user {
	int64_t id;
	char name[KZ_USER_NAME_MAX + 1];
	enum kz_role role;
	int64_t org_id; /* 0 when none */
	char *org;      /* the org's name; NULL when none */
	int must_change_password;
	int disabled;
	int has_password;
	int lang; /* enum kz_lang, or -1: follow the browser */
	int64_t created_at;
	int64_t updated_at;
};

void kz_user_release(struct kz_user *u);
void kz_user_free(struct kz_user *u);

/*
 * Whether name is a valid user name: 1 to KZ_USER_NAME_MAX of a-z A-Z 0-9
 * and . _ - @, not starting with a dot or a dash. 0 or KZ_EINVAL.
 */
int kz_user_name_check(const char *name);

/*
 * Checks a password's length (KZ_PASSWORD_MIN to KZ_PASSWORD_MAX bytes)
 * and that it is valid UTF-8. 0 or KZ_EINVAL.
 */
int kz_password_check(const char *pw);

/*
 * Creates a user. org names the org (required for members, allowed for
 * reporters, refused for staff). password may be NULL (no password login
 * until one is set). must_change makes the first login ask for a new one.
 * KZ_EINVAL, KZ_ENOTFOUND (org), KZ_EEXISTS (name). Fills u (caller's).
 */
int kz_user_add(struct kz_user *u, struct kz_store *st, const char *name,
    enum kz_role role, const char *org, const char *password, int must_change);

/* Loads a user by name or id. KZ_ENOTFOUND. Caller owns *out. */
int kz_user_get(struct kz_user **out, struct kz_store *st, const char *name);
int kz_user_get_id(struct kz_user **out, struct kz_store *st, int64_t id);

/* Every user, by name. Free with kz_user_list_free(). */
int kz_user_list(struct kz_user **out, size_t *n, struct kz_store *st);
void kz_user_list_free(struct kz_user *u, size_t n);

/* Whether any enabled admin exists: 1, 0, or a negative error. */
int kz_user_admin_exists(struct kz_store *st);

/*
 * Sets a new password (checked with kz_password_check) and the
 * must-change flag; ends the user's other sessions except keep_session
 * (a session id text, or NULL to end them all).
 */
int kz_user_set_password(struct kz_store *st, const char *name,
    const char *password, int must_change, const char *keep_session);

/*
 * Changes role and org (org NULL: none; same rules as kz_user_add). Ends
 * the user's sessions, so the new rights apply at once.
 */
int kz_user_set_role(
    struct kz_store *st, const char *name, enum kz_role role, const char *org);

/*
 * Sets the user's language: "ja" or "en", or NULL, "" or "auto" to follow
 * the browser again. KZ_EINVAL naming a language we have no text for,
 * KZ_ENOTFOUND for the user.
 */
int kz_user_set_lang(struct kz_store *st, const char *name, const char *lang);

/* Disables (1) or enables (0) a user; disabling ends its sessions. */
int kz_user_set_disabled(struct kz_store *st, const char *name, int disabled);

/*
 * Checks name and password. Returns 0 and the user in *out (caller owns),
 * or KZ_EPERM "wrong user name or password" for an unknown user, a wrong
 * password, a user without a password or a disabled one; the time taken
 * does not tell which.
 */
int kz_user_authenticate(struct kz_user **out, struct kz_store *st,
    const char *name, const char *password);

/* A random password of KZ_PASSWORD_GEN_LEN characters into out. */
void kz_password_generate(char out[KZ_PASSWORD_GEN_LEN + 1]);

/*
 * Argon2id (libsodium's crypto_pwhash_str with fixed moderate limits).
 * out must hold 128 bytes. KZ_ENOMEM when the hash cannot be made.
 */
int kz_password_hash(char out[128], const char *password);
int kz_password_verify(const char *hash, const char *password);

/* API tokens. */
struct kz_token {
	int64_t id;
	char *name;
	int64_t created_at;
	int64_t last_used_at; /* 0 when never */
};

/*
 * Creates a token called token_name for the user: writes its text (shown
 * once; only its SHA-256 is stored) into text. KZ_EEXISTS when the user
 * has a token of that name.
 */
int kz_token_create(char text[KZ_TOKEN_TEXT_LEN + 1], struct kz_store *st,
    const char *user, const char *token_name);

/*
 * The enabled user a token text belongs to; KZ_EPERM "invalid or revoked
 * API token" otherwise. Records its last use (at most once a minute).
 */
int kz_token_authenticate(
    struct kz_user **out, struct kz_store *st, const char *text);

int kz_token_list(
    struct kz_token **out, size_t *n, struct kz_store *st, const char *user);
void kz_token_list_free(struct kz_token *t, size_t n);

/* Revokes the user's token of that name. KZ_ENOTFOUND. */
int kz_token_revoke(
    struct kz_store *st, const char *user, const char *token_name);

/*
 * Sessions. kz_session_create() makes a session of ttl seconds for the
 * user and writes its id and CSRF token (hex texts) into id and csrf.
 */
int kz_session_create(char id[KZ_SESSION_TEXT_LEN + 1],
    char csrf[KZ_CSRF_TEXT_LEN + 1], struct kz_store *st, int64_t user_id,
    int64_t ttl);

/*
 * The enabled user of a live session and its CSRF token; KZ_EPERM
 * "session expired or invalid: log in again" otherwise (also for text
 * that is not a session id at all).
 */
int kz_session_authenticate(struct kz_user **out,
    char csrf[KZ_CSRF_TEXT_LEN + 1], struct kz_store *st, const char *id);

/* Ends one session (no error when it does not exist). */
int kz_session_delete(struct kz_store *st, const char *id);

/* Deletes expired sessions and old login failures. */
int kz_session_purge(struct kz_store *st);

/*
 * Login rate limiting: a key ("user:NAME", "addr:ADDRESS") that has
 * failed max times within window seconds is throttled. kz_login_check()
 * returns 0 or KZ_EBUSY "too many failed logins: wait N seconds".
 */
int kz_login_check(
    struct kz_store *st, const char *key, int max, int64_t window);
int kz_login_failed(struct kz_store *st, const char *key);
int kz_login_clear(struct kz_store *st, const char *key);

/* The stable JSON shape of a user (never includes secrets). */
json_t *kz_user_to_json(const struct kz_user *u);
json_t *kz_token_to_json(const struct kz_token *t);

/* SHA-256 of s as 64 lower-case hex digits into out. */
void kz_sha256_hex(char out[65], const void *s, size_t len);

#endif
