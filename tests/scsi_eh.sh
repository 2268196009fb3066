#!/bin/bash
# Error handling: injected timeouts (every_nth + opts 0x4: the LLD
# swallows the command) are caught by the core's timer, aborted by the
# LLD's abort handler and retried: fio verify sees no error and every
# request ends exactly once.  With abort_fails=1 the abort handler fails
# and a device reset (other commands of the LUN completed with DID_RESET,
# a UNIT ATTENTION after it) takes over; with dev_reset_fails=1 too, a
# target reset; with dev_reset_fails=2, a host reset.  Still no error, and the LUN's debugfs counters show every
# command back exactly once.  Medium errors (opts 0x2,
# medium_error_start/count) fail exactly that LBA range.  TASK SET FULL
# (tsf_depth) lowers the LUN's queue depth, which grows back once the
# target stops refusing.  An offline LUN fails I/O until set running.
. "$(dirname "$0")/lib/common.sh"

mq_load_scsi_debug dev_size_mb=16 submit_queues=2 || { t_fail "load"; t_done; }
d=$(scsi_disks | head -1)
echo 2000 > /sys/block/$d/mq/io_timeout || t_fail "io_timeout"
t_check "clean fio verify first" fio_verify /dev/$d --size=8M
P=/sys/module/mq_scsi_debug/parameters
DEV=/sys/block/$d/device

# medium errors: LBAs 1000..1003 unreadable, their neighbours fine
t_expect_fail "opts 0x8 refused" sh -c "echo 8 > $P/opts"
echo 1000 > $P/medium_error_start && echo 4 > $P/medium_error_count &&
	echo 2 > $P/opts || t_fail "enable medium errors"
bad=""
for b in $(seq 996 1007); do
	dd if=/dev/$d of=/dev/null bs=512 skip=$b count=1 iflag=direct \
		status=none 2>/tmp/dd.err || bad="$bad $b"
done
t_log "unreadable blocks:$bad ($(head -1 /tmp/dd.err))"
t_check "exactly blocks 1000..1003 fail" test "$bad" = " 1000 1001 1002 1003"
t_check "  with ENODATA (BLK_STS_MEDIUM, like sd)" sh -c "dd if=/dev/$d \
	of=/dev/null bs=512 skip=1001 count=1 iflag=direct 2>&1 | grep -q 'No data available'"
t_expect_fail "a 4K read across the range fails" \
	dd if=/dev/$d of=/dev/null bs=4k skip=125 count=1 iflag=direct status=none
t_check "writes to the range still work" \
	dd if=/dev/zero of=/dev/$d bs=512 seek=1000 count=4 oflag=direct status=none
t_check "debugfs medium_errors counted" test "$(scsi_stat $d medium_errors)" -ge 5
echo 0 > $P/opts
t_check "range readable again" \
	dd if=/dev/$d of=/dev/null bs=512 skip=1000 count=4 iflag=direct status=none

# TASK SET FULL: the target holds 4 commands; the depth follows, then
# grows back one step per queue_ramp_up_period
d0=$(cat $DEV/queue_depth)
t_expect_fail "queue_ramp_up_period 0 refused" sh -c "echo 0 > $DEV/queue_ramp_up_period"
echo 100 > $DEV/queue_ramp_up_period || t_fail "queue_ramp_up_period"
echo 4 > $P/tsf_depth || t_fail "tsf_depth"
t_check "fio verify against TASK SET FULL: no errors" \
	fio_verify /dev/$d --size=4M --bs=4k --iodepth=32
low=$(cat $DEV/queue_depth)
t_log "queue_depth $d0 -> $low, injected_tsf $(cat $P/injected_tsf)"
t_check "TASK SET FULL injected" test "$(cat $P/injected_tsf)" -gt 0
t_check "queue depth lowered (<= 16)" test "$low" -le 16
t_check "max_queue_depth kept" test "$(cat $DEV/max_queue_depth)" = "$d0"
echo 0 > $P/tsf_depth
t_check "fio randread 4s, target no longer full" fio_run --name=up \
	--filename=/dev/$d --direct=1 --ioengine=io_uring --rw=randread \
	--bs=4k --iodepth=32 --runtime=4 --time_based --size=8M
up=$(cat $DEV/queue_depth)
t_log "queue_depth ramped up $low -> $up"
t_check "queue depth grows back" test "$up" -gt "$((low + 2))"
echo "$d0" > $DEV/queue_depth

# timeouts: abort
t_expect_fail "every_nth -1 refused" sh -c "echo -1 > $P/every_nth"
echo 500 > $P/every_nth && echo 4 > $P/opts || t_fail "enable injection"
t_check "fio verify with injected timeouts: no errors" \
	fio_verify /dev/$d --size=8M --bs=4k --iodepth=8
echo 0 > $P/opts
n=$(cat $P/injected_timeouts)
t_log "injected timeouts: $n"
t_check "some commands were swallowed" test "$n" -gt 0
t_check "the core timed them out" test "$(mq_stat $d timeouts)" -ge "$n"
t_check "abort handler ran" sh -c "dmesg | grep -q 'abort: success'"
t_check "device still running" grep -q running $DEV/state
t_check "queued == completed after aborts" mq_check_balanced $d
t_check "LLD commands balanced after aborts (debugfs)" scsi_check_balanced $d
# device reset
t_expect_fail "abort_fails 2 refused" sh -c "echo 2 > $P/abort_fails"
echo 1 > $P/abort_fails && echo 4 > $P/opts || t_fail "abort_fails=1"
t_check "fio verify, aborts failing (device reset, DID_RESET retries)" \
	fio_verify /dev/$d --size=4M --bs=4k --iodepth=8
echo 0 > $P/opts
t_check "abort failed, device reset succeeded" sh -c "dmesg | grep -q 'abort: failed' &&
	dmesg | grep -q 'device reset: success'"
# target reset
echo 1 > $P/dev_reset_fails && echo 4 > $P/opts || t_fail "dev_reset_fails=1"
t_check "fio verify, aborts and device resets failing (target reset)" \
	fio_verify /dev/$d --size=4M --bs=4k --iodepth=8
echo 0 > $P/opts
t_check "device reset failed, target reset succeeded" sh -c "dmesg | grep -q 'device reset: failed' &&
	dmesg | grep -q 'target reset: success' && ! dmesg | grep -q 'host reset'"
# host reset
t_expect_fail "dev_reset_fails 3 refused" sh -c "echo 3 > $P/dev_reset_fails"
echo 2 > $P/dev_reset_fails && echo 4 > $P/opts || t_fail "dev_reset_fails=2"
t_check "fio verify, aborts, device and target resets failing (host reset)" \
	fio_verify /dev/$d --size=4M --bs=4k --iodepth=8
echo 0 > $P/opts; echo 0 > $P/abort_fails; echo 0 > $P/dev_reset_fails
t_check "target reset failed, host reset succeeded" sh -c "dmesg | grep -q 'target reset: failed' &&
	dmesg | grep -q 'host reset: success'"
t_check "device still running after resets" grep -q running $DEV/state
t_check "queued == completed, nothing busy" mq_check_balanced $d
t_check "LLD commands balanced after resets (debugfs)" scsi_check_balanced $d
t_check "debugfs: every core timeout went through mq_scsi EH" \
	test "$(scsi_stat $d timeouts)" = "$(mq_stat $d timeouts)" -a "$(scsi_stat $d timeouts)" -gt 0
t_check "debugfs inflight empty when idle" sh -c "! grep -q . /sys/kernel/debug/mq_scsi/*/inflight"
# a swallowed READ shows in debugfs inflight until error handling has it
lun=$(basename "$(readlink -f $DEV)")
echo 1 > $P/every_nth && echo 4 > $P/opts || t_fail "every_nth=1"
dd if=/dev/$d of=/dev/null bs=4k count=1 iflag=direct status=none & p=$!
seen=0
for i in $(seq 50); do
	grep -q "cdb 28" /sys/kernel/debug/mq_scsi/$lun/inflight && { seen=1; break; }
	sleep 0.1
done
cat /sys/kernel/debug/mq_scsi/$lun/inflight
t_check "debugfs inflight shows the swallowed READ(10)" test $seen = 1
echo 0 > $P/opts; echo 0 > $P/every_nth
t_check "that read completes after the abort" wait $p
t_check "host sysfs: state running, host_busy 0" sh -c "grep -qx running /sys/class/mq_scsi_host/*/state &&
	grep -qx 0 /sys/class/mq_scsi_host/*/host_busy"
sz=$(cat /sys/block/$d/size)
t_check "LUN rescan re-reads the capacity" sh -c "echo 1 > $DEV/rescan && test \$(cat /sys/block/$d/size) = $sz"
t_expect_fail "rescan 2 refused" sh -c "echo 2 > $DEV/rescan"
t_check "offline state fails I/O" sh -c "echo offline > $DEV/state &&
	! dd if=/dev/$d of=/dev/null bs=4k count=1 iflag=direct status=none"
t_check "back to running, I/O works" sh -c "echo running > $DEV/state &&
	dd if=/dev/$d of=/dev/null bs=4k count=1 iflag=direct status=none"
mq_scsi_unload
t_check "unloaded" sh -c "! lsmod | grep -q '^mq_core'"
t_done
