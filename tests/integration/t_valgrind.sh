# One capture under valgrind: no invalid access, no leak. And a target that
# exits while captured under valgrind, which has no pidfd_open (ENOSYS, as
# before Linux 5.3): nscap asks /proc once a second, says so, exits 1 (it
# captured on for ever, once).
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || skip "valgrind is not installed"
nscap=${NSCAP_PLAIN:?NSCAP_PLAIN must name the build without sanitizers}
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

lab_bg valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible \
	"$nscap" -t "$pid" -c 5 -w "$LAB_DIR/v.pcap" udp 2>"$LAB_DIR/err"
wait_for 60 listening "$LAB_DIR/err" || fail "nscap did not start under valgrind"
send "$b" 198.51.100.1 9999 5 100
wait_for 60 test ! -d "/proc/$BG_PID" || fail "nscap did not finish"
wait "$BG_PID"
rc=$?
[ "$rc" -eq 0 ] || fail "valgrind: exit $rc: $(cat "$LAB_DIR/err")"
[ "$(pcap_count "$LAB_DIR/v.pcap")" -eq 5 ] || fail "valgrind run captured $(pcap_count "$LAB_DIR/v.pcap")"

c=$(ip netns exec "$b" sleep 600 >/dev/null 2>&1 & echo $!)
lab_bg valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible \
	"$nscap" -t "$pid" -t "$c" -i eth0 -w "$LAB_DIR/x.pcapng" udp 2>"$LAB_DIR/err2"
wait_for 60 listening "$LAB_DIR/err2" || fail "two targets: nscap did not start under valgrind"
kill "$c"
wait_for 30 grep -q "target process $c (sleep) exited; capturing the others" "$LAB_DIR/err2" ||
	fail "the target's exit went unseen: $(cat "$LAB_DIR/err2")"
kill -INT "$BG_PID"
wait_for 60 test ! -d "/proc/$BG_PID" || fail "nscap did not finish"
wait "$BG_PID"
expect_status 1 $? "a target exited, under valgrind: $(cat "$LAB_DIR/err2")"
pass
