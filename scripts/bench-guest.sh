#!/bin/bash
# Runs inside the VM for scripts/bench: stock null_blk and mq_nullblk
# loaded side by side with the same parameters; fio runs, warm-up and
# alternating rounds as in scripts/bench-lib.sh.
set -uo pipefail
. "$(dirname "$0")/bench-lib.sh"
bench_stock() { echo nullb0; }
bench_ours() { echo mqnullb0; }

load() { # load <params...>: both drivers with the same parameters
	modprobe null_blk queue_mode=2 nr_devices=1 gb=16 "$@" || return 1
	if [ "${BENCH_MODPROBE:-0}" = 1 ]; then
		# the installed (DKMS) modules; mq_core comes in as a dependency
		modprobe mq_nullblk nr_devices=1 gb=16 "$@" || return 1
	else
		[ -d /sys/module/mq_core ] || insmod "$TOP/mq_core/mq_core.ko" || return 1
		insmod "$TOP/mq_nullblk/mq_nullblk.ko" nr_devices=1 gb=16 "$@" || return 1
	fi
	udevadm settle 2>/dev/null || sleep 1
}
unload() { rmmod null_blk mq_nullblk 2>/dev/null; }

run_mode() { # run_mode <label> <fio extra> -- <module params>
	local label=$1 extra=$2; shift 3
	load "$@" || { bench_note "$label" load-failed; unload; return; }
	bench_rounds "$label" "$extra"
	unload
}

q="submit_queues=$jobs"
for m in ${BENCH_MODES:-irq0 irq1 irq2 polled}; do
	case $m in
	irq0) run_mode "irqmode=0" "" -- $q irqmode=0 ;;
	irq1) run_mode "irqmode=1" "" -- $q irqmode=1 ;;
	irq2) run_mode "irqmode=2" "" -- $q irqmode=2 completion_nsec=10000 ;;
	polled) run_mode "polled" "--hipri=1" -- $q poll_queues=$jobs irqmode=0 ;;
	esac
done

bench_report "" null_blk mq_nullblk
