/*
 * bgp_attr.c - interning of BGP path attribute sets and the run's prefix
 * table (see bgp_attr.h). An attribute set is one allocation holding the
 * struct, the AS path and the communities; the table is an open-addressing
 * hash set on their contents.
 */
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp_attr.h"

void ers_attr_table_init(struct ers_attr_table *t)
{
	t->slots = NULL;
	t->cap = t->n = 0;
}

void ers_attr_table_release(struct ers_attr_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i]);
	free(t->slots);
	ers_attr_table_init(t);
}

static int cmp_comm(const void *a, const void *b)
{
	ers_community_t x = *(const ers_community_t *)a, y = *(const ers_community_t *)b;
	return (x > y) - (x < y);
}

/* Sorted, no duplicates: equal community sets intern to one copy. */
static void normalize(struct ers_attrs_tmpl *t)
{
	size_t n = 0;

	qsort(t->comms, t->n_comms, sizeof t->comms[0], cmp_comm);
	for (size_t i = 0; i < t->n_comms; i++)
		if (!n || t->comms[n - 1] != t->comms[i])
			t->comms[n++] = t->comms[i];
	t->n_comms = (uint16_t)n;
	if (!t->has_med)
		t->med = 0;
}

static uint32_t fnv(uint32_t h, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 16777619u;
	}
	return h;
}

static uint32_t tmpl_hash(const struct ers_attrs_tmpl *t)
{
	uint32_t h = 2166136261u;

	h = fnv(h, t->origin | (uint32_t)t->has_med << 8);
	h = fnv(h, t->med);
	h = fnv(h, t->local_pref);
	h = fnv(h, t->weight);
	h = fnv(h, t->path_len);
	for (size_t i = 0; i < t->path_len; i++)
		h = fnv(h, t->path[i]);
	for (size_t i = 0; i < t->n_comms; i++)
		h = fnv(h, t->comms[i]);
	h = fnv(h, t->originator_id);
	for (size_t i = 0; i < t->cluster_len; i++)
		h = fnv(h, t->clusters[i]);
	return h;
}

static bool same(const struct ers_attrs *a, const struct ers_attrs_tmpl *t, uint32_t h)
{
	return a->hash == h && a->origin == t->origin && a->has_med == t->has_med &&
	       a->med == t->med && a->local_pref == t->local_pref &&
	       a->weight == t->weight && a->path_len == t->path_len &&
	       a->n_comms == t->n_comms &&
	       !memcmp(a->path, t->path, t->path_len * sizeof t->path[0]) &&
	       !memcmp(a->comms, t->comms, t->n_comms * sizeof t->comms[0]) &&
	       a->originator_id == t->originator_id && a->cluster_len == t->cluster_len &&
	       !memcmp(a->clusters, t->clusters, t->cluster_len * sizeof t->clusters[0]);
}

static int grow(struct ers_attr_table *t)
{
	size_t cap = t->cap ? 2 * t->cap : 1024;
	struct ers_attrs **slots = calloc(cap, sizeof *slots);

	if (!slots)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		struct ers_attrs *a = t->slots[i];
		if (!a)
			continue;
		size_t j = a->hash & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = a;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

static struct ers_attrs *make(const struct ers_attrs_tmpl *tm, uint32_t h)
{
	size_t psz = tm->path_len * sizeof(uint32_t);
	size_t csz = tm->n_comms * sizeof(ers_community_t);
	size_t lsz = tm->cluster_len * sizeof(uint32_t);
	struct ers_attrs *a = malloc(sizeof *a + psz + csz + lsz);
	uint32_t *path;

	if (!a)
		return NULL;
	path = (uint32_t *)(a + 1);
	memcpy(path, tm->path, psz);
	memcpy(path + tm->path_len, tm->comms, csz);
	memcpy((char *)(path + tm->path_len) + csz, tm->clusters, lsz);
	a->hash = h;
	a->origin = tm->origin;
	a->has_med = tm->has_med;
	a->med = tm->med;
	a->local_pref = tm->local_pref;
	a->weight = tm->weight;
	a->path_len = tm->path_len;
	a->n_comms = tm->n_comms;
	a->path = path;
	a->comms = path + tm->path_len;
	a->originator_id = tm->originator_id;
	a->cluster_len = tm->cluster_len;
	a->clusters = (const uint32_t *)((const char *)a->comms + csz);
	return a;
}

const struct ers_attrs *ers_attrs_intern(struct ers_attr_table *t,
					 struct ers_attrs_tmpl *tmpl)
{
	uint32_t h;
	size_t i;

	normalize(tmpl);
	h = tmpl_hash(tmpl);
	if ((t->n + 1) * 10 > t->cap * 7 && grow(t))
		return NULL;
	for (i = h & (t->cap - 1); t->slots[i]; i = (i + 1) & (t->cap - 1))
		if (same(t->slots[i], tmpl, h))
			return t->slots[i];
	t->slots[i] = make(tmpl, h);
	if (t->slots[i])
		t->n++;
	return t->slots[i];
}

void ers_attrs_to_tmpl(const struct ers_attrs *a, struct ers_attrs_tmpl *out)
{
	out->origin = a->origin;
	out->has_med = a->has_med;
	out->med = a->med;
	out->local_pref = a->local_pref;
	out->weight = a->weight;
	out->path_len = a->path_len;
	out->n_comms = a->n_comms;
	memcpy(out->path, a->path, a->path_len * sizeof a->path[0]);
	memcpy(out->comms, a->comms, a->n_comms * sizeof a->comms[0]);
	out->originator_id = a->originator_id;
	out->cluster_len = a->cluster_len;
	memcpy(out->clusters, a->clusters, a->cluster_len * sizeof a->clusters[0]);
}

bool ers_tmpl_prepend(struct ers_attrs_tmpl *t, uint32_t asn, unsigned n)
{
	if (n > (unsigned)(ERS_MAX_PATH - t->path_len))
		return false;
	if (!n)
		return true;
	memmove(t->path + n, t->path, t->path_len * sizeof t->path[0]);
	for (unsigned i = 0; i < n; i++)
		t->path[i] = asn;
	t->path_len = (uint16_t)(t->path_len + n);
	return true;
}

bool ers_tmpl_add_comm(struct ers_attrs_tmpl *t, ers_community_t c)
{
	for (size_t i = 0; i < t->n_comms; i++)
		if (t->comms[i] == c)
			return true;	/* already there: sets hold each once */
	if (t->n_comms >= ERS_MAX_COMMS)
		return false;
	t->comms[t->n_comms++] = c;
	return true;
}

bool ers_tmpl_add_cluster(struct ers_attrs_tmpl *t, uint32_t cluster_id)
{
	if (t->cluster_len >= ERS_MAX_CLUSTERS)
		return false;
	memmove(t->clusters + 1, t->clusters, t->cluster_len * sizeof t->clusters[0]);
	t->clusters[0] = cluster_id;
	t->cluster_len++;
	return true;
}

bool ers_attrs_has_cluster(const struct ers_attrs *a, uint32_t cluster_id)
{
	for (size_t i = 0; i < a->cluster_len; i++)
		if (a->clusters[i] == cluster_id)
			return true;
	return false;
}

bool ers_attrs_has_asn(const struct ers_attrs *a, uint32_t asn)
{
	for (size_t i = 0; i < a->path_len; i++)
		if (a->path[i] == asn)
			return true;
	return false;
}

bool ers_attrs_has_comm(const struct ers_attrs *a, ers_community_t c)
{
	for (size_t i = 0; i < a->n_comms; i++)
		if (a->comms[i] == c)
			return true;
	return false;
}

const char *ers_origin_str(unsigned origin)
{
	static const char *const names[] = { "igp", "egp", "incomplete" };
	return origin < 3 ? names[origin] : "?";
}

void ers_prefix_table_init(struct ers_prefix_table *t)
{
	t->prefixes = NULL;
	t->n = t->cap = 0;
	for (int i = 0; i <= 32; i++)
		ers_map_init(&t->index[i]);
}

void ers_prefix_table_release(struct ers_prefix_table *t)
{
	free(t->prefixes);
	for (int i = 0; i <= 32; i++)
		ers_map_release(&t->index[i]);
	ers_prefix_table_init(t);
}

/* Keys are addresses; UINT32_MAX and UINT32_MAX - 1 are the map's
 * markers. Host bits are zero, so only /31 and /32 can reach them: a /31
 * is keyed by addr >> 1, and the two top /32s are not representable
 * (255.255.255.254/32 and 255.255.255.255/32 are refused). */
static uint32_t addr_key(struct ers_prefix p)
{
	return p.len == 31 ? p.addr >> 1 : p.addr;
}

int64_t ers_prefix_find(const struct ers_prefix_table *t, struct ers_prefix p)
{
	void *v;

	if (p.len == 32 && p.addr >= 0xfffffffeu)
		return -1;
	v = ers_map_get(&t->index[p.len], addr_key(p));
	return v ? (int64_t)(uintptr_t)v - 1 : -1;
}

int64_t ers_prefix_id(struct ers_prefix_table *t, struct ers_prefix p)
{
	int64_t id = ers_prefix_find(t, p);

	if (id >= 0)
		return id;
	if (p.len == 32 && p.addr >= 0xfffffffeu)
		return -1;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct ers_prefix *v = realloc(t->prefixes, cap * sizeof *v);
		if (!v)
			return -1;
		t->prefixes = v;
		t->cap = cap;
	}
	if (ers_map_put(&t->index[p.len], addr_key(p), (void *)(uintptr_t)(t->n + 1)))
		return -1;
	t->prefixes[t->n] = p;
	return (int64_t)t->n++;
}
