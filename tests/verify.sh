#!/bin/bash
# Data integrity on a memory-backed device: random writes with crc32c
# verify, mixed block sizes, both io_uring and libaio; every request ends
# exactly once.
. "$(dirname "$0")/lib/common.sh"

mq_load_nullblk memory_backed=1 gb=1 submit_queues=2 bs=512 ||
	{ t_fail "load"; t_done; }
d=mqnullb0
t_check "fio randwrite verify crc32c (io_uring)" fio_verify /dev/$d
t_check "fio mixed-size verify (libaio, 512..128k)" \
	fio_verify /dev/$d --ioengine=libaio --bsrange=512-128k --size=128M \
	--rw=randrw --numjobs=2 --offset_increment=256M
t_check "fio sequential 1M verify" fio_verify /dev/$d --rw=write --bs=1M \
	--size=256M
t_check "a second pass reads back what the first wrote" \
	fio_run --name=rb --filename=/dev/$d --direct=1 --rw=write --bs=1M \
	--size=256M --verify=crc32c --verify_only=1 --verify_fatal=1 \
	--ioengine=psync
t_verify_merged "plugged sequential 4k writes (io_uring batches) verify" \
	$d --rw=write --bs=4k --iodepth=32 --size=64M \
	--iodepth_batch_submit=16 --iodepth_batch_complete_min=16
t_check "contiguous bios were merged in the plug" test "$MERGED" -gt 0
t_check "unwritten sectors read as zeroes" \
	sh -c "dd if=/dev/$d bs=4k skip=200000 count=1 status=none | cmp -s - /dev/zero -n 4096"
# /proc/diskstats: reads and sectors counted once each, nothing left in
# flight (the core keeps these counters itself)
read -r r0 s0 t0 <<< "$(disk_stat $d 4 6 13)"
fio_run --name=acct --filename=/dev/$d --direct=1 --rw=read --bs=64k \
	--size=64M --ioengine=psync
read -r r1 s1 t1 <<< "$(disk_stat $d 4 6 13)"
t_log "diskstats reads $r0 -> $r1, sectors $s0 -> $s1, io_ticks $t0 -> $t1"
t_check "diskstats: 1024 reads of 64k counted" test $((r1 - r0)) -eq 1024
t_check "diskstats: 131072 sectors read counted" test $((s1 - s0)) -eq 131072
t_check "diskstats: busy time does not go back" test "$t1" -ge "$t0"
t_check "diskstats: nothing in flight when idle" \
	test "$(awk '{ print $1 + $2 }' /sys/block/$d/inflight)" -eq 0
t_check "queued == completed, nothing busy" mq_check_balanced $d
t_done
