#!/bin/bash
# Side by side: stock scsi_debug (+ sd) and mq_scsi_debug (+ mq_scsi)
# loaded with the same parameters; sg3_utils report the same values on
# both (standard INQUIRY, VPD pages, READ CAPACITY(16), REPORT LUNS, TUR,
# SYNCHRONIZE CACHE, UNMAP, WRITE SAME), the block layer derives the same
# discard limits, and the same blocks fail with medium errors.  Known
# difference: an UNMAP over unmap_max_blocks is refused by ours (SBC) and
# executed by scsi_debug.
# sg_persist: stock scsi_debug has no persistent reservations (6.1), so
# only ours is checked (and the difference logged).
. "$(dirname "$0")/lib/common.sh"

PARAMS="dev_size_mb=16 max_luns=2 lbpu=1 lbpws=1 unmap_granularity=8
	unmap_max_blocks=16384 unmap_max_desc=16 write_same_length=4096
	opts=2 medium_error_start=1000 medium_error_count=4"
# shellcheck disable=SC2086
modprobe sd_mod && modprobe scsi_debug $PARAMS || { t_fail "load scsi_debug"; t_done; }
# shellcheck disable=SC2086
mq_load_scsi_debug $PARAMS || { t_fail "load mq_scsi_debug"; t_done; }
sleep 1
s=$(basename "$(ls -d /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:0/block/* | head -1)")
m=$(scsi_disks | head -1)
t_log "stock: $s, ours: $m"
[ -n "$s" ] && [ -n "$m" ] || { t_fail "no disks"; t_done; }
sg_turs /dev/$s >/dev/null 2>&1; sg_turs /dev/$m >/dev/null 2>&1	# power-on UAs

# same "<what>" "<egrep of the lines to compare>" cmd args...: run the
# command on both disks; same exit status and same matching lines.
same() {
	local what=$1 re=$2; shift 2
	"$@" /dev/$s > /tmp/cmp.s 2>&1; local rs=$?
	"$@" /dev/$m > /tmp/cmp.m 2>&1; local rm=$?
	grep -E "$re" /tmp/cmp.s > /tmp/cmp.s.f
	grep -E "$re" /tmp/cmp.m > /tmp/cmp.m.f
	echo "--- $* (stock rc=$rs | ours rc=$rm)"
	paste -d'|' /tmp/cmp.s.f /tmp/cmp.m.f | sed 's/^/    /'
	t_check "$what: same status ($rs) and values" \
		sh -c "[ $rs = $rm ] && [ -s /tmp/cmp.s.f -o '$re' = '^$' ] && cmp -s /tmp/cmp.s.f /tmp/cmp.m.f"
}

same "sg_inq" "Vendor identification|PQual|Peripheral device type" sg_inq
same "sg_vpd -p sv lists B0 and B2" "\\[bl\\]|\\[lbpv\\]" sg_vpd -p sv
same "sg_vpd -p bl (unmap, write same limits)" \
	"unmap|Unmap|write same length|WSNZ" sg_vpd -p bl
same "sg_vpd -p lbpv" "LBPU|LBPWS|LBPRZ|ANC_SUP|Threshold exp|Provisioning type" \
	sg_vpd -p lbpv
same "sg_readcap -l" "Last LBA|Logical block length|lbpme|Protection" sg_readcap -l
same "sg_luns" "Lun list length|^    000" sg_luns
same "sg_turs" "^$" sg_turs
same "sg_sync" "^$" sg_sync
head -c 256k /dev/urandom > /tmp/r
for x in $s $m; do
	dd if=/tmp/r of=/dev/$x bs=64k oflag=direct status=none
done
same "sg_unmap lba 8 num 16" "^$" sg_unmap --lba=8 --num=16
head -c 512 /dev/zero | tr '\0' '\132' > /tmp/blk
same "sg_write_same --16 lba 40 num 8" "^$" sg_write_same --16 --in=/tmp/blk --lba=40 --num=8
same "sg_write_same --16 --unmap lba 64 num 8" "^$" sg_write_same --16 --unmap --lba=64 --num=8
same "sg_write_same --10 --unmap refused (lbpws10=0)" "^$" sg_write_same --10 --unmap --lba=64 --num=8
same "sg_write_same beyond write_same_length refused" "^$" sg_write_same --16 --in=/tmp/blk --lba=0 --num=5000
t_check "same data after UNMAP / WRITE SAME (blocks 0..127)" bash -c "
	cmp <(dd if=/dev/$s bs=512 count=128 iflag=direct status=none) \
	    <(dd if=/dev/$m bs=512 count=128 iflag=direct status=none)"
# SBC: more blocks than MAXIMUM UNMAP LBA COUNT is an ILLEGAL REQUEST;
# stock scsi_debug does not check that limit and unmaps them all
sg_unmap --lba=0 --num=20000 /dev/$s >/dev/null 2>&1; rs=$?
t_log "sg_unmap beyond unmap_max_blocks: stock rc=$rs (scsi_debug does not enforce the limit)"
t_expect_fail "sg_unmap beyond unmap_max_blocks refused by ours" sg_unmap --lba=0 --num=20000 /dev/$m
for a in discard_granularity discard_max_hw_bytes discard_max_bytes \
	write_zeroes_max_bytes logical_block_size physical_block_size; do
	a1=$(cat /sys/block/$s/queue/$a); a2=$(cat /sys/block/$m/queue/$a)
	t_check "queue/$a: stock $a1, ours $a2" test "$a1" = "$a2"
done
fail_blocks() {
	local b out=""
	for b in $(seq 996 1007); do
		dd if=/dev/$1 of=/dev/null bs=512 skip=$b count=1 iflag=direct \
			status=none 2>/dev/null || out="$out $b"
	done
	echo "$out"
}
fs=$(fail_blocks $s); fm=$(fail_blocks $m)
t_check "medium errors: the same blocks fail (stock:$fs | ours:$fm)" test "$fs" = "$fm" -a -n "$fm"
sg_persist --no-inquiry --in --read-keys /dev/$s > /tmp/p.s 2>&1; ps=$?
sg_persist --no-inquiry --in --read-keys /dev/$m > /tmp/p.m 2>&1; pm=$?
t_log "sg_persist --read-keys: stock rc=$ps ($(head -1 /tmp/p.s)), ours rc=$pm ($(head -1 /tmp/p.m))"
t_check "sg_persist on ours works" test "$pm" = 0
rmmod scsi_debug || t_fail "rmmod scsi_debug"
mq_scsi_unload
t_check "unloaded" sh -c "! lsmod | grep -q '^mq_scsi'"
t_done
