/*
 * check_exp_limits.c - experiment files (sim/batch_exp.c) that are
 * absurd or broken get a clear error at their line, never a hang, an
 * endless read or libxml2's raw text: a scenario that is a device
 * (/dev/zero), a random failure model of billions of events, times out of
 * range, an XPath that does not compile, an entity bomb, elements nested
 * too deeply. Each experiment is written to a temporary directory and
 * names tests/batch/two-circuits.xml by its absolute path.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ersim/batch.h"

static char dir[64], scenario[PATH_MAX], path[PATH_MAX + 64];
static struct ers_diag diag;

static void setup(void)
{
	char cwd[PATH_MAX - 64];

	ers_diag_init(&diag);
	snprintf(dir, sizeof dir, "/tmp/ersim-explim-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(scenario, sizeof scenario, "%s/tests/batch/two-circuits.xml", cwd);
}

static void teardown(void)
{
	char cmd[128];

	ers_diag_release(&diag);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* Write exp.xml: text with every %s replaced by the scenario's path. */
static const char *write_exp(const char *text)
{
	FILE *f;

	snprintf(path, sizeof path, "%s/exp.xml", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, text, scenario);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* Load exp.xml expecting rc and a message containing needle at line. */
static void expect(enum ers_err rc, long line, const char *needle)
{
	struct ers_experiment *e = (void *)1;
	enum ers_err got = ers_experiment_load(path, &e, &diag);

	if (got != rc || !ers_diag_has(&diag, needle))
		ers_diag_print(&diag, stderr);
	ck_assert_int_eq(got, rc);
	ck_assert_ptr_null(e);
	ck_assert_msg(ers_diag_has(&diag, needle), "no '%s'", needle);
	for (size_t i = 0; i < diag.n_msgs; i++)
		if (strstr(diag.msgs[i].text, needle)) {
			ck_assert_int_eq(diag.msgs[i].line, line);
			return;
		}
}

START_TEST(test_exp_refuses_device_scenario)
{
	write_exp("<experiment name='x' scenario='/dev/zero'/>\n");
	expect(ERS_EINVAL, 0, "cannot read '/dev/zero': not a regular file");
	ck_assert_int_eq(ers_err_exit_code(diag.first), 2);
}
END_TEST

START_TEST(test_exp_batch_of_dev_zero_exits_2)
{
	const char *bin = getenv("ERSIM") ? getenv("ERSIM") : "build/ersim";
	char cmd[PATH_MAX * 2];
	int st;

	write_exp("<experiment name='x' scenario='/dev/zero'/>\n");
	snprintf(cmd, sizeof cmd, "%s batch %s --db %s/x.db 2>%s/err", bin, path, dir, dir);
	st = system(cmd);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 2);
}
END_TEST

START_TEST(test_exp_refuses_runaway_random_failures)
{
	write_exp("<experiment name='x' scenario='%s'>\n"
		  "<failures mode='random' mtbf='1ns' mttr='1ns' horizon='1h'/>\n"
		  "</experiment>\n");
	expect(ERS_ELIMIT, 2, "expects 1.44e+13 failure and repair events per run");
	ck_assert_int_eq(ers_err_exit_code(diag.first), 2);
}
END_TEST

START_TEST(test_exp_times_in_range)
{
	write_exp("<experiment name='x' scenario='%s'>\n"
		  "<failures mode='random' mtbf='1h' mttr='1h' horizon='9223372036s'/>\n"
		  "</experiment>\n");
	expect(ERS_EINVAL, 2, "'horizon' on <failures> is out of range: at most 8760h");
	ers_diag_release(&diag);
	write_exp("<experiment name='x' scenario='%s'>\n\n"
		  "<failures mode='each' at='8000h' restore='1000h'/>\n"
		  "</experiment>\n");
	expect(ERS_EINVAL, 3, "<failures> runs past 8760h: at + restore must be at most 8760h");
}
END_TEST

START_TEST(test_exp_bad_xpath_is_a_diagnostic)
{
	write_exp("<experiment name='x' scenario='%s'>\n"
		  "<failures mode='each'/>\n"
		  "<vary xpath='//[' values='1'/>\n"
		  "</experiment>\n");
	expect(ERS_EINVAL, 3, "invalid xpath '//[' on <vary>: invalid expression");
}
END_TEST

START_TEST(test_exp_entity_bomb_names_line)
{
	write_exp("<?xml version='1.0'?>\n"
		  "<!DOCTYPE lolz [\n"
		  " <!ENTITY l0 'lol'>\n"
		  " <!ENTITY l1 '&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;'>\n"
		  "]>\n"
		  "<experiment name='&l1;' scenario='%s'/>\n");
	expect(ERS_EXML, 2, "document type declarations (<!DOCTYPE>) are not allowed");
	ck_assert_uint_eq(diag.n_msgs, 1);
}
END_TEST

START_TEST(test_exp_deep_nesting_names_line)
{
	char text[4096];
	size_t n = 0;

	n += (size_t)snprintf(text, sizeof text, "<experiment name='x' scenario='%%s'>\n\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "<a>");
	snprintf(text + n, sizeof text - n, "\n</experiment>\n");
	write_exp(text);
	expect(ERS_EXML, 3, "elements nest too deeply (more than 256 levels)");
	ck_assert(!ers_diag_has(&diag, "XML_PARSE_HUGE"));
}
END_TEST

START_TEST(test_exp_malformed_names_line)
{
	write_exp("<experiment name='x' scenario='%s'>\n\n<vary\n</experiment>\n");
	expect(ERS_EXML, 4, "malformed XML");
}
END_TEST

Suite *make_exp_limits_suite(void)
{
	Suite *s = suite_create("exp_limits");
	TCase *tc = tcase_create("exp_limits");

	tcase_add_checked_fixture(tc, setup, teardown);
	/* a watchdog: reading /dev/zero or building billions of events once
	 * ran for minutes */
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_exp_refuses_device_scenario);
	tcase_add_test(tc, test_exp_batch_of_dev_zero_exits_2);
	tcase_add_test(tc, test_exp_refuses_runaway_random_failures);
	tcase_add_test(tc, test_exp_times_in_range);
	tcase_add_test(tc, test_exp_bad_xpath_is_a_diagnostic);
	tcase_add_test(tc, test_exp_entity_bomb_names_line);
	tcase_add_test(tc, test_exp_deep_nesting_names_line);
	tcase_add_test(tc, test_exp_malformed_names_line);
	suite_add_tcase(s, tc);
	return s;
}
