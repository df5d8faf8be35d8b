#!/usr/bin/env bash
# The series' KUnit suite (arch/arm64/kvm/pgtable_test.c) runs at boot of
# the patched kernel: every case must pass in every column (the FWB cases
# skip where the CPU has no FEAT_S2FWB), and the host log must hold no
# problem beyond the one WARN the suite provokes on purpose. Then each
# mutant in tests/mutants/ is applied to the series, built and booted: at
# least one case must fail, or the suite would not notice that breakage.
#
# KUNIT_IMAGE (a kernel image) and NC_REV (the series' last commit) are for
# testing this gate against a branch that is not v4 yet.
. "$(dirname "$0")/../scripts/lib.sh"
suite=kvm_arm64_s2_pgtable
if [ -n "${KUNIT_IMAGE:-}" ]; then
	image=$KUNIT_IMAGE
else
	"$TOP/scripts/images.sh" >/dev/null
	image=$BUILD/out/patched/arch/arm64/boot/Image
fi
g=$BUILD/guest
mkdir -p "$g" "$BUILD/logs"
${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$g/plan-init" "$TOP/guest/plan-init.c"
# An empty plan: plan-init powers off at once, once the KUnit suites have
# run at boot.
"$TOP/scripts/mkinitramfs.sh" "$g/kunit.cpio" "$g/plan-init" /dev/null

# boot_kunit IMAGE COLUMN LOG: boot, and list the suite's results in LOG.res
boot_kunit() {
	local rc=0
	"$TOP/scripts/qemu-boot.sh" "$1" "$g/kunit.cpio" "$2" "$3" 600 || rc=$?
	[ "$rc" = 0 ] || return 1
	"$TOP/scripts/kunit_log.py" "$3" "$suite" > "$3.res"
}

warn_line=$(git -C "$TREE" show "$REV:arch/arm64/kvm/hyp/pgtable.c" |
	grep -n 'WARN_ON_ONCE(device && normal_nc)' | cut -d: -f1)
[ -n "$warn_line" ] || die "$REV: no WARN_ON_ONCE(device && normal_nc) in arch/arm64/kvm/hyp/pgtable.c"
for col in ${COLUMNS:-vhe nvhe protected nofwb}; do
	log=$BUILD/logs/kunit-$col.log
	t0=$SECONDS
	if ! boot_kunit "$image" "$col" "$log"; then
		echo "FAIL: kunit $col: boot failed or suite $suite absent or unfinished (log: $log)"
		continue
	fi
	while read -r status name; do
		case $status in
		pass) echo "PASS: kunit $col $name" ;;
		skip) echo "SKIP: kunit $col $name" ;;
		*) echo "FAIL: kunit $col $name (log: $log)" ;;
		esac
	done < "$log.res"
	# The WARN_ON_ONCE() the suite provokes, at its own file:line (whatever
	# path prefix the build gave __FILE__, in stage2_set_prot_attr() or in
	# kvm_pgtable_stage2_map() where it is inlined). guest-log.py scan
	# allows one such WARN and flags any other.
	expected="WARNING: CPU: [0-9]+ PID: [0-9]+ at (\\S*/)?arch/arm64/kvm/hyp/pgtable\\.c:$warn_line (stage2_set_prot_attr|kvm_pgtable_stage2_map)\\+"
	warns=$(grep -cE "$expected" "$log" || true)
	if ! problems=$("$TOP/scripts/guest-log.py" scan "$log"); then
		echo "$problems" | head -n 5
		echo "FAIL: kunit $col: host kernel log has the problems above"
	elif [ "$warns" != 1 ]; then
		echo "FAIL: kunit $col: $warns WARNs at pgtable.c:$warn_line, expected exactly 1"
	else
		echo "PASS: kunit $col: host kernel log clean but for the one expected WARN ($((SECONDS - t0))s)"
	fi
done

# The mutants are built in the kernel tree itself, into build/out/mutant:
# at the same path as the patched build, ccache serves every object the
# mutant does not change (a worktree elsewhere would rebuild from cold).
# The tree must have no uncommitted changes; it is put back on $REV.
if [ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
	echo "FAIL: kunit mutants: $TREE has uncommitted changes; commit or export them first"
	exit 0
fi
trap 'git -C "$TREE" checkout -q -f "$REV"' EXIT
for patch in "$TOP"/tests/mutants/*.patch; do
	[ -f "$patch" ] || continue
	name=$(basename "$patch" .patch)
	log=$BUILD/logs/kunit-mutant-$name.log
	git -C "$TREE" checkout -q -f "$REV"
	if ! git -C "$TREE" apply "$patch"; then
		echo "FAIL: kunit mutant $name: does not apply to $REV"
		continue
	fi
	t0=$SECONDS
	if ! "$TOP/scripts/build-kernel.sh" "$BUILD/out/mutant" >/dev/null; then
		echo "FAIL: kunit mutant $name: build failed"
		continue
	fi
	if ! boot_kunit "$BUILD/out/mutant/arch/arm64/boot/Image" vhe "$log"; then
		echo "FAIL: kunit mutant $name: boot failed or suite absent or unfinished (log: $log)"
		continue
	fi
	n=$(grep -c '^fail ' "$log.res" || true)
	if [ "$n" -gt 0 ]; then
		echo "PASS: kunit mutant $name caught ($n cases failed: $(awk '/^fail /{ print $2 }' "$log.res" | head -n 3 | xargs)$([ "$n" -le 3 ] || echo ' ...'); $((SECONDS - t0))s)"
	else
		echo "FAIL: kunit mutant $name not caught: every case passed (log: $log)"
	fi
done
