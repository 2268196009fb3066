#!/bin/bash
# Error handling: injected timeouts (every_nth + opts 0x4: the LLD
# swallows the command) are caught by the core's timer, aborted by the
# LLD's abort handler and retried: fio verify sees no error and every
# request ends exactly once.  With abort_fails=1 the abort handler fails
# and a device reset (other commands of the LUN completed with DID_RESET,
# a UNIT ATTENTION after it) takes over; still no error.  An offline LUN fails I/O until set running.
. "$(dirname "$0")/lib/common.sh"

mq_load_scsi_debug dev_size_mb=16 submit_queues=2 || { t_fail "load"; t_done; }
d=$(scsi_disks | head -1)
echo 2000 > /sys/block/$d/mq/io_timeout || t_fail "io_timeout"
t_check "clean fio verify first" fio_verify /dev/$d --size=8M
P=/sys/module/mq_scsi_debug/parameters
t_expect_fail "opts 0x8 refused" sh -c "echo 8 > $P/opts"
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
t_check "device still running" grep -q running /sys/block/$d/device/state
t_check "queued == completed after aborts" mq_check_balanced $d
t_expect_fail "abort_fails 2 refused" sh -c "echo 2 > $P/abort_fails"
echo 1 > $P/abort_fails && echo 4 > $P/opts || t_fail "abort_fails=1"
t_check "fio verify, aborts failing (device reset, DID_RESET retries)" \
	fio_verify /dev/$d --size=4M --bs=4k --iodepth=8
echo 0 > $P/opts; echo 0 > $P/abort_fails
t_check "abort failed, device reset succeeded" sh -c "dmesg | grep -q 'abort: failed' &&
	dmesg | grep -q 'device reset: success'"
t_check "device still running after resets" grep -q running /sys/block/$d/device/state
t_check "queued == completed, nothing busy" mq_check_balanced $d
t_check "offline state fails I/O" sh -c "echo offline > /sys/block/$d/device/state &&
	! dd if=/dev/$d of=/dev/null bs=4k count=1 iflag=direct status=none"
t_check "back to running, I/O works" sh -c "echo running > /sys/block/$d/device/state &&
	dd if=/dev/$d of=/dev/null bs=4k count=1 iflag=direct status=none"
mq_scsi_unload
t_check "unloaded" sh -c "! lsmod | grep -q '^mq_core'"
t_done
