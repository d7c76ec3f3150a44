/* SPDX-License-Identifier: MIT */
/*
 * The indicator table: 16 bytes an entry plus its canonical value in one
 * arena, metadata tuples interned (feeds repeat the same source, tags and
 * TLP), and the sets the sweep probes. Also the list loaders: plain, CSV
 * with a header, Zeek intel.
 */
#include "match/indicators.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "match/domainset.h"
#include "match/ipset.h"
#include "match/match_int.h"
#include "match/strset.h"
#include "match/urlset.h"

#define VALUE_MAX  8192
#define ERRORS_MAX (64 * 1024)

struct ent {
	uint32_t val;  /* offset of the value in vals */
	uint32_t meta; /* index into metas */
	uint32_t next_dup;
	uint8_t type;
};

struct meta {
	char *source;
	char *tags;
	char *tlp;
};

struct kz_ioc_table {
	struct ent *ents;
	size_t n, cap;
	char *vals;
	size_t vals_len, vals_cap;
	struct meta *metas;
	size_t nmetas, metas_cap;
	struct kz_strset *meta_index;
	struct kz_ipset *ips;
	struct kz_domainset *domains;
	struct kz_urlset *urls;
	struct kz_strset *emails;
	struct kz_strset *others; /* type byte + value, for duplicates only */
	struct kz_buf tmp;
	struct kz_buf key;
	uint32_t last_meta; /* the tuple the previous add used */
	int built;
	int bulk;         /* in a list load: domains are queued */
	size_t bulk_dups; /* duplicates the queue found */
};

/* clang-format off */
static const char *const type_names[] = {
	"ipv4", "ipv6", "cidr", "domain", "url", "email", "email_subject",
	"md5", "sha1", "sha256", "asn", "cve", "filename", NULL
};
/* clang-format on */

const char *
kz_ioc_table_type_name(enum kz_ioc_type type)
{
	if ((unsigned)type >= KZ_IOC_NTYPES)
		return "unknown";
	return type_names[type];
}

int
kz_ioc_table_new(struct kz_ioc_table **out)
{
	struct kz_ioc_table *t;
	int rc;

	*out = NULL;
	t = kz_calloc(1, sizeof(*t));
	if (!t)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	kz_buf_init(&t->tmp, VALUE_MAX * 4);
	kz_buf_init(&t->key, VALUE_MAX * 4);
	rc = kz_strset_new(&t->meta_index, 16);
	if (!rc)
		rc = kz_ipset_new(&t->ips);
	if (!rc)
		rc = kz_domainset_new(&t->domains, 1024);
	if (!rc)
		rc = kz_urlset_new(&t->urls, 64);
	if (!rc)
		rc = kz_strset_new(&t->emails, 64);
	if (!rc)
		rc = kz_strset_new(&t->others, 64);
	if (rc) {
		kz_ioc_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void
kz_ioc_table_free(struct kz_ioc_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nmetas; i++) {
		kz_free(t->metas[i].source);
		kz_free(t->metas[i].tags);
		kz_free(t->metas[i].tlp);
	}
	kz_free(t->metas);
	kz_free(t->ents);
	kz_free(t->vals);
	kz_strset_free(t->meta_index);
	kz_ipset_free(t->ips);
	kz_domainset_free(t->domains);
	kz_urlset_free(t->urls);
	kz_strset_free(t->emails);
	kz_strset_free(t->others);
	kz_buf_release(&t->tmp);
	kz_buf_release(&t->key);
	kz_free(t);
}

/* Quoted, shortened copy of untrusted text for messages. */
static const char *
shown(char *out, size_t outsz, const char *s, size_t len)
{
	size_t max = outsz > 4 ? outsz - 4 : 0, i, o = 0;

	for (i = 0; i < len && o < max; i++) {
		unsigned char c = (unsigned char)s[i];

		out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (i < len && outsz >= 4) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* ---- canonical forms ---------------------------------------------- */

static int
is_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			(c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

static int
is_digits(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Undoes the usual defanging: [.] (.) {.} [dot] [:] [@] [at] hxxp fxp. */
static void
refang(struct kz_buf *out, const char *s, size_t len)
{
	/* clang-format off */
	static const struct { const char *from; const char *to; } subs[] = {
		{ "[.]", "." }, { "(.)", "." }, { "{.}", "." },
		{ "[dot]", "." }, { "(dot)", "." }, { "[:]", ":" },
		{ "[://]", "://" }, { "[@]", "@" }, { "[at]", "@" },
		{ "(at)", "@" }, { "[/]", "/" },
	};
	/* clang-format on */
	size_t i = 0, k;

	kz_buf_reset(out);
	if (len >= 4 &&
	    (!strncasecmp(s, "hxxp", 4) || !strncasecmp(s, "hxtp", 4) ||
		!strncasecmp(s, "htxp", 4))) {
		kz_buf_adds(out, "http");
		i = 4;
	} else if (len >= 3 && !strncasecmp(s, "fxp", 3)) {
		kz_buf_adds(out, "ftp");
		i = 3;
	}
	while (i < len) {
		if (s[i] == '[' || s[i] == '(' || s[i] == '{') {
			for (k = 0; k < sizeof(subs) / sizeof(subs[0]); k++) {
				size_t fl = strlen(subs[k].from);

				if (len - i >= fl &&
				    !strncasecmp(s + i, subs[k].from, fl)) {
					kz_buf_adds(out, subs[k].to);
					i += fl;
					break;
				}
			}
			if (k < sizeof(subs) / sizeof(subs[0]))
				continue;
		}
		kz_buf_addc(out, s[i]);
		i++;
	}
}

/*
 * Whether refang() would change s: most lists are not defanged, and
 * skipping the copy saves an allocation per indicator at load.
 */
static int
defanged(const char *s, size_t len)
{
	size_t i;

	if (len >= 3 && ((s[0] | 0x20) == 'h' || (s[0] | 0x20) == 'f') &&
	    ((s[1] | 0x20) == 'x' || (s[2] | 0x20) == 'x'))
		return 1;
	for (i = 0; i < len; i++)
		if (s[i] == '[' || s[i] == '(' || s[i] == '{')
			return 1;
	return 0;
}

static int
canon_domain(struct kz_buf *out, const char *s, size_t len)
{
	size_t i;
	int ascii = 1;

	if (len >= 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		len -= 2;
	}
	if (len && s[len - 1] == '.')
		len--;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = 0;
	kz_buf_reset(out);
	if (!ascii) {
		char *in = kz_strndup(s, len), *alabel = NULL;
		int rc;

		if (!in)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		rc = idn2_to_ascii_8z(
		    in, &alabel, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
		kz_free(in);
		if (rc != IDN2_OK)
			return -1;
		kz_buf_adds(out, alabel);
		idn2_free(alabel);
	} else {
		kz_buf_add(out, s, len);
	}
	for (i = 0; i < out->len; i++) {
		char c = out->ptr[i];

		if (c >= 'A' && c <= 'Z')
			out->ptr[i] = (char)(c | 0x20);
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			     c == '-' || c == '.' || c == '_'))
			return -1;
	}
	if (!out->len || !memchr(out->ptr, '.', out->len) ||
	    out->len > KZ_DOMAIN_MAX || out->ptr[0] == '.' ||
	    strstr(out->ptr, ".."))
		return -1;
	return 0;
}

static int
canon_email(struct kz_buf *out, const char *s, size_t len)
{
	const char *at;
	struct kz_buf dom = KZ_BUF_INIT(VALUE_MAX);
	int rc = -1;
	size_t i;

	if (len >= 7 && !strncasecmp(s, "mailto:", 7)) {
		s += 7;
		len -= 7;
	}
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		s++;
		len -= 2;
	}
	at = memrchr(s, '@', len);
	if (!at || at == s || at == s + len - 1)
		return -1;
	for (i = 0; i < (size_t)(at - s); i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '<' || s[i] == '>' ||
		    s[i] == '@' || s[i] == ',')
			return -1;
	if (canon_domain(&dom, at + 1, len - (size_t)(at - s) - 1) < 0)
		goto done;
	kz_buf_reset(out);
	kz_buf_add(out, s, (size_t)(at - s) + 1);
	kz_buf_add(out, dom.ptr, dom.len);
	rc = out->err ? out->err : 0;
done:
	kz_buf_release(&dom);
	return rc;
}

static int
canon_ip(struct kz_buf *out, enum kz_ioc_type *type, enum kz_ioc_type want,
    const char *s, size_t len)
{
	uint8_t a[16];
	unsigned plen;
	int fam, hb, has_slash = memchr(s, '/', len) != NULL;
	char txt[INET6_ADDRSTRLEN];

	if (kz_ip_parse_prefix(&fam, a, &plen, &hb, s, len) < 0)
		return -1;
	if (want == KZ_IOC_IPV4 && (fam != 4 || has_slash))
		return -1;
	if (want == KZ_IOC_IPV6 && (fam != 6 || has_slash))
		return -1;
	if (hb)
		return -2;
	if (fam == 4) {
		char *q = txt;
		int k;

		for (k = 0; k < 4; k++) {
			unsigned v = a[k];

			if (v >= 100)
				*q++ = (char)('0' + v / 100);
			if (v >= 10)
				*q++ = (char)('0' + v / 10 % 10);
			*q++ = (char)('0' + v % 10);
			*q++ = k < 3 ? '.' : '\0';
		}
	} else {
		inet_ntop(AF_INET6, a, txt, sizeof(txt));
	}
	kz_buf_reset(out);
	kz_buf_adds(out, txt);
	if (want == KZ_IOC_CIDR || has_slash) {
		char pl[8];
		int k = 0;

		pl[k++] = '/';
		if (plen >= 100)
			pl[k++] = (char)('0' + plen / 100);
		if (plen >= 10)
			pl[k++] = (char)('0' + plen / 10 % 10);
		pl[k++] = (char)('0' + plen % 10);
		kz_buf_add(out, pl, (size_t)k);
		*type = KZ_IOC_CIDR;
	} else {
		*type = fam == 4 ? KZ_IOC_IPV4 : KZ_IOC_IPV6;
	}
	return 0;
}

static enum kz_ioc_type
guess(const char *s, size_t len)
{
	uint8_t a[16];
	unsigned plen;
	int fam, hb;

	if (memchr(s, ':', len) && memmem(s, len, "://", 3))
		return KZ_IOC_URL;
	if (len > 7 && !strncasecmp(s, "mailto:", 7))
		return KZ_IOC_EMAIL;
	if (memchr(s, '@', len) && !memchr(s, ' ', len))
		return KZ_IOC_EMAIL;
	if (kz_ip_parse_prefix(&fam, a, &plen, &hb, s, len) == 0)
		return memchr(s, '/', len) ? KZ_IOC_CIDR :
		    fam == 4               ? KZ_IOC_IPV4 :
					     KZ_IOC_IPV6;
	if (is_hex(s, len) && (len == 32 || len == 40 || len == 64))
		return len == 32 ? KZ_IOC_MD5 :
		    len == 40    ? KZ_IOC_SHA1 :
				   KZ_IOC_SHA256;
	if (len > 4 && !strncasecmp(s, "CVE-", 4))
		return KZ_IOC_CVE;
	if (len > 2 && !strncasecmp(s, "AS", 2) && is_digits(s + 2, len - 2))
		return KZ_IOC_ASN;
	if (memchr(s, '.', len) && !memchr(s, ' ', len) && !memchr(s, '/', len))
		return KZ_IOC_DOMAIN;
	return KZ_IOC_NTYPES;
}

int
kz_ioc_table_canonical(struct kz_buf *out, enum kz_ioc_type *type,
    enum kz_ioc_type t, const char *value, size_t len)
{
	struct kz_buf rf = KZ_BUF_INIT(VALUE_MAX * 2);
	const char *s = value;
	char sh[96];
	int rc = 0, r;
	size_t i;

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len &&
	    (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
		s[len - 1] == '\n'))
		len--;
	if (len == 0) {
		rc = kz_error_set(KZ_EINVAL, "empty indicator value");
		goto done;
	}
	if (len > VALUE_MAX) {
		rc = kz_error_set(KZ_EINVAL,
		    "indicator value of %zu bytes is longer than the limit of %d",
		    len, VALUE_MAX);
		goto done;
	}
	if (t != KZ_IOC_EMAIL_SUBJECT && t != KZ_IOC_FILENAME &&
	    defanged(s, len)) {
		refang(&rf, s, len);
		if (rf.err) {
			rc = rf.err;
			goto done;
		}
		s = rf.ptr;
		len = rf.len;
	}
	if (t == KZ_IOC_NTYPES) {
		t = guess(s, len);
		if (t == KZ_IOC_NTYPES) {
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not an indicator of any known type",
			    shown(sh, sizeof(sh), s, len));
			goto done;
		}
	}
	if ((unsigned)t >= KZ_IOC_NTYPES) {
		rc = kz_error_set(
		    KZ_EINVAL, "unknown indicator type '%d'", (int)t);
		goto done;
	}
	*type = t;
	kz_buf_reset(out);
	switch (t) {
	case KZ_IOC_IPV4:
	case KZ_IOC_IPV6:
	case KZ_IOC_CIDR:
		r = canon_ip(out, type, t, s, len);
		if (r == -2)
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' has bits set after the prefix length: give the network address",
			    shown(sh, sizeof(sh), s, len));
		else if (r < 0 && t == KZ_IOC_CIDR)
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not a valid CIDR block",
			    shown(sh, sizeof(sh), s, len));
		else if (r < 0 && t == KZ_IOC_IPV4)
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not a valid IPv4 address",
			    shown(sh, sizeof(sh), s, len));
		else if (r < 0)
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not a valid IPv6 address",
			    shown(sh, sizeof(sh), s, len));
		break;
	case KZ_IOC_DOMAIN:
		if (canon_domain(out, s, len) < 0)
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not a valid domain name",
			    shown(sh, sizeof(sh), s, len));
		break;
	case KZ_IOC_URL: {
		char norm[KZ_URL_MAX];
		size_t n;

		if (kz_url_normalize(norm, sizeof(norm), &n, s, len) < 0) {
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not an absolute URL (scheme://host/...)",
			    shown(sh, sizeof(sh), s, len));
			break;
		}
		kz_buf_add(out, norm, n);
		break;
	}
	case KZ_IOC_EMAIL:
		if (canon_email(out, s, len) < 0)
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not a valid e-mail address",
			    shown(sh, sizeof(sh), s, len));
		break;
	case KZ_IOC_MD5:
	case KZ_IOC_SHA1:
	case KZ_IOC_SHA256: {
		size_t want = t == KZ_IOC_MD5 ? 32 : t == KZ_IOC_SHA1 ? 40 : 64;

		if (len != want || !is_hex(s, len)) {
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not a valid %s hash (%zu hex digits)",
			    shown(sh, sizeof(sh), s, len), type_names[t], want);
			break;
		}
		kz_buf_add(out, s, len);
		for (i = 0; i < out->len; i++)
			out->ptr[i] = (char)(out->ptr[i] | 0x20);
		break;
	}
	case KZ_IOC_ASN:
		if (len > 2 && !strncasecmp(s, "AS", 2)) {
			s += 2;
			len -= 2;
		}
		if (!is_digits(s, len) || len > 10) {
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not a valid AS number",
			    shown(sh, sizeof(sh), value, len));
			break;
		}
		kz_buf_adds(out, "AS");
		kz_buf_add(out, s, len);
		break;
	case KZ_IOC_CVE:
		if (len < 9 || strncasecmp(s, "CVE-", 4) ||
		    !is_digits(s + 4, 4) || s[8] != '-' ||
		    !is_digits(s + 9, len - 9)) {
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not a valid CVE id",
			    shown(sh, sizeof(sh), s, len));
			break;
		}
		kz_buf_adds(out, "CVE");
		kz_buf_add(out, s + 3, len - 3);
		break;
	default:
		kz_buf_add(out, s, len);
		break;
	}
	if (!rc && out->err)
		rc = out->err;
done:
	kz_buf_release(&rf);
	return rc;
}

/* ---- metadata ----------------------------------------------------- */

static int
tlp_canon(const char **out, const char *tlp)
{
	/* clang-format off */
	static const char *const names[] = {
		"clear", "white", "green", "amber", "amber+strict", "red", NULL
	};
	/* clang-format on */
	char low[32];
	const char *s = tlp;
	size_t i;

	*out = "";
	if (!tlp || !*tlp)
		return 0;
	if (!strncasecmp(s, "tlp:", 4))
		s += 4;
	for (i = 0; s[i] && i < sizeof(low) - 1; i++)
		low[i] =
		    (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] | 0x20 : s[i]);
	low[i] = '\0';
	for (i = 0; names[i]; i++) {
		if (!strcmp(low, names[i])) {
			*out = i == 1 ? "clear" : names[i];
			return 0;
		}
	}
	return kz_error_set(KZ_EINVAL,
	    "unknown TLP '%s' (one of: clear, green, amber, amber+strict, red)",
	    tlp);
}

static int
meta_intern(struct kz_ioc_table *t, uint32_t *out, const char *source,
    const char *tags, const char *tlp)
{
	uint32_t idx = (uint32_t)t->nmetas, have;
	struct meta *m;
	int rc;

	/* Lists repeat one tuple line after line. */
	if (t->last_meta < t->nmetas) {
		m = &t->metas[t->last_meta];
		if (!strcmp(m->source, source) && !strcmp(m->tags, tags) &&
		    !strcmp(m->tlp, tlp)) {
			*out = t->last_meta;
			return 0;
		}
	}
	kz_buf_reset(&t->key);
	kz_buf_adds(&t->key, source);
	kz_buf_addc(&t->key, '\x1f');
	kz_buf_adds(&t->key, tags);
	kz_buf_addc(&t->key, '\x1f');
	kz_buf_adds(&t->key, tlp);
	if (t->key.err)
		return t->key.err;
	have = kz_strset_get(t->meta_index, t->key.ptr, t->key.len);
	if (have != KZ_STRSET_NONE) {
		*out = t->last_meta = have;
		return 0;
	}
	if (t->nmetas == t->metas_cap) {
		size_t ncap = t->metas_cap ? t->metas_cap * 2 : 16;
		struct meta *nm = kz_realloc(t->metas, ncap * sizeof(*nm));

		if (!nm)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		t->metas = nm;
		t->metas_cap = ncap;
	}
	m = &t->metas[t->nmetas];
	m->source = kz_strdup(source);
	m->tags = kz_strdup(tags);
	m->tlp = kz_strdup(tlp);
	if (!m->source || !m->tags || !m->tlp) {
		kz_free(m->source);
		kz_free(m->tags);
		kz_free(m->tlp);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	rc = kz_strset_add(t->meta_index, t->key.ptr, t->key.len, idx, NULL);
	if (rc) {
		kz_free(m->source);
		kz_free(m->tags);
		kz_free(m->tlp);
		return rc;
	}
	t->nmetas++;
	*out = t->last_meta = idx;
	return 0;
}

/* ---- adding ------------------------------------------------------- */

static void
chain_dup(struct kz_ioc_table *t, uint32_t first, uint32_t other)
{
	uint32_t i = first;

	while (t->ents[i].next_dup != KZ_IOC_NONE)
		i = t->ents[i].next_dup;
	t->ents[i].next_dup = other;
}

/* A queued domain turned out to be there already. */
static void
queued_dup(void *ctx, uint32_t kept, uint32_t other)
{
	struct kz_ioc_table *t = ctx;

	chain_dup(t, kept, other);
	t->bulk_dups++;
}

static int
add_canonical(struct kz_ioc_table *t, uint32_t *idout, enum kz_ioc_type type,
    const char *v, size_t len, uint32_t meta)
{
	uint32_t id = (uint32_t)t->n, existing = KZ_STRSET_NONE;
	int rc;

	if (t->n >= UINT32_MAX - 1)
		return kz_error_set(KZ_ENOMEM, "too many indicators");
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 1024;
		struct ent *ne = kz_realloc(t->ents, ncap * sizeof(*ne));

		if (!ne)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		match_advise_huge(ne, ncap * sizeof(*ne));
		t->ents = ne;
		t->cap = ncap;
	}
	if (t->vals_cap - t->vals_len < len + 1) {
		size_t ncap = t->vals_cap ? t->vals_cap : 65536;
		char *nv;

		while (ncap - t->vals_len < len + 1)
			ncap *= 2;
		if (ncap > UINT32_MAX)
			return kz_error_set(KZ_ENOMEM, "too many indicators");
		nv = kz_realloc(t->vals, ncap);
		if (!nv)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		match_advise_huge(nv, ncap);
		t->vals = nv;
		t->vals_cap = ncap;
	}
	switch (type) {
	case KZ_IOC_IPV4:
	case KZ_IOC_IPV6:
	case KZ_IOC_CIDR:
		rc = kz_ipset_add_str(t->ips, v, len, id);
		t->built = 0;
		break;
	case KZ_IOC_DOMAIN:
		if (t->bulk)
			rc = kz_domainset_add_queued(
			    t->domains, v, len, id, queued_dup, t);
		else
			rc =
			    kz_domainset_add(t->domains, v, len, id, &existing);
		break;
	case KZ_IOC_URL:
		rc = kz_urlset_add(t->urls, v, len, id, &existing);
		break;
	case KZ_IOC_EMAIL: {
		size_t i;

		/* Matched without case: mail systems ignore it in practice. */
		kz_buf_reset(&t->key);
		kz_buf_add(&t->key, v, len);
		for (i = 0; i < t->key.len; i++)
			if (t->key.ptr[i] >= 'A' && t->key.ptr[i] <= 'Z')
				t->key.ptr[i] |= 0x20;
		rc = t->key.err ? t->key.err :
				  kz_strset_add(t->emails, t->key.ptr,
				      t->key.len, id, &existing);
		break;
	}
	default:
		kz_buf_reset(&t->key);
		kz_buf_addc(&t->key, (char)('a' + type));
		kz_buf_add(&t->key, v, len);
		rc = t->key.err ? t->key.err :
				  kz_strset_add(t->others, t->key.ptr,
				      t->key.len, id, &existing);
		break;
	}
	if (rc && rc != KZ_EEXISTS)
		return rc;
	t->ents[id].val = (uint32_t)t->vals_len;
	t->ents[id].meta = meta;
	t->ents[id].next_dup = KZ_IOC_NONE;
	t->ents[id].type = (uint8_t)type;
	memcpy(t->vals + t->vals_len, v, len);
	t->vals[t->vals_len + len] = '\0';
	t->vals_len += len + 1;
	t->n++;
	if (rc == KZ_EEXISTS)
		chain_dup(t, existing, id);
	if (idout)
		*idout = id;
	return rc == KZ_EEXISTS ? 1 : 0;
}

static int
add_one(struct kz_ioc_table *t, uint32_t *id, enum kz_ioc_type type,
    const char *value, size_t len, const struct kz_ioc_meta *meta)
{
	const char *tlp = "";
	uint32_t mi = 0;
	enum kz_ioc_type got = type;
	int rc;

	rc = tlp_canon(&tlp, meta ? meta->tlp : NULL);
	if (rc)
		return rc;
	rc = kz_ioc_table_canonical(&t->tmp, &got, type, value, len);
	if (rc)
		return rc;
	rc = meta_intern(t, &mi, meta && meta->source ? meta->source : "",
	    meta && meta->tags ? meta->tags : "", tlp);
	if (rc)
		return rc;
	return add_canonical(t, id, got, t->tmp.ptr, t->tmp.len, mi);
}

int
kz_ioc_table_add(struct kz_ioc_table *t, uint32_t *id, enum kz_ioc_type type,
    const char *value, size_t len, const struct kz_ioc_meta *meta)
{
	int rc;

	if ((unsigned)type >= KZ_IOC_NTYPES)
		return kz_error_set(
		    KZ_EINVAL, "unknown indicator type '%d'", (int)type);
	rc = add_one(t, id, type, value, len, meta);
	return rc > 0 ? 0 : rc;
}

int
kz_ioc_table_add_auto(struct kz_ioc_table *t, uint32_t *id, const char *value,
    size_t len, const struct kz_ioc_meta *meta)
{
	int rc = add_one(t, id, KZ_IOC_NTYPES, value, len, meta);

	return rc > 0 ? 0 : rc;
}

static void
ip_dup(void *ctx, uint32_t kept, uint32_t other)
{
	chain_dup(ctx, kept, other);
}

int
kz_ioc_table_build(struct kz_ioc_table *t)
{
	size_t i;
	int rc;

	if (t->built)
		return 0;
	rc = kz_domainset_flush(t->domains);
	if (rc)
		return rc;
	for (i = 0; i < t->n; i++) {
		uint8_t ty = t->ents[i].type;

		if (ty == KZ_IOC_IPV4 || ty == KZ_IOC_IPV6 || ty == KZ_IOC_CIDR)
			t->ents[i].next_dup = KZ_IOC_NONE;
	}
	/* Chains of other types may pass through IP entries: none do, the
	 * types differ, so resetting IP links above loses nothing. */
	rc = kz_ipset_build(t->ips, ip_dup, t);
	if (!rc)
		t->built = 1;
	return rc;
}

size_t
kz_ioc_table_count(const struct kz_ioc_table *t)
{
	return t->n;
}

void
kz_ioc_table_get(const struct kz_ioc_table *t, uint32_t id, struct kz_ioc *out)
{
	const struct ent *e = &t->ents[id];
	const struct meta *m = &t->metas[e->meta];

	out->id = id;
	out->type = (enum kz_ioc_type)e->type;
	out->value = t->vals + e->val;
	out->source = m->source;
	out->tags = m->tags;
	out->tlp = m->tlp;
}

uint32_t
kz_ioc_table_next_dup(const struct kz_ioc_table *t, uint32_t id)
{
	return t->ents[id].next_dup;
}

const struct kz_ipset *
kz_ioc_table_ipset(const struct kz_ioc_table *t)
{
	return t->ips;
}

const struct kz_domainset *
kz_ioc_table_domains(const struct kz_ioc_table *t)
{
	return t->domains;
}

const struct kz_urlset *
kz_ioc_table_urls(const struct kz_ioc_table *t)
{
	return t->urls;
}

const struct kz_strset *
kz_ioc_table_emails(const struct kz_ioc_table *t)
{
	return t->emails;
}

size_t
kz_ioc_table_memory(const struct kz_ioc_table *t)
{
	return sizeof(*t) + t->cap * sizeof(struct ent) + t->vals_cap +
	    t->metas_cap * sizeof(struct meta) +
	    kz_strset_memory(t->meta_index) + kz_ipset_memory(t->ips) +
	    kz_domainset_memory(t->domains) + kz_urlset_memory(t->urls) +
	    kz_strset_memory(t->emails) + kz_strset_memory(t->others);
}

/* ---- loading lists ------------------------------------------------ */

static int
type_parse(enum kz_ioc_type *out, const char *name)
{
	int i;

	for (i = 0; type_names[i]; i++) {
		if (!strcasecmp(name, type_names[i])) {
			*out = (enum kz_ioc_type)i;
			return 0;
		}
	}
	if (!strcasecmp(name, "ip") || !strcasecmp(name, "ip-dst") ||
	    !strcasecmp(name, "ip-src")) {
		*out = KZ_IOC_NTYPES; /* either family: guess */
		return 0;
	}
	if (!strcasecmp(name, "hostname") || !strcasecmp(name, "fqdn")) {
		*out = KZ_IOC_DOMAIN;
		return 0;
	}
	return -1;
}

void
kz_ioc_load_stats_init(struct kz_ioc_load_stats *st)
{
	memset(st, 0, sizeof(*st));
	kz_buf_init(&st->errors, ERRORS_MAX);
}

void
kz_ioc_load_stats_release(struct kz_ioc_load_stats *st)
{
	kz_buf_release(&st->errors);
}

int
kz_ioc_list_format_parse(enum kz_ioc_list_format *out, const char *s)
{
	/* clang-format off */
	static const char *const names[] = { "auto", "plain", "csv", "zeek", NULL };
	/* clang-format on */
	int i;

	for (i = 0; names[i]; i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum kz_ioc_list_format)i;
			return 0;
		}
	}
	return kz_error_set(KZ_EINVAL,
	    "unknown indicator list format '%s' (one of: auto, plain, csv, zeek)",
	    s);
}

struct loader {
	struct kz_ioc_table *t;
	const char *origin;
	const struct kz_ioc_meta *defaults;
	unsigned flags;
	struct kz_ioc_load_stats *st;
	size_t line;
};

/* Counts one line's outcome; returns nonzero to stop the load. */
static int
outcome(struct loader *ld, int rc)
{
	if (rc > 0) {
		ld->st->added++;
		ld->st->duplicates++;
		return 0;
	}
	if (rc == 0) {
		ld->st->added++;
		return 0;
	}
	if (rc == KZ_ENOMEM)
		return rc;
	ld->st->rejected++;
	if (ld->st->errors.len < ERRORS_MAX - 512) {
		kz_buf_addf(&ld->st->errors, "%s:%zu: %s\n", ld->origin,
		    ld->line, kz_error_message());
		ld->st->errors.err = 0;
	}
	if (ld->flags & KZ_IOC_LOAD_STRICT) {
		char where[64];

		snprintf(where, sizeof(where), "%zu", ld->line);
		kz_error_wrap(rc, where);
		return kz_error_wrap(rc, ld->origin);
	}
	return 0;
}

static const char *
dflt(const char *given, const char *fallback)
{
	return given && *given ? given : fallback;
}

static int
load_plain(struct loader *ld, const char *p, const char *e)
{
	struct kz_ioc_meta m = {
		dflt(ld->defaults ? ld->defaults->source : NULL, ld->origin),
		ld->defaults ? ld->defaults->tags : NULL,
		ld->defaults ? ld->defaults->tlp : NULL,
	};
	int rc = 0;

	while (p < e && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(e - p)), *le, *s, *te;

		le = nl ? nl : e;
		ld->line++;
		ld->st->lines++;
		for (s = p; s < le && (*s == ' ' || *s == '\t'); s++)
			;
		for (te = s;
		     te < le && *te != ' ' && *te != '\t' && *te != '\r'; te++)
			;
		if (te > s && *s != '#' &&
		    !(te - s >= 2 && s[0] == '/' && s[1] == '/'))
			rc = outcome(ld,
			    add_one(ld->t, NULL, KZ_IOC_NTYPES, s,
				(size_t)(te - s), &m));
		p = nl ? nl + 1 : e;
	}
	return rc;
}

/*
 * Reads one CSV record (RFC 4180 quoting) starting at *pp into fields
 * (offsets into b, NUL-separated). Returns the number of fields.
 */
static size_t
csv_record(struct kz_buf *b, size_t *offs, size_t max, const char **pp,
    const char *e, size_t *lines)
{
	const char *p = *pp;
	size_t n = 0;
	int q = 0, any = 0;

	kz_buf_reset(b);
	offs[n++] = 0;
	for (; p < e; p++) {
		char c = *p;

		any = 1;
		if (q) {
			if (c == '"') {
				if (p + 1 < e && p[1] == '"') {
					kz_buf_addc(b, '"');
					p++;
				} else {
					q = 0;
				}
			} else {
				if (c == '\n')
					(*lines)++;
				kz_buf_addc(b, c);
			}
			continue;
		}
		if (c == '"') {
			q = 1;
		} else if (c == ',') {
			kz_buf_addc(b, '\0');
			if (n < max)
				offs[n++] = b->len;
		} else if (c == '\n') {
			p++;
			break;
		} else if (c != '\r') {
			kz_buf_addc(b, c);
		}
	}
	kz_buf_addc(b, '\0');
	*pp = p;
	return any ? n : 0;
}

static int
load_csv(struct loader *ld, const char *p, const char *e)
{
	struct kz_buf b = KZ_BUF_INIT(VALUE_MAX * 8);
	size_t offs[64], n, i, extra = 0;
	int col[5] = { -1, -1, -1, -1, -1 }; /* type value source tags tlp */
	int rc = 0;

	n = csv_record(&b, offs, 64, &p, e, &extra);
	ld->line = 1 + extra;
	for (i = 0; i < n; i++) {
		const char *h = b.ptr + offs[i];

		while (*h == ' ')
			h++;
		if (!strcasecmp(h, "type") || !strcasecmp(h, "indicator_type"))
			col[0] = (int)i;
		else if (!strcasecmp(h, "value") || !strcasecmp(h, "indicator"))
			col[1] = (int)i;
		else if (!strcasecmp(h, "source"))
			col[2] = (int)i;
		else if (!strcasecmp(h, "tags"))
			col[3] = (int)i;
		else if (!strcasecmp(h, "tlp"))
			col[4] = (int)i;
	}
	if (col[1] < 0) {
		rc = kz_error_set(KZ_EINVAL,
		    "'%s' has no value column: the first line must name the columns type,value,source,tags,tlp",
		    ld->origin);
		goto done;
	}
	while (p < e && !rc) {
		const char *f[5];
		enum kz_ioc_type type = KZ_IOC_NTYPES;
		struct kz_ioc_meta m;
		int r;

		extra = 0;
		n = csv_record(&b, offs, 64, &p, e, &extra);
		ld->line++;
		if (b.err) {
			rc = b.err;
			break;
		}
		if (n == 0 || (n == 1 && b.ptr[0] == '\0') || b.ptr[0] == '#') {
			ld->line += extra;
			continue;
		}
		ld->st->lines++;
		for (i = 0; i < 5; i++)
			f[i] = col[i] >= 0 && (size_t)col[i] < n ?
			    b.ptr + offs[col[i]] :
			    "";
		m.source = dflt(f[2],
		    dflt(ld->defaults ? ld->defaults->source : NULL,
			ld->origin));
		m.tags = dflt(f[3], ld->defaults ? ld->defaults->tags : NULL);
		m.tlp = dflt(f[4], ld->defaults ? ld->defaults->tlp : NULL);
		if (*f[0] && strcasecmp(f[0], "auto") &&
		    type_parse(&type, f[0]) < 0)
			r = kz_error_set(KZ_EINVAL,
			    "unknown indicator type '%s' (one of: ipv4, ipv6, cidr, domain, url, email, email_subject, md5, sha1, sha256, asn, cve, filename)",
			    f[0]);
		else
			r = add_one(ld->t, NULL, type, f[1], strlen(f[1]), &m);
		rc = outcome(ld, r);
		ld->line += extra;
	}
done:
	kz_buf_release(&b);
	return rc;
}

/* Zeek intel types to ours; KZ_IOC_NTYPES guesses, -1 skips the line. */
static int
zeek_type(enum kz_ioc_type *out, const char *s)
{
	/* clang-format off */
	static const struct { const char *name; int type; } map[] = {
		{ "Intel::ADDR", KZ_IOC_NTYPES },
		{ "Intel::SUBNET", KZ_IOC_CIDR },
		{ "Intel::DOMAIN", KZ_IOC_DOMAIN },
		{ "Intel::URL", KZ_IOC_URL },
		{ "Intel::EMAIL", KZ_IOC_EMAIL },
		{ "Intel::FILE_HASH", KZ_IOC_NTYPES },
		{ "Intel::CERT_HASH", KZ_IOC_SHA1 },
		{ "Intel::FILE_NAME", KZ_IOC_FILENAME },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcmp(s, map[i].name)) {
			*out = (enum kz_ioc_type)map[i].type;
			return 0;
		}
	}
	return -1;
}

static int
load_zeek(struct loader *ld, const char *p, const char *e)
{
	struct kz_buf b = KZ_BUF_INIT(VALUE_MAX * 8);
	int col[5] = { -1, -1, -1, -1,
		-1 }; /* indicator type source tags tlp */
	char sep = '\t';
	int rc = 0;

	while (p < e && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(e - p)), *le;
		const char *f[32];
		size_t nf = 0, i;

		le = nl ? nl : e;
		ld->line++;
		kz_buf_reset(&b);
		kz_buf_add(&b, p, (size_t)(le - p));
		p = nl ? nl + 1 : e;
		if (b.err) {
			ld->st->lines++;
			rc = outcome(ld,
			    kz_error_set(KZ_EINVAL,
				"line is longer than %d bytes", VALUE_MAX * 8));
			b.err = 0;
			continue;
		}
		if (b.len && b.ptr[b.len - 1] == '\r')
			kz_buf_truncate(&b, b.len - 1);
		if (!strncmp(b.ptr, "#separator ", 11)) {
			const char *v = b.ptr + 11;

			if (!strncmp(v, "\\x", 2) && strlen(v) >= 4)
				sep = (char)strtol(v + 2, NULL, 16);
			else if (*v)
				sep = *v;
			continue;
		}
		/* Split the line (fields, or the #fields header). */
		f[nf++] = b.ptr;
		for (i = 0; i < b.len && nf < 32; i++) {
			if (b.ptr[i] == sep) {
				b.ptr[i] = '\0';
				f[nf++] = b.ptr + i + 1;
			}
		}
		if (!strcmp(f[0], "#fields")) {
			for (i = 1; i < nf; i++) {
				int k = -1;

				if (!strcmp(f[i], "indicator"))
					k = 0;
				else if (!strcmp(f[i], "indicator_type"))
					k = 1;
				else if (!strcmp(f[i], "meta.source"))
					k = 2;
				else if (!strcmp(f[i], "meta.tags"))
					k = 3;
				else if (!strcmp(f[i], "meta.tlp"))
					k = 4;
				if (k >= 0)
					col[k] = (int)i - 1;
			}
			continue;
		}
		if (b.ptr[0] == '#' || b.len == 0)
			continue;
		ld->st->lines++;
		if (col[0] < 0 || col[1] < 0) {
			rc = kz_error_set(KZ_EINVAL,
			    "'%s' is not a Zeek intel file: no '#fields' line naming indicator and indicator_type",
			    ld->origin);
			break;
		}
		{
			const char *v[5];
			enum kz_ioc_type type;
			struct kz_ioc_meta m;
			struct kz_buf url = KZ_BUF_INIT(VALUE_MAX + 16);
			const char *val;
			int r;

			for (i = 0; i < 5; i++) {
				v[i] = col[i] >= 0 && (size_t)col[i] < nf ?
				    f[col[i]] :
				    "";
				if (!strcmp(v[i], "-") ||
				    !strcmp(v[i], "(empty)"))
					v[i] = "";
			}
			m.source = dflt(v[2],
			    dflt(ld->defaults ? ld->defaults->source : NULL,
				ld->origin));
			m.tags = dflt(
			    v[3], ld->defaults ? ld->defaults->tags : NULL);
			m.tlp =
			    dflt(v[4], ld->defaults ? ld->defaults->tlp : NULL);
			val = v[0];
			if (zeek_type(&type, v[1]) < 0) {
				r = kz_error_set(KZ_EINVAL,
				    "unsupported Zeek intel type '%s'", v[1]);
			} else {
				/* Zeek keeps URLs without their scheme. */
				if (type == KZ_IOC_URL && !strstr(val, "://")) {
					kz_buf_adds(&url, "http://");
					kz_buf_adds(&url, val);
					val = url.ptr;
				}
				r = add_one(
				    ld->t, NULL, type, val, strlen(val), &m);
			}
			kz_buf_release(&url);
			rc = outcome(ld, r);
		}
	}
	kz_buf_release(&b);
	return rc;
}

/*
 * Sizes the arrays for a list about to be loaded, so a million lines do
 * not grow them step by step. Lines starting with a letter are counted as
 * the domains they mostly are.
 */
static int
reserve(struct kz_ioc_table *t, const char *p, const char *e)
{
	size_t lines = 0, alpha = 0, bytes = (size_t)(e - p), alpha_bytes = 0;
	const char *q = p;
	int rc = 0;

	while (q < e) {
		const char *nl = memchr(q, '\n', (size_t)(e - q));
		const char *le = nl ? nl : e;

		lines++;
		if ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') {
			alpha++;
			alpha_bytes += (size_t)(le - q);
		}
		q = nl ? nl + 1 : e;
	}
	if (t->cap - t->n < lines) {
		struct ent *ne =
		    kz_realloc(t->ents, (t->n + lines) * sizeof(*ne));

		if (!ne)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		match_advise_huge(ne, (t->n + lines) * sizeof(*ne));
		t->ents = ne;
		t->cap = t->n + lines;
	}
	if (t->vals_cap - t->vals_len < bytes + lines &&
	    t->vals_len + bytes + lines < UINT32_MAX) {
		char *nv = kz_realloc(t->vals, t->vals_len + bytes + lines);

		if (!nv)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		match_advise_huge(nv, t->vals_len + bytes + lines);
		t->vals = nv;
		t->vals_cap = t->vals_len + bytes + lines;
	}
	if (alpha > 1024)
		rc = kz_domainset_reserve(t->domains, alpha, alpha_bytes);
	return rc;
}

static enum kz_ioc_list_format
detect_list(const char *p, const char *e)
{
	const char *nl;
	size_t len;

	while (p < e && (*p == '\n' || *p == '\r' || *p == ' '))
		p++;
	nl = memchr(p, '\n', (size_t)(e - p));
	len = nl ? (size_t)(nl - p) : (size_t)(e - p);
	if ((len >= 7 && !memcmp(p, "#fields", 7)) ||
	    (len >= 10 && !memcmp(p, "#separator", 10)))
		return KZ_IOC_LIST_ZEEK;
	if (memchr(p, ',', len) &&
	    (memmem(p, len, "value", 5) || memmem(p, len, "indicator", 9)))
		return KZ_IOC_LIST_CSV;
	return KZ_IOC_LIST_PLAIN;
}

int
kz_ioc_table_load(struct kz_ioc_table *t, const char *data, size_t len,
    enum kz_ioc_list_format fmt, const char *origin,
    const struct kz_ioc_meta *defaults, unsigned flags,
    struct kz_ioc_load_stats *st)
{
	struct loader ld = { t, origin ? origin : "-", defaults, flags, st, 0 };
	const char *e = data + len;
	int rc, r;

	/* Skip a UTF-8 byte order mark. */
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		data += 3;
	rc = reserve(t, data, e);
	if (rc)
		return rc;
	if (fmt == KZ_IOC_LIST_AUTO)
		fmt = detect_list(data, e);
	/* Domains are queued (their inserts overlap); done when it ends. */
	t->bulk = 1;
	t->bulk_dups = 0;
	switch (fmt) {
	case KZ_IOC_LIST_CSV:
		rc = load_csv(&ld, data, e);
		break;
	case KZ_IOC_LIST_ZEEK:
		rc = load_zeek(&ld, data, e);
		break;
	default:
		rc = load_plain(&ld, data, e);
		break;
	}
	t->bulk = 0;
	r = kz_domainset_flush(t->domains);
	if (!rc)
		rc = r;
	st->duplicates += t->bulk_dups;
	return rc;
}

int
kz_ioc_table_load_file(struct kz_ioc_table *t, const char *path,
    enum kz_ioc_list_format fmt, const struct kz_ioc_meta *defaults,
    unsigned flags, struct kz_ioc_load_stats *st)
{
	struct stat sb;
	char *data = NULL;
	size_t len = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kz_error_set(
		    KZ_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (unsigned long long)sb.st_size > (4ULL << 30)) {
		rc = kz_error_set(KZ_EIO,
		    "cannot read '%s': not a regular file of at most 4 GiB",
		    path);
		goto done;
	}
	data = kz_malloc((size_t)sb.st_size + 1);
	if (!data) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto done;
	}
	match_advise_huge(data, (size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size) {
		ssize_t r = read(fd, data + len, (size_t)sb.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = kz_error_set(KZ_EIO, "cannot read '%s': %s", path,
			    strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	rc = kz_ioc_table_load(t, data, len, fmt, path, defaults, flags, st);
done:
	kz_free(data);
	close(fd);
	return rc;
}
