/*
 * The pcap writer: libpcap's own dump functions (the format is libpcap's),
 * over a FILE whose errors are checked, since pcap_dump() returns nothing.
 * Records are queued in a large stdio buffer and reach the fd on flush or
 * when the next record would not fit, always as whole records.
 *
 * stdio itself writes its buffer out when it is full, wherever the record
 * in hand is cut; a kill after that leaves half a record at the end of the
 * file. So the writer counts what the buffer holds and flushes before a
 * record that would not fit. A record larger than the whole buffer goes
 * through stdio to the fd at once, and the writer flushes right after it.
 *
 * A failed write (pcap_dump() stays silent: the flushes are where errors
 * show) discards the buffer with __fpurge(), so that nothing half-written
 * follows, and cuts a regular file back to its last whole record: the
 * records of the failed flush that reached the file whole stay, as the
 * pcapng writer's do (the fd's offset says how far the short write got,
 * and the buffer, which holds the records from its start, where each one
 * ends; glibc only). libpcap's pcap_dump() writes nothing while the
 * FILE's error flag is set; clearerr() and fseeko() to that size put the
 * FILE where the next record goes, which resume() then lets happen.
 */
#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/writer.h"

#define PCAP_WRITER_BUFSIZE (1 << 20)
/* the header pcap_dump_fopen() writes, and each record's (pcap-savefile(5)) */
#define PCAP_FILE_HEAD ((uint64_t)sizeof(struct pcap_file_header))
#define PCAP_RECORD_HEAD 16u

struct nscap_writer {
	int linktype;
	pcap_t *dead;
	pcap_dumper_t *dumper;
	FILE *fp;
	char *buf;
	bool in_nano;
	bool out_nano;
	bool regular;	      /* a regular file: a failure can be cut off */
	off_t base;	      /* where the file header starts in the file */
	uint64_t good;	      /* bytes written by the last good flush */
	uint64_t queued;      /* bytes in the stdio buffer since then */
	uint64_t queued_pkts; /* records among them */
	uint64_t lost;
	int failed;	/* errno of a failed write, 0 if none */
	bool resumable; /* a disk fault, and the file is cut to good */
	char *output;	/* the config's, for messages, or NULL */
};

static int file_errno(void)
{
	return errno ? errno : EIO;
}

static void release(struct nscap_writer *w);

static int max_snaplen(const struct nscap_writer_config *cfg)
{
	int snaplen = 0;
	size_t i;

	for (i = 0; i < cfg->nifaces; i++)
		if (cfg->ifaces[i].snaplen > snaplen)
			snaplen = cfg->ifaces[i].snaplen;
	return snaplen;
}

/* After the header went out: is the fd a regular file, and where in it
 * did the header start (not 0 when appending to a file)? */
static void find_base(struct nscap_writer *w)
{
	int fd = fileno(w->fp);
	struct stat st;
	off_t pos;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	pos = lseek(fd, 0, SEEK_CUR);
	if (pos < (off_t)PCAP_FILE_HEAD)
		return;
	w->regular = true;
	w->base = pos - (off_t)PCAP_FILE_HEAD;
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
	if (cfg->output && !(w->output = strdup(cfg->output))) {
		close(fd);
		ret = nscap_seterr(err, ENOMEM, "cannot start pcap writer");
		goto fail;
	}
	w->fp = fdopen(fd, "w");
	if (!w->fp) {
		ret = nscap_seterr(err, errno, "cannot start pcap writer");
		close(fd);
		goto fail;
	}
	/* only the read loop's thread touches this FILE: no locking per
	 * fwrite (nscap has threads, so glibc would lock each call) */
	__fsetlocking(w->fp, FSETLOCKING_BYCALLER);
	/* our own buffer: glibc's setvbuf with NULL ignores the size and
	 * keeps st_blksize (4 KiB on tmpfs); test_file_ends_at_whole_records
	 * fails with such a buffer, which stdio writes out mid-record */
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
		nscap_err_prefix(err, w->output);
		goto fail;
	}
	/* the header goes out at once: a reader of a pipe waits for it */
	if (fflush(w->fp) != 0 || ferror(w->fp)) {
		ret = -file_errno();
		nscap_seterr_in(err, -ret, w->output,
				"cannot write pcap header");
		goto fail;
	}
	w->good = PCAP_FILE_HEAD;
	find_base(w);
	*out = w;
	return 0;
fail:
	release(w);
	return ret;
}

/* Cut the file back to the last good flush and put the FILE there, its
 * buffer already discarded. 0 or an errno. */
static int cut_back(struct nscap_writer *w)
{
	off_t end = w->base + (off_t)w->good;

	if (ftruncate(fileno(w->fp), end) < 0)
		return errno;
	clearerr(w->fp);
	if (fseeko(w->fp, end, SEEK_SET) < 0)
		return errno;
	return 0;
}

/* A flush of a regular file failed after a short write: the queued
 * records that reached the file whole become good. The fd's offset says
 * how far the write got (the file's size would count bytes that were there
 * before, in a file not truncated). Queued past the buffer (a record larger
 * than it), stdio wrote from elsewhere: none. glibc's stdio keeps the
 * buffer's bytes in place from buf on (musl's setvbuf, for one, does not
 * start at buf): elsewhere, none either. */
static void keep_written(struct nscap_writer *w)
{
#ifdef __GLIBC__
	uint64_t done, off = 0, n = 0;
	off_t pos;

	if (!w->regular || w->queued > PCAP_WRITER_BUFSIZE)
		return;
	pos = lseek(fileno(w->fp), 0, SEEK_CUR);
	if (pos < 0 || (uint64_t)pos <= (uint64_t)w->base + w->good)
		return;
	done = (uint64_t)pos - (uint64_t)w->base - w->good;
	while (n < w->queued_pkts && off + PCAP_RECORD_HEAD <= w->queued) {
		uint32_t caplen; /* the record's, in this host's order */
		uint64_t end;

		memcpy(&caplen, w->buf + off + 8, sizeof(caplen));
		end = off + PCAP_RECORD_HEAD + caplen;
		if (end > w->queued || end > done)
			break;
		off = end;
		n++;
	}
	w->good += off;
	w->queued -= off;
	w->queued_pkts -= n;
#else
	(void)w;
#endif
}

/* A write failed with errno e: what was queued and did not reach the file
 * whole is lost, and so are extra packets in hand. Returns -e with err
 * set. */
static int fault(struct nscap_writer *w, int e, uint64_t extra, char *err)
{
	e = nscap_writer_write_errno(e);
	keep_written(w);
	w->lost += w->queued_pkts + extra;
	w->queued = 0;
	w->queued_pkts = 0;
	w->failed = e;
	/* glibc drops a buffer whose write failed; discard it here too,
	 * whatever the libc, so that nothing of it is written later */
	__fpurge(w->fp);
	w->resumable =
		w->regular && cut_back(w) == 0 && nscap_writer_disk_fault(e);
	return nscap_seterr_in(err, e, w->output, "cannot write packets");
}

static int failed(const struct nscap_writer *w, char *err)
{
	return nscap_seterr_in(err, w->failed, w->output,
			       "cannot write packets");
}

/* Push the buffer to the fd; extra packets in hand are lost if that fails. */
static int flush_queued(struct nscap_writer *w, uint64_t extra, char *err)
{
	errno = 0;
	if (fflush(w->fp) != 0 || ferror(w->fp))
		return fault(w, file_errno(), extra, err);
	w->good += w->queued;
	w->queued = 0;
	w->queued_pkts = 0;
	return 0;
}

static int pw_add_iface(struct nscap_writer *w,
			const struct nscap_writer_iface *f, char *err)
{
	if (f->linktype != w->linktype)
		/* the caller names the interface ("not capturing on NAME:") */
		return nscap_seterr(err, 0,
				    "pcap holds one link type, and this "
				    "interface has another; use pcapng");
	return 0;
}

static uint64_t pw_record_size(struct nscap_writer *w, uint32_t caplen)
{
	(void)w;
	return PCAP_RECORD_HEAD + (uint64_t)caplen;
}

/* Hand one record to libpcap, its time stamp in the file's unit. */
static void dump(struct nscap_writer *w, const struct pcap_pkthdr *h,
		 const unsigned char *data)
{
	struct pcap_pkthdr rec = *h;

	if (w->in_nano && !w->out_nano)
		rec.ts.tv_usec /= 1000;
	else if (!w->in_nano && w->out_nano)
		rec.ts.tv_usec *= 1000;
	pcap_dump((unsigned char *)w->dumper, &rec, data);
	w->queued += pw_record_size(w, h->caplen);
	w->queued_pkts++;
}

/* A record that does not simply fit in the buffer, or a writer that
 * failed. Not inlined, so that pw_write's common case stays short. */
__attribute__((noinline)) static int pw_write_slow(struct nscap_writer *w,
						   const struct pcap_pkthdr *h,
						   const unsigned char *data,
						   char *err)
{
	uint64_t size = pw_record_size(w, h->caplen);

	if (w->failed) {
		w->lost++;
		return failed(w, err);
	}
	/* stdio must not write the buffer out with this record cut in two */
	if (w->queued && w->queued + size > PCAP_WRITER_BUFSIZE) {
		int ret = flush_queued(w, 1, err);

		if (ret)
			return ret;
	}
	if (size <= PCAP_WRITER_BUFSIZE) {
		dump(w, h, data);
		return 0;
	}
	/* larger than the buffer: stdio writes most of it, the rest follows */
	errno = 0;
	dump(w, h, data);
	if (ferror(w->fp))
		return fault(w, file_errno(), 0, err);
	return flush_queued(w, 0, err);
}

static int pw_write(struct nscap_writer *w, unsigned int iface,
		    const struct pcap_pkthdr *h, const unsigned char *data,
		    char *err)
{
	(void)iface;
	if (w->failed ||
	    w->queued + pw_record_size(w, h->caplen) > PCAP_WRITER_BUFSIZE)
		return pw_write_slow(w, h, data, err);
	/* it fits in the buffer: stdio writes nothing, so nothing can fail
	 * here; write errors show at the flushes. No ferror() per packet. */
	dump(w, h, data);
	return 0;
}

static int pw_stats(struct nscap_writer *w, unsigned int iface,
		    const struct nscap_writer_stats *st, char *err)
{
	(void)iface;
	(void)st;
	if (w->failed)
		return failed(w, err);
	return 0;
}

static int pw_flush(struct nscap_writer *w, char *err)
{
	if (w->failed)
		return failed(w, err);
	return flush_queued(w, 0, err);
}

static uint64_t pw_size(struct nscap_writer *w)
{
	return w->good + w->queued;
}

static uint64_t pw_trailer_size(struct nscap_writer *w)
{
	(void)w;
	return 0;
}

static uint64_t pw_lost(struct nscap_writer *w)
{
	return w->lost;
}

static int pw_resume(struct nscap_writer *w, char *err)
{
	if (!w->failed)
		return 0;
	if (!w->resumable)
		return failed(w, err);
	/* cut_back() left the FILE at good with its error flag clear */
	w->failed = 0;
	w->resumable = false;
	return 0;
}

/* Close without writing anything more: what is still queued is dropped. */
static void release(struct nscap_writer *w)
{
	if (w->fp)
		__fpurge(w->fp);
	/* pcap_dump_close() closes the FILE without saying how it went; the
	 * flush before is where a write error shows */
	if (w->dumper)
		pcap_dump_close(w->dumper);
	else if (w->fp)
		fclose(w->fp);
	if (w->dead)
		pcap_close(w->dead);
	free(w->buf);
	free(w->output);
	free(w);
}

static int pw_close(struct nscap_writer *w, char *err)
{
	int ret = 0;

	if (!w)
		return 0;
	/* an earlier failure was returned when it happened */
	if (!w->failed) {
		char ignored[NSCAP_ERRBUF];

		ret = flush_queued(w, 0, err ? err : ignored);
	}
	release(w);
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
	.size = pw_size,
	.record_size = pw_record_size,
	.trailer_size = pw_trailer_size,
	.lost = pw_lost,
	.resume = pw_resume,
};
