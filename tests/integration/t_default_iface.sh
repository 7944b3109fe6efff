# Without -i, nscap picks the first interface that is up and not loopback,
# as tcpdump does; -i N picks the Nth that -D lists.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" web0 198.51.100.1 "$b" eth0 198.51.100.2
ip -n "$a" link add down0 type veth peer name down1 # down: never the default
pid=$(lab_target "$a")

"$NSCAP" -t "$pid" -D >"$LAB_DIR/list" 2>"$LAB_DIR/err" || fail "-D: $(cat "$LAB_DIR/err")"
head -n 1 "$LAB_DIR/list" | grep -q '^1\.web0 \[Up, Running' || fail "-D: $(cat "$LAB_DIR/list")"
grep -q '^[0-9]*\.lo \[Up, Running, Loopback\] EN10MB 127\.0\.0\.1/8$' "$LAB_DIR/list" ||
	fail "-D has no lo with its link type and address"
grep -q '^1\.web0 \[Up, Running, Connected\] EN10MB 198\.51\.100\.1/24$' "$LAB_DIR/list" ||
	fail "-D: web0 line: $(head -n 1 "$LAB_DIR/list")"
grep -q '^[0-9]*\.down0' "$LAB_DIR/list" || fail "-D has no down0"
! grep -Eq 'nflog|nfqueue|dbus|bluetooth|ifb' "$LAB_DIR/list" || fail "-D lists devices of no namespace"
! grep -q '^[0-9]*\.eth0' "$LAB_DIR/list" || fail "-D lists the host's eth0"

"$NSCAP" -t "$pid" -c 1 -w "$LAB_DIR/d.pcap" udp 2>"$LAB_DIR/err" &
n=$!
wait_for 10 listening "$LAB_DIR/err" || fail "nscap did not start"
grep -q "listening on web0 in pid $pid" "$LAB_DIR/err" || fail "default: $(cat "$LAB_DIR/err")"
send "$b" 198.51.100.1 9999 1
wait_exit 20 "$n" "$LAB_DIR/err" "default capture"

lo_n=$(sed -n 's/^\([0-9]*\)\.lo .*/\1/p' "$LAB_DIR/list")
: >"$LAB_DIR/err" # emptied here: see listening in lib.sh
"$NSCAP" -t "$pid" -i "$lo_n" -c 1 -w "$LAB_DIR/lo.pcap" 2>"$LAB_DIR/err" &
n=$!
wait_for 10 listening "$LAB_DIR/err" || fail "nscap -i $lo_n did not start"
grep -q "listening on lo in pid $pid" "$LAB_DIR/err" || fail "-i $lo_n: $(cat "$LAB_DIR/err")"
kill -INT "$n"
wait "$n" || fail "-i N capture failed"
# -q wins over -v: nothing on stderr for a capture that lost nothing (-v's
# lines came through)
"$NSCAP" -t "$pid" -q -v -a duration:0.3 -w "$LAB_DIR/q.pcapng" 2>"$LAB_DIR/q.err"
expect_status 0 $? "-q -v"
[ ! -s "$LAB_DIR/q.err" ] || fail "-q -v: $(cat "$LAB_DIR/q.err")"
pass
