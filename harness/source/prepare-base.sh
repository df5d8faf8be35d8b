#!/usr/bin/env bash
# Make $TREE a git repository whose first commit, tagged "base", is Debian's
# linux-source-6.1 exactly as packaged. Reuses an existing tree when its base
# tag matches the pinned package version; otherwise unpacks afresh.
. "$(dirname "$0")/../lib.sh"

have=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
[ -n "$have" ] || die "$BASE_PKG is not installed (run: make deps)"
if [ "$have" != "$BASE_VERSION" ]; then
	die "$BASE_PKG is $have but the series is pinned to $BASE_VERSION;" \
	    "rebase the series (see README) or install $BASE_PKG=$BASE_VERSION"
fi
[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL is missing; reinstall $BASE_PKG"

if [ -d "$TREE/.git" ] &&
   [ "$(git -C "$TREE" tag -l --format='%(contents:subject)' base 2>/dev/null)" = "$BASE_PKG $BASE_VERSION" ]; then
	note "base tree $TREE already holds $BASE_PKG $BASE_VERSION"
	exit 0
fi

note "unpacking $BASE_TARBALL into $TREE"
unpack_tree "$BASE_TARBALL" "$BASE_PKG" "$BASE_VERSION" "$TREE"
