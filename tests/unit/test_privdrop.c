/*
 * Unit tests for src/privdrop.c. The plan (whom to become) is pure and is
 * tested for every source: -Z by name and number, sudo's SUDO_UID and
 * SUDO_GID, set-user-ID root, a non-root run, --no-drop, and malformed
 * values; users are looked up in this machine's passwd (nobody, 65534).
 * The rest needs root and is skipped without it: giving a file away (a
 * regular one only: tried on a FIFO and on a private null device node,
 * never on the real /dev/null), asking whether a user can write to a
 * directory, and the drop itself, in a forked child with a second thread
 * standing in for a namespace thread. After the drop to nobody: every uid
 * and gid is 65534, no thread has a capability, no_new_privs is set,
 * setresuid(0, 0, 0) fails with EPERM and a packet socket cannot be opened.
 * One test pins the kernel behaviour that privdrop.c works around: capset
 * changes only the calling thread, so a run that keeps its uid must clear
 * each thread's capabilities itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/privdrop.h"

#define NOBODY 65534

static struct nscap_privdrop_input root_input(void)
{
	struct nscap_privdrop_input in;

	memset(&in, 0, sizeof(in));
	return in; /* ruid, euid, rgid 0; nothing set */
}

static void test_plan_root_alone_keeps(void **state)
{
	struct nscap_privdrop_input in = root_input();
	struct nscap_privdrop_plan plan;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_KEEP);
	in.sudo_uid = "";
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_KEEP);
	/* sudo run by root */
	in.sudo_uid = "0";
	in.sudo_gid = "0";
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_KEEP);
}

static void test_plan_sudo(void **state)
{
	struct nscap_privdrop_input in = root_input();
	struct nscap_privdrop_plan plan;
	char err[NSCAP_ERRBUF];

	(void)state;
	in.sudo_uid = "1000";
	in.sudo_gid = "1001";
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_SUDO);
	assert_int_equal(plan.uid, 1000);
	assert_int_equal(plan.gid, 1001);
	assert_null(plan.name);
	/* without SUDO_GID: the user's primary group, looked up later */
	in.sudo_gid = NULL;
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_SUDO);
	assert_true(plan.gid == (gid_t)-1);
}

static void check_bad_plan(struct nscap_privdrop_input in, const char *want)
{
	struct nscap_privdrop_plan plan;
	char err[NSCAP_ERRBUF];

	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), -EINVAL);
	if (!strstr(err, want))
		fail_msg("message '%s' lacks '%s'", err, want);
}

static void test_plan_bad_values(void **state)
{
	struct nscap_privdrop_input in = root_input();

	(void)state;
	in.sudo_uid = "abc";
	check_bad_plan(in, "invalid SUDO_UID 'abc'");
	in.sudo_uid = "-1";
	check_bad_plan(in, "invalid SUDO_UID");
	in.sudo_uid = "4294967295"; /* (uid_t)-1 */
	check_bad_plan(in, "invalid SUDO_UID");
	in.sudo_uid = "99999999999999999999";
	check_bad_plan(in, "invalid SUDO_UID");
	in.sudo_uid = "1000";
	in.sudo_gid = "x";
	check_bad_plan(in, "invalid SUDO_GID 'x'");
	in = root_input();
	in.user = "";
	check_bad_plan(in, "empty user name");
	in.user = "4294967296";
	check_bad_plan(in, "invalid user id");
	in.user = "nobody";
	in.no_drop = true;
	check_bad_plan(in, "contradict");
}

static void test_plan_user(void **state)
{
	struct nscap_privdrop_input in = root_input();
	struct nscap_privdrop_plan plan;
	char err[NSCAP_ERRBUF];

	(void)state;
	/* -Z wins over sudo */
	in.sudo_uid = "1000";
	in.user = "alice";
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_USER);
	assert_string_equal(plan.name, "alice");
	in.user = "1234";
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_USER);
	assert_null(plan.name);
	assert_int_equal(plan.uid, 1234);
	/* a name that starts with digits is a name */
	in.user = "1234x";
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_string_equal(plan.name, "1234x");
}

static void test_plan_no_drop(void **state)
{
	struct nscap_privdrop_input in = root_input();
	struct nscap_privdrop_plan plan;
	char err[NSCAP_ERRBUF];

	(void)state;
	in.sudo_uid = "1000";
	in.no_drop = true;
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_KEEP);
	in.ruid = in.euid = 1000;
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_KEEP);
}

static void test_plan_not_root(void **state)
{
	struct nscap_privdrop_input in = root_input();
	struct nscap_privdrop_plan plan;
	char err[NSCAP_ERRBUF];

	(void)state;
	/* file capabilities: keep the uid, lose the capabilities */
	in.ruid = in.euid = 1000;
	in.rgid = 1000;
	in.sudo_uid = "1001";
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_CAPS);
	/* set-user-ID root: back to the real user, SUDO_* not trusted */
	in.euid = 0;
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_REAL);
	assert_int_equal(plan.uid, 1000);
	assert_int_equal(plan.gid, 1000);
	/* there, -Z would let the user become anyone, --no-drop keep root */
	in.user = "root";
	assert_int_not_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_non_null(strstr(err, "-Z is for root"));
	in.user = "0";
	assert_int_not_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	in.user = NULL;
	in.no_drop = true;
	assert_int_not_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_non_null(strstr(err, "--no-drop is for root"));
	/* root itself (ruid 0) may: sudo, or a root shell */
	in.ruid = 0;
	assert_int_equal(nscap_privdrop_plan(&in, &plan, err), 0);
	assert_int_equal(plan.kind, NSCAP_PRIVDROP_KEEP);
}

static void test_input_get(void **state)
{
	struct nscap_privdrop_input in;

	(void)state;
	setenv("SUDO_UID", "4321", 1);
	unsetenv("SUDO_GID");
	nscap_privdrop_input_get(&in, "bob", true);
	assert_int_equal(in.ruid, getuid());
	assert_int_equal(in.euid, geteuid());
	assert_int_equal(in.rgid, getgid());
	assert_string_equal(in.sudo_uid, "4321");
	assert_null(in.sudo_gid);
	assert_string_equal(in.user, "bob");
	assert_true(in.no_drop);
	unsetenv("SUDO_UID");
}

static void test_resolve_keep_and_caps(void **state)
{
	struct nscap_privdrop_plan plan = {NSCAP_PRIVDROP_KEEP, NULL, 0, 0};
	struct nscap_privdrop_cred c;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_privdrop_resolve(&plan, &c, err), 0);
	assert_false(c.drop);
	plan.kind = NSCAP_PRIVDROP_CAPS;
	assert_int_equal(nscap_privdrop_resolve(&plan, &c, err), 0);
	assert_true(c.drop);
	assert_false(c.change_ids);
	nscap_privdrop_cred_free(&c);
	nscap_privdrop_cred_free(NULL);
}

static bool has_group(const struct nscap_privdrop_cred *c, gid_t g)
{
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}

/* nobody is 65534 in Debian's and most base passwd files. */
static void test_resolve_users(void **state)
{
	struct nscap_privdrop_plan plan = {NSCAP_PRIVDROP_USER, "nobody",
					   (uid_t)-1, (gid_t)-1};
	struct nscap_privdrop_cred c;
	char err[NSCAP_ERRBUF];

	(void)state;
	if (nscap_privdrop_resolve(&plan, &c, err) != 0)
		skip();
	assert_true(c.drop);
	assert_true(c.change_ids);
	assert_int_equal(c.uid, NOBODY);
	assert_int_equal(c.gid, NOBODY);
	assert_string_equal(c.name, "nobody");
	assert_true(has_group(&c, NOBODY));
	nscap_privdrop_cred_free(&c);

	plan.name = NULL;
	plan.uid = NOBODY;
	assert_int_equal(nscap_privdrop_resolve(&plan, &c, err), 0);
	assert_string_equal(c.name, "nobody");
	nscap_privdrop_cred_free(&c);

	/* sudo: SUDO_GID is the primary group, and among the groups; the
	 * login group too (SUDO_GID is another after newgrp) */
	plan.kind = NSCAP_PRIVDROP_SUDO;
	plan.gid = 4242;
	assert_int_equal(nscap_privdrop_resolve(&plan, &c, err), 0);
	assert_int_equal(c.uid, NOBODY);
	assert_int_equal(c.gid, 4242);
	assert_true(has_group(&c, 4242));
	assert_true(has_group(&c, NOBODY));
	nscap_privdrop_cred_free(&c);

	/* set-user-ID: the caller's own groups, not its user's (a group
	 * it gave up stays given up) */
	{
		gid_t saved[64], mine[] = {4343, 4242};
		int nsaved = getgroups(64, saved);

		if (geteuid() != 0) {
			print_message("set-user-ID groups: skipped, needs "
				      "root\n");
		} else {
			assert_true(nsaved >= 0);
			assert_int_equal(setgroups(2, mine), 0);
			plan.kind = NSCAP_PRIVDROP_REAL;
			plan.name = NULL;
			plan.uid = NOBODY;
			plan.gid = 4242;
			assert_int_equal(nscap_privdrop_resolve(&plan, &c, err),
					 0);
			assert_int_equal(setgroups((size_t)nsaved, saved), 0);
			assert_int_equal(c.ngroups, 2);
			assert_true(has_group(&c, 4343));
			assert_true(has_group(&c, 4242));
			assert_false(has_group(&c, NOBODY));
			nscap_privdrop_cred_free(&c);
		}
	}

	/* -Z root and -Z 0: nothing to drop to */
	plan.kind = NSCAP_PRIVDROP_USER;
	plan.name = "root";
	assert_int_equal(nscap_privdrop_resolve(&plan, &c, err), 0);
	assert_false(c.drop);
	plan.name = NULL;
	plan.uid = 0;
	assert_int_equal(nscap_privdrop_resolve(&plan, &c, err), 0);
	assert_false(c.drop);
}

static void test_resolve_unknown(void **state)
{
	struct nscap_privdrop_plan plan = {NSCAP_PRIVDROP_USER,
					   "no-such-user-nscap", (uid_t)-1,
					   (gid_t)-1};
	struct nscap_privdrop_cred c;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_privdrop_resolve(&plan, &c, err), -ENOENT);
	assert_non_null(strstr(err, "no user named 'no-such-user-nscap'"));
	plan.name = NULL;
	plan.uid = 54321;
	assert_int_equal(nscap_privdrop_resolve(&plan, &c, err), -ENOENT);
	assert_non_null(strstr(err, "no user with uid 54321"));
	/* sudo's ids with no passwd entry: taken as they are */
	plan.kind = NSCAP_PRIVDROP_SUDO;
	plan.gid = 54322;
	assert_int_equal(nscap_privdrop_resolve(&plan, &c, err), 0);
	assert_int_equal(c.uid, 54321);
	assert_int_equal(c.gid, 54322);
	assert_int_equal(c.ngroups, 1);
	assert_int_equal(c.groups[0], 54322);
	assert_string_equal(c.name, "54321");
	nscap_privdrop_cred_free(&c);
}

static struct nscap_privdrop_cred nobody(void)
{
	struct nscap_privdrop_cred c;
	static gid_t groups[] = {NOBODY};

	memset(&c, 0, sizeof(c));
	c.drop = true;
	c.change_ids = true;
	c.uid = NOBODY;
	c.gid = NOBODY;
	c.groups = groups;
	c.ngroups = 1;
	snprintf(c.name, sizeof(c.name), "nobody");
	return c;
}

static void need_root(void)
{
	if (geteuid() != 0) {
		print_message("skipped: needs root to change ids\n");
		skip();
	}
}

/* fd's owner is still root after nscap_privdrop_chown(fd, c) */
static void check_left_alone(int fd, const struct nscap_privdrop_cred *c)
{
	char err[NSCAP_ERRBUF];
	struct stat st;

	assert_true(fd >= 0);
	assert_int_equal(nscap_privdrop_chown(fd, "x", c, err), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_gid, 0);
	close(fd);
}

/*
 * Only a regular file is given away. The device is a private node like
 * /dev/null, never the real one: a broken chown must not change the
 * machine's /dev/null.
 */
static void test_chown_regular_file_only(void **state)
{
	struct nscap_privdrop_cred c = nobody(), keep;
	char dir[] = "/tmp/nscap-privdrop-XXXXXX", path[64];
	char err[NSCAP_ERRBUF];
	struct stat st;
	int fd;

	(void)state;
	need_root();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	memset(&keep, 0, sizeof(keep));
	assert_int_equal(nscap_privdrop_chown(fd, path, &keep, err), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(nscap_privdrop_chown(fd, path, &c, err), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(st.st_gid, NOBODY);
	close(fd);
	assert_int_equal(unlink(path), 0);

	/* in a set-group-ID directory the group it gave stays, as for a
	 * file the user makes there */
	snprintf(path, sizeof(path), "%s/sg", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	assert_int_equal(chown(path, 0, 4242), 0);
	assert_int_equal(chmod(path, 02777), 0);
	snprintf(path, sizeof(path), "%s/sg/file", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(nscap_privdrop_chown(fd, path, &c, err), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(st.st_gid, 4242);
	close(fd);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/sg", dir);
	assert_int_equal(rmdir(path), 0);

	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	check_left_alone(open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC), &c);
	assert_int_equal(unlink(path), 0);

	snprintf(path, sizeof(path), "%s/null", dir);
	if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) /* not on a nodev mount */
			check_left_alone(fd, &c);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void test_check_dir(void **state)
{
	struct nscap_privdrop_cred c = nobody(), keep;
	char dir[] = "/tmp/nscap-privdrop-XXXXXX";
	char err[NSCAP_ERRBUF];

	(void)state;
	need_root();
	assert_non_null(mkdtemp(dir)); /* 0700, root's */
	assert_int_equal(nscap_privdrop_check_dir(&c, dir, err), -EACCES);
	assert_non_null(strstr(err, "user nobody cannot create files in"));
	memset(&keep, 0, sizeof(keep));
	assert_int_equal(nscap_privdrop_check_dir(&keep, dir, err), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(nscap_privdrop_check_dir(&c, dir, err), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chown(dir, NOBODY, NOBODY), 0);
	assert_int_equal(nscap_privdrop_check_dir(&c, dir, err), 0);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(nscap_privdrop_check_dir(&c, dir, err), -ENOENT);
}

/* A stand-in for a namespace thread: runs nscap_privdrop_thread on
 * request. */
struct helper {
	pthread_t thread;
	pid_t tid;
	int req[2], rep[2];
};

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	char err[NSCAP_ERRBUF], c;
	int ret;

	h->tid = (pid_t)syscall(SYS_gettid);
	ret = 0;
	if (write(h->rep[1], &ret, sizeof(ret)) != sizeof(ret))
		return NULL;
	while (read(h->req[0], &c, 1) == 1) {
		ret = nscap_privdrop_thread(NULL, err);
		if (write(h->rep[1], &ret, sizeof(ret)) != sizeof(ret))
			break;
	}
	return NULL;
}

static int helper_start(struct helper *h)
{
	int ret;

	if (pipe2(h->req, O_CLOEXEC) || pipe2(h->rep, O_CLOEXEC) ||
	    pthread_create(&h->thread, NULL, helper_main, h))
		return -1;
	return read(h->rep[0], &ret, sizeof(ret)) == sizeof(ret) ? 0 : -1;
}

static int helper_drop(struct helper *h)
{
	int ret = -1;

	if (write(h->req[1], "c", 1) != 1 ||
	    read(h->rep[0], &ret, sizeof(ret)) != sizeof(ret))
		return -1;
	return ret;
}

/* The value of status line key (e.g. "CapEff:") of thread tid, or "?". */
static void status_of(pid_t tid, const char *key, char *out, size_t len)
{
	char path[64], line[256];
	FILE *fp;

	snprintf(out, len, "?");
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	fp = fopen(path, "re");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, key, strlen(key)) == 0) {
			char *v = line + strlen(key);

			size_t n;

			v += strspn(v, " \t");
			n = strcspn(v, "\n");
			while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
				n--;
			v[n] = '\0';
			snprintf(out, len, "%s", v);
			break;
		}
	}
	fclose(fp);
}

/* In the child: report a failed check and count it. */
static int expect(bool ok, const char *what)
{
	if (!ok)
		fprintf(stderr, "child: %s\n", what);
	return ok ? 0 : 1;
}

static int expect_line(pid_t tid, const char *key, const char *want)
{
	char got[128], what[300];

	status_of(tid, key, got, sizeof(got));
	snprintf(what, sizeof(what), "thread %d %s '%s', want '%s'", (int)tid,
		 key, got, want);
	return expect(strcmp(got, want) == 0, what);
}

/* Run fn in a forked child; the test passes when it exits 0. */
static void in_child(int (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static int drop_to_nobody(void)
{
	struct nscap_privdrop_cred c = nobody();
	const char *ids = "65534\t65534\t65534\t65534";
	const char *zero = "0000000000000000";
	char err[NSCAP_ERRBUF];
	struct helper h;
	pid_t self = (pid_t)syscall(SYS_gettid);
	int bad = 0, fd;

	if (helper_start(&h))
		return 100;
	/* the helper thread is root with every capability, as ns threads */
	bad += expect_line(h.tid, "Uid:", "0\t0\t0\t0");
	if (nscap_privdrop_apply(&c, err)) {
		fprintf(stderr, "child: apply: %s\n", err);
		return 101;
	}
	/* no_new_privs is the calling thread's alone: the other thread is
	 * not clean until it sets its own (nscap_ns_call in nscap) */
	bad += expect_line(h.tid, "NoNewPrivs:", "0");
	bad += expect(nscap_privdrop_verify(&c, err) == -EPERM,
		      "verify missed the other thread's no_new_privs");
	bad += expect(helper_drop(&h) == 0, "the thread's drop failed");
	bad += expect_line(h.tid, "NoNewPrivs:", "1");
	if (nscap_privdrop_verify(&c, err)) {
		fprintf(stderr, "child: verify: %s\n", err);
		return 102;
	}
	bad += expect_line(self, "Uid:", ids);
	bad += expect_line(self, "Gid:", ids);
	bad += expect_line(self, "Groups:", "65534");
	bad += expect_line(self, "CapPrm:", zero);
	bad += expect_line(self, "CapEff:", zero);
	bad += expect_line(self, "CapInh:", zero);
	bad += expect_line(self, "CapAmb:", zero);
	bad += expect_line(self, "NoNewPrivs:", "1");
	/* not dumpable: nobody cannot ptrace it for root's packet sockets */
	bad += expect(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1,
		      "the process is dumpable after the drop");
	/* the other thread changed with it (glibc's setxid broadcast) and
	 * lost its capabilities (the kernel, on leaving uid 0) */
	bad += expect_line(h.tid, "Uid:", ids);
	bad += expect_line(h.tid, "Gid:", ids);
	bad += expect_line(h.tid, "CapPrm:", zero);
	bad += expect_line(h.tid, "CapEff:", zero);
	bad += expect_line(h.tid, "CapAmb:", zero);
	bad += expect(setresuid(0, 0, 0) == -1 && errno == EPERM,
		      "setresuid(0, 0, 0) did not fail with EPERM");
	bad += expect(setresgid(0, 0, 0) == -1 && errno == EPERM,
		      "setresgid(0, 0, 0) did not fail with EPERM");
	/* no new capture handle after the drop */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	bad += expect(fd < 0 && errno == EPERM,
		      "a packet socket could still be opened");
	/* files created now are nobody's */
	bad += expect(access("/root", W_OK) < 0, "/root is writable");
	return bad;
}

static void test_apply_drops_every_thread(void **state)
{
	(void)state;
	need_root();
	in_child(drop_to_nobody);
}

static int refuse_keep_caps(void)
{
	struct nscap_privdrop_cred c = nobody();
	char err[NSCAP_ERRBUF];
	int bad = 0;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return 100;
	bad += expect(nscap_privdrop_apply(&c, err) == -EPERM,
		      "apply went ahead with SECBIT_KEEP_CAPS set");
	bad += expect(strstr(err, "securebits") != NULL, err);
	bad += expect(getuid() == 0, "the uid changed anyway");
	return bad;
}

static void test_apply_refuses_keep_caps(void **state)
{
	(void)state;
	need_root();
	in_child(refuse_keep_caps);
}

/*
 * Pins the kernel's per-thread capabilities: with the uid kept (a non-root
 * run with file capabilities, here a root child that became nobody while
 * keeping its permitted set), clearing them in the calling thread leaves
 * the other thread's; verify sees it, and the thread's own drop
 * (what nscap_ns_call runs in each namespace thread) fixes it.
 */
static int caps_are_per_thread(void)
{
	struct nscap_privdrop_cred c;
	char err[NSCAP_ERRBUF], prm[64];
	struct helper h;
	int bad = 0;

	/* inherited by the helper: both keep the permitted set below */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || helper_start(&h))
		return 100;
	if (setresuid(NOBODY, NOBODY, NOBODY))
		return 101;
	bad += expect_line(h.tid, "CapEff:", "0000000000000000");
	status_of(h.tid, "CapPrm:", prm, sizeof(prm));
	bad += expect(strcmp(prm, "0000000000000000") != 0 &&
			      strcmp(prm, "?") != 0,
		      "the helper lost its permitted set too early");
	memset(&c, 0, sizeof(c));
	c.drop = true; /* capabilities only */
	snprintf(c.name, sizeof(c.name), "%d", NOBODY);
	if (nscap_privdrop_apply(&c, err)) {
		fprintf(stderr, "child: apply: %s\n", err);
		return 102;
	}
	bad += expect(nscap_privdrop_verify(&c, err) == -EPERM,
		      "verify missed the other thread's capabilities");
	bad += expect(strstr(err, "kept privileges") != NULL, err);
	bad += expect(helper_drop(&h) == 0, "the thread's drop failed");
	bad += expect(nscap_privdrop_verify(&c, err) == 0, err);
	return bad;
}

static void test_caps_are_per_thread(void **state)
{
	(void)state;
	need_root();
	in_child(caps_are_per_thread);
}

/* capable: root's thread has what capturing needs; after clearing its
 * capabilities (in a child) it has not. */
static void test_capable(void **state)
{
	char err[NSCAP_ERRBUF];
	int status;
	pid_t pid;

	(void)state;
	if (!nscap_privdrop_capable())
		skip(); /* not run as root */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(nscap_privdrop_thread(NULL, err) == 0 &&
				      !nscap_privdrop_capable()
			      ? 0
			      : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_root_alone_keeps),
		cmocka_unit_test(test_plan_sudo),
		cmocka_unit_test(test_plan_bad_values),
		cmocka_unit_test(test_plan_user),
		cmocka_unit_test(test_plan_no_drop),
		cmocka_unit_test(test_plan_not_root),
		cmocka_unit_test(test_input_get),
		cmocka_unit_test(test_resolve_keep_and_caps),
		cmocka_unit_test(test_resolve_users),
		cmocka_unit_test(test_resolve_unknown),
		cmocka_unit_test(test_chown_regular_file_only),
		cmocka_unit_test(test_check_dir),
		cmocka_unit_test(test_apply_drops_every_thread),
		cmocka_unit_test(test_apply_refuses_keep_caps),
		cmocka_unit_test(test_caps_are_per_thread),
		cmocka_unit_test(test_capable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
