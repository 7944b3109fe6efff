/*
 * nscap -L: every network namespace on the host, one row each. One pass
 * over /proc (a stat of /proc/PID/ns/net per process; the command of the
 * lowest PID of each namespace, and the cgroup of each process but those
 * in the host's namespace), the names under /run/netns, one
 * `ps` per installed container runtime CLI for container names, and, per
 * namespace, its interfaces and addresses listed from inside it (through
 * the namespace thread of ns.h, with getifaddrs(3): netlink, which answers
 * for the calling thread's namespace). Formatting is a pure function of the
 * rows.
 */
#ifndef NSCAP_NSLIST_H
#define NSCAP_NSLIST_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "nscap/cgroup.h"
#include "nscap/runtime.h"

/* Addresses kept per interface, and room for one ("ADDR/PREFIX"). */
#define NSCAP_NSIF_MAXADDR 16
#define NSCAP_NSIF_ADDRLEN 64

/* An interface and its IPv4 and IPv6 addresses, in the kernel's order. */
struct nscap_nsif {
	char name[IF_NAMESIZE];
	char addrs[NSCAP_NSIF_MAXADDR][NSCAP_NSIF_ADDRLEN];
	size_t naddrs;
	size_t more; /* addresses beyond NSCAP_NSIF_MAXADDR, not kept */
};

/* A container that has a process in a namespace. */
struct nscap_nsctr {
	char id[NSCAP_CONTAINER_ID_LEN + 1];
	const char *runtime;		   /* static, "" when unknown */
	char name[NSCAP_RUNTIME_NAME_LEN]; /* or "" */
};

/* One network namespace. */
struct nscap_nsrow {
	unsigned long inode; /* as in net:[INODE] */
	pid_t pid;	     /* its lowest PID; 0: no process (a name only) */
	size_t nprocs;	     /* processes in it */
	char comm[64];	     /* pid's command */
	/* the containers of its processes, each once, in the order of their
	 * lowest PIDs (malloc'd): a pod's, or docker's --network container:
	 * share one. In the host's namespace (PID 1's, or kthreadd's where
	 * PID 1's cannot be read), pid's alone: a read
	 * per host process would cost more than -L is worth */
	struct nscap_nsctr *ctrs;
	size_t nctrs;
	char **netns_names; /* names under /run/netns (malloc'd) */
	size_t nnetns_names;
	bool ifs_known; /* false: the interfaces could not be listed */
	struct nscap_nsif *ifs;
	size_t nifs;
};

struct nscap_nslist {
	struct nscap_nsrow *rows;
	size_t n;
};

/*
 * Scan PROC (normally "/proc") and NETNS_DIR ("/run/netns"; a missing one
 * is empty) into l: one row per namespace, sorted by PID, rows without a
 * process last (by inode). Interfaces and names are not filled. Returns 0,
 * or a negative errno with err set (l is then empty).
 */
int nscap_nslist_scan(const char *proc, const char *netns_dir,
		      struct nscap_nslist *l, char *err);

/* Fill the name of each row's containers whose ID is in names. Pure. */
void nscap_nslist_set_names(struct nscap_nslist *l,
			    const struct nscap_runtime_name *names, size_t n);

/*
 * Enter each namespace (through a /run/netns name, else /proc/PID/ns/net,
 * checked to be the same inode) and list its interfaces. A namespace that
 * went away meanwhile keeps ifs_known false. Returns 0, or a negative
 * errno with err set when namespaces cannot be entered at all (-EPERM).
 */
int nscap_nslist_interfaces(struct nscap_nslist *l, char *err);

/*
 * Write l to out: a header and one aligned row per namespace, or (json) an
 * array of objects, one per line. Pure apart from out. Returns 0, or -EIO
 * when out reports an error.
 */
int nscap_nslist_write(FILE *out, const struct nscap_nslist *l, bool json);

/* Release what l holds; l may be reused. Accepts an empty list. */
void nscap_nslist_free(struct nscap_nslist *l);

/*
 * All of nscap -L: scan, names, interfaces, write to out and flush it.
 * Returns 0, or a negative errno with err set (-EPERM: not allowed to enter
 * namespaces; -EIO/-EPIPE: out failed).
 */
int nscap_nslist_print(FILE *out, bool json, char *err);

#endif
