#!/bin/sh
# bench_load.sh BUILD_DIR [ERSIM...] - the loader benchmark behind
# `make bench BENCH=load`: CPU seconds (user + system, median of
# BENCH_REPS runs, default 5) of `ersim validate` (load, schema, build,
# semantic checks, topology) on
#   inet1       the Internet AS topology of ../shared/data (16,947 sites,
#               37,661 site-links; tools/asrel2scenario.py, 1 prefix)
#   flows-ok    100,000 valid <flow>s between two sites
#   flows-bad   the same with an unknown attribute on each (exit 2, the
#               first 20 errors and a count of the rest)
# CPU time, not wall time: on a shared machine wall time measures the
# neighbours. Targets (issue 17.4, 13.7): inet1 < 0.25 s, flows-bad < 1 s.
# Given several binaries (e.g. before and after a change), runs them
# interleaved, A B A B, and prints one column each.
set -eu

BUILD=${1:?usage: tools/bench_load.sh BUILD_DIR [ERSIM...]}
shift
[ $# -gt 0 ] || set -- "$BUILD/ersim"
REPS=${BENCH_REPS:-5}
DIR=$BUILD/bench/load
mkdir -p "$DIR"

python3 tools/asrel2scenario.py ../shared/data/as-relation-2002.txt --prefixes 1 \
	--first-origin 7018 --name inet1 >"$DIR/inet1.xml"
python3 - "$DIR" <<'PY'
import sys
d = sys.argv[1]
for name, extra in (("flows-ok", ""), ("flows-bad", " bogus='1'")):
    with open(f"{d}/{name}.xml", "w") as f:
        f.write("<scenario name='t'>\n<site id='s' asn='65001'><router id='r'/></site>\n"
                "<site id='t' asn='65002'><router id='r'/></site>\n")
        for i in range(100000):
            f.write(f"<flow id='f{i}' from='s' to='t' rate='1Mbps'{extra}/>\n")
        f.write("</scenario>\n")
PY

# cpu BIN FILE: CPU seconds of one `BIN validate FILE`
cpu() {
	python3 - "$1" "$2" <<'PY'
import resource, subprocess, sys
subprocess.run([sys.argv[1], "validate", sys.argv[2]],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{r.ru_utime + r.ru_stime:.3f}")
PY
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

printf '%-10s' "input"
for b in "$@"; do printf ' %14s' "$(basename "$(dirname "$b")")/$(basename "$b")"; done
printf '  %s\n' "target"
for f in inet1 flows-ok flows-bad; do
	i=0
	for b in "$@"; do : >"$DIR/$f.$i.cpu"; i=$((i + 1)); done
	r=0
	while [ $r -lt "$REPS" ]; do
		i=0
		for b in "$@"; do
			cpu "$b" "$DIR/$f.xml" >>"$DIR/$f.$i.cpu"
			i=$((i + 1))
		done
		r=$((r + 1))
	done
	printf '%-10s' "$f"
	i=0
	for b in "$@"; do
		printf ' %12.3f s' "$(median <"$DIR/$f.$i.cpu")"
		i=$((i + 1))
	done
	case $f in
	inet1) printf '  < 0.25 s\n' ;;
	flows-bad) printf '  < 1 s\n' ;;
	*) printf '\n' ;;
	esac
done
