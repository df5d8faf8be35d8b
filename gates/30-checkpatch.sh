#!/usr/bin/env bash
# checkpatch --strict on every patch: no errors, warnings or checks, with
# three reasoned exceptions:
#  - FILE_PATH_CHANGES ("added file, does MAINTAINERS need updating?") is
#    a question checkpatch asks of every new file; it is accepted only when
#    get_maintainer.pl shows that MAINTAINERS already covers the file.
#  - a CHECK whose exact message the cover letter lists with its reason.
#  - UNKNOWN_COMMIT_ID for a commit the patch cites: the Debian source
#    package has no git history to look it up in. Accepted only for ids
#    that docs/commit-ids.list holds, each with where it was verified.
# And every commit reference in the cover letter and the commit messages
# names a listed commit with its exact title (harness/source/commit_refs.py).
. "$(dirname "$0")/../harness/lib.sh"
cover=$TOP/patches/0000-cover-letter.patch
ids_list=$TOP/docs/commit-ids.list
"$TOP/harness/source/commit_refs.py" "$ids_list" "$TOP"/patches/0*.patch || true
for p in "$TOP"/patches/0*.patch; do
	case $p in "$cover") continue ;; esac
	name=$(basename "$p")
	ignore=
	added=$(sed -n '/^diff --git/{N;s|^diff --git a/\S* b/\(\S*\)\nnew file mode.*|\1|p}' "$p")
	if [ -n "$added" ]; then
		uncovered=
		for f in $added; do
			(cd "$TREE" && perl scripts/get_maintainer.pl --nogit --nogit-fallback \
				--no-email --subsystem -f "$f" 2>/dev/null | grep -v '@' | grep -cv '^THE REST$' >/dev/null) ||
				uncovered="$uncovered $f"
		done
		if [ -n "$uncovered" ]; then
			echo "FAIL: checkpatch $name: MAINTAINERS covers no entry for:$uncovered"
			continue
		fi
		ignore=--ignore=FILE_PATH_CHANGES
	fi
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --show-types $ignore "$p" 2>&1 || true)
	sum=$(echo "$out" | grep -E '^total:' || echo "no summary from checkpatch")
	listed=0 unlisted=()
	while IFS= read -r c; do
		[ -n "$c" ] || continue
		if grep -qF -- "${c#CHECK:}" "$cover"; then
			listed=$((listed + 1))
		else
			unlisted+=("$c")
		fi
	done < <(echo "$out" | sed -n 's/^CHECK:[A-Z_]*:/CHECK:/p')
	warnings=$(echo "$sum" | sed -n 's/.* \([0-9]*\) warnings.*/\1/p')
	ids=0
	while IFS= read -r id; do
		[ -n "$id" ] || continue
		if grep -qE "^$id[0-9a-f]* \|" "$ids_list"; then
			ids=$((ids + 1))
		else
			unlisted+=("WARNING: Unknown commit id '$id' (not in docs/commit-ids.list)")
		fi
	done < <(echo "$out" | sed -n "s/^WARNING:UNKNOWN_COMMIT_ID: Unknown commit id '\([0-9a-f]*\)'.*/\1/p" | sort -u)
	# checkpatch reports an unknown id once per mention
	idwarn=$(echo "$out" | grep -c '^WARNING:UNKNOWN_COMMIT_ID:' || true)
	checks=$(echo "$sum" | sed -n 's/.* \([0-9]*\) checks.*/\1/p')
	if grep -q '^total: 0 errors, ' <<<"$sum" && [ "${warnings:-x}" = "$idwarn" ] &&
		[ ${#unlisted[@]} = 0 ] && [ "${checks:-x}" = "$listed" ]; then
		extra=; [ -z "$ignore" ] || extra=" (new files covered by MAINTAINERS: $added)"
		[ "$listed" = 0 ] || extra="$extra ($listed CHECK(s) listed in the cover letter)"
		[ "$ids" = 0 ] || extra="$extra ($ids cited commit id(s) from docs/commit-ids.list)"
		echo "PASS: checkpatch --strict $name$extra"
	else
		echo "$out" | grep -E -A3 '^(ERROR|WARNING|CHECK):' || true
		for c in "${unlisted[@]}"; do echo "not accepted: $c"; done
		echo "FAIL: checkpatch --strict $name: $sum"
	fi
done
