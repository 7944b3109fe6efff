# Nothing reads the host's sysfs for a target interface: every open of
# /sys/class/net during a capture (libpcap's activation and its promiscuous
# drop counters in pcap_stats) is made by the namespace thread, never by the
# main thread. The target's interface is called eth0, as the host's is.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || skip "strace is not installed"
nscap=${NSCAP_PLAIN:-$NSCAP}
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

lab_bg strace -f -qq -e trace=openat,open -o "$LAB_DIR/trace" \
	"$nscap" -t "$pid" -i eth0 -c 3 -w "$LAB_DIR/x.pcap" 2>"$LAB_DIR/err"
wait_for 20 listening "$LAB_DIR/err" || fail "nscap did not start"
send "$b" 198.51.100.1 9999 3 100
wait_for 20 test ! -d "/proc/$BG_PID" || fail "nscap did not stop"
wait "$BG_PID" || fail "nscap failed: $(cat "$LAB_DIR/err")"
main=$(head -n 1 "$LAB_DIR/trace" | awk '{print $1}')
grep -q '/sys/class/net/eth0' "$LAB_DIR/trace" ||
	fail "libpcap read nothing under /sys/class/net/eth0 (has it changed?)"
bad=$(awk -v m="$main" '$1 == m && /\/sys\/class\/net/' "$LAB_DIR/trace")
[ -z "$bad" ] || fail "main thread read the host's sysfs: $bad"
pass
