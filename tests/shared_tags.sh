#!/bin/bash
# Two devices on one small shared tag set under load: both make progress
# (fair share), and no tag is left busy afterwards.
. "$(dirname "$0")/lib/common.sh"

mq_load_nullblk nr_devices=2 shared_tags=1 hw_queue_depth=16 submit_queues=2 \
	irqmode=2 completion_nsec=200000 || { t_fail "load"; t_done; }
fio --eta=never --output=/tmp/a.out --name=a --filename=/dev/mqnullb0 --direct=1 \
	--ioengine=io_uring --rw=randread --bs=4k --iodepth=64 --numjobs=2 \
	--runtime=6 --time_based --group_reporting &
pa=$!
sleep 1
t_check "second device shows as sharing" \
	grep -q "shared 1" /sys/kernel/debug/mq_core/mqnullb1/state
fio --eta=never --output=/tmp/b.out --name=b --filename=/dev/mqnullb1 --direct=1 \
	--ioengine=io_uring --rw=randread --bs=4k --iodepth=4 --runtime=4 \
	--time_based &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
a=$(mq_stat mqnullb0 completed); b=$(mq_stat mqnullb1 completed)
t_log "completed: mqnullb0=$a mqnullb1=$b"
t_check "fio on both devices succeeded" test $ra = 0 -a $rb = 0
t_check "the light device made progress next to the heavy one" test "$b" -gt 500
t_check "tag fair share visible (active queues counted)" \
	grep -q "active_queues" /sys/kernel/debug/mq_core/mqnullb0/hctx0/tags
t_check "mqnullb0 balanced, no tag leak" mq_check_balanced mqnullb0
t_check "mqnullb1 balanced, no tag leak" mq_check_balanced mqnullb1
for f in /sys/kernel/debug/mq_core/mqnullb*/hctx*/tags; do
	busy=$(awk '$1 == "busy" { print $2 }' "$f")
	[ "$busy" = 0 ] || t_fail "$f busy=$busy"
done
t_done
