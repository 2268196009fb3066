#!/bin/bash
# Injected errors at 1% under load (issue 6's matrix), MQ_ERRORS_SECS
# (default 60) per phase:
#  1. mq_nullblk requeue=1% under fio verify: no error reaches fio, data
#     verifies, every request ends once (queued == completed in debugfs).
#  2. mq_nullblk timeout=1% (1 s io_timeout) under random reads: fio's
#     error count equals the core's timeouts, each request ends once.
#  3. mq_scsi_debug: every 100th READ/WRITE swallowed (timeout, abort,
#     retry), medium errors on an 8-block range, TASK SET FULL beyond 8
#     commands in flight, all at once: fio verify outside the bad range
#     sees no error and no mismatch; reads of the bad range fail and only
#     those; every command comes back once (dispatched == done + taken by
#     error handling, in the LUN's debugfs), the LUN is still running.
# Run by scripts/stress (row errors).
. "$(dirname "$0")/../lib/common.sh"

secs=${MQ_ERRORS_SECS:-60}
# fio goes on after these only (by default after EIO and EILSEQ only):
# EIO, ETIMEDOUT (BLK_STS_TIMEOUT) and ENODATA (BLK_STS_MEDIUM), as numbers
# (fio knows the names of errno values up to ERANGE only)
IGN=5:110:61

# fio_json_err <json file>: total errors over the file's jobs
fio_json_err() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(j.get("total_err", j.get("error", 0)) for j in d["jobs"]))' "$1"
}

# 1. requeues
mq_load_nullblk memory_backed=1 gb=1 submit_queues=2 irqmode=1 \
	requeue="1,1,0,-1" || { t_fail "load with requeue=1%"; t_done; }
t_check "phase 1: ${secs}s verify with 1% requeues, no error, no mismatch" \
	fio_verify /dev/mqnullb0 --size=128M --numjobs=2 --offset_increment=256M \
	--bsrange=4k-64k --time_based --runtime="$secs" --verify_backlog=256
rq=$(mq_stat mqnullb0 requeued)
t_log "requeued=$rq completed=$(mq_stat mqnullb0 completed)"
t_check "requeues were injected" test "$rq" -gt 0
t_check "every request ended once" mq_check_balanced mqnullb0
t_check "rmmod mq_nullblk" rmmod mq_nullblk

# 2. timeouts
mq_load_nullblk gb=1 submit_queues=2 irqmode=1 || { t_fail "load"; t_done; }
echo 1000 > /sys/block/mqnullb0/mq/io_timeout || t_fail "io_timeout"
t_check "arm timeout=1%" sh -c 'echo 1,1,0,-1 > /sys/module/mq_nullblk/parameters/timeout'
fio --eta=never --output-format=json --output=/tmp/to.json --name=to \
	--filename=/dev/mqnullb0 --direct=1 --ioengine=io_uring --rw=randread \
	--bs=4k --iodepth=16 --numjobs=2 --time_based --runtime="$secs" \
	--continue_on_error=all --ignore_error="$IGN,$IGN" --size=512M > /dev/null 2>&1
echo 0,0,0,0 > /sys/module/mq_nullblk/parameters/timeout
errs=$(fio_json_err /tmp/to.json)
to=$(mq_stat mqnullb0 timeouts)
t_log "fio errors=$errs core timeouts=$to completed=$(mq_stat mqnullb0 completed)"
t_check "phase 2: timeouts were injected" test "${to:-0}" -gt 0
t_check "fio saw one error per timed-out request" test "$errs" = "$to"
t_check "every request ended once" mq_check_balanced mqnullb0
t_check "I/O fine after the injection" \
	dd if=/dev/mqnullb0 of=/dev/null bs=4k count=256 iflag=direct status=none
t_check "rmmod mq_nullblk" rmmod mq_nullblk

# 3. SCSI: timeouts + medium errors + TASK SET FULL at once
mq_load_scsi_debug dev_size_mb=256 submit_queues=2 || { t_fail "load mq_scsi_debug"; t_done; }
d=$(scsi_disks | head -1)
P=/sys/module/mq_scsi_debug/parameters
DEV=/sys/block/$d/device
bad_lba=$((200 * 2048))	# 200 MiB in 512-byte blocks
echo 2000 > /sys/block/$d/mq/io_timeout || t_fail "io_timeout"
echo 100 > $DEV/queue_ramp_up_period
echo $bad_lba > $P/medium_error_start && echo 8 > $P/medium_error_count &&
	echo 100 > $P/every_nth && echo 8 > $P/tsf_depth && echo 6 > $P/opts ||
	t_fail "arm SCSI injection"
fio_verify /dev/$d --size=128M --bsrange=4k-64k --iodepth=16 \
	--time_based --runtime="$secs" --verify_backlog=256 \
	--output=/tmp/sv.out > /dev/null 2>&1 &
vpid=$!
fio --eta=never --output-format=json --output=/tmp/me.json --name=me \
	--filename=/dev/$d --direct=1 --ioengine=io_uring --rw=randread \
	--bs=4k --iodepth=2 --offset=$((bad_lba * 512 - 32768)) --size=64k \
	--time_based --runtime="$secs" --continue_on_error=all \
	--ignore_error="$IGN,$IGN" > /dev/null 2>&1
wait $vpid
vrc=$?
echo 0 > $P/opts; echo 0 > $P/tsf_depth; echo 0 > $P/every_nth
[ $vrc != 0 ] && grep -iE "err|verify|bad" /tmp/sv.out | head -5
merr=$(fio_json_err /tmp/me.json)
t_log "injected: timeouts=$(cat $P/injected_timeouts) medium_errors=$(cat $P/injected_medium_errors) tsf=$(cat $P/injected_tsf); bad-range reader errors=$merr; core timeouts=$(mq_stat $d timeouts)"
t_check "phase 3: ${secs}s verify outside the bad range, no error, no mismatch" test $vrc = 0
t_check "timeouts injected" test "$(cat $P/injected_timeouts)" -gt 0
t_check "TASK SET FULL injected" test "$(cat $P/injected_tsf)" -gt 0
t_check "reads of the bad range failed" test "$merr" -gt 0
t_check "one reader error per MEDIUM ERROR returned" \
	test "$merr" = "$(cat $P/injected_medium_errors)"
t_check "LUN still running" grep -q running $DEV/state
t_check "every request ended once (core)" mq_check_balanced "$d"
t_check "every command came back once (LLD)" scsi_check_balanced "$d"
t_check "the bad range reads again once injection is off" \
	dd if=/dev/$d of=/dev/null bs=4k skip=$((bad_lba / 8)) count=2 iflag=direct status=none
mq_scsi_unload
t_check "all modules unloaded" sh -c '! lsmod | grep -q "^mq_"'
t_done
