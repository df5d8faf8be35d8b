#!/usr/bin/env bash
# The main job behind plain `make`: every stage timed.
. "$(dirname "$0")/lib.sh"
times=()
stage() { # stage NAME CMD...
	local t0=$SECONDS name=$1; shift
	note "$name"
	"$@"
	times+=("$(printf '%-28s %5ss' "$name" $((SECONDS - t0)))")
}
start=$SECONDS
stage "dependencies" "$TOP/scripts/deps.sh"
stage "base tree + series (git am)" "$TOP/scripts/tree.sh"
git -C "$TREE" checkout -q v4
stage "build patched kernel" "$TOP/scripts/build-kernel.sh" "$BUILD/out/patched"
git -C "$TREE" checkout -q --detach base
stage "build base kernel" "$TOP/scripts/build-kernel.sh" "$BUILD/out/base"
git -C "$TREE" checkout -q v4
echo
echo "Stage times:"
printf '  %s\n' "${times[@]}"
printf '  %-28s %5ss\n' total $((SECONDS - start))
