#!/bin/sh
# same-results.sh: prove a refactoring changed no behaviour a user sees.
#
#   tools/same-results.sh OLD_ERSIM NEW_ERSIM [SCENARIO.xml...]
#
# Runs both binaries on every bundled scenario (scenarios/*.xml and
# scenarios/expressroute/*.xml, or the files given) and compares the
# `run --json` result documents byte for byte, leaving out only the
# wall-clock line ("wall_s"), which no two runs share. Then it runs
# `validate` on every XML file under tests/ (good and bad ones) and
# compares exit code, stdout and stderr, so a loader change that alters
# one file:line diagnostic is caught too. Prints each difference and
# exits 1 if there is any, 0 if all are identical.
#
# Build the old binary from the commit before the change, e.g.
#   git worktree add /tmp/old HEAD~1 && make -C /tmp/old -j2
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 OLD_ERSIM NEW_ERSIM [SCENARIO.xml...]" >&2
	exit 2
fi
old=$1 new=$2
shift 2
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
	set -- scenarios/*.xml scenarios/expressroute/*.xml
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n_run=0 n_val=0

# Result documents of every scenario.
for f in "$@"; do
	for side in old new; do
		eval bin=\$$side
		"$bin" run "$f" --json "$tmp/$side.json" >"$tmp/$side.out" 2>"$tmp/$side.err"
		echo "exit $?" >>"$tmp/$side.err"
		[ -f "$tmp/$side.json" ] && grep -v '"wall_s":' "$tmp/$side.json" >"$tmp/$side.doc"
		: >>"$tmp/$side.doc"
		rm -f "$tmp/$side.json"
	done
	if ! cmp -s "$tmp/old.doc" "$tmp/new.doc" || ! cmp -s "$tmp/old.err" "$tmp/new.err"; then
		echo "differs: run $f" >&2
		diff "$tmp/old.doc" "$tmp/new.doc" | head -20 >&2
		diff "$tmp/old.err" "$tmp/new.err" | head -20 >&2
		fail=1
	fi
	rm -f "$tmp/old.doc" "$tmp/new.doc"
	n_run=$((n_run + 1))
done

# Diagnostics of every test file, valid or not.
for f in $(find tests -name '*.xml' | sort); do
	for side in old new; do
		eval bin=\$$side
		"$bin" validate "$f" >"$tmp/$side.out" 2>&1
		echo "exit $?" >>"$tmp/$side.out"
	done
	if ! cmp -s "$tmp/old.out" "$tmp/new.out"; then
		echo "differs: validate $f" >&2
		diff "$tmp/old.out" "$tmp/new.out" | head -20 >&2
		fail=1
	fi
	n_val=$((n_val + 1))
done
if [ $fail -eq 0 ]; then
	echo "same-results: $n_run result documents and $n_val validations identical"
fi
exit $fail
