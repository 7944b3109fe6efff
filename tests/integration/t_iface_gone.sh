# The interface disappears (the container's veth is deleted): nscap finishes
# the file cleanly, says which interface went away, and exits 1. Also when
# it went down first, which the socket reports while the delete that follows
# wakes nobody (nscap ran on for ever, once). With -C, the files after
# one of several interfaces went away label each packet rightly.
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
# and why it exits 1, after the statistics
[ "$(tail -n 1 "$LAB_DIR/err")" = "nscap: nothing left to capture" ] ||
	fail "no reason for exit 1: $(cat "$LAB_DIR/err")"
[ "$(pcap_count "$LAB_DIR/x.pcap")" -eq 7 ] || fail "file holds $(pcap_count "$LAB_DIR/x.pcap") packets"
tshark -r "$LAB_DIR/x.pcap" >/dev/null 2>&1 || fail "tshark cannot read the file"

# ended_whole WHAT NAME: nscap ($BG_PID) ends by itself, exit 1, saying eth1
# ended, and NAME.pcapng holds the 5 packets sent before
ended_whole() {
	wait_for 5 test ! -d "/proc/$BG_PID" || fail "$1: nscap still running after eth1 went away: $(cat "$LAB_DIR/$2.err")"
	wait "$BG_PID"
	expect_status 1 $? "$1: eth1 gone"
	grep -q "^nscap: capture on eth1 ended: " "$LAB_DIR/$2.err" || fail "$1: message: $(cat "$LAB_DIR/$2.err")"
	[ "$(pcap_count "$LAB_DIR/$2.pcapng")" -eq 5 ] || fail "$1: file holds $(pcap_count "$LAB_DIR/$2.pcapng") packets"
}

# down, then deleted, in file mode and in stream mode
for mode in file stream; do
	lab_link "$a" eth1 203.0.113.1 "$b" eth1 203.0.113.2
	if [ "$mode" = file ]; then
		lab_bg "$NSCAP" -t "$pid" -i eth1 -w "$LAB_DIR/d.pcapng" udp 2>"$LAB_DIR/d.err"
	else
		lab_bg bash -o pipefail -c '"$1" -t "$2" -i eth1 -w - udp | cat >"$3"' sh "$NSCAP" "$pid" "$LAB_DIR/d.pcapng" 2>"$LAB_DIR/d.err"
	fi
	wait_for 10 listening "$LAB_DIR/d.err" || fail "$mode: nscap did not start"
	send "$b" 203.0.113.1 9999 5 100
	ip -n "$a" link set eth1 down
	sleep 0.3
	ip -n "$a" link del eth1
	ended_whole "$mode" d
done
# down, moved to another namespace and back with its index, up: the socket
# lost it at the move, so the handle ends (it captured nothing, and said
# nothing, for ever: the index named an interface again)
away=$(lab_ns away)
lab_link "$a" eth1 203.0.113.1 "$b" eth1 203.0.113.2
lab_bg "$NSCAP" -t "$pid" -i eth1 -w "$LAB_DIR/m.pcapng" udp 2>"$LAB_DIR/m.err"
wait_for 10 listening "$LAB_DIR/m.err" || fail "move: nscap did not start"
send "$b" 203.0.113.1 9999 5 100
ip -n "$a" link set eth1 down
ip -n "$a" link set eth1 netns "$away"
ip -n "$away" link set eth1 netns "$a"
ip -n "$a" addr add 203.0.113.1/24 dev eth1
ip -n "$a" link set eth1 up
ended_whole move m

# -C after one of three interfaces went away: the next files describe the
# two left, and each packet is written as its own interface's (it was
# written with the number it had in the file before: the second's packets
# were labelled as the third's, and the third's ended the capture, "no
# interface 2")
c=$(lab_ns rot)
d=$(lab_ns rotpeer)
# gx carries nothing: a veth without addresses
ip link add "$LAB_ID-tmp" netns "$c" type veth peer name gx netns "$d" &&
	ip -n "$c" link set "$LAB_ID-tmp" name gx up || fail "cannot make gx"
lab_link "$c" gy 198.51.100.1 "$d" gy 198.51.100.2
lab_link "$c" gz 203.0.113.1 "$d" gz 203.0.113.2
lab_bg "$NSCAP" -t "netns:$c" -i gx -i gy -i gz -w "$LAB_DIR/r.pcapng" -C 4k udp 2>"$LAB_DIR/r.err"
wait_for 10 listening "$LAB_DIR/r.err" || fail "-C: nscap did not start"
ip -n "$c" link del gx
wait_for 5 grep -q "^nscap: capture on gx ended: " "$LAB_DIR/r.err" ||
	fail "-C: gx's end not said: $(cat "$LAB_DIR/r.err")"
for _ in 1 2; do
	send "$d" 198.51.100.1 9999 30 300
	send "$d" 203.0.113.1 9999 30 300
done
sleep 0.5
kill -INT "$BG_PID"
wait "$BG_PID"
expect_status 0 $? "-C after gx went away: $(cat "$LAB_DIR/r.err")"
files=("$LAB_DIR"/r.pcapng*)
[ "${#files[@]}" -ge 3 ] || fail "-C: ${#files[@]} files, not 3 or more"
labels=$(for f in "${files[@]}"; do
	tshark -r "$f" -T fields -e frame.interface_name 2>/dev/null
done | sed 's/.*://' | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
[ "$labels" = "gy=60 gz=60 " ] ||
	fail "-C: packets by interface over ${#files[@]} files: $labels (want gy=60 gz=60)"
pass
