/*
 * check_target.c - suite "target": the failure-target resolver (target.c)
 * on every target kind of scenarios/expressroute/targets.xml, MSEEs shared
 * by circuits on one pair, a Metro circuit's two locations, a location
 * whose id starts another's (location:chicago is not chicago-gov, in the
 * resolver and in a run), a connection at one location (analyze's
 * Resiliency Validation test); the MSEE id format and parser; and the errors
 * for targets that name nothing, with file:line, as `validate` prints them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ersim/cmd.h"
#include "ersim/scenario.h"
#include "ersim/target.h"
#include "test_util.h"

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

/* The parts of tg as "link er-ams/primary, msee amsterdam-1/a, ...": each
 * named back through the scenario, so the expectations read as the
 * scenario does. */
static void describe(const struct fixture *f, const struct ers_parts *p, char *buf, size_t n)
{
	const struct ers_scenario *s = f->s;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n; i++) {
		const struct ers_part *x = &p->v[i];
		char one[256], *id = NULL;

		switch (x->kind) {
		case ERS_PART_LINK:
			snprintf(one, sizeof one, "link %s/%s", s->circuits[x->a].id,
				 x->b ? "secondary" : "primary");
			break;
		case ERS_PART_MSEE:
			id = ers_msee_id(ers_circuit_side_location(f->cat, &s->circuits[x->a], x->b),
					 s->circuits[x->a].msee_pair, x->b);
			snprintf(one, sizeof one, "msee %s", id);
			free(id);
			break;
		case ERS_PART_ROUTER:
			snprintf(one, sizeof one, "router %s", s->sites[x->a].routers[x->b].full_id);
			break;
		case ERS_PART_GATEWAY:
			snprintf(one, sizeof one, "gateway %s", s->vnets[x->a].id);
			break;
		case ERS_PART_CONNECTION:
			snprintf(one, sizeof one, "connection %s+%s%s", s->vnets[x->a].id,
				 s->circuits[s->vnets[x->a].connections[x->b].circuit].id,
				 x->side < 0 ? "" : x->side ? " secondary" : " primary");
			break;
		case ERS_PART_SITE_LINK:
			snprintf(one, sizeof one, "site-link %d", x->a);
			break;
		case ERS_PART_VPN:
			snprintf(one, sizeof one, "vpn %s", s->vpns[x->a].id);
			break;
		case ERS_PART_GLOBAL_REACH:
			snprintf(one, sizeof one, "global-reach %d", x->a);
			break;
		}
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s",
					 i ? ", " : "", one);
	}
}

static void expect_parts(const struct fixture *f, const struct ers_target *tg, const char *want)
{
	struct ers_parts p = { 0 };
	char got[1024];

	ck_assert_int_eq(ers_target_resolve(f->s, f->cat, tg, &p), ERS_OK);
	describe(f, &p, got, sizeof got);
	ers_parts_free(&p);
	ck_assert_msg(!strcmp(got, want), "%s: got '%s', want '%s'",
		      tg->text ? tg->text : "?", got, want);
}

/* The target of the fail event written as text. */
static const struct ers_target *event_target(const struct fixture *f, const char *text)
{
	for (size_t i = 0; i < f->s->n_events; i++)
		if (f->s->events[i].action == ERS_ACT_FAIL && !strcmp(f->s->events[i].target.text, text))
			return &f->s->events[i].target;
	ck_abort_msg("no <fail target=\"%s\">", text);
	return NULL;
}

START_TEST(every_kind)
{
	static const char *const want[][2] = {
		{ "link:er-ams/primary", "link er-ams/primary" },
		{ "circuit:er-ams", "link er-ams/primary, link er-ams/secondary" },
		{ "msee:amsterdam-1/a", "msee amsterdam-1/a" },
		{ "msee-pair:amsterdam-1", "msee amsterdam-1/a, msee amsterdam-1/b" },
		{ "location:london", "msee london-1/a, msee london-1/b" },
		{ "router:hq/ce2", "router hq/ce2" },
		{ "site:br", "router br/ce1" },
		{ "gateway:spoke", "gateway spoke" },
		{ "region:uksouth", "gateway spoke" },
		{ "connection:hub+er-ams", "connection hub+er-ams" },
		{ "site-link:hq/ce1+br/ce1", "site-link 0" },
		{ "vpn:v1", "vpn v1" },
		{ "global-reach:er-ams+er-fra", "global-reach 0" },
		{ "srlg:ducts", "link er-ams/primary, link er-lon/primary" },
	};
	struct fixture f;

	open_scenario("scenarios/expressroute/targets.xml", &f);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		expect_parts(&f, event_target(&f, want[i][0]), want[i][1]);
	close_scenario(&f);
}
END_TEST

/* Two circuits on amsterdam pair 1 share its MSEEs: named once, by the
 * first circuit; pair 2 is apart. A provider takes every circuit of it. */
START_TEST(shared_pair)
{
	struct fixture f;
	struct ers_parts p = { 0 };
	char got[512];

	open_scenario("scenarios/expressroute/shared-pair.xml", &f);
	expect_parts(&f, event_target(&f, "msee-pair:amsterdam-1"),
		     "msee amsterdam-1/a, msee amsterdam-1/b");
	expect_parts(&f, &(struct ers_target){ .kind = ERS_T_LOCATION, .location = "amsterdam" },
		     "msee amsterdam-1/a, msee amsterdam-1/b, msee amsterdam-2/a, msee amsterdam-2/b");
	expect_parts(&f, &(struct ers_target){ .kind = ERS_T_MSEE, .location = "amsterdam",
					       .pair = 2, .side = 1 }, "msee amsterdam-2/b");
	/* a circuit whose links both land at the location: the whole connection */
	expect_parts(&f, &(struct ers_target){ .kind = ERS_T_CONNECTION, .a = 2, .b = 0,
					       .location = "amsterdam" }, "connection vc+er-c");
	/* an MSEE no circuit lands on: nothing */
	expect_parts(&f, &(struct ers_target){ .kind = ERS_T_MSEE_PAIR, .location = "amsterdam",
					       .pair = 3 }, "");
	ck_assert_int_eq(ers_target_resolve_provider(f.s, 0, &p), ERS_OK);
	describe(&f, &p, got, sizeof got);
	ers_parts_free(&p);
	ck_assert_str_eq(got, "link er-a/primary, link er-a/secondary, link er-b/primary, "
		      "link er-b/secondary, link er-c/primary, link er-c/secondary");
	close_scenario(&f);
}
END_TEST

/* A Metro circuit lands its primary at amsterdam, its secondary at
 * amsterdam2: a location takes one side. */
START_TEST(metro_sides)
{
	struct fixture f;

	open_scenario("scenarios/expressroute/metro.xml", &f);
	expect_parts(&f, event_target(&f, "location:amsterdam"), "msee amsterdam-1/a");
	expect_parts(&f, &(struct ers_target){ .kind = ERS_T_LOCATION, .location = "amsterdam2" },
		     "msee amsterdam2-1/b");
	/* the gateway's connection at one location (analyze's validation
	 * test): a Metro circuit's side landing there */
	expect_parts(&f, &(struct ers_target){ .kind = ERS_T_CONNECTION, .a = 0, .b = 0,
					       .location = "amsterdam2" }, "connection hub+er secondary");
	expect_parts(&f, &(struct ers_target){ .kind = ERS_T_CONNECTION, .a = 0, .b = 0 },
		     "connection hub+er");
	expect_parts(&f, &(struct ers_target){ .kind = ERS_T_CONNECTION, .a = 0, .b = 0,
					       .location = "london" }, "");
	close_scenario(&f);
}
END_TEST

/* location:chicago is Chicago, not every location whose id starts with
 * "chicago-" (the simulator once took chicago-gov down with it). */
START_TEST(location_prefix)
{
	struct fixture f;
	struct ers_result *r;
	const struct ers_flow_result *gov, *com;

	open_scenario("tests/target/location-prefix.xml", &f);
	expect_parts(&f, event_target(&f, "location:chicago"), "msee chicago-1/a, msee chicago-1/b");
	close_scenario(&f);

	r = tu_run("tests/target/location-prefix.xml", &(struct ers_run_opts){ 0 });
	gov = tu_flow(r, "to-gov");
	com = tu_flow(r, "to-com");
	ck_assert_msg(gov->outage == 0, "to-gov cut for %lld ns", (long long)gov->outage);
	ck_assert_msg(com->outage == 40 * ERS_S, "to-com cut for %lld ns", (long long)com->outage);
	ers_result_free(r);
}
END_TEST

START_TEST(msee_id)
{
	char *id = ers_msee_id("chicago-gov", 12, 1), *loc = NULL;
	int pair = 0, side = -1;

	ck_assert_str_eq(id, "chicago-gov-12/b");
	ck_assert_int_eq(ers_msee_id_parse(id, true, &loc, &pair, &side), ERS_OK);
	ck_assert_str_eq(loc, "chicago-gov");
	ck_assert_int_eq(pair, 12);
	ck_assert_int_eq(side, 1);
	free(loc);
	free(id);
	id = ers_msee_id("amsterdam", 1, -1);
	ck_assert_str_eq(id, "amsterdam-1");
	side = 7;
	ck_assert_int_eq(ers_msee_id_parse(id, false, &loc, &pair, &side), ERS_OK);
	ck_assert_str_eq(loc, "amsterdam");
	ck_assert_int_eq(pair, 1);
	ck_assert_int_eq(side, 7);	/* without a side, left alone */
	free(loc);
	free(id);

	static const char *const bad_side[] = { "amsterdam/a", "-1/a", "amsterdam-0/a",
		"amsterdam-10000/a", "amsterdam-1/c", "amsterdam-1", "amsterdam-1/ab", "amsterdam-x/a",
		"amsterdam-1/2/a", "/a", "" };
	for (size_t i = 0; i < sizeof bad_side / sizeof bad_side[0]; i++) {
		loc = NULL;
		ck_assert_msg(ers_msee_id_parse(bad_side[i], true, &loc, &pair, &side) == ERS_EINVAL,
			      "'%s' accepted", bad_side[i]);
		ck_assert_ptr_null(loc);
	}
	ck_assert_int_eq(ers_msee_id_parse("amsterdam-1/a", false, &loc, &pair, &side), ERS_EINVAL);
	ck_assert_int_eq(ers_msee_id_parse("amsterdam", false, &loc, &pair, &side), ERS_EINVAL);
}
END_TEST

/* validate on a one-circuit scenario failing `target` (line 10). */
static void expect_error(const char *target, const char *want)
{
	char path[] = "/tmp/ersim-target-XXXXXX", out[4096];
	char *argv[] = { "validate", path, NULL };
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "<?xml version=\"1.0\"?>\n"
		"<scenario name=\"e\" seed=\"1\" duration=\"60s\">\n"
		"  <site id=\"hq\" asn=\"65010\"><router id=\"ce1\"/><prefix>192.168.1.0/24</prefix></site>\n"
		"  <provider id=\"d\" model=\"direct\"/>\n"
		"  <circuit id=\"er\" location=\"amsterdam\" provider=\"d\" bandwidth=\"10Gbps\" sku=\"standard\">\n"
		"    <link role=\"primary\" router=\"hq/ce1\"/><link role=\"secondary\" router=\"hq/ce1\"/>\n"
		"  </circuit>\n"
		"  <vnet id=\"hub\" region=\"westeurope\" prefix=\"10.1.0.0/16\"><connection circuit=\"er\"/></vnet>\n"
		"  <events>\n"
		"    <fail at=\"20s\" target=\"%s\"/>\n"
		"  </events>\n"
		"</scenario>\n", target);
	fclose(f);
	ck_assert_int_eq(tu_cmd(ers_cmd_validate, 2, argv, out, sizeof out), 2);
	unlink(path);
	ck_assert_msg(strstr(out, want), "%s: got\n%s\nwant\n%s", target, out, want);
	ck_assert_msg(strstr(out, ":10: error: "), "%s: no file:line in\n%s", target, out);
}

START_TEST(unknown_targets)
{
	expect_error("link:er-x/primary",
		     ":10: error: target 'link:er-x/primary' on <fail> names no link in this scenario");
	expect_error("msee:amsterdam/a", ":10: error: invalid target 'msee:amsterdam/a' on <fail>: "
		     "expected msee:LOCATION-PAIR/a or msee:LOCATION-PAIR/b");
	expect_error("msee-pair:amsterdam-3",
		     ":10: error: target 'msee-pair:amsterdam-3': no circuit uses MSEE pair 3 at "
		     "'amsterdam'\n");
	expect_error("msee-pair:amsterdam-3",
		     ":10: note: MSEE pairs in use at 'amsterdam': 1 (set by msee-pair on <circuit>)");
	expect_error("location:atlantis",
		     ":10: error: target 'location:atlantis': unknown peering location 'atlantis'");
	expect_error("location:london",
		     ":10: error: target 'location:london': no circuit lands at peering location 'london'");
	expect_error("cable:x", ":10: error: invalid target 'cable:x' on <fail>: expected KIND:NAME");
	expect_error("connection:hub+er-x",
		     ":10: error: target 'connection:hub+er-x' on <fail> names no connection");
	expect_error("region:mars", ":10: error: target 'region:mars': unknown Azure region 'mars'");
	expect_error("srlg:none", ":10: error: target 'srlg:none' on <fail> names no srlg");
	expect_error("router:hq/ce9", ":10: error: ");
	expect_error("gateway:nope", ":10: error: target 'gateway:nope' on <fail> names no gateway");
}
END_TEST

Suite *make_target_suite(void)
{
	Suite *s = suite_create("target");
	TCase *tc = tcase_create("resolve");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_kind);
	tcase_add_test(tc, shared_pair);
	tcase_add_test(tc, metro_sides);
	tcase_add_test(tc, location_prefix);
	tcase_add_test(tc, msee_id);
	tcase_add_test(tc, unknown_targets);
	suite_add_tcase(s, tc);
	return s;
}
