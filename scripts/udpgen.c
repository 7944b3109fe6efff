/*
 * udpgen: a bounded UDP traffic generator for nscap's tests and benchmarks.
 *
 *   udpgen -d ADDR -p PORT -n COUNT [-s PAYLOAD_BYTES] [-r PPS]
 *          [-t MAX_SECONDS] [-b BIND_ADDR]
 *
 * Every run is bounded twice: COUNT packets (required, at most 100000000)
 * and MAX_SECONDS (default 60), whichever comes first. It only sends to the
 * documentation and loopback ranges (127.0.0.0/8, 192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24) and refuses anything else before it
 * creates a socket. In the host's network namespace (PID 1's) it also asks
 * the kernel which interface the packets would leave by and refuses unless
 * that is loopback or a veth, i.e. the traffic stays on this machine: a
 * documentation range can be a real network (it is on some test hosts).
 *
 * Payload: 4-byte big-endian sequence number (0, 1, ...), 8-byte big-endian
 * CLOCK_REALTIME send time in ns, zero padding up to PAYLOAD_BYTES (min 12,
 * default 18: a 60-byte frame on Ethernet). -r 0 sends as fast as it can,
 * in sendmmsg batches of 64; with a rate, packets are paced on
 * CLOCK_MONOTONIC with absolute clock_nanosleep, and any that fall due
 * together (high rates) go out in one batch. Packets in one batch share a
 * timestamp, taken just before the batch is sent.
 *
 * On exit it prints one line to stdout: sent N packets in S.sss s (R pps).
 * Exit status: 0 done (count or time limit reached, or interrupted),
 * 1 runtime error, 2 usage error or refused destination.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNT 100000000UL
#define MAX_RATE 100000000UL
#define MAX_SECONDS 86400.0
#define DEFAULT_SECONDS 60.0
#define MIN_PAYLOAD 12UL
#define DEFAULT_PAYLOAD 18UL
#define MAX_PAYLOAD 65507UL /* 65535 - 20 (IPv4) - 8 (UDP) */
#define BATCH 64
#define NSEC_PER_SEC 1000000000ULL

struct config {
	struct in_addr dst;
	const char *dst_str;
	struct in_addr bind;
	bool has_bind;
	unsigned long port;
	unsigned long count;
	unsigned long payload;
	unsigned long rate; /* 0: as fast as possible */
	double max_seconds;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void __attribute__((format(printf, 1, 2))) errmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("udpgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fputs("Usage: udpgen -d ADDR -p PORT -n COUNT [-s PAYLOAD_BYTES] "
	      "[-r PPS]\n"
	      "              [-t MAX_SECONDS] [-b BIND_ADDR]\n"
	      "\n"
	      "Send COUNT UDP packets to ADDR:PORT, then stop; stop earlier "
	      "after MAX_SECONDS\n"
	      "(default 60). ADDR must be in 127.0.0.0/8, 192.0.2.0/24, "
	      "198.51.100.0/24 or\n"
	      "203.0.113.0/24. Payload: 4-byte sequence number, 8-byte "
	      "send time (ns since\n"
	      "the epoch), both big-endian, zero-padded to PAYLOAD_BYTES\n"
	      "(12..65507, default 18).\n"
	      "-r 0 (default) sends as fast as possible.\n",
	      f);
}

static bool parse_ulong(const char *s, unsigned long min, unsigned long max,
			unsigned long *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_seconds(const char *s, double *out)
{
	double v;
	char *end;

	if ((*s < '0' || *s > '9') && *s != '.')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0.0) || v > MAX_SECONDS)
		return false;
	*out = v;
	return true;
}

/* The only destinations udpgen will send to. */
static bool destination_allowed(struct in_addr a)
{
	static const struct {
		uint32_t net, mask;
	} allowed[] = {
		{0x7f000000, 0xff000000}, /* 127.0.0.0/8 */
		{0xc0000200, 0xffffff00}, /* 192.0.2.0/24 */
		{0xc6336400, 0xffffff00}, /* 198.51.100.0/24 */
		{0xcb007100, 0xffffff00}, /* 203.0.113.0/24 */
	};
	uint32_t h = ntohl(a.s_addr);
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if ((h & allowed[i].mask) == allowed[i].net)
			return true;
	return false;
}

/* Parse and validate; no sockets, no files. Returns 0 or an exit status. */
static int parse_args(int argc, char **argv, struct config *c)
{
	const char *bind_str = NULL;
	bool have_port = false, have_count = false;
	int opt;

	memset(c, 0, sizeof(*c));
	c->payload = DEFAULT_PAYLOAD;
	c->max_seconds = DEFAULT_SECONDS;
	opterr = 0;
	while ((opt = getopt(argc, argv, ":d:p:n:s:r:t:b:h")) != -1) {
		switch (opt) {
		case 'd':
			c->dst_str = optarg;
			break;
		case 'p':
			if (!parse_ulong(optarg, 1, 65535, &c->port)) {
				errmsg("invalid port '%s' (1..65535)", optarg);
				return 2;
			}
			have_port = true;
			break;
		case 'n':
			if (!parse_ulong(optarg, 1, MAX_COUNT, &c->count)) {
				errmsg("invalid count '%s' (1..%lu)", optarg,
				       MAX_COUNT);
				return 2;
			}
			have_count = true;
			break;
		case 's':
			if (!parse_ulong(optarg, MIN_PAYLOAD, MAX_PAYLOAD,
					 &c->payload)) {
				errmsg("invalid payload size '%s' (%lu..%lu "
				       "bytes)",
				       optarg, MIN_PAYLOAD, MAX_PAYLOAD);
				return 2;
			}
			break;
		case 'r':
			if (!parse_ulong(optarg, 0, MAX_RATE, &c->rate)) {
				errmsg("invalid rate '%s' (0..%lu packets per "
				       "second, 0: as fast as possible)",
				       optarg, MAX_RATE);
				return 2;
			}
			break;
		case 't':
			if (!parse_seconds(optarg, &c->max_seconds)) {
				errmsg("invalid time limit '%s' (seconds, more "
				       "than 0, at most %.0f)",
				       optarg, MAX_SECONDS);
				return 2;
			}
			break;
		case 'b':
			bind_str = optarg;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) ? 1 : -1;
		case ':':
			errmsg("option -%c needs a value", optopt);
			usage(stderr);
			return 2;
		default:
			errmsg("unknown option -%c", optopt);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		errmsg("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (!c->dst_str || !have_port || !have_count) {
		errmsg("-d ADDR, -p PORT and -n COUNT are required");
		usage(stderr);
		return 2;
	}
	if (inet_pton(AF_INET, c->dst_str, &c->dst) != 1) {
		errmsg("invalid destination '%s' (an IPv4 address)",
		       c->dst_str);
		return 2;
	}
	if (!destination_allowed(c->dst)) {
		errmsg("refusing destination %s: not in 127.0.0.0/8, "
		       "192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24",
		       c->dst_str);
		return 2;
	}
	if (bind_str) {
		if (inet_pton(AF_INET, bind_str, &c->bind) != 1) {
			errmsg("invalid bind address '%s' (an IPv4 address)",
			       bind_str);
			return 2;
		}
		c->has_bind = true;
	}
	return 0;
}

/* Is this process in PID 1's network namespace (or can it not tell)? */
static bool in_host_netns(void)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) < 0 ||
	    stat("/proc/1/ns/net", &init) < 0)
		return true;
	return self.st_ino == init.st_ino && self.st_dev == init.st_dev;
}

/*
 * Ask the kernel (as `ip route get` does) which interface a packet to dst
 * would leave by. Returns the ifindex, or -1 with the message printed.
 */
static int egress_ifindex(const struct config *c)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[64];
	} req;
	union {
		struct nlmsghdr nh;
		char buf[8192];
	} resp;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct rtattr *rta;
	struct nlmsghdr *nh;
	int fd, len, attrlen, oif = -1;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = AF_INET;
	req.rt.rtm_dst_len = 32;
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = RTA_DST;
	rta->rta_len = RTA_LENGTH(sizeof(c->dst));
	memcpy(RTA_DATA(rta), &c->dst, sizeof(c->dst));
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + rta->rta_len;
	if (c->has_bind) {
		rta = (struct rtattr *)((char *)&req +
					NLMSG_ALIGN(req.nh.nlmsg_len));
		rta->rta_type = RTA_SRC;
		rta->rta_len = RTA_LENGTH(sizeof(c->bind));
		memcpy(RTA_DATA(rta), &c->bind, sizeof(c->bind));
		req.rt.rtm_src_len = 32;
		req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + rta->rta_len;
	}

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		errmsg("cannot open a netlink socket: %s", strerror(errno));
		return -1;
	}
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		errmsg("cannot ask for the route to %s: %s", c->dst_str,
		       strerror(errno));
		goto out;
	}
	len = (int)recv(fd, resp.buf, sizeof(resp.buf), 0);
	if (len < 0) {
		errmsg("cannot read the route to %s: %s", c->dst_str,
		       strerror(errno));
		goto out;
	}
	for (nh = &resp.nh; NLMSG_OK(nh, (unsigned int)len);
	     nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			errmsg("no route to %s: %s", c->dst_str,
			       strerror(e->error ? -e->error : EINVAL));
			goto out;
		}
		if (nh->nlmsg_type != RTM_NEWROUTE)
			continue;
		attrlen = (int)RTM_PAYLOAD(nh);
		for (rta = RTM_RTA(NLMSG_DATA(nh)); RTA_OK(rta, attrlen);
		     rta = RTA_NEXT(rta, attrlen))
			if (rta->rta_type == RTA_OIF)
				memcpy(&oif, RTA_DATA(rta), sizeof(oif));
		break;
	}
	if (oif < 0)
		errmsg("cannot tell which interface %s is reached by",
		       c->dst_str);
out:
	close(fd);
	return oif;
}

/*
 * In the host's namespace, refuse unless packets stay on the machine:
 * out of loopback, or into a veth (whose other end is in a namespace).
 * Returns 0 if sending is allowed, else an exit status.
 */
static int check_egress(const struct config *c)
{
	struct ethtool_drvinfo info;
	struct ifreq ifr;
	char name[IF_NAMESIZE] = "?";
	int ifindex, fd, status = 1;

	if (!in_host_netns())
		return 0;
	ifindex = egress_ifindex(c);
	if (ifindex < 0)
		return 1;
	if (!if_indextoname((unsigned int)ifindex, name)) {
		errmsg("cannot name interface %d: %s", ifindex,
		       strerror(errno));
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errmsg("cannot open a socket: %s", strerror(errno));
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		errmsg("cannot read the flags of %s: %s", name,
		       strerror(errno));
		goto out;
	}
	if (ifr.ifr_flags & IFF_LOOPBACK) {
		status = 0;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	info.cmd = ETHTOOL_GDRVINFO;
	ifr.ifr_data = (char *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 &&
	    strcmp(info.driver, "veth") == 0) {
		status = 0;
		goto out;
	}
	errmsg("refusing to send to %s out of %s (driver %s) from the host's "
	       "network namespace: only loopback and veth links; run udpgen "
	       "in a test namespace (ip netns exec NS udpgen ...)",
	       c->dst_str, name, info.driver[0] ? info.driver : "unknown");
	status = 2;
out:
	close(fd);
	return status;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static int open_socket(const struct config *c)
{
	struct sockaddr_in sa;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		errmsg("cannot open a UDP socket: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (c->has_bind) {
		sa.sin_addr = c->bind;
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			errmsg("cannot bind to %s: %s", inet_ntoa(c->bind),
			       strerror(errno));
			close(fd);
			return -1;
		}
	}
	sa.sin_addr = c->dst;
	sa.sin_port = htons((uint16_t)c->port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		errmsg("cannot send to %s:%lu: %s", c->dst_str, c->port,
		       strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Errors after which the same packets are tried again: a queue that is
 * full for a moment, or an ICMP port unreachable for an earlier packet
 * (reported on a connected socket by the next send, which it fails).
 */
static bool transient(int err)
{
	return err == ENOBUFS || err == EAGAIN || err == ECONNREFUSED ||
	       err == EINTR;
}

/*
 * With a rate, packet k is due at start + k / rate. Returns how many are
 * due by now, at most BATCH; if none, sleeps until the next one (or the
 * deadline, or a signal) and returns 0.
 */
static unsigned int paced(const struct config *c, uint64_t start, uint64_t now,
			  uint64_t deadline, unsigned long n)
{
	double per_ns = (double)c->rate / (double)NSEC_PER_SEC;
	uint64_t due, when;
	struct timespec ts;

	due = (uint64_t)((double)(now - start) * per_ns) + 1;
	if (due > n)
		return due - n < BATCH ? (unsigned int)(due - n) : BATCH;
	when = start + (uint64_t)((double)n / per_ns);
	if (when > deadline)
		when = deadline;
	ts.tv_sec = (time_t)(when / NSEC_PER_SEC);
	ts.tv_nsec = (long)(when % NSEC_PER_SEC);
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	return 0;
}

/* Send until count, deadline or signal; returns 0 or 1, *sent set. */
static int send_loop(const struct config *c, int fd, unsigned char *bufs,
		     uint64_t start, uint64_t *end, unsigned long *sent)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint64_t deadline, stamp;
	unsigned long n = 0;
	unsigned int i;
	int got, ret = 0;

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs + (size_t)i * c->payload;
		iov[i].iov_len = c->payload;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	deadline = start + (uint64_t)(c->max_seconds * (double)NSEC_PER_SEC);

	while (n < c->count && !stop_requested) {
		uint64_t now = now_ns(CLOCK_MONOTONIC);
		unsigned int want = BATCH;

		if (now >= deadline)
			break;
		if (c->rate) {
			want = paced(c, start, now, deadline, n);
			if (!want)
				continue;
		}
		if (c->count - n < want)
			want = (unsigned int)(c->count - n);

		stamp = now_ns(CLOCK_REALTIME);
		for (i = 0; i < want; i++) {
			unsigned char *p = bufs + (size_t)i * c->payload;

			put_be32(p, (uint32_t)(n + i));
			put_be64(p + 4, stamp);
		}
		got = sendmmsg(fd, msgs, want, 0);
		if (got < 0) {
			if (transient(errno))
				continue;
			errmsg("cannot send to %s:%lu: %s", c->dst_str, c->port,
			       strerror(errno));
			ret = 1;
			break;
		}
		n += (unsigned long)got;
	}
	*end = now_ns(CLOCK_MONOTONIC);
	*sent = n;
	return ret;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct config c;
	unsigned char *bufs = NULL;
	unsigned long sent = 0;
	uint64_t start, end;
	double secs;
	int fd = -1, status;

	status = parse_args(argc, argv, &c);
	if (status)
		return status < 0 ? 0 : status;
	/* no socket exists before this point */
	status = check_egress(&c);
	if (status)
		return status;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: sleeps end early */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	bufs = calloc(BATCH, c.payload);
	if (!bufs) {
		errmsg("cannot allocate %d buffers of %lu bytes", BATCH,
		       c.payload);
		return 1;
	}
	fd = open_socket(&c);
	if (fd < 0) {
		free(bufs);
		return 1;
	}

	start = now_ns(CLOCK_MONOTONIC);
	status = send_loop(&c, fd, bufs, start, &end, &sent);
	close(fd);
	free(bufs);

	secs = (double)(end - start) / (double)NSEC_PER_SEC;
	printf("sent %lu packets in %.3f s (%.0f pps)\n", sent, secs,
	       secs > 0 ? (double)sent / secs : 0.0);
	if (fflush(stdout) != 0) {
		errmsg("cannot write to stdout: %s", strerror(errno));
		return 1;
	}
	return status;
}
