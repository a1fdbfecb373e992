#!/bin/sh
# bench_batch.sh BUILD_DIR - the batch benchmark behind `make bench`:
# every single and every double failure of the 40 circuit links of a
# 20-circuit scenario (tools/gen_scenario.py, BFD on), 40 + 780 = 820
# runs, with -j 1 and -j 2. Prints runs/s for each and the speed-up
# (target: at least 1.8x from -j 1 to -j 2 on a 2-core machine), and
# checks that both databases hold identical results.
# Exit status: 0, or 3 if the two databases differ. A speed-up under
# target is flagged but does not fail (shared machines are noisy).
set -eu

BUILD=${1:?usage: tools/bench_batch.sh BUILD_DIR}
ERSIM=$BUILD/ersim
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

# run JOBS: both experiments into DIR/jJOBS-*.db; prints the seconds taken
run() {
	t0=$(now)
	for mode in each pairs; do
		"$ERSIM" batch "$DIR/$mode.xml" -j "$1" -q --db "$DIR/j$1-$mode.db" \
			> "$DIR/j$1-$mode.out"
	done
	t1=$(now)
	awk "BEGIN { print $t1 - $t0 }"
}
calc() { awk "BEGIN { printf \"%.4f\", $1 }"; }

runs=820
t1=$(run 1)
t2=$(run 2)
printf '\n== batch: N-1 and N-2 circuit-link failures, 20 circuits (%s runs) ==\n' "$runs"
printf '  %-6s %10s %10s\n' jobs seconds runs/s
printf '  %-6s %10.2f %10.1f\n' 1 "$t1" "$(calc "$runs / $t1")"
printf '  %-6s %10.2f %10.1f\n' 2 "$t2" "$(calc "$runs / $t2")"
speedup=$(calc "$t1 / $t2")
flag=""
[ "$(calc "$speedup < 1.8")" = "1.0000" ] && flag="  (under target 1.8x)"
printf '  speed-up -j 1 -> -j 2: %.2fx%s\n' "$speedup" "$flag"

status=0
for mode in each pairs; do
	# the last line, "results: PATH", names each one's database
	for j in 1 2; do sed '/^results: /d' "$DIR/j$j-$mode.out" > "$DIR/j$j-$mode.sum"; done
	cmp -s "$DIR/j1-$mode.sum" "$DIR/j2-$mode.sum" || {
		echo "bench_batch: -j 1 and -j 2 summaries differ for $mode" >&2
		status=3
	}
done
exit $status
