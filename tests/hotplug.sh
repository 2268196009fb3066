#!/bin/bash
# vm: --cpus 4
# CPU offline/online 20 times while fio verifies: no I/O error, and the
# sysfs mapping follows (an offline CPU is in no cpu_list).  MQ_HOTPLUG_N
# sets the number of offline events (scripts/stress runs 100).
. "$(dirname "$0")/lib/common.sh"

mq_load_nullblk memory_backed=1 gb=1 submit_queues=2 irqmode=1 ||
	{ t_fail "load"; t_done; }
d=mqnullb0
t_log "initial map: $(for h in /sys/block/$d/mq/*; do echo -n "${h##*/}:[$(cat $h/cpu_list)] "; done)"
n_events=${MQ_HOTPLUG_N:-20}
fio_verify /dev/$d --size=64M --numjobs=2 --offset_increment=128M \
	--runtime=$((n_events * 2)) --time_based --verify_backlog=256 > /dev/null 2>&1 &
fpid=$!
follow=0
for i in $(seq 1 "$n_events"); do
	cpu=$(( (i % 3) + 1 ))
	echo 0 > /sys/devices/system/cpu/cpu$cpu/online || t_fail "offline cpu$cpu"
	if grep -qw "$cpu" /sys/block/$d/mq/*/cpu_list; then
		t_fail "offline cpu$cpu still in a cpu_list"
	else
		follow=$((follow + 1))
	fi
	# every hctx with a CPU online again after the remap
	sleep 0.3
	echo 1 > /sys/devices/system/cpu/cpu$cpu/online || t_fail "online cpu$cpu"
	grep -qw "$cpu" /sys/block/$d/mq/*/cpu_list || t_fail "cpu$cpu not back in a cpu_list"
	sleep 0.3
done
t_log "final map: $(for h in /sys/block/$d/mq/*; do echo -n "${h##*/}:[$(cat $h/cpu_list)] "; done)"
t_check "mapping followed all $n_events offline events" test $follow = "$n_events"
wait $fpid
t_check "fio verify across hotplug: no error" test $? = 0
t_check "balanced" mq_check_balanced $d
t_done
