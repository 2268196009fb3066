#!/bin/bash
# Removal during I/O: power a configfs device off under fio; fio gets
# errors, nothing hangs, and the module unloads afterwards.  rmmod while a
# disk is open is refused.  MQ_REMOVE_N sets the number of create/fio/remove
# rounds (default 3; scripts/stress runs 100).
. "$(dirname "$0")/lib/common.sh"

modprobe configfs 2>/dev/null
mq_load_nullblk nr_devices=0 || { t_fail "load"; t_done; }
n_rounds=${MQ_REMOVE_N:-3}
for round in $(seq 1 "$n_rounds"); do
	cfs_new r$round size=512 irqmode=2 completion_nsec=100000 \
		submit_queues=2 memory_backed=1 power=1 || { t_fail "create r$round"; break; }
	d=$(cfs_disk r$round)
	fio --eta=never --output=/tmp/r.out --name=r --filename=/dev/$d --direct=1 \
		--ioengine=io_uring --rw=randrw --bs=4k --iodepth=32 --numjobs=2 \
		--runtime=30 --time_based &
	fpid=$!
	sleep "${MQ_REMOVE_PAUSE:-2}"
	if [ $round = 1 ]; then
		t_expect_fail "rmmod refused while the disk is open" rmmod mq_nullblk
	fi
	echo 0 > $CFS/r$round/power || t_fail "power off r$round"
	t_check "disk $d gone after power off" test ! -e /sys/block/$d
	wait $fpid
	frc=$?
	t_check "round $round: fio ended with an error (not a hang)" test $frc != 0
	rmdir $CFS/r$round || t_fail "rmdir r$round"
done
# power off an idle device and delete a powered one directly
cfs_new idle size=64 power=1 && echo 0 > $CFS/idle/power && rmdir $CFS/idle ||
	t_fail "idle create/power-off/delete"
cfs_new live size=64 power=1 && rmdir $CFS/live || t_fail "rmdir of a powered device"
t_check "rmmod mq_nullblk after removals" rmmod mq_nullblk
t_check "rmmod mq_core" rmmod mq_core
t_done
