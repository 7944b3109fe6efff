# Whole packets by default in a stream (immediate mode) too: a 64 KiB IP
# packet on a link with a 64 KiB MTU is 65549 bytes with its Ethernet
# header, and the stream's default snapshot length of 65535 cut its last 14
# bytes (a TCP transfer's full GSO segments on lo or a veth, in Wireshark
# live). Checked in the immediate ring (light traffic, -vv says so) and in
# file mode; -s still cuts where asked.
. "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || skip "tshark missing"
a=$(lab_ns a)
b=$(lab_ns b)
lab_link "$a" ea 198.51.100.1 "$b" eb 198.51.100.2
ip -n "$a" link set ea mtu 65535 && ip -n "$b" link set eb mtu 65535 ||
	skip "this veth takes no 64 KiB MTU"
pid=$(lab_target "$b")
cd "$LAB_DIR" || fail "no lab dir"

# big OUT: five 65507-byte UDP payloads, 5 a second, into OUT
big() {
	ip netns exec "$a" "$UDPGEN" -d 198.51.100.2 -p 9999 -n 5 -s 65507 \
		-r 5 -t 10 >/dev/null || fail "udpgen failed"
}

# sizes FILE: "LEN CAPLEN" per packet
sizes() {
	tshark -r "$1" -T fields -e frame.len -e frame.cap_len 2>/dev/null
}

# whole FILE WHAT: five packets of 65549 bytes, each kept whole
whole() {
	local got
	got=$(sizes "$1" | sort | uniq -c | awk '{print $1, $2, $3}')
	[ "$got" = "5 65549 65549" ] || fail "$2: len, caplen: $got"
}

# the stream: light traffic goes through the immediate ring
lab_bg bash -c '"$0" -vv -t "$1" -i eb -w - "udp port 9999" 2>"$2" | cat >"$3"' \
	"$NSCAP" "$pid" stream.err stream.pcapng
wait_for 10 listening stream.err || fail "stream: nscap did not start: $(cat stream.err)"
grep -q "snapshot length 262144 bytes" stream.err || fail "stream: $(cat stream.err)"
big
sleep 0.5
stop_bg "nscap -vv -t $pid -i eb" "stream"
grep -q "quiet: reading each packet" stream.err ||
	fail "stream: never on the immediate ring: $(cat stream.err)"
whole stream.pcapng "stream"

# file mode, and -s
"$NSCAP" -t "$pid" -i eb -c 5 -w file.pcapng "udp port 9999" 2>file.err &
n=$!
wait_for 10 listening file.err || fail "file: nscap did not start: $(cat file.err)"
big
wait "$n" || fail "file: exit $?: $(cat file.err)"
whole file.pcapng "file"
"$NSCAP" -t "$pid" -i eb -c 5 -s 100 -w s.pcapng "udp port 9999" 2>s.err &
n=$!
wait_for 10 listening s.err || fail "-s 100: nscap did not start: $(cat s.err)"
big
wait "$n" || fail "-s 100: exit $?: $(cat s.err)"
got=$(sizes s.pcapng | sort | uniq -c | awk '{print $1, $2, $3}')
[ "$got" = "5 65549 100" ] || fail "-s 100: len, caplen: $got"
pass
