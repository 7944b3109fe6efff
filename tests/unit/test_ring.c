/* Ring sizes per handle and the gathering time of the read loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "nscap/ring.h"

/* -B wins; one handle gets the most; many share the budget, down to the
 * least; fifty stay under a fifth of fifty 2 MiB tcpdump rings. */
static void test_bytes(void **state)
{
	(void)state;
	assert_int_equal(nscap_ring_bytes(1, 4096, false), 4096u << 10);
	assert_int_equal(nscap_ring_bytes(50, 64, true), 64u << 10);
	assert_int_equal(nscap_ring_bytes(1, 0, false), 8u << 20);
	assert_int_equal(nscap_ring_bytes(0, 0, false), 8u << 20);
	assert_int_equal(nscap_ring_bytes(1, 0, true), 16u << 20);
	assert_int_equal(nscap_ring_bytes(2, 0, false), 8u << 20);
	assert_int_equal(nscap_ring_bytes(2, 0, true), 8u << 20);
	assert_int_equal(nscap_ring_bytes(3, 0, false), (16u << 20) / 3);
	assert_int_equal(nscap_ring_bytes(63, 0, false), (16u << 20) / 63);
	assert_int_equal(nscap_ring_bytes(64, 0, true), 256u << 10);
	assert_int_equal(nscap_ring_bytes(1000, 0, false), 256u << 10);
	assert_true(50 * nscap_ring_bytes(50, 0, false) <
		    (50u * (2u << 20)) / 5);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_gather),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
