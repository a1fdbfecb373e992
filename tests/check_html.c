/*
 * check_html.c - the HTML reports (sim/html_*.c) and the renderer
 * plumbing under them (plot.c): the run page of a hand-made result has
 * the tables, one timeline per flow, the event bars, no external URL,
 * and a visible note for each picture whose renderer is missing; the
 * compare and batch pages from plain inputs; `ersim run --report` through
 * the built binary ($ERSIM). The tests that check pictures need Graphviz
 * and gnuplot and fail when they are missing (tools/deps.sh and .ci/run
 * install them): a suite that passed without them would say nothing
 * about the pictures. Missing renderers are simulated with
 * ERS_HTML_NO_* or an empty PATH. tests/browser/run.sh looks at the
 * pages in a browser.
 *
 * With ERS_HTML_SAMPLES=DIR the sample comparison and batch pages are
 * also written to DIR for the browser test.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ersim/compare.h"
#include "ersim/html_report.h"
#include "ersim/plot.h"
#include "ersim/result.h"
#include "ersim/run.h"
#include "test_util.h"

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void set_path(struct ers_path_entry *p, ers_time_t from, double share,
		     enum ers_path_status st, const char *const *nodes, size_t n)
{
	p->from = from;
	p->share = share;
	p->status = st;
	ck_assert_int_eq(ers_strv_dup((char *const *)nodes, n, &p->nodes), ERS_OK);
	p->n_nodes = n;
}

/* Two flows, two events; the "app" flow loses half its paths at 60 s,
 * "replication" is blackholed from 60 s on. */
static struct ers_result *sample(const char *name, ers_time_t detect)
{
	static const char *const via_a[] = { "ams-dc/ce1", "amsterdam-1/a", "hub-weu/gw" };
	static const char *const via_b[] = { "ams-dc/ce1", "amsterdam-1/b", "hub-weu/gw" };
	static const char *const dead[] = { "ams-dc/ce1" };
	static const char *const eps[] = { "ams-dc", "dal-dc", "hub-weu" };
	struct ers_result *r = ers_result_new();
	struct ers_flow_result *f;

	ck_assert_ptr_nonnull(r);
	r->scenario = xstrdup(name);
	r->seed = 7;
	r->n_routers = 8;
	r->n_links = 9;
	r->n_sessions = 9;
	r->initial_convergence = 293 * ERS_MS;
	r->end = 600 * ERS_S;
	r->n_events = 2;
	r->events = xcalloc(2, sizeof *r->events);
	r->events[0] = (struct ers_event_result){ 60 * ERS_S, xstrdup("fail"),
		xstrdup("link:er-ams/primary"), 60 * ERS_S + detect, 61 * ERS_S + detect, 6, 6, 0, 0 };
	r->events[1] = (struct ers_event_result){ 300 * ERS_S, xstrdup("restore"),
		xstrdup("link:er-ams/primary"), ERS_TIME_NEVER, ERS_TIME_NEVER, 0, 0, 0, 0 };
	r->n_flows = 2;
	r->flows = xcalloc(2, sizeof *r->flows);
	f = &r->flows[0];
	*f = (struct ers_flow_result){ xstrdup("app"), xstrdup("ams-dc"), xstrdup("hub-weu"),
		300000000, xcalloc(3, sizeof *f->paths), 3, NULL, 0, detect, 0, 16875000, true, 0.6,
		xstrdup("link:er-ams/secondary") };
	set_path(&f->paths[0], 200 * ERS_MS, 0.5, ERS_PATH_DELIVERED, via_a, 3);
	set_path(&f->paths[1], 200 * ERS_MS, 0.5, ERS_PATH_DELIVERED, via_b, 3);
	set_path(&f->paths[2], 60 * ERS_S + detect, 1.0, ERS_PATH_DELIVERED, via_b, 3);
	f = &r->flows[1];
	*f = (struct ers_flow_result){ xstrdup("replication"), xstrdup("ams-dc"),
		xstrdup("dal-dc"), 100000000, xcalloc(2, sizeof *f->paths), 2, NULL, 0, 540 * ERS_S,
		540 * ERS_S, 6750000000ull, false, 0.1, NULL };
	set_path(&f->paths[0], 200 * ERS_MS, 1.0, ERS_PATH_DELIVERED, via_a, 3);
	set_path(&f->paths[1], 60 * ERS_S, 1.0, ERS_PATH_BLACKHOLE, dead, 1);
	ck_assert_int_eq(ers_strv_dup((char *const *)eps, 3, &r->endpoints), ERS_OK);
	r->n_endpoints = 3;
	r->reach = xcalloc(9, sizeof *r->reach);
	r->reach[0 * 3 + 2] = true;
	r->reach[2 * 3 + 0] = true;
	return r;
}

/* ---- capturing a page ---- */

struct page {
	char *text;
	size_t len;
};

static void page_free(struct page *p)
{
	free(p->text);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* No http:// or https:// outside xmlns="..." attributes. */
static void assert_no_urls(const char *html)
{
	for (const char *p = html; (p = strstr(p, "http")); p += 4) {
		bool url = !strncmp(p, "http://", 7) || !strncmp(p, "https://", 8);
		const char *q = p;

		while (q > html && q[-1] != ' ' && q[-1] != '\n')
			q--;
		if (url)
			ck_assert_msg(!strncmp(q, "xmlns", 5), "external URL: %.60s", q);
	}
}

/* The renderer a test checks pictures of: its absence fails the test. */
static void need(const char *prog, const char *package)
{
	char *p = ers_plot_find(prog);

	ck_assert_msg(p != NULL, "'%s' not found on PATH: install the Debian package %s "
		      "(tools/deps.sh does) to test the pictures", prog, package);
	free(p);
}

/* Run fn(arg) with stderr sent to a file; returns what was written
 * there (caller frees). */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
	char path[] = "/tmp/check_html_err.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char *text;
	FILE *f;
	long n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	dup2(fd, 2);
	fn(arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc((size_t)n + 1, 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(path);
	return text;
}

/* A directory for temporary files, removed by rm_dir. */
static char tmpdir[64];

static void make_dir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/check_html.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---- run page ---- */

START_TEST(test_html_run_tables_without_renderers)
{
	struct ers_result *r = sample("two-sites", 900 * ERS_MS);
	struct page p = { 0 };
	FILE *f = open_memstream(&p.text, &p.len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ers_html_write_run(f, r, NULL, NULL,
					    ERS_HTML_NO_DOT | ERS_HTML_NO_GNUPLOT), ERS_OK);
	fclose(f);
	ck_assert(strstr(p.text, "<title>ersim report: two-sites</title>"));
	/* the text report's tables */
	ck_assert(strstr(p.text, "<table class=\"events\">"));
	ck_assert(strstr(p.text, "<td>link:er-ams/primary</td>"));
	ck_assert(strstr(p.text, "<td class=\"n\">60.900 s</td>"));	/* detected */
	ck_assert(strstr(p.text, "<td class=\"n\">1.900 s</td>"));	/* convergence */
	ck_assert(strstr(p.text, "<table class=\"flows\">"));
	ck_assert(strstr(p.text, "<td class=\"path\">ams-dc/ce1 &gt; amsterdam-1/b &gt; hub-weu/gw</td>"));
	ck_assert(strstr(p.text, "<td class=\"path\">ams-dc/ce1 <b>(no route)</b></td>"));
	ck_assert(strstr(p.text, "<td class=\"n\">6.8 GB</td>"));
	ck_assert(strstr(p.text, "<table class=\"reach\">"));
	ck_assert_uint_eq(count(p.text, "<td class=\"no\">NO</td>"), 4 + 1);	/* matrix + replication */
	ck_assert(strstr(p.text, "Notices: none."));
	/* every picture replaced by a visible note */
	ck_assert(strstr(p.text, "topology picture not drawn: no scenario given"));
	ck_assert(strstr(p.text, "timeline of flow app not drawn: gnuplot not found"));
	ck_assert(strstr(p.text, "timeline of flow replication not drawn: gnuplot not found"));
	ck_assert(strstr(p.text, "event bars not drawn: gnuplot not found"));
	/* the path timelines need no renderer: drawn here, one per flow */
	ck_assert_uint_eq(count(p.text, "<figure"), 2);
	ck_assert_uint_eq(count(p.text, "<figure class=\"pic paths\""), 2);
	ck_assert(strstr(p.text, "data-name=\"paths of flow replication\""));
	/* app: the ECMP pair until the failure was detected, then one path */
	ck_assert(strstr(p.text, "<td class=\"n\">0.200 s</td><td class=\"n\">60.900 s</td>"
			 "<td class=\"n\">60.700 s</td><td class=\"n\">50%</td>"));
	ck_assert(strstr(p.text, "<td class=\"n\">60.900 s</td><td class=\"n\">600.000 s</td>"
			 "<td class=\"n\">539.100 s</td><td class=\"n\">100%</td>"));
	/* replication: blackholed from 60 s to the end, drawn red */
	ck_assert(strstr(p.text, "<td class=\"n\">60.000 s</td><td class=\"n\">600.000 s</td>"
			 "<td class=\"n\">540.000 s</td><td class=\"n\">100%</td>"
			 "<td class=\"path\">ams-dc/ce1 <b>(no route)</b></td>"));
	ck_assert_uint_eq(count(p.text, "fill=\"#d62728\"><title>60.000 s to 600.000 s"), 1);
	/* the browser test's verdict goes into an attribute, never on screen */
	ck_assert(strstr(p.text, "document.documentElement.setAttribute('data-pictures',msg)"));
	ck_assert(!strstr(p.text, "pic-status") && !strstr(p.text, "document.title="));
	ck_assert(!strstr(p.text, "pictures not checked"));
	assert_no_urls(p.text);
	page_free(&p);
	ers_result_free(r);
}
END_TEST

START_TEST(test_html_run_pictures)
{
	struct ers_result *r = sample("two-sites", 900 * ERS_MS);
	struct page p = { 0 };
	FILE *f = open_memstream(&p.text, &p.len);

	need("gnuplot", "gnuplot-nox");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ers_html_write_run(f, r, NULL, NULL, 0), ERS_OK);
	fclose(f);
	f = NULL;
	/* one timeline per flow plus the event bars, each an inline SVG */
	ck_assert(strstr(p.text, "<figure class=\"pic\" data-name=\"timeline of flow app\">\n<svg"));
	ck_assert(strstr(p.text, "<figure class=\"pic\" data-name=\"timeline of flow replication\">\n<svg"));
	ck_assert(strstr(p.text, "<figure class=\"pic\" data-name=\"event bars\">\n<svg"));
	ck_assert_uint_eq(count(p.text, "<figure class=\"pic\""), 3);
	ck_assert_uint_eq(count(p.text, "<figure class=\"pic paths\""), 2);
	ck_assert_uint_eq(count(p.text, "<svg"), 5);
	/* the event bars name both events; ids are unique per picture */
	ck_assert(strstr(p.text, "1. fail link:er-ams/primary @ 60.000 s"));
	ck_assert(strstr(p.text, "2. restore link:er-ams/primary @ 300.000 s"));
	ck_assert(strstr(p.text, "id=\"p1-gnuplot_canvas\""));
	ck_assert(strstr(p.text, "id=\"p3-gnuplot_canvas\""));
	ck_assert_ptr_null(strstr(p.text, "<?xml"));
	ck_assert_ptr_null(strstr(p.text, "<!DOCTYPE svg"));
	assert_no_urls(p.text);
	page_free(&p);
	ers_result_free(r);
}
END_TEST

/* With PATH pointing at an empty directory nothing can be drawn, but the
 * topology (from a real scenario) and every table are still there, and
 * stderr says which pictures are missing and what to install. */
struct run_page_args {
	FILE *f;
	const struct ers_result *r;
	const struct ers_scenario *s;
	const struct ers_catalog *cat;
};

static void write_run_page(void *arg)
{
	struct run_page_args *a = arg;

	ck_assert_int_eq(ers_html_write_run(a->f, a->r, a->s, a->cat, 0), ERS_OK);
}

START_TEST(test_html_run_renderers_not_on_path)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_result *r = sample("max-resiliency", 900 * ERS_MS);
	struct ers_diag d;
	struct page p = { 0 };
	char *old = getenv("PATH") ? xstrdup(getenv("PATH")) : NULL, *err;
	struct run_page_args a;

	make_dir();
	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("scenarios/max-resiliency.xml", &s, &cat, &d), ERS_OK);
	setenv("PATH", tmpdir, 1);
	a = (struct run_page_args){ open_memstream(&p.text, &p.len), r, s, cat };
	ck_assert_ptr_nonnull(a.f);
	err = capture_stderr(write_run_page, &a);
	fclose(a.f);
	if (old)
		setenv("PATH", old, 1);
	ck_assert(strstr(p.text, "topology picture not drawn: Graphviz &#39;dot&#39; not found"));
	ck_assert(strstr(p.text, "timeline of flow app not drawn: gnuplot not found"));
	/* the same on stderr, with the packages to install, each once */
	ck_assert(strstr(err, "ersim: warning: topology picture not drawn: Graphviz 'dot' not found\n"));
	ck_assert(strstr(err, "ersim: warning: timeline of flow app not drawn: gnuplot not found\n"));
	ck_assert(strstr(err, "ersim: warning: event bars not drawn: gnuplot not found\n"));
	ck_assert_uint_eq(count(err, "install the Debian package graphviz"), 1);
	ck_assert_uint_eq(count(err, "install the Debian package gnuplot-nox"), 1);
	/* the design's inventory comes from the scenario */
	ck_assert(strstr(p.text, "<table class=\"circuits\">"));
	ck_assert(strstr(p.text, "<td>er-ams</td><td>Amsterdam</td>"));
	ck_assert(strstr(p.text, "<table class=\"vnets\">"));
	ck_assert(strstr(p.text, "<table class=\"events\">"));
	free(err);
	page_free(&p);
	ers_result_free(r);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
	free(old);
	rm_dir();
}
END_TEST

/* Renderers turned off by the caller are not warned about: that is a
 * choice, not a broken installation. */
static void write_run_page_no_renderers(void *arg)
{
	struct run_page_args *a = arg;

	ck_assert_int_eq(ers_html_write_run(a->f, a->r, NULL, NULL,
					    ERS_HTML_NO_DOT | ERS_HTML_NO_GNUPLOT), ERS_OK);
}

START_TEST(test_html_run_renderers_off_no_warning)
{
	struct ers_result *r = sample("two-sites", 900 * ERS_MS);
	struct page p = { 0 };
	struct run_page_args a = { open_memstream(&p.text, &p.len), r, NULL, NULL };
	char *err;

	ck_assert_ptr_nonnull(a.f);
	err = capture_stderr(write_run_page_no_renderers, &a);
	fclose(a.f);
	ck_assert_str_eq(err, "");
	free(err);
	page_free(&p);
	ers_result_free(r);
}
END_TEST

START_TEST(test_html_topology_dot)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_diag d;
	char *dot;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("scenarios/max-resiliency.xml", &s, &cat, &d), ERS_OK);
	dot = ers_html_topology_dot(s, cat);
	ck_assert_ptr_nonnull(dot);
	/* clusters per site, peering location and region */
	ck_assert(strstr(dot, "subgraph \"cluster_site_contoso-dc\""));
	ck_assert(strstr(dot, "subgraph \"cluster_loc_amsterdam\""));
	ck_assert(strstr(dot, "subgraph \"cluster_loc_london\""));
	ck_assert(strstr(dot, "subgraph \"cluster_reg_westeurope\""));
	ck_assert(strstr(dot, "label=\"Amsterdam\\nExpressRoute peering location\\n(fails at 60 s)\""));
	ck_assert(strstr(dot, "MSEE (primary), AS 12076"));
	ck_assert(strstr(dot, "er-ams primary\\nequinix (layer2), 1 Gbps standard"));
	free(dot);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
}
END_TEST

/* ---- compare and batch ---- */

/* Write a page to $ERS_HTML_SAMPLES/name for the browser test. */
static void keep_sample(const struct page *p, const char *name)
{
	const char *dir = getenv("ERS_HTML_SAMPLES");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(p->text, 1, p->len, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_html_compare)
{
	struct ers_result *r[2] = { sample("no-bfd", 175 * ERS_S), sample("bfd", 900 * ERS_MS) };
	const struct ers_cmp_input in[2] = { { "no-bfd.json", r[0], NULL, NULL },
					     { "bfd.json", r[1], NULL, NULL } };
	struct ers_comparison *c = NULL;
	struct ers_diag d;
	struct page p = { 0 };
	FILE *f = open_memstream(&p.text, &p.len);
	const char *metrics;

	ck_assert_ptr_nonnull(f);
	ers_diag_init(&d);
	ck_assert_int_eq(ers_compare_build(in, 2, &c, &d), ERS_OK);
	ck_assert_int_eq(ers_html_write_compare(f, c, in, 0), ERS_OK);
	fclose(f);
	/* designs labelled by letter and scenario name */
	ck_assert(strstr(p.text, "<title>ersim comparison: A no-bfd, B bfd</title>"));
	metrics = strstr(p.text, "<table class=\"metrics\">");
	ck_assert_ptr_nonnull(metrics);
	ck_assert(strstr(metrics, "<tr><th>metric</th><th>A no-bfd</th><th>B bfd</th></tr>"));
	/* side by side, the better design marked */
	ck_assert(strstr(metrics, "<tr><th>worst convergence after an event</th>"
			 "<td class=\"n\">176.000 s</td><td class=\"n best\">1.900 s</td></tr>"));
	ck_assert(strstr(metrics, "<tr><th>outage of app</th>"
			 "<td class=\"n\">175.000 s</td><td class=\"n best\">0.900 s</td></tr>"));
	ck_assert(strstr(metrics, "<tr><th>routers</th><td class=\"n\">8</td><td class=\"n\">8</td></tr>"));
	/* B against A, with the direction */
	ck_assert(strstr(p.text, "<td>outage_s</td><td class=\"n\">175.000 s</td>"
			 "<td class=\"n\">0.900 s</td><td class=\"n better\">-174.100 s (better)</td>"));
	/* result documents: the design is unknown, not equal */
	ck_assert_uint_eq(count(p.text, "<p>Unknown: a result document has no scenario"), 2);
	/* no threshold given */
	ck_assert(strstr(p.text, "<h2>Verdicts (--fail-on)</h2>\n<p class=\"sub\">No --fail-on "
			 "threshold given.</p>"));
	/* one timeline picture per flow id, with a panel per design, and
	 * each design's path bar per flow */
	need("gnuplot", "gnuplot-nox");
	ck_assert_uint_eq(count(p.text, "<figure class=\"pic\""), 2);
	ck_assert_uint_eq(count(p.text, "<figure class=\"pic paths\""), 4);
	ck_assert(strstr(p.text, "data-name=\"timelines of flow app\""));
	ck_assert(strstr(p.text, "data-name=\"paths of flow app in B bfd\""));
	ck_assert(strstr(p.text, "A no-bfd: flow app"));
	ck_assert(strstr(p.text, "B bfd: flow app"));
	assert_no_urls(p.text);
	keep_sample(&p, "sample-compare.html");
	page_free(&p);
	ers_comparison_free(c);
	ers_diag_release(&d);
	ers_result_free(r[0]);
	ers_result_free(r[1]);
}
END_TEST

START_TEST(test_html_batch)
{
	static const double out_a[] = { 0.9, 0.1, 0.5, 0.3, NAN };
	static const double conv_a[] = { 1.2, 0.8, 2.5, 0.9 };
	static const double out_b[] = { 170, 175, 179, 2 };
	static const double conv_b[] = { 176, 178, 181 };
	static const char *const targets[] = { "link:er-ams/primary", "link:er-ams/secondary",
					       "location:london" };
	/* every pair ends reachable but one (its targets stay down); two of
	 * the three interrupted traffic while down */
	static const signed char cut[] = { -1, 1, 0, 1, -1, 0, 0, 0, -1 };
	static const double pair_out[] = { NAN, 300.2, 0.4, 300.2, NAN, 0, 0.4, 0, NAN };
	static const double pair_lost[] = { NAN, 6.6e9, 1.5e6, 6.6e9, NAN, 0, 1.5e6, 0, NAN };
	const struct ers_html_ranked ranked[] = {
		{ "link:er-ams/primary + link:er-ams/secondary", 300.2, 300.2, 6.6e9, 2, 2, true,
		  "pairs-runs/run-1.html" },
		{ "link:er-ams/primary + location:london", 0.4, 0, 1.5e6, 1, 2, false, NULL },
	};
	const struct ers_html_combo combos[] = {
		{ "bfd=on", out_a, 5, conv_a, 4, 3662847889.5, 0.99953, ranked, 2, 3 },
		{ "bfd=off", out_b, 4, conv_b, 3, 0, NAN, NULL, 0, 0 },
	};
	const struct ers_html_pair_matrix pairs = { "bfd=on", targets, 3, cut, pair_out, pair_lost };
	struct page p = { 0 };
	FILE *f = open_memstream(&p.text, &p.len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ers_html_write_batch(f, "bfd-study", combos, 2, &pairs, 1, 0), ERS_OK);
	fclose(f);
	ck_assert(strstr(p.text, "<h1>ersim batch: bfd-study</h1>"));
	/* runs, never, median, 95th percentile, worst (nearest rank), then
	 * the traffic lost with its unit and the availability in percent */
	ck_assert(strstr(p.text, "<tr><th>bfd=on</th><td class=\"n\">5</td><td class=\"n\">1</td>"
			 "<td class=\"n\">300.0 ms</td><td class=\"n\">900.0 ms</td>"
			 "<td class=\"n\">900.0 ms</td>"));
	ck_assert(strstr(p.text, "<td class=\"n\">3.7 GB</td><td class=\"n\">99.953%</td></tr>"));
	ck_assert(strstr(p.text, "<td class=\"n\">3</td><td class=\"n\">0</td>"
			 "<td class=\"n\">178.000 s</td><td class=\"n\">181.000 s</td>"
			 "<td class=\"n\">181.000 s</td><td class=\"n\">0 B</td>"
			 "<td class=\"n\">-</td></tr>"));
	ck_assert_ptr_null(strstr(p.text, "3662847889"));
	/* the failure sets ranked by impact, the worst linked to its report */
	ck_assert(strstr(p.text, "3 failure sets run; the 2 with the most impact"));
	ck_assert(strstr(p.text, "<td>link:er-ams/primary + link:er-ams/secondary</td>"
			 "<td class=\"n no\">300.200 s</td><td class=\"n\">300.200 s</td>"
			 "<td class=\"n\">6.6 GB</td><td class=\"n\">2 of 2</td><td class=\"no\">NO</td>"
			 "<td><a href=\"pairs-runs/run-1.html\">run report</a></td>"));
	ck_assert(strstr(p.text, "<td class=\"n\">1.5 MB</td><td class=\"n\">1 of 2</td>"
			 "<td class=\"yes\">yes</td><td class=\"na\">-</td>"));
	/* the pair matrix: coloured by outage while down, not only the end */
	ck_assert(strstr(p.text, "2 of 3 pairs interrupted traffic while they were down "
			 "(worst outage 300.200 s, 6.6 GB lost in all); 1 cut reachability"));
	ck_assert_uint_eq(count(p.text, "<td class=\"n p-cut\""), 2);
	ck_assert_uint_eq(count(p.text, "<td class=\"n p-short\" title=\"outage 400.0 ms, 1.5 MB lost\">"
				"400.0 ms<br>1.5 MB</td>"), 2);
	ck_assert_uint_eq(count(p.text, "<td class=\"n p-none\">no outage</td>"), 2);
	need("gnuplot", "gnuplot-nox");
	ck_assert(strstr(p.text, "data-name=\"outage CDF\">\n<svg"));
	ck_assert(strstr(p.text, "data-name=\"convergence CDF\">\n<svg"));
	assert_no_urls(p.text);
	keep_sample(&p, "sample-batch.html");
	page_free(&p);
}
END_TEST

/* The run page of expressroute/vpn-backup.xml: the return flow's path
 * timeline shows the blackhole after the circuit fails and the VPN hop
 * it ends on. */
START_TEST(test_html_paths_vpn_backup)
{
	struct ers_run_opts o = { 0 };
	struct ers_result *r = tu_run("scenarios/expressroute/vpn-backup.xml", &o);
	struct page p = { 0 };
	FILE *f = open_memstream(&p.text, &p.len);
	const char *sec;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ers_html_write_run(f, r, NULL, NULL,
					    ERS_HTML_NO_DOT | ERS_HTML_NO_GNUPLOT), ERS_OK);
	fclose(f);
	sec = strstr(p.text, "data-name=\"paths of flow from-hub\"");
	ck_assert_ptr_nonnull(sec);
	/* three intervals: ECMP over the circuit, the blackhole, the VPN */
	ck_assert_uint_eq(count(sec, "<rect class=\"iv\""), 3);
	ck_assert(strstr(sec, "<td class=\"n\">20.001 s</td><td class=\"n\">60.000 s</td>"
			 "<td class=\"n\">39.999 s</td><td class=\"n\">100%</td>"
			 "<td class=\"path\">hub/gw &gt; <span class=\"hop vpn\">VPN</span> &gt; hq/ce1</td>"));
	ck_assert(strstr(sec, "hub/gw &gt; <span class=\"hop connection\">connection</span> &gt; "
			 "amsterdam-1/a <b>(no route)</b>"));
	assert_no_urls(p.text);
	page_free(&p);
	ers_result_free(r);
}
END_TEST

/* ---- plot.c ---- */

/* ---- report visuals (issue 16.7) ---- */

/* A zoomed panel draws only the markers and bands inside its x range:
 * gnuplot does not clip arrows and rectangles to the frame, so the
 * others were drawn beside the panel. Maintenance is not restore's blue. */
START_TEST(test_plot_zoom_keeps_markers_inside)
{
	static const struct ers_plot_marker m[] = { { 5, ERS_PLOT_MARK_FAIL },
		{ 15, ERS_PLOT_MARK_RESTORE }, { 16, ERS_PLOT_MARK_MAINTENANCE },
		{ 25, ERS_PLOT_MARK_CONVERGED } };
	static const struct ers_plot_band b[] = { { 2, 4 }, { 8, 12 }, { 18, 30 } };
	static const double x[] = { 0, 30 }, y[] = { 1, 1 };
	const struct ers_plot_series ser = { "delivered", x, y, 2, true, true };
	const struct ers_plot_chart ch = { "zoom", "s", "rate", 10, 20, 0, 2, false, true,
					   &ser, 1, m, 4, b, 3 };
	char *script = ers_plot_script(&ch, 1, ERS_PLOT_STACK, 800, 300);

	ck_assert_ptr_nonnull(script);
	ck_assert_uint_eq(count(script, "set arrow from"), 2);
	ck_assert_ptr_null(strstr(script, "set arrow from 5,"));
	ck_assert_ptr_null(strstr(script, "set arrow from 25,"));
	ck_assert(strstr(script, "set arrow from 15, graph 0 to 15, graph 1 nohead front "
			 "lc rgb '#3030a0' lw 1.5 dt 1"));
	ck_assert(strstr(script, "set arrow from 16, graph 0 to 16, graph 1 nohead front "
			 "lc rgb '#8c564b' lw 1.5 dt 4"));
	/* bands cut to the range, those outside left out */
	ck_assert_uint_eq(count(script, "rect from"), 2);
	ck_assert(strstr(script, "rect from 10, graph 0 to 12, graph 1"));
	ck_assert(strstr(script, "rect from 18, graph 0 to 20, graph 1"));
	/* text readable at 100%: 13-pixel font */
	ck_assert(strstr(script, "font 'sans,13'"));
	free(script);
}
END_TEST

/* A detection at the instant of the event has a bar of zero length,
 * invisible on a logarithmic axis: it is drawn a little long, labelled
 * with its true value. */
START_TEST(test_plot_bars_zero_visible)
{
	static const char *const labels[] = { "1. fail a", "2. fail b" };
	static const char *const names[] = { "detection", "convergence" };
	static const double det[] = { 0, 0.05 }, conv[] = { 0.1, 100 };
	const double *values[2] = { det, conv };
	char *script = ers_plot_bars_script("bars", "s", labels, 2, values, names, 800, 200);
	double mid, y, lo, hi;
	char *line;

	ck_assert_ptr_nonnull(script);
	ck_assert(strstr(script, "set logscale x"));
	line = strstr(script, "$b0 << EOD\n");
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(sscanf(line + strlen("$b0 << EOD\n"), "%lf %lf %lf %lf", &mid, &y, &lo,
				&hi), 4);
	ck_assert_msg(hi > lo * 1.05, "zero-length bar from %g to %g", lo, hi);
	ck_assert(strstr(line, "\"0.000 s\"\n"));
	free(script);
}
END_TEST

/* A failed link is red and dashed, not blue (DOT keeps the last colour
 * given); Global Reach is a node east of the peering locations joined to
 * the MSEEs of both circuits, not a curve between MSEEs that crossed the
 * sites and the circuit labels. */
START_TEST(test_html_topology_failed_link_and_global_reach)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_diag d;
	char *dot;
	const char *l;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("scenarios/global-reach.xml", &s, &cat, &d), ERS_OK);
	dot = ers_html_topology_dot(s, cat);
	ck_assert_ptr_nonnull(dot);
	l = strstr(dot, "[label=\"er-ams primary\\n");
	ck_assert_ptr_nonnull(l);
	ck_assert_msg(!strncmp(strchr(l, ']') - strlen("color=\"#d62728\", fontcolor=\"#d62728\", "
			       "penwidth=3, style=dashed"),
			       "color=\"#d62728\", fontcolor=\"#d62728\", penwidth=3, style=dashed",
			       strlen("color=\"#d62728\", fontcolor=\"#d62728\", penwidth=3, "
				      "style=dashed")), "%.200s", l);
	ck_assert(strstr(dot, "  gr0 [id=\"global_reach_0\", label=\"Global Reach\\ner-ams - er-lon\""));
	ck_assert_uint_eq(count(dot, " -> gr0 [color=\"#d62728\", penwidth=3, style=dashed];"), 4);
	ck_assert_uint_eq(count(dot, "gr0 [xlabel=\"fails at 240 s\""), 1);
	ck_assert_ptr_null(strstr(dot, "label=\"Global Reach\", "));
	free(dot);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
}
END_TEST

/* The run page lists the VPNs, with how their failure is seen. */
START_TEST(test_html_vpn_table)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_result *r = NULL;
	struct ers_run_opts opts = { 0 };
	struct ers_diag d;
	struct page p = { 0 };
	FILE *f = open_memstream(&p.text, &p.len);

	ck_assert_ptr_nonnull(f);
	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("scenarios/expressroute/vpn-backup.xml", &s, &cat, &d),
			 ERS_OK);
	ck_assert_int_eq(ers_run(s, cat, &opts, &r, &d), ERS_OK);
	ck_assert_int_eq(ers_html_write_run(f, r, s, cat,
					    ERS_HTML_NO_DOT | ERS_HTML_NO_GNUPLOT), ERS_OK);
	fclose(f);
	ck_assert_msg(strstr(p.text, "<h3>VPNs</h3>\n<table class=\"vpns\">\n<tr><th>VPN</th>"
			     "<th>site router</th><th>VNet</th><th>delay</th><th>failure detection</th>"
			     "</tr>\n<tr><td>backup</td><td>hq/ce1</td><td>hub</td>"
			     "<td class=\"n\">0.020 s</td><td>no BFD, hold "), "%s",
		      strstr(p.text, "<h3>VPNs") ? strstr(p.text, "<h3>VPNs") : "no VPN table");
	page_free(&p);
	ers_result_free(r);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
}
END_TEST

START_TEST(test_plot_svg_inline_prefixes_ids)
{
	static const char svg[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\"\n"
		" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><defs><path id='gpPt0'/></defs>"
		"<g id=\"graph0\" clip-path=\"url(#gpclip)\"><use xlink:href='#gpPt0'/></g></svg>\n";
	char *out = ers_plot_svg_inline(svg, "p7-");

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"><defs><path id='p7-gpPt0'/>"
			 "</defs><g id=\"p7-graph0\" clip-path=\"url(#p7-gpclip)\">"
			 "<use xlink:href='#p7-gpPt0'/></g></svg>\n");
	free(out);
	ck_assert_ptr_null(ers_plot_svg_inline("no picture", "p1-"));
}
END_TEST

START_TEST(test_plot_run_missing_program)
{
	static char *const argv[] = { "ersim-no-such-renderer", NULL };
	char *out = (char *)1, *why = NULL;
	size_t len = 1;

	ck_assert_int_eq(ers_plot_run("ersim-no-such-renderer", argv, "x", 1, &out, &len, &why),
			 ERS_EIO);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(why, "ersim-no-such-renderer not found");
	free(why);
}
END_TEST

/* A renderer that prints while we still write must not deadlock: cat
 * echoes 4 MB, far more than a pipe holds. */
START_TEST(test_plot_run_pipes_large_input)
{
	static char *const cat[] = { "cat", NULL };
	static char *const fails[] = { "sh", "-c", "echo 'line 1: bad' >&2; exit 3", NULL };
	size_t n = 4u << 20, len;
	char *in = malloc(n), *out = NULL, *why = NULL;

	ck_assert_ptr_nonnull(in);
	for (size_t i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	ck_assert_int_eq(ers_plot_run("cat", cat, in, n, &out, &len, &why), ERS_OK);
	ck_assert_uint_eq(len, n);
	ck_assert(!memcmp(in, out, n));
	ck_assert_int_eq(out[n], '\0');
	free(out);
	ck_assert_int_eq(ers_plot_run("sh", fails, in, n, &out, &len, &why), ERS_EIO);
	ck_assert_str_eq(why, "exited with status 3: line 1: bad");
	free(why);
	free(in);
}
END_TEST

/* ---- ersim run --report ---- */

/* Run the built ersim with args; its stdout goes to out (a file path)
 * or nowhere, its stderr nowhere. Returns the exit code. */
static int run_ersim_to(const char *const *args, const char *out)
{
	const char *bin = getenv("ERSIM") ? getenv("ERSIM") : "build/ersim";
	const char *argv[20] = { "ersim" };
	int status, fd;
	pid_t pid;

	ck_assert_msg(access(bin, X_OK) == 0, "set ERSIM to the built ersim ('%s')", bin);
	for (size_t i = 0; args[i] && i < 18; i++)
		argv[i + 1] = args[i];
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		if (out)
			fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int run_ersim(const char *const *args)
{
	return run_ersim_to(args, NULL);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xcalloc((size_t)n + 1, 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

START_TEST(test_cli_run_report)
{
	char report[128], bad[128], *html;
	const char *ok[] = { "run", "scenarios/max-resiliency.xml", "--report", report, NULL };
	const char *missing[] = { "run", "scenarios/max-resiliency.xml", "--report", bad, NULL };
	const char *same[] = { "run", "--json", "x.html", "--report=x.html", NULL };
	struct stat st;

	need("dot", "graphviz");
	need("gnuplot", "gnuplot-nox");
	make_dir();
	snprintf(report, sizeof report, "%s/out.html", tmpdir);
	snprintf(bad, sizeof bad, "%s/no/such/dir/out.html", tmpdir);
	ck_assert_int_eq(run_ersim(ok), 0);
	ck_assert(!tu_temp_left(report));	/* renamed into place */
	html = slurp(report);
	ck_assert(strstr(html, "<title>ersim report: max-resiliency</title>"));
	ck_assert(strstr(html, "<td>location:amsterdam</td>"));
	ck_assert(strstr(html, "<div class=\"scroll\"><figure class=\"pic wide\" data-name=\"topology picture\">\n<svg"));
	ck_assert(strstr(html, "<figure class=\"pic\" data-name=\"timeline of flow to-azure\">\n<svg"));
	ck_assert(strstr(html, "<figure class=\"pic\" data-name=\"timeline of flow to-dc\">\n<svg"));
	ck_assert_ptr_null(strstr(html, "class=\"note pic-missing\""));
	ck_assert(strstr(html, "</html>\n"));
	assert_no_urls(html);
	free(html);
	/* a file that cannot be created: exit 3, nothing left behind */
	ck_assert_int_eq(run_ersim(missing), 3);
	ck_assert_int_ne(stat(bad, &st), 0);
	ck_assert_int_eq(run_ersim(same), 2);
	rm_dir();
}
END_TEST

/* The compare page has everything the text has: for one location
 * against two (B loses the location's outage and a resiliency class),
 * the verdicts of --fail-on, each row with B against A and better or
 * worse, the resiliency classes, the bill of materials, the paths and
 * where and why they diverge; designs by scenario name, not path. For
 * connection weight against AS-path prepending, the deciding step. */
START_TEST(test_cli_compare_report)
{
	char page[128], page2[128], *html, *h;
	const char *args[] = { "compare", "tests/compare/two-locations.xml",
			       "tests/compare/one-location.xml", "--fail-on", "outage_s>1",
			       "--fail-on", "resiliency-lower", "--fail-on", "messages>1000",
			       "--report", page, NULL };
	const char *args2[] = { "compare", "tests/compare/weight.xml", "tests/compare/prepend.xml",
				"--report", page2, NULL };

	need("dot", "graphviz");
	need("gnuplot", "gnuplot-nox");
	make_dir();
	snprintf(page, sizeof page, "%s/cmp.html", tmpdir);
	snprintf(page2, sizeof page2, "%s/cmp2.html", tmpdir);
	ck_assert_int_eq(run_ersim_to(args, "/dev/null"), 1);
	html = slurp(page);
	ck_assert(strstr(html, "<title>ersim comparison: A two-locations, B one-location</title>"));
	/* labels by scenario name; the file path only in the designs table
	 * and in the verdicts' messages, which the text prints too */
	ck_assert(strstr(html, "<tr><td><b>A</b></td><td>two-locations</td>"
			 "<td class=\"path\">tests/compare/two-locations.xml</td>"));
	ck_assert(strstr(html, "<h3>B one-location</h3>"));
	ck_assert_ptr_null(strstr(html, "<h3>tests/"));
	ck_assert_ptr_null(strstr(html, "<th>tests/"));
	/* verdicts: two crossed, one passed */
	ck_assert(strstr(html, "<b>FAIL</b><span>2 of 3 thresholds crossed</span>"));
	ck_assert(strstr(html, "<tr><td class=\"path\">outage_s&gt;1</td><td class=\"no\">crossed: "
			 "flow &#39;app&#39; outage_s 10 &gt; 1 (B: tests/compare/one-location.xml)</td></tr>"));
	ck_assert(strstr(html, "<td class=\"no\">crossed: VNet &#39;hub-weu&#39; resiliency maximum "
			 "in A, standard in B"));
	ck_assert(strstr(html, "<tr><td class=\"path\">messages&gt;1000</td>"
			 "<td class=\"yes\">passed</td></tr>"));
	/* B against A, better and worse */
	ck_assert(strstr(html, "<tr class=\"differs\"><td>*</td><td>app</td><td>outage_s</td>"
			 "<td class=\"n\">0.000 s</td><td class=\"n\">10.000 s</td>"
			 "<td class=\"n worse\">+10.000 s (worse)</td></tr>"));
	ck_assert(strstr(html, "<td>lost_bytes</td><td class=\"n\">0 B</td>"
			 "<td class=\"n\">125.0 MB</td><td class=\"n worse\">+125.0 MB (worse)</td>"));
	/* resiliency classes and the bill of materials */
	h = strstr(html, "data-section=\"resiliency\"");
	ck_assert_ptr_nonnull(h);
	ck_assert(strstr(h, "<td>hub-weu</td><td>class</td><td>maximum</td><td>standard</td>"
			 "<td class=\"n worse\">worse</td>"));
	h = strstr(html, "data-section=\"bill_of_materials\"");
	ck_assert_ptr_nonnull(h);
	ck_assert(strstr(h, "<td>circuits</td><td>count</td><td class=\"n\">2</td>"
			 "<td class=\"n\">1</td><td class=\"n better\">-1 (better)</td>"));
	ck_assert(strstr(h, "<td>circuit standard 10Gbps, zone 1, Direct</td>"));
	/* paths: each design's bar, the windows, where and why they diverge */
	ck_assert(strstr(html, "<figure class=\"pic paths\" data-name=\"paths of flow app in "
			 "A two-locations\">"));
	ck_assert(strstr(html, "<figure class=\"pic paths\" data-name=\"paths of flow app in "
			 "B one-location\">"));
	h = strstr(html, "<td>after 5.000 s fail location:amsterdam</td>");
	ck_assert_ptr_nonnull(h);
	ck_assert(strstr(h, "100%  contoso-dc/ce1 &gt; contoso-dc/ce2 (loop)"));
	ck_assert(strstr(h, "B diverges from A at <b>contoso-dc/ce1</b><br>A: contoso-dc/ce1 chose "
			 "london-1/a over contoso-dc/ce2: eBGP over iBGP<br>B: <span class=\"why\">"
			 "contoso-dc/ce1 had no route</span>"));
	ck_assert_ptr_nonnull(strstr(html, "<h2>Flows over time</h2>"));
	ck_assert_ptr_nonnull(strstr(html, "<h2>Topologies</h2>"));
	ck_assert_ptr_null(strstr(html, "class=\"note pic-missing\""));
	assert_no_urls(html);
	free(html);
	/* the decision step that makes B's path differ */
	ck_assert_int_eq(run_ersim_to(args2, "/dev/null"), 0);
	html = slurp(page2);
	ck_assert(strstr(html, "<b>hub-weu/gw</b><br>A: hub-weu/gw chose frankfurt-1/a over "
			 "amsterdam-1/a: weight 100 &gt; 0<br>B: <span class=\"why\">hub-weu/gw chose "
			 "amsterdam-1/a over frankfurt-1/a: as-path 2 &lt; 3</span>"));
	ck_assert(strstr(html, "B: same paths as A at the end; the paths on the way or how long "
			 "they held differ"));
	free(html);
	rm_dir();
}
END_TEST

/* The N-2 batch of the bundled default scenario restores every pair
 * after five minutes, so every run ends reachable: the page must still
 * show which pairs cut the traffic while they were down and for how long,
 * rank the failure sets, and link the worst to their own reports,
 * simulated again and matching the batch's numbers. */
START_TEST(test_cli_batch_report_runs)
{
	char db[128], page[128], sum[128], run0[160], run2[160], runs[160];
	const char *args[] = { "batch", "scenarios/experiments/n2-default.xml", "--db", db, "-q",
			       "-j", "2", "--report", page, "--report-runs", "worst:2", NULL };
	const char *no_report[] = { "batch", "scenarios/experiments/n2-default.xml", "--db", db,
				    "--report-runs", "worst:2", NULL };
	const char *bad_spec[] = { "batch", "scenarios/experiments/n2-default.xml", "--db", db,
				   "--report", page, "--report-runs", "best:2", NULL };
	char *html, *text, *r0;
	struct stat st;

	make_dir();
	snprintf(db, sizeof db, "%s/n2.db", tmpdir);
	snprintf(page, sizeof page, "%s/n2.html", tmpdir);
	snprintf(sum, sizeof sum, "%s/summary.txt", tmpdir);
	snprintf(run0, sizeof run0, "%s/n2-runs/run-13.html", tmpdir);
	snprintf(run2, sizeof run2, "%s/n2-runs/run-2.html", tmpdir);
	snprintf(runs, sizeof runs, "%s/n2-runs/run-0.html", tmpdir);
	ck_assert_int_eq(run_ersim(no_report), 2);
	ck_assert_int_eq(run_ersim(bad_spec), 2);
	ck_assert_int_eq(run_ersim_to(args, sum), 0);
	html = slurp(page);
	/* the end state is all reachable, the pairs were not harmless */
	ck_assert_msg(strstr(html, "22 of 28 pairs interrupted traffic while they were down "
			     "(worst outage 303.536 s, 173.5 GB lost in all); 0 cut reachability"),
		      "%s", html);
	ck_assert_uint_eq(count(html, "<td class=\"n p-severe\""), 2 * 21);
	ck_assert_uint_eq(count(html, "<td class=\"n p-short\""), 2 * 1);
	ck_assert_uint_eq(count(html, "<td class=\"n p-cut\""), 0);
	/* ranked by traffic lost; the two worst link to their reports */
	ck_assert(strstr(html, "<tr><td class=\"n\">1</td><td>msee:amsterdam-1/a + "
			 "msee:amsterdam-1/b</td><td class=\"n no\">303.536 s</td>"));
	ck_assert(strstr(html, "<a href=\"n2-runs/run-13.html\">run report</a>"));
	ck_assert(strstr(html, "<a href=\"n2-runs/run-2.html\">run report</a>"));
	ck_assert_uint_eq(count(html, ">run report</a>"), 2);
	ck_assert_ptr_null(strstr(html, "3662847889"));
	assert_no_urls(html);
	/* the run reports exist, and nothing beyond the worst two */
	r0 = slurp(run0);
	ck_assert(strstr(r0, "<title>ersim report: default</title>"));
	ck_assert(strstr(r0, "303.536 s"));	/* the same outage as in the batch */
	ck_assert(strstr(r0, "data-name=\"paths of flow app\""));
	ck_assert_int_eq(stat(run2, &st), 0);
	ck_assert_int_ne(stat(runs, &st), 0);
	/* the text summary carries units */
	text = slurp(sum);
	ck_assert_msg(strstr(text, "  flow.lost_bytes app                  28       3.7 GB"
			     "          0 B      11.4 GB      11.4 GB      11.4 GB\n"), "%s", text);
	ck_assert_msg(strstr(text, "  flow.outage_s app                    28     97.875 s"), "%s", text);
	free(text);
	free(r0);
	free(html);
	rm_dir();
}
END_TEST

Suite *make_html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("html");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_html_run_tables_without_renderers);
	tcase_add_test(tc, test_html_run_pictures);
	tcase_add_test(tc, test_html_run_renderers_not_on_path);
	tcase_add_test(tc, test_html_run_renderers_off_no_warning);
	tcase_add_test(tc, test_html_topology_dot);
	tcase_add_test(tc, test_html_paths_vpn_backup);
	tcase_add_test(tc, test_html_compare);
	tcase_add_test(tc, test_html_batch);
	tcase_add_test(tc, test_plot_zoom_keeps_markers_inside);
	tcase_add_test(tc, test_plot_bars_zero_visible);
	tcase_add_test(tc, test_html_topology_failed_link_and_global_reach);
	tcase_add_test(tc, test_html_vpn_table);
	tcase_add_test(tc, test_plot_svg_inline_prefixes_ids);
	tcase_add_test(tc, test_plot_run_missing_program);
	tcase_add_test(tc, test_plot_run_pipes_large_input);
	tcase_add_test(tc, test_cli_run_report);
	tcase_add_test(tc, test_cli_compare_report);
	tcase_add_test(tc, test_cli_batch_report_runs);
	suite_add_tcase(s, tc);
	return s;
}
