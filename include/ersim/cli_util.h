/*
 * cli_util.h - what the commands share: option parsing (getopt_long with
 * ersim's usage errors), checking the files they read, and writing output
 * files all at once (a temporary file beside the target, renamed over it
 * only when complete: nothing half-written is ever left).
 */
#ifndef ERSIM_CLI_UTIL_H
#define ERSIM_CLI_UTIL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "ersim/error.h"

/* ---- options ---- */

/* A command's argument parser over getopt_long. Options and operands
 * may come in any order, values as "--opt V", "--opt=V", "-oV" or
 * "-o V"; "--" ends the options. Long options may be abbreviated while
 * unambiguous. */
struct ers_opts {
	const char *cmd;		/* for messages: "ersim CMD: ..." */
	int argc;
	char **argv;			/* argv[0] is the command name */
	const struct option *longopts;
	char shortopts[64];		/* "-:" + the command's */
	const char *arg;		/* the option's value, or the operand */
	bool ended;			/* after "--": only operands */
};

enum {
	ERS_OPT_END = -1,		/* no more arguments */
	ERS_OPT_OPERAND = 1,		/* a file or other operand, in arg */
	ERS_OPT_USAGE = '?',		/* usage error, reported: exit code 2 */
};

/* Start parsing argv (argc entries). shortopts in getopt's syntax ("j:q"),
 * longopts ends with a zero entry. Resets getopt's state, so commands
 * may be called more than once in one process (tests do). */
void ers_opts_init(struct ers_opts *p, const char *cmd, int argc, char **argv,
		   const char *shortopts, const struct option *longopts);
/* The next option's val, ERS_OPT_OPERAND, ERS_OPT_END, or ERS_OPT_USAGE
 * after printing "ersim CMD: unknown option '--x'" (or "needs a value",
 * "takes no value", "is ambiguous") and the usage line. */
int ers_opts_next(struct ers_opts *p);

struct ers_run_opts;

/* --seed N and --until T, shared by the commands that run scenarios:
 * sets o from v and returns 0, or reports a usage error (exit code 2). */
int ers_opt_seed(const char *cmd, const char *v, struct ers_run_opts *o);
int ers_opt_until(const char *cmd, const char *v, struct ers_run_opts *o);

/* ---- input files ---- */

/* Check that path names something to read before loading it: it exists
 * and is not a directory. 0, or 2 after printing "path: error: ..."
 * with what (e.g. "scenario file") in the hint. */
int ers_input_check(const char *path, const char *what);
/* The exit code for an input that could not be loaded: 2, because the
 * user named a file that is missing, unreadable or invalid, unless
 * memory ran out or a bug was hit (3). */
int ers_input_exit_code(enum ers_err rc);

/* ---- all-or-nothing output files ---- */

/* An output file being written: data goes to f, a temporary made by
 * mkstemp in the target's directory (same file system, so the rename is
 * atomic), with the mode a new file would get (0666 & ~umask). */
struct ers_out {
	const char *cmd;
	const char *path;		/* the target */
	char *tmp;			/* the temporary, while it exists */
	FILE *f;
};

/* Create the temporary for path. ERS_OK, or ERS_EIO / ERS_ENOMEM after
 * printing "ersim CMD: cannot write 'path': reason". */
enum ers_err ers_out_open(struct ers_out *o, const char *cmd, const char *path);

/* Writes the content to f; errors beyond I/O go to d. */
typedef enum ers_err ers_write_fn(const void *ctx, FILE *f, struct ers_diag *d);

/* Write o's content with write(ctx, o->f, d). On failure print
 * "ersim CMD: cannot write 'path': reason" (the OS's reason when the
 * stream failed, else the writer's, then d) and return its error; the
 * caller aborts o. */
enum ers_err ers_out_write(struct ers_out *o, ers_write_fn *write, const void *ctx,
			   struct ers_diag *d);
/* Flush, fsync, close and rename the temporary over the target (then
 * sync the directory). On failure the temporary is removed, the target
 * keeps what it held, and the reason is printed as above. */
enum ers_err ers_out_commit(struct ers_out *o);
/* Remove the temporary if it is still there (safe on a zeroed, committed
 * or aborted o). */
void ers_out_abort(struct ers_out *o);

/* The same for a file another library writes by name (SQLite): create an
 * empty temporary beside path (*tmp: new string), and later commit it
 * (fsync + rename; on failure it is removed and the reason printed) or
 * discard it; both free tmp. Side files named tmp + suffix (SQLite's
 * "-journal", "-wal", "-shm") are removed with it. */
enum ers_err ers_tmp_create(const char *cmd, const char *path, char **tmp);
enum ers_err ers_tmp_commit(const char *cmd, char *tmp, const char *path);
void ers_tmp_discard(char *tmp);

/* Write path all at once with write(ctx, f, d) (ers_out_*). Returns 0,
 * or the exit code (3, or 2 for invalid input) after printing why on
 * stderr as "ersim CMD: cannot write 'path': reason". */
int ers_write_atomic(const char *cmd, const char *path, ers_write_fn *write,
		     const void *ctx, struct ers_diag *d);

/* ---- signals ---- */

/* Send SIGINT, SIGTERM and SIGHUP to handler (a user stopping a long
 * command: commands clean up or stop between runs). */
void ers_catch_stop_signals(void (*handler)(int));
/* The default stop handler main() installs for every command: remove
 * every temporary output file, then die of the signal as without it. */
void ers_tmp_on_signal(int sig);
/* Remove every temporary that exists now; async-signal-safe, for a
 * handler that ends the process itself. */
void ers_tmp_remove_live(void);

#ifdef ERS_TEST_HOOKS
/* Test builds: under as a slow stream when ERSIM_TEST_SLOW_OUT is set
 * (fclose it; under stays open), else NULL. */
FILE *ers_test_slow_stream(FILE *under);
#endif

#endif
