/*
 * catalog_xml.c - reads a <geography> element into a struct ers_catalog:
 * <geo-region> elements holding <region>, <location> and <metro> entries.
 * The builtin data/geography.xml and a scenario's <geography> both come
 * through here (see catalog_xml.h), so the element forms, defaults and
 * error messages are the same for both.
 *
 * Values are checked one attribute at a time and every problem is
 * reported with the element's line, then parsing goes on: a user fixing a
 * what-if geography sees all of its mistakes in one run. References
 * between entries are left to ers_catalog_check() in catalog.c, which runs
 * on the merged catalog. Defaults: name = id, zone 1, global-reach and
 * direct true, no community, national inherited from the geo-region.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_xml.h"

struct parser {
	struct ers_catalog *c;
	const char *file;
	struct ers_diag *d;
	enum ers_err rc;		/* first problem, or ERS_OK */
};

static void fail(struct parser *p, enum ers_err code, xmlNodePtr n,
		 const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void fail(struct parser *p, enum ers_err code, xmlNodePtr n,
		 const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (p->rc == ERS_OK || code == ERS_ENOMEM)
		p->rc = code;
	if (code == ERS_ENOMEM)
		return;		/* nothing more useful to say */
	va_start(ap, fmt);
	ers_diag_vadd(p->d, code, p->file, n ? xmlGetLineNo(n) : 0, hint, fmt, ap);
	va_end(ap);
}

static bool is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name);
}

/* A malloc'd copy of attribute name, or NULL when absent (or out of
 * memory, which is recorded in p). */
static char *attr(struct parser *p, xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s;

	if (!v) {
		if (xmlHasProp(n, BAD_CAST name))
			fail(p, ERS_ENOMEM, n, NULL, "out of memory");
		return NULL;
	}
	s = strdup((const char *)v);
	xmlFree(v);
	if (!s)
		fail(p, ERS_ENOMEM, n, NULL, "out of memory");
	return s;
}

/* ---- attribute values ---- */

static bool parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* lat and lon, both or neither; returns true when both were read. */
static bool parse_coords(struct parser *p, xmlNodePtr n, const char *what,
			 const char *id, double *lat, double *lon)
{
	char *a = attr(p, n, "lat"), *b = attr(p, n, "lon");
	bool ok = a && b;

	if (a && !parse_double(a, -90.0, 90.0, lat)) {
		fail(p, ERS_ESCENARIO, n, "latitude is decimal degrees, north positive",
		     "bad latitude '%s' for %s '%s' (expected -90 to 90)", a, what, id);
		ok = false;
	}
	if (b && !parse_double(b, -180.0, 180.0, lon)) {
		fail(p, ERS_ESCENARIO, n, "longitude is decimal degrees, east positive",
		     "bad longitude '%s' for %s '%s' (expected -180 to 180)", b, what, id);
		ok = false;
	}
	if (!a != !b)
		fail(p, ERS_ESCENARIO, n, "give both lat and lon, or neither to keep the builtin ones",
		     "%s '%s' has %s without %s", what, id, a ? "lat" : "lon", a ? "lon" : "lat");
	free(a);
	free(b);
	return ok;
}

/* Boolean attribute name (true/false/1/0); *out unchanged when absent.
 * Returns true when the attribute was present and valid. */
static bool parse_bool(struct parser *p, xmlNodePtr n, const char *name,
		       const char *id, bool *out)
{
	char *s = attr(p, n, name);
	bool given = false;

	if (!s)
		return false;
	if (!strcmp(s, "true") || !strcmp(s, "1"))
		*out = given = true;
	else if (!strcmp(s, "false") || !strcmp(s, "0"))
		*out = false, given = true;
	else
		fail(p, ERS_ESCENARIO, n, "write true or false",
		     "bad %s '%s' for '%s'", name, s, id);
	free(s);
	return given;
}

/* "12076:50002" -> 50002. Regional communities are Microsoft's (ASN
 * 12076) and the value is never 0, which means "unknown" in the struct. */
static bool parse_community(const char *s, uint32_t *out)
{
	unsigned long asn, val;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	asn = strtoul(s, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	val = strtoul(end + 1, &end, 10);
	if (*end || asn != ERS_ASN_MICROSOFT || val == 0 || val > 65535)
		return false;
	*out = (uint32_t)val;
	return true;
}

/* Split a whitespace-separated list into a new array of new strings. */
static char **split(const char *s, size_t *n_out)
{
	const char *sep = " \t\r\n";
	char **v = NULL, **w = NULL;
	size_t n = 0;

	for (s += strspn(s, sep); *s; s += strspn(s, sep)) {
		size_t len = strcspn(s, sep);

		w = realloc(v, (n + 1) * sizeof *v);
		if (!w || !(w[n] = strndup(s, len)))
			goto nomem;
		v = w;
		n++;
		s += len;
	}
	*n_out = n;
	return v;
nomem:
	if (w)
		v = w;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	*n_out = SIZE_MAX;
	return NULL;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- entries ---- */

/* A zeroed new slot of kind k with its meta, or NULL (out of memory). */
static void *push(struct parser *p, enum ers_cat_kind k, unsigned char flags)
{
	struct ers_catalog *c = p->c;
	size_t n;
	void *slot = NULL;

	n = k == ERS_CAT_GEO ? c->n_geos : k == ERS_CAT_REGION ? c->n_regions :
	    k == ERS_CAT_LOCATION ? c->n_locations : c->n_metros;
	{
		struct ers_catalog_meta *m = ers_catalog_grow(c->index->meta[k], n, sizeof *m);

		if (!m)
			goto nomem;
		c->index->meta[k] = m;
		m[n].flags = flags;
		m[n].file = 0;
	}
	switch (k) {
	case ERS_CAT_GEO: {
		struct ers_geo_region *v = ers_catalog_grow(c->geos, n, sizeof *v);
		if (v)
			c->geos = v, slot = &v[c->n_geos++];
		break;
	}
	case ERS_CAT_REGION: {
		struct ers_region *v = ers_catalog_grow(c->regions, n, sizeof *v);
		if (v)
			c->regions = v, slot = &v[c->n_regions++];
		break;
	}
	case ERS_CAT_LOCATION: {
		struct ers_location *v = ers_catalog_grow(c->locations, n, sizeof *v);
		if (v)
			c->locations = v, slot = &v[c->n_locations++];
		break;
	}
	default: {
		struct ers_metro *v = ers_catalog_grow(c->metros, n, sizeof *v);
		if (v)
			c->metros = v, slot = &v[c->n_metros++];
		break;
	}
	}
	if (!slot)
		goto nomem;
	return slot;
nomem:
	fail(p, ERS_ENOMEM, NULL, NULL, "out of memory");
	return NULL;
}

/* The id of element n, or NULL after reporting it missing. */
static char *entry_id(struct parser *p, xmlNodePtr n)
{
	char *id = attr(p, n, "id");

	if (id && !*id) {
		free(id);
		id = NULL;
	}
	if (!id && p->rc != ERS_ENOMEM)
		fail(p, ERS_ESCENARIO, n, "every geography entry needs a non-empty id",
		     "<%s> without id", (const char *)n->name);
	return id;
}

/* name defaults to id. */
static char *entry_name(struct parser *p, xmlNodePtr n, const char *id)
{
	char *name = attr(p, n, "name");

	if (!name && !(name = strdup(id)))
		fail(p, ERS_ENOMEM, n, NULL, "out of memory");
	return name;
}

/* The geo-region being read: what its entries inherit. */
struct geo_ctx {
	const char *id;
	bool national;
	bool national_set;
};

/* Common to region and location: national, explicit or from the
 * geo-region element; returns the meta flag. */
static unsigned char entry_national(struct parser *p, xmlNodePtr n, const char *id,
				    const struct geo_ctx *g, bool *national)
{
	*national = g->national;
	if (parse_bool(p, n, "national", id, national))
		return ERS_CAT_NATIONAL_SET;
	return g->national_set ? ERS_CAT_NATIONAL_SET : 0;
}

static void parse_region(struct parser *p, xmlNodePtr n, const struct geo_ctx *g)
{
	struct ers_region r = { .line = xmlGetLineNo(n) };
	unsigned char flags;
	struct ers_region *slot;
	char *s;

	if (!(r.id = entry_id(p, n)))
		return;
	r.name = entry_name(p, n, r.id);
	r.geo = strdup(g->id);
	if (!r.geo)
		fail(p, ERS_ENOMEM, n, NULL, "out of memory");
	flags = entry_national(p, n, r.id, g, &r.national);
	if (parse_coords(p, n, "region", r.id, &r.lat, &r.lon))
		flags |= ERS_CAT_COORDS_SET;
	if ((s = attr(p, n, "community")) && !parse_community(s, &r.community))
		fail(p, ERS_ESCENARIO, n,
		     "write Microsoft's regional community as 12076:VALUE, e.g. 12076:50002",
		     "bad community '%s' for region '%s'", s, r.id);
	free(s);
	slot = push(p, ERS_CAT_REGION, flags);
	if (!slot) {
		free(r.id), free(r.name), free(r.geo);
		return;
	}
	*slot = r;
}

static void parse_zone(struct parser *p, xmlNodePtr n, struct ers_location *l)
{
	char *s = attr(p, n, "zone");

	l->zone = 1;
	if (!s)
		return;
	if (s[0] >= '1' && s[0] <= '4' && !s[1])
		l->zone = s[0] - '0';
	else
		fail(p, ERS_ESCENARIO, n, "ExpressRoute pricing zones are 1, 2, 3 and 4",
		     "bad zone '%s' for location '%s'", s, l->id);
	free(s);
}

static void parse_location(struct parser *p, xmlNodePtr n, const struct geo_ctx *g)
{
	struct ers_location l = {
		.line = xmlGetLineNo(n), .global_reach = true, .direct = true,
	};
	struct ers_location *slot;
	unsigned char flags;
	char *s;

	if (!(l.id = entry_id(p, n)))
		return;
	l.name = entry_name(p, n, l.id);
	if (!(l.geo = strdup(g->id)))
		fail(p, ERS_ENOMEM, n, NULL, "out of memory");
	flags = entry_national(p, n, l.id, g, &l.national);
	if (parse_coords(p, n, "location", l.id, &l.lat, &l.lon))
		flags |= ERS_CAT_COORDS_SET;
	parse_zone(p, n, &l);
	parse_bool(p, n, "global-reach", l.id, &l.global_reach);
	parse_bool(p, n, "direct", l.id, &l.direct);
	if ((s = attr(p, n, "local-regions"))) {
		l.local_regions = split(s, &l.n_local_regions);
		if (l.n_local_regions == SIZE_MAX) {
			l.n_local_regions = 0;
			fail(p, ERS_ENOMEM, n, NULL, "out of memory");
		}
		free(s);
	}
	slot = push(p, ERS_CAT_LOCATION, flags);
	if (!slot) {
		free(l.id), free(l.name), free(l.geo);
		free_list(l.local_regions, l.n_local_regions);
		return;
	}
	*slot = l;
}

/* locations="primary secondary": exactly two, distinct. */
static void metro_locations(struct parser *p, xmlNodePtr n, struct ers_metro *m)
{
	char *s = attr(p, n, "locations");
	size_t count = 0;
	char **v;

	v = split(s ? s : "", &count);
	if (count == SIZE_MAX) {
		fail(p, ERS_ENOMEM, n, NULL, "out of memory");
		count = 0;
	} else if (count != 2) {
		fail(p, ERS_ESCENARIO, n,
		     "a metro pairs two peering locations, e.g. locations=\"amsterdam amsterdam2\"",
		     "metro '%s' must list exactly two locations (found %zu)", m->id, count);
	} else if (!strcmp(v[0], v[1])) {
		fail(p, ERS_ESCENARIO, n, "a metro pairs two different peering locations",
		     "metro '%s' lists location '%s' twice", m->id, v[0]);
	} else {
		m->locations[0] = v[0];
		m->locations[1] = v[1];
		free(v);
		v = NULL;
		count = 0;
	}
	free_list(v, count);
	free(s);
}

static void parse_metro(struct parser *p, xmlNodePtr n, const struct geo_ctx *g)
{
	struct ers_metro m = { .line = xmlGetLineNo(n) };
	struct ers_metro *slot;

	if (!(m.id = entry_id(p, n)))
		return;
	m.name = entry_name(p, n, m.id);
	if (!(m.geo = strdup(g->id)))
		fail(p, ERS_ENOMEM, n, NULL, "out of memory");
	metro_locations(p, n, &m);
	slot = push(p, ERS_CAT_METRO, 0);
	if (!slot) {
		free(m.id), free(m.name), free(m.geo);
		free(m.locations[0]), free(m.locations[1]);
		return;
	}
	*slot = m;
}

static void parse_geo(struct parser *p, xmlNodePtr n)
{
	struct ers_geo_region *slot;
	struct geo_ctx g = { 0 };
	unsigned char flags = 0;
	char *id, *name;

	if (!(id = entry_id(p, n)))
		return;
	if (xmlHasProp(n, BAD_CAST "name"))
		flags |= ERS_CAT_GEO_SET;
	g.national_set = parse_bool(p, n, "national", id, &g.national);
	if (g.national_set)
		flags |= ERS_CAT_GEO_SET | ERS_CAT_NATIONAL_SET;
	name = entry_name(p, n, id);
	slot = push(p, ERS_CAT_GEO, flags);
	if (!slot) {
		free(id), free(name);
		return;
	}
	*slot = (struct ers_geo_region){
		.id = id, .name = name, .national = g.national, .line = xmlGetLineNo(n),
	};
	g.id = id;
	for (xmlNodePtr k = n->children; k && p->rc != ERS_ENOMEM; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(k, "region"))
			parse_region(p, k, &g);
		else if (is_elem(k, "location"))
			parse_location(p, k, &g);
		else if (is_elem(k, "metro"))
			parse_metro(p, k, &g);
		else
			fail(p, ERS_ESCENARIO, k, "expected <region>, <location> or <metro>",
			     "unexpected <%s> in <geo-region>", (const char *)k->name);
	}
}

/* Ids are unique per kind; the index, sorted by (id, position), puts
 * duplicates next to each other with the first written first. */
static void report_duplicates(struct parser *p, enum ers_cat_kind k, size_t n)
{
	const struct ers_catalog_key *keys = p->c->index->keys[k];

	for (size_t i = 1; i < n; i++) {
		size_t first = i - 1;
		char hint[64];
		long line[2];

		if (strcmp(keys[i].id, keys[first].id))
			continue;
		while (first > 0 && !strcmp(keys[first - 1].id, keys[i].id))
			first--;
		for (int j = 0; j < 2; j++) {
			size_t pos = j ? keys[i].pos : keys[first].pos;

			line[j] = k == ERS_CAT_GEO ? p->c->geos[pos].line :
				  k == ERS_CAT_REGION ? p->c->regions[pos].line :
				  k == ERS_CAT_LOCATION ? p->c->locations[pos].line :
				  p->c->metros[pos].line;
		}
		snprintf(hint, sizeof hint, "first defined at line %ld", line[0]);
		p->rc = p->rc ? p->rc : ERS_ESCENARIO;
		ers_diag_add(p->d, ERS_ESCENARIO, p->file, line[1], hint,
			     "duplicate %s '%s'", ers_catalog_kind_name(k), keys[i].id);
	}
}

enum ers_err ers_catalog_parse_geography(struct ers_catalog *out,
					 xmlNodePtr geography_elem,
					 const char *file,
					 struct ers_diag *d)
{
	struct parser p = { .c = out, .file = file, .d = d };
	size_t counts[ERS_CAT_KINDS];

	out->index = calloc(1, sizeof *out->index);
	if (!out->index)
		return ERS_ENOMEM;
	if (file) {
		out->file = strdup(file);
		out->index->files = malloc(sizeof *out->index->files);
		if (!out->file || !out->index->files)
			return ERS_ENOMEM;
		out->index->files[0] = strdup(file);
		if (!out->index->files[0])
			return ERS_ENOMEM;
		out->index->n_files = 1;
	}
	for (xmlNodePtr n = geography_elem ? geography_elem->children : NULL;
	     n && p.rc != ERS_ENOMEM; n = n->next) {
		if (is_elem(n, "geo-region"))
			parse_geo(&p, n);
		else if (n->type == XML_ELEMENT_NODE)
			fail(&p, ERS_ESCENARIO, n, "group entries in <geo-region id=\"...\">",
			     "unexpected <%s> in <geography>", (const char *)n->name);
	}
	if (p.rc == ERS_ENOMEM || ers_catalog_index_build(out))
		return ERS_ENOMEM;
	counts[ERS_CAT_GEO] = out->n_geos;
	counts[ERS_CAT_REGION] = out->n_regions;
	counts[ERS_CAT_LOCATION] = out->n_locations;
	counts[ERS_CAT_METRO] = out->n_metros;
	for (int k = 0; k < ERS_CAT_KINDS; k++)
		report_duplicates(&p, k, counts[k]);
	return p.rc;
}
