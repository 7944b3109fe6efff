# A target whose network namespace is owned by a user namespace of its own,
# as a rootless container's is (podman or docker rootless, or a pod with
# user namespaces): `unshare -U -r -n`. Root of the initial user namespace
# may enter it, mount its sysfs (nscap's namespace thread does) and open
# packet sockets in it, all checked against the namespace's owner; the
# test pins that nscap does all three: -D, -L, a file and a stream under
# -Z, over a veth from a lab namespace, with the right counts.
. "$(dirname "$0")/lib.sh"
command -v unshare >/dev/null || skip "unshare is not installed (util-linux)"
cd "$LAB_DIR" || fail "no lab dir"

lab_bg unshare -U -r -n sleep 600
pid=$BG_PID
in_userns() {
	[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] &&
		[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}
wait_for 10 in_userns || fail "unshare -U -r -n: no namespaces of its own"
# named, so that lab_link can reach it and the cleanup removes the name
ip netns attach "$LAB_ID-u" "$pid" || fail "ip netns attach"
a=$(lab_ns a)
lab_link "$a" veth0 198.51.100.1 "$LAB_ID-u" eth0 198.51.100.2
ip -n "$LAB_ID-u" link set lo up
ino=$(netns_inode "/proc/$pid/ns/net")

# -D: the interfaces its own sysfs and netlink show, not the host's
"$NSCAP" -t "$pid" -D >d.out 2>d.err || fail "-D: $(cat d.err)"
grep -q "^[0-9]*\.eth0 .*198\.51\.100\.2/24" d.out && grep -q "^[0-9]*\.lo " d.out &&
	[ "$(grep -c '^[0-9]*\.' d.out)" -eq 3 ] || fail "-D: $(cat d.out)"

# -L: the namespace, its process and its address
"$NSCAP" -L >l.out 2>l.err || fail "-L: $(cat l.err)"
row=$(awk -v i="$ino" '$1 == i' l.out)
read -ra f <<<"$row"
[ "${f[1]:-}" = "$pid" ] && [ "${f[2]:-}" = sleep ] &&
	grep -q "eth0=198.51.100.2/24" <<<"$row" || fail "-L row: '$row'"

# a file: 50 datagrams, every one, in the namespace the IDB names
"$NSCAP" -t "$pid" -i eth0 -c 50 -w f.pcapng "udp port 5300" 2>f.err &
n=$!
wait_for 10 listening f.err || fail "file: nscap did not start: $(cat f.err)"
send "$a" 198.51.100.2 5300 50
wait_exit 20 "$n" f.err "file"
[ "$(pcap_count f.pcapng)" -eq 50 ] || fail "file: $(pcap_count f.pcapng) of 50: $(cat f.err)"
tshark -r f.pcapng -T fields -e frame.interface_description 2>/dev/null |
	sort -u | grep -qF "net:[$ino]" || fail "file: the IDB does not name net:[$ino]"

# a stream of -i all under -Z nobody: 400 datagrams, none lost
lab_bg "$NSCAP" -t "$pid" -i all -Z nobody -w - "udp port 5301" 2>s.err >s.pcapng
wait_for 10 grep -q "listening on eth0" s.err ||
	fail "stream: nscap did not start: $(cat s.err)"
send "$a" 198.51.100.2 5301 400 2000
sleep 0.5
kill -INT "$BG_PID" || fail "stream: no nscap to stop"
wait "$BG_PID"
grep -q '^400 packets captured$' s.err && grep -q '^0 packets dropped by kernel$' s.err ||
	fail "stream: $(cat s.err)"
[ "$(pcap_count s.pcapng)" -eq 400 ] || fail "stream: $(pcap_count s.pcapng) of 400 in the stream"
pass
