/*
 * check_policy.c - routing policy end to end: the scenario's import and
 * export rules (first fit wins, prefix ranges, deny, MED) and Gao-Rexford
 * business relationships on site-links.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

static struct ers_result *run_ribs(const char *path)
{
	struct ers_run_opts o = { .ribs = true };

	return tu_run(path, &o);
}

START_TEST(test_policy_export_deny_with_prefix_range)
{
	struct ers_result *r = run_ribs("tests/gr/policy.xml");

	/* 10.10.0.0/16le24 covers the /16 and the /24, not the /25. */
	ck_assert_ptr_null(tu_route(r, "amsterdam-1/a@er", "10.10.0.0/16"));
	ck_assert_ptr_null(tu_route(r, "amsterdam-1/a@er", "10.10.5.0/24"));
	ck_assert_ptr_nonnull(tu_route(r, "amsterdam-1/a@er", "10.10.7.128/25"));
	ck_assert_ptr_nonnull(tu_route(r, "amsterdam-1/a@er", "10.20.0.0/16"));
	ck_assert_ptr_nonnull(tu_route(r, "amsterdam-1/b@er", "10.10.5.0/24"));
	ers_result_free(r);
}
END_TEST

START_TEST(test_policy_export_med_on_matching_prefix_only)
{
	struct ers_result *r = run_ribs("tests/gr/policy.xml");
	const struct ers_rib_route *med = tu_route(r, "amsterdam-1/b@er", "10.20.0.0/16");
	const struct ers_rib_route *none = tu_route(r, "amsterdam-1/b@er", "10.10.0.0/16");

	ck_assert(med->has_med);
	ck_assert_uint_eq(med->med, 50);
	ck_assert(!none->has_med);
	ck_assert(!tu_route(r, "amsterdam-1/a@er", "10.20.0.0/16")->has_med);
	ers_result_free(r);
}
END_TEST

START_TEST(test_policy_import_deny)
{
	struct ers_result *r = run_ribs("tests/gr/policy.xml");
	const struct ers_rib_route *rt = tu_route(r, "hq/ce1", "10.1.0.0/16");

	ck_assert_str_eq(rt->next_hop, "amsterdam-1/b");
	ck_assert_int_eq(rt->n_ecmp, 1);
	ck_assert_str_eq(r->flows[0].paths[0].nodes[1], "amsterdam-1/b");
	ers_result_free(r);
}
END_TEST

START_TEST(test_policy_gao_rexford_preference)
{
	struct ers_result *r = run_ribs("tests/gr/valley.xml");
	const struct ers_rib_route *rt;

	/* c1 prefers its peer c2 (150) over its provider t1 (50). */
	rt = tu_route(r, "c1/r", "10.0.32.0/24");
	ck_assert_str_eq(rt->next_hop, "c2/r");
	ck_assert_uint_eq(rt->local_pref, 150);
	/* t1 prefers its customer x (200) over its peer t2 (150). */
	rt = tu_route(r, "t1/r", "10.0.40.0/24");
	ck_assert_str_eq(rt->next_hop, "x/r");
	ck_assert_uint_eq(rt->local_pref, 200);
	ers_result_free(r);
}
END_TEST

START_TEST(test_policy_gao_rexford_no_valleys)
{
	struct ers_result *r = run_ribs("tests/gr/valley.xml");
	const struct ers_rib_route *rt;

	/* x never carries traffic between its providers: t1 reaches t2
	 * over the peering, not through its customer x. */
	rt = tu_route(r, "t1/r", "10.0.2.0/24");
	ck_assert_str_eq(rt->next_hop, "t2/r");
	ck_assert_int_eq(rt->as_path_len, 1);
	/* c2 does not give its provider t2 the route it has from its peer
	 * c1: t2 reaches c1 through t1. */
	rt = tu_route(r, "t2/r", "10.0.31.0/24");
	ck_assert_str_eq(rt->next_hop, "t1/r");
	/* c2 does not pass its provider's routes to its peer c1. */
	rt = tu_route(r, "c1/r", "10.0.2.0/24");
	ck_assert_str_eq(rt->next_hop, "t1/r");
	ers_result_free(r);
}
END_TEST

/* RFC 4271 9.1.2.2 (c): x hears one prefix from a (AS 100, MED 10), b
 * (AS 200, MED 5) and c (AS 100, MED 0). c removes a, b beats c by router
 * id: b wins whatever order the routes are looked at. Compared route by
 * route, each of a, b and c won in two of the six peer orders. */
static struct ers_result *run_med_order(const char *order, bool always)
{
	static const char *const links[] = {
		"<site-link a=\"x/r\" b=\"a/r\" delay=\"5ms\"><export med=\"10\"/></site-link>",
		"<site-link a=\"x/r\" b=\"b/r\" delay=\"5ms\"><export med=\"5\"/></site-link>",
		"<site-link a=\"x/r\" b=\"c/r\" delay=\"5ms\"><export med=\"0\"/></site-link>",
	};
	char path[] = "/tmp/ersim-med-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct ers_result *r;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "<scenario name=\"med\" duration=\"30s\">\n"
		"<site id=\"x\" asn=\"65001\" tie-break=\"router-id\" always-compare-med=\"%s\">"
		"<router id=\"r\" router-id=\"9.9.9.9\"/><prefix>10.1.0.0/24</prefix></site>\n"
		"<site id=\"a\" asn=\"100\"><router id=\"r\" router-id=\"1.1.1.1\"/><prefix>10.9.0.0/24</prefix></site>\n"
		"<site id=\"b\" asn=\"200\"><router id=\"r\" router-id=\"2.2.2.2\"/><prefix>10.9.0.0/24</prefix></site>\n"
		"<site id=\"c\" asn=\"100\"><router id=\"r\" router-id=\"3.3.3.3\"/><prefix>10.9.0.0/24</prefix></site>\n",
		always ? "true" : "false");
	for (const char *o = order; *o; o++)
		fprintf(f, "%s\n", links[*o - 'a']);
	fprintf(f, "</scenario>\n");
	fclose(f);
	r = run_ribs(path);
	unlink(path);
	return r;
}

START_TEST(test_policy_med_independent_of_peer_order)
{
	static const char *const orders[] = { "abc", "acb", "bac", "bca", "cab", "cba" };

	for (size_t i = 0; i < 6; i++) {
		struct ers_result *r = run_med_order(orders[i], false);
		const struct ers_rib_route *rt = tu_route(r, "x/r", "10.9.0.0/24");

		ck_assert_msg(rt && !strcmp(rt->next_hop, "b/r"), "order %s: best via %s",
			      orders[i], rt ? rt->next_hop : "nothing");
		ers_result_free(r);
	}
}
END_TEST

/* always-compare-med: MED counts across neighbour ASes, so c (MED 0)
 * beats b (MED 5) and a (MED 10) in every order. */
START_TEST(test_policy_always_compare_med)
{
	static const char *const orders[] = { "abc", "acb", "bac", "bca", "cab", "cba" };

	for (size_t i = 0; i < 6; i++) {
		struct ers_result *r = run_med_order(orders[i], true);
		const struct ers_rib_route *rt = tu_route(r, "x/r", "10.9.0.0/24");

		ck_assert_msg(rt && !strcmp(rt->next_hop, "c/r"), "order %s: best via %s",
			      orders[i], rt ? rt->next_hop : "nothing");
		ers_result_free(r);
	}
}
END_TEST

/* hq/ce1 hears the VNet from ExpressRoute (AS path 12076) and over the
 * VPN (65515): equal up to the tie-breaks, so which one carries the
 * traffic is luck (route age, router id): flagged, with the fix. */
START_TEST(test_policy_tie_break_notice)
{
	struct ers_result *r = run_ribs("scenarios/expressroute/targets.xml");
	bool found = false;

	for (size_t i = 0; i < r->n_notices && !found; i++) {
		const struct ers_notice *n = &r->notices[i];
		found = !strcmp(n->kind, "tie-break") && !strcmp(n->node, "hq/ce1") &&
			strstr(n->detail, "10.1.0.0/16: chose the route via amsterdam-1/") &&
			strstr(n->detail, "over the one via hub/gw by ") &&
			strstr(n->detail, "local-pref");
	}
	ck_assert_msg(found, "no tie-break notice at hq/ce1");
	/* The flow's history says why each router chose. */
	ck_assert_uint_gt(r->flows[0].n_decisions, 0);
	ers_result_free(r);
}
END_TEST

/* x hears 10.9.0.0/24 first from b (router id 2.2.2.2, 5 ms away), then
 * from c (1.1.1.1, 50 ms away); everything else ties. */
static struct ers_result *run_tie(const char *defaults, const char *site_attrs)
{
	char path[] = "/tmp/ersim-tie-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct ers_result *r;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "<scenario name=\"tie\" duration=\"30s\">%s\n"
		"<site id=\"x\" asn=\"65001\" %s><router id=\"r\"/><prefix>10.1.0.0/24</prefix></site>\n"
		"<site id=\"b\" asn=\"200\"><router id=\"r\" router-id=\"2.2.2.2\"/><prefix>10.9.0.0/24</prefix></site>\n"
		"<site id=\"c\" asn=\"300\"><router id=\"r\" router-id=\"1.1.1.1\"/><prefix>10.9.0.0/24</prefix></site>\n"
		"<site-link a=\"x/r\" b=\"b/r\" delay=\"5ms\"/>\n"
		"<site-link a=\"x/r\" b=\"c/r\" delay=\"50ms\"/>\n</scenario>\n", defaults,
		site_attrs);
	fclose(f);
	r = run_ribs(path);
	unlink(path);
	return r;
}

/* The default keeps the route already selected (Cisco, Juniper, FRR);
 * tie-break="router-id" takes the lowest router id (BIRD). */
START_TEST(test_policy_tie_break_oldest_and_router_id)
{
	static const char router_id[] = "<defaults><decision tie-break=\"router-id\"/></defaults>";
	struct ers_result *r = run_tie("", "");

	ck_assert_str_eq(tu_route(r, "x/r", "10.9.0.0/24")->next_hop, "b/r");
	ers_result_free(r);
	r = run_tie("", "tie-break=\"router-id\"");
	ck_assert_str_eq(tu_route(r, "x/r", "10.9.0.0/24")->next_hop, "c/r");
	ers_result_free(r);
	/* <defaults><decision> sets it for every router; a site overrides. */
	r = run_tie(router_id, "");
	ck_assert_str_eq(tu_route(r, "x/r", "10.9.0.0/24")->next_hop, "c/r");
	ers_result_free(r);
	r = run_tie(router_id, "tie-break=\"oldest\"");
	ck_assert_str_eq(tu_route(r, "x/r", "10.9.0.0/24")->next_hop, "b/r");
	ers_result_free(r);
}
END_TEST

static bool has_notice(const struct ers_result *r, const char *kind, const char *node,
		       const char *text)
{
	for (size_t i = 0; i < r->n_notices; i++)
		if (!strcmp(r->notices[i].kind, kind) && !strcmp(r->notices[i].node, node) &&
		    strstr(r->notices[i].detail, text))
			return true;
	return false;
}

/* a's export rule puts more than the model holds on the route to b: the
 * route is not sent, and a notice says so (before: cut silently). */
static struct ers_result *run_export_rule(const char *rule)
{
	char path[] = "/tmp/ersim-cap-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct ers_result *r;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "<scenario name=\"cap\" duration=\"30s\">\n"
		"<site id=\"a\" asn=\"100\"><router id=\"r\"/><prefix>10.1.0.0/24</prefix></site>\n"
		"<site id=\"b\" asn=\"200\"><router id=\"r\"/><prefix>10.2.0.0/24</prefix></site>\n"
		"<site-link a=\"a/r\" b=\"b/r\" delay=\"5ms\">%s</site-link>\n</scenario>\n", rule);
	fclose(f);
	r = run_ribs(path);
	unlink(path);
	return r;
}

START_TEST(test_policy_as_path_limit_is_reported)
{
	struct ers_result *r = run_export_rule("<export prepend=\"255\"/>");

	ck_assert_ptr_null(tu_route(r, "b/r", "10.1.0.0/24"));
	ck_assert_msg(has_notice(r, "as-path-limit", "a/r", "not sending to b/r routes such as "
				 "10.1.0.0/24: the AS path would pass 255 ASes"), "no notice");
	ers_result_free(r);
}
END_TEST

START_TEST(test_policy_community_limit_is_reported)
{
	char rule[1024] = "<export communities=\"";

	for (int i = 1; i <= 33; i++)
		snprintf(rule + strlen(rule), sizeof rule - strlen(rule), "%s100:%d", i > 1 ? " " : "", i);
	strcat(rule, "\"/>");
	struct ers_result *r = run_export_rule(rule);

	ck_assert_ptr_null(tu_route(r, "b/r", "10.1.0.0/24"));
	ck_assert_msg(has_notice(r, "community-limit", "a/r", "more than 32 communities"),
		      "no notice");
	ers_result_free(r);
}
END_TEST

Suite *make_policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("rules");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_policy_export_deny_with_prefix_range);
	tcase_add_test(tc, test_policy_export_med_on_matching_prefix_only);
	tcase_add_test(tc, test_policy_import_deny);
	tcase_add_test(tc, test_policy_gao_rexford_preference);
	tcase_add_test(tc, test_policy_gao_rexford_no_valleys);
	tcase_add_test(tc, test_policy_med_independent_of_peer_order);
	tcase_add_test(tc, test_policy_always_compare_med);
	tcase_add_test(tc, test_policy_tie_break_notice);
	tcase_add_test(tc, test_policy_tie_break_oldest_and_router_id);
	tcase_add_test(tc, test_policy_as_path_limit_is_reported);
	tcase_add_test(tc, test_policy_community_limit_is_reported);
	suite_add_tcase(s, tc);
	return s;
}
