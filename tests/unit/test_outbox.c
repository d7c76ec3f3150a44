/* SPDX-License-Identifier: MIT */
/*
 * Tests for composing, queueing and delivering contacts without a mail
 * server (delivery to a closed port): backoff, giving up, taking back an
 * interrupted delivery, and replies and bounces matched to contacts.
 * Delivery to a real server is tested end to end (tests/e2e).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/timeutil.h"
#include "format/mail.h"
#include "model/event.h"
#include "model/incident.h"
#include "model/indicator.h"
#include "notify/compose.h"
#include "notify/contact.h"
#include "notify/outbox.h"
#include "notify/replies.h"

#define T0 1782864000 /* 2026-07-01T00:00:00Z */

static struct kz_templates *set;

static struct kz_store *
fresh(struct kz_incident *inc)
{
	struct kz_store *st;
	struct kz_indicator ioc;
	char path[512];
	int64_t id;

	kz_time_set_fixed(T0);
	tu_store_uri(path, sizeof(path), "outbox");
	if (kz_store_open(&st, path, 0) != 0)
		fail_msg("open %s: %s", path, kz_error_message());
	kz_incident_init(inc);
	inc->title = "フィッシングサイト";
	inc->category = KZ_CAT_PHISHING;
	inc->reporter = "finder@example.org";
	assert_int_equal(kz_incident_create(st, inc, "alice"), 0);
	kz_indicator_init(&ioc);
	ioc.type = KZ_IOC_URL;
	ioc.value = "http://bad.example.jp/login";
	assert_int_equal(kz_indicator_upsert(&id, st, &ioc), 0);
	assert_int_equal(kz_indicator_link(st, inc->id, id), 0);
	return st;
}

static int64_t
queue_one(struct kz_store *st, const struct kz_incident *inc, const char *lang,
    struct kz_composed *keep)
{
	struct kz_notify_config cfg = { "Example CSIRT", "csirt@csirt.example",
		NULL, NULL, 0 };
	struct kz_compose_opts o = { 0 };
	struct kz_composed c;
	int64_t iid = inc->id, id = 0;

	cfg.templates = set;
	o.kind = KZ_CONTACT_NOTIFY;
	o.recipient = "abuse@isp.example";
	o.lang = lang;
	o.machine = KZ_MACHINE_BOTH;
	o.incident_ids = &iid;
	o.n_incidents = 1;
	if (kz_compose(&c, st, &cfg, &o))
		fail_msg("compose: %s", kz_error_message());
	assert_int_equal(kz_outbox_enqueue(&id, st, &c, &o, "alice"), 0);
	if (keep)
		*keep = c;
	else
		kz_composed_release(&c);
	return id;
}

static void
test_compose_enqueue(void **state)
{
	struct kz_incident inc, *got;
	struct kz_store *st = fresh(&inc);
	struct kz_composed c;
	struct kz_contact k;
	struct kz_event *ev;
	size_t n;
	int64_t id;

	(void)state;
	id = queue_one(st, &inc, "ja+en", &c);
	assert_non_null(strstr(c.subject, inc.ticket));
	assert_non_null(strstr(c.subject, "フィッシングサイトの停止"));
	assert_non_null(strstr(c.subject, " / Request to take down"));
	assert_non_null(strstr(c.body, "お世話になっております。"));
	assert_non_null(strstr(c.body, "http://bad.example.jp/login"));
	assert_true(strstr(c.body, "お世話") < strstr(c.body, "This is"));
	assert_non_null(strstr(c.raw, "xarf.json"));
	assert_non_null(strstr(c.raw, "iodef.xml"));
	assert_int_equal(
	    strncmp(c.message_id, inc.ticket, strlen(inc.ticket)), 0);
	assert_non_null(strstr(c.message_id, "@csirt.example"));
	assert_string_equal(c.template, "notify-phishing");
	assert_int_equal(kz_contact_get(&k, st, id), 0);
	assert_int_equal(k.state, KZ_CS_QUEUED);
	assert_string_equal(k.message_id, c.message_id);
	kz_contact_release(&k);
	assert_int_equal(kz_event_list(&ev, &n, st, inc.id), 0);
	{
		size_t contact = 0;

		for (size_t i = 0; i < n; i++)
			if (!strcmp(ev[i].kind, "contact"))
				contact++;
		assert_int_equal(contact, 1);
	}
	kz_event_list_free(ev, n);
	assert_int_equal(kz_incident_get_id(&got, st, inc.id), 0);
	assert_int_equal(got->status, KZ_ST_COORDINATING);
	kz_incident_free(got);
	kz_composed_release(&c);
	kz_store_close(st);
}

static void
test_bad_input(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_notify_config cfg = { "X", "csirt@csirt.example", NULL, NULL,
		0 };
	struct kz_compose_opts o = { 0 };
	struct kz_composed c;
	int64_t iid = inc.id;

	(void)state;
	cfg.templates = set;
	o.recipient = "abuse@isp.example";
	o.lang = "fr";
	o.incident_ids = &iid;
	o.n_incidents = 1;
	assert_int_equal(kz_compose(&c, st, &cfg, &o), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "'fr'"));
	kz_composed_release(&c);
	o.lang = "en";
	o.recipient = "not-an-address";
	assert_int_equal(kz_compose(&c, st, &cfg, &o), KZ_EINVAL);
	kz_composed_release(&c);
	o.recipient = "abuse@isp.example";
	o.template = "nosuch";
	assert_int_equal(kz_compose(&c, st, &cfg, &o), KZ_ENOTFOUND);
	kz_composed_release(&c);
	kz_store_close(st);
}

static void
test_backoff(void **state)
{
	(void)state;
	assert_int_equal(kz_outbox_backoff(1), 60);
	assert_int_equal(kz_outbox_backoff(2), 120);
	assert_int_equal(kz_outbox_backoff(3), 240);
	assert_int_equal(kz_outbox_backoff(30), KZ_OUTBOX_BACKOFF_CAP);
}

static void
test_server_down(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_smtp_config smtp = { "smtp://127.0.0.1:1", NULL, NULL,
		KZ_SMTP_TLS_NONE, 5, 0 };
	struct kz_outbox_opts o = { 0 };
	struct kz_outbox_stats s;
	struct kz_contact k;
	int64_t id;

	(void)state;
	id = queue_one(st, &inc, "en", NULL);
	o.smtp = &smtp;
	o.from = "csirt@csirt.example";
	o.max_attempts = 3;
	assert_int_equal(kz_outbox_run(&s, st, &o), 0);
	assert_int_equal(s.retry, 1);
	assert_int_equal(kz_contact_get(&k, st, id), 0);
	assert_int_equal(k.state, KZ_CS_QUEUED);
	assert_int_equal(k.attempts, 1);
	assert_int_equal(k.next_attempt_at, T0 + 60);
	assert_non_null(k.last_error);
	kz_contact_release(&k);
	/* not due yet: nothing happens */
	assert_int_equal(kz_outbox_run(&s, st, &o), 0);
	assert_int_equal(s.retry + s.sent + s.failed, 0);
	kz_time_set_fixed(T0 + 60);
	assert_int_equal(kz_outbox_run(&s, st, &o), 0);
	assert_int_equal(s.retry, 1);
	kz_time_set_fixed(T0 + 60 + 120);
	assert_int_equal(kz_outbox_run(&s, st, &o), 0);
	assert_int_equal(s.failed, 1);
	assert_int_equal(kz_contact_get(&k, st, id), 0);
	assert_int_equal(k.state, KZ_CS_FAILED);
	assert_int_equal(k.attempts, 3);
	kz_contact_release(&k);
	kz_store_close(st);
}

static void
test_reclaim_sending(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_smtp_config smtp = { "smtp://127.0.0.1:1", NULL, NULL,
		KZ_SMTP_TLS_NONE, 5, 0 };
	struct kz_outbox_opts o = { 0 };
	struct kz_outbox_stats s;
	struct kz_stmt *q;
	int64_t id;

	(void)state;
	id = queue_one(st, &inc, "en", NULL);
	/* a run that died between taking the contact and the verdict */
	assert_int_equal(kz_store_prepare(&q, st,
			     "UPDATE contacts SET state = 'sending', "
			     "sending_at = ?, attempts = 1 WHERE id = ?"),
	    0);
	kz_stmt_bind_int(q, 1, T0);
	kz_stmt_bind_int(q, 2, id);
	assert_int_equal(kz_stmt_exec(q), 0);
	o.smtp = &smtp;
	o.from = "csirt@csirt.example";
	kz_time_set_fixed(T0 + 10);
	assert_int_equal(kz_outbox_run(&s, st, &o), 0);
	assert_int_equal(s.reclaimed, 0);
	kz_time_set_fixed(T0 + KZ_OUTBOX_SENDING_TTL);
	assert_int_equal(kz_outbox_run(&s, st, &o), 0);
	assert_int_equal(s.reclaimed, 1);
	assert_int_equal(s.retry, 1);
	kz_store_close(st);
}

static void
mark_sent(struct kz_store *st, int64_t id)
{
	struct kz_stmt *q;

	assert_int_equal(kz_store_prepare(&q, st,
			     "UPDATE contacts SET state = 'sent', sent_at = ? "
			     "WHERE id = ?"),
	    0);
	kz_stmt_bind_int(q, 1, T0);
	kz_stmt_bind_int(q, 2, id);
	assert_int_equal(kz_stmt_exec(q), 0);
}

static void
match(struct kz_store *st, const char *raw, int64_t want_incident)
{
	struct kz_mail *m;
	int64_t got;

	assert_int_equal(kz_mail_parse(&m, raw, strlen(raw), NULL), 0);
	assert_int_equal(kz_store_begin(st), 0);
	assert_int_equal(kz_contact_match_mail(&got, st, m, 0), 0);
	assert_int_equal(kz_store_commit(st), 0);
	assert_int_equal(got, want_incident);
	kz_mail_free(m);
}

static void
test_replies(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_composed c;
	struct kz_contact k;
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	int64_t a, bb;

	(void)state;
	a = queue_one(st, &inc, "en", &c);
	mark_sent(st, a);
	/* a reply by In-Reply-To */
	kz_buf_addf(&b,
	    "From: someone@isp.example\nSubject: Re: hello\n"
	    "In-Reply-To: <%s>\nMessage-ID: <r1@isp.example>\n\nDone.\n",
	    c.message_id);
	match(st, b.ptr, inc.id);
	assert_int_equal(kz_contact_get(&k, st, a), 0);
	assert_int_equal(k.state, KZ_CS_REPLIED);
	assert_int_equal(k.replied_at, T0);
	kz_contact_release(&k);
	kz_composed_release(&c);
	/* a reply by ticket and the contacted address */
	bb = queue_one(st, &inc, "ja", NULL);
	mark_sent(st, bb);
	kz_buf_reset(&b);
	kz_buf_addf(&b,
	    "From: Abuse <ABUSE@isp.example>\nSubject: Re: [%s] x\n\nok\n",
	    inc.ticket);
	match(st, b.ptr, inc.id);
	assert_int_equal(kz_contact_get(&k, st, bb), 0);
	assert_int_equal(k.state, KZ_CS_REPLIED);
	kz_contact_release(&k);
	/* a stranger quoting the ticket matches nothing */
	kz_buf_reset(&b);
	kz_buf_addf(&b, "From: x@y.example\nSubject: [%s]\n\nhi\n", inc.ticket);
	match(st, b.ptr, 0);
	kz_buf_release(&b);
	kz_store_close(st);
}

static void
test_bounce(void **state)
{
	struct kz_incident inc;
	struct kz_store *st = fresh(&inc);
	struct kz_composed c;
	struct kz_contact k;
	struct kz_buf b = KZ_BUF_INIT(1 << 16);
	int64_t a;

	(void)state;
	a = queue_one(st, &inc, "en", &c);
	mark_sent(st, a);
	kz_buf_addf(&b,
	    "From: MAILER-DAEMON@mx.example\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status; "
	    "boundary=\"B\"\n\n"
	    "--B\nContent-Type: text/plain\n\nfailed\n"
	    "--B\nContent-Type: message/delivery-status\n\n"
	    "Reporting-MTA: dns; mx.example\n\n"
	    "Final-Recipient: rfc822; abuse@isp.example\n"
	    "Action: failed\nStatus: 5.1.1\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 no such user\n\n"
	    "--B\nContent-Type: text/rfc822-headers\n\n"
	    "Message-ID: <%s>\nSubject: [%s] x\n\n--B--\n",
	    c.message_id, inc.ticket);
	match(st, b.ptr, inc.id);
	assert_int_equal(kz_contact_get(&k, st, a), 0);
	assert_int_equal(k.state, KZ_CS_FAILED);
	assert_non_null(strstr(k.last_error, "5.1.1"));
	kz_contact_release(&k);
	kz_composed_release(&c);
	kz_buf_release(&b);
	kz_store_close(st);
}

static int
setup(void **state)
{
	(void)state;
	return kz_templates_load(&set, NULL);
}

static int
teardown(void **state)
{
	(void)state;
	kz_templates_free(set);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compose_enqueue),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_server_down),
		cmocka_unit_test(test_reclaim_sending),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_bounce),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
