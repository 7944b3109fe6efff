/*
 * Reading one handle into the writer (see loop.h). The callback writes
 * each packet straight from the kernel's ring into the writer's buffer.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "nscap/err.h"
#include "nscap/loop.h"

struct dispatch_ctx {
	struct nscap_handle *h;
	const struct nscap_sink *sink;
	pcap_t *p;
	struct nscap_ring_begin *begin; /* p's */
	int ret;
	bool bulk;
	bool full;     /* -c reached by the immediate ring's (merge) */
	uint64_t left; /* what -c leaves (nscap_loop_dispatch) */
	uint64_t seen; /* packets handed over so far, this one included */
	char *err;
};

/*
 * A twin packet stamped after d->h->merge_after_ns, while the handle
 * settles (nscap_handle_merging): the immediate ring's packets came before
 * it. Hand them over first, and move the mark on to this packet; once the
 * program has sent packets to the twin itself (a burst), the immediate
 * ring takes no more, and what the twin holds after this is newer: no more
 * merging (the session then goes up). Should this packet be handed over?
 * Not when -c has no place left for it, nor when the sink refused the
 * others for a stop (-ECANCELED).
 */
static bool merge_first(struct dispatch_ctx *d, uint64_t ts)
{
	struct nscap_handle *h = d->h;
	/* the kernel's switch read first: the immediate ring's packets read
	 * after it are all it got */
	bool up = nscap_handle_kernel_up(h);
	/* this packet's place included */
	uint64_t room = d->left - d->seen + 1;
	int n;

	n = nscap_loop_dispatch(h, false, d->sink,
				room < INT_MAX ? (int)room : INT_MAX, room,
				d->err);
	h->merge_after_ns = ts;
	if (up)
		h->merge = false;
	if (n == -ECANCELED) {
		d->ret = n;
	} else if (n < 0) {
		/* the writer counted them lost; this one goes to it too, and
		 * the first error stands */
		d->ret = n;
		return true;
	} else {
		d->seen += (uint64_t)n;
		d->full = (uint64_t)n == room;
	}
	if (d->ret || d->full)
		pcap_breakloop(d->p);
	return !d->ret && !d->full;
}

static void on_packet(unsigned char *user, const struct pcap_pkthdr *hdr,
		      const unsigned char *data)
{
	struct dispatch_ctx *d = (struct dispatch_ctx *)user;
	int first = 0, ret;

	if (d->ret || d->full)
		return;
	if (d->begin->on &&
	    nscap_ring_before(d->begin, nscap_pkt_ns(hdr, d->h->nano)))
		return;
	d->seen++;
	if (d->bulk && nscap_handle_merging(d->h)) {
		uint64_t ts = nscap_pkt_ns(hdr, d->h->nano);

		if (ts > d->h->merge_after_ns && !merge_first(d, ts))
			return;
		first = d->ret;
	}
	/* for nscap_handle_twin_empty: what the twin hands over after it was
	 * ready */
	if (d->bulk && nscap_pkt_ns(hdr, d->h->nano) >= d->h->twin_since_ns)
		d->h->twin_taken++;
	ret = d->sink->write(d->sink->ctx, d->h, hdr, data, d->err);
	/* captured: handed to the writer, which writes it or counts it lost;
	 * only a packet an autostop refused is not taken */
	if (ret != -ECANCELED)
		d->h->captured++;
	d->ret = first ? first : ret;
	/* the immediate ring's packets (merge) count against -c too */
	if (d->ret || d->seen >= d->left)
		pcap_breakloop(d->p);
}

int nscap_loop_dispatch(struct nscap_handle *h, bool bulk,
			const struct nscap_sink *sink, int max, uint64_t left,
			char *err)
{
	struct dispatch_ctx d = {h,
				 sink,
				 bulk ? h->bulk : h->pcap,
				 bulk ? &h->bulk_begin : &h->begin,
				 0,
				 bulk,
				 false,
				 left,
				 0,
				 err};
	uint64_t before = h->captured;
	/* the fanout program's count before the read: what it sent after
	 * this may still be in the ring when the read ends */
	uint32_t sent = bulk ? 0 : nscap_handle_sent(h);
	int n;

	n = pcap_dispatch(d.p, max, on_packet, (unsigned char *)&d);
	if (d.ret)
		return d.ret;
	if (n == PCAP_ERROR) {
		nscap_seterr(err, 0, "%s", pcap_geterr(d.p));
		return -ENETDOWN;
	}
	/* fewer than max: the ring is empty */
	if (!bulk && n < max)
		nscap_handle_ack(h, sent, h->captured - before);
	return (int)(h->captured - before);
}

int64_t nscap_loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum nscap_stop nscap_loop_take_stop(const volatile sig_atomic_t *stop,
				     sig_atomic_t *seen, int64_t *dup_until_ms)
{
	sig_atomic_t now = *stop;
	int64_t ms;

	if (now == *seen)
		return NSCAP_STOP_NONE;
	ms = nscap_loop_now_ms();
	if (*seen == 0) {
		*seen = now;
		*dup_until_ms = ms + NSCAP_STOP_DUP_MS;
		return NSCAP_STOP_FIRST;
	}
	if (ms < *dup_until_ms) {
		*seen = now;
		return NSCAP_STOP_AGAIN;
	}
	return NSCAP_STOP_SECOND;
}

bool nscap_loop_new_stop(const struct nscap_wait *wt)
{
	/* a first one is the loop's, once the drain of an interface that
	 * ended is done (that drain must not be cut short) */
	return *wt->seen != 0 &&
	       nscap_loop_take_stop(wt->stop, wt->seen, wt->dup_until_ms) ==
		       NSCAP_STOP_SECOND;
}

int nscap_loop_wait_pending(struct nscap_handle *h,
			    const struct nscap_sink *sink, uint64_t want,
			    uint64_t max, const struct nscap_wait *wt,
			    char *err)
{
	uint64_t taken = 0;
	bool late = false, took = false;

	/* the older packets first (nscap_handle_twin_first); the immediate
	 * ring only once primed */
	bool twin_first = nscap_handle_twin_first(h);
	int ring = h->bulk && !h->primed ? -1 : h->fd;
	struct pollfd pfd[2] = {{twin_first ? h->bulk_fd : ring, POLLIN, 0},
				{twin_first ? ring : h->bulk_fd, POLLIN, 0}};
	/* and while the twin holds packets not handed over (a switch down
	 * settling: its last block comes at its timeout), the twin alone:
	 * polled together, the immediate ring's newer packets came first, or
	 * made up want and ended the wait without the twin's (a hunt: stops
	 * right after a switch down lost a packet, or wrote it after newer
	 * ones, in 5 of 35). Past the deadline both, whatever is ready */
	bool hold = twin_first && h->bulk && !nscap_handle_twin_empty(h);

	while (h->captured < want && taken < max) {
		int64_t left = wt->deadline_ms - nscap_loop_now_ms();
		struct timespec ts;
		int k, n;

		if (nscap_loop_new_stop(wt))
			return -EINTR; /* the user wants out now */
		if (hold && (late || nscap_handle_twin_empty(h)))
			hold = false;
		if (twin_first)
			pfd[1].fd = hold ? -1 : ring;
		/* past the deadline, what the ring has ready still goes,
		 * without waiting: the session drains its handles one after
		 * another with one deadline, and a handle whose turn came late
		 * took nothing, not even its full blocks (a hunt: a stop right
		 * after targets exited left 470 of 840 on each of the last
		 * handles, 60 to 95 of them dropped by their rings meanwhile)
		 */
		if (left <= 0) {
			if (late && !took)
				break;
			left = 0;
			late = true;
		}
		took = false;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		if (ppoll(pfd, 2, &ts, wt->waitmask) < 0)
			continue; /* a signal: the check above decides */
		for (k = 0; k < 2 && taken < max; k++) {
			uint64_t room = max - taken;

			if (!pfd[k].revents)
				continue;
			n = nscap_loop_dispatch(h, (k == 0) == twin_first, sink,
						room < 4096 ? (int)room : 4096,
						room, err);
			if (n < 0)
				return n;
			taken += (uint64_t)n;
			took |= n > 0;
		}
	}
	return (int)taken;
}
