/*
 * The host-side read loop: poll(2) over every handle's selectable fd, the
 * target's pidfd and the output, non-blocking dispatch of whatever is ready
 * into the writer. No packet crosses a thread.
 */
#ifndef NSCAP_LOOP_H
#define NSCAP_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nscap/handle.h"
#include "nscap/writer.h"

enum nscap_stop {
	NSCAP_STOP_SIGNAL,	/* SIGINT or SIGTERM */
	NSCAP_STOP_COUNT,	/* -c reached */
	NSCAP_STOP_READER_GONE, /* the reader of the output went away */
	NSCAP_STOP_TARGET_EXITED,
	NSCAP_STOP_IFACE_GONE,
	NSCAP_STOP_ERROR,
};

struct nscap_loop {
	struct nscap_handle **handles;
	size_t nhandles;
	const struct nscap_writer_ops *ops;
	struct nscap_writer *writer;
	uint64_t count; /* stop after this many packets; 0: never */
	int pidfd;	/* readable when the target exits; -1: not watched */
	int outfd;	/* a pipe whose reader may go away; -1: not watched */
	bool flush_each_wakeup; /* -U: nothing waits in a buffer while asleep */
	volatile sig_atomic_t *stop; /* set by the signal handlers */
	const sigset_t *waitmask;    /* signal mask while waiting */
	uint64_t captured;	     /* out: packets written */
	size_t failed;		     /* out: index of the handle that failed */
};

/*
 * Run until a stop condition; *why says which. Returns 0 when the loop
 * stopped on a condition (signal, count, reader gone, target exited) and a
 * negative errno with err set when reading or writing failed. What was
 * written has been flushed when it returns 0 (unless the reader went away).
 */
int nscap_loop_run(struct nscap_loop *l, enum nscap_stop *why, char *err);

/*
 * After a stop, wait up to timeout_ms for handle i to hand over the packets
 * the kernel has already accepted but not yet passed on (a TPACKET_V3 block
 * is handed over when full or when its timeout expires), until the handle
 * has given want packets in all. A signal ends the wait. Returns 0, or a
 * negative errno with err set as nscap_loop_run.
 */
int nscap_loop_drain(struct nscap_loop *l, size_t i, uint64_t want,
		     int timeout_ms, char *err);

#endif
