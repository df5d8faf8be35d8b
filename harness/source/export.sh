#!/usr/bin/env bash
# export.sh [OUTDIR]: write the series in $TREE (base..v4) as format-patch
# files plus cover letter into OUTDIR (default patches/). The output depends
# only on the commits' content, authors and author dates, so exporting the
# same series twice gives the same bytes. The cover letter names the base
# in its text (Debian's package and version, and the upstream stable
# release); no base-commit: trailer, since the base commit exists only in
# a tree made from Debian's tarball and nobody else could resolve it.
. "$(dirname "$0")/../lib.sh"
out=${1:-$TOP/patches}
cd "$TREE"
git rev-parse -q --verify "$REV" >/dev/null || die "no $REV in $TREE (run: make tree)"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "uncommitted changes in $TREE; commit them into the series first"
# The cover letter text lives in the branch description (NC_COVER_DESC
# overrides it, for exporting a detached scratch tree).
desc=${NC_COVER_DESC:-$(git config branch.v4.description || true)}
[ -n "$desc" ] || die "no cover letter text (branch.v4.description) in $TREE; run: make tree"

# Ignore the user's git configuration; pin what shapes the output.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
# The hunk headers name the enclosing C function as a kernel checkout
# would (its .gitattributes asks for the cpp diff driver); the base commit
# does not track that file (the kernel's .gitignore ignores dotfiles), so
# say it here, or a fresh worktree would export other hunk headers.
attrs=$(mktemp)
printf '*.c diff=cpp\n*.h diff=cpp\n' > "$attrs"
export GIT_COMMITTER_NAME="KVM arm64 NC series" GIT_COMMITTER_EMAIL="kvm-arm64-nc@example.org"
GIT_COMMITTER_DATE=$(git log -1 --format=%aD "$REV")
export GIT_COMMITTER_DATE
n=$(git rev-list --count "base..$REV")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$attrs"' EXIT
git -c core.abbrev=12 -c core.attributesFile="$attrs" -c diff.algorithm=myers -c diff.renames=true \
	-c "branch.$REV.description=$desc" \
	format-patch -q --zero-commit --no-signature --cover-letter \
	--cover-from-description=subject --subject-prefix="PATCH v4" \
	-o "$tmp" "base..$REV"
mkdir -p "$out"
rm -f "$out"/*.patch
mv "$tmp"/*.patch "$out"/
note "exported $n patches and a cover letter to $out"
# The files the series adds, mirrored at their kernel paths (patches/ only).
if [ "$out" -ef "$TOP/patches" ]; then
	"$TOP/harness/source/mirror.py" write
	tree_synced
fi
