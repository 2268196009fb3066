#!/bin/bash
# mq_virtio_blk poll queues: with poll_queues=2 two of the four request
# virtqueues have no interrupt and back poll hctxs; io_uring --hipri I/O
# goes there and is completed only by polling (mq_core poll_found); data
# verifies.  Without poll queues io_poll is 0.  Bad parameters are refused.
# vm: --cpus 4 --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,drive=d0,num-queues=4
# vm-host: tests/lib/vm-host.sh --disk d0=64M
. "$(dirname "$0")/lib/common.sh"

mq_load_virtio_blk poll_queues=2 || { t_fail "load"; t_done; }
d=$(mqvb_disks | head -1)
[ -n "$d" ] || { t_fail "no mqvd disk"; t_done; }
t_check "4 hardware queues" \
	test "$(ls -d /sys/block/$d/mq/[0-9]* | wc -l)" = 4
t_check "2 of them are poll queues" \
	test "$(grep -lx poll /sys/block/$d/mq/*/type | wc -l)" = 2
t_check "queue/io_poll is 1" test "$(cat /sys/block/$d/queue/io_poll)" = 1
t_check "hipri write + verify" fio_verify /dev/$d --hipri=1 --size=32M
# One poller (CORE-REQUESTS item 0).
t_polled_read $d 1000 --iodepth=32 --runtime=4
cat /sys/kernel/debug/mq_virtio_blk/$d/stats
t_check "the poll virtqueues carried the reads" sh -c \
	"awk '/^req_poll/ { s += \$2 } END { exit !(s > 1000) }' /sys/kernel/debug/mq_virtio_blk/$d/stats"
t_check "interrupt-driven I/O alongside, verify" fio_verify /dev/$d \
	--size=16M --offset=32M
t_check "queued == completed, nothing busy" mq_check_balanced $d
t_check "rmmod" rmmod mq_virtio_blk

mq_load_virtio_blk || t_fail "load without poll queues"
d=$(mqvb_disks | head -1)
t_check "no poll queues: io_poll is 0" test "$(cat /sys/block/$d/queue/io_poll)" = 0
t_hipri_no_poll /dev/$d
rmmod mq_virtio_blk

for p in poll_queues=abc poll_queues=-1 num_request_queues=5000 \
	 queue_depth=5000 queue_depth=x; do
	dmesg -C
	t_expect_fail "insmod $p refused" insmod "$TOP/mq_virtio/mq_virtio_blk.ko" "$p"
	t_check "  with a log line" sh -c "dmesg | grep -q 'invalid value'"
done
t_check "runtime write queue_depth=99999 refused" sh -c \
	"insmod $TOP/mq_virtio/mq_virtio_blk.ko &&
	 ! echo 99999 > /sys/module/mq_virtio_blk/parameters/queue_depth 2>/dev/null"
t_done
