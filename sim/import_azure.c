/*
 * import_azure.c - the reader of `ersim import azure`: the JSON that the
 * az CLI prints (`az network express-route list|show`, `vnet-gateway`,
 * `vpn-connection`, `vnet`, `local-gateway`) and ARM template exports
 * (`az group export`), into the neutral model of import.h.
 *
 * Azure writes one resource in two shapes. The REST API and ARM templates
 * nest a resource's settings under "properties"
 * ({"name": ..., "properties": {"peerASN": 65010}}); the az CLI prints
 * many resources with "properties" flattened into the top level
 * ({"name": ..., "peerAsn": 65010}), and older az versions spell
 * property names in their own camel case ("peerAsn" for "peerASN").
 * prop() looks a name up at the top level first, then under
 * "properties", ignoring case, so one reader takes both shapes.
 *
 * ARM exports name resources with template expressions
 * ("[parameters('expressRouteCircuits_er_ams_name')]") and reference
 * them with resourceId(); eval_expr() evaluates the functions exports
 * use (parameters, variables, concat, resourceId) and refuses others
 * with the field that holds them. Resources of other types (public IPs,
 * NSGs, VMs) are skipped and counted.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ersim/import.h"
#include "ersim/util.h"

#define MAX_EVAL_DEPTH 16

struct az {
	struct ers_imp *m;
	struct ers_diag *d;
	const char *file;
	json_t *params, *vars;		/* ARM template's, or NULL */
	bool failed;			/* a problem was reported for this file */
};

/* The resource being read, for messages. */
struct res {
	struct az *az;
	json_t *j;
	const char *what;		/* "circuit 'er-ams'" */
};

static enum ers_err fail(struct az *az, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum ers_err fail(struct az *az, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ers_diag_vadd(az->d, ERS_EINVAL, az->file, 0, hint, fmt, ap);
	va_end(ap);
	az->failed = true;
	return ERS_EINVAL;
}

/* ---- JSON access ---------------------------------------------------- */

static json_t *jget(json_t *o, const char *name)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return NULL;
	if ((v = json_object_get(o, name)))
		return v;
	json_object_foreach(o, k, v)
		if (!strcasecmp(k, name))
			return v;
	return NULL;
}

/* A property in either shape (see the top of the file). JSON null is
 * treated as absent: az prints unset properties as null. */
static json_t *prop(json_t *o, const char *name)
{
	json_t *v = jget(o, name);

	if (!v || json_is_null(v))
		v = jget(jget(o, "properties"), name);
	return json_is_null(v) ? NULL : v;
}

/* A dotted path of properties: "serviceProviderProperties.peeringLocation". */
static json_t *path(json_t *o, const char *dotted)
{
	char seg[128];

	while (o && *dotted) {
		size_t n = strcspn(dotted, ".");

		if (n >= sizeof seg)
			return NULL;
		memcpy(seg, dotted, n);
		seg[n] = '\0';
		o = prop(o, seg);
		dotted += n + (dotted[n] == '.');
	}
	return o;
}

/* ---- ARM template expressions --------------------------------------- */

struct ev {
	struct az *az;
	const char *p;
	char err[160];
	int depth;
};

static char *ev_expr(struct ev *e);

static void ev_ws(struct ev *e)
{
	while (isspace((unsigned char)*e->p))
		e->p++;
}

static char *ev_literal(struct ev *e)
{
	size_t cap = strlen(e->p) + 1, n = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	for (e->p++; *e->p; e->p++) {
		if (*e->p == '\'' && e->p[1] == '\'') {
			s[n++] = '\'';
			e->p++;
		} else if (*e->p == '\'') {
			e->p++;
			s[n] = '\0';
			return s;
		} else {
			s[n++] = *e->p;
		}
	}
	free(s);
	snprintf(e->err, sizeof e->err, "unterminated string");
	return NULL;
}

static char *str_value(struct ev *e, json_t *v, const char *what, const char *name);

static char *ev_lookup(struct ev *e, const char *fn, const char *name)
{
	bool is_param = !strcasecmp(fn, "parameters");
	json_t *v = jget(is_param ? e->az->params : e->az->vars, name);

	if (is_param)
		v = jget(v, "defaultValue");
	if (!v) {
		snprintf(e->err, sizeof e->err, "%s '%s' has no %s in the template", is_param ? "parameter" : "variable",
			 name, is_param ? "defaultValue" : "value");
		return NULL;
	}
	return str_value(e, v, fn, name);
}

/* resourceId([subscription, group,] 'Ns/type[/child]', name[, childname]):
 * the id's tail, which is all ers_imp_key looks at. */
static char *ev_resource_id(struct ev *e, char **args, size_t n)
{
	size_t n_types = 0, first = 0, len = 16;
	const char *t;
	char *out, *q;

	for (size_t i = 0; i < n; i++) {
		if (strchr(args[i], '/')) {
			first = i;
			break;
		}
	}
	for (t = strchr(args[first], '/'); t; t = strchr(t + 1, '/'))
		n_types++;
	if (n_types == 0 || first + 1 + n_types != n) {
		snprintf(e->err, sizeof e->err, "resourceId() with %zu names for type '%s'",
			 n - first - 1, args[first]);
		return NULL;
	}
	for (size_t i = first; i < n; i++)
		len += strlen(args[i]) + 2;
	if (!(out = malloc(len)))
		return NULL;
	q = out + sprintf(out, "/providers/");
	t = args[first];
	for (size_t i = 0; i <= n_types; i++) {
		size_t k = strcspn(t, "/");

		memcpy(q, t, k);
		q += k;
		t += k + (t[k] == '/');
		if (i > 0) {
			q += sprintf(q, "/%s", args[first + i]);
		}
		*q++ = '/';
	}
	q[-1] = '\0';
	return out;
}

static char *ev_call(struct ev *e, const char *fn, char **args, size_t n)
{
	size_t len = 1;
	char *out;

	if ((!strcasecmp(fn, "parameters") || !strcasecmp(fn, "variables")) && n == 1)
		return ev_lookup(e, fn, args[0]);
	if (!strcasecmp(fn, "resourceId") && n >= 2)
		return ev_resource_id(e, args, n);
	if (!strcasecmp(fn, "concat")) {
		for (size_t i = 0; i < n; i++)
			len += strlen(args[i]);
		if (!(out = malloc(len)))
			return NULL;
		out[0] = '\0';
		for (size_t i = 0; i < n; i++)
			strcat(out, args[i]);
		return out;
	}
	snprintf(e->err, sizeof e->err, "unsupported template function '%s' (ersim evaluates "
		 "parameters, variables, concat and resourceId)", fn);
	return NULL;
}

static char *ev_func(struct ev *e)
{
	char fn[48], *args[16], *out = NULL;
	size_t n = 0, k = 0;

	while (isalnum((unsigned char)e->p[k]) && k + 1 < sizeof fn)
		k++;
	memcpy(fn, e->p, k);
	fn[k] = '\0';
	e->p += k;
	ev_ws(e);
	if (!k || *e->p != '(') {
		snprintf(e->err, sizeof e->err, "expected a function call at '%.20s'", e->p);
		return NULL;
	}
	if (strcasecmp(fn, "parameters") && strcasecmp(fn, "variables") &&
	    strcasecmp(fn, "concat") && strcasecmp(fn, "resourceId")) {
		snprintf(e->err, sizeof e->err, "unsupported template function '%s' (ersim evaluates "
			 "parameters, variables, concat and resourceId)", fn);
		return NULL;
	}
	e->p++;
	ev_ws(e);
	while (*e->p != ')') {
		if (n == sizeof args / sizeof args[0] || !(args[n] = ev_expr(e)))
			goto out;
		n++;
		ev_ws(e);
		if (*e->p == ',')
			e->p++;
		else if (*e->p != ')') {
			snprintf(e->err, sizeof e->err, "expected ',' or ')' at '%.20s'", e->p);
			goto out;
		}
	}
	e->p++;
	if (*e->p == '.' || *e->p == '[') {
		snprintf(e->err, sizeof e->err, "unsupported property access after %s()", fn);
		goto out;
	}
	out = ev_call(e, fn, args, n);
out:
	for (size_t i = 0; i < n; i++)
		free(args[i]);
	return out;
}

static char *ev_expr(struct ev *e)
{
	ev_ws(e);
	if (*e->p == '\'')
		return ev_literal(e);
	if (++e->depth > MAX_EVAL_DEPTH) {
		snprintf(e->err, sizeof e->err, "expressions nested too deep");
		return NULL;
	}
	char *s = ev_func(e);
	e->depth--;
	return s;
}

/* A JSON value as a string: strings (evaluating "[expr]", "[[" escapes a
 * literal "["), integers and whole reals. */
static char *str_value(struct ev *e, json_t *v, const char *what, const char *name)
{
	const char *s;

	if (json_is_integer(v))
		return ers_asprintf("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return ers_asprintf("%.17g", json_real_value(v));
	if (!json_is_string(v)) {
		snprintf(e->err, sizeof e->err, "%s '%s' is not a string", what, name);
		return NULL;
	}
	s = json_string_value(v);
	if (s[0] != '[' || s[1] == '[')
		return strdup(s + (s[0] == '['));
	size_t len = strlen(s);
	if (s[len - 1] != ']') {
		snprintf(e->err, sizeof e->err, "expression '%s' does not end with ']'", s);
		return NULL;
	}
	char *inner = strndup(s + 1, len - 2), *out;
	const char *save = e->p;

	if (!inner)
		return NULL;
	e->p = inner;
	out = ev_expr(e);
	if (out) {
		ev_ws(e);
		if (*e->p) {
			snprintf(e->err, sizeof e->err, "unexpected '%.20s' in expression", e->p);
			free(out);
			out = NULL;
		}
	}
	e->p = save;
	free(inner);
	return out;
}

/* ---- typed fields ----------------------------------------------------- */

/* The string at a dotted path of r, new; NULL when absent (a message if
 * required) or not a string. */
static char *get_str(struct res *r, const char *field, bool required)
{
	json_t *v = path(r->j, field);
	struct ev e = { .az = r->az };
	char *s;

	if (!v) {
		if (required)
			fail(r->az, NULL, "%s: missing '%s'", r->what, field);
		return NULL;
	}
	s = str_value(&e, v, "field", field);
	if (!s && e.err[0])
		fail(r->az, NULL, "%s: '%s': %s", r->what, field, e.err);
	return s;
}

/* A whole number in [min, max] at field: JSON numbers or decimal strings
 * (templates). Returns true and sets *out when present and valid. */
static bool get_num(struct res *r, const char *field, bool required, double min, double max,
		    double *out)
{
	json_t *v = path(r->j, field);
	char *end;

	if (!v) {
		if (required)
			fail(r->az, NULL, "%s: missing '%s'", r->what, field);
		return false;
	}
	if (json_is_number(v)) {
		*out = json_number_value(v);
	} else if (json_is_string(v) && json_string_value(v)[0] != '[') {
		*out = strtod(json_string_value(v), &end);
		if (*end || end == json_string_value(v))
			goto bad;
	} else {
		goto bad;
	}
	if (*out >= min && *out <= max)
		return true;
bad:
	fail(r->az, NULL, "%s: '%s' is not a number from %.0f to %.0f", r->what, field, min, max);
	return false;
}

static bool get_bool(struct res *r, const char *field)
{
	json_t *v = path(r->j, field);

	if (json_is_string(v))
		return !strcasecmp(json_string_value(v), "true");
	return json_is_true(v);
}

/* The key of the resource an {"id": ...} reference at field names. */
static char *get_ref(struct res *r, const char *field, bool required)
{
	char buf[160], *id, *key;

	snprintf(buf, sizeof buf, "%s.id", field);
	if (!(id = get_str(r, buf, required)))
		return NULL;
	key = ers_imp_key(id);
	free(id);
	return key;
}

/* Prefixes listed at field (strings), appended to v. */
static void get_list(struct res *r, const char *field, struct ers_strv *v)
{
	json_t *a = path(r->j, field), *x;
	struct ev e = { .az = r->az };
	size_t i;

	if (!a)
		return;
	if (!json_is_array(a)) {
		fail(r->az, NULL, "%s: '%s' is not a list", r->what, field);
		return;
	}
	json_array_foreach(a, i, x) {
		char *s = str_value(&e, x, "item of", field);

		if (!s) {
			fail(r->az, NULL, "%s: '%s'[%zu]: %s", r->what, field, i,
			     e.err[0] ? e.err : "out of memory");
			continue;
		}
		ers_strv_push(v, s);
		free(s);
	}
}

static struct ers_imp_src src_of(struct res *r)
{
	return (struct ers_imp_src){ strdup(r->az->file), strdup(r->what) };
}

/* ---- resources -------------------------------------------------------- */

static void read_gr(struct res *pr, json_t *j, const char *peering_key)
{
	char *name, what[256];
	struct res r = { pr->az, j, pr->what };
	struct ers_imp_gr *g;

	name = get_str(&r, "name", false);
	if (name && strrchr(name, '/'))		/* ARM child: "circuit/peering/name" */
		memmove(name, strrchr(name, '/') + 1, strlen(strrchr(name, '/')));
	snprintf(what, sizeof what, "Global Reach connection '%s'", name ? name : "?");
	r.what = what;
	if (!(g = ers_imp_add_gr(pr->az->m))) {
		free(name);
		return;
	}
	g->src = src_of(&r);
	g->name = name;
	g->peering_key = get_ref(&r, "expressRouteCircuitPeering", !peering_key);
	if (!g->peering_key && peering_key)
		g->peering_key = strdup(peering_key);
	g->peer_peering_key = get_ref(&r, "peerExpressRouteCircuitPeering", true);
}

static enum ers_imp_peering_type peering_type(const char *t)
{
	if (t && !strcasecmp(t, "MicrosoftPeering"))
		return ERS_IMP_MICROSOFT;
	if (t && !strcasecmp(t, "AzurePublicPeering"))
		return ERS_IMP_PUBLIC;
	return ERS_IMP_PRIVATE;
}

/* A peering, inline in a circuit (circuit_key given) or on its own. */
static void read_peering(struct res *pr, json_t *j, const char *key, const char *circuit_key)
{
	struct res r = { pr->az, j, NULL };
	struct ers_imp_peering *p;
	char what[256], *name, *type;
	json_t *conns, *c;
	double v;
	size_t i;

	name = get_str(&r, "name", false);
	snprintf(what, sizeof what, "%s peering '%s'", pr->what, name ? name : "?");
	r.what = what;
	if (!key || ers_imp_has_key(pr->az->m, key) || !(p = ers_imp_add_peering(pr->az->m))) {
		free(name);
		return;
	}
	type = get_str(&r, "peeringType", false);
	p->src = src_of(&r);
	p->key = strdup(key);
	p->circuit_key = strdup(circuit_key);
	p->type = peering_type(type ? type : name);
	if (get_num(&r, "peerASN", p->type != ERS_IMP_PUBLIC, 1, 4294967295.0, &v))
		p->peer_asn = (uint32_t)v;
	p->primary = get_str(&r, "primaryPeerAddressPrefix", false);
	p->secondary = get_str(&r, "secondaryPeerAddressPrefix", false);
	p->vlan = get_num(&r, "vlanId", false, 0, 4095, &v) ? (long)v : -1;
	get_list(&r, "microsoftPeeringConfig.advertisedPublicPrefixes", &p->ms_prefixes);
	p->route_filter = get_ref(&r, "routeFilter", false);
	free(type);
	free(name);
	conns = prop(j, "connections");
	json_array_foreach(conns, i, c)
		read_gr(&r, c, key);
}

static char *child_key(const char *parent, const char *kind, const char *name)
{
	char *id = ers_asprintf("/providers/x/%s/%s/%s", parent, kind, name), *key;

	if (!id)
		return NULL;
	key = ers_imp_key(id);
	free(id);
	return key;
}

/* A peering inline in a circuit: its own id, or the circuit's plus its name. */
static char *inline_key(struct res *r, json_t *j, const char *parent, const char *kind)
{
	struct res c = { r->az, j, r->what };
	char *id = get_str(&c, "id", false), *name, *key;

	if (id) {
		key = ers_imp_key(id);
		free(id);
		return key;
	}
	if (!(name = get_str(&c, "name", true)))
		return NULL;
	key = child_key(parent, kind, name);
	free(name);
	return key;
}

static void read_circuit(struct res *r, const char *key, char *name)
{
	struct ers_imp_circuit *c = ers_imp_add_circuit(r->az->m);
	json_t *peerings, *p;
	double v;
	size_t i;

	if (!c)
		return;
	c->src = src_of(r);
	c->key = strdup(key);
	c->name = strdup(name);
	c->tier = get_str(r, "sku.tier", true);
	c->family = get_str(r, "sku.family", false);
	c->port_key = get_ref(r, "expressRoutePort", false);
	if (c->port_key) {
		if (get_num(r, "bandwidthInGbps", true, 0.001, 1e6, &v))
			c->bw_mbps = (uint64_t)(v * 1000 + 0.5);
	} else {
		c->peering_location = get_str(r, "serviceProviderProperties.peeringLocation", true);
		c->provider = get_str(r, "serviceProviderProperties.serviceProviderName", true);
		if (get_num(r, "serviceProviderProperties.bandwidthInMbps", true, 1, 1e9, &v))
			c->bw_mbps = (uint64_t)v;
	}
	peerings = prop(r->j, "peerings");
	json_array_foreach(peerings, i, p) {
		char *pk = inline_key(r, p, key, "peerings");

		read_peering(r, p, pk, key);
		free(pk);
	}
}

/* The VNet a gateway lives in: its GatewaySubnet's parent. */
static char *gateway_vnet(struct res *r)
{
	json_t *ipc = path(r->j, "ipConfigurations");
	json_t *first = json_array_get(ipc, 0);
	struct res c = { r->az, first, r->what };
	char *key;

	if (!first) {
		fail(r->az, "a gateway's ipConfigurations[].subnet.id names its VNet",
		     "%s: missing 'ipConfigurations'", r->what);
		return NULL;
	}
	c.what = r->what;
	if (!(key = get_ref(&c, "subnet", true)))
		return NULL;
	char *slash = strchr(key, '/');	/* virtualnetworks/NAME/subnets/... */
	if (slash && (slash = strchr(slash + 1, '/')))
		*slash = '\0';
	return key;
}

static void read_gateway(struct res *r, const char *key, char *name)
{
	struct ers_imp_gateway *g = ers_imp_add_gateway(r->az->m);
	char *type;
	double v;

	if (!g)
		return;
	g->src = src_of(r);
	g->key = strdup(key);
	g->name = strdup(name);
	type = get_str(r, "gatewayType", true);
	g->expressroute = type && !strcasecmp(type, "ExpressRoute");
	free(type);
	g->sku = get_str(r, "sku.name", g->expressroute);
	if (get_num(r, "autoScaleConfiguration.bounds.min", false, 0, 1000, &v) ||
	    get_num(r, "sku.capacity", false, 0, 1000, &v))
		g->scale_units = (long)v;
	if (get_num(r, "bgpSettings.asn", false, 1, 4294967295.0, &v))
		g->bgp_asn = (uint32_t)v;
	g->vnet_key = gateway_vnet(r);
}

static void read_conn(struct res *r, const char *key, char *name)
{
	struct ers_imp_conn *c = ers_imp_add_conn(r->az->m);
	double v;

	if (!c)
		return;
	c->src = src_of(r);
	c->key = strdup(key);
	c->name = strdup(name);
	c->type_text = get_str(r, "connectionType", true);
	c->type = !c->type_text ? ERS_IMP_CONN_OTHER
		: !strcasecmp(c->type_text, "ExpressRoute") ? ERS_IMP_CONN_ER
		: !strcasecmp(c->type_text, "IPsec") ? ERS_IMP_CONN_IPSEC : ERS_IMP_CONN_OTHER;
	if (c->type == ERS_IMP_CONN_OTHER)
		return;
	c->gateway_key = get_ref(r, "virtualNetworkGateway1", true);
	if (c->type == ERS_IMP_CONN_ER)
		c->circuit_key = get_ref(r, "peer", true);
	else
		c->lng_key = get_ref(r, "localNetworkGateway2", true);
	if (get_num(r, "routingWeight", false, 0, 32000, &v))
		c->weight = (long)v;
	c->fastpath = get_bool(r, "expressRouteGatewayBypass");
	c->bgp = get_bool(r, "enableBgp");
}

/* A VNet peering, inline in its VNet or on its own; only one that uses
 * the remote VNet's gateway matters. */
static void read_vpeer(struct res *pr, json_t *j, const char *key, const char *spoke_key)
{
	struct res r = { pr->az, j, NULL };
	struct ers_imp_vpeer *p;
	char what[256], *name;

	if (!get_bool(&r, "useRemoteGateways") || !key || ers_imp_has_key(pr->az->m, key))
		return;
	name = get_str(&r, "name", false);
	if (name && strrchr(name, '/'))		/* ARM child: "vnet/peering" */
		memmove(name, strrchr(name, '/') + 1, strlen(strrchr(name, '/')));
	snprintf(what, sizeof what, "VNet peering '%s'", name ? name : "?");
	free(name);
	r.what = what;
	if (!(p = ers_imp_add_vpeer(pr->az->m)))
		return;
	p->src = src_of(&r);
	p->key = strdup(key);
	p->spoke_key = strdup(spoke_key);
	p->hub_key = get_ref(&r, "remoteVirtualNetwork", true);
}

static void read_vnet(struct res *r, const char *key, char *name)
{
	struct ers_imp_vnet *v = ers_imp_add_vnet(r->az->m);
	json_t *peers, *x;
	size_t i;

	if (!v)
		return;
	v->src = src_of(r);
	v->key = strdup(key);
	v->name = strdup(name);
	v->location = get_str(r, "location", true);
	if (!path(r->j, "addressSpace.addressPrefixes"))
		fail(r->az, NULL, "%s: missing 'addressSpace.addressPrefixes'", r->what);
	get_list(r, "addressSpace.addressPrefixes", &v->prefixes);
	peers = prop(r->j, "virtualNetworkPeerings");
	json_array_foreach(peers, i, x) {
		char *pk = inline_key(r, x, key, "virtualNetworkPeerings");

		read_vpeer(r, x, pk, key);
		free(pk);
	}
}

static void read_lng(struct res *r, const char *key, char *name)
{
	struct ers_imp_lng *l = ers_imp_add_lng(r->az->m);
	double v;

	if (!l)
		return;
	l->src = src_of(r);
	l->key = strdup(key);
	l->name = strdup(name);
	get_list(r, "localNetworkAddressSpace.addressPrefixes", &l->prefixes);
	if (get_num(r, "bgpSettings.asn", false, 1, 4294967295.0, &v))
		l->bgp_asn = (uint32_t)v;
	l->bgp_address = get_str(r, "bgpSettings.bgpPeeringAddress", false);
}

static void read_port(struct res *r, const char *key, char *name)
{
	struct ers_imp_port *p = ers_imp_add_port(r->az->m);

	if (!p)
		return;
	p->src = src_of(r);
	p->key = strdup(key);
	p->name = strdup(name);
	p->peering_location = get_str(r, "peeringLocation", true);
}

static const struct kind {
	const char *type;		/* after "Microsoft.Network/" */
	const char *label;
	void (*read)(struct res *r, const char *key, char *name);
} kinds[] = {
	{ "expressRouteCircuits", "circuit", read_circuit },
	{ "expressRouteCircuits/peerings", "circuit peering", NULL },
	{ "expressRouteCircuits/peerings/connections", "Global Reach connection", NULL },
	{ "virtualNetworkGateways", "gateway", read_gateway },
	{ "connections", "connection", read_conn },
	{ "virtualNetworks", "vnet", read_vnet },
	{ "localNetworkGateways", "local network gateway", read_lng },
	{ "expressRoutePorts", "ExpressRoute Direct port", read_port },
	{ "virtualNetworks/virtualNetworkPeerings", "VNet peering", NULL },
};

/* A key for the resource: its id (az output) or type and name (ARM). */
static char *resource_key(struct res *r, const char *type, const char *name)
{
	char *id = get_str(r, "id", false), *key;

	if (id) {
		key = ers_imp_key(id);
		free(id);
		return key;
	}
	return ers_imp_key_type_name(type, name);
}

/* Child resources of an ARM export (and `az ... peering list`): circuit
 * peering "circuit/peering", Global Reach connection
 * "circuit/peering/connection", VNet peering "vnet/peering". */
static void read_child(struct res *r, const struct kind *k, const char *key)
{
	bool peering = !strcasecmp(k->type, "expressRouteCircuits/peerings");
	bool vpeer = !strcasecmp(k->type, "virtualNetworks/virtualNetworkPeerings");
	int n_segs = peering || vpeer ? 2 : 4;
	char parent[512];
	const char *cut = key;

	for (int i = 0; i < n_segs && cut; i++)
		cut = strchr(cut + (i > 0), '/');
	if (!cut || (size_t)(cut - key) >= sizeof parent)
		return;
	memcpy(parent, key, cut - key);
	parent[cut - key] = '\0';
	if (vpeer)
		read_vpeer(r, r->j, key, parent);
	else if (peering)
		read_peering(r, r->j, key, parent);
	else
		read_gr(r, r->j, parent);
}

static void read_resource(struct az *az, json_t *j, size_t index)
{
	struct res r = { az, j, NULL };
	char what[320], *type, *name = NULL, *key = NULL;
	const char *t;
	bool known = false;

	snprintf(what, sizeof what, "resource #%zu", index + 1);
	r.what = what;
	if (!json_is_object(j)) {
		fail(az, NULL, "%s is not a JSON object", what);
		return;
	}
	if (!(type = get_str(&r, "type", true)))
		return;
	t = !strncasecmp(type, "Microsoft.Network/", 18) ? type + 18 : NULL;
	for (size_t i = 0; t && i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcasecmp(t, kinds[i].type))
			continue;
		known = true;
		if (!(name = get_str(&r, "name", true)))
			break;
		snprintf(what, sizeof what, "%s '%s'", kinds[i].label, name);
		if (!(key = resource_key(&r, type, name)))
			break;
		if (kinds[i].read && !ers_imp_has_key(az->m, key))
			kinds[i].read(&r, key, name);
		else if (!kinds[i].read)
			read_child(&r, &kinds[i], key);
		goto out;
	}
	if (!known)
		az->m->n_skipped++;
out:
	free(key);
	free(name);
	free(type);
}

/* Which document is this: a list (az ... list), one resource (az ...
 * show), a REST list ({"value": [...]}) or an ARM template. */
static json_t *resources_of(struct az *az, json_t *root)
{
	json_t *res;

	if (json_is_array(root))
		return root;
	if (!json_is_object(root))
		return NULL;
	if (jget(root, "format_version") && jget(root, "terraform_version")) {
		fail(az, "read it with 'ersim import terraform'",
		     "this is Terraform's 'terraform show -json' output, not Azure JSON");
		return NULL;
	}
	if (json_is_array(res = jget(root, "resources"))) {
		az->params = jget(root, "parameters");
		az->vars = jget(root, "variables");
		return res;
	}
	if (json_is_array(res = jget(root, "value")))
		return res;
	if (jget(root, "type"))
		return root;
	return NULL;
}

enum ers_err ers_import_azure_file(struct ers_imp *m, const char *file, struct ers_diag *d)
{
	struct az az = { .m = m, .d = d, .file = file };
	json_error_t jerr;
	json_t *root, *list, *j;
	size_t i;

	root = json_load_file(file, JSON_DECODE_ANY, &jerr);
	if (!root) {
		if (jerr.line > 0)
			ers_diag_add(d, ERS_EINVAL, file, jerr.line, NULL, "not valid JSON: %s", jerr.text);
		else
			ers_diag_add(d, ERS_EINVAL, file, 0, NULL, "cannot read: %s", jerr.text);
		return ERS_EINVAL;
	}
	ers_strv_push(&m->inputs, file);
	list = resources_of(&az, root);
	if (!list) {
		if (!az.failed)
			fail(&az, "give the JSON that 'az network express-route|vnet-gateway|"
			     "vpn-connection|vnet|local-gateway list' or 'show' prints, or an "
			     "ARM template from 'az group export'",
			     "not an Azure resource, resource list or ARM template");
		json_decref(root);
		return ERS_EINVAL;
	}
	if (json_is_object(list))
		read_resource(&az, list, 0);
	else
		json_array_foreach(list, i, j)
			read_resource(&az, j, i);
	json_decref(root);
	return az.failed ? ERS_EINVAL : ERS_OK;
}
