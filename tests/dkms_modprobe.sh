#!/bin/bash
# The user's path: after `dkms install`, `modprobe mq_nullblk` resolves and
# loads mq_core by itself, and the disk serves I/O next to stock null_blk.
. "$(dirname "$0")/lib/common.sh"

path=$(modinfo -n mq_nullblk 2>/dev/null)
t_log "modinfo -n mq_nullblk: ${path:-none}"
t_check "mq_nullblk installed by DKMS" sh -c "echo '$path' | grep -q /updates/dkms/"
t_check "modprobe mq_nullblk" modprobe mq_nullblk nr_devices=1 gb=1
t_check "mq_core was pulled in as a dependency" sh -c "lsmod | grep -q '^mq_core '"
t_check "stock null_blk loads next to it" modprobe null_blk nr_devices=1 gb=1
t_check "fio on mqnullb0 and nullb0 side by side" \
	fio_run --name=a --filename=/dev/mqnullb0 --name=b --filename=/dev/nullb0 \
	--direct=1 --ioengine=io_uring --rw=randread --bs=4k --iodepth=8 \
	--runtime=2 --time_based
t_check "modprobe -r mq_nullblk mq_core" modprobe -r mq_nullblk mq_core
rmmod null_blk
t_done
