#!/bin/bash
# SG_IO on an mq_scsi disk: malformed sg_io_hdr fields are refused with
# an errno (python3 ioctl), valid commands return status and sense like
# the kernel's SG_IO; unknown opcodes, bad CDB fields and LBAs out of
# range come back as CHECK CONDITION / ILLEGAL REQUEST (sg_raw and ioctl).
# Then stale sense: with one tag per host, a command whose LLD writes only
# 8 bytes of sense (mq_scsi_debug short_sense=8, like a transport copying
# short sense) must not return the previous command's sense bytes (zeros
# after them, not the earlier ASC).
. "$(dirname "$0")/lib/common.sh"

mq_load_scsi_debug dev_size_mb=16 || { t_fail "load"; t_done; }
d=$(scsi_disks | head -1)
[ -n "$d" ] || { t_fail "no disk"; t_done; }
sg_turs /dev/$d >/dev/null 2>&1	# eat the power-on unit attention

cat > /tmp/sgio.py <<'PY'
import ctypes, errno, fcntl, os, struct, sys

SG_IO = 0x2285
FMT = "@iiBBHIPPPIIiPBBBBHHiII0P"  # 0P: tail padding
assert struct.calcsize(FMT) == 88, struct.calcsize(FMT)
fd = os.open(sys.argv[1], os.O_RDWR)
fails = 0

def sgio(cdb, dxfer=0, direction=-3, iface=ord('S'), cmd_len=None,
         mx_sb=32, sbp=True, dxferp=True, cmdp=None, timeout=10000):
    cbuf = ctypes.create_string_buffer(bytes(cdb), max(len(cdb), 1))
    dbuf = ctypes.create_string_buffer(max(dxfer, 1)) if dxfer < (1 << 24) else None
    sbuf = ctypes.create_string_buffer(64)
    hdr = bytearray(struct.pack(FMT, iface, direction,
        len(cdb) if cmd_len is None else cmd_len, mx_sb, 0, dxfer,
        ctypes.addressof(dbuf) if (dxferp and dbuf) else (0x1000 if dxferp else 0),
        ctypes.addressof(cbuf) if cmdp is None else cmdp,
        ctypes.addressof(sbuf) if sbp else 0, timeout, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0))
    fcntl.ioctl(fd, SG_IO, hdr)
    out = struct.unpack(FMT, hdr)
    return {"status": out[13], "host": out[17], "driver": out[18],
            "sb_len": out[16], "resid": out[19], "info": out[21],
            "sense": sbuf.raw, "data": dbuf.raw if dbuf else b""}

def expect_errno(what, want, **kw):
    global fails
    try:
        sgio(**kw)
    except OSError as e:
        if e.errno == want:
            print("ok: %s -> %s" % (what, errno.errorcode[e.errno]))
            return
        print("FAIL: %s -> %s, want %s" % (what, errno.errorcode[e.errno],
              errno.errorcode[want]))
        fails += 1
        return
    print("FAIL: %s accepted" % what)
    fails += 1

def expect_sense(what, cdb, asc, dxfer=0, direction=-1):
    global fails
    r = sgio(cdb, dxfer=dxfer, direction=direction)
    key = r["sense"][2] & 0xf
    if r["status"] == 2 and key == 5 and r["sense"][12] == asc and \
       r["sb_len"] >= 14 and r["driver"] == 8 and r["info"] & 1:
        print("ok: %s -> ILLEGAL REQUEST asc 0x%02x" % (what, asc))
    else:
        print("FAIL: %s -> status %d key %d asc 0x%02x sb_len %d" %
              (what, r["status"], key, r["sense"][12], r["sb_len"]))
        fails += 1

tur = [0] * 6
inq = [0x12, 0, 0, 0, 96, 0]
expect_errno("interface_id 'Z'", errno.EINVAL, cdb=tur, iface=ord('Z'), direction=-1)
expect_errno("cmd_len 0", errno.EINVAL, cdb=tur, cmd_len=0, direction=-1)
expect_errno("cmd_len 5", errno.EINVAL, cdb=tur, cmd_len=5, direction=-1)
expect_errno("cmd_len 17", errno.EINVAL, cdb=[0] * 17, direction=-1)
expect_errno("dxfer_len 1 GiB", errno.EINVAL, cdb=inq, dxfer=1 << 30)
expect_errno("dxfer_len 2 MiB (over the 1 MiB bounce limit)", errno.EINVAL,
             cdb=inq, dxfer=2 << 20)
expect_errno("dxfer_direction -7", errno.EINVAL, cdb=inq, dxfer=96, direction=-7)
expect_errno("dxfer_direction 5", errno.EINVAL, cdb=inq, dxfer=96, direction=5)
expect_errno("SG_DXFER_NONE with dxfer_len", errno.EINVAL, cdb=tur, dxfer=512,
             direction=-1)
expect_errno("dxfer_len without dxferp", errno.EINVAL, cdb=inq, dxfer=96,
             dxferp=False)
expect_errno("mx_sb_len without sbp", errno.EINVAL, cdb=tur, direction=-1,
             sbp=False)
expect_errno("bad cmdp pointer", errno.EFAULT, cdb=tur, direction=-1, cmdp=8)

r = sgio(tur, direction=-1)
if r["status"] == 0 and r["info"] == 0 and r["sb_len"] == 0:
    print("ok: TEST UNIT READY good")
else:
    print("FAIL: TUR status %d info %d" % (r["status"], r["info"])); fails += 1
r = sgio(inq, dxfer=96)
if r["status"] == 0 and r["data"][8:13] == b"Linux" and r["resid"] == 0:
    print("ok: INQUIRY data, resid 0")
else:
    print("FAIL: INQUIRY %r" % r); fails += 1
r = sgio(inq, dxfer=200)
if r["status"] == 0 and r["resid"] == 104:
    print("ok: INQUIRY with a larger buffer reports resid 104")
else:
    print("FAIL: INQUIRY resid %d" % r["resid"]); fails += 1
# a write then a read back through SG_IO (WRITE(10)/READ(10) lba 7)
pat = bytes(range(256)) * 2
wbuf = ctypes.create_string_buffer(pat, 512)
cb = ctypes.create_string_buffer(bytes([0x2a, 0, 0, 0, 0, 7, 0, 0, 1, 0]), 10)
sb = ctypes.create_string_buffer(32)
hdr = bytearray(struct.pack(FMT, ord('S'), -2, 10, 32, 0, 512,
      ctypes.addressof(wbuf), ctypes.addressof(cb), ctypes.addressof(sb),
      10000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
fcntl.ioctl(fd, SG_IO, hdr)
r = sgio([0x28, 0, 0, 0, 0, 7, 0, 0, 1, 0], dxfer=512)
if struct.unpack(FMT, hdr)[13] == 0 and r["status"] == 0 and r["data"] == pat:
    print("ok: WRITE(10) then READ(10) through SG_IO round-trips")
else:
    print("FAIL: SG_IO write/read"); fails += 1

expect_sense("unknown opcode 0xff", [0xff, 0, 0, 0, 0, 0], 0x20)
expect_sense("INQUIRY EVPD page 0x55", [0x12, 1, 0x55, 0, 96, 0], 0x24,
             dxfer=96, direction=-3)
expect_sense("READ(10) beyond capacity", [0x28, 0, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0],
             0x21, dxfer=512, direction=-3)
expect_sense("REPORT LUNS select 7", [0xa0, 0, 7, 0, 0, 0, 0, 0, 1, 0, 0, 0], 0x24,
             dxfer=256, direction=-3)
os.close(fd)
sys.exit(1 if fails else 0)
PY
t_check "malformed headers refused, sense returned (python3 ioctl)" python3 /tmp/sgio.py /dev/$d

sg_raw -v /dev/$d ff 00 00 00 00 00 > /tmp/raw 2>&1; cat /tmp/raw
t_check "sg_raw unknown opcode: Illegal Request" grep -qi "Illegal Request" /tmp/raw
t_check "sg_raw unknown opcode: invalid command operation code" \
	grep -qi "Invalid command operation code" /tmp/raw
sg_raw -v -r 512 /dev/$d 28 00 ff ff ff 00 00 00 01 00 > /tmp/raw 2>&1
cat /tmp/raw
t_check "sg_raw READ(10) beyond capacity: LBA out of range" \
	grep -qi "Logical block address out of range" /tmp/raw
sg_raw -v -r 512 /dev/$d 28 00 00 00 00 00 00 00 01 00 > /tmp/raw 2>&1
t_check "sg_raw READ(10) good" grep -qi "SCSI Status: Good" /tmp/raw
sg_raw -v /dev/$d 1a 00 33 00 40 00 -r 64 > /tmp/raw 2>&1; cat /tmp/raw
t_check "sg_raw MODE SENSE unknown page: invalid field in cdb" \
	grep -qi "Invalid field in cdb" /tmp/raw
t_check "disk still works after all that (fio verify)" fio_verify /dev/$d --size=16M
t_check "queued == completed, nothing busy" mq_check_balanced $d
mq_scsi_unload

cat > /tmp/stale.py <<'PY'
import ctypes, fcntl, os, struct, sys

SG_IO = 0x2285
FMT = "@iiBBHIPPPIIiPBBBBHHiII0P"
fd = os.open(sys.argv[1], os.O_RDWR)

def sense_of(cdb, dxfer=0):
    cbuf = ctypes.create_string_buffer(bytes(cdb), len(cdb))
    dbuf = ctypes.create_string_buffer(max(dxfer, 1))
    sbuf = ctypes.create_string_buffer(b"\xee" * 96, 96)
    hdr = bytearray(struct.pack(FMT, ord('S'), -3 if dxfer else -1, len(cdb),
        96, 0, dxfer, ctypes.addressof(dbuf), ctypes.addressof(cbuf),
        ctypes.addressof(sbuf), 10000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    fcntl.ioctl(fd, SG_IO, hdr)
    out = struct.unpack(FMT, hdr)
    return out[13], sbuf.raw[:out[16]]

with open("/sys/module/mq_scsi_debug/parameters/short_sense", "w") as f:
    f.write("0")
st, sb = sense_of([0x12, 1, 0x55, 0, 96, 0], 96)
print("full sense: status %d, %s" % (st, sb.hex()))
ok = st == 2 and len(sb) == 18 and sb[12] == 0x24
with open("/sys/module/mq_scsi_debug/parameters/short_sense", "w") as f:
    f.write("8")
st, sb = sense_of([0xff, 0, 0, 0, 0, 0])
print("8-byte sense: status %d, %s" % (st, sb.hex()))
with open("/sys/module/mq_scsi_debug/parameters/short_sense", "w") as f:
    f.write("0")
if not ok:
    print("FAIL: the first command's sense")
    sys.exit(1)
if st != 2 or len(sb) != 18 or sb[2] & 0xf != 5 or any(sb[8:]):
    print("FAIL: bytes 8.. are not zero: stale sense of the earlier command")
    sys.exit(1)
PY
mq_load_scsi_debug dev_size_mb=8 max_queue=1 || t_fail "load with max_queue=1"
d=$(scsi_disks | head -1)
sg_turs /dev/$d >/dev/null 2>&1	# eat the power-on unit attention
t_check "short sense after a full one: no stale bytes" python3 /tmp/stale.py /dev/$d
t_check "block I/O after short sense (fio verify)" fio_verify /dev/$d --size=4M
mq_scsi_unload
t_check "modules unloaded" sh -c "! lsmod | grep -q '^mq_scsi'"
t_done
