#!/usr/bin/env bash
# The series' KUnit suite (arch/arm64/kvm/pgtable_test.c) runs at boot of
# the patched kernel (-k: the only boots with KUnit enabled): every case
# must run in every column, and pass; in the column without FEAT_S2FWB the
# FWB cases skip, and only they. The host log must hold no problem beyond
# the one WARN the suite provokes on purpose. Then each mutant in
# tests/mutants/kunit/ (the series with one deliberate bug in pgtable.c) is
# built as a kernel of its own and booted: at least one case must fail.
#
# KUNIT_IMAGE (a kernel image) and NC_REV (the series' last commit) are for
# testing this gate against a branch that is not v4 yet. VARIANT (default
# 4k) runs the suite on series/VARIANT (gates/matrix), without the mutants.
. "$(dirname "$0")/../harness/lib.sh"
suite=kvm_arm64_s2_pgtable
cases=50
if [ -n "${KUNIT_IMAGE:-}" ]; then
	image=$KUNIT_IMAGE
else
	"$TOP/harness/kernel/kernel.sh" build "series/${VARIANT:-4k}" >/dev/null
	image=$("$TOP/harness/kernel/kernel.sh" image "series/${VARIANT:-4k}")
fi
g=$BUILD/guest
mkdir -p "$g" "$BUILD/logs"
# The kernel's modules boot with it, and busybox as /sbin/modprobe
# (build/guest/modprobe.cpio): on a fresh clone nothing built that yet.
"$TOP/harness/guest/build-guest.sh" >/dev/null
${CROSS}gcc -static -O2 -Wall -Wextra -Werror -o "$g/plan-init" "$TOP/guest/plan-init.c"
# An empty plan: plan-init powers off at once, once the KUnit suites have
# run at boot.
"$TOP/harness/guest/mkinitramfs.sh" "$g/kunit.cpio" "$g/plan-init" /dev/null

# boot_kunit IMAGE COLUMN LOG: boot, and list the suite's results in LOG.res;
# on failure, say why in LOG.why: the boot, or what kunit_log.py refused.
boot_kunit() {
	if ! "$TOP/harness/boot/qemu-boot.sh" -k "$1" "$g/kunit.cpio" "$2" "$3" 600 2>"$3.why"; then
		return 1
	fi
	"$TOP/harness/judge/kunit_log.py" "$3" "$suite" --expect-cases "$cases" >"$3.res" 2>"$3.why"
}

warn_line=$(git -C "$TREE" show "$REV:arch/arm64/kvm/hyp/pgtable.c" |
	grep -n 'WARN_ON_ONCE(device && normal_nc)' | cut -d: -f1)
[ -n "$warn_line" ] || die "$REV: no WARN_ON_ONCE(device && normal_nc) in arch/arm64/kvm/hyp/pgtable.c"
for col in ${COLUMNS:-vhe nvhe protected nofwb}; do
	log=$BUILD/logs/kunit-$col$(logtag).log
	t0=$SECONDS
	if ! boot_kunit "$image" "$col" "$log"; then
		echo "FAIL: kunit $col$(logtag): $(head -n 1 "$log.why") (log: $log)"
		continue
	fi
	while read -r status name; do
		fwb=0; case $name in *_fwb|*_fwb/*) fwb=1 ;; esac
		case $status,$col,$fwb in
		pass,*) echo "PASS: kunit $col$(logtag) $name" ;;
		skip,nofwb,1) echo "SKIP: kunit $col$(logtag) $name (no FEAT_S2FWB)" ;;
		skip,*) echo "FAIL: kunit $col$(logtag) $name skipped, where it must run (log: $log)" ;;
		*) echo "FAIL: kunit $col$(logtag) $name (log: $log)" ;;
		esac
	done < "$log.res"
	# The WARN_ON_ONCE() the suite provokes, at its own file:line (whatever
	# path prefix the build gave __FILE__, in stage2_set_prot_attr() or in
	# kvm_pgtable_stage2_map() where it is inlined). guest-log.py scan
	# allows one such WARN and flags any other.
	expected="WARNING: CPU: [0-9]+ PID: [0-9]+ at (\\S*/)?arch/arm64/kvm/hyp/pgtable\\.c:$warn_line (stage2_set_prot_attr|kvm_pgtable_stage2_map)\\+"
	warns=$(grep -cE "$expected" "$log" || true)
	if ! problems=$("$TOP/harness/judge/guest-log.py" scan "$log"); then
		head -n 5 <<<"$problems"
		echo "FAIL: kunit $col$(logtag): host kernel log has the problems above"
	elif [ "$warns" != 1 ]; then
		echo "FAIL: kunit $col$(logtag): $warns WARNs at pgtable.c:$warn_line, expected exactly 1"
	else
		echo "PASS: kunit $col$(logtag): host kernel log clean but for the one expected WARN ($((SECONDS - t0))s)"
	fi
done

# Each mutant is a kernel of its own (build/k/mutant-NAME/4k), built once
# per change of the series or of the mutant.
[ "${VARIANT:-4k}" = 4k ] || exit 0
for patch in "$TOP"/tests/mutants/kunit/*.patch; do
	[ -f "$patch" ] || continue
	name=$(basename "$patch" .patch)
	log=$BUILD/logs/kunit-mutant-$name.log
	t0=$SECONDS
	if ! "$TOP/harness/kernel/kernel.sh" build "mutant-$name" >/dev/null; then
		echo "FAIL: kunit mutant $name: does not apply or does not build"
		continue
	fi
	if ! boot_kunit "$("$TOP/harness/kernel/kernel.sh" image "mutant-$name")" vhe "$log"; then
		echo "FAIL: kunit mutant $name: $(head -n 1 "$log.why") (log: $log)"
		continue
	fi
	n=$(grep -c '^fail ' "$log.res" || true)
	if [ "$n" -gt 0 ]; then
		echo "PASS: kunit mutant $name caught ($n cases failed: $(awk '/^fail /{ print $2 }' "$log.res" | head -n 3 | xargs)$([ "$n" -le 3 ] || echo ' ...'); $((SECONDS - t0))s)"
	else
		echo "FAIL: kunit mutant $name not caught: every case passed (log: $log)"
	fi
done
