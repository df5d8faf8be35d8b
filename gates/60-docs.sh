#!/usr/bin/env bash
# Documentation/driver-api/vfio.rst builds with Sphinx with no new warnings.
# It is built on its own (a full htmldocs run takes too long for CI); it uses
# none of the kernel's Sphinx extensions.
. "$(dirname "$0")/../harness/lib.sh"
doc=Documentation/driver-api/vfio.rst
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
build() { # build REV -> warnings, normalised, on stdout
	mkdir -p "$tmp/$1"
	git -C "$TREE" show "$1:$doc" > "$tmp/$1/index.rst"
	printf "project = 'vfio'\nhighlight_language = 'none'\n" > "$tmp/$1/conf.py"
	sphinx-build -b html -q "$tmp/$1" "$tmp/$1/html" 2>&1 |
		sed -E "s|^$tmp/$1/index.rst:[0-9]*: *||" | sort
}
base=$(build base)
new=$(comm -13 <(echo "$base") <(build v4))
if [ -z "$new" ]; then
	echo "PASS: Sphinx builds $doc with no new warnings ($(echo -n "$base" | grep -c . || true) in base)"
else
	echo "$new"
	echo "FAIL: Sphinx: $doc has new warnings"
fi
grep -q '^Memory types of device MMIO mapped into a KVM guest' "$TREE/$doc" &&
	echo "PASS: $doc documents VM_ALLOW_ANY_UNCACHED" ||
	echo "FAIL: $doc lacks the VM_ALLOW_ANY_UNCACHED section"
