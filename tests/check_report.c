/*
 * check_report.c - the output side of one run: the result document
 * (result_json.c) written and read back, the readable report (report.c)
 * and `ersim run`'s command line (cmd_run.c, through the built binary
 * named by $ERSIM). The result is mostly built by hand, so these tests
 * do not depend on the simulation; the "paths" cases run bundled
 * scenarios to check the path timeline a user reads.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "ersim/report.h"
#include "ersim/result.h"
#include "ersim/result_json.h"
#include "test_util.h"

/* ---- a sample result ---- */

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

/* Hop kinds for p, n_nodes - 1 of them. */
static void set_hops(struct ers_path_entry *p, const enum ers_hop_kind *hops)
{
	p->hops = xcalloc(p->n_nodes - 1, sizeof *p->hops);
	memcpy(p->hops, hops, (p->n_nodes - 1) * sizeof *p->hops);
}

static void sample_events(struct ers_result *r)
{
	r->n_events = 2;
	r->events = xcalloc(2, sizeof *r->events);
	r->events[0] = (struct ers_event_result){
		60 * ERS_S, xstrdup("fail"), xstrdup("link:er-ams/primary"),
		60900 * ERS_MS, 61300 * ERS_MS, 18, 6, 0, 0 };
	r->events[1] = (struct ers_event_result){
		300 * ERS_S, xstrdup("restore"), xstrdup("link:er-ams/primary"),
		ERS_TIME_NEVER, ERS_TIME_NEVER, 0, 0, 0, 0 };
}

static void sample_flows(struct ers_result *r)
{
	static const char *const via_a[] = { "ams-dc/ce1", "amsterdam-1/a", "hub-weu/gw" };
	static const char *const via_b[] = { "ams-dc/ce1", "ams-dc/ce2", "amsterdam-1/b", "hub-weu/gw" };
	static const char *const gr_a[] = { "ams-dc/ce1", "amsterdam-1/a", "dallas-1/a", "dal-dc/ce1" };
	static const char *const gr_b[] = { "ams-dc/ce1", "ams-dc/ce2", "amsterdam-1/b", "dallas-1/b", "dal-dc/ce1" };
	static const char *const dead[] = { "ams-dc/ce1" };
	static const enum ers_hop_kind gr_a_hops[] = {
		ERS_HOP_EXPRESSROUTE, ERS_HOP_GLOBAL_REACH, ERS_HOP_EXPRESSROUTE };
	static const enum ers_hop_kind gr_b_hops[] = { ERS_HOP_INTERNAL,
		ERS_HOP_EXPRESSROUTE, ERS_HOP_GLOBAL_REACH, ERS_HOP_EXPRESSROUTE };
	struct ers_flow_result *f;

	r->n_flows = 2;
	r->flows = xcalloc(2, sizeof *r->flows);
	f = &r->flows[0];
	*f = (struct ers_flow_result){ xstrdup("app"), xstrdup("ams-dc"), xstrdup("hub-weu"),
		300000000, xcalloc(3, sizeof *f->paths), 3, NULL, 0, 900 * ERS_MS, 0, 16875000,
		true, 0.6, xstrdup("link:er-ams/secondary") };
	set_path(&f->paths[0], 840 * ERS_MS, 0.5, ERS_PATH_DELIVERED, via_a, 3);
	set_path(&f->paths[1], 840 * ERS_MS, 0.5, ERS_PATH_DELIVERED, via_b, 4);
	set_path(&f->paths[2], 60900 * ERS_MS, 1.0, ERS_PATH_DELIVERED, via_b, 4);
	f = &r->flows[1];
	*f = (struct ers_flow_result){ xstrdup("replication"), xstrdup("ams-dc"),
		xstrdup("dal-dc"), 100000000, xcalloc(3, sizeof *f->paths), 3, NULL, 0,
		540 * ERS_S, 540 * ERS_S, 6750000000ull, false, 0.1, NULL };
	set_path(&f->paths[0], 840 * ERS_MS, 0.5, ERS_PATH_DELIVERED, gr_a, 4);
	set_hops(&f->paths[0], gr_a_hops);
	set_path(&f->paths[1], 840 * ERS_MS, 0.5, ERS_PATH_DELIVERED, gr_b, 5);
	set_hops(&f->paths[1], gr_b_hops);
	set_path(&f->paths[2], 60 * ERS_S, 1.0, ERS_PATH_BLACKHOLE, dead, 1);
}

static void sample_reach(struct ers_result *r)
{
	static const char *const eps[] = { "ams-dc", "dal-dc", "hub-weu" };

	ck_assert_int_eq(ers_strv_dup((char *const *)eps, 3, &r->endpoints), ERS_OK);
	r->n_endpoints = 3;
	r->reach = xcalloc(9, sizeof *r->reach);
	r->reach[0 * 3 + 2] = true;	/* ams-dc -> hub-weu */
	r->reach[2 * 3 + 0] = true;	/* hub-weu -> ams-dc */
}

static void sample_ribs(struct ers_result *r)
{
	static const char *const nh[] = { "amsterdam-1/b" };
	static const char *const comm[] = { "12076:50002", "65010:1" };
	struct ers_rib_route *rt;

	r->n_ribs = 1;
	r->ribs = xcalloc(1, sizeof *r->ribs);
	r->ribs[0].router = xstrdup("hub-weu/gw");
	r->ribs[0].n_routes = 2;
	r->ribs[0].routes = rt = xcalloc(2, sizeof *rt);
	rt[0].prefix = xstrdup("10.1.0.0/16");
	rt[0].local_pref = 100;
	rt[0].origin = "igp";
	rt[1].prefix = xstrdup("192.168.10.0/24");
	rt[1].as_path = xcalloc(2, sizeof *rt[1].as_path);
	rt[1].as_path[0] = 12076;
	rt[1].as_path[1] = 65010;
	rt[1].as_path_len = 2;
	rt[1].next_hop = xstrdup("amsterdam-1/b");
	ck_assert_int_eq(ers_strv_dup((char *const *)nh, 1, &rt[1].ecmp), ERS_OK);
	rt[1].n_ecmp = 1;
	rt[1].local_pref = 100;
	rt[1].med = 50;
	rt[1].has_med = true;
	rt[1].origin = "incomplete";
	ck_assert_int_eq(ers_strv_dup((char *const *)comm, 2, &rt[1].communities), ERS_OK);
	rt[1].n_communities = 2;
	rt[1].weight = 100;
}

static struct ers_result *sample(bool ribs)
{
	struct ers_result *r = ers_result_new();

	ck_assert_ptr_nonnull(r);
	r->scenario = xstrdup("two-sites");
	r->seed = 42;
	r->n_routers = 9;
	r->n_links = 12;
	r->n_sessions = 14;
	r->initial_convergence = 840 * ERS_MS;
	r->end = 600 * ERS_S;
	sample_events(r);
	sample_flows(r);
	sample_reach(r);
	r->n_notices = 1;
	r->notices = xcalloc(1, sizeof *r->notices);
	r->notices[0] = (struct ers_notice){ 61 * ERS_S, xstrdup("prefix-limit"),
		xstrdup("amsterdam-1/a@er-ams"), xstrdup("4001 prefixes over limit 4000") };
	if (ribs)
		sample_ribs(r);
	r->stats.events_processed = 1234;
	r->stats.messages = 210;
	r->stats.updates = 150;
	r->stats.routes = 40;
	r->stats.attr_sets = 12;
	r->stats.fingerprint = 0x0123456789abcdefull;
	r->stats.wall_s = 0.003;
	return r;
}

/* ---- helpers ---- */

/* What fn(r, f) writes, as a string the caller frees. */
static char *json_text(const struct ers_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ers_result_write_json(r, f), ERS_OK);
	fclose(f);
	return buf;
}

static char *report_text(const struct ers_result *r, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ers_report_write(r, f, flags), ERS_OK);
	fclose(f);
	return buf;
}

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ersim-report-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static json_t *jpath(json_t *root, const char *a, const char *b)
{
	json_t *v = json_object_get(root, a);

	ck_assert_msg(v != NULL, "no field '%s'", a);
	if (b) {
		v = json_object_get(v, b);
		ck_assert_msg(v != NULL, "no field '%s.%s'", a, b);
	}
	return v;
}

/* ---- JSON ---- */

START_TEST(test_json_fields_exact)
{
	struct ers_result *r = sample(true);
	char *text = json_text(r);
	json_error_t err;
	json_t *root = json_loads(text, 0, &err), *ev, *fl, *p, *rt;

	ck_assert_msg(root != NULL, "not JSON: %s", err.text);
	ck_assert_str_eq(json_string_value(jpath(root, "format", NULL)), "ersim-result/1");
	ck_assert_str_eq(json_string_value(jpath(root, "scenario", NULL)), "two-sites");
	ck_assert_int_eq(json_integer_value(jpath(root, "seed", NULL)), 42);
	ck_assert_int_eq(json_integer_value(jpath(root, "topology", "routers")), 9);
	ck_assert_int_eq(json_integer_value(jpath(root, "topology", "links")), 12);
	ck_assert_int_eq(json_integer_value(jpath(root, "topology", "sessions")), 14);
	ck_assert(json_real_value(jpath(root, "initial_convergence_s", NULL)) == 0.84);

	ev = json_array_get(jpath(root, "events", NULL), 0);
	ck_assert(json_real_value(json_object_get(ev, "at_s")) == 60.0);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "action")), "fail");
	ck_assert_str_eq(json_string_value(json_object_get(ev, "target")), "link:er-ams/primary");
	ck_assert(json_real_value(json_object_get(ev, "detected_s")) == 60.9);
	ck_assert(json_real_value(json_object_get(ev, "converged_s")) == 61.3);
	ck_assert(json_real_value(json_object_get(ev, "convergence_s")) == 1.3);
	ck_assert_int_eq(json_integer_value(json_object_get(ev, "updates")), 18);
	ck_assert_int_eq(json_integer_value(json_object_get(ev, "withdrawals")), 6);
	ev = json_array_get(jpath(root, "events", NULL), 1);
	ck_assert(json_is_null(json_object_get(ev, "detected_s")));
	ck_assert(json_is_null(json_object_get(ev, "converged_s")));
	ck_assert(json_is_null(json_object_get(ev, "convergence_s")));

	fl = json_array_get(jpath(root, "flows", NULL), 0);
	ck_assert_str_eq(json_string_value(json_object_get(fl, "id")), "app");
	ck_assert_str_eq(json_string_value(json_object_get(fl, "to")), "hub-weu");
	ck_assert_int_eq(json_array_size(json_object_get(fl, "paths")), 3);
	p = json_array_get(json_object_get(fl, "paths"), 1);
	ck_assert(json_real_value(json_object_get(p, "from_s")) == 0.84);
	ck_assert(json_real_value(json_object_get(p, "share")) == 0.5);
	ck_assert_str_eq(json_string_value(json_object_get(p, "status")), "delivered");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(p, "path"), 2)),
			 "amsterdam-1/b");
	ck_assert(json_real_value(json_object_get(fl, "outage_s")) == 0.9);
	ck_assert(json_real_value(json_object_get(fl, "down_s")) == 0.0);
	ck_assert_int_eq(json_integer_value(json_object_get(fl, "lost_bytes")), 16875000);
	ck_assert(json_is_true(json_object_get(fl, "final_reachable")));
	ck_assert(json_real_value(json_object_get(fl, "max_utilization")) == 0.6);
	ck_assert_ptr_null(json_object_get(p, "hops"));	/* unknown: left out */
	fl = json_array_get(jpath(root, "flows", NULL), 1);
	p = json_array_get(json_object_get(fl, "paths"), 1);
	ck_assert_int_eq(json_array_size(json_object_get(p, "hops")), 4);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(p, "hops"), 0)),
			 "internal");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(p, "hops"), 2)),
			 "global-reach");
	p = json_array_get(json_object_get(fl, "paths"), 2);
	ck_assert_str_eq(json_string_value(json_object_get(p, "status")), "blackhole");
	ck_assert(json_is_false(json_object_get(fl, "final_reachable")));
	ck_assert(json_is_null(json_object_get(fl, "max_utilization_link")));

	ck_assert(json_is_true(jpath(jpath(root, "reachability", "ams-dc"), "hub-weu", NULL)));
	ck_assert(json_is_false(jpath(jpath(root, "reachability", "ams-dc"), "dal-dc", NULL)));
	ck_assert_ptr_null(json_object_get(jpath(root, "reachability", "ams-dc"), "ams-dc"));
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(jpath(root, "notices", NULL), 0), "kind")), "prefix-limit");

	rt = jpath(jpath(root, "ribs", "hub-weu/gw"), "192.168.10.0/24", NULL);
	ck_assert_int_eq(json_integer_value(json_array_get(json_object_get(rt, "as_path"), 0)), 12076);
	ck_assert_str_eq(json_string_value(json_object_get(rt, "next_hop")), "amsterdam-1/b");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(rt, "ecmp"), 0)),
			 "amsterdam-1/b");
	ck_assert_int_eq(json_integer_value(json_object_get(rt, "local_pref")), 100);
	ck_assert_str_eq(json_string_value(json_object_get(rt, "origin")), "incomplete");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(rt, "communities"), 1)),
			 "65010:1");
	ck_assert_int_eq(json_integer_value(json_object_get(rt, "med")), 50);
	ck_assert_int_eq(json_integer_value(json_object_get(rt, "weight")), 100);
	rt = jpath(jpath(root, "ribs", "hub-weu/gw"), "10.1.0.0/16", NULL);
	ck_assert(json_is_null(json_object_get(rt, "next_hop")));
	ck_assert_ptr_null(json_object_get(rt, "med"));

	ck_assert_int_eq(json_integer_value(jpath(root, "stats", "events_processed")), 1234);
	ck_assert_int_eq(json_integer_value(jpath(root, "stats", "messages")), 210);
	ck_assert_str_eq(json_string_value(jpath(root, "stats", "fingerprint")), "0123456789abcdef");
	json_decref(root);
	free(text);
	ers_result_free(r);
}
END_TEST

/* Keys in the documented order, short numbers, ribs only when asked. */
START_TEST(test_json_text_form)
{
	struct ers_result *r = sample(false);
	char *text = json_text(r);
	static const char *const order[] = { "\"format\"", "\"scenario\"", "\"seed\"",
		"\"topology\"", "\"initial_convergence_s\"", "\"events\"", "\"flows\"",
		"\"reachability\"", "\"notices\"", "\"stats\"" };
	const char *prev = text;

	ck_assert_msg(!strncmp(text, "{\n  \"format\": \"ersim-result/1\",\n  \"scenario\": \"two-sites\",\n", 58),
		      "starts with: %.80s", text);
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		const char *at = strstr(text, order[i]);

		ck_assert_msg(at && at >= prev, "%s out of order", order[i]);
		prev = at;
	}
	ck_assert_ptr_nonnull(strstr(text, "\"at_s\": 60.0,"));
	ck_assert_ptr_nonnull(strstr(text, "\"detected_s\": 60.9,"));
	ck_assert_ptr_nonnull(strstr(text, "\"initial_convergence_s\": 0.84,"));
	ck_assert_ptr_nonnull(strstr(text, "\"max_utilization\": 0.6,"));
	ck_assert_ptr_nonnull(strstr(text, "\"detected_s\": null,"));
	ck_assert_ptr_null(strstr(text, "\"ribs\""));
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	free(text);
	ers_result_free(r);
}
END_TEST

START_TEST(test_json_byte_identical)
{
	struct ers_result *a = sample(true), *b = sample(true);
	char *ta, *tb;

	b->stats.wall_s = a->stats.wall_s;
	ta = json_text(a);
	tb = json_text(b);
	ck_assert_str_eq(ta, tb);
	free(ta);
	free(tb);
	ers_result_free(a);
	ers_result_free(b);
}
END_TEST

static void assert_same_result(const struct ers_result *a, const struct ers_result *b)
{
	ck_assert_str_eq(a->scenario, b->scenario);
	ck_assert_uint_eq(a->seed, b->seed);
	ck_assert_uint_eq(a->n_sessions, b->n_sessions);
	ck_assert_int_eq(a->initial_convergence, b->initial_convergence);
	ck_assert_int_eq(a->end, b->end);
	ck_assert_uint_eq(a->n_events, b->n_events);
	for (size_t i = 0; i < a->n_events; i++) {
		ck_assert_int_eq(a->events[i].at, b->events[i].at);
		ck_assert_int_eq(a->events[i].detected, b->events[i].detected);
		ck_assert_int_eq(a->events[i].converged, b->events[i].converged);
		ck_assert_str_eq(a->events[i].target, b->events[i].target);
		ck_assert_uint_eq(a->events[i].withdrawals, b->events[i].withdrawals);
	}
	ck_assert_uint_eq(a->n_flows, b->n_flows);
	for (size_t i = 0; i < a->n_flows; i++) {
		const struct ers_flow_result *fa = &a->flows[i], *fb = &b->flows[i];

		ck_assert_str_eq(fa->id, fb->id);
		ck_assert_uint_eq(fa->rate, fb->rate);
		ck_assert_uint_eq(fa->n_paths, fb->n_paths);
		for (size_t j = 0; j < fa->n_paths; j++) {
			ck_assert_int_eq(fa->paths[j].from, fb->paths[j].from);
			ck_assert(fa->paths[j].share == fb->paths[j].share);
			ck_assert_int_eq(fa->paths[j].status, fb->paths[j].status);
			ck_assert_uint_eq(fa->paths[j].n_nodes, fb->paths[j].n_nodes);
			ck_assert_str_eq(fa->paths[j].nodes[fa->paths[j].n_nodes - 1],
					 fb->paths[j].nodes[fb->paths[j].n_nodes - 1]);
			ck_assert_int_eq(!fa->paths[j].hops, !fb->paths[j].hops);
			for (size_t k = 0; fa->paths[j].hops && k + 1 < fa->paths[j].n_nodes; k++)
				ck_assert_int_eq(fa->paths[j].hops[k], fb->paths[j].hops[k]);
		}
		ck_assert_int_eq(fa->outage, fb->outage);
		ck_assert_uint_eq(fa->lost_bytes, fb->lost_bytes);
		ck_assert_int_eq(fa->final_reachable, fb->final_reachable);
		ck_assert(fa->max_utilization == fb->max_utilization);
	}
	ck_assert_uint_eq(a->n_endpoints, b->n_endpoints);
	for (size_t i = 0; i < a->n_endpoints * a->n_endpoints; i++)
		ck_assert_int_eq(a->reach[i], b->reach[i]);
	ck_assert_uint_eq(a->n_ribs, b->n_ribs);
	ck_assert_uint_eq(a->stats.fingerprint, b->stats.fingerprint);
}

START_TEST(test_json_read_back)
{
	struct ers_result *r = sample(true), *back = NULL;
	struct ers_diag d;
	char path[128], *t1, *t2;

	make_tmpdir();
	snprintf(path, sizeof path, "%s/result.json", tmpdir);
	t1 = json_text(r);
	write_file(path, t1);
	ers_diag_init(&d);
	ck_assert_int_eq(ers_result_read_json(path, &back, &d), ERS_OK);
	ck_assert_uint_eq(d.n_msgs, 0);
	assert_same_result(r, back);
	ck_assert_str_eq(back->ribs[0].routes[1].origin, "incomplete");
	ck_assert(back->ribs[0].routes[1].has_med);
	ck_assert(!back->ribs[0].routes[0].has_med);
	/* Writing what was read gives the same bytes: nothing is lost. */
	t2 = json_text(back);
	ck_assert_str_eq(t1, t2);
	free(t1);
	free(t2);
	ers_result_free(back);
	ers_result_free(r);
	ers_diag_release(&d);
	remove_tmpdir();
}
END_TEST

static const struct bad_doc {
	const char *text;		/* NULL: no file at all */
	enum ers_err code;
	const char *message;
} bad_docs[] = {
	{ NULL, ERS_EIO, "cannot read" },
	{ "<scenario/>", ERS_EINVAL, "not a JSON document" },
	{ "{\"name\": \"x\"}", ERS_EINVAL, "not an ersim result document" },
	{ "[1, 2]", ERS_EINVAL, "not an ersim result document" },
	{ "{\"format\": \"ersim-result/9\"}", ERS_EINVAL, "unsupported result format 'ersim-result/9'" },
	{ "{\"format\": \"ersim-result/1\", \"seed\": 1}", ERS_EINVAL, "field 'scenario' is missing" },
	{ "{\"format\": \"ersim-result/1\", \"scenario\": \"s\", \"seed\": 1,"
	  " \"topology\": {\"routers\": 1, \"links\": 0, \"sessions\": 0},"
	  " \"initial_convergence_s\": 1, \"events\": [],"
	  " \"flows\": [{\"id\": \"f\", \"from\": \"a\", \"to\": \"b\","
	  " \"paths\": [{\"from_s\": 1, \"path\": [\"a\"], \"share\": \"half\"}]}]}",
	  ERS_EINVAL, "field 'flows[0].paths[0].share' must be a number" },
	{ "{\"format\": \"ersim-result/1\", \"scenario\": \"s\", \"seed\": 1,"
	  " \"topology\": {\"routers\": 1, \"links\": 0, \"sessions\": 0},"
	  " \"initial_convergence_s\": 1, \"events\": [],"
	  " \"flows\": [{\"id\": \"f\", \"from\": \"a\", \"to\": \"b\","
	  " \"paths\": [{\"from_s\": 1, \"path\": [\"a\", \"b\"], \"hops\": [\"warp\"], \"share\": 1}]}]}",
	  ERS_EINVAL, "field 'flows[0].paths[0].hops' must name hop kinds" },
	{ "{\"format\": \"ersim-result/1\", \"scenario\": \"s\", \"seed\": 1,"
	  " \"topology\": {\"routers\": 1, \"links\": 0, \"sessions\": 0},"
	  " \"initial_convergence_s\": 1, \"events\": [],"
	  " \"flows\": [{\"id\": \"f\", \"from\": \"a\", \"to\": \"b\","
	  " \"paths\": [{\"from_s\": 1, \"path\": [\"a\", \"b\"], \"hops\": [], \"share\": 1}]}]}",
	  ERS_EINVAL, "field 'flows[0].paths[0].hops' must have one entry per hop" },
	{ "{\"format\": \"ersim-result/1\", \"scenario\": \"s\", \"seed\": 1,"
	  " \"topology\": {\"routers\": 1, \"links\": 0, \"sessions\": 0},"
	  " \"initial_convergence_s\": 1, \"events\": [{\"at_s\": -4}]}",
	  ERS_EINVAL, "field 'events[0].at_s' must be a time in seconds" },
};

START_TEST(test_json_read_rejects)
{
	const struct bad_doc *c = &bad_docs[_i];
	struct ers_result *r = (struct ers_result *)1;
	struct ers_diag d;
	char path[128];

	make_tmpdir();
	snprintf(path, sizeof path, "%s/doc.json", tmpdir);
	if (c->text)
		write_file(path, c->text);
	ers_diag_init(&d);
	ck_assert_int_eq(ers_result_read_json(path, &r, &d), c->code);
	ck_assert_ptr_null(r);
	ck_assert_msg(ers_diag_has(&d, c->message), "expected '%s', got '%s'",
		      c->message, d.n_msgs ? d.msgs[0].text : "(nothing)");
	ck_assert_str_eq(d.msgs[0].file, path);
	ers_diag_release(&d);
	remove_tmpdir();
}
END_TEST

/* ---- report ---- */

START_TEST(test_report_values)
{
	char buf[32];

	ck_assert_str_eq(ers_report_time(60912 * ERS_MS, buf, sizeof buf), "60.912 s");
	ck_assert_str_eq(ers_report_time(0, buf, sizeof buf), "0.000 s");
	ck_assert_str_eq(ers_report_time(1499999, buf, sizeof buf), "0.001 s");
	ck_assert_str_eq(ers_report_time(1500000, buf, sizeof buf), "0.002 s");
	ck_assert_str_eq(ers_report_time(ERS_TIME_NEVER, buf, sizeof buf), "-");
	ck_assert_str_eq(ers_report_bytes(0, buf, sizeof buf), "0 B");
	ck_assert_str_eq(ers_report_bytes(999, buf, sizeof buf), "999 B");
	ck_assert_str_eq(ers_report_bytes(16875000, buf, sizeof buf), "16.9 MB");
	ck_assert_str_eq(ers_report_bytes(6750000000ull, buf, sizeof buf), "6.8 GB");
	ck_assert_str_eq(ers_report_bytes(999960, buf, sizeof buf), "1.0 MB");
}
END_TEST

static void assert_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return;
	ck_abort_msg("no line '%s' in report:\n%s", line, text);
}

START_TEST(test_report_rows)
{
	struct ers_result *r = sample(false);
	char *text = report_text(r, 0);

	assert_has_line(text, "scenario: two-sites, seed 42");
	assert_has_line(text, "topology: 9 routers, 12 links, 14 sessions");
	assert_has_line(text, "initial convergence: 0.840 s");
	assert_has_line(text, "simulated until: 600.000 s");
	assert_has_line(text, "         at  action   target               detected  converged  convergence  updates  withdrawals");
	assert_has_line(text, "   60.000 s  fail     link:er-ams/primary  60.900 s   61.300 s      1.300 s       18            6");
	assert_has_line(text, "  300.000 s  restore  link:er-ams/primary         -          -            -        0            0");
	assert_has_line(text, "  id           from -> to            outage       down     lost  reachable  max util  busiest link");
	assert_has_line(text, "  app          ams-dc -> hub-weu    0.900 s    0.000 s  16.9 MB  yes           60.0%  link:er-ams/secondary");
	assert_has_line(text, "      0.840-60.900 s     50%  ams-dc/ce1 > amsterdam-1/a > hub-weu/gw");
	assert_has_line(text, "                         50%  ams-dc/ce1 > ams-dc/ce2 > amsterdam-1/b > hub-weu/gw");
	assert_has_line(text, "      60.900-600.000 s  100%  ams-dc/ce1 > ams-dc/ce2 > amsterdam-1/b > hub-weu/gw");
	assert_has_line(text, "  replication  ams-dc -> dal-dc   540.000 s  540.000 s   6.8 GB  NO            10.0%  -");
	assert_has_line(text, "      0.840-60.000 s     50%  ams-dc/ce1 > ExpressRoute > amsterdam-1/a"
		" > Global Reach > dallas-1/a > ExpressRoute > dal-dc/ce1");
	assert_has_line(text, "      60.000-600.000 s  100%  ams-dc/ce1 (no route)");
	assert_has_line(text, "  61.000 s  prefix-limit  amsterdam-1/a@er-ams  4001 prefixes over limit 4000");
	assert_has_line(text, "           ams-dc  dal-dc  hub-weu");
	assert_has_line(text, "  ams-dc   -       NO      yes");
	assert_has_line(text, "  dal-dc   NO      -       NO");
	assert_has_line(text, "  hub-weu  yes     NO      -");
	ck_assert_ptr_null(strstr(text, "wall time"));
	ck_assert_ptr_null(strstr(text, " \n"));	/* no trailing blanks */
	free(text);
	text = report_text(r, ERS_REPORT_WALL);
	assert_has_line(text, "wall time: 0.003 s");
	free(text);
	ers_result_free(r);
}
END_TEST

START_TEST(test_report_no_events)
{
	struct ers_result *r = sample(false);
	char *text;

	r->events[0].at = 1;	/* keep the arrays; just hide them */
	r->n_events = 0;
	text = report_text(r, 0);
	assert_has_line(text, "events: none");
	assert_has_line(text, "      60.900-600.000 s  100%  ams-dc/ce1 > ams-dc/ce2 > amsterdam-1/b > hub-weu/gw");
	r->n_events = 2;
	free(text);
	ers_result_free(r);
}
END_TEST

/* ---- path timelines of bundled scenarios ---- */

/* default.xml: the primary Amsterdam link fails inside the provider at
 * 60 s and is restored at 300 s. Both flows are blackholed until the hold
 * timer fires, cross the secondary link (one internal hop to ce2) until
 * the primary's session is back, then return: four intervals each, where
 * "before" and "final" alone would show one path. */
START_TEST(test_paths_default_timeline)
{
	struct ers_run_opts o = { 0 };
	struct ers_result *r = tu_run("scenarios/default.xml", &o);
	const struct ers_flow_result *f = tu_flow(r, "replication");
	char *text = report_text(r, 0);

	assert_has_line(text, "      0.006-60.000 s     100%  ams-dc/ce1 > ExpressRoute > amsterdam-1/a"
			" > connection > hub-weu/gw");
	assert_has_line(text, "      60.000-229.767 s   100%  ams-dc/ce1 (no route)");
	assert_has_line(text, "      229.767-303.760 s  100%  ams-dc/ce1 > internal > ams-dc/ce2"
			" > ExpressRoute > amsterdam-1/b > connection > hub-weu/gw");
	assert_has_line(text, "      303.760-600.000 s  100%  ams-dc/ce1 > ExpressRoute > amsterdam-1/a"
			" > connection > hub-weu/gw");
	assert_has_line(text, "      229.767-303.760 s  100%  ams-dc/ce1 > internal > ams-dc/ce2"
			" > ExpressRoute > amsterdam-1/b > Global Reach > dallas-1/b"
			" > ExpressRoute > dal-dc/ce1");
	ck_assert_ptr_null(strstr(text, "same as before"));
	/* The same in the data: the Global Reach hop of the failover path. */
	ck_assert_uint_eq(f->n_paths, 4);
	ck_assert_int_eq((f->paths[2].from + ERS_MS / 2) / ERS_MS, 229767);
	ck_assert_uint_eq(f->paths[2].n_nodes, 5);
	ck_assert_int_eq(f->paths[2].hops[2], ERS_HOP_GLOBAL_REACH);
	ck_assert_str_eq(ers_hop_kind_str(f->paths[2].hops[2]), "global-reach");
	ck_assert_int_eq(f->paths[1].status, ERS_PATH_BLACKHOLE);
	ck_assert_ptr_null(f->paths[1].hops);
	free(text);
	ers_result_free(r);
}
END_TEST

/* expressroute/vpn-backup.xml: the circuit fails at 20 s; the gateway
 * first loses its ExpressRoute routes, then sends the return traffic
 * over the site-to-site VPN, which the timeline names. */
START_TEST(test_paths_vpn_backup_hop)
{
	struct ers_run_opts o = { 0 };
	struct ers_result *r = tu_run("scenarios/expressroute/vpn-backup.xml", &o);
	const struct ers_flow_result *f = tu_flow(r, "from-hub");
	char *text = report_text(r, 0);

	assert_has_line(text, "      0.008-20.000 s    50%  hub/gw > connection > amsterdam-1/a"
			" > ExpressRoute > hq/ce1");
	assert_has_line(text, "      20.000-20.001 s   50%  hub/gw > connection > amsterdam-1/a (no route)");
	assert_has_line(text, "      20.001-60.000 s  100%  hub/gw > VPN > hq/ce1");
	ck_assert_int_eq(f->paths[f->n_paths - 1].hops[0], ERS_HOP_VPN);
	ck_assert_int_eq((f->paths[f->n_paths - 1].from + ERS_MS / 2) / ERS_MS, 20001);
	free(text);
	ers_result_free(r);
}
END_TEST

/* ---- the ersim binary ---- */

static const char *ersim_path(void)
{
	const char *p = getenv("ERSIM");

	if (!p)
		p = "build/ersim";
	ck_assert_msg(access(p, X_OK) == 0, "set ERSIM to the built ersim binary ('%s': %s)",
		      p, strerror(errno));
	return p;
}

/* Run ersim with args (NULL-terminated, without argv[0]); its stderr goes
 * into err (NUL-terminated), its stdout into the file tmpdir/stdout.
 * Returns the exit status. */
static int run_ersim(const char *const *args, char *err, size_t n)
{
	char errpath[128], outpath[128];
	const char *argv[16] = { "ersim" };
	int status, fd;
	size_t got;
	FILE *f;
	pid_t pid;

	for (size_t i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	snprintf(errpath, sizeof errpath, "%s/stderr", tmpdir);
	snprintf(outpath, sizeof outpath, "%s/stdout", tmpdir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		execv(ersim_path(), (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	f = fopen(errpath, "r");
	ck_assert_ptr_nonnull(f);
	got = fread(err, 1, n - 1, f);
	err[got] = '\0';
	fclose(f);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_cli_unknown_option)
{
	static const char *const args[] = { "run", "--bogus", NULL };
	char err[4096];

	ersim_path();
	make_tmpdir();
	ck_assert_int_eq(run_ersim(args, err, sizeof err), 2);
	ck_assert_msg(strstr(err, "ersim run: unknown option '--bogus'\n") == err,
		      "stderr: %s", err);
	remove_tmpdir();
}
END_TEST

START_TEST(test_cli_bad_values)
{
	static const char *const until[] = { "run", "--until", "10 parsecs", NULL };
	static const char *const seed[] = { "run", "--seed", "-1", NULL };
	static const char *const json[] = { "run", "--json", NULL };
	char err[4096];

	ersim_path();
	make_tmpdir();
	ck_assert_int_eq(run_ersim(until, err, sizeof err), 2);
	ck_assert_msg(strstr(err, "bad --until '10 parsecs'"), "stderr: %s", err);
	ck_assert_int_eq(run_ersim(seed, err, sizeof err), 2);
	ck_assert_msg(strstr(err, "bad --seed '-1'"), "stderr: %s", err);
	ck_assert_int_eq(run_ersim(json, err, sizeof err), 2);
	ck_assert_msg(strstr(err, "option '--json' needs a value"), "stderr: %s", err);
	remove_tmpdir();
}
END_TEST

START_TEST(test_cli_missing_file)
{
	const char *args[] = { "run", NULL, NULL };
	char err[4096], path[128];

	ersim_path();
	make_tmpdir();
	snprintf(path, sizeof path, "%s/no-such-scenario.xml", tmpdir);
	args[1] = path;
	ck_assert_int_eq(run_ersim(args, err, sizeof err), 2);
	ck_assert_msg(strstr(err, path) != NULL, "stderr: %s", err);
	remove_tmpdir();
}
END_TEST

/* An output file that cannot be written is a runtime failure (3), and
 * neither the file nor its temporary is left behind. */
START_TEST(test_cli_json_unwritable)
{
	const char *args[] = { "run", "--json", NULL, NULL };
	char err[4096], path[160];
	struct stat st;

	ersim_path();
	make_tmpdir();
	snprintf(path, sizeof path, "%s/missing-dir/out.json", tmpdir);
	args[2] = path;
	ck_assert_int_eq(run_ersim(args, err, sizeof err), 3);
	ck_assert_msg(strstr(err, "cannot write") && strstr(err, "missing-dir/out.json"),
		      "stderr: %s", err);
	ck_assert_int_ne(stat(path, &st), 0);
	ck_assert(!tu_temp_left(path));
	remove_tmpdir();
}
END_TEST

static char *slurp(const char *path)
{
	FILE *in = fopen(path, "r");
	char *buf;
	long len;

	ck_assert_msg(in != NULL, "cannot read '%s'", path);
	ck_assert_int_eq(fseek(in, 0, SEEK_END), 0);
	len = ftell(in);
	ck_assert_int_ge(len, 0);
	rewind(in);
	buf = xcalloc(1, (size_t)len + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, in), (size_t)len);
	fclose(in);
	return buf;
}

/* The bundled scenario end to end: exit 0, the files in place and no
 * temporaries, a result document that reads back, and two runs that
 * agree byte for byte once wall time is set aside. */
START_TEST(test_cli_default_run_deterministic)
{
	const char *args[] = { "run", "--json", NULL, "--trace", NULL, NULL };
	char err[4096], json[2][160], trace[160], path[160];
	char *text[2], *report[2], *wall;
	struct ers_result *r;
	struct ers_diag d;
	struct stat st;

	ersim_path();
	make_tmpdir();
	snprintf(trace, sizeof trace, "%s/trace.jsonl", tmpdir);
	for (int i = 0; i < 2; i++) {
		snprintf(json[i], sizeof json[i], "%s/run%d.json", tmpdir, i);
		args[2] = json[i];
		args[4] = trace;
		ck_assert_msg(run_ersim(args, err, sizeof err) == 0, "stderr: %s", err);
		ck_assert(!tu_temp_left(json[i]));
		ck_assert_int_eq(stat(trace, &st), 0);
		snprintf(path, sizeof path, "%s/stdout", tmpdir);
		report[i] = slurp(path);
		wall = strstr(report[i], "\nwall time: ");
		ck_assert_ptr_nonnull(wall);
		*wall = '\0';
		ers_diag_init(&d);
		ck_assert_int_eq(ers_result_read_json(json[i], &r, &d), ERS_OK);
		ck_assert_str_eq(r->scenario, "default");
		ck_assert_uint_eq(r->seed, 42);
		ck_assert_uint_eq(r->n_events, 2);
		ck_assert_str_eq(r->events[0].target, "link:er-ams/primary");
		r->stats.wall_s = 0;
		text[i] = json_text(r);
		ers_result_free(r);
		ers_diag_release(&d);
	}
	ck_assert_str_eq(text[0], text[1]);
	ck_assert_str_eq(report[0], report[1]);
	ck_assert_ptr_nonnull(strstr(report[0], "scenario: default, seed 42\n"));
	for (int i = 0; i < 2; i++) {
		free(text[i]);
		free(report[i]);
	}
	remove_tmpdir();
}
END_TEST

Suite *make_report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *json = tcase_create("json"), *rep = tcase_create("text"),
		*cli = tcase_create("cli"), *paths = tcase_create("paths");

	tcase_add_test(json, test_json_fields_exact);
	tcase_add_test(json, test_json_text_form);
	tcase_add_test(json, test_json_byte_identical);
	tcase_add_test(json, test_json_read_back);
	tcase_add_loop_test(json, test_json_read_rejects, 0,
			    sizeof bad_docs / sizeof bad_docs[0]);
	suite_add_tcase(s, json);
	tcase_add_test(rep, test_report_values);
	tcase_add_test(rep, test_report_rows);
	tcase_add_test(rep, test_report_no_events);
	suite_add_tcase(s, rep);
	tcase_add_test(paths, test_paths_default_timeline);
	tcase_add_test(paths, test_paths_vpn_backup_hop);
	tcase_set_timeout(paths, 30);
	suite_add_tcase(s, paths);
	tcase_add_test(cli, test_cli_unknown_option);
	tcase_add_test(cli, test_cli_bad_values);
	tcase_add_test(cli, test_cli_missing_file);
	tcase_add_test(cli, test_cli_json_unwritable);
	tcase_add_test(cli, test_cli_default_run_deterministic);
	tcase_set_timeout(cli, 30);
	suite_add_tcase(s, cli);
	return s;
}
