/* SPDX-License-Identifier: MIT */
/* Tests for the vocabularies, TLP parsing and the handling-flow machine. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "model/taxonomy.h"

/*
 * The handling flow of seed 004, written down here on its own rather than
 * copied from the library: a report is accepted (new) and assessed
 * (triaged) or turned down (rejected); the CSIRT contacts the party who
 * can act (coordinating) and waits for them (waiting), back and forth;
 * the result comes in (resolved) and is reported back (closed). Simple
 * cases may skip steps forwards; a closed or rejected case is reopened by
 * triaging it again. One row per from-status, one column per to-status in
 * the order new, triaged, coordinating, waiting, resolved, closed,
 * rejected.
 */
static const struct {
	const char *from;
	const char *to; /* 'x' allowed, '.' refused */
} flow[] = {
	{ "new", ".xx.xxx" },
	{ "triaged", "..xxxxx" },
	{ "coordinating", "...xxx." },
	{ "waiting", "..x.xx." },
	{ "resolved", "..x..x." },
	{ "closed", ".x....." },
	{ "rejected", ".x....." },
};

static const char *const status_order[] = { "new", "triaged", "coordinating",
	"waiting", "resolved", "closed", "rejected" };

static enum kz_status
st(const char *name)
{
	enum kz_status s;

	if (kz_status_parse(&s, name) != 0)
		fail_msg("status '%s' unknown", name);
	return s;
}

static void
test_transitions(void **state)
{
	int checked = 0, allowed = 0;

	(void)state;
	assert_int_equal(sizeof(flow) / sizeof(flow[0]), KZ_ST_COUNT);
	for (size_t i = 0; i < sizeof(flow) / sizeof(flow[0]); i++) {
		enum kz_status from = st(flow[i].from);
		char want_list[256] = "", got_list[256];

		assert_int_equal(strlen(flow[i].to), KZ_ST_COUNT);
		for (int j = 0; j < KZ_ST_COUNT; j++) {
			enum kz_status to = st(status_order[j]);
			int want = flow[i].to[j] == 'x';
			int rc;

			if (kz_status_can_move(from, to) != want)
				fail_msg("%s -> %s: expected %s", flow[i].from,
				    status_order[j],
				    want ? "allowed" : "refused");
			kz_error_clear();
			rc = kz_status_check(from, to);
			if (want) {
				assert_int_equal(rc, 0);
				assert_int_equal(kz_error_code(), 0);
				snprintf(want_list + strlen(want_list),
				    sizeof(want_list) - strlen(want_list),
				    "%s%s", want_list[0] ? ", " : "",
				    status_order[j]);
				allowed++;
			} else {
				assert_int_equal(rc, KZ_ECONFLICT);
				assert_int_equal(kz_error_code(), KZ_ECONFLICT);
			}
			checked++;
		}
		assert_string_equal(
		    kz_status_next_list(got_list, sizeof(got_list), from),
		    want_list);
		/* A refused move names every allowed next status. */
		for (int j = 0; j < KZ_ST_COUNT; j++) {
			char msg[512];

			if (flow[i].to[j] == 'x')
				continue;
			kz_status_check(from, st(status_order[j]));
			snprintf(msg, sizeof(msg),
			    "cannot move from '%s' to '%s' (allowed from "
			    "'%s': %s)",
			    flow[i].from, status_order[j], flow[i].from,
			    want_list);
			assert_string_equal(kz_error_message(), msg);
		}
	}
	assert_int_equal(checked, 49);
	assert_int_equal(allowed, 20);
}

static void
test_transition_properties(void **state)
{
	int reach[KZ_ST_COUNT] = { 0 };
	int changed = 1;

	(void)state;
	for (int s = 0; s < KZ_ST_COUNT; s++) {
		/* Never to itself. */
		assert_false(kz_status_can_move(s, s));
		/* Every open case can be closed at once. */
		if (kz_status_is_open(s))
			assert_true(kz_status_can_move(s, KZ_ST_CLOSED));
		/* Nothing goes back to new. */
		assert_false(kz_status_can_move(s, KZ_ST_NEW));
	}
	/* Every status is reachable from new. */
	reach[KZ_ST_NEW] = 1;
	while (changed) {
		changed = 0;
		for (int a = 0; a < KZ_ST_COUNT; a++)
			for (int b = 0; b < KZ_ST_COUNT; b++)
				if (reach[a] && !reach[b] &&
				    kz_status_can_move(a, b))
					reach[b] = changed = 1;
	}
	for (int s = 0; s < KZ_ST_COUNT; s++)
		assert_true(reach[s]);
	/* Out-of-range statuses move nowhere. */
	assert_false(kz_status_can_move(KZ_ST_COUNT, KZ_ST_NEW));
	assert_false(kz_status_can_move(KZ_ST_NEW, KZ_ST_COUNT));
	assert_false(kz_status_can_move((enum kz_status) - 1, KZ_ST_TRIAGED));
	assert_int_equal(
	    kz_status_check(KZ_ST_NEW, (enum kz_status)99), KZ_ECONFLICT);
}

static void
test_is_open(void **state)
{
	(void)state;
	assert_true(kz_status_is_open(KZ_ST_NEW));
	assert_true(kz_status_is_open(KZ_ST_TRIAGED));
	assert_true(kz_status_is_open(KZ_ST_COORDINATING));
	assert_true(kz_status_is_open(KZ_ST_WAITING));
	assert_true(kz_status_is_open(KZ_ST_RESOLVED));
	assert_false(kz_status_is_open(KZ_ST_CLOSED));
	assert_false(kz_status_is_open(KZ_ST_REJECTED));
}

static void
test_tlp(void **state)
{
	static const struct {
		const char *in;
		enum kz_tlp want;
	} ok[] = {
		{ "clear", KZ_TLP_CLEAR },
		{ "CLEAR", KZ_TLP_CLEAR },
		{ "TLP:CLEAR", KZ_TLP_CLEAR },
		{ "white", KZ_TLP_CLEAR },
		{ "White", KZ_TLP_CLEAR },
		{ "TLP:WHITE", KZ_TLP_CLEAR },
		{ "tlp:white", KZ_TLP_CLEAR },
		{ "green", KZ_TLP_GREEN },
		{ "TLP:Green", KZ_TLP_GREEN },
		{ "amber", KZ_TLP_AMBER },
		{ "TLP:AMBER", KZ_TLP_AMBER },
		{ "amber+strict", KZ_TLP_AMBER_STRICT },
		{ "AMBER+STRICT", KZ_TLP_AMBER_STRICT },
		{ "TLP:AMBER+STRICT", KZ_TLP_AMBER_STRICT },
		{ "tlp:Amber+Strict", KZ_TLP_AMBER_STRICT },
		{ "red", KZ_TLP_RED },
		{ "TLP:RED", KZ_TLP_RED },
		{ "Tlp:rEd", KZ_TLP_RED },
	};
	static const char *const bad[] = { "", "purple", "TLP:", "TLP",
		"amber strict", "amber-strict", "TLP:AMBER+STRICTX", "TLP: RED",
		" red", "red ", "TLP:TLP:RED", "whitewhite",
		"redredredredredredredredredredredredred", "赤", NULL };
	enum kz_tlp t;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		t = KZ_TLP_COUNT;
		if (kz_tlp_parse(&t, ok[i].in) != 0)
			fail_msg("'%s' refused", ok[i].in);
		assert_int_equal(t, ok[i].want);
	}
	for (int i = 0; bad[i]; i++) {
		t = KZ_TLP_GREEN;
		if (kz_tlp_parse(&t, bad[i]) != KZ_EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(t, KZ_TLP_GREEN);
	}
	assert_int_equal(kz_tlp_parse(&t, "purple"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "unknown TLP 'purple' (one of: clear, green, amber, amber+strict, "
	    "red)");
	assert_int_equal(kz_tlp_parse(&t, NULL), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "unknown TLP ''"));
}

static void
test_tlp_names(void **state)
{
	static const char *const names[] = { "clear", "green", "amber",
		"amber+strict", "red" };
	static const char *const labels[] = { "TLP:CLEAR", "TLP:GREEN",
		"TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED" };
	enum kz_tlp t;

	(void)state;
	for (int i = 0; i < KZ_TLP_COUNT; i++) {
		assert_string_equal(kz_tlp_name(i), names[i]);
		assert_string_equal(kz_tlp_label(i), labels[i]);
		/* Both the name and the label parse back. */
		assert_int_equal(kz_tlp_parse(&t, names[i]), 0);
		assert_int_equal(t, i);
		assert_int_equal(kz_tlp_parse(&t, labels[i]), 0);
		assert_int_equal(t, i);
	}
	/* Unknown values are treated as the most restrictive. */
	assert_string_equal(kz_tlp_name(KZ_TLP_COUNT), "red");
	assert_string_equal(kz_tlp_label((enum kz_tlp) - 1), "TLP:RED");
	assert_null(kz_tlp_names[KZ_TLP_COUNT]);
}

static void
test_category(void **state)
{
	static const char *const names[] = { "scan", "defacement", "phishing",
		"malware_site", "dos", "targeted", "control_system", "other" };
	static const char *const rsit[] = { "information-gathering/scanner",
		"intrusions/system-compromise", "fraud/phishing",
		"malicious-code/malware-distribution", "availability/ddos",
		"intrusions/application-compromise",
		"intrusions/system-compromise", "other/other" };
	enum kz_category c;

	(void)state;
	for (int i = 0; i < KZ_CAT_COUNT; i++) {
		assert_int_equal(kz_category_parse(&c, names[i]), 0);
		assert_int_equal(c, i);
		assert_string_equal(kz_category_name(i), names[i]);
		assert_string_equal(kz_category_rsit(i), rsit[i]);
	}
	assert_null(kz_category_names[KZ_CAT_COUNT]);
	c = KZ_CAT_DOS;
	assert_int_equal(kz_category_parse(&c, "nosuch"), KZ_EINVAL);
	assert_int_equal(c, KZ_CAT_DOS);
	assert_string_equal(kz_error_message(),
	    "unknown category 'nosuch' (one of: scan, defacement, phishing, "
	    "malware_site, dos, targeted, control_system, other)");
	/* Names are exact: the database stores them in lower case. */
	assert_int_equal(kz_category_parse(&c, "SCAN"), KZ_EINVAL);
	assert_int_equal(kz_category_parse(&c, ""), KZ_EINVAL);
	assert_int_equal(kz_category_parse(&c, NULL), KZ_EINVAL);
	assert_non_null(strstr(kz_error_message(), "unknown category ''"));
	assert_string_equal(kz_category_name(KZ_CAT_COUNT), "other");
	assert_string_equal(kz_category_rsit(KZ_CAT_COUNT), "other/other");
}

static void
test_status_names(void **state)
{
	enum kz_status s;

	(void)state;
	for (int i = 0; i < KZ_ST_COUNT; i++) {
		assert_string_equal(kz_status_name(i), status_order[i]);
		assert_int_equal(kz_status_parse(&s, status_order[i]), 0);
		assert_int_equal(s, i);
	}
	assert_null(kz_status_names[KZ_ST_COUNT]);
	assert_int_equal(kz_status_parse(&s, "open"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "unknown status 'open' (one of: new, triaged, coordinating, "
	    "waiting, resolved, closed, rejected)");
	assert_int_equal(kz_status_parse(&s, "Closed"), KZ_EINVAL);
	assert_string_equal(kz_status_name(KZ_ST_COUNT), "new");
}

static void
test_stage(void **state)
{
	static const char *const names[] = { "recon", "intrusion", "lateral",
		"objective" };
	enum kz_stage s;

	(void)state;
	for (int i = 0; i < KZ_STAGE_COUNT; i++) {
		assert_int_equal(kz_stage_parse(&s, names[i]), 0);
		assert_int_equal(s, i);
		assert_string_equal(kz_stage_name(i), names[i]);
	}
	s = KZ_STAGE_RECON;
	assert_int_equal(kz_stage_parse(&s, ""), 0);
	assert_int_equal(s, KZ_STAGE_NONE);
	s = KZ_STAGE_RECON;
	assert_int_equal(kz_stage_parse(&s, "none"), 0);
	assert_int_equal(s, KZ_STAGE_NONE);
	assert_null(kz_stage_name(KZ_STAGE_NONE));
	assert_null(kz_stage_name(KZ_STAGE_COUNT));
	assert_int_equal(kz_stage_parse(&s, "潜入"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "unknown stage '潜入' (one of: recon, intrusion, lateral, "
	    "objective)");
	assert_int_equal(kz_stage_parse(&s, NULL), KZ_EINVAL);
}

static void
test_org_kind(void **state)
{
	static const char *const names[] = { "member", "isp", "hosting",
		"vendor", "csirt", "police", "registrar", "other", NULL };

	(void)state;
	for (int i = 0; names[i]; i++) {
		assert_int_equal(kz_org_kind_parse(names[i]), i);
		assert_string_equal(kz_org_kind_names[i], names[i]);
	}
	assert_null(kz_org_kind_names[8]);
	assert_int_equal(kz_org_kind_parse("bank"), KZ_EINVAL);
	assert_string_equal(kz_error_message(),
	    "unknown org kind 'bank' (one of: member, isp, hosting, vendor, "
	    "csirt, police, registrar, other)");
	assert_int_equal(kz_org_kind_parse(NULL), KZ_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_transition_properties),
		cmocka_unit_test(test_is_open),
		cmocka_unit_test(test_tlp),
		cmocka_unit_test(test_tlp_names),
		cmocka_unit_test(test_category),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_stage),
		cmocka_unit_test(test_org_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
