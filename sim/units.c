/*
 * units.c - the scenario's value syntax (see units.h and
 * docs/scenario-format.md "Values"). Times become integer nanoseconds and
 * rates bits per second by exact decimal arithmetic: the integer and the
 * fractional digits are scaled separately with overflow checks, so "1.5s"
 * is exactly 1500000000 and no double ever takes part. Parsers are strict:
 * no sign, no white space, no trailing characters, units spelt exactly as
 * documented. The printers give the shortest exact form, so a value printed
 * and parsed again is the same value.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ersim/units.h"

/* A unit: its name, its multiplier written as mult * 10^exp. */
struct unit {
	const char *name;
	uint64_t mult;
	unsigned exp;
};

/* Longest names first is not needed: names are matched whole. */
static const struct unit time_units[] = {
	{ "h", 36, 11 }, { "min", 6, 10 }, { "s", 1, 9 },
	{ "ms", 1, 6 }, { "us", 1, 3 }, { "ns", 1, 0 },
};
static const struct unit rate_units[] = {
	{ "Gbps", 1, 9 }, { "Mbps", 1, 6 }, { "kbps", 1, 3 }, { "bps", 1, 0 },
};

#define N_ELEMS(a) (sizeof (a) / sizeof (a)[0])

static uint64_t pow10u(unsigned e)
{
	uint64_t v = 1;

	while (e--)
		v *= 10;
	return v;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Multiply with overflow check against max. */
static int mul_ok(uint64_t a, uint64_t b, uint64_t max, uint64_t *out)
{
	if (a != 0 && b > max / a)
		return 0;
	*out = a * b;
	return 1;
}

/* "1e300s": no value of 20 or more digits fits, so say so; a small
 * exponent is only a notation this syntax does not take. */
static const char *exponent_why(const char *e)
{
	int neg = *e == '-';
	unsigned x = 0;

	if (*e == '+' || *e == '-')
		e++;
	for (; is_digit(*e) && x < 1000; e++)
		x = x * 10 + (unsigned)(*e - '0');
	if (!neg && x >= 20)
		return "number out of range (and exponent notation is not accepted)";
	return "exponent notation is not accepted: write the number out in digits";
}

/*
 * Parse "<digits>[.<digits>]<unit>" into units[] scaled value <= max.
 * The fraction f with k significant digits (trailing zeros dropped) is
 * worth f * mult * 10^exp / 10^k; it must be whole. Since f then ends in a
 * non-zero digit, a whole result needs k <= exp + 2 (mult is at most 36 =
 * 4 * 9, whose factor 4 can absorb two more powers of 2), which bounds f.
 */
static enum ers_err parse_scaled(const char *s, const struct unit *units,
				 size_t n_units, uint64_t max, uint64_t *out,
				 const char **why, const char *fraction_why)
{
	const char *p = s, *frac = NULL, *unit;
	uint64_t ip = 0, fp = 0, v, fv;
	size_t n_frac = 0;
	const struct unit *u = NULL;

	if (!s || !*s)
		return *why = "empty value", ERS_EINVAL;
	if (*p == '-')
		return *why = "negative value", ERS_EINVAL;
	if (!is_digit(*p))
		return *why = "expected a number", ERS_EINVAL;
	for (; is_digit(*p); p++) {
		if (ip > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return *why = "value too large", ERS_EINVAL;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		frac = ++p;
		while (is_digit(*p))
			p++;
		n_frac = (size_t)(p - frac);
		if (n_frac == 0)
			return *why = "expected digits after '.'", ERS_EINVAL;
		while (n_frac > 0 && frac[n_frac - 1] == '0')
			n_frac--;
	}
	if ((*p == 'e' || *p == 'E') &&
	    (is_digit(p[1]) || ((p[1] == '+' || p[1] == '-') && is_digit(p[2]))))
		return *why = exponent_why(p + 1), ERS_EINVAL;
	unit = p;
	if (!*unit)
		return *why = "missing unit", ERS_EINVAL;
	for (size_t i = 0; i < n_units; i++)
		if (!strcmp(unit, units[i].name))
			u = &units[i];
	if (!u)
		return *why = "unknown unit", ERS_EINVAL;
	if (n_frac > u->exp + 2)
		return *why = fraction_why, ERS_EINVAL;
	for (size_t i = 0; i < n_frac; i++)
		fp = fp * 10 + (uint64_t)(frac[i] - '0');
	fv = fp * u->mult;		/* < 10^13 * 36: no overflow */
	if (n_frac > u->exp) {
		uint64_t div = pow10u((unsigned)n_frac - u->exp);
		if (fv % div)
			return *why = fraction_why, ERS_EINVAL;
		fv /= div;
	} else {
		fv *= pow10u(u->exp - (unsigned)n_frac);
	}
	if (!mul_ok(ip, u->mult * pow10u(u->exp), max, &v) || fv > max - v)
		return *why = "value too large", ERS_EINVAL;
	*out = v + fv;
	return ERS_OK;
}

enum ers_err ers_parse_time(const char *s, ers_time_t *out, const char **why)
{
	uint64_t v;
	enum ers_err rc;

	rc = parse_scaled(s, time_units, N_ELEMS(time_units), INT64_MAX, &v,
			  why, "finer than a nanosecond");
	if (rc == ERS_OK)
		*out = (ers_time_t)v;
	else if (!strcmp(*why, "missing unit") || !strcmp(*why, "unknown unit"))
		*why = "expected a unit: ns, us, ms, s, min or h";
	return rc;
}

enum ers_err ers_parse_rate(const char *s, ers_rate_t *out, const char **why)
{
	uint64_t v;
	enum ers_err rc;

	rc = parse_scaled(s, rate_units, N_ELEMS(rate_units), UINT64_MAX, &v,
			  why, "finer than one bit per second");
	if (rc == ERS_OK)
		*out = v;
	else if (!strcmp(*why, "missing unit") || !strcmp(*why, "unknown unit"))
		*why = "expected a unit: bps, kbps, Mbps or Gbps";
	return rc;
}

/* Decimal without sign or leading zeros, at most max; *end after it. */
static int parse_dec(const char *s, uint64_t max, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (!is_digit(*p))
		return 0;
	if (*p == '0' && is_digit(p[1]))
		return 0;
	for (; is_digit(*p); p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return 0;
	}
	*out = v;
	*end = p;
	return 1;
}

/* Dotted quad at s; *end after it. */
static int parse_quad(const char *s, uint32_t *out, const char **end)
{
	uint32_t a = 0;
	uint64_t o;

	for (int i = 0; i < 4; i++) {
		if (i > 0) {
			if (*s != '.')
				return 0;
			s++;
		}
		if (!parse_dec(s, 255, &o, &s))
			return 0;
		a = (a << 8) | (uint32_t)o;
	}
	*out = a;
	*end = s;
	return 1;
}

enum ers_err ers_parse_ipv4(const char *s, uint32_t *out, const char **why)
{
	const char *end;

	if (!s || !parse_quad(s, out, &end) || *end)
		return *why = "expected a dotted quad such as 192.0.2.1", ERS_EINVAL;
	return ERS_OK;
}

/* "a.b.c.d/len" at s; *end after it. */
static enum ers_err parse_cidr(const char *s, struct ers_prefix *out,
			       const char **end, const char **why)
{
	uint32_t addr;
	uint64_t len;
	struct ers_prefix p;

	if (!s || !parse_quad(s, &addr, &s))
		return *why = "expected an IPv4 prefix such as 192.0.2.0/24", ERS_EINVAL;
	if (*s != '/' || !parse_dec(s + 1, 32, &len, &s))
		return *why = "expected '/' and a prefix length 0..32", ERS_EINVAL;
	p.addr = addr;
	p.len = (uint8_t)len;
	if (!ers_prefix_has_addr(p, addr) || (len == 0 && addr != 0))
		return *why = "host bits set after the prefix length", ERS_EINVAL;
	*out = p;
	*end = s;
	return ERS_OK;
}

enum ers_err ers_parse_prefix(const char *s, struct ers_prefix *out, const char **why)
{
	const char *end;

	if (parse_cidr(s, out, &end, why))
		return ERS_EINVAL;
	if (*end)
		return *why = "unexpected characters after the prefix", ERS_EINVAL;
	return ERS_OK;
}

enum ers_err ers_parse_prefix_range(const char *s, struct ers_prefix *out,
				    uint8_t *le, const char **why)
{
	const char *end;
	uint64_t v;

	if (parse_cidr(s, out, &end, why))
		return ERS_EINVAL;
	if (!*end) {
		*le = out->len;
		return ERS_OK;
	}
	if (strncmp(end, "le", 2) || !parse_dec(end + 2, 32, &v, &end) || *end)
		return *why = "expected nothing or 'le' and a length 0..32 after the prefix",
		       ERS_EINVAL;
	if (v < out->len)
		return *why = "'le' length is shorter than the prefix", ERS_EINVAL;
	*le = (uint8_t)v;
	return ERS_OK;
}

enum ers_err ers_parse_community(const char *s, ers_community_t *out, const char **why)
{
	uint64_t hi, lo;
	const char *p;

	if (!s || !parse_dec(s, 65535, &hi, &p) || *p != ':' ||
	    !parse_dec(p + 1, 65535, &lo, &p) || *p)
		return *why = "expected ASN:VALUE, each 0..65535", ERS_EINVAL;
	*out = (ers_community_t)(hi << 16 | lo);
	return ERS_OK;
}

enum ers_err ers_parse_uint(const char *s, uint64_t min, uint64_t max,
			    uint64_t *out, const char **why)
{
	uint64_t v = 0;
	const char *p = s;

	if (!s || !*s)
		return *why = "empty value", ERS_EINVAL;
	if (*p == '-')
		return *why = "negative value", ERS_EINVAL;
	if (!is_digit(*p))
		return *why = "expected a whole number", ERS_EINVAL;
	for (; is_digit(*p); p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return *why = "number too large", ERS_EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p)
		return *why = "expected a whole number", ERS_EINVAL;
	if (v < min)
		return *why = "number too small", ERS_EINVAL;
	if (v > max)
		return *why = "number too large", ERS_EINVAL;
	*out = v;
	return ERS_OK;
}

enum ers_err ers_parse_asn(const char *s, uint32_t *out, const char **why)
{
	uint64_t v;

	if (ers_parse_uint(s, 1, UINT32_MAX, &v, why))
		return *why = "expected an AS number 1..4294967295", ERS_EINVAL;
	*out = (uint32_t)v;
	return ERS_OK;
}

char *ers_ipv4_str(uint32_t a, char *buf, size_t n)
{
	snprintf(buf, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
		 (a >> 8) & 255, a & 255);
	return buf;
}

char *ers_prefix_str(struct ers_prefix p, char *buf, size_t n)
{
	char a[16];

	snprintf(buf, n, "%s/%u", ers_ipv4_str(p.addr, a, sizeof a), p.len);
	return buf;
}

char *ers_community_str(ers_community_t c, char *buf, size_t n)
{
	snprintf(buf, n, "%u:%u", c >> 16, c & 0xffff);
	return buf;
}

/*
 * Shortest exact rendering of v in one of units[] (largest first): the
 * whole form where v divides evenly, or a decimal form with an integer
 * part of at least 1 for pure powers of ten ("1.5s", never "0.3s", which
 * reads worse than "300ms"). Ties go to the larger unit ("2min", not "120s").
 */
static char *scaled_str(uint64_t v, const struct unit *units, size_t n_units,
			char *buf, size_t n)
{
	char best[48] = "", cand[48];

	for (size_t i = 0; i < n_units; i++) {
		uint64_t m = units[i].mult * pow10u(units[i].exp);

		if (v % m == 0)
			snprintf(cand, sizeof cand, "%" PRIu64 "%s", v / m, units[i].name);
		else if (units[i].mult == 1 && v >= m) {
			int w = (int)units[i].exp;
			uint64_t f = v % m;

			while (f % 10 == 0) {
				f /= 10;
				w--;
			}
			snprintf(cand, sizeof cand, "%" PRIu64 ".%0*" PRIu64 "%s",
				 v / m, w, f, units[i].name);
		} else {
			continue;
		}
		if (!best[0] || strlen(cand) < strlen(best))
			memcpy(best, cand, sizeof best);
	}
	snprintf(buf, n, "%s", best);
	return buf;
}

char *ers_time_str(ers_time_t t, char *buf, size_t n)
{
	if (t == 0) {
		snprintf(buf, n, "0s");
		return buf;
	}
	if (t < 0) {
		char tmp[48];

		/* -INT64_MIN overflows; go through uint64 */
		scaled_str((uint64_t)0 - (uint64_t)t, time_units, N_ELEMS(time_units),
			   tmp, sizeof tmp);
		snprintf(buf, n, "-%s", tmp);
		return buf;
	}
	return scaled_str((uint64_t)t, time_units, N_ELEMS(time_units), buf, n);
}

char *ers_duration_str(double s, char *buf, size_t n)
{
	if (s >= 1.0 || s == 0)
		snprintf(buf, n, "%.3f s", s);
	else if (s >= 1e-3)
		snprintf(buf, n, "%.1f ms", s * 1e3);
	else
		snprintf(buf, n, "%.0f \xc2\xb5s", s * 1e6);
	return buf;
}

char *ers_rate_str(ers_rate_t r, char *buf, size_t n)
{
	if (r == 0) {
		snprintf(buf, n, "0bps");
		return buf;
	}
	return scaled_str(r, rate_units, N_ELEMS(rate_units), buf, n);
}

bool ers_prefix_contains(struct ers_prefix outer, struct ers_prefix inner)
{
	return outer.len <= inner.len && ers_prefix_has_addr(outer, inner.addr);
}

bool ers_prefix_overlaps(struct ers_prefix a, struct ers_prefix b)
{
	return ers_prefix_contains(a, b) || ers_prefix_contains(b, a);
}

int ers_prefix_cmp(struct ers_prefix a, struct ers_prefix b)
{
	if (a.addr != b.addr)
		return a.addr < b.addr ? -1 : 1;
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return 0;
}

bool ers_prefix_nth(struct ers_prefix p, uint32_t n, struct ers_prefix *out)
{
	uint64_t step = (uint64_t)1 << (32 - (p.len > 32 ? 32 : p.len));
	uint64_t addr = (uint64_t)p.addr + (uint64_t)n * step;

	if (addr > UINT32_MAX)
		return false;
	out->addr = (uint32_t)addr;
	out->len = p.len;
	return true;
}
