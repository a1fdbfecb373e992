#!/bin/sh
# check-determinism.sh: the simulation never reads the wall clock or an
# unseeded random source. Only the commands that report wall time
# (sim/cmd_run.c, sim/cmd_batch.c) and the batch pool, which times runs
# out (sim/batch_pool.c), may call clock_gettime; nothing calls
# time(), gettimeofday(), rand() or srand(). The simulation core (engine,
# world, BGP) has no floating point, so no compiler's contraction of a
# multiply-add can change a run. Run by `make test`.
set -eu
cd "$(dirname "$0")/.."
bad=$(grep -nE '(^|[^A-Za-z0-9_.>])(time|gettimeofday|rand|srand|random|srandom)\(' sim/*.c |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)' || true)
clock=$(grep -ln 'clock_gettime' sim/*.c | grep -vE '^sim/(cmd_(run|batch)|batch_pool)\.c$' || true)
if [ -n "$bad$clock" ]; then
	echo "check-determinism: wall clock or unseeded randomness in the simulation:" >&2
	[ -n "$bad" ] && echo "$bad" >&2
	[ -n "$clock" ] && echo "clock_gettime in: $clock" >&2
	exit 1
fi
fp=$(grep -nE '(^|[^A-Za-z0-9_])(double|float|ers_rng_(uniform|double|exp))([^A-Za-z0-9_]|$)' \
	sim/engine.c sim/world.c sim/bgp_*.c |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)' || true)
if [ -n "$fp" ]; then
	echo "check-determinism: floating point in the simulation core:" >&2
	echo "$fp" >&2
	exit 1
fi
echo "check-determinism: no wall clock, unseeded randomness or core floating point in sim/"
