/*
 * fuzz_values.c - libFuzzer target "values": a scenario, a NUL byte and
 * "N=VALUE" or "NAME=VALUE" lines that overwrite its attributes, then
 * the run target, so that near-limit values reach the checks and the
 * simulation inside a valid document. The work is in fuzz_targets.c;
 * tools/fuzz.sh builds and runs this file (`make fuzz`). Not part of the
 * Check runner: it defines no suite.
 */
#include <libxml/xmlerror.h>

#include "fuzz_targets.h"

FUZZ_MAIN(ers_fuzz_values)
