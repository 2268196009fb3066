#!/bin/bash
# A virtual boundary (mq_limits.virt_boundary_mask, what scsi_host_template's
# virt_boundary_mask and blk_queue_virt_boundary() map to): mq_nullblk
# virt_boundary=1 (a page-sized boundary, as null_blk) checks every request
# and fails one with a gap with EIO, counted in debugfs faults.
#  - the limit reaches the block layer (queue/virt_boundary_mask);
#  - O_DIRECT pwritev with 512-byte iovecs that leave gaps: the bios are
#    split by the boundary, the data reads back intact;
#  - plugged sequential io_uring writes from buffers 512 bytes into a page
#    (each I/O ends off the boundary): the core's plug merge must not join
#    them (fio verify; nothing merged), while page-aligned ones still merge.
# vm: --cpus 2
. "$(dirname "$0")/lib/common.sh"

mq_load_nullblk memory_backed=1 gb=1 submit_queues=2 virt_boundary=1 ||
	{ t_fail "load"; t_done; }
d=mqnullb0
gaps() { awk '$1 == "virt_boundary_gaps:" { print $2 }' \
	/sys/kernel/debug/mq_nullblk/$d/faults; }
t_check "queue/virt_boundary_mask is 4095" \
	test "$(cat /sys/block/$d/queue/virt_boundary_mask)" = 4095
t_check "max_segment_size lifted" \
	test "$(cat /sys/block/$d/queue/max_segment_size)" = 4294967295

t_check "pwritev of gapped 512-byte iovecs reads back intact" python3 - /dev/$d <<'PY'
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_DIRECT)
buf = mmap.mmap(-1, 16 * 4096)
rd = mmap.mmap(-1, 4 * 4096)
for rnd in range(64):
    buf[:] = bytes((rnd * 7 + j) & 0xff for j in range(256)) * (len(buf) // 256)
    # pieces: the end of page 0, the middle of page 2, the start of page 5,
    # the middle of page 9: every junction but one is a gap
    offs = [(4096 - 512, 512), (2 * 4096 + 512, 1024), (5 * 4096, 512),
            (9 * 4096 + 1536, 2048)]
    iov = [memoryview(buf)[o:o + n] for o, n in offs]
    want = b"".join(bytes(v) for v in iov)
    pos = (rnd * 37 % 1000) * 8192 + 512 * (rnd % 3)
    n = os.pwritev(fd, iov, pos)
    assert n == len(want), n
    got = os.preadv(fd, [memoryview(rd)[:len(want)]], pos)
    assert got == len(want), got
    assert rd[:len(want)] == want, "data mismatch at %d" % pos
os.close(fd)
PY
t_check "no request had a gap" test "$(gaps)" = 0

plugged=(--rw=write --bs=4k --iodepth=32 --size=32M
	--iodepth_batch_submit=16 --iodepth_batch_complete_min=16)
t_verify_merged "page-aligned plugged sequential writes verify" $d "${plugged[@]}"
t_check "page-aligned contiguous bios merged in the plug" test "$MERGED" -gt 0
t_verify_merged "buffers 512 bytes into a page, plugged sequential writes verify" \
	$d "${plugged[@]}" --iomem_align=512 --offset=64M
t_check "none of them merged across the boundary" test "$MERGED" = 0
t_check "the same with mixed sizes and reads (libaio)" \
	fio_verify /dev/$d --ioengine=libaio --rw=randrw --bsrange=512-64k \
	--iomem_align=512 --size=64M --offset=128M --iodepth=16
t_check "still no request with a gap" test "$(gaps)" = 0
mq_unload
t_done
