/*
 * load_int.h - internal to the scenario loader: what its files share.
 * load.c reads the file and runs the stages; load_xml.c is the libxml2
 * layer (parsing, RELAX NG validation, libxml2's messages turned into
 * file:line diagnostics); load_build.c turns the validated tree into a
 * struct ers_scenario; scenario.c holds the helpers on the finished model.
 * libxml2 types appear in the load*.c files and nowhere else in sim/.
 */
#ifndef ERSIM_LOAD_INT_H
#define ERSIM_LOAD_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#include "ersim/error.h"
#include "ersim/scenario.h"

/* A RELAX NG message, already rewritten for the user. */
struct ers_schema_msg {
	long line;
	char text[300];
	bool vague;			/* the builder may say it better */
	char attr[64];			/* the attribute it is about, if known */
};

/* One document through the libxml2 layer (load_xml.c): zero it, set file
 * and d, then read, validate and report; release at the end. */
struct ers_load_xml {
	const char *file;		/* named in every diagnostic */
	struct ers_diag *d;		/* parse errors go here at once */
	bool nomem;			/* "out of memory" reported */
	/* parsing */
	xmlParserCtxtPtr ctxt;
	bool refused;			/* DOCTYPE refused: drop libxml's echoes */
	startElementNsSAX2Func start_element;	/* libxml2's own */
	size_t n_elements;		/* elements parsed so far */
	/* validation: kept apart, merged with the builder's by report() */
	struct ers_schema_msg *smsgs;
	size_t n_smsgs, cap_smsgs;
	size_t n_smsgs_more;		/* counted past the kept ones */
	bool schema_internal;		/* validation itself failed */
};

/* Parse len bytes of buf into a tree (free with xmlFreeDoc), refusing a
 * DOCTYPE, entities and more than 2,000,000 elements. NULL when the
 * document is not usable, with the reasons in X->d as file:line. */
xmlDocPtr ers_load_xml_read(struct ers_load_xml *X, const char *buf, size_t len);

/* RELAX NG validation against the embedded scenarios/ersim.rng: 1 valid,
 * 0 invalid (messages kept in X->smsgs, not yet in X->d), -1 internal
 * failure (reported in X->d). */
int ers_load_xml_validate(struct ers_load_xml *X, xmlDocPtr doc);

/* The last line of a kept validation message that the builder may say
 * better, or -1 when there is none. */
long ers_load_xml_last_vague(const struct ers_load_xml *X);

/* Validation failed: add its messages to X->d, each vague one replaced by
 * what the builder reported on the same line into better. */
void ers_load_xml_report(struct ers_load_xml *X, const struct ers_diag *better);

void ers_load_xml_release(struct ers_load_xml *X);

/* The embedded scenarios/ersim.rng compiled to validate doc: the pattern
 * facets that every value of doc matches are checked here once per value
 * and left out (load_schema.c). Compile errors go to err(ctx, ...). NULL
 * when the schema cannot be compiled. */
xmlRelaxNGPtr ers_load_schema_compile(xmlDocPtr doc, xmlStructuredErrorFunc err, void *ctx);

/* Does value match pattern, a pattern of the schema, by its C form? 1 or
 * 0; -1 when the pattern has no C form (for the tests). */
int ers_load_schema_match(const char *pattern, const char *value);

/* The element's line (0 when unknown) and name, for diagnostics. */
long ers_xml_line(xmlNodePtr n);
const char *ers_xml_name(xmlNodePtr n);

/* Build s (from ers_scenario_new()) out of root, a <scenario> element,
 * reporting every problem in d as file:line. Returns the number of
 * problems found; *nomem is set when one was a failed allocation. s
 * holds whatever was built either way.
 * last_line bounds a build that runs only for its messages (the schema
 * failed; LONG_MAX builds everything): <flow>s after that line are not
 * read. Nothing refers to a flow and a flow's messages are all at its own
 * line, so the messages up to last_line are those of a full build. */
int ers_load_build(struct ers_scenario *s, xmlNodePtr root, const char *file,
		   long last_line, struct ers_diag *d, bool *nomem);

#endif
