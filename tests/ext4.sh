#!/bin/bash
# A real filesystem: mkfs, mount, copy a tree, unmount, fsck, remount and
# compare; /proc/diskstats counts the I/O.
. "$(dirname "$0")/lib/common.sh"

mq_load_nullblk memory_backed=1 gb=2 submit_queues=2 bs=4096 discard=1 ||
	{ t_fail "load"; t_done; }
d=mqnullb0
ios_before=$(awk -v d=$d '$3 == d { print $4 + $8 }' /proc/diskstats)
t_check "mkfs.ext4" mkfs.ext4 -q -F /dev/$d
mkdir -p /mnt/t
t_check "mount" mount /dev/$d /mnt/t
src=/usr/share/doc
(cd $src && find . -type f 2>/dev/null | head -2000 | sort > /tmp/list)
t_check "copy 2000 files" sh -c "cd $src && tar cf - -T /tmp/list | tar xf - -C /mnt/t"
(cd $src && xargs -a /tmp/list md5sum > /tmp/sums.src 2>/dev/null)
t_check "fstrim (discard)" fstrim -v /mnt/t
t_check "umount" umount /mnt/t
t_check "fsck.ext4 -f -n clean" fsck.ext4 -f -n /dev/$d
t_check "remount" mount /dev/$d /mnt/t
t_check "every file identical after remount" \
	sh -c "cd /mnt/t && md5sum -c --quiet /tmp/sums.src"
umount /mnt/t
ios_after=$(awk -v d=$d '$3 == d { print $4 + $8 }' /proc/diskstats)
t_log "diskstats completed ios: $ios_before -> $ios_after"
t_check "/proc/diskstats counts the I/O" test "$ios_after" -gt $((ios_before + 1000))
t_check "queued == completed, nothing busy" mq_check_balanced $d
t_done
