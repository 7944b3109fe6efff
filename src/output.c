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

int nscap_output_open(const char *path, struct nscap_output *out, bool wait,
		      char *err)
{
	int fd, flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW;
	bool created = true;

	out->fd = -1;
	out->created = false;
	if (nscap_output_is_stdout(path)) {
		/* a copy, so that closing the writer leaves fd 1 open */
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return nscap_seterr(err, errno,
					    "cannot use standard output");
		out->fd = fd;
		out->kind = nscap_output_kind_of(fd);
		return 0;
	}
	fd = open(path, flags | O_CREAT | O_EXCL, 0644);
	if (fd < 0 && errno == EEXIST) {
		created = false;
		/* a FIFO with no reader: ENXIO at once, unless asked to wait
		 * (then opening blocks until a reader comes, or a signal) */
		fd = open(path, flags | (wait ? 0 : O_NONBLOCK));
		if (fd >= 0 && !wait &&
		    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
			int e = errno;

			close(fd);
			return nscap_seterr(err, e, "cannot open %s", path);
		}
	}
	if (fd < 0)
		return nscap_seterr(err, errno, "cannot open %s", path);
	out->kind = nscap_output_kind_of(fd);
	/* truncate only what is a regular file: never a device or FIFO */
	if (out->kind == NSCAP_OUTPUT_FILE && !created &&
	    ftruncate(fd, 0) < 0) {
		int e = errno;

		close(fd);
		return nscap_seterr(err, e, "cannot truncate %s", path);
	}
	out->fd = fd;
	out->created = created;
	return 0;
}
