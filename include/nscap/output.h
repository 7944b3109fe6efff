/*
 * The output: a file in the host's file system, a FIFO, or standard output.
 * Opened by the main thread, so paths resolve where the user is.
 */
#ifndef NSCAP_OUTPUT_H
#define NSCAP_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

enum nscap_output_kind {
	NSCAP_OUTPUT_FILE,  /* a regular file */
	NSCAP_OUTPUT_PIPE,  /* a pipe, FIFO or socket: a reader may go away */
	NSCAP_OUTPUT_TTY,   /* a terminal */
	NSCAP_OUTPUT_OTHER, /* a character device such as /dev/null */
};

struct nscap_output {
	int fd;
	enum nscap_output_kind kind;
	bool created; /* this run created the file */
	bool own;     /* its description is nscap's alone (not a copy of
		       * fd 1, shared with the shell) */
};

/* Is path standard output ("-" or NULL)? */
bool nscap_output_is_stdout(const char *path);

/* The directory of file path ("." for a bare name, "/" for one in the
 * root), into dir of len bytes. */
void nscap_output_dir_of(const char *path, char *dir, size_t len);

/*
 * Whether path names a terminal (-w /dev/tty): a character device that,
 * opened without becoming the controlling terminal, is a tty. Nothing else
 * is opened. So main can refuse it before anything starts, as it refuses
 * stdout on a terminal.
 */
bool nscap_output_names_tty(const char *path);

/* What kind of file fd is. */
enum nscap_output_kind nscap_output_kind_of(int fd);

/* Set or clear O_NONBLOCK on fd: 0 or -errno. fcntl(2) only, so a signal
 * handler may call it (errno is changed). */
int nscap_output_set_nonblock(int fd, bool on);

/*
 * A pipe or FIFO to write to is grown to this (F_SETPIPE_SZ; pipe-max-size,
 * the most a user may ask, is 1 MiB by default): a reader that stops for a
 * moment (Wireshark busy drawing) then holds seconds of light traffic, a
 * 64 KiB pipe a quarter of a second at 2,000 packets a second. Beyond
 * that, nscap waits for the reader, and its rings take what comes.
 */
#define NSCAP_PIPE_BYTES (1 << 20)

/* nscap_output_open's how: */
#define NSCAP_OUTPUT_NONBLOCK 2u /* a pipe: non-blocking writes */

/*
 * Open path for writing: O_CLOEXEC and O_NOFOLLOW, mode 0644 less umask; a
 * regular file is truncated, anything else (a FIFO, /dev/null) is written as
 * it is. "-" or NULL is standard output: when it is a pipe, a description of
 * its own (through /proc/self/fd/1), so that its flags are nscap's; else a
 * copy of fd 1. A FIFO with no reader gives -ENXIO at once (the caller
 * tries again: opening never blocks). A pipe or FIFO of its own is non-blocking
 * with NSCAP_OUTPUT_NONBLOCK, else blocking, whatever it was; so is a file.
 * A pipe or FIFO is grown to NSCAP_PIPE_BYTES. Returns 0, or a negative errno
 * with err set and nothing created.
 */
int nscap_output_open(const char *path, struct nscap_output *out,
		      unsigned int how, char *err);

#endif
