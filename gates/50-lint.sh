#!/usr/bin/env bash
# sparse (C=2) and W=1 on every C file the series touches, on the base and on
# the full series: the series may not add a warning the base does not have.
# Warnings are compared without line numbers, which the series shifts.
# The files outside arch/arm64 (vfio-pci, and mm/ for the mm.h flag) are
# also compiled for x86-64 (with AMD memory encryption) and for 32-bit x86,
# where the flag is VM_NONE. A file that does not compile for an arch is a
# FAIL, never a skipped comparison. On x86-64, vfio_pci_core.o must call
# cc_mkdec(): the BAR mapping stays pgprot_decrypted(). And user_mem_abort()
# may not touch the VMA after mmap_read_unlock() (a source check).
#
# Each result is kept next to the kernel it belongs to (build/k/SOURCE/
# lint-ARCH/), named after the commit: an unchanged commit is not linted
# again.
. "$(dirname "$0")/../harness/lib.sh"
. "$TOP/harness/kernel/klib.sh"
"$TOP/harness/kernel/kernel.sh" build base series >/dev/null
mapfile -t files < <(git -C "$TREE" diff --name-only --diff-filter=AM base "$REV" -- '*.c' ':!tools' ':!scripts')
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no C file found in the series"; exit 1; }
# Objects for the other architectures: the series' files outside
# arch/arm64, and two mm/ users of the VMA flags.
other=(mm/memory.c mm/mmap.c)
for f in "${files[@]}"; do
	case $f in arch/*) ;; *) other+=("$f") ;; esac
done

amake() { # amake ARCH SRC OUT [make args...]
	local arch=$1 src=$2 out=$3; shift 3
	case $arch in
	arm64) kmake_tc gcc "$src" "$out" "$@" ;;
	*) make -C "$src" O="$out" ARCH="$arch" CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS" -s "$@" ;;
	esac
}

# lint SOURCE ARCH FILE: normalised warnings of FILE in that kernel, on stdout.
lint() {
	local source=$1 arch=$2 f=$3 src=$K/$1/src out=$K/$1/lint-$2
	local res commit
	# Keyed on the commit and on the config fragment it is linted with.
	commit=$(git -C "$src" rev-parse --short=12 HEAD)-$(if [ "$arch" = arm64 ]; then
		effective_fragment "$src"; else cat "$TOP/config/x86-lint.config"; fi | sha256sum | cut -c1-8)
	res=$out/$commit-${f//\//_}.txt
	if [ ! -f "$res" ]; then
		mkdir -p "$out"
		if [ ! -f "$out/.prepared-$commit" ]; then
			if [ "$arch" = arm64 ]; then
				effective_fragment "$src" > "$out/fragment.config"
			else
				cat "$TOP/config/x86-lint.config" > "$out/fragment.config"
			fi
			amake "$arch" "$src" "$out" KCONFIG_ALLCONFIG="$out/fragment.config" allnoconfig >/dev/null &&
			amake "$arch" "$src" "$out" prepare >/dev/null 2>&1 ||
				{ echo "FAIL: make prepare for $arch in $src"; return 1; }
			# x86-64 is linted as a host with memory encryption (SME/SEV),
			# where a BAR mapped without pgprot_decrypted() would be wrong.
			if [ "$arch" = x86_64 ] && ! grep -qx CONFIG_AMD_MEM_ENCRYPT=y "$out/.config"; then
				echo "FAIL: x86_64 lint config of $1 lacks CONFIG_AMD_MEM_ENCRYPT=y"
				return 1
			fi
			rm -f "$out"/.prepared-*
			touch "$out/.prepared-$commit"
		fi
		[ -f "$src/$f" ] || { : > "$res"; cat "$res"; return 0; }
		rm -f "$out/${f%.c}.o"
		# Only warnings in the file or in headers it includes: building one
		# object may first build others (the vDSO), whose warnings are not
		# ours.
		amake "$arch" "$src" "$out" W=1 C=2 "${f%.c}.o" > "$out/log" 2>&1 ||
			{ grep -m 5 error "$out/log"; echo "FAIL: $arch: ${f%.c}.o does not compile in $1"; return 1; }
		# Sorted once relative (below), in the C locale, for comm.
		grep -E '(warning|error):' "$out/log" | grep -E "(${f//./\\.}|\.h):[0-9]" |
			sed -E 's/:[0-9]+(:[0-9]+)?:/:/' > "$res.new" || true
		mv "$res.new" "$res"
	fi
	# sparse names files by their absolute path: make them relative. A
	# warning ccache replays from a build of another clone or kernel names
	# that one's worktree (.../build/k/NAME/src/): strip any of them.
	sed -E "s|$src/||g; s|[^ :]*/build/k/[^/ ]+/src/||g" "$res" | LC_ALL=C sort
}

# failed OUTPUT KERNEL ARCH FILE: report a lint that did not complete: its own
# FAIL line, or one saying so. A file that does not compile is a failure
# of the gate, never a reason to skip the comparison.
failed() {
	echo "$1" | grep '^FAIL' || echo "FAIL: $3: $4 could not be linted in $2"
}

compare() { # compare ARCH FILE
	local arch=$1 f=$2 b p new
	b=$(lint base "$arch" "$f") || { failed "$b" base "$arch" "$f"; return 0; }
	p=$(lint series "$arch" "$f") || { failed "$p" series "$arch" "$f"; return 0; }
	new=$(LC_ALL=C comm -13 <(echo "$b") <(echo "$p") | grep . || true)
	if [ -z "$new" ]; then
		echo "PASS: sparse + W=1 ($arch) $f: no new warnings ($(echo -n "$p" | grep -c . || true) also in base)"
	else
		echo "$new"
		echo "FAIL: sparse + W=1 ($arch) $f: $(echo "$new" | wc -l) new warnings"
	fi
}

for f in "${files[@]}"; do compare arm64 "$f"; done
for arch in x86_64 i386; do
	for f in "${other[@]}"; do compare "$arch" "$f"; done
done

# The BAR mapping keeps the page protection io_remap_pfn_range() gave it
# on 6.1, pgprot_decrypted() included: on x86-64 with memory encryption
# that is a call of cc_mkdec(), so vfio_pci_core.o must refer to it, on
# the base and with the series. Each mutant in tests/mutants/lint/ whose
# name says "decrypted" (the series without pgprot_decrypted()) must not.
decrypted() { # decrypted SOURCE: "yes" or "no", or a FAIL line
	local f=drivers/vfio/pci/vfio_pci_core.c out=$K/$1/lint-x86_64 r
	r=$(lint "$1" x86_64 "$f") || { failed "$r" "$1" x86_64 "$f"; return 1; }
	rm -f "$out/${f%.c}.o"
	amake x86_64 "$K/$1/src" "$out" "${f%.c}.o" >/dev/null 2>&1 ||
		{ echo "FAIL: x86_64: ${f%.c}.o does not compile in $1"; return 1; }
	# nm's whole output first: grep -q may stop reading before nm is done,
	# and under pipefail nm's SIGPIPE would read as "no".
	r=$(nm "$out/${f%.c}.o")
	if grep -qE '^ +U cc_mkdec$' <<<"$r"; then echo yes; else echo no; fi
}
for source in base series; do
	d=$(decrypted "$source") || { echo "$d"; continue; }
	if [ "$d" = yes ]; then
		echo "PASS: x86_64 (AMD_MEM_ENCRYPT) $source: BAR mappings are pgprot_decrypted() (vfio_pci_core.o calls cc_mkdec)"
	else
		echo "FAIL: x86_64 (AMD_MEM_ENCRYPT) $source: vfio_pci_core.o does not call cc_mkdec: BAR mappings would stay encrypted"
	fi
done

# A review check where no test reaches: user_mem_abort() may not use the
# VMA once it dropped mmap_lock (a use after free only a race would show);
# harness/source/vma_after_unlock.py reads the source, base and series.
for source in base series; do
	if r=$("$TOP/harness/source/vma_after_unlock.py" "$K/$source/src/arch/arm64/kvm/mmu.c"); then
		echo "PASS: $source: user_mem_abort() names no VMA after mmap_read_unlock()"
	else
		echo "$r"
		echo "FAIL: $source: user_mem_abort() uses the VMA after mmap_read_unlock(), or the check cannot tell"
	fi
done

# The 32-bit check can fail: each mutant in tests/mutants/lint/ (the series
# with VM_ALLOW_ANY_UNCACHED a real bit on 32-bit kernels) must give new
# warnings for i386 in the files it affects; one whose vfio file does not
# compile for i386 at all must be reported as a FAIL (nocompile-i386).
for patch in "$TOP"/tests/mutants/lint/*.patch; do
	[ -f "$patch" ] || continue
	name=$(basename "$patch" .patch)
	if ! "$TOP/harness/kernel/kernel.sh" prepare "mutant-$name" >/dev/null; then
		echo "FAIL: lint mutant $name: does not apply"
		continue
	fi
	f=drivers/vfio/pci/vfio_pci_core.c
	case $name in
	*nocompile-i386*)
		# The lint of a file that does not compile must be a FAIL line.
		if p=$(lint "mutant-$name" i386 "$f"); then
			echo "FAIL: lint mutant $name not caught: i386 $f compiled"
		elif grep -q "^FAIL: i386: ${f%.c}.o does not compile in mutant-$name" <<<"$p"; then
			echo "PASS: lint mutant $name caught: $(grep -m 1 '^FAIL' <<<"$p" | sed 's/^FAIL: //')"
		else
			echo "FAIL: lint mutant $name: lint failed without saying so ($(head -n 1 <<<"$p"))"
		fi
		continue ;;
	*after-unlock*)
		r=$("$TOP/harness/source/vma_after_unlock.py" "$K/mutant-$name/src/arch/arm64/kvm/mmu.c") && rc=0 || rc=$?
		if [ "$rc" = 1 ]; then
			echo "PASS: lint mutant $name caught: $(head -n 1 <<<"$r")"
		else
			echo "FAIL: lint mutant $name not caught: $(head -n 1 <<<"$r")"
		fi
		continue ;;
	*decrypted*)
		d=$(decrypted "mutant-$name") || { echo "$d"; continue; }
		if [ "$d" = no ]; then
			echo "PASS: lint mutant $name caught: x86_64 vfio_pci_core.o no longer calls cc_mkdec"
		else
			echo "FAIL: lint mutant $name not caught: x86_64 vfio_pci_core.o still calls cc_mkdec"
		fi
		continue ;;
	esac
	b=$(lint base i386 "$f") || { failed "$b" base i386 "$f"; continue; }
	p=$(lint "mutant-$name" i386 "$f") || { failed "$p" "mutant-$name" i386 "$f"; continue; }
	new=$(LC_ALL=C comm -13 <(echo "$b") <(echo "$p") | grep . || true)
	if [ -n "$new" ]; then
		echo "PASS: lint mutant $name caught: i386 $f: $(echo "$new" | head -n 1)"
	else
		echo "FAIL: lint mutant $name not caught: no new i386 warning in $f"
	fi
done
