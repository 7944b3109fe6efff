/*
 * Unit tests for src/output.c, in a fresh temporary directory each: a new
 * file is created with 0644 less the umask, an existing regular file is
 * truncated in place, a FIFO or /dev/null is written as it is, a symlink
 * is refused without touching what it points to, errors create nothing,
 * "-" is a duplicate of standard output, and every fd is close-on-exec.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/output.h"

struct tmp {
	char dir[PATH_MAX];
	char path[PATH_MAX + 64];
};

/* t->path = DIR/name */
static const char *at(struct tmp *t, const char *name)
{
	snprintf(t->path, sizeof(t->path), "%s/%s", t->dir, name);
	return t->path;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	const char *base = getenv("TMPDIR");

	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "%s/nscap-output-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

/* How many entries the directory holds (without . and ..). */
static int entries(const char *dir)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* The file's first bytes as a string. */
static const char *read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

static void assert_cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	assert_true(flags != -1);
	assert_true(flags & FD_CLOEXEC);
}

/* Open path, expecting success; returns the output. */
static struct nscap_output open_ok(const char *path)
{
	struct nscap_output out = {-1, NSCAP_OUTPUT_OTHER, true, true};
	char err[NSCAP_ERRBUF] = "";

	if (nscap_output_open(path, &out, 0, err) != 0)
		fail_msg("open %s: %s", path ? path : "(null)", err);
	assert_true(out.fd >= 0);
	assert_cloexec(out.fd);
	return out;
}

/* Open path, expecting -want, a message naming path, and no fd. */
static void open_fails(const char *path, int want)
{
	struct nscap_output out = {-7, NSCAP_OUTPUT_OTHER, true, true};
	char err[NSCAP_ERRBUF] = "";

	assert_int_equal(nscap_output_open(path, &out, 0, err), -want);
	assert_int_equal(out.fd, -1);
	assert_false(out.created);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(want)));
}

/* Pins what counts as standard output: "-" and NULL, nothing else. */
static void test_is_stdout(void **state)
{
	(void)state;
	assert_true(nscap_output_is_stdout("-"));
	assert_true(nscap_output_is_stdout(NULL));
	assert_false(nscap_output_is_stdout(""));
	assert_false(nscap_output_is_stdout("--"));
	assert_false(nscap_output_is_stdout("./-"));
	assert_false(nscap_output_is_stdout("-x"));
	assert_false(nscap_output_is_stdout("/dev/stdout"));
}

/* Pins a new file: created, a regular file, 0644 less the umask, ours,
 * and the fd writes into it. */
static void test_creates_file(void **state)
{
	static const struct {
		mode_t umask;
		mode_t mode;
	} cases[] = {{022, 0644}, {027, 0640}, {077, 0600}, {0, 0644}};
	struct tmp *t = *state;
	struct nscap_output out;
	struct stat st, fst;
	char name[32], buf[16];
	mode_t saved = umask(022);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "new%zu.pcap", i);
		umask(cases[i].umask);
		out = open_ok(at(t, name));
		umask(saved);
		assert_true(out.created);
		assert_int_equal(out.kind, NSCAP_OUTPUT_FILE);
		assert_int_equal(lstat(t->path, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 07777, cases[i].mode);
		assert_int_equal(st.st_uid, geteuid());
		assert_int_equal(st.st_size, 0);
		assert_int_equal(fstat(out.fd, &fst), 0);
		assert_int_equal(fst.st_ino, st.st_ino);
		assert_int_equal(write(out.fd, "abc", 3), 3);
		close(out.fd);
		assert_string_equal(read_text(t->path, buf, sizeof(buf)),
				    "abc");
	}
}

/* Pins an existing regular file: truncated in place (same inode, same
 * mode), not created. */
static void test_truncates_existing_file(void **state)
{
	struct tmp *t = *state;
	struct nscap_output out;
	struct stat before, after;

	write_file(at(t, "old.pcap"), "previous capture", 0600);
	assert_int_equal(stat(t->path, &before), 0);
	out = open_ok(t->path);
	assert_false(out.created);
	assert_int_equal(out.kind, NSCAP_OUTPUT_FILE);
	assert_int_equal(stat(t->path, &after), 0);
	assert_int_equal(after.st_size, 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_mode & 07777, 0600);
	close(out.fd);
}

/* Pins a FIFO: opened as it is, a pipe, not created, grown; what is
 * already in it stays and what we write follows. */
static void test_fifo_written_as_it_is(void **state)
{
	struct tmp *t = *state;
	struct nscap_output out;
	struct stat st;
	char buf[16] = "";
	int rd, wr;

	assert_int_equal(mkfifo(at(t, "fifo"), 0600), 0);
	/* a reader first, or opening for writing would wait for one */
	rd = open(t->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(rd >= 0);
	wr = open(t->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(wr >= 0);
	assert_int_equal(write(wr, "pre", 3), 3);

	alarm(10); /* a blocked open ends the test instead of hanging it */
	out = open_ok(t->path);
	alarm(0);
	assert_false(out.created);
	assert_int_equal(out.kind, NSCAP_OUTPUT_PIPE);
	/* grown, as the reader's end sees it (1 MiB: what any user may ask
	 * by default) */
	assert_true(fcntl(rd, F_GETPIPE_SZ) >= NSCAP_PIPE_BYTES);
	assert_int_equal(write(out.fd, "xyz", 3), 3);
	assert_int_equal(read(rd, buf, sizeof(buf) - 1), 6);
	assert_string_equal(buf, "prexyz");
	assert_int_equal(lstat(t->path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	close(out.fd);
	close(wr);
	close(rd);
}

/* Pins a FIFO with no reader: without wait, -ENXIO at once and no fd; with
 * a reader there, opened without waiting, and the fd blocks (as a file's
 * writes must: the writers do not expect EAGAIN from a FIFO). */
static void test_fifo_no_reader(void **state)
{
	struct tmp *t = *state;
	struct nscap_output out = {-7, NSCAP_OUTPUT_OTHER, true, true};
	char err[NSCAP_ERRBUF] = "";
	int rd;

	assert_int_equal(mkfifo(at(t, "lonely"), 0600), 0);
	assert_int_equal(nscap_output_open(t->path, &out, 0, err), -ENXIO);
	assert_int_equal(out.fd, -1);
	assert_false(out.created);
	assert_non_null(strstr(err, t->path));

	rd = open(t->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(rd >= 0);
	assert_int_equal(nscap_output_open(t->path, &out, 0, err), 0);
	assert_int_equal(out.kind, NSCAP_OUTPUT_PIPE);
	assert_false(fcntl(out.fd, F_GETFL) & O_NONBLOCK);
	assert_cloexec(out.fd);
	close(out.fd);
	close(rd);
}

/* Pins a symlink: refused with ELOOP, and neither the file it points to
 * nor, for a dangling link, the missing target is touched or created. */
static void test_symlink_refused(void **state)
{
	struct tmp *t = *state;
	char real[PATH_MAX + 64], buf[32];
	struct stat st;

	write_file(at(t, "real"), "keep me", 0600);
	snprintf(real, sizeof(real), "%s", t->path);
	assert_int_equal(symlink(real, at(t, "link")), 0);
	open_fails(t->path, ELOOP);
	assert_string_equal(read_text(real, buf, sizeof(buf)), "keep me");
	assert_int_equal(lstat(t->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));

	assert_int_equal(symlink("made-through-link", at(t, "dangling")), 0);
	open_fails(t->path, ELOOP);
	assert_int_equal(lstat(at(t, "made-through-link"), &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(entries(t->dir), 3);
}

/* Pins errors that create nothing: a directory, a missing directory. */
static void test_errors_create_nothing(void **state)
{
	struct tmp *t = *state;
	struct stat st;

	assert_int_equal(mkdir(at(t, "sub"), 0755), 0);
	open_fails(t->path, EISDIR);
	assert_int_equal(lstat(t->path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(entries(t->path), 0);

	open_fails(at(t, "missing/out.pcap"), ENOENT);
	assert_int_equal(lstat(at(t, "missing"), &st), -1);
	assert_int_equal(entries(t->dir), 1);
}

/* Pins "-" and NULL: a close-on-exec duplicate of fd 1 (closing it leaves
 * fd 1 open), of the kind fd 1 is, never "created". */
static void test_stdout_is_a_dup(void **state)
{
	const char *paths[] = {"-", NULL};
	struct nscap_output out;
	struct stat one, dup;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		out = open_ok(paths[i]);
		assert_true(out.fd != STDOUT_FILENO);
		assert_true(out.fd > STDERR_FILENO);
		assert_false(out.created);
		assert_int_equal(fstat(STDOUT_FILENO, &one), 0);
		assert_int_equal(fstat(out.fd, &dup), 0);
		assert_int_equal(dup.st_dev, one.st_dev);
		assert_int_equal(dup.st_ino, one.st_ino);
		assert_int_equal(out.kind, nscap_output_kind_of(STDOUT_FILENO));
		close(out.fd);
		assert_true(fcntl(STDOUT_FILENO, F_GETFD) != -1);
	}
}

/* Pins "-" when stdout is a file: written at its offset, not truncated
 * (the shell decided that), and of kind FILE. */
static void test_stdout_file_not_truncated(void **state)
{
	struct tmp *t = *state;
	struct nscap_output out;
	char buf[32];
	int saved, fd;

	fd = open(at(t, "stdout"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0600);
	assert_true(fd >= 0);
	fflush(stdout);
	saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	close(fd);
	assert_int_equal(write(STDOUT_FILENO, "keep", 4), 4);
	out = open_ok("-");
	dup2(saved, STDOUT_FILENO);
	close(saved);

	assert_int_equal(out.kind, NSCAP_OUTPUT_FILE);
	assert_false(out.created);
	assert_false(out.own); /* a copy of fd 1: the shell's description */
	assert_int_equal(write(out.fd, "xyz", 3), 3);
	close(out.fd);
	assert_string_equal(read_text(t->path, buf, sizeof(buf)), "keepxyz");
}

/* Pins "-" when stdout is a pipe: a description of its own, so its
 * O_NONBLOCK is as asked and fd 1's stays as the shell left it, either
 * way; and the pipe is the same (what it writes comes out of it). */
static void test_stdout_pipe_own_description(void **state)
{
	static const unsigned int hows[] = {0, NSCAP_OUTPUT_NONBLOCK};
	struct nscap_output out = {-1, NSCAP_OUTPUT_OTHER, true, true};
	char err[NSCAP_ERRBUF] = "", buf[8] = "";
	int p[2], saved, i;

	(void)state;
	fflush(stdout);
	saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	assert_true(saved >= 0);
	for (i = 0; i < 2; i++) {
		bool shell_nb = i == 0; /* the shell's: the other way round */

		assert_int_equal(pipe2(p, O_CLOEXEC), 0);
		assert_int_equal(dup2(p[1], STDOUT_FILENO), STDOUT_FILENO);
		close(p[1]);
		assert_int_equal(fcntl(STDOUT_FILENO, F_SETFL,
				       shell_nb ? O_NONBLOCK : 0),
				 0);
		assert_int_equal(nscap_output_open("-", &out, hows[i], err), 0);
		assert_int_equal(out.kind, NSCAP_OUTPUT_PIPE);
		assert_true(out.own);
		assert_true(out.fd > STDERR_FILENO);
		assert_cloexec(out.fd);
		assert_int_equal(!!(fcntl(out.fd, F_GETFL) & O_NONBLOCK),
				 hows[i] == NSCAP_OUTPUT_NONBLOCK);
		assert_int_equal(!!(fcntl(STDOUT_FILENO, F_GETFL) & O_NONBLOCK),
				 shell_nb);
		assert_int_equal(write(out.fd, "abc", 3), 3);
		assert_int_equal(read(p[0], buf, sizeof(buf) - 1), 3);
		assert_string_equal(buf, "abc");
		close(out.fd);
		close(p[0]);
	}
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

/* Pins a character device: /dev/null is written as it is (kind OTHER). */
static void test_dev_null(void **state)
{
	struct nscap_output out;
	struct stat st;

	(void)state;
	out = open_ok("/dev/null");
	assert_false(out.created);
	assert_int_equal(out.kind, NSCAP_OUTPUT_OTHER);
	assert_int_equal(write(out.fd, "x", 1), 1);
	close(out.fd);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
}

/* Pins nscap_output_kind_of for each kind of fd. */
static void test_kind_of(void **state)
{
	struct tmp *t = *state;
	int p[2], s[2], fd, pty;

	fd = open(at(t, "f"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(nscap_output_kind_of(fd), NSCAP_OUTPUT_FILE);
	close(fd);

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(nscap_output_kind_of(p[1]), NSCAP_OUTPUT_PIPE);
	close(p[0]);
	close(p[1]);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s),
			 0);
	assert_int_equal(nscap_output_kind_of(s[0]), NSCAP_OUTPUT_PIPE);
	close(s[0]);
	close(s[1]);

	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(nscap_output_kind_of(fd), NSCAP_OUTPUT_OTHER);
	close(fd);

	pty = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty >= 0) {
		assert_int_equal(nscap_output_kind_of(pty), NSCAP_OUTPUT_TTY);
		close(pty);
	}

	assert_int_equal(nscap_output_kind_of(-1), NSCAP_OUTPUT_OTHER);
}

/* Which paths name a terminal: a pty's slave does; /dev/null (a character
 * device too), a file, a FIFO and nothing at all do not. */
static void test_names_tty(void **state)
{
	struct tmp *t = *state;
	int pty, fd;

	fd = open(at(t, "f"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_false(nscap_output_names_tty(at(t, "f")));
	assert_int_equal(mkfifo(at(t, "p"), 0600), 0);
	assert_false(nscap_output_names_tty(at(t, "p")));
	assert_false(nscap_output_names_tty(at(t, "none")));
	assert_false(nscap_output_names_tty("/dev/null"));
	pty = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty < 0)
		skip();
	assert_int_equal(grantpt(pty), 0);
	assert_int_equal(unlockpt(pty), 0);
	assert_true(nscap_output_names_tty(ptsname(pty)));
	close(pty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_is_stdout),
		T(test_creates_file),
		T(test_truncates_existing_file),
		T(test_fifo_written_as_it_is),
		T(test_fifo_no_reader),
		T(test_symlink_refused),
		T(test_errors_create_nothing),
		T(test_stdout_is_a_dup),
		T(test_stdout_file_not_truncated),
		T(test_stdout_pipe_own_description),
		T(test_dev_null),
		T(test_kind_of),
		T(test_names_tty),
#undef T
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
