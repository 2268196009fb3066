#!/bin/bash
# mq_virtio_scsi on QEMU virtio-scsi-pci (num_queues=4, 4 vCPUs) with three
# scsi-hd LUNs on host files: the host gets 4 hardware queues, the LUNs
# become mqsd disks through mq_scsi, fio verify on each, sg_inq/sg_readcap
# through SG_IO, a LUN hot-added from the monitor shows up (event queue ->
# rescan), a hot-removed one goes away with its disk; a LUN behind a 3 IOPS throttle
# with a 1 s timeout goes through mq_scsi's error handling: ABORT TASK on
# the control queue, the command retried, data intact.
# vm: --cpus 4 --qemu-arg -device --qemu-arg virtio-scsi-pci,id=vs0,num_queues=4 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s0,scsi-id=0,lun=0,id=hd0 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s1,scsi-id=0,lun=1,id=hd1 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s2-t,scsi-id=1,lun=0,id=hd2
# vm-host: tests/lib/vm-host.sh --disk s0=64M --disk s1=64M --disk s2=16M --disk s3=64M --throttle s2=3
. "$(dirname "$0")/lib/common.sh"

wait_lun() { # wait_lun <target> <lun>: up to 30 s
	local i
	for i in $(seq 300); do lun_disk "$1" "$2" >/dev/null && return 0; sleep 0.1; done
	return 1
}

virtio_stock_release virtio_scsi
{ mq_load_core && { [ -d /sys/module/mq_scsi ] || insmod "$TOP/mq_scsi/mq_scsi.ko"; } &&
	insmod "$TOP/mq_virtio/mq_virtio_scsi.ko" max_targets=4; } ||
	{ t_fail "load"; t_done; }
udevadm settle 2>/dev/null || sleep 1
host=$(ls /sys/class/mq_scsi_host | head -1)
t_log "host $host: $(ls /sys/block | grep mqsd | tr '\n' ' ')"
t_check "4 hardware queues on the host" \
	test "$(cat /sys/class/mq_scsi_host/$host/nr_hw_queues)" = 4
vdev=$(basename "$(readlink -f /sys/class/mq_scsi_host/$host/device)")
luns_irq_map_ok() {
	local x
	for x in $(ls /sys/block | grep mqsd); do
		virtio_irq_map_ok "$vdev" "$x" request 4 || return 1
	done
}
t_check "each LUN's CPU map follows the request virtqueues' IRQ affinity" \
	luns_irq_map_ok
t_check "host parent is the virtio device" \
	sh -c "readlink -f /sys/class/mq_scsi_host/$host/device | grep -q virtio"
a=$(lun_disk 0 0) b=$(lun_disk 0 1) c=$(lun_disk 1 0)
t_check "three LUNs became disks (0:0 $a, 0:1 $b, 1:0 $c)" \
	test -n "$a" -a -n "$b" -a -n "$c"
[ -n "$a" ] && [ -n "$b" ] || t_done
t_check "64 MiB" test "$(cat /sys/block/$a/size)" = 131072
t_check "fio verify on $a (4 jobs)" fio_verify /dev/$a --numjobs=4 \
	--size=12M --offset_increment=16M
t_check "fio verify on $b (libaio, 512..128k)" fio_verify /dev/$b \
	--ioengine=libaio --bsrange=512-128k --rw=randrw --size=32M
t_check "both at once" fio_run --name=a --filename=/dev/$a --direct=1 \
	--ioengine=io_uring --rw=randwrite --bs=8k --iodepth=32 --size=16M \
	--verify=crc32c --verify_fatal=1 --name=b --filename=/dev/$b \
	--direct=1 --ioengine=io_uring --rw=randwrite --bs=8k --iodepth=32 \
	--size=16M --verify=crc32c --verify_fatal=1
t_check "sg_inq through SG_IO: QEMU HARDDISK" \
	sh -c "sg_inq /dev/$a | grep -q 'QEMU HARDDISK'"
t_check "sg_readcap: 131072 blocks" \
	sh -c "sg_readcap /dev/$a | grep -q 'Last LBA=131071'"
t_check "sg_turs" sg_turs /dev/$b

t_check "monitor: hot-add scsi-hd 2:0" \
	vm_hmp "device_add scsi-hd,bus=vs0.0,drive=s3,scsi-id=2,lun=0,id=hd3"
t_check "LUN 2:0 appeared (event queue, rescan)" wait_lun 2 0
e=$(lun_disk 2 0)
[ -n "$e" ] && t_check "fio verify on the new disk $e" fio_verify /dev/$e --size=16M
t_check "monitor: hot-remove 2:0" vm_hmp "device_del hd3"
sleep 2
t_check "the removal event was seen" \
	sh -c "dmesg | grep -q 'LUN 2:0 removed by the device'"
[ -n "$e" ] && t_check "the removed LUN's disk $e went away by itself" \
	sh -c "for i in \$(seq 20); do [ -e /sys/block/$e ] || exit 0; sleep 0.5; done; exit 1"
# (through the block layer: a bare sg_turs would see the REPORTED LUNS
# DATA HAS CHANGED unit attention, which sd-style I/O retries)
t_check "the other LUNs still work" \
	dd if=/dev/$b of=/dev/null bs=4k count=16 iflag=direct status=none

if [ -n "$c" ]; then
	echo 1000 > /sys/block/$c/mq/io_timeout
	t_check "throttled LUN: writes through timeouts" fio_verify /dev/$c \
		--size=128k --bs=4k --iodepth=4 --ioengine=libaio
	t_check "ABORT TASK sent on the control queue" \
		sh -c "dmesg | grep -q 'abort task 1:0: response'"
	dmesg | grep -E "abort task|logical unit reset" | tail -3
	echo 30000 > /sys/block/$c/mq/io_timeout
fi

t_check "mqsd disks on the host: rmmod mq_virtio_scsi" rmmod mq_virtio_scsi
t_check "disks gone" sh -c "! ls /sys/block | grep -q mqsd"
t_done
