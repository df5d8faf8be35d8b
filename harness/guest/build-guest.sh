#!/usr/bin/env bash
# build-guest.sh: the static user space of the test host, in build/guest/:
#  - our programs (guest/*.c): plan-init, s2trace, fsio; revstress and
#    resetset, which link guest/lib; and s2bench, soak, bigbar and
#    barcover, which link the KVM selftest library and guest/lib;
#  - the KVM selftests, built from the series' worktree build/k/series/src:
#    the series' own, and the upstream ones of the regression gate, which
#    use the selftest library that patch 10 changes; and an install of the
#    kvm target with the series' selftest in build/guest/kselftest, for the
#    kselftest runner. The same binaries run on the base and on the patched
#    kernel. They are rebuilt only when the series' commit or the compiler
#    changed (build/guest/stamp), our programs only when their sources or
#    the stamp are newer;
#  - busybox (Debian's busybox-static:arm64), the shell of the runner, and
#    as /sbin/modprobe in build/guest/modprobe.cpio.
. "$(dirname "$0")/../lib.sh"
. "$TOP/harness/kernel/klib.sh"
g=$BUILD/guest
src=$K/series/src
kst=$src/tools/testing/selftests/kvm
mkdir -p "$g"
[ -e "$src/.git" ] || die "no $src (run: harness/kernel/kernel.sh build series)"

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
	# The series' selftest as kselftest users run it: an install of the kvm
	# target (run_kselftest.sh, kselftest-list.txt, kvm/settings), limited
	# to the test, since two of 6.1's kvm tests do not build and would stop
	# make install.
	rm -rf "$g/kselftest"
	make -C "$src/tools/testing/selftests" -s TARGETS=kvm ARCH=arm64 \
		TEST_GEN_PROGS_aarch64=aarch64/vfio_bar_memattr \
		CROSS_COMPILE=$CROSS CC="ccache ${CROSS}gcc" LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $g/hdr/include" O="$g/ksft-o" \
		KSFT_INSTALL_PATH="$g/kselftest" install >"$g/kselftest.log" 2>&1 ||
		{ tail -n 20 "$g/kselftest.log" >&2; die "make install of the kvm selftests failed (see $g/kselftest.log)"; }
	grep -qx 'kvm:vfio_bar_memattr' "$g/kselftest/kselftest-list.txt" ||
		die "the kselftest install does not list kvm:vfio_bar_memattr"
	[ -z "$(git -C "$src" status --porcelain --ignored)" ] ||
		die "building the selftests wrote into $src: $(git -C "$src" status --porcelain --ignored | head -n 3)"
}

# A static arm64 shell for the kselftest runner: Debian's busybox-static,
# unpacked, never installed.
fetch_busybox() {
	local v tmp lists
	# Ask apt-cache only when apt's lists changed.
	lists=$(apt_lists_id)
	[ ! -x "$g/busybox" ] || [ "$(cat "$g/busybox.lists" 2>/dev/null)" != "$lists" ] || return 0
	v=$(apt-cache show --no-all-versions busybox-static:arm64 2>/dev/null | sed -n 's/^Version: //p')
	[ -n "$v" ] || die "no busybox-static:arm64 in apt's lists (run: make deps)"
	if [ "$(cat "$g/busybox.version" 2>/dev/null)" = "$v" ] && [ -x "$g/busybox" ]; then
		echo "$lists" > "$g/busybox.lists"
		return 0
	fi
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "busybox-static:arm64=$v" >/dev/null) ||
		{ rm -rf "$tmp"; die "cannot download busybox-static:arm64=$v"; }
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/x"
	install -m 755 "$tmp/x/bin/busybox" "$g/busybox"
	rm -rf "$tmp"
	echo "$v" > "$g/busybox.version"
	echo "$lists" > "$g/busybox.lists"
	note "busybox-static:arm64 $v"
}

install -m 755 "$TOP/guest/kselftest-e2e.sh" "$g/kselftest-e2e"
fetch_busybox
# /sbin/modprobe for every test host: busybox's, in a cpio that qemu-boot.sh
# appends to the initramfs together with the kernel's modules.
mkdir -p "$g/modprobe-root/sbin"
install -m 755 "$g/busybox" "$g/modprobe-root/sbin/modprobe"
"$TOP/harness/guest/mkcpio.sh" "$g/modprobe-root" "$g/modprobe.cpio"

want=$(printf 'commit %s\ncompiler %s\n' "$(git -C "$src" rev-parse HEAD)" \
	"$(compiler_id gcc | paste -sd ';')")
if [ "$(cat "$g/stamp" 2>/dev/null)" != "$want" ]; then
	rm -f "$g/stamp"
	build_selftests
	stamped=built
else
	stamped="up to date"
fi

# Our programs: rebuilt when a source, or the stamp (the selftest library
# they link, the compiler), is newer than the binary. The stamp is
# rewritten only when it changes, below.
for p in plan-init s2trace fsio; do
	[ "$stamped" = built ] || ! fresh "$g/$p" "$TOP/guest/$p.c" "$g/stamp" || continue
	${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$g/$p" "$TOP/guest/$p.c"
done
for p in revstress resetset; do
	[ "$stamped" = built ] || ! fresh "$g/$p" "$TOP/guest/$p.c" "$TOP"/guest/lib/vfio_bar.* "$TOP"/guest/lib/bar_opts.* "$g/stamp" || continue
	${CROSS}gcc -static -O2 -Wall -Wextra -Werror -I"$TOP/guest/lib" -isystem "$g/hdr/include" \
		-o "$g/$p" "$TOP/guest/$p.c" "$TOP/guest/lib/vfio_bar.c" "$TOP/guest/lib/bar_opts.c" -lpthread
done
for p in s2bench soak bigbar barcover; do
	[ "$stamped" = built ] || ! fresh "$g/$p" "$TOP/guest/$p.c" "$TOP"/guest/lib/* "$g/stamp" || continue
	${CROSS}gcc -static -O2 -Wall -Werror -std=gnu99 -I"$src/tools/include" \
		-I"$src/tools/arch/arm64/include" -I"$kst/include" -I"$kst/include/aarch64" -I"$kst/.." \
		-I"$TOP/guest/lib" -isystem "$g/hdr/include" -o "$g/$p" "$TOP/guest/$p.c" "$TOP"/guest/lib/*.c \
		"$g"/kvm/lib/*.o "$g"/kvm/lib/aarch64/*.o -ldl
done

# A selftest that did not build is named when a plan needs it (plan_files).
[ "$stamped" = "up to date" ] || echo "$want" > "$g/stamp"
note "guest user space $stamped in $g"
