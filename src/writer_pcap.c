/*
 * The pcap writer: libpcap's own dump functions (the format is libpcap's),
 * over a FILE whose errors are checked, since pcap_dump() returns nothing.
 * Records are queued in a large stdio buffer and reach the fd on flush or
 * when the buffer fills, always as whole records when flushed.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/writer.h"

#define PCAP_WRITER_BUFSIZE (1 << 20)

struct nscap_writer {
	int linktype;
	pcap_t *dead;
	pcap_dumper_t *dumper;
	FILE *fp;
	char *buf;
	bool in_nano;
	bool out_nano;
};

static int file_errno(void)
{
	return errno ? errno : EIO;
}

static int pw_close(struct nscap_writer *w, char *err);

static int max_snaplen(const struct nscap_writer_config *cfg)
{
	int snaplen = 0;
	size_t i;

	for (i = 0; i < cfg->nifaces; i++)
		if (cfg->ifaces[i].snaplen > snaplen)
			snaplen = cfg->ifaces[i].snaplen;
	return snaplen;
}

static int pw_open(struct nscap_writer **out, int fd,
		   const struct nscap_writer_config *cfg, char *err)
{
	struct nscap_writer *w;
	size_t i;
	int ret;

	if (cfg->nifaces == 0) {
		close(fd);
		return nscap_seterr(err, 0, "no interface to write");
	}
	for (i = 1; i < cfg->nifaces; i++)
		if (cfg->ifaces[i].linktype != cfg->ifaces[0].linktype) {
			close(fd);
			return nscap_seterr(err, 0,
					    "pcap holds one link type, and %s "
					    "and %s differ; use pcapng",
					    cfg->ifaces[0].name,
					    cfg->ifaces[i].name);
		}
	w = calloc(1, sizeof(*w));
	if (!w) {
		close(fd);
		return nscap_seterr(err, ENOMEM, "cannot start pcap writer");
	}
	w->linktype = cfg->ifaces[0].linktype;
	w->in_nano = cfg->in_nano;
	w->out_nano = cfg->out_nano;
	w->fp = fdopen(fd, "w");
	if (!w->fp) {
		ret = nscap_seterr(err, errno, "cannot start pcap writer");
		close(fd);
		goto fail;
	}
	w->buf = malloc(PCAP_WRITER_BUFSIZE);
	if (!w->buf ||
	    setvbuf(w->fp, w->buf, _IOFBF, PCAP_WRITER_BUFSIZE) != 0) {
		ret = nscap_seterr(err, ENOMEM, "cannot start pcap writer");
		goto fail;
	}
	w->dead = pcap_open_dead_with_tstamp_precision(
		cfg->ifaces[0].linktype, max_snaplen(cfg),
		cfg->out_nano ? PCAP_TSTAMP_PRECISION_NANO
			      : PCAP_TSTAMP_PRECISION_MICRO);
	if (!w->dead) {
		ret = nscap_seterr(err, ENOMEM, "cannot start pcap writer");
		goto fail;
	}
	errno = 0;
	w->dumper = pcap_dump_fopen(w->dead, w->fp);
	if (!w->dumper) {
		ret = nscap_seterr(err, 0, "cannot write pcap header: %s",
				   pcap_geterr(w->dead));
		goto fail;
	}
	/* the header goes out at once: a reader of a pipe waits for it */
	if (fflush(w->fp) != 0) {
		ret = -file_errno();
		nscap_seterr(err, -ret, "cannot write pcap header");
		goto fail;
	}
	*out = w;
	return 0;
fail:
	pw_close(w, NULL);
	return ret;
}

static int pw_add_iface(struct nscap_writer *w,
			const struct nscap_writer_iface *f, char *err)
{
	if (f->linktype != w->linktype)
		return nscap_seterr(err, 0,
				    "pcap holds one link type, and %s has "
				    "another; use pcapng",
				    f->name);
	return 0;
}

static int pw_write(struct nscap_writer *w, unsigned int iface,
		    const struct pcap_pkthdr *h, const unsigned char *data,
		    char *err)
{
	struct pcap_pkthdr rec = *h;

	(void)iface;
	if (w->in_nano && !w->out_nano)
		rec.ts.tv_usec /= 1000;
	else if (!w->in_nano && w->out_nano)
		rec.ts.tv_usec *= 1000;
	errno = 0;
	pcap_dump((unsigned char *)w->dumper, &rec, data);
	if (ferror(w->fp))
		return nscap_seterr(err, file_errno(), "cannot write packet");
	return 0;
}

static int pw_stats(struct nscap_writer *w, unsigned int iface,
		    const struct nscap_writer_stats *st, char *err)
{
	(void)w;
	(void)iface;
	(void)st;
	(void)err;
	return 0;
}

static int pw_flush(struct nscap_writer *w, char *err)
{
	errno = 0;
	if (fflush(w->fp) != 0)
		return nscap_seterr(err, file_errno(), "cannot write packets");
	return 0;
}

static int pw_close(struct nscap_writer *w, char *err)
{
	int ret = 0;

	if (!w)
		return 0;
	if (w->fp && !ferror(w->fp)) {
		char ignored[NSCAP_ERRBUF];

		ret = pw_flush(w, err ? err : ignored);
	}
	/* pcap_dump_close() closes the FILE without saying how it went; the
	 * flush above is where a write error shows */
	if (w->dumper)
		pcap_dump_close(w->dumper);
	else if (w->fp)
		fclose(w->fp);
	if (w->dead)
		pcap_close(w->dead);
	free(w->buf);
	free(w);
	return ret;
}

const struct nscap_writer_ops nscap_writer_pcap = {
	.name = "pcap",
	.open = pw_open,
	.add_iface = pw_add_iface,
	.write = pw_write,
	.stats = pw_stats,
	.flush = pw_flush,
	.close = pw_close,
};
