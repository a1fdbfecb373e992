/*
 * html_dot.c - the topology as Graphviz DOT text (ers_html_topology_dot)
 * and its place on a page. Clusters per site, peering location (MSEE
 * pairs, layer-3 provider PEs) and Azure region (VNet gateways); circuit
 * links labelled with circuit, provider, bandwidth and SKU; Microsoft's
 * backbone from each MSEE of a circuit to each connected gateway; Global
 * Reach, site links and VPNs. Whatever the scenario's timeline fails is
 * red with its time: the parts each failure target takes down (target.c)
 * are mapped here onto the graph's vertices and edges (topology.c).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/target.h"
#include "ersim/topology.h"
#include "html_page.h"

/* When each part of the graph first fails in the timeline (NAN: never);
 * peering locations and regions by name, for their clusters. */
struct failures {
	double *vertex, *edge;
	const char *places[32];
	double place_at[32];
	size_t n_places;
};

static void fail_at(double *slot, double at)
{
	if (isnan(*slot) || at < *slot)
		*slot = at;
}

/* Paint one part of a target (target.h): a circuit link's edges, an
 * MSEE, a router, a gateway, a site link, a VPN, a Global Reach peering
 * (a connection has no edge of its own in the drawing). */
static void fail_part(const struct ers_topology *t, struct failures *fl,
		      const struct ers_part *p, double at)
{
	switch (p->kind) {
	case ERS_PART_LINK:
		fail_at(&fl->edge[ers_topology_circuit_ce_edge(t, p->a, p->b)], at);
		fail_at(&fl->edge[ers_topology_circuit_msee_edge(t, p->a, p->b)], at);
		break;
	case ERS_PART_MSEE: fail_at(&fl->vertex[ers_topology_circuit_msee(t, p->a, p->b)], at); break;
	case ERS_PART_ROUTER: fail_at(&fl->vertex[ers_topology_router_vertex(t, p->a, p->b)], at); break;
	case ERS_PART_GATEWAY: fail_at(&fl->vertex[ers_topology_gateway_vertex(t, p->a)], at); break;
	case ERS_PART_SITE_LINK: fail_at(&fl->edge[ers_topology_site_link_edge(t, p->a)], at); break;
	case ERS_PART_VPN: fail_at(&fl->edge[ers_topology_vpn_edge(t, p->a)], at); break;
	case ERS_PART_GLOBAL_REACH:
		for (int r = 0; r < 2; r++)
			fail_at(&fl->edge[ers_topology_global_reach_edge(t, p->a, r)], at);
		break;
	case ERS_PART_CONNECTION:
		break;
	}
}

/* A location or region fails as the cluster drawn for it; anything else
 * as the parts it takes down (target.c, as the simulator resolves it). */
static bool fail_target(const struct ers_topology *t, const struct ers_catalog *cat,
			struct failures *fl, const struct ers_target *g, double at)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	struct ers_parts parts = { 0 };
	bool ok = true;

	switch (g->kind) {
	case ERS_T_LOCATION:
	case ERS_T_REGION:
		if (fl->n_places < 32) {
			fl->places[fl->n_places] = g->location;
			fl->place_at[fl->n_places++] = at;
		}
		return true;
	case ERS_T_SRLG:
		for (size_t i = 0; i < s->srlgs[g->a].n_members && ok; i++)
			ok = fail_target(t, cat, fl, &s->srlgs[g->a].members[i], at);
		return ok;
	default:
		break;
	}
	ok = ers_target_resolve(s, cat, g, &parts) == ERS_OK;
	for (size_t i = 0; ok && i < parts.n; i++)
		fail_part(t, fl, &parts.v[i], at);
	ers_parts_free(&parts);
	return ok;
}

static bool failures_find(const struct ers_topology *t, const struct ers_catalog *cat,
			  struct failures *fl)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	size_t nv = ers_topology_n_nodes(t), ne = ers_topology_n_edges(t);

	memset(fl, 0, sizeof *fl);
	fl->vertex = malloc((nv + 1) * sizeof *fl->vertex);
	fl->edge = malloc((ne + 1) * sizeof *fl->edge);
	if (!fl->vertex || !fl->edge)
		return false;
	for (size_t i = 0; i < nv; i++)
		fl->vertex[i] = NAN;
	for (size_t i = 0; i < ne; i++)
		fl->edge[i] = NAN;
	for (size_t i = 0; i < s->n_events; i++)
		/* a maintenance is a window (events table), not a failure */
		if (s->events[i].action == ERS_ACT_FAIL &&
		    !fail_target(t, cat, fl, &s->events[i].target, ers_html_secs(s->events[i].at)))
			return false;
	return true;
}

static double place_failure(const struct failures *fl, const char *place)
{
	double at = NAN;

	for (size_t i = 0; i < fl->n_places; i++)
		if (!strcmp(fl->places[i], place))
			fail_at(&at, fl->place_at[i]);
	return at;
}

/* A DOT double-quoted string's content; \n becomes a label line break. */
static void dot_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);	/* a line break in the label */
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void dot_fails(FILE *f, double at)
{
	if (!isnan(at))
		fprintf(f, "\\n(fails at %g s)", at);
}

static void dot_cluster_begin(FILE *f, const char *kind, const char *id, const char *title,
			      const char *sub, const char *fill, double fails)
{
	fprintf(f, "  subgraph \"cluster_%s_", kind);
	dot_esc(f, id);
	fprintf(f, "\" {\n    label=\"");
	dot_esc(f, title);
	fprintf(f, "\\n");
	dot_esc(f, sub);
	dot_fails(f, fails);
	fprintf(f, "\"; style=\"rounded,filled\"; fillcolor=\"%s\"; color=\"%s\"; penwidth=%s;\n",
		fill, isnan(fails) ? "#8899aa" : "#d62728", isnan(fails) ? "1" : "3");
}

static void dot_node(FILE *f, const struct ers_topology *t, int v, const char *extra,
		     const char *shape, const char *fill, double fails)
{
	fprintf(f, "    n%d [label=\"", v);
	dot_esc(f, ers_topology_node_id(t, v));
	if (extra) {
		fprintf(f, "\\n");
		dot_esc(f, extra);
	}
	dot_fails(f, fails);
	fprintf(f, "\", shape=%s, fillcolor=\"%s\", color=\"%s\", penwidth=%s];\n", shape, fill,
		isnan(fails) ? "#333333" : "#d62728", isnan(fails) ? "1" : "3");
}

static void dot_sites(FILE *f, const struct ers_topology *t, const struct failures *fl)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	char sub[64];

	for (size_t i = 0; i < s->n_sites; i++) {
		snprintf(sub, sizeof sub, "on-premises, AS %" PRIu32, s->sites[i].asn);
		dot_cluster_begin(f, "site", s->sites[i].id, s->sites[i].id, sub, "#eaf1fb", NAN);
		for (size_t k = 0; k < s->sites[i].n_routers; k++) {
			int v = ers_topology_router_vertex(t, (int)i, (int)k);

			dot_node(f, t, v, "CE router", "box", "#ffffff", fl->vertex[v]);
		}
		fprintf(f, "  }\n");
	}
}

/* A peering location's MSEEs and PEs in one cluster. */
static void dot_location(FILE *f, const struct ers_topology *t, const struct ers_catalog *cat,
			 const char *loc, const struct failures *fl)
{
	const struct ers_location *l = ers_catalog_location(cat, loc);
	char extra[96];

	dot_cluster_begin(f, "loc", loc, l && l->name ? l->name : loc,
			  "ExpressRoute peering location", "#f2f2f2", place_failure(fl, loc));
	for (size_t v = 0; v < ers_topology_n_nodes(t); v++) {
		enum ers_node_kind k = ers_topology_node_kind(t, (int)v);

		if ((k != ERS_NODE_MSEE && k != ERS_NODE_PE) ||
		    strcmp(ers_topology_node_location(t, (int)v), loc))
			continue;
		if (k == ERS_NODE_MSEE)
			snprintf(extra, sizeof extra, "MSEE (%s), AS 12076",
				 ers_topology_node_role(t, (int)v) ? "secondary" : "primary");
		else
			snprintf(extra, sizeof extra, "provider PE, AS %" PRIu32,
				 ers_topology_node_asn(t, (int)v));
		dot_node(f, t, (int)v, extra, k == ERS_NODE_MSEE ? "box3d" : "box",
			 k == ERS_NODE_MSEE ? "#fff4e0" : "#ffffff", fl->vertex[v]);
	}
	fprintf(f, "  }\n");
}

static void dot_locations(FILE *f, const struct ers_topology *t,
			  const struct ers_catalog *cat, const struct failures *fl)
{
	/* MSEEs are sorted by id, which starts with the location: a new
	 * location begins where the location changes, but PEs come first in
	 * vertex order, so look at every vertex and skip seen locations. */
	for (size_t v = 0; v < ers_topology_n_nodes(t); v++) {
		enum ers_node_kind k = ers_topology_node_kind(t, (int)v);
		const char *loc = ers_topology_node_location(t, (int)v);
		bool seen = false;

		if (k != ERS_NODE_MSEE && k != ERS_NODE_PE)
			continue;
		for (size_t u = 0; u < v && !seen; u++) {
			enum ers_node_kind ku = ers_topology_node_kind(t, (int)u);

			seen = (ku == ERS_NODE_MSEE || ku == ERS_NODE_PE) &&
				!strcmp(ers_topology_node_location(t, (int)u), loc);
		}
		if (!seen)
			dot_location(f, t, cat, loc, fl);
	}
}

static void dot_regions(FILE *f, const struct ers_topology *t, const struct ers_catalog *cat,
			const struct failures *fl)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	char extra[160];

	for (size_t v = 0; v < ers_topology_n_nodes(t); v++) {
		const char *reg = ers_topology_node_id(t, (int)v);
		const struct ers_region *rg = ers_catalog_region(cat, reg);

		if (ers_topology_node_kind(t, (int)v) != ERS_NODE_REGION)
			continue;
		dot_cluster_begin(f, "reg", reg, rg && rg->name ? rg->name : reg, "Azure region",
				  "#e9f6ec", place_failure(fl, reg));
		for (size_t i = 0; i < s->n_vnets; i++) {
			const struct ers_vnet *vn = &s->vnets[i];
			int g = ers_topology_gateway_vertex(t, (int)i);
			char pfx[40] = "";

			if (strcmp(vn->region, reg))
				continue;
			if (vn->n_prefixes) {
				uint32_t a = vn->prefixes[0].addr;

				snprintf(pfx, sizeof pfx, "%u.%u.%u.%u/%u%s", a >> 24, (a >> 16) & 255,
					 (a >> 8) & 255, a & 255, vn->prefixes[0].len,
					 vn->n_prefixes > 1 ? " ..." : "");
			}
			snprintf(extra, sizeof extra, "VNet gateway %s\\n%s",
				 ers_gw_sku_str(vn->gw_sku), pfx);
			fprintf(f, "    n%d [label=\"", g);
			dot_esc(f, ers_topology_node_id(t, g));
			fprintf(f, "\\n%s", extra);
			dot_fails(f, fl->vertex[g]);
			fprintf(f, "\", shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", "
				"color=\"%s\", penwidth=%s];\n",
				isnan(fl->vertex[g]) ? "#2ca02c" : "#d62728",
				isnan(fl->vertex[g]) ? "1.5" : "3");
		}
		fprintf(f, "  }\n");
	}
}

static void dot_edge(FILE *f, int a, int b, const char *label, const char *attrs, double fails)
{
	fprintf(f, "  n%d -> n%d [", a, b);
	if (label || !isnan(fails)) {
		fprintf(f, "label=\"");
		dot_esc(f, label ? label : "");
		dot_fails(f, fails);
		fprintf(f, "\", ");
	}
	/* after the edge's own attributes: in DOT the last one wins, and a
	 * failing link must not keep its blue */
	fprintf(f, "%s", attrs);
	if (!isnan(fails))
		fprintf(f, ", color=\"#d62728\", fontcolor=\"#d62728\", penwidth=3, "
			"style=dashed");
	fprintf(f, "];\n");
}

static void circuit_label(const struct ers_scenario *s, int c, int role, char *buf, size_t n)
{
	const struct ers_circuit *ci = &s->circuits[c];
	const struct ers_provider *p = &s->providers[ci->provider];
	const char *u;
	double d = ers_html_rate_unit((double)ci->bandwidth, &u);

	if (role)
		snprintf(buf, n, "%s secondary", ci->id);
	else
		snprintf(buf, n, "%s primary\n%s (%s), %g %s %s", ci->id, p->id,
			 ers_provider_model_str(p->model), (double)ci->bandwidth / d, u,
			 ers_sku_str(ci->sku));
}

/* Global Reach as a node of its own east of the peering locations, to
 * which the MSEEs of its two circuits connect: drawn as an edge between
 * the MSEEs, which sit in one column, it curved west across the sites
 * and the circuit labels. Each side's line turns red when it fails. */
static void dot_global_reach(FILE *f, const struct ers_scenario *s, int ref, int role,
			     int a, int b, double fails)
{
	const struct ers_global_reach *g = &s->global_reach[ref];

	if (role == 0) {
		fprintf(f, "  gr%d [id=\"global_reach_%d\", label=\"Global Reach\\n", ref, ref);
		dot_esc(f, s->circuits[g->a].id);
		fputs(" - ", f);
		dot_esc(f, s->circuits[g->b].id);
		fputs("\", shape=ellipse, style=filled, fillcolor=\"#f3ecf8\", "
		      "color=\"#9467bd\", fontcolor=\"#5b2d7a\"];\n", f);
	}
	for (int end = 0; end < 2; end++) {
		fprintf(f, "  n%d -> gr%d [color=\"%s\", penwidth=%s%s];\n", end ? b : a, ref,
			isnan(fails) ? "#9467bd" : "#d62728", isnan(fails) ? "2.5" : "3",
			isnan(fails) ? "" : ", style=dashed");
		if (!isnan(fails) && end == 0 && role == 0)
			fprintf(f, "  gr%d [xlabel=\"fails at %g s\", fontcolor=\"#d62728\"];\n",
				ref, fails);
	}
}

static void dot_edges(FILE *f, const struct ers_topology *t, const struct failures *fl)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	char label[512];

	for (size_t e = 0; e < ers_topology_n_edges(t); e++) {
		int a, b, c = ers_topology_edge_circuit(t, (int)e), role = ers_topology_edge_role(t, (int)e);
		int ref = ers_topology_edge_ref(t, (int)e);
		double fails = fl->edge[e];

		ers_topology_edge_ends(t, (int)e, &a, &b);
		switch (ers_topology_edge_kind(t, (int)e)) {
		case ERS_TOPO_EDGE_SITE_INTERNAL:
			dot_edge(f, a, b, NULL, "color=\"#aaaaaa\", constraint=false", fails);
			break;
		case ERS_TOPO_EDGE_CIRCUIT_LINK:
			if (ers_topology_node_kind(t, a) == ERS_NODE_PE) {
				dot_edge(f, a, b, NULL, "color=\"#1f77b4\", penwidth=2", fails);
				break;
			}
			circuit_label(s, c, role, label, sizeof label);
			dot_edge(f, a, b, label, role ? "color=\"#17becf\", penwidth=2" :
				 "color=\"#1f77b4\", penwidth=2", fails);
			break;
		case ERS_TOPO_EDGE_GLOBAL_REACH:
			dot_global_reach(f, s, ref, role, a, b, fails);
			break;
		case ERS_TOPO_EDGE_SITE_LINK:
			snprintf(label, sizeof label, "site link, cost %" PRIu32, s->site_links[ref].cost);
			dot_edge(f, a, b, label, "color=\"#8c564b\", fontcolor=\"#8c564b\", "
				 "penwidth=2, constraint=false", fails);
			break;
		case ERS_TOPO_EDGE_VPN:
			snprintf(label, sizeof label, "VPN %s", s->vpns[ref].id);
			dot_edge(f, a, b, label, "style=dashed, color=\"#555555\", constraint=false",
				 fails);
			break;
		default:
			break;		/* backbone: drawn per connection below */
		}
	}
}

/* Microsoft's backbone as the customer sees it: each MSEE of a circuit
 * to each VNet gateway connected to that circuit. */
static void dot_connections(FILE *f, const struct ers_topology *t)
{
	const struct ers_scenario *s = ers_topology_scenario(t);
	char label[64];

	for (size_t i = 0; i < s->n_vnets; i++)
		for (size_t k = 0; k < s->vnets[i].n_connections; k++) {
			const struct ers_connection *c = &s->vnets[i].connections[k];

			snprintf(label, sizeof label, "weight %" PRIu32, c->weight);
			for (int r = 0; r < 2; r++)
				dot_edge(f, ers_topology_circuit_msee(t, c->circuit, r),
					 ers_topology_gateway_vertex(t, (int)i),
					 c->weight && !r ? label : NULL,
					 "color=\"#7f7f7f\", style=\"bold\"", NAN);
		}
}

static char *dot_text(const struct ers_topology *t, const struct ers_catalog *cat,
		      const struct failures *fl)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	bool bad;

	if (!f)
		return NULL;
	fprintf(f, "digraph topology {\n"
		"  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=14, nodesep=0.35, "
		"ranksep=1.3, bgcolor=\"white\", pad=0.3];\n"
		"  node [fontname=\"Helvetica\", fontsize=12, style=filled];\n"
		"  edge [fontname=\"Helvetica\", fontsize=%d, dir=none];\n",
		ERS_HTML_DOT_MIN_FONT_PT);
	dot_sites(f, t, fl);
	dot_locations(f, t, cat, fl);
	dot_regions(f, t, cat, fl);
	dot_edges(f, t, fl);
	dot_connections(f, t);
	fprintf(f, "}\n");
	bad = ferror(f);
	if (fclose(f) || bad) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *ers_html_topology_dot(const struct ers_scenario *s, const struct ers_catalog *cat)
{
	struct ers_topology *t = NULL;
	struct failures fl;
	struct ers_diag d;
	char *dot = NULL;

	ers_diag_init(&d);
	memset(&fl, 0, sizeof fl);
	if (ers_topology_build(s, cat, &t, &d) == ERS_OK && failures_find(t, cat, &fl))
		dot = dot_text(t, cat, &fl);
	free(fl.vertex);
	free(fl.edge);
	ers_topology_free(t);
	ers_diag_release(&d);
	return dot;
}


static const char topo_caption[] =
	"Sites (blue) reach MSEE pairs at peering locations (grey) over circuit links "
	"(blue: primary, cyan: secondary); MSEEs reach the VNet gateways of Azure regions "
	"(green) over Microsoft's backbone (grey). Purple: Global Reach, joining the MSEEs of "
	"its two circuits; brown: site links; "
	"dashed: VPN. Red (dashed for a line): what the timeline fails, and when.";

void ers_html_topology_section(struct ers_html_page *p, const char *name, const struct ers_scenario *s,
			     const struct ers_catalog *cat)
{
	char *dot;

	if (!s || !cat) {
		ers_html_note_missing(p, name, "no scenario given (a result document alone has no topology)");
		return;
	}
	if (!ers_html_renderer_ok(p, ERS_HTML_DOT)) {
		ers_html_renderer_absent(p, name, ERS_HTML_DOT);
		return;
	}
	dot = ers_html_topology_dot(s, cat);
	ers_html_picture(p, name, ERS_HTML_DOT, dot, topo_caption);
	free(dot);
}
