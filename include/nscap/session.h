/*
 * A capture session, on the host side: every target with its namespace
 * thread, the handles opened there, one writer, and the poll loop that
 * joins them. Status lines (listening, interfaces attached or gone,
 * statistics) go to the log stream the caller gives, never to stdout.
 */
#ifndef NSCAP_SESSION_H
#define NSCAP_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "nscap/options.h"

struct nscap_session;

/* Flags the signal handlers set; the loop acts on them. */
struct nscap_signals {
	volatile sig_atomic_t stop;   /* SIGINT, SIGTERM: how many */
	volatile sig_atomic_t rotate; /* SIGHUP: a new file now */
	volatile sig_atomic_t stats;  /* SIGUSR1: print the counters */
	/* set by the session while a write to a full pipe blocks with the
	 * signals let in, else -1: a stop signal makes it non-blocking, so
	 * that the write returns (EAGAIN) and the session decides, whether
	 * the signal came during the write or just before it began */
	volatile sig_atomic_t out_fd;
};

/*
 * Open every target of o and enter its namespace; unless list_only, also
 * choose the interfaces and open, activate and filter the handles. Nothing
 * is created on disk. Returns 0 and *out, or a negative errno with err set
 * (and *out NULL).
 */
int nscap_session_open(struct nscap_session **out,
		       const struct nscap_options *o, bool list_only, FILE *log,
		       char *err);

/* -D: each target's interfaces, with state, link type and addresses. */
int nscap_session_list(struct nscap_session *s, FILE *out, char *err);

/*
 * Open the output, drop privileges (-Z, sudo), write packets until a stop
 * (sig->stop, -c, -a, reader gone, disk full, nothing left to capture),
 * then the statistics. Signals are to be blocked by the caller; they are
 * let through (waitmask) only while the loop waits. Returns the exit status
 * (NSCAP_EXIT_*); what went wrong has been printed to the log.
 */
int nscap_session_capture(struct nscap_session *s, struct nscap_signals *sig,
			  const sigset_t *waitmask);

/* Close handles, threads and targets; accepts NULL. */
void nscap_session_close(struct nscap_session *s);

#endif
