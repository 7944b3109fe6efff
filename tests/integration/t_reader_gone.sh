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

# under traffic: the reader leaves after 100 bytes
lab_bg send "$b" 198.51.100.1 9999 2000 200
timeout 10 bash -c '"$0" -t "$1" -q -w - udp 2>"$2"; echo $? >"$3"' \
	"$NSCAP" "$pid" "$LAB_DIR/busy.err" "$LAB_DIR/busy.rc" | head -c 100 >/dev/null
[ -s "$LAB_DIR/busy.rc" ] || fail "busy: nscap still running after 10 s"
[ "$(cat "$LAB_DIR/busy.rc")" = 0 ] || fail "busy: exit $(cat "$LAB_DIR/busy.rc")"
[ ! -s "$LAB_DIR/busy.err" ] || fail "busy: stderr: $(cat "$LAB_DIR/busy.err")"
# SIGHUP with stdout as the output (no file to start anew: the terminal
# went away) stops the capture, exit 0
lab_bg bash -c '"$0" -t "$1" -w - udp 2>"$2" | cat >/dev/null' "$NSCAP" "$pid" "$LAB_DIR/hup.err"
wait_for 10 listening "$LAB_DIR/hup.err" || fail "hup: nscap did not start"
pkill -HUP -P "$BG_PID" -f "nscap -t $pid" || fail "hup: no nscap"
wait_for 5 test ! -d "/proc/$BG_PID" || fail "SIGHUP did not stop a capture to stdout"

# a FIFO with no reader: nscap waits for one, and SIGINT ends the wait
mkfifo "$LAB_DIR/fifo"
"$NSCAP" -t "$pid" -w "$LAB_DIR/fifo" udp 2>"$LAB_DIR/fifo.err" &
n=$!
sleep 1 # it waits in open(2) for a reader, before it says it listens
kill -INT "$n"
wait_for 3 test ! -d "/proc/$n" || fail "SIGINT did not end the wait for a FIFO's reader"
wait "$n"
pass
