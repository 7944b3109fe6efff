# The interface disappears (the container's veth is deleted): nscap finishes
# the file cleanly, says which interface went away, and exits 1.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

lab_bg "$NSCAP" -t "$pid" -i eth0 -w "$LAB_DIR/x.pcap" udp 2>"$LAB_DIR/err"
wait_for 10 listening "$LAB_DIR/err" || fail "nscap did not start"
send "$b" 198.51.100.1 9999 7 100
# at once: packets still in a block-mode ring's open block are not lost
ip -n "$a" link del eth0
wait_for 5 test ! -d "/proc/$BG_PID" || fail "nscap still running after eth0 went away"
wait "$BG_PID"
expect_status 1 $? "interface gone"
grep -q "^nscap: capture on eth0 ended: " "$LAB_DIR/err" || fail "message: $(cat "$LAB_DIR/err")"
[ "$(pcap_count "$LAB_DIR/x.pcap")" -eq 7 ] || fail "file holds $(pcap_count "$LAB_DIR/x.pcap") packets"
tshark -r "$LAB_DIR/x.pcap" >/dev/null 2>&1 || fail "tshark cannot read the file"
pass
