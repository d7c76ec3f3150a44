/* SPDX-License-Identifier: MIT */
/*
 * Public suffix list lookups through libpsl. The built-in list is the last
 * resort only: it is as old as the libpsl package, while Debian's
 * publicsuffix package keeps the system list current.
 */
#include "enrich/domain.h"

#include <libpsl.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

struct kz_psl {
	psl_ctx_t *ctx;
	int owned; /* psl_builtin() must not be freed */
	char *source;
};

int
kz_psl_new(struct kz_psl **out, const char *file)
{
	struct kz_psl *p = kz_calloc(1, sizeof(*p));
	const char *dflt;

	*out = NULL;
	if (!p)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	if (file) {
		p->ctx = psl_load_file(file);
		if (!p->ctx) {
			kz_free(p);
			return kz_error_set(KZ_EIO,
			    "cannot read the public suffix list '%s'", file);
		}
		p->owned = 1;
		p->source = kz_strdup(file);
	} else if ((p->ctx = psl_latest(NULL)) != NULL) {
		/* psl_latest may hand back the built-in list itself. */
		p->owned = p->ctx != psl_builtin();
		dflt = psl_dist_filename();
		p->source =
		    kz_strdup(p->owned && dflt && *dflt ? dflt : "built-in");
	} else {
		p->ctx = (psl_ctx_t *)psl_builtin();
		p->owned = 0;
		p->source = kz_strdup("built-in");
	}
	if (!p->ctx || !p->source) {
		kz_psl_free(p);
		return kz_error_set(KZ_EIO, "no public suffix list available");
	}
	*out = p;
	return 0;
}

void
kz_psl_free(struct kz_psl *p)
{
	if (!p)
		return;
	if (p->owned && p->ctx)
		psl_free(p->ctx);
	kz_free(p->source);
	kz_free(p);
}

const char *
kz_psl_source(const struct kz_psl *p)
{
	return p->source;
}

int
kz_domain_registrable(
    char *out, size_t outsz, const struct kz_psl *p, const char *host)
{
	char tmp[256];
	size_t n = host ? strlen(host) : 0;
	const char *r;

	if (n && host[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof(tmp))
		return kz_error_set(
		    KZ_EINVAL, "'%s' is not a domain name", host ? host : "");
	memcpy(tmp, host, n);
	tmp[n] = '\0';
	r = psl_registrable_domain(p->ctx, tmp);
	if (!r)
		return kz_error_set(KZ_ENOTFOUND,
		    "'%s' is a public suffix, not a registrable domain", tmp);
	if (strlen(r) >= outsz)
		return kz_error_set(
		    KZ_EINVAL, "'%s' is not a domain name", tmp);
	memcpy(out, r, strlen(r) + 1);
	return 0;
}

int
kz_domain_is_public_suffix(const struct kz_psl *p, const char *name)
{
	return psl_is_public_suffix2(p->ctx, name, PSL_TYPE_ANY) ? 1 : 0;
}

const char *
kz_domain_suffix(const struct kz_psl *p, const char *host)
{
	return psl_unregistrable_domain(p->ctx, host);
}
