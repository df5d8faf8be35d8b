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
	@bash harness/main.sh
check:
	@bash harness/source/deps.sh && bash harness/check.sh check
# matrix, bench and compare build the series' kernels: like make (main.sh),
# they first bring build/linux to patches/ (a fresh clone has no tree).
matrix:
	@bash harness/source/deps.sh matrix && bash harness/source/tree.sh && bash harness/check.sh matrix
bench:
	@bash harness/source/deps.sh && bash harness/source/tree.sh && bash harness/bench.sh
compare:
	@bash harness/source/deps.sh && bash harness/source/tree.sh && bash harness/compare.sh
deps:
	@bash harness/source/deps.sh
tree: deps
	@FORCE=$(FORCE) bash harness/source/tree.sh
export:
	@bash harness/source/export.sh
series: deps
	@bash harness/source/series.sh
clean:
	rm -rf build/k build/logs build/guest
help:
	@sed -n '1,18p' Makefile
