#!/bin/bash
# Logical block provisioning on mq_scsi disks: with lbpu=1 discards go as
# UNMAP (limits from VPD B0), with only lbpws=1 as WRITE SAME(16) with
# the UNMAP bit; write-zeroes as WRITE SAME(16).  sg_unmap and
# sg_write_same against the disk, blkdiscard / blkdiscard -z read back
# zeros and leave the neighbours alone, fstrim on ext4.  Without LBP the
# disk has no discard.  Persistent reservations through sg_persist and
# the block PR ioctls (register, reserve, read keys/reservation, release,
# preempt, clear; conflicts come back as RESERVATION CONFLICT).
. "$(dirname "$0")/lib/common.sh"

# zeros <dev> <offset-bytes> <len-bytes>: the range reads back as zeros
zeros() {
	cmp -s -n "$3" <(dd if="$1" bs=4k iflag=direct,skip_bytes,count_bytes \
		skip="$2" count="$3" status=none) /dev/zero
}
# same <dev> <offset-bytes> <len-bytes> <file> <file-offset>
same() {
	cmp -s -n "$3" <(dd if="$1" bs=4k iflag=direct,skip_bytes,count_bytes \
		skip="$2" count="$3" status=none) \
		<(dd if="$4" bs=4k iflag=skip_bytes,count_bytes skip="$5" \
		count="$3" status=none)
}

mq_load_scsi_debug dev_size_mb=32 lbpu=1 lbpws=1 unmap_granularity=8 \
	unmap_max_blocks=32768 write_same_length=4096 ||
	{ t_fail "load"; t_done; }
d=$(scsi_disks | head -1)
[ -n "$d" ] || { t_fail "no disk"; t_done; }
Q=/sys/block/$d/queue
sg_turs /dev/$d >/dev/null 2>&1	# eat the power-on unit attention
t_check "UNMAP chosen" sh -c "dmesg | grep -q '$d:.*discard unmap'"
t_check "discard_granularity 4096 (8 blocks)" grep -qx 4096 $Q/discard_granularity
t_check "discard_max_bytes 16 MiB (unmap_max_blocks)" grep -qx 16777216 $Q/discard_max_bytes
t_check "write_zeroes_max_bytes 2 MiB (write_same_length)" \
	grep -qx 2097152 $Q/write_zeroes_max_bytes
sg_vpd -p lbpv /dev/$d > /tmp/lbpv 2>&1; cat /tmp/lbpv
t_check "VPD B2: LBPU 1" grep -q "Unmap command supported (LBPU): 1" /tmp/lbpv
t_check "VPD B2: LBPWS 1" grep -qi "Write same (16) with unmap bit supported (LBPWS): 1" /tmp/lbpv
sg_vpd -p bl /dev/$d > /tmp/bl 2>&1; cat /tmp/bl
t_check "VPD B0: max unmap LBA count 32768" grep -qi "Maximum unmap LBA count: 32768" /tmp/bl
t_check "VPD B0: unmap granularity 8" grep -qi "Optimal unmap granularity: 8" /tmp/bl
sg_readcap -l /dev/$d > /tmp/rc 2>&1
t_check "READ CAPACITY(16): LBPME=1 LBPRZ=1" grep -q "lbpme=1, lbprz=1" /tmp/rc

head -c 8M /dev/urandom > /tmp/pat
t_check "write 8 MiB of random data" dd if=/tmp/pat of=/dev/$d bs=1M oflag=direct status=none
t_check "sg_unmap lba 0 num 16" sg_unmap --lba=0 --num=16 /dev/$d
t_check "  blocks 0..15 read back zeros" zeros /dev/$d 0 8192
t_check "  block 16.. untouched" same /dev/$d 8192 65536 /tmp/pat 8192
head -c 512 /dev/zero | tr '\0' '\252' > /tmp/blk
t_check "sg_write_same --16 lba 100 num 10 (0xaa)" \
	sg_write_same --16 --in=/tmp/blk --lba=100 --num=10 /dev/$d
t_check "  blocks 100..109 are 0xaa" sh -c "dd if=/dev/$d bs=512 skip=100 count=10 iflag=direct status=none | tr -d '\252' | wc -c | grep -qx 0"
t_check "  blocks 99 and 110 untouched" bash -c "$(declare -f same); same /dev/$d $((99 * 512)) 512 /tmp/pat $((99 * 512)) &&
	same /dev/$d $((110 * 512)) 512 /tmp/pat $((110 * 512))"
t_check "sg_write_same --16 --unmap lba 200 num 8" \
	sg_write_same --16 --unmap --lba=200 --num=8 /dev/$d
t_check "  blocks 200..207 zeros" zeros /dev/$d $((200 * 512)) 4096
t_expect_fail "sg_write_same --10 --unmap refused (lbpws10=0)" \
	sg_write_same --10 --unmap --lba=300 --num=8 /dev/$d
t_expect_fail "sg_write_same beyond write_same_length refused" \
	sg_write_same --16 --lba=0 --num=5000 --in=/tmp/blk /dev/$d
t_expect_fail "sg_unmap beyond capacity refused" sg_unmap --lba=65530 --num=16 /dev/$d
t_check "blkdiscard 1 MiB at 1 MiB" blkdiscard -o 1M -l 1M /dev/$d
t_check "  reads back zeros" zeros /dev/$d $((1 << 20)) $((1 << 20))
t_check "  neighbours untouched" bash -c "$(declare -f same); same /dev/$d $(((1 << 20) - 4096)) 4096 /tmp/pat $(((1 << 20) - 4096)) &&
	same /dev/$d $((2 << 20)) 4096 /tmp/pat $((2 << 20))"
t_check "blkdiscard -z (write zeroes) 3 MiB at 3 MiB" blkdiscard -z -o 3M -l 3M /dev/$d
t_check "  reads back zeros" zeros /dev/$d $((3 << 20)) $((3 << 20))
t_check "  neighbours untouched" bash -c "$(declare -f same); same /dev/$d $(((3 << 20) - 512)) 512 /tmp/pat $(((3 << 20) - 512)) &&
	same /dev/$d $((6 << 20)) 4096 /tmp/pat $((6 << 20))"
t_check "blkdiscard the whole disk (split at 16 MiB)" blkdiscard /dev/$d
t_check "  whole disk zeros" zeros /dev/$d 0 $((32 << 20))
fs_cycle /dev/$d 300 trim

# Persistent reservations: sg_persist (PR IN/OUT through SG_IO) ...
P="sg_persist --no-inquiry"
t_check "sg_persist register key 0x1234" $P --out --register --param-sark=0x1234 /dev/$d
t_check "sg_persist reserve (write exclusive)" $P --out --reserve --param-rk=0x1234 --prout-type=1 /dev/$d
$P --in --read-keys /dev/$d > /tmp/pk 2>&1; cat /tmp/pk
t_check "read keys: 0x1234" grep -q "0x1234" /tmp/pk
$P --in --read-reservation /dev/$d > /tmp/pr 2>&1; cat /tmp/pr
t_check "read reservation: key 0x1234, Write Exclusive" sh -c "grep -q 'Key=0x1234' /tmp/pr && grep -q 'type: Write Exclusive' /tmp/pr"
$P --out --register --param-rk=0x9 --param-sark=0x5 /dev/$d > /dev/null 2>&1
t_check "register with a wrong key: reservation conflict (exit 24)" test $? = 24
t_check "sg_persist release" $P --out --release --param-rk=0x1234 --prout-type=1 /dev/$d
t_check "read reservation: none" sh -c "$P --in --read-reservation /dev/$d | grep -qi 'no reservation held'"
t_check "sg_persist clear" $P --out --clear --param-rk=0x1234 /dev/$d
t_check "read keys: none" sh -c "$P --in --read-keys /dev/$d | grep -qi 'no registered reservation keys'"
t_check "report capabilities" sh -c "$P --in --report-capabilities /dev/$d | grep -qi 'Write Exclusive'"
# ... and the block layer's IOC_PR_* ioctls (mq_core forwards our pr_ops)
cat > /tmp/pr.py <<'PY'
import errno, fcntl, os, struct, subprocess, sys
def IOW(nr, size): return (1 << 30) | (size << 16) | (ord('p') << 8) | nr
REG, RES, REL, PRE, PRE_AB, CLR = (IOW(200, 24), IOW(201, 16), IOW(202, 16),
                                   IOW(203, 24), IOW(204, 24), IOW(205, 16))
WE, EA = 1, 2
fd = os.open(sys.argv[1], os.O_RDWR)
fails = 0
def call(req, buf):
    try:
        return fcntl.ioctl(fd, req, bytearray(buf), True)
    except OSError as e:
        return -e.errno
def check(what, got, want):
    global fails
    print(("ok" if got == want else "FAIL") + ": %s -> %r (want %r)" % (what, got, want))
    fails += got != want
def persist(*a):
    return subprocess.run(["sg_persist", "--no-inquiry", "--in"] + list(a) + [sys.argv[1]],
                          capture_output=True, text=True).stdout
check("register 0xabc", call(REG, struct.pack("QQII", 0, 0xabc, 0, 0)), 0)
check("reserve WE", call(RES, struct.pack("QII", 0xabc, WE, 0)), 0)
k, r = persist("--read-keys"), persist("--read-reservation")
print(k, r)
check("keys show 0xabc", "0xabc" in k, True)
check("reservation WE by 0xabc", "Key=0xabc" in r and "type: Write Exclusive" in r, True)
check("register with wrong old key: RESERVATION CONFLICT (0x18)",
      call(REG, struct.pack("QQII", 0x1, 0x2, 0, 0)), 0x18)
check("reserve another type: conflict", call(RES, struct.pack("QII", 0xabc, EA, 0)), 0x18)
check("reserve with a wrong key: conflict", call(RES, struct.pack("QII", 0x7, WE, 0)), 0x18)
check("release of another type: CHECK CONDITION",
      call(REL, struct.pack("QII", 0xabc, EA, 0)), 2)
check("preempt self to EA", call(PRE, struct.pack("QQII", 0xabc, 0xabc, EA, 0)), 0)
check("reservation now Exclusive Access", "type: Exclusive Access" in persist("--read-reservation"), True)
check("release EA", call(REL, struct.pack("QII", 0xabc, EA, 0)), 0)
check("register ignoring the old key", call(REG, struct.pack("QQII", 0x99, 0xdef, 1, 0)), 0)
check("keys show 0xdef", "0xdef" in persist("--read-keys"), True)
check("clear", call(CLR, struct.pack("QII", 0xdef, 0, 0)), 0)
check("no keys after clear", "no registered reservation keys" in persist("--read-keys").lower(), True)
check("reserve flags unsupported", call(RES, struct.pack("QII", 0xabc, WE, 1)), -errno.EOPNOTSUPP)
check("bad type refused", call(RES, struct.pack("QII", 0xabc, 99, 0)), -errno.EINVAL)
check("register flags unsupported", call(REG, struct.pack("QQII", 0, 1, 2, 0)), -errno.EOPNOTSUPP)
sys.exit(1 if fails else 0)
PY
t_check "IOC_PR_* ioctls (python3)" python3 /tmp/pr.py /dev/$d
t_check "queued == completed, nothing busy" mq_check_balanced $d
rmmod mq_scsi_debug || t_fail "rmmod"

# WRITE SAME(16) with UNMAP when UNMAP is not offered
t_check "load lbpws=1 sector_size=4096" mq_load_scsi_debug dev_size_mb=16 lbpws=1 sector_size=4096
d=$(scsi_disks | head -1)
sg_turs /dev/$d >/dev/null 2>&1
t_check "WRITE SAME(16) chosen" sh -c "dmesg | grep -q '$d:.*discard writesame_16'"
t_check "write 4 MiB" dd if=/tmp/pat of=/dev/$d bs=1M count=4 oflag=direct status=none
t_check "blkdiscard 1 MiB at 1 MiB (WRITE SAME unmap)" blkdiscard -o 1M -l 1M /dev/$d
t_check "  reads back zeros" zeros /dev/$d $((1 << 20)) $((1 << 20))
t_check "  next block untouched" bash -c "$(declare -f same); same /dev/$d $((2 << 20)) 4096 /tmp/pat $((2 << 20))"
rmmod mq_scsi_debug || t_fail "rmmod"

# no provisioning: no discard
t_check "load without LBP" mq_load_scsi_debug dev_size_mb=8
d=$(scsi_disks | head -1)
t_check "discard_max_bytes 0" grep -qx 0 /sys/block/$d/queue/discard_max_bytes
t_expect_fail "blkdiscard refused" blkdiscard -o 0 -l 1M /dev/$d
t_expect_fail "sg_unmap: invalid opcode" sg_unmap --lba=0 --num=1 /dev/$d
t_check "VPD B2 not offered" sh -c "! sg_vpd -p lbpv /dev/$d 2>/dev/null"
mq_scsi_unload
t_expect_fail "unmap_alignment >= unmap_granularity refused" \
	sh -c "insmod $TOP/mq_core/mq_core.ko; insmod $TOP/mq_scsi/mq_scsi.ko; insmod $TOP/mq_scsi/mq_scsi_debug.ko unmap_granularity=4 unmap_alignment=4"
mq_scsi_unload
t_check "unloaded" sh -c "! lsmod | grep -q '^mq_'"
t_done
