/*
 * Container IDs from cgroup paths. The kernel already knows which container
 * a process is in: every runtime names the container's cgroup after its
 * 64-hex ID. Reading /proc/PID/cgroup needs no runtime daemon and no CLI.
 * The line parser is pure; the scan is one pass over /proc.
 */
#ifndef NSCAP_CGROUP_H
#define NSCAP_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

/* Hex digits of a full container ID, and of the short form people use. */
#define NSCAP_CONTAINER_ID_LEN 64
#define NSCAP_CONTAINER_SHORT_LEN 12

/* One process that a cgroup path places in a container. */
struct nscap_cgroup_proc {
	pid_t pid;
	pid_t ppid;   /* 0: unknown */
	pid_t nspid;  /* PID in its innermost PID namespace; 0: unknown */
	int nslevels; /* PID namespaces it is in (fields of NSpid) */
	const char *runtime; /* static: "docker", "podman", ... or "" */
	char id[NSCAP_CONTAINER_ID_LEN + 1];
};

/*
 * The container named by one line of /proc/PID/cgroup ("N:ctrl:/path",
 * with or without its newline), on cgroup v1, v2 ("0::/path") and hybrid
 * hosts. Recognised, innermost first: docker (/docker/ID,
 * docker-ID.scope), containerd (cri-containerd-ID.scope, ...:cri-containerd:ID,
 * nerdctl-ID.scope), CRI-O (crio-ID[.scope]), podman (libpod-ID[.scope],
 * also with a /container child), and a bare 64-hex directory where it is
 * the innermost one or sits under /docker or a kubepods pod<UID>. Never a
 * monitor (crio-conmon-ID, libpod-conmon-ID, conmon), a podman pod's own
 * cgroup (/libpod_parent/POD) or a 32-hex name. Returns 1 with id (64 hex
 * and NUL) and *runtime ("" when the path does not say) set, or 0 (id and
 * *runtime untouched).
 */
int nscap_cgroup_parse_line(const char *line,
			    char id[NSCAP_CONTAINER_ID_LEN + 1],
			    const char **runtime);

/*
 * The container of process pid, from PROC/PID/cgroup (PROC is "/proc"
 * except in tests): the first line that names one. Returns 1 (id and
 * *runtime set), 0 (in no container), or a negative errno (-ESRCH: no
 * such process).
 */
int nscap_cgroup_read(const char *proc, pid_t pid,
		      char id[NSCAP_CONTAINER_ID_LEN + 1],
		      const char **runtime);

/*
 * One pass over PROC: every process whose container ID starts with prefix
 * (1 to 64 lowercase hex digits), with its PPid and NSpid from
 * PROC/PID/status. Returns 0 with *out (malloc'd, free() it; NULL when
 * *n is 0) and *n, or a negative errno with err set.
 */
int nscap_cgroup_scan(const char *proc, const char *prefix,
		      struct nscap_cgroup_proc **out, size_t *n, char *err);

/*
 * The distinct container IDs in v, in order of first appearance, into ids
 * (room for max). Returns how many there are (may exceed max).
 */
size_t nscap_cgroup_distinct(const struct nscap_cgroup_proc *v, size_t n,
			     char (*ids)[NSCAP_CONTAINER_ID_LEN + 1],
			     size_t max);

/*
 * The container's init process among the processes of v in container id:
 * the one that is PID 1 of its own PID namespace (fewest namespace levels,
 * then lowest PID); when none is (a container sharing the host's PID
 * namespace), the lowest PID whose parent is not in the container (the
 * runtime's shim, conmon or a test script is outside); else the lowest PID.
 * Returns the index into v, or -1 when no process of v is in id. Pure.
 */
long nscap_cgroup_pick_init(const struct nscap_cgroup_proc *v, size_t n,
			    const char *id);

#endif
