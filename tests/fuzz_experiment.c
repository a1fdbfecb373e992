/*
 * fuzz_experiment.c - libFuzzer target "experiment": an experiment file
 * (optionally followed by a NUL byte and its base scenario) into the
 * experiment loader with its XPath <vary>, then a few runs' scenario
 * variants.
 * The work is in fuzz_targets.c; tools/fuzz.sh builds and runs this file
 * (`make fuzz`). Not part of the Check runner: it defines no suite.
 */
#include <libxml/xmlerror.h>

#include "fuzz_targets.h"

FUZZ_MAIN(ers_fuzz_experiment)
