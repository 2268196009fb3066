#!/bin/bash
# A LUN that answers a rescan with a bad READ CAPACITY (mq_scsi_debug
# rc_block_size): block sizes 0, 256 and 8192 (unsupported) and 4096 (a
# change) are refused with an error, and the disk keeps its block size,
# size and data: reads at an offset return that offset's blocks (not
# LBA 0's), fio verifies, also with fio running across the rescans.  A
# good rescan afterwards works, and a capacity change (rc_blocks) under
# fio is published with the queue frozen: the disk shrinks and grows
# back, I/O past the new end fails, fio in front of it never errs.
. "$(dirname "$0")/lib/common.sh"

mq_load_scsi_debug dev_size_mb=32 ndelay=100000 || { t_fail "load"; t_done; }
d=$(scsi_disks | head -1)
[ -n "$d" ] || { t_fail "no disk"; t_done; }
DEV=/sys/block/$d/device
P=/sys/module/mq_scsi_debug/parameters
sz=$(cat /sys/block/$d/size)
bs=$(cat /sys/block/$d/queue/logical_block_size)

dd if=/dev/urandom of=/tmp/lba0 bs=64k count=1 status=none
dd if=/dev/urandom of=/tmp/mid bs=64k count=1 status=none
dd if=/tmp/lba0 of=/dev/$d bs=64k oflag=direct status=none
dd if=/tmp/mid of=/dev/$d bs=64k seek=100 oflag=direct status=none
# data_ok: the first 64k and the 64k at 6400k read back as written
data_ok() {
	cmp -s /tmp/lba0 <(dd if=/dev/$d bs=64k count=1 iflag=direct status=none) &&
		cmp -s /tmp/mid <(dd if=/dev/$d bs=64k skip=100 count=1 iflag=direct status=none)
}
t_check "data written" data_ok

for bad in 256 0 8192 4096; do
	echo $bad > $P/rc_block_size
	t_expect_fail "rescan with READ CAPACITY block size $bad refused" \
		sh -c "echo 1 > $DEV/rescan"
	echo -1 > $P/rc_block_size
	t_check "block size $bad: logical block size still $bs" \
		test "$(cat /sys/block/$d/queue/logical_block_size)" = "$bs"
	t_check "block size $bad: size still $sz" \
		test "$(cat /sys/block/$d/size)" = "$sz"
	t_check "block size $bad: each offset reads its own data" data_ok
	t_check "block size $bad: fio verify" fio_verify /dev/$d --size=8M \
		--offset=16M
done

# the same under I/O: rescans with a bad answer while fio verifies
fio_bg --direct=1 --ioengine=io_uring --rw=randrw --bs=4k --iodepth=16 \
	--runtime=15 --time_based --name=v --filename=/dev/$d --offset=16M \
	--size=8M --verify=crc32c --verify_fatal=1
for i in $(seq 10); do
	echo 256 > $P/rc_block_size
	echo 1 > $DEV/rescan 2>/dev/null
	echo -1 > $P/rc_block_size
	echo 1 > $DEV/rescan 2>/dev/null
	sleep 0.5
done
t_check "fio ended" fio_bg_ends 60
t_check "fio exited 0" test "${FIO_BG_RC:-1}" = 0
t_check "fio saw no error across bad rescans" \
	sh -c "! grep -qE 'err= *[1-9]' /tmp/busy.out"
t_check "good rescan after the bad ones" sh -c "echo 1 > $DEV/rescan"
t_check "data intact" data_ok
t_check "no unaligned or oversized request was logged" \
	sh -c "! dmesg | grep -q 'unaligned request'"

# a real resize under I/O: the new capacity goes in with the queue frozen
fio_bg --direct=1 --ioengine=io_uring --rw=randrw --bs=4k --iodepth=16 \
	--runtime=15 --time_based --name=v --filename=/dev/$d --offset=1M \
	--size=5M --verify=crc32c --verify_fatal=1
for i in $(seq 5); do
	echo $((sz / 4)) > $P/rc_blocks
	echo 1 > $DEV/rescan || t_fail "rescan to $((sz / 4)) blocks"
	[ "$(cat /sys/block/$d/size)" = $((sz / 4)) ] ||
		t_fail "size $(cat /sys/block/$d/size) after the shrink"
	echo 0 > $P/rc_blocks
	echo 1 > $DEV/rescan || t_fail "rescan back to $sz"
	sleep 1
done
t_check "fio ended (resizes)" fio_bg_ends 60
t_check "fio exited 0 across resizes" test "${FIO_BG_RC:-1}" = 0
echo $((sz / 4)) > $P/rc_blocks
t_check "shrink to a quarter" sh -c "echo 1 > $DEV/rescan"
t_check "size is a quarter" test "$(cat /sys/block/$d/size)" = $((sz / 4))
t_expect_fail "a read past the new end fails" \
	dd if=/dev/$d of=/dev/null bs=4k skip=$((sz / 32 + 16)) count=1 iflag=direct status=none
echo 0 > $P/rc_blocks
t_check "grow back" sh -c "echo 1 > $DEV/rescan"
t_check "size back to $sz" test "$(cat /sys/block/$d/size)" = "$sz"
t_check "data intact after the resizes" data_ok
t_check "dispatched == done" scsi_check_balanced $d
mq_scsi_unload
t_check "modules unloaded" sh -c "! lsmod | grep -q '^mq_scsi'"
t_done
