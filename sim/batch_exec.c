/*
 * batch_exec.c - one run of a batch, from its description to its result
 * document. The scenario of a run is the base scenario's libxml2 document
 * copied, each <vary> value written with XPath, and its <events> replaced
 * by the failure set (kept for mode "none"); the copy is serialised and
 * loaded with ers_scenario_load_mem, so a variant goes through exactly the
 * checks of a scenario file, and a value that breaks a rule fails that run
 * only, with the loader's message.
 *
 * Runs start from the converged network (docs/batch.md): a worker keeps
 * a combination's world, simulated up to the failures with the
 * combination's seed (struct ers_batch_base, built from a template
 * variant whose events name every target once, so each target is parsed
 * and checked once), and each run goes on from it in a forked child with
 * its own events, built from the template's, and its own seed.
 * ers_batch_exec simulates the same two parts in one process (ers_run
 * with a fork time): MPI ranks, --report-runs and workers that cannot
 * fork give the same result.
 *
 * Random failures are drawn here, from an RNG seeded by the run's seed
 * (mixed, so the draws are independent of the simulation's timer jitter):
 * per target, alternating exponential times to failure (mean mtbf) and
 * to repair (mean mttr) from `at` for `horizon`; the run then lasts
 * exactly at + horizon so that outage figures share one window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "ersim/batch.h"
#include "ersim/batch_int.h"
#include "ersim/result_json.h"
#include "ersim/rng.h"
#include "ersim/run.h"
#include "ersim/scenario.h"
#include "ersim/units.h"
#include "ersim/util.h"

#define RANDOM_STREAM 0x6661696c75726573ULL	/* "failures": a separate RNG stream */

/* The events of a failure set, in document order, to an emitter: the
 * XML of a variant (set_failures) or the events of a run that goes on
 * from the converged world (struct run_events). target indexes into
 * e->fail.targets. */
typedef bool emit_fn(void *ctx, enum ers_action action, ers_time_t at, size_t target);

static bool emit_fixed(const struct ers_failures *f, emit_fn *emit, void *ctx, size_t target)
{
	bool ok = emit(ctx, ERS_ACT_FAIL, f->at, target);

	if (ok && f->restore > 0)
		ok = emit(ctx, ERS_ACT_RESTORE, f->at + f->restore, target);
	return ok;
}

static ers_time_t draw(struct ers_rng *rng, ers_time_t mean)
{
	double t = ers_rng_exp(rng, (double)mean);

	return t < 1 ? 1 : t > 9e18 ? (ers_time_t)9e18 : (ers_time_t)t;
}

/* Alternating failures and repairs of every target over the horizon. */
static bool emit_random(const struct ers_failures *f, emit_fn *emit, void *ctx, uint64_t seed)
{
	ers_time_t end = f->at + f->horizon, t;
	struct ers_rng rng;
	bool ok = true;

	ers_rng_seed(&rng, ers_rng_mix(seed ^ RANDOM_STREAM));
	/* the experiment loader bounds the expected count (check_work());
	 * stop at the first event that cannot be added, not after the rest */
	for (size_t i = 0; i < f->n_targets && ok; i++) {
		t = f->at;
		while (ok) {
			t += draw(&rng, f->mtbf);
			if (t >= end)
				break;
			ok = emit(ctx, ERS_ACT_FAIL, t, i);
			t += draw(&rng, f->mttr);
			if (!ok || t >= end)
				break;
			ok = emit(ctx, ERS_ACT_RESTORE, t, i);
		}
	}
	return ok;
}

/* Run r's failure set (mode is not "none"). */
static bool emit_failures(const struct ers_experiment *e, const struct ers_batch_run *r,
			  emit_fn *emit, void *ctx)
{
	const struct ers_failures *f = &e->fail;
	size_t i, j;

	switch (f->mode) {
	case ERS_FAIL_PAIRS:
		ers_batch_pair(f->n_targets, r->failure, &i, &j);
		return emit_fixed(f, emit, ctx, i) && emit_fixed(f, emit, ctx, j);
	case ERS_FAIL_RANDOM:
		return emit_random(f, emit, ctx, r->seed);
	default:
		return emit_fixed(f, emit, ctx, r->failure);
	}
}

/* The converged world's scenario: every target failing at `at` (and
 * restored, as the runs do), so that the loader reads and checks each
 * target once; a run takes its events from these. */
static bool emit_template(const struct ers_experiment *e, emit_fn *emit, void *ctx)
{
	bool ok = true;

	for (size_t i = 0; i < e->fail.n_targets && ok; i++)
		ok = e->fail.mode == ERS_FAIL_RANDOM ? emit(ctx, ERS_ACT_FAIL, e->fail.at, i)
						     : emit_fixed(&e->fail, emit, ctx, i);
	return ok;
}

struct xml_events {
	const struct ers_experiment *e;
	xmlNodePtr events;
};

static bool xml_event(void *ctx, enum ers_action action, ers_time_t at, size_t target)
{
	struct xml_events *x = ctx;
	xmlNodePtr n = xmlNewChild(x->events, NULL, (const xmlChar *)ers_action_str(action), NULL);
	char buf[64];

	ers_time_str(at, buf, sizeof buf);
	return n && xmlSetProp(n, (const xmlChar *)"at", (const xmlChar *)buf) &&
	       xmlSetProp(n, (const xmlChar *)"target",
			  (const xmlChar *)x->e->fail.targets[target]);
}

/* Replace the scenario's <events> by run r's failure set, or with r NULL
 * by the template's. */
static bool set_failures(const struct ers_experiment *e, const struct ers_batch_run *r,
			 xmlDocPtr doc)
{
	const struct ers_failures *f = &e->fail;
	xmlNodePtr root = xmlDocGetRootElement(doc), c, next;
	struct xml_events x = { e, NULL };
	char buf[64];

	for (c = root->children; c; c = next) {
		next = c->next;
		if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, (const xmlChar *)"events")) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
	}
	x.events = xmlNewChild(root, NULL, (const xmlChar *)"events", NULL);
	if (!x.events)
		return false;
	if (f->mode == ERS_FAIL_RANDOM) {
		ers_time_str(f->at + f->horizon, buf, sizeof buf);
		if (!xmlSetProp(root, (const xmlChar *)"duration", (const xmlChar *)buf))
			return false;
	}
	return r ? emit_failures(e, r, xml_event, &x) : emit_template(e, xml_event, &x);
}

static bool set_vary(const struct ers_vary *v, const char *value, xmlDocPtr doc)
{
	char *attr = NULL;
	xmlXPathObjectPtr o = ers_batch_xpath(doc, v->xpath, &attr);
	bool ok = o && o->type == XPATH_NODESET && o->nodesetval;

	for (int i = 0; ok && i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];

		if (attr && n->type == XML_ELEMENT_NODE)
			ok = xmlSetProp(n, (const xmlChar *)attr, (const xmlChar *)value);
		else if (!attr && n->type == XML_ATTRIBUTE_NODE)
			ok = xmlSetProp(n->parent, n->name, (const xmlChar *)value);
	}
	xmlXPathFreeObject(o);
	free(attr);
	return ok;
}

/* The scenario of combination combo with run r's failure set, or the
 * template's (r NULL). */
static enum ers_err variant(const struct ers_experiment *e, size_t combo,
			    const struct ers_batch_run *r, char **xml, size_t *len,
			    struct ers_diag *d)
{
	xmlDocPtr doc = xmlCopyDoc(e->doc, 1);
	xmlChar *mem = NULL;
	bool ok = doc != NULL;
	int n = 0;

	*xml = NULL;
	*len = 0;
	for (size_t i = 0; ok && i < e->n_vary; i++)
		ok = set_vary(&e->vary[i],
			      e->vary[i].values[ers_experiment_value(e, combo, i)], doc);
	if (ok && e->fail.mode != ERS_FAIL_NONE)
		ok = set_failures(e, r, doc);
	if (ok)
		xmlDocDumpMemory(doc, &mem, &n);
	xmlFreeDoc(doc);
	if (!mem)
		return ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL,
				    "out of memory building the scenario of combination %zu", combo);
	*xml = malloc((size_t)n + 1);
	if (*xml) {
		memcpy(*xml, mem, (size_t)n + 1);
		*len = (size_t)n;
	}
	xmlFree(mem);
	return *xml ? ERS_OK : ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL, "out of memory");
}

enum ers_err ers_batch_scenario(const struct ers_experiment *e,
				const struct ers_batch_run *r, char **xml,
				size_t *len, struct ers_diag *d)
{
	return variant(e, r->combo, r, xml, len, d);
}

/* Load and check a variant as ers_scenario_open does for a file. */
static enum ers_err open_variant(const struct ers_experiment *e, const char *xml, size_t len,
				 struct ers_scenario **s, struct ers_catalog **cat,
				 struct ers_diag *d)
{
	enum ers_err rc = ers_scenario_load_mem(xml, len, e->scenario, s, d);

	*cat = NULL;
	if (rc != ERS_OK)
		return rc;
	*cat = ers_catalog_merge(e->builtin, &(*s)->geography);
	if (!*cat)
		return ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL,
				    "out of memory merging the catalog");
	rc = ers_catalog_check(*cat, d);
	if (rc == ERS_OK)
		rc = ers_scenario_check(*s, *cat, d);
	return rc;
}

/* The database keeps runs, events and flows, not the flows' path and
 * decision histories nor the reachability matrix: leave those out of the
 * document sent back, which the single writer would otherwise parse for
 * nothing (on a batch of short runs that parsing is most of its work).
 * A forked run's process exits right after: it lets go of them without
 * freeing (which would write, thus copy, pages it shares). */
static void trim(struct ers_result *r, bool free_them)
{
	for (size_t i = 0; i < r->n_flows && free_them; i++) {
		struct ers_flow_result *f = &r->flows[i];
		for (size_t k = 0; k < f->n_paths; k++)
			ers_path_entry_release(&f->paths[k]);
		free(f->paths);
		for (size_t k = 0; k < f->n_decisions; k++)
			ers_decision_free(&f->decisions[k]);
		free(f->decisions);
	}
	for (size_t i = 0; i < r->n_flows; i++) {
		struct ers_flow_result *f = &r->flows[i];
		f->paths = NULL;
		f->n_paths = 0;
		f->decisions = NULL;
		f->n_decisions = 0;
	}
	if (free_them) {
		ers_strv_free(r->endpoints, r->n_endpoints);
		free(r->reach);
	}
	r->endpoints = NULL;
	r->reach = NULL;
	r->n_endpoints = 0;
}

/* The result document of res, trimmed, into *json. */
static enum ers_err to_json(const struct ers_experiment *e, struct ers_result *res,
			    bool free_them, char **json, size_t *len, struct ers_diag *d)
{
	enum ers_err rc = ERS_OK;
	FILE *mem;

	trim(res, free_them);
	if (!(mem = open_memstream(json, len)))
		return ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL, "out of memory");
	rc = ers_result_write_json_compact(res, mem);
	if (fclose(mem) && rc == ERS_OK)
		rc = ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL, "out of memory");
	return rc;
}

/* ---- the converged world of a combination ---------------------------- */

uint64_t ers_batch_converge_seed(const struct ers_experiment *e, size_t combo)
{
	char *params = ers_experiment_params(e, combo), *key;
	uint64_t seed;

	key = params ? ers_asprintf("%s|converge", params) : NULL;
	seed = ers_batch_seed(e->seed, key ? key : "|converge");
	free(key);
	free(params);
	return seed;
}

/* Where the runs of a combination fork: at the failure time, or with the
 * scenario's own events at the first of them; 0 (never) without events. */
static ers_time_t fork_time(const struct ers_experiment *e, const struct ers_scenario *s)
{
	ers_time_t t = 0;

	if (e->fail.mode != ERS_FAIL_NONE)
		return e->fail.at;
	for (size_t i = 0; i < s->n_events; i++)
		if (!i || s->events[i].at < t)
			t = s->events[i].at;
	return t;
}

void ers_batch_run_opts(const struct ers_experiment *e, const struct ers_batch_run *r,
			const struct ers_scenario *s, struct ers_run_opts *opts)
{
	*opts = (struct ers_run_opts){ .has_seed = true, .seed = r->seed };
	opts->fork_at = fork_time(e, s);
	opts->converge_seed = ers_batch_converge_seed(e, r->combo);
}

enum ers_err ers_batch_exec(const struct ers_experiment *e,
			    const struct ers_batch_run *r, char **json,
			    size_t *len, struct ers_diag *d)
{
	struct ers_run_opts opts;
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_result *res = NULL;
	char *xml = NULL;
	size_t xlen = 0;
	enum ers_err rc;

	*json = NULL;
	*len = 0;
	rc = ers_batch_scenario(e, r, &xml, &xlen, d);
	if (rc == ERS_OK)
		rc = open_variant(e, xml, xlen, &s, &cat, d);
	if (rc == ERS_OK) {
		ers_batch_run_opts(e, r, s, &opts);
		opts.no_reach = true;
		rc = ers_run(s, cat, &opts, &res, d);
	}
	if (rc == ERS_OK)
		rc = to_json(e, res, true, json, len, d);
	if (rc != ERS_OK) {
		free(*json);
		*json = NULL;
		*len = 0;
		if (d->first == ERS_OK)
			ers_diag_add(d, rc, e->scenario, 0, NULL, "run %zu failed: %s",
				     r->id, ers_err_str(rc));
	}
	ers_result_free(res);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	free(xml);
	return rc;
}

struct ers_batch_base {
	size_t combo;
	struct ers_scenario *s;		/* the template: each target's events */
	struct ers_catalog *cat;
	struct ers_run_opts opts;
	struct ers_run_state *st;	/* converged and settled; NULL: none */
	struct ers_scenario run_s;	/* s with the events of the run going on */
};

/* The template's scenario, converged; whatever fails leaves b->st NULL
 * (its runs then go from scratch, which reports the reason). */
static void converge(const struct ers_experiment *e, struct ers_batch_base *b)
{
	struct ers_diag d;
	char *xml = NULL;
	size_t len = 0;

	ers_diag_init(&d);
	if (variant(e, b->combo, NULL, &xml, &len, &d) != ERS_OK ||
	    open_variant(e, xml, len, &b->s, &b->cat, &d) != ERS_OK)
		goto out;
	b->opts.fork_at = fork_time(e, b->s);
	b->opts.converge_seed = ers_batch_converge_seed(e, b->combo);
	b->opts.no_reach = true;
	if (!ers_run_can_fork(b->s, &b->opts) ||
	    ers_run_converge(b->s, b->cat, &b->opts, &b->st, &d) != ERS_OK)
		goto out;
	if (!ers_run_settled(b->st)) {
		ers_run_state_free(b->st);
		b->st = NULL;
	}
out:
	free(xml);
	ers_diag_release(&d);
}

struct ers_batch_base *ers_batch_base_new(const struct ers_experiment *e, size_t combo)
{
	struct ers_batch_base *b = calloc(1, sizeof *b);

	if (b) {
		b->combo = combo;
		converge(e, b);
	}
	return b;
}

bool ers_batch_base_forks(const struct ers_batch_base *b)
{
	return b && b->st;
}

size_t ers_batch_base_combo(const struct ers_batch_base *b)
{
	return b->combo;
}

/* Run r's events, from the template's: the same targets, parsed once. */
struct run_events {
	const struct ers_experiment *e;
	const struct ers_scenario *tpl;
	struct ers_event *v;
	size_t n, cap;
};

static bool struct_event(void *ctx, enum ers_action action, ers_time_t at, size_t target)
{
	struct run_events *x = ctx;
	bool pairs = x->e->fail.restore > 0 && x->e->fail.mode != ERS_FAIL_RANDOM;
	size_t k = pairs ? 2 * target : target;
	char buf[64];
	const char *why;

	if (k >= x->tpl->n_events)
		return false;
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 4;
		struct ers_event *nv = realloc(x->v, cap * sizeof *nv);
		if (!nv)
			return false;
		x->v = nv;
		x->cap = cap;
	}
	x->v[x->n] = x->tpl->events[k];
	x->v[x->n].action = action;
	/* the time as a variant's XML would carry it */
	if (ers_parse_time(ers_time_str(at, buf, sizeof buf), &x->v[x->n].at, &why) != ERS_OK)
		return false;
	x->n++;
	return true;
}

enum ers_err ers_batch_base_exec(struct ers_batch_base *b, const struct ers_experiment *e,
				 const struct ers_batch_run *r, char **json, size_t *len,
				 struct ers_diag *d)
{
	struct run_events x = { e, b->s, NULL, 0, 0 };
	struct ers_result *res = NULL;
	enum ers_err rc = ERS_OK;

	*json = NULL;
	*len = 0;
	b->run_s = *b->s;
	if (e->fail.mode != ERS_FAIL_NONE) {
		if (!emit_failures(e, r, struct_event, &x))
			rc = ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL, "out of memory");
		b->run_s.events = x.v;
		b->run_s.n_events = x.n;
	}
	if (rc == ERS_OK)
		rc = ers_run_continue(b->st, &b->run_s, r->seed, &res, d);
	/* the result stays: this process ends with the run (see trim) */
	if (rc == ERS_OK)
		rc = to_json(e, res, false, json, len, d);
	if (rc != ERS_OK) {
		free(*json);
		*json = NULL;
		*len = 0;
		if (d->first == ERS_OK)
			ers_diag_add(d, rc, e->scenario, 0, NULL, "run %zu failed: %s",
				     r->id, ers_err_str(rc));
	}
	return rc;
}

void ers_batch_base_free(struct ers_batch_base *b)
{
	if (!b)
		return;
	ers_run_state_free(b->st);
	if (b->s && b->run_s.events != b->s->events)
		free(b->run_s.events);
	ers_scenario_free(b->s);
	ers_catalog_free(b->cat);
	free(b);
}
