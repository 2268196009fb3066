#!/bin/bash
# vm: --cpus 4
# Live reconfiguration: change submit_queues, poll_queues and
# hw_queue_depth of a live device 10 times while fio verifies and a reader
# walks the core's debugfs files (queue and hctx state, stats, tags, busy)
# as the hctxs are torn down and rebuilt; zero failed I/O, the hctx count
# in sysfs follows.  MQ_RECONFIG_N (changes, default 10) and
# MQ_RECONFIG_PAUSE (seconds between changes, default 1) make it a stress
# test.
. "$(dirname "$0")/lib/common.sh"

modprobe configfs 2>/dev/null
mq_load_nullblk nr_devices=0 || { t_fail "load"; t_done; }
cfs_new c size=512 memory_backed=1 submit_queues=2 hw_queue_depth=32 power=1 ||
	{ t_fail "create"; t_done; }
d=$(cfs_disk c)
n_changes=${MQ_RECONFIG_N:-10}
pause=${MQ_RECONFIG_PAUSE:-1}
fio_verify /dev/$d --size=128M --numjobs=2 --offset_increment=256M \
	--runtime=$((10 + n_changes * 2)) --time_based --verify_backlog=128 > /tmp/fv.out 2>&1 &
fpid=$!
# Reads of debugfs racing the updates (files of freed hctxs come and go).
dbg=/sys/kernel/debug/mq_core/$d
(while :; do cat $dbg/state $dbg/stats $dbg/hctx*/* > /dev/null 2>&1; done) &
rpid=$!
sleep 1
ok=0
for i in $(seq 1 "$n_changes"); do
	q=$(( (i % 4) + 1 )); depth=$(( 8 << (i % 4) )); p=$(( i % 2 ))
	echo $q > $CFS/c/submit_queues || { t_fail "set submit_queues=$q"; continue; }
	echo $p > $CFS/c/poll_queues || { t_fail "set poll_queues=$p"; continue; }
	echo $depth > $CFS/c/hw_queue_depth || { t_fail "set hw_queue_depth=$depth"; continue; }
	n=$(ls -d /sys/block/$d/mq/[0-9]* | wc -l)
	tags=$(cat /sys/block/$d/mq/0/nr_tags)
	if [ "$tags" = "$depth" ] && [ "$n" = $((q + p)) ]; then ok=$((ok + 1)); else
		t_fail "after $q+$p x $depth: sysfs shows $n hctxs, $tags tags"; fi
	sleep "$pause"
done
t_check "sysfs followed all $n_changes changes" test $ok = "$n_changes"
wait $fpid
rc=$?
kill $rpid 2>/dev/null; wait $rpid 2>/dev/null
[ $rc != 0 ] && tail -20 /tmp/fv.out
t_check "fio verify across reconfiguration: no error" test $rc = 0
t_check "balanced" mq_check_balanced $d
echo 0 > $CFS/c/power; rmdir $CFS/c
t_done
