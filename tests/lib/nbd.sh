# Shared steps of the mq_nbd tests (sourced after common.sh): images on
# the guest's tmpfs served by qemu-nbd over TCP on the loopback, the
# converted mq_nbd and the stock nbd loaded side by side.

# nbd_load [mq_nbd params]: mq_core, mq_nbd and the stock nbd.
nbd_load() {
	mq_load_core || return 1
	insmod "$TOP/mq_nbd/mq_nbd.ko" nbds_max=2 "$@" || return 1
	modprobe nbd nbds_max=2 || return 1
	udevadm settle 2>/dev/null || sleep 0.5
}

nbd_unload() {
	rmmod mq_nbd 2>/dev/null
	rmmod nbd 2>/dev/null
	rmmod mq_core 2>/dev/null
	return 0
}

# nbd_serve <image> <port> <MB>: a raw image served by qemu-nbd
# (persistent, 8 clients: several connections per device); sets NBD_PID.
nbd_serve() {
	local img=$1 port=$2 mb=$3
	[ -f "$img" ] || truncate -s "${mb}M" "$img" || return 1
	qemu-nbd -f raw -t --shared=8 -b 127.0.0.1 \
		-p "$port" "$img" >/dev/null 2>&1 &
	NBD_PID=$!
	# Listening?
	t_wait 20 sh -c "cat /proc/net/tcp | awk '{print \$2}' | grep -qi ':$(printf %04X "$port")\$'"
}

# nbd_connect <dev> <port> <connections>: nbd-client through the ioctl
# interface (-L: no netlink; it only knows the stock family's name).
nbd_connect() {
	nbd-client -L -C "$3" 127.0.0.1 "$2" "$1" >/dev/null 2>&1 || return 1
	t_wait 20 test "$(cat /sys/block/${1#/dev/}/size)" -gt 0
}

nbd_disconnect() {
	nbd-client -L -d "$1" >/dev/null 2>&1
}

# nbd_hwqs <disk>: hardware queues of one of our disks.
nbd_hwqs() {
	ls -d /sys/block/$1/mq/[0-9]* 2>/dev/null | wc -l
}
