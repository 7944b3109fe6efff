# Output formats: pcapng by default, pcap for FILE.pcap with one link type,
# -F pcap refused for several link types, nanosecond pcap only when asked;
# -D with several targets lists each.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns a)
b=$(lab_ns b)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")
pb=$(lab_target "$b")

# capture ARGS...: one packet, to whatever -w says
capture() {
	: >"$LAB_DIR/err" # emptied here: see listening in lib.sh
	"$NSCAP" "$@" -c 1 udp port 9999 2>"$LAB_DIR/err" &
	local n=$!
	wait_for 10 listening "$LAB_DIR/err" || fail "nscap $* did not start: $(cat "$LAB_DIR/err")"
	send "$b" 198.51.100.1 9999 1
	wait_exit 20 "$n" "$LAB_DIR/err" "nscap $*"
}
magic() { od -An -tx1 -N4 "$1" | tr -d ' '; }

capture -t "$pid" -i eth0 -w "$LAB_DIR/x.pcap"
[ "$(magic "$LAB_DIR/x.pcap")" = d4c3b2a1 ] || fail "x.pcap: magic $(magic "$LAB_DIR/x.pcap"), expected microsecond pcap"
capture -t "$pid" -i eth0 --time-stamp-precision=nano -w "$LAB_DIR/n.pcap"
[ "$(magic "$LAB_DIR/n.pcap")" = 4d3cb2a1 ] || fail "n.pcap: magic $(magic "$LAB_DIR/n.pcap"), expected nanosecond pcap"
capinfos -a "$LAB_DIR/n.pcap" >/dev/null || fail "capinfos cannot read n.pcap"
capture -t "$pid" -i eth0 -w "$LAB_DIR/x.cap"
[ "$(magic "$LAB_DIR/x.cap")" = 0a0d0d0a ] || fail "x.cap is not pcapng"
# the filter is in the interface's description, as dumpcap writes it
capinfos "$LAB_DIR/x.cap" | grep -q "Filter string = udp port 9999$" ||
	fail "no if_filter: $(capinfos "$LAB_DIR/x.cap")"
capture -t "$pid" -i eth0 -F pcap -w "$LAB_DIR/forced.cap"
[ "$(magic "$LAB_DIR/forced.cap")" = d4c3b2a1 ] || fail "-F pcap"
# pcap under a pcapng name: written, with a word; a .PCAP name is pcap too
capture -t "$pid" -i eth0 -F pcap -w "$LAB_DIR/forced.pcapng"
[ "$(magic "$LAB_DIR/forced.pcapng")" = d4c3b2a1 ] || fail "-F pcap to .pcapng"
grep -q "^nscap: writing pcap to $LAB_DIR/forced.pcapng, as -F pcap says$" "$LAB_DIR/err" ||
	fail "-F pcap to .pcapng: $(cat "$LAB_DIR/err")"
capture -t "$pid" -i eth0 -w "$LAB_DIR/upper.PCAP"
[ "$(magic "$LAB_DIR/upper.PCAP")" = d4c3b2a1 ] || fail ".PCAP is not pcap"

capture -t "$pid" -i any -w "$LAB_DIR/any.pcapng"
tshark -r "$LAB_DIR/any.pcapng" -T fields -e frame.interface_name -e sll.pkttype 2>/dev/null |
	grep -q "^$pid:any" || fail "-i any: $(tshark -r "$LAB_DIR/any.pcapng" -T fields -e frame.interface_name 2>&1)"
capinfos -E "$LAB_DIR/any.pcapng" | grep -qi "cooked" || fail "-i any is not Linux cooked"

# two link types: pcapng even for .pcap, pcap refused
capture -t "$pid" -i eth0 -i any -w "$LAB_DIR/two.pcap"
[ "$(magic "$LAB_DIR/two.pcap")" = 0a0d0d0a ] || fail "two link types in two.pcap: not pcapng"
grep -q "writing pcapng to $LAB_DIR/two.pcap" "$LAB_DIR/err" || fail "no notice about pcapng in a .pcap file"
"$NSCAP" -t "$pid" -i eth0 -i any -F pcap -w "$LAB_DIR/refused.pcap" 2>"$LAB_DIR/err"
expect_status 1 $? "-F pcap with two link types"
grep -q "^nscap: pcap holds one link type and this capture has 2; use -F pcapng$" "$LAB_DIR/err" ||
	fail "-F pcap message: $(cat "$LAB_DIR/err")"
[ ! -e "$LAB_DIR/refused.pcap" ] || fail "-F pcap refused but created the file"

# stdout is pcapng
"$NSCAP" -t "$pid" -i eth0 -q -w - 2>/dev/null | head -c 4 >"$LAB_DIR/head"
[ "$(magic "$LAB_DIR/head")" = 0a0d0d0a ] || fail "stdout is not pcapng"

"$NSCAP" -t "$pid" -t "$pb" -D >"$LAB_DIR/list" 2>"$LAB_DIR/err" || fail "-D: $(cat "$LAB_DIR/err")"
grep -q "^$pid (pid $pid (sleep), net:\[$(lab_ns_inode a)\]):$" "$LAB_DIR/list" || fail "-D header: $(cat "$LAB_DIR/list")"
grep -q "^$pb (pid $pb (sleep), net:\[$(lab_ns_inode b)\]):$" "$LAB_DIR/list" || fail "-D header b"
grep -q '198\.51\.100\.2/24' "$LAB_DIR/list" || fail "-D: b's address"
[ "$(grep -c '^[0-9]*\.any ' "$LAB_DIR/list")" -eq 2 ] || fail "-D: one any per target"
pass
