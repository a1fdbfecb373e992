/*
 * batch_exp.c - the experiment file of `ersim batch` (docs/batch.md):
 * parsed with libxml2, validated against scenarios/experiment.rng
 * (embedded by the Makefile), then resolved against its base scenario:
 * every <vary> XPath must select attributes (or the element that will
 * hold a missing one), failure targets are the scenario's objects whose
 * target text matches a pattern, measures name result fields.
 *
 * It also owns the expansion. Runs are numbered combination-major, then
 * failure set, then repetition: id = (combo * n_failsets + failure) *
 * repetitions + rep, so a run description is computed from its id alone
 * and every worker, shard or MPI rank agrees on it. Seeds derive from the
 * run's key (its parameter values, failure set and repetition), not from
 * its id, so the seed of a run does not change when values are added to a
 * sweep. libxml2 types stay in this file and batch_exec.c.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "embed.h"
#include "ersim/batch.h"
#include "ersim/batch_int.h"
#include "ersim/result.h"
#include "ersim/rng.h"
#include "ersim/scenario.h"
#include "ersim/units.h"
#include "ersim/util.h"

/* ---- small helpers ---- */

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static bool is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, (const xmlChar *)name);
}

uint64_t ers_batch_seed(uint64_t exp_seed, const char *key)
{
	return ers_rng_mix(exp_seed ^ ers_fnv1a64(ERS_FNV64_INIT, key, strlen(key)));
}

/* Append s to a growing array of strings; false when out of memory. */
static bool strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof **v);

	if (!nv)
		return false;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return false;
	(*n)++;
	return true;
}

static bool strv_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* Read a whole file; *buf is NUL-terminated (free). */
/*
 * The whole file, refused beyond the scenario loader's 256 MiB (so an
 * experiment or its scenario cannot fill memory) and when it is a device
 * or a directory: /dev/zero never ends, /dev/tty waits for a user.
 */
#define MAX_FILE_SIZE ((size_t)256 << 20)

static enum ers_err slurp(const char *path, char **buf, size_t *len, struct ers_diag *d)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	char *b = NULL, *nb;
	struct stat st;
	enum ers_err rc = ERS_OK;

	*buf = NULL;
	if (!f)
		return ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot read '%s': %s",
				    path, strerror(errno));
	if (fstat(fileno(f), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ||
					   S_ISDIR(st.st_mode))) {
		rc = ers_diag_add(d, ERS_EINVAL, path, 0, "name an XML file",
				  "cannot read '%s': not a regular file", path);
		goto out;
	}
	b = malloc(cap);
	while (b && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n > MAX_FILE_SIZE) {
			rc = ers_diag_add(d, ERS_ELIMIT, path, 0, NULL,
					  "cannot read '%s': file too large (more than 256 MiB)", path);
			goto out;
		}
		if (cap - n - 1 == 0) {
			nb = realloc(b, cap * 2);
			if (!nb)
				free(b);
			b = nb;
			cap *= 2;
		}
	}
	if (!b) {
		rc = ers_diag_add(d, ERS_ENOMEM, path, 0, NULL, "out of memory reading '%s'", path);
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
out:
	free(b);
	fclose(f);
	return rc;
}

/* ---- parsing ---- */

/* Parser state: the first error is reported (libxml2 cascades), and a
 * DOCTYPE is refused when met, before any entity in it is declared, so
 * an entity bomb is never expanded. */
struct pstate {
	struct ers_diag *d;
	const char *file;
	bool reported;
};

static void report_parse(struct pstate *p, long line, const char *hint, const char *fmt,
			 const char *arg)
{
	if (p->reported)
		return;
	p->reported = true;
	ers_diag_add(p->d, ERS_EXML, p->file, line, hint, fmt, arg);
}

#if LIBXML_VERSION >= 21200
static void parse_error(void *ctx, const xmlError *e)
#else
static void parse_error(void *ctx, xmlErrorPtr e)
#endif
{
	xmlParserCtxtPtr ctxt = ctx;
	struct pstate *p = ctxt->_private;
	char msg[300];
	size_t n;

	if (!e || e->level < XML_ERR_ERROR)
		return;
	if (e->message && strstr(e->message, "Excessive depth")) {
		report_parse(p, e->line, "flatten the document",
			     "elements nest too deeply (more than %s levels)", "256");
		return;
	}
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "cannot parse");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] - 'A' + 'a');
	report_parse(p, e->line, NULL, "malformed XML: %s", msg);
}

static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
			   const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct pstate *p = ctxt->_private;

	(void)name, (void)ext, (void)sys;
	report_parse(p, ctxt->input ? ctxt->input->line : 0,
		     "experiment files take no DTD; remove the <!DOCTYPE ...> declaration",
		     "%s are not allowed: entities are never expanded",
		     "document type declarations (<!DOCTYPE>)");
	xmlStopParser(ctxt);
}

/* bytes as a tree, or NULL with the reason at its line in d. */
static xmlDocPtr parse_xml(const char *bytes, size_t len, const char *file,
			   struct ers_diag *d)
{
	struct pstate p = { d, file, false };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc = NULL;

	if (len > (size_t)INT_MAX) {
		ers_diag_add(d, ERS_ELIMIT, file, 0, NULL, "file too large");
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		ers_diag_add(d, ERS_ENOMEM, file, 0, NULL, "out of memory");
		return NULL;
	}
	ctxt->_private = &p;
	ctxt->sax->internalSubset = refuse_doctype;
	ctxt->sax->serror = parse_error;
	doc = xmlCtxtReadMemory(ctxt, bytes, (int)len, file, NULL,
				XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	if (doc && (p.reported || doc->intSubset)) {
		report_parse(&p, 0, NULL, "%s are not allowed", "document type declarations");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc)
		report_parse(&p, 0, NULL, "malformed XML: %s", "cannot parse");
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* ---- schema ---- */

struct vctx {
	struct ers_diag *d;
	const char *file;
};

#if LIBXML_VERSION >= 21200
static void xml_error(void *ctx, const xmlError *e)
#else
static void xml_error(void *ctx, xmlErrorPtr e)
#endif
{
	struct vctx *v = ctx;
	char msg[300];
	size_t n;

	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '.'))
		msg[--n] = '\0';
	if (n)
		msg[0] = (char)((msg[0] >= 'A' && msg[0] <= 'Z') ? msg[0] + 32 : msg[0]);
	ers_diag_add(v->d, ERS_ESCHEMA, v->file, e->line, NULL, "%s", msg);
}

static enum ers_err validate(xmlDocPtr doc, const char *file, struct ers_diag *d)
{
	struct vctx v = { d, file };
	xmlRelaxNGParserCtxtPtr pctxt;
	xmlRelaxNGValidCtxtPtr vctxt = NULL;
	xmlRelaxNGPtr schema = NULL;
	enum ers_err rc = ERS_EINTERNAL;
	int r;

	pctxt = xmlRelaxNGNewMemParserCtxt((const char *)ers_experiment_rng,
					   (int)ers_experiment_rng_len);
	if (pctxt)
		schema = xmlRelaxNGParse(pctxt);
	xmlRelaxNGFreeParserCtxt(pctxt);
	if (schema)
		vctxt = xmlRelaxNGNewValidCtxt(schema);
	if (!vctxt) {
		ers_diag_add(d, ERS_EINTERNAL, file, 0, NULL,
			     "cannot compile the experiment schema");
		goto out;
	}
	xmlRelaxNGSetValidStructuredErrors(vctxt, xml_error, &v);
	r = xmlRelaxNGValidateDoc(vctxt, doc);
	if (r == 0)
		rc = ERS_OK;
	else if (r > 0)
		rc = d->first != ERS_OK ? d->first :
			ers_diag_add(d, ERS_ESCHEMA, file, 0, NULL, "not a valid experiment");
	else
		ers_diag_add(d, ERS_EINTERNAL, file, 0, NULL, "schema validation failed");
out:
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlRelaxNGFree(schema);
	return rc;
}

/* ---- <vary> ---- */

/* Values of from/to/step: decimal numbers, each value printed with unit. */
static enum ers_err vary_range(struct ers_experiment *e, struct ers_vary *v,
			       xmlNodePtr n, struct ers_diag *d)
{
	char *from = prop(n, "from"), *to = prop(n, "to"), *step = prop(n, "step");
	char *unit = prop(n, "unit"), buf[128];
	double a = from ? strtod(from, NULL) : 0, b = to ? strtod(to, NULL) : 0;
	double st = step ? strtod(step, NULL) : 0;
	enum ers_err rc = ERS_OK;
	size_t count;

	if (!(st > 0) || b < a) {
		rc = ers_diag_add(d, ERS_EINVAL, e->file, v->line,
				  "write from <= to and a positive step",
				  "empty range from '%s' to '%s' step '%s' in <vary>",
				  from ? from : "", to ? to : "", step ? step : "");
		goto out;
	}
	count = (size_t)floor((b - a) / st + 1e-9) + 1;
	if (count > 100000) {
		rc = ers_diag_add(d, ERS_ELIMIT, e->file, v->line, NULL,
				  "range of %zu values in <vary> (at most 100000)", count);
		goto out;
	}
	for (size_t i = 0; i < count && rc == ERS_OK; i++) {
		snprintf(buf, sizeof buf, "%.12g%s", a + (double)i * st, unit ? unit : "");
		if (!strv_push(&v->values, &v->n_values, buf))
			rc = ers_diag_add(d, ERS_ENOMEM, e->file, v->line, NULL, "out of memory");
	}
out:
	free(from); free(to); free(step); free(unit);
	return rc;
}

static enum ers_err vary_values(struct ers_experiment *e, struct ers_vary *v,
				const char *list, struct ers_diag *d)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		return ers_diag_add(d, ERS_ENOMEM, e->file, v->line, NULL, "out of memory");
	for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
		if (!strv_push(&v->values, &v->n_values, t)) {
			free(copy);
			return ers_diag_add(d, ERS_ENOMEM, e->file, v->line, NULL, "out of memory");
		}
	}
	free(copy);
	if (!v->n_values)
		return ers_diag_add(d, ERS_EINVAL, e->file, v->line, NULL,
				    "<vary> has no values");
	return ERS_OK;
}

/* XPath errors go here instead of libxml2's raw "XPath error" on stderr;
 * the first is kept (lower-cased, without its newline) in ctx. */
#if LIBXML_VERSION >= 21200
static void xpath_error(void *ctx, const xmlError *e)
#else
static void xpath_error(void *ctx, xmlErrorPtr e)
#endif
{
	char *why = ctx;
	size_t n;

	if (!why || why[0] || !e)
		return;
	snprintf(why, 128, "%s", e->message ? e->message : "invalid expression");
	n = strlen(why);
	while (n && (why[n - 1] == '\n' || why[n - 1] == ' '))
		why[--n] = '\0';
	if (why[0] >= 'A' && why[0] <= 'Z')
		why[0] = (char)(why[0] - 'A' + 'a');
}

/* Does xpath compile? If not, why[128] says why. */
static bool xpath_compiles(xmlDocPtr doc, const char *xpath, char *why)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathCompExprPtr c;

	why[0] = '\0';
	if (!ctx)
		return snprintf(why, 128, "out of memory"), false;
	ctx->error = xpath_error;
	ctx->userData = why;
	c = xmlXPathCtxtCompile(ctx, (const xmlChar *)xpath);
	xmlXPathFreeCompExpr(c);
	xmlXPathFreeContext(ctx);
	if (!c && !why[0])
		snprintf(why, 128, "invalid expression");
	return c != NULL;
}

xmlXPathObjectPtr ers_batch_xpath(xmlDocPtr doc, const char *xpath, char **attr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = NULL;
	const char *at = strrchr(xpath, '@');
	char *parent;

	*attr = NULL;
	if (!ctx)
		return NULL;
	ctx->error = xpath_error;	/* silent: read_vary() checked the syntax */
	ctx->userData = NULL;
	o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	if (o && o->type == XPATH_NODESET && !xmlXPathNodeSetIsEmpty(o->nodesetval))
		goto out;
	if (!at || at == xpath || at[-1] != '/' || strpbrk(at, "[]/()*"))
		goto out;
	parent = strndup(xpath, (size_t)(at - xpath - 1));
	*attr = strdup(at + 1);
	if (parent && *attr) {
		xmlXPathFreeObject(o);
		o = xmlXPathEvalExpression((const xmlChar *)parent, ctx);
	}
	free(parent);
out:
	xmlXPathFreeContext(ctx);
	return o;
}

/* True if o selects at least one node vary can set. */
static bool xpath_usable(xmlXPathObjectPtr o, const char *attr)
{
	if (!o || o->type != XPATH_NODESET || xmlXPathNodeSetIsEmpty(o->nodesetval))
		return false;
	for (int i = 0; i < o->nodesetval->nodeNr; i++) {
		xmlNodePtr n = o->nodesetval->nodeTab[i];

		if (attr ? n->type != XML_ELEMENT_NODE : n->type != XML_ATTRIBUTE_NODE)
			return false;
	}
	return true;
}

static enum ers_err read_vary(struct ers_experiment *e, xmlNodePtr n, struct ers_diag *d)
{
	struct ers_vary *nv = realloc(e->vary, (e->n_vary + 1) * sizeof *nv), *v;
	char *values, *attr = NULL, why[128];
	xmlXPathObjectPtr o;
	enum ers_err rc;

	if (!nv)
		return ers_diag_add(d, ERS_ENOMEM, e->file, 0, NULL, "out of memory");
	e->vary = nv;
	v = &nv[e->n_vary++];
	memset(v, 0, sizeof *v);
	v->line = xmlGetLineNo(n);
	v->xpath = prop(n, "xpath");
	v->name = prop(n, "name");
	if (!v->name)
		v->name = xstrdup(v->xpath);
	if (!v->xpath || !v->name)
		return ers_diag_add(d, ERS_ENOMEM, e->file, v->line, NULL, "out of memory");
	values = prop(n, "values");
	rc = values ? vary_values(e, v, values, d) : vary_range(e, v, n, d);
	free(values);
	if (rc != ERS_OK)
		return rc;
	if (!xpath_compiles(e->doc, v->xpath, why))
		return ers_diag_add(d, ERS_EINVAL, e->file, v->line,
				    "write an XPath 1.0 path such as /scenario/defaults/bfd/@interval",
				    "invalid xpath '%s' on <vary>: %s", v->xpath, why);
	o = ers_batch_xpath(e->doc, v->xpath, &attr);
	if (!xpath_usable(o, attr))
		rc = ers_diag_add(d, ERS_EINVAL, e->file, v->line,
				  "address attributes, as /scenario/defaults/bfd/@enabled",
				  "xpath '%s' selects no attribute of '%s'", v->xpath, e->scenario);
	xmlXPathFreeObject(o);
	free(attr);
	return rc;
}

/* ---- failure targets ---- */

/* Every target the scenario offers, in scenario order, without repeats. */
static bool candidates(const struct ers_scenario *s, const struct ers_catalog *cat,
		       char ***v, size_t *n)
{
	char buf[512];
	bool ok = true;

#define ADD(...) do { snprintf(buf, sizeof buf, __VA_ARGS__); \
	if (!strv_has(*v, *n, buf)) ok = ok && strv_push(v, n, buf); } while (0)
	for (size_t i = 0; i < s->n_circuits; i++) {
		const struct ers_circuit *c = &s->circuits[i];
		const struct ers_metro *m = ers_catalog_metro(cat, c->location);
		const char *la = m ? m->locations[0] : c->location;
		const char *lb = m ? m->locations[1] : c->location;

		ADD("link:%s/primary", c->id);
		ADD("link:%s/secondary", c->id);
		ADD("circuit:%s", c->id);
		ADD("msee:%s-%d/a", la, c->msee_pair);
		ADD("msee:%s-%d/b", lb, c->msee_pair);
		ADD("msee-pair:%s-%d", la, c->msee_pair);
		ADD("location:%s", la);
		ADD("location:%s", lb);
	}
	for (size_t i = 0; i < s->n_sites; i++) {
		for (size_t r = 0; r < s->sites[i].n_routers; r++)
			ADD("router:%s", s->sites[i].routers[r].full_id);
		ADD("site:%s", s->sites[i].id);
	}
	for (size_t i = 0; i < s->n_vnets; i++) {
		const struct ers_vnet *vn = &s->vnets[i];

		ADD("gateway:%s", vn->id);
		ADD("region:%s", vn->region);
		for (size_t k = 0; k < vn->n_connections; k++)
			ADD("connection:%s+%s", vn->id, s->circuits[vn->connections[k].circuit].id);
	}
	for (size_t i = 0; i < s->n_site_links; i++) {
		const struct ers_site_link *l = &s->site_links[i];

		ADD("site-link:%s+%s", s->sites[l->a.site].routers[l->a.router].full_id,
		    s->sites[l->b.site].routers[l->b.router].full_id);
	}
	for (size_t i = 0; i < s->n_vpns; i++)
		ADD("vpn:%s", s->vpns[i].id);
	for (size_t i = 0; i < s->n_global_reach; i++)
		ADD("global-reach:%s+%s", s->circuits[s->global_reach[i].a].id,
		    s->circuits[s->global_reach[i].b].id);
	for (size_t i = 0; i < s->n_srlgs; i++)
		ADD("srlg:%s", s->srlgs[i].id);
#undef ADD
	return ok;
}

static bool matches(const char *patterns, const char *text)
{
	char *copy = strdup(patterns), *save = NULL;
	bool hit = false;

	if (!copy)
		return false;
	for (char *t = strtok_r(copy, " \t\n", &save); t && !hit; t = strtok_r(NULL, " \t\n", &save))
		hit = !fnmatch(t, text, 0);
	free(copy);
	return hit;
}

/* The scenario's bound on timeline times (docs/scenario-format.md
 * "Ranges"); a random model's run lasts at + horizon, which must fit too. */
#define MAX_TIMELINE (8760LL * 3600 * ERS_S)
/* Expected failure and repair events of one random run. */
#define MAX_RANDOM_EVENTS 100000.0

static enum ers_err parse_time_attr(struct ers_experiment *e, xmlNodePtr n,
				    const char *name, ers_time_t *out, struct ers_diag *d)
{
	char *v = prop(n, name);
	const char *why = NULL;
	enum ers_err rc = ERS_OK;

	if (v && ers_parse_time(v, out, &why) != ERS_OK)
		rc = ers_diag_add(d, ERS_EINVAL, e->file, xmlGetLineNo(n), NULL,
				  "invalid %s '%s' on <failures>: %s", name, v, why);
	else if (v && *out > MAX_TIMELINE)
		rc = ers_diag_add(d, ERS_EINVAL, e->file, xmlGetLineNo(n),
				  "see \"Ranges\" in docs/scenario-format.md",
				  "'%s' on <failures> is out of range: at most 8760h", name);
	free(v);
	return rc;
}

/*
 * Bound the work of one run: the timeline must fit the scenario's range,
 * and a random model must not ask for millions of events (mtbf="1ns"
 * over an hour is billions). A random target fails and is repaired on
 * average every mtbf + mttr, two events each time.
 */
static enum ers_err check_work(struct ers_experiment *e, struct ers_diag *d)
{
	const struct ers_failures *f = &e->fail;
	double events;

	if (f->at + (f->mode == ERS_FAIL_RANDOM ? f->horizon : f->restore) > MAX_TIMELINE)
		return ers_diag_add(d, ERS_EINVAL, e->file, f->line,
				    "see \"Ranges\" in docs/scenario-format.md",
				    "<failures> runs past 8760h: at + %s must be at most 8760h",
				    f->mode == ERS_FAIL_RANDOM ? "horizon" : "restore");
	if (f->mode != ERS_FAIL_RANDOM)
		return ERS_OK;
	events = 2.0 * (double)f->n_targets * (double)f->horizon /
		 ((double)f->mtbf + (double)f->mttr);
	if (events > MAX_RANDOM_EVENTS)
		return ers_diag_add(d, ERS_ELIMIT, e->file, f->line,
				    "raise mtbf and mttr, shorten horizon or match fewer targets",
				    "<failures mode=\"random\"> expects %.3g failure and repair events "
				    "per run (%zu targets over the horizon); at most %.0f",
				    events, f->n_targets, MAX_RANDOM_EVENTS);
	return ERS_OK;
}

static const char *const mode_names[] = { "none", "each", "pairs", "srlg", "random" };

static enum ers_err read_failures(struct ers_experiment *e, xmlNodePtr n,
				  const struct ers_scenario *s,
				  const struct ers_catalog *cat, struct ers_diag *d)
{
	struct ers_failures *f = &e->fail;
	char *mode = prop(n, "mode"), *pat = prop(n, "targets"), **all = NULL;
	size_t n_all = 0;
	enum ers_err rc = ERS_OK;

	f->line = xmlGetLineNo(n);
	for (int m = 1; m < 5; m++)
		if (mode && !strcmp(mode, mode_names[m]))
			f->mode = (enum ers_fail_mode)m;
	if (!pat)
		pat = strdup(f->mode == ERS_FAIL_SRLG ? "srlg:*" : "link:*");
	rc = parse_time_attr(e, n, "at", &f->at, d);
	if (rc == ERS_OK) rc = parse_time_attr(e, n, "restore", &f->restore, d);
	if (rc == ERS_OK) rc = parse_time_attr(e, n, "mtbf", &f->mtbf, d);
	if (rc == ERS_OK) rc = parse_time_attr(e, n, "mttr", &f->mttr, d);
	if (rc == ERS_OK) rc = parse_time_attr(e, n, "horizon", &f->horizon, d);
	if (rc != ERS_OK)
		goto out;
	if (f->mode == ERS_FAIL_RANDOM && (f->mtbf <= 0 || f->mttr <= 0 || f->horizon <= 0)) {
		rc = ers_diag_add(d, ERS_EINVAL, e->file, f->line, NULL,
				  "<failures mode=\"random\"> needs positive mtbf, mttr and horizon");
		goto out;
	}
	if (!pat || !candidates(s, cat, &all, &n_all)) {
		rc = ers_diag_add(d, ERS_ENOMEM, e->file, f->line, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_all && rc == ERS_OK; i++) {
		if (f->mode == ERS_FAIL_SRLG && strncmp(all[i], "srlg:", 5))
			continue;
		if (matches(pat, all[i]) && !strv_push(&f->targets, &f->n_targets, all[i]))
			rc = ers_diag_add(d, ERS_ENOMEM, e->file, f->line, NULL, "out of memory");
	}
	if (rc == ERS_OK && !f->n_targets)
		rc = ers_diag_add(d, ERS_EINVAL, e->file, f->line,
				  "targets are patterns such as 'link:*' or 'circuit:er-*'",
				  "no target of '%s' matches '%s'", e->scenario, pat);
	if (rc == ERS_OK)
		rc = check_work(e, d);
out:
	ers_strv_free(all, n_all);
	free(mode);
	free(pat);
	return rc;
}

/* ---- <measure> ---- */

static const struct {
	const char *metric;
	enum ers_measure_scope scope;
	const char *column;
} metric_table[] = {
	{ "flow.outage_s", ERS_MEASURE_FLOW, "outage_s" },
	{ "flow.down_s", ERS_MEASURE_FLOW, "down_s" },
	{ "flow.lost_bytes", ERS_MEASURE_FLOW, "lost_bytes" },
	{ "flow.max_utilization", ERS_MEASURE_FLOW, "max_utilization" },
	{ "flow.final_reachable", ERS_MEASURE_FLOW, "final_reachable" },
	{ "event.detected_s", ERS_MEASURE_EVENT, "detected_s" },
	{ "event.converged_s", ERS_MEASURE_EVENT, "converged_s" },
	{ "event.convergence_s", ERS_MEASURE_EVENT, "convergence_s" },
	{ "event.updates", ERS_MEASURE_EVENT, "updates" },
	{ "event.withdrawals", ERS_MEASURE_EVENT, "withdrawals" },
	{ "run.initial_convergence_s", ERS_MEASURE_RUN, "initial_convergence_s" },
	{ "run.end_s", ERS_MEASURE_RUN, "end_s" },
	{ "run.events_processed", ERS_MEASURE_RUN, "events_processed" },
	{ "run.messages", ERS_MEASURE_RUN, "messages" },
	{ "run.updates", ERS_MEASURE_RUN, "updates" },
};

bool ers_batch_measure_parse(const char *text, struct ers_measure *m)
{
	const char *sp = strchr(text, ' ');
	size_t len = sp ? (size_t)(sp - text) : strlen(text);

	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < sizeof metric_table / sizeof metric_table[0]; i++) {
		if (strlen(metric_table[i].metric) != len || strncmp(metric_table[i].metric, text, len))
			continue;
		m->metric = strdup(metric_table[i].metric);
		m->scope = metric_table[i].scope;
		m->column = metric_table[i].column;
		m->flow = sp ? strdup(sp + 1) : NULL;
		return m->metric && (!sp || m->flow);
	}
	return false;
}

static enum ers_err add_measure(struct ers_experiment *e, const char *metric,
				const char *flow, struct ers_diag *d)
{
	struct ers_measure *nm = realloc(e->measures, (e->n_measures + 1) * sizeof *nm);
	size_t len = e->measures_text ? strlen(e->measures_text) : 0;
	char line[256], *nt;

	if (!nm)
		return ers_diag_add(d, ERS_ENOMEM, e->file, 0, NULL, "out of memory");
	e->measures = nm;
	snprintf(line, sizeof line, "%s%s%s", metric, flow ? " " : "", flow ? flow : "");
	if (!ers_batch_measure_parse(line, &nm[e->n_measures]))
		return ers_diag_add(d, ERS_EINVAL, e->file, 0, NULL, "unknown metric '%s'", metric);
	e->n_measures++;
	nt = realloc(e->measures_text, len + strlen(line) + 2);
	if (!nt)
		return ers_diag_add(d, ERS_ENOMEM, e->file, 0, NULL, "out of memory");
	e->measures_text = nt;
	sprintf(nt + len, "%s\n", line);
	return ERS_OK;
}

static enum ers_err read_measure(struct ers_experiment *e, xmlNodePtr n,
				 const struct ers_scenario *s, struct ers_diag *d)
{
	char *metric = prop(n, "metric"), *flow = prop(n, "flow");
	enum ers_err rc = ERS_OK;
	bool known = !flow;

	for (size_t i = 0; flow && i < s->n_flows; i++)
		known = known || !strcmp(s->flows[i].id, flow);
	if (!known)
		rc = ers_diag_add(d, ERS_EINVAL, e->file, xmlGetLineNo(n), NULL,
				  "unknown flow '%s' in <measure> ('%s' has no such flow)",
				  flow, e->scenario);
	else if (metric)
		rc = add_measure(e, metric, flow, d);
	free(metric);
	free(flow);
	return rc;
}

/* ---- the experiment ---- */

static char *resolve_path(const char *exp_file, const char *rel)
{
	const char *slash = strrchr(exp_file, '/');
	size_t dir = slash ? (size_t)(slash - exp_file) + 1 : 0;
	char *p;

	if (rel[0] == '/' || !dir)
		return strdup(rel);
	p = malloc(dir + strlen(rel) + 1);
	if (p) {
		memcpy(p, exp_file, dir);
		strcpy(p + dir, rel);
	}
	return p;
}

static enum ers_err read_top(struct ers_experiment *e, xmlNodePtr root, struct ers_diag *d)
{
	char *seed = prop(root, "seed"), *reps = prop(root, "repetitions"), *sc;
	const char *why = NULL;
	enum ers_err rc = ERS_OK;
	uint64_t v;

	e->name = prop(root, "name");
	sc = prop(root, "scenario");
	e->seed = 1;
	e->repetitions = 1;
	if (sc)
		e->scenario = resolve_path(e->file, sc);
	if (!e->name || !e->scenario)
		rc = ers_diag_add(d, ERS_ENOMEM, e->file, 0, NULL, "out of memory");
	else if (seed && ers_parse_uint(seed, 0, UINT64_MAX, &e->seed, &why) != ERS_OK)
		rc = ers_diag_add(d, ERS_EINVAL, e->file, xmlGetLineNo(root), NULL,
				  "invalid seed '%s': %s", seed, why);
	else if (reps && ers_parse_uint(reps, 1, 1000000, &v, &why) != ERS_OK)
		rc = ers_diag_add(d, ERS_EINVAL, e->file, xmlGetLineNo(root), NULL,
				  "invalid repetitions '%s': %s", reps, why);
	else if (reps)
		e->repetitions = (unsigned)v;
	free(seed);
	free(reps);
	free(sc);
	return rc;
}

/* Open the base scenario: bytes (for the hash), libxml2 document (for
 * <vary>) and checked model (for targets and flows). */
static enum ers_err open_base(struct ers_experiment *e, struct ers_scenario **s,
			      struct ers_catalog **cat, char **bytes, size_t *len,
			      struct ers_diag *d)
{
	enum ers_err rc = slurp(e->scenario, bytes, len, d);

	if (rc != ERS_OK)
		return rc;
	rc = ers_scenario_open(e->scenario, s, cat, d);
	if (rc != ERS_OK)
		return rc;
	e->doc = xmlReadMemory(*bytes, (int)*len, e->scenario, NULL,
			       XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
			       XML_PARSE_NOWARNING);
	if (!e->doc)
		return ers_diag_add(d, ERS_EXML, e->scenario, 0, NULL, "cannot parse '%s'",
				    e->scenario);
	if (!(e->builtin = ers_catalog_builtin()))
		return ers_diag_add(d, ERS_ENOMEM, e->file, 0, NULL, "out of memory");
	return ERS_OK;
}

static enum ers_err read_children(struct ers_experiment *e, xmlNodePtr root,
				  const struct ers_scenario *s,
				  const struct ers_catalog *cat, struct ers_diag *d)
{
	enum ers_err rc = ERS_OK;

	for (xmlNodePtr c = root->children; c && rc == ERS_OK; c = c->next) {
		if (is_elem(c, "vary"))
			rc = read_vary(e, c, d);
		else if (is_elem(c, "failures"))
			rc = read_failures(e, c, s, cat, d);
		else if (is_elem(c, "measure"))
			rc = read_measure(e, c, s, d);
	}
	if (rc == ERS_OK && !e->n_measures) {
		rc = add_measure(e, "flow.outage_s", NULL, d);
		if (rc == ERS_OK)
			rc = add_measure(e, "flow.lost_bytes", NULL, d);
		if (rc == ERS_OK)
			rc = add_measure(e, "event.convergence_s", NULL, d);
	}
	return rc;
}

/* Sizes of the expansion, refusing more than 2^32 runs. */
static enum ers_err count_runs(struct ers_experiment *e, struct ers_diag *d)
{
	double total, combos = 1;
	size_t n = e->fail.n_targets;

	for (size_t i = 0; i < e->n_vary; i++)
		combos *= (double)e->vary[i].n_values;	/* no size_t wrap-around */
	if (combos > 4294967295.0)
		return ers_diag_add(d, ERS_ELIMIT, e->file, 0, NULL,
				    "experiment has %.3g combinations of values (at most 4294967295)",
				    combos);
	e->n_combos = (size_t)combos;
	switch (e->fail.mode) {
	case ERS_FAIL_EACH: case ERS_FAIL_SRLG: e->n_failsets = n; break;
	case ERS_FAIL_PAIRS: e->n_failsets = n * (n - 1) / 2; break;
	default: e->n_failsets = 1; break;
	}
	total = (double)e->n_combos * (double)e->n_failsets * e->repetitions;
	if (total > 4294967295.0)
		return ers_diag_add(d, ERS_ELIMIT, e->file, 0, NULL,
				    "experiment has %.0f runs (at most 4294967295)", total);
	if (total < 1)
		return ers_diag_add(d, ERS_EINVAL, e->file, e->fail.line, NULL,
				    "experiment has no runs (pairs need two targets)");
	e->n_runs = (size_t)total;
	return ERS_OK;
}

enum ers_err ers_experiment_load(const char *path, struct ers_experiment **out,
				 struct ers_diag *d)
{
	struct ers_experiment *e = calloc(1, sizeof *e);
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	char *ebytes = NULL, *sbytes = NULL;
	size_t elen = 0, slen = 0;
	xmlDocPtr doc = NULL;
	enum ers_err rc;

	*out = NULL;
	if (!e || !(e->file = strdup(path))) {
		rc = ers_diag_add(d, ERS_ENOMEM, path, 0, NULL, "out of memory");
		goto out;
	}
	e->fail.at = ERS_BATCH_DEFAULT_AT;
	rc = slurp(path, &ebytes, &elen, d);
	if (rc != ERS_OK)
		goto out;
	doc = parse_xml(ebytes, elen, path, d);
	if (!doc) {
		rc = ERS_EXML;
		goto out;
	}
	rc = validate(doc, path, d);
	if (rc == ERS_OK)
		rc = read_top(e, xmlDocGetRootElement(doc), d);
	if (rc == ERS_OK)
		rc = open_base(e, &s, &cat, &sbytes, &slen, d);
	if (rc == ERS_OK)
		rc = read_children(e, xmlDocGetRootElement(doc), s, cat, d);
	if (rc == ERS_OK)
		rc = count_runs(e, d);
	e->hash = ers_fnv1a64(ers_fnv1a64(ERS_FNV64_INIT, ebytes, elen), sbytes ? sbytes : "", slen);
out:
	xmlFreeDoc(doc);
	free(ebytes);
	free(sbytes);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	if (rc == ERS_OK)
		*out = e;
	else
		ers_experiment_free(e);
	return rc;
}

void ers_experiment_free(struct ers_experiment *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_vary; i++) {
		free(e->vary[i].name);
		free(e->vary[i].xpath);
		ers_strv_free(e->vary[i].values, e->vary[i].n_values);
	}
	free(e->vary);
	for (size_t i = 0; i < e->n_measures; i++) {
		free(e->measures[i].metric);
		free(e->measures[i].flow);
	}
	free(e->measures);
	free(e->measures_text);
	ers_strv_free(e->fail.targets, e->fail.n_targets);
	ers_catalog_free(e->builtin);
	xmlFreeDoc(e->doc);
	free(e->file);
	free(e->name);
	free(e->scenario);
	free(e);
}

/* ---- expansion ---- */

size_t ers_experiment_value(const struct ers_experiment *e, size_t combo, size_t v)
{
	/* mixed radix, the last <vary> varying fastest */
	for (size_t i = e->n_vary; i-- > v + 1;)
		combo /= e->vary[i].n_values;
	return combo % e->vary[v].n_values;
}

void ers_experiment_run(const struct ers_experiment *e, size_t id,
			struct ers_batch_run *out)
{
	char *key;

	memset(out, 0, sizeof *out);
	out->id = id;
	out->repetition = (unsigned)(id % e->repetitions);
	out->failure = id / e->repetitions % e->n_failsets;
	out->combo = id / e->repetitions / e->n_failsets;
	key = ers_experiment_key(e, out);
	out->seed = ers_batch_seed(e->seed, key ? key : "");
	free(key);
}

char *ers_experiment_params(const struct ers_experiment *e, size_t combo)
{
	size_t cap = 1;
	char *s;

	for (size_t i = 0; i < e->n_vary; i++)
		cap += strlen(e->vary[i].name) + 2 +
		       strlen(e->vary[i].values[ers_experiment_value(e, combo, i)]);
	s = malloc(cap);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < e->n_vary; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, e->vary[i].name);
		strcat(s, "=");
		strcat(s, e->vary[i].values[ers_experiment_value(e, combo, i)]);
	}
	return s;
}

void ers_batch_pair(size_t n, size_t k, size_t *i, size_t *j)
{
	size_t a = 0;

	while (k >= n - 1 - a) {
		k -= n - 1 - a;
		a++;
	}
	*i = a;
	*j = a + 1 + k;
}

char *ers_experiment_failure(const struct ers_experiment *e, size_t failure)
{
	const struct ers_failures *f = &e->fail;
	size_t i, j, n;
	char *s;

	switch (f->mode) {
	case ERS_FAIL_EACH:
	case ERS_FAIL_SRLG:
		return strdup(f->targets[failure]);
	case ERS_FAIL_PAIRS:
		ers_batch_pair(f->n_targets, failure, &i, &j);
		n = strlen(f->targets[i]) + strlen(f->targets[j]) + 4;
		if ((s = malloc(n)))
			snprintf(s, n, "%s + %s", f->targets[i], f->targets[j]);
		return s;
	case ERS_FAIL_RANDOM:
		return strdup("random");
	default:
		return strdup("scenario");
	}
}

char *ers_experiment_key(const struct ers_experiment *e, const struct ers_batch_run *r)
{
	char *p = ers_experiment_params(e, r->combo);
	char *f = ers_experiment_failure(e, r->failure);
	char *k = NULL;
	size_t n;

	if (p && f) {
		n = strlen(p) + strlen(f) + 32;
		if ((k = malloc(n)))
			snprintf(k, n, "%s|%s|%u", p, f, r->repetition);
	}
	free(p);
	free(f);
	return k;
}
