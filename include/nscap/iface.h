/*
 * Interfaces of a target's network namespace: listed inside the namespace,
 * then chosen on the host side by pure functions.
 */
#ifndef NSCAP_IFACE_H
#define NSCAP_IFACE_H

#include <stdbool.h>
#include <stddef.h>

#include "nscap/ns.h"

struct nscap_iface {
	char *name;
	char *description;  /* libpcap's, or NULL */
	char *addrs;	    /* "198.51.100.1/24 fe80::1/64", or NULL */
	unsigned int flags; /* PCAP_IF_* */
	bool any;	    /* the namespace's own "any" pseudo-device */
	int ifindex;	    /* in its namespace; 0 for "any" */
	int linktype;	    /* DLT_*, or -1 until nscap_iface_linktypes */
};

struct nscap_iface_list {
	struct nscap_iface *v;
	size_t n;
};

/*
 * List the capture devices of the namespace, in libpcap's order, without the
 * pseudo-devices that are not per network namespace (nflog, nfqueue, dbus,
 * bluetooth, usbmon). Returns 0 or a negative errno with err set.
 */
int nscap_iface_list(struct nscap_ns *ns, struct nscap_iface_list *out,
		     char *err);

/*
 * nscap_iface_list in the background, for a caller that goes on reading:
 * the listing waits for the kernel's lock on links, which a link being
 * deleted holds while it unregisters. *posted: it runs (nscap_ns_done_fd
 * becomes readable when it has), and nscap_iface_list_finish waits for it
 * and returns what it returned; out and err must live until then. Else ns
 * ran another's posted call, and the listing was made at once: its result
 * is returned.
 */
int nscap_iface_list_start(struct nscap_ns *ns, struct nscap_iface_list *out,
			   bool *posted, char *err);
int nscap_iface_list_finish(struct nscap_ns *ns);

/*
 * Fill in the link type of each interface that can be activated (a handle
 * is opened and closed for each, as "tcpdump -L" does). For -D; errors
 * leave linktype at -1. Returns 0 or a negative errno with err set.
 */
int nscap_iface_linktypes(struct nscap_ns *ns, struct nscap_iface_list *l,
			  char *err);

/*
 * The interfaces that the -i arguments req (none: the default) select from
 * l, into sel (l->n entries at most, no duplicates): names, -D numbers,
 * "any", and "all" (every interface that is up, except "any"; *all is set).
 * Returns 0, or -ENODEV with err set naming the interfaces that are there.
 * label names the namespace in messages ("pid 42").
 */
int nscap_iface_select(const struct nscap_iface_list *l, const char *const *req,
		       size_t nreq, const char *label,
		       const struct nscap_iface **sel, size_t *nsel, bool *all,
		       char *err);

/*
 * Keep the entries of in that are capture devices of the namespace: those
 * named in known (the namespace's network devices) and "any". Pure; used by
 * nscap_iface_list. Returns 0 or -ENOMEM.
 */
int nscap_iface_filter(struct nscap_iface_list *list, const char *const *known,
		       size_t nknown);

/* Release the list; accepts an empty or zeroed list. */
void nscap_iface_list_free(struct nscap_iface_list *l);

/*
 * The interface tcpdump would pick: the first that is up and not loopback
 * (and not "any"). NULL if there is none.
 */
const struct nscap_iface *nscap_iface_default(const struct nscap_iface_list *l);

/*
 * The interface called name, or, if there is none and name is a number N,
 * the Nth of the list as -D numbers them. NULL if neither.
 */
const struct nscap_iface *nscap_iface_lookup(const struct nscap_iface_list *l,
					     const char *name);

/*
 * Write "eth0, lo, any" into buf (truncated with "..." if too long), each
 * control byte a '?' (nscap_text_tame). Returns buf.
 */
char *nscap_iface_names(const struct nscap_iface_list *l, char *buf,
			size_t len);

/* Write a -D line for i, numbered n, as tcpdump does ("1.eth0 [Up, ...]"). */
char *nscap_iface_describe(const struct nscap_iface *i, size_t n, char *buf,
			   size_t len);

#endif
