#!/bin/sh
# mpi_test.sh MPI_BUILD_DIR [RANKS] - `mpirun -n RANKS ersim batch` (an
# MPI=1 build) gives the same database and summary as a local run of the
# same binary with forked workers. Run from the repository root; CI runs
# it as root, hence --allow-run-as-root; --oversubscribe lets 3 ranks
# share a 2-core machine.
set -eu
BUILD=${1:?usage: tests/batch/mpi_test.sh MPI_BUILD_DIR [RANKS]}
RANKS=${2:-3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ERSIM=$BUILD/ersim
EXP=tests/batch/sweep.xml

"$ERSIM" batch "$EXP" --db "$TMP/local.db" -j 2 -q > "$TMP/local.out"
mpirun --allow-run-as-root --oversubscribe -n "$RANKS" \
	"$ERSIM" batch "$EXP" --db "$TMP/mpi.db" -q > "$TMP/mpi.out"
dump() {
	for t in "runs ORDER BY id" "params ORDER BY 1, 2" "events ORDER BY 1, 2" \
		"flows ORDER BY 1, 2"; do
		sqlite3 "$1" "SELECT * FROM $t"
	done
}
dump "$TMP/local.db" > "$TMP/local.dump"
dump "$TMP/mpi.db" > "$TMP/mpi.dump"
cmp "$TMP/local.dump" "$TMP/mpi.dump"
# the summaries are equal; the last line names each one's database
grep -qx "results: $(realpath "$TMP/mpi.db")" "$TMP/mpi.out"
sed '/^results: /d' "$TMP/local.out" > "$TMP/local.sum"
sed '/^results: /d' "$TMP/mpi.out" > "$TMP/mpi.sum"
cmp "$TMP/local.sum" "$TMP/mpi.sum"
n=$(sqlite3 "$TMP/mpi.db" "SELECT count(*) FROM runs WHERE status = 'ok'")
[ "$n" = 16 ] || { echo "mpi_test: $n ok runs, expected 16" >&2; exit 1; }
echo "mpi_test: $RANKS ranks, $n runs, identical to the local run"
