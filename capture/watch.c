/*
 * The link-change doorbell of a namespace (see watch.h). A netlink socket,
 * like a packet socket, belongs to the network namespace of the thread
 * that created it, whoever reads it later.
 */
#include <errno.h>
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

int nscap_watch_drain(int fd)
{
	char buf[8192];
	int any = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0) {
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
