#!/bin/bash
# The SCSI generic side of an mq_scsi LUN, as the midlayer lays it out:
# <device>/scsi_generic/sg<N> (N from 32768, never one of the kernel's sg
# numbers) with a /dev/sg<N> character device that sg3_utils drive through
# SG_IO (sg_inq, sg_readcap, sg_turs) and that takes sg's v3 and v2
# write()/read() interface (python; data written through it reads back
# through the disk), <device>/scsi_device/<h:c:t:l>/ and
# scsi_disk/<h:c:t:l>/cache_type (sd's strings; "temporary" changes only
# the disk's write cache; a refused MODE SELECT is -EINVAL); unload
# removes the node with the LUN, with the stock scsi_debug and sg beside.
. "$(dirname "$0")/lib/common.sh"

modprobe sd_mod && modprobe sg && modprobe scsi_debug dev_size_mb=16 ||
	t_fail "stock scsi_debug + sg"
mq_load_scsi_debug dev_size_mb=16 || { t_fail "load"; t_done; }
d=$(scsi_disks | head -1)
[ -n "$d" ] || { t_fail "no disk"; t_done; }
dev=/sys/block/$d/device
sg=$(ls "$dev/scsi_generic" 2>/dev/null | head -1)
t_log "disk $d, sg node $sg, stock sg nodes: $(ls /sys/class/scsi_generic 2>/dev/null | tr '\n' ' ')"
t_check "scsi_generic/sg<N> with N >= 32768" sh -c "echo '$sg' | grep -Eq '^sg(3[2-9]|[4-9][0-9]|[1-9][0-9]{2})[0-9]{3}$'"
t_check "/dev/$sg is a character device" test -c "/dev/$sg"
t_check "scsi_device/<h:c:t:l>/" test -d "$dev/scsi_device/$(basename "$(readlink -f "$dev")")"
sg_turs "/dev/$sg" >/dev/null 2>&1	# the power-on unit attention
t_check "sg_turs /dev/$sg" sg_turs "/dev/$sg"
t_check "sg_inq /dev/$sg: mq_scsi_debug's vendor" sh -c "sg_inq /dev/$sg | grep -q 'Vendor identification: Linux'"
t_check "sg_readcap /dev/$sg: 32768 blocks" sh -c "sg_readcap /dev/$sg | grep -q 'Last LBA=32767'"

# sg's write()/read() interface (sg_dd would use it, but only on the
# kernel's sg major): v3 (sg_io_hdr) WRITE(10) then READ(10) of 64 KiB, v2
# (sg_header) INQUIRY; the data also reads back through the disk.
cat > /tmp/sgrw.py <<'PY'
import ctypes, os, struct, sys

FMT = "@iiBBHIPPPIIiPBBBBHHiII0P"	# struct sg_io_hdr
fd = os.open(sys.argv[1], os.O_RDWR)
data = os.urandom(65536)

def v3(cdb, direction, buf):
    cbuf = ctypes.create_string_buffer(bytes(cdb), len(cdb))
    sbuf = ctypes.create_string_buffer(32)
    hdr = struct.pack(FMT, ord('S'), direction, len(cdb), 32, 0, len(buf),
                      ctypes.addressof(buf), ctypes.addressof(cbuf),
                      ctypes.addressof(sbuf), 10000, 0, 7, 0,
                      0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert os.write(fd, hdr) == len(hdr)
    out = struct.unpack(FMT, os.read(fd, len(hdr)))
    assert out[11] == 7, "pack_id %d" % out[11]
    assert out[13] == 0 and out[17] == 0, "status %d host %d" % (out[13], out[17])

lba = 4096
wbuf = ctypes.create_string_buffer(data, len(data))
v3(bytes([0x2a, 0]) + struct.pack(">I", lba) + bytes([0, 0, 128, 0]), -2, wbuf)
rbuf = ctypes.create_string_buffer(len(data))
v3(bytes([0x28, 0]) + struct.pack(">I", lba) + bytes([0, 0, 128, 0]), -3, rbuf)
assert rbuf.raw == data, "v3 read back differs"
print("v3 write/read ok")

# v2: struct sg_header (36 bytes), then the CDB; reply_len includes the header.
hdr = struct.pack("@iiii", 0, 36 + 96, 5, 0) + bytes(20)
assert os.write(fd, hdr + bytes([0x12, 0, 0, 0, 96, 0])) == 42
r = os.read(fd, 36 + 96)
pack_len, reply_len, pack_id, result = struct.unpack("@iiii", r[:16])
assert pack_id == 5 and result == 0, (pack_id, result)
assert r[36 + 8:36 + 16] == b"Linux   ", r[36 + 8:36 + 16]
print("v2 inquiry ok")
open("/tmp/sgdata", "wb").write(data)
PY
t_check "v3 and v2 write()/read() on /dev/$sg" python3 /tmp/sgrw.py "/dev/$sg"
t_check "the disk reads back what sg wrote" sh -c \
	"dd if=/dev/$d bs=512 skip=4096 count=128 iflag=direct status=none | cmp -s - /tmp/sgdata"
t_expect_fail "write() of a short header" sh -c "printf 'xx' > /dev/$sg"

ct=$(ls -d "$dev"/scsi_disk/*/cache_type 2>/dev/null | head -1)
t_check "scsi_disk/<h:c:t:l>/cache_type: write back" test "$(cat "$ct" 2>/dev/null)" = "write back"
t_check "temporary write through" sh -c "echo 'temporary write through' > $ct"
t_check "reads write through, queue write_cache follows" sh -c \
	"test \"\$(cat $ct)\" = 'write through' && test \"\$(cat /sys/block/$d/queue/write_cache)\" = 'write through'"
# mq_scsi_debug has no MODE SELECT: a real change is refused, cache unchanged.
t_expect_fail "write back (MODE SELECT refused by the device)" sh -c "echo 'write back' > $ct"
t_check "still write through" test "$(cat "$ct")" = "write through"
t_expect_fail "an unknown cache type" sh -c "echo 'write sideways' > $ct"
echo 'temporary write back' > "$ct"

exec 7<>"/dev/$sg"		# an open sg file across removal
t_check "rmmod mq_scsi_debug with /dev/$sg open" rmmod mq_scsi_debug
t_check "/dev/$sg went with the LUN" test ! -e "/dev/$sg"
exec 7<&-
mq_scsi_unload
t_check "the stock scsi_debug disk still works" sh -c \
	"s=\$(ls /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block 2>/dev/null | head -1); [ -n \"\$s\" ] && dd if=/dev/\$s of=/dev/null bs=1M count=4 iflag=direct status=none"
modprobe -r scsi_debug
mq_unload
t_done
