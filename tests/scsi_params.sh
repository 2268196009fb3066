#!/bin/bash
# mq_scsi_debug parameters: every bad value fails the load with -EINVAL
# and a log line naming the parameter; good values load.
. "$(dirname "$0")/lib/common.sh"

mq_load_core || { t_fail "load mq_core"; t_done; }
insmod "$TOP/mq_scsi/mq_scsi.ko" || { t_fail "load mq_scsi"; t_done; }
for kv in dev_size_mb=0 dev_size_mb=abc num_tgts=0 num_tgts=17 max_luns=0 \
	max_luns=33 sector_size=1024 sector_size=0 submit_queues=0 \
	max_queue=0 max_queue=5000 delay=-1 ndelay=-1 every_nth=-1 opts=8 \
	abort_fails=2 dev_reset_fails=3 tsf_depth=-1 tsf_depth=5000 lbpu=2 lbpws=-1 \
	lbprz=3 unmap_granularity=0 unmap_max_blocks=-1 unmap_max_desc=5000 \
	medium_error_start=-1 medium_error_count=x opts=0x10; do
	name=${kv%%=*}
	dmesg -C
	out=$(insmod "$TOP/mq_scsi/mq_scsi_debug.ko" "$kv" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		t_fail "$kv accepted"
		rmmod mq_scsi_debug
		continue
	fi
	t_check "$kv refused with EINVAL ($out)" sh -c "echo '$out' | grep -qE 'Invalid (argument|parameters)'"
	t_check "$kv logged" sh -c "dmesg | grep -q 'invalid value.*$name'"
done
t_check "good values load" insmod "$TOP/mq_scsi/mq_scsi_debug.ko" \
	dev_size_mb=4 num_tgts=3 max_luns=1 sector_size=4096 submit_queues=2 \
	max_queue=16 delay=0 ndelay=50000 lbpu=1 lbpws10=1 unmap_granularity=4 \
	unmap_alignment=2 tsf_depth=8 opts=6 medium_error_count=0
udevadm settle 2>/dev/null
t_check "3 disks" test "$(scsi_disks | wc -l)" = 3
t_check "a runtime write of a bad every_nth is refused" \
	sh -c "! echo -5 > /sys/module/mq_scsi_debug/parameters/every_nth"
t_check "nr_hw_queues 2, can_queue 16" sh -c "h=/sys/class/mq_scsi_host/\$(ls /sys/class/mq_scsi_host); grep -q 2 \$h/nr_hw_queues && grep -q 16 \$h/can_queue"
# LUN sysfs writes: timeout (seconds) and queue_depth
d=$(scsi_disks | head -1)
dev=/sys/block/$d/device
t_check "$d timeout defaults to 30 s" grep -qx 30 $dev/timeout
t_check "timeout 7 s set" sh -c "echo 7 > $dev/timeout && grep -qx 7 $dev/timeout"
t_check "core io_timeout follows (7000 ms)" grep -qx 7000 /sys/block/$d/mq/io_timeout
for bad in 0 3601 -1 abc; do
	dmesg -C
	t_expect_fail "timeout $bad refused" sh -c "echo $bad > $dev/timeout"
	t_check "timeout $bad logged" sh -c "dmesg | grep -q 'timeout must be'"
done
for bad in 0 17 abc; do
	dmesg -C
	t_expect_fail "queue_depth $bad refused" sh -c "echo $bad > $dev/queue_depth"
	t_check "queue_depth $bad logged" sh -c "dmesg | grep -q 'queue_depth must be'"
done
t_check "timeout still 7 s" grep -qx 7 $dev/timeout
mq_scsi_unload
t_check "unloaded" sh -c "! lsmod | grep -q '^mq_'"
t_done
