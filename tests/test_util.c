/*
 * test_util.c - helpers shared by the end-to-end suites (test_util.h).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

struct ers_result *tu_run(const char *path, const struct ers_run_opts *o)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_result *r = NULL;
	struct ers_diag d;

	ers_diag_init(&d);
	if (ers_scenario_open(path, &s, &cat, &d) != ERS_OK || ers_run(s, cat, o, &r, &d) != ERS_OK) {
		ers_diag_print(&d, stderr);
		ck_abort_msg("cannot run %s", path);
	}
	ers_diag_release(&d);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	return r;
}

const struct ers_flow_result *tu_flow(const struct ers_result *r, const char *id)
{
	for (size_t i = 0; i < r->n_flows; i++)
		if (!strcmp(r->flows[i].id, id))
			return &r->flows[i];
	ck_abort_msg("no flow '%s'", id);
	return NULL;
}

const struct ers_rib_route *tu_route(const struct ers_result *r, const char *router,
				     const char *prefix)
{
	for (size_t i = 0; i < r->n_ribs; i++) {
		if (strcmp(r->ribs[i].router, router))
			continue;
		for (size_t j = 0; j < r->ribs[i].n_routes; j++)
			if (!strcmp(r->ribs[i].routes[j].prefix, prefix))
				return &r->ribs[i].routes[j];
	}
	return NULL;
}

bool tu_reach(const struct ers_result *r, const char *from, const char *to)
{
	size_t i, j;

	for (i = 0; i < r->n_endpoints && strcmp(r->endpoints[i], from); i++)
		;
	for (j = 0; j < r->n_endpoints && strcmp(r->endpoints[j], to); j++)
		;
	ck_assert_msg(i < r->n_endpoints && j < r->n_endpoints, "no endpoint %s or %s", from, to);
	return r->reach[i * r->n_endpoints + j];
}

int tu_cmd(int (*fn)(int, char **), int argc, char **argv, char *out, size_t n)
{
	FILE *f = tmpfile();
	int saved[2], code;
	size_t got;

	ck_assert_ptr_nonnull(f);
	fflush(stdout);
	fflush(stderr);
	saved[0] = dup(1);
	saved[1] = dup(2);
	ck_assert_int_ge(saved[0], 0);
	ck_assert_int_ge(saved[1], 0);
	dup2(fileno(f), 1);
	dup2(fileno(f), 2);
	code = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved[0], 1);
	dup2(saved[1], 2);
	close(saved[0]);
	close(saved[1]);
	rewind(f);
	got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	fclose(f);
	return code;
}

bool tu_temp_left(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096], prefix[512];
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	snprintf(prefix, sizeof prefix, "%s.tmp", slash ? slash + 1 : path);
	if (!(d = opendir(dir)))
		return false;	/* no directory, no temporary */
	while (!found && (e = readdir(d)))
		found = !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return found;
}
