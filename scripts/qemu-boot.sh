#!/usr/bin/env bash
# qemu-boot.sh IMAGE INITRD COLUMN LOG [TIMEOUT]: boot the arm64 test host
# under software emulation and keep its console in LOG. Always under a
# timeout. Two ivshmem-plain devices give RAM-backed 64-bit prefetchable
# BAR 2s behind the SMMUv3.
#
# COLUMN picks the CPU and KVM mode:
#   vhe        -cpu max                         VHE, FWB
#   nvhe       -cpu max, kvm-arm.mode=nvhe      nVHE, FWB
#   protected  -cpu max, kvm-arm.mode=protected pKVM, FWB
#   nofwb      -cpu cortex-a57                  nVHE, no FWB
# Exit status: 0 when the guest powered off by itself, 2 on timeout,
# 1 on any other QEMU failure.
set -euo pipefail
image=$1 initrd=$2 column=$3 log=$4 timeout=${5:-600}
case $column in
vhe)       cpu=max        mode= ;;
nvhe)      cpu=max        mode=kvm-arm.mode=nvhe ;;
protected) cpu=max        mode=kvm-arm.mode=protected ;;
nofwb)     cpu=cortex-a57 mode= ;;
*) echo "error: unknown column '$column' (vhe, nvhe, protected, nofwb)" >&2; exit 1 ;;
esac
[ -f "$image" ] || { echo "error: no kernel image $image" >&2; exit 1; }
[ -f "$initrd" ] || { echo "error: no initramfs $initrd" >&2; exit 1; }

set +e
timeout --kill-after=10 "$timeout" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3,iommu=smmuv3 -cpu "$cpu" \
	-smp 2 -m 2G -nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$image" -initrd "$initrd" \
	-append "console=ttyAMA0 panic=-1 oops=panic $mode" \
	-object memory-backend-ram,id=shm0,size=4M -device ivshmem-plain,memdev=shm0 \
	-object memory-backend-ram,id=shm1,size=4M -device ivshmem-plain,memdev=shm1 \
	</dev/null >"$log" 2>&1
rc=$?
set -e
case $rc in
0) exit 0 ;;
124|137) echo "error: QEMU ($column) timed out after ${timeout}s; log: $log" >&2; exit 2 ;;
*) echo "error: QEMU ($column) exited with status $rc; log: $log" >&2; tail -n 5 "$log" >&2; exit 1 ;;
esac
