# Every interface of three namespaces in one pcapng file: per-interface
# packet counts equal what was sent to each; an interface deleted and
# another added during the capture; names TARGET:IFACE in the file.
. "$(dirname "$0")/lib.sh"
hub=$(lab_ns hub)
pids=()
idx=0
# link T IFACE: a veth from target T's namespace to the hub, in its own /28
link() {
	local base=$((16 * idx))
	ip link add "$LAB_ID-x" netns "$1" type veth peer name "h$idx" netns "$hub"
	ip -n "$1" link set "$LAB_ID-x" name "$2"
	ip -n "$1" addr add "198.51.100.$((base + 1))/28" dev "$2"
	ip -n "$hub" addr add "198.51.100.$((base + 2))/28" dev "h$idx"
	ip -n "$1" link set "$2" up
	ip -n "$hub" link set "h$idx" up
	addr_of["$1/$2"]="198.51.100.$((base + 1))"
	idx=$((idx + 1))
}
declare -A addr_of sent
for t in 1 2 3; do
	ns=$(lab_ns "t$t")
	link "$ns" eth0
	link "$ns" eth1
	pids+=("$(lab_target "$ns")")
done
ns1="$LAB_ID-t1" ns2="$LAB_ID-t2"

lab_bg "$NSCAP" -t "${pids[0]}" -t "${pids[1]}" -t "${pids[2]}" -i all \
	-w "$LAB_DIR/all.pcapng" udp port 9999 2>"$LAB_DIR/err"
nscap=$BG_PID
has_listening() { [ "$(grep -c 'listening on' "$LAB_DIR/err")" -ge "$1" ]; }
wait_for 10 has_listening 9 || fail "not 9 handles (3 x eth0, eth1, lo): $(cat "$LAB_DIR/err")"

n=3
for t in 1 2 3; do
	for i in eth0 eth1; do
		send "$hub" "${addr_of[$LAB_ID-t$t/$i]}" 9999 "$n" 500
		sent["${pids[$((t - 1))]}:$i"]=$n
		n=$((n + 1))
	done
done
# t1's eth1 goes away right after its packets: none may be lost
ip -n "$ns1" link del eth1
# t2 gets a new interface during the capture
link "$ns2" eth2
appeared() { grep -q "${pids[1]}:eth2 appeared" "$LAB_DIR/err"; }
wait_for 10 appeared || fail "eth2 of t2 was not attached: $(cat "$LAB_DIR/err")"
send "$hub" "${addr_of[$ns2/eth2]}" 9999 11 500
sent["${pids[1]}:eth2"]=11
sleep 1.5
kill -INT "$nscap"
wait "$nscap"
expect_status 0 $? "nscap -i all"

grep -q "capture on ${pids[0]}:eth1 ended" "$LAB_DIR/err" || fail "no message for the deleted eth1: $(cat "$LAB_DIR/err")"
tshark -r "$LAB_DIR/all.pcapng" -T fields -e frame.interface_name 2>/dev/null |
	sort | uniq -c >"$LAB_DIR/counts"
for k in "${!sent[@]}"; do
	got=$(awk -v k="$k" '$2 == k {print $1}' "$LAB_DIR/counts")
	[ "${got:-0}" -eq "${sent[$k]}" ] || fail "$k: ${got:-0} packets in the file, sent ${sent[$k]}: $(cat "$LAB_DIR/counts")"
done
total=$(awk '{s += $1} END {print s}' "$LAB_DIR/counts")
[ "$total" -eq 3 ] && fail "lab is broken"
[ "$total" -eq $((3 + 4 + 5 + 6 + 7 + 8 + 11)) ] || fail "total $total: $(cat "$LAB_DIR/counts")"
# descriptions name the process and the namespace
tshark -r "$LAB_DIR/all.pcapng" -T fields -e frame.interface_description 2>/dev/null |
	grep -q "^pid ${pids[2]} (sleep), net:\[[0-9]*\]$" || fail "interface description"
capinfos -t "$LAB_DIR/all.pcapng" | grep -q pcapng || fail "not pcapng"
grep -q "^$total packets captured$" "$LAB_DIR/err" || fail "totals: $(cat "$LAB_DIR/err")"
# a target given as a long path (155 bytes): each interface keeps its whole
# name TARGET:IFACE (a 128-byte buffer once cut them all to one name)
dots=$(printf './%.0s' $(seq 1 70))
long2="/run/netns/$dots$ns2" long3="/run/netns/$dots$LAB_ID-t3"
lab_bg "$NSCAP" -t "$long2" -t "$long3" -i all -w "$LAB_DIR/long.pcapng" \
	udp port 9999 2>"$LAB_DIR/long.err"
nscap=$BG_PID
# t2: eth0, eth1, eth2, lo; t3: eth0, eth1, lo
has_long() { [ "$(grep -c 'listening on' "$LAB_DIR/long.err")" -ge 7 ]; }
wait_for 10 has_long || fail "long targets: $(cat "$LAB_DIR/long.err")"
send "$hub" "${addr_of[$ns2/eth0]}" 9999 2 500
send "$hub" "${addr_of[$LAB_ID-t3/eth1]}" 9999 3 500
sleep 0.5
kill -INT "$nscap"
wait "$nscap"
expect_status 0 $? "nscap with long targets"
tshark -r "$LAB_DIR/long.pcapng" -T fields -e frame.interface_name 2>/dev/null |
	sort | uniq -c >"$LAB_DIR/long.counts"
grep -qx " *2 $long2:eth0" "$LAB_DIR/long.counts" &&
	grep -qx " *3 $long3:eth1" "$LAB_DIR/long.counts" ||
	fail "long targets' interface names: $(cat "$LAB_DIR/long.counts")"
# of several targets, the one whose interface cannot be opened is named
# ('cannot capture on lo: That device is not up' named none)
down=$(lab_ns down)
dpid=$(lab_target "$down")
ip -n "$down" link set lo down
"$NSCAP" -t "${pids[0]}" -t "$dpid" -i lo -w "$LAB_DIR/down.pcapng" 2>"$LAB_DIR/down.err"
expect_status 1 $? "one target's lo down"
grep -q "^nscap: $dpid: cannot capture on lo: " "$LAB_DIR/down.err" ||
	fail "one target's lo down: $(cat "$LAB_DIR/down.err")"
pass
