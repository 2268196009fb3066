#!/bin/bash
# mq_virtio_blk and PCI hot-unplug from the QEMU monitor: device_del while
# fio runs removes the disk, fio fails its I/O and ends (no hang, no
# splat); device_add brings the device back, our driver binds it and the
# disk works.  Twice.
# The device sits in a PCIe root port on q35, hot-plugged through ACPI
# (acpiphp, QEMU's default for q35 root ports): the removal reaches the
# guest at once.  Native pciehp also works, but 6.1's pciehp raises a
# lockdep report of its own on every removal (reset_lock re-taken under
# pci_rescan_remove_lock in pciehp_unconfigure_device), which would fail
# the test on the debug kernel and turn lockdep off for the rest of it.
# vm: --machine q35 --qemu-arg -device --qemu-arg pcie-root-port,id=rp0,chassis=1,slot=1 --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,bus=rp0,drive=d0,num-queues=2
# vm-host: tests/lib/vm-host.sh --disk d0=64M
. "$(dirname "$0")/lib/common.sh"

disk_is() { # disk_is present|absent (sets d)
	d=$(mqvb_disks | head -1)
	if [ "$1" = present ]; then [ -n "$d" ]; else [ -z "$d" ]; fi
}
wait_disk() { t_wait 60 disk_is "$1"; } # wait_disk present|absent

mq_load_virtio_blk || { t_fail "load"; t_done; }
wait_disk present || { t_fail "no mqvd disk"; t_done; }
t_check "fio verify before" fio_verify /dev/$d --size=16M
for round in 1 2; do
	fio_bg --name=busy --filename=/dev/$d --direct=1 --ioengine=io_uring \
		--rw=randrw --bs=16k --iodepth=32 --numjobs=2 --time_based \
		--runtime=90
	sleep 3
	t_check "round $round: monitor device_del vb0 under fio" vm_hmp "device_del vb0"
	t_check "round $round: disk removed" wait_disk absent
	t_check "round $round: fio ended (no hang)" fio_bg_ends 30
	t_log "fio exit status ${FIO_BG_RC:-running} (errors expected)"
	t_check "round $round: no virtio block device left" \
		sh -c "! ls /sys/bus/virtio/drivers/mq_virtio_blk | grep -q virtio"
	t_check "round $round: QEMU deleted vb0 (guest ejected it)" vm_device_gone vb0
	t_check "round $round: monitor device_add" \
		vm_hmp "device_add virtio-blk-pci,id=vb0,bus=rp0,drive=d0,num-queues=2"
	t_check "round $round: disk back" wait_disk present
	t_check "round $round: verify on the returned disk" \
		fio_verify /dev/$d --size=16M
done
t_check "queued == completed, nothing busy" mq_check_balanced "$d"
t_check "rmmod" rmmod mq_virtio_blk
t_done
