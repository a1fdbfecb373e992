#!/usr/bin/env bash
# same-outputs.sh - does a restructuring leave everything users see alone?
#
#   tools/same-outputs.sh OLD_ERSIM NEW_ERSIM [SCENARIO.xml...]
#
# Runs two ersim binaries (before and after) on the same inputs and
# requires byte-identical output, exit codes and stderr included:
#   - `run` of every bundled scenario (scenarios/, scenarios/expressroute/,
#     tests/good/ and the files given), once plainly and once with
#     --shuffle-ties --seed 7: the text report, --debug log, --json --ribs
#     result document, --trace and the --report page;
#   - `analyze` of every bundled scenario (text and --json), and
#     `analyze --verify` of four;
#   - `validate` of every XML file under tests/ (good and bad), so a
#     changed file:line diagnostic is caught;
#   - `compare` of the bundled pairs (tests/compare/) as scenarios and as
#     result documents, with --fail-on and --only-diff: text, --json and
#     the --report page;
#   - `batch --report` of tests/batch/pairs.xml (with --report-runs) and
#     of tests/batch/sweep.xml.
# Each binary works in its own copy of the inputs, entered with cd, so
# relative paths in the outputs are the same; the wall-clock time and the
# work directory, which differ between two runs of one binary, are left
# out before comparing. Exit 0 when every output is identical, 1 listing
# those that are not, 2 for a usage error.
#
# Build the old binary from the commit before the change, e.g.
#   git worktree add /tmp/old HEAD~1 && make -C /tmp/old -j2
set -uo pipefail
if [ $# -lt 2 ]; then
	echo "usage: $0 OLD_ERSIM NEW_ERSIM [SCENARIO.xml...]" >&2
	exit 2
fi
old=$(realpath "$1")
new=$(realpath "$2")
shift 2
extra=()
for f in "$@"; do
	extra+=("$(realpath "$f")")
done
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every run of one scenario, plain and with shuffled ties.
runs() {
	local bin=$1 s=$2 name=$3 variant opts
	for variant in plain shuffle; do
		opts=()
		[ $variant = shuffle ] && opts=(--shuffle-ties --seed 7)
		"$bin" run "$s" "${opts[@]}" --ribs --debug --json "out/$name.$variant.json" \
			--trace "out/$name.$variant.trace" --report "out/$name.$variant.html" \
			>"out/$name.$variant.txt" 2>"out/$name.$variant.err"
		echo "exit $?" >>"out/$name.$variant.err"
	done
	"$bin" analyze "$s" --json "out/$name.analyze.json" >"out/$name.analyze.txt" 2>&1
	echo "exit $?" >>"out/$name.analyze.txt"
}

compares() {
	local bin=$1
	cmp_pair() {
		local tag=$1
		shift
		"$bin" compare "$@" --json "out/cmp-$tag.json" --report "out/cmp-$tag.html" \
			>"out/cmp-$tag.txt" 2>"out/cmp-$tag.err"
		echo "exit $?" >>"out/cmp-$tag.err"
	}
	cmp_pair bfd tests/compare/bfd-off.xml tests/compare/bfd-on.xml
	cmp_pair loc tests/compare/one-location.xml tests/compare/two-locations.xml \
		--fail-on 'outage_s>1' --fail-on reachability-lost,resiliency-lower
	cmp_pair wp tests/compare/weight.xml tests/compare/prepend.xml --only-diff \
		--fail-on 'convergence_s>A+0.1'
	cmp_pair three tests/compare/bfd-off.xml tests/compare/bfd-on.xml \
		tests/compare/weight.xml
	cmp_pair docs out/scenarios_weight.plain.json out/scenarios_expressroute_weight.plain.json
	cmp_pair mixed out/scenarios_max-resiliency.plain.json scenarios/max-resiliency.xml
}

# Produce every output of binary $1 into directory $2.
produce() {
	local bin=$1 dir=$2 s name
	mkdir -p "$dir"
	cp -r "$src/scenarios" "$src/tests" "$dir/"
	cd "$dir" || exit 2
	mkdir -p out
	for s in scenarios/*.xml scenarios/expressroute/*.xml tests/good/*.xml "${extra[@]}"; do
		name=$(echo "${s%.xml}" | tr / _)
		runs "$bin" "$s" "$name"
	done
	for s in scenarios/one-circuit.xml scenarios/max-resiliency.xml \
		 scenarios/expressroute/metro.xml scenarios/expressroute/targets.xml; do
		name=$(echo "${s%.xml}" | tr / _)
		"$bin" analyze "$s" --verify --json "out/$name.verify.json" \
			>"out/$name.verify.txt" 2>&1
		echo "exit $?" >>"out/$name.verify.txt"
	done
	find tests -name '*.xml' | sort | while read -r s; do
		echo "== $s"
		"$bin" validate "$s" 2>&1
		echo "exit $?"
	done >out/validate.txt
	compares "$bin"
	"$bin" batch tests/batch/pairs.xml --db out/pairs.db -q --report out/batch-pairs.html \
		--report-runs worst:2 >out/batch-pairs.txt 2>&1
	echo "exit $?" >>out/batch-pairs.txt
	"$bin" batch tests/batch/sweep.xml --db out/sweep.db -q --report out/batch-sweep.html \
		>out/batch-sweep.txt 2>&1
	echo "exit $?" >>out/batch-sweep.txt
	rm -f out/*.db
	# What differs between two runs of one binary: the wall-clock time
	# and the directory the outputs were written in.
	find out -type f -exec sed -i -e '/"wall_s":/d' -e '/^wall time:/d' \
		-e "s|$dir|DIR|g" {} +
}

(produce "$old" "$work/old")
(produce "$new" "$work/new")
n=$(cd "$work/old/out" && find . -type f | wc -l)
if diff -r -q "$work/old/out" "$work/new/out"; then
	echo "same outputs: $n files identical"
	exit 0
fi
echo "same outputs: DIFFERENT (the files listed above)" >&2
exit 1
