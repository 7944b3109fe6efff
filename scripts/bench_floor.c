/*
 * bench_floor: the floor under any libpcap capturer, for scripts/bench.sh.
 *
 *   bench_floor -i IFACE -w FILE|- [-I] [-D] [-B KIB] [-c COUNT] [-t MS]
 *   bench_floor -W COUNT -s FRAMELEN -w FILE
 *
 * It does the least that a capturer writing pcap must do, and nothing
 * else: libpcap reads the kernel's ring, each packet is copied once into a
 * 1 MiB buffer as a pcap record, and the buffer goes out with write(2).
 * Block mode (TPACKET_V3, -t MS block timeout, 250 as nscap's file mode):
 * the buffer is written when full. -I, immediate mode (what a live pipe
 * needs): written after each wake-up. No rotation, no error recovery, no
 * privilege drop, one interface. The ring is -B KIB (default 8192).
 *
 * -D: the records are written by libpcap's pcap_dump() instead (as tcpdump
 * writes them), into a FILE with a 1 MiB buffer and no stdio locking (as
 * nscap's pcap writer has): the floor of a capturer that both reads and
 * writes pcap with libpcap.
 *
 * Run it as tcpdump is run: nsenter -n -t PID bench_floor -i eth0 -w F.
 * stderr: "listening on IFACE" once capturing, and at the end tcpdump's
 * three statistics lines, so that bench.sh treats it as it treats tcpdump.
 * SIGINT or SIGTERM ends it. Exit 0, or 1 on an error.
 *
 * -W: no capture at all. It writes the file a capture of COUNT packets of
 * FRAMELEN bytes would leave (the same pcap records, 1 MiB a write(2)) and
 * prints "records=COUNT cpu_s=SECONDS" on stdout: the CPU of the writes
 * alone, the kernel's part of a capturer's cost that no capturer escapes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLOOR_BUFSIZE (1u << 20)
#define FLOOR_SNAPLEN 262144

struct floor {
	int fd;
	unsigned char *buf;
	size_t used;
	unsigned long captured;
	unsigned long count; /* stop after this many, 0: never */
	int failed;	     /* errno of a failed write */
	pcap_t *p;
	FILE *fp; /* -D: the dumper's stream, and the dumper */
	pcap_dumper_t *dumper;
};

/* for the signal handler: the one pcap_t while capturing, and whether a
 * stop came (also before the capture began) */
static pcap_t *volatile g_pcap;
static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	pcap_t *p = g_pcap;

	(void)sig;
	g_stop = 1;
	if (p)
		pcap_breakloop(p);
}

static int write_all(int fd, const unsigned char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The buffer out: the floor's own with write(2), or, with -D, the
 * dumper's stream. */
static void flush(struct floor *f)
{
	if (f->dumper) {
		if (pcap_dump_flush(f->dumper) != 0 && !f->failed)
			f->failed = errno ? errno : EIO;
		return;
	}
	if (f->used && !f->failed)
		f->failed = write_all(f->fd, f->buf, f->used);
	f->used = 0;
}

/* One more packet taken; the last one -c wants ends the loop. */
static void taken(struct floor *f)
{
	f->captured++;
	if (f->count && f->captured >= f->count)
		pcap_breakloop(f->p);
}

static void on_packet(unsigned char *user, const struct pcap_pkthdr *h,
		      const unsigned char *data)
{
	struct floor *f = (struct floor *)user;
	uint32_t rec[4];

	if (f->used + sizeof(rec) + h->caplen > FLOOR_BUFSIZE)
		flush(f);
	rec[0] = (uint32_t)h->ts.tv_sec;
	rec[1] = (uint32_t)h->ts.tv_usec;
	rec[2] = h->caplen;
	rec[3] = h->len;
	memcpy(f->buf + f->used, rec, sizeof(rec));
	memcpy(f->buf + f->used + sizeof(rec), data, h->caplen);
	f->used += sizeof(rec) + h->caplen;
	taken(f);
}

static void on_packet_dump(unsigned char *user, const struct pcap_pkthdr *h,
			   const unsigned char *data)
{
	struct floor *f = (struct floor *)user;

	pcap_dump((unsigned char *)f->dumper, h, data);
	taken(f);
}

/* -D: the stream pcap_dump() writes to, and its file header */
static int open_dumper(struct floor *f)
{
	f->fp = fdopen(f->fd, "wb");
	if (!f->fp) {
		fprintf(stderr, "bench_floor: fdopen: %s\n", strerror(errno));
		return 1;
	}
	f->fd = -1; /* the stream's now */
	/* its own buffer: glibc's setvbuf with NULL keeps the default size
	 * (st_blksize, 4 KiB on tmpfs) whatever size is asked */
	if (setvbuf(f->fp, (char *)f->buf, _IOFBF, FLOOR_BUFSIZE) != 0) {
		fputs("bench_floor: setvbuf failed\n", stderr);
		return 1;
	}
	__fsetlocking(f->fp, FSETLOCKING_BYCALLER);
	f->dumper = pcap_dump_fopen(f->p, f->fp);
	if (!f->dumper) {
		fprintf(stderr, "bench_floor: %s\n", pcap_geterr(f->p));
		return 1;
	}
	return 0;
}

static void usage(void)
{
	fputs("usage: bench_floor -i IFACE -w FILE|- [-I] [-D] [-B KIB] "
	      "[-c COUNT] [-t MS]\n"
	      "       bench_floor -W COUNT -s FRAMELEN -w FILE\n",
	      stderr);
}

/* The 24-byte pcap file header (pcap-savefile(5)), native byte order. */
static void file_header(struct floor *f, int linktype)
{
	struct pcap_file_header fh = {
		.magic = 0xa1b2c3d4,
		.version_major = PCAP_VERSION_MAJOR,
		.version_minor = PCAP_VERSION_MINOR,
		.snaplen = FLOOR_SNAPLEN,
		.linktype = (bpf_u_int32)linktype,
	};

	memcpy(f->buf, &fh, sizeof(fh));
	f->used = sizeof(fh);
	flush(f);
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* -W: the buffer holds as many whole records of framelen bytes as fit,
 * made once; the file gets it again and again, then the rest. */
static int write_only(struct floor *f, unsigned long count, size_t framelen)
{
	size_t rec = 16 + framelen, per_buf = FLOOR_BUFSIZE / rec, i;
	uint32_t hdr[4] = {0, 0, (uint32_t)framelen, (uint32_t)framelen};
	double t0;

	file_header(f, DLT_EN10MB);
	memset(f->buf, 0, FLOOR_BUFSIZE);
	for (i = 0; i < per_buf; i++)
		memcpy(f->buf + i * rec, hdr, sizeof(hdr));
	t0 = cpu_now();
	while (count > 0 && !f->failed && !g_stop) {
		size_t n = count < per_buf ? count : per_buf;

		f->used = n * rec;
		flush(f);
		f->captured += n;
		count -= n;
	}
	if (f->failed) {
		fprintf(stderr, "bench_floor: write: %s\n",
			strerror(f->failed));
		return 1;
	}
	printf("records=%lu cpu_s=%.6f\n", f->captured, cpu_now() - t0);
	return 0;
}

static int setup(struct floor *f, const char *iface, bool immediate,
		 int ring_kib, int timeout_ms)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, errbuf);
	int ret;

	if (!p) {
		fprintf(stderr, "bench_floor: %s\n", errbuf);
		return 1;
	}
	pcap_set_snaplen(p, FLOOR_SNAPLEN);
	pcap_set_promisc(p, 1);
	pcap_set_buffer_size(p, ring_kib * 1024);
	pcap_set_timeout(p, timeout_ms);
	pcap_set_immediate_mode(p, immediate);
	ret = pcap_activate(p);
	if (ret < 0) {
		fprintf(stderr, "bench_floor: %s: %s\n", iface, pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	f->p = p;
	return 0;
}

static int capture(struct floor *f, bool immediate)
{
	pcap_handler cb = f->dumper ? on_packet_dump : on_packet;

	g_pcap = f->p;
	while (!g_stop) {
		int n = pcap_dispatch(f->p, -1, cb, (unsigned char *)f);

		if (n == PCAP_ERROR) {
			fprintf(stderr, "bench_floor: %s\n", pcap_geterr(f->p));
			return 1;
		}
		if (immediate)
			flush(f);
		if (n == PCAP_ERROR_BREAK || f->failed)
			break;
	}
	flush(f);
	if (f->failed) {
		fprintf(stderr, "bench_floor: write: %s\n",
			strerror(f->failed));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct floor f = {.fd = -1};
	const char *iface = NULL, *out = NULL;
	struct sigaction act;
	struct pcap_stat st;
	int opt, ring_kib = 8192, timeout_ms = 250, ret;
	unsigned long write_count = 0;
	size_t framelen = 0;
	bool immediate = false, dump = false;

	while ((opt = getopt(argc, argv, "i:w:IDB:c:t:W:s:")) != -1) {
		switch (opt) {
		case 'i':
			iface = optarg;
			break;
		case 'w':
			out = optarg;
			break;
		case 'I':
			immediate = true;
			break;
		case 'D':
			dump = true;
			break;
		case 'B':
			ring_kib = (int)strtol(optarg, NULL, 10);
			break;
		case 'c':
			f.count = strtoul(optarg, NULL, 10);
			break;
		case 't':
			timeout_ms = (int)strtol(optarg, NULL, 10);
			break;
		case 'W':
			write_count = strtoul(optarg, NULL, 10);
			break;
		case 's':
			framelen = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
			return 2;
		}
	}
	if (write_count && (framelen == 0 || framelen > FLOOR_SNAPLEN || !out ||
			    strcmp(out, "-") == 0)) {
		usage();
		return 2;
	}
	if (!write_count &&
	    (!iface || !out || ring_kib <= 0 || timeout_ms <= 0)) {
		usage();
		return 2;
	}
	f.buf = malloc(FLOOR_BUFSIZE);
	if (!f.buf) {
		fputs("bench_floor: out of memory\n", stderr);
		return 1;
	}
	f.fd = strcmp(out, "-") == 0
		       ? STDOUT_FILENO
		       : open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0644);
	if (f.fd < 0) {
		fprintf(stderr, "bench_floor: %s: %s\n", out, strerror(errno));
		free(f.buf);
		return 1;
	}
	memset(&act, 0, sizeof(act));
	act.sa_handler = on_signal; /* no SA_RESTART: the wait ends */
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (write_count) {
		ret = write_only(&f, write_count, framelen);
	} else if ((ret = setup(&f, iface, immediate, ring_kib, timeout_ms)) ==
		   0) {
		if (dump)
			ret = open_dumper(&f);
		else
			file_header(&f, pcap_datalink(f.p));
		if (ret == 0) {
			fprintf(stderr, "listening on %s\n", iface);
			ret = capture(&f, immediate);
		}
		g_pcap = NULL;
		if (pcap_stats(f.p, &st) == 0)
			fprintf(stderr,
				"%lu packets captured\n"
				"%u packets received by filter\n"
				"%u packets dropped by kernel\n",
				f.captured, st.ps_recv, st.ps_drop);
		if (f.dumper)
			pcap_dump_close(f.dumper); /* closes fp */
		else if (f.fp)
			fclose(f.fp);
		pcap_close(f.p);
	}
	if (f.fd >= 0 && f.fd != STDOUT_FILENO)
		close(f.fd);
	free(f.buf);
	return ret;
}
