#!/bin/bash
# A real filesystem: mkfs, mount, copy a tree, unmount, fsck, remount and
# compare; /proc/diskstats counts the I/O.
. "$(dirname "$0")/lib/common.sh"

mq_load_nullblk memory_backed=1 gb=2 submit_queues=2 bs=4096 discard=1 ||
	{ t_fail "load"; t_done; }
d=mqnullb0
read -r r w <<< "$(disk_stat $d 4 8)"
ios_before=$((r + w))
fs_cycle /dev/$d 2000 trim
read -r r w <<< "$(disk_stat $d 4 8)"
ios_after=$((r + w))
t_log "diskstats completed ios: $ios_before -> $ios_after"
t_check "/proc/diskstats counts the I/O" test "$ios_after" -gt $((ios_before + 1000))
t_check "queued == completed, nothing busy" mq_check_balanced $d
t_done
