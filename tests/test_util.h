/*
 * test_util.h - what the end-to-end suites share: run a scenario file and
 * look things up in its result. Every helper fails the calling test with a
 * message (ck_abort_msg) instead of returning an error.
 */
#ifndef ERSIM_TEST_UTIL_H
#define ERSIM_TEST_UTIL_H

#include "ersim/run.h"

/* Open (load + check) and run path; the result is the caller's. */
struct ers_result *tu_run(const char *path, const struct ers_run_opts *o);

const struct ers_flow_result *tu_flow(const struct ers_result *r, const char *id);
/* A route of the final RIBs (run with .ribs), or NULL. */
const struct ers_rib_route *tu_route(const struct ers_result *r, const char *router,
				     const char *prefix);
/* The final reachability matrix entry from -> to. */
bool tu_reach(const struct ers_result *r, const char *from, const char *to);

/* Run a command (ers_cmd_*) in this process with what it prints on
 * stdout and stderr captured into out (n bytes, NUL-terminated,
 * truncated), so that the messages a test provokes on purpose are
 * checked there instead of cluttering `make test`. Its exit code. */
int tu_cmd(int (*fn)(int, char **), int argc, char **argv, char *out, size_t n);

/* Is a temporary of the atomic writer (PATH.tmpXXXXXX, cli_util.c) left
 * beside path? */
bool tu_temp_left(const char *path);

#endif
