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
#   make stress                    the stress matrix (scripts/stress, about an hour)
#   make bench                     null_blk vs mq_nullblk in one VM run
#   make bench-pvscsi              stock vmw_pvscsi vs mq_pvscsi in one VM run
#   make profile                   instructions per I/O by function, both drivers
#   make deb                       dist/mq-suite-dkms_<version>_all.deb (debhelper, dh-dkms)
#   make clean

ifneq ($(KBUILD_EXTMOD),)
# Kbuild part (read by the kernel's build with M= set; not keyed on
# KERNELRELEASE, which DKMS passes to the outer make): one pass builds
# every module, so modpost resolves mq_core's exports for its drivers
# without KBUILD_EXTRA_SYMBOLS.
ifeq ($(MQ_COMPAT_INC),)
$(error MQ_COMPAT_INC is not set: build through this Makefile (make, dkms), which runs the compat probes first)
endif
# The compat probes' answers for this kernel (mq_core/mq_compat.h).
subdir-ccflags-y += -I$(MQ_COMPAT_INC)
obj-m += mq_core/
obj-m += mq_nullblk/
obj-m += tests/
obj-m += mq_scsi/
obj-m += mq_virtio/
obj-m += mq_xenfront/
obj-m += mq_nbd/
else

# The running kernel's headers if present, else the newest installed tree
# (a Debian 12 kernel on the host). A kernel of another release of the
# matrix (scripts/kernels) is built inside that release's root.
KVER ?= $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1 | \
	     cut -d/ -f4; fi)
PWD := $(shell pwd)
W ?= 1

ifeq ($(KVER),)
$(error no kernel headers found: install linux-headers-amd64 or pass KVER=)
endif

# Not on this system, but in a build root: the build goals run there
# (scripts/kernels exec), the others (check, bench ...) here.
ifeq ($(MQ_IN_ROOT)$(KDIR),)
ifeq ($(wildcard /lib/modules/$(KVER)/build/Makefile),)
MQ_ROOT := $(shell scripts/kernels root $(KVER) 2>/dev/null)
endif
endif

.PHONY: all generate compat modules install clean lint check check-xen check-debug stress bench bench-pvscsi profile check-kver print-kver deb

all: modules

print-kver:
	@echo $(KVER)

# The converted upstream drivers' sources (scripts/generate), made where
# linux-source and spatch are: on this system, before a build root's make.
generate:
	+scripts/generate

ifneq ($(filter-out /,$(MQ_ROOT)),)
compat modules install: generate
compat modules install clean:
	+scripts/kernels exec $(KVER) -- $(MAKE) $@ KVER=$(KVER) W=$(W)
check-kver:
	@:
else

KDIR ?= /lib/modules/$(KVER)/build
# Per-kernel compat probe results (scripts/compat-probe).
COMPAT_DIR := $(PWD)/.compat/$(KVER)

check-kver:
	@test -d $(KDIR) || { echo "no kernel tree at $(KDIR) (KVER=$(KVER); scripts/kernels setup)"; exit 1; }

# The tree builds for one kernel at a time: another KVER cleans first.
compat: check-kver generate
	@if [ -f .kver ] && [ "$$(cat .kver)" != "$(KVER)" ]; then \
		echo "  CLEAN   objects of $$(cat .kver) (now building $(KVER))"; \
		$(MAKE) -s -C $(KDIR) M=$(PWD) MQ_COMPAT_INC=$(COMPAT_DIR) clean >/dev/null 2>&1 || true; \
	fi; echo "$(KVER)" > .kver
	+scripts/compat-probe $(KDIR) $(COMPAT_DIR)

modules: compat
	$(MAKE) -C $(KDIR) M=$(PWD) W=$(W) MQ_COMPAT_INC=$(COMPAT_DIR) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(PWD) MQ_COMPAT_INC=$(COMPAT_DIR) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) MQ_COMPAT_INC=$(COMPAT_DIR) clean 2>/dev/null || true
	rm -rf .compat .kver
	rm -f $(shell find . -name '*.ur-safe' -o -name '*.mod.c' 2>/dev/null)
endif

lint: check-kver
	scripts/lint KVER=$(KVER)

check: modules
	scripts/check KVER=$(KVER)

check-xen: modules
	scripts/check-xen KVER=$(KVER)

# Builds the suite itself, against the debug kernel's tree (not KDIR above).
check-debug:
	scripts/check-debug

stress: modules
	scripts/stress KVER=$(KVER)

bench: modules
	scripts/bench KVER=$(KVER)

bench-pvscsi: modules
	scripts/bench-pvscsi KVER=$(KVER)

profile: modules
	scripts/profile KVER=$(KVER)

# Needs no kernel: the package carries the sources, dkms builds them.
deb:
	scripts/mkdeb dist

endif
