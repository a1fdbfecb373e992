#!/usr/bin/env bash
# tests/browser/run.sh - the HTML reports in a real browser. Writes the
# reports of two bundled scenarios (and, when the Check runner is built,
# the sample comparison and batch pages of the "html" suite), then for
# each page:
#   - no external URL anywhere (xmlns attributes aside): nothing to fetch;
#   - Debian's chromium, headless, dumps the DOM after the page's own
#     script checked every picture (present, drawn, non-empty, inside the
#     page, not cut off) and we require <html data-pictures="pictures ok: N">
#     (an attribute, invisible to readers) with N the number of figures;
#   - a 1280-pixel-wide screenshot that must not be blank (check_png.py).
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
for s in max-resiliency global-reach; do
	"$ersim" run "scenarios/$s.xml" --report "$out/$s.html" >/dev/null
	pages+=("$out/$s.html")
done
"$ersim" compare tests/compare/bfd-off.xml tests/compare/bfd-on.xml \
	--report "$out/compare-bfd.html" >/dev/null
pages+=("$out/compare-bfd.html")
"$ersim" batch tests/batch/pairs-cut.xml --db "$out/pairs-cut.db" -q \
	--report "$out/batch-pairs.html" >/dev/null
pages+=("$out/batch-pairs.html")
if [ -x "$build/check_ersim" ]; then
	ERSIM="$ersim" ERS_HTML_SAMPLES="$out" CK_RUN_SUITE=html CK_VERBOSITY=silent \
		"$build/check_ersim"
	pages+=("$out/sample-compare.html" "$out/sample-batch.html")
fi

fail=0
for page in "${pages[@]}"; do
	name=$(basename "$page" .html)
	if sed -E 's/xmlns(:[a-z]+)?="[^"]*"//g' "$page" | grep -Eq 'https?://'; then
		echo "FAIL $name: external URL in the page" >&2
		fail=1
	fi
	want=$(grep -o '<figure class="pic"' "$page" | wc -l)
	status=$(chrome --dump-dom "file://$page" | grep -o 'data-pictures="[^"]*"' | sed 's/^[^"]*"//; s/"$//')
	if [ "$want" -lt 1 ] || [ "$status" != "pictures ok: $want" ]; then
		echo "FAIL $name: expected 'pictures ok: $want', the page says '$status'" >&2
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
