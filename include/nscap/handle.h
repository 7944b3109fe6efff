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

struct nscap_handle_config {
	const char *device;
	int snaplen;
	bool promisc;
	size_t buffer_bytes; /* kernel ring; 0: libpcap's default */
	bool immediate;
	int timeout_ms;	    /* how long a block may wait for more packets */
	const char *filter; /* NULL or "": no filter */
};

struct nscap_handle {
	pcap_t *pcap;
	char *device;
	int fd;	      /* selectable fd, for poll(2) */
	int linktype; /* DLT_* */
	int snaplen;
	bool nano;	    /* timestamps in pcap_pkthdr are nanoseconds */
	uint64_t captured;  /* packets the read loop took from this handle */
	unsigned int iface; /* the writer's number for this interface */
	uint64_t file_base; /* captured when the current file began */
	size_t owner;	    /* the session's target that opened it */
	int ifindex;	    /* in its namespace; 0 for "any" */
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
 */
int nscap_handle_stats(struct nscap_ns *ns, struct nscap_handle *h,
		       struct pcap_stat *st, char *err);

/* Close h in ns; accepts NULL. */
void nscap_handle_close(struct nscap_ns *ns, struct nscap_handle *h);

#endif
