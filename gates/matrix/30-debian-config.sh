#!/usr/bin/env bash
# Debian's own arm64 config (linux-config-6.1, the arm64 flavour's config,
# from Debian's arm64 package of the same version as the base): at every
# commit of the series, the objects it touches are built with it, with W=1
# and sparse (C=1: every object that is recompiled): arch/arm64/kvm/,
# drivers/vfio/pci/ (modules there, as Debian ships them) and mm/. No
# warning may appear that the base does not have, compared per file and
# without line numbers.
#
# At every commit, vfio's modules are also linked the way Debian's own
# build would link them: drivers/vfio/ built as external modules against
# that config, with modpost checking every symbol they use against
# Module.symvers of Debian's kernel of the same version (linux-headers,
# arm64): vfio.ko, vfio_iommu_type1.ko, vfio-pci-core.ko and vfio-pci.ko
# must come out, with no undefined symbol. (The series exports nothing new
# from vmlinux; gate 40 checks that.)
#
# One worktree steps through the commits (build/k/debian-config); what
# each commit gave is recorded there, per commit, config and compiler, so
# that an unchanged commit is not built again.
. "$(dirname "$0")/../../harness/lib.sh"
. "$TOP/harness/kernel/klib.sh"
dirs=(arch/arm64/kvm/ drivers/vfio/pci/ mm/)
d=$K/debian-config src=$K/debian-config/src out=$K/debian-config/arm64
mkdir -p "$d" "$out"

cfg=$d/config.arm64
if [ ! -s "$cfg" ]; then
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "linux-config-6.1:arm64=$BASE_VERSION" >/dev/null) ||
		{ rm -rf "$tmp"; die "cannot download linux-config-6.1:arm64=$BASE_VERSION (is the arm64 architecture added? run: make deps)"; }
	dpkg-deb -x "$tmp"/linux-config-6.1_*_arm64.deb "$tmp/x"
	xzcat "$tmp/x/usr/src/linux-config-6.1/config.arm64_none_arm64.xz" > "$cfg"
	rm -rf "$tmp"
fi
# Module.symvers of Debian's arm64 kernel of the base's version.
symvers=$d/Module.symvers.debian
if [ ! -s "$symvers" ]; then
	pkg=$(apt-cache search --names-only '^linux-headers-6\.1\.0-[0-9]+-arm64$' 2>/dev/null | cut -d' ' -f1 |
		while read -r p; do
			[ "$(apt-cache show --no-all-versions "$p:arm64" 2>/dev/null | sed -n 's/^Version: //p')" = "$BASE_VERSION" ] &&
				echo "$p"
		done | sed -n 1p)
	[ -n "$pkg" ] || die "no linux-headers-6.1.0-*-arm64 of version $BASE_VERSION in apt's lists (run: make deps)"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "$pkg:arm64=$BASE_VERSION" >/dev/null) ||
		{ rm -rf "$tmp"; die "cannot download $pkg:arm64=$BASE_VERSION"; }
	dpkg-deb -x "$tmp"/"$pkg"_*_arm64.deb "$tmp/x"
	cp "$tmp"/x/usr/src/"$pkg"/Module.symvers "$symvers"
	rm -rf "$tmp"
	note "Debian's Module.symvers: $pkg $BASE_VERSION ($(wc -l < "$symvers") symbols)"
fi
key_tail="$(sha256sum < "$cfg" | cut -c1-16) $(sha256sum < "$symvers" | cut -c1-16) $(compiler_id gcc | paste -sd ';')"

# modlink I: vfio's modules of the worktree, linked as Debian would link
# them (see above); the modules that came out, one a line, or a FAIL line.
modlink() {
	local ext=$d/vfio-ext log=$d/modlink-$1.log m
	rm -rf "$ext"
	cp -r "$src/drivers/vfio" "$ext"
	cp "$symvers" "$out/Module.symvers"
	if ! kmake_tc gcc "$src" "$out" modules_prepare >"$log" 2>&1 ||
	   ! kmake_tc gcc "$src" "$out" M="$ext" modules >>"$log" 2>&1; then
		grep -m 5 -E 'ERROR|error' "$log"
		echo "FAIL: Debian config at $1: vfio's modules do not link against Debian's exports (log: $log)"
		return 1
	fi
	for m in vfio.ko vfio_iommu_type1.ko pci/vfio-pci-core.ko pci/vfio-pci.ko; do
		[ -f "$ext/$m" ] || { echo "FAIL: Debian config at $1: no $m (log: $log)"; return 1; }
	done
	(cd "$ext" && find . -name '*.ko' | sed 's|^\./||' | sort)
}

# norm: the warnings of a build log (stdin), normalised: "file: text",
# without line and column, paths relative to the tree.
norm() {
	{ grep -E '(warning|error):' || true; } | sed -E "s|^(\.\./)*(src/)?||; s|^$src/||" |
		sed -E 's/:[0-9]+(:[0-9]+)?:/:/' | sort -u
}

i=0
base_commit=$(git -C "$TREE" rev-parse base^{commit})
for c in "$base_commit" $(git -C "$TREE" rev-list --reverse base.."$REV"); do
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	res=$d/warnings-$c.txt
	if ! grep -qxF "$c $key_tail" "$d/verified" 2>/dev/null; then
		t0=$SECONDS
		worktree_at "$TREE" "$src" "$c"
		if [ ! -f "$out/.config" ]; then
			cp "$cfg" "$out/.config"
			kmake_tc gcc "$src" "$out" olddefconfig >/dev/null
		fi
		# Debian signs modules with its own key; an unsigned build is fine.
		"$src/scripts/config" --file "$out/.config" --set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS "" --disable MODULE_SIG_ALL
		if ! kmake_tc gcc "$src" "$out" olddefconfig >/dev/null ||
		   ! kmake_tc gcc "$src" "$out" W=1 C=1 "${dirs[@]}" > "$d/build-$i.log" 2>&1; then
			grep -m 10 -E 'error' "$d/build-$i.log"
			echo "FAIL: Debian config: the touched objects do not build at $i: $subj (log: $d/build-$i.log)"
			i=$((i + 1))
			continue
		fi
		if ! mods=$(modlink "$i"); then
			echo "$mods"
			i=$((i + 1))
			continue
		fi
		echo "$mods" > "$d/modules-$c.txt"
		norm < "$d/build-$i.log" > "$res"
		# Keep the warnings of files this commit did not rebuild: the
		# previous commit's, for the same files.
		if [ -n "${prev:-}" ]; then sort -u "$prev" "$res" -o "$res"; fi
		echo "$c $key_tail" >> "$d/verified"
		note "Debian config at $i: $((SECONDS - t0))s"
	fi
	echo "PASS: Debian config at $i: vfio's modules link against Debian's exports: $(paste -sd ' ' "$d/modules-$c.txt")"
	if [ "$c" = "$base_commit" ]; then
		echo "PASS: Debian config: base builds ${dirs[*]} with W=1 and sparse ($(wc -l < "$res") warnings)"
	else
		files=$(git -C "$TREE" diff --name-only "$c^" "$c" -- '*.c' '*.h')
		new=$(comm -13 "$d/warnings-$base_commit.txt" "$res" | grep -F "$(echo "$files" | sed 's|.*/||')" || true)
		if [ -z "$new" ]; then
			echo "PASS: Debian config at $i/$(git -C "$TREE" rev-list --count base.."$REV"): $subj: builds, no new warnings"
		else
			head -n 10 <<<"$new"
			echo "FAIL: Debian config at $i: $subj: $(echo "$new" | wc -l) new warnings"
		fi
	fi
	prev=$res
	i=$((i + 1))
done

# Each build mutant (tests/mutants/build/: vfio-pci calling what the kernel
# does not export to modules) must fail to link against Debian's exports.
for patch in "$TOP"/tests/mutants/build/*.patch; do
	[ -f "$patch" ] || continue
	name=$(basename "$patch" .patch)
	worktree_at "$TREE" "$src" "$(git -C "$TREE" rev-parse "$REV^{commit}")"
	git -C "$src" apply "$patch" || { echo "FAIL: Debian config: mutant $name does not apply"; continue; }
	if mods=$(modlink "mutant-$name" 2>&1); then
		echo "FAIL: Debian config: mutant $name links against Debian's exports"
	elif grep -q 'undefined' "$d/modlink-mutant-$name.log"; then
		echo "PASS: Debian config: mutant $name caught: $(grep -m 1 'undefined' "$d/modlink-mutant-$name.log")"
	else
		echo "FAIL: Debian config: mutant $name failed for another reason: $(echo "$mods" | head -n 1)"
	fi
	git -C "$src" checkout -q -- .
done
