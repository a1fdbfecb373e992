/*
 * rng.h - the only source of randomness: xoshiro256** (Blackman and Vigna,
 * public domain) seeded through splitmix64. Same seed, same sequence, on
 * every machine.
 */
#ifndef ERSIM_RNG_H
#define ERSIM_RNG_H

#include <stdint.h>

struct ers_rng {
	uint64_t s[4];
};

void ers_rng_seed(struct ers_rng *r, uint64_t seed);
uint64_t ers_rng_next(struct ers_rng *r);
/* Uniform in [0, 1), 53 bits. */
double ers_rng_double(struct ers_rng *r);
/* Uniform integer in [0, n), n > 0, unbiased (Lemire's method). */
uint64_t ers_rng_below(struct ers_rng *r, uint64_t n);
/* Uniform in [lo, hi). */
double ers_rng_uniform(struct ers_rng *r, double lo, double hi);
/* Exponential with the given mean. */
double ers_rng_exp(struct ers_rng *r, double mean);
/* splitmix64 step: derive independent seeds from one (batch, sub-RNGs). */
uint64_t ers_rng_mix(uint64_t x);

#endif
