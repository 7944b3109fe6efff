/*
 * How much kernel ring memory each capture handle gets, and how long the
 * read loop may let packets gather in it: pure policy, unit-tested.
 */
#ifndef NSCAP_RING_H
#define NSCAP_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ring memory of all handles together, unless -B says otherwise. */
#define NSCAP_RING_BUDGET (16u << 20)
/* One handle's ring, at most (a lone capture) and at least (many). Block
 * mode packs packets densely: 8 MiB take 200,000 packets of 1500 bytes
 * without a drop here, and a larger ring cost more CPU (it falls out of
 * the cache). Immediate mode spends a slot of the snapshot length on each
 * packet, so it gets twice as much (docs/BENCHMARKS.md). */
#define NSCAP_RING_MAX (8u << 20)
#define NSCAP_RING_MAX_IMMEDIATE (16u << 20)
#define NSCAP_RING_MIN (256u << 10)

/*
 * Bytes of ring for each of nhandles handles: -B (buffer_kib, 0: none)
 * wins; else the budget shared, within [NSCAP_RING_MIN, NSCAP_RING_MAX],
 * or NSCAP_RING_MAX_IMMEDIATE in immediate mode.
 */
size_t nscap_ring_bytes(size_t nhandles, int buffer_kib, bool immediate);

/* Fewer packets than this in a wake-up: light traffic, no gathering. */
#define NSCAP_RING_GATHER_MIN 16

/* The snapshot length in immediate mode when -s is not given (see
 * nscap_ring_gather_us). */
#define NSCAP_IMMEDIATE_SNAPLEN 65535

/*
 * Microseconds to let packets gather before the next wake-up in immediate
 * mode, after one that read last packets, rate packets a second coming in,
 * into a ring of ring_bytes with snapshot length snaplen. A few packets: 0
 * (read the next at once). More: 4 us a packet, at most 1 ms, and never
 * longer than it takes the traffic to fill a quarter of the ring's slots.
 * In immediate mode (TPACKET_V2) libpcap gives every packet a slot of the
 * snapshot length (plus a header) on a link with offloads, whatever the
 * packet's size: the ring holds ring_bytes / (snaplen + 128) packets.
 */
uint64_t nscap_ring_gather_us(uint64_t last, uint64_t rate, size_t ring_bytes,
			      int snaplen);

#endif
