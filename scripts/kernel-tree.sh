#!/usr/bin/env bash
# Prints the path of an extracted Linux 6.1 source tree (Debian's linux-source-6.1) for the tests that
# read a real tree: PAGING_LAYOUT_KERNEL_TREE when set, else the cache folder, extracting the tarball
# there once (installing linux-source-6.1 with apt-get when it is missing). Never writes into a tree
# it did not extract. The last line of its output is the tree's path.
#
# Environment:
#   PAGING_LAYOUT_KERNEL_TREE  an extracted tree to use as is
#   PAGING_LAYOUT_CACHE        where the tarball is extracted (default /var/cache/paging-layout)
#   PAGING_LAYOUT_SKIP_APT=1   never call apt-get (fail instead)
set -euo pipefail
say() { echo "[kernel-tree] $*" >&2; }
if [[ -n "${PAGING_LAYOUT_KERNEL_TREE:-}" ]]; then
  [[ -f "$PAGING_LAYOUT_KERNEL_TREE/Makefile" ]] || { say "PAGING_LAYOUT_KERNEL_TREE=$PAGING_LAYOUT_KERNEL_TREE holds no kernel tree"; exit 1; }
  echo "$PAGING_LAYOUT_KERNEL_TREE"; exit 0
fi
CACHE="${PAGING_LAYOUT_CACHE:-/var/cache/paging-layout}"
TREE="$CACHE/linux-source-6.1"
TARBALL=/usr/src/linux-source-6.1.tar.xz
if [[ -f "$TREE/Makefile" ]]; then echo "$TREE"; exit 0; fi
if [[ ! -f "$TARBALL" ]]; then
  [[ "${PAGING_LAYOUT_SKIP_APT:-}" == 1 ]] && { say "$TARBALL is missing and PAGING_LAYOUT_SKIP_APT=1"; exit 1; }
  SUDO=(); [[ $(id -u) == 0 ]] || SUDO=(sudo -n)
  say "apt-get install linux-source-6.1"
  export DEBIAN_FRONTEND=noninteractive
  apt-cache policy linux-source-6.1 2>/dev/null | grep -q 'Candidate: [0-9]' || "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends linux-source-6.1 >/dev/null
fi
say "extracting $TARBALL to $CACHE (once)"
mkdir -p "$CACHE"
rm -rf "$TREE.partial"; mkdir -p "$TREE.partial"
tar -xJf "$TARBALL" -C "$TREE.partial"
rm -rf "$TREE"; mv "$TREE.partial/linux-source-6.1" "$TREE"; rmdir "$TREE.partial"
echo "$TREE"
