/*
 * Unit tests for src/writer_pcap.c, through the nscap_writer_pcap table:
 * the exact bytes of the pcap file format (the 24-byte global header and
 * the 16-byte record headers, in the writer's byte order as libpcap writes
 * them), timestamp conversion between nanoseconds and microseconds, EPIPE
 * when the reader of a pipe goes away, and a round trip through libpcap's
 * own reader. Then sizes as the rotation policy counts them, a file that
 * ends at a whole record after every write (stdio never writes half of
 * one), and disk faults: a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored)
 * makes write(2) fail with EFBIG at a size of the test's choosing, after
 * which the file must be cut back to whole records, the packets counted
 * as lost, and resume must append after the last whole record.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "nscap/err.h"
#include "nscap/writer.h"

/* pcap file format magic numbers (pcap-savefile(5)) */
#define MAGIC_MICRO 0xa1b2c3d4u
#define MAGIC_NANO 0xa1b23c4du
#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW 101 /* DLT_RAW is 12 on Linux: the file says 101 */

struct tmp {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
};

/* The expected bytes of a file, built field by field in host order. */
struct bytes {
	unsigned char b[8192];
	size_t n;
};

static void put(struct bytes *e, const void *p, size_t n)
{
	assert_true(e->n + n <= sizeof(e->b));
	memcpy(e->b + e->n, p, n);
	e->n += n;
}

static void put32(struct bytes *e, uint32_t v)
{
	put(e, &v, sizeof(v));
}

static void put16(struct bytes *e, uint16_t v)
{
	put(e, &v, sizeof(v));
}

static void put_header(struct bytes *e, uint32_t magic, uint32_t snaplen,
		       uint32_t linktype)
{
	put32(e, magic);
	put16(e, 2); /* version 2.4 */
	put16(e, 4);
	put32(e, 0); /* thiszone */
	put32(e, 0); /* sigfigs */
	put32(e, snaplen);
	put32(e, linktype);
}

static void put_record(struct bytes *e, uint32_t sec, uint32_t frac,
		       uint32_t caplen, uint32_t len, const void *data)
{
	put32(e, sec);
	put32(e, frac);
	put32(e, caplen);
	put32(e, len);
	put(e, data, caplen);
}

/* The whole file at path. */
static void read_all(const char *path, struct bytes *got)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	got->n = 0;
	while ((n = read(fd, got->b + got->n, sizeof(got->b) - got->n)) > 0)
		got->n += (size_t)n;
	assert_int_equal(n, 0);
	close(fd);
}

static void assert_bytes_equal(const struct bytes *got,
			       const struct bytes *want)
{
	assert_int_equal(got->n, want->n);
	assert_memory_equal(got->b, want->b, want->n);
}

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	const char *base = getenv("TMPDIR");

	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "%s/nscap-writer-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->path, sizeof(t->path), "%s/out.pcap", t->dir);
	*state = t;
	return 0;
}

/* The file size limit the tests started with; teardown restores it. */
static struct rlimit fsize_limit;

/* Writes beyond n bytes of any file fail with EFBIG from now on. */
static void limit_file_size(rlim_t n)
{
	struct rlimit r = fsize_limit;

	assert_true(n <= fsize_limit.rlim_cur);
	r.rlim_cur = n;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &r), 0);
}

static void unlimit_file_size(void)
{
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &fsize_limit), 0);
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	setrlimit(RLIMIT_FSIZE, &fsize_limit);
	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	/* a reader that goes away must show as EPIPE, not kill the test */
	signal(SIGPIPE, SIG_IGN);
	/* a file size limit must show as EFBIG, not kill the test */
	signal(SIGXFSZ, SIG_IGN);
	return getrlimit(RLIMIT_FSIZE, &fsize_limit);
}

/* A one-interface config, the common case. The iface outlives the open. */
struct cfg1 {
	struct nscap_writer_iface iface;
	struct nscap_writer_config cfg;
};

static const struct nscap_writer_config *
config(struct cfg1 *c, int linktype, int snaplen, bool in_nano, bool out_nano)
{
	memset(c, 0, sizeof(*c));
	c->iface.name = "eth0";
	c->iface.linktype = linktype;
	c->iface.snaplen = snaplen;
	c->cfg.ifaces = &c->iface;
	c->cfg.nifaces = 1;
	c->cfg.in_nano = in_nano;
	c->cfg.out_nano = out_nano;
	return &c->cfg;
}

/* Open the writer on a new file at t->path. */
static struct nscap_writer *open_file(struct tmp *t,
				      const struct nscap_writer_config *cfg)
{
	struct nscap_writer *w = NULL;
	char err[NSCAP_ERRBUF] = "";
	int fd;

	fd = open(t->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	if (nscap_writer_pcap.open(&w, fd, cfg, err) != 0)
		fail_msg("open: %s", err);
	assert_non_null(w);
	return w;
}

static void write_ok(struct nscap_writer *w, long sec, long frac,
		     uint32_t caplen, uint32_t len, const unsigned char *data)
{
	struct pcap_pkthdr h;
	char err[NSCAP_ERRBUF] = "";

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = sec;
	h.ts.tv_usec = frac;
	h.caplen = caplen;
	h.len = len;
	if (nscap_writer_pcap.write(w, 0, &h, data, err) != 0)
		fail_msg("write: %s", err);
}

static void close_ok(struct nscap_writer *w)
{
	char err[NSCAP_ERRBUF] = "";

	if (nscap_writer_pcap.close(w, err) != 0)
		fail_msg("close: %s", err);
}

/* A 60-byte Ethernet frame: broadcast ARP request 10.0.0.1 -> 10.0.0.2. */
static const unsigned char arp[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
};

/* Pins the table itself. */
static void test_ops_table(void **state)
{
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_string_equal(nscap_writer_pcap.name, "pcap");
	assert_non_null(nscap_writer_pcap.open);
	assert_non_null(nscap_writer_pcap.add_iface);
	assert_non_null(nscap_writer_pcap.write);
	assert_non_null(nscap_writer_pcap.stats);
	assert_non_null(nscap_writer_pcap.flush);
	assert_non_null(nscap_writer_pcap.close);
	assert_non_null(nscap_writer_pcap.size);
	assert_non_null(nscap_writer_pcap.record_size);
	assert_non_null(nscap_writer_pcap.trailer_size);
	assert_non_null(nscap_writer_pcap.lost);
	assert_non_null(nscap_writer_pcap.resume);
	/* close accepts NULL */
	assert_int_equal(nscap_writer_pcap.close(NULL, err), 0);
}

/*
 * Pins the microsecond global header. The literal bytes are the first 24
 * of a file that tcpdump 4.99.3 wrote on this (little-endian) machine with
 * "tcpdump -i lo -w": magic, 2.4, thiszone, sigfigs, 262144, Ethernet.
 */
static void test_header_micro(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 262144, false, false);
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;

	close_ok(open_file(t, cfg));
	read_all(t->path, &got);
	put_header(&want, MAGIC_MICRO, 262144, LINKTYPE_ETHERNET);
	assert_bytes_equal(&got, &want);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		static const unsigned char tcpdump[24] = {
			0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,
			0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
		};
		assert_memory_equal(got.b, tcpdump, sizeof(tcpdump));
	}
#endif
}

/* Pins the nanosecond magic, the snaplen field and DLT -> LINKTYPE. */
static void test_header_nano_raw(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_RAW, 65535, true, true);
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;

	close_ok(open_file(t, cfg));
	read_all(t->path, &got);
	put_header(&want, MAGIC_NANO, 65535, LINKTYPE_RAW);
	assert_bytes_equal(&got, &want);
}

/* Pins that the header reaches a pipe at open, before any packet: a
 * reader such as "wireshark -k -i -" waits for it. */
static void test_header_sent_at_open(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 262144, false, false);
	struct nscap_writer *w = NULL;
	struct bytes want = {.n = 0}, got = {.n = 0};
	char err[NSCAP_ERRBUF];
	int p[2];
	ssize_t n;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(nscap_writer_pcap.open(&w, p[1], cfg, err), 0);
	n = read(p[0], got.b, sizeof(got.b));
	assert_int_equal(n, 24);
	got.n = (size_t)n;
	put_header(&want, MAGIC_MICRO, 262144, LINKTYPE_ETHERNET);
	assert_bytes_equal(&got, &want);
	close_ok(w);
	/* close closed the write end: the reader sees the end */
	assert_int_equal(read(p[0], got.b, sizeof(got.b)), 0);
	close(p[0]);
}

/* Pins the record layout: ts, caplen, len, then caplen bytes of data. */
static void test_records_micro(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 262144, false, false);
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;
	struct nscap_writer *w;

	w = open_file(t, cfg);
	write_ok(w, 1700000000, 123456, 60, 60, arp);
	write_ok(w, 1700000001, 999999, 14, 1514, arp);
	close_ok(w);

	read_all(t->path, &got);
	put_header(&want, MAGIC_MICRO, 262144, LINKTYPE_ETHERNET);
	put_record(&want, 1700000000, 123456, 60, 60, arp);
	put_record(&want, 1700000001, 999999, 14, 1514, arp);
	assert_bytes_equal(&got, &want);
}

/* Pins caplen and len as given: a cut packet keeps its wire length, and a
 * record with no data is still a record. */
static void test_caplen_len_kept(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 96, false, false);
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;
	struct nscap_writer *w;

	w = open_file(t, cfg);
	write_ok(w, 1, 2, 3, 1514, arp);
	write_ok(w, 4, 5, 0, 60, arp);
	close_ok(w);

	read_all(t->path, &got);
	put_header(&want, MAGIC_MICRO, 96, LINKTYPE_ETHERNET);
	put_record(&want, 1, 2, 3, 1514, arp);
	put_record(&want, 4, 5, 0, 60, arp);
	assert_bytes_equal(&got, &want);
}

/* Pins nanosecond input written as microseconds: truncated, not rounded. */
static void test_nano_in_micro_out(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 262144, true, false);
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;
	struct nscap_writer *w;

	w = open_file(t, cfg);
	write_ok(w, 1700000000, 123456789, 60, 60, arp);
	write_ok(w, 1700000000, 999999999, 60, 60, arp);
	write_ok(w, 1700000001, 999, 60, 60, arp);
	close_ok(w);

	read_all(t->path, &got);
	put_header(&want, MAGIC_MICRO, 262144, LINKTYPE_ETHERNET);
	put_record(&want, 1700000000, 123456, 60, 60, arp);
	put_record(&want, 1700000000, 999999, 60, 60, arp);
	put_record(&want, 1700000001, 0, 60, 60, arp);
	assert_bytes_equal(&got, &want);
}

/* Pins out_nano: nanosecond magic and nanoseconds kept (or made). */
static void test_nano_out(void **state)
{
	struct cfg1 nano_c;
	const struct nscap_writer_config *nano =
		config(&nano_c, DLT_EN10MB, 262144, true, true);
	struct cfg1 micro_c;
	const struct nscap_writer_config *micro =
		config(&micro_c, DLT_EN10MB, 262144, false, true);
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;
	struct nscap_writer *w;

	w = open_file(t, nano);
	write_ok(w, 1700000000, 123456789, 60, 60, arp);
	close_ok(w);
	read_all(t->path, &got);
	put_header(&want, MAGIC_NANO, 262144, LINKTYPE_ETHERNET);
	put_record(&want, 1700000000, 123456789, 60, 60, arp);
	assert_bytes_equal(&got, &want);

	w = open_file(t, micro);
	write_ok(w, 1700000000, 123456, 60, 60, arp);
	close_ok(w);
	read_all(t->path, &got);
	want.n = 0;
	put_header(&want, MAGIC_NANO, 262144, LINKTYPE_ETHERNET);
	put_record(&want, 1700000000, 123456000, 60, 60, arp);
	assert_bytes_equal(&got, &want);
}

/* Pins flush: after it, every record written so far is in the file. */
static void test_flush_reaches_file(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 262144, false, false);
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF];

	w = open_file(t, cfg);
	write_ok(w, 10, 20, 60, 60, arp);
	write_ok(w, 11, 21, 42, 42, arp);
	assert_int_equal(nscap_writer_pcap.flush(w, err), 0);
	read_all(t->path, &got);
	put_header(&want, MAGIC_MICRO, 262144, LINKTYPE_ETHERNET);
	put_record(&want, 10, 20, 60, 60, arp);
	put_record(&want, 11, 21, 42, 42, arp);
	assert_bytes_equal(&got, &want);
	close_ok(w);
	read_all(t->path, &got);
	assert_bytes_equal(&got, &want);
}

/* Pins EPIPE: once the reader of a pipe is gone, write or flush says so. */
static void test_reader_gone_is_epipe(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 262144, false, false);
	struct nscap_writer *w = NULL;
	struct pcap_pkthdr h = {.caplen = 60, .len = 60};
	char err[NSCAP_ERRBUF] = "";
	int p[2], ret;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(nscap_writer_pcap.open(&w, p[1], cfg, err), 0);
	close(p[0]);
	ret = nscap_writer_pcap.write(w, 0, &h, arp, err);
	if (ret == 0)
		ret = nscap_writer_pcap.flush(w, err);
	assert_int_equal(ret, -EPIPE);
	assert_non_null(strstr(err, strerror(EPIPE)));
	assert_int_equal(nscap_writer_pcap.lost(w), 1);
	/* failed for good: packets are refused and counted, no resume */
	assert_int_equal(nscap_writer_pcap.write(w, 0, &h, arp, err), -EPIPE);
	assert_int_equal(nscap_writer_pcap.lost(w), 2);
	assert_int_equal(nscap_writer_pcap.flush(w, err), -EPIPE);
	err[0] = '\0';
	assert_int_equal(nscap_writer_pcap.resume(w, err), -EPIPE);
	assert_string_equal(err, "cannot write packets: Broken pipe");
	assert_int_equal(nscap_writer_pcap.write(w, 0, &h, arp, err), -EPIPE);
	assert_int_equal(nscap_writer_pcap.lost(w), 3);
	/* close releases everything whatever it returns (ASan checks) */
	nscap_writer_pcap.close(w, err);
}

/* With the config's output name, the writer's messages name the file: the
 * header and the packets. */
static void test_messages_name_output(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 262144, false, false);
	struct nscap_writer *w = NULL;
	struct pcap_pkthdr h = {.caplen = 60, .len = 60};
	char err[NSCAP_ERRBUF] = "";
	char name[] = "out.pcap";
	int p[2];

	(void)state;
	cfg_c.cfg.output = name;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	assert_int_equal(nscap_writer_pcap.open(&w, p[1], cfg, err), -EPIPE);
	assert_string_equal(err, "out.pcap: cannot write pcap header: "
				 "Broken pipe");
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(nscap_writer_pcap.open(&w, p[1], cfg, err), 0);
	/* a copy: the caller's buffer may change (a rotation's next name) */
	name[0] = 'X';
	close(p[0]);
	assert_int_equal(nscap_writer_pcap.write(w, 0, &h, arp, err), 0);
	assert_int_equal(nscap_writer_pcap.flush(w, err), -EPIPE);
	assert_string_equal(err, "out.pcap: cannot write packets: Broken pipe");
	nscap_writer_pcap.close(w, err);
}

/* Pins open on a pipe already without reader: -EPIPE, and the fd that the
 * writer was given is closed (it owns the fd even on failure). */
static void test_open_without_reader(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 262144, false, false);
	struct nscap_writer *w = NULL;
	char err[NSCAP_ERRBUF] = "";
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	assert_int_equal(nscap_writer_pcap.open(&w, p[1], cfg, err), -EPIPE);
	assert_true(err[0] != '\0');
	assert_int_equal(fcntl(p[1], F_GETFD), -1);
	assert_int_equal(errno, EBADF);
}

/* Pins the round trip: libpcap's reader sees what was written. */
static void test_libpcap_reads_back(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_EN10MB, 65535, true, false);
	static const long ns[3] = {1000, 500000000, 999999999};
	struct tmp *t = *state;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const unsigned char *data;
	struct nscap_writer *w;
	pcap_t *p;
	int i;

	w = open_file(t, cfg);
	for (i = 0; i < 3; i++)
		write_ok(w, 1700000000 + i, ns[i], (uint32_t)(20 + i), 60, arp);
	close_ok(w);

	p = pcap_open_offline(t->path, errbuf);
	if (!p)
		fail_msg("pcap_open_offline: %s", errbuf);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	assert_int_equal(pcap_snapshot(p), 65535);
	assert_int_equal(pcap_major_version(p), 2);
	assert_int_equal(pcap_minor_version(p), 4);
	assert_int_equal(pcap_is_swapped(p), 0);
	assert_int_equal(pcap_get_tstamp_precision(p),
			 PCAP_TSTAMP_PRECISION_MICRO);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pcap_next_ex(p, &h, &data), 1);
		assert_int_equal(h->ts.tv_sec, 1700000000 + i);
		assert_int_equal(h->ts.tv_usec, ns[i] / 1000);
		assert_int_equal(h->caplen, 20 + i);
		assert_int_equal(h->len, 60);
		assert_memory_equal(data, arp, h->caplen);
	}
	assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(p);
}

/* Pins the nanosecond round trip and libpcap's reading of it either way. */
static void test_libpcap_reads_back_nano(void **state)
{
	struct cfg1 cfg_c;
	const struct nscap_writer_config *cfg =
		config(&cfg_c, DLT_RAW, 262144, true, true);
	struct tmp *t = *state;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const unsigned char *data;
	struct nscap_writer *w;
	pcap_t *p;

	w = open_file(t, cfg);
	write_ok(w, 1700000000, 123456789, 28, 28, arp + 14);
	close_ok(w);

	p = pcap_open_offline_with_tstamp_precision(
		t->path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p)
		fail_msg("pcap_open_offline: %s", errbuf);
	assert_int_equal(pcap_datalink(p), DLT_RAW);
	assert_int_equal(pcap_get_tstamp_precision(p),
			 PCAP_TSTAMP_PRECISION_NANO);
	assert_int_equal(pcap_next_ex(p, &h, &data), 1);
	assert_int_equal(h->ts.tv_sec, 1700000000);
	assert_int_equal(h->ts.tv_usec, 123456789);
	assert_int_equal(h->caplen, 28);
	assert_memory_equal(data, arp + 14, 28);
	assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);
	pcap_close(p);

	/* a microsecond reader gets the same instant, scaled by libpcap */
	p = pcap_open_offline(t->path, errbuf);
	if (!p)
		fail_msg("pcap_open_offline: %s", errbuf);
	assert_int_equal(pcap_next_ex(p, &h, &data), 1);
	assert_int_equal(h->ts.tv_usec, 123456);
	pcap_close(p);
}

/* Pins several interfaces in one pcap file: one link type, the largest
 * snapshot length in the header, records alike whatever their interface. */
static void test_several_ifaces_one_linktype(void **state)
{
	struct nscap_writer_iface ifaces[2] = {
		{.name = "eth0", .linktype = DLT_EN10MB, .snaplen = 96},
		{.name = "eth1", .linktype = DLT_EN10MB, .snaplen = 1500},
	};
	struct nscap_writer_config cfg = {.ifaces = ifaces, .nifaces = 2};
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;
	struct nscap_writer *w;
	struct pcap_pkthdr h = {.ts = {5, 6}, .caplen = 60, .len = 60};
	char err[NSCAP_ERRBUF];

	w = open_file(t, &cfg);
	assert_int_equal(nscap_writer_pcap.write(w, 0, &h, arp, err), 0);
	assert_int_equal(nscap_writer_pcap.write(w, 1, &h, arp, err), 0);
	close_ok(w);
	read_all(t->path, &got);
	put_header(&want, MAGIC_MICRO, 1500, LINKTYPE_ETHERNET);
	put_record(&want, 5, 6, 60, 60, arp);
	put_record(&want, 5, 6, 60, 60, arp);
	assert_bytes_equal(&got, &want);
}

/* Pins what pcap cannot hold: no interface, or two link types. The fd is
 * closed on these errors too, and nothing is written to it. */
static void test_open_refuses_mixed_linktypes(void **state)
{
	struct nscap_writer_iface ifaces[2] = {
		{.name = "web:eth0", .linktype = DLT_EN10MB, .snaplen = 96},
		{.name = "vpn:tun0", .linktype = DLT_RAW, .snaplen = 96},
	};
	struct nscap_writer_config cfg = {.ifaces = ifaces, .nifaces = 2};
	struct nscap_writer *w = NULL;
	struct tmp *t = *state;
	char err[NSCAP_ERRBUF] = "";
	struct bytes got;
	int fd;

	fd = open(t->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(nscap_writer_pcap.open(&w, fd, &cfg, err), -EINVAL);
	assert_non_null(strstr(err, "web:eth0"));
	assert_non_null(strstr(err, "vpn:tun0"));
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	read_all(t->path, &got);
	assert_int_equal(got.n, 0);

	cfg.nifaces = 0;
	err[0] = '\0';
	fd = open(t->path, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(nscap_writer_pcap.open(&w, fd, &cfg, err), -EINVAL);
	assert_true(err[0] != '\0');
	assert_int_equal(fcntl(fd, F_GETFD), -1);
}

/* Pins add_iface: the same link type is welcome, another is refused (the
 * caller names the interface: "not capturing on NAME: ..."; the name once
 * came twice), and the writer goes on working after a refusal. */
static void test_add_iface(void **state)
{
	struct cfg1 c;
	struct nscap_writer_iface same = {
		.name = "eth1", .linktype = DLT_EN10MB, .snaplen = 262144};
	struct nscap_writer_iface other = {
		.name = "tun0", .linktype = DLT_RAW, .snaplen = 262144};
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF] = "";

	w = open_file(t, config(&c, DLT_EN10MB, 262144, false, false));
	assert_int_equal(nscap_writer_pcap.add_iface(w, &same, err), 0);
	assert_int_equal(nscap_writer_pcap.add_iface(w, &other, err), -EINVAL);
	assert_string_equal(err, "pcap holds one link type, and this interface "
				 "has another; use pcapng");
	write_ok(w, 7, 8, 60, 60, arp);
	close_ok(w);
	read_all(t->path, &got);
	put_header(&want, MAGIC_MICRO, 262144, LINKTYPE_ETHERNET);
	put_record(&want, 7, 8, 60, 60, arp);
	assert_bytes_equal(&got, &want);
}

/* Pins stats on pcap: accepted, and the file has no place for them. */
static void test_stats_write_nothing(void **state)
{
	struct cfg1 c;
	struct nscap_writer_stats st = {.ts_ns = 1700000000000000000ULL,
					.received = 10,
					.dropped = 1,
					.captured = 9};
	struct tmp *t = *state;
	struct bytes want = {.n = 0}, got;
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF] = "";

	w = open_file(t, config(&c, DLT_EN10MB, 262144, false, false));
	assert_int_equal(nscap_writer_pcap.stats(w, 0, &st, err), 0);
	close_ok(w);
	read_all(t->path, &got);
	put_header(&want, MAGIC_MICRO, 262144, LINKTYPE_ETHERNET);
	assert_bytes_equal(&got, &want);
}

/* ---- sizes, whole records, disk faults ---- */

#define SEC0 1700000000
#define BUFSIZE (1 << 20) /* the writer's stdio buffer, as documented */

static uint64_t path_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static void fill(unsigned char *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)((size_t)seed * 31 + i);
}

/* A packet of seed with caplen bytes kept of len: its data fill()ed, or
 * zeros (seed 0 then stands for none). */
static int write_cut(struct nscap_writer *w, unsigned int seed, uint32_t caplen,
		     uint32_t len, bool zeros, char *err)
{
	unsigned char *b = calloc(1, caplen + 1);
	struct pcap_pkthdr h;
	int ret;

	assert_non_null(b);
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = SEC0 + (long)seed;
	h.caplen = caplen;
	h.len = len;
	if (!zeros)
		fill(b, caplen, seed);
	ret = nscap_writer_pcap.write(w, 0, &h, b, err);
	free(b);
	return ret;
}

/* A packet of caplen bytes at SEC0 + seed seconds, its data fill()ed with
 * seed: a reader can tell which it is. */
static int write_seed(struct nscap_writer *w, unsigned int seed,
		      uint32_t caplen, char *err)
{
	return write_cut(w, seed, caplen, caplen, false, err);
}

static void write_seed_ok(struct nscap_writer *w, unsigned int seed,
			  uint32_t caplen)
{
	char err[NSCAP_ERRBUF] = "";

	if (write_seed(w, seed, caplen, err) != 0)
		fail_msg("write: %s", err);
}

/* Walk the records of the pcap file at path from offset off, checking
 * each one's data against its seed; they must end exactly at the end of
 * the file. Returns how many. */
static size_t walk(const char *path, off_t off)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t end = path_size(path), pos = (uint64_t)off + 24;
	unsigned char *want = NULL, *got = NULL;
	size_t n = 0;

	assert_true(fd >= 0);
	while (pos < end) {
		uint32_t rh[4];

		assert_true(end - pos >= 16);
		assert_int_equal(pread(fd, rh, 16, (off_t)pos), 16);
		assert_true(end - pos - 16 >= rh[2]);
		want = realloc(want, rh[2] + 1);
		got = realloc(got, rh[2] + 1);
		assert_true(want && got);
		assert_int_equal(pread(fd, got, rh[2], (off_t)pos + 16),
				 (ssize_t)rh[2]);
		fill(want, rh[2], rh[0] - SEC0);
		assert_memory_equal(got, want, rh[2]);
		pos += 16 + (uint64_t)rh[2];
		n++;
	}
	assert_int_equal(pos, end);
	free(want);
	free(got);
	close(fd);
	return n;
}

/* libpcap reads the pcap file at path from offset off to its end without
 * an error; its packets are those of seeds want[0..n), in that order. */
static void assert_reads_back(const char *path, off_t off,
			      const unsigned int *want, size_t n)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	unsigned char *b = NULL;
	struct pcap_pkthdr *h;
	const unsigned char *data;
	FILE *fp = fopen(path, "re");
	pcap_t *p;
	size_t i;

	assert_non_null(fp);
	assert_int_equal(fseeko(fp, off, SEEK_SET), 0);
	p = pcap_fopen_offline(fp, errbuf);
	if (!p)
		fail_msg("pcap_fopen_offline: %s", errbuf);
	for (i = 0; i < n; i++) {
		int r = pcap_next_ex(p, &h, &data);

		if (r != 1)
			fail_msg("packet %zu of %zu: %s", i + 1, n,
				 r == PCAP_ERROR ? pcap_geterr(p) : "missing");
		assert_int_equal(h->ts.tv_sec, SEC0 + (long)want[i]);
		b = realloc(b, h->caplen + 1);
		assert_non_null(b);
		fill(b, h->caplen, want[i]);
		assert_memory_equal(data, b, h->caplen);
	}
	/* the end, not "truncated dump file" */
	if (pcap_next_ex(p, &h, &data) != PCAP_ERROR_BREAK)
		fail_msg("after %zu packets: %s", n, pcap_geterr(p));
	pcap_close(p);
	free(b);
}

/* seeds from..from+n-1 appended to v at *len */
static void seeds(unsigned int *v, size_t *len, unsigned int from, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[(*len)++] = from + (unsigned int)i;
}

/* Pins size(), record_size() and trailer_size() against the file. */
static void test_sizes(void **state)
{
	struct cfg1 c;
	struct tmp *t = *state;
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF];
	uint64_t want = 24;
	unsigned int i;

	w = open_file(t, config(&c, DLT_EN10MB, 262144, false, false));
	assert_int_equal(nscap_writer_pcap.size(w), 24);
	assert_int_equal(path_size(t->path), 24);
	assert_int_equal(nscap_writer_pcap.record_size(w, 0), 16);
	assert_int_equal(nscap_writer_pcap.record_size(w, 60), 76);
	assert_int_equal(nscap_writer_pcap.record_size(w, 262144), 262160);
	assert_int_equal(nscap_writer_pcap.record_size(w, UINT32_MAX),
			 16 + (uint64_t)UINT32_MAX);
	assert_int_equal(nscap_writer_pcap.trailer_size(w), 0);
	for (i = 0; i < 10; i++) {
		write_seed_ok(w, i, i * 37);
		want += nscap_writer_pcap.record_size(w, i * 37);
		assert_int_equal(nscap_writer_pcap.size(w), want);
	}
	assert_int_equal(path_size(t->path), 24); /* queued */
	assert_int_equal(nscap_writer_pcap.flush(w, err), 0);
	assert_int_equal(path_size(t->path), want);
	assert_int_equal(nscap_writer_pcap.size(w), want);
	assert_int_equal(nscap_writer_pcap.trailer_size(w), 0);
	assert_int_equal(nscap_writer_pcap.lost(w), 0);
	close_ok(w);
	assert_int_equal(path_size(t->path), want);
	assert_int_equal(walk(t->path, 0), 10);
}

/* Records of all sizes, several buffers' worth: after every write the file
 * ends exactly where a record ends. (stdio alone writes the buffer out when
 * it is full, wherever that cuts the record in hand.) */
static void test_file_ends_at_whole_records(void **state)
{
	enum { N = 5000 };
	struct cfg1 c;
	struct tmp *t = *state;
	uint64_t *ends = calloc(N + 1, sizeof(*ends)), last;
	size_t i, k = 0, grew = 0;
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF];

	assert_non_null(ends);
	w = open_file(t, config(&c, DLT_EN10MB, 262144, false, false));
	ends[0] = last = path_size(t->path);
	for (i = 0; i < N; i++) {
		uint32_t len = (uint32_t)(i * 7 % 1601);
		uint64_t size;

		ends[i + 1] = ends[i] + 16 + len;
		write_seed_ok(w, (unsigned int)i, len);
		assert_int_equal(nscap_writer_pcap.size(w), ends[i + 1]);
		size = path_size(t->path);
		while (ends[k] < size)
			k++;
		assert_int_equal(ends[k], size);
		if (size != last)
			grew++;
		last = size;
	}
	assert_true(ends[N] > (uint64_t)3 * BUFSIZE);
	assert_true(grew >= 3); /* the buffer went out as it filled */
	assert_true(path_size(t->path) < ends[N]);
	assert_int_equal(nscap_writer_pcap.flush(w, err), 0);
	assert_int_equal(path_size(t->path), ends[N]);
	close_ok(w);
	assert_int_equal(walk(t->path, 0), N);
	free(ends);
}

/* A record larger than the buffer reaches the file whole at once, after
 * what was queued before it; what follows is queued again. */
static void test_record_larger_than_buffer(void **state)
{
	const uint32_t big = BUFSIZE + BUFSIZE / 2 + 1;
	struct cfg1 c;
	struct tmp *t = *state;
	struct nscap_writer *w;

	w = open_file(t, config(&c, DLT_EN10MB, 262144, false, false));
	write_seed_ok(w, 0, 10);
	write_seed_ok(w, 1, big);
	assert_int_equal(path_size(t->path), 24 + 26 + 16 + (uint64_t)big);
	assert_int_equal(nscap_writer_pcap.size(w), path_size(t->path));
	write_seed_ok(w, 2, 5);
	assert_int_equal(path_size(t->path), 24 + 26 + 16 + (uint64_t)big);
	close_ok(w);
	assert_int_equal(path_size(t->path), 24 + 26 + 16 + big + 21);
	assert_int_equal(walk(t->path, 0), 3);
}

/*
 * A disk fault on flush: the file size limit falls inside the third of the
 * queued records, so the kernel takes two and a half (a short write), then
 * refuses (EFBIG). The file is cut back to its last whole record: the two
 * that reached it stay (as in pcapng), the other queued packets are lost,
 * and so is each packet written while failed. libpcap reads the file to its
 * last packet; after resume the next ones follow.
 */
static void test_disk_full_on_flush(void **state)
{
	enum { A = 200, B = 50, C = 3, D = 20, LEN = 1000, REC = LEN + 16 };
	static unsigned int want[A + 2 + D];
	struct nscap_writer_stats st = {0, 1, 0, 1};
	struct cfg1 c;
	struct tmp *t = *state;
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF] = "";
	uint64_t good = 24 + (uint64_t)A * REC;
	size_t nwant = 0;
	unsigned int i;

	w = open_file(t, config(&c, DLT_EN10MB, 262144, false, false));
	for (i = 0; i < A; i++)
		write_seed_ok(w, i, LEN);
	assert_int_equal(nscap_writer_pcap.flush(w, err), 0);
	assert_int_equal(path_size(t->path), good);
	for (i = 0; i < B; i++)
		write_seed_ok(w, A + i, LEN);
	assert_int_equal(nscap_writer_pcap.size(w), good + B * REC);

	limit_file_size(good + 2 * REC + REC / 2);
	assert_int_equal(nscap_writer_pcap.flush(w, err), -EFBIG);
	assert_string_equal(err, "cannot write packets: File too large");
	good += 2 * REC;
	assert_int_equal(path_size(t->path), good);
	assert_int_equal(nscap_writer_pcap.size(w), good);
	assert_int_equal(nscap_writer_pcap.lost(w), B - 2);
	/* failed: each packet is refused with the same error and counted */
	for (i = 0; i < C; i++) {
		err[0] = '\0';
		assert_int_equal(write_seed(w, A + B + i, LEN, err), -EFBIG);
		assert_string_equal(err,
				    "cannot write packets: File too large");
	}
	assert_int_equal(nscap_writer_pcap.lost(w), B - 2 + C);
	assert_int_equal(nscap_writer_pcap.flush(w, err), -EFBIG);
	assert_int_equal(nscap_writer_pcap.stats(w, 0, &st, err), -EFBIG);
	assert_int_equal(nscap_writer_pcap.lost(w), B - 2 + C);
	assert_int_equal(path_size(t->path), good);
	seeds(want, &nwant, 0, A + 2);
	assert_reads_back(t->path, 0, want, nwant);

	/* space again: the next packets follow the last whole record */
	unlimit_file_size();
	assert_int_equal(nscap_writer_pcap.resume(w, err), 0);
	assert_int_equal(nscap_writer_pcap.resume(w, err), 0); /* not failed */
	for (i = 0; i < D; i++)
		write_seed_ok(w, A + B + C + i, LEN);
	assert_int_equal(nscap_writer_pcap.size(w), good + D * REC);
	close_ok(w);
	assert_int_equal(path_size(t->path), good + D * REC);
	seeds(want, &nwant, A + B + C, D);
	assert_reads_back(t->path, 0, want, nwant);
}

/* A disk fault when the buffer fills, inside write(): that packet and the
 * queued ones that did not reach the file whole are lost, the file is cut
 * back to its last whole record, and close after the failure returns 0
 * without writing anything. */
static void test_disk_full_when_buffer_fills(void **state)
{
	enum { LEN = 1000, REC = LEN + 16, MAX = 4000 };
	static unsigned int want[MAX];
	struct cfg1 c;
	struct tmp *t = *state;
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF] = "";
	size_t nwant = 0;
	uint64_t kept;
	unsigned int n;
	int ret = 0;

	limit_file_size(BUFSIZE + BUFSIZE / 2);
	w = open_file(t, config(&c, DLT_EN10MB, 262144, false, false));
	for (n = 0; n < MAX && ret == 0; n++)
		ret = write_seed(w, n, LEN, err);
	assert_int_equal(ret, -EFBIG);
	assert_string_equal(err, "cannot write packets: File too large");
	/* the first buffer made it, the second up to the limit's last whole
	 * record, and the packet in hand not */
	kept = n - nscap_writer_pcap.lost(w);
	assert_int_equal(kept, (BUFSIZE + BUFSIZE / 2 - 24) / REC);
	assert_int_equal(path_size(t->path), 24 + kept * REC);
	assert_int_equal(nscap_writer_pcap.size(w), 24 + kept * REC);
	err[0] = '\0';
	assert_int_equal(nscap_writer_pcap.close(w, err), 0);
	assert_string_equal(err, "");
	assert_int_equal(path_size(t->path), 24 + kept * REC);
	seeds(want, &nwant, 0, (size_t)kept);
	assert_reads_back(t->path, 0, want, nwant);
}

/* A record larger than the buffer that does not fit: stdio wrote part of
 * it itself; the file is cut back to before it. */
static void test_disk_full_big_record(void **state)
{
	const uint32_t big = BUFSIZE + BUFSIZE / 2 + 1;
	struct cfg1 c;
	struct tmp *t = *state;
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF] = "";

	w = open_file(t, config(&c, DLT_EN10MB, 262144, false, false));
	write_seed_ok(w, 0, 10);
	limit_file_size(BUFSIZE);
	assert_int_equal(write_seed(w, 1, big, err), -EFBIG);
	assert_int_equal(nscap_writer_pcap.lost(w), 1);
	assert_int_equal(path_size(t->path), 24 + 26);
	unlimit_file_size();
	assert_int_equal(nscap_writer_pcap.resume(w, err), 0);
	write_seed_ok(w, 2, 20);
	close_ok(w);
	assert_int_equal(path_size(t->path), 24 + 26 + 36);
	assert_int_equal(walk(t->path, 0), 2);
}

/* Records of mixed sizes, each cut (caplen < len), through three short
 * writes: each keeps the whole records that reached the file, found by
 * their caplen (not len), after a resume too; and a record larger than the
 * buffer, all zeros, keeps nothing of itself (its bytes in the buffer are
 * not records: read as records, zeros would be empty ones). */
static void test_disk_full_mixed_records(void **state)
{
	static unsigned int want[64];
	struct cfg1 c;
	struct tmp *t = *state;
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF] = "";
	uint64_t good = 24, lost = 0, rec[30];
	size_t nwant = 0;
	unsigned int i;

	for (i = 0; i < 30; i++)
		rec[i] = 16 + 50 + 37 * (uint64_t)(i % 7);
	w = open_file(t, config(&c, DLT_EN10MB, 262144, false, false));
	for (i = 0; i < 10; i++)
		assert_int_equal(write_cut(w, i, (uint32_t)rec[i] - 16, 1500,
					   false, err),
				 0);
	assert_int_equal(nscap_writer_pcap.flush(w, err), 0);
	for (i = 0; i < 10; i++)
		good += rec[i];
	seeds(want, &nwant, 0, 10);
	/* three of ten, and 5 bytes of the fourth */
	for (i = 10; i < 20; i++)
		assert_int_equal(write_cut(w, i, (uint32_t)rec[i] - 16, 1500,
					   false, err),
				 0);
	limit_file_size(good + rec[10] + rec[11] + rec[12] + 5);
	assert_int_equal(nscap_writer_pcap.flush(w, err), -EFBIG);
	good += rec[10] + rec[11] + rec[12];
	lost += 7;
	seeds(want, &nwant, 10, 3);
	assert_int_equal(path_size(t->path), good);
	assert_int_equal(nscap_writer_pcap.lost(w), lost);
	/* resumed, then a second short write: one of five, and its header
	 * but 1 byte of the second */
	unlimit_file_size();
	assert_int_equal(nscap_writer_pcap.resume(w, err), 0);
	for (i = 20; i < 25; i++)
		assert_int_equal(write_cut(w, i, (uint32_t)rec[i] - 16, 1500,
					   false, err),
				 0);
	limit_file_size(good + rec[20] + 15);
	assert_int_equal(nscap_writer_pcap.flush(w, err), -EFBIG);
	good += rec[20];
	lost += 4;
	seeds(want, &nwant, 20, 1);
	assert_int_equal(path_size(t->path), good);
	assert_int_equal(nscap_writer_pcap.lost(w), lost);
	/* resumed, then a zero-filled record larger than the buffer, whose
	 * last bytes, left in the buffer by stdio, fail to go out */
	unlimit_file_size();
	assert_int_equal(nscap_writer_pcap.resume(w, err), 0);
	limit_file_size(good + BUFSIZE + 50);
	assert_int_equal(
		write_cut(w, 0, BUFSIZE + 100, BUFSIZE + 100, true, err),
		-EFBIG);
	lost += 1;
	assert_int_equal(path_size(t->path), good);
	assert_int_equal(nscap_writer_pcap.lost(w), lost);
	unlimit_file_size();
	assert_int_equal(nscap_writer_pcap.resume(w, err), 0);
	assert_int_equal(write_cut(w, 25, 60, 1500, false, err), 0);
	close_ok(w);
	seeds(want, &nwant, 25, 1);
	assert_int_equal(walk(t->path, 0), nwant);
	assert_reads_back(t->path, 0, want, nwant);
}

/* Writing over a longer file, not truncated ("nscap -w - 1<>FILE"): a
 * short write is measured by where it got to, not by the file's size,
 * which counts the old bytes after it. */
static void test_disk_full_over_old_bytes(void **state)
{
	enum { LEN = 100, REC = LEN + 16, OLD = 1 << 20 };
	static unsigned int want[16];
	struct cfg1 c;
	struct tmp *t = *state;
	struct nscap_writer *w = NULL;
	char err[NSCAP_ERRBUF] = "", *old = malloc(OLD);
	uint64_t good = 24 + 5 * REC;
	size_t nwant = 0;
	unsigned int i;
	int fd;

	assert_non_null(old);
	memset(old, 'x', OLD);
	fd = open(t->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, old, OLD), OLD);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	free(old);
	assert_int_equal(nscap_writer_pcap.open(
				 &w, fd,
				 config(&c, DLT_EN10MB, 262144, false, false),
				 err),
			 0);
	for (i = 0; i < 5; i++)
		write_seed_ok(w, i, LEN);
	assert_int_equal(nscap_writer_pcap.flush(w, err), 0);
	for (i = 5; i < 10; i++)
		write_seed_ok(w, i, LEN);
	limit_file_size(good + 2 * REC + 7);
	assert_int_equal(nscap_writer_pcap.flush(w, err), -EFBIG);
	assert_int_equal(nscap_writer_pcap.lost(w), 3);
	assert_int_equal(path_size(t->path), good + 2 * REC);
	unlimit_file_size();
	close_ok(w);
	seeds(want, &nwant, 0, 7);
	assert_reads_back(t->path, 0, want, nwant);
}

/* Appending to a file (O_APPEND, as "nscap -w - >>FILE"): a fault cuts
 * back to the writer's own last whole record, never into what was there;
 * counted from where its header starts. */
static void test_disk_full_appending(void **state)
{
	enum { LEN = 100, REC = LEN + 16, OLD = 1000 };
	static unsigned int want[16];
	struct cfg1 c;
	struct tmp *t = *state;
	struct nscap_writer *w = NULL;
	char err[NSCAP_ERRBUF] = "", old[OLD];
	unsigned char back[OLD];
	size_t nwant = 0;
	uint64_t good = OLD + 24 + 10 * REC;
	unsigned int i;
	int fd;

	memset(old, 'x', sizeof(old));
	fd = open(t->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, old, sizeof(old)), OLD);
	close(fd);
	fd = open(t->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(nscap_writer_pcap.open(
				 &w, fd,
				 config(&c, DLT_EN10MB, 262144, false, false),
				 err),
			 0);
	for (i = 0; i < 10; i++)
		write_seed_ok(w, i, LEN);
	assert_int_equal(nscap_writer_pcap.flush(w, err), 0);
	assert_int_equal(path_size(t->path), good);
	for (i = 0; i < 5; i++)
		write_seed_ok(w, 10 + i, LEN);
	limit_file_size(good + REC + REC / 2);
	assert_int_equal(nscap_writer_pcap.flush(w, err), -EFBIG);
	assert_int_equal(path_size(t->path), good + REC);
	assert_int_equal(nscap_writer_pcap.lost(w), 4);
	unlimit_file_size();
	assert_int_equal(nscap_writer_pcap.resume(w, err), 0);
	write_seed_ok(w, 15, LEN);
	close_ok(w);
	assert_int_equal(path_size(t->path), good + 2 * REC);
	fd = open(t->path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, back, sizeof(back)), OLD);
	close(fd);
	assert_memory_equal(back, old, OLD);
	seeds(want, &nwant, 0, 11);
	seeds(want, &nwant, 15, 1);
	assert_reads_back(t->path, OLD, want, nwant);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_ops_table),
		T(test_header_micro),
		T(test_header_nano_raw),
		T(test_header_sent_at_open),
		T(test_records_micro),
		T(test_caplen_len_kept),
		T(test_nano_in_micro_out),
		T(test_nano_out),
		T(test_flush_reaches_file),
		T(test_reader_gone_is_epipe),
		T(test_messages_name_output),
		T(test_open_without_reader),
		T(test_libpcap_reads_back),
		T(test_libpcap_reads_back_nano),
		T(test_several_ifaces_one_linktype),
		T(test_open_refuses_mixed_linktypes),
		T(test_add_iface),
		T(test_stats_write_nothing),
		T(test_sizes),
		T(test_file_ends_at_whole_records),
		T(test_record_larger_than_buffer),
		T(test_disk_full_on_flush),
		T(test_disk_full_when_buffer_fills),
		T(test_disk_full_big_record),
		T(test_disk_full_appending),
		T(test_disk_full_mixed_records),
		T(test_disk_full_over_old_bytes),
#undef T
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("writer_pcap", tests, group_setup,
					   NULL);
}
