/*
 * check_bgp_core.c - suite "bgp_core": the BGP core (bgp_fsm.c,
 * bgp_msg.c, bgp_update.c, bgp_bfd.c, bgp_rib.c, bgp_decision.c) driven alone, without run.c and the
 * observers: a world built from tests/bgp/two-sites.xml, an engine, and
 * this file's own hooks (struct ers_bgp_hooks) recording what the core
 * reports. The test announces and withdraws a prefix itself, as a
 * <withdraw> step would, and checks what the hooks saw. Also the update
 * groups (tests/bgp/hub.xml): peers alike share one export, and what is
 * per peer (split horizon) stays per peer.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/bgp.h"
#include "ersim/units.h"

#define MAX_SEEN 64

/* What the hooks saw, in order. */
struct seen_change {
	char router[32], prefix[24];
	bool has_route;
	char via[32];		/* neighbour the best route came from, "" = own */
	uint16_t path_len;
	ers_time_t at;
	uint64_t tag;		/* what best_changed returned */
};

struct seen {
	struct ers_world *w;
	int n_up, n_down;
	uint64_t n_announced, n_withdrawn;
	struct seen_change ch[MAX_SEEN];
	size_t n_ch;
	uint64_t next_tag;
};

static void session_up(void *ctx, const struct ers_peer *p)
{
	struct seen *v = ctx;

	ck_assert_int_eq(p->state, ERS_BGP_ESTABLISHED);
	v->n_up++;
}

static void session_down(void *ctx, const struct ers_peer *p, const char *why)
{
	((struct seen *)ctx)->n_down++;
}

static void update_out(void *ctx, const struct ers_peer *p, size_t n_announced,
		       size_t n_withdrawn)
{
	struct seen *v = ctx;

	v->n_announced += n_announced;
	v->n_withdrawn += n_withdrawn;
}

static const struct seen_change *last_change(const struct seen *v, const char *router,
					     const char *prefix);

/* Records the change. The tag it returns is a counter: the core must
 * hand it back as `was` with the entry's next change. */
static uint64_t best_changed(void *ctx, const struct ers_speaker *s, uint32_t prefix,
			     uint64_t was, const struct ers_loc *now)
{
	struct seen *v = ctx;
	struct seen_change *c = &v->ch[v->n_ch];
	const struct seen_change *prev;

	ck_assert_uint_lt(v->n_ch, MAX_SEEN);
	snprintf(c->router, sizeof c->router, "%s", s->id);
	ers_prefix_str(v->w->prefixes.prefixes[prefix], c->prefix, sizeof c->prefix);
	c->has_route = now != NULL;
	snprintf(c->via, sizeof c->via, "%s", now && now->best ? now->best->remote->self->id : "");
	c->path_len = now ? now->attrs->path_len : 0;
	c->at = ers_sim_now(v->w->sim);
	prev = last_change(v, c->router, c->prefix);
	ck_assert_uint_eq(was, prev ? prev->tag : 0);
	c->tag = now ? ++v->next_tag : 0;
	v->n_ch++;
	return c->tag;
}

static const struct ers_bgp_hooks hooks = {
	.session_up = session_up,
	.session_down = session_down,
	.update_out = update_out,
	.best_changed = best_changed,
};

/* The last change the hooks saw for router and prefix, or NULL. */
static const struct seen_change *last_change(const struct seen *v, const char *router,
					     const char *prefix)
{
	for (size_t i = v->n_ch; i-- > 0;)
		if (!strcmp(v->ch[i].router, router) && !strcmp(v->ch[i].prefix, prefix))
			return &v->ch[i];
	return NULL;
}

START_TEST(test_bgp_core_alone_announce_withdraw)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_world w = { 0 };
	struct seen v = { .w = &w };
	struct ers_diag d;
	struct ers_speaker *a, *b;
	const struct seen_change *c;
	struct ers_prefix p = { .addr = 0xc0a80a00u, .len = 24 };	/* 192.168.10.0/24 */
	int64_t id;
	size_t n_before;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("tests/bgp/two-sites.xml", &s, &cat, &d), ERS_OK);
	ck_assert_int_eq(ers_world_build(&w, s, cat, &d), ERS_OK);
	ck_assert_ptr_nonnull(w.sim = ers_sim_new(1));
	w.hooks = &hooks;
	w.hooks_ctx = &v;
	a = w.site_speakers[0][0];
	b = w.site_speakers[1][0];

	ers_bgp_start(&w);
	ers_sim_run(w.sim, 10 * ERS_S);
	ck_assert_int_eq(w.err, ERS_OK);
	/* Both ends up, each router's own prefix and the other's learned. */
	ck_assert_int_eq(v.n_up, 2);
	ck_assert_int_eq(v.n_down, 0);
	c = last_change(&v, "a/r1", "192.168.10.0/24");
	ck_assert_msg(c && c->has_route && !c->via[0], "a's own route not reported");
	c = last_change(&v, "b/r1", "192.168.10.0/24");
	ck_assert_msg(c && c->has_route, "b's route to 192.168.10.0/24 not reported");
	ck_assert_str_eq(c->via, "a/r1");
	ck_assert_uint_eq(c->path_len, 1);	/* 65010 */
	ck_assert_int_lt(c->at, ERS_S);
	ck_assert_uint_eq(v.n_announced, 2);
	ck_assert_uint_eq(v.n_withdrawn, 0);
	/* The hook's tag is what the core keeps with the entry. */
	id = ers_prefix_find(&w.prefixes, p);
	ck_assert_int_ge(id, 0);
	ck_assert_uint_ne(((struct ers_loc *)ers_map_get(&b->loc, (uint32_t)id))->state, 0);

	/* a stops originating it (what a <withdraw> step does). */
	n_before = v.n_ch;
	ers_map_del(&a->local, (uint32_t)id);
	ers_rib_decide(&w, a, (uint32_t)id);
	ers_sim_run(w.sim, 20 * ERS_S);
	ck_assert_int_eq(w.err, ERS_OK);
	c = last_change(&v, "b/r1", "192.168.10.0/24");
	ck_assert_msg(c && !c->has_route, "b's withdrawal not reported");
	ck_assert_int_gt(c->at, 10 * ERS_S);
	ck_assert_ptr_null(ers_map_get(&b->loc, (uint32_t)id));
	ck_assert_uint_eq(v.n_withdrawn, 1);
	/* Exactly two changes: a's route gone, then b's; the other prefix
	 * and the session stay. */
	ck_assert_uint_eq(v.n_ch - n_before, 2);
	ck_assert_str_eq(v.ch[n_before].router, "a/r1");
	ck_assert_int_eq(v.n_down, 0);
	/* Nothing of a run was needed: no result, no event records. */
	ck_assert_ptr_null(w.result);
	ck_assert_ptr_null(w.ev);

	ers_bgp_release(&w);
	ers_sim_free(w.sim);
	ers_world_release(&w);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
}
END_TEST

/* Without hooks at all the core runs the same and reports to nobody. */
START_TEST(test_bgp_core_without_hooks)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_world w = { 0 };
	struct ers_diag d;
	struct ers_prefix p = { .addr = 0xc0a80a00u, .len = 24 };
	int64_t id;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("tests/bgp/two-sites.xml", &s, &cat, &d), ERS_OK);
	ck_assert_int_eq(ers_world_build(&w, s, cat, &d), ERS_OK);
	ck_assert_ptr_nonnull(w.sim = ers_sim_new(1));
	ers_bgp_start(&w);
	ers_sim_run(w.sim, 10 * ERS_S);
	id = ers_prefix_find(&w.prefixes, p);
	ck_assert_int_ge(id, 0);
	ck_assert_ptr_nonnull(ers_map_get(&w.site_speakers[1][0]->loc, (uint32_t)id));
	ck_assert_uint_eq(w.updates, 2);
	ers_bgp_release(&w);
	ers_sim_free(w.sim);
	ers_world_release(&w);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
}
END_TEST

static uint32_t prefix_id(struct ers_world *w, uint32_t addr, uint8_t len)
{
	int64_t id = ers_prefix_find(&w->prefixes, (struct ers_prefix){ addr, len });

	ck_assert_int_ge(id, 0);
	return (uint32_t)id;
}

static struct ers_peer *peer_to(struct ers_speaker *s, const char *remote)
{
	for (size_t i = 0; i < s->n_peers; i++)
		if (!strcmp(s->peers[i]->remote->self->id, remote))
			return s->peers[i];
	ck_abort_msg("%s has no neighbour %s", s->id, remote);
	return NULL;
}

/* Update groups: the hub's customers are one group, and what is per
 * peer stays per peer: a customer's prefix goes to the other customers
 * and the peer, never back to where it came from. */
START_TEST(test_bgp_core_update_groups)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *cat = NULL;
	struct ers_world w = { 0 };
	struct ers_diag d;
	struct ers_speaker *hub, *c2;
	struct ers_peer *to_c[3], *to_p1;
	uint32_t own, cp[3], pp;
	const struct ers_loc *l;

	ers_diag_init(&d);
	ck_assert_int_eq(ers_scenario_open("tests/bgp/hub.xml", &s, &cat, &d), ERS_OK);
	ck_assert_int_eq(ers_world_build(&w, s, cat, &d), ERS_OK);
	ck_assert_ptr_nonnull(w.sim = ers_sim_new(1));
	ers_bgp_start(&w);
	ers_sim_run(w.sim, 10 * ERS_S);
	ck_assert_int_eq(w.err, ERS_OK);
	hub = w.site_speakers[0][0];
	c2 = w.site_speakers[2][0];
	to_c[0] = peer_to(hub, "c1/r1");
	to_c[1] = peer_to(hub, "c2/r1");
	to_c[2] = peer_to(hub, "c3/r1");
	to_p1 = peer_to(hub, "p1/r1");
	ck_assert_int_ge(to_c[0]->export_group, 0);
	ck_assert_int_eq(to_c[1]->export_group, to_c[0]->export_group);
	ck_assert_int_eq(to_c[2]->export_group, to_c[0]->export_group);
	ck_assert_int_eq(to_p1->export_group, -1);

	own = prefix_id(&w, 0x0a000000u, 16);
	pp = prefix_id(&w, 0x0a640000u, 16);
	for (int i = 0; i < 3; i++)
		cp[i] = prefix_id(&w, 0x0a000000u | (uint32_t)(i + 1) << 16, 16);
	for (int i = 0; i < 3; i++) {
		ck_assert_ptr_nonnull(ers_map_get(&to_c[i]->adj_out, own));
		ck_assert_ptr_nonnull(ers_map_get(&to_c[i]->adj_out, pp));
		for (int j = 0; j < 3; j++)
			ck_assert_msg(!ers_map_get(&to_c[i]->adj_out, cp[j]) == (i == j),
				      "hub to c%d, prefix of c%d: %s", i + 1, j + 1,
				      i == j ? "sent back" : "not sent");
		ck_assert_ptr_nonnull(ers_map_get(&to_p1->adj_out, cp[i]));
	}
	ck_assert_ptr_null(ers_map_get(&to_p1->adj_out, pp));
	l = ers_map_get(&c2->loc, cp[0]);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->attrs->path_len, 2);
	ck_assert_uint_eq(l->attrs->path[0], 65000);
	ck_assert_uint_eq(l->attrs->path[1], 65001);

	ers_bgp_release(&w);
	ers_sim_free(w.sim);
	ers_world_release(&w);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
}
END_TEST

Suite *make_bgp_core_suite(void)
{
	Suite *s = suite_create("bgp_core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_bgp_core_alone_announce_withdraw);
	tcase_add_test(tc, test_bgp_core_without_hooks);
	tcase_add_test(tc, test_bgp_core_update_groups);
	suite_add_tcase(s, tc);
	return s;
}
