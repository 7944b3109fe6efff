/*
 * Unit tests for src/rotate.c, the rotation and autostop policy: every
 * boundary of -C (exactly full, one byte over, a record larger than the
 * limit, the close's statistics counted), -G (at exactly G seconds, a late
 * rotation), -W (ring naming and wrap-around, which file is replaced; with
 * -G alone, stop after N files), each -a condition alone and together,
 * the parsers' errors, and tcpdump's file names.
 *
 * The expected numbers come from tcpdump 4.99.3 and dumpcap 4.0.17 run on
 * this machine over a pcap of 1000-byte records (24-byte header):
 *	tcpdump -r in.pcap -w out -C 1        out, out1, out2 (1,000,024 B)
 *	tcpdump ... -C 1 -W 10 / -W 11 / -W 1  out0.. / out00.. / out
 *	dumpcap -i - -a filesize:100            100 packets, 100,024 B
 *	dumpcap -i - -a packets:7               7 packets
 * and -C here is stricter than tcpdump's on purpose: 999 such records per
 * file, never more than 1,000,000 bytes (see rotate.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nscap/err.h"
#include "nscap/rotate.h"

#define S 1000000000ull	       /* ns in a second */
#define T0 (1700000000ull * S) /* 2023-11-14 22:13:20 UTC */

static const struct nscap_rotate_policy none;

static enum nscap_rotate_action decide(const struct nscap_rotate_policy *p,
				       const struct nscap_rotate_state *s,
				       uint64_t now, uint64_t bytes,
				       struct nscap_rotate_decision *d)
{
	return nscap_rotate_decide(p, s, now, bytes, false, d);
}

/* Write n records of size bytes, each after a NONE decision. */
static void fill(const struct nscap_rotate_policy *p,
		 struct nscap_rotate_state *s, uint64_t now, unsigned int n,
		 uint64_t size)
{
	struct nscap_rotate_decision d;
	unsigned int i;

	for (i = 0; i < n; i++) {
		assert_int_equal(decide(p, s, now, size, &d),
				 NSCAP_ROTATE_NONE);
		nscap_rotate_wrote(s, size, 1);
	}
}

/* -C: a record that exactly fills the file goes in; one more byte not. */
static void test_size_exactly_at_limit(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;

	(void)state;
	p.max_bytes = 1000;
	nscap_rotate_begin(&s, T0, 100);
	fill(&p, &s, T0, 8, 100); /* 900 bytes */
	assert_int_equal(decide(&p, &s, T0, 100, &d), NSCAP_ROTATE_NONE);
	nscap_rotate_wrote(&s, 100, 1);
	assert_int_equal(s.file_bytes, 1000);
	assert_int_equal(decide(&p, &s, T0, 1, &d), NSCAP_ROTATE_NEXT);
	assert_int_equal(d.reason, NSCAP_ROTATE_BY_SIZE);
	assert_int_equal(d.index, 1);
	assert_false(d.replaces);
	assert_false(d.new_period);
}

static void test_size_one_byte_over(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;

	(void)state;
	p.max_bytes = 1000;
	nscap_rotate_begin(&s, T0, 100);
	fill(&p, &s, T0, 8, 100);
	assert_int_equal(decide(&p, &s, T0, 101, &d), NSCAP_ROTATE_NEXT);
	assert_int_equal(d.reason, NSCAP_ROTATE_BY_SIZE);
	nscap_rotate_opened(&s, &d, 100);
	assert_int_equal(s.files, 2);
	assert_int_equal(s.index, 1);
	assert_int_equal(s.file_bytes, 100);
	assert_int_equal(s.file_packets, 0);
	/* the record goes into the new file without a second rotation */
	assert_int_equal(decide(&p, &s, T0, 101, &d), NSCAP_ROTATE_NONE);
}

/* What closing adds (pcapng statistics) counts against the limit. */
static void test_size_counts_close_bytes(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;

	(void)state;
	p.max_bytes = 1000;
	nscap_rotate_begin(&s, T0, 100);
	s.close_bytes = 50;
	fill(&p, &s, T0, 8, 100);
	assert_int_equal(decide(&p, &s, T0, 51, &d), NSCAP_ROTATE_NEXT);
	assert_int_equal(decide(&p, &s, T0, 50, &d), NSCAP_ROTATE_NONE);
}

/*
 * A record larger than the limit is written alone in a file: an empty
 * file always takes its first record, so rotation cannot loop.
 */
static void test_size_record_larger_than_limit(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	int round;

	(void)state;
	p.max_bytes = 1000;
	nscap_rotate_begin(&s, T0, 2000); /* even the header is too big */
	assert_int_equal(decide(&p, &s, T0, 5000, &d), NSCAP_ROTATE_NONE);
	nscap_rotate_wrote(&s, 5000, 1);
	for (round = 0; round < 3; round++) {
		assert_int_equal(decide(&p, &s, T0, 5000, &d),
				 NSCAP_ROTATE_NEXT);
		nscap_rotate_opened(&s, &d, 2000);
		assert_int_equal(decide(&p, &s, T0, 5000, &d),
				 NSCAP_ROTATE_NONE);
		nscap_rotate_wrote(&s, 5000, 1);
	}
	assert_int_equal(s.files, 4);
	assert_int_equal(s.packets, 4);
}

/* Without a record (a check after a batch) size never rotates. */
static void test_size_not_on_tick(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;

	(void)state;
	p.max_bytes = 1000;
	nscap_rotate_begin(&s, T0, 100);
	nscap_rotate_wrote(&s, 5000, 1);
	assert_int_equal(decide(&p, &s, T0, 0, &d), NSCAP_ROTATE_NONE);
}

/* -C without -W: numbers go up for ever, nothing is replaced. */
static void test_size_numbers_without_ring(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	unsigned int i;

	(void)state;
	p.max_bytes = 1000;
	nscap_rotate_begin(&s, T0, 24);
	for (i = 1; i <= 25; i++) {
		fill(&p, &s, T0, 1, 900);
		assert_int_equal(decide(&p, &s, T0, 900, &d),
				 NSCAP_ROTATE_NEXT);
		assert_int_equal(d.index, i);
		assert_false(d.replaces);
		assert_true(d.name_ns == T0);
		nscap_rotate_opened(&s, &d, 24);
	}
}

/* -C 1: tcpdump's unit, and 999 records of 1000 bytes per file. */
static void test_size_megabyte_files(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_rotate_parse_size(&p, "1", err), 0);
	assert_true(p.max_bytes == 1000000);
	nscap_rotate_begin(&s, T0, 24);
	fill(&p, &s, T0, 999, 1000);
	assert_int_equal(decide(&p, &s, T0, 1000, &d), NSCAP_ROTATE_NEXT);
	assert_true(s.file_bytes == 999024);
}

/* -G: at exactly G seconds, not a nanosecond before. */
static void test_time_exactly_at_g(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;

	(void)state;
	p.seconds = 60;
	nscap_rotate_begin(&s, T0, 24);
	assert_int_equal(decide(&p, &s, T0 + 60 * S - 1, 100, &d),
			 NSCAP_ROTATE_NONE);
	assert_int_equal(decide(&p, &s, T0 + 60 * S, 100, &d),
			 NSCAP_ROTATE_NEXT);
	assert_int_equal(d.reason, NSCAP_ROTATE_BY_TIME);
	assert_true(d.new_period);
	assert_true(d.name_ns == T0 + 60 * S);
	assert_int_equal(d.index, 0);
	/* also with no record: a file an hour even when it is quiet */
	assert_int_equal(decide(&p, &s, T0 + 60 * S, 0, &d), NSCAP_ROTATE_NEXT);
}

/* A late rotation starts the next period then, as tcpdump's time(NULL). */
static void test_time_late_rotation_restarts_period(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;

	(void)state;
	p.seconds = 60;
	nscap_rotate_begin(&s, T0, 24);
	assert_int_equal(decide(&p, &s, T0 + 75 * S, 100, &d),
			 NSCAP_ROTATE_NEXT);
	nscap_rotate_opened(&s, &d, 24);
	assert_true(s.period_start_ns == T0 + 75 * S);
	assert_true(nscap_rotate_deadline(&p, &s) == T0 + 135 * S);
	assert_int_equal(decide(&p, &s, T0 + 134 * S, 100, &d),
			 NSCAP_ROTATE_NONE);
	assert_int_equal(decide(&p, &s, T0 + 135 * S, 100, &d),
			 NSCAP_ROTATE_NEXT);
}

/* The next file has the current one's name (-G 60 with an hourly pattern,
 * or no pattern at all): the file goes on, with its bytes and packets, and
 * a new period starts in it; it counts as a file, so -W 2 stops after two
 * periods (it never stopped when the name never changed). */
static void test_time_kept_file(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;

	(void)state;
	p.seconds = 60;
	p.files = 2;
	nscap_rotate_begin(&s, T0, 24);
	nscap_rotate_wrote(&s, 1000, 10);
	assert_int_equal(decide(&p, &s, T0 + 60 * S, 100, &d),
			 NSCAP_ROTATE_NEXT);
	assert_true(d.new_period);
	nscap_rotate_kept(&s, &d);
	assert_true(s.period_start_ns == T0 + 60 * S);
	assert_true(s.file_bytes == 1024);
	assert_true(s.file_packets == 10);
	assert_int_equal(s.files, 2);
	assert_int_equal(decide(&p, &s, T0 + 119 * S, 100, &d),
			 NSCAP_ROTATE_NONE);
	/* -W 2 stops before a third */
	assert_int_equal(decide(&p, &s, T0 + 120 * S, 100, &d),
			 NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_FILE_LIMIT);

	/* a kept file, then a new one: two files, -a files:3 stops the
	 * third period */
	p.files = 0;
	p.stop_files = 3;
	nscap_rotate_begin(&s, T0, 24);
	assert_int_equal(decide(&p, &s, T0 + 60 * S, 100, &d),
			 NSCAP_ROTATE_NEXT);
	nscap_rotate_kept(&s, &d);
	assert_int_equal(decide(&p, &s, T0 + 120 * S, 100, &d),
			 NSCAP_ROTATE_NEXT);
	nscap_rotate_opened(&s, &d, 24);
	assert_int_equal(s.files, 3);
	assert_int_equal(decide(&p, &s, T0 + 180 * S, 100, &d),
			 NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_FILES);
}

/* -G with -W alone: N files, then stop instead of the next one. */
static void test_time_with_w_stops_after_n_files(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	uint64_t now = T0;
	int i;

	(void)state;
	p.seconds = 10;
	p.files = 3;
	nscap_rotate_begin(&s, now, 24);
	for (i = 0; i < 2; i++) {
		now += 10 * S;
		assert_int_equal(decide(&p, &s, now, 100, &d),
				 NSCAP_ROTATE_NEXT);
		assert_false(d.replaces);
		nscap_rotate_opened(&s, &d, 24);
	}
	assert_int_equal(s.files, 3);
	assert_int_equal(decide(&p, &s, now + 10 * S - 1, 100, &d),
			 NSCAP_ROTATE_NONE);
	assert_int_equal(decide(&p, &s, now + 10 * S, 100, &d),
			 NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_FILE_LIMIT);
}

/* -C -W 10: FILE0..FILE9, then FILE0 again, replacing the oldest. */
static void test_ring_wraps_and_replaces(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	char err[NSCAP_ERRBUF], name[64];
	unsigned int i;

	(void)state;
	p.max_bytes = 1000;
	p.files = 10;
	nscap_rotate_begin(&s, T0, 24);
	assert_int_equal(nscap_rotate_filename("FILE", &p, s.index, 0, name,
					       sizeof(name), err),
			 0);
	assert_string_equal(name, "FILE0");
	for (i = 1; i <= 25; i++) {
		fill(&p, &s, T0, 1, 900);
		assert_int_equal(decide(&p, &s, T0, 900, &d),
				 NSCAP_ROTATE_NEXT);
		assert_int_equal(d.index, i % 10);
		/* opening file i + 1: the 11th and later reuse a name */
		assert_int_equal(d.replaces, i >= 10);
		nscap_rotate_opened(&s, &d, 24);
		assert_int_equal(nscap_rotate_filename("FILE", &p, d.index, 0,
						       name, sizeof(name), err),
				 0);
		if (i == 9)
			assert_string_equal(name, "FILE9");
		if (i == 10)
			assert_string_equal(name, "FILE0");
	}
}

/* -W 1: one file, replaced by each rotation; tcpdump names it FILE. */
static void test_ring_of_one(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	char err[NSCAP_ERRBUF], name[64];

	(void)state;
	p.max_bytes = 1000;
	p.files = 1;
	nscap_rotate_begin(&s, T0, 24);
	fill(&p, &s, T0, 1, 900);
	assert_int_equal(decide(&p, &s, T0, 900, &d), NSCAP_ROTATE_NEXT);
	assert_int_equal(d.index, 0);
	assert_true(d.replaces);
	assert_int_equal(nscap_rotate_filename("FILE", &p, d.index, 0, name,
					       sizeof(name), err),
			 0);
	assert_string_equal(name, "FILE");
}

/*
 * The "done when": -C 1 -W 5 over about 12 MB ends with exactly 5
 * files; the packets in them are those since the oldest kept file opened.
 */
static void test_ring_twelve_megabytes_five_files(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	uint64_t in_file[5] = {0}, kept = 0, since_oldest;
	unsigned int i, nfiles = 1, files_total = 1;

	(void)state;
	p.max_bytes = 1000000;
	p.files = 5;
	nscap_rotate_begin(&s, T0, 200);
	s.close_bytes = 100;
	for (i = 0; i < 12000; i++) {
		if (decide(&p, &s, T0, 1000, &d) == NSCAP_ROTATE_NEXT) {
			if (!d.replaces)
				nfiles++;
			in_file[d.index] = 0;
			nscap_rotate_opened(&s, &d, 200);
			files_total++;
		}
		nscap_rotate_wrote(&s, 1000, 1);
		in_file[s.index]++;
		assert_true(s.file_bytes + s.close_bytes <= p.max_bytes);
	}
	for (i = 0; i < 5; i++)
		kept += in_file[i];
	assert_int_equal(nfiles, 5);
	assert_int_equal(files_total, 13);
	/* the oldest kept file is the 9th: 8 full files of 999 before it */
	since_oldest = 12000 - 8 * 999;
	assert_true(kept == since_oldest);
}

/* -G with -C and -W: the ring restarts in each period. */
static void test_ring_restarts_each_period(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	int i;

	(void)state;
	p.max_bytes = 1000;
	p.seconds = 60;
	p.files = 2;
	nscap_rotate_begin(&s, T0, 24);
	for (i = 0; i < 3; i++) {
		fill(&p, &s, T0, 1, 900);
		assert_int_equal(decide(&p, &s, T0, 900, &d),
				 NSCAP_ROTATE_NEXT);
		assert_true(d.name_ns == T0); /* the period's time */
		nscap_rotate_opened(&s, &d, 24);
	}
	assert_int_equal(s.index, 1);
	fill(&p, &s, T0, 1, 900);
	/* time and size due at once: time wins, the ring restarts */
	assert_int_equal(decide(&p, &s, T0 + 60 * S, 900, &d),
			 NSCAP_ROTATE_NEXT);
	assert_int_equal(d.reason, NSCAP_ROTATE_BY_TIME);
	assert_int_equal(d.index, 0);
	assert_false(d.replaces);
	nscap_rotate_opened(&s, &d, 24);
	assert_int_equal(s.period_files, 1);
	fill(&p, &s, T0 + 60 * S, 1, 900);
	assert_int_equal(decide(&p, &s, T0 + 61 * S, 900, &d),
			 NSCAP_ROTATE_NEXT);
	assert_int_equal(d.index, 1);
	assert_false(d.replaces);
	assert_true(d.name_ns == T0 + 60 * S);
}

/* -G with -C and a pattern that names each period's files alike: the new
 * period's numbers go on from the current file's (a restart at 0 truncated
 * the files the period before wrote), and the ring of -W keeps counting
 * across the periods. Reverting same_names' numbering or opened's count
 * fails here. */
static void test_ring_same_names_go_on(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;

	(void)state;
	p.max_bytes = 1000;
	p.seconds = 60;
	p.files = 3;
	nscap_rotate_begin(&s, T0, 24);
	fill(&p, &s, T0, 1, 900);
	assert_int_equal(decide(&p, &s, T0, 900, &d), NSCAP_ROTATE_NEXT);
	nscap_rotate_opened(&s, &d, 24);
	assert_int_equal(s.index, 1);
	fill(&p, &s, T0, 1, 900);
	assert_int_equal(decide(&p, &s, T0 + 60 * S, 900, &d),
			 NSCAP_ROTATE_NEXT);
	assert_true(d.new_period);
	assert_int_equal(d.index, 0);
	nscap_rotate_same_names(&p, &s, &d);
	assert_true(d.new_period);
	assert_true(d.same_names);
	assert_int_equal(d.index, 2);
	assert_false(d.replaces);
	nscap_rotate_opened(&s, &d, 24);
	assert_true(s.period_start_ns == T0 + 60 * S); /* -G restarts */
	assert_int_equal(s.period_files, 3);
	fill(&p, &s, T0 + 60 * S, 1, 900);
	/* the ring has come round: its next number replaces the oldest */
	assert_int_equal(decide(&p, &s, T0 + 61 * S, 900, &d),
			 NSCAP_ROTATE_NEXT);
	assert_int_equal(d.index, 0);
	assert_true(d.replaces);
	assert_true(d.name_ns == T0 + 60 * S);
}

/* SIGHUP: numbered with -C or alone, a new period with -G alone. */
static void test_forced_rotation(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;

	(void)state;
	nscap_rotate_begin(&s, T0, 24);
	assert_int_equal(nscap_rotate_decide(&p, &s, T0, 0, true, &d),
			 NSCAP_ROTATE_NEXT);
	assert_int_equal(d.reason, NSCAP_ROTATE_BY_REQUEST);
	assert_int_equal(d.index, 1);
	assert_false(d.new_period);
	p.seconds = 60;
	assert_int_equal(nscap_rotate_decide(&p, &s, T0 + S, 0, true, &d),
			 NSCAP_ROTATE_NEXT);
	assert_true(d.new_period);
	assert_true(d.name_ns == T0 + S);
	assert_int_equal(d.index, 0);
	p.max_bytes = 1000;
	assert_int_equal(nscap_rotate_decide(&p, &s, T0 + S, 0, true, &d),
			 NSCAP_ROTATE_NEXT);
	assert_false(d.new_period);
	assert_int_equal(d.index, 1);
	/* a forced rotation is a file like another for -a files */
	p.stop_files = 1;
	assert_int_equal(nscap_rotate_decide(&p, &s, T0 + S, 0, true, &d),
			 NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_FILES);
}

static void test_autostop_duration(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_rotate_parse_autostop(&p, "duration:10", err),
			 0);
	nscap_rotate_begin(&s, T0, 24);
	assert_int_equal(decide(&p, &s, T0 + 10 * S - 1, 100, &d),
			 NSCAP_ROTATE_NONE);
	assert_int_equal(decide(&p, &s, T0 + 10 * S, 100, &d),
			 NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_DURATION);
	assert_int_equal(decide(&p, &s, T0 + 10 * S, 0, &d), NSCAP_ROTATE_STOP);
	/* a clock that went back is not past the deadline */
	assert_int_equal(decide(&p, &s, T0 - S, 0, &d), NSCAP_ROTATE_NONE);
}

/* dumpcap -a packets:7 wrote 7 packets. */
static void test_autostop_packets(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_rotate_parse_autostop(&p, "packets:7", err), 0);
	nscap_rotate_begin(&s, T0, 24);
	fill(&p, &s, T0, 7, 1000);
	assert_int_equal(decide(&p, &s, T0, 1000, &d), NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_PACKETS);
	/* and at once after the 7th, without waiting for an 8th */
	assert_int_equal(decide(&p, &s, T0, 0, &d), NSCAP_ROTATE_STOP);
}

/* dumpcap -a filesize:100 stopped after 100 packets, 100,024 bytes. */
static void test_autostop_filesize(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_rotate_parse_autostop(&p, "filesize:100", err),
			 0);
	assert_true(p.stop_filesize == 100000);
	nscap_rotate_begin(&s, T0, 24);
	fill(&p, &s, T0, 99, 1000);
	assert_int_equal(decide(&p, &s, T0, 0, &d), NSCAP_ROTATE_NONE);
	assert_int_equal(decide(&p, &s, T0, 1000, &d), NSCAP_ROTATE_NONE);
	nscap_rotate_wrote(&s, 1000, 1);
	assert_true(s.file_bytes == 100024);
	assert_int_equal(decide(&p, &s, T0, 1000, &d), NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_FILESIZE);
	/* headers alone over the size: the first packet is still written */
	nscap_rotate_begin(&s, T0, 200000);
	assert_int_equal(decide(&p, &s, T0, 1000, &d), NSCAP_ROTATE_NONE);
	/* per file: a new file starts from 0 */
	p.max_bytes = 60000;
	nscap_rotate_begin(&s, T0, 24);
	fill(&p, &s, T0, 59, 1000);
	assert_int_equal(decide(&p, &s, T0, 1000, &d), NSCAP_ROTATE_NEXT);
	nscap_rotate_opened(&s, &d, 24);
	fill(&p, &s, T0, 59, 1000);
	assert_int_equal(decide(&p, &s, T0, 1000, &d), NSCAP_ROTATE_NEXT);
}

/* -a files:3 with -C: the third file is the last. */
static void test_autostop_files(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	char err[NSCAP_ERRBUF];
	int i;

	(void)state;
	p.max_bytes = 1000;
	assert_int_equal(nscap_rotate_parse_autostop(&p, "files:3", err), 0);
	nscap_rotate_begin(&s, T0, 24);
	for (i = 0; i < 2; i++) {
		fill(&p, &s, T0, 1, 900);
		assert_int_equal(decide(&p, &s, T0, 900, &d),
				 NSCAP_ROTATE_NEXT);
		nscap_rotate_opened(&s, &d, 24);
	}
	fill(&p, &s, T0, 1, 900);
	assert_int_equal(decide(&p, &s, T0, 900, &d), NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_FILES);
}

/* Combined: whichever limit is reached first stops the capture. */
static void test_autostop_combined_first_wins(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;
	struct nscap_rotate_decision d;
	char err[NSCAP_ERRBUF];
	uint64_t now = T0;
	int i;

	(void)state;
	assert_int_equal(nscap_rotate_parse_autostop(&p, "duration:600", err),
			 0);
	assert_int_equal(nscap_rotate_parse_autostop(&p, "packets:5", err), 0);
	assert_int_equal(nscap_rotate_parse_autostop(&p, "filesize:1", err), 0);
	/* packets first: 5 packets of 10 bytes in 5 s */
	nscap_rotate_begin(&s, T0, 24);
	for (i = 0; i < 5; i++) {
		now += S;
		assert_int_equal(decide(&p, &s, now, 10, &d),
				 NSCAP_ROTATE_NONE);
		nscap_rotate_wrote(&s, 10, 1);
	}
	assert_int_equal(decide(&p, &s, now, 10, &d), NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_PACKETS);
	/* file size first: one large packet */
	nscap_rotate_begin(&s, T0, 24);
	nscap_rotate_wrote(&s, 1000, 1);
	assert_int_equal(decide(&p, &s, T0 + S, 10, &d), NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_FILESIZE);
	/* duration first: nothing else is near */
	nscap_rotate_begin(&s, T0, 24);
	nscap_rotate_wrote(&s, 10, 1);
	assert_int_equal(decide(&p, &s, T0 + 600 * S, 0, &d),
			 NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_DURATION);
	/* a stop beats a rotation due at the same time */
	p.max_bytes = 100;
	p.seconds = 60;
	nscap_rotate_begin(&s, T0, 24);
	fill(&p, &s, T0, 4, 10);
	nscap_rotate_wrote(&s, 10, 1);
	assert_int_equal(decide(&p, &s, T0 + 60 * S, 90, &d),
			 NSCAP_ROTATE_STOP);
	assert_int_equal(d.reason, NSCAP_STOP_BY_PACKETS);
}

static void test_deadline(void **state)
{
	struct nscap_rotate_policy p = none;
	struct nscap_rotate_state s;

	(void)state;
	nscap_rotate_begin(&s, T0, 24);
	assert_true(nscap_rotate_deadline(&p, &s) == UINT64_MAX);
	p.stop_ns = 90 * S;
	assert_true(nscap_rotate_deadline(&p, &s) == T0 + 90 * S);
	p.seconds = 60;
	assert_true(nscap_rotate_deadline(&p, &s) == T0 + 60 * S);
	s.period_start_ns = T0 + 60 * S;
	assert_true(nscap_rotate_deadline(&p, &s) == T0 + 90 * S);
	p.stop_ns = 0;
	assert_true(nscap_rotate_deadline(&p, &s) == T0 + 120 * S);
}

static void test_parse_autostop_values(void **state)
{
	struct nscap_rotate_policy p = none;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_rotate_parse_autostop(&p, "duration:600", err),
			 0);
	assert_true(p.stop_ns == 600 * S);
	assert_int_equal(nscap_rotate_parse_autostop(&p, "duration:0.5", err),
			 0);
	assert_true(p.stop_ns == S / 2);
	assert_int_equal(nscap_rotate_parse_autostop(&p, "duration:.25", err),
			 0);
	assert_true(p.stop_ns == S / 4);
	assert_int_equal(
		nscap_rotate_parse_autostop(&p, "duration:1.0000000019", err),
		0);
	assert_true(p.stop_ns == S + 1);
	assert_int_equal(
		nscap_rotate_parse_autostop(&p, "packets:1000000", err), 0);
	assert_true(p.stop_packets == 1000000);
	assert_int_equal(nscap_rotate_parse_autostop(&p, "files:4", err), 0);
	assert_int_equal(p.stop_files, 4);
	assert_int_equal(nscap_rotate_parse_autostop(&p, "filesize:2", err), 0);
	assert_true(p.stop_filesize == 2000);
}

/* Each bad argument: -EINVAL, a message naming it, p untouched. */
static void check_bad_autostop(const char *arg, const char *want)
{
	struct nscap_rotate_policy p, before;
	char err[NSCAP_ERRBUF];

	memset(&p, 0x5a, sizeof(p));
	memcpy(&before, &p, sizeof(p));
	assert_int_equal(nscap_rotate_parse_autostop(&p, arg, err), -EINVAL);
	assert_memory_equal(&p, &before, sizeof(p));
	assert_non_null(strstr(err, arg));
	if (!strstr(err, want))
		fail_msg("'%s': message '%s' lacks '%s'", arg, err, want);
}

static void test_parse_autostop_errors(void **state)
{
	(void)state;
	check_bad_autostop("duration:", "no value");
	check_bad_autostop("duration:abc", "not a number");
	check_bad_autostop("duration:1.2.3", "not a number");
	check_bad_autostop("duration:0", "greater than 0");
	check_bad_autostop("duration:0.0000000001", "greater than 0");
	check_bad_autostop("duration:-1", "not a number");
	check_bad_autostop("duration:99999999999", "too large");
	check_bad_autostop("bogus:1", "expected duration:SECONDS");
	check_bad_autostop("durations:1", "expected duration:SECONDS");
	check_bad_autostop("duration", "expected duration:SECONDS");
	check_bad_autostop(":5", "expected duration:SECONDS");
	check_bad_autostop("", "expected duration:SECONDS");
	check_bad_autostop("packets:0", "greater than 0");
	check_bad_autostop("packets: 5", "not a whole number");
	check_bad_autostop("packets:5x", "not a whole number");
	check_bad_autostop("packets:1.5", "not a whole number");
	check_bad_autostop("packets:+5", "not a whole number");
	check_bad_autostop("packets:99999999999999999999", "too large");
	check_bad_autostop("files:4294967296", "too large");
	check_bad_autostop("filesize:-1", "not a whole number");
	check_bad_autostop("filesize:18446744073709552", "too large");
}

static void test_parse_size_seconds_files(void **state)
{
	struct nscap_rotate_policy p = none;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_rotate_parse_size(&p, "100", err), 0);
	assert_true(p.max_bytes == 100000000);
	assert_int_equal(nscap_rotate_parse_size(&p, "1k", err), 0);
	assert_true(p.max_bytes == 1024);
	assert_int_equal(nscap_rotate_parse_size(&p, "2M", err), 0);
	assert_true(p.max_bytes == 2ull * 1024 * 1024);
	assert_int_equal(nscap_rotate_parse_size(&p, "3g", err), 0);
	assert_true(p.max_bytes == 3ull * 1024 * 1024 * 1024);
	p.max_bytes = 7;
	assert_int_equal(nscap_rotate_parse_size(&p, "0", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_size(&p, "", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_size(&p, "k", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_size(&p, "1x", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_size(&p, "-1", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_size(&p, "1.5", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_size(&p, "18446744073710", err),
			 -EINVAL);
	assert_non_null(strstr(err, "too large"));
	assert_int_equal(
		nscap_rotate_parse_size(
			&p, "100000000000000000000000000000000000000", err),
		-EINVAL);
	assert_non_null(strstr(err, "too large"));
	assert_int_equal(nscap_rotate_parse_size(&p, "1 ", err), -EINVAL);
	assert_true(p.max_bytes == 7);
	/* leading zeros, however many, as -c takes them (a 32-byte copy
	 * refused 32 characters or more) */
	assert_int_equal(
		nscap_rotate_parse_size(
			&p, "000000000000000000000000000000000000002k", err),
		0);
	assert_true(p.max_bytes == 2048);

	assert_int_equal(nscap_rotate_parse_seconds(&p, "3600", err), 0);
	assert_true(p.seconds == 3600);
	assert_int_equal(nscap_rotate_parse_seconds(&p, "0", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_seconds(&p, "-5", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_seconds(&p, "1h", err), -EINVAL);
	assert_string_equal(err, "invalid number of seconds '1h': expected a "
				 "whole number greater than 0");
	/* too large, as -C says it */
	assert_int_equal(nscap_rotate_parse_seconds(&p, "99999999999", err),
			 -EINVAL);
	assert_string_equal(err,
			    "number of seconds '99999999999' is too large");
	assert_true(p.seconds == 3600);

	assert_int_equal(nscap_rotate_parse_files(&p, "10", err), 0);
	assert_int_equal(p.files, 10);
	assert_int_equal(nscap_rotate_parse_files(&p, "0", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_files(&p, "x", err), -EINVAL);
	assert_int_equal(nscap_rotate_parse_files(&p, "4294967296", err),
			 -EINVAL);
	assert_string_equal(err,
			    "number of output files '4294967296' is too large");
	assert_int_equal(p.files, 10);
}

static void test_check_combinations(void **state)
{
	struct nscap_rotate_policy p = none;
	char err[NSCAP_ERRBUF];

	(void)state;
	assert_int_equal(nscap_rotate_check(&p, false, err), 0);
	p.stop_filesize = 1000; /* bytes written to a pipe count too */
	assert_int_equal(nscap_rotate_check(&p, false, err), 0);
	p.files = 3;
	assert_int_equal(nscap_rotate_check(&p, true, err), -EINVAL);
	assert_non_null(strstr(err, "-W"));
	p.files = 0;
	p.stop_files = 2;
	assert_int_equal(nscap_rotate_check(&p, true, err), -EINVAL);
	assert_non_null(strstr(err, "-a files"));
	p.max_bytes = 1000;
	assert_int_equal(nscap_rotate_check(&p, false, err), -EINVAL);
	assert_non_null(strstr(err, "-w FILE"));
	p.files = 3;
	/* -a filesize counts one file: with -C no file would reach it */
	assert_int_equal(nscap_rotate_check(&p, true, err), -EINVAL);
	assert_non_null(strstr(err, "-a filesize and -C"));
	p.stop_filesize = 0;
	assert_int_equal(nscap_rotate_check(&p, true, err), 0);
	assert_true(nscap_rotate_multi(&p));
	p.max_bytes = 0;
	p.seconds = 5;
	p.stop_filesize = 1000; /* with -G: the first file to reach it */
	assert_int_equal(nscap_rotate_check(&p, true, err), 0);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(nscap_rotate_width(0), 0);
	assert_int_equal(nscap_rotate_width(1), 0);
	assert_int_equal(nscap_rotate_width(2), 1);
	assert_int_equal(nscap_rotate_width(10), 1);
	assert_int_equal(nscap_rotate_width(11), 2);
	assert_int_equal(nscap_rotate_width(100), 2);
	assert_int_equal(nscap_rotate_width(101), 3);
	assert_int_equal(nscap_rotate_width(UINT_MAX), 10);
}

/* name(pattern, p, index) must be want */
static void check_name(const char *pattern, const struct nscap_rotate_policy *p,
		       unsigned int index, time_t when, const char *want)
{
	char err[NSCAP_ERRBUF], buf[256];

	assert_int_equal(nscap_rotate_filename(pattern, p, index, when, buf,
					       sizeof(buf), err),
			 0);
	assert_string_equal(buf, want);
}

static void test_filename_numbering(void **state)
{
	struct nscap_rotate_policy p = none;

	(void)state;
	/* one file, and SIGHUP's further ones */
	check_name("x.pcapng", &p, 0, 0, "x.pcapng");
	check_name("x.pcapng", &p, 1, 0, "x.pcapng1");
	p.max_bytes = 1000000;
	check_name("out", &p, 0, 0, "out");
	check_name("out", &p, 1, 0, "out1");
	check_name("out", &p, 12, 0, "out12");
	p.files = 10;
	check_name("out", &p, 0, 0, "out0");
	check_name("out", &p, 9, 0, "out9");
	p.files = 11;
	check_name("out", &p, 0, 0, "out00");
	check_name("out", &p, 10, 0, "out10");
	p.files = 100;
	check_name("out", &p, 5, 0, "out05");
	p.files = 101;
	check_name("out", &p, 5, 0, "out005");
	p.files = 2;
	check_name("out", &p, 1, 0, "out1");
	p.files = 1;
	check_name("out", &p, 0, 0, "out");
	/* no strftime without -G: a % stays as it is */
	check_name("a%Yb", &p, 0, 0, "a%Yb");
}

static void test_filename_strftime(void **state)
{
	struct nscap_rotate_policy p = none;
	const time_t when = 1700000000; /* 2023-11-14 22:13:20 UTC */

	(void)state;
	p.seconds = 3600;
	check_name("web-%Y%m%d-%H%M%S.pcapng", &p, 0, when,
		   "web-20231114-221320.pcapng");
	/* -G alone: never a number */
	p.files = 10;
	check_name("web-%H.pcap", &p, 3, when, "web-22.pcap");
	/* -G with -C: the number after the time */
	p.max_bytes = 1000;
	check_name("web-%H.pcap", &p, 3, when, "web-22.pcap3");
	p.files = 0;
	check_name("web-%H.pcap", &p, 0, when, "web-22.pcap");
	check_name("100%%", &p, 0, when, "100%");
}

static void test_filename_errors(void **state)
{
	struct nscap_rotate_policy p = none;
	char err[NSCAP_ERRBUF], buf[8];

	(void)state;
	assert_int_equal(
		nscap_rotate_filename("", &p, 0, 0, buf, sizeof(buf), err),
		-EINVAL);
	assert_non_null(strstr(err, "empty"));
	/* exactly fits: 7 characters and the NUL */
	assert_int_equal(nscap_rotate_filename("1234567", &p, 0, 0, buf,
					       sizeof(buf), err),
			 0);
	assert_string_equal(buf, "1234567");
	assert_int_equal(nscap_rotate_filename("12345678", &p, 0, 0, buf,
					       sizeof(buf), err),
			 -ENAMETOOLONG);
	assert_int_equal(nscap_rotate_filename("x", &p, 0, 0, buf, 0, err),
			 -ENAMETOOLONG);
	/* the number does not fit: an error, not a cut name */
	p.max_bytes = 1;
	assert_int_equal(nscap_rotate_filename("123456", &p, 1, 0, buf,
					       sizeof(buf), err),
			 0);
	assert_string_equal(buf, "1234561");
	assert_int_equal(nscap_rotate_filename("123456", &p, 12, 0, buf,
					       sizeof(buf), err),
			 -ENAMETOOLONG);
	assert_string_equal(buf, "123456");
	assert_non_null(strstr(err, "123456"));
	/* strftime's expansion does not fit */
	p.seconds = 1;
	assert_int_equal(nscap_rotate_filename("%Y%m%d", &p, 0, 0, buf,
					       sizeof(buf), err),
			 -ENAMETOOLONG);
	assert_int_equal(
		nscap_rotate_filename("%Y%m", &p, 0, 0, buf, sizeof(buf), err),
		0);
	assert_string_equal(buf, "197001");
}

static void test_reason_strings(void **state)
{
	int r;

	(void)state;
	for (r = NSCAP_ROTATE_BY_NONE; r <= NSCAP_STOP_BY_FILE_LIMIT; r++)
		assert_non_null(
			nscap_rotate_reason_str((enum nscap_rotate_reason)r));
	assert_string_equal(nscap_rotate_reason_str(NSCAP_STOP_BY_FILE_LIMIT),
			    "maximum file limit (-W) reached");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_exactly_at_limit),
		cmocka_unit_test(test_size_one_byte_over),
		cmocka_unit_test(test_size_counts_close_bytes),
		cmocka_unit_test(test_size_record_larger_than_limit),
		cmocka_unit_test(test_size_not_on_tick),
		cmocka_unit_test(test_size_numbers_without_ring),
		cmocka_unit_test(test_size_megabyte_files),
		cmocka_unit_test(test_time_exactly_at_g),
		cmocka_unit_test(test_time_late_rotation_restarts_period),
		cmocka_unit_test(test_time_kept_file),
		cmocka_unit_test(test_time_with_w_stops_after_n_files),
		cmocka_unit_test(test_ring_wraps_and_replaces),
		cmocka_unit_test(test_ring_of_one),
		cmocka_unit_test(test_ring_twelve_megabytes_five_files),
		cmocka_unit_test(test_ring_restarts_each_period),
		cmocka_unit_test(test_ring_same_names_go_on),
		cmocka_unit_test(test_forced_rotation),
		cmocka_unit_test(test_autostop_duration),
		cmocka_unit_test(test_autostop_packets),
		cmocka_unit_test(test_autostop_filesize),
		cmocka_unit_test(test_autostop_files),
		cmocka_unit_test(test_autostop_combined_first_wins),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_parse_autostop_values),
		cmocka_unit_test(test_parse_autostop_errors),
		cmocka_unit_test(test_parse_size_seconds_files),
		cmocka_unit_test(test_check_combinations),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_filename_numbering),
		cmocka_unit_test(test_filename_strftime),
		cmocka_unit_test(test_filename_errors),
		cmocka_unit_test(test_reason_strings),
	};

	/* file names in a fixed zone, whatever the machine's */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
