#!/bin/bash
# tests/xen/lib/resume.sh - the body of resume.sh and resume-legacy.sh.
# xl save + xl restore with I/O in flight: fio writes a crc32c pattern (2 jobs, libaio,
# iodepth 16, writes paced so the save comes during the write phase), next to buffered
# writes whose writeback goes on while the domU freezes its tasks (so requests are
# likely still on the rings when the domain suspends: the driver logs how many it took
# off), while dom0 saves this domain and restores it (new domid, new backend).  The
# same disk must come back connected with the same ring count (or the new backend's),
# device number and an open descriptor still usable; fio finishes and its verify pass
# finds every block; a second fio pass reads the whole pattern back; then an ext4
# mkfs/write/fsck cycle.
# Without a working .resume the disk never reconnects after the restore: the test
# fails after 300 s (with diagnostics) instead of waiting on I/O that cannot end.
# XR_RESTORE_QUEUES=N (from the wrapper): dom0 sets xen-blkback max_queues=N between
# the save and the restore, so the restored domain meets a backend with another
# multi-queue-max-queues (1: none at all) and the ring count must follow it.
. /tests/lib/common.sh

# pause SECONDS: sleep without a new process (fd 9: a FIFO nobody writes)
mkfifo /tmp/xr-pause
exec 9<>/tmp/xr-pause
pause() { read -r -t "$1" -u 9 || true; }

dbg=/sys/kernel/debug/mq_xenfront/$XR_DEV/rings
# xf_state KEY: the value after KEY in the first line of the driver's debugfs file
# ("rings 2 order 0 ... connected 1 resumes 0 ..."), in REPLY; false without it
xf_state() {
    local -a w
    local i
    REPLY=
    [[ -r $dbg ]] && read -r -a w <"$dbg" || return 1
    for ((i = 0; i + 1 < ${#w[@]}; i += 2)); do
        [[ ${w[i]} == "$1" ]] && { REPLY=${w[i + 1]}; return 0; }
    done
    return 1
}

# nr_hctx: hardware queues of the disk, in REPLY (no new process: on this rig new
# processes sometimes die right after a restore, see mq_xenfront/README.md)
nr_hctx() {
    local -a h=(/sys/block/"$XR_DEV"/mq/[0-9]*)
    REPLY=${#h[@]}
    [[ -e ${h[0]} ]] || REPLY=0
}

xr_wait_disk
domid0=$XR_DOMID
nq0=$(xr_read "$XR_FRONT/multi-queue-num-queues")
nr_hctx
hctx0=$REPLY
read -r dev0 </sys/block/"$XR_DEV"/dev
rings0=
[[ $XR_FRONTEND == mq ]] && xf_state rings && rings0=$REPLY
xr_log "before: domid $domid0, multi-queue-num-queues '${nq0}', $hctx0 hardware queues," \
    "device $dev0, driver rings '${rings0}'"
exec 5<"$XR_DISK"

# Background load outside the pattern: buffered writes, over and over.  The flusher
# threads that write them back are not frozen for the suspend (user tasks are, and
# what they have in flight is answered within the 0.1 s the freezing takes: 0 requests
# were left on the rings in the runs with O_DIRECT load only), so their requests are
# likely to be on the rings when the domain suspends.
fio --name=bg --filename="$XR_DISK" --rw=write --bs=1M --ioengine=psync --direct=0 \
    --offset=64M --size=48M --time_based --runtime=1200 >/tmp/bg.out 2>&1 &
bg_pid=$!
# Flushes across the save/restore: fsync of the disk over and over (an empty
# REQ_PREFLUSH bio each; mq_core sends the driver a flush request); none may fail.  A
# flush the driver gets while it parks requests gives its waiters' bios back to be
# issued again (mq_flush_steal_bios); the runs so far had none parked at that moment.
: >/tmp/fsync.err
( n=0; while :; do sync "$XR_DISK" || echo "fsync $n failed" >>/tmp/fsync.err; n=$((n + 1)); done ) &
fsync_pid=$!
# The pattern: 2 jobs (one per CPU, so one per ring) x 12 MiB of 4k random writes, each
# paced to 150 IOPS (20 s or more), then their verify reads at full speed.
fio_args=(--rw=randwrite --bs=4k --ioengine=libaio --iodepth=16 --numjobs=2 --size=12M
    --offset_increment=32M "--rate_iops=,150" --cpus_allowed=0-1 --cpus_allowed_policy=split
    --verify=crc32c --verify_fatal=1)
xr_fio "${fio_args[@]}" --do_verify=1 >/tmp/fio.out 2>&1 &
fio_pid=$!
pause 5
if kill -0 "$fio_pid" 2>/dev/null; then xr_pass "fio writing before the save"
else xr_fail "fio ended before the save"; cat /tmp/fio.out; fi
xr_request "save-restore${XR_RESTORE_QUEUES:+ queues=$XR_RESTORE_QUEUES}"

# bail WHY: fail, dump the state and stop here (what follows would wait on stuck I/O)
bail() {
    xr_fail "$*"
    dmesg | tail -n 30 | sed 's/^/XR: dmesg: /' || true
    echo w >/proc/sysrq-trigger 2>/dev/null || true
    xr_done
    exit 1
}

# This script is frozen during the save and thawed after the restore; wait until the
# restored domain's disk is connected again.
restored=0
for ((i = 0; i < 150; i++)); do
    pause 2
    d=$(xr_read domid)
    [[ -n $d && $d != "$domid0" ]] || continue
    [[ $(xr_read "$XR_FRONT/state") == 4 ]] || continue
    if [[ $XR_FRONTEND == mq ]]; then
        xf_state resumes && ((REPLY > 0)) || continue
    fi
    restored=1
    break
done
XR_DOMID=$(xr_read domid)
XR_BACKEND=$(xr_read "$XR_FRONT/backend")
if ((restored)); then
    xr_pass "restored: domid $domid0 -> $XR_DOMID, frontend connected"
else
    bail "no connected disk after a restore within 300 s (domid $(xr_read domid)," \
        "frontend state '$(xr_read "$XR_FRONT/state")')"
fi
xr_expect "backend state" "$(xr_read "$XR_BACKEND/state")" 4
# The ring count after the restore: as before, or what the new backend offers.
nq1=$nq0 hctx1=$hctx0 rings1=$rings0
if [[ -n ${XR_RESTORE_QUEUES:-} ]]; then
    want=$XR_RESTORE_QUEUES
    ((want > $(nproc))) && want=$(nproc)
    ((want > 4)) && want=4
    xr_expect "backend multi-queue-max-queues after the restore" \
        "$(xr_read "$XR_BACKEND/multi-queue-max-queues")" "$XR_RESTORE_QUEUES"
    nq1=$want hctx1=$want rings1=$want
    ((want == 1)) && nq1=
    if ((want == 1)); then
        [[ -n $(xr_read "$XR_FRONT/ring-ref") ]] && xr_pass "legacy layout: top-level ring-ref" ||
            xr_fail "no top-level ring-ref after restoring onto a single-queue backend"
    fi
fi
xr_expect "multi-queue-num-queues" "$(xr_read "$XR_FRONT/multi-queue-num-queues")" "$nq1"
nr_hctx
xr_expect "hardware queues" "$REPLY" "$hctx1"
read -r dev1 </sys/block/"$XR_DEV"/dev
xr_expect "device number" "$dev1" "$dev0"
if [[ $XR_FRONTEND == mq ]]; then
    xf_state rings || true; xr_expect "driver rings" "$REPLY" "$rings1"
    xf_state connected || true; xr_expect "driver connected" "$REPLY" 1
    xf_state parking || true; xr_expect "driver parking" "$REPLY" 0
    xf_state resumes || true; xr_expect "driver resumes" "$REPLY" 1
fi
dmesg | grep -E 'restored:|resumed:|reconnect|xen:manage|suspend' | tail -n 8 | sed 's/^/XR: dmesg: /' || true
n=$(dmesg | sed -n 's/.*restored: \([0-9]*\) request.*/\1/p' | tail -n 1)
xr_log "requests on the old rings at the suspend (parked and issued again): ${n:-?}"
if kill -0 "$bg_pid" 2>/dev/null; then xr_pass "background writes still running after the restore"
else xr_fail "background writes ended"; cat /tmp/bg.out; fi

# The fio started before the save ends, and its verify reads match.
for ((i = 0; i < 300; i++)); do
    kill -0 "$fio_pid" 2>/dev/null || break
    pause 1
done
if kill -0 "$fio_pid" 2>/dev/null; then
    cat /tmp/fio.out
    bail "fio still running 300 s after the restore"
fi
fio_rc=0
wait "$fio_pid" || fio_rc=$?
kill "$bg_pid" "$fsync_pid" 2>/dev/null || true
wait "$bg_pid" || true
wait "$fsync_pid" 2>/dev/null || true
if [[ -s /tmp/fsync.err ]]; then xr_fail "fsync of the disk failed across the save/restore"; head -n 5 /tmp/fsync.err
else xr_pass "every fsync of the disk succeeded across the save/restore"; fi
grep -E 'err=' /tmp/bg.out | head -n 2 || true
sync
if ((fio_rc == 0)); then xr_pass "fio write + crc32c verify across the save/restore"
else xr_fail "fio across the save/restore: exit $fio_rc"; cat /tmp/fio.out; fi
grep -E 'IOPS|err=' /tmp/fio.out | head -n 3 || true

# A descriptor opened before the save still reads the disk.
echo 3 >/proc/sys/vm/drop_caches
if dd bs=4096 count=1 skip=100 <&5 >/dev/null 2>/tmp/dd.out; then
    xr_pass "read through a descriptor opened before the save"
else
    xr_fail "read through the old descriptor: $(cat /tmp/dd.out)"
fi
exec 5<&-

# The whole pattern, read back by a second fio pass.
if xr_fio_watch 240 "${fio_args[@]}" --verify_only=1 >/tmp/fio2.out 2>&1; then
    xr_pass "second pass: the whole pattern reads back (crc32c)"
else
    xr_fail "second verify pass"; cat /tmp/fio2.out
fi

xr_ext4_cycle || true
if dmesg | grep -E 'mq_xenfront.*(failed|too many|dropped)' >/tmp/errs; then
    xr_fail "driver errors in dmesg"; cat /tmp/errs
fi
xr_done
