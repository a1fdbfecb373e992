/*
 * load.c - a scenario file to a struct ers_scenario (scenario.h,
 * docs/scenario-format.md): the loader's entry points. It reads the file
 * (refusing more than 256 MiB) and runs three stages, each reporting
 * file:line: parse and validate with libxml2 (load_xml.c), then build the
 * model from the tree (load_build.c). When validation fails the builder
 * still runs, into a scratch list, so that its precise messages can stand
 * in for libxml2's vague ones (only as far as the last line of a vague
 * one); a scenario is returned only when all three stages found nothing
 * to say.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "ersim/scenario.h"
#include "ersim/util.h"
#include "load_int.h"

#define MAX_FILE_SIZE (256L << 20)	/* refuse larger files outright */

/* Set by ers_scenario_load_exit_after(): the process exits after this load. */
static bool exit_after;

void ers_scenario_load_exit_after(bool on)
{
	exit_after = on && !ERS_FREE_AT_EXIT;
}

static bool is_scenario(xmlNodePtr root)
{
	return root && root->type == XML_ELEMENT_NODE &&
	       !xmlStrcmp(root->name, (const xmlChar *)"scenario");
}

/* Build into s; when the schema failed, into scratch, merged afterwards.
 * Returns the builder's error count. */
static int build_checked(struct ers_load_xml *X, struct ers_scenario *s, xmlDocPtr doc,
			 int valid)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	struct ers_diag scratch;
	bool nomem = false;
	int n_errors = 0;
	long last;

	if (valid < 0)
		return 0;
	if (valid == 1) {
		if (is_scenario(root))
			n_errors = ers_load_build(s, root, X->file, LONG_MAX, X->d, &nomem);
		return n_errors;
	}
	ers_diag_init(&scratch);
	scratch.max_msgs = 1000;
	/* unless the builder has nothing to say better (25 million unknown
	 * elements need not be walked ten times), and only as far as the
	 * last line it may speak for (100,000 bad <flow>s are not built to
	 * replace the messages of the first few hundred) */
	last = ers_load_xml_last_vague(X);
	if (is_scenario(root) && last >= 0)
		n_errors = ers_load_build(s, root, X->file, last, &scratch, &nomem);
	ers_load_xml_report(X, &scratch);
	X->d->n_more += X->n_smsgs_more;
	if (X->nomem || nomem)
		ers_diag_add(X->d, ERS_ENOMEM, X->file, 0, NULL, "out of memory");
	ers_diag_release(&scratch);
	return n_errors;
}

enum ers_err ers_scenario_load_mem(const char *buf, size_t len, const char *name,
				   struct ers_scenario **out, struct ers_diag *d)
{
	struct ers_load_xml X = { .d = d, .file = name ? name : "<memory>" };
	struct ers_scenario *s;
	xmlDocPtr doc = NULL;
	size_t n_before = d->n_msgs;
	enum ers_err first_before = d->first, rc;
	int valid, n_errors = 0;

	*out = NULL;
	d->first = ERS_OK;	/* so that this load's first error is known */
	s = ers_scenario_new(X.file);
	if (!s) {
		ers_diag_add(d, ERS_ENOMEM, X.file, 0, NULL, "out of memory");
		n_errors++;
	} else {
		doc = ers_load_xml_read(&X, buf ? buf : "", buf ? len : 0);
	}
	valid = doc ? ers_load_xml_validate(&X, doc) : -1;
	if (doc)
		n_errors += build_checked(&X, s, doc, valid);
	if (!exit_after) {
		xmlFreeDoc(doc);
		ers_load_xml_release(&X);
	}
	if (d->n_msgs == n_before && d->first == ERS_OK && n_errors == 0 && valid == 1) {
		d->first = first_before;
		*out = s;
		return ERS_OK;
	}
	if (!exit_after)
		ers_scenario_free(s);
	if (d->first == ERS_OK)
		ers_diag_add(d, ERS_EINTERNAL, X.file, 0, NULL, "internal error: load failed silently");
	rc = d->first;
	if (first_before != ERS_OK)
		d->first = first_before;
	return rc;
}
enum ers_err ers_scenario_load(const char *path, struct ers_scenario **out,
			       struct ers_diag *d)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	enum ers_err rc;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot open '%s': %s",
				    path, strerror(errno));
	do {
		if (len == cap) {
			char *p;

			cap = cap ? 2 * cap : 65536;
			p = cap > (size_t)MAX_FILE_SIZE ? NULL : realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return ers_diag_add(d, cap > (size_t)MAX_FILE_SIZE ? ERS_ELIMIT : ERS_ENOMEM,
						    path, 0, NULL, "cannot read '%s': %s", path,
						    cap > (size_t)MAX_FILE_SIZE ? "file too large"
										: "out of memory");
			}
			buf = p;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return ers_diag_add(d, ERS_EIO, path, 0, NULL, "cannot read '%s': %s", path,
				    strerror(errno));
	}
	fclose(f);
	rc = ers_scenario_load_mem(buf, len, path, out, d);
	free(buf);
	return rc;
}