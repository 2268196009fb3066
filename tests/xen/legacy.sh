#!/bin/bash
# tests/xen/legacy.sh - a backend without multi-queue (xen-blkback max_queues=1): the
# frontend writes the legacy single-ring layout (top-level ring-ref and event-channel,
# no multi-queue-num-queues), has one hardware queue, and I/O verifies.
# xen-run: --backend-queues 1 --domu-vcpus 2
. /tests/lib/common.sh

xr_wait_disk
xr_log "backend multi-queue-max-queues='$(xr_read "$XR_BACKEND/multi-queue-max-queues")'"
xr_expect "multi-queue-num-queues" "$(xr_read "$XR_FRONT/multi-queue-num-queues")" ""
[[ -n $(xr_read "$XR_FRONT/ring-ref") ]] && xr_pass "top-level ring-ref" || xr_fail "no top-level ring-ref"
[[ -n $(xr_read "$XR_FRONT/event-channel") ]] && xr_pass "top-level event-channel" ||
    xr_fail "no top-level event-channel"
[[ -z $(xr_read "$XR_FRONT/queue-0/ring-ref") ]] && xr_pass "no queue-0/" || xr_fail "queue-0/ present"
xr_expect "hardware queues in /sys/block/$XR_DEV/mq" "$(xr_nr_hctx)" 1
if xr_fio --rw=randwrite --bs=4k --iodepth=16 --ioengine=libaio --size=8M \
    --verify=crc32c --verify_fatal=1 --do_verify=1 >/tmp/fio.out 2>&1; then
    xr_pass "fio randwrite + crc32c verify"
else
    xr_fail "fio verify"; cat /tmp/fio.out
fi
if [[ $XR_FRONTEND == mq ]]; then
    # A bad value for the one writable parameter: refused with a log line, value kept.
    pp=/sys/module/mq_xenfront/parameters/feature_persistent
    before=$(cat "$pp")
    if echo maybe >"$pp" 2>/dev/null; then xr_fail "feature_persistent=maybe accepted"
    else xr_pass "feature_persistent=maybe refused"; fi
    xr_expect "feature_persistent after the bad write" "$(cat "$pp")" "$before"
    dmesg | grep -q "invalid value 'maybe' for parameter feature_persistent" &&
        xr_pass "log line for the bad value" || xr_fail "no log line for the bad value"
fi
xr_done
