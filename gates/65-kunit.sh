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
# An initramfs with no /plan at all: plan-init powers off at once, once the
# KUnit suites have run at boot. (mkinitramfs.sh wants a non-empty plan.)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -m 755 "$g/plan-init" "$stage/init"
(cd "$stage" && echo init | cpio -o -H newc --quiet -R 0:0) > "$g/kunit.cpio"

# kunit_results LOG: "pass|fail|skip CASE" for each case of the suite, with
# "CASE/PARAM" for the parameters of a parameterised case. Exit 1 when the
# suite is absent or did not finish. 6.1 prints no SKIP directive on a
# parameter's own line: a parameter is skipped when its case as a whole is.
kunit_results() {
	python3 - "$1" "$suite" <<'EOF'
import re
import sys

log, suite = sys.argv[1], sys.argv[2]
result = re.compile(r"^( *)(not ok|ok) \d+ (\S+)(?: # SKIP.*)?$")
lines = [re.sub(r"^\[\s*\d+\.\d+\] ", "", line)
         for line in open(log, errors="replace").read().splitlines()]
start = next((i for i, line in enumerate(lines)
              if line.strip() == "# Subtest: " + suite), None)
if start is None:
    sys.exit(f"suite {suite} did not run")
depth = len(lines[start]) - len(lines[start].lstrip(" "))
params, current = {}, None
for line in lines[start + 1:]:
    indent = len(line) - len(line.lstrip(" "))
    m = re.match(r"^ *# Subtest: (\S+)$", line)
    if m and indent == depth + 4:
        current = m.group(1)
        params[current] = []
        continue
    r = result.match(line)
    if not r:
        continue
    ok, name, skip = r.group(2) == "ok", r.group(3), "# SKIP" in line
    if indent == depth + 4 and current is not None:
        params[current].append((ok, name))
    elif indent == depth:
        status = "fail" if not ok else "skip" if skip else "pass"
        children = params.pop(name, None)
        if children is None:
            print(status, name)
        for pok, pname in children or []:
            print("fail" if not pok else "skip" if skip else "pass",
                  f"{name}/{pname}")
    elif indent == depth - 4 and name == suite:
        break
else:
    sys.exit(f"suite {suite} did not finish")
EOF
}

# boot_kunit IMAGE COLUMN LOG: boot, and list the suite's results in LOG.res
boot_kunit() {
	local rc=0
	"$TOP/scripts/qemu-boot.sh" "$1" "$g/kunit.cpio" "$2" "$3" 600 || rc=$?
	[ "$rc" = 0 ] || return 1
	kunit_results "$3" > "$3.res"
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
	# The WARN_ON_ONCE() the suite provokes: its file:line, whatever the
	# path prefix the build gave __FILE__, in stage2_set_prot_attr() or
	# in kvm_pgtable_stage2_map() where it is inlined. guest-log.py scan
	# sees the log without that one line.
	expected="WARNING: CPU: [0-9]+ PID: [0-9]+ at (\\S*/)?arch/arm64/kvm/hyp/pgtable\\.c:$warn_line (stage2_set_prot_attr|kvm_pgtable_stage2_map)\\+"
	warns=$(grep -cE "$expected" "$log" || true)
	if ! problems=$(grep -vE "$expected" "$log" | "$TOP/scripts/guest-log.py" scan /dev/stdin); then
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
trap 'rm -rf "$stage"; git -C "$TREE" checkout -q -f "$REV"' EXIT
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
