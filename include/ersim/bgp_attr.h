/*
 * bgp_attr.h - BGP path attributes, interned: equal attribute sets share
 * one canonical copy, so routes compare attributes with == and memory grows
 * with the number of distinct sets, not with the number of routes (as
 * BIRD's rta cache and FRR's attr hash do).
 *
 * Weight is kept with the attributes although it never leaves a router
 * (as FRR does): it is set by import policy and by the gateway's
 * connection weight, and reset before export.
 */
#ifndef ERSIM_BGP_ATTR_H
#define ERSIM_BGP_ATTR_H

#include "ersim/map.h"
#include "ersim/types.h"

enum ers_origin_code { ERS_ORIGIN_IGP = 0, ERS_ORIGIN_EGP = 1, ERS_ORIGIN_INCOMPLETE = 2 };

#define ERS_LOCAL_PREF_DEFAULT 100u

struct ers_attrs {
	uint32_t hash;
	uint8_t origin;
	bool has_med;
	uint16_t path_len;
	uint16_t n_comms;
	uint32_t med;
	uint32_t local_pref;
	uint32_t weight;
	const uint32_t *path;		/* AS_PATH (one AS_SEQUENCE), nearest AS first */
	const ers_community_t *comms;	/* sorted, unique */
	/* RFC 4456, iBGP only: the router that brought the route into the
	 * AS (0 = not reflected yet) and the clusters it was reflected
	 * through, the latest first. */
	uint32_t originator_id;
	uint16_t cluster_len;
	const uint32_t *clusters;
};

/* A template to build attributes before interning: fixed-size buffers. */
#define ERS_MAX_PATH 255		/* one AS_SEQUENCE segment */
#define ERS_MAX_COMMS 32
#define ERS_MAX_CLUSTERS 255		/* a route reflected more often is not sent */
#define ERS_XSTR(x) #x
#define ERS_STR(x) ERS_XSTR(x)		/* "255": limits in messages */
struct ers_attrs_tmpl {
	uint8_t origin;
	bool has_med;
	uint32_t med, local_pref, weight;
	uint16_t path_len, n_comms;
	uint32_t path[ERS_MAX_PATH];
	ers_community_t comms[ERS_MAX_COMMS];
	uint32_t originator_id;
	uint16_t cluster_len;
	uint32_t clusters[ERS_MAX_CLUSTERS];
};

struct ers_attr_table {
	struct ers_attrs **slots;	/* open addressing by hash */
	size_t cap, n;
};

void ers_attr_table_init(struct ers_attr_table *t);
void ers_attr_table_release(struct ers_attr_table *t);	/* frees every set */

/* Canonical copy of tmpl (communities sorted and deduplicated first).
 * Equal sets give the same pointer. NULL when out of memory. The table
 * owns the result until ers_attr_table_release. */
const struct ers_attrs *ers_attrs_intern(struct ers_attr_table *t,
					 struct ers_attrs_tmpl *tmpl);

void ers_attrs_to_tmpl(const struct ers_attrs *a, struct ers_attrs_tmpl *out);
/* Put asn in front n times; false (t unchanged) if the path would exceed
 * ERS_MAX_PATH: the route must not be sent then. */
bool ers_tmpl_prepend(struct ers_attrs_tmpl *t, uint32_t asn, unsigned n);
/* false (t unchanged) when t already holds ERS_MAX_COMMS: the route must
 * not be sent then (and the caller says so: never dropped silently). */
bool ers_tmpl_add_comm(struct ers_attrs_tmpl *t, ers_community_t c);
/* Put cluster id in front of CLUSTER_LIST; false if it is full. */
bool ers_tmpl_add_cluster(struct ers_attrs_tmpl *t, uint32_t cluster_id);
bool ers_attrs_has_cluster(const struct ers_attrs *a, uint32_t cluster_id);
bool ers_attrs_has_asn(const struct ers_attrs *a, uint32_t asn);
bool ers_attrs_has_comm(const struct ers_attrs *a, ers_community_t c);
const char *ers_origin_str(unsigned origin);

/*
 * The run's prefix table: every prefix any router knows gets a small
 * integer id, so RIBs are keyed by uint32.
 */
struct ers_prefix_table {
	struct ers_prefix *prefixes;	/* by id */
	size_t n, cap;
	struct ers_map index[33];	/* per length: addr -> id + 1 */
};

void ers_prefix_table_init(struct ers_prefix_table *t);
void ers_prefix_table_release(struct ers_prefix_table *t);
/* Id of p, adding it if new; -1 when out of memory. */
int64_t ers_prefix_id(struct ers_prefix_table *t, struct ers_prefix p);
/* Id of p or -1 if unknown. */
int64_t ers_prefix_find(const struct ers_prefix_table *t, struct ers_prefix p);

#endif
