/* SPDX-License-Identifier: MIT */
/* jansson helpers. */
#include "json.h"

#include "timeutil.h"

json_t *
kz_json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
kz_json_time(int64_t t)
{
	char buf[KZ_TIME_STRLEN];

	if (!t)
		return json_null();
	return json_string(kz_time_format(buf, t));
}

void
kz_json_set(json_t *obj, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(obj, key, v);
}

char *
kz_json_dump(const json_t *v, int pretty)
{
	size_t flags = JSON_PRESERVE_ORDER | JSON_ENCODE_ANY;

	flags |= pretty ? JSON_INDENT(2) : JSON_COMPACT;
	return json_dumps(v, flags);
}
