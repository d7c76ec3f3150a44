/* SPDX-License-Identifier: MIT */
/*
 * The log sweep: reads logs (plain, gzip or zstd, detected by their first
 * bytes) in chunks with bounded memory, parses each line with a format
 * parser, looks every field up exactly in the indicator table, and reports
 * hits in file and line order through a callback. N worker threads share
 * the chunks; the callback and the summaries run on the calling thread.
 * Lines that cannot be read are counted by reason and the sweep goes on.
 */
#ifndef KZ_SWEEP_H
#define KZ_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "format/logline.h"
#include "match/indicators.h"

enum kz_sweep_reason {
	KZ_SWEEP_R_TOO_LONG = 0, /* longer than max_line: skipped */
	KZ_SWEEP_R_BINARY,       /* NUL or control bytes: skipped */
	KZ_SWEEP_R_BAD_UTF8,     /* invalid UTF-8: read all the same */
	KZ_SWEEP_R_OTHER_FORMAT, /* not the file's format: read as another */
	KZ_SWEEP_R_UNPARSED,     /* no format fits: generic tokenizer */
	KZ_SWEEP_R_TRUNCATED,    /* compressed input ends early (per file) */
	KZ_SWEEP_R_CORRUPT,      /* compressed input is damaged (per file) */
	KZ_SWEEP_NREASONS
};

/* "line too long", "binary data" ... */
const char *kz_sweep_reason_name(enum kz_sweep_reason r);

/* One hit. Strings are borrowed for the duration of the callback. */
struct kz_sweep_hit {
	const char *file;   /* as given, "-" for standard input */
	uint64_t line;      /* 1-based */
	int64_t time;       /* seconds since the epoch, 0 when unknown */
	const char *field;  /* "url", "query", "id.resp_h" ... */
	const char *value;  /* the text in the log that matched */
	const char *client; /* "" when the line names none */
	uint32_t ioc;       /* indicator id in the table */
	enum kz_log_format format;
};

/* Called for each hit in order; a nonzero return stops the sweep. */
typedef int (*kz_sweep_hit_fn)(void *ctx, const struct kz_sweep_hit *hit);

struct kz_sweep_opts {
	enum kz_log_format format;         /* KZ_LOG_AUTO: detect per file */
	const struct kz_log_fieldmap *map; /* for jsonl; borrowed */
	unsigned threads;                  /* 0: one per core */
	size_t max_line;                   /* 0: 1 MiB */
	size_t chunk_size;                 /* 0: 4 MiB (at least 2 lines) */
	int default_year;                  /* for syslog times; 0: this year */
	int summary;            /* keep per-indicator/client counts */
	kz_sweep_hit_fn on_hit; /* may be NULL */
	void *ctx;
	/* kz_sweep_follow() only */
	unsigned poll_ms;         /* 0: 250 */
	int64_t follow_idle_ms;   /* stop after this long idle; 0: never */
	int follow_from_start;    /* read what is there first */
	const volatile int *stop; /* set nonzero to end follow (and sweeps) */
};

void kz_sweep_opts_init(struct kz_sweep_opts *o);

struct kz_sweep_stats {
	uint64_t files;
	uint64_t bytes; /* after decompression */
	uint64_t lines;
	uint64_t hits;
	uint64_t reasons[KZ_SWEEP_NREASONS];
	enum kz_log_format format; /* of the last file read */
};

struct kz_sweep;

/*
 * A sweep over table (built, borrowed; must outlive the sweep) with
 * options o (copied). Starts the worker threads. Caller owns *out; free
 * with kz_sweep_free(). 0, KZ_EINVAL (table not built), KZ_ENOMEM.
 */
int kz_sweep_new(struct kz_sweep **out, const struct kz_ioc_table *table,
    const struct kz_sweep_opts *o);
void kz_sweep_free(struct kz_sweep *sw);

/*
 * Sweeps one file to its end ("-" reads standard input). Damaged or cut
 * compressed input is counted, what could be read is swept, and KZ_EIO
 * names the file; KZ_EIO also when it cannot be opened; KZ_ENOMEM.
 */
int kz_sweep_file(struct kz_sweep *sw, const char *path);
int kz_sweep_fd(struct kz_sweep *sw, int fd, const char *name);

/* Sweeps data in memory as a file called name (tests, fuzzing). */
int kz_sweep_buffer(
    struct kz_sweep *sw, const char *data, size_t len, const char *name);

/*
 * Follows a growing plain-text file like tail -F: reads new lines as they
 * are written, starts again from the top when the file is truncated, and
 * moves to the new file when it is replaced (rotation, by inode). Line
 * numbers count from where following began and restart after rotation.
 * Returns when *o->stop becomes nonzero, the callback says stop, or
 * nothing new arrived for o->follow_idle_ms. 0 or KZ_EIO.
 */
int kz_sweep_follow(struct kz_sweep *sw, const char *path);

/* Totals so far. Borrowed. */
const struct kz_sweep_stats *kz_sweep_stats(const struct kz_sweep *sw);

/* Per-indicator summary (needs o->summary). */
struct kz_sweep_ioc_summary {
	uint32_t ioc;
	uint64_t hits;
	int64_t first, last; /* 0 when no line had a time */
	uint64_t clients;    /* distinct */
};

/* One indicator a client reached. */
struct kz_sweep_client_ioc {
	uint32_t ioc;
	uint64_t hits;
	int64_t first, last;
};

/* Per-client summary: which internal hosts contacted what. */
struct kz_sweep_client_summary {
	const char *client; /* borrowed from the sweep; "" for unknown */
	uint64_t hits;
	size_t n;
	struct kz_sweep_client_ioc *iocs; /* by hits, most first */
};

/*
 * The summaries so far: indicators by hits (most first), clients by name.
 * Caller frees *out with kz_free() (iocs) or
 * kz_sweep_client_summary_free() (clients). 0 or KZ_ENOMEM.
 */
int kz_sweep_summary_iocs(
    const struct kz_sweep *sw, struct kz_sweep_ioc_summary **out, size_t *n);
int kz_sweep_summary_clients(
    const struct kz_sweep *sw, struct kz_sweep_client_summary **out, size_t *n);
void kz_sweep_client_summary_free(struct kz_sweep_client_summary *s, size_t n);

enum kz_sweep_output {
	KZ_SWEEP_TEXT = 0,
	KZ_SWEEP_JSON, /* one JSON object a line */
	KZ_SWEEP_CSV,
};

/* The CSV header line for hits (nothing for the other outputs). */
void kz_sweep_format_hit_header(struct kz_buf *b, enum kz_sweep_output o);

/* Appends one hit as a line (with its newline). */
void kz_sweep_format_hit(struct kz_buf *b, const struct kz_ioc_table *t,
    const struct kz_sweep_hit *h, enum kz_sweep_output o);

/*
 * Appends the summaries: per indicator, then per client, then the counts
 * of lines read and not read by reason. JSON: one object a line with a
 * "kind" of "indicator", "client" or "stats". 0 or KZ_ENOMEM.
 */
int kz_sweep_format_summary(
    struct kz_buf *b, const struct kz_sweep *sw, enum kz_sweep_output o);

/* Appends only the counts (lines, hits, reasons). */
void kz_sweep_format_stats(
    struct kz_buf *b, const struct kz_sweep *sw, enum kz_sweep_output o);

#endif
