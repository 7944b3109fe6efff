/*
 * A probe for the integration tests of target resolution and nscap -L,
 * through the module API (src/target.c, src/nslist.c) rather than nscap's
 * command line:
 *
 *   resolve_probe TARGET        resolve TARGET, enter its namespace, print
 *                               key=value lines (see below); exit 0
 *   resolve_probe -L [--json]   what nscap -L [--json] prints
 *
 * On failure it prints "nscap: MESSAGE" on stderr, as main.c does, and
 * exits 1.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "nscap/err.h"
#include "nscap/ns.h"
#include "nscap/nslist.h"
#include "nscap/target.h"

static const char *kind_name(enum nscap_target_kind k)
{
	switch (k) {
	case NSCAP_TARGET_PID:
		return "pid";
	case NSCAP_TARGET_PATH:
		return "path";
	case NSCAP_TARGET_NETNS:
		return "netns";
	case NSCAP_TARGET_ID:
		return "id";
	case NSCAP_TARGET_NAME:
		return "name";
	}
	return "?";
}

static int resolve(const char *s)
{
	struct nscap_target t = NSCAP_TARGET_INIT;
	struct nscap_ns_source src;
	struct nscap_ns *ns = NULL;
	char err[NSCAP_ERRBUF], desc[512], path[64];
	unsigned long inode = 0;
	struct stat st;
	int ret;

	ret = nscap_target_resolve(s, &t, err);
	if (ret) {
		fprintf(stderr, "nscap: %s\n", err);
		printf("errno=%d\n", -ret);
		return 1;
	}
	if (t.nsfd >= 0 && fstat(t.nsfd, &st) == 0)
		inode = (unsigned long)st.st_ino;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)t.pid);
	if (t.nsfd < 0 && stat(path, &st) == 0)
		inode = (unsigned long)st.st_ino;
	printf("kind=%s\npid=%d\npidfd=%s\nnsfd=%s\ncomm=%s\n"
	       "container_id=%s\ncontainer_name=%s\nruntime=%s\n"
	       "netns_inode=%lu\ndescribe=%s\n",
	       kind_name(t.kind), (int)t.pid, t.pidfd >= 0 ? "yes" : "no",
	       t.nsfd >= 0 ? "yes" : "no", t.comm, t.container_id,
	       t.container_name, t.runtime, inode,
	       nscap_target_describe(&t, desc, sizeof(desc)));

	/* and the namespace thread enters what was resolved */
	nscap_target_ns_source(&t, &src);
	ret = nscap_ns_start(&ns, &src, err);
	if (ret) {
		fprintf(stderr, "nscap: %s\n", err);
		nscap_target_close(&t);
		return 1;
	}
	printf("entered_inode=%lu\n", nscap_ns_inode(ns));
	nscap_ns_stop(ns);
	nscap_target_close(&t);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "-L") == 0) {
		bool json = argc >= 3 && strcmp(argv[2], "--json") == 0;
		char err[NSCAP_ERRBUF];

		if (nscap_nslist_print(stdout, json, err)) {
			fprintf(stderr, "nscap: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: resolve_probe TARGET | -L [--json]\n");
		return 2;
	}
	return resolve(argv[1]);
}
