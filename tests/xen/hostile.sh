#!/bin/bash
# tests/xen/hostile.sh - a hostile backend (tests/xen/hostile/hostile-blkback, started
# in dom0 on request, one new vbd per mode, one ring, no persistent grants): the
# frontend must refuse or mark the device broken, never complete data it cannot own,
# never oops, never leak memory contents.
#   ok (untrusted)   I/O verifies, and no granted page holds anything but zeros or
#                    the data written (0x5a): the backend's leak check counts 0
#   dup, bad-id, bad-op, early, overrun (trusted: bio pages granted per I/O)
#                    the write fails, the device is broken (debugfs), later I/O
#                    fails at once
#   keep-mapped (trusted) the write's grant stays mapped: the bio is never ended
#                    (the writer stays blocked), the device is broken, debugfs
#                    counts a stranded request
#   flood            20000 events without a response: the device keeps working
# and after each, xvda (xen-blkback) still works.
# xen-run: --backend-queues 1 --domu-vcpus 2
. /tests/lib/common.sh

[[ $XR_FRONTEND == mq ]] || { xr_log "mq_xenfront only (debugfs)"; xr_done; exit; }
xr_wait_disk
param=/sys/module/mq_xenfront/parameters
printf '\x5a%.0s' $(seq 4096) >/tmp/pat4k
for ((i = 0; i < 16; i++)); do cat /tmp/pat4k; done >/tmp/pat64k
n=0
letters=(a b c d e f g h i j k l)

gone=0
# hostile MODE: start a hostile vbd; sets dev (xvdX), vdev, be, rings
hostile() {
    ((gone == 0)) || return 1   # the backend does not start: do not wait again
    n=$((n + 1))
    vdev=$((51712 + 16 * n))
    dev=xvd${letters[n]}
    xr_request "hostile $vdev $1"
    local i
    for ((i = 0; i < 600; i++)); do
        [[ -b /dev/$dev ]] && break
        sleep 0.1
    done
    [[ -b /dev/$dev ]] || { xr_fail "$1: /dev/$dev did not appear"; gone=1; return 1; }
    be=$(xr_read "device/vbd/$vdev/backend")
    rings=/sys/kernel/debug/mq_xenfront/$dev/rings
    xr_log "$1: /dev/$dev up (backend $be)"
}
# field NAME: a "NAME value" pair of the device line of $rings
field() { head -n 1 "$rings" | tr ' ' '\n' | sed -n "/^$1\$/{n;p;q}"; }
# wr BS COUNT SEEK: direct write of the pattern (0x5a), status returned
wr() {
    fio --name=w --filename="/dev/$dev" --direct=1 --ioengine=psync --rw=write --bs="$1" \
        --size=$(($1 * $2)) --offset=$(($1 * $3)) --buffer_pattern=0x5a >/dev/null 2>&1
}
xvda_ok() {
    xr_fio --rw=read --bs=4k --size=64k --ioengine=psync >/dev/null 2>&1 &&
        xr_pass "$1: xvda still works" || xr_fail "$1: xvda I/O"
}

# An untrusted backend: nothing but our data in the pages it sees.
# (A frontend without the parameter fails this check and goes on.)
set_trusted() { echo "$1" >"$param/trusted" 2>/dev/null || xr_fail "cannot set trusted=$1"; }
set_trusted 0
if hostile ok; then
    xr_expect "ok: untrusted" "$(field untrusted)" 1
    xr_expect "ok: bounce" "$(field bounce)" 1
    ok=1
    for bs in 512 1536 4096 12288 65536; do wr "$bs" 1 3 || ok=0; done
    dd if=/tmp/pat64k of="/dev/$dev" bs=64k count=1 seek=2 conv=fsync 2>/dev/null || ok=0
    echo 3 >/proc/sys/vm/drop_caches
    dd if="/dev/$dev" of=/tmp/back bs=64k count=1 skip=2 2>/dev/null || ok=0
    cmp -s /tmp/back /tmp/pat64k || ok=0
    ((ok)) && xr_pass "ok: writes and read back" || xr_fail "ok: I/O"
    xr_expect "ok: pages with other bytes than ours (backend leak check)" \
        "$(xr_read "$be/leak-pages")" 0
    xr_expect "ok: broken" "$(field broken)" 0
fi
set_trusted 1

for mode in dup bad-id bad-op early overrun; do
    hostile "$mode" || continue
    xr_expect "$mode: bio pages granted per I/O (bounce)" "$(field bounce)" 0
    wr 4096 1 5 && xr_fail "$mode: write succeeded" || xr_pass "$mode: write failed"
    xr_expect "$mode: broken" "$(field broken)" 1
    dmesg | grep -q "$dev-q0: ring disabled" && xr_pass "$mode: ring disabled (log)" ||
        xr_fail "$mode: no 'ring disabled' line"
    wr 512 1 9 && xr_fail "$mode: later write succeeded" || xr_pass "$mode: later write fails"
    xvda_ok "$mode"
done

# The writer of a request whose grant stays mapped waits for good (by design):
# no hung-task report for it.
echo 0 >/proc/sys/kernel/hung_task_timeout_secs
if hostile keep-mapped; then
    wr 4096 1 5 &
    for ((i = 0; i < 100; i++)); do
        [[ $(field broken) == 1 ]] && break
        sleep 0.1
    done
    xr_expect "keep-mapped: broken" "$(field broken)" 1
    xr_expect "keep-mapped: stranded requests" "$(field stranded)" 1
    dmesg | grep -q "$dev-q0: backend still maps grant" && xr_pass "keep-mapped: logged" ||
        xr_fail "keep-mapped: no 'still maps grant' line"
    sleep 2
    jobs -r | grep -q . && xr_pass "keep-mapped: the write never completed" ||
        xr_fail "keep-mapped: the write completed"
    xvda_ok keep-mapped
fi

if hostile flood; then
    wr 4096 1 5 && xr_pass "flood: write completed" || xr_fail "flood: write failed"
    wr 4096 1 6 && xr_pass "flood: next write completed" || xr_fail "flood: next write"
    xr_expect "flood: broken" "$(field broken)" 0
    xr_log "flood: $(grep "$dev" /proc/interrupts | tr -s ' ')"
    xvda_ok flood
fi
dmesg | grep -E "xvd[b-z]" | sed 's/^/XR: dmesg: /'
xr_done
