/*
 * check_help.c - the help a user works from, and the places it is
 * written down, kept in step: each command's help table (sim/commands.c)
 * describes exactly the options its getopt_long table accepts (a short
 * form included); `ersim help CMD` and `ersim CMD --help` show every one
 * with its example; and README.md's command block, docs/cli.md and the
 * man page docs/ersim.1 list exactly the options of the usage lines, no
 * more and no fewer. A new option that is not documented everywhere, or
 * a documented one that is gone, fails here, naming what to fix.
 */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ersim/cmd.h"

/* The whole of a file (free it). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Collapse runs of white space to one space, trim the ends. */
static void squeeze(char *s)
{
	char *w = s;
	bool space = false;

	for (char *r = s; *r; r++) {
		if (isspace((unsigned char)*r)) {
			space = w > s;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = false;
		*w++ = *r;
	}
	*w = '\0';
}

static void usage_of(const struct ers_command *c, char *buf, size_t n)
{
	ck_assert_uint_lt(ers_command_usage(c, buf, n), n);
}

/* stdout and stderr of `$ERSIM args` (free it), and its exit code. */
static char *run_ersim(const char *args, int *code)
{
	const char *bin = getenv("ERSIM");
	char cmd[512];
	char *out = malloc(65536);
	size_t n;
	FILE *p;
	int st;

	ck_assert_msg(bin && access(bin, X_OK) == 0, "set ERSIM to the built ersim");
	ck_assert_ptr_nonnull(out);
	snprintf(cmd, sizeof cmd, "'%s' %s 2>&1 </dev/null", bin, args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, 65535, p);
	out[n] = '\0';
	st = pclose(p);
	*code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

static const struct option *find_long(const struct option *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static const struct ers_opt_help *find_help(const struct ers_command *c, const char *name)
{
	for (const struct ers_opt_help *o = c->opts; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* The help table and the parser's table name the same options, with a
 * value exactly where the parser wants one. */
START_TEST(test_help_matches_getopt_tables)
{
	const struct ers_command *c = &ers_commands[_i];

	for (const struct ers_opt_help *o = c->opts; o->name; o++) {
		const struct option *l = find_long(c->longopts, o->name);
		ck_assert_msg(l != NULL, "%s: help describes --%s, which the parser does not accept",
			      c->name, o->name);
		ck_assert_msg((l->has_arg == required_argument) == (o->arg != NULL),
			      "%s --%s: help and parser disagree on whether it takes a value",
			      c->name, o->name);
		ck_assert_msg(!o->short_name || l->val == o->short_name,
			      "%s --%s: help shows -%c, the parser's table gives another value",
			      c->name, o->name, o->short_name);
		ck_assert_msg(o->help && *o->help && o->example && *o->example,
			      "%s --%s: no help text or example", c->name, o->name);
	}
	for (const struct option *l = c->longopts; l->name; l++)
		ck_assert_msg(find_help(c, l->name) != NULL,
			      "%s accepts --%s but sim/commands.c has no help for it "
			      "(add it there, to docs/cli.md, README.md and docs/ersim.1)",
			      c->name, l->name);
}
END_TEST

/* Short options shown in help are real: the parser asks for their value
 * (or takes them), it does not call them unknown. */
START_TEST(test_help_short_options_parse)
{
	const struct ers_command *c = &ers_commands[_i];
	char args[128], bad[64];

	for (const struct ers_opt_help *o = c->opts; o->name; o++) {
		char *out;
		int code;

		if (!o->short_name)
			continue;
		snprintf(args, sizeof args, "%s -%c", c->name, o->short_name);
		snprintf(bad, sizeof bad, "unknown option '-%c'", o->short_name);
		out = run_ersim(args, &code);
		ck_assert_msg(!strstr(out, bad), "ersim %s: %s", args, out);
		free(out);
	}
}
END_TEST

/* `ersim help CMD` is more than the usage line: every option with its
 * example, examples, exit codes and the docs; `CMD --help` is the same. */
START_TEST(test_help_command_pages)
{
	const struct ers_command *c = &ers_commands[_i];
	char args[64], want[128];
	char *help, *dash;
	int code;

	snprintf(args, sizeof args, "help %s", c->name);
	help = run_ersim(args, &code);
	ck_assert_int_eq(code, 0);
	for (const struct ers_opt_help *o = c->opts; o->name; o++) {
		snprintf(want, sizeof want, "--%s", o->name);
		ck_assert_msg(strstr(help, want), "help %s lacks %s", c->name, want);
		snprintf(want, sizeof want, "e.g. ersim %s %s %s", c->name, c->sample, o->example);
		ck_assert_msg(strstr(help, want), "help %s lacks '%s'", c->name, want);
	}
	ck_assert_msg(strstr(help, "examples:\n  ersim "), "help %s: no examples", c->name);
	ck_assert_msg(strstr(help, "Exit codes: 0 ok"), "help %s: no exit codes", c->name);
	ck_assert_msg(strstr(help, "docs: docs/"), "help %s: no docs", c->name);
	ck_assert_msg(!strstr(help, "facts") && !strstr(help, "/work/") &&
		      !strstr(help, "../shared"),
		      "help %s points outside the project's docs", c->name);
	if (!strcmp(c->name, "compare"))
		ck_assert_msg(strstr(help, "reachability-lost") && strstr(help, "METRIC>A+N") &&
			      strstr(help, "convergence_s"), "help compare: no --fail-on grammar");
	snprintf(args, sizeof args, "%s --help", c->name);
	dash = run_ersim(args, &code);
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(dash, help);
	free(dash);
	free(help);
}
END_TEST

/* README.md's command block holds each usage line, as printed. */
START_TEST(test_help_readme_usage_lines)
{
	char *readme = slurp("README.md"), *block, *end, line[1100], usage[1024];
	const char *p;

	block = strstr(readme, "## Commands\n\n```sh\n");
	ck_assert_msg(block != NULL, "README.md: no '## Commands' sh block");
	block += strlen("## Commands\n\n```sh\n");
	end = strstr(block, "```");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	for (size_t i = 0; i < ers_n_commands; i++) {
		usage_of(&ers_commands[i], usage, sizeof usage);
		snprintf(line, sizeof line, "build/%s\n", usage);
		ck_assert_msg(strstr(block, line), "README.md's command block lacks the line\n%s",
			      line);
	}
	for (p = block; *p; p = strchr(p, '\n') + 1) {	/* and nothing else */
		bool known = !strncmp(p, "build/ersim help COMMAND\n", 25);
		size_t n = strcspn(p, "\n");
		for (size_t i = 0; !known && i < ers_n_commands; i++) {
			usage_of(&ers_commands[i], usage, sizeof usage);
			known = n == strlen(usage) + 6 && !strncmp(p + 6, usage, n - 6);
		}
		ck_assert_msg(known, "README.md's command block: '%.*s' is no usage line of "
			      "ersim (sim/commands.c)", (int)n, p);
		if (!p[n])
			break;
	}
	free(readme);
}
END_TEST

/* The part of text from "## ersim CMD\n" to the next "## " heading. */
static char *section(char *text, const char *cmd, const char *file)
{
	char head[64], *s, *e;

	snprintf(head, sizeof head, "\n## ersim %s\n", cmd);
	s = strstr(text, head);
	ck_assert_msg(s != NULL, "%s has no section '## ersim %s'", file, cmd);
	s += strlen(head);
	e = strstr(s, "\n## ");
	if (e)
		*e = '\0';
	return s;
}

/* docs/cli.md: each command's section opens with its usage line (may be
 * wrapped) and has one table row per option, and no row for an option
 * the command does not have. */
START_TEST(test_help_cli_md)
{
	const struct ers_command *c = &ers_commands[_i];
	char *doc = slurp("docs/cli.md"), *sec, *fence, *end, usage[1024], want[160];
	const char *p;

	sec = section(doc, c->name, "docs/cli.md");
	for (char *r = sec, *w = sec;; r++) {	/* a table's "\|" is "|" */
		if (!(r[0] == '\\' && r[1] == '|'))
			*w++ = *r;
		if (!*r)
			break;
	}
	fence = strstr(sec, "```\n");
	ck_assert_msg(fence != NULL, "docs/cli.md, ersim %s: no usage block", c->name);
	fence += 4;
	end = strstr(fence, "```");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	squeeze(fence);
	usage_of(c, usage, sizeof usage);
	ck_assert_msg(!strcmp(fence, usage), "docs/cli.md, ersim %s: usage block\n%s\nis not\n%s",
		      c->name, fence, usage);
	for (const struct ers_opt_help *o = c->opts; o->name; o++) {
		snprintf(want, sizeof want, "\n| `--%s%s%s`", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		if (o->short_name)
			snprintf(want, sizeof want, "\n| `-%c%s%s`, `--%s`", o->short_name,
				 o->arg ? " " : "", o->arg ? o->arg : "", o->name);
		ck_assert_msg(strstr(end + 3, want), "docs/cli.md, ersim %s: no row '%s'",
			      c->name, want + 1);
	}
	for (p = end + 3; (p = strstr(p, "\n| `-")); p++) {	/* no stale rows */
		const char *name = p + 4;
		size_t n;
		name += name[1] == '-' ? 2 : 1;
		n = strcspn(name, " `=");
		bool ok = false;
		for (const struct ers_opt_help *o = c->opts; !ok && o->name; o++)
			ok = n == 1 ? o->short_name == *name :
				n == strlen(o->name) && !strncmp(o->name, name, n);
		ck_assert_msg(ok, "docs/cli.md, ersim %s: row '%.*s' is no option of the command",
			      c->name, (int)n + 2, p + 3);
	}
	free(doc);
}
END_TEST

/* docs/ersim.1: a section per command with its options, in roff. */
START_TEST(test_help_man_page)
{
	const struct ers_command *c = &ers_commands[_i];
	char *man = slurp("docs/ersim.1"), head[64], want[96], *s, *e;
	const char *p;

	for (char *r = man, *w = man;; r++) {	/* roff's "\-" is "-" */
		if (!(r[0] == '\\' && r[1] == '-'))
			*w++ = *r;
		if (!*r)
			break;
	}
	snprintf(head, sizeof head, "\n.SS \"ersim %s\"\n", c->name);
	s = strstr(man, head);
	ck_assert_msg(s != NULL, "docs/ersim.1 has no '.SS \"ersim %s\"'", c->name);
	s += strlen(head);
	e = strstr(s, "\n.SS ");
	if (!e)
		e = strstr(s, "\n.SH ");
	if (e)
		*e = '\0';
	for (const struct ers_opt_help *o = c->opts; o->name; o++) {
		snprintf(want, sizeof want, "--%s", o->name);
		ck_assert_msg(strstr(s, want), "docs/ersim.1, ersim %s: no %s", c->name, want);
	}
	for (p = s; (p = strstr(p, "\n.TP\n")); p++) {	/* each option's tag line */
		const char *name = strstr(p + 5, "--");
		size_t n;
		bool ok = false;

		ck_assert_msg(name && name < p + 5 + strcspn(p + 5, "\n"),
			      "docs/ersim.1, ersim %s: a .TP tag without --option", c->name);
		name += 2;
		n = strcspn(name, " \"\n\\");
		for (const struct ers_opt_help *o = c->opts; !ok && o->name; o++)
			ok = n == strlen(o->name) && !strncmp(o->name, name, n);
		ck_assert_msg(ok, "docs/ersim.1, ersim %s: --%.*s is no option of the command",
			      c->name, (int)n, name);
	}
	free(man);
}
END_TEST

/* The docs speak of the project's own pages: no development machine's
 * paths, no fact sheet the user does not have ("facts 7.1"); the
 * output neither. */
static void assert_self_contained(const char *what, const char *text)
{
	ck_assert_msg(!strstr(text, "/work/"), "%s names a path of a development machine", what);
	ck_assert_msg(!strstr(text, "expressroute-facts"), "%s cites the fact sheet", what);
	for (const char *p = text; (p = strstr(p, "facts ")); p++)
		ck_assert_msg(!(p[6] == '\xc2' || isdigit((unsigned char)p[6])),
			      "%s cites '%.12s': cite docs/sources.md (sources §N)", what, p);
}

START_TEST(test_help_docs_self_contained)
{
	DIR *dir = opendir("docs");
	struct dirent *e;
	char path[300], *text;
	int code;

	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 3, ".md"))
			continue;
		snprintf(path, sizeof path, "docs/%s", e->d_name);
		text = slurp(path);
		assert_self_contained(path, text);
		free(text);
	}
	closedir(dir);
	text = slurp("README.md");
	assert_self_contained("README.md", text);
	free(text);
	text = run_ersim("compare tests/compare/one-location.xml tests/compare/two-locations.xml",
			 &code);
	ck_assert_int_eq(code, 0);
	ck_assert_msg(strstr(text, "resiliency class"), "%s", text);
	assert_self_contained("ersim compare's output", text);
	ck_assert_msg(!strstr(text, "facts"), "ersim compare's output cites facts");
	free(text);
}
END_TEST

/* Hints for the two mistakes a new user makes first: validating (or
 * running) a batch experiment, and naming a region by its display name. */
START_TEST(test_help_hint_experiment_file)
{
	int code;
	char *out = run_ersim("validate scenarios/experiments/n1-bfd.xml", &code);

	ck_assert_int_eq(code, 2);
	ck_assert_msg(strstr(out, "n1-bfd.xml:10: error: the root element must be <scenario>, "
			     "not <experiment>\n"), "%s", out);
	ck_assert_msg(strstr(out, "note: 'scenarios/experiments/n1-bfd.xml' is a batch experiment: "
			     "run it with 'ersim batch scenarios/experiments/n1-bfd.xml'"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_help_hint_region_display_name)
{
	int code;
	char *out = run_ersim("validate tests/bad/region-display-name.xml", &code);

	ck_assert_int_eq(code, 2);
	ck_assert_msg(strstr(out, "region-display-name.xml:14: error: vnet 'hub-weu': unknown Azure "
			     "region 'West Europe'\n"), "%s", out);
	ck_assert_msg(strstr(out, "note: did you mean 'westeurope'?"), "%s", out);
	free(out);
}
END_TEST

/* Counts agree in number: "1 combination", "1 failure set", not
 * "1 combinations". */
START_TEST(test_help_counts_agree_in_number)
{
	char dir[] = "/tmp/ersim-plural-XXXXXX", args[256];
	int code;
	char *out;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(args, sizeof args, "batch tests/batch/random.xml --db %s/r.db", dir);
	out = run_ersim(args, &code);
	ck_assert_int_eq(code, 0);
	ck_assert_msg(strstr(out, "experiment random: 4 runs (1 combination x 1 failure set x "
			     "4 repetitions)"), "%s", out);
	free(out);
	snprintf(args, sizeof args, "batch tests/batch/bad-value.xml --db %s/b.db -q", dir);
	out = run_ersim(args, &code);
	ck_assert_msg(strstr(out, "ersim batch: 2 runs failed;"), "%s", out);
	free(out);
	snprintf(args, sizeof args, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(args), 0);
}
END_TEST

Suite *make_help_suite(void)
{
	Suite *s = suite_create("help");
	TCase *tc = tcase_create("help");
	int n = (int)ers_n_commands;

	tcase_set_timeout(tc, 120);	/* runs the binary, batch included */
	tcase_add_loop_test(tc, test_help_matches_getopt_tables, 0, n);
	tcase_add_loop_test(tc, test_help_short_options_parse, 0, n);
	tcase_add_loop_test(tc, test_help_command_pages, 0, n);
	tcase_add_test(tc, test_help_readme_usage_lines);
	tcase_add_loop_test(tc, test_help_cli_md, 0, n);
	tcase_add_loop_test(tc, test_help_man_page, 0, n);
	tcase_add_test(tc, test_help_docs_self_contained);
	tcase_add_test(tc, test_help_hint_experiment_file);
	tcase_add_test(tc, test_help_hint_region_display_name);
	tcase_add_test(tc, test_help_counts_agree_in_number);
	suite_add_tcase(s, tc);
	return s;
}
