/*
 * fuzz_check.c - libFuzzer target "check": the loader, the catalog
 * merge and check.c's semantic checks.
 * The work is in fuzz_targets.c; tools/fuzz.sh builds and runs this file
 * (`make fuzz`). Not part of the Check runner: it defines no suite.
 */
#include <libxml/xmlerror.h>

#include "fuzz_targets.h"

FUZZ_MAIN(ers_fuzz_check)
