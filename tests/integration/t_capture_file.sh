# A capture into a relative path lands in the caller's working directory on
# the host, with exactly the packets sent, read back by three readers.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

mkdir "$LAB_DIR/cwd"
cd "$LAB_DIR/cwd" || fail "cd"
lab_bg "$NSCAP" -t "$pid" -i eth0 -c 20 -w rel.pcap 'udp port 9999' \
	2>"$LAB_DIR/err"
wait_for 10 listening "$LAB_DIR/err" || fail "nscap did not start"
send "$b" 198.51.100.1 9999 20 200
send "$b" 198.51.100.1 9998 5 200 # filtered out
wait_for 10 test ! -d "/proc/$BG_PID" || fail "nscap did not stop after -c 20"
wait "$BG_PID"
expect_status 0 $? "nscap -c 20"

[ -s rel.pcap ] || fail "rel.pcap is not in the caller's working directory"
[ "$(pcap_count rel.pcap)" -eq 20 ] || fail "tshark counts $(pcap_count rel.pcap)"
[ "$(tcpdump -nr rel.pcap 2>/dev/null | grep -c '198.51.100.2.[0-9]* > 198.51.100.1.9999: UDP')" -eq 20 ] ||
	fail "tcpdump -r does not show 20 datagrams 198.51.100.2 > 198.51.100.1.9999"
capinfos -c -E rel.pcap | grep -q 'Number of packets: *20$' || fail "capinfos count"
capinfos -E rel.pcap | grep -q 'Ethernet' || fail "link type is not Ethernet"
capinfos -t rel.pcap | grep -q 'Wireshark/tcpdump/... - pcap' || fail "not a pcap file"
grep -q '^20 packets captured$' "$LAB_DIR/err" || fail "stats: $(cat "$LAB_DIR/err")"
grep -q '^20 packets received by filter$' "$LAB_DIR/err" || fail "stats: received"
grep -q '^0 packets dropped by kernel$' "$LAB_DIR/err" || fail "stats: dropped"

# 'ip broadcast' on an interface without an IPv4 address (a bridge port, an
# IPv6-only link): netmask 0, as tcpdump; libpcap refused the expression
# with an unknown netmask, and the capture with it
ip -n "$a" addr flush dev eth0
"$NSCAP" -t "$pid" -i eth0 -a duration:1 -w bc.pcapng 'ip broadcast' 2>"$LAB_DIR/bc.err"
expect_status 0 $? "'ip broadcast' without an IPv4 address: $(cat "$LAB_DIR/bc.err")"
listening "$LAB_DIR/bc.err" || fail "'ip broadcast': $(cat "$LAB_DIR/bc.err")"
pass
