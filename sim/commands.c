/*
 * commands.c - the table of ersim's subcommands (git.c style) and
 * everything a user reads about them: the usage line, `ersim help CMD`
 * (every option with its units and an example, the command's own notes
 * such as compare's --fail-on grammar, examples, exit codes and where the
 * docs are) and the usage error every command reports through. In the
 * library so that tests can call a command's function directly.
 *
 * The options a command accepts are its getopt_long table (sim/cmd_*.c,
 * exported as ers_<cmd>_options); the help table here describes each of
 * them by long name, and the usage line is generated from it. The test
 * suite (tests/check_help.c) checks that the two tables list the same
 * options, and that docs/cli.md, README.md and docs/ersim.1 list exactly
 * the options the usage lines do, so none of them can drift.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ersim/cmd.h"

#define WIDTH 79		/* help text wraps before this column */
#define OPT_COL 24		/* where an option's description starts */

#define END_OPTS { NULL, 0, NULL, NULL, NULL, false }

static const struct ers_opt_help run_opts[] = {
	{ "json", 0, "FILE", "also write the result document (JSON: events, flows, "
	  "paths over time, reachability; times in seconds) to FILE", "--json result.json", false },
	{ "trace", 0, "FILE", "write every simulation event as JSON Lines to FILE "
	  "(t_ns: simulated time in integer nanoseconds)", "--trace events.jsonl", false },
	{ "report", 0, "FILE.html", "write a self-contained HTML report: topology, "
	  "flow timelines, failover bars and the tables", "--report report.html", false },
	{ "ribs", 0, NULL, "put each router's final routing table into the result "
	  "document (with --json)", "--json r.json --ribs", false },
	{ "seed", 0, "N", "use seed N instead of the scenario's seed: an integer "
	  "from 0 to 18446744073709551615", "--seed 7", false },
	{ "until", 0, "T", "stop at simulated time T, a number with a unit: ns, us, "
	  "ms, s, min or h (results and RIBs are those at T)", "--until 90s", false },
	{ "shuffle-ties", 0, NULL, "run events due at the same instant in a seeded "
	  "random order instead of first-come first-served (still reproducible for "
	  "one seed)", "--shuffle-ties --seed 3", false },
	{ "debug", 0, NULL, "explain every choice of the BGP decision process on "
	  "stderr", "--debug 2> decisions.txt", false },
	{ "gateway-convergence", 0, "T", "every VNet gateway takes exactly T to "
	  "withdraw or re-learn the routes of a connection it lost (instead of the "
	  "scenario's drawn delay; 0s = at once, as plain BGP)",
	  "--gateway-convergence 0s", false },
	END_OPTS
};

static const struct ers_opt_help validate_opts[] = { END_OPTS };

static const struct ers_opt_help analyze_opts[] = {
	{ "json", 0, "FILE", "also write the analysis as JSON to FILE ('-': to "
	  "stdout instead of the report)", "--json analysis.json", false },
	{ "verify", 0, NULL, "confirm the claims by simulation: the intact design "
	  "and each failure, each run until the network is quiet", "--verify", false },
	{ "max-runs", 0, "N", "at most N simulations for --verify, an integer "
	  "(default 200; 0: no limit)", "--verify --max-runs 50", false },
	{ "no-validation-test", 0, NULL, "compute each gateway's resiliency index "
	  "without simulating its Resiliency Validation test at each peering "
	  "location", "--no-validation-test", false },
	END_OPTS
};

static const struct ers_opt_help compare_opts[] = {
	{ "json", 0, "FILE", "also write the comparison as JSON to FILE",
	  "--json diff.json", false },
	{ "report", 0, "FILE.html", "write a self-contained HTML page of the "
	  "comparison", "--report diff.html", false },
	{ "fail-on", 0, "EXPR", "exit 1 when a design B, C, ... crosses the "
	  "threshold EXPR (grammar below); repeat it or separate several with "
	  "commas", "--fail-on 'outage_s>1'", true },
	{ "only-diff", 0, NULL, "print only the rows whose columns differ",
	  "--only-diff", false },
	{ "seed", 0, "N", "run every scenario with seed N (0 to "
	  "18446744073709551615; default: the first scenario's seed)", "--seed 7", false },
	{ "until", 0, "T", "stop every run at simulated time T, a number with a "
	  "unit: ns, us, ms, s, min or h", "--until 10min", false },
	END_OPTS
};

static const struct ers_opt_help batch_opts[] = {
	{ "jobs", 'j', "N", "worker processes, 1 to 1024 (default: the number of "
	  "online cores)", "-j 8", false },
	{ "db", 0, "FILE", "the SQLite database (default: EXPERIMENT.db in the "
	  "current directory, EXPERIMENT-K-of-N.db for a shard)", "--db results.db", false },
	{ "csv", 0, "FILE", "also write every run as a flat CSV table to FILE "
	  "(times in seconds, lost traffic in bytes)", "--csv runs.csv", false },
	{ "report", 0, "FILE.html", "write a self-contained HTML page of the "
	  "summary and its charts", "--report batch.html", false },
	{ "report-runs", 0, "worst:N", "with --report: run the N worst runs of "
	  "each combination again and link their own run reports (FILE-runs/) "
	  "from the page, 1 <= N <= 1000", "--report batch.html --report-runs worst:3", false },
	{ "shard", 0, "K/N", "run only slice K of N (1 <= K <= N): the runs with "
	  "id mod N = K - 1; combine the shards with 'ersim merge'", "--shard 3/10", false },
	{ "run-timeout", 0, "T", "kill a run that takes longer than T and record "
	  "it as failed with the reason (default 1h; 0: no limit)", "--run-timeout 10min", false },
	{ "retry-failed", 0, NULL, "first forget the runs that failed, so they run "
	  "again", "--retry-failed", false },
	{ "quiet", 'q', NULL, "no progress on stderr", "-q", false },
	END_OPTS
};

static const struct ers_opt_help merge_opts[] = {
	{ "csv", 0, "FILE", "also write every run of OUT.db as a flat CSV table "
	  "to FILE", "--csv all.csv", false },
	END_OPTS
};

static const struct ers_opt_help export_opts[] = {
	{ "format", 0, "dot|graphml|json", "the graph format (default: from "
	  "FILE's extension, .graphml or .json, else dot)", "--format graphml", false },
	{ "output", 'o', "FILE", "write to FILE instead of stdout",
	  "-o topology.dot", false },
	END_OPTS
};

static const struct ers_opt_help import_opts[] = {
	{ "output", 'o', "SCENARIO.xml", "write the scenario to SCENARIO.xml (all or "
	  "nothing) instead of stdout", "-o imported.xml", false },
	END_OPTS
};

static const char times_note[] =
	"Times are numbers with a unit (ns, us, ms, s, min, h: 90s, 2min, 1.5h); "
	"rates with bps, kbps, Mbps, Gbps; sizes in bytes (1 MB = 10^6 bytes).";

static const char fail_on_note[] =
	"--fail-on EXPR, checked for every column but A (the baseline):\n"
	"  METRIC>N   B's METRIC above N for some shared event or flow (also >=, <, <=)\n"
	"  METRIC>A+N B's METRIC more than N above A's (also A-N, or plain A)\n"
	"  reachability-lost  a pair or flow A reaches and B does not (at the end)\n"
	"  resiliency-lower   a VNet whose resiliency class is lower in B than in A\n"
	"METRIC: outage_s, down_s, lost_bytes, max_utilization (flows);\n"
	"detection_s, convergence_s, updates, withdrawals (events);\n"
	"initial_convergence_s, messages, bgp_updates, events_processed, notices (the run).\n"
	"Seconds for *_s, bytes for lost_bytes, a ratio (0.5 = 50%) for\n"
	"max_utilization. Quote EXPR in the shell: '>' is a redirection.\n"
	"Example: --fail-on 'outage_s>1,convergence_s>A+5' --fail-on reachability-lost";

const struct ers_command ers_commands[] = {
	{ "run", ers_cmd_run, ers_run_options, run_opts, "[SCENARIO.xml]",
	  "scenarios/bfd.xml",
	  "simulate one scenario (no file: the bundled default scenario)",
	  "Simulates one scenario and prints the report: events with detection "
	  "and convergence times, each flow's outage, lost traffic and paths, "
	  "the reachability at the end. Without SCENARIO.xml it runs the bundled "
	  "default scenario (scenarios/default.xml).",
	  times_note,
	  "ersim run scenarios/bfd.xml\n"
	  "ersim run scenarios/bfd.xml --json bfd.json --report bfd.html\n"
	  "ersim run scenarios/one-circuit.xml --until 5min --seed 7",
	  "docs/cli.md (report and result document), docs/report.md, docs/model.md, "
	  "docs/scenario-format.md" },
	{ "validate", ers_cmd_validate, ers_validate_options, validate_opts, "SCENARIO.xml...",
	  "scenarios/bfd.xml",
	  "schema and meaning checks only, every error with file:line",
	  "Checks each scenario against the schema and the ExpressRoute rules "
	  "(SKU reach, Global Reach, limits, prefixes, ...) without simulating. "
	  "Prints 'FILE: ok' per valid file, and every problem as "
	  "'file:line: error: ...' with a hint.",
	  NULL,
	  "ersim validate scenarios/*.xml",
	  "docs/validation.md, docs/scenario-format.md" },
	{ "analyze", ers_cmd_analyze, ers_analyze_options, analyze_opts, "SCENARIO.xml",
	  "scenarios/max-resiliency.xml",
	  "static resiliency: single points of failure, min cuts, resiliency class",
	  "Finds, on the graph and without simulating, the single points of "
	  "failure of every site-to-VNet and site-to-site pair, the smallest sets "
	  "of failures that cut it, its resiliency class and whether the backup "
	  "has the capacity.",
	  NULL,
	  "ersim analyze scenarios/max-resiliency.xml\n"
	  "ersim analyze scenarios/max-resiliency.xml --verify --json analysis.json",
	  "docs/analyze.md" },
	{ "compare", ers_cmd_compare, ers_compare_options, compare_opts, "A B [C ...]",
	  "a.xml b.xml",
	  "failover results of scenarios or result documents side by side",
	  "Runs two or more designs (scenarios, all with one seed) or reads "
	  "result documents of 'ersim run --json', and puts their failover "
	  "results side by side: B, C, ... against the baseline A, with better or "
	  "worse and the decision step where paths diverge.",
	  fail_on_note,
	  "ersim compare tests/compare/bfd-off.xml tests/compare/bfd-on.xml\n"
	  "ersim compare before.xml after.xml --fail-on 'outage_s>1' --only-diff",
	  "docs/compare.md" },
	{ "batch", ers_cmd_batch, ers_batch_options, batch_opts, "EXPERIMENT.xml",
	  "exp.xml",
	  "parameter sweeps and failure studies, in parallel, into SQLite",
	  "Runs an experiment (a base scenario, parameters to vary and failures "
	  "to inject) in parallel worker processes into a SQLite database, "
	  "resumes an interrupted batch, and prints percentiles per parameter "
	  "combination.",
	  NULL,
	  "ersim batch scenarios/experiments/n1-bfd.xml -j 4\n"
	  "ersim batch exp.xml --shard 2/4 --db part2.db -q",
	  "docs/batch.md" },
	{ "merge", ers_cmd_merge, ers_merge_options, merge_opts, "OUT.db IN.db...",
	  "all.db part1.db part2.db",
	  "combine the databases of batch shards",
	  "Combines the databases of the shards of one experiment into OUT.db "
	  "(kept, with its runs, when it exists). Every input is checked first: "
	  "OUT.db is left as it was if one is missing or of another experiment.",
	  NULL,
	  "ersim merge all.db part1.db part2.db --csv all.csv",
	  "docs/batch.md" },
	{ "import", ers_cmd_import, ers_import_options, import_opts,
	  "azure FILE.json... | terraform STATE.json", "azure circuits.json gateways.json",
	  "write a scenario from Azure JSON (az CLI, ARM export) or Terraform state",
	  "Reads what is deployed (the JSON that 'az network express-route', "
	  "'vnet-gateway', 'vpn-connection', 'vnet' and 'local-gateway' list or "
	  "show, an 'az group export' template, or 'terraform show -json' state) "
	  "and writes a scenario: circuits, peerings, Global Reach, gateways, "
	  "connections, VNets and VPNs. What Azure does not know (the on-premises "
	  "routers) is written as placeholders marked PLACEHOLDER to edit. The "
	  "scenario is checked as 'ersim validate' would before it is written.",
	  NULL,
	  "ersim import azure circuits.json gateways.json vnets.json -o imported.xml\n"
	  "ersim import terraform state.json -o imported.xml",
	  "docs/import.md, docs/scenario-format.md" },
	{ "export", ers_cmd_export, ers_export_options, export_opts, "SCENARIO.xml",
	  "scenarios/bfd.xml",
	  "write the built topology graph",
	  "Writes the topology graph the simulator builds from a scenario, for "
	  "Graphviz, Gephi or your scripts.",
	  NULL,
	  "ersim export scenarios/bfd.xml | dot -Tsvg > bfd.svg\n"
	  "ersim export scenarios/bfd.xml -o bfd.graphml",
	  "docs/topology.md" },
};

const size_t ers_n_commands = sizeof ers_commands / sizeof ers_commands[0];

const struct ers_command *ers_command_find(const char *name)
{
	for (size_t i = 0; i < ers_n_commands; i++)
		if (!strcmp(ers_commands[i].name, name))
			return &ers_commands[i];
	return NULL;
}

/* "-j N", "--json FILE", "--ribs": how the usage line shows an option. */
static int opt_form(const struct ers_opt_help *o, char *buf, size_t n)
{
	if (o->short_name)
		return snprintf(buf, n, "-%c%s%s", o->short_name, o->arg ? " " : "",
				o->arg ? o->arg : "");
	return snprintf(buf, n, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

size_t ers_command_usage(const struct ers_command *c, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(buf, n, "ersim %s %s", c->name, c->operands);
	char form[64];

	for (const struct ers_opt_help *o = c->opts; o->name; o++) {
		opt_form(o, form, sizeof form);
		len += (size_t)snprintf(buf + (len < n ? len : n), len < n ? n - len : 0,
					" [%s]%s", form, o->repeat ? "..." : "");
	}
	return len;
}

static void print_usage(FILE *out, const struct ers_command *c)
{
	char buf[512];

	ers_command_usage(c, buf, sizeof buf);
	fprintf(out, "usage: %s\n", buf);
}

void ers_commands_overview(FILE *out)
{
	fprintf(out, "usage: ersim COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < ers_n_commands; i++)
		fprintf(out, "  %-10s %s\n", ers_commands[i].name, ers_commands[i].summary);
	fprintf(out, "\n'ersim help COMMAND' (or 'ersim COMMAND --help') lists a command's "
		"options with\nexamples; 'man ersim' once installed, docs/cli.md in the "
		"sources.\n");
}

int ers_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ersim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	const struct ers_command *c = ers_command_find(cmd);
	if (c)
		print_usage(stderr, c);
	return 2;
}

/* Print text wrapped at WIDTH, the first line from column col (already
 * reached), the others indented to indent. Newlines in text are kept. */
static void wrap(FILE *out, const char *text, int col, int indent)
{
	const char *p = text;

	while (*p) {
		size_t word = strcspn(p, " \n");

		if (col > indent && col + 1 + (int)word > WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)word, p);
		col += (int)word;
		p += word;
		if (*p == '\n') {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		}
		while (*p == ' ' || *p == '\n')
			p++;
	}
	fputc('\n', out);
}

/* A note is preformatted when it has its own line breaks (a grammar). */
static void print_note(FILE *out, const char *note)
{
	if (strchr(note, '\n'))
		fprintf(out, "%s\n", note);
	else
		wrap(out, note, 0, 0);
}

static void print_options(FILE *out, const struct ers_command *c)
{
	char form[80];
	int n;

	if (!c->opts->name)
		return;
	fprintf(out, "\noptions:\n");
	for (const struct ers_opt_help *o = c->opts; o->name; o++) {
		if (o->short_name)
			n = snprintf(form, sizeof form, "  -%c, --%s%s%s", o->short_name, o->name,
				     o->arg ? " " : "", o->arg ? o->arg : "");
		else
			n = snprintf(form, sizeof form, "  --%s%s%s", o->name, o->arg ? " " : "",
				     o->arg ? o->arg : "");
		fputs(form, out);
		if (n >= OPT_COL - 1) {
			fprintf(out, "\n%*s", OPT_COL, "");
			n = OPT_COL;
		} else {
			fprintf(out, "%*s", OPT_COL - n, "");
			n = OPT_COL;
		}
		wrap(out, o->help, n, OPT_COL);
		fprintf(out, "%*se.g. ersim %s %s %s\n", OPT_COL, "", c->name, c->sample,
			o->example);
	}
}

int ers_command_help(const char *name)
{
	const struct ers_command *c = ers_command_find(name);
	const char *p;

	if (!c) {
		fprintf(stderr, "ersim: unknown command '%s' (see 'ersim help')\n", name);
		return 2;
	}
	print_usage(stdout, c);
	putchar('\n');
	wrap(stdout, c->about, 0, 0);
	print_options(stdout, c);
	if (c->note) {
		putchar('\n');
		print_note(stdout, c->note);
	}
	printf("\nexamples:\n");
	for (p = c->examples; *p;) {
		size_t n = strcspn(p, "\n");
		printf("  %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	printf("\nOptions and files may come in any order; a value is given as '--opt V'\n"
	       "or '--opt=V'. Exit codes: 0 ok, 1 a check you asked for failed, 2 bad\n"
	       "usage or invalid input, 3 runtime failure (an output not written).\n");
	printf("\ndocs: ");
	wrap(stdout, c->docs, 6, 6);
	printf("      (in the ersim sources); 'man ersim' once installed\n");
	return 0;
}
