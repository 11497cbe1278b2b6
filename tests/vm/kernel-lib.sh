# SPDX-License-Identifier: GPL-2.0
# Helpers of tests/vm/run and the Makefile: which guest kernel, its
# uncompressed image, and the initramfs that mounts the host's root.
# Sourced, not run. Everything built here is cached under $JUMPING_CACHE.

# The Debian kernel the module is built against: the release of $KDIR when
# it is /lib/modules/<release>/build, else the running kernel's when it has
# a build directory, else the newest installed one that has headers.
jp_default_release() {
	local d rel
	if [ -n "${KDIR:-}" ]; then
		case "$KDIR" in
		/lib/modules/*/build|/lib/modules/*/build/)
			rel=${KDIR#/lib/modules/}; rel=${rel%%/*}
			[ -e "/boot/vmlinuz-$rel" ] && { echo "$rel"; return 0; } ;;
		esac
	fi
	rel=$(uname -r)
	if [ -e "/boot/vmlinuz-$rel" ] && [ -d "/lib/modules/$rel/build" ]; then
		echo "$rel"
		return 0
	fi
	for d in $(ls -d /lib/modules/*/build 2>/dev/null | sort -V -r); do
		rel=${d#/lib/modules/}; rel=${rel%/build}
		[ -e "/boot/vmlinuz-$rel" ] && { echo "$rel"; return 0; }
	done
	return 1
}

# The KDIR a module build uses by default (see the Makefile).
jp_default_kdir() {
	local rel
	rel=$(uname -r)
	if [ -d "/lib/modules/$rel/build" ]; then
		echo "/lib/modules/$rel/build"
		return 0
	fi
	ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1
}

# The release string a kernel image was built as.
jp_image_release() {
	local image=$1 dir
	# In a build tree: vmlinux at the top, bzImage in arch/x86/boot.
	for dir in "$(dirname "$image")" "$(dirname "$image")/../../.."; do
		if [ -r "$dir/include/config/kernel.release" ]; then
			cat "$dir/include/config/kernel.release"
			return 0
		fi
	done
	case "$image" in
	/boot/vmlinuz-*) echo "${image#/boot/vmlinuz-}"; return 0 ;;
	esac
	strings "$image" | sed -n 's/^Linux version \([^ ]*\) .*/\1/p' | head -n 1 | grep .
}

# An ELF image QEMU can boot directly through PVH: a vmlinux is used as it
# is; from a bzImage the XZ payload is decompressed once and cached, which
# saves several seconds of in-guest decompression on every boot.
jp_uncompressed_image() {
	local image=$1 cache=$2 key out
	if [ "$(head -c 4 "$image" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
		echo "$image"
		return 0
	fi
	# Only Debian's XZ bzImages are worth unpacking; others boot as they are.
	if ! grep -q -a -F "$(printf '\3757zXZ')" "$image"; then
		echo "$image"
		return 0
	fi
	key=$(stat -c '%n %s %Y' "$image" | sha256sum | cut -c1-16)
	out=$cache/images/$(basename "$image")-$key.elf
	if [ ! -s "$out" ]; then
		mkdir -p "$cache/images"
		python3 - "$image" "$out.tmp.$$" <<'PY' || return 1
import lzma, sys
data = open(sys.argv[1], "rb").read()
start = data.find(b"\xfd7zXZ\x00")
if start < 0:
    sys.exit("no XZ payload in " + sys.argv[1])
elf = lzma.LZMADecompressor().decompress(data[start:])
if elf[:4] != b"\x7fELF":
    sys.exit("the XZ payload is not an ELF image")
open(sys.argv[2], "wb").write(elf)
PY
		mv "$out.tmp.$$" "$out"
	fi
	echo "$out"
}

# Modules to load, dependencies first, for the 9p root and the overlay.
jp_initramfs_modules() {
	local modules_dir=$1 machine=$2 want m
	[ -n "$modules_dir" ] && [ -r "$modules_dir/modules.dep" ] || return 0
	want="9pnet_virtio 9p overlay"
	if [ "$machine" = microvm ]; then
		want="virtio_mmio $want"
	else
		want="virtio_pci $want"
	fi
	for m in $want; do
		awk -v m="$m" -F': *' '
			{ n = split($1, p, "/"); name = p[n]; sub(/\.ko.*$/, "", name) }
			name == m {
				k = split($2, d, " ")
				for (i = k; i >= 1; i--) print d[i]
				print $1
			}' "$modules_dir/modules.dep"
	done | awk '!seen[$0]++'
}

# The initramfs: static busybox, stage 1 and the modules above, cached by
# everything that goes into it.
jp_initramfs() {
	local here=$1 cache=$2 release=$3 modules_dir=$4 machine=$5
	local mods key out stage m
	mods=$(jp_initramfs_modules "$modules_dir" "$machine")
	key=$( { cat "$here/initramfs-init"; echo "$release $machine $mods";
		 stat -c '%s %Y' "$(command -v busybox)"; } | sha256sum | cut -c1-16)
	out=$cache/initramfs/$release-$machine-$key.cpio.gz
	if [ ! -s "$out" ]; then
		stage=$(mktemp -d)
		mkdir -p "$stage"/{bin,dev,proc,sys,modules} "$cache/initramfs"
		cp "$(command -v busybox)" "$stage/bin/busybox"
		cp "$here/initramfs-init" "$stage/init"
		: > "$stage/modules.list"
		for m in $mods; do
			cp "$modules_dir/$m" "$stage/modules/"
			m=$(basename "$m"); echo "${m%.ko*}" >> "$stage/modules.list"
		done
		(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp.$$"
		rm -rf "$stage"
		mv "$out.tmp.$$" "$out"
	fi
	echo "$out"
}
