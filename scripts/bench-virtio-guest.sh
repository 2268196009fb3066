#!/bin/bash
# Runs inside the VM for scripts/bench-virtio: one virtio device
# (BENCH_DEVICE=blk: virtio-blk-pci, stock virtio_blk vs mq_virtio_blk;
# scsi: virtio-scsi-pci with one scsi-hd LUN, stock virtio_scsi + sd vs
# mq_virtio_scsi + mq_scsi), moved between the two drivers with
# unbind/bind; rounds as in scripts/bench-lib.sh.
set -uo pipefail
. "$(dirname "$0")/bench-lib.sh"
dev=${BENCH_DEVICE:-blk}
case $dev in
blk) stock_drv=virtio_blk ours_drv=mq_virtio_blk ;;
scsi) stock_drv=virtio_scsi ours_drv=mq_virtio_scsi ;;
*) echo "bench-virtio-guest: BENCH_DEVICE blk|scsi" >&2; exit 2 ;;
esac
STOCK=/sys/bus/virtio/drivers/$stock_drv
OURS=/sys/bus/virtio/drivers/$ours_drv

vdev=
disk_of() { # disk_of stock|ours: the device's disk under that driver
	case $dev:$1 in
	blk:*) ls "/sys/bus/virtio/devices/$vdev/block" 2>/dev/null ;;
	# the only SCSI disks of the guest: stock sd's sdX, mq_scsi's mqsdX
	scsi:stock) ls /sys/block | grep '^sd' ;;
	scsi:ours) ls /sys/block | grep '^mqsd' ;;
	esac | head -1
}

on() { # on stock|ours: move the device there, print its disk name
	local from=$OURS to=$STOCK i d
	[ "$1" = ours ] && { from=$STOCK; to=$OURS; }
	[ -e "$from/$vdev" ] && echo "$vdev" > "$from/unbind"
	[ -e "$to/$vdev" ] || echo "$vdev" > "$to/bind"
	for i in $(seq 300); do
		d=$(disk_of "$1")
		if [ -n "$d" ]; then
			# both sides without an I/O scheduler (blk-mq's default
			# for a multi-queue device; ours have none)
			[ -w "/sys/block/$d/queue/scheduler" ] &&
				echo none > "/sys/block/$d/queue/scheduler" 2>/dev/null
			echo "$d"
			return 0
		fi
		sleep 0.1
	done
	return 1
}
bench_stock() { on stock; }
bench_ours() { on ours; }

load() { # load <poll queues>: the stock driver takes the device first
	[ -d /sys/module/mq_core ] || insmod "$TOP/mq_core/mq_core.ko" || return 1
	case $dev in
	blk)
		modprobe virtio_blk poll_queues="$1" || return 1
		insmod "$TOP/mq_virtio/mq_virtio_blk.ko" poll_queues="$1" || return 1 ;;
	scsi)
		modprobe sd_mod && modprobe virtio_scsi || return 1
		[ -d /sys/module/mq_scsi ] || insmod "$TOP/mq_scsi/mq_scsi.ko" || return 1
		insmod "$TOP/mq_virtio/mq_virtio_scsi.ko" || return 1 ;;
	esac
	vdev=$(ls $STOCK | grep '^virtio' | head -1)
	[ -n "$vdev" ]
}
unload() { rmmod $ours_drv $stock_drv 2>/dev/null; }

run_mode() { # run_mode <label> <poll queues> <fio extra>
	local label=$1 pq=$2 extra=$3 s m
	load "$pq" || { bench_note "$label" load-failed; unload; return; }
	s=$(on stock) && m=$(on ours) || { bench_note "$label" bind-failed; unload; return; }
	echo "$label: $vdev, stock disk $s, ours $m" >&2
	bench_rounds "$label" "$extra"
	unload
}

for m in ${BENCH_MODES:-irq polled}; do
	case $dev:$m in
	*:irq) run_mode irq 0 "" ;;
	blk:polled) run_mode polled "$jobs" "--hipri=1" ;;
	*) bench_note "$m" "not-supported-on-$dev" ;;
	esac
done

case $dev in
blk) bench_report "one virtio-blk-pci device" virtio_blk mq_virtio_blk ;;
scsi) bench_report "one virtio-scsi-pci device, one scsi-hd LUN" virtio_scsi mq_virtio_scsi ;;
esac
