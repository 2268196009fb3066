#!/bin/bash
# vm-host.sh - the host half of tests that need host resources: backing
# files for QEMU disks and the QEMU monitor.  scripts/check runs it for a
# test whose header has "# vm-host: tests/lib/vm-host.sh [options]":
#
#   vm-host.sh [options] setup DIR    create the files, print vm-run options
#   vm-host.sh [options] agent DIR    beside the guest: relay monitor commands
#   vm-host.sh [options] cleanup DIR  after the guest (DIR is removed later)
#
# Options:
#   --disk NAME=SIZE   a sparse raw file DIR/out/NAME.img of SIZE (e.g. 64M),
#                      attached as the QEMU block node NAME (-blockdev, with
#                      discard=unmap, so discard and write-zeroes punch holes;
#                      a -blockdev node survives device_del, so the guest can
#                      device_add it again).  The guest sees the file as
#                      /mnt/host-out/NAME.img (read it, never write it).
#   --throttle NAME=IOPS  a QEMU throttle node NAME-t (IOPS requests/s in all)
#                      on top of disk NAME, for a device that must be slow
#                      (use drive=NAME-t).
#
# Monitor relay: the guest writes an HMP command line to
# /mnt/host-out/hmp.req; the agent runs it through QMP
# (human-monitor-command) and writes the output to /mnt/host-out/hmp.resp
# ("ERROR: ..." if QMP refused it).  A line starting with "{" is sent as
# a raw QMP command instead.  tests/lib/common.sh: vm_hmp.
set -uo pipefail

disks=() throttles=()
while [ $# -gt 0 ]; do
	case "$1" in
	--disk) disks+=("$2"); shift 2 ;;
	--throttle) throttles+=("$2"); shift 2 ;;
	setup|agent|cleanup) break ;;
	*) echo "vm-host.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
verb=${1:-}
dir=${2:-}
[ -n "$verb" ] && [ -d "$dir" ] || { echo "usage: vm-host.sh [--disk N=SIZE]... setup|agent|cleanup DIR" >&2; exit 2; }

case "$verb" in
setup)
	mkdir -p "$dir/out" || exit 1
	opts="--out $dir/out --qmp $dir/qmp.sock"
	for d in "${disks[@]}"; do
		name=${d%%=*} size=${d#*=}
		truncate -s "$size" "$dir/out/$name.img" || exit 1
		opts+=" --qemu-arg -blockdev --qemu-arg"
		opts+=" driver=file,node-name=$name,filename=$dir/out/$name.img,discard=unmap,cache.direct=off"
	done
	for t in "${throttles[@]}"; do
		name=${t%%=*} iops=${t#*=}
		opts+=" --qemu-arg -object --qemu-arg throttle-group,id=tg-$name,x-iops-total=$iops"
		opts+=" --qemu-arg -blockdev --qemu-arg"
		opts+=" driver=throttle,node-name=$name-t,throttle-group=tg-$name,file=$name"
	done
	echo "$opts"
	;;
agent)
	# Waits for QEMU (vm-run may first wait for the machine-wide VM lock),
	# then relays until QEMU goes away.
	exec python3 - "$dir" <<'EOF'
import json, os, select, socket, sys, time
d = sys.argv[1]
sock_path, out = os.path.join(d, "qmp.sock"), os.path.join(d, "out")
req, resp = os.path.join(out, "hmp.req"), os.path.join(out, "hmp.resp")
deadline = time.time() + 4 * 3600
s = None
while s is None:
    if time.time() > deadline:
        sys.exit("no QEMU monitor appeared")
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock_path)
    except OSError:
        s = None
        time.sleep(0.5)
buf = b""
def lines(timeout):
    """Complete lines that arrive within timeout (None: wait for one)."""
    global buf
    while b"\n" not in buf:
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            return []
        chunk = s.recv(65536)
        if not chunk:
            sys.exit(0)    # QEMU exited
        buf += chunk
    *done, buf = buf.split(b"\n")
    return [json.loads(l) for l in done if l.strip()]
def reply():
    while True:
        for msg in lines(None):
            if "event" in msg:
                print("event:", json.dumps(msg), flush=True)
            else:
                return msg
def send(obj):
    s.sendall((json.dumps(obj) + "\n").encode())
reply()    # greeting
send({"execute": "qmp_capabilities"})
reply()
print("connected", flush=True)
while True:
    if os.path.exists(req):
        cmd = open(req).read().strip()
        os.unlink(req)
        if cmd.startswith("{"):    # a raw QMP command
            send(json.loads(cmd))
        else:
            send({"execute": "human-monitor-command",
                  "arguments": {"command-line": cmd}})
        r = reply()
        if "return" not in r:
            text = "ERROR: " + json.dumps(r.get("error"))
        elif isinstance(r["return"], str):
            text = r["return"]
        else:
            text = json.dumps(r["return"]) if r["return"] else ""
        print("hmp:", cmd, "->", text.strip(), flush=True)
        with open(resp + ".tmp", "w") as o:
            o.write(text)
        os.rename(resp + ".tmp", resp)
    for msg in lines(0.2):
        print("event:", json.dumps(msg), flush=True)
EOF
	;;
cleanup)
	for d in "${disks[@]}"; do
		name=${d%%=*}
		f=$dir/out/$name.img
		[ -f "$f" ] && echo "$name.img: $(stat -c '%s bytes, %b blocks allocated' "$f")"
	done
	exit 0
	;;
esac
