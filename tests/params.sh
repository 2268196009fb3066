#!/bin/bash
# Every bad module parameter and configfs write is refused with an errno
# and a log line; the module stays usable.
. "$(dirname "$0")/lib/common.sh"

modprobe configfs 2>/dev/null
mq_load_core || { t_fail "load core"; t_done; }
ko=$TOP/mq_nullblk/mq_nullblk.ko
for p in bs=333 bs=0 bs=8192 hw_queue_depth=0 irqmode=7 irqmode=-1 \
	 submit_queues=-1 submit_queues=0 poll_queues=-2 queue_mode=0 \
	 timeout=garbage requeue=1,2 completion_nsec=-5 gb=0 nr_devices=-1; do
	dmesg -C
	if insmod "$ko" $p 2>/dev/null; then
		t_fail "insmod $p was accepted"
		rmmod mq_nullblk
	elif grep -qi "mq_nullblk" <(dmesg); then
		t_ok "insmod $p refused: $(dmesg | grep -i mq_nullblk | tail -1 | sed 's/^\[[^]]*\] //')"
	else
		t_fail "insmod $p refused without a log line"
	fi
done
t_check "good parameters load" insmod "$ko" nr_devices=1 bs=4096 gb=1
t_expect_fail "runtime write of irqmode=9 via sysfs" \
	sh -c "echo 9 > /sys/module/mq_nullblk/parameters/irqmode"
mkdir $CFS/p || t_fail "mkdir configfs device"
for kv in blocksize=333 irqmode=7 hw_queue_depth=0 submit_queues=abc \
	  size=-1 power=2 completion_nsec=xyz memory_backed=7 poll_queues=-1; do
	t_expect_fail "configfs ${kv%%=*} <- '${kv#*=}'" \
		sh -c "echo '${kv#*=}' > $CFS/p/${kv%%=*}"
done
echo 64 > $CFS/p/size; echo 1 > $CFS/p/power || t_fail "power on after bad writes"
t_expect_fail "size change while powered is refused" sh -c "echo 128 > $CFS/p/size"
t_expect_fail "blocksize change while powered is refused" sh -c "echo 4096 > $CFS/p/blocksize"
d=$(cfs_disk p)
t_check "device still works" dd if=/dev/$d of=/dev/null bs=4k count=100 status=none
echo 0 > $CFS/p/power; rmdir $CFS/p
t_check "sysfs cpu_list / nr_tags / nr_reserved_tags / queued readable" \
	cat /sys/block/mqnullb0/mq/0/cpu_list /sys/block/mqnullb0/mq/0/nr_tags \
	/sys/block/mqnullb0/mq/0/nr_reserved_tags /sys/block/mqnullb0/mq/0/queued \
	/sys/block/mqnullb0/mq/0/dispatched /sys/block/mqnullb0/mq/0/active
rmmod mq_nullblk || t_fail "rmmod"
t_done
