/* SPDX-License-Identifier: MIT */
/* Helpers for the unit tests. */
#include "testutil.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
tu_data_path(const char *sub)
{
	const char *root = getenv("KZ_TEST_DATA");
	char *p;

	if (!root)
		root = "tests/data";
	p = malloc(strlen(root) + strlen(sub) + 2);
	sprintf(p, "%s/%s", root, sub);
	return p;
}

char *
tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t r;

		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap + 1);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static char tmpdir[256];

static void
rm_tmpdir(void)
{
	char cmd[300];

	if (tmpdir[0] && !getenv("KZ_TEST_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
}

const char *
tu_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/kz-unit-XXXXXX");
		if (!mkdtemp(tmpdir))
			abort();
		atexit(rm_tmpdir);
	}
	return tmpdir;
}

static PGconn *pg;

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Drops this program's schemas, as rm_tmpdir() removes its files. */
static void
drop_schemas(void)
{
	char sql[512];
	PGresult *res;

	if (!getenv("KZ_TEST_KEEP")) {
		snprintf(sql, sizeof(sql),
		    "DO $$DECLARE s name; BEGIN FOR s IN SELECT nspname "
		    "FROM pg_namespace WHERE nspname LIKE 'kzt\\_%%\\_%d\\_%%' "
		    "LOOP EXECUTE format('DROP SCHEMA %%I CASCADE', s); "
		    "END LOOP; END$$",
		    (int)getpid());
		res = PQexec(pg, sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			fprintf(stderr, "could not drop the test schemas: %s",
			    PQerrorMessage(pg));
		PQclear(res);
	}
	PQfinish(pg);
	pg = NULL;
}

int
tu_store_pg(void)
{
	const char *uri = getenv("KZ_TEST_PG");

	return uri && *uri;
}

void
tu_store_uri(char *out, size_t size, const char *name)
{
	static int seq;
	const char *base = getenv("KZ_TEST_PG");
	char schema[64], sql[128];
	PGresult *res;

	seq++;
	if (!tu_store_pg()) {
		snprintf(out, size, "%s/%s-%d.db", tu_tmpdir(), name, seq);
		return;
	}
	if (!pg) {
		pg = PQconnectdb(base);
		if (PQstatus(pg) != CONNECTION_OK) {
			fprintf(stderr, "KZ_TEST_PG: %s", PQerrorMessage(pg));
			abort();
		}
		PQsetNoticeProcessor(pg, quiet, NULL);
		atexit(drop_schemas);
	}
	snprintf(
	    schema, sizeof(schema), "kzt_%s_%d_%d", name, (int)getpid(), seq);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA \"%s\"", schema);
	res = PQexec(pg, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "KZ_TEST_PG: %s", PQerrorMessage(pg));
		abort();
	}
	PQclear(res);
	/* A URI takes the schema as a parameter, a conninfo as a key. */
	if (strstr(base, "://"))
		snprintf(out, size, "%s%coptions=-csearch_path%%3D%s", base,
		    strchr(base, '?') ? '&' : '?', schema);
	else
		snprintf(
		    out, size, "%s options='-csearch_path=%s'", base, schema);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
tu_list_dir(char ***out, size_t *n, const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **list = NULL;
	size_t cnt = 0;
	size_t sl = strlen(suffix);

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' || l < sl ||
		    strcmp(e->d_name + l - sl, suffix) != 0)
			continue;
		list = realloc(list, (cnt + 1) * sizeof(*list));
		list[cnt] = malloc(strlen(dir) + l + 2);
		sprintf(list[cnt], "%s/%s", dir, e->d_name);
		cnt++;
	}
	closedir(d);
	if (cnt)
		qsort(list, cnt, sizeof(*list), cmp_str);
	*out = list;
	*n = cnt;
	return 0;
}

void
tu_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}
