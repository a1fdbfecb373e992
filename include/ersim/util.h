/*
 * util.h - small helpers several modules need: formatted allocation and
 * joining, the
 * plural of a count, and the FNV-1a hash (fingerprints, keys, seeds).
 */
#ifndef ERSIM_UTIL_H
#define ERSIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* A new string formatted like printf; NULL when out of memory. */
char *ers_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The strings up to a NULL joined into a new one; NULL when out of memory.
 * For names built by the ten thousand (graph.c), where printf's "%s"
 * costs several times a copy. */
char *ers_concat(const char *first, ...) __attribute__((sentinel));

/* "s" unless n is 1, for counts in text: "%zu run%s", n, ers_s(n). */
static inline const char *ers_s(size_t n)
{
	return n == 1 ? "" : "s";
}

/*
 * Whether a command frees what it holds just before main() returns and the
 * process exits. The OS takes the whole process back at once; freeing an
 * Internet-sized scenario, its topology and its result object by object
 * only costs time (docs/bench.md, loader). Sanitizer builds free
 * everything, so that LeakSanitizer still tells a leak from an exit.
 */
#if defined(__SANITIZE_ADDRESS__)
#define ERS_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ERS_FREE_AT_EXIT 1
#endif
#endif
#ifndef ERS_FREE_AT_EXIT
#define ERS_FREE_AT_EXIT 0
#endif

#define ERS_FNV64_INIT 0xcbf29ce484222325ULL

/* FNV-1a over n bytes, continuing from h (start with ERS_FNV64_INIT). */
uint64_t ers_fnv1a64(uint64_t h, const void *data, size_t n);

#endif
