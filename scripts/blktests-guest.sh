#!/bin/bash
# scripts/blktests-guest.sh SCRATCH TEST... - the guest half of scripts/blktests
# (runs in the VM as root).  SCRATCH/stock and SCRATCH/mq are built blktests
# trees (see scripts/blktests).  Installs SCRATCH/modules/mq_core.ko and
# mq_nullblk.ko (the build tree's, copied by scripts/blktests) into this
# guest's module tree (a tmpfs overlay: nothing reaches the host), runs the tests in stock/ (null_blk), then in mq/
# (mq_nullblk), and prints the table between MQ-BLKTESTS-TABLE-BEGIN/END.
set -uo pipefail
SCRATCH=$1
shift
kver=$(uname -r)
out=${MQ_OUT:-/tmp}

kmsg() { echo "$*" > /dev/kmsg; echo "$*"; }

# modprobe mq_nullblk must load what was just built, not a DKMS copy.
mods=$(readlink -f "/lib/modules/$kver")
find "$mods/" \( -name 'mq_core.ko*' -o -name 'mq_nullblk.ko*' \) -delete
mkdir -p "$mods/kernel/drivers/block/mq-suite"
cp "$SCRATCH/modules/mq_core.ko" "$SCRATCH/modules/mq_nullblk.ko" \
	"$mods/kernel/drivers/block/mq-suite/" || exit 1
depmod -a "$kver" || exit 1
echo "modinfo -n mq_nullblk: $(modinfo -n mq_nullblk)"

declare -A status
for col in stock mq; do
	kmsg "MQ-BLKTESTS-COLUMN $col"
	modprobe -r null_blk mq_nullblk 2>/dev/null
	cd "$SCRATCH/$col" || exit 1
	# No TEST_DEVS: the null_blk tests make their own devices.
	# TIMEOUT bounds blktests' fio runs (both columns alike): without it
	# block/010 alone runs for most of an hour under TCG.
	printf 'TEST_DEVS=()\nTIMEOUT=%s\n' "${MQ_BLKTESTS_TIMEOUT:-10}" > config
	./check -o "/tmp/blktests-$col" "$@" 2>&1
	cp -r "/tmp/blktests-$col" "$out/" 2>/dev/null
	for t in "$@"; do
		# nodev/TEST, or DISK/TEST for a test run on a device it made.
		f=$(find "/tmp/blktests-$col" -path "*/$t" -type f 2>/dev/null | head -1)
		s=$(awk -F'\t' '$1 == "status" { print $2 }' "$f" 2>/dev/null)
		r=$(awk -F'\t' '$1 == "reason" { print $2 }' "$f" 2>/dev/null)
		case $s in
		"not run") s=skip ;;
		"") s=none ;;
		esac
		status[$col,$t]=$s${r:+($r)}
	done
	modprobe -r null_blk mq_nullblk 2>/dev/null
done

echo MQ-BLKTESTS-TABLE-BEGIN
printf '%-10s %-16s %-16s\n' test stock mq
printf '%-10s %-16s %-16s\n' ---- ----- --
for t in "$@"; do
	printf '%-10s %-16s %-16s\n' "$t" "${status[stock,$t]}" "${status[mq,$t]}"
done
echo MQ-BLKTESTS-TABLE-END
