# End to end with real docker: the dockerd and containerd installed
# (Debian's docker.io, 20.10 and 1.6, unless the machine has another
# dockerd), started here for this test alone. The containers run
# busybox httpd from a busybox-static rootfs (`docker import`: nothing is
# pulled) on a docker network in 203.0.113.0/24 whose bridge is the lab's,
# and curl fetches a page from the host over that bridge and nowhere else.
#
# nscap finds the container by name, ID prefix and docker://ID through the
# docker CLI (DOCKER_HOST names this test's daemon), captures the fetch,
# and tshark finds the request in the file, with the container in the
# interface's description; -L lists it in one row with a container run
# with --network container:NAME, which shares the namespace (the two are
# captured once); a --network host container is the host's namespace;
# `docker stop` ends the capture with "target process N (httpd) exited"
# and status 1.
#
# The daemons are private: their sockets, data and state are under the
# lab's folder, containerd is this test's own (never a system one that a
# user's docker uses), and dockerd makes no iptables rules, no docker0 and
# no ip_forward change. The daemons, their mounts, the lab's bridge and the
# cgroups and run-time folders they leave are removed however the test
# ends. Skipped (exit 77) where docker cannot run.
. "$(dirname "$0")/lib.sh"
NAME="nscap-dk-$$"
IMAGE="nscap-dk-$$:1"
TOKEN="nscap-$$-$RANDOM"
D="$LAB_DIR/dk"
BRIDGE="$LAB_ID"

for c in dockerd containerd runc docker curl; do
	command -v "$c" >/dev/null ||
		skip "$c is not installed (scripts/deps.sh installs docker.io)"
done
# the image's root: busybox httpd with a page to serve
rootfs="$LAB_DIR/rootfs"
busybox_rootfs "$rootfs" sh httpd sleep
mkdir -p "$rootfs/www" && echo "$TOKEN" >"$rootfs/www/index.html" || fail "www"

# --- what the host has before the daemons touch it -------------------------
FORWARD=$(sysctl -n net.ipv4.ip_forward)
# folders the daemons make and leave: their run-time folders, and
# dockerd's cgroup parent (cgroupfs driver) in each hierarchy
maybe=(/run/docker /run/docker/plugins /run/containerd /run/containerd/s)
for d in /sys/fs/cgroup/*/; do
	maybe+=("${d}docker")
done
[ -e /sys/fs/cgroup/cgroup.controllers ] && maybe+=(/sys/fs/cgroup/docker)
made_dirs=()
for d in "${maybe[@]}"; do
	[ -e "$d" ] || made_dirs+=("$d")
done
# dockerd 20.10's trust key, which it makes where none is
made_key=0
[ -e /etc/docker/key.json ] || made_key=1

# stop_pid PIDFILE: TERM, then KILL after 15 s
stop_pid() {
	local p i
	p=$(cat "$1" 2>/dev/null) || return 0
	kill "$p" 2>/dev/null || return 0
	for ((i = 0; i < 150; i++)); do
		kill -0 "$p" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$p" 2>/dev/null
}

docker_cleanup() {
	local m d i
	if [ -S "$D/d.sock" ]; then
		timeout 30 docker rm -f -v "$NAME" "$NAME-side" "$NAME-host" \
			>/dev/null 2>&1
		timeout 30 docker network rm "$NAME" >/dev/null 2>&1
	fi
	stop_pid "$D/dockerd.pid"
	stop_pid "$D/containerd.pid"
	# the shims of containers not removed (containerd leaves them running)
	pkill -9 -f "containerd-shim.*-address $D/" 2>/dev/null
	# what is still mounted under the lab (overlays, the namespace files
	# dockerd binds), deepest first
	for m in $(awk -v d="$D/" 'index($5, d) == 1 {print $5}' \
		/proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	ip link del "$BRIDGE" 2>/dev/null
	sysctl -qw net.ipv4.ip_forward="$FORWARD"
	[ "$made_key" = 1 ] && rm -f /etc/docker/key.json
	# folders the daemons made (empty once their containers are gone),
	# deepest first
	for ((i = ${#made_dirs[@]} - 1; i >= 0; i--)); do
		d=${made_dirs[i]}
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	lab_cleanup
}
trap docker_cleanup EXIT

# --- the daemons ------------------------------------------------------------
mkdir -p "$D" || fail "mkdir $D"
cat >"$D/containerd.toml" <<EOF
version = 2
root = "$D/containerd/root"
state = "$D/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$D/c.sock"
[ttrpc]
  address = "$D/c.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$D/containerd/opt"
EOF
echo '{}' >"$D/daemon.json"
containerd --config "$D/containerd.toml" >"$D/containerd.log" 2>&1 &
echo $! >"$D/containerd.pid"
wait_for 30 test -S "$D/c.sock" ||
	skip "containerd does not start here: $(tail -n 3 "$D/containerd.log")"
dockerd --config-file "$D/daemon.json" --data-root "$D/root" \
	--exec-root "$D/exec" --pidfile "$D/exec/dockerd.pid" -H "unix://$D/d.sock" \
	--containerd "$D/c.sock" --iptables=false --ip6tables=false \
	--ip-forward=false --ip-masq=false --bridge=none >"$D/dockerd.log" 2>&1 &
# its PID now, not from --pidfile: a dockerd too slow to write it is
# stopped too
echo $! >"$D/dockerd.pid"
export DOCKER_HOST="unix://$D/d.sock"
docker_up() {
	timeout 10 docker version >/dev/null 2>&1
}
wait_for 60 docker_up ||
	skip "dockerd does not start here: $(tail -n 3 "$D/dockerd.log")"

# --- the image, the network, the containers ---------------------------------
tar -C "$rootfs" -cf "$LAB_DIR/rootfs.tar" . || fail "tar"
dk() {
	timeout 60 docker "$@" >"$LAB_DIR/docker.out" 2>&1 ||
		fail "docker $*: $(tail -n 3 "$LAB_DIR/docker.out")"
}
dk import "$LAB_DIR/rootfs.tar" "$IMAGE"
dk network create --subnet 203.0.113.0/24 --gateway 203.0.113.1 \
	-o com.docker.network.bridge.name="$BRIDGE" "$NAME"
dk run -d --name "$NAME" --network "$NAME" --ip 203.0.113.2 \
	--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
	"$IMAGE" /bin/httpd -f -p 80 -h /www
dk run -d --name "$NAME-side" --network "container:$NAME" \
	"$IMAGE" /bin/sleep 600
dk run -d --name "$NAME-host" --network host "$IMAGE" /bin/sleep 600

inspect() {
	timeout 30 docker container inspect --format "$1" "$2" 2>/dev/null
}
id=$(inspect '{{.Id}}' "$NAME")
pid=$(inspect '{{.State.Pid}}' "$NAME")
side_id=$(inspect '{{.Id}}' "$NAME-side")
side_pid=$(inspect '{{.State.Pid}}' "$NAME-side")
[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "docker inspect: ID '$id'"
[[ $pid =~ ^[1-9][0-9]*$ ]] || fail "docker inspect: PID '$pid'"
ino=$(netns_inode "/proc/$pid/ns/net") || fail "no namespace for pid $pid"
[ "$(netns_inode "/proc/$side_pid/ns/net")" = "$ino" ] ||
	fail "$NAME-side is not in $NAME's namespace"
# the only address this test talks to: the container's, on the lab's bridge
route=$(ip -4 route get 203.0.113.2 2>/dev/null)
grep -q " dev $BRIDGE " <<<"$route" && ! grep -q " via " <<<"$route" ||
	fail "203.0.113.2 is not on the lab's bridge: $route"
URL="http://203.0.113.2/index.html"
http_wait "$URL?ready" "$TOKEN"

# --- -L: the two containers beside their namespace ------------------------
"$NSCAP" -L >"$LAB_DIR/l.out" 2>"$LAB_DIR/l.err" ||
	fail "nscap -L: $(cat "$LAB_DIR/l.err")"
row=$(awk -v i="$ino" '$1 == i' "$LAB_DIR/l.out")
read -ra f <<<"$row"
# both containers in the one row, in the order of their lowest PIDs (the
# side container's sleep may have the lower PID once PIDs wrap): the
# first's ID and "+1", both names
if [ "$pid" -lt "$side_pid" ]; then
	want="$pid httpd ${id:0:12}+1 $NAME,$NAME-side"
else
	want="$side_pid sleep ${side_id:0:12}+1 $NAME-side,$NAME"
fi
[ "${f[1]:-} ${f[2]:-} ${f[3]:-} ${f[4]:-}" = "$want" ] ||
	fail "-L row of the containers: '$row', not '$want'"
grep -q "eth0=203.0.113.2/" <<<"${f[6]:-}" ||
	fail "-L interfaces of the container: ${f[6]:-}"

# --- a name no container has: the names that hold it -----------------------
"$NSCAP" -t "dk-$$" -D >/dev/null 2>"$LAB_DIR/n.err"
expect_status 1 $? "nscap -t dk-$$"
like=$(sed -n "s/^nscap: no container named 'dk-$$' (tried: .*docker.*); containers named like it: //p" \
	"$LAB_DIR/n.err" | sed 's/, /\n/g' | sort)
[ "$like" = "$(printf '%s\n' "$NAME" "$NAME-host" "$NAME-side" | sort)" ] ||
	fail "-t dk-$$: $(cat "$LAB_DIR/n.err")"

# --- a --network host container is the host's namespace ---------------------
"$NSCAP" -t "$NAME-host" -D >"$LAB_DIR/h.out" 2>"$LAB_DIR/h.err" ||
	fail "nscap -t $NAME-host -D: $(cat "$LAB_DIR/h.err")"
"$NSCAP" -t $$ -D >"$LAB_DIR/self.out" 2>"$LAB_DIR/self.err" ||
	fail "nscap -t $$ -D: $(cat "$LAB_DIR/self.err")"
cmp -s "$LAB_DIR/h.out" "$LAB_DIR/self.out" && grep -q "$BRIDGE" "$LAB_DIR/h.out" ||
	fail "-t $NAME-host -D is not the host's list: $(cat "$LAB_DIR/h.out")"

# --- captures of a page fetch, by name, ID prefix, docker://ID, and the ----
# --- container that shares the namespace (with the first: captured once) ---
n=0
for t in "$NAME" "${id:0:12}" "docker://$id" "$NAME-side $NAME"; do
	n=$((n + 1))
	out="$LAB_DIR/cap$n.pcapng"
	args=()
	for a in $t; do
		args+=(-t "$a")
	done
	capture_fetch "$out" "$URL?t=$TOKEN-$n" "$TOKEN" "${args[@]}" -i eth0
	uris=$(tshark -r "$out" -Y http.request -T fields -e http.request.uri \
		2>/dev/null)
	[ "$uris" = "/index.html?t=$TOKEN-$n" ] ||
		fail "nscap ${args[*]}: requests in the capture: '$uris'"
	names=$(tshark -r "$out" -T fields -e frame.interface_name \
		-e frame.interface_description 2>/dev/null | sort -u)
	# the first target names the interface, and its container is the one
	# described
	first=${args[1]} want=$id
	[ "$first" = "$NAME-side" ] && want=$side_id
	grep -qF "$first:eth0	" <<<"$names" && [ "$(wc -l <<<"$names")" -eq 1 ] ||
		fail "nscap ${args[*]}: interfaces '$names'"
	grep -qF "container docker $want" <<<"$names" ||
		fail "nscap ${args[*]}: no container ID in '$names'"
	[ "$(grep -c "listening on" "$LAB_DIR/cap.err")" -eq 1 ] ||
		fail "nscap ${args[*]}: $(cat "$LAB_DIR/cap.err")"
	# the second of two targets in one namespace: said
	if [ "${#args[@]}" -eq 4 ]; then
		grep -qx "nscap: ${args[3]} shares the network namespace of ${args[1]}; captured once" \
			"$LAB_DIR/cap.err" || fail "nscap ${args[*]}: no note: $(cat "$LAB_DIR/cap.err")"
	fi
done

# --- docker stop ends the capture -------------------------------------------
: >"$LAB_DIR/cap.err"
lab_bg "$NSCAP" -t "$NAME" -i eth0 -w "$LAB_DIR/stop.pcapng" 2>"$LAB_DIR/cap.err"
wait_for 15 listening "$LAB_DIR/cap.err" ||
	fail "nscap -t $NAME did not start: $(cat "$LAB_DIR/cap.err")"
[ "$(http_fetch "$URL?stop")" = "$TOKEN" ] || fail "fetch before the stop failed"
dk stop -t 1 "$NAME"
wait_exit 15 "$BG_PID" "$LAB_DIR/cap.err" "nscap -t $NAME, the container stopped" 1
grep -q "^nscap: target process $pid (httpd) exited" "$LAB_DIR/cap.err" ||
	fail "no word of the stop: $(cat "$LAB_DIR/cap.err")"
uris=$(tshark -r "$LAB_DIR/stop.pcapng" -Y http.request -T fields \
	-e http.request.uri 2>/dev/null)
[ "$uris" = "/index.html?stop" ] ||
	fail "the capture ended by the stop: requests '$uris'"
pass
