/*
 * result_json.h - the result document of `ersim run --json`
 * ("format": "ersim-result/1", see docs/cli.md and
 * spec/cli-and-results.md), written with jansson and read back for
 * `ersim compare`.
 */
#ifndef ERSIM_RESULT_JSON_H
#define ERSIM_RESULT_JSON_H

#include <stdio.h>

#include "ersim/error.h"
#include "ersim/result.h"

#define ERS_RESULT_FORMAT "ersim-result/1"

/* Write r to out as one JSON document (keys in a fixed order, two-space
 * indent, trailing newline). Equal results give byte-identical output.
 * Returns ERS_ENOMEM, or ERS_EIO when out reports a write error; on error
 * part of the document may already be written (callers write to a
 * temporary file and rename it). */
enum ers_err ers_result_write_json(const struct ers_result *r, FILE *out);
/* The same document on one line (batch workers' answers to the parent). */
enum ers_err ers_result_write_json_compact(const struct ers_result *r, FILE *out);

/* Read the result document at path. On success *out is a new result
 * (ers_result_free). On failure *out is NULL and d says why, naming path:
 * ERS_EIO when the file cannot be read, ERS_EINVAL when it is not JSON or
 * not an "ersim-result/1" document (the message names the bad field, as
 * "flows[1].paths[0].share"), ERS_ENOMEM. Times are rounded to the
 * nanosecond; null times read as ERS_TIME_NEVER. */
enum ers_err ers_result_read_json(const char *path, struct ers_result **out,
				  struct ers_diag *d);
/* The same from the len bytes at buf; name stands for the file in
 * diagnostics. */
enum ers_err ers_result_read_json_mem(const char *buf, size_t len,
				      const char *name, struct ers_result **out,
				      struct ers_diag *d);

#endif
