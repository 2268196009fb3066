#!/bin/bash
# mq_scsi + mq_scsi_debug: 2 targets x 2 LUNs become 4 disks; fio crc32c
# verify on each and on all 4 at once (sharing 64 host tags, each must
# progress), ext4 and xfs, sg3_utils (SG_IO) against a disk, sysfs,
# 4K logical blocks; every request ends once; everything unloads.
. "$(dirname "$0")/lib/common.sh"

mq_load_scsi_debug num_tgts=2 max_luns=2 dev_size_mb=64 submit_queues=2 \
	max_queue=64 ||
	{ t_fail "load"; t_done; }
declare -A c0
mapfile -t disks < <(scsi_disks)
t_log "disks: ${disks[*]}"
t_check "4 disks (2 targets x 2 LUNs)" test "${#disks[@]}" = 4
[ "${#disks[@]}" -ge 1 ] || t_done
d=${disks[0]}
t_check "64 MiB each" sh -c "for d in ${disks[*]}; do
	test \$(cat /sys/block/\$d/size) = 131072 || exit 1; done"
t_check "write cache detected (MODE SENSE caching page)" \
	grep -q "write back" /sys/block/$d/queue/write_cache
t_check "FUA detected (DPOFUA)" grep -q 1 /sys/block/$d/queue/fua

for x in "${disks[@]}"; do
	t_check "fio randwrite verify crc32c on $x" fio_verify /dev/$x --size=64M
done
t_check "fio mixed 512..128k verify (libaio, 2 jobs) on ${disks[1]}" \
	fio_verify /dev/${disks[1]} --ioengine=libaio --bsrange=512-128k \
	--rw=randrw --numjobs=2 --size=32M --offset_increment=32M
t_check "fio 1M sequential verify with fsync (flush path) on ${disks[2]}" \
	fio_verify /dev/${disks[2]} --rw=write --bs=1M --size=64M --fsync=4
# 4 LUNs share the host's 64 tags: 4 jobs x QD32 at once, each verifies
# and each LUN makes progress (fair share, no starvation)
for x in "${disks[@]}"; do c0[$x]=$(mq_stat $x completed); done
t_check "4 LUNs at once on 64 shared tags, each verified" fio_run \
	--direct=1 --ioengine=io_uring --rw=randwrite --bs=8k --iodepth=32 \
	--size=16M --verify=crc32c --verify_fatal=1 \
	--name=j0 --filename=/dev/${disks[0]} --name=j1 --filename=/dev/${disks[1]} \
	--name=j2 --filename=/dev/${disks[2]} --name=j3 --filename=/dev/${disks[3]}
for x in "${disks[@]}"; do
	n=$(( $(mq_stat $x completed) - ${c0[$x]} ))
	t_check "$x progressed ($n requests)" test "$n" -ge 1024
done
t_check "host can_queue 64" grep -qx 64 /sys/class/mq_scsi_host/*/can_queue

# ext4 on the last disk, xfs on the one before
e=${disks[3]}
fs_cycle /dev/$e 1000
xfs_cycle /dev/${disks[2]} 500

# SG_IO through sg3_utils
sg_inq /dev/$d > /tmp/inq 2>&1; cat /tmp/inq
t_check "sg_inq: vendor Linux" grep -q "Vendor identification: Linux" /tmp/inq
t_check "sg_inq: product mq_scsi_debug" grep -q "Product identification: mq_scsi_debug" /tmp/inq
sg_readcap -l /dev/$d > /tmp/rc 2>&1; cat /tmp/rc
t_check "sg_readcap: last LBA 131071" grep -q "Last LBA=131071" /tmp/rc
t_check "sg_readcap: 512-byte blocks" grep -q "Logical block length=512 bytes" /tmp/rc
sg_vpd -p bl /dev/$d > /tmp/bl 2>&1; cat /tmp/bl
t_check "sg_vpd -p bl: maximum transfer length 2048" \
	grep -qi "Maximum transfer length: 2048" /tmp/bl
sg_vpd -p sn /dev/$d > /tmp/sn 2>&1; cat /tmp/sn
t_check "sg_vpd -p sn: serial" grep -q "MQSD" /tmp/sn
t_check "sg_vpd -p di" sg_vpd -p di /dev/$d
sg_luns /dev/$d > /tmp/luns 2>&1; cat /tmp/luns
t_check "sg_luns: 2 LUNs" grep -q "Lun list length = 16" /tmp/luns
t_check "sg_turs" sg_turs /dev/$d
t_check "sg_sync" sg_sync /dev/$d
t_check "sg_readcap (10)" sg_readcap /dev/$d
t_check "sg_modes caching page" sh -c "sg_modes -p 8 /dev/$d | grep -qi 'caching'"

# sysfs
t_check "sysfs vendor/model" sh -c "grep -q Linux /sys/block/$d/device/vendor &&
	grep -q mq_scsi_debug /sys/block/$d/device/model"
t_check "sysfs state running" grep -q running /sys/block/$d/device/state
t_expect_fail "queue_depth 0 refused" sh -c "echo 0 > /sys/block/$d/device/queue_depth"
t_expect_fail "queue_depth 100000 refused" sh -c "echo 100000 > /sys/block/$d/device/queue_depth"
t_check "queue_depth 2 accepted" sh -c "echo 2 > /sys/block/$d/device/queue_depth"
t_check "fio verify at queue depth 2 (budget waits)" fio_verify /dev/$d --size=8M --iodepth=32
echo 64 > /sys/block/$d/device/queue_depth
n=$(ls /sys/class/mq_scsi_host | head -1)
t_check "host rescan keeps the 4 disks" sh -c "echo '- - -' > /sys/class/mq_scsi_host/$n/scan && test \$(ls /sys/block | grep -c ^mqsd) = 4"
for x in "${disks[@]}"; do
	t_check "$x: queued == completed, nothing busy" mq_check_balanced $x
done
t_check "rmmod mq_scsi_debug" rmmod mq_scsi_debug
t_check "disks gone" sh -c "! ls /sys/block | grep -q ^mqsd"

# 4K logical blocks
t_check "load sector_size=4096" insmod "$TOP/mq_scsi/mq_scsi_debug.ko" sector_size=4096 dev_size_mb=32 delay=0
udevadm settle 2>/dev/null
d=$(scsi_disks | head -1)
t_check "4K: logical_block_size 4096" grep -q 4096 /sys/block/$d/queue/logical_block_size
t_check "4K: sg_readcap block length 4096" sh -c "sg_readcap -l /dev/$d | grep -q 'Logical block length=4096'"
t_check "4K: fio verify (inline completion)" fio_verify /dev/$d --size=32M
t_check "rmmod mq_scsi_debug (4K)" rmmod mq_scsi_debug
t_check "rmmod mq_scsi" rmmod mq_scsi
t_check "rmmod mq_core" rmmod mq_core
t_done
