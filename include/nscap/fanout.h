/*
 * Packet fanout: two packet sockets on one interface in one group, where a
 * small eBPF program sends each packet to the member that a one-entry BPF
 * array map names. Used by handle.c for a handle and its block-mode twin.
 * Every call returns a file descriptor or 0, or -1 with errno set.
 */
#ifndef NSCAP_FANOUT_H
#define NSCAP_FANOUT_H

#include <stdint.h>

/* Join socket fd to fanout group id, chosen by an eBPF program; flags may
 * ask for a new group with an id the kernel picks
 * (PACKET_FANOUT_FLAG_UNIQUEID). */
int nscap_fanout_join(int fd, unsigned int id, unsigned int flags);

/* A map holding the member to choose, 0 at first; *mem is its value
 * mapped into memory, or NULL where the kernel cannot map it. */
int nscap_fanout_map(uint32_t **mem);

/* Unmap what nscap_fanout_map mapped; accepts NULL. */
void nscap_fanout_unmap(uint32_t *mem);

/* Load the program that returns the member map holds. */
int nscap_fanout_load(int map);

/* Make program prog choose for fd's group (once: replacing a program waits
 * for an RCU grace period). */
int nscap_fanout_attach(int fd, int prog);

/* From the next packet on, choose member: a store to mem, or a map update
 * where it is NULL (which kernels before 6.5 refuse to a process without
 * CAP_BPF when unprivileged BPF is off). */
int nscap_fanout_choose(int map, uint32_t *mem, unsigned int member);

#endif
