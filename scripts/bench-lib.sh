# bench-lib.sh - sourced by the bench guest scripts (bench-guest.sh,
# bench-scsi-guest.sh, bench-virtio-guest.sh): fio runs, the warm-up and
# the alternating rounds, the summary table.  Each script defines
#   bench_stock / bench_ours   print the disk (name under /dev) to measure
#                              next; may move a device between drivers
# and calls bench_rounds per mode, then bench_report.
# Environment: BENCH_ROUNDS, BENCH_RUNTIME, BENCH_FIO_OPTS (fio options
# added to every job).
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=${BENCH_ROUNDS:-5}
runtime=${BENCH_RUNTIME:-5}
jobs=$(nproc)
res=/tmp/bench.txt
# the I/O every benchmark does (scripts/profile-guest.sh too)
fio_job=(--direct=1 --ioengine=io_uring --rw=randread --bs=4k --iodepth=32)
: > $res

# iops <dev> [extra fio args]: read IOPS of one fio run (terse field 8).
# One job per vCPU, each pinned to its own CPU (otherwise the scheduler
# sometimes stacks both jobs on one vCPU and a run measures placement, not
# the driver).
iops() {
	local dev=$1; shift
	fio --name=b --filename="/dev/$dev" "${fio_job[@]}" --numjobs="$jobs" \
		--runtime="$runtime" --ramp_time=1 --time_based --group_reporting \
		--cpus_allowed=0-$((jobs - 1)) --cpus_allowed_policy=split \
		--output-format=terse ${BENCH_FIO_OPTS:-} "$@" 2>/dev/null | awk -F';' '{ print $8 }'
}

# bench_note <label> <what>: a line of the table that is not a result
bench_note() { echo "$1 $2" >> $res; }

# bench_rounds <label> <fio extra>: a warm-up run of each side (TCG
# translates freshly loaded code on its first runs), then $rounds rounds
# alternating which side goes first, so drift does not favour one.
bench_rounds() {
	local label=$1 extra=$2 r a b d
	d=$(bench_stock) || { bench_note "$label" stock-failed; return 1; }
	iops "$d" $extra --runtime=2 >/dev/null
	d=$(bench_ours) || { bench_note "$label" ours-failed; return 1; }
	iops "$d" $extra --runtime=2 >/dev/null
	for r in $(seq 1 "$rounds"); do
		a=0 b=0
		if [ $((r % 2)) = 1 ]; then
			d=$(bench_stock) && a=$(iops "$d" $extra)
			d=$(bench_ours) && b=$(iops "$d" $extra)
		else
			d=$(bench_ours) && b=$(iops "$d" $extra)
			d=$(bench_stock) && a=$(iops "$d" $extra)
		fi
		echo "$label $r ${a:-0} ${b:-0}" >> $res
		# For a host script watching the log (scripts/demo).
		echo "MQ-PROGRESS $label round $r/$rounds: ${a:-0} vs ${b:-0} IOPS"
	done
}

# bench_report <title> <stock column> <our column>: the summary table
# between BENCH and END-BENCH (the host script cuts it out of the log).
bench_report() {
	local wk=13 wb=${#3}
	[ "$wb" -lt 12 ] && wb=12
	echo BENCH
	echo "fio io_uring randread 4k QD32 x $jobs jobs, ${runtime}s, $rounds rounds, $(nproc) vCPUs${1:+, $1}"
	echo "fio options: ${BENCH_FIO_OPTS:-none}; clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	[ -n "${BENCH_ICOUNT:-}" ] && echo "icount shift=$BENCH_ICOUNT: rates are per instruction executed, not per second"
	printf "%-${wk}s %12s %${wb}s %7s   %s\n" mode "$2" "$3" ratio "per-round ratios"
	awk -v wk=$wk -v wb="$wb" -f "$TOP/scripts/bench-median.awk" $res
	echo END-BENCH
}
