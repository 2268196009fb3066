# SPDX-License-Identifier: GPL-2.0
#
# mq suite: out-of-tree multi-queue block layer modules.
#
#   make [KVER=<kernel release>]   build every module
#   make install                   install into /lib/modules/$(KVER)/updates and depmod
#   make lint                      checkpatch --strict, sparse (C=2), W=1
#   make check                     build + lint + every test in the VM
#   make check-xen                 every tests/xen/*.sh in a Xen PV guest (scripts/check-xen)
#   make check-debug               make check's tests on a KASAN/lockdep/kmemleak kernel
#                                  (scripts/check-debug; builds it once, ~13 min)
#   make bench                     null_blk vs mq_nullblk in one VM run
#   make profile                   instructions per I/O by function, both drivers
#   make clean

ifneq ($(KBUILD_EXTMOD),)
# Kbuild part (read by the kernel's build with M= set; not keyed on
# KERNELRELEASE, which DKMS passes to the outer make): one pass builds
# every module, so modpost resolves mq_core's exports for its drivers
# without KBUILD_EXTRA_SYMBOLS.
obj-m += mq_core/
obj-m += mq_nullblk/
obj-m += tests/
obj-m += mq_scsi/
obj-m += mq_virtio/
obj-m += mq_xenfront/
else

# The running kernel's headers if present, else the newest installed tree.
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1 | \
	     cut -d/ -f4; fi)
KDIR ?= /lib/modules/$(KVER)/build
PWD := $(shell pwd)
W ?= 1

ifeq ($(KVER),)
$(error no kernel headers found: install linux-headers-amd64 or pass KVER=)
endif

.PHONY: all modules install clean lint check check-xen check-debug bench profile check-kver print-kver

all: modules

print-kver:
	@echo $(KVER)

check-kver:
	@test -d $(KDIR) || { echo "no kernel tree at $(KDIR) (KVER=$(KVER))"; exit 1; }

modules: check-kver
	$(MAKE) -C $(KDIR) M=$(PWD) W=$(W) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true
	rm -f $(shell find . -name '*.ur-safe' -o -name '*.mod.c' 2>/dev/null)

lint: check-kver
	scripts/lint KVER=$(KVER)

check: modules
	scripts/check KVER=$(KVER)

check-xen: modules
	scripts/check-xen

# Builds the suite itself, against the debug kernel's tree (not KDIR above).
check-debug:
	scripts/check-debug

bench: modules
	scripts/bench KVER=$(KVER)

profile: modules
	scripts/profile KVER=$(KVER)

endif
