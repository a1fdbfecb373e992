/*
 * check_topology.c - suite "topology": the graph built from the scenarios
 * in tests/topology/ (counts, vertex order, MSEE sharing, metro landing,
 * layer-3 PEs, backbone and Global Reach delays, connectivity and cuts),
 * the DOT / GraphML / JSON exports (ids and attributes present, GraphML
 * read back by igraph), and the validate / export commands (return codes
 * in-process; stdout and -o files through the binary named by $ERSIM).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <igraph.h>
#include <jansson.h>

#include "ersim/cmd.h"
#include "ersim/scenario.h"
#include "ersim/topology.h"
#include "test_util.h"

#define DIR "tests/topology/"

struct fixture {
	struct ers_scenario *s;
	struct ers_catalog *cat;
	struct ers_topology *t;
};

static void open_topo(const char *path, struct fixture *f)
{
	struct ers_diag d;
	enum ers_err rc;

	ers_diag_init(&d);
	rc = ers_scenario_open(path, &f->s, &f->cat, &d);
	if (rc == ERS_OK)
		rc = ers_topology_build(f->s, f->cat, &f->t, &d);
	if (rc != ERS_OK)
		ers_diag_print(&d, stderr);
	ers_diag_release(&d);
	ck_assert_msg(rc == ERS_OK, "%s: %s", path, ers_err_str(rc));
}

static void close_topo(struct fixture *f)
{
	ers_topology_free(f->t);
	ers_catalog_free(f->cat);
	ers_scenario_free(f->s);
}

static int find(const struct fixture *f, const char *id)
{
	int v = ers_topology_find(f->t, id);

	ck_assert_msg(v >= 0, "no node '%s'", id);
	return v;
}

static int circuit(const struct fixture *f, const char *id)
{
	for (size_t i = 0; i < f->s->n_circuits; i++)
		if (!strcmp(f->s->circuits[i].id, id))
			return (int)i;
	ck_abort_msg("no circuit '%s'", id);
	return -1;
}

/* The edge joining a and b (the first in edge order), or -1. */
static int edge_between(const struct fixture *f, int a, int b)
{
	for (size_t i = 0; i < ers_topology_degree(f->t, a); i++) {
		int e = ers_topology_incident(f->t, a, i);

		if (ers_topology_edge_other(f->t, e, a) == b)
			return e;
	}
	return -1;
}

START_TEST(test_topology_skeleton_counts_and_order)
{
	static const char *const order[] = {
		"ams-dc/ce1", "ams-dc/ce2", "dal-dc/ce1", "amsterdam-1/a", "amsterdam-1/b",
		"dallas-1/a", "dallas-1/b", "westeurope", "hub-weu/gw",
	};
	struct fixture f;

	open_topo(DIR "two-sites.xml", &f);
	ck_assert_uint_eq(ers_topology_n_nodes(f.t), 9);
	ck_assert_uint_eq(ers_topology_n_edges(f.t), 10);
	for (size_t v = 0; v < 9; v++)
		ck_assert_str_eq(ers_topology_node_id(f.t, (int)v), order[v]);
	ck_assert_uint_eq(ers_topology_count_nodes(f.t, ERS_NODE_CE), 3);
	ck_assert_uint_eq(ers_topology_count_nodes(f.t, ERS_NODE_PE), 0);
	ck_assert_uint_eq(ers_topology_count_nodes(f.t, ERS_NODE_MSEE), 4);
	ck_assert_uint_eq(ers_topology_count_edges(f.t, ERS_TOPO_EDGE_SITE_INTERNAL), 1);
	ck_assert_uint_eq(ers_topology_count_edges(f.t, ERS_TOPO_EDGE_CIRCUIT_LINK), 4);
	ck_assert_uint_eq(ers_topology_count_edges(f.t, ERS_TOPO_EDGE_BACKBONE), 3);
	ck_assert_uint_eq(ers_topology_count_edges(f.t, ERS_TOPO_EDGE_GLOBAL_REACH), 2);
	ck_assert_int_eq(ers_topology_find(f.t, "nowhere-1/a"), -1);
	close_topo(&f);
}
END_TEST

START_TEST(test_topology_skeleton_attributes)
{
	struct fixture f;
	int ce, msee, gw, e, from, to;

	open_topo(DIR "two-sites.xml", &f);
	ce = find(&f, "ams-dc/ce2");
	msee = find(&f, "amsterdam-1/b");
	gw = find(&f, "hub-weu/gw");
	ck_assert_int_eq(ers_topology_node_kind(f.t, ce), ERS_NODE_CE);
	ck_assert_str_eq(ers_topology_node_location(f.t, ce), "ams-dc");
	ck_assert_uint_eq(ers_topology_node_asn(f.t, ce), 65010);
	ck_assert_int_eq(ers_topology_node_kind(f.t, msee), ERS_NODE_MSEE);
	ck_assert_str_eq(ers_topology_node_location(f.t, msee), "amsterdam");
	ck_assert_uint_eq(ers_topology_node_asn(f.t, msee), 12076);
	ck_assert_int_eq(ers_topology_node_role(f.t, msee), ERS_ROLE_SECONDARY);
	ck_assert_str_eq(ers_topology_node_location(f.t, gw), "westeurope");
	ck_assert_uint_eq(ers_topology_node_asn(f.t, gw), 65515);

	e = ers_topology_circuit_ce_edge(f.t, circuit(&f, "er-ams"), ERS_ROLE_SECONDARY);
	ers_topology_edge_ends(f.t, e, &from, &to);
	ck_assert_int_eq(from, ce);
	ck_assert_int_eq(to, msee);
	ck_assert_int_eq(ers_topology_edge_kind(f.t, e), ERS_TOPO_EDGE_CIRCUIT_LINK);
	ck_assert_int_eq(ers_topology_edge_delay(f.t, e), 1 * ERS_MS);
	ck_assert_uint_eq(ers_topology_edge_bandwidth(f.t, e), 1000000000u);
	ck_assert_int_eq(ers_topology_edge_role(f.t, e), ERS_ROLE_SECONDARY);
	ck_assert_int_eq(ers_topology_edge_circuit(f.t, e), circuit(&f, "er-ams"));
	close_topo(&f);
}
END_TEST

/* Amsterdam to West Europe (Netherlands) is a metro hop: at least the
 * floor, at most a couple of ms. Amsterdam to Dallas is about 7,900 km:
 * 7900 * 1.5 / 204190 km/s = 58 ms one way. */
START_TEST(test_topology_backbone_and_global_reach_delay)
{
	struct fixture f;
	int weu, e;

	open_topo(DIR "two-sites.xml", &f);
	weu = find(&f, "westeurope");
	e = edge_between(&f, find(&f, "amsterdam-1/a"), weu);
	ck_assert_int_ge(e, 0);
	ck_assert_int_eq(ers_topology_edge_kind(f.t, e), ERS_TOPO_EDGE_BACKBONE);
	ck_assert_int_ge(ers_topology_edge_delay(f.t, e), ERS_TOPO_MIN_BACKBONE_DELAY);
	ck_assert_int_le(ers_topology_edge_delay(f.t, e), 2 * ERS_MS);
	ck_assert_int_eq(ers_topology_edge_circuit(f.t, e), circuit(&f, "er-ams"));
	/* er-dal has no VNet: no backbone edge from Dallas to any region */
	ck_assert_int_eq(edge_between(&f, find(&f, "dallas-1/a"), weu), -1);

	e = ers_topology_global_reach_edge(f.t, 0, ERS_ROLE_SECONDARY);
	ck_assert_int_eq(e, edge_between(&f, find(&f, "amsterdam-1/b"), find(&f, "dallas-1/b")));
	ck_assert_int_eq(ers_topology_edge_kind(f.t, e), ERS_TOPO_EDGE_GLOBAL_REACH);
	ck_assert_int_ge(ers_topology_edge_delay(f.t, e), 50 * ERS_MS);
	ck_assert_int_le(ers_topology_edge_delay(f.t, e), 66 * ERS_MS);
	ck_assert_uint_eq(ers_topology_edge_bandwidth(f.t, e), 1000000000u);	/* smaller circuit */
	ck_assert_int_eq(edge_between(&f, find(&f, "amsterdam-1/a"), find(&f, "dallas-1/b")), -1);
	close_topo(&f);
}
END_TEST

START_TEST(test_topology_layer3_pe_nodes)
{
	struct fixture f;
	int c, pe, msee, ce_e, msee_e, from, to;

	open_topo(DIR "layer3.xml", &f);
	ck_assert_uint_eq(ers_topology_n_nodes(f.t), 8);
	ck_assert_uint_eq(ers_topology_n_edges(f.t), 8);
	ck_assert_uint_eq(ers_topology_count_nodes(f.t, ERS_NODE_PE), 2);
	c = circuit(&f, "er-lon");
	pe = find(&f, "er-lon/pe-secondary");
	msee = find(&f, "london-1/b");
	ck_assert_int_eq(ers_topology_circuit_pe(f.t, c, ERS_ROLE_SECONDARY), pe);
	ck_assert_int_eq(ers_topology_node_kind(f.t, pe), ERS_NODE_PE);
	ck_assert_uint_eq(ers_topology_node_asn(f.t, pe), 65100);
	ck_assert_int_eq(ers_topology_node_role(f.t, pe), ERS_ROLE_SECONDARY);
	ck_assert_str_eq(ers_topology_node_location(f.t, pe), "london");
	/* PEs come right after the CEs */
	ck_assert_int_eq(find(&f, "er-lon/pe-primary"), 2);

	ce_e = ers_topology_circuit_ce_edge(f.t, c, ERS_ROLE_SECONDARY);
	msee_e = ers_topology_circuit_msee_edge(f.t, c, ERS_ROLE_SECONDARY);
	ck_assert_int_ne(ce_e, msee_e);
	ers_topology_edge_ends(f.t, ce_e, &from, &to);
	ck_assert_int_eq(from, find(&f, "lon-dc/ce2"));
	ck_assert_int_eq(to, pe);
	ck_assert_int_eq(ers_topology_edge_delay(f.t, ce_e), 4 * ERS_MS);
	ers_topology_edge_ends(f.t, msee_e, &from, &to);
	ck_assert_int_eq(from, pe);
	ck_assert_int_eq(to, msee);
	ck_assert_int_eq(ers_topology_edge_delay(f.t, msee_e), ERS_TOPO_XCONNECT_DELAY);
	/* the CE never touches the MSEE */
	ck_assert_int_eq(edge_between(&f, find(&f, "lon-dc/ce2"), msee), -1);
	/* site-internal mesh with the site's internal-delay */
	ck_assert_int_eq(ers_topology_edge_delay(f.t, 0), 2 * ERS_MS);
	ck_assert_int_eq(ers_topology_edge_kind(f.t, 0), ERS_TOPO_EDGE_SITE_INTERNAL);
	/* ErGw3Az gateway: 10 Gbps from region to gateway */
	ck_assert_uint_eq(ers_topology_edge_bandwidth(f.t,
		edge_between(&f, find(&f, "uksouth"), find(&f, "spoke/gw"))), 10000000000u);
	close_topo(&f);
}
END_TEST

START_TEST(test_topology_metro_landing)
{
	struct fixture f;
	int c;

	open_topo(DIR "metro.xml", &f);
	c = circuit(&f, "er-metro");
	ck_assert_uint_eq(ers_topology_count_nodes(f.t, ERS_NODE_MSEE), 2);
	ck_assert_int_eq(ers_topology_circuit_msee(f.t, c, ERS_ROLE_PRIMARY), find(&f, "amsterdam-1/a"));
	ck_assert_int_eq(ers_topology_circuit_msee(f.t, c, ERS_ROLE_SECONDARY), find(&f, "amsterdam2-1/b"));
	ck_assert_str_eq(ers_topology_node_location(f.t, find(&f, "amsterdam2-1/b")), "amsterdam2");
	ck_assert_int_eq(ers_topology_find(f.t, "amsterdam-1/b"), -1);
	ck_assert_int_eq(ers_topology_find(f.t, "amsterdam-metro-1/a"), -1);
	close_topo(&f);
}
END_TEST

START_TEST(test_topology_shared_msee_pair)
{
	struct fixture f;
	struct ers_landing l[4];
	int a1, nb[8];
	size_t n;

	open_topo(DIR "shared-pair.xml", &f);
	ck_assert_uint_eq(ers_topology_n_nodes(f.t), 10);
	ck_assert_uint_eq(ers_topology_n_edges(f.t), 18);
	ck_assert_uint_eq(ers_topology_count_nodes(f.t, ERS_NODE_MSEE), 4);
	a1 = find(&f, "amsterdam-1/a");
	ck_assert_int_eq(ers_topology_circuit_msee(f.t, circuit(&f, "er-a"), ERS_ROLE_PRIMARY), a1);
	ck_assert_int_eq(ers_topology_circuit_msee(f.t, circuit(&f, "er-b"), ERS_ROLE_PRIMARY), a1);
	ck_assert_int_eq(ers_topology_circuit_msee(f.t, circuit(&f, "er-c"), ERS_ROLE_PRIMARY),
			 find(&f, "amsterdam-2/a"));
	n = ers_topology_msee_landings(f.t, a1, l, 4);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(l[0].circuit, circuit(&f, "er-a"));
	ck_assert_int_eq(l[1].circuit, circuit(&f, "er-b"));
	ck_assert_int_eq(l[1].role, ERS_ROLE_PRIMARY);
	ck_assert_int_eq(l[1].edge, ers_topology_circuit_msee_edge(f.t, circuit(&f, "er-b"), ERS_ROLE_PRIMARY));
	ck_assert_uint_eq(ers_topology_msee_landings(f.t, a1, NULL, 0), 2);
	/* neighbours of amsterdam-1/a: both CEs, then both regions, sorted */
	n = ers_topology_neighbors(f.t, a1, nb, 8);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(ers_topology_node_id(f.t, nb[0]), "site-a/r1");
	ck_assert_str_eq(ers_topology_node_id(f.t, nb[1]), "site-b/r1");
	ck_assert_str_eq(ers_topology_node_id(f.t, nb[2]), "northeurope");
	ck_assert_str_eq(ers_topology_node_id(f.t, nb[3]), "westeurope");
	/* site link and VPN edges */
	ck_assert_int_eq(ers_topology_edge_kind(f.t, ers_topology_site_link_edge(f.t, 0)), ERS_TOPO_EDGE_SITE_LINK);
	ck_assert_int_eq(ers_topology_edge_delay(f.t, ers_topology_vpn_edge(f.t, 0)), 25 * ERS_MS);
	close_topo(&f);
}
END_TEST

START_TEST(test_topology_components_and_cuts)
{
	struct fixture f;
	struct ers_diag d;
	bool *rv, *re;
	int *comp, a, gw, b;
	size_t n;

	open_topo(DIR "shared-pair.xml", &f);
	n = ers_topology_n_nodes(f.t);
	rv = calloc(n, sizeof *rv);
	re = calloc(ers_topology_n_edges(f.t), sizeof *re);
	comp = calloc(n, sizeof *comp);
	ck_assert_ptr_nonnull(rv);
	ck_assert_ptr_nonnull(re);
	ck_assert_ptr_nonnull(comp);
	a = find(&f, "site-a/r1");
	b = find(&f, "site-b/r1");
	gw = find(&f, "weu/gw");
	ck_assert_uint_eq(ers_topology_components_without(f.t, NULL, NULL, comp), 1);
	/* every MSEE down: site-a still reaches weu via the site link and VPN */
	for (size_t v = 0; v < n; v++)
		rv[v] = ers_topology_node_kind(f.t, (int)v) == ERS_NODE_MSEE;
	ck_assert(ers_topology_connected_without(f.t, a, gw, rv, NULL));
	re[ers_topology_vpn_edge(f.t, 0)] = true;
	ck_assert(!ers_topology_connected_without(f.t, a, gw, rv, re));
	/* components: {site-a, site-b}, {northeurope, neu/gw}, {westeurope, weu/gw} */
	ck_assert_uint_eq(ers_topology_components_without(f.t, rv, re, comp), 3);
	ck_assert_int_eq(comp[a], 0);
	ck_assert_int_eq(comp[b], 0);
	ck_assert_int_eq(comp[find(&f, "amsterdam-1/a")], -1);
	ck_assert_int_eq(comp[gw], comp[find(&f, "westeurope")]);
	ck_assert_int_ne(comp[gw], comp[find(&f, "neu/gw")]);
	ck_assert(!ers_topology_connected_without(f.t, a, find(&f, "amsterdam-1/a"), rv, NULL));

	/* edges westeurope-weu/gw and the VPN separate site-a from weu/gw */
	ers_diag_init(&d);
	ck_assert_int_eq(ers_topology_min_cut(f.t, &a, 1, &gw, 1, false, &n, &d), ERS_OK);
	ck_assert_uint_eq(n, 2);
	/* so do vertices site-b/r1 and westeurope */
	ck_assert_int_eq(ers_topology_min_cut(f.t, &a, 1, &gw, 1, true, &n, &d), ERS_OK);
	ck_assert_uint_eq(n, 2);
	/* both site routers as sources: the same two edges */
	ck_assert_int_eq(ers_topology_min_cut(f.t, (int[]){ a, b }, 2, &gw, 1, false, &n, &d), ERS_OK);
	ck_assert_uint_eq(n, 2);
	/* the VPN joins site-b directly to the gateway: no vertex cut */
	ck_assert_int_eq(ers_topology_min_cut(f.t, &b, 1, &gw, 1, true, &n, &d), ERS_OK);
	ck_assert_uint_eq(n, SIZE_MAX);
	ck_assert_uint_eq(d.n_msgs, 0);
	ers_diag_release(&d);
	free(rv);
	free(re);
	free(comp);
	close_topo(&f);
}
END_TEST

/* Export into a malloc'd string. */
static char *export_str(const struct fixture *f, enum ers_export_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	struct ers_diag d;

	ck_assert_ptr_nonnull(mem);
	ers_diag_init(&d);
	ck_assert_int_eq(ers_export_write(f->t, fmt, mem, &d), ERS_OK);
	ers_diag_release(&d);
	fclose(mem);
	return buf;
}

START_TEST(test_topology_export_dot)
{
	struct fixture f;
	char *dot;

	open_topo(DIR "layer3.xml", &f);
	dot = export_str(&f, ERS_EXPORT_DOT);
	/* igraph quotes a value only when DOT needs it (not for 'pe') */
	ck_assert_ptr_nonnull(strstr(dot, "graph {"));
	ck_assert_ptr_nonnull(strstr(dot, "id=\"er-lon/pe-primary\""));
	ck_assert_ptr_nonnull(strstr(dot, "label=\"london-1/a\""));
	ck_assert_ptr_nonnull(strstr(dot, "kind=pe\n"));
	ck_assert_ptr_nonnull(strstr(dot, "asn=65100\n"));
	ck_assert_ptr_nonnull(strstr(dot, "location=uksouth\n"));
	ck_assert_ptr_nonnull(strstr(dot, "kind=\"circuit-link\""));
	ck_assert_ptr_nonnull(strstr(dot, "delay_ns=4000000\n"));	/* exact, not 4e+06 */
	ck_assert_ptr_nonnull(strstr(dot, "bandwidth_bps=500000000\n"));
	ck_assert_ptr_nonnull(strstr(dot, "role=secondary\n"));
	ck_assert_ptr_nonnull(strstr(dot, "circuit=\"er-lon\""));
	/* the CE-PE link of the secondary: vertex 3 (PE) -- 1 (CE) */
	ck_assert_ptr_nonnull(strstr(dot, "3 -- 1 ["));
	free(dot);
	close_topo(&f);
}
END_TEST

START_TEST(test_topology_export_graphml_round_trip)
{
	struct fixture f;
	char *xml;
	FILE *in;
	igraph_t g;
	int e;

	open_topo(DIR "two-sites.xml", &f);
	xml = export_str(&f, ERS_EXPORT_GRAPHML);
	ck_assert_ptr_nonnull(strstr(xml, "attr.name=\"bandwidth_bps\""));
	in = fmemopen(xml, strlen(xml), "r");
	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(igraph_read_graph_graphml(&g, in, 0), IGRAPH_SUCCESS);
	fclose(in);
	ck_assert_int_eq(igraph_vcount(&g), 9);
	ck_assert_int_eq(igraph_ecount(&g), 10);
	for (int v = 0; v < 9; v++) {
		ck_assert_str_eq(VAS(&g, "id", v), ers_topology_node_id(f.t, v));
		ck_assert_str_eq(VAS(&g, "kind", v), ers_node_kind_str(ers_topology_node_kind(f.t, v)));
		ck_assert_str_eq(VAS(&g, "location", v), ers_topology_node_location(f.t, v));
		ck_assert(VAN(&g, "asn", v) == (double)ers_topology_node_asn(f.t, v));
	}
	for (e = 0; e < 10; e++) {
		ck_assert(EAN(&g, "delay_ns", e) == (double)ers_topology_edge_delay(f.t, e));
		ck_assert(EAN(&g, "bandwidth_bps", e) == (double)ers_topology_edge_bandwidth(f.t, e));
		ck_assert_str_eq(EAS(&g, "kind", e), ers_topo_edge_kind_str(ers_topology_edge_kind(f.t, e)));
	}
	e = ers_topology_circuit_ce_edge(f.t, circuit(&f, "er-dal"), ERS_ROLE_PRIMARY);
	ck_assert_str_eq(EAS(&g, "role", e), "primary");
	ck_assert_str_eq(EAS(&g, "circuit", e), "er-dal");
	igraph_destroy(&g);
	free(xml);
	close_topo(&f);
}
END_TEST

START_TEST(test_topology_export_json)
{
	struct fixture f;
	json_error_t err;
	json_t *doc, *nodes, *edges, *n, *e;
	char *text;
	int ce_e;

	open_topo(DIR "two-sites.xml", &f);
	text = export_str(&f, ERS_EXPORT_JSON);
	doc = json_loads(text, 0, &err);
	ck_assert_msg(doc != NULL, "bad JSON: %s", err.text);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "scenario")), "two-sites");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "seed")), 42);
	nodes = json_object_get(doc, "nodes");
	edges = json_object_get(doc, "edges");
	ck_assert_uint_eq(json_array_size(nodes), 9);
	ck_assert_uint_eq(json_array_size(edges), 10);
	n = json_array_get(nodes, 4);
	ck_assert_str_eq(json_string_value(json_object_get(n, "id")), "amsterdam-1/b");
	ck_assert_str_eq(json_string_value(json_object_get(n, "kind")), "msee");
	ck_assert_str_eq(json_string_value(json_object_get(n, "location")), "amsterdam");
	ck_assert_int_eq(json_integer_value(json_object_get(n, "asn")), 12076);
	ck_assert_str_eq(json_string_value(json_object_get(n, "role")), "secondary");
	ck_assert_ptr_null(json_object_get(json_array_get(nodes, 0), "role"));
	ce_e = ers_topology_circuit_ce_edge(f.t, circuit(&f, "er-ams"), ERS_ROLE_PRIMARY);
	e = json_array_get(edges, (size_t)ce_e);
	ck_assert_str_eq(json_string_value(json_object_get(e, "source")), "ams-dc/ce1");
	ck_assert_str_eq(json_string_value(json_object_get(e, "target")), "amsterdam-1/a");
	ck_assert_str_eq(json_string_value(json_object_get(e, "kind")), "circuit-link");
	ck_assert_int_eq(json_integer_value(json_object_get(e, "delay_ns")), 1000000);
	ck_assert_int_eq(json_integer_value(json_object_get(e, "bandwidth_bps")), 1000000000);
	ck_assert_str_eq(json_string_value(json_object_get(e, "role")), "primary");
	ck_assert_str_eq(json_string_value(json_object_get(e, "circuit")), "er-ams");
	json_decref(doc);
	free(text);
	close_topo(&f);
}
END_TEST

/* Same scenario, same bytes, in every format. */
START_TEST(test_topology_export_deterministic)
{
	struct fixture f, g;

	open_topo(DIR "shared-pair.xml", &f);
	open_topo(DIR "shared-pair.xml", &g);
	for (int fmt = ERS_EXPORT_DOT; fmt <= ERS_EXPORT_JSON; fmt++) {
		char *a = export_str(&f, fmt), *b = export_str(&g, fmt);

		ck_assert_str_eq(a, b);
		free(a);
		free(b);
	}
	close_topo(&f);
	close_topo(&g);
}
END_TEST

/* Run the command in-process; what it printed is left in cmd_out. */
static char cmd_out[8192];

static int run_cmd(int (*fn)(int, char **), int argc, const char *const *argv)
{
	char *args[8];

	ck_assert_int_lt(argc, 8);
	for (int i = 0; i < argc; i++)
		args[i] = (char *)argv[i];
	args[argc] = NULL;
	return tu_cmd(fn, argc, args, cmd_out, sizeof cmd_out);
}

#define OUT_HAS(s) ck_assert_msg(strstr(cmd_out, (s)), "output lacks '%s':\n%s", (s), cmd_out)

START_TEST(test_topology_validate_exit_codes)
{
	const char *good[] = { "validate", DIR "two-sites.xml", DIR "layer3.xml" };
	const char *bad[] = { "validate", DIR "two-sites.xml", DIR "bad-reference.xml" };
	const char *none[] = { "validate" };
	const char *opt[] = { "validate", "--bogus", DIR "two-sites.xml" };

	ck_assert_int_eq(run_cmd(ers_cmd_validate, 3, good), 0);
	OUT_HAS(DIR "layer3.xml: ok\n");
	ck_assert_int_eq(run_cmd(ers_cmd_validate, 3, bad), 2);
	OUT_HAS(DIR "bad-reference.xml:9: error: unknown circuit 'er-missing'");
	ck_assert_int_eq(run_cmd(ers_cmd_validate, 1, none), 2);
	OUT_HAS("ersim validate: no scenario file given\nusage: ersim validate SCENARIO.xml...\n");
	ck_assert_int_eq(run_cmd(ers_cmd_validate, 3, opt), 2);
	OUT_HAS("ersim validate: unknown option '--bogus'");
}
END_TEST

START_TEST(test_topology_export_usage_errors)
{
	const char *fmt[] = { "export", DIR "two-sites.xml", "--format", "svg" };
	const char *two[] = { "export", DIR "two-sites.xml", DIR "layer3.xml" };
	const char *noval[] = { "export", DIR "two-sites.xml", "-o" };

	ck_assert_int_eq(run_cmd(ers_cmd_export, 4, fmt), 2);
	OUT_HAS("ersim export: unknown format 'svg' (expected dot, graphml or json)");
	ck_assert_int_eq(run_cmd(ers_cmd_export, 3, two), 2);
	OUT_HAS("ersim export: more than one scenario file");
	ck_assert_int_eq(run_cmd(ers_cmd_export, 3, noval), 2);
	OUT_HAS("ersim export: option '-o' needs a value");
}
END_TEST

/* Run a shell command line, return its exit status and stdout. */
static int sh(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *ersim(void)
{
	const char *bin = getenv("ERSIM");

	ck_assert_msg(bin && *bin, "set ERSIM to the ersim binary (make test does)");
	return bin;
}

START_TEST(test_topology_validate_binary_output)
{
	char cmd[1024], out[4096];

	snprintf(cmd, sizeof cmd, "%s validate %s %s 2>/dev/null", ersim(),
		 DIR "two-sites.xml", DIR "metro.xml");
	ck_assert_int_eq(sh(cmd, out, sizeof out), 0);
	ck_assert_str_eq(out, DIR "two-sites.xml: ok\n" DIR "metro.xml: ok\n");
	snprintf(cmd, sizeof cmd, "%s validate %s %s 2>&1 >/dev/null", ersim(),
		 DIR "two-sites.xml", DIR "bad-reference.xml");
	ck_assert_int_eq(sh(cmd, out, sizeof out), 2);
	ck_assert_ptr_nonnull(strstr(out, DIR "bad-reference.xml:"));
	ck_assert_ptr_nonnull(strstr(out, "er-missing"));
}
END_TEST

START_TEST(test_topology_export_binary_output_file)
{
	char cmd[1024], out[4096], path[] = "/tmp/ersim-topo-XXXXXX";
	char file[64];
	struct stat st;
	FILE *fp;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(file, sizeof file, "%s/t.json", path);

	/* -o with a .json name: JSON, nothing on stdout */
	snprintf(cmd, sizeof cmd, "%s export %s -o %s", ersim(), DIR "layer3.xml", file);
	ck_assert_int_eq(sh(cmd, out, sizeof out), 0);
	ck_assert_str_eq(out, "");
	fp = fopen(file, "r");
	ck_assert_ptr_nonnull(fp);
	out[fread(out, 1, sizeof out - 1, fp)] = '\0';
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(out, "\"id\": \"er-lon/pe-primary\""));

	/* an invalid scenario leaves the existing file alone, no temp files */
	snprintf(cmd, sizeof cmd, "%s export %s --format=graphml -o %s 2>/dev/null", ersim(),
		 DIR "bad-reference.xml", file);
	ck_assert_int_eq(sh(cmd, out, sizeof out), 2);
	fp = fopen(file, "r");
	ck_assert_ptr_nonnull(fp);
	out[fread(out, 1, sizeof out - 1, fp)] = '\0';
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(out, "er-lon/pe-primary"));
	snprintf(cmd, sizeof cmd, "ls %s", path);
	sh(cmd, out, sizeof out);
	ck_assert_str_eq(out, "t.json\n");

	/* stdout, DOT by format name */
	snprintf(cmd, sizeof cmd, "%s export %s --format dot", ersim(), DIR "metro.xml");
	ck_assert_int_eq(sh(cmd, out, sizeof out), 0);
	ck_assert_ptr_nonnull(strstr(out, "id=\"amsterdam2-1/b\""));

	unlink(file);
	ck_assert_int_eq(stat(file, &st), -1);
	rmdir(path);
}
END_TEST

Suite *make_topology_suite(void)
{
	Suite *s = suite_create("topology");
	TCase *tc = tcase_create("graph");
	TCase *tx = tcase_create("export");
	TCase *tcmd = tcase_create("commands");

	tcase_add_test(tc, test_topology_skeleton_counts_and_order);
	tcase_add_test(tc, test_topology_skeleton_attributes);
	tcase_add_test(tc, test_topology_backbone_and_global_reach_delay);
	tcase_add_test(tc, test_topology_layer3_pe_nodes);
	tcase_add_test(tc, test_topology_metro_landing);
	tcase_add_test(tc, test_topology_shared_msee_pair);
	tcase_add_test(tc, test_topology_components_and_cuts);
	suite_add_tcase(s, tc);
	tcase_add_test(tx, test_topology_export_dot);
	tcase_add_test(tx, test_topology_export_graphml_round_trip);
	tcase_add_test(tx, test_topology_export_json);
	tcase_add_test(tx, test_topology_export_deterministic);
	suite_add_tcase(s, tx);
	tcase_add_test(tcmd, test_topology_validate_exit_codes);
	tcase_add_test(tcmd, test_topology_export_usage_errors);
	tcase_add_test(tcmd, test_topology_validate_binary_output);
	tcase_add_test(tcmd, test_topology_export_binary_output_file);
	tcase_set_timeout(tcmd, 30);
	suite_add_tcase(s, tcmd);
	return s;
}
