/*
 * Unit tests for src/stats.c: the closing statistics must read exactly as
 * tcpdump's. The expected texts are what tcpdump 4.99.3 (libpcap 1.10.3)
 * printed on this machine, e.g. after "tcpdump -i lo -c 1":
 *
 *	1 packet captured
 *	6 packets received by filter
 *	0 packets dropped by kernel
 *
 * and, from tcpdump's info(), "N packet(s) dropped by interface" only when
 * ps_ifdrop is not 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nscap/stats.h"

/* Format s into a large buffer and compare with want, return value too. */
static void check_text(struct nscap_stats s, const char *want)
{
	char buf[512];
	int n;

	memset(buf, 'X', sizeof(buf));
	n = nscap_stats_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
}

/* Pins tcpdump's plural forms: 0 and N>1 are plural, 1 is singular. */
static void test_zero_counts_are_plural(void **state)
{
	(void)state;
	check_text((struct nscap_stats){0, 0, 0, 0},
		   "0 packets captured\n"
		   "0 packets received by filter\n"
		   "0 packets dropped by kernel\n");
}

static void test_one_packet_is_singular(void **state)
{
	(void)state;
	/* the exact output of "tcpdump -i lo -c 1" here */
	check_text((struct nscap_stats){1, 6, 0, 0},
		   "1 packet captured\n"
		   "6 packets received by filter\n"
		   "0 packets dropped by kernel\n");
	check_text((struct nscap_stats){1, 1, 1, 0},
		   "1 packet captured\n"
		   "1 packet received by filter\n"
		   "1 packet dropped by kernel\n");
}

/* Pins the fourth line: present only when the interface dropped packets. */
static void test_interface_drops_line_only_when_nonzero(void **state)
{
	(void)state;
	check_text((struct nscap_stats){5, 10, 2, 0},
		   "5 packets captured\n"
		   "10 packets received by filter\n"
		   "2 packets dropped by kernel\n");
	check_text((struct nscap_stats){5, 10, 2, 1},
		   "5 packets captured\n"
		   "10 packets received by filter\n"
		   "2 packets dropped by kernel\n"
		   "1 packet dropped by interface\n");
	check_text((struct nscap_stats){5, 10, 2, 3},
		   "5 packets captured\n"
		   "10 packets received by filter\n"
		   "2 packets dropped by kernel\n"
		   "3 packets dropped by interface\n");
}

/* Pins 64-bit counters: a long capture passes 2^32 packets. */
static void test_counts_beyond_32_bits(void **state)
{
	(void)state;
	check_text((struct nscap_stats){4294967296ULL, UINT64_MAX, 0, 0},
		   "4294967296 packets captured\n"
		   "18446744073709551615 packets received by filter\n"
		   "0 packets dropped by kernel\n");
}

/*
 * Pins snprintf semantics: for every buffer size the result is what
 * snprintf would give for the full text (a NUL-terminated prefix, nothing
 * written past len) and the return value is the full length. Each buffer is
 * allocated at exactly len bytes so that ASan sees any write past it.
 */
static void check_truncation(struct nscap_stats s)
{
	char full[512], want[512], got[512];
	int total, n;
	size_t len;

	total = nscap_stats_format(&s, full, sizeof(full));
	assert_int_equal(total, (int)strlen(full));
	for (len = 1; len <= (size_t)total + 2; len++) {
		char *buf = malloc(len);

		assert_non_null(buf);
		memset(buf, 'X', len);
		n = nscap_stats_format(&s, buf, len);
		snprintf(got, sizeof(got), "%s", buf);
		free(buf);
		snprintf(want, len, "%s", full);
		assert_int_equal(n, total);
		assert_string_equal(got, want);
	}
}

static void test_truncation_like_snprintf(void **state)
{
	(void)state;
	check_truncation((struct nscap_stats){1, 6, 0, 0});
	/* the interface line is formatted separately: truncate inside it */
	check_truncation((struct nscap_stats){12, 345, 6, 78});
}

/* Pins snprintf(NULL, 0): measuring the text writes nothing. */
static void test_zero_length_measures(void **state)
{
	struct nscap_stats s = {1, 6, 0, 1};
	char buf[4] = "abc";

	(void)state;
	assert_int_equal(nscap_stats_format(&s, buf, 0),
			 (int)strlen("1 packet captured\n"
				     "6 packets received by filter\n"
				     "0 packets dropped by kernel\n"
				     "1 packet dropped by interface\n"));
	assert_string_equal(buf, "abc");
	assert_int_equal(nscap_stats_format(&s, NULL, 0),
			 nscap_stats_format(&s, buf, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_counts_are_plural),
		cmocka_unit_test(test_one_packet_is_singular),
		cmocka_unit_test(test_interface_drops_line_only_when_nonzero),
		cmocka_unit_test(test_counts_beyond_32_bits),
		cmocka_unit_test(test_truncation_like_snprintf),
		cmocka_unit_test(test_zero_length_measures),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
