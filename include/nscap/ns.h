/*
 * The namespace thread: the one place where nscap enters another network
 * namespace. A thread is started per target; it enters the target's network
 * namespace, gives itself a private mount namespace with a sysfs of that
 * network namespace mounted on /sys (so that libpcap, which reads
 * /sys/class/net/NAME/..., never sees the host's interfaces of the same
 * name), and then runs the calls the host side hands it until stopped.
 * The rest of the process never changes namespace.
 */
#ifndef NSCAP_NS_H
#define NSCAP_NS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct nscap_ns;

/* A call run inside the namespace; returns 0 or a negative errno. */
typedef int (*nscap_ns_fn)(void *arg, char *err);

/* Where to enter: a namespace file, or a process. */
struct nscap_ns_source {
	int nsfd;  /* an open network namespace file, or -1 */
	pid_t pid; /* else: this process's namespace */
	int pidfd; /* the process's pidfd, or -1 */
	/* what the user called the namespace file (netns:blue, ./ns), named
	 * in nscap_ns_start's messages as a pid is; NULL: none. Read only
	 * while nscap_ns_start runs */
	const char *name;
};

/*
 * Start the thread and enter the namespace: nsfd if there is one; else the
 * process's, through pidfd with setns(2) where the kernel takes a pidfd
 * (5.8+), else through /proc/PID/ns/net, checked against pidfd when there is
 * one. Returns 0 and *out, or a negative errno with err set (-ESRCH: the
 * process is gone, -EINVAL: nsfd is not a network namespace); nothing is
 * left running on error.
 */
int nscap_ns_start(struct nscap_ns **out, const struct nscap_ns_source *src,
		   char *err);

/*
 * Run fn(arg, err) in the namespace thread and wait for it. Returns what fn
 * returned. Calls are serialised: one at a time.
 */
int nscap_ns_call(struct nscap_ns *ns, nscap_ns_fn fn, void *arg, char *err);

/*
 * Run fn(arg, err) in the namespace thread without waiting for it (err must
 * live until it is reaped). 0, or -EBUSY when a call is under way or a
 * posted one has not been reaped. Calls made meanwhile with nscap_ns_call
 * wait for it. When it has run, nscap_ns_done_fd becomes readable.
 */
int nscap_ns_post(struct nscap_ns *ns, nscap_ns_fn fn, void *arg, char *err);

/*
 * nscap_ns_post where ns can take it (*posted: the result comes with
 * nscap_ns_reap), else fn run at once with nscap_ns_call, which waits for
 * the call under way, and its result returned.
 */
int nscap_ns_post_or_call(struct nscap_ns *ns, nscap_ns_fn fn, void *arg,
			  bool *posted, char *err);

/*
 * From now on run the namespace thread, and the threads it starts (they
 * take its mask), on cpus only (sched_setaffinity). The session keeps them
 * off a CPU it leaves to the read loop (see spare_cpu in src/session.c).
 * 0, or a negative errno with err set.
 */
int nscap_ns_set_cpus(struct nscap_ns *ns, const cpu_set_t *cpus, char *err);

/* A deferred call (nscap_ns_defer_many): args is fn's only for the length
 * of the call. */
typedef void (*nscap_ns_many_fn)(void *const *args, size_t n);

/*
 * Run fn in the namespace soon for each of args[0..n), handed over
 * together, with nobody waiting for it. Deferred calls run in the order
 * given, on a thread the namespace thread starts for them (in its
 * namespaces, sysfs too), so that calls made meanwhile (nscap_ns_call,
 * nscap_ns_post) do not wait for them; all have run before the namespace
 * thread ends. For work the caller must not block on, as closing packet
 * sockets (each close waits for an RCU grace period). Calls of the same fn
 * that wait next to one another when the first of them comes to run are
 * made as one call with all their arguments, in their order, however they
 * were handed over: so what is handed over while such a call runs goes
 * into the next one. For closes, whose grace periods overlap when made
 * together: one a call, the closes of interfaces that come and go fell
 * behind by hundreds of sockets. 0, or -ENOMEM (then none was taken).
 */
int nscap_ns_defer_many(struct nscap_ns *ns, nscap_ns_many_fn fn,
			void *const *args, size_t n);

/*
 * Let the thread end once its deferred calls have run, without waiting for
 * it: no call may be made after this one but nscap_ns_stop, which joins
 * the thread and frees ns.
 */
void nscap_ns_retire(struct nscap_ns *ns);

/* An eventfd, readable once a posted call has run. */
int nscap_ns_done_fd(const struct nscap_ns *ns);

/*
 * If the posted call has run (with wait: once it has), take its result:
 * true and *ret. false when none is posted, or (without wait) it is still
 * running.
 */
bool nscap_ns_reap(struct nscap_ns *ns, bool wait, int *ret);

/* Inode of the namespace entered (as in "net:[INODE]"). */
unsigned long nscap_ns_inode(const struct nscap_ns *ns);

/* Stop and join the thread, once its deferred calls have run; accepts
 * NULL. */
void nscap_ns_stop(struct nscap_ns *ns);

#endif
