#!/bin/bash
# nscap's benchmark against tcpdump and dumpcap (issue 6, docs/BENCHMARKS.md).
#
# Usage: scripts/bench.sh [-r REPS] [-w WORKLOADS] [-n TARGETS] [-o DIR]
#                         [-b NSCAP_B] [-u]
#        (as root; `make bench` builds what it needs and runs this)
#
#   -r REPS       repetitions of each measurement, alternating the order of
#                 the contenders each time; medians are reported (default 3)
#   -w WORKLOADS  comma-separated subset of: file64,file1500,stream64,
#                 tshark,latency,startup,idle,scale (default: all)
#   -n TARGETS    targets in the scale workload (default 50, at most 60)
#   -o DIR        where results.json and bench.png go (default bench/)
#   -b NSCAP_B    also run this second nscap build, as contender nscap-b
#                 (and, in file mode, nscap-b-ng: the same writing pcapng)
#                 (A/B: what a change bought, on the same traffic)
#   -u            unpinned: let the scheduler place the sender and the
#                 capturers (default: sender on CPU 0, capturer on CPU 1)
#
# It builds its own lab: a sender namespace and a target namespace joined
# by a veth pair (203.0.113.1 -> 203.0.113.2), a `sleep` living in the
# target namespace as the "container", and for the scale workload N more
# target namespaces on their own veth pairs from 198.51.100.0/24 (one /30
# each). Traffic goes only between these namespaces, from build/udpgen,
# every run bounded in packets and seconds. Everything is torn down on
# every way out (end, failure, Ctrl-C).
#
# Contenders on the same traffic in the same run: nscap (build/nscap, or
# $NSCAP), `nsenter -n -t PID tcpdump` and `nsenter -n -t PID dumpcap`; in
# file mode also nscap-ng, nscap writing pcapng (-w FILE.pcapng), since
# `-w FILE.pcap` picks the pcap writer, the same format as the anchors.
# And the floor (build/bench_floor, run as tcpdump is): the least a libpcap
# capturer does, one copy of each packet into a 1 MiB buffer and write(2);
# what a capturer spends above it is its own cost, and what the floor
# spends is libpcap's reading and the kernel's reading side (file, latency
# and start-up; the delivery into the ring is charged to the pinned sender).
# And in file mode "floor-dump": the floor with libpcap's pcap_dump writing
# the records (bench_floor -D; stdio, 1 MiB buffer, unlocked), the least a
# capturer that reads and writes pcap with libpcap costs, as nscap's pcap
# writer and tcpdump do.
# And in file mode "write": no capture, bench_floor -W writes the file the
# floor would leave, 1 MiB a write(2); the kernel's part, that every
# capturer writing these bytes pays.
# Each capturer runs under build/bench_run (wait4 rusage: user+sys CPU and
# peak RSS of the capturer itself: nsenter -n execs it in place); the CPU
# charged to packets is the capturer's on-CPU time (/proc/PID/task/*/
# schedstat) from "ready" to just before it is stopped, divided by the
# packets found in its output. Raw rows go to WORK/raw.jsonl, and
# scripts/bench_report.py prints the tables, ratios and PASS/FAIL and
# writes the JSON and the chart.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build
NSCAP=${NSCAP:-$B/nscap}
NSCAP_B=${NSCAP_B:-}
UDPGEN=$B/udpgen
BRUN=$B/bench_run
BLAT=$B/bench_latency
BSINK=$B/bench_sink
BFLOOR=$B/bench_floor
REPORT=$ROOT/scripts/bench_report.py

REPS=3
WORKLOADS=file64,file1500,stream64,tshark,latency,startup,idle,scale
SCALE_N=50
OUTDIR=$ROOT/bench

# Workload sizes (the issue's): 64-byte frames are 14 Ethernet + 20 IPv4 +
# 8 UDP + 22 payload (68 on the wire with the FCS); 1500-byte packets are
# MTU-sized IPv4 packets: 1472 payload, 1514-byte frames.
# (BENCH_SCALE=0.1 shrinks the packet counts, for trying the harness out)
FACTOR=${BENCH_SCALE:-1}
count() { awk -v n="$1" -v f="$FACTOR" 'BEGIN {v = int(n * f); print (v < 100 ? 100 : v)}'; }
FILE64_N=$(count 1000000)
FILE1500_N=$(count 200000)
STREAM_N=$(count 1000000)
TSHARK_N=$(count 200000)
SMALL_PAYLOAD=22
BIG_PAYLOAD=1472
LAT_RATE=200
LAT_SECONDS=5
STARTUP_RATE=2000
IDLE_SECONDS=1 # idle: how long each streaming capturer sits with no traffic
SCALE_PKTS=2000 # per target
PORT=9
SEND_LIMIT_S=30       # udpgen -t: no run sends longer than this
BLOCK_SETTLE=1.3      # file mode: > tcpdump's 1000 ms block timeout
SHORT_SETTLE=0.5      # and > the 250 ms of nscap, dumpcap and the floor
STREAM_SETTLE=0.5     # stream mode: the ring is drained in milliseconds
READY_TIMEOUT_S=15
STOP_TIMEOUT_S=15

usage() {
	sed -n '2,17s/^# \{0,1\}//p' "$0"
}

PIN=yes
while getopts "r:w:n:o:b:uh" opt; do
	case $opt in
	r) REPS=$OPTARG ;;
	w) WORKLOADS=$OPTARG ;;
	n) SCALE_N=$OPTARG ;;
	o) OUTDIR=$OPTARG ;;
	b) NSCAP_B=$OPTARG ;;
	u) PIN=no ;;
	h)
		usage
		exit 0
		;;
	*)
		usage >&2
		exit 2
		;;
	esac
done
[[ $REPS =~ ^[1-9][0-9]?$ ]] || {
	echo "bench: -r wants 1..99" >&2
	exit 2
}
# no leading zero: bash reads 010 as octal, and 08 not at all
if ! [[ $SCALE_N =~ ^[1-9][0-9]*$ ]] || ((SCALE_N < 2 || SCALE_N > 60)); then
	echo "bench: -n wants 2..60" >&2
	exit 2
fi
for w in ${WORKLOADS//,/ }; do
	case $w in
	file64 | file1500 | stream64 | tshark | latency | startup | idle | scale) ;;
	*)
		echo "bench: unknown workload '$w'" >&2
		exit 2
		;;
	esac
done
want() { [[ ,$WORKLOADS, == *,$1,* ]]; }

# Pinning: the sender on CPU 0, every capturer on CPU 1 (readers are not
# pinned). This kernel-side cost moves with placement: without
# CONFIG_IRQ_TIME_ACCOUNTING, softirq work (delivering the sender's packets
# into the rings) is charged to whichever task it interrupts, so a capturer
# that shares the sender's CPU is charged some of the sender's work and falls
# behind (drops, and 27 to 42% more "CPU" in those runs, docs/BENCHMARKS.md
# experiment 10).
SND_PIN=() CAP_PIN=()
if [[ $PIN == yes ]] && taskset -c 0,1 true 2>/dev/null; then
	SND_PIN=(taskset -c 0)
	CAP_PIN=(taskset -c 1)
else
	[[ $PIN == yes ]] && echo "bench: cannot run on CPUs 0 and 1: not pinned" >&2
	PIN=no
fi

if ((EUID != 0)); then
	echo "bench: run as root (it makes namespaces and captures)" >&2
	exit 1
fi
for f in "$NSCAP" "$UDPGEN" "$BRUN" "$BLAT" "$BSINK" "$BFLOOR" ${NSCAP_B:+"$NSCAP_B"}; do
	[[ -x $f ]] || {
		echo "bench: $f is missing; run 'make bench'" >&2
		exit 1
	}
done

# --- what the benchmark needs, installed only when missing -----------------
deps() {
	local p missing=()
	declare -A cmd=([tcpdump]=tcpdump [wireshark-common]=dumpcap
		[tshark]=tshark [gnuplot-nox]=gnuplot [iproute2]=ip
		[util-linux]=nsenter [python3]=python3)
	for p in "${!cmd[@]}"; do
		command -v "${cmd[$p]}" >/dev/null 2>&1 || missing+=("$p")
	done
	((${#missing[@]})) || return 0
	echo "bench: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections 2>/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" \
		>/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
			apt-get install -y -q --no-install-recommends \
				"${missing[@]}" >/dev/null; } || {
		echo "bench: cannot install ${missing[*]}" >&2
		exit 1
	}
}
deps
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

# --- the lab, and its teardown -----------------------------------------------
ID="nscb$$"
NS_SND="$ID-snd"
NS_TGT="$ID-tgt"
SND_IP=203.0.113.1
TGT_IP=203.0.113.2
WORK=$(mktemp -d /dev/shm/nscap-bench.XXXXXX 2>/dev/null) ||
	WORK=$(mktemp -d /tmp/nscap-bench.XXXXXX)
RAW=$WORK/raw.jsonl
PIDS=() # every background process started here, killed at the end
T0=$SECONDS

# ours PID: PID descends from this script (a runner, a pipeline's part, a
# capturer under bench_run): a PID that the run started and that ended
# long ago may be another's by now (a full run forks some 20,000)
ours() {
	local p=$1 i
	for ((i = 0; i < 4; i++)); do
		# the parent: the field after the state, past the ")" of the name
		p=$(sed -n 's/.*) [A-Za-z] \([0-9]*\) .*/\1/p' "/proc/$p/stat" 2>/dev/null)
		[[ -n $p && $p != 0 ]] || return 1
		[[ $p == "$$" ]] && return 0
	done
	return 1
}

cleanup() {
	local p ns f
	trap - EXIT INT TERM HUP
	for f in "$WORK"/*.pid; do
		[[ -s $f ]] && PIDS+=("$(cat "$f")")
	done 2>/dev/null
	# which first, then the kills: a capturer whose runner is gone is
	# no longer seen to be ours
	local mine=()
	for p in "${PIDS[@]}"; do
		kill -0 "$p" 2>/dev/null && ours "$p" && mine+=("$p")
	done
	for p in "${mine[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for ns in $(ip netns list | awk -v id="$ID-" 'index($1, id) == 1 {print $1}'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM HUP

die() {
	echo "bench: $*" >&2
	exit 1
}

log() {
	printf '[%4ds] %s\n' $((SECONDS - T0)) "$*" >&2
}

lab_ns() {
	ip netns add "$1" || die "cannot create netns $1"
	ip -n "$1" link set lo up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
}

mac_of() { # NS IF
	ip -n "$1" -br link show dev "$2" | awk '{print $3}'
}

# lab_link NS_A IF_A ADDR_A NS_B IF_B ADDR_B PREFIXLEN: a veth pair, with
# permanent neighbour entries both ways (no ARP in any measurement).
lab_link() {
	local tmp_a="${ID}a" tmp_b="${ID}b"
	ip link add "$tmp_a" netns "$1" type veth peer name "$tmp_b" \
		netns "$4" || die "cannot create a veth pair"
	ip -n "$1" link set "$tmp_a" name "$2"
	ip -n "$4" link set "$tmp_b" name "$5"
	ip -n "$1" addr add "$3/$7" dev "$2"
	ip -n "$4" addr add "$6/$7" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
	ip -n "$1" neigh replace "$6" lladdr "$(mac_of "$4" "$5")" dev "$2" \
		nud permanent
	ip -n "$4" neigh replace "$3" lladdr "$(mac_of "$1" "$2")" dev "$5" \
		nud permanent
}

# lab_target NS: a `sleep` living in NS, and a sink on the UDP port; sets
# TARGET_PID once the sleep is really in NS.
lab_target() {
	local ns=$1 pid want i
	ip netns exec "$ns" sleep 3600 </dev/null >/dev/null 2>&1 &
	pid=$!
	PIDS+=("$pid")
	ip netns exec "$ns" "$BSINK" -p "$PORT" -t 3600 </dev/null \
		>/dev/null 2>&1 &
	PIDS+=("$!")
	want=$(stat -L -c %i "/run/netns/$ns")
	for ((i = 0; i < 200; i++)); do
		[[ $(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null) == "$want" &&
			$(cat "/proc/$pid/comm" 2>/dev/null) == sleep ]] && break
		sleep 0.01
	done
	((i < 200)) || die "target in $ns did not start"
	TARGET_PID=$pid
}

build_lab() {
	lab_ns "$NS_SND"
	lab_ns "$NS_TGT"
	lab_link "$NS_SND" eth0 "$SND_IP" "$NS_TGT" eth0 "$TGT_IP" 24
	lab_target "$NS_TGT"
	TPID=$TARGET_PID
	log "lab: $NS_SND ($SND_IP) -> $NS_TGT ($TGT_IP), target pid $TPID"
}

# Scale lab: SCALE_N namespaces, target k at 198.51.100.(4k+2)/30 on its
# eth0, reached from the sender namespace's interface sK at 4k+1.
SCALE_PIDS=()
build_scale_lab() {
	local k ns
	for ((k = 0; k < SCALE_N; k++)); do
		ns="$ID-k$k"
		lab_ns "$ns"
		lab_link "$NS_SND" "s$k" "198.51.100.$((4 * k + 1))" \
			"$ns" eth0 "198.51.100.$((4 * k + 2))" 30
		lab_target "$ns"
		SCALE_PIDS+=("$TARGET_PID")
	done
	log "scale lab: $SCALE_N targets in 198.51.100.0/24"
}

# --- measuring one process -----------------------------------------------------
cpu_ns() { # PID: on-CPU ns of all its threads so far
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%d", s}'
}

# mem_of PID: "rss_kb hwm_kb pss_kb ring_size_kb ring_rss_kb ring_pss_kb";
# the ring is every mapping of a socket (the packet_mmap rings).
mem_of() {
	local rss hwm
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null)
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null)
	awk -v rss="${rss:-0}" -v hwm="${hwm:-0}" '
		/^[0-9a-f]+-[0-9a-f]+ / { sock = ($6 ~ /^socket:/) }
		/^Pss:/ { pss += $2; if (sock) rpss += $2 }
		sock && /^Size:/ { rsize += $2 }
		sock && /^Rss:/ { rrss += $2 }
		END { printf "%d %d %d %d %d %d", rss, hwm, pss, rsize, rrss, rpss }
	' "/proc/$1/smaps" 2>/dev/null || echo "0 0 0 0 0 0"
}

# wait_ready ERRFILE PIDFILE MARKER: the capturer said it is capturing.
wait_ready() {
	local end=$((SECONDS + READY_TIMEOUT_S)) pid=""
	while ((SECONDS < end)); do
		[[ -z $pid && -s $2 ]] && pid=$(cat "$2")
		if grep -q "$3" "$1" 2>/dev/null; then
			[[ -n $pid ]] && return 0
		fi
		if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.01
	done
	return 1
}

# wait_gone PID...: wait for them to exit; after STOP_TIMEOUT_S, SIGKILL to
# each one left. Give the capturers too, first: a capturer that ignored
# SIGINT outlived the runner killed in its place, and a stream's pipeline
# waited for it for ever.
wait_gone() {
	local p end=$((SECONDS + STOP_TIMEOUT_S))
	for p in "$@"; do
		while kill -0 "$p" 2>/dev/null && ((SECONDS < end)); do
			sleep 0.01
		done
	done
	for p in "$@"; do
		kill -9 "$p" 2>/dev/null
	done
	for p in "$@"; do
		wait "$p" 2>/dev/null
	done
}

ready_marker() {
	case $1 in
	dumpcap) echo "Capturing on" ;;
	*) echo "listening on" ;;
	esac
}

# capture_cmd CONTENDER MODE OUT [TARGET_PID] [EXTRA...]: sets CMD.
# MODE file: pcap file OUT; stream: -w - (tcpdump: -U --immediate-mode,
# what a live Wireshark pipe needs; nscap implies both for a pipe).
capture_cmd() {
	local who=$1 mode=$2 out=$3 pid=$4
	shift 4
	case $who in
	nscap | nscap-ng) CMD=("$NSCAP" -t "$pid" -i eth0 -w "$out" "$@") ;;
	nscap-b | nscap-b-ng) CMD=("$NSCAP_B" -t "$pid" -i eth0 -w "$out" "$@") ;;
	tcpdump)
		CMD=(nsenter -n -t "$pid" tcpdump -Z root -i eth0)
		[[ $mode == stream ]] && CMD+=(-U --immediate-mode)
		CMD+=(-w "$out" "$@")
		;;
	dumpcap) CMD=(nsenter -n -t "$pid" dumpcap -q -i eth0 -P -w "$out" "$@") ;;
	floor | floor-dump)
		CMD=(nsenter -n -t "$pid" "$BFLOOR" -i eth0)
		# a file: nscap's lone block-mode ring (NSCAP_RING_MAX, 16 MiB)
		if [[ $mode == stream ]]; then CMD+=(-I); else CMD+=(-B 16384); fi
		[[ $who == floor-dump ]] && CMD+=(-D)
		CMD+=(-w "$out" "$@")
		;;
	*) die "no contender $who" ;;
	esac
}

# parse_stats ERRFILE: TOOL_CAP TOOL_RECV TOOL_DROP from the tool's own
# statistics lines (tcpdump's three lines, nscap's same, dumpcap's own).
parse_stats() {
	local f=$1 rd
	TOOL_CAP=$(sed -n 's/^\([0-9][0-9]*\) packets\{0,1\} captured$/\1/p' "$f" | tail -n 1)
	TOOL_RECV=$(sed -n 's/^\([0-9][0-9]*\) packets\{0,1\} received by filter$/\1/p' "$f" | tail -n 1)
	TOOL_DROP=$(sed -n 's/^\([0-9][0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$f" | tail -n 1)
	rd=$(sed -n "s/^Packets received\/dropped on interface '.*': \([0-9]*\)\/\([0-9]*\) .*/\1 \2/p" "$f" | tail -n 1)
	if [[ -n $rd ]]; then
		TOOL_RECV=${rd% *}
		TOOL_DROP=${rd#* }
		TOOL_CAP=$(sed -n 's/^Packets captured: \([0-9]*\)$/\1/p' "$f" | tail -n 1)
	fi
	: "${TOOL_CAP:=null}" "${TOOL_RECV:=null}" "${TOOL_DROP:=null}"
}

kv() { # KEY LINE: the value of KEY=value in LINE
	local v
	v=$(tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -n 1)
	echo "${v:-null}"
}

# send DEST COUNT PAYLOAD RATE: udpgen from the sender namespace; sets
# SENT SEND_S SEND_PPS.
send() {
	local line
	line=$("${SND_PIN[@]}" ip netns exec "$NS_SND" "$UDPGEN" -d "$1" -p "$PORT" -n "$2" \
		-s "$3" -r "$4" -t "$SEND_LIMIT_S" </dev/null)
	if [[ $line =~ ^sent\ ([0-9]+)\ packets\ in\ ([0-9.]+)\ s\ \(([0-9]+)\ pps\) ]]; then
		SENT=${BASH_REMATCH[1]}
		SEND_S=${BASH_REMATCH[2]}
		SEND_PPS=${BASH_REMATCH[3]}
	else
		SENT=0 SEND_S=null SEND_PPS=null
		echo "bench: udpgen: ${line:-no output}" >&2
	fi
}

json_str() { # a value safe in a JSON string (our own short strings)
	printf '"%s"' "${1//\"/\'}"
}

# run_write WORKLOAD COUNT PAYLOAD REP: no capture; the file that COUNT
# packets of PAYLOAD bytes leave, written and timed by bench_floor -W (the
# CPU of its writes alone); its records counted by bench_latency.
run_write() {
	local wl=$1 count=$2 payload=$3 rep=$4 r="$WORK/$1.write.$4"
	local line summary recs ok=false
	warm "$count" "$payload"
	line=$("${CAP_PIN[@]}" "$BFLOOR" -W "$count" -s $((payload + 42)) \
		-w "$r.pcap" </dev/null 2>"$r.err")
	summary=$("$BLAT" "$r.pcap" 2>/dev/null)
	rm -f "$r.pcap"
	recs=$(kv records "$summary")
	[[ $recs == "$count" && $(kv cpu_s "$line") != null ]] && ok=true
	printf '{"workload":"%s","contender":"write","rep":%d,"mode":"write","captured":%s,"cpu_window_s":%s,"ok":%s,"note":%s}\n' \
		"$wl" "$rep" "$recs" "$(kv cpu_s "$line")" "$ok" \
		"$(json_str "$(tail -n 1 "$r.err" 2>/dev/null)")" >>"$RAW"
	log "$wl rep $rep: write alone: $recs records, CPU $(kv cpu_s "$line") s"
}

# warm COUNT PAYLOAD: write and remove as much as a capture of COUNT
# packets of PAYLOAD bytes leaves, just before it. On a virtual machine whose
# host takes free memory back (free page reporting, as on the machines of
# 2026-12-01), the first write into memory that has been free a while is
# about ten times slower: 3 GB into /dev/shm at 0.58 GB/s, then at 5.5 GB/s
# right after. A capturer writing into such memory falls behind the traffic
# and drops packets; without this, the first capturer of a workload, nscap,
# run right after the baseline that writes nothing, paid for it
# (docs/BENCHMARKS.md, experiment 31).
warm() {
	local mib=$((($1 * ($2 + 42 + 32) >> 20) + 1))
	dd if=/dev/zero of="$WORK/warm" bs=1M count="$mib" status=none 2>/dev/null
	rm -f "$WORK/warm"
}

# --- one capture run -----------------------------------------------------------
# block_settle WHO: how long after the traffic its file-mode capturer has
# handed over its last block (its block timeout, and some); the time the
# benchmark spends waiting is most of a file workload's
block_settle() {
	[[ $1 == tcpdump ]] && echo "$BLOCK_SETTLE" || echo "$SHORT_SETTLE"
}

# run_one WORKLOAD CONTENDER MODE COUNT PAYLOAD RATE REP
# MODE: file, stream (drained by bench_latency), tshark (into tshark -i -
# -q), latency (bench_latency -L), none (no capturer: the baseline).
run_one() {
	local wl=$1 who=$2 mode=$3 count=$4 payload=$5 rate=$6 rep=$7
	local r="$WORK/$wl.$who.$rep" out settle pid=null ok=true note=""
	local cpu0=0 cpu1=0 mem="0 0 0 0 0 0" st="" summary="" rdpid=""
	local tshark_cap=null capt=null

	rm -f "$r".*
	if [[ $who == none ]]; then
		send "$TGT_IP" "$count" "$payload" "$rate"
		printf '{"workload":"%s","contender":"none","rep":%d,"mode":"none","sent":%s,"send_s":%s,"send_pps":%s,"ok":true}\n' \
			"$wl" "$rep" "$SENT" "$SEND_S" "$SEND_PPS" >>"$RAW"
		log "$wl rep $rep: no capture: sender $SEND_PPS pps"
		return
	fi
	if [[ $who == write ]]; then
		run_write "$wl" "$count" "$payload" "$rep"
		return
	fi

	case $mode in
	file) out="$r.pcap" settle=$(block_settle "$who") ;;&
	file) [[ $who == nscap-ng || $who == nscap-b-ng ]] && out="$r.pcapng" ;;
	*) out=- settle=$STREAM_SETTLE ;;
	esac
	if [[ $mode == file ]]; then
		warm "$count" "$payload"
		capture_cmd "$who" file "$out" "$TPID"
	else
		capture_cmd "$who" stream - "$TPID"
	fi

	case $mode in
	file)
		"${CAP_PIN[@]}" "$BRUN" -o "$r.stat" -p "$r.pid" -- "${CMD[@]}" \
			</dev/null >/dev/null 2>"$r.err" &
		PIDS+=("$!")
		rdpid=$!
		;;
	stream)
		"${CAP_PIN[@]}" "$BRUN" -o "$r.stat" -p "$r.pid" -- "${CMD[@]}" \
			</dev/null 2>"$r.err" | "$BLAT" -p "$PORT" >"$r.drain" &
		PIDS+=("$!")
		rdpid=$!
		;;
	latency)
		"${CAP_PIN[@]}" "$BRUN" -o "$r.stat" -p "$r.pid" -- "${CMD[@]}" \
			</dev/null 2>"$r.err" |
			"$BLAT" -L -D "$r.lat" -p "$PORT" >"$r.drain" &
		PIDS+=("$!")
		rdpid=$!
		;;
	tshark)
		"${CAP_PIN[@]}" "$BRUN" -o "$r.stat" -p "$r.pid" -- "${CMD[@]}" \
			</dev/null 2>"$r.err" |
			TMPDIR=$WORK tshark -i - -q >/dev/null 2>"$r.tshark" &
		PIDS+=("$!")
		rdpid=$!
		;;
	esac

	if ! wait_ready "$r.err" "$r.pid" "$(ready_marker "$who")"; then
		ok=false
		note="not ready: $(tail -n 1 "$r.err" 2>/dev/null)"
	fi
	if [[ $ok == true && $mode == tshark ]]; then
		local end=$((SECONDS + READY_TIMEOUT_S))
		while ! grep -q "Capturing on" "$r.tshark" 2>/dev/null && ((SECONDS < end)); do
			sleep 0.02
		done
	fi
	[[ -s $r.pid ]] && pid=$(cat "$r.pid")
	if [[ $ok == true ]]; then
		sleep 0.1
		cpu0=$(cpu_ns "$pid")
		send "$TGT_IP" "$count" "$payload" "$rate"
		sleep "$settle"
		cpu1=$(cpu_ns "$pid")
		mem=$(mem_of "$pid")
		# gone before the window closed: its CPU and memory read as 0
		if ! kill -0 "$pid" 2>/dev/null; then
			ok=false
			note="ended before the traffic did: $(tail -n 1 "$r.err" 2>/dev/null)"
		fi
	else
		SENT=0 SEND_S=null SEND_PPS=null
	fi
	[[ $pid != null ]] && kill -INT "$pid" 2>/dev/null
	if [[ $pid != null ]]; then
		wait_gone "$pid" "$rdpid"
	else
		wait_gone "$rdpid"
	fi
	[[ -s $r.stat ]] && st=$(cat "$r.stat")
	parse_stats "$r.err"
	case $mode in
	file) [[ -s $out ]] && summary=$("$BLAT" -p "$PORT" "$out") ;;
	stream | latency) summary=$(cat "$r.drain" 2>/dev/null) ;;
	tshark)
		tshark_cap=$(sed -n 's/^\([0-9][0-9]*\) packets\{0,1\} captured$/\1/p' "$r.tshark" | tail -n 1)
		: "${tshark_cap:=null}"
		;;
	esac
	capt=$(kv records "$summary")
	[[ $mode == tshark ]] && capt=$tshark_cap
	# nothing timed: bench_latency's percentiles are -1, no figure
	if [[ $mode == latency && $ok == true && $(kv lat_n "$summary") =~ ^(0|null)$ ]]; then
		ok=false
		note="no packet timed"
	fi
	rm -f "$out" 2>/dev/null

	read -r m_rss m_hwm m_pss m_rsize m_rrss m_rpss <<<"$mem"
	printf '{"workload":"%s","contender":"%s","rep":%d,"mode":"%s","sent":%s,"send_s":%s,"send_pps":%s,"captured":%s,"tool_captured":%s,"received":%s,"dropped":%s,"cpu_window_s":%s,"wall_s":%s,"user_s":%s,"sys_s":%s,"maxrss_kb":%s,"status":%s,"rss_kb":%s,"hwm_kb":%s,"pss_kb":%s,"ring_kb":%s,"ring_rss_kb":%s,"ring_pss_kb":%s,"lat_n":%s,"lat_p50_us":%s,"lat_p99_us":%s,"lat_max_us":%s,"lat_us":%s,"ok":%s,"note":%s}\n' \
		"$wl" "$who" "$rep" "$mode" "$SENT" "$SEND_S" "$SEND_PPS" \
		"$capt" "$TOOL_CAP" "$TOOL_RECV" "$TOOL_DROP" \
		"$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.6f", (b - a) / 1e9}')" \
		"$(kv wall_s "$st")" "$(kv user_s "$st")" "$(kv sys_s "$st")" \
		"$(kv maxrss_kb "$st")" "$(kv status "$st")" \
		"$m_rss" "$m_hwm" "$m_pss" "$m_rsize" "$m_rrss" "$m_rpss" \
		"$(kv lat_n "$summary")" "$(kv lat_p50_us "$summary")" \
		"$(kv lat_p99_us "$summary")" "$(kv lat_max_us "$summary")" \
		"$(if [[ -s $r.lat ]]; then echo "[$(paste -sd, "$r.lat")]"; else echo null; fi)" \
		"$ok" "$(json_str "$note")" >>"$RAW"
	log "$wl rep $rep: $who: sent $SENT at $SEND_PPS pps, captured $capt, dropped ${TOOL_DROP}, CPU $(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.3f", (b - a) / 1e9}') s${note:+ ($note)}"
}

# rotate N WORD...: the words, starting at the (N mod count)-th.
rotate() {
	local n=$1
	shift
	local a=("$@") i
	for ((i = 0; i < ${#a[@]}; i++)); do
		echo "${a[$(((i + n) % ${#a[@]}))]}"
	done
}

# alternate WORKLOAD MODE COUNT PAYLOAD RATE CONTENDER...: REPS rounds,
# each with every contender once, the order rotated each round.
alternate() {
	local wl=$1 mode=$2 count=$3 payload=$4 rate=$5 rep who m
	shift 5
	for ((rep = 1; rep <= REPS; rep++)); do
		for who in $(rotate $((rep - 1)) "$@"); do
			m=$mode
			[[ $who == none ]] && m="none"
			[[ $who == write ]] && m="write"
			run_one "$wl" "$who" "$m" "$count" "$payload" "$rate" "$rep"
		done
	done
}

# --- start-up: exec until the first packet is captured ---------------------------
# A steady stream at STARTUP_RATE pps runs meanwhile; each capturer is run
# with -c 1 and timed from exec to: the first packet's kernel time stamp
# (the capture had begun), the first packet readable on its stdout (stream
# mode: what a person at Wireshark waits for), and its exit (which also
# counts closing the packet socket: an RCU grace period in the kernel).
startup() {
	local rep who mode r st summary gen i
	# long enough for every start (some 4 s a repetition; 120 s ran out
	# from -r 29 on)
	local secs=$((120 + 6 * REPS))
	"${SND_PIN[@]}" ip netns exec "$NS_SND" "$UDPGEN" -d "$TGT_IP" \
		-p "$PORT" -n $((STARTUP_RATE * secs)) -s "$SMALL_PAYLOAD" \
		-r "$STARTUP_RATE" -t "$secs" </dev/null >/dev/null &
	gen=$!
	PIDS+=("$gen")
	sleep 0.3
	# stream start-up: three times the repetitions (each takes some 50 ms,
	# and a kernel grace period of a few jiffies decides each one)
	for ((rep = 1; rep <= 3 * REPS; rep++)); do
		for mode in stream file; do
			[[ $mode == file ]] && ((rep > REPS)) && continue
			for who in $(rotate $((rep - 1)) nscap tcpdump dumpcap floor); do
				r="$WORK/startup.$mode.$who.$rep"
				if [[ $mode == file ]]; then
					capture_cmd "$who" file "$r.pcap" "$TPID" -c 1
					timeout -k 2 10 "${CAP_PIN[@]}" "$BRUN" -o "$r.stat" -- \
						"${CMD[@]}" </dev/null >/dev/null 2>"$r.err"
					summary=$("$BLAT" "$r.pcap" 2>/dev/null)
				else
					capture_cmd "$who" stream - "$TPID" -c 1
					summary=$(timeout -k 2 10 "${CAP_PIN[@]}" "$BRUN" -o "$r.stat" -- \
						"${CMD[@]}" </dev/null 2>"$r.err" | "$BLAT")
				fi
				st=$(cat "$r.stat" 2>/dev/null)
				printf '{"workload":"startup_%s","contender":"%s","rep":%d,"mode":"%s","start_ns":%s,"end_ns":%s,"wall_s":%s,"user_s":%s,"sys_s":%s,"maxrss_kb":%s,"status":%s,"captured":%s,"first_ts_ns":%s,"first_read_ns":%s,"ok":%s}\n' \
					"$mode" "$who" "$rep" "$mode" "$(kv start_ns "$st")" \
					"$(kv end_ns "$st")" "$(kv wall_s "$st")" \
					"$(kv user_s "$st")" "$(kv sys_s "$st")" \
					"$(kv maxrss_kb "$st")" "$(kv status "$st")" \
					"$(kv records "$summary")" "$(kv first_ts_ns "$summary")" \
					"$(if [[ $mode == stream ]]; then kv first_read_ns "$summary"; else echo null; fi)" \
					"$([[ $(kv records "$summary") == 1 ]] && echo true || echo false)" >>"$RAW"
				log "startup $mode rep $rep: $who: exec to exit $(kv wall_s "$st") s"
				rm -f "$r.pcap"
			done
		done
	done
	kill -INT "$gen" 2>/dev/null
	wait "$gen" 2>/dev/null
	for i in "${!PIDS[@]}"; do
		[[ ${PIDS[$i]} == "$gen" ]] && unset "PIDS[$i]"
	done
}

# --- idle: streaming with nothing to capture -------------------------------------
# What a capturer costs while no packet comes: the local timer interrupts
# of the whole machine a second (/proc/interrupts LOC: a ring's block timer
# fires whether or not packets come), and the capturer's CPU. No traffic is
# sent; "none" is the machine with no capturer.
loc_count() {
	awk '$1 == "LOC:" {for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i}
		END {printf "%d", s}' /proc/interrupts
}

idle_run() { # CONTENDER REP
	local who=$1 rep=$2 r="$WORK/idle.$1.$2" pid="" ok=true rdpid=""
	local l0 l1 c0=0 c1=0 t0 t1
	rm -f "$r".*
	if [[ $who != none ]]; then
		capture_cmd "$who" stream - "$TPID"
		"${CAP_PIN[@]}" "$BRUN" -o "$r.stat" -p "$r.pid" -- "${CMD[@]}" \
			</dev/null 2>"$r.err" | "$BLAT" >/dev/null &
		PIDS+=("$!")
		rdpid=$!
		wait_ready "$r.err" "$r.pid" "$(ready_marker "$who")" || ok=false
		[[ -s $r.pid ]] && pid=$(cat "$r.pid")
		sleep 0.5 # past start-up (nscap: its first switch)
	fi
	l0=$(loc_count)
	[[ -n $pid ]] && c0=$(cpu_ns "$pid")
	t0=$(date +%s%N)
	sleep "$IDLE_SECONDS"
	l1=$(loc_count)
	[[ -n $pid ]] && c1=$(cpu_ns "$pid")
	t1=$(date +%s%N)
	# a capturer gone meanwhile measured nothing
	[[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && ok=false
	if [[ -n $rdpid ]]; then
		[[ -n $pid ]] && kill -INT "$pid" 2>/dev/null
		wait_gone ${pid:+"$pid"} "$rdpid"
	fi
	printf '{"workload":"idle","contender":"%s","rep":%d,"mode":"stream","loc_per_s":%s,"cpu_ms_per_s":%s,"ok":%s}\n' \
		"$who" "$rep" \
		"$(awk -v a="$l0" -v b="$l1" -v t="$((t1 - t0))" 'BEGIN {printf "%.1f", (b - a) / (t / 1e9)}')" \
		"$(awk -v a="$c0" -v b="$c1" -v t="$((t1 - t0))" 'BEGIN {printf "%.3f", (b - a) / 1e6 / (t / 1e9)}')" \
		"$ok" >>"$RAW"
	log "idle rep $rep: $who: $(((l1 - l0) * 1000000000 / (t1 - t0))) timer interrupts/s"
}

idle() {
	local rep who
	if ! grep -q '^ *LOC:' /proc/interrupts; then
		log "idle: no LOC line in /proc/interrupts, not measured"
		return
	fi
	for ((rep = 1; rep <= REPS; rep++)); do
		for who in $(rotate $((rep - 1)) none nscap tcpdump); do
			idle_run "$who" "$rep"
		done
	done
}

# --- scale: N targets at once --------------------------------------------------
# nscap_multi: can one nscap take several -t? (the multi-target issue)
nscap_multi() {
	local one two
	one=$("$NSCAP" -t "${SCALE_PIDS[0]}" -D 2>/dev/null | wc -l)
	two=$("$NSCAP" -t "${SCALE_PIDS[0]}" -t "${SCALE_PIDS[1]}" -D 2>/dev/null) ||
		return 1
	(($(wc -l <<<"$two") > one))
}

# scale_run CONTENDER REP MULTI: every target captured at once, into
# files; traffic to each target in turn; sums over the capturers.
scale_run() {
	local who=$1 rep=$2 multi=$3 k r pids=() runners=() marker
	local cpu0=0 cpu1=0 sent=0 t_rss=0 t_hwm=0 t_pss=0 t_rsize=0 t_rrss=0 t_rpss=0
	local t_cap=0 t_drop=0 t_user=0 t_sys=0 t_maxrss=0 n_ok=0 fails=0
	local targs=() files=() procs p a b c d e f
	marker=$(ready_marker "$who")
	if [[ $multi == yes ]]; then
		for p in "${SCALE_PIDS[@]}"; do
			targs+=(-t "$p")
		done
		r="$WORK/scale.$who.$rep.0"
		"${CAP_PIN[@]}" "$BRUN" -o "$r.stat" -p "$r.pid" -- "$NSCAP" "${targs[@]}" -i eth0 \
			-w "$r.out" </dev/null >/dev/null 2>"$r.err" &
		PIDS+=("$!")
		runners+=("$!")
		procs=1
	else
		for ((k = 0; k < SCALE_N; k++)); do
			r="$WORK/scale.$who.$rep.$k"
			capture_cmd "$who" file "$r.out" "${SCALE_PIDS[$k]}"
			"${CAP_PIN[@]}" "$BRUN" -o "$r.stat" -p "$r.pid" -- "${CMD[@]}" \
				</dev/null >/dev/null 2>"$r.err" &
			PIDS+=("$!")
			runners+=("$!")
		done
		procs=$SCALE_N
	fi
	for ((k = 0; k < procs; k++)); do
		r="$WORK/scale.$who.$rep.$k"
		if wait_ready "$r.err" "$r.pid" "$marker"; then
			pids+=("$(cat "$r.pid")")
		else
			fails=$((fails + 1))
			echo "bench: scale: $who $k not ready: $(tail -n 1 "$r.err")" >&2
		fi
	done
	sleep 0.2
	for p in "${pids[@]}"; do
		cpu0=$((cpu0 + $(cpu_ns "$p")))
	done
	for ((k = 0; k < SCALE_N; k++)); do
		send "198.51.100.$((4 * k + 2))" "$SCALE_PKTS" "$SMALL_PAYLOAD" 0
		sent=$((sent + SENT))
	done
	sleep "$(block_settle "$who")"
	for p in "${pids[@]}"; do
		cpu1=$((cpu1 + $(cpu_ns "$p")))
		read -r a b c d e f <<<"$(mem_of "$p")"
		t_rss=$((t_rss + a)) t_hwm=$((t_hwm + b)) t_pss=$((t_pss + c))
		t_rsize=$((t_rsize + d)) t_rrss=$((t_rrss + e)) t_rpss=$((t_rpss + f))
		# gone before the window closed: its CPU and memory read as 0
		if ! kill -0 "$p" 2>/dev/null; then
			fails=$((fails + 1))
			echo "bench: scale: $who pid $p ended before the traffic did" >&2
		fi
	done
	for p in "${pids[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	wait_gone "${pids[@]}" "${runners[@]}"
	# every process's statistics lines (as parse_stats: the last of each)
	# and bench_run's figures (as kv: the first of each), summed in one
	# pass: a few processes each for fifty took 12 s where starting a
	# process costs 7 ms (the machines of 2026-12-01)
	for ((k = 0; k < procs; k++)); do
		r="$WORK/scale.$who.$rep.$k"
		[[ -e $r.err ]] && files+=("$r.err")
		[[ -e $r.stat ]] && files+=("$r.stat")
		rm -f "$r.out"
	done
	read -r t_cap t_drop t_maxrss n_ok t_user t_sys < <(awk '
		function flush() {
			if (cap != "") tc += cap
			if (drop != "") td += drop
		}
		FNR == 1 { flush(); cap = drop = ""; delete seen }
		FILENAME ~ /\.err$/ && /^[0-9]+ packets? captured$/ { cap = $1 }
		FILENAME ~ /\.err$/ && /^[0-9]+ packets? dropped by kernel$/ { drop = $1 }
		FILENAME ~ /\.stat$/ {
			for (i = 1; i <= NF; i++) {
				k = $i; sub(/=.*/, "", k)
				v = $i; sub(/^[^=]*=/, "", v)
				if (k in seen || v == "null") { seen[k]; continue }
				seen[k]
				if (k == "maxrss_kb") { tm += v; ok++ }
				if (k == "user_s") tu += v
				if (k == "sys_s") ts += v
			}
		}
		END { flush(); printf "%d %d %d %d %.6f %.6f\n", tc, td, tm, ok, tu, ts }
	' "${files[@]}" /dev/null)
	printf '{"workload":"scale","contender":"%s","rep":%d,"mode":"file","multi":%s,"targets":%d,"processes":%d,"ready":%d,"sent":%d,"captured":%d,"dropped":%d,"cpu_window_s":%s,"user_s":%s,"sys_s":%s,"maxrss_kb":%d,"rss_kb":%d,"hwm_kb":%d,"pss_kb":%d,"ring_kb":%d,"ring_rss_kb":%d,"ring_pss_kb":%d,"ok":%s}\n' \
		"$who" "$rep" "$([[ $multi == yes ]] && echo true || echo false)" \
		"$SCALE_N" "$procs" "${#pids[@]}" "$sent" "$t_cap" "$t_drop" \
		"$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.6f", (b - a) / 1e9}')" \
		"$t_user" "$t_sys" "$t_maxrss" "$t_rss" "$t_hwm" "$t_pss" \
		"$t_rsize" "$t_rrss" "$t_rpss" \
		"$([[ $fails == 0 ]] && echo true || echo false)" >>"$RAW"
	log "scale rep $rep: $who ($procs processes): sent $sent, captured $t_cap, RSS $((t_rss / 1024)) MiB, ring $((t_rsize / 1024)) MiB"
}

scale() {
	local rep who multi=no
	build_scale_lab
	if nscap_multi; then
		multi=yes
		log "scale: one nscap takes all $SCALE_N targets"
	else
		log "scale: nscap takes one -t: $SCALE_N nscap processes"
	fi
	for ((rep = 1; rep <= REPS; rep++)); do
		for who in $(rotate $((rep - 1)) nscap tcpdump); do
			if [[ $who == nscap ]]; then
				scale_run nscap "$rep" "$multi"
			else
				scale_run "$who" "$rep" no
			fi
		done
	done
}

# --- the run -------------------------------------------------------------------
machine_json() {
	local model mem
	model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	mem=$(free -h | awk '/^Mem:/ {print $2}')
	printf '{"date":"%s","nproc":%d,"cpu":%s,"kernel":%s,"mem":%s,"load":%s,"nscap":%s,"tcpdump":%s,"dumpcap":%s,"libpcap":%s,"reps":%d,"scale_targets":%d,"workloads":%s,"command":%s,"nscap_b":%s,"pinned":%s,"idle_seconds":%s,"lat_rate":%d,"lat_seconds":%d}\n' \
		"$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(nproc)" "$(json_str "$model")" \
		"$(json_str "$(uname -r)")" "$(json_str "$mem")" \
		"$(json_str "$(cut -d' ' -f1-3 /proc/loadavg)")" \
		"$(json_str "$("$NSCAP" -V 2>&1 | head -n 1)")" \
		"$(json_str "$(tcpdump --version 2>&1 | head -n 1)")" \
		"$(json_str "$(dumpcap --version 2>&1 | head -n 1)")" \
		"$(json_str "$(tcpdump --version 2>&1 | sed -n 's/^libpcap version //p')")" \
		"$REPS" "$SCALE_N" "$(json_str "$WORKLOADS")" \
		"$(json_str "scripts/bench.sh -r $REPS -w $WORKLOADS -n $SCALE_N$([[ $PIN == no ]] && echo " -u")")" \
		"$(json_str "$NSCAP_B")" "$([[ $PIN == yes ]] && echo true || echo false)" \
		"$IDLE_SECONDS" "$LAT_RATE" "$LAT_SECONDS"
}

mkdir -p "$OUTDIR"
machine_json >"$WORK/machine.json"
: >"$RAW"
build_lab
log "warm-up"
send "$TGT_IP" 1000 "$SMALL_PAYLOAD" 0

B_CONT=() B_FILE=()
[[ -n $NSCAP_B ]] && B_CONT=(nscap-b) B_FILE=(nscap-b nscap-b-ng)
want file64 && alternate file64 file "$FILE64_N" "$SMALL_PAYLOAD" 0 \
	none nscap nscap-ng tcpdump dumpcap floor floor-dump write "${B_FILE[@]}"
want file1500 && alternate file1500 file "$FILE1500_N" "$BIG_PAYLOAD" 0 \
	none nscap nscap-ng tcpdump dumpcap floor floor-dump write "${B_FILE[@]}"
want stream64 && alternate stream64 stream "$STREAM_N" "$SMALL_PAYLOAD" 0 \
	nscap tcpdump "${B_CONT[@]}"
if want tshark; then
	for who in nscap tcpdump; do
		run_one tshark "$who" tshark "$TSHARK_N" "$SMALL_PAYLOAD" 0 1
	done
fi
want latency && alternate latency latency $((LAT_RATE * LAT_SECONDS)) \
	"$SMALL_PAYLOAD" "$LAT_RATE" nscap tcpdump floor "${B_CONT[@]}"
want startup && startup
want idle && idle
want scale && scale
log "measurements done"

"$PY" "$REPORT" --raw "$RAW" --machine "$WORK/machine.json" \
	--out "$OUTDIR" --elapsed $((SECONDS - T0))
