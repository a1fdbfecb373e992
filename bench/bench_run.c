/*
 * bench_run.c - time one simulation run for `make bench`: load and check
 * the scenario, run it, and print one line of key=value figures: wall
 * seconds of the run alone and of loading, CPU seconds (user + system)
 * of the run alone, which a busy machine inflates less than wall time,
 * peak RSS (getrusage), events
 * processed and per second, BGP messages and UPDATEs per second, routes
 * held at the end and distinct attribute sets.
 *
 *   bench_run SCENARIO.xml [NAME]
 */
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "ersim/run.h"

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct ers_scenario *s;
	struct ers_catalog *cat;
	struct ers_result *r;
	struct ers_run_opts o = { 0 };
	struct ers_diag d;
	struct rusage ru;
	double t0, t1, t2, c1, c2;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_run SCENARIO.xml [NAME]\n");
		return 2;
	}
	ers_diag_init(&d);
	t0 = now_s();
	if (ers_scenario_open(argv[1], &s, &cat, &d)) {
		ers_diag_print(&d, stderr);
		return 2;
	}
	t1 = now_s();
	c1 = cpu_s();
	if (ers_run(s, cat, &o, &r, &d)) {
		ers_diag_print(&d, stderr);
		return 3;
	}
	t2 = now_s();
	c2 = cpu_s();
	getrusage(RUSAGE_SELF, &ru);
	printf("workload=%s wall_s=%.3f load_s=%.3f peak_rss_mb=%.1f events=%llu events_per_s=%.0f "
	       "messages=%llu updates=%llu updates_per_s=%.0f routes=%llu attr_sets=%llu "
	       "sim_s=%.3f run_cpu_s=%.3f\n",
	       argc > 2 ? argv[2] : argv[1], t2 - t1, t1 - t0, (double)ru.ru_maxrss / 1024.0,
	       (unsigned long long)r->stats.events_processed,
	       (double)r->stats.events_processed / (t2 - t1),
	       (unsigned long long)r->stats.messages, (unsigned long long)r->stats.updates,
	       (double)r->stats.updates / (t2 - t1), (unsigned long long)r->stats.routes,
	       (unsigned long long)r->stats.attr_sets, ers_time_to_s(r->end), c2 - c1);
	ers_result_free(r);
	ers_scenario_free(s);
	ers_catalog_free(cat);
	ers_diag_release(&d);
	return 0;
}
