#!/bin/bash
# same-outputs.sh OLD_ERSIM NEW_ERSIM: do two builds give byte-identical
# result documents for every bundled scenario? For each of scenarios/*.xml
# and scenarios/expressroute/*.xml it compares `run --json`, the --trace
# file, the --report page, `analyze --json` and its text, and for a few
# scenarios `analyze --verify --json`; only the wall-clock field
# ("wall_s") is left out. Prints each file that differs; exit 0 when none.
# Wider than same-results.sh (run --json and validate only): traces,
# HTML reports and analyze documents too.
# For restructuring that must not change behaviour (issue 19).
set -u
[ $# -eq 2 ] || { echo "usage: $0 OLD_ERSIM NEW_ERSIM" >&2; exit 2; }
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

outputs() {	# outputs BIN DIR
	local bin=$1 out=$2 f n
	mkdir -p "$out"
	for f in scenarios/*.xml scenarios/expressroute/*.xml; do
		n=$(echo "$f" | tr / _)
		"$bin" run "$f" --json "$out/$n.run.json" --trace "$out/$n.trace" \
			--report "$out/$n.html" >/dev/null 2>"$out/$n.run.err"
		echo "rc=$?" >>"$out/$n.run.err"
		"$bin" analyze "$f" --json "$out/$n.an.json" >"$out/$n.an.txt" 2>&1
		echo "rc=$?" >>"$out/$n.an.txt"
	done
	for f in scenarios/one-circuit.xml scenarios/max-resiliency.xml \
		 scenarios/expressroute/metro.xml scenarios/expressroute/targets.xml; do
		n=$(echo "$f" | tr / _)
		"$bin" analyze "$f" --verify --json "$out/$n.ver.json" >"$out/$n.ver.txt" 2>&1
		echo "rc=$?" >>"$out/$n.ver.txt"
	done
}

outputs "$(realpath "$1")" "$tmp/old"
outputs "$(realpath "$2")" "$tmp/new"
bad=0
for f in $(cd "$tmp/old" && ls); do
	if ! cmp -s <(grep -v '"wall_s"' "$tmp/old/$f") <(grep -v '"wall_s"' "$tmp/new/$f" 2>/dev/null); then
		echo "differs: $f"
		bad=1
	fi
done
[ "$(ls "$tmp/old" | wc -l)" = "$(ls "$tmp/new" | wc -l)" ] || { echo "file count differs"; bad=1; }
echo "$(ls "$tmp/old" | wc -l) files compared, $([ $bad = 0 ] && echo identical || echo DIFFERENT)"
exit $bad
