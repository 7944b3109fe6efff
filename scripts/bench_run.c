/*
 * bench_run: run one command and report what it cost, for scripts/bench.sh.
 *
 *   bench_run -o STATFILE [-p PIDFILE] -- CMD [ARGS...]
 *
 * Forks, execs CMD (stdin, stdout and stderr are inherited), writes the
 * child's PID to PIDFILE, forwards SIGINT, SIGTERM and SIGHUP to it, and
 * when it ends writes one line of key=value pairs to STATFILE:
 *
 *   start_ns  CLOCK_REALTIME just before fork (the exec follows at once)
 *   end_ns    CLOCK_REALTIME when wait4 returned
 *   wall_s user_s sys_s maxrss_kb   from wait4's rusage of the child
 *   status    exit status, or 128 + signal
 *
 * `nsenter -n -t PID tcpdump` execs tcpdump in place (no fork without a
 * PID namespace), so the child is the capturer itself and its rusage is
 * the capturer's. bench_run exits with the child's status.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int write_pidfile(const char *path, pid_t pid)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "we");
	if (!f)
		return -1;
	fprintf(f, "%d\n", (int)pid);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

int main(int argc, char **argv)
{
	const char *statfile = NULL, *pidfile = NULL;
	struct sigaction sa;
	struct rusage ru;
	uint64_t start, end;
	int opt, wstatus = 0, status;
	pid_t pid;
	FILE *f;

	while ((opt = getopt(argc, argv, "+o:p:")) != -1) {
		switch (opt) {
		case 'o':
			statfile = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		default:
			fprintf(stderr, "usage: bench_run -o STATFILE "
					"[-p PIDFILE] -- CMD [ARGS...]\n");
			return 2;
		}
	}
	if (!statfile || optind >= argc) {
		fprintf(stderr, "usage: bench_run -o STATFILE [-p PIDFILE] "
				"-- CMD [ARGS...]\n");
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	start = realtime_ns();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "bench_run: cannot fork: %s\n",
			strerror(errno));
		return 1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "bench_run: cannot run %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	child_pid = pid;
	if (pidfile && write_pidfile(pidfile, pid) < 0)
		fprintf(stderr, "bench_run: cannot write %s: %s\n", pidfile,
			strerror(errno));

	while (wait4(pid, &wstatus, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench_run: cannot wait: %s\n",
				strerror(errno));
			return 1;
		}
	}
	end = realtime_ns();
	child_pid = 0;
	if (WIFEXITED(wstatus))
		status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		status = 128 + WTERMSIG(wstatus);
	else
		status = 1;

	f = fopen(statfile, "we");
	if (!f) {
		fprintf(stderr, "bench_run: cannot write %s: %s\n", statfile,
			strerror(errno));
		return 1;
	}
	fprintf(f,
		"start_ns=%llu end_ns=%llu wall_s=%.6f user_s=%.6f "
		"sys_s=%.6f maxrss_kb=%ld status=%d\n",
		(unsigned long long)start, (unsigned long long)end,
		(double)(end - start) / 1e9, tv_s(ru.ru_utime),
		tv_s(ru.ru_stime), ru.ru_maxrss, status);
	if (fclose(f) != 0)
		return 1;
	return status;
}
