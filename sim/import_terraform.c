/*
 * import_terraform.c - the reader of `ersim import terraform`: the JSON
 * that `terraform show -json` prints for a state, into the neutral model
 * of import.h.
 *
 * The document is {"format_version", "terraform_version", "values":
 * {"root_module": {"resources": [...], "child_modules": [...]}}}; each
 * resource has "address", "mode", "type" and "values" (the azurerm
 * provider's attributes, snake case). Nested blocks with at most one
 * item (sku, bgp_settings, microsoft_peering_config) are lists of one
 * object in the state, so block() takes the first item. References are
 * Azure resource ids (express_route_circuit_id, peering_id,
 * subnet_id ...), normalised with ers_imp_key like the az reader's.
 * Only managed resources are read: data sources describe resources
 * managed elsewhere and have other attributes.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ersim/import.h"
#include "ersim/util.h"

struct tf {
	struct ers_imp *m;
	struct ers_diag *d;
	const char *file;
	bool failed;
};

struct res {
	struct tf *tf;
	json_t *v;			/* the resource's "values" */
	const char *what;		/* its address */
};

static void fail(struct tf *tf, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct tf *tf, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ers_diag_vadd(tf->d, ERS_EINVAL, tf->file, 0, hint, fmt, ap);
	va_end(ap);
	tf->failed = true;
}

/* The first item of a nested block (a list in the state), or an object. */
static json_t *block(json_t *v, const char *name)
{
	json_t *b = json_object_get(v, name);

	return json_is_array(b) ? json_array_get(b, 0) : json_is_object(b) ? b : NULL;
}

/* "block.attr" or "attr" of values. JSON null is absent. */
static json_t *attr(json_t *v, const char *name)
{
	const char *dot = strchr(name, '.');
	char blk[64];

	if (dot && (size_t)(dot - name) < sizeof blk) {
		memcpy(blk, name, dot - name);
		blk[dot - name] = '\0';
		v = block(v, blk);
		name = dot + 1;
	}
	v = json_object_get(v, name);
	return json_is_null(v) ? NULL : v;
}

static char *get_str(struct res *r, const char *name, bool required)
{
	json_t *a = attr(r->v, name);

	if (json_is_string(a) && *json_string_value(a))
		return strdup(json_string_value(a));
	if (required)
		fail(r->tf, NULL, "%s: %s '%s'", r->what, a ? "empty or not a string:" : "missing",
		     name);
	return NULL;
}

static bool get_num(struct res *r, const char *name, bool required, double min, double max,
		    double *out)
{
	json_t *a = attr(r->v, name);

	if (!a) {
		if (required)
			fail(r->tf, NULL, "%s: missing '%s'", r->what, name);
		return false;
	}
	if (json_is_number(a) && json_number_value(a) >= min && json_number_value(a) <= max) {
		*out = json_number_value(a);
		return true;
	}
	fail(r->tf, NULL, "%s: '%s' is not a number from %.0f to %.0f", r->what, name, min, max);
	return false;
}

static char *get_ref(struct res *r, const char *name, bool required)
{
	char *id = get_str(r, name, required), *key;

	if (!id)
		return NULL;
	key = ers_imp_key(id);
	free(id);
	return key;
}

static void get_list(struct res *r, const char *name, struct ers_strv *out)
{
	json_t *a = attr(r->v, name), *x;
	size_t i;

	if (a && !json_is_array(a))
		fail(r->tf, NULL, "%s: '%s' is not a list", r->what, name);
	json_array_foreach(a, i, x) {
		if (json_is_string(x))
			ers_strv_push(out, json_string_value(x));
		else
			fail(r->tf, NULL, "%s: '%s'[%zu] is not a string", r->what, name, i);
	}
}

static struct ers_imp_src src_of(struct res *r)
{
	return (struct ers_imp_src){ strdup(r->tf->file), strdup(r->what) };
}

/* Every resource needs its Azure name and id. */
static bool name_and_key(struct res *r, char **name, char **key)
{
	*name = get_str(r, "name", true);
	*key = get_ref(r, "id", true);
	if (*name && *key)
		return true;
	free(*name);
	free(*key);
	return false;
}

static void read_circuit(struct res *r)
{
	struct ers_imp_circuit *c;
	char *name, *key;
	double v;

	if (!name_and_key(r, &name, &key))
		return;
	if (!(c = ers_imp_add_circuit(r->tf->m))) {
		free(name);
		free(key);
		return;
	}
	c->src = src_of(r);
	c->key = key;
	c->name = name;
	c->tier = get_str(r, "sku.tier", true);
	c->family = get_str(r, "sku.family", false);
	c->port_key = get_ref(r, "express_route_port_id", false);
	if (c->port_key) {
		if (get_num(r, "bandwidth_in_gbps", true, 0.001, 1e6, &v))
			c->bw_mbps = (uint64_t)(v * 1000 + 0.5);
		return;
	}
	c->peering_location = get_str(r, "peering_location", true);
	c->provider = get_str(r, "service_provider_name", true);
	if (get_num(r, "bandwidth_in_mbps", true, 1, 1e9, &v))
		c->bw_mbps = (uint64_t)v;
}

static void read_peering(struct res *r)
{
	struct ers_imp_peering *p;
	char *type, *circuit, *cid;
	double v;

	if (!(p = ers_imp_add_peering(r->tf->m)))
		return;
	p->src = src_of(r);
	p->key = get_ref(r, "id", true);
	type = get_str(r, "peering_type", true);
	p->type = !type ? ERS_IMP_PRIVATE
		: !strcasecmp(type, "MicrosoftPeering") ? ERS_IMP_MICROSOFT
		: !strcasecmp(type, "AzurePublicPeering") ? ERS_IMP_PUBLIC : ERS_IMP_PRIVATE;
	free(type);
	circuit = get_str(r, "express_route_circuit_name", true);
	if (circuit && (cid = ers_asprintf("/providers/Microsoft.Network/expressRouteCircuits/%s",
					  circuit))) {
		p->circuit_key = ers_imp_key(cid);
		free(cid);
	}
	free(circuit);
	if (get_num(r, "peer_asn", p->type != ERS_IMP_PUBLIC, 1, 4294967295.0, &v))
		p->peer_asn = (uint32_t)v;
	p->primary = get_str(r, "primary_peer_address_prefix", false);
	p->secondary = get_str(r, "secondary_peer_address_prefix", false);
	p->vlan = get_num(r, "vlan_id", false, 0, 4095, &v) ? (long)v : -1;
	get_list(r, "microsoft_peering_config.advertised_public_prefixes", &p->ms_prefixes);
	p->route_filter = get_ref(r, "route_filter_id", false);
}

static void read_gr(struct res *r)
{
	struct ers_imp_gr *g = ers_imp_add_gr(r->tf->m);

	if (!g)
		return;
	g->src = src_of(r);
	g->name = get_str(r, "name", true);
	g->peering_key = get_ref(r, "peering_id", true);
	g->peer_peering_key = get_ref(r, "peer_peering_id", true);
}

static void read_gateway(struct res *r)
{
	struct ers_imp_gateway *g;
	char *name, *key, *type;
	double v;

	if (!name_and_key(r, &name, &key))
		return;
	if (!(g = ers_imp_add_gateway(r->tf->m))) {
		free(name);
		free(key);
		return;
	}
	g->src = src_of(r);
	g->key = key;
	g->name = name;
	type = get_str(r, "type", true);
	g->expressroute = type && !strcasecmp(type, "ExpressRoute");
	free(type);
	g->sku = get_str(r, "sku", true);
	if (get_num(r, "bgp_settings.asn", false, 1, 4294967295.0, &v))
		g->bgp_asn = (uint32_t)v;
	if (!block(r->v, "ip_configuration")) {
		fail(r->tf, "a gateway's ip_configuration.subnet_id names its VNet",
		     "%s: missing 'ip_configuration'", r->what);
		return;
	}
	g->vnet_key = get_ref(r, "ip_configuration.subnet_id", true);
	char *slash = g->vnet_key ? strchr(g->vnet_key, '/') : NULL;
	if (slash && (slash = strchr(slash + 1, '/')))
		*slash = '\0';
}

static void read_conn(struct res *r)
{
	struct ers_imp_conn *c;
	char *name, *key;
	double v;

	if (!name_and_key(r, &name, &key))
		return;
	if (!(c = ers_imp_add_conn(r->tf->m))) {
		free(name);
		free(key);
		return;
	}
	c->src = src_of(r);
	c->key = key;
	c->name = name;
	c->type_text = get_str(r, "type", true);
	c->type = !c->type_text ? ERS_IMP_CONN_OTHER
		: !strcasecmp(c->type_text, "ExpressRoute") ? ERS_IMP_CONN_ER
		: !strcasecmp(c->type_text, "IPsec") ? ERS_IMP_CONN_IPSEC : ERS_IMP_CONN_OTHER;
	if (c->type == ERS_IMP_CONN_OTHER)
		return;
	c->gateway_key = get_ref(r, "virtual_network_gateway_id", true);
	if (c->type == ERS_IMP_CONN_ER)
		c->circuit_key = get_ref(r, "express_route_circuit_id", true);
	else
		c->lng_key = get_ref(r, "local_network_gateway_id", true);
	if (get_num(r, "routing_weight", false, 0, 32000, &v))
		c->weight = (long)v;
	c->fastpath = json_is_true(attr(r->v, "express_route_gateway_bypass"));
	c->bgp = json_is_true(attr(r->v, "enable_bgp")) || json_is_true(attr(r->v, "bgp_enabled"));
}

static void read_vnet(struct res *r)
{
	struct ers_imp_vnet *v;
	char *name, *key;

	if (!name_and_key(r, &name, &key))
		return;
	if (!(v = ers_imp_add_vnet(r->tf->m))) {
		free(name);
		free(key);
		return;
	}
	v->src = src_of(r);
	v->key = key;
	v->name = name;
	v->location = get_str(r, "location", true);
	if (!attr(r->v, "address_space"))
		fail(r->tf, NULL, "%s: missing 'address_space'", r->what);
	get_list(r, "address_space", &v->prefixes);
}

static void read_lng(struct res *r)
{
	struct ers_imp_lng *l;
	char *name, *key;
	double v;

	if (!name_and_key(r, &name, &key))
		return;
	if (!(l = ers_imp_add_lng(r->tf->m))) {
		free(name);
		free(key);
		return;
	}
	l->src = src_of(r);
	l->key = key;
	l->name = name;
	get_list(r, "address_space", &l->prefixes);
	if (get_num(r, "bgp_settings.asn", false, 1, 4294967295.0, &v))
		l->bgp_asn = (uint32_t)v;
	l->bgp_address = get_str(r, "bgp_settings.bgp_peering_address", false);
}

static void read_port(struct res *r)
{
	struct ers_imp_port *p;
	char *name, *key;

	if (!name_and_key(r, &name, &key))
		return;
	if (!(p = ers_imp_add_port(r->tf->m))) {
		free(name);
		free(key);
		return;
	}
	p->src = src_of(r);
	p->key = key;
	p->name = name;
	p->peering_location = get_str(r, "peering_location", true);
}

static void read_vpeer(struct res *r)
{
	struct ers_imp_vpeer *p;
	char *spoke, *id;

	if (!json_is_true(attr(r->v, "use_remote_gateways")) || !(p = ers_imp_add_vpeer(r->tf->m)))
		return;
	p->src = src_of(r);
	p->key = get_ref(r, "id", true);
	spoke = get_str(r, "virtual_network_name", true);
	if (spoke && (id = ers_asprintf("/providers/Microsoft.Network/virtualNetworks/%s", spoke))) {
		p->spoke_key = ers_imp_key(id);
		free(id);
	}
	free(spoke);
	p->hub_key = get_ref(r, "remote_virtual_network_id", true);
}

static const struct {
	const char *type;
	void (*read)(struct res *r);
} kinds[] = {
	{ "azurerm_virtual_network_peering", read_vpeer },
	{ "azurerm_express_route_circuit", read_circuit },
	{ "azurerm_express_route_circuit_peering", read_peering },
	{ "azurerm_express_route_circuit_connection", read_gr },
	{ "azurerm_virtual_network_gateway", read_gateway },
	{ "azurerm_virtual_network_gateway_connection", read_conn },
	{ "azurerm_virtual_network", read_vnet },
	{ "azurerm_local_network_gateway", read_lng },
	{ "azurerm_express_route_port", read_port },
};

static void read_resource(struct tf *tf, json_t *j, size_t index)
{
	const char *type = json_string_value(json_object_get(j, "type"));
	const char *addr = json_string_value(json_object_get(j, "address"));
	const char *mode = json_string_value(json_object_get(j, "mode"));
	char what[300];
	struct res r = { tf, json_object_get(j, "values"), what };

	snprintf(what, sizeof what, "%s", addr ? addr : "resource");
	if (!type || !addr) {
		fail(tf, NULL, "resource #%zu has no 'type' or 'address'", index + 1);
		return;
	}
	if (mode && strcmp(mode, "managed")) {
		tf->m->n_skipped++;
		return;
	}
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(type, kinds[i].type))
			continue;
		if (!json_is_object(r.v)) {
			fail(tf, NULL, "%s: no 'values'", what);
			return;
		}
		kinds[i].read(&r);
		return;
	}
	tf->m->n_skipped++;
}

static void read_module(struct tf *tf, json_t *mod, int depth)
{
	json_t *res = json_object_get(mod, "resources"), *kids, *x;
	size_t i;

	json_array_foreach(res, i, x)
		read_resource(tf, x, i);
	kids = json_object_get(mod, "child_modules");
	if (depth < 64)
		json_array_foreach(kids, i, x)
			read_module(tf, x, depth + 1);
}

enum ers_err ers_import_terraform_file(struct ers_imp *m, const char *file, struct ers_diag *d)
{
	struct tf tf = { .m = m, .d = d, .file = file };
	json_error_t jerr;
	json_t *root, *values;

	root = json_load_file(file, JSON_DECODE_ANY, &jerr);
	if (!root) {
		if (jerr.line > 0)
			ers_diag_add(d, ERS_EINVAL, file, jerr.line, NULL, "not valid JSON: %s", jerr.text);
		else
			ers_diag_add(d, ERS_EINVAL, file, 0, NULL, "cannot read: %s", jerr.text);
		return ERS_EINVAL;
	}
	ers_strv_push(&m->inputs, file);
	values = json_object_get(root, "values");
	if (!json_is_object(root) || !json_object_get(root, "format_version")) {
		fail(&tf, "run 'terraform show -json > state.json' in the configuration's directory; "
		     "for az CLI or ARM JSON use 'ersim import azure'",
		     "not the output of 'terraform show -json' (no 'format_version')");
	} else if (!json_is_object(values)) {
		fail(&tf, "give the state: 'terraform show -json' without a plan file",
		     json_object_get(root, "planned_values")
			     ? "this is a plan ('planned_values'), not a state"
			     : "no 'values' in the state");
	} else {
		read_module(&tf, json_object_get(values, "root_module"), 0);
	}
	json_decref(root);
	return tf.failed ? ERS_EINVAL : ERS_OK;
}
