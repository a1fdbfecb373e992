/*
 * fuzz_result.c - libFuzzer target "result": the result document
 * reader that `compare` uses (result_json.c), then the writers and a
 * comparison of the result with itself.
 * The work is in fuzz_targets.c; tools/fuzz.sh builds and runs this file
 * (`make fuzz`). Not part of the Check runner: it defines no suite.
 */
#include <libxml/xmlerror.h>

#include "fuzz_targets.h"

FUZZ_MAIN(ers_fuzz_result)
