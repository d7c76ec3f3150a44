/* SPDX-License-Identifier: MIT */
/*
 * Rule-based classification of reports into the category taxonomy and
 * the attack stages. Rules come from a text file; matching is keyword
 * search (ASCII case-insensitive, whole words for ASCII keywords), mail
 * header search and counts of extracted indicators.
 */
#include "extract/classify.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/strutil.h"

/* Rules files and the text searched are capped: input is hostile. */
#define RULES_FILE_MAX (4u << 20)
#define TEXT_MAX       (1u << 20)

enum rule_kind { K_KEYWORD, K_SUBJECT, K_HEADER, K_IOC, K_STAGE };

static const char *const kind_names[] = { "keyword", "subject", "header", "ioc",
	"stage", NULL };

struct rule {
	enum rule_kind kind;
	char name[KZ_CLASSIFY_RULE_MAX];
	int target; /* enum kz_category, or enum kz_stage for K_STAGE */
	double weight;
	char *pattern; /* lower-cased (ASCII); header: the value part */
	size_t plen;
	char *header; /* K_HEADER: the header name, lower-cased */
	enum kz_ioc_type ioc;
	size_t min; /* K_IOC: fires from this many indicators */
};

struct kz_classify_rules {
	struct rule *r;
	size_t n, alloc;
};

void
kz_classify_rules_free(struct kz_classify_rules *rules)
{
	if (!rules)
		return;
	for (size_t i = 0; i < rules->n; i++) {
		kz_free(rules->r[i].pattern);
		kz_free(rules->r[i].header);
	}
	kz_free(rules->r);
	kz_free(rules);
}

size_t
kz_classify_rules_count(const struct kz_classify_rules *rules)
{
	return rules ? rules->n : 0;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int
is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static void
lower_ascii(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

/* Next white-space separated field of line[*i..n) into f (NUL-ended). */
static int
field(char *f, size_t fsz, const char *line, size_t n, size_t *i)
{
	size_t k = 0;

	while (*i < n && is_space((unsigned char)line[*i]))
		(*i)++;
	while (*i < n && !is_space((unsigned char)line[*i])) {
		if (k + 1 >= fsz)
			return -1;
		f[k++] = line[(*i)++];
	}
	f[k] = '\0';
	return k ? 0 : -1;
}

static int
parse_weight(double *out, const char *s)
{
	char *end;
	double w;

	errno = 0;
	w = strtod(s, &end);
	if (errno || *end || end == s || !(w > 0.0) || w > 1.0)
		return -1;
	*out = w;
	return 0;
}

static int
parse_line(
    struct rule *r, const char *line, size_t n, const char *origin, int lineno)
{
	char kind[16], target[64], weight[32], list[256];
	const char *pat;
	size_t i = 0, plen;
	int k;

	memset(r, 0, sizeof(*r));
	if (field(kind, sizeof(kind), line, n, &i) ||
	    (k = kz_name_index(kind_names, kind)) < 0)
		return kz_error_set(KZ_EINVAL,
		    "%s:%d: unknown rule kind '%s' (one of: %s)", origin,
		    lineno, kind, kz_name_list(list, sizeof(list), kind_names));
	r->kind = (enum rule_kind)k;
	if (field(r->name, sizeof(r->name), line, n, &i))
		return kz_error_set(KZ_EINVAL,
		    "%s:%d: missing rule name (at most %d bytes)", origin,
		    lineno, KZ_CLASSIFY_RULE_MAX - 1);
	if (field(target, sizeof(target), line, n, &i))
		target[0] = '\0';
	if (r->kind == K_STAGE) {
		r->target = kz_name_index(kz_stage_names, target);
		if (r->target < 0)
			return kz_error_set(KZ_EINVAL,
			    "%s:%d: unknown stage '%s' (one of: %s)", origin,
			    lineno, target,
			    kz_name_list(list, sizeof(list), kz_stage_names));
	} else {
		r->target = kz_name_index(kz_category_names, target);
		if (r->target < 0)
			return kz_error_set(KZ_EINVAL,
			    "%s:%d: unknown category '%s' (one of: %s)", origin,
			    lineno, target,
			    kz_name_list(
				list, sizeof(list), kz_category_names));
	}
	if (field(weight, sizeof(weight), line, n, &i) ||
	    parse_weight(&r->weight, weight))
		return kz_error_set(KZ_EINVAL,
		    "%s:%d: weight '%s' is not a number above 0 and at most 1",
		    origin, lineno, weight);
	while (i < n && is_space((unsigned char)line[i]))
		i++;
	while (n > i && is_space((unsigned char)line[n - 1]))
		n--;
	pat = line + i;
	plen = n - i;
	if (plen == 0)
		return kz_error_set(KZ_EINVAL,
		    "%s:%d: rule '%s' has no pattern", origin, lineno, r->name);
	if (r->kind == K_IOC) {
		char tname[32];
		size_t j = 0;
		long min = 1;

		if (field(tname, sizeof(tname), pat, plen, &j) ||
		    (k = kz_name_index(kz_ioc_type_names, tname)) < 0)
			return kz_error_set(KZ_EINVAL,
			    "%s:%d: unknown indicator type '%s' (one of: %s)",
			    origin, lineno, tname,
			    kz_name_list(
				list, sizeof(list), kz_ioc_type_names));
		r->ioc = (enum kz_ioc_type)k;
		if (j < plen) {
			char num[24];

			if (field(num, sizeof(num), pat, plen, &j) ||
			    kz_parse_long(&min, num, 1, 1000000))
				return kz_error_set(KZ_EINVAL,
				    "%s:%d: count '%s' is not a whole number "
				    "from 1",
				    origin, lineno, num);
		}
		r->min = (size_t)min;
		return 0;
	}
	if (r->kind == K_HEADER) {
		const char *colon = memchr(pat, ':', plen);
		size_t hl;

		if (!colon || colon == pat)
			return kz_error_set(KZ_EINVAL,
			    "%s:%d: header rule '%s' needs 'Name: text'",
			    origin, lineno, r->name);
		hl = (size_t)(colon - pat);
		while (hl && is_space((unsigned char)pat[hl - 1]))
			hl--;
		r->header = kz_strndup(pat, hl);
		if (!r->header)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		lower_ascii(r->header, hl);
		plen -= (size_t)(colon + 1 - pat);
		pat = colon + 1;
		while (plen && is_space((unsigned char)*pat)) {
			pat++;
			plen--;
		}
	}
	r->pattern = kz_strndup(pat, plen);
	if (!r->pattern)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	lower_ascii(r->pattern, plen);
	r->plen = plen;
	return 0;
}

int
kz_classify_rules_parse(struct kz_classify_rules **out, const char *text,
    size_t len, const char *origin)
{
	struct kz_classify_rules *rs = kz_calloc(1, sizeof(*rs));
	size_t i = 0;
	int lineno = 0, rc;

	*out = NULL;
	if (!rs)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	while (i < len) {
		const char *line = text + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i, k = 0;

		i += n + (nl ? 1 : 0);
		lineno++;
		while (k < n && is_space((unsigned char)line[k]))
			k++;
		if (k == n || line[k] == '#')
			continue;
		if (rs->n == rs->alloc) {
			size_t na = rs->alloc ? rs->alloc * 2 : 64;
			struct rule *nr = kz_realloc(rs->r, na * sizeof(*nr));

			if (!nr) {
				rc = kz_error_set(KZ_ENOMEM, "out of memory");
				goto done;
			}
			rs->r = nr;
			rs->alloc = na;
		}
		rc = parse_line(&rs->r[rs->n], line, n, origin, lineno);
		if (rc) {
			kz_free(rs->r[rs->n].pattern);
			kz_free(rs->r[rs->n].header);
			goto done;
		}
		rs->n++;
	}
	*out = rs;
	rs = NULL;
	rc = 0;
done:
	kz_classify_rules_free(rs);
	return rc;
}

int
kz_classify_rules_load(struct kz_classify_rules **out, const char *path)
{
	struct kz_buf b = KZ_BUF_INIT(RULES_FILE_MAX);
	FILE *f = NULL;
	char chunk[8192];
	size_t r;
	int rc;

	*out = NULL;
	if (!path)
		return kz_classify_rules_parse(out, kz_classify_default_rules,
		    kz_classify_default_rules_len, "built-in rules");
	f = fopen(path, "rb");
	if (!f) {
		rc = kz_error_set(KZ_EIO, "cannot read rules file '%s': %s",
		    path, strerror(errno));
		goto done;
	}
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kz_buf_add(&b, chunk, r);
	if (ferror(f)) {
		rc = kz_error_set(KZ_EIO, "cannot read rules file '%s': %s",
		    path, strerror(errno));
		goto done;
	}
	if (b.err) {
		rc = b.err;
		goto done;
	}
	rc = kz_classify_rules_parse(out, b.ptr, b.len, path);
done:
	if (f)
		fclose(f);
	kz_buf_release(&b);
	return rc;
}

/* --- matching ------------------------------------------------------------ */

/* Whether pat occurs in hay; ASCII patterns must stand as whole words. */
static int
contains(const char *hay, size_t hn, const char *pat, size_t pn)
{
	const char *p = hay, *end = hay + hn;
	int wb = is_word((unsigned char)pat[0]),
	    we = is_word((unsigned char)pat[pn - 1]);

	while (p < end) {
		const char *m = memmem(p, (size_t)(end - p), pat, pn);

		if (!m)
			return 0;
		if ((!wb || m == hay || !is_word((unsigned char)m[-1])) &&
		    (!we || m + pn == end || !is_word((unsigned char)m[pn])))
			return 1;
		p = m + 1;
	}
	return 0;
}

/* Whether a header line "name: value" of the block matches r. */
static int
header_matches(const struct rule *r, const char *h, size_t hn)
{
	size_t i = 0, nl = strlen(r->header);
	char val[2048];

	while (i < hn) {
		const char *line = h + i, *colon;
		size_t n = 0, k = 0;

		/* one header with its folded continuation lines */
		for (;;) {
			const char *e = memchr(h + i, '\n', hn - i);
			size_t seg = e ? (size_t)(e - (h + i)) : hn - i;

			i += seg + (e ? 1 : 0);
			n = (size_t)(h + i - line);
			if (i >= hn || (h[i] != ' ' && h[i] != '\t'))
				break;
		}
		colon = memchr(line, ':', n);
		if (!colon || (size_t)(colon - line) != nl ||
		    strncasecmp(line, r->header, nl) != 0)
			continue;
		for (const char *p = colon + 1; p < line + n; p++) {
			if (k + 1 >= sizeof(val))
				break;
			if (*p == '\r' || *p == '\n' || *p == '\t')
				val[k++] = ' ';
			else
				val[k++] = *p;
		}
		lower_ascii(val, k);
		if (r->plen == 0 || contains(val, k, r->pattern, r->plen))
			return 1;
	}
	return 0;
}

static int
rule_fires(const struct rule *r, const struct kz_classify_input *in,
    const char *subj, size_t sn, const char *all, size_t an)
{
	switch (r->kind) {
	case K_KEYWORD:
	case K_STAGE:
		return contains(all, an, r->pattern, r->plen);
	case K_SUBJECT:
		return sn && contains(subj, sn, r->pattern, r->plen);
	case K_HEADER:
		return in->headers &&
		    header_matches(r, in->headers, in->headers_len);
	case K_IOC:
		return in->iocs && kz_extract_count(in->iocs, r->ioc) >= r->min;
	}
	return 0;
}

static struct kz_classify_rules *builtin;
static int builtin_rc;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void
builtin_init(void)
{
	builtin_rc = kz_classify_rules_load(&builtin, NULL);
}

int
kz_classify(struct kz_classification *out,
    const struct kz_classify_rules *rules, const struct kz_classify_input *in)
{
	struct kz_buf all = KZ_BUF_INIT(2 * TEXT_MAX + 2);
	double cat[KZ_CAT_COUNT], stage[KZ_STAGE_COUNT];
	double cbest[KZ_CAT_COUNT], sbest[KZ_STAGE_COUNT];
	const char *cname[KZ_CAT_COUNT], *sname[KZ_STAGE_COUNT];
	size_t sn, tn;
	int rc, best = KZ_CAT_OTHER, bs = -1;

	memset(out, 0, sizeof(*out));
	out->category = KZ_CAT_OTHER;
	out->stage = KZ_STAGE_NONE;
	snprintf(out->rule, sizeof(out->rule), "default");
	if (!rules) {
		pthread_once(&builtin_once, builtin_init);
		if (builtin_rc)
			return builtin_rc;
		rules = builtin;
	}
	for (int i = 0; i < KZ_CAT_COUNT; i++) {
		cat[i] = 1.0;
		cbest[i] = 0.0;
		cname[i] = NULL;
	}
	for (int i = 0; i < KZ_STAGE_COUNT; i++) {
		stage[i] = 1.0;
		sbest[i] = 0.0;
		sname[i] = NULL;
	}
	/* subject and text, lower-cased once, searched by every rule */
	sn = in->subject ? strlen(in->subject) : 0;
	sn = sn > TEXT_MAX ? TEXT_MAX : sn;
	tn = in->text ? in->text_len : 0;
	tn = tn > TEXT_MAX ? TEXT_MAX : tn;
	kz_buf_add(&all, in->subject, sn);
	kz_buf_addc(&all, '\n');
	kz_buf_add(&all, in->text, tn);
	if (all.err) {
		rc = all.err;
		goto done;
	}
	lower_ascii(all.ptr, all.len);
	for (size_t i = 0; i < rules->n; i++) {
		const struct rule *r = &rules->r[i];

		if (!rule_fires(r, in, all.ptr, sn, all.ptr, all.len))
			continue;
		if (r->kind == K_STAGE) {
			stage[r->target] *= 1.0 - r->weight;
			if (r->weight > sbest[r->target]) {
				sbest[r->target] = r->weight;
				sname[r->target] = r->name;
			}
		} else {
			cat[r->target] *= 1.0 - r->weight;
			if (r->weight > cbest[r->target]) {
				cbest[r->target] = r->weight;
				cname[r->target] = r->name;
			}
		}
	}
	for (int i = 0; i < KZ_CAT_COUNT; i++) {
		out->scores[i] = 1.0 - cat[i];
		if (cname[i] &&
		    (!cname[best] || out->scores[i] > out->scores[best]))
			best = i;
	}
	if (cname[best]) {
		out->category = (enum kz_category)best;
		out->confidence = out->scores[best];
		snprintf(out->rule, sizeof(out->rule), "%s", cname[best]);
	}
	for (int i = 0; i < KZ_STAGE_COUNT; i++)
		if (sname[i] && 1.0 - stage[i] >= 0.3 &&
		    (bs < 0 || stage[i] < stage[bs]))
			bs = i;
	if (bs >= 0) {
		out->stage = (enum kz_stage)bs;
		out->stage_confidence = 1.0 - stage[bs];
		snprintf(
		    out->stage_rule, sizeof(out->stage_rule), "%s", sname[bs]);
	}
	rc = 0;
done:
	kz_buf_release(&all);
	return rc;
}

int
kz_classify_override(
    struct kz_classification *out, const char *category, const char *stage)
{
	enum kz_category c;
	enum kz_stage s = KZ_STAGE_NONE;
	int rc;

	rc = kz_category_parse(&c, category ? category : "");
	if (rc)
		return rc;
	if (stage && *stage && strcmp(stage, "none") != 0) {
		rc = kz_stage_parse(&s, stage);
		if (rc)
			return rc;
	}
	out->category = c;
	out->confidence = 1.0;
	snprintf(out->rule, sizeof(out->rule), "handler");
	if (stage) {
		out->stage = s;
		out->stage_confidence = s == KZ_STAGE_NONE ? 0.0 : 1.0;
		snprintf(out->stage_rule, sizeof(out->stage_rule), "%s",
		    s == KZ_STAGE_NONE ? "" : "handler");
	}
	out->overridden = 1;
	return 0;
}
