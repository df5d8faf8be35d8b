#!/usr/bin/env bash
# kernel.sh: the test-host kernels, each a directory build/k/SOURCE/VARIANT
# whose stamp says what built it (see harness/kernel/klib.sh).
#
#   kernel.sh build NAME...   bring each kernel up to date, building only
#                             what changed; prints one line per kernel
#   kernel.sh image NAME      the path of its Image (must be up to date)
#   kernel.sh src NAME        the path of its source worktree
#   kernel.sh prepare SOURCE  only bring the worktree of SOURCE up to date
#                             (for what builds objects, not a kernel)
#
# NAME is SOURCE/VARIANT, or SOURCE for SOURCE/4k. Sources:
#   base          the base commit of build/linux (tag base)
#   series        the series' last commit (branch v4)
#   mutant-NAME   the series with tests/mutants/*/NAME.patch applied (or
#                 tests/alternatives/NAME.patch, a variant make bench measures)
#   upstream      Debian's linux-source-6.12 with our ported tests
#                 (build/linux-6.12, branch tests; harness/source/prepare-612.sh)
# Variants: 4k (the test config, gcc), 16k, 64k (page sizes), debug
# (KASAN, lockdep, ...), clang (LLVM=1). See config/.
. "$(dirname "$0")/../lib.sh"
. "$TOP/harness/kernel/klib.sh"

split_name() { # NAME -> "SOURCE VARIANT"
	local n=$1
	case $n in */*) echo "${n%%/*} ${n#*/}" ;; *) echo "$n 4k" ;; esac
}

# mutant_patch NAME: the patch of mutant NAME (tests/mutants/*/NAME.patch,
# or tests/alternatives/NAME.patch), or nothing.
mutant_patch() {
	local f
	for f in "$TOP"/tests/mutants/*/"$1.patch" "$TOP/tests/alternatives/$1.patch"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 0
}

# source_prepare SOURCE: make build/k/SOURCE/src hold what SOURCE names.
source_prepare() {
	local source=$1 dir=$K/$1/src commit patch
	case $source in
	base|series)
		git -C "$TREE" rev-parse -q --verify "$REV^{commit}" >/dev/null ||
			die "no $REV in $TREE (run: make tree)"
		[ "$source" = base ] && commit=$(git -C "$TREE" rev-parse "base^{commit}") ||
			commit=$(git -C "$TREE" rev-parse "$REV^{commit}")
		worktree_at "$TREE" "$dir" "$commit" ;;
	upstream)
		local t=$BUILD/linux-6.12
		[ -d "$t/.git" ] || die "no $t (run: bash harness/source/prepare-612.sh)"
		worktree_at "$t" "$dir" "$(git -C "$t" rev-parse "tests^{commit}")" ;;
	mutant-*)
		patch=$(mutant_patch "${source#mutant-}")
		[ -n "$patch" ] || die "no mutant ${source#mutant-} in tests/mutants/"
		# The mutant is one commit on top of the series, with fixed
		# identity and date: the same patch on the same series gives the
		# same commit, so an unchanged mutant is not rebuilt.
		commit=$(git -C "$TREE" rev-parse "$REV^{commit}")
		local key="$commit $(sha256sum < "$patch" | cut -c1-16)"
		if [ "$(cat "$K/$source/source" 2>/dev/null)" = "$key" ] && [ -e "$dir/.git" ] &&
		   [ -z "$(git -C "$dir" status --porcelain)" ]; then
			return 0
		fi
		worktree_at "$TREE" "$dir" "$commit"
		git -C "$dir" apply "$patch" ||
			die "mutant ${source#mutant-} does not apply to $REV ($(git -C "$TREE" rev-parse --short "$REV"))"
		GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
			git -C "$dir" commit -q -a -m "mutant: ${source#mutant-}" >/dev/null
		echo "$key" > "$K/$source/source" ;;
	bisect) die "build/k/bisect is the bisect gate's own (gates/40-bisect.sh)" ;;
	*) die "unknown kernel source '$source' (base, series, mutant-NAME, upstream)" ;;
	esac
}

# upstream's tree needs one more option (see the fragment).
source_fragment() {
	[ "$1" = upstream ] && echo "$TOP/config/arm64-host-6.12.config"
	return 0
}

# build_mutant SOURCE VARIANT: a mutant is built incrementally in one
# output directory shared by all mutants (build/k/mutants/VARIANT, from the
# worktree build/k/mutants/src): moving from one mutant to the next
# recompiles only the files the two patches touch, where a directory of its
# own would run every object through ccache and link from nothing. What it
# built is then published as build/k/SOURCE/VARIANT (Image, modules.cpio,
# stamp, build.log), where the gates look for it; key says what that was
# built from (the series' commit, the patch, the fragment, the compiler).
build_mutant() {
	local source=$1 variant=$2 name=${1#mutant-} shared=$K/mutants dst=$K/$1/$2
	local patch commit key src out tc rc=0 t0=$SECONDS
	patch=$(mutant_patch "$name")
	[ -n "$patch" ] || die "no mutant $name in tests/mutants/"
	commit=$(git -C "$TREE" rev-parse "$REV^{commit}")
	tc=$(variant_toolchain "$variant")
	mkdir -p "$shared" "$dst"
	rm -f "$dst/build.log"
	(
		flock 9
		source_prepare series
		# shellcheck disable=SC2046
		key=$(printf '%s\n' "$commit" "$(sha256sum < "$patch" | cut -c1-16)" \
			"$(effective_fragment "$K/series/src" $(variant_fragments "$variant") | sha256sum | cut -c1-16)" \
			"$(compiler_id "$tc" | paste -sd ';')" | sha256sum | cut -c1-16)
		if [ "$(cat "$dst/key" 2>/dev/null)" = "$key" ] && [ -f "$dst/stamp" ] &&
		   [ -f "$dst/arch/arm64/boot/Image" ] && [ -f "$dst/modules.cpio" ]; then
			note "kernel $source/$variant: up to date (key $key)"
			exit 0
		fi
		rm -f "$dst/key" "$dst/stamp"
		src=$shared/src out=$shared/$variant
		worktree_at "$TREE" "$src" "$commit"
		git -C "$src" apply "$patch" ||
			die "mutant $name does not apply to $REV ($(git -C "$TREE" rev-parse --short "$REV"))"
		GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
			git -C "$src" commit -q -a -m "mutant: $name" >/dev/null
		build_variant "$src" "$out" "$variant" "$source/$variant" || rc=$?
		cp "$out/build.log" "$dst/build.log" 2>/dev/null || true
		[ $rc = 0 ] || exit $rc
		mkdir -p "$dst/arch/arm64/boot"
		cp "$out/arch/arm64/boot/Image" "$dst/arch/arm64/boot/Image"
		cp "$out/modules.cpio" "$out/stamp" "$dst/"
		echo "$key" > "$dst/key"
		note "kernel $source/$variant: built in $((SECONDS - t0))s in $out"
	) 9>"$shared/.lock"
}

build() {
	local name source variant out t0=$SECONDS
	read -r source variant <<<"$(split_name "$1")"
	variant_fragments "$variant" >/dev/null
	case $source in mutant-*) build_mutant "$source" "$variant"; return ;; esac
	mkdir -p "$K/$source"
	out=$K/$source/$variant
	(
		flock 9
		source_prepare "$source"
		if [ -f "$out/stamp" ]; then was=$(sed -n 's/^built //p' "$out/stamp"); else was=; fi
		# shellcheck disable=SC2046
		build_variant "$K/$source/src" "$out" "$variant" "$source/$variant" \
			$(source_fragment "$source") || exit 1
		now=$(sed -n 's/^built //p' "$out/stamp")
		if [ "$now" = "$was" ]; then
			note "kernel $source/$variant: up to date ($(sed -n 's/^commit //p' "$out/stamp" | cut -c1-12), built $now)"
		else
			note "kernel $source/$variant: built in $((SECONDS - t0))s ($(grep -c 'warning:' "$out/build.log" || true) compiler warnings)"
		fi
	) 9>"$K/$source/.lock"
}

cmd=${1:-}; shift || true
case $cmd in
build)
	[ $# -gt 0 ] || die "usage: kernel.sh build NAME..."
	for n in "$@"; do build "$n"; done ;;
prepare)
	[ $# = 1 ] || die "usage: kernel.sh prepare SOURCE"
	mkdir -p "$K/$1"
	( flock 9; source_prepare "$1" ) 9>"$K/$1/.lock"
	echo "$K/$1/src" ;;
image|src)
	[ $# = 1 ] || die "usage: kernel.sh $cmd NAME"
	read -r source variant <<<"$(split_name "$1")"
	if [ "$cmd" = src ]; then echo "$K/$source/src"; exit 0; fi
	img=$K/$source/$variant/arch/arm64/boot/Image
	[ -f "$K/$source/$variant/stamp" ] && [ -f "$img" ] ||
		die "kernel $source/$variant is not built (run: harness/kernel/kernel.sh build $source/$variant)"
	echo "$img" ;;
*)
	sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
	exit 2 ;;
esac
