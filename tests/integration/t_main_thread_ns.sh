# Only the namespace thread enters the target's network namespace: while a
# capture runs, the main thread is still in the host's network and mount
# namespaces, and another thread of nscap is in the target's.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

lab_bg "$NSCAP" -t "$pid" -i eth0 -w "$LAB_DIR/x.pcap" 2>"$LAB_DIR/err"
nscap=$BG_PID
wait_for 10 listening "$LAB_DIR/err" || fail "nscap did not start"

host_net=$(netns_inode /proc/self/ns/net)
host_mnt=$(netns_inode /proc/self/ns/mnt)
target_net=$(lab_ns_inode target)
[ "$host_net" != "$target_net" ] || fail "lab is broken"
[ "$(netns_inode "/proc/$nscap/task/$nscap/ns/net")" = "$host_net" ] ||
	fail "the main thread left the host's network namespace"
[ "$(netns_inode "/proc/$nscap/task/$nscap/ns/mnt")" = "$host_mnt" ] ||
	fail "the main thread left the host's mount namespace"
in_target=0
for task in /proc/"$nscap"/task/*; do
	[ "$(netns_inode "$task/ns/net")" = "$target_net" ] &&
		in_target=$((in_target + 1))
done
[ "$in_target" -eq 1 ] || fail "$in_target threads in the target's namespace, expected 1"
send "$b" 198.51.100.1 9999 3 100
kill -INT "$nscap"
wait "$nscap"
expect_status 0 $? "nscap after SIGINT"
pass
