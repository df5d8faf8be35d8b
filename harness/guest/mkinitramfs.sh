#!/usr/bin/env bash
# mkinitramfs.sh OUT.cpio INIT PLAN [FILE...]: an uncompressed newc cpio with
# INIT as /init, PLAN (comments dropped) as /plan, each FILE in /bin and
# each directory among the FILEs as a whole, at /ITS-NAME.
# OUT is left alone (time stamp included) when its content would not change.
set -euo pipefail
out=$1 init=$2 plan=$3; shift 3
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin"
install -m 755 "$init" "$stage/init"
grep -v -e '^#' -e '^$' "$plan" > "$stage/plan" || true  # an empty plan is fine
for f in "$@"; do
	if [ -d "$f" ]; then
		cp -a "$f" "$stage/"
		continue
	fi
	[ -f "$f" ] || { echo "error: $f not built" >&2; exit 1; }
	install -m 755 "$f" "$stage/bin/"
done
touch -d @0 $(find "$stage")  # the archive depends on the content only
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 --reproducible) > "$out.new"
if cmp -s "$out.new" "$out"; then rm -f "$out.new"; else mv "$out.new" "$out"; fi
