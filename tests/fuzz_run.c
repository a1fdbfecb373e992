/*
 * fuzz_run.c - libFuzzer target "run": load and check, then for small
 * scenarios the world build, a run bounded in simulated time and every
 * result writer.
 * The work is in fuzz_targets.c; tools/fuzz.sh builds and runs this file
 * (`make fuzz`). Not part of the Check runner: it defines no suite.
 */
#include <libxml/xmlerror.h>

#include "fuzz_targets.h"

FUZZ_MAIN(ers_fuzz_run)
