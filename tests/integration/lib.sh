# Shared helpers for the integration tests: a lab of network namespaces made
# by the test itself, addresses only from the documentation ranges, and a
# cleanup that runs however the test ends.
#
# A test sources this file, builds its lab with lab_*, and ends with pass,
# fail MSG or skip MSG (exit 0, 1 and 77).
set -u

: "${NSCAP:?NSCAP must name the nscap binary under test}"
# `sudo make test`: what sudo sets changes nscap's defaults (-Z drops to
# that user, whose CLIs are asked too); a test that wants it sets it
unset SUDO_UID SUDO_GID SUDO_USER
LAB_ID="nsct$$"
LAB_PIDS=()
LAB_DIR=$(mktemp -d "/tmp/nscap-test.XXXXXX")
# the tests' own folder, whatever the test changes to later (a test run
# by hand as "bash tests/integration/t_X.sh" has a relative $0)
HERE=$(cd "$(dirname "$0")" && pwd)

lab_cleanup() {
	local p ns
	for p in "${LAB_PIDS[@]}"; do
		# stopped first: a subshell running send would otherwise see its
		# udpgen killed and print "FAIL: udpgen failed" after a pass
		kill -STOP "$p" 2>/dev/null
		pkill -9 -P "$p" 2>/dev/null # a pipeline's members
		kill -9 "$p" 2>/dev/null
	done
	for p in "${LAB_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	# by name: lab_ns often runs in a $(...) subshell
	for ns in $(ip netns list | awk -v id="$LAB_ID-" 'index($1, id) == 1 {print $1}'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$LAB_DIR"
}
trap lab_cleanup EXIT

pass() {
	exit 0
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# lab_ns NAME: a network namespace, named $LAB_ID-NAME, with lo up and IPv6
# off (no router solicitations or MLD reports to disturb packet counts).
lab_ns() {
	local ns="$LAB_ID-$1"
	ip netns add "$ns" || fail "cannot create netns $ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	echo "$ns"
}

# lab_link NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth pair between them.
lab_link() {
	ip link add "$LAB_ID-tmp" netns "$1" type veth peer name "$LAB_ID-tmq" \
		netns "$4" || fail "cannot create veth pair"
	ip -n "$1" link set "$LAB_ID-tmp" name "$2"
	ip -n "$4" link set "$LAB_ID-tmq" name "$5"
	ip -n "$1" addr add "$3/24" dev "$2"
	ip -n "$4" addr add "$6/24" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

# lab_pairs NS N: N veth pairs with both ends in NS, named vI and wI for I
# from 1 to N, up: interfaces to capture on that carry nothing.
lab_pairs() {
	local i
	for ((i = 1; i <= $2; i++)); do
		ip -n "$1" link add "v$i" type veth peer name "w$i" ||
			fail "cannot create a veth pair"
		ip -n "$1" link set "v$i" up
		ip -n "$1" link set "w$i" up
	done
}
# lab_target NS: a process living in NS (the "container"); prints its PID.
# Cleanup kills every process left in the lab's namespaces.
# It waits (up to 5 s) until ip has entered NS and become sleep: a target
# taken before is in the host's namespace, named "ip" (a CI run captured
# the host's eth0 so, and saw none of the lab's packets).
lab_target() {
	local pid i
	ip netns exec "$1" sleep 600 >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 100); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && break
		sleep 0.05
	done
	echo "$pid"
}

# lab_bg CMD...: run CMD in the background, killed at cleanup; sets BG_PID.
lab_bg() {
	"$@" &
	BG_PID=$!
	LAB_PIDS+=("$BG_PID")
}

# send NS DEST PORT COUNT [PPS]: COUNT UDP datagrams from NS to DEST:PORT.
send() {
	ip netns exec "$1" "$UDPGEN" -d "$2" -p "$3" -n "$4" -r "${5:-1000}" \
		-t 30 >/dev/null || fail "udpgen failed"
}

# wait_for SECONDS CMD...: until CMD succeeds, at most SECONDS.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# wait_exit SECONDS PID ERRFILE WHAT [STATUS]: PID (nscap) ends within
# SECONDS, with STATUS (default 0). If it does not, it gets SIGINT so that
# its statistics say where the packets went, and the test fails with its
# stderr (never a hang until run.sh's timeout).
wait_exit() {
	local end=$((SECONDS + $1)) rc
	while kill -0 "$2" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do
		sleep 0.05
	done
	if kill -0 "$2" 2>/dev/null; then
		kill -INT "$2" 2>/dev/null
		sleep 2
		kill -9 "$2" 2>/dev/null
		wait "$2" 2>/dev/null
		fail "$4: still running after $1 s; stderr: $(cat "$3")"
	fi
	wait "$2"
	rc=$?
	[ "$rc" -eq "${5:-0}" ] || fail "$4: exit status $rc; stderr: $(cat "$3")"
}

# listening FILE: nscap has printed its "listening on" line into FILE. A
# FILE used before must be emptied before nscap starts: `nscap 2>FILE &`
# truncates it in the child, and the parent may first read the last run's
# line, send its packets to nobody, and wait for ever (t_formats did, once
# in some 30 runs).
listening() {
	grep -q "listening on" "$1" 2>/dev/null
}

# busybox_rootfs DIR APPLET...: a container's root in DIR, busybox-static
# as /bin/busybox with each APPLET linked to it. Skips where busybox is
# missing or not static (the container has no libraries).
busybox_rootfs() {
	local dir=$1 bb a
	shift
	bb=$(command -v busybox) || skip "busybox is not installed"
	! ldd "$bb" >/dev/null 2>&1 || skip "$bb is not statically linked (busybox-static)"
	mkdir -p "$dir/bin" || fail "mkdir $dir/bin"
	cp "$bb" "$dir/bin/busybox" || fail "cp $bb"
	for a in "$@"; do
		ln -s busybox "$dir/bin/$a" || fail "ln $a"
	done
}

# http_fetch URL: its body (curl: 5 s at most, no proxy)
http_fetch() {
	curl -s -m 5 --noproxy '*' "$1" 2>/dev/null
}

# http_wait URL BODY: until URL answers BODY; fails after 15 s.
http_wait() {
	local end=$((SECONDS + 15))
	until [ "$(http_fetch "$1")" = "$2" ]; do
		[ "$SECONDS" -lt "$end" ] || fail "nothing in the container answers $1"
		sleep 0.05
	done
}

# capture_fetch OUT URL BODY ARGS...: nscap ARGS -w OUT 'tcp port 80' while
# URL is fetched once (answering BODY), stopped with SIGINT, status 0;
# its stderr in $LAB_DIR/cap.err.
capture_fetch() {
	local out=$1 url=$2 body=$3
	shift 3
	: >"$LAB_DIR/cap.err"
	lab_bg "$NSCAP" "$@" -w "$out" 'tcp port 80' 2>"$LAB_DIR/cap.err"
	wait_for 15 listening "$LAB_DIR/cap.err" ||
		fail "nscap $* did not start: $(cat "$LAB_DIR/cap.err")"
	[ "$(http_fetch "$url")" = "$body" ] || fail "nscap $*: fetching $url failed"
	sleep 1.5 # a block's timeout: the file mode delivers within 1 s
	kill -INT "$BG_PID"
	wait "$BG_PID"
	expect_status 0 $? "nscap $*"
}

# pcap_count FILE: packets in a capture file, as tshark reads them.
pcap_count() {
	tshark -r "$1" -T fields -e frame.number 2>/dev/null | wc -l
}

# stop_bg PATTERN [WHAT]: SIGINT to the process whose command line matches
# PATTERN (pkill -f), then wait for lab_bg's command, which returns its
# status; fails with "WHAT: no nscap to stop" (or without WHAT) when none
# matches, and when it has not ended 10 s after the signal (killed then,
# never a hang until run.sh's timeout).
stop_bg() {
	local end=$((SECONDS + 10))

	pkill -INT -f "$1" || fail "${2:+$2: }no nscap to stop"
	while kill -0 "$BG_PID" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do
		sleep 0.05
	done
	if kill -0 "$BG_PID" 2>/dev/null; then
		pkill -KILL -f "$1"
		kill -KILL "$BG_PID" 2>/dev/null
		wait "$BG_PID" 2>/dev/null
		fail "${2:+$2: }still running 10 s after SIGINT"
	fi
	wait "$BG_PID"
}

# captured_in TEXT, dropped_in TEXT: the counts of nscap's end lines in
# TEXT (its stderr), empty when missing; tcpdump's form, "1 packet
# dropped by kernel", "2 packets dropped by kernel".
captured_in() {
	sed -n 's/^\([0-9]*\) packets captured$/\1/p' <<<"$1"
}
dropped_in() {
	sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' <<<"$1"
}

# netns_inode PATH: the inode of a namespace file.
netns_inode() {
	stat -L -c %i "$1"
}

# ns_in_lab: the inode of lab namespace NAME's network namespace.
lab_ns_inode() {
	stat -L -c %i "/run/netns/$LAB_ID-$1"
}

# expect_status WANT GOT WHAT
expect_status() {
	[ "$2" -eq "$1" ] || fail "$3: exit status $2, expected $1"
}
