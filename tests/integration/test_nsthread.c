/*
 * The namespace thread against the real kernel. Run by t_nsthread.sh, which
 * makes a namespace with an eth0 of MTU 1280 and an interface nsconly0 that
 * the host does not have, and passes a process in it:
 * NSC_TARGET_PID, NSC_TARGET_INODE, NSC_HOST_ETH0_MTU.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nscap/compat.h"
#include "nscap/clock.h"
#include "nscap/err.h"
#include "nscap/handle.h"
#include "nscap/iface.h"
#include "nscap/ns.h"

struct seen {
	int has_only;	     /* /sys/class/net/nsconly0 exists */
	int eth0_mtu;	     /* from /sys/class/net/eth0/mtu */
	int tself_only;	     /* /proc/thread-self/net/dev lists nsconly0 */
	int self_only;	     /* /proc/self/net/dev lists nsconly0 */
	unsigned long inode; /* /proc/thread-self/ns/net */
};

static struct nscap_ns_source target = {-1, 0, -1, NULL};

static int read_int(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int file_mentions(const char *path, const char *word)
{
	char line[512];
	FILE *f = fopen(path, "re");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, word))
			found = 1;
	fclose(f);
	return found;
}

static unsigned long inode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;
	return (unsigned long)st.st_ino;
}

static void look(struct seen *s)
{
	struct stat st;

	s->has_only = stat("/sys/class/net/nsconly0", &st) == 0;
	s->eth0_mtu = read_int("/sys/class/net/eth0/mtu");
	s->tself_only = file_mentions("/proc/thread-self/net/dev", "nsconly0");
	s->self_only = file_mentions("/proc/self/net/dev", "nsconly0");
	s->inode = inode_of("/proc/thread-self/ns/net");
}

static int look_in_ns(void *arg, char *err)
{
	(void)err;
	look(arg);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	target.pid = (pid_t)atoi(getenv("NSC_TARGET_PID"));
	target.pidfd = nscap_pidfd_open(target.pid, 0);
	return target.pidfd < 0;
}

static int teardown(void **state)
{
	(void)state;
	close(target.pidfd);
	return 0;
}

/* The thread sees the target's sysfs and its own net files; the main
 * thread keeps the host's, and /proc/self/net keeps showing the leader's
 * namespace (the trap: use /proc/thread-self). */
static void test_views(void **state)
{
	unsigned long target_inode = strtoul(getenv("NSC_TARGET_INODE"), 0, 10);
	/* "none": the host has no eth0 (predictable names: ens3, enp0s3),
	 * and the main thread must not see the target's */
	const char *host_eth0 = getenv("NSC_HOST_ETH0_MTU");
	int host_mtu = strcmp(host_eth0, "none") ? atoi(host_eth0) : -1;
	unsigned long host_inode = inode_of("/proc/thread-self/ns/net");
	struct seen in = {0}, host = {0};
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_ns_start(&ns, &target, err), 0);
	assert_int_equal(nscap_ns_call(ns, look_in_ns, &in, err), 0);
	look(&host);

	assert_int_equal(in.inode, target_inode);
	assert_int_equal(nscap_ns_inode(ns), target_inode);
	assert_true(in.has_only);
	assert_int_equal(in.eth0_mtu, 1280);
	assert_int_equal(in.tself_only, 1);
	assert_int_equal(in.self_only, 0); /* the kernel trap, pinned */

	assert_int_equal(host.inode, host_inode);
	assert_int_not_equal(host.inode, target_inode);
	assert_false(host.has_only);
	assert_int_equal(host.eth0_mtu, host_mtu);
	assert_int_equal(host.tself_only, 0);
	nscap_ns_stop(ns);
}

/* libpcap's device list in the thread is the target's, without the
 * pseudo-devices that do not belong to a network namespace. */
static void test_iface_list(void **state)
{
	struct nscap_iface_list l = {NULL, 0};
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF];
	int only = 0, eth0 = 0, any = 0;
	size_t i;

	(void)state;
	assert_int_equal(nscap_ns_start(&ns, &target, err), 0);
	assert_int_equal(nscap_iface_list(ns, &l, err), 0);
	for (i = 0; i < l.n; i++) {
		only += strcmp(l.v[i].name, "nsconly0") == 0;
		eth0 += strcmp(l.v[i].name, "eth0") == 0;
		any += l.v[i].any;
		assert_string_not_equal(l.v[i].name, "nflog");
		assert_string_not_equal(l.v[i].name, "nfqueue");
		assert_null(strstr(l.v[i].name, "dbus"));
		assert_null(strstr(l.v[i].name, "ifb")); /* the host's */
	}
	assert_int_equal(only, 1);
	assert_int_equal(eth0, 1);
	assert_int_equal(any, 1);
	/* eth0 is up, nsconly0 is down: eth0 is the default */
	assert_string_equal(nscap_iface_default(&l)->name, "eth0");
	nscap_iface_list_free(&l);
	nscap_ns_stop(ns);
}

/* A process that is gone cannot be entered, through its pidfd or not. */
static void test_exited(void **state)
{
	struct nscap_ns_source src = {-1, 0, -1, NULL};
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF];
	pid_t child;
	int fd;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	fd = nscap_pidfd_open(child, 0);
	assert_true(fd >= 0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	src.pid = child;
	src.pidfd = fd;
	assert_int_equal(nscap_ns_start(&ns, &src, err), -ESRCH);
	assert_non_null(strstr(err, "the process has exited"));
	close(fd);
	/* and through /proc/PID/ns/net, when there is no pidfd */
	src.pidfd = -1;
	assert_int_equal(nscap_ns_start(&ns, &src, err), -ESRCH);
	assert_non_null(strstr(err, "/proc/"));
}

/* A namespace file enters that namespace; a file of another kind of
 * namespace is refused. */
static void test_nsfd(void **state)
{
	unsigned long target_inode = strtoul(getenv("NSC_TARGET_INODE"), 0, 10);
	struct nscap_ns_source src = {-1, 0, -1, NULL};
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF], path[64];

	(void)state;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)target.pid);
	src.nsfd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(src.nsfd >= 0);
	assert_int_equal(nscap_ns_start(&ns, &src, err), 0);
	assert_int_equal(nscap_ns_inode(ns), target_inode);
	nscap_ns_stop(ns);
	close(src.nsfd);

	src.nsfd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	assert_true(src.nsfd >= 0);
	assert_int_equal(nscap_ns_start(&ns, &src, err), -EINVAL);
	assert_non_null(strstr(err, "not a network namespace"));
	/* named as the user named it, as a pid is named */
	src.name = "./mnt";
	assert_int_equal(nscap_ns_start(&ns, &src, err), -EINVAL);
	assert_string_equal(
		err, "cannot enter ./mnt: it is not a network namespace");
	close(src.nsfd);
}

/* A thread that enters the target's namespace, says its TID and waits. */
struct in_thread {
	pid_t tid; /* 0 until set, -1 on failure */
	int go[2];
};

static void *thread_in_target(void *arg)
{
	struct in_thread *c = arg;
	char path[64], ch;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)target.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		__atomic_store_n(&c->tid, -1, __ATOMIC_RELEASE);
		return NULL;
	}
	close(fd);
	__atomic_store_n(&c->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	(void)!read(c->go[0], &ch, 1);
	return NULL;
}

/* A child's thread that waits on fd, then ends the child (without the
 * leak check of the copy of this process it is) */
static void *wait_on(void *arg)
{
	char c;

	(void)!read(*(int *)arg, &c, 1);
	_exit(0);
}

/* The target's namespace is entered through a live thread when the leader
 * ended with pthread_exit: setns on the process's pidfd says ESRCH then (the
 * leader's namespaces are gone), and the capture once said "the process has
 * exited" of a process that ran on. */
static void test_leader_gone(void **state)
{
	unsigned long target_inode = strtoul(getenv("NSC_TARGET_INODE"), 0, 10);
	struct nscap_ns_source src = {-1, 0, -1, NULL};
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF], path[64], line[256] = "", *p;
	int go[2];
	pid_t child;

	(void)state;
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		static int rd;
		pthread_t t;
		int fd;

		close(go[1]);
		rd = go[0];
		snprintf(path, sizeof(path), "/proc/%d/ns/net",
			 (int)target.pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0 ||
		    pthread_create(&t, NULL, wait_on, &rd) != 0)
			_exit(1);
		pthread_exit(NULL);
	}
	close(go[0]);
	src.pid = child;
	src.pidfd = nscap_pidfd_open(child, 0);
	assert_true(src.pidfd >= 0);
	/* the leader is a zombie within moments */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)child);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "re");

		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		p = strrchr(line, ')');
		assert_non_null(p);
		if (p[2] == 'Z')
			break;
		usleep(10000);
	}
	assert_int_equal(p[2], 'Z');
	assert_int_equal(nscap_ns_start(&ns, &src, err), 0);
	assert_int_equal(nscap_ns_inode(ns), target_inode);
	nscap_ns_stop(ns);
	close(go[1]);
	assert_int_equal(waitpid(child, NULL, 0), child);
	/* and once every thread is gone, the exit */
	assert_int_equal(nscap_ns_start(&ns, &src, err), -ESRCH);
	close(src.pidfd);
}

/* A thread of this process in the target's namespace, entered through the
 * thread's own pidfd (Linux 6.9): its namespace, not the process's. Pins the
 * kernel behaviour nscap relies on for -t TID. */
static void test_thread_pidfd(void **state)
{
	unsigned long target_inode = strtoul(getenv("NSC_TARGET_INODE"), 0, 10);
	struct nscap_ns_source src = {-1, 0, -1, NULL};
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF];
	struct in_thread c = {0, {-1, -1}};
	pthread_t t;

	(void)state;
	assert_int_equal(pipe(c.go), 0);
	assert_int_equal(pthread_create(&t, NULL, thread_in_target, &c), 0);
	while (!__atomic_load_n(&c.tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	assert_true(c.tid > 0);
	src.pid = c.tid;
	src.pidfd = nscap_pidfd_open(c.tid, NSCAP_PIDFD_THREAD);
	if (src.pidfd < 0 && errno == EINVAL) {
		close(c.go[1]);
		pthread_join(t, NULL);
		skip(); /* before 6.9: no thread pidfd */
	}
	assert_true(src.pidfd >= 0);
	assert_int_equal(nscap_ns_start(&ns, &src, err), 0);
	assert_int_equal(nscap_ns_inode(ns), target_inode);
	nscap_ns_stop(ns);
	close(src.pidfd);
	close(c.go[1]);
	pthread_join(t, NULL);
}

/* What deferred calls record: the order they ran in, and where. */
struct order {
	pthread_mutex_t lock;
	char log[16];
	size_t n;
	unsigned long inode[16];
	bool sysfs[16]; /* /sys showed the namespace's nsconly0 */
	pid_t tid;	/* the thread's, once a call ran */
	int gate;	/* a pipe's read end the first call waits on, or -1 */
};

struct mark {
	struct order *o;
	char c;
};

static int record(void *arg, char *err)
{
	struct mark *m = arg;
	struct order *o = m->o;
	char b;

	(void)err;
	if (m->c == '1' && o->gate >= 0 && read(o->gate, &b, 1) < 0)
		return -errno;
	pthread_mutex_lock(&o->lock);
	if (o->n < sizeof(o->log) - 1) {
		struct stat st;

		o->inode[o->n] = inode_of("/proc/thread-self/ns/net");
		o->sysfs[o->n] = stat("/sys/class/net/nsconly0", &st) == 0;
		o->log[o->n++] = m->c;
	}
	o->tid = (pid_t)syscall(SYS_gettid);
	pthread_mutex_unlock(&o->lock);
	return 0;
}

/* record as a deferred call: one mark each. */
static void record_each(void *const *args, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		(void)record(args[i], NULL);
}

/* m's record deferred in ns. */
static int defer_record(struct nscap_ns *ns, struct mark *m)
{
	void *arg = m;

	return nscap_ns_defer_many(ns, record_each, &arg, 1);
}

/* A gate (a pipe's write end) opened after a while, by a thread of its
 * own (open_gate). */
struct gate_opener {
	int fd;
	useconds_t after;
};

static void *open_gate(void *arg)
{
	const struct gate_opener *g = arg;

	usleep(g->after);
	if (write(g->fd, "x", 1) < 0) {
		/* the test fails on what it reads or times */
	}
	return NULL;
}

/* A namespace thread for the target whose deferred call marked '1' waits
 * until gate[1] is written (gate: a new pipe, o's). */
static struct nscap_ns *start_gated(struct order *o, int gate[2])
{
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF];

	assert_int_equal(pipe(gate), 0);
	o->gate = gate[0];
	assert_int_equal(nscap_ns_start(&ns, &target, err), 0);
	return ns;
}

/* Deferred calls run in the namespace (its sysfs too), in the order given,
 * on a thread of their own: a call waited for that comes while one runs
 * does not wait for it. All run before the thread stops. (The session
 * closes packet sockets so, without blocking its loop or its calls.) */
static void test_deferred(void **state)
{
	unsigned long target_inode = strtoul(getenv("NSC_TARGET_INODE"), 0, 10);
	struct order o = {
		PTHREAD_MUTEX_INITIALIZER, "", 0, {0}, {false}, 0, -1};
	struct mark m1 = {&o, '1'}, m2 = {&o, '2'}, m3 = {&o, '3'};
	struct mark m4 = {&o, '4'};
	char err[NSCAP_ERRBUF];
	pthread_t opener;
	int gate[2];
	struct nscap_ns *ns = start_gated(&o, gate);
	struct gate_opener g = {gate[1], 200000};
	size_t i;

	(void)state;
	/* 1 waits for the gate (200 ms): meanwhile 2 is deferred and 3 is
	 * called; 3 runs at once, before 1 ends */
	assert_int_equal(defer_record(ns, &m1), 0);
	assert_int_equal(defer_record(ns, &m2), 0);
	assert_int_equal(pthread_create(&opener, NULL, open_gate, &g), 0);
	assert_int_equal(nscap_ns_call(ns, record, &m3, err), 0);
	assert_int_equal(defer_record(ns, &m4), 0);
	nscap_ns_stop(ns); /* runs 2 and 4 first */
	pthread_join(opener, NULL);
	close(gate[0]);
	close(gate[1]);
	assert_string_equal(o.log, "3124");
	for (i = 0; i < o.n; i++) {
		assert_int_equal(o.inode[i], target_inode);
		assert_true(o.sysfs[i]);
	}
}

/* c in o's log, from a thread in the namespace of inode; o->lock held. */
static void log_char(struct order *o, char c, unsigned long inode)
{
	if (o->n < sizeof(o->log) - 1) {
		o->inode[o->n] = inode;
		o->sysfs[o->n] = true;
		o->log[o->n++] = c;
	}
}

/* A deferred call of another fn: "(" its marks' letters ")" in the log. */
static void record_many(void *const *args, size_t n)
{
	struct order *o = ((const struct mark *)args[0])->o;
	unsigned long inode = inode_of("/proc/thread-self/ns/net");
	size_t i;

	pthread_mutex_lock(&o->lock);
	log_char(o, '(', inode);
	for (i = 0; i < n; i++)
		log_char(o, ((const struct mark *)args[i])->c, inode);
	log_char(o, ')', inode);
	pthread_mutex_unlock(&o->lock);
}

/* Deferred calls of one fn that wait next to one another are made as one
 * call, in their order, however they were handed over; a deferred call of
 * another fn between them parts them. (The session's
 * closes: those handed over while others close go together next.) */
static void test_defer_many(void **state)
{
	unsigned long target_inode = strtoul(getenv("NSC_TARGET_INODE"), 0, 10);
	struct order o = {
		PTHREAD_MUTEX_INITIALIZER, "", 0, {0}, {false}, 0, -1};
	struct mark m1 = {&o, '1'}, m4 = {&o, '4'};
	struct mark a = {&o, 'a'}, b = {&o, 'b'}, c = {&o, 'c'};
	struct mark d = {&o, 'd'}, e = {&o, 'e'};
	void *one[] = {&a}, *two[] = {&b, &c}, *three[] = {&d}, *four[] = {&e};
	int gate[2];
	struct nscap_ns *ns = start_gated(&o, gate);
	size_t i;

	(void)state;
	/* 1 holds the deferred calls' thread until the gate opens: a, b and c
	 * wait next to one another meanwhile, then 4, then d and e */
	assert_int_equal(defer_record(ns, &m1), 0);
	assert_int_equal(nscap_ns_defer_many(ns, record_many, one, 1), 0);
	assert_int_equal(nscap_ns_defer_many(ns, record_many, two, 2), 0);
	assert_int_equal(defer_record(ns, &m4), 0);
	assert_int_equal(nscap_ns_defer_many(ns, record_many, three, 1), 0);
	assert_int_equal(nscap_ns_defer_many(ns, record_many, four, 1), 0);
	assert_int_equal(nscap_ns_defer_many(ns, record_many, four, 0), 0);
	assert_int_equal(write(gate[1], "x", 1), 1);
	nscap_ns_stop(ns);
	close(gate[0]);
	close(gate[1]);
	assert_string_equal(o.log, "1(abc)4(de)");
	for (i = 0; i < o.n; i++)
		assert_int_equal(o.inode[i], target_inode);
}

/* A retired thread ends by itself once its deferred calls have run (a
 * target's thread, after its handles' closes), and is joined later. */
static void test_retire(void **state)
{
	struct order o = {
		PTHREAD_MUTEX_INITIALIZER, "", 0, {0}, {false}, 0, -1};
	struct mark m0 = {&o, 't'}, m1 = {&o, 'a'};
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF], path[64], log[sizeof(o.log)];
	struct stat st;
	pid_t tid;
	int tries;

	(void)state;
	assert_int_equal(nscap_ns_start(&ns, &target, err), 0);
	/* a call waited for runs on the namespace thread itself */
	assert_int_equal(nscap_ns_call(ns, record, &m0, err), 0);
	pthread_mutex_lock(&o.lock);
	tid = o.tid;
	pthread_mutex_unlock(&o.lock);
	assert_true(tid > 0);
	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)tid);
	assert_int_equal(defer_record(ns, &m1), 0);
	nscap_ns_retire(ns);
	for (tries = 0; tries < 500 && stat(path, &st) == 0; tries++)
		usleep(10000);
	assert_true(tries < 500); /* the namespace thread ended, unjoined */
	pthread_mutex_lock(&o.lock);
	memcpy(log, o.log, sizeof(log));
	pthread_mutex_unlock(&o.lock);
	assert_string_equal(log, "ta");
	nscap_ns_stop(ns);
}

/* In the namespace thread: *(int *)arg UDP datagrams from eth0 to the peer
 * (198.51.100.2, t_nsthread.sh's). */
static int send_to_peer(void *arg, char *err)
{
	struct sockaddr_in to;
	int n = *(int *)arg, fd = socket(AF_INET, SOCK_DGRAM, 0), i;

	(void)err;
	if (fd < 0)
		return -errno;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(9);
	inet_pton(AF_INET, "198.51.100.2", &to.sin_addr);
	for (i = 0; i < n; i++)
		if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) <
		    0)
			break;
	close(fd);
	return i == n ? 0 : -EIO;
}

/* In the namespace thread: wait until the pipe *(int *)arg is written. */
static int held(void *arg, char *err)
{
	char c;

	(void)err;
	return read(*(int *)arg, &c, 1) == 1 ? 0 : -EIO;
}

/* received >= want within 2 s (the kernel counts a datagram as eth0 sends
 * it, once ARP has found the peer), read on this thread. */
static struct nscap_counts counts_reaching(struct nscap_handle *h,
					   uint64_t want)
{
	struct nscap_counts st = {0, 0, 0};
	char err[NSCAP_ERRBUF];
	int tries;

	for (tries = 0; tries < 200; tries++) {
		assert_int_equal(nscap_handle_stats_here(h, &st, err), 0);
		if (st.received >= want)
			break;
		usleep(10000);
	}
	return st;
}

/*
 * A handle's counters read on the calling thread (nscap_handle_stats_here)
 * do not wait for the namespace thread, which may be busy for a while (an
 * interface that goes while others open): with it held by a posted call,
 * they come at once, and count what eth0 sent through the filter. The
 * kernel's counters reset at each read, so those read here and those read
 * in the namespace (nscap_handle_stats) add up, none twice. One ring (a
 * file) and a twin (a stream).
 */
static void test_counts_here(void **state)
{
	struct nscap_handle_config cfg;
	int twin, gate[2], n = 20, ret = -1;
	char err[NSCAP_ERRBUF], perr[NSCAP_ERRBUF];

	(void)state;
	for (twin = 0; twin < 2; twin++) {
		struct nscap_handle_job job;
		struct nscap_handle_batch b = {&job, 1, false, ""};
		struct nscap_counts here, there;
		struct nscap_ns *ns = NULL;
		struct gate_opener g = {-1, 1000000};
		pthread_t opener;
		uint64_t t0, took;

		memset(&cfg, 0, sizeof(cfg));
		cfg.device = "eth0";
		cfg.snaplen = 262144;
		cfg.buffer_bytes = 1 << 20;
		cfg.timeout_ms = 10;
		cfg.immediate = twin;
		cfg.bulk_bytes = twin ? 1 << 20 : 0;
		cfg.bulk_timeout_ms = 10;
		cfg.filter = "udp port 9";
		memset(&job, 0, sizeof(job));
		job.cfg = cfg;
		assert_int_equal(nscap_ns_start(&ns, &target, err), 0);
		nscap_handle_batch_start(ns, &b);
		nscap_handle_batch_finish(ns, &b);
		assert_int_equal(job.ret, 0);
		assert_non_null(job.h);
		assert_true(!twin || job.h->bulk);

		assert_int_equal(nscap_ns_call(ns, send_to_peer, &n, err), 0);
		here = counts_reaching(job.h, (uint64_t)n);
		assert_int_equal(here.received, n);
		assert_int_equal(here.dropped, 0);

		/* the namespace thread held for 1 s: the read does not wait */
		assert_int_equal(pipe(gate), 0);
		assert_int_equal(nscap_ns_post(ns, held, &gate[0], perr), 0);
		g.fd = gate[1];
		assert_int_equal(pthread_create(&opener, NULL, open_gate, &g),
				 0);
		t0 = nscap_clock_ns(CLOCK_MONOTONIC);
		assert_int_equal(nscap_handle_stats_here(job.h, &here, err), 0);
		took = nscap_clock_ns(CLOCK_MONOTONIC) - t0;
		assert_true(took < 500000000u);
		assert_int_equal(here.received, n);
		pthread_join(opener, NULL);
		assert_true(nscap_ns_reap(ns, true, &ret));
		assert_int_equal(ret, 0);
		close(gate[0]);
		close(gate[1]);

		/* n more, read in the namespace: on top of what was read here
		 * (each read takes the kernel's counts since the last), none
		 * twice */
		assert_int_equal(nscap_ns_call(ns, send_to_peer, &n, err), 0);
		usleep(100000);
		assert_int_equal(nscap_handle_stats(ns, job.h, &there, err), 0);
		assert_int_equal(there.received, 2 * n);
		assert_int_equal(there.dropped, 0);
		nscap_handle_close(ns, job.h);
		nscap_ns_stop(ns);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_iface_list),
		cmocka_unit_test(test_exited),
		cmocka_unit_test(test_nsfd),
		cmocka_unit_test(test_leader_gone),
		cmocka_unit_test(test_thread_pidfd),
		cmocka_unit_test(test_deferred),
		cmocka_unit_test(test_defer_many),
		cmocka_unit_test(test_retire),
		cmocka_unit_test(test_counts_here),
	};

	if (!getenv("NSC_TARGET_PID") || !getenv("NSC_TARGET_INODE") ||
	    !getenv("NSC_HOST_ETH0_MTU")) {
		fprintf(stderr, "run through t_nsthread.sh\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
