/*
 * Link changes in a target's network namespace, for -i all: an rtnetlink
 * socket created in the namespace thread (so it hears that namespace),
 * polled by the host-side loop. It is only a doorbell: on any message but
 * a promiscuity count's (nscap_watch_matters) the loop lists the
 * interfaces again, which also covers lost messages.
 */
#ifndef NSCAP_WATCH_H
#define NSCAP_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "nscap/ns.h"

/*
 * Open a non-blocking rtnetlink socket in ns that hears link changes.
 * Returns 0 and *fd, or a negative errno with err set.
 */
int nscap_watch_open(struct nscap_ns *ns, int *fd, char *err);

/*
 * Read and discard every message waiting on fd. Returns 1 if there was a
 * change that a listing may see (or the kernel dropped messages), 0 if
 * not, or -errno.
 */
int nscap_watch_drain(int fd);

/*
 * Do the netlink messages in buf (len bytes, as received) hold a change a
 * listing may see? Not when every one is an RTM_NEWLINK whose only change
 * is IFF_PROMISC: the kernel sends one at each change of a link's
 * promiscuity count, as each capture socket opens or closes (each of
 * nscap's immediate rings rang the doorbell, and every handle braced for
 * a listing that found nothing new). Pure, for the tests.
 */
bool nscap_watch_matters(const void *buf, size_t len);

#endif
