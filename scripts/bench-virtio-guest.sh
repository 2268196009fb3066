#!/bin/bash
# Runs inside the VM for scripts/bench-virtio: one virtio-blk device,
# moved between the stock virtio_blk and mq_virtio_blk with unbind/bind;
# one fio job per vCPU, pinned; a warm-up run per driver, then rounds
# alternating which driver goes first.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
rounds=${BENCH_ROUNDS:-5}
runtime=${BENCH_RUNTIME:-5}
jobs=$(nproc)
res=/tmp/bench.txt
: > $res
STOCK=/sys/bus/virtio/drivers/virtio_blk
OURS=/sys/bus/virtio/drivers/mq_virtio_blk

iops() { # iops <dev> [extra fio args]: read IOPS of one fio run
	local dev=$1; shift
	fio --name=b --filename="/dev/$dev" --direct=1 --ioengine=io_uring \
		--rw=randread --bs=4k --iodepth=32 --numjobs="$jobs" \
		--runtime="$runtime" --ramp_time=1 --time_based --group_reporting \
		--cpus_allowed=0-$((jobs - 1)) --cpus_allowed_policy=split \
		--output-format=terse "$@" 2>/dev/null | awk -F';' '{ print $8 }'
}

vdev=
on() { # on stock|ours: move the device there, print its disk name
	local from=$OURS to=$STOCK i
	[ "$1" = ours ] && { from=$STOCK; to=$OURS; }
	[ -e "$from/$vdev" ] && echo "$vdev" > "$from/unbind"
	[ -e "$to/$vdev" ] || echo "$vdev" > "$to/bind"
	for i in $(seq 100); do
		ls "/sys/bus/virtio/devices/$vdev/block" 2>/dev/null | head -1 | grep . && return 0
		sleep 0.1
	done
	return 1
}

load() { # load <poll queues>
	modprobe virtio_blk poll_queues="$1" || return 1
	lsmod | grep -q '^mq_core ' || insmod "$TOP/mq_core/mq_core.ko" || return 1
	insmod "$TOP/mq_virtio/mq_virtio_blk.ko" poll_queues="$1" || return 1
	vdev=$(ls $STOCK | grep '^virtio' | head -1)
	[ -n "$vdev" ]
}
unload() { rmmod mq_virtio_blk virtio_blk 2>/dev/null; }

run_mode() { # run_mode <label> <poll queues> <fio extra>
	local label=$1 pq=$2 extra=$3 r a b s m
	load "$pq" || { echo "$label load-failed" >> $res; unload; return; }
	s=$(on stock) && m=$(on ours) || { echo "$label bind-failed" >> $res; unload; return; }
	echo "$label: stock disk $s, ours $m" >&2
	s=$(on stock); iops "$s" $extra --runtime=2 >/dev/null
	m=$(on ours); iops "$m" $extra --runtime=2 >/dev/null
	for r in $(seq 1 "$rounds"); do
		if [ $((r % 2)) = 1 ]; then
			s=$(on stock); a=$(iops "$s" $extra)
			m=$(on ours); b=$(iops "$m" $extra)
		else
			m=$(on ours); b=$(iops "$m" $extra)
			s=$(on stock); a=$(iops "$s" $extra)
		fi
		echo "$label $r $a $b" >> $res
	done
	unload
}

for m in ${BENCH_MODES:-irq polled}; do
	case $m in
	irq) run_mode irq 0 "" ;;
	polled) run_mode polled "$jobs" "--hipri=1" ;;
	esac
done

echo BENCH
echo "fio io_uring randread 4k QD32 x $jobs jobs, ${runtime}s, $rounds rounds, $(nproc) vCPUs, one virtio-blk-pci device"
printf "%-10s %12s %14s %7s   %s\n" mode virtio_blk mq_virtio_blk ratio "per-round ratios"
awk -v wk=10 -v wb=14 -f "$TOP/scripts/bench-median.awk" $res
echo END-BENCH
