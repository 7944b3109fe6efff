/* Capture statistics as tcpdump prints them at exit. */
#ifndef NSCAP_STATS_H
#define NSCAP_STATS_H

#include <stddef.h>
#include <stdint.h>

struct nscap_stats {
	uint64_t captured;  /* written to the output */
	uint64_t received;  /* received by filter */
	uint64_t dropped;   /* dropped by kernel */
	uint64_t ifdropped; /* dropped by interface; printed when not 0 */
};

/*
 * tcpdump's lines ("N packets captured" ...), each ending in a newline, into
 * buf. Returns the length it wanted (as snprintf).
 */
int nscap_stats_format(const struct nscap_stats *s, char *buf, size_t len);

#endif
