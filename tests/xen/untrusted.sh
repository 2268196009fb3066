#!/bin/bash
# tests/xen/untrusted.sh - an untrusted backend (mq_xenfront trusted=0, or the
# device's xenstore node "trusted" = 0): data goes through the frontend's own pages
# (bounce) whatever the backend offers: with persistent grants, and rebound without
# them (feature_persistent=0: xen-blkback maps per request, and still only the ring's
# own pages are ever granted, never a bio page); fio verify with sub-page and
# multi-page blocks at unaligned offsets, buffered I/O; then the per-device node alone
# (module trusted=1) makes a rebound device bounce, and without it the device grants
# per I/O again.
# xen-run: --backend-queues 2 --domu-vcpus 2 --frontend-args trusted=0
. /tests/lib/common.sh

rings=/sys/kernel/debug/mq_xenfront/$XR_DEV/rings
# field NAME: a "NAME value" pair of the device line in debugfs
field() { head -n 1 "$rings" | tr ' ' '\n' | sed -n "/^$1\$/{n;p;q}"; }
rebind() {
    echo "vbd-${XR_FRONT##*/}" >/sys/bus/xen/drivers/vbd/unbind || xr_fail "unbind"
    while [[ -b $XR_DISK ]]; do sleep 0.2; done
    echo "vbd-${XR_FRONT##*/}" >/sys/bus/xen/drivers/vbd/bind || xr_fail "bind"
    xr_wait_disk && sleep 1
}

xr_wait_disk
[[ $XR_FRONTEND == mq ]] || { xr_log "mq_xenfront only (debugfs)"; xr_done; exit; }
xr_expect "untrusted" "$(field untrusted)" 1
xr_expect "persistent" "$(field persistent)" 1
xr_expect "bounce" "$(field bounce)" 1
dmesg | grep -q "untrusted: bounced" && xr_pass "connect line says bounced" ||
    xr_fail "no 'untrusted: bounced' in the connect line"
xr_fio --rw=randrw --bs=4k --iodepth=8 --ioengine=libaio --size=4M --verify=crc32c \
    --verify_fatal=1 --do_verify=1 >/tmp/fio.out 2>&1 && xr_pass "fio verify (persistent)" ||
    { xr_fail "fio verify (persistent)"; cat /tmp/fio.out; }

# Without persistent grants: still bounced.
echo 0 >/sys/module/mq_xenfront/parameters/feature_persistent
rebind
xr_expect "untrusted (no persistent grants)" "$(field untrusted)" 1
xr_expect "persistent" "$(field persistent)" 0
xr_expect "bounce" "$(field bounce)" 1
xr_expect "frontend feature-persistent" "$(xr_read "$XR_FRONT/feature-persistent")" 0

for bs in 512 1536 4k 12k 64k 256k; do
    if xr_fio --rw=randwrite --bs="$bs" --offset_align=512 --iodepth=8 --ioengine=libaio \
        --size=4M --offset=$((1024 * 1024 + 512)) --verify=crc32c --verify_fatal=1 \
        --do_verify=1 >/tmp/fio.out 2>&1; then
        xr_pass "fio bs=$bs at an unaligned offset: crc32c verify"
    else
        xr_fail "fio bs=$bs verify"; cat /tmp/fio.out
    fi
done
# Buffered I/O too (page cache pages, never granted).
dd if=/dev/urandom of=/tmp/src bs=64k count=64 2>/dev/null
dd if=/tmp/src of="$XR_DISK" bs=64k seek=100 conv=fsync 2>/dev/null
echo 3 >/proc/sys/vm/drop_caches
dd if="$XR_DISK" of=/tmp/dst bs=64k skip=100 count=64 2>/dev/null
cmp -s /tmp/src /tmp/dst && xr_pass "buffered write + read back" || xr_fail "buffered data"

# The per-device node alone: trusted=1 for the module, "trusted" = 0 for the device.
echo 1 >/sys/module/mq_xenfront/parameters/trusted
xenstore-write "$XR_FRONT/trusted" 0 || xr_fail "xenstore-write $XR_FRONT/trusted"
rebind
xr_expect "untrusted (node trusted=0)" "$(field untrusted)" 1
xr_expect "bounce (node trusted=0)" "$(field bounce)" 1
xr_fio --rw=randrw --bs=4k --iodepth=8 --ioengine=libaio --size=4M --verify=crc32c \
    --verify_fatal=1 --do_verify=1 >/tmp/fio.out 2>&1 && xr_pass "fio verify (node)" ||
    { xr_fail "fio verify (node)"; cat /tmp/fio.out; }
# Trusted, no persistent grants: bio pages granted per I/O (no I/O beyond the
# partition scan here: that mode corrupts the TCG rig under load, see the README).
xenstore-rm "$XR_FRONT/trusted" || xr_fail "xenstore-rm $XR_FRONT/trusted"
rebind
xr_expect "untrusted (no node)" "$(field untrusted)" 0
xr_expect "bounce (trusted, no persistent grants)" "$(field bounce)" 0
xr_done
