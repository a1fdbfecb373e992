/*
 * check_msft.c - Microsoft peering end to end (issue 15.6; facts 3.1,
 * 6.1-6.4, 6.6, 10): each bundled scenarios/msft-*.xml run and checked
 * for what a user sees: the routes each side converges to (with their
 * AS paths and communities), flow outages, notices, and validate's
 * messages. tests/bad/msft-*.xml hold the refusals (check_check.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ersim/cmd.h"
#include "ersim/error.h"
#include "ersim/result.h"
#include "ersim/scenario.h"
#include "ersim/units.h"
#include "test_util.h"

static struct ers_result *run_msft(const char *name)
{
	char path[256];
	struct ers_run_opts o = { .ribs = true };

	snprintf(path, sizeof path, "scenarios/%s.xml", name);
	return tu_run(path, &o);
}

static bool has_comm(const struct ers_rib_route *rt, const char *c)
{
	for (size_t i = 0; i < rt->n_communities; i++)
		if (!strcmp(rt->communities[i], c))
			return true;
	return false;
}

static size_t count_notices(const struct ers_result *r, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_notices; i++)
		n += !strcmp(r->notices[i].kind, kind);
	return n;
}

static const struct ers_notice *notice(const struct ers_result *r, const char *kind)
{
	for (size_t i = 0; i < r->n_notices; i++)
		if (!strcmp(r->notices[i].kind, kind))
			return &r->notices[i];
	ck_abort_msg("no %s notice", kind);
	return NULL;
}

/* The paths in force at the end: the last entries sharing one time. */
static size_t final_paths(const struct ers_flow_result *f, size_t *first)
{
	size_t i = f->n_paths;

	while (i > 0 && f->paths[i - 1].from == f->paths[f->n_paths - 1].from)
		i--;
	*first = i;
	return f->n_paths - i;
}

static bool path_has(const struct ers_path_entry *p, const char *node)
{
	for (size_t i = 0; i < p->n_nodes; i++)
		if (!strcmp(p->nodes[i], node))
			return true;
	return false;
}

static double secs(ers_time_t t)
{
	return ers_time_to_s(t);
}

/* Microsoft's service prefixes reach the customer over both links with
 * AS path 12076, their service community and their region's
 * 12076:51xxx (facts 6.1-6.3); what the route filter does not select
 * never arrives (facts 3.1). The customer's public prefix reaches
 * Microsoft over both links with its private ASN stripped (facts 1).
 * Microsoft peering is a routing domain of its own: the private
 * peering's VRF and the VNet's gateway never see the services. */
START_TEST(test_msft_service_routes_and_communities)
{
	struct ers_result *r = run_msft("msft-peering");
	const struct ers_rib_route *ex = tu_route(r, "dc/ce1", "203.0.113.0/25");
	const struct ers_rib_route *arm = tu_route(r, "dc/ce1", "203.0.113.128/25");
	const struct ers_rib_route *pub = tu_route(r, "microsoft", "198.51.100.0/24");
	const struct ers_flow_result *sp = tu_flow(r, "sharepoint");

	ck_assert_ptr_nonnull(ex);
	ck_assert_uint_eq(ex->as_path_len, 1);
	ck_assert_uint_eq(ex->as_path[0], 12076);
	ck_assert_str_eq(ex->next_hop, "amsterdam-1/b");	/* the primary failed */
	ck_assert(has_comm(ex, "12076:5010") && has_comm(ex, "12076:51002"));
	ck_assert_uint_eq(ex->n_communities, 2);
	ck_assert_ptr_nonnull(arm);
	ck_assert(has_comm(arm, "12076:5070") && has_comm(arm, "12076:51002"));
	/* SharePoint (12076:5020, North Europe 12076:51003) is not selected */
	ck_assert_ptr_null(tu_route(r, "dc/ce1", "192.0.2.0/24"));
	ck_assert_ptr_nonnull(tu_route(r, "microsoft", "192.0.2.0/24"));
	ck_assert(!sp->final_reachable);
	ck_assert_int_eq(sp->paths[0].status, ERS_PATH_BLACKHOLE);
	/* Microsoft learns dc's public range with 65010 stripped */
	ck_assert_ptr_nonnull(pub);
	ck_assert_uint_eq(pub->as_path_len, 0);
	ck_assert_str_eq(pub->next_hop, "amsterdam-1/b");
	/* separate from private peering */
	ck_assert_ptr_null(tu_route(r, "amsterdam-1/a@er-ams", "203.0.113.0/25"));
	ck_assert_ptr_null(tu_route(r, "hub/gw", "203.0.113.0/25"));
	ck_assert_ptr_null(tu_route(r, "amsterdam-1/a@er-ams/microsoft", "10.1.0.0/16"));
	ck_assert_ptr_nonnull(tu_route(r, "amsterdam-1/a@er-ams", "10.1.0.0/16"));
	ers_result_free(r);
}
END_TEST

/* A route filter may select a region (12076:51xxx, facts 6.1): every
 * service's prefixes in West Europe, none in North Europe. */
START_TEST(test_msft_route_filter_by_region)
{
	char path[] = "/tmp/ersim-msft-region-XXXXXX.xml";
	static char buf[1 << 16];
	struct ers_run_opts o = { .ribs = true };
	struct ers_result *r;
	FILE *f = fopen("scenarios/msft-peering.xml", "r");
	char *at;
	size_t n;
	int fd;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	ck_assert_ptr_nonnull(at = strstr(buf, "route-filter=\"12076:5010 12076:5070\""));
	memcpy(at, "route-filter=\"12076:51002          \"", 36);
	ck_assert_int_ge(fd = mkstemps(path, 4), 0);
	ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
	close(fd);
	r = tu_run(path, &o);
	unlink(path);
	ck_assert_ptr_nonnull(tu_route(r, "dc/ce1", "203.0.113.0/25"));
	ck_assert_ptr_nonnull(tu_route(r, "dc/ce1", "203.0.113.128/25"));
	ck_assert_ptr_null(tu_route(r, "dc/ce1", "192.0.2.0/24"));
	ers_result_free(r);
}
END_TEST

/* A link failure without BFD: the hold timer (180 s, the MSEE's) finds
 * it, as on private peering; the flows both ways lose the failed link's
 * half until then and end on the secondary link. */
START_TEST(test_msft_link_failure_moves_both_directions)
{
	struct ers_result *r = run_msft("msft-peering");
	const char *ids[] = { "exchange-out", "exchange-in", "app" };
	size_t first;

	for (size_t i = 0; i < 3; i++) {
		const struct ers_flow_result *f = tu_flow(r, ids[i]);

		ck_assert_msg(secs(f->outage) > 149.9 && secs(f->outage) < 150.1, "%s: %.3f",
			      ids[i], secs(f->outage));
		ck_assert_int_eq(f->down, 0);
		ck_assert_uint_eq(final_paths(f, &first), 1);
		ck_assert_int_eq(f->paths[first].status, ERS_PATH_DELIVERED);
		ck_assert(path_has(&f->paths[first], "amsterdam-1/b"));
	}
	ck_assert(path_has(&tu_flow(r, "exchange-in")->paths[0], "microsoft"));
	ck_assert_int_eq(tu_flow(r, "exchange-in")->paths[0].hops[0], ERS_HOP_MICROSOFT);
	ers_result_free(r);
}
END_TEST

/* An MSEE failure takes both peerings' VRFs down; Microsoft's network
 * knows at once, the customer's router by its hold timer. */
START_TEST(test_msft_msee_failure)
{
	struct ers_result *r = run_msft("msft-msee-failure");
	const struct ers_flow_result *in = tu_flow(r, "exchange-in");
	size_t first;

	ck_assert_int_eq(in->outage, 0);
	ck_assert(secs(tu_flow(r, "exchange-out")->outage) > 149.9 &&
		  secs(tu_flow(r, "exchange-out")->outage) < 150.1);
	ck_assert(secs(tu_flow(r, "app")->outage) > 149.9);
	ck_assert_int_eq(tu_flow(r, "exchange-out")->down, 0);
	ck_assert_uint_eq(final_paths(in, &first), 2);
	ers_result_free(r);
}
END_TEST

/* Private-ASN prepending does nothing (Microsoft strips private ASNs,
 * facts 1, 6.4): Microsoft still splits its traffic over both links. The
 * same design with a public ASN steers it to the primary link. */
START_TEST(test_msft_private_prepend_does_nothing)
{
	struct ers_result *r = run_msft("msft-prepend-private");
	const struct ers_flow_result *f = tu_flow(r, "arm-in");
	const struct ers_rib_route *rt = tu_route(r, "microsoft", "198.51.100.0/24");
	size_t first;

	ck_assert_uint_eq(rt->as_path_len, 0);
	ck_assert_uint_eq(rt->n_ecmp, 2);
	ck_assert_uint_eq(final_paths(f, &first), 2);
	ck_assert(path_has(&f->paths[first], "amsterdam-1/a"));
	ck_assert(path_has(&f->paths[first + 1], "amsterdam-1/b"));
	ck_assert(f->paths[first].share == 0.5 && f->paths[first + 1].share == 0.5);
	ers_result_free(r);

	r = run_msft("msft-prepend-public");
	f = tu_flow(r, "arm-in");
	rt = tu_route(r, "microsoft", "198.51.100.0/24");
	ck_assert_uint_eq(rt->as_path_len, 1);
	ck_assert_uint_eq(rt->as_path[0], 64300);
	ck_assert_uint_eq(rt->n_ecmp, 1);
	ck_assert_str_eq(rt->next_hop, "amsterdam-1/a");
	ck_assert_uint_eq(final_paths(f, &first), 1);
	ck_assert(path_has(&f->paths[first], "amsterdam-1/a"));
	ck_assert(f->paths[first].share == 1.0);
	ers_result_free(r);
}
END_TEST

/* No route filter, no Microsoft prefixes at all until one is attached
 * (facts 3.1): validate warns at the element's line, the run says so,
 * the customer has no route to the service and the flow is lost until
 * the <route-filter> event at 30 s; Microsoft learns the customer's
 * range all along. */
START_TEST(test_msft_no_route_filter_no_prefixes)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_diag d;
	struct ers_result *r;
	const struct ers_flow_result *f;
	const struct ers_rib_route *ex;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("scenarios/msft-no-route-filter.xml", &s, &cat, &d),
			 ERS_OK);
	ck_assert_uint_eq(d.n_msgs, 1);
	ck_assert(d.msgs[0].warning);
	ck_assert_int_eq(d.msgs[0].line, 29);
	ck_assert(strstr(d.msgs[0].text, "without a route filter: Microsoft advertises no prefixes"));
	ers_diag_release(&d);
	ers_catalog_free(cat);
	ers_scenario_free(s);

	r = run_msft("msft-no-route-filter");
	f = tu_flow(r, "exchange");
	ck_assert_uint_eq(count_notices(r, "route-filter"), 1);
	ck_assert(strstr(notice(r, "route-filter")->detail, "Microsoft advertises no prefixes"));
	ck_assert_int_eq(f->paths[0].status, ERS_PATH_BLACKHOLE);
	ck_assert(secs(f->down) > 29.9 && secs(f->down) < 30.1);
	ck_assert(f->final_reachable);
	ck_assert_int_eq(r->events[0].at, 30 * ERS_S);
	ck_assert_str_eq(r->events[0].action, "route-filter");
	ck_assert_str_eq(r->events[0].target, "circuit:er-ams");
	ck_assert_ptr_nonnull(ex = tu_route(r, "dc/ce1", "203.0.113.0/25"));
	ck_assert_uint_eq(ex->n_ecmp, 2);
	ck_assert_ptr_nonnull(tu_route(r, "microsoft", "198.51.100.0/24"));
	ers_result_free(r);
}
END_TEST

/* Over 200 prefixes on a session: Microsoft drops it, and restores it
 * once the customer is back at the limit (facts 3.1, 10). */
START_TEST(test_msft_prefix_limit_drops_and_restores)
{
	struct ers_result *r = run_msft("msft-prefix-limit");
	const struct ers_flow_result *out = tu_flow(r, "arm-out"), *in = tu_flow(r, "arm-in");
	size_t first;

	ck_assert_uint_eq(count_notices(r, "prefix-limit"), 2);
	ck_assert(strstr(notice(r, "prefix-limit")->detail, "210 prefixes, over the limit of 200"));
	ck_assert(strstr(notice(r, "prefix-limit")->detail, "Cease"));
	ck_assert_str_eq(notice(r, "prefix-limit")->node, "amsterdam-1/a@er-ams/microsoft");
	/* down until ce2 fails at 60 s, back within a connect retry (5 s) */
	ck_assert(secs(out->down) > 60.0 && secs(out->down) < 66.0);
	ck_assert(secs(in->down) > 60.0 && secs(in->down) < 66.0);
	ck_assert(out->final_reachable && in->final_reachable);
	ck_assert_uint_eq(final_paths(in, &first), 2);
	ck_assert_uint_eq(tu_route(r, "microsoft", "198.51.0.0/24")->n_ecmp, 2);
	ck_assert_ptr_null(tu_route(r, "microsoft", "198.51.200.0/24"));
	ers_result_free(r);
}
END_TEST

/* NAT (facts 10): with a pool per link, Microsoft's traffic back to the
 * failed link's pool has no way in until the link is back; with one
 * pool on both links it reroutes at detection. The per-link scenario's
 * prefixes are also on the internet: the asymmetric-routing notice. */
START_TEST(test_msft_nat_per_link_vs_shared)
{
	struct ers_result *r = run_msft("msft-nat-per-link");
	const struct ers_flow_result *in = tu_flow(r, "arm-in"), *out = tu_flow(r, "arm-out");

	ck_assert(secs(in->down) > 60.0 && secs(in->down) < 61.0);
	ck_assert(secs(out->outage) < 1.0 && out->down == 0);
	ck_assert_uint_eq(count_notices(r, "nat"), 1);
	ck_assert(strstr(notice(r, "nat")->detail, "primary 198.51.100.0/25, secondary 198.51.100.128/25"));
	ck_assert_uint_eq(count_notices(r, "asymmetric-routing"), 1);
	ck_assert(strstr(notice(r, "asymmetric-routing")->detail, "also advertised to the internet"));
	/* the primary's pool only on the primary link */
	ck_assert_uint_eq(tu_route(r, "microsoft", "198.51.100.0/25")->n_ecmp, 1);
	ck_assert_str_eq(tu_route(r, "microsoft", "198.51.100.0/25")->next_hop, "amsterdam-1/a");
	ck_assert_str_eq(tu_route(r, "microsoft", "198.51.100.128/25")->next_hop, "amsterdam-1/b");
	ers_result_free(r);

	r = run_msft("msft-nat-shared");
	in = tu_flow(r, "arm-in");
	ck_assert_int_eq(in->down, 0);
	ck_assert(secs(in->outage) < 1.0);
	ck_assert_uint_eq(r->n_notices, 0);
	ck_assert_uint_eq(tu_route(r, "microsoft", "198.51.100.0/25")->n_ecmp, 2);
	ers_result_free(r);
}
END_TEST

/* A VPN backs up private peering only (facts 6.6): when the circuit
 * fails, the VNet flow moves to the VPN within BFD's detection, the
 * flows to and from Microsoft's service are lost until the circuit is
 * back. */
START_TEST(test_msft_no_vpn_backup)
{
	struct ers_result *r = run_msft("msft-no-vpn-backup");
	const struct ers_flow_result *app = tu_flow(r, "app");

	ck_assert(secs(app->down) < 1.0);
	ck_assert(secs(tu_flow(r, "arm-out")->down) > 60.0);
	ck_assert(secs(tu_flow(r, "arm-in")->down) > 60.0);
	ck_assert(strstr(notice(r, "vpn-backup")->detail, "Microsoft peering has no VPN failover"));
	ers_result_free(r);
}
END_TEST

/* Maintenance (facts 10): the drain prepends 12076 on the Microsoft
 * peering routes sent over the link, both ways, so the customer's
 * traffic to Microsoft and Microsoft's own traffic back leave it before
 * the port shuts: nothing lost either way. */
START_TEST(test_msft_maintenance_drains_microsoft_peering)
{
	struct ers_result *r = run_msft("msft-maintenance");
	const struct ers_flow_result *out = tu_flow(r, "exchange-out");
	const struct ers_flow_result *in = tu_flow(r, "exchange-in");
	bool drained = false;

	ck_assert_int_eq(out->outage, 0);
	ck_assert_int_eq(in->outage, 0);
	for (size_t i = 0; i < out->n_paths; i++)
		if (out->paths[i].from > 30 * ERS_S && out->paths[i].from < 31 * ERS_S)
			drained = out->paths[i].share == 1.0 &&
				  path_has(&out->paths[i], "amsterdam-1/b");
	ck_assert(drained);
	drained = false;
	for (size_t i = 0; i < in->n_paths; i++)
		if (in->paths[i].from > 30 * ERS_S && in->paths[i].from < 31 * ERS_S)
			drained = in->paths[i].share == 1.0 &&
				  path_has(&in->paths[i], "amsterdam-1/b");
	ck_assert(drained);
	ck_assert_uint_eq(tu_route(r, "dc/ce1", "203.0.113.0/25")->n_ecmp, 2);
	ers_result_free(r);
}
END_TEST

/* Over a layer-3 provider the PE holds the Microsoft peering sessions;
 * Microsoft sees the provider's public ASN, the customer's private one
 * stripped. */
START_TEST(test_msft_layer3_provider)
{
	struct ers_result *r = run_msft("msft-layer3");
	const struct ers_rib_route *pub = tu_route(r, "microsoft", "198.51.100.0/24");
	const struct ers_flow_result *out = tu_flow(r, "exchange-out");

	ck_assert_uint_eq(pub->as_path_len, 1);
	ck_assert_uint_eq(pub->as_path[0], 64400);
	ck_assert(path_has(&out->paths[0], "er-ams/pe-primary"));
	ck_assert(path_has(&out->paths[0], "microsoft"));
	ck_assert(tu_flow(r, "exchange-in")->final_reachable);
	ck_assert(has_comm(tu_route(r, "dc/ce1", "203.0.113.0/25"), "12076:5010"));
	ers_result_free(r);
}
END_TEST

/* The report: the text, the JSON document and the HTML page name the
 * service endpoints, Microsoft's network and its hop kind. */
START_TEST(test_msft_report_text_json_html)
{
	char json[] = "/tmp/ersim-msft-XXXXXX.json", html[] = "/tmp/ersim-msft-XXXXXX.html";
	char *argv[] = { "run", "scenarios/msft-peering.xml", "--json", json, "--report", html, NULL };
	static char out[1 << 16];
	static char buf[1 << 23];
	FILE *f;
	size_t n;
	int fd;

	ck_assert_int_ge(fd = mkstemps(json, 5), 0);
	close(fd);
	ck_assert_int_ge(fd = mkstemps(html, 5), 0);
	close(fd);
	ck_assert_int_eq(tu_cmd(ers_cmd_run, 6, argv, out, sizeof out), 0);
	ck_assert_msg(strstr(out, "exchange-in   service:exchange -> dc"), "%s", out);
	ck_assert(strstr(out, "microsoft > Microsoft network > amsterdam-1/a > ExpressRoute > dc/ce1"));
	ck_assert_ptr_null(strstr(out, "not simulated"));
	ck_assert_ptr_nonnull(f = fopen(json, "r"));
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	ck_assert(strstr(buf, "\"service:exchange\""));
	ck_assert(strstr(buf, "\"microsoft\""));
	ck_assert_ptr_nonnull(f = fopen(html, "r"));
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	ck_assert(strstr(buf, "service:exchange"));
	unlink(json);
	unlink(html);
}
END_TEST

Suite *make_msft_suite(void)
{
	Suite *s = suite_create("msft");
	TCase *tc = tcase_create("microsoft-peering");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_msft_service_routes_and_communities);
	tcase_add_test(tc, test_msft_route_filter_by_region);
	tcase_add_test(tc, test_msft_link_failure_moves_both_directions);
	tcase_add_test(tc, test_msft_msee_failure);
	tcase_add_test(tc, test_msft_private_prepend_does_nothing);
	tcase_add_test(tc, test_msft_no_route_filter_no_prefixes);
	tcase_add_test(tc, test_msft_prefix_limit_drops_and_restores);
	tcase_add_test(tc, test_msft_nat_per_link_vs_shared);
	tcase_add_test(tc, test_msft_no_vpn_backup);
	tcase_add_test(tc, test_msft_maintenance_drains_microsoft_peering);
	tcase_add_test(tc, test_msft_layer3_provider);
	tcase_add_test(tc, test_msft_report_text_json_html);
	suite_add_tcase(s, tc);
	return s;
}
