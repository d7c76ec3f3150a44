/* SPDX-License-Identifier: MIT */
/* Shared command-line helpers: options, errors, JSON, help, tables. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

int
cli_common_opt(struct cli *cli, int c, const char *arg)
{
	enum kz_lang l;

	switch (c) {
	case OPT_JSON:
		cli->json = 1;
		return 1;
	case OPT_DB:
		cli->db_path = arg;
		return 1;
	case OPT_LANG:
		if (kz_lang_parse(&l, arg) != 0) {
			cli_usage(cli, "%s",
			    kz_error_render(
				kz_tr(cli_lang, kz_error_format())));
			return -1;
		}
		cli->lang = l;
		cli_lang = l;
		return 1;
	case '?':
		/* getopt_long printed what was wrong. */
		fprintf(stderr, _("try 'kizuki %s --help'"),
		    cli->cmd ? cli->cmd : "");
		fputc('\n', stderr);
		return -1;
	}
	return 0;
}

int
cli_other_opt(struct cli *cli, int c, const char *arg)
{
	int r = cli_common_opt(cli, c, arg);

	if (r > 0)
		return -2;
	if (r < 0)
		return CLI_USAGE;
	return cli_usage(cli, "%s", _("unexpected option"));
}

static struct kz_store *
open_store(struct cli *cli, unsigned flags)
{
	if (cli->st)
		return cli->st;
	if (kz_store_open(&cli->st, cli->db_path, flags) != 0) {
		cli->st = NULL;
		cli_fail(cli);
		return NULL;
	}
	return cli->st;
}

struct kz_store *
cli_store(struct cli *cli)
{
	return open_store(cli, 0);
}

struct kz_store *
cli_store_existing(struct cli *cli)
{
	return open_store(cli, KZ_STORE_NOCREATE);
}

int
cli_fail(struct cli *cli)
{
	const char *fmt = kz_error_format();
	const char *msg = kz_error_render(fmt ? kz_tr(cli_lang, fmt) : NULL);

	(void)cli;
	if (!*msg)
		msg = _("unknown error");
	if (cli->json) {
		json_t *e = json_pack("{s:{s:s, s:s}}", "error", "code",
		    kz_error_name(kz_error_code()), "message", msg);
		char *s = kz_json_dump(e, 0);

		fprintf(stderr, "%s\n", s ? s : msg);
		free(s);
		json_decref(e);
	} else {
		fprintf(stderr, "kizuki: %s\n", msg);
	}
	return CLI_ERR;
}

int
cli_usage(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kizuki %s: ", cli->cmd ? cli->cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fprintf(stderr, _("try 'kizuki %s --help'"), cli->cmd ? cli->cmd : "");
	fputc('\n', stderr);
	return CLI_USAGE;
}

int
cli_print_json(struct cli *cli, json_t *v)
{
	char *s;

	if (!v) {
		kz_error_set(KZ_ENOMEM, "out of memory");
		return cli_fail(cli);
	}
	s = kz_json_dump(v, cli->tty);
	json_decref(v);
	if (!s) {
		kz_error_set(KZ_ENOMEM, "out of memory");
		return cli_fail(cli);
	}
	puts(s);
	free(s);
	return CLI_OK;
}

int
cli_help(struct cli *cli, const char *usage, const char *summary,
    const struct cli_help_opt *opts)
{
	int own_json = 0; /* the command says what its --json prints */

	(void)cli;
	printf("%s\n", _(usage));
	if (summary)
		printf("\n%s\n", _(summary));
	if (opts && opts->flag) {
		printf("\n%s\n", _("options:"));
		for (; opts->flag; opts++) {
			if (!strcmp(opts->flag, "--json"))
				own_json = 1;
			printf("  ");
			cli_pad(stdout, opts->flag, 26);
			if (cli_width(opts->flag) >= 26)
				printf("\n  %26s", "");
			printf("%s\n", _(opts->desc));
		}
	}
	if (!own_json) {
		printf("  ");
		cli_pad(stdout, "--json", 26);
		printf("%s\n", _("print JSON for scripts (see docs/json.md)"));
	}
	printf("  ");
	cli_pad(stdout, "--db PATH", 26);
	printf("%s\n",
	    _("database file or postgresql:// URI (default: $KIZUKI_DB or "
	      "kizuki.db)"));
	printf("  ");
	cli_pad(stdout, "--lang ja|en", 26);
	printf("%s\n", _("language of messages (default: from the locale)"));
	return CLI_OK;
}

int
cli_read_input(
    struct cli *cli, const char *path, size_t max, char **out, size_t *len)
{
	struct kz_buf b = KZ_BUF_INIT(max);
	FILE *f;
	char chunk[65536];
	size_t n;

	(void)cli;
	*out = NULL;
	if (!path || strcmp(path, "-") == 0) {
		f = stdin;
	} else if (!(f = fopen(path, "rb"))) {
		return kz_error_set(
		    KZ_EIO, "cannot read '%s': %s", path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		kz_buf_add(&b, chunk, n);
		if (b.err)
			break;
	}
	if (f != stdin)
		fclose(f);
	if (b.err) {
		kz_buf_release(&b);
		return kz_error_set(KZ_EINVAL,
		    "input '%s' is larger than %zu bytes", path ? path : "-",
		    max);
	}
	*out = kz_buf_detach(&b, len);
	return *out ? 0 : kz_error_set(KZ_ENOMEM, "out of memory");
}

/* Display width of one code point: 2 for East Asian wide and fullwidth. */
static int
cp_width(unsigned cp)
{
	if (cp >= 0x1100 &&
	    (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf && cp != 0x303f) ||
		(cp >= 0xac00 && cp <= 0xd7a3) ||
		(cp >= 0xf900 && cp <= 0xfaff) ||
		(cp >= 0xfe30 && cp <= 0xfe4f) ||
		(cp >= 0xff00 && cp <= 0xff60) ||
		(cp >= 0xffe0 && cp <= 0xffe6) ||
		(cp >= 0x1f300 && cp <= 0x1faff) ||
		(cp >= 0x20000 && cp <= 0x3fffd)))
		return 2;
	return 1;
}

int
cli_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;

	while (*p) {
		unsigned cp;
		int n;

		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			n = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			n = 3;
		} else {
			cp = *p & 0x07;
			n = 4;
		}
		for (int i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				n = i;
				break;
			}
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		w += cp_width(cp);
		p += n;
	}
	return w;
}

void
cli_pad(FILE *f, const char *s, int width)
{
	int w = cli_width(s);

	fputs(s, f);
	for (; w < width; w++)
		fputc(' ', f);
}

int
cli_dispatch(struct cli *cli, const char *cmd, const struct cli_verb *verbs,
    int argc, char **argv)
{
	const struct cli_verb *v;
	static char full[64];

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		FILE *f = argc < 2 ? stderr : stdout;

		fprintf(f, _("usage: kizuki %s VERB [ARGS]"), cmd);
		fprintf(f, "\n\n%s\n", _("verbs:"));
		for (v = verbs; v->name; v++) {
			fprintf(f, "  ");
			cli_pad(f, v->name, 10);
			fprintf(f, "%s\n", _(v->help));
		}
		fprintf(f, "\n");
		fprintf(f, _("'kizuki %s VERB --help' tells more."), cmd);
		fprintf(f, "\n");
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	for (v = verbs; v->name; v++)
		if (strcmp(v->name, argv[1]) == 0) {
			snprintf(full, sizeof(full), "%s %s", cmd, v->name);
			cli->cmd = full;
			optind = 0;
			return v->fn(cli, argc - 1, argv + 1);
		}
	return cli_usage(cli, _("unknown verb '%s'"), argv[1]);
}
