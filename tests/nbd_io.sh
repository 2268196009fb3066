#!/bin/bash
# mq_nbd, the stock nbd converted by scripts/mq-convert, beside the stock
# nbd at the same time, each on its own qemu-nbd over TCP with 4
# connections (one hardware queue each): fio randwrite + verify with
# several jobs on both at once, then ext4 on mq_nbd (mkfs, copy, fsck,
# compare), disconnect and a second connect of the same device.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/nbd.sh"

nbd_load || { t_fail "load mq_core, mq_nbd and nbd"; t_done; }
t_check "/dev/mq_nbd0 and the stock /dev/nbd0 both exist" \
	test -b /dev/mq_nbd0 -a -b /dev/nbd0
t_check "mq_nbd has its own block major" \
	test "$(stat -c %t /dev/mq_nbd0)" != "$(stat -c %t /dev/nbd0)"
t_check "qemu-nbd for mq_nbd" nbd_serve /tmp/mq.img 10809 320
t_check "qemu-nbd for nbd" nbd_serve /tmp/stock.img 10810 320
t_check "nbd-client -C 4 connects /dev/mq_nbd0" nbd_connect /dev/mq_nbd0 10809 4
t_check "nbd-client -C 4 connects /dev/nbd0" nbd_connect /dev/nbd0 10810 4
t_log "mq_nbd0: $(cat /sys/block/mq_nbd0/size) sectors, $(nbd_hwqs mq_nbd0) hardware queues"
t_check "one hardware queue per connection" test "$(nbd_hwqs mq_nbd0)" = 4

# Both drivers under verify at once: 4 jobs each, disjoint ranges.
vf() {
	FIO_OUT=/tmp/fio.$2 fio_run --name=v --filename="$1" --direct=1 \
		--ioengine=libaio --rw=randwrite --bs=4k --iodepth=16 \
		--numjobs=4 --size=16M --offset_increment=64M \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --group_reporting
}
vf /dev/mq_nbd0 mq & p1=$!
vf /dev/nbd0 stock & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
t_check "fio randwrite+verify, 4 jobs, on mq_nbd0" test $r1 = 0
t_check "fio randwrite+verify, 4 jobs, on the stock nbd0 at the same time" test $r2 = 0
t_check "fio 64k sequential write+verify on mq_nbd0" fio_run --name=s \
	--filename=/dev/mq_nbd0 --direct=1 --ioengine=libaio --rw=write \
	--bs=64k --iodepth=8 --size=64M --verify=md5 --verify_fatal=1

fs_cycle /dev/mq_nbd0 800
t_check "disconnect mq_nbd0" nbd_disconnect /dev/mq_nbd0
t_check "mq_nbd0 is empty after disconnect" \
	t_wait 20 test "$(cat /sys/block/mq_nbd0/size)" = 0
t_check "reconnect mq_nbd0 with 2 connections" nbd_connect /dev/mq_nbd0 10809 2
t_check "2 hardware queues now" test "$(nbd_hwqs mq_nbd0)" = 2
t_check "the filesystem survived: fsck.ext4 -f -n" fsck.ext4 -f -n /dev/mq_nbd0
t_check "disconnect mq_nbd0" nbd_disconnect /dev/mq_nbd0
t_check "disconnect nbd0" nbd_disconnect /dev/nbd0
kill $(jobs -p) 2>/dev/null
wait 2>/dev/null
t_check "rmmod mq_nbd" rmmod mq_nbd
nbd_unload
t_done
