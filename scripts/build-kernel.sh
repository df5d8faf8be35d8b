#!/usr/bin/env bash
# build-kernel.sh OUTDIR [EXTRA_FRAGMENT...]: build arch/arm64/boot/Image of the
# tree's current checkout into OUTDIR. On failure, print the first errors.
. "$(dirname "$0")/lib.sh"
out=$1; shift
"$TOP/scripts/configure.sh" "$out" "$@"
log=$out/build.log
if ! kmake "$out" Image >"$log" 2>&1; then
	echo "error: kernel build failed in $out at $(git -C "$TREE" log -1 --format='%h %s')" >&2
	grep -m 20 -E 'error|Error' "$log" >&2 || tail -n 20 "$log" >&2
	exit 1
fi
# Warnings are kept in the log for the W=1/sparse gate; say how many there were.
n=$(grep -c 'warning:' "$log" || true)
note "built $out/arch/arm64/boot/Image ($n compiler warnings)"
