#!/usr/bin/env bash
# series.sh: `make series`, the send-ready copy of the series in
# build/series/: patches/ as it is, signed by the person who runs this.
#
#  - From: and the placeholder Signed-off-by: of every patch become the
#    runner's git identity (git config user.name and user.email, as git
#    send-email would use them); refused when there is none, or when it
#    is a placeholder (an example.org/example.com/localhost address, or
#    the placeholder of patches/).
#  - Each patch gets To: (the maintainers) and Cc: (reviewers, lists) from
#    the kernel's scripts/get_maintainer.pl run on the base tree; the cover
#    letter gets them all, plus the people who reviewed v3 and its author.
#    Cc: lines in a commit message (stable@, the v3 author) stay where they
#    are; git send-email adds them by itself.
#  - The copy is checked as a maintainer receiving it would: git am onto a
#    clean base, and b4's own reading of the series (b4 am, bookworm's b4
#    0.12: complete v4 series, trailers parsed).
#
# Send it with git send-email build/series/*.patch (README), or with b4.
. "$(dirname "$0")/../lib.sh"
out=$BUILD/series
placeholder_name="KVM arm64 NC series" placeholder_email=kvm-arm64-nc@example.org

# The runner's identity, as their own git configuration has it (lib.sh
# pins GIT_AUTHOR_* for the reproducible base tree: not those).
name=$(env -u GIT_AUTHOR_NAME -u GIT_COMMITTER_NAME git -C "$TOP" config user.name || true)
email=$(env -u GIT_AUTHOR_EMAIL -u GIT_COMMITTER_EMAIL git -C "$TOP" config user.email || true)
[ -n "$name" ] && [ -n "$email" ] ||
	die "no git identity: set it first (git config --global user.name 'Your Name';" \
	    "git config --global user.email you@your.domain); the Signed-off-by is yours"
# RFC 2606 names (example.*, *.example, .test, .invalid, .localhost) and
# no-reply addresses cannot receive the replies a patch gets.
case $email in
*@example.org|*@example.com|*@example.net|*.example|*@localhost|*.localhost|*.test|*.invalid|*noreply*|"$placeholder_email")
	die "git identity <$email> is a placeholder: a Signed-off-by must be a real person's (Developer's Certificate of Origin)" ;;
esac
[ "$name" != "$placeholder_name" ] || die "git identity '$name' is the placeholder of patches/"
case $email in *@*.*) ;; *) die "git identity <$email> is not a mail address" ;; esac

[ -f "$TOP/patches/0000-cover-letter.patch" ] || die "no patches/ (run: make export)"
"$TOP/harness/source/prepare-base.sh" >/dev/null
rm -rf "$out"
mkdir -p "$out"
cp "$TOP"/patches/0*.patch "$out/"

# To: and Cc: from get_maintainer.pl, run in the base tree (the base
# commit checked out in a scratch worktree: the maintainers of the files as
# they are before the series).
wt=$(mktemp -d)
trap 'git -C "$TREE" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"' EXIT
git -C "$TREE" worktree add -q --detach "$wt" base
recipients() { # recipients PATCH...: "to ADDR" / "cc ADDR" lines
	(cd "$wt" && perl scripts/get_maintainer.pl --rolestats --no-git --no-git-fallback \
		--no-tree "$@" 2>/dev/null) |
		sed -E 's/ \((.*)\)$/\t\1/' | while IFS=$'\t' read -r addr roles; do
			case $roles in
			*maintainer:*|*supporter:*) echo "to $addr" ;;
			*) echo "cc $addr" ;;
			esac
		done
}
# v3's author and reviewers (docs of the changelog), on the cover letter.
V3_CC=("Ankit Agrawal <ankita@nvidia.com>" "Catalin Marinas <catalin.marinas@arm.com>"
	"Will Deacon <will@kernel.org>" "Jason Gunthorpe <jgg@nvidia.com>"
	"Oliver Upton <oliver.upton@linux.dev>" "Lorenzo Pieralisi <lpieralisi@kernel.org>"
	"Suzuki K Poulose <suzuki.poulose@arm.com>" "James Morse <james.morse@arm.com>"
	"Marc Zyngier <maz@kernel.org>" "Alex Williamson <alex.williamson@redhat.com>")

add_headers() { # add_headers FILE TO-LIST CC-LIST (newline separated)
	python3 - "$@" <<'EOF'
import sys
path, to, cc = sys.argv[1], sys.argv[2].split("\n"), sys.argv[3].split("\n")
to = [a for a in dict.fromkeys(to) if a]
cc = [a for a in dict.fromkeys(cc) if a and a not in to]
text = open(path, encoding="utf-8").read()
head, sep, body = text.partition("\n\n")
lines = []
if to:
    lines.append("To: " + ",\n    ".join(to))
if cc:
    lines.append("Cc: " + ",\n    ".join(cc))
open(path, "w", encoding="utf-8").write(head + "\n" + "\n".join(lines) + sep + body)
EOF
}

all_to= all_cc=
for p in "$out"/0*.patch; do
	[ "$(basename "$p")" = 0000-cover-letter.patch ] && continue
	r=$(recipients "$p")
	to=$(echo "$r" | sed -n 's/^to //p')
	cc=$(echo "$r" | sed -n 's/^cc //p')
	add_headers "$p" "$to" "$cc"
	all_to=$(printf '%s\n%s' "$all_to" "$to")
	all_cc=$(printf '%s\n%s' "$all_cc" "$cc")
done
add_headers "$out/0000-cover-letter.patch" "$all_to" "$(printf '%s\n' "$all_cc" "${V3_CC[@]}")"

# The sender's identity in place of the placeholder: From: and the last
# Signed-off-by: of each patch (Ankit's carried Signed-off-by stays).
for p in "$out"/0*.patch; do
	sed -i "s/$placeholder_name <$placeholder_email>/$name <$email>/g" "$p"
	grep -q "$placeholder_email" "$p" && die "$p still names the placeholder"
	[ "$(basename "$p")" = 0000-cover-letter.patch ] && continue
	grep -qxF "Signed-off-by: $name <$email>" "$p" || die "$p lacks the sender's Signed-off-by"
done

# As a maintainer would receive it: git am onto a clean base ...
mapfile -t files < <(ls "$out"/0*.patch | grep -v '/0000-cover-letter\.patch$')
git -C "$wt" -c user.name="$name" -c user.email="$email" am -q "${files[@]}" ||
	die "the send-ready copy does not apply with git am to the base (linux-source-6.1 $BASE_VERSION)"
n=$(git -C "$wt" rev-list --count base..HEAD)
bad=$(git -C "$wt" log --format='%an <%ae>' base..HEAD | grep -vxF "$name <$email>" || true)
[ -z "$bad" ] || die "after git am, patches are authored by: $bad"
note "git am onto base: $n patches, all authored by $name <$email>"

# ... and b4 (bookworm's 0.12): reads the series as a mailbox, checks it
# is complete and parses its trailers.
command -v b4 >/dev/null || apt-get install -y -q b4 >/dev/null ||
	die "cannot install b4 (apt-get install b4)"
# The mailbox b4 reads is the series as it would arrive: each message with
# a Message-ID, the patches in reply to the cover letter (git send-email
# adds those when sending). b4 0.12 reads a local mailbox with Python's
# compat32 policy and then trips over a folded Subject: header
# (format-patch folds long subjects), which it never sees from lore; so
# the headers of this copy are unfolded.
mbox=$out/series.mbox
python3 - "$mbox" "$out"/0*.patch <<'EOF'
import re, sys
out, paths = sys.argv[1], sys.argv[2:]
with open(out, "w", encoding="utf-8") as f:
    for i, path in enumerate(paths):
        head, sep, body = open(path, encoding="utf-8").read().partition("\n\n")
        head = re.sub(r"\n[ \t]+", " ", head)
        head += f"\nMessage-ID: <v4-{i}@series.local>"
        if i:
            head += "\nIn-Reply-To: <v4-0@series.local>\nReferences: <v4-0@series.local>"
        f.write(head + sep + body + "\n")
EOF
mkdir -p "$out/b4"
b4out=$(cd "$out" && b4 --offline-mode am --no-parent -m "$mbox" -o "$out/b4" 2>&1) ||
	{ echo "$b4out" >&2; die "b4 am cannot read the send-ready series"; }
sed -n '/Analyzing\|Total patches\|---/p' <<<"$b4out" | sed -n 1,5p
grep -qE "Total patches: $n\b" <<<"$b4out" && [ -s "$(ls "$out"/b4/*.mbx 2>/dev/null | head -n 1)" ] ||
	{ echo "$b4out" >&2; die "b4 am did not make an am-ready mailbox of all $n patches"; }
note "send-ready series for $name <$email> in $out (check it, then: git send-email $out/0*.patch)"
