#!/bin/sh
# core_same_results.sh OLD_ERSIM NEW_ERSIM [SCENARIO.xml...] - do two
# builds give byte-identical results? Runs every bundled scenario
# (scenarios/, scenarios/expressroute/, tests/good/) plus any given, each
# once plainly and once with --shuffle-ties --seed 7, under both binaries
# with --json --ribs --trace --debug, and compares the result documents,
# traces, debug logs and text output byte for byte, except the run's
# wall time. For refactorings that
# must not change behaviour (issue 19.4, 19.3, 17.1, 17.2).
# Exit status: 0 all equal, 1 a difference (listed), 2 usage.
set -u
OLD=${1:?usage: tools/core_same_results.sh OLD_ERSIM NEW_ERSIM [SCENARIO.xml...]}
NEW=${2:?usage: tools/core_same_results.sh OLD_ERSIM NEW_ERSIM [SCENARIO.xml...]}
shift 2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0
n=0
for s in scenarios/*.xml scenarios/expressroute/*.xml tests/good/*.xml "$@"; do
	for variant in plain shuffle; do
		extra=
		[ $variant = shuffle ] && extra="--shuffle-ties --seed 7"
		for which in old new; do
			bin=$OLD
			[ $which = new ] && bin=$NEW
			d=$TMP/$which
			mkdir -p "$d"
			# shellcheck disable=SC2086
			"$bin" run "$s" --json "$d/r.json" --ribs --trace "$d/t.jsonl" \
			    --debug $extra >"$d/out.txt" 2>"$d/err.txt"
			echo "rc=$?" >>"$d/out.txt"
		done
		n=$((n + 1))
		for f in r.json t.jsonl out.txt err.txt; do
			# the run's own wall time is the one thing allowed to differ
			for which in old new; do
				grep -v '"wall_s":\|^wall time:' "$TMP/$which/$f" >"$TMP/$which/$f.cmp"
			done
			if ! cmp -s "$TMP/old/$f.cmp" "$TMP/new/$f.cmp"; then
				echo "DIFFERENT: $s ($variant): $f"
				status=1
			fi
		done
		rm -f "$TMP"/old/* "$TMP"/new/*
	done
done
echo "$n runs compared: $([ $status = 0 ] && echo all identical || echo differences)"
exit $status
