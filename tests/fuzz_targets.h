/*
 * fuzz_targets.h - the fuzzing entry points (docs/fuzzing.md). Each takes
 * arbitrary bytes, drives one part of ersim with them and aborts (after a
 * line on stderr) when an invariant fails; sanitizers catch the rest.
 * The libFuzzer harnesses tests/fuzz_<target>.c call them, and so does
 * tests/check_fuzz_replay.c for every file of tests/fuzz/regressions/, so
 * a finding stays a test in the normal build.
 */
#ifndef ERSIM_FUZZ_TARGETS_H
#define ERSIM_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/* The scenario loader alone (ers_scenario_load_mem). */
int ers_fuzz_load(const uint8_t *data, size_t size);
/* Loader, catalog merge and check, semantic checks (check.c). */
int ers_fuzz_check(const uint8_t *data, size_t size);
/* All of check, then, for small scenarios, the world build and a run
 * bounded in simulated time, and every writer of the result: JSON
 * document (read back and written again: must be byte-identical), text
 * report, HTML report, topology DOT. */
int ers_fuzz_run(const uint8_t *data, size_t size);
/* The result document reader `compare` uses (result_json.c), then the
 * writers and a comparison of the result with itself. */
int ers_fuzz_result(const uint8_t *data, size_t size);
/* The experiment loader (batch_exp.c) with its XPath <vary>: bytes are
 * an experiment, optionally followed by a NUL byte and its base scenario
 * (written as base.xml next to it); then run descriptions, keys and the
 * scenario variants of a few runs, loaded and checked. */
int ers_fuzz_experiment(const uint8_t *data, size_t size);

/* Values into a valid structure: bytes are a scenario, a NUL byte and
 * lines "N=VALUE", each setting the N-th attribute (document order,
 * modulo their number) to VALUE, or "NAME=VALUE", setting every
 * attribute called NAME, or byte pairs (attribute index, index in a
 * table of near-limit values); the result goes through
 * ers_fuzz_run. Mutations of the values keep the document valid, so
 * near-limit numbers reach the checks and the simulation. */
int ers_fuzz_values(const uint8_t *data, size_t size);

/* Target name -> entry point, for the replay test; NULL if unknown. */
typedef int ers_fuzz_fn(const uint8_t *data, size_t size);
ers_fuzz_fn *ers_fuzz_target(const char *name);

/* The body of a libFuzzer harness tests/fuzz_<target>.c: libxml2's
 * generic error output off (the loaders collect errors themselves; what
 * is left is noise at a million executions), then each input to fn. */
#define FUZZ_MAIN(fn)								\
	int LLVMFuzzerInitialize(int *argc, char ***argv);			\
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);		\
	static void fuzz_quiet(void *ctx, const char *msg, ...) { }		\
	int LLVMFuzzerInitialize(int *argc, char ***argv)			\
	{									\
		xmlSetGenericErrorFunc(NULL, fuzz_quiet);			\
		return 0;							\
	}									\
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)		\
	{									\
		return fn(data, size);						\
	}

#endif
