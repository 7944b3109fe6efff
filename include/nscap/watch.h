/*
 * Link changes in a target's network namespace, for -i all: an rtnetlink
 * socket created in the namespace thread (so it hears that namespace),
 * polled by the host-side loop. It is only a doorbell: on any message the
 * loop lists the interfaces again, which also covers lost messages.
 */
#ifndef NSCAP_WATCH_H
#define NSCAP_WATCH_H

#include "nscap/ns.h"

/*
 * Open a non-blocking rtnetlink socket in ns that hears link changes.
 * Returns 0 and *fd, or a negative errno with err set.
 */
int nscap_watch_open(struct nscap_ns *ns, int *fd, char *err);

/*
 * Read and discard every message waiting on fd. Returns 1 if there was
 * anything (or the kernel dropped messages), 0 if not, or -errno.
 */
int nscap_watch_drain(int fd);

#endif
