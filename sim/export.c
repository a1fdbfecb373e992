/*
 * export.c - writes a built topology as DOT, GraphML or JSON for
 * `ersim export`. DOT and GraphML come from igraph's own writers (called
 * through topology.c, which keeps the igraph types); JSON is written with
 * jansson from the plain accessors of topology.h:
 *
 *   {"format": "ersim-topology/1", "scenario": NAME, "seed": N,
 *    "nodes": [{"id", "kind", "location", "asn", "role"?}],
 *    "edges": [{"source", "target", "kind", "delay_ns", "bandwidth_bps",
 *               "role"?, "circuit"?}]}
 *
 * Nodes and edges appear in vertex and edge order, so output is the same
 * bytes for the same scenario.
 */
#include <string.h>

#include <jansson.h>

#include "ersim/topology.h"

enum ers_err ers_export_format_parse(const char *s, enum ers_export_format *out)
{
	static const struct { const char *name; enum ers_export_format f; } names[] = {
		{ "dot", ERS_EXPORT_DOT },
		{ "graphml", ERS_EXPORT_GRAPHML },
		{ "json", ERS_EXPORT_JSON },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(s, names[i].name)) {
			*out = names[i].f;
			return ERS_OK;
		}
	return ERS_EINVAL;
}

/* json_object_set_new that remembers a failure instead of returning it. */
static void put(json_t *o, const char *key, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(o, key, v))
		*ok = false;
}

static json_t *node_json(const struct ers_topology *t, int v)
{
	json_t *o = json_object();
	bool ok = o != NULL;
	int role = ers_topology_node_role(t, v);

	if (!o)
		return NULL;
	put(o, "id", json_string(ers_topology_node_id(t, v)), &ok);
	put(o, "kind", json_string(ers_node_kind_str(ers_topology_node_kind(t, v))), &ok);
	put(o, "location", json_string(ers_topology_node_location(t, v)), &ok);
	put(o, "asn", json_integer(ers_topology_node_asn(t, v)), &ok);
	if (role != ERS_ROLE_NONE)
		put(o, "role", json_string(ers_role_str(role)), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *edge_json(const struct ers_topology *t, int e)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	json_t *o = json_object();
	bool ok = o != NULL;
	int from, to, role = ers_topology_edge_role(t, e), c = ers_topology_edge_circuit(t, e);

	if (!o)
		return NULL;
	ers_topology_edge_ends(t, e, &from, &to);
	put(o, "source", json_string(ers_topology_node_id(t, from)), &ok);
	put(o, "target", json_string(ers_topology_node_id(t, to)), &ok);
	put(o, "kind", json_string(ers_topo_edge_kind_str(ers_topology_edge_kind(t, e))), &ok);
	put(o, "delay_ns", json_integer(ers_topology_edge_delay(t, e)), &ok);
	put(o, "bandwidth_bps", json_integer((json_int_t)ers_topology_edge_bandwidth(t, e)), &ok);
	if (role != ERS_ROLE_NONE)
		put(o, "role", json_string(ers_role_str(role)), &ok);
	if (c >= 0)
		put(o, "circuit", json_string(s->circuits[c].id), &ok);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *topology_json(const struct ers_topology *t)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	json_t *doc = json_object(), *nodes = json_array(), *edges = json_array();
	bool ok = doc && nodes && edges;

	for (size_t v = 0; ok && v < ers_topology_n_nodes(t); v++)
		if (json_array_append_new(nodes, node_json(t, (int)v)))
			ok = false;
	for (size_t e = 0; ok && e < ers_topology_n_edges(t); e++)
		if (json_array_append_new(edges, edge_json(t, (int)e)))
			ok = false;
	if (!ok) {
		json_decref(doc);
		json_decref(nodes);
		json_decref(edges);
		return NULL;
	}
	put(doc, "format", json_string("ersim-topology/1"), &ok);
	put(doc, "scenario", json_string(s->name ? s->name : ""), &ok);
	put(doc, "seed", json_integer((json_int_t)s->seed), &ok);
	put(doc, "nodes", nodes, &ok);
	put(doc, "edges", edges, &ok);
	if (!ok) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static enum ers_err write_json(const struct ers_topology *t, FILE *out, struct ers_diag *d)
{
	json_t *doc = topology_json(t);
	int rc;

	if (!doc)
		return ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory writing JSON");
	rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (rc || fputc('\n', out) == EOF)
		return ers_diag_add(d, ERS_EIO, NULL, 0, NULL, "cannot write JSON output");
	return ERS_OK;
}

enum ers_err ers_export_write(const struct ers_topology *t, enum ers_export_format f,
			      FILE *out, struct ers_diag *d)
{
	if (f == ERS_EXPORT_JSON)
		return write_json(t, out, d);
	return ers_topology_write_igraph(t, f, out, d);
}
