/* SPDX-License-Identifier: MIT */
/*
 * Status links: random tokens stored as their SHA-256, so that a copy of
 * the database does not hand out the links it holds.
 */
#include "model/status_token.h"

#include <sodium.h>
#include <string.h>

#include "core/error.h"
#include "core/timeutil.h"
#include "model/user.h"

static int
token_shape_ok(const char *s)
{
	size_t n = strlen(s);

	if (n != KZ_STATUS_TOKEN_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			s[i] == '_'))
			return 0;
	return 1;
}

int
kz_status_token_create(char text[KZ_STATUS_TOKEN_LEN + 1], struct kz_store *st,
    int64_t incident_id, int64_t report_id)
{
	unsigned char raw[32];
	char hash[65];
	struct kz_stmt *s;
	int rc;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(text, KZ_STATUS_TOKEN_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	kz_sha256_hex(hash, text, strlen(text));
	if ((rc = kz_store_prepare(&s, st,
		 "INSERT INTO report_tokens (hash, incident_id, report_id, "
		 "created_at) VALUES (?, ?, ?, ?)")))
		return rc;
	kz_stmt_bind_text(s, 1, hash);
	kz_stmt_bind_int(s, 2, incident_id);
	if (report_id)
		kz_stmt_bind_int(s, 3, report_id);
	else
		kz_stmt_bind_null(s, 3);
	kz_stmt_bind_int(s, 4, kz_time_now());
	return kz_stmt_exec(s);
}

int
kz_status_token_lookup(
    int64_t *incident_id, struct kz_store *st, const char *text)
{
	char hash[65];
	struct kz_stmt *s;
	int rc;

	if (!text || !token_shape_ok(text))
		return kz_error_set(KZ_ENOTFOUND, "no such status link");
	kz_sha256_hex(hash, text, strlen(text));
	if ((rc = kz_store_prepare(&s, st,
		 "SELECT incident_id FROM report_tokens WHERE hash = ?")))
		return rc;
	kz_stmt_bind_text(s, 1, hash);
	rc = kz_stmt_step(s);
	if (rc == KZ_ROW) {
		*incident_id = kz_stmt_int(s, 0);
		kz_stmt_step(s); /* ends the read, so no snapshot lingers */
		return 0;
	}
	if (rc == KZ_DONE)
		return kz_error_set(KZ_ENOTFOUND, "no such status link");
	return rc;
}
