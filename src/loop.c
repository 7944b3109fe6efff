/*
 * The read loop, in the main thread: ppoll(2) over every handle's selectable
 * fd, the target's pidfd and the output pipe; on each wake-up, non-blocking
 * pcap_dispatch of whatever each ready handle holds, straight into the
 * writer (no copy, no hand-off between threads). Signals are blocked except
 * inside ppoll, so a SIGINT is never lost between checking the flag and
 * going to sleep.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nscap/err.h"
#include "nscap/loop.h"

/* at most this many packets from one handle per turn, so none starves */
#define LOOP_BATCH 4096

struct dispatch_ctx {
	struct nscap_loop *l;
	struct nscap_handle *h;
	int ret;
	char *err;
};

static void on_packet(unsigned char *user, const struct pcap_pkthdr *h,
		      const unsigned char *data)
{
	struct dispatch_ctx *d = (struct dispatch_ctx *)user;
	struct nscap_loop *l = d->l;

	if (d->ret)
		return;
	d->ret = l->ops->write(l->writer, d->h->iface, h, data, d->err);
	if (d->ret == 0) {
		l->captured++;
		d->h->captured++;
	}
}

/* Read what handle h holds. 0, or a negative errno with *why set. */
static int drain(struct nscap_loop *l, size_t i, enum nscap_stop *why,
		 char *err)
{
	struct nscap_handle *h = l->handles[i];
	struct dispatch_ctx d = {l, h, 0, err};
	int n, max = LOOP_BATCH;

	if (l->count) {
		uint64_t left = l->count - l->captured;

		if (left == 0) /* pcap_dispatch reads 0 as "no limit" */
			return 0;
		if (left < (uint64_t)max)
			max = (int)left;
	}
	n = pcap_dispatch(h->pcap, max, on_packet, (unsigned char *)&d);
	if (d.ret) {
		*why = d.ret == -EPIPE ? NSCAP_STOP_READER_GONE
				       : NSCAP_STOP_ERROR;
		return d.ret;
	}
	if (n == PCAP_ERROR) {
		l->failed = i;
		*why = NSCAP_STOP_IFACE_GONE;
		return nscap_seterr(err, 0, "capture on %s ended: %s",
				    h->device, pcap_geterr(h->pcap));
	}
	return 0;
}

int nscap_loop_run(struct nscap_loop *l, enum nscap_stop *why, char *err)
{
	struct pollfd *pfd;
	size_t i, n = l->nhandles, pid_slot = 0, out_slot = 0;
	int ret = 0;

	pfd = calloc(n + 2, sizeof(*pfd));
	if (!pfd)
		return nscap_seterr(err, ENOMEM, "cannot start the read loop");
	for (i = 0; i < n; i++) {
		pfd[i].fd = l->handles[i]->fd;
		pfd[i].events = POLLIN;
	}
	if (l->pidfd >= 0) {
		pid_slot = n;
		pfd[n].fd = l->pidfd;
		pfd[n++].events = POLLIN;
	}
	if (l->outfd >= 0) {
		out_slot = n;
		pfd[n].fd = l->outfd;
		pfd[n++].events = 0;
	}

	for (;;) {
		if (*l->stop) {
			*why = NSCAP_STOP_SIGNAL;
			break;
		}
		if (l->count && l->captured >= l->count) {
			*why = NSCAP_STOP_COUNT;
			break;
		}
		if (ppoll(pfd, n, NULL, l->waitmask) < 0) {
			if (errno == EINTR)
				continue;
			*why = NSCAP_STOP_ERROR;
			ret = nscap_seterr(err, errno,
					   "cannot wait for packets");
			break;
		}
		for (i = 0; i < l->nhandles && ret == 0; i++)
			if (pfd[i].revents)
				ret = drain(l, i, why, err);
		if (ret == 0 && l->flush_each_wakeup)
			ret = l->ops->flush(l->writer, err);
		if (ret == -EPIPE) {
			*why = NSCAP_STOP_READER_GONE;
			ret = 0;
			break;
		}
		if (ret) {
			if (*why != NSCAP_STOP_IFACE_GONE)
				*why = NSCAP_STOP_ERROR;
			break;
		}
		if (l->outfd >= 0 && pfd[out_slot].revents) {
			*why = NSCAP_STOP_READER_GONE;
			break;
		}
		if (l->pidfd >= 0 && pfd[pid_slot].revents) {
			*why = NSCAP_STOP_TARGET_EXITED;
			break;
		}
	}
	/* on a signal, take what the ring already holds (V3 blocks already
	 * handed over; a block still being filled is not ours to take) */
	if (*why == NSCAP_STOP_SIGNAL || *why == NSCAP_STOP_TARGET_EXITED)
		for (i = 0; i < l->nhandles; i++) {
			enum nscap_stop ignored;
			char drain_err[NSCAP_ERRBUF];

			if (drain(l, i, &ignored, drain_err))
				break;
		}
	if (*why != NSCAP_STOP_READER_GONE) {
		char flush_err[NSCAP_ERRBUF];
		int r = l->ops->flush(l->writer, flush_err);

		if (r == -EPIPE) {
			*why = NSCAP_STOP_READER_GONE;
		} else if (r && ret == 0) {
			*why = NSCAP_STOP_ERROR;
			ret = r;
			memcpy(err, flush_err, NSCAP_ERRBUF);
		}
	}
	free(pfd);
	return ret;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nscap_loop_drain(struct nscap_loop *l, size_t i, uint64_t want,
		     int timeout_ms, char *err)
{
	struct nscap_handle *h = l->handles[i];
	int64_t end = now_ms() + timeout_ms;
	enum nscap_stop why;
	int ret = 0;

	while (h->captured < want && (!l->count || l->captured < l->count)) {
		struct pollfd pfd = {h->fd, POLLIN, 0};
		int64_t left = end - now_ms();
		struct timespec ts;

		if (left <= 0)
			break;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		*l->stop = 0;
		if (ppoll(&pfd, 1, &ts, l->waitmask) < 0 || *l->stop)
			break; /* a second signal: the user wants out now */
		ret = drain(l, i, &why, err);
		if (ret)
			break;
	}
	if (ret == 0)
		ret = l->ops->flush(l->writer, err);
	return ret;
}
