#!/usr/bin/env bash
# Every commit of the series builds on its own: the base, then each patch
# in turn, incrementally in one worktree of its own (build/k/bisect). At a
# commit that changes the KVM selftests, the selftests the plans run, and
# those the commit adds, build too.
#
# What built is recorded in build/k/bisect/verified, one line per commit
# with the config fragment and the compiler: a commit already recorded is
# not built again (the build is a function of those three).
. "$(dirname "$0")/../scripts/lib.sh"
. "$TOP/scripts/klib.sh"
src=$K/bisect/src out=$K/bisect/4k
verified=$K/bisect/verified
mkdir -p "$K/bisect" "$BUILD/logs"
touch "$verified"
frag=$(cat "$TOP/config/arm64-host.config" | sha256sum | cut -c1-16)
cc=$(compiler_id gcc | paste -sd ';')
st=tools/testing/selftests/kvm

selftests() { # build the plans' selftests and the commit's new ones in $src
	local c=$1 new progs
	new=$(git -C "$src" diff --name-only --diff-filter=A "$c^" "$c" -- "$st/*.c" |
		sed -n "s|^$st/||p" | grep -v '^lib/' | sed 's/\.c$//')
	progs=$(cat "$TOP"/tests/*.plan | awk '!/^[#!]/ && NF { print $3 }' | sed 's|^/bin/||' |
		while read -r p; do
			[ -f "$src/$st/$p.c" ] && echo "$p"
			[ -f "$src/$st/aarch64/$p.c" ] && echo "aarch64/$p"
		done | sort -u)
	make -C "$src" -s O="$K/bisect/hdr-obj" ARCH=arm64 CROSS_COMPILE=$CROSS \
		INSTALL_HDR_PATH="$K/bisect/hdr" headers_install >/dev/null &&
	rm -rf "$K/bisect/selftests" &&
	make -C "$src/$st" -j"$JOBS" ARCH=arm64 CROSS_COMPILE=$CROSS \
		CC="ccache ${CROSS}gcc" LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $K/bisect/hdr/include" OUTPUT="$K/bisect/selftests" \
		$(printf "$K/bisect/selftests/%s " $new $progs)
}

i=0
n=$(git -C "$TREE" rev-list --count base.."$REV")
for c in $(git -C "$TREE" rev-parse base^{commit}) $(git -C "$TREE" rev-list --reverse base.."$REV"); do
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	key="$c $frag $cc"
	t0=$SECONDS
	if grep -qxF "image $key" "$verified"; then
		echo "PASS: Image builds at $i/$n: $subj (recorded)"
	else
		worktree_at "$TREE" "$src" "$c"
		if (build_variant "$src" "$out" 4k "bisect/$i") >/dev/null 2>"$BUILD/logs/bisect-$i.err"; then
			echo "image $key" >> "$verified"
			echo "PASS: Image builds at $i/$n: $subj ($((SECONDS - t0))s)"
		else
			cat "$BUILD/logs/bisect-$i.err"
			echo "FAIL: Image does not build at $i/$n: $subj"
		fi
	fi
	if [ "$c" != "$(git -C "$TREE" rev-parse base^{commit})" ] &&
	   [ -n "$(git -C "$TREE" diff --name-only "$c^" "$c" -- "$st")" ]; then
		t0=$SECONDS
		if grep -qxF "selftests $key" "$verified"; then
			echo "PASS: KVM selftests build at $i/$n: $subj (recorded)"
		else
			worktree_at "$TREE" "$src" "$c"
			if selftests "$c" >"$BUILD/logs/bisect-$i-selftests.log" 2>&1 &&
			   [ -z "$(git -C "$src" status --porcelain --ignored)" ]; then
				echo "selftests $key" >> "$verified"
				echo "PASS: KVM selftests build at $i/$n: $subj ($((SECONDS - t0))s)"
			else
				grep -m 10 -E 'error|Error' "$BUILD/logs/bisect-$i-selftests.log" || true
				echo "FAIL: KVM selftests do not build at $i/$n: $subj (log: $BUILD/logs/bisect-$i-selftests.log)"
			fi
		fi
	fi
	i=$((i + 1))
done
