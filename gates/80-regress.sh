#!/usr/bin/env bash
# Upstream's own 6.1 KVM selftests (tests/regress.plan) on the base and on
# the patched kernel, in every column: the series must pass every test the
# base passes. A test the base fails too is reported as skipped.
. "$(dirname "$0")/../scripts/lib.sh"
"$TOP/scripts/images.sh" >/dev/null
"$TOP/scripts/build-guest.sh" >/dev/null
g=$BUILD/guest
bins=$(awk '!/^#/ && NF { print $3 }' "$TOP/tests/regress.plan" | while read -r p; do
	b=${p#/bin/}; [ -f "$g/regress/$b" ] && echo "$g/regress/$b" || echo "$g/regress/aarch64/$b"
done)
"$TOP/scripts/mkinitramfs.sh" "$g/regress.cpio" "$g/plan-init" "$TOP/tests/regress.plan" $bins
declare -A res
for col in ${COLUMNS:-vhe nvhe protected nofwb}; do
	for k in base patched; do
		log=$BUILD/logs/regress-$col-$k.log
		t0=$SECONDS
		if ! "$TOP/scripts/qemu-boot.sh" "$BUILD/out/$k/arch/arm64/boot/Image" \
			"$g/regress.cpio" "$col" "$log" 900; then
			echo "FAIL: regress $col $k: boot failed (log: $log)"
			continue
		fi
		if problems=$("$TOP/scripts/guest-log.py" scan "$log"); then
			echo "PASS: regress $col $k: host kernel log clean ($((SECONDS - t0))s)"
		else
			echo "$problems" | head -n 5
			echo "FAIL: regress $col $k: host kernel log has the problems above"
		fi
		while read -r name status; do
			res[$col,$k,$name]=$status
		done < <("$TOP/scripts/guest-log.py" plan "$log" || true)
	done
	for p in $bins; do
		name=$(basename "$p")
		b=${res[$col,base,$name]:-missing} s=${res[$col,patched,$name]:-missing}
		if [ "$b" != ok ]; then
			echo "SKIP: regress $col $name: base $b, series $s"
		elif [ "$s" = ok ]; then
			echo "PASS: regress $col $name"
		else
			echo "FAIL: regress $col $name: base ok, series $s"
		fi
	done
done
