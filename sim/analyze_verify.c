/*
 * analyze_verify.c - `analyze --verify`: the analysis's claims checked by
 * simulation. One run of the intact design, one per target that cuts some
 * pair and a sample of the targets claimed safe (up to --max-runs), each
 * failing its target at 10 s with a probe flow each way per pair; after
 * convergence every pair's reachability is compared with the claim, and
 * each disagreement is kept for the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/run.h"
#include "ersim/target.h"

#include "analyze_int.h"
#include "ersim/util.h"

#define VERIFY_AT (10 * ERS_S)		/* failure time in verification runs */
#define PROBE_RATE 1000000ull		/* probe flows: 1 Mbps, carries no weight */

/* ---- verification by simulation -------------------------------------- */

/* First router of site that the failed parts leave up, or -1. */
static int live_router(const struct ers_scenario *s, const struct ers_parts *down, int site)
{
	for (size_t r = 0; r < s->sites[site].n_routers; r++) {
		bool up = true;

		for (size_t i = 0; i < down->n && up; i++)
			up = !(down->v[i].kind == ERS_PART_ROUTER && down->v[i].a == site &&
			       down->v[i].b == (int)r);
		if (up)
			return (int)r;
	}
	return -1;
}

/* One probe each way per pair: slot 2p is a -> b, 2p + 1 is b -> a; a
 * probe whose source site has no live router gets has[] false. */
static void make_probes(const struct ers_analysis *a, const struct ers_scenario *s,
			const struct ers_parts *down, struct ers_flow *fl, bool *has,
			size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < a->n_pairs; i++) {
		const struct ers_an_pair *p = &a->pairs[i];
		bool vnet = p->kind == ERS_AN_SITE_VNET;
		struct ers_endpoint site_a = { ERS_EP_SITE, p->a, 0, "probe" };
		struct ers_endpoint other = { vnet ? ERS_EP_VNET : ERS_EP_SITE, p->b, 0, "probe" };
		int ra = live_router(s, down, p->a), rb = vnet ? 0 : live_router(s, down, p->b);

		has[2 * i] = ra >= 0;
		has[2 * i + 1] = rb >= 0;
		if (ra >= 0) {
			struct ers_endpoint from = { ERS_EP_ROUTER, p->a, ra, "probe" };
			fl[(*n)++] = (struct ers_flow){ "probe", from, other, PROBE_RATE, 0 };
		}
		if (rb >= 0) {
			struct ers_endpoint from = other;
			if (!vnet) {
				from.kind = ERS_EP_ROUTER;
				from.router = rb;
			}
			fl[(*n)++] = (struct ers_flow){ "probe", from, site_a, PROBE_RATE, 0 };
		}
	}
}

/* The events that fail target t at VERIFY_AT: one, or one per circuit of
 * a provider. */
static size_t make_events(const struct ers_scenario *s, const struct ers_an_target *t,
			  struct ers_event *ev)
{
	size_t n = 0;

	if (!t)
		return 0;
	if (t->provider < 0) {
		ev[n++] = (struct ers_event){ .action = ERS_ACT_FAIL, .at = VERIFY_AT,
					      .target = t->target };
		return n;
	}
	for (size_t i = 0; i < s->n_circuits; i++)
		if (s->circuits[i].provider == t->provider)
			ev[n++] = (struct ers_event){ .action = ERS_ACT_FAIL, .at = VERIFY_AT,
						      .target = { .kind = ERS_T_CIRCUIT,
								  .text = t->name, .a = (int)i } };
	return n;
}

static int add_dis(struct ers_an_verification *v, const char *target, size_t pair,
		   bool claimed_cut, bool ab, bool ba)
{
	struct ers_an_disagreement *x = realloc(v->dis, (v->n_dis + 1) * sizeof *x);

	if (!x)
		return -1;
	v->dis = x;
	x[v->n_dis] = (struct ers_an_disagreement){ strdup(target), pair, claimed_cut, ab, ba };
	return x[v->n_dis++].target ? 0 : -1;
}

/* Simulate with target ti (-1: nothing) failed; compare every claim. */
static enum ers_err verify_one(const struct ers_analysis *a, const struct ers_scenario *s,
			       const struct ers_catalog *cat, long ti,
			       struct ers_an_verification *v, struct ers_diag *d)
{
	const struct ers_an_target *t = ti >= 0 ? &a->targets[ti] : NULL;
	struct ers_flow *fl = calloc(2 * a->n_pairs + 1, sizeof *fl);
	struct ers_event *ev = calloc(s->n_circuits + 1, sizeof *ev);
	bool *has = calloc(2 * a->n_pairs + 1, sizeof *has);
	struct ers_scenario copy = *s;
	struct ers_run_opts opts = { 0 };
	struct ers_result *r = NULL;
	struct ers_parts down = { 0 };
	enum ers_err rc = ERS_ENOMEM;
	size_t k = 0;

	/* a provider takes circuits only: no router goes down with it */
	if (!fl || !ev || !has ||
	    (t && t->provider < 0 && ers_target_resolve(s, cat, &t->target, &down)))
		goto out;
	make_probes(a, s, &down, fl, has, &copy.n_flows);
	copy.flows = fl;
	copy.n_events = make_events(s, t, ev);
	copy.events = ev;
	copy.has_duration = false;
	rc = ers_run(&copy, cat, &opts, &r, d);
	if (rc)
		goto out;
	v->n_runs++;
	for (size_t i = 0; i < a->n_pairs && !rc; i++) {
		bool ab = has[2 * i] && r->flows[k++].final_reachable;
		bool ba = has[2 * i + 1] && r->flows[k++].final_reachable;
		bool cut = t ? a->cuts[(size_t)ti * a->n_pairs + i] : !a->pairs[i].connected;

		v->n_checks++;
		if (cut == (ab && ba) && add_dis(v, t ? t->name : "(none)", i, cut, ab, ba))
			rc = ERS_ENOMEM;
	}
out:
	ers_parts_free(&down);
	ers_result_free(r);
	free(fl);
	free(ev);
	free(has);
	return rc;
}

static bool cuts_any(const struct ers_analysis *a, size_t t)
{
	for (size_t p = 0; p < a->n_pairs; p++)
		if (a->pairs[p].connected && a->cuts[t * a->n_pairs + p])
			return true;
	return false;
}

/* Which targets to simulate: every one that cuts a pair, then the safe
 * ones, evenly spaced when they do not all fit in max_runs. */
static size_t pick_targets(const struct ers_analysis *a, size_t max_runs, long *out,
			   size_t *skipped)
{
	size_t n = 0, n_safe = 0, budget, k = 0;

	out[n++] = -1;
	for (size_t t = 0; t < a->n_targets; t++) {
		if (a->targets[t].inherent)
			continue;
		if (cuts_any(a, t))
			out[n++] = (long)t;
		else
			n_safe++;
	}
	budget = !max_runs ? n_safe : max_runs > n ? max_runs - n : 0;
	if (budget > n_safe)
		budget = n_safe;
	*skipped = n_safe - budget;
	for (size_t t = 0, i = 0; t < a->n_targets && budget; t++) {
		if (a->targets[t].inherent || cuts_any(a, t))
			continue;
		if (i++ == k * n_safe / budget) {	/* evenly spaced picks */
			out[n++] = (long)t;
			if (++k == budget)
				break;
		}
	}
	return n;
}

enum ers_err ers_analysis_verify(const struct ers_analysis *a,
				 const struct ers_scenario *s,
				 const struct ers_catalog *cat, size_t max_runs,
				 struct ers_an_verification **out, struct ers_diag *d)
{
	struct ers_an_verification *v = calloc(1, sizeof *v);
	long *order = calloc(a->n_targets + 2, sizeof *order);
	enum ers_err rc = ERS_OK;
	size_t n;

	*out = NULL;
	if (!v || !order) {
		rc = ers_diag_add(d, ERS_ENOMEM, s->file, 0, NULL, "out of memory");
		goto out;
	}
	n = pick_targets(a, max_runs, order, &v->n_targets_skipped);
	for (size_t i = 0; i < n && !rc; i++)
		rc = verify_one(a, s, cat, order[i], v, d);
out:
	free(order);
	if (rc) {
		ers_an_verification_free(v);
		return rc;
	}
	*out = v;
	return ERS_OK;
}

void ers_an_verification_free(struct ers_an_verification *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n_dis; i++)
		free(v->dis[i].target);
	free(v->dis);
	free(v);
}
