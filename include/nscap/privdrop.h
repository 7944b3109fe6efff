/*
 * Privilege drop: once every handle is open, become an ordinary user with
 * no capabilities, so that hours of capture run without root and the files
 * belong to whoever asked for them.
 *
 * Whom to become is a pure decision (nscap_privdrop_plan): -Z USER, else
 * the user who ran sudo (SUDO_UID/SUDO_GID, trusted only when the real uid
 * is 0, as sudo leaves it), else the real user of a set-user-ID root run;
 * a non-root run keeps its uid and loses its capabilities; --no-drop keeps
 * everything. The rest reads the user database or changes the process.
 *
 * After the drop no thread holds a capability, the namespace threads
 * included: nothing can open a new capture handle or enter a namespace (so
 * -i all cannot attach an interface that appears later), and every file is
 * created as the user, in a directory the user can write.
 */
#ifndef NSCAP_PRIVDROP_H
#define NSCAP_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What the plan is made from; nscap_privdrop_input_get() fills it. */
struct nscap_privdrop_input {
	uid_t ruid, euid;     /* getuid(), geteuid() */
	gid_t rgid;	      /* getgid() */
	const char *sudo_uid; /* SUDO_UID, or NULL */
	const char *sudo_gid; /* SUDO_GID, or NULL */
	const char *user;     /* -Z: a name or a number, or NULL */
	bool no_drop;	      /* --no-drop */
};

enum nscap_privdrop_kind {
	NSCAP_PRIVDROP_KEEP, /* change nothing: --no-drop, or root with no
			      * one to become */
	NSCAP_PRIVDROP_CAPS, /* not root: keep the uid, drop capabilities */
	NSCAP_PRIVDROP_USER, /* -Z: name, or uid */
	NSCAP_PRIVDROP_SUDO, /* run by sudo: uid, and gid or (gid_t)-1 */
	NSCAP_PRIVDROP_REAL, /* set-user-ID root: the real uid and gid */
};

struct nscap_privdrop_plan {
	enum nscap_privdrop_kind kind;
	const char *name; /* USER given by name (points into the input) */
	uid_t uid;	  /* USER given by number, SUDO, REAL */
	gid_t gid;	  /* SUDO with SUDO_GID, REAL; else (gid_t)-1: the
			   * user's primary group */
};

/* Who to become, resolved; release with nscap_privdrop_cred_free(). */
struct nscap_privdrop_cred {
	bool drop;	 /* false: change nothing */
	bool change_ids; /* false: capabilities only, the uid stays */
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* the user's groups (getgrouplist), gid among them */
	size_t ngroups;
	char name[64]; /* for messages: the user name, or the uid */
};

/* The input of this process: ids, SUDO_* (secure_getenv), user, no_drop. */
void nscap_privdrop_input_get(struct nscap_privdrop_input *in, const char *user,
			      bool no_drop);

/*
 * Decide whom to become. Pure. Returns 0, or -EINVAL with err set (-Z with
 * --no-drop, an empty or malformed -Z number, a malformed SUDO_UID or
 * SUDO_GID).
 */
int nscap_privdrop_plan(const struct nscap_privdrop_input *in,
			struct nscap_privdrop_plan *plan, char *err);

/*
 * Look the plan's user up (getpwnam_r/getpwuid_r, getgrouplist). A target
 * of uid 0 means no drop. Returns 0, or -ENOENT (no such user) or another
 * negative errno with err set and nothing to free.
 */
int nscap_privdrop_resolve(const struct nscap_privdrop_plan *plan,
			   struct nscap_privdrop_cred *c, char *err);

void nscap_privdrop_cred_free(struct nscap_privdrop_cred *c);

/*
 * Can c create files in dir? Asked of the kernel by a child process that
 * takes c's ids and calls access(2), so ACLs count; for rotated files,
 * before the drop, while --no-drop is still a choice. 0 when there is
 * nothing to drop, else 0 or a negative errno with err set.
 */
int nscap_privdrop_check_dir(const struct nscap_privdrop_cred *c,
			     const char *dir, char *err);

/*
 * Give the file open at fd (named path, for messages) to c's user and
 * primary group, if it is a regular file; in a set-group-ID directory the
 * group is left as the directory gave it, as for a file the user makes
 * there. A FIFO or a device such as /dev/null is left as it is. For a file
 * this run created before the drop.
 * 0 or a negative errno with err set.
 */
int nscap_privdrop_chown(int fd, const char *path,
			 const struct nscap_privdrop_cred *c, char *err);

/*
 * Drop: supplementary groups, gid, uid (glibc applies each to every thread
 * of the process, and the kernel then clears each thread's capabilities),
 * every capability of this thread, ambient ones too, and no_new_privs.
 * Checks that the ids are c's and that setresuid(0, 0, 0) fails. Returns
 * 0, or a negative errno with err set; after an error the process must
 * exit, as it may be half-way. Then run nscap_privdrop_thread in each
 * namespace thread (no_new_privs is per thread; so are capabilities when
 * c->change_ids is false); then nscap_privdrop_verify.
 */
int nscap_privdrop_apply(const struct nscap_privdrop_cred *c, char *err);

/*
 * Clear the calling thread's capabilities (permitted, effective,
 * inheritable and ambient) and set its no_new_privs. An nscap_ns_fn, for
 * nscap_ns_call(); arg is unused. 0 or a negative errno with err set.
 */
int nscap_privdrop_thread(void *arg, char *err);

/*
 * Whether the calling thread has what capturing in another namespace needs
 * in effect: CAP_SYS_ADMIN (setns, the thread's sysfs) and CAP_NET_RAW (the
 * packet sockets). For a message's hint: root that is refused anyway (a
 * security module, a protected process) needs no "nscap needs root".
 */
bool nscap_privdrop_capable(void);

/* Whether the calling thread has capability cap (CAP_FOWNER, ...) in
 * effect. */
bool nscap_privdrop_has_cap(unsigned int cap);

/*
 * Check every thread in /proc/self/task: no permitted, effective or ambient
 * capability, no_new_privs set, and with c->change_ids every uid is c's. 0, or
 * -EPERM with err naming the thread, or another negative errno.
 */
int nscap_privdrop_verify(const struct nscap_privdrop_cred *c, char *err);

#endif
