# TARGET forms against real namespaces: pid:N, netns:NAME, namespace files
# (/run/netns/NAME, /proc/PID/ns/net, a relative path), and containers found
# by ID in their cgroups: a fake docker container made by hand
# (/sys/fs/cgroup/pids/docker/<64 hex> on this hybrid host, the v2 root on a
# unified one) holding `sleep` processes in a lab namespace. Each resolves
# to the namespace the test made (its inode, and the inode the namespace
# thread entered), by full ID, 12-digit prefix and docker://ID; a shared
# 4-digit prefix is ambiguous; bad input fails clearly. Then nscap -L shows
# the container's namespace with its ID, name and interfaces.
#
# Resolution is driven through build/tests/resolve_probe (the module API)
# until nscap's command line calls nscap_target_resolve; the checks of the
# command line itself run with NSCAP_TEST_CLI_TARGETS=1.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROBE=${RESOLVE_PROBE:-$ROOT/build/tests/resolve_probe}
CLI=${NSCAP_TEST_CLI_TARGETS:-1}

if [ -z "${RESOLVE_PROBE:-}" ]; then
	make -C "$ROOT" --no-print-directory -s build/tests/resolve_probe \
		>"$LAB_DIR/make.log" 2>&1 || fail "cannot build $PROBE: $(tail -n 5 "$LAB_DIR/make.log")"
fi
[ -x "$PROBE" ] || fail "no $PROBE"

# --- cleanup: container processes, then their cgroups, then the lab ------
CG='' CG_MADE_DOCKER=0 CT_PIDS=() CG_DIRS=()
t_cleanup() {
	local p d
	for p in "${CT_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	for p in "${CT_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for d in "${CG_DIRS[@]}"; do
		for _ in $(seq 50); do # empty once its last task is reaped
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
		[ ! -d "$d" ] || echo "t_targets: cannot remove cgroup $d" >&2
	done
	[ "$CG_MADE_DOCKER" = 1 ] && rmdir "$CG/docker" 2>/dev/null
	lab_cleanup
}
trap t_cleanup EXIT

# probe TARGET: resolve_probe's output in $LAB_DIR/p.out, stderr in p.err
probe() {
	"$PROBE" "$@" >"$LAB_DIR/p.out" 2>"$LAB_DIR/p.err"
}
# field KEY: a key=value line of the last probe
field() {
	sed -n "s/^$1=//p" "$LAB_DIR/p.out"
}
# resolves TARGET KIND INODE [PID]: the probe resolves TARGET as KIND into
# the namespace with inode INODE, and the namespace thread enters it
resolves() {
	probe "$1" || fail "resolve_probe $1: $(cat "$LAB_DIR/p.err")"
	[ "$(field kind)" = "$2" ] || fail "$1: kind $(field kind), expected $2"
	[ "$(field netns_inode)" = "$3" ] || fail "$1: namespace $(field netns_inode), expected $3"
	[ "$(field entered_inode)" = "$3" ] || fail "$1: entered $(field entered_inode), expected $3"
	if [ -n "${4:-}" ]; then
		[ "$(field pid)" = "$4" ] || fail "$1: pid $(field pid), expected $4"
		[ "$(field pidfd)" = yes ] || fail "$1: no pidfd"
		[ "$(field nsfd)" = no ] || fail "$1: an nsfd for a process"
	fi
}
# refused TARGET PATTERN: exit 1 and a "nscap: " message matching PATTERN
refused() {
	probe "$1"
	local rc=$?
	[ "$rc" -eq 1 ] || fail "$1: exit $rc, expected 1"
	grep -q '^nscap: ' "$LAB_DIR/p.err" || fail "$1: no 'nscap: ' message"
	grep -Eq "$2" "$LAB_DIR/p.err" ||
		fail "$1: message '$(head -n 1 "$LAB_DIR/p.err")' does not match '$2'"
}

a=$(lab_ns target)
b=$(lab_ns peer)
ct=$(lab_ns ct)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
lab_link "$ct" eth0 203.0.113.1 "$b" eth1 203.0.113.2
pid=$(lab_target "$a")
ino=$(lab_ns_inode target)
ino_ct=$(lab_ns_inode ct)
# in_ns PID INODE: process PID is in the network namespace INODE
in_ns() {
	[ "$(stat -L -c %i "/proc/$1/ns/net" 2>/dev/null)" = "$2" ]
}
wait_for 5 in_ns "$pid" "$ino" || fail "lab target $pid is not in $a"

# --- processes and namespace files -------------------------------------
resolves "$pid" pid "$ino" "$pid"
resolves "pid:$pid" pid "$ino" "$pid"
[ "$(field comm)" = sleep ] || fail "pid:$pid: comm $(field comm)"
[ "$(field container_id)" = "" ] || fail "pid:$pid: container $(field container_id)"
resolves "netns:$a" netns "$ino"
[ "$(field pid)" = 0 ] && [ "$(field nsfd)" = yes ] && [ "$(field pidfd)" = no ] ||
	fail "netns:$a: not held as a namespace file: $(tr '\n' ' ' <"$LAB_DIR/p.out")"
resolves "/run/netns/$a" path "$ino"
resolves "/proc/$pid/ns/net" path "$ino"
(cd /run/netns && "$PROBE" "./$a") >"$LAB_DIR/p.out" 2>"$LAB_DIR/p.err" ||
	fail "./$a in /run/netns: $(cat "$LAB_DIR/p.err")"
[ "$(field entered_inode)" = "$ino" ] || fail "./$a: entered $(field entered_inode)"

# --- a fake docker container: cgroup named after its ID ------------------
if [ -d /sys/fs/cgroup/pids ] && [ -f /sys/fs/cgroup/pids/cgroup.procs ]; then
	CG=/sys/fs/cgroup/pids # cgroup v1 (hybrid): /docker/ID in "N:pids:"
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	CG=/sys/fs/cgroup # cgroup v2 only: "0::/docker/ID"
else
	skip "no cgroup hierarchy to make a fake container in"
fi
hex64() {
	od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
}
# a letter first: an all-digit prefix would be a PID
id1=e$(hex64 | cut -c2-)
r=$(hex64)
# id2 shares id1's first 4 digits and differs at the 5th
[ "${id1:4:1}" = 0 ] && x=1 || x=0
id2=${id1:0:4}$x${r:5}
# id3 begins with digits, more than pid_max can be: a bare number is a PID;
# its first twelve (a short ID) more than any PID can be
id3=987654321098${r:12}
if [ ! -d "$CG/docker" ]; then
	mkdir "$CG/docker" || fail "cannot make $CG/docker"
	CG_MADE_DOCKER=1
fi
# container ID [COUNT]: COUNT sleep processes (parent: this shell) in the
# ct namespace, moved into cgroup docker/ID; sets CT_LAST to their PIDs
container() {
	local d="$CG/docker/$1" n=${2:-1} p
	mkdir "$d" || fail "cannot make cgroup $d"
	CG_DIRS+=("$d")
	CT_LAST=()
	for _ in $(seq "$n"); do
		ip netns exec "$ct" sleep 600 &
		p=$!
		CT_PIDS+=("$p")
		CT_LAST+=("$p")
		wait_for 5 in_ns "$p" "$ino_ct" ||
			fail "container process $p did not enter $ct"
		echo "$p" >"$d/cgroup.procs" || fail "cannot move $p into $d"
		grep -q "/docker/$1\$" "/proc/$p/cgroup" || fail "$p: cgroup $(cat "/proc/$p/cgroup")"
	done
}
container "$id1"
c1=${CT_LAST[0]}
container "$id2" 2
c2=$(printf '%s\n' "${CT_LAST[@]}" | sort -n | head -n 1)

resolves "$id1" id "$ino_ct" "$c1"
[ "$(field container_id)" = "$id1" ] || fail "$id1: container $(field container_id)"
[ "$(field runtime)" = docker ] || fail "$id1: runtime $(field runtime)"
[ "$(field comm)" = sleep ] || fail "$id1: comm $(field comm)"
resolves "${id1:0:12}" id "$ino_ct" "$c1"
[ "$(field container_id)" = "$id1" ] || fail "${id1:0:12}: container $(field container_id)"
resolves "docker://$id1" id "$ino_ct" "$c1"
[ "$(field runtime)" = docker ] || fail "docker://$id1: runtime $(field runtime)"
resolves "docker://${id1:0:12}" id "$ino_ct" "$c1"
# two processes, both with parents outside: the lowest PID
resolves "${id2:0:12}" id "$ino_ct" "$c2"
# a PID inside the container: the PID, and the container it is in
resolves "$c1" pid "$ino_ct" "$c1"
[ "$(field container_id)" = "$id1" ] || fail "$c1: container $(field container_id)"

# --- bad input -------------------------------------------------------------
refused "${id1:0:4}" "container ID prefix '${id1:0:4}' is ambiguous: .*${id1:0:12}"
grep -q "${id2:0:12}" "$LAB_DIR/p.err" || fail "ambiguous: $id2 not listed: $(cat "$LAB_DIR/p.err")"
refused "nscap-no-such-$$" "no container named 'nscap-no-such-$$'|no container runtime CLI found"
! grep -q "; for the" "$LAB_DIR/p.err" || fail "a hint of a file that is not there: $(cat "$LAB_DIR/p.err")"
# neither a PID nor an ID prefix (a digit first; too few hex digits): a name
refused 12g4 "no container named '12g4'|no container runtime CLI found"
refused abc "no container named 'abc'|no container runtime CLI found"
# a name that is a file here, or an ip netns name: the form that takes it
touch "$LAB_DIR/nsfile"
(cd "$LAB_DIR" && probe nsfile)
grep -q "^nscap: .*; for the file, -t ./nsfile$" "$LAB_DIR/p.err" ||
	fail "nsfile: no hint of ./nsfile: $(cat "$LAB_DIR/p.err")"
refused "$a" "; for the ip netns namespace, -t netns:$a\$"
refused "/proc/$pid/ns/mnt" "^nscap: /proc/$pid/ns/mnt is not a network namespace"
# PID 1's may not even be openable (a sandbox); either way a clear error
refused /proc/1/ns/mnt "^nscap: (/proc/1/ns/mnt is not a network namespace|cannot open /proc/1/ns/mnt: )"
refused "/run/netns/$LAB_ID-missing" "cannot open /run/netns/$LAB_ID-missing: No such file or directory"
refused "netns:$LAB_ID-missing" "no network namespace named '$LAB_ID-missing'"
refused "docker://${id1:0:3}" "invalid target"
# a runtime that is not the container's: not that container (it once was,
# labelled with the wrong runtime)
refused "podman://${id1:0:12}" "no running (podman )?container with ID '${id1:0:12}'.*; a docker container's ID starts with ${id1:0:12}: take it with docker://${id1:0:12}$"
# a container whose processes are gone: no other process's namespace
for p in "${CT_LAST[@]}"; do
	kill -9 "$p"
	wait "$p" 2>/dev/null
done
refused "${id2:0:12}" "no running container with ID prefix or name '${id2:0:12}'"
# a bare number is a PID; none has it, a container's ID starts with it: said
container "$id3"
c3=${CT_LAST[0]}
refused 98765432 "^nscap: cannot find process 98765432: No such process; a container's ID starts with 98765432: take it with docker://98765432$"
resolves docker://98765432 id "$ino_ct" "${CT_LAST[0]}"
refused "pid:98765432" "^nscap: cannot find process 98765432: No such process$"
# past INT_MAX no PID at all, and the same hint (there was none)
refused 987654321098 "^nscap: invalid target '987654321098': not a valid process ID; a container's ID starts with 987654321098: take it with docker://987654321098$"
refused "pid:987654321098" "^nscap: invalid target 'pid:987654321098': not a valid process ID$"
# another runtime's: said how to take it, whether a containerd CLI was
# there to ask or not
refused "containerd://987654321098" "^nscap: no running (containerd )?container with ID '987654321098' .*; a docker container's ID starts with 987654321098: take it with docker://987654321098$"

# --- nscap -L, through the same module --------------------------------------
# a process whose main thread ended (pthread_exit) while another runs, in a
# namespace of its own with no name: listed by its live thread, and its
# interfaces through it (it was left out; listed, its interfaces were "?")
lab_bg unshare -n python3 -c 'import ctypes, threading, time
threading.Thread(target=time.sleep, args=(600,)).start()
ctypes.CDLL(None).pthread_exit(None)'
pe=$BG_PID
leader_gone() {
	[ "$(cut -d ' ' -f 3 "/proc/$pe/stat" 2>/dev/null)" = Z ] &&
		[ "$(ls "/proc/$pe/task" 2>/dev/null | wc -l)" -eq 2 ]
}
wait_for 10 leader_gone || fail "process $pe: its main thread did not end alone"
pe_tid=$(ls "/proc/$pe/task" | grep -vx "$pe")
ino_pe=$(netns_inode "/proc/$pe/task/$pe_tid/ns/net")
probe -L || fail "resolve_probe -L: $(cat "$LAB_DIR/p.err")"
row=$(awk -v i="$ino_pe" '$1 == i' "$LAB_DIR/p.out")
read -ra f <<<"$row"
[ "${f[1]:-}" = "$pe" ] && [ "${f[2]}" = python3 ] && [ "${f[6]}" = lo ] ||
	fail "-L row of process $pe, whose main thread ended: '$row'"
head -n 1 "$LAB_DIR/p.out" | grep -Eq '^NETNS +PID +COMMAND +CONTAINER +NAME +NETNS-NAME +INTERFACES$' ||
	fail "-L header: $(head -n 1 "$LAB_DIR/p.out")"
row=$(awk -v i="$ino_ct" '$1 == i' "$LAB_DIR/p.out")
[ -n "$row" ] || fail "-L: no row for $ct (net:[$ino_ct]): $(cat "$LAB_DIR/p.out")"
read -ra f <<<"$row"
# the first container (by its lowest PID), and one more: $id3's process
# shares the namespace. Which is first: the lower PID's, and PIDs wrap
if [ "$c1" -lt "$c3" ]; then
	low=$c1 first=$id1 second=$id3
else
	low=$c3 first=$id3 second=$id1
fi
[ "${f[1]}" = "$low" ] && [ "${f[2]}" = sleep ] && [ "${f[3]}" = "${first:0:12}+1" ] &&
	[ "${f[4]}" = - ] && [ "${f[5]}" = "$ct" ] ||
	fail "-L row for $ct: $row"
[ "${f[6]}" = "lo=127.0.0.1/8,eth0=203.0.113.1/24" ] || fail "-L interfaces of $ct: ${f[6]}"
row=$(awk -v i="$ino" '$1 == i' "$LAB_DIR/p.out")
read -ra f <<<"$row"
[ "${f[1]}" = "$pid" ] && [ "${f[3]}" = - ] && [ "${f[5]}" = "$a" ] && [ "${f[6]}" = "lo=127.0.0.1/8,eth0=198.51.100.1/24" ] ||
	fail "-L row for $a: $row"
[ "$(awk -v i="$ino" '$1 == i' "$LAB_DIR/p.out" | wc -l)" -eq 1 ] || fail "-L: $a listed twice"

probe -L --json || fail "resolve_probe -L --json: $(cat "$LAB_DIR/p.err")"
python3 - "$LAB_DIR/p.out" "$ino_ct" "$first" "$ct" "$low" "$second" <<'EOF' || fail "-L --json: $(cat "$LAB_DIR/p.out")"
import json, sys
rows = json.load(open(sys.argv[1]))
ino, cid, name, pid = int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
row = [r for r in rows if r["netns"] == ino]
assert len(row) == 1, row
r = row[0]
assert r["pid"] == pid and r["command"] == "sleep", r
assert r["container_id"] == cid and r["runtime"] == "docker", r
assert r["containers"] == [{"id": c, "runtime": "docker", "name": None}
                           for c in (cid, sys.argv[6])], r
assert r["netns_names"] == [name], r
assert r["interfaces"] == [{"name": "lo", "addresses": ["127.0.0.1/8"]},
                           {"name": "eth0", "addresses": ["203.0.113.1/24"]}], r
assert all(set(x) == {"netns", "pid", "command", "processes", "container_id",
                      "runtime", "container_name", "containers", "netns_names",
                      "interfaces"}
           for x in rows), rows
EOF

# --- nscap's command line: once main.c resolves targets with
# nscap_target_resolve and -L calls nscap_nslist_print, run with
# NSCAP_TEST_CLI_TARGETS=1 (or make it the default) -------------------------
if [ "$CLI" = 1 ]; then
	"$NSCAP" -t "netns:$a" -D >"$LAB_DIR/d.out" 2>"$LAB_DIR/d.err" ||
		fail "nscap -t netns:$a -D: $(cat "$LAB_DIR/d.err")"
	grep -q eth0 "$LAB_DIR/d.out" || fail "nscap -t netns:$a -D: $(cat "$LAB_DIR/d.out")"
	"$NSCAP" -t "${id1:0:12}" -D >"$LAB_DIR/d.out" 2>"$LAB_DIR/d.err" ||
		fail "nscap -t ${id1:0:12} -D: $(cat "$LAB_DIR/d.err")"
	grep -q eth0 "$LAB_DIR/d.out" || fail "nscap -t ${id1:0:12} -D: $(cat "$LAB_DIR/d.out")"
	"$NSCAP" -t /proc/1/ns/mnt -D >/dev/null 2>"$LAB_DIR/d.err"
	expect_status 1 $? "nscap -t /proc/1/ns/mnt -D"
	"$NSCAP" -t "/proc/$pid/ns/mnt" -D >/dev/null 2>"$LAB_DIR/d.err"
	expect_status 1 $? "nscap -t /proc/$pid/ns/mnt -D"
	grep -q "^nscap: /proc/$pid/ns/mnt is not a network namespace" "$LAB_DIR/d.err" ||
		fail "nscap -t /proc/$pid/ns/mnt: $(cat "$LAB_DIR/d.err")"
	# capture by container ID: exactly the datagrams sent to it
	out="$LAB_DIR/id.pcap"
	lab_bg "$NSCAP" -t "docker://$id1" -i eth0 -c 5 -w "$out" 'udp port 9999' \
		2>"$LAB_DIR/cap.err"
	wait_for 10 listening "$LAB_DIR/cap.err" || fail "nscap -t docker://$id1 did not start: $(cat "$LAB_DIR/cap.err")"
	send "$b" 203.0.113.1 9999 5 200
	wait_for 10 test ! -d "/proc/$BG_PID" || fail "nscap -t docker://$id1 did not stop after -c 5"
	wait "$BG_PID"
	expect_status 0 $? "nscap -t docker://$id1 -c 5"
	[ "$(pcap_count "$out")" -eq 5 ] || fail "capture by ID: tshark counts $(pcap_count "$out")"
	"$NSCAP" -L >"$LAB_DIR/l.out" 2>"$LAB_DIR/l.err" || fail "nscap -L: $(cat "$LAB_DIR/l.err")"
	awk -v i="$ino_ct" '$1 == i' "$LAB_DIR/l.out" | grep -q "${id1:0:12}" ||
		fail "nscap -L: $(cat "$LAB_DIR/l.out")"
	"$NSCAP" -L --json >"$LAB_DIR/l.out" 2>"$LAB_DIR/l.err" || fail "nscap -L --json: $(cat "$LAB_DIR/l.err")"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$LAB_DIR/l.out" ||
		fail "nscap -L --json is not JSON"
fi
pass
