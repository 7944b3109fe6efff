/*
 * Target resolution on the host side. Parsing is pure; opening pins the
 * process with a pidfd so that, from then on, a PID reused by another
 * process can never be mistaken for the target.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nscap/compat.h"
#include "nscap/err.h"
#include "nscap/target.h"

int nscap_target_parse(const char *s, struct nscap_target_spec *spec, char *err)
{
	const char *p;
	long v;
	char *end;

	if (!s || !*s)
		return nscap_seterr(err, 0, "empty target");
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return nscap_seterr(err, 0,
					    "invalid target '%s': expected a "
					    "process ID",
					    s);
	errno = 0;
	v = strtol(s, &end, 10);
	/* pid_max is at most 2^22 on Linux; anything above cannot exist */
	if (errno || v <= 0 || v > INT_MAX)
		return nscap_seterr(err, 0,
				    "invalid target '%s': not a valid process "
				    "ID",
				    s);
	spec->pid = (pid_t)v;
	return 0;
}

/* Read /proc/PID/comm into buf (without the newline). */
static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int nscap_target_open(const struct nscap_target_spec *spec, const char *name,
		      struct nscap_target *t, char *err)
{
	int fd;

	t->name = name;
	t->pid = spec->pid;
	t->pidfd = -1;
	t->comm[0] = '\0';

	fd = nscap_pidfd_open(spec->pid, 0);
	if (fd < 0 && errno != ENOSYS)
		return nscap_seterr(err, errno, "cannot find process %d",
				    (int)spec->pid);
	if (fd < 0) {
		/* no pidfd_open (before 5.3): the PID is all there is */
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d", (int)spec->pid);
		if (access(path, F_OK) < 0)
			return nscap_seterr(err, ESRCH,
					    "cannot find process %d",
					    (int)spec->pid);
	}
	t->pidfd = fd;
	read_comm(spec->pid, t->comm, sizeof(t->comm));
	return 0;
}

void nscap_target_close(struct nscap_target *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
}
