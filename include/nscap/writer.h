/*
 * Writers: one table of functions per file format, picked once. The read
 * loop only calls through the table. A writer owns its fd once opened.
 *
 * Interfaces are numbered in the order they are given: those in the config
 * at open, then each add_iface. A packet names its interface by that number.
 */
#ifndef NSCAP_WRITER_H
#define NSCAP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>

/* One capture interface, as the file describes it. */
struct nscap_writer_iface {
	const char *name;	 /* pcapng if_name, e.g. "web:eth0" */
	const char *description; /* pcapng if_description, or NULL */
	int linktype;		 /* DLT_* */
	int snaplen;
};

struct nscap_writer_config {
	const struct nscap_writer_iface *ifaces;
	size_t nifaces;
	bool in_nano;	      /* packets handed to write() carry nanoseconds */
	bool out_nano;	      /* write nanosecond timestamps */
	const char *hardware; /* pcapng shb_hardware, or NULL */
	const char *os;	      /* pcapng shb_os, or NULL */
	const char *userappl; /* pcapng shb_userappl, or NULL */
};

/* Counters of one interface at the end of a capture. */
struct nscap_writer_stats {
	uint64_t ts_ns;	   /* when they were read, ns since the epoch */
	uint64_t received; /* received by filter */
	uint64_t dropped;  /* dropped by kernel */
	uint64_t captured; /* written to this file */
};

struct nscap_writer;

struct nscap_writer_ops {
	const char *name;
	/* Take fd (closed on error too), write the file header and the
	 * config's interfaces. 0 or -errno with err set. */
	int (*open)(struct nscap_writer **w, int fd,
		    const struct nscap_writer_config *cfg, char *err);
	/* Describe one more interface; it gets the next number. pcap takes
	 * only the link type it opened with. 0 or -errno. */
	int (*add_iface)(struct nscap_writer *w,
			 const struct nscap_writer_iface *f, char *err);
	/* Queue one record. 0 or -errno (-EPIPE: the reader went away). */
	int (*write)(struct nscap_writer *w, unsigned int iface,
		     const struct pcap_pkthdr *h, const unsigned char *data,
		     char *err);
	/* Record an interface's counters (pcapng: an Interface Statistics
	 * Block; pcap has no place for them). 0 or -errno. */
	int (*stats)(struct nscap_writer *w, unsigned int iface,
		     const struct nscap_writer_stats *st, char *err);
	/* Push queued records to the fd. 0 or -errno. */
	int (*flush)(struct nscap_writer *w, char *err);
	/* Flush, release, close the fd; accepts NULL. 0 or -errno. */
	int (*close)(struct nscap_writer *w, char *err);
};

/* pcap, through libpcap's own dump functions with every write checked. */
extern const struct nscap_writer_ops nscap_writer_pcap;
/* pcapng, our own: any link types per file, names and statistics kept. */
extern const struct nscap_writer_ops nscap_writer_pcapng;

#endif
