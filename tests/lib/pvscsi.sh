#!/bin/bash
# Helpers of the pvscsi tests (sourced after common.sh).  The VM has two
# QEMU pvscsi controllers: 00:10.0 (targets 0..2, one LUN each) for
# mq_pvscsi and 00:11.0 (target 0) for the stock vmw_pvscsi.
PV_OURS=0000:00:10.0
PV_STOCK=0000:00:11.0
PCI=/sys/bus/pci/devices

# pv_bind <bdf> <driver>: the device leaves whatever driver has it and is
# bound to <driver> (driver_override + drivers_probe).
pv_bind() {
	echo "$2" > "$PCI/$1/driver_override" || return 1
	[ -e "$PCI/$1/driver" ] && echo "$1" > "$PCI/$1/driver/unbind"
	echo "$1" > /sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink -f "$PCI/$1/driver")")" = "$2" ]
}

# pv_unbind <bdf>
pv_unbind() {
	[ -e "$PCI/$1/driver" ] || return 0
	echo "$1" > "$PCI/$1/driver/unbind"
}

# pv_load: mq_core, mq_scsi and mq_pvscsi, bound to $PV_OURS; PV_HOST is
# our host (mqhostN) and A B C the disks of targets 0 1 2.
pv_load() {
	mq_load_core || return 1
	[ -d /sys/module/mq_scsi ] || insmod "$TOP/mq_scsi/mq_scsi.ko" || return 1
	[ -d /sys/module/mq_pvscsi ] ||
		insmod "$TOP/mq_scsi/pvscsi/mq_pvscsi.ko" || return 1
	pv_bind "$PV_OURS" mq_pvscsi || return 1
	pv_disks
}

pv_have_disks() {
	A=$(lun_disk 0 0) && B=$(lun_disk 1 0) && C=$(lun_disk 2 0)
}

# pv_disks: wait (30 s) for the three disks, set A B C and PV_HOST.
pv_disks() {
	t_wait 30 pv_have_disks || return 1
	udevadm settle 2>/dev/null
	local h
	PV_HOST=
	for h in /sys/class/mq_scsi_host/*; do
		[ "$(basename "$(readlink -f "$h/device")")" = "$PV_OURS" ] &&
			PV_HOST=$(basename "$h")
	done
	[ -n "$PV_HOST" ]
}

# stock_disk: the sd disk of the stock vmw_pvscsi controller.
stock_disk() {
	local h
	for h in $PCI/$PV_STOCK/host*/target*/*/block/*; do
		[ -e "$h" ] && { basename "$h"; return 0; }
	done
	return 1
}

pv_unload() {
	pv_unbind "$PV_OURS"
	rmmod mq_pvscsi 2>/dev/null
	rmmod mq_scsi 2>/dev/null
	rmmod mq_core 2>/dev/null
	return 0
}
