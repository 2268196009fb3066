#!/bin/bash
# Every bad module parameter and configfs write is refused with an errno
# and a log line; the module stays usable.  Values null_blk clamps
# (submit_queues, bs above the page size, mbps, queue_mode/irqmode in
# configfs) are clamped the same way, with a log line.
. "$(dirname "$0")/lib/common.sh"

modprobe configfs 2>/dev/null
mq_load_core || { t_fail "load core"; t_done; }
ko=$TOP/mq_nullblk/mq_nullblk.ko
for p in bs=333 bs=0 hw_queue_depth=0 irqmode=7 irqmode=-1 \
	 submit_queues=abc poll_queues=-2 queue_mode=3 queue_mode=-1 zoned=1 \
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
# param=value expected-value: loads, logs, and the parameter reads back
# the clamped value (queue_mode 0: kept, logged, run as multi-queue).
ncpu=$(cat /sys/devices/system/cpu/possible | awk -F- '{ print $NF + 1 }')
for pe in submit_queues=0:1 submit_queues=-3:1 submit_queues=64:$ncpu \
	  bs=8192:4096 mbps=99999:40960 queue_mode=0:0 queue_mode=1:1; do
	p=${pe%:*}; want=${pe##*:}
	dmesg -C
	if ! insmod "$ko" nr_devices=1 gb=1 "$p" 2>/dev/null; then
		t_fail "insmod $p (null_blk clamps or accepts it) was refused"
		continue
	fi
	got=$(cat "/sys/module/mq_nullblk/parameters/${p%%=*}")
	log=$(dmesg | grep -i "mq_nullblk.*${p%%=*}" | tail -1 | sed 's/^\[[^]]*\] //')
	t_check "insmod $p: ${p%%=*} reads $got (want $want), log '$log'" \
		test "$got" = "$want" -a -n "$log"
	t_check "insmod $p: the disk works" \
		dd if=/dev/mqnullb0 of=/dev/null bs=4k count=10 iflag=direct status=none
	rmmod mq_nullblk
done
t_check "good parameters load" insmod "$ko" nr_devices=1 bs=4096 gb=1
t_expect_fail "runtime write of irqmode=9 via sysfs" \
	sh -c "echo 9 > /sys/module/mq_nullblk/parameters/irqmode"
mkdir $CFS/p || t_fail "mkdir configfs device"
for kv in blocksize=333 irqmode=abc hw_queue_depth=0 submit_queues=abc \
	  size=-1 power=2 completion_nsec=xyz memory_backed=7 poll_queues=-1 \
	  zoned=1 badblocks=+0-7 zone_offline=0; do
	t_expect_fail "configfs ${kv%%=*} <- '${kv#*=}'" \
		sh -c "echo '${kv#*=}' > $CFS/p/${kv%%=*}"
done
for kv in irqmode=7:2 queue_mode=5:2 submit_queues=64:$ncpu submit_queues=0:1 \
	  mbps=99999:40960; do
	a=${kv%%=*}; v=${kv#*=}; v=${v%:*}; want=${kv##*:}
	echo "$v" > "$CFS/p/$a" || t_fail "configfs $a <- $v (null_blk clamps it) refused"
	t_check "configfs $a <- $v reads $(cat "$CFS/p/$a") (want $want)" \
		test "$(cat "$CFS/p/$a")" = "$want"
done
echo 0 > $CFS/p/mbps
t_expect_fail "mkdir of the taken name mqnullb0 (EEXIST)" mkdir $CFS/mqnullb0
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
