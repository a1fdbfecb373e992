/*
 * map.c - uint32 -> pointer hash map with linear probing and tombstones
 * (see map.h). Capacity doubles at 70% load (live + tombstones), so
 * lookups stay short even in RIBs that churn.
 */
#include <stdlib.h>

#include "ersim/map.h"

static inline size_t slot_of(uint32_t key, size_t cap)
{
	uint32_t h = key * 0x9e3779b1u;	/* Fibonacci hashing */
	h ^= h >> 15;
	return h & (cap - 1);
}

void ers_map_init(struct ers_map *m)
{
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = m->n_tomb = 0;
}

void ers_map_release(struct ers_map *m)
{
	free(m->keys);
	free(m->vals);
	ers_map_init(m);
}

void ers_map_clear(struct ers_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		m->keys[i] = ERS_MAP_EMPTY;
	m->n = m->n_tomb = 0;
}

void *ers_map_get(const struct ers_map *m, uint32_t key)
{
	if (!m->n)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			return m->vals[i];
		if (m->keys[i] == ERS_MAP_EMPTY)
			return NULL;
	}
}

static int resize(struct ers_map *m, size_t cap)
{
	if (cap > UINT32_MAX / 2)
		return -1;
	uint32_t *keys = malloc(cap * sizeof *keys);
	void **vals = malloc(cap * sizeof *vals);

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < cap; i++)
		keys[i] = ERS_MAP_EMPTY;
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i] >= ERS_MAP_TOMB)
			continue;
		size_t j = slot_of(m->keys[i], cap);
		while (keys[j] != ERS_MAP_EMPTY)
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = (uint32_t)cap;
	m->n_tomb = 0;
	return 0;
}

int ers_map_put(struct ers_map *m, uint32_t key, void *val)
{
	size_t tomb = SIZE_MAX;

	if ((m->n + m->n_tomb + 1) * 10 > m->cap * 7) {
		size_t cap = m->cap ? m->cap : 2;
		while ((m->n + 1) * 10 > cap * 5)
			cap *= 2;
		if (resize(m, cap))
			return -1;
	}
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return 0;
		}
		if (m->keys[i] == ERS_MAP_TOMB && tomb == SIZE_MAX)
			tomb = i;
		if (m->keys[i] == ERS_MAP_EMPTY) {
			if (tomb != SIZE_MAX) {
				i = tomb;
				m->n_tomb--;
			}
			m->keys[i] = key;
			m->vals[i] = val;
			m->n++;
			return 0;
		}
	}
}

void *ers_map_del(struct ers_map *m, uint32_t key)
{
	if (!m->n)
		return NULL;
	for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			void *v = m->vals[i];
			m->keys[i] = ERS_MAP_TOMB;
			m->n--;
			m->n_tomb++;
			return v;
		}
		if (m->keys[i] == ERS_MAP_EMPTY)
			return NULL;
	}
}

int ers_map_next(const struct ers_map *m, size_t *i, uint32_t *key, void **val)
{
	for (; *i < m->cap; (*i)++) {
		if (m->keys[*i] < ERS_MAP_TOMB) {
			*key = m->keys[*i];
			*val = m->vals[*i];
			(*i)++;
			return 1;
		}
	}
	return 0;
}
