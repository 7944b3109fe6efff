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

# stream mode: a target's handles are closed in its namespace thread while
# the loop reads on. Each packet socket's close waits for an RCU grace
# period (20 to 50 ms here, two sockets a handle), and while the loop
# waited for them, another target's busy interface at 3,000 pps lost 186
# to 523 of its 3,000 packets (its immediate ring holds a few dozen); now
# none, or a few where the machine stalls. Up to three tries, for a noisy
# machine: the old way never came near. (A busy machine may drop a few
# before any tap sees them, in the veth's backlog: make test saw 2954 of
# 3000 reach the filter once, none dropped by the kernel's rings.)
c=$(lab_ns gone)
lab_link "$c" eth0 203.0.113.1 "$b" eth1 203.0.113.2
stream_try() {
	local busy gone n line
	busy=$(lab_target "$a")
	gone=$(lab_target "$c")
	lab_bg bash -c '"$0" -t "$1" -t "$2" -i all -w - udp port 9000 2>"$3" | cat >/dev/null' \
		"${NSCAP_PLAIN:-$NSCAP}" "$busy" "$gone" "$LAB_DIR/err5"
	n=$BG_PID
	has4() { [ "$(grep -c 'listening on' "$LAB_DIR/err5" 2>/dev/null)" -ge 4 ] 2>/dev/null; }
	wait_for 10 has4 || fail "two targets, -i all, did not start: $(cat "$LAB_DIR/err5")"
	ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9000 -n 3000 -r 3000 -t 30 >/dev/null &
	LAB_PIDS+=("$!")
	sleep 0.5
	kill "$gone"
	wait "${LAB_PIDS[-1]}" || fail "udpgen failed"
	sleep 0.3
	pkill -INT -P "$n" -x nscap || fail "no nscap to stop"
	wait "$n"
	line=$(grep "^nscap: $busy:eth0: " "$LAB_DIR/err5") || fail "no line for $busy:eth0: $(cat "$LAB_DIR/err5")"
	grep -q "target process $gone (sleep) exited; capturing the others" "$LAB_DIR/err5" ||
		fail "the exit went unseen: $(cat "$LAB_DIR/err5")"
	received=${line##*captured, }
	received=${received%% received*}
	dropped=${line##*filter, }
	dropped=${dropped%% dropped*}
	[ "$received" -ge 2700 ] ||
		fail "the sender's 3000 packets did not reach the filter (try $((tries + 1))): $(cat "$LAB_DIR/err5")"
	seen="$seen $dropped"
	kill "$busy"
}
seen=
tries=0
while :; do
	stream_try
	tries=$((tries + 1))
	[ "$dropped" -le 60 ] && break
	[ "$tries" -lt 3 ] || fail "a busy interface lost$seen of 3000 (three tries) while another target's handles closed"
done
pass
