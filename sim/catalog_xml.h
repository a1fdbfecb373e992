/*
 * catalog_xml.h - internal to the catalog and the scenario loader: reading
 * a <geography> element into a struct ers_catalog, and the private index
 * that catalog.c keeps beside the public arrays.
 *
 * The builtin catalog (data/geography.xml) and a scenario's <geography>
 * go through the same ers_catalog_parse_geography(), so one element form
 * and one set of diagnostics serve both.
 */
#ifndef ERSIM_CATALOG_XML_H
#define ERSIM_CATALOG_XML_H

#include <libxml/tree.h>

#include "ersim/catalog.h"

enum ers_cat_kind {
	ERS_CAT_GEO,
	ERS_CAT_REGION,
	ERS_CAT_LOCATION,
	ERS_CAT_METRO,
	ERS_CAT_KINDS,
};

/* Per-entry facts the public structs cannot hold: which attributes were
 * written (so a merge can tell "false" from "not said") and which file the
 * entry came from. */
#define ERS_CAT_NATIONAL_SET	0x01	/* national given or inherited from the element */
#define ERS_CAT_COORDS_SET	0x02	/* lat and lon given */
#define ERS_CAT_GEO_SET		0x04	/* geo-region with name or national: replaces */

struct ers_catalog_meta {
	unsigned char flags;		/* ERS_CAT_* */
	unsigned char file;		/* index into ers_catalog_index.files */
};

struct ers_catalog_key {
	const char *id;			/* points into the entry, not owned */
	size_t pos;			/* index in the public array */
};

struct ers_catalog_index {
	struct ers_catalog_key *keys[ERS_CAT_KINDS];	/* sorted by id */
	struct ers_catalog_meta *meta[ERS_CAT_KINDS];	/* parallel to entries */
	char **files;			/* owned; files[0] is the catalog's file */
	size_t n_files;
};

/* Fill out (zeroed by the caller) from a <geography> element: its
 * <geo-region> children, each holding <region>, <location> and <metro>
 * entries; each entry records xmlGetLineNo() of its element. Bad values
 * (lat outside -90..90, lon outside -180..180, zone not 1..4, a malformed
 * community, a metro that does not list exactly two locations, duplicate
 * ids, bad booleans) are reported in d as file:line with a hint, and
 * parsing continues so every problem is reported. Returns ERS_OK, the
 * first error's code, or ERS_ENOMEM. Whatever the result, out owns what
 * was parsed: release it with ers_catalog_release(). References between
 * entries (local regions, metro locations) are not checked here because a
 * scenario's entries may name builtin ones: merge, then call
 * ers_catalog_check(). */
enum ers_err ers_catalog_parse_geography(struct ers_catalog *out,
					 xmlNodePtr geography_elem,
					 const char *file,
					 struct ers_diag *d);

/* Shared by catalog.c and catalog_xml.c. */

/* Sort every kind's keys by id; call after the arrays change. */
enum ers_err ers_catalog_index_build(struct ers_catalog *c);
/* The meta of entry i of kind k (never NULL once the index exists). */
struct ers_catalog_meta *ers_catalog_meta(const struct ers_catalog *c,
					  enum ers_cat_kind k, size_t i);
/* The file entry i of kind k came from (may be NULL). */
const char *ers_catalog_entry_file(const struct ers_catalog *c,
				   enum ers_cat_kind k, size_t i);
/* "geo-region", "region", "location", "metro". */
const char *ers_catalog_kind_name(enum ers_cat_kind k);
/* Grow an array of n elements of size sz by one slot, doubling at powers
 * of two; returns the new array or NULL (the old one is kept). */
void *ers_catalog_grow(void *arr, size_t n, size_t sz);

#endif
