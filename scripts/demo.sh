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
#      a live stream into a reader on the host;
#   3. a second tool-less container (its own rootfs and namespaces, eth0
#      203.0.113.1/24 on a veth pair to the client's eth1 203.0.113.2/24),
#      build/nscap -L (every network namespace on the host), then both
#      containers at once:
#      build/nscap -t PID1 -t PID2 -i all -w two.pcapng 'tcp port 80'
#      while the client fetches a page from each, stopped with SIGINT (as
#      Ctrl-C would); tshark shows each request with the interface it came
#      from: name TARGET:IFACE, description "pid N (httpd), net:[INODE]".
# All traffic stays between the namespaces this script creates (addresses
# from 198.51.100.0/24 and 203.0.113.0/24 only); every wait is bounded. The
# namespaces, the processes and the rootfs directories are removed on exit,
# also on failure or Ctrl-C. demo.pcap and two.pcapng are left behind.
set -euo pipefail

PROJ=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NSCAP=$PROJ/build/nscap
OUT=$PWD/demo.pcap
OUT2=$PWD/two.pcapng
CT=nscap-demo-$$-ct   # the container's network namespace
CT2=nscap-demo-$$-ct2 # the second container's
CL=nscap-demo-$$-cl   # the client's
CT_ADDR=198.51.100.1  # container eth0 <-> client eth0
CL_ADDR=198.51.100.2
CT2_ADDR=203.0.113.1 # second container eth0 <-> client eth1
CL2_ADDR=203.0.113.2
URL=http://$CT_ADDR/
URL2=http://$CT2_ADDR/

ROOT='' ROOT2='' TMP='' CT_PID='' HTTPD_PID='' CT2_PID='' HTTPD2_PID=''
CAP_PID='' LIVE_PID=''

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

stop_container() { # NETNS UNSHARE-PID HTTPD-PID
	local p
	[[ -n $2 ]] || return 0
	# httpd is PID 1 of its PID namespace: from outside only SIGKILL
	# reaches it. unshare (which blocks SIGTERM) reaps it and exits.
	[[ -n $3 ]] && kill -KILL "$3"
	stop_procs 0 "$2"
	# anything still in the container's namespace is ours too
	for p in $(ip netns pids "$1"); do
		kill -KILL "$p"
	done
}

remove_rootfs() { # DIR
	[[ -n $1 && -d $1 ]] || return 0
	# proc was mounted in the container's own mount namespace;
	# never remove through a mount point
	mountpoint -q "$1/proc" && umount -l "$1/proc"
	rm -rf --one-file-system "$1"
}

stop_all() { # every process this script started
	# the live pipeline: its two `timeout`s pass SIGTERM on to nscap and
	# tshark; then the subshell itself
	if [[ -n $LIVE_PID ]]; then
		pkill -TERM -P "$LIVE_PID"
		stop_procs TERM "$LIVE_PID"
	fi
	[[ -n $CAP_PID ]] && stop_procs TERM "$CAP_PID"
	stop_container "$CT" "$CT_PID" "$HTTPD_PID"
	stop_container "$CT2" "$CT2_PID" "$HTTPD2_PID"
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	stop_all 2>/dev/null # also hides bash's "Killed" job notices
	# the veth pairs go with the namespaces
	ip netns del "$CT" 2>/dev/null
	ip netns del "$CT2" 2>/dev/null
	ip netns del "$CL" 2>/dev/null
	remove_rootfs "$ROOT"
	remove_rootfs "$ROOT2"
	[[ -n $TMP ]] && rm -rf "$TMP"
	if ((rc == 0)); then
		printf '\n== done; cleaned up (namespaces, veths, processes, rootfs dirs)\n'
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
make_rootfs() { # DIR PAGE: busybox-static, a web page, no capture tools
	local a t
	mkdir -p "$1/bin" "$1/www" "$1/proc"
	cp /bin/busybox "$1/bin/busybox"
	for a in sh httpd sleep ip ls cat ps; do
		ln -s busybox "$1/bin/$a"
	done
	echo "$2" >"$1/www/index.html"
	for t in tcpdump tshark dumpcap wireshark tcpdump.real; do
		[[ -e $1/bin/$t ]] && die "the rootfs must not contain $t"
	done
	for a in tcpdump tshark; do
		"$1/bin/busybox" --list | grep -qx "$a" &&
			die "busybox has a $a applet; the demo needs a tool-less rootfs"
	done
	return 0
}

start_httpd() { # NETNS ROOT LOG: in the background; $! is unshare
	# ip netns exec becomes unshare; its child becomes httpd
	ip netns exec "$1" unshare --mount --pid --fork --kill-child \
		--mount-proc="$2/proc" \
		env -i PATH=/bin "$CHROOT" "$2" /bin/httpd -f -p 80 -h /www \
		</dev/null >"$3" 2>&1 &
}

find_httpd() { # NETNS UNSHARE-PID: print the container's httpd as the host sees it
	local p
	# in NETNS, child of unshare; within 5 s
	for _ in $(seq 50); do
		for p in $(ip netns pids "$1" 2>/dev/null); do
			if [[ $(cat "/proc/$p/comm" 2>/dev/null) == httpd &&
				$(ps -o ppid= -p "$p" | tr -d ' ') == "$2" ]]; then
				echo "$p"
				return 0
			fi
		done
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

wait_port80() { # NETNS: until something listens on port 80 there (5 s)
	for _ in $(seq 50); do
		ip netns exec "$1" ss -Hltn 'sport = :80' | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

say "building a container rootfs in $ROOT: busybox-static and a web page"
make_rootfs "$ROOT" "hello from the tool-less container"
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
start_httpd "$CT" "$ROOT" "$TMP/httpd.log"
CT_PID=$!
HTTPD_PID=$(find_httpd "$CT" "$CT_PID") || {
	cat "$TMP/httpd.log" >&2
	die "the container's httpd did not start"
}
wait_port80 "$CT" || die "httpd in the container does not listen on port 80"
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

wait_listening() { # ERRFILE PID [PATTERN...]: until nscap says it listens (10 s)
	local f=$1 pid=$2 pat ok
	shift 2
	(($#)) || set -- 'listening on'
	for _ in $(seq 100); do
		ok=1
		for pat in "$@"; do
			grep -q -- "$pat" "$f" 2>/dev/null || ok=0
		done
		((ok)) && return 0
		kill -0 "$pid" 2>/dev/null || return 1
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

# ---- 5. two containers at once, into one pcapng ----------------------
say "a second tool-less container: namespace $CT2 (eth0 $CT2_ADDR/24) <-veth-> $CL (eth1 $CL2_ADDR/24)"
ROOT2=$(mktemp -d /tmp/nscap-demo-root2.XXXXXX)
make_rootfs "$ROOT2" "hello from the second container"
ip netns add "$CT2"
ip link add eth0 netns "$CT2" type veth peer name eth1 netns "$CL"
ip -n "$CT2" addr add "$CT2_ADDR/24" dev eth0
ip -n "$CL" addr add "$CL2_ADDR/24" dev eth1
ip -n "$CT2" link set lo up
ip -n "$CT2" link set eth0 up
ip -n "$CL" link set eth1 up
start_httpd "$CT2" "$ROOT2" "$TMP/httpd2.log"
CT2_PID=$!
HTTPD2_PID=$(find_httpd "$CT2" "$CT2_PID") || {
	cat "$TMP/httpd2.log" >&2
	die "the second container's httpd did not start"
}
wait_port80 "$CT2" ||
	die "httpd in the second container does not listen on port 80"
NET1=$(readlink "/proc/$HTTPD_PID/ns/net")
NET2=$(readlink "/proc/$HTTPD2_PID/ns/net")
echo "   httpd in it is pid $HTTPD2_PID on the host, network namespace $NET2"
echo "   (the first: pid $HTTPD_PID, $NET1)"
echo "   \$ ip netns exec $CL curl -s $URL2"
ip netns exec "$CL" curl -s --noproxy '*' --max-time 5 "$URL2" | indent

say "every network namespace on the host, the two containers among them"
echo "   \$ build/nscap -L"
nsl=$("$NSCAP" -L) || die "nscap -L failed"
# short: the header and the two containers when the host has many
ino1=${NET1//[!0-9]/} ino2=${NET2//[!0-9]/}
if (($(wc -l <<<"$nsl") <= 12)); then
	echo "$nsl" | indent
else
	awk -v a="$ino1" -v b="$ino2" 'NR == 1 || $1 == a || $1 == b' \
		<<<"$nsl" | indent
	echo "   ... and $(($(wc -l <<<"$nsl") - 3)) more"
fi
for i in "$ino1" "$ino2"; do
	awk -v i="$i" '$1 == i { f = 1 } END { exit !f }' <<<"$nsl" ||
		die "nscap -L does not list net:[$i]"
done
echo "   (the containers are $ino1 and $ino2; PID shows a namespace's first"
echo "   process, here unshare, httpd's parent; the client has no process)"

say "both containers with one nscap, every interface in each (-i all), into two.pcapng in $PWD"
echo "   \$ build/nscap -t $HTTPD_PID -t $HTTPD2_PID -i all -w two.pcapng 'tcp port 80'"
# no `timeout` around it: on SIGINT, timeout signals nscap and then its
# whole process group, and a second SIGINT tells nscap to stop at once,
# without the packets its kernel rings still hold. Bounded all the same:
# every fetch has --max-time, and the stop below is waited for 10 s at most
# (the trap then ends nscap with SIGTERM, SIGKILL).
"$NSCAP" -t "$HTTPD_PID" -t "$HTTPD2_PID" -i all -w "$OUT2" 'tcp port 80' \
	2>"$TMP/two.err" &
CAP_PID=$!
wait_listening "$TMP/two.err" "$CAP_PID" \
	"listening on eth0 in pid $HTTPD_PID " \
	"listening on eth0 in pid $HTTPD2_PID " || {
	cat "$TMP/two.err" >&2
	die "nscap did not start listening on both containers"
}
nlisten=$(wc -l <"$TMP/two.err")
indent <"$TMP/two.err"
for u in "$URL" "$URL2"; do
	echo "   \$ ip netns exec $CL curl -s $u"
	ip netns exec "$CL" curl -s --noproxy '*' --max-time 5 "$u" | indent
done
sleep 0.5 # the last ACK and FIN on the wire
echo "   \$ kill -INT $CAP_PID       (nscap; or press Ctrl-C)"
kill -INT "$CAP_PID"
for _ in $(seq 100); do
	gone "$CAP_PID" && break
	sleep 0.1
done
gone "$CAP_PID" || {
	tail -n "+$((nlisten + 1))" "$TMP/two.err" | indent
	die "nscap did not stop within 10 s of SIGINT"
}
rc=0
wait "$CAP_PID" || rc=$?
CAP_PID=
tail -n "+$((nlisten + 1))" "$TMP/two.err" | indent
((rc == 0)) || die "nscap exited with status $rc"
[[ -s $OUT2 ]] || die "no $OUT2"

say "each request, labelled with the container and interface it was captured on"
echo "   \$ tshark -r two.pcapng -T fields -e frame.interface_name -e frame.interface_description -e ip.src -e ip.dst -e http.request.uri -Y http.request"
req2=$(tshark -r "$OUT2" -T fields -e frame.interface_name \
	-e frame.interface_description -e ip.src -e ip.dst \
	-e http.request.uri -Y http.request 2>"$TMP/tshark2.err") || {
	cat "$TMP/tshark2.err" >&2
	die "tshark cannot read $OUT2"
}
echo "$req2" | indent
# one GET each, on the right container's eth0, from the right address
want() { # IFACE-NAME DESCRIPTION-START DST
	awk -F '\t' -v n="$1" -v d="$2" -v a="$3" '
		$1 == n && index($2, d) == 1 && $4 == a && $5 == "/" { c++ }
		END { exit c != 1 }' <<<"$req2"
}
want "$HTTPD_PID:eth0" "pid $HTTPD_PID (httpd), $NET1" "$CT_ADDR" ||
	die "expected one GET / on $HTTPD_PID:eth0 to $CT_ADDR"
want "$HTTPD2_PID:eth0" "pid $HTTPD2_PID (httpd), $NET2" "$CT2_ADDR" ||
	die "expected one GET / on $HTTPD2_PID:eth0 to $CT2_ADDR"
(($(grep -c . <<<"$req2") == 2)) || die "expected exactly 2 requests in $OUT2"

say "the interfaces in two.pcapng (what Wireshark's Statistics > Capture File Properties lists)"
echo "   \$ capinfos -I two.pcapng"
capinfos -I "$OUT2" 2>/dev/null |
	grep -E 'Interface #|Name =|Description =|Number of packets =' | indent ||
	true
echo
echo "   Open it in Wireshark to see the same labels: wireshark two.pcapng"
echo "   (Statistics > Capture File Properties lists the interfaces; each"
echo "   packet's Frame details show 'Interface name: $HTTPD_PID:eth0' and its"
echo "   description; right-click it > Apply as Column for a column)"

say "summary: the containers have no capture tools, yet $OUT ($(stat -c %s "$OUT") bytes) and $OUT2 ($(stat -c %s "$OUT2") bytes) hold their traffic, on the host"
