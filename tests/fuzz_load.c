/*
 * fuzz_load.c - libFuzzer target "load": arbitrary bytes into the
 * scenario loader (ers_scenario_load_mem). The work is in
 * fuzz_targets.c; tools/fuzz.sh builds and runs this file (`make fuzz`).
 * Not part of the Check runner: it defines no suite.
 */
#include <libxml/xmlerror.h>

#include "fuzz_targets.h"

FUZZ_MAIN(ers_fuzz_load)
