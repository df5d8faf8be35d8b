# Two commands do everything (as root, on Debian 12):
#   make         install what is missing, prepare the base tree, apply the
#                series, build, boot QEMU and show the guest-observed table
#   make check   every gate; ends with "N passed, N failed[, N skipped]"
# Helpers for working on the series:
#   make tree    editable kernel tree in build/linux (base + one commit per
#                patch; FORCE=1 discards commits that were not exported)
#   make export  write the tree's series back to patches/
#   make series  a send-ready copy in build/series/, signed by you (your git
#                identity), with To:/Cc: from get_maintainer.pl, checked
#                with git am and b4
#   make matrix  what make check cannot fit in CI's time: the debug kernel
#                and the soak, 16K/64K pages, Debian's config, clang,
#                the remaining KVM modes
#   make bench   the stage-2 fault path and write throughput, measured
#   make compare the same tests on upstream's merged implementation
#                (Debian's linux-source-6.12): the three-way table (also
#                gate 78 of make check)
SHELL := /bin/bash

.PHONY: all check matrix bench compare deps tree export series clean help
all:
	@bash scripts/main.sh
check:
	@bash scripts/deps.sh && bash scripts/check.sh check
matrix:
	@bash scripts/deps.sh matrix && bash scripts/check.sh matrix
bench:
	@bash scripts/deps.sh && bash scripts/bench.sh
compare:
	@bash scripts/deps.sh && bash scripts/compare.sh
deps:
	@bash scripts/deps.sh
tree: deps
	@FORCE=$(FORCE) bash scripts/tree.sh
export:
	@bash scripts/export.sh
series: deps
	@bash scripts/series.sh
clean:
	rm -rf build/k build/logs build/guest
help:
	@sed -n '1,18p' Makefile
