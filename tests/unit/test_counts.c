/*
 * Unit tests for nscap_lib_counts_add (include/nscap/handle.h): libpcap's
 * u_int counters, widened to 64 bits across their wrap at 2^32.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "nscap/handle.h"

static struct pcap_stat lib(u_int recv, u_int drop, u_int ifdrop)
{
	struct pcap_stat st = {recv, drop, ifdrop};

	return st;
}

/* Each read adds what the counters grew by; a read with no growth adds
 * nothing. */
static void test_growth_is_added(void **state)
{
	struct nscap_lib_counts c = {{0, 0, 0}, {0, 0, 0}};
	struct pcap_stat st = lib(10, 2, 1);

	(void)state;
	nscap_lib_counts_add(&c, &st);
	nscap_lib_counts_add(&c, &st);
	assert_int_equal(c.total.received, 10);
	assert_int_equal(c.total.dropped, 2);
	assert_int_equal(c.total.ifdropped, 1);
	st = lib(25, 2, 4);
	nscap_lib_counts_add(&c, &st);
	assert_int_equal(c.total.received, 25);
	assert_int_equal(c.total.dropped, 2);
	assert_int_equal(c.total.ifdropped, 4);
}

/* A counter that passed 2^32 between two reads reads small again; the total
 * goes on from 2^32, each of the three on its own (the interface's drops in
 * steps under 2^31: a larger step back would read as going back). */
static void test_wrap_goes_on_past_32_bits(void **state)
{
	struct nscap_lib_counts c = {{0, 0, 0}, {0, 0, 0}};
	struct pcap_stat st = lib(0xfffffff0u, 7, 0x7fffffffu);

	(void)state;
	nscap_lib_counts_add(&c, &st);
	st = lib(0x10, 9, 0xffffffffu);
	nscap_lib_counts_add(&c, &st);
	st = lib(0x10, 9, 1);
	nscap_lib_counts_add(&c, &st);
	assert_true(c.total.received == 0x100000010ull);
	assert_int_equal(c.total.dropped, 9);
	assert_true(c.total.ifdropped == 0x100000001ull);
}

/* Read every 3e9 packets (under 2^32 each time): the counter wraps on most
 * reads, and after ten reads the total is 3e10, which no u_int holds. */
static void test_many_wraps(void **state)
{
	const uint64_t step = 3000000000ull;
	struct nscap_lib_counts c = {{0, 0, 0}, {0, 0, 0}};
	uint64_t sent = 0;
	int i;

	(void)state;
	for (i = 0; i < 10; i++) {
		struct pcap_stat st;

		sent += step;
		st = lib((u_int)sent, (u_int)(sent / 3), 0);
		nscap_lib_counts_add(&c, &st);
	}
	assert_true(c.total.received == 10 * step);
	assert_true(c.total.dropped == 10 * step / 3);
	assert_int_equal(c.total.ifdropped, 0);
}

/* The interface's drops can go back (libpcap's sysfs read gives 0 while the
 * interface is renamed away) and forth again: the total follows, and ends
 * where libpcap's own counter does, with no 2^32 left over. */
static void test_interface_drops_go_back_and_forth(void **state)
{
	struct nscap_lib_counts c = {{0, 0, 0}, {0, 0, 0}};
	struct pcap_stat st = lib(100, 0, 50);

	(void)state;
	nscap_lib_counts_add(&c, &st);
	st = lib(200, 0, 50u - 1000u); /* sysfs read 0 where it read 1000 */
	nscap_lib_counts_add(&c, &st);
	assert_int_equal(c.total.received, 200);
	st = lib(300, 0, 50u + 5u); /* the name is back: 1005 in sysfs */
	nscap_lib_counts_add(&c, &st);
	assert_int_equal(c.total.received, 300);
	assert_int_equal(c.total.ifdropped, 55);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growth_is_added),
		cmocka_unit_test(test_wrap_goes_on_past_32_bits),
		cmocka_unit_test(test_many_wraps),
		cmocka_unit_test(test_interface_drops_go_back_and_forth),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("counts", tests, NULL, NULL);
}
