/*
 * batch_exec.c - one run of a batch, from its description to its result
 * document. The scenario of a run is the base scenario's libxml2 document
 * copied, each <vary> value written with XPath, and its <events> replaced
 * by the failure set (kept for mode "none"); the copy is serialised and
 * loaded with ers_scenario_load_mem, so a variant goes through exactly the
 * checks of a scenario file, and a value that breaks a rule fails that run
 * only, with the loader's message.
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

#define RANDOM_STREAM 0x6661696c75726573ULL	/* "failures": a separate RNG stream */

static bool add_event(xmlNodePtr events, const char *action, ers_time_t at,
		      const char *target)
{
	xmlNodePtr n = xmlNewChild(events, NULL, (const xmlChar *)action, NULL);
	char buf[64];

	ers_time_str(at, buf, sizeof buf);
	return n && xmlSetProp(n, (const xmlChar *)"at", (const xmlChar *)buf) &&
	       xmlSetProp(n, (const xmlChar *)"target", (const xmlChar *)target);
}

static bool add_fixed(const struct ers_failures *f, xmlNodePtr events, const char *target)
{
	bool ok = add_event(events, "fail", f->at, target);

	if (ok && f->restore > 0)
		ok = add_event(events, "restore", f->at + f->restore, target);
	return ok;
}

static ers_time_t draw(struct ers_rng *rng, ers_time_t mean)
{
	double t = ers_rng_exp(rng, (double)mean);

	return t < 1 ? 1 : t > 9e18 ? (ers_time_t)9e18 : (ers_time_t)t;
}

/* Alternating failures and repairs of every target over the horizon. */
static bool add_random(const struct ers_failures *f, xmlNodePtr events, uint64_t seed)
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
			ok = add_event(events, "fail", t, f->targets[i]);
			t += draw(&rng, f->mttr);
			if (!ok || t >= end)
				break;
			ok = add_event(events, "restore", t, f->targets[i]);
		}
	}
	return ok;
}

/* Replace the scenario's <events> by run r's failure set. */
static bool set_failures(const struct ers_experiment *e, const struct ers_batch_run *r,
			 xmlDocPtr doc)
{
	const struct ers_failures *f = &e->fail;
	xmlNodePtr root = xmlDocGetRootElement(doc), c, next, events;
	size_t i, j;
	char buf[64];

	for (c = root->children; c; c = next) {
		next = c->next;
		if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, (const xmlChar *)"events")) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
	}
	events = xmlNewChild(root, NULL, (const xmlChar *)"events", NULL);
	if (!events)
		return false;
	switch (f->mode) {
	case ERS_FAIL_PAIRS:
		ers_batch_pair(f->n_targets, r->failure, &i, &j);
		return add_fixed(f, events, f->targets[i]) && add_fixed(f, events, f->targets[j]);
	case ERS_FAIL_RANDOM:
		ers_time_str(f->at + f->horizon, buf, sizeof buf);
		return xmlSetProp(root, (const xmlChar *)"duration", (const xmlChar *)buf) &&
		       add_random(f, events, r->seed);
	default:
		return add_fixed(f, events, f->targets[r->failure]);
	}
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

enum ers_err ers_batch_scenario(const struct ers_experiment *e,
				const struct ers_batch_run *r, char **xml,
				size_t *len, struct ers_diag *d)
{
	xmlDocPtr doc = xmlCopyDoc(e->doc, 1);
	xmlChar *mem = NULL;
	bool ok = doc != NULL;
	int n = 0;

	*xml = NULL;
	*len = 0;
	for (size_t i = 0; ok && i < e->n_vary; i++)
		ok = set_vary(&e->vary[i],
			      e->vary[i].values[ers_experiment_value(e, r->combo, i)], doc);
	if (ok && e->fail.mode != ERS_FAIL_NONE)
		ok = set_failures(e, r, doc);
	if (ok)
		xmlDocDumpMemory(doc, &mem, &n);
	xmlFreeDoc(doc);
	if (!mem)
		return ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL,
				    "out of memory building run %zu", r->id);
	*xml = malloc((size_t)n + 1);
	if (*xml) {
		memcpy(*xml, mem, (size_t)n + 1);
		*len = (size_t)n;
	}
	xmlFree(mem);
	return *xml ? ERS_OK : ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL, "out of memory");
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

/* The database keeps runs, events and flows, not the flows' path
 * histories nor the reachability matrix: leave those out of the document
 * sent back, which the single writer would otherwise parse for nothing
 * (on a batch of short runs that parsing is most of its work). */
static void trim(struct ers_result *r)
{
	for (size_t i = 0; i < r->n_flows; i++) {
		struct ers_flow_result *f = &r->flows[i];
		for (size_t k = 0; k < f->n_paths; k++)
			ers_strv_free(f->paths[k].nodes, f->paths[k].n_nodes);
		free(f->paths);
		f->paths = NULL;
		f->n_paths = 0;
	}
	ers_strv_free(r->endpoints, r->n_endpoints);
	free(r->reach);
	r->endpoints = NULL;
	r->reach = NULL;
	r->n_endpoints = 0;
}

enum ers_err ers_batch_exec(const struct ers_experiment *e,
			    const struct ers_batch_run *r, char **json,
			    size_t *len, struct ers_diag *d)
{
	struct ers_run_opts opts = { .has_seed = true, .seed = r->seed };
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_result *res = NULL;
	char *xml = NULL;
	size_t xlen = 0;
	FILE *mem = NULL;
	enum ers_err rc;

	*json = NULL;
	*len = 0;
	rc = ers_batch_scenario(e, r, &xml, &xlen, d);
	if (rc == ERS_OK)
		rc = open_variant(e, xml, xlen, &s, &cat, d);
	if (rc == ERS_OK)
		rc = ers_run(s, cat, &opts, &res, d);
	if (rc == ERS_OK)
		trim(res);
	if (rc == ERS_OK && !(mem = open_memstream(json, len)))
		rc = ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL, "out of memory");
	if (rc == ERS_OK)
		rc = ers_result_write_json(res, mem);
	if (mem && fclose(mem) && rc == ERS_OK)
		rc = ers_diag_add(d, ERS_ENOMEM, e->scenario, 0, NULL, "out of memory");
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
