#!/bin/sh
# batch-stress.sh - do the bundled experiments always finish? (issue 13:
# "the bundled experiments all finish at -j 1/2/8 ten times in a row")
#
#   tools/batch-stress.sh [-n REPEATS] [-j "1 2 8"] [-t SECONDS] [-T SECONDS]
#                         [EXPERIMENT.xml...]
#
# Runs each experiment (default scenarios/experiments/*.xml) REPEATS times
# (default 10) at each -j of the list, each batch from an empty database
# and under its own time limit (-t, default 900 s): a batch that hangs is
# killed and reported as HANG, not waited on. Within a repetition the -j
# values take turns, so a run cut short by -T (a total budget in seconds:
# no new batch starts after it) leaves every -j with about as many
# repetitions.
#
# A batch passes when it exits 0 and its database holds the same runs, in
# the same state, with the same fingerprints as the experiment's first
# batch: a pool that loses, duplicates or mixes up a run fails, whatever
# -j. One line per batch, then per experiment and -j how many passed.
# Exit 0 when every batch passed, 1 otherwise, 2 for a usage error.
#
#   ERSIM   the binary (default build/ersim; `make` builds it)
set -u
cd "$(dirname "$0")/.."
ERSIM=${ERSIM:-build/ersim}
repeats=10
jobs="1 2 8"
limit=900
budget=0
while getopts n:j:t:T: o; do
	case $o in
	n) repeats=$OPTARG ;;
	j) jobs=$OPTARG ;;
	t) limit=$OPTARG ;;
	T) budget=$OPTARG ;;
	*) echo "usage: $0 [-n REPEATS] [-j \"1 2 8\"] [-t SECONDS] [-T SECONDS] [EXPERIMENT.xml...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- scenarios/experiments/*.xml
[ -x "$ERSIM" ] || { echo "$0: no $ERSIM (run make first)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "$0: needs sqlite3" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
status=0
tally=$work/tally

# What a finished batch stored: its runs' keys, states and fingerprints.
digest() {
	sqlite3 "$1" "SELECT key, status, fingerprint FROM runs ORDER BY key" | sha1sum | cut -c1-12
}

for exp in "$@"; do
	name=$(basename "$exp" .xml)
	ref=
	rep=1
	while [ $rep -le "$repeats" ]; do
		for j in $jobs; do
			if [ "$budget" -gt 0 ] && [ $(($(date +%s) - start)) -ge "$budget" ]; then
				echo "$name -j $j #$rep: not started (total budget of $budget s spent)"
				continue
			fi
			db=$work/$name-j$j-$rep.db
			t0=$(date +%s.%N)
			timeout -k 10 "$limit" "$ERSIM" batch "$exp" -j "$j" --db "$db" -q \
				>/dev/null 2>"$work/err"
			rc=$?
			secs=$(echo "$(date +%s.%N) - $t0" | bc)
			runs=
			sum=
			if [ -f "$db" ]; then
				runs=$(sqlite3 "$db" "SELECT count(*) FROM runs" 2>/dev/null)
				sum=$(digest "$db")
			fi
			if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
				verdict="HANG (killed after $limit s)"
			elif [ $rc -ne 0 ]; then
				verdict="FAIL exit $rc: $(head -n 1 "$work/err")"
			elif [ -z "$ref" ]; then
				ref="$runs $sum"
				verdict=ok
			elif [ "$runs $sum" != "$ref" ]; then
				verdict="FAIL: $runs runs, digest $sum; the first batch: $ref"
			else
				verdict=ok
			fi
			printf '%s -j %s #%d: %s, %s runs, %.1f s\n' "$name" "$j" "$rep" \
				"$verdict" "${runs:-no}" "$secs"
			echo "$name $j $verdict" | cut -d' ' -f1-3 >> "$tally"
			[ "$verdict" = ok ] || status=1
			rm -f "$db" "$db-wal" "$db-shm"
		done
		rep=$((rep + 1))
	done
done
echo "summary (experiment, -j, batches that passed / run):"
for exp in "$@"; do
	name=$(basename "$exp" .xml)
	for j in $jobs; do
		ran=$(grep -c "^$name $j " "$tally" 2>/dev/null)
		ok=$(grep -c "^$name $j ok$" "$tally" 2>/dev/null)
		echo "  $name -j $j: $ok / $ran"
	done
done
exit $status
