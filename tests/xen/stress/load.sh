#!/bin/bash
# tests/xen/stress/load.sh (not in check-xen: the TCG rig itself corrupts domU memory now
# and then, with xen-blkfront too; run by hand: scripts/xen-run --test tests/xen/stress/load.sh
# --backend-queues 2 --domu-vcpus 2) - concurrent load from 2 fio jobs per pattern (randread, randwrite,
# randrw; 4k, libaio, iodepth 16 each, so a ring can be full) on 2 rings, and the rest
# of the domain keeps working: short-lived processes after each phase.  Memory the
# backend writes where it should not (a grant left on a page that went back to the
# allocator) kills those processes or fio.  Also: every ring drained afterwards
# (in flight 0, no stopped queue), persistent grants in use when both ends offer them.
# xen-run: --backend-queues 2 --domu-vcpus 2
. /tests/lib/common.sh

xr_wait_disk
rings=/sys/kernel/debug/mq_xenfront/$XR_DEV/rings
if [[ $XR_FRONTEND == mq ]]; then
    xr_expect "persistent grants" "$(sed -n 's/.* persistent \([01]\) .*/\1/p' "$rings")" 1
fi
for rw in randread randwrite randrw; do
    if xr_fio --rw=$rw --bs=4k --ioengine=libaio --iodepth=16 --numjobs=2 \
        --runtime=10 --time_based >/tmp/fio.out 2>&1; then
        xr_pass "fio $rw, 2 jobs"
    else
        xr_fail "fio $rw"; tail -n 20 /tmp/fio.out
    fi
    for ((i = 0; i < 5; i++)); do /bin/sleep 0.2; ls / >/dev/null; done
    xr_pass "processes run after $rw"
    if [[ $XR_FRONTEND == mq ]]; then
        busy=$(awk '$1 == "ring" && ($(NF - 6) != 0 || $NF != 0)' "$rings")
        [[ -z $busy ]] && xr_pass "every ring idle after $rw" || xr_fail "rings busy: $busy"
    fi
done
xr_done
