#!/bin/bash
# Runs inside the VM for scripts/profile: both drivers loaded as for
# scripts/bench (bench-nullb.sh; one job, so one submit queue), the
# guest's /proc/kallsyms saved for the report, then a fixed number of fio
# I/Os on one of them.  Environment: PROF_DRIVER (stock|ours), PROF_MODE
# (irq0|irq1|irq2|polled), PROF_IOS (I/Os for fio to do), BENCH_FIO_OPTS.
set -uo pipefail
. "$(dirname "$0")/bench-lib.sh"
. "$(dirname "$0")/bench-nullb.sh"
nullb_mode "$PROF_MODE" || exit 2
# shellcheck disable=SC2086 # mode_params is a word list
nullb_load $mode_params || exit 1
dev=mqnullb0
[ "$PROF_DRIVER" = stock ] && dev=nullb0
cat /proc/kallsyms > /mnt/host-out/kallsyms || exit 1
# shellcheck disable=SC2086 # option lists
fio --name=p --filename="/dev/$dev" "${fio_job[@]}" --size=1g \
	--number_ios="$PROF_IOS" ${BENCH_FIO_OPTS:-} $mode_fio \
	--output-format=terse | awk -F';' '{ print "PROFILE-IOS", $6 / 4 }'
