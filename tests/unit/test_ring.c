/* Ring sizes per handle and the gathering time of the read loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nscap/ring.h"

/* -B wins; one handle gets the most (in block mode, the whole budget);
 * many share the budget, down to the least: four of libpcap's 256 KiB
 * blocks in block mode (fewer, and the kernel drops packets from other CPUs
 * as a block closes; ring.h). */
static void test_bytes(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(nscap_ring_bytes(1, 4096, false), 4096u << 10);
	assert_int_equal(nscap_ring_bytes(50, 64, true), 64u << 10);
	assert_int_equal(nscap_ring_bytes(50, 512, false), 512u << 10);
	assert_int_equal(nscap_ring_bytes(1, 0, false), 16u << 20);
	assert_int_equal(nscap_ring_bytes(0, 0, false), 16u << 20);
	assert_int_equal(nscap_ring_bytes(1, 0, true), 2u << 20);
	assert_int_equal(nscap_ring_bytes(2, 0, false), 8u << 20);
	assert_int_equal(nscap_ring_bytes(2, 0, true), 2u << 20);
	assert_int_equal(nscap_ring_bytes(16, 0, true), 1u << 20);
	assert_int_equal(nscap_ring_bytes(3, 0, false), (16u << 20) / 3);
	assert_int_equal(nscap_ring_bytes(15, 0, false), (16u << 20) / 15);
	assert_int_equal(nscap_ring_bytes(16, 0, false), 1u << 20);
	assert_int_equal(nscap_ring_bytes(17, 0, false), 1u << 20);
	assert_int_equal(nscap_ring_bytes(50, 0, false), 1u << 20);
	assert_int_equal(nscap_ring_bytes(1000, 0, false), 1u << 20);
	assert_int_equal(nscap_ring_bytes(64, 0, true), 256u << 10);
	assert_int_equal(nscap_ring_bytes(1000, 0, true), 256u << 10);
	/* never fewer than four whole blocks in block mode */
	for (n = 1; n <= 2000; n++)
		assert_true(nscap_ring_bytes(n, 0, false) >= 4 * (256u << 10));
}

/* The immediate ring keeps a whole 64 KiB IP packet and its link header,
 * never more (a larger slot would take a larger block), never more than
 * asked. */
static void test_immediate_snaplen(void **state)
{
	(void)state;
	assert_int_equal(nscap_ring_immediate_snaplen(262144), 65599);
	assert_true(nscap_ring_immediate_snaplen(262144) >= 65535 + 14);
	assert_int_equal(nscap_ring_immediate_snaplen(65599), 65599);
	assert_int_equal(nscap_ring_immediate_snaplen(100), 100);
}

/* the switch point of an immediate ring of ring_bytes, as capture/handle.c
 * derives it */
static uint32_t room_of(size_t ring_bytes, int snaplen)
{
	return nscap_ring_slots_room(
		nscap_ring_immediate_slots(ring_bytes, snaplen));
}

/* the fanout program's switch point: half the immediate ring's slots */
static void test_immediate_room(void **state)
{
	(void)state;
	/* libpcap's 2 MiB at the capped snapshot length: 31 slots (a lab
	 * stalled nscap 50 ms at 2,000 packets a second: 28 or so stayed) */
	assert_int_equal(nscap_ring_immediate_slots(2u << 20, 65599), 31);
	assert_int_equal(room_of(2u << 20, 65599), 16);
	assert_int_equal(nscap_ring_immediate_slots(256u << 10, 0), 3);
	/* 0: the capped length */
	assert_int_equal(room_of(2u << 20, 0), 16);
	/* a small snapshot length: many slots */
	assert_int_equal(room_of(2u << 20, 100), ((2u << 20) / 228 + 1) / 2);
	/* many handles share the budget: a ring of 3 slots keeps two
	 * packets waiting (one the filter drops, after one it keeps), and the
	 * program sends the next to the twin; a ring of none keeps one */
	assert_int_equal(room_of(256u << 10, 65599), 2);
	assert_int_equal(room_of(1000, 65599), 1);
}

/* the switch point learns how many packets the program counts for each one
 * nscap reads (a narrow filter on a busy link) */
static void test_watch_mix(void **state)
{
	struct nscap_watch_mix m = {0, 0};
	int i;

	(void)state;
	/* nothing learnt yet, or every packet kept: the ring's own */
	assert_int_equal(nscap_watch_mix_room(&m, 15), 15);
	nscap_watch_mix_add(&m, 10, 10);
	assert_int_equal(nscap_watch_mix_room(&m, 15), 15);
	/* every packet kept, however many a read takes: still the ring's
	 * own (a read of a whole ring is not learnt from at all:
	 * nscap_handle_ack) */
	nscap_watch_mix_add(&m, 15, 15);
	assert_int_equal(nscap_watch_mix_room(&m, 15), 15);
	/* one kept of every 50 (1,000 other packets a second, 20 kept) */
	m = (struct nscap_watch_mix){0, 0};
	for (i = 0; i < 20; i++)
		nscap_watch_mix_add(&m, 50, 1);
	assert_int_equal(nscap_watch_mix_room(&m, 15), 15 * 50);
	/* a switch by the program with none kept: the next point is further
	 * (15 x 15), and further again after that one */
	m = (struct nscap_watch_mix){0, 0};
	nscap_watch_mix_add(&m, 15, 0);
	assert_int_equal(nscap_watch_mix_room(&m, 15), 225);
	nscap_watch_mix_add(&m, 225, 0);
	assert_int_equal(nscap_watch_mix_room(&m, 15), 15 * 240);
	/* rounded up: a ring of one packet's room gains one when the filter
	 * drops a packet now and then (34 counted for 27 read) */
	m = (struct nscap_watch_mix){34, 27};
	assert_int_equal(nscap_watch_mix_room(&m, 1), 2);
	assert_int_equal(nscap_watch_mix_room(&m, 15), 19);
	/* capped */
	for (i = 0; i < 100; i++)
		nscap_watch_mix_add(&m, 4000, 0);
	assert_int_equal(nscap_watch_mix_room(&m, 1u << 20),
			 NSCAP_WATCH_ROOM_MAX);
	/* recent packets weigh most: the mix changes to every packet kept,
	 * and within a few spans the point is back near the ring's own */
	m = (struct nscap_watch_mix){0, 0};
	for (i = 0; i < 100; i++)
		nscap_watch_mix_add(&m, 50, 1);
	for (i = 0; i < 20000; i++)
		nscap_watch_mix_add(&m, 1, 1);
	assert_true(m.sent <= NSCAP_WATCH_MIX_SPAN);
	assert_true(nscap_watch_mix_room(&m, 15) <= 16);
}

/* A few packets: no wait. More: 4 us each up to 1 ms, but never more than
 * a quarter of the ring's slots (snaplen + 128 bytes each) at the rate. */
static void test_gather(void **state)
{
	(void)state;
	assert_int_equal(nscap_ring_gather_us(1, 1000, 16u << 20, 65535), 0);
	assert_int_equal(nscap_ring_gather_us(15, 1000000, 16u << 20, 65535),
			 0);
	assert_int_equal(nscap_ring_gather_us(16, 0, 16u << 20, 65535), 64);
	assert_int_equal(nscap_ring_gather_us(100, 1000, 16u << 20, 65535),
			 400);
	assert_int_equal(nscap_ring_gather_us(1000, 1000, 16u << 20, 65535),
			 1000);
	/* 16 MiB of 65663-byte slots: 255, a quarter is 63: at 1 Mpps they
	 * fill in 63 us */
	assert_int_equal(nscap_ring_gather_us(1000, 1000000, 16u << 20, 65535),
			 63);
	/* tcpdump's snapshot length: a quarter of 16 MiB is 15 slots */
	assert_int_equal(nscap_ring_gather_us(1000, 1000000, 16u << 20, 262144),
			 15);
	/* a 2 MiB ring (31 slots, 7 a quarter) at 1 Mpps: 7 us */
	assert_int_equal(nscap_ring_gather_us(1000, 1000000, 2u << 20, 65535),
			 7);
	/* small packets' slots (-s 64): many fit, the 1 ms bound holds */
	assert_int_equal(nscap_ring_gather_us(1000, 1000000, 16u << 20, 64),
			 1000);
	/* a ring too small for a quarter slot: never wait */
	assert_int_equal(nscap_ring_gather_us(1000, 1000, 128u << 10, 65535),
			 0);
}

#define MS 1000000u

/* Up at once when a wake-up finds the immediate ring backing up; a few
 * packets a wake-up (a person's traffic) stay in LIGHT. */
static void test_gear_up(void **state)
{
	struct nscap_gear g;

	(void)state;
	nscap_gear_init(&g, 0, NSCAP_GEAR_LIGHT);
	assert_int_equal(nscap_gear_deadline(&g), UINT64_MAX);
	assert_int_equal(nscap_gear_next(&g, 1 * MS, 1), NSCAP_GEAR_STAY);
	assert_int_equal(nscap_gear_next(&g, 2 * MS, 0), NSCAP_GEAR_STAY);
	assert_int_equal(nscap_gear_next(&g, 3 * MS, NSCAP_GEAR_UP_PACKETS - 1),
			 NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_LIGHT);
	/* a few packets fast: 4 in 100 us is 40,000 a second, 4 in 80 us
	 * 50,000 */
	assert_int_equal(
		nscap_gear_next(&g, 3 * MS + 100000, NSCAP_GEAR_UP_BURST),
		NSCAP_GEAR_STAY);
	assert_int_equal(
		nscap_gear_next(&g, 3 * MS + 180000, NSCAP_GEAR_UP_BURST - 1),
		NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_LIGHT);
	assert_int_equal(
		nscap_gear_next(&g, 3 * MS + 260000, NSCAP_GEAR_UP_BURST),
		NSCAP_GEAR_UP);
	nscap_gear_init(&g, 0, NSCAP_GEAR_LIGHT);
	assert_int_equal(nscap_gear_next(&g, 4 * MS, NSCAP_GEAR_UP_PACKETS),
			 NSCAP_GEAR_UP);
	assert_int_equal(g.kind, NSCAP_GEAR_BULK);
	/* no way down before a whole window */
	assert_int_equal(nscap_gear_next(&g, 5 * MS, 0), NSCAP_GEAR_STAY);
	assert_int_equal(
		nscap_gear_next(&g, 4 * MS + NSCAP_GEAR_WINDOW_NS - 1, 0),
		NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_BULK);
}

/* Feed g n packets in wake-ups of 10, evenly from t0 to t1; returns the
 * last step. */
static enum nscap_gear_step feed(struct nscap_gear *g, uint64_t t0, uint64_t t1,
				 uint64_t n)
{
	enum nscap_gear_step step = NSCAP_GEAR_STAY;
	uint64_t k, wakes = n / 10;

	for (k = 1; k <= wakes; k++) {
		step = nscap_gear_next(g, t0 + (t1 - t0) * k / wakes, 10);
		if (step != NSCAP_GEAR_STAY)
			return step;
	}
	return step;
}

/* Other handles' wake-ups (no packets for this one) do not shorten the
 * time its packets came in: 4 in 1 ms is 4,000 a second, not a burst. */
static void test_gear_light_own_rate(void **state)
{
	struct nscap_gear g;

	(void)state;
	nscap_gear_init(&g, 0, NSCAP_GEAR_LIGHT);
	assert_int_equal(nscap_gear_next(&g, 1 * MS, 1), NSCAP_GEAR_STAY);
	assert_int_equal(nscap_gear_next(&g, 2 * MS - 10000, 0),
			 NSCAP_GEAR_STAY);
	assert_int_equal(nscap_gear_next(&g, 2 * MS, NSCAP_GEAR_UP_BURST),
			 NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_LIGHT);
}

/* From the start in BULK, the first wake-up decides: light goes down at
 * once, a full block (a flow already running) stays. */
static void test_gear_first_wakeup(void **state)
{
	struct nscap_gear g;

	(void)state;
	nscap_gear_init(&g, 0, NSCAP_GEAR_BULK);
	assert_int_equal(nscap_gear_next(&g, 2 * MS, NSCAP_GEAR_UP_PACKETS - 1),
			 NSCAP_GEAR_DOWN);
	nscap_gear_init(&g, 0, NSCAP_GEAR_BULK);
	assert_int_equal(nscap_gear_next(&g, 2 * MS, 800), NSCAP_GEAR_STAY);
	/* only the first: later a light wake-up waits for its window */
	assert_int_equal(nscap_gear_next(&g, 3 * MS, 1), NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_BULK);
}

/* With hold (the immediate ring open from the start): the first quiet
 * wake-up holds on the twin for NSCAP_GEAR_HOLD_NS, woken at its end, then
 * goes down; a light wake-up meanwhile changes nothing. */
static void test_gear_hold_then_down(void **state)
{
	const uint64_t end = 2 * MS + NSCAP_GEAR_HOLD_NS;
	struct nscap_gear g;

	(void)state;
	nscap_gear_init(&g, 0, NSCAP_GEAR_BULK);
	g.hold = true;
	assert_int_equal(nscap_gear_next(&g, 2 * MS, 1), NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_HOLD);
	assert_int_equal(nscap_gear_deadline(&g), end);
	assert_int_equal(nscap_gear_next(&g, end - 1, 3), NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_HOLD);
	assert_int_equal(nscap_gear_next(&g, end, 0), NSCAP_GEAR_DOWN);
	assert_int_equal(g.kind, NSCAP_GEAR_SETTLE);
	/* a hold lasts about as long as opening a ring as root, no more */
	assert_true(NSCAP_GEAR_HOLD_NS >= MS && NSCAP_GEAR_HOLD_NS <= 10 * MS);
}

/* With hold, a burst right after a stream's first packet (a flood's first
 * packet can lead the rest by some 200 us) keeps it on the twin, which then
 * needs a whole quiet window to go down; and the hold is only the first. */
static void test_gear_hold_burst_stays(void **state)
{
	const uint64_t w = NSCAP_GEAR_WINDOW_NS;
	struct nscap_gear g;

	(void)state;
	nscap_gear_init(&g, 0, NSCAP_GEAR_BULK);
	g.hold = true;
	assert_int_equal(nscap_gear_next(&g, 2 * MS, 1), NSCAP_GEAR_STAY);
	assert_int_equal(nscap_gear_next(&g, 3 * MS, NSCAP_GEAR_UP_PACKETS),
			 NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_BULK);
	assert_false(g.fresh);
	assert_false(g.hold);
	assert_int_equal(nscap_gear_deadline(&g), UINT64_MAX);
	/* quiet past the hold's end: still BULK until the window is over */
	assert_int_equal(nscap_gear_next(&g, 3 * MS + NSCAP_GEAR_HOLD_NS, 1),
			 NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_BULK);
	assert_int_equal(nscap_gear_next(&g, 3 * MS + w, 1), NSCAP_GEAR_DOWN);
	assert_int_equal(g.kind, NSCAP_GEAR_SETTLE);
}

/* Down after a window below NSCAP_GEAR_DOWN_PPS, then SETTLE until the
 * twin's last block has timed out, then LIGHT. */
static void test_gear_down(void **state)
{
	const uint64_t w = NSCAP_GEAR_WINDOW_NS;
	/* the packets a window holds at exactly the threshold rate */
	const uint64_t at = NSCAP_GEAR_DOWN_PPS * (w / MS) / 1000;
	struct nscap_gear g;
	uint64_t t;

	(void)state;
	nscap_gear_init(&g, 0, NSCAP_GEAR_BULK);
	g.fresh = false; /* past the first wake-up (test_gear_first_wakeup) */
	/* at the threshold: stays, and a new window begins */
	assert_int_equal(feed(&g, 0, w, at), NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_BULK);
	assert_int_equal(g.since_ns, w);
	/* below it over the next window: down */
	assert_int_equal(feed(&g, w, 2 * w, at - 10), NSCAP_GEAR_DOWN);
	assert_int_equal(g.kind, NSCAP_GEAR_SETTLE);
	/* first woken to check the twin, not at once (NSCAP_GEAR_PEEK_NS):
	 * a packet on its way into the twin is not counted yet */
	assert_int_equal(nscap_gear_deadline(&g), 2 * w + NSCAP_GEAR_PEEK_NS);
	assert_false(nscap_gear_peek(&g, 2 * w));
	assert_false(nscap_gear_peek(&g, 2 * w + NSCAP_GEAR_PEEK_NS - 1));
	assert_int_equal(nscap_gear_deadline(&g), 2 * w + NSCAP_GEAR_PEEK_NS);
	assert_true(nscap_gear_peek(&g, 2 * w + NSCAP_GEAR_PEEK_NS));
	/* then at every wake-up, and the deadline is SETTLE's end */
	assert_true(nscap_gear_peek(&g, 2 * w + NSCAP_GEAR_PEEK_NS + 1));
	t = nscap_gear_deadline(&g);
	assert_int_equal(t, 2 * w + NSCAP_GEAR_SETTLE_NS);
	assert_true(NSCAP_GEAR_PEEK_NS >= 50 * 1000u &&
		    NSCAP_GEAR_PEEK_NS < NSCAP_GEAR_BULK_TIMEOUT_MS * MS);
	/* at least two block timeouts of the twin */
	assert_true(NSCAP_GEAR_SETTLE_NS >=
		    2u * NSCAP_GEAR_BULK_TIMEOUT_MS * MS);
	assert_int_equal(nscap_gear_next(&g, t - 1, 50), NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_SETTLE);
	assert_int_equal(nscap_gear_next(&g, t, 0), NSCAP_GEAR_SETTLED);
	assert_int_equal(g.kind, NSCAP_GEAR_LIGHT);
	assert_int_equal(nscap_gear_deadline(&g), UINT64_MAX);
	assert_false(nscap_gear_peek(&g, 3 * w)); /* only in SETTLE */
	/* SETTLE starts again when the switch has taken effect */
	nscap_gear_settle(&g, 7 * w);
	assert_int_equal(nscap_gear_deadline(&g), 7 * w + NSCAP_GEAR_PEEK_NS);
	assert_true(nscap_gear_peek(&g, 7 * w + NSCAP_GEAR_PEEK_NS));
	assert_int_equal(nscap_gear_deadline(&g), 7 * w + NSCAP_GEAR_SETTLE_NS);
}

/* A burst after a long silence: its first wake-up is busy, whatever the
 * window's average, and the quiet window starts again from it. */
static void test_gear_burst_after_silence(void **state)
{
	struct nscap_gear g;

	(void)state;
	nscap_gear_init(&g, 0, NSCAP_GEAR_BULK);
	assert_int_equal(nscap_gear_next(&g, 10000 * (uint64_t)MS,
					 NSCAP_GEAR_UP_PACKETS),
			 NSCAP_GEAR_STAY);
	assert_int_equal(g.kind, NSCAP_GEAR_BULK);
	/* a light window after it still goes down */
	assert_int_equal(
		nscap_gear_next(&g, 10000 * (uint64_t)MS + NSCAP_GEAR_WINDOW_NS,
				NSCAP_GEAR_UP_PACKETS - 1),
		NSCAP_GEAR_DOWN);
}

/* A long silence, then one packet: down, with no overflow in the rate. */
static void test_gear_long_silence(void **state)
{
	struct nscap_gear g;

	(void)state;
	nscap_gear_init(&g, 0, NSCAP_GEAR_BULK);
	assert_int_equal(nscap_gear_next(&g, UINT64_MAX / 2, 1),
			 NSCAP_GEAR_DOWN);
	/* the clock does not go back, but a window must not end early if
	 * it did */
	nscap_gear_init(&g, 10 * MS, NSCAP_GEAR_BULK);
	g.fresh = false;
	assert_int_equal(nscap_gear_next(&g, 5 * MS, 0), NSCAP_GEAR_STAY);
	/* a flood over a long window stays up */
	nscap_gear_init(&g, 0, NSCAP_GEAR_BULK);
	assert_int_equal(nscap_gear_next(&g, 3600000 * (uint64_t)MS,
					 UINT64_C(100000000000)),
			 NSCAP_GEAR_STAY);
}

/* The twins' block timeout: 1 ms an interface streamed, within bounds. */
static void test_gear_bulk_timeout(void **state)
{
	(void)state;
	assert_int_equal(nscap_gear_bulk_timeout_ms(0), 1);
	assert_int_equal(nscap_gear_bulk_timeout_ms(1), 1);
	assert_int_equal(nscap_gear_bulk_timeout_ms(3), 3);
	assert_int_equal(nscap_gear_bulk_timeout_ms(8), 8);
	assert_int_equal(nscap_gear_bulk_timeout_ms(50), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_gather),
		cmocka_unit_test(test_immediate_snaplen),
		cmocka_unit_test(test_immediate_room),
		cmocka_unit_test(test_watch_mix),
		cmocka_unit_test(test_gear_up),
		cmocka_unit_test(test_gear_down),
		cmocka_unit_test(test_gear_long_silence),
		cmocka_unit_test(test_gear_burst_after_silence),
		cmocka_unit_test(test_gear_first_wakeup),
		cmocka_unit_test(test_gear_hold_then_down),
		cmocka_unit_test(test_gear_hold_burst_stays),
		cmocka_unit_test(test_gear_light_own_rate),
		cmocka_unit_test(test_gear_bulk_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
