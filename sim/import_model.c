/*
 * import_model.c - the neutral model of imported Azure resources
 * (import.h) and its mapping onto a scenario, written as XML.
 *
 * The readers (import_azure.c, import_terraform.c) only collect
 * resources. Here references are resolved (peering -> circuit,
 * connection -> gateway -> VNet, Global Reach -> two circuits, VPN ->
 * local network gateway), names are mapped to the catalog (peering
 * locations and regions, with the closest match when unknown), and what
 * Azure does not know is filled in as marked placeholders: one site per
 * on-premises ASN, one router per circuit link, a provider model, a
 * prefix when no local network gateway tells the site's. Every list is
 * sorted by resource name, so the output depends only on the inputs'
 * content, not on the order az printed them in.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ersim/catalog.h"
#include "ersim/import.h"
#include "ersim/units.h"
#include "ersim/util.h"

/* ---- the model ---------------------------------------------------------- */

int ers_strv_push(struct ers_strv *s, const char *str)
{
	char *dup = strdup(str);

	if (!dup)
		return -1;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4;
		char **v = realloc(s->v, cap * sizeof *v);

		if (!v) {
			free(dup);
			return -1;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = dup;
	return 0;
}

void ers_strv_release(struct ers_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

void ers_imp_init(struct ers_imp *m, const char *command)
{
	memset(m, 0, sizeof *m);
	m->command = command;
}

static void *grow(void **v, size_t *n, size_t size)
{
	char *p = realloc(*v, (*n + 1) * size);

	if (!p)
		return NULL;
	*v = p;
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

#define ADDER(kind, field)							\
	struct ers_imp_##kind *ers_imp_add_##kind(struct ers_imp *m)		\
	{									\
		return grow((void **)&m->field, &m->n_##field, sizeof *m->field); \
	}
ADDER(circuit, circuits)
ADDER(peering, peerings)
ADDER(gr, grs)
ADDER(gateway, gateways)
ADDER(conn, conns)
ADDER(vnet, vnets)
ADDER(lng, lngs)
ADDER(port, ports)
ADDER(vpeer, vpeers)

static void src_release(struct ers_imp_src *s)
{
	free(s->file);
	free(s->what);
}

void ers_imp_release(struct ers_imp *m)
{
	for (size_t i = 0; i < m->n_circuits; i++) {
		struct ers_imp_circuit *c = &m->circuits[i];

		src_release(&c->src);
		free(c->key), free(c->name), free(c->peering_location), free(c->provider);
		free(c->port_key), free(c->tier), free(c->family);
	}
	for (size_t i = 0; i < m->n_peerings; i++) {
		struct ers_imp_peering *p = &m->peerings[i];

		src_release(&p->src);
		free(p->key), free(p->circuit_key), free(p->primary), free(p->secondary);
		ers_strv_release(&p->ms_prefixes);
		free(p->route_filter);
	}
	for (size_t i = 0; i < m->n_grs; i++) {
		src_release(&m->grs[i].src);
		free(m->grs[i].name), free(m->grs[i].peering_key), free(m->grs[i].peer_peering_key);
	}
	for (size_t i = 0; i < m->n_gateways; i++) {
		struct ers_imp_gateway *g = &m->gateways[i];

		src_release(&g->src);
		free(g->key), free(g->name), free(g->vnet_key), free(g->sku);
	}
	for (size_t i = 0; i < m->n_conns; i++) {
		struct ers_imp_conn *c = &m->conns[i];

		src_release(&c->src);
		free(c->key), free(c->name), free(c->type_text), free(c->gateway_key);
		free(c->circuit_key), free(c->lng_key);
	}
	for (size_t i = 0; i < m->n_vnets; i++) {
		src_release(&m->vnets[i].src);
		free(m->vnets[i].key), free(m->vnets[i].name), free(m->vnets[i].location);
		ers_strv_release(&m->vnets[i].prefixes);
	}
	for (size_t i = 0; i < m->n_lngs; i++) {
		src_release(&m->lngs[i].src);
		free(m->lngs[i].key), free(m->lngs[i].name), free(m->lngs[i].bgp_address);
		ers_strv_release(&m->lngs[i].prefixes);
	}
	for (size_t i = 0; i < m->n_ports; i++) {
		src_release(&m->ports[i].src);
		free(m->ports[i].key), free(m->ports[i].name), free(m->ports[i].peering_location);
	}
	for (size_t i = 0; i < m->n_vpeers; i++) {
		src_release(&m->vpeers[i].src);
		free(m->vpeers[i].key), free(m->vpeers[i].spoke_key), free(m->vpeers[i].hub_key);
	}
	free(m->vpeers);
	free(m->circuits), free(m->peerings), free(m->grs), free(m->gateways);
	free(m->conns), free(m->vnets), free(m->lngs), free(m->ports);
	ers_strv_release(&m->inputs);
	ers_imp_init(m, m->command);
}

static bool key_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

bool ers_imp_has_key(const struct ers_imp *m, const char *key)
{
#define HAS(field) for (size_t i = 0; i < m->n_##field; i++) \
		if (key_eq(m->field[i].key, key)) return true;
	HAS(circuits) HAS(peerings) HAS(gateways) HAS(conns) HAS(vnets) HAS(lngs) HAS(ports)
	HAS(vpeers)
#undef HAS
	return false;
}

static const char *find_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);
	const char *hit = NULL;

	for (; *s; s++)
		if (!strncasecmp(s, needle, n))
			hit = s;
	return hit;
}

char *ers_imp_key(const char *id)
{
	const char *p = find_ci(id, "/providers/");
	char *key, *q;

	p = p ? p + 11 : id;
	while (*p == '/')
		p++;
	if (!strncasecmp(p, "Microsoft.Network/", 18))
		p += 18;
	if (!(key = strdup(p)))
		return NULL;
	for (q = key; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	while (q > key && q[-1] == '/')
		*--q = '\0';
	return key;
}

char *ers_imp_key_type_name(const char *type, const char *name)
{
	size_t len = strlen(type) + strlen(name) + 16;
	char *id = malloc(len), *q, *key;
	const char *t = type, *n = name;

	if (!id)
		return NULL;
	q = id + sprintf(id, "/providers/");
	for (bool first = true; *t; first = false) {
		size_t k = strcspn(t, "/");

		memcpy(q, t, k);
		q += k;
		t += k + (t[k] == '/');
		if (!first && *n) {
			size_t j = strcspn(n, "/");

			*q++ = '/';
			memcpy(q, n, j);
			q += j;
			n += j + (n[j] == '/');
		}
		*q++ = '/';
	}
	*q = '\0';
	key = ers_imp_key(id);
	free(id);
	return key;
}

/* ---- mapping --------------------------------------------------------------- */

/* How each reader names the fields that carry references, for messages. */
struct fields {
	const char *peering_circuit, *gr_peering, *gr_peer, *gw_vnet, *conn_gw;
	const char *conn_circuit, *conn_lng, *circuit_port, *vnet_prefixes, *lng_prefixes;
	const char *lng_bgp, *circuit_location, *vnet_location, *tier, *gw_sku;
	const char *show_circuit, *show_vnet, *show_gw, *show_lng, *show_port;
	const char *vpeer_spoke, *vpeer_hub;
};

static const struct fields az_fields = {
	"id", "expressRouteCircuitPeering.id", "peerExpressRouteCircuitPeering.id",
	"ipConfigurations[0].subnet.id", "virtualNetworkGateway1.id", "peer.id",
	"localNetworkGateway2.id", "expressRoutePort.id", "addressSpace.addressPrefixes",
	"localNetworkAddressSpace.addressPrefixes", "bgpSettings.bgpPeeringAddress",
	"serviceProviderProperties.peeringLocation", "location", "sku.tier", "sku.name",
	"az network express-route show --ids ID", "az network vnet show --ids ID",
	"az network vnet-gateway show --ids ID", "az network local-gateway show --ids ID",
	"az network express-route port show --ids ID",
	"id", "virtualNetworkPeerings[].remoteVirtualNetwork.id",
};

static const struct fields tf_fields = {
	"express_route_circuit_name", "peering_id", "peer_peering_id",
	"ip_configuration.subnet_id", "virtual_network_gateway_id", "express_route_circuit_id",
	"local_network_gateway_id", "express_route_port_id", "address_space", "address_space",
	"bgp_settings.bgp_peering_address", "peering_location", "location", "sku.tier", "sku",
	"the azurerm_express_route_circuit", "the azurerm_virtual_network",
	"the azurerm_virtual_network_gateway", "the azurerm_local_network_gateway",
	"the azurerm_express_route_port",
	"virtual_network_name", "remote_virtual_network_id",
};

struct router {
	char *id;
	char *note;			/* comment after the element */
	uint32_t rid;			/* router id, 0 = none */
};

struct site {
	char *id;
	uint32_t asn;
	bool asn_placeholder;
	char *note;
	struct router *routers; size_t n_routers;
	struct ers_prefix *prefixes; size_t n_prefixes;
	bool prefix_placeholder;
};

struct mcircuit {
	const struct ers_imp_circuit *c;
	char *id;
	const char *location;		/* catalog id */
	const char *sku;
	const char *provider;		/* provider id */
	const struct ers_imp_port *port;	/* ExpressRoute Direct, or NULL */
	const struct ers_imp_peering *priv, *ms, *pub;
	size_t site;
	char *routers[2];		/* router ids in the site */
};

struct mconn { const struct ers_imp_conn *c; size_t circuit; };

struct mvnet {
	const struct ers_imp_vnet *v;
	char *id;
	const char *region;
	struct ers_prefix *prefixes; size_t n_prefixes;
	const struct ers_imp_gateway *er_gw, *vpn_gw;
	const char *gw_sku;
	struct mconn *conns; size_t n_conns;
	size_t hub;			/* spoke: the VNet whose gateway it uses, or SIZE_MAX */
};

struct mvpn {
	const struct ers_imp_conn *c;
	char *id;
	size_t site;
	const char *router;
	size_t vnet;
};

struct mgr { size_t a, b; const struct ers_imp_gr *g; };

struct map {
	const struct ers_imp *m;
	const struct fields *f;
	struct ers_diag *d;
	struct ers_catalog *cat;
	bool failed;
	struct mcircuit *circuits; size_t n_circuits;
	struct site *sites;	size_t n_sites;
	struct mvnet *vnets;	size_t n_vnets;
	struct mvpn *vpns;	size_t n_vpns;
	struct mgr *grs;	size_t n_grs;
	struct ers_strv providers, provider_names;
	struct ers_strv others;	/* comments on what was not imported */
	struct ers_prefix *known; size_t n_known;	/* every prefix Azure told */
	size_t *lng_site;	/* site of each m->lngs[i] */
	char **lng_router;
	uint32_t *rids; size_t n_rids;
};

static void mfail(struct map *k, const struct ers_imp_src *s, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void mfail(struct map *k, const struct ers_imp_src *s, const char *hint, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ers_diag_add(k->d, ERS_EINVAL, s ? s->file : NULL, 0, hint, "%s: %s",
		     s ? s->what : "input", buf);
	k->failed = true;
}

/* "[A-Za-z][A-Za-z0-9_.-]*": other characters become '-', a name that
 * does not start with a letter gets the kind's prefix. */
static char *sanitise(const char *name, const char *prefix)
{
	bool letter = isalpha((unsigned char)name[0]) && !(name[0] & 0x80);
	char *s = ers_asprintf("%s%s", letter ? "" : prefix, name), *q;

	if (!s)
		return NULL;
	for (q = s; *q; q++)
		if (!(isalnum((unsigned char)*q) && !(*q & 0x80)) && !strchr("_.-", *q))
			*q = '-';
	return s;
}

/* A sanitised id not yet in used (which takes it). */
static char *unique_id(struct ers_strv *used, const char *name, const char *prefix)
{
	char *base = sanitise(name, prefix), *id = NULL;

	if (!base)
		return NULL;
	for (int n = 1; n < 100000; n++) {
		bool taken = false;

		free(id);
		id = n == 1 ? strdup(base) : ers_asprintf("%s-%d", base, n);
		if (!id)
			break;
		for (size_t i = 0; i < used->n && !taken; i++)
			taken = !strcmp(used->v[i], id);
		if (!taken) {
			ers_strv_push(used, id);
			break;
		}
	}
	free(base);
	return id;
}

/* Lower case, letters and digits only: "Newport(Wales)" -> "newportwales". */
static void norm(const char *s, char *out, size_t n)
{
	size_t j = 0;

	for (; *s && j + 1 < n; s++)
		if (isalnum((unsigned char)*s) && !(*s & 0x80))
			out[j++] = (char)tolower((unsigned char)*s);
	out[j] = '\0';
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t n = strlen(b), row[128], prev, tmp;

	if (n >= sizeof row / sizeof row[0])
		n = sizeof row / sizeof row[0] - 1;
	for (size_t j = 0; j <= n; j++)
		row[j] = j;
	for (size_t i = 1; *a; a++, i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= n; j++) {
			tmp = row[j];
			row[j] = *a == b[j - 1] ? prev
				: 1 + (prev < row[j] ? (prev < row[j - 1] ? prev : row[j - 1])
						     : (row[j] < row[j - 1] ? row[j] : row[j - 1]));
			prev = tmp;
		}
	}
	return row[n];
}

struct best { size_t dist; const char *name, *id; };

static void try_name(struct best *b, const char *want, const char *name, const char *id)
{
	char n[128];
	size_t dist;

	norm(name, n, sizeof n);
	dist = edit_distance(want, n);
	if (!b->name || dist < b->dist)
		*b = (struct best){ dist, name, id };
}

/* The catalog id of an Azure peering location ("Silicon Valley",
 * "Amsterdam Metro"): ids and names compared without case, spaces or
 * punctuation. NULL and a message naming the closest one when unknown. */
static const char *map_location(struct map *k, const struct ers_imp_src *src, const char *loc,
				const char *field)
{
	char want[128], n[128], hint[256];
	struct best b = { 0 };

	norm(loc, want, sizeof want);
	for (size_t i = 0; i < k->cat->n_locations; i++) {
		const struct ers_location *l = &k->cat->locations[i];

		norm(l->id, n, sizeof n);
		if (!strcmp(n, want))
			return l->id;
		if (l->name && (norm(l->name, n, sizeof n), !strcmp(n, want)))
			return l->id;
		try_name(&b, want, l->name ? l->name : l->id, l->id);
	}
	for (size_t i = 0; i < k->cat->n_metros; i++) {
		const struct ers_metro *mt = &k->cat->metros[i];

		norm(mt->id, n, sizeof n);
		if (!strcmp(n, want))
			return mt->id;
		if (mt->name && (norm(mt->name, n, sizeof n), !strcmp(n, want)))
			return mt->id;
		try_name(&b, want, mt->name ? mt->name : mt->id, mt->id);
	}
	snprintf(hint, sizeof hint, "closest known: '%s' (%s); docs/geography.md lists the "
		 "catalog", b.name ? b.name : "?", b.id ? b.id : "?");
	mfail(k, src, hint, "'%s': peering location '%s' is not in ersim's catalog", field, loc);
	return NULL;
}

/* The catalog id of an Azure region ("westeurope" or "West Europe"). */
static const char *map_region(struct map *k, const struct ers_imp_src *src, const char *loc,
			      const char *field)
{
	char want[128], n[128], hint[256];
	struct best b = { 0 };

	norm(loc, want, sizeof want);
	for (size_t i = 0; i < k->cat->n_regions; i++) {
		const struct ers_region *r = &k->cat->regions[i];

		norm(r->id, n, sizeof n);
		if (!strcmp(n, want))
			return r->id;
		try_name(&b, want, r->id, r->id);
	}
	snprintf(hint, sizeof hint, "closest known: '%s'; docs/geography.md lists the catalog",
		 b.id ? b.id : "?");
	mfail(k, src, hint, "'%s': Azure region '%s' is not in ersim's catalog", field, loc);
	return NULL;
}

/* IPv4 prefixes of a list; IPv6 ones are left out (the scenario format
 * is IPv4) and noted; anything else is an error. */
static size_t map_prefixes(struct map *k, const struct ers_imp_src *src, const struct ers_strv *v,
			   const char *field, struct ers_prefix **out)
{
	size_t n = 0;

	*out = calloc(v->n + 1, sizeof **out);
	for (size_t i = 0; *out && i < v->n; i++) {
		const char *why = NULL;

		if (strchr(v->v[i], ':')) {
			char *note = ers_asprintf("%s: IPv6 prefix %s left out (the scenario format is IPv4)",
						  src->what, v->v[i]);
			if (note)
				ers_strv_push(&k->others, note);
			free(note);
			continue;
		}
		if (ers_parse_prefix(v->v[i], &(*out)[n], &why) != ERS_OK) {
			mfail(k, src, NULL, "'%s': '%s' is not an IPv4 prefix: %s", field, v->v[i],
			      why ? why : "malformed");
			continue;
		}
		struct ers_prefix *kn = realloc(k->known, (k->n_known + 1) * sizeof *kn);
		if (kn) {
			k->known = kn;
			k->known[k->n_known++] = (*out)[n];
		}
		n++;
	}
	return n;
}

/* qsort, which may not be given NULL even for no items. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int by_name(const char *a, const char *ka, const char *b, const char *kb)
{
	int c = strcmp(a ? a : "", b ? b : "");

	return c ? c : strcmp(ka ? ka : "", kb ? kb : "");
}

static int cmp_circuit(const void *x, const void *y)
{
	const struct mcircuit *a = x, *b = y;

	return by_name(a->c->name, a->c->key, b->c->name, b->c->key);
}

static int cmp_vnet(const void *x, const void *y)
{
	const struct mvnet *a = x, *b = y;

	return by_name(a->v->name, a->v->key, b->v->name, b->v->key);
}

static int cmp_conn_ptr(const void *x, const void *y)
{
	const struct ers_imp_conn *a = *(const struct ers_imp_conn *const *)x;
	const struct ers_imp_conn *b = *(const struct ers_imp_conn *const *)y;

	return by_name(a->name, a->key, b->name, b->key);
}

static int cmp_lng_ptr(const void *x, const void *y)
{
	const struct ers_imp_lng *a = *(const struct ers_imp_lng *const *)x;
	const struct ers_imp_lng *b = *(const struct ers_imp_lng *const *)y;

	return by_name(a->name, a->key, b->name, b->key);
}

static size_t find_circuit(const struct map *k, const char *key)
{
	char cut[512];
	const char *s = key ? strchr(key, '/') : NULL;

	if (!key)
		return SIZE_MAX;
	/* "expressroutecircuits/NAME[/peerings/...]": the circuit's part */
	s = s ? strchr(s + 1, '/') : NULL;
	snprintf(cut, sizeof cut, "%.*s", s ? (int)(s - key) : (int)strlen(key), key);
	for (size_t i = 0; i < k->n_circuits; i++)
		if (!strcmp(k->circuits[i].c->key, cut))
			return i;
	return SIZE_MAX;
}

static size_t find_vnet(const struct map *k, const char *key)
{
	for (size_t i = 0; key && i < k->n_vnets; i++)
		if (!strcmp(k->vnets[i].v->key, key))
			return i;
	return SIZE_MAX;
}

/* The resource's name from a key, for messages: its last segment. */
static const char *key_name(const char *key)
{
	const char *s = key ? strrchr(key, '/') : NULL;

	return s ? s + 1 : key ? key : "?";
}

static void missing_ref(struct map *k, const struct ers_imp_src *src, const char *field,
			const char *kind, const char *key, const char *show)
{
	char hint[256];

	snprintf(hint, sizeof hint, "add its JSON to the inputs (%s)", show);
	mfail(k, src, hint, "'%s' names %s '%s', which is not in the input", field, kind,
	      key_name(key));
}

static const char *map_tier(struct map *k, const struct ers_imp_circuit *c)
{
	static const char *const tiers[][2] = {
		{ "Local", "local" }, { "Standard", "standard" }, { "Premium", "premium" },
	};

	for (size_t i = 0; c->tier && i < 3; i++)
		if (!strcasecmp(c->tier, tiers[i][0]))
			return tiers[i][1];
	if (c->tier)
		mfail(k, &c->src, "ExpressRoute circuit tiers are Local, Standard and Premium",
		      "'%s' is '%s'", k->f->tier, c->tier);
	return NULL;
}

static const char *provider_id(struct map *k, const char *name)
{
	for (size_t i = 0; i < k->provider_names.n; i++)
		if (!strcasecmp(k->provider_names.v[i], name))
			return k->providers.v[i];
	ers_strv_push(&k->provider_names, name);
	char *lower = strdup(name), *id;
	for (char *q = lower; q && *q; q++)
		*q = (char)tolower((unsigned char)*q);
	id = lower ? unique_id(&k->providers, lower, "p-") : NULL;
	free(lower);
	free(id);	/* unique_id keeps its own copy in providers */
	return k->providers.v[k->providers.n - 1];
}

static void map_circuit(struct map *k, struct mcircuit *mc, struct ers_strv *ids)
{
	const struct ers_imp_circuit *c = mc->c;
	const char *loc = c->peering_location, *field = k->f->circuit_location;

	mc->id = unique_id(ids, c->name, "er-");
	mc->sku = map_tier(k, c);
	if (c->port_key) {
		const struct ers_imp_port *p = NULL;

		for (size_t i = 0; i < k->m->n_ports; i++)
			if (!strcmp(k->m->ports[i].key, c->port_key))
				p = &k->m->ports[i];
		if (!p) {
			missing_ref(k, &c->src, k->f->circuit_port, "ExpressRoute Direct port",
				    c->port_key, k->f->show_port);
			return;
		}
		mc->port = p;
		loc = p->peering_location;
		field = "peeringLocation of its port";
		mc->provider = provider_id(k, "direct");
	} else if (c->provider) {
		mc->provider = provider_id(k, c->provider);
	}
	if (loc)
		mc->location = map_location(k, &c->src, loc, field);
}

static void attach_peerings(struct map *k)
{
	for (size_t i = 0; i < k->m->n_peerings; i++) {
		const struct ers_imp_peering *p = &k->m->peerings[i];
		size_t ci = find_circuit(k, p->circuit_key);
		const struct ers_imp_peering **slot;

		if (!p->circuit_key)
			continue;	/* already reported */
		if (ci == SIZE_MAX) {
			missing_ref(k, &p->src, k->f->peering_circuit, "circuit", p->circuit_key,
				    k->f->show_circuit);
			continue;
		}
		slot = p->type == ERS_IMP_PRIVATE ? &k->circuits[ci].priv
			: p->type == ERS_IMP_MICROSOFT ? &k->circuits[ci].ms : &k->circuits[ci].pub;
		if (!*slot)
			*slot = p;
	}
}

/* ---- sites ---------------------------------------------------------------- */

static bool asn_used(const struct map *k, uint32_t asn)
{
	for (size_t i = 0; i < k->n_sites; i++)
		if (k->sites[i].asn == asn)
			return true;
	for (size_t i = 0; i < k->n_circuits; i++)
		if (k->circuits[i].priv && k->circuits[i].priv->peer_asn == asn)
			return true;
	for (size_t i = 0; i < k->m->n_lngs; i++)
		if (k->m->lngs[i].bgp_asn == asn)
			return true;
	return false;
}

/* The lowest private ASN nobody uses (64512 up; 65515-65520 are Azure's). */
static uint32_t placeholder_asn(const struct map *k)
{
	uint32_t asn = 64512;

	while (asn_used(k, asn))
		asn++;
	return asn;
}

static size_t add_site(struct map *k, const char *id_base, uint32_t asn, bool placeholder,
		       struct ers_strv *ids)
{
	struct site *v = realloc(k->sites, (k->n_sites + 1) * sizeof *v), *s;

	if (!v)
		return SIZE_MAX;
	k->sites = v;
	s = &k->sites[k->n_sites];
	memset(s, 0, sizeof *s);
	s->asn = asn;
	s->asn_placeholder = placeholder;
	s->id = unique_id(ids, id_base, "site-");
	return k->n_sites++;
}

static size_t site_of_asn(struct map *k, uint32_t asn, struct ers_strv *ids)
{
	char base[32];

	for (size_t i = 0; i < k->n_sites; i++)
		if (k->sites[i].asn == asn && !k->sites[i].asn_placeholder)
			return i;
	snprintf(base, sizeof base, "onprem-%u", (unsigned)asn);
	return add_site(k, base, asn, false, ids);
}

static bool rid_taken(const struct map *k, uint32_t rid)
{
	for (size_t i = 0; i < k->n_rids; i++)
		if (k->rids[i] == rid)
			return true;
	return false;
}

/* Add a router (name sanitised, unique in the site); returns its id. */
static const char *add_router(struct map *k, size_t si, const char *name, uint32_t rid, char *note)
{
	struct site *s = &k->sites[si];
	struct router *v = realloc(s->routers, (s->n_routers + 1) * sizeof *v), *r;
	struct ers_strv used = { 0 };

	if (!v) {
		free(note);
		return NULL;
	}
	s->routers = v;
	for (size_t i = 0; i < s->n_routers; i++)
		ers_strv_push(&used, s->routers[i].id);
	r = &s->routers[s->n_routers++];
	r->id = unique_id(&used, name, "r-");
	r->note = note;
	r->rid = 0;
	if (rid && !rid_taken(k, rid)) {
		uint32_t *rv = realloc(k->rids, (k->n_rids + 1) * sizeof *rv);

		if (rv) {
			k->rids = rv;
			k->rids[k->n_rids++] = rid;
			r->rid = rid;
		}
	}
	ers_strv_release(&used);
	return r->id;
}

static char *dup_id(const char *id)
{
	return strdup(id ? id : "");
}

/* The customer's address of a link: the first host of its /30
 * (facts 1: customer router = first usable address, MSEE = second). */
static uint32_t ce_address(const char *subnet)
{
	struct ers_prefix p;
	const char *why;

	if (!subnet || ers_parse_prefix(subnet, &p, &why) != ERS_OK || p.len > 30)
		return 0;
	return p.addr + 1;
}

static void circuit_routers(struct map *k, struct mcircuit *mc, struct ers_strv *ids)
{
	static const char *const roles[2] = { "primary", "secondary" };
	const struct ers_imp_peering *p = mc->priv;
	char name[300];

	if (p && p->peer_asn) {
		mc->site = site_of_asn(k, p->peer_asn, ids);
	} else {
		snprintf(name, sizeof name, "onprem-%s", mc->id);
		mc->site = add_site(k, name, placeholder_asn(k), true, ids);
		if (mc->site != SIZE_MAX)
			k->sites[mc->site].note = ers_asprintf(
				"circuit '%s' has no private peering in Azure: the ASN is a "
				"PLACEHOLDER too", mc->c->name);
	}
	if (mc->site == SIZE_MAX)
		return;
	for (int r = 0; r < 2; r++) {
		const char *subnet = p ? (r ? p->secondary : p->primary) : NULL;

		snprintf(name, sizeof name, "%s-%s", mc->id, roles[r]);
		mc->routers[r] = dup_id(add_router(k, mc->site, name, ce_address(subnet),
			subnet ? ers_asprintf("PLACEHOLDER: edge router on the %s link of circuit '%s' "
					      "(peer subnet %s)", roles[r], mc->c->name, subnet)
			       : ers_asprintf("PLACEHOLDER: edge router on the %s link of circuit '%s'",
					      roles[r], mc->c->name)));
	}
}

static void lng_routers(struct map *k, const struct ers_imp_lng **lngs, struct ers_strv *ids)
{
	for (size_t i = 0; i < k->m->n_lngs; i++) {
		const struct ers_imp_lng *l = lngs[i];
		size_t li = (size_t)(l - k->m->lngs), si;
		uint32_t rid = 0;
		const char *why;

		if (l->bgp_asn) {
			si = site_of_asn(k, l->bgp_asn, ids);
		} else {
			si = add_site(k, l->name, placeholder_asn(k), true, ids);
			if (si != SIZE_MAX)
				k->sites[si].note = ers_asprintf(
					"local network gateway '%s' has no BGP settings (static routing): "
					"the ASN is a PLACEHOLDER; ersim runs BGP over the VPN", l->name);
		}
		if (si == SIZE_MAX)
			continue;
		if (l->bgp_address && ers_parse_ipv4(l->bgp_address, &rid, &why) != ERS_OK)
			rid = 0;
		k->lng_site[li] = si;
		k->lng_router[li] = dup_id(add_router(k, si, l->name, rid,
			ers_asprintf("VPN device of local network gateway '%s'%s%s", l->name,
				     l->bgp_address ? ", BGP address " : "",
				     l->bgp_address ? l->bgp_address : "")));
		struct ers_prefix *pv = NULL;
		size_t n = map_prefixes(k, &l->src, &l->prefixes, k->f->lng_prefixes, &pv);
		struct site *s = &k->sites[si];
		struct ers_prefix *nv = realloc(s->prefixes, (s->n_prefixes + n + 1) * sizeof *nv);

		if (nv) {
			s->prefixes = nv;
			for (size_t j = 0; j < n; j++) {
				bool dup = false;

				for (size_t q = 0; q < s->n_prefixes && !dup; q++)
					dup = !ers_prefix_cmp(s->prefixes[q], pv[j]);
				if (!dup)
					s->prefixes[s->n_prefixes++] = pv[j];
			}
		}
		free(pv);
	}
}

/* Sites without a known prefix get one from 198.18.0.0/15 (RFC 2544,
 * benchmarking: never a real network's), clear of every known prefix. */
static void placeholder_prefixes(struct map *k)
{
	uint32_t next = 198u << 24 | 18u << 16;

	for (size_t i = 0; i < k->n_sites; i++) {
		struct site *s = &k->sites[i];
		struct ers_prefix p;
		bool clash = true;

		if (s->n_prefixes)
			continue;
		while (clash && next < (198u << 24 | 20u << 16)) {
			p = (struct ers_prefix){ .addr = next, .len = 24 };
			next += 256;
			clash = false;
			for (size_t j = 0; j < k->n_known && !clash; j++)
				clash = ers_prefix_overlaps(p, k->known[j]);
		}
		if (clash || !(s->prefixes = malloc(sizeof *s->prefixes)))
			continue;
		s->prefixes[0] = p;
		s->n_prefixes = 1;
		s->prefix_placeholder = true;
	}
}

/* ---- VNets, gateways, connections --------------------------------------- */

static const char *gw_sku(struct map *k, const struct ers_imp_gateway *g)
{
	static const char *const skus[] = {
		"standard", "highperformance", "ultraperformance", "ergw1az", "ergw2az", "ergw3az",
	};

	if (!g->sku)
		return NULL;
	for (size_t i = 0; i < sizeof skus / sizeof skus[0]; i++)
		if (!strcasecmp(g->sku, skus[i]))
			return skus[i];
	if (!strcasecmp(g->sku, "ErGwScale"))	/* facts 8.1: 4/8/16 circuits at 1/2/10 units */
		return g->scale_units >= 10 ? "ergw3az" : g->scale_units >= 2 ? "ergw2az" : "ergw1az";
	mfail(k, &g->src, "ExpressRoute gateway SKUs are Standard, HighPerformance, "
	      "UltraPerformance, ErGw1AZ, ErGw2AZ, ErGw3AZ and ErGwScale",
	      "'%s' is '%s', not an ExpressRoute gateway SKU", k->f->gw_sku, g->sku);
	return NULL;
}

static void map_gateways(struct map *k)
{
	for (size_t i = 0; i < k->m->n_gateways; i++) {
		const struct ers_imp_gateway *g = &k->m->gateways[i];
		size_t vi = find_vnet(k, g->vnet_key);
		struct mvnet *v;

		if (!g->vnet_key)
			continue;	/* already reported */
		if (vi == SIZE_MAX) {
			missing_ref(k, &g->src, k->f->gw_vnet, "vnet", g->vnet_key, k->f->show_vnet);
			continue;
		}
		v = &k->vnets[vi];
		if (g->expressroute && (!v->er_gw || by_name(g->name, g->key, v->er_gw->name,
							      v->er_gw->key) < 0)) {
			v->er_gw = g;
			v->gw_sku = gw_sku(k, g);
		} else if (!g->expressroute && (!v->vpn_gw || by_name(g->name, g->key,
						v->vpn_gw->name, v->vpn_gw->key) < 0)) {
			v->vpn_gw = g;
		}
	}
}

static const struct ers_imp_gateway *find_gateway(const struct map *k, const char *key)
{
	for (size_t i = 0; key && i < k->m->n_gateways; i++)
		if (!strcmp(k->m->gateways[i].key, key))
			return &k->m->gateways[i];
	return NULL;
}

static void map_er_conn(struct map *k, const struct ers_imp_conn *c, size_t vi)
{
	size_t ci = find_circuit(k, c->circuit_key);
	struct mvnet *v = &k->vnets[vi];
	struct mconn *nv;

	if (ci == SIZE_MAX) {
		missing_ref(k, &c->src, k->f->conn_circuit, "circuit", c->circuit_key,
			    k->f->show_circuit);
		return;
	}
	if (!(nv = realloc(v->conns, (v->n_conns + 1) * sizeof *nv)))
		return;
	v->conns = nv;
	v->conns[v->n_conns++] = (struct mconn){ c, ci };
}

static void map_vpn(struct map *k, const struct ers_imp_conn *c, size_t vi, struct ers_strv *ids)
{
	size_t li = SIZE_MAX;
	struct mvpn *nv;

	for (size_t i = 0; c->lng_key && i < k->m->n_lngs; i++)
		if (!strcmp(k->m->lngs[i].key, c->lng_key))
			li = i;
	if (li == SIZE_MAX) {
		missing_ref(k, &c->src, k->f->conn_lng, "local network gateway", c->lng_key,
			    k->f->show_lng);
		return;
	}
	if (k->lng_site[li] == SIZE_MAX || !(nv = realloc(k->vpns, (k->n_vpns + 1) * sizeof *nv)))
		return;
	k->vpns = nv;
	k->vpns[k->n_vpns++] = (struct mvpn){ c, unique_id(ids, c->name, "vpn-"), k->lng_site[li],
					      k->lng_router[li], vi };
}

static void map_conns(struct map *k, struct ers_strv *vpn_ids)
{
	const struct ers_imp_conn **cs = calloc(k->m->n_conns + 1, sizeof *cs);

	if (!cs)
		return;
	for (size_t i = 0; i < k->m->n_conns; i++)
		cs[i] = &k->m->conns[i];
	sort(cs, k->m->n_conns, sizeof *cs, cmp_conn_ptr);
	for (size_t i = 0; i < k->m->n_conns; i++) {
		const struct ers_imp_conn *c = cs[i];
		const struct ers_imp_gateway *g;
		size_t vi;
		char *note;

		if (c->type == ERS_IMP_CONN_OTHER) {
			if ((note = ers_asprintf("%s: a %s connection, not imported (ersim models "
						 "ExpressRoute and site-to-site VPN connections)", c->src.what,
						 c->type_text ? c->type_text : "?")))
				ers_strv_push(&k->others, note);
			free(note);
			continue;
		}
		if (!c->gateway_key)
			continue;	/* already reported */
		if (!(g = find_gateway(k, c->gateway_key))) {
			missing_ref(k, &c->src, k->f->conn_gw, "gateway", c->gateway_key, k->f->show_gw);
			continue;
		}
		if ((vi = find_vnet(k, g->vnet_key)) == SIZE_MAX)
			continue;	/* reported with the gateway */
		if (c->type == ERS_IMP_CONN_ER)
			map_er_conn(k, c, vi);
		else
			map_vpn(k, c, vi, vpn_ids);
	}
	free(cs);
}

static void map_grs(struct map *k)
{
	for (size_t i = 0; i < k->m->n_grs; i++) {
		const struct ers_imp_gr *g = &k->m->grs[i];
		size_t a = find_circuit(k, g->peering_key), b = find_circuit(k, g->peer_peering_key);
		bool dup = false;
		struct mgr *nv;

		if (!g->peering_key || !g->peer_peering_key)
			continue;	/* already reported */
		if (a == SIZE_MAX || b == SIZE_MAX) {
			missing_ref(k, &g->src, a == SIZE_MAX ? k->f->gr_peering : k->f->gr_peer,
				    "circuit", a == SIZE_MAX ? g->peering_key : g->peer_peering_key,
				    k->f->show_circuit);
			continue;
		}
		if (a > b) {
			size_t t = a;
			a = b;
			b = t;
		}
		for (size_t j = 0; j < k->n_grs && !dup; j++) {
			dup = k->grs[j].a == a && k->grs[j].b == b;
			/* one pair, two connections (one from each side): the
			 * comment names the first by name, whatever the input order */
			if (dup && strcmp(g->name ? g->name : "", k->grs[j].g->name ? k->grs[j].g->name : "") < 0)
				k->grs[j].g = g;
		}
		if (dup || !(nv = realloc(k->grs, (k->n_grs + 1) * sizeof *nv)))
			continue;
		k->grs = nv;
		k->grs[k->n_grs++] = (struct mgr){ a, b, g };
	}
}

static int cmp_gr(const void *x, const void *y)
{
	const struct mgr *a = x, *b = y;

	return a->a != b->a ? (a->a < b->a ? -1 : 1) : a->b != b->b ? (a->b < b->b ? -1 : 1) : 0;
}

/* A spoke that uses its hub's gateway (useRemoteGateways) is reached
 * through that gateway: its prefixes join the hub's prefix list, which
 * is what the hub's gateway advertises to the circuits. */
static void map_spokes(struct map *k)
{
	for (size_t i = 0; i < k->n_vnets; i++)
		k->vnets[i].hub = SIZE_MAX;
	for (size_t i = 0; i < k->m->n_vpeers; i++) {
		const struct ers_imp_vpeer *p = &k->m->vpeers[i];
		size_t si = find_vnet(k, p->spoke_key), hi = find_vnet(k, p->hub_key);

		if (!p->spoke_key || !p->hub_key)
			continue;	/* already reported */
		if (si == SIZE_MAX || hi == SIZE_MAX) {
			missing_ref(k, &p->src, si == SIZE_MAX ? k->f->vpeer_spoke : k->f->vpeer_hub,
				    "vnet", si == SIZE_MAX ? p->spoke_key : p->hub_key, k->f->show_vnet);
			continue;
		}
		if (k->vnets[si].hub == SIZE_MAX && si != hi)
			k->vnets[si].hub = hi;
	}
	for (size_t i = 0; i < k->n_vnets; i++) {
		struct mvnet *sp = &k->vnets[i], *hub;
		struct ers_prefix *nv;

		if (sp->hub == SIZE_MAX || sp->er_gw || sp->vpn_gw)
			continue;
		hub = &k->vnets[sp->hub];
		if (!(nv = realloc(hub->prefixes, (hub->n_prefixes + sp->n_prefixes + 1) * sizeof *nv)))
			continue;
		hub->prefixes = nv;
		memcpy(hub->prefixes + hub->n_prefixes, sp->prefixes, sp->n_prefixes * sizeof *nv);
		hub->n_prefixes += sp->n_prefixes;
	}
}

/* ---- the whole mapping ----------------------------------------------------- */

static void map_all(struct map *k)
{
	struct ers_strv circuit_ids = { 0 }, vnet_ids = { 0 }, site_ids = { 0 }, vpn_ids = { 0 };
	const struct ers_imp_lng **lngs = calloc(k->m->n_lngs + 1, sizeof *lngs);

	k->circuits = calloc(k->m->n_circuits + 1, sizeof *k->circuits);
	k->vnets = calloc(k->m->n_vnets + 1, sizeof *k->vnets);
	k->lng_site = calloc(k->m->n_lngs + 1, sizeof *k->lng_site);
	k->lng_router = calloc(k->m->n_lngs + 1, sizeof *k->lng_router);
	if (!lngs || !k->circuits || !k->vnets || !k->lng_site || !k->lng_router) {
		ers_diag_add(k->d, ERS_ENOMEM, NULL, 0, NULL, "out of memory");
		k->failed = true;
		goto out;
	}
	k->n_circuits = k->m->n_circuits;
	for (size_t i = 0; i < k->n_circuits; i++)
		k->circuits[i].c = &k->m->circuits[i];
	sort(k->circuits, k->n_circuits, sizeof *k->circuits, cmp_circuit);
	for (size_t i = 0; i < k->n_circuits; i++)
		map_circuit(k, &k->circuits[i], &circuit_ids);
	attach_peerings(k);

	k->n_vnets = k->m->n_vnets;
	for (size_t i = 0; i < k->n_vnets; i++)
		k->vnets[i].v = &k->m->vnets[i];
	sort(k->vnets, k->n_vnets, sizeof *k->vnets, cmp_vnet);
	for (size_t i = 0; i < k->n_vnets; i++) {
		struct mvnet *v = &k->vnets[i];

		v->id = unique_id(&vnet_ids, v->v->name, "vnet-");
		if (v->v->location)
			v->region = map_region(k, &v->v->src, v->v->location, k->f->vnet_location);
		v->n_prefixes = map_prefixes(k, &v->v->src, &v->v->prefixes, k->f->vnet_prefixes,
					     &v->prefixes);
		if (!v->n_prefixes && v->v->prefixes.n == 0)
			mfail(k, &v->v->src, NULL, "'%s' lists no prefix", k->f->vnet_prefixes);
	}

	/* Sites: ASNs of private peerings first (by circuit name), then local
	 * network gateways (by name); the output sorts them by id. */
	for (size_t i = 0; i < k->n_circuits; i++)
		circuit_routers(k, &k->circuits[i], &site_ids);
	for (size_t i = 0; i < k->m->n_lngs; i++) {
		lngs[i] = &k->m->lngs[i];
		k->lng_site[i] = SIZE_MAX;
	}
	sort(lngs, k->m->n_lngs, sizeof *lngs, cmp_lng_ptr);
	lng_routers(k, lngs, &site_ids);

	map_gateways(k);
	map_spokes(k);
	map_conns(k, &vpn_ids);
	map_grs(k);
	sort(k->grs, k->n_grs, sizeof *k->grs, cmp_gr);
	placeholder_prefixes(k);
out:
	free(lngs);
	ers_strv_release(&circuit_ids);
	ers_strv_release(&vnet_ids);
	ers_strv_release(&site_ids);
	ers_strv_release(&vpn_ids);
}

static void map_release(struct map *k)
{
	for (size_t i = 0; i < k->n_circuits; i++) {
		free(k->circuits[i].id);
		free(k->circuits[i].routers[0]);
		free(k->circuits[i].routers[1]);
	}
	for (size_t i = 0; i < k->n_sites; i++) {
		for (size_t j = 0; j < k->sites[i].n_routers; j++) {
			free(k->sites[i].routers[j].id);
			free(k->sites[i].routers[j].note);
		}
		free(k->sites[i].routers);
		free(k->sites[i].prefixes);
		free(k->sites[i].id);
		free(k->sites[i].note);
	}
	for (size_t i = 0; i < k->n_vnets; i++) {
		free(k->vnets[i].id);
		free(k->vnets[i].prefixes);
		free(k->vnets[i].conns);
	}
	for (size_t i = 0; i < k->n_vpns; i++)
		free(k->vpns[i].id);
	for (size_t i = 0; i < k->m->n_lngs && k->lng_router; i++)
		free(k->lng_router[i]);
	free(k->circuits), free(k->sites), free(k->vnets), free(k->vpns), free(k->grs);
	free(k->known), free(k->lng_site), free(k->lng_router), free(k->rids);
	ers_strv_release(&k->providers);
	ers_strv_release(&k->provider_names);
	ers_strv_release(&k->others);
	ers_catalog_free(k->cat);
}

/* ---- writing ------------------------------------------------------------------ */

/* Text inside an XML comment: no "--" (XML forbids it), no control
 * characters (not XML characters). */
static void put_comment_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '-' && s[1] == '-')
			fputs("- ", f);
		else if (ch < 0x20 && ch != '\n' && ch != '\t')
			fputc('?', f);
		else
			fputc(ch, f);
	}
}

static void comment(FILE *f, const char *indent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void comment(FILE *f, const char *indent, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fprintf(f, "%s<!-- ", indent);
	put_comment_text(f, buf);
	fputs(" -->\n", f);
}

static int cmp_site_ptr(const void *x, const void *y)
{
	const struct site *a = *(const struct site *const *)x, *b = *(const struct site *const *)y;

	return strcmp(a->id, b->id);
}

static void write_header(const struct map *k, FILE *f)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!--\n  Imported by 'ersim import ", f);
	put_comment_text(f, k->m->command);
	fputs("' from:", f);
	for (size_t i = 0; i < k->m->inputs.n; i++) {
		fputs(" ", f);
		put_comment_text(f, k->m->inputs.v[i]);
	}
	size_t n_vnets = 0;
	for (size_t i = 0; i < k->n_vnets; i++)
		n_vnets += k->vnets[i].er_gw || k->vnets[i].vpn_gw;
	fprintf(f, "\n  circuits: %zu, Global Reach connections: %zu, VNets with a gateway: %zu,"
		"\n  site-to-site VPNs: %zu, resources of other types skipped: %zu."
		"\n  See docs/import.md.\n\n"
		"  Azure does not know the on-premises side: each site below stands for one\n"
		"  peer ASN, with one router per circuit link, and everything marked\n"
		"  PLACEHOLDER (router names, prefixes, provider models, ASNs Azure did not\n"
		"  give) is a guess to edit. Connectivity provider models are layer2 unless\n"
		"  you change them. No flows or events are imported: add them to simulate\n"
		"  failures (see the commented example at the end).\n-->\n",
		k->n_circuits, k->n_grs, n_vnets, k->n_vpns, k->m->n_skipped);
	fputs("<scenario name=\"imported\">\n  <defaults>\n"
	      "    <bgp keepalive=\"60s\" hold=\"180s\"/>\n  </defaults>\n", f);
}

static void write_sites(const struct map *k, FILE *f)
{
	const struct site **order = calloc(k->n_sites + 1, sizeof *order);
	char buf[24];

	if (!order)
		return;
	for (size_t i = 0; i < k->n_sites; i++)
		order[i] = &k->sites[i];
	sort(order, k->n_sites, sizeof *order, cmp_site_ptr);
	for (size_t i = 0; i < k->n_sites; i++) {
		const struct site *s = order[i];

		fputs("\n", f);
		comment(f, "  ", "on-premises AS %u%s%s", (unsigned)s->asn,
			s->note ? ": " : ": routers are PLACEHOLDERS named after what Azure knows",
			s->note ? s->note : "");
		fprintf(f, "  <site id=\"%s\" asn=\"%u\">\n", s->id, (unsigned)s->asn);
		for (size_t j = 0; j < s->n_routers; j++) {
			const struct router *r = &s->routers[j];

			if (r->rid)
				fprintf(f, "    <router id=\"%s\" router-id=\"%s\"/>", r->id,
					ers_ipv4_str(r->rid, buf, sizeof buf));
			else
				fprintf(f, "    <router id=\"%s\"/>", r->id);
			comment(f, " ", "%s", r->note ? r->note : "");
		}
		for (size_t j = 0; j < s->n_prefixes; j++) {
			fprintf(f, "    <prefix>%s</prefix>", ers_prefix_str(s->prefixes[j], buf, sizeof buf));
			if (s->prefix_placeholder)
				comment(f, " ", "PLACEHOLDER: Azure does not know this site's prefixes");
			else
				fputs("\n", f);
		}
		fputs("  </site>\n", f);
	}
	free(order);
}

struct prov { const char *id, *name; };

static int cmp_prov(const void *x, const void *y)
{
	return strcmp(((const struct prov *)x)->id, ((const struct prov *)y)->id);
}

static void write_providers(const struct map *k, FILE *f)
{
	struct prov *v = calloc(k->providers.n + 1, sizeof *v);

	if (!v)
		return;
	for (size_t i = 0; i < k->providers.n; i++)	/* providers.v[i] names provider_names.v[i] */
		v[i] = (struct prov){ k->providers.v[i], k->provider_names.v[i] };
	sort(v, k->providers.n, sizeof *v, cmp_prov);
	for (size_t i = 0; i < k->providers.n; i++) {
		bool direct = !strcmp(v[i].name, "direct");

		fputs("\n", f);
		if (direct)
			comment(f, "  ", "ExpressRoute Direct: the circuits' ports are Microsoft's");
		else
			comment(f, "  ", "connectivity provider '%s'; PLACEHOLDER model: Azure does not "
				"say whether it is layer2 (exchange, Ethernet) or layer3 (IPVPN, needs asn)",
				v[i].name);
		fprintf(f, "  <provider id=\"%s\" model=\"%s\"/>\n", v[i].id,
			direct ? "direct" : "layer2");
	}
	free(v);
}

static void write_ms_peering(const struct ers_imp_peering *p, FILE *f)
{
	char prefixes[1024] = "";

	for (size_t i = 0; i < p->ms_prefixes.n; i++) {
		size_t n = strlen(prefixes);

		snprintf(prefixes + n, sizeof prefixes - n, "%s%s", i ? " " : "", p->ms_prefixes.v[i]);
	}
	comment(f, "    ", "Microsoft peering NOT imported (the scenario format has no "
		"<microsoft-peering> yet): peer AS %u, advertised public prefixes: %s%s%s",
		(unsigned)p->peer_asn, prefixes[0] ? prefixes : "none",
		p->route_filter ? ", route filter " : "", p->route_filter ? key_name(p->route_filter) : "");
}

static void write_circuits(const struct map *k, FILE *f)
{
	for (size_t i = 0; i < k->n_circuits; i++) {
		const struct mcircuit *mc = &k->circuits[i];
		const struct ers_imp_circuit *c = mc->c;
		const struct site *s = &k->sites[mc->site];
		char bw[32];

		if (c->bw_mbps % 1000 == 0)
			snprintf(bw, sizeof bw, "%lluGbps", (unsigned long long)(c->bw_mbps / 1000));
		else
			snprintf(bw, sizeof bw, "%lluMbps", (unsigned long long)c->bw_mbps);
		fputs("\n", f);
		if (mc->port)
			comment(f, "  ", "circuit '%s': ExpressRoute Direct on port '%s' at %s, %llu Mbps, %s %s%s",
				c->name, mc->port->name, mc->port->peering_location,
				(unsigned long long)c->bw_mbps, c->tier, c->family ? c->family : "",
				mc->priv ? ", private peering" : "");
		else
			comment(f, "  ", "circuit '%s': %s, %s, %llu Mbps, %s %s%s", c->name,
				c->peering_location, c->provider, (unsigned long long)c->bw_mbps,
				c->tier, c->family ? c->family : "",
				mc->priv ? ", private peering" : "");
		fprintf(f, "  <circuit id=\"%s\" location=\"%s\" provider=\"%s\" bandwidth=\"%s\" "
			"sku=\"%s\">\n", mc->id, mc->location, mc->provider, bw, mc->sku);
		fprintf(f, "    <link role=\"primary\" router=\"%s/%s\"/>\n", s->id, mc->routers[0]);
		fprintf(f, "    <link role=\"secondary\" router=\"%s/%s\"/>\n", s->id, mc->routers[1]);
		if (mc->ms)
			write_ms_peering(mc->ms, f);
		if (mc->pub)
			comment(f, "    ", "Azure public peering NOT imported (retired by Microsoft)");
		fputs("  </circuit>\n", f);
	}
}

static void write_vnets(const struct map *k, FILE *f)
{
	char buf[24];

	for (size_t i = 0; i < k->n_vnets; i++) {
		const struct mvnet *v = &k->vnets[i];

		fputs("\n", f);
		if (!v->er_gw && !v->vpn_gw && v->hub != SIZE_MAX &&
		    (k->vnets[v->hub].er_gw || k->vnets[v->hub].vpn_gw)) {
			comment(f, "  ", "vnet '%s' is a spoke that uses the gateway of '%s' "
				"(useRemoteGateways): its prefixes are in the prefix list of '%s'",
				v->v->name, k->vnets[v->hub].v->name, k->vnets[v->hub].id);
			continue;
		}
		if (!v->er_gw && !v->vpn_gw) {
			comment(f, "  ", "vnet '%s' has no gateway and uses none of a peered VNet: "
				"not imported (nothing routes to it over ExpressRoute or VPN)", v->v->name);
			continue;
		}
		char spokes[512] = "";
		for (size_t j = 0; j < k->n_vnets; j++) {
			size_t n = strlen(spokes);

			if (k->vnets[j].hub == i && !k->vnets[j].er_gw && !k->vnets[j].vpn_gw)
				snprintf(spokes + n, sizeof spokes - n, "%s'%s'", n ? ", " : "; with spokes ",
					 k->vnets[j].v->name);
		}
		comment(f, "  ", "vnet '%s'%s%s%s%s", v->v->name,
			v->er_gw ? ", ExpressRoute gateway '" : "", v->er_gw ? v->er_gw->name : "",
			v->er_gw ? "'" : "", spokes);
		fprintf(f, "  <vnet id=\"%s\" region=\"%s\" prefix=\"", v->id, v->region);
		for (size_t j = 0; j < v->n_prefixes; j++)
			fprintf(f, "%s%s", j ? " " : "", ers_prefix_str(v->prefixes[j], buf, sizeof buf));
		fputs("\">\n", f);
		if (v->er_gw)
			fprintf(f, "    <gateway sku=\"%s\"/>\n", v->gw_sku);
		if (v->vpn_gw)
			comment(f, "    ", "VPN gateway '%s' (%s%s): ersim models one gateway per VNet, "
				"which also ends the VPNs", v->vpn_gw->name,
				v->vpn_gw->sku ? v->vpn_gw->sku : "?",
				v->er_gw ? "" : "; no ExpressRoute gateway, the default sku stands in");
		for (size_t j = 0; j < v->n_conns; j++) {
			const struct ers_imp_conn *c = v->conns[j].c;

			fprintf(f, "    <connection circuit=\"%s\" weight=\"%ld\"/>",
				k->circuits[v->conns[j].circuit].id, c->weight);
			comment(f, " ", "connection '%s'%s", c->name,
				c->fastpath ? "; FastPath on (not modelled: the gateway's routing is the same)" : "");
		}
		fputs("  </vnet>\n", f);
	}
}

static void write_rest(const struct map *k, FILE *f)
{
	for (size_t i = 0; i < k->n_grs; i++) {
		fputs(i ? "" : "\n", f);
		fprintf(f, "  <global-reach a=\"%s\" b=\"%s\"/>", k->circuits[k->grs[i].a].id,
			k->circuits[k->grs[i].b].id);
		comment(f, " ", "Global Reach connection '%s'", k->grs[i].g->name ? k->grs[i].g->name : "");
	}
	for (size_t i = 0; i < k->n_vpns; i++) {
		const struct mvpn *v = &k->vpns[i];

		fputs("\n", f);
		comment(f, "  ", "site-to-site connection '%s'%s", v->c->name,
			v->c->bgp ? "" : " (BGP off in Azure: ersim runs BGP over every VPN)");
		fprintf(f, "  <vpn id=\"%s\" site=\"%s\" router=\"%s\" vnet=\"%s\"/>\n", v->id,
			k->sites[v->site].id, v->router, k->vnets[v->vnet].id);
	}
	for (size_t i = 0; i < k->others.n; i++) {
		fputs(i ? "" : "\n", f);
		comment(f, "  ", "%s", k->others.v[i]);
	}
	fputs("\n  <!-- No flows imported: Azure has no traffic model. An example to edit:\n", f);
	/* from the site of the first connected circuit to its VNet: a pair
	 * that reaches, unless the user's edits change that */
	const char *from = NULL, *to = NULL;
	for (size_t i = 0; i < k->n_vnets && !to; i++)
		if (k->vnets[i].n_conns) {
			to = k->vnets[i].id;
			from = k->sites[k->circuits[k->vnets[i].conns[0].circuit].site].id;
		}
	for (size_t i = 0; i < k->n_vpns && !to; i++) {
		to = k->vnets[k->vpns[i].vnet].id;
		from = k->sites[k->vpns[i].site].id;
	}
	fprintf(f, "  <flow id=\"example\" from=\"%s\" to=\"%s\" rate=\"100Mbps\"/>\n",
		from ? from : "SITE", to ? to : "VNET");
	fputs("  -->\n</scenario>\n", f);
}

enum ers_err ers_import_write(const struct ers_imp *m, FILE *f, struct ers_diag *d)
{
	struct map k = { .m = m, .d = d, .f = !strcmp(m->command, "terraform") ? &tf_fields : &az_fields };
	enum ers_err rc;

	if (!m->n_circuits && !m->n_peerings && !m->n_grs && !m->n_gateways && !m->n_conns &&
	    !m->n_vnets && !m->n_lngs && !m->n_ports) {
		ers_diag_add(d, ERS_EINVAL, m->inputs.n ? m->inputs.v[0] : NULL, 0,
			     "ersim imports ExpressRoute circuits, peerings, Global Reach connections, "
			     "virtual network gateways, connections, VNets and local network gateways",
			     "no ExpressRoute, gateway, connection, VNet or local network gateway "
			     "resource in the input");
		return ERS_EINVAL;
	}
	rc = ers_catalog_builtin_load(&k.cat, d);
	if (rc != ERS_OK)
		return rc;
	map_all(&k);
	if (!k.failed) {
		write_header(&k, f);
		write_sites(&k, f);
		write_providers(&k, f);
		write_circuits(&k, f);
		write_vnets(&k, f);
		write_rest(&k, f);
	}
	rc = k.failed ? (d->first != ERS_OK ? d->first : ERS_EINVAL) : ERS_OK;
	map_release(&k);
	return rc;
}
