#!/bin/bash
# mq_virtio_blk surprise removal, simulated: debugfs "break" breaks the
# virtqueues as the PCI transport does when the device vanished.  Under
# fio: new I/O fails at once, I/O in flight is failed by the timeout
# handler (2 s timeout) or, when unbind comes first, by remove; no hang,
# every request ends once; bind brings the (still present) device back.
# vm: --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,drive=d0,num-queues=2
# vm-host: tests/lib/vm-host.sh --disk d0=64M
. "$(dirname "$0")/lib/common.sh"

OURS=/sys/bus/virtio/drivers/mq_virtio_blk
busy() {
	fio_bg --name=busy --filename=/dev/$d --direct=1 --ioengine=io_uring \
		--rw=randrw --bs=16k --iodepth=32 --numjobs=2 --time_based \
		--runtime=60
}
gone() {
	local i
	for i in $(seq 200); do [ -e /sys/block/$d ] || return 0; sleep 0.1; done
	return 1
}

mq_load_virtio_blk || { t_fail "load"; t_done; }
d=$(mqvb_disks | head -1)
[ -n "$d" ] || { t_fail "no mqvd disk"; t_done; }
v=$(basename "$(readlink -f /sys/block/$d/device)")
t_log "disk $d on $v"

echo 2000 > /sys/block/$d/mq/io_timeout
busy
sleep 3
t_check "break the virtqueues under fio" \
	sh -c "echo 1 > /sys/kernel/debug/mq_virtio_blk/$d/break"
t_check "fio ends within 20 s (new I/O fails, in-flight I/O times out)" fio_bg_ends 20
# Requests in flight at the break are failed by the timeout handler (the
# driver's errors counter); new ones fail when they meet the broken ring.
# How many were in flight depends on timing: fio's status is the check.
t_log "fio exit $FIO_BG_RC, in flight failed by the driver: $(mqvb_stat $d errors), timeouts: $(mq_stat $d timeouts)"
t_check "fio saw its I/O fail" test "$FIO_BG_RC" != 0
t_expect_fail "a read on the broken device fails" \
	dd if=/dev/$d of=/dev/null bs=4k count=1 iflag=direct status=none
t_check "queued == completed, nothing busy" mq_check_balanced $d
t_check "unbind the broken device" sh -c "echo $v > $OURS/unbind"
t_check "disk gone" gone
t_check "bind again (the device is still there)" sh -c "echo $v > $OURS/bind"
d=$(mqvb_disks | head -1)
t_check "disk back ($d), verify" fio_verify /dev/$d --size=16M

dmesg -C
busy
sleep 3
t_check "break, then unbind at once, I/O in flight" \
	sh -c "echo 1 > /sys/kernel/debug/mq_virtio_blk/$d/break && echo $v > $OURS/unbind"
t_check "remove failed what the rings held" \
	sh -c "dmesg | grep -q 'device gone: failing I/O in flight'"
t_check "disk gone" gone
t_check "fio ends within 20 s" fio_bg_ends 20
t_check "bind again" sh -c "echo $v > $OURS/bind"
d=$(mqvb_disks | head -1)
t_check "disk back ($d), verify" fio_verify /dev/$d --size=16M
t_check "rmmod" rmmod mq_virtio_blk
t_done
