# The reader of stdout goes away (Wireshark closed, | head -c): nscap exits
# promptly and quietly with status 0, whether packets are flowing or not.
. "$(dirname "$0")/lib.sh"
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

# no traffic at all: head takes the 24-byte header and leaves
start=$SECONDS
timeout 10 bash -c '"$0" -t "$1" -q -w - udp 2>"$2"; echo $? >"$3"' \
	"$NSCAP" "$pid" "$LAB_DIR/idle.err" "$LAB_DIR/idle.rc" | head -c 10 >/dev/null
[ -s "$LAB_DIR/idle.rc" ] || fail "idle: nscap still running after 10 s"
[ "$(cat "$LAB_DIR/idle.rc")" = 0 ] || fail "idle: exit $(cat "$LAB_DIR/idle.rc")"
[ $((SECONDS - start)) -le 3 ] || fail "idle: took $((SECONDS - start)) s"
[ ! -s "$LAB_DIR/idle.err" ] || fail "idle: stderr: $(cat "$LAB_DIR/idle.err")"

# a reader gone before the first byte (nscap ... | true): the same quiet end,
# in both formats (the header's write failed with exit 1 and a message)
for f in pcapng pcap; do
	timeout 10 bash -c '"$0" -t "$1" -F "$4" -w - udp 2>"$2"; echo $? >"$3"' \
		"$NSCAP" "$pid" "$LAB_DIR/gone.err" "$LAB_DIR/gone.rc" "$f" | true
	[ "$(cat "$LAB_DIR/gone.rc")" = 0 ] || fail "gone at the start, $f: exit $(cat "$LAB_DIR/gone.rc"): $(cat "$LAB_DIR/gone.err")"
	! grep -q "Broken pipe\|cannot" "$LAB_DIR/gone.err" || fail "gone at the start, $f: $(cat "$LAB_DIR/gone.err")"
done

# under traffic: the reader leaves after 100 bytes
lab_bg send "$b" 198.51.100.1 9999 2000 200
timeout 10 bash -c '"$0" -t "$1" -q -w - udp 2>"$2"; echo $? >"$3"' \
	"$NSCAP" "$pid" "$LAB_DIR/busy.err" "$LAB_DIR/busy.rc" | head -c 100 >/dev/null
[ -s "$LAB_DIR/busy.rc" ] || fail "busy: nscap still running after 10 s"
[ "$(cat "$LAB_DIR/busy.rc")" = 0 ] || fail "busy: exit $(cat "$LAB_DIR/busy.rc")"
[ ! -s "$LAB_DIR/busy.err" ] || fail "busy: stderr: $(cat "$LAB_DIR/busy.err")"
# stdout a socket whose reader closes with data unread while nscap waits to
# write (2 MB/s of traffic fills the socket at once): that write says
# ECONNRESET, not EPIPE, and the reader went away all the same (it ended
# with status 1 and "Connection reset by peer" three times), both formats
for f in pcapng pcap; do
	lab_bg ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9995 -n 40000 -s 1000 -r 2000 -t 20
	sender=$BG_PID
	python3 - "$NSCAP" "$pid" "$f" "$LAB_DIR/sock.err" >"$LAB_DIR/sock.out" <<'PY' ||
import socket, subprocess, sys, time
nscap, pid, fmt, errpath = sys.argv[1:]
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
with open(errpath, "w") as err:
    p = subprocess.Popen([nscap, "-t", pid, "-F", fmt, "-w", "-",
                          "udp", "port", "9995"], stdout=a.fileno(), stderr=err)
a.close()
end = time.time() + 10
while "listening" not in open(errpath).read() and time.time() < end:
    time.sleep(0.05)
time.sleep(1.0)
# unread data there, and the socket full: nscap waits to write
unread = b.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
b.close()
try:
    print(p.wait(5), len(unread))
except subprocess.TimeoutExpired:
    p.kill()
    print("running", len(unread))
PY
		fail "socket reader, $f: python3 failed"
	kill "$sender" 2>/dev/null
	wait "$sender" 2>/dev/null
	[ "$(cat "$LAB_DIR/sock.out")" = "0 1" ] ||
		fail "socket reader gone, $f: exit and unread: $(cat "$LAB_DIR/sock.out"): $(cat "$LAB_DIR/sock.err")"
	! grep -q "cannot\|lost" "$LAB_DIR/sock.err" || fail "socket reader gone, $f: $(cat "$LAB_DIR/sock.err")"
done

# SIGHUP with stdout as the output (no file to start anew: the terminal
# went away) stops the capture, exit 0
lab_bg bash -c '"$0" -t "$1" -w - udp 2>"$2" | cat >/dev/null' "$NSCAP" "$pid" "$LAB_DIR/hup.err"
wait_for 10 listening "$LAB_DIR/hup.err" || fail "hup: nscap did not start"
pkill -HUP -P "$BG_PID" -f "nscap -t $pid" || fail "hup: no nscap"
wait_for 5 test ! -d "/proc/$BG_PID" || fail "SIGHUP did not stop a capture to stdout"

# a reader that is alive but stalls: a first SIGINT waits for it (a slow
# reader gets what was captured), a second one 0.5 s later stops at once,
# exit 0, saying so (the write had blocked with the signals held: only
# SIGKILL ended it)
lab_bg bash -c '{ "$0" -t "$1" -w - udp port 9997 2>"$2"; echo $? >"$3"; } |
	{ echo $BASHPID >"$4"; sleep 30; cat; } >/dev/null 2>&1' \
	"$NSCAP" "$pid" "$LAB_DIR/stall.err" "$LAB_DIR/stall.rc" "$LAB_DIR/stall.reader"
wait_for 10 listening "$LAB_DIR/stall.err" || fail "stall: nscap did not start"
# megabytes, more than the pipe nscap grows to 1 MiB holds
send "$b" 198.51.100.1 9997 20000 20000
n=$(pgrep -f "^$NSCAP -t $pid -w - udp port 9997") || fail "stall: no nscap"
LAB_PIDS+=("$n" "$(cat "$LAB_DIR/stall.reader")")
kill -INT "$n"
sleep 0.5
[ -d "/proc/$n" ] || fail "stall: one SIGINT did not wait for the reader"
kill -INT "$n"
wait_for 3 test -s "$LAB_DIR/stall.rc" || fail "stall: a second SIGINT did not stop nscap"
[ "$(cat "$LAB_DIR/stall.rc")" = 0 ] || fail "stall: exit $(cat "$LAB_DIR/stall.rc")"
grep -q "^nscap: stopped at once: the output took no more" "$LAB_DIR/stall.err" ||
	fail "stall: $(cat "$LAB_DIR/stall.err")"
pkill -P "$(cat "$LAB_DIR/stall.reader")" sleep

# a reader that reads, slowly (4 KiB every 0.1 s): the writes to the full
# pipe make progress, and a second SIGINT must still stop at once (a short
# write once hid the signal, and the next write blocked again)
lab_bg bash -c '{ "$0" -t "$1" -w - udp port 9996 2>"$2"; echo $? >"$3"; } |
	{ echo $BASHPID >"$4"; while head -c 4096 >/dev/null; do sleep 0.1; done; }' \
	"$NSCAP" "$pid" "$LAB_DIR/slow.err" "$LAB_DIR/slow.rc" "$LAB_DIR/slow.reader"
wait_for 10 listening "$LAB_DIR/slow.err" || fail "slow: nscap did not start"
# a burst, to the twin: megabytes for the reader to take
send "$b" 198.51.100.1 9996 100000 0
sleep 1
n=$(pgrep -f "^$NSCAP -t $pid -w - udp port 9996") || fail "slow: no nscap"
LAB_PIDS+=("$n" "$(cat "$LAB_DIR/slow.reader")")
kill -INT "$n"
sleep 0.5
kill -INT "$n"
wait_for 3 test -s "$LAB_DIR/slow.rc" || fail "slow: a second SIGINT did not stop nscap"
[ "$(cat "$LAB_DIR/slow.rc")" = 0 ] || fail "slow: exit $(cat "$LAB_DIR/slow.rc")"
grep -q "^nscap: stopped at once: the output took no more" "$LAB_DIR/slow.err" ||
	fail "slow: $(cat "$LAB_DIR/slow.err")"
kill "$(cat "$LAB_DIR/slow.reader")" 2>/dev/null

# a FIFO with no reader: nscap says it waits for one; SIGUSR1 does not end
# the wait, SIGINT does, with exit 0 and nothing captured
mkfifo "$LAB_DIR/fifo"
lab_bg "$NSCAP" -t "$pid" -w "$LAB_DIR/fifo" udp 2>"$LAB_DIR/fifo.err"
n=$BG_PID
waiting() { grep -q "waiting for a reader of $LAB_DIR/fifo" "$LAB_DIR/fifo.err"; }
wait_for 10 waiting || fail "FIFO: no word of the wait: $(cat "$LAB_DIR/fifo.err")"
kill -USR1 "$n"
sleep 0.5
[ -d "/proc/$n" ] || fail "SIGUSR1 ended the wait for a FIFO's reader: $(cat "$LAB_DIR/fifo.err")"
kill -INT "$n"
wait_for 3 test ! -d "/proc/$n" || fail "SIGINT did not end the wait for a FIFO's reader"
wait "$n"
expect_status 0 $? "SIGINT while waiting for a FIFO's reader"
! grep -q "cannot" "$LAB_DIR/fifo.err" || fail "FIFO wait: $(cat "$LAB_DIR/fifo.err")"

# -a duration counts from the reader's arrival, not from the start of the
# wait for it (a reader 1.5 s late got 0.5 s of a 2 s capture)
lab_bg "$NSCAP" -t "$pid" -a duration:2 -w "$LAB_DIR/fifo" udp 2>"$LAB_DIR/fifodur.err"
n=$BG_PID
waiting_dur() { grep -q "waiting for a reader of $LAB_DIR/fifo" "$LAB_DIR/fifodur.err"; }
wait_for 10 waiting_dur || fail "FIFO, -a duration: no word of the wait: $(cat "$LAB_DIR/fifodur.err")"
sleep 1.5
t0=$(date +%s%N)
cat "$LAB_DIR/fifo" >/dev/null
t1=$(date +%s%N)
wait "$n"
expect_status 0 $? "FIFO, -a duration"
[ $(((t1 - t0) / 1000000)) -ge 1800 ] ||
	fail "FIFO, -a duration:2: the reader got $(((t1 - t0) / 1000000)) ms"

# SIGHUP with a FIFO as the output stops the capture, as with stdout: no
# regular file named after the FIFO takes the rest
lab_bg cat "$LAB_DIR/fifo" >"$LAB_DIR/fifo.out"
reader=$BG_PID
lab_bg "$NSCAP" -t "$pid" -w "$LAB_DIR/fifo" udp port 9998 2>"$LAB_DIR/fifohup.err"
n=$BG_PID
wait_for 10 listening "$LAB_DIR/fifohup.err" || fail "FIFO SIGHUP: nscap did not start"
send "$b" 198.51.100.1 9998 5 500
sleep 0.3
kill -HUP "$n"
wait_for 5 test ! -d "/proc/$n" || fail "SIGHUP did not stop a capture to a FIFO"
wait "$n"
expect_status 0 $? "SIGHUP, FIFO"
wait "$reader"
[ ! -e "$LAB_DIR/fifo1" ] || fail "SIGHUP made a file next to the FIFO"
[ "$(pcap_count "$LAB_DIR/fifo.out")" -eq 5 ] || fail "FIFO reader got $(pcap_count "$LAB_DIR/fifo.out")"
pass
