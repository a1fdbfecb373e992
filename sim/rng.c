/*
 * rng.c - the run's only source of randomness: xoshiro256** (Blackman and
 * Vigna, public domain) with its state filled by splitmix64, so one 64-bit
 * seed gives the same stream on every machine and compiler.
 *
 * Everything random in a run (jitter, shuffled ties, failure times) draws
 * from the one struct ers_rng owned by the engine (engine.c); nothing in
 * sim/ may use the C library generator or read the clock. Derived
 * streams for batch runs are seeded with ers_rng_mix().
 */
#include <math.h>

#include "ersim/rng.h"

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* splitmix64 (Steele, Lea, Flood): a bijective mixer, so distinct inputs
 * give distinct outputs; used both to seed and to derive seeds. */
uint64_t ers_rng_mix(uint64_t x)
{
	uint64_t z = x + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The four state words are consecutive splitmix64 outputs, as the
 * xoshiro authors recommend; splitmix64 never yields an all-zero state
 * from four consecutive steps. */
void ers_rng_seed(struct ers_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		r->s[i] = ers_rng_mix(seed);
		seed += 0x9e3779b97f4a7c15ULL;
	}
}

uint64_t ers_rng_next(struct ers_rng *r)
{
	uint64_t *s = r->s;
	const uint64_t res = rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* The top 53 bits: every double in [0, 1) on the 2^-53 grid is equally
 * likely, and 1.0 is never returned. */
double ers_rng_double(struct ers_rng *r)
{
	return (double)(ers_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Lemire, "Fast random integer generation in an interval" (2019): the
 * high word of x * n is uniform once the low words below 2^64 mod n are
 * rejected. The modulo runs only when a rejection is possible at all. */
uint64_t ers_rng_below(struct ers_rng *r, uint64_t n)
{
	__extension__ typedef unsigned __int128 u128;
	u128 m = (u128)ers_rng_next(r) * n;
	uint64_t lo = (uint64_t)m;

	if (lo < n) {
		uint64_t thresh = (0 - n) % n;

		while (lo < thresh) {
			m = (u128)ers_rng_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double ers_rng_uniform(struct ers_rng *r, double lo, double hi)
{
	return lo + (hi - lo) * ers_rng_double(r);
}

/* Inversion: 1 - u lies in (0, 1], so the logarithm is finite. */
double ers_rng_exp(struct ers_rng *r, double mean)
{
	return -mean * log1p(-ers_rng_double(r));
}
