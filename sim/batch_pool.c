/*
 * batch_pool.c - runs a batch's runs in worker processes (opts->jobs of
 * them). Each worker is forked once and then serves runs one at a time,
 * with up to DEPTH of them queued: the parent writes run ids on the
 * worker's request pipe; for each, the worker builds and simulates that
 * run (batch_exec.c) and answers on its result pipe with a framed
 * message: 'J' and the result document, or 'E' and the error text, each
 * preceded by its length. The worker never touches the parent's SQLite
 * connection; the parent stores each finished run (batch_db.c).
 *
 * The parent never blocks on one worker. Its ends of the pipes are
 * non-blocking and one poll() covers every worker: whatever a worker
 * has written is appended to that worker's buffer, a complete answer is
 * stored, and a worker with room gets the next run id. So answers of any
 * size (up to MAX_ANSWER) cannot stall the batch, whichever worker sends
 * them and in whatever order. Request writes cannot block either: at
 * most DEPTH ids (16 bytes) are ever unread in a pipe of 64 KiB.
 *
 * A worker costs at most its own run. One that dies in the middle of a
 * run (a crash, an abort, the OOM killer) has that run stored as an
 * error naming the signal; one that sends a malformed answer is killed
 * and its run stored as such; one whose run takes longer than
 * opts->run_timeout is killed and its run stored as timed out. In each
 * case a new worker takes its place and the runs queued behind it.
 *
 * Stopping: opts->stop is set by the command's signal handler, which
 * interrupts poll(); the loop then kills the workers (SIGKILL: they hold
 * nothing worth saving) and returns. Runs in flight are not stored, so
 * the next start runs them again. poll() also wakes every TICK_MS, so a
 * signal that lands just before poll() is seen within that time.
 *
 * Runs stay independent in a long-lived worker because a run shares
 * nothing with the next but the converged world of its combination,
 * which each run's child gets a copy-on-write copy of and the worker
 * never changes (docs/batch.md, "Runs start from the converged network"). Forking once per worker rather than once per run matters:
 * after every fork each page the parent writes is copied, and with a
 * fork per run those copy-on-write faults took a large part of the
 * parent's time, which competes with the workers for the cores. Which
 * run a worker gets does not matter for the result: everything about a
 * run comes from its id. The monotonic clock read here only times runs
 * out; nothing about it reaches a result.
 *
 * Test builds (-DERS_TEST_HOOKS, build/ersim-test) read ERSIM_TEST_*
 * variables that make a worker crash, hang or send garbage on a given
 * run; release builds have no such code.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "ersim/batch.h"
#include "ersim/units.h"

/* Runs queued per worker: while the parent stores one result the worker
 * already simulates the next run instead of waiting for it. */
#define DEPTH 2
#define HEADER 9			/* type byte + 64-bit length */
/* The largest answer a worker may send; a length beyond it can only be
 * garbage. A worker whose result is larger reports an error instead. */
#define MAX_ANSWER ((uint64_t)1 << 30)
#define TICK_MS 200			/* progress ticks and commit pauses */
#define READ_SLICE (4u << 20)		/* bytes from one worker before the others */

struct worker {
	pid_t pid;			/* 0: no process */
	int req_fd, res_fd;		/* parent writes run ids, reads answers */
	struct ers_batch_run run[DEPTH];	/* queued runs, oldest at head */
	unsigned head, n;
	int64_t since;			/* ms: when the head run started */
	char *buf;			/* answers read, not yet stored */
	size_t len, cap;
};

struct pool {
	const struct ers_experiment *e;
	struct ers_batch_db *db;
	const struct ers_batch_opts *opts;
	struct worker *w;		/* opts->jobs slots */
	size_t active;			/* runs queued in all workers */
	int64_t timeout_ms;		/* per run; 0: none */
	struct ers_batch_progress prog;
	struct ers_diag *d;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool stopped(const struct pool *p)
{
	return p->opts->stop && *p->opts->stop;
}

/* ---- the worker's side (blocking I/O: it has nothing else to do) ---- */

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

#ifdef ERS_TEST_HOOKS
/* ERSIM_TEST_RESULT_PAD=BYTES: make every result document that many
 * bytes larger, with a string member the reader ignores, for the tests
 * of answers of several MB. */
static void pad_result(char **json, size_t *len)
{
	static const char key[] = "{\"test_pad\":\"";
	const char *v = getenv("ERSIM_TEST_RESULT_PAD");
	size_t pad = v ? strtoull(v, NULL, 10) : 0, n;
	char *p;

	if (!pad || !*json || (*json)[0] != '{' || !(p = malloc(*len + pad + 32)))
		return;
	n = sizeof key - 1;
	memcpy(p, key, n);
	memset(p + n, 'x', pad);
	n += pad;
	memcpy(p + n, "\",", 2);
	n += 2;
	memcpy(p + n, *json + 1, *len - 1);
	n += *len - 1;
	free(*json);
	*json = p;
	*len = n;
}
#endif

/* Simulate run r and answer on fd: from the converged world when base
 * forks (then this is the run's own child process), else from scratch. */
static bool serve(const struct ers_experiment *e, struct ers_batch_base *base,
		  const struct ers_batch_run *r, int fd)
{
	struct ers_diag d;
	char *json = NULL, *msg = NULL;
	size_t len = 0;
	FILE *mem;
	bool ok;

	ers_diag_init(&d);
	if (ers_batch_base_forks(base))
		ers_batch_base_exec(base, e, r, &json, &len, &d);
	else
		ers_batch_exec(e, r, &json, &len, &d);
#ifdef ERS_TEST_HOOKS
	pad_result(&json, &len);
#endif
	if (json && len > MAX_ANSWER) {
		free(json);
		json = NULL;
		ers_diag_add(&d, ERS_ELIMIT, e->scenario, 0, NULL,
			     "run %zu: result document of %zu bytes is over the 1 GiB limit",
			     r->id, len);
	}
	if (json) {
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

#ifdef ERS_TEST_HOOKS
static bool hook_on(const char *name, uint64_t id)
{
	const char *v = getenv(name);

	return v && *v && strtoull(v, NULL, 10) == id;
}

/* ERSIM_TEST_CRASH_RUN=N: die on run N (SIGKILL, as the OOM killer
 * would: no sanitizer can turn it into an exit). ERSIM_TEST_HANG_RUN=N:
 * never finish run N. ERSIM_TEST_GARBAGE_RUN=N: answer run N with bytes
 * that are not an answer, then carry on as if nothing happened. */
static void test_hooks(uint64_t id, int fd)
{
	static const char junk[] = "this is not an answer";

	if (hook_on("ERSIM_TEST_CRASH_RUN", id))
		raise(SIGKILL);
	if (hook_on("ERSIM_TEST_HANG_RUN", id))
		for (;;)
			pause();
	if (hook_on("ERSIM_TEST_GARBAGE_RUN", id))
		(void)write_all(fd, junk, sizeof junk);
}
#endif

/* What a run's child sent before it ended: read to the end. */
static char *read_child(int fd, size_t *len)
{
	size_t cap = 65536;
	char *buf = malloc(cap), *nb;
	ssize_t k;

	*len = 0;
	while (buf) {
		if (*len == cap) {
			nb = cap > MAX_ANSWER + HEADER ? NULL : realloc(buf, 2 * cap);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		k = read(fd, buf + *len, cap - *len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		*len += (size_t)k;
	}
	return buf;
}

/* The child: the run goes on from the converged world in this copy of
 * it, answers on fd and ends, leaving the world as it was to the worker.
 * It frees nothing: its pages are the worker's until written. */
static void child_main(const struct ers_experiment *e, struct ers_batch_base *base,
		       const struct ers_batch_run *r, int fd, pid_t worker)
{
#ifdef __linux__
	prctl(PR_SET_NAME, "ersim-run");	/* in top and ps: the run's own process */
	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* a killed worker takes its run along */
	if (getppid() != worker)
		_exit(1);
#else
	(void)worker;
#endif
#ifdef ERS_TEST_HOOKS
	test_hooks(r->id, fd);
#endif
	_exit(serve(e, base, r, fd) ? 0 : 1);
}

/* Run r in a child forked from the converged world; pass its answer on,
 * or if it ended without one say how, as the parent would of a worker.
 * false: fd is gone, or the fork failed (*forked false: run it here). */
static bool serve_forked(const struct ers_experiment *e, struct ers_batch_base *base,
			 const struct ers_batch_run *r, int req_fd, int fd, bool *forked)
{
	int p[2], status = 0;
	char *buf, why[160];
	size_t len;
	pid_t pid, me = getpid();

	*forked = false;
	if (pipe(p))
		return true;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return true;
	}
	if (pid == 0) {
		close(p[0]);
		close(req_fd);
		close(fd);
		child_main(e, base, r, p[1], me);
	}
	*forked = true;
	close(p[1]);
	buf = read_child(p[0], &len);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (buf && len && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		bool ok = write_all(fd, buf, len);
		free(buf);
		return ok;
	}
	free(buf);
	if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "worker killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		snprintf(why, sizeof why, "out of memory receiving the result of run %zu", r->id);
	else
		snprintf(why, sizeof why, "worker exited with status %d and no result",
			 WEXITSTATUS(status));
	return answer(fd, 'E', why, strlen(why));
}

/* Serve run ids until the request pipe closes. Stop signals get their
 * default action: a Ctrl-C on the terminal reaches the workers too and
 * ends them at once, and the parent decides what that means.
 *
 * The worker keeps the world of the last combination it ran, converged
 * (ers_batch_base_new), and forks a child per run that goes on from it;
 * the next combination replaces it. Runs that cannot start from it run
 * here from scratch, as every run once did. */
static void worker_main(const struct ers_experiment *e, int req_fd, int res_fd, pid_t parent)
{
	struct ers_batch_base *base = NULL;
	struct ers_batch_run r;
	bool forked;
	uint64_t id;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
#ifdef __linux__
	prctl(PR_SET_NAME, "ersim-worker");
	/* A parent killed with -9 cannot kill us: do not outlive it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
#else
	(void)parent;
#endif
	while (read_all(req_fd, &id, sizeof id)) {
		ers_experiment_run(e, (size_t)id, &r);
		if (!base || ers_batch_base_combo(base) != r.combo) {
			ers_batch_base_free(base);
			base = ers_batch_base_new(e, r.combo);
		}
		forked = false;
		if (ers_batch_base_forks(base) &&
		    !serve_forked(e, base, &r, req_fd, res_fd, &forked))
			_exit(1);
		if (forked)
			continue;
#ifdef ERS_TEST_HOOKS
		test_hooks(id, res_fd);
#endif
		if (!serve(e, NULL, &r, res_fd))
			_exit(1);
	}
	_exit(0);
}

/* ---- the parent's side: never blocks on a worker ---- */

static bool set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

static enum ers_err start_worker(struct pool *p, struct worker *w)
{
	int req[2], res[2];
	pid_t parent = getpid();

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
		worker_main(p->e, req[0], res[1], parent);
	}
	close(req[0]);
	close(res[1]);
	w->req_fd = req[1];
	w->res_fd = res[0];
	w->len = 0;
	if (!set_nonblock(w->req_fd) || !set_nonblock(w->res_fd))
		return ers_diag_add(p->d, ERS_EIO, NULL, 0, NULL,
				    "cannot make a worker's pipe non-blocking: %s", strerror(errno));
	return ERS_OK;
fail:
	return ers_diag_add(p->d, ERS_EIO, NULL, 0, NULL, "cannot create a pipe: %s",
			    strerror(errno));
}

/* Hand run id to w's process. A write can only fail when the worker is
 * gone (SIGPIPE is ignored: EPIPE); its result pipe then reports the end
 * and the run is dealt with there. */
static void send_id(struct worker *w, size_t id)
{
	uint64_t v = id;

	(void)!write(w->req_fd, &v, sizeof v);
}

/* Queue run id on worker w, starting a process for it if it has none. */
static enum ers_err assign(struct pool *p, struct worker *w, size_t id)
{
	enum ers_err rc;

	if (!w->pid && (rc = start_worker(p, w)) != ERS_OK)
		return rc;
	if (!w->n)
		w->since = now_ms();
	ers_experiment_run(p->e, id, &w->run[(w->head + w->n) % DEPTH]);
	w->n++;
	p->active++;
	send_id(w, id);
	return ERS_OK;
}

/* Stop w's process and collect how it ended: killed at once, or given a
 * second to finish exiting (its result pipe is already closed, or its
 * request pipe was just closed) before it is killed. */
static int stop_worker(struct worker *w, bool kill_it)
{
	int status = 0;

	if (!w->pid)
		return 0;
	if (kill_it)
		kill(w->pid, SIGKILL);
	if (w->req_fd >= 0)
		close(w->req_fd);
	close(w->res_fd);
	w->req_fd = -1;
	for (int i = 0; !kill_it && i < 100; i++) {
		if (waitpid(w->pid, &status, WNOHANG) == w->pid)
			goto out;
		usleep(10000);
	}
	kill(w->pid, SIGKILL);
	/* SIGKILL cannot be caught: this wait is short, whatever interrupts it */
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
out:
	w->pid = 0;
	w->len = 0;
	return status;
}

/* Move what d2 holds into d (the store's messages into the pool's). */
static void diag_move(struct ers_diag *d, struct ers_diag *d2)
{
	for (size_t i = 0; i < d2->n_msgs; i++)
		ers_diag_add(d, d2->first, d2->msgs[i].file, d2->msgs[i].line,
			     d2->msgs[i].hint, "%s", d2->msgs[i].text);
	ers_diag_release(d2);
}

/* Store w's oldest queued run, ended with json or err, and dequeue it. */
static enum ers_err store_head(struct pool *p, struct worker *w, const char *json,
			       size_t len, const char *err)
{
	const struct ers_batch_run *r = &w->run[w->head];
	enum ers_err rc;
	struct ers_diag sd;

	w->head = (w->head + 1) % DEPTH;
	w->n--;
	w->since = now_ms();		/* the worker starts on the next one */
	p->active--;
	if (stopped(p) && !json)
		return ERS_OK;	/* interrupted, not failed: run it next time */
	ers_diag_init(&sd);
	rc = ers_batch_db_store(p->db, p->e, r, json, len, err, &sd);
	if (rc != ERS_OK && stopped(p)) {
		/* the stop interrupted the write: the run was rolled back and
		 * runs again next time */
		ers_diag_release(&sd);
		return ERS_OK;
	}
	if (rc != ERS_OK) {
		diag_move(p->d, &sd);
		return rc;
	}
	ers_diag_release(&sd);
	p->prog.done++;
	p->prog.failed += !json;
	if (p->opts->progress)
		p->opts->progress(&p->prog, p->opts->progress_ctx);
	return ERS_OK;
}

/* w's head run is lost (its process is gone): store it as failed with
 * why; the runs behind it never started and go to a new process. */
static enum ers_err lose_head(struct pool *p, struct worker *w, const char *why)
{
	enum ers_err rc = store_head(p, w, NULL, 0, why);

	if (rc != ERS_OK || !w->n || stopped(p))
		return rc;
	rc = start_worker(p, w);
	for (unsigned k = 0; rc == ERS_OK && k < w->n; k++)
		send_id(w, w->run[(w->head + k) % DEPTH].id);
	return rc;
}

/* w's process ended (its result pipe closed). */
static enum ers_err worker_died(struct pool *p, struct worker *w)
{
	int status = stop_worker(w, false);
	char why[160];

	if (!w->n)
		return ERS_OK;	/* idle: no run lost; a new one starts on demand */
	if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "worker killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(why, sizeof why, "worker exited with status %d and no result",
			 WEXITSTATUS(status));
	return lose_head(p, w, why);
}

/* w sent something that is not an answer: it cannot be trusted with
 * the runs queued on it. */
static enum ers_err malformed(struct pool *p, struct worker *w, const char *what)
{
	stop_worker(w, true);
	if (!w->n)
		return ERS_OK;
	return lose_head(p, w, what);
}

/* Room for n more bytes in w's buffer, plus a terminating NUL. */
static bool reserve(struct worker *w, size_t n)
{
	size_t cap = w->len + n + 1;
	char *nb;

	if (w->cap - w->len > n)
		return true;
	if (cap < 2 * w->cap)
		cap = 2 * w->cap;
	if (cap < 65536)
		cap = 65536;
	nb = realloc(w->buf, cap);
	if (!nb)
		return false;
	w->buf = nb;
	w->cap = cap;
	return true;
}

/* The payload length of the answer at the start of w's buffer, once its
 * header is in (else 0 and *has_header false). */
static uint64_t answer_len(const struct worker *w, bool *has_header)
{
	uint64_t n = 0;

	*has_header = w->len >= HEADER;
	if (*has_header)
		memcpy(&n, w->buf + 1, sizeof n);
	return n;
}

enum drain { DRAIN_LATER, DRAIN_EOF, DRAIN_NOMEM };

/* Read what w's pipe holds now, up to READ_SLICE bytes. */
static enum drain drain(struct worker *w)
{
	size_t got = 0, want;
	uint64_t n;
	bool hdr;
	ssize_t k;

	while (got < READ_SLICE) {
		n = answer_len(w, &hdr);
		/* a whole answer at once when its size is known and sane */
		want = hdr && n <= MAX_ANSWER && w->len < HEADER + n ? HEADER + n - w->len
								      : 65536;
		if (!reserve(w, want))
			return DRAIN_NOMEM;
		k = read(w->res_fd, w->buf + w->len, w->cap - w->len - 1);
		if (k == 0)
			return DRAIN_EOF;
		if (k < 0)	/* EAGAIN: empty for now; EINTR: back to the loop */
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
			       ? DRAIN_LATER : DRAIN_EOF;
		w->len += (size_t)k;
		got += (size_t)k;
	}
	return DRAIN_LATER;
}

/* The answer of HEADER + n bytes at the start of w's buffer: store it
 * and drop it. */
static enum ers_err take_answer(struct pool *p, struct worker *w, size_t n)
{
	size_t whole = HEADER + n;
	char *body = w->buf + HEADER, save = w->buf[whole];
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

/* Store every complete answer w has sent; handle its end. */
static enum ers_err collect(struct pool *p, struct worker *w)
{
	enum drain st = drain(w);
	enum ers_err rc = ERS_OK;
	char why[96];
	uint64_t n;
	bool hdr;

	while (rc == ERS_OK && w->pid && !stopped(p) && (n = answer_len(w, &hdr), hdr)) {
		if ((w->buf[0] != 'J' && w->buf[0] != 'E') || n > MAX_ANSWER || !w->n) {
			snprintf(why, sizeof why, "worker sent a malformed answer "
				 "(type 0x%02x, length %" PRIu64 "); worker killed",
				 (unsigned char)w->buf[0], n);
			return malformed(p, w, why);
		}
		if (w->len < HEADER + n)
			break;
		rc = take_answer(p, w, (size_t)n);
	}
	if (rc != ERS_OK || !w->pid)
		return rc;
	if (st == DRAIN_NOMEM) {
		n = answer_len(w, &hdr);
		snprintf(why, sizeof why, "out of memory receiving a result of %" PRIu64
			 " bytes; worker killed", n);
		return malformed(p, w, why);
	}
	return st == DRAIN_EOF ? worker_died(p, w) : ERS_OK;
}

/* Kill the workers whose head run has taken longer than the timeout. */
static enum ers_err check_timeouts(struct pool *p)
{
	int64_t now = now_ms();
	enum ers_err rc = ERS_OK;
	char why[192], t[64];

	if (!p->timeout_ms)
		return ERS_OK;
	for (unsigned i = 0; i < p->opts->jobs && rc == ERS_OK; i++) {
		struct worker *w = &p->w[i];

		if (!w->pid || !w->n || now - w->since < p->timeout_ms)
			continue;
		stop_worker(w, true);
		ers_time_str(p->opts->run_timeout, t, sizeof t);
		snprintf(why, sizeof why, "run timed out: still running after %s "
			 "(--run-timeout); worker killed", t);
		rc = lose_head(p, w, why);
	}
	return rc;
}

/* Milliseconds poll() may sleep: a tick, or less if a run times out first. */
static int poll_wait(const struct pool *p)
{
	int64_t wait = TICK_MS, now = now_ms(), left;

	for (unsigned i = 0; p->timeout_ms && i < p->opts->jobs; i++) {
		if (!p->w[i].pid || !p->w[i].n)
			continue;
		left = p->w[i].since + p->timeout_ms - now;
		if (left < wait)
			wait = left < 0 ? 0 : left;
	}
	return (int)wait;
}

/* Wait for any worker to write or end, then take what they sent. Every
 * live worker is watched, idle ones too: one that dies between runs is
 * noticed before a run is handed to it. */
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
		pf[n].fd = p->w[i].res_fd;
		pf[n].events = POLLIN;
		owner[n++] = &p->w[i];
	}
	r = poll(pf, n, poll_wait(p));
	if (r < 0 && errno != EINTR)
		return ers_diag_add(p->d, ERS_EIO, NULL, 0, NULL, "cannot wait for the workers: %s",
				    strerror(errno));
	if (r < 0)
		return ERS_OK;	/* a signal: the caller looks at the stop flag */
	for (nfds_t i = 0; i < n && rc == ERS_OK && !stopped(p); i++)
		if (pf[i].revents)
			rc = collect(p, owner[i]);
	if (rc == ERS_OK && !stopped(p))
		rc = check_timeouts(p);
	if (rc == ERS_OK && r == 0) {
		rc = ers_batch_db_flush(p->db, p->d);	/* a pause: commit what we have */
		if (p->opts->progress)
			p->opts->progress(&p->prog, p->opts->progress_ctx);
	}
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

/* Stop every worker: those with runs queued are killed, idle ones see
 * their request pipe close and exit; all at once, then collected. */
static void reap_all(struct pool *p)
{
	for (unsigned i = 0; i < p->opts->jobs; i++) {
		if (!p->w[i].pid)
			continue;
		if (p->w[i].n)
			kill(p->w[i].pid, SIGKILL);
		close(p->w[i].req_fd);
		p->w[i].req_fd = -1;
	}
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
	struct pool p = { e, db, opts, NULL, 0, 0, { 0, 0, 0 }, d };
	enum ers_err rc = ERS_OK;
	size_t id = opts->shard;
	struct worker *w;

	*n_run = 0;
	/* ms, rounded up so that a timeout under 1 ms is not "none" */
	p.timeout_ms = opts->run_timeout > 0 ? (opts->run_timeout + 999999) / 1000000 : 0;
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
	while (rc == ERS_OK && !stopped(&p)) {
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
	if (rc == ERS_OK && !stopped(&p))
		rc = ers_batch_db_flush(db, d);
	for (unsigned i = 0; i < opts->jobs; i++)
		free(p.w[i].buf);
	free(p.w);
	*n_run = p.prog.done;
	return rc;
}
