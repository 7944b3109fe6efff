/*
 * Target resolution on the host side (see target.h). Parsing is pure.
 * Opening ends in something held for the whole capture: a pidfd for a
 * process, or an open namespace file. A process found through a container
 * ID or name is checked again after pidfd_open (its cgroup still names the
 * container, and the pidfd shows it alive after that read), so a PID reused
 * between the lookup and pidfd_open is refused rather than captured.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "nscap/cgroup.h"
#include "nscap/compat.h"
#include "nscap/err.h"
#include "nscap/privdrop.h"
#include "nscap/procfs.h"
#include "nscap/runtime.h"
#include "nscap/target.h"
#include "nscap/text.h"

#define PROC "/proc"
#define NETNS_DIR "/run/netns"
/* ID prefixes shorter than this match too much to be meant */
#define MIN_ID_PREFIX 4
/* candidates listed in an "ambiguous" message */
#define MAX_CANDIDATES 8

static const char *const runtimes[] = {"docker", "containerd", "cri-o",
				       "podman"};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* How many leading characters of s satisfy ok. */
static size_t span(const char *s, bool (*ok)(char))
{
	size_t n = 0;

	while (s[n] && ok(s[n]))
		n++;
	return n;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A container name as docker, podman and Kubernetes allow them. */
static bool valid_name(const char *s)
{
	size_t i;

	if (!is_alnum(s[0]) || strlen(s) >= NSCAP_TARGET_NAME_LEN)
		return false;
	for (i = 1; s[i]; i++)
		if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' &&
		    s[i] != '-')
			return false;
	return true;
}

/* s (after a prefix) is a PID; whole is what the user wrote. */
static int parse_pid(const char *s, const char *whole,
		     struct nscap_target_spec *spec, char *err)
{
	char *end;
	long v;

	if (!*s || span(s, is_digit) != strlen(s))
		return nscap_seterr(err, 0,
				    "invalid target '%s': expected a "
				    "process ID",
				    whole);
	errno = 0;
	v = strtol(s, &end, 10);
	/* pid_max is at most 2^22 on Linux; anything above cannot exist */
	if (errno || v <= 0 || v > INT_MAX)
		return nscap_seterr(err, 0,
				    "invalid target '%s': not a valid process "
				    "ID",
				    whole);
	memset(spec, 0, sizeof(*spec));
	spec->kind = NSCAP_TARGET_PID;
	spec->pid = (pid_t)v;
	return 0;
}

/* RUNTIME://ID */
static int parse_runtime(const char *s, const char *sep,
			 struct nscap_target_spec *spec, char *err)
{
	const char *id = sep + 3;
	size_t i, n = (size_t)(sep - s), hex;

	for (i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++)
		if (strlen(runtimes[i]) == n && memcmp(s, runtimes[i], n) == 0)
			break;
	if (i == sizeof(runtimes) / sizeof(runtimes[0]))
		return nscap_seterr(
			err, 0,
			"invalid target '%s': unknown runtime "
			"'%.*s' (docker, containerd, cri-o, podman)",
			s, (int)n, s);
	hex = span(id, is_lower_hex);
	if (hex != strlen(id) || hex < MIN_ID_PREFIX ||
	    hex > NSCAP_CONTAINER_ID_LEN)
		return nscap_seterr(err, 0,
				    "invalid target '%s': a container ID is %d "
				    "to %d lowercase hex digits",
				    s, MIN_ID_PREFIX, NSCAP_CONTAINER_ID_LEN);
	memset(spec, 0, sizeof(*spec));
	spec->kind = NSCAP_TARGET_ID;
	spec->arg = id;
	spec->runtime = runtimes[i];
	return 0;
}

int nscap_target_parse(const char *s, struct nscap_target_spec *spec, char *err)
{
	const char *sep;
	size_t len, hex;

	if (!s || !*s)
		return nscap_seterr(err, 0, "empty target");
	len = strlen(s);
	if (span(s, is_digit) == len)
		return parse_pid(s, s, spec, err);
	if (starts(s, "pid:"))
		return parse_pid(s + 4, s, spec, err);
	if (s[0] == '/' || starts(s, "./") || starts(s, "../")) {
		if (len >= PATH_MAX)
			return nscap_seterr(err, 0,
					    "invalid target '%.64s...': path "
					    "too long",
					    s);
		memset(spec, 0, sizeof(*spec));
		spec->kind = NSCAP_TARGET_PATH;
		spec->arg = s;
		return 0;
	}
	if (starts(s, "netns:")) {
		const char *n = s + 6;

		if (!*n || strchr(n, '/') || strcmp(n, ".") == 0 ||
		    strcmp(n, "..") == 0 || strlen(n) > NAME_MAX)
			return nscap_seterr(err, 0,
					    "invalid target '%s': expected "
					    "netns:NAME, NAME as `ip netns` "
					    "lists it",
					    s);
		memset(spec, 0, sizeof(*spec));
		spec->kind = NSCAP_TARGET_NETNS;
		spec->arg = n;
		return 0;
	}
	if (starts(s, "name:")) {
		if (!valid_name(s + 5))
			return nscap_seterr(err, 0,
					    "invalid target '%s': not a "
					    "container name",
					    s);
		memset(spec, 0, sizeof(*spec));
		spec->kind = NSCAP_TARGET_NAME;
		spec->arg = s + 5;
		return 0;
	}
	sep = strstr(s, "://");
	if (sep)
		return parse_runtime(s, sep, spec, err);

	/* fewer hex digits than a prefix needs ("db", "fe"): a name */
	hex = span(s, is_lower_hex);
	if (hex == len && len >= MIN_ID_PREFIX) {
		if (len > NSCAP_CONTAINER_ID_LEN)
			return nscap_seterr(err, 0,
					    "invalid target '%s': longer than "
					    "a container ID (%d hex digits)",
					    s, NSCAP_CONTAINER_ID_LEN);
		memset(spec, 0, sizeof(*spec));
		spec->kind = NSCAP_TARGET_ID;
		spec->arg = s;
		spec->maybe_name = valid_name(s);
		return 0;
	}
	/* "run/netns/blue" (cd / first): meant as a path, which is one only
	 * from its start; no container name holds a '/' */
	if (strchr(s, '/'))
		return nscap_seterr(err, 0,
				    "invalid target '%s': a namespace file "
				    "path must start with /, ./ or ../",
				    s);
	/* and "1web", which no PID or ID is, names a container too (docker
	 * and podman names may start with a digit) */
	if (!valid_name(s))
		return nscap_seterr(err, 0,
				    "invalid target '%s': expected a PID, "
				    "pid:N, a namespace file path, netns:NAME, "
				    "RUNTIME://ID, a container ID prefix or a "
				    "container name",
				    s);
	memset(spec, 0, sizeof(*spec));
	spec->kind = NSCAP_TARGET_NAME;
	spec->arg = s;
	return 0;
}

/* Read /proc/PID/comm into buf (without the newline). */
void nscap_target_read_comm(const char *proc, pid_t pid, char *buf, size_t len)
{
	char path[128];
	size_t n;

	snprintf(path, sizeof(path), "%s/%d/comm", proc, (int)pid);
	(void)nscap_proc_read(path, buf, len);
	/* the kernel's newline after it; one in the name is the name's */
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	/* a process names itself: no control byte reaches a terminal, a
	 * message or a file */
	nscap_text_tame_all(buf);
}

static void reset(struct nscap_target *t, const char *name)
{
	t->name = name;
	t->kind = NSCAP_TARGET_PID;
	t->pid = 0;
	t->pidfd = -1;
	t->start = 0;
	t->nsfd = -1;
	t->comm[0] = '\0';
	t->container_id[0] = '\0';
	t->container_name[0] = '\0';
	t->runtime[0] = '\0';
}

static void set_runtime(struct nscap_target *t, const char *rt)
{
	if (rt && *rt && !t->runtime[0])
		snprintf(t->runtime, sizeof(t->runtime), "%s", rt);
}

/* The process (thread group) thread tid belongs to, from its status;
 * 0 if unknown. */
static pid_t thread_group(pid_t tid)
{
	char path[64], buf[4096];
	const char *line;

	snprintf(path, sizeof(path), PROC "/%d/status", (int)tid);
	if (nscap_proc_read(path, buf, sizeof(buf)))
		return 0;
	/* never the first line (Name: is) */
	line = strstr(buf, "\nTgid:");
	return line ? (pid_t)strtol(line + 6, NULL, 10) : 0;
}

/* A process given by its PID. */
static int open_pid(pid_t pid, struct nscap_target *t, char *err)
{
	char id[NSCAP_CONTAINER_ID_LEN + 1];
	const char *rt = "";
	pid_t tgid;
	int fd, e;

	fd = nscap_pidfd_open(pid, 0);
	e = fd < 0 ? errno : 0;
	/* a thread's ID (pidfd_open takes only a process's: ENOENT here,
	 * EINVAL on older kernels): the thread's own network namespace, as
	 * nsenter -t takes it (a thread may have entered another one). A
	 * thread's pidfd (Linux 6.9) enters the thread's namespace and says
	 * when the thread ends; before, its PID is all there is */
	if ((e == ENOENT || e == EINVAL) && (tgid = thread_group(pid)) > 0 &&
	    tgid != pid) {
		fd = nscap_pidfd_open(pid, NSCAP_PIDFD_THREAD);
		e = fd >= 0 ? 0 : errno == EINVAL ? ENOSYS : errno;
	}
	/* a thread gone meanwhile (no status to read any more) */
	if (e == ENOENT)
		e = ESRCH;
	if (e && e != ENOSYS)
		return nscap_seterr(err, e,
				    e == ESRCH ? "cannot find process %d"
					       : "cannot open process %d",
				    (int)pid);
	if (fd < 0) {
		/* no pidfd_open (before 5.3): the PID is all there is */
		char path[64];

		snprintf(path, sizeof(path), PROC "/%d", (int)pid);
		if (access(path, F_OK) < 0)
			return nscap_seterr(err, ESRCH,
					    "cannot find process %d", (int)pid);
		t->start = nscap_target_start_time(PROC, pid);
	}
	t->pid = pid;
	t->pidfd = fd;
	nscap_target_read_comm(PROC, pid, t->comm, sizeof(t->comm));
	/* for the record (pcapng): the container it is in, if any */
	if (nscap_cgroup_read(PROC, pid, id, &rt) == 1) {
		memcpy(t->container_id, id, sizeof(id));
		set_runtime(t, rt);
	}
	return 0;
}

static const char *nstype_name(int type)
{
	switch (type) {
	case CLONE_NEWNS:
		return "a mount namespace";
	case CLONE_NEWUTS:
		return "a UTS namespace";
	case CLONE_NEWIPC:
		return "an IPC namespace";
	case CLONE_NEWUSER:
		return "a user namespace";
	case CLONE_NEWPID:
		return "a PID namespace";
	case CLONE_NEWCGROUP:
		return "a cgroup namespace";
	case CLONE_NEWTIME:
		return "a time namespace";
	default:
		return "another kind of namespace";
	}
}

/*
 * Open a namespace file: O_PATH first, so that nothing but a namespace
 * (never a device or a FIFO) is ever opened for reading; then reopen it
 * through /proc/self/fd and check it is a network namespace.
 */
static int open_nsfile(const char *path, struct nscap_target *t, char *err)
{
	struct stat st, st2;
	struct statfs sfs;
	char self[64];
	int pfd, fd = -1, type, ret;

	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return nscap_seterr(err, errno, "cannot open %s", path);
	if (fstatfs(pfd, &sfs) < 0 || fstat(pfd, &st) < 0) {
		ret = nscap_seterr(err, errno, "cannot open %s", path);
		goto out;
	}
	if (sfs.f_type != NSFS_MAGIC) {
		ret = nscap_seterr(err, 0, "%s is not a network namespace",
				   path);
		goto out;
	}
	snprintf(self, sizeof(self), PROC "/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = nscap_seterr(err, errno, "cannot open %s", path);
		goto out;
	}
	if (fstat(fd, &st2) < 0 || st2.st_ino != st.st_ino ||
	    st2.st_dev != st.st_dev) {
		ret = nscap_seterr(err, EAGAIN, "cannot open %s", path);
		goto out;
	}
	/* NS_GET_NSTYPE: 4.11+; before, setns() refuses a wrong type */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type >= 0 && type != CLONE_NEWNET) {
		ret = nscap_seterr(err, 0,
				   "%s is not a network namespace (it is %s)",
				   path, nstype_name(type));
		goto out;
	}
	t->nsfd = fd;
	fd = -1;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	close(pfd);
	return ret;
}

/* The file of ip netns name name in path (len bytes); false if it does not
 * fit. */
static bool netns_path(const char *name, char *path, size_t len)
{
	return snprintf(path, len, NETNS_DIR "/%s", name) < (int)len;
}

static int open_netns(const char *name, struct nscap_target *t, char *err)
{
	char path[sizeof(NETNS_DIR) + NAME_MAX + 1];
	struct stat st;

	(void)netns_path(name, path, sizeof(path));
	if (stat(path, &st) < 0 && errno == ENOENT) {
		nscap_seterr(err, 0, "no network namespace named '%s' (no %s)",
			     name, path);
		return -ENOENT;
	}
	return open_nsfile(path, t, err);
}

/*
 * Pin pid and check that it still is in container id: pidfd first, then its
 * cgroup, then the pidfd once more (the PID could not have been reused while
 * the pidfd's process lived). Where the cgroup layout names no container,
 * cli (if any) is asked again whether pid still is the container's, and
 * must answer as before: the same ID, through the same user's CLI (user:
 * the sudo user's, or NSCAP_RUNTIME_ROOT).
 */
static int open_checked(pid_t pid, const char *id, const char *cli, uid_t user,
			struct nscap_target *t, char *err)
{
	char got[NSCAP_CONTAINER_ID_LEN + 1];
	const char *rt = "";
	int fd, in;

	fd = nscap_pidfd_open(pid, 0);
	if (fd < 0 && errno != ENOSYS && errno != ESRCH)
		return nscap_seterr(err, errno,
				    "cannot open process %d of container "
				    "%.12s",
				    (int)pid, id);
	in = fd < 0 && errno == ESRCH ? -ESRCH
				      : nscap_cgroup_read(PROC, pid, got, &rt);
	if (in == 1 && strcmp(got, id) == 0) {
		set_runtime(t, rt);
	} else if (in == 0 && cli) {
		const char *const clis[] = {cli, NULL};
		struct nscap_runtime_hit hit;
		char tried[64];

		/* the same container, from the same CLI's owner (root's
		 * or the sudo user's), at the same PID */
		if (nscap_runtime_lookup(id, true, clis, &hit, 1, tried,
					 sizeof(tried)) != 1 ||
		    hit.pid != pid || hit.user != user ||
		    strcmp(hit.id, id) != 0)
			in = -ESRCH;
	} else {
		in = -ESRCH;
	}
	/* still alive after the read: the PID was not reused meanwhile */
	if (in >= 0 && fd >= 0 && nscap_pidfd_send_signal(fd, 0) < 0 &&
	    errno == ESRCH)
		in = -ESRCH;
	if (in < 0) {
		if (fd >= 0)
			close(fd);
		return nscap_seterr(err, ESRCH,
				    "process %d of container %.12s exited "
				    "during the lookup",
				    (int)pid, id);
	}
	t->pid = pid;
	t->pidfd = fd;
	if (fd < 0)
		t->start = nscap_target_start_time(PROC, pid);
	memcpy(t->container_id, id, NSCAP_CONTAINER_ID_LEN + 1);
	nscap_target_read_comm(PROC, pid, t->comm, sizeof(t->comm));
	return 0;
}

/* Digits needed to tell the IDs apart, at least the usual 12. */
static int distinct_len(char (*ids)[NSCAP_CONTAINER_ID_LEN + 1], size_t n)
{
	size_t i, j, k, len = NSCAP_CONTAINER_SHORT_LEN;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			for (k = 0; ids[i][k] && ids[i][k] == ids[j][k]; k++)
				;
			if (k + 1 > len)
				len = k + 1;
		}
	return (int)(len > NSCAP_CONTAINER_ID_LEN ? NSCAP_CONTAINER_ID_LEN
						  : len);
}

static size_t at_most(size_t n, size_t max)
{
	return n < max ? n : max;
}

static int ambiguous_ids(const char *what, const struct nscap_cgroup_proc *v,
			 size_t n, char (*ids)[NSCAP_CONTAINER_ID_LEN + 1],
			 size_t nids, char *err)
{
	size_t shown = at_most(nids, MAX_CANDIDATES);
	int w = distinct_len(ids, shown), len;
	size_t i, j;

	len = snprintf(err, NSCAP_ERRBUF,
		       "container ID prefix '%s' is ambiguous:", what);
	for (i = 0; i < shown && len > 0 && len < NSCAP_ERRBUF; i++) {
		const char *rt = "";

		for (j = 0; j < n; j++)
			if (strcmp(v[j].id, ids[i]) == 0)
				rt = v[j].runtime;
		len += snprintf(err + len, NSCAP_ERRBUF - (size_t)len,
				"%s %.*s%s%s%s", i ? "," : "", w, ids[i],
				*rt ? " (" : "", rt, *rt ? ")" : "");
	}
	if (nids > shown && len > 0 && len < NSCAP_ERRBUF)
		snprintf(err + len, NSCAP_ERRBUF - (size_t)len, " and %zu more",
			 nids - shown);
	return -ENOTUNIQ;
}

/*
 * The container whose ID starts with prefix, from the cgroups: 1 (opened),
 * 0 (no container has it), or a negative errno. runtime (RUNTIME://ID), if
 * not NULL: only a container whose cgroup names that runtime, or none.
 */
static int open_by_cgroup(const char *prefix, const char *runtime,
			  struct nscap_target *t, char *err)
{
	char ids[MAX_CANDIDATES][NSCAP_CONTAINER_ID_LEN + 1];
	struct nscap_cgroup_proc *v = NULL;
	size_t n = 0, nids, i, kept = 0;
	long init;
	int ret;

	ret = nscap_cgroup_scan(PROC, prefix, &v, &n, err);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		if (!runtime || !v[i].runtime[0] ||
		    strcmp(v[i].runtime, runtime) == 0)
			v[kept++] = v[i];
	n = kept;
	nids = nscap_cgroup_distinct(v, n, ids, MAX_CANDIDATES);
	if (nids > 1) {
		ret = ambiguous_ids(prefix, v, n, ids, nids, err);
	} else if (nids == 1) {
		init = nscap_cgroup_pick_init(v, n, ids[0]);
		ret = open_checked(v[init].pid, ids[0], NULL,
				   NSCAP_RUNTIME_ROOT, t, err);
		if (ret == 0)
			ret = 1;
	}
	free(v);
	return ret;
}

/* Short forms of the hits, for an "ambiguous" message. */
static int ambiguous_hits(const char *what,
			  const struct nscap_runtime_hit *hits, size_t n,
			  size_t total, char *err)
{
	char ids[MAX_CANDIDATES][NSCAP_CONTAINER_ID_LEN + 1];
	size_t i, shown = at_most(n, MAX_CANDIDATES);
	int w, len;

	for (i = 0; i < shown; i++)
		memcpy(ids[i], hits[i].id, sizeof(ids[i]));
	w = distinct_len(ids, shown);
	len = snprintf(err, NSCAP_ERRBUF,
		       "container name '%s' is ambiguous:", what);
	for (i = 0; i < shown && len > 0 && len < NSCAP_ERRBUF; i++)
		len += snprintf(err + len, NSCAP_ERRBUF - (size_t)len,
				"%s %s %.*s", i ? "," : "", hits[i].cli, w,
				hits[i].id);
	if (total > shown && len > 0 && len < NSCAP_ERRBUF)
		snprintf(err + len, NSCAP_ERRBUF - (size_t)len, " and %zu more",
			 total - shown);
	return -ENOTUNIQ;
}

/* Whether pid's network namespace belongs to a user namespace of uid's:
 * its owner, or an ancestor of its owner (a container nested in theirs).
 * Not pid's own user namespace: `unshare -U` leaves the host's network. */
static bool netns_of_user(pid_t pid, uid_t uid)
{
	char path[64];
	bool ok = false;
	int fd, up, depth;
	uid_t owner;

	snprintf(path, sizeof(path), PROC "/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	up = ioctl(fd, NS_GET_USERNS);
	close(fd);
	/* user namespaces nest 32 deep; the initial one has no parent */
	for (fd = up, depth = 0; fd >= 0 && depth <= 33; depth++) {
		if (ioctl(fd, NS_GET_OWNER_UID, &owner) == 0 && owner == uid) {
			ok = true;
			break;
		}
		up = ioctl(fd, NS_GET_PARENT);
		close(fd);
		fd = up;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * Ask the runtime CLIs (clis; NULL: all) about what, a name or (by_id) an
 * ID, and open the one container they report. Returns 1 (opened), 0 (none
 * knows it; tried set), or a negative errno with err set.
 */
static int open_by_cli(const char *what, bool by_id, const char *const *clis,
		       struct nscap_target *t, char *tried, size_t triedlen,
		       char *err)
{
	struct nscap_runtime_hit hits[MAX_CANDIDATES];
	int n, ret;

	n = nscap_runtime_lookup(what, by_id, clis, hits, MAX_CANDIDATES, tried,
				 triedlen);
	if (n <= 0)
		return n;
	if (n > 1)
		return ambiguous_hits(what, hits, (size_t)n, (size_t)n, err);
	set_runtime(t, nscap_runtime_of_cli(hits[0].cli));
	/* the kernel's answer first: the init process of that ID */
	ret = open_by_cgroup(hits[0].id, NULL, t, err);
	if (ret < 0)
		return ret;
	if (ret == 0 && hits[0].pid <= 0)
		return nscap_seterr(err, ESRCH,
				    "container '%s' (%s %.12s) is not running",
				    what, hits[0].cli, hits[0].id);
	/* a cgroup layout nscap does not know: the runtime's PID, asked
	 * again after pidfd_open */
	if (ret == 0) {
		ret = open_checked(hits[0].pid, hits[0].id, hits[0].cli,
				   hits[0].user, t, err);
		if (ret)
			return ret;
	}
	/* the sudo user's CLI: its database is theirs, and may name any ID
	 * or process; their container's network is theirs. Checked while
	 * the pidfd holds the process, which must still live after */
	if (hits[0].user == NSCAP_RUNTIME_ROOT)
		return 1;
	if (!netns_of_user(t->pid, hits[0].user))
		ret = nscap_seterr(err, EPERM,
				   "container '%s' (%s %.12s, of user %u): "
				   "the network namespace of its process %d "
				   "is not that user's",
				   what, hits[0].cli, hits[0].id,
				   (unsigned)hits[0].user, (int)t->pid);
	if (t->pidfd >= 0 && nscap_pidfd_send_signal(t->pidfd, 0) < 0)
		ret = nscap_seterr(err, ESRCH,
				   "process %d of container %.12s exited "
				   "during the lookup",
				   (int)t->pid, hits[0].id);
	/* Left: nscap enters the namespace later, through the pidfd; the
	 * process could move meanwhile, but only to a namespace its user
	 * could enter, theirs */
	return ret ? ret : 1;
}

/* "podman, docker, nerdctl, crictl": the CLIs of clis (NULL-terminated) */
static void cli_list(const char *const *clis, char *buf, size_t len)
{
	const char *const *c;
	size_t used = 0;

	buf[0] = '\0';
	for (c = clis; c && *c && used < len; c++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", *c);
}

/*
 * No container has the name what: the names that hold it between
 * separators (a compose service's PROJECT-web-1 for web), from one `ps`
 * per CLI, so that the user sees what to type. Stopped containers too:
 * taking one then says it is not running.
 */
static void similar_names_hint(const char *what, char *err)
{
	struct nscap_runtime_name *v = NULL;
	size_t n = 0, i, j, shown = 0, total = 0;

	if (nscap_runtime_names(&v, &n))
		return;
	for (i = 0; i < n; i++) {
		if (!nscap_runtime_name_like(v[i].name, what))
			continue;
		/* podman-docker's docker is podman: each name once */
		for (j = 0; j < i; j++)
			if (strcmp(v[j].name, v[i].name) == 0)
				break;
		if (j < i)
			continue;
		if (shown < 5)
			nscap_err_add(err, "%s%s",
				      shown++ ? ", "
					      : "; containers named like it: ",
				      v[i].name);
		total++;
	}
	if (total > shown)
		nscap_err_add(err, " and %zu more", total - shown);
	free(v);
}

/*
 * No container has the name: a file of that name here, or an ip netns
 * namespace, is what the user may have meant (a path starts with /, ./ or
 * ../; netns: names the other). access(2) asks as the real user: a
 * set-user-ID run tells nothing of files that user cannot see.
 */
static void file_hint(const char *name, char *err)
{
	char path[PATH_MAX];

	if (access(name, F_OK) == 0)
		nscap_err_add(err, "; for the file, -t ./%s", name);
	if (!strchr(name, '/') && netns_path(name, path, sizeof(path)) &&
	    access(path, F_OK) == 0)
		nscap_err_add(err, "; for the ip netns namespace, -t netns:%s",
			      name);
}

static int open_name(const char *name, struct nscap_target *t, char *err)
{
	char tried[256];
	int ret;

	ret = open_by_cli(name, false, NULL, t, tried, sizeof(tried), err);
	if (ret == -ENOENT) {
		char all[64];

		cli_list(nscap_runtime_clis, all, sizeof(all));
		nscap_seterr(err, 0,
			     "no container runtime CLI found (%s) to look up "
			     "container '%s'",
			     all, name);
		file_hint(name, err);
		return -ENOENT;
	}
	if (ret == 0) {
		/* a user who forgot sudo: a runtime CLI answers a user with
		 * that user's containers (rootless podman) or not at all */
		nscap_seterr(err, 0, "no container named '%s' (tried: %s)%s",
			     name, tried,
			     nscap_privdrop_capable()
				     ? ""
				     : "; as this user, who may not see "
				       "root's containers (nscap needs root)");
		similar_names_hint(name, err);
		file_hint(name, err);
		return -ENOENT;
	}
	if (ret < 0)
		return ret;
	snprintf(t->container_name, sizeof(t->container_name), "%s", name);
	return 0;
}

/* RUNTIME://ID found none of that runtime's: where a process of another
 * runtime's container has the ID in its cgroup path, say how to take it
 * (a podman container asked for as docker://). */
static void other_runtime_hint(const char *id, const char *runtime, char *err)
{
	struct nscap_cgroup_proc *v = NULL;
	size_t n = 0;
	char ignored[NSCAP_ERRBUF];

	if (nscap_cgroup_scan(PROC, id, &v, &n, ignored) == 0)
		for (size_t i = 0; i < n; i++)
			if (v[i].runtime[0] &&
			    strcmp(v[i].runtime, runtime) != 0) {
				nscap_err_add(err,
					      "; a %s container's ID starts "
					      "with %s: take it with %s://%s",
					      v[i].runtime, id, v[i].runtime,
					      id);
				break;
			}
	free(v);
}

static int open_id(const struct nscap_target_spec *spec, struct nscap_target *t,
		   char *err)
{
	char tried[256];
	int ret;

	if (spec->runtime)
		set_runtime(t, spec->runtime);
	ret = open_by_cgroup(spec->arg, spec->runtime, t, err);
	if (ret)
		return ret < 0 ? ret : 0;
	/* no running process has it in its cgroup path: perhaps a name, a
	 * stopped container, or a cgroup layout nscap does not know */
	if (spec->runtime) {
		ret = open_by_cli(spec->arg, true,
				  nscap_runtime_clis_for(spec->runtime), t,
				  tried, sizeof(tried), err);
	} else if (spec->maybe_name) {
		/* an ID prefix first (a CLI asked by ID takes a name too),
		 * then a name (crictl looks names up apart); a lookup by name
		 * alone refuses a container found by its ID */
		ret = open_by_cli(spec->arg, true, NULL, t, tried,
				  sizeof(tried), err);
		if (ret == 0)
			ret = open_by_cli(spec->arg, false, NULL, t, tried,
					  sizeof(tried), err);
		if (ret > 0 &&
		    strncmp(t->container_id, spec->arg, strlen(spec->arg)) != 0)
			snprintf(t->container_name, sizeof(t->container_name),
				 "%s", spec->arg);
	} else {
		ret = 0;
		tried[0] = '\0';
	}
	if (ret > 0)
		return 0;
	if (ret < 0 && ret != -ENOENT)
		return ret;
	if (ret == 0 && tried[0]) {
		nscap_seterr(err, 0,
			     "no running container with ID %s'%s' (searched "
			     "the cgroups of every process; tried: %s)",
			     spec->maybe_name ? "prefix or name " : "",
			     spec->arg, tried);
		if (spec->maybe_name)
			similar_names_hint(spec->arg, err);
	} else if (spec->runtime) {
		/* processes of other runtimes' containers may have it */
		cli_list(nscap_runtime_clis_for(spec->runtime), tried,
			 sizeof(tried));
		nscap_seterr(err, 0,
			     "no running %s container with ID '%s' (no "
			     "process of %s's has it in its cgroup path; not "
			     "installed: %s)",
			     spec->runtime, spec->arg, spec->runtime, tried);
	} else
		nscap_seterr(err, 0,
			     "no running container with ID %s'%s' (no "
			     "process has it in its cgroup path)",
			     spec->maybe_name ? "prefix " : "", spec->arg);
	if (spec->runtime)
		other_runtime_hint(spec->arg, spec->runtime, err);
	return -ENOENT;
}

/*
 * A bare number is a PID, before an ID prefix (README). Where no process
 * has it and a container's ID starts with it (4 or more digits: some 15%
 * of IDs begin so), the error says how to take the container.
 */
static void pid_or_id_hint(const char *name, char *err)
{
	struct nscap_cgroup_proc *v = NULL;
	size_t n = 0, len = strlen(name);
	char ignored[NSCAP_ERRBUF];

	if (len < 4 || len > NSCAP_CONTAINER_ID_LEN ||
	    span(name, is_digit) != len ||
	    nscap_cgroup_scan(PROC, name, &v, &n, ignored) || n == 0) {
		free(v);
		return;
	}
	nscap_err_add(err,
		      "; a container's ID starts with %s: take it with %s://%s",
		      name, v[0].runtime[0] ? v[0].runtime : "RUNTIME", name);
	free(v);
}

int nscap_target_open(const struct nscap_target_spec *spec, const char *name,
		      struct nscap_target *t, char *err)
{
	int ret;

	reset(t, name);
	t->kind = spec->kind;
	switch (spec->kind) {
	case NSCAP_TARGET_PID:
		ret = open_pid(spec->pid, t, err);
		if (ret == -ESRCH && name)
			pid_or_id_hint(name, err);
		break;
	case NSCAP_TARGET_PATH:
		ret = open_nsfile(spec->arg, t, err);
		break;
	case NSCAP_TARGET_NETNS:
		ret = open_netns(spec->arg, t, err);
		break;
	case NSCAP_TARGET_ID:
		ret = open_id(spec, t, err);
		break;
	case NSCAP_TARGET_NAME:
		ret = open_name(spec->arg, t, err);
		break;
	default:
		ret = nscap_seterr(err, 0, "invalid target '%s'",
				   name ? name : "");
		break;
	}
	if (ret) {
		nscap_target_close(t);
		reset(t, name);
		t->kind = spec->kind;
	}
	return ret;
}

int nscap_target_resolve(const char *s, struct nscap_target *t, char *err)
{
	struct nscap_target_spec spec = {0};
	int ret;

	ret = nscap_target_parse(s, &spec, err);
	if (ret) {
		/* all digits that no PID can be (0, or past INT_MAX: a
		 * 12-digit short ID): a container's ID may still start with
		 * them, as for a PID that no process has */
		if (s && *s && span(s, is_digit) == strlen(s))
			pid_or_id_hint(s, err);
		reset(t, s);
		return ret;
	}
	return nscap_target_open(&spec, s, t, err);
}

void nscap_target_ns_source(const struct nscap_target *t,
			    struct nscap_ns_source *src)
{
	src->nsfd = t->nsfd;
	src->pid = t->pid;
	src->pidfd = t->pidfd;
	/* a process is named by its pid; a namespace file as written */
	src->name = t->nsfd >= 0 ? t->name : NULL;
}

static bool dead(char state)
{
	return state == 'Z' || state == 'X';
}

/* The state letter of PATH (a /proc stat file): 'X' when there is none;
 * and, if start is not NULL, its starttime (0 when not known). */
static char stat_state(const char *path, unsigned long long *start)
{
	const char *close_paren, *p;
	char buf[1024];
	int field;

	if (start)
		*start = 0;
	if (nscap_proc_read(path, buf, sizeof(buf)) || !buf[0])
		return 'X';
	/* "PID (COMM) S ...": COMM may hold spaces and parentheses */
	close_paren = strrchr(buf, ')');
	if (!close_paren || close_paren[1] != ' ')
		return '?';
	/* the state is field 3, starttime field 22 (proc(5)) */
	for (p = close_paren + 2, field = 3; start && *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (start && field == 22)
		*start = strtoull(p, NULL, 10);
	return close_paren[2];
}

unsigned long long nscap_target_start_time(const char *proc, pid_t pid)
{
	char path[PATH_MAX];
	unsigned long long start;

	snprintf(path, sizeof(path), "%s/%d/stat", proc, (int)pid);
	return dead(stat_state(path, &start)) ? 0 : start;
}

bool nscap_target_exited(const char *proc, pid_t pid, unsigned long long start)
{
	char path[PATH_MAX];
	unsigned long long now;
	struct dirent *de;
	bool alive = false;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%d/stat", proc, (int)pid);
	if (!dead(stat_state(path, &now)))
		/* another process with the PID: the target exited */
		return start && now && now != start;
	/* a leader that ended with pthread_exit is a zombie while its other
	 * threads run: the process has exited when every thread has */
	snprintf(path, sizeof(path), "%s/%d/task", proc, (int)pid);
	d = opendir(path);
	if (!d)
		return true;
	while (!alive && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%d/task/%s/stat", proc,
			 (int)pid, de->d_name);
		alive = !dead(stat_state(path, NULL));
	}
	closedir(d);
	return !alive;
}

const char *nscap_target_describe(const struct nscap_target *t, char *buf,
				  size_t len)
{
	const char *name = t->name ? t->name : "";

	if (t->nsfd >= 0)
		snprintf(buf, len, "%s", name);
	else if (t->kind == NSCAP_TARGET_PID && t->container_id[0])
		snprintf(buf, len, "pid %d (%s) in container %s%s%.12s",
			 (int)t->pid, t->comm, t->runtime,
			 t->runtime[0] ? " " : "", t->container_id);
	else if (t->container_id[0] && t->container_name[0])
		snprintf(buf, len, "container %s (%s%s%.12s, pid %d %s)",
			 t->container_name, t->runtime,
			 t->runtime[0] ? " " : "", t->container_id, (int)t->pid,
			 t->comm);
	else if (t->container_id[0])
		snprintf(buf, len, "container %.12s (%s%spid %d %s)",
			 t->container_id, t->runtime, t->runtime[0] ? ", " : "",
			 (int)t->pid, t->comm);
	else
		snprintf(buf, len, "pid %d (%s)", (int)t->pid, t->comm);
	return buf;
}

void nscap_target_close(struct nscap_target *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->nsfd >= 0)
		close(t->nsfd);
	t->pidfd = -1;
	t->nsfd = -1;
}
