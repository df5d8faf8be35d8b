#!/usr/bin/env bash
# realvmm-build.sh KERNEL...: the initramfs of the real-stack gate for each
# KERNEL (base, series), build/realvmm/KERNEL.cpio: the test host boots
# KERNEL with it, and runs tests/realvmm.plan with guest/plan-init as /init:
# guest/realvmm-run starts Debian's qemu-system-aarch64 (build/realvmm/root,
# harness/guest/realvmm-fetch.sh) once per plan line, with the same KERNEL as the nested
# guest and build/realvmm/KERNEL-l2.cpio as its initramfs
# (guest/realvmm-init.c as /init, the test module guest/realvmm-mod built
# against KERNEL in /bin).
#
# REALVMM_KDIR (default build/k) holds the KERNEL/4k output directories the
# module is built against: for testing with kernels prepared elsewhere.
. "$(dirname "$0")/../lib.sh"
. "$TOP/harness/kernel/klib.sh"
d=$BUILD/realvmm
kdir=${REALVMM_KDIR:-$K}
[ $# -gt 0 ] || die "usage: realvmm-build.sh KERNEL..."
mkdir -p "$d"
for p in plan-init realvmm-run realvmm-init; do
	${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$d/$p" "$TOP/guest/$p.c"
done
for k in "$@"; do
	image=$("$TOP/harness/kernel/kernel.sh" image "$k")
	obj=$kdir/$k/4k
	[ -f "$obj/scripts/module.lds" ] ||
		die "$obj has no scripts/module.lds: the kernel was built without modules_prepare (make Image modules), which external modules need"
	m=$d/mod-$k
	# The module is rebuilt when the kernel or its source changed.
	want=$(cat "$obj/stamp" "$TOP"/guest/realvmm-mod/* | sha256sum | cut -c1-16)
	if [ "$(cat "$m/stamp" 2>/dev/null)" != "$want" ] || [ ! -f "$m/realvmm_wc.ko" ]; then
		rm -rf "$m"
		mkdir -p "$m"
		cp "$TOP"/guest/realvmm-mod/* "$m/"
		make -C "$K/$k/src" O="$obj" M="$m" ARCH=arm64 CROSS_COMPILE=$CROSS \
			CC="ccache ${CROSS}gcc" -s modules >"$m/build.log" 2>&1 ||
			{ cat "$m/build.log" >&2; die "the test module does not build against $k"; }
		! grep -qi 'warning' "$m/build.log" || { cat "$m/build.log" >&2; die "the test module builds with warnings against $k"; }
		echo "$want" > "$m/stamp"
	fi
	"$TOP/harness/guest/mkinitramfs.sh" "$d/$k-l2.cpio" "$d/realvmm-init" /dev/null "$m/realvmm_wc.ko"
	# The 60 MB initramfs is made again only when one of its parts changed.
	want=$(cat "$obj/stamp" "$d/stamp" "$d/$k-l2.cpio" "$d/plan-init" "$d/realvmm-run" \
		"$TOP/tests/realvmm.plan" "$TOP/harness/guest/mkinitramfs-realvmm.sh" | sha256sum | cut -c1-16)
	if [ "$(cat "$d/$k.stamp" 2>/dev/null)" != "$want" ] || [ ! -f "$d/$k.cpio" ]; then
		rm -f "$d/$k.stamp"
		"$TOP/harness/guest/mkinitramfs-realvmm.sh" "$d/$k.cpio" "$d/plan-init" "$TOP/tests/realvmm.plan" \
			"$d/root" "$image" "$d/$k-l2.cpio" "$d/realvmm-run"
		echo "$want" > "$d/$k.stamp"
	fi
	note "realvmm: $d/$k.cpio ($(du -m "$d/$k.cpio" | cut -f1) MB)"
done
