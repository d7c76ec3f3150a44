/* SPDX-License-Identifier: MIT */
/*
 * Tests for users: names, roles, Argon2id passwords, authentication that
 * does not tell unknown users from wrong passwords, API tokens kept as
 * hashes, sessions with expiry, and login rate limiting.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/i18n.h"
#include "core/timeutil.h"
#include "model/org.h"
#include "model/taxonomy.h"
#include "model/user.h"

#define T0 1782864000 /* 2026-07-01T00:00:00Z */
#define PW "correct horse battery"

static struct kz_store *
fresh(void)
{
	struct kz_store *st;
	struct kz_org o;
	char path[512];

	kz_time_set_fixed(T0);
	tu_store_uri(path, sizeof(path), "user");
	if (kz_store_open(&st, path, 0) != 0)
		fail_msg("open %s: %s", path, kz_error_message());
	kz_org_init(&o);
	o.name = strdup("org-a");
	o.kind = kz_org_kind_parse("member");
	assert_int_equal(kz_org_add(st, &o), 0);
	kz_org_release(&o);
	return st;
}

static int64_t
query_int(struct kz_store *st, const char *sql)
{
	struct kz_stmt *s;
	int64_t v;

	assert_int_equal(kz_store_prepare(&s, st, sql), 0);
	assert_int_equal(kz_stmt_step(s), KZ_ROW);
	v = kz_stmt_int(s, 0);
	while (kz_stmt_step(s) == KZ_ROW)
		;
	return v;
}

static void
test_roles(void **state)
{
	enum kz_role r;

	(void)state;
	assert_int_equal(kz_role_parse(&r, "admin"), 0);
	assert_int_equal(r, KZ_ROLE_ADMIN);
	assert_int_equal(kz_role_parse(&r, "reporter"), 0);
	assert_int_equal(r, KZ_ROLE_REPORTER);
	assert_string_equal(kz_role_name(KZ_ROLE_MEMBER), "member");
	assert_int_equal(kz_role_parse(&r, "root"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'root'"));
	assert_int_equal(kz_role_parse(&r, NULL), KZ_EINVAL);
}

static void
test_names_and_passwords(void **state)
{
	(void)state;
	assert_int_equal(kz_user_name_check("tanaka"), 0);
	assert_int_equal(kz_user_name_check("a.b-c_d@example"), 0);
	assert_int_equal(kz_user_name_check(""), KZ_EINVAL);
	assert_int_equal(kz_user_name_check(".hidden"), KZ_EINVAL);
	assert_int_equal(kz_user_name_check("-x"), KZ_EINVAL);
	assert_int_equal(kz_user_name_check("../etc"), KZ_EINVAL);
	assert_int_equal(kz_user_name_check("a b"), KZ_EINVAL);
	assert_int_equal(kz_user_name_check("<script>"), KZ_EINVAL);
	assert_int_equal(kz_password_check("short"), KZ_EINVAL);
	assert_int_equal(kz_password_check(PW), 0);
	assert_int_equal(kz_password_check("0123456789\xff"), KZ_EINVAL);
}

static void
test_hash_and_generate(void **state)
{
	char h[128], g1[KZ_PASSWORD_GEN_LEN + 1], g2[KZ_PASSWORD_GEN_LEN + 1];

	(void)state;
	assert_int_equal(kz_password_hash(h, PW), 0);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_true(kz_password_verify(h, PW));
	assert_false(kz_password_verify(h, PW "x"));
	assert_false(kz_password_verify("garbage", PW));
	kz_password_generate(g1);
	kz_password_generate(g2);
	assert_int_equal(strlen(g1), KZ_PASSWORD_GEN_LEN);
	assert_string_not_equal(g1, g2);
	assert_int_equal(kz_password_check(g1), 0);
}

static void
test_add_get_list(void **state)
{
	struct kz_store *st = fresh();
	struct kz_user u, *got, *all;
	size_t n;

	(void)state;
	assert_int_equal(kz_user_admin_exists(st), 0);
	assert_int_equal(
	    kz_user_add(&u, st, "boss", KZ_ROLE_ADMIN, NULL, PW, 0), 0);
	assert_true(u.id > 0);
	kz_user_release(&u);
	assert_int_equal(kz_user_admin_exists(st), 1);
	assert_int_equal(
	    kz_user_add(&u, st, "m1", KZ_ROLE_MEMBER, "org-a", NULL, 0), 0);
	assert_string_equal(u.org, "org-a");
	assert_false(u.has_password);
	kz_user_release(&u);
	/* Members need an org; staff may not have one; orgs must exist. */
	assert_int_equal(
	    kz_user_add(&u, st, "m2", KZ_ROLE_MEMBER, NULL, PW, 0), KZ_EINVAL);
	assert_int_equal(
	    kz_user_add(&u, st, "h", KZ_ROLE_HANDLER, "org-a", PW, 0),
	    KZ_EINVAL);
	assert_int_equal(
	    kz_user_add(&u, st, "r", KZ_ROLE_REPORTER, "nosuch", PW, 0),
	    KZ_ENOTFOUND);
	assert_int_equal(
	    kz_user_add(&u, st, "boss", KZ_ROLE_HANDLER, NULL, PW, 0),
	    KZ_EEXISTS);
	assert_int_equal(
	    kz_user_add(&u, st, "x", KZ_ROLE_HANDLER, NULL, "short", 0),
	    KZ_EINVAL);
	assert_int_equal(kz_user_get(&got, st, "m1"), 0);
	assert_int_equal(got->role, KZ_ROLE_MEMBER);
	assert_true(got->org_id > 0);
	kz_user_free(got);
	assert_int_equal(kz_user_get(&got, st, "nobody"), KZ_ENOTFOUND);
	assert_null(got);
	assert_int_equal(kz_user_list(&all, &n, st), 0);
	assert_int_equal(n, 2);
	assert_string_equal(all[0].name, "boss");
	kz_user_list_free(all, n);
	kz_store_close(st);
}

static void
test_authenticate(void **state)
{
	struct kz_store *st = fresh();
	struct kz_user u, *got;

	(void)state;
	assert_int_equal(
	    kz_user_add(&u, st, "alice", KZ_ROLE_HANDLER, NULL, PW, 1), 0);
	kz_user_release(&u);
	assert_int_equal(kz_user_authenticate(&got, st, "alice", PW), 0);
	assert_true(got->must_change_password);
	kz_user_free(got);
	assert_int_equal(
	    kz_user_authenticate(&got, st, "alice", "wrong one!!"), KZ_EPERM);
	assert_null(got);
	/* An unknown user gets the same message. */
	assert_int_equal(kz_user_authenticate(&got, st, "bob", PW), KZ_EPERM);
	assert_string_equal(kz_error_message(), "wrong user name or password");
	assert_int_equal(kz_user_set_password(st, "alice", PW "2", 0, NULL), 0);
	assert_int_equal(kz_user_authenticate(&got, st, "alice", PW), KZ_EPERM);
	assert_int_equal(kz_user_authenticate(&got, st, "alice", PW "2"), 0);
	assert_false(got->must_change_password);
	kz_user_free(got);
	assert_int_equal(kz_user_set_disabled(st, "alice", 1), 0);
	assert_int_equal(
	    kz_user_authenticate(&got, st, "alice", PW "2"), KZ_EPERM);
	assert_int_equal(kz_user_set_disabled(st, "alice", 0), 0);
	assert_int_equal(kz_user_authenticate(&got, st, "alice", PW "2"), 0);
	kz_user_free(got);
	/* No password at all: cannot log in with any. */
	assert_int_equal(
	    kz_user_add(&u, st, "nopw", KZ_ROLE_REPORTER, NULL, NULL, 0), 0);
	kz_user_release(&u);
	assert_int_equal(kz_user_authenticate(&got, st, "nopw", ""), KZ_EPERM);
	assert_int_equal(
	    kz_user_set_password(st, "ghost", PW, 0, NULL), KZ_ENOTFOUND);
	kz_store_close(st);
}

static void
test_tokens(void **state)
{
	struct kz_store *st = fresh();
	char text[KZ_TOKEN_TEXT_LEN + 1], forged[KZ_TOKEN_TEXT_LEN + 1];
	struct kz_user u, *got;
	struct kz_token *t;
	size_t n;

	(void)state;
	assert_int_equal(
	    kz_user_add(&u, st, "bot", KZ_ROLE_HANDLER, NULL, NULL, 0), 0);
	kz_user_release(&u);
	assert_int_equal(kz_token_create(text, st, "bot", "cron"), 0);
	assert_int_equal(strlen(text), KZ_TOKEN_TEXT_LEN);
	assert_true(strncmp(text, "kzt_", 4) == 0);
	assert_int_equal(
	    kz_token_create(forged, st, "bot", "cron"), KZ_EEXISTS);
	assert_int_equal(
	    kz_token_create(forged, st, "nobody", "x"), KZ_ENOTFOUND);
	assert_int_equal(kz_token_create(forged, st, "bot", ""), KZ_EINVAL);
	/* Only the hash is stored. */
	assert_int_equal(query_int(st,
			     "SELECT count(*) FROM api_tokens WHERE "
			     "hash LIKE 'kzt_%'"),
	    0);
	assert_int_equal(kz_token_authenticate(&got, st, text), 0);
	assert_string_equal(got->name, "bot");
	kz_user_free(got);
	memcpy(forged, text, sizeof(forged));
	forged[10] = forged[10] == 'a' ? 'b' : 'a';
	assert_int_equal(kz_token_authenticate(&got, st, forged), KZ_EPERM);
	assert_int_equal(kz_token_authenticate(&got, st, "kzt_"), KZ_EPERM);
	assert_int_equal(kz_token_authenticate(&got, st, ""), KZ_EPERM);
	assert_int_equal(
	    kz_token_authenticate(&got, st, "' OR 1=1 --"), KZ_EPERM);
	assert_int_equal(kz_token_list(&t, &n, st, "bot"), 0);
	assert_int_equal(n, 1);
	assert_string_equal(t[0].name, "cron");
	assert_int_equal(t[0].last_used_at, T0);
	kz_token_list_free(t, n);
	assert_int_equal(kz_user_set_disabled(st, "bot", 1), 0);
	assert_int_equal(kz_token_authenticate(&got, st, text), KZ_EPERM);
	assert_int_equal(kz_user_set_disabled(st, "bot", 0), 0);
	assert_int_equal(kz_token_revoke(st, "bot", "cron"), 0);
	assert_int_equal(kz_token_authenticate(&got, st, text), KZ_EPERM);
	assert_int_equal(kz_token_revoke(st, "bot", "cron"), KZ_ENOTFOUND);
	kz_store_close(st);
}

static void
test_sessions(void **state)
{
	struct kz_store *st = fresh();
	char id[KZ_SESSION_TEXT_LEN + 1], id2[KZ_SESSION_TEXT_LEN + 1];
	char csrf[KZ_CSRF_TEXT_LEN + 1], c2[KZ_CSRF_TEXT_LEN + 1];
	struct kz_user u, *got;

	(void)state;
	assert_int_equal(
	    kz_user_add(&u, st, "s", KZ_ROLE_HANDLER, NULL, PW, 0), 0);
	assert_int_equal(kz_session_create(id, csrf, st, u.id, 3600), 0);
	assert_int_equal(kz_session_create(id2, c2, st, u.id, 3600), 0);
	assert_string_not_equal(id, id2);
	assert_string_not_equal(csrf, c2);
	assert_int_equal(kz_session_authenticate(&got, c2, st, id), 0);
	assert_string_equal(c2, csrf);
	kz_user_free(got);
	assert_int_equal(query_int(st,
			     "SELECT count(*) FROM sessions WHERE "
			     "length(id_hash) = 64"),
	    2);
	/* Forged and malformed ids. */
	assert_int_equal(kz_session_authenticate(&got, c2, st, "00"), KZ_EPERM);
	assert_int_equal(kz_session_authenticate(&got, c2, st,
			     "0000000000000000000000000000000000000000000000"
			     "000000000000000000"),
	    KZ_EPERM);
	/* A password change ends the other sessions. */
	assert_int_equal(kz_user_set_password(st, "s", PW "!", 0, id), 0);
	assert_int_equal(kz_session_authenticate(&got, c2, st, id), 0);
	kz_user_free(got);
	assert_int_equal(kz_session_authenticate(&got, c2, st, id2), KZ_EPERM);
	/* Expiry. */
	kz_time_set_fixed(T0 + 3601);
	assert_int_equal(kz_session_authenticate(&got, c2, st, id), KZ_EPERM);
	assert_non_null(strstr(kz_error_message(), "log in again"));
	assert_int_equal(kz_session_purge(st), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM sessions"), 0);
	kz_time_set_fixed(T0);
	assert_int_equal(kz_session_create(id, csrf, st, u.id, 3600), 0);
	assert_int_equal(kz_session_delete(st, id), 0);
	assert_int_equal(kz_session_authenticate(&got, c2, st, id), KZ_EPERM);
	/* Role changes end sessions, so new rights apply at once. */
	assert_int_equal(kz_session_create(id, csrf, st, u.id, 3600), 0);
	assert_int_equal(kz_user_set_role(st, "s", KZ_ROLE_MEMBER, "org-a"), 0);
	assert_int_equal(kz_session_authenticate(&got, c2, st, id), KZ_EPERM);
	assert_int_equal(
	    kz_user_set_role(st, "s", KZ_ROLE_MEMBER, NULL), KZ_EINVAL);
	kz_user_release(&u);
	kz_store_close(st);
}

static void
test_rate_limit(void **state)
{
	struct kz_store *st = fresh();

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(kz_login_check(st, "user:a", 3, 600), 0);
		assert_int_equal(kz_login_failed(st, "user:a"), 0);
	}
	assert_int_equal(kz_login_check(st, "user:a", 3, 600), KZ_EBUSY);
	assert_non_null(strstr(kz_error_message(), "wait 601 seconds"));
	assert_int_equal(kz_login_check(st, "user:b", 3, 600), 0);
	kz_time_set_fixed(T0 + 601);
	assert_int_equal(kz_login_check(st, "user:a", 3, 600), 0);
	kz_time_set_fixed(T0);
	assert_int_equal(kz_login_clear(st, "user:a"), 0);
	assert_int_equal(kz_login_check(st, "user:a", 3, 600), 0);
	kz_store_close(st);
}

static void
test_lang(void **state)
{
	struct kz_store *st = fresh();
	struct kz_user u, *g = NULL, *tok = NULL;
	char text[KZ_TOKEN_TEXT_LEN + 1];

	(void)state;
	assert_int_equal(
	    kz_user_add(&u, st, "kana", KZ_ROLE_HANDLER, NULL, PW, 0), 0);
	assert_int_equal(u.lang, -1);
	kz_user_release(&u);
	assert_int_equal(kz_user_set_lang(st, "kana", "ja"), 0);
	assert_int_equal(kz_user_get(&g, st, "kana"), 0);
	assert_int_equal(g->lang, KZ_LANG_JA);
	kz_user_free(g);
	/* the columns after the user's still line up (token, session) */
	assert_int_equal(kz_token_create(text, st, "kana", "t"), 0);
	assert_int_equal(kz_token_authenticate(&tok, st, text), 0);
	assert_int_equal(tok->lang, KZ_LANG_JA);
	assert_string_equal(tok->name, "kana");
	kz_user_free(tok);
	/* a bad value changes nothing */
	assert_int_equal(kz_user_set_lang(st, "kana", "fr"), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'fr'"));
	assert_int_equal(kz_user_set_lang(st, "kana", "ja_JP"), KZ_EINVAL);
	assert_int_equal(kz_user_set_lang(st, "nobody", "ja"), KZ_ENOTFOUND);
	assert_int_equal(kz_user_get(&g, st, "kana"), 0);
	assert_int_equal(g->lang, KZ_LANG_JA);
	kz_user_free(g);
	/* auto, "" and NULL follow the browser again */
	assert_int_equal(kz_user_set_lang(st, "kana", "auto"), 0);
	assert_int_equal(kz_user_get(&g, st, "kana"), 0);
	assert_int_equal(g->lang, -1);
	kz_user_free(g);
	assert_int_equal(kz_user_set_lang(st, "kana", "en"), 0);
	assert_int_equal(kz_user_set_lang(st, "kana", NULL), 0);
	assert_int_equal(
	    query_int(st, "SELECT count(*) FROM users WHERE lang IS NULL"), 1);
	kz_store_close(st);
}

static void
test_to_json(void **state)
{
	struct kz_store *st = fresh();
	struct kz_user u;
	json_t *j;
	char *s;

	(void)state;
	assert_int_equal(
	    kz_user_add(&u, st, "j", KZ_ROLE_MEMBER, "org-a", PW, 1), 0);
	j = kz_user_to_json(&u);
	s = json_dumps(j, JSON_COMPACT);
	assert_non_null(strstr(s, "\"role\":\"member\""));
	assert_non_null(strstr(s, "\"org\":\"org-a\""));
	assert_non_null(strstr(s, "\"must_change_password\":true"));
	assert_null(strstr(s, "argon2"));
	free(s);
	json_decref(j);
	kz_user_release(&u);
	kz_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_names_and_passwords),
		cmocka_unit_test(test_hash_and_generate),
		cmocka_unit_test(test_add_get_list),
		cmocka_unit_test(test_authenticate),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_to_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
