# Rootless containers, as a user runs them (podman, and docker under
# rootlesskit), captured the way the README says: `sudo nscap -t NAME`.
# Root's CLIs do not know the user's containers, and on this host's cgroups
# a rootless container has no cgroup of its own, so neither its name nor
# its ID prefix could be found. Run through sudo (SUDO_UID, as sudo sets
# it), nscap asks the user's CLIs too, as the user: by name, ID prefix and
# CLI://ID; a capture of 20 datagrams on the container's lo names the
# container in the file.
#
# The test makes a user of its own (with subordinate IDs) and removes it,
# its processes (the rootless dockerd too), its storage and its run-time
# folder however the test ends. A runtime that cannot run here is skipped
# with a message; both: exit 77.
. "$(dirname "$0")/lib.sh"
RL_USER="nscaprl$$"
NAME="nscap-rl-$$"

for c in runc newuidmap newgidmap useradd userdel runuser; do
	command -v "$c" >/dev/null ||
		skip "$c is not installed (scripts/deps.sh installs podman and uidmap)"
done
busybox_rootfs "$LAB_DIR/rootfs" sleep
! id "$RL_USER" >/dev/null 2>&1 || fail "user $RL_USER exists already"

made_user=0
rl_cleanup() {
	if [ "$made_user" = 1 ]; then
		if [ -n "$rl_uid" ]; then
			as_user timeout 30 podman rm -f -t 0 "$NAME" >/dev/null 2>&1
			# podman's pause process holds the user's namespaces,
			# rootlesskit the rootless dockerd's
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

# --- the image, in the user's home ----------------------------------------
tar -C "$LAB_DIR/rootfs" -cf "$home/rootfs.tar" . && chown "$RL_USER:" "$home/rootfs.tar" ||
	fail "tar"

# check CLI RUN PORT: nscap finds the user's container NAME, run by CLI (RUN
# runs it as the user), only through sudo, by name, ID prefix and
# CLI://ID, and captures 20 datagrams on its lo into a file that names the
# container
check() {
	local cli=$1 run=$2 port=$3 t n id pid
	id=$("$run" container inspect --format '{{.Id}}' "$NAME" 2>/dev/null)
	pid=$("$run" container inspect --format '{{.State.Pid}}' "$NAME" 2>/dev/null)
	[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "$cli inspect: ID '$id'"
	[[ $pid =~ ^[1-9][0-9]*$ ]] || fail "$cli inspect: PID '$pid'"
	[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] ||
		fail "$cli: the container is not in a user namespace of its own"

	# root's CLIs alone do not know it
	env -u SUDO_UID "$NSCAP" -t "$NAME" -D >/dev/null 2>"$LAB_DIR/e.err"
	expect_status 1 $? "$cli: nscap -t $NAME without SUDO_UID"
	grep -q "^nscap: no container named '$NAME' (tried: [^)]*)$" "$LAB_DIR/e.err" &&
		! grep -q " as $RL_USER" "$LAB_DIR/e.err" ||
		fail "$cli: without SUDO_UID: $(cat "$LAB_DIR/e.err")"

	# through sudo: by name, ID prefix and CLI://ID
	for t in "$NAME" "${id:0:12}" "$cli://$id"; do
		SUDO_UID=$rl_uid "$NSCAP" -t "$t" -D >"$LAB_DIR/d.out" 2>"$LAB_DIR/d.err" ||
			fail "nscap -t $t -D through sudo: $(cat "$LAB_DIR/d.err")"
		grep -q "^[0-9]*\.lo " "$LAB_DIR/d.out" &&
			[ "$(grep -c '^[0-9]*\.' "$LAB_DIR/d.out")" -eq 2 ] ||
			fail "nscap -t $t -D: $(cat "$LAB_DIR/d.out")"
	done
	SUDO_UID=$rl_uid "$NSCAP" -t "nscap-no-such-$$" -D >/dev/null 2>"$LAB_DIR/e.err"
	grep -q "(tried: .*$cli as $RL_USER[^)]*)$" "$LAB_DIR/e.err" ||
		fail "$cli: an unknown name through sudo: $(cat "$LAB_DIR/e.err")"

	# a capture of 20 datagrams on its lo
	: >"$LAB_DIR/c.err"
	SUDO_UID=$rl_uid "$NSCAP" -t "$NAME" -i lo -c 20 -w "$LAB_DIR/c.pcapng" \
		"udp port $port" 2>"$LAB_DIR/c.err" &
	n=$!
	LAB_PIDS+=("$n")
	wait_for 15 listening "$LAB_DIR/c.err" ||
		fail "$cli: nscap did not start: $(cat "$LAB_DIR/c.err")"
	grep -q "listening on lo in container $NAME ($cli ${id:0:12}, pid $pid " "$LAB_DIR/c.err" ||
		fail "$cli: not the container: $(cat "$LAB_DIR/c.err")"
	nsenter -t "$pid" -n "$UDPGEN" -d 127.0.0.1 -p "$port" -n 20 -r 1000 -t 10 >/dev/null ||
		fail "udpgen failed"
	wait_exit 20 "$n" "$LAB_DIR/c.err" "$cli: nscap -t $NAME -c 20"
	[ "$(pcap_count "$LAB_DIR/c.pcapng")" -eq 20 ] ||
		fail "$cli: $(pcap_count "$LAB_DIR/c.pcapng") of 20 captured: $(cat "$LAB_DIR/c.err")"
	tshark -r "$LAB_DIR/c.pcapng" -T fields -e frame.interface_description 2>/dev/null |
		sort -u | grep -qF "container $cli $id" ||
		fail "$cli: the file does not name the container"
}
ran=0

# --- rootless podman -----------------------------------------------------------
pm_user() {
	as_user timeout 120 podman --runtime runc "$@"
}
if ! command -v podman >/dev/null; then
	echo "SKIP (part): podman is not installed (scripts/deps.sh installs it)" >&2
elif ! pm_user import -q rootfs.tar localhost/rl:1 >"$LAB_DIR/podman.out" 2>&1 ||
	! pm_user run -d --name "$NAME" --network none localhost/rl:1 /bin/sleep 600 \
		>"$LAB_DIR/podman.out" 2>&1; then
	echo "SKIP (part): rootless podman cannot run a container here: $(tail -n 3 "$LAB_DIR/podman.out")" >&2
else
	check podman pm_user 5400
	pm_user rm -f -t 0 "$NAME" >/dev/null 2>&1
	ran=$((ran + 1))
fi

# --- rootless docker: dockerd under rootlesskit, as dockerd-rootless.sh
# runs it, but in the host's network namespace (--net=host: no slirp4netns,
# which needs /dev/net/tun), with no bridge -----------------------------------
sock="/run/user/$rl_uid/docker.sock"
dk_user() {
	as_user env DOCKER_HOST="unix://$sock" timeout 120 docker "$@"
}
# up, or failed: rootlesskit gone
docker_up() {
	dk_user version >/dev/null 2>&1 || ! kill -0 "$rk" 2>/dev/null
}
if ! command -v rootlesskit >/dev/null || ! command -v dockerd >/dev/null ||
	! command -v docker >/dev/null; then
	echo "SKIP (part): rootless docker needs rootlesskit, dockerd and docker (scripts/deps.sh installs them)" >&2
else
	as_user rootlesskit --net=host --copy-up=/etc --copy-up=/run \
		--state-dir="/run/user/$rl_uid/dockerd-rootlesskit" \
		"$(command -v dockerd)" --iptables=false --ip6tables=false --ip-forward=false \
		--bridge=none --host="unix://$sock" \
		--data-root="$home/.local/share/docker" \
		--exec-root="/run/user/$rl_uid/docker" \
		--pidfile="/run/user/$rl_uid/docker.pid" >"$LAB_DIR/dockerd.log" 2>&1 &
	rk=$!
	LAB_PIDS+=("$rk")
	if ! wait_for 60 docker_up || ! dk_user version >/dev/null 2>&1; then
		echo "SKIP (part): rootless dockerd does not start here: $(tail -n 3 "$LAB_DIR/dockerd.log")" >&2
	elif ! dk_user import rootfs.tar rl:1 >"$LAB_DIR/docker.out" 2>&1 ||
		! dk_user run -d --name "$NAME" --network none rl:1 /bin/sleep 600 \
			>"$LAB_DIR/docker.out" 2>&1; then
		echo "SKIP (part): rootless docker cannot run a container here: $(tail -n 3 "$LAB_DIR/docker.out")" >&2
	else
		check docker dk_user 5401
		ran=$((ran + 1))
	fi
fi
[ "$ran" -gt 0 ] || skip "neither rootless podman nor rootless docker runs here"
pass
