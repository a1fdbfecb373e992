/*
 * check_batch.c - `ersim batch` and `ersim merge`: expansion of sweeps
 * and of each failure-set mode, seed derivation, a run that fails being
 * recorded without stopping the batch, resume after the batch is killed,
 * identical databases for -j 1 and -j 2 and for merged shards, the CSV
 * export and the refusal to mix experiments. The command tests run the
 * binary named by $ERSIM (default build/ersim) on the small scenario
 * tests/batch/two-circuits.xml, whose runs take milliseconds.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ersim/batch.h"
#include "ersim/rng.h"

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

/* A fresh temporary directory for one test's databases. */
static char tmpdir[64];

static void make_tmp(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ersim-batch-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Run `ersim ARGS` with output to tmpdir/out and tmpdir/err; exit code. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char args[1024], cmd[1400];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "%s %s >%s/out 2>%s/err", ersim(), args, tmpdir, tmpdir);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *name)
{
	char path[128];
	FILE *f;
	long n;
	char *s;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(fread(s, 1, (size_t)n, f), n);
	fclose(f);
	return s;
}

static int dump_row(void *ctx, int n, char **vals, char **cols)
{
	FILE *f = ctx;

	(void)cols;
	for (int i = 0; i < n; i++)
		fprintf(f, "%s|", vals[i] ? vals[i] : "NULL");
	fputc('\n', f);
	return 0;
}

/* Every row of the result tables in a fixed order. */
static char *dump(const char *name)
{
	static const char *const q[] = {
		"SELECT * FROM runs ORDER BY id", "SELECT * FROM params ORDER BY 1, 2",
		"SELECT * FROM events ORDER BY 1, 2", "SELECT * FROM flows ORDER BY 1, 2",
	};
	char path[128], *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(sqlite3_exec(db, q[i], dump_row, f, NULL), SQLITE_OK);
	sqlite3_close(db);
	fclose(f);
	return out;
}

static long count(const char *name, const char *sql)
{
	char path[128];
	sqlite3 *db;
	sqlite3_stmt *st;
	long n = -1;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);	/* a handle is allocated even on failure */
		return -1;
	}
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* ---- expansion ---- */

START_TEST(test_batch_sweep_is_a_cross_product)
{
	struct ers_experiment *e = load(DIR "sweep.xml");
	struct ers_batch_run r;
	char *p, *f;

	ck_assert_uint_eq(e->n_combos, 4);
	ck_assert_uint_eq(e->n_failsets, 4);
	ck_assert_uint_eq(e->n_runs, 16);
	/* the range from 5 to 10 step 5 with unit s, the last <vary> fastest */
	ck_assert_uint_eq(e->vary[1].n_values, 2);
	ck_assert_str_eq(e->vary[1].values[0], "5s");
	ck_assert_str_eq(e->vary[1].values[1], "10s");
	p = ers_experiment_params(e, 1);
	ck_assert_str_eq(p, "mult=2 keepalive=10s");
	free(p);
	p = ers_experiment_params(e, 2);
	ck_assert_str_eq(p, "mult=3 keepalive=5s");
	free(p);
	ers_experiment_run(e, 13, &r);	/* combo 3, failure 1 */
	ck_assert_uint_eq(r.combo, 3);
	ck_assert_uint_eq(r.failure, 1);
	f = ers_experiment_failure(e, r.failure);
	ck_assert_str_eq(f, "link:er-ams/secondary");
	free(f);
	ers_experiment_free(e);
}
END_TEST

/* The variant's XML carries the value and the failure set as events. */
START_TEST(test_batch_variant_scenario)
{
	struct ers_experiment *e = load(DIR "sweep.xml");
	struct ers_batch_run r;
	struct ers_diag d;
	char *xml;
	size_t len;

	ers_diag_init(&d);
	ers_experiment_run(e, 13, &r);
	ck_assert_int_eq(ers_batch_scenario(e, &r, &xml, &len, &d), ERS_OK);
	ck_assert_ptr_nonnull(strstr(xml, "multiplier=\"3\""));
	ck_assert_ptr_nonnull(strstr(xml, "keepalive=\"10s\""));
	ck_assert_ptr_nonnull(strstr(xml, "<fail at=\"5s\" target=\"link:er-ams/secondary\"/>"));
	ck_assert_ptr_null(strstr(xml, "<restore"));
	free(xml);
	ers_diag_release(&d);
	ers_experiment_free(e);
}
END_TEST

START_TEST(test_batch_pairs_are_unordered)
{
	struct ers_experiment *e = load(DIR "pairs.xml");
	struct ers_batch_run r;
	struct ers_diag d;
	char *f, *xml;
	size_t len;

	ck_assert_uint_eq(e->fail.n_targets, 4);
	ck_assert_uint_eq(e->n_runs, 6);
	f = ers_experiment_failure(e, 0);
	ck_assert_str_eq(f, "link:er-ams/primary + link:er-ams/secondary");
	free(f);
	f = ers_experiment_failure(e, 5);
	ck_assert_str_eq(f, "link:er-lon/primary + link:er-lon/secondary");
	free(f);
	ers_diag_init(&d);
	ers_experiment_run(e, 2, &r);
	ck_assert_int_eq(ers_batch_scenario(e, &r, &xml, &len, &d), ERS_OK);
	ck_assert_ptr_nonnull(strstr(xml, "<fail at=\"5s\" target=\"link:er-ams/primary\"/>"));
	ck_assert_ptr_nonnull(strstr(xml, "<restore at=\"15s\" target=\"link:er-lon/secondary\"/>"));
	free(xml);
	ers_diag_release(&d);
	ers_experiment_free(e);
}
END_TEST

START_TEST(test_batch_srlg_mode)
{
	struct ers_experiment *e = load(DIR "srlg.xml");
	char *f;

	ck_assert_uint_eq(e->n_failsets, 2);
	ck_assert_uint_eq(e->n_runs, 4);	/* two repetitions */
	f = ers_experiment_failure(e, 0);
	ck_assert_str_eq(f, "srlg:primaries");
	free(f);
	f = ers_experiment_failure(e, 1);
	ck_assert_str_eq(f, "srlg:amsterdam");
	free(f);
	ers_experiment_free(e);
}
END_TEST

/* Random draws: the same per run every time, different per repetition,
 * and the run lasts at + horizon. */
START_TEST(test_batch_random_mode)
{
	struct ers_experiment *e = load(DIR "random.xml");
	struct ers_batch_run r0, r1;
	struct ers_diag d;
	char *a, *b, *c;
	size_t len;

	ck_assert_uint_eq(e->n_runs, 4);
	ck_assert_uint_eq(e->fail.n_targets, 2);
	ers_diag_init(&d);
	ers_experiment_run(e, 0, &r0);
	ers_experiment_run(e, 1, &r1);
	ck_assert_int_eq(ers_batch_scenario(e, &r0, &a, &len, &d), ERS_OK);
	ck_assert_int_eq(ers_batch_scenario(e, &r0, &b, &len, &d), ERS_OK);
	ck_assert_int_eq(ers_batch_scenario(e, &r1, &c, &len, &d), ERS_OK);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_ptr_nonnull(strstr(a, "duration=\"605s\""));
	ck_assert_ptr_nonnull(strstr(a, "target=\"circuit:er-lon\""));
	free(a);
	free(b);
	free(c);
	ers_diag_release(&d);
	ers_experiment_free(e);
}
END_TEST

/* A run's seed comes from the experiment seed and its key, not its id. */
START_TEST(test_batch_seed_derivation)
{
	struct ers_experiment *e = load(DIR "sweep.xml");
	struct ers_batch_run r;
	char *key;

	ers_experiment_run(e, 13, &r);
	key = ers_experiment_key(e, &r);
	ck_assert_str_eq(key, "mult=3 keepalive=10s|link:er-ams/secondary|0");
	ck_assert_uint_eq(r.seed, ers_batch_seed(11, key));
	ck_assert_uint_ne(r.seed, ers_batch_seed(12, key));
	/* FNV-1a of "" is the offset basis */
	ck_assert_uint_eq(ers_batch_seed(0, ""), ers_rng_mix(0xcbf29ce484222325ULL));
	free(key);
	ers_experiment_free(e);
}
END_TEST

START_TEST(test_batch_bad_xpath_names_line)
{
	struct ers_experiment *e = NULL;
	struct ers_diag d;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_experiment_load(DIR "bad-xpath.xml", &e, &d), ERS_EINVAL);
	ck_assert_ptr_null(e);
	ck_assert_int_eq(d.msgs[0].line, 5);
	ck_assert(ers_diag_has(&d, "xpath '/scenario/nothing/@x' selects no attribute"));
	ers_diag_release(&d);
}
END_TEST

/* ---- the command ---- */

START_TEST(test_batch_failed_run_is_recorded)
{
	char *err;

	make_tmp();
	ck_assert_int_eq(sh("batch " DIR "bad-value.xml --db %s/b.db -j 2", tmpdir), 0);
	ck_assert_int_eq(count("b.db", "SELECT count(*) FROM runs WHERE status = 'ok'"), 2);
	ck_assert_int_eq(count("b.db", "SELECT count(*) FROM runs WHERE status = 'error' AND "
			       "error LIKE '%invalid multiplier ''0'' on <bfd>%'"), 2);
	err = slurp("err");
	ck_assert_ptr_nonnull(strstr(err, "2 runs failed"));
	free(err);
	remove_tmp();
}
END_TEST

START_TEST(test_batch_jobs_give_identical_results)
{
	char *a, *b, *sa, *sb;

	make_tmp();
	ck_assert_int_eq(sh("batch " DIR "pairs.xml --db %s/j1.db -j 1 --csv %s/j1.csv",
			    tmpdir, tmpdir), 0);
	sa = slurp("out");
	ck_assert_int_eq(sh("batch " DIR "pairs.xml --db %s/j2.db -j 2 --csv %s/j2.csv",
			    tmpdir, tmpdir), 0);
	sb = slurp("out");
	a = dump("j1.db");
	b = dump("j2.db");
	ck_assert_int_eq(count("j1.db", "SELECT count(*) FROM runs"), 6);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(sa, sb);
	ck_assert_ptr_nonnull(strstr(sa, "runs: 6 of 6 done, 0 failed"));
	ck_assert_ptr_nonnull(strstr(sa, "worst failure sets by flow.outage_s:"));
	free(a); free(b); free(sa); free(sb);
	a = slurp("j1.csv");
	b = slurp("j2.csv");
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(a, "run,failure,repetition,seed,status,error,flow,"));
	ck_assert_ptr_nonnull(strstr(a, "\n0,link:er-ams/primary + link:er-ams/secondary,0,"));
	free(a); free(b);
	remove_tmp();
}
END_TEST

START_TEST(test_batch_shards_merge_to_single_run)
{
	char *a, *b, *sa, *sb;

	make_tmp();
	ck_assert_int_eq(sh("batch " DIR "sweep.xml --db %s/all.db -j 2", tmpdir), 0);
	sa = slurp("out");
	for (int k = 1; k <= 3; k++)
		ck_assert_int_eq(sh("batch " DIR "sweep.xml --db %s/s%d.db --shard %d/3 -j 1",
				    tmpdir, k, k), 0);
	ck_assert_int_eq(count("s1.db", "SELECT count(*) FROM runs"), 6);	/* 0,3,...,15 */
	ck_assert_int_eq(count("s3.db", "SELECT count(*) FROM runs"), 5);
	ck_assert_int_eq(sh("merge %s/m.db %s/s1.db %s/s2.db %s/s3.db", tmpdir, tmpdir,
			    tmpdir, tmpdir), 0);
	sb = slurp("out");
	a = dump("all.db");
	b = dump("m.db");
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(sa, sb);
	free(a); free(b); free(sa); free(sb);
	remove_tmp();
}
END_TEST

/* kill -9 in the middle: finished runs stay, the rerun does the rest and
 * the database equals an uninterrupted one. */
START_TEST(test_batch_resume_after_kill)
{
	char db[128], *a, *b;
	pid_t pid;
	long n = 0;

	make_tmp();
	snprintf(db, sizeof db, "%s/r.db", tmpdir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execl(ersim(), "ersim", "batch", DIR "resume.xml", "--db", db, "-j", "1",
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 2000 && n < 5; i++) {
		usleep(2000);
		n = count("r.db", "SELECT count(*) FROM runs");
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	n = count("r.db", "SELECT count(*) FROM runs");
	ck_assert_msg(n >= 5 && n < 60, "%ld runs before the kill", n);
	ck_assert_int_eq(sh("batch " DIR "resume.xml --db %s -j 2", db), 0);
	a = slurp("err");
	ck_assert_msg(strstr(a, "runs (100%)") || strstr(a, "100%"), "%s", a);
	free(a);
	ck_assert_int_eq(sh("batch " DIR "resume.xml --db %s/full.db -j 2", tmpdir), 0);
	a = dump("r.db");
	b = dump("full.db");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	remove_tmp();
}
END_TEST

START_TEST(test_batch_refuses_other_experiment_db)
{
	char *err;

	make_tmp();
	ck_assert_int_eq(sh("batch " DIR "srlg.xml --db %s/x.db -q", tmpdir), 0);
	ck_assert_int_eq(sh("batch " DIR "pairs.xml --db %s/x.db -q", tmpdir), 2);
	err = slurp("err");
	ck_assert_ptr_nonnull(strstr(err, "holds results of a different experiment"));
	free(err);
	ck_assert_int_eq(sh("batch " DIR "pairs.xml --db %s/y.db -q", tmpdir), 0);
	ck_assert_int_eq(sh("merge %s/z.db %s/x.db %s/y.db", tmpdir, tmpdir, tmpdir), 2);
	remove_tmp();
}
END_TEST

/* A run that crashes its worker is recorded as failed; the run queued
 * behind it on the same worker, and every other run, still run. */
START_TEST(test_batch_worker_crash_costs_one_run)
{
	char *err;

	make_tmp();
	setenv("ERSIM_TEST_CRASH_RUN", "2", 1);
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -j 2 -q --db %s/c.db", tmpdir), 0);
	unsetenv("ERSIM_TEST_CRASH_RUN");
	err = slurp("err");
	ck_assert_ptr_nonnull(strstr(err, "1 run failed"));
	free(err);
	/* 6 pairs: run 2 failed with the signal, the five others ran. */
	ck_assert_int_eq(count("c.db", "SELECT count(*) FROM runs WHERE status = 'ok'"), 5);
	ck_assert_int_eq(count("c.db", "SELECT count(*) FROM runs WHERE id = 2 AND error = "
			       "'worker killed by signal 9 (Killed)'"), 1);
	remove_tmp();
}
END_TEST

START_TEST(test_batch_usage_errors)
{
	char *err;

	make_tmp();
	ck_assert_int_eq(sh("batch " DIR "srlg.xml --shard 4/3"), 2);
	err = slurp("err");
	ck_assert_ptr_nonnull(strstr(err, "ersim batch: bad --shard '4/3': expected K/N"));
	free(err);
	ck_assert_int_eq(sh("batch " DIR "srlg.xml -j 0"), 2);
	ck_assert_int_eq(sh("merge only.db"), 2);
	remove_tmp();
}
END_TEST

Suite *make_batch_suite(void)
{
	Suite *s = suite_create("batch");
	TCase *t = tcase_create("expand");
	TCase *c = tcase_create("command");

	tcase_add_test(t, test_batch_sweep_is_a_cross_product);
	tcase_add_test(t, test_batch_variant_scenario);
	tcase_add_test(t, test_batch_pairs_are_unordered);
	tcase_add_test(t, test_batch_srlg_mode);
	tcase_add_test(t, test_batch_random_mode);
	tcase_add_test(t, test_batch_seed_derivation);
	tcase_add_test(t, test_batch_bad_xpath_names_line);
	suite_add_tcase(s, t);
	tcase_set_timeout(c, 120);
	tcase_add_test(c, test_batch_failed_run_is_recorded);
	tcase_add_test(c, test_batch_jobs_give_identical_results);
	tcase_add_test(c, test_batch_shards_merge_to_single_run);
	tcase_add_test(c, test_batch_resume_after_kill);
	tcase_add_test(c, test_batch_refuses_other_experiment_db);
	tcase_add_test(c, test_batch_worker_crash_costs_one_run);
	tcase_add_test(c, test_batch_usage_errors);
	suite_add_tcase(s, c);
	return s;
}
