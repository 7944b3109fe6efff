/*
 * libpcap handles, created in the target's namespace thread. Every libpcap
 * call except reading packets (pcap_dispatch, in the host-side loop) runs
 * there: activation looks the device up by name, and pcap_stats and
 * pcap_close read /sys/class/net/NAME, which only that thread sees as the
 * target's.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nscap/clock.h"
#include "nscap/compat.h"
#include "nscap/err.h"
#include "nscap/fanout.h"
#include "nscap/handle.h"
#include "nscap/ring.h"
#include "nscap/text.h"

struct open_call {
	const struct nscap_handle_config *cfg;
	struct nscap_handle *h;
};

/* ret, and err (set when ret is not 0) as a terminal may show it: the
 * interface is named in the target's namespace, control bytes and all, and
 * libpcap's own messages repeat the name ("eth0: No such device exists").
 * Each public function that fills err returns through this. */
static int tamed(int ret, char *err)
{
	if (ret)
		nscap_text_tame_all(err);
	return ret;
}

/* Map libpcap's activation status to an errno for the caller. */
static int activate_errno(int status)
{
	switch (status) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return ENODEV;
	case PCAP_ERROR_PERM_DENIED:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		return EPERM;
	case PCAP_ERROR_IFACE_NOT_UP:
		return ENETDOWN;
	default:
		return EIO;
	}
}

/* The errno behind a libpcap message that ends with a lack of resources
 * ("socket: Too many open files"), or otherwise. libpcap says only
 * PCAP_ERROR, and errno may not survive its cleanup: the message is what
 * there is. A lack of descriptors is no interface gone (with -i all,
 * skipped) but an end. */
static int resource_errno(const char *msg, int otherwise)
{
	static const int es[] = {EMFILE, ENFILE, ENOMEM, ENOBUFS};
	size_t i, n = strlen(msg);

	for (i = 0; i < sizeof(es) / sizeof(es[0]); i++) {
		const char *e = strerror(es[i]);
		size_t k = strlen(e);

		if (n >= k && strcmp(msg + n - k, e) == 0)
			return es[i];
	}
	return otherwise;
}

static bool is_loopback(pcap_t *p, const char *device)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", device);
	return ioctl(pcap_get_selectable_fd(p), SIOCGIFFLAGS, &ifr) == 0 &&
	       (ifr.ifr_flags & IFF_LOOPBACK);
}

void nscap_handle_cooked_v2(pcap_t *p)
{
	if (pcap_datalink(p) == DLT_LINUX_SLL)
		(void)pcap_set_datalink(p, DLT_LINUX_SLL2);
}

/*
 * The kernel hands a capture each packet on a loopback interface twice,
 * going out and coming in, and libpcap drops the outgoing copy as it
 * reads. So the ring held each packet twice, the kernel's counters said
 * twice what was captured, and in a stream the twin never looked empty
 * (each switch down waited the whole 25 ms fallback) while the small
 * immediate ring overflowed: 1,090 of 4,000 packets lost at 2,000 a second
 * on lo, 1,094 on "any".
 *
 * On "any", whose outgoing packets are the other interfaces' own, the
 * kernel filter leaves out lo's outgoing copies, by lo's index; a member's
 * filter runs after the fanout group's choice, so this holds in a stream
 * too.
 *
 * Only on LINUX_SLL2, whose header holds the index. libpcap runs a new
 * filter in userland too, over the blocks already in the ring when it was
 * set (and over every packet when the kernel refuses the filter: more than
 * 4096 instructions). On LINUX_SLL "ifindex" is a load that only the
 * kernel can do: libpcap's interpreter fails it and rejects the packet, so
 * every outgoing packet of the first block was lost, or of the whole
 * capture (a field the kernel cannot map, such as the hardware type, makes
 * libpcap filter everything in userland). expr with that added,
 * malloc'd; NULL where it does not apply.
 */
static char *without_lo_out(const char *device, int linktype, const char *expr)
{
	size_t len = (expr ? strlen(expr) : 0) + 64;
	unsigned int lo;
	char *s;

	if (strcmp(device, "any") != 0 || linktype != DLT_LINUX_SLL2)
		return NULL;
	lo = if_nametoindex("lo");
	if (!lo || !(s = malloc(len)))
		return NULL;
	if (expr && *expr)
		snprintf(s, len, "(%s) and not (outbound and ifindex %u)", expr,
			 lo);
	else
		snprintf(s, len, "not (outbound and ifindex %u)", lo);
	return s;
}

/*
 * On a loopback interface itself the socket ignores outgoing packets
 * (PACKET_IGNORE_OUTGOING, 4.20), and a stream's fanout group does (its
 * flag, 6.2: see open_twin; a member's own option is not the group's).
 * Not a "not outbound" filter: on lo's Ethernet link type "outbound" is a
 * load only the kernel can do, and libpcap's userland pass over the first
 * block (see without_lo_out) rejected every packet there: 289 of 4,000
 * lost in a stream.
 */
static void ignore_loopback_out(pcap_t *p, const char *device)
{
	int one = 1;

	if (is_loopback(p, device))
		(void)setsockopt(pcap_get_selectable_fd(p), SOL_PACKET,
				 PACKET_IGNORE_OUTGOING, &one, sizeof(one));
}

/* -EBADMSG, its own code: the session names the interface by it */
static int bad_expression(pcap_t *p, const char *expr, char *err)
{
	(void)nscap_seterr(err, 0, "bad filter expression '%s': %s", expr,
			   pcap_geterr(p));
	return -EBADMSG;
}

/* Put the filter (expr, and "any"'s own) on p: 1, 0 when there is none to
 * put, or a negative errno with err set. */
static int set_filter(pcap_t *p, const char *device, const char *expr,
		      char *err)
{
	char pcap_err[PCAP_ERRBUF_SIZE],
		*any = without_lo_out(device, pcap_datalink(p), expr);
	struct bpf_program prog;
	bpf_u_int32 net = 0, mask = 0;
	bool have = expr && *expr;
	int ret = 0;

	if (!have && !any)
		return 0;
	/* the netmask matters only for "ip broadcast". An interface without
	 * an IPv4 address (a bridge port, an IPv6-only link) has none: as
	 * tcpdump, 0, so that "ip broadcast" means 255.255.255.255 there
	 * (libpcap refuses the expression with PCAP_NETMASK_UNKNOWN) */
	if (pcap_lookupnet(device, &net, &mask, pcap_err) < 0)
		mask = 0;
	/* "any": the expression alone first, unoptimized (the optimizer is
	 * most of a long expression's time): in parentheses, an unbalanced
	 * one ("udp) or (tcp") would parse. Then with the loopback's
	 * outgoing copies left out, else as asked (a libpcap that cannot:
	 * it drops them as it reads) */
	if (any && have) {
		if (pcap_compile(p, &prog, expr, 0, mask) < 0) {
			ret = bad_expression(p, expr, err);
			goto out;
		}
		pcap_freecode(&prog);
	}
	if (!(any && pcap_compile(p, &prog, any, 1, mask) == 0)) {
		if (!have)
			goto out;
		if (pcap_compile(p, &prog, expr, 1, mask) < 0) {
			ret = bad_expression(p, expr, err);
			goto out;
		}
	}
	ret = pcap_setfilter(p, &prog) < 0
		      ? nscap_seterr(err, 0, "cannot set filter on %s: %s",
				     device, pcap_geterr(p))
		      : 1;
	pcap_freecode(&prog);
out:
	free(any);
	return ret;
}

/* Read (and so reset) the kernel counters of device's packet socket fd. */
static int read_counters(const char *device, int fd, struct tpacket_stats *st,
			 char *err)
{
	socklen_t len = sizeof(*st);

	memset(st, 0, sizeof(*st));
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, st, &len) < 0)
		return nscap_seterr(err, errno,
				    "cannot read the counters of %s", device);
	return 0;
}

/* p's capture begins now, its filter in place (struct nscap_ring_begin);
 * opened_ns: just before it was activated. */
static int begin_capture(pcap_t *p, const char *device, uint64_t opened_ns,
			 struct nscap_ring_begin *b, char *err)
{
	/* a mark on each side of the read: a packet stamped before the first
	 * was counted before the read, which takes it out of the counters
	 * (the kernel counts a packet, then stamps it); one stamped between
	 * the two may have been counted either side */
	uint64_t mark = nscap_clock_ns(CLOCK_REALTIME);
	struct tpacket_stats st;
	int ret = read_counters(device, pcap_get_selectable_fd(p), &st, err);

	if (ret)
		return ret;
	b->opened_ns = opened_ns;
	b->before_ns = mark;
	b->after_ns = nscap_clock_ns(CLOCK_REALTIME);
	/* those in the ring: the dropped ones are not */
	b->left = st.tp_packets - st.tp_drops;
	b->on = true;
	return 0;
}

/* Create, activate, filter and make non-blocking one pcap_t: the handle's
 * one ring or immediate ring (bulk false) or its block-mode twin; begin:
 * where its capture begins, or NULL (an immediate ring beside a twin).
 * Runs in the namespace thread. */
static int open_pcap(const struct nscap_handle_config *cfg, bool bulk,
		     struct nscap_ring_begin *begin, pcap_t **out, char *err)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	size_t ring = bulk ? cfg->bulk_bytes : cfg->buffer_bytes;
	uint64_t opened_ns;
	pcap_t *p;
	int status, ret;

	p = pcap_create(cfg->device, pcap_err);
	if (!p) {
		nscap_seterr(err, 0, "cannot open %s: %s", cfg->device,
			     pcap_err);
		return -resource_errno(pcap_err, EINVAL);
	}
	pcap_set_snaplen(p, cfg->snaplen);
	pcap_set_promisc(p, cfg->promisc);
	pcap_set_timeout(p, bulk ? cfg->bulk_timeout_ms : cfg->timeout_ms);
	if (ring)
		pcap_set_buffer_size(p, (int)ring);
	if (cfg->immediate && !bulk)
		pcap_set_immediate_mode(p, 1);
	/* nanoseconds where the kernel gives them; a writer converts */
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);

	/* Most of nscap's start-up, as of any libpcap capturer's: setting up
	 * the ring (PACKET_RX_RING) makes the kernel wait for an RCU grace
	 * period (packet_set_ring calls synchronize_net, ring or no ring
	 * running): a few jiffies, whatever the ring's size (pinned by
	 * tests/integration/t_kernel_rings.sh; docs/BENCHMARKS.md, the floor
	 * in the start-up workload), or some 0.02 to 0.25 ms where the
	 * kernel expedites grace periods (/sys/kernel/rcu_expedited). */
	opened_ns = nscap_clock_ns(CLOCK_REALTIME);
	status = pcap_activate(p);
	if (status < 0) {
		const char *why = pcap_statustostr(status);

		/* these carry a more precise message in the handle */
		if ((status == PCAP_ERROR ||
		     status == PCAP_ERROR_NO_SUCH_DEVICE ||
		     status == PCAP_ERROR_PERM_DENIED) &&
		    *pcap_geterr(p))
			why = pcap_geterr(p);
		nscap_seterr(err, 0, "cannot capture on %s: %s", cfg->device,
			     why);
		ret = status == PCAP_ERROR ? -resource_errno(why, EIO)
					   : -activate_errno(status);
		goto fail;
	}
	ignore_loopback_out(p, cfg->device);
	nscap_handle_cooked_v2(p);
	/* without a filter, no window where packets are lost (struct
	 * nscap_ring_begin): the capture begins as the ring is set up */
	ret = set_filter(p, cfg->device, cfg->filter, err);
	if (ret > 0)
		ret = begin ? begin_capture(p, cfg->device, opened_ns, begin,
					    err)
			    : 0;
	if (ret)
		goto fail;
	if (pcap_setnonblock(p, 1, pcap_err) < 0) {
		ret = nscap_seterr(err, 0, "cannot make %s non-blocking: %s",
				   cfg->device, pcap_err);
		goto fail;
	}

	*out = p;
	return 0;
fail:
	pcap_close(p);
	return ret;
}

/* Members of the group: the twin founds it, so that it captures from the
 * start; the immediate ring joins. */
#define MEMBER_BULK 0
#define MEMBER_IMMEDIATE 1

static void close_bpf(struct nscap_handle *h)
{
	if (h->prog_fd >= 0)
		close(h->prog_fd);
	if (h->map_fd >= 0)
		close(h->map_fd);
	nscap_fanout_unmap(h->map_mem);
	h->map_mem = NULL;
	h->watch = false;
	h->prog_fd = h->map_fd = -1;
}

/*
 * Open the block-mode twin and found the group with it (a new id the kernel
 * picks), after loading the program and its map into h: the map says
 * MEMBER_BULK. Returns the twin and its group id, or NULL when the kernel
 * refuses (no PACKET_FANOUT_EBPF, or no right to load a program): then
 * nscap reads each packet, which only costs speed.
 */
static pcap_t *open_twin(const struct nscap_handle_config *cfg,
			 struct nscap_handle *h, unsigned int *id)
{
	char err[NSCAP_ERRBUF];
	socklen_t len = sizeof(int);
	pcap_t *p = NULL;
	int fd, val = 0;
	bool joined;

	/* the twin first: it captures from its activation on */
	if (open_pcap(cfg, true, &h->bulk_begin, &p, err))
		goto fail;
	h->map_fd = nscap_fanout_map(&h->map_mem);
	/* the program may switch on its own only where nscap can see it;
	 * a kernel that refuses that program (atomic fetch-and-add: 5.12)
	 * gets the one that only reads the member */
	h->watch = h->map_mem != NULL;
	if (h->map_fd >= 0)
		h->prog_fd = nscap_fanout_load(h->map_fd, h->watch);
	if (h->map_fd >= 0 && h->prog_fd < 0 && h->watch) {
		h->watch = false;
		h->prog_fd = nscap_fanout_load(h->map_fd, false);
	}
	if (h->prog_fd < 0)
		goto fail;
	fd = pcap_get_selectable_fd(p);
	/* on loopback the group's hook ignores the outgoing copies (see
	 * ignore_loopback_out; 6.2: earlier kernels keep the flag without a
	 * word, and a stream on lo holds both copies there) */
	h->group_flags = is_loopback(p, cfg->device)
				 ? PACKET_FANOUT_FLAG_IGNORE_OUTGOING
				 : 0;
	joined = nscap_fanout_join(fd, 0,
				   PACKET_FANOUT_FLAG_UNIQUEID |
					   h->group_flags) == 0;
	if (!joined && h->group_flags) {
		/* a kernel that refuses the flag: a group without it */
		h->group_flags = 0;
		joined = nscap_fanout_join(fd, 0,
					   PACKET_FANOUT_FLAG_UNIQUEID) == 0;
	}
	if (!joined ||
	    getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &val, &len) < 0 ||
	    nscap_fanout_attach(fd, h->prog_fd) < 0)
		goto fail;
	*id = (unsigned int)val & 0xffff;
	return p;
fail:
	if (p)
		pcap_close(p);
	close_bpf(h);
	return NULL;
}

/* Take p's link type, snapshot length and time stamp precision for h. */
static void describe_pcap(struct nscap_handle *h, pcap_t *p)
{
	h->linktype = pcap_datalink(p);
	h->snaplen = pcap_snapshot(p);
	h->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
}

/* The index of the interface packet socket fd is bound to; 0: none. */
static int bound_ifindex(int fd)
{
	struct sockaddr_ll sll;
	socklen_t len = sizeof(sll);

	memset(&sll, 0, sizeof(sll));
	if (getsockname(fd, (struct sockaddr *)&sll, &len) < 0)
		return 0;
	return sll.sll_ifindex;
}

/* Open h's immediate ring and join it to the twin's group. What it takes
 * on its own before it joins are copies of the twin's packets (dropped by
 * discard_copies). Runs in the namespace thread. */
static int open_immediate(struct nscap_handle *h, char *err)
{
	struct nscap_handle_config cfg = h->cfg;
	int want = bound_ifindex(h->bulk_fd), tries, ret = -ENODEV;
	char name[IF_NAMESIZE];
	pcap_t *p = NULL;

	/* the twin keeps the snapshot length; this ring's slots hold a
	 * whole IP packet (without a twin, the one ring keeps it all) */
	cfg.snaplen = nscap_ring_immediate_snaplen(cfg.snaplen);
	/* libpcap opens by name, and the interface may have been renamed
	 * since the twin opened (its old name even another interface's,
	 * which could not join the twin's group): the name now of the
	 * interface the twin's socket is bound to. A rename between that
	 * name and the open leaves the name gone (ENODEV) or another
	 * interface's: asked again (a CI run of t_renamed once lost the
	 * switching to it: "No such device exists; reading blocks") */
	for (tries = 0; tries < 3 && ret == -ENODEV; tries++) {
		if (want > 0 && if_indextoname((unsigned int)want, name))
			cfg.device = name;
		ret = open_pcap(&cfg, false, NULL, &p, err);
		if (ret == 0 && want > 0 &&
		    bound_ifindex(pcap_get_selectable_fd(p)) != want) {
			pcap_close(p);
			p = NULL;
			ret = nscap_seterr(err, ENODEV,
					   "cannot capture on %s: renamed as "
					   "its ring opened",
					   cfg.device);
		}
	}
	if (ret)
		return ret;
	if (nscap_fanout_join(pcap_get_selectable_fd(p), h->group,
			      h->group_flags) < 0) {
		ret = nscap_seterr(err, errno,
				   "cannot join the rings of %s in one group",
				   h->device);
		pcap_close(p);
		return ret;
	}
	h->pcap = p;
	h->fd = pcap_get_selectable_fd(p);
	return 0;
}

static int twin_count(struct nscap_handle *h, char *err);

/* Runs in the namespace thread. */
static int open_in_ns(void *arg, char *err)
{
	struct open_call *c = arg;
	struct nscap_handle *h = c->h;
	int ret;

	h->cfg = *c->cfg;
	h->cfg.device = h->device;
	if (h->cfg.immediate && h->cfg.bulk_bytes) {
		h->bulk = open_twin(&h->cfg, h, &h->group);
		if (h->bulk) {
			h->bulk_fd = pcap_get_selectable_fd(h->bulk);
			/* what the twin accepted since its capture began
			 * (begin_capture) came before it was ready:
			 * nscap_handle_twin_empty leaves them out, and counts
			 * only packets stamped after now as taken */
			ret = twin_count(h, err);
			if (ret) {
				pcap_close(h->bulk);
				h->bulk = NULL;
				h->bulk_fd = -1;
				close_bpf(h);
				return ret;
			}
			h->twin_early = h->twin_accepted;
			h->twin_since_ns = nscap_clock_ns(CLOCK_REALTIME);
			describe_pcap(h, h->bulk);
			/* the immediate ring waits for the first switch to it
			 * (or a privilege drop): setting up a ring (a grace
			 * period, see open_pcap) is most of the start-up */
			return 0;
		}
	}
	ret = open_pcap(&h->cfg, false, &h->begin, &h->pcap, err);
	if (ret)
		return ret;
	h->fd = pcap_get_selectable_fd(h->pcap);
	describe_pcap(h, h->pcap);
	return 0;
}

/* A handle to open on device: NULL, with err set, when memory is short. */
static struct nscap_handle *new_handle(const char *device, char *err)
{
	struct nscap_handle *h = calloc(1, sizeof(*h));

	if (!h || !(h->device = strdup(device))) {
		free(h);
		tamed(nscap_seterr(err, ENOMEM, "cannot open %s", device), err);
		return NULL;
	}
	h->fd = -1;
	h->bulk_fd = -1;
	h->map_fd = h->prog_fd = -1;
	return h;
}

/* A handle whose open failed (open_in_ns left nothing open). */
static void free_unopened(struct nscap_handle *h)
{
	if (h)
		free(h->device);
	free(h);
}

/* fn(ctx, i) for each i below n, in the calling thread and up to
 * most - 1 threads it starts (which share its
 * namespaces, sysfs included, its credentials and its blocked signals):
 * each takes the next i not taken. For what waits on the kernel's grace
 * periods, opens and closes, which concurrent calls share. */
struct parallel_run {
	void (*fn)(void *ctx, size_t i);
	void *ctx;
	size_t n;
	atomic_size_t next;
};

static void *parallel_worker(void *arg)
{
	struct parallel_run *r = arg;
	size_t i;

	while ((i = atomic_fetch_add(&r->next, 1)) < r->n)
		r->fn(r->ctx, i);
	return NULL;
}

#define PARALLEL_MOST                                           \
	(NSCAP_HANDLE_OPEN_THREADS > NSCAP_HANDLE_CLOSE_THREADS \
		 ? NSCAP_HANDLE_OPEN_THREADS                    \
		 : NSCAP_HANDLE_CLOSE_THREADS)

static void in_parallel(size_t n, void (*fn)(void *ctx, size_t i), void *ctx,
			size_t most)
{
	pthread_t t[PARALLEL_MOST - 1];
	struct parallel_run r;
	size_t k, started = 0;

	r.fn = fn;
	r.ctx = ctx;
	r.n = n;
	atomic_init(&r.next, 0);
	/* a thread that cannot be started leaves its share to the others */
	for (k = 0; k + 1 < n && k + 1 < most && k < sizeof(t) / sizeof(t[0]);
	     k++)
		if (pthread_create(&t[started], NULL, parallel_worker, &r) == 0)
			started++;
	parallel_worker(&r);
	for (k = 0; k < started; k++)
		pthread_join(t[k], NULL);
}

static void open_job(void *ctx, size_t i)
{
	struct nscap_handle_job *j =
		&((struct nscap_handle_batch *)ctx)->jobs[i];
	struct open_call c = {&j->cfg, j->h};

	if (j->h)
		j->ret = tamed(open_in_ns(&c, j->err), j->err);
}

/* Runs in the namespace thread. */
static int batch_in_ns(void *arg, char *err)
{
	struct nscap_handle_batch *b = arg;

	(void)err;
	in_parallel(b->n, open_job, b, NSCAP_HANDLE_OPEN_THREADS);
	return 0;
}

void nscap_handle_batch_start(struct nscap_ns *ns, struct nscap_handle_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct nscap_handle_job *j = &b->jobs[i];

		j->err[0] = '\0';
		j->h = new_handle(j->cfg.device, j->err);
		j->ret = j->h ? 0 : -ENOMEM;
	}
	/* not posted when busy with a call of another's (an immediate ring
	 * opening): this one waits for it */
	(void)nscap_ns_post_or_call(ns, batch_in_ns, b, &b->posted, b->err);
}

void nscap_handle_batch_finish(struct nscap_ns *ns,
			       struct nscap_handle_batch *b)
{
	size_t i;
	int ret;

	if (b->posted)
		nscap_ns_reap(ns, true, &ret);
	b->posted = false;
	for (i = 0; i < b->n; i++) {
		struct nscap_handle_job *j = &b->jobs[i];

		if (j->ret) {
			free_unopened(j->h);
			j->h = NULL;
		}
	}
}

static void discard(unsigned char *user, const struct pcap_pkthdr *hdr,
		    const unsigned char *data)
{
	(void)user;
	(void)hdr;
	(void)data;
}

/*
 * Drop the copies h's immediate ring took before joining the twin's group
 * (nothing has been sent to it since), then reset its kernel counters, so
 * that libpcap's statistics never count them. Read rather than counted:
 * packets that came before libpcap installed the filter are counted by the
 * kernel but filtered out by libpcap while reading. Runs on any thread.
 */
static int discard_copies(struct nscap_handle *h, char *err)
{
	struct tpacket_stats st;
	int n;

	do
		n = pcap_dispatch(h->pcap, 4096, discard, NULL);
	while (n > 0);
	if (n < 0)
		return nscap_seterr(err, 0, "cannot read %s: %s", h->device,
				    pcap_geterr(h->pcap));
	return read_counters(h->device, h->fd, &st, err);
}

/*
 * Add what the twin's kernel counters show since they were last read (the
 * read resets them) to h's totals. Called from the main thread (SETTLE,
 * nscap_handle_stats_here) and, through nscap_handle_stats, from the
 * namespace thread while the main thread waits: never at once.
 */
static int twin_count(struct nscap_handle *h, char *err)
{
	struct tpacket_stats st;
	int ret = read_counters(h->device, h->bulk_fd, &st, err);

	if (ret)
		return ret;
	/* tp_packets counts the dropped ones too */
	h->twin_accepted += st.tp_packets - st.tp_drops;
	h->twin_dropped += st.tp_drops;
	return 0;
}

bool nscap_handle_twin_empty(struct nscap_handle *h)
{
	char err[NSCAP_ERRBUF];

	return h->bulk && twin_count(h, err) == 0 &&
	       h->twin_taken >= h->twin_accepted - h->twin_early;
}

/* Send h's new packets to member k of its group. */
static int choose(struct nscap_handle *h, unsigned int k, char *err)
{
	if (!h->bulk || (k == MEMBER_IMMEDIATE && !h->primed))
		return nscap_seterr(err, EINVAL, "%s has no ring to switch to",
				    h->device);
	if (nscap_fanout_choose(h->map_fd, h->map_mem, k) < 0)
		return nscap_seterr(err, errno, "cannot switch rings on %s",
				    h->device);
	return 0;
}

int nscap_handle_up(struct nscap_handle *h, char *err)
{
	return tamed(choose(h, MEMBER_BULK, err), err);
}

/* map_mem points at the map's value, member first */
_Static_assert(offsetof(struct nscap_fanout_value, member) == 0,
	       "the member is the value's first word");

/* The map's value, where it is mapped and watched. */
static struct nscap_fanout_value *watched(const struct nscap_handle *h)
{
	return h->bulk && h->primed && h->watch
		       ? (struct nscap_fanout_value *)(void *)h->map_mem
		       : NULL;
}

/* The immediate ring's slots (libpcap's default ring where the handle
 * has no size of its own). */
static size_t ring_slots(const struct nscap_handle *h)
{
	return nscap_ring_immediate_slots(
		h->cfg.buffer_bytes ? h->cfg.buffer_bytes : 2u << 20,
		nscap_ring_immediate_snaplen(h->cfg.snaplen));
}

/* The switch point the program reads, for h's immediate ring of slots and
 * the mix learnt so far (relaxed: ack or member is stored after it). */
static void store_room(const struct nscap_handle *h,
		       struct nscap_fanout_value *v, size_t slots)
{
	__atomic_store_n(
		&v->room,
		nscap_watch_mix_room(&h->mix, nscap_ring_slots_room(slots)),
		__ATOMIC_RELAXED);
}

/*
 * Watched from the switch on: in SETTLE nscap does not read the immediate
 * ring (the twin's last block comes first), and its few slots filled with
 * a burst that began then and dropped the rest (a lab: 35 to 1,825 of a
 * two-CPU burst in 4 of 16 stream starts with 28 interfaces, where SETTLE
 * lasted 3 to 7 ms behind the other rings' opens). ack stays: the program
 * counts as unread from here on. The twin's packets stamped up to now came
 * before the switch; one stamped later came after the program sent a
 * burst back to the twin (or was on its way into the twin at the switch,
 * microseconds): the immediate ring's packets go before it (merge, in
 * nscap_loop_dispatch).
 */
int nscap_handle_down(struct nscap_handle *h, char *err)
{
	struct nscap_fanout_value *v = watched(h);

	if (!v)
		return tamed(choose(h, MEMBER_IMMEDIATE, err), err);
	store_room(h, v, ring_slots(h));
	__atomic_store_n(&v->member, NSCAP_FANOUT_WATCH, __ATOMIC_RELEASE);
	h->merge_after_ns = nscap_clock_ns(CLOCK_REALTIME);
	h->merge = true;
	return 0;
}

uint32_t nscap_handle_sent(const struct nscap_handle *h)
{
	const struct nscap_fanout_value *v = watched(h);

	return v ? __atomic_load_n(&v->sent, __ATOMIC_ACQUIRE) : 0;
}

void nscap_handle_ack(struct nscap_handle *h, uint32_t sent, uint64_t read)
{
	struct nscap_fanout_value *v = watched(h);
	size_t slots;

	if (!v)
		return;
	slots = ring_slots(h);
	/* a read of a whole ring: the ring was full, and may have dropped
	 * packets since the read before; those are not the filter's (the mix
	 * would grow the switch point past the ring for good). A read of
	 * less: the ring never filled since. */
	if (read < slots)
		nscap_watch_mix_add(&h->mix, sent - h->acked, read);
	h->acked = sent;
	store_room(h, v, slots);
	__atomic_store_n(&v->ack, sent, __ATOMIC_RELEASE);
}

bool nscap_handle_kernel_up(const struct nscap_handle *h)
{
	return h->map_mem &&
	       __atomic_load_n(&h->map_mem[0], __ATOMIC_ACQUIRE) == MEMBER_BULK;
}

bool nscap_handle_netdown(const struct nscap_handle *h)
{
	/* the immediate ring being opened is the namespace thread's, h->pcap
	 * too: not read then (ThreadSanitizer saw the race) */
	return (!h->opening && h->pcap &&
		pcap_get_required_select_timeout(h->pcap)) ||
	       (h->bulk && pcap_get_required_select_timeout(h->bulk));
}

bool nscap_handle_iface_gone(const struct nscap_handle *h)
{
	struct sockaddr_ll sll;
	socklen_t len = sizeof(sll);

	if (h->ifindex <= 0)
		return false;
	/* The socket says where it is bound. The kernel unbinds it (index
	 * -1) when its interface is unregistered: deleted, or moved to
	 * another namespace, even if it comes back, with the same index, a
	 * moment later; asking the namespace for that index would find it
	 * there again, and the handle would capture nothing for ever. */
	memset(&sll, 0, sizeof(sll));
	if (getsockname(h->bulk ? h->bulk_fd : h->fd, (struct sockaddr *)&sll,
			&len) < 0)
		return false;
	return sll.sll_ifindex != h->ifindex;
}

/* In the namespace thread: open the immediate ring and drop its copies
 * (the main thread marks it primed once this has returned). Its message
 * tamed here: posted, it is reaped into err later (open_reap). */
static int open_later_in_ns(void *arg, char *err)
{
	struct nscap_handle *h = arg;
	int ret;

	ret = open_immediate(h, err);
	if (ret == 0)
		ret = discard_copies(h, err);
	return tamed(ret, err);
}

int nscap_handle_open_immediate(struct nscap_ns *ns, struct nscap_handle *h,
				char *err)
{
	int ret;

	if (!h->bulk || h->pcap)
		return 0;
	ret = nscap_ns_call(ns, open_later_in_ns, h, err);
	if (ret == 0)
		h->primed = true;
	return ret;
}

bool nscap_handle_twin_first(const struct nscap_handle *h)
{
	return h->gear.kind != NSCAP_GEAR_LIGHT;
}

int nscap_handle_open_post(struct nscap_ns *ns, struct nscap_handle *h,
			   char *err)
{
	int ret;

	if (!h->bulk || h->pcap)
		return tamed(nscap_seterr(err, EINVAL, "%s has its rings open",
					  h->device),
			     err);
	h->opening = true;
	ret = nscap_ns_post(ns, open_later_in_ns, h, h->job_err);
	if (ret)
		h->opening = false;
	return ret;
}

int nscap_handle_open_reap(struct nscap_ns *ns, struct nscap_handle *h,
			   bool wait, char *err)
{
	int ret = 0;

	if (!h->opening || !nscap_ns_reap(ns, wait, &ret))
		return 0;
	h->opening = false;
	if (ret) {
		snprintf(err, NSCAP_ERRBUF, "%s", h->job_err);
		return ret;
	}
	h->primed = true;
	return 1;
}

struct stats_call {
	struct nscap_handle *h;
	struct nscap_counts *st;
	bool here; /* the sockets' counters alone (nscap_handle_stats_here) */
};

/* Read p's libpcap counters into c, widened. */
static int lib_read(const struct nscap_handle *h, pcap_t *p,
		    struct nscap_lib_counts *c, char *err)
{
	struct pcap_stat st;

	if (pcap_stats(p, &st) < 0)
		return nscap_seterr(err, 0, "cannot read statistics of %s: %s",
				    h->device, pcap_geterr(p));
	nscap_lib_counts_add(c, &st);
	return 0;
}

/*
 * Add what the kernel counters of p's socket show since they were last read
 * (the read resets them) to c, as libpcap's pcap_stats adds them, but
 * without the interface's drops, which libpcap reads from the interface's
 * sysfs. From any thread.
 */
static int sock_read(const struct nscap_handle *h, pcap_t *p,
		     struct nscap_lib_counts *c, char *err)
{
	struct tpacket_stats st;
	int ret = read_counters(h->device, pcap_get_selectable_fd(p), &st, err);

	if (ret == 0) {
		/* tp_packets counts the dropped ones too, as ps_recv does */
		c->total.received += st.tp_packets;
		c->total.dropped += st.tp_drops;
	}
	return ret;
}

/* p's counters into c: libpcap's, or (here) the socket's alone. */
static int counts_read(const struct nscap_handle *h, bool here, pcap_t *p,
		       struct nscap_lib_counts *c, char *err)
{
	return here ? sock_read(h, p, c, err) : lib_read(h, p, c, err);
}

/* h's counters into c->st: in the namespace thread (nscap_handle_stats), or
 * the sockets' alone on the caller's (c->here). */
static int stats_call_run(void *arg, char *err)
{
	struct stats_call *c = arg;
	struct nscap_handle *h = c->h;
	const struct nscap_counts *b = &h->lib_bulk.total;
	struct nscap_counts was;
	int ret;

	if (!h->bulk) {
		ret = counts_read(h, c->here, h->pcap, &h->lib, err);
		if (ret == 0)
			*c->st = h->lib.total;
		return ret;
	}
	/* the twin's counters are nscap's own (twin_count): read them first,
	 * so that libpcap's, read next for the interface's drops, only take
	 * what came in between, which twin_count adds too; here, where the
	 * drops are not read, twin_count's read is all there is */
	ret = twin_count(h, err);
	was = *b;
	if (ret == 0 && !c->here)
		ret = lib_read(h, h->bulk, &h->lib_bulk, err);
	if (ret)
		return ret;
	/* libpcap's share: what its totals grew by in this read */
	h->twin_accepted +=
		(b->received - b->dropped) - (was.received - was.dropped);
	h->twin_dropped += b->dropped - was.dropped;
	c->st->received = h->twin_accepted + h->twin_dropped;
	c->st->dropped = h->twin_dropped;
	/* ps_ifdrop is the interface's, read from sysfs: once (here: as
	 * last read) */
	c->st->ifdropped = b->ifdropped;
	/* the immediate ring's once they no longer count copies
	 * (discard_copies) */
	if (!h->primed)
		return 0;
	ret = counts_read(h, c->here, h->pcap, &h->lib, err);
	if (ret == 0) {
		c->st->received += h->lib.total.received;
		c->st->dropped += h->lib.total.dropped;
	}
	return ret;
}

int nscap_handle_stats(struct nscap_ns *ns, struct nscap_handle *h,
		       struct nscap_counts *st, char *err)
{
	struct stats_call c;

	memset(st, 0, sizeof(*st));
	c.h = h;
	c.st = st;
	c.here = false;
	return tamed(nscap_ns_call(ns, stats_call_run, &c, err), err);
}

int nscap_handle_stats_here(struct nscap_handle *h, struct nscap_counts *st,
			    char *err)
{
	struct stats_call c;

	/* while its immediate ring opens (a posted call), the twin alone:
	 * h->pcap is read once primed, which the main thread marks at the
	 * open's reap */
	memset(st, 0, sizeof(*st));
	c.h = h;
	c.st = st;
	c.here = true;
	return tamed(stats_call_run(&c, err), err);
}

static int close_in_ns(void *arg, char *err)
{
	struct nscap_handle *h = arg;

	(void)err;
	if (h->bulk)
		pcap_close(h->bulk);
	if (h->pcap)
		pcap_close(h->pcap);
	close_bpf(h);
	return 0;
}

/* One of a deferred call's closes (close_many_in_ns): the memory too. */
static void close_job(void *ctx, size_t i)
{
	struct nscap_handle *h = ((void *const *)ctx)[i];

	if (!h)
		return;
	close_in_ns(h, NULL);
	free(h->device);
	free(h);
}

/* A deferred call (nscap_ns_defer_many): the handles of every close handed
 * over so far, closed at once. */
static void close_many_in_ns(void *const *args, size_t n)
{
	in_parallel(n, close_job, (void *)args, NSCAP_HANDLE_CLOSE_THREADS);
}

void nscap_handle_close_later(struct nscap_ns *ns, struct nscap_handle *h)
{
	void *arg = h;

	if (h && (h->pcap || h->bulk) &&
	    nscap_ns_defer_many(ns, close_many_in_ns, &arg, 1) == 0)
		return;
	nscap_handle_close(ns, h);
}

void nscap_handle_close_all_later(struct nscap_ns *ns, struct nscap_handle **hs,
				  size_t n)
{
	void **args = malloc(n * sizeof(*args));
	int ret = -ENOMEM;
	size_t i;

	if (args) {
		for (i = 0; i < n; i++)
			args[i] = hs[i];
		ret = nscap_ns_defer_many(ns, close_many_in_ns, args, n);
		free(args);
	}
	/* one at a time, each closed at once if it cannot be handed over */
	for (i = 0; ret && i < n; i++)
		nscap_handle_close_later(ns, hs[i]);
}

void nscap_handle_close(struct nscap_ns *ns, struct nscap_handle *h)
{
	if (!h)
		return;
	if (h->pcap || h->bulk) {
		char err[NSCAP_ERRBUF];

		nscap_ns_call(ns, close_in_ns, h, err);
	}
	free(h->device);
	free(h);
}
