/*
 * bench_sink: a UDP port that is open but never read, for scripts/bench.sh.
 *
 *   bench_sink -p PORT [-t MAX_SECONDS]
 *
 * Binds 0.0.0.0:PORT with a small receive buffer and sleeps until a signal
 * or MAX_SECONDS (default 900). Datagrams to the port are then dropped
 * quietly once the buffer is full, instead of each drawing an ICMP port
 * unreachable back to the sender (which would add packets to every capture
 * and make the sender retry). Run it in the namespace that receives.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_signal(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct sigaction act;
	unsigned long port = 0, secs = 900;
	int opt, fd, rcvbuf = 4096;

	while ((opt = getopt(argc, argv, "p:t:")) != -1) {
		switch (opt) {
		case 'p':
			port = strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = strtoul(optarg, NULL, 10);
			break;
		default:
			fputs("usage: bench_sink -p PORT [-t MAX_SECONDS]\n",
			      stderr);
			return 2;
		}
	}
	if (port == 0 || port > 65535 || secs == 0) {
		fputs("usage: bench_sink -p PORT [-t MAX_SECONDS]\n", stderr);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "bench_sink: cannot open a socket: %s\n",
			strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "bench_sink: cannot bind port %lu: %s\n", port,
			strerror(errno));
		close(fd);
		return 1;
	}
	memset(&act, 0, sizeof(act));
	act.sa_handler = on_signal;
	sigemptyset(&act.sa_mask);
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGHUP, &act, NULL);
	/* sleep(3) returns early on a signal: that is the way out */
	sleep((unsigned int)secs);
	close(fd);
	return 0;
}
