#!/bin/bash
# Completion from queue_rq (irqmode 0), through the IPI/softirq path (1) and
# from an hrtimer (2), with rq_affinity 0/1/2: all complete and verify.
. "$(dirname "$0")/lib/common.sh"

for mode in 0 1 2; do
	mq_load_nullblk memory_backed=1 gb=1 submit_queues=1 irqmode=$mode \
		completion_nsec=20000 || { t_fail "load irqmode=$mode"; continue; }
	for aff in 0 1 2; do
		echo $aff > /sys/block/mqnullb0/queue/rq_affinity
		t_check "irqmode=$mode rq_affinity=$aff verify" \
			fio_verify /dev/mqnullb0 --size=16M --numjobs=2 \
			--offset_increment=32M
	done
	t_check "irqmode=$mode balanced" mq_check_balanced mqnullb0
	rmmod mq_nullblk || t_fail "rmmod after irqmode=$mode"
done
t_done
