#!/usr/bin/env bash
# compare.sh [COLUMN...]: side by side with upstream's merged implementation.
# Prepares build/linux-6.12 (Debian 6.12 + our tests, scripts/prepare-612.sh),
# builds its kernel into build/out/upstream-6.12 and our selftest into
# build/guest-6.12, boots it in each column (default: all four) with
# tests/e2e.plan into build/logs/e2e-COLUMN-upstream.log, and prints the
# three-way table of scripts/compare.py. The 6.1 base/series logs come from
# the e2e gate; a column whose logs are missing is booted here with
# scripts/e2e-run.sh. Compiles and boots run under nice -n 19.
. "$(dirname "$0")/lib.sh"
T=$BUILD/linux-6.12
OUT=$BUILD/out/upstream-6.12
G=$BUILD/guest-6.12
cols=("$@")
[ ${#cols[@]} -gt 0 ] || cols=(vhe nvhe protected nofwb)
for col in "${cols[@]}"; do
	case $col in vhe|nvhe|protected|nofwb) ;; *) die "unknown column '$col'" ;; esac
done
NICE="nice -n 19"
times=()
stage() {  # stage NAME COMMAND...: run and time one stage
	local name=$1 t0=$SECONDS; shift
	note "$name"
	"$@"
	times+=("$(printf '%-32s %4ds' "$name" $((SECONDS - t0)))")
}

build_guest() {
	mkdir -p "$G"
	$NICE ${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$G/plan-init" "$TOP/guest/plan-init.c"
	# O=: an in-tree headers_install would make the tree unclean for the
	# O= kernel build.
	$NICE make -C "$T" -s O="$G/hdr-obj" ARCH=arm64 CROSS_COMPILE=$CROSS \
		INSTALL_HDR_PATH="$G/hdr" headers_install >/dev/null
	if ! $NICE make -C "$T/tools/testing/selftests/kvm" -j"$JOBS" ARCH=arm64 \
		CROSS_COMPILE=$CROSS CC="ccache ${CROSS}gcc" LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $G/hdr/include" OUTPUT="$G/e2e" \
		"$G/e2e/aarch64/vfio_bar_memattr" >"$G/e2e-build.log" 2>&1; then
		grep -m 20 -E 'error|Error' "$G/e2e-build.log" >&2 || tail -n 20 "$G/e2e-build.log" >&2
		die "the 6.12 selftest did not build (see $G/e2e-build.log)"
	fi
	"$TOP/scripts/mkinitramfs.sh" "$G/e2e.cpio" "$G/plan-init" "$TOP/tests/e2e.plan" \
		"$G/e2e/aarch64/vfio_bar_memattr"
}

boot_upstream() {
	local col=$1 log=$BUILD/logs/e2e-$1-upstream.log t0=$SECONDS
	mkdir -p "$BUILD/logs"
	$NICE "$TOP/scripts/qemu-boot.sh" "$OUT/arch/arm64/boot/Image" "$G/e2e.cpio" \
		"$col" "$log" 600 || return 0  # compare.py reports what is missing
	note "e2e $col upstream: $((SECONDS - t0))s"
}

boot_61() {  # the 6.1 base/series logs, when the e2e gate has not made them
	local col=$1
	[ -f "$BUILD/logs/e2e-$col-base.log" ] && [ -f "$BUILD/logs/e2e-$col-patched.log" ] && return 0
	"$TOP/scripts/images.sh" >/dev/null
	"$TOP/scripts/build-guest.sh" >/dev/null
	"$TOP/scripts/e2e-run.sh" "$col" || true  # compare.py reports what is missing
}

stage "prepare 6.12 tree" bash "$TOP/scripts/prepare-612.sh"
# arm64-host-6.12.config adds what 6.12 needs on top of the shared fragment.
stage "build 6.12 kernel" $NICE env NC_TREE="$T" "$TOP/scripts/build-kernel.sh" "$OUT" \
	"$TOP/config/arm64-host-6.12.config"
stage "build 6.12 selftest" build_guest
for col in "${cols[@]}"; do
	stage "boot $col upstream" boot_upstream "$col"
	stage "boot $col 6.1 (if missing)" boot_61 "$col"
done
note "compare"
t0=$SECONDS rc=0
python3 "$TOP/scripts/compare.py" "${cols[@]}" || rc=$?
times+=("$(printf '%-32s %4ds' compare $((SECONDS - t0)))")
echo
echo "stage times:"
printf '  %s\n' "${times[@]}"
exit $rc
