#!/bin/bash
# Injected timeouts and requeues: every request ends exactly once, fio
# sees errors only for the injected timeouts, and requeued I/O verifies.
. "$(dirname "$0")/lib/common.sh"

# Requeues only: no error may reach fio, and data must verify.
mq_load_nullblk memory_backed=1 gb=1 submit_queues=2 requeue="1,10,0,-1" ||
	{ t_fail "load with requeue injection"; t_done; }
t_check "verify with 10% requeues: no error" fio_verify /dev/mqnullb0 --size=32M
rq=$(mq_stat mqnullb0 requeued); busy=$(mq_stat mqnullb0 busy)
t_log "requeued=$rq busy=$busy"
t_check "driver requeues happened" test "$rq" -gt 50
t_check "BUSY returns (core requeue + rerun) happened" test "$busy" -gt 50
t_check "balanced after requeues" mq_check_balanced mqnullb0
rmmod mq_nullblk

# Timeouts: 20 swallowed requests, then none.  The core's timer must find
# them.  The fault is armed once the disk is up with a 2 s timeout (armed
# at load, the partition scan would spend it at 5 s a request).
mq_load_nullblk gb=1 submit_queues=2 || { t_fail "load"; t_done; }
t_check "set mq/io_timeout to 2 s" sh -c "echo 2000 > /sys/block/mqnullb0/mq/io_timeout"
t_expect_fail "io_timeout 0 refused" sh -c "echo 0 > /sys/block/mqnullb0/mq/io_timeout"
t_check "arm timeout injection (20 requests)" \
	sh -c "echo 1,100,0,20 > /sys/module/mq_nullblk/parameters/timeout"
start=$(date +%s)
fio --eta=never --output=/tmp/t.out --name=t --filename=/dev/mqnullb0 --direct=1 \
	--ioengine=io_uring --rw=randread --bs=4k --iodepth=8 --number_ios=500 \
	--continue_on_error=all --size=64M
end=$(date +%s)
errs=$(grep -oE "err= *[0-9]+" /tmp/t.out | head -1 | grep -oE "[0-9]+$")
to=$(mq_stat mqnullb0 timeouts)
t_log "fio err=$errs, core timeouts=$to, took $((end - start)) s"
grep -E "error|err=" /tmp/t.out | head -5
t_check "the core timed out every swallowed request (iodepth 8)" test "$to" -ge 8
t_check "balanced after timeouts (each request ended once)" mq_check_balanced mqnullb0
rmmod mq_nullblk

# irqmode 2 with completions slower than the timeout: the handler takes
# each request off the queue's completion timer list; each ends once.
mq_load_nullblk gb=1 submit_queues=2 irqmode=2 completion_nsec=3000000000 ||
	{ t_fail "load slow irqmode=2"; t_done; }
echo 1000 > /sys/block/mqnullb0/mq/io_timeout
fio --eta=never --output=/tmp/s.out --name=s --filename=/dev/mqnullb0 --direct=1 \
	--ioengine=io_uring --rw=randread --bs=4k --iodepth=4 --number_ios=8 \
	--continue_on_error=all --size=16M
to=$(mq_stat mqnullb0 timeouts)
t_log "slow completions: core timeouts=$to"
t_check "slow irqmode=2 requests timed out" test "$to" -ge 4
sleep 3	# completion timers that lost the race must not end anything twice
t_check "balanced after slow completions" mq_check_balanced mqnullb0
t_check "irqmode=2 I/O still fine afterwards (3 s each)" \
	sh -c "echo 30000 > /sys/block/mqnullb0/mq/io_timeout && dd if=/dev/mqnullb0 of=/dev/null bs=4k count=2 iflag=direct status=none"
t_done
