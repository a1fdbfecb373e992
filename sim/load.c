/*
 * load.c - scenario file to struct ers_scenario (see scenario.h and
 * docs/scenario-format.md). Three stages, each reporting file:line:
 *
 *   1. parse: libxml2 reads the bytes with XML_PARSE_NONET and without
 *      NOENT or DTDLOAD. A document type declaration is refused as soon as
 *      the parser meets it, before any entity in it is declared, so neither
 *      external entities nor entity-expansion bombs are ever followed.
 *      Files over 256 MiB or 2,000,000 elements are refused.
 *   2. schema: RELAX NG validation against scenarios/ersim.rng, embedded
 *      by the Makefile. libxml2's messages are rewritten into plain words.
 *   3. build: values parsed with units.c and held to their ranges (so no
 *      sum the simulator forms can overflow), ids checked for form and
 *      duplicates, references resolved to indices, in dependency order.
 *
 * libxml2 reports a bad attribute value only as "element X failed to
 * validate attributes". So when the schema fails, the builder still runs
 * over the tree, into a scratch list, and its precise message ("invalid
 * hold '3x' on <bgp>: ...") replaces such a vague one on the same line.
 * The builder therefore never trusts the schema: every attribute is
 * checked as if it might be missing or malformed.
 *
 * Meaning that needs the catalog (SKU reach, Global Reach rules, reserved
 * ASNs, limits) is check.c's. libxml2 types stay inside this file.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "catalog_xml.h"
#include "embed.h"
#include "ersim/scenario.h"
#include "ersim/units.h"

#define MAX_FILE_SIZE (256L << 20)	/* refuse larger files outright */
#define MAX_ELEMENTS 2000000		/* ~0.5 GB of tree: stop parsing there */

/* An id declared in the file (see seen_before()). */
struct id_seen {
	const char *kind, *id;		/* kind is a string literal */
	long line;
};

/* A RELAX NG message, already rewritten for the user. */
struct schema_msg {
	long line;
	char text[300];
	bool vague;			/* the builder may say it better */
	char attr[64];			/* the attribute it is about, if known */
};

struct loader {
	struct ers_scenario *s;
	struct ers_diag *d;		/* builder messages go here */
	const char *file;
	xmlParserCtxtPtr ctxt;
	bool refused;			/* DOCTYPE refused: drop libxml's echoes */
	startElementNsSAX2Func start_element;	/* libxml2's own */
	size_t n_elements;		/* elements parsed so far */
	bool nomem;
	int n_errors;			/* builder errors */
	struct schema_msg *smsgs;	/* schema stage */
	size_t n_smsgs, cap_smsgs;
	size_t n_smsgs_more;		/* counted past the kept ones */
	bool schema_internal;		/* validation itself failed */
	size_t n_sites_total;		/* <site> elements in the file */
	uint64_t n_prefixes;		/* originated so far (count_prefixes()) */
	struct id_seen *seen;		/* ids declared so far (check_dup) */
	size_t n_seen, cap_seen;
};

/* ---- small helpers ---- */

static bool is(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE &&
	       !xmlStrcmp(n->name, (const xmlChar *)name);
}

static xmlNodePtr elem_from(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

#define FOR_EACH_ELEM(c, parent) \
	for (xmlNodePtr c = elem_from((parent)->children); c; c = elem_from(c->next))

static size_t count_elems(xmlNodePtr parent, const char *name)
{
	size_t n = 0;

	FOR_EACH_ELEM(c, parent)
		if (is(c, name))
			n++;
	return n;
}

static long line_of(xmlNodePtr n)
{
	long l = n ? xmlGetLineNo(n) : 0;

	return l > 0 ? l : 0;
}

static const char *ename(xmlNodePtr n)
{
	return n && n->name ? (const char *)n->name : "?";
}

static void lerr(struct loader *L, enum ers_err code, xmlNodePtr n,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void lerr(struct loader *L, enum ers_err code, xmlNodePtr n,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ers_diag_vadd(L->d, code, L->file, line_of(n), NULL, fmt, ap);
	va_end(ap);
	L->n_errors++;
}

static void oom(struct loader *L)
{
	if (!L->nomem)
		ers_diag_add(L->d, ERS_ENOMEM, L->file, 0, NULL, "out of memory");
	L->nomem = true;
	L->n_errors++;
}

static void *lcalloc(struct loader *L, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	p = calloc(n, size);
	if (!p)
		oom(L);
	return p;
}

static char *lstrdup(struct loader *L, const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		oom(L);
	return p;
}

/* ---- attributes ---- */

/* The attribute's value (free with xmlFree), or NULL; reports a missing
 * required one. */
static char *attr(struct loader *L, xmlNodePtr n, const char *name, bool req)
{
	char *v = (char *)xmlGetNoNsProp(n, (const xmlChar *)name);

	if (!v && req)
		lerr(L, ERS_ESCHEMA, n, "<%s> needs attribute '%s'", ename(n), name);
	return v;
}

typedef enum ers_err value_fn(const char *s, void *out, const char **why);

static enum ers_err v_time(const char *s, void *o, const char **w) { return ers_parse_time(s, o, w); }
static enum ers_err v_rate(const char *s, void *o, const char **w) { return ers_parse_rate(s, o, w); }
static enum ers_err v_prefix(const char *s, void *o, const char **w) { return ers_parse_prefix(s, o, w); }
static enum ers_err v_comm(const char *s, void *o, const char **w) { return ers_parse_community(s, o, w); }
static enum ers_err v_asn(const char *s, void *o, const char **w) { return ers_parse_asn(s, o, w); }
static enum ers_err v_ipv4(const char *s, void *o, const char **w) { return ers_parse_ipv4(s, o, w); }

static enum ers_err v_bool(const char *s, void *o, const char **w)
{
	if (!strcmp(s, "true") || !strcmp(s, "false")) {
		*(bool *)o = s[0] == 't';
		return ERS_OK;
	}
	*w = "expected 'true' or 'false'";
	return ERS_EINVAL;
}

/* 1: present and valid, 0: absent (reported when required), -1: bad. */
static int get_val(struct loader *L, xmlNodePtr n, const char *name, bool req,
		   value_fn *fn, void *out)
{
	const char *why = "invalid value";
	char *v = attr(L, n, name, req);
	int rc = 1;

	if (!v)
		return req ? -1 : 0;
	if (fn(v, out, &why)) {
		lerr(L, ERS_ESCHEMA, n, "invalid %s '%s' on <%s>: %s", name, v,
		     ename(n), why);
		rc = -1;
	}
	xmlFree(v);
	return rc;
}

/*
 * Ranges of times, rates and counts (docs/scenario-format.md "Ranges").
 * Each is generous for ExpressRoute studies and small enough that every
 * sum the simulator forms (an event's at + drain + duration, now + a
 * delay, BFD's multiplier x interval, bytes lost at a rate over the run)
 * stays far inside 64 bits.
 */
#define MAX_TIMELINE (8760LL * 3600 * ERS_S)	/* duration, at, drain: one year */
#define MAX_DELAY (60 * ERS_S)		/* propagation and processing delays */
#define MAX_BGP_TIMER (65535 * ERS_S)	/* RFC 4271: 16-bit seconds */
#define MAX_BFD_INTERVAL (4294967295LL * ERS_US) /* RFC 5880: 32-bit us */
#define MAX_GW_CONV (3600 * ERS_S)	/* gateway convergence: an hour */
#define MAX_RATE (1000ULL * 1000000000ULL)	/* 1000Gbps */
#define MAX_BLOCK 65536			/* prefixes in one <prefix-block> */
#define MAX_PREFIXES 1048576		/* prefixes of all blocks of a file */

static void out_of_range(struct loader *L, xmlNodePtr n, const char *name,
			 const char *max)
{
	ers_diag_add(L->d, ERS_ESCENARIO, L->file, line_of(n),
		     "see \"Ranges\" in docs/scenario-format.md",
		     "'%s' on <%s> is out of range: at most %s", name, ename(n), max);
	L->n_errors++;
}

/* A time in 0..max (1ns..max when positive). */
static int get_time(struct loader *L, xmlNodePtr n, const char *name, bool req,
		    bool positive, ers_time_t max, ers_time_t *out)
{
	ers_time_t t;
	int rc = get_val(L, n, name, req, v_time, &t);
	char a[48];

	if (rc == 1 && positive && t == 0) {
		lerr(L, ERS_ESCENARIO, n, "'%s' on <%s> must be greater than zero",
		     name, ename(n));
		return -1;
	}
	if (rc == 1 && t > max) {
		out_of_range(L, n, name, ers_time_str(max, a, sizeof a));
		return -1;
	}
	if (rc == 1)
		*out = t;
	return rc;
}

/* A required rate in 1bps..MAX_RATE. */
static int get_rate(struct loader *L, xmlNodePtr n, const char *name, ers_rate_t *out)
{
	ers_rate_t r;
	int rc = get_val(L, n, name, true, v_rate, &r);
	char a[48];

	if (rc == 1 && r == 0) {
		lerr(L, ERS_ESCENARIO, n, "'%s' on <%s> must be greater than zero", name, ename(n));
		return -1;
	}
	if (rc == 1 && r > MAX_RATE) {
		out_of_range(L, n, name, ers_rate_str(MAX_RATE, a, sizeof a));
		return -1;
	}
	if (rc == 1)
		*out = r;
	return rc;
}

static int get_uint(struct loader *L, xmlNodePtr n, const char *name, bool req,
		    uint64_t min, uint64_t max, uint64_t *out)
{
	const char *why;
	char *v = attr(L, n, name, req);
	int rc = 1;

	if (!v)
		return req ? -1 : 0;
	if (ers_parse_uint(v, min, max, out, &why)) {
		lerr(L, ERS_ESCHEMA, n, "invalid %s '%s' on <%s>: expected a whole number %llu..%llu",
		     name, v, ename(n), (unsigned long long)min, (unsigned long long)max);
		rc = -1;
	}
	xmlFree(v);
	return rc;
}

static int get_u32(struct loader *L, xmlNodePtr n, const char *name,
		   uint64_t min, uint64_t max, uint32_t *out)
{
	uint64_t v;
	int rc = get_uint(L, n, name, false, min, max, &v);

	if (rc == 1)
		*out = (uint32_t)v;
	return rc;
}

/* A string attribute copied into the scenario. */
static int get_str(struct loader *L, xmlNodePtr n, const char *name, bool req,
		   char **out)
{
	char *v = attr(L, n, name, req);

	if (!v)
		return req ? -1 : 0;
	*out = lstrdup(L, v);
	xmlFree(v);
	return *out ? 1 : -1;
}

/* The schema's id: [A-Za-z][A-Za-z0-9_.-]*, ASCII only. */
static bool id_ok(const char *v)
{
	if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z')))
		return false;
	for (v++; *v; v++)
		if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
		      (*v >= '0' && *v <= '9') || *v == '_' || *v == '.' || *v == '-'))
			return false;
	return true;
}

/* A required id attribute, copied; 1 when present and well-formed. The
 * schema only says "missing or invalid attribute": name both here. */
static int get_id(struct loader *L, xmlNodePtr n, const char *name, char **out)
{
	int rc = get_str(L, n, name, true, out);

	if (rc == 1 && !id_ok(*out)) {
		ers_diag_add(L->d, ERS_ESCHEMA, L->file, line_of(n),
			     "for example 'er-ams-1' or 'hub_weu'",
			     "invalid %s '%s' on <%s>: an id starts with an ASCII letter and "
			     "continues with letters, digits, '_', '.' or '-'", name, *out, ename(n));
		L->n_errors++;
		free(*out);
		*out = NULL;		/* as if absent: nothing refers to it */
		return -1;
	}
	return rc;
}

struct keyword {
	const char *word;
	int value;
};

static int get_enum(struct loader *L, xmlNodePtr n, const char *name, bool req,
		    const struct keyword *kw, const char *expected, int *out)
{
	char *v = attr(L, n, name, req);

	if (!v)
		return req ? -1 : 0;
	for (const struct keyword *k = kw; k->word; k++) {
		if (!strcmp(v, k->word)) {
			*out = k->value;
			xmlFree(v);
			return 1;
		}
	}
	lerr(L, ERS_ESCHEMA, n, "invalid %s '%s' on <%s>: expected %s", name, v,
	     ename(n), expected);
	xmlFree(v);
	return -1;
}

/* ---- lookups ---- */

#define FIND_ID(arr, n, key)                                            \
	do {                                                            \
		for (size_t i_ = 0; i_ < (n); i_++)                     \
			if ((arr)[i_].id && !strcmp((arr)[i_].id, (key)))  \
				return (int)i_;                         \
		return -1;                                              \
	} while (0)

/*
 * Sites can number tens of thousands (an Internet AS topology is one site
 * per AS) and every site-link names two: their ids are hashed.
 */
struct ers_site_index {
	int *slots;			/* site index + 1, 0 = empty */
	size_t cap;
};

static uint32_t hash_id(const char *id)
{
	uint32_t h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h;
}

static int find_site(const struct ers_scenario *s, const char *id)
{
	const struct ers_site_index *x = s->site_index;

	if (!x || !x->cap)
		FIND_ID(s->sites, s->n_sites, id);
	for (size_t i = hash_id(id) & (x->cap - 1); x->slots[i]; i = (i + 1) & (x->cap - 1))
		if (!strcmp(s->sites[x->slots[i] - 1].id, id))
			return x->slots[i] - 1;
	return -1;
}

/* Index site i (its id is set); the table is sized for every site of the
 * file at the first call, so it never grows. */
static void index_site(struct loader *L, size_t n_sites, size_t i)
{
	struct ers_site_index *x = L->s->site_index;

	if (!x) {
		x = L->s->site_index = lcalloc(L, 1, sizeof *x);
		if (!x)
			return;
		for (x->cap = 16; x->cap < 2 * n_sites; x->cap *= 2)
			;
		x->slots = lcalloc(L, x->cap, sizeof *x->slots);
		if (!x->slots) {
			x->cap = 0;
			return;
		}
	}
	if (!x->cap)
		return;
	size_t k = hash_id(L->s->sites[i].id) & (x->cap - 1);
	while (x->slots[k])
		k = (k + 1) & (x->cap - 1);
	x->slots[k] = (int)i + 1;
}
static int find_provider(const struct ers_scenario *s, const char *id) { FIND_ID(s->providers, s->n_providers, id); }
static int find_circuit(const struct ers_scenario *s, const char *id) { FIND_ID(s->circuits, s->n_circuits, id); }
static int find_vnet(const struct ers_scenario *s, const char *id) { FIND_ID(s->vnets, s->n_vnets, id); }
static int find_vpn(const struct ers_scenario *s, const char *id) { FIND_ID(s->vpns, s->n_vpns, id); }
static int find_srlg(const struct ers_scenario *s, const char *id) { FIND_ID(s->srlgs, s->n_srlgs, id); }
static int find_router(const struct ers_site *site, const char *id) { FIND_ID(site->routers, site->n_routers, id); }

/*
 * Every declared id, by kind, with the line that declared it first. A
 * hash set, because a file may declare 100,000 flows and a linear search
 * per declaration would make loading quadratic.
 */
static uint32_t hash_kind_id(const char *kind, const char *id)
{
	uint32_t h = hash_id(id);

	return (h ^ hash_id(kind)) * 16777619u;
}

/* 0 if (kind, id) is new (now recorded at line), else its first line. */
static long seen_before(struct loader *L, const char *kind, const char *id, long line)
{
	size_t i;

	if (2 * (L->n_seen + 1) > L->cap_seen) {
		size_t cap = L->cap_seen ? 2 * L->cap_seen : 64;
		struct id_seen *v = calloc(cap, sizeof *v);

		if (!v)
			return oom(L), 0;
		for (size_t k = 0; k < L->cap_seen; k++) {
			if (!L->seen[k].id)
				continue;
			i = hash_kind_id(L->seen[k].kind, L->seen[k].id) & (cap - 1);
			while (v[i].id)
				i = (i + 1) & (cap - 1);
			v[i] = L->seen[k];
		}
		free(L->seen);
		L->seen = v;
		L->cap_seen = cap;
	}
	for (i = hash_kind_id(kind, id) & (L->cap_seen - 1); L->seen[i].id;
	     i = (i + 1) & (L->cap_seen - 1))
		if (!strcmp(L->seen[i].kind, kind) && !strcmp(L->seen[i].id, id))
			return L->seen[i].line > 0 ? L->seen[i].line : 1;
	L->seen[i] = (struct id_seen){ kind, id, line };
	L->n_seen++;
	return 0;
}

/* Report id as a duplicate if an earlier element of the kind has it. */
static void check_dup(struct loader *L, xmlNodePtr n, const char *kind, const char *id)
{
	long first_line = seen_before(L, kind, id, line_of(n));

	if (first_line > 0)
		lerr(L, ERS_ESCENARIO, n, "duplicate %s id '%s' (first defined at line %ld)",
		     kind, id, first_line);
}

/* Resolve "site/router"; reports and returns false when it names nothing. */
static bool resolve_router(struct loader *L, xmlNodePtr n, const char *text,
			   const char *what, struct ers_router_ref *out)
{
	const char *slash = strchr(text, '/');
	char site_id[256];
	size_t len;
	int si, ri;

	out->site = out->router = -1;
	if (!slash || slash == text || !slash[1] || strchr(slash + 1, '/')) {
		lerr(L, ERS_ESCHEMA, n, "invalid %s '%s' on <%s>: expected site/router",
		     what, text, ename(n));
		return false;
	}
	len = (size_t)(slash - text);
	if (len >= sizeof site_id) {
		lerr(L, ERS_ESCENARIO, n, "unknown site in %s '%s' on <%s>", what, text, ename(n));
		return false;
	}
	memcpy(site_id, text, len);
	site_id[len] = 0;
	si = find_site(L->s, site_id);
	if (si < 0) {
		lerr(L, ERS_ESCENARIO, n, "unknown site '%s' in %s '%s' on <%s>",
		     site_id, what, text, ename(n));
		return false;
	}
	ri = find_router(&L->s->sites[si], slash + 1);
	if (ri < 0) {
		lerr(L, ERS_ESCENARIO, n, "site '%s' has no router '%s' (%s '%s' on <%s>)",
		     site_id, slash + 1, what, text, ename(n));
		return false;
	}
	out->site = si;
	out->router = ri;
	return true;
}

static bool get_router_ref(struct loader *L, xmlNodePtr n, const char *name,
			   struct ers_router_ref *out)
{
	char *v = attr(L, n, name, true);
	bool ok;

	out->site = out->router = -1;
	if (!v)
		return false;
	ok = resolve_router(L, n, v, name, out);
	xmlFree(v);
	return ok;
}

/* An attribute naming an object of one kind; -1 when absent or unknown. */
static int get_ref(struct loader *L, xmlNodePtr n, const char *name, const char *kind,
		   int (*find)(const struct ers_scenario *, const char *))
{
	char *v = attr(L, n, name, true);
	int i;

	if (!v)
		return -1;
	i = find(L->s, v);
	if (i < 0)
		lerr(L, ERS_ESCENARIO, n, "unknown %s '%s' in '%s' of <%s>", kind, v,
		     name, ename(n));
	xmlFree(v);
	return i;
}

/* ---- protocol settings and policy ---- */

static const struct ers_bgp_cfg bgp_builtin = {
	.keepalive = 60 * ERS_S, .hold = 180 * ERS_S, .mrai = 0,
	.processing_delay = ERS_MS, .connect_retry = 5 * ERS_S,
};
static const struct ers_bfd_cfg bfd_builtin = {
	.enabled = false, .interval = 300 * ERS_MS, .multiplier = 3,
};

static void parse_bgp(struct loader *L, xmlNodePtr n, struct ers_bgp_cfg *c)
{
	c->line = line_of(n);
	if (get_time(L, n, "keepalive", false, false, MAX_BGP_TIMER, &c->keepalive) == 1)
		c->set |= ERS_SET_KEEPALIVE;
	if (get_time(L, n, "hold", false, false, MAX_BGP_TIMER, &c->hold) == 1)
		c->set |= ERS_SET_HOLD;
	if (get_time(L, n, "mrai", false, false, MAX_BGP_TIMER, &c->mrai) == 1)
		c->set |= ERS_SET_MRAI;
	if (get_time(L, n, "processing-delay", false, false, MAX_DELAY, &c->processing_delay) == 1)
		c->set |= ERS_SET_PROC_DELAY;
	if (get_time(L, n, "connect-retry", false, true, MAX_BGP_TIMER, &c->connect_retry) == 1)
		c->set |= ERS_SET_CONNECT_RETRY;
	if (get_val(L, n, "mrai-withdrawals", false, v_bool, &c->mrai_withdrawals) == 1)
		c->set |= ERS_SET_MRAI_WITHDRAWALS;
}

/* RFC 4271 4.2 and 10: hold time 0 (no keepalives) or at least 3 s, and
 * keepalive shorter than the hold time. Checked on the effective values,
 * so an override of hold alone is held against the default keepalive. */
static void check_bgp(struct loader *L, xmlNodePtr n, const struct ers_bgp_cfg *eff)
{
	char a[48], b[48];

	if (eff->hold != 0 && eff->hold < 3 * ERS_S)
		lerr(L, ERS_ESCENARIO, n, "hold time %s on <bgp> must be 0 or at least 3s",
		     ers_time_str(eff->hold, a, sizeof a));
	else if (eff->hold != 0 && eff->keepalive == 0)
		lerr(L, ERS_ESCENARIO, n, "keepalive on <bgp> must be greater than zero "
		     "unless the hold time is 0");
	else if (eff->hold != 0 && eff->keepalive >= eff->hold)
		lerr(L, ERS_ESCENARIO, n, "keepalive %s on <bgp> must be shorter than the hold time %s",
		     ers_time_str(eff->keepalive, a, sizeof a),
		     ers_time_str(eff->hold, b, sizeof b));
}

static void parse_bfd(struct loader *L, xmlNodePtr n, struct ers_bfd_cfg *c)
{
	uint64_t m;

	c->line = line_of(n);
	if (get_val(L, n, "enabled", false, v_bool, &c->enabled) == 1)
		c->set |= ERS_SET_BFD_ENABLED;
	if (get_time(L, n, "interval", false, true, MAX_BFD_INTERVAL, &c->interval) == 1)
		c->set |= ERS_SET_BFD_INTERVAL;
	/* RFC 5880: Detect Mult is one octet and must not be zero */
	if (get_uint(L, n, "multiplier", false, 1, 255, &m) == 1) {
		c->multiplier = (unsigned)m;
		c->set |= ERS_SET_BFD_MULT;
	}
}

/* <gateway convergence-min convergence-typical convergence-max>, in
 * <defaults> or a <vnet>; their order is check.c's. */
static void parse_gw_conv(struct loader *L, xmlNodePtr n, struct ers_gw_conv *c)
{
	c->line = line_of(n);
	if (get_time(L, n, "convergence-min", false, false, MAX_GW_CONV, &c->min) == 1)
		c->set |= ERS_SET_CONV_MIN;
	if (get_time(L, n, "convergence-typical", false, false, MAX_GW_CONV, &c->typical) == 1)
		c->set |= ERS_SET_CONV_TYPICAL;
	if (get_time(L, n, "convergence-max", false, false, MAX_GW_CONV, &c->max) == 1)
		c->set |= ERS_SET_CONV_MAX;
}

/* Space-separated communities, stored sorted and unique. */
static int cmp_comm(const void *a, const void *b)
{
	ers_community_t x = *(const ers_community_t *)a, y = *(const ers_community_t *)b;

	return x < y ? -1 : x > y;
}

static void parse_communities(struct loader *L, xmlNodePtr n, struct ers_rule *r)
{
	char *v = attr(L, n, "communities", false);
	char *save = NULL, *tok;
	size_t cap, k = 0;
	const char *why;

	if (!v)
		return;
	cap = strlen(v) / 2 + 1;
	r->communities = lcalloc(L, cap, sizeof *r->communities);
	for (tok = strtok_r(v, " \t\r\n", &save); tok && r->communities;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (ers_parse_community(tok, &r->communities[k], &why)) {
			lerr(L, ERS_ESCHEMA, n, "invalid community '%s' in 'communities' on <%s>: %s",
			     tok, ename(n), why);
			continue;
		}
		k++;
	}
	if (k == 0 && r->communities)
		lerr(L, ERS_ESCHEMA, n, "'communities' on <%s> lists no community", ename(n));
	if (k > 1)
		qsort(r->communities, k, sizeof *r->communities, cmp_comm);
	for (size_t i = 0; i < k; i++)
		if (r->n_communities == 0 || r->communities[r->n_communities - 1] != r->communities[i])
			r->communities[r->n_communities++] = r->communities[i];
	xmlFree(v);
}

static void parse_rule(struct loader *L, xmlNodePtr n, struct ers_rule *r, bool import)
{
	char *v;
	const char *why;
	uint64_t u;

	r->line = line_of(n);
	v = attr(L, n, "match-prefix", false);
	if (v) {
		if (ers_parse_prefix_range(v, &r->match_prefix, &r->match_le, &why))
			lerr(L, ERS_ESCHEMA, n, "invalid match-prefix '%s' on <%s>: %s", v, ename(n), why);
		else
			r->has_match_prefix = true;
		xmlFree(v);
	}
	get_val(L, n, "deny", false, v_bool, &r->deny);
	if (import) {
		if (get_val(L, n, "match-community", false, v_comm, &r->match_community) == 1)
			r->has_match_community = true;
		r->has_local_pref = get_u32(L, n, "local-pref", 0, UINT32_MAX, &r->local_pref) == 1;
		r->has_weight = get_u32(L, n, "weight", 0, 65535, &r->weight) == 1;
		return;
	}
	r->has_med = get_u32(L, n, "med", 0, UINT32_MAX, &r->med) == 1;
	if (get_uint(L, n, "prepend", false, 0, 255, &u) == 1)
		r->prepend = (unsigned)u;
	parse_communities(L, n, r);
}

static void parse_policy(struct loader *L, xmlNodePtr parent, const char *name,
			 struct ers_policy *p)
{
	size_t n = count_elems(parent, name);

	p->rules = lcalloc(L, n, sizeof *p->rules);
	if (!p->rules)
		return;
	FOR_EACH_ELEM(c, parent)
		if (is(c, name))
			parse_rule(L, c, &p->rules[p->n_rules++], name[0] == 'i');
}

/* import/export rules and bgp/bfd overrides of one session. */
static void parse_session(struct loader *L, xmlNodePtr parent, struct ers_session_cfg *cfg)
{
	xmlNodePtr bgp = NULL, bfd = NULL;

	parse_policy(L, parent, "import", &cfg->import);
	parse_policy(L, parent, "export", &cfg->export);
	FOR_EACH_ELEM(c, parent) {
		xmlNodePtr *seen = is(c, "bgp") ? &bgp : is(c, "bfd") ? &bfd : NULL;

		if (!seen)
			continue;
		if (*seen) {
			lerr(L, ERS_ESCHEMA, c, "second <%s> in <%s> (first at line %ld)",
			     ename(c), ename(parent), line_of(*seen));
			continue;
		}
		*seen = c;
	}
	if (bgp) {
		struct ers_bgp_cfg eff;

		parse_bgp(L, bgp, &cfg->bgp);
		eff = ers_bgp_cfg_merge(&L->s->bgp, &cfg->bgp);
		check_bgp(L, bgp, &eff);
	}
	if (bfd)
		parse_bfd(L, bfd, &cfg->bfd);
}

static const struct keyword tie_breaks[] = {
	{ "oldest", ERS_TIE_OLDEST }, { "router-id", ERS_TIE_ROUTER_ID }, { NULL, 0 },
};

/* tie-break and always-compare-med on <decision>, <site> or <router>. */
static void parse_decision(struct loader *L, xmlNodePtr n, struct ers_decision_cfg *d)
{
	int tie;
	bool always;

	d->tie_break = ERS_TIE_UNSET;
	d->always_compare_med = -1;
	if (get_enum(L, n, "tie-break", false, tie_breaks, "'oldest' or 'router-id'", &tie) == 1)
		d->tie_break = (enum ers_tie_break)tie;
	if (get_val(L, n, "always-compare-med", false, v_bool, &always) == 1)
		d->always_compare_med = always;
}

/* ---- scenario-level elements ---- */

static void parse_defaults(struct loader *L, xmlNodePtr n)
{
	xmlNodePtr bgp = NULL, bfd = NULL, dec = NULL, gw = NULL;

	FOR_EACH_ELEM(c, n) {
		xmlNodePtr *seen = is(c, "bgp") ? &bgp : is(c, "bfd") ? &bfd :
				   is(c, "decision") ? &dec : is(c, "gateway") ? &gw : NULL;

		if (!seen)
			continue;
		if (*seen)
			lerr(L, ERS_ESCHEMA, c, "second <%s> in <defaults> (first at line %ld)",
			     ename(c), line_of(*seen));
		else
			*seen = c;
	}
	if (bgp) {
		parse_bgp(L, bgp, &L->s->bgp);
		check_bgp(L, bgp, &L->s->bgp);
	}
	if (bfd)
		parse_bfd(L, bfd, &L->s->bfd);
	if (dec)
		parse_decision(L, dec, &L->s->decision);
	if (gw)
		parse_gw_conv(L, gw, &L->s->gw_conv);
}

static void parse_router(struct loader *L, xmlNodePtr n, struct ers_site *site)
{
	struct ers_router *r = &site->routers[site->n_routers];
	int dup;

	r->line = line_of(n);
	if (get_id(L, n, "id", &r->id) != 1)
		return;
	dup = find_router(site, r->id);
	if (dup >= 0)
		lerr(L, ERS_ESCENARIO, n, "duplicate router id '%s' in site '%s' (first defined at line %ld)",
		     r->id, site->id ? site->id : "?", site->routers[dup].line);
	if (get_val(L, n, "router-id", false, v_ipv4, &r->router_id) == 1)
		r->has_router_id = true;
	get_time(L, n, "processing-delay", false, false, MAX_DELAY, &r->processing_delay);
	r->has_prefix_delay = get_time(L, n, "prefix-delay", false, false, MAX_DELAY,
				       &r->prefix_delay) == 1;
	get_time(L, n, "fib-delay", false, false, MAX_DELAY, &r->fib_delay);
	if (get_val(L, n, "route-reflector", false, v_bool, &r->route_reflector) == 1)
		r->has_route_reflector = true;
	if (get_val(L, n, "cluster-id", false, v_ipv4, &r->cluster_id) == 1) {
		r->has_cluster_id = true;
		if (!r->route_reflector)
			lerr(L, ERS_ESCENARIO, n, "cluster-id on router '%s' that is not a route reflector; add route-reflector=\"true\" or remove cluster-id (clients need no cluster id, RFC 4456)",
			     r->id);
	}
	parse_decision(L, n, &r->decision);
	if (site->id && r->id) {
		size_t len = strlen(site->id) + strlen(r->id) + 2;

		r->full_id = malloc(len);
		if (!r->full_id)
			oom(L);
		else
			snprintf(r->full_id, len, "%s/%s", site->id, r->id);
	}
	site->n_routers++;
}

/* The optional router attribute of <prefix> / <prefix-block>. */
static int origin_router(struct loader *L, xmlNodePtr n, const struct ers_site *site)
{
	char *v = attr(L, n, "router", false);
	int i;

	if (!v)
		return -1;
	i = find_router(site, v);
	if (i < 0)
		lerr(L, ERS_ESCENARIO, n, "site '%s' has no router '%s' (router of <%s>)",
		     site->id ? site->id : "?", v, ename(n));
	xmlFree(v);
	return i;
}

/* Every route is simulated: bound what one file may originate. */
static void count_prefixes(struct loader *L, xmlNodePtr n, uint64_t count)
{
	L->n_prefixes += count;
	if (L->n_prefixes > MAX_PREFIXES && L->n_prefixes - count <= MAX_PREFIXES) {
		ers_diag_add(L->d, ERS_ESCENARIO, L->file, line_of(n),
			     "see \"Ranges\" in docs/scenario-format.md",
			     "more than %d prefixes originated in the scenario", MAX_PREFIXES);
		L->n_errors++;
	}
}

static void parse_origin(struct loader *L, xmlNodePtr n, struct ers_site *site)
{
	struct ers_origin *o = &site->origins[site->n_origins++];
	const char *why;
	uint64_t count;

	o->line = line_of(n);
	o->router = origin_router(L, n, site);
	o->count = 1;
	if (is(n, "prefix")) {
		char *text = (char *)xmlNodeGetContent(n);

		if (!text) {
			oom(L);
			return;
		}
		if (ers_parse_prefix(text, &o->first, &why))
			lerr(L, ERS_ESCHEMA, n, "invalid prefix '%s' in <prefix>: %s", text, why);
		xmlFree(text);
		count_prefixes(L, n, 1);
		return;
	}
	if (get_val(L, n, "start", true, v_prefix, &o->first) != 1)
		return;
	if (get_uint(L, n, "count", true, 1, MAX_BLOCK, &count) != 1)
		return;
	o->count = (uint32_t)count;
	count_prefixes(L, n, count);
	if (!ers_prefix_nth(o->first, o->count - 1, &(struct ers_prefix){ 0 })) {
		char buf[24];

		lerr(L, ERS_ESCENARIO, n, "<prefix-block> of %u prefixes from %s runs past 255.255.255.255",
		     o->count, ers_prefix_str(o->first, buf, sizeof buf));
	}
}

static void parse_site(struct loader *L, xmlNodePtr n)
{
	struct ers_site *site = &L->s->sites[L->s->n_sites];
	size_t n_routers = count_elems(n, "router");
	size_t n_origins = count_elems(n, "prefix") + count_elems(n, "prefix-block");

	site->line = line_of(n);
	site->multipath = true;
	site->internal_delay = 500 * ERS_US;
	if (get_id(L, n, "id", &site->id) == 1)
		check_dup(L, n, "site", site->id);
	L->s->n_sites++;
	if (site->id)
		index_site(L, L->n_sites_total, L->s->n_sites - 1);
	get_val(L, n, "asn", true, v_asn, &site->asn);
	get_val(L, n, "multipath", false, v_bool, &site->multipath);
	get_time(L, n, "internal-delay", false, false, MAX_DELAY, &site->internal_delay);
	parse_decision(L, n, &site->decision);
	site->routers = lcalloc(L, n_routers, sizeof *site->routers);
	site->origins = lcalloc(L, n_origins, sizeof *site->origins);
	if (n_routers == 0)
		lerr(L, ERS_ESCENARIO, n, "site '%s' has no <router>", site->id ? site->id : "?");
	if ((n_routers && !site->routers) || (n_origins && !site->origins))
		return;
	FOR_EACH_ELEM(c, n)
		if (is(c, "router"))
			parse_router(L, c, site);
	FOR_EACH_ELEM(c, n)
		if (is(c, "prefix") || is(c, "prefix-block"))
			parse_origin(L, c, site);
}

static const struct keyword provider_models[] = {
	{ "layer2", ERS_PROVIDER_LAYER2 }, { "layer3", ERS_PROVIDER_LAYER3 },
	{ "direct", ERS_PROVIDER_DIRECT }, { NULL, 0 },
};

static void parse_provider(struct loader *L, xmlNodePtr n)
{
	struct ers_provider *p = &L->s->providers[L->s->n_providers];
	int model = ERS_PROVIDER_LAYER2, has_asn;

	p->line = line_of(n);
	if (get_id(L, n, "id", &p->id) == 1)
		check_dup(L, n, "provider", p->id);
	L->s->n_providers++;
	if (get_enum(L, n, "model", true, provider_models,
		     "'layer2', 'layer3' or 'direct'", &model) != 1)
		return;
	p->model = (enum ers_provider_model)model;
	has_asn = get_val(L, n, "asn", false, v_asn, &p->asn);
	if (p->model == ERS_PROVIDER_LAYER3 && has_asn == 0)
		lerr(L, ERS_ESCHEMA, n, "<provider> of model 'layer3' needs attribute 'asn'");
	else if (p->model != ERS_PROVIDER_LAYER3 && has_asn == 1)
		lerr(L, ERS_ESCHEMA, n, "'asn' on <provider> applies only to model 'layer3'");
}

static const struct keyword skus[] = {
	{ "local", ERS_SKU_LOCAL }, { "standard", ERS_SKU_STANDARD },
	{ "premium", ERS_SKU_PREMIUM }, { NULL, 0 },
};
static const struct keyword roles[] = {
	{ "primary", ERS_ROLE_PRIMARY }, { "secondary", ERS_ROLE_SECONDARY }, { NULL, 0 },
};
static const struct keyword carriers[] = {
	{ "provider", ERS_CARRIER_PROVIDER }, { "interface", ERS_CARRIER_INTERFACE }, { NULL, 0 },
};

static void parse_link(struct loader *L, xmlNodePtr n, struct ers_circuit *c,
		       xmlNodePtr seen[2])
{
	int role, carrier = ERS_CARRIER_DEFAULT;
	struct ers_link *l;

	if (get_enum(L, n, "role", true, roles, "'primary' or 'secondary'", &role) != 1)
		return;
	if (seen[role]) {
		lerr(L, ERS_ESCENARIO, n, "circuit '%s' has a second %s <link> (first at line %ld)",
		     c->id ? c->id : "?", ers_role_str((enum ers_role)role), line_of(seen[role]));
		return;
	}
	seen[role] = n;
	l = &c->links[role];
	l->role = (enum ers_role)role;
	l->line = line_of(n);
	l->delay = ERS_MS;
	get_router_ref(L, n, "router", &l->ce);
	get_time(L, n, "delay", false, false, MAX_DELAY, &l->delay);
	get_enum(L, n, "carrier", false, carriers, "'provider' or 'interface'", &carrier);
	if (get_val(L, n, "msee-router-id", false, v_ipv4, &l->msee_router_id) == 1)
		l->has_msee_router_id = true;
	if (get_val(L, n, "pe-router-id", false, v_ipv4, &l->pe_router_id) == 1)
		l->has_pe_router_id = true;
	l->carrier = (enum ers_carrier)carrier;
	parse_session(L, n, &l->cfg);
}

/* A space-separated list of name's tokens, each parsed by fn into an
 * element of size sz; *out and *n set (the list may be empty). */
static void *parse_list(struct loader *L, xmlNodePtr n, const char *name, size_t sz,
			enum ers_err (*fn)(const char *, void *, const char **), size_t *count)
{
	char *text = attr(L, n, name, false), *save = NULL, *tok;
	char *out;
	const char *why;

	*count = 0;
	if (!text)
		return NULL;
	out = lcalloc(L, strlen(text) / 2 + 1, sz);
	for (tok = strtok_r(text, " \t\r\n", &save); tok && out;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (fn(tok, out + *count * sz, &why))
			lerr(L, ERS_ESCHEMA, n, "invalid value '%s' in '%s' on <%s>: %s",
			     tok, name, ename(n), why);
		else
			(*count)++;
	}
	xmlFree(text);
	return out;
}

/* <microsoft-peering prefixes route-filter?>: check.c says what may be
 * advertised and filtered. */
static void parse_ms_peering(struct loader *L, xmlNodePtr n, struct ers_circuit *c)
{
	struct ers_ms_peering *m = &c->ms;
	char *rf;

	if (m->present) {
		lerr(L, ERS_ESCHEMA, n, "second <microsoft-peering> in <circuit> (first at line %ld)",
		     m->line);
		return;
	}
	m->present = true;
	m->line = line_of(n);
	m->prefixes = parse_list(L, n, "prefixes", sizeof *m->prefixes, v_prefix, &m->n_prefixes);
	if (!m->n_prefixes)
		lerr(L, ERS_ESCHEMA, n, "'prefixes' on <microsoft-peering> lists no prefix");
	rf = attr(L, n, "route-filter", false);
	m->has_route_filter = rf != NULL;
	xmlFree(rf);
	m->route_filter = parse_list(L, n, "route-filter", sizeof *m->route_filter, v_comm,
				     &m->n_route_filter);
}

static void parse_circuit(struct loader *L, xmlNodePtr n)
{
	struct ers_circuit *c = &L->s->circuits[L->s->n_circuits];
	xmlNodePtr seen[2] = { NULL, NULL }, peering = NULL;
	int sku = ERS_SKU_STANDARD;
	uint64_t pair;

	c->line = line_of(n);
	c->msee_pair = 1;
	c->provider = -1;
	c->links[0].ce.site = c->links[0].ce.router = -1;
	c->links[1].ce = c->links[0].ce;
	c->links[1].role = ERS_ROLE_SECONDARY;
	if (get_id(L, n, "id", &c->id) == 1)
		check_dup(L, n, "circuit", c->id);
	L->s->n_circuits++;
	get_str(L, n, "location", true, &c->location);	/* catalog names: check.c suggests */
	c->provider = get_ref(L, n, "provider", "provider", find_provider);
	get_rate(L, n, "bandwidth", &c->bandwidth);
	get_enum(L, n, "sku", true, skus, "'local', 'standard' or 'premium'", &sku);
	c->sku = (enum ers_sku)sku;
	if (get_uint(L, n, "msee-pair", false, 1, 9999, &pair) == 1)
		c->msee_pair = (int)pair;
	FOR_EACH_ELEM(k, n) {
		if (is(k, "link"))
			parse_link(L, k, c, seen);
		if (is(k, "microsoft-peering"))
			parse_ms_peering(L, k, c);
		if (!is(k, "private-peering"))
			continue;
		if (peering) {
			lerr(L, ERS_ESCHEMA, k, "second <private-peering> in <circuit> (first at line %ld)",
			     line_of(peering));
			continue;
		}
		peering = k;
		c->max_prefix_line = line_of(k);
		get_u32(L, k, "max-prefix", 1, UINT32_MAX, &c->max_prefix);
	}
	for (int r = 0; r < 2; r++)
		if (!seen[r])
			lerr(L, ERS_ESCENARIO, n, "circuit '%s' has no %s <link>",
			     c->id ? c->id : "?", ers_role_str((enum ers_role)r));
}

static const struct keyword gw_skus[] = {
	{ "standard", ERS_GW_STANDARD }, { "highperformance", ERS_GW_HIGHPERF },
	{ "ultraperformance", ERS_GW_ULTRAPERF }, { "ergw1az", ERS_GW_ERGW1AZ },
	{ "ergw2az", ERS_GW_ERGW2AZ }, { "ergw3az", ERS_GW_ERGW3AZ },
	{ "ergwscale", ERS_GW_ERGWSCALE }, { NULL, 0 },
};

static void parse_vnet_prefixes(struct loader *L, xmlNodePtr n, struct ers_vnet *v)
{
	char *text = attr(L, n, "prefix", true);
	char *save = NULL, *tok;
	const char *why;
	size_t n_tok = 0;

	if (!text)
		return;
	v->prefixes = lcalloc(L, strlen(text) / 2 + 1, sizeof *v->prefixes);
	for (tok = strtok_r(text, " \t\r\n", &save); tok && v->prefixes;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		n_tok++;
		if (ers_parse_prefix(tok, &v->prefixes[v->n_prefixes], &why))
			lerr(L, ERS_ESCHEMA, n, "invalid prefix '%s' on <vnet>: %s", tok, why);
		else
			v->n_prefixes++;
	}
	if (v->prefixes && n_tok == 0)
		lerr(L, ERS_ESCHEMA, n, "'prefix' on <vnet> lists no prefix");
	xmlFree(text);
}

static void parse_connection(struct loader *L, xmlNodePtr n, struct ers_vnet *v)
{
	struct ers_connection *c = &v->connections[v->n_connections];

	c->line = line_of(n);
	c->circuit = get_ref(L, n, "circuit", "circuit", find_circuit);
	/* Azure's connection routing weight: 0..32000 */
	get_u32(L, n, "weight", 0, 32000, &c->weight);
	for (size_t i = 0; i < v->n_connections && c->circuit >= 0; i++)
		if (v->connections[i].circuit == c->circuit)
			lerr(L, ERS_ESCENARIO, n, "vnet '%s' connects to circuit '%s' twice (first at line %ld)",
			     v->id ? v->id : "?", L->s->circuits[c->circuit].id,
			     v->connections[i].line);
	v->n_connections++;
}

static void parse_vnet(struct loader *L, xmlNodePtr n)
{
	struct ers_vnet *v = &L->s->vnets[L->s->n_vnets];
	size_t n_conn = count_elems(n, "connection");
	xmlNodePtr gw = NULL;
	int sku;
	uint64_t su;

	v->line = line_of(n);
	v->gw_sku = ERS_GW_STANDARD;
	if (get_id(L, n, "id", &v->id) == 1)
		check_dup(L, n, "vnet", v->id);
	L->s->n_vnets++;
	get_str(L, n, "region", true, &v->region);	/* as location */
	parse_vnet_prefixes(L, n, v);
	if (get_val(L, n, "community", false, v_comm, &v->community) == 1 &&
	    v->community >> 16 != ERS_ASN_MICROSOFT)
		lerr(L, ERS_ESCENARIO, n, "community on <vnet> must be 12076:VALUE (Azure sets the ASN part)");
	v->connections = lcalloc(L, n_conn, sizeof *v->connections);
	FOR_EACH_ELEM(c, n) {
		if (is(c, "connection") && v->connections)
			parse_connection(L, c, v);
		if (!is(c, "gateway"))
			continue;
		if (gw) {
			lerr(L, ERS_ESCHEMA, c, "second <gateway> in <vnet> (first at line %ld)", line_of(gw));
			continue;
		}
		gw = c;
		if (get_enum(L, c, "sku", false, gw_skus, "'standard', 'highperformance', "
			     "'ultraperformance', 'ergw1az', 'ergw2az', 'ergw3az' or 'ergwscale'",
			     &sku) == 1)
			v->gw_sku = (enum ers_gw_sku)sku;
		if (get_uint(L, c, "scale-units", false, 1, 40, &su) == 1) {
			v->gw_scale_units = (unsigned)su;
			v->gw_scale_line = line_of(c);	/* check.c: only on ergwscale */
		}
		if (get_val(L, c, "router-id", false, v_ipv4, &v->gw_router_id) == 1)
			v->has_gw_router_id = true;
		parse_gw_conv(L, c, &v->gw_conv);
	}
}

static const struct keyword relationships[] = {
	{ "customer", ERS_REL_CUSTOMER }, { "provider", ERS_REL_PROVIDER },
	{ "peer", ERS_REL_PEER }, { NULL, 0 },
};

static void parse_site_link(struct loader *L, xmlNodePtr n)
{
	int rel, carrier = ERS_CARRIER_DEFAULT;

	struct ers_site_link *sl = &L->s->site_links[L->s->n_site_links++];
	bool ok;

	sl->line = line_of(n);
	sl->cost = 1;
	sl->provider = -1;
	if (xmlHasProp(n, BAD_CAST "provider"))
		sl->provider = get_ref(L, n, "provider", "provider", find_provider);
	get_enum(L, n, "carrier", false, carriers, "'provider' or 'interface'", &carrier);
	sl->carrier = (enum ers_carrier)carrier;
	ok = get_router_ref(L, n, "a", &sl->a);
	ok = get_router_ref(L, n, "b", &sl->b) && ok;
	if (ok && sl->a.site == sl->b.site && sl->a.router == sl->b.router)
		lerr(L, ERS_ESCENARIO, n, "<site-link> joins router '%s' to itself",
		     L->s->sites[sl->a.site].routers[sl->a.router].full_id);
	get_time(L, n, "delay", true, false, MAX_DELAY, &sl->delay);
	get_u32(L, n, "cost", 1, UINT32_MAX, &sl->cost);
	if (get_enum(L, n, "relationship", false, relationships,
		     "'customer', 'provider' or 'peer'", &rel) == 1)
		sl->rel = (enum ers_relationship)rel;
	parse_session(L, n, &sl->cfg);
}

static void parse_global_reach(struct loader *L, xmlNodePtr n)
{
	struct ers_global_reach *g = &L->s->global_reach[L->s->n_global_reach++];

	g->line = line_of(n);
	g->a = get_ref(L, n, "a", "circuit", find_circuit);
	g->b = get_ref(L, n, "b", "circuit", find_circuit);
}

static void parse_vpn(struct loader *L, xmlNodePtr n)
{
	struct ers_vpn *v = &L->s->vpns[L->s->n_vpns];
	char *router;

	v->line = line_of(n);
	v->delay = 20 * ERS_MS;
	v->ce.site = v->ce.router = -1;
	v->vnet = -1;
	if (get_id(L, n, "id", &v->id) == 1)
		check_dup(L, n, "vpn", v->id);
	L->s->n_vpns++;
	v->ce.site = get_ref(L, n, "site", "site", find_site);
	router = attr(L, n, "router", false);
	if (v->ce.site >= 0) {
		const struct ers_site *site = &L->s->sites[v->ce.site];

		v->ce.router = router ? find_router(site, router) : site->n_routers ? 0 : -1;
		if (router && v->ce.router < 0)
			lerr(L, ERS_ESCENARIO, n, "site '%s' has no router '%s' (router of <vpn>)",
			     site->id, router);
	}
	xmlFree(router);
	v->vnet = get_ref(L, n, "vnet", "vnet", find_vnet);
	get_time(L, n, "delay", false, false, MAX_DELAY, &v->delay);
	parse_session(L, n, &v->cfg);
}

/* ---- event targets ---- */

static const struct keyword target_kinds[] = {
	{ "link", ERS_T_LINK }, { "circuit", ERS_T_CIRCUIT }, { "msee", ERS_T_MSEE },
	{ "msee-pair", ERS_T_MSEE_PAIR }, { "location", ERS_T_LOCATION },
	{ "router", ERS_T_ROUTER }, { "site", ERS_T_SITE }, { "gateway", ERS_T_GATEWAY },
	{ "region", ERS_T_REGION }, { "connection", ERS_T_CONNECTION },
	{ "site-link", ERS_T_SITE_LINK }, { "vpn", ERS_T_VPN },
	{ "global-reach", ERS_T_GLOBAL_REACH }, { "srlg", ERS_T_SRLG }, { NULL, 0 },
};

/* Split "x<sep>y" at the last sep into buf (modified); false if either side is empty. */
static bool split_last(char *buf, int sep, char **left, char **right)
{
	char *p = strrchr(buf, sep);

	if (!p || p == buf || !p[1])
		return false;
	*p = 0;
	*left = buf;
	*right = p + 1;
	return true;
}

/* "<location>-<pair>" into t->location and t->pair. */
static bool target_pair(struct loader *L, char *name, struct ers_target *t)
{
	char *loc, *num;
	uint64_t pair;
	const char *why;

	if (!split_last(name, '-', &loc, &num) || ers_parse_uint(num, 1, 9999, &pair, &why))
		return false;
	t->pair = (int)pair;
	t->location = lstrdup(L, loc);
	return t->location != NULL;
}

static int find_site_link(struct loader *L, xmlNodePtr n, char *name)
{
	struct ers_router_ref a, b;
	char *x, *y;

	if (!split_last(name, '+', &x, &y))
		return -2;
	if (!resolve_router(L, n, x, "target", &a) || !resolve_router(L, n, y, "target", &b))
		return -3;
	for (size_t i = 0; i < L->s->n_site_links; i++) {
		const struct ers_site_link *sl = &L->s->site_links[i];

		if ((sl->a.site == a.site && sl->a.router == a.router &&
		     sl->b.site == b.site && sl->b.router == b.router) ||
		    (sl->a.site == b.site && sl->a.router == b.router &&
		     sl->b.site == a.site && sl->b.router == a.router))
			return (int)i;
	}
	return -1;
}

static int find_global_reach(struct loader *L, char *name)
{
	char *x, *y;
	int a, b;

	if (!split_last(name, '+', &x, &y))
		return -2;
	a = find_circuit(L->s, x);
	b = find_circuit(L->s, y);
	for (size_t i = 0; i < L->s->n_global_reach && a >= 0 && b >= 0; i++) {
		const struct ers_global_reach *g = &L->s->global_reach[i];

		if ((g->a == a && g->b == b) || (g->a == b && g->b == a))
			return (int)i;
	}
	return -1;
}

static int find_connection(struct loader *L, char *name, int *vnet)
{
	char *x, *y;
	int c;

	if (!split_last(name, '+', &x, &y))
		return -2;
	*vnet = find_vnet(L->s, x);
	c = find_circuit(L->s, y);
	if (*vnet < 0 || c < 0)
		return -1;
	for (size_t i = 0; i < L->s->vnets[*vnet].n_connections; i++)
		if (L->s->vnets[*vnet].connections[i].circuit == c)
			return (int)i;
	return -1;
}

/* Fill t's indices from the part after "kind:". Returns 1 when resolved,
 * 0 when it names nothing, -1 when it is malformed, -3 when already reported. */
static int resolve_target(struct loader *L, xmlNodePtr n, char *name, struct ers_target *t)
{
	char *x, *y;

	switch (t->kind) {
	case ERS_T_LINK:
		if (!split_last(name, '/', &x, &y))
			return -1;
		t->a = find_circuit(L->s, x);
		t->b = !strcmp(y, "primary") ? 0 : !strcmp(y, "secondary") ? 1 : -1;
		return t->b < 0 ? -1 : t->a >= 0;
	case ERS_T_CIRCUIT:
		return (t->a = find_circuit(L->s, name)) >= 0;
	case ERS_T_MSEE:
		if (!split_last(name, '/', &x, &y) || strlen(y) != 1 || (*y != 'a' && *y != 'b'))
			return -1;
		t->side = *y == 'b';
		return target_pair(L, x, t) ? 1 : -1;
	case ERS_T_MSEE_PAIR:
		return target_pair(L, name, t) ? 1 : -1;
	case ERS_T_LOCATION:
	case ERS_T_REGION:
		t->location = lstrdup(L, name);
		return t->location ? 1 : -3;
	case ERS_T_ROUTER: {
		struct ers_router_ref r;

		if (!strchr(name, '/'))
			return -1;
		if (!resolve_router(L, n, name, "target", &r))
			return -3;
		t->a = r.site;
		t->b = r.router;
		return 1;
	}
	case ERS_T_SITE:
		return (t->a = find_site(L->s, name)) >= 0;
	case ERS_T_GATEWAY:
		return (t->a = find_vnet(L->s, name)) >= 0;
	case ERS_T_CONNECTION:
		t->b = find_connection(L, name, &t->a);
		return t->b >= 0 ? 1 : t->b == -2 ? -1 : 0;
	case ERS_T_SITE_LINK:
		t->a = find_site_link(L, n, name);
		return t->a >= 0 ? 1 : t->a == -2 ? -1 : t->a == -3 ? -3 : 0;
	case ERS_T_VPN:
		return (t->a = find_vpn(L->s, name)) >= 0;
	case ERS_T_GLOBAL_REACH:
		t->a = find_global_reach(L, name);
		return t->a >= 0 ? 1 : t->a == -2 ? -1 : 0;
	case ERS_T_SRLG:
		return (t->a = find_srlg(L->s, name)) >= 0;
	}
	return -1;
}

static const char *target_form(enum ers_target_kind k)
{
	switch (k) {
	case ERS_T_LINK: return "link:CIRCUIT/primary or link:CIRCUIT/secondary";
	case ERS_T_ROUTER: return "router:SITE/ROUTER";
	case ERS_T_MSEE: return "msee:LOCATION-PAIR/a or msee:LOCATION-PAIR/b";
	case ERS_T_MSEE_PAIR: return "msee-pair:LOCATION-PAIR";
	case ERS_T_CONNECTION: return "connection:VNET+CIRCUIT";
	case ERS_T_SITE_LINK: return "site-link:SITE/ROUTER+SITE/ROUTER";
	case ERS_T_GLOBAL_REACH: return "global-reach:CIRCUIT+CIRCUIT";
	default: return "KIND:NAME";
	}
}

/* Parse one target string into t (t owns copies); false when reported. */
static bool parse_target(struct loader *L, xmlNodePtr n, const char *text,
			 struct ers_target *t, bool in_srlg)
{
	const char *colon = strchr(text, ':');
	char *name;
	int kind = -1, rc;

	t->a = t->b = -1;
	t->text = lstrdup(L, text);
	if (!t->text)
		return false;
	for (const struct keyword *k = target_kinds; colon && k->word; k++)
		if (strlen(k->word) == (size_t)(colon - text) && !strncmp(text, k->word, (size_t)(colon - text)))
			kind = k->value;
	if (kind < 0 || !colon[1]) {
		lerr(L, ERS_ESCHEMA, n, "invalid target '%s' on <%s>: expected KIND:NAME with KIND one of "
		     "link, circuit, msee, msee-pair, location, router, site, gateway, region, "
		     "connection, site-link, vpn, global-reach, srlg", text, ename(n));
		return false;
	}
	t->kind = (enum ers_target_kind)kind;
	if (in_srlg && t->kind == ERS_T_SRLG) {
		lerr(L, ERS_ESCENARIO, n, "an <srlg> cannot contain another srlg ('%s')", text);
		return false;
	}
	name = lstrdup(L, colon + 1);
	if (!name)
		return false;
	rc = resolve_target(L, n, name, t);
	free(name);
	if (rc == -1)
		lerr(L, ERS_ESCHEMA, n, "invalid target '%s' on <%s>: expected %s", text, ename(n),
		     target_form(t->kind));
	else if (rc == 0)
		lerr(L, ERS_ESCENARIO, n, "target '%s' on <%s> names no %s in this scenario",
		     text, ename(n), target_kinds[kind].word);
	return rc == 1;
}

static void parse_srlg_id(struct loader *L, xmlNodePtr n)
{
	struct ers_srlg *g = &L->s->srlgs[L->s->n_srlgs];

	g->line = line_of(n);
	if (get_id(L, n, "id", &g->id) == 1)
		check_dup(L, n, "srlg", g->id);
	L->s->n_srlgs++;
}

static void parse_srlg_members(struct loader *L, xmlNodePtr n, struct ers_srlg *g)
{
	char *text = attr(L, n, "members", true);
	char *save = NULL, *tok;

	if (!text)
		return;
	g->members = lcalloc(L, strlen(text) / 2 + 1, sizeof *g->members);
	for (tok = strtok_r(text, " \t\r\n", &save); tok && g->members;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		parse_target(L, n, tok, &g->members[g->n_members++], true);
	if (g->members && g->n_members == 0)
		lerr(L, ERS_ESCHEMA, n, "'members' on <srlg> lists no target");
	xmlFree(text);
}

/* ---- flows and events ---- */

static void parse_endpoint(struct loader *L, xmlNodePtr n, const char *name,
			   struct ers_endpoint *ep)
{
	char *v = attr(L, n, name, true);
	int site, vnet;

	ep->index = ep->router = -1;
	if (!v)
		return;
	ep->text = lstrdup(L, v);
	if (strchr(v, '/')) {
		struct ers_router_ref r;

		ep->kind = ERS_EP_ROUTER;
		if (resolve_router(L, n, v, name, &r)) {
			ep->index = r.site;
			ep->router = r.router;
		}
		xmlFree(v);
		return;
	}
	site = find_site(L->s, v);
	vnet = find_vnet(L->s, v);
	if (site >= 0 && vnet >= 0)
		lerr(L, ERS_ESCENARIO, n, "'%s' of <flow> is ambiguous: '%s' is both a site and a vnet "
		     "(write SITE/ROUTER for the site)", name, v);
	else if (site >= 0) {
		ep->kind = ERS_EP_SITE;
		ep->index = site;
		ep->router = 0;		/* the site's first listed router */
	} else if (vnet >= 0) {
		ep->kind = ERS_EP_VNET;
		ep->index = vnet;
	} else {
		lerr(L, ERS_ESCENARIO, n, "unknown endpoint '%s' in '%s' of <flow>: not a site, "
		     "site/router or vnet", v, name);
	}
	xmlFree(v);
}

static void parse_flow(struct loader *L, xmlNodePtr n)
{
	struct ers_flow *f = &L->s->flows[L->s->n_flows];

	f->line = line_of(n);
	if (get_id(L, n, "id", &f->id) == 1)
		check_dup(L, n, "flow", f->id);
	L->s->n_flows++;
	parse_endpoint(L, n, "from", &f->from);
	parse_endpoint(L, n, "to", &f->to);
	get_rate(L, n, "rate", &f->rate);
}

/* <announce>/<withdraw at router prefix>: the target text names both,
 * "router:SITE/ROUTER prefix:CIDR", for results and comparisons. */
static void parse_origin_event(struct loader *L, xmlNodePtr n, struct ers_event *e)
{
	char *prefix = attr(L, n, "prefix", true);
	const char *why;
	bool ok = get_router_ref(L, n, "router", &e->router);
	size_t len;

	if (prefix && ers_parse_prefix(prefix, &e->prefix, &why) != ERS_OK) {
		lerr(L, ERS_ESCHEMA, n, "invalid prefix '%s' on <%s>: %s", prefix, ename(n), why);
		ok = false;
	}
	if (ok && prefix) {
		const char *rt = L->s->sites[e->router.site].routers[e->router.router].full_id;
		len = strlen(rt) + strlen(prefix) + 24;
		e->target.text = malloc(len);
		if (!e->target.text)
			oom(L);
		else
			snprintf(e->target.text, len, "router:%s prefix:%s", rt, prefix);
		e->target.kind = ERS_T_ROUTER;
		e->target.a = e->router.site;
		e->target.b = e->router.router;
	}
	xmlFree(prefix);
}

static void parse_event(struct loader *L, xmlNodePtr n)
{
	struct ers_event *e = &L->s->events[L->s->n_events++];
	char *target;
	uint64_t prepend;

	e->line = line_of(n);
	e->action = is(n, "fail") ? ERS_ACT_FAIL : is(n, "restore") ? ERS_ACT_RESTORE
		: is(n, "announce") ? ERS_ACT_ANNOUNCE : is(n, "withdraw") ? ERS_ACT_WITHDRAW
		: ERS_ACT_MAINTENANCE;
	e->drain = 60 * ERS_S;
	e->prepend = 3;
	e->target.a = e->target.b = -1;
	get_time(L, n, "at", true, false, MAX_TIMELINE, &e->at);
	if (e->action == ERS_ACT_ANNOUNCE || e->action == ERS_ACT_WITHDRAW) {
		parse_origin_event(L, n, e);
		return;
	}
	target = attr(L, n, "target", true);
	if (target) {
		parse_target(L, n, target, &e->target, false);
		xmlFree(target);
	}
	if (e->action != ERS_ACT_MAINTENANCE)
		return;
	if (e->target.text && e->target.kind != ERS_T_LINK)
		lerr(L, ERS_ESCENARIO, n, "<maintenance> applies to one circuit link "
		     "(target link:CIRCUIT/primary or /secondary), not '%s'", e->target.text);
	get_time(L, n, "drain", false, false, MAX_TIMELINE, &e->drain);
	get_time(L, n, "duration", true, true, MAX_TIMELINE, &e->duration);
	if (get_uint(L, n, "prepend", false, 0, 255, &prepend) == 1)
		e->prepend = (unsigned)prepend;
}

/* ---- the document ---- */

/* Elements allowed once at most under <scenario>. */
static xmlNodePtr single(struct loader *L, xmlNodePtr root, const char *name)
{
	xmlNodePtr first = NULL;

	FOR_EACH_ELEM(c, root) {
		if (!is(c, name))
			continue;
		if (first)
			lerr(L, ERS_ESCHEMA, c, "second <%s> in <scenario> (first at line %ld)",
			     name, line_of(first));
		else
			first = c;
	}
	return first;
}

static bool alloc_arrays(struct loader *L, xmlNodePtr root)
{
	struct ers_scenario *s = L->s;

#define ALLOC(field, name) \
	s->field = lcalloc(L, count_elems(root, name), sizeof *s->field); \
	if (count_elems(root, name) && !s->field) \
		return false;
	ALLOC(sites, "site");
	L->n_sites_total = count_elems(root, "site");
	ALLOC(site_links, "site-link");
	ALLOC(providers, "provider");
	ALLOC(circuits, "circuit");
	ALLOC(vnets, "vnet");
	ALLOC(global_reach, "global-reach");
	ALLOC(vpns, "vpn");
	ALLOC(srlgs, "srlg");
	ALLOC(flows, "flow");
#undef ALLOC
	return true;
}

static bool alloc_events(struct loader *L, xmlNodePtr events)
{
	size_t n = count_elems(events, "fail") + count_elems(events, "restore") +
		   count_elems(events, "maintenance") + count_elems(events, "announce") +
		   count_elems(events, "withdraw");

	L->s->events = lcalloc(L, n, sizeof *L->s->events);
	return n == 0 || L->s->events;
}

static void parse_head(struct loader *L, xmlNodePtr root)
{
	struct ers_scenario *s = L->s;
	xmlNodePtr desc = single(L, root, "description");
	xmlNodePtr defaults = single(L, root, "defaults");
	xmlNodePtr geo = single(L, root, "geography");
	uint64_t seed;

	s->line = line_of(root);
	get_str(L, root, "name", true, &s->name);
	if (get_uint(L, root, "seed", false, 0, UINT64_MAX, &seed) == 1)
		s->seed = seed;
	s->has_duration = get_time(L, root, "duration", false, true, MAX_TIMELINE, &s->duration) == 1;
	if (desc) {
		char *text = (char *)xmlNodeGetContent(desc);

		s->description = lstrdup(L, text);
		xmlFree(text);
	}
	if (defaults)
		parse_defaults(L, defaults);
	if (geo && ers_catalog_parse_geography(&s->geography, geo, L->file, L->d) != ERS_OK)
		L->n_errors++;
}

/* Build the model from a tree whose root is <scenario>. Objects are read
 * kind by kind so that every reference points to an earlier stage:
 * sites and providers, circuits, vnets, site-links, Global Reach, VPNs,
 * SRLGs, flows, then events (which may name any of them). */
static void build(struct loader *L, xmlNodePtr root)
{
	struct ers_scenario *s = L->s;
	static const char *const order[] = {
		"site", "provider", "circuit", "vnet", "site-link", "global-reach",
		"vpn", "srlg", "srlg-members", "flow",
	};
	xmlNodePtr events;
	size_t k = 0;

	if (!alloc_arrays(L, root))
		return;
	parse_head(L, root);
	events = single(L, root, "events");
	for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
		FOR_EACH_ELEM(c, root) {
			if (!strcmp(order[o], "srlg-members") && is(c, "srlg"))
				parse_srlg_members(L, c, &s->srlgs[k++]);
			else if (!is(c, order[o]))
				continue;
			else if (is(c, "site")) parse_site(L, c);
			else if (is(c, "provider")) parse_provider(L, c);
			else if (is(c, "circuit")) parse_circuit(L, c);
			else if (is(c, "vnet")) parse_vnet(L, c);
			else if (is(c, "site-link")) parse_site_link(L, c);
			else if (is(c, "global-reach")) parse_global_reach(L, c);
			else if (is(c, "vpn")) parse_vpn(L, c);
			else if (is(c, "srlg")) parse_srlg_id(L, c);
			else if (is(c, "flow")) parse_flow(L, c);
			if (L->nomem)
				return;
		}
	}
	if (!events || !alloc_events(L, events))
		return;
	FOR_EACH_ELEM(c, events)
		if (is(c, "fail") || is(c, "restore") || is(c, "maintenance") ||
		    is(c, "announce") || is(c, "withdraw"))
			parse_event(L, c);
}

/* ---- libxml2 errors ---- */

static void silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* "Invalid attribute foo for element bar" against "Invalid attribute %s
 * for element %s": each %s takes one word (up to 63 bytes). */
static int shape(const char *msg, const char *pat, char caps[][64], int max)
{
	int n = 0;

	while (*pat) {
		if (pat[0] == '%' && pat[1] == 's') {
			size_t len = 0;

			if (n >= max)
				return 0;
			while (msg[len] && msg[len] != ' ' && msg[len] != ',' && len < 63)
				len++;
			if (len == 0)
				return 0;
			memcpy(caps[n], msg, len);
			caps[n++][len] = 0;
			msg += len;
			pat += 2;
		} else if (*pat++ != *msg++) {
			return 0;
		}
	}
	return *msg == 0 ? n : 0;
}

/* Rewrite one RELAX NG message into words a scenario author knows. */
static void schema_words(const char *raw, xmlNodePtr node, struct schema_msg *m)
{
	char c[2][64];
	const char *parent = node && node->parent && node->parent->type == XML_ELEMENT_NODE
				     ? (const char *)node->parent->name : NULL;

	m->vague = false;
	m->attr[0] = 0;
	if (shape(raw, "Invalid attribute %s for element %s", c, 2) == 2) {
		/* also said of a known attribute with a bad value */
		m->vague = true;
		memcpy(m->attr, c[0], sizeof m->attr);
		snprintf(m->text, sizeof m->text, "unknown attribute '%s' on <%s>", c[0], c[1]);
	} else if (shape(raw, "Element %s failed to validate attributes", c, 1) == 1) {
		m->vague = true;
		snprintf(m->text, sizeof m->text, "missing or invalid attribute on <%s>", c[0]);
	} else if (shape(raw, "Element %s failed to validate content", c, 1) == 1 ||
		   !strcmp(raw, "Invalid sequence in interleave")) {
		m->vague = true;
		snprintf(m->text, sizeof m->text, "invalid content in <%s>", ename(node));
	} else if (shape(raw, "Error validating datatype %s", c, 1) == 1) {
		m->vague = true;
		snprintf(m->text, sizeof m->text, "invalid value in <%s>", ename(node));
	} else if (shape(raw, "Did not expect element %s there", c, 1) == 1 ||
		   shape(raw, "Extra element %s in interleave", c, 1) == 1) {
		if (parent)
			snprintf(m->text, sizeof m->text, "unexpected <%s> in <%s>", c[0], parent);
		else
			snprintf(m->text, sizeof m->text, "unexpected <%s>", c[0]);
	} else if (shape(raw, "Element %s has extra content: %s", c, 2) == 2) {
		if (!strcmp(c[1], "text"))
			snprintf(m->text, sizeof m->text, "unexpected text in <%s>", c[0]);
		else
			snprintf(m->text, sizeof m->text, "unexpected <%s> in <%s>", c[1], c[0]);
	} else if (shape(raw, "Did not expect text in element %s content", c, 1) == 1) {
		snprintf(m->text, sizeof m->text, "unexpected text in <%s>", c[0]);
	} else if (shape(raw, "Expecting an element %s, got nothing", c, 1) == 1) {
		snprintf(m->text, sizeof m->text, "<%s> needs a <%s> child", ename(node), c[0]);
	} else if (shape(raw, "Expecting element %s, got %s", c, 2) == 2) {
		if (!parent)
			snprintf(m->text, sizeof m->text, "the root element must be <%s>, not <%s>",
				 c[0], c[1]);
		else
			snprintf(m->text, sizeof m->text, "expected <%s>, found <%s> in <%s>",
				 c[0], c[1], parent);
	} else if (shape(raw, "Expecting no namespace for element %s", c, 1) == 1) {
		snprintf(m->text, sizeof m->text, "<%s> must not be in a namespace", c[0]);
	} else {
		snprintf(m->text, sizeof m->text, "%s", raw);
	}
}

#if LIBXML_VERSION >= 21200
static void schema_error(void *ctx, const xmlError *e)
#else
static void schema_error(void *ctx, xmlErrorPtr e)
#endif
{
	struct loader *L = ctx;
	struct schema_msg *m;
	char raw[300];
	size_t len;

	if (!e || e->level < XML_ERR_ERROR)
		return;
	if (L->n_smsgs == L->cap_smsgs) {
		size_t cap = L->cap_smsgs ? 2 * L->cap_smsgs : 16;
		struct schema_msg *v;

		if (cap > 256) {
			L->n_smsgs_more++;	/* enough to show the user */
			return;
		}
		v = realloc(L->smsgs, cap * sizeof *v);
		if (!v) {
			oom(L);
			return;
		}
		L->smsgs = v;
		L->cap_smsgs = cap;
	}
	if (e->domain != XML_FROM_RELAXNGV)
		L->schema_internal = true;
	snprintf(raw, sizeof raw, "%s", e->message ? e->message : "schema error");
	len = strlen(raw);
	while (len && (raw[len - 1] == '\n' || raw[len - 1] == ' '))
		raw[--len] = 0;
	m = &L->smsgs[L->n_smsgs++];
	m->line = e->node ? line_of(e->node) : e->line;
	if (m->line <= 0)
		m->line = e->line > 0 ? e->line : 0;
	schema_words(raw, e->node, m);
}

#if LIBXML_VERSION >= 21200
static void parse_error(void *ctx, const xmlError *e)
#else
static void parse_error(void *ctx, xmlErrorPtr e)
#endif
{
	struct loader *L = ctx;
	char msg[300];
	size_t len;

	if (!e || e->level < XML_ERR_ERROR || L->refused)
		return;
	if (e->message && strstr(e->message, "Excessive depth")) {
		/* libxml2 says "use XML_PARSE_HUGE", which a user cannot */
		ers_diag_add(L->d, ERS_EXML, L->file, e->line > 0 ? e->line : 0,
			     "a scenario nests at most a few levels deep",
			     "elements nest too deeply (more than 256 levels)");
		L->refused = true;
		return;
	}
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
	len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = 0;
	if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] - 'A' + 'a');
	ers_diag_add(L->d, ERS_EXML, L->file, e->line > 0 ? e->line : 0, NULL,
		     "malformed XML: %s", msg);
}

/* SAX hooks: a DOCTYPE is refused when met, before its internal subset
 * (where entities would be declared) is read. The entity hook is a second
 * fence for parsers that reach declarations some other way. */
static void refuse(void *ctx, const char *what)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct loader *L = ctxt->_private;

	if (!L->refused)
		ers_diag_add(L->d, ERS_EXML, L->file, ctxt->input ? ctxt->input->line : 0,
			     "scenario files take no DTD; remove the <!DOCTYPE ...> declaration",
			     "%s are not allowed: external entities and entity expansion are never followed",
			     what);
	L->refused = true;
	xmlStopParser(ctxt);
}

/* Count elements as they are parsed: a file of millions of unknown
 * elements is refused before its tree fills memory. */
static void count_element(void *ctx, const xmlChar *name, const xmlChar *prefix,
			  const xmlChar *uri, int n_ns, const xmlChar **ns,
			  int n_attrs, int n_defaulted, const xmlChar **attrs)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct loader *L = ctxt->_private;

	if (++L->n_elements > MAX_ELEMENTS) {
		if (!L->refused)
			ers_diag_add(L->d, ERS_ELIMIT, L->file, ctxt->input ? ctxt->input->line : 0,
				     "split the scenario or generate fewer objects",
				     "more than %d elements: a scenario holds at most %d",
				     MAX_ELEMENTS, MAX_ELEMENTS);
		L->refused = true;
		xmlStopParser(ctxt);
		return;
	}
	L->start_element(ctx, name, prefix, uri, n_ns, ns, n_attrs, n_defaulted, attrs);
}

static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
			   const xmlChar *sys)
{
	(void)name, (void)ext, (void)sys;
	refuse(ctx, "document type declarations (<!DOCTYPE>)");
}

static void refuse_entity(void *ctx, const xmlChar *name, int type,
			  const xmlChar *pub, const xmlChar *sys, xmlChar *content)
{
	(void)name, (void)type, (void)pub, (void)sys, (void)content;
	refuse(ctx, "entity declarations");
}

/* Any DTD or entity node left in the tree (none should survive refuse()). */
static xmlNodePtr find_entity_node(xmlNodePtr n)
{
	for (; n; n = n->next) {
		xmlNodePtr hit;

		if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_DECL ||
		    n->type == XML_DTD_NODE || n->type == XML_ENTITY_NODE)
			return n;
		if (n->type == XML_ELEMENT_NODE && (hit = find_entity_node(n->children)))
			return hit;
	}
	return NULL;
}

static xmlDocPtr read_doc(struct loader *L, const char *buf, size_t len)
{
	xmlDocPtr doc;
	xmlNodePtr bad;

	if (len > INT_MAX) {
		ers_diag_add(L->d, ERS_ELIMIT, L->file, 0, NULL, "file too large");
		return NULL;
	}
	L->ctxt = xmlNewParserCtxt();
	if (!L->ctxt) {
		oom(L);
		return NULL;
	}
	L->ctxt->_private = L;
	L->ctxt->sax->internalSubset = refuse_doctype;
	L->ctxt->sax->entityDecl = refuse_entity;
	L->start_element = L->ctxt->sax->startElementNs;
	if (L->start_element)
		L->ctxt->sax->startElementNs = count_element;
	doc = xmlCtxtReadMemory(L->ctxt, buf, (int)len, L->file, NULL,
				XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	if (doc && !L->refused && (doc->intSubset || doc->extSubset))
		refuse(L->ctxt, "document type declarations (<!DOCTYPE>)");
	if (doc && !L->refused && (bad = find_entity_node(doc->children)) != NULL) {
		ers_diag_add(L->d, ERS_EXML, L->file, line_of(bad), NULL,
			     "entity references are not allowed in scenario files");
		L->refused = true;
	}
	if (doc && (L->refused || L->d->first != ERS_OK)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc && L->d->n_msgs == 0)
		ers_diag_add(L->d, ERS_EXML, L->file, 0, NULL, "malformed XML: cannot parse");
	xmlFreeParserCtxt(L->ctxt);
	L->ctxt = NULL;
	return doc;
}

/* RELAX NG validation: 1 valid, 0 invalid (messages in L->smsgs), -1 internal. */
static int validate(struct loader *L, xmlDocPtr doc)
{
	xmlRelaxNGParserCtxtPtr pctxt;
	xmlRelaxNGPtr schema = NULL;
	xmlRelaxNGValidCtxtPtr vctxt = NULL;
	const xmlChar *url;
	int rc = -1;

	pctxt = xmlRelaxNGNewMemParserCtxt((const char *)ers_schema_rng, (int)ers_schema_rng_len);
	if (!pctxt)
		goto out;
	xmlRelaxNGSetParserStructuredErrors(pctxt, schema_error, L);
	schema = xmlRelaxNGParse(pctxt);
	xmlRelaxNGFreeParserCtxt(pctxt);
	if (!schema)
		goto out;
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	if (!vctxt)
		goto out;
	xmlRelaxNGSetValidStructuredErrors(vctxt, schema_error, L);
	/*
	 * libxml2 (2.9) walks back over every preceding sibling of the node
	 * of each error it raises, looking for XInclude markers, but only
	 * when the document has a URL: with one, n invalid siblings cost
	 * O(n^2) (100,000 bad <flow>s took minutes). Messages carry L->file,
	 * so the URL is not needed while validating.
	 */
	url = doc->URL;
	doc->URL = NULL;
	rc = xmlRelaxNGValidateDoc(vctxt, doc);
	doc->URL = url;
	rc = rc == 0 ? 1 : rc > 0 ? 0 : -1;
out:
	if (rc < 0) {
		ers_diag_add(L->d, ERS_EINTERNAL, L->file, 0, NULL,
			     "internal error: the embedded schema could not be compiled or run");
		L->n_smsgs = 0;
	} else if (rc == 0 && L->n_smsgs == 0) {
		struct schema_msg *m = calloc(1, sizeof *m);

		free(L->smsgs);
		L->smsgs = m;
		if (m) {
			snprintf(m->text, sizeof m->text, "file does not follow the scenario schema");
			L->n_smsgs = L->cap_smsgs = 1;
		}
	}
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlRelaxNGFree(schema);
	return rc;
}

static bool has_line(const struct ers_diag *d, long line, const char *text)
{
	for (size_t i = 0; i < d->n_msgs; i++)
		if (d->msgs[i].line == line && (!text || !strcmp(d->msgs[i].text, text)))
			return true;
	return false;
}

/* Does builder message text speak of attribute attr ("" = of anything)? */
static bool about_attr(const char *text, const char *attr)
{
	char a[80], b[80];

	if (!attr[0])
		return true;
	snprintf(a, sizeof a, "invalid %s '", attr);
	snprintf(b, sizeof b, "'%s' on <", attr);
	return strstr(text, a) || strstr(text, b);
}

/* Schema failed: report its messages, each vague one replaced by what the
 * builder (run into scratch) found on the same line. */
static void merge_schema_msgs(struct loader *L, const struct ers_diag *scratch)
{
	for (size_t i = 0; i < L->n_smsgs; i++) {
		const struct schema_msg *m = &L->smsgs[i];
		bool replaced = false;

		if (m->vague) {
			for (size_t j = 0; j < scratch->n_msgs; j++) {
				const struct ers_diag_msg *b = &scratch->msgs[j];

				if (b->line != m->line || !about_attr(b->text, m->attr))
					continue;
				replaced = true;
				if (!has_line(L->d, b->line, b->text))
					ers_diag_add(L->d, ERS_ESCHEMA, L->file, b->line, b->hint,
						     "%s", b->text);
			}
		}
		if (!replaced && !has_line(L->d, m->line, m->text) &&
		    !(m->vague && !m->attr[0] && has_line(L->d, m->line, NULL))) {
			/* An experiment given to validate or run: say what reads it. */
			char hint[600];
			bool exp = strstr(m->text, ", not <experiment>") != NULL;

			snprintf(hint, sizeof hint, "'%s' is a batch experiment: run it with "
				 "'ersim batch %s'", L->file, L->file);
			ers_diag_add(L->d, ERS_ESCHEMA, L->file, m->line, exp ? hint : NULL, "%s",
				     m->text);
		}
	}
}

static struct ers_scenario *new_scenario(struct loader *L, const char *name)
{
	struct ers_scenario *s = calloc(1, sizeof *s);

	if (!s)
		return oom(L), NULL;
	s->file = strdup(name);
	if (!s->file) {
		free(s);
		return oom(L), NULL;
	}
	s->seed = 1;
	s->bgp = bgp_builtin;
	s->bfd = bfd_builtin;
	s->gw_conv = ers_gw_conv_merge(NULL, NULL);
	return s;
}

static bool any_vague(const struct loader *L)
{
	for (size_t i = 0; i < L->n_smsgs; i++)
		if (L->smsgs[i].vague)
			return true;
	return false;
}

/* Build into s; when the schema failed, into scratch, merged afterwards. */
static void build_checked(struct loader *L, xmlDocPtr doc, int valid)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	struct ers_diag scratch, *real = L->d;

	if (valid < 0)
		return;
	if (valid == 1) {
		if (root && is(root, "scenario"))
			build(L, root);
		return;
	}
	ers_diag_init(&scratch);
	scratch.max_msgs = 1000;
	L->d = &scratch;
	/* unless the builder has nothing to say better: 25 million unknown
	 * elements need not be walked ten times */
	if (root && is(root, "scenario") && any_vague(L))
		build(L, root);
	L->d = real;
	merge_schema_msgs(L, &scratch);
	L->d->n_more += L->n_smsgs_more;
	if (L->nomem)
		ers_diag_add(L->d, ERS_ENOMEM, L->file, 0, NULL, "out of memory");
	ers_diag_release(&scratch);
}

enum ers_err ers_scenario_load_mem(const char *buf, size_t len, const char *name,
				   struct ers_scenario **out, struct ers_diag *d)
{
	struct loader L = { .d = d, .file = name ? name : "<memory>" };
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_gerror = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	xmlDocPtr doc = NULL;
	size_t n_before = d->n_msgs;
	enum ers_err first_before = d->first;
	int valid;

	*out = NULL;
	d->first = ERS_OK;	/* so that this load's first error is known */
	xmlSetGenericErrorFunc(NULL, silent_generic);
	xmlSetStructuredErrorFunc(&L, parse_error);
	L.s = new_scenario(&L, L.file);
	if (L.s)
		doc = read_doc(&L, buf ? buf : "", buf ? len : 0);
	xmlSetStructuredErrorFunc(&L, schema_error);
	valid = doc ? validate(&L, doc) : -1;
	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_gerror);
	if (doc)
		build_checked(&L, doc, valid);
	xmlFreeDoc(doc);
	free(L.smsgs);
	free(L.seen);
	if (d->n_msgs == n_before && d->first == ERS_OK && L.n_errors == 0 && valid == 1) {
		d->first = first_before;
		*out = L.s;
		return ERS_OK;
	}
	ers_scenario_free(L.s);
	if (d->first == ERS_OK)
		ers_diag_add(d, ERS_EINTERNAL, L.file, 0, NULL, "internal error: load failed silently");
	{
		enum ers_err rc = d->first;

		if (first_before != ERS_OK)
			d->first = first_before;
		return rc;
	}
}

enum ers_err ers_scenario_load(const char *path, struct ers_scenario **out,
			       struct ers_diag *d)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	enum ers_err rc;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot open '%s': %s",
				    path, strerror(errno));
	do {
		if (len == cap) {
			char *p;

			cap = cap ? 2 * cap : 65536;
			p = cap > (size_t)MAX_FILE_SIZE ? NULL : realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return ers_diag_add(d, cap > (size_t)MAX_FILE_SIZE ? ERS_ELIMIT : ERS_ENOMEM,
						    path, 0, NULL, "cannot read '%s': %s", path,
						    cap > (size_t)MAX_FILE_SIZE ? "file too large"
										: "out of memory");
			}
			buf = p;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot read '%s': %s", path,
				    strerror(errno));
	}
	fclose(f);
	rc = ers_scenario_load_mem(buf, len, path, out, d);
	free(buf);
	return rc;
}

/* ---- freeing ---- */

static void free_policy(struct ers_policy *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		free(p->rules[i].communities);
	free(p->rules);
}

static void free_session(struct ers_session_cfg *c)
{
	free_policy(&c->import);
	free_policy(&c->export);
}

static void free_target(struct ers_target *t)
{
	free(t->text);
	free(t->location);
}

static void free_site(struct ers_site *site)
{
	for (size_t i = 0; i < site->n_routers; i++) {
		free(site->routers[i].id);
		free(site->routers[i].full_id);
	}
	free(site->routers);
	free(site->origins);
	free(site->id);
}

void ers_scenario_free(struct ers_scenario *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_sites; i++)
		free_site(&s->sites[i]);
	for (size_t i = 0; i < s->n_site_links; i++)
		free_session(&s->site_links[i].cfg);
	for (size_t i = 0; i < s->n_providers; i++)
		free(s->providers[i].id);
	for (size_t i = 0; i < s->n_circuits; i++) {
		free(s->circuits[i].id);
		free(s->circuits[i].location);
		free(s->circuits[i].ms.prefixes);
		free(s->circuits[i].ms.route_filter);
		free_session(&s->circuits[i].links[0].cfg);
		free_session(&s->circuits[i].links[1].cfg);
	}
	for (size_t i = 0; i < s->n_vnets; i++) {
		free(s->vnets[i].id);
		free(s->vnets[i].region);
		free(s->vnets[i].prefixes);
		free(s->vnets[i].connections);
	}
	for (size_t i = 0; i < s->n_vpns; i++) {
		free(s->vpns[i].id);
		free_session(&s->vpns[i].cfg);
	}
	for (size_t i = 0; i < s->n_srlgs; i++) {
		for (size_t j = 0; j < s->srlgs[i].n_members; j++)
			free_target(&s->srlgs[i].members[j]);
		free(s->srlgs[i].members);
		free(s->srlgs[i].id);
	}
	for (size_t i = 0; i < s->n_flows; i++) {
		free(s->flows[i].id);
		free(s->flows[i].from.text);
		free(s->flows[i].to.text);
	}
	for (size_t i = 0; i < s->n_events; i++)
		free_target(&s->events[i].target);
	ers_catalog_release(&s->geography);
	free(s->sites);
	free(s->site_links);
	if (s->site_index)
		free(s->site_index->slots);
	free(s->site_index);
	free(s->providers);
	free(s->circuits);
	free(s->vnets);
	free(s->global_reach);
	free(s->vpns);
	free(s->srlgs);
	free(s->flows);
	free(s->events);
	free(s->file);
	free(s->name);
	free(s->description);
	free(s);
}

/* ---- effective settings and names ---- */

struct ers_bgp_cfg ers_bgp_cfg_merge(const struct ers_bgp_cfg *defaults,
				     const struct ers_bgp_cfg *over)
{
	struct ers_bgp_cfg r = defaults ? *defaults : bgp_builtin;

	if (!over)
		return r;
	if (over->set & ERS_SET_KEEPALIVE)
		r.keepalive = over->keepalive;
	if (over->set & ERS_SET_HOLD)
		r.hold = over->hold;
	if (over->set & ERS_SET_MRAI)
		r.mrai = over->mrai;
	if (over->set & ERS_SET_PROC_DELAY)
		r.processing_delay = over->processing_delay;
	if (over->set & ERS_SET_CONNECT_RETRY)
		r.connect_retry = over->connect_retry;
	if (over->set & ERS_SET_MRAI_WITHDRAWALS)
		r.mrai_withdrawals = over->mrai_withdrawals;
	r.set |= over->set;
	if (over->set)
		r.line = over->line;
	return r;
}

struct ers_bfd_cfg ers_bfd_cfg_merge(const struct ers_bfd_cfg *defaults,
				     const struct ers_bfd_cfg *over)
{
	struct ers_bfd_cfg r = defaults ? *defaults : bfd_builtin;

	if (!over)
		return r;
	if (over->set & ERS_SET_BFD_ENABLED)
		r.enabled = over->enabled;
	if (over->set & ERS_SET_BFD_INTERVAL)
		r.interval = over->interval;
	if (over->set & ERS_SET_BFD_MULT)
		r.multiplier = over->multiplier;
	r.set |= over->set;
	if (over->set)
		r.line = over->line;
	return r;
}

enum ers_carrier ers_link_carrier(const struct ers_scenario *s,
				  const struct ers_circuit *c,
				  const struct ers_link *l)
{
	if (l->carrier != ERS_CARRIER_DEFAULT)
		return l->carrier;
	if (c->provider >= 0 && (size_t)c->provider < s->n_providers &&
	    s->providers[c->provider].model == ERS_PROVIDER_DIRECT)
		return ERS_CARRIER_INTERFACE;
	/* layer2 and layer3: the break is inside the provider's network */
	return ERS_CARRIER_PROVIDER;
}

enum ers_carrier ers_site_link_carrier(const struct ers_scenario *s,
				       const struct ers_site_link *sl)
{
	if (sl->carrier != ERS_CARRIER_DEFAULT)
		return sl->carrier;
	if (sl->provider >= 0 && (size_t)sl->provider < s->n_providers &&
	    s->providers[sl->provider].model != ERS_PROVIDER_DIRECT)
		return ERS_CARRIER_PROVIDER;
	return ERS_CARRIER_INTERFACE;
}

uint32_t ers_default_router_id(unsigned first_octet, size_t index, size_t sub)
{
	return (uint32_t)first_octet << 24 | (uint32_t)(index + 1) << 8 | (uint32_t)(sub + 1);
}

static void decision_inherit(struct ers_decision_cfg *d, const struct ers_decision_cfg *from)
{
	if (d->tie_break == ERS_TIE_UNSET)
		d->tie_break = from->tie_break;
	if (d->always_compare_med < 0)
		d->always_compare_med = from->always_compare_med;
}

struct ers_decision_cfg ers_scenario_decision(const struct ers_scenario *s, int site,
					      int router)
{
	struct ers_decision_cfg d = { ERS_TIE_UNSET, -1 };
	static const struct ers_decision_cfg builtin = { ERS_TIE_OLDEST, 0 };

	if (site >= 0 && router >= 0)
		decision_inherit(&d, &s->sites[site].routers[router].decision);
	if (site >= 0)
		decision_inherit(&d, &s->sites[site].decision);
	decision_inherit(&d, &s->decision);
	decision_inherit(&d, &builtin);
	return d;
}

const char *ers_sku_str(enum ers_sku s)
{
	switch (s) {
	case ERS_SKU_LOCAL: return "local";
	case ERS_SKU_STANDARD: return "standard";
	case ERS_SKU_PREMIUM: return "premium";
	}
	return "?";
}

const char *ers_gw_sku_str(enum ers_gw_sku s)
{
	switch (s) {
	case ERS_GW_STANDARD: return "standard";
	case ERS_GW_HIGHPERF: return "highperformance";
	case ERS_GW_ULTRAPERF: return "ultraperformance";
	case ERS_GW_ERGW1AZ: return "ergw1az";
	case ERS_GW_ERGW2AZ: return "ergw2az";
	case ERS_GW_ERGW3AZ: return "ergw3az";
	case ERS_GW_ERGWSCALE: return "ergwscale";
	}
	return "?";
}

const char *ers_role_str(enum ers_role r)
{
	return r == ERS_ROLE_PRIMARY ? "primary" : r == ERS_ROLE_SECONDARY ? "secondary" : "?";
}

const char *ers_provider_model_str(enum ers_provider_model m)
{
	switch (m) {
	case ERS_PROVIDER_LAYER2: return "layer2";
	case ERS_PROVIDER_LAYER3: return "layer3";
	case ERS_PROVIDER_DIRECT: return "direct";
	}
	return "?";
}

const char *ers_action_str(enum ers_action a)
{
	switch (a) {
	case ERS_ACT_FAIL: return "fail";
	case ERS_ACT_RESTORE: return "restore";
	case ERS_ACT_MAINTENANCE: return "maintenance";
	case ERS_ACT_ANNOUNCE: return "announce";
	case ERS_ACT_WITHDRAW: return "withdraw";
	}
	return "?";
}

const char *ers_relationship_str(enum ers_relationship r)
{
	switch (r) {
	case ERS_REL_CUSTOMER: return "customer";
	case ERS_REL_PROVIDER: return "provider";
	case ERS_REL_PEER: return "peer";
	default: return "none";
	}
}
