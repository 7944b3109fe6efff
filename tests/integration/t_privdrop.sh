# Privilege drop: run through sudo (SUDO_UID/SUDO_GID) or with -Z, nscap
# becomes that user with no capability once its handles are open; every
# file, the first and the rotated ones, belongs to the user, mode 0644.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns a)
b=$(lab_ns b)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")
umask 022
dir="$LAB_DIR/drop"
chmod 0755 "$LAB_DIR" # mktemp -d makes it 0700
mkdir "$dir" && chmod 0777 "$dir"

check_dropped() { # PID UID
	local t
	for t in /proc/"$1"/task/*; do
		t=${t##*/}
		[ "$(awk '$1 == "Uid:" {print $2 $3 $4 $5}' "/proc/$1/task/$t/status")" = "$2$2$2$2" ] ||
			fail "thread $t: $(grep Uid: "/proc/$1/task/$t/status")"
		for c in CapPrm CapEff CapAmb; do
			[ "$(awk -v f="$c:" '$1 == f {print $2}' "/proc/$1/task/$t/status")" = 0000000000000000 ] ||
				fail "thread $t keeps $c: $(grep "$c:" "/proc/$1/task/$t/status")"
		done
		# per thread too, as the capabilities
		[ "$(awk '$1 == "NoNewPrivs:" {print $2}' "/proc/$1/task/$t/status")" = 1 ] ||
			fail "thread $t: no_new_privs is not set"
	done
}

# through sudo, with rotation: files created after the drop too
SUDO_UID=65534 SUDO_GID=65534 "$NSCAP" -t "$pid" -i eth0 -C 1 -W 3 \
	-w "$dir/s.pcapng" udp port 9999 2>"$LAB_DIR/s.err" &
n=$!
wait_for 10 listening "$LAB_DIR/s.err" || fail "sudo: nscap did not start: $(cat "$LAB_DIR/s.err")"
sleep 0.3
check_dropped "$n" 65534
ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9999 -n 2500 -s 1000 -r 10000 -t 30 >/dev/null
sleep 1.5
kill -INT "$n"
wait "$n" || fail "sudo run: exit $?: $(cat "$LAB_DIR/s.err")"
[ "$(ls "$dir"/s.pcapng* | wc -l)" -eq 3 ] || fail "sudo: files $(ls "$dir")"
for f in "$dir"/s.pcapng*; do
	[ "$(stat -c '%u:%g %a' "$f")" = "65534:65534 644" ] || fail "$f: $(stat -c '%u:%g %a' "$f")"
	tshark -r "$f" >/dev/null 2>&1 || fail "tshark cannot read $f"
done

# -Z by name, no rotation; the first file is made by root and given away
"$NSCAP" -t "$pid" -i eth0 -Z nobody -w "$dir/z.pcapng" udp port 9999 2>"$LAB_DIR/z.err" &
n=$!
wait_for 10 listening "$LAB_DIR/z.err" || fail "-Z: nscap did not start"
sleep 0.3
check_dropped "$n" 65534
kill -INT "$n"
wait "$n" || fail "-Z: exit $?"
[ "$(stat -c '%u:%g' "$dir/z.pcapng")" = "65534:65534" ] || fail "-Z: owner $(stat -c '%u:%g' "$dir/z.pcapng")"

# --no-drop keeps root
SUDO_UID=65534 SUDO_GID=65534 "$NSCAP" -t "$pid" -i eth0 --no-drop -w "$dir/r.pcapng" 2>"$LAB_DIR/r.err" &
n=$!
wait_for 10 listening "$LAB_DIR/r.err" || fail "--no-drop: nscap did not start"
[ "$(awk '$1 == "Uid:" {print $2}' "/proc/$n/status")" = 0 ] || fail "--no-drop: not root"
kill -INT "$n"
wait "$n"
[ "$(stat -c %u "$dir/r.pcapng")" = 0 ] || fail "--no-drop: file not root's"

# an unknown user: an error before anything is created
"$NSCAP" -t "$pid" -i eth0 -Z no-such-user-nscap -w "$dir/u.pcapng" 2>"$LAB_DIR/u.err"
expect_status 1 $? "-Z unknown"
grep -q "^nscap: .*no-such-user-nscap" "$LAB_DIR/u.err" || fail "-Z unknown: $(cat "$LAB_DIR/u.err")"
[ ! -e "$dir/u.pcapng" ] || fail "-Z unknown: created the file"

# -G with a strftime pattern in the directory: the check that the user may
# create files there looks at the first file's directory, not the pattern's
mkdir "$dir/y-$(date +%Y)" && chmod 0777 "$dir/y-$(date +%Y)"
"$NSCAP" -t "$pid" -i eth0 -Z nobody -G 60 -a duration:1 -w "$dir/y-%Y/g.pcapng" 2>"$LAB_DIR/y.err"
expect_status 0 $? "-Z, -G, pattern in the directory: $(cat "$LAB_DIR/y.err")"
[ "$(stat -c %U "$dir/y-$(date +%Y)/g.pcapng")" = nobody ] || fail "-G dir pattern: $(ls -l "$dir"/y-*)"

# SIGHUP after the drop where the user cannot create the next file: the
# capture goes on in the file it had, and says so
ro="$LAB_DIR/ro"
mkdir "$ro" && chmod 0755 "$ro"
: >"$LAB_DIR/r.err" # emptied here: see listening in lib.sh
lab_bg "$NSCAP" -t "$pid" -i eth0 -Z nobody -w "$ro/r.pcapng" udp port 9999 2>"$LAB_DIR/r.err"
n=$BG_PID
wait_for 10 listening "$LAB_DIR/r.err" || fail "SIGHUP, read-only: nscap did not start"
send "$b" 198.51.100.1 9999 3 100
sleep 0.3
kill -HUP "$n"
still() { grep -q "cannot open $ro/r.pcapng1: Permission denied; still writing $ro/r.pcapng" "$LAB_DIR/r.err"; }
wait_for 5 still || fail "SIGHUP, read-only: $(cat "$LAB_DIR/r.err")"
send "$b" 198.51.100.1 9999 4 100
sleep 0.3
kill -INT "$n"
wait "$n"
expect_status 0 $? "SIGHUP, read-only directory"
[ "$(pcap_count "$ro/r.pcapng")" -eq 7 ] || fail "SIGHUP, read-only: $(pcap_count "$ro/r.pcapng") in the file"
# -C 1 -W 1 after the drop, and a directory the user may no longer write:
# a SIGHUP says the one file cannot be replaced and goes on writing it (it
# closed it, then could not remove it, and the capture ended with status 1)
w1="$LAB_DIR/w1"
mkdir "$w1" && chown 65534:65534 "$w1"
"$NSCAP" -t "$pid" -i eth0 -Z nobody -C 1 -W 1 -w "$w1/one.pcapng" udp port 9999 2>"$LAB_DIR/w1.err" &
n=$!
wait_for 10 listening "$LAB_DIR/w1.err" || fail "-W 1: nscap did not start: $(cat "$LAB_DIR/w1.err")"
ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9999 -n 5 -r 100 -t 30 >/dev/null
chown root:root "$w1" && chmod 0755 "$w1"
kill -HUP "$n"
still() { grep -q "still writing $w1/one.pcapng" "$LAB_DIR/w1.err"; }
wait_for 5 still || fail "-W 1, SIGHUP: $(cat "$LAB_DIR/w1.err")"
[ -d "/proc/$n" ] || fail "-W 1, SIGHUP: nscap stopped: $(cat "$LAB_DIR/w1.err")"
ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9999 -n 5 -r 100 -t 30 >/dev/null
sleep 0.5
kill -INT "$n"
wait "$n" || fail "-W 1: exit $?: $(cat "$LAB_DIR/w1.err")"
[ "$(pcap_count "$w1/one.pcapng")" -eq 10 ] ||
	fail "-W 1: $(pcap_count "$w1/one.pcapng") of 10 packets"
# the drop itself refused (no CAP_SETGID left): status 1, the reason, and
# no file (a header-only one was left, owned by the user)
rm -f "$dir/nd.pcapng"
setpriv --bounding-set -setgid,-setuid -- "$NSCAP" -t "$pid" -i eth0 -Z nobody \
	-w "$dir/nd.pcapng" 2>"$LAB_DIR/nd.err"
expect_status 1 $? "drop refused: $(cat "$LAB_DIR/nd.err")"
grep -q "^nscap: cannot set the groups of user nobody" "$LAB_DIR/nd.err" ||
	fail "drop refused: $(cat "$LAB_DIR/nd.err")"
[ ! -e "$dir/nd.pcapng" ] || fail "drop refused: the file was left"
# -Z with -i all: an interface that appears after the drop cannot be
# attached; each is said once (it was ignored without a word)
# late_said ERRFILE BY X Y: a capture with -i all that dropped privileges
# (BY: what dropped them), writing to ERRFILE, says so at the start, and
# names veth Y, added now with X, when it comes up
late_said() {
	local errf=$1 by=$2 x=$3 y=$4
	wait_for 10 listening "$errf" || fail "$by -i all: nscap did not start: $(cat "$errf")"
	grep -q "^nscap: $by: interfaces that appear later cannot be attached$" "$errf" ||
		fail "$by -i all: no word at the start: $(cat "$errf")"
	ip -n "$a" link add "$x" type veth peer name "$y" || fail "cannot add a veth"
	ip -n "$a" link set "$x" up
	ip -n "$a" link set "$y" up
	# said runs inside wait_for: late_said's locals are in scope there
	said() { grep -q "^nscap: not capturing on $y: it appeared after privileges were dropped ($by)$" "$errf"; }
	wait_for 5 said || fail "$by -i all, $y: $(cat "$errf")"
}
: >"$LAB_DIR/all.err"
lab_bg "$NSCAP" -t "$pid" -i all -Z nobody -w "$dir/all.pcapng" 2>"$LAB_DIR/all.err"
late_said "$LAB_DIR/all.err" -Z late0 late1
ip -n "$a" link set late0 mtu 1400 # another doorbell: not said again
sleep 0.5
kill -INT "$BG_PID"
wait "$BG_PID" || fail "-Z -i all: exit $?: $(cat "$LAB_DIR/all.err")"
[ "$(grep -c "not capturing on late0" "$LAB_DIR/all.err")" -eq 1 ] ||
	fail "-Z -i all, late0 said $(grep -c "not capturing on late0" "$LAB_DIR/all.err") times: $(cat "$LAB_DIR/all.err")"

# -W 1 in a sticky directory (/tmp), on a file of root's that the run
# truncated before the drop: the user may not remove it, so a SIGHUP says
# so and the capture goes on in it (the file was closed first, and the
# capture ended with status 1)
sticky="$LAB_DIR/sticky"
mkdir "$sticky" && chmod 1777 "$sticky" && : >"$sticky/one.pcapng" || fail "sticky dir"
lab_bg "$NSCAP" -t "$pid" -i eth0 -Z nobody -C 1 -W 1 -w "$sticky/one.pcapng" \
	udp port 9999 2>"$LAB_DIR/st.err"
wait_for 10 listening "$LAB_DIR/st.err" || fail "sticky: nscap did not start: $(cat "$LAB_DIR/st.err")"
ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9999 -n 5 -r 1000 -t 10 >/dev/null
sleep 0.5
kill -HUP "$BG_PID"
said_st() { grep -q "^nscap: cannot replace $sticky/one.pcapng: Operation not permitted; still writing $sticky/one.pcapng$" "$LAB_DIR/st.err"; }
wait_for 5 said_st || fail "sticky, SIGHUP: $(cat "$LAB_DIR/st.err")"
ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9999 -n 5 -r 1000 -t 10 >/dev/null
sleep 0.5
kill -INT "$BG_PID"
wait "$BG_PID" || fail "sticky: exit $?: $(cat "$LAB_DIR/st.err")"
[ "$(pcap_count "$sticky/one.pcapng")" = 10 ] ||
	fail "sticky: $(pcap_count "$sticky/one.pcapng") packets, expected 10"

# installed set-user-ID root: back to the user who ran it, the first file
# opened as that user too (opened as root, a file of root's that the user
# named was overwritten), and -Z and --no-drop refused (they let the user
# become anyone, or write as root all along). The plain build: ASan and
# set-user-ID do not go together
suid="$LAB_DIR/suid"
mkdir -m 0755 "$suid" || fail "mkdir $suid"
if findmnt -n -o OPTIONS -T "$suid" | grep -qw nosuid; then
	skip "set-user-ID: $suid is on a nosuid mount (the rest passed)"
fi
cp "$NSCAP_PLAIN" "$suid/nscap" && chown root:root "$suid/nscap" &&
	chmod 4755 "$suid/nscap" || fail "cannot make a set-user-ID copy"
echo secret >"$suid/rootfile" && chmod 0600 "$suid/rootfile" || fail "rootfile"
as_nobody() { runuser -u nobody -- "$suid/nscap" -t "$pid" -i eth0 -a duration:0.3 "$@"; }
as_nobody -w "$suid/rootfile" 2>"$LAB_DIR/s1.err"
expect_status 1 $? "set-user-ID, a file of root's"
[ "$(cat "$suid/rootfile")" = secret ] || fail "set-user-ID: root's file was written"
grep -q "^nscap: cannot open $suid/rootfile: Permission denied" "$LAB_DIR/s1.err" ||
	fail "set-user-ID, a file of root's: $(cat "$LAB_DIR/s1.err")"
as_nobody -Z root -w "$dir/s2.pcapng" 2>"$LAB_DIR/s2.err"
expect_status 2 $? "set-user-ID, -Z root"
grep -q "^nscap: -Z is for root" "$LAB_DIR/s2.err" || fail "set-user-ID, -Z root: $(cat "$LAB_DIR/s2.err")"
as_nobody --no-drop -w "$dir/s3.pcapng" 2>"$LAB_DIR/s3.err"
expect_status 2 $? "set-user-ID, --no-drop"
grep -q "^nscap: --no-drop is for root" "$LAB_DIR/s3.err" || fail "set-user-ID, --no-drop: $(cat "$LAB_DIR/s3.err")"
[ ! -e "$dir/s2.pcapng" ] && [ ! -e "$dir/s3.pcapng" ] || fail "set-user-ID: a refused run made its file"
as_nobody -w "$dir/s4.pcapng" 2>"$LAB_DIR/s4.err"
expect_status 0 $? "set-user-ID: $(cat "$LAB_DIR/s4.err")"
[ "$(stat -c %U "$dir/s4.pcapng")" = nobody ] || fail "set-user-ID: $(ls -l "$dir/s4.pcapng")"
# with -i all, as with -Z: said at the start, and of each late interface,
# naming what dropped the privileges (it said "-Z", which was not given)
lab_bg runuser -u nobody -- "$suid/nscap" -t "$pid" -i all -a duration:5 \
	-w "$dir/s5.pcapng" 2>"$LAB_DIR/s5.err"
late_said "$LAB_DIR/s5.err" set-user-ID late2 late3
kill -INT "$BG_PID"
wait "$BG_PID" || fail "set-user-ID -i all: exit $?: $(cat "$LAB_DIR/s5.err")"

pass
