#!/usr/bin/env bash
# Every commit of the series builds on its own: the base, then each patch
# in turn, incrementally in one worktree of its own (build/k/bisect). At a
# commit that changes the KVM selftests, the selftests the plans run, and
# those the commit adds, build too.
#
# BISECT=dirs (make check): every commit between the base and the last
# compiles the directories the series changes (arch/arm64/kvm/,
# drivers/vfio/, mm/) and links the modules, whose symbols modpost checks
# against the series kernel's vmlinux.o: the gate first checks that the
# series exports from vmlinux exactly what the base does, so that one
# vmlinux.o stands for every commit. BISECT=full (make matrix,
# matrix-05-bisect): the whole Image and the modules at every commit.
#
# What built is recorded in build/k/bisect/verified, one line per commit
# with the config fragment and the compiler: a commit already recorded is
# not built again (the build is a function of those three).
#
# The kernels base/4k and series/4k are built first (harness/kernel/kernel.sh):
# their stamps already prove the first and the last commit, and the
# commits in between hit ccache for every object whose sources and headers
# are those of one of them. Only a commit that changes a header most
# objects include, with the series' other changes not yet there (the
# stage-2 attribute in asm/memory.h), compiles everything anew.
#
# VFIO is built as modules (config/arm64-host.config), so modpost checks
# at every commit that vfio-pci uses only exported symbols; each mutant in
# tests/mutants/build/ (the series calling a function the kernel does not
# export to modules) must fail to link.
. "$(dirname "$0")/../harness/lib.sh"
. "$TOP/harness/kernel/klib.sh"
"$TOP/harness/kernel/kernel.sh" build series base >/dev/null ||
	echo "FAIL: the kernels base/4k and series/4k do not build"
src=$K/bisect/src out=$K/bisect/4k
verified=$K/bisect/verified
mode=${BISECT:-dirs}
case $mode in dirs|full) ;; *) die "BISECT must be dirs or full, not '$mode'" ;; esac
DIRS=(arch/arm64/kvm/ drivers/vfio/ mm/)
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

# built_as COMMIT: the kernel (SOURCE/4k) whose stamp says it was built from
# COMMIT with the fragment, compiler and targets this gate would use.
built_as() {
	local c=$1 s st
	for s in base series; do
		st=$K/$s/4k/stamp
		[ -f "$st" ] && [ "$(sed -n 's/^commit //p' "$st")" = "$c" ] || continue
		[ "$(sed -n 's/^targets //p' "$st")" = "$KTARGETS" ] &&
		[ "$(sed -n 's/^compiler //p' "$st")" = "$cc" ] &&
		[ "$(sed -n 's/^fragment //p' "$st")" = \
		  "$(effective_fragment "$K/$s/src" | sha256sum | cut -c1-16)" ] &&
		{ echo "$s/4k"; return 0; }
	done
	return 1
}

# The exports of vmlinux (Module.symvers), base against series.
exports() { awk '$3 == "vmlinux" { print $2, $4, $5 }' "$K/$1/4k/Module.symvers" | sort; }
if [ "$(exports base)" = "$(exports series)" ]; then
	echo "PASS: the series exports from vmlinux what the base does ($(exports base | wc -l) symbols)"
else
	diff <(exports base) <(exports series) | sed -n 1,5p || true
	echo "FAIL: the series changes what vmlinux exports; gate 40's dirs mode cannot stand one vmlinux.o for every commit"
	mode=full
fi

i=0
n=$(git -C "$TREE" rev-list --count base.."$REV")
for c in $(git -C "$TREE" rev-parse base^{commit}) $(git -C "$TREE" rev-list --reverse base.."$REV"); do
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	key="$c $frag $cc"
	t0=$SECONDS
	if grep -qxF "image $key" "$verified"; then
		echo "PASS: Image builds at $i/$n: $subj (recorded)"
	elif as=$(built_as "$c"); then
		echo "image $key" >> "$verified"
		echo "PASS: Image builds at $i/$n: $subj (as build/k/$as)"
	elif [ "$mode" = dirs ] && grep -qxF "dirs $key" "$verified"; then
		echo "PASS: ${DIRS[*]} and the modules build at $i/$n: $subj (recorded)"
	elif [ "$mode" = dirs ]; then
		worktree_at "$TREE" "$src" "$c"
		mkdir -p "$out"
		if ! cmp -s "$K/series/4k/vmlinux.o" "$out/vmlinux.o"; then
			cp "$K/series/4k/vmlinux.o" "$out/vmlinux.o"
			touch "$out/vmlinux.o.copied"
		fi
		if (build_dirs "$src" "$out" "bisect/$i" "${DIRS[@]}") >/dev/null 2>"$BUILD/logs/bisect-$i.err"; then
			echo "dirs $key" >> "$verified"
			echo "PASS: ${DIRS[*]} and the modules build at $i/$n: $subj ($((SECONDS - t0))s)"
		else
			cat "$BUILD/logs/bisect-$i.err"
			echo "FAIL: ${DIRS[*]} or the modules do not build at $i/$n: $subj"
		fi
	else
		worktree_at "$TREE" "$src" "$c"
		# A vmlinux.o the dirs mode copied in must not pass for this commit's.
		[ ! -f "$out/vmlinux.o.copied" ] || rm -f "$out/vmlinux.o" "$out/vmlinux" "$out/vmlinux.o.copied"
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

for patch in "$TOP"/tests/mutants/build/*.patch; do
	[ -f "$patch" ] || continue
	name=$(basename "$patch" .patch)
	log=$K/mutant-$name/4k/build.log
	rm -f "$log"	# only this build's log may say why it failed
	if "$TOP/harness/kernel/kernel.sh" build "mutant-$name" >"$BUILD/logs/bisect-mutant-$name.log" 2>&1; then
		echo "FAIL: build mutant $name links, but it uses a symbol the kernel does not export"
	elif grep -qE 'ERROR: modpost: .* undefined' "$log" 2>/dev/null; then
		echo "PASS: build mutant $name caught by modpost: $(grep -m 1 -E 'ERROR: modpost: .* undefined' "$log")"
	else
		tail -n 5 "$BUILD/logs/bisect-mutant-$name.log"
		echo "FAIL: build mutant $name did not build, but not for the reason it must (modpost, undefined symbol)"
	fi
done
