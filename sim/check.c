/*
 * check.c - the meaning of a loaded scenario, checked against the merged
 * geography catalog and ExpressRoute's documented rules: catalog names,
 * SKU reach of every VNet connection, Global Reach, reserved ASNs, the
 * per-circuit and per-gateway limits, prefixes that cannot coexist,
 * event times and targets, flows. load.c has already checked syntax,
 * schema, units and id references, so every index here is valid; this
 * file never changes the model. Every problem is reported (not just the
 * first), each at the line of the element that is wrong and with a hint
 * saying how to fix it. The rules and the fact each one comes from are
 * listed in docs/validation.md; the facts are the ExpressRoute fact sheet
 * (reference/expressroute-facts.md).
 *
 * ers_scenario_open() is the pipeline every command runs: load, merge
 * the scenario's <geography> over the built-in catalog, check both.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/catalog.h"
#include "ersim/expressroute.h"
#include "ersim/scenario.h"
#include "ersim/target.h"
#include "ersim/units.h"
#include "ersim/util.h"

#define MBPS ((ers_rate_t)1000000)
#define GBPS ((ers_rate_t)1000000000)


/* One check run: what is checked and where problems go. */
struct ck {
	const struct ers_scenario *s;
	const struct ers_catalog *cat;
	struct ers_diag *d;
	size_t n_err;
};

/* Where a circuit lands, resolved from the catalog: one peering location,
 * or the two of a metro. */
struct place {
	const char *name;		/* "Amsterdam" or "Amsterdam Metro" */
	const char *geo;		/* geopolitical region id */
	const struct ers_location *locs[2];
	size_t n_locs;
	bool national;
};

__attribute__((format(printf, 4, 5)))
static void err(struct ck *k, long line, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ers_diag_vadd(k->d, ERS_ESCENARIO, k->s->file, line, hint, fmt, ap);
	va_end(ap);
	k->n_err++;
}

/* ---- catalog helpers ------------------------------------------------ */

static const char *geo_name(const struct ck *k, const char *geo)
{
	const struct ers_geo_region *g = geo ? ers_catalog_geo(k->cat, geo) : NULL;

	if (g && g->name)
		return g->name;
	return geo ? geo : "?";
}

static bool geo_national(const struct ck *k, const char *geo)
{
	const struct ers_geo_region *g = geo ? ers_catalog_geo(k->cat, geo) : NULL;

	return g && g->national;
}

static bool region_national(const struct ck *k, const struct ers_region *r)
{
	return r->national || geo_national(k, r->geo);
}

static bool same_id(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Resolve circuit c's location; false when the catalog does not know it
 * (reported once, by check_circuit_location). */
static bool circuit_place(const struct ck *k, const struct ers_circuit *c,
			  struct place *p)
{
	const struct ers_location *l = ers_catalog_location(k->cat, c->location);
	const struct ers_metro *m;

	memset(p, 0, sizeof *p);
	if (l) {
		p->name = l->name ? l->name : l->id;
		p->geo = l->geo;
		p->locs[p->n_locs++] = l;
		p->national = l->national || geo_national(k, l->geo);
		return true;
	}
	m = ers_catalog_metro(k->cat, c->location);
	if (!m)
		return false;
	p->name = m->name ? m->name : m->id;
	p->geo = m->geo;
	p->national = geo_national(k, m->geo);
	for (int i = 0; i < 2; i++) {
		l = m->locations[i] ? ers_catalog_location(k->cat, m->locations[i]) : NULL;
		if (!l)
			continue;
		p->locs[p->n_locs++] = l;
		p->national = p->national || l->national;
	}
	return true;
}

static bool place_has(const struct place *p, const char *loc)
{
	for (size_t i = 0; i < p->n_locs; i++)
		if (same_id(p->locs[i]->id, loc))
			return true;
	return false;
}

/* Local regions of a place: a metro offers those of both its locations. */
static bool place_local_region(const struct place *p, const char *region)
{
	for (size_t i = 0; i < p->n_locs; i++)
		for (size_t j = 0; j < p->locs[i]->n_local_regions; j++)
			if (same_id(p->locs[i]->local_regions[j], region))
				return true;
	return false;
}

static size_t place_n_local(const struct place *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_locs; i++)
		n += p->locs[i]->n_local_regions;
	return n;
}

/* "westeurope", "westeurope or northeurope" into buf. */
static void place_local_list(const struct place *p, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < p->n_locs; i++)
		for (size_t j = 0; j < p->locs[i]->n_local_regions; j++)
			used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s'%s'",
						 used ? " or " : "",
						 p->locs[i]->local_regions[j]);
}

/* ---- nearest spellings ----------------------------------------------- */

#define SPELL_MAX 48

/* Lowercase, and drop what Azure's ids never hold (spaces, punctuation
 * but '-'), so "West Europe" compares equal to "westeurope". */
static size_t spell_norm(const char *in, char *out)
{
	size_t n = 0;

	for (; *in && n < SPELL_MAX; in++)
		if (isalnum((unsigned char)*in) || *in == '-')
			out[n++] = (char)tolower((unsigned char)*in);
	out[n] = '\0';
	return n;
}

/* Levenshtein distance of two normalized words (one row of the table). */
static size_t spell_dist(const char *a, size_t na, const char *b)
{
	size_t row[SPELL_MAX + 1], nb = strlen(b);

	if (nb > SPELL_MAX)
		nb = SPELL_MAX;
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

struct speller {
	char word[SPELL_MAX + 1];
	size_t n_word;
	size_t best;			/* distance of the names in found */
	const char *found[3];
	size_t n_found;
};

static void spell_init(struct speller *sp, const char *word)
{
	memset(sp, 0, sizeof *sp);
	sp->n_word = spell_norm(word, sp->word);
	/* Farther than a third of the word is a different name, not a typo. */
	sp->best = sp->n_word / 3 + 2;
}

static void spell_try(struct speller *sp, const char *id)
{
	size_t dist;

	if (!id)
		return;
	dist = spell_dist(sp->word, sp->n_word, id);
	if (dist > sp->best)
		return;
	if (dist < sp->best)
		sp->n_found = 0;
	sp->best = dist;
	if (sp->n_found < 3)
		sp->found[sp->n_found++] = id;
}

/* "did you mean 'amsterdam' or 'amsterdam2'? (see docs/geography.md)" */
static const char *spell_hint(const struct speller *sp, const char *tail,
			      char *buf, size_t n)
{
	size_t used = 0;

	if (!sp->n_found) {
		snprintf(buf, n, "see %s", tail);
		return buf;
	}
	used += (size_t)snprintf(buf, n, "did you mean ");
	for (size_t i = 0; i < sp->n_found; i++)
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s'%s'",
					 i == 0 ? "" : i + 1 == sp->n_found ? " or " : ", ",
					 sp->found[i]);
	snprintf(buf + used, used < n ? n - used : 0, "? (see %s)", tail);
	return buf;
}

static const char *location_hint(const struct ck *k, const char *word,
				 bool metros, char *buf, size_t n)
{
	struct speller sp;

	spell_init(&sp, word);
	for (size_t i = 0; i < k->cat->n_locations; i++)
		spell_try(&sp, k->cat->locations[i].id);
	for (size_t i = 0; metros && i < k->cat->n_metros; i++)
		spell_try(&sp, k->cat->metros[i].id);
	return spell_hint(&sp, "docs/geography.md for peering location ids", buf, n);
}

static const char *region_hint(const struct ck *k, const char *word,
			       char *buf, size_t n)
{
	struct speller sp;

	spell_init(&sp, word);
	for (size_t i = 0; i < k->cat->n_regions; i++)
		spell_try(&sp, k->cat->regions[i].id);
	return spell_hint(&sp, "docs/geography.md for Azure region ids", buf, n);
}

/* ---- circuits ------------------------------------------------------- */

static void check_circuit_location(struct ck *k, const struct ers_circuit *c)
{
	const struct ers_provider *pr = &k->s->providers[c->provider];
	struct place p;
	char hint[512];

	if (!circuit_place(k, c, &p)) {
		err(k, c->line, location_hint(k, c->location, true, hint, sizeof hint),
		    "circuit '%s': unknown peering location or metro '%s'",
		    c->id, c->location);
		return;
	}
	if (c->sku == ERS_SKU_LOCAL && place_n_local(&p) == 0)
		err(k, c->line,
		    "Local needs an Azure region in or near the location's metro; "
		    "use sku=\"standard\" or a location that lists local regions (docs/geography.md)",
		    "circuit '%s' is local but %s offers no local region", c->id, p.name);
	for (size_t i = 0; pr->model == ERS_PROVIDER_DIRECT && i < p.n_locs; i++)
		if (!p.locs[i]->direct)
			err(k, c->line, "use a provider with model=\"layer2\" or \"layer3\", "
			    "or a location that offers Direct",
			    "circuit '%s': ExpressRoute Direct is not offered at %s",
			    c->id, p.locs[i]->name ? p.locs[i]->name : p.locs[i]->id);
}

static const ers_rate_t provider_sizes[] = {
	50 * MBPS, 100 * MBPS, 200 * MBPS, 500 * MBPS,
	1 * GBPS, 2 * GBPS, 5 * GBPS, 10 * GBPS, 0
};
/* Direct ports: 10G (1-10G), 100G (5-100G), 400G (up to 400G) [direct]. */
static const ers_rate_t direct_sizes[] = {
	1 * GBPS, 2 * GBPS, 5 * GBPS, 10 * GBPS, 40 * GBPS, 100 * GBPS,
	200 * GBPS, 400 * GBPS, 0
};

static void check_circuit_bandwidth(struct ck *k, const struct ers_circuit *c)
{
	bool direct = k->s->providers[c->provider].model == ERS_PROVIDER_DIRECT;
	const ers_rate_t *sizes = direct ? direct_sizes : provider_sizes;
	char bw[32];

	for (size_t i = 0; sizes[i]; i++)
		if (c->bandwidth == sizes[i])
			return;
	err(k, c->line,
	    direct ? "ExpressRoute Direct circuits come in 1, 2, 5, 10, 40, 100 Gbps "
		     "(200 and 400 Gbps on 400G ports)"
		   : "provider circuits come in 50, 100, 200, 500 Mbps and 1, 2, 5, 10 Gbps; "
		     "40 and 100 Gbps need an ExpressRoute Direct provider (model=\"direct\")",
	    "circuit '%s': bandwidth %s is not an ExpressRoute %s size",
	    c->id, ers_rate_str(c->bandwidth, bw, sizeof bw),
	    direct ? "Direct circuit" : "provider circuit");
}

/* The MSEE's prefix limit is Microsoft's, not the customer's: a scenario
 * may lower it for a what-if study, never raise it past the SKU's. */
static void check_circuit_max_prefix(struct ck *k, const struct ers_circuit *c)
{
	uint32_t max = ers_er_prefix_limit(c->sku);
	char hint[160], more[40] = "";

	if (c->max_prefix <= max)
		return;
	if (c->sku != ERS_SKU_PREMIUM)
		snprintf(more, sizeof more, "; premium allows %u",
			 (unsigned)ers_er_prefix_limit(ERS_SKU_PREMIUM));
	snprintf(hint, sizeof hint, "private peering accepts at most %u prefixes on a %s circuit%s",
		 (unsigned)max, ers_sku_str(c->sku), more);
	err(k, c->max_prefix_line ? c->max_prefix_line : c->line, hint,
	    "circuit '%s': max-prefix %u is over the %s SKU's limit of %u",
	    c->id, (unsigned)c->max_prefix, ers_sku_str(c->sku), (unsigned)max);
}

static void check_circuit_links(struct ck *k, size_t ci)
{
	const struct ers_circuit *c = &k->s->circuits[ci];
	size_t n_conn = 0, n_gr = 0;
	unsigned limit = ers_er_vnet_link_limit(c->sku, c->bandwidth);
	char bw[32], hint[200];

	for (size_t v = 0; v < k->s->n_vnets; v++)
		for (size_t j = 0; j < k->s->vnets[v].n_connections; j++)
			n_conn += k->s->vnets[v].connections[j].circuit == (int)ci;
	for (size_t g = 0; g < k->s->n_global_reach; g++)
		n_gr += k->s->global_reach[g].a == (int)ci || k->s->global_reach[g].b == (int)ci;
	if (n_conn + n_gr <= limit)
		return;
	if (c->sku == ERS_SKU_PREMIUM)
		snprintf(hint, sizeof hint, "Global Reach connections count as VNet links; "
			 "a premium circuit of 10 Gbps or more allows 100; spread the VNets over more circuits");
	else
		snprintf(hint, sizeof hint, "Global Reach connections count as VNet links; "
			 "use sku=\"premium\" (%u links at this bandwidth) or another circuit",
			 ers_er_vnet_link_limit(ERS_SKU_PREMIUM, c->bandwidth));
	err(k, c->line, hint,
	    "circuit '%s' has %zu VNet links (%zu connections, %zu Global Reach), "
	    "over the limit of %u for a %s %s circuit",
	    c->id, n_conn + n_gr, n_conn, n_gr, limit, ers_sku_str(c->sku),
	    ers_rate_str(c->bandwidth, bw, sizeof bw));
}

/* A layer-3 provider's PEs speak eBGP to both the MSEE and the CE. */
static void check_circuit_layer3(struct ck *k, const struct ers_circuit *c)
{
	const struct ers_provider *pr = &k->s->providers[c->provider];

	if (pr->model != ERS_PROVIDER_LAYER3 || pr->asn == 0)
		return;
	for (int r = 0; r < 2; r++) {
		const struct ers_site *site = &k->s->sites[c->links[r].ce.site];

		if (r == 1 && c->links[1].ce.site == c->links[0].ce.site)
			break;
		if (site->asn == pr->asn)
			err(k, c->links[r].line,
			    "the provider's PE and the customer's CE peer over eBGP: give them different ASNs",
			    "circuit '%s': site '%s' and layer3 provider '%s' share ASN %u",
			    c->id, site->id, pr->id, (unsigned)pr->asn);
	}
}

/* Microsoft peering (facts 3.1, 6.1, 6.2, 4.1): public prefixes only,
 * at most 200 a session, a route filter of Microsoft's communities
 * (Microsoft 365 needs premium); without a filter Microsoft advertises
 * nothing (a warning: valid configuration, an empty peering). */
/* A route filter's communities: Microsoft's service or regional ones,
 * Microsoft 365 only on premium (facts 4.1, 6.1, 6.2, 9). */
static void check_route_filter(struct ck *k, const struct ers_circuit *c,
			       const ers_community_t *rf, size_t n, long line)
{
	char cm[24];

	for (size_t i = 0; i < n; i++) {
		bool o365;
		const char *what = ers_er_ms_community(rf[i], &o365);

		ers_community_str(rf[i], cm, sizeof cm);
		if (!what)
			err(k, line, "a route filter selects Microsoft's service communities "
			    "(12076:5010 Exchange, 12076:5070 Azure Resource Manager, ...) or "
			    "regional ones (12076:51xxx); see docs/scenario-format.md",
			    "circuit '%s': route filter community %s is not one Microsoft tags "
			    "Microsoft peering routes with", c->id, cm);
		else if (o365 && c->sku != ERS_SKU_PREMIUM)
			err(k, line, "Microsoft 365 over ExpressRoute needs the premium add-on: "
			    "use sku=\"premium\" or drop the community",
			    "circuit '%s' is %s but its route filter selects %s (%s)",
			    c->id, ers_sku_str(c->sku), what, cm);
	}
}

static void check_ms_peering(struct ck *k, const struct ers_circuit *c)
{
	const struct ers_ms_peering *m = &c->ms;
	unsigned max = (unsigned)ers_er_limit_value(ERS_ER_MS_PREFIX);
	char p[48];

	if (!m->present)
		return;
	for (size_t i = 0; i < m->n_prefixes; i++) {
		const char *why;

		if (ers_er_ms_prefix_ok(m->prefixes[i], &why))
			continue;
		err(k, m->line, "Microsoft peering carries public prefixes registered to you "
		    "(RIR or IRR); advertise private ranges over private peering",
		    "circuit '%s': Microsoft peering prefix %s is %s", c->id,
		    ers_prefix_str(m->prefixes[i], p, sizeof p), why);
	}
	if (m->n_prefixes > max)
		err(k, m->line, "Microsoft drops the session above 200 prefixes (any SKU); "
		    "summarise the public ranges",
		    "circuit '%s': %zu Microsoft peering prefixes, over the limit of %u",
		    c->id, m->n_prefixes, max);
	check_route_filter(k, c, m->route_filter, m->n_route_filter, m->line);
	if (!m->has_route_filter)
		ers_diag_warn(k->d, k->s->file, m->line,
			      "add route-filter=\"12076:...\" naming the services (and regions) "
			      "you want; see docs/scenario-format.md",
			      "circuit '%s': Microsoft peering without a route filter: Microsoft "
			      "advertises no prefixes", c->id);
	for (int side = 0; side < 2; side++) {
		const struct ers_router_ref *ce = &c->links[side].ce;
		const struct ers_provider *pv = c->provider >= 0 ? &k->s->providers[c->provider] : NULL;
		uint32_t asn = ce->site >= 0 ? k->s->sites[ce->site].asn : 0;

		if (pv && pv->model == ERS_PROVIDER_LAYER3 && pv->asn >= 64496 && pv->asn <= 64511)
			asn = pv->asn;
		if (asn >= 64496 && asn <= 64511) {
			err(k, m->line, "use your registered ASN (or a private one, which Microsoft "
			    "strips) on Microsoft peering",
			    "circuit '%s': Microsoft peering refuses AS paths holding AS %u "
			    "(documentation range 64496-64511)", c->id, (unsigned)asn);
			break;
		}
	}
	if (m->nat == ERS_MS_NAT_PER_LINK && m->n_prefixes != 2)
		err(k, m->line, "with nat=\"per-link\" list two prefixes: the primary link's "
		    "NAT pool, then the secondary's",
		    "circuit '%s': per-link NAT needs one pool per link (two prefixes), %zu given",
		    c->id, m->n_prefixes);
}

static void check_circuits(struct ck *k)
{
	for (size_t i = 0; i < k->s->n_circuits; i++) {
		const struct ers_circuit *c = &k->s->circuits[i];

		check_circuit_location(k, c);
		check_circuit_bandwidth(k, c);
		check_circuit_max_prefix(k, c);
		check_circuit_links(k, i);
		check_circuit_layer3(k, c);
		check_ms_peering(k, c);
	}
}

/* ---- ASNs ----------------------------------------------------------- */

/* Why asn cannot be a customer's or provider's, or NULL if it can. */
static const char *asn_reserved(uint32_t asn)
{
	if (asn == 0)
		return "0 is not a valid AS number (RFC 7607)";
	if (asn == ERS_ASN_MICROSOFT)
		return "12076 is Microsoft's own ASN on every peering";
	if (asn == 23456)
		return "23456 is AS_TRANS (RFC 6793), never a real AS";
	if (asn >= 65515 && asn <= 65520)
		return "65515-65520 are reserved by Azure (65515 is the gateway's ASN)";
	return NULL;
}

#define ASN_HINT "pick another ASN, for example a private one in 64512-65514 " \
	"or 4200000000-4294967294"

static void check_asns(struct ck *k)
{
	const char *why;

	for (size_t i = 0; i < k->s->n_sites; i++) {
		const struct ers_site *site = &k->s->sites[i];

		if ((why = asn_reserved(site->asn)))
			err(k, site->line, ASN_HINT, "site '%s' uses reserved ASN %u: %s",
			    site->id, (unsigned)site->asn, why);
	}
	for (size_t i = 0; i < k->s->n_providers; i++) {
		const struct ers_provider *pr = &k->s->providers[i];

		if (pr->model != ERS_PROVIDER_LAYER3)
			continue;
		if (pr->asn == 0)
			err(k, pr->line, "add asn=\"...\": the provider's PE routers peer with the MSEEs and the CEs",
			    "layer3 provider '%s' needs an asn", pr->id);
		else if ((why = asn_reserved(pr->asn)))
			err(k, pr->line, ASN_HINT, "provider '%s' uses reserved ASN %u: %s",
			    pr->id, (unsigned)pr->asn, why);
	}
}

/* ---- VNets: region, reach, gateway limits ----------------------------- */

static void reach_error(struct ck *k, const struct ers_vnet *v,
			const struct ers_connection *cn, const struct ers_region *r,
			const struct place *p, const char *hint, const char *what)
{
	const struct ers_circuit *c = &k->s->circuits[cn->circuit];

	err(k, cn->line, hint,
	    "connection from vnet '%s' (region '%s', %s) to circuit '%s' (%s, %s, %s) %s",
	    v->id, r->id, geo_name(k, r->geo), c->id, ers_sku_str(c->sku), p->name,
	    geo_name(k, p->geo), what);
}

/* The reach rule of facts 4.1: national clouds are isolated whatever the
 * SKU; then local reaches the location's local regions, standard its
 * geopolitical region, premium every commercial region. */
static void check_reach(struct ck *k, const struct ers_vnet *v,
			const struct ers_connection *cn)
{
	const struct ers_circuit *c = &k->s->circuits[cn->circuit];
	const struct ers_region *r = ers_catalog_region(k->cat, v->region);
	struct place p;
	struct ers_er_reach_in in;
	char hint[400], list[256];

	if (!r || !circuit_place(k, c, &p))
		return;
	in.region_national = region_national(k, r);
	in.place_national = p.national;
	in.same_geo = same_id(r->geo, p.geo);
	in.local_offered = place_n_local(&p) > 0;
	in.region_local = place_local_region(&p, r->id);
	switch (ers_er_reach(c->sku, &in)) {
	case ERS_ER_REACH_OK:
		return;
	case ERS_ER_REACH_NATIONAL:
		reach_error(k, v, cn, r, &p,
			    "national clouds (US Government, China) are isolated from each other and "
			    "from commercial Azure, even with premium; use a circuit at a peering "
			    "location of the VNet's cloud", "crosses a national cloud boundary");
		return;
	case ERS_ER_REACH_LOCAL:
		place_local_list(&p, list, sizeof list);
		snprintf(hint, sizeof hint, "local circuits reach only the location's local "
			 "region %s; use sku=\"standard\" or \"premium\"", list);
		reach_error(k, v, cn, r, &p, hint, "breaks the local SKU's reach");
		return;
	case ERS_ER_REACH_STANDARD:
		snprintf(hint, sizeof hint, "standard circuits reach only regions in their "
			 "geopolitical region; use sku=\"premium\" or a circuit in %s",
			 geo_name(k, r->geo));
		reach_error(k, v, cn, r, &p, hint, "breaks the standard SKU's reach");
		return;
	}
}

static void check_vnet_region(struct ck *k, const struct ers_vnet *v)
{
	char hint[512];

	if (!ers_catalog_region(k->cat, v->region))
		err(k, v->line, region_hint(k, v->region, hint, sizeof hint),
		    "vnet '%s': unknown Azure region '%s'", v->id, v->region);
}

static bool conn_is_repeat(const struct ers_vnet *v, size_t j)
{
	for (size_t i = 0; i < j; i++)
		if (v->connections[i].circuit == v->connections[j].circuit)
			return true;
	return false;
}

/* Count the distinct circuits at peering location loc on vnet v. */
static size_t circuits_at(const struct ck *k, const struct ers_vnet *v, const char *loc)
{
	size_t n = 0;
	struct place p;

	for (size_t j = 0; j < v->n_connections; j++) {
		if (conn_is_repeat(v, j))
			continue;
		if (circuit_place(k, &k->s->circuits[v->connections[j].circuit], &p) &&
		    place_has(&p, loc))
			n++;
	}
	return n;
}

/* Facts 3.2: a gateway takes 4/8/16 circuits by SKU, and at most 4 of
 * them from one peering location. */
static void check_vnet_circuits(struct ck *k, const struct ers_vnet *v)
{
	size_t n = 0;
	unsigned limit = ers_er_gw_circuit_limit(v);
	char hint[256];

	for (size_t j = 0; j < v->n_connections; j++) {
		const struct ers_circuit *c = &k->s->circuits[v->connections[j].circuit];

		if (!conn_is_repeat(v, j)) {
			n++;
			continue;
		}
		err(k, v->connections[j].line, "a VNet links to a circuit once; drop this <connection>",
		    "vnet '%s' is connected to circuit '%s' twice", v->id, c->id);
	}
	if (n > limit) {
		snprintf(hint, sizeof hint, "gateway sku '%s' takes %u circuits; use %s",
			 ers_gw_sku_str(v->gw_sku), limit,
			 limit < 8 ? "<gateway sku=\"highperformance\"/> or \"ergw2az\" (8), "
				     "\"ultraperformance\" or \"ergw3az\" (16), or \"ergwscale\" "
				     "with scale-units=\"2\" (8) or \"10\" (16)"
			 : limit < 16 ? "<gateway sku=\"ultraperformance\"/> or \"ergw3az\" (16), "
					"or \"ergwscale\" with scale-units=\"10\""
				      : "another VNet for the remaining circuits");
		err(k, v->line, hint, "vnet '%s' connects %zu circuits, more than its gateway allows (%u)",
		    v->id, n, limit);
	}
	for (size_t i = 0; i < k->cat->n_locations; i++) {
		const struct ers_location *l = &k->cat->locations[i];
		size_t at = circuits_at(k, v, l->id);

		if (at > ers_er_limit_value(ERS_ER_CIRCUITS_PER_LOCATION))
			err(k, v->line, "connect circuits at another peering location instead",
			    "vnet '%s' connects %zu circuits at peering location %s; at most %d "
			    "circuits from one peering location may link to a VNet",
			    v->id, at, l->name ? l->name : l->id,
			    (int)ers_er_limit_value(ERS_ER_CIRCUITS_PER_LOCATION));
	}
}

/* More VNet prefixes than a connection carries is valid Azure config, but
 * every ExpressRoute connection of the gateway goes down (facts 3.1):
 * a warning, since a what-if study may want exactly that. */
static void check_vnet_prefix_count(struct ck *k, const struct ers_vnet *v)
{
	char hint[160];

	int max = (int)ers_er_limit_value(ERS_ER_GW_ADVERTISED);

	if (v->n_prefixes <= (size_t)max || !v->n_connections)
		return;
	snprintf(hint, sizeof hint,
		 "a gateway advertises at most %d prefixes per connection; summarise the VNet's address space",
		 max);
	ers_diag_warn(k->d, k->s->file, v->line, hint,
		      "vnet '%s' has %zu prefixes, over %d: its ExpressRoute connections go down",
		      v->id, v->n_prefixes, max);
}

/* The gateway's convergence delay: min <= typical <= max, each as merged
 * over <defaults> (reported at the element that breaks the order). */
static void check_gw_conv(struct ck *k, const struct ers_gw_conv *c, const char *who)
{
	char a[48], b[48], m[48];

	if (c->min <= c->typical && c->typical <= c->max)
		return;
	err(k, c->line ? c->line : k->s->line,
	    "give convergence-min <= convergence-typical <= convergence-max on <gateway> "
	    "(defaults 0s, 15s, 60s; see docs/scenario-format.md)",
	    "%s: gateway convergence min %s, typical %s, max %s are not in order",
	    who, ers_time_str(c->min, a, sizeof a), ers_time_str(c->typical, b, sizeof b),
	    ers_time_str(c->max, m, sizeof m));
}

/* scale-units is ErGwScale's: another SKU has a fixed size. */
static void check_vnet_scale_units(struct ck *k, const struct ers_vnet *v)
{
	if (v->gw_scale_line && v->gw_sku != ERS_GW_ERGWSCALE)
		err(k, v->gw_scale_line,
		    "only <gateway sku=\"ergwscale\"> has scale units (1 to 40, 1 Gbps each); "
		    "drop scale-units or use sku=\"ergwscale\"",
		    "vnet '%s': scale-units on a gateway of sku '%s'", v->id,
		    ers_gw_sku_str(v->gw_sku));
}

static void check_vnets(struct ck *k)
{
	check_gw_conv(k, &k->s->gw_conv, "<defaults>");
	for (size_t i = 0; i < k->s->n_vnets; i++) {
		const struct ers_vnet *v = &k->s->vnets[i];
		struct ers_gw_conv eff = ers_gw_conv_merge(&k->s->gw_conv, &v->gw_conv);
		char who[160];

		snprintf(who, sizeof who, "vnet '%s'", v->id);
		if (v->gw_conv.set)
			check_gw_conv(k, &eff, who);
		check_vnet_region(k, v);
		check_vnet_scale_units(k, v);
		check_vnet_prefix_count(k, v);
		for (size_t j = 0; j < v->n_connections; j++)
			if (!conn_is_repeat(v, j))
				check_reach(k, v, &v->connections[j]);
		check_vnet_circuits(k, v);
	}
}

/* ---- Global Reach (facts 5) ------------------------------------------- */

static void check_gr_places(struct ck *k, const struct ers_global_reach *g,
			    const struct place *pa, const struct place *pb)
{
	const struct ers_circuit *a = &k->s->circuits[g->a], *b = &k->s->circuits[g->b];
	const struct place *pp[2] = { pa, pb };
	const struct ers_circuit *cc[2] = { a, b };

	for (size_t i = 0; i < pa->n_locs; i++)
		if (place_has(pb, pa->locs[i]->id))
			err(k, g->line, "Global Reach links circuits at different peering locations "
			    "(two locations of one metro, such as amsterdam and amsterdam2, are fine)",
			    "global reach between '%s' and '%s': both circuits are at peering location %s",
			    a->id, b->id, pa->locs[i]->name ? pa->locs[i]->name : pa->locs[i]->id);
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < pp[s]->n_locs; i++)
			if (!pp[s]->locs[i]->global_reach)
				err(k, g->line, "see docs/geography.md for the peering locations that offer Global Reach",
				    "global reach between '%s' and '%s': peering location %s (circuit '%s') "
				    "does not offer Global Reach", a->id, b->id,
				    pp[s]->locs[i]->name ? pp[s]->locs[i]->name : pp[s]->locs[i]->id,
				    cc[s]->id);
}

static void check_gr_skus(struct ck *k, const struct ers_global_reach *g,
			  const struct place *pa, const struct place *pb)
{
	const struct ers_circuit *a = &k->s->circuits[g->a], *b = &k->s->circuits[g->b];
	char hint[256];

	if (a->sku == ERS_SKU_LOCAL || b->sku == ERS_SKU_LOCAL)
		err(k, g->line, "Global Reach is not available on local circuits; "
		    "use sku=\"standard\" or \"premium\"",
		    "global reach between '%s' and '%s': circuit '%s' is local", a->id, b->id,
		    a->sku == ERS_SKU_LOCAL ? a->id : b->id);
	if (same_id(pa->geo, pb->geo))
		return;
	if (pa->national || pb->national) {
		err(k, g->line, "national clouds are isolated from each other and from commercial Azure",
		    "global reach between '%s' (%s) and '%s' (%s) crosses a national cloud boundary",
		    a->id, geo_name(k, pa->geo), b->id, geo_name(k, pb->geo));
		return;
	}
	if (a->sku == ERS_SKU_PREMIUM && b->sku == ERS_SKU_PREMIUM)
		return;
	if (a->sku == ERS_SKU_LOCAL || b->sku == ERS_SKU_LOCAL)
		return;		/* already reported */
	if (a->sku != ERS_SKU_PREMIUM && b->sku != ERS_SKU_PREMIUM)
		snprintf(hint, sizeof hint, "circuits in different geopolitical regions both "
			 "need premium: set sku=\"premium\" on '%s' and '%s'", a->id, b->id);
	else
		snprintf(hint, sizeof hint, "circuits in different geopolitical regions both "
			 "need premium: set sku=\"premium\" on '%s'",
			 a->sku != ERS_SKU_PREMIUM ? a->id : b->id);
	err(k, g->line, hint,
	    "global reach between '%s' (%s, %s) and '%s' (%s, %s) crosses geopolitical regions "
	    "without premium on both circuits",
	    a->id, ers_sku_str(a->sku), geo_name(k, pa->geo),
	    b->id, ers_sku_str(b->sku), geo_name(k, pb->geo));
}

static bool check_gr_duplicate(struct ck *k, size_t i)
{
	const struct ers_global_reach *g = &k->s->global_reach[i];
	char hint[96];

	for (size_t j = 0; j < i; j++) {
		const struct ers_global_reach *h = &k->s->global_reach[j];

		if ((h->a == g->a && h->b == g->b) || (h->a == g->b && h->b == g->a)) {
			snprintf(hint, sizeof hint, "the first one is at line %ld; drop this one", h->line);
			err(k, g->line, hint, "duplicate global reach between '%s' and '%s'",
			    k->s->circuits[g->a].id, k->s->circuits[g->b].id);
			return true;
		}
	}
	return false;
}

/* ---- site-to-site VPN (facts 2, 6.6) ----------------------------------- */

/* The facts list BFD for ExpressRoute private and Microsoft peering only
 * (section 2); nothing says a VPN gateway's BGP runs it. A scenario that
 * asks for it would detect a VPN failure faster than Azure can. */
static void check_vpns(struct ck *k)
{
	for (size_t i = 0; i < k->s->n_vpns; i++) {
		const struct ers_vpn *v = &k->s->vpns[i];
		const struct ers_bfd_cfg *b = &v->cfg.bfd;

		if ((b->set & ERS_SET_BFD_ENABLED) && b->enabled)
			err(k, b->line ? b->line : v->line,
			    "drop <bfd> from the <vpn>; a shorter <bgp hold> is how a VPN detects failure sooner",
			    "vpn '%s': BFD is not available on a site-to-site VPN (Azure documents BFD for ExpressRoute peerings only)",
			    v->id);
	}
}

static void check_global_reach(struct ck *k)
{
	for (size_t i = 0; i < k->s->n_global_reach; i++) {
		const struct ers_global_reach *g = &k->s->global_reach[i];
		struct place pa, pb;

		if (g->a == g->b) {
			err(k, g->line, "name two different circuits in a and b",
			    "global reach connects circuit '%s' to itself", k->s->circuits[g->a].id);
			continue;
		}
		if (check_gr_duplicate(k, i))
			continue;	/* the first one carries any other problem */
		if (!circuit_place(k, &k->s->circuits[g->a], &pa) ||
		    !circuit_place(k, &k->s->circuits[g->b], &pb))
			continue;
		check_gr_places(k, g, &pa, &pb);
		check_gr_skus(k, g, &pa, &pb);
	}
}

/* ---- prefixes --------------------------------------------------------- */

/* An address range [lo, hi] of equal-length prefixes. */
struct range {
	uint64_t lo, hi;
	uint8_t len;
};

static struct range origin_range(const struct ers_origin *o)
{
	uint64_t size = (uint64_t)1 << (32 - o->first.len);
	uint64_t count = o->count ? o->count : 1;
	struct range r = { o->first.addr, o->first.addr + count * size - 1, o->first.len };

	if (r.hi > UINT32_MAX)
		r.hi = UINT32_MAX;
	return r;
}

static struct range prefix_range(struct ers_prefix p)
{
	struct ers_origin o = { .first = p, .count = 1 };

	return origin_range(&o);
}

static bool ranges_meet(struct range a, struct range b)
{
	return a.lo <= b.hi && b.lo <= a.hi;
}

/* "10.1.0.0/24" or "prefix-block 10.128.0.0/24 x4000" */
static const char *origin_str(const struct ers_origin *o, char *buf, size_t n)
{
	char p[24];

	ers_prefix_str(o->first, p, sizeof p);
	if (o->count > 1)
		snprintf(buf, n, "prefix-block %s x%u", p, (unsigned)o->count);
	else
		snprintf(buf, n, "%s", p);
	return buf;
}

static void check_vnet_prefixes(struct ck *k, size_t vi)
{
	const struct ers_vnet *v = &k->s->vnets[vi];
	char pa[24], pb[24];

	for (size_t i = 0; i < v->n_prefixes; i++)
		for (size_t j = 0; j < i; j++)
			if (ers_prefix_overlaps(v->prefixes[i], v->prefixes[j]))
				err(k, v->line, "a VNet's address spaces must not overlap; drop or merge one",
				    "vnet '%s' lists overlapping prefixes %s and %s", v->id,
				    ers_prefix_str(v->prefixes[j], pa, sizeof pa),
				    ers_prefix_str(v->prefixes[i], pb, sizeof pb));
	for (size_t w = 0; w < vi; w++) {
		const struct ers_vnet *u = &k->s->vnets[w];

		for (size_t i = 0; i < v->n_prefixes; i++)
			for (size_t j = 0; j < u->n_prefixes; j++)
				if (ers_prefix_overlaps(v->prefixes[i], u->prefixes[j])) {
					err(k, v->line, "VNets that share a routing domain cannot use the same "
					    "addresses; give each VNet its own range",
					    "vnets '%s' and '%s' overlap: %s and %s", u->id, v->id,
					    ers_prefix_str(u->prefixes[j], pa, sizeof pa),
					    ers_prefix_str(v->prefixes[i], pb, sizeof pb));
					goto next_vnet;
				}
next_vnet:;
	}
}

/* On-premises prefixes must stay out of every VNet's address space: Azure
 * routes a VNet's own space inside the VNet (its system route wins over
 * anything learned through the gateway), so those on-premises addresses
 * would be unreachable from Azure. */
static void check_site_vs_vnets(struct ck *k, const struct ers_site *site,
				const struct ers_origin *o)
{
	struct range r = origin_range(o);
	char po[64], pv[24];

	for (size_t v = 0; v < k->s->n_vnets; v++) {
		const struct ers_vnet *vn = &k->s->vnets[v];

		for (size_t i = 0; i < vn->n_prefixes; i++) {
			if (!ranges_meet(r, prefix_range(vn->prefixes[i])))
				continue;
			err(k, o->line, "Azure routes a VNet's own address space inside the VNet, so "
			    "these on-premises addresses would be unreachable from Azure; renumber one side",
			    "site '%s' prefix %s overlaps vnet '%s' address space %s", site->id,
			    origin_str(o, po, sizeof po), vn->id,
			    ers_prefix_str(vn->prefixes[i], pv, sizeof pv));
			break;
		}
	}
}

/* Two sites may originate the same prefix (anycast, a multi-homed
 * service), but not a prefix that covers or splits another site's: a
 * flow addressed to one site would be delivered to the other. Within one
 * site, overlap is the normal aggregate-plus-more-specific steering. */
static void check_site_vs_sites(struct ck *k, size_t si, const struct ers_origin *o)
{
	struct range r = origin_range(o);
	char pa[64], pb[64];

	for (size_t t = 0; t < si; t++) {
		const struct ers_site *other = &k->s->sites[t];

		for (size_t j = 0; j < other->n_origins; j++) {
			const struct ers_origin *q = &other->origins[j];
			struct range rq = origin_range(q);

			if (rq.len == r.len || !ranges_meet(r, rq))
				continue;
			err(k, o->line, "sites may announce the same prefix (anycast) but not overlapping "
			    "prefixes of different lengths; give each site its own range",
			    "site '%s' prefix %s overlaps site '%s' prefix %s",
			    k->s->sites[si].id, origin_str(o, pa, sizeof pa), other->id,
			    origin_str(q, pb, sizeof pb));
			break;
		}
	}
}

static void check_prefixes(struct ck *k)
{
	for (size_t i = 0; i < k->s->n_vnets; i++)
		check_vnet_prefixes(k, i);
	for (size_t i = 0; i < k->s->n_sites; i++) {
		const struct ers_site *site = &k->s->sites[i];

		for (size_t j = 0; j < site->n_origins; j++) {
			check_site_vs_vnets(k, site, &site->origins[j]);
			check_site_vs_sites(k, i, &site->origins[j]);
		}
	}
}

/* ---- event targets ---------------------------------------------------- */

/* "1, 2" into buf: the MSEE pairs circuits use at peering location loc. */
static size_t pairs_at(const struct ck *k, const char *loc, char *buf, size_t n)
{
	size_t n_pairs = 0, used = 0;
	int last = 0;

	buf[0] = '\0';
	/* Ascending without sorting: take the next larger pair each round. */
	for (;;) {
		int next = 0;
		struct place p;

		for (size_t i = 0; i < k->s->n_circuits; i++) {
			const struct ers_circuit *c = &k->s->circuits[i];

			if (c->msee_pair > last && (!next || c->msee_pair < next) &&
			    circuit_place(k, c, &p) && place_has(&p, loc))
				next = c->msee_pair;
		}
		if (!next)
			return n_pairs;
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%d",
					 n_pairs ? ", " : "", next);
		n_pairs++;
		last = next;
	}
}

static bool pair_used(const struct ck *k, const char *loc, int pair)
{
	struct place p;

	for (size_t i = 0; i < k->s->n_circuits; i++)
		if (k->s->circuits[i].msee_pair == pair &&
		    circuit_place(k, &k->s->circuits[i], &p) && place_has(&p, loc))
			return true;
	return false;
}

/* MSEE, MSEE pair and location targets name a peering location where some
 * circuit lands (a metro is two locations: name one). Returns false when
 * an error was reported. */
static bool check_target_location(struct ck *k, const struct ers_target *t, long line)
{
	const struct ers_metro *m;
	char hint[512], pairs[128];

	if (ers_catalog_location(k->cat, t->location)) {
		if (pairs_at(k, t->location, pairs, sizeof pairs))
			return true;
		err(k, line, "fail a location where a circuit of the scenario lands",
		    "target '%s': no circuit lands at peering location '%s'", t->text, t->location);
		return false;
	}
	m = ers_catalog_metro(k->cat, t->location);
	if (m) {
		snprintf(hint, sizeof hint, "a metro spans two peering locations: name '%s' or '%s', "
			 "or use an <srlg> with both", m->locations[0] ? m->locations[0] : "?",
			 m->locations[1] ? m->locations[1] : "?");
		err(k, line, hint, "target '%s': '%s' is a metro, not a peering location",
		    t->text, t->location);
		return false;
	}
	err(k, line, location_hint(k, t->location, false, hint, sizeof hint),
	    "target '%s': unknown peering location '%s'", t->text, t->location);
	return false;
}

static void check_target_pair(struct ck *k, const struct ers_target *t, long line)
{
	char pairs[128], hint[256];

	if (pair_used(k, t->location, t->pair))
		return;
	pairs_at(k, t->location, pairs, sizeof pairs);
	snprintf(hint, sizeof hint, "MSEE pairs in use at '%s': %s (set by msee-pair on <circuit>)",
		 t->location, pairs);
	err(k, line, hint, "target '%s': no circuit uses MSEE pair %d at '%s'",
	    t->text, t->pair, t->location);
}

static void check_target_region(struct ck *k, const struct ers_target *t, long line)
{
	char hint[512];

	if (!ers_catalog_region(k->cat, t->location)) {
		err(k, line, region_hint(k, t->location, hint, sizeof hint),
		    "target '%s': unknown Azure region '%s'", t->text, t->location);
		return;
	}
	for (size_t i = 0; i < k->s->n_vnets; i++)
		if (same_id(k->s->vnets[i].region, t->location))
			return;
	err(k, line, "fail a region where a vnet of the scenario lives",
	    "target '%s': no vnet is in region '%s'", t->text, t->location);
}

static void check_target(struct ck *k, const struct ers_target *t, long line)
{
	switch (t->kind) {
	case ERS_T_MSEE:
	case ERS_T_MSEE_PAIR:
		if (check_target_location(k, t, line))
			check_target_pair(k, t, line);
		break;
	case ERS_T_LOCATION:
		check_target_location(k, t, line);
		break;
	case ERS_T_REGION:
		check_target_region(k, t, line);
		break;
	default:
		break;		/* resolved to indices by load.c */
	}
}

static void check_srlgs(struct ck *k)
{
	for (size_t i = 0; i < k->s->n_srlgs; i++)
		for (size_t j = 0; j < k->s->srlgs[i].n_members; j++)
			check_target(k, &k->s->srlgs[i].members[j], k->s->srlgs[i].line);
}

/* ---- events and flows ------------------------------------------------- */

static void check_maintenance(struct ck *k, const struct ers_event *e)
{
	if (e->target.kind != ERS_T_LINK)
		err(k, e->line, "maintenance drains one circuit link: use "
		    "target=\"link:<circuit>/primary\" or \"link:<circuit>/secondary\"",
		    "maintenance target '%s' is not a circuit link", e->target.text);
	if (e->duration <= 0)
		err(k, e->line, "give the time the link stays down, e.g. duration=\"30min\"",
		    "maintenance duration must be positive");
	if (e->drain < 0)
		err(k, e->line, "drain is the time between the start of draining and the link going down",
		    "maintenance drain must not be negative");
}

/* Microsoft maintains the two links of a circuit separately (facts 10):
 * maintenance windows, drain included, on both links of one circuit
 * at once would leave it no link; reported at the later event. */
static ers_time_t maint_end(const struct ers_event *e)
{
	return e->at + e->drain + e->duration;	/* each is range-checked by load.c */
}

static void check_maintenance_overlap(struct ck *k, size_t i)
{
	const struct ers_event *e = &k->s->events[i];
	char at[32], end[32], hint[200];

	for (size_t j = 0; j < i; j++) {
		const struct ers_event *o = &k->s->events[j];

		if (o->action != ERS_ACT_MAINTENANCE || o->target.kind != ERS_T_LINK ||
		    o->target.a != e->target.a || o->target.b == e->target.b)
			continue;
		if (e->at >= maint_end(o) || o->at >= maint_end(e))
			continue;
		snprintf(hint, sizeof hint,
			 "maintain one link at a time: start this one at or after %s, when the maintenance at line %ld ends",
			 ers_time_str(maint_end(o), end, sizeof end), o->line);
		err(k, e->line, hint,
		    "maintenance of '%s' at %s overlaps the maintenance of '%s' (line %ld): both links of circuit '%s' would be out",
		    e->target.text, ers_time_str(e->at, at, sizeof at), o->target.text, o->line,
		    k->s->circuits[e->target.a].id);
		return;
	}
}

/* A restore of something that is up is allowed (a no-op), so timelines
 * can be written without tracking state; see docs/validation.md. */
static void check_events(struct ck *k)
{
	char at[32], dur[32], hint[128];

	for (size_t i = 0; i < k->s->n_events; i++) {
		const struct ers_event *e = &k->s->events[i];

		if (e->at < 0)
			err(k, e->line, "event times count from the start of the run",
			    "event time must not be negative");
		else if (k->s->has_duration && e->at > k->s->duration) {
			ers_time_str(k->s->duration, dur, sizeof dur);
			snprintf(hint, sizeof hint, "raise duration=\"%s\" on <scenario> or drop the event", dur);
			err(k, e->line, hint, "%s at %s is after the scenario's duration %s",
			    ers_action_str(e->action), ers_time_str(e->at, at, sizeof at), dur);
		}
		if (e->action == ERS_ACT_ROUTE_FILTER && e->target.a >= 0) {
			const struct ers_circuit *c = &k->s->circuits[e->target.a];

			if (!c->ms.present)
				err(k, e->line, "add <microsoft-peering> to the circuit, or name one "
				    "that has it",
				    "route filter for circuit '%s', which has no Microsoft peering",
				    c->id);
			check_route_filter(k, c, e->communities, e->n_communities, e->line);
			continue;
		}
		if (e->action == ERS_ACT_MAINTENANCE) {
			check_maintenance(k, e);
			if (e->target.kind == ERS_T_LINK)
				check_maintenance_overlap(k, i);
		}
		check_target(k, &e->target, e->line);
	}
}

static bool same_endpoint(const struct ers_endpoint *a, const struct ers_endpoint *b)
{
	if ((a->kind == ERS_EP_VNET) != (b->kind == ERS_EP_VNET) ||
	    (a->kind == ERS_EP_SERVICE) != (b->kind == ERS_EP_SERVICE))
		return false;
	if (a->kind == ERS_EP_VNET || a->kind == ERS_EP_SERVICE)
		return a->index == b->index;
	return a->index == b->index && a->router == b->router;
}

/* <microsoft-service> (facts 6.1, 6.2): a service community, a region
 * with a known regional community, public prefixes. */
static void check_ms_services(struct ck *k)
{
	for (size_t i = 0; i < k->s->n_ms_services; i++) {
		const struct ers_ms_service *m = &k->s->ms_services[i];
		const struct ers_region *r = ers_catalog_region(k->cat, m->region);
		char hint[512], cm[24], p[48];
		const char *what, *why;
		bool o365;

		ers_community_str(m->community, cm, sizeof cm);
		what = ers_er_ms_community(m->community, &o365);
		if (!what || !strcmp(what, "region"))
			err(k, m->line, "a service community is 12076:5010 Exchange, 12076:5070 "
			    "Azure Resource Manager, ... (docs/scenario-format.md)",
			    "microsoft-service '%s': %s is not a Microsoft service community",
			    m->id, cm);
		if (!r)
			err(k, m->line, region_hint(k, m->region, hint, sizeof hint),
			    "microsoft-service '%s': unknown Azure region '%s'", m->id, m->region);
		else if (r->community < 50000 || r->community > 50999)
			err(k, m->line, "name a region whose BGP community is published "
			    "(sources 6.1)",
			    "microsoft-service '%s': region '%s' has no known regional community",
			    m->id, m->region);
		for (size_t j = 0; j < m->n_prefixes; j++)
			if (!ers_er_ms_prefix_ok(m->prefixes[j], &why))
				err(k, m->line, "Microsoft's service prefixes are public",
				    "microsoft-service '%s': prefix %s is %s", m->id,
				    ers_prefix_str(m->prefixes[j], p, sizeof p), why);
	}
}

/* A Microsoft service is reached from on-premises over Microsoft
 * peering; Azure's own traffic to it is not modelled. */
static void check_service_flow(struct ck *k, const struct ers_flow *f)
{
	bool a = f->from.kind == ERS_EP_SERVICE, b = f->to.kind == ERS_EP_SERVICE;

	if (!a && !b)
		return;
	if (a && b)
		err(k, f->line, "a flow to or from a Microsoft service has a site at its other end",
		    "flow '%s' goes from service '%s' to service '%s'", f->id,
		    f->from.text, f->to.text);
	else if (f->from.kind == ERS_EP_VNET || f->to.kind == ERS_EP_VNET)
		err(k, f->line, "Microsoft peering carries traffic between on-premises and "
		    "Microsoft's services; name a site or site/router",
		    "flow '%s' between a vnet and a Microsoft service: not over Microsoft peering",
		    f->id);
}

static void check_flows(struct ck *k)
{
	check_ms_services(k);
	for (size_t i = 0; i < k->s->n_flows; i++) {
		const struct ers_flow *f = &k->s->flows[i];

		check_service_flow(k, f);
		if (same_endpoint(&f->from, &f->to))
			err(k, f->line, "a flow needs two different endpoints",
			    "flow '%s' goes from '%s' to '%s', the same node", f->id,
			    f->from.text, f->to.text);
		if (f->rate == 0)
			err(k, f->line, "give a positive rate, e.g. rate=\"100Mbps\"",
			    "flow '%s' has rate 0", f->id);
	}
}

/* ---- entry points ----------------------------------------------------- */

/* ---- router ids ------------------------------------------------------ */

/* One router's id and where it comes from, for the duplicate check. */
struct rid {
	uint32_t id;
	size_t order;			/* file order: the first one is named */
	long line;
	char what[160];
};

static int cmp_rid(const void *a, const void *b)
{
	const struct rid *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static size_t circuit_rids(const struct ers_scenario *s, struct rid *v, size_t n)
{
	for (size_t ci = 0; ci < s->n_circuits; ci++) {
		const struct ers_circuit *c = &s->circuits[ci];
		bool l3 = s->providers[c->provider].model == ERS_PROVIDER_LAYER3;
		for (int side = 0; side < 2; side++) {
			const struct ers_link *l = &c->links[side];
			const char *role = ers_role_str((enum ers_role)side);
			v[n] = (struct rid){ l->has_msee_router_id ? l->msee_router_id :
					     ers_default_router_id(12, ci, (size_t)side), n, l->line, "" };
			snprintf(v[n++].what, sizeof v[0].what, "the MSEE of circuit '%s' %s link", c->id, role);
			if (!l3)
				continue;
			v[n] = (struct rid){ l->has_pe_router_id ? l->pe_router_id :
					     ers_default_router_id(13, ci, (size_t)side), n, l->line, "" };
			snprintf(v[n++].what, sizeof v[0].what, "the PE of circuit '%s' %s link", c->id, role);
		}
	}
	return n;
}

/* Every router id, set or default, names one router: BGP refuses a
 * session between two equal ids, and ties broken by router id would be
 * broken by the neighbour address instead. */
/* At most this many routers: every site router, two PEs and two MSEEs
 * per circuit, a gateway per VNet. */
static size_t max_routers(const struct ers_scenario *s)
{
	size_t n = 4 * s->n_circuits + s->n_vnets;

	for (size_t i = 0; i < s->n_sites; i++)
		n += s->sites[i].n_routers;
	return n;
}

static void check_router_ids(struct ck *k)
{
	const struct ers_scenario *s = k->s;
	size_t n = 0, cap = max_routers(s);
	struct rid *v;
	char a[16];

	if (!cap || !(v = calloc(cap, sizeof *v)))
		return;
	for (size_t i = 0; i < s->n_sites; i++)
		for (size_t r = 0; r < s->sites[i].n_routers; r++) {
			const struct ers_router *rt = &s->sites[i].routers[r];
			v[n] = (struct rid){ rt->has_router_id ? rt->router_id :
					     ers_default_router_id(10, i, r), n, rt->line, "" };
			snprintf(v[n++].what, sizeof v[0].what, "router '%s'",
				 rt->full_id ? rt->full_id : "?");
		}
	n = circuit_rids(s, v, n);
	for (size_t i = 0; i < s->n_vnets; i++) {
		const struct ers_vnet *vn = &s->vnets[i];
		v[n] = (struct rid){ vn->has_gw_router_id ? vn->gw_router_id :
				     ers_default_router_id(14, i, 0), n, vn->line, "" };
		snprintf(v[n++].what, sizeof v[0].what, "the gateway of vnet '%s'", vn->id);
	}
	qsort(v, n, sizeof *v, cmp_rid);
	for (size_t i = 1; i < n; i++) {
		size_t first = i - 1;
		if (v[i].id != v[first].id)
			continue;
		while (first > 0 && v[first - 1].id == v[i].id)
			first--;
		err(k, v[i].line, "give each router its own router-id (or leave it to the default)",
		    "router id %s of %s is already that of %s (line %ld)",
		    ers_ipv4_str(v[i].id, a, sizeof a), v[i].what, v[first].what, v[first].line);
	}
	free(v);
}

/*
 * Every router of the simulated network goes by an id in failure targets,
 * traces and reports: site routers SITE/ROUTER, gateways VNET/gw, a
 * layer-3 provider's PEs CIRCUIT/pe-primary|secondary, MSEEs
 * LOCATION-PAIR/a|b (one MSEE for all circuits on its pair). Two routers
 * with one id (a site named like a VNet, with a router "gw") would make
 * each of those ambiguous.
 */
struct node_id {
	char *id;
	size_t order;			/* file order: the first one is named */
	long line;
	bool msee;
	char what[160];
};

static int cmp_node_id(const void *a, const void *b)
{
	const struct node_id *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void add_node_id(struct node_id *v, size_t *n, char *id, long line, bool msee,
			const char *fmt, const char *name)
{
	if (!id)
		return;
	v[*n] = (struct node_id){ id, *n, line, msee, "" };
	snprintf(v[*n].what, sizeof v[0].what, fmt, name);
	(*n)++;
}

static size_t circuit_node_ids(const struct ck *k, struct node_id *v, size_t n)
{
	const struct ers_scenario *s = k->s;

	for (size_t i = 0; i < s->n_circuits; i++) {
		const struct ers_circuit *c = &s->circuits[i];
		bool layer3 = s->providers[c->provider].model == ERS_PROVIDER_LAYER3;

		for (int r = 0; r < 2; r++) {
			const char *loc = ers_circuit_side_location(k->cat, c, r);

			if (layer3)
				add_node_id(v, &n, ers_asprintf("%s/pe-%s", c->id, ers_role_str(r)),
					    c->line, false, "the provider edge of circuit '%s'", c->id);
			if (loc && ers_catalog_location(k->cat, loc))
				add_node_id(v, &n, ers_msee_id(loc, c->msee_pair, r), c->line,
					    true, "an MSEE of circuit '%s'", c->id);
		}
	}
	return n;
}

static void check_node_ids(struct ck *k)
{
	const struct ers_scenario *s = k->s;
	size_t n = 0, cap = max_routers(s);
	struct node_id *v;

	if (!cap || !(v = calloc(cap, sizeof *v)))
		return;
	for (size_t i = 0; i < s->n_sites; i++)
		for (size_t r = 0; r < s->sites[i].n_routers; r++) {
			const struct ers_router *rt = &s->sites[i].routers[r];

			if (rt->full_id)
				add_node_id(v, &n, strdup(rt->full_id), rt->line, false,
					    "router '%s'", rt->full_id);
		}
	n = circuit_node_ids(k, v, n);
	for (size_t i = 0; i < s->n_vnets; i++)
		add_node_id(v, &n, ers_asprintf("%s/gw", s->vnets[i].id), s->vnets[i].line, false,
			    "the gateway of vnet '%s'", s->vnets[i].id);
	qsort(v, n, sizeof *v, cmp_node_id);
	for (size_t i = 1; i < n; i++) {
		size_t first = i - 1;

		if (strcmp(v[i].id, v[first].id) || (v[i].msee && v[first].msee))
			continue;
		while (first > 0 && !strcmp(v[first - 1].id, v[i].id))
			first--;
		err(k, v[i].line, "rename the site, router, vnet or circuit",
		    "node id '%s' of %s is already that of %s (line %ld)", v[i].id, v[i].what,
		    v[first].what, v[first].line);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].id);
	free(v);
}

enum ers_err ers_scenario_check(const struct ers_scenario *s,
				const struct ers_catalog *cat,
				struct ers_diag *d)
{
	struct ck k = { s, cat, d, 0 };

	check_circuits(&k);
	check_asns(&k);
	check_vnets(&k);
	check_global_reach(&k);
	check_vpns(&k);
	check_prefixes(&k);
	check_srlgs(&k);
	check_events(&k);
	check_flows(&k);
	check_router_ids(&k);
	check_node_ids(&k);
	return k.n_err ? ERS_ESCENARIO : ERS_OK;
}

enum ers_err ers_scenario_open(const char *path, struct ers_scenario **out_s,
			       struct ers_catalog **out_cat,
			       struct ers_diag *d)
{
	struct ers_scenario *s = NULL;
	struct ers_catalog *base = NULL, *cat = NULL;
	enum ers_err rc;

	*out_s = NULL;
	*out_cat = NULL;
	rc = ers_scenario_load(path, &s, d);
	if (rc != ERS_OK)
		goto out;
	rc = ers_catalog_builtin_load(&base, d);
	if (rc != ERS_OK)
		goto out;
	cat = ers_catalog_merge(base, &s->geography);
	if (!cat) {
		rc = ers_diag_add(d, ERS_ENOMEM, path, 0, NULL, "out of memory merging the catalog");
		goto out;
	}
	rc = ers_catalog_check(cat, d);
	if (rc != ERS_OK)
		goto out;
	rc = ers_scenario_check(s, cat, d);
out:
	ers_catalog_free(base);
	if (rc != ERS_OK) {
		ers_catalog_free(cat);
		ers_scenario_free(s);
		return rc;
	}
	*out_s = s;
	*out_cat = cat;
	return ERS_OK;
}
