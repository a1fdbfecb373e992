/*
 * target.c - failure targets resolved once (target.h). The loader turns
 * "msee:amsterdam-1/a" into a struct ers_target of scenario indices; this
 * module says what that target takes down, as parts named by scenario
 * indices (a circuit link, an MSEE, a router, a gateway, ...). The
 * simulator (run.c) maps each part to its world nodes and links, the
 * analysis (analyze_targets.c) to topology elements, the HTML report to
 * the vertices and edges it paints red, so all three agree by
 * construction on what "location:X" or "srlg:Y" means.
 *
 * An MSEE is named by the first circuit (in scenario order) whose link
 * lands on it and that link's side: circuits on the same MSEE pair share
 * the router, hence its fate. Which MSEE a link lands on follows from its
 * peering location (a Metro circuit lands at two), the circuit's msee-pair
 * and the side; the id "<location>-<pair>/<side>" is formatted and parsed
 * only here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/target.h"
#include "ersim/units.h"
#include "ersim/util.h"

static enum ers_err push_side(struct ers_parts *out, enum ers_part_kind kind, int a, int b,
			      int side)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].kind == kind && out->v[i].a == a && out->v[i].b == b &&
		    out->v[i].side == side)
			return ERS_OK;
	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 8;
		struct ers_part *p = realloc(out->v, cap * sizeof *p);

		if (!p)
			return ERS_ENOMEM;
		out->v = p;
		out->cap = cap;
	}
	out->v[out->n++] = (struct ers_part){ kind, a, b, side };
	return ERS_OK;
}

static enum ers_err push(struct ers_parts *out, enum ers_part_kind kind, int a, int b)
{
	return push_side(out, kind, a, b, -1);
}

void ers_parts_free(struct ers_parts *p)
{
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}

const char *ers_circuit_side_location(const struct ers_catalog *cat,
				      const struct ers_circuit *c, int side)
{
	const struct ers_metro *m = ers_catalog_metro(cat, c->location);

	return m ? m->locations[side] : c->location;
}

char *ers_msee_id(const char *location, int pair, int side)
{
	if (side < 0)
		return ers_asprintf("%s-%d", location, pair);
	return ers_asprintf("%s-%d/%c", location, pair, side ? 'b' : 'a');
}

enum ers_err ers_msee_id_parse(const char *text, bool with_side, char **location,
			       int *pair, int *side)
{
	const char *end = text + strlen(text), *dash;
	char num[32];
	uint64_t v;
	const char *why;

	if (with_side) {
		if (end - text < 3 || end[-2] != '/' || (end[-1] != 'a' && end[-1] != 'b'))
			return ERS_EINVAL;
		end -= 2;
	}
	for (dash = end; dash > text && dash[-1] != '-'; dash--)
		;
	/* "<location>-<pair>": both sides non-empty, the pair a number */
	if (dash - 1 <= text || dash == end || (size_t)(end - dash) >= sizeof num)
		return ERS_EINVAL;
	memcpy(num, dash, (size_t)(end - dash));
	num[end - dash] = '\0';
	if (strchr(num, '/') || ers_parse_uint(num, 1, 9999, &v, &why))
		return ERS_EINVAL;
	if (!(*location = strndup(text, (size_t)(dash - 1 - text))))
		return ERS_ENOMEM;
	*pair = (int)v;
	if (with_side)
		*side = end[1] == 'b';
	return ERS_OK;
}

static bool same_str(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Does side `side` of circuit c land on an MSEE tg names? */
static bool msee_named(const struct ers_catalog *cat, const struct ers_circuit *c, int side,
		       const struct ers_target *tg)
{
	const char *loc = ers_circuit_side_location(cat, c, side);

	if (!same_str(loc, tg->location))
		return false;
	if (tg->kind == ERS_T_LOCATION)
		return true;
	return c->msee_pair == tg->pair && (tg->kind == ERS_T_MSEE_PAIR || side == tg->side);
}

/* The MSEEs of an msee:, msee-pair: or location: target, each once (named
 * by its first landing), in the order the circuits first land on them. */
static enum ers_err resolve_msees(const struct ers_scenario *s, const struct ers_catalog *cat,
				  const struct ers_target *tg, struct ers_parts *out)
{
	for (size_t i = 0; i < s->n_circuits; i++)
		for (int side = 0; side < 2; side++) {
			const struct ers_circuit *c = &s->circuits[i];
			bool first = true;

			if (!msee_named(cat, c, side, tg))
				continue;
			/* an earlier landing on the same MSEE already named it */
			for (size_t j = 0; j < i && first; j++)
				first = !(s->circuits[j].msee_pair == c->msee_pair &&
					  same_str(ers_circuit_side_location(cat, &s->circuits[j], side),
						   ers_circuit_side_location(cat, c, side)));
			if (first && push(out, ERS_PART_MSEE, (int)i, side))
				return ERS_ENOMEM;
		}
	return ERS_OK;
}

/* A connection, or with a location only its sides that land there. */
static enum ers_err resolve_connection(const struct ers_scenario *s,
				       const struct ers_catalog *cat,
				       const struct ers_target *tg, struct ers_parts *out)
{
	const struct ers_circuit *c = &s->circuits[s->vnets[tg->a].connections[tg->b].circuit];
	bool at[2];

	if (!tg->location)
		return push(out, ERS_PART_CONNECTION, tg->a, tg->b);
	for (int side = 0; side < 2; side++)
		at[side] = same_str(ers_circuit_side_location(cat, c, side), tg->location);
	if (at[0] && at[1])
		return push(out, ERS_PART_CONNECTION, tg->a, tg->b);
	for (int side = 0; side < 2; side++)
		if (at[side] && push_side(out, ERS_PART_CONNECTION, tg->a, tg->b, side))
			return ERS_ENOMEM;
	return ERS_OK;
}

static enum ers_err resolve_circuit(int circuit, struct ers_parts *out)
{
	if (push(out, ERS_PART_LINK, circuit, 0) || push(out, ERS_PART_LINK, circuit, 1))
		return ERS_ENOMEM;
	return ERS_OK;
}

enum ers_err ers_target_resolve_provider(const struct ers_scenario *s, int p,
					 struct ers_parts *out)
{
	for (size_t i = 0; i < s->n_circuits; i++)
		if (s->circuits[i].provider == p && resolve_circuit((int)i, out))
			return ERS_ENOMEM;
	return ERS_OK;
}

enum ers_err ers_target_resolve(const struct ers_scenario *s, const struct ers_catalog *cat,
				const struct ers_target *tg, struct ers_parts *out)
{
	enum ers_err rc = ERS_OK;

	switch (tg->kind) {
	case ERS_T_LINK:
		return push(out, ERS_PART_LINK, tg->a, tg->b);
	case ERS_T_CIRCUIT:
		return resolve_circuit(tg->a, out);
	case ERS_T_MSEE:
	case ERS_T_MSEE_PAIR:
	case ERS_T_LOCATION:
		return resolve_msees(s, cat, tg, out);
	case ERS_T_ROUTER:
		return push(out, ERS_PART_ROUTER, tg->a, tg->b);
	case ERS_T_SITE:
		for (size_t r = 0; r < s->sites[tg->a].n_routers && !rc; r++)
			rc = push(out, ERS_PART_ROUTER, tg->a, (int)r);
		return rc;
	case ERS_T_GATEWAY:
		return push(out, ERS_PART_GATEWAY, tg->a, -1);
	case ERS_T_REGION:
		for (size_t v = 0; v < s->n_vnets && !rc; v++)
			if (same_str(s->vnets[v].region, tg->location))
				rc = push(out, ERS_PART_GATEWAY, (int)v, -1);
		return rc;
	case ERS_T_CONNECTION:
		return resolve_connection(s, cat, tg, out);
	case ERS_T_SITE_LINK:
		return push(out, ERS_PART_SITE_LINK, tg->a, -1);
	case ERS_T_VPN:
		return push(out, ERS_PART_VPN, tg->a, -1);
	case ERS_T_GLOBAL_REACH:
		return push(out, ERS_PART_GLOBAL_REACH, tg->a, -1);
	case ERS_T_SRLG:
		for (size_t i = 0; i < s->srlgs[tg->a].n_members && !rc; i++)
			rc = ers_target_resolve(s, cat, &s->srlgs[tg->a].members[i], out);
		return rc;
	}
	return ERS_OK;
}
