#!/usr/bin/env bash
# build-guest.sh: the static user space of the test host, in build/guest/:
#  - our programs (guest/*.c): plan-init, s2trace, fsio, and s2bench and
#    soak, which link the KVM selftest library and guest/lib;
#  - the KVM selftests, built from the series' worktree build/k/series/src:
#    the series' own, and the upstream ones of the regression gate, which
#    use the selftest library that patch 8 changes. The same binaries run
#    on the base and on the patched kernel. They are rebuilt only when the
#    series' commit or the compiler changed (build/guest/stamp).
. "$(dirname "$0")/lib.sh"
. "$TOP/scripts/klib.sh"
g=$BUILD/guest
src=$K/series/src
kst=$src/tools/testing/selftests/kvm
mkdir -p "$g"
[ -e "$src/.git" ] || die "no $src (run: scripts/kernel.sh build series)"

build_selftests() {
	[ -z "$(git -C "$src" status --porcelain --ignored)" ] || die "$src is not clean"
	# O=: an in-tree headers_install would leave files in the worktree.
	make -C "$src" -s O="$K/series/hdr-obj" ARCH=arm64 CROSS_COMPILE=$CROSS \
		INSTALL_HDR_PATH="$g/hdr" headers_install >/dev/null
	# -k: two of 6.1's arm64 selftests do not build (see tests/regress.plan);
	# what the plans need is checked below.
	make -C "$kst" -k -j"$JOBS" ARCH=arm64 \
		CROSS_COMPILE=$CROSS CC="ccache ${CROSS}gcc" LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $g/hdr/include" OUTPUT="$g/kvm" \
		>"$g/build.log" 2>&1 || true
	[ -z "$(git -C "$src" status --porcelain --ignored)" ] ||
		die "building the selftests wrote into $src: $(git -C "$src" status --porcelain --ignored | head -n 3)"
}

for p in plan-init s2trace fsio; do
	${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$g/$p" "$TOP/guest/$p.c"
done

want=$(printf 'commit %s\ncompiler %s\n' "$(git -C "$src" rev-parse HEAD)" \
	"$(compiler_id gcc | paste -sd ';')")
if [ "$(cat "$g/stamp" 2>/dev/null)" != "$want" ]; then
	rm -f "$g/stamp"
	build_selftests
	stamped=built
else
	stamped="up to date"
fi

# Small, so built every time.
for p in s2bench soak; do
	${CROSS}gcc -static -O2 -Wall -Werror -std=gnu99 -I"$src/tools/include" \
		-I"$src/tools/arch/arm64/include" -I"$kst/include" -I"$kst/include/aarch64" -I"$kst/.." \
		-I"$TOP/guest/lib" -isystem "$g/hdr/include" -o "$g/$p" "$TOP/guest/$p.c" "$TOP/guest/lib/vfio_bar.c" \
		"$g"/kvm/lib/*.o "$g"/kvm/lib/aarch64/*.o -ldl
done

# A selftest that did not build is named when a plan needs it (plan_files).
echo "$want" > "$g/stamp"
note "guest user space $stamped in $g"
