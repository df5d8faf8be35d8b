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
# Depend mode: on a miss, ccache keys the result on the dependency file
# the compiler writes anyway (Kbuild's -Wp,-MMD) instead of running the
# preprocessor a second time. A cold arm64 kernel built in 254 s instead of
# 334 s here, and a cache filled without it still hits (direct mode).
export CCACHE_DEPEND=${CCACHE_DEPEND:-true}

die() { echo "error: $*" >&2; exit 1; }

# apt_lists_id: a fingerprint of apt's package lists (names and times).
# Asking apt what it would fetch takes seconds with two architectures'
# lists; its answer can only change when this does.
apt_lists_id() {
	find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -printf '%T@ %f\n' 2>/dev/null |
		sort | sha256sum | cut -c1-16
}

# tree_state: the series' last commit in $TREE and a hash of its cover
# letter text. tree.sh and export.sh record it as nc.synced whenever the
# tree and patches/ agree; a tree still in that state (and with no
# uncommitted edits) holds nothing that patches/ lacks, so when patches/
# changes (a pull) the tree is behind, not ahead.
tree_state() {
	printf '%s %s\n' "$(git -C "$TREE" rev-parse "$REV")" \
		"$(git -C "$TREE" config "branch.$REV.description" | sha256sum | cut -c1-16)"
}
tree_synced() { # record that $TREE and patches/ agree now
	git -C "$TREE" config nc.synced "$(tree_state)"
}
tree_behind() { # true when $TREE is as last synced with patches/ and clean
	[ "$(tree_state)" = "$(git -C "$TREE" config nc.synced || true)" ] &&
		[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]
}

# stage NAME CMD...: run CMD as one timed stage of a job; print_stages
# lists them with their times at the end.
STAGES=()
stage() {
	local t0=$SECONDS name=$1 rc=0; shift
	note "$name"
	"$@" || rc=$?
	STAGES+=("$(printf '%-36s %5ss' "$name" $((SECONDS - t0)))")
	return $rc
}
# stage_bg NAME CMD...: start CMD as a stage that runs in the background
# while the job goes on (for what waits on the network or the disk, not on
# the CPU: the kernel builds alone keep both cores busy); its output is kept
# until stage_wait. stage_wait: wait for the background stages, print each
# one's output in the order they were started, and list each with its own
# time, marked "||" (it overlapped the stages listed before it). Fails if
# one of them failed.
BG_NAMES=() BG_PIDS=() BG_OUTS=()
stage_bg() {
	local name=$1 out; shift
	out=$(mktemp)
	note "$name: started in the background (its output follows when it is waited for)"
	(
		t0=$SECONDS rc=0
		"$@" || rc=$?
		echo $((SECONDS - t0)) > "$out.time"
		exit $rc
	) >"$out" 2>&1 &
	BG_NAMES+=("$name") BG_PIDS+=($!) BG_OUTS+=("$out")
}
stage_wait() {
	local i r rc=0
	for i in "${!BG_PIDS[@]}"; do
		r=0
		wait "${BG_PIDS[$i]}" || r=$?
		note "${BG_NAMES[$i]} (in the background)"
		cat "${BG_OUTS[$i]}"
		STAGES+=("$(printf '|| %-33s %5ss' "${BG_NAMES[$i]}" "$(cat "${BG_OUTS[$i]}.time" 2>/dev/null || echo '?')")")
		[ $r = 0 ] || { echo "FAILED: ${BG_NAMES[$i]} (exit status $r)" >&2; rc=$r; }
		rm -f "${BG_OUTS[$i]}" "${BG_OUTS[$i]}.time"
	done
	BG_NAMES=() BG_PIDS=() BG_OUTS=()
	return $rc
}
print_stages() { # print_stages [START]: the stage times, and the total since START
	echo "Stage times:"
	printf '  %s\n' "${STAGES[@]}"
	[ -z "${1:-}" ] || printf '  %-36s %5ss\n' total $((SECONDS - $1))
}

# boot_verdict LABEL LOG FSC: one line for a test-host boot that ran a
# plan: FAIL when the plan did not finish; otherwise whether the host
# kernel log is clean (guest-log.py scan --strict: no WARN, and exactly FSC
# "Unsupported FSC" lines, which the tests provoke on purpose).
boot_verdict() {
	local label=$1 log=$2 fsc=$3 problems
	if ! grep -q '^PLAN-END' "$log" 2>/dev/null; then
		echo "FAIL: $label: the boot did not finish its plan (log: $log)"
	elif problems=$("$TOP/harness/judge/guest-log.py" scan "$log" "$fsc" --strict); then
		echo "PASS: $label: host kernel log clean ($fsc 'Unsupported FSC' as provoked)"
	else
		head -n 5 <<<"$problems"
		echo "FAIL: $label: host kernel log has the problems above (log: $log)"
	fi
}

# modprobe_verdict LABEL LOG: one line saying whether the test host loaded
# vfio-pci as a Debian host does, with modprobe from its initramfs (the
# kernels are built with VFIO as modules), rather than finding it built in.
modprobe_verdict() {
	if grep -q '^# plan-init: modprobe vfio_iommu_type1: loaded' "$2" 2>/dev/null &&
	   grep -q '^# plan-init: modprobe vfio_pci: loaded' "$2"; then
		echo "PASS: $1: vfio_iommu_type1 and vfio_pci loaded with modprobe"
	else
		echo "FAIL: $1: vfio-pci was not loaded with modprobe (log: $2)"
	fi
}

# plan_files PLAN: the guest programs PLAN runs (the third field of its
# test lines, /bin/NAME), as paths in build/guest: our own programs, or the
# selftests built there.
plan_files() {
	local p b f
	awk '!/^[#!]/ && NF { print $3 }' "$1" | sort -u | while read -r p; do
		b=${p#/bin/}
		for f in "$BUILD/guest/$b" "$BUILD/guest/kvm/$b" "$BUILD/guest/kvm/aarch64/$b"; do
			if [ -f "$f" ]; then echo "$f"; continue 2; fi
		done
		die "$1 runs $p, which build/guest does not have (did it build? see $BUILD/guest/build.log)"
	done
}

# plan_cpio NAME: make build/guest/NAME.cpio, the initramfs that runs
# tests/NAME.plan, and print its path. Its time stamp changes only when its
# content does, so that a log can be checked to be newer than it. A plan
# line "# initramfs: X..." adds build/guest/X (a file to /bin, a directory
# as /X) for what the plan runs that plan_files cannot see.
plan_cpio() {
	local files x
	files=$(plan_files "$TOP/tests/$1.plan") || return 1
	for x in $(sed -n 's/^# initramfs: //p' "$TOP/tests/$1.plan"); do
		[ -e "$BUILD/guest/$x" ] || die "tests/$1.plan needs build/guest/$x (run: harness/guest/build-guest.sh)"
		files="$files $BUILD/guest/$x"
	done
	# shellcheck disable=SC2086
	"$TOP/harness/guest/mkinitramfs.sh" "$BUILD/guest/$1.cpio" "$BUILD/guest/plan-init" \
		"$TOP/tests/$1.plan" $files || return 1
	echo "$BUILD/guest/$1.cpio"
}

# The test host of the containment test (tests/contain.plan) has a third
# ivshmem-plain behind a PCIe root port, the only one vfio-pci can reset
# (secondary bus reset), and behind a second root port a fourth and a
# fifth, two functions of one slot, which that port's reset resets
# together (guest/resetset): qemu-boot.sh options for them. The two on
# the root bus have BAR 2s of 64 MiB (guest/barcover maps the first's
# whole), and the second's 256-byte BAR 0 gets a page of its own: the
# first's BAR 0 then starts a page that holds nothing else, the one case
# in which vfio-pci lets a BAR smaller than a page be mmap'd.
CONTAIN_QEMU=(-s 64M -a "pci=resource_alignment=12@0000:00:02.0"
	      -q -device -q "pcie-root-port,id=rp1,chassis=1,slot=1"
	      -q -object -q "memory-backend-ram,id=shm2,size=4M"
	      -q -device -q "ivshmem-plain,memdev=shm2,bus=rp1"
	      -q -device -q "pcie-root-port,id=rp2,chassis=2,slot=2"
	      -q -object -q "memory-backend-ram,id=shm3,size=4M"
	      -q -device -q "ivshmem-plain,memdev=shm3,bus=rp2,addr=0.0,multifunction=on"
	      -q -object -q "memory-backend-ram,id=shm4,size=4M"
	      -q -device -q "ivshmem-plain,memdev=shm4,bus=rp2,addr=0.1")

# logtag: "" for the default kernel variant (4k), else "-VARIANT": the
# part of a log name that says which variant booted.
logtag() {
	[ "${VARIANT:-4k}" = 4k ] || echo "-$VARIANT"
}

# fresh LOG FILE...: LOG exists and is newer than every FILE (the kernel
# image and initramfs it was booted from).
fresh() {
	local log=$1 f; shift
	[ -f "$log" ] || return 1
	for f in "$@"; do [ "$log" -nt "$f" ] || return 1; done
}
note() { echo ">>> $*"; }

# unpack_tree TARBALL PKG VERSION DIR: DIR becomes a git tree of the Debian
# source tarball, one commit with fixed identity and date, tagged "base".
# Debian's packaging appends .gitignore rules that ignore every top-level
# path; they are dropped so the tree behaves like an upstream checkout.
unpack_tree() {
	local tarball=$1 pkg=$2 version=$3 dir=$4
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -I "xz -T0" -xf "$tarball" -C "$dir.tmp"  # Debian's tarball has many xz blocks
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
