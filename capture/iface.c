/*
 * Interface discovery inside the target's namespace, and the pure choices
 * made from the list (default device, lookup by name or -D number).
 *
 * pcap_findalldevs in the namespace thread lists the namespace's network
 * devices (it asks the kernel over netlink, in the thread's namespace) plus
 * pseudo-devices that are not per namespace (nflog, nfqueue, dbus-*,
 * bluetooth-monitor, usbmon*): those are kept out by checking each name
 * against the namespace's own devices, from if_nameindex(3).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nscap/err.h"
#include "nscap/handle.h"
#include "nscap/iface.h"
#include "nscap/text.h"

void nscap_iface_list_free(struct nscap_iface_list *l)
{
	size_t i;

	for (i = 0; l->v && i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].description);
		free(l->v[i].addrs);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static bool known_name(const char *name, const char *const *known,
		       size_t nknown)
{
	size_t i;

	for (i = 0; i < nknown; i++)
		if (strcmp(known[i], name) == 0)
			return true;
	return false;
}

int nscap_iface_filter(struct nscap_iface_list *l, const char *const *known,
		       size_t nknown)
{
	size_t i, kept = 0;

	for (i = 0; i < l->n; i++) {
		struct nscap_iface *f = &l->v[i];

		f->any = strcmp(f->name, "any") == 0;
		if (f->any || known_name(f->name, known, nknown)) {
			l->v[kept++] = *f;
			continue;
		}
		free(f->name);
		free(f->description);
		free(f->addrs);
	}
	l->n = kept;
	return 0;
}

/* Bits set in a netmask: the prefix length. */
static int prefix_len(const unsigned char *m, size_t len)
{
	int bits = 0;
	size_t i;

	for (i = 0; i < len; i++)
		bits += __builtin_popcount(m[i]);
	return bits;
}

/* "198.51.100.1/24 fe80::1/64" from libpcap's address list, or NULL. */
static char *format_addrs(const pcap_addr_t *a)
{
	char buf[1024], ip[INET6_ADDRSTRLEN];
	size_t pos = 0;

	buf[0] = '\0';
	for (; a; a = a->next) {
		const void *addr, *mask = NULL;
		size_t mlen = 0;
		int fam, n;

		if (!a->addr)
			continue;
		fam = a->addr->sa_family;
		if (fam == AF_INET) {
			addr = &((const struct sockaddr_in *)a->addr)->sin_addr;
			if (a->netmask)
				mask = &((const struct sockaddr_in *)a->netmask)
						->sin_addr;
			mlen = 4;
		} else if (fam == AF_INET6) {
			addr = &((const struct sockaddr_in6 *)a->addr)
					->sin6_addr;
			if (a->netmask)
				mask = &((const struct sockaddr_in6 *)
						 a->netmask)
						->sin6_addr;
			mlen = 16;
		} else {
			continue;
		}
		if (!inet_ntop(fam, addr, ip, sizeof(ip)))
			continue;
		n = snprintf(buf + pos, sizeof(buf) - pos, "%s%s",
			     pos ? " " : "", ip);
		if (n < 0 || (size_t)n >= sizeof(buf) - pos)
			break;
		pos += (size_t)n;
		if (mask) {
			n = snprintf(buf + pos, sizeof(buf) - pos, "/%d",
				     prefix_len(mask, mlen));
			if (n < 0 || (size_t)n >= sizeof(buf) - pos)
				break;
			pos += (size_t)n;
		}
	}
	return pos ? strdup(buf) : NULL;
}

/* Runs in the namespace thread. */
static int list_in_ns(void *p, char *err)
{
	struct nscap_iface_list *out = p;
	struct nscap_iface_list l = {NULL, 0};
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct if_nameindex *idx = NULL;
	const char **known = NULL;
	pcap_if_t *all = NULL, *d;
	size_t n = 0, nknown = 0, i;
	int ret = 0;

	if (pcap_findalldevs(&all, pcap_err) < 0) {
		ret = nscap_seterr(err, 0, "cannot list interfaces: %s",
				   pcap_err);
		goto out;
	}
	idx = if_nameindex();
	if (!idx) {
		ret = nscap_seterr(err, errno, "cannot list network devices");
		goto out;
	}
	while (idx[nknown].if_index)
		nknown++;
	known = calloc(nknown + 1, sizeof(*known));
	for (d = all; d; d = d->next)
		n++;
	l.v = calloc(n + 1, sizeof(*l.v));
	if (!known || !l.v) {
		ret = nscap_seterr(err, ENOMEM, "cannot list interfaces");
		goto out;
	}
	for (i = 0; i < nknown; i++)
		known[i] = idx[i].if_name;
	for (d = all; d; d = d->next) {
		struct nscap_iface *f = &l.v[l.n];

		f->name = strdup(d->name);
		f->description = d->description ? strdup(d->description) : NULL;
		f->flags = d->flags;
		f->linktype = -1;
		f->addrs = format_addrs(d->addresses);
		if (!f->name || (d->description && !f->description)) {
			free(f->name);
			free(f->description);
			free(f->addrs);
			ret = nscap_seterr(err, ENOMEM,
					   "cannot list interfaces");
			goto out;
		}
		l.n++;
	}
	ret = nscap_iface_filter(&l, known, nknown);
	for (i = 0; ret == 0 && i < l.n; i++)
		l.v[i].ifindex =
			l.v[i].any ? 0 : (int)if_nametoindex(l.v[i].name);
	if (ret == 0) {
		*out = l;
		l.v = NULL;
		l.n = 0;
	}
out:
	nscap_iface_list_free(&l);
	free(known);
	if (idx)
		if_freenameindex(idx);
	if (all)
		pcap_freealldevs(all);
	return ret;
}

int nscap_iface_list(struct nscap_ns *ns, struct nscap_iface_list *out,
		     char *err)
{
	out->v = NULL;
	out->n = 0;
	return nscap_ns_call(ns, list_in_ns, out, err);
}

int nscap_iface_list_start(struct nscap_ns *ns, struct nscap_iface_list *out,
			   bool *posted, char *err)
{
	out->v = NULL;
	out->n = 0;
	return nscap_ns_post_or_call(ns, list_in_ns, out, posted, err);
}

int nscap_iface_list_finish(struct nscap_ns *ns)
{
	int ret = 0;

	nscap_ns_reap(ns, true, &ret);
	return ret;
}

/* Runs in the namespace thread. */
static int linktypes_in_ns(void *p, char *err)
{
	struct nscap_iface_list *l = p;
	char pcap_err[PCAP_ERRBUF_SIZE];
	size_t i;

	(void)err;
	for (i = 0; i < l->n; i++) {
		pcap_t *h = pcap_create(l->v[i].name, pcap_err);

		if (!h)
			continue;
		/* the smallest ring that activates: nothing is kept */
		pcap_set_snaplen(h, 64);
		pcap_set_buffer_size(h, 64 * 1024);
		if (pcap_activate(h) >= 0) {
			nscap_handle_cooked_v2(h); /* as a capture takes it */
			l->v[i].linktype = pcap_datalink(h);
		}
		pcap_close(h);
	}
	return 0;
}

int nscap_iface_linktypes(struct nscap_ns *ns, struct nscap_iface_list *l,
			  char *err)
{
	return nscap_ns_call(ns, linktypes_in_ns, l, err);
}

static bool selected(const struct nscap_iface **sel, size_t n,
		     const struct nscap_iface *f)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sel[i] == f)
			return true;
	return false;
}

/* Whether a loopback interface is up in l. */
static bool loopback_up(const struct nscap_iface_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!l->v[i].any && (l->v[i].flags & PCAP_IF_UP) &&
		    (l->v[i].flags & PCAP_IF_LOOPBACK))
			return true;
	return false;
}

int nscap_iface_select(const struct nscap_iface_list *l, const char *const *req,
		       size_t nreq, const char *label,
		       const struct nscap_iface **sel, size_t *nsel, bool *all,
		       char *err)
{
	const struct nscap_iface *f;
	char names[256];
	size_t i, j, n = 0;

	*all = false;
	nscap_iface_names(l, names, sizeof(names));
	if (nreq == 0) {
		f = nscap_iface_default(l);
		if (!f && loopback_up(l)) {
			/* a container with --network none: lo alone */
			nscap_seterr(err, 0,
				     "no interface but loopback is up in the "
				     "network namespace of %s (there: %s); "
				     "-i lo captures it",
				     label, names);
			return -ENODEV;
		}
		if (!f) {
			nscap_seterr(err, 0,
				     "no interface is up in the network "
				     "namespace of %s (there: %s); name one "
				     "with -i",
				     label, names);
			return -ENODEV;
		}
		sel[0] = f;
		*nsel = 1;
		return 0;
	}
	for (i = 0; i < nreq; i++) {
		if (strcmp(req[i], "all") == 0 &&
		    !nscap_iface_lookup(l, "all")) {
			*all = true;
			for (j = 0; j < l->n; j++) {
				f = &l->v[j];
				if (!f->any && (f->flags & PCAP_IF_UP) &&
				    !selected(sel, n, f))
					sel[n++] = f;
			}
			continue;
		}
		f = nscap_iface_lookup(l, req[i]);
		if (!f) {
			char want[256];

			/* the -i argument as the user wrote it: a pasted
			 * name may hold what the namespace put in it */
			nscap_seterr(err, 0,
				     "no interface %s in the network namespace "
				     "of %s (there: %s)",
				     nscap_text_tame_copy(req[i], want,
							  sizeof(want)),
				     label, names);
			return -ENODEV;
		}
		if (!selected(sel, n, f))
			sel[n++] = f;
	}
	*nsel = n;
	return 0;
}

const struct nscap_iface *nscap_iface_default(const struct nscap_iface_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct nscap_iface *f = &l->v[i];

		if (!f->any && (f->flags & PCAP_IF_UP) &&
		    !(f->flags & PCAP_IF_LOOPBACK))
			return f;
	}
	return NULL;
}

const struct nscap_iface *nscap_iface_lookup(const struct nscap_iface_list *l,
					     const char *name)
{
	const char *p;
	size_t i, num = 0;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	/* tcpdump's -i N: the Nth device that -D lists */
	if (!*name || strlen(name) > 6)
		return NULL;
	for (p = name; *p; p++) {
		if (*p < '0' || *p > '9')
			return NULL;
		num = num * 10 + (size_t)(*p - '0');
	}
	if (num >= 1 && num <= l->n)
		return &l->v[num - 1];
	return NULL;
}

char *nscap_iface_names(const struct nscap_iface_list *l, char *buf, size_t len)
{
	size_t i, pos = 0, total = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < l->n; i++)
		total += strlen(l->v[i].name) + (i ? 2 : 0);
	for (i = 0; i < l->n; i++) {
		/* room for the name and, unless the whole list fits, ", ..." */
		size_t need = strlen(l->v[i].name) + (i ? 2 : 0) +
			      (total < len ? 0 : 5);

		if (pos + need >= len) {
			snprintf(buf + pos, len - pos, "%s...", i ? ", " : "");
			break;
		}
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
					i ? ", " : "", l->v[i].name);
	}
	/* names from the namespace, control bytes and all: for messages to
	 * a terminal (a root in a container must not drive the host's) */
	nscap_text_tame_all(buf);
	return buf;
}

char *nscap_iface_describe(const struct nscap_iface *f, size_t n, char *buf,
			   size_t len)
{
	static const struct {
		unsigned int bit;
		const char *word;
	} words[] = {
		{PCAP_IF_UP, "Up"},
		{PCAP_IF_RUNNING, "Running"},
		{PCAP_IF_LOOPBACK, "Loopback"},
		{PCAP_IF_WIRELESS, "Wireless"},
	};
	unsigned int status = f->flags & PCAP_IF_CONNECTION_STATUS;
	const char *conn = NULL;
	size_t pos, i;
	int sep = 0;

	pos = (size_t)snprintf(buf, len, "%zu.%s", n, f->name);
	if (f->description && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, " (%s)",
					f->description);
	/* an interface's name may hold control bytes: not to the terminal */
	nscap_text_tame_all(buf);
	if (!f->flags || pos >= len)
		return buf;
	pos += (size_t)snprintf(buf + pos, len - pos, " [");
	for (i = 0; i < sizeof(words) / sizeof(words[0]) && pos < len; i++) {
		if (!(f->flags & words[i].bit))
			continue;
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
					sep++ ? ", " : "", words[i].word);
	}
	/* no state bit: tcpdump says "none" before the connection status */
	if (!sep && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, "none");
	/* tcpdump words it differently for wireless interfaces */
	if (status == PCAP_IF_CONNECTION_STATUS_CONNECTED)
		conn = f->flags & PCAP_IF_WIRELESS ? "Associated" : "Connected";
	else if (status == PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
		conn = f->flags & PCAP_IF_WIRELESS ? "Not associated"
						   : "Disconnected";
	else if (status == PCAP_IF_CONNECTION_STATUS_UNKNOWN)
		conn = f->flags & PCAP_IF_WIRELESS
			       ? "Association status unknown"
			       : "Connection status unknown";
	if (conn && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, ", %s", conn);
	if (pos < len)
		snprintf(buf + pos, len - pos, "]");
	return buf;
}
