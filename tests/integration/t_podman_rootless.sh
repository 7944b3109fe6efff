# A rootless podman container, as a user runs one, captured the way the
# README says: `sudo nscap -t NAME`. Root's podman does not know the user's
# containers, and on this host's cgroups a rootless container has no cgroup
# of its own, so neither its name nor its ID prefix could be found. Run
# through sudo (SUDO_UID, as sudo sets it), nscap asks the user's podman
# too, as the user: by name, ID prefix and podman://ID; a capture of 20
# datagrams on the container's lo names the container in the file.
#
# The test makes a user of its own (with subordinate IDs) and removes it,
# its processes, its podman storage and its run-time folder however the
# test ends. Skipped (exit 77) where rootless podman cannot run.
. "$(dirname "$0")/lib.sh"
RL_USER="nscaprl$$"
NAME="nscap-rl-$$"

for c in podman runc newuidmap newgidmap useradd userdel runuser; do
	command -v "$c" >/dev/null ||
		skip "$c is not installed (scripts/deps.sh installs podman and uidmap)"
done
BUSYBOX=$(command -v busybox) || skip "busybox is not installed"
! ldd "$BUSYBOX" >/dev/null 2>&1 ||
	skip "$BUSYBOX is not statically linked (busybox-static)"
! id "$RL_USER" >/dev/null 2>&1 || fail "user $RL_USER exists already"

made_user=0
rl_cleanup() {
	if [ "$made_user" = 1 ]; then
		if [ -n "$rl_uid" ]; then
			as_user timeout 30 podman rm -f -t 0 "$NAME" >/dev/null 2>&1
			# podman's pause process holds the user's namespaces
			pkill -9 -u "$rl_uid" 2>/dev/null
			for _ in $(seq 50); do
				pgrep -u "$rl_uid" >/dev/null || break
				sleep 0.1
			done
			rm -rf "/run/user/$rl_uid"
		fi
		userdel -f -r "$RL_USER" >/dev/null 2>&1
		sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
	fi
	lab_cleanup
}
trap rl_cleanup EXIT

# --- the user, with 65536 subordinate IDs ------------------------------------
rl_uid=
useradd -m -s /bin/sh "$RL_USER" || skip "cannot add a user"
made_user=1
rl_uid=$(id -u "$RL_USER") || fail "no uid for $RL_USER"
home=$(getent passwd "$RL_USER" | cut -d: -f6)
# Debian's useradd gives them a range where /etc/subuid exists; else one
# past every range in use
for f in /etc/subuid /etc/subgid; do
	touch "$f"
	grep -q "^$RL_USER:" "$f" && continue
	start=$(awk -F: '$2 + $3 > m {m = $2 + $3} END {print (m < 100000 ? 100000 : m)}' "$f")
	echo "$RL_USER:$start:65536" >>"$f"
done
# what a login (pam_systemd) would make
mkdir -p "/run/user/$rl_uid" && chown "$RL_USER:" "/run/user/$rl_uid" &&
	chmod 700 "/run/user/$rl_uid" || fail "mkdir /run/user/$rl_uid"

# as_user CMD...: CMD as the user, in a login's environment
as_user() {
	runuser -u "$RL_USER" -- env -i HOME="$home" USER="$RL_USER" \
		LOGNAME="$RL_USER" PATH=/usr/local/bin:/usr/bin:/bin \
		XDG_RUNTIME_DIR="/run/user/$rl_uid" sh -c 'cd && exec "$@"' sh "$@"
}

# --- the user's container: busybox, no network but its own lo ----------------
rootfs="$LAB_DIR/rootfs"
mkdir -p "$rootfs/bin" || fail "mkdir"
cp "$BUSYBOX" "$rootfs/bin/busybox" || fail "cp busybox"
ln -s busybox "$rootfs/bin/sleep"
tar -C "$rootfs" -cf "$home/rootfs.tar" . && chown "$RL_USER:" "$home/rootfs.tar" ||
	fail "tar"
as_user timeout 120 podman --runtime runc import -q rootfs.tar localhost/rl:1 \
	>"$LAB_DIR/podman.out" 2>&1 ||
	skip "rootless podman cannot import an image here: $(tail -n 3 "$LAB_DIR/podman.out")"
as_user timeout 120 podman --runtime runc run -d --name "$NAME" --network none \
	localhost/rl:1 /bin/sleep 600 >"$LAB_DIR/podman.out" 2>&1 ||
	skip "rootless podman cannot run a container here: $(tail -n 3 "$LAB_DIR/podman.out")"
id=$(as_user timeout 30 podman container inspect --format '{{.Id}}' "$NAME" 2>/dev/null)
pid=$(as_user timeout 30 podman container inspect --format '{{.State.Pid}}' "$NAME" 2>/dev/null)
[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "podman inspect: ID '$id'"
[[ $pid =~ ^[1-9][0-9]*$ ]] || fail "podman inspect: PID '$pid'"
[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] ||
	fail "the container is not in a user namespace of its own"

# --- root's CLIs alone do not know it ----------------------------------------
env -u SUDO_UID "$NSCAP" -t "$NAME" -D >/dev/null 2>"$LAB_DIR/e.err"
expect_status 1 $? "nscap -t $NAME without SUDO_UID"
grep -q "^nscap: no container named '$NAME' (tried: podman[^)]*)$" "$LAB_DIR/e.err" ||
	fail "without SUDO_UID: $(cat "$LAB_DIR/e.err")"

# --- through sudo: by name, ID prefix and podman://ID ------------------------
for t in "$NAME" "${id:0:12}" "podman://$id"; do
	SUDO_UID=$rl_uid "$NSCAP" -t "$t" -D >"$LAB_DIR/d.out" 2>"$LAB_DIR/d.err" ||
		fail "nscap -t $t -D through sudo: $(cat "$LAB_DIR/d.err")"
	grep -q "^[0-9]*\.lo " "$LAB_DIR/d.out" && [ "$(grep -c '^[0-9]*\.' "$LAB_DIR/d.out")" -eq 2 ] ||
		fail "nscap -t $t -D: $(cat "$LAB_DIR/d.out")"
done
SUDO_UID=$rl_uid "$NSCAP" -t "nscap-no-such-$$" -D >/dev/null 2>"$LAB_DIR/e.err"
grep -q "(tried: podman.*, podman as $RL_USER)$" "$LAB_DIR/e.err" ||
	fail "an unknown name through sudo: $(cat "$LAB_DIR/e.err")"

# --- a capture of 20 datagrams on its lo --------------------------------------
: >"$LAB_DIR/c.err"
SUDO_UID=$rl_uid "$NSCAP" -t "$NAME" -i lo -c 20 -w "$LAB_DIR/c.pcapng" \
	"udp port 5400" 2>"$LAB_DIR/c.err" &
n=$!
LAB_PIDS+=("$n")
wait_for 15 listening "$LAB_DIR/c.err" || fail "nscap did not start: $(cat "$LAB_DIR/c.err")"
grep -q "listening on lo in container $NAME (podman ${id:0:12}, pid $pid " "$LAB_DIR/c.err" ||
	fail "not the container: $(cat "$LAB_DIR/c.err")"
nsenter -t "$pid" -n "$UDPGEN" -d 127.0.0.1 -p 5400 -n 20 -r 1000 -t 10 >/dev/null ||
	fail "udpgen failed"
wait_exit 20 "$n" "$LAB_DIR/c.err" "nscap -t $NAME -c 20"
[ "$(pcap_count "$LAB_DIR/c.pcapng")" -eq 20 ] ||
	fail "$(pcap_count "$LAB_DIR/c.pcapng") of 20 captured: $(cat "$LAB_DIR/c.err")"
tshark -r "$LAB_DIR/c.pcapng" -T fields -e frame.interface_description 2>/dev/null |
	sort -u | grep -qF "container podman $id" || fail "the file does not name the container"
pass
