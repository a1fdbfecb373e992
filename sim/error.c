/*
 * error.c - error codes and the diagnostics list (see error.h). Messages
 * are collected, not printed, so that a command can report every problem
 * in a file at once and tests can assert on the text.
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/error.h"

/* A file with thousands of errors is usually one mistake repeated (or not
 * a scenario at all): the first 20 say what to fix, the rest are counted. */
#define ERS_DIAG_SHOWN 20

static const char *const err_names[] = {
	[ERS_OK] = "ok",
	[ERS_ENOMEM] = "out of memory",
	[ERS_EINVAL] = "invalid argument",
	[ERS_EIO] = "input/output error",
	[ERS_EXML] = "malformed XML",
	[ERS_ESCHEMA] = "schema violation",
	[ERS_ESCENARIO] = "invalid scenario",
	[ERS_EIGRAPH] = "graph library error",
	[ERS_ELIMIT] = "limit exceeded",
	[ERS_EINTERNAL] = "internal error",
};

const char *ers_err_str(enum ers_err e)
{
	if ((unsigned)e < sizeof err_names / sizeof err_names[0] && err_names[e])
		return err_names[e];
	return "unknown error";
}

int ers_err_exit_code(enum ers_err e)
{
	switch (e) {
	case ERS_OK:
		return 0;
	case ERS_EINVAL:
	case ERS_EXML:
	case ERS_ESCHEMA:
	case ERS_ESCENARIO:
	case ERS_ELIMIT:
		return 2;
	default:
		return 3;
	}
}

void ers_diag_init(struct ers_diag *d)
{
	memset(d, 0, sizeof *d);
}

void ers_diag_release(struct ers_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_msgs; i++) {
		free(d->msgs[i].file);
		free(d->msgs[i].text);
		free(d->msgs[i].hint);
	}
	free(d->msgs);
	ers_diag_init(d);
}

/* libxml2 reports some problems once per occurrence on one line, each
 * time with more of the line quoted: keep the first. */
static int repeats_last(const struct ers_diag *d, const char *file, long line,
			const char *text)
{
	const struct ers_diag_msg *m;

	if (!d->n_msgs)
		return 0;
	m = &d->msgs[d->n_msgs - 1];
	return m->line == line && line > 0 && file && m->file && !strcmp(m->file, file) &&
	       !strncmp(m->text, text, 40);
}

enum ers_err ers_diag_vadd(struct ers_diag *d, enum ers_err code,
			   const char *file, long line, const char *hint,
			   const char *fmt, va_list ap)
{
	struct ers_diag_msg *m;
	size_t limit = d->max_msgs ? d->max_msgs : ERS_DIAG_SHOWN;
	char buf[1024];

	if (d->first == ERS_OK)
		d->first = code;
	if (d->n_msgs >= limit) {
		d->n_more++;
		return code;
	}
	if (d->n_msgs == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 8;
		struct ers_diag_msg *v = realloc(d->msgs, cap * sizeof *v);
		if (!v)
			return code;
		d->msgs = v;
		d->cap = cap;
	}
	vsnprintf(buf, sizeof buf, fmt, ap);
	if (repeats_last(d, file, line, buf))
		return code;
	m = &d->msgs[d->n_msgs];
	m->file = file ? strdup(file) : NULL;
	m->line = line;
	m->text = strdup(buf);
	m->hint = hint ? strdup(hint) : NULL;
	m->warning = false;
	if (!m->text) {
		free(m->file);
		free(m->hint);
		return code;
	}
	d->n_msgs++;
	return code;
}

enum ers_err ers_diag_add(struct ers_diag *d, enum ers_err code,
			  const char *file, long line, const char *hint,
			  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ers_diag_vadd(d, code, file, line, hint, fmt, ap);
	va_end(ap);
	return code;
}

void ers_diag_warn(struct ers_diag *d, const char *file, long line,
		   const char *hint, const char *fmt, ...)
{
	size_t n = d->n_msgs;
	va_list ap;

	va_start(ap, fmt);
	ers_diag_vadd(d, ERS_OK, file, line, hint, fmt, ap);
	va_end(ap);
	if (d->n_msgs > n)
		d->msgs[n].warning = true;
}

static void print_location(const struct ers_diag_msg *m, FILE *out)
{
	if (m->file && m->line > 0)
		fprintf(out, "%s:%ld: ", m->file, m->line);
	else if (m->file)
		fprintf(out, "%s: ", m->file);
}

void ers_diag_print(const struct ers_diag *d, FILE *out)
{
	for (size_t i = 0; i < d->n_msgs; i++) {
		const struct ers_diag_msg *m = &d->msgs[i];

		print_location(m, out);
		fprintf(out, "%s: %s\n", m->warning ? "warning" : "error", m->text);
		if (m->hint) {
			print_location(m, out);
			fprintf(out, "note: %s\n", m->hint);
		}
	}
	if (d->n_more && d->n_msgs) {
		const struct ers_diag_msg *m = &d->msgs[d->n_msgs - 1];

		if (m->file)
			fprintf(out, "%s: ", m->file);
		fprintf(out, "note: and %zu more error%s not shown; fix the ones above first\n",
			d->n_more, d->n_more == 1 ? "" : "s");
	}
}

int ers_diag_has(const struct ers_diag *d, const char *needle)
{
	for (size_t i = 0; i < d->n_msgs; i++) {
		if (strstr(d->msgs[i].text, needle))
			return 1;
		if (d->msgs[i].hint && strstr(d->msgs[i].hint, needle))
			return 1;
	}
	return 0;
}
