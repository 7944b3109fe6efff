/*
 * Unit tests for container resolution by name (src/runtime.c and its use
 * in src/target.c): fake runtime CLIs in a PATH of their own print what
 * podman, docker and crictl print, and a real child process stands in for
 * the container's init. Also the pure parsers of CLI output, the runner's
 * timeout and limits, and TARGET strings with the messages users see.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nscap/cgroup.h"
#include "nscap/err.h"
#include "nscap/runtime.h"
#include "nscap/target.h"

#define ID_A "e817c105574b8182294745c2c37e4e675d50950e5ba550698b4e92ce27e0c0d8"
#define ID_B "0ba8ac17e4e7a31fb82279503552fe94e64bab4745bf6fd2ff231e7c8ca8bed0"
#define ID_C "0ba8ac17e4e7ffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define ID_D "09d185410c4e25236cc24717f881589bb0978b24eafd101624e627a4dd8d3439"

/* nobody's run-time folder, as a login would make it */
#define RUN_NOBODY "/run/user/65534"

struct env {
	bool made_run_nobody; /* RUN_NOBODY, by test_name_as_sudo_user */
	int docker_sock;      /* its rootless docker socket; 0: none */
	bool made_run_user;   /* /run/user itself */
	pid_t theirs;	      /* nobody_child's process; 0: none */
	int theirs_hold;      /* closing it ends that process */
	char bin[64];	      /* the fake CLIs' directory, alone in PATH */
	char *old_path;	      /* restored at teardown */
	pid_t child;	      /* the stand-in for a container's init */
	int child_fd;	      /* closing it ends the child */
};

static void write_file(const char *dir, const char *name, const char *text,
		       mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	/* scripts run with PATH set to the fake CLIs alone */
	if (strncmp(text, "#!/bin/sh\n", 10) == 0) {
		fputs("#!/bin/sh\nPATH=/usr/bin:/bin\n", f);
		text += 10;
	}
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* in with every @PID@ replaced by pid, into out (size len). */
static char *with_pid(const char *in, pid_t pid, char *out, size_t len)
{
	size_t used = 0;

	while (*in && used + 16 < len) {
		if (strncmp(in, "@PID@", 5) == 0) {
			used += (size_t)snprintf(out + used, len - used, "%d",
						 (int)pid);
			in += 5;
		} else {
			out[used++] = *in++;
		}
	}
	assert_true(*in == '\0');
	out[used] = '\0';
	return out;
}

/* A fake CLI: a shell script, @PID@ standing for the child's PID. */
static void fake_cli(const struct env *e, const char *name, const char *body)
{
	char text[8192];

	write_file(e->bin, name, with_pid(body, e->child, text, sizeof(text)),
		   0755);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	const char *p = getenv("PATH");
	int fds[2];
	char c;

	assert_non_null(e);
	/* `sudo make test`: the messages here are root's own lookups */
	unsetenv("SUDO_UID");
	snprintf(e->bin, sizeof(e->bin), "/tmp/nscap-unit-bin.XXXXXX");
	assert_non_null(mkdtemp(e->bin));
	e->old_path = strdup(p ? p : "/usr/bin:/bin");
	assert_int_equal(setenv("PATH", e->bin, 1), 0);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	e->child = fork();
	assert_true(e->child >= 0);
	if (e->child == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	e->child_fd = fds[1];
	*state = e;
	return 0;
}

/* Remove the tree at dir, as `rm -rf` would, without a shell. */
static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *dir)
{
	assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* End nobody_child's process. */
static void end_theirs(struct env *e)
{
	if (e->theirs > 0) {
		close(e->theirs_hold);
		waitpid(e->theirs, NULL, 0);
		e->theirs = 0;
	}
}

static int teardown(void **state)
{
	struct env *e = *state;
	int status;

	/* test_name_as_sudo_user's, also when it failed */
	unsetenv("SUDO_UID");
	unsetenv("NSCAP_TEST_ROOT_ONLY");
	end_theirs(e);
	if (e->docker_sock > 0)
		close(e->docker_sock);
	if (e->made_run_nobody) {
		unlink(RUN_NOBODY "/docker.sock");
		rmdir(RUN_NOBODY "/libpod");
		rmdir(RUN_NOBODY);
	}
	if (e->made_run_user)
		rmdir("/run/user");
	close(e->child_fd);
	waitpid(e->child, &status, 0);
	setenv("PATH", e->old_path, 1);
	free(e->old_path);
	rm_rf(e->bin);
	free(e);
	return 0;
}

/* Tests that resolve through the fake CLIs need this process outside any
 * container, so that the cgroup check falls back to asking the CLI. */
static void skip_in_container(void)
{
	char id[NSCAP_CONTAINER_ID_LEN + 1];
	const char *rt;

	if (nscap_cgroup_read("/proc", getpid(), id, &rt) == 1) {
		print_message("running in container %.12s\n", id);
		skip();
	}
}

/* What `podman container inspect` prints (4.3, cut down): ConmonPid comes
 * before Pid, and a string value holds a decoy "Id". */
#define PODMAN_WEB                                                             \
	"[\n {\n  \"Id\": \"" ID_A "\",\n"                                     \
	"  \"Created\": \"2026-11-29T01:40:43.9Z\",\n"                         \
	"  \"Path\": \"/bin/httpd\",\n"                                        \
	"  \"Args\": [\"-f\", \"\\\"Id\\\": \\\"ffff\\\"\"],\n"                \
	"  \"State\": {\n   \"OciVersion\": \"1.0.2-dev\",\n"                  \
	"   \"Status\": \"running\",\n   \"Running\": true,\n"                 \
	"   \"ConmonPid\": 1,\n   \"Pid\": @PID@,\n   \"ExitCode\": 0\n  },\n" \
	"  \"Name\": \"web\",\n  \"HostConfig\": {\"PidMode\": \"private\"}\n" \
	" }\n]\n"

#define FAKE_PODMAN                                                           \
	"#!/bin/sh\n"                                                         \
	"[ \"$1 $2\" = 'container inspect' ] || exit 125\n"                   \
	"echo 'podman warns on stderr' >&2\n"                                 \
	"case \"$3\" in\n"                                                    \
	"web|e817|e817c105574b|" ID_A ")\n cat <<'EOF'\n" PODMAN_WEB          \
	"EOF\n ;;\n"                                                          \
	"beef)\n sed 's/\"web\"/\"beef\"/' <<'EOF'\n" PODMAN_WEB "EOF\n ;;\n" \
	"stopped)\n echo '[{\"Id\": \"" ID_B                                  \
	"\", \"State\": {\"Pid\": 0}}]'\n ;;\n"                               \
	"dup)\n echo '[{\"Id\": \"" ID_C                                      \
	"\", \"State\": {\"Pid\": @PID@}}]'\n ;;\n"                           \
	"*)\n echo '[]'\n echo \"Error: no such container $3\" >&2\n exit "   \
	"125\n ;;\n"                                                          \
	"esac\n"

#define FAKE_DOCKER                                                            \
	"#!/bin/sh\n"                                                          \
	"case \"$3\" in\n"                                                     \
	"dup)\n echo '[{\"Id\": \"" ID_B                                       \
	"\", \"State\": {\"Pid\": @PID@}}]'\n ;;\n"                            \
	"*)\n echo '[]'\n echo 'Error: No such container' >&2\n exit 1\n ;;\n" \
	"esac\n"

/* crictl: names are regular expressions; inspect prints JSON. */
#define FAKE_CRICTL                                                            \
	"#!/bin/sh\n"                                                          \
	"case \"$*\" in\n"                                                     \
	"'ps -q --name ^crweb$') echo " ID_D " ;;\n"                           \
	"'ps -q --name ^cr\\.web$') echo " ID_D " ;;\n"                        \
	"'inspect -o json " ID_D "')\n"                                        \
	" printf '{\\n  \"status\": {\\n    \"id\": \"" ID_D "\",\\n'\n"       \
	" printf '    \"metadata\": {\"attempt\": 0, \"name\": \"crweb\"}\\n " \
	" },\\n'\n"                                                            \
	" printf '  \"info\": {\"sandboxID\": \"x\", \"pid\": @PID@}\\n}\\n' " \
	";;\n"                                                                 \
	"*) exit 1 ;;\n"                                                       \
	"esac\n"

/* Pins resolution by name through podman: the child's pidfd, the ID and
 * name, checked again through the CLI since no cgroup names the ID. */
static void test_name_through_podman(void **state)
{
	struct env *e = *state;
	struct nscap_target t = NSCAP_TARGET_INIT;
	char err[NSCAP_ERRBUF];

	skip_in_container();
	fake_cli(e, "podman", FAKE_PODMAN);
	if (nscap_target_resolve("web", &t, err))
		fail_msg("%s", err);
	assert_int_equal(t.kind, NSCAP_TARGET_NAME);
	assert_int_equal(t.pid, e->child);
	assert_true(t.pidfd >= 0);
	assert_int_equal(t.nsfd, -1);
	assert_string_equal(t.container_id, ID_A);
	assert_string_equal(t.container_name, "web");
	assert_string_equal(t.runtime, "podman");
	nscap_target_close(&t);

	/* name:web is the same, with nothing else tried */
	assert_int_equal(nscap_target_resolve("name:web", &t, err), 0);
	assert_string_equal(t.container_id, ID_A);
	nscap_target_close(&t);

	/* all hex, 4 or more digits: an ID prefix first, then a name */
	assert_int_equal(nscap_target_resolve("beef", &t, err), 0);
	assert_string_equal(t.container_id, ID_A);
	assert_string_equal(t.container_name, "beef");
	nscap_target_close(&t);

	/* a name is a name: podman inspect takes an ID prefix too, and the
	 * container it finds is not named so (it found one, named web, for
	 * name:e817) */
	assert_true(nscap_target_resolve("name:e817", &t, err) < 0);
	assert_non_null(strstr(err, "no container named 'e817'"));
	nscap_target_close(&t);
	/* while e817 alone, 4 hex digits that no cgroup names, is an ID
	 * prefix too (the name check once refused it) */
	assert_int_equal(nscap_target_resolve("e817", &t, err), 0);
	assert_string_equal(t.container_id, ID_A);
	nscap_target_close(&t);

	/* podman://PREFIX that no cgroup names: podman is asked by ID */
	assert_int_equal(nscap_target_resolve("podman://e817c105574b", &t, err),
			 0);
	assert_string_equal(t.container_id, ID_A);
	assert_string_equal(t.container_name, "");
	assert_string_equal(t.runtime, "podman");
	nscap_target_close(&t);
}

/* Pins the errors of a lookup by name: unknown, stopped, ambiguous, no
 * CLI at all, and a PID the CLI changes its mind about. */
static void test_name_errors(void **state)
{
	struct env *e = *state;
	struct nscap_target t = NSCAP_TARGET_INIT;
	char err[NSCAP_ERRBUF];

	skip_in_container();
	/* no CLI installed */
	assert_int_equal(nscap_target_resolve("web", &t, err), -ENOENT);
	assert_string_equal(err, "no container runtime CLI found (podman, "
				 "docker, nerdctl, crictl) to look up "
				 "container 'web'");
	assert_int_equal(t.pidfd, -1);

	fake_cli(e, "podman", FAKE_PODMAN);
	fake_cli(e, "docker", FAKE_DOCKER);
	assert_int_equal(nscap_target_resolve("nope", &t, err), -ENOENT);
	assert_string_equal(
		err, "no container named 'nope' (tried: podman, docker)");

	assert_int_equal(nscap_target_resolve("stopped", &t, err), -ESRCH);
	assert_non_null(strstr(err, "'stopped' (podman 0ba8ac17e4e7) is not "
				    "running"));

	/* two runtimes know "dup"; the IDs share 12 digits, so 13 show */
	assert_int_equal(nscap_target_resolve("dup", &t, err), -ENOTUNIQ);
	assert_string_equal(err, "container name 'dup' is ambiguous: podman "
				 "0ba8ac17e4e7f, docker 0ba8ac17e4e7a");
	assert_int_equal(t.pidfd, -1);

	/* a hex string nobody knows, as ID prefix or name */
	assert_int_equal(nscap_target_resolve("abcdef12", &t, err), -ENOENT);
	assert_string_equal(err, "no running container with ID prefix or name "
				 "'abcdef12' (searched the cgroups of every "
				 "process; tried: podman, docker)");
	/* RUNTIME:// asks that runtime's CLI only */
	assert_int_equal(nscap_target_resolve("docker://abcdef12", &t, err),
			 -ENOENT);
	assert_non_null(strstr(err, "tried: docker)"));
	assert_int_equal(nscap_target_resolve("cri-o://abcdef12", &t, err),
			 -ENOENT);
	/* no CLI of that runtime installed: said so, not that no process
	 * has the ID (another runtime's container may) */
	assert_string_equal(err, "no running cri-o container with ID "
				 "'abcdef12' (no process of cri-o's has it in "
				 "its cgroup path; not installed: crictl)");
}

/* ps --no-trunc --format '{{.ID}} {{.Names}}' lists a compose project;
 * inspect knows nothing. */
#define FAKE_PS_DOCKER                  \
	"#!/bin/sh\n"                   \
	"[ \"$1\" = ps ] || exit 1\n"   \
	"echo '" ID_A " shop-web-1'\n"  \
	"echo '" ID_B " shop_web_2'\n"  \
	"echo '" ID_C " webapp'\n"      \
	"echo '" ID_D " shop-beef-1'\n" \
	"echo '" ID_D " old.web'\n"
/* podman-docker: the same containers through podman */
#define FAKE_PS_PODMAN                  \
	"#!/bin/sh\n"                   \
	"[ \"$1\" = ps ] || exit 125\n" \
	"echo '" ID_A " shop-web-1'\n"

/* Pins the hint of names that hold a name no container has (a compose
 * service's), each once, at most five, and none for an unlike name. */
static void test_name_hint(void **state)
{
	struct env *e = *state;
	struct nscap_target t = NSCAP_TARGET_INIT;
	char err[NSCAP_ERRBUF];

	skip_in_container();
	fake_cli(e, "podman", FAKE_PS_PODMAN);
	fake_cli(e, "docker", FAKE_PS_DOCKER);
	assert_int_equal(nscap_target_resolve("web", &t, err), -ENOENT);
	assert_string_equal(err, "no container named 'web' (tried: podman, "
				 "docker); containers named like it: "
				 "shop-web-1, shop_web_2, old.web");
	assert_int_equal(nscap_target_resolve("nope", &t, err), -ENOENT);
	assert_string_equal(
		err, "no container named 'nope' (tried: podman, docker)");
	/* all hex: an ID prefix or a name */
	assert_int_equal(nscap_target_resolve("beef", &t, err), -ENOENT);
	assert_non_null(strstr(err, "'beef' (searched the cgroups of every "
				    "process; tried: podman, docker); "
				    "containers named like it: shop-beef-1"));
	/* at most five, then how many more */
	fake_cli(e, "docker",
		 "#!/bin/sh\n[ \"$1\" = ps ] || exit 1\n"
		 "for i in 1 2 3 4 5 6 7; do echo \"" ID_B "\" p$i-db-1; "
		 "done\n");
	assert_int_equal(nscap_target_resolve("name:db", &t, err), -ENOENT);
	assert_non_null(strstr(err, "; containers named like it: p1-db-1, "
				    "p2-db-1, p3-db-1, p4-db-1, p5-db-1 and 2 "
				    "more"));
	assert_int_equal(t.pidfd, -1);
}

/* A rootless podman: root's knows nothing; the user's (nobody, as sudo
 * names them) knows web, when it runs as them, in their clean
 * environment. */
#define FAKE_PODMAN_ROOTLESS                                                  \
	"#!/bin/sh\n"                                                         \
	"[ \"$1 $2\" = 'container inspect' ] || exit 125\n"                   \
	"if [ \"$(id -u)\" != 65534 ] || [ \"$(id -g)\" != 65534 ] ||\n"      \
	"   [ \"$USER\" != nobody ] || [ -n \"$NSCAP_TEST_ROOT_ONLY\" ] ||\n" \
	"   [ \"$XDG_RUNTIME_DIR\" != " RUN_NOBODY " ]; then\n"               \
	" echo '[]'\n exit 125\nfi\n"                                         \
	"case \"$3\" in\n"                                                    \
	"web|e817|" ID_A ")\n cat <<'EOF'\n" PODMAN_WEB "EOF\n ;;\n"          \
	"*)\n echo '[]'\n exit 125\n ;;\n"                                    \
	"esac\n"

/* A rootless docker: root's knows nothing; nobody's answers through their
 * dockerd's socket, as them. */
#define FAKE_DOCKER_ROOTLESS                                                \
	"#!/bin/sh\n"                                                       \
	"[ \"$1 $2\" = 'container inspect' ] || exit 1\n"                   \
	"if [ \"$(id -u)\" != 65534 ] || [ \"$DOCKER_HOST\" != "            \
	"unix://" RUN_NOBODY "/docker.sock ]; then\n"                       \
	" echo '[]'\n exit 1\nfi\n"                                         \
	"case \"$3\" in\n"                                                  \
	"web|e817|" ID_A                                                    \
	")\n sed 's/\"web\"/\"\\/web\"/' <<'EOF'\n" PODMAN_WEB "EOF\n ;;\n" \
	"*)\n echo '[]'\n exit 1\n ;;\n"                                    \
	"esac\n"

/* A process of nobody's in namespaces of its own (flags: CLONE_NEWUSER,
 * with CLONE_NEWNET as a rootless container's init), held until
 * e->theirs_hold closes; 0 where they cannot be made. */
static pid_t nobody_child(struct env *e, int flags)
{
	int ready[2], wait_fd[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(wait_fd, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* not the stand-in's pipe: teardown waits for that one */
		close(e->child_fd);
		close(ready[0]);
		close(wait_fd[1]);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 ||
		    setuid(65534) < 0 || unshare(flags) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		while (read(wait_fd[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(wait_fd[0]);
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		close(wait_fd[1]);
		waitpid(pid, NULL, 0);
		return 0;
	}
	close(ready[0]);
	e->theirs = pid;
	e->theirs_hold = wait_fd[1];
	return pid;
}

/* Take podman's state away (and the fake podman), and listen on nobody's
 * rootless docker socket. */
static void remove_podman_and_listen(struct env *e)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	char path[128];

	snprintf(path, sizeof(path), "%s/podman", e->bin);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(RUN_NOBODY "/libpod"), 0);
	snprintf(a.sun_path, sizeof(a.sun_path), RUN_NOBODY "/docker.sock");
	e->docker_sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(e->docker_sock >= 0);
	assert_int_equal(bind(e->docker_sock, (struct sockaddr *)&a, sizeof(a)),
			 0);
	assert_int_equal(chown(a.sun_path, 65534, 65534), 0);
}

/* Pins the lookup in the CLIs of the user who ran sudo: podman only when
 * they have used it, docker only with their dockerd's socket, after root's
 * CLIs found nothing, as them in their environment, by name and ID prefix
 * (asked again, as them, after pidfd_open), and only for a process whose
 * network namespace belongs to a user namespace of theirs. */
static void test_name_as_sudo_user(void **state)
{
	struct env *e = *state;
	struct nscap_target t = NSCAP_TARGET_INIT;
	char err[NSCAP_ERRBUF], text[8192];
	pid_t theirs;

	skip_in_container();
	if (!getpwnam("nobody") || getpwnam("nobody")->pw_uid != 65534) {
		print_message("no user nobody with uid 65534\n");
		skip();
	}
	if (access(RUN_NOBODY, F_OK) == 0) {
		print_message(RUN_NOBODY
			      " exists: a login's, not this test's\n");
		skip();
	}
	/* the fakes' directory, for nobody too */
	assert_int_equal(chmod(e->bin, 0755), 0);
	fake_cli(e, "podman", FAKE_PODMAN_ROOTLESS);
	assert_int_equal(setenv("NSCAP_TEST_ROOT_ONLY", "1", 1), 0);

	/* not through sudo, or sudo from root: root's podman alone */
	assert_int_equal(nscap_target_resolve("web", &t, err), -ENOENT);
	assert_string_equal(err, "no container named 'web' (tried: podman)");
	assert_int_equal(setenv("SUDO_UID", "0", 1), 0);
	assert_int_equal(nscap_target_resolve("web", &t, err), -ENOENT);
	assert_string_equal(err, "no container named 'web' (tried: podman)");
	/* through sudo by nobody, who has never used podman: not asked, nor
	 * with a login's run-time folder alone */
	assert_int_equal(setenv("SUDO_UID", "65534", 1), 0);
	assert_int_equal(nscap_target_resolve("web", &t, err), -ENOENT);
	assert_string_equal(err, "no container named 'web' (tried: podman)");
	e->made_run_user = mkdir("/run/user", 0755) == 0;
	assert_int_equal(mkdir(RUN_NOBODY, 0700), 0);
	e->made_run_nobody = true;
	assert_int_equal(chown(RUN_NOBODY, 65534, 65534), 0);
	assert_int_equal(nscap_target_resolve("web", &t, err), -ENOENT);
	assert_string_equal(err, "no container named 'web' (tried: podman)");
	/* a running podman's state */
	assert_int_equal(mkdir(RUN_NOBODY "/libpod", 0700), 0);
	assert_int_equal(chown(RUN_NOBODY "/libpod", 65534, 65534), 0);

	/* their podman names a process of root's: refused */
	assert_int_equal(nscap_target_resolve("web", &t, err), -EPERM);
	assert_non_null(strstr(err, "container 'web' (podman e817c105574b, of "
				    "user 65534): the network namespace of "
				    "its process"));
	assert_int_equal(t.pidfd, -1);
	/* or one of theirs in a user namespace of theirs, but in the host's
	 * network (unshare -U): refused */
	theirs = nobody_child(e, CLONE_NEWUSER);
	if (theirs == 0) {
		print_message("no user namespace for nobody here\n");
		skip();
	}
	write_file(e->bin, "podman",
		   with_pid(FAKE_PODMAN_ROOTLESS, theirs, text, sizeof(text)),
		   0755);
	assert_int_equal(nscap_target_resolve("web", &t, err), -EPERM);
	end_theirs(e);

	/* a rootless container's: its network in a user namespace of theirs */
	theirs = nobody_child(e, CLONE_NEWUSER | CLONE_NEWNET);
	assert_true(theirs > 0);
	write_file(e->bin, "podman",
		   with_pid(FAKE_PODMAN_ROOTLESS, theirs, text, sizeof(text)),
		   0755);
	assert_int_equal(nscap_target_resolve("web", &t, err), 0);
	assert_int_equal(t.pid, theirs);
	assert_string_equal(t.container_id, ID_A);
	assert_string_equal(t.container_name, "web");
	assert_string_equal(t.runtime, "podman");
	nscap_target_close(&t);
	assert_int_equal(nscap_target_resolve("e817", &t, err), 0);
	assert_string_equal(t.container_id, ID_A);
	nscap_target_close(&t);
	assert_int_equal(nscap_target_resolve("nope", &t, err), -ENOENT);
	assert_string_equal(
		err, "no container named 'nope' (tried: podman, podman as "
		     "nobody)");

	/* a rootless dockerd of theirs: its socket, their docker */
	remove_podman_and_listen(e);
	write_file(e->bin, "docker",
		   with_pid(FAKE_DOCKER_ROOTLESS, theirs, text, sizeof(text)),
		   0755);
	assert_int_equal(nscap_target_resolve("web", &t, err), 0);
	assert_int_equal(t.pid, theirs);
	assert_string_equal(t.runtime, "docker");
	nscap_target_close(&t);
	assert_int_equal(nscap_target_resolve("nope", &t, err), -ENOENT);
	assert_string_equal(
		err, "no container named 'nope' (tried: docker, docker as "
		     "nobody)");
}

/* Pins the race check: the CLI reports PID X, then (asked again after
 * pidfd_open) another PID: the container's process is gone. */
static void test_name_pid_changed(void **state)
{
	struct env *e = *state;
	struct nscap_target t = NSCAP_TARGET_INIT;
	char err[NSCAP_ERRBUF], text[1024];

	skip_in_container();
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "if [ -e %s/asked ]; then pid=1; else pid=%d; touch "
		 "%s/asked; fi\n"
		 "echo \"[{\\\"Id\\\": \\\"%s\\\", \\\"State\\\": "
		 "{\\\"Pid\\\": $pid}}]\"\n",
		 e->bin, (int)e->child, e->bin, ID_A);
	write_file(e->bin, "podman", text, 0755);
	assert_int_equal(nscap_target_resolve("web", &t, err), -ESRCH);
	assert_non_null(strstr(err, "exited during the lookup"));
	assert_int_equal(t.pidfd, -1);
	assert_int_equal(t.pid, 0);
}

/* Pins crictl: the name as an anchored regular expression (dots escaped),
 * the PID from `crictl inspect`. */
static void test_name_through_crictl(void **state)
{
	struct env *e = *state;
	struct nscap_target t = NSCAP_TARGET_INIT;
	struct nscap_runtime_hit hits[4];
	char err[NSCAP_ERRBUF], tried[64];

	skip_in_container();
	fake_cli(e, "crictl", FAKE_CRICTL);
	assert_int_equal(nscap_runtime_lookup("cr.web", false, NULL, hits, 4,
					      tried, sizeof(tried)),
			 1);
	assert_string_equal(hits[0].id, ID_D);
	assert_int_equal(hits[0].pid, e->child);
	assert_string_equal(hits[0].cli, "crictl");
	assert_string_equal(tried, "crictl");

	assert_int_equal(nscap_target_resolve("crweb", &t, err), 0);
	assert_int_equal(t.pid, e->child);
	assert_string_equal(t.container_id, ID_D);
	assert_string_equal(t.runtime, "");
	nscap_target_close(&t);

	/* containerd://ID goes to crictl (and nerdctl), by ID */
	assert_int_equal(nscap_target_resolve("containerd://" ID_D, &t, err),
			 0);
	assert_int_equal(t.pid, e->child);
	assert_string_equal(t.runtime, "containerd");
	nscap_target_close(&t);
}

/* Pins PATH lookup: regular executable files only, first match wins, an
 * empty or relative entry is never the current directory. */
static void test_which(void **state)
{
	struct env *e = *state;
	char path[256], dir2[128], want[512];

	write_file(e->bin, "podman", "#!/bin/sh\n", 0644);
	assert_int_equal(nscap_runtime_which("podman", path, sizeof(path)),
			 -ENOENT);
	assert_string_equal(path, "");
	snprintf(dir2, sizeof(dir2), "%s/sub", e->bin);
	assert_int_equal(mkdir(dir2, 0755), 0);
	write_file(dir2, "podman", "#!/bin/sh\n", 0755);
	snprintf(want, sizeof(want), ":.:sub:%s:%s", e->bin, dir2);
	setenv("PATH", want, 1);
	assert_int_equal(nscap_runtime_which("podman", path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/podman", dir2);
	assert_string_equal(path, want);
	setenv("PATH", e->bin, 1);
	assert_int_equal(nscap_runtime_which("docker", path, sizeof(path)),
			 -ENOENT);
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Pins the runner: stdout only, exit status, a CLI that hangs is killed
 * at the timeout, one that prints too much is refused. */
static void test_run(void **state)
{
	struct env *e = *state;
	char path[300], err[NSCAP_ERRBUF], *out = NULL;
	char *argv[] = {path, "a b", "$HOME", NULL};
	long long t0;

	snprintf(path, sizeof(path), "%s/cli", e->bin);
	write_file(e->bin, "cli",
		   "#!/bin/sh\necho \"[$1] [$2]\"\necho oops >&2\n"
		   "read x && echo \"stdin: $x\"\nexit 3\n",
		   0755);
	assert_int_equal(nscap_runtime_run(argv, 2000, &out, err), 3);
	/* arguments arrive as they are (no shell), stdin is empty */
	assert_string_equal(out, "[a b] [$HOME]\n");
	free(out);

	write_file(e->bin, "cli", "#!/bin/sh\nexec sleep 10\n", 0755);
	t0 = ms_now();
	assert_int_equal(nscap_runtime_run(argv, 300, &out, err), -ETIMEDOUT);
	assert_null(out);
	assert_true(ms_now() - t0 < 3000);
	/* stdout closed, still running: the deadline holds (the wait after
	 * the output's end had none) */
	write_file(e->bin, "cli", "#!/bin/sh\nexec >&-\nexec sleep 10\n", 0755);
	t0 = ms_now();
	assert_int_equal(nscap_runtime_run(argv, 300, &out, err), -ETIMEDOUT);
	assert_null(out);
	assert_true(ms_now() - t0 < 3000);

	write_file(e->bin, "cli", "#!/bin/sh\nexec head -c 5000000 /dev/zero\n",
		   0755);
	assert_int_equal(nscap_runtime_run(argv, 5000, &out, err), -EFBIG);
	assert_null(out);

	write_file(e->bin, "cli", "#!/bin/sh\nkill -TERM $$\n", 0755);
	assert_int_equal(nscap_runtime_run(argv, 2000, &out, err),
			 128 + SIGTERM);
	free(out);
}

/* Pins the parsers on what each CLI prints. */
static void test_parse_inspect(void **state)
{
	char id[NSCAP_CONTAINER_ID_LEN + 1], text[4096];
	pid_t pid = -1;

	(void)state;
	with_pid(PODMAN_WEB, 4242, text, sizeof(text));
	assert_int_equal(nscap_runtime_parse_inspect(text, id, &pid), 0);
	assert_string_equal(id, ID_A);
	assert_int_equal(pid, 4242);

	/* docker (cut down) */
	assert_int_equal(
		nscap_runtime_parse_inspect(
			"[{\"Id\":\"" ID_B "\",\"Created\":\"x\",\"State\":"
			"{\"Status\":\"running\",\"Pid\":77},\"Name\":\"/web\","
			"\"HostConfig\":{\"PidMode\":\"\",\"PidsLimit\":null}}"
			"]",
			id, &pid),
		0);
	assert_string_equal(id, ID_B);
	assert_int_equal(pid, 77);

	/* crictl inspect */
	assert_int_equal(nscap_runtime_parse_inspect(
				 "{\"status\": {\"id\": \"" ID_D "\"}, "
				 "\"info\": {\"sandboxID\": \"" ID_A "\", "
				 "\"pid\": 9}}",
				 id, &pid),
			 0);
	assert_string_equal(id, ID_D);
	assert_int_equal(pid, 9);

	/* no PID: 0; no container: -ENOENT; a short ID is no ID */
	assert_int_equal(nscap_runtime_parse_inspect("[{\"Id\": \"" ID_A "\"}]",
						     id, &pid),
			 0);
	assert_int_equal(pid, 0);
	assert_int_equal(nscap_runtime_parse_inspect("[]", id, &pid), -ENOENT);
	assert_int_equal(nscap_runtime_parse_inspect("", id, &pid), -ENOENT);
	assert_int_equal(nscap_runtime_parse_inspect(
				 "[{\"Id\": \"e817c105574b\"}]", id, &pid),
			 -ENOENT);
	/* a key inside a string is not a key */
	assert_int_equal(nscap_runtime_parse_inspect(
				 "[{\"Name\": \"\\\"Id\\\": \\\"" ID_A
				 "\\\"\"}]",
				 id, &pid),
			 -ENOENT);
}

static void test_parse_lists(void **state)
{
	char ids[4][NSCAP_CONTAINER_ID_LEN + 1];
	struct nscap_runtime_name v[8];
	size_t n = 0;

	(void)state;
	/* crictl ps -q */
	assert_int_equal(nscap_runtime_parse_ids(ID_A
						 "\n" ID_B "\r\n"
						 "e817c105574b\n\nxyz\n" ID_D,
						 ids, 4),
			 3);
	assert_string_equal(ids[0], ID_A);
	assert_string_equal(ids[1], ID_B);
	assert_string_equal(ids[2], ID_D);
	assert_int_equal(nscap_runtime_parse_ids(ID_A "\n" ID_B, ids, 1), 2);

	/* docker/podman/nerdctl ps --no-trunc --format '{{.ID}} {{.Names}}' */
	assert_int_equal(nscap_runtime_parse_ps(ID_A " web\n" ID_B
						     " /old-docker,link\n"
						     "e817 short\n" ID_C "\n",
						v, &n, 8),
			 2);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, ID_A);
	assert_string_equal(v[0].name, "web");
	assert_string_equal(v[1].name, "old-docker");

	/* crictl ps -o json and crictl pods -o json */
	assert_int_equal(
		nscap_runtime_parse_cri_json(
			"{\n  \"containers\": [\n    {\n      \"id\": \"" ID_D
			"\",\n      \"podSandboxId\": \"" ID_A "\",\n"
			"      \"metadata\": {\n        \"name\": \"nginx\",\n"
			"        \"attempt\": 0\n      },\n"
			"      \"image\": {\"image\": \"sha256:ab\"},\n"
			"      \"labels\": {\"io.kubernetes.pod.name\": "
			"\"web-7d\"}\n    }\n  ]\n}\n",
			v, &n, 8),
		1);
	assert_int_equal(
		nscap_runtime_parse_cri_json(
			"{\"items\": [{\"id\": \"" ID_A "\", \"metadata\": "
			"{\"name\": \"web-7d\", \"uid\": \"u\", \"namespace\": "
			"\"default\", \"attempt\": 0}, \"state\": "
			"\"SANDBOX_READY\"}, {\"id\": \"" ID_B "\", "
			"\"metadata\": {\"name\": \"db-0\"}}]}",
			v, &n, 8),
		2);
	assert_int_equal(n, 5);
	assert_string_equal(v[2].id, ID_D);
	assert_string_equal(v[2].name, "nginx");
	assert_string_equal(v[3].id, ID_A);
	assert_string_equal(v[3].name, "web-7d");
	assert_string_equal(v[4].name, "db-0");
}

/* Pins what a name is like: the name between separators, never itself. */
static void test_name_like(void **state)
{
	(void)state;
	assert_true(nscap_runtime_name_like("shop-web-1", "web"));
	assert_true(nscap_runtime_name_like("shop_web_1", "web"));
	assert_true(nscap_runtime_name_like("web-old", "web"));
	assert_true(nscap_runtime_name_like("old.web", "web"));
	assert_true(nscap_runtime_name_like("shop-web-1", "shop-web"));
	/* the second place it stands, where the first is inside a word */
	assert_true(nscap_runtime_name_like("webapp-web", "web"));
	assert_false(nscap_runtime_name_like("web", "web"));
	assert_false(nscap_runtime_name_like("webapp", "web"));
	assert_false(nscap_runtime_name_like("myweb-1", "web"));
	assert_false(nscap_runtime_name_like("shop-web1", "web"));
	assert_false(nscap_runtime_name_like("", "web"));
	assert_false(nscap_runtime_name_like("web-1", ""));
}

/* Pins the runtime tables used for RUNTIME:// and the listing. */
static void test_runtime_tables(void **state)
{
	const char *const *c;

	(void)state;
	assert_string_equal(nscap_runtime_of_cli("nerdctl"), "containerd");
	assert_string_equal(nscap_runtime_of_cli("crictl"), "");
	assert_string_equal(nscap_runtime_of_cli("podman"), "podman");
	c = nscap_runtime_clis_for("containerd");
	assert_non_null(c);
	assert_string_equal(c[0], "crictl");
	assert_string_equal(c[1], "nerdctl");
	assert_null(c[2]);
	assert_string_equal(nscap_runtime_clis_for("cri-o")[0], "crictl");
	assert_null(nscap_runtime_clis_for("rkt"));
}

/* Pins the messages users see for refused TARGET strings (the forms
 * themselves are pinned in test_target.c; "db" and "12g4" are names). */
static void test_parse_messages(void **state)
{
	static const struct {
		const char *s, *msg;
	} bad[] = {
		{"rkt://e817", "invalid target 'rkt://e817': unknown runtime "
			       "'rkt' (docker, containerd, cri-o, podman)"},
		{"docker://xyz1", "invalid target 'docker://xyz1': a container "
				  "ID is 4 to 64 lowercase hex digits"},
		{"netns:a/b",
		 "invalid target 'netns:a/b': expected netns:NAME, "
		 "NAME as `ip netns` lists it"},
		{"pid:x", "invalid target 'pid:x': expected a process ID"},
		{"w b", "invalid target 'w b': expected a PID, pid:N, a "
			"namespace file path, netns:NAME, RUNTIME://ID, a "
			"container ID prefix or a container name"},
		/* a relative path without ./ (cd / && -t run/netns/X) */
		{"run/netns/blue", "invalid target 'run/netns/blue': a "
				   "namespace file path must start with /, "
				   "./ or ../"},
		{"ns/", "invalid target 'ns/': a namespace file path must "
			"start with /, ./ or ../"},
	};
	struct nscap_target_spec spec;
	char err[NSCAP_ERRBUF];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(nscap_target_parse(bad[i].s, &spec, err),
				 -EINVAL);
		assert_string_equal(err, bad[i].msg);
	}
}

/* Pins namespace files that are not network namespaces, and one that
 * is: never opened for reading (a FIFO would block, a device could act),
 * and the message names the path. */
static void test_nsfiles(void **state)
{
	struct env *e = *state;
	struct nscap_target t = NSCAP_TARGET_INIT;
	char err[NSCAP_ERRBUF], fifo[300];

	assert_int_equal(nscap_target_resolve("/proc/self/ns/mnt", &t, err),
			 -EINVAL);
	assert_string_equal(err, "/proc/self/ns/mnt is not a network namespace "
				 "(it is a mount namespace)");
	assert_int_equal(nscap_target_resolve("/proc/self/ns/pid", &t, err),
			 -EINVAL);
	assert_non_null(strstr(err, "(it is a PID namespace)"));
	assert_int_equal(nscap_target_resolve("/dev/null", &t, err), -EINVAL);
	assert_string_equal(err, "/dev/null is not a network namespace");
	snprintf(fifo, sizeof(fifo), "%s/fifo", e->bin);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(nscap_target_resolve(fifo, &t, err), -EINVAL);
	assert_int_equal(nscap_target_resolve("/nonexistent/ns", &t, err),
			 -ENOENT);
	assert_string_equal(err, "cannot open /nonexistent/ns: No such file "
				 "or directory");
	assert_int_equal(t.nsfd, -1);

	assert_int_equal(nscap_target_resolve("/proc/self/ns/net", &t, err), 0);
	assert_true(t.nsfd >= 0);
	assert_true(fcntl(t.nsfd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(t.pid, 0);
	assert_int_equal(t.pidfd, -1);
	nscap_target_close(&t);
	assert_int_equal(t.nsfd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_name_through_podman, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_name_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_name_hint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_name_as_sudo_user, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_name_pid_changed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_name_through_crictl, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_which, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run, setup, teardown),
		cmocka_unit_test(test_parse_inspect),
		cmocka_unit_test(test_parse_lists),
		cmocka_unit_test(test_name_like),
		cmocka_unit_test(test_runtime_tables),
		cmocka_unit_test(test_parse_messages),
		cmocka_unit_test_setup_teardown(test_nsfiles, setup, teardown),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
