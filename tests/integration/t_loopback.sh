# Loopback: the kernel hands a packet socket each packet twice, going out
# and coming in, and libpcap drops the outgoing copy. nscap has the socket
# (a stream's fanout group) ignore outgoing packets there, so that the ring
# holds each packet once and the counters count it once. Without that, a
# stream of 2,000 packets a second on lo lost about a quarter of them (the
# twin never looked empty, and the small immediate ring overflowed while
# nscap waited for it), and "received by filter" was twice the packets.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
command -v tshark >/dev/null || skip "tshark missing"
a=$(lab_ns a)
pid=$(lab_target "$a")
cd "$LAB_DIR" || fail "no lab dir"
# a listener, so that no ICMP answers the datagrams
ip netns exec "$a" timeout 60 python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5221))
while True:
    s.recv(2048)' &
LAB_PIDS+=("$!")

# stream: 4,000 at 2,000 a second, every one in the stream, none dropped;
# on lo, and on "any", which cannot ignore outgoing packets (the other
# interfaces'): its kernel filter leaves out lo's outgoing copies
# on lo itself a stream's fanout group ignores outgoing packets from 6.2
# (earlier kernels keep its flag without a word); "any" is filtered
kver=$(uname -r)
ifs=any
if [ "$(printf '%s\n' 6.2 "${kver%%-*}" | sort -V | head -n 1)" = 6.2 ]; then
	ifs="lo any"
else
	echo "SKIP (part): a stream on lo needs Linux 6.2, this is $kver" >&2
fi
for i in $ifs; do
	lab_bg bash -c '"$0" -t "$1" -i "$2" -w - "udp port 5221" 2>"$3" | cat >"$4"' \
		"$NSCAP" "$pid" "$i" "s.$i.err" s.pcapng
	wait_for 10 listening "s.$i.err" || fail "stream on $i: nscap did not start: $(cat "s.$i.err")"
	ip netns exec "$a" "$UDPGEN" -d 127.0.0.1 -p 5221 -n 4000 -r 2000 -t 10 >/dev/null ||
		fail "udpgen failed"
	sleep 0.5
	stop_bg "nscap -t $pid -i $i -w -" "stream on $i"
	e="s.$i.err"
	grep -q '^4000 packets captured$' "$e" && grep -q '^4000 packets received by filter$' "$e" &&
		grep -q '^0 packets dropped by kernel$' "$e" || fail "stream on $i: $(cat "$e")"
	[ "$(pcap_count s.pcapng)" -eq 4000 ] ||
		fail "stream on $i: $(pcap_count s.pcapng) of 4000 in the stream"
done

# file mode: each packet counted once
"$NSCAP" -t "$pid" -i lo -c 100 -w f.pcapng "udp port 5221" 2>f.err &
n=$!
wait_for 10 listening f.err || fail "file: nscap did not start: $(cat f.err)"
ip netns exec "$a" "$UDPGEN" -d 127.0.0.1 -p 5221 -n 100 -r 1000 -t 10 >/dev/null
wait "$n" || fail "file: exit $?: $(cat f.err)"
grep -q '^100 packets received by filter$' f.err || fail "file: $(cat f.err)"
pass
