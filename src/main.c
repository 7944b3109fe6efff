/*
 * nscap: capture a process's (a container's) network traffic from the host.
 *
 * main() is the only place that exits and the only place that prints
 * errors. The order of work makes bad input fail before anything is
 * created: options, target, namespace thread, interface, handle and filter,
 * and only then the output file, the read loop and the statistics.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/handle.h"
#include "nscap/iface.h"
#include "nscap/loop.h"
#include "nscap/ns.h"
#include "nscap/options.h"
#include "nscap/output.h"
#include "nscap/stats.h"
#include "nscap/target.h"
#include "nscap/writer.h"

#ifndef NSCAP_VERSION
#define NSCAP_VERSION "0.0.0"
#endif

/* block timeout in file mode, as tcpdump's default */
#define FILE_MODE_TIMEOUT_MS 1000

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void error(const char *msg)
{
	fprintf(stderr, "nscap: %s\n", msg);
}

static const char *linktype_name(int dlt)
{
	const char *s = pcap_datalink_val_to_name(dlt);

	return s ? s : "unknown";
}

static const char *linktype_description(int dlt)
{
	const char *s = pcap_datalink_val_to_description(dlt);

	return s ? s : "unknown";
}

static void setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal; /* no SA_RESTART: waits end early */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* a reader that goes away shows as EPIPE, handled as a normal end */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Open the target and enter its namespace. */
static int open_target(const struct nscap_options *o, struct nscap_target *t,
		       struct nscap_ns **ns, char *err)
{
	struct nscap_target_spec spec;
	struct nscap_ns_source src;
	int ret;

	ret = nscap_target_parse(o->targets[0], &spec, err);
	if (ret)
		return ret;
	ret = nscap_target_open(&spec, o->targets[0], t, err);
	if (ret)
		return ret;
	src.nsfd = -1;
	src.pid = t->pid;
	src.pidfd = t->pidfd;
	ret = nscap_ns_start(ns, &src, err);
	if (ret == -EPERM)
		snprintf(err + strlen(err), NSCAP_ERRBUF - strlen(err),
			 " (nscap needs root, or CAP_SYS_ADMIN and "
			 "CAP_NET_RAW)");
	return ret;
}

static int list_interfaces(const struct nscap_options *o)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	struct nscap_iface_list l = {NULL, 0};
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF], line[512];
	int status = NSCAP_EXIT_RUNTIME;
	size_t i;

	if (open_target(o, &t, &ns, err) || nscap_iface_list(ns, &l, err)) {
		error(err);
		goto out;
	}
	if (l.n == 0) {
		fprintf(stderr,
			"nscap: no interfaces in the network namespace of "
			"pid %d\n",
			(int)t.pid);
		goto out;
	}
	for (i = 0; i < l.n; i++)
		printf("%s\n", nscap_iface_describe(&l.v[i], i + 1, line,
						    sizeof(line)));
	status = fflush(stdout) == 0 ? NSCAP_EXIT_OK : NSCAP_EXIT_RUNTIME;
out:
	nscap_iface_list_free(&l);
	nscap_ns_stop(ns);
	nscap_target_close(&t);
	return status;
}

/* Which device to open: -i, or the default as tcpdump picks it. */
static int choose_device(const struct nscap_options *o,
			 const struct nscap_target *t,
			 const struct nscap_iface_list *l, char **dev,
			 char *err)
{
	const struct nscap_iface *f;
	char names[256];

	nscap_iface_names(l, names, sizeof(names));
	if (o->nifaces) {
		f = nscap_iface_lookup(l, o->ifaces[0]);
		if (!f)
			return nscap_seterr(err, 0,
					    "no interface %s in the network "
					    "namespace of pid %d (there: %s)",
					    o->ifaces[0], (int)t->pid, names);
	} else {
		f = nscap_iface_default(l);
		if (!f)
			return nscap_seterr(err, 0,
					    "no interface is up in the "
					    "network namespace of pid %d "
					    "(there: %s); name one with -i",
					    (int)t->pid, names);
	}
	*dev = strdup(f->name);
	if (!*dev)
		return nscap_seterr(err, ENOMEM, "cannot choose interface");
	return 0;
}

/* Will the output be a stream that someone watches live? */
static bool output_is_stream(const char *path)
{
	struct stat st;

	if (nscap_output_is_stdout(path))
		return nscap_output_kind_of(STDOUT_FILENO) != NSCAP_OUTPUT_FILE;
	return stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
}

static void print_stats(const struct nscap_options *o, struct nscap_ns *ns,
			struct nscap_handle *h, uint64_t captured)
{
	struct nscap_stats s = {captured, 0, 0, 0};
	char err[NSCAP_ERRBUF], buf[512];
	struct pcap_stat st = {0, 0, 0};

	if (o->quiet)
		return;
	if (nscap_handle_stats(ns, h, &st, err) == 0) {
		s.received = st.ps_recv;
		s.dropped = st.ps_drop;
		s.ifdropped = st.ps_ifdrop;
	} else {
		error(err);
	}
	nscap_stats_format(&s, buf, sizeof(buf));
	fputs(buf, stderr);
}

/*
 * Stopped by a signal or the target's exit: take the packets the kernel has
 * accepted but still holds in a block that is not full (it hands a block
 * over when it fills or when its timeout expires). tcpdump loses these.
 */
static void take_pending(struct nscap_loop *l, struct nscap_ns *ns,
			 int timeout_ms)
{
	struct pcap_stat st = {0, 0, 0};
	char err[NSCAP_ERRBUF];
	size_t i;

	for (i = 0; i < l->nhandles; i++) {
		struct nscap_handle *h = l->handles[i];
		int ret;

		if (nscap_handle_stats(ns, h, &st, err))
			continue;
		if ((uint64_t)st.ps_recv - st.ps_drop <= h->captured)
			continue;
		ret = nscap_loop_drain(l, i, (uint64_t)st.ps_recv - st.ps_drop,
				       timeout_ms + 100, err);
		if (ret && ret != -EPIPE)
			error(err);
	}
}

static int capture(const struct nscap_options *o)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	struct nscap_iface_list l = {NULL, 0};
	struct nscap_output out = {-1, NSCAP_OUTPUT_OTHER, false};
	struct nscap_handle_config cfg;
	struct nscap_handle *h = NULL;
	struct nscap_writer_config wcfg;
	struct nscap_writer_iface wif;
	struct nscap_writer *w = NULL;
	const struct nscap_writer_ops *ops = &nscap_writer_pcap;
	struct nscap_ns *ns = NULL;
	struct nscap_loop loop;
	enum nscap_stop why = NSCAP_STOP_ERROR;
	sigset_t stopsigs, waitmask;
	char err[NSCAP_ERRBUF];
	char *dev = NULL;
	int status = NSCAP_EXIT_RUNTIME, watch_fd, ret;
	bool stream;

	if (nscap_output_is_stdout(o->output) &&
	    nscap_output_kind_of(STDOUT_FILENO) == NSCAP_OUTPUT_TTY) {
		error("refusing to write packets to a terminal; use -w FILE, "
		      "or pipe into a reader: nscap ... | wireshark -k -i -");
		return NSCAP_EXIT_USAGE;
	}
	stream = output_is_stream(o->output);
	setup_signals();

	if (open_target(o, &t, &ns, err) || nscap_iface_list(ns, &l, err) ||
	    choose_device(o, &t, &l, &dev, err)) {
		error(err);
		goto out;
	}

	memset(&cfg, 0, sizeof(cfg));
	cfg.device = dev;
	cfg.snaplen = o->snaplen;
	cfg.promisc = o->promisc;
	cfg.buffer_kib = o->buffer_kib;
	cfg.immediate = o->immediate || stream;
	cfg.timeout_ms = FILE_MODE_TIMEOUT_MS;
	cfg.filter = o->filter;
	if (nscap_handle_open(ns, &cfg, &h, err)) {
		error(err);
		goto out;
	}
	if (stop_requested) {
		status = NSCAP_EXIT_OK;
		goto out;
	}

	if (nscap_output_open(o->output, &out, err)) {
		error(err);
		goto out;
	}
	memset(&wcfg, 0, sizeof(wcfg));
	wif.name = dev;
	wif.description = NULL;
	wif.linktype = h->linktype;
	wif.snaplen = h->snaplen;
	wcfg.ifaces = &wif;
	wcfg.nifaces = 1;
	wcfg.in_nano = h->nano;
	wcfg.out_nano = false;
	h->iface = 0;
	/* a pipe reports POLLERR once its last reader is gone; the writer
	 * keeps the fd open until it closes */
	watch_fd = out.kind == NSCAP_OUTPUT_PIPE ? out.fd : -1;
	ret = ops->open(&w, out.fd, &wcfg, err);
	out.fd = -1; /* the writer owns it now, even on failure */
	if (ret) {
		error(err);
		if (out.created && unlink(o->output) < 0)
			fprintf(stderr, "nscap: cannot remove %s: %s\n",
				o->output, strerror(errno));
		goto out;
	}

	if (!o->quiet)
		fprintf(stderr,
			"nscap: listening on %s in pid %d (%s), link-type "
			"%s (%s), snapshot length %d bytes\n",
			dev, (int)t.pid, t.comm, linktype_name(h->linktype),
			linktype_description(h->linktype), h->snaplen);
	if (o->verbose)
		fprintf(stderr,
			"nscap: network namespace net:[%lu], %s mode, "
			"%s timestamps\n",
			nscap_ns_inode(ns),
			cfg.immediate ? "immediate" : "block",
			h->nano ? "nanosecond" : "microsecond");

	memset(&loop, 0, sizeof(loop));
	loop.handles = &h;
	loop.nhandles = 1;
	loop.ops = ops;
	loop.writer = w;
	loop.count = o->count;
	loop.pidfd = t.pidfd;
	loop.outfd = watch_fd;
	loop.flush_each_wakeup = o->packet_buffered || stream;
	loop.stop = &stop_requested;
	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &stopsigs, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGHUP);
	loop.waitmask = &waitmask;

	ret = nscap_loop_run(&loop, &why, err);
	if (ret)
		error(err);
	if (ret == 0 &&
	    (why == NSCAP_STOP_SIGNAL || why == NSCAP_STOP_TARGET_EXITED))
		take_pending(&loop, ns, cfg.timeout_ms);
	ret = ops->close(w, err);
	w = NULL;
	if (ret && why != NSCAP_STOP_READER_GONE) {
		error(err);
		why = NSCAP_STOP_ERROR;
	}
	print_stats(o, ns, h, loop.captured);
	switch (why) {
	case NSCAP_STOP_SIGNAL:
	case NSCAP_STOP_COUNT:
	case NSCAP_STOP_READER_GONE:
		status = NSCAP_EXIT_OK;
		break;
	case NSCAP_STOP_TARGET_EXITED:
		fprintf(stderr,
			"nscap: target process %d (%s) exited; capture "
			"stopped\n",
			(int)t.pid, t.comm);
		break;
	case NSCAP_STOP_IFACE_GONE:
	case NSCAP_STOP_ERROR:
		break;
	}
out:
	ops->close(w, err);
	nscap_handle_close(ns, h);
	free(dev);
	nscap_iface_list_free(&l);
	nscap_ns_stop(ns);
	nscap_target_close(&t);
	return status;
}

int main(int argc, char **argv)
{
	struct nscap_options o;
	char err[NSCAP_ERRBUF];
	int status;

	if (nscap_options_parse(&o, argc, argv, err) ||
	    nscap_options_validate(&o, err)) {
		error(err);
		fputs("Try 'nscap --help' for more information.\n", stderr);
		nscap_options_free(&o);
		return NSCAP_EXIT_USAGE;
	}
	if (o.help) {
		nscap_options_usage(stdout);
		status = fflush(stdout) ? NSCAP_EXIT_RUNTIME : NSCAP_EXIT_OK;
	} else if (o.version) {
		printf("nscap %s\n%s\n", NSCAP_VERSION, pcap_lib_version());
		status = fflush(stdout) ? NSCAP_EXIT_RUNTIME : NSCAP_EXIT_OK;
	} else if (o.list_interfaces) {
		status = list_interfaces(&o);
	} else {
		status = capture(&o);
	}
	nscap_options_free(&o);
	return status;
}
