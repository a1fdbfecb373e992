/*
 * check_cli.c - what every command promises about its files and exit
 * codes, through the binary named by $ERSIM: a scenario (or experiment,
 * database, result document) that does not exist or is a directory is bad
 * input (exit 2) from every command; an output file that cannot be written
 * is exit 3 with the operating system's reason, and leaves neither a
 * half-written file nor a temporary behind, whether the directory is
 * missing, the rename fails after a complete write, or the disk fills up
 * in the middle (RLIMIT_FSIZE stands in for a full disk); `merge` checks
 * all its inputs before writing anything; and options parse the same as
 * "--opt V" and "--opt=V".
 */
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SCN "scenarios/one-circuit.xml"
#define SCN2 "scenarios/bfd.xml"
#define EXP "tests/batch/srlg.xml"
#define EXP2 "tests/batch/pairs.xml"

static char tmpdir[64];
static char err[8192];

static void make_tmp(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ersim-cli-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* tmpdir/name in a static buffer of eight rotating slots. */
static const char *tp(const char *name)
{
	static char buf[8][256];
	static int k;
	char *p = buf[k++ % 8];

	snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
	return p;
}

static const char *ersim(void)
{
	const char *b = getenv("ERSIM");

	b = b && *b ? b : "build/ersim";
	ck_assert_msg(access(b, X_OK) == 0, "set ERSIM to the built ersim ('%s')", b);
	return b;
}

/* Run ersim with args (NULL-terminated, no argv[0]); stdout to
 * /dev/null, stderr into err. fsize > 0 limits the size of files the
 * command may write (RLIMIT_FSIZE: a write past it fails with EFBIG,
 * like a full disk). Returns the exit status. */
static int run_lim(const char *const *args, rlim_t fsize)
{
	const char *argv[24] = { "ersim" };
	int status, fd;
	FILE *f;
	size_t got;
	pid_t pid;

	for (size_t i = 0; args[i]; i++) {
		ck_assert_uint_lt(i, 22);
		argv[i + 1] = args[i];
	}
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = { fsize, fsize };

		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		fd = open(tp("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		if (fsize) {
			signal(SIGXFSZ, SIG_IGN);	/* EFBIG instead of a signal */
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		execv(ersim(), (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	f = fopen(tp("stderr"), "r");
	ck_assert_ptr_nonnull(f);
	got = fread(err, 1, sizeof err - 1, f);
	err[got] = '\0';
	fclose(f);
	unlink(tp("stderr"));
	ck_assert_msg(WIFEXITED(status), "ersim %s: killed by signal %d", args[0],
		      WTERMSIG(status));
	return WEXITSTATUS(status);
}

static int run(const char *const *args)
{
	return run_lim(args, 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in tmpdir, sorted, joined with spaces. */
static char *listing(void)
{
	static char out[2048];
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	DIR *dir = opendir(tmpdir);

	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && n < 64)
			names[n++] = strdup(e->d_name);
	closedir(dir);
	qsort(names, n, sizeof *names, cmp_str);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, " ");
		strncat(out, names[i], sizeof out - strlen(out) - 2);
		free(names[i]);
	}
	return out;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void put_bytes(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static off_t size_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	ck_assert_msg(f != NULL, "cannot read '%s'", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static void assert_err_has(const char *what, const char *needle)
{
	ck_assert_msg(strstr(err, needle), "%s: stderr lacks \"%s\":\n%s", what, needle, err);
}

/* ---- bad input: exit 2 from every command ---- */

/* Each command with "@" standing for the bad input. */
static const char *const input_cmds[][6] = {
	{ "run", "@" },
	{ "validate", SCN, "@" },
	{ "export", "@" },
	{ "analyze", "@" },
	{ "compare", "@", SCN },
	{ "batch", "@", "-q" },
	{ "merge", "@OUT", "@" },
};
#define N_INPUT_CMDS (sizeof input_cmds / sizeof input_cmds[0])

static void check_bad_input(const char *path, const char *why)
{
	char bad[256];

	snprintf(bad, sizeof bad, "%s", path);
	for (size_t c = 0; c < N_INPUT_CMDS; c++) {
		const char *args[8] = { 0 };

		for (size_t i = 0; input_cmds[c][i]; i++)
			args[i] = !strcmp(input_cmds[c][i], "@") ? bad :
				!strcmp(input_cmds[c][i], "@OUT") ? tp("out.db") : input_cmds[c][i];
		ck_assert_msg(run(args) == 2, "ersim %s with %s: exit %d, want 2:\n%s",
			      args[0], why, run(args), err);
		assert_err_has(args[0], bad);
		assert_err_has(args[0], why);
		/* nothing written: merge's output is not created */
		ck_assert_msg(access(tp("out.db"), F_OK) != 0, "merge created its output");
	}
}

START_TEST(test_cli_missing_input_is_bad_input)
{
	make_tmp();
	check_bad_input(tp("no-such-file.xml"), "No such file or directory");
	ck_assert_str_eq(listing(), "");
	remove_tmp();
}
END_TEST

/* Two routers with one id (a site named like a VNet, its router "gw"):
 * validate refused it but run simulated it, naming both by that id. */
START_TEST(test_cli_node_id_clash_is_bad_input)
{
	static const char *const cmds[] = { "run", "export", "analyze", "validate" };

	for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++) {
		const char *args[] = { cmds[c], "tests/bad/node-id-clash.xml", NULL };

		ck_assert_msg(run(args) == 2, "ersim %s: exit %d, want 2:\n%s", cmds[c],
			      run(args), err);
		assert_err_has(cmds[c], "node-id-clash.xml:14: error: node id 'hub-weu/gw'");
	}
}
END_TEST

START_TEST(test_cli_directory_input_is_bad_input)
{
	make_tmp();
	ck_assert_int_eq(mkdir(tp("dir.xml"), 0755), 0);
	check_bad_input(tp("dir.xml"), "is a directory");
	ck_assert_str_eq(listing(), "dir.xml");
	remove_tmp();
}
END_TEST

/* ---- output files: exit 3 with the reason, nothing left behind ---- */

/* Every command and option that writes a file; "@" is the file. Batch
 * and merge need a database first (prepare_db). */
static const char *const out_cmds[][8] = {
	{ "run", SCN, "--json", "@" },
	{ "run", SCN, "--trace", "@" },
	{ "run", SCN, "--report", "@" },
	{ "export", SCN, "-o", "@" },
	{ "analyze", SCN, "--json", "@" },
	{ "compare", SCN, SCN2, "--json", "@" },
	{ "compare", SCN, SCN2, "--report", "@" },
	{ "batch", EXP, "-q", "--db", "#db", "--csv", "@" },
	{ "batch", EXP, "-q", "--db", "#db", "--report", "@" },
	{ "merge", "#merged", "#db", "--csv", "@" },
	{ "merge", "@", "#db" },
};
#define N_OUT_CMDS (sizeof out_cmds / sizeof out_cmds[0])

static void prepare_db(void)
{
	const char *args[] = { "batch", EXP, "-q", "--db", tp("in.db"), NULL };

	ck_assert_msg(run(args) == 0, "%s", err);
}

static size_t out_args(size_t c, const char *target, const char **args)
{
	size_t i;

	for (i = 0; out_cmds[c][i]; i++) {
		const char *a = out_cmds[c][i];

		args[i] = !strcmp(a, "@") ? target : !strcmp(a, "#db") ? tp("in.db") :
			!strcmp(a, "#merged") ? tp("merged.db") : a;
	}
	args[i] = NULL;
	return i;
}

static const char *cmd_name(size_t c)
{
	static char buf[128];
	size_t i = 0;

	while (out_cmds[c][i + 1] && strcmp(out_cmds[c][i + 1], "@"))
		i++;
	snprintf(buf, sizeof buf, "%s %s", out_cmds[c][0],
		 out_cmds[c][i][0] == '-' ? out_cmds[c][i] : "OUT");
	return buf;
}

/* A directory that does not exist: exit 3, "cannot write 'PATH': No such
 * file or directory", nothing created. */
START_TEST(test_cli_output_in_missing_directory)
{
	char want[512];

	make_tmp();
	prepare_db();
	for (size_t c = 0; c < N_OUT_CMDS; c++) {
		const char *args[10], *target = tp("no-dir/out");

		out_args(c, target, args);
		ck_assert_msg(run(args) == 3, "%s: exit %d, want 3:\n%s", cmd_name(c),
			      run(args), err);
		snprintf(want, sizeof want, "cannot write '%s': No such file or directory", target);
		assert_err_has(cmd_name(c), want);
		unlink(tp("merged.db"));
		ck_assert_msg(!strcmp(listing(), "in.db"), "%s left: %s", cmd_name(c), listing());
	}
	remove_tmp();
}
END_TEST

/* The target is a directory: the whole content is written to the
 * temporary, then the rename fails. Exit 3 with the reason, and the
 * temporary is gone. */
START_TEST(test_cli_output_rename_fails)
{
	make_tmp();
	prepare_db();
	ck_assert_int_eq(mkdir(tp("out"), 0755), 0);
	for (size_t c = 0; c < N_OUT_CMDS; c++) {
		const char *args[10];

		out_args(c, tp("out"), args);
		ck_assert_msg(run(args) == 3, "%s: exit %d, want 3:\n%s", cmd_name(c),
			      run(args), err);
		assert_err_has(cmd_name(c), "Is a directory");
		unlink(tp("merged.db"));
		ck_assert_msg(!strcmp(listing(), "in.db out"), "%s left: %s", cmd_name(c),
			      listing());
		ck_assert_int_eq(rmdir(tp("out")), 0);	/* still empty */
		ck_assert_int_eq(mkdir(tp("out"), 0755), 0);
	}
	remove_tmp();
}
END_TEST

/* The disk fills up in the middle of the write (the file size limit):
 * exit 3 with the reason, the old content of the target is kept, no
 * temporary is left. Batch and merge open databases first, whose -shm
 * files take 32 kB, hence their larger limit; their CSVs are smaller
 * than that (the rename test covers them). */
START_TEST(test_cli_output_disk_full_keeps_old_content)
{
	make_tmp();
	prepare_db();
	for (size_t c = 0; c < N_OUT_CMDS; c++) {
		const char *args[10];
		bool db = !strcmp(out_cmds[c][0], "batch") || !strcmp(out_cmds[c][0], "merge");
		rlim_t lim = db ? 36000 : 1024;
		char *text, *old;
		size_t old_len;

		bool into_db = !strcmp(out_cmds[c][0], "merge") && !strcmp(out_cmds[c][1], "@");

		if (db && out_cmds[c][3] && !strcmp(out_cmds[c][3], "--csv"))
			continue;	/* the CSV is smaller than the database's files */
		if (!strcmp(out_cmds[c][0], "batch") && !strcmp(out_cmds[c][5], "--csv"))
			continue;
		if (!strcmp(out_cmds[c][0], "run") && !strcmp(out_cmds[c][2], "--trace"))
			lim = 2048;
		out_args(c, tp("out"), args);
		/* merge's existing output is an input: it must be a database */
		old = into_db ? slurp(tp("in.db")) : strdup("old\n");
		old_len = into_db ? (size_t)size_of(tp("in.db")) : 4;
		put_bytes(tp("out"), old, old_len);
		ck_assert_msg(run_lim(args, lim) == 3, "%s: exit %d, want 3:\n%s", cmd_name(c),
			      run_lim(args, lim), err);
		/* SQLite says "disk I/O error" without the system's reason */
		assert_err_has(cmd_name(c), into_db ? "disk I/O error" : "File too large");
		text = slurp(tp("out"));
		ck_assert_msg(size_of(tp("out")) == (off_t)old_len && !memcmp(text, old, old_len),
			      "%s changed its target", cmd_name(c));
		free(text);
		free(old);
		unlink(tp("merged.db"));
		ck_assert_msg(!strcmp(listing(), "in.db out"), "%s left: %s", cmd_name(c),
			      listing());
	}
	remove_tmp();
}
END_TEST

/* The new file gets the usual mode (0666 & ~umask), not mkstemp's 0600. */
START_TEST(test_cli_output_mode)
{
	const char *args[] = { "export", SCN, "-o", NULL, NULL };
	struct stat st;
	mode_t old = umask(022);

	make_tmp();
	args[3] = tp("t.dot");
	ck_assert_msg(run(args) == 0, "%s", err);
	ck_assert_int_eq(stat(tp("t.dot"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	umask(old);
	ck_assert_str_eq(listing(), "t.dot");
	remove_tmp();
}
END_TEST

/* SIGTERM in the middle of a run: the targets keep their old content and
 * no temporary is left. The long run: random failures over a day. */
START_TEST(test_cli_run_signal_removes_temporaries)
{
	const char *argv[] = { "ersim", "run", "scenarios/default.xml", "--trace", NULL,
			       "--json", NULL, "--until", "1000000h", NULL };
	char *text;
	pid_t pid;
	int st;

	make_tmp();
	argv[4] = tp("trace");
	argv[6] = tp("json");
	put(tp("trace"), "old\n");
	put(tp("json"), "old\n");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(ersim(), (char *const *)argv);
		_exit(127);
	}
	usleep(300 * 1000);
	kill(pid, SIGTERM);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	text = slurp(tp("trace"));
	ck_assert_str_eq(text, "old\n");
	free(text);
	text = slurp(tp("json"));
	ck_assert_str_eq(text, "old\n");
	free(text);
	ck_assert_str_eq(listing(), "json trace");
	remove_tmp();
}
END_TEST

/* ---- merge: every input checked before anything is written ---- */

START_TEST(test_cli_merge_checks_inputs_first)
{
	const char *missing[] = { "merge", NULL, NULL, NULL, NULL };
	const char *mixed[] = { "merge", NULL, NULL, NULL, NULL };
	const char *not_db[] = { "merge", NULL, NULL, NULL };
	const char *into_text[] = { "merge", NULL, NULL, NULL };
	const char *b1[] = { "batch", EXP, "-q", "--db", NULL, NULL };
	const char *b2[] = { "batch", EXP2, "-q", "--db", NULL, NULL };
	char *before, *after;

	make_tmp();
	b1[4] = tp("a.db");
	b2[4] = tp("b.db");
	ck_assert_msg(run(b1) == 0, "%s", err);
	ck_assert_msg(run(b2) == 0, "%s", err);
	/* a missing input after a good one: nothing merged, nothing created */
	missing[1] = tp("out.db");
	missing[2] = tp("a.db");
	missing[3] = tp("gone.db");
	ck_assert_msg(run(missing) == 2, "%s", err);
	assert_err_has("missing", "gone.db");
	ck_assert_str_eq(listing(), "a.db b.db");
	/* two experiments: refused before writing */
	mixed[1] = tp("out.db");
	mixed[2] = tp("a.db");
	mixed[3] = tp("b.db");
	ck_assert_msg(run(mixed) == 2, "%s", err);
	assert_err_has("mixed", "different experiment");
	ck_assert_str_eq(listing(), "a.db b.db");
	/* an existing output of another experiment is left as it was */
	before = slurp(tp("a.db"));
	mixed[1] = tp("a.db");
	mixed[2] = tp("b.db");
	mixed[3] = NULL;
	ck_assert_msg(run(mixed) == 2, "%s", err);
	assert_err_has("into other", "different experiment");
	after = slurp(tp("a.db"));
	ck_assert(!memcmp(before, after, 4096));
	free(before);
	free(after);
	ck_assert_str_eq(listing(), "a.db b.db");
	/* not a database, as input and as existing output */
	put(tp("notes.txt"), "not a database\n");
	not_db[1] = tp("out.db");
	not_db[2] = tp("notes.txt");
	ck_assert_msg(run(not_db) == 2, "%s", err);
	assert_err_has("not a db", "not an ersim batch database");
	into_text[1] = tp("notes.txt");
	into_text[2] = tp("a.db");
	ck_assert_msg(run(into_text) == 2, "%s", err);
	assert_err_has("into text", "not an ersim batch database");
	before = slurp(tp("notes.txt"));
	ck_assert_str_eq(before, "not a database\n");
	free(before);
	ck_assert_str_eq(listing(), "a.db b.db notes.txt");
	remove_tmp();
}
END_TEST

/* An existing output is one more input: its runs stay. */
START_TEST(test_cli_merge_into_existing_output)
{
	const char *s1[] = { "batch", EXP, "-q", "--shard", "1/2", "--db", NULL, NULL };
	const char *s2[] = { "batch", EXP, "-q", "--shard", "2/2", "--db", NULL, NULL };
	const char *all[] = { "batch", EXP, "-q", "--db", NULL, "--csv", NULL, NULL };
	const char *merge[] = { "merge", NULL, NULL, "--csv", NULL, NULL };
	char *a, *b;

	make_tmp();
	s1[6] = tp("s1.db");
	s2[6] = tp("s2.db");
	all[4] = tp("all.db");
	all[6] = tp("all.csv");
	ck_assert_msg(run(s1) == 0, "%s", err);
	ck_assert_msg(run(s2) == 0, "%s", err);
	ck_assert_msg(run(all) == 0, "%s", err);
	merge[1] = tp("s1.db");
	merge[2] = tp("s2.db");
	merge[4] = tp("m.csv");
	ck_assert_msg(run(merge) == 0, "%s", err);
	a = slurp(tp("all.csv"));
	b = slurp(tp("m.csv"));
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	ck_assert_str_eq(listing(), "all.csv all.db m.csv s1.db s2.db");
	remove_tmp();
}
END_TEST

/* ---- options ---- */

/* "--opt=V", "--opt V" (and short forms) give the same files. */
START_TEST(test_cli_option_forms_agree)
{
	static const char *const forms[][2][12] = {
		{ { "run", SCN, "--trace", "#1", "--seed", "7", "--until", "100s", "--ribs" },
		  { "run", "--trace=#2", "--seed=7", "--until=100s", SCN, "--ribs" } },
		{ { "export", SCN, "--format", "graphml", "-o", "#1" },
		  { "export", "--format=graphml", "--output=#2", SCN } },
		{ { "export", SCN, "--format", "json", "--output", "#1" },
		  { "export", "-o#2", "--format=json", "--", SCN } },
		{ { "analyze", SCN, "--json", "#1", "--max-runs", "3", "--verify" },
		  { "analyze", "--verify", "--json=#2", "--max-runs=3", SCN } },
		{ { "batch", EXP, "-j", "2", "--db", "#d1", "--csv", "#1", "-q" },
		  { "batch", "--jobs=1", "--db=#d2", "--csv=#2", "--quiet", EXP } },
		{ { "merge", "#m1", "#d1", "--csv", "#1" },
		  { "merge", "--csv=#2", "#m2", "#d2" } },
		{ { "compare", SCN, SCN2, "--json", "#1", "--seed", "3" },
		  { "compare", "--json=#2", "--seed=3", SCN, SCN2 } },
	};

	make_tmp();
	for (size_t c = 0; c < sizeof forms / sizeof forms[0]; c++) {
		char *text[2];

		for (int k = 0; k < 2; k++) {
			const char *args[12] = { 0 };
			char buf[12][256];

			for (size_t i = 0; forms[c][k][i]; i++) {
				const char *a = forms[c][k][i], *h = strchr(a, '#');

				if (!h) {
					args[i] = a;
					continue;
				}
				snprintf(buf[i], sizeof buf[i], "%.*s%s/%s", (int)(h - a), a,
					 tmpdir, h + 1);
				args[i] = buf[i];
			}
			ck_assert_msg(run(args) == 0, "%s form %d: %s", forms[c][k][0], k, err);
			text[k] = slurp(tp(k ? "2" : "1"));
		}
		ck_assert_msg(!strcmp(text[0], text[1]), "%s: the two forms differ",
			      forms[c][0][0]);
		free(text[0]);
		free(text[1]);
		unlink(tp("1"));
		unlink(tp("2"));
	}
	remove_tmp();
}
END_TEST

static const struct usage_case {
	const char *args[6];
	const char *msg;
} usage_cases[] = {
	{ { "run", "--bogus" }, "ersim run: unknown option '--bogus'\nusage: ersim run " },
	{ { "run", "-x" }, "ersim run: unknown option '-x'\n" },
	{ { "run", "--json" }, "ersim run: option '--json' needs a value\n" },
	{ { "run", "--ribs=yes" }, "ersim run: option '--ribs' takes no value\n" },
	{ { "run", "--seed", "x" }, "ersim run: bad --seed 'x'" },
	{ { "validate", "--bogus", SCN }, "ersim validate: unknown option '--bogus'\n" },
	{ { "validate" }, "ersim validate: no scenario file given\n" },
	{ { "export", SCN, "-o" }, "ersim export: option '-o' needs a value\n" },
	{ { "export", SCN, "--format", "svg" }, "ersim export: unknown format 'svg'" },
	{ { "analyze", SCN, "--max-runs=x" }, "ersim analyze: invalid --max-runs 'x'" },
	{ { "analyze", SCN, SCN2 }, "ersim analyze: more than one scenario file" },
	{ { "compare", SCN }, "ersim compare: needs at least two inputs to compare, got 1\n" },
	{ { "compare", SCN, SCN2, "--fail-on" }, "ersim compare: option '--fail-on' needs a value\n" },
	{ { "batch", EXP, "--re" }, "ersim batch: option '--re' is ambiguous (--report, --report-runs, --retry-failed)\n" },
	{ { "batch", EXP, "-j", "0" }, "ersim batch: bad -j '0'" },
	{ { "batch", EXP, "-qz" }, "ersim batch: unknown option '-z'\n" },
	{ { "batch" }, "ersim batch: no experiment file given\n" },
	{ { "merge", "out.db" }, "ersim merge: need an output and at least one input database\n" },
	{ { "merge", "out.db", "in.db", "--csv" }, "ersim merge: option '--csv' needs a value\n" },
	{ { "merge", "out.db", "in.db", "--bogus" }, "ersim merge: unknown option '--bogus'\n" },
};

START_TEST(test_cli_usage_errors)
{
	const struct usage_case *u = &usage_cases[_i];

	make_tmp();
	ck_assert_msg(run(u->args) == 2, "ersim %s: exit %d, want 2", u->args[0], run(u->args));
	ck_assert_msg(strstr(err, u->msg) == err, "ersim %s: stderr\n%s\nwant\n%s", u->args[0],
		      err, u->msg);
	ck_assert_str_eq(listing(), "");
	remove_tmp();
}
END_TEST

/* After "--" an argument that starts with '-' is a file. */
START_TEST(test_cli_double_dash)
{
	const char *args[] = { "validate", "--", "-file.xml", NULL };

	make_tmp();
	ck_assert_int_eq(run(args), 2);
	assert_err_has("validate --", "-file.xml: error: cannot open '-file.xml'");
	remove_tmp();
}
END_TEST

/* A VNet over the gateway's 1,000 prefixes per connection is valid but
 * takes its connections down: validate warns at the <vnet> line with a
 * hint, and still says ok (exit 0). */
START_TEST(test_cli_validate_warns_gateway_prefix_limit)
{
	const char *args[] = { "validate", "scenarios/expressroute/gw-prefix-limit.xml", NULL };

	make_tmp();
	ck_assert_int_eq(run(args), 0);
	assert_err_has("validate", "gw-prefix-limit.xml:21: warning: vnet 'big' has 1001 prefixes, over 1000: its ExpressRoute connections go down");
	assert_err_has("validate", "gw-prefix-limit.xml:21: note: a gateway advertises at most 1000 prefixes per connection");
	ck_assert_msg(!strstr(err, "error:"), "validate: an error:\n%s", err);
	remove_tmp();
}
END_TEST

Suite *make_cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *in = tcase_create("input"), *out = tcase_create("output"),
		*merge = tcase_create("merge"), *opt = tcase_create("options");

	tcase_add_test(in, test_cli_missing_input_is_bad_input);
	tcase_add_test(in, test_cli_node_id_clash_is_bad_input);
	tcase_add_test(in, test_cli_directory_input_is_bad_input);
	suite_add_tcase(s, in);
	tcase_set_timeout(out, 60);
	tcase_add_test(out, test_cli_output_in_missing_directory);
	tcase_add_test(out, test_cli_output_rename_fails);
	tcase_add_test(out, test_cli_output_disk_full_keeps_old_content);
	tcase_add_test(out, test_cli_output_mode);
	tcase_add_test(out, test_cli_run_signal_removes_temporaries);
	suite_add_tcase(s, out);
	tcase_set_timeout(merge, 60);
	tcase_add_test(merge, test_cli_merge_checks_inputs_first);
	tcase_add_test(merge, test_cli_merge_into_existing_output);
	suite_add_tcase(s, merge);
	tcase_set_timeout(opt, 60);
	tcase_add_test(opt, test_cli_option_forms_agree);
	tcase_add_loop_test(opt, test_cli_usage_errors, 0,
			    sizeof usage_cases / sizeof usage_cases[0]);
	tcase_add_test(opt, test_cli_double_dash);
	tcase_add_test(opt, test_cli_validate_warns_gateway_prefix_limit);
	suite_add_tcase(s, opt);
	return s;
}
