/*
 * batch_mpi.c - `mpirun -n P ersim batch EXP.xml` (builds with make
 * MPI=1, which defines ERS_MPI): rank 0 owns the database and hands out
 * run ids one at a time to whichever rank asks (dynamic load balancing:
 * runs differ a lot in length); ranks 1..P-1 load the experiment
 * themselves, execute each run in process (batch_exec.c) and send back
 * the result document or the error text. Rank 0 stores results exactly
 * as the local pool does, so the database equals a local run's.
 *
 * Protocol (tags): a worker sends TAG_READY (empty) once, then one
 * TAG_RESULT per run: the run id as an unsigned long long followed by
 * the message 'J' + JSON or 'E' + text. Rank 0 answers each with
 * TAG_WORK (a run id) or TAG_STOP. Runs are not forked under MPI (fork
 * and MPI transports do not mix well), so a crash takes its rank down:
 * mpirun then aborts the job, and a restart continues from the database.
 */
#ifdef ERS_MPI
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/batch.h"

enum { TAG_READY = 1, TAG_RESULT, TAG_WORK, TAG_STOP };

void ers_batch_mpi_init(void)
{
	int done = 0;

	MPI_Initialized(&done);
	if (!done)
		MPI_Init(NULL, NULL);
}

int ers_batch_mpi_rank(void)
{
	int r = 0;

	MPI_Comm_rank(MPI_COMM_WORLD, &r);
	return r;
}

int ers_batch_mpi_size(void)
{
	int n = 1;

	MPI_Comm_size(MPI_COMM_WORLD, &n);
	return n;
}

void ers_batch_mpi_finalize(int code)
{
	int done = 0;

	MPI_Finalized(&done);
	if (done)
		return;
	if (code && ers_batch_mpi_rank() == 0 && ers_batch_mpi_size() > 1)
		MPI_Abort(MPI_COMM_WORLD, code);	/* workers may be waiting for work */
	MPI_Finalize();
}

/* Execute run id and send 'J' + JSON or 'E' + error, prefixed by the id. */
static void send_result(const struct ers_experiment *e, unsigned long long id)
{
	struct ers_batch_run r;
	struct ers_diag d;
	char *json = NULL, *msg = NULL, *buf;
	size_t len = 0;
	FILE *mem;

	ers_diag_init(&d);
	ers_experiment_run(e, (size_t)id, &r);
	if (ers_batch_exec(e, &r, &json, &len, &d) != ERS_OK) {
		mem = open_memstream(&msg, &len);
		if (mem) {
			ers_diag_print(&d, mem);
			fclose(mem);
		}
		while (msg && len && msg[len - 1] == '\n')
			msg[--len] = '\0';
	}
	buf = malloc(sizeof id + 1 + len);
	if (buf) {
		memcpy(buf, &id, sizeof id);
		buf[sizeof id] = json ? 'J' : 'E';
		if (len)
			memcpy(buf + sizeof id + 1, json ? json : msg, len);
		MPI_Send(buf, (int)(sizeof id + 1 + len), MPI_CHAR, 0, TAG_RESULT,
			 MPI_COMM_WORLD);
	}
	free(buf);
	free(json);
	free(msg);
	ers_diag_release(&d);
}

int ers_batch_mpi_worker(const char *experiment)
{
	struct ers_experiment *e = NULL;
	unsigned long long id;
	struct ers_diag d;
	MPI_Status st;
	int code = 0;

	ers_diag_init(&d);
	if (ers_experiment_load(experiment, &e, &d) != ERS_OK)
		code = 2;	/* rank 0 reports the same problem */
	MPI_Send(NULL, 0, MPI_CHAR, 0, TAG_READY, MPI_COMM_WORLD);
	for (;;) {
		MPI_Recv(&id, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
		if (st.MPI_TAG != TAG_WORK || !e)
			break;
		send_result(e, id);
	}
	ers_experiment_free(e);
	ers_diag_release(&d);
	return code;
}

/* Store one TAG_RESULT message. */
static enum ers_err store(const struct ers_experiment *e, struct ers_batch_db *db,
			  char *buf, int n, struct ers_batch_progress *p, struct ers_diag *d)
{
	unsigned long long id;
	struct ers_batch_run r;
	size_t hdr = sizeof id + 1;
	bool ok;

	if ((size_t)n < hdr)
		return ers_diag_add(d, ERS_EINTERNAL, NULL, 0, NULL, "short MPI message");
	memcpy(&id, buf, sizeof id);
	ers_experiment_run(e, (size_t)id, &r);
	ok = buf[sizeof id] == 'J';
	buf[n] = '\0';
	p->done++;
	p->failed += !ok;
	return ers_batch_db_store(db, e, &r, ok ? buf + hdr : NULL, ok ? (size_t)n - hdr : 0,
				  ok ? NULL : buf + hdr, d);
}

/* The next run id of the shard not yet in db, or e->n_runs. */
static size_t next_id(const struct ers_experiment *e, struct ers_batch_db *db,
		      const struct ers_batch_opts *o, size_t id)
{
	while (id < e->n_runs && ers_batch_db_has(db, id))
		id += o->n_shards;
	return id;
}

enum ers_err ers_batch_mpi_run(const struct ers_experiment *e, struct ers_batch_db *db,
			       const struct ers_batch_opts *opts, size_t *n_run,
			       struct ers_diag *d)
{
	struct ers_batch_progress p = { 0, 0, 0 };
	int n_ranks = ers_batch_mpi_size(), live = n_ranks - 1, n;
	enum ers_err rc = ERS_OK;
	size_t id = next_id(e, db, opts, opts->shard);
	unsigned long long send;
	char *buf;
	MPI_Status st;

	for (size_t i = opts->shard; i < e->n_runs; i += opts->n_shards)
		p.total += !ers_batch_db_has(db, i);
	while (live > 0) {
		MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
		MPI_Get_count(&st, MPI_CHAR, &n);
		buf = malloc((size_t)n + 1);
		if (!buf)
			return ers_diag_add(d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
		MPI_Recv(buf, n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, &st);
		if (st.MPI_TAG == TAG_RESULT && rc == ERS_OK)
			rc = store(e, db, buf, n, &p, d);
		free(buf);
		if (rc == ERS_OK && opts->progress)
			opts->progress(&p, opts->progress_ctx);
		if (rc == ERS_OK && id < e->n_runs && !(opts->stop && *opts->stop)) {
			send = id;
			MPI_Send(&send, 1, MPI_UNSIGNED_LONG_LONG, st.MPI_SOURCE, TAG_WORK,
				 MPI_COMM_WORLD);
			id = next_id(e, db, opts, id + opts->n_shards);
		} else {
			send = 0;
			MPI_Send(&send, 1, MPI_UNSIGNED_LONG_LONG, st.MPI_SOURCE, TAG_STOP,
				 MPI_COMM_WORLD);
			live--;
		}
	}
	if (rc == ERS_OK)
		rc = ers_batch_db_flush(db, d);
	*n_run = p.done;
	return rc;
}
#else
typedef int ers_batch_mpi_unused;	/* ISO C: a translation unit is not empty */
#endif
