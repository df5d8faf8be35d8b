#!/usr/bin/env bash
# realvmm-fetch.sh: Debian's own arm64 qemu-system-aarch64 and the shared
# libraries it needs, unpacked (never installed) into build/realvmm/root, the
# VMM that the test host runs for the real-stack gate (gates/76-realvmm.sh).
#
# The packages are the closure of qemu-system-arm:arm64 as apt resolves it
# for an empty arm64 system (Depends and Pre-Depends, no Recommends). Their
# exact versions are the stamp (build/realvmm/stamp): when they are
# unchanged this does nothing. Needs root the first time, to add the arm64
# architecture to dpkg and run apt-get update; nothing is installed.
# What QEMU does not use (documentation, /usr/share, locales, gconv, QEMU's
# loadable UI/audio/block modules) is dropped from the unpacked tree.
. "$(dirname "$0")/../lib.sh"
dir=$BUILD/realvmm
root=$dir/root
pkg=qemu-system-arm
# One at a time: make runs this in the background while the kernels build,
# so a make that stopped on a failed build can leave one still unpacking
# when the next make starts its own.
mkdir -p "$dir"
exec 9>"$dir/.fetch.lock"
flock 9

# apt as if on an arm64 system with nothing installed: what it would
# install is then the whole closure, resolved as apt resolves it.
arm64_apt=(-o APT::Architecture=arm64 -o APT::Architectures::=arm64
	   -o Dir::State::status=/dev/null
	   -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
	   -o APT::Sandbox::User=root)  # downloads into build/, which _apt cannot write

# closure: "NAME VERSION ARCH" of each package, sorted; nothing when apt
# cannot resolve it (the caller says so).
closure() {
	{ apt-get -s "${arm64_apt[@]}" --no-install-recommends install "$pkg" 2>&1 || true; } |
		sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*\[\([a-z0-9]*\)\]).*$/\1 \2 \3/p' | LC_ALL=C sort
}

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	[ "$(id -u)" = 0 ] || die "the arm64 architecture is not known to dpkg; run as root once"
	note "realvmm: dpkg --add-architecture arm64; apt-get update"
	dpkg --add-architecture arm64
	apt-get update -q >/dev/null || die "apt-get update failed"
fi
# Resolving takes apt a few seconds; the closure can only change when apt's
# lists do, so unchanged lists mean nothing to do.
lists=$(apt_lists_id)
if [ -x "$root/usr/bin/qemu-system-aarch64" ] && [ -f "$dir/stamp" ] &&
   [ "$(cat "$dir/lists" 2>/dev/null)" = "$lists" ]; then
	note "realvmm: apt's lists unchanged since $root was unpacked: up to date"
	exit 0
fi
want=$(closure)
if ! grep -q "^$pkg " <<<"$want"; then
	note "realvmm: no $pkg:arm64 in apt's lists yet; apt-get update"
	apt-get update -q >/dev/null || die "apt-get update failed"
	want=$(closure)
fi
grep -q "^$pkg " <<<"$want" || {
	{ apt-get -s "${arm64_apt[@]}" --no-install-recommends install "$pkg" 2>&1 || true; } | tail -n 3 >&2
	die "apt cannot resolve $pkg for arm64 (see above)"
}

if [ "$(cat "$dir/stamp" 2>/dev/null)" = "$want" ] && [ -x "$root/usr/bin/qemu-system-aarch64" ]; then
	echo "$lists" > "$dir/lists"
	note "realvmm: $pkg:arm64 $(awk -v p="$pkg" '$1 == p { print $2 }' <<<"$want") and $(($(wc -l <<<"$want") - 1)) dependencies: up to date in $root"
	exit 0
fi

# deb NAME VERSION ARCH: the file apt-get download saves it as.
deb() { echo "$dir/debs/${1}_${2/:/%3a}_$3.deb"; }

# download LIST: fetch what $dir/debs lacks of LIST (NAME VERSION ARCH
# lines) with one apt-get; 1, naming them, if any are still missing.
download() {
	local name version arch get=() missing=()
	while read -r name version arch; do
		[ -f "$(deb "$name" "$version" "$arch")" ] || get+=("$name=$version")
	done <<<"$1"
	[ ${#get[@]} = 0 ] && return 0
	echo "  apt-get download: ${get[*]}"
	(cd "$dir/debs" && apt-get "${arm64_apt[@]}" download -q "${get[@]}" >/dev/null) || true
	while read -r name version arch; do
		[ -f "$(deb "$name" "$version" "$arch")" ] || missing+=("$name=$version")
	done <<<"$1"
	[ ${#missing[@]} = 0 ] && return 0
	echo "error: could not download: ${missing[*]}" >&2
	return 1
}

rm -f "$dir/stamp"
mkdir -p "$dir/debs"
note "realvmm: downloading $(wc -l <<<"$want") arm64 packages into $dir/debs"
if ! download "$want"; then
	# The lists may name versions the archive has dropped since.
	note "realvmm: some downloads failed; apt-get update and retry"
	apt-get update -q >/dev/null || die "apt-get update failed"
	want=$(closure)
	download "$want" || die "could not download the packages named above"
fi

note "realvmm: unpacking into $root"
rm -rf "$root"
mkdir -p "$root"
while read -r name version arch; do
	dpkg-deb -x "$(deb "$name" "$version" "$arch")" "$root"
done <<<"$want"
rm -rf "${root:?}"/usr/share "$root"/usr/lib/locale "$root"/usr/lib/aarch64-linux-gnu/gconv \
	"$root"/usr/lib/aarch64-linux-gnu/qemu "$root"/etc
[ -x "$root/usr/bin/qemu-system-aarch64" ] || die "$pkg did not unpack usr/bin/qemu-system-aarch64"
# Only the versions of this closure are kept.
keep=$(while read -r name version arch; do deb "$name" "$version" "$arch"; done <<<"$want")
for f in "$dir"/debs/*.deb; do
	grep -qxF "$f" <<<"$keep" || rm -f "$f"
done
echo "$want" > "$dir/stamp"
echo "$lists" > "$dir/lists"
note "realvmm: $pkg:arm64 $(awk -v p="$pkg" '$1 == p { print $2 }' <<<"$want"), $(wc -l <<<"$want") packages, $(du -sh "$root" | cut -f1) unpacked in $root"
