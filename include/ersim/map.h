/*
 * map.h - an open-addressing hash map from uint32 keys to pointers, used
 * for RIBs (prefix id -> route) where a speaker holds few or many prefixes.
 * Keys are any uint32 except UINT32_MAX (the empty marker). Iteration order
 * is the slot order: callers that produce output sort first.
 */
#ifndef ERSIM_MAP_H
#define ERSIM_MAP_H

#include <stddef.h>
#include <stdint.h>

struct ers_map {
	uint32_t *keys;
	void **vals;
	uint32_t cap;			/* power of two, or 0 */
	uint32_t n;
	uint32_t n_tomb;		/* deleted slots */
};

#define ERS_MAP_EMPTY UINT32_MAX
#define ERS_MAP_TOMB (UINT32_MAX - 1)

void ers_map_init(struct ers_map *m);
void ers_map_release(struct ers_map *m);
void *ers_map_get(const struct ers_map *m, uint32_t key);
/* Insert or replace; returns 0, or -1 when out of memory. */
int ers_map_put(struct ers_map *m, uint32_t key, void *val);
/* Remove key; returns its value or NULL. */
void *ers_map_del(struct ers_map *m, uint32_t key);
void ers_map_clear(struct ers_map *m);

/* Iterate: for (size_t i = 0; ers_map_next(m, &i, &k, &v); ) */
int ers_map_next(const struct ers_map *m, size_t *i, uint32_t *key, void **val);

#endif
