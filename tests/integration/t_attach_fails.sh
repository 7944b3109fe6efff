# -i all and an interface that appears but cannot be attached (a tun device,
# whose link type the filter cannot match): nscap says so once, not at every
# doorbell (opening and closing the handle turns promiscuous mode on and off,
# which rings the doorbell again: that loop once printed 50 lines a second
# and kept SIGINT out). It tries again once the interface has been down, and
# interfaces appearing later are still attached. One that is up already at
# the start is skipped the same way (it ended the capture with exit 1), and
# the message names it.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
pid=$(lab_target "$a")
ip -n "$a" tuntap add tun7 mode tun 2>/dev/null || skip "no tun devices here (ip tuntap add failed)"

lab_bg "$NSCAP" -t "$pid" -i all -w "$LAB_DIR/x.pcapng" 'ether src 02:00:00:00:00:01 or udp' 2>"$LAB_DIR/err"
wait_for 10 listening "$LAB_DIR/err" || fail "nscap did not start: $(cat "$LAB_DIR/err")"
refused() { [ "$(grep -c "bad filter expression" "$LAB_DIR/err")" -ge "$1" ]; }
ip -n "$a" link set tun7 up
wait_for 5 refused 1 || fail "no word of tun7: $(cat "$LAB_DIR/err")"
grep -q "^nscap: not capturing on tun7: bad filter expression" "$LAB_DIR/err" ||
	fail "the message does not name tun7: $(cat "$LAB_DIR/err")"
sleep 2
[ "$(grep -c "bad filter expression" "$LAB_DIR/err")" -eq 1 ] ||
	fail "tun7 tried $(grep -c "bad filter expression" "$LAB_DIR/err") times in 2 s"
# down and up again: one more try
ip -n "$a" link set tun7 down
sleep 0.3
ip -n "$a" link set tun7 up
wait_for 5 refused 2 || fail "tun7 not tried again after down and up: $(cat "$LAB_DIR/err")"
sleep 1
[ "$(grep -c "bad filter expression" "$LAB_DIR/err")" -eq 2 ] ||
	fail "tun7 tried $(grep -c "bad filter expression" "$LAB_DIR/err") times after down and up"
# a veth appearing now is attached and captured
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
attached() { grep -q "eth0 appeared" "$LAB_DIR/err"; }
wait_for 10 attached || fail "eth0 not attached: $(cat "$LAB_DIR/err")"
sleep 0.3
send "$b" 198.51.100.1 9999 5 500
# a pair and a tun that come up together, opened as one batch: the tun is
# noted as it fails, and the pair's success does not take a note off (it
# took the last one, the tun's: tried again at once, said twice)
ip -n "$a" link add va type veth peer name vb || fail "cannot add va and vb"
ip -n "$a" tuntap add tun8 mode tun || fail "cannot add tun8"
printf 'link set va up\nlink set vb up\nlink set tun8 up\n' |
	ip -n "$a" -batch - || fail "cannot set va, vb and tun8 up"
tun8() { grep -q "not capturing on tun8" "$LAB_DIR/err"; }
wait_for 5 tun8 || fail "no word of tun8: $(cat "$LAB_DIR/err")"
sleep 2
[ "$(grep -c "not capturing on tun8" "$LAB_DIR/err")" -eq 1 ] ||
	fail "tun8 tried $(grep -c "not capturing on tun8" "$LAB_DIR/err") times in 2 s: $(cat "$LAB_DIR/err")"
[ "$(grep -c "v[ab] appeared" "$LAB_DIR/err")" -eq 2 ] ||
	fail "va and vb not both attached: $(cat "$LAB_DIR/err")"
sleep 0.5
kill -INT "$BG_PID"
wait_for 5 test ! -d "/proc/$BG_PID" || fail "SIGINT did not stop nscap"
wait "$BG_PID"
expect_status 0 $? "SIGINT"
[ "$(tshark -r "$LAB_DIR/x.pcapng" -Y udp.port==9999 2>/dev/null | wc -l)" -eq 5 ] ||
	fail "eth0's packets: $(tshark -r "$LAB_DIR/x.pcapng" -Y udp.port==9999 2>/dev/null | wc -l)"

# tun7 up at the start: skipped, once, and lo captured
lab_bg "$NSCAP" -t "$pid" -i all -w "$LAB_DIR/y.pcapng" 'ether src 02:00:00:00:00:01 or udp' 2>"$LAB_DIR/err2"
wait_for 10 listening "$LAB_DIR/err2" || fail "tun7 up at the start: nscap did not start: $(cat "$LAB_DIR/err2")"
grep -q "^nscap: not capturing on tun7: bad filter expression" "$LAB_DIR/err2" ||
	fail "tun7 up at the start: $(cat "$LAB_DIR/err2")"
sleep 1
kill -INT "$BG_PID"
wait "$BG_PID"
expect_status 0 $? "tun7 up at the start"
[ "$(grep -c "tun7" "$LAB_DIR/err2")" -eq 1 ] || fail "tun7 up at the start, tried again: $(cat "$LAB_DIR/err2")"
# a filter no interface takes is still the error it was
"$NSCAP" -t "$pid" -i all -w "$LAB_DIR/z.pcapng" 'udp prot 53' 2>"$LAB_DIR/err3"
expect_status 1 $? "a bad filter with -i all"
grep -q "^nscap: bad filter expression 'udp prot 53'" "$LAB_DIR/err3" || fail "bad filter: $(cat "$LAB_DIR/err3")"
# said once, not once per interface as if each had a problem of its own
[ "$(grep -c "udp prot 53" "$LAB_DIR/err3")" -eq 1 ] || fail "bad filter, said per interface: $(cat "$LAB_DIR/err3")"
[ ! -e "$LAB_DIR/z.pcapng" ] || fail "bad filter: the file was made"
# named interfaces: the one whose link type the filter cannot take is
# named (lo took it first)
"$NSCAP" -t "$pid" -i lo -i tun7 -w "$LAB_DIR/n.pcapng" 'ether host 02:00:00:00:00:01' 2>"$LAB_DIR/err4"
expect_status 1 $? "an ether filter on lo and tun7"
grep -q "^nscap: tun7: bad filter expression 'ether host 02:00:00:00:00:01'" "$LAB_DIR/err4" ||
	fail "ether filter on tun7: $(cat "$LAB_DIR/err4")"

# out of descriptors (a low ulimit -n) is no interface gone: -i all skipped
# every interface it could not open ('skipping lo: ... Too many open
# files'), said it waited for one to come up, and ended with status 0 and
# nothing captured. Now: status 1 and the reason, or, with enough
# descriptors, every interface up captured
c=$(lab_ns fds)
lab_link "$c" v0 203.0.113.1 "$b" v1 203.0.113.2
cpid=$(lab_target "$c")
opened=0 # runs that ran out while opening a handle, the case in question
for n in 6 7 8 9 10 11 12; do
	(
		ulimit -n "$n"
		timeout --preserve-status -s INT 2 "$NSCAP" -t "$cpid" -i all \
			-w "$LAB_DIR/fd.pcapng" 2>"$LAB_DIR/fd.err"
	)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		[ "$(grep -c "listening on" "$LAB_DIR/fd.err")" -eq 2 ] ||
			fail "ulimit -n $n: status 0 without both interfaces: $(cat "$LAB_DIR/fd.err")"
	else
		[ "$rc" -eq 1 ] && grep -q "Too many open files" "$LAB_DIR/fd.err" ||
			fail "ulimit -n $n: status $rc: $(cat "$LAB_DIR/fd.err")"
		! grep -Eq "cannot (capture on|open) (v0|lo)" "$LAB_DIR/fd.err" ||
			opened=$((opened + 1))
	fi
done
[ "$opened" -gt 0 ] || fail "no limit ran out while opening a handle"
pass
