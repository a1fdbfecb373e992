#!/bin/sh
# bench.sh BUILD_DIR - the benchmarks behind `make bench`.
#
# Each benchmark is one section: a function bench_<name> plus a line in
# the list at the bottom. Raw outputs go to BUILD_DIR/bench/; tables go to
# stdout. Knobs (environment):
#   BENCH_REPS   repetitions per point, median taken (default 5)
#   BENCH_SIZES  hold-model queue sizes (default "1e3 1e4 1e5 1e6")
#   BENCH_DISTS  hold-model delay distributions (default "exp ties")
#   BENCH_TIMER_SESSIONS, BENCH_TIMER_EVENTS  timer section size
#                (default 100000 sessions, 2e6 events)
# Exit status: 0, or 3 if a benchmark's own verification failed. Targets
# missed are flagged in the table but do not fail: a shared, noisy
# machine can push one point over now and then.
#
# Every section adds rows to one targets table, printed last: what was
# measured, its target (docs/bench.md, issue 17), the value and a verdict
# (ok, MISSED, or info where there is no target).
set -eu

BUILD=${1:?usage: tools/bench.sh BUILD_DIR}
REPS=${BENCH_REPS:-5}
SIZES=${BENCH_SIZES:-"1e3 1e4 1e5 1e6"}
DISTS=${BENCH_DISTS:-"exp ties"}
RAW=$BUILD/bench
mkdir -p "$RAW"
status=0
TARGETS=$RAW/targets.txt
: >"$TARGETS"

# target NAME TARGET VALUE VERDICT: one row of the final table.
target() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$TARGETS"
}

# verdict EXPR: ok if the awk expression is true, else MISSED.
verdict() {
	awk "BEGIN { print ($1) ? \"ok\" : \"MISSED\" }"
}

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
		target "hold: pop order vs references" "all equal" \
		    "$(tail -n 1 "$RAW/hold-test.txt")" ok
	else
		target "hold: pop order vs references" "all equal" "FAILED" MISSED
		grep -v ' ok$' "$RAW/hold-test.txt" || true
		echo "hold cross-check FAILED (see $RAW/hold-test.txt)"
		status=3
	fi
}

# ns per hold (pop + push, net of the harness's loop overhead), engine and
# the three heap references in one process, interleaved per repetition.
# Target (issue 17.3): engine <= 1.0 x the best heap reference at every
# point.
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
	awk -v target=1.00 -v targets="$TARGETS" '
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
			printf "hold %s N=%d: engine / best heap\t<= %.2fx\t%.2fx (%.0f vs %.0f ns)\t%s\n", \
			    p[1], p[2], target, r, ns[key, "ext"], best, \
			    v == "ok" ? "ok" : "MISSED" >>targets
		}
		printf "ersim within %.2fx of the best heap at %d of %d points\n", \
		    target, nok, np
	}' "$out"
}

# The timer path (bench/timer_bench.c): hold, keepalive and MRAI timers
# of BGP_TIMER_SESSIONS sessions re-armed, cancelled and fired among
# one-shot messages, on the engine and on the 4-ary heap engine it
# replaced (bench/heap_engine.c), alternately, BENCH_REPS times each;
# medians compared. Targets: at most 1.0x the heap engine's ns per event,
# and at most 3 queue entries per session (moved and dead entries are
# reclaimed).
bench_timers() {
	sessions=${BENCH_TIMER_SESSIONS:-100000}
	events=${BENCH_TIMER_EVENTS:-2e6}
	section "timer path: $sessions sessions (median of $REPS, alternating)"
	out=$RAW/timers.txt
	: >"$out"
	i=0
	while [ $i -lt "$REPS" ]; do
		for b in timer_bench timer_bench_heap; do
			printf '%s ' "$b" >>"$out"
			"$BUILD/$b" "$sessions" "$events" >>"$out" || { echo "$b FAILED"; status=3; return; }
		done
		i=$((i + 1))
	done
	awk -v targets="$TARGETS" '
	function med(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		if ($1 == "timer_bench") { e[++ne] = f["ns_per_event"]; q = f["max_entries_per_session"]
					   if (q > qmax) qmax = q; ops = f["timer_ops_per_event"] }
		else h[++nh] = f["ns_per_event"]
	}
	END {
		me = med(e, ne); mh = med(h, nh); r = me / mh
		printf "engine %.0f ns/event (%.0f-%.0f), heap engine %.0f ns/event (%.0f-%.0f): %.2fx; %.2f timer operations per event; at most %.2f queue entries per session\n", \
		    me, e[1], e[ne], mh, h[1], h[nh], r, ops, qmax
		printf "timer path: engine / heap engine\t<= 1.00x\t%.2fx (%.0f vs %.0f ns/event)\t%s\n", \
		    r, me, mh, r <= 1 ? "ok" : "MISSED" >>targets
		printf "timer path: queue entries per session\t<= 3\t%.2f\t%s\n", \
		    qmax, qmax <= 3 ? "ok" : "MISSED" >>targets
	}' "$out"
}

# Simulation workloads: each generates its scenario, runs it once under
# bench_run (wall time of the simulation, peak RSS from getrusage) and adds
# a row to the table printed at the end. Targets are this 2-core machine's.
TABLE=$RAW/workloads.txt
: >"$TABLE"

workload() {	# name scenario max_wall_s max_rss_mb
	if ! "$BUILD/bench_run" "$2" "$1" >"$RAW/$1.txt" 2>&1; then
		echo "$1: run FAILED (see $RAW/$1.txt)"
		status=3
		return
	fi
	printf '%s target_wall=%s target_rss=%s\n' "$(cat "$RAW/$1.txt")" "$3" "$4" >>"$TABLE"
	echo "$1 done"
}

# field WORKLOAD KEY: a key=value figure of a workload's bench_run line.
field() {
	tr ' ' '\n' <"$RAW/$1.txt" | sed -n "s/^$2=//p"
}

# wall_target WORKLOAD MAX_S MAX_MB LABEL: rows for the simulation's wall
# time and peak RSS ("-": no target, the value is reported).
wall_target() {
	[ -s "$RAW/$1.txt" ] || { target "$4" "< $2 s, < $3 MB" "not run" MISSED; return; }
	w=$(field "$1" wall_s)
	m=$(field "$1" peak_rss_mb)
	if [ "$2" = - ]; then
		target "$4: simulation wall" "none (reported)" "$w s" info
	else
		target "$4: simulation wall" "< $2 s" "$w s" "$(verdict "$w < $2")"
	fi
	[ "$3" = - ] || target "$4: peak RSS" "< $3 MB" "$m MB" "$(verdict "$m < $3")"
}

# Internet AS topology (../shared/data/as-relation-2002.txt, 16,947 ASes,
# Gao-Rexford policies), MRAI 0, until converged: 1 prefix from AS7018,
# then 10 and 50 from the first ASes in file order.
bench_internet() {
	section "Internet AS topology"
	data=../shared/data/as-relation-2002.txt
	python3 tools/asrel2scenario.py "$data" --prefixes 1 --first-origin 7018 \
	    --name inet1 >"$RAW/inet1.xml"
	python3 tools/asrel2scenario.py "$data" --prefixes 10 --name inet10 >"$RAW/inet10.xml"
	python3 tools/asrel2scenario.py "$data" --prefixes 50 --name inet50 >"$RAW/inet50.xml"
	workload inet1 "$RAW/inet1.xml" 1.5 100
	workload inet10 "$RAW/inet10.xml" - -
	workload inet50 "$RAW/inet50.xml" 20 600
	# issue 17: loading (helper "loader") and the run (helper "core")
	if [ -s "$RAW/inet1.txt" ]; then
		l=$(field inet1 load_s)
		e=$(awk -v a="$l" -v b="$(field inet1 wall_s)" 'BEGIN { print a + b }')
		target "loader: Internet scenario (inet1)" "< 0.25 s" "$l s" "$(verdict "$l < 0.25")"
		target "inet1: load + simulation" "< 0.5 s" "$e s" "$(verdict "$e < 0.5")"
	fi
	wall_target inet10 - - inet10
	wall_target inet50 7 300 inet50
}

# Internet AS topology with 200 prefixes (issue 17.6: < 30 s, < 1 GB).
bench_internet200() {
	section "Internet AS topology, 200 prefixes"
	python3 tools/asrel2scenario.py ../shared/data/as-relation-2002.txt --prefixes 200 \
	    --name inet200 >"$RAW/inet200.xml"
	workload inet200 "$RAW/inet200.xml" 30 1024
	wall_target inet200 30 1024 inet200
}

# Timed dynamics: Barabasi-Albert graph of 1,000 ASes (m = 2), link delay
# 10-100 ms, processing delay 1-10 ms, MRAI 30 s; a prefix announced from
# the start and withdrawn at 100 s; then the same with MRAI applied to
# withdrawals. Convergence after the withdrawal comes from ersim run.
bench_ba() {
	section "Barabasi-Albert 1,000 ASes, MRAI 30 s, withdrawal at 100 s"
	python3 tools/gen_ba.py --n 1000 --m 2 --seed 1 >"$RAW/ba.xml"
	python3 tools/gen_ba.py --n 1000 --m 2 --seed 1 --mrai-withdrawals >"$RAW/ba-mraiwd.xml"
	workload ba "$RAW/ba.xml" - -
	workload ba-mrai-wd "$RAW/ba-mraiwd.xml" - -
	if [ -s "$RAW/ba.txt" ]; then
		r=$(field ba events_per_s)
		target "ba (1,000 ASes): events per second" ">= 3,000,000" "$r" \
		    "$(verdict "$r >= 3000000")"
	fi
	for f in ba ba-mraiwd; do
		"$BUILD/ersim" run "$RAW/$f.xml" | awk -v f="$f" \
		    '$2 == "s" && $3 == "withdraw" { print f ": withdrawal converged after " $10 " s, " $12 " UPDATEs, " $13 " withdrawals" }'
	done
}

# BGP dynamics against independent figures: one prefix withdrawn at 100 s
# in cliques of 10, 20 and 30 ASes (10 ms links, processing delay 5 ms
# per UPDATE, drawn in [2.5, 7.5] ms; MRAI 30 s) and in Barabasi-Albert
# graphs of 50 (MRAI 0) and 200 ASes (MRAI 30 s), seed 1. Path
# exploration makes a clique take MRAI rounds, at most about (n - 3) x
# MRAI (Labovitz et al. 2000). Each line checks the withdrawal's
# convergence time (and the UPDATEs it took) against the range measured
# for ersim on seeds 1-3 with some room, beside SimBGP's figures on the
# same graph (docs/bench.md); a result outside the range fails the section.
dyn_check() {	# name xml min_s max_s max_updates
	line=$("$BUILD/ersim" run "$2" | awk '$2 == "s" && $3 == "withdraw" { print $10, $12 }')
	set -- "$1" "$2" "$3" "$4" "$5" $line
	if [ $# -lt 7 ]; then
		echo "$1: no withdrawal result"
		status=3
		return
	fi
	verdict=$(awk -v t="$6" -v u="$7" -v lo="$3" -v hi="$4" -v mu="$5" \
	    'BEGIN { print (t >= lo && t <= hi && u <= mu) ? "ok" : "OUT OF RANGE" }')
	printf '%-6s converged after %9.3f s (expected %s-%s s), %6d UPDATEs (at most %s)  %s\n' \
	    "$1" "$6" "$3" "$4" "$7" "$5" "$verdict"
	target "dynamics $1: withdrawal convergence" "$3-$4 s, <= $5 UPDATEs" "$6 s, $7" \
	    "$([ "$verdict" = ok ] && echo ok || echo MISSED)"
	[ "$verdict" = ok ] || status=3
}

bench_dynamics() {
	section "BGP dynamics: withdrawal convergence (cliques, Barabasi-Albert)"
	for n in 10 20 30; do
		python3 tools/gen_ba.py --clique --n $n --link-delay 10ms --proc-delay 5ms \
		    >"$RAW/k$n.xml"
	done
	python3 tools/gen_ba.py --n 50 --seed 1 --mrai 0s --proc-delay 5ms >"$RAW/ba50.xml"
	python3 tools/gen_ba.py --n 200 --seed 1 --proc-delay 5ms >"$RAW/ba200.xml"
	dyn_check k10 "$RAW/k10.xml" 60 210 1000
	dyn_check k20 "$RAW/k20.xml" 250 510 10000
	dyn_check k30 "$RAW/k30.xml" 450 810 40000
	dyn_check ba50 "$RAW/ba50.xml" 0.5 10 10000
	dyn_check ba200 "$RAW/ba200.xml" 400 900 40000
}

# ExpressRoute-shaped scale from tools/gen_scenario.py. "large": 200
# sites, 100 circuits at 25 locations, 50 VNets, 100,000 on-premises
# prefixes, 20 Global Reach pairs, 20 failures and restores (targets 10 s,
# 2 GiB). "xlarge": ten times that, 1,000,000 prefixes (60 s, 8 GiB).
bench_expressroute() {
	section "ExpressRoute scale"
	python3 tools/gen_scenario.py --sites 200 --circuits 100 --locations 25 \
	    --vnets 50 --prefixes 100000 --global-reach 20 --failures 20 --bfd \
	    --seed 1 --name large >"$RAW/large.xml"
	python3 tools/gen_scenario.py --sites 2000 --circuits 1000 --locations 60 \
	    --vnets 500 --prefixes 1000000 --global-reach 200 --failures 20 --bfd \
	    --seed 1 --name xlarge >"$RAW/xlarge.xml"
	workload large "$RAW/large.xml" 10 2048
	workload xlarge "$RAW/xlarge.xml" 60 8192
	wall_target large 10 2048 "ExpressRoute large"
	wall_target xlarge 60 8192 "ExpressRoute xlarge"
}

# Batch (tools/bench_batch.sh): the N-2 benchmark's throughput and
# -j 2 / -j 1 speed-up. Issue 17.5 asks for 3x the runs per second of
# the batches that re-simulate initial convergence (246.4 runs/s with
# -j 1, the median of docs/bench.md's last three) and 1.9x. BENCH_BATCH_OTHER=
# PATH/TO/ersim runs that binary interleaved with this one for a ratio.
bench_batch() {
	[ -x tools/bench_batch.sh ] || return 0
	tools/bench_batch.sh "$BUILD" ${BENCH_BATCH_OTHER:-} | tee "$RAW/batch.txt" || true
	r1=$(awk '$1 == 1 && NF == 3 { print $3 }' "$RAW/batch.txt")
	sp=$(sed -n 's/.*speed-up -j 1 -> -j 2: \([0-9.]*\)x.*/\1/p' "$RAW/batch.txt")
	[ -n "$r1" ] && target "batch N-2: runs/s with -j 1" ">= 739 (3 x 246.4)" "$r1" \
	    "$(verdict "$r1 >= 739")"
	[ -n "$sp" ] && target "batch N-2: -j 2 / -j 1" ">= 1.9x" "${sp}x" "$(verdict "$sp >= 1.9")"
}

# Issue 17.6: a synthetic Internet of 75,000 ASes (tools/gen_asrel.py,
# Gao-Rexford relationships, seed 1) with 10 prefixes: < 60 s, < 4 GB.
bench_synthetic() {
	section "Synthetic Internet, 75,000 ASes, 10 prefixes"
	python3 tools/gen_asrel.py --ases 75000 --seed 1 >"$RAW/syn75k.txt"
	python3 tools/asrel2scenario.py "$RAW/syn75k.txt" --prefixes 10 \
	    --name syn75k >"$RAW/syn75k.xml"
	workload syn75k "$RAW/syn75k.xml" 60 4096
	wall_target syn75k 60 4096 "synthetic Internet 75,000 ASes, 10 prefixes"
}

# The targets table: every row the sections above added.
bench_targets() {
	[ -s "$TARGETS" ] || return 0
	section "targets"
	awk -F '\t' '
	{ n++; for (i = 1; i <= 4; i++) { c[n, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
	END {
		h[1] = "benchmark"; h[2] = "target"; h[3] = "measured"; h[4] = "verdict"
		for (i = 1; i <= 4; i++) if (length(h[i]) > w[i]) w[i] = length(h[i])
		fmt = "%-" w[1] "s  %-" w[2] "s  %-" w[3] "s  %s\n"
		printf fmt, h[1], h[2], h[3], h[4]
		for (r = 1; r <= n; r++) {
			printf fmt, c[r, 1], c[r, 2], c[r, 3], c[r, 4]
			ok += c[r, 4] == "ok"; miss += c[r, 4] == "MISSED"
		}
		printf "%d met, %d missed, %d without a target or not measured\n", ok, miss, n - ok - miss
	}' "$TARGETS"
}

bench_table() {
	section "simulation workloads (wall, CPU = the run alone; RSS = peak of the process)"
	awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	       ok = (f["target_wall"] == "-" || f["wall_s"] <= f["target_wall"]) && \
		    (f["target_rss"] == "-" || f["peak_rss_mb"] <= f["target_rss"])
	       tw = f["target_wall"] == "-" ? "" : "< " f["target_wall"] " s"
	       tr = f["target_rss"] == "-" ? "" : "< " f["target_rss"] " MB"
	       printf "%-11s %8.2f %8.2f %9.1f %11d %11.0f %10d  %-9s %-10s %s\n", f["workload"], \
		   f["wall_s"], f["run_cpu_s"], f["peak_rss_mb"], f["events"], f["events_per_s"], \
		   f["updates"], tw, tr, ok ? "ok" : "OVER" }
	BEGIN { printf "%-11s %8s %8s %9s %11s %11s %10s  %-9s %-10s %s\n", "workload", \
		"wall s", "CPU s", "RSS MB", "events", "events/s", "UPDATEs", "target", "", "" }' "$TABLE"
}

# Sections: all by default, or those named on the command line
# (tools/bench.sh build hold timers internet ba dynamics expressroute batch load).
shift
sections=${*:-"hold_check hold timers internet internet200 ba dynamics expressroute batch synthetic load"}
for b in $sections; do
	case $b in
	load) section "loader: CPU seconds of ersim validate"; tools/bench_load.sh "$BUILD" ;;
	*) "bench_$b" ;;
	esac
done
[ -s "$TABLE" ] && bench_table
bench_targets
exit $status
