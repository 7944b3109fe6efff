/*
 * Unit tests for the pure half of capture/iface.c: filtering libpcap's list
 * down to the namespace's devices, the default device, lookup by name or
 * -D number, -i selection, the list of names for messages, and the -D
 * lines, which must read exactly as tcpdump's.
 *
 * The flags below are what pcap_findalldevs() (libpcap 1.10.3) reported on
 * this machine, and the -D lines are what tcpdump 4.99.3 printed for them:
 *
 *	1.eth0 [Up, Running, Connected]                         flags 0x16
 *	2.any (Pseudo-device that captures on all interfaces) [Up, Running]
 *	                                                        flags 0x36
 *	3.lo [Up, Running, Loopback]                            flags 0x37
 *	4.ifb0 [none]                                           flags 0x30
 *	6.bluetooth-monitor (Bluetooth Linux Monitor) [Wireless] flags 0x38
 *	7.nflog (Linux netfilter log (NFLOG) interface) [none]  flags 0x30
 *	11.vtB [none, Disconnected]     (a veth that is down)   flags 0x20
 *
 * Wireless and "Up" without "Running" come from tcpdump's
 * show_devices_and_exit() and published -D listings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "nscap/err.h"
#include "nscap/iface.h"
#include "nscap/text.h"

/* Flags as libpcap reports them (see above). */
#define F_ETH 0x16u	/* Up, Running, Connected */
#define F_ANY 0x36u	/* Up, Running, not applicable */
#define F_LO 0x37u	/* Up, Running, Loopback, not applicable */
#define F_PSEUDO 0x30u	/* nflog, nfqueue, dbus-*, ifb: not applicable */
#define F_BT 0x38u	/* bluetooth-monitor: Wireless, not applicable */
#define F_DOWN 0x20u	/* a veth that is down: Disconnected */
#define F_UP_ONLY 0x22u /* up, no carrier: Up, Disconnected */

struct spec {
	const char *name;
	const char *description;
	unsigned int flags;
};

/* A list as nscap_iface_list() hands it out: everything malloc'd. */
static void build(struct nscap_iface_list *l, const struct spec *s, size_t n)
{
	size_t i;

	l->v = calloc(n + 1, sizeof(*l->v));
	assert_non_null(l->v);
	l->n = n;
	for (i = 0; i < n; i++) {
		struct nscap_iface *f = &l->v[i];

		f->name = strdup(s[i].name);
		assert_non_null(f->name);
		if (s[i].description) {
			f->description = strdup(s[i].description);
			assert_non_null(f->description);
		}
		f->flags = s[i].flags;
		f->any = strcmp(s[i].name, "any") == 0;
		f->ifindex = f->any ? 0 : (int)i + 1;
		f->linktype = -1;
	}
}

#define BUILD(l, specs) build(l, specs, sizeof(specs) / sizeof(specs[0]))

static int setup(void **state)
{
	struct nscap_iface_list *l = calloc(1, sizeof(*l));

	*state = l;
	return l ? 0 : -1;
}

static int teardown(void **state)
{
	nscap_iface_list_free(*state);
	free(*state);
	return 0;
}

/* A container's list: eth0, any, lo, as libpcap orders them. */
static const struct spec container[] = {
	{"eth0", NULL, F_ETH},
	{"any", "Pseudo-device that captures on all interfaces", F_ANY},
	{"lo", NULL, F_LO},
};

/* Pins the filter: the namespace's devices and "any" stay, in order, with
 * their fields; the host-wide pseudo-devices go (and are freed: LSan). */
static void test_filter(void **state)
{
	static const struct spec all[] = {
		{"eth0", NULL, F_ETH},
		{"any", "Pseudo-device that captures on all interfaces", F_ANY},
		{"lo", NULL, F_LO},
		{"bluetooth-monitor", "Bluetooth Linux Monitor", F_BT},
		{"nflog", "Linux netfilter log (NFLOG) interface", F_PSEUDO},
		{"nfqueue", "Linux netfilter queue (NFQUEUE) interface",
		 F_PSEUDO},
		{"dbus-system", "D-Bus system bus", F_PSEUDO},
		{"dbus-session", "D-Bus session bus", F_PSEUDO},
		{"veth1", NULL, F_DOWN},
		{"usbmon0", "All USB buses", F_PSEUDO},
	};
	static const char *const known[] = {"lo", "eth0", "veth1"};
	struct nscap_iface_list *l = *state;

	BUILD(l, all);
	l->v[4].addrs = strdup("not freed if this leaks");
	l->v[0].addrs = strdup("198.51.100.2/24");
	for (size_t i = 0; i < l->n; i++)
		l->v[i].any = false; /* the filter is what sets it */
	assert_int_equal(nscap_iface_filter(l, known, 3), 0);
	assert_int_equal(l->n, 4);
	assert_string_equal(l->v[0].name, "eth0");
	assert_string_equal(l->v[1].name, "any");
	assert_string_equal(l->v[2].name, "lo");
	assert_string_equal(l->v[3].name, "veth1");
	assert_false(l->v[0].any);
	assert_true(l->v[1].any);
	assert_false(l->v[2].any);
	assert_false(l->v[3].any);
	assert_string_equal(l->v[1].description,
			    "Pseudo-device that captures on all interfaces");
	assert_null(l->v[0].description);
	assert_string_equal(l->v[0].addrs, "198.51.100.2/24");
	assert_int_equal(l->v[0].flags, F_ETH);
	assert_int_equal(l->v[2].flags, F_LO);
	assert_int_equal(l->v[3].flags, F_DOWN);
}

/* Pins the filter's edges: an empty list, nothing known but "any". */
static void test_filter_edges(void **state)
{
	struct nscap_iface_list *l = *state;

	assert_int_equal(nscap_iface_filter(l, NULL, 0), 0);
	assert_int_equal(l->n, 0);

	BUILD(l, container);
	assert_int_equal(nscap_iface_filter(l, NULL, 0), 0);
	assert_int_equal(l->n, 1);
	assert_string_equal(l->v[0].name, "any");
	assert_true(l->v[0].any);
}

/* Pins nscap_iface_list_free on a zeroed list, twice. */
static void test_list_free_zeroed(void **state)
{
	struct nscap_iface_list l = {NULL, 0};

	(void)state;
	nscap_iface_list_free(&l);
	nscap_iface_list_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

/* Pins the default: first up, not loopback, not "any", in list order. */
static void test_default(void **state)
{
	static const struct spec lo_first[] = {
		{"lo", NULL, F_LO},
		{"any", "Pseudo-device that captures on all interfaces", F_ANY},
		{"veth0", NULL, F_DOWN},
		{"eth1", NULL, F_UP_ONLY},
		{"eth2", NULL, F_ETH},
	};
	struct nscap_iface_list *l = *state;

	BUILD(l, container);
	assert_ptr_equal(nscap_iface_default(l), &l->v[0]);
	nscap_iface_list_free(l);

	/* up without carrier is still up; down ones are passed over */
	BUILD(l, lo_first);
	assert_ptr_equal(nscap_iface_default(l), &l->v[3]);
}

/* Pins NULL when nothing qualifies: only lo and any, all down, empty. */
static void test_default_none(void **state)
{
	static const struct spec only_lo_any[] = {
		{"lo", NULL, F_LO},
		{"any", "Pseudo-device that captures on all interfaces", F_ANY},
	};
	static const struct spec all_down[] = {
		{"eth0", NULL, F_DOWN},
		{"veth1", NULL, F_DOWN},
		{"lo", NULL, F_LO & ~(unsigned)PCAP_IF_UP},
	};
	struct nscap_iface_list *l = *state;

	assert_null(nscap_iface_default(l));
	BUILD(l, only_lo_any);
	assert_null(nscap_iface_default(l));
	nscap_iface_list_free(l);
	BUILD(l, all_down);
	assert_null(nscap_iface_default(l));
}

/* Pins lookup: by name, by tcpdump's 1-based -D number, and NULL for
 * numbers out of range and for anything else. */
static void test_lookup(void **state)
{
	static const char *const none[] = {
		"0",  "4", "99",   "-1",   "1x",  " 1",
		"+1", "",  "eth9", "ETH0", "eth", "99999999999999999999999",
	};
	struct nscap_iface_list *l = *state;
	size_t i;

	BUILD(l, container);
	assert_ptr_equal(nscap_iface_lookup(l, "eth0"), &l->v[0]);
	assert_ptr_equal(nscap_iface_lookup(l, "any"), &l->v[1]);
	assert_ptr_equal(nscap_iface_lookup(l, "lo"), &l->v[2]);
	assert_ptr_equal(nscap_iface_lookup(l, "1"), &l->v[0]);
	assert_ptr_equal(nscap_iface_lookup(l, "2"), &l->v[1]);
	assert_ptr_equal(nscap_iface_lookup(l, "3"), &l->v[2]);
	assert_ptr_equal(nscap_iface_lookup(l, "03"), &l->v[2]);
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (nscap_iface_lookup(l, none[i]))
			fail_msg("'%s' found an interface", none[i]);
}

/* Pins the name winning over the number: an interface called "2". */
static void test_lookup_numeric_name_wins(void **state)
{
	static const struct spec odd[] = {
		{"eth0", NULL, F_ETH},
		{"lo", NULL, F_LO},
		{"1", NULL, F_ETH},
	};
	struct nscap_iface_list *l = *state;

	BUILD(l, odd);
	assert_ptr_equal(nscap_iface_lookup(l, "1"), &l->v[2]);
	assert_ptr_equal(nscap_iface_lookup(l, "2"), &l->v[1]);
	assert_ptr_equal(nscap_iface_lookup(l, "3"), &l->v[2]);
}

/* Pins -i selection: the default, names and numbers without duplicates,
 * "all" (up and not "any"), and -ENODEV naming what is there. */
static void test_select(void **state)
{
	static const struct spec many[] = {
		{"eth0", NULL, F_ETH},
		{"any", "Pseudo-device that captures on all interfaces", F_ANY},
		{"lo", NULL, F_LO},
		{"veth1", NULL, F_DOWN},
		{"eth1", NULL, F_UP_ONLY},
	};
	struct nscap_iface_list *l = *state;
	const struct nscap_iface *sel[5];
	char err[NSCAP_ERRBUF];
	size_t nsel = 99;
	bool all = true;

	BUILD(l, many);
	assert_int_equal(
		nscap_iface_select(l, NULL, 0, "pid 42", sel, &nsel, &all, err),
		0);
	assert_int_equal(nsel, 1);
	assert_ptr_equal(sel[0], &l->v[0]);
	assert_false(all);

	assert_int_equal(
		nscap_iface_select(
			l, (const char *const[]){"lo", "1", "eth0", "any"}, 4,
			"pid 42", sel, &nsel, &all, err),
		0);
	assert_int_equal(nsel, 3);
	assert_ptr_equal(sel[0], &l->v[2]);
	assert_ptr_equal(sel[1], &l->v[0]);
	assert_ptr_equal(sel[2], &l->v[1]);
	assert_false(all);

	assert_int_equal(nscap_iface_select(l, (const char *const[]){"all"}, 1,
					    "pid 42", sel, &nsel, &all, err),
			 0);
	assert_true(all);
	assert_int_equal(nsel, 3);
	assert_ptr_equal(sel[0], &l->v[0]);
	assert_ptr_equal(sel[1], &l->v[2]);
	assert_ptr_equal(sel[2], &l->v[4]);

	/* "all" and a name: still no duplicates */
	assert_int_equal(nscap_iface_select(
				 l,
				 (const char *const[]){"eth1", "all", "veth1"},
				 3, "pid 42", sel, &nsel, &all, err),
			 0);
	assert_int_equal(nsel, 4);
	assert_ptr_equal(sel[0], &l->v[4]);
	assert_ptr_equal(sel[1], &l->v[0]);
	assert_ptr_equal(sel[2], &l->v[2]);
	assert_ptr_equal(sel[3], &l->v[3]);

	err[0] = '\0';
	assert_int_equal(
		nscap_iface_select(l, (const char *const[]){"eth0", "wlan0"}, 2,
				   "pid 42", sel, &nsel, &all, err),
		-ENODEV);
	assert_non_null(strstr(err, "wlan0"));
	assert_non_null(strstr(err, "pid 42"));
	assert_non_null(strstr(err, "eth0, any, lo, veth1, eth1"));
}

/* Pins select's errors and an interface actually called "all". */
static void test_select_none_and_named_all(void **state)
{
	static const struct spec only_lo[] = {
		{"any", "Pseudo-device that captures on all interfaces", F_ANY},
		{"lo", NULL, F_LO},
	};
	static const struct spec named_all[] = {
		{"eth0", NULL, F_ETH},
		{"all", NULL, F_ETH},
	};
	struct nscap_iface_list *l = *state;
	const struct nscap_iface *sel[2];
	char err[NSCAP_ERRBUF] = "";
	size_t nsel = 0;
	bool all = false;

	BUILD(l, only_lo);
	assert_int_equal(
		nscap_iface_select(l, NULL, 0, "pid 7", sel, &nsel, &all, err),
		-ENODEV);
	assert_string_equal(err,
			    "no interface but loopback is up in the network "
			    "namespace of pid 7 (there: any, lo); -i lo "
			    "captures it");
	nscap_iface_list_free(l);

	BUILD(l, named_all);
	assert_int_equal(nscap_iface_select(l, (const char *const[]){"all"}, 1,
					    "pid 7", sel, &nsel, &all, err),
			 0);
	assert_false(all);
	assert_int_equal(nsel, 1);
	assert_ptr_equal(sel[0], &l->v[1]);
}

/* nscap_iface_names into a buffer of exactly len bytes (ASan sees more). */
static void check_names(const struct nscap_iface_list *l, size_t len,
			const char *want)
{
	char *buf = malloc(len), got[1024];
	char *ret;

	assert_non_null(buf);
	memset(buf, 'X', len);
	ret = nscap_iface_names(l, buf, len);
	snprintf(got, sizeof(got), "%s", buf);
	free(buf);
	assert_ptr_equal(ret, buf);
	if (strcmp(got, want) != 0)
		fail_msg("len %zu: \"%s\", want \"%s\"", len, got, want);
}

/* Pins the names list: ", "-separated, whole names only, and "..." when
 * the rest does not fit (never a cut name or a cut "..."). */
static void test_names(void **state)
{
	static const struct spec four[] = {
		{"eth0", NULL, F_ETH},
		{"lo", NULL, F_LO},
		{"any", "Pseudo-device that captures on all interfaces", F_ANY},
		{"veth1", NULL, F_DOWN},
	};
	struct nscap_iface_list *l = *state;
	char buf[8] = "XXXXXXX";

	check_names(l, 16, "");
	BUILD(l, container);
	check_names(l, 256, "eth0, any, lo");
	check_names(l, 14, "eth0, any, lo"); /* 13 characters: it fits */
	nscap_iface_list_free(l);

	BUILD(l, four);
	/* "eth0, lo, any, veth1" is 20 characters */
	check_names(l, 21, "eth0, lo, any, veth1");
	check_names(l, 20, "eth0, lo, any, ...");
	check_names(l, 19, "eth0, lo, any, ...");
	check_names(l, 18, "eth0, lo, ...");
	check_names(l, 14, "eth0, lo, ...");
	check_names(l, 13, "eth0, ...");
	check_names(l, 10, "eth0, ...");
	check_names(l, 9, "...");
	check_names(l, 4, "...");
	check_names(l, 1, "");

	/* len 0 writes nothing */
	assert_ptr_equal(nscap_iface_names(l, buf, 0), buf);
	assert_string_equal(buf, "XXXXXXX");
}

/* Pins the names list for every size: no overflow (ASan), either the whole
 * list or whole names ending in "...". */
static void test_names_every_size(void **state)
{
	struct nscap_iface_list *l = *state;
	char full[1024], got[1024], *buf;
	struct spec s[40];
	char names[40][16];
	size_t i, len, n;

	for (i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "veth%zu", i * 37);
		s[i] = (struct spec){names[i], NULL, F_ETH};
	}
	build(l, s, 40);
	nscap_iface_names(l, full, sizeof(full));
	for (len = 1; len <= strlen(full) + 1; len++) {
		buf = malloc(len);
		assert_non_null(buf);
		nscap_iface_names(l, buf, len);
		snprintf(got, sizeof(got), "%s", buf);
		free(buf);
		n = strlen(got);
		assert_true(n < len);
		if (len > strlen(full))
			assert_string_equal(got, full);
		if (strcmp(got, full) != 0 && len >= 4) {
			/* "...", or whole names then ", ..." */
			assert_true(n >= 3);
			assert_string_equal(got + n - 3, "...");
			if (n > 3) {
				assert_memory_equal(got + n - 5, ", ", 2);
				assert_memory_equal(got, full, n - 5);
				assert_memory_equal(full + n - 5, ", ", 2);
			}
		}
	}
	/* the size main.c uses: 40 names do not fit, it ends in ", ..." */
	nscap_iface_names(l, got, 256);
	assert_true(strlen(got) < 256);
	assert_string_equal(got + strlen(got) - 5, ", ...");
}

/* Pins the names tamed: a namespace's root names its interfaces, escape
 * sequences and all, and the list goes into messages to a terminal; the
 * -i argument echoed back too. Each control byte a '?'. */
static void test_names_tamed(void **state)
{
	static const struct spec esc[] = {
		{"any", "Pseudo-device that captures on all interfaces", F_ANY},
		{"lo", NULL, F_DOWN},
		{"x\x1b[7mX", NULL, F_DOWN},
		{"t\tab\x7f", NULL, F_DOWN},
	};
	struct nscap_iface_list *l = *state;
	const struct nscap_iface *sel[4];
	char err[NSCAP_ERRBUF] = "";
	size_t nsel = 0;
	bool all = false;

	BUILD(l, esc);
	check_names(l, 256, "any, lo, x?[7mX, t?ab?");
	check_names(l, 21, "any, lo, x?[7mX, ...");

	assert_int_equal(
		nscap_iface_select(l, NULL, 0, "pid 7", sel, &nsel, &all, err),
		-ENODEV);
	assert_string_equal(err, "no interface is up in the network namespace "
				 "of pid 7 (there: any, lo, x?[7mX, t?ab?); "
				 "name one with -i");
	assert_int_equal(
		nscap_iface_select(l, (const char *const[]){"a\x1b]0;b\a"}, 1,
				   "pid 7", sel, &nsel, &all, err),
		-ENODEV);
	assert_string_equal(err, "no interface a?]0;b? in the network "
				 "namespace of pid 7 (there: any, lo, "
				 "x?[7mX, t?ab?)");
}

/* The C1 controls: U+009B (CSI) in UTF-8, and a bare 0x9b, which a
 * terminal in 8-bit mode takes as CSI, become '?'; other UTF-8, with its
 * continuation bytes in 0x80..0x9f included, stays. */
static void test_tame_c1(void **state)
{
	static const struct {
		const char *in, *want;
	} c[] = {
		{"a\xc2\x9b"
		 "31mb",
		 "a??31mb"},
		{"a\x9b"
		 "31mb",
		 "a?31mb"},
		{"\xc2\x85x\xc2\xa0", "??x\xc2\xa0"},	  /* NEL; NBSP stays */
		{"\xce\xb1\xce\xb2", "\xce\xb1\xce\xb2"}, /* Greek */
		{"\xe2\x80\xa6", "\xe2\x80\xa6"},	  /* an ellipsis */
		{"\xe2\x80", "\xe2?"},	    /* cut short: bare bytes */
		{"\xe9t\xe9", "\xe9t\xe9"}, /* Latin-1, printable there */
		{"x\x1b\x7f", "x??"},
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", c[i].in);
		nscap_text_tame_all(buf);
		assert_string_equal(buf, c[i].want);
	}
}

struct line {
	size_t n;
	struct spec s;
	const char *want;
};

static const struct line lines[] = {
	/* tcpdump 4.99.3 -D on this machine */
	{1, {"eth0", NULL, F_ETH}, "1.eth0 [Up, Running, Connected]"},
	{2,
	 {"any", "Pseudo-device that captures on all interfaces", F_ANY},
	 "2.any (Pseudo-device that captures on all interfaces) [Up, Running]"},
	{3, {"lo", NULL, F_LO}, "3.lo [Up, Running, Loopback]"},
	{4, {"ifb0", NULL, F_PSEUDO}, "4.ifb0 [none]"},
	{6,
	 {"bluetooth-monitor", "Bluetooth Linux Monitor", F_BT},
	 "6.bluetooth-monitor (Bluetooth Linux Monitor) [Wireless]"},
	{7,
	 {"nflog", "Linux netfilter log (NFLOG) interface", F_PSEUDO},
	 "7.nflog (Linux netfilter log (NFLOG) interface) [none]"},
	{11, {"vtB", NULL, F_DOWN}, "11.vtB [none, Disconnected]"},
	/* tcpdump's show_devices_and_exit() and published listings */
	{4, {"enp3s0", NULL, F_UP_ONLY}, "4.enp3s0 [Up, Disconnected]"},
	{3,
	 {"eth9", NULL, PCAP_IF_UP},
	 "3.eth9 [Up, Connection status unknown]"},
	{1,
	 {"wlp4s0", NULL,
	  PCAP_IF_UP | PCAP_IF_RUNNING | PCAP_IF_WIRELESS |
		  PCAP_IF_CONNECTION_STATUS_CONNECTED},
	 "1.wlp4s0 [Up, Running, Wireless, Associated]"},
	{5,
	 {"bluetooth0", "Bluetooth adapter number 0", PCAP_IF_WIRELESS},
	 "5.bluetooth0 (Bluetooth adapter number 0) [Wireless, Association "
	 "status unknown]"},
	{2,
	 {"wlan1", NULL,
	  PCAP_IF_UP | PCAP_IF_WIRELESS |
		  PCAP_IF_CONNECTION_STATUS_DISCONNECTED},
	 "2.wlan1 [Up, Wireless, Not associated]"},
	/* no flags at all: no brackets */
	{1, {"eth0", NULL, 0}, "1.eth0"},
};

/* Pins the -D lines, character for character. */
static void test_describe_like_tcpdump(void **state)
{
	struct nscap_iface_list *l = *state;
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		build(l, &lines[i].s, 1);
		memset(buf, 'X', sizeof(buf));
		assert_ptr_equal(nscap_iface_describe(&l->v[0], lines[i].n, buf,
						      sizeof(buf)),
				 buf);
		if (strcmp(buf, lines[i].want) != 0)
			fail_msg("flags %#x: \"%s\", want \"%s\"",
				 lines[i].s.flags, buf, lines[i].want);
		nscap_iface_list_free(l);
	}
}

/* Pins truncation as snprintf does it, for every buffer size, with each
 * buffer exactly that size so that ASan sees any write past it. */
static void test_describe_truncates(void **state)
{
	struct nscap_iface_list *l = *state;
	char want[512], got[512];
	size_t i, len, full;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		build(l, &lines[i].s, 1);
		full = strlen(lines[i].want);
		for (len = 1; len <= full + 1; len++) {
			char *buf = malloc(len);

			assert_non_null(buf);
			memset(buf, 'X', len);
			nscap_iface_describe(&l->v[0], lines[i].n, buf, len);
			snprintf(got, sizeof(got), "%s", buf);
			free(buf);
			snprintf(want, len, "%s", lines[i].want);
			if (strcmp(got, want) != 0)
				fail_msg("len %zu: \"%s\", want \"%s\"", len,
					 got, want);
		}
		nscap_iface_list_free(l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_filter),
		T(test_filter_edges),
		T(test_list_free_zeroed),
		T(test_default),
		T(test_default_none),
		T(test_lookup),
		T(test_lookup_numeric_name_wins),
		T(test_select),
		T(test_select_none_and_named_all),
		T(test_names),
		T(test_names_every_size),
		T(test_names_tamed),
		T(test_tame_c1),
		T(test_describe_like_tcpdump),
		T(test_describe_truncates),
#undef T
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("iface", tests, NULL, NULL);
}
