/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the mail parser: any bytes either fail with a
 * message or give a mail whose every string is valid UTF-8, that turns
 * into JSON and whose subject can be searched for a ticket id.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "format/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct kz_mail *m)
{
	if (!kz_utf8_valid(m->subject, strlen(m->subject)) ||
	    !kz_utf8_valid(m->text, m->text_len) ||
	    strlen(m->text) != m->text_len ||
	    (m->html_text &&
		!kz_utf8_valid(m->html_text, strlen(m->html_text))))
		abort();
	for (size_t i = 0; i < m->n_headers; i++)
		if (!kz_utf8_valid(
			m->headers[i].value, strlen(m->headers[i].value)))
			abort();
	for (size_t i = 0; i < m->n_warnings; i++)
		if (!kz_utf8_valid(m->warnings[i], strlen(m->warnings[i])))
			abort();
	for (size_t i = 0; i < m->n_messages; i++)
		check(m->messages[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kz_mail_limits lim = { 0 };
	struct kz_mail *m;
	char ticket[32];
	json_t *j;
	char *s;

	/* Small limits so that the cut paths are met too. */
	lim.max_size = 1 << 20;
	lim.max_text = 1 << 16;
	lim.max_parts = 200;
	lim.flags = size && (data[0] & 1) ? KZ_MAIL_KEEP_DATA : 0;
	if (kz_mail_parse(&m, (const char *)data, size, &lim) != 0) {
		if (!kz_error_message()[0])
			abort();
		return 0;
	}
	check(m);
	kz_mail_ticket_ref(ticket, m->subject, NULL);
	j = kz_mail_to_json(m);
	s = kz_json_dump(j, 0);
	if (!s || !kz_utf8_valid(s, strlen(s)))
		abort();
	free(s);
	json_decref(j);
	kz_mail_free(m);
	return 0;
}
