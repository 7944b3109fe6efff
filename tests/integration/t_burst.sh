# A burst after light traffic, in stream mode: on the immediate ring (LIGHT)
# the fanout program watches for a burst and sends it to the twin by itself
# (capture/fanout.h), within microseconds, where nscap, woken by the burst's
# first packet, switched too late for the immediate ring's 31 slots (lab:
# 5 of 6 bursts at full rate lost 26 to 157 packets before). To leave the
# switch to the program alone, nscap is stopped (SIGSTOP) while a burst of
# 2,000 packets comes: the immediate ring holds the first few, the twin the
# rest, and nothing is lost (but for a burst that starts slowly: below);
# without the program, 31 slots would keep 31.
# Twice in a capture (the watch is set again each time nscap settles on the
# immediate ring), as root and as nobody (-Z).
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

# The program's watch needs a sender that makes 16 packets in 100 us
# (160,000 a second). A slow machine's does not (qemu without KVM: 32,000
# to 68,000 a second): each burst then starts too slowly, a documented
# limit, and fills the immediate ring before the switch. The best of three
# tries must reach twice the bound (here: about 1,000,000 a second).
best=0
for i in 1 2 3; do
	rate=$(ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9099 -n 2000 -r 0 -t 10 |
		sed -n 's/.*(\([0-9]*\) pps)$/\1/p')
	[ -n "$rate" ] || fail "udpgen printed no rate"
	[ "$rate" -gt "$best" ] && best=$rate
done
[ "$best" -ge 320000 ] ||
	skip "the sender makes $best packets a second here, too slow for a burst the fanout program sees (16 in 100 us; 320,000 a second needed)"

settled_n() { [ "$(grep -c settled "$LAB_DIR/err")" -ge "$1" ]; }

rounds() { # USER_ARGS...: two rounds of light packets and a burst
	local me="nscap -vv $* -F pcap -t $pid" nscap_pid r
	# the last run's messages must not count as this one's
	rm -f "$LAB_DIR/err"
	lab_bg bash -c '"$0" -vv $4 -F pcap -t "$1" -w - udp 2>"$2" | cat >"$3"' \
		"$NSCAP" "$pid" "$LAB_DIR/err" "$LAB_DIR/out.pcap" "$*"
	wait_for 10 listening "$LAB_DIR/err" || fail "$*: nscap did not start: $(cat "$LAB_DIR/err")"
	nscap_pid=$(pgrep -f "$me") || fail "$*: no nscap"
	for r in 1 2; do
		# light, until nscap reads each packet again (after a burst it
		# waits for a quiet window of 100 ms)
		send "$b" 198.51.100.1 $((9100 + 2 * r)) 5 20
		wait_for 5 settled_n "$r" ||
			fail "$*: round $r: not back on the immediate ring: $(cat "$LAB_DIR/err")"
		kill -STOP "$nscap_pid"
		send "$b" 198.51.100.1 $((9101 + 2 * r)) 2000 0
		kill -CONT "$nscap_pid"
		sleep 0.2
	done
	stop_bg "$me" "$*"

	err=$(cat "$LAB_DIR/err")
	if grep -q "no block-mode twin" <<<"$err"; then
		skip "$*: this kernel gives no fanout group with an eBPF program: $err"
	fi
	dropped=$(dropped_in "$err")
	[ -n "$dropped" ] || fail "$*: no count of drops: $err"
	# A burst whose first packets come slower than the program's bound
	# (16 in 100 us) fills the immediate ring's 31 slots before the switch:
	# a documented limit, met by a few packets now and then when the
	# sender starts slowly (2 to 6 in about one run in ten here). Without
	# the program the ring keeps 31 of each burst and drops the rest.
	[ "$dropped" -le 31 ] || fail "$*: $dropped dropped, more than the immediate ring's slots: $err"
	[ "$(grep -c "busy: reading blocks (the kernel switched)" <<<"$err")" -eq 2 ] ||
		fail "$*: the fanout program did not switch at each burst: $err"
	counts=$("$HERE/seqcheck.py" "$LAB_DIR/out.pcap" 9102 9103 9104 9105 2>&1) ||
		fail "$*: stream out of order or duplicated: $counts"
	# the light rounds whole; each burst whole from its first packet to its
	# last, less what the kernel counted as dropped
	awk -v d="$dropped" '
		$1 == 9102 || $1 == 9104 { ok += ($2 == 5 && $3 == 0 && $4 == 4) }
		$1 == 9103 || $1 == 9105 { ok += ($3 == 0 && $4 == 1999); n += $2 }
		END { exit !(NR == 4 && ok == 4 && n + d == 4000) }' <<<"$counts" ||
		fail "$*: $counts ($dropped dropped)"
}

rounds --no-drop
rounds -Z nobody
pass
