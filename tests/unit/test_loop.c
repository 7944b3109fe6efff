/*
 * Unit tests for nscap_loop_new_stop (include/nscap/loop.h): which stop
 * signal cuts a drain short. A first stop is the loop's; the same stop
 * again within the duplicate window is recorded as one; a later one is a
 * second stop. A duplicate let in while a drain waited was once left
 * unrecorded, and cut the drain of the next interface short 0.2 s later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_stop_is_the_loops),
		cmocka_unit_test(test_duplicate_recorded),
		cmocka_unit_test(test_take_stop),
	};

	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
