#!/bin/bash
# Driver shapes the other tests do not cover, each with crc32c verify:
# a blocking driver (queue_rq may sleep: dispatched from process context),
# one tag space for all hardware queues, 4K sectors, a tiny queue depth
# (tag waits), and polled I/O on a blocking driver.
. "$(dirname "$0")/lib/common.sh"

run() { # run <label> <module params...>
	local label=$1; shift
	if ! mq_load_nullblk memory_backed=1 gb=1 "$@"; then
		t_fail "$label: load"; return
	fi
	t_check "$label: verify" fio_verify /dev/mqnullb0 --size=32M --numjobs=2 \
		--offset_increment=64M
	t_check "$label: libaio verify, sync submit" fio_verify /dev/mqnullb0 \
		--ioengine=libaio --size=16M --iodepth=4
	t_check "$label: balanced" mq_check_balanced mqnullb0
	rmmod mq_nullblk || t_fail "$label: rmmod"
}

run "blocking" blocking=1 submit_queues=2
run "blocking+timer" blocking=1 irqmode=2 submit_queues=2
run "shared_tag_bitmap" shared_tag_bitmap=1 submit_queues=2 hw_queue_depth=32
run "bs=4096" bs=4096 submit_queues=2
run "depth=2 (tag waits)" hw_queue_depth=2 submit_queues=1
run "blocking+poll" blocking=1 poll_queues=1 submit_queues=1
t_done
