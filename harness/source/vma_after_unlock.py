#!/usr/bin/env python3
"""A review check that stands where no test can: user_mem_abort() must not
touch the VMA once it has dropped mmap_lock.

  vma_after_unlock.py MMU_C

arch/arm64/kvm/mmu.c's user_mem_abort() looks the VMA up under
mmap_read_lock(), samples what it needs from it (the page shift, VM_SHARED,
and with the series VM_ALLOW_ANY_UNCACHED), and drops the lock before
faulting the page in; from then on a concurrent munmap() may free the VMA.
A read of it after the unlock is a use after free that only a race shows,
which no gate reproduces reliably (matrix-10-debug's KASAN stress does not
unmap the memslot's VMA under a faulting vCPU). So the source is read
instead: after the function's own mmap_read_unlock() (the one at the
function's top level, not an early return's), no line may name `vma`.

Prints each offending line as "mmu.c:LINE: TEXT" and exits 1; exits 0 with
"ok: ..." when there is none; exits 2 when the function or its unlock is
not found (the check would prove nothing).
"""
import re
import sys


def check(text):
    """(offending [(line number, text)], error or None)."""
    lines = text.splitlines()
    start = next((i for i, x in enumerate(lines)
                  if re.match(r"^static int user_mem_abort\(", x)), None)
    if start is None:
        return [], "no user_mem_abort() in the file"
    end = next((i for i in range(start + 1, len(lines)) if lines[i] == "}"), None)
    if end is None:
        return [], "user_mem_abort() has no end"
    unlock = next((i for i in range(start, end)
                   if lines[i] == "\tmmap_read_unlock(current->mm);"), None)
    if unlock is None:
        return [], "user_mem_abort() drops no mmap_lock at its top level"
    bad = []
    for i in range(unlock + 1, end):
        code = re.sub(r"/\*.*?\*/|//.*$", "", lines[i])
        if code.lstrip().startswith(("*", "/*")):
            continue        # a comment's own lines
        if re.search(r"\bvma\b", code):
            bad.append((i + 1, lines[i].strip()))
    return bad, None


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    try:
        text = open(argv[0], errors="replace").read()
    except OSError as e:
        print(f"error: {argv[0]}: {e.strerror}")
        return 2
    bad, error = check(text)
    if error:
        print(f"error: {argv[0]}: {error}")
        return 2
    for n, line in bad:
        print(f"mmu.c:{n}: {line}")
    if bad:
        return 1
    print("ok: user_mem_abort() names no vma after its mmap_read_unlock()")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
