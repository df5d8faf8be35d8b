# klib.sh: the kernels under test, one directory each. Sourced (after
# lib.sh) by harness/kernel/kernel.sh and by the bisect gate, not run.
#
# A kernel is named SOURCE/VARIANT, which is also its directory under
# build/k/:
#   build/k/SOURCE/src        a git worktree holding exactly what is built
#   build/k/SOURCE/VARIANT/   the O= output directory, with
#       modules.cpio          its modules as installed (/lib/modules/...)
#       stamp                 what it was built from: the source commit, the
#                             config fragment, the compiler and the make
#                             targets; written only after a successful
#                             build of a clean worktree
#
# All variants of a source share its worktree, and every output directory
# sits at the same place relative to its worktree ("../src"): with ccache's
# CCACHE_BASEDIR that makes the cache keys of identical files identical
# across kernels, so a second kernel costs little more than its own changes.

K=$BUILD/k
# What a kernel build makes: the Image, and what building external modules
# against it needs (Module.symvers, scripts/module.lds): the nested Linux
# guest's test module (harness/guest/realvmm-build.sh).
KTARGETS="Image modules"

# Variants: config fragments on top of config/arm64-host.config, and the
# compiler. Listed here so that a name that is not one fails early.
VARIANTS=(4k 16k 64k debug clang)
variant_fragments() { # VARIANT -> extra fragment files
	case $1 in
	4k|clang) ;;
	16k) echo "$TOP/config/arm64-16k.config" ;;
	64k) echo "$TOP/config/arm64-64k.config" ;;
	debug) echo "$TOP/config/arm64-debug.config" ;;
	*) die "unknown variant '$1' (${VARIANTS[*]})" ;;
	esac
}
variant_toolchain() { # VARIANT -> gcc | clang
	[ "$1" = clang ] && echo clang || echo gcc
}

# compiler_id TOOLCHAIN: the version lines that go into a stamp.
compiler_id() {
	case $1 in
	gcc) "${CROSS}gcc" --version | head -n 1; "${CROSS}ld" --version | head -n 1 ;;
	clang) clang --version | head -n 1; ld.lld --version | head -n 1 ;;
	esac
}

# kmake_tc TOOLCHAIN SRC OUT [make args...]: build in SRC into OUT.
# The host programs (scripts/, kconfig, modpost) go through ccache as well:
# every new output directory builds them anew.
kmake_tc() {
	local tc=$1 src=$2 out=$3; shift 3
	local cc=(CROSS_COMPILE=$CROSS "CC=ccache ${CROSS}gcc" "HOSTCC=ccache gcc")
	[ "$tc" = gcc ] || cc=(LLVM=1 "CC=ccache clang" "HOSTCC=ccache clang")
	make -C "$src" O="$out" ARCH=arm64 "${cc[@]}" -j"$JOBS" -s "$@"
}

# effective_fragment SRC FRAGMENT...: the config lines to request for the
# tree in SRC. Lines marked "# if-defined" are options the series itself
# adds: requested only once the tree defines them, so every commit builds.
effective_fragment() {
	local src=$1 line sym; shift
	cat "$TOP/config/arm64-host.config" "$@" | while IFS= read -r line; do
		case $line in
		*"# if-defined"*)
			sym=${line%%=*}; sym=${sym#CONFIG_}
			grep -rqx --include='Kconfig*' "config $sym" "$src/arch/arm64/kvm" || continue
			echo "${line%%[[:space:]]#*}" ;;
		*) echo "$line" ;;
		esac
	done
}

# worktree_at REPO DIR COMMIT: DIR becomes (or stays) a detached worktree
# of REPO at COMMIT. Moving an existing worktree rewrites only the files
# that differ, so builds in it stay incremental.
worktree_at() {
	local repo=$1 dir=$2 commit=$3
	if [ ! -e "$dir/.git" ]; then
		rm -rf "$dir"
		git -C "$repo" worktree prune
		git -C "$repo" worktree add -q --detach "$dir" "$commit"
	elif [ "$(git -C "$dir" rev-parse HEAD)" != "$commit" ]; then
		git -C "$dir" checkout -q -f --detach "$commit"
	fi
	git -C "$dir" clean -fdqx
}

# build_variant SRC OUT VARIANT NAME [FRAGMENT...]: bring OUT up to date
# with SRC; FRAGMENTs are added to the variant's own.
# Returns at once when OUT's stamp already says what SRC, the fragment and
# the compiler are now. Otherwise reconfigures (only if the fragment
# changed), builds Image, checks that every requested option took effect
# and that the worktree is still clean, and writes the stamp.
build_variant() {
	local src=$1 out=$2 variant=$3 name=$4 tc frag want log missing
	shift 4
	tc=$(variant_toolchain "$variant")
	mkdir -p "$out"
	# shellcheck disable=SC2046
	effective_fragment "$src" $(variant_fragments "$variant") "$@" > "$out/fragment.new"
	want=$(printf 'kernel %s\ntargets %s\ncommit %s\nfragment %s\ncompiler %s\n' "$name" \
		"$KTARGETS" \
		"$(git -C "$src" rev-parse HEAD)" \
		"$(sha256sum < "$out/fragment.new" | cut -c1-16)" \
		"$(compiler_id "$tc" | paste -sd ';')")
	if [ -f "$out/stamp" ] && [ -f "$out/arch/arm64/boot/Image" ] &&
	   [ -f "$out/modules.cpio" ] &&
	   [ "$(grep -v '^built ' "$out/stamp")" = "$want" ]; then
		rm -f "$out/fragment.new"
		return 0
	fi
	rm -f "$out/stamp"
	[ -z "$(git -C "$src" status --porcelain --ignored)" ] ||
		die "$src is not clean; refusing to build $name from it"
	configure "$tc" "$src" "$out" "$name"
	log=$out/build.log
	if ! kmake_tc "$tc" "$src" "$out" $KTARGETS >"$log" 2>&1; then
		echo "error: kernel build of $name failed at $(git -C "$src" log -1 --format='%h %s')" >&2
		grep -m 20 -E 'error|Error' "$log" >&2 || tail -n 20 "$log" >&2
		return 1
	fi
	[ -z "$(git -C "$src" status --porcelain --ignored)" ] ||
		die "building $name wrote into its worktree $src"
	modules_cpio "$tc" "$src" "$out" || return 1
	{ echo "$want"; echo "built $(date -u +%FT%TZ)"; } > "$out/stamp"
}

# configure TOOLCHAIN SRC OUT NAME: OUT/.config from the fragment in
# OUT/fragment.new (allnoconfig plus the fragment), unless OUT is already
# configured with exactly that fragment; every requested option must take
# effect.
configure() {
	local tc=$1 src=$2 out=$3 name=$4 frag=$3/fragment.config missing
	if ! [ -f "$out/.config" ] || ! cmp -s "$out/fragment.new" "$frag"; then
		mv "$out/fragment.new" "$frag"
		kmake_tc "$tc" "$src" "$out" KCONFIG_ALLCONFIG="$frag" allnoconfig >/dev/null
		missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while read -r line; do
			grep -qxF "$line" "$out/.config" || echo "$line"
		done)
		if [ -n "$missing" ]; then
			rm -f "$frag"
			die "$name: config options did not take effect:" $missing
		fi
	fi
	rm -f "$out/fragment.new"
}

# build_dirs SRC OUT NAME DIR...: in an output directory that holds a
# vmlinux.o (of another commit whose exports are the same), configure for
# SRC's commit, compile the objects of each DIR, then the modules, with
# modpost checking their symbols against vmlinux.o's exports. What a
# commit that touches only those directories must still build, at a
# fraction of a whole kernel's cost.
build_dirs() {
	local src=$1 out=$2 name=$3 log=$2/build.log
	shift 3
	[ -f "$out/vmlinux.o" ] || die "$out holds no vmlinux.o to link $name's modules against"
	effective_fragment "$src" > "$out/fragment.new"
	configure gcc "$src" "$out" "$name"
	if ! { kmake_tc gcc "$src" "$out" "$@" && kmake_tc gcc "$src" "$out" modules; } >"$log" 2>&1; then
		echo "error: $* or the modules of $name do not build at $(git -C "$src" log -1 --format='%h %s')" >&2
		grep -m 20 -E 'error|Error' "$log" >&2 || tail -n 20 "$log" >&2
		return 1
	fi
	[ -z "$(git -C "$src" status --porcelain --ignored)" ] ||
		die "building $name wrote into its worktree $src"
}

# modules_cpio TOOLCHAIN SRC OUT: OUT/modules.cpio, the kernel's modules as
# modules_install lays them out (/lib/modules/RELEASE with depmod's
# modules.dep), to be appended to a test host's initramfs (qemu-boot.sh):
# the test host loads vfio-pci from there with modprobe, as a Debian host
# does.
modules_cpio() {
	local tc=$1 src=$2 out=$3 root=$3/modroot
	rm -rf "$root" "$out/modules.cpio"
	kmake_tc "$tc" "$src" "$out" INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 \
		DEPMOD=/usr/sbin/depmod modules_install >"$out/modules_install.log" 2>&1 || {
		tail -n 20 "$out/modules_install.log" >&2
		echo "error: modules_install failed in $out" >&2
		return 1
	}
	mkdir -p "$root/lib/modules"
	"$TOP/harness/guest/mkcpio.sh" "$root" "$out/modules.cpio"
}
