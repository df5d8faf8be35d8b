# Shared settings for the scripts: paths, the pinned base package, timing helpers.
# Sourced, not run.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
BASE_PKG=linux-source-6.1
BASE_VERSION=${NC_BASE_VERSION:-6.1.192-3}  # override only to test the version check
BASE_TARBALL=/usr/src/linux-source-6.1.tar.xz
TREE=${NC_TREE:-$BUILD/linux}  # editable tree: base commit + one commit per patch
REV=${NC_REV:-v4}              # the series' last commit in $TREE
CROSS=aarch64-linux-gnu-
JOBS=$(nproc)

# Fixed identity and dates so that the base commit, and every commit git am
# makes on top of it, get the same hash on every machine.
export GIT_AUTHOR_NAME="Debian linux-source" GIT_AUTHOR_EMAIL="base@localhost"
export GIT_COMMITTER_NAME="Debian linux-source" GIT_COMMITTER_EMAIL="base@localhost"
BASE_DATE="2000-01-01T00:00:00Z"

# ccache hits across clones at different paths only with these two.
export CCACHE_DIR=${CCACHE_DIR:-/var/cache/nc-series-ccache}
export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=5G

die() { echo "error: $*" >&2; exit 1; }
note() { echo ">>> $*"; }

# kmake OUTDIR [make args...]: cross-build in $TREE into OUTDIR.
kmake() {
	local out=$1; shift
	make -C "$TREE" O="$out" ARCH=arm64 CROSS_COMPILE=$CROSS \
		CC="ccache ${CROSS}gcc" -j"$JOBS" -s "$@"
}

# unpack_tree TARBALL PKG VERSION DIR: DIR becomes a git tree of the Debian
# source tarball, one commit with fixed identity and date, tagged "base".
# Debian's packaging appends .gitignore rules that ignore every top-level
# path; they are dropped so the tree behaves like an upstream checkout.
unpack_tree() {
	local tarball=$1 pkg=$2 version=$3 dir=$4
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -xJf "$tarball" -C "$dir.tmp"
	mv "$dir.tmp/$pkg" "$dir"
	rmdir "$dir.tmp"
	(
		cd "$dir"
		sed -i '/^# Debian packaging: ignore everything/,$d' .gitignore
		sed -i '${/^#$/d}' .gitignore
		git init -q -b base-work .
		git config user.name "$GIT_COMMITTER_NAME"
		git config user.email "$GIT_COMMITTER_EMAIL"
		git config core.abbrev 12
		git add -A
		GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
			git commit -q -m "$pkg $version" \
			-m "Unpacked from $tarball; the Debian packaging lines at the end of .gitignore are dropped."
		GIT_COMMITTER_DATE=$BASE_DATE git tag -a -m "$pkg $version" base
		note "base commit $(git rev-parse --short HEAD)"
	)
}
