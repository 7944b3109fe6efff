# A burst after light traffic, in stream mode: on the immediate ring (LIGHT)
# the fanout program watches for a burst and sends it to the twin by itself
# (capture/fanout.h), within microseconds, where nscap, woken by the burst's
# first packet, switched too late for the immediate ring's 31 slots (lab:
# 5 of 6 bursts at full rate lost 26 to 157 packets before). To leave the
# switch to the program alone, nscap is stopped (SIGSTOP) while a burst of
# 2,000 packets comes: the immediate ring holds the first few, the twin the
# rest, and nothing is lost (but for a burst that starts slowly: below);
# without the program, 31 slots would keep 31.
# Twice in a capture (the watch is set again at each switch down to the
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

# A burst while nscap settles: after a switch down nscap reads the twin's
# last block before the immediate ring (SETTLE), and the immediate ring,
# unread meanwhile, kept its few slots of a burst that began then and
# dropped the rest (a stream start with 28 interfaces lost 35 to 1,825 so
# in 4 of 16 runs). The program watches from the switch on, and the twin
# then holds packets from before the switch and from after the burst's
# first: the immediate ring's go between (merge). A reader of nscap's
# messages stops it (SIGSTOP) as soon as it says eth0 went down, and a
# burst comes while it is stopped: the build before dropped all but 31 of
# each. Each round: a flood (up), the switch down 100 ms after it, the
# burst; each to its own port, all in order. A light flow on
# eth0 throughout, and one on lo whose packets wake nscap at other moments
# than eth0's blocks, leave packets from before the switch in eth0's twin
# at some switches: that flow must stay in order across the merge.
settling() { # USER_ARGS...: three rounds
	local r port ports=() counts dropped err flow loflow in_settle
	cat >"$LAB_DIR/settle.sh" <<'EOS'
watch() {
	local line pid want done=0
	while IFS= read -r line; do
		case $line in
		*"eth0: quiet: reading each packet"*)
			# builtins only: no fork between the line and the signal;
			# once for each round the test arms
			read -r pid <"$1.pid"
			if read -r want <"$1.arm" && [ "$want" != "$done" ]; then
				kill -STOP "$pid"
				done=$want
				echo "$want" >"$1.stopped"
			fi
			;;
		esac
		printf '%s\n' "$line" >>"$1.err"
	done
	: >"$1.errdone"
}
"$1" -vv -F pcap -t "$2" $4 -i eth0 -i lo -w - udp 2> >(watch "$3") \
	> >(cat >"$3.pcap"; : >"$3.pcapdone") &
echo $! >"$3.pid"
wait $!
EOS
	rm -f "$LAB_DIR"/st.*
	echo 0 >"$LAB_DIR/st.arm"
	lab_bg bash "$LAB_DIR/settle.sh" "$NSCAP" "$pid" "$LAB_DIR/st" "$*"
	wait_for 10 listening "$LAB_DIR/st.err" ||
		fail "settling $*: nscap did not start: $(cat "$LAB_DIR/st.err" 2>&1)"
	stopped() { [ "$(cat "$LAB_DIR/st.stopped" 2>/dev/null)" = "$1" ]; }
	# light: while nscap is stopped, each twin block is handed over at its
	# timeout (2 ms here) with a packet or two, and its 32 blocks must
	# last the stop (some tens of ms)
	ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9299 -n 750 -r 250 \
		-t 20 >/dev/null &
	flow=$!
	ip netns exec "$a" "$UDPGEN" -d 127.0.0.1 -p 9298 -n 600 -r 200 \
		-t 20 >/dev/null &
	loflow=$!
	LAB_PIDS+=("$flow" "$loflow")
	sleep 0.3
	for r in 1 2 3; do
		port=$((9200 + 10 * r))
		send "$b" 198.51.100.1 $((port + 1)) 3000 0
		# the next switch down: 100 ms after the flood, with the flow
		echo "$r" >"$LAB_DIR/st.arm"
		wait_for 5 stopped "$r" ||
			fail "settling $*: round $r: no switch down: $(cat "$LAB_DIR/st.err")"
		send "$b" 198.51.100.1 $((port + 2)) 2000 0
		kill -CONT "$(cat "$LAB_DIR/st.pid")"
		sleep 0.3
		ports+=($((port + 1)) $((port + 2)))
	done
	wait "$flow" || fail "settling $*: udpgen failed"
	wait "$loflow" || fail "settling $*: udpgen failed"
	sleep 0.2
	stop_bg "nscap -vv -F pcap -t $pid $* -i eth0" "settling $*"
	# the readers of its output end after nscap
	wait_for 5 test -e "$LAB_DIR/st.errdone" -a -e "$LAB_DIR/st.pcapdone" ||
		fail "settling $*: the output was not read to its end"
	err=$(cat "$LAB_DIR/st.err")
	dropped=$(dropped_in "$err")
	[ -n "$dropped" ] || fail "settling $*: no count of drops: $err"
	[ "$dropped" -eq 0 ] ||
		fail "settling $*: $dropped dropped by bursts that came while nscap settled: $err"
	counts=$("$HERE/seqcheck.py" "$LAB_DIR/st.pcap" "${ports[@]}" 2>&1) ||
		fail "settling $*: stream out of order or duplicated: $counts"
	awk '$2 != ($1 % 10 == 1 ? 3000 : 2000) { bad = 1 }
		END { exit bad || NR != 6 }' <<<"$counts" ||
		fail "settling $*: not every packet in the stream: $counts"
	for port in 9299 9298; do
		counts=$("$HERE/seqcheck.py" "$LAB_DIR/st.pcap" $port 2>&1) ||
			fail "settling $*: the light flow to $port out of order or duplicated: $counts"
		[ "$(cut -d' ' -f2 <<<"$counts")" -eq $((port == 9299 ? 750 : 600)) ] ||
			fail "settling $*: the light flow to $port not whole: $counts"
	done
	# rounds whose stop came before nscap had settled: went up from there
	in_settle=$(awk '/eth0: quiet/ { q = 1; next }
		/eth0: settled/ { q = 0 }
		/eth0: busy: reading blocks \(the kernel switched\)/ && q { n++ }
		/eth0: busy/ { q = 0 }
		END { print n + 0 }' <<<"$err")
	SETTLE_ROUNDS=$((SETTLE_ROUNDS + in_settle))
}

rounds --no-drop
rounds -Z nobody
SETTLE_ROUNDS=0
settling --no-drop
settling "-Z nobody"
# the reader stops nscap within microseconds of its message, and nscap
# settles in 0.2 ms at the least: if no stop ever came in time, the rounds
# above did not test what they are for
[ "$SETTLE_ROUNDS" -gt 0 ] ||
	skip "no round's stop came before nscap had settled: a burst while settling untested"
echo "bursts while settling: $SETTLE_ROUNDS of 6 rounds"
pass
