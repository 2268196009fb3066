#!/bin/bash
# Runs inside the VM for scripts/bench-scsi: stock scsi_debug and
# mq_scsi_debug loaded side by side with the same parameters; fio runs,
# warm-up and alternating rounds as in scripts/bench-lib.sh.
set -uo pipefail
. "$(dirname "$0")/bench-lib.sh"
bench_stock() { echo "$stock"; }
bench_ours() { echo mqsda; }

stock=""
load() { # load <params...>: both LLDs with the same parameters
	modprobe sd_mod || return 1
	modprobe scsi_debug "$@" || return 1
	[ -d /sys/module/mq_core ] || insmod "$TOP/mq_core/mq_core.ko" || return 1
	[ -d /sys/module/mq_scsi ] || insmod "$TOP/mq_scsi/mq_scsi.ko" || return 1
	insmod "$TOP/mq_scsi/mq_scsi_debug.ko" "$@" || return 1
	udevadm settle 2>/dev/null || sleep 1
	stock=$(basename "$(ls -d /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:0/block/* | head -1)")
	[ -n "$stock" ] && [ -b /dev/mqsda ]
}
unload() { rmmod scsi_debug mq_scsi_debug 2>/dev/null; }

run_mode() { # run_mode <label> <module params...>
	local label=$1; shift
	load "$@" || { bench_note "$label" load-failed; unload; return; }
	bench_rounds "$label" ""
	unload
}

q="dev_size_mb=128 submit_queues=$jobs max_queue=128"
for m in ${BENCH_MODES:-inline hrtimer}; do
	case $m in
	inline) run_mode "delay=0" $q delay=0 ;;
	hrtimer) run_mode "ndelay=20000" $q ndelay=20000 ;;
	esac
done

bench_report "" scsi_debug mq_scsi_debug
