# SIGINT and SIGTERM stop the capture cleanly: exit 0, tcpdump's statistics,
# and a file that tcpdump -r and tshark -r read to its last packet. The
# packets still in a block-mode ring's open block are written (the signal
# comes 0.2 s after them, well within the 1 s block timeout), also when the
# same SIGINT comes twice at once, as timeout(1) sends it.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

for sig in INT TERM INTINT; do
	f="$LAB_DIR/$sig.pcap"
	lab_bg "$NSCAP" -t "$pid" -w "$f" udp 2>"$LAB_DIR/$sig.err"
	wait_for 10 listening "$LAB_DIR/$sig.err" || fail "nscap did not start"
	send "$b" 198.51.100.1 9999 37 500
	sleep 0.2
	if [ "$sig" = INTINT ]; then
		kill -INT "$BG_PID"
		kill -INT "$BG_PID"
	else
		kill -"$sig" "$BG_PID"
	fi
	wait "$BG_PID"
	expect_status 0 $? "SIG$sig"
	n=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$LAB_DIR/$sig.err")
	[ "$n" = 37 ] || fail "SIG$sig: stats say '$n' captured: $(cat "$LAB_DIR/$sig.err")"
	[ "$(pcap_count "$f")" -eq 37 ] || fail "SIG$sig: tshark reads $(pcap_count "$f")"
	[ "$(tcpdump -nr "$f" 2>/dev/null | wc -l)" -eq 37 ] || fail "SIG$sig: tcpdump -r"
	tshark -r "$f" >/dev/null 2>"$LAB_DIR/tshark.all" || fail "tshark: $(cat "$LAB_DIR/tshark.all")"
	grep -v "Running as user" "$LAB_DIR/tshark.all" >"$LAB_DIR/tshark.err"
	[ ! -s "$LAB_DIR/tshark.err" ] || fail "tshark complains: $(cat "$LAB_DIR/tshark.err")"
done
pass
