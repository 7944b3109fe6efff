/*
 * The capture session (see session.h).
 *
 * Order of work, so that bad input fails before anything is created:
 * targets and namespace threads, interfaces, handles and filters (in the
 * namespace threads), then the output and the writer, then the loop.
 *
 * The loop: one ppoll(2) over every handle's fd, every target's pidfd,
 * every -i all doorbell and the output pipe. On a wake-up each ready handle
 * gives at most BATCH packets, starting from a different handle each time,
 * so that no handle starves another. Packets are written in the order read:
 * within one interface in time order; across interfaces, a block-mode ring
 * hands over up to a block timeout's worth at once, so the file may be out
 * of time order across interfaces by up to that timeout (1 s in file mode;
 * in immediate mode, by one batch).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "nscap/clock.h"
#include "nscap/err.h"
#include "nscap/format.h"
#include "nscap/handle.h"
#include "nscap/iface.h"
#include "nscap/loop.h"
#include "nscap/ns.h"
#include "nscap/output.h"
#include "nscap/privdrop.h"
#include "nscap/ring.h"
#include "nscap/rotate.h"
#include "nscap/session.h"
#include "nscap/stats.h"
#include "nscap/target.h"
#include "nscap/text.h"
#include "nscap/watch.h"
#include "nscap/writer.h"

/* "TARGET:IFACE", whole: a target may be a path of up to PATH_MAX bytes
 * (a shorter buffer cut the interface off, and interfaces of a long
 * target all had one name); a description adds the process and container
 * to it */
#define LABEL_LEN (PATH_MAX + IF_NAMESIZE + 1)
#define DESC_LEN (LABEL_LEN + 256)

/* block timeout in file mode: how long light traffic may wait in a block.
 * tcpdump waits 1000 ms; a quarter of that makes -c, a stop and the order
 * across interfaces four times as prompt, and a lone handle's 64 blocks of
 * 256 KiB (libpcap's block size) still wait 16 s for the loop at light
 * rates (at high rates blocks fill long before their timeout) */
#define FILE_MODE_TIMEOUT_MS 250
/* at most this many packets from one handle per wake-up (about 1 ms of
 * work), so that a busy handle does not starve the others (a settling
 * twin's read adds the immediate ring's few: nscap_loop_dispatch) */
#define BATCH 16384

struct failed_iface {
	int ifindex;
	char name[IF_NAMESIZE];
};

struct starget {
	struct nscap_target t;
	struct nscap_ns *ns; /* NULL when it shares another target's */
	/* its process exited: the thread, ending once its closes are done
	 * (joined at the session's close) */
	struct nscap_ns *retired;
	size_t owner; /* the target whose thread serves its namespace */
	int watch_fd; /* -i all: the link-change doorbell, or -1 */
	bool all;
	bool relist;	       /* it rang: list again once the thread is free */
	bool gone;	       /* its process exited */
	char label[LABEL_LEN]; /* for messages: "pid 42" or the target */
	char desc[DESC_LEN];   /* "pid 42 (httpd)", "container web (...)" */
	struct nscap_iface_list ifaces;
	const struct nscap_iface **sel; /* chosen from ifaces */
	size_t nsel;
	/* -i all: interfaces that could not be attached while up; tried
	 * again once they have been down or away, or renamed */
	struct failed_iface *failed;
	size_t nfailed, capfailed;
};

/* Ordered by size, so the compiler leaves no holes (clang-tidy checks). */
struct nscap_session {
	const struct nscap_options *o;
	FILE *log;
	struct starget *tg;
	size_t ntg;
	struct nscap_handle **h;
	size_t nh, caph;
	const struct nscap_writer_ops *ops;
	struct nscap_writer *w;
	/* what drops privileges, for messages: "-Z", "set-user-ID", or "not
	 * run as root" (a user's process with capabilities) */
	const char *drop_by;
	size_t ring_bytes;   /* kernel ring of each handle */
	size_t bulk_bytes;   /* immediate mode: each block-mode twin's ring */
	int bulk_timeout_ms; /* and its block timeout */
	cpu_set_t cpus; /* the loop's CPUs, while on_spare keeps it to one */
	int spare_cpu;	/* the CPU left to the loop; -1: none */
	uint64_t last_wake; /* when the loop last woke, for the rate seen */
	uint64_t captured;
	struct nscap_stats total;
	size_t start; /* where the next wake-up starts reading */

	/* the capture: signals, output files, rotation, privileges */
	struct nscap_signals *sig;
	const sigset_t *waitmask;
	struct nscap_sink sink;
	struct nscap_rotate_state rs;
	sigset_t out_mask; /* wait_output's: the mask to put back */
	uint64_t full_since;
	uint64_t full_drops; /* packets dropped while the disk was full */
	uint64_t full_bytes; /* the file's size when the disk filled */
	uint64_t lost;	     /* packets the writers lost to disk faults */
	uint64_t last_flush;
	uint64_t last_counts; /* when the handles' counters were last read */
	uint64_t last_sigs;   /* when pending signals were last let in */
	uint64_t last_probe;  /* when probe() last asked */
	uint64_t wake_ns;     /* a wake-up the gears asked for, packets or not
				 (wake_by; monotonic); UINT64_MAX: none */
	/* a read made while new interfaces opened (read_while_opening) that
	 * failed: its handle, result and message, for read_ready */
	const struct nscap_handle *late_h;
	int late_ret;
	char late_err[NSCAP_ERRBUF];
	int out_flags;	      /* wait_output's: the fd's flags to put back */
	int64_t dup_until_ms; /* a stop signal before this is a duplicate */
	struct nscap_privdrop_cred cred;
	char path[4096]; /* the file being written */
	enum nscap_format fmt;
	enum nscap_rotate_reason stop_reason;
	enum nscap_output_kind out_kind; /* of the output being written */
	int out_watch; /* the output pipe, polled for its reader going away */
	int snaplen;   /* the snapshot length asked for */
	/* the first file's link type and snapshot length: pcap's header for
	 * a later file while no interface is attached (-i all) */
	int file_linktype;
	int file_snaplen;
	sig_atomic_t stop_seen; /* stop signals already acted on */
	unsigned int next_iface;
	bool stream;
	bool immediate;	    /* the handles are in immediate mode */
	bool verbose_names; /* several targets: name interfaces TARGET:IFACE */
	bool lost_target;
	bool said_stopped; /* a target's exit said "capture stopped" */
	bool rotating;	   /* -C, -G or -a: decisions per record */
	bool kept_spare;   /* the loop is kept to the spare CPU */
	bool autostopped;
	bool full;	/* --on-full=wait: the disk is full, dropping */
	bool full_said; /* and that was said: until a flush gets past it */
	bool disk_lost; /* the disk was full (or failing) at some point */
	bool nano;	/* the handles' timestamps are in nanoseconds */
	bool dropped;	/* privileges are gone: no new handle can be opened */
	bool at_once;	/* a second stop gave up a write to a stalled reader */
	bool usage;	/* the output is a terminal, or -Z or --no-drop refused:
			 * a usage error (status 2) */
	bool out_blocking; /* wait_output made the pipe blocking, signals in */
	bool out_own;	   /* the output's description is nscap's alone */
	bool out_created;  /* and nscap created the file */
};

enum stop_why {
	STOP_SIGNAL,
	STOP_COUNT,
	STOP_AUTOSTOP,
	STOP_DISK,
	STOP_READER_GONE,
	STOP_NOTHING_LEFT,
	STOP_ERROR,
};

static bool quiet(const struct nscap_session *s)
{
	return s->o->quiet;
}

/* Will the output be a stream that someone watches live? */
static bool output_is_stream(const char *path)
{
	struct stat st;

	if (nscap_output_is_stdout(path))
		return nscap_output_kind_of(STDOUT_FILENO) != NSCAP_OUTPUT_FILE;
	return stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
}

/* Wall-clock time, for statistics blocks and -G file names. */
static uint64_t now_ns(void)
{
	return nscap_clock_ns(CLOCK_REALTIME);
}

/* Monotonic time, for timers a clock step must not stretch. */
static uint64_t mono_ns(void)
{
	return nscap_clock_ns(CLOCK_MONOTONIC);
}

/*
 * In immediate mode, the read loop wakes this long after the start whether
 * packets came or not. Every wake-up is a gear decision for every handle
 * (read_ready, shift_gear), and a handle still on its twin from the start
 * goes down at its first quiet one (nscap_gear_next): its immediate ring is
 * opened and switched to then. With nothing to wake it, that waited for the
 * first packet, which went through the twin's block timeout and, with the
 * next ones, the ring's set-up (a grace period): the first three packets
 * of every latency run at 200 a second took 0.3 to 1.1 ms, against 0.12
 * to 0.18 for tcpdump (docs/BENCHMARKS.md, experiment 25). The fanout
 * program guards the immediate ring from the switch on (a flood that then
 * begins the stream goes to the twin: experiments 16, 19). Not at once: a
 * flow running at start brings its first wake-up in a block timeout, which
 * then decides, and opening the ring at once took CPU from its first
 * packets and made an early stop wait for the set-up (experiment 25).
 */
#define FIRST_WAKE_NS (10 * (uint64_t)1000000u)
/* A decision put off because the namespace thread was busy (-EBUSY): again
 * this soon, packets or not. */
#define RETRY_WAKE_NS (1 * (uint64_t)1000000u)

/* Have the read loop wake by at (monotonic), packets or not: each wake-up
 * is a gear decision for every handle (read_ready, shift_gear). */
static void wake_by(struct nscap_session *s, uint64_t at)
{
	if (at < s->wake_ns)
		s->wake_ns = at;
}

/* A stop signal came, or -c is reached: the capture ends where it is. */
static bool ending(const struct nscap_session *s)
{
	return s->sig->stop || (s->o->count && s->captured >= s->o->count);
}

static void shifted(struct nscap_session *s, size_t i, bool wait);
static void brace(struct nscap_session *s, size_t owner, size_t except);

/* When a wait for the rings' open blocks ends: a block's timeout. */
static int64_t pending_deadline(void)
{
	return nscap_loop_now_ms() + FILE_MODE_TIMEOUT_MS + 100;
}

static int open_target(struct nscap_session *s, size_t k, char *err)
{
	struct starget *g = &s->tg[k];
	struct nscap_ns_source src;
	struct stat own;
	size_t j;
	int ret;

	ret = nscap_target_resolve(s->o->targets[k], &g->t, err);
	if (ret)
		return ret;
	if (g->t.pid > 0)
		snprintf(g->label, sizeof(g->label), "pid %d", (int)g->t.pid);
	else
		snprintf(g->label, sizeof(g->label), "%s", s->o->targets[k]);
	nscap_target_describe(&g->t, g->desc, sizeof(g->desc));
	nscap_target_ns_source(&g->t, &src);
	ret = nscap_ns_start(&g->ns, &src, err);
	if (ret == -EPERM && !nscap_privdrop_capable())
		nscap_err_add(err, " (nscap needs root, or CAP_SYS_ADMIN and "
				   "CAP_NET_RAW)");
	if (ret)
		return ret;
	g->owner = k;
	/* two targets in one namespace are captured once, with a word: the
	 * user named two and gets one capture */
	for (j = 0; j < k; j++) {
		if (s->tg[j].ns && nscap_ns_inode(g->ns) != 0 &&
		    nscap_ns_inode(s->tg[j].ns) == nscap_ns_inode(g->ns)) {
			if (!quiet(s))
				fprintf(s->log,
					"nscap: %s shares the network "
					"namespace of %s; captured once\n",
					s->o->targets[k], s->o->targets[j]);
			nscap_ns_stop(g->ns);
			g->ns = NULL;
			g->owner = j;
			return 0;
		}
	}
	/* a container run with --network host: what nscap captures is the
	 * host's traffic, which a user may not expect */
	if (!quiet(s) && stat("/proc/thread-self/ns/net", &own) == 0 &&
	    (unsigned long)own.st_ino == nscap_ns_inode(g->ns))
		fprintf(s->log,
			"nscap: %s is in nscap's own network namespace (the "
			"host's, for a container run with --network host): "
			"its interfaces are the host's\n",
			s->o->targets[k]);
	return 0;
}

static int add_handle(struct nscap_session *s, struct nscap_handle *h,
		      char *err)
{
	if (s->nh == s->caph) {
		size_t cap = s->caph ? 2 * s->caph : 8;
		struct nscap_handle **v =
			realloc(s->h, cap * sizeof(struct nscap_handle *));

		if (!v)
			return nscap_seterr(err, ENOMEM, "cannot add a handle");
		s->h = v;
		s->caph = cap;
	}
	s->h[s->nh++] = h;
	return 0;
}

/* The configuration of a handle on f. */
static void handle_config(const struct nscap_session *s,
			  const struct nscap_iface *f,
			  struct nscap_handle_config *cfg)
{
	const struct nscap_options *o = s->o;

	memset(cfg, 0, sizeof(*cfg));
	cfg->device = f->name;
	cfg->snaplen = s->snaplen;
	cfg->promisc = o->promisc;
	cfg->buffer_bytes = s->ring_bytes;
	cfg->immediate = s->immediate;
	cfg->timeout_ms = FILE_MODE_TIMEOUT_MS;
	cfg->filter = o->filter;
	cfg->bulk_bytes = s->bulk_bytes;
	cfg->bulk_timeout_ms = s->bulk_timeout_ms;
}

/* Handle h, just opened on target k's interface f. */
static void handle_opened(struct nscap_session *s, size_t k,
			  const struct nscap_iface *f, struct nscap_handle *h)
{
	h->owner = k;
	h->ifindex = f->ifindex;
	/* with a twin, BULK first: the twin is the ring capturing */
	nscap_gear_init(&h->gear, mono_ns(),
			h->bulk ? NSCAP_GEAR_BULK : NSCAP_GEAR_LIGHT);
	if (s->immediate && !h->bulk && s->o->verbose)
		fprintf(s->log,
			"nscap: %s: no block-mode twin (the kernel refused the "
			"fanout group or its eBPF program); reading each "
			"packet\n",
			f->name);
}

/* Open a handle on each of target k's interfaces f[0..n), all at once (a
 * twin captures from its open on, unread until the loop runs: one after
 * another, 18 opens took 220 ms, and the first twins overflowed). The
 * results are in b's jobs once nscap_handle_batch_finish has run. */
static int open_handles(struct nscap_session *s, size_t k,
			const struct nscap_iface *const *f, size_t n,
			struct nscap_handle_batch *b, char *err)
{
	size_t i;

	b->jobs = calloc(n, sizeof(*b->jobs));
	if (!b->jobs)
		return nscap_seterr(err, ENOMEM, "cannot start");
	b->n = n;
	for (i = 0; i < n; i++)
		handle_config(s, f[i], &b->jobs[i].cfg);
	nscap_handle_batch_start(s->tg[k].ns, b);
	return 0;
}

/* Wait for b's opens, and close the handles no one took (a job's h is
 * NULL once taken); b is empty after. */
static void end_batch(struct nscap_ns *ns, struct nscap_handle_batch *b)
{
	size_t i;

	if (!b->jobs)
		return;
	nscap_handle_batch_finish(ns, b);
	for (i = 0; i < b->n; i++)
		nscap_handle_close(ns, b->jobs[i].h);
	free(b->jobs);
	b->jobs = NULL;
	b->n = 0;
}

static bool note_failed(struct starget *g, const struct nscap_iface *f);

int nscap_session_open(struct nscap_session **out,
		       const struct nscap_options *o, bool list_only, FILE *log,
		       char *err)
{
	char filter_err[NSCAP_ERRBUF] = "", *skipped_text = NULL;
	struct nscap_handle_batch *batches = NULL;
	size_t skipped_len = 0;
	FILE *skipped = NULL;
	struct nscap_session *s;
	size_t k, i, total = 0;
	int ret = 0;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return nscap_seterr(err, ENOMEM, "cannot start");
	s->o = o;
	s->log = log;
	s->out_watch = -1;
	s->spare_cpu = -1;
	s->file_linktype = -1;
	s->tg = calloc((size_t)o->ntargets, sizeof(*s->tg));
	if (!s->tg) {
		ret = nscap_seterr(err, ENOMEM, "cannot start");
		goto fail;
	}
	for (k = 0; k < (size_t)o->ntargets; k++) {
		struct nscap_target init = NSCAP_TARGET_INIT;

		s->tg[k].t = init;
		s->tg[k].watch_fd = -1;
	}
	s->ntg = (size_t)o->ntargets;
	s->verbose_names = s->ntg > 1;
	s->stream = !list_only && output_is_stream(o->output);
	s->immediate = o->immediate || s->stream;
	/* the immediate ring keeps less of a packet than this (see
	 * NSCAP_IMMEDIATE_RING_SNAPLEN); 65535 here cut a 64 KiB GSO packet's
	 * last bytes, its link header's worth */
	s->snaplen = o->snaplen;

	for (k = 0; k < s->ntg; k++) {
		ret = open_target(s, k, err);
		if (ret)
			goto fail;
	}
	for (k = 0; k < s->ntg; k++) {
		struct starget *g = &s->tg[k];
		bool all = false;

		if (g->owner != k)
			continue;
		for (i = 0; i < (size_t)o->nifaces; i++)
			all |= strcmp(o->ifaces[i], "all") == 0;
		/* the doorbell first: nothing that appears after the listing
		 * below is missed */
		if (all && !list_only) {
			ret = nscap_watch_open(g->ns, &g->watch_fd, err);
			if (ret)
				goto fail;
		}
		ret = nscap_iface_list(g->ns, &g->ifaces, err);
		if (ret)
			goto fail;
		if (list_only)
			continue;
		g->sel = calloc(g->ifaces.n + 1,
				sizeof(const struct nscap_iface *));
		if (!g->sel) {
			ret = nscap_seterr(err, ENOMEM, "cannot start");
			goto fail;
		}
		ret = nscap_iface_select(&g->ifaces, o->ifaces,
					 (size_t)o->nifaces, g->label, g->sel,
					 &g->nsel, &g->all, err);
		if (ret)
			goto fail;
		total += g->nsel;
	}
	/* every handle chosen: now the ring each gets can be shared out */
	s->ring_bytes = nscap_ring_bytes(total, o->buffer_kib, s->immediate);
	if (s->immediate)
		s->bulk_bytes = nscap_ring_bytes(total, o->buffer_kib, false);
	s->bulk_timeout_ms = nscap_gear_bulk_timeout_ms(total);
	skipped = open_memstream(&skipped_text, &skipped_len);
	batches = calloc(s->ntg, sizeof(*batches));
	if (!batches) {
		ret = nscap_seterr(err, ENOMEM, "cannot start");
		goto fail;
	}
	/* every target's handles open at once: the first twins capture
	 * while the others open */
	for (k = 0; k < s->ntg && !list_only; k++) {
		struct starget *g = &s->tg[k];

		if (g->owner == k && g->nsel > 0) {
			ret = open_handles(s, k, g->sel, g->nsel, &batches[k],
					   err);
			if (ret)
				goto fail;
		}
	}
	for (k = 0; k < s->ntg && !list_only; k++) {
		struct starget *g = &s->tg[k];
		struct nscap_handle_batch *b = &batches[k];

		if (!b->jobs)
			continue;
		nscap_handle_batch_finish(g->ns, b);
		for (i = 0; i < b->n; i++) {
			struct nscap_handle_job *j = &b->jobs[i];
			char tb[IF_NAMESIZE];

			ret = j->ret;
			/* -i all: an interface gone or down since the listing
			 * is skipped, as one appearing later is attached */
			if (g->all && (ret == -ENODEV || ret == -ENETDOWN ||
				       ret == -EIO)) {
				fprintf(s->log, "nscap: skipping %s: %s\n",
					nscap_text_tame_copy(g->sel[i]->name,
							     tb, sizeof(tb)),
					j->err);
				continue;
			}
			/* and so is one that cannot be opened otherwise,
			 * above all one the filter cannot take (a tun device
			 * and an "ether" filter), as when it appears later:
			 * noted, not tried again while it stays up. Said
			 * once the others are open: when none is, the first
			 * reason alone is the error (a syntax error would
			 * read as one problem per interface) */
			if (g->all && (ret == -EBADMSG || ret == -EINVAL)) {
				fprintf(skipped ? skipped : s->log,
					"nscap: not capturing on %s: %s\n",
					nscap_text_tame_copy(g->sel[i]->name,
							     tb, sizeof(tb)),
					j->err);
				note_failed(g, g->sel[i]);
				if (!filter_err[0])
					snprintf(filter_err, sizeof(filter_err),
						 "%s", j->err);
				continue;
			}
			if (ret) {
				snprintf(err, NSCAP_ERRBUF, "%s", j->err);
			} else {
				handle_opened(s, k, g->sel[i], j->h);
				ret = add_handle(s, j->h, err);
				if (ret == 0)
					j->h = NULL; /* the session's */
			}
			if (ret) {
				/* a filter an interface before took: this
				 * one's link type cannot (an "ether" filter
				 * on a tun), so which one (other messages
				 * name the interface) */
				if (ret == -EBADMSG && i > 0)
					nscap_err_prefix(
						err, nscap_text_tame_copy(
							     g->sel[i]->name,
							     tb, sizeof(tb)));
				/* of several targets, which one */
				if (s->ntg > 1)
					nscap_err_prefix(err, s->o->targets[k]);
				goto fail;
			}
		}
		end_batch(g->ns, b);
	}
	free(batches);
	batches = NULL;
	if (skipped && fclose(skipped) == 0 && s->nh && skipped_text)
		fputs(skipped_text, s->log);
	skipped = NULL;
	free(skipped_text);
	skipped_text = NULL;
	if (s->nh == 0 && filter_err[0]) {
		ret = nscap_seterr(err, 0, "%s", filter_err);
		goto fail;
	}
	/* every handle asks for nanoseconds; libpcap on Linux gives them */
	s->nano = s->nh == 0 || s->h[0]->nano;
	*out = s;
	return 0;
fail:
	for (k = 0; batches && k < s->ntg; k++)
		end_batch(s->tg[k].ns, &batches[k]);
	free(batches);
	if (skipped)
		fclose(skipped);
	free(skipped_text);
	nscap_session_close(s);
	return ret;
}

static const char *dlt_name(int dlt)
{
	const char *n = dlt >= 0 ? pcap_datalink_val_to_name(dlt) : NULL;

	return n ? n : "unknown";
}

static const char *dlt_description(int dlt)
{
	const char *n = dlt >= 0 ? pcap_datalink_val_to_description(dlt) : NULL;

	return n ? n : "unknown";
}

int nscap_session_list(struct nscap_session *s, FILE *out, char *err)
{
	char line[2048];
	size_t k, i;

	for (k = 0; k < s->ntg; k++) {
		struct starget *g = &s->tg[s->tg[k].owner];
		int ret;

		if (s->ntg > 1)
			fprintf(out, "%s%s (%s, net:[%lu]):\n", k ? "\n" : "",
				s->o->targets[k], s->tg[k].desc,
				nscap_ns_inode(g->ns));
		ret = nscap_iface_linktypes(g->ns, &g->ifaces, err);
		if (ret)
			return ret;
		for (i = 0; i < g->ifaces.n; i++) {
			const struct nscap_iface *f = &g->ifaces.v[i];

			nscap_iface_describe(f, i + 1, line, sizeof(line));
			fprintf(out, "%s %s%s%s\n", line, dlt_name(f->linktype),
				f->addrs ? " " : "", f->addrs ? f->addrs : "");
		}
	}
	if (fflush(out) != 0)
		return nscap_seterr(err, errno, "cannot write the list");
	return 0;
}

/* The writer's description of handle h. */
static void describe(const struct nscap_session *s,
		     const struct nscap_handle *h, char *name, size_t nlen,
		     char *desc, size_t dlen)
{
	const struct starget *g = &s->tg[h->owner];

	snprintf(name, nlen, "%s:%s", s->o->targets[h->owner], h->device);
	char who[LABEL_LEN], ctr[128] = "";

	if (g->t.pid > 0)
		snprintf(who, sizeof(who), "pid %d (%s)", (int)g->t.pid,
			 g->t.comm);
	else
		snprintf(who, sizeof(who), "%s", s->o->targets[h->owner]);
	if (g->t.container_id[0])
		snprintf(ctr, sizeof(ctr), ", container %s%s%s", g->t.runtime,
			 g->t.runtime[0] ? " " : "", g->t.container_id);
	snprintf(desc, dlen, "%s%s, net:[%lu]", who, ctr,
		 nscap_ns_inode(s->tg[g->owner].ns));
}

/* A label for messages: the device, or TARGET:device with several. */
static const char *hlabel(const struct nscap_session *s,
			  const struct nscap_handle *h, char *buf, size_t len)
{
	if (!s->verbose_names)
		snprintf(buf, len, "%s", h->device);
	else
		snprintf(buf, len, "%s:%s", s->o->targets[h->owner], h->device);
	/* an interface is named in its namespace, control bytes and all */
	nscap_text_tame_all(buf);
	return buf;
}

static void say_listening(const struct nscap_session *s,
			  const struct nscap_handle *h)
{
	const struct starget *g = &s->tg[h->owner];
	char name[IF_NAMESIZE];

	if (quiet(s))
		return;
	nscap_text_tame_copy(h->device, name, sizeof(name));
	fprintf(s->log,
		"nscap: listening on %s in %s, link-type %s (%s), "
		"snapshot length %d bytes\n",
		name, g->desc, dlt_name(h->linktype),
		dlt_description(h->linktype), h->snaplen);
}

static size_t count_linktypes(const struct nscap_session *s)
{
	size_t i, j, n = 0;

	for (i = 0; i < s->nh; i++) {
		for (j = 0; j < i; j++)
			if (s->h[j]->linktype == s->h[i]->linktype)
				break;
		n += j == i;
	}
	return n;
}

/*
 * The pcapng writer's wait when the output pipe takes no more (a reader
 * slower than the traffic, or one that is alive but does not read). On a
 * pipe description of nscap's own, the pipe turns blocking for the write,
 * with the signals let in: the kernel wakes the writer as the reader makes
 * room, with no round trip through ppoll for each page freed (that cost a
 * slow reader's stream 10 to 15% more CPU). A stop signal turns it
 * non-blocking again (on_signal, through sig->out_fd), so the write comes
 * back here (EAGAIN, or a short write, then EAGAIN), also when the signal
 * came just before the write began. A first stop goes on waiting (a reader
 * that is only slow still gets what the rings hold); a second, after the
 * duplicate window, gives the write up: EINTR, and the capture ends at
 * once. output_done undoes it all. On a description shared with others
 * (stdout as a socket), its flags are left alone: ppoll for room.
 */
static int wait_output(void *ctx, int fd)
{
	struct nscap_session *s = ctx;
	struct pollfd pfd = {fd, POLLOUT, 0};

	for (;;) {
		if (!s->at_once &&
		    nscap_loop_take_stop(&s->sig->stop, &s->stop_seen,
					 &s->dup_until_ms) == NSCAP_STOP_SECOND)
			s->at_once = true;
		if (s->at_once)
			return EINTR; /* decided: nothing more is written */
		if (!s->out_own) {
			if (ppoll(&pfd, 1, NULL, s->waitmask) > 0)
				return 0; /* room, or the reader is gone */
			if (errno != EINTR)
				return errno;
			continue;
		}
		if (!s->out_blocking) {
			int fl = fcntl(fd, F_GETFL);

			if (fl < 0)
				return errno;
			s->out_flags = fl;
			s->sig->out_fd = fd;
			/* signals pending now come in at the unmask, and
			 * make the fd non-blocking: checked again above */
			pthread_sigmask(SIG_SETMASK, s->waitmask, &s->out_mask);
			s->out_blocking = true;
			continue;
		}
		/* blocking for the write (again, after a first stop) */
		if (fcntl(fd, F_SETFL, s->out_flags & ~O_NONBLOCK) < 0)
			return errno;
		/* a stop between the check above and here made it
		 * non-blocking before this call: checked once more */
		if (s->sig->stop == s->stop_seen)
			return 0;
	}
}

static void output_done(void *ctx, int fd)
{
	struct nscap_session *s = ctx;

	if (!s->out_blocking)
		return;
	s->sig->out_fd = -1;
	pthread_sigmask(SIG_SETMASK, &s->out_mask, NULL);
	(void)fcntl(fd, F_SETFL, s->out_flags);
	s->out_blocking = false;
}

/* A writer for a new file on fd, just opened at path, that describes every
 * live handle, into *w. Each handle's number in it goes to num (by the
 * handle's place in s->h), and how many there are to *next: the caller
 * sets them once the file before is closed, whose statistics use the old
 * numbers. The writer owns fd, also on failure. */
static int open_writer(struct nscap_session *s, const char *path, int fd,
		       struct nscap_writer **w, unsigned int *num,
		       unsigned int *next, char *err)
{
	struct nscap_writer_iface *ifs;
	struct nscap_writer_config cfg;
	char(*names)[LABEL_LEN] = NULL, (*descs)[DESC_LEN] = NULL;
	char os[256] = "Linux";
	struct utsname u;
	size_t i, n = 0;
	int ret;

	ifs = calloc(s->nh + 1, sizeof(*ifs));
	names = calloc(s->nh + 1, sizeof(*names));
	descs = calloc(s->nh + 1, sizeof(*descs));
	if (!ifs || !names || !descs) {
		close(fd);
		ret = nscap_seterr(err, ENOMEM, "cannot start the writer");
		goto out;
	}
	/* a handle ended in the middle of a pass is NULL until compact() */
	for (i = 0; i < s->nh; i++) {
		struct nscap_handle *h = s->h[i];

		if (!h)
			continue;
		describe(s, h, names[n], sizeof(names[n]), descs[n],
			 sizeof(descs[n]));
		ifs[n].name = names[n];
		ifs[n].description = descs[n];
		ifs[n].filter = s->o->filter;
		ifs[n].linktype = h->linktype;
		ifs[n].snaplen = h->snaplen;
		num[i] = (unsigned int)n++;
	}
	*next = (unsigned int)n;
	if (n == 0 && s->fmt == NSCAP_FORMAT_PCAP && s->file_linktype >= 0) {
		/* -i all with every interface gone: pcap's header still needs
		 * the link type, the capture's (an interface that comes back
		 * must have it, as before) */
		ifs[0].name = "";
		ifs[0].linktype = s->file_linktype;
		ifs[0].snaplen = s->file_snaplen;
		n = 1;
	}
	memset(&u, 0, sizeof(u));
	if (uname(&u) == 0)
		snprintf(os, sizeof(os), "%s %s", u.sysname, u.release);
	memset(&cfg, 0, sizeof(cfg));
	cfg.ifaces = ifs;
	cfg.nifaces = n;
	cfg.in_nano = s->nano;
	cfg.out_nano = s->fmt == NSCAP_FORMAT_PCAPNG || s->o->nano;
	cfg.os = os;
	cfg.hardware = u.machine;
	cfg.userappl = "nscap " NSCAP_VERSION;
	/* the writer's messages name the output ("out.pcapng: cannot write
	 * packets: No space left on device") */
	cfg.output = nscap_output_is_stdout(path) ? "standard output" : path;
	cfg.wait = wait_output;
	cfg.done = output_done;
	cfg.wait_ctx = s;
	s->ops = nscap_format_writer(s->fmt);
	ret = s->ops->open(w, fd, &cfg, err);
	if (ret == 0 && n > 0 && s->file_linktype < 0) {
		s->file_linktype = ifs[0].linktype;
		s->file_snaplen = ifs[0].snaplen;
	}
out:
	free(ifs);
	free(names);
	free(descs);
	return ret;
}

/* The counters of handle h, to the file (pcapng) and, when it ends, the
 * totals; of an interface that is gone, its sockets' alone, read on the
 * loop's thread (nscap_handle_stats_here): its sysfs is gone too.
 * Returns the counters read, zeroed when they cannot be read. */
static struct nscap_counts handle_counters(struct nscap_session *s,
					   struct nscap_handle *h, bool gone)
{
	struct nscap_counts st = {0, 0, 0};
	char err[NSCAP_ERRBUF];
	int ret = gone ? nscap_handle_stats_here(h, &st, err)
		       : nscap_handle_stats(s->tg[h->owner].ns, h, &st, err);

	if (ret == 0) {
		struct nscap_writer_stats ws = {now_ns(), st.received,
						st.dropped, h->captured};

		int r = s->w ? s->ops->stats(s->w, h->iface, &ws, err) : 0;

		/* after a disk fault the writer refuses them: said already;
		 * a reader that went away is a normal end, as a stop at once */
		if (r && r != -EPIPE && r != -EINTR &&
		    !nscap_writer_disk_fault(-r))
			fprintf(s->log, "nscap: %s\n", err);
	}
	return st;
}

/* Close the current file: statistics of every handle, then the writer.
 * 0, or a negative errno with err set. */
static int close_file(struct nscap_session *s, char *err)
{
	size_t i;
	int ret;

	if (!s->w)
		return 0;
	for (i = 0; i < s->nh; i++)
		if (s->h[i])
			handle_counters(s, s->h[i], false);
	ret = s->ops->flush(s->w, err);
	s->lost += s->ops->lost(s->w);
	if (ret)
		s->ops->close(s->w, NULL); /* the flush said what went wrong */
	else
		ret = s->ops->close(s->w, err);
	s->w = NULL;
	return ret;
}

/* Remove file path, which nscap made and could not start (the message
 * already said why), saying so when it cannot. */
static void remove_made(struct nscap_session *s, const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		fprintf(s->log, "nscap: cannot remove %s: %s\n", path,
			strerror(errno));
}

/* Open the output at path (a file made as root before the drop is given to
 * the user). 0, or a negative errno with err set and nothing left made. */
static int open_output(struct nscap_session *s, const char *path,
		       struct nscap_output *out, char *err)
{
	struct stat st;
	int ret;

	/* pcapng's writer waits through a stalled pipe itself (wait_output):
	 * its pipe is non-blocking; pcap's, libpcap's stdio, blocks */
	unsigned int how =
		s->fmt == NSCAP_FORMAT_PCAPNG ? NSCAP_OUTPUT_NONBLOCK : 0;

	ret = nscap_output_open(path, out, how, err);
	if (ret == -ENXIO && stat(path, &st) == 0 && S_ISFIFO(st.st_mode)) {
		struct timespec tick = {0, 100 * 1000000L};

		if (!quiet(s))
			fprintf(s->log, "nscap: waiting for a reader of %s\n",
				path);
		/* no open(2) that blocks: a signal just before it would be
		 * handled and then slept through. Tries every 0.1 s, waiting
		 * in ppoll with the signals let in; SIGUSR1 waits on */
		while (ret == -ENXIO) {
			if (s->sig->stop || s->sig->rotate) {
				nscap_seterr(err, 0,
					     "stopped while waiting for a "
					     "reader of %s",
					     path);
				return -ECANCELED;
			}
			ppoll(NULL, 0, &tick, s->waitmask);
			s->sig->stats = 0;
			ret = nscap_output_open(path, out, how, err);
		}
	}
	if (ret)
		return ret;
	if (out->kind == NSCAP_OUTPUT_TTY) {
		/* -w /dev/tty: as nscap refuses stdout on a terminal */
		close(out->fd);
		s->usage = true;
		return nscap_seterr(err, 0,
				    "refusing to write packets to a terminal "
				    "(%s)",
				    path);
	}
	if (out->created && !s->dropped && s->cred.drop) {
		/* made as root before the drop: the user's, as later ones */
		ret = nscap_privdrop_chown(out->fd, path, &s->cred, err);
		if (ret) {
			close(out->fd);
			remove_made(s, path);
			return ret;
		}
	}
	return 0;
}

/* Start the writer on output out, just opened at path, with every handle
 * described in it, and then close the file before, if any: where the new
 * file cannot be started (its header meets a full disk), the one before is
 * still whole and open. The writer owns out->fd, also on failure. */
static int start_writer(struct nscap_session *s, const char *path,
			const struct nscap_output *out, char *err)
{
	struct nscap_writer *w = NULL;
	unsigned int *num = calloc(s->nh + 1, sizeof(*num)), next = 0;
	bool own = s->out_own;
	size_t i;
	int ret;

	if (!num) {
		close(out->fd);
		ret = nscap_seterr(err, ENOMEM, "cannot start the writer");
		goto fail;
	}
	/* wait_output's view while the header goes out: the new output's */
	s->out_own = out->own;
	ret = open_writer(s, path, out->fd, &w, num, &next, err);
	s->out_own = own;
	if (ret)
		goto fail;
	ret = close_file(s, err);
	if (ret) {
		s->ops->close(w, NULL);
		goto fail;
	}
	s->w = w;
	for (i = 0; i < s->nh; i++)
		if (s->h[i])
			s->h[i]->iface = num[i];
	s->next_iface = next;
	s->out_watch = out->kind == NSCAP_OUTPUT_PIPE ? out->fd : -1;
	s->out_kind = out->kind;
	s->out_own = out->own;
	s->out_created = out->created;
	s->path[0] = '\0';
	if (!nscap_output_is_stdout(path))
		snprintf(s->path, sizeof(s->path), "%s", path);
	s->last_flush = mono_ns();
	free(num);
	return 0;
fail:
	if (out->created)
		remove_made(s, path);
	free(num);
	return ret;
}

/* Open file path (the first, or the ring's only one again) with every
 * handle described in it. */
static int open_file(struct nscap_session *s, const char *path, char *err)
{
	struct nscap_output out = {-1, NSCAP_OUTPUT_OTHER, false, false};
	int ret = open_output(s, path, &out, err);

	return ret ? ret : start_writer(s, path, &out, err);
}

/*
 * Would a sticky directory (/tmp) refuse to let this process remove path?
 * The kernel's rule: neither the file nor the directory is the caller's,
 * and CAP_FOWNER is not in effect; a file root truncated before the drop
 * (-w naming one that was there) is not the user's. Asked before the file
 * is closed; other refusals (an immutable file) still come after.
 */
static bool sticky_refuses(const char *dir, const char *path)
{
	struct stat d, f;
	uid_t me = geteuid();

	if (stat(dir, &d) < 0 || !(d.st_mode & S_ISVTX) || lstat(path, &f) < 0)
		return false;
	return f.st_uid != me && d.st_uid != me &&
	       !nscap_privdrop_has_cap(CAP_FOWNER);
}

/* Rotation decision d says: the next file, named path. The next is opened
 * before the current one is closed: if it cannot be, the current one is
 * still whole and open. */
static int switch_file(struct nscap_session *s,
		       const struct nscap_rotate_decision *d, const char *path,
		       char *err)
{
	struct nscap_output out = {-1, NSCAP_OUTPUT_OTHER, false, false};
	int ret;

	if (strcmp(path, s->path) == 0) {
		/* -W 1: the ring's one file, replaced: removed and made again.
		 * Whether the user may is asked first, so that a SIGHUP whose
		 * file cannot be made goes on writing this one (it closed it,
		 * and the capture ended); and removed only once closed, so
		 * that a close that fails (a full disk) leaves it, cut back to
		 * a whole record */
		char dir[sizeof(s->path)];

		nscap_output_dir_of(path, dir, sizeof(dir));
		if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0)
			return nscap_seterr(err, errno, "cannot replace %s",
					    path);
		if (sticky_refuses(dir, path))
			return nscap_seterr(err, EPERM, "cannot replace %s",
					    path);
		ret = close_file(s, err);
		if (ret)
			return ret;
		if (unlink(path) < 0 && errno != ENOENT)
			return nscap_seterr(err, errno, "cannot remove %s",
					    path);
		return open_file(s, path, err);
	}
	if (d->replaces && unlink(path) < 0 && errno != ENOENT)
		return nscap_seterr(err, errno, "cannot remove %s", path);
	ret = open_output(s, path, &out, err);
	return ret ? ret : start_writer(s, path, &out, err);
}

/* After a disk fault a new file waits until a write has got through again
 * (a resume alone proves nothing): it would fail as the current one did. */
static bool new_file_waits(const struct nscap_session *s)
{
	return s->full || s->full_said;
}

/* A flush went well: if it wrote past where the disk filled, the spell is
 * over. */
static void disk_fine(struct nscap_session *s)
{
	if (!s->full_said || s->full || s->ops->size(s->w) <= s->full_bytes)
		return;
	s->full_said = false;
	if (!quiet(s))
		fprintf(s->log, "nscap: there is space again; writing "
				"packets\n");
}

static bool disk_fault(int e);
static int disk_trouble(struct nscap_session *s, int e, char *err);

/* Flush the writer: a disk fault goes to disk_trouble (with --on-full=wait,
 * 0 and s->full set), a flush that got through to disk_fine. */
static int flush_file(struct nscap_session *s, char *err)
{
	int ret = s->ops->flush(s->w, err);

	s->last_flush = mono_ns();
	if (disk_fault(ret))
		return disk_trouble(s, ret, err);
	if (ret == 0)
		disk_fine(s);
	return ret;
}

/* Whether the new -G period of decision d names its files as the current
 * period does (with -C, a pattern coarser than -G: FILE-%H with -G 60). */
static bool same_names(const struct nscap_session *s,
		       const struct nscap_rotate_decision *d)
{
	char now[sizeof(s->path)], before[sizeof(s->path)], e[NSCAP_ERRBUF];
	time_t t_now = (time_t)(d->name_ns / 1000000000u);
	time_t t_before = (time_t)(s->rs.period_start_ns / 1000000000u);
	const char *f = s->o->output;

	return nscap_rotate_filename(f, &s->o->rotate, 0, t_now, now,
				     sizeof(now), e) == 0 &&
	       nscap_rotate_filename(f, &s->o->rotate, 0, t_before, before,
				     sizeof(before), e) == 0 &&
	       strcmp(now, before) == 0;
}

/* Rotation decision d says: the next file. */
static int next_file(struct nscap_session *s,
		     const struct nscap_rotate_decision *d, char *err)
{
	bool asked = d->reason == NSCAP_ROTATE_BY_REQUEST;
	struct nscap_rotate_decision same;
	char path[sizeof(s->path)];
	int ret;

	/* --on-full=wait: what the current file holds goes out first, so
	 * that a disk that filled meanwhile is waited for (closing it would
	 * fail and end the capture) */
	if (s->o->on_full_wait && s->w) {
		ret = flush_file(s, err);
		if (ret || s->full)
			return ret;
	}
	/* the new period's first name is this period's: numbering from 0
	 * again would truncate the files this period wrote */
	if (d->new_period && s->o->rotate.max_bytes && same_names(s, d)) {
		same = *d;
		nscap_rotate_same_names(&s->o->rotate, &s->rs, &same);
		d = &same;
	}
	ret = nscap_rotate_filename(s->o->output, &s->o->rotate, d->index,
				    (time_t)(d->name_ns / 1000000000u), path,
				    sizeof(path), err);
	if (ret == 0 && !d->replaces && strcmp(path, s->path) == 0) {
		/* the pattern names the file being written again (-G with a
		 * pattern coarser than S, or SIGHUP within its unit): opening
		 * it would truncate what it holds; it goes on instead */
		nscap_rotate_kept(&s->rs, d);
		if (asked ? !quiet(s) : s->o->verbose)
			fprintf(s->log,
				"nscap: the next file would be %s again; "
				"still writing it\n",
				path);
		return 0;
	}
	if (ret == 0)
		ret = switch_file(s, d, path, err);
	if (ret && asked && s->w) {
		/* SIGHUP: the capture goes on in the file it had */
		fprintf(s->log, "nscap: %s; still writing %s\n", err, s->path);
		return 0;
	}
	/* the new file's header met a full disk: the current file is still
	 * open (start_writer), and with --on-full=wait the new one waits for
	 * space as any write does (decided again once a write gets through) */
	if (disk_fault(ret) && s->w)
		return disk_trouble(s, ret, err);
	if (ret)
		return ret;
	nscap_rotate_opened(&s->rs, d, s->ops->size(s->w));
	s->rs.close_bytes = s->ops->trailer_size(s->w);
	if (s->o->verbose)
		fprintf(s->log, "nscap: now writing %s\n", path);
	return 0;
}

/* Act on a rotation decision. 0, -ECANCELED for a stop, or -errno. */
static int act(struct nscap_session *s, enum nscap_rotate_action a,
	       const struct nscap_rotate_decision *d, char *err)
{
	if (a == NSCAP_ROTATE_STOP) {
		s->autostopped = true;
		s->stop_reason = d->reason;
		return -ECANCELED;
	}
	if (a == NSCAP_ROTATE_NEXT)
		return next_file(s, d, err);
	return 0;
}

static bool disk_fault(int e)
{
	return e < 0 && nscap_writer_disk_fault(-e);
}

/* A packet while the disk is full, or with rotation: rotation first, then
 * the writer. Not inlined: inlined, it made sink_write save six registers
 * for every packet, the common case too. */
__attribute__((noinline)) static int
sink_write_slow(struct nscap_session *s, const struct nscap_handle *from,
		const struct pcap_pkthdr *h, const unsigned char *data,
		char *err)
{
	struct nscap_rotate_decision d;
	enum nscap_rotate_action a;
	uint64_t rec, ts;
	int ret;

	if (s->full) {
		s->full_drops++;
		return 0;
	}
	ts = nscap_pkt_ns(h, s->nano);
	rec = s->ops->record_size(s->w, h->caplen);
	a = nscap_rotate_decide(&s->o->rotate, &s->rs, ts, rec, false, &d);
	/* as in housekeeping: a new file waits (at once, its header would
	 * meet the full disk, and pcap's could fit in its last bytes and make
	 * an empty file). What is queued is tried now: once it gets
	 * through, the new file; until then the packets go to the current
	 * file (past -C by a packet) or, while the disk is full, are counted
	 * and dropped */
	if (a == NSCAP_ROTATE_NEXT && new_file_waits(s)) {
		ret = flush_file(s, err);
		if (ret)
			return ret;
		if (s->full) {
			s->full_drops++;
			return 0;
		}
		if (new_file_waits(s))
			a = NSCAP_ROTATE_NONE;
	}
	ret = act(s, a, &d, err);
	if (ret) {
		/* the next file could not be made: this packet is lost too
		 * (the loop counts it captured) */
		if (ret != -ECANCELED)
			s->lost++;
		return ret;
	}
	/* from->iface after act(): a new file numbers its interfaces anew,
	 * without those that ended */
	ret = s->ops->write(s->w, from->iface, h, data, err);
	if (ret == 0)
		nscap_rotate_wrote(&s->rs, rec, 1);
	return ret;
}

/* Where every packet goes. The common case, one file and room on the
 * disk, goes straight to the writer: a tail call, nothing kept. */
static int sink_write(void *ctx, const struct nscap_handle *from,
		      const struct pcap_pkthdr *h, const unsigned char *data,
		      char *err)
{
	struct nscap_session *s = ctx;

	if (s->full || s->rotating)
		return sink_write_slow(s, from, h, data, err);
	return s->ops->write(s->w, from->iface, h, data, err);
}

/*
 * The disk is full (or failing). The writer has cut the file back to its
 * last whole record. Stop, or with --on-full=wait count what is dropped
 * and try again now and then. Returns 0 to go on, or the error.
 */
static int disk_trouble(struct nscap_session *s, int e, char *err)
{
	/* no file open (a rotation failed to make the next): nothing to
	 * wait with */
	if (!s->o->on_full_wait || !s->w)
		return e;
	/* once a spell: a try that fails again is not news */
	if (!s->full_said && !quiet(s))
		fprintf(s->log,
			"nscap: %s; dropping packets until there is "
			"space\n",
			err);
	s->full_said = true;
	s->disk_lost = true;
	s->full = true;
	s->full_since = mono_ns();
	s->full_bytes = s->ops->size(s->w);
	return 0;
}

/* The writer has resumed after a disk fault: packets go to it again, and
 * the file was cut back: -C counts from what it holds. */
static void writing_again(struct nscap_session *s)
{
	s->full = false;
	s->rs.file_bytes = s->ops->size(s->w);
}

#define RING_ROOM ((off_t)64 * 1024)

/*
 * --on-full=wait with a -W ring that has come round: the ring's next file
 * replaces its oldest. That happens now, while the disk is full, and the
 * current file (cut back to its last whole record) ends there. Waiting for
 * a write to get through first, as any other new file does
 * (new_file_waits), waited for ever: only the ring's going round frees its
 * space. Where the oldest's space is too little, the next write fails and
 * the wait goes on as before (with nothing more to remove). An oldest file
 * under RING_ROOM bytes is left to wait with: closing the current file
 * writes its statistics, and a failure there would end the capture. 0, or
 * a negative errno with err set when the next file could not be made.
 */
static int ring_goes_round(struct nscap_session *s, char *err)
{
	struct nscap_rotate_decision d = {0};
	char path[sizeof(s->path)], dir[sizeof(s->path)], e[NSCAP_ERRBUF];
	enum nscap_rotate_action a;
	struct statvfs vfs;
	struct stat st;
	int ret;

	if (!s->full || !s->w || !s->o->rotate.files || !s->o->rotate.max_bytes)
		return 0;
	a = nscap_rotate_decide(&s->o->rotate, &s->rs, now_ns(), 0, true, &d);
	if (a != NSCAP_ROTATE_NEXT || !d.replaces)
		return 0;
	if (nscap_rotate_filename(s->o->output, &s->o->rotate, d.index,
				  (time_t)(d.name_ns / 1000000000u), path,
				  sizeof(path), e))
		return 0;
	/* -W 1: the oldest is the current file; another name for it (a hard
	 * link) keeps its space */
	if (strcmp(path, s->path) == 0 || stat(path, &st) < 0 ||
	    st.st_size < RING_ROOM || st.st_nlink > 1 || unlink(path) < 0)
		return 0;
	/* a file still open elsewhere (tail -f, an uploader) keeps its space
	 * until it is closed, and another writer may take it first: closing
	 * the current file, which writes its statistics, would then fail and
	 * end the capture. Without the room, the wait goes on (the oldest is
	 * gone: the next tries find nothing to remove) */
	nscap_output_dir_of(path, dir, sizeof(dir));
	if (statvfs(dir, &vfs) < 0 ||
	    (uint64_t)vfs.f_bavail * vfs.f_frsize < (uint64_t)RING_ROOM ||
	    s->ops->resume(s->w, e))
		return 0;
	writing_again(s);
	/* a turn of the ring, not a SIGHUP (which would say more, even with
	 * -q, when the next file cannot be made) */
	d.reason = NSCAP_ROTATE_BY_SIZE;
	ret = next_file(s, &d, err);
	if (ret || s->full || strcmp(path, s->path) != 0)
		return ret;
	s->full_said = false;
	/* a SIGHUP that came while the disk was full asked for this file */
	s->sig->rotate = 0;
	if (!quiet(s))
		fprintf(s->log,
			"nscap: the disk is full: removed %s, the ring's "
			"oldest file, to write it anew\n",
			path);
	return 0;
}

static void try_resume(struct nscap_session *s)
{
	char err[NSCAP_ERRBUF];

	if (!s->full || !s->w || mono_ns() - s->full_since < 1000000000u)
		return;
	if (s->ops->resume(s->w, err) == 0)
		writing_again(s);
	else
		s->full_since = mono_ns();
}

/*
 * Take what handle i's kernel ring accepted but has not handed over yet
 * (a block that is not full waits for its timeout), so that a stop or an
 * interface that goes away loses nothing already received. Returns the
 * packets taken, or a negative errno (-EPIPE: the reader went away).
 */
static int take_pending(struct nscap_session *s, size_t i, int64_t deadline,
			uint64_t *at_stop)
{
	struct nscap_handle *h = s->h[i];
	struct nscap_counts st = {0, 0, 0};
	uint64_t want, before, max = UINT64_MAX;
	char err[NSCAP_ERRBUF];
	struct nscap_wait wt;
	int n;

	if (s->o->count)
		max = s->o->count - s->captured;
	/* a switch under way first: then where every packet is is known */
	shifted(s, i, true);
	if (max == 0 || s->autostopped || !s->w)
		return 0;
	/* what the kernel had accepted at the stop: counted again for a
	 * later pass, the wait chased packets that came after it, up to
	 * the next block's timeout (two rings opened at once retire their
	 * blocks together: t_signals' second ring waited out the deadline
	 * for a block of packets newer than the stop, 150 to 180 lost) */
	if (at_stop && *at_stop) {
		want = *at_stop - 1; /* 0: not counted yet */
	} else {
		/* the sockets' counters, without waiting for the namespace
		 * thread (nscap_handle_stats_here); and the packets handed
		 * over that they may not count */
		if (nscap_handle_stats_here(h, &st, err))
			return 0;
		want = st.received - st.dropped + nscap_handle_unsure(h);
		if (at_stop)
			*at_stop = want + 1;
	}
	if (want <= h->captured)
		return 0;
	wt.deadline_ms = deadline;
	wt.waitmask = s->waitmask;
	wt.stop = &s->sig->stop;
	wt.seen = &s->stop_seen;
	wt.dup_until_ms = &s->dup_until_ms;
	before = h->captured;
	n = nscap_loop_wait_pending(h, &s->sink, want, max, &wt, err);
	s->captured += h->captured - before;
	/* -EINTR: a stop at once (said at the end), or a new stop signal */
	if (n < 0 && n != -EPIPE && n != -ENETDOWN && n != -ECANCELED &&
	    n != -EINTR)
		fprintf(s->log, "nscap: %s\n", err);
	return n;
}

/* Handle i's last counters: to the file, the totals and, with several
 * interfaces, a line of its own. gone: its interface is. */
static void last_counts(struct nscap_session *s, size_t i, bool gone)
{
	struct nscap_handle *h = s->h[i];
	struct nscap_counts st;

	/* a switch under way is taken first, so that its namespace thread
	 * can run the next one */
	shifted(s, i, true);
	st = handle_counters(s, h, gone);

	s->total.received += st.received;
	s->total.dropped += st.dropped;
	s->total.ifdropped += st.ifdropped;
	/* several interfaces (several targets in one namespace are one) */
	if ((s->nh > 1 || s->next_iface > 1) && !quiet(s)) {
		char lb[LABEL_LEN];

		fprintf(s->log,
			"nscap: %s: %" PRIu64 " captured, %" PRIu64
			" received by filter, %" PRIu64 " dropped by kernel\n",
			hlabel(s, h, lb, sizeof(lb)), h->captured, st.received,
			st.dropped);
	}
}

/* Handle i taken out of s->h (its slot NULL), with a failed read stashed
 * for it (read_while_opening). */
static struct nscap_handle *take_handle(struct nscap_session *s, size_t i)
{
	struct nscap_handle *h = s->h[i];

	if (s->late_h == h)
		s->late_h = NULL;
	s->h[i] = NULL;
	return h;
}

/* Close handle i in its namespace thread, without waiting: closing a
 * packet socket waits for a grace period (20 to 50 ms each here), and a
 * loop blocked that long lets the other handles' rings overflow. */
static void close_handle(struct nscap_session *s, size_t i)
{
	struct nscap_handle *h = take_handle(s, i);

	nscap_handle_close_later(s->tg[h->owner].ns, h);
}

/* Close the handles of target owner (SIZE_MAX: all), without waiting, each
 * namespace's all at once (nscap_handle_close_all_later); their slots in
 * s->h are NULL after. */
static void close_handles(struct nscap_session *s, size_t owner)
{
	struct nscap_handle **hs =
		malloc((s->nh ? s->nh : 1) * sizeof(struct nscap_handle *));
	size_t i, k, n;

	for (k = 0; k < s->ntg; k++) {
		if ((owner != SIZE_MAX && k != owner) || !s->tg[k].ns)
			continue;
		n = 0;
		for (i = 0; i < s->nh; i++) {
			if (!s->h[i] || s->h[i]->owner != k)
				continue;
			if (!hs) {
				close_handle(s, i); /* no memory: one by one */
				continue;
			}
			hs[n++] = take_handle(s, i);
		}
		if (n)
			nscap_handle_close_all_later(s->tg[k].ns, hs, n);
	}
	free(hs);
}

/* End handle i, whose interface is gone: its counters to the file and the
 * totals, then close it. */
static void end_gone_handle(struct nscap_session *s, size_t i)
{
	last_counts(s, i, true);
	close_handle(s, i);
}

/* Handle i's interface is gone (why): said, what its ring holds taken,
 * and the handle ended (compact() follows). */
static void handle_gone(struct nscap_session *s, size_t i, const char *why)
{
	char lb[LABEL_LEN], tw[NSCAP_ERRBUF];

	/* why may be libpcap's, which may name the interface */
	fprintf(s->log, "nscap: capture on %s ended: %s\n",
		hlabel(s, s->h[i], lb, sizeof(lb)),
		nscap_text_tame_copy(why, tw, sizeof(tw)));
	brace(s, SIZE_MAX, i);
	take_pending(s, i, pending_deadline(), NULL);
	end_gone_handle(s, i);
}

static void compact(struct nscap_session *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nh; i++)
		if (s->h[i])
			s->h[n++] = s->h[i];
	s->nh = n;
}

/*
 * End the handles of target owner (SIZE_MAX: every handle): every one's
 * counters before any is closed. A close waits for the kernel (a grace
 * period; where it cannot be handed over, the loop waits), and meanwhile a
 * later handle's ring took the traffic after a stop and counted drops that
 * were none (a hunt: 160 of a second interface's, its file whole).
 */
static void end_handles(struct nscap_session *s, size_t owner)
{
	size_t i;

	for (i = 0; i < s->nh; i++)
		if (s->h[i] && (owner == SIZE_MAX || s->h[i]->owner == owner))
			last_counts(s, i, false);
	close_handles(s, owner);
	compact(s);
}

static bool same_iface(const struct failed_iface *x,
		       const struct nscap_iface *f)
{
	return x->ifindex == f->ifindex && strcmp(x->name, f->name) == 0;
}

static bool has_failed(const struct starget *g, const struct nscap_iface *f)
{
	size_t i;

	for (i = 0; i < g->nfailed; i++)
		if (same_iface(&g->failed[i], f))
			return true;
	return false;
}

/* Note f as failed, last in the list; false when there is no memory for
 * it (then it is tried again at the next doorbell). */
static bool note_failed(struct starget *g, const struct nscap_iface *f)
{
	if (g->nfailed == g->capfailed) {
		size_t cap = g->capfailed ? 2 * g->capfailed : 8;
		struct failed_iface *v =
			realloc(g->failed, cap * sizeof(struct failed_iface));

		if (!v)
			return false;
		g->failed = v;
		g->capfailed = cap;
	}
	g->failed[g->nfailed].ifindex = f->ifindex;
	snprintf(g->failed[g->nfailed].name, sizeof(g->failed[g->nfailed].name),
		 "%s", f->name);
	g->nfailed++;
	return true;
}

/* Keep only the failed interfaces still listed, up, and by the same name
 * (an index the kernel gave again, or a rename, is another try). */
static void forget_failed(struct starget *g, const struct nscap_iface_list *l)
{
	size_t i, j, n = 0;

	for (i = 0; i < g->nfailed; i++)
		for (j = 0; j < l->n; j++)
			if (same_iface(&g->failed[i], &l->v[j]) &&
			    (l->v[j].flags & PCAP_IF_UP)) {
				g->failed[n++] = g->failed[i];
				break;
			}
	g->nfailed = n;
}

static int read_ring(struct nscap_session *s, size_t i, bool twin, char *err);

/*
 * Leave a CPU to the loop, where nscap may use two or more: the last of
 * those the loop may use now. From now on the namespace threads, and the
 * threads they start, keep off it (not for the start's opens, which the
 * loop waits for), and while a batch of opens runs the loop keeps to it
 * (on_spare). Opening a ring clears its pages, which on these virtual
 * machines costs 3.4 to 4.6 ms of CPU a MiB (see struct
 * nscap_handle_batch): eighty interfaces appearing at once held both CPUs
 * in the kernel, and a 2,000/s flow lost packets in 15 of 28 lab runs; in
 * 9 of 60 with the threads kept off the spare CPU (the loop then waited on
 * the other), 2 of 42 with the loop kept to it as well. Capture works the
 * same without: a failure is said under -v only, and where a namespace
 * thread would not keep off the CPU, the loop is not kept to it either.
 */
static void spare_cpu(struct nscap_session *s)
{
	char err[NSCAP_ERRBUF];
	cpu_set_t all, others;
	int c, last = -1, n = 0;
	size_t i;

	if (sched_getaffinity(0, sizeof(all), &all) < 0)
		return;
	for (c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &all)) {
			last = c;
			n++;
		}
	if (n < 2)
		return;
	others = all;
	CPU_CLR(last, &others);
	for (i = 0; i < s->ntg; i++)
		if (s->tg[i].ns &&
		    nscap_ns_set_cpus(s->tg[i].ns, &others, err)) {
			if (s->o->verbose)
				fprintf(s->log, "nscap: %s\n", err);
			return;
		}
	s->spare_cpu = last;
}

/* The loop on the spare CPU alone (on), or back on the CPUs it had before
 * (which the user may have changed meanwhile: taskset -p); not where the
 * user has moved it off that CPU. */
static void on_spare(struct nscap_session *s, bool on)
{
	cpu_set_t one;

	if (s->spare_cpu < 0)
		return;
	if (!on) {
		if (s->kept_spare)
			(void)sched_setaffinity(0, sizeof(s->cpus), &s->cpus);
		s->kept_spare = false;
		return;
	}
	if (sched_getaffinity(0, sizeof(s->cpus), &s->cpus) < 0 ||
	    !CPU_ISSET(s->spare_cpu, &s->cpus))
		return;
	CPU_ZERO(&one);
	CPU_SET(s->spare_cpu, &one);
	s->kept_spare = sched_setaffinity(0, sizeof(one), &one) == 0;
}

/*
 * Until the namespace thread has run the call posted to ns (a batch of
 * opens, a listing), read the other handles' twins as they fill (and the one
 * ring of a handle without a twin): brace() has sent their packets there, and a
 * twin unread holds only its blocks times its timeout of light traffic
 * (4 x 8 ms with many interfaces), where forty veth pairs appearing
 * together took 213 ms to open (a lab: 124 to 540 of a 2,000/s flow lost
 * on eth0 while the loop waited). A read that fails is left to read_ready
 * (s->late_h; the next wake-up comes at once), and nothing more is read.
 */
static void read_while_opening(struct nscap_session *s, struct nscap_ns *ns)
{
	const struct timespec ts = {0, 100000000L}; /* 100 ms */
	struct pollfd *pfd = calloc(s->nh + 1, sizeof(*pfd));
	size_t *idx = calloc(s->nh + 1, sizeof(*idx));
	char err[NSCAP_ERRBUF];
	size_t i, m, j;

	/* ending (-c reached, a stop): the rest is the drain's; a ring left
	 * unread would keep ppoll from waiting */
	while (pfd && idx && !s->late_h && !ending(s)) {
		pfd[0].fd = nscap_ns_done_fd(ns);
		pfd[0].events = POLLIN;
		for (i = 0, m = 1; i < s->nh; i++) {
			const struct nscap_handle *h = s->h[i];

			/* a handle on its immediate ring stays there: a twin
			 * may hold older packets (SETTLE) */
			if (!h || (h->bulk && h->gear.kind == NSCAP_GEAR_LIGHT))
				continue;
			pfd[m].fd = h->bulk ? h->bulk_fd : h->fd;
			pfd[m].events = POLLIN;
			idx[m++] = i;
		}
		if (ppoll(pfd, m, &ts, s->waitmask) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		for (j = 1; j < m && !s->late_h && !ending(s); j++) {
			int n;

			if (!pfd[j].revents)
				continue;
			n = read_ring(s, idx[j], s->h[idx[j]]->bulk != NULL,
				      err);
			if (n < 0) {
				s->late_h = s->h[idx[j]];
				s->late_ret = n;
				snprintf(s->late_err, sizeof(s->late_err), "%s",
					 err);
				wake_by(s, mono_ns());
			}
		}
	}
	free(pfd);
	free(idx);
}

/* nscap_iface_list of ns, reading the twins while it runs. */
static int list_reading(struct nscap_session *s, struct nscap_ns *ns,
			struct nscap_iface_list *l, char *err)
{
	bool posted;
	int ret = nscap_iface_list_start(ns, l, &posted, err);

	if (!posted)
		return ret;
	read_while_opening(s, ns);
	return nscap_iface_list_finish(ns);
}

/* -i all: open what is up in target k's namespace and not yet open. */
static void attach_new(struct nscap_session *s, size_t k)
{
	struct starget *g = &s->tg[k];
	struct nscap_iface_list l = {NULL, 0};
	char err[NSCAP_ERRBUF], name[LABEL_LEN], desc[DESC_LEN], lb[LABEL_LEN];
	struct nscap_handle_batch b = {NULL, 0, false, ""};
	const struct nscap_iface **pick = NULL;
	uint64_t before;
	size_t i, j, npick = 0;
	int tov;

	if (!s->w)
		return; /* no file to add an interface to */
	/* the listing waits for the kernel's lock on links, which a link
	 * being deleted holds for as long as its unregistering takes: the
	 * twins are read meanwhile. With eight pairs made and deleted every
	 * 0.1 s, a 2,000/s flow lost 1,345 to 2,114 of about 25,700 in seven
	 * lab runs, 1,764 to 3,158 with the loop waiting; most of the rest
	 * waited on the counters read as each interface ended, up to 95 ms
	 * for the namespace thread, which are now read on the loop's own
	 * (nscap_handle_stats_here) */
	brace(s, SIZE_MAX, SIZE_MAX);
	if (list_reading(s, g->ns, &l, err)) {
		fprintf(s->log, "nscap: %s\n", err);
		nscap_iface_list_free(&l);
		return;
	}
	forget_failed(g, &l);
	/* those to open: all at once (open_handles), then taken in order */
	pick = calloc(l.n ? l.n : 1, sizeof(const struct nscap_iface *));
	if (!pick) {
		fprintf(s->log, "nscap: cannot attach new interfaces: %s\n",
			strerror(ENOMEM));
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		const struct nscap_iface *f = &l.v[i];
		bool open = false;

		if (f->any || !(f->flags & PCAP_IF_UP))
			continue;
		for (j = 0; j < s->nh && !open; j++)
			open = s->h[j]->owner == k &&
			       s->h[j]->ifindex == f->ifindex;
		if (open || has_failed(g, f))
			continue;
		/* no capability left to open a handle with: said once, as
		 * any interface that cannot be attached (start-up said
		 * that none could) */
		if (s->dropped) {
			note_failed(g, f);
			fprintf(s->log,
				"nscap: not capturing on %s: it appeared "
				"after privileges were dropped (%s)\n",
				nscap_text_tame_copy(f->name, lb, sizeof(lb)),
				s->drop_by);
			continue;
		}
		pick[npick++] = f;
	}
	if (npick == 0)
		goto out;
	/* later handles share the budget too: each new one gets the share of
	 * as many more as come together (each got the share of one more: 16
	 * appearing beside 2 took 117 MiB of rings, the budget being 16) */
	if (s->o->buffer_kib == 0) {
		size_t share = nscap_ring_bytes(s->nh + npick, 0, s->immediate);

		if (share < s->ring_bytes)
			s->ring_bytes = share;
		share = nscap_ring_bytes(s->nh + npick, 0, false);
		if (s->immediate && share < s->bulk_bytes)
			s->bulk_bytes = share;
	}
	/* and a twin's timer wakes the machine like the others' */
	tov = nscap_gear_bulk_timeout_ms(s->nh + npick);
	if (tov > s->bulk_timeout_ms)
		s->bulk_timeout_ms = tov;
	if (open_handles(s, k, pick, npick, &b, err)) {
		fprintf(s->log, "nscap: cannot attach new interfaces: %s\n",
			err);
		goto out;
	}
	if (b.posted) {
		on_spare(s, true);
		read_while_opening(s, g->ns);
		on_spare(s, false);
	}
	nscap_handle_batch_finish(g->ns, &b);
	/* a read there may have ended the file (a rotation whose next file
	 * could not be made closes the current one first: s->w NULL; its
	 * error waits in s->late_h): nothing to add the new ones to, and
	 * end_batch closes them */
	if (!s->w)
		goto out;
	for (i = 0; i < npick; i++) {
		struct nscap_handle_job *job = &b.jobs[i];
		struct nscap_handle *h = job->h;
		struct nscap_writer_iface wi;

		/* a failed attempt is not made again while the interface
		 * stays up: trying changed its flags (promiscuous mode on
		 * and off), which rang the doorbell again (a promiscuity
		 * change alone no longer does: nscap_watch_matters), and it
		 * would fail the same way. Noted once it
		 * has failed (noted before the open and taken off after a
		 * success, the last note went: another's, in a batch) */
		if (job->ret) {
			note_failed(g, pick[i]);
			fprintf(s->log, "nscap: not capturing on %s: %s\n",
				nscap_text_tame_copy(pick[i]->name, lb,
						     sizeof(lb)),
				job->err);
			continue;
		}
		handle_opened(s, k, pick[i], h);
		describe(s, h, name, sizeof(name), desc, sizeof(desc));
		wi.name = name;
		wi.description = desc;
		wi.filter = s->o->filter;
		wi.linktype = h->linktype;
		wi.snaplen = h->snaplen;
		if (add_handle(s, h, err)) {
			note_failed(g, pick[i]);
			fprintf(s->log, "nscap: not capturing on %s: %s\n",
				nscap_text_tame_copy(name, lb, sizeof(lb)),
				err);
			continue; /* closed by end_batch */
		}
		before = s->ops->size(s->w);
		if (s->ops->add_iface(s->w, &wi, err)) {
			note_failed(g, pick[i]);
			fprintf(s->log, "nscap: not capturing on %s: %s\n",
				nscap_text_tame_copy(name, lb, sizeof(lb)),
				err);
			s->nh--;
			continue;
		}
		job->h = NULL; /* the session's */
		/* the new interface's description, and its statistics at the
		 * close, count against -C from now on (the file may pass the
		 * limit by these two blocks: they go where the file is) */
		s->rs.file_bytes += s->ops->size(s->w) - before;
		s->rs.close_bytes = s->ops->trailer_size(s->w);
		h->iface = s->next_iface++;
		/* a quiet interface goes to its immediate ring at once, as at
		 * the start */
		if (h->bulk)
			wake_by(s, mono_ns() + FIRST_WAKE_NS);
		if (!quiet(s))
			fprintf(s->log, "nscap: %s appeared\n",
				hlabel(s, h, lb, sizeof(lb)));
		say_listening(s, h);
	}
out:
	end_batch(g->ns, &b);
	free(pick);
	nscap_iface_list_free(&l);
}

/* Target k's process exited. */
static void target_gone(struct nscap_session *s, size_t k)
{
	size_t owner = s->tg[k].owner, j;
	bool shared = false;

	/* -t P -t P: one process, gone once for all its targets */
	if (s->tg[k].gone)
		return;
	for (j = 0; j < s->ntg; j++)
		if (j == k || s->tg[j].t.pid == s->tg[k].t.pid)
			s->tg[j].gone = true;
	s->lost_target = true;
	for (j = 0; j < s->ntg; j++)
		shared |= !s->tg[j].gone && s->tg[j].owner == owner;
	if (!shared) {
		int64_t deadline = pending_deadline();
		size_t i;

		brace(s, owner, SIZE_MAX);
		/* what each ring holds, then the handles ended: the loop goes
		 * on while their closes run */
		for (i = 0; i < s->nh; i++)
			if (s->h[i] && s->h[i]->owner == owner)
				take_pending(s, i, deadline, NULL);
		end_handles(s, owner);
		if (s->tg[owner].watch_fd >= 0) {
			close(s->tg[owner].watch_fd);
			s->tg[owner].watch_fd = -1;
		}
		/* nothing is left for its thread to do but the closes: it
		 * ends after them, and with it nscap's hold on the dead
		 * namespace (its veths and all), which would last as long as
		 * the capture of the others */
		nscap_ns_retire(s->tg[owner].ns);
		s->tg[owner].retired = s->tg[owner].ns;
		s->tg[owner].ns = NULL;
	}
	fprintf(s->log, "nscap: target process %d (%s) exited; %s\n",
		(int)s->tg[k].t.pid, s->tg[k].t.comm,
		s->nh ? "capturing the others" : "capture stopped");
	s->said_stopped = s->nh == 0;
}

static bool watching(const struct nscap_session *s)
{
	size_t k;

	for (k = 0; k < s->ntg; k++)
		if (s->tg[k].watch_fd >= 0)
			return true;
	return false;
}

enum slot_kind { SLOT_HANDLE, SLOT_PIDFD, SLOT_WATCH, SLOT_SHIFTED, SLOT_OUT };

/* Slots 2i and 2i+1 are handle i's immediate (or only) ring and its twin. */
#define SLOT_RING(i) (2 * (i))
#define SLOT_TWIN(i) (2 * (i) + 1)

struct slots {
	struct pollfd *pfd;
	enum slot_kind *kind;
	size_t *idx;
	size_t n, cap;
};

static int slot_add(struct slots *sl, int fd, short events, enum slot_kind kind,
		    size_t idx)
{
	if (sl->n == sl->cap) {
		size_t cap = sl->cap ? 2 * sl->cap : 16;
		struct pollfd *p = realloc(sl->pfd, cap * sizeof(*p));
		enum slot_kind *k;
		size_t *x;

		if (!p)
			return -ENOMEM;
		sl->pfd = p;
		k = realloc(sl->kind, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		sl->kind = k;
		x = realloc(sl->idx, cap * sizeof(*x));
		if (!x)
			return -ENOMEM;
		sl->idx = x;
		sl->cap = cap;
	}
	sl->pfd[sl->n].fd = fd;
	sl->pfd[sl->n].events = events;
	sl->pfd[sl->n].revents = 0;
	sl->kind[sl->n] = kind;
	sl->idx[sl->n++] = idx;
	return 0;
}

static int build_slots(struct nscap_session *s, struct slots *sl)
{
	size_t i, k;
	int ret = 0;

	sl->n = 0;
	for (i = 0; i < s->nh && !ret; i++) {
		const struct nscap_handle *h = s->h[i];

		/* in SETTLE the twin's last block comes first, and before
		 * priming the immediate ring holds copies; a negative fd is
		 * not polled */
		bool idle = h->gear.kind == NSCAP_GEAR_SETTLE ||
			    (h->bulk && !h->primed);

		ret = slot_add(sl, idle ? -1 : h->fd, POLLIN, SLOT_HANDLE, i);
		if (!ret)
			ret = slot_add(sl, h->bulk_fd, POLLIN, SLOT_HANDLE, i);
	}
	for (k = 0; k < s->ntg && !ret; k++) {
		if (!s->tg[k].gone && s->tg[k].t.pidfd >= 0)
			ret = slot_add(sl, s->tg[k].t.pidfd, POLLIN, SLOT_PIDFD,
				       k);
		if (!ret && s->tg[k].watch_fd >= 0)
			ret = slot_add(sl, s->tg[k].watch_fd, POLLIN,
				       SLOT_WATCH, k);
		/* a switch between two rings has run in its thread */
		if (!ret && s->tg[k].ns && s->immediate)
			ret = slot_add(sl, nscap_ns_done_fd(s->tg[k].ns),
				       POLLIN, SLOT_SHIFTED, k);
	}
	/* a pipe reports POLLERR once its last reader is gone */
	if (!ret && s->out_watch >= 0)
		ret = slot_add(sl, s->out_watch, 0, SLOT_OUT, 0);
	return ret;
}

/*
 * Immediate mode wakes once per packet, about 1 us of CPU each under load.
 * So, as NAPI does in the kernel, decide per wake-up: after one that found
 * only a few packets, wait again at once (a person watching Wireshark sees
 * each packet as it comes); after a busy one, let packets gather for a
 * moment (nscap_ring_gather_us: it grows with the load, at most 1 ms, and
 * stays short enough that the ring cannot fill meanwhile), then drain them
 * in one pass.
 */
static void gather(struct nscap_session *s, uint64_t last)
{
	uint64_t now = mono_ns(), rate = 0, us;
	struct timespec ts = {0, 0};

	if (now > s->last_wake && last)
		rate = last * 1000000000u / (now - s->last_wake);
	s->last_wake = now;
	us = nscap_ring_gather_us(last, rate, s->ring_bytes, s->snaplen);
	if (!us)
		return;
	ts.tv_nsec = (long)us * 1000;
	nanosleep(&ts, NULL);
}

/* Why a write error stops the loop. */
static enum stop_why stop_for(int e)
{
	if (e == -EPIPE)
		return STOP_READER_GONE;
	if (e == -EINTR)
		return STOP_SIGNAL; /* at once, in wait_output */
	if (e == -ECANCELED)
		return STOP_AUTOSTOP;
	return disk_fault(e) ? STOP_DISK : STOP_ERROR;
}

/* Read one ring of handle i (its twin, or its immediate or only ring): at
 * most BATCH packets (and a merging twin the immediate ring's: see
 * nscap_loop_dispatch), and no more than -c leaves. Returns the packets
 * read, or a negative errno as nscap_loop_dispatch. */
static int read_ring(struct nscap_session *s, size_t i, bool twin, char *err)
{
	struct nscap_handle *h = s->h[i];
	uint64_t before = h->captured, left = UINT64_MAX;
	int max = BATCH, n;

	if (s->o->count) {
		left = s->o->count - s->captured;
		if (left == 0)
			return 0;
		if (left < (uint64_t)max)
			max = (int)left;
	}
	n = nscap_loop_dispatch(h, twin, &s->sink, max, left, err);
	s->captured += h->captured - before;
	return n;
}

/* -vv: a handle's switch between its two rings. */
static void say_gear(const struct nscap_session *s,
		     const struct nscap_handle *h, const char *what)
{
	if (s->o->verbose > 1) {
		char lb[LABEL_LEN];

		fprintf(s->log, "nscap: %s: %s\n", hlabel(s, h, lb, sizeof(lb)),
			what);
	}
}

/* A switch of h failed (err): the ring its packets go to has not changed,
 * kind; it stays there. */
static void stop_switching(struct nscap_session *s, struct nscap_handle *h,
			   enum nscap_gear_kind kind, const char *err)
{
	char lb[LABEL_LEN];

	fprintf(s->log, "nscap: %s: %s; reading %s\n",
		hlabel(s, h, lb, sizeof(lb)), err,
		kind == NSCAP_GEAR_LIGHT ? "each packet" : "blocks");
	nscap_gear_init(&h->gear, mono_ns(), kind);
	h->stuck = true;
}

/* End h's SETTLE before its time if the twin has handed over everything it
 * accepted; returns whether it ended. */
static bool settled_early(struct nscap_session *s, struct nscap_handle *h)
{
	if (!nscap_handle_twin_empty(h))
		return false;
	nscap_gear_end_settle(&h->gear, mono_ns());
	say_gear(s, h, "settled");
	return true;
}

/*
 * Handle i has just been switched down: the immediate ring waits for the
 * twin's last block (SETTLE), unless the twin has handed over everything it
 * accepted, as it mostly has when traffic is light: checked first
 * NSCAP_GEAR_PEEK_NS from now (shift_gear, settled_early).
 */
static void settle(struct nscap_session *s, size_t i)
{
	nscap_gear_settle(&s->h[i]->gear, mono_ns());
}

/*
 * Handle i's immediate ring, opened for a switch down, may be open now
 * (with wait: once it is): then switch, and let the immediate ring wait for
 * the twin's last block (SETTLE). If traffic came back meanwhile, or the
 * ring could not be opened, the handle stays on the twin.
 */
static void shifted(struct nscap_session *s, size_t i, bool wait)
{
	struct nscap_handle *h = s->h[i];
	char err[NSCAP_ERRBUF];
	int n;

	n = nscap_handle_open_reap(s->tg[h->owner].ns, h, wait, err);
	if (n == 0)
		return;
	if (n == -ENETDOWN || n == -ENODEV) {
		/* the interface was down as the ring opened (libpcap opens
		 * none on it), or renamed again and again: a restart or a
		 * rename, over in a moment (an interface really gone ends
		 * the twin's reading). The twin goes on, and a later quiet
		 * spell opens the ring again; this stopped the switching for
		 * the whole capture (a wake-up at the down had come first, in
		 * t_renamed) */
		say_gear(s, h,
			 n == -ENETDOWN
				 ? "down: reading blocks until it is up"
				 : "renamed: reading blocks until it settles");
		h->busy_meanwhile = false;
		nscap_gear_busy(&h->gear, mono_ns());
		return;
	}
	if (n > 0 && (h->busy_meanwhile || ending(s))) {
		/* traffic came back while the ring opened, or the capture
		 * is ending: stay (-vv said "quiet" when the open was
		 * posted) */
		if (h->busy_meanwhile)
			say_gear(s, h,
				 "busy: reading blocks (traffic came back "
				 "while the ring opened)");
		h->busy_meanwhile = false;
		nscap_gear_busy(&h->gear, mono_ns());
		return;
	}
	if (n > 0)
		n = nscap_handle_down(h, err);
	if (n == 0)
		settle(s, i);
	else
		stop_switching(s, h, NSCAP_GEAR_BULK, err);
}

/* Target k's namespace thread has opened an immediate ring: switch. */
static void reap_shifts(struct nscap_session *s, size_t k)
{
	size_t i;

	for (i = 0; i < s->nh; i++)
		if (s->h[i] && s->h[i]->owner == k && s->h[i]->opening)
			shifted(s, i, false);
}

/*
 * Handle i with a twin read packets in this wake-up (or none: a timer):
 * switch where nscap_gear_next says so (see ring.h), at once: a store to the
 * fanout map.
 * Going up, what the immediate ring took before the switch is read first,
 * so that it comes before the twin's. Going down the first time, the
 * immediate ring is opened first, in the namespace thread: until it is,
 * packets still go to the twin, and no new decision is made. 0, or a
 * negative errno with err set.
 */
static int shift_gear(struct nscap_session *s, size_t i, uint64_t packets,
		      char *err)
{
	struct nscap_handle *h = s->h[i];
	struct nscap_gear was = h->gear;
	enum nscap_gear_step step;
	bool by_kernel = false;
	int n = 0;

	/* while the immediate ring opens, a busy wake-up calls the switch
	 * down off (see shifted) */
	if (h->opening && packets >= NSCAP_GEAR_UP_PACKETS)
		h->busy_meanwhile = true;
	/* no new switch once stopping (a signal, or -c reached): the capture
	 * ends where it is */
	if (h->opening || h->stuck || ending(s))
		return 0;
	/* a burst the program sent to the twin while settling, and the
	 * immediate ring's packets written before its first (merge): up */
	if (h->gear.kind == NSCAP_GEAR_SETTLE && !h->merge &&
	    nscap_handle_kernel_up(h)) {
		nscap_gear_busy(&h->gear, mono_ns());
		say_gear(s, h, "busy: reading blocks (the kernel switched)");
		return 0;
	}
	/* SETTLE ends once the twin has handed over all it accepted */
	if (nscap_gear_peek(&h->gear, mono_ns()) && settled_early(s, h))
		return 0;
	if (h->gear.kind == NSCAP_GEAR_LIGHT && nscap_handle_kernel_up(h)) {
		/* the fanout program saw a burst and sends it to the twin
		 * already: up, as if nscap had decided it */
		nscap_gear_busy(&h->gear, mono_ns());
		step = NSCAP_GEAR_UP;
		by_kernel = true;
	} else {
		step = nscap_gear_next(&h->gear, mono_ns(), packets);
	}
	if (h->gear.kind == NSCAP_GEAR_HOLD && was.kind != NSCAP_GEAR_HOLD)
		say_gear(s, h,
			 "quiet: holding 2 ms before reading each packet");
	if (step == NSCAP_GEAR_STAY)
		return 0;
	if (step == NSCAP_GEAR_DOWN && !h->pcap) {
		/* a listing waits for the thread (relist): it goes first */
		n = s->tg[h->owner].relist
			    ? -EBUSY
			    : nscap_handle_open_post(s->tg[h->owner].ns, h,
						     err);
		if (n == -EBUSY) {
			/* another handle's call in the same namespace:
			 * decide again in a moment */
			h->gear = was;
			wake_by(s, mono_ns() + RETRY_WAKE_NS);
			return 0;
		}
	} else if (step == NSCAP_GEAR_DOWN) {
		n = nscap_handle_down(h, err);
	} else if (step == NSCAP_GEAR_UP) {
		n = nscap_handle_up(h, err);
	}
	if (n) {
		stop_switching(s, h,
			       step == NSCAP_GEAR_UP ? NSCAP_GEAR_LIGHT
						     : NSCAP_GEAR_BULK,
			       err);
		return 0;
	}
	say_gear(s, h,
		 by_kernel ? "busy: reading blocks (the kernel switched)"
		 : step == NSCAP_GEAR_UP   ? "busy: reading blocks"
		 : step == NSCAP_GEAR_DOWN ? "quiet: reading each packet"
					   : "settled");
	/* a switch down made at once (the ring was open, no job): h->pcap is
	 * not read, the namespace thread may be writing it */
	if (step == NSCAP_GEAR_DOWN && !h->opening)
		settle(s, i);
	while (step == NSCAP_GEAR_UP && (n = read_ring(s, i, false, err)) > 0)
		;
	return n < 0 ? n : 0;
}

/*
 * Before the loop may block while it ends a handle or a target's handles
 * (take_pending waits until its deadline; -i all's listing waits for the
 * links' lock while a deleted link unregisters), the other handles' new
 * packets go to their twins' large rings: an immediate ring's few dozen
 * slots overflow in a moment at a few thousand packets a second. A bug
 * hunt saw 250 to 650 dropped on a busy interface when an idle one was
 * deleted, or another target exited, when the loop still closed the
 * handles itself (closing a packet socket waits for an RCU grace period,
 * 20 to 50 ms here); with the closes on the namespace's worker
 * (nscap_handle_close_later), the lab lost none there with or without
 * this, which stays for the waits that remain. Handles on their immediate
 * ring (LIGHT) but those of owner and except go up as a busy wake-up takes
 * them up, and what the immediate ring holds is read first; the gears
 * bring them down again once traffic is light.
 */
static void brace(struct nscap_session *s, size_t owner, size_t except)
{
	char err[NSCAP_ERRBUF];
	size_t i;

	if (ending(s))
		return;
	for (i = 0; i < s->nh; i++) {
		struct nscap_handle *h = s->h[i];

		if (!h || i == except || h->owner == owner || !h->bulk ||
		    h->gear.kind != NSCAP_GEAR_LIGHT || h->opening || h->stuck)
			continue;
		if (nscap_handle_up(h, err)) {
			stop_switching(s, h, NSCAP_GEAR_LIGHT, err);
			continue;
		}
		nscap_gear_busy(&h->gear, mono_ns());
		/* back down after a quiet window, traffic or not */
		wake_by(s, mono_ns() + NSCAP_GEAR_WINDOW_NS + RETRY_WAKE_NS);
		say_gear(s, h, "bracing: reading blocks while another ends");
		while (read_ring(s, i, false, err) > 0)
			;
	}
}

/* Read what ready handles hold. 0, or a stop reason with err set. Adds to
 * *plain the packets read from immediate rings without a twin. */
static int read_ready(struct nscap_session *s, const struct slots *sl,
		      uint64_t *plain, enum stop_why *why, char *err)
{
	size_t nh = s->nh, j;
	bool ended = false;
	int ret = 0;

	for (j = 0; j < nh && ret == 0; j++) {
		size_t i = (s->start + j) % nh;
		struct nscap_handle *h = s->h[i];
		bool twin_first;
		uint64_t before;
		int k, n = 0;

		if (!h)
			continue;
		before = h->captured;
		if (h == s->late_h) {
			n = s->late_ret;
			snprintf(err, NSCAP_ERRBUF, "%s", s->late_err);
			s->late_h = NULL;
		}
		/* the older packets first: the twin's in SETTLE (its last
		 * block; after a burst the fanout program sent there
		 * meanwhile, the immediate ring's go before the twin's newer:
		 * merge), the immediate ring's in LIGHT (the twin's can only be
		 * a late block from the last SETTLE, or the newer packets of a
		 * burst the program sent there) */
		twin_first = nscap_handle_twin_first(h);
		for (k = 0; k < 2 && n >= 0; k++) {
			bool twin = (k == 0) == twin_first;

			if (sl->pfd[twin ? SLOT_TWIN(i) : SLOT_RING(i)].revents)
				n = read_ring(s, i, twin, err);
		}
		if (n >= 0 && h->bulk)
			n = shift_gear(s, i, h->captured - before, err);
		else if (n >= 0 && s->immediate)
			*plain += h->captured - before;
		if (n >= 0)
			continue;
		if (n == -ENETDOWN) {
			handle_gone(s, i, err);
			ended = true;
			continue;
		}
		if (disk_fault(n) && disk_trouble(s, n, err) == 0)
			continue;
		*why = stop_for(n);
		ret = n;
	}
	if (ended)
		compact(s);
	if (nh)
		s->start = (s->start + 1) % nh;
	return ret;
}

/* Print the counters so far (SIGUSR1). */
static void print_now(struct nscap_session *s)
{
	char err[NSCAP_ERRBUF], lb[LABEL_LEN];
	uint64_t recv = 0, dropped = 0;
	size_t i;

	for (i = 0; i < s->nh; i++) {
		struct nscap_counts st = {0, 0, 0};

		if (nscap_handle_stats_here(s->h[i], &st, err))
			continue;
		recv += st.received;
		dropped += st.dropped;
		if (s->nh > 1)
			fprintf(s->log,
				"nscap: %s: %" PRIu64 " captured, %" PRIu64
				" received by filter, %" PRIu64
				" dropped by kernel\n",
				hlabel(s, s->h[i], lb, sizeof(lb)),
				s->h[i]->captured, st.received, st.dropped);
	}
	fprintf(s->log,
		"nscap: %" PRIu64 " packet%s captured, %" PRIu64
		" received by filter, %" PRIu64 " dropped by kernel%s%s\n",
		s->captured, s->captured == 1 ? "" : "s",
		s->total.received + recv, s->total.dropped + dropped,
		s->path[0] ? ", writing " : "", s->path);
}

/* Make *until the time left from now to at (UINT64_MAX: no time limit),
 * if that is sooner. */
static void sooner(uint64_t *until, uint64_t at, uint64_t now)
{
	uint64_t left;

	if (at == UINT64_MAX)
		return;
	left = at > now ? at - now : 0;
	if (left < *until)
		*until = left;
}

/*
 * What wakes nobody, asked once a second (probe): a handle whose interface
 * went down and then away (nscap_handle_netdown), and the exit of a target
 * that has no pidfd (nscap_target_exited). Only while there is such a
 * target, or a handle that libpcap has seen down (which stays so after an
 * up: see nscap_handle_netdown).
 */
#define PROBE_EVERY_NS 1000000000u

/* A process target whose exit no pidfd reports (a namespace file has no
 * process to watch) */
static bool no_pidfd(const struct starget *g)
{
	return !g->gone && g->t.nsfd < 0 && g->t.pidfd < 0 && g->t.pid > 0;
}

static bool must_probe(const struct nscap_session *s)
{
	size_t i;

	for (i = 0; i < s->nh; i++)
		if (s->h[i] && nscap_handle_netdown(s->h[i]))
			return true;
	for (i = 0; i < s->ntg; i++)
		if (no_pidfd(&s->tg[i]))
			return true;
	return false;
}

/* How long ppoll may sleep: until a time limit, or the next flush of a
 * file, or for ever. */
static struct timespec *wait_for(struct nscap_session *s, struct timespec *ts)
{
	uint64_t now = now_ns(), mono = mono_ns(), until = UINT64_MAX;
	size_t i;

	/* rotation deadlines are wall-clock (-G names); the timers are
	 * monotonic: each turned into time left */
	if (s->rotating && new_file_waits(s)) {
		/* -G waits for space (housekeeping): only -a duration */
		struct nscap_rotate_policy p = s->o->rotate;

		p.seconds = 0;
		sooner(&until, nscap_rotate_deadline(&p, &s->rs), now);
	} else if (s->rotating) {
		sooner(&until, nscap_rotate_deadline(&s->o->rotate, &s->rs),
		       now);
	}
	if (!s->stream)
		sooner(&until, s->last_flush + 1000000000u, mono);
	sooner(&until, s->wake_ns, mono);
	if (s->full)
		sooner(&until, s->full_since + 1000000000u, mono);
	if (must_probe(s))
		sooner(&until, s->last_probe + PROBE_EVERY_NS, mono);
	for (i = 0; i < s->nh; i++)
		if (!s->h[i]->opening)
			sooner(&until, nscap_gear_deadline(&s->h[i]->gear),
			       mono);
	if (until == UINT64_MAX)
		return NULL;
	ts->tv_sec = (time_t)(until / 1000000000u);
	ts->tv_nsec = (long)(until % 1000000000u);
	return ts;
}

/* After each wake-up: time limits, SIGHUP, periodic flush, SIGUSR1. */
/*
 * Flush now? A stream (-U): every wake-up, so each packet read reaches the
 * reader before nscap sleeps again (batching the flushes under load was
 * measured: it bought nothing, see docs/BENCHMARKS.md). A file: at least
 * each second, so a capture killed hard keeps all but the last second.
 */
static bool must_flush(const struct nscap_session *s)
{
	if (s->stream || s->o->packet_buffered)
		return true;
	return mono_ns() - s->last_flush >= 1000000000u;
}

/*
 * The kernel's counters and libpcap's wrap after 2^32 packets; nscap widens
 * them at each read (nscap_lib_counts_add, sock_read), which must come
 * before they wrap twice: once a minute, 2^32 would be 72 million packets a
 * second. Read on the loop's thread (nscap_handle_stats_here).
 */
#define COUNTS_EVERY_NS (60 * 1000000000ull)

static void keep_counts(struct nscap_session *s)
{
	struct nscap_counts st;
	char err[NSCAP_ERRBUF];
	size_t i;

	if (mono_ns() - s->last_counts < COUNTS_EVERY_NS)
		return;
	/* a read that fails leaves the totals as they were: the next, or
	 * the one at the end, reads on from there */
	for (i = 0; i < s->nh; i++)
		(void)nscap_handle_stats_here(s->h[i], &st, err);
	s->last_counts = mono_ns();
}

/* End what went away without a word (see must_probe). */
static void probe(struct nscap_session *s)
{
	bool ended = false;
	size_t i;

	if (mono_ns() - s->last_probe < PROBE_EVERY_NS)
		return;
	s->last_probe = mono_ns();
	for (i = 0; i < s->ntg; i++)
		if (no_pidfd(&s->tg[i]) &&
		    nscap_target_exited("/proc", s->tg[i].t.pid,
					s->tg[i].t.start))
			target_gone(s, i);
	for (i = 0; i < s->nh; i++) {
		struct nscap_handle *h = s->h[i];

		if (!h || !nscap_handle_netdown(h) ||
		    !nscap_handle_iface_gone(h))
			continue;
		handle_gone(s, i, "the interface went down and away");
		ended = true;
	}
	if (!ended)
		return;
	compact(s);
	/* -i all: the interface may be back already (moved out and in), its
	 * doorbell rung while the dead handle still held its index. Listed
	 * by relist(), at the end of this wake-up: a listing made here would
	 * wait behind an immediate ring's open posted to the namespace
	 * thread */
	for (i = 0; i < s->ntg; i++)
		if (s->tg[i].watch_fd >= 0)
			s->tg[i].relist = true;
}

static int housekeeping(struct nscap_session *s, enum stop_why *why, char *err)
{
	uint64_t now = now_ns();
	int ret = 0;

	if (s->sig->rotate &&
	    (s->out_kind != NSCAP_OUTPUT_FILE || !s->path[0])) {
		/* SIGHUP with no file of a name to start anew (stdout, even
		 * redirected to a file; a FIFO, a device): the terminal went
		 * away; stop as for SIGINT. stdout to a file went on to a
		 * rotation with no name: a crash, or a file named "-1" */
		s->sig->rotate = 0;
		s->sig->stop++;
	}
	if (s->rotating || s->sig->rotate) {
		struct nscap_rotate_decision d = {0};
		enum nscap_rotate_action a;
		bool force = s->sig->rotate != 0;

		s->sig->rotate = 0;
		a = NSCAP_ROTATE_NONE;
		if (s->rotating || force)
			a = nscap_rotate_decide(&s->o->rotate, &s->rs, now, 0,
						force, &d);
		/* a new file while the disk is full (--on-full=wait) would
		 * fail as the current one does: it waits until a write has
		 * got through again (a resume alone proves nothing), and so
		 * does a SIGHUP */
		if (a == NSCAP_ROTATE_NEXT && new_file_waits(s)) {
			a = NSCAP_ROTATE_NONE;
			s->sig->rotate = force;
		}
		ret = act(s, a, &d, err);
	}
	if (ret == 0 && !s->full && must_flush(s))
		ret = flush_file(s, err);
	if (ret == 0)
		ret = ring_goes_round(s, err);
	try_resume(s);
	keep_counts(s);
	probe(s);
	if (s->sig->stats) {
		s->sig->stats = 0;
		print_now(s);
	}
	if (ret)
		*why = stop_for(ret);
	return ret;
}

/* Is target k's namespace thread opening an immediate ring (a posted
 * call, which a listing there would wait for)? */
static bool opening_in(const struct nscap_session *s, size_t k)
{
	size_t i;

	for (i = 0; i < s->nh; i++)
		if (s->h[i] && s->h[i]->owner == k && s->h[i]->opening)
			return true;
	return false;
}

/*
 * -i all: list the interfaces again where the doorbell rang, once the
 * namespace thread is free. Opening an immediate ring rang it too (the
 * kernel reports the promiscuity it adds; no longer a ring:
 * nscap_watch_matters), and a listing made at once waited there for the
 * next ring's open: with 18 interfaces the loop was held up some 20 ms at
 * a time for a third of a second, and the twins of the busy ones
 * overflowed. Other changes may still come while a ring opens. Meanwhile
 * no immediate ring is opened in that namespace (shift_gear), so the
 * listing comes next.
 */
static void relist(struct nscap_session *s)
{
	size_t k;

	for (k = 0; k < s->ntg; k++) {
		if (!s->tg[k].relist || opening_in(s, k))
			continue;
		s->tg[k].relist = false;
		if (s->tg[k].watch_fd >= 0)
			attach_new(s, k);
	}
}

/*
 * ppoll(2) delivers a pending signal only when it has to wait: when an fd is
 * ready at every call (a ring that never empties under overload, a doorbell
 * that keeps ringing), a SIGINT would wait for ever, blocked. So every 10 ms
 * of such wake-ups the mask opens a moment and lets pending signals in.
 */
static void let_signals_in(struct nscap_session *s)
{
	uint64_t now = mono_ns();
	sigset_t old;

	if (now - s->last_sigs < 10000000u)
		return;
	s->last_sigs = now;
	pthread_sigmask(SIG_SETMASK, s->waitmask, &old);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static int run(struct nscap_session *s, enum stop_why *why, char *err)
{
	struct slots sl = {NULL, NULL, NULL, 0, 0};
	struct timespec ts;
	uint64_t plain;
	size_t i;
	int n, ret = 0;

	s->last_counts = mono_ns();
	for (;;) {
		if (s->sig->stop) {
			/* the same stop may come twice in a moment (timeout(1)
			 * signals nscap, then its group): that one must not cut
			 * short the wait for what the rings still hold. The
			 * writer's wait on a full pipe may have taken the
			 * first already (wait_output): its window stands, and
			 * a later one is the second, at once */
			if (nscap_loop_take_stop(&s->sig->stop, &s->stop_seen,
						 &s->dup_until_ms) ==
			    NSCAP_STOP_SECOND)
				s->at_once = true;
			s->stop_seen = s->sig->stop;
			*why = STOP_SIGNAL;
			break;
		}
		if (s->o->count && s->captured >= s->o->count) {
			*why = STOP_COUNT;
			break;
		}
		if (s->nh == 0 && !watching(s)) {
			*why = STOP_NOTHING_LEFT;
			break;
		}
		if (build_slots(s, &sl)) {
			*why = STOP_ERROR;
			ret = nscap_seterr(err, ENOMEM, "cannot wait");
			break;
		}
		n = ppoll(sl.pfd, sl.n, wait_for(s, &ts), s->waitmask);
		if (n < 0 && errno != EINTR) {
			*why = STOP_ERROR;
			ret = nscap_seterr(err, errno,
					   "cannot wait for packets");
			break;
		}
		if (n > 0)
			let_signals_in(s);
		plain = 0;
		ret = read_ready(s, &sl, &plain, why, err);
		if (ret == 0)
			ret = housekeeping(s, why, err);
		if (s->wake_ns != UINT64_MAX && mono_ns() >= s->wake_ns)
			s->wake_ns = UINT64_MAX;
		if (ret)
			break;
		if (s->immediate)
			gather(s, plain);
		/* handles first (above): the slots of the others follow */
		for (i = 0; i < sl.n; i++) {
			if (!sl.pfd[i].revents || sl.kind[i] == SLOT_HANDLE)
				continue;
			if (sl.kind[i] == SLOT_OUT) {
				*why = STOP_READER_GONE;
				goto out;
			}
			if (sl.kind[i] == SLOT_SHIFTED) {
				reap_shifts(s, sl.idx[i]);
			} else if (sl.kind[i] == SLOT_PIDFD) {
				target_gone(s, sl.idx[i]);
				/* one a wake-up: each may wait for its rings'
				 * last block (a block timeout), and the others
				 * are read in between (t_exits_stop). Those
				 * left are still readable: the next wait
				 * returns at once */
				break;
			} else if (s->tg[sl.idx[i]].watch_fd >= 0 &&
				   nscap_watch_drain(
					   s->tg[sl.idx[i]].watch_fd)) {
				s->tg[sl.idx[i]].relist = true;
			}
		}
		relist(s);
	}
out:
	free(sl.pfd);
	free(sl.kind);
	free(sl.idx);
	if (ret == -EPIPE || ret == -ECANCELED || ret == -EINTR)
		ret = 0;
	return ret;
}

static void print_totals(struct nscap_session *s)
{
	char buf[512];

	if (quiet(s))
		return;
	s->total.captured = s->captured;
	nscap_stats_format(&s->total, buf, sizeof(buf));
	fputs(buf, s->log);
}

/*
 * Whom to run as once capturing: -Z, or the user who ran sudo. With -i all
 * an implicit drop (sudo) is not made: new interfaces could not be attached
 * without privileges. With -C or -G the user must be able to create files
 * where the first one (named first) goes. Returns 0 or a negative errno
 * with err set.
 */
static int plan_drop(struct nscap_session *s, const char *first, char *err)
{
	struct nscap_privdrop_input in;
	struct nscap_privdrop_plan plan;
	bool all = false;
	size_t k;
	int ret;

	for (k = 0; k < s->ntg; k++)
		all |= s->tg[k].watch_fd >= 0;
	nscap_privdrop_input_get(&in, s->o->user, s->o->no_drop);
	ret = nscap_privdrop_plan(&in, &plan, err);
	if (ret) {
		s->usage = true; /* options refused: -Z, --no-drop (status 2) */
		return ret;
	}
	if (all && plan.kind == NSCAP_PRIVDROP_SUDO) {
		if (s->o->verbose)
			fprintf(s->log, "nscap: -i all: keeping privileges to "
					"attach new interfaces\n");
		plan.kind = NSCAP_PRIVDROP_KEEP;
	}
	s->drop_by = plan.kind == NSCAP_PRIVDROP_USER	? "-Z"
		     : plan.kind == NSCAP_PRIVDROP_REAL ? "set-user-ID"
							: "not run as root";
	if (all && plan.kind != NSCAP_PRIVDROP_KEEP && !quiet(s))
		fprintf(s->log,
			"nscap: %s: interfaces that appear later cannot be "
			"attached\n",
			s->drop_by);
	ret = nscap_privdrop_resolve(&plan, &s->cred, err);
	if (ret == 0 && s->cred.drop && nscap_rotate_multi(&s->o->rotate)) {
		char dir[sizeof(s->path)];

		/* the first file's: a pattern's directory may be one too
		 * (-G, "%Y/x.pcapng") */
		nscap_output_dir_of(first, dir, sizeof(dir));
		ret = nscap_privdrop_check_dir(&s->cred, dir, err);
	}
	return ret;
}

static int drop(struct nscap_session *s, char *err)
{
	size_t k;
	int ret;

	if (!s->cred.drop)
		return 0;
	ret = nscap_privdrop_apply(&s->cred, err);
	for (k = 0; ret == 0 && k < s->ntg; k++)
		if (s->tg[k].ns)
			ret = nscap_ns_call(s->tg[k].ns, nscap_privdrop_thread,
					    NULL, err);
	if (ret == 0)
		ret = nscap_privdrop_verify(&s->cred, err);
	s->dropped = ret == 0;
	if (ret == 0 && s->o->verbose)
		fprintf(s->log, "nscap: running as %s, without capabilities\n",
			s->cred.name);
	return ret;
}

/*
 * The first file, opened before the drop: in a set-user-ID run, as the user
 * who ran nscap (this thread's file system identity; the namespace threads
 * keep theirs), as every later file after the drop. As root it overwrote a
 * file of root's that the user named (tcpdump gives up root before it
 * opens its file).
 */
static int open_first(struct nscap_session *s, const char *path, char *err)
{
	uid_t ruid = getuid();
	gid_t rgid = getgid();
	int ret;

	if (ruid == 0 || geteuid() != 0)
		return open_file(s, path, err);
	setfsgid(rgid);
	setfsuid(ruid);
	ret = open_file(s, path, err);
	setfsuid(0);
	setfsgid(0);
	return ret;
}

int nscap_session_capture(struct nscap_session *s, struct nscap_signals *sig,
			  const sigset_t *waitmask)
{
	const struct nscap_options *o = s->o;
	enum stop_why why = STOP_ERROR;
	char err[NSCAP_ERRBUF], first[sizeof(s->path)];
	const char *name;
	uint64_t start = now_ns();
	size_t i;
	int ret, status = NSCAP_EXIT_RUNTIME;

	s->sig = sig;
	s->waitmask = waitmask;
	/* gathering sleeps tens of microseconds: the default slack of 50 us
	 * would stretch them */
	if (s->immediate)
		prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
	s->sink.write = sink_write;
	s->sink.ctx = s;
	s->rotating = nscap_rotate_multi(&o->rotate) || o->rotate.stop_ns ||
		      o->rotate.stop_filesize || o->rotate.stop_packets ||
		      o->rotate.stop_files;
	ret = nscap_format_choose(o->format, o->output, count_linktypes(s),
				  &s->fmt, err);
	/* a name cut to fit would be another file */
	name = o->output ? o->output : "-";
	if (ret == 0 &&
	    snprintf(first, sizeof(first), "%s", name) >= (int)sizeof(first))
		ret = nscap_seterr(err, ENAMETOOLONG,
				   "-w names a file of %zu bytes",
				   strlen(name));
	if (ret == 0 && s->rotating && !nscap_output_is_stdout(o->output))
		ret = nscap_rotate_filename(o->output, &o->rotate, 0,
					    (time_t)(start / 1000000000u),
					    first, sizeof(first), err);
	if (ret == 0)
		ret = plan_drop(s, first, err);
	if (ret == 0)
		ret = open_first(s, first, err);
	/* opening a ring needs the privileges about to be dropped: the
	 * immediate rings left for later are opened now */
	for (i = 0; ret == 0 && s->cred.drop && i < s->nh; i++) {
		ret = nscap_handle_open_immediate(s->tg[s->h[i]->owner].ns,
						  s->h[i], err);
		/* open before the first wake-up: its first switch down holds
		 * a moment, as opening the ring makes it wait as root */
		s->h[i]->gear.hold = s->h[i]->primed;
	}
	if (ret == 0)
		ret = drop(s, err);
	if (ret == -ECANCELED && !s->w) {
		/* a stop while -w FIFO waited for its reader: nothing was
		 * captured, and nothing went wrong */
		if (o->verbose)
			fprintf(s->log, "nscap: %s\n", err);
		return NSCAP_EXIT_OK;
	}
	if (ret == -EPIPE) {
		/* the reader went away before the first byte (nscap ... |
		 * true): a normal end, as when it goes later */
		if (o->verbose)
			fprintf(s->log, "nscap: %s\n", err);
		return NSCAP_EXIT_OK;
	}
	if (ret) {
		fprintf(s->log, "nscap: %s\n", err);
		/* the privileges could not be dropped (or a ring opened): the
		 * file made for the capture holds a header only, and goes */
		if (s->w) {
			s->ops->close(s->w, NULL);
			s->w = NULL;
			if (s->out_created && s->path[0])
				remove_made(s, s->path);
		}
		return s->usage ? NSCAP_EXIT_USAGE : NSCAP_EXIT_RUNTIME;
	}
	spare_cpu(s);
	/* -a duration counts from here, not from a wait for a FIFO's reader
	 * (-C and -G, which name files from start, take no FIFO) */
	if (!nscap_rotate_multi(&o->rotate))
		start = now_ns();
	nscap_rotate_begin(&s->rs, start, s->ops->size(s->w));
	s->rs.close_bytes = s->ops->trailer_size(s->w);
	if (o->verbose)
		fprintf(s->log, "nscap: writing %s\n",
			nscap_output_is_stdout(o->output) ? "to standard output"
							  : first);
	if (s->fmt == NSCAP_FORMAT_PCAP &&
	    nscap_format_pcapng_name(o->output) && !quiet(s))
		fprintf(s->log, "nscap: writing pcap to %s, as -F pcap says\n",
			o->output);
	if (s->fmt == NSCAP_FORMAT_PCAPNG && o->format == NSCAP_FORMAT_AUTO &&
	    nscap_format_pcap_name(o->output) && !quiet(s)) {
		if (s->nh)
			fprintf(s->log,
				"nscap: writing pcapng to %s: the capture has "
				"%zu link types\n",
				o->output, count_linktypes(s));
		else
			fprintf(s->log,
				"nscap: writing pcapng to %s: no interface is "
				"up yet, and those that come may differ in "
				"link type\n",
				o->output);
	}
	if (s->nh == 0 && !quiet(s))
		fprintf(s->log, "nscap: no interface is up yet; waiting for "
				"one (-i all)\n");
	for (i = 0; i < s->nh; i++)
		say_listening(s, s->h[i]);
	if (o->verbose)
		for (i = 0; i < s->ntg; i++)
			if (s->tg[i].ns)
				fprintf(s->log,
					"nscap: %s: network namespace "
					"net:[%lu], %s mode, %s output\n",
					o->targets[i],
					nscap_ns_inode(s->tg[i].ns),
					s->immediate ? "immediate" : "block",
					s->fmt == NSCAP_FORMAT_PCAP ? "pcap"
								    : "pcapng");

	s->wake_ns = UINT64_MAX;
	if (s->immediate)
		wake_by(s, mono_ns() + FIRST_WAKE_NS);
	ret = run(s, &why, err);
	if (ret)
		fprintf(s->log, "nscap: %s\n", err);
	if (why == STOP_SIGNAL && !s->at_once) {
		/* what every ring has ready first, then the wait for each one's
		 * last block: in the wait a handle's turn comes after the
		 * others' (t_exits_stop: the last handles dropped 6 to 40 each
		 * while the first ones were waited for) */
		int64_t deadline[2] = {0, pending_deadline()};
		uint64_t *at_stop = calloc(s->nh ? s->nh : 1, sizeof(uint64_t));
		int n = 0, pass;

		for (pass = 0; pass < 2; pass++)
			for (i = 0; i < s->nh && n != -EPIPE && n != -EINTR;
			     i++)
				n = take_pending(s, i, deadline[pass],
						 at_stop ? &at_stop[i] : NULL);
		free(at_stop);
	}
	s->lost += s->full_drops;
	/* --on-full=wait: one more try, so that what space there is now takes
	 * the statistics and the last packets */
	if (s->full && s->w && s->ops->resume(s->w, err) == 0)
		s->full = false;
	/* the counters go into the file, then the last flush, then what was
	 * lost, then the close */
	end_handles(s, SIZE_MAX);
	if (s->w) {
		char cerr[NSCAP_ERRBUF];
		int r;

		r = s->ops->flush(s->w, cerr);
		s->lost += s->ops->lost(s->w);
		if (r == 0)
			r = s->ops->close(s->w, cerr);
		else
			s->ops->close(s->w, NULL);
		s->w = NULL;
		if (r && nscap_writer_disk_fault(-r) && o->on_full_wait &&
		    why != STOP_DISK) {
			/* waiting for space, and stopped: what is lost is
			 * counted below, and the stop stays what it was */
			if (!s->full_said)
				fprintf(s->log, "nscap: %s\n", cerr);
			s->disk_lost = true;
		} else if (r && nscap_writer_disk_fault(-r) &&
			   why != STOP_DISK) {
			fprintf(s->log, "nscap: %s\n", cerr);
			why = STOP_DISK;
		} else if (r && why != STOP_READER_GONE && why != STOP_DISK &&
			   r != -EPIPE && !s->at_once) {
			fprintf(s->log, "nscap: %s\n", cerr);
			why = STOP_ERROR;
		}
	}
	if (s->at_once)
		fprintf(s->log, "nscap: stopped at once: the output took no "
				"more\n");
	print_totals(s);
	/* a reader that went away missed what came after it: no one to
	 * tell, as tcpdump */
	if (s->lost && why != STOP_READER_GONE)
		fprintf(s->log, "nscap: %" PRIu64 " packet%s lost: %s\n",
			s->lost, s->lost == 1 ? "" : "s",
			why == STOP_DISK || s->disk_lost
				? "the disk is full or failing"
			: s->lost == 1 ? "it could not be written"
				       : "they could not be written");
	/* exit 1 with no error said: why (unless the last target's exit said
	 * so; one that exited before the last interfaces went did not) */
	if (why == STOP_NOTHING_LEFT && !s->said_stopped)
		fprintf(s->log, "nscap: nothing left to capture\n");
	/* as tcpdump's "Maximum file limit reached" */
	if (s->autostopped && !quiet(s))
		fprintf(s->log, "nscap: stopped: %s\n",
			nscap_rotate_reason_str(s->stop_reason));
	switch (why) {
	case STOP_SIGNAL:
	case STOP_COUNT:
	case STOP_AUTOSTOP:
	case STOP_READER_GONE:
		status = s->lost_target ? NSCAP_EXIT_RUNTIME : NSCAP_EXIT_OK;
		break;
	case STOP_DISK:
	case STOP_NOTHING_LEFT:
	case STOP_ERROR:
		status = NSCAP_EXIT_RUNTIME;
		break;
	}
	return status;
}

void nscap_session_close(struct nscap_session *s)
{
	size_t k;

	if (!s)
		return;
	if (s->w) {
		char err[NSCAP_ERRBUF];

		s->ops->close(s->w, err);
	}
	close_handles(s, SIZE_MAX);
	free(s->h);
	for (k = 0; s->tg && k < s->ntg; k++) {
		struct starget *g = &s->tg[k];

		if (g->watch_fd >= 0)
			close(g->watch_fd);
		free(g->sel);
		free(g->failed);
		nscap_iface_list_free(&g->ifaces);
		nscap_ns_stop(g->ns);
		nscap_ns_stop(g->retired);
		nscap_target_close(&g->t);
	}
	free(s->tg);
	nscap_privdrop_cred_free(&s->cred);
	free(s);
}
