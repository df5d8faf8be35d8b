#!/usr/bin/env bash
# build-guest.sh: the static guest userspace for the test host: our init
# and the upstream 6.1 KVM selftests (from the base commit, unchanged) used
# by the regression gate, and the series' own selftest (from the series'
# last commit) for the end-to-end run. Output in build/guest/.
. "$(dirname "$0")/lib.sh"
g=$BUILD/guest
mkdir -p "$g"
${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$g/plan-init" "$TOP/guest/plan-init.c"

# The selftests are built from the base commit in a worktree of their own,
# so that the kernel tree can stay on any commit meanwhile.
wt=$BUILD/wt-regress
if [ ! -d "$wt" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$wt" base
fi
make -C "$wt" -s ARCH=arm64 CROSS_COMPILE=$CROSS INSTALL_HDR_PATH="$g/hdr" headers_install >/dev/null
# -k: two of 6.1's arm64 tests do not build (see tests/regress.plan).
make -C "$wt/tools/testing/selftests/kvm" -k -j"$JOBS" ARCH=arm64 \
	CROSS_COMPILE=$CROSS CC="ccache ${CROSS}gcc" LDFLAGS=-static \
	KHDR_INCLUDES="-isystem $g/hdr/include" OUTPUT="$g/regress" \
	>"$g/regress-build.log" 2>&1 || true
missing=$(awk '!/^#/ && NF { print $3 }' "$TOP/tests/regress.plan" | while read -r p; do
	f=$g/regress/${p#/bin/}
	[ -f "$f" ] || [ -f "$g/regress/aarch64/${p#/bin/}" ] || echo "${p#/bin/}"
done)
[ -z "$missing" ] || die "selftests in tests/regress.plan did not build: $missing (see $g/regress-build.log)"

# The series' selftest, built from its last commit in a worktree that
# follows $REV. The same binary runs on the base and the patched kernel.
wt=$BUILD/wt-e2e
if [ ! -d "$wt" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$wt" "$REV"
fi
git -C "$wt" checkout -q -f --detach "$REV"
st=tools/testing/selftests/kvm/aarch64/vfio_bar_memattr
[ -f "$wt/$st.c" ] || die "$REV has no $st.c: is the series complete?"
if ! make -C "$wt/tools/testing/selftests/kvm" -j"$JOBS" ARCH=arm64 \
	CROSS_COMPILE=$CROSS CC="ccache ${CROSS}gcc" LDFLAGS=-static \
	KHDR_INCLUDES="-isystem $g/hdr/include" OUTPUT="$g/e2e" \
	"$g/e2e/aarch64/vfio_bar_memattr" >"$g/e2e-build.log" 2>&1; then
	grep -m 20 -E 'error|Error' "$g/e2e-build.log" >&2 || tail -n 20 "$g/e2e-build.log" >&2
	die "the series' selftest did not build (see $g/e2e-build.log)"
fi
note "guest userspace built in $g"
