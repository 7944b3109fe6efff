/*
 * Unit tests for src/writer_pcapng.c. The expected blocks are assembled
 * here by hand from draft-ietf-opsawg-pcapng, byte by byte, little-endian
 * (the writer writes host order; nscap runs on x86_64 and arm64), and
 * compared with what the writer put in a memfd. Files are read back by
 * libpcap 1.10, whose pcapng reader has limits a pcapng file with several
 * interfaces runs into (pinned below). Then the buffer: a record larger than
 * it, a file that only ever ends at a whole block, pipes that take a little
 * at a time, EPIPE, and interface numbers that were never described. Then
 * sizes as the rotation policy counts them, and disk faults: a file size
 * limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes write(2) come back short and
 * then fail with EFBIG at a size of the test's choosing; the file must be
 * cut back to whole blocks, the packets counted as lost, and resume must
 * append after the last whole block, describing again the interfaces whose
 * IDBs were cut off.
 *
 * Run with NSC_PCAPNG_OUT=FILE and/or NSC_PCAPNG_OUT_ONE=FILE, it writes
 * sample files instead (several interfaces and link types; one Ethernet
 * interface) and exits: tests/integration/t_pcapng_readers.sh hands them to
 * tshark, capinfos and tcpdump.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/writer.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the expected blocks below are written out little-endian");

/* hand assembly: numbers as little-endian bytes */
#define LE16(v) ((v)&0xff), (((v) >> 8) & 0xff)
#define LE32(v) LE16((v)&0xffff), LE16(((v) >> 16) & 0xffff)
#define LE64(hi, lo) LE32(lo), LE32(hi)
#define SECTION_LENGTH_UNSPECIFIED \
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff

#define WRITER_BUFSIZE (1 << 20) /* the writer's buffer, as documented */

static const struct nscap_writer_ops *const ops = &nscap_writer_pcapng;

/* 1700000000.123456789 in the units the tests use */
#define TS_SEC 1700000000
#define NS_HI 0x17979cfe /* 1700000000123456789 ns */
#define NS_LO 0x3d85cd15
#define NS000_LO 0x3d85ca00 /* 1700000000123456000 ns */
#define US_HI 0x00060a24    /* 1700000000123456 us */
#define US_LO 0x18202240

static const struct nscap_writer_iface eth0 = {"web:eth0", NULL, DLT_EN10MB,
					       262144, NULL};

/* The writer over a memfd; *rd is a second fd on the same file. */
static struct nscap_writer *open_mem(const struct nscap_writer_config *cfg,
				     int *rd)
{
	struct nscap_writer *w = NULL;
	char err[NSCAP_ERRBUF] = "";
	int fd = memfd_create("pcapng", MFD_CLOEXEC);

	assert_true(fd >= 0);
	*rd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	assert_true(*rd >= 0);
	if (ops->open(&w, fd, cfg, err) != 0)
		fail_msg("open: %s", err);
	assert_non_null(w);
	return w;
}

static size_t file_size(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (size_t)st.st_size;
}

/* The file behind fd from offset off; *n its length. Caller frees. */
static unsigned char *contents(int fd, size_t off, size_t *n)
{
	size_t size = file_size(fd);
	unsigned char *b;

	assert_true(size >= off);
	*n = size - off;
	b = malloc(*n + 1);
	assert_non_null(b);
	assert_int_equal(pread(fd, b, *n, (off_t)off), (ssize_t)*n);
	return b;
}

static void dump(const char *what, const unsigned char *b, size_t n)
{
	size_t i;

	fprintf(stderr, "%s (%zu bytes):", what, n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", b[i]);
	fprintf(stderr, "\n");
}

static void assert_bytes(const unsigned char *got, size_t ngot,
			 const unsigned char *want, size_t nwant)
{
	if (ngot == nwant && memcmp(got, want, nwant) == 0)
		return;
	dump("expected", want, nwant);
	dump("written", got, ngot);
	fail_msg("the bytes differ");
}

/* The file from off on must be exactly want. */
static void assert_file(int rd, size_t off, const unsigned char *want,
			size_t nwant)
{
	size_t n;
	unsigned char *got = contents(rd, off, &n);

	assert_bytes(got, n, want, nwant);
	free(got);
}

static void close_ok(struct nscap_writer *w)
{
	char err[NSCAP_ERRBUF] = "";

	if (ops->close(w, err) != 0)
		fail_msg("close: %s", err);
}

static void write_ok(struct nscap_writer *w, unsigned int iface,
		     const struct pcap_pkthdr *h, const unsigned char *data)
{
	char err[NSCAP_ERRBUF] = "";

	if (ops->write(w, iface, h, data, err) != 0)
		fail_msg("write: %s", err);
}

static void flush_ok(struct nscap_writer *w)
{
	char err[NSCAP_ERRBUF] = "";

	if (ops->flush(w, err) != 0)
		fail_msg("flush: %s", err);
}

static struct pcap_pkthdr hdr(long sec, long frac, uint32_t caplen,
			      uint32_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = sec;
	h.ts.tv_usec = frac;
	h.caplen = caplen;
	h.len = len;
	return h;
}

/* ---- Section Header Block ---- */

/* clang-format off */
static const unsigned char shb_bare[] = {
	LE32(0x0A0D0D0A),	    /* block type */
	LE32(28),		    /* block total length */
	LE32(0x1A2B3C4D),	    /* byte-order magic */
	LE16(1), LE16(0),	    /* version 1.0 */
	SECTION_LENGTH_UNSPECIFIED, /* -1 */
	LE32(28),		    /* no options, no opt_endofopt */
};
/* clang-format on */

static void test_shb_without_options(void **state)
{
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w;
	int rd;

	(void)state;
	w = open_mem(&cfg, &rd);
	/* open has flushed the header */
	assert_file(rd, 0, shb_bare, sizeof(shb_bare));
	close_ok(w);
	assert_file(rd, 0, shb_bare, sizeof(shb_bare));
	close(rd);

	/* empty strings are left out like NULL ones */
	cfg.hardware = "";
	cfg.os = "";
	cfg.userappl = "";
	w = open_mem(&cfg, &rd);
	close_ok(w);
	assert_file(rd, 0, shb_bare, sizeof(shb_bare));
	close(rd);
}

static void test_shb_with_options(void **state)
{
	/* clang-format off */
	static const unsigned char want[] = {
		LE32(0x0A0D0D0A), LE32(76),
		LE32(0x1A2B3C4D), LE16(1), LE16(0),
		SECTION_LENGTH_UNSPECIFIED,
		/* shb_hardware "x86_64": 6 bytes, 2 of padding */
		LE16(2), LE16(6),
		'x', '8', '6', '_', '6', '4', 0, 0,
		/* shb_os "Linux 6.1": 9 bytes, 3 of padding */
		LE16(3), LE16(9),
		'L', 'i', 'n', 'u', 'x', ' ', '6', '.', '1', 0, 0, 0,
		/* shb_userappl "nscap 0.1.0": 11 bytes, 1 of padding */
		LE16(4), LE16(11),
		'n', 's', 'c', 'a', 'p', ' ', '0', '.', '1', '.', '0', 0,
		LE16(0), LE16(0), /* opt_endofopt */
		LE32(76),
	};
	/* clang-format on */
	/* clang-format off */
	static const unsigned char one[] = {
		LE32(0x0A0D0D0A), LE32(44),
		LE32(0x1A2B3C4D), LE16(1), LE16(0),
		SECTION_LENGTH_UNSPECIFIED,
		/* shb_userappl "nscap": 5 bytes, 3 of padding */
		LE16(4), LE16(5),
		'n', 's', 'c', 'a', 'p', 0, 0, 0,
		LE16(0), LE16(0),
		LE32(44),
	};
	/* clang-format on */
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w;
	int rd;

	(void)state;
	cfg.hardware = "x86_64";
	cfg.os = "Linux 6.1";
	cfg.userappl = "nscap 0.1.0";
	w = open_mem(&cfg, &rd);
	assert_file(rd, 0, want, sizeof(want));
	close_ok(w);
	close(rd);

	cfg.hardware = NULL;
	cfg.os = NULL;
	cfg.userappl = "nscap";
	w = open_mem(&cfg, &rd);
	assert_file(rd, 0, one, sizeof(one));
	close_ok(w);
	close(rd);
}

/* ---- Interface Description Block ---- */

/* A writer opened on ifs[0..n) writes, after the bare SHB, exactly want:
 * their IDBs. */
static void expect_idbs(const struct nscap_writer_iface *ifs, size_t n,
			bool nano, const unsigned char *want, size_t nwant)
{
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w;
	int rd;

	cfg.ifaces = ifs;
	cfg.nifaces = n;
	cfg.out_nano = nano;
	w = open_mem(&cfg, &rd);
	assert_file(rd, sizeof(shb_bare), want, sizeof(want[0]) * nwant);
	close_ok(w);
	close(rd);
}

static void test_idb_names_and_padding(void **state)
{
	static const struct nscap_writer_iface ifs[] = {
		{"web:eth0", NULL, DLT_EN10MB, 262144, NULL},
		{"a:lo", "pid 42 (httpd)", DLT_EN10MB, 65535, NULL},
		{"x:wg0", NULL, DLT_RAW, 0, NULL},
	};
	/* clang-format off */
	static const unsigned char want[] = {
		/* "web:eth0": 8 bytes, no padding; microseconds */
		LE32(1), LE32(44),
		LE16(1),	  /* LINKTYPE_ETHERNET */
		LE16(0),	  /* reserved */
		LE32(262144),	  /* SnapLen */
		LE16(2), LE16(8), /* if_name */
		'w', 'e', 'b', ':', 'e', 't', 'h', '0',
		LE16(9), LE16(1), 6, 0, 0, 0, /* if_tsresol 6 */
		LE16(0), LE16(0),	      /* opt_endofopt */
		LE32(44),
		/* "a:lo": 4 bytes; if_description 14 bytes, 2 of padding */
		LE32(1), LE32(60),
		LE16(1), LE16(0),
		LE32(65535),
		LE16(2), LE16(4),
		'a', ':', 'l', 'o',
		LE16(3), LE16(14),
		'p', 'i', 'd', ' ', '4', '2', ' ', '(', 'h', 't', 't', 'p',
		'd', ')', 0, 0,
		LE16(9), LE16(1), 6, 0, 0, 0,
		LE16(0), LE16(0),
		LE32(60),
		/* "x:wg0": 5 bytes, 3 of padding; DLT_RAW is LINKTYPE_RAW 101;
		 * SnapLen 0: no limit */
		LE32(1), LE32(44),
		LE16(101), LE16(0),
		LE32(0),
		LE16(2), LE16(5),
		'x', ':', 'w', 'g', '0', 0, 0, 0,
		LE16(9), LE16(1), 6, 0, 0, 0,
		LE16(0), LE16(0),
		LE32(44),
	};
	/* clang-format on */

	(void)state;
	expect_idbs(ifs, 3, false, want, sizeof(want));
}

/* The capture filter, as dumpcap writes it: if_filter (11), a type byte
 * (0: a libpcap expression), the string, padded; "" leaves it out. */
static void test_idb_filter(void **state)
{
	static const struct nscap_writer_iface ifs[] = {
		{"a:lo", NULL, DLT_EN10MB, 65535, "udp"},
		{"a:e", NULL, DLT_EN10MB, 65535, "port 53"},
		{"a:f", NULL, DLT_EN10MB, 65535, ""},
	};
	/* clang-format off */
	static const unsigned char want[] = {
		/* 1 + 3 bytes: no padding */
		LE32(1), LE32(48),
		LE16(1), LE16(0), LE32(65535),
		LE16(2), LE16(4), 'a', ':', 'l', 'o',
		LE16(11), LE16(4), 0, 'u', 'd', 'p',
		LE16(9), LE16(1), 6, 0, 0, 0,
		LE16(0), LE16(0),
		LE32(48),
		/* 1 + 7 bytes: no padding either; "a:e" 3 bytes, 1 of it */
		LE32(1), LE32(52),
		LE16(1), LE16(0), LE32(65535),
		LE16(2), LE16(3), 'a', ':', 'e', 0,
		LE16(11), LE16(8), 0, 'p', 'o', 'r', 't', ' ', '5', '3',
		LE16(9), LE16(1), 6, 0, 0, 0,
		LE16(0), LE16(0),
		LE32(52),
		/* an empty filter: no option */
		LE32(1), LE32(40),
		LE16(1), LE16(0), LE32(65535),
		LE16(2), LE16(3), 'a', ':', 'f', 0,
		LE16(9), LE16(1), 6, 0, 0, 0,
		LE16(0), LE16(0),
		LE32(40),
	};
	/* clang-format on */

	(void)state;
	expect_idbs(ifs, 3, false, want, sizeof(want));
}

static void test_idb_nanoseconds(void **state)
{
	static const struct nscap_writer_iface any = {
		"web:any", "net:[4026532000]", DLT_LINUX_SLL, 262144, NULL};
	/* clang-format off */
	static const unsigned char want[] = {
		LE32(1), LE32(64),
		LE16(113), LE16(0), /* LINKTYPE_LINUX_SLL */
		LE32(262144),
		LE16(2), LE16(7),
		'w', 'e', 'b', ':', 'a', 'n', 'y', 0,
		LE16(3), LE16(16),
		'n', 'e', 't', ':', '[', '4', '0', '2', '6', '5', '3', '2',
		'0', '0', '0', ']',
		LE16(9), LE16(1), 9, 0, 0, 0, /* if_tsresol 9: nanoseconds */
		LE16(0), LE16(0),
		LE32(64),
	};
	/* clang-format on */

	(void)state;
	expect_idbs(&any, 1, true, want, sizeof(want));
}

/* Strings must be valid UTF-8: what is not is written as '?', one per byte
 * (Linux interface names and process names are any bytes). */
static void test_idb_invalid_utf8(void **state)
{
	static const struct nscap_writer_iface f = {
		"\xc3\xa9t\xff\xe2\x82", "\xf0\x9f\x90\xa7\xed\xa0\x80",
		DLT_EN10MB, 0, NULL};
	/* clang-format off */
	static const unsigned char want[] = {
		LE32(1), LE32(56),
		LE16(1), LE16(0),
		LE32(0),
		/* "é" stays, 0xff and a cut-short sequence become '?' */
		LE16(2), LE16(6),
		0xc3, 0xa9, 't', '?', '?', '?', 0, 0,
		/* U+1F427 stays, a surrogate (ED A0 80) does not */
		LE16(3), LE16(7),
		0xf0, 0x9f, 0x90, 0xa7, '?', '?', '?', 0,
		LE16(9), LE16(1), 6, 0, 0, 0,
		LE16(0), LE16(0),
		LE32(56),
	};
	/* clang-format on */

	(void)state;
	expect_idbs(&f, 1, false, want, sizeof(want));
}

/* An option holds at most 65535 bytes: that is written, one more is an
 * error, at open (which then closes the fd and writes nothing) as later. */
static void test_idb_longest_name(void **state)
{
	struct nscap_writer_iface f = {NULL, NULL, DLT_EN10MB, 0, NULL};
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w = NULL;
	char err[NSCAP_ERRBUF], want[256];
	unsigned char *b;
	char *name = malloc(65537);
	uint16_t code, len;
	uint32_t total, trailer;
	size_t n;
	int rd, fd;

	(void)state;
	assert_non_null(name);
	memset(name, 'n', 65536);
	name[65536] = '\0';
	f.name = name;
	cfg.ifaces = &f;
	cfg.nifaces = 1;

	fd = memfd_create("pcapng", MFD_CLOEXEC);
	assert_true(fd >= 0);
	rd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	assert_int_equal(ops->open(&w, fd, &cfg, err), -EINVAL);
	/* the name is cut to 64 bytes in the message */
	snprintf(want, sizeof(want),
		 "cannot describe interface %.64s: name or description longer "
		 "than 65535 bytes",
		 name);
	assert_int_equal(strlen(want), 26 + 64 + 45);
	assert_string_equal(err, want);
	assert_int_equal(fcntl(fd, F_GETFD), -1); /* open closed it */
	assert_int_equal(file_size(rd), 0);
	close(rd);

	cfg.nifaces = 0;
	w = open_mem(&cfg, &rd);
	assert_int_equal(ops->add_iface(w, &f, err), -EINVAL);
	name[65535] = '\0';
	assert_int_equal(ops->add_iface(w, &f, err), 0);
	close_ok(w);
	b = contents(rd, sizeof(shb_bare), &n);
	/* 16 + (4 + 65535 + 1 pad) + 8 if_tsresol + 4 + 4 */
	assert_int_equal(n, 65572);
	memcpy(&total, b + 4, 4);
	memcpy(&code, b + 16, 2);
	memcpy(&len, b + 18, 2);
	memcpy(&trailer, b + n - 4, 4);
	assert_int_equal(total, 65572);
	assert_int_equal(trailer, 65572);
	assert_int_equal(code, 2);
	assert_int_equal(len, 65535);
	assert_int_equal(b[20 + 65534], 'n');
	assert_int_equal(b[20 + 65535], 0); /* padding */
	free(b);
	free(name);
	close(rd);
}

/* ---- Enhanced Packet Block ---- */

static void test_epb_padding(void **state)
{
	static const unsigned char d1[] = {0xab};
	static const unsigned char d4[] = {1, 2, 3, 4};
	static const unsigned char d5[] = {5, 6, 7, 8, 9};
	/* clang-format off */
	static const unsigned char want[] = {
		/* 1 byte, 3 of padding */
		LE32(6), LE32(36),
		LE32(0),		  /* interface ID */
		LE32(US_HI), LE32(US_LO), /* timestamp, microseconds */
		LE32(1), LE32(1),	  /* captured, original length */
		0xab, 0, 0, 0,
		LE32(36),
		/* 4 bytes, no padding; a snapped packet of 60 */
		LE32(6), LE32(36),
		LE32(0),
		LE32(US_HI), LE32(US_LO),
		LE32(4), LE32(60),
		1, 2, 3, 4,
		LE32(36),
		/* 5 bytes, 3 of padding, on interface 1 */
		LE32(6), LE32(40),
		LE32(1),
		LE32(US_HI), LE32(US_LO),
		LE32(5), LE32(5),
		5, 6, 7, 8, 9, 0, 0, 0,
		LE32(40),
	};
	/* clang-format on */
	struct nscap_writer_iface ifs[2] = {eth0, eth0};
	struct nscap_writer_config cfg = {0};
	struct pcap_pkthdr h;
	struct nscap_writer *w;
	size_t start;
	int rd;

	(void)state;
	ifs[1].name = "web:eth1";
	cfg.ifaces = ifs;
	cfg.nifaces = 2;
	w = open_mem(&cfg, &rd);
	start = file_size(rd);
	h = hdr(TS_SEC, 123456, 1, 1);
	write_ok(w, 0, &h, d1);
	h = hdr(TS_SEC, 123456, 4, 60);
	write_ok(w, 0, &h, d4);
	h = hdr(TS_SEC, 123456, 5, 5);
	write_ok(w, 1, &h, d5);
	/* queued, not written, until a flush */
	assert_int_equal(file_size(rd), start);
	flush_ok(w);
	assert_file(rd, start, want, sizeof(want));
	close_ok(w);
	close(rd);
}

/* The writer reuses its buffer after each flush, so what a block's padding
 * holds is whatever an earlier block left there unless the writer zeroes
 * it: one packet of 256 0xff bytes fills the buffer's bytes 28 to 283 with
 * 0xff, then packets of 1, 2 and 3 bytes (3, 2 and 1 bytes of padding, all
 * within those) must still be padded with zeros. */
static void test_epb_padding_in_a_used_buffer(void **state)
{
	unsigned char ff[256], d[3] = {0xa1, 0xa2, 0xa3};
	struct nscap_writer_config cfg = {0};
	struct pcap_pkthdr h;
	struct nscap_writer *w;
	unsigned char *b;
	size_t start, n, off = 0;
	uint32_t caplen;
	int rd;

	(void)state;
	memset(ff, 0xff, sizeof(ff));
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	w = open_mem(&cfg, &rd);
	h = hdr(TS_SEC, 123456, sizeof(ff), sizeof(ff));
	write_ok(w, 0, &h, ff);
	flush_ok(w);
	start = file_size(rd);
	for (caplen = 1; caplen <= 3; caplen++) {
		h = hdr(TS_SEC, 123456, caplen, caplen);
		write_ok(w, 0, &h, d);
	}
	flush_ok(w);
	b = contents(rd, start, &n);
	/* three EPBs of 28 + 4 + 4 bytes */
	assert_int_equal(n, 3 * 36);
	for (caplen = 1; caplen <= 3; caplen++, off += 36) {
		uint32_t i;

		assert_memory_equal(b + off + 28, d, caplen);
		for (i = caplen; i < 4; i++)
			assert_int_equal(b[off + 28 + i], 0);
		assert_int_equal(b[off + 32], 36); /* the trailing length */
	}
	free(b);
	close_ok(w);
	close(rd);
}

/* One empty packet at 1700000000 s and frac (ns or us as in_nano says);
 * the EPB must carry hi:lo. */
static void check_ts(bool in_nano, bool out_nano, long frac, uint32_t hi,
		     uint32_t lo)
{
	/* clang-format off */
	const unsigned char want[] = {
		LE32(6), LE32(32),
		LE32(0),
		LE32(hi), LE32(lo),
		LE32(0), LE32(0),
		LE32(32),
	};
	/* clang-format on */
	struct nscap_writer_config cfg = {0};
	struct pcap_pkthdr h = hdr(TS_SEC, frac, 0, 0);
	static const unsigned char none[1];
	struct nscap_writer *w;
	size_t start;
	int rd;

	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	cfg.in_nano = in_nano;
	cfg.out_nano = out_nano;
	w = open_mem(&cfg, &rd);
	start = file_size(rd);
	write_ok(w, 0, &h, none);
	close_ok(w);
	assert_file(rd, start, want, sizeof(want));
	close(rd);
}

static void test_epb_timestamps(void **state)
{
	(void)state;
	/* ns in, ns out: 1700000000123456789 */
	check_ts(true, true, 123456789, NS_HI, NS_LO);
	/* us in, ns out: 1700000000123456000 */
	check_ts(false, true, 123456, NS_HI, NS000_LO);
	/* ns in, us out: 1700000000123456, the 789 ns cut off */
	check_ts(true, false, 123456789, US_HI, US_LO);
	/* us in, us out */
	check_ts(false, false, 123456, US_HI, US_LO);
	/* the last nanosecond of a second */
	check_ts(true, true, 999999999, NS_HI, 0x71c4c9ff);
}

/* ---- Interface Statistics Block ---- */

static void test_isb(void **state)
{
	/* clang-format off */
	static const unsigned char want_ns[] = {
		LE32(5), LE32(64),
		LE32(1),		  /* interface ID */
		LE32(NS_HI), LE32(NS_LO), /* when the counters were read */
		LE16(6), LE16(8), LE64(1, 2), /* isb_filteraccept: received */
		LE16(7), LE16(8), LE64(0, 3), /* isb_osdrop: dropped */
		LE16(8), LE16(8), LE64(0, 4), /* isb_usrdeliv: captured */
		LE16(0), LE16(0),
		LE32(64),
	};
	/* clang-format on */
	/* clang-format off */
	static const unsigned char want_us[] = {
		LE32(5), LE32(64),
		LE32(0),
		LE32(US_HI), LE32(US_LO),
		LE16(6), LE16(8), LE64(0, 6),
		LE16(7), LE16(8), LE64(0, 1),
		LE16(8), LE16(8), LE64(0, 5),
		LE16(0), LE16(0),
		LE32(64),
	};
	/* clang-format on */
	struct nscap_writer_iface ifs[2] = {eth0, eth0};
	struct nscap_writer_stats st = {1700000000123456789ull, 0x100000002ull,
					3, 4};
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF];
	size_t start;
	int rd;

	(void)state;
	ifs[1].name = "web:eth1";
	cfg.ifaces = ifs;
	cfg.nifaces = 2;
	cfg.out_nano = true;
	w = open_mem(&cfg, &rd);
	start = file_size(rd);
	assert_int_equal(ops->stats(w, 1, &st, err), 0);
	assert_int_equal(ops->stats(w, 2, &st, err), -EINVAL);
	assert_string_equal(err, "cannot write statistics: no interface 2 "
				 "(2 described)");
	close_ok(w);
	assert_file(rd, start, want_ns, sizeof(want_ns));
	close(rd);

	/* microseconds: the ns timestamp divided down */
	cfg.nifaces = 1;
	cfg.out_nano = false;
	st = (struct nscap_writer_stats){1700000000123456789ull, 6, 1, 5};
	w = open_mem(&cfg, &rd);
	start = file_size(rd);
	assert_int_equal(ops->stats(w, 0, &st, err), 0);
	close_ok(w);
	assert_file(rd, start, want_us, sizeof(want_us));
	close(rd);
}

/* ---- read back by libpcap ---- */

static void fill(unsigned char *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)((size_t)seed * 31 + i);
}

static pcap_t *open_libpcap(int rd, int precision)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	FILE *fp;
	pcap_t *p;

	/* the writer's fd, and so this one, is at the end of the file */
	assert_int_equal(lseek(rd, 0, SEEK_SET), 0);
	fp = fdopen(fcntl(rd, F_DUPFD_CLOEXEC, 0), "r");
	assert_non_null(fp);
	p = pcap_fopen_offline_with_tstamp_precision(fp, (u_int)precision,
						     errbuf);
	if (!p)
		fail_msg("libpcap: %s", errbuf);
	return p;
}

/* Three Ethernet interfaces, the third added after packets, with
 * statistics: libpcap reads every packet, time stamp and byte. */
static void test_libpcap_reads_it_back(void **state)
{
	static const struct nscap_writer_iface ifs[] = {
		{"web:eth0", "pid 42 (httpd)", DLT_EN10MB, 262144, NULL},
		{"web:eth1", NULL, DLT_EN10MB, 262144, NULL},
	};
	static const struct nscap_writer_iface late = {
		"web:eth2", NULL, DLT_EN10MB, 262144, NULL};
	static const uint32_t lens[] = {60, 61, 1514, 1};
	static const unsigned int on[] = {0, 1, 2, 2};
	struct nscap_writer_stats st = {1700000001000000000ull, 5, 1, 4};
	struct nscap_writer_config cfg = {0};
	unsigned char data[4][1514];
	struct nscap_writer *w;
	struct pcap_pkthdr *ph;
	const u_char *pd;
	char err[NSCAP_ERRBUF];
	unsigned int i;
	pcap_t *p;
	int rd;

	(void)state;
	cfg.ifaces = ifs;
	cfg.nifaces = 2;
	cfg.in_nano = true;
	cfg.out_nano = true;
	cfg.userappl = "nscap test";
	w = open_mem(&cfg, &rd);
	for (i = 0; i < 4; i++) {
		struct pcap_pkthdr h =
			hdr(TS_SEC + i, 123456789 + i, lens[i], lens[i] + i);

		fill(data[i], lens[i], i);
		if (i == 2)
			assert_int_equal(ops->add_iface(w, &late, err), 0);
		write_ok(w, on[i], &h, data[i]);
	}
	for (i = 0; i < 3; i++)
		assert_int_equal(ops->stats(w, i, &st, err), 0);
	close_ok(w);

	p = open_libpcap(rd, PCAP_TSTAMP_PRECISION_NANO);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	assert_int_equal(pcap_snapshot(p), 262144);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pcap_next_ex(p, &ph, &pd), 1);
		assert_int_equal(ph->ts.tv_sec, TS_SEC + i);
		assert_int_equal(ph->ts.tv_usec, 123456789 + i);
		assert_int_equal(ph->caplen, lens[i]);
		assert_int_equal(ph->len, lens[i] + i);
		assert_memory_equal(pd, data[i], lens[i]);
	}
	assert_int_equal(pcap_next_ex(p, &ph, &pd), PCAP_ERROR_BREAK);
	pcap_close(p);
	close(rd);
}

/* Written in microseconds from nanoseconds: libpcap gives the cut-off
 * value in either precision. */
static void test_libpcap_microseconds(void **state)
{
	static const unsigned char pkt[14] = {0};
	struct nscap_writer_config cfg = {0};
	struct pcap_pkthdr h = hdr(TS_SEC, 123456789, 14, 14);
	struct nscap_writer *w;
	struct pcap_pkthdr *ph;
	const u_char *pd;
	pcap_t *p;
	int rd;

	(void)state;
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	cfg.in_nano = true;
	w = open_mem(&cfg, &rd);
	write_ok(w, 0, &h, pkt);
	close_ok(w);

	p = open_libpcap(rd, PCAP_TSTAMP_PRECISION_NANO);
	assert_int_equal(pcap_next_ex(p, &ph, &pd), 1);
	assert_int_equal(ph->ts.tv_sec, TS_SEC);
	assert_int_equal(ph->ts.tv_usec, 123456000);
	pcap_close(p);
	p = open_libpcap(rd, PCAP_TSTAMP_PRECISION_MICRO);
	assert_int_equal(pcap_next_ex(p, &ph, &pd), 1);
	assert_int_equal(ph->ts.tv_usec, 123456);
	pcap_close(p);
	close(rd);
}

/* libpcap 1.10 reads a pcapng file only while every IDB has the first
 * one's link type and snapshot length; at the first that differs it fails
 * (so tcpdump -r stops there). Worse, it compares the first IDB's link type
 * after mapping it to a DLT with the next one's LINKTYPE unmapped: two
 * DLT_RAW interfaces (LINKTYPE_RAW 101, DLT_RAW 12) already "differ". The
 * files are right (tshark reads them); these pin libpcap's limits. */
static void libpcap_refuses(const struct nscap_writer_iface *ifs,
			    const char *want)
{
	static const unsigned char pkt[20] = {0x45};
	struct nscap_writer_config cfg = {0};
	struct pcap_pkthdr h = hdr(TS_SEC, 0, 20, 20);
	struct nscap_writer *w;
	struct pcap_pkthdr *ph;
	const u_char *pd;
	pcap_t *p;
	int rd;

	cfg.ifaces = ifs;
	cfg.nifaces = 2;
	w = open_mem(&cfg, &rd);
	write_ok(w, 0, &h, pkt);
	close_ok(w);
	p = open_libpcap(rd, PCAP_TSTAMP_PRECISION_MICRO);
	assert_int_equal(pcap_next_ex(p, &ph, &pd), PCAP_ERROR);
	assert_string_equal(pcap_geterr(p), want);
	pcap_close(p);
	close(rd);
}

static void test_libpcap_limits(void **state)
{
	const struct nscap_writer_iface mixed[] = {
		eth0, {"web:any", NULL, DLT_LINUX_SLL, 262144, NULL}};
	const struct nscap_writer_iface snaplens[] = {
		eth0, {"web:eth1", NULL, DLT_EN10MB, 96, NULL}};
	const struct nscap_writer_iface raw[] = {
		{"web:wg0", NULL, DLT_RAW, 262144, NULL},
		{"web:wg1", NULL, DLT_RAW, 262144, NULL}};

	(void)state;
	libpcap_refuses(mixed, "an interface has a type 113 different from "
			       "the type of the first interface");
	libpcap_refuses(snaplens, "an interface has a snapshot length 96 "
				  "different from the snapshot length of the "
				  "first interface");
	libpcap_refuses(raw, "an interface has a type 101 different from the "
			     "type of the first interface");
}

/* ---- the buffer ---- */

/* Walk the blocks of b[0..n): each has its length at both ends, a multiple
 * of 4; returns how many EPBs, checking each one's data was fill()ed with
 * the packet's number. */
static size_t walk(const unsigned char *b, size_t n)
{
	size_t off = 0, epbs = 0;

	while (off < n) {
		uint32_t type, total, trailer, caplen;

		assert_true(n - off >= 12);
		memcpy(&type, b + off, 4);
		memcpy(&total, b + off + 4, 4);
		assert_true(total % 4 == 0 && total >= 12 && total <= n - off);
		memcpy(&trailer, b + off + total - 4, 4);
		assert_int_equal(trailer, total);
		if (type == 6) {
			unsigned char *want;

			memcpy(&caplen, b + off + 20, 4);
			assert_int_equal(total, 32 + ((caplen + 3) & ~3u));
			want = malloc(caplen + 1);
			assert_non_null(want);
			fill(want, caplen, (unsigned int)epbs);
			assert_memory_equal(b + off + 28, want, caplen);
			free(want);
			epbs++;
		}
		off += total;
	}
	assert_int_equal(off, n);
	return epbs;
}

/* Packets of all sizes, several buffers' worth: after every write the file
 * ends exactly where a block ends. */
static void test_file_ends_at_whole_blocks(void **state)
{
	enum { N = 5000 };
	struct nscap_writer_config cfg = {0};
	static unsigned char pkt[1601];
	size_t *ends = calloc(N + 1, sizeof(*ends)), k = 0, grew = 0, last;
	struct nscap_writer *w;
	unsigned char *b;
	size_t i, n;
	int rd;

	(void)state;
	assert_non_null(ends);
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	w = open_mem(&cfg, &rd);
	ends[0] = last = file_size(rd);
	for (i = 0; i < N; i++) {
		uint32_t len = (uint32_t)(i * 7 % 1601);
		struct pcap_pkthdr h = hdr(TS_SEC, 0, len, len);
		size_t size;

		ends[i + 1] = ends[i] + 32 + ((len + 3) & ~(size_t)3);
		fill(pkt, len, (unsigned int)i);
		write_ok(w, 0, &h, pkt);
		size = file_size(rd);
		while (ends[k] < size)
			k++;
		assert_int_equal(ends[k], size);
		if (size != last)
			grew++;
		last = size;
	}
	assert_true(ends[N] > (size_t)3 * WRITER_BUFSIZE);
	assert_true(grew >= 3); /* the buffer went out as it filled */
	assert_true(file_size(rd) < ends[N]);
	flush_ok(w);
	assert_int_equal(file_size(rd), ends[N]);
	close_ok(w);
	b = contents(rd, 0, &n);
	assert_int_equal(walk(b, n), N);
	free(b);
	free(ends);
	close(rd);
}

/* A packet larger than the whole buffer is written directly, after what
 * was queued before it, and what follows is queued again. */
static void test_record_larger_than_buffer(void **state)
{
	const uint32_t big = WRITER_BUFSIZE + WRITER_BUFSIZE / 2 + 1;
	struct nscap_writer_config cfg = {0};
	unsigned char *pkt = malloc(big), *b;
	struct nscap_writer *w;
	struct pcap_pkthdr h;
	size_t start, n;
	uint32_t v;
	int rd;

	(void)state;
	assert_non_null(pkt);
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	w = open_mem(&cfg, &rd);
	start = file_size(rd);
	h = hdr(TS_SEC, 1, 10, 10);
	fill(pkt, 10, 0);
	write_ok(w, 0, &h, pkt);
	h = hdr(TS_SEC, 2, big, big);
	fill(pkt, big, 1);
	write_ok(w, 0, &h, pkt);
	/* both are in the file now: the queue went first */
	assert_int_equal(file_size(rd),
			 start + 44 + 32 + (size_t)((big + 3) & ~3u));
	h = hdr(TS_SEC, 3, 5, 5);
	fill(pkt, 5, 2);
	write_ok(w, 0, &h, pkt);
	close_ok(w);

	b = contents(rd, start, &n);
	assert_int_equal(walk(b, n), 3);
	/* the big EPB, field by field */
	memcpy(&v, b + 44 + 4, 4);
	assert_int_equal(v, 32 + ((big + 3) & ~3u));
	memcpy(&v, b + 44 + 20, 4);
	assert_int_equal(v, big);
	memcpy(&v, b + 44 + 24, 4);
	assert_int_equal(v, big);
	assert_int_equal(b[44 + 28 + big], 0); /* 3 bytes of padding */
	assert_int_equal(b[44 + 28 + big + 1], 0);
	assert_int_equal(b[44 + 28 + big + 2], 0);
	free(b);
	free(pkt);
	close(rd);
}

/* ---- pipes: partial writes, EAGAIN, EINTR, EPIPE ---- */

struct slow_reader {
	int fd;
	unsigned char *buf;
	size_t len, cap;
};

/* Read a little at a time until EOF, so the writer's writes come back
 * partial, or with EAGAIN on a non-blocking pipe. */
static void *slow_read(void *arg)
{
	struct slow_reader *r = arg;
	unsigned int turn = 0;

	for (;;) {
		ssize_t n;

		if (r->len + 1000 > r->cap) {
			r->cap *= 2;
			r->buf = realloc(r->buf, r->cap);
			if (!r->buf)
				abort();
		}
		n = read(r->fd, r->buf + r->len, 1000);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r->len += (size_t)n;
		if (++turn % 16 == 0)
			usleep(100);
	}
	return NULL;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* The same records through a slow pipe and into a memfd: the same bytes. */
static void through_pipe(bool nonblocking, bool signals)
{
	struct slow_reader r = {-1, NULL, 0, 1 << 16};
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *wp, *wm;
	struct itimerval tick = {{0, 500}, {0, 500}};
	struct itimerval off = {{0, 0}, {0, 0}};
	struct sigaction sa;
	sigset_t alrm, old;
	unsigned char *pkt = malloc(3 * WRITER_BUFSIZE / 2), *b;
	char err[NSCAP_ERRBUF] = "";
	pthread_t t;
	int p[2], rd, i;
	size_t n;

	assert_non_null(pkt);
	r.buf = malloc(r.cap);
	assert_non_null(r.buf);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	if (nonblocking)
		assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	r.fd = p[0];
	/* the reader thread takes no SIGALRM: the writer's calls do */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, &old);
	assert_int_equal(pthread_create(&t, NULL, slow_read, &r), 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (signals) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm; /* no SA_RESTART: EINTR */
		sigaction(SIGALRM, &sa, NULL);
		alarms = 0;
		setitimer(ITIMER_REAL, &tick, NULL);
	}

	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	assert_int_equal(ops->open(&wp, p[1], &cfg, err), 0);
	wm = open_mem(&cfg, &rd);
	for (i = 0; i < 600; i++) {
		uint32_t len = (uint32_t)(i == 300 ? 3 * WRITER_BUFSIZE / 2
						   : 1 + i * 13 % 1514);
		struct pcap_pkthdr h = hdr(TS_SEC, i, len, len);

		fill(pkt, len, (unsigned int)i);
		write_ok(wp, 0, &h, pkt);
		write_ok(wm, 0, &h, pkt);
	}
	if (ops->close(wp, err) != 0)
		fail_msg("close: %s", err);
	close_ok(wm);
	if (signals) {
		setitimer(ITIMER_REAL, &off, NULL);
		signal(SIGALRM, SIG_DFL);
		assert_true(alarms > 0);
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	close(p[0]);

	b = contents(rd, 0, &n);
	assert_int_equal(walk(r.buf, r.len), 600);
	assert_bytes(r.buf, r.len, b, n);
	free(b);
	free(r.buf);
	free(pkt);
	close(rd);
}

static void test_pipe_nonblocking(void **state)
{
	(void)state;
	through_pipe(true, false);
}

static void test_pipe_interrupted(void **state)
{
	(void)state;
	through_pipe(false, true);
}

/* The config's wait, called when a non-blocking pipe takes no more: 0
 * writes on (the first call drains the pipe), an errno gives the write up
 * (the second: EINTR, as a second stop signal does in the session). */
struct waits {
	int rd;
	int calls;
	int dones; /* done after a write that waited */
};

static void count_done(void *ctx, int fd)
{
	struct waits *wt = ctx;

	(void)fd;
	wt->dones++;
}

static int wait_then_give_up(void *ctx, int fd)
{
	struct waits *wt = ctx;
	char buf[4096];

	(void)fd;
	if (++wt->calls > 1)
		return EINTR;
	while (read(wt->rd, buf, sizeof(buf)) > 0)
		;
	return 0;
}

static void test_pipe_wait_gives_up(void **state)
{
	static unsigned char pkt[1514];
	struct nscap_writer_config cfg = {0};
	struct waits wt = {-1, 0, 0};
	struct nscap_writer *w = NULL;
	char err[NSCAP_ERRBUF] = "";
	int p[2], i, ret = 0;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	wt.rd = p[0];
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	cfg.wait = wait_then_give_up;
	cfg.done = count_done;
	cfg.wait_ctx = &wt;
	assert_int_equal(ops->open(&w, p[1], &cfg, err), 0);
	/* far more than the pipe holds, flushed now and then */
	for (i = 0; ret == 0 && i < 200; i++) {
		struct pcap_pkthdr h = hdr(TS_SEC, i, 1514, 1514);

		ret = ops->write(w, 0, &h, pkt, err);
		if (ret == 0 && i % 10 == 9)
			ret = ops->flush(w, err);
	}
	assert_int_equal(ret, -EINTR);
	assert_int_equal(wt.calls, 2);
	/* each write that waited, and only those, is followed by done: one
	 * or two of them (the two waits in one write, or in two) */
	assert_true(wt.dones >= 1 && wt.dones <= 2);
	assert_non_null(strstr(err, strerror(EINTR)));
	assert_true(ops->lost(w) > 0);
	ops->close(w, NULL);
	close(p[0]);
}

/* Fill the stream socket fd (blocking) until it takes no more. */
static void fill_socket(int fd)
{
	static const char junk[4096];
	int fl = fcntl(fd, F_GETFL);

	assert_int_equal(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
	while (send(fd, junk, sizeof(junk), MSG_NOSIGNAL) > 0)
		;
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(fcntl(fd, F_SETFL, fl), 0);
}

/* A thread: close *arg 0.1 s from now (a reader leaving). */
static void *close_later(void *arg)
{
	struct timespec d = {0, 100 * 1000000L};

	nanosleep(&d, NULL);
	close(*(int *)arg);
	return NULL;
}

static void test_epipe(void **state)
{
	static const unsigned char pkt[64] = {0};
	struct nscap_writer_config cfg = {0};
	pthread_t t;
	struct nscap_writer *w = NULL;
	struct pcap_pkthdr h = hdr(TS_SEC, 0, 64, 64);
	struct nscap_writer_stats st = {0, 1, 0, 1};
	char err[NSCAP_ERRBUF];
	unsigned char *big;
	int p[2];

	(void)state;
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;

	/* nobody reads: open fails on the header, and closes the fd */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	assert_int_equal(ops->open(&w, p[1], &cfg, err), -EPIPE);
	assert_string_equal(err, "cannot write pcapng header: Broken pipe");
	assert_int_equal(fcntl(p[1], F_GETFD), -1);

	/* the reader goes away after the header: queued records fail on
	 * flush, and every call after that fails the same way */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(ops->open(&w, p[1], &cfg, err), 0);
	close(p[0]);
	assert_int_equal(ops->write(w, 0, &h, pkt, err), 0);
	assert_int_equal(ops->flush(w, err), -EPIPE);
	assert_string_equal(err, "cannot write packets: Broken pipe");
	assert_int_equal(ops->lost(w), 1);
	err[0] = '\0';
	assert_int_equal(ops->write(w, 0, &h, pkt, err), -EPIPE);
	assert_string_equal(err, "cannot write packets: Broken pipe");
	assert_int_equal(ops->lost(w), 2);
	assert_int_equal(ops->stats(w, 0, &st, err), -EPIPE);
	assert_int_equal(ops->add_iface(w, &eth0, err), -EPIPE);
	assert_int_equal(ops->flush(w, err), -EPIPE);
	/* a pipe is not cut back: the failure is final */
	err[0] = '\0';
	assert_int_equal(ops->resume(w, err), -EPIPE);
	assert_string_equal(err, "cannot write packets: Broken pipe");
	assert_int_equal(ops->write(w, 0, &h, pkt, err), -EPIPE);
	assert_int_equal(ops->lost(w), 3);
	/* already reported: close says nothing more */
	err[0] = '\0';
	assert_int_equal(ops->close(w, err), 0);
	assert_string_equal(err, "");

	/* a record larger than the buffer, written directly */
	big = calloc(1, WRITER_BUFSIZE + 1);
	assert_non_null(big);
	h = hdr(TS_SEC, 0, WRITER_BUFSIZE + 1, WRITER_BUFSIZE + 1);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(ops->open(&w, p[1], &cfg, err), 0);
	close(p[0]);
	assert_int_equal(ops->write(w, 0, &h, big, err), -EPIPE);
	assert_string_equal(err, "cannot write packets: Broken pipe");
	assert_int_equal(ops->lost(w), 1);
	assert_int_equal(ops->close(w, err), 0);
	free(big);

	/* a socket whose reader closes, with data unread, while a write
	 * waits for room: that write says ECONNRESET (a pipe says EPIPE),
	 * and the reader went away all the same: EPIPE */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p),
			 0);
	assert_int_equal(ops->open(&w, p[1], &cfg, err), 0);
	fill_socket(p[1]);
	assert_int_equal(pthread_create(&t, NULL, close_later, &p[0]), 0);
	h = hdr(TS_SEC, 0, 64, 64);
	assert_int_equal(ops->write(w, 0, &h, pkt, err), 0);
	assert_int_equal(ops->flush(w, err), -EPIPE);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(ops->close(w, err), 0);
}

/* With the config's output name, the writer's messages name the file (a
 * copy of it): the header and the packets. */
static void test_messages_name_output(void **state)
{
	static const unsigned char pkt[64] = {0};
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w = NULL;
	struct pcap_pkthdr h = hdr(TS_SEC, 0, 64, 64);
	char err[NSCAP_ERRBUF], name[] = "out.pcapng";
	int p[2];

	(void)state;
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	cfg.output = name;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	assert_int_equal(ops->open(&w, p[1], &cfg, err), -EPIPE);
	assert_string_equal(
		err, "out.pcapng: cannot write pcapng header: Broken pipe");
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(ops->open(&w, p[1], &cfg, err), 0);
	name[0] = 'X';
	close(p[0]);
	assert_int_equal(ops->write(w, 0, &h, pkt, err), 0);
	assert_int_equal(ops->flush(w, err), -EPIPE);
	assert_string_equal(err,
			    "out.pcapng: cannot write packets: Broken pipe");
	assert_int_equal(ops->close(w, err), 0);
}

/* ---- interface numbers ---- */

static void test_unknown_interface(void **state)
{
	static const unsigned char pkt[4] = {0};
	static const struct nscap_writer_iface lo = {"web:lo", NULL, DLT_NULL,
						     262144, NULL};
	struct nscap_writer_config cfg = {0};
	struct pcap_pkthdr h = hdr(TS_SEC, 0, 4, 4);
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF];
	unsigned char *b;
	uint32_t v;
	size_t start, n;
	int rd;

	(void)state;
	/* no interface at all is a valid file; nothing can be written to it */
	w = open_mem(&cfg, &rd);
	assert_int_equal(ops->write(w, 0, &h, pkt, err), -EINVAL);
	assert_string_equal(err, "cannot write packet: no interface 0 "
				 "(0 described)");
	close_ok(w);
	close(rd);

	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	w = open_mem(&cfg, &rd);
	start = file_size(rd);
	assert_int_equal(ops->write(w, 1, &h, pkt, err), -EINVAL);
	assert_string_equal(err, "cannot write packet: no interface 1 "
				 "(1 described)");
	write_ok(w, 0, &h, pkt);
	/* a new interface after packets: it is number 1 */
	assert_int_equal(ops->add_iface(w, &lo, err), 0);
	write_ok(w, 1, &h, pkt);
	assert_int_equal(ops->write(w, 2, &h, pkt, err), -EINVAL);
	assert_int_equal(ops->write(w, UINT32_MAX, &h, pkt, err), -EINVAL);
	close_ok(w);

	/* EPB(0), IDB, EPB(1), in that order */
	b = contents(rd, start, &n);
	assert_int_equal(n, 36 + 44 + 36);
	memcpy(&v, b, 4);
	assert_int_equal(v, 6);
	memcpy(&v, b + 8, 4);
	assert_int_equal(v, 0);
	memcpy(&v, b + 36, 4);
	assert_int_equal(v, 1);
	memcpy(&v, b + 36 + 8, 4);
	assert_int_equal(v, 0); /* LINKTYPE_NULL, reserved */
	memcpy(&v, b + 80, 4);
	assert_int_equal(v, 6);
	memcpy(&v, b + 80 + 8, 4);
	assert_int_equal(v, 1);
	free(b);
	close(rd);
}

static void test_close_null(void **state)
{
	char err[NSCAP_ERRBUF] = "";

	(void)state;
	assert_int_equal(ops->close(NULL, err), 0);
	assert_int_equal(ops->close(NULL, NULL), 0);
	assert_string_equal(ops->name, "pcapng");
	assert_non_null(ops->size);
	assert_non_null(ops->record_size);
	assert_non_null(ops->trailer_size);
	assert_non_null(ops->lost);
	assert_non_null(ops->resume);
}

/* ---- sizes ---- */

/* Pins size(), record_size() and trailer_size() against the file. */
static void test_sizes(void **state)
{
	static const struct nscap_writer_iface lo = {"web:lo", NULL, DLT_EN10MB,
						     262144, NULL};
	static const uint32_t lens[] = {0, 1, 3, 4, 5, 60, 1514};
	struct nscap_writer_iface ifs[2] = {eth0, eth0};
	struct nscap_writer_config cfg = {0};
	struct nscap_writer_stats st = {1700000001000000000ull, 1, 0, 1};
	static unsigned char pkt[1514];
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF];
	uint64_t want;
	unsigned int i;
	int rd;

	(void)state;
	ifs[1].name = "web:eth1";
	ifs[1].description = "pid 42 (httpd)";
	cfg.ifaces = ifs;
	cfg.nifaces = 2;
	cfg.userappl = "nscap";
	w = open_mem(&cfg, &rd);
	want = file_size(rd);
	assert_int_equal(ops->size(w), want);
	assert_int_equal(ops->record_size(w, 0), 32);
	assert_int_equal(ops->record_size(w, 1), 36);
	assert_int_equal(ops->record_size(w, 4), 36);
	assert_int_equal(ops->record_size(w, 5), 40);
	assert_int_equal(ops->record_size(w, 1514), 1548);
	assert_int_equal(ops->trailer_size(w), 2 * 64);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct pcap_pkthdr h = hdr(TS_SEC, i, lens[i], lens[i]);

		write_ok(w, i % 2, &h, pkt);
		want += ops->record_size(w, lens[i]);
		assert_int_equal(ops->size(w), want);
	}
	/* a new interface: its IDB (44 bytes) counts, and its ISB to come */
	assert_int_equal(ops->add_iface(w, &lo, err), 0);
	want += 44;
	assert_int_equal(ops->size(w), want);
	assert_int_equal(ops->trailer_size(w), 3 * 64);
	{
		struct pcap_pkthdr h = hdr(TS_SEC, 9, 60, 60);

		write_ok(w, 2, &h, pkt);
		want += 92;
	}
	assert_int_equal(ops->size(w), want);
	flush_ok(w);
	assert_int_equal(file_size(rd), want);
	assert_int_equal(ops->size(w), want);
	/* the trailer: what the session's stats() calls add */
	want += ops->trailer_size(w);
	for (i = 0; i < 3; i++)
		assert_int_equal(ops->stats(w, i, &st, err), 0);
	assert_int_equal(ops->size(w), want);
	assert_int_equal(ops->lost(w), 0);
	close_ok(w);
	assert_int_equal(file_size(rd), want);
	close(rd);
}

/* ---- disk faults ---- */

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

static int restore_limit(void **state)
{
	(void)state;
	return setrlimit(RLIMIT_FSIZE, &fsize_limit);
}

/* One packet of len bytes on iface, its data fill()ed with seed. */
static int write_seed(struct nscap_writer *w, unsigned int iface,
		      unsigned int seed, uint32_t len, char *err)
{
	unsigned char *b = malloc(len + 1);
	struct pcap_pkthdr h = hdr(TS_SEC, seed, len, len);
	int ret;

	assert_non_null(b);
	fill(b, len, seed);
	ret = ops->write(w, iface, &h, b, err);
	free(b);
	return ret;
}

static void write_seed_ok(struct nscap_writer *w, unsigned int iface,
			  unsigned int seed, uint32_t len)
{
	char err[NSCAP_ERRBUF] = "";

	if (write_seed(w, iface, seed, len, err) != 0)
		fail_msg("write: %s", err);
}

/* Every EPB of b[0..n) names an interface whose IDB came before it.
 * Returns how many IDBs. */
static uint32_t idbs_before_use(const unsigned char *b, size_t n)
{
	uint32_t idbs = 0, type, total, iface;
	size_t off = 0;

	while (off + 12 <= n) {
		memcpy(&type, b + off, 4);
		memcpy(&total, b + off + 4, 4);
		if (type == 1)
			idbs++;
		if (type == 6 || type == 5) {
			memcpy(&iface, b + off + 8, 4);
			assert_true(iface < idbs);
		}
		off += total;
	}
	return idbs;
}

/* libpcap reads the file to its end without an error: n packets. */
static void libpcap_reads(int rd, size_t n)
{
	struct pcap_pkthdr *ph;
	const u_char *pd;
	pcap_t *p = open_libpcap(rd, PCAP_TSTAMP_PRECISION_MICRO);
	size_t i;

	for (i = 0; i < n; i++)
		if (pcap_next_ex(p, &ph, &pd) != 1)
			fail_msg("packet %zu of %zu: %s", i + 1, n,
				 pcap_geterr(p));
	if (pcap_next_ex(p, &ph, &pd) != PCAP_ERROR_BREAK)
		fail_msg("after %zu packets: %s", n, pcap_geterr(p));
	pcap_close(p);
}

/*
 * A disk fault on flush, the limit inside the third queued packet: the
 * kernel takes a new IDB, two and a half EPBs (a short write, which the
 * writer retries), then refuses (EFBIG). The file keeps the whole blocks
 * that reached it, the IDB and two packets, and is cut after them (it was
 * cut back to the last whole flush, losing all fifty); after resume the
 * next interface's IDB comes before the first block that names it.
 */
static void test_disk_full_on_flush(void **state)
{
	enum { A = 200, B = 50, C = 3, D = 20, LEN = 1000, REC = 1032 };
	static const struct nscap_writer_iface eth1 = {
		"web:eth1", NULL, DLT_EN10MB, 262144, NULL};
	static const struct nscap_writer_iface eth2 = {
		"web:eth2", NULL, DLT_EN10MB, 262144, NULL};
	struct nscap_writer_stats st = {0, 1, 0, 1};
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF] = "";
	unsigned char *b;
	size_t good, n;
	unsigned int i;
	int rd;

	(void)state;
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	w = open_mem(&cfg, &rd);
	for (i = 0; i < A; i++)
		write_seed_ok(w, 0, i, LEN);
	flush_ok(w);
	good = file_size(rd);
	assert_int_equal(ops->add_iface(w, &eth1, err), 0);
	for (i = 0; i < B; i++)
		write_seed_ok(w, 1, A + i, LEN); /* two of them will stay */
	assert_int_equal(ops->size(w), good + 44 + B * REC);

	limit_file_size(good + 44 + 2 * REC + REC / 2);
	assert_int_equal(ops->flush(w, err), -EFBIG);
	assert_string_equal(err, "cannot write packets: File too large");
	good += 44 + 2 * REC;
	assert_int_equal(file_size(rd), good);
	/* and the fd (rd shares its offset) points at the end again */
	assert_int_equal(lseek(rd, 0, SEEK_CUR), (off_t)good);
	assert_int_equal(ops->lost(w), B - 2);
	/* what is kept: the file, eth1's IDB in it */
	assert_int_equal(ops->size(w), good);
	for (i = 0; i < C; i++) {
		err[0] = '\0';
		assert_int_equal(write_seed(w, 1, 9999, LEN, err), -EFBIG);
		assert_string_equal(err,
				    "cannot write packets: File too large");
	}
	assert_int_equal(ops->lost(w), B - 2 + C);
	/* an interface that comes while the disk is full waits with it */
	assert_int_equal(ops->add_iface(w, &eth2, err), 0);
	assert_int_equal(ops->stats(w, 0, &st, err), -EFBIG);
	assert_int_equal(ops->flush(w, err), -EFBIG);
	assert_int_equal(ops->lost(w), B - 2 + C);
	assert_int_equal(file_size(rd), good);
	b = contents(rd, 0, &n);
	assert_int_equal(walk(b, n), A + 2);
	assert_int_equal(idbs_before_use(b, n), 2);
	free(b);
	libpcap_reads(rd, A + 2);

	/* space again: the IDBs, then the next packets */
	unlimit_file_size();
	assert_int_equal(ops->resume(w, err), 0);
	assert_int_equal(ops->resume(w, err), 0); /* not failed */
	for (i = 0; i < D; i++)
		write_seed_ok(w, i % 3, A + 2 + i, LEN);
	close_ok(w);
	b = contents(rd, 0, &n);
	assert_int_equal(n, good + 44 + D * REC);
	assert_int_equal(walk(b, n), A + 2 + D);
	assert_int_equal(idbs_before_use(b, n), 3);
	free(b);
	libpcap_reads(rd, A + 2 + D);
	close(rd);
}

/* A disk fault when the buffer fills, inside write(): the queued packets
 * that reached the file whole stay, that packet and the rest are lost, the
 * file is cut after the last whole one, and close after the failure
 * returns 0 without writing anything. */
static void test_disk_full_when_buffer_fills(void **state)
{
	enum { LEN = 1000, REC = 1032, MAX = 4000 };
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF] = "";
	size_t head, kept, n;
	unsigned char *b;
	unsigned int i;
	int rd, ret = 0;

	(void)state;
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	w = open_mem(&cfg, &rd);
	head = file_size(rd);
	limit_file_size(WRITER_BUFSIZE + WRITER_BUFSIZE / 2);
	for (i = 0; i < MAX && ret == 0; i++)
		ret = write_seed(w, 0, i, LEN, err);
	assert_int_equal(ret, -EFBIG);
	assert_string_equal(err, "cannot write packets: File too large");
	kept = i - ops->lost(w);
	assert_int_equal(kept,
			 (WRITER_BUFSIZE + WRITER_BUFSIZE / 2 - head) / REC);
	assert_int_equal(file_size(rd), head + kept * REC);
	assert_int_equal(ops->size(w), head + kept * REC);
	err[0] = '\0';
	assert_int_equal(ops->close(w, err), 0);
	assert_string_equal(err, "");
	b = contents(rd, 0, &n);
	assert_int_equal(n, head + kept * REC);
	assert_int_equal(walk(b, n), kept);
	free(b);
	libpcap_reads(rd, kept);
	close(rd);
}

/* A packet larger than the buffer, written directly, that does not fit:
 * cut back to the block before it. */
static void test_disk_full_big_record(void **state)
{
	const uint32_t big = WRITER_BUFSIZE + WRITER_BUFSIZE / 2 + 1;
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w;
	char err[NSCAP_ERRBUF] = "";
	size_t head, n;
	unsigned char *b;
	int rd;

	(void)state;
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	w = open_mem(&cfg, &rd);
	head = file_size(rd);
	write_seed_ok(w, 0, 0, 10);
	limit_file_size(WRITER_BUFSIZE);
	assert_int_equal(write_seed(w, 0, 1, big, err), -EFBIG);
	assert_int_equal(ops->lost(w), 1);
	assert_int_equal(file_size(rd), head + 44);
	unlimit_file_size();
	assert_int_equal(ops->resume(w, err), 0);
	write_seed_ok(w, 0, 1, 20);
	close_ok(w);
	b = contents(rd, 0, &n);
	assert_int_equal(n, head + 44 + 52);
	assert_int_equal(walk(b, n), 2);
	free(b);
	close(rd);
}

/* Appending to a file (O_APPEND, as "nscap -w - >>FILE"): a fault cuts
 * back to the writer's own last block, never into what was there. */
static void test_disk_full_appending(void **state)
{
	enum { OLD = 1000, LEN = 100, REC = 132 };
	struct nscap_writer_config cfg = {0};
	struct nscap_writer *w = NULL;
	char err[NSCAP_ERRBUF] = "", old[OLD];
	int fd = memfd_create("pcapng", MFD_CLOEXEC), rd;
	size_t good, n;
	unsigned char *b;
	unsigned int i;

	(void)state;
	assert_true(fd >= 0);
	memset(old, 'x', sizeof(old));
	assert_int_equal(write(fd, old, sizeof(old)), OLD);
	assert_int_equal(fcntl(fd, F_SETFL, O_APPEND), 0);
	rd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	assert_true(rd >= 0);
	cfg.ifaces = &eth0;
	cfg.nifaces = 1;
	assert_int_equal(ops->open(&w, fd, &cfg, err), 0);
	for (i = 0; i < 10; i++)
		write_seed_ok(w, 0, i, LEN);
	flush_ok(w);
	good = file_size(rd);
	for (i = 0; i < 5; i++)
		write_seed_ok(w, 0, 99, LEN);
	limit_file_size(good + REC / 2);
	assert_int_equal(ops->flush(w, err), -EFBIG);
	assert_int_equal(file_size(rd), good);
	unlimit_file_size();
	assert_int_equal(ops->resume(w, err), 0);
	write_seed_ok(w, 0, 10, LEN);
	close_ok(w);
	b = contents(rd, 0, &n);
	assert_int_equal(n, good + REC);
	assert_memory_equal(b, old, OLD);
	assert_int_equal(walk(b + OLD, n - OLD), 11);
	free(b);
	close(rd);
}

/* ---- sample files for t_pcapng_readers.sh ---- */

enum link { LINK_ETH, LINK_SLL, LINK_RAW };

static void put_be16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* An Ethernet, Linux cooked or raw IPv4/UDP datagram 198.51.100.1:40000 >
 * 198.51.100.2:9999 with "nscap pcapng N" as payload; returns its length. */
static uint32_t udp_packet(unsigned char *b, enum link link, unsigned int n)
{
	static const unsigned char mac1[6] = {2, 0, 0, 0, 0, 1};
	static const unsigned char mac2[6] = {2, 0, 0, 0, 0, 2};
	unsigned char *ip = b, *udp;
	uint32_t sum = 0;
	size_t i, paylen;
	int len;

	if (link == LINK_ETH) {
		memcpy(b, mac2, 6);
		memcpy(b + 6, mac1, 6);
		put_be16(b + 12, 0x0800);
		ip = b + 14;
	} else if (link == LINK_SLL) {
		put_be16(b, 0);	    /* sent to us */
		put_be16(b + 2, 1); /* ARPHRD_ETHER */
		put_be16(b + 4, 6); /* address length */
		memcpy(b + 6, mac1, 6);
		put_be16(b + 12, 0); /* address padding */
		put_be16(b + 14, 0x0800);
		ip = b + 16;
	}
	udp = ip + 20;
	len = snprintf((char *)udp + 8, 32, "nscap pcapng %u", n);
	paylen = (size_t)len;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, (unsigned int)(20 + 8 + paylen));
	put_be16(ip + 4, n);
	put_be16(ip + 6, 0x4000); /* don't fragment */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, (const unsigned char[]){198, 51, 100, 1}, 4);
	memcpy(ip + 16, (const unsigned char[]){198, 51, 100, 2}, 4);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put_be16(ip + 10, ~sum & 0xffff);
	put_be16(udp, 40000);
	put_be16(udp + 2, 9999);
	put_be16(udp + 4, (unsigned int)(8 + paylen));
	put_be16(udp + 6, 0); /* no checksum */
	return (uint32_t)(udp + 8 + paylen - b);
}

static int gen_write(struct nscap_writer *w, unsigned int iface, enum link link,
		     unsigned int n, long sec, long frac, char *err)
{
	unsigned char b[128];
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = h.len = udp_packet(b, link, n);
	h.ts.tv_sec = sec;
	h.ts.tv_usec = frac;
	return ops->write(w, iface, &h, b, err);
}

/*
 * Three interfaces: web:eth0 (Ethernet, with a description) and web:any
 * (Linux cooked) from the start, web:wg0 (raw IP) added after packets.
 * Packets 1..7 on eth0, any, eth0, any, eth0, wg0, wg0 at
 * 1700000000.000000001 s and on, in nanoseconds; a statistics block each.
 */
static int gen_multi(int fd, char *err)
{
	static const struct nscap_writer_iface ifs[] = {
		{"web:eth0", "pid 42 (httpd), net:[4026532000]", DLT_EN10MB,
		 262144, "udp port 9999"},
		{"web:any", NULL, DLT_LINUX_SLL, 262144, NULL},
	};
	static const struct nscap_writer_iface wg0 = {"web:wg0", NULL, DLT_RAW,
						      262144, NULL};
	static const unsigned int on[] = {0, 1, 0, 1, 0, 2, 2};
	static const enum link links[] = {LINK_ETH, LINK_SLL, LINK_RAW};
	static const struct nscap_writer_stats st[] = {
		{1700000001000000000ull, 4, 1, 3},
		{1700000001000000000ull, 2, 0, 2},
		{1700000001000000000ull, 2, 0, 2},
	};
	struct nscap_writer_config cfg = {.ifaces = ifs,
					  .nifaces = 2,
					  .in_nano = true,
					  .out_nano = true,
					  .hardware = "x86_64",
					  .os = "Linux",
					  .userappl = "nscap test generator"};
	struct nscap_writer *w;
	unsigned int i;
	int ret;

	ret = ops->open(&w, fd, &cfg, err);
	if (ret)
		return ret;
	for (i = 0; ret == 0 && i < 7; i++) {
		if (i == 5)
			ret = ops->add_iface(w, &wg0, err);
		if (ret == 0)
			ret = gen_write(w, on[i], links[on[i]], i + 1, TS_SEC,
					(long)i + 1, err);
	}
	for (i = 0; ret == 0 && i < 3; i++)
		ret = ops->stats(w, i, &st[i], err);
	if (ret) {
		ops->close(w, NULL);
		return ret;
	}
	return ops->close(w, err);
}

/* One Ethernet interface, microseconds: 4 packets at 1700000000.123456 s
 * and on, one microsecond apart. */
static int gen_one(int fd, char *err)
{
	struct nscap_writer_config cfg = {.ifaces = &eth0,
					  .nifaces = 1,
					  .userappl = "nscap test generator"};
	struct nscap_writer_stats st = {1700000001000000000ull, 4, 0, 4};
	struct nscap_writer *w;
	unsigned int i;
	int ret;

	ret = ops->open(&w, fd, &cfg, err);
	if (ret)
		return ret;
	for (i = 0; ret == 0 && i < 4; i++)
		ret = gen_write(w, 0, LINK_ETH, i + 1, TS_SEC, 123456 + (long)i,
				err);
	if (ret == 0)
		ret = ops->stats(w, 0, &st, err);
	if (ret) {
		ops->close(w, NULL);
		return ret;
	}
	return ops->close(w, err);
}

static int generate(const char *path, int (*gen)(int, char *))
{
	char err[NSCAP_ERRBUF];
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "cannot create %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (gen(fd, err)) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shb_without_options),
		cmocka_unit_test(test_shb_with_options),
		cmocka_unit_test(test_idb_names_and_padding),
		cmocka_unit_test(test_idb_filter),
		cmocka_unit_test(test_idb_nanoseconds),
		cmocka_unit_test(test_idb_invalid_utf8),
		cmocka_unit_test(test_idb_longest_name),
		cmocka_unit_test(test_epb_padding),
		cmocka_unit_test(test_epb_padding_in_a_used_buffer),
		cmocka_unit_test(test_epb_timestamps),
		cmocka_unit_test(test_isb),
		cmocka_unit_test(test_libpcap_reads_it_back),
		cmocka_unit_test(test_libpcap_microseconds),
		cmocka_unit_test(test_libpcap_limits),
		cmocka_unit_test(test_file_ends_at_whole_blocks),
		cmocka_unit_test(test_record_larger_than_buffer),
		cmocka_unit_test(test_pipe_nonblocking),
		cmocka_unit_test(test_pipe_interrupted),
		cmocka_unit_test(test_pipe_wait_gives_up),
		cmocka_unit_test(test_epipe),
		cmocka_unit_test(test_messages_name_output),
		cmocka_unit_test(test_unknown_interface),
		cmocka_unit_test(test_close_null),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test_teardown(test_disk_full_on_flush,
					  restore_limit),
		cmocka_unit_test_teardown(test_disk_full_when_buffer_fills,
					  restore_limit),
		cmocka_unit_test_teardown(test_disk_full_big_record,
					  restore_limit),
		cmocka_unit_test_teardown(test_disk_full_appending,
					  restore_limit),
	};
	const char *multi = getenv("NSC_PCAPNG_OUT");
	const char *one = getenv("NSC_PCAPNG_OUT_ONE");

	if (multi || one) {
		if (multi && generate(multi, gen_multi))
			return 1;
		if (one && generate(one, gen_one))
			return 1;
		return 0;
	}
	/* a reader that goes away shows as EPIPE, as in nscap itself */
	signal(SIGPIPE, SIG_IGN);
	/* a file size limit shows as EFBIG instead of killing the test */
	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &fsize_limit) < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
