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
host_mtu=$(cat /sys/class/net/eth0/mtu 2>/dev/null || echo none)
[ "$host_mtu" != 1280 ] || skip "the host's eth0 already has MTU 1280"
NSC_TARGET_PID=$pid NSC_TARGET_INODE=$(lab_ns_inode target) \
	NSC_HOST_ETH0_MTU=$host_mtu "$NS_TEST_BIN" || fail "test_nsthread"
pass
