#!/bin/bash
# tests/xen/io.sh - basic I/O: negotiated ring layout matches the backend's offer and
# the frontend's limit; fio verify (crc32c) over the whole disk with 0 mismatches.
# Runs in the domU (scripts/xen-run --test tests/xen/io.sh).
. /tests/lib/common.sh

xr_wait_disk
nq=$(xr_read "$XR_FRONT/multi-queue-num-queues")
xr_log "backend offers $(xr_read "$XR_BACKEND/multi-queue-max-queues") queues;" \
    "frontend uses ${nq:-legacy layout}; vCPUs $(nproc)"
want=$XR_BACKEND_QUEUES
((want > $(nproc))) && want=$(nproc)
if ((want == 1)); then
    xr_expect "multi-queue-num-queues" "$nq" ""
    [[ -n $(xr_read "$XR_FRONT/ring-ref") ]] && xr_pass "top-level ring-ref" ||
        xr_fail "no top-level ring-ref"
else
    xr_expect "multi-queue-num-queues" "$nq" "$want"
fi

size=$(($(cat /sys/block/$XR_DEV/size) * 512))
xr_log "disk $XR_DISK: $size bytes"
if xr_fio --rw=randwrite --bs=4k --iodepth=16 --ioengine=libaio --size=8M \
    --verify=crc32c --verify_fatal=1 --do_verify=1 --numjobs=1 >/tmp/fio.out 2>&1; then
    xr_pass "fio randwrite + crc32c verify"
else
    xr_fail "fio verify"; cat /tmp/fio.out
fi
grep -E 'IOPS|err=' /tmp/fio.out | head -n 4
xr_irq_counts
xr_done
