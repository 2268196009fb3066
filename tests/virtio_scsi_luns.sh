#!/bin/bash
# mq_virtio_scsi LUN numbers as the device reports them: QEMU reports LUNs
# from 256 up in flat space format (0x40 | high byte), which REPORT LUNS
# turns into 0x4000 + n, as in the kernel's scsilun_to_int().  A LUN 300
# is found by the scan (0:0:0:16684), its I/O reaches that LUN's backing
# file (no alias of another LUN), a LUN 1000 hot-added later appears
# through the event queue, and hot-removing them removes their disks (the
# event's LUN is decoded the same way).
# vm: --qemu-arg -device --qemu-arg virtio-scsi-pci,id=vs0,num_queues=1 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s0,scsi-id=0,lun=0,id=hd0 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s1,scsi-id=0,lun=300,id=hd1
# vm-host: tests/lib/vm-host.sh --disk s0=16M --disk s1=16M --disk s2=16M
. "$(dirname "$0")/lib/common.sh"

has_lun() { lun_disk 0 "$1" > /dev/null; }
no_lun() { ! lun_disk 0 "$1" > /dev/null; }
# same <disk> <image>: the disk's second MiB is what the host file holds
same() {
	cmp -s <(dd if=/dev/$1 bs=1M skip=1 count=1 iflag=direct status=none) \
		<(dd if="$MQ_OUT/$2" bs=1M skip=1 count=1 status=none)
}

virtio_stock_release virtio_scsi
{ mq_load_core && { [ -d /sys/module/mq_scsi ] || insmod "$TOP/mq_scsi/mq_scsi.ko"; } &&
	insmod "$TOP/mq_virtio/mq_virtio_scsi.ko" max_targets=1; } ||
	{ t_fail "load"; t_done; }
udevadm settle 2>/dev/null || sleep 1
dmesg | grep mq_virtio_scsi | tail -3
a=$(lun_disk 0 0) b=$(lun_disk 0 16684)
t_check "LUN 0 is a disk ($a)" test -n "$a"
t_check "LUN 300 (flat space, 0x4000 + 300) is a disk ($b)" test -n "$b"
[ -n "$a" ] && [ -n "$b" ] || t_done

dd if=/dev/urandom of=/dev/$b bs=1M seek=1 count=1 oflag=direct conv=fsync \
	status=none
dd if=/dev/urandom of=/dev/$a bs=1M seek=1 count=1 oflag=direct conv=fsync \
	status=none
t_check "LUN 300's data is in its own backing file" same "$b" s1.img
t_check "LUN 0's data is in its own backing file" same "$a" s0.img
t_check "fio verify on LUN 300 ($b)" fio_verify /dev/$b --size=8M

t_check "monitor: hot-add LUN 1000" \
	vm_hmp "device_add scsi-hd,bus=vs0.0,drive=s2,scsi-id=0,lun=1000,id=hd2"
t_check "LUN 1000 appeared as 0:0:0:17384 (event, rescan)" t_wait 30 has_lun 17384
c=$(lun_disk 0 17384)
if [ -n "$c" ]; then
	dd if=/dev/urandom of=/dev/$c bs=1M seek=1 count=1 oflag=direct \
		conv=fsync status=none
	t_check "LUN 1000's data is in its own backing file" same "$c" s2.img
fi
t_check "monitor: hot-remove LUN 300" vm_hmp "device_del hd1"
t_check "LUN 300's disk went away (removal event)" t_wait 30 no_lun 16684
t_check "monitor: hot-remove LUN 1000" vm_hmp "device_del hd2"
t_check "LUN 1000's disk went away (removal event)" t_wait 30 no_lun 17384
t_check "no removal event for an unknown LUN" \
	sh -c "! dmesg | grep -q 'was not known'"
t_check "LUN 0 still verifies" fio_verify /dev/$a --size=8M
t_check "rmmod mq_virtio_scsi" rmmod mq_virtio_scsi
t_check "no disk left" test -z "$(ls /sys/block | grep '^mqsd')"
t_done
