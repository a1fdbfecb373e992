/*
 * report.h - the readable report of one run (what `ersim run` prints on
 * stdout): header, initial convergence, events, flows with their paths
 * before the first event and at the end, notices and the final
 * reachability matrix, as aligned plain-text tables. Output depends only
 * on the result, so equal results print byte-identical reports; the one
 * exception is the optional last "wall time" line.
 */
#ifndef ERSIM_REPORT_H
#define ERSIM_REPORT_H

#include <stdio.h>

#include "ersim/error.h"
#include "ersim/result.h"

enum {
	ERS_REPORT_WALL = 1u << 0,	/* end with "wall time: 0.003 s" */
};

/* Print the report of r to out. Returns ERS_ENOMEM, or ERS_EIO when out
 * reports a write error. */
enum ers_err ers_report_write(const struct ers_result *r, FILE *out,
			      unsigned flags);

/* "60.912 s" (rounded to the millisecond), "-" for ERS_TIME_NEVER;
 * buf of n >= 32 bytes; returns buf. */
char *ers_report_time(ers_time_t t, char *buf, size_t n);
/* "0 B", "999 B", "16.9 MB", "1.2 GB" (SI units); n >= 32; returns buf. */
char *ers_report_bytes(uint64_t b, char *buf, size_t n);

#endif
