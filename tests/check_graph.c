/*
 * check_graph.c - suite "graph": the one network graph (sim/graph.c) and
 * its two views. A layer-3 scenario's nodes and links in their fixed
 * order with kinds, ends, delays, bandwidths and references; and, for
 * every bundled scenario, that the simulator's world and the analysis
 * topology see the same network: the same nodes under the same numbers,
 * circuit links landing on the same MSEEs and PEs, Global Reach, site
 * links and VPNs joining the same nodes.
 */
#include <check.h>
#include <glob.h>
#include <string.h>

#include "ersim/graph.h"
#include "ersim/topology.h"
#include "ersim/world.h"

struct fixture {
	struct ers_scenario *s;
	struct ers_catalog *cat;
};

static void open_scenario(const char *path, struct fixture *f)
{
	struct ers_diag d;
	enum ers_err rc;

	ers_diag_init(&d);
	rc = ers_scenario_open(path, &f->s, &f->cat, &d);
	if (rc != ERS_OK)
		ers_diag_print(&d, stderr);
	ers_diag_release(&d);
	ck_assert_msg(rc == ERS_OK, "%s: %s", path, ers_err_str(rc));
}

static void close_scenario(struct fixture *f)
{
	ers_catalog_free(f->cat);
	ers_scenario_free(f->s);
}

/* tests/topology/layer3.xml: two CEs, two PEs, an MSEE pair, one region,
 * one gateway; links per side access then circuit, then the connection
 * per side, then the site's mesh. */
START_TEST(test_graph_layer3_nodes_and_links)
{
	static const struct {
		enum ers_node_kind kind;
		const char *id, *location;
	} want_nodes[] = {
		{ ERS_NODE_CE, "lon-dc/ce1", "lon-dc" },
		{ ERS_NODE_CE, "lon-dc/ce2", "lon-dc" },
		{ ERS_NODE_PE, "er-lon/pe-primary", "london" },
		{ ERS_NODE_PE, "er-lon/pe-secondary", "london" },
		{ ERS_NODE_MSEE, "london-1/a", "london" },
		{ ERS_NODE_MSEE, "london-1/b", "london" },
		{ ERS_NODE_REGION, "uksouth", "uksouth" },
		{ ERS_NODE_GW, "spoke/gw", "uksouth" },
	};
	static const struct {
		enum ers_link_kind kind;
		int a, b, role;
		ers_time_t delay;
		const char *name;
	} want_links[] = {
		{ ERS_LINK_ACCESS, 0, 2, 0, 3 * ERS_MS, NULL },
		{ ERS_LINK_CIRCUIT, 2, 4, 0, 3 * ERS_MS, "link:er-lon/primary" },
		{ ERS_LINK_ACCESS, 1, 3, 1, 4 * ERS_MS, NULL },
		{ ERS_LINK_CIRCUIT, 3, 5, 1, 4 * ERS_MS, "link:er-lon/secondary" },
		{ ERS_LINK_BACKBONE, 4, 7, 0, -1, "connection:spoke+er-lon" },
		{ ERS_LINK_BACKBONE, 5, 7, 1, -1, "connection:spoke+er-lon" },
		{ ERS_LINK_INTERNAL, 0, 1, ERS_ROLE_NONE, 2 * ERS_MS, NULL },
	};
	struct fixture f;
	struct ers_graph *g;
	struct ers_diag d;

	open_scenario("tests/topology/layer3.xml", &f);
	ers_diag_init(&d);
	ck_assert_int_eq(ers_graph_build(f.s, f.cat, &g, &d), ERS_OK);
	ck_assert_uint_eq(g->n_nodes, 8);
	for (size_t i = 0; i < g->n_nodes; i++) {
		ck_assert_int_eq(g->nodes[i].kind, want_nodes[i].kind);
		ck_assert_str_eq(g->nodes[i].id, want_nodes[i].id);
		ck_assert_str_eq(g->nodes[i].location, want_nodes[i].location);
	}
	ck_assert_uint_eq(g->nodes[2].asn, 65100);
	ck_assert_int_eq(g->nodes[3].circuit, 0);
	ck_assert_int_eq(g->nodes[1].router, 1);
	ck_assert_int_eq(g->nodes[7].vnet, 0);
	ck_assert_uint_eq(g->n_links, 7);
	for (size_t i = 0; i < g->n_links; i++) {
		const struct ers_graph_link *l = &g->links[i];

		ck_assert_int_eq(l->kind, want_links[i].kind);
		ck_assert_int_eq(l->a, want_links[i].a);
		ck_assert_int_eq(l->b, want_links[i].b);
		ck_assert_int_eq(l->role, want_links[i].role);
		if (want_links[i].delay >= 0)
			ck_assert_int_eq(l->delay, want_links[i].delay);
		if (want_links[i].name)
			ck_assert_str_eq(l->name, want_links[i].name);
		else
			ck_assert_ptr_null(l->name);
	}
	/* Both hops of a layer-3 link carry the circuit's bandwidth. */
	ck_assert_uint_eq(g->links[0].bandwidth, 500000000u);
	ck_assert_uint_eq(g->links[1].bandwidth, 500000000u);
	ck_assert_int_eq(g->circ[0].ce_link[1], 2);
	ck_assert_int_eq(g->circ[0].msee_link[1], 3);
	ck_assert_int_eq(g->links[5].obj, 0);		/* vnet spoke */
	ck_assert_int_eq(g->links[5].obj2, 0);		/* its first connection */
	ck_assert_int_eq(g->links[5].circuit, 0);
	/* London to UK South: a great-circle latency, under the analysis
	 * floor, which only the topology view applies. */
	ck_assert_int_gt(g->links[4].delay, 0);
	ck_assert_int_lt(g->links[4].delay, ERS_TOPO_MIN_BACKBONE_DELAY);
	ck_assert_int_eq(ers_graph_find(g, "london-1/b"), -1);	/* not indexed yet */
	ck_assert_int_eq(ers_graph_index(g, &d), ERS_OK);
	ck_assert_int_eq(ers_graph_find(g, "london-1/b"), 5);
	ck_assert_int_eq(ers_graph_find(g, "london-1"), -1);
	ers_graph_free(g);
	ers_diag_release(&d);
	close_scenario(&f);
}
END_TEST

/* The world's link i and the topology's edge e join the same nodes. */
static void same_ends(const struct ers_world *w, size_t li, const struct ers_topology *t,
		      int e, const char *what)
{
	int from, to;

	ck_assert_msg(e >= 0, "%s: no edge", what);
	ers_topology_edge_ends(t, e, &from, &to);
	ck_assert_msg((size_t)from == w->links[li].a && (size_t)to == w->links[li].b,
		      "%s: world %zu-%zu, topology %d-%d", what, w->links[li].a,
		      w->links[li].b, from, to);
}

static void check_same_network(const char *path)
{
	struct fixture f;
	struct ers_world w = { 0 };
	struct ers_topology *t;
	struct ers_diag d;
	const struct ers_graph *g;

	open_scenario(path, &f);
	ers_diag_init(&d);
	ck_assert_int_eq(ers_world_build(&w, f.s, f.cat, &d), ERS_OK);
	ck_assert_int_eq(ers_topology_build(f.s, f.cat, &t, &d), ERS_OK);
	g = w.g;
	ck_assert_uint_eq(w.n_nodes, ers_topology_n_nodes(t));
	for (size_t v = 0; v < w.n_nodes; v++) {
		ck_assert_str_eq(w.nodes[v].id, ers_topology_node_id(t, (int)v));
		ck_assert_int_eq((int)w.nodes[v].kind, (int)ers_topology_node_kind(t, (int)v));
		/* A region is a vertex of analysis only: nothing runs there. */
		if (w.nodes[v].kind == ERS_NODE_REGION)
			ck_assert_uint_eq(w.nodes[v].n_links + w.nodes[v].n_speakers, 0);
		else
			ck_assert_uint_gt(w.nodes[v].n_speakers, 0);
	}
	ck_assert_uint_eq(w.n_sessions, w.n_links);
	for (size_t c = 0; c < f.s->n_circuits; c++)
		for (int r = 0; r < 2; r++) {
			size_t at_ce = (size_t)g->circ[c].ce_link[r];
			size_t at_msee = (size_t)g->circ[c].msee_link[r];

			same_ends(&w, at_ce, t, ers_topology_circuit_ce_edge(t, (int)c, r), path);
			same_ends(&w, at_msee, t, ers_topology_circuit_msee_edge(t, (int)c, r), path);
			ck_assert_int_eq(w.links[at_msee].b,
					 ers_topology_circuit_msee(t, (int)c, r));
			/* The circuit's VRF runs on that MSEE. */
			ck_assert_uint_eq(w.msee_vrfs[2 * c + r]->node, w.links[at_msee].b);
			ck_assert_int_eq(w.links[at_msee].kind, ERS_LINK_CIRCUIT);
		}
	for (size_t i = 0; i < f.s->n_global_reach; i++)
		for (int r = 0; r < 2; r++)
			same_ends(&w, (size_t)g->gr[i][r], t,
				  ers_topology_global_reach_edge(t, (int)i, r), path);
	for (size_t i = 0; i < f.s->n_site_links; i++)
		same_ends(&w, (size_t)g->site_link[i], t, ers_topology_site_link_edge(t, (int)i),
			  path);
	for (size_t i = 0; i < f.s->n_vpns; i++)
		same_ends(&w, (size_t)g->vpn[i], t, ers_topology_vpn_edge(t, (int)i), path);
	for (size_t i = 0; i < f.s->n_vnets; i++)
		ck_assert_uint_eq(w.gw_speakers[i]->node,
				  (size_t)ers_topology_gateway_vertex(t, (int)i));
	ers_topology_free(t);
	ers_world_release(&w);
	ers_diag_release(&d);
	close_scenario(&f);
}

START_TEST(test_graph_world_and_topology_agree)
{
	static const char *const patterns[] = {
		"scenarios/*.xml", "scenarios/expressroute/*.xml", "tests/good/*.xml",
		"tests/topology/[lmst]*.xml",
	};
	size_t n = 0;

	for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
		glob_t gl;

		ck_assert_int_eq(glob(patterns[p], 0, NULL, &gl), 0);
		for (size_t i = 0; i < gl.gl_pathc; i++, n++)
			check_same_network(gl.gl_pathv[i]);
		globfree(&gl);
	}
	ck_assert_uint_ge(n, 20);
}
END_TEST

Suite *make_graph_suite(void)
{
	Suite *s = suite_create("graph");
	TCase *tc = tcase_create("graph");

	tcase_add_test(tc, test_graph_layer3_nodes_and_links);
	tcase_add_test(tc, test_graph_world_and_topology_agree);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
