#!/usr/bin/env bash
# tests/same_output.sh - does a refactoring leave what users see alone?
# Runs two ersim binaries (before and after) on the same inputs and
# requires byte-identical output:
#   - `run --report --json` of every bundled scenario (scenarios/*.xml,
#     scenarios/expressroute/*.xml): the text report, the result document
#     and the HTML page;
#   - `compare` of the bundled pairs (tests/compare/) as scenarios and as
#     result documents, with --fail-on and --only-diff: the text, the
#     --json document, stderr, the exit code and the --report page;
#   - `batch --report` of tests/batch/pairs.xml (with --report-runs) and
#     of tests/batch/sweep.xml: the pages.
# Each binary works in its own copy of the inputs, entered with cd, so
# relative paths in the outputs are the same; the wall-clock time and the
# absolute directory, which differ between two runs of one binary, are
# left out before comparing.
#
# usage: tests/same_output.sh OLD_ERSIM NEW_ERSIM
# Exit 0 when every output is identical, 1 listing those that are not.
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Produce every output of binary $1 into directory $2.
produce() {
	local bin=$1 dir=$2 s name
	mkdir -p "$dir"
	cp -r "$src/scenarios" "$src/tests" "$dir/"
	cd "$dir"
	mkdir -p out
	for s in scenarios/*.xml scenarios/expressroute/*.xml; do
		name=$(echo "${s%.xml}" | tr / _)
		"$bin" run "$s" --report "out/$name.html" --json "out/$name.json" \
			>"out/$name.txt" 2>"out/$name.err" || echo "exit $?" >>"out/$name.err"
	done
	cmp_pair() {
		local tag=$1
		shift
		"$bin" compare "$@" --json "out/cmp-$tag.json" --report "out/cmp-$tag.html" \
			>"out/cmp-$tag.txt" 2>"out/cmp-$tag.err" || echo "exit $?" >>"out/cmp-$tag.err"
	}
	cmp_pair bfd tests/compare/bfd-off.xml tests/compare/bfd-on.xml
	cmp_pair loc tests/compare/one-location.xml tests/compare/two-locations.xml \
		--fail-on 'outage_s>1' --fail-on reachability-lost,resiliency-lower
	cmp_pair wp tests/compare/weight.xml tests/compare/prepend.xml --only-diff \
		--fail-on 'convergence_s>A+0.1'
	cmp_pair three tests/compare/bfd-off.xml tests/compare/bfd-on.xml \
		tests/compare/weight.xml || true
	cmp_pair docs out/scenarios_weight.json out/scenarios_expressroute_weight.json
	cmp_pair mixed out/scenarios_max-resiliency.json scenarios/max-resiliency.xml
	"$bin" batch tests/batch/pairs.xml --db out/pairs.db -q --report out/batch-pairs.html \
		--report-runs worst:2 >out/batch-pairs.txt 2>&1 || echo "exit $?" >>out/batch-pairs.txt
	"$bin" batch tests/batch/sweep.xml --db out/sweep.db -q --report out/batch-sweep.html \
		>out/batch-sweep.txt 2>&1 || echo "exit $?" >>out/batch-sweep.txt
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
	echo "same output: $n files identical"
	exit 0
fi
echo "same output: FAILED (see the files listed above)" >&2
exit 1
