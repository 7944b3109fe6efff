/*
 * The fanout program (capture/fanout.c), run by the kernel on test packets
 * (BPF_PROG_TEST_RUN): which member it chooses, what it counts, and when it
 * switches to the twin by itself. Skipped where the kernel will not create
 * a mappable map, load the program or run it (no privileges, an old
 * kernel).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "nscap/fanout.h"

struct fix {
	int map, watch, plain;
	uint32_t *mem;
	struct nscap_fanout_value *v;
};

/* The member the program prog chooses for one packet; -1: not run. */
static int run(int prog)
{
	unsigned char pkt[64];
	union bpf_attr a;

	memset(pkt, 0, sizeof(pkt));
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)prog;
	a.test.data_in = (uint64_t)(uintptr_t)pkt;
	a.test.data_size_in = sizeof(pkt);
	a.test.repeat = 1;
	if (syscall(SYS_bpf, BPF_PROG_TEST_RUN, &a, sizeof(a)))
		return -1;
	return (int)a.test.retval;
}

static int setup(void **state)
{
	static struct fix f;

	f.map = nscap_fanout_map(&f.mem);
	f.watch = f.map >= 0 && f.mem ? nscap_fanout_load(f.map, true) : -1;
	f.plain = f.map >= 0 ? nscap_fanout_load(f.map, false) : -1;
	f.v = (struct nscap_fanout_value *)(void *)f.mem;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	nscap_fanout_unmap(f->mem);
	if (f->watch >= 0)
		close(f->watch);
	if (f->plain >= 0)
		close(f->plain);
	if (f->map >= 0)
		close(f->map);
	return 0;
}

/* The watching program, ready to run, or a skip with the reason. */
static struct fix *ready(void **state)
{
	struct fix *f = *state;

	if (f->watch < 0 || run(f->watch) < 0) {
		printf("SKIP: the kernel will not load or run the fanout "
		       "program here: %s\n",
		       strerror(errno));
		skip();
	}
	memset(f->v, 0, sizeof(*f->v));
	return f;
}

/* The twin and the immediate ring as chosen; the immediate ring's packets
 * are counted (also while nscap settles), the twin's not. */
static void test_member(void **state)
{
	struct fix *f = ready(state);

	f->v->member = 0;
	assert_int_equal(run(f->watch), 0);
	assert_int_equal(f->v->sent, 0);
	f->v->member = 1;
	assert_int_equal(run(f->watch), 1);
	assert_int_equal(run(f->watch), 1);
	assert_int_equal(f->v->sent, 2);
	assert_int_equal(f->v->member, 1);
}

/* Watch with room: the program chooses the immediate ring itself. */
static void watch(struct fix *f, uint32_t room)
{
	f->v->member = NSCAP_FANOUT_WATCH;
	f->v->room = room;
}

/* n packets through the watching program, each to member. */
static void expect(struct fix *f, int n, int member)
{
	int i;

	for (i = 0; i < n; i++)
		assert_int_equal(run(f->watch), member);
}

/* Watching with room 5: five unread may wait in the immediate ring, the
 * sixth goes to the twin, which is stored for the packets after it. */
static void test_room(void **state)
{
	struct fix *f = ready(state);

	watch(f, 5);
	expect(f, 5, 1);
	assert_int_equal(f->v->member, NSCAP_FANOUT_WATCH);
	expect(f, 2, 0);
	assert_int_equal(f->v->member, 0);
	/* the five in the ring are counted; the sixth and seventh went to
	 * the twin, and are not */
	assert_int_equal(f->v->sent, 5);
}

/* While nscap settles (member 1) the program counts, and never switches,
 * whatever is unread: nscap does not read the immediate ring then. */
static void test_settling(void **state)
{
	struct fix *f = ready(state);

	f->v->member = 1;
	f->v->room = 1;
	expect(f, 40, 1);
	assert_int_equal(f->v->member, 1);
	assert_int_equal(f->v->sent, 40);
}

/* What nscap has read (ack) makes room again; room 1 keeps one waiting. */
static void test_ack(void **state)
{
	struct fix *f = ready(state);

	watch(f, 5);
	expect(f, 4, 1);
	f->v->ack = 4;
	expect(f, 5, 1);
	expect(f, 1, 0);

	memset(f->v, 0, sizeof(*f->v));
	watch(f, 1);
	expect(f, 1, 1);
	expect(f, 1, 0);
}

/* sent wraps past 2^32: the unread count is taken in 32 bits */
static void test_wrap(void **state)
{
	struct fix *f = ready(state);

	watch(f, 5);
	f->v->sent = f->v->ack = 0xfffffffdu;
	expect(f, 5, 1);
	assert_int_equal(f->v->sent, 2);
	expect(f, 1, 0);
}

/* room 0: only the burst watch, at its 16th packet within 100 us (test
 * runs come microseconds apart; a run cut by the scheduler starts anew, so
 * later is allowed, never sooner) */
static void test_burst(void **state)
{
	struct fix *f = ready(state);
	int i, r = 1;

	f->v->member = NSCAP_FANOUT_WATCH;
	for (i = 1; i <= 200 && r == 1; i++)
		r = run(f->watch);
	assert_int_equal(r, 0);
	assert_true(i - 1 >= NSCAP_FANOUT_BURST_PACKETS);
}

/* The plain program (nscap cannot see the map) returns the member as
 * stored and counts nothing. */
static void test_plain(void **state)
{
	struct fix *f = ready(state);

	assert_true(f->plain >= 0);
	f->v->member = 1;
	assert_int_equal(run(f->plain), 1);
	f->v->member = 0;
	assert_int_equal(run(f->plain), 0);
	assert_int_equal(f->v->sent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_member),	 cmocka_unit_test(test_room),
		cmocka_unit_test(test_settling), cmocka_unit_test(test_ack),
		cmocka_unit_test(test_wrap),	 cmocka_unit_test(test_burst),
		cmocka_unit_test(test_plain),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
