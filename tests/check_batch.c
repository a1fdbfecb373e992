/*
 * check_batch.c - `ersim batch` and `ersim merge`: expansion of sweeps
 * and of each failure-set mode, seed derivation, a run that fails being
 * recorded without stopping the batch, resume after the batch is killed,
 * identical databases for -j 1 and -j 2 and for merged shards, the CSV
 * export and the refusal to mix experiments. The command tests run the
 * binary named by $ERSIM (default build/ersim) on the small scenario
 * tests/batch/two-circuits.xml, whose runs take milliseconds.
 *
 * The pool tests check that a batch cannot hang: the bundled experiments
 * and one with 8 MB results at -j 1, 2 and 8 under a watchdog; a worker
 * that crashes, hangs (--run-timeout) or sends garbage costs its run
 * only; SIGINT, SIGTERM and SIGHUP end a batch within 2 s whether it
 * waits for workers, for the database or for a run that never ends; a
 * second batch on a database is refused. Those that need a misbehaving
 * worker run $ERSIM_HOOKS (default build/ersim-test), the same program
 * built with the pool's test hooks (ERSIM_TEST_* variables).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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

static const char *hooks(void)
{
	const char *b = getenv("ERSIM_HOOKS");

	return b ? b : "build/ersim-test";
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

/* The summary without its last line, "results: PATH", which names the
 * database (batch prints it, merge does not). */
static char *summary_only(char *out)
{
	char *where = strstr(out, "\nresults: ");

	if (where)
		where[0] = '\0';
	return out;
}

/* ---- processes under a watchdog ---- */

/* tmpdir/name, in one of four static buffers. */
static const char *tp(const char *name)
{
	static char buf[4][160];
	static unsigned k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
	return buf[k];
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start `bin args...` (NULL-terminated) in a process group of its own,
 * stdout and stderr to tmpdir/bg.out and tmpdir/bg.err. */
static pid_t spawn(const char *bin, ...)
{
	const char *argv[32] = { bin };
	char path[128];
	va_list ap;
	size_t n = 1;
	pid_t pid;

	va_start(ap, bin);
	while (n < 31 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		snprintf(path, sizeof path, "%s/bg.out", tmpdir);
		dup2(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
		snprintf(path, sizeof path, "%s/bg.err", tmpdir);
		dup2(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

/* Wait at most limit seconds for pid: its exit code, 128 + the signal
 * that killed it, or -1 when the watchdog had to kill its whole process
 * group (it hung). *took: the seconds waited. */
static int watch(pid_t pid, double limit, double *took)
{
	double start = mono();
	int st;

	for (;;) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		if (mono() - start > limit) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			*took = mono() - start;
			return -1;
		}
		usleep(2000);
	}
	*took = mono() - start;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Is pid a live process (not gone, not a zombie)? */
static bool alive(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* "pid (comm) S ..." */
	return p && p[1] == ' ' && p[2] != 'Z';
}

/* The children of pid (the batch's workers), at most max of them. */
static size_t children(pid_t pid, pid_t *out, size_t max)
{
	char path[64];
	size_t n = 0;
	FILE *f;
	int c;

	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (n < max && fscanf(f, "%d", &c) == 1)
		out[n++] = c;
	fclose(f);
	return n;
}

/* Wait up to limit seconds for the database tmpdir/name to hold at
 * least n runs; the number it holds. */
static long wait_runs(const char *name, long n, double limit)
{
	double start = mono();
	long have = -1;

	while ((have = count(name, "SELECT count(*) FROM runs")) < n && mono() - start < limit)
		usleep(5000);
	return have;
}

/* Send sig to the batch pid (to its whole process group, as Ctrl-C on a
 * terminal does, when group): it must end within 2 s, with exit code 3,
 * saying how to continue, its workers gone. */
static void assert_stops(pid_t pid, int sig, bool group)
{
	pid_t kids[64];
	size_t n = children(pid, kids, 64);
	double took;
	char *err;
	int code;

	ck_assert_msg(n > 0, "the batch has no workers");
	kill(group ? -pid : pid, sig);
	code = watch(pid, 20, &took);
	ck_assert_msg(took < 2.0, "%s%s: the batch stopped after %.2f s", strsignal(sig),
		      group ? " to the group" : "", took);
	ck_assert_msg(code == 3, "%s: exit code %d", strsignal(sig), code);
	err = slurp("bg.err");
	ck_assert_msg(strstr(err, "run the same command again to continue"), "%s", err);
	free(err);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!alive(kids[i]), "%s: worker %d outlived the batch", strsignal(sig),
			      (int)kids[i]);
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
	sa = summary_only(slurp("out"));
	ck_assert_int_eq(sh("batch " DIR "pairs.xml --db %s/j2.db -j 2 --csv %s/j2.csv",
			    tmpdir, tmpdir), 0);
	sb = summary_only(slurp("out"));
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
	sa = summary_only(slurp("out"));
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
 * behind it on the same worker (run 4, with -j 2), and every other run,
 * still run. */
START_TEST(test_batch_worker_crash_costs_one_run)
{
	char *err;
	pid_t pid;
	double took;

	make_tmp();
	setenv("ERSIM_TEST_CRASH_RUN", "2", 1);
	pid = spawn(hooks(), "batch", DIR "pairs.xml", "-j", "2", "-q", "--db", tp("c.db"), NULL);
	unsetenv("ERSIM_TEST_CRASH_RUN");
	ck_assert_int_eq(watch(pid, 60, &took), 0);
	err = slurp("bg.err");
	ck_assert_ptr_nonnull(strstr(err, "1 run failed"));
	free(err);
	/* 6 pairs: run 2 failed with the signal, the five others ran. */
	ck_assert_int_eq(count("c.db", "SELECT count(*) FROM runs WHERE status = 'ok'"), 5);
	ck_assert_int_eq(count("c.db", "SELECT count(*) FROM runs WHERE id = 2 AND error = "
			       "'worker killed by signal 9 (Killed)'"), 1);
	remove_tmp();
}
END_TEST

/* The test hooks are not in the release binary: the variable does nothing. */
START_TEST(test_batch_release_has_no_test_hooks)
{
	make_tmp();
	setenv("ERSIM_TEST_CRASH_RUN", "2", 1);
	setenv("ERSIM_TEST_HANG_RUN", "3", 1);
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -j 2 -q --db %s/r.db", tmpdir), 0);
	unsetenv("ERSIM_TEST_CRASH_RUN");
	unsetenv("ERSIM_TEST_HANG_RUN");
	ck_assert_int_eq(count("r.db", "SELECT count(*) FROM runs WHERE status = 'ok'"), 6);
	remove_tmp();
}
END_TEST

/* A run that never ends is killed after --run-timeout and recorded as
 * failed, saying so; the run queued behind it on that worker (run 2)
 * runs on a new one. */
START_TEST(test_batch_run_timeout)
{
	char *err;
	double took;
	pid_t pid;
	int code;

	make_tmp();
	setenv("ERSIM_TEST_HANG_RUN", "0", 1);
	pid = spawn(hooks(), "batch", DIR "pairs.xml", "-j", "2", "-q", "--run-timeout", "1s",
		    "--db", tp("t.db"), NULL);
	unsetenv("ERSIM_TEST_HANG_RUN");
	code = watch(pid, 60, &took);
	ck_assert_int_eq(code, 0);
	ck_assert_msg(took >= 1.0 && took < 10.0, "took %.2f s", took);
	ck_assert_int_eq(count("t.db", "SELECT count(*) FROM runs WHERE status = 'ok'"), 5);
	ck_assert_int_eq(count("t.db", "SELECT count(*) FROM runs WHERE id = 0 AND error = "
			       "'run timed out: still running after 1s (--run-timeout); "
			       "worker killed'"), 1);
	ck_assert_int_eq(sh("batch " DIR "pairs.xml --run-timeout 5"), 2);
	err = slurp("err");
	ck_assert_msg(strstr(err, "bad --run-timeout '5': expected a unit"), "%s", err);
	free(err);
	remove_tmp();
}
END_TEST

/* A worker that writes something that is not an answer is killed; its
 * run is recorded as failed, the others run. */
START_TEST(test_batch_worker_garbage_costs_one_run)
{
	double took;
	pid_t pid;

	make_tmp();
	setenv("ERSIM_TEST_GARBAGE_RUN", "2", 1);
	pid = spawn(hooks(), "batch", DIR "pairs.xml", "-j", "2", "-q", "--db", tp("g.db"), NULL);
	unsetenv("ERSIM_TEST_GARBAGE_RUN");
	ck_assert_int_eq(watch(pid, 60, &took), 0);
	ck_assert_int_eq(count("g.db", "SELECT count(*) FROM runs WHERE status = 'ok'"), 5);
	ck_assert_int_eq(count("g.db", "SELECT count(*) FROM runs WHERE id = 2 AND error LIKE "
			       "'worker sent a malformed answer (type 0x74, %'"), 1);
	remove_tmp();
}
END_TEST

/* Without --db the database goes to the current directory, named after
 * the experiment file, and the summary ends with where it is. */
START_TEST(test_batch_default_db_in_current_dir)
{
	char exp[PATH_MAX], bin[PATH_MAX], dir[PATH_MAX], cmd[6 * PATH_MAX];
	char want[PATH_MAX + 64];
	struct stat st;
	bool had = stat(DIR "pairs.db", &st) == 0;
	char *out;

	make_tmp();
	ck_assert_ptr_nonnull(realpath(DIR "pairs.xml", exp));
	ck_assert_ptr_nonnull(realpath(ersim(), bin));
	ck_assert_ptr_nonnull(realpath(tmpdir, dir));
	snprintf(cmd, sizeof cmd, "cd %s && %s batch %s -q >out 2>err && "
		 "%s batch %s -q --shard 2/3 >out3 2>err3", dir, bin, exp, bin, exp);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(count("pairs.db", "SELECT count(*) FROM runs"), 6);
	ck_assert_int_eq(count("pairs-2-of-3.db", "SELECT count(*) FROM runs"), 2);
	ck_assert_int_eq(stat(DIR "pairs.db", &st) == 0, had);	/* nothing next to it */
	out = slurp("out");
	snprintf(want, sizeof want, "\nresults: %s/pairs.db\n", dir);
	ck_assert_msg(strstr(out, want), "%s", out);
	free(out);
	out = slurp("out3");
	snprintf(want, sizeof want, "\nresults: %s/pairs-2-of-3.db\n", dir);
	ck_assert_msg(strstr(out, want), "%s", out);
	free(out);
	remove_tmp();
}
END_TEST

/* A second batch (or a merge) on a database a batch is writing is
 * refused up front; once the first is gone (even killed with -9, its
 * workers with it), the database opens again. */
START_TEST(test_batch_refuses_second_writer)
{
	pid_t pid, kids[8];
	size_t n;
	double took;
	char *err;

	make_tmp();
	setenv("ERSIM_TEST_HANG_RUN", "0", 1);
	pid = spawn(hooks(), "batch", DIR "pairs.xml", "-j", "2", "-q", "--db", tp("l.db"), NULL);
	unsetenv("ERSIM_TEST_HANG_RUN");
	ck_assert_int_eq(wait_runs("l.db", 4, 30), 4);
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -q --db %s/l.db", tmpdir), 3);
	err = slurp("err");
	ck_assert_msg(strstr(err, "error: '") && strstr(err, "l.db' is in use by another ersim "
							 "batch or merge"), "%s", err);
	free(err);
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -q --db %s/m.db", tmpdir), 0);
	ck_assert_int_eq(sh("merge %s/l.db %s/m.db", tmpdir, tmpdir), 3);
	ck_assert_int_eq(count("l.db", "SELECT count(*) FROM runs"), 4);
	n = children(pid, kids, 8);
	ck_assert_uint_eq(n, 2);
	kill(pid, SIGKILL);
	watch(pid, 10, &took);
	for (int i = 0; i < 200 && (alive(kids[0]) || alive(kids[1])); i++)
		usleep(10000);
	ck_assert_msg(!alive(kids[0]) && !alive(kids[1]), "a worker outlived its batch");
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -q --db %s/l.db", tmpdir), 0);
	ck_assert_int_eq(count("l.db", "SELECT count(*) FROM runs WHERE status = 'ok'"), 6);
	remove_tmp();
}
END_TEST

/* The bundled experiments, and two synthetic ones, at -j 1, 2 and 8:
 * every run finishes. Each batch has a watchdog, so a pool that
 * deadlocks (its parent blocked reading one worker while the others
 * wait for work) fails the test instead of hanging the suite.
 * random-links runs one shard in 40 (10 runs with results of ~30 KB,
 * which stalled the old pool now and then). The synthetic ones are
 * resume.xml's 60 runs of a few ms with results padded by 20 KB (the
 * parent falls behind and answers pile up in the pipes, which stalled
 * the old pool within a few runs every time) and pairs.xml's with
 * results of 5 MB; padding is ignored when reading, so their databases
 * must equal the plain ones. */
START_TEST(test_batch_pool_never_deadlocks)
{
	static const struct {
		const char *exp, *shard;
		long runs;
		const char *pad;	/* ERSIM_TEST_RESULT_PAD */
		const char *plain;	/* the database it must equal */
	} cases[] = {
		{ "scenarios/experiments/random-links.xml", "1/40", 10, NULL, NULL },
		{ "scenarios/experiments/n1-bfd.xml", "1/1", 4, NULL, NULL },
		{ "scenarios/experiments/n2-default.xml", "1/1", 28, NULL, NULL },
		{ DIR "resume.xml", "1/1", 60, "20000", "resume.db" },
		{ DIR "pairs.xml", "1/1", 6, "5000000", "pairs.db" },
	};
	static const char *const jobs[] = { "1", "2", "8" };
	char name[64], *plain, *got;
	double took;
	pid_t pid;
	int code;

	make_tmp();
	ck_assert_int_eq(sh("batch " DIR "resume.xml -q --db %s/resume.db", tmpdir), 0);
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -q --db %s/pairs.db", tmpdir), 0);
	for (size_t j = 0; j < 3; j++) {
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			snprintf(name, sizeof name, "s%zu-j%s.db", i, jobs[j]);
			if (cases[i].pad)
				setenv("ERSIM_TEST_RESULT_PAD", cases[i].pad, 1);
			pid = spawn(cases[i].pad ? hooks() : ersim(), "batch", cases[i].exp,
				    "--shard", cases[i].shard, "-j", jobs[j], "-q", "--db", tp(name),
				    NULL);
			unsetenv("ERSIM_TEST_RESULT_PAD");
			code = watch(pid, 60, &took);
			ck_assert_msg(code != -1, "batch %s -j %s still running after 60 s: the "
				      "pool is stuck", cases[i].exp, jobs[j]);
			ck_assert_msg(code == 0, "batch %s -j %s: exit code %d", cases[i].exp,
				      jobs[j], code);
			ck_assert_int_eq(count(name, "SELECT count(*) FROM runs WHERE status = "
					       "'ok'"), cases[i].runs);
			if (!cases[i].plain)
				continue;
			plain = dump(cases[i].plain);
			got = dump(name);
			ck_assert_msg(!strcmp(got, plain), "%s -j %s with results padded by %s "
				      "bytes: database differs", cases[i].exp, jobs[j], cases[i].pad);
			free(plain);
			free(got);
		}
	}
	remove_tmp();
}
END_TEST

/* Signals while the parent waits for workers busy with ordinary runs:
 * each stops the batch at once; the runs stored stay, none is recorded
 * as failed because of the stop. */
START_TEST(test_batch_signal_while_waiting_for_workers)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	char name[32];
	pid_t pid;
	long n;

	make_tmp();
	for (size_t i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "w%zu.db", i);
		pid = spawn(ersim(), "batch", "scenarios/experiments/random-links.xml", "--shard",
			    "1/10", "-j", "2", "--db", tp(name), NULL);
		ck_assert_int_ge(wait_runs(name, 2, 30), 2);
		assert_stops(pid, sigs[i], false);
		n = count(name, "SELECT count(*) FROM runs");
		ck_assert_msg(n >= 2 && n < 40, "%ld runs", n);
		ck_assert_int_eq(count(name, "SELECT count(*) FROM runs WHERE status != 'ok'"), 0);
	}
	remove_tmp();
}
END_TEST

/* Signals while a worker is in a run that does not end (run 0 hangs;
 * the other worker has finished runs 1, 3, 4 and 5): to the batch, and
 * Ctrl-C to its process group. Four runs stay, run 0 is not recorded,
 * and the resumed batch equals an uninterrupted one. */
START_TEST(test_batch_signal_during_long_run)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGINT };
	char name[32], *a, *b;
	pid_t pid;

	make_tmp();
	for (size_t i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "h%zu.db", i);
		setenv("ERSIM_TEST_HANG_RUN", "0", 1);
		pid = spawn(hooks(), "batch", DIR "pairs.xml", "-j", "2", "--db", tp(name), NULL);
		unsetenv("ERSIM_TEST_HANG_RUN");
		ck_assert_int_eq(wait_runs(name, 4, 30), 4);
		usleep(100000);
		assert_stops(pid, sigs[i], i == 3);
		ck_assert_int_eq(count(name, "SELECT count(*) FROM runs WHERE status = 'ok'"), 4);
		ck_assert_int_eq(count(name, "SELECT count(*) FROM runs WHERE id = 0"), 0);
	}
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -q --db %s/h3.db", tmpdir), 0);
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -q --db %s/full.db", tmpdir), 0);
	a = dump("h3.db");
	b = dump("full.db");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	remove_tmp();
}
END_TEST

/* A signal while the batch waits to write its database (another
 * connection holds the write lock, as a long query or a slow disk
 * would make it wait): the batch gives up the write and stops at once;
 * the runs stored before stay. */
START_TEST(test_batch_signal_while_writing)
{
	char path[128];
	sqlite3 *db;
	pid_t pid;
	long n;

	make_tmp();
	pid = spawn(ersim(), "batch", "scenarios/experiments/random-links.xml", "--shard", "1/10",
		    "-j", "2", "--db", tp("w.db"), NULL);
	ck_assert_int_ge(wait_runs("w.db", 2, 30), 2);
	snprintf(path, sizeof path, "%s/w.db", tmpdir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	n = count("w.db", "SELECT count(*) FROM runs");
	usleep(500000);	/* runs take ~80 ms: the batch now waits to store one */
	assert_stops(pid, SIGTERM, false);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	ck_assert_int_eq(count("w.db", "SELECT count(*) FROM runs"), n);
	ck_assert_int_eq(count("w.db", "SELECT count(*) FROM runs WHERE status != 'ok'"), 0);
	remove_tmp();
}
END_TEST

/* Does tmpdir hold a temporary of the atomic writer for name
 * (name.tmpXXXXXX)? name may start with a subdirectory and its last
 * part is a grep pattern ("out-runs/run-[0-9]*\\.html"). */
static bool has_temporary(const char *name)
{
	const char *slash = strrchr(name, '/');
	char cmd[256];

	if (slash)
		snprintf(cmd, sizeof cmd, "ls %s/%.*s 2>/dev/null | grep -q '^%s\\.tmp'", tmpdir,
			 (int)(slash - name), name, slash + 1);
	else
		snprintf(cmd, sizeof cmd, "ls %s | grep -q '^%s\\.tmp'", tmpdir, name);
	return system(cmd) == 0;
}

/* Wait up to limit seconds for tmpdir/name to be a non-empty file. */
static bool wait_file(const char *name, double limit)
{
	double start = mono();
	char path[128];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	while (mono() - start < limit) {
		if (!stat(path, &st) && st.st_size > 0)
			return true;
		usleep(2000);
	}
	return false;
}

/* Wait up to limit seconds for a temporary of name to appear. */
static bool wait_temporary(const char *name, double limit)
{
	double start = mono();

	while (mono() - start < limit) {
		if (has_temporary(name))
			return true;
		usleep(5000);
	}
	return false;
}

/*
 * A signal while the batch prints its summary or writes its CSV or HTML
 * report or the --report-runs pages (every run is already stored;
 * ERSIM_TEST_SLOW_OUT makes each 64 bytes of output take 200 ms, or 50
 * ms once the summary is out of the way, as a slow disk or terminal
 * would; the smallest file, the CSV, still takes 1.5 s): it
 * stops within 2 s with exit code 3 and the way to continue; the output
 * file keeps what it held before (or does not exist), and no temporary
 * is left beside it.
 */
START_TEST(test_batch_signal_while_finishing)
{
	static const struct {
		const char *phase;	/* what is being written at the signal */
		int sig;
		bool old;		/* the output exists from before */
	} cases[] = {
		{ "summary", SIGINT, false }, { "csv", SIGTERM, false }, { "csv", SIGINT, true },
		{ "report", SIGTERM, false }, { "report", SIGINT, true },
		{ "run pages", SIGTERM, false },
	};
	static const char old_text[] = "the previous output\n";

	make_tmp();
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -q --db %s/f.db", tmpdir), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool pages = !strcmp(cases[i].phase, "run pages");
		const char *out = !strcmp(cases[i].phase, "csv") ? "out.csv" : "out.html";
		/* --report-runs writes each run's page before the report */
		const char *tmp_of = pages ? "out-runs/run-[0-9]*\\.html" : out;
		char path[128];
		double took;
		pid_t pid;
		char *err;
		int code;

		snprintf(path, sizeof path, "%s/%s", tmpdir, out);
		unlink(path);
		if (cases[i].old) {
			FILE *f = fopen(path, "w");

			ck_assert_ptr_nonnull(f);
			fputs(old_text, f);
			fclose(f);
		}
		/* The summary comes first: slow only when it is the phase
		 * signalled, else it took 3.4 s a case before the files. */
		setenv("ERSIM_TEST_SLOW_OUT", !strcmp(cases[i].phase, "summary") ? "200" : "50", 1);
		if (!strcmp(cases[i].phase, "summary"))
			pid = spawn(hooks(), "batch", DIR "pairs.xml", "--db", tp("f.db"), NULL);
		else if (pages)
			pid = spawn(hooks(), "batch", DIR "pairs.xml", "--db", tp("f.db"),
				    "--report", path, "--report-runs", "worst:1", NULL);
		else
			pid = spawn(hooks(), "batch", DIR "pairs.xml", "--db", tp("f.db"),
				    !strcmp(cases[i].phase, "csv") ? "--csv" : "--report", path, NULL);
		unsetenv("ERSIM_TEST_SLOW_OUT");
		if (!strcmp(cases[i].phase, "summary"))
			ck_assert_msg(wait_file("bg.out", 20), "no summary");
		else
			ck_assert_msg(wait_temporary(tmp_of, 20), "%s: no temporary", tmp_of);
		usleep(200000);		/* well inside the writing */
		kill(pid, cases[i].sig);
		code = watch(pid, 20, &took);
		ck_assert_msg(took < 2.0, "%s during the %s: stopped after %.2f s",
			      strsignal(cases[i].sig), cases[i].phase, took);
		ck_assert_msg(code == 3, "%s during the %s: exit code %d",
			      strsignal(cases[i].sig), cases[i].phase, code);
		err = slurp("bg.err");
		ck_assert_msg(strstr(err, "run the same command again to continue"), "%s", err);
		free(err);
		ck_assert_msg(!has_temporary(tmp_of), "%s during the %s left a temporary of %s",
			      strsignal(cases[i].sig), cases[i].phase, tmp_of);
		/* the page being written at the signal is not there, neither
		 * whole nor in part (a page written outside the shared writer,
		 * fast and unslowed, would be whole by now) */
		if (pages) {
			char ls[160];

			snprintf(ls, sizeof ls, "ls %s/out-runs 2>/dev/null | grep -q 'html$'", tmpdir);
			ck_assert_msg(system(ls) != 0, "a run page was left in out-runs/");
		}
		if (cases[i].old) {
			char *now = slurp(out);

			ck_assert_str_eq(now, old_text);
			free(now);
		} else if (strcmp(cases[i].phase, "summary")) {
			ck_assert_msg(access(path, F_OK) != 0, "a partial %s was written", out);
		}
	}
	/* nothing was lost: the same command completes */
	ck_assert_int_eq(sh("batch " DIR "pairs.xml -q --db %s/f.db --csv %s/out.csv", tmpdir,
			    tmpdir), 0);
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
	TCase *pool = tcase_create("pool");

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
	tcase_add_test(c, test_batch_usage_errors);
	tcase_add_test(c, test_batch_default_db_in_current_dir);
	suite_add_tcase(s, c);
	tcase_set_timeout(pool, 300);	/* the tests' own watchdogs are shorter */
	tcase_add_test(pool, test_batch_worker_crash_costs_one_run);
	tcase_add_test(pool, test_batch_release_has_no_test_hooks);
	tcase_add_test(pool, test_batch_run_timeout);
	tcase_add_test(pool, test_batch_worker_garbage_costs_one_run);
	tcase_add_test(pool, test_batch_refuses_second_writer);
	tcase_add_test(pool, test_batch_pool_never_deadlocks);
	tcase_add_test(pool, test_batch_signal_while_waiting_for_workers);
	tcase_add_test(pool, test_batch_signal_during_long_run);
	tcase_add_test(pool, test_batch_signal_while_writing);
	tcase_add_test(pool, test_batch_signal_while_finishing);
	suite_add_tcase(s, pool);
	return s;
}
