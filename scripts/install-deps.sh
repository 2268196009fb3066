#!/bin/bash
# install-deps.sh - install what the build, lint and VM test scripts need (Debian 12,
# run as root).  Idempotent: when every package is already installed it does not
# touch apt at all.
#
# Usage: scripts/install-deps.sh
#
# Also makes checkpatch.pl usable without the full kernel source tree: when
# /usr/src/linux-source-6.1 is not extracted but the tarball is there, it extracts only
# scripts/checkpatch.pl, scripts/spelling.txt and scripts/const_structs.checkpatch into
# ${MQ_CACHE_DIR:-/var/cache/mq-suite}/checkpatch/ (when the tree is extracted, that
# directory gets symlinks to its files instead).  Run checkpatch as:
#   /var/cache/mq-suite/checkpatch/checkpatch.pl --no-tree -f FILE...
set -euo pipefail

packages=(
    linux-image-amd64 linux-headers-amd64 linux-source-6.1
    qemu-system-x86 busybox-static kmod dkms fio sparse sg3-utils
    e2fsprogs xfsprogs cpio zstd xz-utils
    g++ pciutils   # scripts/blktests (its src/ has C++; setpci for block/011, 019)
    make gcc bc flex bison libelf-dev libssl-dev perl python3 util-linux procps
    debootstrap debhelper dh-dkms dpkg-dev   # scripts/kernels, make deb
    coccinelle   # scripts/mq-convert (the converted upstream drivers)
    nbd-client qemu-utils   # tests/nbd_*.sh, scripts/bench-nbd (qemu-nbd server, stock nbd client)
)

if [[ $(id -u) != 0 ]]; then
    echo "install-deps.sh: must run as root" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    [[ $status == ii* ]] || missing+=("$p")
done

if ((${#missing[@]})); then
    echo "install-deps.sh: installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${packages[@]}"
fi
"$(dirname "$0")/xen-deps"   # the Xen rig (scripts/xen-run)

# checkpatch.pl and the two data files it reads from its own directory.
cpdir=${MQ_CACHE_DIR:-/var/cache/mq-suite}/checkpatch
files=(checkpatch.pl spelling.txt const_structs.checkpatch)
src=/usr/src/linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz

have_all() {
    local f
    for f in "${files[@]}"; do [[ -e $cpdir/$f ]] || return 1; done
}

if [[ -f $src/scripts/checkpatch.pl ]]; then
    mkdir -p "$cpdir"
    for f in "${files[@]}"; do
        [[ -e $src/scripts/$f ]] && ln -sfn "$src/scripts/$f" "$cpdir/$f"
    done
elif [[ -f $tarball ]] && { ! have_all || [[ $tarball -nt $cpdir/checkpatch.pl ]]; }; then
    echo "install-deps.sh: extracting checkpatch.pl from $tarball into $cpdir"
    mkdir -p "$cpdir"
    tmp=$(mktemp -d "$cpdir/.extract.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    members=()
    for f in "${files[@]}"; do members+=("linux-source-6.1/scripts/$f"); done
    tar -xJf "$tarball" -C "$tmp" --strip-components=2 --wildcards "${members[@]}"
    for f in "${files[@]}"; do
        [[ -e $tmp/$f ]] && mv -f "$tmp/$f" "$cpdir/$f"
    done
    chmod 755 "$cpdir/checkpatch.pl"
    touch "$cpdir/checkpatch.pl"
fi
