/*
 * check_rng.c - the run's PRNG: xoshiro256** known answers, splitmix64
 * seeding, determinism per seed, and the ranges and rough distributions
 * of ers_rng_below, ers_rng_double and ers_rng_exp.
 */
#include <check.h>
#include <math.h>

#include "ersim/rng.h"

/* Outputs of the reference xoshiro256starstar.c from state {1, 2, 3, 4}. */
START_TEST(test_rng_xoshiro_known_answers)
{
	static const uint64_t want[] = {
		11520u, 0u, 1509978240u, 1215971899390074240u,
		1216172134540287360u, 607988272756665600u,
	};
	struct ers_rng r = { { 1, 2, 3, 4 } };

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		ck_assert_uint_eq(ers_rng_next(&r), want[i]);
}
END_TEST

/* splitmix64's published first output for 1234567, and the state that
 * seeding with 42 must produce (four consecutive splitmix64 outputs). */
START_TEST(test_rng_seed_is_splitmix64)
{
	struct ers_rng r;

	ck_assert_uint_eq(ers_rng_mix(1234567), 6457827717110365317u);
	ers_rng_seed(&r, 42);
	ck_assert_uint_eq(r.s[0], 0xbdd732262feb6e95u);
	ck_assert_uint_eq(r.s[1], 0x28efe333b266f103u);
	ck_assert_uint_eq(r.s[2], 0x47526757130f9f52u);
	ck_assert_uint_eq(r.s[3], 0x581ce1ff0e4ae394u);
	ck_assert_uint_eq(ers_rng_next(&r), 1546998764402558742u);
}
END_TEST

START_TEST(test_rng_same_seed_same_stream)
{
	struct ers_rng a, b, c;
	int differ = 0;

	ers_rng_seed(&a, 7);
	ers_rng_seed(&b, 7);
	ers_rng_seed(&c, 8);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = ers_rng_next(&a);

		ck_assert_uint_eq(x, ers_rng_next(&b));
		differ += x != ers_rng_next(&c);
	}
	ck_assert_int_ge(differ, 999);
}
END_TEST

START_TEST(test_rng_below_range)
{
	static const uint64_t ns[] = { 1, 2, 3, 7, 1000000007u, UINT64_MAX };
	struct ers_rng r;

	ers_rng_seed(&r, 1);
	for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++)
		for (int i = 0; i < 10000; i++)
			ck_assert_uint_lt(ers_rng_below(&r, ns[k]), ns[k]);
}
END_TEST

START_TEST(test_rng_below_uniform)
{
	struct ers_rng r;
	int count[10] = { 0 };

	ers_rng_seed(&r, 2);
	for (int i = 0; i < 100000; i++)
		count[ers_rng_below(&r, 10)]++;
	for (int k = 0; k < 10; k++) {
		ck_assert_int_gt(count[k], 9500);
		ck_assert_int_lt(count[k], 10500);
	}
}
END_TEST

/* n = 3 * 2^62: next() % n would land below 2^62 half the time instead
 * of a third; only an unbiased method gets the third. */
START_TEST(test_rng_below_unbiased_large_n)
{
	const uint64_t n = 3ull << 62;
	struct ers_rng r;
	int low = 0;

	ers_rng_seed(&r, 3);
	for (int i = 0; i < 30000; i++)
		low += ers_rng_below(&r, n) < (1ull << 62);
	ck_assert_int_gt(low, 9500);
	ck_assert_int_lt(low, 10500);
}
END_TEST

START_TEST(test_rng_double_and_uniform_ranges)
{
	struct ers_rng r;
	double sum = 0;

	ers_rng_seed(&r, 4);
	for (int i = 0; i < 100000; i++) {
		double u = ers_rng_double(&r);
		double v = ers_rng_uniform(&r, -2.0, 3.0);

		ck_assert(u >= 0.0 && u < 1.0);
		ck_assert(v >= -2.0 && v < 3.0);
		sum += u;
	}
	ck_assert_double_eq_tol(sum / 100000, 0.5, 0.01);
}
END_TEST

START_TEST(test_rng_exp_mean)
{
	struct ers_rng r;
	double sum = 0;

	ers_rng_seed(&r, 5);
	for (int i = 0; i < 200000; i++) {
		double x = ers_rng_exp(&r, 3.0);

		ck_assert(x >= 0.0 && isfinite(x));
		sum += x;
	}
	ck_assert_double_eq_tol(sum / 200000, 3.0, 0.03);
}
END_TEST

Suite *make_rng_suite(void)
{
	Suite *s = suite_create("rng");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rng_xoshiro_known_answers);
	tcase_add_test(tc, test_rng_seed_is_splitmix64);
	tcase_add_test(tc, test_rng_same_seed_same_stream);
	tcase_add_test(tc, test_rng_below_range);
	tcase_add_test(tc, test_rng_below_uniform);
	tcase_add_test(tc, test_rng_below_unbiased_large_n);
	tcase_add_test(tc, test_rng_double_and_uniform_ranges);
	tcase_add_test(tc, test_rng_exp_mean);
	suite_add_tcase(s, tc);
	return s;
}
