#!/bin/bash
# Runs inside the VM for scripts/bench-pvscsi: the pvscsi controller at
# 00:10.0 bound to the stock vmw_pvscsi, the one at 00:11.0 to mq_pvscsi
# (driver_override); the same fio job on each disk, rounds as in
# scripts/bench-lib.sh.
set -uo pipefail
. "$(dirname "$0")/bench-lib.sh"
# pv_bind, stock_disk: the pvscsi tests' helpers, with the bench's layout.
. "$(dirname "$0")/../tests/lib/pvscsi.sh"
PV_STOCK=0000:00:10.0 PV_OURS=0000:00:11.0

ours_disk() {
	local l
	for l in /sys/block/mqsd*; do
		[ -e "$l" ] && { basename "$l"; return 0; }
	done
	return 1
}
bench_stock() { stock_disk; }
bench_ours() { ours_disk; }

load() {
	modprobe sd_mod || return 1
	[ -d /sys/module/mq_core ] || insmod "$TOP/mq_core/mq_core.ko" || return 1
	[ -d /sys/module/mq_scsi ] || insmod "$TOP/mq_scsi/mq_scsi.ko" || return 1
	insmod "$TOP/mq_scsi/pvscsi/mq_pvscsi.ko" || return 1
	modprobe vmw_pvscsi || return 1
	pv_bind "$PV_OURS" mq_pvscsi || return 1
	pv_bind "$PV_STOCK" vmw_pvscsi || return 1
	local i
	for i in $(seq 100); do
		stock_disk >/dev/null && ours_disk >/dev/null && break
		sleep 0.3
	done
	udevadm settle 2>/dev/null
	stock_disk >/dev/null && ours_disk >/dev/null
}

if load; then
	# the same I/O scheduler choice as ours (none)
	echo none > /sys/block/"$(stock_disk)"/queue/scheduler 2>/dev/null
	bench_rounds "pvscsi" ""
else
	bench_note pvscsi load-failed
fi
bench_report "QEMU pvscsi, one scsi-hd on /dev/shm" vmw_pvscsi mq_pvscsi
