/*
 * check_units.c - the value syntax of scenario files (sim/units.c): times
 * to exact nanoseconds, rates to bps, prefixes, prefix ranges,
 * communities, ASNs, router ids, and the printers' shortest forms.
 */
#include <check.h>
#include <string.h>

#include "ersim/units.h"

struct time_case {
	const char *text;
	ers_time_t ns;			/* -1: rejected */
	const char *why;		/* substring of the reason when rejected */
};

static const struct time_case time_cases[] = {
	{ "300ms", 300 * ERS_MS, NULL },
	{ "1.5s", 1500000000, NULL },
	{ "2min", 120 * ERS_S, NULL },
	{ "1h", 3600 * ERS_S, NULL },
	{ "250us", 250000, NULL },
	{ "10ns", 10, NULL },
	{ "0s", 0, NULL },
	{ "0.5ms", 500000, NULL },
	{ "0.1s", 100000000, NULL },
	{ "1.000000000s", ERS_S, NULL },
	{ "0.000000001s", 1, NULL },
	{ "1.5000000000000000000000s", 1500000000, NULL },
	{ "0.5min", 30 * ERS_S, NULL },
	{ "0.00000000005min", 3, NULL },	/* exactly 3 ns */
	{ "0.0000000000025h", 9, NULL },	/* exactly 9 ns */
	{ "9223372036854775807ns", INT64_MAX, NULL },
	{ "9223372036854775808ns", -1, "too large" },
	{ "9223372037s", -1, "too large" },
	{ "99999999999999999999999s", -1, "too large" },
	{ "1e300s", -1, "number out of range" },
	{ "1.5E+40ms", -1, "number out of range" },
	{ "1e3s", -1, "exponent notation is not accepted" },
	{ "1e-3s", -1, "exponent notation is not accepted" },
	{ "0.0000000001s", -1, "finer than a nanosecond" },
	{ "1.5ns", -1, "finer than a nanosecond" },
	{ "0.00000000001min", -1, "finer than a nanosecond" },
	{ "-1s", -1, "negative" },
	{ "1", -1, "unit" },
	{ "1sec", -1, "unit" },
	{ "1S", -1, "unit" },
	{ "1s ", -1, "unit" },
	{ " 1s", -1, "number" },
	{ "s", -1, "number" },
	{ "", -1, "empty" },
	{ "1.s", -1, "digits after" },
	{ ".5s", -1, "number" },
	{ "+1s", -1, "number" },
	{ "1e3s", -1, "exponent" },
};

START_TEST(test_units_time_table)
{
	const struct time_case *c = &time_cases[_i];
	ers_time_t t = -7;
	const char *why = NULL;
	enum ers_err rc = ers_parse_time(c->text, &t, &why);

	if (c->ns >= 0) {
		ck_assert_msg(rc == ERS_OK, "'%s' rejected: %s", c->text, why);
		ck_assert_int_eq(t, c->ns);
	} else {
		ck_assert_msg(rc == ERS_EINVAL, "'%s' accepted as %lld", c->text, (long long)t);
		ck_assert_msg(why && strstr(why, c->why), "'%s': reason '%s', want '%s'",
			      c->text, why, c->why);
	}
}
END_TEST

START_TEST(test_units_rate)
{
	ers_rate_t r;
	const char *why;

	ck_assert_int_eq(ers_parse_rate("500Mbps", &r, &why), ERS_OK);
	ck_assert_uint_eq(r, 500000000ULL);
	ck_assert_int_eq(ers_parse_rate("10Gbps", &r, &why), ERS_OK);
	ck_assert_uint_eq(r, 10000000000ULL);
	ck_assert_int_eq(ers_parse_rate("1.5Gbps", &r, &why), ERS_OK);
	ck_assert_uint_eq(r, 1500000000ULL);
	ck_assert_int_eq(ers_parse_rate("64kbps", &r, &why), ERS_OK);
	ck_assert_uint_eq(r, 64000ULL);
	ck_assert_int_eq(ers_parse_rate("9bps", &r, &why), ERS_OK);
	ck_assert_uint_eq(r, 9ULL);
	ck_assert_int_eq(ers_parse_rate("18446744073709551615bps", &r, &why), ERS_OK);
	ck_assert_uint_eq(r, UINT64_MAX);
	ck_assert_int_eq(ers_parse_rate("18446744073709551616bps", &r, &why), ERS_EINVAL);
	ck_assert_str_eq(why, "value too large");
	ck_assert_int_eq(ers_parse_rate("18446744074Gbps", &r, &why), ERS_EINVAL);
	ck_assert_str_eq(why, "value too large");
	ck_assert_int_eq(ers_parse_rate("1.5bps", &r, &why), ERS_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "finer"));
	ck_assert_int_eq(ers_parse_rate("1mbps", &r, &why), ERS_EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "Mbps"));
	ck_assert_int_eq(ers_parse_rate("-1Mbps", &r, &why), ERS_EINVAL);
	ck_assert_str_eq(why, "negative value");
	ck_assert_int_eq(ers_parse_rate("1Gbpsx", &r, &why), ERS_EINVAL);
}
END_TEST

START_TEST(test_units_prefix)
{
	struct ers_prefix p;
	const char *why;
	char buf[24];

	ck_assert_int_eq(ers_parse_prefix("192.168.10.0/24", &p, &why), ERS_OK);
	ck_assert_uint_eq(p.addr, 0xC0A80A00u);
	ck_assert_uint_eq(p.len, 24);
	ck_assert_str_eq(ers_prefix_str(p, buf, sizeof buf), "192.168.10.0/24");
	ck_assert_int_eq(ers_parse_prefix("0.0.0.0/0", &p, &why), ERS_OK);
	ck_assert_int_eq(ers_parse_prefix("10.1.2.3/32", &p, &why), ERS_OK);
	ck_assert_int_eq(ers_parse_prefix("192.168.10.1/24", &p, &why), ERS_EINVAL);
	ck_assert_str_eq(why, "host bits set after the prefix length");
	ck_assert_int_eq(ers_parse_prefix("1.0.0.0/0", &p, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_prefix("10.0.0.0/33", &p, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_prefix("256.0.0.0/8", &p, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_prefix("10.0.0/8", &p, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_prefix("10.0.0.0", &p, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_prefix("010.0.0.0/8", &p, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_prefix("10.0.0.0/8 ", &p, &why), ERS_EINVAL);
	ck_assert_str_eq(why, "unexpected characters after the prefix");
	ck_assert_int_eq(ers_parse_prefix("10.0.0.0/8le24", &p, &why), ERS_EINVAL);
}
END_TEST

START_TEST(test_units_prefix_range)
{
	struct ers_prefix p;
	uint8_t le = 0;
	const char *why;

	ck_assert_int_eq(ers_parse_prefix_range("10.0.0.0/8", &p, &le, &why), ERS_OK);
	ck_assert_uint_eq(le, 8);
	ck_assert_int_eq(ers_parse_prefix_range("10.0.0.0/8le24", &p, &le, &why), ERS_OK);
	ck_assert_uint_eq(p.addr, 0x0A000000u);
	ck_assert_uint_eq(p.len, 8);
	ck_assert_uint_eq(le, 24);
	ck_assert_int_eq(ers_parse_prefix_range("10.0.0.0/8le8", &p, &le, &why), ERS_OK);
	ck_assert_uint_eq(le, 8);
	ck_assert_int_eq(ers_parse_prefix_range("10.0.0.0/16le8", &p, &le, &why), ERS_EINVAL);
	ck_assert_str_eq(why, "'le' length is shorter than the prefix");
	ck_assert_int_eq(ers_parse_prefix_range("10.0.0.0/8le33", &p, &le, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_prefix_range("10.0.0.0/8ge24", &p, &le, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_prefix_range("10.0.0.0/8le", &p, &le, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_prefix_range("10.0.0.1/8le24", &p, &le, &why), ERS_EINVAL);
}
END_TEST

START_TEST(test_units_community_asn_ipv4)
{
	ers_community_t c;
	uint32_t v;
	uint64_t u;
	const char *why;
	char buf[20];

	ck_assert_int_eq(ers_parse_community("12076:50002", &c, &why), ERS_OK);
	ck_assert_uint_eq(c, (12076u << 16) | 50002u);
	ck_assert_str_eq(ers_community_str(c, buf, sizeof buf), "12076:50002");
	ck_assert_int_eq(ers_parse_community("0:0", &c, &why), ERS_OK);
	ck_assert_int_eq(ers_parse_community("65535:65535", &c, &why), ERS_OK);
	ck_assert_uint_eq(c, 0xFFFFFFFFu);
	ck_assert_int_eq(ers_parse_community("65536:1", &c, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_community("1:65536", &c, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_community("1:", &c, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_community("12076", &c, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_community("1:2:3", &c, &why), ERS_EINVAL);

	ck_assert_int_eq(ers_parse_asn("65010", &v, &why), ERS_OK);
	ck_assert_uint_eq(v, 65010);
	ck_assert_int_eq(ers_parse_asn("4294967295", &v, &why), ERS_OK);
	ck_assert_uint_eq(v, 4294967295u);
	ck_assert_int_eq(ers_parse_asn("4294967296", &v, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_asn("0", &v, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_asn("-5", &v, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_asn("65010x", &v, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_asn("1.10", &v, &why), ERS_EINVAL);

	ck_assert_int_eq(ers_parse_ipv4("1.1.1.1", &v, &why), ERS_OK);
	ck_assert_uint_eq(v, 0x01010101u);
	ck_assert_str_eq(ers_ipv4_str(0xC0000201u, buf, sizeof buf), "192.0.2.1");
	ck_assert_int_eq(ers_parse_ipv4("1.1.1", &v, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_ipv4("1.1.1.1.", &v, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_ipv4("1.1.1.300", &v, &why), ERS_EINVAL);

	ck_assert_int_eq(ers_parse_uint("18446744073709551615", 0, UINT64_MAX, &u, &why), ERS_OK);
	ck_assert_uint_eq(u, UINT64_MAX);
	ck_assert_int_eq(ers_parse_uint("18446744073709551616", 0, UINT64_MAX, &u, &why), ERS_EINVAL);
	ck_assert_int_eq(ers_parse_uint("5", 1, 4, &u, &why), ERS_EINVAL);
	ck_assert_str_eq(why, "number too large");
	ck_assert_int_eq(ers_parse_uint("0", 1, 4, &u, &why), ERS_EINVAL);
	ck_assert_str_eq(why, "number too small");
}
END_TEST

START_TEST(test_units_print_shortest)
{
	char buf[48];

	ck_assert_str_eq(ers_time_str(1500000000, buf, sizeof buf), "1.5s");
	ck_assert_str_eq(ers_time_str(300 * ERS_MS, buf, sizeof buf), "300ms");
	ck_assert_str_eq(ers_time_str(120 * ERS_S, buf, sizeof buf), "2min");
	ck_assert_str_eq(ers_time_str(90 * ERS_S, buf, sizeof buf), "90s");
	ck_assert_str_eq(ers_time_str(3600 * ERS_S, buf, sizeof buf), "1h");
	ck_assert_str_eq(ers_time_str(0, buf, sizeof buf), "0s");
	ck_assert_str_eq(ers_time_str(7, buf, sizeof buf), "7ns");
	ck_assert_str_eq(ers_time_str(500 * ERS_US, buf, sizeof buf), "500us");
	ck_assert_str_eq(ers_time_str(1000000001, buf, sizeof buf), "1.000000001s");
	ck_assert_str_eq(ers_time_str(-ERS_S, buf, sizeof buf), "-1s");
	ck_assert_str_eq(ers_rate_str(1000000000ULL, buf, sizeof buf), "1Gbps");
	ck_assert_str_eq(ers_rate_str(300000000ULL, buf, sizeof buf), "300Mbps");
	ck_assert_str_eq(ers_rate_str(1500000000ULL, buf, sizeof buf), "1.5Gbps");
	ck_assert_str_eq(ers_rate_str(0, buf, sizeof buf), "0bps");

	/* printing then parsing gives the same value */
	for (ers_time_t t = 1; t < INT64_MAX / 7; t = t * 7 + 3) {
		ers_time_t back;
		const char *why;

		ck_assert_int_eq(ers_parse_time(ers_time_str(t, buf, sizeof buf), &back, &why), ERS_OK);
		ck_assert_int_eq(back, t);
	}
}
END_TEST

START_TEST(test_units_prefix_relations)
{
	struct ers_prefix p8 = { 0x0A000000u, 8 }, p16 = { 0x0A010000u, 16 };
	struct ers_prefix other = { 0x0B000000u, 8 }, out;

	ck_assert(ers_prefix_contains(p8, p16));
	ck_assert(!ers_prefix_contains(p16, p8));
	ck_assert(ers_prefix_overlaps(p16, p8));
	ck_assert(!ers_prefix_overlaps(p8, other));
	ck_assert_int_lt(ers_prefix_cmp(p8, p16), 0);
	ck_assert_int_eq(ers_prefix_cmp(p8, p8), 0);
	ck_assert(ers_prefix_nth((struct ers_prefix){ 0x0A800000u, 24 }, 4000, &out));
	ck_assert_uint_eq(out.addr, 0x0A800000u + 4000u * 256u);
	ck_assert(ers_prefix_nth((struct ers_prefix){ 0xFFFFFF00u, 24 }, 0, &out));
	ck_assert(!ers_prefix_nth((struct ers_prefix){ 0xFFFFFF00u, 24 }, 1, &out));
	ck_assert(!ers_prefix_nth((struct ers_prefix){ 0, 0 }, 1, &out));
	ck_assert(ers_prefix_nth((struct ers_prefix){ 0xFFFFFFFFu, 32 }, 0, &out));
}
END_TEST

Suite *make_units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("units");

	tcase_add_loop_test(tc, test_units_time_table, 0,
			    (int)(sizeof time_cases / sizeof time_cases[0]));
	tcase_add_test(tc, test_units_rate);
	tcase_add_test(tc, test_units_prefix);
	tcase_add_test(tc, test_units_prefix_range);
	tcase_add_test(tc, test_units_community_asn_ipv4);
	tcase_add_test(tc, test_units_print_shortest);
	tcase_add_test(tc, test_units_prefix_relations);
	suite_add_tcase(s, tc);
	return s;
}
