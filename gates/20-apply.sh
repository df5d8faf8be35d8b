#!/usr/bin/env bash
# git am of every patch onto a clean base tree, then the export round trip.
. "$(dirname "$0")/../scripts/lib.sh"
"$TOP/scripts/deps.sh" >/dev/null
if out=$(FORCE=1 "$TOP/scripts/tree.sh" 2>&1); then
	echo "$out"
	for p in "$TOP"/patches/0*.patch; do
		case $p in *0000-cover-letter.patch) continue ;; esac
		echo "PASS: git am $(basename "$p")"
	done
else
	echo "$out"
	echo "FAIL: git am: $(echo "$out" | grep -m1 '^error:')"
	exit 1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$TOP/scripts/export.sh" "$tmp" >/dev/null
if diff -r "$TOP/patches" "$tmp"; then
	echo "PASS: exporting the applied series reproduces patches/ byte for byte"
else
	echo "FAIL: export is not deterministic (diff above)"
fi
