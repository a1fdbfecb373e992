/*
 * types.h - scalar types shared by every module: simulated time, rates,
 * IPv4 prefixes and BGP communities.
 *
 * Time is an integer count of nanoseconds (int64: about 292 years), never a
 * double, so that event order is exact and runs are reproducible.
 */
#ifndef ERSIM_TYPES_H
#define ERSIM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ers_time_t;		/* simulated time, nanoseconds */
typedef uint64_t ers_rate_t;		/* bits per second */

#define ERS_NS	((ers_time_t)1)
#define ERS_US	((ers_time_t)1000)
#define ERS_MS	((ers_time_t)1000000)
#define ERS_S	((ers_time_t)1000000000)
#define ERS_TIME_MAX INT64_MAX
#define ERS_TIME_NEVER (-1)

/* Seconds as a double, for output only. */
static inline double ers_time_to_s(ers_time_t t) { return (double)t / 1e9; }

/* An IPv4 prefix in host byte order; host bits beyond len are zero. */
struct ers_prefix {
	uint32_t addr;
	uint8_t len;			/* 0..32 */
};

/* A standard community ASN:VALUE packed as (asn << 16) | value. */
typedef uint32_t ers_community_t;

#define ERS_ASN_MICROSOFT 12076u
#define ERS_ASN_GATEWAY 65515u

#endif
