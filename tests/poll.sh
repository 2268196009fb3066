#!/bin/bash
# io_uring polled I/O (--hipri) on poll queues: io_poll is 1, the I/O is
# found by polling (debugfs poll_found), and the data verifies.
. "$(dirname "$0")/lib/common.sh"

mq_load_nullblk memory_backed=1 gb=1 submit_queues=2 poll_queues=2 ||
	{ t_fail "load"; t_done; }
d=mqnullb0
t_check "queue/io_poll is 1" test "$(cat /sys/block/$d/queue/io_poll)" = 1
t_check "sysfs shows poll hctxs" grep -qx poll /sys/block/$d/mq/*/type
t_polled_read $d 1000 --iodepth=16 --numjobs=2 --runtime=4
t_check "hipri write + verify" fio_verify /dev/$d --hipri=1 --size=32M
t_check "queued == completed, nothing busy" mq_check_balanced $d
mq_unload
# Several pollers on one poll hctx: each reaps the others' completions, so
# a bio being polled can be completed (and recycled) under its poller.
mq_load_nullblk memory_backed=1 gb=1 submit_queues=2 poll_queues=1 ||
	t_fail "load with one poll queue"
t_check "4 pollers on 1 poll queue, verify" fio_verify /dev/$d --hipri=1 \
	--size=16M --numjobs=4 --offset_increment=16M
t_check "4 pollers on 1 poll queue, randread" fio_run --name=p \
	--filename=/dev/$d --direct=1 --ioengine=io_uring --hipri=1 \
	--rw=randread --bs=4k --iodepth=16 --numjobs=4 --runtime=4 --time_based
t_check "queued == completed, nothing busy" mq_check_balanced $d
mq_unload
mq_load_nullblk poll_queues=0 || t_fail "load without poll queues"
t_check "no poll queues: io_poll is 0" test "$(cat /sys/block/$d/queue/io_poll)" = 0
t_hipri_no_poll /dev/$d
t_done
