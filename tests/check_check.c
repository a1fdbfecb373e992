/*
 * check_check.c - suite "check": the semantic checks of sim/check.c,
 * driven the way users meet them, through ers_scenario_open().
 *
 * Every file in tests/bad breaks one rule and states the diagnostic it must
 * produce in its first line, <!-- expect: LINE: error: TEXT -->; a loop
 * test opens each file and looks for a message at LINE containing TEXT.
 * Every file in tests/good must open with no diagnostic at all. Inline
 * scenarios cover rules whose edges a single bad file cannot show (limit
 * tables, hints, several errors in one file).
 */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/scenario.h"

#define MAX_FILES 128

struct file_list {
	char names[MAX_FILES][256];
	size_t n;
};

static struct file_list bad_files, good_files;

/* Fill list with the files matching pattern, sorted (glob's order). */
static void list_files(struct file_list *list, const char *pattern)
{
	glob_t g;

	list->n = 0;
	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc && list->n < MAX_FILES; i++)
		snprintf(list->names[list->n++], sizeof list->names[0], "%s", g.gl_pathv[i]);
	globfree(&g);
}

/* All messages of d as "line: text" lines, for failure output. */
static const char *diag_dump(const struct ers_diag *d)
{
	static char buf[4096];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->n_msgs && used < sizeof buf; i++)
		used += (size_t)snprintf(buf + used, sizeof buf - used, "\n  %ld: %s%s%s",
					 d->msgs[i].line, d->msgs[i].text,
					 d->msgs[i].hint ? " | note: " : "",
					 d->msgs[i].hint ? d->msgs[i].hint : "");
	return buf;
}

static bool diag_at(const struct ers_diag *d, long line, const char *needle)
{
	for (size_t i = 0; i < d->n_msgs; i++)
		if (d->msgs[i].line == line && strstr(d->msgs[i].text, needle))
			return true;
	return false;
}

/* Read "<!-- expect: LINE: error: TEXT -->" from the first line of path. */
static bool read_expect(const char *path, long *line, char *text, size_t n)
{
	char first[512], *end;
	FILE *f = fopen(path, "r");
	int pos = 0;

	if (!f)
		return false;
	if (!fgets(first, sizeof first, f)) {
		fclose(f);
		return false;
	}
	fclose(f);
	if (sscanf(first, "<!-- expect: %ld: error: %n", line, &pos) != 1 || pos == 0)
		return false;
	end = strstr(first + pos, " -->");
	if (!end)
		return false;
	*end = '\0';
	snprintf(text, n, "%s", first + pos);
	return true;
}

START_TEST(test_check_bad_file_rejected)
{
	const char *path = bad_files.names[_i];
	struct ers_scenario *s = (void *)1;
	struct ers_catalog *cat = (void *)1;
	struct ers_diag d;
	char text[512];
	long line;
	enum ers_err rc;

	ck_assert_msg(read_expect(path, &line, text, sizeof text),
		      "%s: first line is not <!-- expect: LINE: error: TEXT -->", path);
	ers_diag_init(&d);
	rc = ers_scenario_open(path, &s, &cat, &d);
	ck_assert_msg(rc != ERS_OK, "%s: accepted", path);
	ck_assert_int_eq(ers_err_exit_code(rc), 2);
	ck_assert_ptr_null(s);
	ck_assert_ptr_null(cat);
	ck_assert_msg(diag_at(&d, line, text), "%s: no '%ld: %s' among:%s",
		      path, line, text, diag_dump(&d));
	ck_assert_ptr_nonnull(d.msgs[0].file);
	ck_assert_str_eq(d.msgs[0].file, path);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_check_good_file_accepted)
{
	const char *path = good_files.names[_i];
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_diag d;
	enum ers_err rc;

	ers_diag_init(&d);
	rc = ers_scenario_open(path, &s, &cat, &d);
	ck_assert_msg(rc == ERS_OK && d.n_msgs == 0, "%s: rejected (%s):%s", path,
		      ers_err_str(rc), diag_dump(&d));
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(cat);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_check_found_test_files)
{
	/* Guards the loop tests: a wrong working directory would run none. */
	ck_assert_uint_ge(bad_files.n, 30);
	ck_assert_uint_ge(good_files.n, 4);
}
END_TEST

START_TEST(test_check_open_missing_file)
{
	struct ers_scenario *s = (void *)1;
	struct ers_catalog *cat = (void *)1;
	struct ers_diag d;
	enum ers_err rc;

	ers_diag_init(&d);
	rc = ers_scenario_open("tests/bad/no-such-file.xml", &s, &cat, &d);
	ck_assert_int_ne(rc, ERS_OK);
	ck_assert_ptr_null(s);
	ck_assert_ptr_null(cat);
	ck_assert_uint_ge(d.n_msgs, 1);
	ers_diag_release(&d);
}
END_TEST

/* ---- inline scenarios ---- */

#define HEAD \
	"<scenario name=\"t\" duration=\"10min\">\n" \
	"  <site id=\"dc\" asn=\"65010\"><router id=\"ce1\"/><router id=\"ce2\"/>" \
	"<prefix>192.168.10.0/24</prefix></site>\n" \
	"  <provider id=\"eq\" model=\"layer2\"/>\n" \
	"  <provider id=\"port\" model=\"direct\"/>\n"
#define LINKS \
	"<link role=\"primary\" router=\"dc/ce1\"/><link role=\"secondary\" router=\"dc/ce2\"/>"
#define CIRCUIT(id, loc, prov, bw, sku) \
	"  <circuit id=\"" id "\" location=\"" loc "\" provider=\"" prov "\" bandwidth=\"" \
	bw "\" sku=\"" sku "\">" LINKS "</circuit>\n"
#define TAIL "</scenario>\n"

/* Load xml, merge the builtin catalog and check: what ers_scenario_open
 * does, from memory. Diagnostics go to d. */
static enum ers_err check_xml(const char *xml, struct ers_diag *d)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *base = NULL, *cat = NULL;
	enum ers_err rc;

	rc = ers_scenario_load_mem(xml, strlen(xml), "inline.xml", &s, d);
	ck_assert_msg(rc == ERS_OK, "inline scenario does not load:%s", diag_dump(d));
	rc = ers_catalog_builtin_load(&base, d);
	ck_assert_int_eq(rc, ERS_OK);
	cat = ers_catalog_merge(base, &s->geography);
	ck_assert_ptr_nonnull(cat);
	rc = ers_scenario_check(s, cat, d);
	ers_catalog_free(cat);
	ers_catalog_free(base);
	ers_scenario_free(s);
	return rc;
}

/* n VNets in westeurope, each connected to circuit "c". */
static char *vnets_on_c(char *buf, size_t size, int n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 1; i <= n; i++)
		used += (size_t)snprintf(buf + used, size - used,
					 "  <vnet id=\"v%d\" region=\"westeurope\" prefix=\"10.%d.0.0/16\">"
					 "<connection circuit=\"c\"/></vnet>\n", i, i);
	return buf;
}

static const struct link_case {
	const char *bw, *sku, *prov;
	int limit;			/* VNet links allowed (facts 3.3) */
} link_cases[] = {
	{ "50Mbps", "premium", "eq", 20 },
	{ "100Mbps", "premium", "eq", 25 },
	{ "500Mbps", "premium", "eq", 40 },
	{ "1Gbps", "premium", "eq", 50 },
	{ "5Gbps", "premium", "eq", 75 },
	{ "10Gbps", "premium", "eq", 100 },
	{ "40Gbps", "premium", "port", 100 },
	{ "10Gbps", "standard", "eq", 10 },
	{ "1Gbps", "local", "eq", 10 },
};

/* The limit is met exactly at `limit` links and broken at one more. */
START_TEST(test_check_vnet_link_limit_by_sku_and_bandwidth)
{
	const struct link_case *lc = &link_cases[_i];
	static char xml[65536], vn[60000];
	struct ers_diag d;
	char want[128];

	for (int extra = 0; extra <= 1; extra++) {
		snprintf(xml, sizeof xml, HEAD
			 "  <circuit id=\"c\" location=\"amsterdam\" provider=\"%s\" bandwidth=\"%s\" sku=\"%s\">"
			 LINKS "</circuit>\n%s" TAIL, lc->prov, lc->bw, lc->sku,
			 vnets_on_c(vn, sizeof vn, lc->limit + extra));
		ers_diag_init(&d);
		/* Gateways are fine: each VNet has one circuit. */
		if (!extra) {
			ck_assert_msg(check_xml(xml, &d) == ERS_OK, "%s %s with %d links:%s",
				      lc->sku, lc->bw, lc->limit, diag_dump(&d));
		} else {
			ck_assert_int_eq(check_xml(xml, &d), ERS_ESCENARIO);
			snprintf(want, sizeof want, "has %d VNet links", lc->limit + 1);
			ck_assert_msg(ers_diag_has(&d, want), "%s", diag_dump(&d));
			snprintf(want, sizeof want, "over the limit of %d", lc->limit);
			ck_assert_msg(ers_diag_has(&d, want), "%s", diag_dump(&d));
		}
		ers_diag_release(&d);
	}
}
END_TEST

/* Global Reach connections use the same slots as VNet links. */
START_TEST(test_check_global_reach_counts_as_vnet_link)
{
	static char xml[65536], vn[60000];
	struct ers_diag d;

	snprintf(xml, sizeof xml, HEAD CIRCUIT("c", "amsterdam", "eq", "1Gbps", "standard")
		 CIRCUIT("l", "london", "eq", "1Gbps", "standard")
		 "%s  <global-reach a=\"c\" b=\"l\"/>\n" TAIL, vnets_on_c(vn, sizeof vn, 10));
	ers_diag_init(&d);
	ck_assert_int_eq(check_xml(xml, &d), ERS_ESCENARIO);
	ck_assert_msg(ers_diag_has(&d, "circuit 'c' has 11 VNet links (10 connections, 1 Global Reach)"),
		      "%s", diag_dump(&d));
	ck_assert_uint_eq(d.n_msgs, 1);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_check_unknown_location_suggests_spelling)
{
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(check_xml(HEAD CIRCUIT("c", "Amsterdam", "eq", "1Gbps", "standard") TAIL, &d),
			 ERS_ESCENARIO);
	ck_assert_uint_eq(d.n_msgs, 1);
	ck_assert_str_eq(d.msgs[0].text, "circuit 'c': unknown peering location or metro 'Amsterdam'");
	ck_assert_ptr_nonnull(d.msgs[0].hint);
	ck_assert_msg(strstr(d.msgs[0].hint, "did you mean 'amsterdam'"), "%s", d.msgs[0].hint);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_check_reach_message_names_both_ends)
{
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(check_xml(HEAD CIRCUIT("er-ams", "amsterdam", "eq", "1Gbps", "standard")
				   "  <vnet id=\"x\" region=\"eastus\" prefix=\"10.1.0.0/16\">"
				   "<connection circuit=\"er-ams\"/></vnet>\n" TAIL, &d),
			 ERS_ESCENARIO);
	ck_assert_uint_eq(d.n_msgs, 1);
	ck_assert_str_eq(d.msgs[0].text,
			 "connection from vnet 'x' (region 'eastus', North America) to circuit "
			 "'er-ams' (standard, Amsterdam, Europe) breaks the standard SKU's reach");
	ck_assert_str_eq(d.msgs[0].hint,
			 "standard circuits reach only regions in their geopolitical region; "
			 "use sku=\"premium\" or a circuit in North America");
	ck_assert_int_eq(d.msgs[0].line, 6);
	ers_diag_release(&d);
}
END_TEST

/* Every problem is reported, not just the first. */
START_TEST(test_check_reports_every_problem)
{
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(check_xml(HEAD CIRCUIT("a", "amsterdam", "eq", "300Mbps", "standard")
				   CIRCUIT("b", "dallas", "eq", "1Gbps", "local")
				   "  <vnet id=\"x\" region=\"eastus\" prefix=\"192.168.0.0/16\">"
				   "<connection circuit=\"a\"/></vnet>\n"
				   "  <global-reach a=\"a\" b=\"b\"/>\n" TAIL, &d),
			 ERS_ESCENARIO);
	ck_assert_msg(ers_diag_has(&d, "bandwidth 300Mbps"), "%s", diag_dump(&d));
	ck_assert_msg(ers_diag_has(&d, "is local but Dallas offers no local region"), "%s", diag_dump(&d));
	ck_assert_msg(ers_diag_has(&d, "breaks the standard SKU's reach"), "%s", diag_dump(&d));
	ck_assert_msg(ers_diag_has(&d, "circuit 'b' is local"), "%s", diag_dump(&d));
	ck_assert_msg(ers_diag_has(&d, "overlaps vnet 'x'"), "%s", diag_dump(&d));
	ers_diag_release(&d);
}
END_TEST

/* A metro circuit lands at both of its locations: Global Reach with a
 * circuit at either one is at the same location; with another city not. */
START_TEST(test_check_global_reach_metro_locations)
{
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(check_xml(HEAD CIRCUIT("m", "amsterdam-metro", "eq", "1Gbps", "standard")
				   CIRCUIT("a2", "amsterdam2", "eq", "1Gbps", "standard")
				   CIRCUIT("l", "london", "eq", "1Gbps", "standard")
				   "  <global-reach a=\"m\" b=\"a2\"/>\n"
				   "  <global-reach a=\"m\" b=\"l\"/>\n" TAIL, &d),
			 ERS_ESCENARIO);
	ck_assert_uint_eq(d.n_msgs, 1);
	ck_assert_msg(diag_at(&d, 8, "both circuits are at peering location"), "%s", diag_dump(&d));
	ers_diag_release(&d);
}
END_TEST

/* Identical prefixes from two sites are anycast and allowed; a site may
 * hold an aggregate and its more-specifics. */
START_TEST(test_check_site_prefixes_that_may_coexist)
{
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_msg(check_xml(HEAD
				"  <site id=\"dr\" asn=\"65020\"><router id=\"ce1\"/>"
				"<prefix>192.168.10.0/24</prefix><prefix>172.16.0.0/12</prefix>"
				"<prefix>172.16.1.0/24</prefix></site>\n"
				"  <site id=\"blk\" asn=\"65030\"><router id=\"ce1\"/>"
				"<prefix-block start=\"10.128.0.0/24\" count=\"256\"/></site>\n"
				"  <vnet id=\"x\" region=\"westeurope\" prefix=\"10.129.0.0/16\"/>\n" TAIL,
				&d) == ERS_OK, "%s", diag_dump(&d));
	ers_diag_release(&d);
	/* One more /24 and the block reaches into the VNet. */
	ers_diag_init(&d);
	ck_assert_int_eq(check_xml(HEAD
				   "  <site id=\"blk\" asn=\"65030\"><router id=\"ce1\"/>"
				   "<prefix-block start=\"10.128.0.0/24\" count=\"257\"/></site>\n"
				   "  <vnet id=\"x\" region=\"westeurope\" prefix=\"10.129.0.0/16\"/>\n" TAIL,
				   &d), ERS_ESCENARIO);
	ck_assert_msg(ers_diag_has(&d, "site 'blk' prefix prefix-block 10.128.0.0/24 x257 overlaps vnet 'x'"),
		      "%s", diag_dump(&d));
	ers_diag_release(&d);
}
END_TEST

/* National clouds reach only their own regions, whatever the SKU; within
 * the national geo the usual SKU rules apply. */
START_TEST(test_check_national_cloud_isolation)
{
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_msg(check_xml(HEAD CIRCUIT("gov", "dallas-gov", "eq", "1Gbps", "standard")
				"  <vnet id=\"tx\" region=\"usgovtexas\" prefix=\"10.1.0.0/16\">"
				"<connection circuit=\"gov\"/></vnet>\n" TAIL, &d) == ERS_OK,
		      "%s", diag_dump(&d));
	ers_diag_release(&d);
	ers_diag_init(&d);
	ck_assert_int_eq(check_xml(HEAD CIRCUIT("gov", "dallas-gov", "eq", "1Gbps", "premium")
				   "  <vnet id=\"eus\" region=\"eastus\" prefix=\"10.1.0.0/16\">"
				   "<connection circuit=\"gov\"/></vnet>\n" TAIL, &d), ERS_ESCENARIO);
	ck_assert_uint_eq(d.n_msgs, 1);
	ck_assert_msg(diag_at(&d, 6, "to circuit 'gov' (premium, Dallas (US Gov), US Government) "
			      "crosses a national cloud boundary"), "%s", diag_dump(&d));
	ers_diag_release(&d);
}
END_TEST

/* max-prefix may lower the SKU's limit, not raise it. */
START_TEST(test_check_max_prefix_up_to_sku_limit)
{
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_msg(check_xml(HEAD "  <circuit id=\"c\" location=\"amsterdam\" provider=\"eq\" "
				"bandwidth=\"1Gbps\" sku=\"premium\">" LINKS
				"<private-peering max-prefix=\"10000\"/></circuit>\n"
				"  <circuit id=\"s\" location=\"london\" provider=\"eq\" "
				"bandwidth=\"1Gbps\" sku=\"standard\">" LINKS
				"<private-peering max-prefix=\"100\"/></circuit>\n" TAIL, &d) == ERS_OK,
		      "%s", diag_dump(&d));
	ers_diag_release(&d);
	ers_diag_init(&d);
	ck_assert_int_eq(check_xml(HEAD "  <circuit id=\"c\" location=\"amsterdam\" provider=\"eq\" "
				   "bandwidth=\"1Gbps\" sku=\"premium\">" LINKS
				   "<private-peering max-prefix=\"10001\"/></circuit>\n" TAIL, &d),
			 ERS_ESCENARIO);
	ck_assert_msg(ers_diag_has(&d, "max-prefix 10001 is over the premium SKU's limit of 10000"),
		      "%s", diag_dump(&d));
	ers_diag_release(&d);
}
END_TEST

static const struct gw_case {
	const char *sku;
	int limit;			/* circuits (facts 8.1) */
} gw_cases[] = {
	{ "standard", 4 }, { "ergw1az", 4 }, { "highperformance", 8 },
	{ "ergw2az", 8 }, { "ultraperformance", 16 }, { "ergw3az", 16 },
};

/* Circuits at different locations (four per location at most), up to the
 * gateway SKU's limit and one past it. */
START_TEST(test_check_gateway_circuit_limit)
{
	static const char *const locs[] = { "amsterdam", "london", "frankfurt", "paris", "dublin" };
	const struct gw_case *gc = &gw_cases[_i];
	static char xml[32768];
	char conns[4096], circs[16384], want[128];
	struct ers_diag d;

	for (int extra = 0; extra <= 1; extra++) {
		size_t uc = 0, uv = 0;
		int n = gc->limit + extra;

		for (int i = 0; i < n; i++) {
			uc += (size_t)snprintf(circs + uc, sizeof circs - uc,
					       "  <circuit id=\"c%d\" location=\"%s\" provider=\"eq\" "
					       "bandwidth=\"1Gbps\" sku=\"standard\" msee-pair=\"%d\">"
					       LINKS "</circuit>\n", i, locs[i % 5], i / 5 + 1);
			uv += (size_t)snprintf(conns + uv, sizeof conns - uv,
					       "<connection circuit=\"c%d\"/>", i);
		}
		snprintf(xml, sizeof xml, HEAD "%s  <vnet id=\"x\" region=\"westeurope\" "
			 "prefix=\"10.1.0.0/16\"><gateway sku=\"%s\"/>%s</vnet>\n" TAIL,
			 circs, gc->sku, conns);
		ers_diag_init(&d);
		if (!extra) {
			ck_assert_msg(check_xml(xml, &d) == ERS_OK, "%s:%s", gc->sku, diag_dump(&d));
		} else {
			ck_assert_int_eq(check_xml(xml, &d), ERS_ESCENARIO);
			snprintf(want, sizeof want, "vnet 'x' connects %d circuits, more than its "
				 "gateway allows (%d)", n, gc->limit);
			ck_assert_msg(ers_diag_has(&d, want), "%s", diag_dump(&d));
		}
		ers_diag_release(&d);
	}
}
END_TEST

START_TEST(test_check_reserved_asns)
{
	static const char *const asns[] = { "12076", "23456", "65515", "65517", "65520" };
	char xml[2048], want[64];
	struct ers_diag d;

	for (size_t i = 0; i < sizeof asns / sizeof asns[0]; i++) {
		snprintf(xml, sizeof xml, "<scenario name=\"t\">\n"
			 "  <site id=\"dc\" asn=\"%s\"><router id=\"ce1\"/></site>\n" TAIL, asns[i]);
		ers_diag_init(&d);
		ck_assert_int_eq(check_xml(xml, &d), ERS_ESCENARIO);
		snprintf(want, sizeof want, "site 'dc' uses reserved ASN %s", asns[i]);
		ck_assert_msg(diag_at(&d, 2, want), "%s", diag_dump(&d));
		ers_diag_release(&d);
	}
	/* The neighbours of the reserved range are fine. */
	ers_diag_init(&d);
	ck_assert_int_eq(check_xml("<scenario name=\"t\">\n"
				   "  <site id=\"a\" asn=\"65514\"><router id=\"ce1\"/></site>\n"
				   "  <site id=\"b\" asn=\"65521\"><router id=\"ce1\"/></site>\n" TAIL, &d),
			 ERS_OK);
	ers_diag_release(&d);
}
END_TEST

Suite *make_check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("files");
	TCase *in = tcase_create("inline");

	list_files(&bad_files, "tests/bad/*.xml");
	list_files(&good_files, "tests/good/*.xml");
	tcase_add_test(tc, test_check_found_test_files);
	tcase_add_loop_test(tc, test_check_bad_file_rejected, 0, (int)bad_files.n);
	tcase_add_loop_test(tc, test_check_good_file_accepted, 0, (int)good_files.n);
	tcase_add_test(tc, test_check_open_missing_file);
	suite_add_tcase(s, tc);

	tcase_set_timeout(in, 30);
	tcase_add_loop_test(in, test_check_vnet_link_limit_by_sku_and_bandwidth, 0,
			    (int)(sizeof link_cases / sizeof link_cases[0]));
	tcase_add_test(in, test_check_global_reach_counts_as_vnet_link);
	tcase_add_test(in, test_check_unknown_location_suggests_spelling);
	tcase_add_test(in, test_check_reach_message_names_both_ends);
	tcase_add_test(in, test_check_reports_every_problem);
	tcase_add_test(in, test_check_global_reach_metro_locations);
	tcase_add_test(in, test_check_site_prefixes_that_may_coexist);
	tcase_add_loop_test(in, test_check_gateway_circuit_limit, 0,
			    (int)(sizeof gw_cases / sizeof gw_cases[0]));
	tcase_add_test(in, test_check_reserved_asns);
	tcase_add_test(in, test_check_national_cloud_isolation);
	tcase_add_test(in, test_check_max_prefix_up_to_sku_limit);
	suite_add_tcase(s, in);
	return s;
}
