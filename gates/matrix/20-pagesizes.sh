#!/usr/bin/env bash
# 16K and 64K pages: the base and the series built with each
# (config/arm64-16k.config, arm64-64k.config) run the KUnit suite, the e2e
# selftest with its whole table, stage-2 observation and negative control,
# and the upstream regression selftests, with the same assertions as the
# 4K columns of make check (they are the same gates, with VARIANT set).
# QEMU's -cpu max offers both granules at both stages. Columns: KUnit and
# e2e in vhe and nvhe, the regression list in vhe (PAGE_COLUMNS,
# REGRESS_COLUMNS to change).
. "$(dirname "$0")/../../harness/lib.sh"
for ps in 16k 64k; do
	"$TOP/harness/kernel/kernel.sh" build "base/$ps" "series/$ps" || {
		echo "FAIL: $ps: the kernels do not build"; continue; }
	VARIANT=$ps COLUMNS="${PAGE_COLUMNS:-vhe nvhe}" bash "$TOP/gates/65-kunit.sh"
	VARIANT=$ps COLUMNS="${PAGE_COLUMNS:-vhe nvhe}" bash "$TOP/gates/70-e2e.sh"
	VARIANT=$ps COLUMNS="${REGRESS_COLUMNS:-vhe}" bash "$TOP/gates/80-regress.sh"
done
