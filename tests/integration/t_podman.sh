# End to end with a real container runtime: rootful podman (Debian's 4.3,
# with runc) runs busybox httpd in a container built here from a
# busybox-static rootfs (`podman import`: nothing is pulled). The container
# is found by name, ID prefix and podman://ID in its cgroup and through the
# podman CLI, nscap captures a page fetched from the host (curl, to the
# container's address on podman's bridge and nowhere else), and tshark finds
# the HTTP request in the file. nscap -L lists the container.
#
# Skipped (exit 77) where podman cannot run. The container, the image and
# what podman leaves on the host (net.ipv4.ip_forward, its nft tables, its
# bridge, its cgroups) are removed however the test ends.
#
# Until nscap's command line resolves names (main.c calling
# nscap_target_resolve), captures use -t PID and resolution is checked
# through build/tests/resolve_probe; NSCAP_TEST_CLI_TARGETS=1 captures with
# -t NAME, -t ID-PREFIX and -t podman://ID instead.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PROBE=${RESOLVE_PROBE:-$ROOT/build/tests/resolve_probe}
CLI=${NSCAP_TEST_CLI_TARGETS:-1}
NAME="nscap-test-$$"
IMAGE="localhost/nscap-test-$$"
TOKEN="nscap-$$-$RANDOM"

command -v podman >/dev/null || skip "podman is not installed (scripts/deps.sh installs it)"
command -v runc >/dev/null || skip "runc is not installed (scripts/deps.sh installs it)"
command -v curl >/dev/null || skip "curl is not installed"
# the image's root: busybox httpd with a page to serve
rootfs="$LAB_DIR/rootfs"
busybox_rootfs "$rootfs" sh httpd sleep
mkdir -p "$rootfs/www" && echo "$TOKEN" >"$rootfs/www/index.html" || fail "www"

if [ -z "${RESOLVE_PROBE:-}" ]; then
	make -C "$ROOT" --no-print-directory -s build/tests/resolve_probe \
		>"$LAB_DIR/make.log" 2>&1 || fail "cannot build $PROBE: $(tail -n 5 "$LAB_DIR/make.log")"
fi
[ -x "$PROBE" ] || fail "no $PROBE"

# --- what the host looks like before podman touches it --------------------
FORWARD=$(sysctl -n net.ipv4.ip_forward)
have_nft=0
command -v nft >/dev/null && have_nft=1
nft_tables() {
	[ "$have_nft" = 1 ] && nft list tables 2>/dev/null | sort
}
nft_tables >"$LAB_DIR/nft.before"
# chains_of TABLE: the user chains of an iptables table
chains_of() {
	iptables -t "$1" -S 2>/dev/null | awk '$1 == "-N" {print $2}' | sort
}
if command -v iptables >/dev/null; then
	for t in filter nat; do
		chains_of "$t" >"$LAB_DIR/chains.$t"
	done
fi
links_before=$(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1)
cgroups_before=$(ls -d /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent 2>/dev/null)

podman_cleanup() {
	local t c d l
	timeout 60 podman rm -f -t 0 "$NAME" >/dev/null 2>&1
	timeout 60 podman rmi -f "$IMAGE" >/dev/null 2>&1
	sysctl -qw net.ipv4.ip_forward="$FORWARD"
	# chains podman added (CNI-*, NETAVARK-*): the rules that jump to them,
	# then the chains; what remains of a table made for them goes below
	if command -v iptables >/dev/null; then
		for t in filter nat; do
			new=$(chains_of "$t" | grep -E '^(CNI|NETAVARK)' |
				comm -23 - "$LAB_DIR/chains.$t")
			for c in $new; do
				# iptables -S quotes comments; eval takes them whole
				iptables -t "$t" -S | grep -E -- "-j $c( |\$)" |
					sed 's/^-A /-D /' | while read -r rule; do
					eval "iptables -t $t $rule" 2>/dev/null
				done
			done
			for c in $new; do
				iptables -t "$t" -F "$c" 2>/dev/null
			done
			for c in $new; do
				iptables -t "$t" -X "$c" 2>/dev/null
			done
		done
	fi
	# nft tables podman made (through iptables-nft, or netavark's own)
	if [ "$have_nft" = 1 ]; then
		nft_tables | comm -13 "$LAB_DIR/nft.before" - | while read -r t; do
			nft delete $t 2>/dev/null # "table FAMILY NAME"
		done
	fi
	# its bridge, if this test brought it up
	for l in cni-podman0 podman0; do
		if ip link show "$l" >/dev/null 2>&1 && ! grep -qx "$l" <<<"$links_before"; then
			ip link del "$l" 2>/dev/null
		fi
	done
	# its cgroup parent (cgroupfs manager), if this test made it
	for d in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
		[ -d "$d" ] || continue
		grep -qxF "$d" <<<"$cgroups_before" && continue
		rmdir "$d"/conmon "$d" 2>/dev/null
	done
	lab_cleanup
}
trap podman_cleanup EXIT

# --- the image --------------------------------------------------------------
tar -C "$rootfs" -cf "$LAB_DIR/rootfs.tar" . || fail "tar"
timeout 120 podman import -q "$LAB_DIR/rootfs.tar" "$IMAGE" >"$LAB_DIR/podman.out" 2>&1 ||
	skip "podman cannot import an image here: $(tail -n 3 "$LAB_DIR/podman.out")"

# crun refuses this host's hybrid cgroups, and root may not raise nofile
# and nproc to podman's defaults: runc and explicit limits
timeout 120 podman --runtime runc run -d --name "$NAME" \
	--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
	"$IMAGE" /bin/httpd -f -p 80 -h /www >"$LAB_DIR/podman.out" 2>&1 ||
	skip "podman cannot run a container here: $(tail -n 3 "$LAB_DIR/podman.out")"

inspect() {
	timeout 30 podman inspect --format "$1" "$NAME" 2>/dev/null
}
id=$(inspect '{{.Id}}')
pid=$(inspect '{{.State.Pid}}')
ip=$(inspect '{{.NetworkSettings.IPAddress}}')
[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "podman inspect: ID '$id'"
[[ $pid =~ ^[1-9][0-9]*$ ]] || fail "podman inspect: PID '$pid'"
[[ $ip =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "podman inspect: address '$ip'"
# the only address this test talks to: the container's, on podman's bridge
# (a directly connected route through the bridge, never the host's network)
route=$(ip -4 route get "$ip" 2>/dev/null)
grep -Eq " dev (cni-podman[0-9]+|podman[0-9]+) " <<<"$route" && ! grep -q " via " <<<"$route" ||
	fail "$ip is not on podman's bridge: $route"
case $ip in
192.0.2.*) fail "$ip is in the host's own network" ;;
esac
ino=$(stat -L -c %i "/proc/$pid/ns/net") || fail "no namespace for pid $pid"
URL="http://$ip/index.html"

http_wait "$URL?ready" "$TOKEN"

# --- resolution: by name, ID prefix and podman://ID; the init, not conmon -
probe() {
	"$PROBE" "$@" >"$LAB_DIR/p.out" 2>"$LAB_DIR/p.err"
}
field() {
	sed -n "s/^$1=//p" "$LAB_DIR/p.out"
}
for t in "$NAME" "name:$NAME" "$id" "${id:0:12}" "podman://$id" "podman://${id:0:12}"; do
	probe "$t" || fail "resolve_probe $t: $(cat "$LAB_DIR/p.err")"
	[ "$(field pid)" = "$pid" ] || fail "$t: pid $(field pid), podman says $pid"
	[ "$(field comm)" = httpd ] || fail "$t: comm $(field comm)"
	[ "$(field container_id)" = "$id" ] || fail "$t: container $(field container_id)"
	[ "$(field runtime)" = podman ] || fail "$t: runtime $(field runtime)"
	[ "$(field entered_inode)" = "$ino" ] || fail "$t: entered $(field entered_inode), want $ino"
done
probe "$NAME"
[ "$(field container_name)" = "$NAME" ] || fail "$NAME: name $(field container_name)"
probe "nscap-no-such-$$"
[ $? -eq 1 ] && grep -q "^nscap: no container named 'nscap-no-such-$$' (tried: podman" "$LAB_DIR/p.err" ||
	fail "unknown name: $(cat "$LAB_DIR/p.err")"

probe -L || fail "resolve_probe -L: $(cat "$LAB_DIR/p.err")"
row=$(awk -v i="$ino" '$1 == i' "$LAB_DIR/p.out")
read -ra f <<<"$row"
[ "${f[1]}" = "$pid" ] && [ "${f[2]}" = httpd ] && [ "${f[3]}" = "${id:0:12}" ] && [ "${f[4]}" = "$NAME" ] ||
	fail "-L row of the container: '$row'"
grep -q "eth0=$ip/" <<<"${f[6]}" || fail "-L interfaces of the container: ${f[6]}"
# name:PREFIX is a name, never the container whose ID starts so (podman's
# inspect takes a prefix, and nscap once took its answer)
if [ "$CLI" = 1 ]; then
	probe "name:${id:0:6}"
	[ $? -eq 1 ] && grep -q "^nscap: no container named '${id:0:6}'" "$LAB_DIR/p.err" ||
		fail "name:${id:0:6}: $(cat "$LAB_DIR/p.out" "$LAB_DIR/p.err")"
	# a paused container keeps its name in -L (plain podman ps leaves it out)
	if timeout 30 podman pause "$NAME" >/dev/null 2>&1; then
		probe -L
		row=$(awk -v i="$ino" '$1 == i' "$LAB_DIR/p.out")
		timeout 30 podman unpause "$NAME" >/dev/null 2>&1
		read -ra f <<<"$row"
		[ "${f[4]}" = "$NAME" ] || fail "-L row of the paused container: '$row'"
	fi
fi

# --- capture a page fetch, read the request back with tshark ---------------
if [ "$CLI" = 1 ]; then
	targets=("$NAME" "${id:0:12}" "podman://$id")
else
	targets=("$pid")
fi
n=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	out="$LAB_DIR/cap$n.pcapng"
	capture_fetch "$out" "$URL?t=$TOKEN-$n" "$TOKEN" -t "$t" -i eth0
	uris=$(tshark -r "$out" -Y http.request -T fields -e http.request.method \
		-e http.request.uri 2>/dev/null)
	grep -qxF "GET	/index.html?t=$TOKEN-$n" <<<"$uris" ||
		fail "nscap -t $t: no GET /index.html?t=$TOKEN-$n in the capture: '$uris'"
	tshark -r "$out" -Y "http.response.code == 200" 2>/dev/null | grep -q . ||
		fail "nscap -t $t: no HTTP 200 in the capture"
	# the file names the interface as the user named the target, and the
	# description records the container
	names=$(tshark -r "$out" -T fields -e frame.interface_name \
		-e frame.interface_description 2>/dev/null | sort -u)
	grep -qF "$t:eth0	" <<<"$names" || fail "nscap -t $t: interface named '$names'"
	if [ "$CLI" = 1 ]; then
		grep -qF "container podman $id" <<<"$names" ||
			fail "nscap -t $t: no container ID in '$names'"
	fi
done
pass
