# Streaming several interfaces with no traffic: each one's block-mode twin
# has a kernel timer that fires every block timeout, packets or not
# (t_kernel_rings.sh). nscap lengthens the twins' timeout with the number
# of interfaces streamed (nscap_gear_bulk_timeout_ms), so that five of them
# wake the machine about as often as one would. Fails if each keeps a 1 ms
# timer (about 5,000 timer interrupts a second here); a kernel whose retire
# timer runs on jiffies fires it at most HZ times a second, and passes
# either way.
. "$(dirname "$0")/lib.sh"
grep -q '^ *LOC:' /proc/interrupts || skip "no LOC line in /proc/interrupts"
a=$(lab_ns target)
# two veth pairs with both ends in the namespace: four interfaces and lo
lab_pairs "$a" 2
pid=$(lab_target "$a")

loc() {
	awk '$1 == "LOC:" {for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i}
		END {printf "%d", s}' /proc/interrupts
}
per_second() { # over two seconds
	local before
	before=$(loc)
	sleep 2
	echo $((($(loc) - before) / 2))
}

idle=$(per_second)
lab_bg bash -c '"$0" -t "$1" -i all -w - 2>"$2" | cat >/dev/null' \
	"$NSCAP" "$pid" "$LAB_DIR/err"
wait_for 10 listening "$LAB_DIR/err" || fail "nscap did not start: $(cat "$LAB_DIR/err")"
n=$(grep -c "listening on" "$LAB_DIR/err")
sleep 0.5
streaming=$(per_second)
stop_bg "$NSCAP -t $pid -i all"
echo "interfaces: lo, v1, w1, v2, w2 ($n listening lines); timer interrupts a second: $idle idle, $streaming streaming"
# five twins at 1 ms would add about 5,000; at 5 ms, about 1,000
[ $((streaming - idle)) -lt 2500 ] ||
	fail "streaming five idle interfaces added $((streaming - idle)) timer interrupts a second"
pass
