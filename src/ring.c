/* Ring sizes and gathering (see ring.h). */
#include "nscap/ring.h"

#define GATHER_US_PER_PACKET 4
#define GATHER_MAX_US 1000
/* what a ring slot holds besides the packet: TPACKET_V2's header, aligned */
#define SLOT_OVERHEAD 128
/* gather no longer than it takes to fill 1/GATHER_RING_SHARE of the ring */
#define GATHER_RING_SHARE 4

size_t nscap_ring_bytes(size_t nhandles, int buffer_kib, bool immediate)
{
	size_t per, max = immediate ? NSCAP_RING_MAX_IMMEDIATE : NSCAP_RING_MAX;

	if (buffer_kib > 0)
		return (size_t)buffer_kib << 10;
	if (nhandles == 0)
		nhandles = 1;
	per = NSCAP_RING_BUDGET / nhandles;
	if (per > max)
		per = max;
	if (per < NSCAP_RING_MIN)
		per = NSCAP_RING_MIN;
	return per;
}

uint64_t nscap_ring_gather_us(uint64_t last, uint64_t rate, size_t ring_bytes,
			      int snaplen)
{
	uint64_t slot = (uint64_t)(snaplen > 0 ? snaplen : 0) + SLOT_OVERHEAD;
	uint64_t share = ring_bytes / slot / GATHER_RING_SHARE, us;

	if (last < NSCAP_RING_GATHER_MIN || share == 0)
		return 0;
	us = last * GATHER_US_PER_PACKET;
	if (us > GATHER_MAX_US)
		us = GATHER_MAX_US;
	if (rate) {
		uint64_t fill_us = share * 1000000u / rate;

		if (us > fill_us)
			us = fill_us;
	}
	return us;
}
