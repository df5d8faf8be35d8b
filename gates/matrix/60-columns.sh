#!/usr/bin/env bash
# The KVM modes that make check leaves out of its slowest gates, to stay
# inside CI's time: the regression selftests, the containment test and the
# real VMM with a Linux guest in the nvhe and protected columns (make check
# runs them in vhe and nofwb).
. "$(dirname "$0")/../../harness/lib.sh"
for g in 72-contain 76-realvmm 80-regress; do
	[ -f "$TOP/gates/$g.sh" ] || { echo "FAIL: columns: no gates/$g.sh"; continue; }
	COLUMNS="nvhe protected" bash "$TOP/gates/$g.sh"
done
