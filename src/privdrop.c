/*
 * Privilege drop (see privdrop.h): whom to become, and becoming it.
 *
 * Threads. Credentials are per thread in Linux; glibc makes setgroups(2),
 * setresgid(2) and setresuid(2) apply to the whole process by signalling
 * every thread to make the same system call (the "setxid broadcast"), and
 * aborts the process if the threads' results differ. So the namespace
 * threads change uid with the main thread, and since the kernel clears a
 * thread's permitted, effective and ambient capabilities when its uids go
 * from including 0 to none being 0 (no SECBIT_KEEP_CAPS or
 * SECBIT_NO_SETUID_FIXUP, which are refused here), they lose every
 * capability too: they cannot open a packet socket (CAP_NET_RAW), enter a
 * namespace or mount (CAP_SYS_ADMIN) any more. Handles already open go on
 * working: reading, pcap_stats() and closing need no capability. Not
 * possible after the drop: opening a handle, so -i all cannot attach an
 * interface that appears later; a target that starts later.
 * capset(2) is not broadcast: in a run that keeps its uid (not root, with
 * file capabilities) each namespace thread must clear its own through
 * nscap_ns_call(ns, nscap_privdrop_thread, NULL, err) (which sets its
 * no_new_privs too, a per-thread flag), and the caller
 * checks the result with nscap_privdrop_verify(). Clearing them before a
 * uid change instead would make that thread's setresuid() fail, and glibc
 * abort.
 *
 * Kept as they are, with reason: the bounding set (it only limits what
 * execve(2) can grant; nscap never executes anything, and no_new_privs
 * already forbids gaining privileges through it; dropping it needs
 * CAP_SETPCAP and is per thread as well); the dumpable flag, which the uid
 * change clears: it must stay clear, or the user could ptrace nscap and
 * take its packet sockets, which root opened inside the target's
 * namespace.
 *
 * Groups: the user's supplementary groups (getgrouplist(3), as initgroups
 * in tcpdump's -Z), so that a group-writable capture directory works as it
 * does for that user in a shell; under sudo, SUDO_GID is the primary one,
 * and the login group stays among them (as after newgrp(1)). Installed
 * set-user-ID, the caller's own groups: it may have given some up.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/output.h"
#include "nscap/privdrop.h"

#define MAX_ID 0xfffffffeul /* (uid_t)-1 means "unchanged" to the kernel */
#define MAX_GROUPS 65536    /* the kernel's NGROUPS_MAX */

void nscap_privdrop_input_get(struct nscap_privdrop_input *in, const char *user,
			      bool no_drop)
{
	in->ruid = getuid();
	in->euid = geteuid();
	in->rgid = getgid();
	/* NULL in a set-user-ID run: the caller's environment is not trusted */
	in->sudo_uid = secure_getenv("SUDO_UID");
	in->sudo_gid = secure_getenv("SUDO_GID");
	in->user = user;
	in->no_drop = no_drop;
}

/* A uid or gid in decimal, nothing else. 0 or -1. */
static int parse_id(const char *s, unsigned long *v)
{
	unsigned long n = 0;
	const char *p = s;

	if (!*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > MAX_ID)
			return -1;
	}
	*v = n;
	return 0;
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int nscap_privdrop_plan(const struct nscap_privdrop_input *in,
			struct nscap_privdrop_plan *plan, char *err)
{
	unsigned long v;

	plan->kind = NSCAP_PRIVDROP_KEEP;
	plan->name = NULL;
	plan->uid = (uid_t)-1;
	plan->gid = (gid_t)-1;
	if (in->user && in->no_drop)
		return nscap_seterr(err, 0,
				    "-Z and --no-drop contradict each other");
	/* set-user-ID root goes back to whoever ran it (below): -Z would let
	 * them become anyone, --no-drop keep root for the whole capture */
	if (in->ruid != 0 && in->euid == 0 && (in->user || in->no_drop))
		return nscap_seterr(err, 0,
				    "%s is for root: a set-user-ID nscap goes "
				    "back to the user who ran it",
				    in->user ? "-Z" : "--no-drop");
	if (in->no_drop)
		return 0;
	if (in->user) {
		if (!*in->user)
			return nscap_seterr(err, 0, "empty user name for -Z");
		plan->kind = NSCAP_PRIVDROP_USER;
		if (!all_digits(in->user)) {
			plan->name = in->user;
			return 0;
		}
		if (parse_id(in->user, &v))
			return nscap_seterr(err, 0, "invalid user id '%s'",
					    in->user);
		plan->uid = (uid_t)v;
		return 0;
	}
	if (in->ruid != 0 && in->euid != 0) {
		plan->kind = NSCAP_PRIVDROP_CAPS;
		return 0;
	}
	if (in->ruid != 0) {
		/* set-user-ID root: back to who ran it, as tcpdump does */
		plan->kind = NSCAP_PRIVDROP_REAL;
		plan->uid = in->ruid;
		plan->gid = in->rgid;
		return 0;
	}
	if (!in->sudo_uid || !*in->sudo_uid)
		return 0; /* root itself: no one else to become */
	if (parse_id(in->sudo_uid, &v))
		return nscap_seterr(err, 0, "invalid SUDO_UID '%s'",
				    in->sudo_uid);
	if (v == 0)
		return 0; /* sudo run by root */
	plan->kind = NSCAP_PRIVDROP_SUDO;
	plan->uid = (uid_t)v;
	if (in->sudo_gid && *in->sudo_gid) {
		if (parse_id(in->sudo_gid, &v))
			return nscap_seterr(err, 0, "invalid SUDO_GID '%s'",
					    in->sudo_gid);
		plan->gid = (gid_t)v;
	}
	return 0;
}

/*
 * The passwd entry of name, or else of uid, into *pw with its strings in
 * *buf (free it). 0, -ENOENT when there is none, or another -errno.
 */
static int lookup(const char *name, uid_t uid, struct passwd *pw, char **buf)
{
	long hint = sysconf(_SC_GETPW_R_SIZE_MAX);
	size_t size = hint > 0 ? (size_t)hint : 16384;
	struct passwd *res = NULL;
	int r;

	*buf = NULL;
	for (;;) {
		char *b = realloc(*buf, size);

		if (!b)
			return -ENOMEM;
		*buf = b;
		r = name ? getpwnam_r(name, pw, b, size, &res)
			 : getpwuid_r(uid, pw, b, size, &res);
		if (r != ERANGE || size >= (1u << 20))
			break;
		size *= 2;
	}
	if (r == 0 && res)
		return 0;
	/* not found is 0 and NULL, or one of these (getpwnam_r(3)) */
	if (r == 0 || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM)
		return -ENOENT;
	return -r;
}

/* The n groups in g with gid among them (g has room for one more): how
 * many that makes. */
static size_t with_gid(gid_t *g, size_t n, gid_t gid)
{
	for (size_t i = 0; i < n; i++)
		if (g[i] == gid)
			return n;
	g[n] = gid;
	return n + 1;
}

/* This process's supplementary groups (getgroups(2)), and c->gid among
 * them. */
static int own_groups(struct nscap_privdrop_cred *c, char *err)
{
	int n = getgroups(0, NULL);
	gid_t *g;

	if (n < 0)
		return nscap_seterr(err, errno, "cannot list the groups of %s",
				    c->name);
	g = realloc(c->groups, ((size_t)n + 1) * sizeof(*g));
	if (!g)
		return nscap_seterr(err, ENOMEM, "cannot list the groups of %s",
				    c->name);
	c->groups = g;
	n = getgroups(n, g);
	if (n < 0)
		return nscap_seterr(err, errno, "cannot list the groups of %s",
				    c->name);
	c->ngroups = with_gid(g, (size_t)n, c->gid);
	return 0;
}

/* The groups of user name, as its login gives them (getgrouplist with its
 * passwd group, login_gid), and c->gid among them: under sudo that is
 * SUDO_GID, which after newgrp(1) is not the login group, and the shell
 * keeps both. */
static int load_groups(struct nscap_privdrop_cred *c, const char *name,
		       gid_t login_gid, char *err)
{
	int n = 16;

	for (;;) {
		gid_t *g = realloc(c->groups, (size_t)n * sizeof(*g));
		int m = n - 1; /* one slot kept for c->gid */

		if (!g)
			return nscap_seterr(err, ENOMEM,
					    "cannot list the groups of user %s",
					    c->name);
		c->groups = g;
		if (!name) {
			g[0] = c->gid;
			c->ngroups = 1;
			return 0;
		}
		if (getgrouplist(name, login_gid, g, &m) >= 0) {
			c->ngroups = with_gid(g, (size_t)m, c->gid);
			return 0;
		}
		if (n >= MAX_GROUPS)
			return nscap_seterr(err, E2BIG,
					    "cannot list the groups of user %s",
					    c->name);
		n = m + 1 > n && m + 1 <= MAX_GROUPS ? m + 1 : 2 * n;
	}
}

int nscap_privdrop_resolve(const struct nscap_privdrop_plan *plan,
			   struct nscap_privdrop_cred *c, char *err)
{
	struct passwd pw;
	char *buf = NULL;
	const char *name = NULL;
	int ret;

	memset(c, 0, sizeof(*c));
	if (plan->kind == NSCAP_PRIVDROP_KEEP)
		return 0;
	c->drop = true;
	if (plan->kind == NSCAP_PRIVDROP_CAPS) {
		/* for messages: the user who stays */
		if (lookup(NULL, getuid(), &pw, &buf) == 0)
			snprintf(c->name, sizeof(c->name), "%s", pw.pw_name);
		else
			snprintf(c->name, sizeof(c->name), "%u",
				 (unsigned)getuid());
		free(buf);
		return 0;
	}
	c->change_ids = true;
	ret = lookup(plan->name, plan->uid, &pw, &buf);
	if (ret == 0) {
		name = pw.pw_name;
		c->uid = pw.pw_uid;
		c->gid = pw.pw_gid;
		snprintf(c->name, sizeof(c->name), "%s", pw.pw_name);
	} else if (plan->name) {
		free(buf);
		if (ret == -ENOENT) {
			nscap_seterr(err, 0, "no user named '%s'", plan->name);
			return -ENOENT;
		}
		return nscap_seterr(err, -ret, "cannot look up user '%s'",
				    plan->name);
	} else if (ret == -ENOENT && plan->gid != (gid_t)-1) {
		/* sudo's or the real ids, without a passwd entry */
		c->uid = plan->uid;
		c->gid = plan->gid;
		snprintf(c->name, sizeof(c->name), "%lu",
			 (unsigned long)plan->uid);
	} else {
		free(buf);
		if (ret == -ENOENT) {
			nscap_seterr(err, 0, "no user with uid %lu",
				     (unsigned long)plan->uid);
			return -ENOENT;
		}
		return nscap_seterr(err, -ret, "cannot look up uid %lu",
				    (unsigned long)plan->uid);
	}
	if (plan->gid != (gid_t)-1)
		c->gid = plan->gid;
	if (c->uid == 0) {
		/* -Z root: nothing to drop to */
		free(buf);
		memset(c, 0, sizeof(*c));
		return 0;
	}
	/* set-user-ID: the caller's own groups, which it may have narrowed
	 * (setpriv, newgrp -), not all its user could have */
	ret = plan->kind == NSCAP_PRIVDROP_REAL
		      ? own_groups(c, err)
		      : load_groups(c, name, name ? pw.pw_gid : c->gid, err);
	free(buf);
	if (ret)
		nscap_privdrop_cred_free(c);
	return ret;
}

void nscap_privdrop_cred_free(struct nscap_privdrop_cred *c)
{
	if (!c)
		return;
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

int nscap_privdrop_check_dir(const struct nscap_privdrop_cred *c,
			     const char *dir, char *err)
{
	pid_t pid, w;
	int status;

	if (!c->drop || !c->change_ids)
		return 0;
	pid = fork();
	if (pid < 0)
		return nscap_seterr(err, errno,
				    "cannot check that user %s can write to %s",
				    c->name, dir);
	if (pid == 0) {
		/* one thread here: raw calls, no glibc broadcast; no malloc */
		if (syscall(SYS_setgroups, c->ngroups, c->groups) < 0 ||
		    syscall(SYS_setresgid, c->gid, c->gid, c->gid) < 0 ||
		    syscall(SYS_setresuid, c->uid, c->uid, c->uid) < 0)
			_exit(255);
		_exit(access(dir, W_OK | X_OK) == 0 ? 0 : errno & 0x7f);
	}
	do {
		w = waitpid(pid, &status, 0);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return nscap_seterr(err, errno,
				    "cannot check that user %s can write to %s",
				    c->name, dir);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 255)
		return nscap_seterr(err, WEXITSTATUS(status),
				    "user %s cannot create files in %s",
				    c->name, dir);
	return nscap_seterr(err, EPERM,
			    "cannot check that user %s can write to %s",
			    c->name, dir);
}

/* Is the directory that holds path set-group-ID? */
static bool in_setgid_dir(const char *path)
{
	char dir[PATH_MAX];
	struct stat st;

	nscap_output_dir_of(path, dir, sizeof(dir));
	return stat(dir, &st) == 0 && (st.st_mode & S_ISGID);
}

int nscap_privdrop_chown(int fd, const char *path,
			 const struct nscap_privdrop_cred *c, char *err)
{
	struct stat st;

	if (!c->drop || !c->change_ids)
		return 0;
	if (fstat(fd, &st) < 0)
		return nscap_seterr(err, errno, "cannot examine %s", path);
	if (!S_ISREG(st.st_mode))
		return 0;
	/* in a set-group-ID directory the file took the directory's group,
	 * as one the user makes there does: kept */
	if (fchown(fd, c->uid, in_setgid_dir(path) ? (gid_t)-1 : c->gid) < 0)
		return nscap_seterr(err, errno, "cannot give %s to user %s",
				    path, c->name);
	return 0;
}

bool nscap_privdrop_has_cap(unsigned int cap)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (cap >= 32 * _LINUX_CAPABILITY_U32S_3 ||
	    syscall(SYS_capget, &h, d) < 0)
		return false;
	return d[cap / 32].effective & (1u << (cap % 32));
}

bool nscap_privdrop_capable(void)
{
	return nscap_privdrop_has_cap(CAP_SYS_ADMIN) &&
	       nscap_privdrop_has_cap(CAP_NET_RAW);
}

int nscap_privdrop_thread(void *arg, char *err)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	(void)arg;
	/* EINVAL: a kernel before 4.3 has no ambient set to clear */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return nscap_seterr(err, errno,
				    "cannot clear the ambient capabilities");
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) < 0)
		return nscap_seterr(err, errno, "cannot drop capabilities");
	/* per thread too: set in the main thread alone, the namespace
	 * threads kept NoNewPrivs: 0 (a helper's hunt) */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nscap_seterr(err, errno, "cannot set no_new_privs");
	return 0;
}

int nscap_privdrop_apply(const struct nscap_privdrop_cred *c, char *err)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	int ret;

	if (!c->drop)
		return 0;
	if (c->change_ids) {
		/* either bit would leave capabilities past the uid change */
		int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

		if (bits < 0)
			return nscap_seterr(err, errno,
					    "cannot read the securebits");
		if (bits & (SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP))
			return nscap_seterr(err, EPERM,
					    "cannot drop privileges to user "
					    "%s: securebits keep capabilities "
					    "across the uid change",
					    c->name);
		if (setgroups(c->ngroups, c->groups) < 0)
			return nscap_seterr(err, errno,
					    "cannot set the groups of user %s",
					    c->name);
		if (setresgid(c->gid, c->gid, c->gid) < 0)
			return nscap_seterr(err, errno,
					    "cannot change group to %lu",
					    (unsigned long)c->gid);
		if (setresuid(c->uid, c->uid, c->uid) < 0)
			return nscap_seterr(err, errno,
					    "cannot change user to %s",
					    c->name);
	}
	ret = nscap_privdrop_thread(NULL, err);
	if (ret)
		return ret;
	if (c->change_ids) {
		if (getresuid(&ru, &eu, &su) < 0 ||
		    getresgid(&rg, &eg, &sg) < 0 || ru != c->uid ||
		    eu != c->uid || su != c->uid || rg != c->gid ||
		    eg != c->gid || sg != c->gid)
			return nscap_seterr(err, EPERM,
					    "user and group ids did not change "
					    "to %s",
					    c->name);
	}
	/* this thread only: in a run that keeps its uid the namespace
	 * threads may still hold CAP_SETUID, and glibc's broadcast would
	 * make them root and then abort on the differing results */
	if (syscall(SYS_setresuid, 0, 0, 0) == 0)
		return nscap_seterr(err, EPERM,
				    "root privileges can still be regained "
				    "after the drop");
	return 0;
}

/* Are the four ids of a Uid: line (after the key) all uid? */
static bool ids_are(const char *p, uid_t uid)
{
	char *end;
	int k;

	for (k = 0; k < 4; k++) {
		unsigned long v;

		errno = 0;
		v = strtoul(p, &end, 10);
		if (end == p || errno || v != uid)
			return false;
		p = end;
	}
	return true;
}

/* One status line: a capability set must be empty, no_new_privs set, the
 * uids c's. */
static bool line_ok(const char *line, const struct nscap_privdrop_cred *c)
{
	static const char *const caps[] = {"CapPrm:", "CapEff:", "CapAmb:"};
	size_t k;

	for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++)
		if (strncmp(line, caps[k], strlen(caps[k])) == 0)
			return strtoull(line + strlen(caps[k]), NULL, 16) == 0;
	if (strncmp(line, "NoNewPrivs:", 11) == 0)
		return strtoul(line + 11, NULL, 10) == 1;
	if (c->change_ids && strncmp(line, "Uid:", 4) == 0)
		return ids_are(line + 4, c->uid);
	return true;
}

/* 0: thread tid (a name in /proc/self/task) holds nothing; 1: it does. */
static int task_clean(const char *tid, const struct nscap_privdrop_cred *c)
{
	char path[64], line[256];
	FILE *fp;
	bool ok = true;

	snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
	fp = fopen(path, "re");
	if (!fp)
		return 0; /* the thread ended meanwhile */
	while (ok && fgets(line, sizeof(line), fp))
		ok = line_ok(line, c);
	fclose(fp);
	return ok ? 0 : 1;
}

int nscap_privdrop_verify(const struct nscap_privdrop_cred *c, char *err)
{
	struct dirent *e;
	DIR *d;
	int ret = 0;

	if (!c->drop)
		return 0;
	d = opendir("/proc/self/task");
	if (!d)
		return nscap_seterr(err, errno,
				    "cannot check the threads' privileges in "
				    "/proc/self/task");
	while ((e = readdir(d)) != NULL && ret == 0) {
		if (e->d_name[0] == '.')
			continue;
		if (task_clean(e->d_name, c))
			ret = nscap_seterr(err, EPERM,
					   "thread %s kept privileges after "
					   "the drop",
					   e->d_name);
	}
	closedir(d);
	return ret;
}
