#!/bin/bash
# tests/xen/data.sh - data integrity and features: 1 MiB requests go out whole as
# indirect requests (one request per MiB in /sys/block/<disk>/stat) when the backend
# offers feature-max-indirect-segments; fio verify (crc32c, mixed sizes up to 1 MiB)
# with 0 mismatches; write cache + FUA flags from feature-flush-cache; discard; an
# ext4 mkfs/mount/write/umount/fsck cycle that comes out clean.
# xen-run: --backend-queues 2 --domu-vcpus 2 --frontend-args max_indirect_segments=256
. /tests/lib/common.sh

xr_wait_disk
q=/sys/block/$XR_DEV/queue
ind=$(xr_read "$XR_BACKEND/feature-max-indirect-segments")
xr_log "backend: feature-max-indirect-segments=$ind feature-flush-cache=$(xr_read "$XR_BACKEND/feature-flush-cache")" \
    "feature-discard=$(xr_read "$XR_BACKEND/feature-discard"); max_hw_sectors_kb=$(cat $q/max_hw_sectors_kb)"

# writes completed: field 5 of the stat file
writes() { awk '{print $5}' /sys/block/$XR_DEV/stat; }
if [[ -n $ind ]] && ((ind >= 256)); then
    xr_expect "max_hw_sectors_kb" "$(cat $q/max_hw_sectors_kb)" 1024
    echo 1024 >$q/max_sectors_kb
    w0=$(writes)
    xr_fio --rw=write --bs=1M --size=8M --ioengine=psync --offset=64M >/tmp/fio.out 2>&1 ||
        { xr_fail "fio 1M writes"; cat /tmp/fio.out; }
    xr_expect "requests for 8 x 1 MiB direct writes" "$(($(writes) - w0))" 8
else
    xr_fail "backend offers no indirect descriptors (feature-max-indirect-segments='$ind')"
fi

if xr_fio --rw=randwrite --bsrange=4k-1M --iodepth=8 --ioengine=libaio --size=48M \
    --verify=crc32c --verify_fatal=1 --do_verify=1 >/tmp/fio.out 2>&1; then
    xr_pass "fio randwrite 4k-1M + crc32c verify"
else
    xr_fail "fio verify"; cat /tmp/fio.out
fi
grep -E 'IOPS|err=' /tmp/fio.out | head -n 3

if [[ $(xr_read "$XR_BACKEND/feature-flush-cache") == 1 ]]; then
    xr_expect "write_cache" "$(cat $q/write_cache)" "write back"
    [[ $XR_FRONTEND == mq ]] && xr_expect "fua" "$(cat $q/fua)" 1
fi
if [[ $(xr_read "$XR_BACKEND/feature-discard") == 1 ]]; then
    if (($(cat $q/discard_max_bytes) > 0)) && blkdiscard -o 0 -l 1048576 "$XR_DISK"; then
        xr_pass "blkdiscard 1 MiB"
    else
        xr_fail "discard (discard_max_bytes $(cat $q/discard_max_bytes))"
    fi
fi

modprobe_ok=1
# Many small files, some deleted: ext4 issues discards for them (mounted -o discard).
xr_ext4_extra() {
    local i
    mkdir "$1/d" && for i in $(seq 1 50); do echo "$i" >"$1/d/f$i"; done
    sync
    rm "$1"/d/f1*
}
xr_ext4_cycle discard || modprobe_ok=0
((modprobe_ok)) || true
xr_done
