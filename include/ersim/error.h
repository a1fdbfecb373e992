/*
 * error.h - error codes and user-facing diagnostics.
 *
 * Every module returns enum ers_err. Text for the user goes into a
 * struct ers_diag, which collects any number of messages, each with the
 * file and line it is about and an optional fix-it hint, printed as
 *
 *   scenarios/hub.xml:42: error: unknown circuit 'er-x' in <connection>
 *   scenarios/hub.xml:42: note: declare <circuit id="er-x"> or fix the name
 *
 * Messages follow git: lowercase, what is wrong first, names in quotes,
 * no full stop.
 */
#ifndef ERSIM_ERROR_H
#define ERSIM_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

enum ers_err {
	ERS_OK = 0,
	ERS_ENOMEM,			/* out of memory */
	ERS_EINVAL,			/* bad usage or argument */
	ERS_EIO,			/* cannot read or write a file */
	ERS_EXML,			/* not well-formed XML */
	ERS_ESCHEMA,			/* XML does not follow the schema */
	ERS_ESCENARIO,			/* valid XML, invalid meaning */
	ERS_EIGRAPH,			/* igraph failed */
	ERS_ELIMIT,			/* a size or count limit was hit */
	ERS_EINTERNAL,			/* a bug: an invariant did not hold */
};

const char *ers_err_str(enum ers_err e);

/* Exit code for an error, per spec/cli-and-results.md: 2 for bad input,
 * 3 for runtime failures (I/O, memory, igraph, internal). */
int ers_err_exit_code(enum ers_err e);

struct ers_diag_msg {
	char *file;			/* may be NULL */
	long line;			/* 0 when unknown */
	char *text;
	char *hint;			/* may be NULL */
	bool warning;			/* valid but suspect: does not fail */
};

struct ers_diag {
	struct ers_diag_msg *msgs;
	size_t n_msgs, cap;
	enum ers_err first;		/* code of the first message, or ERS_OK */
	size_t max_msgs;		/* stop collecting after this many (0: 20) */
	size_t n_more;			/* messages past max_msgs, counted, not kept */
};

void ers_diag_init(struct ers_diag *d);
void ers_diag_release(struct ers_diag *d);	/* frees messages; d reusable after init */

/* Record a message; returns code so callers can write
 *   return ers_diag_add(d, ERS_ESCENARIO, file, line, "hint", "fmt", ...);
 * hint may be NULL. Out of memory while recording is not reported further. */
enum ers_err ers_diag_add(struct ers_diag *d, enum ers_err code,
			  const char *file, long line, const char *hint,
			  const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
enum ers_err ers_diag_vadd(struct ers_diag *d, enum ers_err code,
			   const char *file, long line, const char *hint,
			   const char *fmt, va_list ap);

/* Record a warning: printed like an error but as "warning:", and it
 * leaves d->first alone, so the input stays valid. */
void ers_diag_warn(struct ers_diag *d, const char *file, long line,
		   const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Print every message as "file:line: error: text" (or "warning:") plus a "note:" line for
 * the hint, then "and K more errors not shown" when n_more is not 0. */
void ers_diag_print(const struct ers_diag *d, FILE *out);

/* True if any recorded message contains needle (for tests). */
int ers_diag_has(const struct ers_diag *d, const char *needle);

#endif
