#!/usr/bin/env bash
# build-guest.sh: the static user space of the test host, in build/guest/:
# our programs (guest/*.c: plan-init, s2trace, fsio) and the KVM selftests, all built from the series'
# worktree build/k/series/src: the series' own selftests and the upstream
# ones of the regression gate, which use the selftest library patch 6
# changes. The same binaries run on the base and the patched kernel.
# The selftests are rebuilt only when the series' commit or the compiler
# changed (build/guest/stamp).
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/klib.sh"
g=$BUILD/guest
mkdir -p "$g"
for p in plan-init s2trace fsio; do
	${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$g/$p" "$TOP/guest/$p.c"
done

"$TOP/scripts/kernel.sh" src series >/dev/null
src=$K/series/src
[ -e "$src/.git" ] || die "no $src (run: scripts/kernel.sh build series)"
want=$(printf 'commit %s\ncompiler %s\n' "$(git -C "$src" rev-parse HEAD)" \
	"$(compiler_id gcc | paste -sd ';')")
if [ "$(cat "$g/stamp" 2>/dev/null)" = "$want" ]; then
	note "guest user space up to date in $g"
	exit 0
fi
rm -f "$g/stamp"
[ -z "$(git -C "$src" status --porcelain --ignored)" ] || die "$src is not clean"
# O=: an in-tree headers_install would leave files in the worktree.
make -C "$src" -s O="$K/series/hdr-obj" ARCH=arm64 CROSS_COMPILE=$CROSS \
	INSTALL_HDR_PATH="$g/hdr" headers_install >/dev/null
# -k: two of 6.1's arm64 selftests do not build (see tests/regress.plan);
# what the plans need is checked below.
make -C "$src/tools/testing/selftests/kvm" -k -j"$JOBS" ARCH=arm64 \
	CROSS_COMPILE=$CROSS CC="ccache ${CROSS}gcc" LDFLAGS=-static \
	KHDR_INCLUDES="-isystem $g/hdr/include" OUTPUT="$g/kvm" \
	>"$g/build.log" 2>&1 || true
missing=$(cat "$TOP"/tests/*.plan | awk '!/^[#!]/ && NF { print $3 }' | sort -u | while read -r p; do
	b=${p#/bin/}
	[ -f "$g/$b" ] || [ -f "$g/kvm/$b" ] || [ -f "$g/kvm/aarch64/$b" ] || echo "$b"
done)
[ -z "$missing" ] || {
	grep -m 20 -E 'error' "$g/build.log" >&2 || true
	die "selftests the plans name did not build: $missing (see $g/build.log)"
}
[ -z "$(git -C "$src" status --porcelain --ignored)" ] ||
	die "building the selftests wrote into $src: $(git -C "$src" status --porcelain --ignored | head -n 3)"
echo "$want" > "$g/stamp"
note "guest user space built in $g"
