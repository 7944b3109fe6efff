/*
 * Packet fanout: two packet sockets on one interface in one group, where a
 * small eBPF program chooses which of them each packet goes to. Used by
 * handle.c for a handle and its block-mode twin.
 */
#ifndef NSCAP_FANOUT_H
#define NSCAP_FANOUT_H

/* Join socket fd to fanout group id with an eBPF choice; flags may ask for
 * a new group with an id the kernel picks (PACKET_FANOUT_FLAG_UNIQUEID).
 * 0, or -1 with errno set. */
int nscap_fanout_join(int fd, unsigned int id, unsigned int flags);

/* Load the program "return k" (choose member k); its fd, or -1 with errno
 * set. */
int nscap_fanout_load_choice(unsigned int k);

/* Make the program prog choose for fd's group. 0, or -1 with errno set. */
int nscap_fanout_choose(int fd, int prog);

#endif
