/*
 * Container runtime CLIs (see runtime.h). Every call is fork and exec of a
 * full path found in $PATH, never a shell, so a name reaches the CLI as one
 * argument whatever it holds (target.c also checks names before they get
 * here). Output parsing is pure and unit-tested against what each CLI
 * prints; tests/unit/test_resolve.c also runs fake CLIs through PATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nscap/compat.h"
#include "nscap/err.h"
#include "nscap/json.h"
#include "nscap/procfs.h"
#include "nscap/runtime.h"
#include "nscap/text.h"

const char *const nscap_runtime_clis[] = {"podman", "docker", "nerdctl",
					  "crictl", NULL};

static const char *const clis_docker[] = {"docker", NULL};
static const char *const clis_podman[] = {"podman", NULL};
static const char *const clis_containerd[] = {"crictl", "nerdctl", NULL};
static const char *const clis_crio[] = {"crictl", NULL};

#define DEFAULT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const char *nscap_runtime_of_cli(const char *cli)
{
	if (strcmp(cli, "nerdctl") == 0)
		return "containerd";
	if (strcmp(cli, "crictl") == 0)
		return "";
	return cli;
}

const char *const *nscap_runtime_clis_for(const char *runtime)
{
	if (strcmp(runtime, "docker") == 0)
		return clis_docker;
	if (strcmp(runtime, "podman") == 0)
		return clis_podman;
	if (strcmp(runtime, "containerd") == 0)
		return clis_containerd;
	if (strcmp(runtime, "cri-o") == 0)
		return clis_crio;
	return NULL;
}

int nscap_runtime_which(const char *name, char *path, size_t len)
{
	/* a set-user-ID run: not the caller's PATH */
	const char *dirs = secure_getenv("PATH");
	struct stat st;

	if (!dirs || !*dirs)
		dirs = DEFAULT_PATH;
	while (*dirs) {
		size_t n = strcspn(dirs, ":");

		/* an empty entry means the current directory: not for root */
		if (n > 0 && dirs[0] == '/') {
			int w = snprintf(path, len, "%.*s/%s", (int)n, dirs,
					 name);
			if (w > 0 && (size_t)w < len && stat(path, &st) == 0 &&
			    S_ISREG(st.st_mode) && access(path, X_OK) == 0)
				return 0;
		}
		dirs += n;
		if (*dirs)
			dirs++;
	}
	if (len)
		path[0] = '\0';
	return -ENOENT;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The user who ran nscap through sudo (SUDO_UID, also in a `sudo -i`
 * shell): their rootless podman or dockerd keeps its containers apart from
 * root's, so nscap asks their CLIs as them too. All of it is made before
 * fork; the child only calls setsid, close_range (or close), prctl,
 * setgroups, setgid, setuid, chdir and execve.
 * A user in more than AS_GROUPS groups runs with their primary group alone.
 */
#define AS_GROUPS 64
struct as_user {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[AS_GROUPS];
	char name[64];
	char home[PATH_MAX];
	char env_home[PATH_MAX + 8];
	char env_user[80];
	char env_logname[80];
	char env_path[PATH_MAX + 8];
	char env_xdg[64];
	char env_docker[96];
	char *env[8];
	/* theirs to ask, NULL-terminated: podman if they have used it,
	 * docker if their rootless dockerd listens */
	const char *clis[3];
};

/* Whether this process sees every uid as itself (the initial user
 * namespace's map, "0 0 4294967295"). */
static bool uids_whole(void)
{
	unsigned long v[3] = {1, 1, 0};
	char line[128], *p = line, *end;
	bool got =
		nscap_proc_read("/proc/self/uid_map", line, sizeof(line)) == 0;
	int i;

	for (i = 0; got && i < 3; i++, p = end) {
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		got = errno == 0 && end != p;
	}
	return got && v[0] == 0 && v[1] == 0 && v[2] == 4294967295UL;
}

/* where rootless podman keeps its containers, under the user's home */
#define STORAGE "/.local/share/containers"

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether path is of type (S_IFDIR, S_IFSOCK) and uid's. */
static bool owned(const char *path, mode_t type, uid_t uid)
{
	struct stat st;

	return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type &&
	       st.st_uid == uid;
}

/* From SUDO_UID: false when nscap was not run through sudo by another
 * user, that user is unknown, or has used neither podman nor a rootless
 * dockerd. */
static bool sudo_user(struct as_user *u)
{
	const char *s = secure_getenv("SUDO_UID"),
		   *path = secure_getenv("PATH");
	char buf[4096], rundir[32], at[PATH_MAX], *end;
	struct passwd pw, *r = NULL;
	bool xdg, podman, docker;
	unsigned long uid;
	size_t e = 0, c = 0;

	/* root, by sudo: never a set-user-ID run, whose caller would choose
	 * the user; not root: the CLIs run as the user already; and the
	 * host's root, whose view of uids is whole: in a user namespace an
	 * unmapped owner reads as the overflow uid, 65534, anyone's */
	if (!s || !*s || getuid() != 0 || geteuid() != 0 || !uids_whole())
		return false;
	errno = 0;
	uid = strtoul(s, &end, 10);
	if (errno || *end || uid == 0 || uid != (uid_t)uid)
		return false;
	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &r) || !r ||
	    pw.pw_uid != (uid_t)uid || strlen(pw.pw_name) >= sizeof(u->name) ||
	    strlen(pw.pw_dir) + sizeof(STORAGE) > sizeof(at))
		return false;
	/* where rootless podman and dockerd keep their run-time state (a
	 * login made the folder) */
	snprintf(rundir, sizeof(rundir), "/run/user/%u", (unsigned)pw.pw_uid);
	xdg = owned(rundir, S_IFDIR, pw.pw_uid);
	/* a user who never ran podman: asking would make its storage and
	 * leave a pause process running. Their containers' storage, or a
	 * running podman's state */
	snprintf(at, sizeof(at), "%s" STORAGE, pw.pw_dir);
	podman = is_dir(at);
	snprintf(at, sizeof(at), "%s/libpod", rundir);
	podman = podman || (xdg && is_dir(at));
	/* a rootless dockerd listens there (dockerd-rootless.sh); their
	 * docker CLI would otherwise ask root's */
	snprintf(at, sizeof(at), "%s/docker.sock", rundir);
	docker = xdg && owned(at, S_IFSOCK, pw.pw_uid);
	if (podman)
		u->clis[c++] = "podman";
	if (docker)
		u->clis[c++] = "docker";
	u->clis[c] = NULL;
	if (c == 0)
		return false;
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	snprintf(u->name, sizeof(u->name), "%s", pw.pw_name);
	snprintf(u->home, sizeof(u->home), "%s", pw.pw_dir);
	u->ngroups = AS_GROUPS;
	if (getgrouplist(u->name, u->gid, u->groups, &u->ngroups) < 0) {
		u->groups[0] = u->gid;
		u->ngroups = 1;
	}
	/* a clean environment: root's (CONTAINERS_*, DOCKER_HOST...) is not
	 * the user's */
	snprintf(u->env_home, sizeof(u->env_home), "HOME=%s", u->home);
	snprintf(u->env_user, sizeof(u->env_user), "USER=%s", u->name);
	snprintf(u->env_logname, sizeof(u->env_logname), "LOGNAME=%s", u->name);
	snprintf(u->env_path, sizeof(u->env_path), "PATH=%s",
		 path && *path ? path : DEFAULT_PATH);
	u->env[e++] = u->env_home;
	u->env[e++] = u->env_user;
	u->env[e++] = u->env_logname;
	u->env[e++] = u->env_path;
	if (xdg) {
		snprintf(u->env_xdg, sizeof(u->env_xdg), "XDG_RUNTIME_DIR=%s",
			 rundir);
		u->env[e++] = u->env_xdg;
	}
	if (docker) {
		snprintf(u->env_docker, sizeof(u->env_docker),
			 "DOCKER_HOST=unix://%s/docker.sock", rundir);
		u->env[e++] = u->env_docker;
	}
	u->env[e] = NULL;
	return true;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void exec_child(char *const argv[], int outfd, const struct as_user *u)
{
	sigset_t none;
	int null;

	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDERR_FILENO) < 0)
		_exit(127);
	if (outfd == STDOUT_FILENO)
		fcntl(outfd, F_SETFD, 0); /* dup2 would leave close-on-exec */
	else if (dup2(outfd, STDOUT_FILENO) < 0)
		_exit(127);
	if (null > STDERR_FILENO)
		close(null);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (u) {
		int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

		/* out of root's session (no controlling terminal to type
		 * into), and nothing of nscap's but stdin, stdout, stderr */
		if (setsid() < 0)
			_exit(127);
		nscap_close_from(3);
		/* either bit would leave root's capabilities past setuid */
		if (bits < 0 ||
		    (bits & (SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP)))
			_exit(127);
		if (setgroups((size_t)u->ngroups, u->groups) < 0 ||
		    setgid(u->gid) < 0 || setuid(u->uid) < 0)
			_exit(127);
		/* root's directory may be closed to the user */
		if (chdir(u->home) < 0 && chdir("/") < 0)
			_exit(127);
		execve(argv[0], argv, u->env);
		_exit(127);
	}
	execv(argv[0], argv);
	_exit(127);
}

/* Append up to n bytes from fd to *buf; returns bytes read, 0 at EOF, or
 * a negative errno. */
static ssize_t read_some(int fd, char **buf, size_t *len, size_t *cap)
{
	ssize_t r;

	if (*cap - *len < 4096) {
		size_t ncap = *cap * 2;
		char *nb;

		if (ncap > NSCAP_RUNTIME_MAX_OUTPUT + 4096)
			return -EFBIG;
		nb = realloc(*buf, ncap);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = ncap;
	}
	r = read(fd, *buf + *len, *cap - *len - 1);
	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? -EAGAIN : -errno;
	*len += (size_t)r;
	return r;
}

/* nscap_runtime_run, as u when u is not NULL. */
static int run_as(char *const argv[], const struct as_user *u, int timeout_ms,
		  char **out, char *err)
{
	long long end = now_ms() + timeout_ms;
	size_t len = 0, cap = 8192;
	char *buf = NULL;
	int pfd[2] = {-1, -1}, status, ret = 0;
	pid_t pid;

	*out = NULL;
	buf = malloc(cap);
	if (!buf)
		return nscap_seterr(err, ENOMEM, "cannot run %s", argv[0]);
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		ret = nscap_seterr(err, errno, "cannot run %s", argv[0]);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = nscap_seterr(err, errno, "cannot run %s", argv[0]);
		goto out;
	}
	if (pid == 0)
		exec_child(argv, pfd[1], u);
	close(pfd[1]);
	pfd[1] = -1;

	for (;;) {
		struct pollfd p = {pfd[0], POLLIN, 0};
		long long left = end - now_ms();
		ssize_t r;

		if (left <= 0) {
			ret = nscap_seterr(err, ETIMEDOUT, "%s", argv[0]);
			break;
		}
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR) {
			ret = nscap_seterr(err, errno, "%s", argv[0]);
			break;
		}
		if (r <= 0)
			continue;
		r = read_some(pfd[0], &buf, &len, &cap);
		if (r == 0)
			break;
		if (r == -EAGAIN)
			continue;
		if (r < 0) {
			ret = nscap_seterr(err, (int)-r, "%s", argv[0]);
			break;
		}
	}
	/* stdout closed is not the end: a child that closes it and runs on
	 * is waited for until the deadline too */
	while (ret == 0) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (now_ms() >= end) {
			ret = nscap_seterr(err, ETIMEDOUT, "%s", argv[0]);
			break;
		}
		poll(NULL, 0, 10);
	}
	if (ret) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (ret == 0) {
		buf[len] = '\0';
		*out = buf;
		buf = NULL;
		ret = WIFEXITED(status) ? WEXITSTATUS(status)
					: 128 + WTERMSIG(status);
	}
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	free(buf);
	return ret;
}

int nscap_runtime_run(char *const argv[], int timeout_ms, char **out, char *err)
{
	return run_as(argv, NULL, timeout_ms, out, err);
}

static bool is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < NSCAP_CONTAINER_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[i] == '\0';
}

int nscap_runtime_parse_inspect(const char *json,
				char id[NSCAP_CONTAINER_ID_LEN + 1], pid_t *pid)
{
	char buf[NSCAP_CONTAINER_ID_LEN + 1];
	const char *v;
	long long x = 0;

	v = nscap_json_find(json, "Id");
	if (!v)
		v = nscap_json_find(json, "id");
	if (!v || nscap_json_string(v, buf, sizeof(buf)) || !is_hex64(buf))
		return -ENOENT;
	memcpy(id, buf, sizeof(buf));
	v = nscap_json_find(json, "Pid");
	if (!v)
		v = nscap_json_find(json, "pid");
	if (!v || nscap_json_int(v, &x) || x < 0 || x > INT_MAX)
		x = 0;
	*pid = (pid_t)x;
	return 0;
}

size_t nscap_runtime_parse_ids(const char *text,
			       char (*ids)[NSCAP_CONTAINER_ID_LEN + 1],
			       size_t max)
{
	size_t n = 0;

	while (*text) {
		size_t len = strcspn(text, "\n");
		size_t t = len;

		while (t > 0 && (text[t - 1] == '\r' || text[t - 1] == ' '))
			t--;
		if (t == NSCAP_CONTAINER_ID_LEN) {
			char id[NSCAP_CONTAINER_ID_LEN + 1];

			memcpy(id, text, t);
			id[t] = '\0';
			if (is_hex64(id)) {
				if (n < max)
					memcpy(ids[n], id, sizeof(id));
				n++;
			}
		}
		text += len;
		if (*text)
			text++;
	}
	return n;
}

/* Add (id, name) at v[*n] if there is room; counts it either way. */
static void add_name(struct nscap_runtime_name *v, size_t *n, size_t max,
		     const char *id, const char *name, size_t namelen)
{
	if (*n < max) {
		memcpy(v[*n].id, id, NSCAP_CONTAINER_ID_LEN + 1);
		if (namelen >= sizeof(v[*n].name))
			namelen = sizeof(v[*n].name) - 1;
		memcpy(v[*n].name, name, namelen);
		v[*n].name[namelen] = '\0';
		/* a name goes to a terminal (-L, a hint) */
		nscap_text_tame_all(v[*n].name);
	}
	(*n)++;
}

size_t nscap_runtime_parse_ps(const char *text, struct nscap_runtime_name *v,
			      size_t *n, size_t max)
{
	size_t found = 0;

	while (*text) {
		size_t len = strcspn(text, "\n");

		if (len > NSCAP_CONTAINER_ID_LEN &&
		    text[NSCAP_CONTAINER_ID_LEN] == ' ') {
			char id[NSCAP_CONTAINER_ID_LEN + 1];
			const char *name;
			size_t nl;

			memcpy(id, text, NSCAP_CONTAINER_ID_LEN);
			id[NSCAP_CONTAINER_ID_LEN] = '\0';
			name = text + NSCAP_CONTAINER_ID_LEN + 1;
			while (*name == ' ' || *name == '/')
				name++;
			nl = strcspn(name, ", \r\n");
			if (is_hex64(id) && nl > 0) {
				add_name(v, n, max, id, name, nl);
				found++;
			}
		}
		text += len;
		if (*text)
			text++;
	}
	return found;
}

size_t nscap_runtime_parse_cri_json(const char *json,
				    struct nscap_runtime_name *v, size_t *n,
				    size_t max)
{
	const char *pos = json, *vid, *vname;
	size_t found = 0;

	while ((vid = nscap_json_find(pos, "id"))) {
		char id[NSCAP_CONTAINER_ID_LEN + 1],
			name[NSCAP_RUNTIME_NAME_LEN];

		pos = vid;
		if (nscap_json_string(vid, id, sizeof(id)) || !is_hex64(id))
			continue;
		vname = nscap_json_find(vid, "name");
		if (!vname || nscap_json_string(vname, name, sizeof(name)) ||
		    !name[0])
			continue;
		pos = vname;
		add_name(v, n, max, id, name, strlen(name));
		found++;
	}
	return found;
}

static bool is_sep(char c)
{
	return c == '\0' || c == '-' || c == '_' || c == '.';
}

bool nscap_runtime_name_like(const char *name, const char *what)
{
	size_t len = strlen(what);
	const char *s;

	if (len == 0 || strcmp(name, what) == 0)
		return false;
	for (s = strstr(name, what); s; s = strstr(s + 1, what))
		if ((s == name || is_sep(s[-1])) && is_sep(s[len]))
			return true;
	return false;
}

/* How a CLI's call ended, for the tried list. */
static const char *outcome(int ret)
{
	return ret == -ETIMEDOUT ? " (timed out)" : ret < 0 ? " (failed)" : "";
}

/* Append "cli" (and a note) to the tried list. */
static void note_tried(char *tried, size_t len, const char *cli,
		       const char *note)
{
	size_t used = strlen(tried);

	if (used + 1 >= len)
		return;
	snprintf(tried + used, len - used, "%s%s%s", used ? ", " : "", cli,
		 note);
}

/* Run a CLI (as u: NULL, as nscap runs); the status, or a negative errno
 * (-ETIMEDOUT...). */
static int run(char *const argv[], const struct as_user *u, char **out)
{
	char err[NSCAP_ERRBUF];

	return run_as(argv, u, NSCAP_RUNTIME_TIMEOUT_MS, out, err);
}

/* Add a hit unless a CLI already reported that ID (podman-docker's docker
 * is podman). */
static void add_hit(struct nscap_runtime_hit *hits, size_t max, size_t *n,
		    const char *cli, const char *id, pid_t pid, uid_t user)
{
	size_t i;

	for (i = 0; i < *n && i < max; i++)
		if (strcmp(hits[i].id, id) == 0)
			return;
	if (*n < max) {
		hits[*n].cli = cli;
		memcpy(hits[*n].id, id, NSCAP_CONTAINER_ID_LEN + 1);
		hits[*n].pid = pid;
		hits[*n].user = user;
	}
	(*n)++;
}

/* Whether inspect's JSON names a container other than name: docker and
 * podman take an ID prefix where a name is asked for, and name:NAME (or a
 * name of 1 to 3 hex digits) is never an ID prefix. Its "Name" (docker
 * writes "/web"); none said: not another. */
static bool names_another(const char *json, const char *name)
{
	char got[NSCAP_RUNTIME_NAME_LEN];
	const char *v = nscap_json_find(json, "Name");

	if (!v || nscap_json_string(v, got, sizeof(got)))
		return false;
	return strcmp(got[0] == '/' ? got + 1 : got, name) != 0;
}

/* docker, podman, nerdctl: `CLI container inspect WHAT`: an ID (prefix) or
 * a name, or, when name is not NULL, a container named name and nothing
 * else. */
static int ask_inspect(const char *path, const char *cli, const char *what,
		       const char *name, const struct as_user *u,
		       struct nscap_runtime_hit *hits, size_t max, size_t *n)
{
	char *argv[] = {(char *)path, "container", "inspect", (char *)what,
			NULL};
	char id[NSCAP_CONTAINER_ID_LEN + 1];
	char *out = NULL;
	pid_t pid = 0;
	int ret;

	ret = run(argv, u, &out);
	if (ret == 0 && nscap_runtime_parse_inspect(out, id, &pid) == 0 &&
	    !(name && names_another(out, name)))
		add_hit(hits, max, n, cli, id, pid,
			u ? u->uid : NSCAP_RUNTIME_ROOT);
	free(out);
	return ret < 0 ? ret : 0;
}

/* crictl inspect (or inspectp, a pod) ID: the PID of a CRI container. */
static int crictl_inspect(const char *path, const char *verb, const char *id,
			  char full[NSCAP_CONTAINER_ID_LEN + 1], pid_t *pid)
{
	char *argv[] = {(char *)path, (char *)verb, "-o",
			"json",	      (char *)id,   NULL};
	char *out = NULL;
	int ret;

	ret = run(argv, NULL, &out);
	if (ret == 0)
		ret = nscap_runtime_parse_inspect(out, full, pid);
	else if (ret > 0)
		ret = -ENOENT;
	free(out);
	return ret;
}

/* crictl: containers, then ready pods, whose name is exactly name; crictl
 * filters names with a regular expression. */
static int ask_crictl_name(const char *path, const char *name,
			   struct nscap_runtime_hit *hits, size_t max,
			   size_t *n)
{
	static const char *const verbs[][2] = {{"ps", "inspect"},
					       {"pods", "inspectp"}};
	char re[2 * NSCAP_RUNTIME_NAME_LEN + 3], *r = re;
	const char *s;
	size_t v;

	*r++ = '^';
	for (s = name; *s && r < re + sizeof(re) - 3; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			*r++ = '\\';
		*r++ = *s;
	}
	*r++ = '$';
	*r = '\0';
	for (v = 0; v < 2; v++) {
		char *argv[] = {(char *)path, (char *)verbs[v][0],
				"-q",	      "--name",
				re,	      NULL};
		char ids[16][NSCAP_CONTAINER_ID_LEN + 1];
		char *out = NULL;
		size_t k, nids = 0;
		int ret;

		ret = run(argv, NULL, &out);
		if (ret == 0)
			nids = nscap_runtime_parse_ids(out, ids, 16);
		free(out);
		if (ret < 0)
			return ret;
		for (k = 0; k < nids && k < 16; k++) {
			char full[NSCAP_CONTAINER_ID_LEN + 1];
			pid_t pid = 0;

			if (crictl_inspect(path, verbs[v][1], ids[k], full,
					   &pid) < 0)
				pid = 0;
			add_hit(hits, max, n, "crictl", ids[k], pid,
				NSCAP_RUNTIME_ROOT);
		}
	}
	return 0;
}

static int ask_crictl_id(const char *path, const char *id,
			 struct nscap_runtime_hit *hits, size_t max, size_t *n)
{
	char full[NSCAP_CONTAINER_ID_LEN + 1];
	pid_t pid = 0;
	int ret;

	ret = crictl_inspect(path, "inspect", id, full, &pid);
	if (ret == -ENOENT)
		ret = crictl_inspect(path, "inspectp", id, full, &pid);
	if (ret == 0)
		add_hit(hits, max, n, "crictl", full, pid, NSCAP_RUNTIME_ROOT);
	return ret == -ENOENT ? 0 : ret;
}

/* Whether clis (NULL: all) holds cli. */
static bool asks(const char *const *clis, const char *cli)
{
	const char *const *c;

	for (c = clis ? clis : nscap_runtime_clis; *c; c++)
		if (strcmp(*c, cli) == 0)
			return true;
	return false;
}

/* The CLIs of the user who ran sudo, as them (their podman, their rootless
 * docker), among clis (NULL: all); tried gets "podman as NAME". */
static void ask_sudo_user(const char *what, bool by_id, const char *const *clis,
			  struct nscap_runtime_hit *hits, size_t max, size_t *n,
			  char *tried, size_t triedlen)
{
	char path[PATH_MAX], note[96];
	const char *const *c;
	struct as_user u;
	int ret;

	if (!sudo_user(&u))
		return;
	for (c = u.clis; *c; c++) {
		if (!asks(clis, *c) ||
		    nscap_runtime_which(*c, path, sizeof(path)) != 0)
			continue;
		ret = ask_inspect(path, *c, what, by_id ? NULL : what, &u, hits,
				  max, n);
		snprintf(note, sizeof(note), " as %s%s", u.name, outcome(ret));
		note_tried(tried, triedlen, *c, note);
	}
}

int nscap_runtime_lookup(const char *what, bool by_id, const char *const *clis,
			 struct nscap_runtime_hit *hits, size_t max,
			 char *tried, size_t triedlen)
{
	const char *const *c;
	bool any = false;
	size_t n = 0;

	if (triedlen)
		tried[0] = '\0';
	for (c = clis ? clis : nscap_runtime_clis; *c; c++) {
		char path[PATH_MAX];
		int ret;

		if (nscap_runtime_which(*c, path, sizeof(path)))
			continue;
		any = true;
		if (strcmp(*c, "crictl") != 0)
			ret = ask_inspect(path, *c, what, by_id ? NULL : what,
					  NULL, hits, max, &n);
		else if (by_id)
			ret = ask_crictl_id(path, what, hits, max, &n);
		else
			ret = ask_crictl_name(path, what, hits, max, &n);
		note_tried(tried, triedlen, *c, outcome(ret));
	}
	/* none of root's: those of the user who ran sudo */
	if (n == 0)
		ask_sudo_user(what, by_id, clis, hits, max, &n, tried,
			      triedlen);
	if (!any)
		return -ENOENT;
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* Grow *v to hold at least want entries. */
static int reserve(struct nscap_runtime_name **v, size_t *cap, size_t want)
{
	struct nscap_runtime_name *nv;
	size_t ncap = *cap ? *cap : 64;

	if (want <= *cap)
		return 0;
	while (ncap < want)
		ncap *= 2;
	nv = realloc(*v, ncap * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* Parse out with parser into *v, growing it as needed. */
static int collect(const char *out,
		   size_t (*parse)(const char *, struct nscap_runtime_name *,
				   size_t *, size_t),
		   struct nscap_runtime_name **v, size_t *n, size_t *cap)
{
	size_t before = *n, found;

	if (!out)
		return 0;
	found = parse(out, *v, n, *cap);
	if (before + found > *cap) {
		if (reserve(v, cap, before + found))
			return -ENOMEM;
		*n = before;
		parse(out, *v, n, *cap);
	}
	return 0;
}

/* docker, podman, nerdctl (as u: NULL, as nscap runs): `ps` into *v. */
static int ps_names(const char *path, const struct as_user *u,
		    struct nscap_runtime_name **v, size_t *n, size_t *cap)
{
	/* -a: podman's plain ps leaves a paused container out (and one
	 * stopping); stopped ones hold no namespace, so they only cost
	 * lines */
	char *ps[] = {(char *)path, "ps",	"-a",
		      "--no-trunc", "--format", "{{.ID}} {{.Names}}",
		      NULL};
	char *text = NULL;
	int ret = 0;

	if (run(ps, u, &text) == 0)
		ret = collect(text, nscap_runtime_parse_ps, v, n, cap);
	free(text);
	return ret;
}

int nscap_runtime_names(struct nscap_runtime_name **out, size_t *n)
{
	struct nscap_runtime_name *v = NULL;
	size_t nv = 0, cap = 0;
	const char *const *c;
	char path[PATH_MAX];
	struct as_user u;
	int ret = 0;

	for (c = nscap_runtime_clis; *c && ret == 0; c++) {
		char *ps[] = {path, "ps", "-o", "json", NULL};
		char *pods[] = {path, "pods", "-o", "json", NULL};
		char *text = NULL;

		if (nscap_runtime_which(*c, path, sizeof(path)))
			continue;
		if (strcmp(*c, "crictl") != 0) {
			ret = ps_names(path, NULL, &v, &nv, &cap);
			continue;
		}
		/* crictl: containers and pods */
		if (run(ps, NULL, &text) == 0)
			ret = collect(text, nscap_runtime_parse_cri_json, &v,
				      &nv, &cap);
		free(text);
		text = NULL;
		if (ret == 0 && run(pods, NULL, &text) == 0)
			ret = collect(text, nscap_runtime_parse_cri_json, &v,
				      &nv, &cap);
		free(text);
	}
	/* and those of the user who ran sudo */
	if (ret == 0 && sudo_user(&u))
		for (c = u.clis; *c && ret == 0; c++)
			if (nscap_runtime_which(*c, path, sizeof(path)) == 0)
				ret = ps_names(path, &u, &v, &nv, &cap);
	if (ret) {
		free(v);
		return ret;
	}
	*out = v;
	*n = nv;
	return 0;
}
