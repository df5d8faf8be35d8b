#!/usr/bin/env bash
# mkcpio.sh DIR OUT.cpio: DIR as an uncompressed newc cpio, owned by root,
# every time stamp 0, so that the archive depends on the content only. OUT
# is left alone (time stamp included) when its content would not change.
set -euo pipefail
dir=$1 out=$2
[ -d "$dir" ] || { echo "error: mkcpio.sh: no directory $dir" >&2; exit 1; }
find "$dir" -exec touch -h -d @0 {} +
(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 --reproducible) > "$out.new"
if cmp -s "$out.new" "$out"; then rm -f "$out.new"; else mv "$out.new" "$out"; fi
