#!/bin/bash
# mq_virtio_scsi removal with I/O in flight: unbind the virtio-scsi device
# while fio runs on two LUNs (disks go, fio ends, no hang, no splat), bind
# again (disks back, verify; MQ_VIRTIO_UNBIND_N rounds, default 2, and
# MQ_VIRTIO_UNBIND_PAUSE as in virtio_blk_bind); then QEMU device_del of
# the whole controller under fio and device_add back.
# The controller sits in a PCIe root port, hot-plugged through ACPI (as in
# virtio_blk_unplug).
# vm: --machine q35 --qemu-arg -device --qemu-arg pcie-root-port,id=rp0,chassis=1,slot=1 --qemu-arg -device --qemu-arg virtio-scsi-pci,id=vs0,bus=rp0,num_queues=2 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s0,scsi-id=0,lun=0 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s1,scsi-id=0,lun=1
# vm-host: tests/lib/vm-host.sh --disk s0=64M --disk s1=64M
. "$(dirname "$0")/lib/common.sh"

OURS=/sys/bus/virtio/drivers/mq_virtio_scsi
ndisks() { ls /sys/block | grep -c '^mqsd'; }
has_n() { [ "$(ndisks)" = "$1" ]; }
wait_n() { t_wait 60 has_n "$1"; } # wait_n <count>
busy() {
	local a b
	a=$(ls /sys/block | grep '^mqsd' | sed -n 1p)
	b=$(ls /sys/block | grep '^mqsd' | sed -n 2p)
	fio_bg --direct=1 --ioengine=io_uring --rw=randrw --bs=16k --iodepth=32 \
		--time_based --runtime=60 \
		--name=a --filename=/dev/$a --name=b --filename=/dev/$b
}

{ mq_load_core && { lsmod | grep -q '^mq_scsi ' || insmod "$TOP/mq_scsi/mq_scsi.ko"; } &&
	insmod "$TOP/mq_virtio/mq_virtio_scsi.ko" max_targets=2; } ||
	{ t_fail "load"; t_done; }
t_check "two disks" wait_n 2
v=$(ls $OURS | grep '^virtio' | head -1)
for round in $(seq 1 "${MQ_VIRTIO_UNBIND_N:-2}"); do
	busy
	sleep "${MQ_VIRTIO_UNBIND_PAUSE:-3}"
	t_check "round $round: unbind $v under fio" sh -c "echo $v > $OURS/unbind"
	t_check "round $round: disks gone" wait_n 0
	t_check "round $round: fio ended (no hang)" fio_bg_ends 30
	t_check "round $round: bind again" sh -c "echo $v > $OURS/bind"
	t_check "round $round: two disks back" wait_n 2
	d=$(ls /sys/block | grep '^mqsd' | head -1)
	t_check "round $round: verify on $d" fio_verify /dev/$d --size=16M
done
busy
sleep 3
t_check "monitor: device_del vs0 under fio" vm_hmp "device_del vs0"
t_check "disks gone" wait_n 0
t_check "fio ended (no hang)" fio_bg_ends 30
t_check "QEMU deleted vs0 (guest ejected it)" vm_device_gone vs0
readd() {
	vm_hmp "device_add virtio-scsi-pci,id=vs0,bus=rp0,num_queues=2" &&
		vm_hmp "device_add scsi-hd,bus=vs0.0,drive=s0,scsi-id=0,lun=0" &&
		vm_hmp "device_add scsi-hd,bus=vs0.0,drive=s1,scsi-id=0,lun=1"
}
t_check "monitor: device_add the controller and both LUNs" readd
t_check "two disks back (probe + hotplug events)" wait_n 2
d=$(ls /sys/block | grep '^mqsd' | head -1)
[ -n "$d" ] && t_check "verify on $d" fio_verify /dev/$d --size=16M
t_check "rmmod mq_virtio_scsi" rmmod mq_virtio_scsi
t_done
