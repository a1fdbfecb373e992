/*
 * cli_util.c - what the commands (sim/cmd_*.c) share, so each rule lives
 * once: argument parsing over getopt_long with ersim's one-line usage
 * errors; the check that an input names a readable file, not a directory,
 * and the exit code of an input that fails to load (2: the user's input);
 * and the all-or-nothing writing of output files.
 *
 * Output files are written as a temporary made by mkstemp beside the
 * target (same directory, so the same file system and an atomic rename),
 * flushed and fsync'ed, then renamed over the target; on any failure the
 * temporary is removed and the target keeps what it held. The temporaries
 * that exist are listed in a small table that the stop-signal handler
 * main() installs (ers_tmp_on_signal) walks, so Ctrl-C, SIGTERM or SIGHUP
 * leave no temporary either. Only kill -9 can, and then the target is
 * still whole: a stale "FILE.tmpXXXXXX" is the only trace.
 */
#ifdef ERS_TEST_HOOKS
#define _GNU_SOURCE		/* fopencookie, for the slow-output hook */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ersim/cli_util.h"
#include "ersim/cmd.h"
#include "ersim/run.h"
#include "ersim/units.h"
#include "ersim/util.h"

/* ---- options ---- */

void ers_opts_init(struct ers_opts *p, const char *cmd, int argc, char **argv,
		   const char *shortopts, const struct option *longopts)
{
	memset(p, 0, sizeof *p);
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	p->longopts = longopts;
	/* '-': operands come back in order (as 1), not permuted to the end;
	 * ':': a missing value is ':' and nothing is printed by getopt. */
	snprintf(p->shortopts, sizeof p->shortopts, "-:%s", shortopts);
	optind = 0;		/* glibc: start over, forgetting earlier argv */
	opterr = 0;
}

/* The length of "--name" in "--name=value", without the dashes. */
static size_t long_name_len(const char *elem)
{
	return strcspn(elem + 2, "=");
}

/* The long options that "--prefix" could mean: how many, and the first. */
static size_t long_matches(const struct ers_opts *p, const char *elem, const char **first)
{
	size_t n = long_name_len(elem), count = 0;

	*first = NULL;
	for (const struct option *o = p->longopts; o->name; o++) {
		if (strncmp(o->name, elem + 2, n))
			continue;
		if (strlen(o->name) == n) {	/* exact: no other can compete */
			*first = o->name;
			return 1;
		}
		if (!count++)
			*first = o->name;
	}
	return count;
}

/* "(--report, --retry-failed)" for an ambiguous prefix. */
static int ambiguous(const struct ers_opts *p, const char *elem)
{
	size_t n = long_name_len(elem);
	char list[256] = "";

	for (const struct option *o = p->longopts; o->name; o++)
		if (!strncmp(o->name, elem + 2, n) && strlen(list) + strlen(o->name) + 6 < sizeof list) {
			strcat(list, *list ? ", --" : "--");
			strcat(list, o->name);
		}
	return ers_usage_error(p->cmd, "option '%.*s' is ambiguous (%s)", (int)n + 2, elem, list);
}

/* Report what getopt_long refused (c is '?' or ':'); elem is the
 * argument it was looking at when the option started. */
static int usage_problem(const struct ers_opts *p, int c, const char *elem)
{
	const char *name;
	size_t n;

	if (!elem || strncmp(elem, "--", 2) || !elem[2]) {	/* a short option */
		if (c == ':')
			return ers_usage_error(p->cmd, "option '-%c' needs a value", optopt);
		return ers_usage_error(p->cmd, "unknown option '-%c'", optopt);
	}
	n = long_matches(p, elem, &name);
	if (n > 1)
		return ambiguous(p, elem);
	if (!n)
		return ers_usage_error(p->cmd, "unknown option '%.*s'",
				       (int)long_name_len(elem) + 2, elem);
	if (c == ':')
		return ers_usage_error(p->cmd, "option '--%s' needs a value", name);
	return ers_usage_error(p->cmd, "option '--%s' takes no value", name);
}

int ers_opts_next(struct ers_opts *p)
{
	int c, at;

	if (!p->ended) {
		at = optind < 1 ? 1 : optind;
		c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL);
		p->arg = optarg;
		if (c == 1)
			return ERS_OPT_OPERAND;
		if (c == '?' || c == ':') {
			usage_problem(p, c, at < p->argc ? p->argv[at] : NULL);
			return ERS_OPT_USAGE;
		}
		if (c != -1)
			return c;
		p->ended = true;	/* "--" or the end: the rest are operands */
	}
	if (optind < 1)
		optind = 1;
	if (optind >= p->argc)
		return ERS_OPT_END;
	p->arg = p->argv[optind++];
	return ERS_OPT_OPERAND;
}

int ers_opt_seed(const char *cmd, const char *v, struct ers_run_opts *o)
{
	const char *why = NULL;
	uint64_t seed;

	if (ers_parse_uint(v, 0, UINT64_MAX, &seed, &why) != ERS_OK)
		return ers_usage_error(cmd, "bad --seed '%s': %s", v, why);
	o->has_seed = true;
	o->seed = seed;
	return 0;
}

int ers_opt_until(const char *cmd, const char *v, struct ers_run_opts *o)
{
	const char *why = NULL;

	if (ers_parse_time(v, &o->until, &why) != ERS_OK)
		return ers_usage_error(cmd, "bad --until '%s': %s", v, why);
	o->has_until = true;
	return 0;
}

/* ---- input files ---- */

int ers_input_check(const char *path, const char *what)
{
	struct ers_diag d;
	struct stat st;
	char hint[128];
	int code;

	ers_diag_init(&d);
	snprintf(hint, sizeof hint, "give the path of a %s", what);
	if (stat(path, &st))
		ers_diag_add(&d, ERS_EINVAL, path, 0, NULL, "cannot open '%s': %s", path,
			     strerror(errno));
	else if (S_ISDIR(st.st_mode))
		ers_diag_add(&d, ERS_EINVAL, path, 0, hint, "'%s' is a directory, not a %s",
			     path, what);
	code = d.first == ERS_OK ? 0 : 2;
	ers_diag_print(&d, stderr);
	ers_diag_release(&d);
	return code;
}

int ers_input_exit_code(enum ers_err rc)
{
	if (rc == ERS_OK)
		return 0;
	return rc == ERS_ENOMEM || rc == ERS_EINTERNAL || rc == ERS_EIGRAPH ? 3 : 2;
}

/* ---- temporaries, and the signal handler that removes them ---- */

#define N_LIVE 8
/* SQLite's files beside a database, removed with its temporary. */
static const char *const side_suffix[] = { "-journal", "-wal", "-shm" };

static char *volatile live[N_LIVE];

static void live_add(char *tmp)
{
	for (size_t i = 0; i < N_LIVE; i++)
		if (!live[i]) {
			live[i] = tmp;
			return;
		}
	/* More at once than any command makes: only a signal would leave it. */
}

static void live_drop(const char *tmp)
{
	for (size_t i = 0; i < N_LIVE; i++)
		if (live[i] == tmp)
			live[i] = NULL;
}

/* Remove tmp and its side files; async-signal-safe (unlink, strlen,
 * memcpy), for the handler. */
static void remove_files(const char *tmp)
{
	char buf[4096];
	size_t n = strlen(tmp);

	unlink(tmp);
	if (n + 16 > sizeof buf)
		return;
	memcpy(buf, tmp, n);
	for (size_t i = 0; i < sizeof side_suffix / sizeof side_suffix[0]; i++) {
		memcpy(buf + n, side_suffix[i], strlen(side_suffix[i]) + 1);
		unlink(buf);
	}
}

void ers_tmp_remove_live(void)
{
	for (size_t i = 0; i < N_LIVE; i++)
		if (live[i])
			remove_files(live[i]);
}

void ers_tmp_on_signal(int sig)
{
	ers_tmp_remove_live();
	signal(sig, SIG_DFL);
	raise(sig);
}

void ers_catch_stop_signals(void (*handler)(int))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

static enum ers_err write_error(const char *cmd, const char *path, const char *why)
{
	fprintf(stderr, "ersim %s: cannot write '%s': %s\n", cmd, path, why);
	return ERS_EIO;
}

/* mkstemp beside path; the fd, or -1 after reporting. */
static int make_tmp(const char *cmd, const char *path, char **tmp)
{
	mode_t mask;
	int fd;

	*tmp = ers_asprintf("%s.tmpXXXXXX", path);
	if (!*tmp) {
		fprintf(stderr, "ersim %s: out of memory\n", cmd);
		return -1;
	}
	fd = mkstemp(*tmp);
	if (fd < 0) {
		write_error(cmd, path, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	live_add(*tmp);
	mask = umask(0);	/* mkstemp makes 0600; a new file gets 0666 & ~umask */
	umask(mask);
	if (fchmod(fd, 0666 & ~mask)) {
		write_error(cmd, path, strerror(errno));
		close(fd);
		ers_tmp_discard(*tmp);
		*tmp = NULL;
		return -1;
	}
	return fd;
}

/* After the rename: make the new directory entry durable too. Best
 * effort: some file systems refuse fsync on a directory. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? ers_asprintf("%.*s", (int)(slash - path) + 1, path) : NULL;
	int fd = open(dir ? dir : ".", O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Rename tmp over path; on failure remove it. tmp is freed. */
static enum ers_err rename_into_place(const char *cmd, char *tmp, const char *path)
{
	enum ers_err rc = ERS_OK;

	if (rename(tmp, path)) {
		rc = write_error(cmd, path, strerror(errno));
		remove_files(tmp);
	} else {
		sync_dir(path);
	}
	live_drop(tmp);
	free(tmp);
	return rc;
}

enum ers_err ers_tmp_create(const char *cmd, const char *path, char **tmp)
{
	int fd = make_tmp(cmd, path, tmp);

	if (fd < 0)
		return ERS_EIO;
	close(fd);
	return ERS_OK;
}

enum ers_err ers_tmp_commit(const char *cmd, char *tmp, const char *path)
{
	int fd = open(tmp, O_RDWR);

	if (fd < 0 || fsync(fd)) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		write_error(cmd, path, strerror(err));
		ers_tmp_discard(tmp);
		return ERS_EIO;
	}
	close(fd);
	/* SQLite's side files are gone once it closed cleanly; if not, they
	 * belong to the temporary and must not survive it. */
	return rename_into_place(cmd, tmp, path);
}

void ers_tmp_discard(char *tmp)
{
	if (!tmp)
		return;
	remove_files(tmp);
	live_drop(tmp);
	free(tmp);
}

/* ---- output files through stdio ---- */

enum ers_err ers_out_open(struct ers_out *o, const char *cmd, const char *path)
{
	int fd;

	memset(o, 0, sizeof *o);
	o->cmd = cmd;
	o->path = path;
	fd = make_tmp(cmd, path, &o->tmp);
	if (fd < 0)
		return ERS_EIO;
	o->f = fdopen(fd, "w");
	if (!o->f) {
		write_error(cmd, path, strerror(errno));
		close(fd);
		ers_out_abort(o);
		return ERS_EIO;
	}
	return ERS_OK;
}

enum ers_err ers_out_commit(struct ers_out *o)
{
	int err = 0;
	char *tmp = o->tmp;

	if (!o->f)
		return ERS_OK;
	errno = 0;
	if (fflush(o->f) || ferror(o->f))
		err = errno ? errno : EIO;
	if (!err && fsync(fileno(o->f)))
		err = errno;
	if (fclose(o->f) && !err)
		err = errno ? errno : EIO;
	o->f = NULL;
	if (err) {
		write_error(o->cmd, o->path, strerror(err));
		ers_out_abort(o);
		return ERS_EIO;
	}
	o->tmp = NULL;
	return rename_into_place(o->cmd, tmp, o->path);
}

void ers_out_abort(struct ers_out *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	ers_tmp_discard(o->tmp);
	o->tmp = NULL;
}

#ifdef ERS_TEST_HOOKS
/*
 * ERSIM_TEST_SLOW_OUT=MS: output files (and the batch summary) are
 * written 64 bytes at a time, each write MS milliseconds late, as on a
 * slow disk or terminal, so that the tests can signal a command while it
 * writes. A signal cuts the wait short; the bytes are still written.
 */
struct slow_out {
	FILE *under;
	long ms;
	char buf[64];
};

static ssize_t slow_write(void *c, const char *buf, size_t n)
{
	struct slow_out *s = c;

	usleep((useconds_t)s->ms * 1000);
	if (fwrite(buf, 1, n, s->under) != n || fflush(s->under))
		return -1;
	return (ssize_t)n;
}

static int slow_close(void *c)
{
	struct slow_out *s = c;
	int rc = fflush(s->under);

	free(s);
	return rc;
}

FILE *ers_test_slow_stream(FILE *under)
{
	const char *v = getenv("ERSIM_TEST_SLOW_OUT");
	cookie_io_functions_t io = { NULL, slow_write, NULL, slow_close };
	struct slow_out *s;
	FILE *f;

	if (!v || atol(v) <= 0 || !(s = malloc(sizeof *s)))
		return NULL;
	s->under = under;
	s->ms = atol(v);
	f = fopencookie(s, "w", io);
	if (!f) {
		free(s);
		return NULL;
	}
	setvbuf(f, s->buf, _IOFBF, sizeof s->buf);
	return f;
}
#endif

enum ers_err ers_out_write(struct ers_out *o, ers_write_fn *write, const void *ctx,
			   struct ers_diag *d)
{
	enum ers_err rc;
	int err;

	errno = 0;
#ifdef ERS_TEST_HOOKS
	FILE *slow = ers_test_slow_stream(o->f);

	if (slow) {
		rc = write(ctx, slow, d);
		if (fclose(slow) && rc == ERS_OK)
			rc = ERS_EIO;
		err = errno;
		goto written;
	}
#endif
	rc = write(ctx, o->f, d);
	err = errno;
#ifdef ERS_TEST_HOOKS
written:
#endif
	if (rc == ERS_OK)
		return ERS_OK;
	/* A write that failed on the stream (disk full) left its errno, or
	 * fails again when flushed; anything else is the writer's own
	 * reason, in d. */
	if (ferror(o->f) && (err || (fflush(o->f) && (err = errno))))
		write_error(o->cmd, o->path, strerror(err));
	else
		write_error(o->cmd, o->path, ers_err_str(rc));
	ers_diag_print(d, stderr);
	return rc;
}

int ers_write_atomic(const char *cmd, const char *path, ers_write_fn *write,
		     const void *ctx, struct ers_diag *d)
{
	struct ers_out o;
	enum ers_err rc;

	if (ers_out_open(&o, cmd, path) != ERS_OK)
		return 3;
	rc = ers_out_write(&o, write, ctx, d);
	if (rc == ERS_OK)
		rc = ers_out_commit(&o);
	ers_out_abort(&o);
	return rc == ERS_OK ? 0 : ers_err_exit_code(rc) == 2 ? 2 : 3;
}
