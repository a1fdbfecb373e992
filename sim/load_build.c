/*
 * load_build.c - a validated scenario tree into a struct ers_scenario
 * (scenario.h, docs/scenario-format.md): values parsed with units.c and
 * held to their ranges (so no sum the simulator forms can overflow), ids
 * checked for form and duplicates, references resolved to indices, in
 * dependency order, every problem reported as file:line.
 *
 * The builder never trusts the schema: when validation fails, load.c still
 * runs it so that its precise messages can replace libxml2's vague ones
 * (load_xml.c), so every attribute is checked as if it might be missing
 * or malformed. Meaning that needs the catalog (SKU reach, Global Reach
 * rules, reserved ASNs, limits) is check.c's. A <geography> element goes
 * to catalog_xml.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "catalog_xml.h"
#include "ersim/scenario.h"
#include "ersim/target.h"
#include "ersim/units.h"
#include "ersim/util.h"
#include "load_int.h"

/* An id declared in the file (see seen_before()). */
struct id_seen {
	const char *kind, *id;		/* kind is a string literal */
	long line;
};

struct builder {
	struct ers_scenario *s;
	struct ers_diag *d;
	const char *file;
	bool nomem;
	int n_errors;
	size_t n_sites_total;		/* <site> elements in the file */
	uint64_t n_prefixes;		/* originated so far (count_prefixes()) */
	struct id_seen *seen;		/* ids declared so far (check_dup) */
	size_t n_seen, cap_seen;
	int *site_slots;		/* site id -> index + 1, 0 = empty */
	size_t site_cap;
	bool site_failed;		/* no memory for the table: search */
	long last_line;			/* flows after it are not read */
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

#define line_of ers_xml_line
#define ename ers_xml_name

static void lerr(struct builder *B, enum ers_err code, xmlNodePtr n,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void lerr(struct builder *B, enum ers_err code, xmlNodePtr n,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ers_diag_vadd(B->d, code, B->file, line_of(n), NULL, fmt, ap);
	va_end(ap);
	B->n_errors++;
}

static void oom(struct builder *B)
{
	if (!B->nomem)
		ers_diag_add(B->d, ERS_ENOMEM, B->file, 0, NULL, "out of memory");
	B->nomem = true;
	B->n_errors++;
}

static void *lcalloc(struct builder *B, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	p = calloc(n, size);
	if (!p)
		oom(B);
	return p;
}

static char *lstrdup(struct builder *B, const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		oom(B);
	return p;
}

/* ---- attributes ---- */

/* The attribute's value (free with xmlFree), or NULL; reports a missing
 * required one. */
static char *attr(struct builder *B, xmlNodePtr n, const char *name, bool req)
{
	char *v = (char *)xmlGetNoNsProp(n, (const xmlChar *)name);

	if (!v && req)
		lerr(B, ERS_ESCHEMA, n, "<%s> needs attribute '%s'", ename(n), name);
	return v;
}

/*
 * The same value without a copy where the tree holds it as one text node,
 * as the parser leaves every value without entities (an Internet scenario
 * reads 200,000 values: a copy each was a fifth of building it). Else the
 * value is copied into *copy, as xmlGetNoNsProp() would return it; free
 * *copy with xmlFree either way. NULL when absent.
 */
static const char *attr_peek(struct builder *B, xmlNodePtr n, const char *name, bool req,
			     xmlChar **copy)
{
	xmlAttrPtr a;
	xmlNodePtr t;

	/* xmlHasNsProp(n, name, NULL) without a call per attribute: the tree
	 * has no DTD (load_xml.c refuses one), so no default attributes */
	for (a = n->properties; a; a = a->next)
		if (!a->ns && a->name[0] == (xmlChar)name[0] && !strcmp((const char *)a->name, name))
			break;
	t = a && a->type == XML_ATTRIBUTE_NODE ? a->children : NULL;
	*copy = NULL;
	if (t && !t->next && (t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE) &&
	    t->content)
		return (const char *)t->content;
	if (a) {
		*copy = xmlGetNoNsProp(n, (const xmlChar *)name);
		if (!*copy)
			oom(B);
		return (const char *)*copy;
	}
	if (req)
		lerr(B, ERS_ESCHEMA, n, "<%s> needs attribute '%s'", ename(n), name);
	return NULL;
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
static int get_val(struct builder *B, xmlNodePtr n, const char *name, bool req,
		   value_fn *fn, void *out)
{
	const char *why = "invalid value";
	xmlChar *copy;
	const char *v = attr_peek(B, n, name, req, &copy);
	int rc = 1;

	if (!v)
		return req ? -1 : 0;
	if (fn(v, out, &why)) {
		lerr(B, ERS_ESCHEMA, n, "invalid %s '%s' on <%s>: %s", name, v,
		     ename(n), why);
		rc = -1;
	}
	xmlFree(copy);
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

static void out_of_range(struct builder *B, xmlNodePtr n, const char *name,
			 const char *max)
{
	ers_diag_add(B->d, ERS_ESCENARIO, B->file, line_of(n),
		     "see \"Ranges\" in docs/scenario-format.md",
		     "'%s' on <%s> is out of range: at most %s", name, ename(n), max);
	B->n_errors++;
}

/* A time in 0..max (1ns..max when positive). */
static int get_time(struct builder *B, xmlNodePtr n, const char *name, bool req,
		    bool positive, ers_time_t max, ers_time_t *out)
{
	ers_time_t t;
	int rc = get_val(B, n, name, req, v_time, &t);
	char a[48];

	if (rc == 1 && positive && t == 0) {
		lerr(B, ERS_ESCENARIO, n, "'%s' on <%s> must be greater than zero",
		     name, ename(n));
		return -1;
	}
	if (rc == 1 && t > max) {
		out_of_range(B, n, name, ers_time_str(max, a, sizeof a));
		return -1;
	}
	if (rc == 1)
		*out = t;
	return rc;
}

/* A required rate in 1bps..MAX_RATE. */
static int get_rate(struct builder *B, xmlNodePtr n, const char *name, ers_rate_t *out)
{
	ers_rate_t r;
	int rc = get_val(B, n, name, true, v_rate, &r);
	char a[48];

	if (rc == 1 && r == 0) {
		lerr(B, ERS_ESCENARIO, n, "'%s' on <%s> must be greater than zero", name, ename(n));
		return -1;
	}
	if (rc == 1 && r > MAX_RATE) {
		out_of_range(B, n, name, ers_rate_str(MAX_RATE, a, sizeof a));
		return -1;
	}
	if (rc == 1)
		*out = r;
	return rc;
}

static int get_uint(struct builder *B, xmlNodePtr n, const char *name, bool req,
		    uint64_t min, uint64_t max, uint64_t *out)
{
	const char *why;
	xmlChar *copy;
	const char *v = attr_peek(B, n, name, req, &copy);
	int rc = 1;

	if (!v)
		return req ? -1 : 0;
	if (ers_parse_uint(v, min, max, out, &why)) {
		lerr(B, ERS_ESCHEMA, n, "invalid %s '%s' on <%s>: expected a whole number %llu..%llu",
		     name, v, ename(n), (unsigned long long)min, (unsigned long long)max);
		rc = -1;
	}
	xmlFree(copy);
	return rc;
}

static int get_u32(struct builder *B, xmlNodePtr n, const char *name,
		   uint64_t min, uint64_t max, uint32_t *out)
{
	uint64_t v;
	int rc = get_uint(B, n, name, false, min, max, &v);

	if (rc == 1)
		*out = (uint32_t)v;
	return rc;
}

/* A string attribute copied into the scenario. */
static int get_str(struct builder *B, xmlNodePtr n, const char *name, bool req,
		   char **out)
{
	xmlChar *copy;
	const char *v = attr_peek(B, n, name, req, &copy);

	if (!v)
		return req ? -1 : 0;
	*out = lstrdup(B, v);
	xmlFree(copy);
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
static int get_id(struct builder *B, xmlNodePtr n, const char *name, char **out)
{
	int rc = get_str(B, n, name, true, out);

	if (rc == 1 && !id_ok(*out)) {
		ers_diag_add(B->d, ERS_ESCHEMA, B->file, line_of(n),
			     "for example 'er-ams-1' or 'hub_weu'",
			     "invalid %s '%s' on <%s>: an id starts with an ASCII letter and "
			     "continues with letters, digits, '_', '.' or '-'", name, *out, ename(n));
		B->n_errors++;
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

static int get_enum(struct builder *B, xmlNodePtr n, const char *name, bool req,
		    const struct keyword *kw, const char *expected, int *out)
{
	xmlChar *copy;
	const char *v = attr_peek(B, n, name, req, &copy);

	if (!v)
		return req ? -1 : 0;
	for (const struct keyword *k = kw; k->word; k++) {
		if (!strcmp(v, k->word)) {
			*out = k->value;
			xmlFree(copy);
			return 1;
		}
	}
	lerr(B, ERS_ESCHEMA, n, "invalid %s '%s' on <%s>: expected %s", name, v,
	     ename(n), expected);
	xmlFree(copy);
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
 * per AS) and every site-link names two: their ids are hashed, in a table
 * sized for every site of the file at the first insertion, so it never
 * grows.
 */
static uint32_t hash_id(const char *id)
{
	uint32_t h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h;
}

static int find_site(const struct builder *B, const char *id)
{
	const struct ers_scenario *s = B->s;

	if (!B->site_cap)
		FIND_ID(s->sites, s->n_sites, id);
	for (size_t i = hash_id(id) & (B->site_cap - 1); B->site_slots[i];
	     i = (i + 1) & (B->site_cap - 1))
		if (!strcmp(s->sites[B->site_slots[i] - 1].id, id))
			return B->site_slots[i] - 1;
	return -1;
}

/* Index site i (its id is set). */
static void index_site(struct builder *B, size_t n_sites, size_t i)
{
	if (!B->site_slots && !B->site_failed) {
		size_t cap;

		for (cap = 16; cap < 2 * n_sites; cap *= 2)
			;
		B->site_slots = lcalloc(B, cap, sizeof *B->site_slots);
		if (!B->site_slots) {
			B->site_failed = true;
			return;
		}
		B->site_cap = cap;
	}
	if (!B->site_cap)
		return;
	size_t k = hash_id(B->s->sites[i].id) & (B->site_cap - 1);
	while (B->site_slots[k])
		k = (k + 1) & (B->site_cap - 1);
	B->site_slots[k] = (int)i + 1;
}
static int find_provider(const struct builder *B, const char *id) { FIND_ID(B->s->providers, B->s->n_providers, id); }
static int find_circuit(const struct builder *B, const char *id) { FIND_ID(B->s->circuits, B->s->n_circuits, id); }
static int find_vnet(const struct builder *B, const char *id) { FIND_ID(B->s->vnets, B->s->n_vnets, id); }
static int find_vpn(const struct builder *B, const char *id) { FIND_ID(B->s->vpns, B->s->n_vpns, id); }
static int find_srlg(const struct builder *B, const char *id) { FIND_ID(B->s->srlgs, B->s->n_srlgs, id); }
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
static long seen_before(struct builder *B, const char *kind, const char *id, long line)
{
	size_t i;

	if (2 * (B->n_seen + 1) > B->cap_seen) {
		size_t cap = B->cap_seen ? 2 * B->cap_seen : 64;
		struct id_seen *v = calloc(cap, sizeof *v);

		if (!v)
			return oom(B), 0;
		for (size_t k = 0; k < B->cap_seen; k++) {
			if (!B->seen[k].id)
				continue;
			i = hash_kind_id(B->seen[k].kind, B->seen[k].id) & (cap - 1);
			while (v[i].id)
				i = (i + 1) & (cap - 1);
			v[i] = B->seen[k];
		}
		free(B->seen);
		B->seen = v;
		B->cap_seen = cap;
	}
	for (i = hash_kind_id(kind, id) & (B->cap_seen - 1); B->seen[i].id;
	     i = (i + 1) & (B->cap_seen - 1))
		if (!strcmp(B->seen[i].kind, kind) && !strcmp(B->seen[i].id, id))
			return B->seen[i].line > 0 ? B->seen[i].line : 1;
	B->seen[i] = (struct id_seen){ kind, id, line };
	B->n_seen++;
	return 0;
}

/* Report id as a duplicate if an earlier element of the kind has it. */
static void check_dup(struct builder *B, xmlNodePtr n, const char *kind, const char *id)
{
	long first_line = seen_before(B, kind, id, line_of(n));

	if (first_line > 0)
		lerr(B, ERS_ESCENARIO, n, "duplicate %s id '%s' (first defined at line %ld)",
		     kind, id, first_line);
}

/* Resolve "site/router"; reports and returns false when it names nothing. */
static bool resolve_router(struct builder *B, xmlNodePtr n, const char *text,
			   const char *what, struct ers_router_ref *out)
{
	const char *slash = strchr(text, '/');
	char site_id[256];
	size_t len;
	int si, ri;

	out->site = out->router = -1;
	if (!slash || slash == text || !slash[1] || strchr(slash + 1, '/')) {
		lerr(B, ERS_ESCHEMA, n, "invalid %s '%s' on <%s>: expected site/router",
		     what, text, ename(n));
		return false;
	}
	len = (size_t)(slash - text);
	if (len >= sizeof site_id) {
		lerr(B, ERS_ESCENARIO, n, "unknown site in %s '%s' on <%s>", what, text, ename(n));
		return false;
	}
	memcpy(site_id, text, len);
	site_id[len] = 0;
	si = find_site(B, site_id);
	if (si < 0) {
		lerr(B, ERS_ESCENARIO, n, "unknown site '%s' in %s '%s' on <%s>",
		     site_id, what, text, ename(n));
		return false;
	}
	ri = find_router(&B->s->sites[si], slash + 1);
	if (ri < 0) {
		lerr(B, ERS_ESCENARIO, n, "site '%s' has no router '%s' (%s '%s' on <%s>)",
		     site_id, slash + 1, what, text, ename(n));
		return false;
	}
	out->site = si;
	out->router = ri;
	return true;
}

static bool get_router_ref(struct builder *B, xmlNodePtr n, const char *name,
			   struct ers_router_ref *out)
{
	xmlChar *copy;
	const char *v = attr_peek(B, n, name, true, &copy);
	bool ok;

	out->site = out->router = -1;
	if (!v)
		return false;
	ok = resolve_router(B, n, v, name, out);
	xmlFree(copy);
	return ok;
}

/* An attribute naming an object of one kind; -1 when absent or unknown. */
static int get_ref(struct builder *B, xmlNodePtr n, const char *name, const char *kind,
		   int (*find)(const struct builder *, const char *))
{
	xmlChar *copy;
	const char *v = attr_peek(B, n, name, true, &copy);
	int i;

	if (!v)
		return -1;
	i = find(B, v);
	if (i < 0)
		lerr(B, ERS_ESCENARIO, n, "unknown %s '%s' in '%s' of <%s>", kind, v,
		     name, ename(n));
	xmlFree(copy);
	return i;
}

/* ---- protocol settings and policy ---- */

static void parse_bgp(struct builder *B, xmlNodePtr n, struct ers_bgp_cfg *c)
{
	c->line = line_of(n);
	if (get_time(B, n, "keepalive", false, false, MAX_BGP_TIMER, &c->keepalive) == 1)
		c->set |= ERS_SET_KEEPALIVE;
	if (get_time(B, n, "hold", false, false, MAX_BGP_TIMER, &c->hold) == 1)
		c->set |= ERS_SET_HOLD;
	if (get_time(B, n, "mrai", false, false, MAX_BGP_TIMER, &c->mrai) == 1)
		c->set |= ERS_SET_MRAI;
	if (get_time(B, n, "processing-delay", false, false, MAX_DELAY, &c->processing_delay) == 1)
		c->set |= ERS_SET_PROC_DELAY;
	if (get_time(B, n, "connect-retry", false, true, MAX_BGP_TIMER, &c->connect_retry) == 1)
		c->set |= ERS_SET_CONNECT_RETRY;
	if (get_val(B, n, "mrai-withdrawals", false, v_bool, &c->mrai_withdrawals) == 1)
		c->set |= ERS_SET_MRAI_WITHDRAWALS;
}

/* RFC 4271 4.2 and 10: hold time 0 (no keepalives) or at least 3 s, and
 * keepalive shorter than the hold time. Checked on the effective values,
 * so an override of hold alone is held against the default keepalive. */
static void check_bgp(struct builder *B, xmlNodePtr n, const struct ers_bgp_cfg *eff)
{
	char a[48], b[48];

	if (eff->hold != 0 && eff->hold < 3 * ERS_S)
		lerr(B, ERS_ESCENARIO, n, "hold time %s on <bgp> must be 0 or at least 3s",
		     ers_time_str(eff->hold, a, sizeof a));
	else if (eff->hold != 0 && eff->keepalive == 0)
		lerr(B, ERS_ESCENARIO, n, "keepalive on <bgp> must be greater than zero "
		     "unless the hold time is 0");
	else if (eff->hold != 0 && eff->keepalive >= eff->hold)
		lerr(B, ERS_ESCENARIO, n, "keepalive %s on <bgp> must be shorter than the hold time %s",
		     ers_time_str(eff->keepalive, a, sizeof a),
		     ers_time_str(eff->hold, b, sizeof b));
}

static void parse_bfd(struct builder *B, xmlNodePtr n, struct ers_bfd_cfg *c)
{
	uint64_t m;

	c->line = line_of(n);
	if (get_val(B, n, "enabled", false, v_bool, &c->enabled) == 1)
		c->set |= ERS_SET_BFD_ENABLED;
	if (get_time(B, n, "interval", false, true, MAX_BFD_INTERVAL, &c->interval) == 1)
		c->set |= ERS_SET_BFD_INTERVAL;
	/* RFC 5880: Detect Mult is one octet and must not be zero */
	if (get_uint(B, n, "multiplier", false, 1, 255, &m) == 1) {
		c->multiplier = (unsigned)m;
		c->set |= ERS_SET_BFD_MULT;
	}
}

/* <gateway convergence-min convergence-typical convergence-max>, in
 * <defaults> or a <vnet>; their order is check.c's. */
static void parse_gw_conv(struct builder *B, xmlNodePtr n, struct ers_gw_conv *c)
{
	c->line = line_of(n);
	if (get_time(B, n, "convergence-min", false, false, MAX_GW_CONV, &c->min) == 1)
		c->set |= ERS_SET_CONV_MIN;
	if (get_time(B, n, "convergence-typical", false, false, MAX_GW_CONV, &c->typical) == 1)
		c->set |= ERS_SET_CONV_TYPICAL;
	if (get_time(B, n, "convergence-max", false, false, MAX_GW_CONV, &c->max) == 1)
		c->set |= ERS_SET_CONV_MAX;
}

/* Space-separated communities, stored sorted and unique. */
static int cmp_comm(const void *a, const void *b)
{
	ers_community_t x = *(const ers_community_t *)a, y = *(const ers_community_t *)b;

	return x < y ? -1 : x > y;
}

static void parse_communities(struct builder *B, xmlNodePtr n, struct ers_rule *r)
{
	char *v = attr(B, n, "communities", false);
	char *save = NULL, *tok;
	size_t cap, k = 0;
	const char *why;

	if (!v)
		return;
	cap = strlen(v) / 2 + 1;
	r->communities = lcalloc(B, cap, sizeof *r->communities);
	for (tok = strtok_r(v, " \t\r\n", &save); tok && r->communities;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (ers_parse_community(tok, &r->communities[k], &why)) {
			lerr(B, ERS_ESCHEMA, n, "invalid community '%s' in 'communities' on <%s>: %s",
			     tok, ename(n), why);
			continue;
		}
		k++;
	}
	if (k == 0 && r->communities)
		lerr(B, ERS_ESCHEMA, n, "'communities' on <%s> lists no community", ename(n));
	if (k > 1)
		qsort(r->communities, k, sizeof *r->communities, cmp_comm);
	for (size_t i = 0; i < k; i++)
		if (r->n_communities == 0 || r->communities[r->n_communities - 1] != r->communities[i])
			r->communities[r->n_communities++] = r->communities[i];
	xmlFree(v);
}

static void parse_rule(struct builder *B, xmlNodePtr n, struct ers_rule *r, bool import)
{
	char *v;
	const char *why;
	uint64_t u;

	r->line = line_of(n);
	v = attr(B, n, "match-prefix", false);
	if (v) {
		if (ers_parse_prefix_range(v, &r->match_prefix, &r->match_le, &why))
			lerr(B, ERS_ESCHEMA, n, "invalid match-prefix '%s' on <%s>: %s", v, ename(n), why);
		else
			r->has_match_prefix = true;
		xmlFree(v);
	}
	get_val(B, n, "deny", false, v_bool, &r->deny);
	if (import) {
		if (get_val(B, n, "match-community", false, v_comm, &r->match_community) == 1)
			r->has_match_community = true;
		r->has_local_pref = get_u32(B, n, "local-pref", 0, UINT32_MAX, &r->local_pref) == 1;
		r->has_weight = get_u32(B, n, "weight", 0, 65535, &r->weight) == 1;
		return;
	}
	r->has_med = get_u32(B, n, "med", 0, UINT32_MAX, &r->med) == 1;
	if (get_uint(B, n, "prepend", false, 0, 255, &u) == 1)
		r->prepend = (unsigned)u;
	parse_communities(B, n, r);
}

static void parse_policy(struct builder *B, xmlNodePtr parent, const char *name,
			 struct ers_policy *p)
{
	size_t n = count_elems(parent, name);

	p->rules = lcalloc(B, n, sizeof *p->rules);
	if (!p->rules)
		return;
	FOR_EACH_ELEM(c, parent)
		if (is(c, name))
			parse_rule(B, c, &p->rules[p->n_rules++], name[0] == 'i');
}

/* import/export rules and bgp/bfd overrides of one session. */
static void parse_session(struct builder *B, xmlNodePtr parent, struct ers_session_cfg *cfg)
{
	xmlNodePtr bgp = NULL, bfd = NULL;

	parse_policy(B, parent, "import", &cfg->import);
	parse_policy(B, parent, "export", &cfg->export);
	FOR_EACH_ELEM(c, parent) {
		xmlNodePtr *seen = is(c, "bgp") ? &bgp : is(c, "bfd") ? &bfd : NULL;

		if (!seen)
			continue;
		if (*seen) {
			lerr(B, ERS_ESCHEMA, c, "second <%s> in <%s> (first at line %ld)",
			     ename(c), ename(parent), line_of(*seen));
			continue;
		}
		*seen = c;
	}
	if (bgp) {
		struct ers_bgp_cfg eff;

		parse_bgp(B, bgp, &cfg->bgp);
		eff = ers_bgp_cfg_merge(&B->s->bgp, &cfg->bgp);
		check_bgp(B, bgp, &eff);
	}
	if (bfd)
		parse_bfd(B, bfd, &cfg->bfd);
}

static const struct keyword tie_breaks[] = {
	{ "oldest", ERS_TIE_OLDEST }, { "router-id", ERS_TIE_ROUTER_ID }, { NULL, 0 },
};

/* tie-break and always-compare-med on <decision>, <site> or <router>. */
static void parse_decision(struct builder *B, xmlNodePtr n, struct ers_decision_cfg *d)
{
	int tie;
	bool always;

	d->tie_break = ERS_TIE_UNSET;
	d->always_compare_med = -1;
	if (get_enum(B, n, "tie-break", false, tie_breaks, "'oldest' or 'router-id'", &tie) == 1)
		d->tie_break = (enum ers_tie_break)tie;
	if (get_val(B, n, "always-compare-med", false, v_bool, &always) == 1)
		d->always_compare_med = always;
}

/* ---- scenario-level elements ---- */

static void parse_defaults(struct builder *B, xmlNodePtr n)
{
	xmlNodePtr bgp = NULL, bfd = NULL, dec = NULL, gw = NULL;

	FOR_EACH_ELEM(c, n) {
		xmlNodePtr *seen = is(c, "bgp") ? &bgp : is(c, "bfd") ? &bfd :
				   is(c, "decision") ? &dec : is(c, "gateway") ? &gw : NULL;

		if (!seen)
			continue;
		if (*seen)
			lerr(B, ERS_ESCHEMA, c, "second <%s> in <defaults> (first at line %ld)",
			     ename(c), line_of(*seen));
		else
			*seen = c;
	}
	if (bgp) {
		parse_bgp(B, bgp, &B->s->bgp);
		check_bgp(B, bgp, &B->s->bgp);
	}
	if (bfd)
		parse_bfd(B, bfd, &B->s->bfd);
	if (dec)
		parse_decision(B, dec, &B->s->decision);
	if (gw)
		parse_gw_conv(B, gw, &B->s->gw_conv);
}

static void parse_router(struct builder *B, xmlNodePtr n, struct ers_site *site)
{
	struct ers_router *r = &site->routers[site->n_routers];
	int dup;

	r->line = line_of(n);
	if (get_id(B, n, "id", &r->id) != 1)
		return;
	dup = find_router(site, r->id);
	if (dup >= 0)
		lerr(B, ERS_ESCENARIO, n, "duplicate router id '%s' in site '%s' (first defined at line %ld)",
		     r->id, site->id ? site->id : "?", site->routers[dup].line);
	if (get_val(B, n, "router-id", false, v_ipv4, &r->router_id) == 1)
		r->has_router_id = true;
	get_time(B, n, "processing-delay", false, false, MAX_DELAY, &r->processing_delay);
	r->has_prefix_delay = get_time(B, n, "prefix-delay", false, false, MAX_DELAY,
				       &r->prefix_delay) == 1;
	get_time(B, n, "fib-delay", false, false, MAX_DELAY, &r->fib_delay);
	if (get_val(B, n, "route-reflector", false, v_bool, &r->route_reflector) == 1)
		r->has_route_reflector = true;
	if (get_val(B, n, "cluster-id", false, v_ipv4, &r->cluster_id) == 1) {
		r->has_cluster_id = true;
		if (!r->route_reflector)
			lerr(B, ERS_ESCENARIO, n, "cluster-id on router '%s' that is not a route reflector; add route-reflector=\"true\" or remove cluster-id (clients need no cluster id, RFC 4456)",
			     r->id);
	}
	parse_decision(B, n, &r->decision);
	if (site->id && r->id) {
		/* "site/router", joined by hand: snprintf took a fifth of
		 * reading an Internet scenario's sites */
		size_t ls = strlen(site->id), lr = strlen(r->id);

		r->full_id = malloc(ls + lr + 2);
		if (!r->full_id) {
			oom(B);
		} else {
			memcpy(r->full_id, site->id, ls);
			r->full_id[ls] = '/';
			memcpy(r->full_id + ls + 1, r->id, lr + 1);
		}
	}
	site->n_routers++;
}

/* The optional router attribute of <prefix> / <prefix-block>. */
static int origin_router(struct builder *B, xmlNodePtr n, const struct ers_site *site)
{
	char *v = attr(B, n, "router", false);
	int i;

	if (!v)
		return -1;
	i = find_router(site, v);
	if (i < 0)
		lerr(B, ERS_ESCENARIO, n, "site '%s' has no router '%s' (router of <%s>)",
		     site->id ? site->id : "?", v, ename(n));
	xmlFree(v);
	return i;
}

/* Every route is simulated: bound what one file may originate. */
static void count_prefixes(struct builder *B, xmlNodePtr n, uint64_t count)
{
	B->n_prefixes += count;
	if (B->n_prefixes > MAX_PREFIXES && B->n_prefixes - count <= MAX_PREFIXES) {
		ers_diag_add(B->d, ERS_ESCENARIO, B->file, line_of(n),
			     "see \"Ranges\" in docs/scenario-format.md",
			     "more than %d prefixes originated in the scenario", MAX_PREFIXES);
		B->n_errors++;
	}
}

static void parse_origin(struct builder *B, xmlNodePtr n, struct ers_site *site)
{
	struct ers_origin *o = &site->origins[site->n_origins++];
	const char *why;
	uint64_t count;

	o->line = line_of(n);
	o->router = origin_router(B, n, site);
	o->count = 1;
	if (is(n, "prefix")) {
		char *text = (char *)xmlNodeGetContent(n);

		if (!text) {
			oom(B);
			return;
		}
		if (ers_parse_prefix(text, &o->first, &why))
			lerr(B, ERS_ESCHEMA, n, "invalid prefix '%s' in <prefix>: %s", text, why);
		xmlFree(text);
		count_prefixes(B, n, 1);
		return;
	}
	if (get_val(B, n, "start", true, v_prefix, &o->first) != 1)
		return;
	if (get_uint(B, n, "count", true, 1, MAX_BLOCK, &count) != 1)
		return;
	o->count = (uint32_t)count;
	count_prefixes(B, n, count);
	if (!ers_prefix_nth(o->first, o->count - 1, &(struct ers_prefix){ 0 })) {
		char buf[24];

		lerr(B, ERS_ESCENARIO, n, "<prefix-block> of %u prefixes from %s runs past 255.255.255.255",
		     o->count, ers_prefix_str(o->first, buf, sizeof buf));
	}
}

static void parse_site(struct builder *B, xmlNodePtr n)
{
	struct ers_site *site = &B->s->sites[B->s->n_sites];
	size_t n_routers = count_elems(n, "router");
	size_t n_origins = count_elems(n, "prefix") + count_elems(n, "prefix-block");

	site->line = line_of(n);
	site->multipath = true;
	site->internal_delay = 500 * ERS_US;
	if (get_id(B, n, "id", &site->id) == 1)
		check_dup(B, n, "site", site->id);
	B->s->n_sites++;
	if (site->id)
		index_site(B, B->n_sites_total, B->s->n_sites - 1);
	get_val(B, n, "asn", true, v_asn, &site->asn);
	get_val(B, n, "multipath", false, v_bool, &site->multipath);
	get_time(B, n, "internal-delay", false, false, MAX_DELAY, &site->internal_delay);
	parse_decision(B, n, &site->decision);
	site->routers = lcalloc(B, n_routers, sizeof *site->routers);
	site->origins = lcalloc(B, n_origins, sizeof *site->origins);
	if (n_routers == 0)
		lerr(B, ERS_ESCENARIO, n, "site '%s' has no <router>", site->id ? site->id : "?");
	if ((n_routers && !site->routers) || (n_origins && !site->origins))
		return;
	FOR_EACH_ELEM(c, n)
		if (is(c, "router"))
			parse_router(B, c, site);
	FOR_EACH_ELEM(c, n)
		if (is(c, "prefix") || is(c, "prefix-block"))
			parse_origin(B, c, site);
}

static const struct keyword provider_models[] = {
	{ "layer2", ERS_PROVIDER_LAYER2 }, { "layer3", ERS_PROVIDER_LAYER3 },
	{ "direct", ERS_PROVIDER_DIRECT }, { NULL, 0 },
};

static void parse_provider(struct builder *B, xmlNodePtr n)
{
	struct ers_provider *p = &B->s->providers[B->s->n_providers];
	int model = ERS_PROVIDER_LAYER2, has_asn;

	p->line = line_of(n);
	if (get_id(B, n, "id", &p->id) == 1)
		check_dup(B, n, "provider", p->id);
	B->s->n_providers++;
	if (get_enum(B, n, "model", true, provider_models,
		     "'layer2', 'layer3' or 'direct'", &model) != 1)
		return;
	p->model = (enum ers_provider_model)model;
	has_asn = get_val(B, n, "asn", false, v_asn, &p->asn);
	if (p->model == ERS_PROVIDER_LAYER3 && has_asn == 0)
		lerr(B, ERS_ESCHEMA, n, "<provider> of model 'layer3' needs attribute 'asn'");
	else if (p->model != ERS_PROVIDER_LAYER3 && has_asn == 1)
		lerr(B, ERS_ESCHEMA, n, "'asn' on <provider> applies only to model 'layer3'");
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

static void parse_link(struct builder *B, xmlNodePtr n, struct ers_circuit *c,
		       xmlNodePtr seen[2])
{
	int role, carrier = ERS_CARRIER_DEFAULT;
	struct ers_link *l;

	if (get_enum(B, n, "role", true, roles, "'primary' or 'secondary'", &role) != 1)
		return;
	if (seen[role]) {
		lerr(B, ERS_ESCENARIO, n, "circuit '%s' has a second %s <link> (first at line %ld)",
		     c->id ? c->id : "?", ers_role_str((enum ers_role)role), line_of(seen[role]));
		return;
	}
	seen[role] = n;
	l = &c->links[role];
	l->role = (enum ers_role)role;
	l->line = line_of(n);
	l->delay = ERS_MS;
	get_router_ref(B, n, "router", &l->ce);
	get_time(B, n, "delay", false, false, MAX_DELAY, &l->delay);
	get_enum(B, n, "carrier", false, carriers, "'provider' or 'interface'", &carrier);
	if (get_val(B, n, "msee-router-id", false, v_ipv4, &l->msee_router_id) == 1)
		l->has_msee_router_id = true;
	if (get_val(B, n, "pe-router-id", false, v_ipv4, &l->pe_router_id) == 1)
		l->has_pe_router_id = true;
	l->carrier = (enum ers_carrier)carrier;
	parse_session(B, n, &l->cfg);
}

/* A space-separated list of name's tokens, each parsed by fn into an
 * element of size sz; *out and *n set (the list may be empty). */
static void *parse_list(struct builder *B, xmlNodePtr n, const char *name, size_t sz,
			enum ers_err (*fn)(const char *, void *, const char **), size_t *count)
{
	char *text = attr(B, n, name, false), *save = NULL, *tok;
	char *out;
	const char *why;

	*count = 0;
	if (!text)
		return NULL;
	out = lcalloc(B, strlen(text) / 2 + 1, sz);
	for (tok = strtok_r(text, " \t\r\n", &save); tok && out;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (fn(tok, out + *count * sz, &why))
			lerr(B, ERS_ESCHEMA, n, "invalid value '%s' in '%s' on <%s>: %s",
			     tok, name, ename(n), why);
		else
			(*count)++;
	}
	xmlFree(text);
	return out;
}

/* <microsoft-peering prefixes route-filter?>: check.c says what may be
 * advertised and filtered. */
static const struct keyword ms_nats[] = {
	{ "shared", ERS_MS_NAT_SHARED }, { "per-link", ERS_MS_NAT_PER_LINK }, { NULL, 0 },
};

static void parse_ms_peering(struct builder *B, xmlNodePtr n, struct ers_circuit *c)
{
	struct ers_ms_peering *m = &c->ms;
	int nat;
	char *rf;

	if (m->present) {
		lerr(B, ERS_ESCHEMA, n, "second <microsoft-peering> in <circuit> (first at line %ld)",
		     m->line);
		return;
	}
	m->present = true;
	m->line = line_of(n);
	m->prefixes = parse_list(B, n, "prefixes", sizeof *m->prefixes, v_prefix, &m->n_prefixes);
	if (!m->n_prefixes)
		lerr(B, ERS_ESCHEMA, n, "'prefixes' on <microsoft-peering> lists no prefix");
	rf = attr(B, n, "route-filter", false);
	m->has_route_filter = rf != NULL;
	xmlFree(rf);
	m->route_filter = parse_list(B, n, "route-filter", sizeof *m->route_filter, v_comm,
				     &m->n_route_filter);
	if (get_enum(B, n, "nat", false, ms_nats, "'shared' or 'per-link'", &nat) == 1)
		m->nat = (enum ers_ms_nat)nat;
	get_val(B, n, "internet", false, v_bool, &m->internet);
}

static void parse_circuit(struct builder *B, xmlNodePtr n)
{
	struct ers_circuit *c = &B->s->circuits[B->s->n_circuits];
	xmlNodePtr seen[2] = { NULL, NULL }, peering = NULL;
	int sku = ERS_SKU_STANDARD;
	uint64_t pair;

	c->line = line_of(n);
	c->msee_pair = 1;
	c->provider = -1;
	c->links[0].ce.site = c->links[0].ce.router = -1;
	c->links[1].ce = c->links[0].ce;
	c->links[1].role = ERS_ROLE_SECONDARY;
	if (get_id(B, n, "id", &c->id) == 1)
		check_dup(B, n, "circuit", c->id);
	B->s->n_circuits++;
	get_str(B, n, "location", true, &c->location);	/* catalog names: check.c suggests */
	c->provider = get_ref(B, n, "provider", "provider", find_provider);
	get_rate(B, n, "bandwidth", &c->bandwidth);
	get_enum(B, n, "sku", true, skus, "'local', 'standard' or 'premium'", &sku);
	c->sku = (enum ers_sku)sku;
	if (get_uint(B, n, "msee-pair", false, 1, 9999, &pair) == 1)
		c->msee_pair = (int)pair;
	FOR_EACH_ELEM(k, n) {
		if (is(k, "link"))
			parse_link(B, k, c, seen);
		if (is(k, "microsoft-peering"))
			parse_ms_peering(B, k, c);
		if (!is(k, "private-peering"))
			continue;
		if (peering) {
			lerr(B, ERS_ESCHEMA, k, "second <private-peering> in <circuit> (first at line %ld)",
			     line_of(peering));
			continue;
		}
		peering = k;
		c->max_prefix_line = line_of(k);
		get_u32(B, k, "max-prefix", 1, UINT32_MAX, &c->max_prefix);
	}
	for (int r = 0; r < 2; r++)
		if (!seen[r])
			lerr(B, ERS_ESCENARIO, n, "circuit '%s' has no %s <link>",
			     c->id ? c->id : "?", ers_role_str((enum ers_role)r));
}

static const struct keyword gw_skus[] = {
	{ "standard", ERS_GW_STANDARD }, { "highperformance", ERS_GW_HIGHPERF },
	{ "ultraperformance", ERS_GW_ULTRAPERF }, { "ergw1az", ERS_GW_ERGW1AZ },
	{ "ergw2az", ERS_GW_ERGW2AZ }, { "ergw3az", ERS_GW_ERGW3AZ },
	{ "ergwscale", ERS_GW_ERGWSCALE }, { NULL, 0 },
};

static void parse_vnet_prefixes(struct builder *B, xmlNodePtr n, struct ers_vnet *v)
{
	char *text = attr(B, n, "prefix", true);
	char *save = NULL, *tok;
	const char *why;
	size_t n_tok = 0;

	if (!text)
		return;
	v->prefixes = lcalloc(B, strlen(text) / 2 + 1, sizeof *v->prefixes);
	for (tok = strtok_r(text, " \t\r\n", &save); tok && v->prefixes;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		n_tok++;
		if (ers_parse_prefix(tok, &v->prefixes[v->n_prefixes], &why))
			lerr(B, ERS_ESCHEMA, n, "invalid prefix '%s' on <vnet>: %s", tok, why);
		else
			v->n_prefixes++;
	}
	if (v->prefixes && n_tok == 0)
		lerr(B, ERS_ESCHEMA, n, "'prefix' on <vnet> lists no prefix");
	xmlFree(text);
}

static void parse_connection(struct builder *B, xmlNodePtr n, struct ers_vnet *v)
{
	struct ers_connection *c = &v->connections[v->n_connections];

	c->line = line_of(n);
	c->circuit = get_ref(B, n, "circuit", "circuit", find_circuit);
	/* Azure's connection routing weight: 0..32000 */
	get_u32(B, n, "weight", 0, 32000, &c->weight);
	for (size_t i = 0; i < v->n_connections && c->circuit >= 0; i++)
		if (v->connections[i].circuit == c->circuit)
			lerr(B, ERS_ESCENARIO, n, "vnet '%s' connects to circuit '%s' twice (first at line %ld)",
			     v->id ? v->id : "?", B->s->circuits[c->circuit].id,
			     v->connections[i].line);
	v->n_connections++;
}

static void parse_vnet(struct builder *B, xmlNodePtr n)
{
	struct ers_vnet *v = &B->s->vnets[B->s->n_vnets];
	size_t n_conn = count_elems(n, "connection");
	xmlNodePtr gw = NULL;
	int sku;
	uint64_t su;

	v->line = line_of(n);
	v->gw_sku = ERS_GW_STANDARD;
	if (get_id(B, n, "id", &v->id) == 1)
		check_dup(B, n, "vnet", v->id);
	B->s->n_vnets++;
	get_str(B, n, "region", true, &v->region);	/* as location */
	parse_vnet_prefixes(B, n, v);
	if (get_val(B, n, "community", false, v_comm, &v->community) == 1 &&
	    v->community >> 16 != ERS_ASN_MICROSOFT)
		lerr(B, ERS_ESCENARIO, n, "community on <vnet> must be 12076:VALUE (Azure sets the ASN part)");
	v->connections = lcalloc(B, n_conn, sizeof *v->connections);
	FOR_EACH_ELEM(c, n) {
		if (is(c, "connection") && v->connections)
			parse_connection(B, c, v);
		if (!is(c, "gateway"))
			continue;
		if (gw) {
			lerr(B, ERS_ESCHEMA, c, "second <gateway> in <vnet> (first at line %ld)", line_of(gw));
			continue;
		}
		gw = c;
		if (get_enum(B, c, "sku", false, gw_skus, "'standard', 'highperformance', "
			     "'ultraperformance', 'ergw1az', 'ergw2az', 'ergw3az' or 'ergwscale'",
			     &sku) == 1)
			v->gw_sku = (enum ers_gw_sku)sku;
		if (get_uint(B, c, "scale-units", false, 1, 40, &su) == 1) {
			v->gw_scale_units = (unsigned)su;
			v->gw_scale_line = line_of(c);	/* check.c: only on ergwscale */
		}
		if (get_val(B, c, "router-id", false, v_ipv4, &v->gw_router_id) == 1)
			v->has_gw_router_id = true;
		parse_gw_conv(B, c, &v->gw_conv);
	}
}

static const struct keyword relationships[] = {
	{ "customer", ERS_REL_CUSTOMER }, { "provider", ERS_REL_PROVIDER },
	{ "peer", ERS_REL_PEER }, { NULL, 0 },
};

static void parse_site_link(struct builder *B, xmlNodePtr n)
{
	int rel, carrier = ERS_CARRIER_DEFAULT;

	struct ers_site_link *sl = &B->s->site_links[B->s->n_site_links++];
	bool ok;

	sl->line = line_of(n);
	sl->cost = 1;
	sl->provider = -1;
	if (xmlHasProp(n, BAD_CAST "provider"))
		sl->provider = get_ref(B, n, "provider", "provider", find_provider);
	get_enum(B, n, "carrier", false, carriers, "'provider' or 'interface'", &carrier);
	sl->carrier = (enum ers_carrier)carrier;
	ok = get_router_ref(B, n, "a", &sl->a);
	ok = get_router_ref(B, n, "b", &sl->b) && ok;
	if (ok && sl->a.site == sl->b.site && sl->a.router == sl->b.router)
		lerr(B, ERS_ESCENARIO, n, "<site-link> joins router '%s' to itself",
		     B->s->sites[sl->a.site].routers[sl->a.router].full_id);
	get_time(B, n, "delay", true, false, MAX_DELAY, &sl->delay);
	get_u32(B, n, "cost", 1, UINT32_MAX, &sl->cost);
	if (get_enum(B, n, "relationship", false, relationships,
		     "'customer', 'provider' or 'peer'", &rel) == 1)
		sl->rel = (enum ers_relationship)rel;
	parse_session(B, n, &sl->cfg);
}

static void parse_global_reach(struct builder *B, xmlNodePtr n)
{
	struct ers_global_reach *g = &B->s->global_reach[B->s->n_global_reach++];

	g->line = line_of(n);
	g->a = get_ref(B, n, "a", "circuit", find_circuit);
	g->b = get_ref(B, n, "b", "circuit", find_circuit);
}

static void parse_vpn(struct builder *B, xmlNodePtr n)
{
	struct ers_vpn *v = &B->s->vpns[B->s->n_vpns];
	char *router;

	v->line = line_of(n);
	v->delay = 20 * ERS_MS;
	v->ce.site = v->ce.router = -1;
	v->vnet = -1;
	if (get_id(B, n, "id", &v->id) == 1)
		check_dup(B, n, "vpn", v->id);
	B->s->n_vpns++;
	v->ce.site = get_ref(B, n, "site", "site", find_site);
	router = attr(B, n, "router", false);
	if (v->ce.site >= 0) {
		const struct ers_site *site = &B->s->sites[v->ce.site];

		v->ce.router = router ? find_router(site, router) : site->n_routers ? 0 : -1;
		if (router && v->ce.router < 0)
			lerr(B, ERS_ESCENARIO, n, "site '%s' has no router '%s' (router of <vpn>)",
			     site->id, router);
	}
	xmlFree(router);
	v->vnet = get_ref(B, n, "vnet", "vnet", find_vnet);
	get_time(B, n, "delay", false, false, MAX_DELAY, &v->delay);
	parse_session(B, n, &v->cfg);
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

/* An MSEE ("<location>-<pair>/<a|b>") or MSEE pair ("<location>-<pair>")
 * into t; 1 when read, -1 when malformed, -3 when out of memory. */
static int target_msee(struct builder *B, const char *name, bool side, struct ers_target *t)
{
	enum ers_err rc = ers_msee_id_parse(name, side, &t->location, &t->pair, &t->side);

	if (rc == ERS_ENOMEM)
		oom(B);
	return rc == ERS_OK ? 1 : rc == ERS_ENOMEM ? -3 : -1;
}

static int find_site_link(struct builder *B, xmlNodePtr n, char *name)
{
	struct ers_router_ref a, b;
	char *x, *y;

	if (!split_last(name, '+', &x, &y))
		return -2;
	if (!resolve_router(B, n, x, "target", &a) || !resolve_router(B, n, y, "target", &b))
		return -3;
	for (size_t i = 0; i < B->s->n_site_links; i++) {
		const struct ers_site_link *sl = &B->s->site_links[i];

		if ((sl->a.site == a.site && sl->a.router == a.router &&
		     sl->b.site == b.site && sl->b.router == b.router) ||
		    (sl->a.site == b.site && sl->a.router == b.router &&
		     sl->b.site == a.site && sl->b.router == a.router))
			return (int)i;
	}
	return -1;
}

static int find_global_reach(struct builder *B, char *name)
{
	char *x, *y;
	int a, b;

	if (!split_last(name, '+', &x, &y))
		return -2;
	a = find_circuit(B, x);
	b = find_circuit(B, y);
	for (size_t i = 0; i < B->s->n_global_reach && a >= 0 && b >= 0; i++) {
		const struct ers_global_reach *g = &B->s->global_reach[i];

		if ((g->a == a && g->b == b) || (g->a == b && g->b == a))
			return (int)i;
	}
	return -1;
}

static int find_connection(struct builder *B, char *name, int *vnet)
{
	char *x, *y;
	int c;

	if (!split_last(name, '+', &x, &y))
		return -2;
	*vnet = find_vnet(B, x);
	c = find_circuit(B, y);
	if (*vnet < 0 || c < 0)
		return -1;
	for (size_t i = 0; i < B->s->vnets[*vnet].n_connections; i++)
		if (B->s->vnets[*vnet].connections[i].circuit == c)
			return (int)i;
	return -1;
}

/* Fill t's indices from the part after "kind:". Returns 1 when resolved,
 * 0 when it names nothing, -1 when it is malformed, -3 when already reported. */
static int resolve_target(struct builder *B, xmlNodePtr n, char *name, struct ers_target *t)
{
	char *x, *y;

	switch (t->kind) {
	case ERS_T_LINK:
		if (!split_last(name, '/', &x, &y))
			return -1;
		t->a = find_circuit(B, x);
		t->b = !strcmp(y, "primary") ? 0 : !strcmp(y, "secondary") ? 1 : -1;
		return t->b < 0 ? -1 : t->a >= 0;
	case ERS_T_CIRCUIT:
		return (t->a = find_circuit(B, name)) >= 0;
	case ERS_T_MSEE:
	case ERS_T_MSEE_PAIR:
		return target_msee(B, name, t->kind == ERS_T_MSEE, t);
	case ERS_T_LOCATION:
	case ERS_T_REGION:
		t->location = lstrdup(B, name);
		return t->location ? 1 : -3;
	case ERS_T_ROUTER: {
		struct ers_router_ref r;

		if (!strchr(name, '/'))
			return -1;
		if (!resolve_router(B, n, name, "target", &r))
			return -3;
		t->a = r.site;
		t->b = r.router;
		return 1;
	}
	case ERS_T_SITE:
		return (t->a = find_site(B, name)) >= 0;
	case ERS_T_GATEWAY:
		return (t->a = find_vnet(B, name)) >= 0;
	case ERS_T_CONNECTION:
		t->b = find_connection(B, name, &t->a);
		return t->b >= 0 ? 1 : t->b == -2 ? -1 : 0;
	case ERS_T_SITE_LINK:
		t->a = find_site_link(B, n, name);
		return t->a >= 0 ? 1 : t->a == -2 ? -1 : t->a == -3 ? -3 : 0;
	case ERS_T_VPN:
		return (t->a = find_vpn(B, name)) >= 0;
	case ERS_T_GLOBAL_REACH:
		t->a = find_global_reach(B, name);
		return t->a >= 0 ? 1 : t->a == -2 ? -1 : 0;
	case ERS_T_SRLG:
		return (t->a = find_srlg(B, name)) >= 0;
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
static bool parse_target(struct builder *B, xmlNodePtr n, const char *text,
			 struct ers_target *t, bool in_srlg)
{
	const char *colon = strchr(text, ':');
	char *name;
	int kind = -1, rc;

	t->a = t->b = -1;
	t->text = lstrdup(B, text);
	if (!t->text)
		return false;
	for (const struct keyword *k = target_kinds; colon && k->word; k++)
		if (strlen(k->word) == (size_t)(colon - text) && !strncmp(text, k->word, (size_t)(colon - text)))
			kind = k->value;
	if (kind < 0 || !colon[1]) {
		lerr(B, ERS_ESCHEMA, n, "invalid target '%s' on <%s>: expected KIND:NAME with KIND one of "
		     "link, circuit, msee, msee-pair, location, router, site, gateway, region, "
		     "connection, site-link, vpn, global-reach, srlg", text, ename(n));
		return false;
	}
	t->kind = (enum ers_target_kind)kind;
	if (in_srlg && t->kind == ERS_T_SRLG) {
		lerr(B, ERS_ESCENARIO, n, "an <srlg> cannot contain another srlg ('%s')", text);
		return false;
	}
	name = lstrdup(B, colon + 1);
	if (!name)
		return false;
	rc = resolve_target(B, n, name, t);
	free(name);
	if (rc == -1)
		lerr(B, ERS_ESCHEMA, n, "invalid target '%s' on <%s>: expected %s", text, ename(n),
		     target_form(t->kind));
	else if (rc == 0)
		lerr(B, ERS_ESCENARIO, n, "target '%s' on <%s> names no %s in this scenario",
		     text, ename(n), target_kinds[kind].word);
	return rc == 1;
}

static void parse_srlg_id(struct builder *B, xmlNodePtr n)
{
	struct ers_srlg *g = &B->s->srlgs[B->s->n_srlgs];

	g->line = line_of(n);
	if (get_id(B, n, "id", &g->id) == 1)
		check_dup(B, n, "srlg", g->id);
	B->s->n_srlgs++;
}

static void parse_srlg_members(struct builder *B, xmlNodePtr n, struct ers_srlg *g)
{
	char *text = attr(B, n, "members", true);
	char *save = NULL, *tok;

	if (!text)
		return;
	g->members = lcalloc(B, strlen(text) / 2 + 1, sizeof *g->members);
	for (tok = strtok_r(text, " \t\r\n", &save); tok && g->members;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		parse_target(B, n, tok, &g->members[g->n_members++], true);
	if (g->members && g->n_members == 0)
		lerr(B, ERS_ESCHEMA, n, "'members' on <srlg> lists no target");
	xmlFree(text);
}

/* <microsoft-service id community region prefix>: check.c says which
 * communities and regions may be named. */
static void parse_ms_service(struct builder *B, xmlNodePtr n)
{
	struct ers_ms_service *m = &B->s->ms_services[B->s->n_ms_services];

	m->line = line_of(n);
	if (get_id(B, n, "id", &m->id) == 1)
		check_dup(B, n, "microsoft-service", m->id);
	B->s->n_ms_services++;
	get_val(B, n, "community", true, v_comm, &m->community);
	get_str(B, n, "region", true, &m->region);	/* catalog name: check.c */
	m->prefixes = parse_list(B, n, "prefix", sizeof *m->prefixes, v_prefix, &m->n_prefixes);
	if (!m->n_prefixes)
		lerr(B, ERS_ESCHEMA, n, "'prefix' on <microsoft-service> lists no prefix");
}

static int find_ms_service(const struct builder *B, const char *id)
{
	FIND_ID(B->s->ms_services, B->s->n_ms_services, id);
}

/* ---- flows and events ---- */

static void parse_endpoint(struct builder *B, xmlNodePtr n, const char *name,
			   struct ers_endpoint *ep)
{
	xmlChar *copy;
	const char *v = attr_peek(B, n, name, true, &copy);
	int site, vnet;

	ep->index = ep->router = -1;
	if (!v)
		return;
	ep->text = lstrdup(B, v);
	if (!strncmp(v, "service:", 8)) {
		ep->kind = ERS_EP_SERVICE;
		ep->index = find_ms_service(B, v + 8);
		if (ep->index < 0)
			lerr(B, ERS_ESCENARIO, n, "unknown endpoint '%s' in '%s' of <flow>: no "
			     "<microsoft-service id=\"%s\">", v, name, v + 8);
		xmlFree(copy);
		return;
	}
	if (strchr(v, '/')) {
		struct ers_router_ref r;

		ep->kind = ERS_EP_ROUTER;
		if (resolve_router(B, n, v, name, &r)) {
			ep->index = r.site;
			ep->router = r.router;
		}
		xmlFree(copy);
		return;
	}
	site = find_site(B, v);
	vnet = find_vnet(B, v);
	if (site >= 0 && vnet >= 0)
		lerr(B, ERS_ESCENARIO, n, "'%s' of <flow> is ambiguous: '%s' is both a site and a vnet "
		     "(write SITE/ROUTER for the site)", name, v);
	else if (site >= 0) {
		ep->kind = ERS_EP_SITE;
		ep->index = site;
		ep->router = 0;		/* the site's first listed router */
	} else if (vnet >= 0) {
		ep->kind = ERS_EP_VNET;
		ep->index = vnet;
	} else {
		lerr(B, ERS_ESCENARIO, n, "unknown endpoint '%s' in '%s' of <flow>: not a site, "
		     "site/router or vnet", v, name);
	}
	xmlFree(copy);
}

static void parse_flow(struct builder *B, xmlNodePtr n)
{
	struct ers_flow *f = &B->s->flows[B->s->n_flows];

	f->line = line_of(n);
	if (get_id(B, n, "id", &f->id) == 1)
		check_dup(B, n, "flow", f->id);
	B->s->n_flows++;
	parse_endpoint(B, n, "from", &f->from);
	parse_endpoint(B, n, "to", &f->to);
	get_rate(B, n, "rate", &f->rate);
}

/* <announce>/<withdraw at router prefix>: the target text names both,
 * "router:SITE/ROUTER prefix:CIDR", for results and comparisons. */
static void parse_origin_event(struct builder *B, xmlNodePtr n, struct ers_event *e)
{
	char *prefix = attr(B, n, "prefix", true);
	const char *why;
	bool ok = get_router_ref(B, n, "router", &e->router);
	size_t len;

	if (prefix && ers_parse_prefix(prefix, &e->prefix, &why) != ERS_OK) {
		lerr(B, ERS_ESCHEMA, n, "invalid prefix '%s' on <%s>: %s", prefix, ename(n), why);
		ok = false;
	}
	if (ok && prefix) {
		const char *rt = B->s->sites[e->router.site].routers[e->router.router].full_id;
		len = strlen(rt) + strlen(prefix) + 24;
		e->target.text = malloc(len);
		if (!e->target.text)
			oom(B);
		else
			snprintf(e->target.text, len, "router:%s prefix:%s", rt, prefix);
		e->target.kind = ERS_T_ROUTER;
		e->target.a = e->router.site;
		e->target.b = e->router.router;
	}
	xmlFree(prefix);
}

/* <route-filter at circuit communities>: a route filter attached to a
 * circuit's Microsoft peering (check.c checks the communities). */
static void parse_route_filter_event(struct builder *B, xmlNodePtr n, struct ers_event *e)
{
	e->target.kind = ERS_T_CIRCUIT;
	e->target.a = get_ref(B, n, "circuit", "circuit", find_circuit);
	if (e->target.a >= 0) {
		e->target.text = ers_asprintf("circuit:%s", B->s->circuits[e->target.a].id);
		if (!e->target.text)
			oom(B);
	}
	e->communities = parse_list(B, n, "communities", sizeof *e->communities, v_comm,
				    &e->n_communities);
	if (!e->n_communities)
		lerr(B, ERS_ESCHEMA, n, "'communities' on <route-filter> lists no community");
}

static void parse_event(struct builder *B, xmlNodePtr n)
{
	struct ers_event *e = &B->s->events[B->s->n_events++];
	char *target;
	uint64_t prepend;

	e->line = line_of(n);
	e->action = is(n, "fail") ? ERS_ACT_FAIL : is(n, "restore") ? ERS_ACT_RESTORE
		: is(n, "announce") ? ERS_ACT_ANNOUNCE : is(n, "withdraw") ? ERS_ACT_WITHDRAW
		: is(n, "route-filter") ? ERS_ACT_ROUTE_FILTER : ERS_ACT_MAINTENANCE;
	e->drain = 60 * ERS_S;
	e->prepend = 3;
	e->target.a = e->target.b = -1;
	get_time(B, n, "at", true, false, MAX_TIMELINE, &e->at);
	if (e->action == ERS_ACT_ANNOUNCE || e->action == ERS_ACT_WITHDRAW) {
		parse_origin_event(B, n, e);
		return;
	}
	if (e->action == ERS_ACT_ROUTE_FILTER) {
		parse_route_filter_event(B, n, e);
		return;
	}
	target = attr(B, n, "target", true);
	if (target) {
		parse_target(B, n, target, &e->target, false);
		xmlFree(target);
	}
	if (e->action != ERS_ACT_MAINTENANCE)
		return;
	if (e->target.text && e->target.kind != ERS_T_LINK)
		lerr(B, ERS_ESCENARIO, n, "<maintenance> applies to one circuit link "
		     "(target link:CIRCUIT/primary or /secondary), not '%s'", e->target.text);
	get_time(B, n, "drain", false, false, MAX_TIMELINE, &e->drain);
	get_time(B, n, "duration", true, true, MAX_TIMELINE, &e->duration);
	if (get_uint(B, n, "prepend", false, 0, 255, &prepend) == 1)
		e->prepend = (unsigned)prepend;
}

/* ---- the document ---- */

/*
 * The children of <scenario>, grouped by kind in one walk (an Internet
 * scenario has tens of thousands): each kind's elements in document
 * order, nodes[start[k]] to nodes[start[k + 1]].
 */
enum top_kind {
	TOP_DESCRIPTION, TOP_DEFAULTS, TOP_GEOGRAPHY, TOP_EVENTS, TOP_SITE,
	TOP_PROVIDER, TOP_CIRCUIT, TOP_VNET, TOP_SITE_LINK, TOP_GLOBAL_REACH,
	TOP_VPN, TOP_SRLG, TOP_MS_SERVICE, TOP_FLOW, TOP_KINDS
};

static const char *const top_names[TOP_KINDS] = {
	"description", "defaults", "geography", "events", "site", "provider",
	"circuit", "vnet", "site-link", "global-reach", "vpn", "srlg",
	"microsoft-service", "flow",
};

struct top {
	xmlNodePtr *nodes;
	size_t start[TOP_KINDS + 1];
};

static int top_kind(xmlNodePtr c)
{
	for (int k = 0; k < TOP_KINDS; k++)
		if (is(c, top_names[k]))
			return k;
	return -1;
}

static size_t top_count(const struct top *t, enum top_kind k)
{
	return t->start[k + 1] - t->start[k];
}

static bool group_top(struct builder *B, xmlNodePtr root, struct top *t)
{
	size_t n[TOP_KINDS] = { 0 }, at[TOP_KINDS], total = 0;
	int k;

	FOR_EACH_ELEM(c, root)
		if ((k = top_kind(c)) >= 0)
			n[k]++;
	for (k = 0; k < TOP_KINDS; k++) {
		t->start[k] = at[k] = total;
		total += n[k];
	}
	t->start[TOP_KINDS] = total;
	t->nodes = lcalloc(B, total, sizeof *t->nodes);
	if (total && !t->nodes)
		return false;
	FOR_EACH_ELEM(c, root)
		if ((k = top_kind(c)) >= 0)
			t->nodes[at[k]++] = c;
	return true;
}

/* Elements allowed once at most under <scenario>. */
static xmlNodePtr single(struct builder *B, const struct top *t, enum top_kind k)
{
	if (top_count(t, k) == 0)
		return NULL;
	for (size_t i = t->start[k] + 1; i < t->start[k + 1]; i++)
		lerr(B, ERS_ESCHEMA, t->nodes[i], "second <%s> in <scenario> (first at line %ld)",
		     top_names[k], line_of(t->nodes[t->start[k]]));
	return t->nodes[t->start[k]];
}

static bool alloc_arrays(struct builder *B, const struct top *t)
{
	struct ers_scenario *s = B->s;

#define ALLOC(field, kind) \
	s->field = lcalloc(B, top_count(t, kind), sizeof *s->field); \
	if (top_count(t, kind) && !s->field) \
		return false;
	ALLOC(sites, TOP_SITE);
	B->n_sites_total = top_count(t, TOP_SITE);
	ALLOC(site_links, TOP_SITE_LINK);
	ALLOC(providers, TOP_PROVIDER);
	ALLOC(circuits, TOP_CIRCUIT);
	ALLOC(vnets, TOP_VNET);
	ALLOC(global_reach, TOP_GLOBAL_REACH);
	ALLOC(vpns, TOP_VPN);
	ALLOC(srlgs, TOP_SRLG);
	ALLOC(ms_services, TOP_MS_SERVICE);
	ALLOC(flows, TOP_FLOW);
#undef ALLOC
	return true;
}

static bool alloc_events(struct builder *B, xmlNodePtr events)
{
	size_t n = count_elems(events, "fail") + count_elems(events, "restore") +
		   count_elems(events, "maintenance") + count_elems(events, "announce") +
		   count_elems(events, "withdraw") + count_elems(events, "route-filter");

	B->s->events = lcalloc(B, n, sizeof *B->s->events);
	return n == 0 || B->s->events;
}

static void parse_head(struct builder *B, xmlNodePtr root, const struct top *t)
{
	struct ers_scenario *s = B->s;
	xmlNodePtr desc = single(B, t, TOP_DESCRIPTION);
	xmlNodePtr defaults = single(B, t, TOP_DEFAULTS);
	xmlNodePtr geo = single(B, t, TOP_GEOGRAPHY);
	uint64_t seed;

	s->line = line_of(root);
	get_str(B, root, "name", true, &s->name);
	if (get_uint(B, root, "seed", false, 0, UINT64_MAX, &seed) == 1)
		s->seed = seed;
	s->has_duration = get_time(B, root, "duration", false, true, MAX_TIMELINE, &s->duration) == 1;
	if (desc) {
		char *text = (char *)xmlNodeGetContent(desc);

		s->description = lstrdup(B, text);
		xmlFree(text);
	}
	if (defaults)
		parse_defaults(B, defaults);
	if (geo && ers_catalog_parse_geography(&s->geography, geo, B->file, B->d) != ERS_OK)
		B->n_errors++;
}

/* One element of kind k; false when out of memory. */
static bool parse_top(struct builder *B, enum top_kind k, xmlNodePtr c)
{
	switch (k) {
	case TOP_SITE: parse_site(B, c); break;
	case TOP_PROVIDER: parse_provider(B, c); break;
	case TOP_CIRCUIT: parse_circuit(B, c); break;
	case TOP_VNET: parse_vnet(B, c); break;
	case TOP_SITE_LINK: parse_site_link(B, c); break;
	case TOP_GLOBAL_REACH: parse_global_reach(B, c); break;
	case TOP_VPN: parse_vpn(B, c); break;
	case TOP_SRLG: parse_srlg_id(B, c); break;
	case TOP_MS_SERVICE: parse_ms_service(B, c); break;
	case TOP_FLOW: parse_flow(B, c); break;
	default: break;
	}
	return !B->nomem;
}

/* Build the model from a tree whose root is <scenario>. Objects are read
 * kind by kind so that every reference points to an earlier stage:
 * sites and providers, circuits, vnets, site-links, Global Reach, VPNs,
 * SRLGs (ids, then members, which may name other SRLGs), flows, then
 * events (which may name any of them). */
static void build(struct builder *B, xmlNodePtr root)
{
	static const enum top_kind order[] = {
		TOP_SITE, TOP_PROVIDER, TOP_CIRCUIT, TOP_VNET, TOP_SITE_LINK,
		TOP_GLOBAL_REACH, TOP_VPN, TOP_SRLG, TOP_MS_SERVICE,
	};
	struct top t = { 0 };
	xmlNodePtr events;

	if (!group_top(B, root, &t) || !alloc_arrays(B, &t))
		goto out;
	parse_head(B, root, &t);
	events = single(B, &t, TOP_EVENTS);
	for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
		for (size_t i = t.start[order[o]]; i < t.start[order[o] + 1]; i++)
			if (!parse_top(B, order[o], t.nodes[i]))
				goto out;
	for (size_t i = t.start[TOP_SRLG], k = 0; i < t.start[TOP_SRLG + 1]; i++) {
		parse_srlg_members(B, t.nodes[i], &B->s->srlgs[k++]);
		if (B->nomem)
			goto out;
	}
	for (size_t i = t.start[TOP_FLOW]; i < t.start[TOP_FLOW + 1]; i++) {
		if (line_of(t.nodes[i]) > B->last_line)
			continue;	/* nothing refers to a flow: see ers_load_build() */
		if (!parse_top(B, TOP_FLOW, t.nodes[i]))
			goto out;
	}
	if (!events || !alloc_events(B, events))
		goto out;
	FOR_EACH_ELEM(c, events)
		if (is(c, "fail") || is(c, "restore") || is(c, "maintenance") ||
		    is(c, "announce") || is(c, "withdraw") || is(c, "route-filter"))
			parse_event(B, c);
out:
	free(t.nodes);
}

int ers_load_build(struct ers_scenario *s, xmlNodePtr root, const char *file,
		   long last_line, struct ers_diag *d, bool *nomem)
{
	struct builder B = { .s = s, .d = d, .file = file, .last_line = last_line };

	build(&B, root);
	free(B.seen);
	free(B.site_slots);
	*nomem = B.nomem;
	return B.n_errors;
}
