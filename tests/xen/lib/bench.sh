#!/bin/bash
# tests/xen/lib/bench.sh - the Xen benchmark's fio job, for tests/xen/bench/*.sh in the
# domU (sourced after common.sh): io_uring randread 4k, iodepth $XR_IODEPTH (16), one
# job per vCPU pinned to it.

n=$(nproc)
xr_job=(--rw=randread --bs=4k --ioengine=io_uring --iodepth="${XR_IODEPTH:-16}"
    --numjobs="$n" --cpus_allowed="0-$((n - 1))" --cpus_allowed_policy=split --size=128M)

# xr_job_run SECONDS: the job for SECONDS, output discarded (warm-up, settling)
xr_job_run() {
    xr_fio "${xr_job[@]}" --runtime="$1" --time_based >/dev/null 2>&1 || true
}

# xr_job_iops SECONDS: the job for SECONDS; prints its IOPS (all jobs)
xr_job_iops() {
    xr_fio "${xr_job[@]}" --runtime="$1" --time_based --output-format=terse \
        --terse-version=3 2>/dev/null | awk -F';' '{s += $8} END {print s + 0}'
}
