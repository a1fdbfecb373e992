/*
 * analyze.h - static resiliency analysis of a scenario (`ersim analyze`):
 * which failure targets, alone or together, cut which endpoint pairs,
 * how many disjoint paths each pair has, its resiliency class and the
 * capacity left after its worst single failure; and the check of those
 * claims by simulation (--verify). See docs/analyze.md.
 *
 * The analysis is plain data owned by struct ers_analysis (strings
 * copied), so it outlives the scenario only for its text; verification
 * needs the scenario and catalog it was made from.
 */
#ifndef ERSIM_ANALYZE_H
#define ERSIM_ANALYZE_H

#include <stdio.h>

#include "ersim/catalog.h"
#include "ersim/error.h"
#include "ersim/scenario.h"
#include "ersim/types.h"

/* Largest target set searched for a minimum cut. */
#define ERS_AN_MAX_CUT 3
/* min_cut of a pair that no set of ERS_AN_MAX_CUT targets disconnects. */
#define ERS_AN_CUT_MORE ((size_t)-1)
/* Minimum cut sets kept per pair (n_cut_sets still counts them all). */
#define ERS_AN_MAX_SETS 16

enum ers_an_class {
	ERS_AN_CLASS_NONE,		/* no ExpressRoute path (VPN, site link only) */
	ERS_AN_CLASS_STANDARD,		/* circuits at one peering location */
	ERS_AN_CLASS_HIGH,		/* an ExpressRoute Metro circuit */
	ERS_AN_CLASS_MAXIMUM,		/* circuits at two or more peering locations */
};

enum ers_an_pair_kind { ERS_AN_SITE_VNET, ERS_AN_SITE_SITE };

/* One failure target the scenario allows (docs/scenario-format.md), plus
 * provider:P (every circuit of P, failed at once). */
struct ers_an_target {
	char *name;			/* "location:amsterdam", "provider:equinix" */
	bool inherent;			/* site:, gateway:, region: take an endpoint itself */
	struct ers_target target;	/* what the simulator fails; text == name */
	int provider;			/* provider index for provider:P, else -1 */
};

struct ers_an_pair {
	enum ers_an_pair_kind kind;
	int a, b;			/* site index; vnet (SITE_VNET) or site index */
	char *a_id, *b_id;
	bool connected;			/* in the intact design */
	bool has_flow;			/* a flow runs between a and b */
	size_t edge_disjoint;		/* edge-disjoint paths in the pair's domain */
	size_t vertex_disjoint;		/* internally vertex-disjoint paths */
	size_t min_cut;			/* fewest targets that cut it; 0 if never
					 * connected, ERS_AN_CUT_MORE if > 3 */
	size_t n_cut_sets;		/* how many target sets of that size cut it */
	size_t *cut_sets;		/* min(n_cut_sets, MAX_SETS) x min_cut target indices */
	size_t *spofs;			/* non-inherent targets that cut it alone */
	size_t n_spofs;
	enum ers_an_class cls;
	bool meets_guidance;		/* class high or maximum (facts 7.1) */
	char **locations;		/* peering locations of the circuits it uses */
	size_t n_locations;
	ers_rate_t capacity;		/* bandwidth of the circuits (or Global Reach
					 * connections) with a working link, intact */
	ers_rate_t worst_capacity;	/* the same after the worst single failure */
	long worst_target;		/* that failure (target index), or -1 */
	bool worst_other_paths;		/* after it, a VPN or site link (no modelled
					 * bandwidth) still joins the pair */
	ers_rate_t demand_ab, demand_ba; /* flow rates a -> b and b -> a */
	bool enough;			/* worst_capacity >= both demands */
	char *verdict;			/* one line for the report */
};

/* One Resiliency Validation test (facts 7.3) run in simulation: the
 * gateway's connections at one peering location disconnected at 10 s and
 * never restored, as Azure's test runs until stopped. */
struct ers_an_validation {
	char *location;
	char **connections;		/* "hub+er-ams@amsterdam": VNET+CIRCUIT@LOCATION */
	size_t n_connections;
	size_t n_flows;			/* flows measured */
	bool probes;			/* no flow of the scenario reaches the VNet:
					 * 1 Mbps probes, capacity not judged */
	bool recovered;			/* every flow delivered again after it */
	ers_time_t failover;		/* longest outage of a flow (recovered) */
	char *slowest_flow;		/* that flow, or NULL */
	double peak_utilization;	/* highest load / bandwidth of a circuit link */
	char *busiest_link;		/* that link, or NULL */
	bool enough;			/* recovered, flows measured, peak <= 100% */
};

/* Azure's resiliency index (Resiliency Insights, facts 7.2) of one VNet
 * gateway, computed for the design. */
struct ers_an_index {
	int vnet;
	char *gateway;			/* "hub/gw" */
	enum ers_gw_sku sku;
	enum ers_an_class route_class;	/* the VNet's class (ers_an_vnet_class) */
	char **locations;		/* peering locations its circuits land at */
	size_t n_locations;
	int route_points;		/* of 20: 20 maximum, 10 Metro, 5 one location */
	int zone_points;		/* of 10: by gateway SKU */
	int advisor_points;		/* of 10: assumed 10 (no open recommendations) */
	bool testable;			/* Azure's test runs here: >= 2 locations */
	int multiplier;			/* on route points once tested: 4 or 1 */
	int score_tested;		/* route x multiplier + zone + advisor */
	int score_untested;		/* route x 1 + zone + advisor */
	struct ers_an_validation *tests; /* one per location; NULL without tests */
	size_t n_tests;
	bool tests_run;
};

struct ers_analysis {
	char *scenario;
	struct ers_an_target *targets;	size_t n_targets;
	struct ers_an_pair *pairs;	size_t n_pairs;
	bool *cuts;			/* cuts[t * n_pairs + p]: target t alone cuts pair p */
	char **notes;			/* pairs not analysed and why */
	size_t n_notes;
	struct ers_an_index *index;	/* per VNet with a circuit connection, after
					 * ers_analysis_index */
	size_t n_index;
};

/* Analyse s (checked, cat its merged catalog). On success *out is a new
 * analysis (ers_analysis_free). Errors (ERS_ENOMEM, ERS_EIGRAPH) go to d. */
enum ers_err ers_analyze(const struct ers_scenario *s, const struct ers_catalog *cat,
			 struct ers_analysis **out, struct ers_diag *d);
void ers_analysis_free(struct ers_analysis *a);		/* NULL-safe */

const char *ers_an_class_str(enum ers_an_class c);

/* The resiliency class of s's VNet number vnet: the weakest class of
 * the sites that reach it over ExpressRoute (each as analyze classes the
 * site's pair), ERS_AN_CLASS_NONE when none does. The one definition
 * analyze and compare share. ERS_ENOMEM (in d) or ERS_OK. */
enum ers_err ers_an_vnet_class(const struct ers_scenario *s, const struct ers_catalog *cat,
			       size_t vnet, enum ers_an_class *out, struct ers_diag *d);

/* The resiliency index of every gateway with an ExpressRoute connection
 * (a->index), and with tests, its Resiliency Validation test simulated at
 * each peering location its circuits land at. s and cat are those a was
 * made from. ERS_ENOMEM or a run's error (in d), or ERS_OK. */
enum ers_err ers_analysis_index(struct ers_analysis *a, const struct ers_scenario *s,
				const struct ers_catalog *cat, bool tests, struct ers_diag *d);

/* A claim the simulation did not confirm. */
struct ers_an_disagreement {
	char *target;			/* "(none)" for the intact design */
	size_t pair;			/* index in analysis->pairs */
	bool claimed_cut;
	bool sim_ab, sim_ba;		/* reachability after convergence, each way */
};

struct ers_an_verification {
	size_t n_runs;			/* simulations, the intact one included */
	size_t n_checks;		/* (target, pair) claims compared */
	size_t n_targets_skipped;	/* safe targets left out of the sample */
	struct ers_an_disagreement *dis;
	size_t n_dis;
};

/* Check a's claims by simulating s: the intact design, every target that
 * cuts some pair, and targets claimed safe up to max_runs runs in all
 * (0: no limit), evenly sampled. Each run fails one target at 10 s and
 * runs until the network is quiet. On success *out is new
 * (ers_an_verification_free). */
enum ers_err ers_analysis_verify(const struct ers_analysis *a,
				 const struct ers_scenario *s,
				 const struct ers_catalog *cat, size_t max_runs,
				 struct ers_an_verification **out, struct ers_diag *d);
void ers_an_verification_free(struct ers_an_verification *v);	/* NULL-safe */

/* The readable report; v may be NULL. */
void ers_analysis_report(FILE *out, const struct ers_analysis *a,
			 const struct ers_an_verification *v);
/* The JSON document ("format": "ersim-analysis/1"); v may be NULL. */
enum ers_err ers_analysis_write_json(FILE *out, const struct ers_analysis *a,
				     const struct ers_an_verification *v,
				     struct ers_diag *d);

#endif
