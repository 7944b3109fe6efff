/*
 * Container runtime CLIs: the only way to learn a container's name, since
 * the kernel never sees it. nscap runs whichever of docker, podman, nerdctl
 * and crictl is installed, directly (fork and exec, no shell), with stdin
 * and stderr on /dev/null, its stdout captured, and a timeout. IDs and
 * processes come from the kernel (cgroup.h); the CLIs only map a name to an
 * ID, and give a PID where the cgroup layout is one nscap does not know.
 */
#ifndef NSCAP_RUNTIME_H
#define NSCAP_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nscap/cgroup.h"

/* How long one CLI call may take before it is killed. */
#define NSCAP_RUNTIME_TIMEOUT_MS 5000
/* The most a CLI may print; more is an error (-EFBIG). */
#define NSCAP_RUNTIME_MAX_OUTPUT (4u << 20)
/* Room for a container name. */
#define NSCAP_RUNTIME_NAME_LEN 256

/* The CLIs, in the order they are asked; NULL-terminated. */
extern const char *const nscap_runtime_clis[];

/* A container a CLI knows. */
struct nscap_runtime_hit {
	const char *cli; /* static: "podman", "docker", "nerdctl", "crictl" */
	char id[NSCAP_CONTAINER_ID_LEN + 1];
	pid_t pid; /* as the runtime reports it; 0: not running */
	/* the sudo user whose podman reported it (below), or
	 * NSCAP_RUNTIME_ROOT: root's CLI */
	uid_t user;
};
#define NSCAP_RUNTIME_ROOT ((uid_t)-1)

/* A container's name, for nscap -L. */
struct nscap_runtime_name {
	char id[NSCAP_CONTAINER_ID_LEN + 1];
	char name[NSCAP_RUNTIME_NAME_LEN];
};

/* The runtime a CLI drives: "containerd" for nerdctl, "" for crictl (any
 * CRI runtime), else the CLI's own name. */
const char *nscap_runtime_of_cli(const char *cli);

/*
 * The CLIs that can reach a runtime given by its RUNTIME:// name (docker,
 * containerd, cri-o, podman); NULL-terminated, or NULL for an unknown name.
 */
const char *const *nscap_runtime_clis_for(const char *runtime);

/*
 * Find executable file name in $PATH (a default path when it is unset).
 * Returns 0 with path set, or -ENOENT.
 */
int nscap_runtime_which(const char *name, char *path, size_t len);

/*
 * Run argv (argv[0] a full path) with stdin and stderr on /dev/null and a
 * clean signal mask; wait at most timeout_ms, then kill it (SIGKILL).
 * Returns its exit status (0-255; 128+N when killed by signal N) with *out
 * set to what it wrote on stdout (malloc'd, NUL-terminated; free() it), or a
 * negative errno with err set and *out NULL (-ETIMEDOUT, -EFBIG past
 * NSCAP_RUNTIME_MAX_OUTPUT).
 */
int nscap_runtime_run(char *const argv[], int timeout_ms, char **out,
		      char *err);

/*
 * Ask each installed CLI of clis (NULL: every one) for the running
 * container called what: a name, or with by_id a full ID or unique ID
 * prefix. Fills hits (room for max) and returns how many were found (may
 * exceed max), 0 when none knows it, or -ENOENT when none of the CLIs is
 * installed. tried (size triedlen) lists the CLIs asked, as "podman,
 * docker (timed out)". A CLI that fails or times out counts as not knowing.
 * When none knows it, clis include podman, nscap runs as root and SUDO_UID
 * names another user, that user's podman is asked too, as them (their
 * rootless containers), and tried ends "podman as NAME".
 */
int nscap_runtime_lookup(const char *what, bool by_id, const char *const *clis,
			 struct nscap_runtime_hit *hits, size_t max,
			 char *tried, size_t triedlen);

/*
 * The names of running containers (and CRI pods, by their sandbox ID), one
 * `ps` call per installed CLI (and the sudo user's podman, as above), for a
 * listing. Returns 0 with *out
 * (malloc'd; free() it) and *n; no CLI installed is 0 names, not an error.
 */
int nscap_runtime_names(struct nscap_runtime_name **out, size_t *n);

/*
 * Whether a container named name may be what a user meant by what, a name
 * no container has: what stands in name between separators (-, _, . or
 * either end), as a compose service's name does in PROJECT-SERVICE-1 and
 * PROJECT_SERVICE_1. Never name itself. Pure.
 */
bool nscap_runtime_name_like(const char *name, const char *what);

/*
 * Pure parsers of CLI output, for the functions above and for tests.
 * parse_inspect: `docker|podman|nerdctl container inspect` (the first "Id"
 * and "Pid") or `crictl inspect[p]` ("id", "pid"); returns 0, or -ENOENT
 * when there is no 64-hex ID (a missing PID is 0). parse_ids: one ID per
 * line (crictl -q); returns the count (may exceed max). parse_ps: "ID NAME"
 * lines (first name of a comma list); parse_cri_json: `crictl ps|pods -o
 * json` (each "id" with the "name" after it). Both append to v from *n on,
 * up to max, and return how many they found.
 */
int nscap_runtime_parse_inspect(const char *json,
				char id[NSCAP_CONTAINER_ID_LEN + 1],
				pid_t *pid);
size_t nscap_runtime_parse_ids(const char *text,
			       char (*ids)[NSCAP_CONTAINER_ID_LEN + 1],
			       size_t max);
size_t nscap_runtime_parse_ps(const char *text, struct nscap_runtime_name *v,
			      size_t *n, size_t max);
size_t nscap_runtime_parse_cri_json(const char *json,
				    struct nscap_runtime_name *v, size_t *n,
				    size_t max);

#endif
