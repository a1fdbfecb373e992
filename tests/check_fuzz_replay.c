/*
 * check_fuzz_replay.c - every input the fuzzers once crashed, hung or
 * broke an invariant on (each file of tests/fuzz/regressions/TARGET/)
 * goes again through the same entry point (fuzz_targets.c), in the
 * normal build and under `make test SAN=1`, so a fixed finding stays
 * fixed without clang's fuzzer runtime. The result target also replays
 * its seed documents (tests/fuzz/seeds/result), which checks the JSON
 * round trip on real results, and the run target the bundled scenarios.
 * An entry point aborts on a broken invariant; Check reports that as an
 * error of the test naming the target, and the file is on stderr
 * ("fuzz replay: FILE").
 *
 * A finding named slow-* or timeout-* was an input on which the fuzzer
 * timed out (over 10 s an execution): it must now replay within a CPU
 * budget, stretched like Check's time limits by CK_TIMEOUT_MULTIPLIER
 * under the sanitizers.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fuzz_targets.h"

#define FUZZ_DIR "tests/fuzz/"
/* CPU seconds a once-slow input may take in the release build: the two
 * oscillating bad-gadget runs of tests/fuzz/regressions/run took 1.1 to
 * 1.3 s before the trace and the path history were made cheap and the
 * run target bounded its events, 0.25 to 0.3 s after (over 10 s in the
 * fuzzing build, whose limit is 10 s). */
#define SLOW_BUDGET_S 0.6

static const char *const targets[] = { "load", "check", "run", "values", "result",
				       "experiment" };

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		ck_assert_ptr_nonnull(buf);
		*len = fread(buf, 1, (size_t)n, f);
		ck_assert_uint_eq(*len, (size_t)n);
	}
	fclose(f);
	ck_assert_msg(buf != NULL, "cannot read %s", path);
	return buf;
}

static double budget(void)
{
	const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
	double k = m ? atof(m) : 1.0;

	return SLOW_BUDGET_S * (k >= 1.0 ? k : 1.0);
}

/* Replay every regular file of dir; returns how many. */
static int replay_dir(ers_fuzz_fn *fn, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[1024];
		unsigned char *buf;
		struct stat st;
		size_t len = 0;
		clock_t t0;
		double cpu;

		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.' || stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		fprintf(stderr, "fuzz replay: %s\n", path);
		buf = slurp(path, &len);
		t0 = clock();
		fn(buf, len);
		cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
		free(buf);
		if (!strncmp(de->d_name, "slow-", 5) || !strncmp(de->d_name, "timeout-", 8))
			ck_assert_msg(cpu < budget(), "%s took %.2f s of CPU, more than %.2f s",
				      path, cpu, budget());
		n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_fuzz_replay_regressions)
{
	const char *t = targets[_i];
	ers_fuzz_fn *fn = ers_fuzz_target(t);
	char dir[256];

	ck_assert_ptr_nonnull(fn);
	snprintf(dir, sizeof dir, FUZZ_DIR "regressions/%s", t);
	replay_dir(fn, dir);
	if (!strcmp(t, "result"))
		ck_assert_int_gt(replay_dir(fn, FUZZ_DIR "seeds/result"), 0);
}
END_TEST

/* The bundled examples through the run target: every writer on real
 * results, the JSON round trip, and the run bound. */
START_TEST(test_fuzz_replay_bundled_scenarios)
{
	ers_fuzz_fn *fn = ers_fuzz_target("run");

	ck_assert_int_gt(replay_dir(fn, "scenarios"), 5);
}
END_TEST

START_TEST(test_fuzz_target_names)
{
	ck_assert_ptr_null(ers_fuzz_target("nope"));
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
		ck_assert_ptr_nonnull(ers_fuzz_target(targets[i]));
}
END_TEST

Suite *make_fuzz_replay_suite(void)
{
	Suite *s = suite_create("fuzz_replay");
	TCase *tc = tcase_create("fuzz_replay");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_fuzz_replay_regressions, 0,
			    (int)(sizeof targets / sizeof targets[0]));
	tcase_add_test(tc, test_fuzz_replay_bundled_scenarios);
	tcase_add_test(tc, test_fuzz_target_names);
	suite_add_tcase(s, tc);
	return s;
}
