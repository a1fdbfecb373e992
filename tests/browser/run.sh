#!/usr/bin/env bash
# tests/browser/run.sh - the HTML reports in a real browser. Writes the
# reports of three bundled scenarios, three comparisons, two batches (and,
# when the Check runner is built,
# the sample comparison and batch pages of the "html" suite), then for
# each page:
#   - no external URL anywhere (xmlns attributes aside): nothing to fetch;
#   - Debian's chromium, headless, dumps the DOM after the page's own
#     script checked every picture (present, drawn, non-empty, inside the
#     page, not cut off) and we require <html data-pictures="pictures ok: N">
#     (an attribute, invisible to readers) with N the number of figures;
#   - a 1280-pixel-wide screenshot that must not be blank (check_png.py);
#   - the sections each page must have: on a run page one path timeline
#     per flow (the page's script checks it like any picture, and that
#     the path tables stay inside the page), on the VPN scenario's page
#     a VPN hop; on a batch page the failure sets ranked by impact and the
#     pair matrix coloured by outage, whose "run report" links (from
#     --report-runs) lead to pages that exist beside it, which are
#     checked too; on a compare page everything the text has (the
#     --fail-on verdicts, B against A with better or worse, resiliency,
#     bill of materials, each design's path bars and where and why the
#     paths diverge), designs labelled by scenario name, not file.
# A page may load nothing: besides no URL, no src= attribute, no CSS
# url() other than a reference inside the page (url(#id)), no @import.
# Needs chromium, graphviz and gnuplot (installed by .ci/run).
#
# usage: tests/browser/run.sh [BUILD_DIR]   (default: build)
# Keeps the pages and screenshots in $BROWSER_OUT (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
ersim=$build/ersim
out=${BROWSER_OUT:-$(mktemp -d)}
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "browser test: chromium not found" >&2; exit 1; }
for tool in dot gnuplot; do
	command -v $tool >/dev/null || { echo "browser test: $tool not found" >&2; exit 1; }
done

chrome() {
	local profile
	profile=$(mktemp -d)
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" "$@" 2>/dev/null
	rm -rf "$profile"
}

pages=()
for s in max-resiliency global-reach expressroute/vpn-backup expressroute/maintenance; do
	name=$(basename "$s")
	"$ersim" run "scenarios/$s.xml" --report "$out/$name.html" >/dev/null
	pages+=("$out/$name.html")
done
"$ersim" compare tests/compare/bfd-off.xml tests/compare/bfd-on.xml \
	--report "$out/compare-bfd.html" >/dev/null
pages+=("$out/compare-bfd.html")
# thresholds crossed (exit 1), a resiliency class and a circuit lost
"$ersim" compare tests/compare/two-locations.xml tests/compare/one-location.xml \
	--fail-on 'outage_s>1' --fail-on resiliency-lower --report "$out/compare-locations.html" \
	>/dev/null 2>&1 || [ $? = 1 ]
pages+=("$out/compare-locations.html")
"$ersim" compare tests/compare/weight.xml tests/compare/prepend.xml \
	--report "$out/compare-weight.html" >/dev/null
pages+=("$out/compare-weight.html")
"$ersim" batch tests/batch/pairs-cut.xml --db "$out/pairs-cut.db" -q \
	--report "$out/batch-pairs.html" >/dev/null
pages+=("$out/batch-pairs.html")
# pairs restored after 10 s, and the two worst runs' own reports
"$ersim" batch tests/batch/pairs.xml --db "$out/pairs-restored.db" -q \
	--report "$out/batch-restored.html" --report-runs worst:2 >/dev/null
pages+=("$out/batch-restored.html")
for run in "$out"/batch-restored-runs/run-*.html; do
	pages+=("$run")
done
if [ -x "$build/check_ersim" ]; then
	ERSIM="$ersim" ERS_HTML_SAMPLES="$out" CK_RUN_SUITE=html CK_VERBOSITY=silent \
		"$build/check_ersim"
	pages+=("$out/sample-compare.html" "$out/sample-batch.html")
fi

# The sections a page of its kind must hold; links must stay local and
# lead to files that exist.
check_sections() {
	local page=$1 name flows timelines link
	name=$(basename "$page" .html)
	if grep -q '<h2>Flows and paths</h2>' "$page"; then
		flows=$(grep -o '<tr><td><b>[^<]*</b></td>' "$page" | wc -l)
		timelines=$(grep -o '<figure class="pic paths"' "$page" | wc -l)
		if [ "$timelines" -ne "$flows" ] || ! grep -q '<table class="paths">' "$page"; then
			echo "FAIL $name: $timelines path timelines for $flows flows" >&2
			return 1
		fi
	fi
	if [ "$name" = vpn-backup ] && ! grep -q '<span class="hop vpn">VPN</span>' "$page"; then
		echo "FAIL $name: no VPN hop in the paths" >&2
		return 1
	fi
	# report visuals (issue 16.7); the page's script checks in the browser
	# that chart text is at least 12 px and that Global Reach is drawn
	# east of the peering locations, not over the circuit links
	if [ "$name" = vpn-backup ] && ! grep -q '<table class="vpns">' "$page"; then
		echo "FAIL $name: no VPN table" >&2
		return 1
	fi
	if [ "$name" = global-reach ] && ! grep -q 'id="p1-global_reach_0" class="node"' "$page"; then
		echo "FAIL $name: no Global Reach in the topology" >&2
		return 1
	fi
	if [ "$name" = global-reach ] &&
	   ! grep -Eq 'stroke="#d62728" stroke-width="3" stroke-dasharray' "$page"; then
		echo "FAIL $name: the failed link is not drawn red and dashed" >&2
		return 1
	fi
	if [ "$name" = maintenance ]; then
		# the maintenance marker's colour (brown) is not restore's (blue)
		if ! grep -q "stroke='rgb(140,  86,  75)'" "$page" ||
		   grep -q "stroke='rgb(148, 103, 189)'" "$page"; then
			echo "FAIL $name: maintenance not drawn in its own colour" >&2
			return 1
		fi
	fi
	if grep -q '<h1>ersim comparison' "$page"; then
		# everything the text has: verdicts, B against A with better or
		# worse, resiliency, bill of materials, paths and why they
		# diverge; designs by scenario name, not by file path
		for want in '<h2>Verdicts (--fail-on)</h2>' '<table class="designs">' \
			    'data-section="flows"' '<h3>Resiliency class per VNet' \
			    '<h3>Bill of materials' 'data-section="run"' \
			    '<h2>Paths, and where and why they diverge</h2>' \
			    '<table class="cmp-paths">' '<figure class="pic paths"'; do
			if ! grep -qF "$want" "$page"; then
				echo "FAIL $name: no $want" >&2
				return 1
			fi
		done
		if grep -Eq '<(h3|th)>[^<]*(\.xml|\.json)' "$page"; then
			echo "FAIL $name: a design labelled by its file" >&2
			return 1
		fi
		if [[ "$name" != sample-* ]] && ! grep -q 'class="n \(better\|worse\)"' "$page"; then
			echo "FAIL $name: no better or worse in B against A" >&2
			return 1
		fi
		if [ "$name" = compare-locations ] &&
		   ! grep -q '<td class="no">crossed: ' "$page"; then
			echo "FAIL $name: the crossed --fail-on thresholds are not shown" >&2
			return 1
		fi
		if [ "$name" = compare-weight ] &&
		   ! grep -q 'diverges from A at <b>hub-weu/gw</b>.*weight 100 &gt; 0' "$page"; then
			echo "FAIL $name: no decision step where the paths diverge" >&2
			return 1
		fi
	fi
	if grep -q '<h1>ersim batch' "$page" && [[ "$name" != sample-* ]]; then
		if ! grep -q '<table class="ranked">' "$page" ||
		   ! grep -Eq 'class="n p-(none|short|long|severe|cut)"' "$page"; then
			echo "FAIL $name: no ranked failure sets or coloured pair matrix" >&2
			return 1
		fi
		for link in $(grep -o 'href="[^"]*"' "$page" | sed 's/href="//; s/"$//'); do
			if [ ! -f "$(dirname "$page")/$link" ]; then
				echo "FAIL $name: link '$link' leads nowhere" >&2
				return 1
			fi
		done
	fi
	return 0
}

fail=0
for page in "${pages[@]}"; do
	name=$(basename "$page" .html)
	if sed -E 's/xmlns(:[a-z]+)?="[^"]*"//g' "$page" | grep -Eq 'https?://'; then
		echo "FAIL $name: external URL in the page" >&2
		fail=1
	fi
	if grep -Eq ' src=|@import|url\([^#)]' "$page"; then
		echo "FAIL $name: the page would load something (src=, @import or url())" >&2
		fail=1
	fi
	want=$(grep -Eo '<figure class="pic[" ]' "$page" | wc -l)
	status=$(chrome --window-size=1280,4000 --dump-dom "file://$page" | grep -o 'data-pictures="[^"]*"' | sed 's/^[^"]*"//; s/"$//')
	if [ "$want" -lt 1 ] || [ "$status" != "pictures ok: $want" ]; then
		echo "FAIL $name: expected 'pictures ok: $want', the page says '$status'" >&2
		fail=1
	fi
	if ! check_sections "$page"; then
		fail=1
	fi
	chrome --screenshot="$out/$name.png" --window-size=1280,4000 "file://$page" >/dev/null
	if ! python3 tests/browser/check_png.py "$out/$name.png" 1280; then
		fail=1
	fi
	echo "$name: $status"
done
[ $fail = 0 ] && echo "browser test: all pages ok ($out)"
exit $fail
