/*
 * check_catalog.c - the builtin Azure geography (data/geography.xml as
 * embedded), merging a scenario's <geography> over it, the diagnostics for
 * bad entries, and the distance and latency that links get from it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "ersim/catalog.h"
#include "../sim/catalog_xml.h"

static struct ers_catalog *builtin;

static void setup(void)
{
	builtin = ers_catalog_builtin();
	ck_assert_ptr_nonnull(builtin);
}

static void teardown(void)
{
	ers_catalog_free(builtin);
	builtin = NULL;
}

/* Parse a <geography> document held in text as file "what-if.xml". */
static enum ers_err parse_text(const char *text, struct ers_catalog *out,
			       struct ers_diag *d)
{
	xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "what-if.xml",
				      NULL, XML_PARSE_NONET);
	enum ers_err rc;

	ck_assert_ptr_nonnull(doc);
	memset(out, 0, sizeof *out);
	rc = ers_catalog_parse_geography(out, xmlDocGetRootElement(doc),
					 "what-if.xml", d);
	xmlFreeDoc(doc);
	return rc;
}

START_TEST(test_catalog_builtin_loads_clean)
{
	struct ers_catalog *c = NULL;
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_catalog_builtin_load(&c, &d), ERS_OK);
	ck_assert_uint_eq(d.n_msgs, 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_ge(c->n_regions, 40);
	ck_assert_uint_ge(c->n_locations, 45);
	ck_assert_uint_ge(c->n_metros, 3);
	ck_assert_str_eq(c->file, "data/geography.xml");
	ers_catalog_free(c);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_catalog_builtin_has_every_geo_region)
{
	static const char *const commercial[] = {
		"europe", "northamerica", "asia", "india", "israel", "japan",
		"oceania", "southkorea", "uae", "southafrica", "southamerica",
		"qatar", "australiagovernment",
	};
	static const char *const national[] = {
		"usgovernment", "chinaeast", "chinanorth",
	};

	for (size_t i = 0; i < sizeof commercial / sizeof *commercial; i++) {
		const struct ers_geo_region *g = ers_catalog_geo(builtin, commercial[i]);

		ck_assert_msg(g, "geo-region '%s' missing", commercial[i]);
		ck_assert(!g->national);
	}
	for (size_t i = 0; i < sizeof national / sizeof *national; i++) {
		const struct ers_geo_region *g = ers_catalog_geo(builtin, national[i]);

		ck_assert_msg(g, "geo-region '%s' missing", national[i]);
		ck_assert(g->national);
	}
	ck_assert_str_eq(ers_catalog_geo(builtin, "northamerica")->name, "North America");
	ck_assert_ptr_null(ers_catalog_geo(builtin, "atlantis"));
}
END_TEST

START_TEST(test_catalog_builtin_amsterdam)
{
	const struct ers_location *l = ers_catalog_location(builtin, "amsterdam");
	const struct ers_metro *m = ers_catalog_metro(builtin, "amsterdam-metro");

	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(l->name, "Amsterdam");
	ck_assert_str_eq(l->geo, "europe");
	ck_assert_int_eq(l->zone, 1);
	ck_assert_uint_eq(l->n_local_regions, 1);
	ck_assert_str_eq(l->local_regions[0], "westeurope");
	ck_assert(l->global_reach);
	ck_assert(l->direct);
	ck_assert(!l->national);
	ck_assert_double_eq_tol(l->lat, 52.37, 0.1);
	ck_assert_double_eq_tol(l->lon, 4.90, 0.1);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->locations[0], "amsterdam");
	ck_assert_str_eq(m->locations[1], "amsterdam2");
	ck_assert_str_eq(m->geo, "europe");
}
END_TEST

START_TEST(test_catalog_builtin_regions_and_communities)
{
	static const struct { const char *id, *geo; uint32_t community; } cases[] = {
		{ "westeurope", "europe", 50002 },
		{ "northeurope", "europe", 50003 },
		{ "eastus", "northamerica", 50004 },
		{ "eastus2", "northamerica", 50005 },
		{ "westus2", "northamerica", 50026 },
		{ "westcentralus", "northamerica", 50027 },
		{ "centralindia", "india", 50017 },
		{ "westindia", "india", 50018 },
		{ "southindia", "india", 50019 },
		{ "germanywestcentral", "europe", 50041 },
		{ "swedencentral", "europe", 0 },
		{ "usgovvirginia", "usgovernment", 51105 },
		{ "chinanorth2", "chinanorth", 51304 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct ers_region *r = ers_catalog_region(builtin, cases[i].id);

		ck_assert_msg(r, "region '%s' missing", cases[i].id);
		ck_assert_str_eq(r->geo, cases[i].geo);
		ck_assert_uint_eq(r->community, cases[i].community);
	}
	ck_assert_str_eq(ers_catalog_region(builtin, "westeurope")->name, "West Europe");
}
END_TEST

START_TEST(test_catalog_builtin_zones_and_global_reach)
{
	const struct ers_location *q = ers_catalog_location(builtin, "queretaro");
	const struct ers_location *jnb = ers_catalog_location(builtin, "johannesburg");
	const struct ers_location *cpt = ers_catalog_location(builtin, "capetown");
	const struct ers_location *wdc = ers_catalog_location(builtin, "washingtondc");

	ck_assert_int_eq(q->zone, 4);
	ck_assert_str_eq(q->local_regions[0], "mexicocentral");
	ck_assert(!q->global_reach);			/* Mexico is not listed */
	ck_assert_int_eq(ers_catalog_location(builtin, "singapore")->zone, 2);
	ck_assert_int_eq(ers_catalog_location(builtin, "saopaulo")->zone, 3);
	ck_assert(jnb->global_reach);
	ck_assert(!cpt->global_reach);			/* South Africa: Johannesburg only */
	ck_assert_int_eq(jnb->zone, 3);
	ck_assert(!ers_catalog_location(builtin, "marseille")->direct);
	ck_assert(!ers_catalog_location(builtin, "madrid")->global_reach);
	ck_assert(ers_catalog_location(builtin, "london")->global_reach);
	ck_assert_uint_eq(wdc->n_local_regions, 2);
	ck_assert_str_eq(wdc->local_regions[0], "eastus");
	ck_assert_str_eq(wdc->local_regions[1], "eastus2");
	ck_assert_str_eq(ers_catalog_location(builtin, "newport")->name, "Newport (Wales)");
}
END_TEST

START_TEST(test_catalog_builtin_national_clouds)
{
	const struct ers_region *va = ers_catalog_region(builtin, "usgovvirginia");
	const struct ers_location *gov = ers_catalog_location(builtin, "washingtondc-gov");
	const struct ers_location *sh = ers_catalog_location(builtin, "shanghai");

	ck_assert(va->national);
	ck_assert_str_eq(va->geo, "usgovernment");
	ck_assert_ptr_nonnull(gov);
	ck_assert(gov->national);
	ck_assert_str_eq(gov->geo, "usgovernment");
	ck_assert(!ers_catalog_location(builtin, "washingtondc")->national);
	ck_assert(sh->national);
	ck_assert_str_eq(sh->geo, "chinaeast");
	ck_assert(ers_catalog_region(builtin, "chinaeast")->national);
	ck_assert(!ers_catalog_region(builtin, "westeurope")->national);
}
END_TEST

START_TEST(test_catalog_builtin_metros)
{
	static const char *const metros[] = {
		"amsterdam", "singapore", "zurich", "atlanta", "chicago", "dallas",
		"newyork", "siliconvalley", "toronto", "washingtondc",
	};

	for (size_t i = 0; i < sizeof metros / sizeof *metros; i++) {
		char id[64], second[64];
		const struct ers_metro *m;

		snprintf(id, sizeof id, "%s-metro", metros[i]);
		snprintf(second, sizeof second, "%s2", metros[i]);
		m = ers_catalog_metro(builtin, id);
		ck_assert_msg(m, "metro '%s' missing", id);
		ck_assert_str_eq(m->locations[0], metros[i]);
		ck_assert_str_eq(m->locations[1], second);
		ck_assert_ptr_nonnull(ers_catalog_location(builtin, second));
	}
}
END_TEST

/* Every entry is found through the index, at its own position. */
START_TEST(test_catalog_lookup_finds_every_entry)
{
	for (size_t i = 0; i < builtin->n_regions; i++)
		ck_assert_ptr_eq(ers_catalog_region(builtin, builtin->regions[i].id),
				 &builtin->regions[i]);
	for (size_t i = 0; i < builtin->n_locations; i++)
		ck_assert_ptr_eq(ers_catalog_location(builtin, builtin->locations[i].id),
				 &builtin->locations[i]);
	for (size_t i = 0; i < builtin->n_geos; i++)
		ck_assert_ptr_eq(ers_catalog_geo(builtin, builtin->geos[i].id),
				 &builtin->geos[i]);
	ck_assert_ptr_null(ers_catalog_location(builtin, "westeurope"));
	ck_assert_ptr_null(ers_catalog_region(builtin, "amsterdam"));
	ck_assert_ptr_null(ers_catalog_metro(builtin, "amsterdam"));
	ck_assert_ptr_null(ers_catalog_location(builtin, ""));
	ck_assert_ptr_null(ers_catalog_location(NULL, "amsterdam"));
}
END_TEST

static const char what_if[] =
	"<geography>\n"
	"  <geo-region id=\"europe\">\n"
	"    <location id=\"amsterdam\" lat=\"52.30\" lon=\"4.80\" zone=\"2\"\n"
	"              local-regions=\"northeurope\"/>\n"
	"    <region id=\"icelandeast\" lat=\"64.15\" lon=\"-21.94\" community=\"12076:50099\"/>\n"
	"    <location id=\"reykjavik\" name=\"Reykjavik\" lat=\"64.15\" lon=\"-21.94\"\n"
	"              local-regions=\"icelandeast\" global-reach=\"false\"/>\n"
	"    <location id=\"dublin\" zone=\"3\"/>\n"
	"  </geo-region>\n"
	"  <geo-region id=\"usgovernment\">\n"
	"    <location id=\"denver-gov\" lat=\"39.74\" lon=\"-104.99\"/>\n"
	"  </geo-region>\n"
	"  <geo-region id=\"antarctica\" name=\"Antarctica\" national=\"true\">\n"
	"    <region id=\"southpole\" lat=\"-90\" lon=\"0\"/>\n"
	"  </geo-region>\n"
	"</geography>\n";

START_TEST(test_catalog_merge_overrides_and_adds)
{
	struct ers_catalog over, *m;
	const struct ers_location *ams, *rey, *dub, *den;
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(parse_text(what_if, &over, &d), ERS_OK);
	ck_assert_uint_eq(d.n_msgs, 0);
	m = ers_catalog_merge(builtin, &over);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(ers_catalog_check(m, &d), ERS_OK);
	ck_assert_uint_eq(d.n_msgs, 0);

	ck_assert_uint_eq(m->n_locations, builtin->n_locations + 2);
	ck_assert_uint_eq(m->n_regions, builtin->n_regions + 2);
	ck_assert_uint_eq(m->n_geos, builtin->n_geos + 1);
	/* a container <geo-region> does not rename the builtin one */
	ck_assert_str_eq(ers_catalog_geo(m, "europe")->name, "Europe");

	ams = ers_catalog_location(m, "amsterdam");	/* replaced: defaults apply */
	ck_assert_int_eq(ams->zone, 2);
	ck_assert_str_eq(ams->local_regions[0], "northeurope");
	ck_assert_str_eq(ams->name, "amsterdam");
	ck_assert_double_eq_tol(ams->lon, 4.80, 1e-9);
	ck_assert_int_eq(ers_catalog_location(builtin, "amsterdam")->zone, 1);

	rey = ers_catalog_location(m, "reykjavik");	/* added */
	ck_assert_ptr_nonnull(rey);
	ck_assert(!rey->global_reach);
	ck_assert(!rey->national);
	ck_assert_uint_eq(ers_catalog_region(m, "icelandeast")->community, 50099);

	dub = ers_catalog_location(m, "dublin");	/* no lat/lon: kept */
	ck_assert_int_eq(dub->zone, 3);
	ck_assert_double_eq_tol(dub->lat, 53.35, 0.1);

	den = ers_catalog_location(m, "denver-gov");	/* national from its geo */
	ck_assert(den->national);
	ck_assert(ers_catalog_region(m, "southpole")->national);
	ck_assert(ers_catalog_geo(m, "antarctica")->national);
	ck_assert_ptr_nonnull(ers_catalog_metro(m, "zurich-metro"));

	ers_catalog_free(m);
	ers_catalog_release(&over);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_catalog_merge_replaces_geo_with_name)
{
	static const char text[] =
		"<geography><geo-region id=\"europe\" name=\"Old Europe\" national=\"false\"/>"
		"</geography>";
	struct ers_catalog over, *m;
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(parse_text(text, &over, &d), ERS_OK);
	m = ers_catalog_merge(builtin, &over);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(ers_catalog_geo(m, "europe")->name, "Old Europe");
	ck_assert_uint_eq(m->n_geos, builtin->n_geos);
	ers_catalog_free(m);
	ers_catalog_release(&over);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_catalog_check_reports_dangling_ids)
{
	static const char text[] =
		"<geography>\n"
		"  <geo-region id=\"europe\">\n"
		"    <location id=\"faro\" lat=\"37.02\" lon=\"-7.93\" local-regions=\"portugalsouth\"/>\n"
		"    <metro id=\"faro-metro\" locations=\"faro faro2\"/>\n"
		"    <location id=\"porto\"/>\n"
		"  </geo-region>\n"
		"</geography>\n";
	struct ers_catalog over, *m;
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(parse_text(text, &over, &d), ERS_OK);
	m = ers_catalog_merge(builtin, &over);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(ers_catalog_check(m, &d), ERS_ESCENARIO);
	ck_assert_uint_eq(d.n_msgs, 3);
	ck_assert_str_eq(d.msgs[0].text, "unknown local region 'portugalsouth' for location 'faro'");
	ck_assert_str_eq(d.msgs[0].file, "what-if.xml");
	ck_assert_int_eq(d.msgs[0].line, 3);
	ck_assert_str_eq(d.msgs[1].text, "location 'porto' has no coordinates");
	ck_assert_int_eq(d.msgs[1].line, 5);
	ck_assert_str_eq(d.msgs[2].text, "unknown location 'faro2' in metro 'faro-metro'");
	ck_assert_int_eq(d.msgs[2].line, 4);
	ers_catalog_free(m);
	ers_catalog_release(&over);
	ers_diag_release(&d);
}
END_TEST

/* One bad entry per case: the message and the line it is reported at. */
static const struct bad_case {
	const char *entry;		/* on line 3 of the document */
	const char *text;
	const char *hint;		/* substring, or NULL */
} bad_cases[] = {
	{ "<location id=\"x\" lat=\"95\" lon=\"4\"/>",
	  "bad latitude '95' for location 'x' (expected -90 to 90)", "north positive" },
	{ "<region id=\"r\" lat=\"1\" lon=\"-200\"/>",
	  "bad longitude '-200' for region 'r' (expected -180 to 180)", "east positive" },
	{ "<location id=\"x\" lat=\"1\" lon=\"2\" zone=\"5\"/>",
	  "bad zone '5' for location 'x'", "1, 2, 3 and 4" },
	{ "<location id=\"x\" lat=\"1\" lon=\"2\" zone=\"0\"/>",
	  "bad zone '0' for location 'x'", NULL },
	{ "<region id=\"r\" lat=\"1\" lon=\"2\" community=\"12076:abc\"/>",
	  "bad community '12076:abc' for region 'r'", "12076:VALUE" },
	{ "<region id=\"r\" lat=\"1\" lon=\"2\" community=\"65000:50002\"/>",
	  "bad community '65000:50002' for region 'r'", NULL },
	{ "<region id=\"r\" lat=\"1\" lon=\"2\" community=\"12076:70000\"/>",
	  "bad community '12076:70000' for region 'r'", NULL },
	{ "<metro id=\"m\" locations=\"a b c\"/>",
	  "metro 'm' must list exactly two locations (found 3)", "amsterdam amsterdam2" },
	{ "<metro id=\"m\" locations=\"a\"/>",
	  "metro 'm' must list exactly two locations (found 1)", NULL },
	{ "<metro id=\"m\"/>",
	  "metro 'm' must list exactly two locations (found 0)", NULL },
	{ "<metro id=\"m\" locations=\"a a\"/>",
	  "metro 'm' lists location 'a' twice", NULL },
	{ "<location id=\"x\" lat=\"1\" lon=\"2\" global-reach=\"maybe\"/>",
	  "bad global-reach 'maybe' for 'x'", "true or false" },
	{ "<location id=\"x\" lat=\"north\" lon=\"2\"/>",
	  "bad latitude 'north' for location 'x' (expected -90 to 90)", NULL },
	{ "<location id=\"x\" lat=\"1\"/>",
	  "location 'x' has lat without lon", "give both" },
	{ "<location lat=\"1\" lon=\"2\"/>", "<location> without id", "non-empty id" },
	{ "<site id=\"s\"/>", "unexpected <site> in <geo-region>", NULL },
	{ "<location id=\"x\" lat=\"1\" lon=\"2\"/><location id=\"x\" lat=\"1\" lon=\"2\"/>",
	  "duplicate location 'x'", "first defined at line 3" },
};

START_TEST(test_catalog_parse_reports_bad_values)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct ers_catalog c;
	struct ers_diag d;
	char text[512];

	snprintf(text, sizeof text,
		 "<geography>\n  <geo-region id=\"europe\">\n    %s\n  </geo-region>\n</geography>\n",
		 bc->entry);
	ers_diag_init(&d);
	ck_assert_int_eq(parse_text(text, &c, &d), ERS_ESCENARIO);
	ck_assert_uint_eq(d.n_msgs, 1);
	ck_assert_str_eq(d.msgs[0].text, bc->text);
	ck_assert_str_eq(d.msgs[0].file, "what-if.xml");
	ck_assert_int_eq(d.msgs[0].line, 3);
	if (bc->hint)
		ck_assert_msg(d.msgs[0].hint && strstr(d.msgs[0].hint, bc->hint),
			      "hint '%s' lacks '%s'", d.msgs[0].hint, bc->hint);
	ers_catalog_release(&c);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_catalog_parse_reports_every_problem)
{
	static const char text[] =
		"<geography>\n"
		"  <geo-region id=\"europe\" national=\"perhaps\">\n"
		"    <location id=\"a\" lat=\"91\" lon=\"181\" zone=\"9\"/>\n"
		"  </geo-region>\n"
		"  <region id=\"stray\"/>\n"
		"</geography>\n";
	struct ers_catalog c;
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(parse_text(text, &c, &d), ERS_ESCENARIO);
	ck_assert_uint_eq(d.n_msgs, 5);
	ck_assert_str_eq(d.msgs[0].text, "bad national 'perhaps' for 'europe'");
	ck_assert_int_eq(d.msgs[0].line, 2);
	ck_assert(ers_diag_has(&d, "bad latitude '91'"));
	ck_assert(ers_diag_has(&d, "bad longitude '181'"));
	ck_assert(ers_diag_has(&d, "bad zone '9'"));
	ck_assert_str_eq(d.msgs[4].text, "unexpected <region> in <geography>");
	ck_assert_int_eq(d.msgs[4].line, 5);
	ers_catalog_release(&c);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_catalog_distance_amsterdam_dublin)
{
	const struct ers_location *a = ers_catalog_location(builtin, "amsterdam");
	const struct ers_location *b = ers_catalog_location(builtin, "dublin");
	double km = ers_geo_distance_km(a->lat, a->lon, b->lat, b->lon);

	ck_assert_double_eq_tol(km, 755.0, 15.0);
	ck_assert_double_eq_tol(ers_geo_distance_km(b->lat, b->lon, a->lat, a->lon), km, 1e-9);
	ck_assert_double_eq_tol(ers_geo_distance_km(10, 20, 10, 20), 0.0, 1e-9);
	/* a quarter meridian: pi/2 * 6371 */
	ck_assert_double_eq_tol(ers_geo_distance_km(0, 0, 90, 0), 10007.54, 0.01);
	ck_assert_double_eq_tol(ers_geo_distance_km(0, 0, 0, 180), 20015.09, 0.01);
}
END_TEST

START_TEST(test_catalog_latency)
{
	/* 1000 km * 1.5 / 204190 km/s = 7.346099 ms */
	ck_assert_int_eq(ers_geo_latency(1000.0), 7346099);
	ck_assert_int_eq(ers_geo_latency(0.0), 0);
	ck_assert_int_eq(ers_geo_latency(-5.0), 0);
	ck_assert_int_eq(ers_geo_latency(204190.0 / 1.5), ERS_S);
}
END_TEST

Suite *make_catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("builtin");
	TCase *tp = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_catalog_builtin_loads_clean);
	tcase_add_test(tc, test_catalog_builtin_has_every_geo_region);
	tcase_add_test(tc, test_catalog_builtin_amsterdam);
	tcase_add_test(tc, test_catalog_builtin_regions_and_communities);
	tcase_add_test(tc, test_catalog_builtin_zones_and_global_reach);
	tcase_add_test(tc, test_catalog_builtin_national_clouds);
	tcase_add_test(tc, test_catalog_builtin_metros);
	tcase_add_test(tc, test_catalog_lookup_finds_every_entry);
	tcase_add_test(tc, test_catalog_merge_overrides_and_adds);
	tcase_add_test(tc, test_catalog_merge_replaces_geo_with_name);
	tcase_add_test(tc, test_catalog_check_reports_dangling_ids);
	tcase_add_test(tc, test_catalog_distance_amsterdam_dublin);
	tcase_add_test(tc, test_catalog_latency);
	suite_add_tcase(s, tc);

	tcase_add_loop_test(tp, test_catalog_parse_reports_bad_values, 0,
			    (int)(sizeof bad_cases / sizeof *bad_cases));
	tcase_add_test(tp, test_catalog_parse_reports_every_problem);
	suite_add_tcase(s, tp);
	return s;
}
