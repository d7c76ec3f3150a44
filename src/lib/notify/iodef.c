/* SPDX-License-Identifier: MIT */
/* IODEF v2 documents written with libxml2's xmlTextWriter. */
#include "iodef.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/strutil.h"
#include "core/timeutil.h"

#define NS "urn:ietf:params:xml:ns:iodef-2.0"

struct w {
	xmlTextWriterPtr x;
	struct kz_buf tmp;
	int err;
};

/* Valid UTF-8 without the characters XML 1.0 forbids. */
static const xmlChar *
clean(struct w *w, const char *s)
{
	size_t i;

	kz_buf_reset(&w->tmp);
	kz_utf8_sanitize(&w->tmp, s ? s : "", s ? strlen(s) : 0);
	for (i = 0; i < w->tmp.len; i++) {
		unsigned char c = (unsigned char)w->tmp.ptr[i];

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			w->tmp.ptr[i] = ' ';
	}
	if (w->tmp.err)
		w->err = 1;
	return (const xmlChar *)w->tmp.ptr;
}

static void
start(struct w *w, const char *name)
{
	if (xmlTextWriterStartElement(w->x, BAD_CAST name) < 0)
		w->err = 1;
}

static void
end(struct w *w)
{
	if (xmlTextWriterEndElement(w->x) < 0)
		w->err = 1;
}

static void
attr(struct w *w, const char *name, const char *v)
{
	if (xmlTextWriterWriteAttribute(w->x, BAD_CAST name, clean(w, v)) < 0)
		w->err = 1;
}

static void
elem(struct w *w, const char *name, const char *text)
{
	if (xmlTextWriterWriteElement(w->x, BAD_CAST name, clean(w, text)) < 0)
		w->err = 1;
}

static void
time_elem(struct w *w, const char *name, int64_t t)
{
	char s[KZ_TIME_STRLEN];

	elem(w, name, kz_time_format(s, t));
}

static const char *
restriction(enum kz_tlp t)
{
	switch (t) {
	case KZ_TLP_CLEAR:
		return "white";
	case KZ_TLP_GREEN:
		return "green";
	case KZ_TLP_RED:
		return "red";
	default:
		return "amber";
	}
}

static const char *
impact(enum kz_category c)
{
	switch (c) {
	case KZ_CAT_PHISHING:
		return "breach-credential";
	case KZ_CAT_DEFACEMENT:
		return "integrity-data";
	case KZ_CAT_DOS:
		return "availability-service";
	case KZ_CAT_CONTROL_SYSTEM:
		return "cps-manipulation";
	case KZ_CAT_TARGETED:
		return "takeover-system";
	default:
		return "unknown";
	}
}

static const char *
node_role(enum kz_category c)
{
	switch (c) {
	case KZ_CAT_PHISHING:
		return "phishing-site";
	case KZ_CAT_MALWARE_SITE:
		return "malware-distribution";
	case KZ_CAT_DEFACEMENT:
		return "www";
	default:
		return NULL;
	}
}

static int
is_network(enum kz_ioc_type t)
{
	return t == KZ_IOC_IPV4 || t == KZ_IOC_IPV6 || t == KZ_IOC_CIDR ||
	    t == KZ_IOC_DOMAIN || t == KZ_IOC_URL || t == KZ_IOC_EMAIL ||
	    t == KZ_IOC_ASN;
}

static void
system_for(struct w *w, const struct kz_notice_data *d,
    const struct kz_notice_ioc *ioc)
{
	const char *cat = NULL, *role = node_role(d->category);

	start(w, "System");
	attr(w, "category",
	    d->category == KZ_CAT_SCAN || d->category == KZ_CAT_DOS ? "source" :
								      "target");
	start(w, "Node");
	switch (ioc->type) {
	case KZ_IOC_IPV4:
		cat = "ipv4-addr";
		break;
	case KZ_IOC_IPV6:
		cat = "ipv6-addr";
		break;
	case KZ_IOC_CIDR:
		cat = strchr(ioc->value, ':') ? "ipv6-net" : "ipv4-net";
		break;
	case KZ_IOC_URL:
		cat = "site-uri";
		break;
	case KZ_IOC_EMAIL:
		cat = "e-mail";
		break;
	case KZ_IOC_ASN:
		cat = "asn";
		break;
	default:
		break;
	}
	if (ioc->type == KZ_IOC_DOMAIN) {
		start(w, "DomainData");
		elem(w, "Name", ioc->value);
		end(w);
	} else {
		const char *v = ioc->value;

		start(w, "Address");
		attr(w, "category", cat);
		if (ioc->type == KZ_IOC_ASN && (v[0] == 'A' || v[0] == 'a') &&
		    (v[1] == 'S' || v[1] == 's'))
			v += 2;
		if (xmlTextWriterWriteString(w->x, clean(w, v)) < 0)
			w->err = 1;
		end(w);
	}
	end(w); /* Node */
	if (role) {
		start(w, "NodeRole");
		attr(w, "category", role);
		end(w);
	}
	end(w); /* System */
}

int
kz_iodef_build(struct kz_buf *out, const struct kz_notice_data *d)
{
	struct w w = { NULL, KZ_BUF_INIT(1 << 20), 0 };
	xmlBufferPtr xb = xmlBufferCreate();
	const char *lang =
	    d->lang && strncmp(d->lang, "ja", 2) == 0 ? "ja" : "en";
	size_t i, n_net = 0, n_other = 0;
	int rc = 0;

	if (!xb)
		return kz_error_set(KZ_ENOMEM, "out of memory");
	if (!(w.x = xmlNewTextWriterMemory(xb, 0))) {
		xmlBufferFree(xb);
		return kz_error_set(KZ_ENOMEM, "out of memory");
	}
	xmlTextWriterSetIndent(w.x, 1);
	xmlTextWriterSetIndentString(w.x, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(w.x, "1.0", "UTF-8", NULL) < 0)
		w.err = 1;
	if (xmlTextWriterStartElementNS(
		w.x, NULL, BAD_CAST "IODEF-Document", BAD_CAST NS) < 0)
		w.err = 1;
	attr(&w, "version", "2.00");
	attr(&w, "xml:lang", lang);

	start(&w, "Incident");
	attr(&w, "purpose", "reporting");
	attr(&w, "restriction", restriction(d->tlp));
	start(&w, "IncidentID");
	attr(&w, "name", d->team_domain ? d->team_domain : "localhost");
	if (xmlTextWriterWriteString(w.x, clean(&w, d->ticket)) < 0)
		w.err = 1;
	end(&w);
	if (d->created_at)
		time_elem(&w, "DetectTime", d->created_at);
	if (d->first_seen)
		time_elem(&w, "StartTime", d->first_seen);
	if (d->last_seen)
		time_elem(&w, "EndTime", d->last_seen);
	time_elem(&w, "ReportTime", d->now);
	time_elem(&w, "GenerationTime", d->now);
	elem(&w, "Description", d->title);

	start(&w, "Assessment");
	attr(&w, "occurrence", "actual");
	elem(&w, "IncidentCategory", kz_category_name(d->category));
	start(&w, "SystemImpact");
	attr(&w, "type", impact(d->category));
	attr(&w, "severity",
	    d->priority <= 2     ? "high" :
		d->priority >= 4 ? "low" :
				   "medium");
	end(&w);
	end(&w);

	start(&w, "Contact");
	attr(&w, "role", "creator");
	attr(&w, "type", "organization");
	elem(&w, "ContactName", d->team ? d->team : "");
	if (d->team_email && *d->team_email) {
		start(&w, "Email");
		elem(&w, "EmailTo", d->team_email);
		end(&w);
	}
	end(&w);

	for (i = 0; i < d->n_iocs; i++)
		if (is_network(d->iocs[i].type))
			n_net++;
		else
			n_other++;
	if (n_net || n_other) {
		start(&w, "EventData");
		if (d->first_seen)
			time_elem(&w, "StartTime", d->first_seen);
		if (d->last_seen)
			time_elem(&w, "EndTime", d->last_seen);
		if (n_net) {
			start(&w, "Flow");
			for (i = 0; i < d->n_iocs; i++)
				if (is_network(d->iocs[i].type))
					system_for(&w, d, &d->iocs[i]);
			end(&w);
		}
		for (i = 0; i < d->n_iocs; i++) {
			if (is_network(d->iocs[i].type))
				continue;
			start(&w, "AdditionalData");
			attr(&w, "dtype", "string");
			attr(&w, "meaning", kz_ioc_type_name(d->iocs[i].type));
			if (xmlTextWriterWriteString(
				w.x, clean(&w, d->iocs[i].value)) < 0)
				w.err = 1;
			end(&w);
		}
		end(&w);
	}
	end(&w); /* Incident */
	if (xmlTextWriterEndDocument(w.x) < 0)
		w.err = 1;
	xmlFreeTextWriter(w.x);
	if (w.err) {
		rc = kz_error_set(KZ_ENOMEM, "cannot write the IODEF document");
	} else {
		kz_buf_add(
		    out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
		if (out->err)
			rc = kz_error_set(KZ_ENOMEM, "out of memory");
	}
	xmlBufferFree(xb);
	kz_buf_release(&w.tmp);
	return rc;
}
