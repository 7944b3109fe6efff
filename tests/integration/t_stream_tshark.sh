# nscap -w - | tshark -i -: packets show in tshark while the capture still
# runs, one by one (stdout implies immediate mode and per-wake-up flushing).
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

lab_bg bash -c '"$0" -t "$1" -w - udp port 9999 2>"$2" | tshark -l -n -i - >"$3" 2>/dev/null' \
	"$NSCAP" "$pid" "$LAB_DIR/err" "$LAB_DIR/tshark"
wait_for 10 listening "$LAB_DIR/err" || fail "nscap did not start"
lines() { wc -l <"$LAB_DIR/tshark"; }
has_lines() { [ "$(lines)" -ge "$1" ]; }
for i in 1 2 3; do
	send "$b" 198.51.100.1 9999 1
	wait_for 10 has_lines "$i" || fail "packet $i did not reach tshark while nscap ran"
done
grep -q "198.51.100.2 → 198.51.100.1 *UDP" "$LAB_DIR/tshark" || fail "tshark shows: $(cat "$LAB_DIR/tshark")"
pkill -INT -P "$BG_PID" -f "nscap -t $pid" || fail "no nscap to stop"
wait "$BG_PID"
[ "$(lines)" -eq 3 ] || fail "tshark shows $(lines) packets"
grep -q "^3 packets captured$" "$LAB_DIR/err" || fail "nscap: $(cat "$LAB_DIR/err")"
pass
