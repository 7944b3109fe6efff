# The kernel traps of a thread in another network namespace, pinned with the
# namespace thread itself (tests/integration/test_nsthread.c): its /sys
# shows the target's interfaces (an eth0 with the target's MTU, not the
# host's), /proc/thread-self/net is the target's, /proc/self/net is not.
. "$(dirname "$0")/lib.sh"
[ -x "${NS_TEST_BIN:-}" ] || fail "NS_TEST_BIN not built"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
ip -n "$a" link set eth0 mtu 1280
ip -n "$a" link add nsconly0 type veth peer name nsconly1
pid=$(lab_target "$a")
# "none" where the host has no eth0 (predictable names, as on a Debian 12
# machine: ens3): the main thread must then see no eth0 at all
host_mtu=$(cat /sys/class/net/eth0/mtu 2>/dev/null || echo none)
[ "$host_mtu" != 1280 ] || skip "the host's eth0 already has MTU 1280"
NSC_TARGET_PID=$pid NSC_TARGET_INODE=$(lab_ns_inode target) \
	NSC_HOST_ETH0_MTU=$host_mtu "$NS_TEST_BIN" || fail "test_nsthread"

# -t TID of a thread that entered another namespace than its process's: the
# thread's namespace, as nsenter -t takes it (nscap refused a thread's ID
# and named its process, whose namespace is another)
command -v python3 >/dev/null || skip "python3 missing"
python3 -c 'import ctypes, os, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
def run():
    fd = os.open("/proc/" + sys.argv[1] + "/ns/net", os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        sys.exit(1)
    print(threading.get_native_id(), flush=True)
    time.sleep(30)
threading.Thread(target=run, daemon=True).start()
time.sleep(30)' "$pid" >"$LAB_DIR/tid" &
py=$!
LAB_PIDS+=("$py")
has_tid() { [ -s "$LAB_DIR/tid" ]; }
wait_for 5 has_tid || fail "no thread in the target's namespace"
tid=$(cat "$LAB_DIR/tid")
"$NSCAP" -t "$tid" -D >"$LAB_DIR/d.tid" 2>"$LAB_DIR/e.tid" ||
	fail "-t $tid (a thread): $(cat "$LAB_DIR/e.tid")"
grep -q "nsconly0" "$LAB_DIR/d.tid" ||
	fail "-t $tid: not the thread's namespace: $(cat "$LAB_DIR/d.tid")"
"$NSCAP" -t "$py" -D >"$LAB_DIR/d.py" 2>"$LAB_DIR/e.py" ||
	fail "-t $py: $(cat "$LAB_DIR/e.py")"
! grep -q "nsconly0" "$LAB_DIR/d.py" || fail "-t $py: the thread's namespace"
pass
