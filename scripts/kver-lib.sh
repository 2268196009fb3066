# shellcheck shell=bash
# Sourced by vm-run, xen-build and xen-run.
#
# default_kver: print the newest installed distro kernel, i.e. the highest
# /boot/vmlinuz-*-amd64 (sort -V) that has its /lib/modules/<kver>/kernel.
# Returns 1 (prints nothing) when there is none. Debian moves the ABI number
# (6.1.0-56 -> 6.1.0-57 ...) with each point release, so never hard-code one.
default_kver() {
    local f k list=
    for f in /boot/vmlinuz-*-amd64; do
        [[ -e $f ]] || continue
        k=${f#/boot/vmlinuz-}
        [[ -d /lib/modules/$k/kernel ]] && list+="$k"$'\n'
    done
    [[ -n $list ]] || return 1
    printf '%s' "$list" | sort -V | tail -n 1
}
