/*
 * Reading handles into the writer, from the host side: non-blocking
 * pcap_dispatch straight into the writer's buffer (no copy, no hand-off
 * between threads). The poll loop around it is the session's.
 */
#ifndef NSCAP_LOOP_H
#define NSCAP_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "nscap/handle.h"
#include "nscap/writer.h"

/* Where packets go: the session's write (which may rotate files first). */
struct nscap_sink {
	/* a packet of handle from, as from->iface: 0, or a negative errno
	 * that ends the dispatch (err set). The handle, not its number: a
	 * new file numbers its interfaces anew (one that ended has none) */
	int (*write)(void *ctx, const struct nscap_handle *from,
		     const struct pcap_pkthdr *h, const unsigned char *data,
		     char *err);
	void *ctx;
};

/*
 * Read at most max packets (max > 0) that h holds into the sink, as
 * h->iface: from its immediate ring, or with bulk from its twin. A twin
 * that merges (nscap_handle_merging) hands over the immediate ring's
 * packets too, before its first newer one: those count against left, what
 * -c leaves (at least max; UINT64_MAX: no limit), not against max, so that
 * they are never cut short. h->captured counts every packet handed to the
 * sink (written or counted lost by the writer), except one the sink refused
 * with -ECANCELED, and a twin packet that -c left no place for behind the
 * immediate ring's (read, not written). Returns how many, or: -EPIPE (the
 * reader went away), -ENETDOWN (the handle failed: its interface went down
 * or away; err has libpcap's words), or another negative errno from the
 * writer with err set.
 */
int nscap_loop_dispatch(struct nscap_handle *h, bool bulk,
			const struct nscap_sink *sink, int max, uint64_t left,
			char *err);

/* How long and on what terms nscap_loop_wait_pending waits. */
struct nscap_wait {
	int64_t deadline_ms;		   /* CLOCK_MONOTONIC ms */
	const sigset_t *waitmask;	   /* let through while waiting */
	const volatile sig_atomic_t *stop; /* counts SIGINT and SIGTERM */
	/* the count already acted on, and until when (CLOCK_MONOTONIC ms) a
	 * stop signal is the same stop again (timeout(1) sends SIGINT to
	 * nscap, then to its group): the caller's own, read at each check,
	 * since a writer waiting on a stalled reader may move them on */
	sig_atomic_t *seen;
	int64_t *dup_until_ms;
};

/* How long after a first stop signal the same signal again counts as that
 * stop (timeout(1) sends SIGINT to nscap, then to its group) */
#define NSCAP_STOP_DUP_MS 200

/* A stop signal, as nscap_loop_take_stop sees it. */
enum nscap_stop {
	NSCAP_STOP_NONE,   /* none since the last one taken */
	NSCAP_STOP_FIRST,  /* the first: stop cleanly */
	NSCAP_STOP_AGAIN,  /* the first again, within NSCAP_STOP_DUP_MS */
	NSCAP_STOP_SECOND, /* a second, after it: stop at once */
};

/*
 * Take the stop count *stop against *seen, the count already taken: FIRST
 * (*seen was 0) sets *seen and *dup_until_ms (CLOCK_MONOTONIC ms, now plus
 * NSCAP_STOP_DUP_MS); AGAIN sets *seen; SECOND leaves both. The one place
 * that tells these apart: the loop, the writer's wait on a full pipe and
 * the drain at a stop all take stops through it.
 */
enum nscap_stop nscap_loop_take_stop(const volatile sig_atomic_t *stop,
				     sig_atomic_t *seen, int64_t *dup_until_ms);

/*
 * Has a second stop signal come, one that is not the first again? A first
 * (*seen is 0) is the loop's to take; one within the duplicate window is
 * recorded in *seen as the same stop.
 */
bool nscap_loop_new_stop(const struct nscap_wait *wt);

/*
 * Wait until wt->deadline_ms for h to hand over what the kernel has
 * accepted but still holds (a TPACKET_V3 block is handed over when full or
 * when its timeout expires), until h->captured reaches want, taking at most
 * max packets; from both rings of a handle with a twin. Past the deadline
 * (at the call too), what is ready is still taken, without waiting. Returns the
 * packets taken; -EINTR when a new stop signal came (the caller stops waiting
 * for other handles too); or a negative errno as nscap_loop_dispatch.
 */
int nscap_loop_wait_pending(struct nscap_handle *h,
			    const struct nscap_sink *sink, uint64_t want,
			    uint64_t max, const struct nscap_wait *wt,
			    char *err);

/* CLOCK_MONOTONIC in ms. */
int64_t nscap_loop_now_ms(void);

#endif
