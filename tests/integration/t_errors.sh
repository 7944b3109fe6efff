# Bad input: a clear message on stderr that starts with "nscap: ", the
# documented exit status, nothing on stdout and no output file created.
. "$(dirname "$0")/lib.sh"
# what podman leaves in /tmp when nscap runs it as nobody (below): removed
# at the end, unless it was there before
nobody_tmp=()
for d in /tmp/podman-run-65534 /tmp/containers-user-65534; do
	[ -e "$d" ] || nobody_tmp+=("$d")
done
errors_cleanup() {
	rm -rf "${nobody_tmp[@]}"
	lab_cleanup
}
trap errors_cleanup EXIT
a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")
out="$LAB_DIR/out.pcap"

# check WANT_STATUS PATTERN ARGS...: run nscap, check status, message, no file
check() {
	local want=$1 pattern=$2 rc
	shift 2
	rm -f "$out"
	"$NSCAP" "$@" >"$LAB_DIR/stdout" 2>"$LAB_DIR/stderr"
	rc=$?
	[ "$rc" -eq "$want" ] || fail "nscap $*: exit $rc, expected $want: $(cat "$LAB_DIR/stderr")"
	grep -q "^nscap: " "$LAB_DIR/stderr" || fail "nscap $*: no 'nscap: ' message"
	grep -Eq "$pattern" "$LAB_DIR/stderr" ||
		fail "nscap $*: message '$(head -n 1 "$LAB_DIR/stderr")' does not match '$pattern'"
	[ ! -s "$LAB_DIR/stdout" ] || fail "nscap $*: wrote to stdout"
	[ ! -e "$out" ] || fail "nscap $*: created the output file"
}

# a PID that does not exist: one that just exited
sleep 0 & gone=$!
wait "$gone"
check 1 "cannot find process $gone: No such process" -t "$gone" -w "$out"
# a name longer than a path may be (over 4096 bytes, ./ repeated): refused, not
# cut to fit, which named another file ($LAB_DIR/c)
long="$LAB_DIR/$(printf './%.0s' $(seq 1 2030))capture.pcapng"
check 1 "^nscap: -w names a file of 4[0-9]{3} bytes: File name too long$" -t "$pid" -w "$long"
[ ! -e "$LAB_DIR/c" ] && [ ! -e "$LAB_DIR/capture.pcapng" ] ||
	fail "a long name was cut: $(ls "$LAB_DIR")"
# a header that cannot be written: the message names the file
check 1 "^nscap: /dev/full: cannot write pcapng header: No space left on device$" -t "$pid" -w /dev/full
# /dev/stdout is a symbolic link, which -w does not follow: the hint
check 1 "cannot open /dev/stdout, a symbolic link, which nscap does not follow \(for standard output: -w -\)" -t "$pid" -w /dev/stdout
# a name (too few hex digits for an ID prefix): looked up, not found
check 1 "no container named 'abc'|no container runtime CLI found" -t abc -w "$out"
check 1 "invalid target 'w b'" -t 'w b' -w "$out"
# a zombie: its PID is still there, its network namespace is not
ip netns exec "$a" sh -c 'sleep 0.1 & echo $! >"$0"; exec sleep 5' "$LAB_DIR/zpid" &
LAB_PIDS+=("$!")
zombie() { [ "$(ps -o stat= -p "$(cat "$LAB_DIR/zpid" 2>/dev/null)" 2>/dev/null)" = Z ]; }
wait_for 3 zombie || fail "no zombie to try"
check 1 "cannot enter network namespace of pid $(cat "$LAB_DIR/zpid"): the process has exited" \
	-t "$(cat "$LAB_DIR/zpid")" -w "$out"
check 1 "invalid target '-5'" -t -5 -w "$out"
# a relative path without ./ is no path: the message says what one is
check 1 "^nscap: invalid target 'run/netns/$a': a namespace file path must start with /, \./ or \.\./$" \
	-t "run/netns/$a" -w "$out"
check 1 "invalid target '0'" -t 0 -w "$out"
check 2 "no target" -w "$out"
# SIGTERM while a container CLI is slow to answer the lookup: nscap ends at
# once, by the signal (its handlers come later; the lookup waited 5 s)
mkdir "$LAB_DIR/bin"
printf '#!/bin/sh\nexec sleep 4\n' >"$LAB_DIR/bin/podman"
chmod 0755 "$LAB_DIR/bin/podman"
PATH="$LAB_DIR/bin:$PATH" "$NSCAP" -t nscap-slow-name -D >/dev/null 2>&1 &
n=$!
LAB_PIDS+=("$n")
sleep 0.5
kill -TERM "$n"
wait_for 2 test ! -d "/proc/$n" || fail "SIGTERM did not end a slow target lookup"
wait "$n"
expect_status 143 $? "SIGTERM during the lookup"
# stdout closed by the caller (>&-): said, not written to whatever fd 1
# would be next (an eventfd once took the packets)
"$NSCAP" -t "$pid" -a duration:1 -w - >&- 2>"$LAB_DIR/closed.err"
expect_status 2 $? "closed stdout"
grep -q "^nscap: standard output is closed; use -w FILE$" "$LAB_DIR/closed.err" ||
	fail "closed stdout: $(cat "$LAB_DIR/closed.err")"
"$NSCAP" --help >&- 2>"$LAB_DIR/hclosed.err"
expect_status 1 $? "--help to a closed stdout"
grep -q "^nscap: standard output is closed$" "$LAB_DIR/hclosed.err" ||
	fail "--help to a closed stdout: $(cat "$LAB_DIR/hclosed.err")"
"$NSCAP" --help >/dev/full 2>"$LAB_DIR/full.err"
expect_status 1 $? "--help to a full device"
grep -q "^nscap: cannot write the help: No space left on device$" "$LAB_DIR/full.err" ||
	fail "--help to a full device: $(cat "$LAB_DIR/full.err")"
# a listing whose reader has gone (-D | head -n 0): a quiet end, status 0,
# not "Broken pipe" nor death by SIGPIPE (141); the sleep lets true end
# first, so that the write meets no reader
for args in "-t $pid -D" "-L" "-L --json" "--help" "-V"; do
	# shellcheck disable=SC2086 # the words of args are nscap's arguments
	{
		sleep 0.3
		"$NSCAP" $args 2>"$LAB_DIR/gone.err"
	} | true
	expect_status 0 "${PIPESTATUS[0]}" "nscap $args, its reader gone"
	[ ! -s "$LAB_DIR/gone.err" ] ||
		fail "nscap $args, its reader gone: $(cat "$LAB_DIR/gone.err")"
done
check 2 "unknown option '--bogus'" -t "$pid" --bogus -w "$out"
check 2 "invalid packet count '0'" -t "$pid" -c 0 -w "$out"
check 2 "option '-c' needs a value" -t "$pid" -w "$out" -c
# an interface that is not there: the message lists the ones that are
check 1 "no interface eth7 in the network namespace of pid $pid \(there: eth0, any, lo\)" \
	-t "$pid" -i eth7 -w "$out"
# interface names come from the namespace, whose root may put a terminal's
# escape sequences in them: each control byte a '?' in every message, and
# in the -i argument echoed back
esc=$(lab_ns esc)
ip -n "$esc" link add $'x\e[7mX' type veth peer name y || fail "cannot name a veth with an escape"
check 1 "no interface nosuch in the network namespace of netns:$esc \(there: [^)]*x\?\[7mX[^)]*\)" \
	-t "netns:$esc" -i nosuch -w "$out"
! grep -q $'\e' "$LAB_DIR/stderr" || fail "-i nosuch: an escape reached stderr: $(cat -v "$LAB_DIR/stderr")"
check 1 "no interface a\?\[1mb in the network namespace" -t "netns:$esc" -i $'a\e[1mb' -w "$out"
! grep -q $'\e' "$LAB_DIR/stderr" || fail "-i a^[[1mb: an escape reached stderr: $(cat -v "$LAB_DIR/stderr")"
check 1 "no interface but loopback is up in the network namespace of netns:$esc \(there: [^)]*x\?\[7mX[^)]*\)" \
	-t "netns:$esc" -w "$out"
! grep -q $'\e' "$LAB_DIR/stderr" || fail "only lo up: an escape reached stderr: $(cat -v "$LAB_DIR/stderr")"
ip -n "$esc" link set lo down
check 1 "no interface is up in the network namespace of netns:$esc \(there: [^)]*x\?\[7mX[^)]*\)" \
	-t "netns:$esc" -w "$out"
! grep -q $'\e' "$LAB_DIR/stderr" || fail "none up: an escape reached stderr: $(cat -v "$LAB_DIR/stderr")"
# libpcap's refusal (the interface is down) names it too
check 1 "cannot capture on x\?\[7mX: " -t "netns:$esc" -i $'x\e[7mX' -w "$out"
! grep -q $'\e' "$LAB_DIR/stderr" || fail "cannot capture: an escape reached stderr: $(cat -v "$LAB_DIR/stderr")"
# a bad filter expression: libpcap's message, before any file exists
check 1 "bad filter expression 'udp prot 53': .*syntax error" -t "$pid" -w "$out" udp prot 53
# an unwritable output path: before capture starts
check 1 "cannot open $LAB_DIR/no/such/dir/x.pcap: No such file or directory" \
	-t "$pid" -w "$LAB_DIR/no/such/dir/x.pcap"
check 1 "cannot open $LAB_DIR: Is a directory" -t "$pid" -w "$LAB_DIR"
# a planted symlink is not followed
ln -s "$LAB_DIR/victim" "$LAB_DIR/link.pcap"
check 1 "cannot open $LAB_DIR/link.pcap, a symbolic link, which nscap does not follow: Too many levels of symbolic links" \
	-t "$pid" -w "$LAB_DIR/link.pcap"
[ ! -e "$LAB_DIR/victim" ] || fail "wrote through a symlink"

# without privileges (user nobody, no capabilities)
if command -v setpriv >/dev/null; then
	chmod 0777 "$LAB_DIR"
	rm -f "$out"
	# as_nobody ARGS...: nscap ARGS as nobody; its status in rc
	as_nobody() {
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
			"$NSCAP" "$@" >"$LAB_DIR/stdout" 2>"$LAB_DIR/stderr"
		rc=$?
	}
	as_nobody -t "$pid" -w "$out"
	[ "$rc" -eq 1 ] || fail "unprivileged: exit $rc: $(cat "$LAB_DIR/stderr")"
	grep -q "^nscap: cannot enter network namespace of pid $pid: Operation not permitted (nscap needs root" \
		"$LAB_DIR/stderr" || fail "unprivileged: $(cat "$LAB_DIR/stderr")"
	[ ! -e "$out" ] || fail "unprivileged: created the output file"
	# a namespace file is named as a pid is: which target could not be
	# entered
	for t in "netns:$a" "/run/netns/$a"; do
		as_nobody -t "$t" -D
		[ "$rc" -eq 1 ] || fail "unprivileged -t $t: exit $rc: $(cat "$LAB_DIR/stderr")"
		grep -qF "nscap: cannot enter network namespace $t: Operation not permitted (nscap needs root" \
			"$LAB_DIR/stderr" || fail "unprivileged -t $t: $(cat "$LAB_DIR/stderr")"
	done
	# a name that a user's runtime CLI does not know: perhaps root's
	# (it said only "no container named", to a user who forgot sudo)
	as_nobody -t "nscap-no-such-$$" -w "$out"
	[ "$rc" -eq 1 ] || fail "unprivileged name: exit $rc: $(cat "$LAB_DIR/stderr")"
	grep -Eq "^nscap: (no container named 'nscap-no-such-$$' \(tried: .*\); as this user, who may not see root's containers \(nscap needs root\)|no container runtime CLI found)" \
		"$LAB_DIR/stderr" || fail "unprivileged name: $(cat "$LAB_DIR/stderr")"
fi

# binary packets are never written to a terminal
if command -v script >/dev/null; then
	script -qec "$NSCAP -t $pid" /dev/null >"$LAB_DIR/tty" 2>&1
	rc=$?
	[ "$rc" -eq 2 ] || fail "terminal: exit $rc"
	grep -q "refusing to write packets to a terminal" "$LAB_DIR/tty" ||
		fail "terminal: $(cat "$LAB_DIR/tty")"
	# nor through -w naming one
	script -qec "timeout 5 $NSCAP -t $pid -w /dev/tty -c 1" /dev/null >"$LAB_DIR/tty" 2>&1
	rc=$?
	[ "$rc" -eq 2 ] || fail "-w /dev/tty: exit $rc: $(cat -v "$LAB_DIR/tty" | head -c 300)"
	grep -q "refusing to write packets to a terminal (/dev/tty)" "$LAB_DIR/tty" ||
		fail "-w /dev/tty: $(cat -v "$LAB_DIR/tty" | head -c 300)"
	# a usage error, before the target is looked up: 2, as for stdout
	script -qec "timeout 5 $NSCAP -t 999999 -w /dev/tty" /dev/null >"$LAB_DIR/tty" 2>&1
	rc=$?
	[ "$rc" -eq 2 ] || fail "-w /dev/tty, no such target: exit $rc: $(cat -v "$LAB_DIR/tty" | head -c 300)"
fi

# -C and -G name their next files after -w's: a FIFO or a device is no
# FILE (the files after it were made beside it: FIFO1, /dev/null1...)
mkfifo "$LAB_DIR/fifo"
mknod "$LAB_DIR/null" c 1 3
# with -W the first file is FILE0 (FILE itself is never written)
mknod "$LAB_DIR/ring0" c 1 3
for args in "-C 1 -w $LAB_DIR/fifo" "-G 1 -w $LAB_DIR/null" "-C 1 -W 2 -w $LAB_DIR/ring"; do
	# shellcheck disable=SC2086 # the words of args
	timeout 10 "$NSCAP" -t "$pid" $args >"$LAB_DIR/rot.out" 2>"$LAB_DIR/rot.err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$args: exit $rc: $(cat "$LAB_DIR/rot.err")"
	grep -q "^nscap: -C and -G write several files: they need -w FILE, and $LAB_DIR/[a-z0-9]* is not a regular file$" \
		"$LAB_DIR/rot.err" || fail "$args: $(cat "$LAB_DIR/rot.err")"
	[ ! -s "$LAB_DIR/rot.out" ] || fail "$args: wrote to stdout"
	ls "$LAB_DIR"/fifo?* "$LAB_DIR"/null?* "$LAB_DIR"/ring[1-9]* 2>/dev/null && fail "$args: made files beside it"
done
# a FIFO or a device alone is still written
timeout 10 "$NSCAP" -t "$pid" -c 1 -w "$LAB_DIR/null" -a duration:1 2>"$LAB_DIR/rot.err"
rc=$?
[ "$rc" -eq 0 ] || fail "-w device: exit $rc: $(cat "$LAB_DIR/rot.err")"

# a target in nscap's own network namespace (a container run with --network
# host) is said to be, once; one in a namespace of its own is not
"$NSCAP" -t $$ -t "pid:$$" -D >/dev/null 2>"$LAB_DIR/host.err" || fail "-t \$\$ -D: $(cat "$LAB_DIR/host.err")"
[ "$(grep -c "is in nscap's own network namespace" "$LAB_DIR/host.err")" -eq 1 ] ||
	fail "host namespace: $(cat "$LAB_DIR/host.err")"
"$NSCAP" -t "$pid" -D >/dev/null 2>"$LAB_DIR/host.err" || fail "-t $pid -D: $(cat "$LAB_DIR/host.err")"
! grep -q "own network namespace" "$LAB_DIR/host.err" || fail "lab namespace: $(cat "$LAB_DIR/host.err")"
# --network none: lo alone is up, and the message says -i lo captures it
none=$(lab_ns none)
npid=$(lab_target "$none")
check 1 "no interface but loopback is up in the network namespace of pid $npid \(there: any, lo\); -i lo captures it" -t "$npid" -w "$out"

# -s 0 is the default, in immediate mode too
timeout -s INT 2 "$NSCAP" -t "$pid" -s 0 -w - udp 2>"$LAB_DIR/s0.err" | cat >/dev/null
grep -q "snapshot length 262144 bytes" "$LAB_DIR/s0.err" || fail "-s 0 in a stream: $(cat "$LAB_DIR/s0.err")"

# --help goes to stdout with status 0; -V too
"$NSCAP" --help >"$LAB_DIR/help" 2>"$LAB_DIR/stderr" || fail "--help status"
grep -q "^Usage: nscap" "$LAB_DIR/help" || fail "--help text"
[ ! -s "$LAB_DIR/stderr" ] || fail "--help wrote to stderr"
"$NSCAP" -V | grep -q "^nscap [0-9]" || fail "-V"
pass
