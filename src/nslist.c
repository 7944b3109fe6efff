/*
 * nscap -L (see nslist.h). Fast on a host with thousands of processes: the
 * scan is one readdir of /proc and one stat per process; the lowest PID of
 * each namespace has its comm read, and the processes outside the host's
 * namespace (containers': a few each) their cgroup. Interfaces need the
 * namespace itself: each is entered once, through ns.h (the one place that
 * changes namespace), and listed there with getifaddrs(3).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "nscap/err.h"
#include "nscap/text.h"
#include "nscap/json.h"
#include "nscap/ns.h"
#include "nscap/nslist.h"
#include "nscap/target.h"

#define PROC "/proc"
#define NETNS_DIR "/run/netns"

/* A process and its network namespace, while scanning. */
struct pid_ino {
	unsigned long ino;
	pid_t pid;
};

static int cmp_pid_ino(const void *a, const void *b)
{
	const struct pid_ino *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_rows(const void *a, const void *b)
{
	const struct nscap_nsrow *x = a, *y = b;

	if ((x->pid == 0) != (y->pid == 0))
		return x->pid == 0 ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->inode > y->inode) - (x->inode < y->inode);
}

/*
 * The namespace file of process pid (its directory under proc) into path
 * (len bytes), and its stat into *st: its main thread's, or where that
 * ended while other threads run (pthread_exit: the leader's links are
 * gone, the process is not), the first live thread's, as -t PID enters it.
 * False when it exited, or is not ours to see.
 */
static bool proc_netns(const char *proc, const char *pid, char *path,
		       size_t len, struct stat *st)
{
	char task[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(path, len, "%s/%s/ns/net", proc, pid);
	if (stat(path, st) == 0)
		return true;
	if (errno != ENOENT)
		return false;
	snprintf(task, sizeof(task), "%s/%s/task", proc, pid);
	d = opendir(task);
	if (!d)
		return false;
	while (!found && (de = readdir(d)))
		if (nscap_all_digits(de->d_name) &&
		    strcmp(de->d_name, pid) != 0 &&
		    (size_t)snprintf(path, len, "%s/%s/ns/net", task,
				     de->d_name) < len)
			found = stat(path, st) == 0;
	closedir(d);
	return found;
}

/* PF_KTHREAD (include/linux/sched.h): the flags of a kernel thread */
#define PF_KTHREAD_FLAG 0x00200000UL

/* Is pid a kernel thread? Its flags in PROC/PID/stat (the ninth field) say
 * so; a name can be anyone's (prctl PR_SET_NAME). */
static bool kernel_thread(const char *proc, pid_t pid)
{
	char path[300], line[512], *end;
	const char *p;
	unsigned long flags;
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%d/stat", proc, (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	/* after the name (which may hold spaces and parentheses): state,
	 * ppid, pgrp, session, tty_nr, tpgid, then flags, the seventh
	 * space on */
	p = ok ? strrchr(line, ')') : NULL;
	for (int i = 0; p && i < 7; i++)
		p = strchr(p + 1, ' ');
	if (!p)
		return false;
	errno = 0;
	flags = strtoul(p + 1, &end, 10);
	return end != p + 1 && errno == 0 && (flags & PF_KTHREAD_FLAG);
}

/* Every process's namespace inode: one stat per process. */
static int scan_procs(const char *proc, struct pid_ino **out, size_t *n,
		      char *err)
{
	struct pid_ino *v = NULL;
	size_t nv = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(proc);
	if (!d)
		return nscap_seterr(err, errno, "cannot read %s", proc);
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (!nscap_all_digits(de->d_name) ||
		    !proc_netns(proc, de->d_name, path, sizeof(path), &st))
			continue; /* exited, or not ours to see */
		if (nv == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct pid_ino *nvp = realloc(v, ncap * sizeof(*v));

			if (!nvp) {
				closedir(d);
				free(v);
				return nscap_seterr(err, ENOMEM,
						    "cannot list namespaces");
			}
			v = nvp;
			cap = ncap;
		}
		v[nv].ino = (unsigned long)st.st_ino;
		v[nv].pid = (pid_t)strtol(de->d_name, NULL, 10);
		nv++;
	}
	closedir(d);
	*out = v;
	*n = nv;
	return 0;
}

static struct nscap_nsrow *add_row(struct nscap_nslist *l, size_t *cap,
				   unsigned long ino)
{
	struct nscap_nsrow *r;

	if (l->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct nscap_nsrow *nr = realloc(l->rows, ncap * sizeof(*nr));

		if (!nr)
			return NULL;
		l->rows = nr;
		*cap = ncap;
	}
	r = &l->rows[l->n++];
	memset(r, 0, sizeof(*r));
	r->inode = ino;
	return r;
}

/* pid's container, if it has one, among r's containers (each once) */
static int add_ctr(struct nscap_nsrow *r, const char *proc, pid_t pid)
{
	char id[NSCAP_CONTAINER_ID_LEN + 1];
	struct nscap_nsctr *nc;
	const char *runtime;
	size_t i;

	if (nscap_cgroup_read(proc, pid, id, &runtime) != 1)
		return 0;
	for (i = 0; i < r->nctrs; i++)
		if (strcmp(r->ctrs[i].id, id) == 0)
			return 0;
	nc = realloc(r->ctrs, (r->nctrs + 1) * sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	r->ctrs = nc;
	nc += r->nctrs++;
	memcpy(nc->id, id, sizeof(nc->id));
	nc->runtime = runtime;
	nc->name[0] = '\0';
	return 0;
}

static struct nscap_nsrow *find_row(struct nscap_nslist *l, unsigned long ino)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->rows[i].inode == ino)
			return &l->rows[i];
	return NULL;
}

static int add_netns_name(struct nscap_nsrow *r, const char *name)
{
	char **nv =
		realloc(r->netns_names, (r->nnetns_names + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	r->netns_names = nv;
	nv[r->nnetns_names] = strdup(name);
	if (!nv[r->nnetns_names])
		return -ENOMEM;
	r->nnetns_names++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names `ip netns` gave: each a mount of a namespace file. */
static int scan_netns(const char *dir, struct nscap_nslist *l, size_t *cap,
		      char *err)
{
	struct dirent *de;
	DIR *d;
	size_t i;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0
				       : nscap_seterr(err, errno,
						      "cannot read %s", dir);
	while ((de = readdir(d))) {
		char path[600];
		struct nscap_nsrow *r;
		struct statfs sfs;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		/* a name left without its mount is an empty file */
		if (statfs(path, &sfs) < 0 || sfs.f_type != NSFS_MAGIC ||
		    stat(path, &st) < 0)
			continue;
		r = find_row(l, (unsigned long)st.st_ino);
		if (!r)
			r = add_row(l, cap, (unsigned long)st.st_ino);
		if (!r || add_netns_name(r, de->d_name)) {
			closedir(d);
			return nscap_seterr(err, ENOMEM,
					    "cannot list namespaces");
		}
	}
	closedir(d);
	for (i = 0; i < l->n; i++)
		if (l->rows[i].nnetns_names > 1)
			qsort(l->rows[i].netns_names, l->rows[i].nnetns_names,
			      sizeof(char *), cmp_names);
	return 0;
}

int nscap_nslist_scan(const char *proc, const char *netns_dir,
		      struct nscap_nslist *l, char *err)
{
	struct pid_ino *v = NULL;
	size_t nv = 0, cap = 0, i;
	unsigned long host = 0;
	char path[300];
	struct stat st;
	int ret;

	l->rows = NULL;
	l->n = 0;
	/* the host's: PID 1's (nscap's own may be another, under
	 * ip netns exec or in a pod that sees the host's PIDs); where root
	 * may not read PID 1's (a sandbox's init), PID 2's if it is a kernel
	 * thread (kthreadd): kernel threads live in the initial namespaces */
	snprintf(path, sizeof(path), "%s/1/ns/net", proc);
	if (stat(path, &st) == 0) {
		host = (unsigned long)st.st_ino;
	} else if (kernel_thread(proc, 2)) {
		snprintf(path, sizeof(path), "%s/2/ns/net", proc);
		if (stat(path, &st) == 0)
			host = (unsigned long)st.st_ino;
	}
	ret = scan_procs(proc, &v, &nv, err);
	if (ret)
		return ret;
	if (nv > 1)
		qsort(v, nv, sizeof(*v), cmp_pid_ino);
	for (i = 0; i < nv; i++) {
		struct nscap_nsrow *r;

		if (i > 0 && v[i].ino == v[i - 1].ino) {
			r = &l->rows[l->n - 1];
			r->nprocs++;
		} else {
			r = add_row(l, &cap, v[i].ino);
			if (!r) {
				ret = -ENOMEM;
				break;
			}
			r->pid = v[i].pid; /* sorted: the lowest */
			r->nprocs = 1;
		}
		if (r->nprocs > 1 && r->inode == host)
			continue;
		ret = add_ctr(r, proc, v[i].pid);
		if (ret)
			break;
	}
	if (ret) {
		nscap_seterr(err, -ret, "cannot list namespaces");
		goto out;
	}
	for (i = 0; i < l->n; i++) {
		struct nscap_nsrow *r = &l->rows[i];

		nscap_target_read_comm(proc, r->pid, r->comm, sizeof(r->comm));
	}
	ret = scan_netns(netns_dir, l, &cap, err);
	if (ret)
		goto out;
	if (l->n > 1)
		qsort(l->rows, l->n, sizeof(*l->rows), cmp_rows);
out:
	free(v);
	if (ret)
		nscap_nslist_free(l);
	return ret;
}

void nscap_nslist_set_names(struct nscap_nslist *l,
			    const struct nscap_runtime_name *names, size_t n)
{
	size_t i, j, k;

	for (i = 0; i < l->n; i++)
		for (k = 0; k < l->rows[i].nctrs; k++) {
			struct nscap_nsctr *c = &l->rows[i].ctrs[k];

			for (j = 0; j < n; j++)
				if (strcmp(names[j].id, c->id) == 0) {
					snprintf(c->name, sizeof(c->name), "%s",
						 names[j].name);
					break;
				}
		}
}

static int prefix_len(const struct sockaddr *mask)
{
	const unsigned char *b;
	int i, n, bits = 0;

	if (!mask)
		return -1;
	if (mask->sa_family == AF_INET) {
		b = (const unsigned char *)&(
			    (const struct sockaddr_in *)(const void *)mask)
			    ->sin_addr;
		n = 4;
	} else if (mask->sa_family == AF_INET6) {
		b = ((const struct sockaddr_in6 *)(const void *)mask)
			    ->sin6_addr.s6_addr;
		n = 16;
	} else {
		return -1;
	}
	for (i = 0; i < n; i++)
		bits += __builtin_popcount(b[i]);
	return bits;
}

static struct nscap_nsif *iface(struct nscap_nsrow *r, const char *name)
{
	struct nscap_nsif *nv;
	size_t i;

	for (i = 0; i < r->nifs; i++)
		if (strcmp(r->ifs[i].name, name) == 0)
			return &r->ifs[i];
	nv = realloc(r->ifs, (r->nifs + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	r->ifs = nv;
	memset(&nv[r->nifs], 0, sizeof(nv[r->nifs]));
	snprintf(nv[r->nifs].name, sizeof(nv[r->nifs].name), "%s", name);
	return &nv[r->nifs++];
}

/* Runs in the namespace (or, for the host's own, in the caller). */
static int list_ifs(void *arg, char *err)
{
	struct nscap_nsrow *r = arg;
	struct ifaddrs *all, *a;

	if (getifaddrs(&all) < 0)
		return nscap_seterr(err, errno, "cannot list interfaces");
	for (a = all; a; a = a->ifa_next) {
		char text[INET6_ADDRSTRLEN];
		struct nscap_nsif *f;
		const void *addr;
		int fam, bits;

		if (!a->ifa_name)
			continue;
		f = iface(r, a->ifa_name);
		if (!f) {
			freeifaddrs(all);
			return nscap_seterr(err, ENOMEM,
					    "cannot list interfaces");
		}
		fam = a->ifa_addr ? a->ifa_addr->sa_family : AF_UNSPEC;
		if (fam == AF_INET)
			addr = &((const struct sockaddr_in *)(const void *)
					 a->ifa_addr)
					->sin_addr;
		else if (fam == AF_INET6)
			addr = &((const struct sockaddr_in6 *)(const void *)
					 a->ifa_addr)
					->sin6_addr;
		else
			continue;
		if (f->naddrs == NSCAP_NSIF_MAXADDR) {
			f->more++; /* said, not cut without a word */
			continue;
		}
		if (!inet_ntop(fam, addr, text, sizeof(text)))
			continue;
		bits = prefix_len(a->ifa_netmask);
		if (bits >= 0)
			snprintf(f->addrs[f->naddrs], NSCAP_NSIF_ADDRLEN,
				 "%s/%d", text, bits);
		else
			snprintf(f->addrs[f->naddrs], NSCAP_NSIF_ADDRLEN, "%s",
				 text);
		f->naddrs++;
	}
	freeifaddrs(all);
	r->ifs_known = true;
	return 0;
}

/* An fd of row r's namespace, checked to be that inode; or -1. */
static int open_row(const struct nscap_nsrow *r)
{
	char path[PATH_MAX], pid[16];
	struct stat st;
	int fd;

	snprintf(pid, sizeof(pid), "%d", (int)r->pid);
	if (r->nnetns_names)
		snprintf(path, sizeof(path), NETNS_DIR "/%s",
			 r->netns_names[0]);
	else if (!proc_netns(PROC, pid, path, sizeof(path), &st))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (unsigned long)st.st_ino != r->inode) {
		close(fd); /* the process exited and its PID was reused */
		return -1;
	}
	return fd;
}

int nscap_nslist_interfaces(struct nscap_nslist *l, char *err)
{
	unsigned long own = 0;
	struct stat st;
	size_t i;

	if (stat(PROC "/thread-self/ns/net", &st) == 0)
		own = (unsigned long)st.st_ino;
	for (i = 0; i < l->n; i++) {
		struct nscap_nsrow *r = &l->rows[i];
		struct nscap_ns_source src;
		struct nscap_ns *ns = NULL;
		char nserr[NSCAP_ERRBUF];
		int fd, ret;

		if (r->inode == own) {
			/* no need to enter the namespace we are in */
			ret = list_ifs(r, err);
			if (ret == -ENOMEM)
				return ret;
			continue;
		}
		fd = open_row(r);
		if (fd < 0)
			continue;
		src.nsfd = fd;
		src.pid = 0;
		src.pidfd = -1;
		src.name = NULL; /* its own message, below */
		ret = nscap_ns_start(&ns, &src, nserr);
		if (ret == -EPERM) {
			close(fd);
			return nscap_seterr(err, EPERM,
					    "cannot enter network namespace "
					    "net:[%lu] to list its interfaces",
					    r->inode);
		}
		if (ret == 0) {
			ret = nscap_ns_call(ns, list_ifs, r, nserr);
			nscap_ns_stop(ns);
		}
		close(fd);
		if (ret == -ENOMEM)
			return nscap_seterr(err, ENOMEM,
					    "cannot list interfaces");
	}
	return 0;
}

/* s, each control byte a '?' (the text listing goes to a terminal) */
static void put_tame(FILE *f, const char *s)
{
	char *t = strdup(s);

	if (!t) {
		/* no memory: every byte past ASCII a '?' as well */
		for (; *s; s++)
			putc((unsigned char)*s >= 0x80 ? '?'
						       : nscap_text_tame(*s),
			     f);
		return;
	}
	nscap_text_tame_all(t);
	fputs(t, f);
	free(t);
}

/* "eth0=198.51.100.1/24+fe80::1/64,lo=127.0.0.1/8"; "?" when unknown. */
static void put_ifaces(FILE *f, const struct nscap_nsrow *r)
{
	size_t i, j;

	if (!r->ifs_known || r->nifs == 0) {
		fputs(r->ifs_known ? "-" : "?", f);
		return;
	}
	for (i = 0; i < r->nifs; i++) {
		const struct nscap_nsif *x = &r->ifs[i];

		if (i)
			putc(',', f);
		put_tame(f, x->name);
		for (j = 0; j < x->naddrs; j++)
			fprintf(f, "%c%s", j ? '+' : '=', x->addrs[j]);
		if (x->more)
			fprintf(f, "+(%zu more)", x->more);
	}
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* Columns of the plain listing, but the last (interfaces). */
enum { C_NETNS, C_PID, C_COMMAND, C_CONTAINER, C_NAME, C_NETNS_NAME, C_N };

static const char *const headers[C_N] = {"NETNS",     "PID",  "COMMAND",
					 "CONTAINER", "NAME", "NETNS-NAME"};

/* The text of column c of row r, in buf. */
static const char *cell(const struct nscap_nsrow *r, int c, char *buf,
			size_t len)
{
	size_t i, used = 0;
	bool named = false;

	switch (c) {
	case C_NETNS:
		snprintf(buf, len, "%lu", r->inode);
		return buf;
	case C_PID:
		if (!r->pid)
			return "-";
		snprintf(buf, len, "%d", (int)r->pid);
		return buf;
	case C_COMMAND:
		return or_dash(r->comm);
	case C_CONTAINER:
		/* the first; "+2": two more share the namespace */
		if (!r->nctrs)
			return "-";
		if (r->nctrs == 1)
			snprintf(buf, len, "%.*s", NSCAP_CONTAINER_SHORT_LEN,
				 r->ctrs[0].id);
		else
			snprintf(buf, len, "%.*s+%zu",
				 NSCAP_CONTAINER_SHORT_LEN, r->ctrs[0].id,
				 r->nctrs - 1);
		return buf;
	case C_NAME:
		/* in the containers' order, "-" for one without a name (a
		 * pod's sandbox: "-,web,web-side"); "-" when none has one */
		buf[0] = '\0';
		for (i = 0; i < r->nctrs && !named; i++)
			named = r->ctrs[i].name[0] != '\0';
		for (i = 0; named && i < r->nctrs && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 i ? "," : "",
						 or_dash(r->ctrs[i].name));
		return or_dash(buf);
	default:
		buf[0] = '\0';
		for (i = 0; i < r->nnetns_names && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 i ? "," : "",
						 r->netns_names[i]);
		return or_dash(buf);
	}
}

static void write_text(FILE *out, const struct nscap_nslist *l)
{
	int width[C_N];
	char buf[1024];
	size_t i;
	int c;

	for (c = 0; c < C_N; c++) {
		width[c] = (int)strlen(headers[c]);
		for (i = 0; i < l->n; i++) {
			int w = (int)strlen(
				cell(&l->rows[i], c, buf, sizeof(buf)));

			if (w > width[c])
				width[c] = w;
		}
	}
	for (c = 0; c < C_N; c++)
		fprintf(out, c == C_PID ? "%*s  " : "%-*s  ", width[c],
			headers[c]);
	fputs("INTERFACES\n", out);
	for (i = 0; i < l->n; i++) {
		for (c = 0; c < C_N; c++) {
			const char *t = cell(&l->rows[i], c, buf, sizeof(buf));
			int pad = width[c] - (int)strlen(t);

			if (c == C_PID)
				fprintf(out, "%*s", pad > 0 ? pad : 0, "");
			put_tame(out, t);
			fprintf(out, "%*s  ", c == C_PID || pad < 0 ? 0 : pad,
				"");
		}
		put_ifaces(out, &l->rows[i]);
		putc('\n', out);
	}
}

/* c's members (null: no container), flat (container_id, ...) or not */
static void put_ctr(FILE *out, const struct nscap_nsctr *c, bool flat)
{
	fputs(flat ? "\"container_id\": " : "\"id\": ", out);
	nscap_json_put_string(out, c ? c->id : NULL);
	fputs(", \"runtime\": ", out);
	nscap_json_put_string(out, c && *c->runtime ? c->runtime : NULL);
	fputs(flat ? ", \"container_name\": " : ", \"name\": ", out);
	nscap_json_put_string(out, c && c->name[0] ? c->name : NULL);
}

static void write_json_row(FILE *out, const struct nscap_nsrow *r)
{
	size_t i, j;

	fprintf(out, "{\"netns\": %lu, \"pid\": ", r->inode);
	if (r->pid)
		fprintf(out, "%d", (int)r->pid);
	else
		fputs("null", out);
	fputs(", \"command\": ", out);
	nscap_json_put_string(out, r->pid ? r->comm : NULL);
	fprintf(out, ", \"processes\": %zu, ", r->nprocs);
	/* the first container flat, as before there was a list */
	put_ctr(out, r->nctrs ? &r->ctrs[0] : NULL, true);
	fputs(", \"containers\": [", out);
	for (i = 0; i < r->nctrs; i++) {
		fputs(i ? ", {" : "{", out);
		put_ctr(out, &r->ctrs[i], false);
		putc('}', out);
	}
	fputs("], \"netns_names\": [", out);
	for (i = 0; i < r->nnetns_names; i++) {
		if (i)
			fputs(", ", out);
		nscap_json_put_string(out, r->netns_names[i]);
	}
	fputs("], \"interfaces\": ", out);
	if (!r->ifs_known) {
		fputs("null}", out);
		return;
	}
	putc('[', out);
	for (i = 0; i < r->nifs; i++) {
		fputs(i ? ", {\"name\": " : "{\"name\": ", out);
		nscap_json_put_string(out, r->ifs[i].name);
		fputs(", \"addresses\": [", out);
		for (j = 0; j < r->ifs[i].naddrs; j++) {
			if (j)
				fputs(", ", out);
			nscap_json_put_string(out, r->ifs[i].addrs[j]);
		}
		putc(']', out);
		if (r->ifs[i].more)
			fprintf(out, ", \"more_addresses\": %zu",
				r->ifs[i].more);
		putc('}', out);
	}
	fputs("]}", out);
}

int nscap_nslist_write(FILE *out, const struct nscap_nslist *l, bool json)
{
	if (!json) {
		write_text(out, l);
	} else {
		size_t i;

		fputs("[", out);
		for (i = 0; i < l->n; i++) {
			fputs(i ? ",\n  " : "\n  ", out);
			write_json_row(out, &l->rows[i]);
		}
		fputs(l->n ? "\n]\n" : "]\n", out);
	}
	return ferror(out) ? -EIO : 0;
}

void nscap_nslist_free(struct nscap_nslist *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		for (j = 0; j < l->rows[i].nnetns_names; j++)
			free(l->rows[i].netns_names[j]);
		free(l->rows[i].netns_names);
		free(l->rows[i].ctrs);
		free(l->rows[i].ifs);
	}
	free(l->rows);
	l->rows = NULL;
	l->n = 0;
}

int nscap_nslist_print(FILE *out, bool json, char *err)
{
	struct nscap_nslist l = {NULL, 0};
	struct nscap_runtime_name *names = NULL;
	size_t nnames = 0, i;
	int ret;

	ret = nscap_nslist_scan(PROC, NETNS_DIR, &l, err);
	if (ret)
		return ret;
	/* names cost one CLI call per runtime: only when there are
	 * containers to name */
	for (i = 0; i < l.n; i++)
		if (l.rows[i].nctrs)
			break;
	if (i < l.n && nscap_runtime_names(&names, &nnames) == 0) {
		nscap_nslist_set_names(&l, names, nnames);
		free(names);
	}
	ret = nscap_nslist_interfaces(&l, err);
	if (ret)
		goto out;
	errno = 0;
	if (nscap_nslist_write(out, &l, json) || fflush(out)) {
		/* the write's own errno (ENOSPC, EPIPE...), if stdio kept it */
		ret = errno ? -errno : -EIO;
		nscap_seterr(err, -ret, "cannot write the namespace list");
	}
out:
	nscap_nslist_free(&l);
	return ret;
}
