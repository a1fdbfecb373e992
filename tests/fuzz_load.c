/*
 * fuzz_load.c - libFuzzer target for the scenario loader: arbitrary bytes
 * into ers_scenario_load_mem(). Any crash, leak, hang or sanitizer report
 * is a bug; tools/fuzz.sh builds and runs it (`make fuzz`) and turns each
 * finding into a tests/load/fuzz-*.xml input that check_load.c replays.
 * Not part of the Check runner: it defines no suite.
 */
#include <stddef.h>
#include <stdint.h>

#include "ersim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ers_diag d;
	struct ers_scenario *s = NULL;

	ers_diag_init(&d);
	if (ers_scenario_load_mem((const char *)data, size, "fuzz.xml", &s, &d) == ERS_OK &&
	    !s)
		__builtin_trap();	/* success must give a scenario */
	ers_scenario_free(s);
	ers_diag_release(&d);
	return 0;
}
