/*
 * Container IDs from /proc/PID/cgroup (see cgroup.h). Each runtime names a
 * container's cgroup after its ID, in its own pattern and differently for
 * the cgroupfs and systemd drivers; the parser walks a path from its
 * innermost directory outwards, so that a process in a sub-cgroup of a
 * container (podman's libpod-ID.scope/container, systemd inside a
 * container) and a container nested in another (kind: /docker/NODE/
 * kubepods/.../ID) both resolve to the innermost container.
 *
 * Monitors are not containers: conmon (podman, CRI-O) sits in
 * libpod-conmon-ID.scope, crio-conmon-ID.scope or /libpod_parent/conmon,
 * and containerd's shims stay in containerd's own cgroup. They do not share
 * the container's network namespace, so they must never be picked.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nscap/cgroup.h"
#include "nscap/err.h"
#include "nscap/procfs.h"
#include "nscap/text.h"

/* Directory name PREFIX<ID>[.scope] for each runtime's cgroup. */
static const struct {
	const char *prefix;
	const char *runtime;
} prefixed[] = {
	{"docker-", "docker"},		   /* docker, systemd driver */
	{"cri-containerd-", "containerd"}, /* CRI containerd, systemd */
	{"nerdctl-", "containerd"},	   /* nerdctl, systemd driver */
	{"crio-", "cri-o"},		   /* CRI-O, both drivers */
	{"libpod-", "podman"},		   /* podman, both drivers */
};

/* The systemd driver's "SLICE:PREFIX:ID" written as one directory name. */
static const struct {
	const char *prefix;
	const char *runtime;
} colon_prefixed[] = {
	{"docker", "docker"},	   {"cri-containerd", "containerd"},
	{"nerdctl", "containerd"}, {"crio", "cri-o"},
	{"libpod", "podman"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool is_hex64(const char *s, size_t n)
{
	size_t i;

	if (n != NSCAP_CONTAINER_ID_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool equals(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

static bool starts(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	return n >= w && memcmp(s, word, w) == 0;
}

/* s[0..n) is exactly 64 hex digits, optionally followed by ".scope". */
static bool hex64_scope(const char *s, size_t n)
{
	if (n == NSCAP_CONTAINER_ID_LEN + 6 && memcmp(s + 64, ".scope", 6) == 0)
		n = NSCAP_CONTAINER_ID_LEN;
	return is_hex64(s, n);
}

static void set_id(char id[NSCAP_CONTAINER_ID_LEN + 1], const char *s)
{
	memcpy(id, s, NSCAP_CONTAINER_ID_LEN);
	id[NSCAP_CONTAINER_ID_LEN] = '\0';
}

/*
 * Does directory c[0..n) name a container? p[0..pn) is its parent (pn 0 at
 * the root), deepest says it is the innermost directory, kube that a
 * kubepods directory is above it. Returns true with id and *rt set.
 */
static bool classify(const char *c, size_t n, const char *p, size_t pn,
		     bool deepest, bool kube, char *id, const char **rt)
{
	const char *colon;
	size_t i;

	/* monitors: never a container, whatever follows the prefix */
	if (starts(c, n, "crio-conmon-") || starts(c, n, "libpod-conmon-"))
		return false;
	for (i = 0; i < NELEM(prefixed); i++) {
		size_t k = strlen(prefixed[i].prefix);

		if (starts(c, n, prefixed[i].prefix) &&
		    hex64_scope(c + k, n - k)) {
			set_id(id, c + k);
			*rt = prefixed[i].runtime;
			return true;
		}
	}
	colon = memchr(c, ':', n);
	if (colon) {
		/* SLICE:PREFIX:ID, as containerd and CRI-O write it where
		 * systemd does not turn it into PREFIX-ID.scope */
		const char *last = c + n;
		const char *name;

		while (last > c && last[-1] != ':')
			last--;
		if (last - 1 == colon ||
		    !is_hex64(last, (size_t)(c + n - last)))
			return false;
		name = last - 1;
		while (name > c && name[-1] != ':')
			name--;
		for (i = 0; i < NELEM(colon_prefixed); i++)
			if (equals(name, (size_t)(last - 1 - name),
				   colon_prefixed[i].prefix)) {
				set_id(id, last);
				*rt = colon_prefixed[i].runtime;
				return true;
			}
		return false;
	}
	if (!is_hex64(c, n))
		return false;
	/* a bare ID: /docker/ID (cgroupfs driver), /kubepods/.../podUID/ID
	 * (CRI with cgroupfs), or any innermost 64-hex directory; not a podman
	 * pod's own cgroup /libpod_parent/POD, which holds conmon */
	if (equals(p, pn, "libpod_parent"))
		return false;
	if (equals(p, pn, "docker")) {
		set_id(id, c);
		*rt = "docker";
		return true;
	}
	if (deepest || (kube && starts(p, pn, "pod"))) {
		set_id(id, c);
		*rt = "";
		return true;
	}
	return false;
}

/* Directories of a cgroup path, at most this many (deeper ones are cut) */
#define MAX_DEPTH 64

int nscap_cgroup_parse_line(const char *line,
			    char id[NSCAP_CONTAINER_ID_LEN + 1],
			    const char **runtime)
{
	const char *dir[MAX_DEPTH];
	size_t len[MAX_DEPTH], ndir = 0, i;
	const char *path, *end, *c;
	bool kube = false;

	/* HIERARCHY:CONTROLLERS:PATH; the path itself may hold colons */
	path = strchr(line, ':');
	if (!path)
		return 0;
	path = strchr(path + 1, ':');
	if (!path || path[1] != '/')
		return 0;
	path++;
	end = path + strcspn(path, "\n");
	for (c = path; c < end && ndir < MAX_DEPTH;) {
		size_t n;

		while (c < end && *c == '/')
			c++;
		n = strcspn(c, "/\n");
		if (n == 0)
			break;
		dir[ndir] = c;
		len[ndir] = n;
		if (starts(c, n, "kubepods"))
			kube = true;
		ndir++;
		c += n;
	}
	/* innermost first */
	for (i = ndir; i-- > 0;) {
		char tmp[NSCAP_CONTAINER_ID_LEN + 1];
		const char *rt = "";

		if (classify(dir[i], len[i], i ? dir[i - 1] : "",
			     i ? len[i - 1] : 0, i + 1 == ndir, kube, tmp,
			     &rt)) {
			memcpy(id, tmp, sizeof(tmp));
			*runtime = rt;
			return 1;
		}
	}
	return 0;
}

int nscap_cgroup_read(const char *proc, pid_t pid,
		      char id[NSCAP_CONTAINER_ID_LEN + 1], const char **runtime)
{
	char path[128], buf[16384];
	const char *line;
	int ret;

	snprintf(path, sizeof(path), "%s/%d/cgroup", proc, (int)pid);
	ret = nscap_proc_read(path, buf, sizeof(buf));
	if (ret)
		return ret;
	for (line = buf; *line;) {
		if (nscap_cgroup_parse_line(line, id, runtime))
			return 1;
		line += strcspn(line, "\n");
		if (*line)
			line++;
	}
	return 0;
}

/* PPid and NSpid of a process, from PROC/PID/status; 0 where unknown. */
static void read_status(const char *proc, struct nscap_cgroup_proc *p)
{
	char path[128], buf[4096], *s;

	p->ppid = 0;
	p->nspid = 0;
	p->nslevels = 0;
	snprintf(path, sizeof(path), "%s/%d/status", proc, (int)p->pid);
	if (nscap_proc_read(path, buf, sizeof(buf)))
		return;
	s = strstr(buf, "\nPPid:");
	if (s)
		p->ppid = (pid_t)strtol(s + 6, NULL, 10);
	s = strstr(buf, "\nNSpid:");
	if (s) {
		char *end;

		s += 7;
		for (;;) {
			long v = strtol(s, &end, 10);

			if (end == s)
				break;
			p->nspid = (pid_t)v;
			p->nslevels++;
			s = end;
		}
	}
}

int nscap_cgroup_scan(const char *proc, const char *prefix,
		      struct nscap_cgroup_proc **out, size_t *n, char *err)
{
	struct nscap_cgroup_proc *v = NULL;
	size_t nv = 0, cap = 0, plen = strlen(prefix);
	struct dirent *de;
	DIR *d;

	d = opendir(proc);
	if (!d)
		return nscap_seterr(err, errno, "cannot read %s", proc);
	while ((de = readdir(d))) {
		char id[NSCAP_CONTAINER_ID_LEN + 1];
		const char *rt = "";
		long pid;

		if (!nscap_all_digits(de->d_name))
			continue;
		pid = strtol(de->d_name, NULL, 10);
		if (pid <= 0 ||
		    nscap_cgroup_read(proc, (pid_t)pid, id, &rt) != 1)
			continue; /* gone meanwhile, or in no container */
		if (strncmp(id, prefix, plen) != 0)
			continue;
		if (nv == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct nscap_cgroup_proc *nvp;

			nvp = realloc(v, ncap * sizeof(*v));
			if (!nvp) {
				closedir(d);
				free(v);
				return nscap_seterr(err, ENOMEM,
						    "cannot scan %s", proc);
			}
			v = nvp;
			cap = ncap;
		}
		memset(&v[nv], 0, sizeof(v[nv]));
		v[nv].pid = (pid_t)pid;
		v[nv].runtime = rt;
		memcpy(v[nv].id, id, sizeof(id));
		read_status(proc, &v[nv]);
		nv++;
	}
	closedir(d);
	*out = v;
	*n = nv;
	return 0;
}

size_t nscap_cgroup_distinct(const struct nscap_cgroup_proc *v, size_t n,
			     char (*ids)[NSCAP_CONTAINER_ID_LEN + 1],
			     size_t max)
{
	size_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(v[j].id, v[i].id) == 0)
				break;
		if (j < i)
			continue;
		if (k < max)
			memcpy(ids[k], v[i].id, sizeof(ids[k]));
		k++;
	}
	return k;
}

/* Is pid one of the processes of v in container id? */
static bool in_container(const struct nscap_cgroup_proc *v, size_t n,
			 const char *id, pid_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].pid == pid && strcmp(v[i].id, id) == 0)
			return true;
	return false;
}

long nscap_cgroup_pick_init(const struct nscap_cgroup_proc *v, size_t n,
			    const char *id)
{
	long ns1 = -1, orphan = -1, low = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct nscap_cgroup_proc *p = &v[i];

		if (strcmp(p->id, id) != 0)
			continue;
		if (low < 0 || p->pid < v[low].pid)
			low = (long)i;
		if (p->nspid == 1 && p->nslevels > 1 &&
		    (ns1 < 0 || p->nslevels < v[ns1].nslevels ||
		     (p->nslevels == v[ns1].nslevels && p->pid < v[ns1].pid)))
			ns1 = (long)i;
		if (!in_container(v, n, id, p->ppid) &&
		    (orphan < 0 || p->pid < v[orphan].pid))
			orphan = (long)i;
	}
	if (ns1 >= 0)
		return ns1;
	return orphan >= 0 ? orphan : low;
}
