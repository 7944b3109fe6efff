#!/bin/bash
# Install the Debian packages that nscap's build, lint and tests need, and
# only those that are missing. When everything is present it asks dpkg and
# nothing else (no apt-get update), so `make test` can run it every time.
#
# Usage: scripts/deps.sh          (as root when something is missing)
#        scripts/deps.sh build    only what building nscap needs (make bench)
set -euo pipefail

BUILD=(build-essential pkg-config libpcap-dev)
PACKAGES=(
	"${BUILD[@]}" libcmocka-dev
	tshark tcpdump wireshark-common
	iproute2 busybox-static util-linux procps psmisc curl
	valgrind cppcheck clang-tidy clang-format strace
	python3
	# tests/integration/t_podman.sh: rootful podman with runc (crun
	# refuses a hybrid cgroup layout), CNI networking (Debian 12's podman
	# 4.3 default), and nft to remove the tables podman leaves behind
	podman runc conmon containernetworking-plugins iptables nftables
	# tests/integration/t_rootless.sh: newuidmap and newgidmap, and
	# rootlesskit for a rootless dockerd
	uidmap rootlesskit
)
# tests/integration/t_docker.sh runs a dockerd and a containerd of its own:
# Debian's docker.io, unless a dockerd is there already (docker-ce's
# packages conflict with docker.io). Installing it starts and enables no
# daemon (below): a test's tool must not leave one running on the machine.
command -v dockerd >/dev/null || PACKAGES+=(docker.io)
case "${1:-}" in
"") ;;
build) PACKAGES=("${BUILD[@]}") ;;
*)
	echo "usage: scripts/deps.sh [build]" >&2
	exit 2
	;;
esac

installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[[ $status == *" ok installed" ]]
}

missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	echo "deps: all present"
	exit 0
fi

if ((EUID != 0)); then
	echo "deps: missing ${missing[*]}; run scripts/deps.sh as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# tshark pulls in wireshark-common, which asks whether non-root users may
# capture (a setuid dumpcap); answer "no" before it can ask.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections

log=$(mktemp)
policy=
cleanup() {
	rm -f "$log" ${policy:+"$policy"}
}
trap cleanup EXIT
# docker.io's and containerd's services: not started by the install (a
# policy-rc.d refusing their start alone, so that one left behind by a
# killed run harms nothing else; unless the machine has one already), and
# not enabled at boot (below). Those of packages already installed are
# left as they are.
disable=()
if [[ " ${missing[*]} " == *" docker.io "* ]]; then
	disable=(docker.service docker.socket)
	installed containerd || disable+=(containerd.service)
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		policy=/usr/sbin/policy-rc.d
		# invoke-rc.d passes a script's name, deb-systemd-invoke a
		# unit's
		printf '#!/bin/sh\ncase "$1" in docker | docker.* | containerd | containerd.*) exit 101 ;; esac\nexit 0\n' >"$policy"
		chmod 755 "$policy"
	fi
fi
if ! apt-get update -q >"$log" 2>&1 ||
	! apt-get install -y -q --no-install-recommends \
		-o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold \
		"${missing[@]}" >>"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "deps: cannot install ${missing[*]} (apt-get failed, see above)" >&2
	exit 1
fi

if ((${#disable[@]})) && command -v systemctl >/dev/null; then
	systemctl disable --quiet "${disable[@]}" >>"$log" 2>&1 || true
fi

for p in "${missing[@]}"; do
	if ! installed "$p"; then
		echo "deps: $p is still not installed after apt-get install" >&2
		exit 1
	fi
done
echo "deps: installed ${missing[*]}"
