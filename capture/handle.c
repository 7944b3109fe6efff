/*
 * libpcap handles, created in the target's namespace thread. Every libpcap
 * call except reading packets (pcap_dispatch, in the host-side loop) runs
 * there: activation looks the device up by name, and pcap_stats and
 * pcap_close read /sys/class/net/NAME, which only that thread sees as the
 * target's.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "nscap/err.h"
#include "nscap/handle.h"

struct open_call {
	const struct nscap_handle_config *cfg;
	struct nscap_handle *h;
};

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

static int set_filter(pcap_t *p, const char *device, const char *expr,
		      char *err)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
	int ret = 0;

	if (!expr || !*expr)
		return 0;
	/* as tcpdump: the netmask matters only for "ip broadcast" */
	if (pcap_lookupnet(device, &net, &mask, pcap_err) < 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (pcap_compile(p, &prog, expr, 1, mask) < 0)
		return nscap_seterr(err, 0, "bad filter expression '%s': %s",
				    expr, pcap_geterr(p));
	if (pcap_setfilter(p, &prog) < 0)
		ret = nscap_seterr(err, 0, "cannot set filter on %s: %s",
				   device, pcap_geterr(p));
	pcap_freecode(&prog);
	return ret;
}

/* Runs in the namespace thread. */
static int open_in_ns(void *arg, char *err)
{
	struct open_call *c = arg;
	const struct nscap_handle_config *cfg = c->cfg;
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	int status, ret;

	p = pcap_create(cfg->device, pcap_err);
	if (!p)
		return nscap_seterr(err, 0, "cannot open %s: %s", cfg->device,
				    pcap_err);
	pcap_set_snaplen(p, cfg->snaplen);
	pcap_set_promisc(p, cfg->promisc);
	pcap_set_timeout(p, cfg->timeout_ms);
	if (cfg->buffer_bytes)
		pcap_set_buffer_size(p, (int)cfg->buffer_bytes);
	if (cfg->immediate)
		pcap_set_immediate_mode(p, 1);
	/* nanoseconds where the kernel gives them; a writer converts */
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);

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
		ret = -activate_errno(status);
		goto fail;
	}
	ret = set_filter(p, cfg->device, cfg->filter, err);
	if (ret)
		goto fail;
	if (pcap_setnonblock(p, 1, pcap_err) < 0) {
		ret = nscap_seterr(err, 0, "cannot make %s non-blocking: %s",
				   cfg->device, pcap_err);
		goto fail;
	}

	c->h->pcap = p;
	c->h->fd = pcap_get_selectable_fd(p);
	c->h->linktype = pcap_datalink(p);
	c->h->snaplen = pcap_snapshot(p);
	c->h->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	return 0;
fail:
	pcap_close(p);
	return ret;
}

int nscap_handle_open(struct nscap_ns *ns,
		      const struct nscap_handle_config *cfg,
		      struct nscap_handle **out, char *err)
{
	struct open_call c = {cfg, NULL};
	int ret;

	c.h = calloc(1, sizeof(*c.h));
	if (!c.h || !(c.h->device = strdup(cfg->device))) {
		free(c.h);
		return nscap_seterr(err, ENOMEM, "cannot open %s", cfg->device);
	}
	c.h->fd = -1;
	ret = nscap_ns_call(ns, open_in_ns, &c, err);
	if (ret) {
		free(c.h->device);
		free(c.h);
		return ret;
	}
	*out = c.h;
	return 0;
}

struct stats_call {
	struct nscap_handle *h;
	struct pcap_stat *st;
};

static int stats_in_ns(void *arg, char *err)
{
	struct stats_call *c = arg;

	if (pcap_stats(c->h->pcap, c->st) < 0)
		return nscap_seterr(err, 0, "cannot read statistics of %s: %s",
				    c->h->device, pcap_geterr(c->h->pcap));
	return 0;
}

int nscap_handle_stats(struct nscap_ns *ns, struct nscap_handle *h,
		       struct pcap_stat *st, char *err)
{
	struct stats_call c;

	memset(st, 0, sizeof(*st));
	c.h = h;
	c.st = st;
	return nscap_ns_call(ns, stats_in_ns, &c, err);
}

static int close_in_ns(void *arg, char *err)
{
	(void)err;
	pcap_close(arg);
	return 0;
}

void nscap_handle_close(struct nscap_ns *ns, struct nscap_handle *h)
{
	if (!h)
		return;
	if (h->pcap) {
		char err[NSCAP_ERRBUF];

		nscap_ns_call(ns, close_in_ns, h->pcap, err);
	}
	free(h->device);
	free(h);
}
