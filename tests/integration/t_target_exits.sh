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
# again with two interfaces, lo busy, and an autostop (so each packet goes
# through the rotation policy) when the target exits: the handles end one
# by one, and the others' pending packets still go through the policy
pid2=$(lab_target "$a")
lab_bg "$NSCAP" -t "$pid2" -i eth0 -i lo -a duration:60 -w "$LAB_DIR/y.pcapng" udp 2>"$LAB_DIR/err2"
n=$BG_PID
has2() { [ "$(grep -c 'listening on' "$LAB_DIR/err2")" -ge 2 ]; }
wait_for 10 has2 || fail "nscap -i eth0 -i lo did not start: $(cat "$LAB_DIR/err2")"
send "$b" 198.51.100.1 9999 5 100
send "$a" 127.0.0.1 9999 5 100
kill "$pid2"
wait_for 5 test ! -d "/proc/$n" || fail "nscap still running after the target exited"
wait "$n"
expect_status 1 $? "target exited, two interfaces"
grep -q "^nscap: target process $pid2 (sleep) exited" "$LAB_DIR/err2" || fail "message: $(cat "$LAB_DIR/err2")"
[ "$(pcap_count "$LAB_DIR/y.pcapng")" -ge 10 ] || fail "y.pcapng holds $(pcap_count "$LAB_DIR/y.pcapng") packets"

# the same process named twice: one message, and it says the capture stopped;
# one interface, so no statistics line of its own; -v names the file
pid3=$(lab_target "$a")
lab_bg "$NSCAP" -v -t "$pid3" -t "pid:$pid3" -i eth0 -w "$LAB_DIR/z.pcapng" udp 2>"$LAB_DIR/err3"
n=$BG_PID
wait_for 10 listening "$LAB_DIR/err3" || fail "nscap -t P -t pid:P did not start: $(cat "$LAB_DIR/err3")"
kill "$pid3"
wait_for 5 test ! -d "/proc/$n" || fail "nscap still running after the target exited"
wait "$n"
expect_status 1 $? "target named twice exited"
[ "$(grep -c "exited" "$LAB_DIR/err3")" -eq 1 ] || fail "-t P -t pid:P: $(cat "$LAB_DIR/err3")"
grep -q "^nscap: target process $pid3 (sleep) exited; capture stopped$" "$LAB_DIR/err3" ||
	fail "-t P -t pid:P: $(cat "$LAB_DIR/err3")"
grep -q "^nscap: writing $LAB_DIR/z.pcapng$" "$LAB_DIR/err3" || fail "-v: no word of the file: $(cat "$LAB_DIR/err3")"
! grep -q ": [0-9]* captured, " "$LAB_DIR/err3" || fail "-t P -t pid:P: a statistics line of one interface: $(cat "$LAB_DIR/err3")"
# one of two targets in two namespaces exits: nscap lets go of its
# namespace (its thread there ends) while it captures the other
pid4=$(lab_target "$a")
pid5=$(lab_target "$b")
lab_bg "$NSCAP" -t "$pid4" -t "$pid5" -i lo -w "$LAB_DIR/w.pcapng" 2>"$LAB_DIR/err4"
n=$BG_PID
has2() { [ "$(grep -c 'listening on' "$LAB_DIR/err4")" -ge 2 ]; }
wait_for 10 has2 || fail "two targets did not start: $(cat "$LAB_DIR/err4")"
in_ns() { ls -l /proc/"$n"/task/*/ns/net 2>/dev/null | grep -c "net:\[$1\]"; }
ino_a=$(lab_ns_inode target)
[ "$(in_ns "$ino_a")" -ge 1 ] || fail "no thread of nscap in the target's namespace"
kill "$pid4"
gone() { grep -q "target process $pid4 (sleep) exited; capturing the others" "$LAB_DIR/err4"; }
wait_for 5 gone || fail "the exit went unseen: $(cat "$LAB_DIR/err4")"
left() { [ "$(in_ns "$ino_a")" -eq 0 ]; }
wait_for 5 left || fail "nscap still holds the dead target's namespace: $(in_ns "$ino_a") threads"
kill -INT "$n"
wait "$n"
expect_status 1 $? "one of two targets exited"
pass
