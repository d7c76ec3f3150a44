/* SPDX-License-Identifier: MIT */
/*
 * The template language of template.h: parsed once into a flat list of
 * nodes (text, value, block begin and end) with every name checked, then
 * rendered any number of times without errors but running out of memory.
 */
#include "template.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/strutil.h"

#define TEMPLATE_MAX (1u << 20) /* bytes of one template file */
#define NODES_MAX    100000
#define NAME_MAX_LEN 64

/* clang-format off */
const char *const kz_template_names[] = {
	"ticket", "tickets", "title", "description", "category",
	"category_ja", "tlp", "priority", "first_seen_utc", "first_seen_jst",
	"last_seen_utc", "last_seen_jst", "now_utc", "now_jst", "excerpt",
	"reporter", "recipient", "org", "team", "team_email",
	"indicator_count", "sent_utc", "sent_jst", "days", "original_subject",
	"result", "machine_parts", NULL
};
const char *const kz_template_item_names[] = {
	"type", "value", "defanged", "ticket", "first_seen_utc",
	"first_seen_jst", "last_seen_utc", "last_seen_jst", NULL
};
/* clang-format on */

#define NVARS  (sizeof(kz_template_names) / sizeof(char *) - 1)
#define NITEMS (sizeof(kz_template_item_names) / sizeof(char *) - 1)

enum node_kind {
	N_TEXT,
	N_VAR,
	N_ITEM,
	N_EACH,
	N_END_EACH,
	N_IF,
	N_IF_ITEM,
	N_END_IF,
};

struct node {
	enum node_kind kind;
	size_t off, len; /* N_TEXT: into t->text */
	int var;         /* N_VAR, N_IF: name index; N_ITEM, N_IF_ITEM too */
	size_t jump;     /* N_EACH, N_IF*: the index of the matching end */
};

struct part {
	struct node *nodes;
	size_t n, alloc;
};

struct kz_template {
	char *name;
	char *text;
	struct part subject;
	struct part body;
};

struct item {
	char *v[NITEMS];
};

struct kz_tvars {
	char *v[NVARS];
	struct item *items;
	size_t n, alloc;
};

static int
name_index(const char *const *names, const char *s, size_t len)
{
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return i;
	return -1;
}

struct kz_tvars *
kz_tvars_new(void)
{
	return kz_calloc(1, sizeof(struct kz_tvars));
}

void
kz_tvars_free(struct kz_tvars *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < NVARS; i++)
		kz_free(v->v[i]);
	for (size_t i = 0; i < v->n; i++)
		for (size_t j = 0; j < NITEMS; j++)
			kz_free(v->items[i].v[j]);
	kz_free(v->items);
	kz_free(v);
}

static int
set_slot(char **slot, const char *value)
{
	char *c = kz_strdup(value ? value : "");

	if (!c)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	kz_free(*slot);
	*slot = c;
	return 0;
}

int
kz_tvars_set(struct kz_tvars *v, const char *name, const char *value)
{
	int i = name_index(kz_template_names, name, strlen(name));

	if (i < 0)
		return kz_error_set(
		    KZ_EINVAL, "unknown template value '%s'", name);
	return set_slot(&v->v[i], value);
}

int
kz_tvars_add_item(struct kz_tvars *v)
{
	if (v->n == v->alloc) {
		size_t na = v->alloc ? v->alloc * 2 : 16;
		struct item *p = kz_realloc(v->items, na * sizeof(*p));

		if (!p)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		v->items = p;
		v->alloc = na;
	}
	memset(&v->items[v->n++], 0, sizeof(struct item));
	return 0;
}

int
kz_tvars_item_set(struct kz_tvars *v, const char *name, const char *value)
{
	int i = name_index(kz_template_item_names, name, strlen(name));

	if (i < 0)
		return kz_error_set(
		    KZ_EINVAL, "unknown template value '%s'", name);
	if (!v->n && kz_tvars_add_item(v))
		return KZ_ENOMEM;
	return set_slot(&v->items[v->n - 1].v[i], value);
}

const char *
kz_tvars_get(const struct kz_tvars *v, const char *name)
{
	int i = name_index(kz_template_names, name, strlen(name));

	return i >= 0 && v->v[i] ? v->v[i] : "";
}

static int
add_node(struct part *p, const struct node *nd)
{
	if (p->n == p->alloc) {
		size_t na = p->alloc ? p->alloc * 2 : 32;
		struct node *q;

		if (na > NODES_MAX)
			return kz_error_set(KZ_EINVAL,
			    "template too complex (more than %d parts)",
			    NODES_MAX);
		q = kz_realloc(p->nodes, na * sizeof(*q));
		if (!q)
			return kz_error_set(KZ_ENOMEM, "out of memory");
		p->nodes = q;
		p->alloc = na;
	}
	p->nodes[p->n++] = *nd;
	return 0;
}

static int
add_text(struct part *p, size_t off, size_t len)
{
	struct node nd = { N_TEXT, off, len, 0, 0 };

	if (!len)
		return 0;
	return add_node(p, &nd);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parses text[from..to) into p. line is the line number of text[from].
 * Block tags alone on their line take the whole line with them.
 */
static int
parse_part(struct part *p, const struct kz_template *t, size_t from, size_t to,
    int line)
{
	const char *s = t->text;
	size_t i = from, text_start = from, stack[8];
	int depth = 0, in_each = 0;

	while (i < to) {
		size_t open, close, nstart, nlen, tag_end, line_start;
		int bol = (i == from || s[i - 1] == '\n');
		struct node nd = { 0 };

		if (bol && i + 1 < to && s[i] == '#' && s[i + 1] == '#') {
			/* a comment line: drop it with its newline */
			if (add_text(p, text_start, i - text_start))
				return KZ_ENOMEM;
			while (i < to && s[i] != '\n')
				i++;
			if (i < to)
				i++;
			line++;
			text_start = i;
			continue;
		}
		if (s[i] == '\n') {
			line++;
			i++;
			continue;
		}
		if (!(s[i] == '{' && i + 1 < to && s[i + 1] == '{')) {
			i++;
			continue;
		}
		open = i;
		close = open + 2;
		while (close + 1 < to &&
		    !(s[close] == '}' && s[close + 1] == '}')) {
			if (s[close] == '\n' || s[close] == '{')
				break;
			close++;
		}
		if (close + 1 >= to || s[close] != '}' || s[close + 1] != '}')
			return kz_error_set(KZ_EINVAL,
			    "template '%s' line %d: '{{' without '}}'", t->name,
			    line);
		nstart = open + 2;
		nlen = close - nstart;
		while (nlen && is_space(s[nstart])) {
			nstart++;
			nlen--;
		}
		while (nlen && is_space(s[nstart + nlen - 1]))
			nlen--;
		tag_end = close + 2;

		if (nlen && (s[nstart] == '#' || s[nstart] == '/')) {
			/* a block tag: alone on its line, it takes the line */
			size_t k = open, e = tag_end;

			while (k > from && is_space(s[k - 1]))
				k--;
			line_start = k;
			while (e < to && is_space(s[e]))
				e++;
			if ((line_start == from || s[line_start - 1] == '\n') &&
			    (e == to || s[e] == '\n' ||
				(s[e] == '\r' && e + 1 < to &&
				    s[e + 1] == '\n'))) {
				if (add_text(
					p, text_start, line_start - text_start))
					return KZ_ENOMEM;
				if (e < to && s[e] == '\r')
					e++;
				if (e < to) {
					e++;
					line++;
				}
				text_start = e;
			} else {
				if (add_text(p, text_start, open - text_start))
					return KZ_ENOMEM;
				text_start = tag_end;
				e = tag_end;
			}
			i = e;
		} else {
			if (add_text(p, text_start, open - text_start))
				return KZ_ENOMEM;
			text_start = tag_end;
			i = tag_end;
		}

		if (nlen == 16 &&
		    memcmp(s + nstart, "#each indicators", 16) == 0) {
			if (in_each)
				return kz_error_set(KZ_EINVAL,
				    "template '%s' line %d: '{{#each}}' inside "
				    "'{{#each}}'",
				    t->name, line);
			if (depth == 8)
				return kz_error_set(KZ_EINVAL,
				    "template '%s' line %d: blocks nested too "
				    "deep",
				    t->name, line);
			in_each = 1;
			nd.kind = N_EACH;
			stack[depth++] = p->n;
		} else if (nlen > 4 && memcmp(s + nstart, "#if ", 4) == 0) {
			size_t a = nstart + 4, al = nlen - 4;
			int v;

			while (al && is_space(s[a])) {
				a++;
				al--;
			}
			if (depth == 8)
				return kz_error_set(KZ_EINVAL,
				    "template '%s' line %d: blocks nested too "
				    "deep",
				    t->name, line);
			if (in_each &&
			    (v = name_index(
				 kz_template_item_names, s + a, al)) >= 0) {
				nd.kind = N_IF_ITEM;
			} else if ((v = name_index(
					kz_template_names, s + a, al)) >= 0) {
				nd.kind = N_IF;
			} else {
				char nm[NAME_MAX_LEN + 1];

				snprintf(nm, sizeof(nm), "%.*s",
				    (int)(al < NAME_MAX_LEN ? al :
							      NAME_MAX_LEN),
				    s + a);
				return kz_error_set(KZ_EINVAL,
				    "template '%s' line %d: unknown placeholder "
				    "'%s'",
				    t->name, line, nm);
			}
			nd.var = v;
			stack[depth++] = p->n;
		} else if ((nlen == 5 && memcmp(s + nstart, "/each", 5) == 0) ||
		    (nlen == 3 && memcmp(s + nstart, "/if", 3) == 0)) {
			int each = nlen == 5;
			enum node_kind ok;

			if (!depth)
				return kz_error_set(KZ_EINVAL,
				    "template '%s' line %d: '{{%s}}' without "
				    "its opening tag",
				    t->name, line, each ? "/each" : "/if");
			ok = p->nodes[stack[depth - 1]].kind;
			if (each != (ok == N_EACH))
				return kz_error_set(KZ_EINVAL,
				    "template '%s' line %d: '{{%s}}' closes "
				    "the wrong block",
				    t->name, line, each ? "/each" : "/if");
			p->nodes[stack[--depth]].jump = p->n;
			nd.kind = each ? N_END_EACH : N_END_IF;
			if (each)
				in_each = 0;
		} else {
			int v = -1;

			if (in_each &&
			    (v = name_index(kz_template_item_names, s + nstart,
				 nlen)) >= 0)
				nd.kind = N_ITEM;
			else if ((v = name_index(kz_template_names, s + nstart,
				      nlen)) >= 0)
				nd.kind = N_VAR;
			if (v < 0) {
				char nm[NAME_MAX_LEN + 1];

				snprintf(nm, sizeof(nm), "%.*s",
				    (int)(nlen < NAME_MAX_LEN ? nlen :
								NAME_MAX_LEN),
				    s + nstart);
				return kz_error_set(KZ_EINVAL,
				    "template '%s' line %d: unknown placeholder "
				    "'%s'",
				    t->name, line, nm);
			}
			nd.var = v;
		}
		if (add_node(p, &nd))
			return KZ_ENOMEM;
	}
	if (depth)
		return kz_error_set(KZ_EINVAL,
		    "template '%s' line %d: a block is not closed (missing "
		    "'{{/each}}' or '{{/if}}')",
		    t->name, line);
	return add_text(p, text_start, to - text_start);
}

void
kz_template_free(struct kz_template *t)
{
	if (!t)
		return;
	kz_free(t->name);
	kz_free(t->text);
	kz_free(t->subject.nodes);
	kz_free(t->body.nodes);
	kz_free(t);
}

const char *
kz_template_name(const struct kz_template *t)
{
	return t->name;
}

int
kz_template_parse(
    struct kz_template **out, const char *name, const char *text, size_t len)
{
	struct kz_template *t;
	size_t i, subj_end, body;
	int rc;

	*out = NULL;
	if (len > TEMPLATE_MAX)
		return kz_error_set(KZ_EINVAL,
		    "template '%s' is too large (%zu bytes, at most %u)", name,
		    len, TEMPLATE_MAX);
	if (!kz_utf8_valid(text, len) || memchr(text, '\0', len))
		return kz_error_set(
		    KZ_EINVAL, "template '%s' is not valid UTF-8 text", name);
	t = kz_calloc(1, sizeof(*t));
	if (!t || !(t->name = kz_strdup(name)) ||
	    !(t->text = kz_strndup(text, len))) {
		kz_template_free(t);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	/* skip leading comment lines */
	i = 0;
	{
		int line = 1;

		while (i + 1 < len && text[i] == '#' && text[i + 1] == '#') {
			while (i < len && text[i] != '\n')
				i++;
			if (i < len)
				i++;
			line++;
		}
		if (len - i < 8 || strncasecmp(text + i, "Subject:", 8) != 0) {
			kz_template_free(t);
			return kz_error_set(KZ_EINVAL,
			    "template '%s' line %d: the first line must be "
			    "'Subject: ...'",
			    name, line);
		}
		i += 8;
		while (i < len && is_space(text[i]))
			i++;
		subj_end = i;
		while (subj_end < len && text[subj_end] != '\n')
			subj_end++;
		body = subj_end < len ? subj_end + 1 : len;
		{
			size_t e = subj_end;

			while (e > i &&
			    (text[e - 1] == '\r' || is_space(text[e - 1])))
				e--;
			if ((rc = parse_part(&t->subject, t, i, e, line))) {
				kz_template_free(t);
				return rc;
			}
		}
		line++;
		if (body < len && text[body] != '\n' &&
		    !(text[body] == '\r' && body + 1 < len &&
			text[body + 1] == '\n')) {
			kz_template_free(t);
			return kz_error_set(KZ_EINVAL,
			    "template '%s' line %d: an empty line must follow "
			    "the Subject line",
			    name, line);
		}
		if (body < len) {
			if (text[body] == '\r')
				body++;
			body++;
			line++;
		}
		if ((rc = parse_part(&t->body, t, body, len, line))) {
			kz_template_free(t);
			return rc;
		}
	}
	*out = t;
	return 0;
}

static void
render_part(struct kz_buf *b, const struct kz_template *t, const struct part *p,
    const struct kz_tvars *v)
{
	size_t i = 0, each_start = 0, item = 0;
	int in_each = 0;

	while (i < p->n) {
		const struct node *nd = &p->nodes[i];
		const char *val;

		switch (nd->kind) {
		case N_TEXT:
			kz_buf_add(b, t->text + nd->off, nd->len);
			break;
		case N_VAR:
			if (v->v[nd->var])
				kz_buf_adds(b, v->v[nd->var]);
			break;
		case N_ITEM:
			if (in_each && (val = v->items[item].v[nd->var]))
				kz_buf_adds(b, val);
			break;
		case N_EACH:
			if (!v->n) {
				i = nd->jump + 1;
				continue;
			}
			in_each = 1;
			item = 0;
			each_start = i;
			break;
		case N_END_EACH:
			if (++item < v->n) {
				i = each_start + 1;
				continue;
			}
			in_each = 0;
			break;
		case N_IF:
			if (!v->v[nd->var] || !*v->v[nd->var]) {
				i = nd->jump + 1;
				continue;
			}
			break;
		case N_IF_ITEM:
			val = in_each ? v->items[item].v[nd->var] : NULL;
			if (!val || !*val) {
				i = nd->jump + 1;
				continue;
			}
			break;
		case N_END_IF:
			break;
		}
		i++;
	}
}

int
kz_template_render(struct kz_buf *subject, struct kz_buf *body,
    const struct kz_template *t, const struct kz_tvars *v)
{
	if (subject)
		render_part(subject, t, &t->subject, v);
	if (body)
		render_part(body, t, &t->body, v);
	if ((subject && subject->err) || (body && body->err))
		return kz_error_set(KZ_ENOMEM, "out of memory");
	return 0;
}

/* The set of templates. */

struct builtin {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct builtin kz_templates_builtin[];
extern const size_t kz_templates_builtin_count;

struct kz_templates {
	struct kz_template **v;
	size_t n, alloc;
};

void
kz_templates_free(struct kz_templates *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		kz_template_free(set->v[i]);
	kz_free(set->v);
	kz_free(set);
}

static int
set_put(struct kz_templates *set, struct kz_template *t)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i]->name, t->name) == 0) {
			kz_template_free(set->v[i]);
			set->v[i] = t;
			return 0;
		}
	if (set->n == set->alloc) {
		size_t na = set->alloc ? set->alloc * 2 : 32;
		struct kz_template **p = kz_realloc(set->v, na * sizeof(*p));

		if (!p) {
			kz_template_free(t);
			return kz_error_set(KZ_ENOMEM, "out of memory");
		}
		set->v = p;
		set->alloc = na;
	}
	set->v[set->n++] = t;
	return 0;
}

static int
cmp_tpl(const void *a, const void *b)
{
	return strcmp((*(struct kz_template *const *)a)->name,
	    (*(struct kz_template *const *)b)->name);
}

static int
load_file(struct kz_templates *set, const char *dir, const char *fname)
{
	struct kz_buf path = KZ_BUF_INIT(8192),
		      data = KZ_BUF_INIT(TEMPLATE_MAX + 1);
	struct kz_template *t;
	char chunk[8192];
	FILE *f;
	size_t n;
	int rc;

	kz_buf_addf(&path, "%s/%s", dir, fname);
	if (path.err) {
		kz_buf_release(&path);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	if (!(f = fopen(path.ptr, "rb"))) {
		rc =
		    kz_error_set(KZ_EIO, "cannot read template '%s'", path.ptr);
		kz_buf_release(&path);
		return rc;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kz_buf_add(&data, chunk, n);
	fclose(f);
	kz_buf_release(&path);
	if (data.err) {
		kz_buf_release(&data);
		return kz_error_set(KZ_EINVAL,
		    "template '%s' is too large (at most %u bytes)", fname,
		    TEMPLATE_MAX);
	}
	rc = kz_template_parse(&t, fname, data.ptr, data.len);
	kz_buf_release(&data);
	if (rc)
		return rc;
	return set_put(set, t);
}

int
kz_templates_load(struct kz_templates **out, const char *dir)
{
	struct kz_templates *set = kz_calloc(1, sizeof(*set));
	int rc = 0;

	*out = NULL;
	if (!set)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	for (size_t i = 0; i < kz_templates_builtin_count; i++) {
		struct kz_template *t;

		if ((rc = kz_template_parse(&t, kz_templates_builtin[i].name,
			 kz_templates_builtin[i].text,
			 kz_templates_builtin[i].len)) ||
		    (rc = set_put(set, t)))
			goto fail;
	}
	if (dir) {
		DIR *d = opendir(dir);
		struct dirent *e;

		if (!d) {
			rc = kz_error_set(KZ_EIO,
			    "cannot read the template directory '%s'", dir);
			goto fail;
		}
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);

			if (l < 5 || e->d_name[0] == '.' ||
			    strcmp(e->d_name + l - 4, ".txt") != 0)
				continue;
			if ((rc = load_file(set, dir, e->d_name))) {
				closedir(d);
				goto fail;
			}
		}
		closedir(d);
	}
	qsort(set->v, set->n, sizeof(*set->v), cmp_tpl);
	*out = set;
	return 0;
fail:
	kz_templates_free(set);
	return rc;
}

static const struct kz_template *
set_get(const struct kz_templates *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i]->name, name) == 0)
			return set->v[i];
	return NULL;
}

int
kz_templates_find(const struct kz_template **out,
    const struct kz_templates *set, const char *kind, const char *category,
    const char *lang)
{
	char name[256];

	*out = NULL;
	if (category) {
		snprintf(
		    name, sizeof(name), "%s-%s.%s.txt", kind, category, lang);
		if ((*out = set_get(set, name)))
			return 0;
	}
	snprintf(name, sizeof(name), "%s.%s.txt", kind, lang);
	if ((*out = set_get(set, name)))
		return 0;
	return kz_error_set(KZ_ENOTFOUND,
	    "no template '%s' (templates are named KIND[-CATEGORY].LANG.txt)",
	    name);
}

size_t
kz_templates_count(const struct kz_templates *set)
{
	return set->n;
}

const char *
kz_templates_name(const struct kz_templates *set, size_t i)
{
	return i < set->n ? set->v[i]->name : NULL;
}
