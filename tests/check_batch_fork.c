/*
 * check_batch_fork.c - batch runs that start from the converged network
 * (docs/batch.md): the worker converges a combination once and forks a
 * child per run. Checked here:
 *
 *   - what the forked workers store equals, field for field (fingerprint
 *     of every simulation event included), the run simulated from
 *     scratch in one process with the same two seeds (ers_batch_exec,
 *     what MPI ranks and --report-runs do), in every failure mode;
 *   - the routing outcome of a forked run equals that of `ersim run` of
 *     the same scenario, failures and seed from time 0 (ers_run without
 *     the fork): the same final routes in every router, the same
 *     reachability, the same flows cut and each outage within the BFD
 *     window the two runs' draws can differ by;
 *   - a combination whose failures come before it settles does not fork:
 *     its runs are exactly the from-scratch runs of before.
 */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "ersim/batch.h"
#include "ersim/result_json.h"
#include "ersim/run.h"
#include "ersim/scenario.h"

#define DIR "tests/batch/"

static struct ers_experiment *load(const char *path)
{
	struct ers_experiment *e = NULL;
	struct ers_diag d;

	ers_diag_init(&d);
	if (ers_experiment_load(path, &e, &d) != ERS_OK)
		ers_diag_print(&d, stderr);
	ers_diag_release(&d);
	ck_assert_msg(e != NULL, "cannot load %s", path);
	return e;
}

static const char *ersim(void)
{
	const char *b = getenv("ERSIM");

	return b ? b : "build/ersim";
}

/* ---- the stored runs against the in-process ones ---- */

static char tmpdir[64];

/* One run's row as text: what the database keeps of it. */
static char *stored(sqlite3 *db, size_t id)
{
	static const char *const q[] = {
		"SELECT status, error, initial_convergence_s, end_s, events_processed, "
		"messages, updates, fingerprint, lost_reachability FROM runs WHERE id = ?1",
		"SELECT at_s, action, target, detected_s, converged_s, updates, withdrawals "
		"FROM events WHERE run_id = ?1 ORDER BY idx",
		"SELECT flow, outage_s, down_s, lost_bytes, final_reachable, max_utilization "
		"FROM flows WHERE run_id = ?1 ORDER BY idx",
	};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	for (size_t k = 0; k < 3; k++) {
		sqlite3_stmt *st;

		ck_assert_int_eq(sqlite3_prepare_v2(db, q[k], -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++)
				fprintf(f, "%s|", sqlite3_column_text(st, c)
						  ? (const char *)sqlite3_column_text(st, c) : "NULL");
			fputc('\n', f);
		}
		sqlite3_finalize(st);
	}
	fclose(f);
	return out;
}

/* Store run id, simulated in this process, into an in-memory copy of the
 * schema through the batch's own writer, and read it back as above. */
static char *in_process(const struct ers_experiment *e, size_t id, const char *db_path)
{
	struct ers_batch_run r;
	struct ers_batch_db *db = NULL;
	struct ers_diag d;
	char *json = NULL, *row;
	size_t len = 0;
	sqlite3 *h;

	ers_diag_init(&d);
	ers_experiment_run(e, id, &r);
	ck_assert_int_eq(ers_batch_db_open(db_path, e, &db, &d), ERS_OK);
	if (ers_batch_exec(e, &r, &json, &len, &d) != ERS_OK)
		ers_diag_print(&d, stderr);
	ck_assert_int_eq(ers_batch_db_store(db, e, &r, json, len, NULL, &d), ERS_OK);
	ck_assert_int_eq(ers_batch_db_flush(db, &d), ERS_OK);
	ers_batch_db_close(db);
	free(json);
	ers_diag_release(&d);
	ck_assert_int_eq(sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	row = stored(h, id);
	sqlite3_close(h);
	return row;
}

/* `ersim batch EXP -j jobs` with forked workers, then every run again in
 * this process: the same rows. */
static void same_as_in_process(const char *exp, unsigned jobs)
{
	struct ers_experiment *e = load(exp);
	char cmd[512], db_path[128], one[128];
	sqlite3 *h;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/ersim-fork-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(db_path, sizeof db_path, "%s/forked.db", tmpdir);
	snprintf(cmd, sizeof cmd, "%s batch %s -j %u -q --db %s >/dev/null", ersim(), exp, jobs,
		 db_path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (size_t id = 0; id < e->n_runs; id++) {
		char *a = stored(h, id), *b;

		snprintf(one, sizeof one, "%s/one-%zu.db", tmpdir, id);
		b = in_process(e, id, one);
		ck_assert_msg(strstr(a, "ok|") == a, "%s run %zu: %s", exp, id, a);
		ck_assert_msg(!strcmp(a, b), "%s run %zu:\nforked:     %s\nin process: %s", exp,
			      id, a, b);
		free(a);
		free(b);
	}
	sqlite3_close(h);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	ers_experiment_free(e);
}

/* The combinations of these experiments converge before their failures:
 * their workers fork. */
static void assert_forks(const char *exp)
{
	struct ers_experiment *e = load(exp);

	for (size_t c = 0; c < e->n_combos; c++) {
		struct ers_batch_base *b = ers_batch_base_new(e, c);

		ck_assert_msg(ers_batch_base_forks(b), "%s: combination %zu does not fork", exp, c);
		ers_batch_base_free(b);
	}
	ers_experiment_free(e);
}

START_TEST(test_fork_pairs_restore)
{
	assert_forks(DIR "pairs.xml");
	same_as_in_process(DIR "pairs.xml", 2);
}
END_TEST

START_TEST(test_fork_sweep)
{
	assert_forks(DIR "sweep.xml");
	same_as_in_process(DIR "sweep.xml", 1);
}
END_TEST

START_TEST(test_fork_random_repetitions)
{
	assert_forks(DIR "random.xml");
	same_as_in_process(DIR "random.xml", 2);
}
END_TEST

START_TEST(test_fork_srlg_and_cut)
{
	assert_forks(DIR "srlg.xml");
	same_as_in_process(DIR "srlg.xml", 2);
	same_as_in_process(DIR "pairs-cut.xml", 1);
}
END_TEST

/* ---- the routing outcome against a run from time 0 ---- */

/* Run r of e from its variant: with the batch's two phases or, plain,
 * from time 0 with the run's seed alone (`ersim run --seed`). */
static json_t *simulate(const struct ers_experiment *e, const struct ers_batch_run *r,
			bool forked)
{
	struct ers_run_opts o = { .has_seed = true, .seed = r->seed, .ribs = true };
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_result *res = NULL;
	struct ers_diag d;
	char *xml = NULL, *out = NULL;
	size_t len = 0, olen = 0;
	FILE *f;
	json_t *j;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_batch_scenario(e, r, &xml, &len, &d), ERS_OK);
	ck_assert_int_eq(ers_scenario_load_mem(xml, len, e->scenario, &s, &d), ERS_OK);
	cat = ers_catalog_merge(e->builtin, &s->geography);
	ck_assert_ptr_nonnull(cat);
	if (forked) {
		ers_batch_run_opts(e, r, s, &o);
		o.ribs = true;
		ck_assert(ers_run_can_fork(s, &o));
	}
	ck_assert_int_eq(ers_run(s, cat, &o, &res, &d), ERS_OK);
	f = open_memstream(&out, &olen);
	ck_assert_int_eq(ers_result_write_json(res, f), ERS_OK);
	fclose(f);
	j = json_loadb(out, olen, 0, NULL);
	ck_assert_ptr_nonnull(j);
	free(out);
	free(xml);
	ers_result_free(res);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
	return j;
}

static double num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : -1;
}

/* The same routes in every router: the same prefixes, each with the same
 * attributes and forwarding set. Where the set has several routes, which
 * of them is the best may differ (counted in *ties): the oldest-route
 * tie-break (docs/model.md, decision step 9) keeps the route that came
 * first, which depends on arrival times, thus on the draws. */
static bool same_routes(json_t *a, json_t *b, size_t *ties)
{
	const char *router, *prefix;
	json_t *ra, *ea;

	if (json_object_size(a) != json_object_size(b))
		return false;
	json_object_foreach(a, router, ra) {
		json_t *rb = json_object_get(b, router);

		if (!rb || json_object_size(ra) != json_object_size(rb))
			return false;
		json_object_foreach(ra, prefix, ea) {
			json_t *eb = json_object_get(rb, prefix), *x, *y;

			if (!eb)
				return false;
			if (json_equal(ea, eb))
				continue;
			if (json_array_size(json_object_get(ea, "ecmp")) < 2 ||
			    !json_equal(json_object_get(ea, "ecmp"), json_object_get(eb, "ecmp")))
				return false;
			x = json_deep_copy(ea);
			y = json_deep_copy(eb);
			json_object_del(x, "next_hop");
			json_object_del(y, "next_hop");
			if (!json_equal(x, y)) {
				json_decref(x);
				json_decref(y);
				return false;
			}
			json_decref(x);
			json_decref(y);
			(*ties)++;
		}
	}
	return true;
}

/* Routes, reachability and outages of every run of exp: the forked run
 * against the plain one. tolerance: how far an outage may move (the BFD
 * detection window, interval, over which the two runs' draws of the last
 * packet before the failure range, plus processing times). */
static void same_outcome(const char *exp, double tolerance)
{
	struct ers_experiment *e = load(exp);
	size_t differ = 0, cut = 0, tie_breaks = 0;
	double most = 0;

	for (size_t id = 0; id < e->n_runs; id++) {
		struct ers_batch_run r;
		json_t *a, *b, *fa, *fb;

		ers_experiment_run(e, id, &r);
		a = simulate(e, &r, true);
		b = simulate(e, &r, false);
		ck_assert_msg(same_routes(json_object_get(a, "ribs"), json_object_get(b, "ribs"),
					  &tie_breaks),
			      "%s run %zu: the final routes differ", exp, id);
		ck_assert_msg(json_equal(json_object_get(a, "reachability"),
					 json_object_get(b, "reachability")),
			      "%s run %zu: the final reachability differs", exp, id);
		fa = json_object_get(a, "flows");
		fb = json_object_get(b, "flows");
		ck_assert_int_eq(json_array_size(fa), json_array_size(fb));
		for (size_t k = 0; k < json_array_size(fa); k++) {
			json_t *x = json_array_get(fa, k), *y = json_array_get(fb, k);
			double ox = num(x, "outage_s"), oy = num(y, "outage_s");

			ck_assert(json_equal(json_object_get(x, "final_reachable"),
					     json_object_get(y, "final_reachable")));
			cut += !json_is_true(json_object_get(x, "final_reachable"));
			ck_assert_msg((ox > 0) == (oy > 0) && fabs(ox - oy) <= tolerance,
				      "%s run %zu flow %zu: outage %.9f s forked, %.9f s from 0",
				      exp, id, k, ox, oy);
			differ += ox != oy;
			most = fmax(most, fabs(ox - oy));
		}
		json_decref(a);
		json_decref(b);
	}
	/* the comparison means something: outages exist and timing differs */
	ck_assert_msg(differ > 0, "%s: no outage differs; is the fork taken?", exp);
	if (getenv("FORK_DEBUG"))
		fprintf(stderr, "%s: %zu runs, %zu outages differ, %zu flows cut, %zu best routes "
			"picked among equals differently; outages differ by up to %.6f s\n", exp, e->n_runs,
			differ, cut, tie_breaks, most);
	ers_experiment_free(e);
}

START_TEST(test_fork_outcome_pairs)
{
	/* BFD 300 ms x 3: detection in [600, 900] ms after the failure */
	same_outcome(DIR "pairs.xml", 0.35);
	same_outcome(DIR "pairs-cut.xml", 0.35);
	same_outcome(DIR "sweep.xml", 0.35);
}
END_TEST

/* ---- falling back ---- */

START_TEST(test_fork_early_failure_falls_back)
{
	/* failures at 1 ms, long before the sessions are up: no fork, and
	 * every run is exactly the from-scratch run of the run's seed */
	char scn[PATH_MAX], path[64] = "/tmp/ersim-early-XXXXXX.xml";
	struct ers_experiment *e;
	struct ers_batch_base *b;
	int fd = mkstemps(path, 4);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(realpath(DIR "two-circuits.xml", scn));
	fprintf(f, "<experiment name=\"early\" scenario=\"%s\" seed=\"4\">\n"
		"  <failures mode=\"each\" targets=\"link:*\" at=\"1ms\"/>\n"
		"</experiment>\n", scn);
	fclose(f);
	e = load(path);
	b = ers_batch_base_new(e, 0);
	ck_assert(!ers_batch_base_forks(b));
	ers_batch_base_free(b);
	for (size_t id = 0; id < e->n_runs; id++) {
		struct ers_batch_run r;
		json_t *a, *c;

		ers_experiment_run(e, id, &r);
		a = simulate(e, &r, true);
		c = simulate(e, &r, false);
		ck_assert_msg(json_equal(a, c), "run %zu differs from the plain run", id);
		json_decref(a);
		json_decref(c);
	}
	ers_experiment_free(e);
	same_as_in_process(path, 2);
	unlink(path);
}
END_TEST

Suite *make_batch_fork_suite(void)
{
	Suite *s = suite_create("batch_fork");
	TCase *c = tcase_create("fork");

	tcase_add_test(c, test_fork_pairs_restore);
	tcase_add_test(c, test_fork_sweep);
	tcase_add_test(c, test_fork_random_repetitions);
	tcase_add_test(c, test_fork_srlg_and_cut);
	tcase_add_test(c, test_fork_outcome_pairs);
	tcase_add_test(c, test_fork_early_failure_falls_back);
	tcase_set_timeout(c, 120);
	suite_add_tcase(s, c);
	return s;
}
