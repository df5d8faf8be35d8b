#!/usr/bin/env bash
# build-guest.sh: the static guest userspace for the test host: our init
# and the upstream 6.1 KVM selftests (from the base commit, unchanged) used
# by the regression gate. Output in build/guest/.
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
note "guest userspace built in $g"
