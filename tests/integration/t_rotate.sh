# Long captures: -C/-W ring of files, -G with -W, -a autostop, SIGHUP and
# SIGUSR1, -G with -C and a pattern coarser than -G, -G while -i all has
# no interface. Every file is read by tshark; the udpgen sequence numbers
# in the payload prove that the files kept hold the last packets, none
# missing.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns a)
b=$(lab_ns b)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")
cd "$LAB_DIR" || fail "cd"

# seqs FILE...: the udpgen sequence numbers in the files, in order
seqs() {
	local f
	for f in "$@"; do
		tshark -r "$f" -T fields -e data.data -d udp.port==9999,data 2>/dev/null |
			cut -c1-8 | while read -r h; do echo $((16#$h)); done
	done
}
readable() {
	tshark -r "$1" >/dev/null 2>"$LAB_DIR/ts.err" || fail "tshark cannot read $1: $(cat "$LAB_DIR/ts.err")"
	! grep -Eiq 'cut short|damaged|corrupt' "$LAB_DIR/ts.err" || fail "$1: $(cat "$LAB_DIR/ts.err")"
}
# in_files FILE...: each file readable; prints the packets they hold
in_files() {
	local f n=0
	for f in "$@"; do
		readable "$f"
		n=$((n + $(pcap_count "$f")))
	done
	echo "$n"
}

# -C 1 -W 5 with about 12 MB of traffic: exactly 5 files
"$NSCAP" -t "$pid" -i eth0 -C 1 -W 5 -w ring.pcapng udp port 9999 2>ring.err &
n=$!
wait_for 10 listening ring.err || fail "ring: nscap did not start"
ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9999 -n 12000 -s 1000 -r 20000 -t 30 >/dev/null
sleep 1.5
kill -INT "$n"
wait "$n" || fail "ring: exit $?: $(cat ring.err)"
ls ring.pcapng* >files
[ "$(wc -l <files)" -eq 5 ] || fail "ring: $(wc -l <files) files: $(tr '\n' ' ' <files)"
for i in 0 1 2 3 4; do
	[ -f "ring.pcapng$i" ] || fail "ring: no ring.pcapng$i"
	readable "ring.pcapng$i"
	[ "$(stat -c %s "ring.pcapng$i")" -le 1000000 ] || fail "ring.pcapng$i is over 1 MB"
done
grep -q '^12000 packets captured$' ring.err || fail "ring: $(cat ring.err)"
# the kept files, oldest first (the ring's order by modification time)
mapfile -t kept < <(ls -tr ring.pcapng*)
seqs "${kept[@]}" >seq
last=$(tail -n 1 seq)
first=$(head -n 1 seq)
[ "$last" -eq 11999 ] || fail "ring: the last packet kept is $last, not 11999"
[ "$(wc -l <seq)" -eq $((last - first + 1)) ] || fail "ring: packets missing between $first and $last"
[ "$(sort -n seq | uniq | wc -l)" -eq "$(wc -l <seq)" ] || fail "ring: duplicate packets"

# -G 1 -W 3: three files of a second, named by strftime, then stop
start=$SECONDS
"$NSCAP" -t "$pid" -i eth0 -G 1 -W 3 -w 'g-%H%M%S.pcapng' udp port 9999 2>g.err &
n=$!
wait_for 10 listening g.err || fail "-G: nscap did not start"
lab_bg send "$b" 198.51.100.1 9999 40 10
wait_for 10 test ! -d "/proc/$n" || fail "-G 1 -W 3 did not stop by itself"
wait "$n" || fail "-G: exit $?: $(cat g.err)"
# nscap's time alone: tshark's reading below takes 3 s a file on a slow
# machine (qemu without KVM)
took=$((SECONDS - start))
[ "$took" -le 6 ] || fail "-G: took $took s"
[ "$(ls g-*.pcapng | wc -l)" -eq 3 ] || fail "-G: files: $(ls g-*)"
ls g-*.pcapng | grep -Eq '^g-[0-9]{6}\.pcapng$' || fail "-G: names $(ls g-*)"
for f in g-*.pcapng; do readable "$f"; done
kill "$BG_PID" 2>/dev/null

# -a packets:7 and -a duration:1, combined: packets first
"$NSCAP" -t "$pid" -i eth0 -a packets:7 -a duration:20 -w ap.pcapng udp port 9999 2>ap.err &
n=$!
wait_for 10 listening ap.err || fail "-a: nscap did not start"
send "$b" 198.51.100.1 9999 20 200
wait_for 5 test ! -d "/proc/$n" || fail "-a packets:7 did not stop"
wait "$n" || fail "-a packets: exit $?"
[ "$(pcap_count ap.pcapng)" -eq 7 ] || fail "-a packets:7 wrote $(pcap_count ap.pcapng)"
start=$SECONDS
"$NSCAP" -t "$pid" -i eth0 -a duration:1 -w ad.pcapng udp port 9999 2>ad.err
expect_status 0 $? "-a duration:1"
[ $((SECONDS - start)) -le 3 ] || fail "-a duration:1 took $((SECONDS - start)) s"
readable ad.pcapng

# NAME: a capture on eth0 into NAME.pcapng (its words in NAME.err),
# started; n is its PID
start_on_eth0() {
	"$NSCAP" -t "$pid" -i eth0 -w "$1.pcapng" udp port 9999 2>"$1.err" &
	n=$!
	wait_for 10 listening "$1.err" || fail "$1: nscap did not start"
}

# SIGHUP: a new file now; SIGUSR1: counters on stderr, capture goes on
start_on_eth0 hup
send "$b" 198.51.100.1 9999 3 100
sleep 1.5
kill -HUP "$n"
wait_for 5 test -f hup.pcapng1 || fail "SIGHUP made no new file"
send "$b" 198.51.100.1 9999 4 100
sleep 1.5
kill -USR1 "$n"
got_usr1() { grep -q '^nscap: 7 packets captured, 7 received by filter, 0 dropped by kernel' hup.err; }
wait_for 5 got_usr1 || fail "SIGUSR1: $(cat hup.err)"
[ -d "/proc/$n" ] || fail "SIGUSR1 stopped the capture"
kill -INT "$n"
wait "$n" || fail "SIGHUP run: exit $?"
[ "$(pcap_count hup.pcapng)" -eq 3 ] || fail "first file: $(pcap_count hup.pcapng)"
# one packet: "1 packet captured", as in the closing lines (it said
# "1 packets")
start_on_eth0 one
send "$b" 198.51.100.1 9999 1 100
sleep 1.5
kill -USR1 "$n"
got_one() { grep -q '^nscap: 1 packet captured, 1 received by filter, 0 dropped by kernel' one.err; }
wait_for 5 got_one || fail "SIGUSR1, one packet: $(cat one.err)"
kill -INT "$n"
wait "$n" || fail "SIGUSR1, one packet: exit $?"
[ "$(pcap_count hup.pcapng1)" -eq 4 ] || fail "second file: $(pcap_count hup.pcapng1)"
# each file's statistics count from the start of the capture, all three (the
# spec's words), not from the start of the file
isb="$HERE/pcapng_isb.py"
"$isb" hup.pcapng | grep -q '^0 filteraccept=3 osdrop=0 usrdeliv=3$' ||
	fail "first file's statistics: $("$isb" hup.pcapng)"
"$isb" hup.pcapng1 | grep -q '^0 filteraccept=7 osdrop=0 usrdeliv=7$' ||
	fail "second file's statistics: $("$isb" hup.pcapng1)"

# SIGHUP with -G and a pattern that names the same file again (within its
# minute): the file goes on, nothing in it is truncated away
lab_bg "$NSCAP" -t "$pid" -i eth0 -G 3600 -w 'same-%Y.pcapng' udp port 9999 2>same.err
n=$BG_PID
wait_for 10 listening same.err || fail "SIGHUP, same name: nscap did not start"
send "$b" 198.51.100.1 9999 5 100
sleep 0.5
kill -HUP "$n"
same() { grep -q "would be same-$(date +%Y).pcapng again; still writing it" same.err; }
wait_for 5 same || fail "SIGHUP, same name: $(cat same.err)"
send "$b" 198.51.100.1 9999 6 100
sleep 0.5
kill -INT "$n"
wait "$n" || fail "SIGHUP, same name: exit $?"
[ "$(ls same-*.pcapng | wc -l)" -eq 1 ] || fail "SIGHUP, same name: $(ls same-*)"
[ "$(pcap_count same-*.pcapng)" -eq 11 ] || fail "SIGHUP, same name: $(pcap_count same-*.pcapng) in the file"

# -G 1 -W 2 with a name that never changes: two periods, then a stop, as
# tcpdump's -W counts them (nscap ran on for ever: the file kept on was not
# counted)
start=$SECONDS
timeout 10 "$NSCAP" -t "$pid" -i eth0 -G 1 -W 2 -w rep.pcapng udp port 9999 2>rep.err
expect_status 0 $? "-G 1 -W 2 with one name: $(cat rep.err)"
[ $((SECONDS - start)) -le 5 ] || fail "-G 1 -W 2 with one name took $((SECONDS - start)) s"
[ "$(ls rep.pcapng* | wc -l)" -eq 1 ] || fail "-G 1 -W 2 with one name: $(ls rep.pcapng*)"
# the reason is said, without -v (as tcpdump says "Maximum file limit reached")
grep -q '^nscap: stopped: maximum file limit (-W) reached$' rep.err ||
	fail "-G 1 -W 2: no reason said: $(cat rep.err)"
readable rep.pcapng

# the next file cannot be made (a directory has its name): exit 1, and the
# packets captured are those in the file and those said lost (the one that
# asked for the next file was counted captured, and neither written nor
# lost)
mkdir bad.pcapng1
"$NSCAP" -t "$pid" -i eth0 -C 20k -w bad.pcapng udp port 9999 2>bad.err &
n=$!
wait_for 10 listening bad.err || fail "bad next file: nscap did not start"
ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9999 -n 100 -s 1000 -r 500 -t 30 >/dev/null
wait_for 5 test ! -d "/proc/$n" || fail "bad next file: nscap did not stop"
wait "$n"
expect_status 1 $? "bad next file: $(cat bad.err)"
captured=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' bad.err)
lost=$(sed -n 's/^nscap: \([0-9]*\) packets\{0,1\} lost: .*/\1/p' bad.err)
infile=$(pcap_count bad.pcapng)
[ -n "$captured" ] && [ $((infile + ${lost:-0})) -eq "$captured" ] ||
	fail "bad next file: $infile in the file and ${lost:-no} lost of $captured captured: $(cat bad.err)"
grep -q '^nscap: 1 packet lost: it could not be written$' bad.err ||
	fail "bad next file: $(cat bad.err)"
# -G 1 -C 3k with a pattern that names every period's files alike (%Y):
# each new period began at the first name again and truncated the files
# the period before had written (30 captured, about 10 in the files). Now
# the numbers go on, and every packet is in a file
lab_bg "$NSCAP" -t "$pid" -i eth0 -G 1 -C 3k -w 'yr-%Y.pcapng' udp port 9999 2>yr.err
n=$BG_PID
wait_for 10 listening yr.err || fail "-G -C, same names: nscap did not start"
ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9999 -n 30 -s 1000 -r 10 -t 30 >/dev/null
sleep 1.5
kill -INT "$n"
wait "$n" || fail "-G -C, same names: exit $?: $(cat yr.err)"
total=$(in_files yr-*.pcapng*) || exit 1
[ "$total" -eq 30 ] || fail "-G -C, same names: $total of 30 in $(ls yr-*.pcapng* | wc -l) files"
[ "$(seqs yr-*.pcapng* | sort -n | tr '\n' ' ')" = "$(seq 0 29 | tr '\n' ' ')" ] ||
	fail "-G -C, same names: not every packet once"

# -F pcap -i all -G 1, and the one interface goes away for a few periods,
# then comes back. pcap's header needs a link type, and a new file took it
# from the interfaces attached: with none, "no interface to write" and
# exit 1. Now the files keep the capture's, and the packets sent after the
# interface came back are in them
c=$(lab_ns c)
ip -n "$c" link set lo down
lab_link "$c" eth0 203.0.113.1 "$b" eth1 203.0.113.2
cpid=$(lab_target "$c")
lab_bg "$NSCAP" -t "$cpid" -i all -F pcap -G 1 -w 'gone-%H%M%S.pcap' udp port 9999 2>gone.err
n=$BG_PID
wait_for 10 listening gone.err || fail "pcap, none left: nscap did not start"
ip -n "$c" link del eth0
sleep 2.5 # two periods with no interface
[ -d "/proc/$n" ] || fail "pcap, none left: nscap stopped: $(cat gone.err)"
lab_link "$c" eth0 203.0.113.1 "$b" eth1 203.0.113.2
back() { grep -q '^nscap: eth0 appeared$' gone.err; }
wait_for 5 back || fail "pcap, none left: eth0 not attached again: $(cat gone.err)"
send "$b" 203.0.113.1 9999 5 100
sleep 1.5
kill -INT "$n"
wait "$n" || fail "pcap, none left: exit $?: $(cat gone.err)"
total=$(in_files gone-*.pcap) || exit 1
[ "$total" -eq 5 ] || fail "pcap, none left: $total of 5 in the files"
pass
