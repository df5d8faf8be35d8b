#!/usr/bin/env bash
# sparse (C=2) and W=1 on every C file the series touches, on the base and on
# the full series: the series may not add a warning the base does not have.
# Warnings are compared without line numbers, which the series shifts.
. "$(dirname "$0")/../scripts/lib.sh"
out=$BUILD/out/lint
cd "$TREE"
trap 'git -C "$TREE" checkout -q v4' EXIT
mapfile -t files < <(git diff --name-only --diff-filter=AM base v4 -- '*.c' ':!tools' ':!scripts')
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no C file found in the series"; exit 1; }

lint() { # lint REV FILE -> normalised warnings on stdout
	local obj=${2%.c}.o
	[ -f "$TREE/$2" ] || return 0
	rm -f "$out/$obj"
	# Only warnings in the file or in headers it includes: building one
	# object may first build others (the vDSO), whose warnings are not ours.
	kmake "$out" W=1 C=2 "$obj" 2>&1 | grep -E '(warning|error):' |
		grep -E "(${2//./\\.}|\.h):[0-9]" |
		sed -E 's/:[0-9]+(:[0-9]+)?:/:/' | sort || true
}
for rev in base v4; do
	git checkout -q --detach "$rev"
	"$TOP/scripts/configure.sh" "$out"
	kmake "$out" prepare >/dev/null 2>&1 || { echo "FAIL: make prepare at $rev"; exit 1; }
	for f in "${files[@]}"; do
		lint "$rev" "$f" > "$out/lint-$rev-${f//\//_}.txt"
	done
done
for f in "${files[@]}"; do
	b=$out/lint-base-${f//\//_}.txt p=$out/lint-v4-${f//\//_}.txt
	new=$(comm -13 "$b" "$p")
	if [ -z "$new" ]; then
		echo "PASS: sparse + W=1 $f: no new warnings ($(wc -l < "$p") also in base)"
	else
		echo "$new"
		echo "FAIL: sparse + W=1 $f: $(echo "$new" | wc -l) new warnings"
	fi
done
