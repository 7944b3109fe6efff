/*
 * Unit tests for src/options.c: every flag in its short and long form, the
 * defaults (tcpdump's: snapshot length 262144, promiscuous mode on), the
 * filter expression joined from the remaining arguments with GNU getopt's
 * permutation, the usage errors, and nscap_options_validate().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nscap/err.h"
#include "nscap/options.h"

#define MAX_ARGS 160

/* A parse and everything it points into: argv stays alive until teardown. */
struct parsed {
	struct nscap_options o;
	char *argv[MAX_ARGS + 1];
	int argc;
	char err[NSCAP_ERRBUF];
};

/* A NULL-terminated argument list, without argv[0]. */
#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void release(struct parsed *p)
{
	int i;

	nscap_options_free(&p->o);
	for (i = 0; i < p->argc; i++)
		free(p->argv[i]);
	p->argc = 0;
}

/* Parse "nscap ARGS..." into p (releasing any previous parse). */
static int parse(struct parsed *p, const char *const *args)
{
	int i;

	release(p);
	p->argv[p->argc++] = strdup("nscap");
	for (i = 0; args[i]; i++) {
		assert_true(p->argc < MAX_ARGS);
		p->argv[p->argc++] = strdup(args[i]);
	}
	p->argv[p->argc] = NULL;
	for (i = 0; i < p->argc; i++)
		assert_non_null(p->argv[i]);
	memset(p->err, 0, sizeof(p->err));
	return nscap_options_parse(&p->o, p->argc, p->argv, p->err);
}

static int setup(void **state)
{
	struct parsed *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct parsed *p = *state;

	release(p);
	free(p);
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	/* GNU getopt permutes arguments unless this is set */
	unsetenv("POSIXLY_CORRECT");
	return 0;
}

/* Parse args, which must fail with -EINVAL and a message naming what. */
static void expect_usage_error(struct parsed *p, const char *const *args,
			       const char *what)
{
	assert_int_equal(parse(p, args), -EINVAL);
	assert_non_null(strstr(p->err, what));
}

/* Pins the defaults: tcpdump's 262144-byte snapshot, promiscuous mode. */
static void test_defaults(void **state)
{
	struct parsed *p = *state;
	const struct nscap_options *o = &p->o;

	assert_int_equal(parse(p, ARGS("-t", "42")), 0);
	assert_int_equal(NSCAP_DEFAULT_SNAPLEN, 262144);
	assert_int_equal(o->snaplen, 262144);
	assert_true(o->promisc);
	assert_int_equal(o->ntargets, 1);
	assert_string_equal(o->targets[0], "42");
	assert_int_equal(o->nifaces, 0);
	assert_null(o->output);
	assert_int_equal(o->count, 0);
	assert_int_equal(o->buffer_kib, 0);
	assert_false(o->packet_buffered);
	assert_false(o->immediate);
	assert_false(o->list_interfaces);
	assert_false(o->list_namespaces);
	assert_false(o->json);
	assert_int_equal(o->format, NSCAP_FORMAT_AUTO);
	assert_false(o->nano);
	assert_false(o->quiet);
	assert_int_equal(o->verbose, 0);
	assert_false(o->help);
	assert_false(o->version);
	assert_null(o->filter);
}

/* Everything that the tables below set, checked field by field. */
static void check_all_set(const struct nscap_options *o)
{
	assert_int_equal(o->ntargets, 1);
	assert_string_equal(o->targets[0], "42");
	assert_int_equal(o->nifaces, 1);
	assert_string_equal(o->ifaces[0], "eth0");
	assert_string_equal(o->output, "out.pcap");
	assert_int_equal(o->count, 10);
	assert_int_equal(o->snaplen, 96);
	assert_false(o->promisc);
	assert_int_equal(o->buffer_kib, 4096);
	assert_true(o->packet_buffered);
	assert_true(o->immediate);
	assert_true(o->list_interfaces);
	assert_true(o->list_namespaces);
	assert_true(o->json);
	assert_int_equal(o->format, NSCAP_FORMAT_PCAP);
	assert_true(o->nano);
	assert_true(o->quiet);
	assert_int_equal(o->verbose, 2);
	assert_true(o->version);
	assert_true(o->help);
	assert_null(o->filter);
}

/* Pins each short flag (-t -i -w -c -s -p -B -U -D -L -F -q -v -V -h), with
 * the long-only ones. */
static void test_short_flags(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(
		parse(p, ARGS("-t", "42", "-i", "eth0", "-w", "out.pcap", "-c",
			      "10", "-s", "96", "-p", "-B", "4096", "-U",
			      "--immediate-mode", "-D", "-L", "--json", "-F",
			      "pcap", "--time-stamp-precision", "nano", "-q",
			      "-v", "-v", "-V", "-h")),
		0);
	check_all_set(&p->o);
}

/* Pins each long name, with the value as the next argument. */
static void test_long_flags(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(
		parse(p,
		      ARGS("--target", "42", "--interface", "eth0", "--write",
			   "out.pcap", "--count", "10", "--snapshot-length",
			   "96", "--no-promiscuous-mode", "--buffer-size",
			   "4096", "--packet-buffered", "--immediate-mode",
			   "--list-interfaces", "--list-namespaces", "--json",
			   "--format", "pcap", "--time-stamp-precision", "nano",
			   "--quiet", "--verbose", "--verbose", "--version",
			   "--help")),
		0);
	check_all_set(&p->o);
}

/* Pins the other spellings getopt_long accepts: --name=VALUE, -tVALUE,
 * clustered flags, and a long name abbreviated to a unique prefix. */
static void test_attached_values_and_clusters(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(
		parse(p, ARGS("--target=42", "--interface=eth0",
			      "--write=out.pcap", "--count=10",
			      "--snapshot-length=96", "-pUDL", "-qvvVh",
			      "--buffer-size=4096", "--immediate", "--json",
			      "--format=pcap", "--time-stamp-precision=nano")),
		0);
	check_all_set(&p->o);

	assert_int_equal(
		parse(p, ARGS("-t42", "-ieth0", "-wout.pcap", "-c10", "-s96",
			      "-B4096", "-pUDLqvvVhFpcap", "--immediate-mode",
			      "--json", "--time-stamp-precision", "nano")),
		0);
	check_all_set(&p->o);
}

/* Pins -v as a counter. */
static void test_verbose_counts(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(parse(p, ARGS("-t", "1", "-vvv", "--verbose")), 0);
	assert_int_equal(p->o.verbose, 4);
}

/* Pins tcpdump's "-s 0": the default snapshot length, not zero; and a
 * larger snapshot length than the most is cut, where tcpdump refuses it. */
static void test_snaplen_zero_means_default(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(parse(p, ARGS("-t", "1", "-s", "0")), 0);
	assert_int_equal(p->o.snaplen, 262144);
	assert_int_equal(parse(p, ARGS("-t", "1", "-s", "1")), 0);
	assert_int_equal(p->o.snaplen, 1);
	assert_int_equal(parse(p, ARGS("-t", "1", "-s", "262144")), 0);
	assert_int_equal(p->o.snaplen, 262144);
	/* a larger N, of any size, is cut to the most, as the docs say */
	assert_int_equal(parse(p, ARGS("-t", "1", "-s", "262145")), 0);
	assert_int_equal(p->o.snaplen, 262144);
	assert_int_equal(parse(p, ARGS("-t", "1", "-s", "3000000000")), 0);
	assert_int_equal(p->o.snaplen, 262144);
	assert_int_equal(
		parse(p, ARGS("-t", "1", "-s", "99999999999999999999999")), 0);
	assert_int_equal(p->o.snaplen, 262144);
}

/* Pins the filter: the remaining arguments joined by single spaces. */
static void test_filter_joined(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(parse(p, ARGS("-t", "1", "udp", "port", "53")), 0);
	assert_string_equal(p->o.filter, "udp port 53");

	/* one quoted argument is taken as it is */
	assert_int_equal(parse(p, ARGS("-t", "1", "udp port 53")), 0);
	assert_string_equal(p->o.filter, "udp port 53");

	assert_int_equal(parse(p, ARGS("-t", "1", "tcp")), 0);
	assert_string_equal(p->o.filter, "tcp");

	/* "--" ends the options; what follows is the expression */
	assert_int_equal(parse(p, ARGS("-t", "1", "--", "not", "-c")), 0);
	assert_string_equal(p->o.filter, "not -c");
	assert_int_equal(p->o.count, 0);

	assert_int_equal(parse(p, ARGS("-t", "1")), 0);
	assert_null(p->o.filter);
}

/* Pins GNU getopt's permutation: options after the expression still count. */
static void test_permuted_arguments(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(
		parse(p, ARGS("udp", "port", "53", "-t", "7", "-c", "5")), 0);
	assert_int_equal(p->o.ntargets, 1);
	assert_string_equal(p->o.targets[0], "7");
	assert_int_equal(p->o.count, 5);
	assert_string_equal(p->o.filter, "udp port 53");

	assert_int_equal(parse(p, ARGS("udp", "-t", "7", "port", "-p", "53",
				       "--interface", "lo")),
			 0);
	assert_string_equal(p->o.filter, "udp port 53");
	assert_false(p->o.promisc);
	assert_string_equal(p->o.ifaces[0], "lo");
}

/* Pins "option needs a value", short and long, at the end of argv. */
static void test_missing_value(void **state)
{
	struct parsed *p = *state;

	expect_usage_error(p, ARGS("-t"), "-t");
	expect_usage_error(p, ARGS("-t", "1", "-c"), "-c");
	expect_usage_error(p, ARGS("-t", "1", "udp", "-w"), "-w");
	expect_usage_error(p, ARGS("-t", "1", "--count"), "--count");
	expect_usage_error(p, ARGS("--target"), "--target");
	expect_usage_error(p, ARGS("-t", "1", "-i"), "-i");
	expect_usage_error(p, ARGS("-t", "1", "-s"), "-s");
	expect_usage_error(p, ARGS("-t", "1", "-B"), "-B");
}

/* Pins unknown options, short (also inside a cluster) and long. */
static void test_unknown_option(void **state)
{
	struct parsed *p = *state;

	expect_usage_error(p, ARGS("-t", "1", "-x"), "-x");
	expect_usage_error(p, ARGS("-t", "1", "-pX"), "-X");
	expect_usage_error(p, ARGS("-t", "1", "--bogus"), "--bogus");
	expect_usage_error(p, ARGS("-t", "1", "--bogus=1"), "--bogus");
}

/* Pins which option a message names: the one refused, also inside a
 * cluster after a long option (getopt's optind stays on a cluster until
 * its last letter, and the message once named the argument before it) */
static void test_option_messages(void **state)
{
	struct parsed *p = *state;
	static const char *const cases[][4] = {
		{"--quiet", "-xq", "unknown option '-x'"},
		{"--target=1", "-Xv", "unknown option '-X'"},
		{"-q", "-qx", "unknown option '-x'"},
		{"-q", "-qt", "option '-t' needs a value"},
		{"-q", "--count", "option '--count' needs a value"},
		{"-q", "--quiet=1", "option '--quiet' takes no value"},
		{"-q", "--bogus=1", "unknown option '--bogus'"},
		{"-q", "--no", "ambiguous option '--no': a prefix of several"},
		{"-q", "-\xc3\xa9",
		 "unknown option: a letter that is not ASCII (byte 0xc3)"},
		{"udp", "-\xc3\xa9",
		 "unknown option: a letter that is not ASCII (byte 0xc3)"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
			parse(p, ARGS("-t", "1", cases[i][0], cases[i][1])),
			-EINVAL);
		assert_string_equal(p->err, cases[i][2]);
	}
}

/* Pins the number checks: -c and -B at least 1, -s at least 0, whole
 * decimal numbers only, and nothing that overflows (-B is in KiB and the
 * byte count must fit libpcap's int pcap_set_buffer_size()). */
static void test_bad_numbers(void **state)
{
	struct parsed *p = *state;
	static const char *const bad[][2] = {
		{"-c", "0"},
		{"-c", "-1"},
		{"-c", "abc"},
		{"-c", "10x"},
		{"-c", ""},
		{"-c", " 5"},
		{"-c", "+5"},
		{"-c", "99999999999999999999999"},
		{"--count", "0"},
		{"-s", "-5"},
		{"-s", "abc"},
		{"-s", "1e6"},
		{"--snapshot-length", "-1"},
		{"-B", "0"},
		{"-B", "-1"},
		{"-B", "1k"},
		{"-B", "2097152"},
		{"-B", "99999999999999999999999"},
		{"--buffer-size", "0"},
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(p, ARGS("-t", "1", bad[i][0], bad[i][1])) != -EINVAL)
			fail_msg("%s '%s' was not refused", bad[i][0],
				 bad[i][1]);
		/* the message quotes the bad value */
		if (!strstr(p->err, bad[i][1]))
			fail_msg("%s '%s': message \"%s\"", bad[i][0],
				 bad[i][1], p->err);
	}

	/* a number past the limit says so, and what the limit is */
	expect_usage_error(p, ARGS("-t", "1", "-B", "2097152"),
			   "buffer size '2097152' is too large: at most "
			   "2097151 KiB");
	expect_usage_error(p, ARGS("-t", "1", "-c", "99999999999999999999999"),
			   "packet count '99999999999999999999999' is too "
			   "large");

	/* the limits themselves are accepted */
	assert_int_equal(parse(p, ARGS("-t", "1", "-B", "2097151")), 0);
	assert_int_equal(p->o.buffer_kib, 2097151);
	assert_int_equal(parse(p, ARGS("-t", "1", "-c", "1")), 0);
	assert_int_equal(p->o.count, 1);
	assert_int_equal(parse(p, ARGS("-t", "1", "-c", "4294967296")), 0);
	assert_true(p->o.count == 4294967296UL);
}

/* Pins -F's two formats and --time-stamp-precision's two words (the
 * last one given wins); anything else is refused, naming it. */
static void test_format_and_precision(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(parse(p, ARGS("-t", "1", "-F", "pcapng")), 0);
	assert_int_equal(p->o.format, NSCAP_FORMAT_PCAPNG);
	assert_int_equal(parse(p, ARGS("-t", "1", "--format=pcap")), 0);
	assert_int_equal(p->o.format, NSCAP_FORMAT_PCAP);
	assert_int_equal(parse(p, ARGS("-t", "1", "--time-stamp-precision",
				       "nano", "--time-stamp-precision=micro")),
			 0);
	assert_false(p->o.nano);

	expect_usage_error(p, ARGS("-t", "1", "-F", "pcap-ng"), "pcap-ng");
	expect_usage_error(p, ARGS("-t", "1", "-F", "PCAP"), "PCAP");
	expect_usage_error(p, ARGS("-t", "1", "-F", ""), "format");
	expect_usage_error(p, ARGS("-t", "1", "--time-stamp-precision=ns"),
			   "ns");
	expect_usage_error(p, ARGS("-t", "1", "--time-stamp-precision"),
			   "--time-stamp-precision");
}

/* Pins -w "": an empty file name is a usage error, not stdout. */
static void test_empty_write(void **state)
{
	struct parsed *p = *state;

	assert_int_equal(parse(p, ARGS("-t", "1", "-w", "")), -EINVAL);
	assert_true(p->err[0] != '\0');
	assert_int_equal(parse(p, ARGS("-t", "1", "--write=")), -EINVAL);
	/* nor an empty interface name */
	assert_int_equal(parse(p, ARGS("-t", "1", "-i", "")), -EINVAL);
	assert_non_null(strstr(p->err, "empty interface name"));
	/* "-" is stdout and is kept as written */
	assert_int_equal(parse(p, ARGS("-t", "1", "-w", "-")), 0);
	assert_string_equal(p->o.output, "-");
}

/* Pins the target and interface tables' limits. */
static void test_too_many_targets(void **state)
{
	struct parsed *p = *state;
	const char *args[2 * (NSCAP_MAX_TARGETS + 1) + 1];
	int i;

	for (i = 0; i <= NSCAP_MAX_TARGETS; i++) {
		args[2 * i] = "-t";
		args[2 * i + 1] = "1";
	}
	args[2 * NSCAP_MAX_TARGETS] = NULL;
	assert_int_equal(parse(p, args), 0);
	assert_int_equal(p->o.ntargets, NSCAP_MAX_TARGETS);
	args[2 * NSCAP_MAX_TARGETS] = "-t";
	args[2 * NSCAP_MAX_TARGETS + 2] = NULL;
	assert_int_equal(parse(p, args), -EINVAL);
	assert_true(p->err[0] != '\0');
}

/* Pins validate(): a target is required, -D takes no -w, several targets
 * and interfaces are fine, and --help and --version need nothing. */
static void test_validate(void **state)
{
	struct parsed *p = *state;
	char err[NSCAP_ERRBUF];

	assert_int_equal(parse(p, ARGS("-t", "1", "-i", "eth0", "-w", "x")), 0);
	assert_int_equal(nscap_options_validate(&p->o, err), 0);

	assert_int_equal(parse(p, ARGS("-i", "eth0")), 0);
	err[0] = '\0';
	assert_int_equal(nscap_options_validate(&p->o, err), -EINVAL);
	assert_non_null(strstr(err, "-t"));

	assert_int_equal(parse(p, ARGS("-t", "1", "-D")), 0);
	assert_int_equal(nscap_options_validate(&p->o, err), 0);
	assert_int_equal(parse(p, ARGS("-t", "1", "-D", "-w", "x.pcap")), 0);
	err[0] = '\0';
	assert_int_equal(nscap_options_validate(&p->o, err), -EINVAL);
	assert_non_null(strstr(err, "-D"));

	assert_int_equal(parse(p, ARGS("-t", "1", "-t", "2", "-i", "eth0", "-i",
				       "lo", "-i", "all")),
			 0);
	assert_int_equal(p->o.ntargets, 2);
	assert_string_equal(p->o.targets[0], "1");
	assert_string_equal(p->o.targets[1], "2");
	assert_int_equal(p->o.nifaces, 3);
	assert_string_equal(p->o.ifaces[2], "all");
	assert_int_equal(nscap_options_validate(&p->o, err), 0);

	assert_int_equal(parse(p, ARGS("--help")), 0);
	assert_int_equal(nscap_options_validate(&p->o, err), 0);
	assert_int_equal(parse(p, ARGS("-V")), 0);
	assert_int_equal(nscap_options_validate(&p->o, err), 0);
}

/* Pins -L: it stands alone (no -t, -D, -w, -i, -c, filter or any other
 * option of a capture: they were taken and ignored), and --json goes only
 * with it; -q and -v it takes. */
static void test_validate_list_namespaces(void **state)
{
	const char *const *const bad[] = {
		ARGS("-L", "-t", "1"),
		ARGS("-L", "-D"),
		ARGS("-L", "-w", "x.pcap"),
		ARGS("-L", "-i", "eth0"),
		ARGS("-L", "-c", "5"),
		ARGS("-L", "udp", "port", "53"),
		ARGS("-t", "1", "--json"),
		ARGS("--json"),
		ARGS("-L", "-s", "5"),
		ARGS("-L", "-C", "1"),
		ARGS("-L", "-F", "pcap"),
		ARGS("-L", "-a", "duration:1"),
		ARGS("-L", "-p"),
		ARGS("-L", "--immediate-mode"),
		ARGS("-L", "-Z", "nobody"),
		ARGS("-L", "--on-full=wait"),
		ARGS("-L", "--time-stamp-precision=nano"),
	};
	struct parsed *p = *state;
	char err[NSCAP_ERRBUF];
	size_t i;

	assert_int_equal(parse(p, ARGS("-L")), 0);
	assert_int_equal(nscap_options_validate(&p->o, err), 0);
	assert_int_equal(parse(p, ARGS("--list-namespaces", "--json")), 0);
	assert_int_equal(nscap_options_validate(&p->o, err), 0);
	assert_int_equal(parse(p, ARGS("-L", "-q", "-v", "--json")), 0);
	assert_int_equal(nscap_options_validate(&p->o, err), 0);
	assert_int_equal(parse(p, ARGS("-L", "-p", "-s", "5")), 0);
	assert_int_equal(nscap_options_validate(&p->o, err), -EINVAL);
	assert_string_equal(err, "-L lists every namespace; it takes no -p");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(p, bad[i]), 0);
		err[0] = '\0';
		if (nscap_options_validate(&p->o, err) != -EINVAL)
			fail_msg("case %zu was not refused", i);
		assert_true(err[0] != '\0');
	}
}

/* Pins optind's reset: a second parse in one process starts afresh, even
 * after the first stopped in the middle of a cluster of flags. */
static void test_parse_twice(void **state)
{
	struct parsed *p = *state;
	struct parsed *q = calloc(1, sizeof(*q));

	assert_non_null(q);
	assert_int_equal(parse(p, ARGS("-t", "1", "-c", "5", "udp")), 0);
	assert_int_equal(parse(q, ARGS("-t", "2", "-p", "tcp")), 0);
	assert_string_equal(q->o.targets[0], "2");
	assert_int_equal(q->o.ntargets, 1);
	assert_int_equal(q->o.count, 0);
	assert_false(q->o.promisc);
	assert_string_equal(q->o.filter, "tcp");
	/* the first result is untouched by the second parse */
	assert_int_equal(p->o.count, 5);
	assert_string_equal(p->o.filter, "udp");

	/* an error inside "-pXq" leaves getopt in the middle of a cluster */
	assert_int_equal(parse(p, ARGS("-t", "1", "-pXq")), -EINVAL);
	assert_int_equal(parse(q, ARGS("-v", "-t", "3")), 0);
	assert_int_equal(q->o.verbose, 1);
	assert_false(q->o.quiet);
	assert_true(q->o.promisc);
	assert_string_equal(q->o.targets[0], "3");
	assert_null(q->o.filter);

	release(q);
	free(q);
}

/* Pins that the usage text documents every option. */
static void test_usage_mentions_every_option(void **state)
{
	static const char *const names[] = {
		"--target",	     "--interface",
		"--write",	     "--count",
		"--snapshot-length", "--no-promiscuous-mode",
		"--buffer-size",     "--packet-buffered",
		"--immediate-mode",  "--list-interfaces",
		"--list-namespaces", "--json",
		"--format",	     "--time-stamp-precision",
		"--quiet",	     "--verbose",
		"--version",	     "--help",
	};
	char *text = NULL;
	size_t len = 0, i;
	FILE *fp;

	(void)state;
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	nscap_options_usage(fp);
	assert_int_equal(fclose(fp), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strstr(text, names[i]))
			fail_msg("usage does not mention %s", names[i]);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_defaults),
		T(test_short_flags),
		T(test_long_flags),
		T(test_attached_values_and_clusters),
		T(test_verbose_counts),
		T(test_snaplen_zero_means_default),
		T(test_filter_joined),
		T(test_permuted_arguments),
		T(test_missing_value),
		T(test_unknown_option),
		T(test_option_messages),
		T(test_bad_numbers),
		T(test_format_and_precision),
		T(test_empty_write),
		T(test_too_many_targets),
		T(test_validate),
		T(test_validate_list_namespaces),
		T(test_parse_twice),
		T(test_usage_mentions_every_option),
#undef T
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("options", tests, group_setup, NULL);
}
