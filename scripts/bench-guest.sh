#!/bin/bash
# Runs inside the VM for scripts/bench.  One fio job per vCPU, each pinned
# to its own CPU (otherwise the scheduler sometimes stacks both jobs on one
# vCPU and a run measures placement, not the driver), after a warm-up run
# of each driver, with the two drivers alternating round by round.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
rounds=${BENCH_ROUNDS:-5}
runtime=${BENCH_RUNTIME:-5}
jobs=$(nproc)
res=/tmp/bench.txt
: > $res

# iops <dev> [extra fio args]: read IOPS of one fio run (terse field 8).
iops() {
	local dev=$1; shift
	fio --name=b --filename="/dev/$dev" --direct=1 --ioengine=io_uring \
		--rw=randread --bs=4k --iodepth=32 --numjobs="$jobs" \
		--runtime="$runtime" --ramp_time=1 --time_based --group_reporting \
		--cpus_allowed=0-$((jobs - 1)) --cpus_allowed_policy=split \
		--output-format=terse ${BENCH_FIO_OPTS:-} "$@" 2>/dev/null | awk -F';' '{ print $8 }'
}

load() { # load <params...>: both drivers with the same parameters
	modprobe null_blk queue_mode=2 nr_devices=1 gb=16 "$@" || return 1
	if [ "${BENCH_MODPROBE:-0}" = 1 ]; then
		# the installed (DKMS) modules; mq_core comes in as a dependency
		modprobe mq_nullblk nr_devices=1 gb=16 "$@" || return 1
	else
		lsmod | grep -q '^mq_core ' || insmod "$TOP/mq_core/mq_core.ko" || return 1
		insmod "$TOP/mq_nullblk/mq_nullblk.ko" nr_devices=1 gb=16 "$@" || return 1
	fi
	udevadm settle 2>/dev/null || sleep 1
}
unload() { rmmod null_blk mq_nullblk 2>/dev/null; }

run_mode() { # run_mode <label> <fio extra> -- <module params>
	local label=$1 extra=$2; shift 3
	load "$@" || { echo "$label load-failed" >> $res; unload; return; }
	local r a b
	# warm-up: TCG translates freshly loaded code on its first runs
	iops nullb0 $extra --runtime=2 >/dev/null
	iops mqnullb0 $extra --runtime=2 >/dev/null
	for r in $(seq 1 "$rounds"); do
		# alternate who goes first, so drift does not favour one side
		if [ $((r % 2)) = 1 ]; then
			a=$(iops nullb0 $extra); b=$(iops mqnullb0 $extra)
		else
			b=$(iops mqnullb0 $extra); a=$(iops nullb0 $extra)
		fi
		echo "$label $r $a $b" >> $res
	done
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

echo BENCH
echo "fio io_uring randread 4k QD32 x $jobs jobs, ${runtime}s, $rounds rounds, $(nproc) vCPUs"
echo "fio options: ${BENCH_FIO_OPTS:-none}; clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
printf "%-10s %12s %12s %7s   %s\n" mode null_blk mq_nullblk ratio "per-round ratios"
awk -v wk=10 -v wb=12 -f "$TOP/scripts/bench-median.awk" $res
echo END-BENCH
