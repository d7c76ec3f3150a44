/* SPDX-License-Identifier: MIT */
/*
 * kizuki enrich: what the data directory says about addresses and names:
 * the AS and its name, the range it was announced in, the country, and the
 * registrable domain of a host. Also the loading of that data, shared with
 * `incident route` and `abuse`.
 */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_enrich.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/netaddr.h"
#include "extract/ioc.h"
#include "match/urlset.h"

void
cli_enrich_init(struct cli_enrich *e)
{
	const char *d = getenv("KIZUKI_DATA");

	memset(e, 0, sizeof(*e));
	e->data_dir = d && *d ? d : "var/data";
}

void
cli_enrich_release(struct cli_enrich *e)
{
	kz_asn_table_free(e->asn);
	kz_geo_close(e->geo);
	kz_psl_free(e->psl);
	kz_route_fallbacks_release(&e->fallbacks);
	memset(e, 0, sizeof(*e));
}

static char *
data_file(const struct cli_enrich *e, const char *name)
{
	struct kz_buf b = KZ_BUF_INIT(4096);

	kz_buf_addf(&b, "%s/%s", e->data_dir, name);
	return b.err ? NULL : kz_buf_detach(&b, NULL);
}

static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static void
notice(struct cli *cli, const char *msg, const char *arg)
{
	if (cli->json)
		return;
	fprintf(stderr, "kizuki: ");
	fprintf(stderr, _(msg), arg);
	fputc('\n', stderr);
}

static void
report_problems(struct cli *cli, const struct kz_asn_stats *s)
{
	char line[320];

	if (cli->json)
		return;
	if (s->malformed) {
		fprintf(stderr, "kizuki: ");
		fprintf(stderr,
		    _("%zu malformed rows skipped in the ASN table"),
		    s->malformed);
		fputc('\n', stderr);
		for (size_t i = 0; i < s->nproblems; i++) {
			const struct kz_asn_problem *p = &s->problems[i];
			const char *arg[1] = { p->value };

			kz_format_args(line, sizeof(line), _(p->fmt), arg, 1);
			fprintf(
			    stderr, "  %s:%lu: %s\n", p->source, p->line, line);
		}
	}
	if (s->overlaps) {
		fprintf(stderr, "kizuki: ");
		fprintf(stderr,
		    _("%zu overlapping ranges in the ASN table; the smallest "
		      "range wins where they overlap"),
		    s->overlaps);
		fputc('\n', stderr);
		for (size_t i = 0; i < s->noverlap_kept; i++) {
			const struct kz_asn_problem *p = &s->overlap_kept[i];
			const char *arg[1] = { p->value };

			kz_format_args(line, sizeof(line), _(p->fmt), arg, 1);
			fprintf(
			    stderr, "  %s:%lu: %s\n", p->source, p->line, line);
		}
	}
}

int
cli_enrich_asn(struct cli *cli, struct cli_enrich *e)
{
	static const char *const names[] = { "asn-ipv4.csv", "asn-ipv6.csv",
		NULL };
	int any = 0;

	if (e->asn_tried)
		return 0;
	e->asn_tried = 1;
	for (int i = 0; names[i]; i++) {
		char *path = data_file(e, names[i]);

		if (!path) {
			kz_error_set(KZ_ENOMEM, "out of memory");
			return cli_fail(cli), -1;
		}
		if (!exists(path)) {
			kz_free(path);
			continue;
		}
		if ((!e->asn && kz_asn_table_new(&e->asn)) ||
		    kz_asn_table_load_file(e->asn, path, 0)) {
			kz_free(path);
			return cli_fail(cli), -1;
		}
		kz_free(path);
		any = 1;
	}
	if (!any) {
		notice(cli,
		    N_("no ASN table in '%s' (run 'make data'): AS numbers are "
		       "not known"),
		    e->data_dir);
		return 0;
	}
	if (kz_asn_table_build(e->asn))
		return cli_fail(cli), -1;
	report_problems(cli, kz_asn_table_stats(e->asn));
	return 0;
}

int
cli_enrich_geo(struct cli *cli, struct cli_enrich *e)
{
	char *path;

	if (e->geo_tried)
		return 0;
	e->geo_tried = 1;
	if (!(path = data_file(e, "geo-whois-asn-country.mmdb"))) {
		kz_error_set(KZ_ENOMEM, "out of memory");
		return cli_fail(cli), -1;
	}
	if (!exists(path)) {
		notice(cli,
		    N_("no country database in '%s' (run 'make data'): "
		       "countries are not known"),
		    e->data_dir);
		kz_free(path);
		return 0;
	}
	if (kz_geo_open(&e->geo, path)) {
		kz_free(path);
		return cli_fail(cli), -1;
	}
	kz_free(path);
	return 0;
}

int
cli_enrich_psl(struct cli *cli, struct cli_enrich *e)
{
	if (e->psl_tried)
		return 0;
	e->psl_tried = 1;
	if (kz_psl_new(&e->psl, NULL))
		return cli_fail(cli), -1;
	return 0;
}

struct ini_ctx {
	struct cli_enrich *e;
	int failed;
	int line;
};

static int
on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *c = user;

	if (strcmp(section, "fallback") != 0) {
		kz_error_set(KZ_EINVAL,
		    "unknown section '[%s]' (the file has [fallback] only)",
		    section);
		c->failed = 1;
		return 0;
	}
	if (kz_route_fallback_add(&c->e->fallbacks, name, value)) {
		c->failed = 1;
		return 0;
	}
	return 1;
}

int
cli_enrich_fallbacks(struct cli *cli, struct cli_enrich *e, const char *path)
{
	struct ini_ctx c = { e, 0, 0 };
	int r = ini_parse(path, on_ini, &c);

	if (r < 0) {
		kz_error_set(KZ_EIO, "cannot read '%s'", path);
		return cli_fail(cli), -1;
	}
	if (r > 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s",
		    c.failed ?
			kz_error_render(kz_tr(cli_lang, kz_error_format())) :
			_("syntax error"));
		kz_error_set(KZ_EINVAL, "%s line %d: %s", path, r, msg);
		return cli_fail(cli), -1;
	}
	return 0;
}

json_t *
cli_enrich_asn_json(const struct cli_enrich *e)
{
	const struct kz_asn_stats *s;
	json_t *o, *a;

	if (!e->asn)
		return json_null();
	s = kz_asn_table_stats(e->asn);
	o = json_object();
	kz_json_set(o, "rows_v4", json_integer((json_int_t)s->rows_v4));
	kz_json_set(o, "rows_v6", json_integer((json_int_t)s->rows_v6));
	kz_json_set(o, "malformed", json_integer((json_int_t)s->malformed));
	kz_json_set(o, "overlaps", json_integer((json_int_t)s->overlaps));
	a = json_array();
	for (size_t i = 0; i < s->nproblems; i++)
		json_array_append_new(a,
		    json_pack("{s:s, s:I, s:s}", "source",
			s->problems[i].source, "line",
			(json_int_t)s->problems[i].line, "problem",
			s->problems[i].what));
	for (size_t i = 0; i < s->noverlap_kept; i++)
		json_array_append_new(a,
		    json_pack("{s:s, s:I, s:s}", "source",
			s->overlap_kept[i].source, "line",
			(json_int_t)s->overlap_kept[i].line, "problem",
			s->overlap_kept[i].what));
	kz_json_set(o, "problems", a);
	return o;
}

/* ---- kizuki enrich ---- */

static int
enrich_ip(struct cli *cli, struct cli_enrich *e, json_t *o, const char *ip)
{
	struct kz_prefix pf;
	struct kz_asn_hit h;
	char range[96], cc[3];

	if (cli_enrich_asn(cli, e) || cli_enrich_geo(cli, e))
		return -1;
	if (kz_prefix_parse(&pf, ip))
		return cli_fail(cli), -1;
	if (e->asn && kz_asn_lookup(e->asn, pf.addr, &h) == 1) {
		kz_json_set(o, "asn", json_integer(h.asn));
		kz_json_set(o, "as_name", kz_json_str(h.name));
		kz_json_set(
		    o, "range", kz_json_str(kz_asn_hit_range(range, &h)));
	} else {
		kz_json_set(o, "asn", json_null());
	}
	if (e->geo) {
		int r = kz_geo_country(cc, e->geo, pf.addr);

		if (r < 0)
			return cli_fail(cli), -1;
		kz_json_set(o, "country", r ? kz_json_str(cc) : json_null());
	}
	return 0;
}

static int
enrich_host(struct cli *cli, struct cli_enrich *e, json_t *o, const char *host)
{
	char reg[256];
	const char *suf;

	if (cli_enrich_psl(cli, e))
		return -1;
	kz_json_set(o, "host", kz_json_str(host));
	if (kz_domain_registrable(reg, sizeof(reg), e->psl, host) == 0)
		kz_json_set(o, "registrable_domain", kz_json_str(reg));
	else
		kz_json_set(o, "registrable_domain", json_null());
	kz_error_clear();
	suf = kz_domain_suffix(e->psl, host);
	kz_json_set(o, "public_suffix", kz_json_str(suf));
	return 0;
}

static int
enrich_one(struct cli *cli, struct cli_enrich *e, json_t *o, const char *v)
{
	struct kz_buf canon = KZ_BUF_INIT(8192);
	enum kz_ioc_type t;
	struct kz_prefix pf;
	const char *h;
	size_t hn;
	char host[256];
	int rc = 0;

	if (kz_ioc_detect(&t, &canon, v, strlen(v))) {
		kz_buf_release(&canon);
		return cli_fail(cli), -1;
	}
	kz_json_set(o, "value", kz_json_str(canon.ptr));
	kz_json_set(o, "type", kz_json_str(kz_ioc_type_name(t)));
	switch (t) {
	case KZ_IOC_IPV4:
	case KZ_IOC_IPV6:
	case KZ_IOC_CIDR:
		rc = enrich_ip(cli, e, o, canon.ptr);
		break;
	case KZ_IOC_DOMAIN:
		rc = enrich_host(cli, e, o, canon.ptr);
		break;
	case KZ_IOC_URL:
		if (kz_url_host(&h, &hn, canon.ptr, canon.len) == 0 &&
		    hn < sizeof(host)) {
			memcpy(host, h, hn);
			host[hn] = '\0';
			if (kz_prefix_parse(&pf, host) == 0)
				rc = enrich_ip(cli, e, o, host);
			else
				rc = enrich_host(cli, e, o, host);
		}
		kz_error_clear();
		break;
	case KZ_IOC_EMAIL:
		rc = enrich_host(cli, e, o, strrchr(canon.ptr, '@') + 1);
		break;
	case KZ_IOC_ASN: {
		uint32_t asn;

		if (cli_enrich_asn(cli, e)) {
			rc = -1;
			break;
		}
		if (kz_asn_parse(&asn, canon.ptr) == 0 && e->asn) {
			const char *n = kz_asn_name(e->asn, asn);

			kz_json_set(
			    o, "as_name", *n ? kz_json_str(n) : json_null());
		}
		kz_error_clear();
		break;
	}
	default:
		break;
	}
	kz_buf_release(&canon);
	return rc;
}

static void
print_text(const json_t *o)
{
	const char *keys[] = { "asn", "as_name", "range", "country",
		"registrable_domain", "public_suffix", NULL };

	printf("%s (%s)\n", json_string_value(json_object_get(o, "value")),
	    json_string_value(json_object_get(o, "type")));
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(o, keys[i]);

		if (!v)
			continue;
		printf("  ");
		cli_pad(stdout, keys[i], 20);
		if (json_is_integer(v))
			printf("AS%lld\n", (long long)json_integer_value(v));
		else if (json_is_string(v))
			printf("%s\n", json_string_value(v));
		else
			printf("-\n");
	}
}

int
cmd_enrich(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS,
		CLI_ENRICH_DATA_DIR_OPT, { NULL, 0, NULL, 0 } };
	static const struct cli_help_opt help[] = { CLI_ENRICH_DATA_DIR_HELP,
		{ NULL, NULL } };
	struct cli_enrich e;
	json_t *all;
	int c, r, rc = CLI_OK;

	cli_enrich_init(&e);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cli_help(cli,
			    N_("usage: kizuki enrich [--data-dir DIR] "
			       "VALUE..."),
			    N_("Looks up the AS, AS name, range and country of "
			       "addresses, and the registrable domain of host "
			       "names, URLs and e-mail addresses."),
			    help);
		if (c == OPT_DATA_DIR) {
			e.data_dir = optarg;
			continue;
		}
		if ((r = cli_common_opt(cli, c, optarg)) < 0)
			return CLI_USAGE;
		if (r == 0)
			return cli_usage(cli, "%s", _("unexpected option"));
	}
	if (optind >= argc)
		return cli_usage(cli, "%s", _("give at least one value"));
	all = json_array();
	for (int i = optind; i < argc; i++) {
		json_t *o = json_object();

		if (enrich_one(cli, &e, o, argv[i])) {
			json_decref(o);
			rc = CLI_ERR;
			continue;
		}
		if (cli->json)
			json_array_append_new(all, o);
		else {
			print_text(o);
			json_decref(o);
		}
	}
	if (cli->json) {
		json_t *doc = json_object();

		kz_json_set(doc, "results", all);
		kz_json_set(doc, "asn_table", cli_enrich_asn_json(&e));
		r = cli_print_json(cli, doc);
		if (r)
			rc = r;
	} else {
		json_decref(all);
	}
	cli_enrich_release(&e);
	return rc;
}
