/*
 * The namespace thread. setns(CLONE_NEWNET) appears in this file only, in
 * enter(); no other code in nscap changes namespace.
 *
 * Why a thread that stays: libpcap reads /sys/class/net/NAME/... for a
 * device (drop counters in pcap_stats, DSA tagging at activation), and the
 * host's /sys shows the host's interfaces whatever network namespace a
 * thread is in. So the thread gives itself a private mount namespace
 * (unshare(CLONE_FS | CLONE_NEWNS) is allowed to one thread of a process)
 * with a fresh sysfs, which shows the namespace it was mounted from. Every
 * libpcap call other than reading packets runs in this thread, for the
 * whole capture; the main thread keeps the host's mounts, so every path the
 * user gives resolves in the host's file system.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nscap/compat.h"
#include "nscap/err.h"
#include "nscap/ns.h"

enum ns_state {
	NS_STARTING,
	NS_IDLE,
	NS_REQUEST,
	NS_DONE,
	NS_QUIT,
};

/* A call handed over for later (nscap_ns_defer_many): nobody waits for
 * it. */
struct ns_job {
	struct ns_job *next;
	nscap_ns_many_fn fn;
	void *arg;
};

struct nscap_ns {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum ns_state state;
	struct nscap_ns_source src;
	unsigned long inode;
	int ret;
	nscap_ns_fn fn;
	void *arg;
	char *err; /* the caller's buffer for the call under way */
	/* a call posted without waiting (nscap_ns_post) */
	int done_fd; /* eventfd, written when it has run */
	int async_ret;
	bool async;  /* the call under way is a posted one */
	bool posted; /* posted, not yet reaped */
	bool done;   /* posted and run: async_ret holds its result */
	/* deferred calls, oldest first: run when no call waits */
	struct ns_job *jobs, **jobs_tail;
	pthread_t worker;  /* runs them (worker_main) */
	bool worker_on;	   /* it runs */
	bool worker_ended; /* it ended, and is to be joined */
	bool retiring;	   /* end once the deferred calls have run */
	char start_err[NSCAP_ERRBUF];
};

/* Give this thread a sysfs of the network namespace it is in. */
static int own_sysfs(char *err)
{
	if (unshare(CLONE_FS | CLONE_NEWNS) < 0)
		return nscap_seterr(err, errno,
				    "cannot give the namespace thread its own "
				    "mount namespace");
	/* slave first, so that nothing below propagates to the host */
	/* source and type are ignored here; valgrind wants them readable */
	if (mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) < 0)
		return nscap_seterr(err, errno, "cannot make / a slave mount");
	if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL)
		return nscap_seterr(err, errno,
				    "cannot detach /sys in the namespace "
				    "thread");
	if (mount("sysfs", "/sys", "sysfs",
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return nscap_seterr(err, errno,
				    "cannot mount sysfs of the target's "
				    "network namespace");
	return 0;
}

/*
 * The network namespace of a live thread of process pid other than its
 * leader, opened: a leader that ended with pthread_exit is a zombie whose
 * namespaces are gone (setns on the pidfd says ESRCH) while the process
 * runs on. An fd, or -1 when no thread's could be opened.
 */
static int thread_nsfd(pid_t pid)
{
	char path[96];
	struct dirent *de;
	int fd = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while (fd < 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    strtol(de->d_name, NULL, 10) == (long)pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/ns/net",
			 (int)pid, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	closedir(d);
	return fd;
}

static int enter(struct nscap_ns *ns, char *err)
{
	const char *name = ns->src.name;
	char path[64];
	struct stat st;
	int nsfd = -1, ret, e;

	if (ns->src.nsfd >= 0) {
		if (setns(ns->src.nsfd, CLONE_NEWNET) == 0)
			goto entered;
		e = errno;
		/* named as a pid's is: which of several targets failed */
		if (e == EINVAL && name)
			ret = nscap_seterr(err, 0,
					   "cannot enter %s: it is not a "
					   "network namespace",
					   name);
		else if (e == EINVAL)
			ret = nscap_seterr(err, 0,
					   "cannot enter the namespace: it is "
					   "not a network namespace");
		else if (name)
			ret = nscap_seterr(err, e,
					   "cannot enter network namespace %s",
					   name);
		else
			ret = nscap_seterr(
				err, e, "cannot enter the network namespace");
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)ns->src.pid);
	if (ns->src.pidfd >= 0 && setns(ns->src.pidfd, CLONE_NEWNET) == 0)
		goto entered;
	e = errno;
	/* a live thread's, if the pidfd says the process runs on (its PID,
	 * and so /proc/PID, may be another process's by now) */
	if (ns->src.pidfd >= 0 && e == ESRCH &&
	    (nsfd = thread_nsfd(ns->src.pid)) >= 0 &&
	    nscap_pidfd_send_signal(ns->src.pidfd, 0) == 0)
		goto by_fd;
	if (ns->src.pidfd >= 0 && e == ESRCH) {
		/* a zombie too: its PID stays, its namespaces are gone */
		nscap_seterr(err, 0,
			     "cannot enter network namespace of pid %d: the "
			     "process has exited",
			     (int)ns->src.pid);
		ret = -ESRCH;
		goto out;
	}
	if (ns->src.pidfd >= 0 && e != EINVAL) {
		ret = nscap_seterr(err, e,
				   "cannot enter network namespace of pid %d",
				   (int)ns->src.pid);
		goto out;
	}
	/* no setns(pidfd) before 5.8: the namespace file, then the pidfd
	 * says whether that PID still is the process we opened */
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		ret = nscap_seterr(err, errno == ENOENT ? ESRCH : errno,
				   "cannot open %s", path);
		goto out;
	}
	if (ns->src.pidfd >= 0 &&
	    nscap_pidfd_send_signal(ns->src.pidfd, 0) < 0 && errno == ESRCH) {
		ret = nscap_seterr(err, ESRCH,
				   "cannot enter network namespace of pid %d",
				   (int)ns->src.pid);
		goto out;
	}
by_fd:
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		ret = nscap_seterr(err, errno,
				   "cannot enter network namespace of pid %d",
				   (int)ns->src.pid);
		goto out;
	}
entered:
	if (stat("/proc/thread-self/ns/net", &st) == 0)
		ns->inode = (unsigned long)st.st_ino;
	ret = own_sysfs(err);
out:
	if (nsfd >= 0)
		close(nsfd);
	return ret;
}

/* The job list from job on (the calls of one fn, taken off the queue):
 * one call with all their arguments (with no memory for the list, one call
 * each). Without ns->lock. */
static void run_many(struct ns_job *job)
{
	struct ns_job *j;
	size_t n = 0, i;
	void **args;

	for (j = job; j; j = j->next)
		n++;
	args = malloc(n * sizeof(*args));
	if (!args) {
		for (j = job; j; j = j->next)
			j->fn(&j->arg, 1);
		return;
	}
	for (i = 0, j = job; i < n; i++, j = j->next)
		args[i] = j->arg;
	job->fn(args, n);
	free(args);
}

/* Run the deferred call at the head of the queue, with the calls of its fn
 * next to it, ns->lock held (and let go meanwhile). */
static void run_job(struct nscap_ns *ns)
{
	struct ns_job *job = ns->jobs, *last = job, *next;

	while (last->next && last->next->fn == job->fn)
		last = last->next;
	ns->jobs = last->next;
	if (!ns->jobs)
		ns->jobs_tail = &ns->jobs;
	last->next = NULL;
	pthread_mutex_unlock(&ns->lock);
	run_many(job);
	for (; job; job = next) {
		next = job->next;
		free(job);
	}
	pthread_mutex_lock(&ns->lock);
}

/*
 * The deferred calls' thread: started by the namespace thread, it is in the
 * same namespaces (a new thread takes its creator's network and mount
 * namespaces, and shares its root), and runs them in order until none is
 * left, so that a close (a grace period each) never holds up a call that
 * the loop waits for: a listing of -i all after a deletion, statistics.
 */
static void *worker_main(void *p)
{
	struct nscap_ns *ns = p;

	pthread_mutex_lock(&ns->lock);
	while (ns->jobs)
		run_job(ns);
	ns->worker_on = false;
	ns->worker_ended = true;
	pthread_cond_broadcast(&ns->cond);
	pthread_mutex_unlock(&ns->lock);
	return NULL;
}

static void *ns_main(void *p)
{
	struct nscap_ns *ns = p;
	int ret;

	ret = enter(ns, ns->start_err);

	pthread_mutex_lock(&ns->lock);
	ns->ret = ret;
	ns->state = ret ? NS_QUIT : NS_IDLE;
	pthread_cond_broadcast(&ns->cond);
	for (;;) {
		if (ns->worker_ended) {
			ns->worker_ended = false;
			pthread_mutex_unlock(&ns->lock);
			pthread_join(ns->worker, NULL);
			pthread_mutex_lock(&ns->lock);
			continue;
		}
		if (ns->jobs && !ns->worker_on) {
			/* signals stay blocked in it, as here */
			if (pthread_create(&ns->worker, NULL, worker_main,
					   ns) == 0) {
				ns->worker_on = true;
				continue;
			}
			/* no thread: here, after any call waited for */
			if (ns->state != NS_REQUEST) {
				run_job(ns);
				continue;
			}
		}
		if (ns->state != NS_REQUEST) {
			/* stopped or retired: once the deferred calls ran */
			if ((ns->state == NS_QUIT || ns->retiring) &&
			    !ns->jobs && !ns->worker_on)
				break;
			pthread_cond_wait(&ns->cond, &ns->lock);
			continue;
		}
		pthread_mutex_unlock(&ns->lock);
		ret = ns->fn(ns->arg, ns->err);
		pthread_mutex_lock(&ns->lock);
		if (ns->async) {
			uint64_t one = 1;

			ns->async = false;
			ns->async_ret = ret;
			ns->done = true;
			ns->state = NS_IDLE;
			if (write(ns->done_fd, &one, sizeof(one)) < 0) {
				/* cannot fail: the counter is far from full */
			}
		} else {
			ns->ret = ret;
			ns->state = NS_DONE;
		}
		pthread_cond_broadcast(&ns->cond);
	}
	pthread_mutex_unlock(&ns->lock);
	return NULL;
}

int nscap_ns_start(struct nscap_ns **out, const struct nscap_ns_source *src,
		   char *err)
{
	struct nscap_ns *ns;
	sigset_t all, old;
	int ret;

	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return nscap_seterr(err, ENOMEM,
				    "cannot start namespace "
				    "thread");
	ns->src = *src;
	ns->state = NS_STARTING;
	ns->jobs_tail = &ns->jobs;
	ns->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ns->done_fd < 0) {
		ret = nscap_seterr(err, errno, "cannot start namespace thread");
		free(ns);
		return ret;
	}
	pthread_mutex_init(&ns->lock, NULL);
	pthread_cond_init(&ns->cond, NULL);

	/* the thread starts with every signal blocked: signals are the main
	 * thread's business */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&ns->thread, NULL, ns_main, ns);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		ret = nscap_seterr(err, ret, "cannot start namespace thread");
		goto fail;
	}

	pthread_mutex_lock(&ns->lock);
	while (ns->state == NS_STARTING)
		pthread_cond_wait(&ns->cond, &ns->lock);
	ret = ns->ret;
	pthread_mutex_unlock(&ns->lock);
	if (ret) {
		pthread_join(ns->thread, NULL);
		memcpy(err, ns->start_err, NSCAP_ERRBUF);
		goto fail;
	}
	*out = ns;
	return 0;
fail:
	pthread_cond_destroy(&ns->cond);
	pthread_mutex_destroy(&ns->lock);
	close(ns->done_fd);
	free(ns);
	return ret;
}

/* Hand fn to the idle thread, ns->lock held: waited for (nscap_ns_call) or
 * posted (nscap_ns_post). */
static void request(struct nscap_ns *ns, nscap_ns_fn fn, void *arg, char *err,
		    bool async)
{
	ns->fn = fn;
	ns->arg = arg;
	ns->err = err;
	ns->async = async;
	ns->state = NS_REQUEST;
	pthread_cond_broadcast(&ns->cond);
}

int nscap_ns_call(struct nscap_ns *ns, nscap_ns_fn fn, void *arg, char *err)
{
	int ret;

	pthread_mutex_lock(&ns->lock);
	while (ns->state != NS_IDLE)
		pthread_cond_wait(&ns->cond, &ns->lock);
	request(ns, fn, arg, err, false);
	while (ns->state != NS_DONE)
		pthread_cond_wait(&ns->cond, &ns->lock);
	ret = ns->ret;
	ns->state = NS_IDLE;
	pthread_cond_broadcast(&ns->cond);
	pthread_mutex_unlock(&ns->lock);
	return ret;
}

/* Runs in the namespace thread. */
static int set_cpus_in_ns(void *arg, char *err)
{
	if (sched_setaffinity(0, sizeof(cpu_set_t), arg) < 0)
		return nscap_seterr(err, errno,
				    "cannot set the CPUs of the namespace "
				    "thread");
	return 0;
}

int nscap_ns_set_cpus(struct nscap_ns *ns, const cpu_set_t *cpus, char *err)
{
	cpu_set_t set = *cpus;

	return nscap_ns_call(ns, set_cpus_in_ns, &set, err);
}

int nscap_ns_post(struct nscap_ns *ns, nscap_ns_fn fn, void *arg, char *err)
{
	int ret = 0;

	pthread_mutex_lock(&ns->lock);
	if (ns->state != NS_IDLE || ns->posted) {
		ret = -EBUSY;
	} else {
		ns->posted = true;
		ns->done = false;
		request(ns, fn, arg, err, true);
	}
	pthread_mutex_unlock(&ns->lock);
	return ret;
}

int nscap_ns_post_or_call(struct nscap_ns *ns, nscap_ns_fn fn, void *arg,
			  bool *posted, char *err)
{
	*posted = nscap_ns_post(ns, fn, arg, err) == 0;
	return *posted ? 0 : nscap_ns_call(ns, fn, arg, err);
}

int nscap_ns_defer_many(struct nscap_ns *ns, nscap_ns_many_fn fn,
			void *const *args, size_t n)
{
	struct ns_job *first = NULL, **tail = &first, *last = NULL;
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct ns_job *job = malloc(sizeof(*job));

		if (!job) {
			while (first) {
				last = first->next;
				free(first);
				first = last;
			}
			return -ENOMEM;
		}
		job->next = NULL;
		job->fn = fn;
		job->arg = args[i];
		*tail = job;
		tail = &job->next;
		last = job;
	}
	pthread_mutex_lock(&ns->lock);
	*ns->jobs_tail = first;
	ns->jobs_tail = &last->next;
	pthread_cond_broadcast(&ns->cond);
	pthread_mutex_unlock(&ns->lock);
	return 0;
}

void nscap_ns_retire(struct nscap_ns *ns)
{
	pthread_mutex_lock(&ns->lock);
	ns->retiring = true;
	pthread_cond_broadcast(&ns->cond);
	pthread_mutex_unlock(&ns->lock);
}

int nscap_ns_done_fd(const struct nscap_ns *ns)
{
	return ns->done_fd;
}

bool nscap_ns_reap(struct nscap_ns *ns, bool wait, int *ret)
{
	bool reaped = false;
	uint64_t n;

	pthread_mutex_lock(&ns->lock);
	while (wait && ns->posted && !ns->done)
		pthread_cond_wait(&ns->cond, &ns->lock);
	if (ns->posted && ns->done) {
		*ret = ns->async_ret;
		ns->posted = false;
		ns->done = false;
		reaped = true;
	}
	pthread_mutex_unlock(&ns->lock);
	if (reaped && read(ns->done_fd, &n, sizeof(n)) < 0) {
		/* not readable: nothing to clear */
	}
	return reaped;
}

unsigned long nscap_ns_inode(const struct nscap_ns *ns)
{
	return ns->inode;
}

void nscap_ns_stop(struct nscap_ns *ns)
{
	if (!ns)
		return;
	pthread_mutex_lock(&ns->lock);
	while (ns->state != NS_IDLE)
		pthread_cond_wait(&ns->cond, &ns->lock);
	ns->state = NS_QUIT;
	pthread_cond_broadcast(&ns->cond);
	pthread_mutex_unlock(&ns->lock);
	pthread_join(ns->thread, NULL);
	pthread_cond_destroy(&ns->cond);
	pthread_mutex_destroy(&ns->lock);
	close(ns->done_fd);
	free(ns);
}
