/*
 * Capture handles: created, activated and given their filter inside the
 * target's namespace thread; read from the host side. A packet socket stays
 * in the namespace it was created in, so reading it from another thread
 * captures the target's traffic. An error message (err) names the
 * interface with each control byte a '?' (nscap_text_tame): the namespace
 * names it, and the message goes to a terminal.
 */
#ifndef NSCAP_HANDLE_H
#define NSCAP_HANDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>

#include "nscap/err.h"
#include "nscap/ns.h"
#include "nscap/ring.h"

struct nscap_handle_config {
	const char *device;
	int snaplen;
	bool promisc;
	size_t buffer_bytes; /* kernel ring; 0: libpcap's default */
	bool immediate;
	int timeout_ms;	    /* how long a block may wait for more packets */
	const char *filter; /* NULL or "": no filter */
	/* immediate mode: also open a block-mode twin with this ring (0:
	 * none), whose blocks time out after bulk_timeout_ms */
	size_t bulk_bytes;
	int bulk_timeout_ms;
};

/* A handle's counters, 64 bits wide. */
struct nscap_counts {
	uint64_t received;  /* received by filter (dropped ones too) */
	uint64_t dropped;   /* dropped by kernel */
	uint64_t ifdropped; /* dropped by interface (promiscuous only) */
};

/*
 * libpcap's counters (struct pcap_stat) are u_int: libpcap sums the
 * kernel's into them, and they wrap after 2^32 packets (72 minutes at a
 * million a second). nscap widens them: each read adds what they grew by
 * since the last, modulo 2^32, which is right as long as fewer than 2^32
 * packets pass between two reads (the session reads at least once a
 * minute: nscap_handle_stats); the interface's drops may also go back.
 */
struct nscap_lib_counts {
	struct pcap_stat last; /* libpcap's counters when last read */
	struct nscap_counts total;
};

static inline void nscap_lib_counts_add(struct nscap_lib_counts *c,
					const struct pcap_stat *now)
{
	u_int back = c->last.ps_ifdrop - now->ps_ifdrop;

	c->total.received += (u_int)(now->ps_recv - c->last.ps_recv);
	c->total.dropped += (u_int)(now->ps_drop - c->last.ps_drop);
	/* libpcap adds the change in the interface's sysfs counter, which
	 * reads 0 while the interface is renamed away: then it goes back, and
	 * forth again once the name returns */
	if (back != 0 && back < 0x80000000u)
		c->total.ifdropped -= back;
	else
		c->total.ifdropped +=
			(u_int)(now->ps_ifdrop - c->last.ps_ifdrop);
	c->last = *now;
}

/*
 * Where a ring's capture begins (a twin's, or a handle's one ring; an
 * immediate ring beside a twin drops what it took before it joined the
 * twin's group: discard_copies in handle.c). libpcap's pcap_setfilter puts
 * a filter that takes nothing on the socket first (its "total filter",
 * while it drains the socket's queue), then the one asked for: a packet
 * that comes between the two is neither taken nor counted, while those
 * before are in the ring already. Under -i all with a filter, open threads
 * busy clearing ring pages held that window open for milliseconds, and a
 * 1,000/s flow lost one or two packets just after its first (a lab: 9 of
 * 45 starts, none of 45 without a filter; t_many_ifaces' start-up). So
 * where a filter was put, a ring's capture begins once it is in place: its
 * kernel counters are read (and so reset) between two stamps, before_ns
 * and after_ns. The kernel counts a packet, then stamps it: one stamped
 * before before_ns (and after the ring was set up: a clock stepped back
 * ends this) was counted before the reset and is left out as it is read,
 * at most as many as the reset took; one stamped between the two marks
 * may have been counted either side, and is kept as "unsure", which a
 * wait for what the counters promise adds (take_pending in session.c:
 * better wait than leave one behind). The first packet stamped after
 * after_ns ends the check. A stamp taken before the kernel counts (where
 * the host asks for receive stamps, one at the backlog) can leave out a
 * packet counted after the reset: the wait for it then runs to its
 * deadline.
 */
struct nscap_ring_begin {
	uint64_t opened_ns, before_ns, after_ns; /* CLOCK_REALTIME */
	uint64_t left;				 /* at most this many more */
	uint64_t unsure;			 /* kept, between the marks */
	bool on;				 /* still checking */
};

/* Is a packet stamped ts_ns (nanoseconds) from before b's capture began,
 * so left out? */
static inline bool nscap_ring_before(struct nscap_ring_begin *b, uint64_t ts_ns)
{
	if (ts_ns >= b->opened_ns && ts_ns < b->before_ns && b->left) {
		b->left--;
		return true;
	}
	if (ts_ns >= b->before_ns && ts_ns < b->after_ns)
		b->unsure++;
	else
		b->on = false;
	return false;
}

/*
 * With a twin (bulk), the two packet sockets form one PACKET_FANOUT_EBPF
 * group: each packet goes to exactly one of them, the one a small program
 * reads from a BPF map (capture/fanout.c). Switching is one store to the map,
 * with no packet seen twice or missed. The twin captures from the start
 * (see nscap_handle_open_immediate).
 */
struct nscap_handle {
	pcap_t *pcap; /* immediate mode when there is a twin */
	pcap_t *bulk; /* the block-mode twin, or NULL */
	char *device;
	int fd;		   /* selectable fd, for poll(2) */
	int bulk_fd;	   /* the twin's, or -1 */
	int map_fd;	   /* the fanout map: the member chosen; -1: no twin */
	int prog_fd;	   /* the fanout program reading it */
	uint32_t *map_mem; /* the map's value, mapped; or NULL */
	bool watch;	   /* its program watches for bursts (fanout.h) */
	int linktype;	   /* DLT_* */
	int snaplen;
	bool nano;	    /* timestamps in pcap_pkthdr are nanoseconds */
	uint64_t captured;  /* packets the read loop took from this handle */
	unsigned int iface; /* the writer's number for this interface */
	size_t owner;	    /* the session's target that opened it */
	int ifindex;	    /* in its namespace; 0 for "any" */
	struct nscap_gear gear; /* which ring the read loop reads (twin) */
	struct nscap_handle_config cfg; /* as opened (device: ours) */
	unsigned int group;		/* the twin's fanout group */
	unsigned int group_flags; /* and the flags its members join with */
	/* the twin's totals: packets read from it, and its kernel counters
	 * (read by nscap: twin_count in handle.c), with libpcap's share */
	uint64_t twin_taken, twin_accepted, twin_dropped;
	uint64_t twin_early;	/* accepted before the twin was ready */
	uint64_t twin_since_ns; /* then (CLOCK_REALTIME): taken counts after */
	/* where the rings' captures begin: bulk's, and pcap's without a
	 * twin (nscap_handle_unsure) */
	struct nscap_ring_begin begin, bulk_begin;
	/* libpcap's counters, widened: of pcap and of bulk (the twin's share
	 * of these goes into twin_accepted and twin_dropped at each read) */
	struct nscap_lib_counts lib, lib_bulk;
	bool opening;	     /* the immediate ring is being opened (a job) */
	bool busy_meanwhile; /* a busy wake-up while it was */
	bool stuck;	     /* a switch failed: no more switching */
	bool primed; /* the immediate ring is open, and its copies dropped */
	/* set at a watched switch down, read while SETTLE lasts: before the
	 * first twin packet stamped after merge_after_ns (CLOCK_REALTIME
	 * ns), the immediate ring's (nscap_handle_merging) */
	bool merge;
	uint64_t merge_after_ns;
	/* the fanout program's watch (fanout.h): its count at nscap's last
	 * read, and how many it counts for each packet nscap reads */
	uint32_t acked;
	struct nscap_watch_mix mix;
	char job_err[NSCAP_ERRBUF];
};

/*
 * "any" in Linux cooked v2 (LINUX_SLL2), as tcpdump 4.99 takes it: its
 * header holds the interface's index, which a filter can then read in
 * userland too (see without_lo_out in handle.c). Where libpcap refuses it,
 * v1 stays, and there lo's packets are held and counted twice on "any".
 * libpcap does not put back a VLAN tag the kernel took off into a v2
 * header (libpcap issue 1105; tcpdump 4.99's "any" the same). Call after
 * pcap_activate, before the filter.
 */
void nscap_handle_cooked_v2(pcap_t *p);

/*
 * A handle to create, activate, filter and make non-blocking in a
 * namespace, one of several opened at once (struct nscap_handle_batch).
 * ret: 0 and h, or a negative errno with err set (-ENODEV: no such
 * interface, -EPERM: not allowed, -EBADMSG: a filter expression libpcap
 * cannot compile for the interface's link type, -EINVAL: it cannot be
 * opened otherwise, as when libpcap cannot set the filter).
 */
struct nscap_handle_job {
	struct nscap_handle_config cfg; /* in (cfg.device: the caller's) */
	struct nscap_handle *h;		/* out: the handle, or NULL */
	int ret;
	char err[NSCAP_ERRBUF];
};

/*
 * Handles opened in one namespace all at once, in threads of the namespace
 * thread (at most NSCAP_HANDLE_OPEN_THREADS at a time). Most of an open is the
 * kernel's wait for an RCU grace period (see open_pcap in handle.c), and
 * concurrent opens share one: a bare libpcap opener took 14 to 27 ms for 18
 * interfaces at once, against 216 to 233 ms one after another; meanwhile the
 * first twins fill unread (t_many_ifaces.sh).
 *
 * Their CPU goes to clearing the rings' pages, which on these virtual
 * machines costs 3.4 to 4.6 ms a MiB when the host has taken the memory back
 * (virtio-balloon free page reporting), 0.2 ms when the kernel reuses pages
 * just freed. Eighty opens beside a capture held both CPUs in the kernel
 * 4 ms at a time (clear_page_erms, 54 % of nscap's samples), and the read
 * loop waited on the run queue up to 90 ms (/proc/thread-self/schedstat).
 * The open threads at nice 19 or SCHED_IDLE, 32 of them or one or four, did
 * not stop that (the kernel: PREEMPT_NONE, 250 Hz); a CPU left to the loop
 * did, mostly (spare_cpu in src/session.c).
 */
struct nscap_handle_batch {
	struct nscap_handle_job *jobs;
	size_t n;
	bool posted;		/* running in the background */
	char err[NSCAP_ERRBUF]; /* the post's own */
};
#define NSCAP_HANDLE_OPEN_THREADS 32
/* Closes at once, at most (nscap_handle_close_all_later): the 162 handles
 * of a stream over eighty veth pairs, eth0 and lo were closed 144 to 165 ms
 * after SIGINT with 128, 339 to 444 ms with 32 (a lab, six runs each).
 * Opens gained too little past 32 to keep a light flow from losing packets
 * when forty pairs appeared at once. */
#define NSCAP_HANDLE_CLOSE_THREADS 128

/*
 * Start b's opens in ns: in the background when ns has no posted call under
 * way, else they are done when this returns. Either way
 * nscap_handle_batch_finish follows, after which each job holds its result.
 */
void nscap_handle_batch_start(struct nscap_ns *ns,
			      struct nscap_handle_batch *b);
void nscap_handle_batch_finish(struct nscap_ns *ns,
			       struct nscap_handle_batch *b);

/*
 * The handle's counters since it was opened, read in ns: libpcap reads
 * interface drop counters from /sys/class/net/NAME, which only the
 * namespace thread sees correctly. With a twin, the sum of both sockets'
 * counters. Waits for a call posted to ns (nscap_handle_open_post).
 */
int nscap_handle_stats(struct nscap_ns *ns, struct nscap_handle *h,
		       struct nscap_counts *st, char *err);

/*
 * The same counters read on the calling thread, without the namespace
 * thread: the sockets' kernel counters, and the interface's drops as
 * nscap_handle_stats last read them. Where only packets count (what a ring
 * still holds, the counters at SIGUSR1 or once a minute), and for an
 * interface that is gone, whose sysfs is gone too (libpcap would read its
 * drops as 0 there). The namespace thread may be busy for a while: under
 * -i all with eight pairs made and deleted every 0.1 s, the read loop
 * waited up to 95 ms for it at each interface that went, and a light flow
 * on another lost packets. Also while h's immediate ring is being opened
 * (nscap_handle_open_post): the twin's then.
 */
int nscap_handle_stats_here(struct nscap_handle *h, struct nscap_counts *st,
			    char *err);

/*
 * With a twin, the immediate ring is opened only when first switched to
 * (nscap_handle_open_post), or now, with this (before dropping privileges,
 * which opening needs). Either way, what it took on its own before joining
 * the twin's group (copies of the twin's packets) is read and dropped, and
 * it is then primed: read, and counted in the statistics. 0, or a negative
 * errno with err set.
 */
int nscap_handle_open_immediate(struct nscap_ns *ns, struct nscap_handle *h,
				char *err);

/*
 * Send h's new packets to its twin (up) or to its immediate ring (down,
 * once primed), from the next packet on: a change of the fanout map, from the
 * calling thread. Down, the fanout program watches where it can: it sends
 * h's packets to the twin by itself at the first sign of a burst
 * (capture/fanout.h), as nscap, woken by its first packet, would too late
 * for the immediate ring's few slots, or when half of them are unread (as
 * while nscap settles and reads only the twin: see merge). Has it? Then
 * nscap_handle_kernel_up. 0, or a negative errno with err set.
 */
int nscap_handle_up(struct nscap_handle *h, char *err);
int nscap_handle_down(struct nscap_handle *h, char *err);
bool nscap_handle_kernel_up(const struct nscap_handle *h);

/*
 * Settling after a watched switch down (SETTLE), h's twin holds the packets
 * from before the switch, and, once the program has sent a burst there, the
 * newer ones after it: a twin packet stamped after h->merge_after_ns waits
 * for the immediate ring's packets to go first (nscap_loop_dispatch). Once
 * that has happened with the program switched, h->merge is off: up. The
 * kernel stamps a packet as it takes it, after the program chose its ring;
 * where something on the host asks for receive stamps (SO_TIMESTAMP), a
 * packet is stamped as it enters the backlog, before: one that waited
 * there across the switch and was sent to the twin after the program's
 * own can be stamped before the mark and go before the immediate ring's
 * (a burst must begin within that wait of a quiet switch).
 */
static inline bool nscap_handle_merging(const struct nscap_handle *h)
{
	return h->merge && h->gear.kind == NSCAP_GEAR_SETTLE;
}

/*
 * What the program counts as unread in the immediate ring: take
 * nscap_handle_sent before a read of it, and pass it to nscap_handle_ack
 * with the packets read once the read has left the ring empty (0 and
 * nothing, unwatched). The switch point learns from the two
 * (nscap_watch_mix_room).
 */
uint32_t nscap_handle_sent(const struct nscap_handle *h);
void nscap_handle_ack(struct nscap_handle *h, uint32_t sent, uint64_t read);

/*
 * An interface that goes down and then away: the socket reports the down
 * (libpcap notes it and asks to be polled again, 1 ms later, to see
 * whether the interface still exists: pcap_get_required_select_timeout),
 * and nothing at all at the delete, so a read loop that waits for the
 * socket waits for ever. nscap_handle_netdown: libpcap has seen h's
 * interface go down. nscap_handle_iface_gone: the socket lost its
 * interface (deleted, or moved to another namespace, even if it is back
 * by now), asked of h's own socket, so from any thread. libpcap clears
 * its flag only when it waits on an empty ring, which nscap's non-blocking
 * reads never do: after a down and up, the probe goes on once a second.
 */
bool nscap_handle_netdown(const struct nscap_handle *h);
bool nscap_handle_iface_gone(const struct nscap_handle *h);

/*
 * Open h's immediate ring, left for later, in the namespace thread without
 * waiting (setting up a ring waits milliseconds for the kernel, and the twin
 * goes on capturing meanwhile). 0; -EBUSY when another call runs in ns (try
 * later); or a negative errno with err set.
 */
int nscap_handle_open_post(struct nscap_ns *ns, struct nscap_handle *h,
			   char *err);

/*
 * If that open has finished (with wait: once it has): 1, and h's immediate
 * ring is open and primed; or a negative errno with err set. 0 when none is
 * under way or (without wait) it still runs.
 */
int nscap_handle_open_reap(struct nscap_ns *ns, struct nscap_handle *h,
			   bool wait, char *err);

/*
 * Has h's twin handed over every packet it accepted (its kernel counters
 * against what was read from it)? Then a block it still fills holds
 * nothing: SETTLE can end. Runs on the calling thread.
 */
bool nscap_handle_twin_empty(struct nscap_handle *h);

/* Which of h's rings holds the older packets, to be read first: the
 * twin, except in LIGHT (see nscap_gear_next). */
bool nscap_handle_twin_first(const struct nscap_handle *h);

/* Packets h's rings handed over that their counters may not count (struct
 * nscap_ring_begin): a wait for what the counters promise adds them. */
static inline uint64_t nscap_handle_unsure(const struct nscap_handle *h)
{
	return h->begin.unsure + h->bulk_begin.unsure;
}

/* A packet's time stamp as libpcap gave it, in nanoseconds since the epoch
 * (nano: the handle's precision). */
static inline uint64_t nscap_pkt_ns(const struct pcap_pkthdr *p, bool nano)
{
	return (uint64_t)p->ts.tv_sec * 1000000000u +
	       (uint64_t)p->ts.tv_usec * (nano ? 1u : 1000u);
}

/* Close h in ns; accepts NULL. */
void nscap_handle_close(struct nscap_ns *ns, struct nscap_handle *h);

/*
 * Close h in ns without waiting: h is no longer the caller's. Closing a
 * packet socket waits for an RCU grace period (tens of milliseconds here,
 * two sockets with a twin), which the read loop must not spend blocked
 * while other rings fill. nscap_ns_stop waits for it. Closes handed over
 * while others are being closed are closed together next, their grace
 * periods overlapping (nscap_ns_defer_many): one after another, under -i
 * all with interfaces coming and going every 0.1 s, they fell 12 to 23 s
 * behind, and new interfaces were refused for want of file descriptors.
 * Closes at once when it cannot be handed over (no memory). A call posted
 * for h (nscap_handle_open_post) must have been reaped first. Accepts
 * NULL.
 */
void nscap_handle_close_later(struct nscap_ns *ns, struct nscap_handle *h);

/*
 * nscap_handle_close_later for hs[0..n) (NULL entries too; hs itself stays
 * the caller's), closed all at once, as a batch opens (struct
 * nscap_handle_batch): the grace periods overlap. One after another, the
 * 38 rings of 19 interfaces took 1.1 s to close, and nscap as long to end.
 */
void nscap_handle_close_all_later(struct nscap_ns *ns, struct nscap_handle **hs,
				  size_t n);

#endif
