# Two targets streamed into tshark -i -: packets of both show, labelled with
# their interface names, while the capture runs. Two targets that share one
# network namespace are captured once.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns a)
b=$(lab_ns b)
hub=$(lab_ns hub)
lab_link "$a" eth0 198.51.100.1 "$hub" ha 198.51.100.2
ip -n "$hub" addr flush dev ha
ip -n "$hub" addr add 198.51.100.2/25 dev ha
ip -n "$a" addr flush dev eth0
ip -n "$a" addr add 198.51.100.1/25 dev eth0
lab_link "$b" eth0 198.51.100.129 "$hub" hb 198.51.100.130
ip -n "$hub" addr flush dev hb
ip -n "$hub" addr add 198.51.100.130/25 dev hb
ip -n "$b" addr flush dev eth0
ip -n "$b" addr add 198.51.100.129/25 dev eth0
pa=$(lab_target "$a")
pb=$(lab_target "$b")
pa2=$(lab_target "$a") # same namespace as pa

lab_bg bash -c '"$0" -t "$1" -t "$2" -t "$3" -i eth0 -w - udp port 9999 2>"$4" |
	tshark -l -n -i - -T fields -e frame.interface_name >"$5" 2>/dev/null' \
	"$NSCAP" "$pa" "$pb" "$pa2" "$LAB_DIR/err" "$LAB_DIR/names"
has() { [ "$(grep -c "^$1$" "$LAB_DIR/names")" -ge "$2" ]; }
wait_for 10 listening "$LAB_DIR/err" || fail "nscap did not start"
[ "$(grep -c 'listening on' "$LAB_DIR/err")" -eq 2 ] || fail "expected 2 handles: $(cat "$LAB_DIR/err")"
send "$hub" 198.51.100.1 9999 2
wait_for 10 has "$pa:eth0" 2 || fail "packets of $pa did not reach tshark"
send "$hub" 198.51.100.129 9999 3
wait_for 10 has "$pb:eth0" 3 || fail "packets of $pb did not reach tshark"
pkill -INT -P "$BG_PID" -f "nscap -t $pa" || fail "no nscap to stop"
wait "$BG_PID"
[ "$(wc -l <"$LAB_DIR/names")" -eq 5 ] || fail "tshark saw: $(cat "$LAB_DIR/names")"
grep -q "$pa2" "$LAB_DIR/names" && fail "the shared namespace was captured twice"
# traffic that goes on after a stop: the second handle's counters are read
# before the first one is closed, so they count no drop that was none
# (closing a handle waits for the kernel, and meanwhile the second's small
# immediate ring overflowed: 27 to 175 "dropped" of a whole stream). Three
# tries: a CI run once saw 217 dropped, as a machine busy enough to hold
# nscap up some 120 ms at 2,000 packets a second does (t_stall.sh); the
# closes are now off the loop, and the immediate ring moves to the twin when
# nscap falls behind, so one clean try of three is the bar.
stop_try() { # N: one try, to port 9990 + N, into its own stop.N.err
	local port=$((9990 + $1)) e=$LAB_DIR/stop.$1.err
	ip netns exec "$hub" timeout 20 "$UDPGEN" -d 198.51.100.129 -p "$port" \
		-n 30000 -r 2000 -t 15 >/dev/null &
	gen=$!
	LAB_PIDS+=("$gen")
	sleep 0.5
	lab_bg bash -c '"$0" -t "$1" -t "$2" -i eth0 -w - udp port "$4" 2>"$3" | cat >/dev/null' \
		"$NSCAP" "$pa" "$pb" "$e" "$port"
	wait_for 10 listening "$e" || fail "stop: nscap did not start"
	sleep 1.5
	pkill -INT -f "nscap -t $pa -t $pb -i eth0 -w - udp port $port" ||
		fail "stop: no nscap to stop"
	wait "$BG_PID"
	kill "$gen" 2>/dev/null
	grep -q '^0 packets dropped by kernel$' "$e"
}
for t in 1 2 3; do
	stop_try "$t" && pass
	echo "stop, try $t: $(grep 'dropped by kernel$' "$LAB_DIR/stop.$t.err" | tail -n 1)"
done
fail "stop: drops after the stop: $(cat "$LAB_DIR/stop.3.err")"
