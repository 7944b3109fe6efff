/*
 * Kernel interfaces that older C library headers lack. Defined here and
 * nowhere else.
 */
#ifndef NSCAP_COMPAT_H
#define NSCAP_COMPAT_H

#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <signal.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK 04000
#endif
/* a packet socket ignores outgoing packets (4.20+) */
#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
/* a fanout group ignores outgoing packets (6.2; earlier kernels keep an
 * unknown flag without a word) */
#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif
/* pidfd_open of a thread, not a process (6.9+): O_EXCL's value */
#define NSCAP_PIDFD_THREAD 0200

/* pidfd_open(2), 5.3+. Returns an fd (always close-on-exec) or -1/errno. */
static inline int nscap_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* Close every fd from first on: close_range(2) (5.9+), else one by one up
 * to the fd limit (at most 2^20: some 100 ms). Async-signal-safe (for a
 * child between fork and exec). */
static inline void nscap_close_from(int first)
{
	struct rlimit rl;
	long fd, max = 1L << 20;

	if (syscall(SYS_close_range, (unsigned int)first, ~0U, 0) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)max)
		max = (long)rl.rlim_cur;
	for (fd = first; fd < max; fd++)
		close((int)fd);
}

/* pidfd_send_signal(2), 5.1+; sig 0 checks that the process is alive. */
static inline int nscap_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

#endif
