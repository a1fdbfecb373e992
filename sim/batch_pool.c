/*
 * batch_pool.c - runs a batch's runs in worker processes (opts->jobs of
 * them). Each worker is forked once and then serves runs one at a time,
 * with up to DEPTH of them queued: the parent writes run ids on the
 * worker's request pipe; for each, the worker
 * builds and simulates that run (batch_exec.c) and answers on its result
 * pipe with a framed message: 'J' and the result document, or 'E' and
 * the error text, each preceded by its length. The worker never touches
 * the parent's SQLite connection. The parent polls the result pipes and
 * stores each finished run (batch_db.c); a worker that dies in the middle
 * of a run (a crash, an abort, the OOM killer) has that run stored as an
 * error naming the signal, and a new worker takes its place and the runs
 * queued behind it. So no run can take the batch down.
 *
 * Runs stay independent in a long-lived worker because a run shares
 * nothing with the next (ers_run builds everything from the scenario and
 * frees it). Forking once per worker rather than once per run matters:
 * after every fork each page the parent writes is copied, and with a
 * fork per run those copy-on-write faults took a large part of the
 * parent's time, which competes with the workers for the cores. Which
 * run a worker gets does not matter for the result: everything about a
 * run comes from its id.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ersim/batch.h"

/* Runs queued per worker: while the parent stores one result the worker
 * already simulates the next run instead of waiting for it. */
#define DEPTH 2

struct worker {
	pid_t pid;			/* 0: no process */
	int req_fd, res_fd;		/* parent writes run ids, reads results */
	struct ers_batch_run run[DEPTH];	/* queued runs, oldest at head */
	unsigned head, n;
	char *buf;			/* answers read, not yet stored */
	size_t len, cap;
	bool eof;			/* the result pipe closed */
};

struct pool {
	const struct ers_experiment *e;
	struct ers_batch_db *db;
	const struct ers_batch_opts *opts;
	struct worker *w;		/* opts->jobs slots */
	size_t active;			/* runs queued in all workers */
	struct ers_batch_progress prog;
	struct ers_diag *d;
};

static bool write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

static bool read_all(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t k = read(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

/* One framed answer: type ('J' or 'E'), 8-byte length, payload. */
static bool answer(int fd, char type, const char *payload, size_t len)
{
	uint64_t n = len;

	return write_all(fd, &type, 1) && write_all(fd, &n, sizeof n) &&
	       (!len || write_all(fd, payload, len));
}

/* Serve one run: simulate it and answer. */
static bool serve(const struct ers_experiment *e, size_t id, int fd)
{
	struct ers_batch_run r;
	struct ers_diag d;
	char *json = NULL, *msg = NULL;
	size_t len = 0;
	FILE *mem;
	bool ok;

	ers_experiment_run(e, id, &r);
	ers_diag_init(&d);
	if (ers_batch_exec(e, &r, &json, &len, &d) == ERS_OK) {
		ok = answer(fd, 'J', json, len);
	} else {
		mem = open_memstream(&msg, &len);
		if (mem) {
			ers_diag_print(&d, mem);
			fclose(mem);
		}
		ok = answer(fd, 'E', msg ? msg : "", msg ? len : 0);
	}
	free(json);
	free(msg);
	ers_diag_release(&d);
	return ok;
}

/* The worker's side: serve run ids until the request pipe closes.
 * ERSIM_TEST_CRASH_RUN=N makes the worker die on run N (SIGKILL, as
 * the OOM killer would: no sanitizer can turn it into an exit), so the
 * tests can check that a crash costs that run only. */
static void worker_main(const struct ers_experiment *e, int req_fd, int res_fd)
{
	const char *crash = getenv("ERSIM_TEST_CRASH_RUN");
	uint64_t id;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	while (read_all(req_fd, &id, sizeof id)) {
		if (crash && strtoull(crash, NULL, 10) == id)
			raise(SIGKILL);
		if (!serve(e, (size_t)id, res_fd))
			_exit(1);
	}
	_exit(0);
}

static enum ers_err start_worker(struct pool *p, struct worker *w)
{
	int req[2], res[2];

	if (pipe(req))
		goto fail;
	if (pipe(res)) {
		close(req[0]);
		close(req[1]);
		goto fail;
	}
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0) {
		close(req[0]);
		close(req[1]);
		close(res[0]);
		close(res[1]);
		w->pid = 0;
		return ers_diag_add(p->d, ERS_EIO, NULL, 0, NULL, "cannot fork a worker: %s",
				    strerror(errno));
	}
	if (w->pid == 0) {
		/* Not the other workers' pipes: their EOF must reach them. */
		for (unsigned i = 0; i < p->opts->jobs; i++)
			if (p->w[i].pid && &p->w[i] != w) {
				close(p->w[i].req_fd);
				close(p->w[i].res_fd);
			}
		close(req[1]);
		close(res[0]);
		worker_main(p->e, req[0], res[1]);
	}
	close(req[0]);
	close(res[1]);
	w->req_fd = req[1];
	w->res_fd = res[0];
	return ERS_OK;
fail:
	return ers_diag_add(p->d, ERS_EIO, NULL, 0, NULL, "cannot create a pipe: %s",
			    strerror(errno));
}

static bool send_id(struct worker *w, size_t id)
{
	uint64_t v = id;

	/* If the worker died the write fails (SIGPIPE is ignored) and its
	 * result pipe reports the end. */
	return write_all(w->req_fd, &v, sizeof v);
}

/* Queue run id on worker w, starting a process for it if it has none. */
static enum ers_err assign(struct pool *p, struct worker *w, size_t id)
{
	enum ers_err rc;

	if (!w->pid && (rc = start_worker(p, w)) != ERS_OK)
		return rc;
	ers_experiment_run(p->e, id, &w->run[(w->head + w->n) % DEPTH]);
	w->n++;
	p->active++;
	(void)send_id(w, id);
	return ERS_OK;
}

/* Read what the pipe holds now; sets eof when it closed. */
static void drain(struct worker *w)
{
	char *nb;
	ssize_t k;

	for (;;) {
		if (w->cap - w->len < 4096) {
			nb = realloc(w->buf, w->cap ? w->cap * 2 : 65536);
			if (!nb) {
				w->eof = true;	/* reported as an incomplete message */
				return;
			}
			w->buf = nb;
			w->cap = w->cap ? w->cap * 2 : 65536;
		}
		k = read(w->res_fd, w->buf + w->len, w->cap - w->len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			w->eof = true;
			return;
		}
		w->len += (size_t)k;
		if ((size_t)k < w->cap - w->len - 1)
			return;		/* pipe emptied for now */
	}
}

/* Length of the whole answer at the start of w's buffer, or 0. */
static size_t whole_answer(const struct worker *w)
{
	uint64_t n;

	if (w->len < 9)
		return 0;
	memcpy(&n, w->buf + 1, sizeof n);
	return w->len >= 9 + n ? 9 + (size_t)n : 0;
}

/* Stop w's process and collect how it ended. */
static int stop_worker(struct worker *w, bool kill_it)
{
	int status = 0;

	if (!w->pid)
		return 0;
	if (kill_it)
		kill(w->pid, SIGTERM);
	close(w->req_fd);
	close(w->res_fd);
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	return status;
}

/* Store w's oldest queued run, ended with json or err, and dequeue it. */
static enum ers_err store_head(struct pool *p, struct worker *w, const char *json,
			       size_t len, const char *err)
{
	const struct ers_batch_run *r = &w->run[w->head];
	enum ers_err rc = ERS_OK;

	w->head = (w->head + 1) % DEPTH;
	w->n--;
	p->active--;
	if (p->opts->stop && *p->opts->stop && !json)
		return ERS_OK;	/* interrupted, not failed: run it next time */
	rc = ers_batch_db_store(p->db, p->e, r, json, len, err, p->d);
	p->prog.done++;
	p->prog.failed += !json;
	if (p->opts->progress)
		p->opts->progress(&p->prog, p->opts->progress_ctx);
	return rc;
}

/* The answer at the start of w's buffer: store it and drop it. */
static enum ers_err take_answer(struct pool *p, struct worker *w, size_t whole)
{
	char *body = w->buf + 9, save = w->buf[whole];
	size_t n = whole - 9;
	enum ers_err rc;

	w->buf[whole] = '\0';
	if (w->buf[0] == 'J') {
		rc = store_head(p, w, body, n, NULL);
	} else {
		while (n && (body[n - 1] == '\n' || body[n - 1] == ' '))
			body[--n] = '\0';
		rc = store_head(p, w, NULL, 0, body);
	}
	w->buf[whole] = save;
	memmove(w->buf, w->buf + whole, w->len - whole);
	w->len -= whole;
	return rc;
}

/* w's process ended with runs queued: the one it was running failed;
 * the ones behind it never started and go to a new process. */
static enum ers_err worker_died(struct pool *p, struct worker *w)
{
	int status = stop_worker(w, false);
	enum ers_err rc;
	char why[160];

	if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "worker killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(why, sizeof why, "worker exited with status %d and no result",
			 WEXITSTATUS(status));
	w->len = 0;
	w->eof = false;
	rc = store_head(p, w, NULL, 0, why);
	if (rc != ERS_OK || !w->n || (p->opts->stop && *p->opts->stop))
		return rc;
	rc = start_worker(p, w);
	for (unsigned k = 0; rc == ERS_OK && k < w->n; k++)
		(void)send_id(w, w->run[(w->head + k) % DEPTH].id);
	return rc;
}

/* The worker with the fewest runs queued, if any has room. */
static struct worker *free_slot(struct pool *p)
{
	struct worker *best = NULL;

	for (unsigned i = 0; i < p->opts->jobs; i++)
		if (p->w[i].n < DEPTH && (!best || p->w[i].n < best->n))
			best = &p->w[i];
	return best;
}

/* Store every answer w has sent; handle its death. */
static enum ers_err collect(struct pool *p, struct worker *w)
{
	enum ers_err rc = ERS_OK;
	size_t whole;

	drain(w);
	while (rc == ERS_OK && w->n && (whole = whole_answer(w)))
		rc = take_answer(p, w, whole);
	if (rc == ERS_OK && w->eof && w->n)
		rc = worker_died(p, w);
	return rc;
}

/* Wait for answers from the workers with runs queued (at most 200 ms,
 * for progress ticks). */
static enum ers_err wait_some(struct pool *p)
{
	struct pollfd pf[p->opts->jobs];
	struct worker *owner[p->opts->jobs];
	enum ers_err rc = ERS_OK;
	nfds_t n = 0;
	int r;

	for (unsigned i = 0; i < p->opts->jobs; i++) {
		if (!p->w[i].n)
			continue;
		pf[n].fd = p->w[i].res_fd;
		pf[n].events = POLLIN;
		owner[n++] = &p->w[i];
	}
	r = poll(pf, n, 200);
	if (r <= 0) {
		rc = ers_batch_db_flush(p->db, p->d);	/* a pause: commit what we have */
		if (p->opts->progress)
			p->opts->progress(&p->prog, p->opts->progress_ctx);
		return rc;
	}
	for (nfds_t i = 0; i < n && rc == ERS_OK; i++)
		if (pf[i].revents)
			rc = collect(p, owner[i]);
	return rc;
}

/* Stop every worker (killing those with runs queued). */
static void reap_all(struct pool *p)
{
	for (unsigned i = 0; i < p->opts->jobs; i++) {
		stop_worker(&p->w[i], p->w[i].n > 0);
		p->w[i].n = 0;
	}
	p->active = 0;
}

enum ers_err ers_batch_pool_run(const struct ers_experiment *e, struct ers_batch_db *db,
				const struct ers_batch_opts *opts, size_t *n_run,
				struct ers_diag *d)
{
	struct pool p = { e, db, opts, NULL, 0, { 0, 0, 0 }, d };
	enum ers_err rc = ERS_OK;
	size_t id = opts->shard;
	struct worker *w;

	*n_run = 0;
	/* A worker that died closes its request pipe: writing to it must
	 * fail with EPIPE, not kill the batch. */
	signal(SIGPIPE, SIG_IGN);
	p.w = calloc(opts->jobs, sizeof *p.w);
	if (!p.w)
		return ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
	for (size_t i = opts->shard; i < e->n_runs; i += opts->n_shards)
		p.prog.total += !ers_batch_db_has(db, i);
	if (opts->progress)
		opts->progress(&p.prog, opts->progress_ctx);
	while (rc == ERS_OK && !(opts->stop && *opts->stop)) {
		while (id < e->n_runs && ers_batch_db_has(db, id))
			id += opts->n_shards;
		if (id < e->n_runs && (w = free_slot(&p))) {
			rc = assign(&p, w, id);
			id += opts->n_shards;
			continue;
		}
		if (!p.active)
			break;
		rc = wait_some(&p);
	}
	/* on an interrupt or an error, runs in flight are dropped: they are
	 * not in the database, so the next start runs them again */
	reap_all(&p);
	if (rc == ERS_OK)
		rc = ers_batch_db_flush(db, d);
	for (unsigned i = 0; i < opts->jobs; i++)
		free(p.w[i].buf);
	free(p.w);
	*n_run = p.prog.done;
	return rc;
}
