/*
 * nscap: capture the network traffic of processes (containers) from the
 * host.
 *
 * main() is the only place that exits. It parses the options, sets up the
 * signals, and hands the work to the session (capture, -D) or to the
 * namespace listing (-L).
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/nslist.h"
#include "nscap/options.h"
#include "nscap/output.h"
#include "nscap/rotate.h"
#include "nscap/session.h"
#include "nscap/writer.h"

static struct nscap_signals signals = {0, 0, 0, -1};
static bool stdout_closed; /* the caller closed fd 1 (>&-) */

/*
 * fds 0 to 2 closed by the caller: /dev/null takes their place, or the
 * first files nscap opens would get them (an eventfd as fd 1 took the
 * packets once). A closed stdout is remembered: packets cannot go there.
 */
static void guard_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			continue; /* not much to do: the checks below catch it
				   */
		if (fd == STDOUT_FILENO)
			stdout_closed = true;
	}
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		signals.rotate = 1;
	else if (sig == SIGUSR1)
		signals.stats = 1;
	else {
		signals.stop++; /* the others are blocked: no race */
		if (signals.out_fd >= 0) {
			/* a write blocked on a full pipe returns now (see
			 * session.h) */
			int e = errno;

			(void)nscap_output_set_nonblock(signals.out_fd, true);
			errno = e;
		}
	}
}

/*
 * A reader that goes away shows as EPIPE (ECONNRESET on a socket: see
 * reader_gone), a normal end, in every mode (-L, -D, --help as much as a
 * capture), never as death by SIGPIPE: blocked from
 * the start, before anything is written. Blocked rather than ignored: an
 * ignored signal stays ignored across execve, and the container CLIs that a
 * lookup runs should start with SIGPIPE's default action, as from a shell
 * (runtime.c's child clears the mask; a fork's child has nothing pending).
 */
static void block_sigpipe(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* errno e (positive) says the reader of stdout went away: EPIPE, or
 * ECONNRESET where stdout is a socket closed with data unread (the
 * writers' rule, nscap_writer_write_errno) */
static bool reader_gone(int e)
{
	return nscap_writer_write_errno(e) == EPIPE;
}

/*
 * SIGINT and SIGTERM (stop), SIGHUP (a new file) and SIGUSR1 (print the
 * counters) set a flag; they stay blocked except while the loop waits in
 * ppoll, so none is lost between checking the flag and going to sleep.
 * SIGPIPE is ignored from here on (blocked before: block_sigpipe).
 */
static void setup_signals(sigset_t *waitmask)
{
	struct sigaction sa, hup;
	sigset_t stopsigs;
	/* nohup(1): a hangup ignored from the start stays ignored, as tcpdump
	 * keeps it, so a closed terminal neither ends the capture nor starts
	 * a new file */
	bool nohup =
		sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler == SIG_IGN;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: waits end early */
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaddset(&sa.sa_mask, SIGUSR1);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!nohup)
		sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* over a file size limit (ulimit -f): EFBIG, a disk fault like ENOSPC
	 */
	sigaction(SIGXFSZ, &sa, NULL);

	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGTERM);
	sigaddset(&stopsigs, SIGHUP);
	sigaddset(&stopsigs, SIGUSR1);
	sigprocmask(SIG_BLOCK, &stopsigs, waitmask);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGHUP);
	sigdelset(waitmask, SIGUSR1);
}

static int run(const struct nscap_options *o)
{
	struct nscap_session *s = NULL;
	char err[NSCAP_ERRBUF];
	sigset_t waitmask;
	char first[4096];
	struct stat st;
	int status;

	if (!o->list_interfaces && nscap_output_is_stdout(o->output) &&
	    (stdout_closed ||
	     nscap_output_kind_of(STDOUT_FILENO) == NSCAP_OUTPUT_TTY)) {
		if (stdout_closed)
			fputs("nscap: standard output is closed; use -w "
			      "FILE\n",
			      stderr);
		else
			fputs("nscap: refusing to write packets to a terminal; "
			      "use -w "
			      "FILE, or pipe into a reader: nscap ... | "
			      "wireshark -k "
			      "-i -\n",
			      stderr);
		return NSCAP_EXIT_USAGE;
	}
	if (!o->list_interfaces && !nscap_output_is_stdout(o->output) &&
	    nscap_output_names_tty(o->output)) {
		fprintf(stderr,
			"nscap: refusing to write packets to a terminal (%s)\n",
			o->output);
		return NSCAP_EXIT_USAGE;
	}
	/* -C and -G name their next files after -w's: a FIFO or a device
	 * (-w /dev/null) is no FILE, and the files after it were regular
	 * files beside it (/dev/null1, /dev/null2...; a review). The first
	 * file's name is checked as the session makes it: FILE0 with -W, the
	 * strftime pattern's with -G */
	if (!o->list_interfaces && !nscap_output_is_stdout(o->output) &&
	    nscap_rotate_multi(&o->rotate) &&
	    nscap_rotate_filename(o->output, &o->rotate, 0, time(NULL), first,
				  sizeof(first), err) == 0 &&
	    stat(first, &st) == 0 && !S_ISREG(st.st_mode)) {
		fprintf(stderr,
			"nscap: -C and -G write several files: they need -w "
			"FILE, and %s is not a regular file\n"
			"Try 'nscap --help' for more information.\n",
			first);
		return NSCAP_EXIT_USAGE;
	}
	/* the handlers only once the targets are found: a lookup can wait
	 * seconds on a container CLI, and SIGINT's default ends it (nothing
	 * is made yet; the namespace threads block every signal anyway) */
	if (nscap_session_open(&s, o, o->list_interfaces, stderr, err)) {
		fprintf(stderr, "nscap: %s\n", err);
		return NSCAP_EXIT_RUNTIME;
	}
	setup_signals(&waitmask);
	if (o->list_interfaces) {
		int ret = nscap_session_list(s, stdout, err);

		status = NSCAP_EXIT_OK;
		/* the reader went away (-D | head -n 0): a normal end */
		if (ret && !reader_gone(-ret)) {
			fprintf(stderr, "nscap: %s\n", err);
			status = NSCAP_EXIT_RUNTIME;
		}
	} else {
		status = nscap_session_capture(s, &signals, &waitmask);
	}
	nscap_session_close(s);
	return status;
}

int main(int argc, char **argv)
{
	struct nscap_options o;
	char err[NSCAP_ERRBUF];
	int status;

	guard_std_fds();
	block_sigpipe();
	tzset(); /* -G file names are in local time */
	if (nscap_options_parse(&o, argc, argv, err) ||
	    nscap_options_validate(&o, err)) {
		fprintf(stderr, "nscap: %s\n", err);
		fputs("Try 'nscap --help' for more information.\n", stderr);
		nscap_options_free(&o);
		return NSCAP_EXIT_USAGE;
	}
	/* -q wins over -v: what -v adds is status lines (it printed them) */
	if (o.quiet)
		o.verbose = 0;
	if (stdout_closed &&
	    (o.help || o.version || o.list_namespaces || o.list_interfaces)) {
		/* what would go there has nowhere to go */
		fputs("nscap: standard output is closed\n", stderr);
		status = NSCAP_EXIT_RUNTIME;
	} else if (o.help || o.version) {
		errno = 0;
		if (o.help)
			nscap_options_usage(stdout);
		else
			printf("nscap %s\n%s\n", NSCAP_VERSION,
			       pcap_lib_version());
		status = NSCAP_EXIT_OK;
		if ((fflush(stdout) != 0 || ferror(stdout)) &&
		    !reader_gone(errno)) {
			fprintf(stderr, "nscap: cannot write the %s: %s\n",
				o.help ? "help" : "version", strerror(errno));
			status = NSCAP_EXIT_RUNTIME;
		}
	} else if (o.list_namespaces) {
		int ret = nscap_nslist_print(stdout, o.json, err);

		status = NSCAP_EXIT_OK;
		if (ret && !reader_gone(-ret)) {
			fprintf(stderr, "nscap: %s%s\n", err,
				ret == -EPERM ? " (nscap needs root)" : "");
			status = NSCAP_EXIT_RUNTIME;
		}
	} else {
		status = run(&o);
	}
	nscap_options_free(&o);
	return status;
}
