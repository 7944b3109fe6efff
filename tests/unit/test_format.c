/*
 * Unit tests for src/format.c: which format a capture is written in, from
 * -F, the file's name and how many link types the handles have (a pure
 * choice), and the names that say pcap or pcapng.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "nscap/err.h"
#include "nscap/format.h"

static enum nscap_format chosen(enum nscap_format req, const char *path,
				size_t nlinktypes)
{
	enum nscap_format f = NSCAP_FORMAT_AUTO;
	char err[NSCAP_ERRBUF] = "";

	if (nscap_format_choose(req, path, nlinktypes, &f, err) != 0)
		fail_msg("%s: refused: %s", path ? path : "stdout", err);
	return f;
}

/* Without -F: pcapng, but pcap for a .pcap name (any case) and one link
 * type; stdout is pcapng. With -F: what it says. */
static void test_choose(void **state)
{
	static const struct {
		enum nscap_format req;
		const char *path;
		size_t nlinktypes;
		enum nscap_format want;
	} cases[] = {
		{NSCAP_FORMAT_AUTO, "x.pcapng", 1, NSCAP_FORMAT_PCAPNG},
		{NSCAP_FORMAT_AUTO, "x.pcap", 1, NSCAP_FORMAT_PCAP},
		{NSCAP_FORMAT_AUTO, "x.PCAP", 1, NSCAP_FORMAT_PCAP},
		{NSCAP_FORMAT_AUTO, "x.pcap", 2, NSCAP_FORMAT_PCAPNG},
		{NSCAP_FORMAT_AUTO, "x.pcap", 0, NSCAP_FORMAT_PCAPNG},
		{NSCAP_FORMAT_AUTO, "x.cap", 1, NSCAP_FORMAT_PCAPNG},
		{NSCAP_FORMAT_AUTO, NULL, 1, NSCAP_FORMAT_PCAPNG},
		{NSCAP_FORMAT_AUTO, "-", 1, NSCAP_FORMAT_PCAPNG},
		{NSCAP_FORMAT_PCAP, "x.pcapng", 1, NSCAP_FORMAT_PCAP},
		{NSCAP_FORMAT_PCAPNG, "x.pcap", 1, NSCAP_FORMAT_PCAPNG},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(chosen(cases[i].req, cases[i].path,
					cases[i].nlinktypes),
				 cases[i].want);
}

/* -F pcap with several link types, or none yet (-i all, nothing up):
 * refused, saying why; *out untouched. */
static void test_pcap_refused(void **state)
{
	enum nscap_format f = NSCAP_FORMAT_AUTO;
	char err[NSCAP_ERRBUF] = "";

	(void)state;
	assert_int_equal(
		nscap_format_choose(NSCAP_FORMAT_PCAP, "x", 2, &f, err),
		-EINVAL);
	assert_string_equal(err, "pcap holds one link type and this capture "
				 "has 2; use -F pcapng");
	assert_int_equal(
		nscap_format_choose(NSCAP_FORMAT_PCAP, "x", 0, &f, err),
		-EINVAL);
	assert_string_equal(err, "pcap names its one link type first, and no "
				 "interface is up yet to tell it (-i all); use "
				 "-F pcapng");
	assert_int_equal(f, NSCAP_FORMAT_AUTO);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(nscap_format_pcap_name("a/b.pcap"));
	assert_true(nscap_format_pcap_name(".Pcap"));
	assert_false(nscap_format_pcap_name("pcap"));
	assert_false(nscap_format_pcap_name("x.pcapng"));
	assert_false(nscap_format_pcap_name("-"));
	assert_false(nscap_format_pcap_name(NULL));
	assert_true(nscap_format_pcapng_name("x.pcapng"));
	assert_true(nscap_format_pcapng_name("x.PCAPNG"));
	assert_false(nscap_format_pcapng_name("x.pcap"));
	assert_false(nscap_format_pcapng_name("-"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose),
		cmocka_unit_test(test_pcap_refused),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
