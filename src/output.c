/*
 * Opening the output, in the main thread and so in the host's mount
 * namespace: a relative path lands in the caller's working directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/output.h"

bool nscap_output_is_stdout(const char *path)
{
	return !path || strcmp(path, "-") == 0;
}

void nscap_output_dir_of(const char *path, char *dir, size_t len)
{
	char *slash;

	snprintf(dir, len, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
}

bool nscap_output_names_tty(const char *path)
{
	struct stat st;
	bool tty;
	int fd;

	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode))
		return false;
	fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	tty = isatty(fd);
	close(fd);
	return tty;
}

enum nscap_output_kind nscap_output_kind_of(int fd)
{
	struct stat st;

	if (isatty(fd))
		return NSCAP_OUTPUT_TTY;
	if (fstat(fd, &st) < 0)
		return NSCAP_OUTPUT_OTHER;
	if (S_ISREG(st.st_mode))
		return NSCAP_OUTPUT_FILE;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return NSCAP_OUTPUT_PIPE;
	return NSCAP_OUTPUT_OTHER;
}

/* A description of stdout's pipe of nscap's own, through /proc (the one
 * fd 1 holds is shared with the shell: its flags are not nscap's to
 * change); O_NONBLOCK, so that a pipe whose reader is gone fails the open
 * instead of blocking it. -1 when it cannot be had (a socket). */
static int own_stdout_pipe(void)
{
	int fd = open("/proc/self/fd/1", O_WRONLY | O_CLOEXEC | O_NONBLOCK);
	int high;

	if (fd < 0 || fd > 2)
		return fd;
	/* fd 0 or 2 was closed: keep 0 to 2 for what they are */
	high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return high;
}

int nscap_output_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -errno;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl) < 0 ? -errno : 0;
}

/* Grow a pipe or FIFO to NSCAP_PIPE_BYTES, unless it is larger; where the
 * kernel refuses (a socket, pipe-max-size or the user's pipe pages lower),
 * it stays as it is. */
static void grow_pipe(int fd)
{
	int now = fcntl(fd, F_GETPIPE_SZ);

	if (now >= 0 && now < NSCAP_PIPE_BYTES)
		(void)fcntl(fd, F_SETPIPE_SZ, NSCAP_PIPE_BYTES);
}

int nscap_output_open(const char *path, struct nscap_output *out,
		      unsigned int how, char *err)
{
	int fd, flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW, e;
	bool created = true, own = true;

	out->fd = -1;
	out->created = false;
	out->own = false;
	if (nscap_output_is_stdout(path)) {
		fd = -1;
		if (nscap_output_kind_of(STDOUT_FILENO) == NSCAP_OUTPUT_PIPE)
			fd = own_stdout_pipe();
		if (fd < 0) {
			/* a copy, so that closing the writer leaves fd 1 */
			own = false;
			fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		}
		if (fd < 0)
			return nscap_seterr(err, errno,
					    "cannot use standard output");
		created = false;
	} else {
		fd = open(path, flags | O_CREAT | O_EXCL, 0644);
		if (fd < 0 && errno == EEXIST) {
			created = false;
			/* a FIFO with no reader: ENXIO at once, never a
			 * wait in open(2) */
			fd = open(path, flags | O_NONBLOCK);
		}
		if (fd < 0 && errno == ELOOP) {
			/* O_NOFOLLOW: as root, a planted link is not followed;
			 * /dev/stdout is one too */
			bool std = strncmp(path, "/dev/std", 8) == 0 ||
				   strncmp(path, "/proc/self/fd/", 14) == 0;

			return nscap_seterr(err, ELOOP,
					    "cannot open %s, a symbolic link, "
					    "which nscap does not follow%s",
					    path,
					    std ? " (for standard output: -w -)"
						: "");
		}
		if (fd < 0)
			return nscap_seterr(err, errno, "cannot open %s", path);
	}
	out->kind = nscap_output_kind_of(fd);
	if (out->kind == NSCAP_OUTPUT_PIPE)
		grow_pipe(fd);
	/* a pipe of nscap's own is non-blocking only when asked; anything
	 * else opened here blocks */
	e = 0;
	if (own && (out->kind == NSCAP_OUTPUT_PIPE || !created))
		e = nscap_output_set_nonblock(
			fd, out->kind == NSCAP_OUTPUT_PIPE &&
				    (how & NSCAP_OUTPUT_NONBLOCK));
	/* truncate only what is a regular file: never a device or FIFO, nor
	 * stdout (the shell chose > or >>) */
	if (e == 0 && out->kind == NSCAP_OUTPUT_FILE && !created &&
	    !nscap_output_is_stdout(path) && ftruncate(fd, 0) < 0)
		e = -errno;
	if (e) {
		close(fd);
		return nscap_seterr(err, -e, "cannot open %s",
				    path ? path : "-");
	}
	out->fd = fd;
	out->created = created;
	out->own = own;
	return 0;
}
