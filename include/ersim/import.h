/*
 * import.h - `ersim import`: turn what Azure knows about a deployment
 * (az CLI / ARM JSON, Terraform state) into a scenario.
 *
 * Two readers fill one neutral model of the Azure resources that matter
 * (struct ers_imp): sim/import_azure.c reads az CLI output and ARM
 * template exports, sim/import_terraform.c reads `terraform show -json`.
 * sim/import_model.c then maps that model onto a scenario (catalog ids,
 * sites for the on-premises side Azure does not know, sanitised ids) and
 * writes it as XML. Every problem goes to a struct ers_diag naming the
 * input file, the resource and the field.
 */
#ifndef ERSIM_IMPORT_H
#define ERSIM_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ersim/error.h"

/* A list of strings (owned). */
struct ers_strv {
	char **v;
	size_t n, cap;
};

/* Where a resource came from, for diagnostics: "FILE: error: what ...". */
struct ers_imp_src {
	char *file;
	char *what;			/* "circuit 'er-ams'" or a Terraform address */
};

enum ers_imp_peering_type {
	ERS_IMP_PRIVATE,		/* AzurePrivatePeering */
	ERS_IMP_MICROSOFT,		/* MicrosoftPeering */
	ERS_IMP_PUBLIC,			/* AzurePublicPeering (retired) */
};

struct ers_imp_circuit {
	struct ers_imp_src src;
	char *key;			/* normalised resource id (ers_imp_key) */
	char *name;
	char *peering_location;		/* NULL for Direct: see port_key */
	char *provider;			/* service provider name; NULL for Direct */
	char *port_key;			/* ExpressRoute Direct port, or NULL */
	uint64_t bw_mbps;
	char *tier, *family;		/* sku.tier, sku.family */
};

struct ers_imp_peering {
	struct ers_imp_src src;
	char *key;
	char *circuit_key;
	enum ers_imp_peering_type type;
	uint32_t peer_asn;		/* 0: not given */
	char *primary, *secondary;	/* peer /30 subnets, or NULL */
	long vlan;			/* -1: not given */
	struct ers_strv ms_prefixes;	/* Microsoft peering: advertised public prefixes */
	char *route_filter;		/* Microsoft peering: route filter key, or NULL */
};

/* A Global Reach connection between two circuits' private peerings. */
struct ers_imp_gr {
	struct ers_imp_src src;
	char *name;
	char *peering_key, *peer_peering_key;
};

struct ers_imp_gateway {
	struct ers_imp_src src;
	char *key;
	char *name;
	char *vnet_key;			/* from the GatewaySubnet's id */
	bool expressroute;		/* gatewayType ExpressRoute, else Vpn */
	char *sku;			/* sku.name as Azure writes it */
	long scale_units;		/* ErGwScale minimum, 0 when not given */
	uint32_t bgp_asn;		/* 0: not given */
};

enum ers_imp_conn_type { ERS_IMP_CONN_ER, ERS_IMP_CONN_IPSEC, ERS_IMP_CONN_OTHER };

struct ers_imp_conn {
	struct ers_imp_src src;
	char *key;
	char *name;
	enum ers_imp_conn_type type;
	char *type_text;		/* connectionType as written */
	char *gateway_key;		/* virtualNetworkGateway1 */
	char *circuit_key;		/* ExpressRoute: peer */
	char *lng_key;			/* IPsec: localNetworkGateway2 */
	long weight;			/* routingWeight, 0 when not given */
	bool fastpath;			/* expressRouteGatewayBypass */
	bool bgp;			/* enableBgp */
};

struct ers_imp_vnet {
	struct ers_imp_src src;
	char *key;
	char *name;
	char *location;
	struct ers_strv prefixes;	/* addressSpace.addressPrefixes */
};

struct ers_imp_lng {
	struct ers_imp_src src;
	char *key;
	char *name;
	struct ers_strv prefixes;	/* localNetworkAddressSpace.addressPrefixes */
	uint32_t bgp_asn;		/* 0: static routing */
	char *bgp_address;		/* bgpSettings.bgpPeeringAddress, or NULL */
};

/* A VNet peering of a spoke that uses its hub's gateway
 * (useRemoteGateways): the hub's gateway advertises the spoke's prefixes. */
struct ers_imp_vpeer {
	struct ers_imp_src src;
	char *key;
	char *spoke_key, *hub_key;	/* the peering's VNet and its remote VNet */
};

/* ExpressRoute Direct port pair: where its circuits land. */
struct ers_imp_port {
	struct ers_imp_src src;
	char *key;
	char *name;
	char *peering_location;
};

/* What was read: every kind of resource the importer understands, plus
 * the inputs' names for the scenario's header. */
struct ers_imp {
	const char *command;		/* "azure" or "terraform" */
	struct ers_strv inputs;
	struct ers_imp_circuit *circuits; size_t n_circuits;
	struct ers_imp_peering *peerings; size_t n_peerings;
	struct ers_imp_gr *grs;		size_t n_grs;
	struct ers_imp_gateway *gateways; size_t n_gateways;
	struct ers_imp_conn *conns;	size_t n_conns;
	struct ers_imp_vnet *vnets;	size_t n_vnets;
	struct ers_imp_lng *lngs;	size_t n_lngs;
	struct ers_imp_port *ports;	size_t n_ports;
	struct ers_imp_vpeer *vpeers;	size_t n_vpeers;	/* only those with useRemoteGateways */
	size_t n_skipped;		/* resources of other types */
};

void ers_imp_init(struct ers_imp *m, const char *command);
void ers_imp_release(struct ers_imp *m);

/* Add an empty record of each kind (zeroed; NULL when out of memory). */
struct ers_imp_circuit *ers_imp_add_circuit(struct ers_imp *m);
struct ers_imp_peering *ers_imp_add_peering(struct ers_imp *m);
struct ers_imp_gr *ers_imp_add_gr(struct ers_imp *m);
struct ers_imp_gateway *ers_imp_add_gateway(struct ers_imp *m);
struct ers_imp_conn *ers_imp_add_conn(struct ers_imp *m);
struct ers_imp_vnet *ers_imp_add_vnet(struct ers_imp *m);
struct ers_imp_lng *ers_imp_add_lng(struct ers_imp *m);
struct ers_imp_port *ers_imp_add_port(struct ers_imp *m);
struct ers_imp_vpeer *ers_imp_add_vpeer(struct ers_imp *m);

/* Is a record with this key already there (the same resource listed in
 * two inputs, or inline and as a child resource of an ARM export)? */
bool ers_imp_has_key(const struct ers_imp *m, const char *key);

int ers_strv_push(struct ers_strv *s, const char *str);
void ers_strv_release(struct ers_strv *s);

/* The normalised key of an Azure resource id: the part after the last
 * "/providers/", without the "Microsoft.Network/" namespace, lower case
 * ("expressroutecircuits/er-ams/peerings/azureprivatepeering"). Azure
 * names are case-insensitive, so are keys. New string, NULL when out of
 * memory. */
char *ers_imp_key(const char *id);
/* The same from an ARM resource type and (possibly nested) name:
 * ("Microsoft.Network/expressRouteCircuits/peerings", "er-ams/AzurePrivatePeering"). */
char *ers_imp_key_type_name(const char *type, const char *name);

/* Readers. Each appends to m; problems go to d (file, resource, field).
 * ERS_OK, or the first error. */
enum ers_err ers_import_azure_file(struct ers_imp *m, const char *path, struct ers_diag *d);
enum ers_err ers_import_terraform_file(struct ers_imp *m, const char *path, struct ers_diag *d);

/* Map m onto a scenario and write it as XML to f: resolves references,
 * maps peering locations and regions to the catalog, builds the
 * placeholder sites. Every unresolved reference or unknown name goes to
 * d; nothing is written to f unless everything resolved. */
enum ers_err ers_import_write(const struct ers_imp *m, FILE *f, struct ers_diag *d);

#endif
