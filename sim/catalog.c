/*
 * catalog.c - the Azure geography ersim knows (see catalog.h): the builtin
 * catalog embedded from data/geography.xml, merging a scenario's
 * <geography> over it, lookups by id, the consistency check, and the
 * great-circle distance and fibre latency that links between places get.
 *
 * Entries stay in the order they were written (output follows it); a
 * private index (struct ers_catalog_index, sim/catalog_xml.h) keeps, per
 * kind, the ids sorted for bsearch, since the loader and the topology
 * builder look ids up for every circuit, connection and link. The index is
 * rebuilt whole after a parse or merge: catalogs are built once and then
 * only read. Parsing itself lives in catalog_xml.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "catalog_xml.h"
#include "embed.h"

#define EARTH_RADIUS_KM 6371.0
#define FIBRE_KM_PER_S 204190.0		/* c / 1.468 */
#define PATH_FACTOR 1.5			/* real routes are longer than great circles */

static const char *const kind_names[ERS_CAT_KINDS] = {
	"geo-region", "region", "location", "metro",
};

/* ---- generic access to the four arrays ---- */

static size_t kind_count(const struct ers_catalog *c, enum ers_cat_kind k)
{
	switch (k) {
	case ERS_CAT_GEO:	return c->n_geos;
	case ERS_CAT_REGION:	return c->n_regions;
	case ERS_CAT_LOCATION:	return c->n_locations;
	default:		return c->n_metros;
	}
}

static const char *kind_id(const struct ers_catalog *c, enum ers_cat_kind k, size_t i)
{
	switch (k) {
	case ERS_CAT_GEO:	return c->geos[i].id;
	case ERS_CAT_REGION:	return c->regions[i].id;
	case ERS_CAT_LOCATION:	return c->locations[i].id;
	default:		return c->metros[i].id;
	}
}

void *ers_catalog_grow(void *arr, size_t n, size_t sz)
{
	size_t cap;

	if (n && (n & (n - 1)))
		return arr;		/* room left: capacity is the next power of two */
	cap = n ? 2 * n : 1;
	if (cap > SIZE_MAX / sz)
		return NULL;
	return realloc(arr, cap * sz);
}

struct ers_catalog_meta *ers_catalog_meta(const struct ers_catalog *c,
					  enum ers_cat_kind k, size_t i)
{
	static struct ers_catalog_meta none;

	if (!c->index || !c->index->meta[k]) {
		none.flags = ERS_CAT_NATIONAL_SET | ERS_CAT_COORDS_SET | ERS_CAT_GEO_SET;
		none.file = 0;
		return &none;
	}
	return &c->index->meta[k][i];
}

const char *ers_catalog_entry_file(const struct ers_catalog *c,
				   enum ers_cat_kind k, size_t i)
{
	const struct ers_catalog_meta *m = ers_catalog_meta(c, k, i);

	if (c->index && m->file < c->index->n_files)
		return c->index->files[m->file];
	return c->file;
}

/* ---- the sorted index ---- */

static int key_cmp(const void *a, const void *b)
{
	const struct ers_catalog_key *x = a, *y = b;
	int r = strcmp(x->id, y->id);

	if (r)
		return r;
	return x->pos < y->pos ? -1 : x->pos > y->pos;	/* total order */
}

enum ers_err ers_catalog_index_build(struct ers_catalog *c)
{
	struct ers_catalog_index *ix = c->index;

	if (!ix) {
		ix = calloc(1, sizeof *ix);
		if (!ix)
			return ERS_ENOMEM;
		c->index = ix;
	}
	for (int k = 0; k < ERS_CAT_KINDS; k++) {
		size_t n = kind_count(c, k);
		struct ers_catalog_key *keys;

		free(ix->keys[k]);
		ix->keys[k] = NULL;
		if (!n)
			continue;
		keys = malloc(n * sizeof *keys);
		if (!keys)
			return ERS_ENOMEM;
		for (size_t i = 0; i < n; i++) {
			keys[i].id = kind_id(c, k, i);
			keys[i].pos = i;
		}
		qsort(keys, n, sizeof *keys, key_cmp);
		ix->keys[k] = keys;
	}
	return ERS_OK;
}

/* Position of id among kind k, or SIZE_MAX. O(log n) with the index; a
 * catalog built by hand without one is searched linearly. On duplicate
 * ids (only in a parse that reported them) the first written wins. */
static size_t find(const struct ers_catalog *c, enum ers_cat_kind k, const char *id)
{
	size_t n;

	if (!c || !id)
		return SIZE_MAX;
	n = kind_count(c, k);
	if (c->index && c->index->keys[k]) {
		size_t lo = 0, hi = n;

		while (lo < hi) {	/* lower bound: first key >= id */
			size_t mid = lo + (hi - lo) / 2;

			if (strcmp(c->index->keys[k][mid].id, id) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n && !strcmp(c->index->keys[k][lo].id, id))
			return c->index->keys[k][lo].pos;
		return SIZE_MAX;
	}
	for (size_t i = 0; i < n; i++)
		if (kind_id(c, k, i) && !strcmp(kind_id(c, k, i), id))
			return i;
	return SIZE_MAX;
}

const struct ers_geo_region *ers_catalog_geo(const struct ers_catalog *c, const char *id)
{
	size_t i = c ? find(c, ERS_CAT_GEO, id) : SIZE_MAX;

	return i == SIZE_MAX ? NULL : &c->geos[i];
}

const struct ers_region *ers_catalog_region(const struct ers_catalog *c, const char *id)
{
	size_t i = c ? find(c, ERS_CAT_REGION, id) : SIZE_MAX;

	return i == SIZE_MAX ? NULL : &c->regions[i];
}

const struct ers_location *ers_catalog_location(const struct ers_catalog *c, const char *id)
{
	size_t i = c ? find(c, ERS_CAT_LOCATION, id) : SIZE_MAX;

	return i == SIZE_MAX ? NULL : &c->locations[i];
}

const struct ers_metro *ers_catalog_metro(const struct ers_catalog *c, const char *id)
{
	size_t i = c ? find(c, ERS_CAT_METRO, id) : SIZE_MAX;

	return i == SIZE_MAX ? NULL : &c->metros[i];
}

/* ---- releasing ---- */

static void geo_release(struct ers_geo_region *g)
{
	free(g->id);
	free(g->name);
}

static void region_release(struct ers_region *r)
{
	free(r->id);
	free(r->name);
	free(r->geo);
}

static void location_release(struct ers_location *l)
{
	free(l->id);
	free(l->name);
	free(l->geo);
	for (size_t i = 0; i < l->n_local_regions; i++)
		free(l->local_regions[i]);
	free(l->local_regions);
}

static void metro_release(struct ers_metro *m)
{
	free(m->id);
	free(m->name);
	free(m->geo);
	free(m->locations[0]);
	free(m->locations[1]);
}

static void index_free(struct ers_catalog_index *ix)
{
	if (!ix)
		return;
	for (int k = 0; k < ERS_CAT_KINDS; k++) {
		free(ix->keys[k]);
		free(ix->meta[k]);
	}
	for (size_t i = 0; i < ix->n_files; i++)
		free(ix->files[i]);
	free(ix->files);
	free(ix);
}

void ers_catalog_release(struct ers_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_geos; i++)
		geo_release(&c->geos[i]);
	for (size_t i = 0; i < c->n_regions; i++)
		region_release(&c->regions[i]);
	for (size_t i = 0; i < c->n_locations; i++)
		location_release(&c->locations[i]);
	for (size_t i = 0; i < c->n_metros; i++)
		metro_release(&c->metros[i]);
	free(c->geos);
	free(c->regions);
	free(c->locations);
	free(c->metros);
	free(c->file);
	index_free(c->index);
	memset(c, 0, sizeof *c);
}

void ers_catalog_free(struct ers_catalog *c)
{
	ers_catalog_release(c);
	free(c);
}

/* ---- merging ---- */

/* strdup that accepts NULL; *ok turns false when memory runs out. */
static char *dup(const char *s, bool *ok)
{
	char *r;

	if (!s)
		return NULL;
	r = strdup(s);
	if (!r)
		*ok = false;
	return r;
}

static bool geo_copy(struct ers_geo_region *to, const struct ers_geo_region *from)
{
	bool ok = true;

	*to = *from;
	to->id = dup(from->id, &ok);
	to->name = dup(from->name, &ok);
	return ok;
}

static bool region_copy(struct ers_region *to, const struct ers_region *from)
{
	bool ok = true;

	*to = *from;
	to->id = dup(from->id, &ok);
	to->name = dup(from->name, &ok);
	to->geo = dup(from->geo, &ok);
	return ok;
}

static bool location_copy(struct ers_location *to, const struct ers_location *from)
{
	bool ok = true;

	*to = *from;
	to->id = dup(from->id, &ok);
	to->name = dup(from->name, &ok);
	to->geo = dup(from->geo, &ok);
	to->local_regions = NULL;
	to->n_local_regions = 0;
	if (from->n_local_regions) {
		to->local_regions = calloc(from->n_local_regions, sizeof *to->local_regions);
		if (!to->local_regions)
			return false;
		to->n_local_regions = from->n_local_regions;
		for (size_t i = 0; i < from->n_local_regions; i++)
			to->local_regions[i] = dup(from->local_regions[i], &ok);
	}
	return ok;
}

static bool metro_copy(struct ers_metro *to, const struct ers_metro *from)
{
	bool ok = true;

	*to = *from;
	to->id = dup(from->id, &ok);
	to->name = dup(from->name, &ok);
	to->geo = dup(from->geo, &ok);
	to->locations[0] = dup(from->locations[0], &ok);
	to->locations[1] = dup(from->locations[1], &ok);
	return ok;
}

/* Add file to the merged catalog's file list; returns its index. */
static int add_file(struct ers_catalog *c, const char *file)
{
	struct ers_catalog_index *ix = c->index;
	char **v;

	for (size_t i = 0; i < ix->n_files; i++)
		if (file && ix->files[i] && !strcmp(ix->files[i], file))
			return (int)i;
	if (ix->n_files >= 255)
		return 0;		/* meta.file is a byte: fold the rest onto files[0] */
	v = realloc(ix->files, (ix->n_files + 1) * sizeof *v);
	if (!v)
		return -1;
	ix->files = v;
	v[ix->n_files] = NULL;
	if (file && !(v[ix->n_files] = strdup(file)))
		return -1;
	return (int)ix->n_files++;
}

/* Append entry i of kind k of src to dst, with its meta and file. */
static enum ers_err append(struct ers_catalog *dst, const struct ers_catalog *src,
			   enum ers_cat_kind k, size_t i)
{
	struct ers_catalog_index *ix = dst->index;
	size_t n = kind_count(dst, k);
	struct ers_catalog_meta *meta;
	bool ok;
	int f;

	f = add_file(dst, ers_catalog_entry_file(src, k, i));
	if (f < 0)
		return ERS_ENOMEM;
	meta = ers_catalog_grow(ix->meta[k], n, sizeof *meta);
	if (!meta)
		return ERS_ENOMEM;
	ix->meta[k] = meta;
	meta[n] = *ers_catalog_meta(src, k, i);
	meta[n].file = (unsigned char)f;

	switch (k) {
	case ERS_CAT_GEO: {
		struct ers_geo_region *v = ers_catalog_grow(dst->geos, n, sizeof *v);
		if (!v)
			return ERS_ENOMEM;
		dst->geos = v;
		ok = geo_copy(&v[n], &src->geos[i]);
		dst->n_geos++;
		break;
	}
	case ERS_CAT_REGION: {
		struct ers_region *v = ers_catalog_grow(dst->regions, n, sizeof *v);
		if (!v)
			return ERS_ENOMEM;
		dst->regions = v;
		ok = region_copy(&v[n], &src->regions[i]);
		dst->n_regions++;
		break;
	}
	case ERS_CAT_LOCATION: {
		struct ers_location *v = ers_catalog_grow(dst->locations, n, sizeof *v);
		if (!v)
			return ERS_ENOMEM;
		dst->locations = v;
		ok = location_copy(&v[n], &src->locations[i]);
		dst->n_locations++;
		break;
	}
	default: {
		struct ers_metro *v = ers_catalog_grow(dst->metros, n, sizeof *v);
		if (!v)
			return ERS_ENOMEM;
		dst->metros = v;
		ok = metro_copy(&v[n], &src->metros[i]);
		dst->n_metros++;
		break;
	}
	}
	return ok ? ERS_OK : ERS_ENOMEM;
}

/* Does over's entry i of kind k take the place of base's entry with the
 * same id? Always, except a geo-region written only as a container
 * (<geo-region id="europe"> holding new locations, no name or national). */
static bool replaces(const struct ers_catalog *over, enum ers_cat_kind k, size_t i)
{
	return k != ERS_CAT_GEO || (ers_catalog_meta(over, k, i)->flags & ERS_CAT_GEO_SET);
}

/* Copy base's entries in order, each replaced by over's entry of the same
 * id when there is one, then over's new entries in their order. */
static enum ers_err merge_kind(struct ers_catalog *dst, const struct ers_catalog *base,
			       const struct ers_catalog *over, enum ers_cat_kind k)
{
	enum ers_err rc = ERS_OK;

	for (size_t i = 0; i < kind_count(base, k) && !rc; i++) {
		size_t j = find(over, k, kind_id(base, k, i));

		if (j != SIZE_MAX && replaces(over, k, j))
			rc = append(dst, over, k, j);
		else
			rc = append(dst, base, k, i);
	}
	for (size_t j = 0; j < kind_count(over, k) && !rc; j++) {
		if (find(base, k, kind_id(over, k, j)) == SIZE_MAX &&
		    find(over, k, kind_id(over, k, j)) == j)
			rc = append(dst, over, k, j);
	}
	return rc;
}

/* An overriding entry written without lat/lon keeps the coordinates of
 * the entry it replaces. */
static void inherit_coords(struct ers_catalog *c, const struct ers_catalog *base)
{
	for (size_t i = 0; i < c->n_regions; i++) {
		struct ers_catalog_meta *m = ers_catalog_meta(c, ERS_CAT_REGION, i);
		const struct ers_region *b = ers_catalog_region(base, c->regions[i].id);

		if (!(m->flags & ERS_CAT_COORDS_SET) && b) {
			c->regions[i].lat = b->lat;
			c->regions[i].lon = b->lon;
			m->flags |= ERS_CAT_COORDS_SET;
		}
	}
	for (size_t i = 0; i < c->n_locations; i++) {
		struct ers_catalog_meta *m = ers_catalog_meta(c, ERS_CAT_LOCATION, i);
		const struct ers_location *b = ers_catalog_location(base, c->locations[i].id);

		if (!(m->flags & ERS_CAT_COORDS_SET) && b) {
			c->locations[i].lat = b->lat;
			c->locations[i].lon = b->lon;
			m->flags |= ERS_CAT_COORDS_SET;
		}
	}
}

/* Entries that did not say national="..." take their geo-region's value,
 * now that the geo-regions are final. */
static void inherit_national(struct ers_catalog *c)
{
	for (size_t i = 0; i < c->n_regions; i++) {
		struct ers_catalog_meta *m = ers_catalog_meta(c, ERS_CAT_REGION, i);
		const struct ers_geo_region *g = ers_catalog_geo(c, c->regions[i].geo);

		if (!(m->flags & ERS_CAT_NATIONAL_SET) && g) {
			c->regions[i].national = g->national;
			m->flags |= ERS_CAT_NATIONAL_SET;
		}
	}
	for (size_t i = 0; i < c->n_locations; i++) {
		struct ers_catalog_meta *m = ers_catalog_meta(c, ERS_CAT_LOCATION, i);
		const struct ers_geo_region *g = ers_catalog_geo(c, c->locations[i].geo);

		if (!(m->flags & ERS_CAT_NATIONAL_SET) && g) {
			c->locations[i].national = g->national;
			m->flags |= ERS_CAT_NATIONAL_SET;
		}
	}
}

static enum ers_err merge_into(struct ers_catalog *c, const struct ers_catalog *base,
			       const struct ers_catalog *over)
{
	static const struct ers_catalog empty;
	const char *file = over && over->file ? over->file : base ? base->file : NULL;
	enum ers_err rc;

	if (!base)
		base = &empty;
	if (!over)
		over = &empty;
	c->index = calloc(1, sizeof *c->index);
	if (!c->index || (file && !(c->file = strdup(file))))
		return ERS_ENOMEM;
	if (add_file(c, file) < 0)
		return ERS_ENOMEM;
	for (int k = 0; k < ERS_CAT_KINDS; k++) {
		rc = merge_kind(c, base, over, k);
		if (rc)
			return rc;
	}
	rc = ers_catalog_index_build(c);
	if (rc)
		return rc;
	inherit_coords(c, base);
	inherit_national(c);
	return ERS_OK;
}

struct ers_catalog *ers_catalog_merge(const struct ers_catalog *base,
				      const struct ers_catalog *over)
{
	struct ers_catalog *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	if (merge_into(c, base, over)) {
		ers_catalog_free(c);
		return NULL;
	}
	return c;
}

/* ---- the builtin catalog ---- */

#define BUILTIN_FILE "data/geography.xml"

enum ers_err ers_catalog_builtin_load(struct ers_catalog **out, struct ers_diag *d)
{
	struct ers_catalog parsed = { 0 };
	enum ers_err rc = ERS_OK;
	xmlNodePtr root;
	xmlDocPtr doc;

	*out = NULL;
	doc = xmlReadMemory((const char *)ers_catalog_xml, (int)ers_catalog_xml_len,
			    BUILTIN_FILE, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();

		return ers_diag_add(d, ERS_EXML, BUILTIN_FILE, e ? e->line : 0,
				    "the catalog embedded at build time is broken",
				    "cannot parse the builtin catalog: %s",
				    e && e->message ? e->message : "unknown error");
	}
	root = xmlDocGetRootElement(doc);
	if (!root || xmlStrcmp(root->name, BAD_CAST "geography")) {
		rc = ers_diag_add(d, ERS_EXML, BUILTIN_FILE, 0, NULL,
				  "builtin catalog root is not <geography>");
		goto out;
	}
	rc = ers_catalog_parse_geography(&parsed, root, BUILTIN_FILE, d);
	if (rc)
		goto out;
	*out = ers_catalog_merge(NULL, &parsed);	/* resolves inheritance */
	if (!*out) {
		rc = ERS_ENOMEM;
		goto out;
	}
	rc = ers_catalog_check(*out, d);
	if (rc) {
		ers_catalog_free(*out);
		*out = NULL;
	}
out:
	ers_catalog_release(&parsed);
	xmlFreeDoc(doc);
	return rc;
}

struct ers_catalog *ers_catalog_builtin(void)
{
	struct ers_catalog *c = NULL;
	struct ers_diag d;

	ers_diag_init(&d);
	ers_catalog_builtin_load(&c, &d);
	ers_diag_release(&d);
	return c;
}

/* ---- consistency ---- */

static enum ers_err check_regions(const struct ers_catalog *c, struct ers_diag *d)
{
	enum ers_err rc = ERS_OK;

	for (size_t i = 0; i < c->n_regions; i++) {
		const struct ers_region *r = &c->regions[i];
		const char *f = ers_catalog_entry_file(c, ERS_CAT_REGION, i);

		if (!ers_catalog_geo(c, r->geo))
			rc = ers_diag_add(d, ERS_ESCENARIO, f, r->line, NULL,
					  "unknown geo-region '%s' for region '%s'",
					  r->geo ? r->geo : "", r->id);
		if (!(ers_catalog_meta(c, ERS_CAT_REGION, i)->flags & ERS_CAT_COORDS_SET))
			rc = ers_diag_add(d, ERS_ESCENARIO, f, r->line,
					  "add lat and lon attributes (decimal degrees)",
					  "region '%s' has no coordinates", r->id);
	}
	return rc;
}

static enum ers_err check_locations(const struct ers_catalog *c, struct ers_diag *d)
{
	enum ers_err rc = ERS_OK;

	for (size_t i = 0; i < c->n_locations; i++) {
		const struct ers_location *l = &c->locations[i];
		const char *f = ers_catalog_entry_file(c, ERS_CAT_LOCATION, i);

		if (!ers_catalog_geo(c, l->geo))
			rc = ers_diag_add(d, ERS_ESCENARIO, f, l->line, NULL,
					  "unknown geo-region '%s' for location '%s'",
					  l->geo ? l->geo : "", l->id);
		if (!(ers_catalog_meta(c, ERS_CAT_LOCATION, i)->flags & ERS_CAT_COORDS_SET))
			rc = ers_diag_add(d, ERS_ESCENARIO, f, l->line,
					  "add lat and lon attributes (decimal degrees)",
					  "location '%s' has no coordinates", l->id);
		for (size_t j = 0; j < l->n_local_regions; j++)
			if (!ers_catalog_region(c, l->local_regions[j]))
				rc = ers_diag_add(d, ERS_ESCENARIO, f, l->line,
						  "declare the region in <geography> or fix the name",
						  "unknown local region '%s' for location '%s'",
						  l->local_regions[j], l->id);
	}
	return rc;
}

static enum ers_err check_metros(const struct ers_catalog *c, struct ers_diag *d)
{
	enum ers_err rc = ERS_OK;

	for (size_t i = 0; i < c->n_metros; i++) {
		const struct ers_metro *m = &c->metros[i];
		const char *f = ers_catalog_entry_file(c, ERS_CAT_METRO, i);

		for (int j = 0; j < 2; j++)
			if (m->locations[j] && !ers_catalog_location(c, m->locations[j]))
				rc = ers_diag_add(d, ERS_ESCENARIO, f, m->line,
						  "declare the location in <geography> or fix the name",
						  "unknown location '%s' in metro '%s'",
						  m->locations[j], m->id);
	}
	return rc;
}

enum ers_err ers_catalog_check(const struct ers_catalog *c, struct ers_diag *d)
{
	enum ers_err rc[3];

	rc[0] = check_regions(c, d);
	rc[1] = check_locations(c, d);
	rc[2] = check_metros(c, d);
	for (int i = 0; i < 3; i++)
		if (rc[i])
			return rc[i];
	return ERS_OK;
}

/* ---- distance and latency ---- */

double ers_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = 3.14159265358979323846 / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);

	if (a > 1.0)		/* rounding at antipodes */
		a = 1.0;
	return 2.0 * EARTH_RADIUS_KM * asin(sqrt(a));
}

ers_time_t ers_geo_latency(double km)
{
	if (!(km > 0.0))	/* also NaN */
		return 0;
	return (ers_time_t)llround(km * PATH_FACTOR / FIBRE_KM_PER_S * 1e9);
}

const char *ers_catalog_kind_name(enum ers_cat_kind k)
{
	return (unsigned)k < ERS_CAT_KINDS ? kind_names[k] : "entry";
}
