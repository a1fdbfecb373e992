/*
 * load_xml.c - the scenario loader's libxml2 layer: bytes to a tree, the
 * tree against the schema, and libxml2's messages into file:line
 * diagnostics a scenario author can act on (load_int.h; load.c calls it).
 *
 *   parse: libxml2 reads the bytes with XML_PARSE_NONET and without NOENT
 *     or DTDLOAD. A document type declaration is refused as soon as the
 *     parser meets it, before any entity in it is declared, so neither
 *     external entities nor entity-expansion bombs are ever followed. A
 *     file of more than 2,000,000 elements is refused while it is read.
 *   schema: RELAX NG validation against scenarios/ersim.rng, embedded by
 *     the Makefile. Each message is rewritten into plain words and kept.
 *   report: libxml2 says of a bad attribute value only "element X failed
 *     to validate attributes". So when the schema fails, load.c still runs
 *     the builder (load_build.c) into a scratch list, and its precise
 *     message ("invalid hold '3x' on <bgp>: ...") replaces such a vague
 *     one on the same line.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "embed.h"
#include "load_int.h"

#define MAX_ELEMENTS 2000000		/* ~0.5 GB of tree: stop parsing there */

long ers_xml_line(xmlNodePtr n)
{
	long l = n ? xmlGetLineNo(n) : 0;

	return l > 0 ? l : 0;
}

const char *ers_xml_name(xmlNodePtr n)
{
	return n && n->name ? (const char *)n->name : "?";
}

static void oom(struct ers_load_xml *X)
{
	if (!X->nomem)
		ers_diag_add(X->d, ERS_ENOMEM, X->file, 0, NULL, "out of memory");
	X->nomem = true;
}

/* ---- libxml2 errors ---- */

static void silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* "Invalid attribute foo for element bar" against "Invalid attribute %s
 * for element %s": each %s takes one word (up to 63 bytes). */
static int shape(const char *msg, const char *pat, char caps[][64], int max)
{
	int n = 0;

	while (*pat) {
		if (pat[0] == '%' && pat[1] == 's') {
			size_t len = 0;

			if (n >= max)
				return 0;
			while (msg[len] && msg[len] != ' ' && msg[len] != ',' && len < 63)
				len++;
			if (len == 0)
				return 0;
			memcpy(caps[n], msg, len);
			caps[n++][len] = 0;
			msg += len;
			pat += 2;
		} else if (*pat++ != *msg++) {
			return 0;
		}
	}
	return *msg == 0 ? n : 0;
}

/* Rewrite one RELAX NG message into words a scenario author knows. */
static void schema_words(const char *raw, xmlNodePtr node, struct ers_schema_msg *m)
{
	char c[2][64];
	const char *parent = node && node->parent && node->parent->type == XML_ELEMENT_NODE
				     ? (const char *)node->parent->name : NULL;

	m->vague = false;
	m->attr[0] = 0;
	if (shape(raw, "Invalid attribute %s for element %s", c, 2) == 2) {
		/* also said of a known attribute with a bad value */
		m->vague = true;
		memcpy(m->attr, c[0], sizeof m->attr);
		snprintf(m->text, sizeof m->text, "unknown attribute '%s' on <%s>", c[0], c[1]);
	} else if (shape(raw, "Element %s failed to validate attributes", c, 1) == 1) {
		m->vague = true;
		snprintf(m->text, sizeof m->text, "missing or invalid attribute on <%s>", c[0]);
	} else if (shape(raw, "Element %s failed to validate content", c, 1) == 1 ||
		   !strcmp(raw, "Invalid sequence in interleave")) {
		m->vague = true;
		snprintf(m->text, sizeof m->text, "invalid content in <%s>", ers_xml_name(node));
	} else if (shape(raw, "Error validating datatype %s", c, 1) == 1) {
		m->vague = true;
		snprintf(m->text, sizeof m->text, "invalid value in <%s>", ers_xml_name(node));
	} else if (shape(raw, "Did not expect element %s there", c, 1) == 1 ||
		   shape(raw, "Extra element %s in interleave", c, 1) == 1) {
		if (parent)
			snprintf(m->text, sizeof m->text, "unexpected <%s> in <%s>", c[0], parent);
		else
			snprintf(m->text, sizeof m->text, "unexpected <%s>", c[0]);
	} else if (shape(raw, "Element %s has extra content: %s", c, 2) == 2) {
		if (!strcmp(c[1], "text"))
			snprintf(m->text, sizeof m->text, "unexpected text in <%s>", c[0]);
		else
			snprintf(m->text, sizeof m->text, "unexpected <%s> in <%s>", c[1], c[0]);
	} else if (shape(raw, "Did not expect text in element %s content", c, 1) == 1) {
		snprintf(m->text, sizeof m->text, "unexpected text in <%s>", c[0]);
	} else if (shape(raw, "Expecting an element %s, got nothing", c, 1) == 1) {
		snprintf(m->text, sizeof m->text, "<%s> needs a <%s> child", ers_xml_name(node), c[0]);
	} else if (shape(raw, "Expecting element %s, got %s", c, 2) == 2) {
		if (!parent)
			snprintf(m->text, sizeof m->text, "the root element must be <%s>, not <%s>",
				 c[0], c[1]);
		else
			snprintf(m->text, sizeof m->text, "expected <%s>, found <%s> in <%s>",
				 c[0], c[1], parent);
	} else if (shape(raw, "Expecting no namespace for element %s", c, 1) == 1) {
		snprintf(m->text, sizeof m->text, "<%s> must not be in a namespace", c[0]);
	} else {
		snprintf(m->text, sizeof m->text, "%s", raw);
	}
}

#if LIBXML_VERSION >= 21200
static void schema_error(void *ctx, const xmlError *e)
#else
static void schema_error(void *ctx, xmlErrorPtr e)
#endif
{
	struct ers_load_xml *X = ctx;
	struct ers_schema_msg *m;
	char raw[300];
	size_t len;

	if (!e || e->level < XML_ERR_ERROR)
		return;
	if (X->n_smsgs == X->cap_smsgs) {
		size_t cap = X->cap_smsgs ? 2 * X->cap_smsgs : 16;
		struct ers_schema_msg *v;

		if (cap > 256) {
			X->n_smsgs_more++;	/* enough to show the user */
			return;
		}
		v = realloc(X->smsgs, cap * sizeof *v);
		if (!v) {
			oom(X);
			return;
		}
		X->smsgs = v;
		X->cap_smsgs = cap;
	}
	if (e->domain != XML_FROM_RELAXNGV)
		X->schema_internal = true;
	snprintf(raw, sizeof raw, "%s", e->message ? e->message : "schema error");
	len = strlen(raw);
	while (len && (raw[len - 1] == '\n' || raw[len - 1] == ' '))
		raw[--len] = 0;
	m = &X->smsgs[X->n_smsgs++];
	m->line = e->node ? ers_xml_line(e->node) : e->line;
	if (m->line <= 0)
		m->line = e->line > 0 ? e->line : 0;
	schema_words(raw, e->node, m);
}

#if LIBXML_VERSION >= 21200
static void parse_error(void *ctx, const xmlError *e)
#else
static void parse_error(void *ctx, xmlErrorPtr e)
#endif
{
	struct ers_load_xml *X = ctx;
	char msg[300];
	size_t len;

	if (!e || e->level < XML_ERR_ERROR || X->refused)
		return;
	if (e->message && strstr(e->message, "Excessive depth")) {
		/* libxml2 says "use XML_PARSE_HUGE", which a user cannot */
		ers_diag_add(X->d, ERS_EXML, X->file, e->line > 0 ? e->line : 0,
			     "a scenario nests at most a few levels deep",
			     "elements nest too deeply (more than 256 levels)");
		X->refused = true;
		return;
	}
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
	len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = 0;
	if (msg[0] >= 'A' && msg[0] <= 'Z' && !(msg[1] >= 'A' && msg[1] <= 'Z'))
		msg[0] = (char)(msg[0] - 'A' + 'a');
	ers_diag_add(X->d, ERS_EXML, X->file, e->line > 0 ? e->line : 0, NULL,
		     "malformed XML: %s", msg);
}

/* SAX hooks: a DOCTYPE is refused when met, before its internal subset
 * (where entities would be declared) is read. The entity hook is a second
 * fence for parsers that reach declarations some other way. */
static void refuse(void *ctx, const char *what)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct ers_load_xml *X = ctxt->_private;

	if (!X->refused)
		ers_diag_add(X->d, ERS_EXML, X->file, ctxt->input ? ctxt->input->line : 0,
			     "scenario files take no DTD; remove the <!DOCTYPE ...> declaration",
			     "%s are not allowed: external entities and entity expansion are never followed",
			     what);
	X->refused = true;
	xmlStopParser(ctxt);
}

/* Count elements as they are parsed: a file of millions of unknown
 * elements is refused before its tree fills memory. */
static void count_element(void *ctx, const xmlChar *name, const xmlChar *prefix,
			  const xmlChar *uri, int n_ns, const xmlChar **ns,
			  int n_attrs, int n_defaulted, const xmlChar **attrs)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct ers_load_xml *X = ctxt->_private;

	if (++X->n_elements > MAX_ELEMENTS) {
		if (!X->refused)
			ers_diag_add(X->d, ERS_ELIMIT, X->file, ctxt->input ? ctxt->input->line : 0,
				     "split the scenario or generate fewer objects",
				     "more than %d elements: a scenario holds at most %d",
				     MAX_ELEMENTS, MAX_ELEMENTS);
		X->refused = true;
		xmlStopParser(ctxt);
		return;
	}
	X->start_element(ctx, name, prefix, uri, n_ns, ns, n_attrs, n_defaulted, attrs);
}

static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext,
			   const xmlChar *sys)
{
	(void)name, (void)ext, (void)sys;
	refuse(ctx, "document type declarations (<!DOCTYPE>)");
}

static void refuse_entity(void *ctx, const xmlChar *name, int type,
			  const xmlChar *pub, const xmlChar *sys, xmlChar *content)
{
	(void)name, (void)type, (void)pub, (void)sys, (void)content;
	refuse(ctx, "entity declarations");
}

/* Any DTD or entity node left in the tree (none should survive refuse()). */
static xmlNodePtr find_entity_node(xmlNodePtr n)
{
	for (; n; n = n->next) {
		xmlNodePtr hit;

		if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_DECL ||
		    n->type == XML_DTD_NODE || n->type == XML_ENTITY_NODE)
			return n;
		if (n->type == XML_ELEMENT_NODE && (hit = find_entity_node(n->children)))
			return hit;
	}
	return NULL;
}

static xmlDocPtr read_doc(struct ers_load_xml *X, const char *buf, size_t len)
{
	xmlDocPtr doc;
	xmlNodePtr bad;

	if (len > INT_MAX) {
		ers_diag_add(X->d, ERS_ELIMIT, X->file, 0, NULL, "file too large");
		return NULL;
	}
	X->ctxt = xmlNewParserCtxt();
	if (!X->ctxt) {
		oom(X);
		return NULL;
	}
	X->ctxt->_private = X;
	X->ctxt->sax->internalSubset = refuse_doctype;
	X->ctxt->sax->entityDecl = refuse_entity;
	X->start_element = X->ctxt->sax->startElementNs;
	if (X->start_element)
		X->ctxt->sax->startElementNs = count_element;
	doc = xmlCtxtReadMemory(X->ctxt, buf, (int)len, X->file, NULL,
				XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT);
	if (doc && !X->refused && (doc->intSubset || doc->extSubset))
		refuse(X->ctxt, "document type declarations (<!DOCTYPE>)");
	if (doc && !X->refused && (bad = find_entity_node(doc->children)) != NULL) {
		ers_diag_add(X->d, ERS_EXML, X->file, ers_xml_line(bad), NULL,
			     "entity references are not allowed in scenario files");
		X->refused = true;
	}
	if (doc && (X->refused || X->d->first != ERS_OK)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc && X->d->n_msgs == 0)
		ers_diag_add(X->d, ERS_EXML, X->file, 0, NULL, "malformed XML: cannot parse");
	xmlFreeParserCtxt(X->ctxt);
	X->ctxt = NULL;
	return doc;
}

static int validate(struct ers_load_xml *X, xmlDocPtr doc)
{
	xmlRelaxNGPtr schema;
	xmlRelaxNGValidCtxtPtr vctxt = NULL;
	const xmlChar *url;
	int rc = -1;

	schema = ers_load_schema_compile(doc, schema_error, X);
	if (!schema)
		goto out;
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	if (!vctxt)
		goto out;
	xmlRelaxNGSetValidStructuredErrors(vctxt, schema_error, X);
	/*
	 * libxml2 (2.9) walks back over every preceding sibling of the node
	 * of each error it raises, looking for XInclude markers, but only
	 * when the document has a URL: with one, n invalid siblings cost
	 * O(n^2) (100,000 bad <flow>s took minutes). Messages carry X->file,
	 * so the URL is not needed while validating.
	 */
	url = doc->URL;
	doc->URL = NULL;
	rc = xmlRelaxNGValidateDoc(vctxt, doc);
	doc->URL = url;
	rc = rc == 0 ? 1 : rc > 0 ? 0 : -1;
out:
	if (rc < 0) {
		ers_diag_add(X->d, ERS_EINTERNAL, X->file, 0, NULL,
			     "internal error: the embedded schema could not be compiled or run");
		X->n_smsgs = 0;
	} else if (rc == 0 && X->n_smsgs == 0) {
		struct ers_schema_msg *m = calloc(1, sizeof *m);

		free(X->smsgs);
		X->smsgs = m;
		if (m) {
			snprintf(m->text, sizeof m->text, "file does not follow the scenario schema");
			X->n_smsgs = X->cap_smsgs = 1;
		}
	}
	xmlRelaxNGFreeValidCtxt(vctxt);
	xmlRelaxNGFree(schema);
	return rc;
}

/*
 * libxml2 reports through process-wide handlers: each stage installs its
 * own for its duration (structured errors become diagnostics, the generic
 * channel is silenced) and puts the caller's back.
 */
struct handlers {
	xmlStructuredErrorFunc serror;
	void *sctx;
	xmlGenericErrorFunc gerror;
	void *gctx;
};

static struct handlers handlers_set(struct ers_load_xml *X, xmlStructuredErrorFunc fn)
{
	struct handlers old = { xmlStructuredError, xmlStructuredErrorContext,
				xmlGenericError, xmlGenericErrorContext };

	xmlSetGenericErrorFunc(NULL, silent_generic);
	xmlSetStructuredErrorFunc(X, fn);
	return old;
}

static void handlers_restore(const struct handlers *old)
{
	xmlSetStructuredErrorFunc(old->sctx, old->serror);
	xmlSetGenericErrorFunc(old->gctx, old->gerror);
}

xmlDocPtr ers_load_xml_read(struct ers_load_xml *X, const char *buf, size_t len)
{
	struct handlers old = handlers_set(X, parse_error);
	xmlDocPtr doc = read_doc(X, buf, len);

	handlers_restore(&old);
	return doc;
}

int ers_load_xml_validate(struct ers_load_xml *X, xmlDocPtr doc)
{
	struct handlers old = handlers_set(X, schema_error);
	int rc = validate(X, doc);

	handlers_restore(&old);
	return rc;
}

static bool has_line(const struct ers_diag *d, long line, const char *text)
{
	for (size_t i = 0; i < d->n_msgs; i++)
		if (d->msgs[i].line == line && (!text || !strcmp(d->msgs[i].text, text)))
			return true;
	return false;
}

/* Does builder message text speak of attribute attr ("" = of anything)? */
static bool about_attr(const char *text, const char *attr)
{
	char a[80], b[80];

	if (!attr[0])
		return true;
	snprintf(a, sizeof a, "invalid %s '", attr);
	snprintf(b, sizeof b, "'%s' on <", attr);
	return strstr(text, a) || strstr(text, b);
}

/* Schema failed: report its messages, each vague one replaced by what the
 * builder (run into scratch) found on the same line. */
void ers_load_xml_report(struct ers_load_xml *X, const struct ers_diag *scratch)
{
	for (size_t i = 0; i < X->n_smsgs; i++) {
		const struct ers_schema_msg *m = &X->smsgs[i];
		bool replaced = false;

		if (m->vague) {
			for (size_t j = 0; j < scratch->n_msgs; j++) {
				const struct ers_diag_msg *b = &scratch->msgs[j];

				if (b->line != m->line || !about_attr(b->text, m->attr))
					continue;
				replaced = true;
				if (!has_line(X->d, b->line, b->text))
					ers_diag_add(X->d, ERS_ESCHEMA, X->file, b->line, b->hint,
						     "%s", b->text);
			}
		}
		if (!replaced && !has_line(X->d, m->line, m->text) &&
		    !(m->vague && !m->attr[0] && has_line(X->d, m->line, NULL))) {
			/* An experiment given to validate or run: say what reads it. */
			char hint[600];
			bool exp = strstr(m->text, ", not <experiment>") != NULL;

			snprintf(hint, sizeof hint, "'%s' is a batch experiment: run it with "
				 "'ersim batch %s'", X->file, X->file);
			ers_diag_add(X->d, ERS_ESCHEMA, X->file, m->line, exp ? hint : NULL, "%s",
				     m->text);
		}
	}
}
long ers_load_xml_last_vague(const struct ers_load_xml *X)
{
	long last = -1;

	for (size_t i = 0; i < X->n_smsgs; i++)
		if (X->smsgs[i].vague && X->smsgs[i].line > last)
			last = X->smsgs[i].line;
	return last;
}

void ers_load_xml_release(struct ers_load_xml *X)
{
	free(X->smsgs);
	X->smsgs = NULL;
	X->n_smsgs = X->cap_smsgs = 0;
}
