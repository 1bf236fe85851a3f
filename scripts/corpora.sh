#!/usr/bin/env bash
# Fetch the source trees the diagnostics are measured on (docs/precision.md, "Method") into a
# directory (default /tmp/corpora), on a Debian bookworm machine, as root:
#   tuning set:       Linux 6.1 (linux-source-6.1), Linux 6.12 (linux-source-6.12, bookworm-backports),
#                     Xen, EDK II, and QEMU (after confirmation round 1)
#   confirmation, round 1: U-Boot, QEMU, SeaBIOS, GRUB 2, iPXE
#   confirmation, round 2: Trusted Firmware-A, OpenSBI, GNU Mach, Memtest86+, Syslinux, crash,
#                     makedumpfile, kexec-tools
#   confirmation, round 3: GNU-EFI, shim, Bochs, flashrom, ACPICA, DPDK
#   confirmation, round 4: Valgrind, rEFInd, libdrm, open-vm-tools, SystemTap, libkdumpfile, drgn, efitools,
#                     Mesa, GDB, binutils, elfutils
#   confirmation, round 5: CRIU, libunwind, strace, NASM, igt-gpu-tools, rdma-core, fwupd, libvirt
#   confirmation, round 6: Yasm, klibc, musl, systemd, BusyBox, libbpf, bpfcc, glibc
# Adds a deb-src line for bookworm (and bookworm-backports) when the apt sources have none, then
# `apt-get source NAME/bookworm` for each source package (already unpacked trees are kept).
# Usage: scripts/corpora.sh [DIR]
set -euo pipefail

DIR=${1:-/tmp/corpora}
SOURCES=/etc/apt/sources.list.d/paging-layout-corpora.sources
MIRROR=$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | grep -oE 'https?://[^ ]+' | head -1 || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

if [ "$(id -u)" != 0 ]; then echo "corpora: run as root (apt-get)" >&2; exit 2; fi
if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  cat > "$SOURCES" <<EOF
# Source packages for the Paging Layout precision corpora (scripts/corpora.sh).
Types: deb-src
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: $MIRROR
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  echo "corpora: added $SOURCES ($MIRROR)"
fi
apt-get update -q
command -v dpkg-source >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q dpkg-dev xz-utils

mkdir -p "$DIR"
cd "$DIR"
failed=()
for pkg in xen edk2 u-boot qemu seabios grub2 ipxe arm-trusted-firmware opensbi gnumach memtest86+ syslinux crash makedumpfile kexec-tools gnu-efi shim bochs flashrom acpica-unix dpdk \
    valgrind refind libdrm open-vm-tools systemtap libkdumpfile drgn efitools mesa gdb binutils elfutils \
    criu libunwind strace nasm igt-gpu-tools rdma-core fwupd libvirt \
    yasm klibc musl systemd busybox libbpf bpfcc glibc; do
  if compgen -G "$DIR/${pkg//+/?}-[0-9]*/" >/dev/null; then echo "corpora: $pkg already unpacked"; continue; fi
  # Pinned to bookworm: a backports version may be listed without its files on the mirror.
  if ! timeout 1800 apt-get source -q "$pkg/bookworm"; then failed+=("$pkg"); fi
done

# Linux: 6.1 from bookworm, the newest linux-source-6.x that bookworm-backports has.
newest=$(apt-cache search --names-only '^linux-source-6\.[0-9]+$' | awk '{print $1}' | sort -V | tail -1)
for src in linux-source-6.1 $newest; do
  if [ -d "$DIR/$src" ]; then echo "corpora: $src already unpacked"; continue; fi
  if [ ! -f "/usr/src/$src.tar.xz" ]; then
    target=bookworm; [ "$src" != linux-source-6.1 ] && target=bookworm-backports
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -t "$target" "$src" || { failed+=("$src"); continue; }
  fi
  tar xJf "/usr/src/$src.tar.xz" -C "$DIR"
done

echo "corpora: trees in $DIR:"
ls -d "$DIR"/*/ | sed 's/^/  /'
if [ ${#failed[@]} -gt 0 ]; then echo "corpora: not fetched: ${failed[*]}" >&2; exit 1; fi
