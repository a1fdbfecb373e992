/*
 * analyze_int.h - internal to `ersim analyze` (analyze.h): the analysis
 * context and the routing domain of an endpoint pair, shared by its files:
 *
 *   analyze.c          the driver: pairs, resiliency class, demand, verdict
 *   analyze_targets.c  every failure target a scenario allows, as elements
 *   analyze_domain.c   a pair's routing domain and whether it still connects
 *   analyze_cut.c      single failures, minimum cuts, disjoint paths (igraph)
 *   analyze_verify.c   the claims checked by simulation (--verify)
 *   analyze_index.c    Azure's resiliency index per gateway and its
 *                      Resiliency Validation test, simulated
 *   analyze_output.c   the text report and the JSON document
 *
 * An element is what a target can take down: a topology vertex, a
 * topology edge or a VNet's connection to a circuit, numbered in that
 * order (el_edge, el_conn).
 */
#ifndef ERSIM_ANALYZE_INT_H
#define ERSIM_ANALYZE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "ersim/analyze.h"
#include "ersim/topology.h"

#define MAX_EL 10			/* elements of one pair-graph edge */

struct ers_an_ivec {
	int *v;
	size_t n, cap;
};

enum ers_an_edge_kind { PE_CUST, PE_ER, PE_VPN, PE_GR };

/* An edge of a pair's routing domain: up when every element is up. */
struct ers_an_edge {
	int u, v;			/* topology vertices (site routers, gateway) */
	enum ers_an_edge_kind kind;
	int circuit[2];			/* ER: [0]; GR: both sides; else -1 */
	ers_rate_t bw;			/* ER: circuit bandwidth; GR: the smaller one */
	int group;			/* capacity counted once per group: circuit, or
					 * n_circuits + Global Reach index; -1 none */
	int el[MAX_EL];
	int n_el;
};

struct ers_an_graph {
	struct ers_an_edge *e;
	size_t n, cap;
	struct ers_an_ivec src, dst;	/* terminal vertices */
};

struct ers_an_ctx {
	const struct ers_scenario *s;
	const struct ers_catalog *cat;
	struct ers_topology *t;
	struct ers_analysis *a;
	struct ers_diag *d;
	size_t nv, ne, n_el;		/* elements: vertices, then edges, then connections */
	size_t *conn_base;		/* per vnet: first connection element */
	struct ers_an_ivec *tel;	/* per target: its elements */
	int *down;			/* per element: how many applied targets take it */
	bool *in_r, *in_d;		/* scratch for reach */
	bool *seen;			/* scratch: capacity groups counted */
	int *queue;
	ers_rate_t gw_cap;		/* the pair's VNet gateway's throughput, or 0 */
};

/* What a pair's domain gives under the current failures. */
struct ers_an_state {
	bool connected;
	ers_rate_t capacity;		/* over ExpressRoute / Global Reach crossings */
	bool other;			/* a VPN or customer-only path is up */
};

static inline int el_edge(const struct ers_an_ctx *c, int e) { return (int)c->nv + e; }
static inline int el_conn(const struct ers_an_ctx *c, int vnet, int j)
{
	return (int)(c->nv + c->ne + c->conn_base[vnet]) + j;
}

/* analyze.c */
int ers_an_ivec_push(struct ers_an_ivec *x, int e);
char *ers_an_fmt_rate(ers_rate_t r, char *buf, size_t n);

/* analyze_targets.c: fill c->a->targets and c->tel; -1 when out of memory. */
int ers_an_enumerate_targets(struct ers_an_ctx *c);

/* analyze_domain.c */
int ers_an_build_pair(const struct ers_an_ctx *c, const struct ers_an_pair *p,
		      struct ers_an_graph *g);
int ers_an_build_site_vnet(const struct ers_an_ctx *c, int site, int vnet,
			   struct ers_an_graph *g);
void ers_an_graph_release(struct ers_an_graph *g);
bool ers_an_edge_up(const struct ers_an_ctx *c, const struct ers_an_edge *e);
bool ers_an_crosses(const struct ers_an_ctx *c, const struct ers_an_edge *e);
struct ers_an_state ers_an_evaluate(const struct ers_an_ctx *c, const struct ers_an_graph *g);
void ers_an_apply(struct ers_an_ctx *c, size_t target, int delta);

/* analyze_index.c: free a->index. */
void ers_an_index_release(struct ers_analysis *a);

/* analyze_cut.c */
int ers_an_single_failures(struct ers_an_ctx *c, const struct ers_an_graph *g, size_t pi);
int ers_an_min_cut(struct ers_an_ctx *c, const struct ers_an_graph *g, struct ers_an_pair *p);
enum ers_err ers_an_disjoint_paths(struct ers_an_ctx *c, const struct ers_an_graph *g,
				   struct ers_an_pair *p);

#endif
