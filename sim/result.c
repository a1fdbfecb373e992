/*
 * result.c - lifetime of struct ers_result (result.h) and the small helpers
 * that code building or reading results shares: string arrays, the
 * reachability matrix and path status names. A result owns every string
 * and array it points to, so one ers_result_free() releases it all; the
 * only borrowed pointer is ers_rib_route.origin, a static string.
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/result.h"

struct ers_result *ers_result_new(void)
{
	return calloc(1, sizeof(struct ers_result));
}

enum ers_err ers_strv_dup(char *const *src, size_t n, char ***out)
{
	char **v;

	*out = NULL;
	if (n == 0)
		return ERS_OK;
	v = calloc(n, sizeof *v);
	if (!v)
		return ERS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(src[i] ? src[i] : "");
		if (!v[i]) {
			ers_strv_free(v, i);
			return ERS_ENOMEM;
		}
	}
	*out = v;
	return ERS_OK;
}

void ers_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

bool ers_result_reaches(const struct ers_result *r, size_t from, size_t to)
{
	if (!r->reach || from >= r->n_endpoints || to >= r->n_endpoints)
		return false;
	return r->reach[from * r->n_endpoints + to];
}

long ers_result_endpoint(const struct ers_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_endpoints; i++)
		if (r->endpoints[i] && !strcmp(r->endpoints[i], name))
			return (long)i;
	return -1;
}

static const char *const status_names[] = {
	[ERS_PATH_DELIVERED] = "delivered",
	[ERS_PATH_BLACKHOLE] = "blackhole",
	[ERS_PATH_LOOP] = "loop",
};

const char *ers_path_status_str(enum ers_path_status st)
{
	if ((unsigned)st < sizeof status_names / sizeof status_names[0])
		return status_names[st];
	return "unknown";
}

bool ers_path_status_parse(const char *s, enum ers_path_status *out)
{
	for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
		if (!strcmp(s, status_names[i])) {
			*out = (enum ers_path_status)i;
			return true;
		}
	return false;
}

static const struct {
	const char *name, *label;
} hop_kinds[] = {
	[ERS_HOP_UNKNOWN] = { "unknown", "?" },
	[ERS_HOP_EXPRESSROUTE] = { "expressroute", "ExpressRoute" },
	[ERS_HOP_ACCESS] = { "provider-access", "provider access" },
	[ERS_HOP_INTERNAL] = { "internal", "internal" },
	[ERS_HOP_SITE_LINK] = { "site-link", "site-link" },
	[ERS_HOP_CONNECTION] = { "connection", "connection" },
	[ERS_HOP_GLOBAL_REACH] = { "global-reach", "Global Reach" },
	[ERS_HOP_VPN] = { "vpn", "VPN" },
	[ERS_HOP_MICROSOFT] = { "microsoft", "Microsoft network" },
};

#define N_HOP_KINDS (sizeof hop_kinds / sizeof hop_kinds[0])

const char *ers_hop_kind_str(enum ers_hop_kind k)
{
	return (unsigned)k < N_HOP_KINDS ? hop_kinds[k].name : "unknown";
}

const char *ers_hop_kind_label(enum ers_hop_kind k)
{
	return (unsigned)k < N_HOP_KINDS ? hop_kinds[k].label : "?";
}

bool ers_hop_kind_parse(const char *s, enum ers_hop_kind *out)
{
	for (size_t i = 0; i < N_HOP_KINDS; i++)
		if (!strcmp(s, hop_kinds[i].name)) {
			*out = (enum ers_hop_kind)i;
			return true;
		}
	return false;
}

void ers_path_entry_release(struct ers_path_entry *p)
{
	ers_strv_free(p->nodes, p->n_nodes);
	free(p->hops);
	p->nodes = NULL;
	p->hops = NULL;
	p->n_nodes = 0;
}

static void flow_release(struct ers_flow_result *f)
{
	free(f->id);
	free(f->from);
	free(f->to);
	for (size_t i = 0; i < f->n_paths; i++)
		ers_path_entry_release(&f->paths[i]);
	free(f->paths);
	for (size_t i = 0; i < f->n_decisions; i++)
		ers_decision_free(&f->decisions[i]);
	free(f->decisions);
	free(f->max_utilization_link);
}

void ers_decision_free(struct ers_decision *d)
{
	free(d->router);
	free(d->prefix);
	free(d->step);
	free(d->chose);
	free(d->over);
	free(d->detail);
}

/* Does speaker id name node (the node itself or one of its VRFs)? */
static bool speaker_on(const char *speaker, const char *node)
{
	size_t n = strlen(node);

	return !strncmp(speaker, node, n) && (!speaker[n] || speaker[n] == '@');
}

const struct ers_decision *ers_flow_decision_at(const struct ers_flow_result *f,
						const char *router, ers_time_t t)
{
	const struct ers_decision *found = NULL;

	for (size_t i = 0; i < f->n_decisions && f->decisions[i].at < t; i++)
		if (speaker_on(f->decisions[i].router, router))
			found = &f->decisions[i];
	return found;
}

static void rib_release(struct ers_rib_table *t)
{
	free(t->router);
	for (size_t i = 0; i < t->n_routes; i++) {
		struct ers_rib_route *rt = &t->routes[i];

		free(rt->prefix);
		free(rt->as_path);
		free(rt->next_hop);
		ers_strv_free(rt->ecmp, rt->n_ecmp);
		ers_strv_free(rt->communities, rt->n_communities);
	}
	free(t->routes);
}

void ers_result_free(struct ers_result *r)
{
	if (!r)
		return;
	free(r->scenario);
	for (size_t i = 0; i < r->n_events; i++) {
		free(r->events[i].action);
		free(r->events[i].target);
	}
	free(r->events);
	for (size_t i = 0; i < r->n_flows; i++)
		flow_release(&r->flows[i]);
	free(r->flows);
	for (size_t i = 0; i < r->n_notices; i++) {
		free(r->notices[i].kind);
		free(r->notices[i].node);
		free(r->notices[i].detail);
	}
	free(r->notices);
	ers_strv_free(r->endpoints, r->n_endpoints);
	free(r->reach);
	for (size_t i = 0; i < r->n_ribs; i++)
		rib_release(&r->ribs[i]);
	free(r->ribs);
	free(r);
}
