#!/usr/bin/env bash
# Make $TREE a git repository whose first commit, tagged "base", is Debian's
# linux-source-6.1 exactly as packaged. Reuses an existing tree when its base
# tag matches the pinned package version; otherwise unpacks afresh.
. "$(dirname "$0")/lib.sh"

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
rm -rf "$TREE" "$TREE.tmp"
mkdir -p "$TREE.tmp"
tar -xJf "$BASE_TARBALL" -C "$TREE.tmp"
mv "$TREE.tmp/linux-source-6.1" "$TREE"
rmdir "$TREE.tmp"

cd "$TREE"
# Debian's packaging appends rules that ignore every top-level path; without
# them the tree behaves like an upstream checkout (new files show up in status).
sed -i '/^# Debian packaging: ignore everything/,$d' .gitignore
sed -i '${/^#$/d}' .gitignore
git init -q -b base-work .
git config user.name "$GIT_COMMITTER_NAME"
git config user.email "$GIT_COMMITTER_EMAIL"
git config core.abbrev 12
git add -A
GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
	git commit -q -m "$BASE_PKG $BASE_VERSION" \
	-m "Unpacked from $BASE_TARBALL; the Debian packaging lines at the end of .gitignore are dropped."
GIT_COMMITTER_DATE=$BASE_DATE git tag -a -m "$BASE_PKG $BASE_VERSION" base
note "base commit $(git rev-parse --short HEAD)"
