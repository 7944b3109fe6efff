# A stream with nothing coming is on its immediate ring before its first
# packet: nscap wakes once soon after the start, packets or not, and its
# gears go down then, as at a first quiet wake-up. Before, nothing woke it
# until the first packet, which waited for the twin's block timeout, and
# the next ones for the ring's set-up (0.3 to 1.1 ms each at 200 a second:
# docs/BENCHMARKS.md, experiment 25). Then light packets, and a flood as
# the stream's first busy traffic: the flood goes to the twin (the fanout
# program's switch, or nscap's), the light packets are all there, and
# nothing is lost that nscap does not count. As root (the ring opened in
# the background) and as nobody (-Z: opened before the drop, its first
# switch holds 2 ms). Then three quiet interfaces of one namespace, and
# with -i all, quiet interfaces braced while another is attached: each
# comes back to its immediate ring with nothing sent.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

first() { # NSCAP_ARGS...
	rm -f "$LAB_DIR/err" "$LAB_DIR/out.pcap"
	# the filter keeps the link's own packets (ARP) from waking nscap
	lab_bg bash -c '"$0" -vv $4 -F pcap -t "$1" -w - "udp portrange 9998-9999" 2>"$2" | cat >"$3"' \
		"$NSCAP" "$pid" "$LAB_DIR/err" "$LAB_DIR/out.pcap" "$*"
	wait_for 10 listening "$LAB_DIR/err" || fail "$*: nscap did not start: $(cat "$LAB_DIR/err")"
	if grep -q "no block-mode twin" "$LAB_DIR/err"; then
		skip "$*: this kernel gives no fanout group with an eBPF program: $(cat "$LAB_DIR/err")"
	fi
	# nothing sent yet
	wait_for 5 grep -q settled "$LAB_DIR/err" ||
		fail "$*: not on the immediate ring before the first packet: $(cat "$LAB_DIR/err")"
	send "$b" 198.51.100.1 9998 3 100
	send "$b" 198.51.100.1 9999 100000 0
	sleep 0.3
	stop_bg "nscap -vv $* -F pcap -t $pid" "$*"

	err=$(cat "$LAB_DIR/err")
	grep -q "busy: reading blocks" <<<"$err" || fail "$*: the flood never went to the twin: $err"
	captured=$(captured_in "$err")
	dropped=$(dropped_in "$err")
	[ -n "$captured" ] && [ -n "$dropped" ] || fail "$*: no statistics: $err"
	counts=$("$HERE/seqcheck.py" "$LAB_DIR/out.pcap" 9998 9999) ||
		fail "$*: stream out of order or duplicated: $counts"
	awk '$1 == 9998 && $2 == 3 {ok = 1} END {exit !ok}' <<<"$counts" ||
		fail "$*: light packets lost: $counts"
	total=$(awk '{n += $2} END {print n}' <<<"$counts")
	[ "$total" -eq "$captured" ] || fail "$*: stream holds $total packets, nscap says $captured: $counts"
	[ $((total + dropped)) -ge 100003 ] || fail "$*: lost without a count: $counts, $dropped dropped"
}

first --no-drop
first -Z nobody

# three quiet interfaces of one namespace: their rings are opened one at a
# time (one call at a time in its thread), each as the one before is done,
# and all three settle with nothing sent (named, not -i all: adding an
# interface to a capture, as -i all does at the start, also wakes nscap)
ip -n "$a" link add v1 type veth peer name w1 || fail "cannot create a veth pair"
ip -n "$a" link set v1 up
ip -n "$a" link set w1 up
sleep 0.5
rm -f "$LAB_DIR/err"
lab_bg bash -c '"$0" -vv -t "$1" -i eth0 -i v1 -i w1 -w - 2>"$2" | cat >/dev/null' \
	"$NSCAP" "$pid" "$LAB_DIR/err"
wait_for 10 listening "$LAB_DIR/err" || fail "three: nscap did not start: $(cat "$LAB_DIR/err")"
three() { [ "$(grep -c ': settled$' "$LAB_DIR/err")" -ge 3 ]; }
wait_for 5 three || fail "three quiet interfaces: not all on their immediate rings: $(cat "$LAB_DIR/err")"
stop_bg "nscap -vv -t $pid -i eth0 -i v1 -i w1" "three"

# -i all: an interface that appears takes the others up to their twins
# while it is attached (brace); with nothing coming, they come back down
rm -f "$LAB_DIR/err"
lab_bg bash -c '"$0" -vv -t "$1" -i all -w - 2>"$2" | cat >/dev/null' \
	"$NSCAP" "$pid" "$LAB_DIR/err"
wait_for 10 listening "$LAB_DIR/err" || fail "all: nscap did not start: $(cat "$LAB_DIR/err")"
eth0_settled() { [ "$(grep '^nscap: eth0: ' "$LAB_DIR/err" | tail -n 1)" = "nscap: eth0: settled" ]; }
wait_for 5 eth0_settled || fail "all: eth0 not on its immediate ring: $(cat "$LAB_DIR/err")"
ip -n "$a" link add v2 type veth peer name w2 || fail "cannot create a veth pair"
ip -n "$a" link set v2 up
ip -n "$a" link set w2 up
wait_for 5 grep -q "^nscap: eth0: bracing" "$LAB_DIR/err" ||
	fail "all: eth0 was not braced when v2 appeared: $(cat "$LAB_DIR/err")"
sleep 1
wait_for 5 eth0_settled || fail "all: eth0 stayed on its twin after the brace: $(cat "$LAB_DIR/err")"
stop_bg "nscap -vv -t $pid -i all" "all"
pass
