#!/bin/bash
# mq_virtio_blk on QEMU virtio-blk-pci (4 request queues, a sparse 64 MiB
# file on the host): 4 hardware queues mapped by IRQ affinity, serial via
# GET_ID, fio crc32c verify, flushes issued (and not with the cache set to
# write through), discard and write-zeroes reach the file (reads give
# zeroes, the file loses blocks), ext4 cycle, capacity change from the
# monitor, every request ends once, unload removes the disk.
# vm: --cpus 4 --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,drive=d0,num-queues=4,serial=mqvtest0
# vm-host: tests/lib/vm-host.sh --disk d0=64M
. "$(dirname "$0")/lib/common.sh"

img=$MQ_OUT/d0.img
blocks() { stat -c %b "$img"; }
zeroes() { # zeroes <offset MiB> <MiB>: the range reads back as zeroes
	cmp -s -n $(($2 << 20)) \
		<(dd if=/dev/$d bs=1M skip="$1" count="$2" iflag=direct status=none) \
		/dev/zero
}
pattern() { # pattern <offset MiB> <MiB>: write non-zero data, synced
	dd if=/dev/urandom of=/dev/$d bs=1M seek="$1" count="$2" oflag=direct \
		conv=fsync status=none
}

mq_load_virtio_blk || { t_fail "load"; t_done; }
d=$(mqvb_disks | head -1)
[ -n "$d" ] || { t_fail "no mqvd disk"; t_done; }
t_log "disk $d"
t_check "4 hardware queues in /sys/block/$d/mq" \
	test "$(ls -d /sys/block/$d/mq/[0-9]* | wc -l)" = 4
t_check "every hardware queue serves a CPU (IRQ affinity map)" \
	sh -c "! grep -qx '' /sys/block/$d/mq/*/cpu_list"
v=$(basename "$(readlink -f /sys/block/$d/device)")
t_check "CPU map follows the virtqueues' IRQ affinity" \
	virtio_irq_map_ok "$v" "$d" req 4
t_check "/sys/block/$d/device is the virtio device, driver mq_virtio_blk" \
	sh -c "readlink /sys/block/$d/device/driver | grep -q '/mq_virtio_blk$'"
t_check "serial from GET_ID" test "$(cat /sys/block/$d/serial)" = mqvtest0
t_check "64 MiB" test "$(cat /sys/block/$d/size)" = 131072
t_check "write cache: write back" \
	grep -qx "write back" /sys/block/$d/cache_type
t_check "discard and write-zeroes limits set" sh -c \
	"test $(cat /sys/block/$d/queue/discard_max_bytes) -gt 0 &&
	 test $(cat /sys/block/$d/queue/write_zeroes_max_bytes) -gt 0"

t_check "fio randwrite verify crc32c, 4 jobs" fio_verify /dev/$d \
	--numjobs=4 --size=12M --offset_increment=16M
t_check "fio mixed 512..128k verify (libaio)" fio_verify /dev/$d \
	--ioengine=libaio --bsrange=512-128k --rw=randrw --size=32M
used=0
for h in /sys/block/$d/mq/[0-9]*; do
	[ "$(cat "$h/dispatched")" -gt 0 ] && used=$((used + 1))
done
t_log "hardware queues that dispatched I/O: $used"
t_check "I/O went through more than one hardware queue" test $used -ge 2

f0=$(mqvb_stat $d flushes)
t_check "fio write + fsync every 4 writes" fio_verify /dev/$d \
	--rw=write --bs=64k --size=16M --fsync=4
f1=$(mqvb_stat $d flushes)
t_log "flushes $f0 -> $f1"
t_check "fsync reached the device as virtio flushes" test "$f1" -ge $((f0 + 32))
t_check "cache_type write through" \
	sh -c "echo 'write through' > /sys/block/$d/cache_type"
t_check "queue/write_cache follows" \
	grep -qx "write through" /sys/block/$d/queue/write_cache
fio_run --name=wt --filename=/dev/$d --direct=1 --rw=write --bs=64k \
	--size=4M --fsync=1 >/dev/null
t_check "write through: no flushes sent" test "$(mqvb_stat $d flushes)" = "$f1"
t_expect_fail "bad cache_type refused" \
	sh -c "echo 'write sideways' > /sys/block/$d/cache_type"
t_check "cache_type back to write back" \
	sh -c "echo 'write back' > /sys/block/$d/cache_type &&
	       grep -qx 'write back' /sys/block/$d/queue/write_cache"

pattern 8 8
sync
b0=$(blocks); n0=$(mqvb_stat $d discards)
t_check "blkdiscard 8 MiB" blkdiscard -o $((8 << 20)) -l $((8 << 20)) /dev/$d
b1=$(blocks)
t_log "discards $n0 -> $(mqvb_stat $d discards), file blocks $b0 -> $b1"
t_check "discard sent to the device" test "$(mqvb_stat $d discards)" -gt "$n0"
t_check "discarded range reads back as zeroes" zeroes 8 8
t_check "the backing file lost the blocks (hole punched)" \
	test "$b1" -le $((b0 - 8 * 2048 + 512))

pattern 32 8
n0=$(mqvb_stat $d write_zeroes)
t_check "blkdiscard -z (BLKZEROOUT: write zeroes, no unmap) 4 MiB" \
	blkdiscard -z -o $((32 << 20)) -l $((4 << 20)) /dev/$d
t_check "write-zeroes sent to the device" \
	test "$(mqvb_stat $d write_zeroes)" -gt "$n0"
t_check "zeroed range reads back as zeroes" zeroes 32 4
b0=$(blocks)
t_check "fallocate -p (write zeroes with unmap) 4 MiB" \
	fallocate -p -o $((36 << 20)) -l $((4 << 20)) /dev/$d
b1=$(blocks)
t_log "write_zeroes $n0 -> $(mqvb_stat $d write_zeroes), file blocks $b0 -> $b1"
t_check "punched range reads back as zeroes" zeroes 36 4
t_check "the backing file lost the blocks (unmap)" \
	test "$b1" -le $((b0 - 4 * 2048 + 512))

n0=$(mqvb_stat $d discards)
fs_cycle /dev/$d 300 trim
t_check "ext4: fstrim sent discards" test "$(mqvb_stat $d discards)" -gt "$n0"

past_end() { dd if=/dev/zero of=/dev/$d bs=1M seek=80 count=1 oflag=direct status=none; }
t_expect_fail "64 MiB: a write at 80 MiB fails" past_end
t_check "monitor: block_resize d0 to 96 MiB" vm_hmp \
	'{"execute": "block_resize", "arguments": {"node-name": "d0", "size": 100663296}}'

for i in $(seq 50); do
	[ "$(cat /sys/block/$d/size)" = 196608 ] && break
	sleep 0.1
done
t_check "capacity change seen (config interrupt): 96 MiB" \
	test "$(cat /sys/block/$d/size)" = 196608
t_check "a write at 80 MiB works now" past_end
t_check "verify past the old end" fio_verify /dev/$d --offset=64M --size=32M

t_check "no I/O errors reported by the driver" test "$(mqvb_stat $d errors)" = 0
t_check "queued == completed, nothing busy" mq_check_balanced $d
t_check "rmmod mq_virtio_blk" rmmod mq_virtio_blk
t_check "disk gone" test ! -e /sys/block/$d
t_done
