#!/bin/bash
# A disk's limits and features read the same in sysfs on every kernel of
# the matrix (they are set through mq_set_limits(), which uses the setters
# on 6.1 and atomic queue_limits updates on 6.9+, features as queue flags
# or BLK_FEAT_*): block sizes, request size, write cache and FUA,
# rotational, add_random, discard and write-zeroes, polling, and a changed
# configuration reaching a rebuilt disk.
. "$(dirname "$0")/lib/common.sh"

q() { cat "/sys/block/$1/queue/$2"; }
# attr DISK ATTR WANT
attr() { t_check "$1 queue/$2 = $3 (is $(q "$1" "$2"))" test "$(q "$1" "$2")" = "$3"; }

mq_load_nullblk nr_devices=0 || { t_fail "load"; t_done; }

# A plain disk: no cache, no discard, 512-byte blocks, 255-sector requests.
cfs_new plain size=64 blocksize=512 power=1 || t_fail "create plain"
d=$(cfs_disk plain)
attr "$d" logical_block_size 512
attr "$d" physical_block_size 512
attr "$d" max_hw_sectors_kb 127
attr "$d" rotational 0
attr "$d" add_random 0
attr "$d" write_cache "write through"
attr "$d" fua 0
attr "$d" discard_max_hw_bytes 0
attr "$d" write_zeroes_max_bytes 0
attr "$d" io_poll 1

# Memory backed, 4 KiB blocks, 1 MiB requests, discard, no poll queues.
cfs_new mem size=64 blocksize=4096 max_sectors=2048 memory_backed=1 \
	discard=1 poll_queues=0 power=1 || t_fail "create mem"
m=$(cfs_disk mem)
attr "$m" logical_block_size 4096
attr "$m" physical_block_size 4096
attr "$m" minimum_io_size 4096
attr "$m" max_hw_sectors_kb 1024
attr "$m" write_cache "write back"
attr "$m" fua 1
attr "$m" rotational 0
attr "$m" discard_granularity 4096
t_check "$m discards (discard_max_hw_bytes > 0)" \
	test "$(q "$m" discard_max_hw_bytes)" -gt 0
t_check "$m writes zeroes (write_zeroes_max_bytes > 0)" \
	test "$(q "$m" write_zeroes_max_bytes)" -gt 0
attr "$m" io_poll 0
t_check "blkdiscard + read back zeroes on $m" \
	sh -c "dd if=/dev/urandom of=/dev/$m bs=1M count=4 oflag=direct status=none &&
	       blkdiscard -o 0 -l 4194304 /dev/$m &&
	       cmp -s -n 4194304 /dev/$m /dev/zero"
t_check "fio verify on the 4k disk" fio_verify /dev/$m --size=32M

# A rebuilt disk (power cycle) takes its new configuration.
echo 0 > "$CFS/mem/power"
echo 512 > "$CFS/mem/blocksize" && echo 0 > "$CFS/mem/memory_backed" &&
	echo 0 > "$CFS/mem/discard" || t_fail "reconfigure mem"
echo 1 > "$CFS/mem/power" || t_fail "power mem on again"
m=$(cfs_disk mem)
attr "$m" logical_block_size 512
attr "$m" write_cache "write through"
attr "$m" discard_max_hw_bytes 0

# null_blk's fua=0 (write cache without FUA) and rotational=1 (7.x).
cfs_new fuaoff size=64 memory_backed=1 fua=0 rotational=1 power=1 ||
	t_fail "create fuaoff"
f=$(cfs_disk fuaoff)
attr "$f" write_cache "write back"
attr "$f" fua 0
attr "$f" rotational 1
t_check "fio verify on $f (no FUA)" fio_verify /dev/$f --size=16M
echo 0 > "$CFS/fuaoff/power"; rmdir "$CFS/fuaoff"

# mq_scsi_debug: 4 KiB sectors, write cache with FUA, UNMAP.
mq_load_scsi_debug sector_size=4096 lbpu=1 dev_size_mb=64 ||
	t_fail "load mq_scsi_debug"
s=$(scsi_disks | head -1)
if [ -n "$s" ]; then
	attr "$s" logical_block_size 4096
	attr "$s" rotational 0
	t_check "$s discards" test "$(q "$s" discard_max_hw_bytes)" -gt 0
	t_check "fio verify on $s" fio_verify "/dev/$s" --size=32M
else
	t_fail "no mq_scsi_debug disk"
fi

for n in plain mem; do echo 0 > "$CFS/$n/power"; rmdir "$CFS/$n"; done
mq_scsi_unload
mq_unload
t_done
