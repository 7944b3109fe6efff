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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nscap/compat.h"
#include "nscap/err.h"
#include "nscap/iface.h"
#include "nscap/ns.h"

struct seen {
	int has_only;	     /* /sys/class/net/nsconly0 exists */
	int eth0_mtu;	     /* from /sys/class/net/eth0/mtu */
	int tself_only;	     /* /proc/thread-self/net/dev lists nsconly0 */
	int self_only;	     /* /proc/self/net/dev lists nsconly0 */
	unsigned long inode; /* /proc/thread-self/ns/net */
};

static struct nscap_ns_source target = {-1, 0, -1};

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
	int host_mtu = atoi(getenv("NSC_HOST_ETH0_MTU"));
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
	struct nscap_ns_source src = {-1, 0, -1};
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
	struct nscap_ns_source src = {-1, 0, -1};
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
	close(src.nsfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_iface_list),
		cmocka_unit_test(test_exited),
		cmocka_unit_test(test_nsfd),
	};

	if (!getenv("NSC_TARGET_PID") || !getenv("NSC_TARGET_INODE") ||
	    !getenv("NSC_HOST_ETH0_MTU")) {
		fprintf(stderr, "run through t_nsthread.sh\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
