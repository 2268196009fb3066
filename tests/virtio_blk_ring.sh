#!/bin/bash
# mq_virtio_blk ring full: a 16-entry virtqueue without indirect
# descriptors holds only a few requests, queue_depth=64 offers many more;
# the hctx stops on a full ring and the completion path restarts it: fio
# verify clean, ring_full counted, nothing lost.
# vm: --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,drive=d0,num-queues=1,queue-size=16,indirect_desc=off
# vm-host: tests/lib/vm-host.sh --disk d0=64M
. "$(dirname "$0")/lib/common.sh"

mq_load_virtio_blk queue_depth=64 || { t_fail "load"; t_done; }
d=$(mqvb_disks | head -1)
[ -n "$d" ] || { t_fail "no mqvd disk"; t_done; }
t_check "depth 64 on a 16-entry ring" \
	test "$(cat /sys/block/$d/mq/0/nr_tags)" = 64
t_check "fio randwrite verify, QD64, 4k..64k" fio_verify /dev/$d \
	--iodepth=64 --bsrange=4k-64k --size=32M
t_check "fio randrw QD64, 2 jobs, 5 s" fio_run --name=rw --filename=/dev/$d \
	--direct=1 --ioengine=io_uring --rw=randrw --bs=4k --iodepth=64 \
	--numjobs=2 --runtime=5 --time_based
cat /sys/kernel/debug/mq_virtio_blk/$d/stats
t_check "the ring filled up (hctx stopped and restarted)" \
	test "$(mqvb_stat $d ring_full)" -gt 0
t_check "no I/O errors" test "$(mqvb_stat $d errors)" = 0
t_check "queued == completed, nothing busy" mq_check_balanced $d
t_check "rmmod" rmmod mq_virtio_blk
t_done
