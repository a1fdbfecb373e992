/*
 * batch_db.c - the results database of `ersim batch` (SQLite; schema in
 * docs/batch.md). One writer, the batch's parent process, stores each
 * finished run as it arrives, in its own transaction, in WAL mode with
 * synchronous=NORMAL: once the commit returned the run is in the
 * database file's write-ahead log, so Ctrl-C, kill -9 or a crash of
 * ersim loses no finished run, and a batch started again skips every run
 * already there. NORMAL rather than FULL because an fsync per run costs
 * more than a short run (tens of ms on an ordinary disk); the log is
 * synced at every checkpoint and when the batch ends, so a power loss
 * can cost the runs since the last checkpoint, which the next start runs
 * again (never a half-stored run). Runs are keyed by their expansion index (and
 * a unique key text), so shard databases merge by plain INSERT OR IGNORE
 * into exactly what one machine would have written.
 *
 * The meta table ties a database to one experiment (a hash of the
 * experiment file and its base scenario): resuming or merging results of
 * a different experiment is refused rather than mixed. A lock ties it to
 * one writer: a second batch (or a merge into the file) is refused when
 * it opens it, instead of failing later on a duplicate run. The lock is
 * on an open file description, so it cannot name the holder's pid.
 *
 * A stop (Ctrl-C) must not wait on the database: once the flag given to
 * ers_batch_db_set_stop is set, waiting for a lock held by another
 * connection ends at once, and so does any statement (SQLite's progress
 * handler interrupts it): a run being stored is rolled back and runs
 * next time, a summary or CSV being read ends with an error.
 */
#define _GNU_SOURCE		/* F_OFD_SETLK (Linux 3.15) */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ersim/batch.h"
#include "ersim/result_json.h"

#define DB_FORMAT "ersim-batch/1"
/* The writer's lock: one byte of the database file that SQLite never
 * locks (its locks are PENDING_BYTE, 0x40000000, and the 512 bytes
 * after it). */
#define LOCK_BYTE 0x40000800
#define BUSY_TRIES 1000			/* x 10 ms: wait up to 10 s for a lock */

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS runs(\n"
	"  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,\n"
	"  combo INTEGER NOT NULL, params TEXT NOT NULL, failure TEXT NOT NULL,\n"
	"  repetition INTEGER NOT NULL, seed TEXT NOT NULL,\n"
	"  status TEXT NOT NULL, error TEXT,\n"
	"  initial_convergence_s REAL, end_s REAL, events_processed INTEGER,\n"
	"  messages INTEGER, updates INTEGER, fingerprint TEXT,\n"
	"  lost_reachability INTEGER);\n"
	"CREATE TABLE IF NOT EXISTS params(combo INTEGER NOT NULL, position INTEGER NOT NULL,\n"
	"  name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(combo, position));\n"
	"CREATE TABLE IF NOT EXISTS events(run_id INTEGER NOT NULL REFERENCES runs(id),\n"
	"  idx INTEGER NOT NULL, at_s REAL, action TEXT, target TEXT,\n"
	"  detected_s REAL, converged_s REAL, convergence_s REAL,\n"
	"  updates INTEGER, withdrawals INTEGER, PRIMARY KEY(run_id, idx));\n"
	"CREATE TABLE IF NOT EXISTS flows(run_id INTEGER NOT NULL REFERENCES runs(id),\n"
	"  idx INTEGER NOT NULL, flow TEXT NOT NULL, src TEXT, dst TEXT,\n"
	"  outage_s REAL, down_s REAL, lost_bytes INTEGER, final_reachable INTEGER,\n"
	"  max_utilization REAL, max_utilization_link TEXT, PRIMARY KEY(run_id, idx));\n"
	"CREATE INDEX IF NOT EXISTS runs_combo ON runs(combo, status);\n"
	"CREATE INDEX IF NOT EXISTS runs_failure ON runs(failure);\n"
	"CREATE INDEX IF NOT EXISTS flows_flow ON flows(flow, run_id);\n";

enum { ST_HAS, ST_RUN, ST_PARAM, ST_EVENT, ST_FLOW, ST_BEGIN, ST_SAVE, ST_RELEASE, ST_COMMIT,
       N_ST };

static const char *const stmt_sql[N_ST] = {
	"SELECT 1 FROM runs WHERE id = ?1",
	"INSERT INTO runs VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
	"INSERT OR IGNORE INTO params VALUES(?1,?2,?3,?4)",
	"INSERT INTO events VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
	"INSERT INTO flows VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
	/* once per run: prepared, not parsed again each time */
	"BEGIN IMMEDIATE", "SAVEPOINT run", "RELEASE run", "COMMIT",
};

struct ers_batch_db {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[N_ST];
	size_t pending;			/* runs stored since the last commit */
	int lock_fd;			/* holds the writer's lock; -1: none */
	volatile int *stop;		/* see ers_batch_db_set_stop */
};

static enum ers_err db_err(struct ers_batch_db *db, struct ers_diag *d, const char *what)
{
	return ers_diag_add(d, ERS_EIO, db->path, 0, NULL, "cannot %s '%s': %s", what,
			    db->path, sqlite3_errmsg(db->db));
}

static bool exec(struct ers_batch_db *db, const char *sql)
{
	return sqlite3_exec(db->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* The value of a meta key (new string) or NULL. */
static char *meta_get(sqlite3 *db, const char *schema, const char *key)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	snprintf(sql, sizeof sql, "SELECT value FROM %s.meta WHERE key = ?1", schema);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			v = strdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return v;
}

static bool meta_put(struct ers_batch_db *db, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	bool ok;

	ok = sqlite3_prepare_v2(db->db, "INSERT OR REPLACE INTO meta VALUES(?1, ?2)", -1,
				&st, NULL) == SQLITE_OK;
	if (ok) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
		ok = sqlite3_step(st) == SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return ok;
}

/* Write the experiment's identity into a new database. */
static bool meta_init(struct ers_batch_db *db, const struct ers_experiment *e)
{
	char hash[32], num[32], *vary = NULL;
	size_t len = 1;
	bool ok;

	for (size_t i = 0; i < e->n_vary; i++)
		len += strlen(e->vary[i].name) + 1;
	if (!(vary = calloc(1, len)))
		return false;
	for (size_t i = 0; i < e->n_vary; i++) {
		strcat(vary, e->vary[i].name);
		strcat(vary, "\n");
	}
	snprintf(hash, sizeof hash, "%016" PRIx64, e->hash);
	ok = meta_put(db, "format", DB_FORMAT) && meta_put(db, "experiment", e->name) &&
	     meta_put(db, "file", e->file) && meta_put(db, "scenario", e->scenario) &&
	     meta_put(db, "hash", hash) && meta_put(db, "measures", e->measures_text) &&
	     meta_put(db, "vary", vary);
	snprintf(num, sizeof num, "%" PRIu64, e->seed);
	ok = ok && meta_put(db, "seed", num);
	snprintf(num, sizeof num, "%zu", e->n_runs);
	ok = ok && meta_put(db, "runs_total", num);
	free(vary);
	return ok;
}

static enum ers_err check_identity(struct ers_batch_db *db, const struct ers_experiment *e,
				   struct ers_diag *d)
{
	char hash[32], *have = meta_get(db->db, "main", "hash");
	enum ers_err rc = ERS_OK;

	snprintf(hash, sizeof hash, "%016" PRIx64, e->hash);
	if (!have) {
		if (!exec(db, "BEGIN IMMEDIATE") || !meta_init(db, e) || !exec(db, "COMMIT"))
			rc = db_err(db, d, "initialise");
	} else if (strcmp(have, hash)) {
		rc = ers_diag_add(d, ERS_EINVAL, db->path, 0,
				  "use another --db, or delete it to start over",
				  "'%s' holds results of a different experiment "
				  "(the experiment file or its scenario changed)", db->path);
	}
	free(have);
	return rc;
}

static bool stopping(const struct ers_batch_db *db)
{
	return db->stop && *db->stop;
}

/* SQLite's busy handler: wait for another connection's lock in 10 ms
 * steps, up to 10 s, and not at all once the batch is stopping. */
static int busy(void *ctx, int n)
{
	struct ers_batch_db *db = ctx;

	if (stopping(db) || n >= BUSY_TRIES)
		return 0;
	usleep(10000);
	return 1;
}

/* SQLite's progress handler: abandon the statement on a stop. */
static int progress(void *ctx)
{
	return stopping(ctx);
}

void ers_batch_db_set_stop(struct ers_batch_db *db, volatile int *stop)
{
	db->stop = stop;
}

/* Take the writer's lock, without waiting: true if we hold it, false
 * with errno EWOULDBLOCK if another holds it. On Linux an
 * open-file-description lock on one byte: SQLite's own locks are
 * per-process POSIX locks, and SQLite unlocks the whole file with them
 * (which would drop a POSIX lock of ours), but it cannot touch a lock
 * held by a file description. Elsewhere flock(), which is separate
 * from POSIX locks on the BSDs and macOS. Either goes away with the
 * last descriptor, so a batch killed with -9 leaves no stale lock (its
 * workers, which share the descriptor, die with it). */
static bool try_lock(int fd)
{
#ifdef F_OFD_SETLK
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = LOCK_BYTE,
			    .l_len = 1 };

	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return true;
	if (errno == EACCES || errno == EAGAIN)
		errno = EWOULDBLOCK;
	return false;
#else
	return flock(fd, LOCK_EX | LOCK_NB) == 0;
#endif
}

static enum ers_err take_lock(struct ers_batch_db *db, struct ers_diag *d)
{
	int err;

	db->lock_fd = open(db->path, O_RDWR | O_CLOEXEC);
	if (db->lock_fd < 0)
		return ers_diag_add(d, ERS_EIO, db->path, 0, NULL, "cannot open '%s': %s",
				    db->path, strerror(errno));
	if (try_lock(db->lock_fd))
		return ERS_OK;
	err = errno;
	close(db->lock_fd);
	db->lock_fd = -1;
	if (err != EWOULDBLOCK)
		return ers_diag_add(d, ERS_EIO, db->path, 0, NULL, "cannot lock '%s': %s",
				    db->path, strerror(err));
	return ers_diag_add(d, ERS_EIO, db->path, 0,
			    "wait until it ends (or stop it), or use another database",
			    "'%s' is in use by another ersim batch or merge", db->path);
}

enum ers_err ers_batch_db_open(const char *path, const struct ers_experiment *e,
			       struct ers_batch_db **out, struct ers_diag *d)
{
	struct ers_batch_db *db = calloc(1, sizeof *db);
	enum ers_err rc = ERS_OK;

	*out = NULL;
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return ers_diag_add(d, ERS_ENOMEM, path, 0, NULL, "out of memory");
	}
	db->lock_fd = -1;
	if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
	    != SQLITE_OK) {
		rc = db_err(db, d, "open");
		goto out;
	}
	rc = take_lock(db, d);
	if (rc != ERS_OK)
		goto out;
	sqlite3_busy_handler(db->db, busy, db);
	sqlite3_progress_handler(db->db, 100, progress, db);
	if (!exec(db, "PRAGMA journal_mode=WAL") || !exec(db, "PRAGMA synchronous=NORMAL") ||
	    !exec(db, schema_sql)) {
		rc = db_err(db, d, "create the tables of");
		goto out;
	}
	for (int i = 0; i < N_ST && rc == ERS_OK; i++)
		if (sqlite3_prepare_v2(db->db, stmt_sql[i], -1, &db->st[i], NULL) != SQLITE_OK)
			rc = db_err(db, d, "use");
	if (rc == ERS_OK && e)
		rc = check_identity(db, e, d);
out:
	if (rc != ERS_OK) {
		ers_batch_db_close(db);
		return rc;
	}
	*out = db;
	return ERS_OK;
}

void ers_batch_db_close(struct ers_batch_db *db)
{
	if (!db)
		return;
	if (db->pending)
		exec(db, "COMMIT");
	/* Sync the log into the database file: done runs survive power loss
	 * (not when the file is another writer's). */
	if (db->lock_fd >= 0)
		exec(db, "PRAGMA wal_checkpoint(FULL)");
	for (int i = 0; i < N_ST; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->db);
	if (db->lock_fd >= 0)
		close(db->lock_fd);
	free(db->path);
	free(db);
}

sqlite3 *ers_batch_db_handle(struct ers_batch_db *db)
{
	return db->db;
}

bool ers_batch_db_has(struct ers_batch_db *db, size_t id)
{
	sqlite3_stmt *st = db->st[ST_HAS];
	bool has;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return has;
}

enum ers_err ers_batch_db_forget_failed(struct ers_batch_db *db, size_t *n,
					struct ers_diag *d)
{
	*n = 0;
	if (!exec(db, "BEGIN IMMEDIATE") ||
	    !exec(db, "DELETE FROM events WHERE run_id IN (SELECT id FROM runs WHERE status != 'ok');"
		      "DELETE FROM flows WHERE run_id IN (SELECT id FROM runs WHERE status != 'ok');"
		      "DELETE FROM runs WHERE status != 'ok'")) {
		exec(db, "ROLLBACK");
		return db_err(db, d, "update");
	}
	*n = (size_t)sqlite3_changes(db->db);
	return exec(db, "COMMIT") ? ERS_OK : db_err(db, d, "update");
}

/* ---- storing one run ---- */

static void bind_time(sqlite3_stmt *st, int i, ers_time_t t)
{
	if (t == ERS_TIME_NEVER)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, ers_time_to_s(t));
}

static bool step(sqlite3_stmt *st)
{
	bool ok = sqlite3_step(st) == SQLITE_DONE;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ok;
}

static bool put_run(struct ers_batch_db *db, const struct ers_experiment *e,
		    const struct ers_batch_run *r, const struct ers_result *res,
		    const char *error)
{
	sqlite3_stmt *st = db->st[ST_RUN];
	char *key = ers_experiment_key(e, r), *params = ers_experiment_params(e, r->combo);
	char *failure = ers_experiment_failure(e, r->failure), seed[32], fp[32];
	bool ok = key && params && failure, lost = false;

	snprintf(seed, sizeof seed, "%" PRIu64, r->seed);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)r->id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)r->combo);
	sqlite3_bind_text(st, 4, params, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, failure, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, r->repetition);
	sqlite3_bind_text(st, 7, seed, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, res ? "ok" : "error", -1, SQLITE_STATIC);
	if (!res) {
		sqlite3_bind_text(st, 9, error ? error : "unknown error", -1, SQLITE_STATIC);
	} else {
		bind_time(st, 10, res->initial_convergence);
		bind_time(st, 11, res->end);
		sqlite3_bind_int64(st, 12, (sqlite3_int64)res->stats.events_processed);
		sqlite3_bind_int64(st, 13, (sqlite3_int64)res->stats.messages);
		sqlite3_bind_int64(st, 14, (sqlite3_int64)res->stats.updates);
		snprintf(fp, sizeof fp, "%016" PRIx64, res->stats.fingerprint);
		sqlite3_bind_text(st, 15, fp, -1, SQLITE_STATIC);
		for (size_t i = 0; i < res->n_flows; i++)
			lost = lost || !res->flows[i].final_reachable;
		sqlite3_bind_int(st, 16, lost);
	}
	ok = ok && step(st);
	free(key);
	free(params);
	free(failure);
	return ok;
}

static bool put_params(struct ers_batch_db *db, const struct ers_experiment *e, size_t combo)
{
	sqlite3_stmt *st = db->st[ST_PARAM];
	bool ok = true;

	for (size_t i = 0; i < e->n_vary && ok; i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)combo);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(st, 3, e->vary[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, e->vary[i].values[ers_experiment_value(e, combo, i)],
				  -1, SQLITE_STATIC);
		ok = step(st);
	}
	return ok;
}

static bool put_events(struct ers_batch_db *db, size_t id, const struct ers_result *res)
{
	sqlite3_stmt *st = db->st[ST_EVENT];
	bool ok = true;

	for (size_t i = 0; i < res->n_events && ok; i++) {
		const struct ers_event_result *ev = &res->events[i];

		sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_time(st, 3, ev->at);
		sqlite3_bind_text(st, 4, ev->action, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, ev->target, -1, SQLITE_STATIC);
		bind_time(st, 6, ev->detected);
		bind_time(st, 7, ev->converged);
		bind_time(st, 8, ev->converged == ERS_TIME_NEVER ? ERS_TIME_NEVER :
			  ev->converged - ev->at);
		sqlite3_bind_int64(st, 9, (sqlite3_int64)ev->updates);
		sqlite3_bind_int64(st, 10, (sqlite3_int64)ev->withdrawals);
		ok = step(st);
	}
	return ok;
}

static bool put_flows(struct ers_batch_db *db, size_t id, const struct ers_result *res)
{
	sqlite3_stmt *st = db->st[ST_FLOW];
	bool ok = true;

	for (size_t i = 0; i < res->n_flows && ok; i++) {
		const struct ers_flow_result *f = &res->flows[i];

		sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(st, 3, f->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, f->from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, f->to, -1, SQLITE_STATIC);
		bind_time(st, 6, f->outage);
		bind_time(st, 7, f->down);
		sqlite3_bind_int64(st, 8, (sqlite3_int64)f->lost_bytes);
		sqlite3_bind_int(st, 9, f->final_reachable);
		sqlite3_bind_double(st, 10, f->max_utilization);
		if (f->max_utilization_link)
			sqlite3_bind_text(st, 11, f->max_utilization_link, -1, SQLITE_STATIC);
		ok = step(st);
	}
	return ok;
}

enum ers_err ers_batch_db_store(struct ers_batch_db *db, const struct ers_experiment *e,
				const struct ers_batch_run *r, const char *json,
				size_t len, const char *error, struct ers_diag *d)
{
	struct ers_result *res = NULL;
	struct ers_diag jd;
	char why[512] = "";
	bool ok;

	ers_diag_init(&jd);
	if (json && ers_result_read_json_mem(json, len, "worker", &res, &jd) != ERS_OK) {
		snprintf(why, sizeof why, "unreadable result: %s",
			 jd.n_msgs ? jd.msgs[0].text : "unknown");
		error = why;
	}
	ers_diag_release(&jd);
	ok = (db->pending || step(db->st[ST_BEGIN])) && step(db->st[ST_SAVE]);
	ok = ok && put_run(db, e, r, res, error) && put_params(db, e, r->combo);
	ok = ok && (!res || (put_events(db, r->id, res) && put_flows(db, r->id, res)));
	ok = ok && step(db->st[ST_RELEASE]);
	ers_result_free(res);
	if (ok) {
		db->pending++;
		return db->pending >= ERS_BATCH_GROUP ? ers_batch_db_flush(db, d) : ERS_OK;
	}
	ers_diag_add(d, ERS_EIO, db->path, 0, NULL, "cannot store run %zu in '%s': %s",
		     r->id, db->path, sqlite3_errmsg(db->db));
	exec(db, "ROLLBACK TO run");
	exec(db, "RELEASE run");
	if (sqlite3_get_autocommit(db->db))
		db->pending = 0;	/* SQLite rolled the whole transaction back */
	return ERS_EIO;
}

enum ers_err ers_batch_db_flush(struct ers_batch_db *db, struct ers_diag *d)
{
	if (!db->pending)
		return ERS_OK;
	if (!step(db->st[ST_COMMIT]))
		return db_err(db, d, "commit to");
	db->pending = 0;
	return ERS_OK;
}

void ers_batch_db_counts(struct ers_batch_db *db, size_t *n_done, size_t *n_failed,
			 size_t *n_total)
{
	sqlite3_stmt *st = NULL;
	char *total = meta_get(db->db, "main", "runs_total");

	*n_done = *n_failed = 0;
	*n_total = total ? (size_t)strtoull(total, NULL, 10) : 0;
	free(total);
	if (sqlite3_prepare_v2(db->db, "SELECT count(*), total(status != 'ok') FROM runs",
			       -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		*n_done = (size_t)sqlite3_column_int64(st, 0);
		*n_failed = (size_t)sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
}

/* ---- merge ---- */

static enum ers_err merge_meta(struct ers_batch_db *db, const char *path, struct ers_diag *d)
{
	char *have = meta_get(db->db, "main", "hash"), *theirs = meta_get(db->db, "src", "hash");
	enum ers_err rc = ERS_OK;

	if (!theirs)
		rc = ers_diag_add(d, ERS_EINVAL, path, 0, NULL,
				  "'%s' is not a batch database", path);
	else if (!have && !exec(db, "INSERT INTO meta SELECT * FROM src.meta"))
		rc = db_err(db, d, "write");
	else if (have && strcmp(have, theirs))
		rc = ers_diag_add(d, ERS_EINVAL, path, 0, NULL,
				  "'%s' holds results of a different experiment than '%s'",
				  path, db->path);
	free(have);
	free(theirs);
	return rc;
}

enum ers_err ers_batch_db_merge(struct ers_batch_db *db, const char *path,
				size_t *n_new, struct ers_diag *d)
{
	sqlite3_stmt *st = NULL;
	enum ers_err rc = ERS_OK;
	FILE *f = fopen(path, "rb");

	*n_new = 0;
	if (!f)
		return ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot read '%s'", path);
	fclose(f);
	if (sqlite3_prepare_v2(db->db, "ATTACH ?1 AS src", -1, &st, NULL) != SQLITE_OK)
		return db_err(db, d, "merge into");
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot open '%s': %s", path,
				    sqlite3_errmsg(db->db));
	}
	sqlite3_finalize(st);
	if (!exec(db, "BEGIN IMMEDIATE")) {
		rc = db_err(db, d, "merge into");
		goto out;
	}
	rc = merge_meta(db, path, d);
	if (rc == ERS_OK && !exec(db, "INSERT OR IGNORE INTO runs SELECT * FROM src.runs"))
		rc = db_err(db, d, "merge into");
	if (rc == ERS_OK)
		*n_new = (size_t)sqlite3_changes(db->db);
	if (rc == ERS_OK &&
	    (!exec(db, "INSERT OR IGNORE INTO params SELECT * FROM src.params") ||
	     !exec(db, "INSERT OR IGNORE INTO events SELECT * FROM src.events") ||
	     !exec(db, "INSERT OR IGNORE INTO flows SELECT * FROM src.flows")))
		rc = db_err(db, d, "merge into");
	if (rc == ERS_OK && !exec(db, "COMMIT"))
		rc = db_err(db, d, "merge into");
	if (rc != ERS_OK)
		exec(db, "ROLLBACK");
out:
	exec(db, "DETACH src");
	return rc;
}

enum ers_err ers_batch_db_identify(const char *path, char **hash, struct ers_diag *d)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *format = NULL;
	enum ers_err rc = ERS_OK;
	int r, err;

	*hash = NULL;
	/* Read-write without create: a file that is not there is not made,
	 * and closing removes SQLite's -wal and -shm as a writer's close does. */
	r = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (r == SQLITE_OK)
		r = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'format'", -1,
				       &st, NULL);
	if (r == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		format = strdup((const char *)sqlite3_column_text(st, 0));
		*hash = meta_get(db, "main", "hash");
		r = SQLITE_OK;
	}
	/* Not SQLite, no meta table, or not ours: wrong input. Anything
	 * else (I/O, locks, memory) is a failure to read it. */
	if (r == SQLITE_NOTADB || r == SQLITE_ERROR || r == SQLITE_DONE ||
	    (r == SQLITE_OK && (!format || strcmp(format, DB_FORMAT) || !*hash)))
		rc = ers_diag_add(d, ERS_EINVAL, path, 0, "give a database written by ersim batch",
				  "'%s' is not an ersim batch database", path);
	else if (r != SQLITE_OK && (err = sqlite3_system_errno(db)))
		rc = ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot read '%s': %s (%s)", path,
				  sqlite3_errmsg(db), strerror(err));
	else if (r != SQLITE_OK)
		rc = ers_diag_add(d, r == SQLITE_NOMEM ? ERS_ENOMEM : ERS_EIO, path, 0, NULL,
				  "cannot read '%s': %s", path, sqlite3_errmsg(db));
	if (rc != ERS_OK) {
		free(*hash);
		*hash = NULL;
	}
	free(format);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

int ers_batch_db_os_errno(struct ers_batch_db *db)
{
	return sqlite3_system_errno(db->db);
}

/* ---- CSV ---- */

static void csv_field(FILE *out, sqlite3_stmt *st, int col)
{
	const char *s;

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		return;
	case SQLITE_INTEGER:
		fprintf(out, "%lld", (long long)sqlite3_column_int64(st, col));
		return;
	case SQLITE_FLOAT:
		fprintf(out, "%.15g", sqlite3_column_double(st, col));
		return;
	default:
		s = (const char *)sqlite3_column_text(st, col);
		if (!strpbrk(s, ",\"\n\r")) {
			fputs(s, out);
			return;
		}
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	}
}

/* The CSV query: one column per <vary> (from meta), then run and flow. */
static char *csv_query(struct ers_batch_db *db, size_t *n_vary)
{
	char *vary = meta_get(db->db, "main", "vary"), *q, *p;
	size_t cap;

	*n_vary = 0;
	for (p = vary; p && *p; p++)
		*n_vary += *p == '\n';
	cap = 1024 + *n_vary * 96;
	q = malloc(cap);
	if (q) {
		strcpy(q, "SELECT r.id");
		for (size_t i = 0; i < *n_vary; i++) {
			p = q + strlen(q);
			snprintf(p, cap - (size_t)(p - q), ", (SELECT value FROM params p "
				 "WHERE p.combo = r.combo AND p.position = %zu)", i);
		}
		strcat(q, ", r.failure, r.repetition, r.seed, r.status, r.error, f.flow, f.src,"
			  " f.dst, f.outage_s, f.down_s, f.lost_bytes, f.final_reachable,"
			  " f.max_utilization, f.max_utilization_link,"
			  " (SELECT max(detected_s - at_s) FROM events e WHERE e.run_id = r.id),"
			  " (SELECT max(convergence_s) FROM events e WHERE e.run_id = r.id)"
			  " FROM runs r LEFT JOIN flows f ON f.run_id = r.id ORDER BY r.id, f.idx");
	}
	free(vary);
	return q;
}

static void csv_header(struct ers_batch_db *db, FILE *out)
{
	char *vary = meta_get(db->db, "main", "vary"), *save = NULL;

	fputs("run", out);
	for (char *t = vary ? strtok_r(vary, "\n", &save) : NULL; t; t = strtok_r(NULL, "\n", &save))
		fprintf(out, ",%s", t);
	fputs(",failure,repetition,seed,status,error,flow,from,to,outage_s,down_s,"
	      "lost_bytes,final_reachable,max_utilization,max_utilization_link,"
	      "max_detection_s,max_convergence_s\n", out);
	free(vary);
}

enum ers_err ers_batch_db_csv(struct ers_batch_db *db, FILE *out, struct ers_diag *d)
{
	size_t n_vary;
	char *q = csv_query(db, &n_vary);
	sqlite3_stmt *st = NULL;
	int ncol, r;

	if (!q)
		return ers_diag_add(d, ERS_ENOMEM, db->path, 0, NULL, "out of memory");
	r = sqlite3_prepare_v2(db->db, q, -1, &st, NULL);
	free(q);
	if (r != SQLITE_OK)
		return db_err(db, d, "read");
	csv_header(db, out);
	ncol = sqlite3_column_count(st);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < ncol; i++) {
			if (i)
				fputc(',', out);
			csv_field(out, st, i);
		}
		fputc('\n', out);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_err(db, d, "read");
	return ferror(out) ? ers_diag_add(d, ERS_EIO, NULL, 0, NULL, "cannot write the CSV")
			   : ERS_OK;
}
