#!/usr/bin/env bash
# The harness itself must fail loudly on bad input: a patch that no longer
# applies, a base package of another version, a guest that never finishes,
# an unknown column, a boot that is not its column; and the log readers'
# own self-tests (tests/harness/run.sh): a kernel log with a WARN anywhere,
# a plan that did not complete, an emulator that cannot model the fault, a
# missing device, a base that passes the control, a KUnit log cut short...
. "$(dirname "$0")/../harness/lib.sh"
tmp=$(mktemp -d)
wt=$BUILD/wt-harness
cleanup() {
	git -C "$TREE" worktree remove --force "$wt" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
expect() { # expect NAME PATTERN CMD...: CMD must fail and say PATTERN
	local name=$1 pat=$2 out rc=0; shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" != 0 ] && grep -qE "$pat" <<<"$out"; then
		echo "PASS: harness: $name (exit $rc: $(echo "$out" | grep -m1 -E "$pat"))"
	else
		echo "$out" | tail -n 5
		echo "FAIL: harness: $name (exit $rc, expected a failure saying /$pat/)"
	fi
}

# A patch whose context no longer matches: change one context line of the
# patch that changes user_mem_abort() in arch/arm64/kvm/mmu.c.
cp -r "$TOP/patches" "$tmp/patches"
p3=$(grep -l '^+++ b/arch/arm64/kvm/mmu.c' "$tmp"/patches/0*.patch | head -n 1)
sed -i '0,/^ 	bool shared;$/s//  	bool shared_mapping;/' "$p3"
git -C "$TREE" worktree prune
git -C "$TREE" worktree add -q --detach "$wt" base
expect "a patch that no longer applies is named with its file" \
	"$(basename "$p3").*does not apply|patch failed: arch/arm64/kvm/mmu.c" \
	"$TOP/harness/source/apply.sh" "$wt" "$tmp/patches"

expect "a base package of another version is refused" \
	"is $BASE_VERSION but the series is pinned to 0.0-test" \
	env NC_BASE_VERSION=0.0-test "$TOP/harness/source/prepare-base.sh"

img=$("$TOP/harness/kernel/kernel.sh" image series 2>/dev/null || true)
long=$(plan_cpio regress 2>/dev/null || true)
"$TOP/harness/guest/mkinitramfs.sh" "$tmp/empty.cpio" "$BUILD/guest/plan-init" /dev/null 2>/dev/null || true
if [ -f "$img" ] && [ -f "$long" ] && [ -f "$tmp/empty.cpio" ]; then
	# A log left over from an earlier boot must not survive into this one.
	printf 'PLAN-BEGIN\nstale\nPLAN-END\n' > "$tmp/boot.log"
	expect "a guest that does not finish in time is stopped" "timed out after 2s" \
		"$TOP/harness/boot/qemu-boot.sh" "$img" "$long" vhe "$tmp/boot.log" 2
	if grep -q '^stale$' "$tmp/boot.log"; then
		echo "FAIL: harness: a boot left an earlier boot's log in place"
	else
		echo "PASS: harness: a boot removes the earlier log before it starts"
	fi
	# The VHE column's CPU, told to run KVM in nVHE mode, is not the vhe
	# column: qemu-boot.sh checks the KVM mode line of every boot.
	expect "a boot that is not its column is refused" "did not log 'kvm \\[1\\]: VHE mode" \
		"$TOP/harness/boot/qemu-boot.sh" -a kvm-arm.mode=nvhe "$img" "$tmp/empty.cpio" vhe "$tmp/boot.log" 120
else
	echo "FAIL: harness: no test-host kernel and guest user space to try boots with (run gate 80 first)"
fi
expect "an unknown column is refused" "unknown column" \
	"$TOP/harness/boot/qemu-boot.sh" "$img" "$img" nosuchcpu "$tmp/boot.log"

# A log is judged only when it is newer than the kernel and initramfs it
# was booted from (fresh, harness/lib.sh): gates reuse logs only then.
touch -d '2 minutes ago' "$tmp/old.log"
touch -d '1 minute ago' "$tmp/kernel"
touch "$tmp/new.log"
if fresh "$tmp/old.log" "$tmp/kernel"; then
	echo "FAIL: harness: a log older than its kernel counts as fresh"
elif ! fresh "$tmp/new.log" "$tmp/kernel"; then
	echo "FAIL: harness: a log newer than its kernel does not count as fresh"
else
	echo "PASS: harness: a log older than its kernel or initramfs is not reused"
fi

# Gate 10 on a tree that differs from patches/: stale when the tree has
# commits (or edits) never exported, not stale when the tree is exactly as
# it was when it last agreed with patches/ (patches/ moved on: a pull).
fake=$tmp/fake
git init -q "$fake"
echo one > "$fake/f" && git -C "$fake" add f && git -C "$fake" commit -qm base && git -C "$fake" tag base
git -C "$fake" checkout -qb v4
echo two >> "$fake/f" && git -C "$fake" commit -qam "fake: one patch"
git -C "$fake" config branch.v4.description "$(printf 'fake\n\ncover')"
stale() { NC_TREE=$fake bash "$TOP/gates/10-stale.sh" | grep -v mirrored; }
synced() { NC_TREE=$fake bash -c '. "$1/harness/lib.sh"; tree_synced' _ "$TOP"; }
verdict() { # verdict NAME WANT(PASS|FAIL)
	local out; out=$(stale)
	if grep -q "^$2: patches/" <<<"$out"; then
		echo "PASS: harness: $1 ($(echo "$out" | grep -m1 "^$2:" | cut -c1-90))"
	else
		echo "$out" | tail -n 3
		echo "FAIL: harness: $1 (expected $2 from gate 10)"
	fi
}
verdict "a tree with a commit never exported makes patches/ stale" FAIL
synced
verdict "a tree as it last agreed with patches/ is behind, not stale" PASS
echo three >> "$fake/f"
verdict "uncommitted edits in such a tree make patches/ stale" FAIL
git -C "$fake" commit -qam "fake: a local commit"
verdict "a commit made after it last agreed with patches/ makes patches/ stale" FAIL

# The log readers and plan-init themselves (tests/harness/run.sh): each
# check of kunit_log.py, e2e.py, guest-log.py and plan-init against real
# logs and against broken copies of them, crafted plans and test output.
bash "$TOP/tests/harness/run.sh"
