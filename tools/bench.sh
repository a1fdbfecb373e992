#!/bin/sh
# bench.sh BUILD_DIR - the benchmarks behind `make bench`.
#
# Each benchmark is one section: a function bench_<name> plus a line in
# the list at the bottom. Raw outputs go to BUILD_DIR/bench/; tables go to
# stdout. Knobs (environment):
#   BENCH_REPS   repetitions per point, median taken (default 5)
#   BENCH_SIZES  hold-model queue sizes (default "1e3 1e4 1e5 1e6")
#   BENCH_DISTS  hold-model delay distributions (default "exp ties")
# Exit status: 0, or 3 if a benchmark's own verification failed. Ratios
# over target are flagged in the table but do not fail: a shared, noisy
# machine can push one point over now and then.
set -eu

BUILD=${1:?usage: tools/bench.sh BUILD_DIR}
REPS=${BENCH_REPS:-5}
SIZES=${BENCH_SIZES:-"1e3 1e4 1e5 1e6"}
DISTS=${BENCH_DISTS:-"exp ties"}
RAW=$BUILD/bench
mkdir -p "$RAW"
status=0

section() {
	printf '\n== %s ==\n' "$1"
}

# hold_ext is shared/bench/hold.c with the engine plugged in as "ext"
# (bench/ext_ersim.h). Its test mode replays one random sequence of
# pushes (zero delays, ties, bursts) and pops on every structure and
# compares pop orders.
bench_hold_check() {
	section "hold model: engine vs references, pop-order cross-check"
	if "$BUILD/hold_ext" -m test -M 400000 >"$RAW/hold-test.txt" 2>&1; then
		tail -n 1 "$RAW/hold-test.txt"
	else
		grep -v ' ok$' "$RAW/hold-test.txt" || true
		echo "hold cross-check FAILED (see $RAW/hold-test.txt)"
		status=3
	fi
}

# ns per hold (pop + push, net of the harness's loop overhead), engine and
# the three heap references in one process, interleaved per repetition.
# Target: engine <= 1.25 x the best heap reference at every point.
bench_hold() {
	section "hold model: ns per hold, net (median of $REPS); ratio = ersim / best heap"
	out=$RAW/hold.txt
	: >"$out"
	for d in $DISTS; do
		for n in $SIZES; do
			if ! "$BUILD/hold_ext" -d "$d" -n "$n" -r "$REPS" \
			    -s bheap,4heap,4heapR,ext >>"$out" 2>&1; then
				echo "hold -d $d -n $n: verification FAILED"
				status=3
			fi
		done
	done
	awk -v target=1.25 '
	/^hold / {
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			f[kv[1]] = kv[2]
		}
		key = f["dist"] " " f["N"]
		if (!(key in seen)) { seen[key] = 1; order[++np] = key }
		ns[key, f["struct"]] = f["net_ns"]
		if (f["check"] != "ok") bad[key] = 1
	}
	END {
		printf "%-5s %8s %8s %8s %8s %8s %7s  %s\n", "dist", "N", \
		    "bheap", "4heap", "4heapR", "ersim", "ratio", "verdict"
		nok = 0
		for (k = 1; k <= np; k++) {
			key = order[k]
			split(key, p, " ")
			best = ns[key, "bheap"]
			if (ns[key, "4heap"] < best) best = ns[key, "4heap"]
			if (ns[key, "4heapR"] < best) best = ns[key, "4heapR"]
			r = best > 0 ? ns[key, "ext"] / best : 0
			v = (key in bad) ? "CHECK FAILED" : \
			    r <= target ? "ok" : "over " target "x"
			nok += v == "ok"
			printf "%-5s %8d %8.1f %8.1f %8.1f %8.1f %6.2fx  %s\n", \
			    p[1], p[2], ns[key, "bheap"], ns[key, "4heap"], \
			    ns[key, "4heapR"], ns[key, "ext"], r, v
		}
		printf "ersim within %.2fx of the best heap at %d of %d points\n", \
		    target, nok, np
	}' "$out"
}

# One ExpressRoute-shaped run from tools/gen_scenario.py, timed by
# bench_run (wall time of the run, peak RSS from getrusage).
# "large": 200 sites, 100 circuits at 25 locations, 50 VNets, 100,000
# on-premises prefixes, 20 Global Reach pairs, 20 failures and restores.
# Targets: under 10 s and under 2 GiB.
bench_large() {
	section "large ExpressRoute scenario (targets: wall < 10 s, peak RSS < 2048 MB)"
	python3 tools/gen_scenario.py --sites 200 --circuits 100 --locations 25 \
	    --vnets 50 --prefixes 100000 --global-reach 20 --failures 20 --bfd \
	    --seed 1 --name large >"$RAW/large.xml"
	"$BUILD/bench_run" "$RAW/large.xml" large | tee "$RAW/large.txt"
	awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
	END {
		printf "large: %.2f s (%s), %.0f MB peak RSS (%s), %.0f events/s, %.0f UPDATEs/s, %d routes held\n", \
		    f["wall_s"], f["wall_s"] < 10 ? "ok" : "OVER", f["peak_rss_mb"], \
		    f["peak_rss_mb"] < 2048 ? "ok" : "OVER", f["events_per_s"], \
		    f["updates_per_s"], f["routes"]
	}' "$RAW/large.txt"
}

for b in hold_check hold large; do
	"bench_$b"
done
exit $status
