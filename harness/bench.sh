#!/usr/bin/env bash
# bench.sh [COLUMN...]: make bench. In each column (default: all four) the
# series and the base are booted alternately, BOOTS times each (default 2),
# with 64 MiB ivshmem BARs; in each boot guest/s2bench runs ROUNDS rounds
# (tests/bench.plan: 6), a fresh VM each. harness/judge/bench.py prints the time
# per stage-2 fault per backing, series / base and base / base, and the
# guest's write throughput into the BAR; then ICOUNT_BOOTS (default 3)
# boots of each in the vhe column under QEMU's -icount, whose figures
# repeat from boot to boot (bench.py prints their spread). Figures only:
# nothing here passes or fails on a number.
. "$(dirname "$0")/lib.sh"
start=$SECONDS
cols=("$@")
[ ${#cols[@]} -gt 0 ] || cols=(vhe nvhe protected nofwb)
stage "kernels series/4k, base/4k" "$TOP/harness/kernel/kernel.sh" build series base
stage "guest user space" "$TOP/harness/guest/build-guest.sh"
cpio=$(plan_cpio bench)
declare -A image=([series]=$("$TOP/harness/kernel/kernel.sh" image series)
		  [base]=$("$TOP/harness/kernel/kernel.sh" image base))
logs=()
boot() { # boot COLUMN KERNEL N [icount]
	local log=$BUILD/logs/bench-${4:+icount-}$1-$2-$3.log
	# shellcheck disable=SC2086
	"$TOP/harness/boot/qemu-boot.sh" ${4:+"${icount[@]}"} -s 64M -m 3G "${image[$2]}" "$cpio" "$1" "$log" 1800 || true
	logs+=("$log")
}
[ -n "${BIGBAR_ONLY:-}" ] || for col in "${cols[@]}"; do
	for i in $(seq 1 "${BOOTS:-2}"); do
		for k in series base; do
			stage "boot $col $k #$i" boot "$col" "$k" "$i"
		done
	done
done

# The same in the vhe column under QEMU's instruction counting (-icount
# shift=0: the virtual clock advances 1 ns per instruction executed, and
# only then; sleep=off: an idle CPU does not wait for the wall clock): the
# guest's counter, and so its time per stage-2 fault, counts the
# instructions executed on the way, the host kernel's included, and no
# longer the emulator's speed or the load on this machine. It models the
# length of the code path, not caches, TLBs or memory latency.
icount=(-q -icount -q shift=0,sleep=off)
[ -n "${BIGBAR_ONLY:-}" ] || for i in $(seq 1 "${ICOUNT_BOOTS:-3}"); do
	for k in series base; do
		stage "boot vhe $k #$i under -icount" boot vhe "$k" "$i" icount
	done
done

# Large BARs (guest/bigbar, tests/bigbar.plan), in the vhe column: ivshmem
# BARs of 1 GiB and 4 GiB, series, base and the one-pass alternative booted
# in turn, then the
# series' debug kernel (KASAN, lockdep, ...; the kernel make matrix builds)
# once at 4 GiB, whose log must hold no soft lockup, RCU stall or hung task.
stage "kernel series/debug" "$TOP/harness/kernel/kernel.sh" build series/debug
image[debug]=$("$TOP/harness/kernel/kernel.sh" image series/debug)
# The alternative to patch 3 that fills a VMA in one pass
# (tests/alternatives/onepass.patch), measured beside the series and the base.
stage "kernel mutant-onepass (the one-pass alternative)" "$TOP/harness/kernel/kernel.sh" build mutant-onepass
image[onepass]=$("$TOP/harness/kernel/kernel.sh" image mutant-onepass)
bigcpio=$(plan_cpio bigbar)
biglogs=()
bigboot() { # bigboot SIZE KERNEL N
	local log=$BUILD/logs/bigbar-vhe-$1-$2-$3.log
	"$TOP/harness/boot/qemu-boot.sh" -s "$1" -m 2G "${image[$2]}" "$bigcpio" vhe "$log" 1800 || true
	biglogs+=("$log")
}
for size in 1G 4G; do
	for i in $(seq 1 "${BOOTS:-2}"); do
		for k in series base onepass; do
			stage "large BAR $size $k #$i" bigboot "$size" "$k" "$i"
		done
	done
done
stage "large BAR 4G debug kernel" bigboot 4G debug 1

echo
rc=0
[ -n "${BIGBAR_ONLY:-}" ] || "$TOP/harness/judge/bench.py" "${logs[@]}" || rc=$?
echo
"$TOP/harness/judge/bigbar.py" "${biglogs[@]}" || rc=$?
echo
print_stages "$start"
exit $rc
