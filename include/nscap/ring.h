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
/*
 * One handle's ring, at most (a lone capture: in block mode the whole
 * budget, so the bound is the budget's own) and at least (many). A lone
 * block-mode ring (a file's, a stream's twin) takes 16 MiB. On the machine
 * of 2026-12-01 a capture of 1500-byte packets at 700,000 a second fell
 * behind now and then for longer than 8 MiB of them last (about 8 ms),
 * more so while its file took memory that the host had taken back: 8 MiB
 * lost packets in 7 of 24 captures, and in 4 of 8 with that memory warmed
 * first; 16 MiB in none of the 32, for 1 to 7 ns a packet more at 64
 * bytes (of 59 to 79; docs/BENCHMARKS.md, experiments 30 and 31; on the
 * machine before, experiment 7 had found no fewer drops). Setting up 8 MiB
 * more took 0.4 ms more (the kernel zeroes a ring's pages then), and some
 * 30 ms where the host had taken the pages back (3.4 to 4.6 ms a MiB,
 * t_kernel_rings.sh).
 * In immediate mode every packet takes a slot of the snapshot length, and
 * a slot of 64 KiB takes a block of 128 KiB; that ring only carries light
 * traffic, while its block-mode twin (handle.h) gets the block-mode share,
 * so it is kept at libpcap's default (docs/BENCHMARKS.md). Most of nscap's
 * start-up is elsewhere: where RCU grace periods are not expedited, the
 * kernel waits for one as it sets up a ring (t_kernel_rings.sh).
 */
#define NSCAP_RING_MAX NSCAP_RING_BUDGET
#define NSCAP_RING_MAX_IMMEDIATE (2u << 20)
/*
 * A block-mode ring has at least four blocks: libpcap's come in 256 KiB
 * whatever the snapshot length. Before it takes its lock, the kernel's
 * tpacket_rcv drops a packet when neither the block a quarter of the ring
 * ahead of the active one nor the active one is free ("If we are flooded,
 * just give up"); with fewer than four blocks both are the active block,
 * which reads as the reader's while it is being closed. So a packet that
 * arrives from another CPU while a block is closed (by its timer, or full
 * with a packet from another CPU) is dropped, with the next block free and
 * the ring far from full: 167 and 168 of 160,000 in a lab with three
 * blocks, none with four (experiment 28 in docs/BENCHMARKS.md;
 * t_ring_blocks.sh pins it).
 * The immediate ring (TPACKET_V2, slots not blocks) keeps its least of
 * 256 KiB: it carries light traffic only, and how the same check treats
 * fewer than four slots was not measured.
 */
#define NSCAP_RING_MIN (1u << 20)
#define NSCAP_RING_MIN_IMMEDIATE (256u << 10)

/*
 * Bytes of ring for each of nhandles handles: -B (buffer_kib, 0: none)
 * wins; else the budget shared, within [NSCAP_RING_MIN, NSCAP_RING_MAX],
 * or [NSCAP_RING_MIN_IMMEDIATE, NSCAP_RING_MAX_IMMEDIATE] in immediate
 * mode. Past 16 handles the minimum takes more than the budget.
 */
size_t nscap_ring_bytes(size_t nhandles, int buffer_kib, bool immediate);

/* Fewer packets than this in a wake-up: light traffic, no gathering. */
#define NSCAP_RING_GATHER_MIN 16

/*
 * The most of a packet that the immediate ring (TPACKET_V2) keeps: 65535,
 * the largest IP packet, and a link-layer header of up to 64 bytes (with
 * a 14-byte Ethernet header a full 64 KiB GSO packet on lo or a veth is
 * 65549 bytes). libpcap gives every packet there a slot of the snapshot
 * length plus a header (on Ethernet with offloads it caps the slot at
 * 65535 + 18 bytes itself): any snapshot length from 65469 to 131004 makes
 * a slot of one 128 KiB block, so this costs no slot against 65535, where
 * tcpdump's 262144 would take a 512 KiB block for each packet on a link
 * that is not Ethernet (tun, any). The block-mode twin, which takes any
 * load above light, keeps the full snapshot length, and so does the one
 * ring of a handle without a twin (no fanout group).
 */
#define NSCAP_IMMEDIATE_RING_SNAPLEN (65535 + 64)

/* The snapshot length of an immediate ring beside a twin, for snapshot
 * length snaplen. Inline: the namespace side (capture/handle.c) uses it. */
static inline int nscap_ring_immediate_snaplen(int snaplen)
{
	return snaplen > NSCAP_IMMEDIATE_RING_SNAPLEN
		       ? NSCAP_IMMEDIATE_RING_SNAPLEN
		       : snaplen;
}

/* What an immediate ring's slot holds besides the packet: TPACKET_V2's
 * header, aligned. */
#define NSCAP_RING_SLOT_OVERHEAD 128

/* The slots of an immediate ring of ring_bytes with snapshot length snaplen
 * (0: NSCAP_IMMEDIATE_RING_SNAPLEN), as counted here: 31 for 2 MiB at
 * 65599, where the kernel maps 32 (libpcap rounds up; a 128 KiB block
 * each). Inline, as those below: the namespace side (capture/handle.c)
 * uses them. */
static inline size_t nscap_ring_immediate_slots(size_t ring_bytes, int snaplen)
{
	return ring_bytes /
	       ((size_t)(snaplen > 0 ? snaplen : NSCAP_IMMEDIATE_RING_SNAPLEN) +
		NSCAP_RING_SLOT_OVERHEAD);
}

/* Unread packets that may wait in an immediate ring of slots before its
 * fanout program sends the next ones to the twin (fanout.h): half its
 * slots, rounded up (16 for 2 MiB at 65599; a ring of 3 keeps 2: a packet
 * that the filter will drop, such as the ICMP error a target sends at once
 * for a closed UDP port, then makes no switch), at least 1. */
static inline uint32_t nscap_ring_slots_room(size_t slots)
{
	size_t half = (slots + 1) / 2;

	return half == 0 ? 1 : half > UINT32_MAX ? UINT32_MAX : (uint32_t)half;
}

/*
 * The fanout program counts every packet it sends to the immediate ring,
 * those that the capture filter then drops too; nscap reads only those it
 * keeps. So that a narrow filter on a busy link does not move the capture
 * to the twin every few dozen packets (a lab: 17 times in 3 s at 1,000
 * other packets a second), the switch point grows by how many the program
 * counted for each one nscap read, learnt at each read of the ring (a
 * switch made by the program is read too, and teaches it). Recent packets
 * weigh most: the totals are halved past NSCAP_WATCH_MIX_SPAN.
 */
struct nscap_watch_mix {
	uint64_t sent; /* counted by the program */
	uint64_t read; /* read by nscap */
};
#define NSCAP_WATCH_MIX_SPAN 4096u
/* The most a switch point may grow to. */
#define NSCAP_WATCH_ROOM_MAX (1u << 24)

/* A read of the ring took read packets; the program counted sent since the
 * read before. Inline, as those below: capture/handle.c uses them. */
static inline void nscap_watch_mix_add(struct nscap_watch_mix *m, uint32_t sent,
				       uint64_t read)
{
	m->sent += sent;
	m->read += read;
	while (m->sent > NSCAP_WATCH_MIX_SPAN ||
	       m->read > NSCAP_WATCH_MIX_SPAN) {
		m->sent /= 2;
		m->read /= 2;
	}
}

/* The switch point for a ring whose own is base (nscap_ring_slots_room):
 * base times the packets counted for each one read (none read: as if one
 * were), rounded up, at least base, at most NSCAP_WATCH_ROOM_MAX. */
static inline uint32_t nscap_watch_mix_room(const struct nscap_watch_mix *m,
					    uint32_t base)
{
	uint64_t room;

	if (m->sent <= m->read)
		return base;
	/* rounded up: a ring of a few slots gains one at the first packet
	 * that the filter drops now and then */
	room = ((uint64_t)base * m->sent + (m->read ? m->read : 1) - 1) /
	       (m->read ? m->read : 1);
	return room > NSCAP_WATCH_ROOM_MAX ? NSCAP_WATCH_ROOM_MAX
					   : (uint32_t)room;
}

/*
 * Microseconds to let packets gather before the next wake-up in immediate
 * mode, after one that read last packets, rate packets a second coming in,
 * into a ring of ring_bytes with snapshot length snaplen. A few packets: 0
 * (read the next at once). More: 4 us a packet, at most 1 ms, and never
 * longer than it takes the traffic to fill a quarter of the ring's slots.
 * In immediate mode (TPACKET_V2) libpcap gives every packet a slot of the
 * snapshot length (plus a header) on a link with offloads, whatever the
 * packet's size: the ring holds nscap_ring_immediate_slots packets.
 */
uint64_t nscap_ring_gather_us(uint64_t last, uint64_t rate, size_t ring_bytes,
			      int snaplen);

/*
 * Gears, for a handle in immediate mode that has a block-mode twin (see
 * handle.h): which of its two rings new packets go to.
 *
 * LIGHT: the immediate ring, one wake-up per packet (lowest latency).
 * BULK: the block ring, one wake-up per block (full, or after its timeout of
 *   NSCAP_GEAR_BULK_TIMEOUT_MS), tens of nanoseconds a packet.
 * SETTLE: back to the immediate ring, but what the block ring still holds
 *   is older: the immediate ring is not read until the block ring's last
 *   block has timed out (NSCAP_GEAR_SETTLE_NS), so packets stay in order.
 *   The fanout program watches it meanwhile, and a burst goes on to the
 *   block ring; the immediate ring is then read before the block ring's
 *   first newer packet (nscap_handle_merging in handle.h).
 * HOLD: still the block ring, after a first quiet wake-up, for
 *   NSCAP_GEAR_HOLD_NS before going down (see below).
 *
 * Up: a wake-up that found at least NSCAP_GEAR_UP_PACKETS in the immediate
 * ring (the reader is falling behind one wake-up a packet), or at least
 * NSCAP_GEAR_UP_BURST that came at NSCAP_GEAR_UP_PPS or more since the
 * wake-up before (a stream's reader competes with nscap for the CPU, so a
 * wake-up may take only a few packets each time while the ring fills).
 * Down: fewer than NSCAP_GEAR_DOWN_PPS packets a second over a window of
 * NSCAP_GEAR_WINDOW_NS in BULK, with no wake-up of NSCAP_GEAR_UP_PACKETS or
 * more in it; or, from the start in BULK, a first wake-up with fewer than
 * NSCAP_GEAR_UP_PACKETS (a flow already running fills a block first; with
 * nothing coming, the read loop's own first wake-up soon after the start,
 * so that the first packets find the immediate ring). In BULK light traffic
 * waits for its block's timeout, 1 to 2 ms.
 * Hold: a flood's first packet can lead the rest by some 200 us (measured:
 * docs/BENCHMARKS.md, experiment 17), so the first wake-up may look quiet
 * while a burst is on its way. When the immediate ring is already open at
 * the start (hold set: it was opened before a privilege drop), going down
 * at once put such bursts into its few slots; the handle first holds on the
 * block ring for NSCAP_GEAR_HOLD_NS, and a busy wake-up meanwhile makes it
 * BULK. As root the ring is opened only then, which takes as long or longer
 * and is cancelled the same way.
 *
 * The twin's block timeout has a cost even when no packet comes: the kernel
 * runs its retire timer every timeout for as long as the ring exists, empty
 * or not (tests/integration/t_kernel_rings.sh). On Linux 6.18, whose
 * retire timer is a high-resolution timer, `make bench` ("idle") counted
 * 1,060 local timer interrupts a second on the machine with a streaming
 * nscap and no traffic, against 60 with no capture and 56 with tcpdump;
 * kernels whose retire timer runs on jiffies fire it at most HZ times a
 * second. Each twin has its timer: so the timeout grows with the number of
 * interfaces streamed (nscap_gear_bulk_timeout_ms), keeping their timers
 * together near a thousand wake-ups a second. A longer timeout costs
 * start-up (the first packets wait on the twin) and latency in BULK: one
 * interface keeps 1 ms.
 */
#define NSCAP_GEAR_BULK_TIMEOUT_MS 1
#define NSCAP_GEAR_BULK_TIMEOUT_MAX_MS 8
#define NSCAP_GEAR_UP_PACKETS NSCAP_RING_GATHER_MIN
#define NSCAP_GEAR_UP_BURST 4
#define NSCAP_GEAR_UP_PPS 50000u
#define NSCAP_GEAR_DOWN_PPS 5000u
#define NSCAP_GEAR_WINDOW_NS 100000000u
#define NSCAP_GEAR_HOLD_NS (2 * (uint64_t)1000000u)
/* At most this long: the kernel retires a partly filled block within two
 * timeouts (at most NSCAP_GEAR_BULK_TIMEOUT_MAX_MS each), and before its
 * high-resolution retire timer a timeout is rounded up to jiffies: 10 ms
 * at HZ=100. SETTLE mostly ends long before, once the twin is known to be
 * empty. */
#define NSCAP_GEAR_SETTLE_NS (25 * (uint64_t)1000000u)
/* SETTLE may end early once the twin's counters show it has handed over
 * all it accepted; not before this long after the switch: a packet the
 * fanout program sent to the twin just before it is counted only when the
 * kernel has put it in the ring, microseconds later on another CPU (likely
 * why a review's lab saw one packet come out a block timeout late, after
 * newer ones, once in about 1,550 switches). */
#define NSCAP_GEAR_PEEK_NS (200 * (uint64_t)1000u)

/* The twins' block timeout when n interfaces stream at once: 1 ms each,
 * NSCAP_GEAR_BULK_TIMEOUT_MS to NSCAP_GEAR_BULK_TIMEOUT_MAX_MS. */
int nscap_gear_bulk_timeout_ms(size_t n);

enum nscap_gear_kind {
	NSCAP_GEAR_LIGHT,
	NSCAP_GEAR_BULK,
	NSCAP_GEAR_SETTLE,
	NSCAP_GEAR_HOLD
};

/* What the caller must do after nscap_gear_next. */
enum nscap_gear_step {
	NSCAP_GEAR_STAY,
	NSCAP_GEAR_UP,	    /* send new packets to the block ring, then drain
			       the immediate ring */
	NSCAP_GEAR_DOWN,    /* send new packets to the immediate ring */
	NSCAP_GEAR_SETTLED, /* read the immediate ring again */
};

struct nscap_gear {
	uint64_t since_ns; /* the last wake-up with packets (LIGHT), the window
			      began (BULK), the immediate ring may be read
			      again (SETTLE), or the hold ends (HOLD) */
	uint64_t packets;  /* read in the current window */
	uint64_t peek_ns;  /* SETTLE: when the twin may first be checked
			      (nscap_gear_peek); 0 once it has been */
	enum nscap_gear_kind kind;
	bool fresh; /* no wake-up yet since the start */
	bool hold;  /* the first going down holds first (set by the caller
		       after nscap_gear_init) */
};

/* Start in kind (LIGHT or BULK) at now_ns; in BULK, the first wake-up may
 * go down at once (see above). */
void nscap_gear_init(struct nscap_gear *g, uint64_t now_ns,
		     enum nscap_gear_kind kind);

/*
 * After a wake-up at now_ns that read packets (from either ring) of the
 * handle whose gear is g, or a timer: the next gear, in g, and what to do.
 */
enum nscap_gear_step nscap_gear_next(struct nscap_gear *g, uint64_t now_ns,
				     uint64_t packets);

/* BULK at now_ns because traffic is busy: a whole window before going
 * down (unlike a start in BULK). */
void nscap_gear_busy(struct nscap_gear *g, uint64_t now_ns);

/* Begin SETTLE at now_ns: the switch down has taken effect then. */
void nscap_gear_settle(struct nscap_gear *g, uint64_t now_ns);

/* End SETTLE at now_ns, before its time: the twin is known to be empty. */
void nscap_gear_end_settle(struct nscap_gear *g, uint64_t now_ns);

/* In SETTLE at now_ns: may the caller check whether the twin is empty (to
 * end SETTLE early)? Not before NSCAP_GEAR_PEEK_NS after the switch; then
 * at every wake-up. */
bool nscap_gear_peek(struct nscap_gear *g, uint64_t now_ns);

/* SETTLE, HOLD: when to wake up (SETTLE: for its first check, then to end
 * it); UINT64_MAX in the other gears. */
uint64_t nscap_gear_deadline(const struct nscap_gear *g);

#endif
