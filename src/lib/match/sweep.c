/* SPDX-License-Identifier: MIT */
/*
 * The sweep engine. A regular plain file is handed to the workers in
 * ranges that each reads itself; otherwise (compressed input, a pipe,
 * Zeek TSV, whose headers change the parser) the calling thread reads and
 * decompresses and cuts the stream into chunks at line ends. Workers
 * parse and match each line and keep the chunk's hits; the calling thread
 * emits finished chunks in order, so hits come out by file and line and
 * the summaries need no locks. Memory is bounded by the chunk pool.
 */
#include "match/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "core/timeutil.h"
#include "match/domainset.h"
#include "match/ipset.h"
#include "match/strset.h"
#include "match/urlset.h"

#define DEFAULT_MAX_LINE (1u << 20)
#define DEFAULT_CHUNK    (4u << 20)
#define READ_BLOCK       (256u << 10)
#define MAX_LINE_HITS    64
#define HIT_STRINGS_MAX  (256u << 20)
#define FILL             (256u << 10)
/*
 * A worker's share of a plain file at a time. Each hand-off wakes the
 * thread that hands out and collects; at 1 MiB they cost little, and the
 * bytes a worker reads are still in its cache when it sweeps them.
 */
#define RANGE (1u << 20)

/* clang-format off */
static const char *const reason_names[KZ_SWEEP_NREASONS] = {
	"line too long", "binary data", "invalid UTF-8",
	"other format", "unparsed (generic tokenizer)",
	"truncated compressed input", "corrupt compressed input",
};
/* clang-format on */

const char *
kz_sweep_reason_name(enum kz_sweep_reason r)
{
	if ((unsigned)r >= KZ_SWEEP_NREASONS)
		return "unknown";
	return reason_names[r];
}

void
kz_sweep_opts_init(struct kz_sweep_opts *o)
{
	memset(o, 0, sizeof(*o));
}

/* ---- chunks and hits ---------------------------------------------- */

struct hitrec {
	uint64_t line; /* within the chunk, 1-based */
	int64_t time;
	uint32_t ioc;
	uint32_t field, value, client; /* offsets into the chunk's strs */
	uint8_t format;
};

enum { C_FREE = 0, C_FILLING, C_QUEUED, C_DONE };

struct chunk {
	char *data;    /* the chunk's own buffer, for input that is read */
	const char *p; /* its bytes: data, or a part of a buffer swept */
	size_t len;
	/*
	 * A range of a plain file that the worker reads itself (fd >= 0):
	 * the lines that start in [off, off + range) of the file's bytes
	 * [base, end). long_tail: the last of them is longer than a chunk.
	 */
	int fd;
	uint64_t off, base, end;
	size_t range;
	int long_tail, read_errno;
	struct kz_log_parser parser; /* state at the chunk's first line */
	uint64_t lines_before;       /* skipped over-long lines before it */
	int state;
	struct chunk *next; /* work queue */
	/* results */
	uint64_t nlines;
	uint64_t reasons[KZ_SWEEP_NREASONS];
	struct hitrec *hits;
	size_t nhits, hits_cap;
	struct kz_buf strs;
	int err;
	char apart[128]; /* from the next chunk, swept by another worker */
};

/*
 * Matching runs one line behind reading. The values of a line become
 * probes (an address parsed, the suffixes of a host hashed) whose cache
 * lines are asked for at once; the probes of the line before run while
 * they arrive. At a million indicators each lookup misses the cache, and
 * this hides most of the wait.
 */
enum { PR_IP4, PR_IP6, PR_DOMAIN, PR_URL, PR_EMAIL };

#define MAX_PROBES  (2 * KZ_LOG_MAXVALUES) /* a URL or address: two */
#define MAX_QUERIES 4 /* hosts a line prepares; more are looked up late */
#define NO_QUERY    0xff

struct probe {
	const struct kz_log_value *v;
	const char *s; /* the text looked up, reported with a hit */
	uint32_t len;
	uint8_t kind;
	uint8_t q; /* PR_DOMAIN: its prepared query, or NO_QUERY */
	union {
		uint32_t a4;
		uint8_t a6[16];
	} a;
};

/* A line read and waiting for its probes to run. */
struct pending {
	struct kz_log_record rec;
	uint64_t line;
	unsigned n, nq;
	struct probe p[MAX_PROBES];
	struct kz_domainset_query q[MAX_QUERIES];
};

/* What one thread needs to read lines. */
struct worker {
	struct kz_sweep *sw;
	pthread_t thread;
	struct pending pend[2];
	uint32_t seen[MAX_LINE_HITS];
	unsigned nseen;
	/*
	 * Workers lie side by side: without room between them, one's
	 * nseen (written every line) and the next one's sw (read every line)
	 * share a cache line, which then moves between the cores each time.
	 */
	char apart[128];
};

struct pair {
	uint32_t client;
	uint32_t ioc;
	uint64_t hits;
	int64_t first, last;
};

struct iocsum {
	struct kz_sweep_ioc_summary s;
};

struct kz_sweep {
	const struct kz_ioc_table *t;
	const struct kz_ipset *ips;
	const struct kz_domainset *domains;
	const struct kz_urlset *urls;
	const struct kz_strset *emails;
	struct kz_sweep_opts o;
	size_t chunk_cap;
	/* what the workers read every line, away from what changes */
	char apart[128];
	struct kz_sweep_stats st;

	/* chunk pool; inflight in submission order */
	struct chunk *chunks;
	size_t nchunks;
	struct chunk **ring;
	size_t ring_head, ring_n;

	/* workers */
	struct worker *workers;
	unsigned nworkers;
	pthread_mutex_t mu;
	pthread_cond_t work_cv, done_cv;
	struct chunk *q_head, *q_tail;
	int quit;
	int threads_started;
	struct worker inline_worker;

	/* the file being read */
	const char *file;
	uint64_t file_lines;
	struct kz_log_parser parser;
	int stopped;

	/* summaries */
	struct kz_strset *ioc_index; /* 4-byte id -> index in iocsums */
	struct iocsum *iocsums;
	size_t niocsums, iocsums_cap;
	struct kz_strset *client_index; /* client -> index in clients */
	char **clients;
	uint64_t *client_hits;
	size_t nclients, clients_cap;
	struct kz_strset *pair_index; /* client,ioc -> index in pairs */
	struct pair *pairs;
	size_t npairs, pairs_cap;
	int sum_err;
};

static void
chunk_reset(struct chunk *c)
{
	c->p = c->data;
	c->len = 0;
	c->lines_before = 0;
	c->nlines = 0;
	memset(c->reasons, 0, sizeof(c->reasons));
	c->nhits = 0;
	kz_buf_reset(&c->strs);
	c->fd = -1;
	c->long_tail = 0;
	c->read_errno = 0;
	c->err = 0;
	c->state = C_FREE;
	c->next = NULL;
}

/* ---- matching one line -------------------------------------------- */

static uint32_t
str_off(struct chunk *c, const char *s, size_t len)
{
	uint32_t off = (uint32_t)c->strs.len;

	kz_buf_add(&c->strs, s, len);
	kz_buf_addc(&c->strs, '\0');
	return off;
}

struct linectx {
	struct worker *w;
	struct chunk *c;
	const struct kz_log_record *rec;
	uint64_t line;
	int64_t time;
	int time_done;
};

static void
hit(struct linectx *lc, const struct kz_log_value *v, const char *val,
    size_t vlen, uint32_t ioc)
{
	struct worker *w = lc->w;
	struct chunk *c = lc->c;
	struct hitrec *h;
	unsigned i;

	for (i = 0; i < w->nseen; i++)
		if (w->seen[i] == ioc)
			return; /* one hit per indicator and line */
	if (w->nseen < MAX_LINE_HITS)
		w->seen[w->nseen++] = ioc;
	if (c->nhits == c->hits_cap) {
		size_t ncap = c->hits_cap ? c->hits_cap * 2 : 64;
		struct hitrec *nh = kz_realloc(c->hits, ncap * sizeof(*nh));

		if (!nh) {
			c->err = KZ_ENOMEM;
			return;
		}
		c->hits = nh;
		c->hits_cap = ncap;
	}
	if (!lc->time_done) {
		if (kz_logline_time(
			&lc->time, lc->rec, lc->w->sw->o.default_year) < 0)
			lc->time = 0;
		lc->time_done = 1;
	}
	h = &c->hits[c->nhits];
	h->line = lc->line;
	h->time = lc->time;
	h->ioc = ioc;
	h->format = (uint8_t)lc->rec->format;
	h->field = str_off(c, v->field, strlen(v->field));
	h->value = str_off(c, val, vlen);
	h->client = str_off(c, lc->rec->client ? lc->rec->client : "",
	    lc->rec->client ? lc->rec->client_len : 0);
	if (c->strs.err)
		c->err = c->strs.err;
	else
		c->nhits++;
}

/* Whether s has "://" within its first max bytes (a URL's scheme). */
static inline int
has_scheme(const char *s, size_t len, size_t max)
{
	size_t i;

	if (len > max)
		len = max;
	/* inline: the colon of http:// is a few bytes in, memchr costs more */
	for (i = 0; i < len && s[i] != ':'; i++)
		;
	return i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/';
}

/* The bytes a URL's scheme may hold (RFC 3986: ALPHA DIGIT + - .). */
static const uint8_t scheme_char[256] = { ['+'] = 1,
	['-'] = 1,
	['.'] = 1,
	['0' ... '9'] = 1,
	['A' ... 'Z'] = 1,
	['a' ... 'z'] = 1 };

/*
 * The length of s's scheme when s starts with "scheme://" inside its first
 * max bytes; 0 when it does not.
 */
static inline size_t
url_scheme(const char *s, size_t len, size_t max)
{
	size_t i;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (len >= 8 && max >= 8) {
		uint64_t w;

		memcpy(&w, s, 8);
		if ((w & 0xffffffffffffffULL) == 0x2f2f3a70747468ULL)
			return 4; /* "http://" */
		if (w == 0x2f2f3a7370747468ULL)
			return 5; /* "https://" */
	}
#endif
	if (len > max)
		len = max;
	for (i = 0; i < len && scheme_char[(unsigned char)s[i]]; i++)
		;
	return i && i + 2 < len && s[i] == ':' && s[i + 1] == '/' &&
		s[i + 2] == '/' ?
	    i :
	    0;
}

static struct probe *
add_probe(struct pending *pd, int kind, const struct kz_log_value *v,
    const char *s, size_t len)
{
	struct probe *p;

	if (pd->n == MAX_PROBES) /* two a value at most: cannot happen */
		return NULL;
	p = &pd->p[pd->n++];
	p->v = v;
	p->s = s;
	p->len = (uint32_t)len;
	p->kind = (uint8_t)kind;
	p->q = NO_QUERY;
	return p;
}

static void
want_ip4(const struct kz_sweep *sw, struct pending *pd,
    const struct kz_log_value *v, const char *s, size_t len, uint32_t a4)
{
	struct probe *p = add_probe(pd, PR_IP4, v, s, len);

	if (p) {
		p->a.a4 = a4;
		kz_ipset_prefetch4(sw->ips, a4);
	}
}

static void
want_ip6(const struct kz_sweep *sw, struct pending *pd,
    const struct kz_log_value *v, const char *s, size_t len,
    const uint8_t a6[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
		0xff };
	struct probe *p;

	if (!memcmp(a6, mapped, 12)) {
		want_ip4(sw, pd, v, s, len,
		    (uint32_t)a6[12] << 24 | (uint32_t)a6[13] << 16 |
			(uint32_t)a6[14] << 8 | a6[15]);
		return;
	}
	p = add_probe(pd, PR_IP6, v, s, len);
	if (p)
		memcpy(p->a.a6, a6, 16);
}

static void
want_domain(const struct kz_sweep *sw, struct pending *pd,
    const struct kz_log_value *v, const char *s, size_t len)
{
	struct probe *p;

	if (pd->nq < MAX_QUERIES) {
		if (!kz_domainset_query_init(
			sw->domains, &pd->q[pd->nq], s, len))
			return; /* nothing can match */
		p = add_probe(pd, PR_DOMAIN, v, s, len);
		if (p)
			p->q = (uint8_t)pd->nq++;
		return;
	}
	add_probe(pd, PR_DOMAIN, v, s, len);
}

static void
match_ip(const struct kz_sweep *sw, struct pending *pd,
    const struct kz_log_value *v, const char *s, size_t len)
{
	uint32_t a4;
	uint8_t a6[16];

	if (len >= 7 && len <= 15 && kz_ip_parse4(&a4, s, len) == 0)
		want_ip4(sw, pd, v, s, len, a4);
	else if (kz_ip_parse6(a6, s, len) == 0)
		want_ip6(sw, pd, v, s, len, a6);
}

/* Strips ":port" or "#port" from an address or host, "[v6]" brackets. */
static void
strip_port(const char **sp, size_t *lenp)
{
	const char *s = *sp, *c;
	size_t len = *lenp, colons = 0, i;

	if (len && s[0] == '[') {
		c = memchr(s, ']', len);
		if (c) {
			*sp = s + 1;
			*lenp = (size_t)(c - s - 1);
		}
		return;
	}
	c = NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == ':') {
			colons++;
			c = s + i;
		} else if (s[i] == '#') {
			*lenp = i;
			return;
		}
	}
	if (colons == 1)
		*lenp = (size_t)(c - s);
}

/*
 * A host, an address, or either with a port, when it is not a plain
 * IPv4 address (match_host_bare() below). bare: s is known to hold no
 * port and no brackets (a URL's host), so there is nothing to strip.
 */
static void
match_host_rest(const struct kz_sweep *sw, struct pending *pd,
    const struct kz_log_value *v, const char *s, size_t len, int bare)
{
	if (!bare)
		strip_port(&s, &len);
	if (!len)
		return;
	/* a URL's host without brackets ends before any colon */
	if ((s[0] >= '0' && s[0] <= '9') || (!bare && memchr(s, ':', len))) {
		uint32_t a4;
		uint8_t a6[16];

		/* parsed once: an address is never also looked up as a name */
		if (kz_ip_parse4(&a4, s, len) == 0) {
			want_ip4(sw, pd, v, s, len, a4);
			return;
		}
		if (kz_ip_parse6(a6, s, len) == 0) {
			want_ip6(sw, pd, v, s, len, a6);
			return;
		}
	}
	want_domain(sw, pd, v, s, len);
}

/*
 * A host, an address, or either with a port. The common case, a plain
 * address with nothing to strip, is settled here, inline in every caller:
 * most lines have two.
 */
static inline void
match_host_bare(const struct kz_sweep *sw, struct pending *pd,
    const struct kz_log_value *v, const char *s, size_t len, int bare)
{
	uint32_t a4;

	if (!len)
		return;
	if (len <= 15 && s[0] >= '0' && s[0] <= '9' &&
	    kz_ip_parse4(&a4, s, len) == 0)
		want_ip4(sw, pd, v, s, len, a4);
	else
		match_host_rest(sw, pd, v, s, len, bare);
}

static inline void
match_host(const struct kz_sweep *sw, struct pending *pd,
    const struct kz_log_value *v, const char *s, size_t len)
{
	match_host_bare(sw, pd, v, s, len, 0);
}

static void
match_url(const struct kz_sweep *sw, struct pending *pd,
    const struct kz_log_value *v, const char *s, size_t len)
{
	const char *h;
	size_t hl, sl = url_scheme(s, len, 24);

	if (sl || has_scheme(s, len, 24)) {
		if (kz_urlset_count(sw->urls))
			add_probe(pd, PR_URL, v, s, len);
		/* a scheme of other bytes: no URL, nor a host */
		if (sl &&
		    kz_url_authority_host(&h, &hl, s + sl + 3, s + len) == 0)
			match_host_bare(sw, pd, v, h, hl, h[-1] != '[');
		return;
	}
	/* CONNECT host:port, or a host with a path and no scheme */
	h = memchr(s, '/', len);
	match_host(sw, pd, v, s, h ? (size_t)(h - s) : len);
}

#define EMAIL_MAX 512

static void
match_email(const struct kz_sweep *sw, struct pending *pd,
    const struct kz_log_value *v, const char *s, size_t len)
{
	const char *lt = memchr(s, '<', len), *at;
	size_t local;

	if (lt) {
		const char *gt = memchr(lt, '>', len - (size_t)(lt - s));

		if (gt) {
			len = (size_t)(gt - lt - 1);
			s = lt + 1;
		}
	}
	while (len && (*s == ' ' || *s == '"'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '"'))
		len--;
	if (len > 7 && !strncasecmp(s, "mailto:", 7))
		s += 7, len -= 7;
	at = len ? memrchr(s, '@', len) : NULL;
	if (!at || at == s || len >= EMAIL_MAX)
		return;
	local = (size_t)(at - s);
	if (kz_strset_count(sw->emails))
		add_probe(pd, PR_EMAIL, v, s, len);
	match_host(sw, pd, v, at + 1, len - local - 1);
}

static void
match_any(
    const struct kz_sweep *sw, struct pending *pd, const struct kz_log_value *v)
{
	const char *s = v->p;
	size_t len = v->len;

	if (has_scheme(s, len, len)) {
		match_url(sw, pd, v, s, len);
	} else if (memchr(s, '@', len)) {
		match_email(sw, pd, v, s, len);
	} else {
		const char *sl = memchr(s, '/', len);

		/* a CIDR-looking token is no address; host/path is a host */
		if (sl && sl > s && sl[-1] >= '0' && sl[-1] <= '9' &&
		    sl + 1 < s + len && sl[1] >= '0' && sl[1] <= '9')
			return;
		match_host(sw, pd, v, s, sl ? (size_t)(sl - s) : len);
	}
}

/* Turns the values of the record in pd into probes. */
static void
match_record(const struct kz_sweep *sw, struct pending *pd)
{
	const struct kz_log_record *rec = &pd->rec;
	unsigned i;

	pd->n = pd->nq = 0;
	for (i = 0; i < rec->n; i++) {
		const struct kz_log_value *v = &rec->v[i];

		switch (v->kind) {
		case KZ_LV_IP:
			if (v->len &&
			    (v->p[0] == '[' || memchr(v->p, '#', v->len) ||
				(v->len > 15 && !memchr(v->p, ':', 4)) ||
				memchr(v->p, ':', v->len))) {
				const char *s = v->p;
				size_t n = v->len;

				strip_port(&s, &n);
				match_ip(sw, pd, v, s, n);
			} else {
				match_ip(sw, pd, v, v->p, v->len);
			}
			break;
		case KZ_LV_HOST:
			match_host(sw, pd, v, v->p, v->len);
			break;
		case KZ_LV_URL:
			match_url(sw, pd, v, v->p, v->len);
			break;
		case KZ_LV_EMAIL:
			match_email(sw, pd, v, v->p, v->len);
			break;
		default:
			match_any(sw, pd, v);
			break;
		}
	}
}

/* Runs the probes of a line, in order, and keeps its hits. */
static void
run_probes(struct worker *w, struct chunk *c, struct pending *pd)
{
	const struct kz_sweep *sw = w->sw;
	struct linectx lc = { w, c, &pd->rec, pd->line, 0, 0 };
	unsigned i;

	w->nseen = 0;
	for (i = 0; i < pd->n; i++) {
		const struct probe *p = &pd->p[i];
		uint32_t id;

		switch (p->kind) {
		case PR_IP4:
			id = kz_ipset_lookup4(sw->ips, p->a.a4);
			break;
		case PR_IP6:
			id = kz_ipset_lookup6(sw->ips, p->a.a6);
			break;
		case PR_DOMAIN:
			id = p->q != NO_QUERY ?
			    kz_domainset_query_run(
				sw->domains, &pd->q[p->q], NULL) :
			    kz_domainset_lookup(
				sw->domains, p->s, p->len, NULL);
			break;
		case PR_URL:
			id = kz_urlset_lookup(sw->urls, p->s, p->len);
			break;
		default: {
			char low[EMAIL_MAX];
			size_t k;

			for (k = 0; k < p->len; k++) {
				char ch = p->s[k];

				low[k] = (ch >= 'A' && ch <= 'Z') ?
				    (char)(ch | 0x20) :
				    ch;
			}
			id = kz_strset_get(sw->emails, low, p->len);
			break;
		}
		}
		/* every set answers UINT32_MAX for none */
		if (id != KZ_STRSET_NONE)
			hit(&lc, p->v, p->s, p->len, id);
	}
	pd->n = pd->nq = 0;
}

/*
 * Sorts out binary and invalid UTF-8 lines. Clean ASCII without control
 * bytes, the common case, is checked eight bytes at a time.
 */
static int
line_class(const char *s, size_t len)
{
	const uint64_t hi = 0x8080808080808080ULL, sp = 0x2020202020202020ULL;
	size_t i = 0, ctrl = 0;
	int high = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if ((w & hi) || ((w - sp) & ~w & hi))
			goto slow;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || c < 0x20)
			goto slow;
	}
	return 0;
slow:
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0)
			return KZ_SWEEP_R_BINARY + 1;
		if (c >= 0x80)
			high = 1;
		else if (c < 0x20 && c != '\t' && c != '\r' && c != 0x1b &&
		    c != '\f')
			ctrl++;
	}
	if (ctrl > 4 && ctrl * 16 > len)
		return KZ_SWEEP_R_BINARY + 1;
	if (high && !kz_utf8_valid(s, len))
		return KZ_SWEEP_R_BAD_UTF8 + 1;
	return 0;
}

/*
 * The end of the line at p (its newline, or e), and in the same pass
 * whether it is printable ASCII (*clean): then line_class() has nothing to
 * say. SSE2, which every x86-64 has, looks at 32 bytes a step, then 16:
 * a signed compare with 0x20 catches control bytes and bytes >= 0x80 at
 * once.
 */
static inline const char *
line_end(const char *p, const char *e, int *clean)
{
	int dirty = 0;

#if defined(__SSE2__)
	const __m128i nl = _mm_set1_epi8('\n'), sp = _mm_set1_epi8(0x20);

	while (e - p >= 32) {
		__m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)p),
			x1 = _mm_loadu_si128(
			    (const __m128i *)(const void *)(p + 16));
		unsigned mn =
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x0, nl)) |
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x1, nl)) << 16;
		unsigned mb =
		    (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x0, sp)) |
		    (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x1, sp)) << 16;

		if (mn) {
			unsigned first = (unsigned)__builtin_ctz(mn);

			*clean = !dirty && !(mb & ((1u << first) - 1));
			return p + first;
		}
		dirty |= mb != 0;
		p += 32;
	}
	while (e - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned mn =
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, nl));
		unsigned mb =
		    (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, sp));

		if (mn) {
			unsigned first = (unsigned)__builtin_ctz(mn);

			*clean = !dirty && !(mb & ((1u << first) - 1));
			return p + first;
		}
		dirty |= mb != 0;
		p += 16;
	}
#endif
	for (; p < e; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '\n')
			break;
		if (ch < 0x20 || ch >= 0x80)
			dirty = 1;
	}
	*clean = !dirty;
	return p;
}

/*
 * Reads one line into pd and makes its probes. Returns whether it has
 * any (then pd waits for them to run).
 */
static int
read_line(struct worker *w, struct chunk *c, struct kz_log_parser *p,
    struct pending *pd, const char *line, size_t len, uint64_t lineno,
    int clean)
{
	struct kz_sweep *sw = w->sw;
	enum kz_log_status st;
	int cls;

	if (len > sw->o.max_line) {
		c->reasons[KZ_SWEEP_R_TOO_LONG]++;
		return 0;
	}
	cls = clean ? 0 : line_class(line, len);
	if (cls == KZ_SWEEP_R_BINARY + 1) {
		c->reasons[KZ_SWEEP_R_BINARY]++;
		return 0;
	}
	if (cls)
		c->reasons[cls - 1]++;
	st = kz_logline_parse(p, &pd->rec, line, len);
	if (st == KZ_LOG_SKIP)
		return 0;
	if (st == KZ_LOG_BAD) {
		struct kz_log_parser other;
		enum kz_log_format f = kz_logline_detect_line(line, len);

		if (f != KZ_LOG_GENERIC && f != p->format) {
			kz_log_parser_init(&other, f, sw->o.map);
			st = kz_logline_parse(&other, &pd->rec, line, len);
		}
		if (st == KZ_LOG_OK) {
			c->reasons[KZ_SWEEP_R_OTHER_FORMAT]++;
		} else {
			kz_log_parser_init(&other, KZ_LOG_GENERIC, NULL);
			kz_logline_parse(&other, &pd->rec, line, len);
			c->reasons[KZ_SWEEP_R_UNPARSED]++;
		}
	}
	pd->line = lineno;
	match_record(sw, pd);
	return pd->n > 0;
}

/* pread() until n bytes or the end of the file; -1 with errno set. */
static ssize_t
pread_full(int fd, char *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Reads a chunk's range of a plain file into its buffer, so that the
 * thread that sweeps the bytes is the one that copied them: they are in
 * its cache, not another core's. The byte before the range tells whether
 * the range starts a line; a line that began before it is the previous
 * chunk's, and the last line that starts in it is read on to its end.
 * 0, or -1 with c->read_errno set.
 */
static int
load_range(const struct kz_sweep *sw, struct chunk *c)
{
	size_t lead = c->off > c->base, want = lead + c->range, have;
	uint64_t at = c->off - lead;
	ssize_t r = pread_full(c->fd, c->data, want, at);
	char *p, *e, *nl;

	if (r < 0)
		goto fail;
	have = (size_t)r;
	p = c->data + lead;
	e = c->data + have;
	c->p = p;
	c->len = 0;
	if (have <= lead)
		return 0; /* the file got shorter */
	if (lead && c->data[0] != '\n') {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			return 0; /* inside a line that began before */
		p = nl + 1;
	}
	if (have == want && e[-1] != '\n' && c->off + c->range < c->end) {
		/* most lines end within a few KiB: ask for more as it takes */
		size_t step = 4096;

		for (;;) {
			size_t room = sw->chunk_cap - have;

			if (!room) {
				/* longer than max_line: counted, not read */
				nl = memrchr(p, '\n', (size_t)(e - p));
				e = nl ? nl + 1 : p;
				c->long_tail = 1;
				break;
			}
			r = pread_full(c->fd, c->data + have,
			    room < step ? room : step, at + have);
			if (r < 0)
				goto fail;
			if (r == 0)
				break; /* the file ends the line */
			nl = memchr(c->data + have, '\n', (size_t)r);
			have += (size_t)r;
			e = nl ? nl + 1 : c->data + have;
			if (nl)
				break;
			if (step < READ_BLOCK)
				step *= 2;
		}
	}
	c->p = p;
	c->len = (size_t)(e - p);
	return 0;
fail:
	c->read_errno = errno ? errno : EIO;
	c->err = KZ_EIO;
	return -1;
}

static void
process_chunk(struct worker *w, struct chunk *c)
{
	const char *p, *e;
	struct kz_log_parser parser = c->parser;
	struct pending *cur = &w->pend[0], *prev = NULL;
	uint64_t n = 0;

	if (c->fd >= 0 && load_range(w->sw, c) < 0)
		return;
	p = c->p;
	e = c->p + c->len;
	while (p < e && !c->err) {
		int clean;
		const char *le = line_end(p, e, &clean);

		n++;
		if (read_line(
			w, c, &parser, cur, p, (size_t)(le - p), n, clean)) {
			if (prev)
				run_probes(w, c, prev);
			prev = cur;
			cur = cur == &w->pend[0] ? &w->pend[1] : &w->pend[0];
		}
		p = le < e ? le + 1 : e;
	}
	if (prev && !c->err)
		run_probes(w, c, prev);
	if (c->long_tail) {
		n++;
		c->reasons[KZ_SWEEP_R_TOO_LONG]++;
	}
	c->nlines = n;
	kz_log_record_release(&w->pend[0].rec);
	kz_log_record_release(&w->pend[1].rec);
}

/* ---- workers ------------------------------------------------------ */

static void
worker_init(struct worker *w, struct kz_sweep *sw)
{
	w->sw = sw;
	kz_log_record_init(&w->pend[0].rec);
	kz_log_record_init(&w->pend[1].rec);
}

static void
worker_release(struct worker *w)
{
	kz_log_record_release(&w->pend[0].rec);
	kz_log_record_release(&w->pend[1].rec);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct kz_sweep *sw = w->sw;

	pthread_mutex_lock(&sw->mu);
	for (;;) {
		struct chunk *c;

		while (!sw->q_head && !sw->quit)
			pthread_cond_wait(&sw->work_cv, &sw->mu);
		if (!sw->q_head && sw->quit)
			break;
		c = sw->q_head;
		sw->q_head = c->next;
		if (!sw->q_head)
			sw->q_tail = NULL;
		pthread_mutex_unlock(&sw->mu);
		process_chunk(w, c);
		pthread_mutex_lock(&sw->mu);
		c->state = C_DONE;
		pthread_cond_broadcast(&sw->done_cv);
	}
	pthread_mutex_unlock(&sw->mu);
	return NULL;
}

/* ---- summaries ---------------------------------------------------- */

static int
sum_hit(struct kz_sweep *sw, const struct kz_sweep_hit *h)
{
	uint32_t key[2], idx, ci;
	struct kz_sweep_ioc_summary *is;
	struct pair *pr;
	int rc;

	idx = kz_strset_get(sw->ioc_index, (const char *)&h->ioc, 4);
	if (idx == KZ_STRSET_NONE) {
		if (sw->niocsums == sw->iocsums_cap) {
			size_t ncap =
			    sw->iocsums_cap ? sw->iocsums_cap * 2 : 64;
			struct iocsum *n =
			    kz_realloc(sw->iocsums, ncap * sizeof(*n));

			if (!n)
				return kz_error_set(KZ_ENOMEM, "out of memory");
			sw->iocsums = n;
			sw->iocsums_cap = ncap;
		}
		idx = (uint32_t)sw->niocsums;
		rc = kz_strset_add(
		    sw->ioc_index, (const char *)&h->ioc, 4, idx, NULL);
		if (rc)
			return rc;
		memset(&sw->iocsums[idx], 0, sizeof(sw->iocsums[idx]));
		sw->iocsums[idx].s.ioc = h->ioc;
		sw->niocsums++;
	}
	is = &sw->iocsums[idx].s;
	is->hits++;
	if (h->time && (!is->first || h->time < is->first))
		is->first = h->time;
	if (h->time > is->last)
		is->last = h->time;

	ci = kz_strset_get(sw->client_index, h->client, strlen(h->client));
	if (ci == KZ_STRSET_NONE) {
		if (sw->nclients == sw->clients_cap) {
			size_t ncap =
			    sw->clients_cap ? sw->clients_cap * 2 : 64;
			char **nc = kz_realloc(sw->clients, ncap * sizeof(*nc));
			uint64_t *nh;

			if (!nc)
				return kz_error_set(KZ_ENOMEM, "out of memory");
			sw->clients = nc;
			nh = kz_realloc(sw->client_hits, ncap * sizeof(*nh));
			if (!nh)
				return kz_error_set(KZ_ENOMEM, "out of memory");
			sw->client_hits = nh;
			sw->clients_cap = ncap;
		}
		ci = (uint32_t)sw->nclients;
		sw->clients[ci] = kz_strdup(h->client);
		if (!sw->clients[ci])
			return kz_error_set(KZ_ENOMEM, "out of memory");
		rc = kz_strset_add(
		    sw->client_index, h->client, strlen(h->client), ci, NULL);
		if (rc) {
			kz_free(sw->clients[ci]);
			return rc;
		}
		sw->client_hits[ci] = 0;
		sw->nclients++;
	}
	sw->client_hits[ci]++;

	key[0] = ci;
	key[1] = h->ioc;
	idx = kz_strset_get(sw->pair_index, (const char *)key, 8);
	if (idx == KZ_STRSET_NONE) {
		if (sw->npairs == sw->pairs_cap) {
			size_t ncap = sw->pairs_cap ? sw->pairs_cap * 2 : 64;
			struct pair *np =
			    kz_realloc(sw->pairs, ncap * sizeof(*np));

			if (!np)
				return kz_error_set(KZ_ENOMEM, "out of memory");
			sw->pairs = np;
			sw->pairs_cap = ncap;
		}
		idx = (uint32_t)sw->npairs;
		rc = kz_strset_add(
		    sw->pair_index, (const char *)key, 8, idx, NULL);
		if (rc)
			return rc;
		memset(&sw->pairs[idx], 0, sizeof(sw->pairs[idx]));
		sw->pairs[idx].client = ci;
		sw->pairs[idx].ioc = h->ioc;
		sw->npairs++;
		is->clients++;
	}
	pr = &sw->pairs[idx];
	pr->hits++;
	if (h->time && (!pr->first || h->time < pr->first))
		pr->first = h->time;
	if (h->time > pr->last)
		pr->last = h->time;
	return 0;
}

/* Hands a finished chunk's hits to the caller, in order. */
static int
emit_chunk(struct kz_sweep *sw, struct chunk *c)
{
	uint64_t base = sw->file_lines + c->lines_before;
	size_t i;
	int k, rc = 0;

	for (k = 0; k < KZ_SWEEP_NREASONS; k++)
		sw->st.reasons[k] += c->reasons[k];
	sw->st.lines += c->nlines + c->lines_before;
	sw->file_lines = base + c->nlines;
	if (c->err == KZ_EIO)
		return kz_error_set(
		    KZ_EIO, "read error: %s", strerror(c->read_errno));
	if (c->err)
		return kz_error_set(KZ_ENOMEM,
		    "out of memory keeping the hits of '%s'", sw->file);
	for (i = 0; i < c->nhits && !sw->stopped; i++) {
		const struct hitrec *h = &c->hits[i];
		struct kz_sweep_hit hit = {
			sw->file,
			base + h->line,
			h->time,
			c->strs.ptr + h->field,
			c->strs.ptr + h->value,
			c->strs.ptr + h->client,
			h->ioc,
			(enum kz_log_format)h->format,
		};

		sw->st.hits++;
		if (sw->o.summary && !sw->sum_err)
			sw->sum_err = sum_hit(sw, &hit);
		if (sw->o.on_hit && sw->o.on_hit(sw->o.ctx, &hit))
			sw->stopped = 1;
	}
	if (sw->sum_err)
		rc = sw->sum_err;
	return rc;
}

/* ---- the pipeline ------------------------------------------------- */

static int
threaded(const struct kz_sweep *sw)
{
	return sw->nworkers > 0;
}

/* Waits for the oldest chunk in flight, emits it and frees it. */
static int
retire_oldest(struct kz_sweep *sw, int wait)
{
	struct chunk *c;
	int rc;

	if (!sw->ring_n)
		return 0;
	c = sw->ring[sw->ring_head];
	pthread_mutex_lock(&sw->mu);
	while (c->state != C_DONE) {
		if (!wait) {
			pthread_mutex_unlock(&sw->mu);
			return 1;
		}
		pthread_cond_wait(&sw->done_cv, &sw->mu);
	}
	pthread_mutex_unlock(&sw->mu);
	sw->ring_head = (sw->ring_head + 1) % sw->nchunks;
	sw->ring_n--;
	rc = emit_chunk(sw, c);
	chunk_reset(c);
	return rc < 0 ? rc : 0;
}

static int
drain(struct kz_sweep *sw)
{
	int rc = 0, r;

	while (sw->ring_n) {
		r = retire_oldest(sw, 1);
		if (r < 0 && !rc)
			rc = r;
	}
	return rc;
}

static int
get_chunk(struct kz_sweep *sw, struct chunk **out)
{
	size_t i;
	int rc;

	for (;;) {
		for (i = 0; i < sw->nchunks; i++) {
			if (sw->chunks[i].state == C_FREE) {
				*out = &sw->chunks[i];
				chunk_reset(*out);
				(*out)->state = C_FILLING;
				return 0;
			}
		}
		rc = retire_oldest(sw, 1);
		if (rc < 0)
			return rc;
	}
}

/* Runs c now (one thread) or queues it for the workers. */
static int
submit(struct kz_sweep *sw, struct chunk *c)
{
	int rc;

	if (!threaded(sw)) {
		process_chunk(&sw->inline_worker, c);
		rc = emit_chunk(sw, c);
		chunk_reset(c);
		return rc;
	}
	pthread_mutex_lock(&sw->mu);
	c->state = C_QUEUED;
	c->next = NULL;
	if (sw->q_tail)
		sw->q_tail->next = c;
	else
		sw->q_head = c;
	sw->q_tail = c;
	pthread_cond_signal(&sw->work_cv);
	pthread_mutex_unlock(&sw->mu);
	sw->ring[(sw->ring_head + sw->ring_n) % sw->nchunks] = c;
	sw->ring_n++;
	/* Emit what is ready without waiting, so hits keep flowing. */
	while (sw->ring_n && (rc = retire_oldest(sw, 0)) == 0)
		;
	return rc < 0 ? rc : 0;
}

/* Zeek headers inside a chunk change the state the next chunk starts in. */
static void
follow_headers(struct kz_sweep *sw, const struct chunk *c)
{
	struct kz_log_record *rec = &sw->inline_worker.pend[0].rec;
	const char *p = c->p, *e = c->p + c->len;

	if (sw->parser.format != KZ_LOG_ZEEK)
		return;
	while (p < e) {
		const char *h;

		if (*p == '#') {
			const char *nl = memchr(p, '\n', (size_t)(e - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);

			if (n <= sw->o.max_line)
				kz_logline_parse(&sw->parser, rec, p, n);
			p = nl ? nl + 1 : e;
			continue;
		}
		h = memchr(p, '#', (size_t)(e - p));
		while (h && h > p && h[-1] != '\n')
			h = memchr(h + 1, '#', (size_t)(e - h - 1));
		if (!h)
			break;
		p = h;
	}
}

/* ---- input: plain, gzip, zstd ------------------------------------- */

enum { SRC_PLAIN, SRC_GZIP, SRC_ZSTD };

struct src {
	int fd;
	int kind;
	const char *mem; /* kz_sweep_buffer */
	size_t mem_len, mem_pos;
	unsigned char *in;
	size_t in_len, in_pos;
	int in_eof;
	z_stream z;
	int z_init, z_member_done;
	ZSTD_DStream *zd;
	int zstd_frame_done;
	int err;
};

static ssize_t
raw_read(struct src *s, void *buf, size_t n)
{
	if (s->mem) {
		size_t k = s->mem_len - s->mem_pos;

		if (k > n)
			k = n;
		memcpy(buf, s->mem + s->mem_pos, k);
		s->mem_pos += k;
		return (ssize_t)k;
	}
	for (;;) {
		ssize_t r = read(s->fd, buf, n);

		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

static int
fill_in(struct src *s)
{
	ssize_t r;

	if (s->in_pos < s->in_len || s->in_eof)
		return 0;
	r = raw_read(s, s->in, READ_BLOCK);
	if (r < 0)
		return kz_error_set(KZ_EIO, "read error: %s", strerror(errno));
	s->in_len = (size_t)r;
	s->in_pos = 0;
	if (r == 0)
		s->in_eof = 1;
	return 0;
}

static int
src_open(struct src *s)
{
	int rc;

	s->in = kz_malloc(READ_BLOCK);
	if (!s->in)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	/* Read until 4 bytes are there (or the end) to see the magic. */
	while (s->in_len < 4 && !s->in_eof) {
		ssize_t r =
		    raw_read(s, s->in + s->in_len, READ_BLOCK - s->in_len);

		if (r < 0)
			return kz_error_set(
			    KZ_EIO, "read error: %s", strerror(errno));
		if (r == 0)
			s->in_eof = 1;
		s->in_len += (size_t)r;
	}
	if (s->in_len >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b) {
		s->kind = SRC_GZIP;
		memset(&s->z, 0, sizeof(s->z));
		if (inflateInit2(&s->z, 15 + 32) != Z_OK)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		s->z_init = 1;
	} else if (s->in_len >= 4 && s->in[0] == 0x28 && s->in[1] == 0xb5 &&
	    s->in[2] == 0x2f && s->in[3] == 0xfd) {
		s->kind = SRC_ZSTD;
		s->zd = ZSTD_createDStream();
		if (!s->zd)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		ZSTD_initDStream(s->zd);
	} else {
		s->kind = SRC_PLAIN;
	}
	rc = 0;
	return rc;
}

static void
src_close(struct src *s)
{
	if (s->z_init)
		inflateEnd(&s->z);
	if (s->zd)
		ZSTD_freeDStream(s->zd);
	kz_free(s->in);
}

/*
 * Reads up to n bytes of (decompressed) data. 0 at the end; a negative
 * code with s->err set to the reason for damaged input.
 */
static ssize_t
src_read(struct src *s, char *buf, size_t n)
{
	int rc;

	if (s->kind == SRC_PLAIN) {
		if (s->in_pos < s->in_len) {
			size_t k = s->in_len - s->in_pos;

			if (k > n)
				k = n;
			memcpy(buf, s->in + s->in_pos, k);
			s->in_pos += k;
			return (ssize_t)k;
		}
		if (s->in_eof)
			return 0;
		{
			ssize_t r = raw_read(s, buf, n);

			if (r < 0)
				return kz_error_set(
				    KZ_EIO, "read error: %s", strerror(errno));
			if (r == 0)
				s->in_eof = 1;
			return r;
		}
	}
	for (;;) {
		size_t produced;

		rc = fill_in(s);
		if (rc)
			return rc;
		if (s->kind == SRC_GZIP) {
			int zr;

			if (s->in_pos == s->in_len && s->in_eof) {
				if (!s->z_member_done) {
					s->err = KZ_SWEEP_R_TRUNCATED;
					return kz_error_set(KZ_EIO,
					    "compressed data ends early (is the file cut short?)");
				}
				return 0;
			}
			if (s->z_member_done) {
				/* Another gzip member follows. */
				if (inflateReset(&s->z) != Z_OK)
					return kz_error_set(
					    KZ_ENOMEM, "out of memory");
				s->z_member_done = 0;
			}
			s->z.next_in = s->in + s->in_pos;
			s->z.avail_in = (uInt)(s->in_len - s->in_pos);
			s->z.next_out = (Bytef *)buf;
			s->z.avail_out =
			    (uInt)(n > (1u << 30) ? (1u << 30) : n);
			zr = inflate(&s->z, Z_NO_FLUSH);
			s->in_pos = s->in_len - s->z.avail_in;
			produced = (size_t)((char *)s->z.next_out - buf);
			if (zr == Z_STREAM_END) {
				s->z_member_done = 1;
			} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
				s->err = KZ_SWEEP_R_CORRUPT;
				return kz_error_set(KZ_EIO,
				    "compressed data is damaged (%s)",
				    s->z.msg ? s->z.msg : "gzip");
			}
		} else {
			ZSTD_inBuffer zin = { s->in + s->in_pos,
				s->in_len - s->in_pos, 0 };
			ZSTD_outBuffer zout = { buf, n, 0 };
			size_t zr;

			if (s->in_pos == s->in_len && s->in_eof) {
				if (!s->zstd_frame_done) {
					s->err = KZ_SWEEP_R_TRUNCATED;
					return kz_error_set(KZ_EIO,
					    "compressed data ends early (is the file cut short?)");
				}
				return 0;
			}
			zr = ZSTD_decompressStream(s->zd, &zout, &zin);
			s->in_pos += zin.pos;
			produced = zout.pos;
			if (ZSTD_isError(zr)) {
				s->err = KZ_SWEEP_R_CORRUPT;
				return kz_error_set(KZ_EIO,
				    "compressed data is damaged (%s)",
				    ZSTD_getErrorName(zr));
			}
			s->zstd_frame_done = zr == 0;
		}
		if (produced)
			return (ssize_t)produced;
	}
}

/* ---- a buffer in place -------------------------------------------- */

/*
 * A plain buffer is not copied: chunks point into it and end after their
 * last newline, and the next chunk starts there. (Files are read, not
 * mapped: measured, the page faults of fresh mappings cost more than the
 * copy read() makes, the more so in a virtual machine.)
 */
struct view {
	const char *mem;
	size_t len;
};

/* Skips the rest of a line longer than a chunk: *off moves past it. */
static void
view_skip_line(struct kz_sweep *sw, const struct view *v, uint64_t *off)
{
	const char *p = v->mem + *off, *e = v->mem + v->len;
	const char *nl = memchr(p, '\n', (size_t)(e - p));
	size_t n = nl ? (size_t)(nl + 1 - p) : (size_t)(e - p);

	*off += n;
	sw->st.bytes += n;
}

static int
sweep_view(struct kz_sweep *sw, const struct view *v)
{
	struct chunk *c;
	uint64_t off = 0, pending_lines = 0;
	int rc = 0, detected = 0, r;

	while (!sw->stopped && !rc && off < v->len) {
		size_t got = v->len - off < sw->chunk_cap ?
		    (size_t)(v->len - off) :
		    sw->chunk_cap;

		rc = get_chunk(sw, &c);
		if (rc)
			break;
		c->p = v->mem + off;
		if (!detected) {
			if (sw->parser.format == KZ_LOG_AUTO)
				kz_log_parser_init(&sw->parser,
				    kz_logline_detect(c->p, got), sw->o.map);
			sw->st.format = sw->parser.format;
			detected = 1;
		}
		/* A full chunk ends after its last newline. */
		if (got == sw->chunk_cap) {
			const char *nl = memrchr(c->p, '\n', got);

			if (!nl) {
				/* the whole chunk is part of one line */
				chunk_reset(c);
				view_skip_line(sw, v, &off);
				sw->st.reasons[KZ_SWEEP_R_TOO_LONG]++;
				pending_lines++;
				continue;
			}
			got = (size_t)(nl + 1 - c->p);
		}
		c->len = got;
		off += got;
		sw->st.bytes += got;
		c->parser = sw->parser;
		c->lines_before = pending_lines;
		pending_lines = 0;
		follow_headers(sw, c);
		rc = submit(sw, c);
	}
	sw->st.lines += pending_lines;
	r = drain(sw);
	return rc ? rc : r;
}

static int
is_compressed(const unsigned char *m, size_t n)
{
	return (n >= 2 && m[0] == 0x1f && m[1] == 0x8b) ||
	    (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f &&
		m[3] == 0xfd);
}

/* ---- sweeping a plain file ---------------------------------------- */

/*
 * The bytes [start, end) of the plain file s reads, when it is a regular
 * file: then the workers read ranges of it themselves. 0 when not.
 */
static int
file_extent(const struct src *s, uint64_t *start, uint64_t *end)
{
	struct stat st;
	off_t pos;

	if (s->mem || s->kind != SRC_PLAIN || fstat(s->fd, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	pos = lseek(s->fd, 0, SEEK_CUR);
	if (pos < 0 || (uint64_t)pos < s->in_len || st.st_size < pos)
		return 0;
	*start = (uint64_t)pos - s->in_len; /* src_open() read these */
	*end = (uint64_t)st.st_size;
	return 1;
}

/* Hands the file out in ranges, each read by the worker that sweeps it. */
static int
sweep_ranges(struct kz_sweep *sw, int fd, uint64_t start, uint64_t end)
{
	/* room for a line of max_line that starts on the range's last byte */
	size_t range = sw->chunk_cap - sw->o.max_line - 2;
	uint64_t off = start;
	struct chunk *c;
	int rc = 0, r;

	if (range > RANGE)
		range = RANGE;
	while (off < end && !sw->stopped && !rc) {
		rc = get_chunk(sw, &c);
		if (rc)
			break;
		c->fd = fd;
		c->base = start;
		c->end = end;
		c->off = off;
		c->range = end - off < range ? (size_t)(end - off) : range;
		c->parser = sw->parser;
		off += c->range;
		sw->st.bytes += c->range;
		rc = submit(sw, c);
	}
	r = drain(sw);
	return rc ? rc : r;
}

/* ---- sweeping a stream -------------------------------------------- */

static int
sweep_src(struct kz_sweep *sw, struct src *s, const char *name)
{
	struct chunk *cur = NULL, *next;
	int rc, eof = 0, skipping = 0, detected = 0, read_rc = 0, r;
	uint64_t pending_lines = 0;
	/*
	 * A chunk goes out once it holds FILL bytes of whole lines, not when
	 * it is full: a small chunk is still in cache when it is swept, and
	 * read() writes into lines already in cache (measured: less CPU time
	 * with one thread and with two). The full size is for long lines.
	 */
	size_t fill = FILL;

	sw->file = name;
	sw->file_lines = 0;
	sw->st.files++;
	kz_log_parser_init(&sw->parser, sw->o.format, sw->o.map);
	if (s->mem &&
	    !is_compressed((const unsigned char *)s->mem, s->mem_len)) {
		struct view v = { s->mem, s->mem_len };

		rc = sweep_view(sw, &v);
		return rc ? kz_error_wrap(rc, name) : 0;
	}
	rc = src_open(s);
	if (rc)
		return kz_error_wrap(rc, name);
	{
		uint64_t start, end;

		if (file_extent(s, &start, &end)) {
			if (s->in_len && sw->parser.format == KZ_LOG_AUTO)
				kz_log_parser_init(&sw->parser,
				    kz_logline_detect(
					(const char *)s->in, s->in_len),
				    sw->o.map);
			sw->st.format = sw->parser.format;
			/* Zeek's headers change the parser as they come */
			if (sw->parser.format != KZ_LOG_ZEEK) {
				rc = sweep_ranges(sw, s->fd, start, end);
				src_close(s);
				return rc ? kz_error_wrap(rc, name) : 0;
			}
			detected = 1;
		}
	}
	while (!eof && !sw->stopped && !rc) {
		const char *nl;
		size_t keep;

		if (!cur) {
			rc = get_chunk(sw, &cur);
			if (rc)
				break;
		}
		while (cur->len < sw->chunk_cap) {
			size_t room = sw->chunk_cap - cur->len;
			ssize_t got = src_read(
			    s, cur->data + cur->len, room < fill ? room : fill);
			char *q;

			if (got <= 0) {
				if (got < 0) {
					read_rc = (int)got;
					if (s->err)
						sw->st.reasons[s->err]++;
				}
				eof = 1;
				break;
			}
			sw->st.bytes += (uint64_t)got;
			if (skipping) {
				/* Inside a line longer than a chunk. */
				q = memchr(cur->data, '\n', (size_t)got);
				if (!q)
					continue;
				skipping = 0;
				sw->st.reasons[KZ_SWEEP_R_TOO_LONG]++;
				pending_lines++;
				got = (ssize_t)(cur->data + got - (q + 1));
				memmove(cur->data, q + 1, (size_t)got);
			}
			cur->len += (size_t)got;
			if (cur->len >= fill && got > 0 &&
			    memrchr(
				cur->data + cur->len - got, '\n', (size_t)got))
				break; /* enough whole lines */
		}
		if (skipping) {
			if (eof) {
				sw->st.reasons[KZ_SWEEP_R_TOO_LONG]++;
				pending_lines++;
			}
			continue;
		}
		if (!detected && cur->len) {
			if (sw->parser.format == KZ_LOG_AUTO)
				kz_log_parser_init(&sw->parser,
				    kz_logline_detect(cur->data, cur->len),
				    sw->o.map);
			sw->st.format = sw->parser.format;
			detected = 1;
		}
		nl = cur->len ? memrchr(cur->data, '\n', cur->len) : NULL;
		if (!nl && !eof) {
			skipping = 1; /* the whole chunk is one line */
			cur->len = 0;
			continue;
		}
		if (!cur->len)
			break;
		/* The unfinished last line moves to the next chunk. */
		keep =
		    (eof || !nl) ? 0 : cur->len - (size_t)(nl + 1 - cur->data);
		next = NULL;
		if (keep) {
			rc = get_chunk(sw, &next);
			if (rc)
				break;
			memcpy(next->data, nl + 1, keep);
			next->len = keep;
			cur->len -= keep;
		}
		cur->p = cur->data;
		cur->parser = sw->parser;
		cur->lines_before = pending_lines;
		pending_lines = 0;
		follow_headers(sw, cur);
		rc = submit(sw, cur);
		cur = next;
	}
	if (cur)
		chunk_reset(cur);
	sw->st.lines += pending_lines;
	r = drain(sw);
	if (!rc)
		rc = r;
	if (!rc && read_rc)
		rc = read_rc;
	src_close(s);
	return rc ? kz_error_wrap(rc, name) : 0;
}

int
kz_sweep_fd(struct kz_sweep *sw, int fd, const char *name)
{
	struct src s;

	memset(&s, 0, sizeof(s));
	s.fd = fd;
	return sweep_src(sw, &s, name);
}

int
kz_sweep_buffer(
    struct kz_sweep *sw, const char *data, size_t len, const char *name)
{
	struct src s;

	memset(&s, 0, sizeof(s));
	s.fd = -1;
	s.mem = data ? data : "";
	s.mem_len = len;
	return sweep_src(sw, &s, name);
}

int
kz_sweep_file(struct kz_sweep *sw, const char *path)
{
	int fd, rc;

	if (!strcmp(path, "-"))
		return kz_sweep_fd(sw, 0, "-");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kz_error_set(
		    KZ_EIO, "cannot open '%s': %s", path, strerror(errno));
	rc = kz_sweep_fd(sw, fd, path);
	close(fd);
	return rc;
}

/* ---- follow ------------------------------------------------------- */

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Sweeps the complete lines of c (inline); keeps the tail in c. */
static int
follow_lines(struct kz_sweep *sw, struct chunk *c, int flush)
{
	const char *nl = c->len ? memrchr(c->data, '\n', c->len) : NULL;
	size_t upto, keep;
	char *tail = NULL;
	int rc;

	if (!nl && !flush) {
		if (c->len >= sw->chunk_cap) {
			/* a line longer than the buffer: drop it */
			sw->st.reasons[KZ_SWEEP_R_TOO_LONG]++;
			c->len = 0;
		}
		return 0;
	}
	upto = flush ? c->len : (size_t)(nl + 1 - c->data);
	keep = c->len - upto;
	if (!upto)
		return 0;
	if (sw->parser.format == KZ_LOG_AUTO) {
		kz_log_parser_init(
		    &sw->parser, kz_logline_detect(c->data, upto), sw->o.map);
		sw->st.format = sw->parser.format;
	}
	if (keep) {
		tail = kz_malloc(keep);
		if (!tail)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		memcpy(tail, c->data + upto, keep);
	}
	c->len = upto;
	c->p = c->data;
	c->parser = sw->parser;
	follow_headers(sw, c);
	process_chunk(&sw->inline_worker, c);
	rc = emit_chunk(sw, c);
	chunk_reset(c);
	c->state = C_FILLING;
	if (tail) {
		memcpy(c->data, tail, keep);
		c->len = keep;
		kz_free(tail);
	}
	return rc;
}

int
kz_sweep_follow(struct kz_sweep *sw, const char *path)
{
	struct chunk *c = NULL;
	struct stat sb;
	dev_t dev = 0;
	ino_t ino = 0;
	off_t off = 0;
	int64_t idle = 0;
	int fd = -1, rc = 0;
	unsigned poll = sw->o.poll_ms ? sw->o.poll_ms : 250;

	sw->file = path;
	sw->file_lines = 0;
	sw->st.files++;
	kz_log_parser_init(&sw->parser, sw->o.format, sw->o.map);
	rc = get_chunk(sw, &c);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = kz_error_set(
		    KZ_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto done;
	}
	if (fstat(fd, &sb) == 0) {
		dev = sb.st_dev;
		ino = sb.st_ino;
	}
	if (!sw->o.follow_from_start)
		off = lseek(fd, 0, SEEK_END);
	if (off < 0)
		off = 0;
	while (!sw->stopped && !(sw->o.stop && *sw->o.stop)) {
		ssize_t got = fd >= 0 ?
		    read(fd, c->data + c->len, sw->chunk_cap - c->len) :
		    0;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = kz_error_set(KZ_EIO, "cannot read '%s': %s", path,
			    strerror(errno));
			break;
		}
		if (got > 0) {
			off += got;
			c->len += (size_t)got;
			sw->st.bytes += (uint64_t)got;
			idle = 0;
			rc = follow_lines(sw, c, 0);
			if (rc)
				break;
			continue;
		}
		/* At the end: was the file truncated or replaced? */
		if (stat(path, &sb) == 0) {
			if (fd < 0 || sb.st_dev != dev || sb.st_ino != ino) {
				/* rotated: finish the old file, open the new */
				rc = follow_lines(sw, c, 1);
				if (rc)
					break;
				if (fd >= 0)
					close(fd);
				fd = open(path, O_RDONLY | O_CLOEXEC);
				if (fd >= 0) {
					dev = sb.st_dev;
					ino = sb.st_ino;
					off = 0;
					sw->file_lines = 0;
					kz_log_parser_init(&sw->parser,
					    sw->o.format, sw->o.map);
					continue;
				}
			} else if (sb.st_size < off) {
				/* truncated: start again from the top */
				c->len = 0;
				off = lseek(fd, 0, SEEK_SET);
				if (off < 0)
					off = 0;
				sw->file_lines = 0;
				continue;
			}
		}
		if (sw->o.follow_idle_ms && idle >= sw->o.follow_idle_ms)
			break;
		sleep_ms(poll);
		idle += poll;
	}
	if (!rc)
		rc = follow_lines(sw, c, 1);
done:
	if (c)
		chunk_reset(c);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ---- life cycle ----------------------------------------------------- */

static unsigned
ncores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

int
kz_sweep_new(struct kz_sweep **out, const struct kz_ioc_table *table,
    const struct kz_sweep_opts *o)
{
	struct kz_sweep *sw;
	unsigned threads, i;
	int rc;

	*out = NULL;
	sw = kz_calloc(1, sizeof(*sw));
	if (!sw)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	sw->o = *o;
	sw->t = table;
	sw->ips = kz_ioc_table_ipset(table);
	sw->domains = kz_ioc_table_domains(table);
	sw->urls = kz_ioc_table_urls(table);
	sw->emails = kz_ioc_table_emails(table);
	if (!sw->o.max_line)
		sw->o.max_line = DEFAULT_MAX_LINE;
	sw->chunk_cap = sw->o.chunk_size ? sw->o.chunk_size : DEFAULT_CHUNK;
	if (sw->chunk_cap < 2 * sw->o.max_line + 2)
		sw->chunk_cap = 2 * sw->o.max_line + 2;
	if (!sw->o.default_year)
		sw->o.default_year = kz_time_year(kz_time_now());
	threads = sw->o.threads ? sw->o.threads : ncores();
	if (threads > 256)
		threads = 256;
	sw->nworkers = threads > 1 ? threads : 0;
	sw->nchunks = sw->nworkers ? 2 * sw->nworkers + 2 : 2;
	worker_init(&sw->inline_worker, sw);
	pthread_mutex_init(&sw->mu, NULL);
	pthread_cond_init(&sw->work_cv, NULL);
	pthread_cond_init(&sw->done_cv, NULL);
	sw->chunks = kz_calloc(sw->nchunks, sizeof(*sw->chunks));
	sw->ring = kz_calloc(sw->nchunks, sizeof(*sw->ring));
	if (!sw->chunks || !sw->ring) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < sw->nchunks; i++) {
		kz_buf_init(&sw->chunks[i].strs, HIT_STRINGS_MAX);
		sw->chunks[i].fd = -1;
		sw->chunks[i].data = kz_malloc(sw->chunk_cap);
		if (!sw->chunks[i].data) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			goto fail;
		}
	}
	rc = kz_strset_new(&sw->ioc_index, 64);
	if (!rc)
		rc = kz_strset_new(&sw->client_index, 64);
	if (!rc)
		rc = kz_strset_new(&sw->pair_index, 64);
	if (rc)
		goto fail;
	if (sw->nworkers) {
		sw->workers = kz_calloc(sw->nworkers, sizeof(*sw->workers));
		if (!sw->workers) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			goto fail;
		}
		for (i = 0; i < sw->nworkers; i++) {
			worker_init(&sw->workers[i], sw);
			if (pthread_create(&sw->workers[i].thread, NULL,
				worker_main, &sw->workers[i])) {
				rc = kz_error_set(KZ_ENOMEM,
				    "cannot start worker thread %u", i + 1);
				sw->nworkers = i;
				goto fail;
			}
		}
		sw->threads_started = 1;
	}
	*out = sw;
	return 0;
fail:
	kz_sweep_free(sw);
	return rc;
}

void
kz_sweep_free(struct kz_sweep *sw)
{
	size_t i;

	if (!sw)
		return;
	if (sw->workers) {
		pthread_mutex_lock(&sw->mu);
		sw->quit = 1;
		pthread_cond_broadcast(&sw->work_cv);
		pthread_mutex_unlock(&sw->mu);
		for (i = 0; i < sw->nworkers; i++) {
			pthread_join(sw->workers[i].thread, NULL);
			worker_release(&sw->workers[i]);
		}
		kz_free(sw->workers);
	}
	worker_release(&sw->inline_worker);
	for (i = 0; sw->chunks && i < sw->nchunks; i++) {
		kz_free(sw->chunks[i].data);
		kz_free(sw->chunks[i].hits);
		kz_buf_release(&sw->chunks[i].strs);
	}
	kz_free(sw->chunks);
	kz_free(sw->ring);
	pthread_mutex_destroy(&sw->mu);
	pthread_cond_destroy(&sw->work_cv);
	pthread_cond_destroy(&sw->done_cv);
	kz_strset_free(sw->ioc_index);
	kz_strset_free(sw->client_index);
	kz_strset_free(sw->pair_index);
	kz_free(sw->iocsums);
	for (i = 0; i < sw->nclients; i++)
		kz_free(sw->clients[i]);
	kz_free(sw->clients);
	kz_free(sw->client_hits);
	kz_free(sw->pairs);
	kz_free(sw);
}

const struct kz_sweep_stats *
kz_sweep_stats(const struct kz_sweep *sw)
{
	return &sw->st;
}

/* ---- summaries out -------------------------------------------------- */

static int
cmp_iocsum(const void *a, const void *b)
{
	const struct kz_sweep_ioc_summary *x = a, *y = b;

	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return x->ioc < y->ioc ? -1 : (x->ioc > y->ioc);
}

int
kz_sweep_summary_iocs(
    const struct kz_sweep *sw, struct kz_sweep_ioc_summary **out, size_t *n)
{
	size_t i;

	*out = kz_malloc((sw->niocsums ? sw->niocsums : 1) * sizeof(**out));
	*n = 0;
	if (!*out)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (i = 0; i < sw->niocsums; i++)
		(*out)[i] = sw->iocsums[i].s;
	qsort(*out, sw->niocsums, sizeof(**out), cmp_iocsum);
	*n = sw->niocsums;
	return 0;
}

static int
cmp_client_ioc(const void *a, const void *b)
{
	const struct kz_sweep_client_ioc *x = a, *y = b;

	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return x->ioc < y->ioc ? -1 : (x->ioc > y->ioc);
}

static int
cmp_client(const void *a, const void *b)
{
	const struct kz_sweep_client_summary *x = a, *y = b;

	return strcmp(x->client, y->client);
}

void
kz_sweep_client_summary_free(struct kz_sweep_client_summary *s, size_t n)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < n; i++)
		kz_free(s[i].iocs);
	kz_free(s);
}

int
kz_sweep_summary_clients(
    const struct kz_sweep *sw, struct kz_sweep_client_summary **out, size_t *n)
{
	struct kz_sweep_client_summary *cs;
	size_t i, *fill = NULL;
	int rc = 0;

	*out = NULL;
	*n = 0;
	cs = kz_calloc(sw->nclients ? sw->nclients : 1, sizeof(*cs));
	fill = kz_calloc(sw->nclients ? sw->nclients : 1, sizeof(*fill));
	if (!cs || !fill) {
		rc = kz_error_set(KZ_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < sw->npairs; i++)
		cs[sw->pairs[i].client].n++;
	for (i = 0; i < sw->nclients; i++) {
		cs[i].client = sw->clients[i];
		cs[i].hits = sw->client_hits[i];
		cs[i].iocs =
		    kz_calloc(cs[i].n ? cs[i].n : 1, sizeof(*cs[i].iocs));
		if (!cs[i].iocs) {
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
			goto done;
		}
	}
	for (i = 0; i < sw->npairs; i++) {
		const struct pair *p = &sw->pairs[i];
		struct kz_sweep_client_ioc *ci =
		    &cs[p->client].iocs[fill[p->client]++];

		ci->ioc = p->ioc;
		ci->hits = p->hits;
		ci->first = p->first;
		ci->last = p->last;
	}
	for (i = 0; i < sw->nclients; i++)
		qsort(cs[i].iocs, cs[i].n, sizeof(*cs[i].iocs), cmp_client_ioc);
	qsort(cs, sw->nclients, sizeof(*cs), cmp_client);
	*out = cs;
	*n = sw->nclients;
	cs = NULL;
done:
	if (cs)
		kz_sweep_client_summary_free(cs, sw->nclients);
	kz_free(fill);
	return rc;
}

/* ---- formatting ----------------------------------------------------- */

/* Log text may be anything: keep it valid UTF-8 without control bytes. */
static void
add_clean(struct kz_buf *b, const char *s)
{
	size_t len = strlen(s), i;
	int ok = kz_utf8_valid(s, len);

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || (!ok && c >= 0x80))
			kz_buf_addc(b, '?');
		else
			kz_buf_addc(b, (char)c);
	}
}

static void
add_csv(struct kz_buf *b, const char *s, int last)
{
	struct kz_buf t = KZ_BUF_INIT(1 << 20);

	add_clean(&t, s);
	if (strpbrk(t.ptr, ",\"\n") ||
	    (t.ptr[0] == '=' || t.ptr[0] == '+' || t.ptr[0] == '-' ||
		t.ptr[0] == '@')) {
		const char *p;

		kz_buf_addc(b, '"');
		/* a leading formula character is neutralised for spreadsheets
		 */
		if (t.ptr[0] == '=' || t.ptr[0] == '+' || t.ptr[0] == '@')
			kz_buf_addc(b, '\'');
		for (p = t.ptr; *p; p++) {
			if (*p == '"')
				kz_buf_addc(b, '"');
			kz_buf_addc(b, *p);
		}
		kz_buf_addc(b, '"');
	} else {
		kz_buf_add(b, t.ptr, t.len);
	}
	kz_buf_addc(b, last ? '\n' : ',');
	kz_buf_release(&t);
}

static json_t *
json_clean(const char *s)
{
	struct kz_buf t = KZ_BUF_INIT(1 << 20);
	json_t *j;

	add_clean(&t, s);
	j = json_stringn(t.ptr, t.len);
	kz_buf_release(&t);
	return j;
}

static json_t *
json_tags(const char *tags)
{
	json_t *a = json_array();
	const char *p = tags;

	while (a && p && *p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p = c ? c + 1 : NULL;
	}
	return a;
}

static json_t *
json_ioc(const struct kz_ioc_table *t, uint32_t id)
{
	struct kz_ioc ioc;
	json_t *o = json_object(), *also = NULL;
	uint32_t d;

	if (!o)
		return NULL;
	kz_ioc_table_get(t, id, &ioc);
	kz_json_set(o, "id", json_integer(id));
	kz_json_set(o, "type", json_string(kz_ioc_table_type_name(ioc.type)));
	kz_json_set(o, "value", json_clean(ioc.value));
	kz_json_set(o, "source", json_clean(ioc.source));
	kz_json_set(o, "tags", json_tags(ioc.tags));
	kz_json_set(o, "tlp", *ioc.tlp ? json_string(ioc.tlp) : json_null());
	for (d = kz_ioc_table_next_dup(t, id); d != KZ_IOC_NONE;
	     d = kz_ioc_table_next_dup(t, d)) {
		json_t *x = json_object();

		kz_ioc_table_get(t, d, &ioc);
		if (!also)
			also = json_array();
		kz_json_set(x, "id", json_integer(d));
		kz_json_set(x, "source", json_clean(ioc.source));
		kz_json_set(x, "tags", json_tags(ioc.tags));
		kz_json_set(
		    x, "tlp", *ioc.tlp ? json_string(ioc.tlp) : json_null());
		json_array_append_new(also, x);
	}
	if (also)
		kz_json_set(o, "also", also);
	return o;
}

static void
add_json_line(struct kz_buf *b, json_t *o)
{
	char *s = o ? kz_json_dump(o, 0) : NULL;

	if (s) {
		kz_buf_adds(b, s);
		kz_buf_addc(b, '\n');
		free(s);
	} else if (!b->err) {
		b->err = KZ_ENOMEM;
	}
	json_decref(o);
}

void
kz_sweep_format_hit_header(struct kz_buf *b, enum kz_sweep_output o)
{
	if (o == KZ_SWEEP_CSV)
		kz_buf_adds(b,
		    "file,line,time,field,value,client,type,indicator,source,tags,tlp\n");
}

void
kz_sweep_format_hit(struct kz_buf *b, const struct kz_ioc_table *t,
    const struct kz_sweep_hit *h, enum kz_sweep_output o)
{
	struct kz_ioc ioc;
	char ts[KZ_TIME_STRLEN] = "";
	char num[32];

	kz_ioc_table_get(t, h->ioc, &ioc);
	if (h->time)
		kz_time_format(ts, h->time);
	if (o == KZ_SWEEP_JSON) {
		json_t *j = json_object();

		if (!j) {
			b->err = KZ_ENOMEM;
			return;
		}
		kz_json_set(j, "file", json_clean(h->file));
		kz_json_set(j, "line", json_integer((json_int_t)h->line));
		kz_json_set(j, "time", kz_json_time(h->time));
		kz_json_set(j, "field", json_clean(h->field));
		kz_json_set(j, "value", json_clean(h->value));
		kz_json_set(j, "client",
		    *h->client ? json_clean(h->client) : json_null());
		kz_json_set(
		    j, "format", json_string(kz_log_format_name(h->format)));
		kz_json_set(j, "indicator", json_ioc(t, h->ioc));
		add_json_line(b, j);
		return;
	}
	if (o == KZ_SWEEP_CSV) {
		add_csv(b, h->file, 0);
		snprintf(num, sizeof(num), "%llu", (unsigned long long)h->line);
		add_csv(b, num, 0);
		add_csv(b, ts, 0);
		add_csv(b, h->field, 0);
		add_csv(b, h->value, 0);
		add_csv(b, h->client, 0);
		add_csv(b, kz_ioc_table_type_name(ioc.type), 0);
		add_csv(b, ioc.value, 0);
		add_csv(b, ioc.source, 0);
		add_csv(b, ioc.tags, 0);
		add_csv(b, ioc.tlp, 1);
		return;
	}
	add_clean(b, h->file);
	kz_buf_addf(
	    b, ":%llu\t%s\t", (unsigned long long)h->line, *ts ? ts : "-");
	add_clean(b, *h->client ? h->client : "-");
	kz_buf_addc(b, '\t');
	add_clean(b, h->field);
	kz_buf_addc(b, '=');
	add_clean(b, h->value);
	kz_buf_addf(b, "\t%s ", kz_ioc_table_type_name(ioc.type));
	add_clean(b, ioc.value);
	kz_buf_adds(b, " [");
	add_clean(b, *ioc.source ? ioc.source : "-");
	if (*ioc.tags) {
		kz_buf_adds(b, "; ");
		add_clean(b, ioc.tags);
	}
	if (*ioc.tlp)
		kz_buf_addf(b, "; TLP:%s", ioc.tlp);
	kz_buf_adds(b, "]\n");
}

void
kz_sweep_format_stats(
    struct kz_buf *b, const struct kz_sweep *sw, enum kz_sweep_output o)
{
	const struct kz_sweep_stats *st = &sw->st;
	int k;

	if (o == KZ_SWEEP_JSON) {
		json_t *j = json_object(), *r = json_object();

		kz_json_set(j, "kind", json_string("stats"));
		kz_json_set(j, "files", json_integer((json_int_t)st->files));
		kz_json_set(j, "bytes", json_integer((json_int_t)st->bytes));
		kz_json_set(j, "lines", json_integer((json_int_t)st->lines));
		kz_json_set(j, "hits", json_integer((json_int_t)st->hits));
		for (k = 0; k < KZ_SWEEP_NREASONS; k++)
			if (st->reasons[k])
				kz_json_set(r, reason_names[k],
				    json_integer((json_int_t)st->reasons[k]));
		kz_json_set(j, "unreadable", r);
		add_json_line(b, j);
		return;
	}
	if (o == KZ_SWEEP_CSV) {
		kz_buf_adds(b, "counter,count\n");
		kz_buf_addf(b,
		    "files,%llu\nbytes,%llu\nlines,%llu\nhits,%llu\n",
		    (unsigned long long)st->files,
		    (unsigned long long)st->bytes,
		    (unsigned long long)st->lines,
		    (unsigned long long)st->hits);
		for (k = 0; k < KZ_SWEEP_NREASONS; k++)
			if (st->reasons[k])
				kz_buf_addf(b, "%s,%llu\n", reason_names[k],
				    (unsigned long long)st->reasons[k]);
		return;
	}
	kz_buf_addf(b, "%llu files, %llu bytes, %llu lines, %llu hits\n",
	    (unsigned long long)st->files, (unsigned long long)st->bytes,
	    (unsigned long long)st->lines, (unsigned long long)st->hits);
	for (k = 0; k < KZ_SWEEP_NREASONS; k++)
		if (st->reasons[k])
			kz_buf_addf(b, "  %s: %llu\n", reason_names[k],
			    (unsigned long long)st->reasons[k]);
}

int
kz_sweep_format_summary(
    struct kz_buf *b, const struct kz_sweep *sw, enum kz_sweep_output o)
{
	struct kz_sweep_ioc_summary *is = NULL;
	struct kz_sweep_client_summary *cs = NULL;
	size_t ni = 0, nc = 0, i, k;
	char t1[KZ_TIME_STRLEN], t2[KZ_TIME_STRLEN];
	struct kz_ioc ioc;
	int rc;

	rc = kz_sweep_summary_iocs(sw, &is, &ni);
	if (!rc)
		rc = kz_sweep_summary_clients(sw, &cs, &nc);
	if (rc)
		goto done;
	if (o == KZ_SWEEP_CSV)
		kz_buf_adds(b,
		    "kind,client,type,indicator,source,tags,tlp,hits,first,last,clients\n");
	else if (o == KZ_SWEEP_TEXT)
		kz_buf_addf(b, "Indicators hit: %zu\n", ni);
	for (i = 0; i < ni; i++) {
		kz_ioc_table_get(sw->t, is[i].ioc, &ioc);
		strcpy(t1, "-");
		strcpy(t2, "-");
		if (is[i].first)
			kz_time_format(t1, is[i].first);
		if (is[i].last)
			kz_time_format(t2, is[i].last);
		if (o == KZ_SWEEP_JSON) {
			json_t *j = json_object();

			kz_json_set(j, "kind", json_string("indicator"));
			kz_json_set(j, "indicator", json_ioc(sw->t, is[i].ioc));
			kz_json_set(
			    j, "hits", json_integer((json_int_t)is[i].hits));
			kz_json_set(j, "first", kz_json_time(is[i].first));
			kz_json_set(j, "last", kz_json_time(is[i].last));
			kz_json_set(j, "clients",
			    json_integer((json_int_t)is[i].clients));
			add_json_line(b, j);
		} else if (o == KZ_SWEEP_CSV) {
			char n1[32], n2[32];

			snprintf(n1, sizeof(n1), "%llu",
			    (unsigned long long)is[i].hits);
			snprintf(n2, sizeof(n2), "%llu",
			    (unsigned long long)is[i].clients);
			add_csv(b, "indicator", 0);
			add_csv(b, "", 0);
			add_csv(b, kz_ioc_table_type_name(ioc.type), 0);
			add_csv(b, ioc.value, 0);
			add_csv(b, ioc.source, 0);
			add_csv(b, ioc.tags, 0);
			add_csv(b, ioc.tlp, 0);
			add_csv(b, n1, 0);
			add_csv(b, is[i].first ? t1 : "", 0);
			add_csv(b, is[i].last ? t2 : "", 0);
			add_csv(b, n2, 1);
		} else {
			kz_buf_addf(
			    b, "  %-8s ", kz_ioc_table_type_name(ioc.type));
			add_clean(b, ioc.value);
			kz_buf_addf(b,
			    "  hits %llu  clients %llu  first %s  last %s  [",
			    (unsigned long long)is[i].hits,
			    (unsigned long long)is[i].clients, t1, t2);
			add_clean(b, *ioc.source ? ioc.source : "-");
			if (*ioc.tlp)
				kz_buf_addf(b, "; TLP:%s", ioc.tlp);
			kz_buf_adds(b, "]\n");
		}
	}
	if (o == KZ_SWEEP_TEXT)
		kz_buf_addf(b, "Clients: %zu\n", nc);
	for (i = 0; i < nc; i++) {
		json_t *j = NULL, *arr = NULL;

		if (o == KZ_SWEEP_JSON) {
			j = json_object();
			arr = json_array();
			kz_json_set(j, "kind", json_string("client"));
			kz_json_set(j, "client",
			    *cs[i].client ? json_clean(cs[i].client) :
					    json_null());
			kz_json_set(
			    j, "hits", json_integer((json_int_t)cs[i].hits));
		} else if (o == KZ_SWEEP_TEXT) {
			kz_buf_adds(b, "  ");
			add_clean(
			    b, *cs[i].client ? cs[i].client : "(unknown)");
			kz_buf_addf(
			    b, "  hits %llu\n", (unsigned long long)cs[i].hits);
		}
		for (k = 0; k < cs[i].n; k++) {
			const struct kz_sweep_client_ioc *ci = &cs[i].iocs[k];

			kz_ioc_table_get(sw->t, ci->ioc, &ioc);
			strcpy(t1, "-");
			strcpy(t2, "-");
			if (ci->first)
				kz_time_format(t1, ci->first);
			if (ci->last)
				kz_time_format(t2, ci->last);
			if (o == KZ_SWEEP_JSON) {
				json_t *x = json_object();

				kz_json_set(x, "type",
				    json_string(
					kz_ioc_table_type_name(ioc.type)));
				kz_json_set(
				    x, "indicator", json_clean(ioc.value));
				kz_json_set(x, "hits",
				    json_integer((json_int_t)ci->hits));
				kz_json_set(
				    x, "first", kz_json_time(ci->first));
				kz_json_set(x, "last", kz_json_time(ci->last));
				json_array_append_new(arr, x);
			} else if (o == KZ_SWEEP_CSV) {
				char n1[32];

				snprintf(n1, sizeof(n1), "%llu",
				    (unsigned long long)ci->hits);
				add_csv(b, "client", 0);
				add_csv(b, cs[i].client, 0);
				add_csv(b, kz_ioc_table_type_name(ioc.type), 0);
				add_csv(b, ioc.value, 0);
				add_csv(b, ioc.source, 0);
				add_csv(b, ioc.tags, 0);
				add_csv(b, ioc.tlp, 0);
				add_csv(b, n1, 0);
				add_csv(b, ci->first ? t1 : "", 0);
				add_csv(b, ci->last ? t2 : "", 0);
				add_csv(b, "", 1);
			} else {
				kz_buf_addf(b, "    %-8s ",
				    kz_ioc_table_type_name(ioc.type));
				add_clean(b, ioc.value);
				kz_buf_addf(b,
				    "  hits %llu  first %s  last %s\n",
				    (unsigned long long)ci->hits, t1, t2);
			}
		}
		if (j) {
			kz_json_set(j, "indicators", arr);
			add_json_line(b, j);
		}
	}
	if (o != KZ_SWEEP_CSV)
		kz_sweep_format_stats(b, sw, o);
	rc = b->err;
done:
	kz_free(is);
	kz_sweep_client_summary_free(cs, nc);
	return rc;
}
