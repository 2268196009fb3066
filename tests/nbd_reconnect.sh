#!/bin/bash
# mq_nbd's connections going away under I/O, as the stock nbd handles it
# (dead_conn_timeout): connected over netlink (mq_nbd/mq-nbd-ctl, its own
# family) with 2 connections, the server is killed during fio
# randwrite+verify and restarted, new connections are handed over with
# NBD_CMD_RECONFIGURE: the requests in flight are retried on them and fio
# verifies every block.  Then the server is killed for good: I/O fails
# with EIO once dead_conn_timeout has passed, and the device disconnects.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/nbd.sh"
CTL=$TOP/mq_nbd/mq-nbd-ctl

nbd_load || { t_fail "load mq_core, mq_nbd and nbd"; t_done; }
t_check "qemu-nbd" nbd_serve /tmp/r.img 10811 160
t_check "mq-nbd-ctl connect -C 2 (timeout 8 s, dead_conn_timeout 120 s)" \
	sh -c "$CTL connect -i 0 -C 2 -t 8 -D 120 127.0.0.1 10811 > /tmp/dev"
t_check "it is /dev/mq_nbd0" test "$(cat /tmp/dev)" = /dev/mq_nbd0
t_check "mq-nbd-ctl status says connected" \
	sh -c "$CTL status -i 0 | grep -q 'mq_nbd0 connected'"
t_check "2 hardware queues" test "$(nbd_hwqs mq_nbd0)" = 2

FIO_OUT=/tmp/fio.r fio_run --name=r --filename=/dev/mq_nbd0 --direct=1 \
	--ioengine=libaio --rw=randwrite --bs=4k --iodepth=16 --numjobs=2 \
	--size=24M --offset_increment=32M --verify=crc32c --verify_fatal=1 \
	--do_verify=1 --group_reporting & fio=$!
sleep 4
t_log "killing the server under I/O"
kill -9 "$NBD_PID"
wait "$NBD_PID" 2>/dev/null
sleep 2
t_check "fio still running while the server is gone" kill -0 $fio
t_check "qemu-nbd restarted on the same image" nbd_serve /tmp/r.img 10811 160
t_check "mq-nbd-ctl reconfigure hands over 2 new connections" \
	t_wait 30 $CTL reconfigure -i 0 -C 2 127.0.0.1 10811
wait $fio
t_check "fio randwrite+verify across the server restart" test $? = 0
t_check "fsck-free raw check: 4k write+verify after the reconnect" fio_run \
	--name=a --filename=/dev/mq_nbd0 --direct=1 --ioengine=libaio \
	--rw=randwrite --bs=4k --iodepth=8 --size=8M --verify=crc32c \
	--verify_fatal=1

# Dead for good: requests wait dead_conn_timeout for a connection, then fail.
t_check "reconfigure dead_conn_timeout to 5 s" $CTL reconfigure -i 0 -D 5
kill -9 "$NBD_PID"
wait "$NBD_PID" 2>/dev/null
start=$SECONDS
t_expect_fail "a read fails with the server gone" \
	dd if=/dev/mq_nbd0 of=/dev/null bs=4k count=16 skip=1000 iflag=direct
t_log "the read failed after $((SECONDS - start)) s"
t_check "... within dead_conn_timeout plus the request timeout (60 s)" \
	test $((SECONDS - start)) -lt 60
t_check "mq-nbd-ctl disconnect" $CTL disconnect -i 0
t_check "mq_nbd0 is empty after disconnect" \
	t_wait 20 test "$(cat /sys/block/mq_nbd0/size)" = 0
t_check "rmmod mq_nbd" t_wait 20 rmmod mq_nbd
nbd_unload
t_done
