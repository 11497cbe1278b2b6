# SPDX-License-Identifier: GPL-2.0
# Jumping VPN: the kernel module, userspace and their tests.
#
#   make                 kernel/jumping.ko and userspace (jumpctl)
#   make check           install test deps, build, host unit tests, VM selftests
#                        on Debian's kernel (the CI gate)
#   make check-debug     ... the selftests on the debug (KASAN, lockdep,
#                        kmemleak) kernel instead
#   make check-all       ... on both kernels
#   make check-package   only the package suite (part of make check): the
#                        .debs installed in a guest, where DKMS builds the
#                        module (tests/selftests/package)
#   make fuzz            netlink, packet, fault-injection and libFuzzer
#                        fuzzers at full size on the debug kernel
#                        (tests/fuzz/fuzz, docs/fuzzing.md)
#   make demo            a session surviving the death of its uplink, in a VM,
#                        told as a timeline (tests/demo/demo)
#   make demo-cluster    a session of a two-gateway cluster on etcd outliving
#                        the gateway that owns it (tests/demo/demo-cluster)
#   make bench           TCP 1/4 flows, UDP pps, RTT idle/loaded at smp 2
#                        and 4: veth, WireGuard, Jumping (tests/bench/bench)
#   make bench-failover  stall, goodput, loss and moves when the client's
#                        uplink dies, degrades, flaps or comes back: Jumping
#                        vs WireGuard (tests/bench/failover/bench)
#   make bench-scale     a gateway with 1k, 10k, 100k sessions: memory,
#                        install time, rx/tx pps, reattach storm; Jumping
#                        vs WireGuard (tests/bench/scale/bench)
#   make lint            checkpatch --strict, sparse (C=1) and W=1, all clean
#   make install         DESTDIR=, PREFIX=/usr/local
#   make deb             the Debian packages jumping-dkms and jumping-tools
#                        in tests/out/deb/, checked by lintian
#   make clean
#
# KDIR defaults to the running kernel's build directory when it exists,
# else the newest installed /lib/modules/*/build.

KDIR ?= $(shell . tests/vm/kernel-lib.sh && jp_default_kdir)
PREFIX ?= /usr/local
DESTDIR ?=

KERNEL_SOURCES := $(filter-out %.mod.c,$(wildcard kernel/*.c kernel/*.h kernel/selftest/*.c)) \
		  include/uapi/linux/jumping.h

all: module userspace

module:
	@test -d "$(KDIR)" || { echo "no kernel build directory (KDIR=$(KDIR)):" \
		"apt-get install linux-headers-amd64" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace
	$(MAKE) -C tests/bench/scale

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install \
		INSTALL_MOD_PATH=$(DESTDIR)
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

# dpkg-buildpackage builds from a copy of the checkout's sources (git's
# tracked and new files, nothing built) in tests/out/deb/src/jumping and
# leaves the packages next to it: no stale object gets in, and nothing
# lands in the checkout's parent directory. lintian fails the target on
# any warning or error not overridden (debian/*.lintian-overrides).
DEB_OUT := tests/out/deb
deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh_dkms >/dev/null || \
		{ echo "make deb: apt-get install debhelper dh-dkms lintian" >&2; exit 1; }
	rm -rf $(DEB_OUT) && mkdir -p $(DEB_OUT)/src/jumping
	git ls-files -z --cached --others --exclude-standard | \
		tar -c --null -T - | tar -x -C $(DEB_OUT)/src/jumping
	cd $(DEB_OUT)/src/jumping && DEB_BUILD_OPTIONS=parallel=2 \
		dpkg-buildpackage -b --no-sign > ../build.log 2>&1 || \
		{ tail -40 ../build.log; exit 1; }
	mv $(DEB_OUT)/src/*.deb $(DEB_OUT)/src/*.changes \
		$(DEB_OUT)/src/*.buildinfo $(DEB_OUT)/
	lintian --fail-on error,warning --info $(DEB_OUT)/*.changes
	@ls -1 $(DEB_OUT)/*.deb

check:
	tests/check --stock

check-all:
	tests/check --stock --debug

check-debug:
	tests/check --debug

check-package:
	tests/check --package

fuzz:
	tests/fuzz/fuzz

bench:
	tests/bench/bench

bench-failover:
	tests/bench/failover/bench

bench-scale:
	tests/bench/scale/bench

demo:
	tests/demo/demo

demo-cluster:
	tests/demo/demo-cluster

# Each step runs even when an earlier one found something; the target
# fails if any did.
lint:
	@tests/install-deps
	@fail=0; ksrc=$$(tests/vm/kernel-source) || exit 1; \
	$$ksrc/scripts/checkpatch.pl --strict --no-tree --quiet --show-types \
		-f $(KERNEL_SOURCES) || fail=1; \
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null; \
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules W=1 C=1 2>&1 | tee lint.log; \
	if grep -E 'warning:|error:' lint.log; then fail=1; fi; \
	rm -f lint.log; exit $$fail

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/selftests/jumping clean
	$(MAKE) -C tests/bench/scale clean
	rm -rf tests/out lint.log

.PHONY: all module userspace install deb check check-all check-debug check-package fuzz lint clean \
	bench bench-failover bench-scale demo demo-cluster
