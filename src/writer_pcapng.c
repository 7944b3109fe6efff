/*
 * The pcapng writer (draft-ietf-opsawg-pcapng), our own since libpcap only
 * reads pcapng. One section: a Section Header Block, an Interface
 * Description Block per interface (more may follow at any point: an IDB
 * need only come before the first block that names it), Enhanced Packet
 * Blocks and, at the end, Interface Statistics Blocks. Every number is in
 * host byte order, which the SHB's byte-order magic announces.
 *
 * The hot path is pn_write: the EPB header and the packet are copied once
 * into a 1 MiB buffer, which goes to the fd with write(2) when the next
 * block does not fit or on flush. Only whole blocks enter the buffer, so
 * the file ends at a block boundary whenever a flush succeeded. A packet
 * larger than the buffer goes out with writev(2) straight after a flush.
 * A short write is retried from where it stopped, so a block is cut only
 * by an error (or by a kill between the two write(2)s).
 *
 * An IDB is built by add_iface and kept; it enters the buffer just before
 * the next block that follows it (so add_iface does no I/O), and it is
 * queued again after a failure cut it off the end of the file.
 *
 * Decisions, and why:
 * - if_tsresol is always written, 9 with out_nano and 6 otherwise, though 6
 *   is the default when the option is absent: every IDB then says what its
 *   timestamps mean, for 8 bytes, and there is one code path.
 * - ISB counters. libpcap's ps_recv counts packets that passed the filter
 *   (on Linux the socket's tp_packets, which include the ones dropped
 *   afterwards) and ps_drop those the kernel dropped for want of buffer
 *   space. The spec's isb_ifrecv and isb_ifdrop count at the interface,
 *   before any filter, which libpcap does not tell us. So received goes to
 *   isb_filteraccept (6), dropped to isb_osdrop (7) and captured, the
 *   packets delivered to nscap (those a full disk cost included), to
 *   isb_usrdeliv (8): all three from the beginning of the capture, as the
 *   spec says, in every file of a rotation too, so that filteraccept -
 *   osdrop - usrdeliv is what the kernel still held; isb_ifrecv and
 *   isb_ifdrop are left out rather than filled with numbers that mean
 *   something else. The ISB timestamp is when the counters were read.
 * - The IDB's LinkType is a LINKTYPE_* value, not a DLT_*: the few DLTs
 *   whose values differ (DLT_RAW is 12 on Linux, LINKTYPE_RAW is 101) are
 *   mapped as libpcap maps them when it writes a pcap header.
 * - Strings must be valid UTF-8: a byte that does not start a valid
 *   sequence is written as '?' (interface names and process names are
 *   arbitrary bytes on Linux). A NULL or empty string leaves its option out.
 * - A block without options has no option list at all, so no opt_endofopt
 *   (the spec ends a list with it; only an SHB without its three strings,
 *   and every EPB, have none).
 * - An EPB's original length is at least its captured length, as the spec
 *   requires of a writer whose packets come from a live capture.
 * - After a failed write the file may end mid-block. A regular file is cut
 *   (ftruncate) after the last whole block that reached it, the part of the
 *   queue written before the fault included (keep_whole_blocks), and the
 *   rest of the queue is dropped, its packets counted as lost. Every later call
 *   but close returns that error again rather than append to a torn file
 *   (write discards its packet, counted too), and close, having nothing
 *   more to say, returns only an error of its own. After a disk fault on a
 *   file that was cut back, resume goes on from there.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/text.h"
#include "nscap/writer.h"

#define PCAPNG_BUFSIZE ((size_t)1 << 20)

#define BLOCK_SHB 0x0A0D0D0Au
#define BLOCK_IDB 0x00000001u
#define BLOCK_ISB 0x00000005u
#define BLOCK_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT 0
#define SHB_HARDWARE 2
#define SHB_OS 3
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define IF_FILTER 11
#define IF_FILTER_LIBPCAP 0 /* if_filter's first byte: a libpcap string */
#define ISB_FILTERACCEPT 6
#define ISB_OSDROP 7
#define ISB_USRDELIV 8

/* LINKTYPE_* values of the DLTs that differ (libpcap's dlt_to_linktype) */
#define LINKTYPE_ATM_RFC1483 100
#define LINKTYPE_RAW 101
#define LINKTYPE_SLIP_BSDOS 102
#define LINKTYPE_PPP_BSDOS 103
#define LINKTYPE_ATM_CLIP 106

/* an option's length field is 16 bits */
#define OPT_MAX 0xFFFF
/* fixed parts: SHB to the options, IDB, EPB and ISB to the data/options */
#define SHB_HEAD 24
#define IDB_HEAD 16
#define EPB_HEAD 28
#define ISB_HEAD 20
/* option header, opt_endofopt, trailing block length */
#define OPT_HEAD 4
#define ENDOFOPT_LEN 4
#define TRAILER_LEN 4
#define ISB_LEN (ISB_HEAD + 3 * (OPT_HEAD + 8) + ENDOFOPT_LEN + TRAILER_LEN)
/* the largest SHB or IDB: three strings as long as an option holds */
#define META_MAX                                                  \
	(SHB_HEAD + 3 * (OPT_HEAD + OPT_MAX + 1) + OPT_HEAD + 4 + \
	 ENDOFOPT_LEN + TRAILER_LEN)

_Static_assert(PCAPNG_BUFSIZE >= META_MAX,
	       "every block but an EPB must fit the buffer");

/* An Interface Description Block as built, kept to be queued (again). */
struct idb {
	unsigned char *b;
	size_t len;
};

struct nscap_writer {
	int fd;
	int (*wait)(void *ctx, int fd); /* the config's, or NULL */
	void (*done)(void *ctx, int fd);
	void *wait_ctx;
	unsigned char *buf;
	size_t len;		/* queued in buf: whole blocks only */
	uint32_t nifaces;	/* IDBs built: the next interface ID */
	bool in_nano;		/* tv_usec holds nanoseconds */
	bool out_nano;		/* if_tsresol 9, else 6 */
	struct idb *idbs;	/* every interface's IDB, by number */
	uint32_t queued_ifaces; /* IDBs in buf or in the file */
	uint32_t good_ifaces;	/* IDBs in the file */
	bool regular;		/* a regular file: a failure can be cut off */
	off_t base;		/* where the SHB starts in the file */
	uint64_t good;		/* bytes in the file, whole blocks */
	uint64_t queued_pkts;	/* EPBs in buf */
	uint64_t lost;
	int failed;	/* errno of a failed write, 0 if none */
	bool resumable; /* a disk fault, and the file is cut to good */
	char *output;	/* the config's, for messages, or NULL */
};

static int release(struct nscap_writer *w);

static unsigned char *put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

static unsigned char *put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static size_t str_len(const char *s)
{
	return s ? strlen(s) : 0;
}

/* Bytes a string option takes, header and padding included; 0 if absent. */
static size_t str_opt_size(const char *s)
{
	size_t n = str_len(s);

	return n ? OPT_HEAD + pad4(n) : 0;
}

/* Copy n bytes of s to p, each byte that is not valid UTF-8 as '?'. */
static void put_utf8(unsigned char *p, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	memcpy(p, s, n);
	while (i < n) {
		size_t len =
			u[i] < 0x80 ? 1 : nscap_text_utf8_len(u + i, n - i);

		if (len == 0) {
			p[i++] = '?';
			continue;
		}
		i += len;
	}
}

/* Option header, then room for n bytes of value, zero-padded to 32 bits;
 * returns where the value goes. */
static unsigned char *opt_begin(unsigned char *p, uint16_t code, size_t n)
{
	p = put16(p, code);
	p = put16(p, (uint16_t)n);
	memset(p + n, 0, pad4(n) - n);
	return p;
}

static unsigned char *put_str_opt(unsigned char *p, uint16_t code,
				  const char *s)
{
	size_t n = str_len(s);

	if (n == 0)
		return p;
	p = opt_begin(p, code, n);
	put_utf8(p, s, n);
	return p + pad4(n);
}

static unsigned char *put_u64_opt(unsigned char *p, uint16_t code, uint64_t v)
{
	p = opt_begin(p, code, sizeof(v));
	return put64(p, v);
}

static int dlt_to_linktype(int dlt)
{
	switch (dlt) {
	case DLT_ATM_RFC1483:
		return LINKTYPE_ATM_RFC1483;
	case DLT_RAW:
		return LINKTYPE_RAW;
	case DLT_SLIP_BSDOS:
		return LINKTYPE_SLIP_BSDOS;
	case DLT_PPP_BSDOS:
		return LINKTYPE_PPP_BSDOS;
	case DLT_ATM_CLIP:
		return LINKTYPE_ATM_CLIP;
	default:
		return dlt;
	}
}

/* Wait until w's fd takes more: it was made non-blocking behind our back
 * (without the config's wait, which is called instead). */
static int wait_writable(const struct nscap_writer *w)
{
	struct pollfd pfd = {w->fd, POLLOUT, 0};

	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

static int write_iov(const struct nscap_writer *w, struct iovec *iov, int n,
		     bool *waited)
{
	for (;;) {
		ssize_t r;
		size_t done;

		while (n > 0 && iov->iov_len == 0) {
			iov++;
			n--;
		}
		if (n == 0)
			return 0;
		r = writev(w->fd, iov, n);
		if (r < 0) {
			int e = errno;

			if (w->wait &&
			    (e == EINTR || e == EAGAIN || e == EWOULDBLOCK)) {
				*waited = true;
				e = w->wait(w->wait_ctx, w->fd);
			} else if (e == EINTR) {
				continue;
			} else if (e == EAGAIN || e == EWOULDBLOCK) {
				e = wait_writable(w);
			}
			if (e)
				return e;
			continue;
		}
		if (r == 0)
			return EIO; /* no progress and no reason: give up */
		done = (size_t)r;
		while (n > 0 && done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
}

/* Write all of iov[0..n) to w's fd through partial writes, EINTR and
 * EAGAIN (the config's wait decides, and its done follows). 0 or an
 * errno; iov is used up. */
static int write_all(const struct nscap_writer *w, struct iovec *iov, int n)
{
	bool waited = false;
	int e = write_iov(w, iov, n, &waited);

	if (waited && w->done)
		w->done(w->wait_ctx, w->fd);
	return e;
}

static int failed(const struct nscap_writer *w, char *err)
{
	return nscap_seterr_in(err, w->failed, w->output,
			       "cannot write packets");
}

/* Cut the file back to its whole blocks and write from there on. 0 or
 * an errno. */
static int cut_back(struct nscap_writer *w)
{
	off_t end = w->base + (off_t)w->good;

	if (ftruncate(w->fd, end) < 0 || lseek(w->fd, end, SEEK_SET) < 0)
		return errno;
	return 0;
}

/* A write failed with errno e: the queue is dropped, its packets and extra
 * ones in hand lost, its IDBs to be queued again. Returns -e, err set. */
static int fault(struct nscap_writer *w, int e, uint64_t extra, char *err)
{
	e = nscap_writer_write_errno(e);
	w->lost += w->queued_pkts + extra;
	w->queued_pkts = 0;
	w->len = 0;
	w->queued_ifaces = w->good_ifaces;
	w->failed = e;
	w->resumable =
		w->regular && cut_back(w) == 0 && nscap_writer_disk_fault(e);
	return failed(w, err);
}

/*
 * A write of the buffer failed after its first n bytes reached the file (a
 * disk that fills takes part of a write, then refuses the rest): the whole
 * blocks among them stay, with their packets and descriptions, and the file
 * is cut after the last (cut_back). Without this, a full disk cost every
 * packet of the buffer, up to 1 MiB of them, where most had fit.
 */
static void keep_whole_blocks(struct nscap_writer *w, size_t n)
{
	size_t off = 0;

	while (n - off >= 8) {
		uint32_t type, len;

		memcpy(&type, w->buf + off, sizeof(type));
		memcpy(&len, w->buf + off + 4, sizeof(len));
		if (len < 12 || len > n - off)
			break;
		if (type == BLOCK_EPB)
			w->queued_pkts--;
		else if (type == BLOCK_IDB)
			w->good_ifaces++;
		off += len;
	}
	w->good += off;
}

/* Write the buffer out; extra packets in hand are lost if that fails. */
static int flush_buf(struct nscap_writer *w, uint64_t extra, char *err)
{
	struct iovec iov;
	int e;

	if (w->failed)
		return failed(w, err);
	if (w->len == 0)
		return 0;
	iov.iov_base = w->buf;
	iov.iov_len = w->len;
	e = write_all(w, &iov, 1);
	if (e && w->regular)
		keep_whole_blocks(
			w, (size_t)((unsigned char *)iov.iov_base - w->buf));
	if (e)
		return fault(w, e, extra, err);
	w->good += w->len;
	w->len = 0;
	w->queued_pkts = 0;
	w->good_ifaces = w->queued_ifaces;
	return 0;
}

/* Where a block of size bytes (at most PCAPNG_BUFSIZE) goes in the buffer,
 * flushing what it holds if the block does not fit. NULL with err set. */
static unsigned char *reserve(struct nscap_writer *w, size_t size, char *err)
{
	if (w->failed) {
		failed(w, err);
		return NULL;
	}
	if (size > PCAPNG_BUFSIZE - w->len && flush_buf(w, 0, err))
		return NULL;
	return w->buf + w->len;
}

/* Queue the IDBs built since the last block, before the block that may
 * name them. 0 or -errno. */
static int queue_idbs(struct nscap_writer *w, char *err)
{
	while (w->queued_ifaces < w->nifaces) {
		const struct idb *d = &w->idbs[w->queued_ifaces];
		unsigned char *p = reserve(w, d->len, err);

		if (!p)
			return -w->failed;
		memcpy(p, d->b, d->len);
		w->len += d->len;
		w->queued_ifaces++;
	}
	return 0;
}

/* Timestamp in units of if_tsresol. */
static uint64_t ts_units(const struct nscap_writer *w, const struct timeval *tv)
{
	uint64_t sec = (uint64_t)tv->tv_sec, frac = (uint64_t)tv->tv_usec;

	if (w->out_nano)
		return sec * 1000000000u + (w->in_nano ? frac : frac * 1000u);
	return sec * 1000000u + (w->in_nano ? frac / 1000u : frac);
}

static int check_iface(const struct nscap_writer *w, unsigned int iface,
		       const char *what, char *err)
{
	if (iface < w->nifaces)
		return 0;
	return nscap_seterr(err, 0,
			    "cannot write %s: no interface %u (%u described)",
			    what, iface, (unsigned int)w->nifaces);
}

static int put_shb(struct nscap_writer *w,
		   const struct nscap_writer_config *cfg, char *err)
{
	size_t hlen = str_len(cfg->hardware), olen = str_len(cfg->os);
	size_t alen = str_len(cfg->userappl), opts, size;
	unsigned char *p;

	if (hlen > OPT_MAX || olen > OPT_MAX || alen > OPT_MAX)
		return nscap_seterr(err, 0,
				    "cannot write pcapng header: hardware, os "
				    "or application longer than %d bytes",
				    OPT_MAX);
	opts = str_opt_size(cfg->hardware) + str_opt_size(cfg->os) +
	       str_opt_size(cfg->userappl);
	if (opts)
		opts += ENDOFOPT_LEN;
	size = SHB_HEAD + opts + TRAILER_LEN;
	p = reserve(w, size, err);
	if (!p)
		return -w->failed;
	p = put32(p, BLOCK_SHB);
	p = put32(p, (uint32_t)size);
	p = put32(p, BYTE_ORDER_MAGIC);
	p = put16(p, 1);	  /* major */
	p = put16(p, 0);	  /* minor */
	p = put64(p, UINT64_MAX); /* section length: not given */
	p = put_str_opt(p, SHB_HARDWARE, cfg->hardware);
	p = put_str_opt(p, SHB_OS, cfg->os);
	p = put_str_opt(p, SHB_USERAPPL, cfg->userappl);
	if (opts)
		p = put32(p, OPT_ENDOFOPT);
	put32(p, (uint32_t)size);
	w->len += size;
	return 0;
}

static int pn_add_iface(struct nscap_writer *w,
			const struct nscap_writer_iface *f, char *err)
{
	const char *name = f->name ? f->name : "";
	int linktype = dlt_to_linktype(f->linktype);
	uint8_t tsresol = w->out_nano ? 9 : 6;
	size_t flen = str_len(f->filter), size;
	struct idb *idbs;
	unsigned char *p;

	if (str_len(f->name) > OPT_MAX || str_len(f->description) > OPT_MAX)
		return nscap_seterr(err, 0,
				    "cannot describe interface %.64s: name or "
				    "description longer than %d bytes",
				    name, OPT_MAX);
	if (linktype < 0 || linktype > 0xFFFF)
		return nscap_seterr(err, 0,
				    "cannot describe interface %.64s: link "
				    "type %d has no pcapng value",
				    name, f->linktype);
	if (w->nifaces == UINT32_MAX)
		return nscap_seterr(err, 0,
				    "cannot describe interface %.64s: too many "
				    "interfaces",
				    name);
	/* after a disk fault the IDB waits for resume, like the file */
	if (w->failed && !w->resumable)
		return failed(w, err);
	/* the capture filter as dumpcap writes it: a type byte, the string;
	 * one too long for an option is left out (it is only a note) */
	if (flen > OPT_MAX - 1)
		flen = 0;
	size = IDB_HEAD + str_opt_size(f->name) + str_opt_size(f->description) +
	       (flen ? OPT_HEAD + pad4(1 + flen) : 0) + OPT_HEAD + pad4(1) +
	       ENDOFOPT_LEN + TRAILER_LEN;
	idbs = realloc(w->idbs, ((size_t)w->nifaces + 1) * sizeof(*idbs));
	if (!idbs)
		return nscap_seterr(err, ENOMEM,
				    "cannot describe interface %.64s", name);
	w->idbs = idbs;
	p = malloc(size);
	if (!p)
		return nscap_seterr(err, ENOMEM,
				    "cannot describe interface %.64s", name);
	idbs[w->nifaces].b = p;
	idbs[w->nifaces].len = size;
	p = put32(p, BLOCK_IDB);
	p = put32(p, (uint32_t)size);
	p = put16(p, (uint16_t)linktype);
	p = put16(p, 0); /* reserved */
	p = put32(p, f->snaplen > 0 ? (uint32_t)f->snaplen : 0);
	p = put_str_opt(p, IF_NAME, f->name);
	p = put_str_opt(p, IF_DESCRIPTION, f->description);
	if (flen) {
		p = opt_begin(p, IF_FILTER, 1 + flen);
		p[0] = IF_FILTER_LIBPCAP;
		put_utf8(p + 1, f->filter, flen);
		p += pad4(1 + flen);
	}
	p = opt_begin(p, IF_TSRESOL, 1);
	*p = tsresol;
	p += pad4(1);
	p = put32(p, OPT_ENDOFOPT);
	put32(p, (uint32_t)size);
	w->nifaces++;
	return 0;
}

/* After the header went out: is the fd a regular file, and where in it
 * did the SHB start (not 0 when appending to a file)? */
static void find_base(struct nscap_writer *w)
{
	struct stat st;
	off_t pos;

	if (fstat(w->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	pos = lseek(w->fd, 0, SEEK_CUR);
	if (pos < (off_t)w->good)
		return;
	w->regular = true;
	w->base = pos - (off_t)w->good;
}

static int pn_open(struct nscap_writer **out, int fd,
		   const struct nscap_writer_config *cfg, char *err)
{
	struct nscap_writer *w;
	size_t i;
	int ret;

	w = calloc(1, sizeof(*w));
	if (!w) {
		close(fd);
		return nscap_seterr(err, ENOMEM, "cannot start pcapng writer");
	}
	w->fd = fd;
	w->wait = cfg->wait;
	w->done = cfg->done;
	w->wait_ctx = cfg->wait_ctx;
	w->in_nano = cfg->in_nano;
	w->out_nano = cfg->out_nano;
	w->buf = malloc(PCAPNG_BUFSIZE);
	if (cfg->output)
		w->output = strdup(cfg->output);
	if (!w->buf || (cfg->output && !w->output)) {
		ret = nscap_seterr(err, ENOMEM, "cannot start pcapng writer");
		goto fail;
	}
	ret = put_shb(w, cfg, err);
	for (i = 0; ret == 0 && i < cfg->nifaces; i++)
		ret = pn_add_iface(w, &cfg->ifaces[i], err);
	if (ret == 0)
		ret = queue_idbs(w, err);
	if (ret)
		goto fail;
	/* the header goes out at once: a reader of a pipe waits for it */
	ret = flush_buf(w, 0, err);
	if (ret) {
		nscap_seterr_in(err, w->failed, w->output,
				"cannot write pcapng header");
		goto fail;
	}
	find_base(w);
	*out = w;
	return 0;
fail:
	release(w); /* nothing half-made reaches the file */
	return ret;
}

/* A packet larger than the buffer, after the buffer went out. */
static int write_direct(struct nscap_writer *w, const unsigned char *head,
			const unsigned char *data, uint32_t caplen, size_t size,
			char *err)
{
	unsigned char tail[3 + TRAILER_LEN] = {0};
	size_t npad = pad4(caplen) - caplen;
	struct iovec iov[3];
	int e;

	put32(tail + npad, (uint32_t)size);
	iov[0].iov_base = (void *)head;
	iov[0].iov_len = EPB_HEAD;
	iov[1].iov_base = (void *)data;
	iov[1].iov_len = caplen;
	iov[2].iov_base = tail;
	iov[2].iov_len = npad + TRAILER_LEN;
	e = write_all(w, iov, 3);
	if (e)
		return fault(w, e, 1, err);
	w->good += size;
	return 0;
}

static uint64_t pn_record_size(struct nscap_writer *w, uint32_t caplen)
{
	(void)w;
	return EPB_HEAD + pad4(caplen) + TRAILER_LEN;
}

/* An EPB's 28-byte head, for a packet of size bytes as a block. */
static void epb_head(const struct nscap_writer *w, unsigned char *p,
		     unsigned int iface, const struct pcap_pkthdr *h,
		     size_t size)
{
	uint64_t ts = ts_units(w, &h->ts);

	p = put32(p, BLOCK_EPB);
	p = put32(p, (uint32_t)size);
	p = put32(p, iface);
	p = put32(p, (uint32_t)(ts >> 32));
	p = put32(p, (uint32_t)ts);
	p = put32(p, h->caplen);
	put32(p, h->len > h->caplen ? h->len : h->caplen);
}

/* Put the EPB of a packet into the buffer, which has room for it. */
static void put_epb(struct nscap_writer *w, unsigned int iface,
		    const struct pcap_pkthdr *h, const unsigned char *data,
		    size_t size)
{
	unsigned char *p = w->buf + w->len;
	size_t padded = size - EPB_HEAD - TRAILER_LEN;

	epb_head(w, p, iface, h, size);
	p += EPB_HEAD;
	/* the padding (0 to 3 bytes) is the tail of the last 4-byte word:
	 * zero that word, then copy the data over its head (cheaper than a
	 * memset call of a length known only now) */
	if (padded)
		put32(p + padded - 4, 0);
	memcpy(p, data, h->caplen);
	put32(p + padded, (uint32_t)size);
	w->len += size;
	w->queued_pkts++;
}

/* A packet that cannot simply go into the buffer: a fault, an unknown
 * interface, IDBs to queue first, or a full buffer. Not inlined, so that
 * pn_write's common case stays a few instructions. */
__attribute__((noinline)) static int pn_write_slow(struct nscap_writer *w,
						   unsigned int iface,
						   const struct pcap_pkthdr *h,
						   const unsigned char *data,
						   size_t size, char *err)
{
	int ret;

	ret = check_iface(w, iface, "packet", err);
	if (ret)
		return ret;
	if (w->failed) {
		w->lost++;
		return failed(w, err);
	}
	if (size > UINT32_MAX)
		return nscap_seterr(err, 0,
				    "cannot write packet: %u bytes do not fit "
				    "a block",
				    h->caplen);
	ret = queue_idbs(w, err);
	if (ret) {
		w->lost++;
		return ret;
	}
	if (size > PCAPNG_BUFSIZE - w->len) {
		ret = flush_buf(w, 1, err);
		if (ret)
			return ret;
		if (size > PCAPNG_BUFSIZE) {
			unsigned char head[EPB_HEAD];

			epb_head(w, head, iface, h, size);
			return write_direct(w, head, data, h->caplen, size,
					    err);
		}
	}
	put_epb(w, iface, h, data, size);
	return 0;
}

static int pn_write(struct nscap_writer *w, unsigned int iface,
		    const struct pcap_pkthdr *h, const unsigned char *data,
		    char *err)
{
	size_t size = (size_t)pn_record_size(w, h->caplen);

	/* per packet, a call or a saved register costs more than the rest */
	if (w->failed || iface >= w->nifaces || w->queued_ifaces < w->nifaces ||
	    size > PCAPNG_BUFSIZE - w->len)
		return pn_write_slow(w, iface, h, data, size, err);
	put_epb(w, iface, h, data, size);
	return 0;
}

static int pn_stats(struct nscap_writer *w, unsigned int iface,
		    const struct nscap_writer_stats *st, char *err)
{
	uint64_t ts = w->out_nano ? st->ts_ns : st->ts_ns / 1000u;
	unsigned char *p;
	int ret;

	ret = check_iface(w, iface, "statistics", err);
	if (ret == 0)
		ret = queue_idbs(w, err);
	if (ret)
		return ret;
	p = reserve(w, ISB_LEN, err);
	if (!p)
		return -w->failed;
	p = put32(p, BLOCK_ISB);
	p = put32(p, ISB_LEN);
	p = put32(p, iface);
	p = put32(p, (uint32_t)(ts >> 32));
	p = put32(p, (uint32_t)ts);
	p = put_u64_opt(p, ISB_FILTERACCEPT, st->received);
	p = put_u64_opt(p, ISB_OSDROP, st->dropped);
	p = put_u64_opt(p, ISB_USRDELIV, st->captured);
	p = put32(p, OPT_ENDOFOPT);
	put32(p, ISB_LEN);
	w->len += ISB_LEN;
	return 0;
}

static int pn_flush(struct nscap_writer *w, char *err)
{
	int ret = queue_idbs(w, err);

	return ret ? ret : flush_buf(w, 0, err);
}

static uint64_t pn_size(struct nscap_writer *w)
{
	uint64_t size = w->good + w->len;
	uint32_t i;

	for (i = w->queued_ifaces; i < w->nifaces; i++)
		size += w->idbs[i].len;
	return size;
}

static uint64_t pn_trailer_size(struct nscap_writer *w)
{
	return (uint64_t)w->nifaces * ISB_LEN;
}

static uint64_t pn_lost(struct nscap_writer *w)
{
	return w->lost;
}

static int pn_resume(struct nscap_writer *w, char *err)
{
	if (!w->failed)
		return 0;
	if (!w->resumable)
		return failed(w, err);
	/* the file ends at good, the fd points there; the IDBs it lost are
	 * queued again before the next block */
	w->failed = 0;
	w->resumable = false;
	return 0;
}

/* Close the fd and free w without writing anything more. 0 or an errno. */
static int release(struct nscap_writer *w)
{
	int e = 0;
	uint32_t i;

	/* close(2) on Linux releases the fd even on EINTR: never retry */
	if (close(w->fd) < 0 && errno != EINTR)
		e = errno;
	for (i = 0; i < w->nifaces; i++)
		free(w->idbs[i].b);
	free(w->idbs);
	free(w->buf);
	free(w->output);
	free(w);
	return e;
}

static int pn_close(struct nscap_writer *w, char *err)
{
	char ignored[NSCAP_ERRBUF], *output;
	bool was_failed;
	int ret, e;

	if (!w)
		return 0;
	if (!err)
		err = ignored;
	/* an earlier failure was returned when it happened */
	was_failed = w->failed != 0;
	ret = was_failed ? 0 : pn_flush(w, err);
	/* the name outlives w, for close(2)'s error */
	output = w->output;
	w->output = NULL;
	e = release(w);
	if (e && ret == 0 && !was_failed)
		ret = nscap_seterr_in(err, e, output, "cannot write packets");
	free(output);
	return ret;
}

const struct nscap_writer_ops nscap_writer_pcapng = {
	.name = "pcapng",
	.open = pn_open,
	.add_iface = pn_add_iface,
	.write = pn_write,
	.stats = pn_stats,
	.flush = pn_flush,
	.close = pn_close,
	.size = pn_size,
	.record_size = pn_record_size,
	.trailer_size = pn_trailer_size,
	.lost = pn_lost,
	.resume = pn_resume,
};
