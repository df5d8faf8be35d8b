#!/usr/bin/env bash
# compare.sh [COLUMN...]: side by side with upstream's merged implementation.
# Prepares build/linux-6.12 (Debian 6.12 + our ported tests,
# harness/source/prepare-612.sh), builds it as the kernel upstream/4k
# (harness/kernel/kernel.sh) and our selftest from its worktree into
# build/guest-6.12, boots it in each column (default: all four) with
# tests/e2e.plan and, for its KUnit suite, with KUnit on; the 6.1 base and
# series are booted the same way where their logs are missing or older than
# their kernel and initramfs. Then the three-way table of harness/judge/compare.py.
. "$(dirname "$0")/lib.sh"
. "$TOP/harness/kernel/klib.sh"
G=$BUILD/guest-6.12
cols=("$@")
[ ${#cols[@]} -gt 0 ] || cols=(vhe nvhe protected nofwb)
for col in "${cols[@]}"; do
	case $col in vhe|nvhe|protected|nofwb) ;; *) die "unknown column '$col'" ;; esac
done
start=$SECONDS

build_guest() {
	local src=$K/upstream/src kst
	kst=$src/tools/testing/selftests/kvm
	mkdir -p "$G"
	${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$G/plan-init" "$TOP/guest/plan-init.c"
	${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$G/s2trace" "$TOP/guest/s2trace.c"
	make -C "$src" -s O="$K/upstream/hdr-obj" ARCH=arm64 CROSS_COMPILE=$CROSS \
		INSTALL_HDR_PATH="$G/hdr" headers_install >/dev/null
	# As for 6.1 (harness/guest/build-guest.sh): an install of the kvm target
	# limited to the test, run through the kselftest runner.
	rm -rf "$G/kselftest"
	if ! make -C "$src/tools/testing/selftests" TARGETS=kvm ARCH=arm64 \
		TEST_GEN_PROGS_aarch64=aarch64/vfio_bar_memattr TEST_GEN_PROGS_arm64=aarch64/vfio_bar_memattr \
		CROSS_COMPILE=$CROSS CC="ccache ${CROSS}gcc" LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $G/hdr/include" O="$G/ksft-o" \
		KSFT_INSTALL_PATH="$G/kselftest" install >"$G/build.log" 2>&1 ||
	   ! grep -qx 'kvm:vfio_bar_memattr' "$G/kselftest/kselftest-list.txt"; then
		grep -m 20 -E 'error|Error' "$G/build.log" >&2 || tail -n 20 "$G/build.log" >&2
		die "the 6.12 selftest did not build (see $G/build.log)"
	fi
	# 6.12's selftests generate their arm64 sysreg header into the tree
	# (tools/arch/arm64/include/generated): remove it, and nothing else may
	# have been written there.
	git -C "$src" clean -fdqx -- tools/arch/arm64/include/generated
	[ -z "$(git -C "$src" status --porcelain --ignored)" ] || die "building the selftest wrote into $src"
	"$TOP/harness/guest/mkinitramfs.sh" "$G/e2e.cpio" "$G/plan-init" "$TOP/tests/e2e.plan" \
		"$G/s2trace" "$BUILD/guest/busybox" "$BUILD/guest/kselftest-e2e" "$G/kselftest"
	"$TOP/harness/guest/mkinitramfs.sh" "$G/kunit.cpio" "$G/plan-init" /dev/null
}

boot() {  # boot COLUMN KERNEL-NAME LABEL CPIO [-k]: one boot, log e2e|kunit-COLUMN-LABEL
	local col=$1 name=$2 label=$3 cpio=$4 kind=e2e t0=$SECONDS log
	[ "${5:-}" = -k ] && kind=kunit
	log=$BUILD/logs/$kind-$col-$label.log
	[ "$kind-$label" = kunit-patched ] && log=$BUILD/logs/kunit-$col.log
	fresh "$log" "$("$TOP/harness/kernel/kernel.sh" image "$name")" "$cpio" && return 0
	"$TOP/harness/boot/qemu-boot.sh" ${5:-} "$("$TOP/harness/kernel/kernel.sh" image "$name")" "$cpio" \
		"$col" "$log" 600 || { mv -f "$log" "$log.failed"; return 0; }  # compare.py reports it missing
	note "$kind $col $label: $((SECONDS - t0))s"
}

stage "prepare 6.12 tree" bash "$TOP/harness/source/prepare-612.sh"
stage "kernel upstream/4k" "$TOP/harness/kernel/kernel.sh" build upstream
stage "kernels base/4k, series/4k" "$TOP/harness/kernel/kernel.sh" build base series
stage "6.1 guest user space" "$TOP/harness/guest/build-guest.sh"
stage "6.12 selftest" build_guest
e2e=$(plan_cpio e2e)
kunit=$BUILD/guest/kunit.cpio
"$TOP/harness/guest/mkinitramfs.sh" "$kunit" "$BUILD/guest/plan-init" /dev/null
for col in "${cols[@]}"; do
	stage "boot $col upstream" boot "$col" upstream upstream "$G/e2e.cpio"
	stage "boot $col upstream KUnit" boot "$col" upstream upstream "$G/kunit.cpio" -k
	stage "boot $col 6.1 (if stale)" boot "$col" base base "$e2e"
	stage "boot $col series (if stale)" boot "$col" series patched "$e2e"
	stage "boot $col series KUnit (if stale)" boot "$col" series patched "$kunit" -k
done
rc=0
stage "compare" python3 "$TOP/harness/judge/compare.py" "${cols[@]}" || rc=$?
echo
print_stages "$start"
exit $rc
