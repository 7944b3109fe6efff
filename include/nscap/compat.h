/*
 * Kernel interfaces that older C library headers lack. Defined here and
 * nowhere else.
 */
#ifndef NSCAP_COMPAT_H
#define NSCAP_COMPAT_H

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

/* pidfd_send_signal(2), 5.1+; sig 0 checks that the process is alive. */
static inline int nscap_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

#endif
