/*
 * Unit tests for src/target.c: parsing every TARGET form (a pure function),
 * opening a real process into a pidfd that pins it and a namespace file
 * into an fd, each checked against what the kernel says independently
 * (/proc/self/fdinfo, prctl, poll, stat), and the descriptions used in
 * messages. Finding containers (cgroups, runtime CLIs) is left to the
 * integration tests: it depends on what runs on the host.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/procfs.h"
#include "nscap/target.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Does this kernel have pidfd_open(2)? Asked directly, not via nscap. */
static bool kernel_has_pidfd(void)
{
	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != ENOSYS;
}

/* The "Pid:" line of /proc/self/fdinfo/FD: which process a pidfd pins. */
static long fdinfo_pid(int fd)
{
	char path[64], line[256];
	long pid = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	fp = fopen(path, "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "Pid: %ld", &pid) == 1)
			break;
	fclose(fp);
	return pid;
}

/* A PID that no process has: a child that has exited and been reaped. */
static pid_t gone_pid(void)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return pid;
}

#define ID64 "e817c105574b0cbb2d0dbd5a9d8bfc6f0a1b3d2e6f7c8091a2b3c4d5e6f70819"

/* Pins the accepted TARGET forms (target.h): what kind each string is and
 * what it carries, a PID or a pointer into the string. */
static void test_parse_valid(void **state)
{
	static const struct {
		const char *s;
		enum nscap_target_kind kind;
		pid_t pid;
		size_t arg_at; /* spec.arg == s + arg_at */
		const char *runtime;
		bool maybe_name;
	} ok[] = {
		{"1", NSCAP_TARGET_PID, 1, 0, NULL, false},
		{"4242", NSCAP_TARGET_PID, 4242, 0, NULL, false},
		/* PID_MAX_LIMIT on 64-bit Linux */
		{"4194304", NSCAP_TARGET_PID, 4194304, 0, NULL, false},
		{"007", NSCAP_TARGET_PID, 7, 0, NULL, false},
		/* all digits is a PID, even when it could be a hex ID */
		{"12345678", NSCAP_TARGET_PID, 12345678, 0, NULL, false},
		{"pid:42", NSCAP_TARGET_PID, 42, 0, NULL, false},
		{"/proc/42/ns/net", NSCAP_TARGET_PATH, 0, 0, NULL, false},
		{"./ns", NSCAP_TARGET_PATH, 0, 0, NULL, false},
		{"../run/netns/blue", NSCAP_TARGET_PATH, 0, 0, NULL, false},
		{"netns:blue", NSCAP_TARGET_NETNS, 0, 6, NULL, false},
		{"name:web", NSCAP_TARGET_NAME, 0, 5, NULL, false},
		{"name:123", NSCAP_TARGET_NAME, 0, 5, NULL, false},
		{"name:abc", NSCAP_TARGET_NAME, 0, 5, NULL, false},
		{"web", NSCAP_TARGET_NAME, 0, 0, NULL, false},
		{"web-1.prod_x", NSCAP_TARGET_NAME, 0, 0, NULL, false},
		{"abcg", NSCAP_TARGET_NAME, 0, 0, NULL, false},
		/* a name that no PID or ID prefix is: too few hex digits for
		 * a prefix, or a digit first (docker and podman allow it) */
		{"db", NSCAP_TARGET_NAME, 0, 0, NULL, false},
		{"abc", NSCAP_TARGET_NAME, 0, 0, NULL, false},
		{"e81", NSCAP_TARGET_NAME, 0, 0, NULL, false},
		{"1web", NSCAP_TARGET_NAME, 0, 0, NULL, false},
		{"12a", NSCAP_TARGET_NAME, 0, 0, NULL, false},
		{"1.5", NSCAP_TARGET_NAME, 0, 0, NULL, false},
		{"e817", NSCAP_TARGET_ID, 0, 0, NULL, true},
		{"e817c105574b", NSCAP_TARGET_ID, 0, 0, NULL, true},
		{"1234abcd", NSCAP_TARGET_ID, 0, 0, NULL, true},
		{ID64, NSCAP_TARGET_ID, 0, 0, NULL, true},
		{"docker://" ID64, NSCAP_TARGET_ID, 0, 9, "docker", false},
		{"containerd://e817c105574b", NSCAP_TARGET_ID, 0, 13,
		 "containerd", false},
		{"cri-o://e817", NSCAP_TARGET_ID, 0, 8, "cri-o", false},
		{"podman://e817c105574b", NSCAP_TARGET_ID, 0, 9, "podman",
		 false},
	};
	char err[NSCAP_ERRBUF];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct nscap_target_spec spec = {.pid = -77};

		if (nscap_target_parse(ok[i].s, &spec, err) != 0)
			fail_msg("'%s' refused: %s", ok[i].s, err);
		if (spec.kind != ok[i].kind)
			fail_msg("'%s': kind %d, want %d", ok[i].s,
				 (int)spec.kind, (int)ok[i].kind);
		if (ok[i].kind == NSCAP_TARGET_PID) {
			assert_int_equal(spec.pid, ok[i].pid);
		} else {
			assert_ptr_equal(spec.arg, ok[i].s + ok[i].arg_at);
		}
		if (ok[i].runtime)
			assert_string_equal(spec.runtime, ok[i].runtime);
		else if (ok[i].kind == NSCAP_TARGET_ID)
			assert_null(spec.runtime);
		if (ok[i].kind == NSCAP_TARGET_ID)
			assert_int_equal(spec.maybe_name, ok[i].maybe_name);
	}
}

/* Pins the refused ones: -EINVAL, a message naming what the user wrote,
 * and spec left untouched. */
static void test_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"0",
		"-1",
		"-0",
		"+12",
		" 12",
		"12 ",
		"99999999999999",
		"2147483648",
		"99999999999999999999999999999",
		"pid:",
		"pid:0",
		"pid:-1",
		"pid:abc",
		"pid:99999999999999",
		"netns:",
		"netns:a/b",
		"netns:..",
		"name:",
		"name:-web",
		"name:my web",
		"docker://",
		"docker://e81",
		"docker://E817C105574B",
		"docker://" ID64 "0",
		"rkt://e817c105574b",
		ID64 "0",
		"my web",
		"-web",
		".",
		"web/1",
	};
	char err[NSCAP_ERRBUF];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nscap_target_spec spec = {.pid = -77, .arg = "x"};

		err[0] = '\0';
		if (nscap_target_parse(bad[i], &spec, err) != -EINVAL)
			fail_msg("'%s' was not refused", bad[i]);
		assert_int_equal(spec.pid, -77);
		assert_string_equal(spec.arg, "x");
		if (!strstr(err, bad[i]))
			fail_msg("'%s': message \"%s\"", bad[i], err);
	}
	err[0] = '\0';
	assert_int_equal(
		nscap_target_parse("", &(struct nscap_target_spec){0}, err),
		-EINVAL);
	assert_true(err[0] != '\0');
}

/* Pins opening a live process: pidfd of that very process, close-on-exec,
 * and its name as the kernel has it (set here with prctl). */
static void test_open_self(void **state)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	struct nscap_target_spec spec = {.kind = NSCAP_TARGET_PID,
					 .pid = getpid()};
	char err[NSCAP_ERRBUF], saved[16] = "";
	const char *name = "self";
	int fd;

	(void)state;
	assert_int_equal(prctl(PR_GET_NAME, saved), 0);
	assert_int_equal(prctl(PR_SET_NAME, "nscap-unit-tgt"), 0);
	assert_int_equal(nscap_target_open(&spec, name, &t, err), 0);
	prctl(PR_SET_NAME, saved);

	assert_ptr_equal(t.name, name);
	assert_int_equal(t.pid, getpid());
	assert_string_equal(t.comm, "nscap-unit-tgt");
	if (kernel_has_pidfd()) {
		assert_true(t.pidfd >= 0);
		assert_int_equal(fdinfo_pid(t.pidfd), getpid());
		assert_true(fcntl(t.pidfd, F_GETFD) & FD_CLOEXEC);
	} else {
		assert_int_equal(t.pidfd, -1);
	}

	fd = t.pidfd;
	nscap_target_close(&t);
	assert_int_equal(t.pidfd, -1);
	if (fd >= 0) {
		/* the fd itself was closed, not just forgotten */
		assert_int_equal(fcntl(fd, F_GETFD), -1);
		assert_int_equal(errno, EBADF);
	}
	/* closing twice is harmless */
	nscap_target_close(&t);
	assert_int_equal(t.pidfd, -1);
}

/* Pins that the pidfd pins the child named, and tells when it exits. */
static void test_open_child_pidfd_sees_exit(void **state)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	struct nscap_target_spec spec;
	struct pollfd pfd;
	char err[NSCAP_ERRBUF], c;
	int ready[2], go[2], status;
	pid_t pid;

	(void)state;
	if (!kernel_has_pidfd())
		skip();
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		prctl(PR_SET_NAME, "nscap-child");
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		/* exit when the parent closes its end (or dies) */
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);

	spec = (struct nscap_target_spec){.kind = NSCAP_TARGET_PID, .pid = pid};
	assert_int_equal(nscap_target_open(&spec, "child", &t, err), 0);
	assert_int_equal(t.pid, pid);
	assert_string_equal(t.comm, "nscap-child");
	assert_int_equal(fdinfo_pid(t.pidfd), pid);

	pfd = (struct pollfd){.fd = t.pidfd, .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 0), 0); /* still running */
	close(go[1]);
	assert_int_equal(poll(&pfd, 1, 10000), 1); /* readable on exit */
	assert_true(pfd.revents & POLLIN);

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(ready[0]);
	nscap_target_close(&t);
	assert_int_equal(t.pidfd, -1);
}

/* DIR/SUB/stat holding text, its directories made. */
static void fake_stat(const char *dir, const char *sub, const char *text)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", dir, sub);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s/stat", dir, sub);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A child that runs body(fd) with fd the read end of a pipe whose write
 * end the parent keeps in *go: closing it tells the child to end. */
static pid_t fork_child(int *go, void (*body)(int fd))
{
	int p[2];
	pid_t pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		body(p[0]);
		_exit(1);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

/* A child's body: read until the parent closes the pipe, then exit. */
static void read_then_exit(int fd)
{
	char c;

	while (read(fd, &c, 1) > 0)
		;
	_exit(0);
}

/* The thread of a child whose leader has ended: it reads until the
 * parent closes the pipe, then ends the process. */
static void *reader_thread(void *arg)
{
	read_then_exit(*(int *)arg); /* _exit: no exit handlers (LSan) */
	return NULL;
}

/* A child's body: a thread reads the pipe, and the leader ends. */
static void leader_leaves(int fd)
{
	static int rd;
	pthread_t t;

	rd = fd;
	if (pthread_create(&t, NULL, reader_thread, &rd) != 0 ||
	    pthread_detach(t) != 0)
		_exit(1);
	pthread_exit(NULL);
}

/* Pins a kernel behaviour: a leader that ends with pthread_exit is a
 * zombie in /proc/PID/stat while its other threads run, and the process
 * has not exited (a pidfd is not readable then). nscap_target_exited
 * waits for the last thread. */
static void test_exited_leader(void **state)
{
	char path[64], c = 0;
	int go, status;
	pid_t pid;

	(void)state;
	pid = fork_child(&go, leader_leaves);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	/* the leader is a zombie within moments */
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");
		char line[256] = "", *p;

		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		p = strrchr(line, ')');
		assert_non_null(p);
		c = p[2];
		if (c == 'Z')
			break;
		usleep(10000);
	}
	assert_int_equal(c, 'Z');
	assert_false(nscap_target_exited("/proc", pid, 0));
	close(go);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(nscap_target_exited("/proc", pid, 0));
}

/* A child's exit seen from /proc alone (targets without a pidfd): alive,
 * then a zombie (exited, not reaped), then gone; and a comm that holds
 * ") Z " does not fool the parse. */
static void test_exited(void **state)
{
	char dir[] = "/tmp/nscap-exited-XXXXXX", path[PATH_MAX];
	int go, status;
	pid_t pid;

	(void)state;
	pid = fork_child(&go, read_then_exit);
	assert_false(nscap_target_exited("/proc", pid, 0));
	close(go);
	/* a zombie until reaped: waitid with WNOWAIT waits for the exit and
	 * leaves it one */
	{
		siginfo_t si;

		assert_int_equal(
			waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	}
	assert_true(nscap_target_exited("/proc", pid, 0));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(nscap_target_exited("/proc", pid, 0));

	assert_non_null(mkdtemp(dir));
	fake_stat(dir, "42", "42 (a) Z (b) S 1 42 42 0 -1\n");
	assert_false(nscap_target_exited(dir, 42, 0));
	fake_stat(dir, "42", "42 (a) S (b) Z 1 42 42 0 -1\n");
	assert_true(nscap_target_exited(dir, 42, 0));
	/* a leader gone with pthread_exit, a thread still running: alive */
	fake_stat(dir, "42/task/42", "42 (a) Z 1 42 42 0 -1\n");
	fake_stat(dir, "42/task/43", "43 (a) S 1 42 42 0 -1\n");
	assert_false(nscap_target_exited(dir, 42, 0));
	fake_stat(dir, "42/task/43", "43 (a) Z 1 42 42 0 -1\n");
	assert_true(nscap_target_exited(dir, 42, 0));
	/* without a pidfd, the start time tells a reused PID: the process
	 * there now started later than the target (starttime is field 22) */
	fake_stat(dir, "42",
		  "42 (a b) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 "
		  "777 1000 100\n");
	assert_int_equal(nscap_target_start_time(dir, 42), 777);
	assert_false(nscap_target_exited(dir, 42, 777));
	assert_false(nscap_target_exited(dir, 42, 0));
	fake_stat(dir, "42",
		  "42 (c) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 "
		  "778 1000 100\n");
	assert_true(nscap_target_exited(dir, 42, 777));
	/* a real one: this process's, as the kernel writes it */
	assert_true(nscap_target_start_time("/proc", getpid()) > 0);
	assert_false(nscap_target_exited(
		"/proc", getpid(), nscap_target_start_time("/proc", getpid())));
	snprintf(path, sizeof(path), "rm -r '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* The small /proc reader: whole, cut to the buffer, a missing file is a
 * process gone. */
static void test_proc_read(void **state)
{
	char path[] = "/tmp/nscap-procread-XXXXXX", buf[8], comm[32];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789\n", 11), 11);
	close(fd);
	assert_int_equal(nscap_proc_read(path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0123456");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(nscap_proc_read(path, buf, sizeof(buf)), -ESRCH);
	assert_string_equal(buf, "");
	/* a real one: this test's own name, as the kernel keeps it */
	nscap_target_read_comm("/proc", getpid(), comm, sizeof(comm));
	assert_string_equal(comm, "test_target");
	/* a process names itself: its control bytes become '?' (they went
	 * to the terminal in messages and -L, and into pcapng) */
	{
		char dir[] = "/tmp/nscap-comm-XXXXXX", p[PATH_MAX + 16];
		FILE *f;

		assert_non_null(mkdtemp(dir));
		snprintf(p, sizeof(p), "%s/42", dir);
		assert_int_equal(mkdir(p, 0700), 0);
		snprintf(p, sizeof(p), "%s/42/comm", dir);
		f = fopen(p, "w");
		assert_non_null(f);
		fputs("x\033[31mR\nED\n", f);
		assert_int_equal(fclose(f), 0);
		nscap_target_read_comm(dir, 42, comm, sizeof(comm));
		/* whole: a newline in the name is not its end */
		assert_string_equal(comm, "x?[31mR?ED");
		snprintf(p, sizeof(p), "rm -r '%s'", dir);
		assert_int_equal(system(p), 0);
	}
}

/* Pins a process that does not exist: -ESRCH, a message, pidfd -1. */
static void test_open_gone_process(void **state)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	struct nscap_target_spec spec;
	char err[NSCAP_ERRBUF] = "", num[32];

	(void)state;
	spec = (struct nscap_target_spec){.kind = NSCAP_TARGET_PID,
					  .pid = gone_pid()};
	t.pidfd = 1234; /* must be reset, not left as it was */
	assert_int_equal(nscap_target_open(&spec, "gone", &t, err), -ESRCH);
	assert_int_equal(t.pidfd, -1);
	snprintf(num, sizeof(num), "%d", (int)spec.pid);
	assert_non_null(strstr(err, num));
	assert_non_null(strstr(err, strerror(ESRCH)));
	/* closing what failed to open is safe */
	nscap_target_close(&t);
	assert_int_equal(t.pidfd, -1);
}

/* Pins a namespace file: held open (close-on-exec) on the very namespace,
 * with no process attached. */
static void test_open_nsfile(void **state)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	struct nscap_target_spec spec;
	struct nscap_ns_source src;
	char err[NSCAP_ERRBUF] = "";
	struct stat want, got;
	int fd;

	(void)state;
	assert_int_equal(nscap_target_parse("/proc/self/ns/net", &spec, err),
			 0);
	assert_int_equal(nscap_target_open(&spec, "/proc/self/ns/net", &t, err),
			 0);
	assert_true(t.nsfd >= 0);
	assert_int_equal(t.pidfd, -1);
	assert_int_equal(t.pid, 0);
	assert_true(fcntl(t.nsfd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(stat("/proc/self/ns/net", &want), 0);
	assert_int_equal(fstat(t.nsfd, &got), 0);
	assert_int_equal(got.st_ino, want.st_ino);
	assert_int_equal(got.st_dev, want.st_dev);

	nscap_target_ns_source(&t, &src);
	assert_int_equal(src.nsfd, t.nsfd);
	assert_int_equal(src.pidfd, -1);
	/* named in nscap_ns_start's messages as the user wrote it */
	assert_string_equal(src.name, "/proc/self/ns/net");

	fd = t.nsfd;
	nscap_target_close(&t);
	assert_int_equal(t.nsfd, -1);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
}

/* A temporary directory for the test, removed with what it holds. */
static int tmpdir_setup(void **state)
{
	const char *base = getenv("TMPDIR");
	char *dir = malloc(PATH_MAX);

	if (!dir)
		return -1;
	snprintf(dir, PATH_MAX, "%s/nscap-target-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int tmpdir_teardown(void **state)
{
	char *dir = *state, path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/file", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
	return 0;
}

/* Pins what is not a network namespace: another namespace, a regular
 * file, a FIFO (refused without being opened for reading, which would
 * wait for a writer), and a missing file. */
static void test_open_nsfile_refused(void **state)
{
	const char *dir = *state;
	struct nscap_target t = NSCAP_TARGET_INIT;
	char fifo[PATH_MAX], file[PATH_MAX];
	struct nscap_target_spec spec;
	char err[NSCAP_ERRBUF] = "";
	int fd;

	assert_int_equal(nscap_target_parse("/proc/self/ns/mnt", &spec, err),
			 0);
	assert_int_equal(nscap_target_open(&spec, "/proc/self/ns/mnt", &t, err),
			 -EINVAL);
	assert_non_null(strstr(err, "not a network namespace"));
	assert_non_null(strstr(err, "mount namespace"));
	assert_int_equal(t.nsfd, -1);

	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mkfifo(fifo, 0600), 0);

	assert_int_equal(nscap_target_parse(file, &spec, err), 0);
	assert_int_equal(nscap_target_open(&spec, file, &t, err), -EINVAL);
	assert_non_null(strstr(err, "not a network namespace"));
	assert_int_equal(t.nsfd, -1);

	alarm(10); /* a blocked open ends the test instead of hanging it */
	assert_int_equal(nscap_target_parse(fifo, &spec, err), 0);
	assert_int_equal(nscap_target_open(&spec, fifo, &t, err), -EINVAL);
	alarm(0);
	assert_int_equal(t.nsfd, -1);

	snprintf(file, sizeof(file), "%s/missing", dir);
	assert_int_equal(nscap_target_parse(file, &spec, err), 0);
	assert_int_equal(nscap_target_open(&spec, file, &t, err), -ENOENT);
	assert_non_null(strstr(err, file));

	assert_int_equal(
		nscap_target_parse("netns:nscap-unit-no-such-ns", &spec, err),
		0);
	assert_int_equal(nscap_target_open(&spec, "netns:nscap-unit-no-such-ns",
					   &t, err),
			 -ENOENT);
	assert_non_null(strstr(err, "/run/netns/nscap-unit-no-such-ns"));
	assert_int_equal(t.nsfd, -1);
	assert_int_equal(t.pidfd, -1);
}

/* Pins nscap_target_resolve: parse then open, and a refused string
 * leaves t closed and naming it. */
static void test_resolve(void **state)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	struct nscap_ns_source src;
	char err[NSCAP_ERRBUF] = "", pid[32];

	(void)state;
	snprintf(pid, sizeof(pid), "pid:%d", (int)getpid());
	assert_int_equal(nscap_target_resolve(pid, &t, err), 0);
	assert_int_equal(t.pid, getpid());
	assert_ptr_equal(t.name, pid);
	assert_int_equal(t.nsfd, -1);
	nscap_target_ns_source(&t, &src);
	assert_int_equal(src.pid, getpid());
	assert_int_equal(src.pidfd, t.pidfd);
	assert_int_equal(src.nsfd, -1);
	assert_null(src.name); /* a process: its pid names it */
	nscap_target_close(&t);

	t.pidfd = 1234;
	t.nsfd = 1235;
	assert_int_equal(nscap_target_resolve("pid:12a", &t, err), -EINVAL);
	assert_non_null(strstr(err, "pid:12a"));
	assert_int_equal(t.pidfd, -1);
	assert_int_equal(t.nsfd, -1);
}

/* Pins the descriptions used in messages, with target.h's examples. */
static void test_describe(void **state)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	char buf[256], small[8];

	(void)state;
	t.name = "4242";
	t.pid = 4242;
	snprintf(t.comm, sizeof(t.comm), "httpd");
	assert_string_equal(nscap_target_describe(&t, buf, sizeof(buf)),
			    "pid 4242 (httpd)");

	/* a PID that turns out to be in a container */
	snprintf(t.container_id, sizeof(t.container_id), "%s", ID64);
	snprintf(t.runtime, sizeof(t.runtime), "podman");
	assert_string_equal(nscap_target_describe(&t, buf, sizeof(buf)),
			    "pid 4242 (httpd) in container podman "
			    "e817c105574b");

	/* a container named by the user */
	t.kind = NSCAP_TARGET_NAME;
	t.name = "web";
	snprintf(t.container_name, sizeof(t.container_name), "web");
	assert_string_equal(nscap_target_describe(&t, buf, sizeof(buf)),
			    "container web (podman e817c105574b, pid 4242 "
			    "httpd)");
	/* truncated as snprintf does */
	assert_ptr_equal(nscap_target_describe(&t, small, sizeof(small)),
			 small);
	assert_string_equal(small, "contain");

	t = (struct nscap_target)NSCAP_TARGET_INIT;
	t.kind = NSCAP_TARGET_NETNS;
	t.name = "netns:blue";
	t.nsfd = 99; /* only looked at, never used */
	assert_string_equal(nscap_target_describe(&t, buf, sizeof(buf)),
			    "netns:blue");
	t.kind = NSCAP_TARGET_PATH;
	t.name = "/proc/4242/ns/net";
	assert_string_equal(nscap_target_describe(&t, buf, sizeof(buf)),
			    "/proc/4242/ns/net");
}

/* Pins NSCAP_TARGET_INIT: pidfd -1, and closing it closes nothing (a
 * zeroed struct would close fd 0). */
static void test_close_init_is_safe(void **state)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	int fd0;

	(void)state;
	assert_int_equal(t.kind, NSCAP_TARGET_PID);
	assert_int_equal(t.pidfd, -1);
	assert_int_equal(t.nsfd, -1);
	assert_int_equal(t.pid, 0);
	assert_null(t.name);
	assert_string_equal(t.comm, "");
	assert_string_equal(t.container_id, "");
	assert_string_equal(t.container_name, "");
	assert_string_equal(t.runtime, "");

	fd0 = fcntl(0, F_GETFD);
	nscap_target_close(&t);
	nscap_target_close(&t);
	assert_int_equal(t.pidfd, -1);
	/* fd 0 is as it was (open stays open) */
	assert_int_equal(fcntl(0, F_GETFD), fd0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_open_self),
		cmocka_unit_test(test_open_child_pidfd_sees_exit),
		cmocka_unit_test(test_open_gone_process),
		cmocka_unit_test(test_exited),
		cmocka_unit_test(test_exited_leader),
		cmocka_unit_test(test_open_nsfile),
		cmocka_unit_test_setup_teardown(test_open_nsfile_refused,
						tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_proc_read),
		cmocka_unit_test(test_close_init_is_safe),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}
