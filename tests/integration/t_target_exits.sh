# The target process exits during the capture: nscap says so, keeps what it
# captured in a readable file, and exits 1.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")
ip netns exec "$a" sleep 600 & # keeps the namespace busy, as a sidecar would
LAB_PIDS+=("$!")

lab_bg "$NSCAP" -t "$pid" -U -w "$LAB_DIR/x.pcap" udp 2>"$LAB_DIR/err"
wait_for 10 listening "$LAB_DIR/err" || fail "nscap did not start"
send "$b" 198.51.100.1 9999 5 100
# at once: packets still in a block-mode ring's open block are not lost
kill "$pid"
wait_for 5 test ! -d "/proc/$BG_PID" || fail "nscap still running after the target exited"
wait "$BG_PID"
expect_status 1 $? "target exited"
grep -q "^nscap: target process $pid (sleep) exited; capture stopped$" "$LAB_DIR/err" ||
	fail "message: $(cat "$LAB_DIR/err")"
[ "$(pcap_count "$LAB_DIR/x.pcap")" -eq 5 ] || fail "file holds $(pcap_count "$LAB_DIR/x.pcap") packets"
pass
