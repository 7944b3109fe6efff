# Three kernel facts about packet rings that nscap's design and its
# figures rest on (Linux 6.18 here); this fails when a kernel changes them,
# so that the notes that explain them are looked at again:
# - setting up a ring (PACKET_RX_RING) waits for an RCU grace period,
#   however small the ring: most of any libpcap capturer's start-up
#   (capture/handle.c, open_pcap). Where the kernel expedites grace
#   periods (/sys/kernel/rcu_expedited 1, as on the machines of
#   2026-12-01: 0.02 to 0.25 ms, 7.9 to 8.3 with 0 written there) the wait
#   is too short to tell from none: that check is skipped, and said;
# - a TPACKET_V3 ring's block timer fires every block timeout whether or
#   not packets come: stream mode's twin, with its 1 ms timeout, wakes the
#   machine about a thousand times a second while idle
#   (include/nscap/ring.h, NSCAP_GEAR_BULK_TIMEOUT_MS; bench "idle");
# - setting up a ring clears all its pages then, on the setting-up thread's
#   CPU time: the CPU of a batch of opens (include/nscap/handle.h,
#   struct nscap_handle_batch). About 0.2 ms a MiB here where the kernel
#   reuses pages just freed, and 3.4 to 4.6 ms where the host has taken
#   them back (free page reporting); this prints what it saw and asserts
#   only that the pages are cleared then.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
grep -q '^ *LOC:' /proc/interrupts || skip "no LOC line in /proc/interrupts"
ns=$(lab_ns rings)
out=$(ip netns exec "$ns" python3 "$HERE/ring_facts.py") ||
	fail "ring_facts.py failed: $out"
echo "$out"
setup=${out#setup_ms=}
setup=${setup%% *}
idle=$(sed -n 's/.*idle_loc=\([0-9]*\).*/\1/p' <<<"$out")
ring=$(sed -n 's/.*ring_loc=\([0-9]*\).*/\1/p' <<<"$out")
clear=$(sed -n 's/.*clear_ms_per_mib=\([0-9.]*\).*/\1/p' <<<"$out")
# the quickest of three setups still waited (a grace period is a few
# jiffies; without one, setting up a 4 KiB ring takes microseconds)
best=$(tr ',' '\n' <<<"$setup" | sort -n | head -n 1)
if [ "$(cat /sys/kernel/rcu_expedited 2>/dev/null)" = 1 ]; then
	echo "SKIP (one check): grace periods expedited here (rcu_expedited 1), PACKET_RX_RING took $best ms at best"
else
	awk -v b="$best" 'BEGIN {exit !(b >= 0.5)}' ||
		fail "PACKET_RX_RING took $best ms at best: no grace period any more"
fi
# a 1 ms block timer: about 1000 more timer interrupts a second (at most
# HZ more, 100 to 1000, where the timer runs on jiffies); 60 is above the
# noise of two quiet seconds
[ $((ring - idle)) -ge 60 ] ||
	fail "an idle ring added $((ring - idle)) timer interrupts a second (idle $idle, with ring $ring): its block timer no longer fires when no packet comes"
# clearing 64 MiB at a memory bandwidth of 60 GB/s would still take 1 ms;
# a ring whose pages came on first touch would take microseconds here
awk -v c="$clear" 'BEGIN {exit !(c >= 0.016)}' ||
	fail "a 64 MiB ring took $clear ms of CPU a MiB to set up: its pages are no longer cleared at setup"
pass
