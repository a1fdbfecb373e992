#!/bin/sh
# bench_batch.sh BUILD_DIR [OTHER_ERSIM] - the batch benchmark behind
# `make bench`: every single and every double failure of the 40 circuit
# links of a 20-circuit scenario (tools/gen_scenario.py, BFD on),
# 40 + 780 = 820 runs, with -j 1 and -j 2, interleaved (A B A B):
# BENCH_REPS rounds (default 3) of -j 1 then -j 2, each setting's median
# reported, so that what the machine's neighbours do falls on both alike.
# Given OTHER_ERSIM (e.g. a build of the previous commit), it takes its
# turn in every round too, and the ratio of runs per second is printed.
# Prints runs/s for each and the speed-up (target: at least 1.9x from
# -j 1 to -j 2 on a 2-core machine, issue 17.5), the load average, and
# checks that -j 1 and -j 2 give identical summaries.
# Exit status: 0, or 3 if the two summaries differ. A speed-up under
# target is flagged but does not fail (shared machines are noisy).
set -eu

BUILD=${1:?usage: tools/bench_batch.sh BUILD_DIR [OTHER_ERSIM]}
ERSIM=$BUILD/ersim
OTHER=${2:-}
REPS=${BENCH_REPS:-3}
DIR=$BUILD/bench/batch
rm -rf "$DIR"
mkdir -p "$DIR"

python3 tools/gen_scenario.py --sites 40 --circuits 20 --locations 10 --vnets 4 \
	--prefixes 80 --global-reach 0 --failures 0 --flows 10 --bfd --seed 1 \
	--name bench-20 > "$DIR/bench-20.xml"
for mode in each pairs; do
	cat > "$DIR/$mode.xml" <<XML
<experiment name="bench-$mode" scenario="bench-20.xml" seed="1">
  <failures mode="$mode" targets="link:*" at="10s"/>
</experiment>
XML
done

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.4f\", $1 }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run BINARY TAG JOBS: both experiments into fresh databases; appends the
# seconds taken to DIR/TAG-jJOBS.times
run() {
	rm -f "$DIR/$2-j$3"-*.db*
	t0=$(now)
	for mode in each pairs; do
		"$1" batch "$DIR/$mode.xml" -j "$3" -q --db "$DIR/$2-j$3-$mode.db" \
			> "$DIR/$2-j$3-$mode.out"
	done
	t1=$(now)
	calc "$t1 - $t0" >> "$DIR/$2-j$3.times"
	echo >> "$DIR/$2-j$3.times"
}

runs=820
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$REPS"); do
	for j in 1 2; do
		run "$ERSIM" new "$j"
		[ -z "$OTHER" ] || run "$OTHER" other "$j"
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
t1=$(grep . "$DIR/new-j1.times" | median)
t2=$(grep . "$DIR/new-j2.times" | median)
printf '\n== batch: N-1 and N-2 circuit-link failures, 20 circuits (%s runs) ==\n' "$runs"
printf '  %s rounds of -j 1, -j 2 interleaved%s; medians; load average %s before, %s after\n' \
	"$REPS" "${OTHER:+ with $OTHER}" "$load0" "$load1"
printf '  %-6s %10s %10s\n' jobs seconds runs/s
printf '  %-6s %10.2f %10.1f\n' 1 "$t1" "$(calc "$runs / $t1")"
printf '  %-6s %10.2f %10.1f\n' 2 "$t2" "$(calc "$runs / $t2")"
speedup=$(calc "$t1 / $t2")
flag=""
[ "$(calc "$speedup < 1.9")" = "1.0000" ] && flag="  (under target 1.9x)"
printf '  speed-up -j 1 -> -j 2: %.2fx%s\n' "$speedup" "$flag"
if [ -n "$OTHER" ]; then
	o1=$(grep . "$DIR/other-j1.times" | median)
	o2=$(grep . "$DIR/other-j2.times" | median)
	printf '  %-6s %10.2f %10.1f  (%s)\n' other-1 "$o1" "$(calc "$runs / $o1")" "$OTHER"
	printf '  %-6s %10.2f %10.1f  (%s)\n' other-2 "$o2" "$(calc "$runs / $o2")" "$OTHER"
	printf '  runs/s against it: %.2fx with -j 1, %.2fx with -j 2 (target 3x)\n' \
		"$(calc "$o1 / $t1")" "$(calc "$o2 / $t2")"
fi

status=0
for mode in each pairs; do
	# the last line, "results: PATH", names each one's database
	for j in 1 2; do sed '/^results: /d' "$DIR/new-j$j-$mode.out" > "$DIR/j$j-$mode.sum"; done
	cmp -s "$DIR/j1-$mode.sum" "$DIR/j2-$mode.sum" || {
		echo "bench_batch: -j 1 and -j 2 summaries differ for $mode" >&2
		status=3
	}
done
exit $status
