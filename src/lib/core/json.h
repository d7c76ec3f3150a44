/* SPDX-License-Identifier: MIT */
/*
 * jansson helpers shared by every JSON shape the library produces, so that
 * the CLI's --json and the HTTP API print the same documents.
 */
#ifndef KZ_JSON_H
#define KZ_JSON_H

#include <jansson.h>
#include <stdint.h>

/* A JSON string, or null for NULL. New reference. */
json_t *kz_json_str(const char *s);

/* An ISO 8601 UTC time string, or null for 0. New reference. */
json_t *kz_json_time(int64_t t);

/* Sets key to v, stealing the reference; ignores a NULL v. */
void kz_json_set(json_t *obj, const char *key, json_t *v);

/*
 * Serialises v (compact, UTF-8, keys in insertion order). Caller frees the
 * result with free(); NULL on no memory.
 */
char *kz_json_dump(const json_t *v, int pretty);

#endif
