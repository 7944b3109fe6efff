/*
 * Writers: one table of functions per file format, picked once. The read
 * loop only calls through the table. A writer owns its fd once opened.
 *
 * Interfaces are numbered in the order they are given: those in the config
 * at open, then each add_iface. A packet names its interface by that number.
 *
 * Whole records: a writer hands the fd only whole records (pcap) or blocks
 * (pcapng), so a file killed at any moment ends at a record boundary, as
 * far as the kernel took the write(2)s (a SIGKILL that lands inside one
 * write(2) of a regular file can still stop it at a page).
 *
 * Write errors. When a write fails, the records queued since the last
 * successful write and the packet in hand are discarded and counted in
 * lost(), and the writer enters a failed state: write() discards each
 * packet (counted lost) and returns the same -errno with err set ("cannot
 * write packets: No space left on device"); flush(), stats() and (after an
 * error other than a disk fault) add_iface() return it too; close()
 * returns 0, the failure having been reported once already. On a regular
 * file the writer first cuts the file back (ftruncate) to what it held
 * after the last successful write: whole records, readable to the last.
 * After a disk fault (ENOSPC, EDQUOT, EFBIG, EIO) on a regular file that
 * was cut back, resume() leaves the failed state and the next records are
 * appended after the last whole one (--on-full=wait); any other failure
 * (EPIPE, a pipe, a file that could not be cut) is final.
 */
#ifndef NSCAP_WRITER_H
#define NSCAP_WRITER_H

#include <errno.h>
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
	const char *filter; /* pcapng if_filter (libpcap's), or NULL */
};

struct nscap_writer_config {
	const struct nscap_writer_iface *ifaces;
	size_t nifaces;
	bool in_nano;	      /* packets handed to write() carry nanoseconds */
	bool out_nano;	      /* write nanosecond timestamps */
	const char *hardware; /* pcapng shb_hardware, or NULL */
	const char *os;	      /* pcapng shb_os, or NULL */
	const char *userappl; /* pcapng shb_userappl, or NULL */
	/* the output's name, put before the writer's messages ("out.pcapng:
	 * cannot write packets: ..."); copied; NULL: none */
	const char *output;
	/* pcapng: called when a non-blocking fd takes no more (EAGAIN), or
	 * a write was interrupted (EINTR); returns 0 to write on, or an errno
	 * to give the write up (EINTR: stopped at once). NULL: poll(2) until
	 * it takes more. done, if not NULL, is called once the write that
	 * called wait is over, either way (to undo what wait did). */
	int (*wait)(void *ctx, int fd);
	void (*done)(void *ctx, int fd);
	void *wait_ctx;
};

/* Counters of one interface at the end of a capture. */
struct nscap_writer_stats {
	uint64_t ts_ns;	   /* when they were read, ns since the epoch */
	uint64_t received; /* received by filter */
	uint64_t dropped;  /* dropped by kernel */
	uint64_t captured; /* delivered to nscap since the capture began */
};

struct nscap_writer;

struct nscap_writer_ops {
	const char *name;
	/* Take fd (closed on error too), write the file header and the
	 * config's interfaces. 0 or -errno with err set. */
	int (*open)(struct nscap_writer **w, int fd,
		    const struct nscap_writer_config *cfg, char *err);
	/* Describe one more interface; it gets the next number. pcap takes
	 * only the link type it opened with; pcapng writes the description
	 * before the next block (no I/O here), so after a disk fault it waits
	 * for resume(). 0 or -errno. */
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
	/* Flush, release, close the fd; accepts NULL. 0 or -errno; 0 when
	 * the writer had already failed. What a failing last flush loses is
	 * gone with w: flush() and read lost() first to count it. */
	int (*close)(struct nscap_writer *w, char *err);
	/* Bytes the file holds so far, counting what is queued: header,
	 * interface descriptions, records, statistics. After a failure, what
	 * the file was cut back to (and, pcapng, the interface descriptions
	 * that resume will write again). */
	uint64_t (*size)(struct nscap_writer *w);
	/* Bytes one record of caplen captured bytes adds (pcap: 16 + caplen;
	 * pcapng: an EPB, 32 + caplen padded to 4). */
	uint64_t (*record_size)(struct nscap_writer *w, uint32_t caplen);
	/* Bytes the statistics add at the end: one stats() per interface
	 * described so far, which the session calls before close() (pcapng:
	 * 64 each; pcap: 0). close() itself adds nothing. */
	uint64_t (*trailer_size)(struct nscap_writer *w);
	/* Packets handed to write() that are not in the file because a
	 * write failed: discarded from the queue, or refused once failed. */
	uint64_t (*lost)(struct nscap_writer *w);
	/* Leave the failed state after a disk fault: the file ends at a whole
	 * record and the next ones are appended after it. 0 (also when not
	 * failed), or the failure's -errno with err set when it is final. */
	int (*resume)(struct nscap_writer *w, char *err);
};

/* Is errno e (positive) a disk fault, one that resume() can outlast? */
static inline bool nscap_writer_disk_fault(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG || e == EIO;
}

/*
 * The errno of a failed write (positive) as the writers report it: a socket
 * whose reader closed with data unread says ECONNRESET where a pipe says
 * EPIPE, and the reader went away all the same (a normal end).
 */
static inline int nscap_writer_write_errno(int e)
{
	return e == ECONNRESET ? EPIPE : e;
}

/* pcap, through libpcap's own dump functions with every write checked. */
extern const struct nscap_writer_ops nscap_writer_pcap;
/* pcapng, our own: any link types per file, names and statistics kept. */
extern const struct nscap_writer_ops nscap_writer_pcapng;

#endif
