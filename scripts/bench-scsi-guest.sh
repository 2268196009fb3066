#!/bin/bash
# Runs inside the VM for scripts/bench-scsi: stock scsi_debug and
# mq_scsi_debug loaded side by side with the same parameters, one fio
# io_uring randread job per vCPU (pinned), warm-up, then the two disks
# alternating round by round.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
rounds=${BENCH_ROUNDS:-5}
runtime=${BENCH_RUNTIME:-5}
jobs=$(nproc)
res=/tmp/bench.txt
: > $res

iops() { # iops <dev>: read IOPS of one fio run (terse field 8)
	fio --name=b --filename="/dev/$1" --direct=1 --ioengine=io_uring \
		--rw=randread --bs=4k --iodepth=32 --numjobs="$jobs" \
		--runtime="$runtime" --ramp_time=1 --time_based --group_reporting \
		--cpus_allowed=0-$((jobs - 1)) --cpus_allowed_policy=split \
		--output-format=terse 2>/dev/null | awk -F';' '{ print $8 }'
}

stock=""
load() { # load <params...>: both LLDs with the same parameters
	modprobe sd_mod || return 1
	modprobe scsi_debug "$@" || return 1
	lsmod | grep -q '^mq_core ' || insmod "$TOP/mq_core/mq_core.ko" || return 1
	lsmod | grep -q '^mq_scsi ' || insmod "$TOP/mq_scsi/mq_scsi.ko" || return 1
	insmod "$TOP/mq_scsi/mq_scsi_debug.ko" "$@" || return 1
	udevadm settle 2>/dev/null || sleep 1
	stock=$(basename "$(ls -d /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:0/block/* | head -1)")
	[ -n "$stock" ] && [ -b /dev/mqsda ]
}
unload() { rmmod scsi_debug mq_scsi_debug 2>/dev/null; }

run_mode() { # run_mode <label> <module params...>
	local label=$1; shift
	load "$@" || { echo "$label load-failed" >> $res; unload; return; }
	local r a b
	iops "$stock" --runtime=2 >/dev/null
	iops mqsda --runtime=2 >/dev/null
	for r in $(seq 1 "$rounds"); do
		if [ $((r % 2)) = 1 ]; then
			a=$(iops "$stock"); b=$(iops mqsda)
		else
			b=$(iops mqsda); a=$(iops "$stock")
		fi
		echo "$label $r $a $b" >> $res
	done
	unload
}

q="dev_size_mb=128 submit_queues=$jobs max_queue=128"
for m in ${BENCH_MODES:-inline hrtimer}; do
	case $m in
	inline) run_mode "delay=0" $q delay=0 ;;
	hrtimer) run_mode "ndelay=20000" $q ndelay=20000 ;;
	esac
done

echo BENCH
echo "fio io_uring randread 4k QD32 x $jobs jobs, ${runtime}s, $rounds rounds, $(nproc) vCPUs"
printf "%-13s %12s %14s %7s   %s\n" mode scsi_debug mq_scsi_debug ratio "per-round ratios"
awk -v wk=13 -v wb=14 -f "$TOP/scripts/bench-median.awk" $res
echo END-BENCH
