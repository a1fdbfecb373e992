/*
 * batch_report.c - `ersim batch --report`: the batch's database as the
 * HTML page of html_report.c. Per parameter combination, the samples of
 * the worst flow outage of each run and of every event's convergence
 * time (their CDFs); for pair failures, which pairs of targets cut
 * reachability (a run "cuts" when some flow ends unreachable).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ersim/batch.h"
#include "ersim/html_report.h"

struct samples {
	double *v;
	size_t n, cap;
};

static bool push(struct samples *s, double x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		double *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return false;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return true;
}

/* Every value of the first column of sql, with ?1 bound to combo. */
static bool query(sqlite3 *db, const char *sql, long long combo, struct samples *out)
{
	sqlite3_stmt *st;
	bool ok = true;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, combo);
	while (ok && sqlite3_step(st) == SQLITE_ROW)
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			ok = push(out, sqlite3_column_double(st, 0));
	sqlite3_finalize(st);
	return ok;
}

/* "name=value name=value" of a combination, or "all runs". */
static char *combo_label(sqlite3 *db, long long combo)
{
	sqlite3_stmt *st;
	char *label = NULL;

	if (sqlite3_prepare_v2(db, "SELECT group_concat(name || '=' || value, ' ') FROM "
			       "(SELECT name, value FROM params WHERE combo = ?1 ORDER BY position)",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, combo);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		label = strdup((const char *)sqlite3_column_text(st, 0));
	else
		label = strdup("all runs");
	sqlite3_finalize(st);
	return label;
}

struct page {
	struct ers_html_combo *combos;
	char **labels;
	struct samples *outage, *conv;
	size_t n;
	struct ers_html_pair_matrix *pairs;
	size_t n_pairs;
	char **targets;			/* shared by every matrix */
	size_t n_targets;
	signed char **cuts;
};

static long target_index(struct page *pg, const char *t, size_t len)
{
	for (size_t i = 0; i < pg->n_targets; i++)
		if (strlen(pg->targets[i]) == len && !strncmp(pg->targets[i], t, len))
			return (long)i;
	char **v = realloc(pg->targets, (pg->n_targets + 1) * sizeof *v);
	if (!v)
		return -1;
	pg->targets = v;
	if (!(v[pg->n_targets] = strndup(t, len)))
		return -1;
	return (long)pg->n_targets++;
}

/* Collect the targets named in pair failures ("A + B"). */
static bool pair_targets(sqlite3 *db, struct page *pg)
{
	sqlite3_stmt *st;
	bool ok = true;

	if (sqlite3_prepare_v2(db, "SELECT DISTINCT failure FROM runs WHERE failure LIKE '% + %' "
			       "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return false;
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(st, 0);
		const char *plus = strstr(f, " + ");
		ok = target_index(pg, f, (size_t)(plus - f)) >= 0 &&
		     target_index(pg, plus + 3, strlen(plus + 3)) >= 0;
	}
	sqlite3_finalize(st);
	return ok;
}

/* cut[i * n + j] for the pair runs of one combination. */
static signed char *pair_matrix(sqlite3 *db, struct page *pg, long long combo)
{
	size_t n = pg->n_targets;
	signed char *cut = malloc(n ? n * n : 1);
	sqlite3_stmt *st;

	if (!cut)
		return NULL;
	memset(cut, -1, n * n);
	if (sqlite3_prepare_v2(db, "SELECT failure, max(lost_reachability) FROM runs WHERE "
			       "combo = ?1 AND status = 'ok' AND failure LIKE '% + %' GROUP BY failure",
			       -1, &st, NULL) != SQLITE_OK) {
		free(cut);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, combo);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(st, 0);
		const char *plus = strstr(f, " + ");
		long i = target_index(pg, f, (size_t)(plus - f));
		long j = target_index(pg, plus + 3, strlen(plus + 3));
		if (i < 0 || j < 0 || (size_t)i >= n || (size_t)j >= n)
			continue;
		cut[i * n + j] = cut[j * n + i] = (signed char)sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return cut;
}

static bool add_combo(sqlite3 *db, struct page *pg, long long combo)
{
	size_t k = pg->n;

	pg->labels[k] = combo_label(db, combo);
	if (!pg->labels[k] ||
	    !query(db, "SELECT max(f.outage_s) FROM flows f JOIN runs r ON r.id = f.run_id "
		   "WHERE r.combo = ?1 AND r.status = 'ok' GROUP BY r.id ORDER BY r.id",
		   combo, &pg->outage[k]) ||
	    !query(db, "SELECT e.convergence_s FROM events e JOIN runs r ON r.id = e.run_id "
		   "WHERE r.combo = ?1 AND r.status = 'ok' ORDER BY r.id, e.idx",
		   combo, &pg->conv[k]))
		return false;
	pg->combos[k] = (struct ers_html_combo){ pg->labels[k], pg->outage[k].v, pg->outage[k].n,
						 pg->conv[k].v, pg->conv[k].n };
	if (pg->n_targets) {
		if (!(pg->cuts[k] = pair_matrix(db, pg, combo)))
			return false;
		pg->pairs[pg->n_pairs++] = (struct ers_html_pair_matrix){
			pg->labels[k], (const char *const *)pg->targets, pg->n_targets, pg->cuts[k] };
	}
	pg->n++;
	return true;
}

static bool alloc_page(struct page *pg, size_t n)
{
	n = n ? n : 1;
	pg->combos = calloc(n, sizeof *pg->combos);
	pg->labels = calloc(n, sizeof *pg->labels);
	pg->outage = calloc(n, sizeof *pg->outage);
	pg->conv = calloc(n, sizeof *pg->conv);
	pg->pairs = calloc(n, sizeof *pg->pairs);
	pg->cuts = calloc(n, sizeof *pg->cuts);
	return pg->combos && pg->labels && pg->outage && pg->conv && pg->pairs && pg->cuts;
}

static void free_page(struct page *pg, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		if (pg->labels)
			free(pg->labels[i]);
		if (pg->outage)
			free(pg->outage[i].v);
		if (pg->conv)
			free(pg->conv[i].v);
		if (pg->cuts)
			free(pg->cuts[i]);
	}
	for (size_t i = 0; i < pg->n_targets; i++)
		free(pg->targets[i]);
	free(pg->targets);
	free(pg->combos);
	free(pg->labels);
	free(pg->outage);
	free(pg->conv);
	free(pg->pairs);
	free(pg->cuts);
}

static long long count_combos(sqlite3 *db)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(DISTINCT combo) FROM runs", -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The experiment's name from the database's meta table. */
static char *experiment_name(sqlite3 *db)
{
	sqlite3_stmt *st;
	char *name = NULL;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'experiment'", -1, &st,
			       NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		name = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return name;
}

enum ers_err ers_batch_report(struct ers_batch_db *db, FILE *out, struct ers_diag *d)
{
	char *title = NULL;
	sqlite3 *h = ers_batch_db_handle(db);
	struct page pg = { 0 };
	long long n = count_combos(h);
	sqlite3_stmt *st = NULL;
	enum ers_err rc = ERS_ENOMEM;
	bool ok;

	if (n < 0 || !alloc_page(&pg, (size_t)n) || !pair_targets(h, &pg))
		goto out;
	ok = sqlite3_prepare_v2(h, "SELECT DISTINCT combo FROM runs ORDER BY combo", -1, &st,
				NULL) == SQLITE_OK;
	while (ok && pg.n < (size_t)n && sqlite3_step(st) == SQLITE_ROW)
		ok = add_combo(h, &pg, sqlite3_column_int64(st, 0));
	title = ok ? experiment_name(h) : NULL;
	if (ok)
		rc = ers_html_write_batch(out, title ? title : "experiment", pg.combos, pg.n,
					  pg.pairs, pg.n_pairs, 0);
out:
	if (rc != ERS_OK && rc != ERS_EIO)
		ers_diag_add(d, rc, NULL, 0, NULL, "cannot build the batch report: %s",
			     sqlite3_errmsg(h));
	sqlite3_finalize(st);
	free_page(&pg, (size_t)(n > 0 ? n : 1));
	free(title);
	return rc;
}
