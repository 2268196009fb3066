#!/bin/bash
# tests/xen/detach.sh - hot-unplug under load: dom0 runs `xl block-detach` while fio
# has I/O in flight (XR_DETACH=detach-xs: the same through xenstore writes, without
# xl); fio gets errors and exits, the disk goes away, nothing hangs (xen-run fails on
# hung tasks and other splats) and the module unloads.  From the request until the
# disk is gone the test starts no process: on this TCG rig new domU processes die
# right after `xl block-detach`, with xen-blkfront too (see mq_xenfront/README.md).
# xen-run: --backend-queues 2 --domu-vcpus 2
. /tests/lib/common.sh

# pause SECONDS: sleep without a new process (fd 9: a FIFO nobody writes)
mkfifo /tmp/xr-pause
exec 9<>/tmp/xr-pause
pause() { read -r -t "$1" -u 9 || true; }

xr_wait_disk
xr_fio --rw=randrw --bs=4k --ioengine=libaio --iodepth=16 --numjobs=2 \
    --runtime=120 --time_based >/tmp/fio.out 2>&1 &
fio_pid=$!
pause 4
kill -0 "$fio_pid" 2>/dev/null && xr_pass "fio running" || xr_fail "fio ended early"
xr_request "${XR_DETACH:-detach}"

gone=0
for ((i = 0; i < 90; i++)); do
    if ! kill -0 "$fio_pid" 2>/dev/null && [[ ! -e /sys/block/$XR_DEV ]]; then
        gone=1
        break
    fi
    pause 1
done
if ((gone)); then xr_pass "fio ended and $XR_DEV went away after ${i}s"
else xr_fail "after 90s: fio $(kill -0 "$fio_pid" 2>/dev/null && echo running || echo ended)," \
    "disk $([[ -e /sys/block/$XR_DEV ]] && echo present || echo gone)"; fi
fio_rc=0
wait "$fio_pid" || fio_rc=$?
((fio_rc != 0)) && xr_pass "fio reported errors (exit $fio_rc)" || xr_fail "fio exit 0 after detach"
grep -E 'err=|error' /tmp/fio.out | head -n 3
if [[ $XR_FRONTEND == mq ]]; then
    xr_rmmod mq_xenfront && xr_pass "rmmod mq_xenfront" || xr_fail "rmmod mq_xenfront"
fi
xr_done
