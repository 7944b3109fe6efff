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
#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nscap/err.h"
#include "nscap/iface.h"

void nscap_iface_list_free(struct nscap_iface_list *l)
{
	size_t i;

	for (i = 0; l->v && i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].description);
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
	}
	l->n = kept;
	return 0;
}

struct list_call {
	struct nscap_iface_list *out;
};

/* Runs in the namespace thread. */
static int list_in_ns(void *p, char *err)
{
	struct list_call *c = p;
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
		if (!f->name || (d->description && !f->description)) {
			free(f->name);
			free(f->description);
			ret = nscap_seterr(err, ENOMEM,
					   "cannot list interfaces");
			goto out;
		}
		l.n++;
	}
	ret = nscap_iface_filter(&l, known, nknown);
	if (ret == 0) {
		*c->out = l;
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
	struct list_call c = {out};

	out->v = NULL;
	out->n = 0;
	return nscap_ns_call(ns, list_in_ns, &c, err);
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
	size_t i, pos = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < l->n; i++) {
		size_t need = strlen(l->v[i].name) + (i ? 2 : 0);

		if (pos + need + 4 >= len) {
			snprintf(buf + pos, len - pos, "%s...", i ? ", " : "");
			break;
		}
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
					i ? ", " : "", l->v[i].name);
	}
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
	if (!f->flags || pos >= len)
		return buf;
	pos += (size_t)snprintf(buf + pos, len - pos, " [");
	for (i = 0; i < sizeof(words) / sizeof(words[0]) && pos < len; i++) {
		if (!(f->flags & words[i].bit))
			continue;
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
					sep++ ? ", " : "", words[i].word);
	}
	if (status == PCAP_IF_CONNECTION_STATUS_CONNECTED)
		conn = "Connected";
	else if (status == PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
		conn = "Disconnected";
	else if (status == PCAP_IF_CONNECTION_STATUS_UNKNOWN)
		conn = "Connection status unknown";
	if (conn && pos < len)
		pos += (size_t)snprintf(buf + pos, len - pos, "%s%s",
					sep ? ", " : "", conn);
	if (pos < len)
		snprintf(buf + pos, len - pos, "]");
	return buf;
}
