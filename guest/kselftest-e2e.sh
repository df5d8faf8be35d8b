#!/bin/sh
# kselftest-e2e VFIO_BDF SYSFS_BDF: run the series' selftest the way
# kselftest users do, through run_kselftest.sh of the kvm target's install
# in /kselftest; the runner hands a test its arguments from
# KSELFTEST_<TEST>_ARGS. No timeout of the runner's own: busybox's timeout
# lacks the --foreground it asks for; plan-init's timeout bounds the run.
[ $# = 2 ] || { echo "usage: kselftest-e2e VFIO_BDF SYSFS_BDF" >&2; exit 2; }
# The runner writes the test's output to /dev/stdout, which devtmpfs lacks.
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
export KSELFTEST_VFIO_BAR_MEMATTR_ARGS="-v $1 -s $2 -b 2"
exec /kselftest/run_kselftest.sh -t kvm:vfio_bar_memattr
