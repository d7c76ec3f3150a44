/* SPDX-License-Identifier: MIT */
/*
 * kizuki extract: the indicators in a text or a mail, refanged and in
 * canonical form, with byte offsets in --json, and with --classify the
 * suggested category and attack stage and the rules behind them.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "extract/classify.h"
#include "extract/extract.h"
#include "format/mail.h"


enum { OPT_CLASSIFY = OPT_FIRST_CMD, OPT_RULES, OPT_ALL, OPT_TEXT };

/* Input larger than this is refused rather than read. */
#define EXTRACT_INPUT_MAX (256u << 20)

/* Whether the input starts like a mail: header lines, then a blank one. */
static size_t
mail_header_len(const char *s, size_t n)
{
	size_t i = 0, lines = 0;

	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t l = nl ? (size_t)(nl - (s + i)) : n - i;

		if (l == 0 || (l == 1 && s[i] == '\r'))
			return lines ? i : 0;
		if (s[i] != ' ' && s[i] != '\t') {
			size_t k = 0;

			while (k < l && s[i + k] > ' ' && s[i + k] < 0x7f &&
			    s[i + k] != ':')
				k++;
			if (k == 0 || k == l || s[i + k] != ':')
				return 0;
		} else if (!lines) {
			return 0;
		}
		lines++;
		if (!nl)
			return 0;
		i += l + 1;
	}
	return 0;
}

static json_t *
items_json(const struct kz_extract_result *r, const struct kz_extract_result *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < r->n; i++) {
		const struct kz_extract_item *it = &r->items[i];

		json_array_append_new(a,
		    json_pack("{s:s, s:s, s:I, s:I, s:I}", "type",
			kz_ioc_type_name(it->type), "value", it->value, "start",
			(json_int_t)it->start, "end", (json_int_t)it->end,
			"count", (json_int_t)it->count));
	}
	/* found only in the decoded mail: no offsets in the input */
	for (size_t i = 0; a && d && i < d->n; i++) {
		const struct kz_extract_item *it = &d->items[i];

		if (kz_extract_find(r, it->type, it->value))
			continue;
		json_array_append_new(a,
		    json_pack("{s:s, s:s, s:n, s:n, s:I, s:s}", "type",
			kz_ioc_type_name(it->type), "value", it->value, "start",
			"end", "count", (json_int_t)it->count, "source",
			"decoded"));
	}
	return a;
}

static json_t *
class_json(const struct kz_classification *c)
{
	return json_pack("{s:s, s:f, s:s, s:s?, s:f, s:s?}", "category",
	    kz_category_name(c->category), "confidence", c->confidence, "rule",
	    c->rule, "stage", kz_stage_name(c->stage), "stage_confidence",
	    c->stage_confidence, "stage_rule",
	    c->stage == KZ_STAGE_NONE ? NULL : c->stage_rule);
}

int
cmd_extract(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTS,
		{ "classify", no_argument, NULL, OPT_CLASSIFY },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "text", no_argument, NULL, OPT_TEXT },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_help_opt help[] = {
		{ "--json",
		    N_("print type, value, byte offsets and count of each "
		       "indicator as JSON") },
		{ "--classify",
		    N_("also suggest a category and an attack stage") },
		{ "--rules FILE",
		    N_("classification rules to use instead of the built-in "
		       "ones") },
		{ "--all", N_("list every occurrence, not each value once") },
		{ "--text", N_("read the input as text even if it is a mail") },
		{ NULL, NULL },
	};
	const char *path = "-", *rules_path = NULL;
	struct kz_extract_result res, dec;
	struct kz_classify_rules *rules = NULL;
	struct kz_classification cls;
	struct kz_classify_input in;
	struct kz_mail *mail = NULL;
	struct kz_buf body = KZ_BUF_INIT(EXTRACT_INPUT_MAX);
	int c, r, rc = CLI_ERR, classify = 0, as_text = 0;
	unsigned flags = 0;
	char *data = NULL;
	size_t len = 0, hlen;

	kz_extract_result_init(&res);
	kz_extract_result_init(&dec);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cli_help(cli,
			    N_("usage: kizuki extract [FILE|-] [--json] "
			       "[--classify [--rules FILE]] [--all] [--text]"),
			    N_("Finds IP addresses, prefixes, domains, URLs, "
			       "e-mail addresses, hashes, CVE ids and AS "
			       "numbers in a text or a mail, defanged or not, "
			       "and prints each once in canonical form."),
			    help);
		case OPT_CLASSIFY:
			classify = 1;
			break;
		case OPT_RULES:
			rules_path = optarg;
			classify = 1;
			break;
		case OPT_ALL:
			flags |= KZ_EXTRACT_ALL;
			break;
		case OPT_TEXT:
			as_text = 1;
			break;
		default:
			if ((r = cli_common_opt(cli, c, optarg)) <= 0)
				return r < 0 ? CLI_USAGE :
					       cli_usage(cli, "%s",
						   _("unexpected option"));
		}
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc)
		return cli_usage(
		    cli, _("unexpected argument '%s'"), argv[optind]);
	if (rules_path && kz_classify_rules_load(&rules, rules_path))
		goto fail;
	if (cli_read_input(cli, path, EXTRACT_INPUT_MAX, &data, &len))
		goto fail;
	if (kz_extract(&res, data, len, flags))
		goto fail;
	memset(&in, 0, sizeof(in));
	in.text = data;
	in.text_len = len;
	hlen = as_text ? 0 : mail_header_len(data, len);
	if (hlen && kz_mail_parse(&mail, data, len, NULL) == 0) {
		/* encoded bodies (base64, quoted-printable, ISO-2022-JP) */
		kz_buf_adds(&body, mail->subject);
		kz_buf_addc(&body, '\n');
		kz_buf_add(&body, mail->text, mail->text_len);
		if (mail->html_text) {
			kz_buf_addc(&body, '\n');
			kz_buf_adds(&body, mail->html_text);
		}
		if (body.err || kz_extract(&dec, body.ptr, body.len, flags))
			goto fail;
		in.subject = mail->subject;
		in.headers = data;
		in.headers_len = hlen;
		in.text = mail->text;
		in.text_len = mail->text_len;
	}
	in.iocs = &res;
	if (classify && kz_classify(&cls, rules, &in))
		goto fail;
	if (cli->json) {
		json_t *o = json_pack("{s:o}", "indicators",
		    items_json(&res, mail ? &dec : NULL));

		if (o && classify)
			json_object_set_new(
			    o, "classification", class_json(&cls));
		rc = cli_print_json(cli, o);
		goto done;
	}
	if (classify) {
		printf("# %s: %s (%.2f, %s)\n", _("category"),
		    kz_category_name(cls.category), cls.confidence, cls.rule);
		if (cls.stage != KZ_STAGE_NONE)
			printf("# %s: %s (%.2f, %s)\n", _("stage"),
			    kz_stage_name(cls.stage), cls.stage_confidence,
			    cls.stage_rule);
	}
	for (size_t i = 0; i < res.n; i++)
		printf("%s\t%s\n", kz_ioc_type_name(res.items[i].type),
		    res.items[i].value);
	for (size_t i = 0; mail && i < dec.n; i++)
		if (!kz_extract_find(
			&res, dec.items[i].type, dec.items[i].value))
			printf("%s\t%s\n", kz_ioc_type_name(dec.items[i].type),
			    dec.items[i].value);
	rc = CLI_OK;
	goto done;
fail:
	rc = cli_fail(cli);
done:
	kz_mail_free(mail);
	kz_classify_rules_free(rules);
	kz_extract_result_release(&res);
	kz_extract_result_release(&dec);
	kz_buf_release(&body);
	kz_free(data);
	return rc;
}
