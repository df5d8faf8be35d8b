#!/usr/bin/env bash
# Every commit of the series builds on its own: the base, then each patch in
# turn, incrementally in one output directory (which ends at the full series,
# the kernel the guest tests boot).
. "$(dirname "$0")/../scripts/lib.sh"
out=$BUILD/out/patched
cd "$TREE"
trap 'git -C "$TREE" checkout -q v4' EXIT
i=0
n=$(git rev-list --count base..v4)
for c in base $(git rev-list --reverse base..v4); do
	git checkout -q --detach "$c"
	subj=$(git log -1 --format=%s)
	t0=$SECONDS
	if "$TOP/scripts/build-kernel.sh" "$out" >/dev/null 2>"$BUILD/logs/bisect-$i.err"; then
		echo "PASS: Image builds at $i/$n: $subj ($((SECONDS - t0))s)"
	else
		cat "$BUILD/logs/bisect-$i.err"
		echo "FAIL: Image does not build at $i/$n: $subj"
	fi
	i=$((i + 1))
done
