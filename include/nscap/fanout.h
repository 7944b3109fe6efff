/*
 * Packet fanout: two packet sockets on one interface in one group, where a
 * small eBPF program sends each packet to the member that a one-entry BPF
 * array map names. Used by handle.c for a handle and its block-mode twin.
 * Every call returns a file descriptor or 0, or -1 with errno set.
 */
#ifndef NSCAP_FANOUT_H
#define NSCAP_FANOUT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The map's one value. member: 0 (the twin) or 1 (the immediate ring), the
 * member the program chooses (first in the value: nscap stores it through
 * the mapped map as a uint32_t); NSCAP_FANOUT_WATCH: the immediate ring,
 * and the program watches for a burst: NSCAP_FANOUT_BURST_PACKETS packets
 * that came less than NSCAP_FANOUT_BURST_NS after the first of their run
 * (160,000 a second; the immediate ring's 31 or so slots last about 100 us
 * at twice that), whereupon it stores 0 and chooses the twin itself,
 * within microseconds, where nscap, woken by the burst's first packet,
 * would switch too late. The kernel runs the program before the socket's
 * filter: it counts every packet on the interface, those the capture
 * filter drops too. count and start_ns are the program's own.
 *
 * With NSCAP_FANOUT_WATCH the program also keeps the immediate ring from
 * overflowing while nscap is held up (a reader that does not keep up, a
 * busy CPU): it counts the packets that come while the immediate ring is
 * chosen (sent; while nscap settles too), nscap stores in ack the count it
 * has read up to, and when room are unread the program stores 0 and
 * chooses the twin for the next. The immediate ring's slots are few (one
 * per packet: 32 for 2 MiB, a 128 KiB block each, 4 MiB mapped, as
 * libpcap rounds up), 16 ms at 2,000 packets a second; the twin's blocks
 * (64 of 256 KiB in 16 MiB), each handed over at its timeout with what it
 * holds, last 64 timeouts (64 ms for one interface) however light the
 * traffic. A switch keeps the order: nscap empties the immediate ring
 * before it reads the twin. Packets that the capture filter drops are
 * counted too: nscap sets room by how many the program counts for each
 * one it reads (nscap_watch_mix_room in ring.h). room 0: no such watch.
 */
struct nscap_fanout_value {
	uint32_t member;
	uint32_t count;
	uint64_t start_ns;
	uint32_t sent; /* the program's, sent to the immediate ring */
	uint32_t ack;  /* nscap's: of sent, read from the ring up to here */
	uint32_t room; /* nscap's: unread packets that make the switch */
	uint32_t pad;
};

#define NSCAP_FANOUT_WATCH 2
#define NSCAP_FANOUT_BURST_PACKETS 16
#define NSCAP_FANOUT_BURST_NS 100000

/* Join socket fd to fanout group id, chosen by an eBPF program; flags may
 * ask for a new group with an id the kernel picks
 * (PACKET_FANOUT_FLAG_UNIQUEID). */
int nscap_fanout_join(int fd, unsigned int id, unsigned int flags);

/* A map holding the member to choose, 0 at first; *mem is its value
 * mapped into memory, or NULL where the kernel cannot map it. */
int nscap_fanout_map(uint32_t **mem);

/* Unmap what nscap_fanout_map mapped; accepts NULL. */
void nscap_fanout_unmap(uint32_t *mem);

/* Load the program that returns the member map holds, and with watch
 * switches to the twin on a burst (see struct nscap_fanout_value). */
int nscap_fanout_load(int map, bool watch);

/* Make program prog choose for fd's group (once: replacing a program waits
 * for an RCU grace period). */
int nscap_fanout_attach(int fd, int prog);

/* From the next packet on, choose member: a store to mem, or a map update
 * where it is NULL (which kernels before 6.5 refuse to a process without
 * CAP_BPF when unprivileged BPF is off). */
int nscap_fanout_choose(int map, uint32_t *mem, unsigned int member);

#endif
