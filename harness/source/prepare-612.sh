#!/usr/bin/env bash
# prepare-612.sh: the comparison anchor. Make build/linux-6.12 a git tree of
# Debian's linux-source-6.12 (which carries upstream's merged Normal-NC
# implementation) with the base commit tagged "base", and our tests ported
# to it (patches-6.12/) applied with git am on branch "tests". The upstream
# implementation itself is left untouched. Installs the pinned package when
# missing; does nothing when the tree already holds the same patches.
. "$(dirname "$0")/../lib.sh"
PKG=linux-source-6.12
VERSION=6.12.117-1~deb12u1
TARBALL=/usr/src/linux-source-6.12.tar.xz
T=$BUILD/linux-6.12
PATCHES=("$TOP"/patches-6.12/0*.patch)
[ -f "${PATCHES[0]}" ] || die "no patches in $TOP/patches-6.12"

if [ "$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || true)" != "$VERSION" ]; then
	note "installing $PKG=$VERSION"
	apt-get install -y -q "$PKG=$VERSION" >/dev/null
fi
[ -f "$TARBALL" ] || die "$TARBALL is missing; reinstall $PKG"

# The patches' hash, kept in the tree: equal means nothing to do.
stamp=$(cat "${PATCHES[@]}" | sha256sum | cut -c1-16)
if [ -d "$T/.git" ] &&
   [ "$(git -C "$T" tag -l --format='%(contents:subject)' base)" = "$PKG $VERSION" ] &&
   [ "$(git -C "$T" config --get nc.patches || true)" = "$stamp" ] &&
   [ "$(git -C "$T" symbolic-ref -q --short HEAD || true)" = tests ] &&
   [ -z "$(git -C "$T" status --porcelain --untracked-files=no)" ]; then
	note "$T already holds $PKG $VERSION with patches-6.12 ($stamp)"
	exit 0
fi

if [ "$(git -C "$T" tag -l --format='%(contents:subject)' base 2>/dev/null)" != "$PKG $VERSION" ]; then
	note "unpacking $TARBALL into $T"
	unpack_tree "$TARBALL" "$PKG" "$VERSION" "$T"
fi

cd "$T"
git am --abort >/dev/null 2>&1 || true
git checkout -q -f -B tests base
GIT_COMMITTER_DATE=$BASE_DATE git am -q --committer-date-is-author-date "${PATCHES[@]}" ||
	{ git am --abort; die "patches-6.12 do not apply to $PKG $VERSION"; }
git config nc.patches "$stamp"
note "$T: branch tests = base + ${#PATCHES[@]} patches ($(git rev-parse --short HEAD))"
