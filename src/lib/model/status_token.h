/* SPDX-License-Identifier: MIT */
/*
 * Status links for reporters without an account: a random token (32
 * bytes, URL-safe base64, shown once) names one incident; only its
 * SHA-256 is stored, and it is looked up by that hash.
 */
#ifndef KZ_STATUS_TOKEN_H
#define KZ_STATUS_TOKEN_H

#include <stdint.h>

#include "store/store.h"

#define KZ_STATUS_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */

/*
 * Makes a token for the incident (and the report that came with it; 0 when
 * none) and writes its text into text. Runs inside the caller's
 * transaction when there is one.
 */
int kz_status_token_create(char text[KZ_STATUS_TOKEN_LEN + 1],
    struct kz_store *st, int64_t incident_id, int64_t report_id);

/*
 * The incident a token names. KZ_ENOTFOUND "no such status link" for a
 * token that is unknown or not even well formed.
 */
int kz_status_token_lookup(
    int64_t *incident_id, struct kz_store *st, const char *text);

#endif
