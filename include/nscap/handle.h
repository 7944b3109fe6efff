/*
 * Capture handles: created, activated and given their filter inside the
 * target's namespace thread; read from the host side. A packet socket stays
 * in the namespace it was created in, so reading it from another thread
 * captures the target's traffic.
 */
#ifndef NSCAP_HANDLE_H
#define NSCAP_HANDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>

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

/*
 * With a twin (bulk), the two packet sockets form one PACKET_FANOUT_EBPF
 * group: each packet goes to exactly one of them, the one a two-instruction
 * program names. Switching is one setsockopt, with no packet seen twice or
 * missed. The twin captures from the start (see nscap_handle_prime).
 */
struct nscap_handle {
	pcap_t *pcap; /* immediate mode when there is a twin */
	pcap_t *bulk; /* the block-mode twin, or NULL */
	char *device;
	int fd;	       /* selectable fd, for poll(2) */
	int bulk_fd;   /* the twin's, or -1 */
	int choice[2]; /* eBPF programs sending packets to the twin [0] or
			  the immediate ring [1]; -1 without a twin */
	uint64_t skip; /* the immediate ring's first packets: copies */
	int linktype;  /* DLT_* */
	int snaplen;
	bool nano;	    /* timestamps in pcap_pkthdr are nanoseconds */
	uint64_t captured;  /* packets the read loop took from this handle */
	unsigned int iface; /* the writer's number for this interface */
	uint64_t file_base; /* captured when the current file began */
	size_t owner;	    /* the session's target that opened it */
	int ifindex;	    /* in its namespace; 0 for "any" */
	struct nscap_gear gear; /* which ring the read loop reads (twin) */
	bool primed;		/* skip is known (nscap_handle_prime) */
};

/*
 * Create, activate, filter and make non-blocking a handle in ns. Returns 0
 * and *out, or a negative errno with err set (-ENODEV: no such interface,
 * -EPERM: not allowed, -EINVAL: bad filter expression).
 */
int nscap_handle_open(struct nscap_ns *ns,
		      const struct nscap_handle_config *cfg,
		      struct nscap_handle **out, char *err);

/*
 * The handle's counters, read in ns: libpcap reads interface drop counters
 * from /sys/class/net/NAME, which only the namespace thread sees correctly.
 * With a twin, the sum of both sockets' counters.
 */
int nscap_handle_stats(struct nscap_ns *ns, struct nscap_handle *h,
		       struct pcap_stat *st, char *err);

/*
 * Count, once, what h's immediate ring took on its own between its
 * activation and joining the twin's group (copies of packets the twin has):
 * h->skip, which the reader drops. Before this the immediate ring is not
 * read, nor counted in the statistics. Needs no namespace (socket options),
 * so it runs on the calling thread. 0, or a negative errno with err set.
 */
int nscap_handle_prime(struct nscap_handle *h, char *err);

/*
 * Send h's new packets to its twin (bulk) or to its immediate ring, priming
 * first. Runs on the calling thread. 0, or a negative errno with err set.
 */
int nscap_handle_shift(struct nscap_handle *h, bool bulk, char *err);

/* Close h in ns; accepts NULL. */
void nscap_handle_close(struct nscap_ns *ns, struct nscap_handle *h);

#endif
