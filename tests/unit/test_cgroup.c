/*
 * Unit tests for src/cgroup.c: container IDs from /proc/PID/cgroup lines as
 * each runtime writes them (cgroup v1, v2 and hybrid hosts; the lines come
 * from real hosts: runtime bug reports, other projects' test data, and
 * this machine's podman), the monitors that must not count, the scan over
 * a fake /proc tree, and the choice of a container's init process.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nscap/cgroup.h"
#include "nscap/err.h"

#define ID_DOCKER \
	"3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860"
#define ID_DOCKER_SD \
	"9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d"
#define ID_DEBIAN \
	"4f797c539e6c745de61a93ca3ff892358ecbcaccd8414d5db545c38428142970"
#define ID_CRI \
	"09d185410c4e25236cc24717f881589bb0978b24eafd101624e627a4dd8d3439"
#define ID_CRI_COLON \
	"ee4b20e90ac7f42a10bd004d05646b13d8ab5e2c5e7cbc01abf8006bac016459"
#define ID_KUBE_FS \
	"a0c5e8de0e0b2d6ab1d3b8e6e0b4a8d2c1b9e7f6a5d4c3b2a1908f7e6d5c4b3a"
#define ID_CRIO \
	"5eed917563583925ffdbd40a64efb2aaffe58638e57add8becaf460fe74f5b1c"
#define ID_CRIO_CONMON \
	"32da98c8522068be05a7510a3eddb09cad6ed2f03286180d0e931d0d0b6224a6"
#define ID_MINIKUBE \
	"d6701ec289c56e4391acb11d07474b3139466857a305490575508a8b7a9fcf22"
#define ID_MINI_CRIO \
	"0ba8ac17e4e7a31fb82279503552fe94e64bab4745bf6fd2ff231e7c8ca8bed0"
#define ID_PODMAN \
	"e817c105574b8182294745c2c37e4e675d50950e5ba550698b4e92ce27e0c0d8"
#define ID_POD \
	"5a2b0e1f9c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f"
#define ID_NERDCTL \
	"c2b1f0e9d8c7b6a5948372615f4e3d2c1b0a99887766554433221100ffeeddcc"

/* Pins every runtime's path format: the ID and the runtime it names. */
static void test_lines_of_each_runtime(void **state)
{
	static const struct {
		const char *line, *id, *runtime;
	} ok[] = {
		/* docker, cgroupfs driver, v1 (Docker's own examples) */
		{"12:pids:/docker/" ID_DOCKER, ID_DOCKER, "docker"},
		{"13:name=systemd:/docker/" ID_DOCKER "\n", ID_DOCKER,
		 "docker"},
		/* docker, systemd driver, v1 (CentOS) and v2 */
		{"10:devices:/system.slice/docker-" ID_DOCKER_SD ".scope",
		 ID_DOCKER_SD, "docker"},
		{"2:cpuacct,cpu:/system.slice/docker-" ID_DOCKER_SD ".scope",
		 ID_DOCKER_SD, "docker"},
		{"0::/system.slice/docker-" ID_DOCKER_SD ".scope", ID_DOCKER_SD,
		 "docker"},
		/* rootless docker */
		{"0::/user.slice/user-1000.slice/user@1000.service/"
		 "docker.service/" ID_DOCKER,
		 ID_DOCKER, ""},
		/* old Debian docker: the ID right under the root */
		{"10:net_prio:/" ID_DEBIAN, ID_DEBIAN, ""},
		/* docker-ce packaging: /docker-ce/docker/ID */
		{"12:pids:/docker-ce/docker/" ID_DOCKER, ID_DOCKER, "docker"},
		/* systemd in a container: a sub-cgroup of the container's */
		{"0::/docker/" ID_DOCKER "/init.scope", ID_DOCKER, "docker"},
		{"1:name=systemd:/docker/" ID_DOCKER "/system.slice/"
		 "nginx.service",
		 ID_DOCKER, "docker"},
		/* containerd CRI, systemd driver (netdata #4868) */
		{"0::/kubepods.slice/kubepods-burstable.slice/"
		 "kubepods-burstable-pod03f3f104_3215_44f2_9686_d4dd1f05a7ed."
		 "slice/cri-containerd-" ID_CRI ".scope",
		 ID_CRI, "containerd"},
		/* kind: kubelet.slice prefix (containerd/nri #227) */
		{"0::/kubelet.slice/kubelet-kubepods.slice/"
		 "kubelet-kubepods-besteffort.slice/"
		 "kubelet-kubepods-besteffort-pod1e597579_417e_482f_bf65_"
		 "5fe170c3aebd.slice/cri-containerd-" ID_CRI ".scope",
		 ID_CRI, "containerd"},
		/* containerd where systemd left SLICE:PREFIX:ID as it is
		 * (opentelemetry-java #4507) */
		{"10:blkio:/system.slice/containerd.service/"
		 "kubepods-besteffort-pod0125ec2f_b64a_4868_8f5b_94b56cbab864."
		 "slice:cri-containerd:" ID_CRI_COLON,
		 ID_CRI_COLON, "containerd"},
		{"11:perf_event:/"
		 "kubepods-besteffort-pod0125ec2f_b64a_4868_8f5b_"
		 "94b56cbab864.slice:cri-containerd:" ID_CRI_COLON,
		 ID_CRI_COLON, "containerd"},
		/* CRI with the cgroupfs driver: /kubepods/QOS/podUID/ID */
		{"11:memory:/kubepods/besteffort/"
		 "podac04f3f2-1f2c-11e9-b015-1ebee232acfa/" ID_KUBE_FS,
		 ID_KUBE_FS, ""},
		{"4:cpu:/kubepods/"
		 "pod8b0b2c3e-1f2c-11e9-b015-1ebee232acfa/" ID_KUBE_FS,
		 ID_KUBE_FS, ""},
		/* CRI-O, systemd driver, v1 (runc #4620) */
		{"13:freezer:/kubepods.slice/kubepods-burstable.slice/"
		 "kubepods-burstable-poda5c1f8d5_1919_434d_add7_4afaafdaef89."
		 "slice/crio-" ID_CRIO ".scope",
		 ID_CRIO, "cri-o"},
		/* CRI-O, cgroupfs driver (cri-o #812: crio-ID) */
		{"0::/kubepods/burstable/"
		 "pod5d2b6f5c-2a0f-4f0e-9d3c-7b1a2c3d4e5f/"
		 "crio-" ID_CRIO,
		 ID_CRIO, "cri-o"},
		/* minikube: CRI-O inside a docker "node" (minikube #11280);
		 * the innermost container is the one */
		{"0::/docker/" ID_MINIKUBE "/kubepods.slice/"
		 "kubepods-besteffort.slice/kubepods-besteffort-pod2ca4a155_"
		 "3599_498d_bb9d_4446693fa3ea.slice/crio-" ID_MINI_CRIO
		 ".scope",
		 ID_MINI_CRIO, "cri-o"},
		{"0::/docker/" ID_MINIKUBE "/kubepods.slice", ID_MINIKUBE,
		 "docker"},
		/* podman here: rootful, cgroupfs, hybrid host (v1 and 0::) */
		{"8:pids:/libpod_parent/libpod-" ID_PODMAN, ID_PODMAN,
		 "podman"},
		{"0::/libpod_parent/libpod-" ID_PODMAN, ID_PODMAN, "podman"},
		{"9:name=systemd:/libpod_parent/libpod-" ID_PODMAN, ID_PODMAN,
		 "podman"},
		/* podman, systemd driver, v2; podman 4 puts the processes in
		 * a "container" child */
		{"0::/machine.slice/libpod-" ID_PODMAN ".scope", ID_PODMAN,
		 "podman"},
		{"0::/machine.slice/libpod-" ID_PODMAN ".scope/container",
		 ID_PODMAN, "podman"},
		/* podman rootless, and in a pod */
		{"0::/user.slice/user-1000.slice/user@1000.service/user.slice/"
		 "libpod-" ID_PODMAN ".scope",
		 ID_PODMAN, "podman"},
		{"0::/machine.slice/machine-libpod_pod_" ID_POD
		 ".slice/libpod-" ID_PODMAN ".scope",
		 ID_PODMAN, "podman"},
		{"0::/libpod_parent/" ID_POD "/libpod-" ID_PODMAN, ID_PODMAN,
		 "podman"},
		/* nerdctl: systemd driver, and cgroupfs /NAMESPACE/ID */
		{"0::/system.slice/nerdctl-" ID_NERDCTL ".scope", ID_NERDCTL,
		 "containerd"},
		{"0::/default/" ID_NERDCTL, ID_NERDCTL, ""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char id[NSCAP_CONTAINER_ID_LEN + 1] = "untouched";
		const char *rt = "untouched";

		if (nscap_cgroup_parse_line(ok[i].line, id, &rt) != 1)
			fail_msg("no container in \"%s\"", ok[i].line);
		if (strcmp(id, ok[i].id) != 0 || strcmp(rt, ok[i].runtime) != 0)
			fail_msg("\"%s\": got %s (%s)", ok[i].line, id, rt);
	}
}

/* Pins what is not a container: monitors (their network namespace is the
 * host's), pods' own cgroups, 32-hex names, near misses and junk. */
static void test_lines_without_container(void **state)
{
	static const char *const none[] = {
		/* conmon: podman's here (cgroupfs) and with systemd; CRI-O's
		 * (runc #4620) */
		"8:pids:/libpod_parent/conmon",
		"9:name=systemd:/",
		"0::/machine.slice/libpod-conmon-" ID_PODMAN ".scope",
		"0::/kubepods.slice/kubepods-burstable.slice/"
		"kubepods-burstable-pod207aaad1_659f_4db8_88e0_46e0cdcc3004."
		"slice/crio-conmon-" ID_CRIO_CONMON ".scope",
		"0::/kubepods/burstable/"
		"pod5d2b6f5c-2a0f-4f0e-9d3c-7b1a2c3d4e5f/"
		"crio-conmon-" ID_CRIO_CONMON,
		"0::/system.slice/crio-conmon-" ID_CRIO_CONMON ".scope",
		/* CRI-O's conmon_cgroup = "pod": the pod's own cgroup */
		"0::/kubepods/burstable/"
		"pod5d2b6f5c-2a0f-4f0e-9d3c-7b1a2c3d4e5f",
		/* podman pod's cgroup (cgroupfs) and its conmon */
		"0::/libpod_parent/" ID_POD,
		"0::/libpod_parent/" ID_POD "/conmon",
		"0::/machine.slice/machine-libpod_pod_" ID_POD ".slice",
		/* shims and daemons */
		"0::/system.slice/containerd.service",
		"1:name=systemd:/system.slice/docker.service",
		"0::/system.slice/crio.service",
		/* 32 hex digits, as this host's sandbox has them */
		"4:memory:/process_api/02d49e2b76659ad9f64cacda8181ebef",
		"0::/system.slice/"
		"docker-02d49e2b76659ad9f64cacda8181ebef.scope",
		/* 63 and 65 digits, upper case, a wrong suffix */
		"0::/docker/"
		"3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f8698"
		"6",
		"0::/docker/" ID_DOCKER "0",
		"0::/docker/"
		"3726184226F5D3147C25FDEAB5B60097E378E8A720503A5E19ECFDF29F8698"
		"60",
		"0::/system.slice/docker-" ID_DOCKER ".scopex",
		"0::/system.slice/docker-" ID_DOCKER ".service",
		/* an ID that is not innermost and not under docker or a pod */
		"0::/" ID_DOCKER "/user.slice",
		/* SLICE:PREFIX:ID with an unknown prefix, or without one */
		"0::/x.slice:other:" ID_CRI_COLON,
		"0::/x.slice:" ID_CRI_COLON,
		/* ordinary host processes */
		"0::/",
		"0::/init.scope",
		"1:name=systemd:/user.slice/user-1000.slice/session-2.scope",
		"12:pids:/user.slice/user-0.slice/user@0.service",
		/* junk */
		"",
		"\n",
		"garbage",
		"0:",
		"0::",
		"0::docker/" ID_DOCKER,
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		char id[NSCAP_CONTAINER_ID_LEN + 1] = "untouched";
		const char *rt = "untouched";

		if (nscap_cgroup_parse_line(none[i], id, &rt) != 0)
			fail_msg("\"%s\" taken for container %s", none[i], id);
		assert_string_equal(id, "untouched");
		assert_string_equal(rt, "untouched");
	}
}

/* A fake /proc: DIR/PID/cgroup and DIR/PID/status. */
struct fake_proc {
	char dir[64];
};

static void put(const char *dir, const char *pid, const char *file,
		const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, pid, file);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A process: its cgroup file body, PPid and NSpid. */
static void proc_add(const char *dir, int pid, const char *cgroup, int ppid,
		     const char *nspid)
{
	char name[16], status[256];

	snprintf(name, sizeof(name), "%d", pid);
	put(dir, name, "cgroup", cgroup);
	snprintf(status, sizeof(status),
		 "Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\n"
		 "Ngid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n"
		 "NStgid:\t%s\nNSpid:\t%s\nNSpgid:\t%s\n",
		 pid, pid, ppid, nspid, nspid, nspid);
	put(dir, name, "status", status);
}

/* A hybrid host's file, as on this machine: every v1 controller and 0::. */
static char *hybrid(const char *path, char *buf, size_t len)
{
	snprintf(buf, len,
		 "9:name=systemd:%s\n8:pids:%s\n7:blkio:%s\n6:freezer:%s\n"
		 "5:devices:%s\n4:memory:%s\n3:cpuset:%s\n2:cpuacct:%s\n"
		 "1:cpu:%s\n0::%s\n",
		 path, path, path, path, path, path, path, path, path, path);
	return buf;
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

static int fake_setup(void **state)
{
	struct fake_proc *fp = calloc(1, sizeof(*fp));
	char a[2048];

	assert_non_null(fp);
	snprintf(fp->dir, sizeof(fp->dir), "/tmp/nscap-unit-proc.XXXXXX");
	assert_non_null(mkdtemp(fp->dir));
	/* podman's container here: conmon 8000 outside, its init 8011 (PID 1
	 * inside), a child 8012 and, after PID wrap-around, 30 */
	proc_add(fp->dir, 8000, hybrid("/libpod_parent/conmon", a, sizeof(a)),
		 1, "8000");
	proc_add(fp->dir, 8011,
		 hybrid("/libpod_parent/libpod-" ID_PODMAN, a, sizeof(a)), 8000,
		 "8011\t1");
	proc_add(fp->dir, 8012,
		 hybrid("/libpod_parent/libpod-" ID_PODMAN, a, sizeof(a)), 8011,
		 "8012\t2");
	proc_add(fp->dir, 30,
		 hybrid("/libpod_parent/libpod-" ID_PODMAN, a, sizeof(a)), 8011,
		 "30\t7");
	/* a fake docker container as t_targets.sh makes it: only the pids
	 * hierarchy names it; no PID namespace of its own; its parent (the
	 * test shell) is outside, its child inside */
	snprintf(a, sizeof(a),
		 "9:name=systemd:/\n8:pids:/docker/%s\n4:memory:/process_api/"
		 "02d49e2b76659ad9f64cacda8181ebef\n0::/\n",
		 ID_DOCKER);
	proc_add(fp->dir, 500, a, 400, "500");
	proc_add(fp->dir, 501, a, 500, "501");
	/* a second one sharing the first 4 digits of ID_DOCKER */
	snprintf(
		a, sizeof(a), "8:pids:/docker/3726%s\n0::/\n",
		"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
	proc_add(fp->dir, 600, a, 400, "600");
	/* host processes; a 32-hex cgroup; entries that are not processes */
	proc_add(fp->dir, 1, hybrid("/", a, sizeof(a)), 0, "1");
	proc_add(fp->dir, 400,
		 "4:memory:/process_api/02d49e2b76659ad9f64cacda8181ebef\n0::/"
		 "\n",
		 1, "400");
	put(fp->dir, "self", "cgroup", "0::/docker/" ID_DOCKER "\n");
	put(fp->dir, "net", "cgroup", "0::/docker/" ID_DOCKER "\n");
	*state = fp;
	return 0;
}

static int fake_teardown(void **state)
{
	struct fake_proc *fp = *state;

	rm_rf(fp->dir);
	free(fp);
	return 0;
}

/* Pins reading a whole hybrid-host file: the first line naming one. */
static void test_read_file(void **state)
{
	struct fake_proc *fp = *state;
	char id[NSCAP_CONTAINER_ID_LEN + 1];
	const char *rt = "";

	assert_int_equal(nscap_cgroup_read(fp->dir, 8011, id, &rt), 1);
	assert_string_equal(id, ID_PODMAN);
	assert_string_equal(rt, "podman");
	assert_int_equal(nscap_cgroup_read(fp->dir, 500, id, &rt), 1);
	assert_string_equal(id, ID_DOCKER);
	assert_string_equal(rt, "docker");
	assert_int_equal(nscap_cgroup_read(fp->dir, 8000, id, &rt), 0);
	assert_int_equal(nscap_cgroup_read(fp->dir, 400, id, &rt), 0);
	assert_int_equal(nscap_cgroup_read(fp->dir, 1, id, &rt), 0);
	assert_int_equal(nscap_cgroup_read(fp->dir, 4242, id, &rt), -ESRCH);
}

/* Pins the scan: prefix matching, PPid and NSpid, non-process entries
 * skipped, distinct IDs for an ambiguous prefix. */
static void test_scan(void **state)
{
	struct fake_proc *fp = *state;
	char ids[4][NSCAP_CONTAINER_ID_LEN + 1];
	struct nscap_cgroup_proc *v = NULL;
	char err[NSCAP_ERRBUF];
	size_t n = 0, i;

	assert_int_equal(nscap_cgroup_scan(fp->dir, "e817c1", &v, &n, err), 0);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_string_equal(v[i].id, ID_PODMAN);
		assert_string_equal(v[i].runtime, "podman");
		if (v[i].pid == 8011) {
			assert_int_equal(v[i].ppid, 8000);
			assert_int_equal(v[i].nspid, 1);
			assert_int_equal(v[i].nslevels, 2);
		}
	}
	assert_int_equal(nscap_cgroup_distinct(v, n, ids, 4), 1);
	free(v);

	/* "3726" is two containers; the full ID is one */
	assert_int_equal(nscap_cgroup_scan(fp->dir, "3726", &v, &n, err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(nscap_cgroup_distinct(v, n, ids, 4), 2);
	assert_true(strcmp(ids[0], ids[1]) != 0);
	assert_int_equal(nscap_cgroup_distinct(v, n, ids, 1), 2);
	free(v);
	assert_int_equal(nscap_cgroup_scan(fp->dir, ID_DOCKER, &v, &n, err), 0);
	assert_int_equal(n, 2);
	free(v);

	/* nothing */
	assert_int_equal(nscap_cgroup_scan(fp->dir, "0123", &v, &n, err), 0);
	assert_int_equal(n, 0);
	free(v);

	/* every process with a container: the empty prefix */
	assert_int_equal(nscap_cgroup_scan(fp->dir, "", &v, &n, err), 0);
	assert_int_equal(n, 6);
	free(v);

	err[0] = '\0';
	assert_int_equal(
		nscap_cgroup_scan("/nonexistent-proc", "", &v, &n, err),
		-ENOENT);
	assert_non_null(strstr(err, "/nonexistent-proc"));
}

/* Pins the init choice on the scanned fake containers: podman's PID 1
 * inside (not conmon, not the lower-numbered child); the fake docker's
 * process whose parent is outside. */
static void test_pick_init_scanned(void **state)
{
	struct fake_proc *fp = *state;
	struct nscap_cgroup_proc *v = NULL;
	char err[NSCAP_ERRBUF];
	size_t n = 0;
	long i;

	assert_int_equal(nscap_cgroup_scan(fp->dir, "", &v, &n, err), 0);
	i = nscap_cgroup_pick_init(v, n, ID_PODMAN);
	assert_true(i >= 0);
	assert_int_equal(v[i].pid, 8011);
	i = nscap_cgroup_pick_init(v, n, ID_DOCKER);
	assert_true(i >= 0);
	assert_int_equal(v[i].pid, 500);
	assert_int_equal(nscap_cgroup_pick_init(v, n, ID_CRIO), -1);
	free(v);
}

/* Pins the rules one by one on hand-made process tables. */
static void test_pick_init_rules(void **state)
{
	/* PID 1 of a nested PID namespace loses to the container's own */
	struct nscap_cgroup_proc nested[] = {
		{900, 800, 1, 3, "", ID_CRI},
		{850, 700, 1, 2, "", ID_CRI},
		{860, 850, 5, 2, "", ID_CRI},
	};
	/* host PID namespace: two processes with parents outside (an exec
	 * into the container): the lowest; the child of one is never it */
	struct nscap_cgroup_proc hostpid[] = {
		{300, 299, 300, 1, "", ID_DOCKER},
		{120, 100, 120, 1, "", ID_DOCKER},
		{110, 120, 110, 1, "", ID_DOCKER},
	};
	/* every parent inside (cannot happen, but the answer is defined):
	 * the lowest PID */
	struct nscap_cgroup_proc loop[] = {
		{41, 40, 0, 0, "", ID_CRIO},
		{40, 41, 0, 0, "", ID_CRIO},
	};
	/* other containers' processes are ignored */
	struct nscap_cgroup_proc mixed[] = {
		{10, 1, 1, 2, "", ID_PODMAN},
		{20, 1, 1, 2, "", ID_DOCKER},
	};

	(void)state;
	assert_int_equal(nested[nscap_cgroup_pick_init(nested, 3, ID_CRI)].pid,
			 850);
	assert_int_equal(
		hostpid[nscap_cgroup_pick_init(hostpid, 3, ID_DOCKER)].pid,
		120);
	assert_int_equal(loop[nscap_cgroup_pick_init(loop, 2, ID_CRIO)].pid,
			 40);
	assert_int_equal(mixed[nscap_cgroup_pick_init(mixed, 2, ID_DOCKER)].pid,
			 20);
	assert_int_equal(nscap_cgroup_pick_init(mixed, 0, ID_DOCKER), -1);
}

/* Pins reading this very process: the line parser on the kernel's own
 * output never claims a container for a test run on the host, and the
 * reader answers 0 or 1, never an error. */
static void test_read_self(void **state)
{
	char id[NSCAP_CONTAINER_ID_LEN + 1];
	const char *rt = "";
	int r;

	(void)state;
	r = nscap_cgroup_read("/proc", getpid(), id, &rt);
	assert_true(r == 0 || r == 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_of_each_runtime),
		cmocka_unit_test(test_lines_without_container),
		cmocka_unit_test_setup_teardown(test_read_file, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_scan, fake_setup,
						fake_teardown),
		cmocka_unit_test_setup_teardown(test_pick_init_scanned,
						fake_setup, fake_teardown),
		cmocka_unit_test(test_pick_init_rules),
		cmocka_unit_test(test_read_self),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
