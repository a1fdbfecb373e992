/*
 * compare.h - results side by side: what `ersim compare` prints and
 * writes, as a library so that batch and report code can reuse it.
 *
 * A comparison is built from two or more columns, each a result (from a
 * run or read back from a result document) with, when it came from a
 * scenario, the scenario; decision reasons come from the result (flows' decisions). Column 0 (A) is the
 * baseline: every difference is that of a column against A. The
 * comparison is a list of rows (one metric of one subject: an event, a
 * flow, a pair of endpoints, a VNet, a bill-of-materials item, the run),
 * each with one cell per column and whether the cells differ. Subjects
 * that only some columns have are listed apart.
 */
#ifndef ERSIM_COMPARE_H
#define ERSIM_COMPARE_H

#include <stdio.h>

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/result.h"
#include "ersim/scenario.h"

/* One column of a comparison. Everything is borrowed: it must outlive
 * the comparison built from it. */
struct ers_cmp_input {
	const char *input;		/* file name as given, for output */
	const struct ers_result *res;
	const struct ers_scenario *scn;	/* NULL for a result document */
	const struct ers_catalog *cat;	/* the scenario's merged catalog, or NULL */
};

enum ers_cmp_section {
	ERS_CMP_EVENTS,			/* subject: "60.000 s fail circuit:er-fra" */
	ERS_CMP_FLOWS,			/* subject: flow id */
	ERS_CMP_PATHS,			/* subject: flow id, metric: the moment */
	ERS_CMP_REACH,			/* subject: "from -> to" */
	ERS_CMP_RESILIENCY,		/* subject: VNet id */
	ERS_CMP_BOM,			/* subject: an item of the bill of materials */
	ERS_CMP_RUN,			/* subject: "run" */
	ERS_CMP_N_SECTIONS,
};
const char *ers_cmp_section_str(enum ers_cmp_section s);	/* "events", ... */

enum ers_cmp_kind {
	ERS_CMP_SECONDS,		/* num in seconds; null = never */
	ERS_CMP_COUNT,
	ERS_CMP_BYTES,
	ERS_CMP_RATIO,			/* 0.4 = 40% */
	ERS_CMP_BOOL,			/* num 0 or 1 */
	ERS_CMP_TEXT,			/* text */
	ERS_CMP_PATHSET,		/* paths; text is their rendering */
};

struct ers_cmp_cell {
	bool present;			/* false: unknown in this column */
	bool null;			/* SECONDS: a time that never came */
	double num;
	char *text;			/* TEXT, PATHSET: one line per path */
	/* PATHSET only (borrowed from the column's result): */
	const struct ers_path_entry *paths;
	size_t n_paths;
	char *diverge;			/* first router whose choice differs from A's; NULL if none */
	char *reason;			/* that router's decision step here, or why it is unknown */
	char *base_reason;		/* A's decision step at the same router */
};

struct ers_cmp_row {
	enum ers_cmp_section section;
	char *subject;
	char *metric;			/* "outage_s", "before fail circuit:er-fra at 60.000 s" */
	enum ers_cmp_kind kind;
	struct ers_cmp_cell *cells;	/* n_cols */
	int better;			/* -1 lower is better, +1 higher, 0 neither */
	bool differs;			/* some column's cell differs from A's */
};

/* Something only some columns have: compared nowhere, listed. */
struct ers_cmp_unshared {
	const char *kind;		/* "event", "flow", "endpoint" (static) */
	char *subject;
	bool *in;			/* n_cols: which columns have it */
};

struct ers_cmp_column {
	char *label;			/* "A", "B", ... */
	char *input;
	char *scenario;			/* the result's scenario name */
	uint64_t seed;
	bool is_result_doc;
};

/* A --fail-on threshold crossed. */
struct ers_cmp_violation {
	char *expr;			/* as given */
	size_t col;
	char *msg;			/* "flow 'app' outage_s 175.8 > 1 (B: weight.xml)" */
};

struct ers_comparison {
	struct ers_cmp_column *cols;
	size_t n_cols;
	struct ers_cmp_row *rows;	/* by section, then subject order of A */
	size_t n_rows;
	struct ers_cmp_unshared *unshared;
	size_t n_unshared;
	size_t n_pairs_equal;		/* reachability pairs equal in every column */
	struct ers_cmp_violation *violations;
	size_t n_violations;
	char **checked;			/* every --fail-on expression checked, in order */
	size_t n_checked;
};

/* Two numbers closer than this (relative, at least absolute) are equal,
 * and a threshold is crossed only beyond it. */
#define ERS_CMP_EPS 1e-9

/* Are two cells of a row of this kind equal? Unknown equals unknown. */
bool ers_cmp_cells_equal(enum ers_cmp_kind kind, const struct ers_cmp_cell *a,
			 const struct ers_cmp_cell *b);
/* "better" or "worse" for column j against A, or NULL when equal, not
 * comparable or the row has no direction. */
const char *ers_cmp_verdict(const struct ers_cmp_row *r, size_t j);

/* Compare n >= 2 columns; in[0] is the baseline. Events match by target
 * and time (the k-th occurrence with the k-th), flows by id, reachability
 * pairs by endpoint names. On success *out is a new comparison
 * (ers_comparison_free). ERS_EINVAL with a message in d when n < 2 or a
 * column shares nothing (no event, flow or endpoint) with A; ERS_ENOMEM. */
enum ers_err ers_compare_build(const struct ers_cmp_input *in, size_t n,
			       struct ers_comparison **out, struct ers_diag *d);
void ers_comparison_free(struct ers_comparison *c);	/* NULL-safe */

enum {
	ERS_CMP_ONLY_DIFF = 1u << 0,	/* leave out rows whose cells are all equal */
};

/* The readable tables. Returns ERS_EIO on a write error, ERS_ENOMEM. */
enum ers_err ers_compare_write_text(const struct ers_comparison *c, FILE *out,
				    unsigned flags);
/* The text of row r's cell in column j as the tables print it ("0.684 s",
 * "12.3 MB", "yes", "unknown" for a result document's design rows, "-"),
 * and of its difference from A ("+0.122 s (worse)", "" when equal). */
void ers_cmp_cell_text(const struct ers_comparison *c, const struct ers_cmp_row *r,
		       size_t j, char *buf, size_t n);
void ers_cmp_delta_text(const struct ers_cmp_row *r, size_t j, char *buf, size_t n);
/* The comparison document ("format": "ersim-compare/1", keys in a fixed
 * order, two-space indent). Returns ERS_ENOMEM or ERS_EIO. */
enum ers_err ers_compare_write_json(const struct ers_comparison *c, FILE *out);

/* A --fail-on expression: METRIC OP VALUE, "reachability-lost" or
 * "resiliency-lower". METRIC is a numeric row metric (detection_s,
 * convergence_s, updates, withdrawals, outage_s, down_s, lost_bytes,
 * max_utilization, initial_convergence_s, messages, bgp_updates,
 * events_processed, notices).
 * OP is >, >=, < or <=; VALUE a number, "A" or "A+N" / "A-N" (relative to
 * the baseline). */
enum ers_cmp_op { ERS_CMP_GT, ERS_CMP_GE, ERS_CMP_LT, ERS_CMP_LE };
enum ers_fail_kind {
	ERS_FAIL_METRIC,		/* METRIC OP VALUE */
	ERS_FAIL_REACH_LOST,		/* "reachability-lost": a pair or flow A reaches, B not */
	ERS_FAIL_RESILIENCY_LOWER,	/* "resiliency-lower": a VNet's class below A's */
};
struct ers_fail_on {
	const char *expr;		/* borrowed */
	enum ers_fail_kind kind;
	char metric[32];
	enum ers_cmp_op op;
	bool relative;			/* VALUE is A's value plus value */
	double value;
};

/* Parse expr into *out. ERS_EINVAL with *why set (static text) when it
 * is not a known form or metric. */
enum ers_err ers_fail_on_parse(const char *expr, struct ers_fail_on *out,
			       const char **why);
/* Check every column but A against each threshold and append what is
 * crossed to c->violations, and each expression to c->checked (so a
 * page can say which passed). ERS_ENOMEM or ERS_OK. */
enum ers_err ers_compare_check(struct ers_comparison *c,
			       const struct ers_fail_on *f, size_t n);


#endif
