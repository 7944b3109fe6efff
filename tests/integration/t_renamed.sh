# A stream's immediate ring is opened by name (libpcap's way), at the start
# when nothing has come, else at the first switch to it, maybe long after
# the start: an interface renamed meanwhile, whose old name is now another
# interface's, must still get its own ring. nscap opened the other
# interface's, which could not join the twin's fanout group. Now it asks the
# twin's socket which interface it is bound to, and opens that by its name
# now. A flow runs as each capture starts (port 9998, at 100,000 a
# second: its wake-ups busy), so that the ring is not opened at the start
# (nscap wakes soon after it for that when nothing comes), and the first
# switch down comes after the rename (or the down).
. "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || skip "tshark missing"
a=$(lab_ns a)
b=$(lab_ns b)
lab_link "$a" ea 198.51.100.1 "$b" eb 198.51.100.2
pid=$(lab_target "$a")
cd "$LAB_DIR" || fail "no lab dir"

# busy_capture IFACE ERR OUT: nscap streaming IFACE (into OUT, its stderr
# in ERR) while a flow runs; the flow stops once nscap has run on it a
# moment.
# The flow's first block may still look quiet (libpcap's filter goes on
# after the ring exists, and what comes in between is not taken), and the
# ring opens at once: then again, up to five times.
busy_capture() {
	local try flow
	for try in 1 2 3 4 5; do
		rm -f "$2" "$3"
		ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9998 -n 1000000 \
			-r 100000 -t 10 >/dev/null &
		flow=$!
		LAB_PIDS+=("$flow")
		sleep 0.2
		lab_bg bash -c '"$0" -vv -t "$1" -i "$4" -w - "udp portrange 9998-9999" 2>"$2" | cat >"$3"' \
			"$NSCAP" "$pid" "$2" "$3" "$1"
		wait_for 10 listening "$2" || fail "$1: nscap did not start: $(cat "$2")"
		sleep 0.3
		kill "$flow" 2>/dev/null
		wait "$flow" 2>/dev/null
		grep -q "quiet: reading each packet" "$2" || return 0
		stop_bg "nscap -vv -t $pid -i $1" "$1"
	done
	fail "$1: the immediate ring opened with the flow five times: $(cat "$2")"
}
# port FILE: the packets to port 9999 in FILE
port_count() {
	tshark -r "$1" -Y "udp.dstport == 9999" -T fields -e frame.number 2>/dev/null | wc -l
}

busy_capture ea s.err s.pcapng
# busy so far: the immediate ring is not open (a switch down waits for a
# quiet 100 ms). ea becomes er, and a new veth takes the name ea
ip -n "$a" link set ea down
ip -n "$a" link set ea name er
ip -n "$a" link set er up
ip link add "$LAB_ID-n1" netns "$a" type veth peer name "$LAB_ID-n2" netns "$a" ||
	fail "cannot make a veth"
ip -n "$a" link set "$LAB_ID-n1" name ea
ip -n "$a" link set ea up
ip -n "$a" link set "$LAB_ID-n2" up
sleep 1.2 # the probe while down has seen it up again
send "$b" 198.51.100.1 9999 5 10
sleep 0.5
stop_bg "nscap -vv -t $pid -i ea"
grep -q "quiet: reading each packet" s.err ||
	fail "never on the immediate ring: $(cat s.err)"
! grep -q "cannot" s.err || fail "$(cat s.err)"
[ "$(port_count s.pcapng)" -eq 5 ] || fail "$(port_count s.pcapng) of 5 packets: $(cat s.err)"
# the first switch made while the interface is down (its wake-up comes at
# the down): libpcap opens no ring on it, and the switching stopped for
# the whole capture ("cannot capture on ...: That device is not up; reading
# blocks"); now the twin goes on and the ring opens once it is up
busy_capture er d.err d.pcapng
ip -n "$a" link set er down
sleep 1
ip -n "$a" link set er up
sleep 1.2
send "$b" 198.51.100.1 9999 5 10
sleep 0.5
stop_bg "nscap -vv -t $pid -i er" "down"
! grep -q "cannot" d.err || fail "down: $(cat d.err)"
grep -q "down: reading blocks until it is up" d.err ||
	fail "down: no switch was tried while it was down: $(cat d.err)"
[ "$(port_count d.pcapng)" -eq 5 ] || fail "down: $(port_count d.pcapng) of 5 packets: $(cat d.err)"
# the last word of the gears: on the immediate ring
last=$(grep "^nscap: er: " d.err | tail -n 1)
case $last in
*"quiet: reading each packet" | *settled) ;;
*) fail "down: not on the immediate ring after: $(cat d.err)" ;;
esac
pass
