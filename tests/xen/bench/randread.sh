#!/bin/bash
# tests/xen/bench/randread.sh - the benchmark's domU side (not a test): fio io_uring
# randread 4k, one job per vCPU pinned, after a warm-up; prints XR-BENCH-IOPS=<n>.
. /tests/lib/common.sh

xr_wait_disk
n=$(nproc)
common=(--rw=randread --bs=4k --ioengine=io_uring --iodepth=16 --numjobs="$n"
    --cpus_allowed="0-$((n - 1))" --cpus_allowed_policy=split --size=128M)
xr_fio "${common[@]}" --runtime=3 --time_based >/dev/null 2>&1 || true
total=0
for r in 1 2 3; do
    iops=$(xr_fio "${common[@]}" --runtime="${XR_BENCH_SECS:-10}" --time_based \
        --output-format=terse --terse-version=3 2>/dev/null | awk -F';' '{s += $8} END {print s + 0}')
    xr_log "round $r: $iops IOPS"
    total=$((total + iops))
done
echo "XR-BENCH-IOPS=$((total / 3))"
