#!/usr/bin/env bash
# images.sh: bring both test-host kernels up to date: the base commit in
# build/out/base and the full series in build/out/patched (incremental,
# ccache-backed; quick when nothing changed).
. "$(dirname "$0")/lib.sh"
trap 'git -C "$TREE" checkout -q v4' EXIT
git -C "$TREE" checkout -q --detach base
"$TOP/scripts/build-kernel.sh" "$BUILD/out/base"
git -C "$TREE" checkout -q v4
"$TOP/scripts/build-kernel.sh" "$BUILD/out/patched"
