/*
 * The link-change doorbell of a namespace (see watch.h). A netlink socket,
 * like a packet socket, belongs to the network namespace of the thread
 * that created it, whoever reads it later.
 */
#include <errno.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/watch.h"

/* Runs in the namespace thread. */
static int open_in_ns(void *arg, char *err)
{
	struct sockaddr_nl sa;
	int *out = arg;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_ROUTE);
	if (fd < 0)
		return nscap_seterr(err, errno, "cannot watch interfaces");
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return nscap_seterr(err, e, "cannot watch interfaces");
	}
	*out = fd;
	return 0;
}

int nscap_watch_open(struct nscap_ns *ns, int *fd, char *err)
{
	*fd = -1;
	return nscap_ns_call(ns, open_in_ns, fd, err);
}

bool nscap_watch_matters(const void *buf, size_t len)
{
	const struct nlmsghdr *nh = buf;

	for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		const struct ifinfomsg *ifi = NLMSG_DATA(nh);

		/* a promiscuity count changed (a capture opened or closed
		 * a socket on the link, nscap's own immediate rings too): no
		 * link came, went, was renamed or went up or down */
		if (nh->nlmsg_type == RTM_NEWLINK &&
		    nh->nlmsg_len >= NLMSG_LENGTH(sizeof(*ifi)) &&
		    ifi->ifi_change == IFF_PROMISC)
			continue;
		return true;
	}
	return false;
}

int nscap_watch_drain(int fd)
{
	/* aligned for the headers nscap_watch_matters reads */
	union {
		struct nlmsghdr nh;
		char buf[8192];
	} u;
	int any = 0;

	for (;;) {
		ssize_t n = recv(fd, u.buf, sizeof(u.buf), MSG_DONTWAIT);

		if (n > 0) {
			if (nscap_watch_matters(u.buf, (size_t)n))
				any = 1;
			continue;
		}
		if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK)
			return any;
		if (errno == EINTR)
			continue;
		if (errno == ENOBUFS) /* messages lost: something changed */
			any = 1;
		else
			return -errno;
	}
}
