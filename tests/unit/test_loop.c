/*
 * Unit tests for nscap_loop_new_stop (include/nscap/loop.h): which stop
 * signal cuts a drain short. A first stop is the loop's; the same stop
 * again within the duplicate window is recorded as one; a later one is a
 * second stop. A duplicate let in while a drain waited was once left
 * unrecorded, and cut the drain of the next interface short 0.2 s later.
 * And nscap_loop_dispatch's merge of a settling handle's two rings, read
 * from savefiles standing in for them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nscap/loop.h"

static void test_first_stop_is_the_loops(void **state)
{
	volatile sig_atomic_t stop = 1;
	sig_atomic_t seen = 0;
	int64_t dup_until = 0;
	struct nscap_wait wt = {0, NULL, &stop, &seen, &dup_until};

	(void)state;
	/* the drain of an interface that ended mid-capture goes on */
	assert_false(nscap_loop_new_stop(&wt));
	assert_int_equal(seen, 0);
}

static void test_duplicate_recorded(void **state)
{
	volatile sig_atomic_t stop = 1;
	sig_atomic_t seen = 1;
	int64_t dup_until = nscap_loop_now_ms() + 60000;
	struct nscap_wait wt = {0, NULL, &stop, &seen, &dup_until};

	(void)state;
	assert_false(nscap_loop_new_stop(&wt)); /* nothing new */
	stop = 2;				/* the same stop again */
	assert_false(nscap_loop_new_stop(&wt));
	assert_int_equal(seen, 2);
	/* after the window, that duplicate is still not a second stop */
	dup_until = nscap_loop_now_ms() - 1;
	assert_false(nscap_loop_new_stop(&wt));
	/* a new one after the window is */
	stop = 3;
	assert_true(nscap_loop_new_stop(&wt));
	assert_int_equal(seen, 2);
}

/* The one classifier behind the three: first, again, second. */
static void test_take_stop(void **state)
{
	volatile sig_atomic_t stop = 0;
	sig_atomic_t seen = 0;
	int64_t dup_until = 0, t0;

	(void)state;
	assert_int_equal(nscap_loop_take_stop(&stop, &seen, &dup_until),
			 NSCAP_STOP_NONE);
	stop = 1;
	t0 = nscap_loop_now_ms();
	assert_int_equal(nscap_loop_take_stop(&stop, &seen, &dup_until),
			 NSCAP_STOP_FIRST);
	assert_int_equal(seen, 1);
	assert_true(dup_until >= t0 + NSCAP_STOP_DUP_MS &&
		    dup_until <= nscap_loop_now_ms() + NSCAP_STOP_DUP_MS);
	assert_int_equal(nscap_loop_take_stop(&stop, &seen, &dup_until),
			 NSCAP_STOP_NONE);
	stop = 2;
	dup_until = nscap_loop_now_ms() + 60000;
	assert_int_equal(nscap_loop_take_stop(&stop, &seen, &dup_until),
			 NSCAP_STOP_AGAIN);
	assert_int_equal(seen, 2);
	stop = 3;
	dup_until = nscap_loop_now_ms() - 1;
	assert_int_equal(nscap_loop_take_stop(&stop, &seen, &dup_until),
			 NSCAP_STOP_SECOND);
	assert_int_equal(seen, 2);
}

/* A savefile of one 60-byte packet at each of the n stamps (us), opened
 * for reading. */
static pcap_t *savefile(const unsigned *us, size_t n)
{
	char path[] = "/tmp/nscap-test-loop.XXXXXX", err[PCAP_ERRBUF_SIZE];
	unsigned char pkt[60];
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535), *p;
	pcap_dumper_t *d;
	int fd = mkstemp(path);
	size_t i;

	assert_true(fd >= 0 && dead);
	close(fd);
	d = pcap_dump_open(dead, path);
	assert_non_null(d);
	memset(pkt, 0, sizeof(pkt));
	for (i = 0; i < n; i++) {
		struct pcap_pkthdr h = {{1, (suseconds_t)us[i]}, 60, 60};

		pcap_dump((unsigned char *)d, &h, pkt);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	p = pcap_open_offline(path, err);
	unlink(path);
	assert_non_null(p);
	return p;
}

struct order {
	unsigned us[32];
	size_t n;
};

static int note(void *ctx, const struct nscap_handle *from,
		const struct pcap_pkthdr *h, const unsigned char *data,
		char *err)
{
	struct order *o = ctx;

	(void)from, (void)data, (void)err;
	if (o->n < 32)
		o->us[o->n++] = (unsigned)h->ts.tv_usec;
	return 0;
}

/*
 * A handle settling after a switch down at 150 us whose twin holds two
 * packets from before it and five from after the program's own switch to
 * the twin (member: 0, up; 2: still watching), and whose immediate ring
 * holds three between. left: what -c leaves.
 */
static int merged(uint32_t member, uint64_t left, struct order *o,
		  struct nscap_handle *h)
{
	static const unsigned twin[] = {100, 101, 200, 201, 202, 203, 204};
	static const unsigned imm[] = {160, 170, 180};
	struct nscap_sink sink = {note, o};
	static uint32_t map;
	char err[256];
	int n;

	memset(h, 0, sizeof(*h));
	memset(o, 0, sizeof(*o));
	map = member;
	h->map_mem = &map;
	h->bulk = savefile(twin, 7);
	h->pcap = savefile(imm, 3);
	h->gear.kind = NSCAP_GEAR_SETTLE;
	h->merge = true;
	h->merge_after_ns = (1000000ull + 150) * 1000;
	n = nscap_loop_dispatch(h, true, &sink, 64, left, err);
	pcap_close(h->bulk);
	pcap_close(h->pcap);
	return n;
}

static void test_merge(void **state)
{
	static const unsigned want[] = {100, 101, 160, 170, 180,
					200, 201, 202, 203, 204};
	struct nscap_handle h;
	struct order o;

	(void)state;
	/* the immediate ring's before the twin's first newer packet */
	assert_int_equal(merged(0, UINT64_MAX, &o, &h), 10);
	assert_int_equal(o.n, 10);
	assert_memory_equal(o.us, want, sizeof(want));
	assert_int_equal(h.captured, 10);
	assert_false(h.merge); /* the program had switched: up */
	/* still watching: the same, and the mark moves on */
	assert_int_equal(merged(2, UINT64_MAX, &o, &h), 10);
	assert_memory_equal(o.us, want, sizeof(want));
	assert_true(h.merge);
	assert_int_equal(h.merge_after_ns, (1000000ull + 204) * 1000);
	/* -c: the older first; none past it */
	assert_int_equal(merged(0, 4, &o, &h), 4);
	assert_int_equal(o.n, 4);
	assert_memory_equal(o.us, want, 4 * sizeof(want[0]));
	assert_int_equal(merged(0, 6, &o, &h), 6);
	assert_memory_equal(o.us, want, 6 * sizeof(want[0]));
	assert_int_equal(merged(0, 5, &o, &h), 5);
	assert_memory_equal(o.us, want, 5 * sizeof(want[0]));
}

/* A ring's capture begun (struct nscap_ring_begin): set up at 50 us, its
 * counters reset between 150 and 160 us, having taken left packets. */
static void begun(struct nscap_ring_begin *b, uint64_t left)
{
	b->opened_ns = (1000000ull + 50) * 1000;
	b->before_ns = (1000000ull + 150) * 1000;
	b->after_ns = (1000000ull + 160) * 1000;
	b->left = left;
	b->unsure = 0;
	b->on = true;
}

/* Read stamps (us) from a ring begun with left: what is handed over. */
static int read_begun(const unsigned *us, size_t n, uint64_t left,
		      uint64_t count, bool bulk, struct order *o,
		      struct nscap_handle *h)
{
	struct nscap_sink sink = {note, o};
	char err[256];
	int ret;

	memset(h, 0, sizeof(*h));
	memset(o, 0, sizeof(*o));
	if (bulk) {
		h->bulk = savefile(us, n);
		begun(&h->bulk_begin, left);
	} else {
		h->pcap = savefile(us, n);
		begun(&h->begin, left);
	}
	ret = nscap_loop_dispatch(h, bulk, &sink, 64, count, err);
	pcap_close(bulk ? h->bulk : h->pcap);
	return ret;
}

/*
 * Those stamped before the counters' reset are left out as read, at most
 * as many as it took; those between the two marks are kept and counted as
 * unsure; the first one after ends the check, as does one stamped before
 * the ring was set up (a clock stepped back). -c counts only what is
 * handed over.
 */
static void test_begin(void **state)
{
	static const unsigned ring[] = {100, 101, 102, 200, 120, 201};
	static const unsigned after[] = {200, 120, 201};
	static const unsigned marks[] = {100, 155, 158, 170, 101};
	static const unsigned stepped[] = {40, 100, 200};
	struct nscap_handle h;
	struct order o;

	(void)state;
	assert_int_equal(read_begun(ring, 6, 4, 2, false, &o, &h), 2);
	assert_int_equal(o.n, 2);
	assert_memory_equal(o.us, after, 2 * sizeof(after[0]));
	assert_int_equal(h.captured, 2);
	/* 120, after 200: stamped before, but the first after ended it */
	assert_false(h.begin.on);
	assert_int_equal(nscap_handle_unsure(&h), 0);
	/* the twin's own, all of it */
	assert_int_equal(read_begun(ring, 6, 9, 9, true, &o, &h), 3);
	assert_memory_equal(o.us, after, sizeof(after));
	assert_false(h.bulk_begin.on);
	/* at most as many as the reset took: the third is handed over */
	assert_int_equal(read_begun(ring, 3, 2, 9, false, &o, &h), 1);
	assert_int_equal(o.us[0], 102);
	/* between the marks: kept, unsure */
	assert_int_equal(read_begun(marks, 5, 9, 9, false, &o, &h), 4);
	assert_int_equal(o.us[0], 155);
	assert_int_equal(o.us[3], 101);
	assert_int_equal(nscap_handle_unsure(&h), 2);
	/* stamped before the ring was set up: the check ends there */
	assert_int_equal(read_begun(stepped, 3, 9, 9, false, &o, &h), 3);
	assert_false(h.begin.on);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_stop_is_the_loops),
		cmocka_unit_test(test_duplicate_recorded),
		cmocka_unit_test(test_take_stop),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_begin),
	};

	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
