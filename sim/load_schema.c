/*
 * load_schema.c - the scenario schema compiled for one document, with the
 * checks of its values made once per value in C instead of by libxml2
 * (load_int.h; load_xml.c validates with the result).
 *
 * scenarios/ersim.rng checks value syntax with XML Schema facets: a
 * `pattern` (a time is [0-9]+(\.[0-9]+)?(ns|us|...)) or a `minLength`.
 * libxml2 (2.9) builds each facet anew for every value it checks, and
 * compiles a pattern's regular expression each time: on a 4 MB Internet
 * scenario that was half of all loading. Here every value of the document
 * that the schema could hold against a facet is checked once (patterns by
 * their C form below, or an expression compiled once), and every facet
 * that all of them pass is dropped from the schema before it is compiled;
 * an attribute left with a plain string then takes <text/>, which libxml2
 * checks without its datatype machinery. A facet that some value fails
 * stays, so libxml2 reports that value exactly as before.
 *
 * Why the messages cannot change: the validator holds a value against a
 * facet only where the schema places it, under an attribute of a given
 * name in an element of a given name (or in the element's text). The walk
 * below records, for each (element, attribute) pair, the facets the schema
 * places there, wherever the element is defined, and checks every such
 * value of the document against all of them. A facet is dropped only when
 * every check libxml2 could make with it succeeds, so each check it would
 * have made returns the same answer without it, and validation takes the
 * same course. Anything this file does not expect (an unknown schema
 * construct, a value it cannot read, a full table) keeps every facet: the
 * result is then slower, never different.
 *
 * The same walk notes, per element name, the optional attributes the
 * schema allows, and the document walk which of them some element has:
 * an optional attribute that no element of the document has is left out
 * too (strip_absent() says why libxml2 then says the same things).
 * tests/check_load.c validates every test and bundled scenario, and
 * variants of each, against the full schema and the compiled one, and
 * compares libxml2's messages.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlregexp.h>

#include "embed.h"
#include "load_int.h"

#define MAX_PATTERNS 64			/* distinct pattern facets (13 today) */
#define MAX_USES 256			/* (element, attribute, pattern) triples */
#define MAX_RNG_ELEMENTS 256		/* <element>s in the schema */
#define MAX_ATTR_REFS 256		/* <attribute><ref/></attribute>s */
#define MAX_KNOWN 128			/* distinct element names of a document */
#define MAX_FLAT 1024			/* their uses */
#define MAX_OPTS 256			/* (optional attribute, element) pairs */
#define TEXT_CONTENT ""			/* attribute name for element text */

struct pattern {
	xmlNodePtr param;		/* <param name="pattern"> in the schema */
	int min_len;			/* a minLength facet, or -1 for a pattern: */
	bool (*match)(const char *);	/* its C form, or NULL: */
	xmlRegexpPtr re;		/* compiled once */
	bool failed;			/* some value of the document fails it */
};

/* The schema places pattern at (element, attr). */
struct use {
	const xmlChar *element, *attr;	/* in the schema document */
	int pattern;
	const xmlChar *doc_attr;	/* attr in the document's dictionary */
};

struct facets {
	xmlDocPtr rng;			/* the schema, parsed */
	struct pattern pats[MAX_PATTERNS];
	int n_pats;
	struct use uses[MAX_USES];
	int n_uses;
	xmlNodePtr visited[MAX_RNG_ELEMENTS];
	int n_visited;
	struct { xmlNodePtr ref, def; } attr_refs[MAX_ATTR_REFS];
	int n_attr_refs;
	bool unsure;			/* keep every pattern */
	/* <optional><attribute name="X">...</attribute></optional> (note_optional()) */
	struct opt_use {
		xmlNodePtr opt;			/* the <optional> in the schema */
		const xmlChar *element, *attr;	/* names, in the schema's dictionary */
		const xmlChar *doc_attr;	/* attr in the document's, NULL if absent */
		bool present;			/* an element of the document has it */
	} opts[MAX_OPTS];
	int n_opts;
	bool opts_unsure;		/* keep every optional attribute */
	bool by_pointer;		/* doc_attr names are set: see doc_names() */
	/* per document element name, its uses and opts (uses_of()) */
	struct { const xmlChar *name; int first, n, ofirst, on; } known[MAX_KNOWN];
	int n_known;
	int flat[MAX_FLAT];
	int n_flat;
	int oflat[MAX_FLAT];
	int n_oflat;
	const xmlChar *cached;		/* the last name met: */
	const int *cache;		/* its uses */
	int n_cache;
	const int *ocache;		/* its opts */
	int n_ocache;
};

/* ---- the schema's patterns in C ----
 *
 * libxml2's regular expression engine takes a few thousand instructions
 * per value; these take tens. Each is the exact language of one pattern
 * of scenarios/ersim.rng (XML Schema regular expressions: [0-9] is ASCII,
 * \s is space, tab, newline or carriage return, \S anything else), found
 * by the pattern's text; a pattern not in the table is matched with
 * libxml2's compiled expression. tests/check_load.c holds each against
 * libxml2 on a few hundred thousand strings.
 */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool is_idchar(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
}

/* After min..max digits at s, or NULL. More digits than max are no
 * match: in every pattern a digit run is followed by a non-digit. */
static const char *digits(const char *s, int min, int max)
{
	int n = 0;

	while (is_digit(s[n]))
		n++;
	return n >= min && n <= max ? s + n : NULL;
}

/* [A-Za-z][A-Za-z0-9_.\-]* */
static const char *id(const char *s)
{
	if (!is_alpha(*s))
		return NULL;
	while (is_idchar(*++s))
		;
	return s;
}

/* [0-9]{1,3}(\.[0-9]{1,3}){3} */
static const char *ipv4(const char *s)
{
	for (int i = 0; i < 4 && s; i++) {
		if (i > 0 && *s++ != '.')
			return NULL;
		s = digits(s, 1, 3);
	}
	return s;
}

/* ipv4/[0-9]{1,2} */
static const char *prefix(const char *s)
{
	s = ipv4(s);
	if (!s || *s != '/')
		return NULL;
	return digits(s + 1, 1, 2);
}

/* [0-9]+(\.[0-9]+)? */
static const char *decimal(const char *s)
{
	s = digits(s, 1, INT_MAX);
	if (s && s[0] == '.' && is_digit(s[1]))
		s = digits(s + 1, 1, INT_MAX);
	return s;
}

/* [0-9]+:[0-9]+ */
static const char *community(const char *s)
{
	s = digits(s, 1, INT_MAX);
	return s && *s == ':' ? digits(s + 1, 1, INT_MAX) : NULL;
}

static bool one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return true;
	return false;
}

static const char *const target_kinds[] = {
	"link", "circuit", "msee", "msee-pair", "location", "router", "site", "gateway",
	"region", "connection", "site-link", "vpn", "global-reach", "srlg", NULL,
};

/* (kind):\S+ up to the next space; srlg counts only when allowed. */
static const char *target(const char *s, bool srlg)
{
	const char *colon = s;

	while (*colon && *colon != ':' && !is_space(*colon))
		colon++;
	if (*colon != ':' || is_space(colon[1]) || !colon[1])
		return NULL;
	for (const char *const *k = target_kinds; *k; k++) {
		if (strlen(*k) != (size_t)(colon - s) || strncmp(s, *k, (size_t)(colon - s)))
			continue;
		if (!srlg && !strcmp(*k, "srlg"))
			return NULL;
		for (s = colon + 1; *s && !is_space(*s); s++)
			;
		return s;
	}
	return NULL;
}

static const char *target_any(const char *s) { return target(s, true); }
static const char *target_no_srlg(const char *s) { return target(s, false); }

/* \s*ITEM(\s+ITEM)*\s* : ITEM contains no space, so the items are the
 * space-separated words, and there is at least one. */
static bool list_of(const char *s, const char *(*item)(const char *))
{
	bool any = false;

	for (;;) {
		while (is_space(*s))
			s++;
		if (!*s)
			return any;
		s = item(s);
		if (!s || (*s && !is_space(*s)))
			return false;
		any = true;
	}
}

static bool whole(const char *end) { return end && !*end; }

static bool m_id(const char *s) { return whole(id(s)); }
static bool m_uint(const char *s) { return whole(digits(s, 1, INT_MAX)); }
static bool m_ipv4(const char *s) { return whole(ipv4(s)); }
static bool m_prefix(const char *s) { return whole(prefix(s)); }
static bool m_community(const char *s) { return whole(community(s)); }
static bool m_prefix_list(const char *s) { return list_of(s, prefix); }
static bool m_community_list(const char *s) { return list_of(s, community); }
static bool m_target(const char *s) { return whole(target_any(s)); }
static bool m_target_list(const char *s) { return list_of(s, target_no_srlg); }

static bool m_router_ref(const char *s)
{
	s = id(s);
	return s && *s == '/' && whole(id(s + 1));
}

static bool m_time(const char *s)
{
	static const char *const units[] = { "ns", "us", "ms", "s", "min", "h", NULL };

	s = decimal(s);
	return s && one_of(s, units);
}

static bool m_rate(const char *s)
{
	static const char *const units[] = { "bps", "kbps", "Mbps", "Gbps", NULL };

	s = decimal(s);
	return s && one_of(s, units);
}

static bool m_prefix_range(const char *s)
{
	s = prefix(s);
	if (s && s[0] == 'l' && s[1] == 'e')
		s = digits(s + 2, 1, 2);
	return whole(s);
}

#define KINDS "link|circuit|msee|msee-pair|location|router|site|gateway|region|" \
	      "connection|site-link|vpn|global-reach"
#define IPV4 "[0-9]{1,3}(\\.[0-9]{1,3}){3}"
#define PREFIX IPV4 "/[0-9]{1,2}"

static const struct {
	const char *pattern;
	bool (*match)(const char *);
} c_patterns[] = {
	{ "[A-Za-z][A-Za-z0-9_.\\-]*", m_id },
	{ "[A-Za-z][A-Za-z0-9_.\\-]*/[A-Za-z][A-Za-z0-9_.\\-]*", m_router_ref },
	{ "[0-9]+", m_uint },
	{ "[0-9]+(\\.[0-9]+)?(ns|us|ms|s|min|h)", m_time },
	{ "[0-9]+(\\.[0-9]+)?(bps|kbps|Mbps|Gbps)", m_rate },
	{ PREFIX, m_prefix },
	{ PREFIX "(le[0-9]{1,2})?", m_prefix_range },
	{ "\\s*" PREFIX "(\\s+" PREFIX ")*\\s*", m_prefix_list },
	{ "[0-9]+:[0-9]+", m_community },
	{ "\\s*[0-9]+:[0-9]+(\\s+[0-9]+:[0-9]+)*\\s*", m_community_list },
	{ IPV4, m_ipv4 },
	{ "(" KINDS "|srlg):\\S+", m_target },
	{ "\\s*(" KINDS "):\\S+(\\s+(" KINDS "):\\S+)*\\s*", m_target_list },
};

/* The C form of pattern, or NULL. */
static bool (*c_pattern(const char *pattern))(const char *)
{
	for (size_t i = 0; i < sizeof c_patterns / sizeof c_patterns[0]; i++)
		if (!strcmp(c_patterns[i].pattern, pattern))
			return c_patterns[i].match;
	return NULL;
}

int ers_load_schema_match(const char *pattern, const char *value)
{
	bool (*fn)(const char *) = c_pattern(pattern);

	return fn ? fn(value) : -1;
}

static bool rng_is(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name);
}

static xmlNodePtr find_define(xmlNodePtr grammar, const xmlChar *name)
{
	for (xmlNodePtr c = grammar->children; c; c = c->next) {
		xmlChar *n;
		bool hit;

		if (!rng_is(c, "define"))
			continue;
		n = xmlGetNoNsProp(c, BAD_CAST "name");
		hit = n && !xmlStrcmp(n, name);
		xmlFree(n);
		if (hit)
			return c;
	}
	return NULL;
}

/* <data type="string"> of the XML Schema datatypes (the grammar's
 * library): its facets are the ones checked here. */
static bool string_data(xmlNodePtr data)
{
	xmlChar *type, *lib;
	bool ok;

	if (!rng_is(data, "data"))
		return false;
	type = xmlGetNoNsProp(data, BAD_CAST "type");
	lib = xmlGetNoNsProp(data, BAD_CAST "datatypeLibrary");
	ok = type && !xmlStrcmp(type, BAD_CAST "string") && !lib;
	xmlFree(type);
	xmlFree(lib);
	return ok;
}

static int pattern_of(struct facets *F, xmlNodePtr param)
{
	xmlChar *text, *kind;
	bool min_length;

	for (int i = 0; i < F->n_pats; i++)
		if (F->pats[i].param == param)
			return i;
	if (F->n_pats == MAX_PATTERNS)
		return -1;
	text = xmlNodeGetContent(param);	/* what libxml2 compiles */
	if (!text)
		return -1;
	kind = xmlGetNoNsProp(param, BAD_CAST "name");
	min_length = kind && !xmlStrcmp(kind, BAD_CAST "minLength");
	xmlFree(kind);
	if (min_length) {
		/* xs:string length is in characters: libxml2 counts them with
		 * xmlUTF8Strlen, and so does matches() */
		char *end;
		long n = strtol((const char *)text, &end, 10);
		bool bad = end == (char *)text || *end || n < 0 || n > INT_MAX;

		xmlFree(text);
		if (bad)
			return -1;
		F->pats[F->n_pats].min_len = (int)n;
		F->pats[F->n_pats].param = param;
		return F->n_pats++;
	}
	F->pats[F->n_pats].min_len = -1;
	F->pats[F->n_pats].match = c_pattern((const char *)text);
	F->pats[F->n_pats].re = F->pats[F->n_pats].match ? NULL : xmlRegexpCompile(text);
	xmlFree(text);
	if (!F->pats[F->n_pats].match && !F->pats[F->n_pats].re)
		return -1;
	F->pats[F->n_pats].param = param;
	return F->n_pats++;
}

/* Each <element> of the schema is walked once, however many refs reach it. */
static bool first_visit(struct facets *F, xmlNodePtr element)
{
	for (int i = 0; i < F->n_visited; i++)
		if (F->visited[i] == element)
			return false;
	if (F->n_visited == MAX_RNG_ELEMENTS) {
		F->unsure = true;
		return false;
	}
	F->visited[F->n_visited++] = element;
	return true;
}

/* <attribute><ref name="def"/></attribute>: see plain_text(). */
static void add_attr_ref(struct facets *F, xmlNodePtr ref, xmlNodePtr def)
{
	for (int i = 0; i < F->n_attr_refs; i++)
		if (F->attr_refs[i].ref == ref)
			return;
	if (F->n_attr_refs < MAX_ATTR_REFS) {
		F->attr_refs[F->n_attr_refs].ref = ref;
		F->attr_refs[F->n_attr_refs++].def = def;
	}
}

static void add_use(struct facets *F, const xmlChar *element, const xmlChar *attr,
		    xmlNodePtr param)
{
	int p = pattern_of(F, param);

	for (int i = 0; p >= 0 && i < F->n_uses; i++)
		if (F->uses[i].element == element && F->uses[i].attr == attr &&
		    F->uses[i].pattern == p)
			return;
	if (p < 0 || F->n_uses == MAX_USES) {
		F->unsure = true;
		return;
	}
	F->uses[F->n_uses++] = (struct use){ element, attr, p, NULL };
}

/* An <optional> holding one <attribute> and nothing else. */
static bool lone_attribute(xmlNodePtr opt)
{
	xmlNodePtr a = NULL;

	if (!rng_is(opt, "optional"))
		return false;
	for (xmlNodePtr c = opt->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c))
			continue;
		if (a || !rng_is(c, "attribute"))
			return false;
		a = c;
	}
	return a != NULL;
}

/* An optional attribute of element `element` (a lone_attribute() directly
 * in an <element> or a <define>): see strip_absent(). */
static void note_optional(struct facets *F, xmlNodePtr opt, const xmlChar *element)
{
	xmlNodePtr a = opt->children;
	xmlChar *name;
	const xmlChar *interned;

	if (!lone_attribute(opt) ||
	    (!rng_is(opt->parent, "element") && !rng_is(opt->parent, "define")))
		return;
	while (!rng_is(a, "attribute"))
		a = a->next;
	name = xmlGetNoNsProp(a, BAD_CAST "name");
	if (!name)
		return;		/* a name class: walk() gives up */
	interned = xmlDictLookup(F->rng->dict, name, -1);
	xmlFree(name);
	for (int i = 0; i < F->n_opts; i++)
		if (F->opts[i].opt == opt && F->opts[i].element == element)
			return;
	if (!interned || F->n_opts == MAX_OPTS) {
		F->opts_unsure = true;
		return;
	}
	F->opts[F->n_opts++] = (struct opt_use){ opt, element, interned, NULL, false };
}

/*
 * Record the patterns under n, inside element `element` and (when attr is
 * not NULL) attribute attr. A nested <element> starts its own walk; <ref>
 * is followed (depth bounds recursive grammars). Elements and attributes
 * must be named by a name attribute: a name class would make the table
 * incomplete, so it marks the walk unsure.
 */
static void walk(struct facets *F, xmlNodePtr grammar, xmlNodePtr n,
		 const xmlChar *element, const xmlChar *attr, int depth)
{
	if (depth > 64) {
		F->unsure = true;
		return;
	}
	for (; n && !F->unsure; n = n->next) {
		xmlChar *name;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (rng_is(n, "element") || rng_is(n, "attribute")) {
			const xmlChar *interned;

			name = xmlGetNoNsProp(n, BAD_CAST "name");
			if (!name) {
				F->unsure = true;
				return;
			}
			/* names live as long as the schema document */
			interned = xmlDictLookup(F->rng->dict, name, -1);
			xmlFree(name);
			if (!interned) {
				F->unsure = true;
				return;
			}
			if (rng_is(n, "element")) {
				if (!first_visit(F, n))
					continue;
				walk(F, grammar, n->children, interned, NULL, depth + 1);
			}
			else if (element)
				walk(F, grammar, n->children, element, interned, depth + 1);
			continue;
		}
		if (rng_is(n, "param")) {
			name = xmlGetNoNsProp(n, BAD_CAST "name");
			/* one in a <define> is reached through its refs */
			if (name && element && string_data(n->parent) &&
			    (!xmlStrcmp(name, BAD_CAST "pattern") ||
			     !xmlStrcmp(name, BAD_CAST "minLength")))
				add_use(F, element, attr ? attr : BAD_CAST TEXT_CONTENT, n);
			xmlFree(name);
			continue;
		}
		if (rng_is(n, "ref")) {
			xmlNodePtr def;

			/* a ref at the top (under <start> or a define) is reached
			 * from its element's own walk */
			if (!element)
				continue;
			name = xmlGetNoNsProp(n, BAD_CAST "name");
			def = name ? find_define(grammar, name) : NULL;
			xmlFree(name);
			if (!def) {
				F->unsure = true;
				return;
			}
			if (attr && rng_is(n->parent, "attribute"))
				add_attr_ref(F, n, def);
			walk(F, grammar, def->children, element, attr, depth + 1);
			continue;
		}
		if (rng_is(n, "optional") && element && !attr)
			note_optional(F, n, element);
		if (rng_is(n, "parentRef") || rng_is(n, "externalRef") || rng_is(n, "include") ||
		    rng_is(n, "anyName") || rng_is(n, "nsName") || rng_is(n, "name")) {
			F->unsure = true;
			return;
		}
		walk(F, grammar, n->children, element, attr, depth + 1);
	}
}

static bool names_equal(const xmlChar *a, const xmlChar *b)
{
	return a == b || !xmlStrcmp(a, b);
}

/*
 * The uses of element name in F->cache. Names in a parsed document are
 * interned, so each distinct name pointer is looked up once and then
 * found again by comparing pointers.
 */
static void uses_of(struct facets *F, const xmlChar *name)
{
	int k;

	if (F->cached == name)
		return;
	F->cached = name;
	for (k = 0; k < F->n_known; k++)
		if (F->known[k].name == name)
			break;
	if (k == F->n_known) {
		int first = F->n_flat, ofirst = F->n_oflat;

		for (int i = 0; i < F->n_uses && F->n_flat < MAX_FLAT; i++)
			if (names_equal(F->uses[i].element, name))
				F->flat[F->n_flat++] = i;
		for (int i = 0; i < F->n_opts && F->n_oflat < MAX_FLAT; i++)
			if (names_equal(F->opts[i].element, name))
				F->oflat[F->n_oflat++] = i;
		if (F->n_known == MAX_KNOWN || F->n_flat == MAX_FLAT || F->n_oflat == MAX_FLAT) {
			/* too many names: start the table over */
			F->n_known = F->n_flat = F->n_oflat = 0;
			F->cached = NULL;
			uses_of(F, name);
			return;
		}
		F->known[k].name = name;
		F->known[k].first = first;
		F->known[k].n = F->n_flat - first;
		F->known[k].ofirst = ofirst;
		F->known[k].on = F->n_oflat - ofirst;
		F->n_known++;
	}
	F->cache = F->flat + F->known[k].first;
	F->n_cache = F->known[k].n;
	F->ocache = F->oflat + F->known[k].ofirst;
	F->n_ocache = F->known[k].on;
}

static bool matches(const struct pattern *p, const xmlChar *value)
{
	if (p->min_len >= 0)
		return xmlUTF8Strlen(value) >= p->min_len;
	if (p->match)
		return p->match((const char *)value);
	return xmlRegexpExec(p->re, value) == 1;
}

static void check_value(struct facets *F, const xmlChar *attr, const xmlChar *value)
{
	for (int k = 0; k < F->n_cache; k++) {
		struct use *u = &F->uses[F->cache[k]];
		struct pattern *p = &F->pats[u->pattern];

		if (p->failed ||
		    (F->by_pointer ? u->doc_attr != attr : !names_equal(u->attr, attr)))
			continue;
		if (!matches(p, value))
			p->failed = true;
	}
}

/* The element's text as libxml2's RELAX NG data check reads it (text and
 * CDATA concatenated); NULL when anything else is among the children,
 * which the caller treats as a failed match. */
static xmlChar *text_content(xmlNodePtr e)
{
	xmlChar *s = xmlStrdup(BAD_CAST "");

	for (xmlNodePtr c = e->children; c && s; c = c->next) {
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) {
			xmlFree(s);
			return NULL;
		}
		s = xmlStrcat(s, c->content);
	}
	return s;
}

/* Mark the optional attributes that element e has. */
static void note_present(struct facets *F, xmlNodePtr e)
{
	for (int k = 0; k < F->n_ocache; k++) {
		struct opt_use *o = &F->opts[F->ocache[k]];

		if (o->present || !o->doc_attr)
			continue;
		for (xmlAttrPtr a = e->properties; a; a = a->next)
			if (a->name == o->doc_attr)	/* both in the document's dictionary */
				o->present = true;
	}
}

/* Match every value of the document's elements from e on, and below. */
static void check_doc(struct facets *F, xmlNodePtr e)
{
	for (; e; e = e->next) {
		if (e->type != XML_ELEMENT_NODE)
			continue;
		uses_of(F, e->name);
		note_present(F, e);
		for (xmlAttrPtr a = e->properties; a && F->n_cache; a = a->next) {
			xmlChar *v;

			/* one text child: its content is the value */
			if (a->children && a->children->type == XML_TEXT_NODE && !a->children->next) {
				check_value(F, a->name, a->children->content);
				continue;
			}
			v = xmlNodeListGetString(e->doc, a->children, 1);
			check_value(F, a->name, v ? v : BAD_CAST "");
			xmlFree(v);
		}
		for (int k = 0; k < F->n_cache; k++) {
			struct use *u = &F->uses[F->cache[k]];
			xmlChar *text;

			if (u->attr[0] || F->pats[u->pattern].failed)
				continue;
			text = text_content(e);
			if (!text || !matches(&F->pats[u->pattern], text))
				F->pats[u->pattern].failed = true;
			xmlFree(text);
		}
		check_doc(F, e->children);	/* the cache stays keyed by name */
	}
}

/*
 * An attribute whose value is <ref> to a define that is now only
 * <data type="string"/> (its patterns dropped) accepts any value, as
 * <text/> does: libxml2 validates both without error and consumes the
 * value the same way, but <data> costs a datatype lookup and check per
 * value. Only the attribute's own ref is replaced: the define may also
 * be an element's content, where <text/> and <data> report differently.
 */
static void plain_text(struct facets *F, xmlNodePtr grammar)
{
	for (int i = 0; i < F->n_attr_refs; i++) {
		xmlNodePtr def = F->attr_refs[i].def, data = NULL, text;
		xmlChar *type, *lib;
		bool plain;

		for (xmlNodePtr c = def->children; c; c = c->next) {
			if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c))
				continue;
			if (data || !rng_is(c, "data")) {
				data = NULL;
				break;
			}
			data = c;
		}
		if (!data)
			continue;
		plain = true;
		for (xmlNodePtr c = data->children; c; c = c->next)
			if (!(c->type == XML_TEXT_NODE && xmlIsBlankNode(c)))
				plain = false;
		type = xmlGetNoNsProp(data, BAD_CAST "type");
		lib = xmlGetNoNsProp(data, BAD_CAST "datatypeLibrary");
		plain = plain && type && !xmlStrcmp(type, BAD_CAST "string") && !lib;
		xmlFree(type);
		xmlFree(lib);
		if (!plain)
			continue;
		text = xmlNewDocNode(F->rng, grammar->ns, BAD_CAST "text", NULL);
		if (!text)
			continue;
		xmlReplaceNode(F->attr_refs[i].ref, text);
		xmlFreeNode(F->attr_refs[i].ref);
	}
}

/*
 * Attribute names compare by pointer (the patterns' and the optional
 * attributes'): the loader parses with a dictionary
 * (no XML_PARSE_NODICT), so every name in the tree is interned in
 * doc->dict, and a name the dictionary lacks is on no element. A document
 * parsed otherwise keeps every optional attribute.
 */
static void doc_names(struct facets *F, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	if (!doc->dict || !root || !xmlDictOwns(doc->dict, root->name)) {
		F->opts_unsure = true;
		return;
	}
	for (int i = 0; i < F->n_opts; i++)
		F->opts[i].doc_attr = xmlDictExists(doc->dict, F->opts[i].attr, -1);
	for (int i = 0; i < F->n_uses; i++)
		if (F->uses[i].attr[0])
			F->uses[i].doc_attr = xmlDictExists(doc->dict, F->uses[i].attr, -1);
	F->by_pointer = true;
}

/* Is every <ref> to define `name` under n a child of an <element>? */
static bool refs_in_elements(xmlNodePtr n, const xmlChar *name)
{
	for (; n; n = n->next) {
		xmlChar *r;
		bool bad = false;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (rng_is(n, "ref") || rng_is(n, "parentRef")) {
			r = xmlGetNoNsProp(n, BAD_CAST "name");
			bad = !r || (!xmlStrcmp(r, name) && !rng_is(n->parent, "element"));
			xmlFree(r);
		}
		if (bad || !refs_in_elements(n->children, name))
			return false;
	}
	return true;
}

/*
 * Does libxml2 move opt to its element's attribute patterns? It moves
 * each part of an element's content that can only produce attributes: an
 * optional attribute of the element itself, or a <ref> in the element to
 * a define made of optional attributes only.
 */
static bool moved_to_attrs(xmlNodePtr grammar, xmlNodePtr opt)
{
	xmlNodePtr def = opt->parent;
	xmlChar *name;
	bool ok;

	if (rng_is(def, "element"))
		return true;
	if (!rng_is(def, "define"))
		return false;
	for (xmlNodePtr c = def->children; c; c = c->next)
		if (c->type != XML_TEXT_NODE && c->type != XML_COMMENT_NODE && !lone_attribute(c))
			return false;
	name = xmlGetNoNsProp(def, BAD_CAST "name");
	ok = name && refs_in_elements(grammar->children, name);
	xmlFree(name);
	return ok;
}

/* Would the parent of n keep a pattern without it (the schema's grammar
 * needs one)? */
static bool has_other_pattern(xmlNodePtr n)
{
	for (xmlNodePtr c = n->parent->children; c; c = c->next)
		if (c != n && c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/*
 * Optional attributes that no element of the document has are removed
 * from the schema. libxml2 (2.9) moves each optional attribute to its
 * element's attribute patterns (moved_to_attrs()) and tries every one on
 * every element it validates: a copy of the validation state, a search of
 * the element's attributes, and, the attribute being absent, the state put
 * back and the messages dropped (errors inside an optional are never
 * shown). That is 40% of validating an Internet scenario. Without the
 * pattern, the element's other patterns run in the same order on the same
 * state, so validation takes the same course and says the same things.
 * An optional is removed only when absent from every element it belongs
 * to (a define may serve several), and never the last pattern of its
 * parent.
 */
static void strip_absent(struct facets *F, xmlNodePtr grammar)
{
	if (F->opts_unsure)
		return;
	for (int i = 0; i < F->n_opts; i++) {
		xmlNodePtr opt = F->opts[i].opt;
		bool strip = true;

		if (!opt)
			continue;	/* already removed */
		for (int j = 0; j < F->n_opts; j++)
			if (F->opts[j].opt == opt && F->opts[j].present)
				strip = false;
		if (!strip || !moved_to_attrs(grammar, opt) || !has_other_pattern(opt))
			continue;
		for (int j = 0; j < F->n_opts; j++)
			if (j != i && F->opts[j].opt == opt)
				F->opts[j].opt = NULL;
		F->opts[i].opt = NULL;
		xmlUnlinkNode(opt);
		xmlFreeNode(opt);
	}
}

xmlRelaxNGPtr ers_load_schema_compile(xmlDocPtr doc, xmlStructuredErrorFunc err, void *ctx)
{
	struct facets F = { 0 };
	xmlRelaxNGParserCtxtPtr pctxt = NULL;
	xmlRelaxNGPtr schema = NULL;
	xmlNodePtr grammar;

	F.rng = xmlReadMemory((const char *)ers_schema_rng, (int)ers_schema_rng_len,
			      "ersim.rng", NULL, XML_PARSE_NONET);
	grammar = F.rng ? xmlDocGetRootElement(F.rng) : NULL;
	if (!rng_is(grammar, "grammar"))
		F.unsure = true;
	else
		walk(&F, grammar, grammar->children, NULL, NULL, 0);
	if (!F.unsure)
		doc_names(&F, doc);
	if (!F.unsure)
		check_doc(&F, xmlDocGetRootElement(doc));
	for (int i = 0; i < F.n_pats; i++) {
		if (!F.unsure && !F.pats[i].failed) {
			xmlUnlinkNode(F.pats[i].param);
			xmlFreeNode(F.pats[i].param);
		}
		xmlRegFreeRegexp(F.pats[i].re);
	}
	if (!F.unsure) {
		plain_text(&F, grammar);
		strip_absent(&F, grammar);
	}
	if (F.rng)
		pctxt = xmlRelaxNGNewDocParserCtxt(F.rng);
	else
		pctxt = xmlRelaxNGNewMemParserCtxt((const char *)ers_schema_rng,
						   (int)ers_schema_rng_len);
	if (pctxt) {
		xmlRelaxNGSetParserStructuredErrors(pctxt, err, ctx);
		schema = xmlRelaxNGParse(pctxt);
		xmlRelaxNGFreeParserCtxt(pctxt);
	}
	xmlFreeDoc(F.rng);
	return schema;
}
