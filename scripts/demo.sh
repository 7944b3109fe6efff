#!/bin/bash
# nscap demo: capture a "container" that has no capture tools, from the host.
#
# Run as root from the project root: scripts/demo.sh
#
# It installs what is missing (scripts/deps.sh), builds nscap, and builds a
# tool-less container by hand: a busybox-static rootfs (no tcpdump, no
# tshark) running `httpd` in its own network, mount and PID namespaces, with
# eth0 198.51.100.1/24 on a veth pair to a "client" namespace (198.51.100.2/24).
# Then, from the host:
#   1. build/nscap -t PID -i eth0 -c 10 -w demo.pcap 'tcp port 80'
#      while the client fetches the page three times; demo.pcap lands in the
#      current directory and is read with tcpdump and tshark;
#   2. build/nscap -t PID -w - 'tcp port 80' | tshark -l -i - -c 5
#      a live stream into a reader on the host.
# All traffic stays between the two namespaces this script creates; every
# wait is bounded. The namespaces, the processes and the rootfs are removed
# on exit, also on failure or Ctrl-C. demo.pcap is left behind.
set -euo pipefail

PROJ=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NSCAP=$PROJ/build/nscap
OUT=$PWD/demo.pcap
CT=nscap-demo-$$-ct # the container's network namespace
CL=nscap-demo-$$-cl # the client's
CT_ADDR=198.51.100.1
CL_ADDR=198.51.100.2
URL=http://$CT_ADDR/

ROOT='' TMP='' CT_PID='' HTTPD_PID='' CAP_PID='' LIVE_PID=''

say() { printf '\n== %s\n' "$*"; }
die() {
	echo "demo: $*" >&2
	exit 1
}
indent() { sed 's/^/   /'; }

# ---- cleanup: everything this script made, in reverse order ----------
gone() { # PID: has exited (a zombie counts as gone)
	local s
	s=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	[[ $s == Z* ]]
}

stop_procs() { # SIGNAL PID...: signal, wait up to 3 s, SIGKILL, reap
	local sig=$1 p alive
	shift
	for p in "$@"; do
		kill "-$sig" "$p" 2>/dev/null
	done
	for _ in $(seq 30); do
		alive=0
		for p in "$@"; do
			gone "$p" || alive=1
		done
		((alive)) || break
		sleep 0.1
	done
	for p in "$@"; do
		gone "$p" || kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null # reaps our own children, quietly
	done
}

stop_all() { # every process this script started
	local p
	# the live pipeline: its two `timeout`s pass SIGTERM on to nscap and
	# tshark; then the subshell itself
	if [[ -n $LIVE_PID ]]; then
		pkill -TERM -P "$LIVE_PID"
		stop_procs TERM "$LIVE_PID"
	fi
	[[ -n $CAP_PID ]] && stop_procs TERM "$CAP_PID"
	# httpd is PID 1 of its PID namespace: from outside only SIGKILL
	# reaches it. unshare (which blocks SIGTERM) reaps it and exits.
	if [[ -n $CT_PID ]]; then
		[[ -n $HTTPD_PID ]] && kill -KILL "$HTTPD_PID"
		stop_procs 0 "$CT_PID"
		# anything still in the container's namespace is ours too
		for p in $(ip netns pids "$CT"); do
			kill -KILL "$p"
		done
	fi
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	stop_all 2>/dev/null # also hides bash's "Killed" job notices
	ip netns del "$CT" 2>/dev/null # the veth pair goes with it
	ip netns del "$CL" 2>/dev/null
	if [[ -n $ROOT && -d $ROOT ]]; then
		# proc was mounted in the container's own mount namespace;
		# never remove through a mount point
		mountpoint -q "$ROOT/proc" && umount -l "$ROOT/proc"
		rm -rf --one-file-system "$ROOT"
	fi
	[[ -n $TMP ]] && rm -rf "$TMP"
	if ((rc == 0)); then
		printf '\n== done; cleaned up (namespaces, veth, processes, rootfs)\n'
	else
		echo "demo: failed (exit $rc); cleaned up" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

((EUID == 0)) || die "run as root (it creates namespaces and captures)"

# ---- 1. dependencies and build -----------------------------------------
say "installing what is missing (scripts/deps.sh)"
"$PROJ/scripts/deps.sh"
say "building nscap (make)"
make -C "$PROJ" --no-print-directory
[[ -x $NSCAP ]] || die "make did not produce $NSCAP"
CHROOT=$(command -v chroot)
[[ -x /bin/busybox ]] || die "/bin/busybox missing (package busybox-static)"

TMP=$(mktemp -d /tmp/nscap-demo.XXXXXX)
ROOT=$(mktemp -d /tmp/nscap-demo-root.XXXXXX)

# ---- 2. the tool-less container ----------------------------------------
say "building a container rootfs in $ROOT: busybox-static and a web page"
mkdir -p "$ROOT/bin" "$ROOT/www" "$ROOT/proc"
cp /bin/busybox "$ROOT/bin/busybox"
for a in sh httpd sleep ip ls cat ps; do
	ln -s busybox "$ROOT/bin/$a"
done
echo "hello from the tool-less container" >"$ROOT/www/index.html"
for t in tcpdump tshark dumpcap wireshark tcpdump.real; do
	[[ -e $ROOT/bin/$t ]] && die "the rootfs must not contain $t"
done
for a in tcpdump tshark; do
	"$ROOT/bin/busybox" --list | grep -qx "$a" &&
		die "busybox has a $a applet; the demo needs a tool-less rootfs"
done
echo "   rootfs: $(cd "$ROOT" && find . -mindepth 1 | sort | tr '\n' ' ')"

say "network: namespace $CT (container, eth0 $CT_ADDR/24) <-veth-> $CL (client, eth0 $CL_ADDR/24)"
ip netns add "$CT"
ip netns add "$CL"
ip link add eth0 netns "$CT" type veth peer name eth0 netns "$CL"
ip -n "$CT" addr add "$CT_ADDR/24" dev eth0
ip -n "$CL" addr add "$CL_ADDR/24" dev eth0
for ns in "$CT" "$CL"; do
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
done

say "starting the container: httpd in its own network, mount and PID namespaces, chrooted"
echo "   \$ ip netns exec $CT unshare --mount --pid --fork --kill-child --mount-proc=ROOT/proc chroot ROOT /bin/httpd -f -p 80 -h /www"
ip netns exec "$CT" unshare --mount --pid --fork --kill-child \
	--mount-proc="$ROOT/proc" \
	env -i PATH=/bin "$CHROOT" "$ROOT" /bin/httpd -f -p 80 -h /www \
	</dev/null >"$TMP/httpd.log" 2>&1 &
CT_PID=$! # ip netns exec becomes unshare; its child becomes httpd

# the container's process as the host sees it: in $CT, child of unshare
for _ in $(seq 50); do
	for p in $(ip netns pids "$CT" 2>/dev/null); do
		if [[ $(cat "/proc/$p/comm" 2>/dev/null) == httpd &&
			$(ps -o ppid= -p "$p" | tr -d ' ') == "$CT_PID" ]]; then
			HTTPD_PID=$p
		fi
	done
	[[ -n $HTTPD_PID ]] && break
	kill -0 "$CT_PID" 2>/dev/null || break
	sleep 0.1
done
[[ -n $HTTPD_PID ]] || {
	cat "$TMP/httpd.log" >&2
	die "the container's httpd did not start"
}
for _ in $(seq 50); do
	ip netns exec "$CT" ss -Hltn 'sport = :80' | grep -q . && break
	sleep 0.1
done
ip netns exec "$CT" ss -Hltn 'sport = :80' | grep -q . ||
	die "httpd in the container does not listen on port 80"
echo "   on the host it is pid $HTTPD_PID:"
ps -o pid,ppid,user,comm,args -p "$HTTPD_PID" | indent
echo "   its network namespace $(readlink "/proc/$HTTPD_PID/ns/net"), the host's $(readlink /proc/self/ns/net)"

say "the container has no tcpdump: inside it (nsenter), trying tcpdump and tshark"
out=$(env -i PATH=/bin nsenter -t "$HTTPD_PID" --mount --net --pid --root \
	--wd /bin/sh -c 'echo "\$ ls /bin"; ls /bin;
		echo "\$ tcpdump -i eth0"; tcpdump -i eth0;
		echo "\$ tshark -i eth0"; tshark -i eth0; true' 2>&1)
echo "$out" | indent
grep -q 'tcpdump: not found' <<<"$out" ||
	die "expected tcpdump to be missing inside the container"

say "the page, fetched from the client namespace"
echo "   \$ ip netns exec $CL curl -s $URL"
ip netns exec "$CL" curl -s --noproxy '*' --max-time 5 "$URL" | indent

fetch() { # N: fetch the page N times from the client namespace
	local i
	for i in $(seq "$1"); do
		ip netns exec "$CL" curl -s -o /dev/null --noproxy '*' \
			--max-time 5 "$URL" || echo "   (fetch $i failed)"
	done
}

wait_listening() { # ERRFILE PID: until nscap says it listens (10 s)
	for _ in $(seq 100); do
		grep -q 'listening on' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# ---- 3. nscap from the host --------------------------------------------
say "from the host: the interfaces in pid $HTTPD_PID's network namespace"
echo "   \$ build/nscap -t $HTTPD_PID -D"
list=$("$NSCAP" -t "$HTTPD_PID" -D) || die "nscap -D failed"
echo "$list" | indent
[[ $(head -n1 <<<"$list") =~ ^1\.eth0([^[:alnum:]]|$) ]] ||
	die "expected nscap -D to list eth0 first"

say "capture 10 packets into demo.pcap in this directory ($PWD) while the client fetches 3 times"
echo "   \$ build/nscap -t $HTTPD_PID -i eth0 -c 10 -w demo.pcap 'tcp port 80'"
timeout 20 "$NSCAP" -t "$HTTPD_PID" -i eth0 -c 10 -w "$OUT" 'tcp port 80' \
	2>"$TMP/cap.err" &
CAP_PID=$!
wait_listening "$TMP/cap.err" "$CAP_PID" || {
	cat "$TMP/cap.err" >&2
	die "nscap did not start listening"
}
fetch 3
rc=0
wait "$CAP_PID" || rc=$?
CAP_PID=
indent <"$TMP/cap.err"
((rc != 124)) || die "nscap did not stop after 10 packets within 20 s"
((rc == 0)) || die "nscap exited with status $rc"
[[ -s $OUT ]] || die "no $OUT"

say "demo.pcap, read on the host with tcpdump"
echo "   \$ tcpdump -nr demo.pcap"
tcpdump -nr "$OUT" 2>&1 | indent
npk=$(tcpdump -nr "$OUT" 2>/dev/null | wc -l)
((npk == 10)) || die "expected 10 packets in demo.pcap, found $npk"

say "the HTTP request in it, with tshark"
echo "   \$ tshark -r demo.pcap -Y http.request"
req=$(tshark -r "$OUT" -Y http.request 2>"$TMP/tshark.err") || {
	cat "$TMP/tshark.err" >&2
	die "tshark cannot read $OUT"
}
echo "$req" | indent
grep -q 'GET / HTTP' <<<"$req" || die "no HTTP GET in $OUT"

# ---- 4. live: nscap | tshark -------------------------------------------
say "live: nscap streams to a reader on the host (tshark stops after 5 packets)"
echo "   \$ build/nscap -t $HTTPD_PID -w - 'tcp port 80' | tshark -l -i - -c 5"
(
	set +e
	timeout 20 "$NSCAP" -t "$HTTPD_PID" -w - 'tcp port 80' \
		2>"$TMP/live.err" |
		timeout 20 tshark -l -i - -c 5 >"$TMP/live.out" \
			2>"$TMP/live.tshark.err"
	echo "${PIPESTATUS[*]}" >"$TMP/live.rc"
) &
LIVE_PID=$!
wait_listening "$TMP/live.err" "$LIVE_PID" || {
	cat "$TMP/live.err" >&2
	die "nscap did not start listening"
}
for i in 1 2 3 4 5; do
	[[ -e $TMP/live.rc ]] && break
	fetch 1
	sleep 0.5
done
for _ in $(seq 250); do
	[[ -e $TMP/live.rc ]] && break
	sleep 0.1
done
wait "$LIVE_PID" || true
LIVE_PID=
[[ -e $TMP/live.rc ]] || die "the live pipeline did not finish"
indent <"$TMP/live.out"
indent <"$TMP/live.err"
read -r nscap_rc tshark_rc <"$TMP/live.rc"
echo "   (exit status: nscap $nscap_rc, tshark $tshark_rc)"
nlive=$(grep -c . "$TMP/live.out" || true)
if ((tshark_rc != 0 || nlive != 5)); then
	grep -v 'Running as user "root"' "$TMP/live.tshark.err" >&2 || true
	die "tshark did not show 5 live packets (status $tshark_rc, $nlive lines)"
fi
((nscap_rc == 0)) ||
	die "nscap exited with status $nscap_rc after its reader went away"

say "summary: the container has no capture tools, yet $OUT holds its traffic ($(stat -c %s "$OUT") bytes, on the host)"
