/*
 * check_import.c - `ersim import`: each mapping from Azure and Terraform
 * documents (tests/import/) onto the scenario, checked on the scenario
 * loaded back; the round trip through validate and run; determinism; and
 * each error (message, exit 2, nothing written). The command runs through
 * the binary named by $ERSIM (make test sets it).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ersim/catalog.h"
#include "ersim/import.h"
#include "ersim/scenario.h"
#include "test_util.h"

#define DIR "tests/import/"
#define AZ_ALL DIR "az-circuits.json " DIR "az-gateways.json " DIR "az-connections.json " \
	DIR "az-vnets.json " DIR "az-local-gateways.json"

static char out_path[96], err_text[8192], out_text[1 << 16];

static const char *ersim(void)
{
	const char *p = getenv("ERSIM");

	ck_assert_msg(p && access(p, X_OK) == 0, "set ERSIM to the built ersim binary");
	return p;
}

static void slurp(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	size_t len = 0;

	if (f) {
		len = fread(buf, 1, n - 1, f);
		fclose(f);
	}
	buf[len] = '\0';
}

/* "ersim ARGS" with stdout to out_text and stderr to err_text; exit code. */
static int sh(const char *args)
{
	char cmd[4096], o[64], e[64];
	int st;

	snprintf(o, sizeof o, "/tmp/ers-imp-%d.out", (int)getpid());
	snprintf(e, sizeof e, "/tmp/ers-imp-%d.err", (int)getpid());
	snprintf(cmd, sizeof cmd, "%s %s > %s 2> %s", ersim(), args, o, e);
	st = system(cmd);
	ck_assert(st != -1 && WIFEXITED(st));
	slurp(o, out_text, sizeof out_text);
	slurp(e, err_text, sizeof err_text);
	unlink(o);
	unlink(e);
	return WEXITSTATUS(st);
}

/* Import to out_path and load the scenario back (checked like validate). */
static struct ers_scenario *import(const char *args, struct ers_catalog **cat)
{
	struct ers_scenario *s = NULL;
	struct ers_diag d;
	char cmd[2048];

	snprintf(out_path, sizeof out_path, "/tmp/ers-imp-%d.xml", (int)getpid());
	snprintf(cmd, sizeof cmd, "import %s -o %s", args, out_path);
	ck_assert_msg(sh(cmd) == 0, "import failed: %s", err_text);
	ck_assert_str_eq(out_text, "");
	ers_diag_init(&d);
	if (ers_scenario_open(out_path, &s, cat, &d) != ERS_OK) {
		ers_diag_print(&d, stderr);
		ck_abort_msg("imported scenario does not load");
	}
	ers_diag_release(&d);
	slurp(out_path, out_text, sizeof out_text);
	return s;
}

static const struct ers_circuit *circuit(const struct ers_scenario *s, const char *id)
{
	for (size_t i = 0; i < s->n_circuits; i++)
		if (!strcmp(s->circuits[i].id, id))
			return &s->circuits[i];
	ck_abort_msg("no circuit '%s'", id);
	return NULL;
}

static const struct ers_vnet *vnet(const struct ers_scenario *s, const char *id)
{
	for (size_t i = 0; i < s->n_vnets; i++)
		if (!strcmp(s->vnets[i].id, id))
			return &s->vnets[i];
	ck_abort_msg("no vnet '%s'", id);
	return NULL;
}

static const struct ers_site *site(const struct ers_scenario *s, const char *id)
{
	for (size_t i = 0; i < s->n_sites; i++)
		if (!strcmp(s->sites[i].id, id))
			return &s->sites[i];
	ck_abort_msg("no site '%s'", id);
	return NULL;
}

/* "site/router" of a circuit link. */
static void link_router(const struct ers_scenario *s, const struct ers_circuit *c, int role,
			char *buf, size_t n)
{
	const struct ers_site *st = &s->sites[c->links[role].ce.site];

	snprintf(buf, n, "%s/%s", st->id, st->routers[c->links[role].ce.router].id);
}

static const char *provider_of(const struct ers_scenario *s, const struct ers_circuit *c)
{
	return s->providers[c->provider].id;
}

static void done(struct ers_scenario *s, struct ers_catalog *cat)
{
	ers_scenario_free(s);
	ers_catalog_free(cat);
	unlink(out_path);
}

/* ---- mappings ---------------------------------------------------------- */

START_TEST(test_import_azure_circuits_sites_and_links)
{
	struct ers_catalog *cat = NULL;
	struct ers_scenario *s = import("azure " AZ_ALL, &cat);
	const struct ers_circuit *ams = circuit(s, "er-ams"), *lon = circuit(s, "er-lon");
	char r[128];

	/* serviceProviderProperties and sku */
	ck_assert_str_eq(ams->location, "amsterdam");
	ck_assert_str_eq(provider_of(s, ams), "equinix");
	ck_assert_uint_eq(ams->bandwidth, 1000000000ull);
	ck_assert_int_eq(ams->sku, ERS_SKU_PREMIUM);
	ck_assert_str_eq(lon->location, "london");
	ck_assert_str_eq(provider_of(s, lon), "colt");
	ck_assert_uint_eq(lon->bandwidth, 500000000ull);
	ck_assert_int_eq(lon->sku, ERS_SKU_STANDARD);
	/* peerASN (and the old az spelling peerAsn): one site per ASN,
	 * one router per link, router id the customer's end of the /30 */
	ck_assert_uint_eq(site(s, "onprem-65010")->asn, 65010);
	ck_assert_uint_eq(site(s, "onprem-65020")->asn, 65020);
	link_router(s, ams, 0, r, sizeof r);
	ck_assert_str_eq(r, "onprem-65010/er-ams-primary");
	link_router(s, ams, 1, r, sizeof r);
	ck_assert_str_eq(r, "onprem-65010/er-ams-secondary");
	link_router(s, lon, 1, r, sizeof r);
	ck_assert_str_eq(r, "onprem-65020/er-lon-secondary");
	ck_assert_msg(strstr(out_text, "<router id=\"er-ams-primary\" router-id=\"192.168.100.129\"/>"),
		      "%s", out_text);
	ck_assert_msg(strstr(out_text, "router-id=\"192.168.100.133\""), "%s", out_text);
	/* a placeholder prefix, marked, from the benchmarking range */
	ck_assert_msg(strstr(out_text, "<prefix>198.18.0.0/24</prefix> <!-- PLACEHOLDER"), "%s", out_text);
	ck_assert_msg(strstr(out_text, "connectivity provider 'Equinix'; PLACEHOLDER model"), "%s",
		      out_text);
	/* Microsoft peering: not in the format, said so in a comment */
	ck_assert_msg(strstr(out_text, "Microsoft peering NOT imported (the scenario format has no "
			     "<microsoft-peering> yet): peer AS 65010, advertised public prefixes: "
			     "203.0.113.0/28, route filter rf-m365"), "%s", out_text);
	done(s, cat);
}
END_TEST

START_TEST(test_import_azure_vnets_gateways_connections)
{
	struct ers_catalog *cat = NULL;
	struct ers_scenario *s = import("azure " AZ_ALL, &cat);
	const struct ers_vnet *weu = vnet(s, "hub-weu"), *uks = vnet(s, "hub-uks");

	ck_assert_str_eq(weu->region, "westeurope");
	ck_assert_int_eq(weu->gw_sku, ERS_GW_ERGW1AZ);		/* sku.name ErGw1AZ */
	ck_assert_int_eq(uks->gw_sku, ERS_GW_HIGHPERF);	/* HighPerformance */
	/* routingWeight; connections sorted by name */
	ck_assert_uint_eq(weu->n_connections, 2);
	ck_assert_str_eq(s->circuits[weu->connections[0].circuit].id, "er-ams");
	ck_assert_uint_eq(weu->connections[0].weight, 10);
	ck_assert_str_eq(s->circuits[weu->connections[1].circuit].id, "er-lon");
	ck_assert_uint_eq(weu->connections[1].weight, 0);
	/* IPv6 address space is left out with a note; FastPath noted */
	ck_assert_uint_eq(uks->n_prefixes, 1);
	ck_assert_msg(strstr(out_text, "IPv6 prefix fd00:db8:2::/48 left out"), "%s", out_text);
	ck_assert_msg(strstr(out_text, "connection 'conn-uks-lon'; FastPath on"), "%s", out_text);
	/* a spoke using hub-weu's gateway (useRemoteGateways) is advertised
	 * by that gateway; a VNet that reaches no gateway is left out */
	ck_assert_uint_eq(s->n_vnets, 2);
	ck_assert_uint_eq(weu->n_prefixes, 2);
	ck_assert_msg(strstr(out_text, "<vnet id=\"hub-weu\" region=\"westeurope\" "
			     "prefix=\"10.1.0.0/16 10.3.0.0/16\">"), "%s", out_text);
	ck_assert_msg(strstr(out_text, "vnet 'spoke-app' is a spoke that uses the gateway of 'hub-weu'"),
		      "%s", out_text);
	ck_assert_msg(strstr(out_text, "vnet 'sandbox' has no gateway and uses none of a peered VNet: "
			     "not imported"), "%s", out_text);
	done(s, cat);
}
END_TEST

START_TEST(test_import_azure_global_reach_and_vpn)
{
	struct ers_catalog *cat = NULL;
	struct ers_scenario *s = import("azure " AZ_ALL, &cat);
	const struct ers_site *br;

	/* peerings[].connections[] (Global Reach) */
	ck_assert_uint_eq(s->n_global_reach, 1);
	ck_assert_str_eq(s->circuits[s->global_reach[0].a].id, "er-ams");
	ck_assert_str_eq(s->circuits[s->global_reach[0].b].id, "er-lon");
	/* IPsec connection -> local network gateway: bgpSettings.asn makes
	 * the site, localNetworkAddressSpace its prefixes */
	ck_assert_uint_eq(s->n_vpns, 1);
	ck_assert_str_eq(s->vpns[0].id, "conn-branch");
	ck_assert_str_eq(s->vnets[s->vpns[0].vnet].id, "hub-weu");
	br = &s->sites[s->vpns[0].ce.site];
	ck_assert_str_eq(br->id, "onprem-65030");
	ck_assert_uint_eq(br->asn, 65030);
	ck_assert_str_eq(br->routers[s->vpns[0].ce.router].id, "lng-branch");
	ck_assert_msg(strstr(out_text, "<router id=\"lng-branch\" router-id=\"192.168.50.1\"/>"), "%s",
		      out_text);
	ck_assert_msg(strstr(out_text, "<prefix>192.168.50.0/24</prefix>\n"), "%s", out_text);
	done(s, cat);
}
END_TEST

/* The imported scenario runs, and routes as the deployment would:
 * on-premises reaches the VNets its circuits connect, Global Reach joins
 * the two circuits' sites, the branch reaches hub-weu over the VPN. */
START_TEST(test_import_azure_round_trip_run)
{
	struct ers_catalog *cat = NULL;
	struct ers_scenario *s = import("azure " AZ_ALL, &cat);
	struct ers_run_opts o = { .ribs = true };
	struct ers_result *r;

	{
		char cmd[256];

		snprintf(cmd, sizeof cmd, "validate %s", out_path);
		ck_assert_msg(sh(cmd) == 0, "%s", err_text);
		snprintf(cmd, sizeof cmd, "run %s", out_path);
		ck_assert_msg(sh(cmd) == 0, "%s", err_text);
		ck_assert_msg(strstr(out_text, "scenario: imported"), "%s", out_text);
	}
	r = tu_run(out_path, &o);
	ck_assert(tu_reach(r, "onprem-65010", "hub-weu"));
	ck_assert(tu_reach(r, "onprem-65020", "hub-uks"));
	ck_assert(tu_reach(r, "onprem-65010", "onprem-65020"));	/* Global Reach */
	ck_assert(!tu_reach(r, "onprem-65010", "hub-uks"));	/* er-ams is not on hub-uks */
	ck_assert(tu_reach(r, "onprem-65030", "hub-weu"));	/* VPN */
	/* the spoke's prefix, advertised by the hub's gateway */
	ck_assert_ptr_nonnull(tu_route(r, "onprem-65010/er-ams-primary", "10.3.0.0/16"));
	ck_assert_ptr_null(tu_route(r, "onprem-65020/er-lon-primary", "10.9.0.0/16"));
	ers_result_free(r);
	done(s, cat);
}
END_TEST

/* ErGwScale: the SKU whose circuit limit matches the minimum scale units
 * (facts 8.1: 4/8/16 circuits at 1/2/10 units). */
START_TEST(test_import_azure_ergwscale)
{
	struct ers_catalog *cat = NULL;
	struct ers_scenario *s = import("azure " DIR "az-vnets.json " DIR "scale-gateway.json", &cat);

	ck_assert_int_eq(vnet(s, "hub-uks")->gw_sku, ERS_GW_ERGW2AZ);
	ck_assert_uint_eq(s->n_vnets, 1);
	done(s, cat);
}
END_TEST

START_TEST(test_import_arm_export_expressions_and_direct)
{
	struct ers_catalog *cat = NULL;
	struct ers_scenario *s = import("azure " DIR "arm-export.json", &cat);
	const struct ers_circuit *fra = circuit(s, "er-fra"), *zrh = circuit(s, "er-zrh");
	const struct ers_vnet *gwc = vnet(s, "hub-gwc");

	/* names from parameters(); Direct: location from the port, bandwidthInGbps */
	ck_assert_str_eq(fra->location, "frankfurt2");
	ck_assert_int_eq(s->providers[fra->provider].model, ERS_PROVIDER_DIRECT);
	ck_assert_uint_eq(fra->bandwidth, 10000000000ull);
	ck_assert_uint_eq(site(s, "onprem-4200000001")->asn, 4200000001u);
	ck_assert_str_eq(zrh->location, "zurich");
	ck_assert_str_eq(provider_of(s, zrh), "swisscom");
	/* resourceId() references, and an external id given as a parameter */
	ck_assert_int_eq(gwc->gw_sku, ERS_GW_ERGW3AZ);
	ck_assert_uint_eq(gwc->n_prefixes, 2);
	ck_assert_uint_eq(gwc->n_connections, 2);
	ck_assert_uint_eq(gwc->connections[0].weight, 20);
	ck_assert_str_eq(s->circuits[gwc->connections[1].circuit].id, "er-zrh");
	/* the Global Reach child resource; the child peering is not doubled */
	ck_assert_uint_eq(s->n_global_reach, 1);
	ck_assert_uint_eq(site(s, "onprem-4200000001")->n_routers, 2);
	ck_assert_msg(strstr(out_text, "resources of other types skipped: 1."), "%s", out_text);
	ck_assert_msg(strstr(out_text, "Global Reach connection 'gr-fra-zrh'"), "%s", out_text);
	done(s, cat);
}
END_TEST

START_TEST(test_import_terraform_state)
{
	struct ers_catalog *cat = NULL;
	struct ers_scenario *s = import("terraform " DIR "tf-state.json", &cat);
	const struct ers_circuit *sv = circuit(s, "er-sv"), *wdc = circuit(s, "er-wdc");
	const struct ers_vnet *wus2 = vnet(s, "hub-wus2");
	const struct ers_site *br = site(s, "lng-nyc-branch");

	ck_assert_str_eq(sv->location, "siliconvalley");	/* "Silicon Valley" */
	ck_assert_int_eq(sv->sku, ERS_SKU_PREMIUM);		/* sku[0].tier */
	ck_assert_str_eq(wdc->location, "washingtondc");	/* from module.east */
	ck_assert_str_eq(provider_of(s, wdc), "megaport");
	ck_assert_uint_eq(site(s, "onprem-65200")->asn, 65200);	/* peer_asn */
	ck_assert_int_eq(wus2->gw_sku, ERS_GW_ULTRAPERF);
	ck_assert_uint_eq(wus2->connections[0].weight, 100);	/* routing_weight */
	ck_assert_uint_eq(wus2->n_prefixes, 2);			/* + spoke-wus2 */
	ck_assert_uint_eq(s->n_global_reach, 1);		/* circuit_connection */
	/* a static-routing local network gateway: its own site, placeholder ASN */
	ck_assert_uint_eq(br->asn, 64512);
	ck_assert_msg(strstr(out_text, "has no BGP settings (static routing): the ASN is a PLACEHOLDER"),
		      "%s", out_text);
	ck_assert_uint_eq(s->n_vpns, 1);
	ck_assert_str_eq(s->vnets[s->vpns[0].vnet].id, "hub-eus");
	/* the data source and the resource group are skipped */
	ck_assert_msg(strstr(out_text, "resources of other types skipped: 2."), "%s", out_text);
	ck_assert_msg(strstr(out_text, "vnet 'spoke-wus2' is a spoke that uses the gateway of 'hub-wus2'"),
		      "%s", out_text);
	done(s, cat);
}
END_TEST

/* The REST/ARM shape ("properties", peerASN) and the az shape (flattened,
 * peerAsn) of one circuit give the same scenario. */
START_TEST(test_import_azure_both_shapes_agree)
{
	static char a[1 << 14];

	ck_assert_int_eq(sh("import azure " DIR "rest-circuit.json"), 0);
	memcpy(a, strchr(out_text, '\n') + 1, sizeof a - 1);
	a[sizeof a - 1] = '\0';
	ck_assert_int_eq(sh("import azure " DIR "show-circuit.json"), 0);
	*strstr(a, "from: ") = '\0';
	ck_assert_msg(strstr(a, "Imported by"), "%s", a);
	ck_assert_str_eq(strstr(strchr(out_text, '\n') + 1, "\n  circuits:"),
			 strstr(a + strlen(a) + 1, "\n  circuits:"));
	ck_assert_msg(strstr(out_text, "<site id=\"onprem-65020\" asn=\"65020\">"), "%s", out_text);
}
END_TEST

START_TEST(test_import_ids_sanitised_unique_and_commented)
{
	struct ers_catalog *cat = NULL;
	struct ers_scenario *s = import("azure " DIR "odd-names.json", &cat);

	/* "1 London (primary)": not a letter first, spaces and brackets */
	ck_assert_str_eq(s->circuits[0].id, "er-1-London--primary-");
	ck_assert_str_eq(s->circuits[1].id, "er-1-London--primary--2");	/* collision */
	ck_assert_str_eq(s->circuits[2].id, "er--lon");
	ck_assert_msg(strstr(out_text, "<!-- circuit '1 London (primary)': London"), "%s", out_text);
	/* "--" may not stand in an XML comment */
	ck_assert_msg(strstr(out_text, "<!-- circuit 'er- -lon'"), "%s", out_text);
	/* the three circuits share /30s: router ids only where unique */
	ck_assert_msg(strstr(out_text, "<router id=\"er--lon-primary\"/>"), "%s", out_text);
	done(s, cat);
}
END_TEST

/* Same input, same bytes, whatever order the files come in. */
START_TEST(test_import_deterministic)
{
	static char first[1 << 16];
	char *p, *q;

	ck_assert_int_eq(sh("import azure " AZ_ALL), 0);
	memcpy(first, out_text, sizeof first);
	ck_assert_int_eq(sh("import azure " DIR "az-local-gateways.json " DIR "az-vnets.json "
			    DIR "az-connections.json " DIR "az-gateways.json " DIR "az-circuits.json"), 0);
	/* only the header's list of inputs may differ */
	p = strstr(first, "\n  circuits:");
	q = strstr(out_text, "\n  circuits:");
	ck_assert(p && q);
	ck_assert_str_eq(p, q);
	ck_assert_int_eq(sh("import azure " AZ_ALL), 0);
	ck_assert_str_eq(first, out_text);
}
END_TEST

/* ---- errors ----------------------------------------------------------- */

static const struct err_case {
	const char *args;
	const char *msg;
} err_cases[] = {
	{ "azure " DIR "bad-location.json",
	  DIR "bad-location.json: error: circuit 'er-lon': 'serviceProviderProperties.peeringLocation': "
	  "peering location 'Londn' is not in ersim's catalog\n"
	  DIR "bad-location.json: note: closest known: 'London' (london)" },
	{ "azure " DIR "bad-region.json",
	  DIR "bad-region.json: error: vnet 'hub-weu': 'location': Azure region 'westeurop' is not "
	  "in ersim's catalog\n" DIR "bad-region.json: note: closest known: 'westeurope'" },
	{ "azure " DIR "bad-missing-tier.json",
	  DIR "bad-missing-tier.json: error: circuit 'er-lon': missing 'sku.tier'" },
	{ "azure " DIR "az-gateways.json " DIR "az-vnets.json " DIR "bad-ref-conn.json",
	  DIR "bad-ref-conn.json: error: connection 'conn-uks-lon': 'peer.id' names circuit 'er-lon', "
	  "which is not in the input\n" DIR "bad-ref-conn.json: note: add its JSON to the inputs "
	  "(az network express-route show --ids ID)" },
	{ "azure " DIR "az-connections.json",
	  DIR "az-connections.json: error: connection 'conn-branch': 'virtualNetworkGateway1.id' "
	  "names gateway 'vpngw-weu', which is not in the input" },
	{ "azure " DIR "az-gateways.json",
	  DIR "az-gateways.json: error: gateway 'ergw-uks': 'ipConfigurations[0].subnet.id' names "
	  "vnet 'hub-uks', which is not in the input" },
	{ "azure " DIR "bad-syntax.json", DIR "bad-syntax.json:3: error: not valid JSON: " },
	{ "azure " DIR "bad-not-azure.json",
	  DIR "bad-not-azure.json: error: not an Azure resource, resource list or ARM template" },
	{ "azure " DIR "tf-state.json",
	  DIR "tf-state.json: error: this is Terraform's 'terraform show -json' output, not Azure JSON" },
	{ "azure " DIR "bad-bandwidth.json",
	  "<imported scenario>:31: error: circuit 'er-lon': bandwidth 40Gbps is not an ExpressRoute "
	  "provider circuit size" },
	{ "azure " DIR "no-such-file.json", DIR "no-such-file.json: error: cannot read: " },
	{ "terraform " DIR "tf-bad-ref.json",
	  DIR "tf-bad-ref.json: error: azurerm_express_route_circuit_peering.sv_private: "
	  "'express_route_circuit_name' names circuit 'er-sv', which is not in the input" },
	{ "terraform " DIR "tf-plan.json",
	  DIR "tf-plan.json: error: this is a plan ('planned_values'), not a state" },
	{ "terraform " DIR "az-vnets.json",
	  DIR "az-vnets.json: error: not the output of 'terraform show -json' (no 'format_version')" },
	{ "terraform " DIR "tf-state.json " DIR "tf-plan.json",
	  "ersim import: one Terraform state at a time" },
	{ "", "ersim import: say what to import: 'azure' or 'terraform'\nusage: ersim import azure" },
	{ "aws x.json", "ersim import: unknown source 'aws' (expected 'azure' or 'terraform')" },
	{ "azure", "ersim import: no input file given" },
	{ "azure " DIR "az-vnets.json --frobnicate", "ersim import: unknown option '--frobnicate'" },
	{ "azure " DIR "az-vnets.json -o", "ersim import: option '-o' needs a value" },
};

/* Each error: its message, exit 2, and the -o target neither created
 * nor, when it exists, touched. */
START_TEST(test_import_errors)
{
	const struct err_case *c = &err_cases[_i];
	char cmd[1024], path[64], kept[64];
	struct stat st;

	snprintf(path, sizeof path, "/tmp/ers-imp-%d-new.xml", (int)getpid());
	snprintf(cmd, sizeof cmd, "import %s%s%s", c->args,
		 strstr(c->args, "-o") ? "" : " -o ", strstr(c->args, "-o") ? "" : path);
	if (!*c->args)
		snprintf(cmd, sizeof cmd, "import");
	ck_assert_int_eq(sh(cmd), 2);
	ck_assert_msg(strstr(err_text, c->msg), "expected\n%s\ngot\n%s", c->msg, err_text);
	ck_assert_int_eq(stat(path, &st), -1);
	ck_assert_str_eq(out_text, "");
	/* an existing output keeps its content */
	snprintf(kept, sizeof kept, "/tmp/ers-imp-%d-kept.xml", (int)getpid());
	FILE *f = fopen(kept, "w");
	fputs("before\n", f);
	fclose(f);
	if (*c->args && !strstr(c->args, "-o")) {
		snprintf(cmd, sizeof cmd, "import %s -o %s", c->args, kept);
		ck_assert_int_eq(sh(cmd), 2);
		slurp(kept, out_text, sizeof out_text);
		ck_assert_str_eq(out_text, "before\n");
	}
	unlink(kept);
}
END_TEST

/* ---- the reader's pieces ---------------------------------------------- */

START_TEST(test_import_keys)
{
	char *k = ers_imp_key("/subscriptions/x/resourceGroups/RG/providers/Microsoft.Network/"
			      "expressRouteCircuits/ER-Ams/peerings/AzurePrivatePeering");

	ck_assert_str_eq(k, "expressroutecircuits/er-ams/peerings/azureprivatepeering");
	free(k);
	k = ers_imp_key_type_name("Microsoft.Network/expressRouteCircuits/peerings",
				  "er-ams/AzurePrivatePeering");
	ck_assert_str_eq(k, "expressroutecircuits/er-ams/peerings/azureprivatepeering");
	free(k);
}
END_TEST

/* A template function ersim does not evaluate names the field. */
START_TEST(test_import_arm_unsupported_expression)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/tmp/ers-imp-%d-tpl.json", (int)getpid());
	f = fopen(path, "w");
	fputs("{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/"
	      "deploymentTemplate.json#\", \"parameters\": {}, \"resources\": [{\"type\": "
	      "\"Microsoft.Network/virtualNetworks\", \"name\": \"hub\", \"location\": "
	      "\"[resourceGroup().location]\", \"properties\": {\"addressSpace\": "
	      "{\"addressPrefixes\": [\"10.0.0.0/16\"]}}}]}", f);
	fclose(f);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "import azure %s", path);
	ck_assert_int_eq(sh(cmd), 2);
	ck_assert_msg(strstr(err_text, "error: vnet 'hub': 'location': unsupported template function "
			     "'resourceGroup'"), "%s", err_text);
	unlink(path);
}
END_TEST

Suite *make_import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *t = tcase_create("import");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_import_azure_circuits_sites_and_links);
	tcase_add_test(t, test_import_azure_vnets_gateways_connections);
	tcase_add_test(t, test_import_azure_global_reach_and_vpn);
	tcase_add_test(t, test_import_azure_round_trip_run);
	tcase_add_test(t, test_import_azure_ergwscale);
	tcase_add_test(t, test_import_arm_export_expressions_and_direct);
	tcase_add_test(t, test_import_terraform_state);
	tcase_add_test(t, test_import_azure_both_shapes_agree);
	tcase_add_test(t, test_import_ids_sanitised_unique_and_commented);
	tcase_add_test(t, test_import_deterministic);
	tcase_add_loop_test(t, test_import_errors, 0, sizeof err_cases / sizeof err_cases[0]);
	tcase_add_test(t, test_import_keys);
	tcase_add_test(t, test_import_arm_unsupported_expression);
	suite_add_tcase(s, t);
	return s;
}
