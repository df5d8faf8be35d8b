#!/usr/bin/env bash
# mkinitramfs-realvmm.sh OUT.cpio INIT PLAN VMMROOT IMAGE INITRD [FILE...]:
# the test host's initramfs for the real-stack gate. As harness/guest/mkinitramfs.sh
# (an uncompressed newc cpio, INIT as /init, PLAN without comments as /plan,
# each FILE in /bin, left alone when its content would not change), plus
#  - the VMM: usr/bin/qemu-system-aarch64 of VMMROOT (harness/guest/realvmm-fetch.sh)
#    with the shared libraries it links, found by following ELF NEEDED
#    entries through VMMROOT's library directories, and the dynamic loader;
#    nothing else of the unpacked packages;
#  - the nested guest: IMAGE as /realvmm/Image, INITRD as
#    /realvmm/initramfs.cpio.
. "$(dirname "$0")/../lib.sh"
[ $# -ge 6 ] || die "usage: mkinitramfs-realvmm.sh OUT.cpio INIT PLAN VMMROOT IMAGE INITRD [FILE...]"
out=$1 init=$2 plan=$3 root=$4 image=$5 initrd=$6; shift 6
qemu=usr/bin/qemu-system-aarch64
libdirs=(lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu)
[ -x "$root/$qemu" ] || die "no $root/$qemu (run: harness/guest/realvmm-fetch.sh)"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# stage PATH: copy VMMROOT/PATH (symbolic links followed) to the same path.
stage() {
	mkdir -p "$stage/$(dirname "$1")"
	cp -L "$root/$1" "$stage/$1"
}

needed() {
	"${CROSS}readelf" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}

todo=("$qemu")
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]} todo=("${todo[@]:1}")
	stage "$f"
	for lib in $(needed "$root/$f"); do
		for d in "${libdirs[@]}" ""; do
			[ -n "$d" ] || die "$f needs $lib, which no package of $root has"
			[ -e "$root/$d/$lib" ] && break
		done
		[ -e "$stage/$d/$lib" ] || todo+=("$d/$lib")
	done
done
loader=$("${CROSS}readelf" -l "$root/$qemu" | sed -n 's/.*Requesting program interpreter: \/\(.*\)\]$/\1/p')
[ -n "$loader" ] || die "$qemu names no dynamic loader"
stage "$loader"

mkdir -p "$stage/bin" "$stage/realvmm"
install -m 755 "$init" "$stage/init"
grep -v -e '^#' -e '^$' "$plan" > "$stage/plan" || true
for f in "$@"; do
	[ -f "$f" ] || die "$f not built"
	install -m 755 "$f" "$stage/bin/"
done
install -m 644 "$image" "$stage/realvmm/Image"
install -m 644 "$initrd" "$stage/realvmm/initramfs.cpio"
touch -d @0 $(find "$stage")  # the archive depends on the content only
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 --reproducible) > "$out.new"
if cmp -s "$out.new" "$out"; then rm -f "$out.new"; else mv "$out.new" "$out"; fi
