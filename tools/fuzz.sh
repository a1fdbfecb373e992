#!/bin/sh
# fuzz.sh [SECONDS] - build ersim's libFuzzer targets with clang (ASan +
# UBSan, in build-fuzz/) and run each for SECONDS (default 60), one after
# the other. docs/fuzzing.md says what each target covers.
#
#   FUZZ_TARGETS   targets to run, in order (default: load check run values
#                  result experiment)
#   FUZZ_SECONDS   used when SECONDS is not given
#   FUZZ_MAX_LEN   largest input tried (default 65536 bytes)
#   FUZZ_FORK=1    keep going after a crash, timeout or OOM (libFuzzer's
#                  -fork=1 with -ignore_*): a long run collects every
#                  finding instead of stopping at the first
#   FUZZ_CC        the compiler (default clang; needs libclang-rt-dev)
#
#   tools/fuzz.sh --build   only build the targets
#   tools/fuzz.sh --dict    regenerate tests/fuzz/*.dict from the schemas
#
# Each target's corpus is build-fuzz/corpus/TARGET, seeded on every run
# from the bundled scenarios and experiments (tests/fuzz/seeds/result for
# result documents) and from tests/fuzz/regressions/TARGET. A crash, leak,
# timeout or OOM is copied to tests/fuzz/crashes/TARGET/KIND-SHA1 and the
# script fails. Once fixed, move the file to tests/fuzz/regressions/TARGET,
# which check_fuzz_replay.c replays on every `make test`.
set -eu
cd "$(dirname "$0")/.."
OUT=build-fuzz
CC=${FUZZ_CC:-clang}
TARGETS=${FUZZ_TARGETS:-load check run values result experiment}
MAX_LEN=${FUZZ_MAX_LEN:-65536}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
PKGS="igraph libxml-2.0 jansson sqlite3"

# Dictionaries: the schemas' names, value shapes, near-limit numbers.
dict_quote() {
	sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/'
}
make_dicts() {
	{
		echo '# Scenario and experiment dictionary of the libFuzzer targets, made by'
		echo '# tools/fuzz.sh --dict: names of scenarios/ersim.rng and'
		echo '# scenarios/experiment.rng, value shapes, near-limit numbers.'
		grep -ho '<\(element\|attribute\) name="[a-z-]*"' scenarios/ersim.rng \
			scenarios/experiment.rng | sed 's/.*name="\(.*\)"/\1/' | sort -u |
			sed 's/.*/<&\n&=\n<\/&>/' | dict_quote
		grep -ho '<value>[^<]*</value>' scenarios/ersim.rng scenarios/experiment.rng |
			sed 's/<value>\(.*\)<\/value>/\1/' | grep . | sort -u | dict_quote
		tr ' ' '\n' <<-EOF | grep . | dict_quote
		2147483647 2147483648 -2147483648 4294967295 4294967296 9223372036854775807
		9223372036854775808 -9223372036854775808 18446744073709551615 18446744073709551616
		1e300 -1e300 1e-300 1e308 1e309 NaN nan inf -inf Infinity -0 0 0.0 0x10 1e3 4e9
		2562047h 2562048h 9223372036s 9223372037s 9223372036854ms 9223372036854775807ns
		153722867min 100000h 1ns 1us 1ms 0s 0ns 1.5s 300ms 2min 1h 10ns 250us 1e300s NaNs
		18446744073709551615bps 18446744073709551615Gbps 1e300Gbps 1Gbps 500Mbps 64kbps
		10Gbps 100Gbps 0bps 10.0.0.0/8 10.0.0.0/8le24 0.0.0.0/0 255.255.255.255/32
		10.0.0.0/33 1.2.3.4 12076:50002 65535:65535 4294967295:1 65010 65515 12076
		link: circuit: msee: msee-pair: location: router: site: gateway: region:
		connection: site-link: vpn: global-reach: srlg: /> </ <!DOCTYPE <!ENTITY &#
		<![CDATA[ <?xml // //@ /@ [@id=' '] [1] text() * | count( base.xml
		0= 1= 2= 3= 5= 8= 13= 21= 34= 55= 89=
		EOF
	} > tests/fuzz/scenario.dict
	{
		echo '# Result document dictionary of the libFuzzer "result" target, made by'
		echo '# tools/fuzz.sh --dict: the keys sim/result_json.c reads and writes,'
		echo '# JSON syntax, near-limit numbers.'
		grep -o '"[a-z_]*"' sim/result_json.c | tr -d '"' | grep . | sort -u |
			sed 's/.*/"&":/' | dict_quote
		tr ' ' '\n' <<-EOF | grep . | dict_quote
		ersim-result/1 { } [ ] , : null true false "" \u0000 \ud800 2147483647
		2147483648 4294967295 4294967296 9223372036854775807 9223372036854775808
		18446744073709551615 18446744073709551616 9223372036.854775807 9223372037
		1e300 -1e300 1e-300 1e308 1e309 -0 -0.0 0.5 1.0000000005 NaN Infinity
		delivered blackhole loop fail restore maintenance link:er-ams/primary
		EOF
	} > tests/fuzz/result.dict
}

build() {
	make -s BUILD=$OUT CC="$CC" OPT="-O1 -g" SANFLAGS="$SAN -fsanitize=fuzzer-no-link" \
		$OUT/libersim.a
	for t in $TARGETS; do
		# shellcheck disable=SC2046
		$CC -std=c11 -O1 -g $SAN -fsanitize=fuzzer -Iinclude -I$OUT/gen \
			-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(pkg-config --cflags $PKGS) \
			-o $OUT/fuzz_$t tests/fuzz_$t.c tests/fuzz_targets.c $OUT/libersim.a \
			$(pkg-config --libs $PKGS) -lm
	done
}

# An experiment seed: the experiment with its scenario renamed base.xml,
# a NUL byte, the scenario (what fuzz_experiment expects).
experiment_seed() {
	sc=$(sed -n 's/.*scenario="\([^"]*\)".*/\1/p' "$1" | head -n 1)
	path=$(dirname "$1")/$sc
	[ -n "$sc" ] && [ -f "$path" ] || return 0
	{
		sed 's/scenario="[^"]*"/scenario="base.xml"/' "$1"
		printf '\0'
		cat "$path"
	} > "$2"
}

seed() {
	dir=$OUT/corpus/$1
	mkdir -p "$dir"
	case $1 in
	result)
		for f in tests/fuzz/seeds/result/*; do
			[ -f "$f" ] && cp "$f" "$dir/seed-$(basename "$f")"
		done ;;
	experiment)
		for f in scenarios/experiments/*.xml tests/batch/*.xml; do
			experiment_seed "$f" "$dir/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
		done ;;
	values)
		# a scenario, NUL, "N=VALUE" lines (fuzz_targets.h); attribute
		# 0 is the scenario's name, so the seeds stay valid
		for f in scenarios/*.xml scenarios/expressroute/*.xml; do
			{ cat "$f"; printf '\0000=seed\n\001\001\n'; } \
				> "$dir/seed-$(echo "$f" | tr / -)"
		done ;;
	*)
		for f in scenarios/*.xml scenarios/expressroute/*.xml tests/*/*.xml; do
			case $f in tests/batch/*) continue ;; esac
			cp "$f" "$dir/seed-$(echo "$f" | tr / -)"
		done ;;
	esac
	for f in tests/fuzz/regressions/"$1"/*; do
		[ -f "$f" ] && cp "$f" "$dir/regression-$(basename "$f")"
	done
	return 0
}

case ${1:-} in
--dict) make_dicts; exit 0 ;;
--build) build; exit 0 ;;
esac
SECONDS_TO_RUN=${1:-${FUZZ_SECONDS:-60}}
build
status=0
for t in $TARGETS; do
	seed "$t"
	mkdir -p "$OUT/findings/$t"
	dict=tests/fuzz/scenario.dict
	[ "$t" = result ] && dict=tests/fuzz/result.dict
	keep=
	[ "${FUZZ_FORK:-0}" = 1 ] && keep="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
	echo "fuzz: $t for $SECONDS_TO_RUN s" >&2
	# shellcheck disable=SC2086
	"$OUT/fuzz_$t" -max_total_time="$SECONDS_TO_RUN" -max_len="$MAX_LEN" -timeout=10 \
		-rss_limit_mb=2048 -dict="$dict" -print_final_stats=1 $keep \
		-artifact_prefix="$OUT/findings/$t/" "$OUT/corpus/$t" || status=$?
	for f in "$OUT/findings/$t"/*; do
		[ -f "$f" ] || continue
		kind=$(basename "$f" | cut -d- -f1)
		sum=$(sha1sum "$f" | cut -c1-12)
		mkdir -p "tests/fuzz/crashes/$t"
		cp "$f" "tests/fuzz/crashes/$t/$kind-$sum"
		echo "fuzz: $t: new finding tests/fuzz/crashes/$t/$kind-$sum (from $f)" >&2
		rm -f "$f"
		status=1
	done
done
exit $status
