/*
 * html_run.c - the page of one run (ers_html_write_run): summary cards,
 * the topology and the design's inventory (circuits, VNets, Global
 * Reach), each flow's delivered rate over time, the event bars, and the
 * tables of the text report (report.c) with the same value formats:
 * events, flows and their paths, notices, reachability. The events table
 * and the result summaries (worst outage, traffic lost, ...) are shared
 * with the compare page.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/report.h"
#include "html_page.h"

void ers_html_events_table(FILE *f, const struct ers_result *r)
{
	static const char *const cols[] = { "#", "at", "action", "target", "detected",
		"converged", "detection", "convergence", "updates", "withdrawals" };
	char b[6][32];

	if (!r->n_events) {
		fputs("<p>No failure or restore events in the timeline.</p>\n", f);
		return;
	}
	fputs("<table class=\"events\">\n", f);
	ers_html_th_row(f, cols, 10);
	for (size_t i = 0; i < r->n_events; i++) {
		const struct ers_event_result *e = &r->events[i];

		snprintf(b[0], 32, "%zu", i + 1);
		fputs("<tr>", f);
		ers_html_td(f, "n", b[0]);
		ers_html_td(f, "n", ers_html_time(e->at, b[1]));
		if (!strcmp(e->action, "maintenance")) {	/* a window */
			char win[160], a[32], d[32], u[32];

			snprintf(win, sizeof win, "maintenance: drain from %s, down %s, up %s",
				 ers_html_time(e->at, a), ers_html_time(e->down_at, d),
				 ers_html_time(e->up_at, u));
			ers_html_td(f, NULL, win);
		} else {
			ers_html_td(f, NULL, e->action);
		}
		ers_html_td(f, NULL, e->target);
		ers_html_td(f, "n", ers_html_time(e->detected, b[2]));
		ers_html_td(f, "n", ers_html_time(e->converged, b[3]));
		ers_html_td(f, "n", ers_html_time(e->detected == ERS_TIME_NEVER ? ERS_TIME_NEVER :
				e->detected - e->at, b[4]));
		ers_html_td(f, "n", ers_html_time(e->converged == ERS_TIME_NEVER ? ERS_TIME_NEVER :
				e->converged - e->at, b[5]));
		fprintf(f, "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td></tr>\n",
			e->updates, e->withdrawals);
	}
	fputs("</table>\n", f);
}

static void flows_table(FILE *f, const struct ers_result *r)
{
	static const char *const cols[] = { "flow", "from -> to", "rate", "outage", "down",
		"lost", "reachable", "max util", "busiest link" };
	char b[4][32];

	if (!r->n_flows) {
		fputs("<p>No flows.</p>\n", f);
		return;
	}
	fputs("<table class=\"flows\">\n", f);
	ers_html_th_row(f, cols, 9);
	for (size_t i = 0; i < r->n_flows; i++) {
		const struct ers_flow_result *fl = &r->flows[i];

		fputs("<tr>", f);
		ers_html_elem(f, "<td><b>", fl->id, "</b></td><td>");
		ers_html_esc(f, fl->from);
		fputs(" -&gt; ", f);
		ers_html_esc(f, fl->to);
		fputs("</td><td class=\"n\">", f);
		ers_html_put_rate(f, fl->rate);
		fputs("</td>", f);
		ers_html_td(f, fl->outage > 0 ? "n no" : "n", ers_html_time(fl->outage, b[0]));
		ers_html_td(f, "n", ers_html_time(fl->down, b[1]));
		ers_html_td(f, "n", ers_report_bytes(fl->lost_bytes, b[2], 32));
		ers_html_td(f, fl->final_reachable ? "yes" : "no", fl->final_reachable ? "yes" : "NO");
		snprintf(b[3], 32, "%.1f%%", fl->max_utilization * 100);
		ers_html_td(f, "n", b[3]);
		ers_html_td(f, NULL, fl->max_utilization_link ? fl->max_utilization_link : "-");
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void notices_table(FILE *f, const struct ers_result *r)
{
	static const char *const cols[] = { "at", "kind", "router", "detail" };
	char b[32];

	if (!r->n_notices) {
		fputs("<p>Notices: none.</p>\n", f);
		return;
	}
	fputs("<table class=\"notices\">\n", f);
	ers_html_th_row(f, cols, 4);
	for (size_t i = 0; i < r->n_notices; i++) {
		fputs("<tr>", f);
		ers_html_td(f, "n", ers_html_time(r->notices[i].at, b));
		ers_html_td(f, NULL, r->notices[i].kind);
		ers_html_td(f, NULL, r->notices[i].node);
		ers_html_td(f, NULL, r->notices[i].detail);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void reach_table(FILE *f, const struct ers_result *r)
{
	size_t n = r->n_endpoints;

	fputs("<table class=\"reach\">\n<tr><th>from \\ to</th>", f);
	for (size_t j = 0; j < n; j++)
		ers_html_elem(f, "<th>", r->endpoints[j], "</th>");
	fputs("</tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		ers_html_elem(f, "<tr><th>", r->endpoints[i], "</th>");
		for (size_t j = 0; j < n; j++) {
			bool y = ers_result_reaches(r, i, j);

			if (i == j)
				ers_html_td(f, "na", "-");
			else
				ers_html_td(f, y ? "yes" : "no", y ? "yes" : "NO");
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* ---- summary and inventory ---- */

static void card(FILE *f, const char *cls, const char *value, const char *what)
{
	fprintf(f, "<div class=\"card%s%s\"><b>", cls ? " " : "", cls ? cls : "");
	ers_html_esc(f, value);
	fputs("</b><span>", f);
	ers_html_esc(f, what);
	fputs("</span></div>\n", f);
}

size_t ers_html_unreachable_pairs(const struct ers_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_endpoints; i++)
		for (size_t j = 0; j < r->n_endpoints; j++)
			n += i != j && !ers_result_reaches(r, i, j);
	return n;
}

ers_time_t ers_html_worst_convergence(const struct ers_result *r)
{
	ers_time_t w = ERS_TIME_NEVER;

	for (size_t i = 0; i < r->n_events; i++)
		if (r->events[i].converged != ERS_TIME_NEVER &&
		    r->events[i].converged - r->events[i].at > w)
			w = r->events[i].converged - r->events[i].at;
	return w;
}

ers_time_t ers_html_worst_outage(const struct ers_result *r)
{
	ers_time_t w = 0;

	for (size_t i = 0; i < r->n_flows; i++)
		if (r->flows[i].outage > w)
			w = r->flows[i].outage;
	return w;
}

uint64_t ers_html_total_lost(const struct ers_result *r)
{
	uint64_t b = 0;

	for (size_t i = 0; i < r->n_flows; i++)
		b += r->flows[i].lost_bytes;
	return b;
}

static void summary_cards(FILE *f, const struct ers_result *r)
{
	char b[64], w[32];
	size_t bad = ers_html_unreachable_pairs(r);

	fputs("<div class=\"cards\">\n", f);
	card(f, NULL, ers_html_time(r->initial_convergence, w), "initial convergence");
	card(f, NULL, ers_html_time(ers_html_worst_convergence(r), w), "worst convergence after an event");
	card(f, ers_html_worst_outage(r) ? "bad" : "good", ers_html_time(ers_html_worst_outage(r), w), "worst flow outage");
	card(f, ers_html_total_lost(r) ? "bad" : "good", ers_report_bytes(ers_html_total_lost(r), w, sizeof w),
	     "traffic lost");
	snprintf(b, sizeof b, "%zu", bad);
	card(f, bad ? "bad" : "good", b, "endpoint pairs unreachable at the end");
	snprintf(b, sizeof b, "%zu / %zu / %zu", r->n_routers, r->n_links, r->n_sessions);
	card(f, NULL, b, "routers / links / sessions");
	fputs("</div>\n", f);
}

static void bfd_text(const struct ers_scenario *s, const struct ers_link *l, char *buf,
		     size_t n)
{
	struct ers_bfd_cfg b = ers_bfd_cfg_merge(&s->bfd, &l->cfg.bfd);
	struct ers_bgp_cfg g = ers_bgp_cfg_merge(&s->bgp, &l->cfg.bgp);
	if (b.enabled)
		snprintf(buf, n, "BFD %g ms x %u, hold %g s", ers_time_to_s(b.interval) * 1e3,
			 b.multiplier, ers_time_to_s(g.hold));
	else
		snprintf(buf, n, "no BFD, hold %g s", ers_time_to_s(g.hold));
}

static void circuits_table(FILE *f, const struct ers_scenario *s, const struct ers_catalog *cat)
{
	static const char *const cols[] = { "circuit", "peering location", "provider",
		"bandwidth", "SKU", "MSEE pair", "primary link", "secondary link" };
	char b[2][128];

	fputs("<table class=\"circuits\">\n", f);
	ers_html_th_row(f, cols, 8);
	for (size_t i = 0; i < s->n_circuits; i++) {
		const struct ers_circuit *c = &s->circuits[i];
		const struct ers_location *l = ers_catalog_location(cat, c->location);
		const struct ers_provider *p = &s->providers[c->provider];

		fputs("<tr>", f);
		ers_html_td(f, NULL, c->id);
		ers_html_td(f, NULL, l && l->name ? l->name : c->location);
		ers_html_elem(f, "<td>", p->id, " (");
		ers_html_esc(f, ers_provider_model_str(p->model));
		fputs(")</td><td class=\"n\">", f);
		ers_html_put_rate(f, c->bandwidth);
		fputs("</td>", f);
		ers_html_td(f, NULL, ers_sku_str(c->sku));
		fprintf(f, "<td class=\"n\">%d</td>", c->msee_pair);
		for (int r = 0; r < 2; r++) {
			bfd_text(s, &c->links[r], b[r], sizeof b[r]);
			ers_html_td(f, NULL, b[r]);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void vnets_table(FILE *f, const struct ers_scenario *s, const struct ers_catalog *cat)
{
	static const char *const cols[] = { "VNet", "region", "gateway", "prefixes",
		"connections (circuit, weight)" };

	fputs("<table class=\"vnets\">\n", f);
	ers_html_th_row(f, cols, 5);
	for (size_t i = 0; i < s->n_vnets; i++) {
		const struct ers_vnet *v = &s->vnets[i];
		const struct ers_region *rg = ers_catalog_region(cat, v->region);

		fputs("<tr>", f);
		ers_html_td(f, NULL, v->id);
		ers_html_td(f, NULL, rg && rg->name ? rg->name : v->region);
		ers_html_td(f, NULL, ers_gw_sku_str(v->gw_sku));
		fputs("<td>", f);
		for (size_t k = 0; k < v->n_prefixes; k++) {
			uint32_t a = v->prefixes[k].addr;

			fprintf(f, "%s%u.%u.%u.%u/%u", k ? ", " : "", a >> 24, (a >> 16) & 255,
				(a >> 8) & 255, a & 255, v->prefixes[k].len);
		}
		fputs("</td><td>", f);
		for (size_t k = 0; k < v->n_connections; k++) {
			fputs(k ? ", " : "", f);
			ers_html_esc(f, s->circuits[v->connections[k].circuit].id);
			fprintf(f, " (%" PRIu32 ")", v->connections[k].weight);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Site-to-site VPNs: which router reaches which VNet over the internet,
 * and how a failure is seen (the hold timer: no BFD on a VPN). */
static void vpns_table(FILE *f, const struct ers_scenario *s)
{
	static const char *const cols[] = { "VPN", "site router", "VNet", "delay",
		"failure detection" };
	char b[2][64];

	fputs("<table class=\"vpns\">\n", f);
	ers_html_th_row(f, cols, 5);
	for (size_t i = 0; i < s->n_vpns; i++) {
		const struct ers_vpn *v = &s->vpns[i];
		struct ers_bgp_cfg g = ers_bgp_cfg_merge(&s->bgp, &v->cfg.bgp);

		fputs("<tr>", f);
		ers_html_td(f, NULL, v->id);
		ers_html_td(f, NULL, s->sites[v->ce.site].routers[v->ce.router].full_id);
		ers_html_td(f, NULL, s->vnets[v->vnet].id);
		ers_html_td(f, "n", ers_html_time(v->delay, b[0]));
		snprintf(b[1], sizeof b[1], "no BFD, hold %g s", ers_time_to_s(g.hold));
		ers_html_td(f, NULL, b[1]);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Links between site routers: a WAN of the customer's own, or carried
 * by a provider. */
static void site_links_table(FILE *f, const struct ers_scenario *s)
{
	static const char *const cols[] = { "site link", "relationship", "IGP cost", "delay",
		"carried by" };
	char b[2][64];

	fputs("<table class=\"site-links\">\n", f);
	ers_html_th_row(f, cols, 5);
	for (size_t i = 0; i < s->n_site_links; i++) {
		const struct ers_site_link *l = &s->site_links[i];

		fputs("<tr>", f);
		ers_html_elem(f, "<td>", s->sites[l->a.site].routers[l->a.router].full_id,
			      " &harr; ");
		ers_html_elem(f, "", s->sites[l->b.site].routers[l->b.router].full_id, "</td>");
		ers_html_td(f, NULL, ers_relationship_str(l->rel));
		snprintf(b[0], sizeof b[0], "%" PRIu32, l->cost);
		ers_html_td(f, "n", b[0]);
		ers_html_td(f, "n", ers_html_time(l->delay, b[1]));
		ers_html_td(f, NULL, l->provider >= 0 ? s->providers[l->provider].id :
			    "the routers' own cable");
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void inventory(FILE *f, const struct ers_scenario *s, const struct ers_catalog *cat)
{
	fputs("<h3>Circuits</h3>\n", f);
	circuits_table(f, s, cat);
	fputs("<h3>VNets</h3>\n", f);
	vnets_table(f, s, cat);
	if (s->n_global_reach) {
		fputs("<h3>Global Reach</h3>\n<ul>\n", f);
		for (size_t i = 0; i < s->n_global_reach; i++) {
			ers_html_elem(f, "<li>", s->circuits[s->global_reach[i].a].id, " &harr; ");
			ers_html_elem(f, "", s->circuits[s->global_reach[i].b].id, "</li>\n");
		}
		fputs("</ul>\n", f);
	}
	if (s->n_vpns) {
		fputs("<h3>VPNs</h3>\n", f);
		vpns_table(f, s);
	}
	if (s->n_site_links) {
		fputs("<h3>Site links</h3>\n", f);
		site_links_table(f, s);
	}
}

/* ---- the run page ---- */


static void timelines_section(struct ers_html_page *p, const struct ers_result *r)
{
	char name[300];

	if (!r->n_flows)
		fputs("<p>No flows to draw.</p>\n", p->out);
	for (size_t i = 0; i < r->n_flows; i++) {
		char *script = NULL;

		snprintf(name, sizeof name, "timeline of flow %s", r->flows[i].id);
		if (ers_html_renderer_ok(p, ERS_HTML_GNUPLOT))
			script = ers_html_timeline_script(r, i, ers_html_secs(r->end), true);
		ers_html_picture(p, name, ERS_HTML_GNUPLOT, script,
			"Delivered rate against simulated time; below, a zoom on each event. "
			"Red line: failure, blue: restore, brown dash-dotted: maintenance, "
			"orange dashed: first detection, green dotted: convergence; shaded: "
			"part of the flow not delivered.");
		free(script);
	}
}

static void bars_section(struct ers_html_page *p, const struct ers_result *r)
{
	char *script = NULL;

	if (!r->n_events)
		return;
	if (ers_html_renderer_ok(p, ERS_HTML_GNUPLOT))
		script = ers_html_event_bars_script(r);
	ers_html_picture(p, "event bars", ERS_HTML_GNUPLOT, script,
		"Per event, how long until the first router noticed it (detection) and until "
		"the last routing change it caused (convergence).");
	free(script);
}

enum ers_err ers_html_write_run(FILE *out, const struct ers_result *r,
				const struct ers_scenario *s,
				const struct ers_catalog *cat, unsigned flags)
{
	struct ers_html_page p = { .out = out, .flags = flags, .err = ERS_OK };
	char title[300], b[32];

	snprintf(title, sizeof title, "ersim report: %s", r->scenario ? r->scenario : "");
	ers_html_page_begin(&p, title);
	ers_html_elem(out, "<h1>", title, "</h1>\n");
	fprintf(out, "<p class=\"sub\">seed %" PRIu64 ", simulated until %s", r->seed,
		ers_html_time(r->end, b));
	if (s && s->description)
		ers_html_elem(out, ". ", s->description, "");
	fputs("</p>\n", out);
	summary_cards(out, r);
	fputs("<h2>Topology</h2>\n", out);
	ers_html_topology_section(&p, "topology picture", s, cat);
	if (s && cat)
		inventory(out, s, cat);
	fputs("<h2>Flows over time</h2>\n", out);
	timelines_section(&p, r);
	fputs("<h2>Failover times</h2>\n", out);
	bars_section(&p, r);
	ers_html_events_table(out, r);
	fputs("<h2>Flows and paths</h2>\n", out);
	flows_table(out, r);
	ers_html_paths_section(&p, r);
	fputs("<h2>Notices</h2>\n", out);
	notices_table(out, r);
	fputs("<h2>Reachability at the end</h2>\n<p class=\"sub\">Rows from, columns to.</p>\n",
	      out);
	reach_table(out, r);
	ers_html_page_end(&p);
	return ers_html_page_result(&p);
}
