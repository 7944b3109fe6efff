# -i all while interfaces come and go fast: the handles of those deleted
# are closed together, not one after another. Each close waits for the
# kernel (an RCU grace period a ring, two rings a handle in a stream), and
# closed one at a time on the namespace's deferred-call thread they fell
# 12 to 23 s behind eight pairs made and deleted every 0.1 s (a review's
# lab): hundreds of packet sockets and their rings held, and at a limit of
# 1,024 descriptors new interfaces were refused ("Too many open files").
# Now closes handed over while others close go together next.
. "$(dirname "$0")/lib.sh"
t=$(lab_ns t)
pt=$(lab_target "$t")
e=$LAB_DIR/err

sockets() { # PID: its sockets (packet sockets, and netlink's)
	find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l
}

# into a pipe: a stream, two rings a handle
lab_bg bash -c '"$0" -t "$1" -i all -w - 2>"$2" | cat >"$3"' \
	"$NSCAP" "$pt" "$e" "$LAB_DIR/out.pcapng"
wait_for 10 grep -qs 'listening on' "$e" || fail "nscap did not start: $(cat "$e")"
sleep 1
np=$(pgrep -f "^$NSCAP -t $pt -i all -w -") || fail "no nscap found"
base=$(sockets "$np")

# 25 rounds of eight pairs made, then deleted, 0.05 s apart
for ((c = 1; c <= 25; c++)); do
	for ((i = 1; i <= 8; i++)); do
		echo "link add c$i type veth peer name d$i"
		echo "link set c$i up"
		echo "link set d$i up"
	done | ip -n "$t" -batch - || fail "cannot make veth pairs"
	sleep 0.05
	for ((i = 1; i <= 8; i++)); do
		echo "link del c$i"
	done | ip -n "$t" -batch - || fail "cannot delete veth pairs"
	sleep 0.05
done

# every handle of a deleted interface closed within 3 s of the last round
settled() { [ "$(sockets "$np")" -le "$base" ]; }
wait_for 3 settled ||
	fail "$(($(sockets "$np") - base)) sockets still open 3 s after the interfaces went (of $base at the start)"
grep -q 'Too many open files' "$e" && fail "interfaces refused: $(grep -m1 'Too many' "$e")"
# of 400 interfaces, those deleted before nscap saw them never appear
appeared=$(grep -c ': [cd][0-9]* appeared$' "$e")
ended=$(grep -c 'capture on [cd][0-9]* ended' "$e")
[ "$appeared" -ge 200 ] && [ "$ended" -eq "$appeared" ] ||
	fail "$appeared interfaces appeared, $ended ended"
stop_bg "$NSCAP -t $pt -i all -w -" || fail "exit status $?: $(tail -3 "$e")"
n=$(pcap_count "$LAB_DIR/out.pcapng")
[ "$n" = "$(captured_in "$(cat "$e")")" ] ||
	fail "tshark read $n packets, nscap said: $(tail -3 "$e")"
pass
