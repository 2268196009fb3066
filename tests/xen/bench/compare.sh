#!/bin/bash
# tests/xen/bench/compare.sh - the benchmark's domU side (not a test; xen-run --frontend
# both): the same fio job (io_uring randread 4k, iodepth $XR_IODEPTH (16), one job per
# vCPU, pinned) on the same backend in one boot, first through xen-blkfront with
# max_queues=$XR_RINGS, then through mq_xenfront with max_queues=$XR_RINGS (the device
# changes driver by unbind + rmmod; xen-blkback reconnects).  Before the first:
# $XR_SETTLE_SECS s (30) of the job to settle the rig.  Each configuration: a warm-up,
# $XR_ROUNDS rounds of $XR_BENCH_SECS s; prints "XR-BENCH <config> <median IOPS>".
# Ring scaling is rings.sh's.
. /tests/lib/common.sh
. /tests/lib/bench.sh

rings=${XR_RINGS:-2}

# measure NAME: rounds of the job on the current frontend; the median as XR-BENCH
measure() {
    local r iops all=()
    xr_log "$1: $(cat /sys/block/$XR_DEV/mq/*/cpu_list 2>/dev/null | tr '\n' ' ')" \
        "irqs: $(grep -c "$XR_DEV\|blkif" /proc/interrupts) event channel(s)"
    xr_job_run 3
    for ((r = 1; r <= ${XR_ROUNDS:-3}; r++)); do
        iops=$(xr_job_iops "${XR_BENCH_SECS:-10}")
        xr_log "$1 round $r: $iops IOPS"
        all+=("$iops")
    done
    echo "XR-BENCH $1 $(printf '%s\n' "${all[@]}" | sort -n | awk '{v[NR] = $1}
        END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}')"
}

xr_load_frontend stock "max_queues=$rings"
# Throughput climbs during the first minutes of a boot, whoever drives the disk, and
# xen-blkfront can only go first (it takes the device once per boot, and only a fresh
# one): settle the rig before anything is measured.
xr_job_run "${XR_SETTLE_SECS:-30}"
measure "stock-q$rings"
xr_unload_frontend
xr_load_frontend mq "max_queues=$rings"
measure "mq-q$rings"
xr_unload_frontend
xr_done
