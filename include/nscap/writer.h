/*
 * Writers: one table of functions per file format, picked once. The read
 * loop only calls through the table. A writer owns its fd once opened.
 */
#ifndef NSCAP_WRITER_H
#define NSCAP_WRITER_H

#include <stdbool.h>
#include <pcap/pcap.h>

struct nscap_writer_config {
	int linktype;
	int snaplen;
	bool in_nano;  /* packets handed to write() carry nanoseconds */
	bool out_nano; /* write nanosecond timestamps */
};

struct nscap_writer;

struct nscap_writer_ops {
	const char *name;
	/* Take fd, write the file header. 0 or -errno with err set. */
	int (*open)(struct nscap_writer **w, int fd,
		    const struct nscap_writer_config *cfg, char *err);
	/* Queue one record. 0 or -errno (-EPIPE: the reader went away). */
	int (*write)(struct nscap_writer *w, const struct pcap_pkthdr *h,
		     const unsigned char *data, char *err);
	/* Push queued records to the fd. 0 or -errno. */
	int (*flush)(struct nscap_writer *w, char *err);
	/* Flush, release, close the fd; accepts NULL. 0 or -errno. */
	int (*close)(struct nscap_writer *w, char *err);
};

/* pcap, through libpcap's own dump functions with every write checked. */
extern const struct nscap_writer_ops nscap_writer_pcap;

#endif
