/* Small /proc files, read whole (see include/nscap/procfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "nscap/procfs.h"

int nscap_proc_read(const char *path, char *buf, size_t len)
{
	size_t used = 0;
	int fd, ret = 0;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : errno ? -errno : -EIO;
	while (used + 1 < len) {
		ssize_t r = read(fd, buf + used, len - 1 - used);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			break;
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	close(fd);
	buf[used] = '\0';
	return ret;
}
