#!/usr/bin/env bash
# configure.sh OUTDIR [EXTRA_FRAGMENT...]: allnoconfig + our fragment(s) into
# OUTDIR/.config, then check that every requested option is really set.
. "$(dirname "$0")/lib.sh"
out=$1; shift
mkdir -p "$out"
frag=$out/fragment.config
# Lines marked "# if-defined" are options the series itself adds: they are
# requested only once the tree defines them, so every commit can be built.
while IFS= read -r line; do
	case $line in
	*"# if-defined"*)
		sym=${line%%=*}; sym=${sym#CONFIG_}
		grep -rqx --include='Kconfig*' "config $sym" "$TREE/arch/arm64/kvm" || continue
		echo "${line%%[[:space:]]#*}" ;;
	*) echo "$line" ;;
	esac
done < <(cat "$TOP/config/arm64-host.config" "$@") > "$frag.new"
# Reconfigure only when the fragment changed, so incremental builds stay cheap.
if [ -f "$out/.config" ] && cmp -s "$frag.new" "$frag"; then
	rm -f "$frag.new"
	exit 0
fi
mv "$frag.new" "$frag"
kmake "$out" KCONFIG_ALLCONFIG="$frag" allnoconfig >/dev/null
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while read -r line; do
	grep -qxF "$line" "$out/.config" || echo "$line"
done)
if [ -n "$missing" ]; then
	rm -f "$frag"
	die "config options did not take effect in $out/.config:" $missing
fi
