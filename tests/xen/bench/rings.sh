#!/bin/bash
# tests/xen/bench/rings.sh - the ring-scaling benchmark's domU side (not a test;
# xen-run --frontend both): mq_xenfront alone, the same fio job as compare.sh (io_uring
# randread 4k, iodepth $XR_IODEPTH (16), one job per vCPU, pinned), alternating
# max_queues=1 and max_queues=$XR_RINGS (the device changes rings by unbind + rmmod +
# insmod; xen-blkback reconnects) for $XR_PAIRS pairs of $XR_BENCH_SECS s each, the
# order inside a pair swapped every other pair so that neither ring count always runs
# later.  Before the first: $XR_SETTLE_SECS s (60) of the job, split over both ring
# counts, settle the rig.  Prints "XR-PAIR <n> <IOPS 1 ring> <IOPS N rings>" per pair.
# XR_STAT=1: counters around each measured run for scripts/xen-bench-stat.awk.
. /tests/lib/common.sh
. /tests/lib/bench.sh

rings=${XR_RINGS:-2}

# xr_stat TAG: counters around a measured run (XR_STAT=1): the domU's CPU times,
# interrupts and completed reads, and dom0's (xl vcpu-list, /proc/stat,
# /proc/interrupts, the loop device's reads) on the console
xr_stat() {
    local r
    xr_request "dom0-stat $1"
    grep -E '^cpu|^ctxt' /proc/stat | sed "s/^/XR-STAT $1 /"
    grep -E "$XR_DEV|resched|callfunc|timer" /proc/interrupts | sed "s/^/XR-STAT $1 /"
    read -r r _ </sys/block/$XR_DEV/stat && echo "XR-STAT $1 reads $r"
    # dom0 reads the console once a second: let it answer before the run starts or
    # the device goes away (its counters are divided by its own reads anyway)
    sleep 2
}

# run Q: load mq_xenfront with max_queues=Q, a 3 s warm-up, one measured run; its IOPS
# in $iops
run() {
    xr_load_frontend mq "max_queues=$1"
    [[ $(xr_nr_hctx) == "$1" ]] || xr_fail "max_queues=$1: $(xr_nr_hctx) hardware queues"
    xr_job_run 3
    ((${XR_STAT:-0})) && xr_stat "q$1-begin"
    iops=$(xr_job_iops "${XR_BENCH_SECS:-10}")
    ((${XR_STAT:-0})) && xr_stat "q$1-end"
    xr_unload_frontend
}

# Settle: throughput climbs during the first minutes of a boot and of each new code
# path (QEMU translates it), so run both ring counts twice before measuring.
for q in "$rings" 1 "$rings" 1; do
    xr_load_frontend mq "max_queues=$q"
    xr_job_run $((${XR_SETTLE_SECS:-60} / 4))
    xr_unload_frontend
done
for ((p = 1; p <= ${XR_PAIRS:-8}; p++)); do
    if ((p % 2)); then
        run 1; one=$iops; run "$rings"; many=$iops
    else
        run "$rings"; many=$iops; run 1; one=$iops
    fi
    xr_log "pair $p: 1 ring $one IOPS, $rings rings $many IOPS"
    echo "XR-PAIR $p $one $many"
done
xr_done
