/*
 * bench_latency: the reader at the end of a capture pipe, for
 * scripts/bench.sh. Reads a pcap or pcapng stream (stdin, or FILE),
 * counts its records and, with -L, measures how late each udpgen packet
 * became readable:
 *
 *   capturer -w - | bench_latency [-L [-D FILE]] [-p PORT] [-b BYTES]
 *   bench_latency [-p PORT] FILE
 *
 * udpgen's payload starts with a 4-byte big-endian sequence number and the
 * 8-byte big-endian CLOCK_REALTIME time taken just before sendmmsg. Over
 * Ethernet + IPv4 (no options) + UDP that is offset 42 of the frame; IP
 * options are honoured. The latency of a packet is CLOCK_REALTIME when the
 * read(2) that completed its record returned, minus that send time: the
 * time from the sender's sendmsg to the packet's bytes being readable on
 * the capturer's stdout (one clock read per read(2), not per packet).
 *
 * pcap: 24-byte file header (micro- or nanosecond magic, either byte
 * order), 16-byte record headers. pcapng: section header, interface
 * description (link type, if_tsresol) and enhanced/simple packet blocks,
 * either byte order; other blocks are skipped.
 *
 * On end of input it prints one line of key=value pairs to stdout:
 * format, records, udp (records to PORT carrying a payload), first_ts_ns
 * and last_ts_ns (packet time stamps of the first and last record),
 * first_read_ns (CLOCK_REALTIME when the first record had been read),
 * bytes, and with -L lat_n, lat_p50_us, lat_p99_us, lat_max_us (-D FILE:
 * also every latency, in microseconds, one a line, sorted). Exit 0,
 * or 1 on a malformed stream (what was counted so far is still printed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BUF (4u << 20)
#define MAX_SAMPLES 20000000u
#define MAX_IFACES 256
#define LINKTYPE_ETHERNET 1

enum fmt { FMT_UNKNOWN, FMT_PCAP, FMT_PCAPNG };

struct iface {
	int linktype;
	uint64_t units_per_s; /* time stamp resolution */
};

struct reader {
	enum fmt fmt;
	bool swap;
	bool pcap_nano;
	int pcap_linktype;
	struct iface ifaces[MAX_IFACES];
	unsigned int nifaces;
	unsigned long port; /* 0: any UDP port */
	bool latency;
	uint64_t records, udp, bytes;
	uint64_t first_ts, last_ts;
	uint64_t first_read; /* CLOCK_REALTIME when the first record was read */
	uint64_t *samples;
	size_t nsamples, cap;
	bool bad;
};

static uint32_t rd32(const struct reader *r, const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const struct reader *r, const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void add_sample(struct reader *r, uint64_t v)
{
	if (r->nsamples == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 65536;
		uint64_t *s;

		if (cap > MAX_SAMPLES)
			return;
		s = realloc(r->samples, cap * sizeof(*s));
		if (!s)
			return;
		r->samples = s;
		r->cap = cap;
	}
	r->samples[r->nsamples++] = v;
}

/* One captured frame: count it, and time it if it is udpgen's. */
static void on_frame(struct reader *r, int linktype, uint64_t ts_ns,
		     const unsigned char *d, uint32_t caplen, uint64_t now)
{
	unsigned int ihl;
	const unsigned char *udp;

	if (r->records == 0) {
		r->first_ts = ts_ns;
		r->first_read = now;
	}
	r->last_ts = ts_ns;
	r->records++;
	r->bytes += caplen;
	if (linktype != LINKTYPE_ETHERNET || caplen < 14 + 20 + 8 + 12)
		return;
	if (d[12] != 0x08 || d[13] != 0x00 || (d[14] >> 4) != 4 || d[23] != 17)
		return;
	ihl = (d[14] & 0x0fu) * 4u;
	if (ihl < 20 || caplen < 14 + ihl + 8 + 12)
		return;
	udp = d + 14 + ihl;
	if (r->port && (((unsigned long)udp[2] << 8) | udp[3]) != r->port)
		return;
	r->udp++;
	if (r->latency) {
		uint64_t sent = be64(udp + 8 + 4);

		add_sample(r, now > sent ? now - sent : 0);
	}
}

static uint64_t pow10u(unsigned int e)
{
	uint64_t v = 1;

	while (e--)
		v *= 10;
	return v;
}

/*
 * Parse what buf holds; returns the bytes consumed (whole headers and
 * records only), or sets r->bad.
 */
static size_t parse(struct reader *r, const unsigned char *buf, size_t len,
		    uint64_t now)
{
	size_t off = 0;

	if (r->fmt == FMT_UNKNOWN) {
		uint32_t m;

		if (len < 24)
			return 0;
		memcpy(&m, buf, 4);
		if (m == 0xa1b2c3d4u || m == 0xa1b23c4du) {
			r->swap = false;
		} else if (m == 0xd4c3b2a1u || m == 0x4d3cb2a1u) {
			r->swap = true;
		} else if (m == 0x0a0d0d0au) {
			r->fmt = FMT_PCAPNG; /* its SHB is a block as any */
		} else {
			r->bad = true;
			return 0;
		}
		if (r->fmt == FMT_UNKNOWN) {
			r->fmt = FMT_PCAP;
			m = rd32(r, buf);
			r->pcap_nano = m == 0xa1b23c4du;
			r->pcap_linktype =
				(int)(rd32(r, buf + 20) & 0x0fffffffu);
			off = 24;
		}
	}

	if (r->fmt == FMT_PCAP) {
		while (len - off >= 16) {
			const unsigned char *h = buf + off;
			uint32_t caplen = rd32(r, h + 8);
			uint64_t ts;

			if (caplen > (64u << 20)) {
				r->bad = true;
				break;
			}
			if (len - off - 16 < caplen)
				break;
			ts = (uint64_t)rd32(r, h) * 1000000000ULL +
			     (uint64_t)rd32(r, h + 4) *
				     (r->pcap_nano ? 1u : 1000u);
			on_frame(r, r->pcap_linktype, ts, h + 16, caplen, now);
			off += 16 + (size_t)caplen;
		}
		return off;
	}

	/* pcapng */
	while (len - off >= 12) {
		const unsigned char *b = buf + off;
		uint32_t type, blen;

		memcpy(&type, b, 4);
		if (type == 0x0a0d0d0au) {
			uint32_t bom;

			memcpy(&bom, b + 8, 4);
			if (bom == 0x1a2b3c4du)
				r->swap = false;
			else if (bom == 0x4d3c2b1au)
				r->swap = true;
			else {
				r->bad = true;
				break;
			}
			r->nifaces = 0; /* a new section */
		}
		type = rd32(r, b);
		blen = rd32(r, b + 4);
		if (blen < 12 || blen % 4 || blen > (64u << 20)) {
			r->bad = true;
			break;
		}
		if (len - off < blen)
			break;
		if (type == 1 && blen >= 20 && r->nifaces < MAX_IFACES) {
			struct iface *f = &r->ifaces[r->nifaces++];
			size_t o = 16;

			f->linktype = rd16(r, b + 8);
			f->units_per_s = 1000000;
			while (o + 4 <= blen - 4) {
				uint16_t code = rd16(r, b + o);
				uint16_t olen = rd16(r, b + o + 2);

				if (code == 0)
					break;
				if (code == 9 && olen == 1) {
					unsigned char v = b[o + 4];

					f->units_per_s =
						v & 0x80 ? (uint64_t)1
								   << (v & 0x7f)
							 : pow10u(v);
				}
				o += 4 + ((olen + 3u) & ~3u);
			}
		} else if (type == 6 && blen >= 32) {
			uint32_t id = rd32(r, b + 8), caplen = rd32(r, b + 20);
			uint64_t t = ((uint64_t)rd32(r, b + 12) << 32) |
				     rd32(r, b + 16);
			const struct iface *f =
				id < r->nifaces ? &r->ifaces[id] : NULL;
			uint64_t ts = 0;

			if (caplen > blen - 32) {
				r->bad = true;
				break;
			}
			if (f && f->units_per_s)
				ts = t / f->units_per_s * 1000000000ULL +
				     t % f->units_per_s * 1000000000ULL /
					     f->units_per_s;
			on_frame(r, f ? f->linktype : -1, ts, b + 28, caplen,
				 now);
		} else if (type == 3 && blen >= 16) {
			uint32_t caplen = blen - 16;
			uint32_t orig = rd32(r, b + 8);

			if (orig < caplen)
				caplen = orig;
			on_frame(r, r->nifaces ? r->ifaces[0].linktype : -1, 0,
				 b + 12, caplen, now);
		}
		off += blen;
	}
	return off;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-th quantile (0..1) of sorted v, nearest rank. */
static double quantile_us(const uint64_t *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return -1;
	i = (size_t)(q * (double)n + 0.999999);
	if (i > 0)
		i--;
	if (i >= n)
		i = n - 1;
	return (double)v[i] / 1000.0;
}

static void usage(void)
{
	fputs("usage: bench_latency [-L [-D FILE]] [-p PORT] [-b BUFBYTES] "
	      "[FILE]\n",
	      stderr);
}

/* Every latency, in microseconds, one a line (for pooling over runs). */
static void dump_samples(const char *path, const uint64_t *v, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f) {
		fprintf(stderr, "bench_latency: cannot open %s: %s\n", path,
			strerror(errno));
		return;
	}
	for (i = 0; i < n; i++)
		fprintf(f, "%.1f\n", (double)v[i] / 1000.0);
	if (fclose(f) != 0)
		fprintf(stderr, "bench_latency: cannot write %s\n", path);
}

int main(int argc, char **argv)
{
	struct reader r;
	unsigned char *buf;
	size_t bufsize = DEFAULT_BUF, have = 0;
	int opt, fd = STDIN_FILENO;
	const char *dump = NULL;

	memset(&r, 0, sizeof(r));
	while ((opt = getopt(argc, argv, "LD:p:b:")) != -1) {
		switch (opt) {
		case 'L':
			r.latency = true;
			break;
		case 'D':
			dump = optarg;
			break;
		case 'p':
			r.port = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			bufsize = strtoul(optarg, NULL, 10);
			if (bufsize < 65536)
				bufsize = 65536;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (optind < argc) {
		fd = open(argv[optind], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "bench_latency: cannot open %s: %s\n",
				argv[optind], strerror(errno));
			return 1;
		}
	}
	/* a record may be as large as 256 KiB: keep room for several */
	if (bufsize < (1u << 20))
		bufsize = 1u << 20;
	buf = malloc(bufsize);
	if (!buf) {
		fputs("bench_latency: out of memory\n", stderr);
		return 1;
	}

	for (;;) {
		ssize_t n = read(fd, buf + have, bufsize - have);
		size_t used;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "bench_latency: cannot read: %s\n",
				strerror(errno));
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		used = parse(&r, buf, have, now_ns());
		if (r.bad)
			break;
		if (used) {
			memmove(buf, buf + used, have - used);
			have -= used;
		}
		if (have == bufsize) {
			r.bad = true; /* one record larger than the buffer */
			break;
		}
	}
	if (r.bad) {
		fputs("bench_latency: malformed capture stream\n", stderr);
		/* keep draining: the writer must not see EPIPE or block */
		while (read(fd, buf, bufsize) > 0)
			;
	}

	printf("format=%s records=%llu udp=%llu bytes=%llu first_ts_ns=%llu "
	       "last_ts_ns=%llu first_read_ns=%llu",
	       r.fmt == FMT_PCAP     ? "pcap"
	       : r.fmt == FMT_PCAPNG ? "pcapng"
				     : "none",
	       (unsigned long long)r.records, (unsigned long long)r.udp,
	       (unsigned long long)r.bytes, (unsigned long long)r.first_ts,
	       (unsigned long long)r.last_ts, (unsigned long long)r.first_read);
	if (r.latency) {
		qsort(r.samples, r.nsamples, sizeof(*r.samples), cmp_u64);
		printf(" lat_n=%zu lat_p50_us=%.1f lat_p99_us=%.1f "
		       "lat_max_us=%.1f",
		       r.nsamples, quantile_us(r.samples, r.nsamples, 0.50),
		       quantile_us(r.samples, r.nsamples, 0.99),
		       quantile_us(r.samples, r.nsamples, 1.0));
		if (dump)
			dump_samples(dump, r.samples, r.nsamples);
	}
	printf("\n");
	free(r.samples);
	free(buf);
	return r.bad ? 1 : 0;
}
