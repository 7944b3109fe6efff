/*
 * Rotation and autostop policy: when to close the output file and open the
 * next one (tcpdump's -C, -G, -W), when to stop (dumpcap's -a), and what
 * the next file is called. Pure: no I/O, no clock; the caller passes the
 * time in and does the opening, writing and closing itself.
 *
 * The loop's part, per record:
 *
 *	d = nscap_rotate_decide(p, s, now, record_bytes, false)
 *	STOP: do not write the record; close the file; stop.
 *	NEXT: close the file; nscap_rotate_filename(.., d.index,
 *	      d.name_ns / 1e9, ..); if d.replaces, remove that name first;
 *	      open it; nscap_rotate_opened(s, &d, header_bytes); then write
 *	      the record (no second decision is needed).
 *	after writing: nscap_rotate_wrote(s, bytes, 1).
 *
 * and after each batch, on SIGHUP (force) and when nscap_rotate_deadline()
 * passes, the same with record_bytes 0: time limits and limits already
 * reached are acted on without waiting for another packet.
 */
#ifndef NSCAP_ROTATE_H
#define NSCAP_ROTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* -C's unit, as tcpdump's: millions of bytes */
#define NSCAP_ROTATE_MB 1000000u
/* -a filesize's unit, as dumpcap's: kB of 1000 bytes */
#define NSCAP_ROTATE_KB 1000u

/* The limits, from the command line; 0 everywhere: one file, no stop. */
struct nscap_rotate_policy {
	uint64_t max_bytes;	 /* -C: most bytes in one file, 0: none */
	uint64_t seconds;	 /* -G: a new file every N seconds, 0: none */
	unsigned int files;	 /* -W: with -C a ring of N files; with -G
				  * alone, stop after N files (periods) */
	uint64_t stop_ns;	 /* -a duration, in ns since the start */
	uint64_t stop_filesize;	 /* -a filesize, in bytes (kB * 1000) */
	uint64_t stop_packets;	 /* -a packets */
	unsigned int stop_files; /* -a files */
};

/* Where the capture is; the caller keeps it with the functions below. */
struct nscap_rotate_state {
	uint64_t start_ns;	   /* when the capture (its first file) began */
	uint64_t period_start_ns;  /* when the -G period began: the first file,
				    * or the last time rotation; also the
				    * time in the file names of the period */
	uint64_t file_bytes;	   /* bytes in the current file, headers too */
	uint64_t file_packets;	   /* records in the current file */
	uint64_t close_bytes;	   /* bytes closing the file will add (pcapng
				    * statistics blocks); the caller sets it */
	uint64_t packets;	   /* records written, all files */
	unsigned int files;	   /* files begun, the current one included;
				    * a file kept on counts again, so that -W
				    * and -a files count -G's periods */
	unsigned int period_files; /* files opened in this -G period */
	unsigned int index;	   /* the current file's number in its name */
};

enum nscap_rotate_action {
	NSCAP_ROTATE_NONE, /* write the record to the current file */
	NSCAP_ROTATE_NEXT, /* close the file, open the next, then write */
	NSCAP_ROTATE_STOP, /* do not write it; close the file and stop */
};

enum nscap_rotate_reason {
	NSCAP_ROTATE_BY_NONE,
	NSCAP_ROTATE_BY_SIZE,	  /* -C: the record would not fit */
	NSCAP_ROTATE_BY_TIME,	  /* -G: the period is over */
	NSCAP_ROTATE_BY_REQUEST,  /* forced (SIGHUP) */
	NSCAP_STOP_BY_DURATION,	  /* -a duration */
	NSCAP_STOP_BY_PACKETS,	  /* -a packets */
	NSCAP_STOP_BY_FILESIZE,	  /* -a filesize */
	NSCAP_STOP_BY_FILES,	  /* -a files */
	NSCAP_STOP_BY_FILE_LIMIT, /* -W with -G alone */
};

struct nscap_rotate_decision {
	enum nscap_rotate_action action;
	enum nscap_rotate_reason reason;
	/* NEXT only: */
	unsigned int index; /* the next file's number, for its name */
	uint64_t name_ns;   /* the time for its name */
	bool new_period;    /* a time rotation: the -G period restarts */
	bool replaces;	    /* a ring came round: a file of that name was
			     * written earlier in this run (with -W 1, the
			     * one just closed); remove it before opening */
	bool same_names;    /* a new period whose files are named as the
			     * period before's: its numbers go on */
};

/*
 * Parse "-a TEST:VALUE" as dumpcap: duration:SECONDS (decimals allowed, as
 * dumpcap's), filesize:KB (kB of 1000 bytes), packets:N, files:N; each value
 * greater than 0. Sets that one limit in p. Returns 0, or -EINVAL with err
 * set and p untouched.
 */
int nscap_rotate_parse_autostop(struct nscap_rotate_policy *p, const char *arg,
				char *err);

/*
 * Parse -C: a whole number of millions of bytes, or with a suffix k, m or g
 * of 1024, 1024^2, 1024^3 bytes (as tcpdump from 4.99.6). Sets p->max_bytes.
 * 0 or -EINVAL with err set and p untouched.
 */
int nscap_rotate_parse_size(struct nscap_rotate_policy *p, const char *arg,
			    char *err);

/* Parse -G SECONDS (> 0) into p->seconds. 0 or -EINVAL, p untouched. */
int nscap_rotate_parse_seconds(struct nscap_rotate_policy *p, const char *arg,
			       char *err);

/* Parse -W N (> 0) into p->files. 0 or -EINVAL, p untouched. */
int nscap_rotate_parse_files(struct nscap_rotate_policy *p, const char *arg,
			     char *err);

/*
 * Check the combination: -C and -G need a file to write (to_file), -W and
 * -a files need -C or -G. Returns 0 or -EINVAL with err set.
 */
int nscap_rotate_check(const struct nscap_rotate_policy *p, bool to_file,
		       char *err);

/* Does p ever open a second file (-C or -G)? */
bool nscap_rotate_multi(const struct nscap_rotate_policy *p);

/* The state for a first file opened at now_ns with header_bytes written. */
void nscap_rotate_begin(struct nscap_rotate_state *s, uint64_t now_ns,
			uint64_t header_bytes);

/*
 * What to do before writing a record of record_bytes at now_ns; 0 bytes
 * when there is no record (a check after a batch or at the deadline).
 * force: rotate now (SIGHUP). Fills d and returns d->action. Stop
 * conditions come first, then -G, then -C, so with several met at once a
 * stop wins and a time rotation takes the place of a size rotation.
 */
enum nscap_rotate_action
nscap_rotate_decide(const struct nscap_rotate_policy *p,
		    const struct nscap_rotate_state *s, uint64_t now_ns,
		    uint64_t record_bytes, bool force,
		    struct nscap_rotate_decision *d);

/*
 * Decision d starts a new -G period with -C, and the caller found that the
 * pattern names the new period's files as the current period's (a pattern
 * coarser than -G: FILE-%H with -G 60). Its first name would be a file
 * this period wrote, truncated: the numbers go on from the current file's
 * instead, as in one period (with -W, its ring), and the -G period still
 * restarts. tcpdump truncates those files.
 */
void nscap_rotate_same_names(const struct nscap_rotate_policy *p,
			     const struct nscap_rotate_state *s,
			     struct nscap_rotate_decision *d);

/* The next file of decision d is open with header_bytes written. */
void nscap_rotate_opened(struct nscap_rotate_state *s,
			 const struct nscap_rotate_decision *d,
			 uint64_t header_bytes);

/*
 * The next file of decision d has the name of the current one (-G with a
 * pattern coarser than its seconds, or a forced rotation within the
 * pattern's unit): the caller goes on writing the current file, and a new
 * -G period starts in it. It counts as a file begun (s->files), as in
 * tcpdump (which truncates the file and counts it) and dumpcap (whose
 * names never repeat): -G 60 -W 3 stops after three periods, whatever the
 * names.
 */
void nscap_rotate_kept(struct nscap_rotate_state *s,
		       const struct nscap_rotate_decision *d);

/* bytes (and packets records among them) went into the current file. */
void nscap_rotate_wrote(struct nscap_rotate_state *s, uint64_t bytes,
			uint64_t packets);

/*
 * The time (ns) at which a time limit (-G or -a duration) comes due, for the
 * loop's poll timeout; UINT64_MAX when there is none.
 */
uint64_t nscap_rotate_deadline(const struct nscap_rotate_policy *p,
			       const struct nscap_rotate_state *s);

/* Digits of the file number with -W n, as tcpdump: 10 gives 1 (0..9). */
unsigned int nscap_rotate_width(unsigned int files);

/*
 * The name of file number index, as tcpdump's MakeFilename(): with -G the
 * pattern goes through strftime(3) for the local time when (call tzset()
 * once at start-up); otherwise it is taken as it is. Then, unless -G is
 * used without -C, the number is appended, zero-padded to the width of -W,
 * except for number 0 without -W: FILE, FILE1, FILE2... or with -W 10
 * FILE0..FILE9. Returns 0, or -EINVAL (empty pattern) or -ENAMETOOLONG (does
 * not fit in len) with err set.
 */
int nscap_rotate_filename(const char *pattern,
			  const struct nscap_rotate_policy *p,
			  unsigned int index, time_t when, char *buf,
			  size_t len, char *err);

/* A few words for messages: "-a duration reached", ... */
const char *nscap_rotate_reason_str(enum nscap_rotate_reason r);

#endif
