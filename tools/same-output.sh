#!/bin/sh
# same-output.sh OLD_ERSIM NEW_ERSIM - proof that an engine change left
# every result alone: each bundled scenario (scenarios/**/*.xml whose root
# is <scenario>) is run by both binaries, once as is and once with
# --shuffle-ties --seed 3, and the result documents (--json --ribs), the
# event traces (--trace) and the printed reports must be byte-identical.
# Only the wall-clock figures ("wall_s" in the document, "wall time:" in
# the report) are taken out before comparing. Exit 1 on any difference.
set -eu
old=${1:?usage: tools/same-output.sh OLD_ERSIM NEW_ERSIM}
new=${2:?usage: tools/same-output.sh OLD_ERSIM NEW_ERSIM}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
run() {	# binary tag scenario args...
	bin=$1 tag=$2 xml=$3
	shift 3
	"$bin" run "$xml" --json "$tmp/$tag.json" --ribs --trace "$tmp/$tag.jsonl" "$@" \
	    >"$tmp/$tag.out" 2>&1 || echo "exit $?" >>"$tmp/$tag.out"
	grep -v '"wall_s"' "$tmp/$tag.json" >"$tmp/$tag.j" 2>/dev/null || : >"$tmp/$tag.j"
	grep -v '^wall time:' "$tmp/$tag.out" >"$tmp/$tag.o" || true
}
for xml in $(find scenarios -name '*.xml' | sort); do
	grep -q '<scenario[ >]' "$xml" || continue
	for mode in fifo shuffle; do
		set --
		[ $mode = shuffle ] && set -- --shuffle-ties --seed 3
		run "$old" a "$xml" "$@"
		run "$new" b "$xml" "$@"
		n=$((n + 1))
		for f in j jsonl o; do
			if ! cmp -s "$tmp/a.$f" "$tmp/b.$f"; then
				echo "DIFFERS: $xml ($mode): $(case $f in j) echo result document;; jsonl) echo trace;; o) echo report;; esac)"
				bad=$((bad + 1))
			fi
		done
		printf '%s %s %s\n' "$(sha256sum <"$tmp/b.j" | cut -c1-16)" "$mode" "$xml"
	done
done
echo "same-output: $n runs compared, $bad differences"
[ $bad -eq 0 ]
