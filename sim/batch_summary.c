/*
 * batch_summary.c - the table `ersim batch` and `ersim merge` print at the
 * end, computed from the database alone (so a resumed or merged batch
 * summarises every run it holds): per parameter combination, for each
 * measured metric, the count, mean, p50, p95, p99 and max over the runs,
 * the runs that lost reachability or failed, and the failure sets with
 * the worst value of the first metric.
 *
 * A flow metric gives one row per flow (or the flow <measure flow=> names);
 * an event metric takes the worst (largest) value among a run's events,
 * events that never happened (null) not counted; a run metric is one
 * value per run. Percentiles are nearest-rank: p95 of n sorted values is
 * the ceil(0.95 n)-th, always a value that occurred.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ersim/batch.h"
#include "ersim/util.h"

#define N_WORST 5

struct series {
	double *v;
	size_t n, cap;
};

static bool series_add(struct series *s, double x)
{
	double *nv;

	if (s->n == s->cap) {
		nv = realloc(s->v, (s->cap ? s->cap * 2 : 64) * sizeof *nv);
		if (!nv)
			return false;
		s->v = nv;
		s->cap = s->cap ? s->cap * 2 : 64;
	}
	s->v[s->n++] = x;
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(const struct series *s, double p)
{
	size_t k = (size_t)ceil(p * (double)s->n);

	return s->v[k ? k - 1 : 0];
}

static const char *fmt(const char *column, double v, char *buf, size_t n)
{
	size_t len = strlen(column);

	if (len > 2 && !strcmp(column + len - 2, "_s"))
		snprintf(buf, n, "%.3f", v);
	else if (!strcmp(column, "max_utilization") || !strcmp(column, "final_reachable"))
		snprintf(buf, n, "%.3f", v);
	else
		snprintf(buf, n, "%.0f", v);
	return buf;
}

/* The values of one measure (and flow) in one combination. */
static const char *values_sql(enum ers_measure_scope scope)
{
	switch (scope) {
	case ERS_MEASURE_FLOW:
		return "SELECT f.%s FROM flows f JOIN runs r ON r.id = f.run_id "
		       "WHERE r.combo = ?1 AND f.flow = ?2 AND f.%s IS NOT NULL";
	case ERS_MEASURE_EVENT:
		return "SELECT max(e.%s) m FROM events e JOIN runs r ON r.id = e.run_id "
		       "WHERE r.combo = ?1 AND ?2 IS NULL GROUP BY e.run_id HAVING m IS NOT NULL";
	default:
		return "SELECT %s FROM runs WHERE combo = ?1 AND status = 'ok' AND ?2 IS NULL "
		       "AND %s IS NOT NULL";
	}
}

static bool collect(sqlite3 *db, const struct ers_measure *m, long long combo,
		    const char *flow, struct series *s)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	bool ok = true;
	int r;

	snprintf(sql, sizeof sql, values_sql(m->scope), m->column, m->column);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, combo);
	if (flow)
		sqlite3_bind_text(st, 2, flow, -1, SQLITE_STATIC);
	while (ok && (r = sqlite3_step(st)) == SQLITE_ROW)
		ok = series_add(s, sqlite3_column_double(st, 0));
	sqlite3_finalize(st);
	if (s->n)
		qsort(s->v, s->n, sizeof *s->v, cmp_double);
	return ok;
}

static void print_row(FILE *out, const char *label, const char *column, struct series *s)
{
	char b[6][32];
	double sum = 0;

	if (!s->n) {
		fprintf(out, "  %-32s %6d %12s %12s %12s %12s %12s\n", label, 0, "-", "-", "-",
			"-", "-");
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	snprintf(b[0], sizeof b[0], "%.3f", sum / (double)s->n);
	if (strcmp(column, "max_utilization") && strcmp(column, "final_reachable") &&
	    !strstr(column, "_s"))
		snprintf(b[0], sizeof b[0], "%.1f", sum / (double)s->n);
	fprintf(out, "  %-32s %6zu %12s %12s %12s %12s %12s\n", label, s->n, b[0],
		fmt(column, pct(s, 0.50), b[1], sizeof b[1]),
		fmt(column, pct(s, 0.95), b[2], sizeof b[2]),
		fmt(column, pct(s, 0.99), b[3], sizeof b[3]),
		fmt(column, s->v[s->n - 1], b[4], sizeof b[4]));
}

/* Flow ids of a combination, in scenario order. */
static sqlite3_stmt *flow_ids(sqlite3 *db, long long combo)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT f.flow FROM flows f JOIN runs r ON r.id = f.run_id "
			       "WHERE r.combo = ?1 GROUP BY f.flow ORDER BY min(f.idx), f.flow",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, combo);
	return st;
}

static bool print_measure(FILE *out, sqlite3 *db, const struct ers_measure *m, long long combo)
{
	struct series s = { 0 };
	char label[160];
	sqlite3_stmt *ids;
	bool ok = true;

	if (m->scope != ERS_MEASURE_FLOW || m->flow) {
		snprintf(label, sizeof label, "%s%s%s%s", m->metric, m->flow ? " " : "",
			 m->flow ? m->flow : "", m->scope == ERS_MEASURE_EVENT ? " (worst)" : "");
		ok = collect(db, m, combo, m->flow, &s);
		print_row(out, label, m->column, &s);
		free(s.v);
		return ok;
	}
	if (!(ids = flow_ids(db, combo)))
		return false;
	while (ok && sqlite3_step(ids) == SQLITE_ROW) {
		const char *flow = (const char *)sqlite3_column_text(ids, 0);

		s.n = 0;
		snprintf(label, sizeof label, "%s %s", m->metric, flow);
		ok = collect(db, m, combo, flow, &s);
		print_row(out, label, m->column, &s);
	}
	sqlite3_finalize(ids);
	free(s.v);
	return ok;
}

/* The failure sets with the largest value of measure m. */
static bool print_worst(FILE *out, sqlite3 *db, const struct ers_measure *m, long long combo)
{
	char sql[800], b[32];
	const char *from = m->scope == ERS_MEASURE_FLOW ?
		"flows x JOIN runs r ON r.id = x.run_id WHERE (?2 IS NULL OR x.flow = ?2) AND" :
		m->scope == ERS_MEASURE_EVENT ?
		"events x JOIN runs r ON r.id = x.run_id WHERE ?2 IS NULL AND" :
		"runs r JOIN runs x ON x.id = r.id WHERE ?2 IS NULL AND";
	sqlite3_stmt *st = NULL;
	int n = 0;

	/* random failure sets differ per repetition: name them "random #R" */
	snprintf(sql, sizeof sql, "SELECT r.failure || CASE r.failure WHEN 'random' THEN "
		 "' #' || r.repetition ELSE '' END f, max(x.%s) m FROM %s r.combo = ?1 "
		 "AND r.failure != 'scenario' GROUP BY f HAVING m IS NOT NULL "
		 "ORDER BY m DESC, f LIMIT %d", m->column, from, N_WORST);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, combo);
	if (m->flow)
		sqlite3_bind_text(st, 2, m->flow, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (!n++)
			fprintf(out, "  worst failure sets by %s%s%s:\n", m->metric,
				m->flow ? " " : "", m->flow ? m->flow : "");
		fprintf(out, "    %12s  %s\n",
			fmt(m->column, sqlite3_column_double(st, 1), b, sizeof b),
			(const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return true;
}

static bool print_combo(FILE *out, sqlite3 *db, sqlite3_stmt *row,
			const struct ers_measure *ms, size_t n_ms)
{
	long long combo = sqlite3_column_int64(row, 0);
	const char *params = (const char *)sqlite3_column_text(row, 1);
	bool ok = true;

	fprintf(out, "\n%s%s%lld run%s, %lld failed, %lld lost reachability\n",
		*params ? params : "", *params ? ": " : "", sqlite3_column_int64(row, 2),
		ers_s((size_t)sqlite3_column_int64(row, 2)), (long long)sqlite3_column_double(row, 3),
		(long long)sqlite3_column_double(row, 4));
	fprintf(out, "  %-32s %6s %12s %12s %12s %12s %12s\n", "metric", "n", "mean", "p50",
		"p95", "p99", "max");
	for (size_t i = 0; i < n_ms && ok; i++)
		ok = print_measure(out, db, &ms[i], combo);
	if (ok && n_ms)
		ok = print_worst(out, db, &ms[0], combo);
	return ok;
}

/* The measures stored in the database, one "metric [flow]" per line. */
static bool load_measures(sqlite3 *db, struct ers_measure **ms, size_t *n)
{
	sqlite3_stmt *st = NULL;
	char *text = NULL, *save = NULL;
	struct ers_measure *nm;
	bool ok = true;

	*ms = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'measures'", -1, &st,
			       NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		text = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	for (char *t = text ? strtok_r(text, "\n", &save) : NULL; t && ok;
	     t = strtok_r(NULL, "\n", &save)) {
		nm = realloc(*ms, (*n + 1) * sizeof *nm);
		ok = nm != NULL;
		if (ok) {
			*ms = nm;
			if (ers_batch_measure_parse(t, &nm[*n]))
				(*n)++;
		}
	}
	free(text);
	return ok;
}

enum ers_err ers_batch_summary(struct ers_batch_db *db, FILE *out, struct ers_diag *d)
{
	sqlite3 *h = ers_batch_db_handle(db);
	struct ers_measure *ms;
	sqlite3_stmt *st = NULL;
	size_t n_ms, done, failed, total;
	bool ok;

	ers_batch_db_counts(db, &done, &failed, &total);
	fprintf(out, "runs: %zu of %zu done, %zu failed\n", done, total, failed);
	ok = load_measures(h, &ms, &n_ms);
	ok = ok && sqlite3_prepare_v2(h, "SELECT combo, params, count(*), total(status != 'ok'),"
				      " total(lost_reachability) FROM runs GROUP BY combo"
				      " ORDER BY combo", -1, &st, NULL) == SQLITE_OK;
	while (ok && sqlite3_step(st) == SQLITE_ROW)
		ok = print_combo(out, h, st, ms, n_ms);
	sqlite3_finalize(st);
	for (size_t i = 0; i < n_ms; i++) {
		free(ms[i].metric);
		free(ms[i].flow);
	}
	free(ms);
	if (!ok)
		return ers_diag_add(d, ERS_EIO, NULL, 0, NULL, "cannot read the results: %s",
				    sqlite3_errmsg(h));
	return ERS_OK;
}
