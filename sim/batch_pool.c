/*
 * batch_pool.c - runs a batch's runs in forked worker processes, one
 * process per run in flight (at most opts->jobs). A worker builds and
 * simulates its run (batch_exec.c) and writes one message on its pipe:
 * 'J' and the result document, or 'E' and the error text, then exits
 * with _exit (it must not touch the parent's SQLite connection). The
 * parent polls the pipes, and when a worker's pipe closes it reaps it
 * and stores the run (batch_db.c); a worker that died without a complete
 * message (a crash, an abort, the OOM killer) is stored as an error
 * naming the signal. So no run can take the batch down.
 *
 * Forking per run, rather than keeping long-lived workers, keeps runs
 * independent (no state leaks from one to the next) and costs a fraction
 * of a millisecond with copy-on-write; the parsed experiment, base
 * scenario and catalog are shared that way. Which run a worker gets does
 * not matter for the result: everything about a run comes from its id.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ersim/batch.h"

struct worker {
	pid_t pid;
	int fd;
	struct ers_batch_run run;
	char *buf;
	size_t len, cap;
};

struct pool {
	const struct ers_experiment *e;
	struct ers_batch_db *db;
	const struct ers_batch_opts *opts;
	struct worker *w;		/* opts->jobs slots; pid 0 = free */
	size_t active;
	struct ers_batch_progress prog;
	struct ers_diag *d;
};

static bool write_all(int fd, const char *p, size_t n)
{
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

/* The worker's side: never returns. */
static void worker_main(const struct ers_experiment *e, const struct ers_batch_run *r, int fd)
{
	struct ers_diag d;
	char *json = NULL, *msg = NULL;
	size_t len = 0;
	FILE *mem;
	bool ok;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	ers_diag_init(&d);
	if (ers_batch_exec(e, r, &json, &len, &d) == ERS_OK) {
		ok = write_all(fd, "J", 1) && write_all(fd, json, len);
	} else {
		mem = open_memstream(&msg, &len);
		if (mem) {
			ers_diag_print(&d, mem);
			fclose(mem);
		}
		ok = write_all(fd, "E", 1) && (!msg || write_all(fd, msg, len));
	}
	_exit(ok ? 0 : 1);
}

static enum ers_err spawn(struct pool *p, struct worker *w, size_t id)
{
	int fds[2];

	ers_experiment_run(p->e, id, &w->run);
	if (pipe(fds))
		return ers_diag_add(p->d, ERS_EIO, NULL, 0, NULL, "cannot create a pipe: %s",
				    strerror(errno));
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		w->pid = 0;
		return ers_diag_add(p->d, ERS_EIO, NULL, 0, NULL, "cannot fork a worker: %s",
				    strerror(errno));
	}
	if (w->pid == 0) {
		close(fds[0]);
		worker_main(p->e, &w->run, fds[1]);
	}
	close(fds[1]);
	w->fd = fds[0];
	w->len = 0;
	p->active++;
	return ERS_OK;
}

/* Read what is available; true at end of file. */
static bool drain(struct worker *w)
{
	char *nb;
	ssize_t k;

	for (;;) {
		if (w->cap - w->len < 4096) {
			nb = realloc(w->buf, w->cap ? w->cap * 2 : 65536);
			if (!nb)
				return true;	/* reported as an incomplete message */
			w->buf = nb;
			w->cap = w->cap ? w->cap * 2 : 65536;
		}
		k = read(w->fd, w->buf + w->len, w->cap - w->len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return true;
		w->len += (size_t)k;
		if ((size_t)k < w->cap - w->len)
			return false;	/* pipe emptied for now */
	}
}

/* The worker's pipe closed: reap it and store its run. */
static enum ers_err finish(struct pool *p, struct worker *w)
{
	char why[160];
	const char *err = NULL;
	const char *json = NULL;
	int status = 0;
	enum ers_err rc;

	close(w->fd);
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	p->active--;
	if (w->buf)
		w->buf[w->len] = '\0';
	if (WIFSIGNALED(status)) {
		snprintf(why, sizeof why, "worker killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		err = why;
	} else if (w->len && w->buf[0] == 'J' && WEXITSTATUS(status) == 0) {
		json = w->buf + 1;
	} else if (w->len && w->buf[0] == 'E') {
		while (w->len > 1 && (w->buf[w->len - 1] == '\n' || w->buf[w->len - 1] == ' '))
			w->buf[--w->len] = '\0';
		err = w->buf + 1;
	} else {
		snprintf(why, sizeof why, "worker exited with status %d and no result",
			 WEXITSTATUS(status));
		err = why;
	}
	if (p->opts->stop && *p->opts->stop && !json)
		return ERS_OK;	/* interrupted, not failed: run it next time */
	rc = ers_batch_db_store(p->db, p->e, &w->run, json, json ? w->len - 1 : 0, err, p->d);
	p->prog.done++;
	p->prog.failed += !json;
	if (p->opts->progress)
		p->opts->progress(&p->prog, p->opts->progress_ctx);
	return rc;
}

static struct worker *free_slot(struct pool *p)
{
	for (unsigned i = 0; i < p->opts->jobs; i++)
		if (!p->w[i].pid)
			return &p->w[i];
	return NULL;
}

/* Wait for output from any worker (at most 200 ms, for progress ticks). */
static enum ers_err wait_some(struct pool *p)
{
	struct pollfd pf[p->opts->jobs];
	struct worker *owner[p->opts->jobs];
	enum ers_err rc = ERS_OK;
	nfds_t n = 0;
	int r;

	for (unsigned i = 0; i < p->opts->jobs; i++) {
		if (!p->w[i].pid)
			continue;
		pf[n].fd = p->w[i].fd;
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
		if (pf[i].revents && drain(owner[i]))
			rc = finish(p, owner[i]);
	return rc;
}

/* Stop every worker still running (on an error or an interrupt). */
static void reap_all(struct pool *p, bool kill_them)
{
	for (unsigned i = 0; i < p->opts->jobs; i++) {
		struct worker *w = &p->w[i];

		if (!w->pid)
			continue;
		if (kill_them)
			kill(w->pid, SIGTERM);
		close(w->fd);
		while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
			;
		w->pid = 0;
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
			rc = spawn(&p, w, id);
			id += opts->n_shards;
			continue;
		}
		if (!p.active)
			break;
		rc = wait_some(&p);
	}
	/* on an interrupt or an error, runs in flight are dropped: they are
	 * not in the database, so the next start runs them again */
	reap_all(&p, true);
	if (rc == ERS_OK)
		rc = ers_batch_db_flush(db, d);
	for (unsigned i = 0; i < opts->jobs; i++)
		free(p.w[i].buf);
	free(p.w);
	*n_run = p.prog.done;
	return rc;
}
