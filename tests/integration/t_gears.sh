# Stream mode's two rings (docs/BENCHMARKS.md, "gears"): a flow already
# running at start (BULK first), light packets (LIGHT), two bursts at full
# rate (up to BULK and down again), light packets in between. Every phase
# goes to its own port, and udpgen numbers its packets: the stream must hold
# each phase in order, no packet twice and none out of order across a
# switch, and nothing lost that nscap does not count as dropped. Twice: as
# root, where the immediate ring is opened in the background at the first
# switch to it, and as nobody (-Z), where it is opened before privileges
# are dropped and switching works without them; and twice more, as nobody
# and as root, with a filter that rejects the flow running at start: nothing
# comes through, and the handle is on its immediate ring before the first
# light packet, where as nobody the first switch down must hold a moment
# first (experiment 18). (What wakes nscap there is the flow's packets that
# reach the twin before libpcap's filter is on, which it then filters out;
# with no traffic at all, its own first wake-up: t_first_packet.sh.) Last,
# stops that come right after a switch down (stop_settling).
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

gears() { # FILTER USER_ARGS...: one run of the phases below
	local filter=$1
	shift
	# phase 9000: running when nscap starts, 2 s at 20,000 a second
	ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9000 -n 40000 -r 20000 \
		-t 10 >/dev/null &
	sender=$!
	LAB_PIDS+=("$sender")
	sleep 0.5
	lab_bg bash -c '"$0" -vv $4 -F pcap -t "$1" -w - $5 2>"$2" | cat >"$3"' \
		"$NSCAP" "$pid" "$LAB_DIR/err" "$LAB_DIR/out.pcap" "$*" "$filter"
	wait_for 10 listening "$LAB_DIR/err" || fail "$*: nscap did not start: $(cat "$LAB_DIR/err")"
	wait "$sender"
	sleep 0.3
	if [ "$filter" != udp ]; then
		grep -q settled "$LAB_DIR/err" ||
			fail "$*: $filter: not on the immediate ring before the first packet: $(cat "$LAB_DIR/err")"
	fi
	send "$b" 198.51.100.1 9001 3 100
	send "$b" 198.51.100.1 9002 100000 0
	sleep 0.3
	send "$b" 198.51.100.1 9003 3 100
	send "$b" 198.51.100.1 9004 100000 0
	send "$b" 198.51.100.1 9005 20 1000
	sleep 0.3
	stop_bg "nscap -vv $* -F pcap -t $pid" "$*"

	err=$(cat "$LAB_DIR/err")
	if grep -q "no block-mode twin" <<<"$err"; then
		skip "$*: this kernel gives no fanout group with an eBPF program: $err"
	fi
	grep -q "busy: reading blocks" <<<"$err" || fail "$*: never went up to the block ring: $err"
	grep -q "quiet: reading each packet" <<<"$err" || fail "$*: never came down to the immediate ring: $err"
	# (a burst that begins while nscap settles, as the open of its
	# immediate ring ends, takes it up from there: t_burst.sh)
	grep -qE "settled|kernel switched" <<<"$err" || fail "$*: never settled: $err"
	# the first switch down holds a moment where the immediate ring was
	# opened before the privilege drop (-Z), not as root; here (-Z with
	# the flow at start filtered out) the first wake-up is quiet
	if [[ $* == *--no-drop* ]]; then
		! grep -q "holding" <<<"$err" || fail "$*: held as root: $err"
	elif [ "$filter" != udp ]; then
		first=$(grep -m 1 -E "holding|quiet: reading" <<<"$err")
		[[ $first == *holding* ]] || fail "$*: went down without holding first: $err"
	fi
	captured=$(captured_in "$err")
	dropped=$(dropped_in "$err")
	[ -n "$captured" ] && [ -n "$dropped" ] || fail "$*: no statistics: $err"

	counts=$("$HERE/seqcheck.py" "$LAB_DIR/out.pcap" 9000 9001 9002 9003 9004 9005) ||
		fail "$*: stream out of order or duplicated: $counts"
	total=$(awk '{n += $2} END {print n}' <<<"$counts")
	[ "$total" -eq "$captured" ] || fail "$*: stream holds $total packets, nscap says $captured: $counts"
	[ "$(pcap_count "$LAB_DIR/out.pcap")" -eq "$captured" ] || fail "$*: tshark reads $(pcap_count "$LAB_DIR/out.pcap") packets, nscap says $captured"
	# the phases that began after nscap: all there, or counted as dropped
	later=$(awk '$1 != 9000 {n += $2} END {print n}' <<<"$counts")
	[ $((later + dropped)) -ge 200026 ] || fail "$*: lost without a count: $counts, $dropped dropped"
	# light packets are never lost
	for p in 9001 9003 9005; do
		want=3
		[ "$p" = 9005 ] && want=20
		awk -v p="$p" -v w="$want" '$1 == p && $2 == w {ok = 1} END {exit !ok}' <<<"$counts" ||
			fail "$*: port $p: $counts"
	done
	if [ "$filter" = udp ]; then
		# the flow that was running: from its first packet seen on, none
		# is missing that nscap did not count, but for those that came
		# while libpcap swapped the twin's filter (it installs one that
		# rejects everything first, and the kernel does not count what a
		# filter rejects; tcpdump has the same window): in a lab loop a
		# gap of 2 within the first 13 packets seen, 5 once in CI on a
		# slow machine; 10 is half a millisecond of this flow
		awk -v d="$dropped" '$1 == 9000 {exit !($4 == 39999 && $4 - $3 + 1 - $2 <= d + 10)}' <<<"$counts" ||
			fail "$*: flow running at start: $counts, $dropped dropped"
	else
		# the flow at start was filtered out, so everything else is
		# there or counted: the immediate ring's copies from before its
		# filter must not cost a packet
		[ $((later + dropped)) -eq 200026 ] ||
			fail "$*: $filter: $counts, $dropped dropped, of 200026"
		awk '$1 == 9000 {exit $2 != 0}' <<<"$counts" || fail "$*: $filter let port 9000 through: $counts"
	fi
}

# SIGINT right after a switch down, while the twin's last block is still to
# come (SETTLE): the stop's drain polled both rings at once, so the
# immediate ring's newer packets came first, or made up the count of what
# to take and ended the drain without the twin's. A steady flow lost a
# packet, or had one written after newer ones, in about one such stop in
# ten: this test failed 4 of 6 times with the build before, and passed 7
# of 7 with the fix. Six stops, each the moment nscap says it went quiet
# after a burst (the reader uses builtins only: a fork for the signal
# missed the window); the flow must be whole and in order
stop_settling() {
	local r flow burst counts captured dropped
	# NSCAP PID OUT: nscap streaming into OUT.pcap, its stderr into
	# OUT.err through a reader that sends it SIGINT at the second "quiet"
	# (the first is the start's) as soon as it is said
	cat >"$LAB_DIR/ss.sh" <<'EOS'
watch() {
	local n=0 line pid
	while IFS= read -r line; do
		case $line in
		*"quiet: reading each packet"*)
			n=$((n + 1))
			# builtins only: no fork between the line and the signal
			[ "$n" -eq 1 ] && read -r pid <"$1.pid"
			[ "$n" -eq 2 ] && kill -INT "$pid"
			;;
		esac
		printf '%s\n' "$line" >>"$1.err"
	done
}
"$1" -vv -F pcap -t "$2" -i eth0 -w - 2> >(watch "$3") > >(cat >"$3.pcap") &
echo $! >"$3.pid"
wait $!
EOS
	for r in 1 2 3 4 5 6; do
		rm -f "$LAB_DIR/ss.err" "$LAB_DIR/ss.pid" "$LAB_DIR/ss.pcap"
		ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9010 -n 25000 \
			-r 2500 -t 20 >/dev/null &
		flow=$!
		LAB_PIDS+=("$flow")
		lab_bg bash "$LAB_DIR/ss.sh" "$NSCAP" "$pid" "$LAB_DIR/ss"
		wait_for 10 listening "$LAB_DIR/ss.err" ||
			fail "stop settling $r: nscap did not start: $(cat "$LAB_DIR/ss.err" 2>&1)"
		sleep 0.3
		# bursts a quarter of a second apart: the stop comes between
		# two, and the next may come while it drains
		(
			for i in 1 2 3 4 5 6 7 8; do
				ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 \
					-p 9011 -n 2000 -r 0 -t 5 >/dev/null
				sleep 0.25
			done
		) &
		burst=$!
		LAB_PIDS+=("$burst")
		wait_for 10 test ! -e "/proc/$(cat "$LAB_DIR/ss.pid")" ||
			fail "stop settling $r: nscap did not stop: $(cat "$LAB_DIR/ss.err")"
		wait "$BG_PID"
		kill "$flow" "$burst" 2>/dev/null
		pkill -f "$UDPGEN -d 198.51.100.1 -p 9011"
		wait "$flow" "$burst" 2>/dev/null
		sleep 0.1 # the reader's last lines
		grep -q "busy: reading blocks" "$LAB_DIR/ss.err" ||
			fail "stop settling $r: the burst did not go up: $(cat "$LAB_DIR/ss.err")"
		counts=$("$HERE/seqcheck.py" "$LAB_DIR/ss.pcap" 9010) ||
			fail "stop settling $r: out of order or twice: $counts"
		captured=$(captured_in "$(cat "$LAB_DIR/ss.err")")
		dropped=$(dropped_in "$(cat "$LAB_DIR/ss.err")")
		[ -n "$captured" ] || fail "stop settling $r: no statistics: $(cat "$LAB_DIR/ss.err")"
		# from its first packet seen to its last, none missing
		awk -v d="${dropped:-0}" '{exit !($4 - $3 + 1 - $2 <= d)}' <<<"$counts" ||
			fail "stop settling $r: the flow lost packets: $counts, $dropped dropped: $(cat "$LAB_DIR/ss.err")"
		[ "$(pcap_count "$LAB_DIR/ss.pcap")" -eq "$captured" ] ||
			fail "stop settling $r: $(pcap_count "$LAB_DIR/ss.pcap") in the stream, nscap says $captured"
	done
}

gears udp --no-drop
gears udp -Z nobody
# a filter, with traffic it rejects flowing while nscap starts and (-Z)
# opens the immediate ring
gears "udp and not port 9000" -Z nobody
gears "udp and not port 9000" --no-drop
stop_settling
pass
