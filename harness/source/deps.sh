#!/usr/bin/env bash
# deps.sh [matrix]: install what the harness needs on Debian 12,
# idempotently (with "matrix", also what make matrix needs). QEMU comes
# from bookworm-backports: bookworm's 7.2 does not model the stage-2
# alignment fault that tells the series from its absence (see README).
# Debian's arm64 packages (the nested VMM, Debian's arm64 config) need the
# arm64 architecture in dpkg; it is added when missing.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"   # BASE_PKG, BASE_VERSION

pkgs=(make git perl python3 python3-pytest python3-sphinx python3-ply python3-git bc bison flex cpio xz-utils kmod
      libssl-dev libelf-dev ccache sparse rsync
      gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
      libc6-dev-arm64-cross)
# make matrix also builds with clang (LLVM=1).
[ "${1:-}" != matrix ] || pkgs+=(clang lld llvm)
qemu_min=10

[ "$(id -u)" = 0 ] || { echo "error: run as root (apt-get install)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
# The base tree is pinned: install exactly the version the series is based on,
# also when Debian has moved on (the archive keeps the previous versions).
[ "$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)" = "$BASE_VERSION" ] ||
	missing+=("$BASE_PKG=$BASE_VERSION")

qemu_ok() {
	command -v qemu-system-aarch64 >/dev/null || return 1
	local v
	v=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p;q')
	[ "${v:-0}" -ge "$qemu_min" ]
}

arm64=1
dpkg --print-foreign-architectures | grep -qx arm64 || arm64=0
if [ ${#missing[@]} -eq 0 ] && qemu_ok && [ $arm64 = 1 ]; then
	echo ">>> dependencies present"
	exit 0
fi

src=/etc/apt/sources.list.d/debian.sources
if ! qemu_ok && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	[ -f "$src" ] || { echo "error: $src not found; add bookworm-backports to apt's sources by hand" >&2; exit 1; }
	echo ">>> adding bookworm-backports to $src"
	sed -i '0,/^Suites:.*bookworm.*/s//& bookworm-backports/' "$src"
fi

if [ $arm64 = 0 ]; then
	echo ">>> adding the arm64 architecture to dpkg"
	dpkg --add-architecture arm64
fi
echo ">>> apt-get update"
apt-get update -q >/dev/null
if [ ${#missing[@]} -gt 0 ]; then
	echo ">>> installing: ${missing[*]}"
	apt-get install -y -q --no-install-recommends --allow-downgrades "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
fi
if ! qemu_ok; then
	echo ">>> installing qemu-system-arm from bookworm-backports"
	apt-get install -y -q --no-install-recommends -t bookworm-backports \
		qemu-system-arm qemu-system-data ipxe-qemu >/dev/null
fi
qemu_ok || { echo "error: qemu-system-aarch64 >= $qemu_min is required; found: $(qemu-system-aarch64 --version 2>&1 | head -n1)" >&2; exit 1; }
echo ">>> dependencies installed"
