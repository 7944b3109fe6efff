/* A clock read in nanoseconds, for the modules on both sides. */
#ifndef NSCAP_CLOCK_H
#define NSCAP_CLOCK_H

#include <stdint.h>
#include <time.h>

/* clock's now in ns: CLOCK_REALTIME as the kernel stamps packets and as
 * files carry time, CLOCK_MONOTONIC for timers a clock step must not
 * stretch. */
static inline uint64_t nscap_clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
