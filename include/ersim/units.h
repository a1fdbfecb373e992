/*
 * units.h - parsing and printing of the scenario's values: times with
 * units to integer nanoseconds, rates to bits per second, IPv4 prefixes,
 * communities, ASNs and router ids. Every parser rejects garbage, trailing
 * characters, negative values and overflow, and returns ERS_EINVAL with a
 * short reason in *why (a static string) for the caller's diagnostic.
 */
#ifndef ERSIM_UNITS_H
#define ERSIM_UNITS_H

#include "ersim/error.h"
#include "ersim/types.h"

/* "300ms", "1.5s", "2min", "1h", "250us", "10ns": integer or decimal with
 * unit ns us ms s min h. Decimals are exact (no floating point): "0.1s" is
 * 100000000 ns; a value that is not a whole number of ns is rejected. */
enum ers_err ers_parse_time(const char *s, ers_time_t *out, const char **why);
/* "500Mbps", "10Gbps", "1.5Gbps": bps kbps Mbps Gbps (SI: 1 kbps = 1000). */
enum ers_err ers_parse_rate(const char *s, ers_rate_t *out, const char **why);
/* "192.168.10.0/24"; host bits must be zero. */
enum ers_err ers_parse_prefix(const char *s, struct ers_prefix *out, const char **why);
/* "10.0.0.0/8" (exact: *le = 8) or "10.0.0.0/8le24" (*le = 24, >= len). */
enum ers_err ers_parse_prefix_range(const char *s, struct ers_prefix *out,
				    uint8_t *le, const char **why);
/* "12076:50002" (each part 0..65535). */
enum ers_err ers_parse_community(const char *s, ers_community_t *out, const char **why);
/* 1..4294967295 */
enum ers_err ers_parse_asn(const char *s, uint32_t *out, const char **why);
/* dotted quad "1.1.1.1" */
enum ers_err ers_parse_ipv4(const char *s, uint32_t *out, const char **why);
/* Unsigned decimal integer in [min, max]. */
enum ers_err ers_parse_uint(const char *s, uint64_t min, uint64_t max,
			    uint64_t *out, const char **why);

/* Printing into caller buffers; return buf. */
char *ers_prefix_str(struct ers_prefix p, char *buf, size_t n);	/* n >= 19 */
char *ers_community_str(ers_community_t c, char *buf, size_t n);	/* n >= 12 */
char *ers_ipv4_str(uint32_t a, char *buf, size_t n);			/* n >= 16 */
/* "1.5s", "300ms", "2min": the shortest exact form */
char *ers_time_str(ers_time_t t, char *buf, size_t n);
char *ers_rate_str(ers_rate_t r, char *buf, size_t n);			/* "1Gbps" */
/* A measured duration for people: "0.827 s", "12.5 ms", "300 µs". */
char *ers_duration_str(double s, char *buf, size_t n);

/* Prefix relations. */
bool ers_prefix_contains(struct ers_prefix outer, struct ers_prefix inner);
bool ers_prefix_overlaps(struct ers_prefix a, struct ers_prefix b);
int ers_prefix_cmp(struct ers_prefix a, struct ers_prefix b);	/* addr, then len */
/* The n-th prefix after p of the same length (prefix blocks); false on
 * wrap past 255.255.255.255. */
bool ers_prefix_nth(struct ers_prefix p, uint32_t n, struct ers_prefix *out);
/* Does addr fall within p? */
static inline bool ers_prefix_has_addr(struct ers_prefix p, uint32_t addr)
{
	uint32_t mask = p.len ? ~(uint32_t)0 << (32 - p.len) : 0;
	return (addr & mask) == p.addr;
}

#endif
