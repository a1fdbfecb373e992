/*
 * analyze_index.c - Azure's resiliency index before deployment. Azure's
 * Resiliency Insights scores a live ExpressRoute gateway from 0 to 100
 * (facts 7.2): route resiliency (20 points: routes over two distinct
 * peering locations 20, over a Metro circuit 10, over one location 5),
 * multiplied by up to 4 when the Resiliency Validation test ran in the
 * last 30 days; a zone-redundant gateway SKU (10); and no open Advisor
 * recommendations (10). This file computes the same components for each
 * gateway of a design that does not exist yet, and then does what Azure
 * cannot do before deployment: it runs the Resiliency Validation test
 * (facts 7.3: the gateway's connections at one peering location
 * disconnected) in simulation at every location the gateway's circuits
 * land at, and reports how long traffic takes to fail over and whether
 * the circuits left carry it.
 *
 * The route component is the VNet's resiliency class as `analyze` defines
 * it (ers_an_vnet_class: the weakest over the sites that reach it), the
 * test targets are connections restricted to one location, resolved by
 * target.c like any failure; docs/analyze.md says what is simplified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "ersim/expressroute.h"
#include "ersim/result.h"
#include "ersim/run.h"
#include "ersim/target.h"
#include "ersim/util.h"

#define TEST_AT (10 * ERS_S)		/* when the test disconnects */
#define PROBE_RATE 1000000ull		/* probes: 1 Mbps, carry no weight */

/* Facts 7.2, "Route resiliency (20%)". */
static int route_points(enum ers_an_class c)
{
	switch (c) {
	case ERS_AN_CLASS_MAXIMUM:
		return 20;
	case ERS_AN_CLASS_HIGH:
		return 10;
	case ERS_AN_CLASS_STANDARD:
		return 5;
	default:
		return 0;
	}
}

/* Facts 7.2, "Zone-redundant gateway (10%)": Standard and HighPerf 0,
 * UltraPerf 2, the Az SKUs 10 when zone-redundant (8 when pinned to one
 * zone; ersim has no zone setting and takes the redundant deployment). */
/* Facts 7.2: the zone-redundant gateway component. ErGwScale scores like
 * a zonal gateway (8) up to 2 scale units (4 instances) and like a
 * zone-redundant one (10) above. */
static int zone_points(const struct ers_vnet *v)
{
	switch (v->gw_sku) {
	case ERS_GW_ULTRAPERF:
		return 2;
	case ERS_GW_ERGW1AZ:
	case ERS_GW_ERGW2AZ:
	case ERS_GW_ERGW3AZ:
		return 10;
	case ERS_GW_ERGWSCALE:
		return ers_er_gw_units(v) <= 2 ? 8 : 10;
	default:
		return 0;
	}
}

static int add_str(char ***v, size_t *n, const char *x)
{
	char **p;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], x))
			return 0;
	p = realloc(*v, (*n + 1) * sizeof *p);
	if (!p)
		return -1;
	*v = p;
	if (!(p[*n] = strdup(x)))
		return -1;
	(*n)++;
	return 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The peering locations vnet's circuits land at (a Metro circuit's two),
 * sorted. */
static int gateway_locations(const struct ers_scenario *s, const struct ers_catalog *cat,
			     int vnet, struct ers_an_index *x)
{
	const struct ers_vnet *v = &s->vnets[vnet];

	for (size_t j = 0; j < v->n_connections; j++)
		for (int side = 0; side < 2; side++) {
			const char *loc = ers_circuit_side_location(cat,
					&s->circuits[v->connections[j].circuit], side);

			if (loc && add_str(&x->locations, &x->n_locations, loc))
				return -1;
		}
	if (x->n_locations)
		qsort(x->locations, x->n_locations, sizeof *x->locations, cmp_str);
	return 0;
}

static bool lands_at(const struct ers_scenario *s, const struct ers_catalog *cat,
		     const struct ers_connection *cn, const char *loc)
{
	for (int side = 0; side < 2; side++) {
		const char *l = ers_circuit_side_location(cat, &s->circuits[cn->circuit], side);

		if (l && !strcmp(l, loc))
			return true;
	}
	return false;
}

/* The flows the test measures: the scenario's own to or from the VNet,
 * else a probe each way per site the analysis found connected to it. */
static size_t test_flows(const struct ers_analysis *a, const struct ers_scenario *s, int vnet,
			 struct ers_flow *fl, bool *probes)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_flows; i++) {
		const struct ers_flow *f = &s->flows[i];

		if ((f->from.kind == ERS_EP_VNET && f->from.index == vnet) ||
		    (f->to.kind == ERS_EP_VNET && f->to.index == vnet))
			fl[n++] = *f;
	}
	*probes = n == 0;
	for (size_t i = 0; *probes && i < a->n_pairs; i++) {
		const struct ers_an_pair *p = &a->pairs[i];
		struct ers_endpoint site = { ERS_EP_ROUTER, p->a, 0, "probe" };
		struct ers_endpoint gw = { ERS_EP_VNET, vnet, 0, "probe" };

		if (p->kind != ERS_AN_SITE_VNET || p->b != vnet || !p->connected)
			continue;
		fl[n++] = (struct ers_flow){ "probe", site, gw, PROBE_RATE, 0 };
		fl[n++] = (struct ers_flow){ "probe", gw, site, PROBE_RATE, 0 };
	}
	return n;
}

/* Failover: the longest outage of a flow after the disconnect, and
 * whether every flow is delivered again. */
static int read_failover(const struct ers_result *r, struct ers_an_validation *t)
{
	const struct ers_flow_result *slow = NULL;

	t->recovered = true;
	for (size_t i = 0; i < r->n_flows; i++) {
		const struct ers_flow_result *f = &r->flows[i];

		t->recovered &= f->final_reachable;
		if (f->outage > 0 && (!slow || f->outage > slow->outage))
			slow = f;
	}
	t->failover = slow ? slow->outage : 0;
	if (slow && !t->probes && !(t->slowest_flow = strdup(slow->id)))
		return -1;
	return 0;
}

/* Capacity: the busiest circuit link in a run where the connections were
 * down from the start, so that only the backup carries the flows (a
 * flow's peak utilisation covers its whole run). */
static int read_capacity(const struct ers_result *r, struct ers_an_validation *t)
{
	const struct ers_flow_result *busy = NULL;

	for (size_t i = 0; i < r->n_flows; i++) {
		const struct ers_flow_result *f = &r->flows[i];

		if (f->max_utilization_link && (!busy || f->max_utilization > busy->max_utilization))
			busy = f;
	}
	t->peak_utilization = busy ? busy->max_utilization : 0;
	t->enough = t->recovered && !t->probes && t->n_flows && t->peak_utilization <= 1.0;
	if (busy && !(t->busiest_link = strdup(busy->max_utilization_link)))
		return -1;
	return 0;
}

/* Disconnect vnet's connections at t->location at TEST_AT and run until
 * the network is quiet (failover); then again with them disconnected from
 * the start (capacity). */
static enum ers_err run_test(const struct ers_analysis *a, const struct ers_scenario *s,
			     const struct ers_catalog *cat, int vnet, struct ers_an_validation *t,
			     struct ers_diag *d)
{
	const struct ers_vnet *v = &s->vnets[vnet];
	struct ers_flow *fl = calloc(s->n_flows + 2 * a->n_pairs + 1, sizeof *fl);
	struct ers_event *ev = calloc(v->n_connections + 1, sizeof *ev);
	char **text = calloc(v->n_connections + 1, sizeof *text);
	struct ers_scenario copy = *s;
	struct ers_run_opts opts = { 0 };
	struct ers_result *r = NULL;
	enum ers_err rc = ERS_ENOMEM;
	size_t n_ev = 0;

	if (!fl || !ev || !text)
		goto out;
	for (size_t j = 0; j < v->n_connections; j++) {
		const char *cid = s->circuits[v->connections[j].circuit].id;

		if (!lands_at(s, cat, &v->connections[j], t->location))
			continue;
		text[n_ev] = ers_asprintf("connection:%s+%s@%s", v->id, cid, t->location);
		if (!text[n_ev] || add_str(&t->connections, &t->n_connections,
					   text[n_ev] + strlen("connection:")))
			goto out;
		ev[n_ev] = (struct ers_event){ .action = ERS_ACT_FAIL, .at = TEST_AT,
			.target = { .kind = ERS_T_CONNECTION, .text = text[n_ev], .a = vnet,
				    .b = (int)j, .location = t->location } };
		n_ev++;
	}
	copy.n_flows = t->n_flows = test_flows(a, s, vnet, fl, &t->probes);
	copy.flows = fl;
	copy.events = ev;
	copy.n_events = n_ev;
	copy.has_duration = false;
	rc = ers_run(&copy, cat, &opts, &r, d);
	if (rc == ERS_OK && read_failover(r, t))
		rc = ERS_ENOMEM;
	ers_result_free(r);
	r = NULL;
	for (size_t i = 0; i < n_ev; i++)
		ev[i].at = 0;
	if (rc == ERS_OK)
		rc = ers_run(&copy, cat, &opts, &r, d);
	if (rc == ERS_OK && read_capacity(r, t))
		rc = ERS_ENOMEM;
out:
	ers_result_free(r);
	for (size_t i = 0; text && i < n_ev; i++)
		free(text[i]);
	free(text);
	free(fl);
	free(ev);
	return rc;
}

static enum ers_err index_one(struct ers_analysis *a, const struct ers_scenario *s,
			      const struct ers_catalog *cat, int vnet, bool tests,
			      struct ers_an_index *x, struct ers_diag *d)
{
	enum ers_err rc;

	x->vnet = vnet;
	if (!(x->gateway = ers_asprintf("%s/gw", s->vnets[vnet].id)) ||
	    gateway_locations(s, cat, vnet, x))
		return ERS_ENOMEM;
	rc = ers_an_vnet_class(s, cat, (size_t)vnet, &x->route_class, d);
	if (rc)
		return rc;
	x->route_points = route_points(x->route_class);
	x->sku = s->vnets[vnet].gw_sku;
	x->zone_points = zone_points(&s->vnets[vnet]);
	x->advisor_points = 10;
	/* Azure's test needs circuits at two distinct locations (facts 7.3:
	 * the maximum-resiliency model, not Metro yet). */
	x->testable = x->route_class == ERS_AN_CLASS_MAXIMUM;
	x->multiplier = x->testable ? 4 : 1;
	x->score_tested = x->route_points * x->multiplier + x->zone_points + x->advisor_points;
	x->score_untested = x->route_points + x->zone_points + x->advisor_points;
	if (!tests)
		return ERS_OK;
	x->tests_run = true;
	x->tests = calloc(x->n_locations + 1, sizeof *x->tests);
	if (!x->tests)
		return ERS_ENOMEM;
	for (size_t i = 0; i < x->n_locations; i++) {
		struct ers_an_validation *t = &x->tests[x->n_tests++];

		if (!(t->location = strdup(x->locations[i])))
			return ERS_ENOMEM;
		if ((rc = run_test(a, s, cat, vnet, t, d)))
			return rc;
	}
	return ERS_OK;
}

enum ers_err ers_analysis_index(struct ers_analysis *a, const struct ers_scenario *s,
				const struct ers_catalog *cat, bool tests, struct ers_diag *d)
{
	enum ers_err rc = ERS_OK;

	a->index = calloc(s->n_vnets + 1, sizeof *a->index);
	if (!a->index)
		rc = ERS_ENOMEM;
	for (size_t v = 0; rc == ERS_OK && v < s->n_vnets; v++)
		if (s->vnets[v].n_connections)
			rc = index_one(a, s, cat, (int)v, tests, &a->index[a->n_index++], d);
	if (rc == ERS_ENOMEM && !d->n_msgs)
		ers_diag_add(d, rc, s->file, 0, NULL, "out of memory computing the resiliency index");
	return rc;
}

void ers_an_index_release(struct ers_analysis *a)
{
	for (size_t i = 0; i < a->n_index; i++) {
		struct ers_an_index *x = &a->index[i];

		free(x->gateway);
		ers_strv_free(x->locations, x->n_locations);
		for (size_t k = 0; k < x->n_tests; k++) {
			free(x->tests[k].location);
			ers_strv_free(x->tests[k].connections, x->tests[k].n_connections);
			free(x->tests[k].slowest_flow);
			free(x->tests[k].busiest_link);
		}
		free(x->tests);
	}
	free(a->index);
	a->index = NULL;
	a->n_index = 0;
}
