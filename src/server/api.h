/* SPDX-License-Identifier: MIT */
/*
 * Helpers the API handlers share: path parameters checked before use,
 * strict query parameters, and typed reads of JSON fields that answer
 * 400 naming the field.
 */
#ifndef KZ_API_H
#define KZ_API_H

#include <jansson.h>
#include <stdint.h>

#include "http.h"
#include "model/incident.h"

/*
 * Answers 400 naming the first query parameter not in allowed
 * (NULL-terminated) and returns -1; else 0.
 */
int api_query_keys(struct kz_req *r, const char *const *allowed);

/*
 * Reads a query parameter as an integer in [min, max] into *out (left as
 * is when absent). Answers 400 and returns -1 when it is not one.
 */
int api_query_long(
    struct kz_req *r, const char *name, long min, long max, int64_t *out);

/*
 * Field readers: 0 when absent (out untouched), 1 when read, -1 after
 * answering 400. *out of api_str borrows from obj; null gives NULL when
 * nullable.
 */
int api_str(struct kz_req *r, json_t *obj, const char *key, int nullable,
    const char **out);
/* api_str() of a field that must be there: absent answers 400 too. */
int api_str_req(
    struct kz_req *r, json_t *obj, const char *key, const char **out);
int api_int(struct kz_req *r, json_t *obj, const char *key, long min, long max,
    long *out);
int api_bool(struct kz_req *r, json_t *obj, const char *key, int *out);

/*
 * Loads the incident named by path parameter 0 and checks that r's
 * principal may do what to it. Answers (400, 404, 403) and returns -1, or
 * 0 with the incident in *out (caller frees).
 */
int api_incident_load(
    struct kz_req *r, enum kz_access what, struct kz_incident **out);

/* Whether s is a safe name for a path parameter (org, user, token). */
int api_name_ok(const char *s);

#endif
