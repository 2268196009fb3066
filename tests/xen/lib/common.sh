#!/bin/bash
# tests/xen/lib/common.sh - helpers for the domU-side Xen tests (sourced; run by
# scripts/xen-run inside the PV domU, never on the host).
#
# Environment from xen-run: XR_FRONTEND (mq|stock), XR_FRONTEND_ARGS,
# XR_BACKEND_QUEUES, XR_VCPUS.  Set here: XR_DISK (/dev/xvda), XR_DEV (xvda),
# XR_DOMID, XR_FRONT (device/vbd/51712, relative to the domain), XR_BACKEND (the
# backend's absolute xenstore path).
set -euo pipefail

XR_DEV=xvda
XR_DISK=/dev/$XR_DEV
XR_FRONT=device/vbd/51712
XR_DOMID=$(xenstore-read domid)
XR_BACKEND=$(xenstore-read "$XR_FRONT/backend")
xr_failed=0

xr_log() { echo "XR: $*"; }
xr_pass() { echo "XR-PASS: $*"; }
xr_fail() { echo "XR-FAIL: $*"; xr_failed=1; }
# xr_expect WHAT GOT WANT
xr_expect() {
    if [[ $2 == "$3" ]]; then xr_pass "$1 = $2"; else xr_fail "$1 = '$2', want '$3'"; fi
}
# xr_diag: driver and core state, for a failing test's log
xr_diag() {
    local f p
    xr_log "--- diagnostics"
    for f in /sys/kernel/debug/mq_xenfront/*/rings; do
        [[ -r $f ]] && sed "s|^|XR-DIAG ${f#/sys/kernel/debug/}: |" "$f"
    done
    for f in /sys/kernel/debug/mq_core/*/hctx*/state /sys/kernel/debug/mq_core/*/hctx*/busy; do
        [[ -r $f ]] && sed "s|^|XR-DIAG ${f#/sys/kernel/debug/mq_core/}: |" "$f" | head -n 8
    done
    [[ -r /sys/module/mq_xenfront/refcnt ]] && xr_log "mq_xenfront refcnt $(cat /sys/module/mq_xenfront/refcnt)"
    for p in /proc/[0-9]*; do
        [[ $(awk '{print $3}' "$p/stat" 2>/dev/null) == D ]] || continue
        xr_log "D task ${p#/proc/} $(cat "$p/comm"):"
        sed 's/^/XR-DIAG   /' "$p/stack" 2>/dev/null
    done
    xr_log "--- end of diagnostics"
}

# xr_rmmod MODULE: unload, retrying briefly (a last close may still be under way)
xr_rmmod() {
    local i
    for ((i = 0; i < 10; i++)); do
        rmmod "$1" 2>/dev/null && return 0
        sleep 1
    done
    rmmod "$1"
}

# xr_load_frontend stock|mq [PARAMS]: insmod a frontend kept in /lib/mq/spare (xen-run
# --frontend both) with PARAMS, and wait for the disk.  xen-blkfront can take the
# device only once per boot (it cannot rebind); mq_xenfront can, after either driver.
xr_load_frontend() {
    local want=$1 params=${2:-} m p
    while read -r m p; do
        case $want:$m in
            stock:xen-blkfront.ko | mq:mq_xenfront.ko)
                # shellcheck disable=SC2086  # parameters are words
                insmod "/lib/mq/$m" $p $params || xr_fail "insmod $m $p $params" ;;
            mq:mq_core.ko) [[ -d /sys/module/mq_core ]] || insmod "/lib/mq/$m" ;;
            stock:mq_*) ;;
            stock:*) m=${m%.ko}; [[ -d /sys/module/${m//-/_} ]] || insmod "/lib/mq/$m.ko" ;;
        esac
    done </lib/mq/spare
    XR_FRONTEND=$want
    xr_wait_disk
}

# xr_unload_frontend: unbind the disk's vbd from its driver, unload the driver
xr_unload_frontend() {
    echo "vbd-${XR_FRONT##*/}" >/sys/bus/xen/drivers/vbd/unbind
    case $XR_FRONTEND in
        stock) xr_rmmod xen_blkfront ;;
        mq) xr_rmmod mq_xenfront ;;
    esac
}

# xr_done: the test's exit status
xr_done() {
    if ((xr_failed)); then xr_diag; xr_log "FAILED"; return 1; fi
    xr_log "all checks passed"
}

# xr_read PATH: a xenstore key, or "" when absent
xr_read() { xenstore-read "$1" 2>/dev/null || true; }

# xr_wait_disk [SECONDS]: wait until the disk exists
xr_wait_disk() {
    local i
    for ((i = 0; i < ${1:-30} * 10; i++)); do
        [[ -b $XR_DISK ]] && return 0
        sleep 0.1
    done
    xr_fail "$XR_DISK did not appear"
    return 1
}

# xr_request ACTION: ask dom0 for an action (detach: xl block-detach of the disk;
# detach-xs: the same by xenstore writes; save-restore: xl save of this domain, then
# xl restore, with a new domid); dom0 reads the request from this console line and
# acts within a second or two
xr_request() {
    echo "XR-REQUEST $1"
}

# xr_irq_counts: "NAME COUNT" per event channel of the disk in /proc/interrupts
# (the sum over CPUs); NAME is the handler name (the disk's ring names).
xr_irq_counts() {
    awk -v d="$XR_DEV" '$0 ~ d || $0 ~ /blkif/ {
        n = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i; else break
        print $NF, n }' /proc/interrupts
}

# xr_nr_hctx: hardware queues of the disk (numbered directories under mq/)
xr_nr_hctx() { find /sys/block/$XR_DEV/mq/ -mindepth 1 -maxdepth 1 -name '[0-9]*' | wc -l; }

# xr_fio ARGS...: fio on the disk with the common options
xr_fio() {
    fio --name=xr --filename="$XR_DISK" --direct=1 --group_reporting "$@"
}

# xr_ext4_cycle [MOUNT-OPTIONS]: mkfs.ext4 on the disk, write an 8 MiB random file
# (then run xr_ext4_extra DIR if the test defines it), remount, compare, e2fsck -fn.
# Returns 1 when mkfs or the first mount failed (already counted as a failure).
xr_ext4_cycle() {
    mkdir -p /mnt/t
    if ! mkfs.ext4 -q -F "$XR_DISK" || ! mount -t ext4 ${1:+-o "$1"} "$XR_DISK" /mnt/t; then
        xr_fail "mkfs.ext4/mount"
        return 1
    fi
    dd if=/dev/urandom of=/tmp/src bs=1M count=8 2>/dev/null
    cp /tmp/src /mnt/t/a || true   # a failed copy shows as a content mismatch
    if declare -F xr_ext4_extra >/dev/null; then xr_ext4_extra /mnt/t; fi
    sync
    umount /mnt/t
    mount -t ext4 "$XR_DISK" /mnt/t && cmp /tmp/src /mnt/t/a && xr_pass "ext4 file reads back" ||
        xr_fail "ext4 file content"
    umount /mnt/t
    if e2fsck -fn "$XR_DISK" >/tmp/fsck.out 2>&1; then xr_pass "e2fsck clean"
    else xr_fail "e2fsck"; cat /tmp/fsck.out; fi
}

# xr_fio_watch SECS ARGS...: xr_fio, but when it has not ended after SECS the state
# of the driver, the core and the blocked tasks goes to the log (once) before
# waiting on; fio's status is returned either way.
xr_fio_watch() {
    local secs=$1 pid t rc=0 fd
    shift
    xr_fio "$@" &
    pid=$!
    # Wait a second at a time without forking (read on a FIFO nobody writes):
    # fresh processes are what the TCG rig's memory faults hit most.
    [[ -p /tmp/xr-tick ]] || mkfifo /tmp/xr-tick
    exec {fd}<>/tmp/xr-tick
    for ((t = 0; t < secs; t++)); do
        kill -0 "$pid" 2>/dev/null || break
        read -r -t 1 -u "$fd" _ || true
    done
    exec {fd}>&-
    if kill -0 "$pid" 2>/dev/null; then
        xr_fail "fio still running after ${secs}s"
        xr_diag
        echo w >/proc/sysrq-trigger 2>/dev/null || true
    fi
    wait "$pid" || rc=$?
    return "$rc"
}
