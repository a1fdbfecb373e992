/*
 * batch_report.c - `ersim batch --report`: the batch's database as the
 * HTML page of html_batch.c. Per parameter combination, the samples of
 * the worst flow outage of each run and of every event's convergence
 * time (their CDFs), the traffic lost, the availability of random-failure
 * runs, and the failure sets ranked by impact (traffic lost, then the
 * worst outage); for pair failures, what each pair did while it was down
 * (worst outage, traffic lost) and whether it cut reachability for good
 * (some flow still unreachable at the end). With --report-runs the worst
 * runs are simulated again and get their own run reports, linked from
 * the ranking.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "ersim/batch.h"
#include "ersim/cli_util.h"
#include "ersim/html_report.h"
#include "ersim/run.h"
#include "ersim/scenario.h"

#define N_RANKED 20			/* rows of the ranking shown per combination */

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
	double **pair_outage, **pair_lost;	/* per combination, like cuts */
	struct ers_html_ranked **ranked;	/* per combination, N_RANKED rows */
	const struct ers_batch_report_opts *opts;
	bool many_reps;			/* label runs "#R" by repetition */
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

/* cut[i * n + j] for the pair runs of one combination, and what each
 * pair did while it was down: the worst flow outage and the traffic
 * lost (the worst repetition). */
static signed char *pair_matrix(sqlite3 *db, struct page *pg, long long combo,
				double *outage, double *lost)
{
	size_t n = pg->n_targets;
	signed char *cut = malloc(n ? n * n : 1);
	sqlite3_stmt *st;

	if (!cut)
		return NULL;
	memset(cut, -1, n * n);
	for (size_t k = 0; k < n * n; k++)
		outage[k] = lost[k] = NAN;
	if (sqlite3_prepare_v2(db, "SELECT failure, max(lost_reachability), max(o), max(l) FROM "
			       "(SELECT r.id, r.failure, r.lost_reachability, max(f.outage_s) o, "
			       "total(f.lost_bytes) l FROM runs r LEFT JOIN flows f ON f.run_id = r.id "
			       "WHERE r.combo = ?1 AND r.status = 'ok' AND r.failure LIKE '% + %' "
			       "GROUP BY r.id) GROUP BY failure",
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
		outage[i * n + j] = outage[j * n + i] = sqlite3_column_type(st, 2) == SQLITE_NULL ?
			0 : sqlite3_column_double(st, 2);
		lost[i * n + j] = lost[j * n + i] = sqlite3_column_double(st, 3);
	}
	sqlite3_finalize(st);
	return cut;
}

/* The runs of a combination ranked by impact: traffic lost by all its
 * flows, then the worst flow outage, then the worst time fully down,
 * then run id. The batch page and the run reports use this one order. */
static const char ranking_sql[] =
	"SELECT r.id, r.failure, r.repetition, max(f.outage_s), max(f.down_s), "
	"total(f.lost_bytes) l, total(f.outage_s > 0), count(f.idx), r.lost_reachability "
	"FROM runs r LEFT JOIN flows f ON f.run_id = r.id "
	"WHERE r.combo = ?1 AND r.status = 'ok' GROUP BY r.id "
	"ORDER BY l DESC, max(f.outage_s) DESC, max(f.down_s) DESC, r.id LIMIT ?2";

static char *ranked_label(const struct page *pg, const char *failure, int rep)
{
	size_t n = strlen(failure) + 16;
	char *s = malloc(n);

	if (s && (pg->many_reps || !strcmp(failure, "random")))
		snprintf(s, n, "%s #%d", failure, rep);
	else if (s)
		snprintf(s, n, "%s", failure);
	return s;
}

static char *run_link(const struct page *pg, long long id, size_t rank)
{
	const struct ers_batch_report_opts *o = pg->opts;
	size_t n;
	char *s;

	if (!o || !o->runs_link || rank >= o->n_worst)
		return NULL;
	n = strlen(o->runs_link) + 32;
	if ((s = malloc(n)))
		snprintf(s, n, "%srun-%lld.html", o->runs_link, id);
	return s;
}

/* The N_RANKED worst runs of a combination; false when out of memory. */
static bool add_ranked(sqlite3 *db, struct page *pg, size_t k, long long combo)
{
	struct ers_html_ranked *v = calloc(N_RANKED, sizeof *v);
	sqlite3_stmt *st;
	bool ok = v != NULL;
	size_t n = 0;

	pg->ranked[k] = v;
	if (!ok || sqlite3_prepare_v2(db, ranking_sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, combo);
	sqlite3_bind_int(st, 2, N_RANKED);
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		struct ers_html_ranked *r = &v[n];

		r->failure = ranked_label(pg, (const char *)sqlite3_column_text(st, 1),
					  sqlite3_column_int(st, 2));
		r->outage_s = sqlite3_column_double(st, 3);
		r->down_s = sqlite3_column_double(st, 4);
		r->lost_bytes = sqlite3_column_double(st, 5);
		r->flows_hit = (unsigned)sqlite3_column_int(st, 6);
		r->n_flows = (unsigned)sqlite3_column_int(st, 7);
		r->cut = sqlite3_column_int(st, 8) != 0;
		r->link = run_link(pg, sqlite3_column_int64(st, 0), n);
		ok = r->failure && (r->link || !pg->opts || !pg->opts->runs_link ||
				    n >= pg->opts->n_worst);
		n++;
	}
	sqlite3_finalize(st);
	pg->combos[k].ranked = v;
	pg->combos[k].n_ranked = n;
	return ok;
}

/* One number from sql with ?1 bound to combo; NAN when NULL. */
static double scalar(sqlite3 *db, const char *sql, long long combo, int col)
{
	sqlite3_stmt *st;
	double v = NAN;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NAN;
	sqlite3_bind_int64(st, 1, combo);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, col) != SQLITE_NULL)
		v = sqlite3_column_double(st, col);
	sqlite3_finalize(st);
	return v;
}

/* Random failures: the share of flow time, from initial convergence to
 * the end of each run (one window for every run: at + horizon), during
 * which the flow had no outage. NAN without random-failure runs. */
static double availability(sqlite3 *db, long long combo)
{
	static const char sql[] =
		"SELECT total(f.outage_s), total(r.end_s - r.initial_convergence_s), count(*) "
		"FROM flows f JOIN runs r ON r.id = f.run_id "
		"WHERE r.combo = ?1 AND r.status = 'ok' AND r.failure = 'random'";
	double out = scalar(db, sql, combo, 0), span = scalar(db, sql, combo, 1);

	if (isnan(span) || span <= 0 || scalar(db, sql, combo, 2) <= 0)
		return NAN;
	return 1.0 - out / span;
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
	pg->combos[k] = (struct ers_html_combo){ .label = pg->labels[k],
		.outage_s = pg->outage[k].v, .n_outage = pg->outage[k].n,
		.convergence_s = pg->conv[k].v, .n_convergence = pg->conv[k].n };
	pg->combos[k].lost_bytes = scalar(db, "SELECT total(f.lost_bytes) FROM flows f JOIN runs r "
					  "ON r.id = f.run_id WHERE r.combo = ?1 AND r.status = 'ok'",
					  combo, 0);
	pg->combos[k].availability = availability(db, combo);
	pg->combos[k].n_sets = (size_t)scalar(db, "SELECT count(*) FROM runs WHERE combo = ?1 "
					      "AND status = 'ok'", combo, 0);
	if (!add_ranked(db, pg, k, combo))
		return false;
	if (pg->n_targets) {
		size_t nn = pg->n_targets * pg->n_targets;

		if (!(pg->pair_outage[k] = malloc(nn * sizeof **pg->pair_outage)) ||
		    !(pg->pair_lost[k] = malloc(nn * sizeof **pg->pair_lost)) ||
		    !(pg->cuts[k] = pair_matrix(db, pg, combo, pg->pair_outage[k], pg->pair_lost[k])))
			return false;
		pg->pairs[pg->n_pairs++] = (struct ers_html_pair_matrix){
			pg->labels[k], (const char *const *)pg->targets, pg->n_targets, pg->cuts[k],
			pg->pair_outage[k], pg->pair_lost[k] };
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
	pg->pair_outage = calloc(n, sizeof *pg->pair_outage);
	pg->pair_lost = calloc(n, sizeof *pg->pair_lost);
	pg->ranked = calloc(n, sizeof *pg->ranked);
	return pg->combos && pg->labels && pg->outage && pg->conv && pg->pairs && pg->cuts &&
	       pg->pair_outage && pg->pair_lost && pg->ranked;
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
		if (pg->pair_outage)
			free(pg->pair_outage[i]);
		if (pg->pair_lost)
			free(pg->pair_lost[i]);
		for (size_t k = 0; pg->ranked && pg->ranked[i] && k < N_RANKED; k++) {
			free((char *)pg->ranked[i][k].failure);
			free((char *)pg->ranked[i][k].link);
		}
		if (pg->ranked)
			free(pg->ranked[i]);
	}
	free(pg->pair_outage);
	free(pg->pair_lost);
	free(pg->ranked);
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

static bool many_repetitions(sqlite3 *db)
{
	return scalar(db, "SELECT max(repetition) FROM runs WHERE ?1 = ?1", 0, 0) > 0;
}

enum ers_err ers_batch_report(struct ers_batch_db *db, FILE *out, struct ers_diag *d)
{
	return ers_batch_report_with(db, NULL, out, d);
}

enum ers_err ers_batch_report_with(struct ers_batch_db *db,
				   const struct ers_batch_report_opts *o, FILE *out,
				   struct ers_diag *d)
{
	char *title = NULL;
	sqlite3 *h = ers_batch_db_handle(db);
	struct page pg = { .opts = o };
	long long n = count_combos(h);
	sqlite3_stmt *st = NULL;
	enum ers_err rc = ERS_ENOMEM;
	bool ok;

	pg.many_reps = many_repetitions(h);
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

/* ---- the runs' own reports ---- */

char *ers_batch_report_runs_dir(const char *page_path)
{
	size_t n = strlen(page_path);
	char *s = malloc(n + 8);

	if (!s)
		return NULL;
	memcpy(s, page_path, n + 1);
	if (n > 5 && !strcmp(s + n - 5, ".html"))
		s[n - 5] = '\0';
	strcat(s, "-runs");
	return s;
}

char *ers_batch_report_runs_link(const char *page_path)
{
	const char *base = strrchr(page_path, '/');
	char *dir = ers_batch_report_runs_dir(base ? base + 1 : page_path), *s;

	if (!dir)
		return NULL;
	s = malloc(strlen(dir) + 2);
	if (s)
		sprintf(s, "%s/", dir);
	free(dir);
	return s;
}

/* Simulate run id again, as batch_exec.c did (converged with the
 * combination's seed, then the run's), keeping the whole result. */
static enum ers_err rerun(const struct ers_experiment *e, size_t id,
			  struct ers_scenario **s, struct ers_catalog **cat,
			  struct ers_result **res, struct ers_diag *d)
{
	struct ers_batch_run r;
	struct ers_run_opts opts;
	char *xml = NULL;
	size_t len = 0;
	enum ers_err rc;

	if (id >= e->n_runs)
		return ers_diag_add(d, ERS_EINVAL, e->file, 0, NULL, "run %zu is not in "
				    "experiment '%s' (was it changed?)", id, e->name);
	ers_experiment_run(e, id, &r);
	rc = ers_batch_scenario(e, &r, &xml, &len, d);
	if (rc == ERS_OK)
		rc = ers_scenario_load_mem(xml, len, e->scenario, s, d);
	if (rc == ERS_OK && !(*cat = ers_catalog_merge(e->builtin, &(*s)->geography)))
		rc = ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL, "out of memory");
	if (rc == ERS_OK)
		rc = ers_catalog_check(*cat, d);
	if (rc == ERS_OK)
		rc = ers_scenario_check(*s, *cat, d);
	if (rc == ERS_OK) {
		ers_batch_run_opts(e, &r, *s, &opts);
		rc = ers_run(*s, *cat, &opts, res, d);
	}
	free(xml);
	return rc;
}

struct run_page {
	const struct ers_result *res;
	const struct ers_scenario *s;
	const struct ers_catalog *cat;
};

static enum ers_err run_page_writer(const void *ctx, FILE *f, struct ers_diag *d)
{
	const struct run_page *p = ctx;

	(void)d;
	return ers_html_write_run(f, p->res, p->s, p->cat, 0);
}

/* DIR/run-ID.html, through the shared atomic writer: whole or not at
 * all, and its temporary is removed if the batch is stopped meanwhile.
 * A write error is printed by the writer itself. */
static enum ers_err write_run_page(const struct ers_experiment *e, const char *dir,
				   size_t id, struct ers_diag *d)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_result *res = NULL;
	struct ers_out o = { 0 };
	struct ers_diag wd;
	char path[4096];
	enum ers_err rc;

	snprintf(path, sizeof path, "%s/run-%zu.html", dir, id);
	ers_diag_init(&wd);
	rc = rerun(e, id, &s, &cat, &res, d);
	if (rc == ERS_OK) {
		struct run_page page = { res, s, cat };

		rc = ers_out_open(&o, "batch", path);
		if (rc == ERS_OK)
			rc = ers_out_write(&o, run_page_writer, &page, &wd);
		if (rc == ERS_OK)
			rc = ers_out_commit(&o);
		ers_out_abort(&o);
	}
	ers_diag_release(&wd);
	ers_result_free(res);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	return rc;
}

enum ers_err ers_batch_report_runs(struct ers_batch_db *db, const struct ers_experiment *e,
				   const char *dir, size_t n_worst, struct ers_diag *d)
{
	sqlite3 *h = ers_batch_db_handle(db);
	sqlite3_stmt *combos = NULL, *st = NULL;
	enum ers_err rc = ERS_OK;

	if (mkdir(dir, 0777) && errno != EEXIST)
		return ers_diag_add(d, ERS_EIO, dir, 0, NULL, "cannot create directory '%s': %s",
				    dir, strerror(errno));
	if (sqlite3_prepare_v2(h, "SELECT DISTINCT combo FROM runs ORDER BY combo", -1, &combos,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, ranking_sql, -1, &st, NULL) != SQLITE_OK)
		rc = ers_diag_add(d, ERS_EIO, NULL, 0, NULL, "cannot read the results: %s",
				  sqlite3_errmsg(h));
	while (rc == ERS_OK && sqlite3_step(combos) == SQLITE_ROW) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, sqlite3_column_int64(combos, 0));
		sqlite3_bind_int64(st, 2, (sqlite3_int64)n_worst);
		while (rc == ERS_OK && sqlite3_step(st) == SQLITE_ROW)
			rc = write_run_page(e, dir, (size_t)sqlite3_column_int64(st, 0), d);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(combos);
	return rc;
}
