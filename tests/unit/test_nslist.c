/*
 * Unit tests for nscap -L's pure parts: JSON escaping and reading
 * (src/json.c), the rows' plain and JSON formatting, container names put
 * on rows, and the one-pass scan over a fake /proc (hard links stand in
 * for processes sharing a namespace: same inode).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/json.h"
#include "nscap/nslist.h"

#define ID_A "e817c105574b8182294745c2c37e4e675d50950e5ba550698b4e92ce27e0c0d8"
#define ID_B "0ba8ac17e4e7a31fb82279503552fe94e64bab4745bf6fd2ff231e7c8ca8bed0"
#define ID_C "5d2bbf1e0f7e3c8a9b4d6e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d"

/* Pins escaping: JSON's two-character escapes, \u00XX for other control
 * characters and DEL, UTF-8 untouched; snprintf-like lengths, and a short
 * buffer never ends inside an escape. */
static void test_json_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"", ""},
		{"web", "web"},
		{"a\"b", "a\\\"b"},
		{"back\\slash", "back\\\\slash"},
		{"tab\there\nnl\rcr", "tab\\there\\nnl\\rcr"},
		{"\b\f", "\\b\\f"},
		{"\x01\x1f\x7f", "\\u0001\\u001f\\u007f"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},
		{"\xe2\x82\xac \xf0\x9f\x90\xb3",
		 "\xe2\x82\xac \xf0\x9f\x90\xb3"},
		/* not UTF-8: a lone byte, overlong, surrogate, cut short */
		{"a\xff"
		 "b",
		 "a\\ufffdb"},
		{"\xc0\xaf", "\\ufffd\\ufffd"},
		{"\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"},
		{"\xe2\x82", "\\ufffd\\ufffd"},
		{"\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"},
		{"/slash/", "/slash/"},
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
			nscap_json_escape(buf, sizeof(buf), cases[i].in),
			strlen(cases[i].out));
		assert_string_equal(buf, cases[i].out);
	}
	/* "a\"b" needs 4; with room for 2 characters only "a" fits whole */
	assert_int_equal(nscap_json_escape(buf, 3, "a\"b"), 4);
	assert_string_equal(buf, "a");
	assert_int_equal(nscap_json_escape(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	assert_int_equal(nscap_json_escape(NULL, 0, "a\x01"), 7);
}

static char *to_string(void (*fn)(FILE *, const void *), const void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fn(f, arg);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void put_string(FILE *f, const void *s)
{
	assert_int_equal(nscap_json_put_string(f, s), 0);
}

static void test_json_put_string(void **state)
{
	char *s;

	(void)state;
	s = to_string(put_string, "we\"b\n");
	assert_string_equal(s, "\"we\\\"b\\n\"");
	free(s);
	s = to_string(put_string, "caf\xc3\xa9\x80");
	assert_string_equal(s, "\"caf\xc3\xa9\\ufffd\"");
	free(s);
	s = to_string(put_string, NULL);
	assert_string_equal(s, "null");
	free(s);
}

/* Pins the reader: keys found at any depth, never inside strings, values
 * read back with their escapes. */
static void test_json_read(void **state)
{
	const char *doc = "{\"a\": \"x\\\"key\\\": 1\", \"key\" : \"v\\\\\\n\","
			  " \"n\": {\"key\": -42, \"u\": \"\\u00e9\"}}";
	const char *v;
	char out[16];
	long long x = 0;

	(void)state;
	v = nscap_json_find(doc, "key");
	assert_non_null(v);
	assert_int_equal(nscap_json_string(v, out, sizeof(out)), 0);
	assert_string_equal(out, "v\\\n");
	v = nscap_json_find(v, "key");
	assert_non_null(v);
	assert_int_equal(nscap_json_int(v, &x), 0);
	assert_int_equal(x, -42);
	assert_int_equal(nscap_json_string(v, out, sizeof(out)), -EINVAL);
	assert_null(nscap_json_find(v, "key"));
	v = nscap_json_find(doc, "u");
	assert_int_equal(nscap_json_string(v, out, sizeof(out)), 0);
	assert_string_equal(out, "?");
	assert_null(nscap_json_find(doc, "missing"));
	assert_null(nscap_json_find("{\"key\" \"no colon\"}", "key"));
	/* too long, unterminated, not a string */
	assert_int_equal(
		nscap_json_string("\"0123456789abcdefg\"", out, sizeof(out)),
		-EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(nscap_json_string("\"abc", out, sizeof(out)), -EINVAL);
	assert_int_equal(nscap_json_string("12", out, sizeof(out)), -EINVAL);
	assert_int_equal(nscap_json_int("null", &x), -EINVAL);
	assert_int_equal(x, -42);
}

/* The rows of a small host, by hand. */
struct rows {
	struct nscap_nslist l;
	struct nscap_nsrow r[4];
	struct nscap_nsif ifs_host[2], ifs_web[2];
	struct nscap_nsctr ctrs_web[3];
	char *names_web[2], *names_empty[1];
};

static void make_rows(struct rows *x)
{
	memset(x, 0, sizeof(*x));
	snprintf(x->ifs_host[0].name, IF_NAMESIZE, "lo");
	snprintf(x->ifs_host[0].addrs[0], NSCAP_NSIF_ADDRLEN, "127.0.0.1/8");
	snprintf(x->ifs_host[0].addrs[1], NSCAP_NSIF_ADDRLEN, "::1/128");
	x->ifs_host[0].naddrs = 2;
	snprintf(x->ifs_host[1].name, IF_NAMESIZE, "ifb0");
	snprintf(x->ifs_web[0].name, IF_NAMESIZE, "lo");
	snprintf(x->ifs_web[0].addrs[0], NSCAP_NSIF_ADDRLEN, "127.0.0.1/8");
	x->ifs_web[0].naddrs = 1;
	snprintf(x->ifs_web[1].name, IF_NAMESIZE, "eth0");
	snprintf(x->ifs_web[1].addrs[0], NSCAP_NSIF_ADDRLEN, "198.51.100.1/24");
	snprintf(x->ifs_web[1].addrs[1], NSCAP_NSIF_ADDRLEN, "fe80::1/64");
	x->ifs_web[1].naddrs = 2;
	x->names_web[0] = "blue";
	x->names_web[1] = "green";
	x->names_empty[0] = "empty\"q";

	x->r[0].inode = 4026531840UL;
	x->r[0].pid = 1;
	x->r[0].nprocs = 120;
	snprintf(x->r[0].comm, sizeof(x->r[0].comm), "systemd");
	x->r[0].ifs_known = true;
	x->r[0].ifs = x->ifs_host;
	x->r[0].nifs = 2;

	x->r[1].inode = 4026532300UL;
	x->r[1].pid = 4242;
	x->r[1].nprocs = 3;
	snprintf(x->r[1].comm, sizeof(x->r[1].comm), "httpd");
	snprintf(x->ctrs_web[0].id, sizeof(x->ctrs_web[0].id), ID_A);
	x->ctrs_web[0].runtime = "podman";
	snprintf(x->ctrs_web[0].name, sizeof(x->ctrs_web[0].name), "web");
	x->r[1].ctrs = x->ctrs_web;
	x->r[1].nctrs = 1;
	x->r[1].netns_names = x->names_web;
	x->r[1].nnetns_names = 2;
	x->r[1].ifs_known = true;
	x->r[1].ifs = x->ifs_web;
	x->r[1].nifs = 2;

	/* a process gone before its interfaces could be listed */
	x->r[2].inode = 4026532400UL;
	x->r[2].pid = 31337;
	x->r[2].nprocs = 1;
	snprintf(x->r[2].comm, sizeof(x->r[2].comm), "sleep");

	/* a named namespace without processes or interfaces but lo down */
	x->r[3].inode = 4026532500UL;
	x->r[3].netns_names = x->names_empty;
	x->r[3].nnetns_names = 1;
	x->r[3].ifs_known = true;

	x->l.rows = x->r;
	x->l.n = 4;
}

static void write_text(FILE *f, const void *l)
{
	assert_int_equal(nscap_nslist_write(f, l, false), 0);
}

static void write_json(FILE *f, const void *l)
{
	assert_int_equal(nscap_nslist_write(f, l, true), 0);
}

/* Pins the plain listing: aligned columns, "-" for nothing, "?" for
 * interfaces that could not be listed, interfaces last and whole. */
static void test_format_text(void **state)
{
	struct rows x;
	char *s;

	(void)state;
	make_rows(&x);
	s = to_string(write_text, &x.l);
	assert_string_equal(
		s,
		"NETNS         PID  COMMAND  CONTAINER     NAME  NETNS-NAME  "
		"INTERFACES\n"
		"4026531840      1  systemd  -             -     -           "
		"lo=127.0.0.1/8+::1/128,ifb0\n"
		"4026532300   4242  httpd    e817c105574b  web   blue,green  "
		"lo=127.0.0.1/8,eth0=198.51.100.1/24+fe80::1/64\n"
		"4026532400  31337  sleep    -             -     -           "
		"?\n"
		"4026532500      -  -        -             -     empty\"q     "
		"-\n");
	free(s);

	/* three containers share web's namespace (a pod; docker's --network
	 * container:): the first's ID and how many more, each one's name in
	 * their order, "-" for one without */
	x.ctrs_web[1] = (struct nscap_nsctr){ID_B, "docker", ""};
	x.ctrs_web[2] = (struct nscap_nsctr){ID_C, "docker", "web-side"};
	x.r[1].nctrs = 3;
	x.l.n = 2;
	s = to_string(write_text, &x.l);
	assert_string_equal(
		s,
		"NETNS        PID  COMMAND  CONTAINER       NAME            "
		"NETNS-NAME  INTERFACES\n"
		"4026531840     1  systemd  -               -               "
		"-           lo=127.0.0.1/8+::1/128,ifb0\n"
		"4026532300  4242  httpd    e817c105574b+2  web,-,web-side  "
		"blue,green  lo=127.0.0.1/8,eth0=198.51.100.1/24+fe80::1/64\n");
	free(s);
	x.r[1].nctrs = 1;
	x.l.n = 4;

	/* control bytes (a process names itself; interfaces are named in the
	 * namespace) reach no terminal: '?', as ps shows them, and the
	 * columns stay aligned */
	snprintf(x.ctrs_web[0].name, sizeof(x.ctrs_web[0].name), "w\033b");
	snprintf(x.ifs_web[1].name, IF_NAMESIZE, "e\001h0");
	x.ifs_web[1].more = 6;
	x.l.n = 2;
	s = to_string(write_text, &x.l);
	assert_string_equal(
		s, "NETNS        PID  COMMAND  CONTAINER     NAME  NETNS-NAME  "
		   "INTERFACES\n"
		   "4026531840     1  systemd  -             -     -           "
		   "lo=127.0.0.1/8+::1/128,ifb0\n"
		   "4026532300  4242  httpd    e817c105574b  w?b   blue,green  "
		   "lo=127.0.0.1/8,e?h0=198.51.100.1/24+fe80::1/64+(6 more)\n");
	free(s);

	/* no rows: the header alone */
	x.l.n = 0;
	s = to_string(write_text, &x.l);
	assert_string_equal(s, "NETNS  PID  COMMAND  CONTAINER  NAME  "
			       "NETNS-NAME  INTERFACES\n");
	free(s);
}

/* Pins the JSON listing: an array, one object a line, null where unknown,
 * strings escaped. */
static void test_format_json(void **state)
{
	struct rows x;
	char *s;

	(void)state;
	make_rows(&x);
	s = to_string(write_json, &x.l);
	assert_string_equal(
		s,
		"[\n"
		"  {\"netns\": 4026531840, \"pid\": 1, \"command\": "
		"\"systemd\", "
		"\"processes\": 120, \"container_id\": null, \"runtime\": "
		"null, "
		"\"container_name\": null, \"containers\": [], "
		"\"netns_names\": [], \"interfaces\": "
		"[{\"name\": \"lo\", \"addresses\": [\"127.0.0.1/8\", "
		"\"::1/128\"]}, {\"name\": \"ifb0\", \"addresses\": []}]},\n"
		"  {\"netns\": 4026532300, \"pid\": 4242, \"command\": "
		"\"httpd\", \"processes\": 3, \"container_id\": \"" ID_A "\", "
		"\"runtime\": \"podman\", \"container_name\": \"web\", "
		"\"containers\": [{\"id\": \"" ID_A "\", \"runtime\": "
		"\"podman\", \"name\": \"web\"}], "
		"\"netns_names\": [\"blue\", \"green\"], \"interfaces\": "
		"[{\"name\": \"lo\", \"addresses\": [\"127.0.0.1/8\"]}, "
		"{\"name\": \"eth0\", \"addresses\": [\"198.51.100.1/24\", "
		"\"fe80::1/64\"]}]},\n"
		"  {\"netns\": 4026532400, \"pid\": 31337, \"command\": "
		"\"sleep\", \"processes\": 1, \"container_id\": null, "
		"\"runtime\": null, \"container_name\": null, \"containers\": "
		"[], \"netns_names\": [], \"interfaces\": null},\n"
		"  {\"netns\": 4026532500, \"pid\": null, \"command\": null, "
		"\"processes\": 0, \"container_id\": null, \"runtime\": null, "
		"\"container_name\": null, \"containers\": [], "
		"\"netns_names\": [\"empty\\\"q\"], "
		"\"interfaces\": []}\n"
		"]\n");
	free(s);

	/* containers sharing the namespace: each in the list, the first flat
	 * too */
	x.ctrs_web[1] = (struct nscap_nsctr){ID_B, "", ""};
	x.r[1].nctrs = 2;
	s = to_string(write_json, &x.l);
	assert_non_null(strstr(
		s,
		"\"container_id\": \"" ID_A "\", \"runtime\": \"podman\", "
		"\"container_name\": \"web\", \"containers\": [{\"id\": "
		"\"" ID_A "\", \"runtime\": \"podman\", \"name\": \"web\"}, "
		"{\"id\": \"" ID_B "\", \"runtime\": null, \"name\": null}], "
		"\"netns_names\""));
	free(s);
	x.r[1].nctrs = 1;

	/* addresses beyond those kept are counted, not cut without a word */
	x.ifs_web[1].more = 6;
	s = to_string(write_json, &x.l);
	assert_non_null(strstr(s, "\"fe80::1/64\"], \"more_addresses\": 6}"));
	free(s);

	x.l.n = 0;
	s = to_string(write_json, &x.l);
	assert_string_equal(s, "[]\n");
	free(s);
}

/* Pins a write error: reported, not ignored. */
static void test_format_error(void **state)
{
	struct rows x;
	char buf[16];
	FILE *f;

	(void)state;
	make_rows(&x);
	f = fmemopen(buf, sizeof(buf), "w");
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(nscap_nslist_write(f, &x.l, true), -EIO);
	fclose(f);
}

/* Pins names put on rows by full container ID only. */
static void test_set_names(void **state)
{
	struct nscap_runtime_name names[] = {
		{ID_B, "other"},
		{ID_A, "web-renamed"},
	};
	struct rows x;

	(void)state;
	make_rows(&x);
	x.ctrs_web[0].name[0] = '\0';
	/* each container of a row, not the first alone */
	x.ctrs_web[1] = (struct nscap_nsctr){ID_C, "docker", ""};
	x.ctrs_web[2] = (struct nscap_nsctr){ID_B, "docker", ""};
	x.r[1].nctrs = 3;
	nscap_nslist_set_names(&x.l, names, 2);
	assert_string_equal(x.ctrs_web[0].name, "web-renamed");
	assert_string_equal(x.ctrs_web[1].name, "");
	assert_string_equal(x.ctrs_web[2].name, "other");
	nscap_nslist_set_names(&x.l, names, 0);
	assert_string_equal(x.ctrs_web[0].name, "web-renamed");
}

/* Remove the tree at dir, as `rm -rf` would, without a shell. */
static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *dir)
{
	assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void put(const char *dir, const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void mkdirs(const char *dir, const char *pid)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/ns", dir, pid);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* Pins the scan: one row per inode, the lowest PID with its command,
 * every container of its processes once, in the order of their lowest PIDs
 * (but in nscap's own namespace, the lowest PID's alone), process counts,
 * rows sorted by PID; entries that are not processes and /run/netns files
 * that are not namespaces are skipped. */
static void test_scan_fake_proc(void **state)
{
	char dir[64], netns[128], a[256], b[256], err[NSCAP_ERRBUF];
	struct nscap_nslist l = {NULL, 0};
	struct stat st1, st12;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/nscap-unit-nsl.XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* host (PID 1's namespace): 1 and 30; 1 is a container's (a machine
	 * that is itself one), 30 a --network host container's, not read: a
	 * read per host process is not worth it. 12 and 16 are a container's,
	 * 14 another's that shares its namespace, 13 no container's, and
	 * nscap (self) is there too (ip netns exec): all of them are read */
	mkdirs(dir, "30");
	mkdirs(dir, "1");
	mkdirs(dir, "12");
	mkdirs(dir, "13");
	mkdirs(dir, "14");
	mkdirs(dir, "16");
	mkdirs(dir, "self");
	put(dir, "1/ns/net", "");
	put(dir, "12/ns/net", "");
	snprintf(a, sizeof(a), "%s/1/ns/net", dir);
	assert_int_equal(stat(a, &st1), 0);
	snprintf(b, sizeof(b), "%s/30/ns/net", dir);
	assert_int_equal(link(a, b), 0);
	snprintf(a, sizeof(a), "%s/12/ns/net", dir);
	assert_int_equal(stat(a, &st12), 0);
	snprintf(b, sizeof(b), "%s/self/ns/net", dir);
	assert_int_equal(link(a, b), 0);
	snprintf(b, sizeof(b), "%s/13/ns/net", dir);
	assert_int_equal(link(a, b), 0);
	snprintf(b, sizeof(b), "%s/14/ns/net", dir);
	assert_int_equal(link(a, b), 0);
	snprintf(b, sizeof(b), "%s/16/ns/net", dir);
	assert_int_equal(link(a, b), 0);
	put(dir, "1/comm", "init\n");
	put(dir, "30/comm", "bash\n");
	put(dir, "12/comm", "httpd\n");
	put(dir, "1/cgroup", "12:pids:/docker/" ID_C "\n");
	put(dir, "30/cgroup", "12:pids:/docker/" ID_B "\n");
	put(dir, "12/cgroup",
	    "8:pids:/libpod_parent/libpod-" ID_A "\n"
	    "0::/libpod_parent/libpod-" ID_A "\n");
	put(dir, "13/cgroup", "0::/user.slice\n");
	put(dir, "14/cgroup", "12:pids:/docker/" ID_C "\n");
	put(dir, "16/cgroup", "0::/libpod_parent/libpod-" ID_A "\n");
	snprintf(netns, sizeof(netns), "%s/netns", dir);
	assert_int_equal(mkdir(netns, 0755), 0);
	put(netns, "stale", ""); /* a name whose mount is gone */
	/* 20's main thread ended (pthread_exit), 21 runs on in a namespace
	 * of its own: listed by its thread, as -t 20 enters it */
	mkdirs(dir, "20");
	snprintf(a, sizeof(a), "%s/20/task", dir);
	assert_int_equal(mkdir(a, 0755), 0);
	mkdirs(dir, "20/task/20");
	mkdirs(dir, "20/task/21");
	put(dir, "20/task/21/ns/net", "");
	put(dir, "20/comm", "pexit\n");

	assert_int_equal(nscap_nslist_scan(dir, netns, &l, err), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.rows[2].pid, 20);
	assert_int_equal(l.rows[2].nprocs, 1);
	assert_string_equal(l.rows[2].comm, "pexit");
	assert_int_equal(l.rows[0].pid, 1);
	assert_int_equal(l.rows[0].inode, (unsigned long)st1.st_ino);
	assert_int_equal(l.rows[0].nprocs, 2);
	assert_string_equal(l.rows[0].comm, "init");
	assert_int_equal(l.rows[0].nctrs, 1);
	assert_string_equal(l.rows[0].ctrs[0].id, ID_C);
	assert_int_equal(l.rows[0].nnetns_names, 0);
	assert_false(l.rows[0].ifs_known);
	assert_int_equal(l.rows[1].pid, 12);
	assert_int_equal(l.rows[1].inode, (unsigned long)st12.st_ino);
	assert_int_equal(l.rows[1].nprocs, 4);
	assert_string_equal(l.rows[1].comm, "httpd");
	assert_int_equal(l.rows[1].nctrs, 2);
	assert_string_equal(l.rows[1].ctrs[0].id, ID_A);
	assert_string_equal(l.rows[1].ctrs[0].runtime, "podman");
	assert_string_equal(l.rows[1].ctrs[0].name, "");
	assert_string_equal(l.rows[1].ctrs[1].id, ID_C);
	assert_string_equal(l.rows[1].ctrs[1].runtime, "docker");
	nscap_nslist_free(&l);
	assert_null(l.rows);
	assert_int_equal(l.n, 0);
	nscap_nslist_free(&l); /* twice is harmless */

	/* a missing netns directory is no names; a missing proc an error */
	snprintf(netns, sizeof(netns), "%s/none", dir);
	assert_int_equal(nscap_nslist_scan(dir, netns, &l, err), 0);
	assert_int_equal(l.n, 3);
	nscap_nslist_free(&l);
	assert_int_equal(nscap_nslist_scan("/nonexistent-proc", netns, &l, err),
			 -ENOENT);
	assert_int_equal(l.n, 0);

	rm_rf(dir);
}

/* Where PID 1's namespace cannot be read (a sandbox's init), the host's is
 * PID 2's if it is a kernel thread (kthreadd): a --network host container's
 * process there is not read. */
static void test_scan_host_by_kthreadd(void **state)
{
	char dir[64], netns[128], a[256], b[256], err[NSCAP_ERRBUF];
	struct nscap_nslist l = {NULL, 0};

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/nscap-unit-nsk.XXXXXX");
	assert_non_null(mkdtemp(dir));
	mkdirs(dir, "1"); /* no ns/net: not readable */
	mkdirs(dir, "2");
	mkdirs(dir, "30");
	put(dir, "2/ns/net", "");
	snprintf(a, sizeof(a), "%s/2/ns/net", dir);
	snprintf(b, sizeof(b), "%s/30/ns/net", dir);
	assert_int_equal(link(a, b), 0);
	put(dir, "2/comm", "kthreadd\n");
	/* flags 0x208040: PF_KTHREAD among them */
	put(dir, "2/stat", "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0\n");
	put(dir, "30/cgroup", "12:pids:/docker/" ID_B "\n");
	snprintf(netns, sizeof(netns), "%s/none", dir);

	assert_int_equal(nscap_nslist_scan(dir, netns, &l, err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.rows[0].pid, 2);
	assert_int_equal(l.rows[0].nprocs, 2);
	assert_int_equal(l.rows[0].nctrs, 0);
	nscap_nslist_free(&l);

	/* PID 2 that is not a kernel thread, though named so (a PID
	 * namespace's): no host known, every process read */
	put(dir, "2/stat", "2 (kthreadd) S 1 2 2 0 -1 4194560 0 0\n");
	assert_int_equal(nscap_nslist_scan(dir, netns, &l, err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.rows[0].nctrs, 1);
	assert_string_equal(l.rows[0].ctrs[0].id, ID_B);
	nscap_nslist_free(&l);

	rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_json_put_string),
		cmocka_unit_test(test_json_read),
		cmocka_unit_test(test_format_text),
		cmocka_unit_test(test_format_json),
		cmocka_unit_test(test_format_error),
		cmocka_unit_test(test_set_names),
		cmocka_unit_test(test_scan_fake_proc),
		cmocka_unit_test(test_scan_host_by_kthreadd),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("nslist", tests, NULL, NULL);
}
