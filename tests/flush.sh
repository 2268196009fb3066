#!/bin/bash
# vm: --cpus 4
# PREFLUSH/FUA sequencing in the core (mq_core/flush.c) on a memory-backed
# mq_nullblk (a volatile write cache): fsync-heavy fio jobs (empty
# PREFLUSH), O_DSYNC direct writes (FUA: a post-flush without FUA, passed
# through with it) and ext4 journal commits (PREFLUSH + FUA) with crc32c
# verify; flushes merge (fewer issued than wanted), /proc/diskstats counts
# the issued ones, every request ends once; the same through the timer
# and blocking paths and with injected requeues; without a write cache no
# flush is issued.
. "$(dirname "$0")/lib/common.sh"

dbg() { echo "/sys/kernel/debug/mq_core/$1"; }

# nothing waits in any hctx's flush machine
flush_idle() {
	local f
	for f in "$(dbg "$1")"/hctx*/flush; do
		awk '$1 != "flush_in_flight" && $2 != 0 { bad = 1 }
		     $1 == "flush_in_flight" && $2 != 0 { bad = 1 }
		     END { exit bad }' "$f" || { cat "$f"; return 1; }
	done
}

# fsync_job DISK JOBS [fio args]: JOBS writers, an fsync (an empty
# PREFLUSH write) after every 4k write, crc32c verify.
fsync_job() {
	local d=$1 n=$2
	shift 2
	fio_run --name=fsync --filename="/dev/$d" --direct=1 --ioengine=psync \
		--rw=randwrite --bs=4k --fsync=1 --numjobs="$n" --size=8M \
		--offset_increment=16M --verify=crc32c --verify_fatal=1 \
		--do_verify=1 --group_reporting "$@"
}

# dsync_job DISK [fio args]: O_DSYNC direct writes (REQ_FUA), verify.
dsync_job() {
	local d=$1
	shift
	fio_run --name=dsync --filename="/dev/$d" --direct=1 --sync=1 \
		--ioengine=libaio --iodepth=8 --rw=randwrite --bs=4k --size=16M \
		--numjobs=2 --offset_increment=32M --verify=crc32c \
		--verify_fatal=1 --do_verify=1 "$@"
}

# counters of the core, diskstats flushes (column 19)
snap() { # snap <disk>: "wanted issued seq diskstats_flushes"
	echo "$(mq_stat "$1" flush_wanted) $(mq_stat "$1" flushes)" \
		"$(mq_stat "$1" flush_seq) $(disk_stat "$1" 19)"
}

# One configuration: load, fsync + dsync + ext4, checks.  $1 = label, the
# rest mq_nullblk parameters.
run_config() {
	local label=$1 d=mqnullb0 w0 f0 s0 k0 w1 f1 s1 k1
	shift
	t_log "== $label: $*"
	mq_load_nullblk memory_backed=1 gb=1 "$@" || {
		t_fail "$label: load"; return; }
	t_check "$label: write cache on" \
		grep -q "write back" /sys/block/$d/queue/write_cache

	read -r w0 f0 s0 k0 <<< "$(snap $d)"
	t_check "$label: 8 writers, fsync after each write, verify" \
		fsync_job $d 8
	read -r w1 f1 s1 k1 <<< "$(snap $d)"
	t_log "$label fsync: flushes wanted $((w1 - w0)), issued $((f1 - f0)), diskstats $((k1 - k0))"
	t_check "$label: fsyncs reached the core as flushes" \
		test $((w1 - w0)) -ge 1024
	t_check "$label: flushes were issued" test $((f1 - f0)) -gt 0
	t_check "$label: concurrent flushes merged (issued < wanted)" \
		test $((f1 - f0)) -lt $((w1 - w0))
	t_check "$label: diskstats counts the issued flushes" \
		test $((k1 - k0)) -eq $((f1 - f0))

	read -r w0 f0 s0 k0 <<< "$(snap $d)"
	t_check "$label: O_DSYNC direct writes (FUA), verify" dsync_job $d
	read -r w1 f1 s1 k1 <<< "$(snap $d)"
	t_log "$label dsync: sequenced $((s1 - s0)), flushes wanted $((w1 - w0)), issued $((f1 - f0))"
	if grep -q 1 /sys/block/$d/queue/fua; then
		t_check "$label: FUA passed through (no flush sequence)" \
			test $((s1 - s0)) -eq 0 -a $((f1 - f0)) -eq 0
	else
		t_check "$label: FUA emulated by post-flushes" \
			test $((s1 - s0)) -ge 4096 -a $((f1 - f0)) -gt 0
		t_check "$label: post-flushes merged" \
			test $((f1 - f0)) -lt $((w1 - w0))
	fi

	read -r w0 f0 s0 k0 <<< "$(snap $d)"
	fs_cycle /dev/$d 300
	read -r w1 f1 s1 k1 <<< "$(snap $d)"
	t_log "$label ext4: sequenced $((s1 - s0)), flushes wanted $((w1 - w0)), issued $((f1 - f0))"
	t_check "$label: journal commits went through the flush machine" \
		test $((s1 - s0)) -gt 0 -a $((f1 - f0)) -gt 0

	t_check "$label: no flush waiter left" flush_idle $d
	t_check "$label: queued == completed, nothing busy" \
		mq_check_balanced $d
	mq_unload
}

run_config "no FUA" submit_queues=2 fua=0
run_config "FUA" submit_queues=2 fua=1
run_config "timer completion" submit_queues=1 fua=0 irqmode=2 \
	completion_nsec=20000
run_config "blocking" submit_queues=2 fua=0 blocking=1
run_config "requeues" submit_queues=2 fua=0 requeue=1,10,0,-1 \
	hw_queue_depth=4

# Without a write cache, fsync issues no flush at all.
mq_load_nullblk memory_backed=1 gb=1 || t_fail "load"
d=mqnullb0
echo "write through" > /sys/block/$d/queue/write_cache
read -r w0 f0 s0 k0 <<< "$(snap $d)"
t_check "write through: fsync job verifies" fsync_job $d 4
read -r w1 f1 s1 k1 <<< "$(snap $d)"
t_check "write through: no flush issued" test $((f1 - f0)) -eq 0
t_check "write through: queued == completed" mq_check_balanced $d
mq_unload
t_done
