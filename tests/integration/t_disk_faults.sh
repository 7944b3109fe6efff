# Disk faults and hard kills. A capture that fills its disk (a 2 MB tmpfs,
# about 4 MB of traffic) stops at a whole record, says how many packets it
# lost and exits 1; the file reads to its last packet. A capture killed with
# SIGKILL mid-capture leaves a file readable to its last packet. Both
# formats, each file read by tshark and capinfos, neither of which may find
# it cut short. A new file whose header finds the disk full leaves the file
# before open: it waits for space (--on-full=wait), or SIGHUP goes on in it.
. "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || skip "no tshark"
command -v capinfos >/dev/null || skip "no capinfos"

full="$LAB_DIR/full"
mkdir "$full" || fail "mkdir $full"
# nscap first (it holds a file there), then the mount, then the lab
cleanup() {
	local p
	for p in "${LAB_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	for p in "${LAB_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	if mountpoint -q "$full"; then
		umount "$full" 2>/dev/null || umount -l "$full"
	fi
	lab_cleanup
}
trap cleanup EXIT
mount -t tmpfs -o size=2m,mode=0755 nscap-full "$full" ||
	skip "cannot mount a tmpfs"

a=$(lab_ns target)
b=$(lab_ns peer)
lab_link "$a" eth0 198.51.100.1 "$b" eth0 198.51.100.2
pid=$(lab_target "$a")

# udp COUNT RATE: COUNT datagrams of 1000 bytes to the target's port 9999
udp() {
	ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9999 -n "$1" -s 1000 \
		-r "$2" -t 30 >/dev/null
}

# readable FILE: tshark and capinfos read FILE to its end without a word
# about a damaged or cut-short file; prints its packet count.
readable() {
	local f=$1 n
	tshark -r "$f" >/dev/null 2>"$LAB_DIR/tshark.err" ||
		fail "tshark -r $f: $(cat "$LAB_DIR/tshark.err")"
	! grep -qiE 'cut short|damaged|corrupt|appears to' \
		"$LAB_DIR/tshark.err" ||
		fail "tshark -r $f: $(cat "$LAB_DIR/tshark.err")"
	capinfos "$f" >"$LAB_DIR/capinfos.out" 2>&1 ||
		fail "capinfos $f: $(cat "$LAB_DIR/capinfos.out")"
	! grep -qiE 'cut short|damaged|corrupt|appears to' \
		"$LAB_DIR/capinfos.out" ||
		fail "capinfos $f: $(cat "$LAB_DIR/capinfos.out")"
	n=$(pcap_count "$f")
	[ "$n" -gt 0 ] || fail "$f: no packets"
	echo "$n"
}

# disk_full EXT: capture into $full/x.EXT until the disk is full
disk_full() {
	local out="$full/x.$1" err="$LAB_DIR/err.full.$1" rc n lost captured
	rm -f "$full"/*
	lab_bg "$NSCAP" -t "$pid" -i eth0 -w "$out" 'udp port 9999' 2>"$err"
	wait_for 10 listening "$err" || fail "nscap -w $out did not start"
	udp 4000 2000 || fail "udpgen failed"
	wait_for 20 test ! -d "/proc/$BG_PID" ||
		fail "nscap -w $out did not stop when the disk was full"
	wait "$BG_PID"
	rc=$?
	expect_status 1 "$rc" "nscap -w $out on a full disk: $(cat "$err")"
	# the message names the file
	grep -q "^nscap: $out: cannot write packets: No space left on device$" \
		"$err" || fail "no ENOSPC message naming $out: $(cat "$err")"
	grep -q 'lost' "$err" || fail "no lost count: $(cat "$err")"
	n=$(readable "$out") || exit 1
	# what was written and what was lost add up to what was captured
	lost=$(sed -n 's/^nscap: \([0-9][0-9]*\) packets lost.*/\1/p' "$err")
	captured=$(sed -n 's/^\([0-9][0-9]*\) packets captured$/\1/p' "$err")
	[ -n "$lost" ] && [ "$lost" -gt 0 ] ||
		fail "no 'N packets lost' line: $(cat "$err")"
	[ -z "$captured" ] || [ $((n + lost)) -eq "$captured" ] ||
		fail "$out: $n packets in the file and $lost lost," \
			"but $captured captured"
	rm -f "$out"
}

# killed EXT: kill -9 a capture into a regular file under steady traffic
killed() {
	local out="$LAB_DIR/killed.$1" err="$LAB_DIR/err.kill.$1" gen n
	lab_bg "$NSCAP" -t "$pid" -i eth0 -w "$out" 'udp port 9999' 2>"$err"
	wait_for 10 listening "$err" || fail "nscap -w $out did not start"
	udp 20000 5000 &
	gen=$!
	# a few buffers' worth (about 1 MB a buffer, 5 MB/s) and on
	sleep 2.3
	kill -9 "$BG_PID"
	wait "$BG_PID" 2>/dev/null
	wait "$gen" || fail "udpgen failed"
	[ -s "$out" ] || fail "$out: nothing written before the kill"
	n=$(readable "$out") || exit 1
	[ "$n" -ge 1000 ] || fail "$out: only $n packets after 2 s"
}

# after_growth WHAT PORT: the tmpfs grows; once nscap has tried again, 50
# datagrams to PORT; then SIGINT, and status 0 ($err: nscap's stderr)
after_growth() {
	mount -o remount,size=8m "$full" || fail "cannot grow the tmpfs"
	sleep 1.5 # nscap tries again every second
	ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p "$2" -n 50 -s 1000 -r 100 -t 30 >/dev/null
	sleep 1.5
	kill -INT "$BG_PID"
	wait "$BG_PID" || fail "$1: exit $?: $(cat "$err")"
}

# --on-full=wait: the capture goes on while the disk is full, counts what
# it drops, and writes again once there is space (the tmpfs grows)
waiting() {
	local out="$full/w.pcapng" err="$LAB_DIR/err.wait" lost
	lab_bg "$NSCAP" -t "$pid" -i eth0 --on-full=wait -w "$out" 'udp port 9999' 2>"$err"
	wait_for 10 listening "$err" || fail "--on-full=wait: nscap did not start"
	udp 4000 2000
	dropping() { grep -q 'dropping packets until there is space' "$err"; }
	wait_for 10 dropping || fail "--on-full=wait: no word of the full disk: $(cat "$err")"
	[ -d "/proc/$BG_PID" ] || fail "--on-full=wait: nscap stopped"
	after_growth "--on-full=wait" 9999
	readable "$out" >/dev/null
	lost=$(sed -n 's/^nscap: \([0-9][0-9]*\) packets lost: the disk is full or failing$/\1/p' "$err")
	[ "${lost:-0}" -gt 0 ] || fail "--on-full=wait: no lost count: $(cat "$err")"
	# said once a spell (it tries every second), and the end of it said
	[ "$(grep -c 'dropping packets until there is space' "$err")" -eq 1 ] ||
		fail "--on-full=wait: the full disk said more than once: $(cat "$err")"
	grep -q '^nscap: there is space again; writing packets$' "$err" ||
		fail "--on-full=wait: no word of the space: $(cat "$err")"
	# the 50 sent after the disk grew are in the file: sequence 0..49
	tshark -r "$out" -T fields -e data.data -d udp.port==9999,data 2>/dev/null |
		tail -n 50 | cut -c1-8 >"$LAB_DIR/tail"
	[ "$(head -n 1 "$LAB_DIR/tail")" = 00000000 ] && [ "$(tail -n 1 "$LAB_DIR/tail")" = 00000031 ] ||
		fail "--on-full=wait: the packets after the disk grew are not in the file"
	rm -f "$out"
	mount -o remount,size=2m "$full"
}

# --on-full=wait with -G, stopped while the disk is still full: the time
# rotations wait for space too (a new file would fail as the current one
# does: that once ended the capture with exit 1), and a SIGINT then ends it
# with exit 0 and the lost packets counted
waiting_rotating() {
	local err="$LAB_DIR/err.waitg" lost f files
	rm -f "$full"/*
	lab_bg "$NSCAP" -t "$pid" -i eth0 --on-full=wait -G 1 -w "$full/g-%H%M%S.pcapng" 'udp port 9999' 2>"$err"
	wait_for 10 listening "$err" || fail "-G, --on-full=wait: nscap did not start"
	udp 3000 2000
	dropping() { grep -q 'dropping packets until there is space' "$err"; }
	wait_for 10 dropping || fail "-G, --on-full=wait: no word of the full disk: $(cat "$err")"
	files=$(ls "$full"/g-*.pcapng | wc -l)
	sleep 2.5 # two -G periods while full
	[ -d "/proc/$BG_PID" ] || fail "-G, --on-full=wait: nscap stopped: $(cat "$err")"
	# no new file meanwhile: the rotation waits for a write to get through
	# (a resume every second proved nothing: header-only files appeared)
	[ "$(ls "$full"/g-*.pcapng | wc -l)" -eq "$files" ] ||
		fail "-G, --on-full=wait: new files while the disk was full: $(ls -l "$full")"
	kill -INT "$BG_PID"
	wait "$BG_PID" || fail "-G, --on-full=wait, SIGINT while full: exit $?: $(cat "$err")"
	lost=$(sed -n 's/^nscap: \([0-9][0-9]*\) packets lost: the disk is full or failing$/\1/p' "$err")
	[ "${lost:-0}" -gt 0 ] || fail "-G, --on-full=wait: no lost count: $(cat "$err")"
	[ "$(grep -c 'dropping packets until there is space' "$err")" -eq 1 ] ||
		fail "-G, --on-full=wait: the full disk said more than once: $(cat "$err")"
	# the first file holds what fitted; any other is whole, and may be
	# empty (no space came back)
	readable "$(ls "$full"/g-*.pcapng | head -n 1)" >/dev/null
	for f in "$full"/g-*.pcapng; do
		capinfos "$f" >"$LAB_DIR/capinfos.out" 2>&1 ||
			fail "capinfos $f: $(cat "$LAB_DIR/capinfos.out")"
	done
	rm -f "$full"/g-*.pcapng
}

# --on-full=wait with -C, traffic flowing while the disk is full: the next
# file waits for space too, the capture goes on, and once the disk grows the
# packets sent then (port 9998) are in the files. A rotation due while full
# made a new file at once: its header failed and ended the capture (pcapng),
# or it was made in the last bytes, empty (pcap, one a rotation)
waiting_sized() {
	local out="$full/c.$1" err="$LAB_DIR/err.waitc.$1" f n late=0
	rm -f "$full"/*
	lab_bg "$NSCAP" -t "$pid" -i eth0 --on-full=wait -C 1 -w "$out" \
		'udp portrange 9998-9999' 2>"$err"
	wait_for 10 listening "$err" || fail "-C, --on-full=wait: nscap did not start"
	# 6 MB in 3 s into 2 MB: full within the first second
	udp 6000 2000
	grep -q 'dropping packets until there is space' "$err" ||
		fail "-C $1, --on-full=wait: no word of the full disk: $(cat "$err")"
	[ -d "/proc/$BG_PID" ] || fail "-C $1, --on-full=wait: nscap stopped: $(cat "$err")"
	after_growth "-C $1, --on-full=wait" 9998
	# every file holds packets (readable says so): the one begun as the
	# disk filled took the late ones
	for f in "$out"*; do
		readable "$f" >/dev/null
		# -C 1 passed by a packet at most (it took every packet until
		# the next flush, a second's worth)
		[ "$(stat -c %s "$f")" -le 1002000 ] ||
			fail "-C $1, --on-full=wait: $f is $(stat -c %s "$f") bytes"
		n=$(tshark -r "$f" -Y 'udp.dstport == 9998' 2>/dev/null | wc -l)
		late=$((late + n))
	done
	[ "$late" -eq 50 ] ||
		fail "-C $1, --on-full=wait: $late of the 50 sent after the disk grew are in the files"
	rm -f "$full"/*
	mount -o remount,size=2m "$full"
}

# fill_but KB: the tmpfs emptied, then filled but for KB kilobytes
fill_but() {
	local avail
	rm -f "$full"/*
	avail=$(df --output=avail -k "$full" | tail -n 1)
	dd if=/dev/zero of="$full/filler" bs=1k count=$((avail - $1)) \
		status=none || fail "cannot write the filler"
}

# --on-full=wait with -C, one page left on the disk: the first file takes
# it, and the next file's header is the first write to find the disk full.
# That ended the capture with exit 1 (the file before was closed first:
# nothing was left to wait with). Now the file before stays open, the new
# one waits for space, and the 50 sent once the disk grew are in the files
header_full() {
	local out="$full/hd.$1" err="$LAB_DIR/err.hd.$1" late
	fill_but 4
	lab_bg "$NSCAP" -t "$pid" -i eth0 --on-full=wait -C 3k -w "$out" \
		'udp portrange 9998-9999' 2>"$err"
	wait_for 10 listening "$err" || fail "header, -C $1: nscap did not start"
	udp 20 100
	said() { grep -q "cannot write $1 header: No space left on device; dropping packets until there is space" "$err"; }
	wait_for 5 said "$1" || fail "header, -C $1: no word of the full disk: $(cat "$err")"
	[ -d "/proc/$BG_PID" ] || fail "header, -C $1: nscap stopped: $(cat "$err")"
	after_growth "header, -C $1" 9998
	late=$(late_in "$out") || exit 1
	[ "$late" -eq 50 ] ||
		fail "header, -C $1: $late of the 50 sent after the disk grew are in the files: $(cat "$err")"
	rm -f "$full"/*
	mount -o remount,size=2m "$full"
}

# SIGHUP, one page left on the disk, which the file being written holds:
# the next file's header finds the disk full. nscap says so and goes on
# writing the file it had, as when the next file cannot be opened (it had
# closed that file first, and the capture ended with exit 1)
hup_header_full() {
	local out="$full/hup.$1" err="$LAB_DIR/err.hup.$1" n
	fill_but 4
	lab_bg "$NSCAP" -t "$pid" -i eth0 -w "$out" 'udp port 9999' 2>"$err"
	wait_for 10 listening "$err" || fail "SIGHUP, $1: nscap did not start"
	udp 2 100
	sleep 1.5 # flushed: the two are in the file's page
	kill -HUP "$BG_PID"
	said() { grep -q "cannot write $1 header: No space left on device; still writing $out$" "$err"; }
	wait_for 5 said "$1" || fail "SIGHUP, $1, disk full: $(cat "$err")"
	[ ! -e "${out}1" ] || fail "SIGHUP, $1: ${out}1 is left, half made"
	kill -INT "$BG_PID"
	wait "$BG_PID" || fail "SIGHUP, $1, disk full: exit $?: $(cat "$err")"
	n=$(readable "$out") || exit 1
	[ "$n" -eq 2 ] || fail "SIGHUP, $1: $out holds $n packets, not 2"
	rm -f "$full"/*
}

# ring_start OUT ERR WHAT: the tmpfs emptied, 1.3 MB of it taken by a
# filler, and nscap started on a -C 400k -W 2 ring named OUT (the files
# OUT0 and OUT1), --on-full=wait, stderr to ERR
ring_start() {
	rm -f "$full"/*
	dd if=/dev/zero of="$full/filler" bs=1k count=1300 status=none ||
		fail "cannot write the filler"
	lab_bg "$NSCAP" -t "$pid" -i eth0 --on-full=wait -C 400k -W 2 -w "$1" \
		'udp portrange 9998-9999' 2>"$2"
	wait_for 10 listening "$2" || fail "$3: nscap did not start"
}

# late_in OUT: every file of ring OUT readable; prints how many of its
# packets went to port 9998 (those sent late)
late_in() {
	local f n late=0
	for f in "$1"*; do
		readable "$f" >/dev/null || exit 1
		n=$(tshark -r "$f" -Y 'udp.dstport == 9998' 2>/dev/null | wc -l)
		late=$((late + n))
	done
	echo "$late"
}

# --on-full=wait with a -W ring that has come round, on a disk that fills
# before the ring does (a file of 1.3 MB beside it in 2 MB): the ring's
# next file replaces its oldest at once, which frees the space. It waited
# for a write to get through first, for ever (nothing else frees space):
# none of the 1000 sent late (1 MB, the ring goes round again) reached a
# file. Now the two files hold most of the last of them; each time the
# disk fills, what did not fit of the records queued is lost
waiting_ring() {
	local out="$full/r.$1" err="$LAB_DIR/err.waitr.$1" late
	ring_start "$out" "$err" "-W $1, --on-full=wait"
	udp 3000 2000
	grep -q 'dropping packets until there is space' "$err" ||
		fail "-W $1, --on-full=wait: no word of the full disk: $(cat "$err")"
	grep -q "^nscap: the disk is full: removed $out[01], the ring's oldest file, to write it anew$" "$err" ||
		fail "-W $1, --on-full=wait: the ring did not go round: $(cat "$err")"
	ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9998 -n 1000 -s 1000 -r 1000 -t 30 >/dev/null
	sleep 1.5
	kill -INT "$BG_PID"
	wait "$BG_PID" || fail "-W $1, --on-full=wait: exit $?: $(cat "$err")"
	[ "$(ls "$out"* | wc -l)" -eq 2 ] || fail "-W $1, --on-full=wait: $(ls -l "$full")"
	late=$(late_in "$out") || exit 1
	[ "$late" -ge 300 ] ||
		fail "-W $1, --on-full=wait: $late of the 1000 sent late are in the files: $(cat "$err")"
	rm -f "$full"/*
}

# the same, with the oldest file held open elsewhere (a tail -f): removing
# it frees nothing until it is closed, and closing the current file (its
# statistics) would fail and end the capture. The ring waits instead, and
# goes on once the holder lets go
waiting_ring_held() {
	local out="$full/h.pcapng" err="$LAB_DIR/err.waith" late
	ring_start "$out" "$err" "-W held, --on-full=wait"
	exec 9<"${out}0"
	udp 3000 2000
	sleep 1.5
	[ -d "/proc/$BG_PID" ] || { exec 9<&-; fail "-W held, --on-full=wait: nscap stopped: $(cat "$err")"; }
	! grep -q "the ring's oldest file" "$err" ||
		{ exec 9<&-; fail "-W held, --on-full=wait: went round with no room: $(cat "$err")"; }
	exec 9<&-
	sleep 1.5 # a try every second: the space is back
	ip netns exec "$b" "$UDPGEN" -d 198.51.100.1 -p 9998 -n 50 -s 1000 -r 100 -t 30 >/dev/null
	sleep 1.5
	kill -INT "$BG_PID"
	wait "$BG_PID" || fail "-W held, --on-full=wait: exit $?: $(cat "$err")"
	late=$(late_in "$out") || exit 1
	[ "$late" -ge 40 ] ||
		fail "-W held, --on-full=wait: $late of the 50 sent late are in the files: $(cat "$err")"
	rm -f "$full"/*
}

disk_full pcapng
disk_full pcap
waiting_sized pcapng
waiting_sized pcap
header_full pcapng
header_full pcap
hup_header_full pcapng
hup_header_full pcap
waiting_rotating
waiting_ring pcapng
waiting_ring pcap
waiting_ring_held
killed pcapng
killed pcap
waiting
pass
