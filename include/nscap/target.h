/*
 * Targets: what the user named with -t, parsed (a pure function) and then
 * opened into something that pins the process for the whole capture (a
 * pidfd), so that a PID reused after the lookup is never captured.
 */
#ifndef NSCAP_TARGET_H
#define NSCAP_TARGET_H

#include <sys/types.h>

/* A parsed TARGET string. */
struct nscap_target_spec {
	pid_t pid;
};

/* An opened target; initialise with NSCAP_TARGET_INIT. */
struct nscap_target {
	const char *name; /* as the user wrote it; not owned */
	pid_t pid;
	int pidfd;     /* -1 on kernels without pidfd_open (before 5.3) */
	char comm[64]; /* the process name, from /proc/PID/comm */
};

#define NSCAP_TARGET_INIT                                       \
	{                                                       \
		.name = NULL, .pid = 0, .pidfd = -1, .comm = "" \
	}

/*
 * Parse a TARGET string. Accepts a decimal PID greater than 0. Returns 0 or
 * -EINVAL with err set; spec is untouched on error.
 */
int nscap_target_parse(const char *s, struct nscap_target_spec *spec,
		       char *err);

/*
 * Open the process: a pidfd where the kernel has pidfd_open, and its name.
 * Returns 0, or a negative errno with err set (-ESRCH: no such process);
 * t is left closed (pidfd -1) on error.
 */
int nscap_target_open(const struct nscap_target_spec *spec, const char *name,
		      struct nscap_target *t, char *err);

/* Release t; accepts a target that was never opened or failed to open. */
void nscap_target_close(struct nscap_target *t);

#endif
