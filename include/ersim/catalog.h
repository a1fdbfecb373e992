/*
 * catalog.h - the real Azure geography ersim knows: geopolitical regions,
 * Azure regions (with private-peering BGP community), ExpressRoute peering
 * locations (pricing zone, local regions for the Local SKU, Global Reach
 * support) and ExpressRoute Metros (two peering locations each).
 *
 * The built-in catalog is data/geography.xml, embedded in the binary at
 * build time. A scenario's <geography> element has the same form and is
 * merged over it (entries with an existing id replace it, others are added).
 * Lookups are by id, as Azure spells them: "westeurope", "amsterdam",
 * "amsterdam-metro", "europe".
 */
#ifndef ERSIM_CATALOG_H
#define ERSIM_CATALOG_H

#include "ersim/error.h"
#include "ersim/types.h"

struct ers_geo_region {
	char *id;			/* "europe" */
	char *name;			/* "Europe" */
	bool national;			/* a national cloud (isolated) */
	long line;
};

struct ers_region {
	char *id;			/* "westeurope" */
	char *name;			/* "West Europe" */
	char *geo;			/* geopolitical region id */
	double lat, lon;		/* degrees */
	bool national;
	uint32_t community;		/* private-peering value, e.g. 50002; 0 = unknown */
	long line;
};

struct ers_location {
	char *id;			/* "amsterdam" */
	char *name;			/* "Amsterdam" */
	char *geo;
	double lat, lon;
	int zone;			/* pricing zone 1..4 */
	char **local_regions;		/* region ids reachable by the Local SKU */
	size_t n_local_regions;
	bool global_reach;		/* Global Reach offered here */
	bool direct;			/* ExpressRoute Direct offered here */
	bool national;
	long line;
};

struct ers_metro {
	char *id;			/* "amsterdam-metro" */
	char *name;
	char *geo;
	char *locations[2];		/* first: primary links, second: secondary */
	long line;
};

struct ers_catalog {
	struct ers_geo_region *geos;	size_t n_geos;
	struct ers_region *regions;	size_t n_regions;
	struct ers_location *locations;	size_t n_locations;
	struct ers_metro *metros;	size_t n_metros;
	char *file;			/* where entries came from, for diagnostics */
	struct ers_catalog_index *index; /* private (catalog.c): id index */
};

/* The embedded catalog. Returns NULL only when out of memory. */
struct ers_catalog *ers_catalog_builtin(void);
/* The same with diagnostics: *out is a new catalog (free it) on ERS_OK,
 * NULL otherwise; a problem in the embedded data is reported in d. */
enum ers_err ers_catalog_builtin_load(struct ers_catalog **out,
				      struct ers_diag *d);

/* A new catalog: base with every entry of over replacing or added. */
struct ers_catalog *ers_catalog_merge(const struct ers_catalog *base,
				      const struct ers_catalog *over);

/* Consistency of a (merged) catalog: every region's geo exists, every
 * local region and metro location names an existing entry, every region
 * and location has coordinates. Each problem goes to d with the file and
 * line of the entry; returns the first error code or ERS_OK. */
enum ers_err ers_catalog_check(const struct ers_catalog *c, struct ers_diag *d);

/* Release contents of a catalog embedded in another struct. */
void ers_catalog_release(struct ers_catalog *c);
void ers_catalog_free(struct ers_catalog *c);

const struct ers_geo_region *ers_catalog_geo(const struct ers_catalog *c, const char *id);
const struct ers_region *ers_catalog_region(const struct ers_catalog *c, const char *id);
const struct ers_location *ers_catalog_location(const struct ers_catalog *c, const char *id);
const struct ers_metro *ers_catalog_metro(const struct ers_catalog *c, const char *id);

/* Great-circle distance in km (haversine, mean Earth radius 6371 km). */
double ers_geo_distance_km(double lat1, double lon1, double lat2, double lon2);

/* One-way fibre latency for a great-circle distance: light in fibre at
 * about 204,190 km/s (refractive index 1.468) times a path factor of 1.5
 * for routes that do not follow the great circle. */
ers_time_t ers_geo_latency(double km);

#endif
