# A libpcap fact behind where a ring's capture begins (struct
# nscap_ring_begin in include/nscap/handle.h): pcap_setfilter puts a filter
# of one instruction, which takes nothing, on the socket before the one
# asked for (libpcap's "total filter", while it drains the socket's
# queue). A packet that comes between the two is neither taken nor
# counted, while those before are in the ring already: under -i all,
# open threads held that window open for milliseconds, and the capture
# had a hole just after its first packets. This fails when libpcap stops
# doing so, so that the note there is looked at again. tcpdump is
# libpcap's own capturer; strace shows its setsockopt calls. Then nscap's
# side: right after its filter is in place, a ring's counters are read
# (and so reset), where its capture begins.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || skip "strace missing"
command -v tcpdump >/dev/null || skip "tcpdump missing"
ns=$(lab_ns filt)
log=$LAB_DIR/strace
( sleep 0.5
  ip netns exec "$ns" "$UDPGEN" -d 127.0.0.1 -p 9 -n 40 -r 20 -t 5 >/dev/null ) &
LAB_PIDS+=("$!")
ip netns exec "$ns" timeout 10 strace -f -o "$log" -e trace=setsockopt \
	tcpdump -i lo -c 1 -w /dev/null udp port 9 2>"$LAB_DIR/err" ||
	fail "tcpdump under strace: $(tail -3 "$LAB_DIR/err")"
# the filters attached, in order: their lengths in instructions
lens=$(sed -n 's/.*SO_ATTACH_FILTER, {len=\([0-9]*\),.*/\1/p' "$log" | tr '\n' ' ')
read -r first second _ <<<"$lens"
[ -n "${second:-}" ] ||
	fail "libpcap attached ${first:+only one filter ($first instructions)}${first:-no filter}: $(grep -c . "$log") setsockopt calls"
[ "$first" = 1 ] && [ "$second" -gt 1 ] ||
	fail "libpcap's filters, in instructions: $lens (expected one that takes nothing first, then the one asked for)"

# nscap, to a file (one ring an interface): the thread's next call after
# a ring's filter reads that ring's counters (libpcap's own next is an
# fcntl, to make it non-blocking)
pt=$(lab_target "$ns")
( sleep 1
  ip netns exec "$ns" "$UDPGEN" -d 127.0.0.1 -p 9 -n 40 -r 20 -t 5 >/dev/null ) &
LAB_PIDS+=("$!")
# (LeakSanitizer cannot run under ptrace)
ASAN_OPTIONS=detect_leaks=0 timeout 20 strace -f -o "$log.nscap" \
	-e trace=setsockopt,getsockopt,fcntl "$NSCAP" -t "$pt" -i lo -c 1 \
	-w "$LAB_DIR/out.pcap" udp port 9 2>"$LAB_DIR/err.nscap" ||
	fail "nscap under strace: $(tail -3 "$LAB_DIR/err.nscap")"
verdict=$(awk '
{ fd = $2; sub(/.*\(/, "", fd); sub(/,.*/, "", fd) }
$1 in after {
	if ($2 ~ /^getsockopt\(/ && fd == after[$1] && /PACKET_STATISTICS/)
		read++
	else
		other++
	delete after[$1]
}
/SO_ATTACH_FILTER, \{len=[0-9]*,/ {
	len = $0; sub(/.*len=/, "", len); sub(/,.*/, "", len)
	if (len > 1) after[$1] = fd
}
END { printf "%d %d\n", read, other }' "$log.nscap")
read -r nread nother <<<"$verdict"
[ "$nread" -ge 1 ] && [ "$nother" = 0 ] ||
	fail "after a ring's filter nscap read its counters $nread times, and $nother times did something else first"
pass
