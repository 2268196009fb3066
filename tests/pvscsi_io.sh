#!/bin/bash
# mq_pvscsi (Linux's vmw_pvscsi converted by mq_scsi/pvscsi/generate) on
# QEMU's pvscsi with three scsi-hd targets, beside the stock vmw_pvscsi
# on a second pvscsi controller: bound with driver_override (no id
# table), sg3_utils through SG_IO (inq, vpd, readcap, luns, sync), fio
# verify on two LUNs at once (and on the stock disk at the same time),
# ext4 and xfs cycles, unbind/rebind under I/O with the data intact, and
# unloading with the stock driver still serving its controller.
# vm: --qemu-arg -device --qemu-arg pvscsi,id=pv0,bus=pci.0,addr=0x10 --qemu-arg -device --qemu-arg scsi-hd,bus=pv0.0,drive=p0,scsi-id=0,lun=0 --qemu-arg -device --qemu-arg scsi-hd,bus=pv0.0,drive=p1,scsi-id=1,lun=0 --qemu-arg -device --qemu-arg scsi-hd,bus=pv0.0,drive=p2,scsi-id=2,lun=0 --qemu-arg -device --qemu-arg pvscsi,id=pv1,bus=pci.0,addr=0x11 --qemu-arg -device --qemu-arg scsi-hd,bus=pv1.0,drive=p3,scsi-id=0,lun=0
# vm-host: tests/lib/vm-host.sh --disk p0=128M --disk p1=320M --disk p2=128M --disk p3=128M
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pvscsi.sh"

# the stock driver may have bound both controllers at boot
pv_unbind "$PV_OURS"
t_check "no PCI id table: mq_pvscsi has no modalias" \
	sh -c "! modinfo -F alias '$TOP/mq_scsi/pvscsi/mq_pvscsi.ko' | grep -q ."
pv_load || { t_fail "load and bind mq_pvscsi"; t_done; }
t_ok "mq_pvscsi bound to $PV_OURS: $PV_HOST, disks $A $B $C"
t_check "host info is the LLD's" \
	grep -q "VMware PVSCSI" /sys/class/mq_scsi_host/$PV_HOST/info
t_check "proc_name vmw_pvscsi" \
	test "$(cat /sys/class/mq_scsi_host/$PV_HOST/proc_name)" = vmw_pvscsi
t_check "128 MiB" test "$(cat /sys/block/$A/size)" = 262144

modprobe vmw_pvscsi 2>/dev/null
modprobe sd_mod 2>/dev/null
pv_bind "$PV_STOCK" vmw_pvscsi
t_wait 30 stock_disk >/dev/null
S=$(stock_disk)
t_check "stock vmw_pvscsi drives the second controller ($S)" test -n "$S"
t_check "our controller stays ours" \
	test "$(basename "$(readlink -f $PCI/$PV_OURS/driver)")" = mq_pvscsi

t_check "sg_inq: QEMU HARDDISK" sh -c "sg_inq /dev/$A | grep -q 'QEMU HARDDISK'"
t_check "sg_vpd: supported pages" sh -c "sg_vpd /dev/$A | grep -qi 'Device identification'"
t_check "sg_vpd -p di" sg_vpd -p di /dev/$A
t_check "sg_readcap: 262144 blocks" \
	sh -c "sg_readcap /dev/$A | grep -q 'Last LBA=262143'"
t_check "sg_luns" sg_luns /dev/$A
t_check "sg_sync" sg_sync /dev/$A
if [ -n "$S" ]; then
	t_check "same sg_inq vendor/product as through the stock driver" \
		sh -c "test \"\$(sg_inq /dev/$A | grep -E 'Vendor|Product' | awk '{print \$NF}')\" = \"\$(sg_inq /dev/$S | grep -E 'Vendor|Product' | awk '{print \$NF}')\""
fi

t_check "fio verify on $A and $C at once (and the stock $S)" fio_run \
	--name=a --filename=/dev/$A --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=4k --iodepth=32 --size=64M --verify=crc32c \
	--verify_fatal=1 \
	--name=c --filename=/dev/$C --direct=1 --ioengine=libaio \
	--rw=randwrite --bsrange=512-256k --iodepth=16 --size=64M \
	--verify=crc32c --verify_fatal=1 \
	${S:+--name=s --filename=/dev/$S --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=4k --iodepth=32 --size=32M --verify=crc32c \
	--verify_fatal=1}
t_check "large sequential I/O (1 MiB, 128-segment requests)" fio_run \
	--name=big --filename=/dev/$C --direct=1 --ioengine=libaio \
	--rw=write --bs=1M --iodepth=4 --size=64M --verify=md5 --verify_fatal=1

fs_cycle /dev/$A 300
xfs_cycle /dev/$B 300

# unbind / rebind under I/O: a known pattern survives on $C
dd if=/dev/urandom of=/tmp/pat bs=1M count=8 status=none
t_check "pattern written to $C" dd if=/tmp/pat of=/dev/$C bs=1M seek=100 \
	oflag=direct status=none
fio_bg --name=busy --filename=/dev/$A --direct=1 --ioengine=io_uring \
	--rw=randrw --bs=4k --iodepth=32 --time_based --runtime=60
sleep 3
t_check "unbind under I/O" pv_unbind "$PV_OURS"
t_check "fio under unbind ends (I/O errors expected)" fio_bg_ends 60
t_check "disks gone" sh -c "! ls /sys/block | grep -q '^mqsd'"
t_check "rebind" pv_bind "$PV_OURS" mq_pvscsi
t_check "three disks back" pv_disks
t_check "pattern intact after rebind" sh -c \
	"dd if=/dev/$C bs=1M skip=100 count=8 iflag=direct status=none | cmp - /tmp/pat"
t_check "fio verify after rebind" fio_verify /dev/$A --size=32M
for d in $A $B $C; do
	t_check "$d: every command back once" scsi_check_balanced "$d"
done

pv_unload
t_check "mq_pvscsi unloaded" test ! -d /sys/module/mq_pvscsi
if [ -n "$S" ]; then
	t_check "stock disk still works" fio_verify /dev/$S --size=16M
fi
t_done
