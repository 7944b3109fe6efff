# nscap's own pcapng writer, read by the readers people use: tshark names
# each packet's interface and decodes every link type, capinfos sees a clean
# pcapng file with three interfaces and their statistics, tcpdump reads a
# one-interface file. The files come from the writer's unit test binary
# (NSC_PCAPNG_OUT makes it write samples) until nscap's command line picks
# pcapng itself.
#
# libpcap 1.10 reads a pcapng file only while every interface has the first
# one's link type and snapshot length, so tcpdump stops at the second
# interface of the three-link-type file: that is checked as such.
. "$(dirname "$0")/lib.sh"

gen="$HERE/../../build/tests/test_writer_pcapng"
[ -x "$gen" ] || skip "no $gen (make build/tests/test_writer_pcapng)"
for tool in tshark capinfos tcpdump; do
	command -v "$tool" >/dev/null || skip "$tool is not installed"
done

multi="$LAB_DIR/multi.pcapng"
one="$LAB_DIR/one.pcapng"
NSC_PCAPNG_OUT="$multi" NSC_PCAPNG_OUT_ONE="$one" "$gen" ||
	fail "the generator failed"

# tshark's stderr, less its warning about running as root
clean_stderr() {
	grep -v '^Running as user "root"' "$1"
}

# --- tshark: per packet, its interface and its datagram ---
want=$(printf '%s\n' \
	"0|web:eth0|pid 42 (httpd), net:[4026532000]|1700000000.000000001|198.51.100.1|198.51.100.2|9999|1|nscap pcapng 1" \
	"1|web:any||1700000000.000000002|198.51.100.1|198.51.100.2|9999|1|nscap pcapng 2" \
	"0|web:eth0|pid 42 (httpd), net:[4026532000]|1700000000.000000003|198.51.100.1|198.51.100.2|9999|1|nscap pcapng 3" \
	"1|web:any||1700000000.000000004|198.51.100.1|198.51.100.2|9999|1|nscap pcapng 4" \
	"0|web:eth0|pid 42 (httpd), net:[4026532000]|1700000000.000000005|198.51.100.1|198.51.100.2|9999|1|nscap pcapng 5" \
	"2|web:wg0||1700000000.000000006|198.51.100.1|198.51.100.2|9999|1|nscap pcapng 6" \
	"2|web:wg0||1700000000.000000007|198.51.100.1|198.51.100.2|9999|1|nscap pcapng 7")
got=$(tshark -r "$multi" -o ip.check_checksum:TRUE -o data.show_as_text:TRUE \
	-T fields -E separator='|' -e frame.interface_id \
	-e frame.interface_name -e frame.interface_description \
	-e frame.time_epoch -e ip.src -e ip.dst -e udp.dstport \
	-e ip.checksum.status -e data.text 2>"$LAB_DIR/tshark.err")
[ "$got" = "$want" ] || fail "tshark reads:
$got
expected:
$want"
[ -z "$(clean_stderr "$LAB_DIR/tshark.err")" ] ||
	fail "tshark complains: $(cat "$LAB_DIR/tshark.err")"

# every block and every packet dissected in full, without a complaint
tshark -r "$multi" -V >"$LAB_DIR/verbose" 2>"$LAB_DIR/tshark.err" ||
	fail "tshark -V failed: $(cat "$LAB_DIR/tshark.err")"
if grep -Eqi 'damaged|corrupt|malformed' "$LAB_DIR/verbose" "$LAB_DIR/tshark.err"; then
	fail "tshark: $(grep -Ehi 'damaged|corrupt|malformed' "$LAB_DIR/verbose" "$LAB_DIR/tshark.err")"
fi
[ -z "$(clean_stderr "$LAB_DIR/tshark.err")" ] ||
	fail "tshark -V complains: $(cat "$LAB_DIR/tshark.err")"
[ "$(grep -c '^Frame [0-9]*:' "$LAB_DIR/verbose")" -eq 7 ] ||
	fail "tshark -V shows $(grep -c '^Frame [0-9]*:' "$LAB_DIR/verbose") frames"

# --- capinfos: the file, its interfaces, their statistics ---
capinfos "$multi" >"$LAB_DIR/capinfos" 2>&1 || fail "capinfos: $(cat "$LAB_DIR/capinfos")"
info() {
	grep -Fq -- "$1" "$LAB_DIR/capinfos" || fail "capinfos does not show '$1':
$(cat "$LAB_DIR/capinfos")"
}
info "File type:           Wireshark/... - pcapng"
info "Number of packets:   7"
info "File timestamp precision:  nanoseconds (9)"
info "Capture hardware:    x86_64"
info "Capture oper-sys:    Linux"
info "Capture application: nscap test generator"
info "Number of interfaces in file: 3"
info "Name = web:eth0"
info "Description = pid 42 (httpd), net:[4026532000]"
info "Filter string = udp port 9999"
info "Encapsulation = Ethernet (1 - ether)"
info "Name = web:any"
info "Encapsulation = Linux cooked-mode capture v1 (25 - linux-sll)"
info "Name = web:wg0"
# (tshark and libpcap on Linux take 12, DLT_RAW's value, for raw IP as
# well as LINKTYPE_RAW 101; the unit test checks that 101 is written)
info "Encapsulation = Raw IP (7 - rawip)"
[ "$(grep -c 'Time precision = nanoseconds (9)' "$LAB_DIR/capinfos")" -eq 3 ] ||
	fail "not every interface is in nanoseconds"
[ "$(grep -c 'Number of stat entries = 1' "$LAB_DIR/capinfos")" -eq 3 ] ||
	fail "not one statistics block per interface"
packets=$(grep 'Number of packets = ' "$LAB_DIR/capinfos" | awk '{print $NF}' | tr '\n' ' ')
[ "$packets" = "3 2 2 " ] || fail "packets per interface: $packets"

capinfos "$one" >"$LAB_DIR/capinfos" 2>&1 || fail "capinfos: $(cat "$LAB_DIR/capinfos")"
info "File type:           Wireshark/... - pcapng"
info "File encapsulation:  Ethernet"
info "Number of packets:   4"
info "Time precision = microseconds (6)"

# --- tcpdump (libpcap) ---
want=$(printf '%s\n' \
	"1700000000.123456 IP 198.51.100.1.40000 > 198.51.100.2.9999: UDP, length 14" \
	"1700000000.123457 IP 198.51.100.1.40000 > 198.51.100.2.9999: UDP, length 14" \
	"1700000000.123458 IP 198.51.100.1.40000 > 198.51.100.2.9999: UDP, length 14" \
	"1700000000.123459 IP 198.51.100.1.40000 > 198.51.100.2.9999: UDP, length 14")
got=$(tcpdump -tt -nr "$one" 2>"$LAB_DIR/tcpdump.err") ||
	fail "tcpdump -r failed: $(cat "$LAB_DIR/tcpdump.err")"
[ "$got" = "$want" ] || fail "tcpdump reads:
$got"
grep -q "link-type EN10MB (Ethernet), snapshot length 262144" "$LAB_DIR/tcpdump.err" ||
	fail "tcpdump: $(cat "$LAB_DIR/tcpdump.err")"
# nanoseconds, as libpcap converts them
got=$(tcpdump --time-stamp-precision=nano -tt -nr "$one" 2>/dev/null | head -n 1)
[ "${got%% *}" = "1700000000.123456000" ] || fail "tcpdump in ns: $got"

# three link types: libpcap 1.10 gives up at the second interface; a
# libpcap that reads it must then show all seven datagrams
if got=$(tcpdump -nr "$multi" 2>"$LAB_DIR/tcpdump.err"); then
	[ "$(grep -c '198.51.100.1.40000 > 198.51.100.2.9999: UDP' <<<"$got")" -eq 7 ] ||
		fail "tcpdump reads the three-interface file as: $got"
else
	grep -q "an interface has a type 113 different from the type of the first interface" \
		"$LAB_DIR/tcpdump.err" ||
		fail "tcpdump fails otherwise than expected: $(cat "$LAB_DIR/tcpdump.err")"
fi
pass
