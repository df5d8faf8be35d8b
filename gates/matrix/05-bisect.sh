#!/usr/bin/env bash
# Every commit of the series builds a whole kernel, Image and modules
# (gate 40 with BISECT=full); make check's gate 40 builds the directories
# the series changes and the modules at the commits in between.
BISECT=full exec bash "$(dirname "$0")/../40-bisect.sh"
