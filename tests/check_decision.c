/*
 * check_decision.c - the BGP decision process, one test per step and
 * tie-break (RFC 4271 9.1.2.2 with weight in front), and the ExpressRoute
 * gateway's own order, driven through ers_bgp_compare on hand-made routes.
 */
#include <check.h>
#include <string.h>

#include "ersim/bgp.h"

struct fixture {
	struct ers_attr_table t;
	struct ers_speaker self, n1, n2;	/* deciding router, two neighbours */
	struct ers_session s1, s2;
};

static struct fixture fx;

static void setup(void)
{
	memset(&fx, 0, sizeof fx);
	ers_attr_table_init(&fx.t);
	fx.self.kind = ERS_SPK_CE;
	fx.self.asn = 65010;
	fx.self.multipath = true;
	fx.n1.id = "n1";
	fx.n1.router_id = 0x01010101;
	fx.n1.index = 1;
	fx.n1.circuit = 0;
	fx.n2.id = "n2";
	fx.n2.router_id = 0x02020202;
	fx.n2.index = 2;
	fx.n2.circuit = 1;
	for (int i = 0; i < 2; i++) {
		struct ers_session *s = i ? &fx.s2 : &fx.s1;
		s->end[0].self = &fx.self;
		s->end[0].remote = &s->end[1];
		s->end[1].self = i ? &fx.n2 : &fx.n1;
		s->end[1].remote = &s->end[0];
	}
}

static void teardown(void)
{
	ers_attr_table_release(&fx.t);
}

struct route_spec {
	uint32_t weight, local_pref, med;
	bool has_med;
	uint8_t origin;
	uint16_t path_len;
	uint32_t first_as;
};

static struct ers_cand cand(int which, struct route_spec r)
{
	struct ers_attrs_tmpl t = { 0 };

	t.weight = r.weight;
	t.local_pref = r.local_pref ? r.local_pref : 100;
	t.med = r.med;
	t.has_med = r.has_med;
	t.origin = r.origin;
	t.path_len = r.path_len;
	for (int i = 0; i < r.path_len; i++)
		t.path[i] = i == 0 && r.first_as ? r.first_as : 64500u + (uint32_t)i;
	return (struct ers_cand){ .attrs = ers_attrs_intern(&fx.t, &t),
				  .peer = which == 1 ? &fx.s1.end[0] : &fx.s2.end[0] };
}

static void expect(struct ers_cand a, struct ers_cand b, int sign, enum ers_bgp_reason why)
{
	enum ers_bgp_reason got;
	int c = ers_bgp_compare(&fx.self, &a, &b, &got);

	ck_assert_int_eq(c < 0 ? -1 : c > 0, sign);
	ck_assert_str_eq(ers_bgp_reason_str(got), ers_bgp_reason_str(why));
	/* The comparison is antisymmetric. */
	c = ers_bgp_compare(&fx.self, &b, &a, &got);
	ck_assert_int_eq(c < 0 ? -1 : c > 0, -sign);
}

START_TEST(test_decision_higher_weight_wins)
{
	expect(cand(2, (struct route_spec){ .weight = 100, .path_len = 5 }),
	       cand(1, (struct route_spec){ .weight = 0, .path_len = 1, .local_pref = 300 }),
	       -1, ERS_WHY_WEIGHT);
}
END_TEST

START_TEST(test_decision_higher_local_pref_wins)
{
	expect(cand(2, (struct route_spec){ .local_pref = 200, .path_len = 3 }),
	       cand(1, (struct route_spec){ .local_pref = 100, .path_len = 1 }),
	       -1, ERS_WHY_LOCAL_PREF);
}
END_TEST

START_TEST(test_decision_shorter_as_path_wins)
{
	expect(cand(2, (struct route_spec){ .path_len = 1, .origin = ERS_ORIGIN_INCOMPLETE }),
	       cand(1, (struct route_spec){ .path_len = 3 }), -1, ERS_WHY_AS_PATH);
}
END_TEST

START_TEST(test_decision_lower_origin_wins)
{
	expect(cand(2, (struct route_spec){ .path_len = 2, .origin = ERS_ORIGIN_IGP, .med = 50,
					    .has_med = true }),
	       cand(1, (struct route_spec){ .path_len = 2, .origin = ERS_ORIGIN_EGP }),
	       -1, ERS_WHY_ORIGIN);
}
END_TEST

START_TEST(test_decision_lower_med_same_neighbor_as)
{
	expect(cand(2, (struct route_spec){ .path_len = 2, .first_as = 12076, .med = 10,
					    .has_med = true }),
	       cand(1, (struct route_spec){ .path_len = 2, .first_as = 12076, .med = 20,
					    .has_med = true }),
	       -1, ERS_WHY_MED);
}
END_TEST

START_TEST(test_decision_med_ignored_across_neighbor_as)
{
	/* Different neighbour AS: MED is skipped; the router id decides. */
	expect(cand(1, (struct route_spec){ .path_len = 2, .first_as = 65001, .med = 90,
					    .has_med = true }),
	       cand(2, (struct route_spec){ .path_len = 2, .first_as = 65002, .med = 10,
					    .has_med = true }),
	       -1, ERS_WHY_ROUTER_ID);
}
END_TEST

START_TEST(test_decision_ebgp_over_ibgp)
{
	fx.s1.end[0].ibgp = true;
	expect(cand(2, (struct route_spec){ .path_len = 1 }),
	       cand(1, (struct route_spec){ .path_len = 1 }), -1, ERS_WHY_EBGP);
}
END_TEST

START_TEST(test_decision_lower_igp_cost)
{
	fx.s1.end[0].ibgp = fx.s2.end[0].ibgp = true;
	fx.s1.end[0].igp_cost = 10;
	fx.s2.end[0].igp_cost = 2;
	expect(cand(2, (struct route_spec){ .path_len = 1 }),
	       cand(1, (struct route_spec){ .path_len = 1 }), -1, ERS_WHY_IGP_COST);
}
END_TEST

START_TEST(test_decision_lower_router_id)
{
	expect(cand(1, (struct route_spec){ .path_len = 1 }),
	       cand(2, (struct route_spec){ .path_len = 1 }), -1, ERS_WHY_ROUTER_ID);
}
END_TEST

START_TEST(test_decision_lowest_peer_address_last)
{
	fx.n2.router_id = fx.n1.router_id;
	expect(cand(1, (struct route_spec){ .path_len = 1 }),
	       cand(2, (struct route_spec){ .path_len = 1 }), -1, ERS_WHY_PEER_ADDR);
}
END_TEST

START_TEST(test_decision_local_route_first)
{
	struct ers_cand local = cand(1, (struct route_spec){ .path_len = 0 });
	local.peer = NULL;
	expect(local, cand(2, (struct route_spec){ .weight = 500 }), -1, ERS_WHY_LOCAL);
}
END_TEST

START_TEST(test_decision_explain_names_step)
{
	struct ers_cand a = cand(1, (struct route_spec){ .path_len = 1 });
	struct ers_cand b = cand(2, (struct route_spec){ .path_len = 3 });
	enum ers_bgp_reason why;
	char buf[200];

	ck_assert_int_lt(ers_bgp_compare(&fx.self, &a, &b, &why), 0);
	ers_bgp_explain(&a, &b, why, buf, sizeof buf);
	ck_assert_str_eq(buf, "via n1 wins over via n2: as-path 1 < 3");
}
END_TEST

START_TEST(test_decision_multipath_needs_same_neighbor_as)
{
	struct ers_cand a = cand(1, (struct route_spec){ .path_len = 1, .first_as = 12076 });
	struct ers_cand b = cand(2, (struct route_spec){ .path_len = 1, .first_as = 12076 });
	struct ers_cand c = cand(2, (struct route_spec){ .path_len = 1, .first_as = 65099 });

	ck_assert(ers_bgp_multipath_ok(&fx.self, &a, &b));
	ck_assert(!ers_bgp_multipath_ok(&fx.self, &a, &c));
	fx.self.multipath = false;
	ck_assert(!ers_bgp_multipath_ok(&fx.self, &a, &b));
}
END_TEST

START_TEST(test_gateway_prefers_expressroute_over_vpn)
{
	fx.self.kind = ERS_SPK_GW;
	fx.s1.end[0].vpn = true;
	expect(cand(2, (struct route_spec){ .path_len = 4 }),
	       cand(1, (struct route_spec){ .path_len = 1, .weight = 100 }),
	       -1, ERS_WHY_ER_OVER_VPN);
}
END_TEST

START_TEST(test_gateway_weight_before_as_path)
{
	fx.self.kind = ERS_SPK_GW;
	expect(cand(2, (struct route_spec){ .path_len = 4, .weight = 100 }),
	       cand(1, (struct route_spec){ .path_len = 1 }), -1, ERS_WHY_WEIGHT);
}
END_TEST

START_TEST(test_gateway_ignores_local_pref_and_ecmps_ties)
{
	struct ers_cand a, b;

	fx.self.kind = ERS_SPK_GW;
	a = cand(1, (struct route_spec){ .path_len = 2, .local_pref = 500 });
	b = cand(2, (struct route_spec){ .path_len = 2 });
	ck_assert(ers_bgp_multipath_ok(&fx.self, &a, &b));
	expect(a, b, -1, ERS_WHY_ROUTER_ID);
}
END_TEST

Suite *make_decision_suite(void)
{
	Suite *s = suite_create("decision");
	TCase *tc = tcase_create("steps");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_decision_higher_weight_wins);
	tcase_add_test(tc, test_decision_higher_local_pref_wins);
	tcase_add_test(tc, test_decision_shorter_as_path_wins);
	tcase_add_test(tc, test_decision_lower_origin_wins);
	tcase_add_test(tc, test_decision_lower_med_same_neighbor_as);
	tcase_add_test(tc, test_decision_med_ignored_across_neighbor_as);
	tcase_add_test(tc, test_decision_ebgp_over_ibgp);
	tcase_add_test(tc, test_decision_lower_igp_cost);
	tcase_add_test(tc, test_decision_lower_router_id);
	tcase_add_test(tc, test_decision_lowest_peer_address_last);
	tcase_add_test(tc, test_decision_local_route_first);
	tcase_add_test(tc, test_decision_explain_names_step);
	tcase_add_test(tc, test_decision_multipath_needs_same_neighbor_as);
	tcase_add_test(tc, test_gateway_prefers_expressroute_over_vpn);
	tcase_add_test(tc, test_gateway_weight_before_as_path);
	tcase_add_test(tc, test_gateway_ignores_local_pref_and_ecmps_ties);
	suite_add_tcase(s, tc);
	return s;
}
