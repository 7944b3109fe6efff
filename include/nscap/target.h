/*
 * Targets: what the user named with -t, parsed (a pure function) and then
 * resolved into something held for the whole capture: a pidfd that pins
 * the process (so that a PID reused after the lookup is never captured), or
 * an open namespace file. Containers are found by ID in /proc/PID/cgroup
 * (cgroup.h) and by name through a runtime CLI (runtime.h).
 *
 * TARGET forms, tried in this order:
 *   all digits, pid:N     a process
 *   /..., ./..., ../...   a namespace file (/proc/N/ns/net, a bind mount)
 *   netns:NAME            /run/netns/NAME, as `ip netns` names it
 *   name:NAME             a container name, nothing else
 *   RUNTIME://ID          docker, containerd, cri-o or podman, as kubectl
 *                         prints it; ID is 4 to 64 hex digits
 *   4-64 hex digits       a container ID or unique prefix (else a name)
 *   other NAME            a container name: [A-Za-z][A-Za-z0-9_.-]*
 * A string of 1 to 3 hex digits, or one that starts with a digit and is
 * neither a PID nor hex, is refused: write name:NAME for such a container.
 */
#ifndef NSCAP_TARGET_H
#define NSCAP_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "nscap/cgroup.h"
#include "nscap/ns.h"

enum nscap_target_kind {
	NSCAP_TARGET_PID = 0, /* digits or pid:N */
	NSCAP_TARGET_PATH,    /* a namespace file */
	NSCAP_TARGET_NETNS,   /* netns:NAME */
	NSCAP_TARGET_ID,      /* a container ID prefix, maybe RUNTIME:// */
	NSCAP_TARGET_NAME,    /* a container name */
};

/* A parsed TARGET string; arg points into the string parsed. */
struct nscap_target_spec {
	pid_t pid; /* NSCAP_TARGET_PID */
	enum nscap_target_kind kind;
	const char *arg;     /* path, netns name, ID prefix or name */
	const char *runtime; /* static, from RUNTIME://; NULL if none */
	bool maybe_name;     /* a bare hex ID: also try it as a name */
};

/* Room for strings of struct nscap_target. */
#define NSCAP_TARGET_NAME_LEN 256
#define NSCAP_TARGET_RUNTIME_LEN 16

/* An opened target; initialise with NSCAP_TARGET_INIT. */
struct nscap_target {
	const char *name;	     /* as the user wrote it; not owned */
	enum nscap_target_kind kind; /* the form it was written in */
	pid_t pid;		     /* the process; 0 for a namespace file */
	int pidfd; /* -1 for a namespace file, or before 5.3 */
	/* without a pidfd: the process's start time (/proc/PID/stat), which
	 * tells a PID reused by another process; 0 when not known */
	unsigned long long start;
	int nsfd;      /* an open namespace file, else -1 */
	char comm[64]; /* the process name, from /proc/PID/comm */
	/* the container: 64 hex digits, or "" when not in one */
	char container_id[NSCAP_CONTAINER_ID_LEN + 1];
	/* its name when the user gave one, else "" */
	char container_name[NSCAP_TARGET_NAME_LEN];
	/* docker, containerd, cri-o, podman; "" when not known */
	char runtime[NSCAP_TARGET_RUNTIME_LEN];
};

#define NSCAP_TARGET_INIT                                                      \
	{                                                                      \
		.name = NULL, .kind = NSCAP_TARGET_PID, .pid = 0, .pidfd = -1, \
		.start = 0, .nsfd = -1, .comm = "", .container_id = "",        \
		.container_name = "", .runtime = ""                            \
	}

/*
 * Parse a TARGET string (forms above). Pure: no file is looked at. Returns
 * 0, or -EINVAL with err set ("invalid target '...': why"); spec is
 * untouched on error.
 */
int nscap_target_parse(const char *s, struct nscap_target_spec *spec,
		       char *err);

/*
 * Open what spec names, as the user wrote it in name: a process into a
 * pidfd (a container's through its cgroup or a runtime CLI, checked again
 * after pidfd_open so that a reused PID is refused), a namespace file into
 * an O_RDONLY|O_CLOEXEC fd checked to be a network namespace. Fills every
 * field of t. Returns 0, or a negative errno with err set: -ESRCH (no such
 * process, or it exited), -ENOENT (no such file, container or name),
 * -EINVAL (not a network namespace), -ENOTUNIQ (ambiguous ID prefix or
 * name: err lists the candidates). t is left closed on error.
 */
int nscap_target_open(const struct nscap_target_spec *spec, const char *name,
		      struct nscap_target *t, char *err);

/*
 * The one entry point for main: parse s, then open it into t. Returns 0 or
 * a negative errno with err set, as above; every failure means exit 1.
 */
int nscap_target_resolve(const char *s, struct nscap_target *t, char *err);

/*
 * Whether process pid has exited, from PROC/PID/stat (PROC is "/proc"
 * except in tests): there is no such process, or it and every thread of
 * it (PROC/PID/task) are zombies, or (start not 0) the process there now
 * started at another time than start (nscap_target_start_time): the PID was
 * reused. For a target without a pidfd (no pidfd_open: Linux before 5.3, or
 * valgrind, which does not know the call), whose exit wakes nobody.
 */
bool nscap_target_exited(const char *proc, pid_t pid, unsigned long long start);

/* When process pid started (PROC/PID/stat's starttime, in clock ticks since
 * boot), or 0 when it cannot be read. */
unsigned long long nscap_target_start_time(const char *proc, pid_t pid);

/* Where nscap_ns_start() should enter for t, and (a namespace file) its
 * name for messages: t->name, which must outlive the start. */
void nscap_target_ns_source(const struct nscap_target *t,
			    struct nscap_ns_source *src);

/*
 * A short description of t for messages, into buf (size len): "pid 4242
 * (httpd)", "pid 4242 (httpd) in container podman e817c105574b",
 * "container web (podman e817c105574b, pid 4242 httpd)", "container
 * e817c105574b (podman, pid 4242 httpd)", "netns:blue",
 * "/proc/4242/ns/net". Returns buf.
 */
const char *nscap_target_describe(const struct nscap_target *t, char *buf,
				  size_t len);

/* The name of process pid from PROC/PID/comm (proc: "/proc", or a test's
 * copy), without the newline; "" when it cannot be read. */
void nscap_target_read_comm(const char *proc, pid_t pid, char *buf, size_t len);

/* Release t; accepts a target that was never opened or failed to open. */
void nscap_target_close(struct nscap_target *t);

#endif
