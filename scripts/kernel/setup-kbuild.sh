#!/usr/bin/env bash
# Configured Linux 6.1 build directories (O=) for the kernel-configuration checks, without building
# a kernel: `make defconfig` (plus the configuration's tweaks) and `make prepare`, which writes
# include/generated/autoconf.h, the generated asm headers, bounds.h, asm-offsets.h and
# kernel/.bounds.s.cmd (the kernel's own compiler flags, which the gcc oracle reuses).
#
# On a fresh Debian machine it installs what is missing with apt-get (linux-source-6.1, the build
# tools, the arm64 and riscv64 cross compilers) and extracts /usr/src/linux-source-6.1.tar.xz once.
# A second run skips every step that is done; a configuration whose recipe changed is redone.
#
# usage: scripts/kernel/setup-kbuild.sh [--compile-commands] [CONFIG…]
#   CONFIG   one of the names below (default: all of them)
#   --compile-commands   also build mm/init-mm.o in x86_64-defconfig and write its
#                        compile_commands.json (the kernel's generator; lists .c units only)
#   --list   print the configuration names and exit
#
# Environment:
#   PAGING_LAYOUT_KERNEL_TREE   an extracted linux-source-6.1 tree to use as is (read only; nothing
#                               is written into it), e.g. /tmp/k/linux-source-6.1
#   PAGING_LAYOUT_CACHE_DIR     where the tarball is extracted otherwise
#                               (default /var/cache/paging-layout; the tree is <dir>/linux-source-6.1)
#   PAGING_LAYOUT_KBUILD_ROOT   parent of the build directories (default /tmp/kb; one <root>/<CONFIG> each)
#   PAGING_LAYOUT_SKIP_APT=1    never call apt-get (fail instead, naming what is missing)
#   JOBS                        make -j value (default 2)
#
# Prints "<CONFIG> <build dir>" per configuration on stdout; progress goes to stderr.
set -euo pipefail

KVER=6.1
TARBALL=/usr/src/linux-source-$KVER.tar.xz
CACHE_DIR="${PAGING_LAYOUT_CACHE_DIR:-/var/cache/paging-layout}"
KB_ROOT="${PAGING_LAYOUT_KBUILD_ROOT:-/tmp/kb}"
JOBS="${JOBS:-2}"

say() { echo "[kbuild] $*" >&2; }
die() { echo "[kbuild] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------- configurations
# name | ARCH | CROSS_COMPILE | scripts/config arguments applied to defconfig | symbols that must
# hold afterwards (SYM=y, SYM=n for "not set", SYM=value). Linux 6.1's x86-64 defconfig already
# selects X86_5LEVEL (its Kconfig default is y), so x86_64-5level states it explicitly and
# x86_64-4level turns it off: the only 4-level x86-64 configuration of the set.
CONFIGS=(
  "x86_64-defconfig|x86_64||"
  "x86_64-5level|x86_64||--enable X86_5LEVEL|X86_5LEVEL=y"
  "x86_64-4level|x86_64||--disable X86_5LEVEL|X86_5LEVEL=n"
  "arm64-defconfig|arm64|aarch64-linux-gnu-||ARM64_4K_PAGES=y ARM64_VA_BITS=48"
  "arm64-64k-52bit|arm64|aarch64-linux-gnu-|--disable ARM64_4K_PAGES --enable ARM64_64K_PAGES --disable ARM64_VA_BITS_48 --enable ARM64_VA_BITS_52|ARM64_64K_PAGES=y ARM64_VA_BITS_52=y ARM64_VA_BITS=52 ARM64_PAGE_SHIFT=16"
  "riscv-defconfig|riscv|riscv64-linux-gnu-||64BIT=y"
)

want_cc=0
selected=()
for a in "$@"; do
  case "$a" in
    --compile-commands) want_cc=1 ;;
    --list) for c in "${CONFIGS[@]}"; do echo "${c%%|*}"; done; exit 0 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $a" ;;
    *) found=0
       for c in "${CONFIGS[@]}"; do [[ "${c%%|*}" == "$a" ]] && found=1; done
       [[ $found == 1 ]] || die "unknown configuration '$a' (known: $(for c in "${CONFIGS[@]}"; do printf '%s ' "${c%%|*}"; done))"
       selected+=("$a") ;;
  esac
done
if [[ ${#selected[@]} == 0 ]]; then for c in "${CONFIGS[@]}"; do selected+=("${c%%|*}"); done; fi

# ---------------------------------------------------------------- Debian packages
# package -> file that proves it is installed
declare -A NEED=(
  [make]=/usr/bin/make [gcc]=/usr/bin/gcc [flex]=/usr/bin/flex [bison]=/usr/bin/bison [bc]=/usr/bin/bc
  [libelf-dev]=/usr/include/libelf.h [libssl-dev]=/usr/include/openssl/ssl.h
  [gcc-aarch64-linux-gnu]=/usr/bin/aarch64-linux-gnu-gcc [gcc-riscv64-linux-gnu]=/usr/bin/riscv64-linux-gnu-gcc
  [python3]=/usr/bin/python3 [xz-utils]=/usr/bin/xz
)
tree_given=0
[[ -n "${PAGING_LAYOUT_KERNEL_TREE:-}" ]] && tree_given=1
[[ $tree_given == 0 ]] && NEED[linux-source-$KVER]=$TARBALL
missing=()
for p in "${!NEED[@]}"; do [[ -e "${NEED[$p]}" ]] || missing+=("$p"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ "${PAGING_LAYOUT_SKIP_APT:-}" == 1 ]] && die "missing Debian packages: ${missing[*]} (PAGING_LAYOUT_SKIP_APT=1)"
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get"
  say "installing ${missing[*]}"
  SUDO=; [[ $(id -u) == 0 ]] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  for p in "${missing[@]}"; do [[ -e "${NEED[$p]}" ]] || die "apt-get installed $p but ${NEED[$p]} is still missing"; done
fi

# ---------------------------------------------------------------- source tree
if [[ $tree_given == 1 ]]; then
  SRC="$PAGING_LAYOUT_KERNEL_TREE"
  [[ -f "$SRC/Makefile" && -d "$SRC/arch/x86/include/asm" ]] || die "PAGING_LAYOUT_KERNEL_TREE=$SRC is not a kernel source tree"
else
  SRC="$CACHE_DIR/linux-source-$KVER"
  if [[ ! -f "$SRC/.paging-layout-extracted" ]]; then
    say "extracting $TARBALL into $CACHE_DIR (about 1.3 GB)"
    mkdir -p "$CACHE_DIR"
    rm -rf "$SRC"
    tar xJf "$TARBALL" -C "$CACHE_DIR"
    [[ -f "$SRC/Makefile" ]] || die "$TARBALL did not extract to $SRC"
    date -u +%FT%TZ > "$SRC/.paging-layout-extracted"
  fi
fi
SRC="$(cd "$SRC" && pwd -P)"
# O= builds need a clean source tree (Kbuild refuses otherwise and never writes into it then).
[[ -e "$SRC/.config" || -d "$SRC/include/config" ]] && die "$SRC has been configured in place; O= builds need a clean tree"
say "source tree $SRC"

# ---------------------------------------------------------------- build directories
# Reads SYMBOL's value from a .config: "y", "m", a number/string, or "n" when unset or absent.
config_value() {
  local file=$1 sym=$2 line
  line=$(grep -E "^CONFIG_${sym}=" "$file" || true)
  if [[ -z "$line" ]]; then echo n; else echo "${line#*=}"; fi
}

prepare_one() {
  local name=$1 arch=$2 cross=$3 tweaks=$4 checks=$5
  local out="$KB_ROOT/$name"
  local recipe="linux-source-$KVER arch=$arch cross=$cross defconfig $tweaks"
  local stamp="$out/.paging-layout-prepared"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$recipe" && -f "$out/include/generated/autoconf.h" && -f "$out/kernel/.bounds.s.cmd" ]]; then
    say "$name: already prepared in $out"
    return 0
  fi
  local mk=(make -s -C "$SRC" O="$out" ARCH="$arch")
  [[ -n "$cross" ]] && mk+=(CROSS_COMPILE="$cross")
  mkdir -p "$out"
  rm -f "$stamp"
  local t0=$SECONDS
  say "$name: defconfig"
  "${mk[@]}" defconfig >&2
  if [[ -n "$tweaks" ]]; then
    # shellcheck disable=SC2086
    "$SRC/scripts/config" --file "$out/.config" $tweaks
    "${mk[@]}" olddefconfig >&2
  fi
  for c in $checks; do
    local sym=${c%%=*} want=${c#*=} got
    got=$(config_value "$out/.config" "$sym")
    [[ "$got" == "$want" ]] || die "$name: CONFIG_$sym is '$got' after olddefconfig, expected '$want'"
  done
  say "$name: prepare (-j$JOBS)"
  "${mk[@]}" -j"$JOBS" prepare >&2
  [[ -f "$out/include/generated/autoconf.h" && -f "$out/kernel/.bounds.s.cmd" ]] || die "$name: prepare left no autoconf.h or kernel/.bounds.s.cmd"
  echo "$recipe" > "$stamp"
  say "$name: prepared in $((SECONDS - t0)) s"
}

for name in "${selected[@]}"; do
  for c in "${CONFIGS[@]}"; do
    IFS='|' read -r n arch cross tweaks checks <<<"$c"
    [[ "$n" == "$name" ]] || continue
    prepare_one "$n" "$arch" "$cross" "$tweaks" "$checks"
    echo "$n $KB_ROOT/$n"
  done
done

# ---------------------------------------------------------------- compile_commands.json (optional)
if [[ $want_cc == 1 ]]; then
  out="$KB_ROOT/x86_64-defconfig"
  [[ -f "$out/.paging-layout-prepared" ]] || prepare_one x86_64-defconfig x86_64 "" "" ""
  if [[ ! -f "$out/compile_commands.json" ]]; then
    say "x86_64-defconfig: mm/init-mm.o and compile_commands.json"
    make -s -C "$SRC" O="$out" ARCH=x86_64 -j"$JOBS" mm/init-mm.o >&2
    python3 "$SRC/scripts/clang-tools/gen_compile_commands.py" -d "$out" -o "$out/compile_commands.json"
  fi
  say "compile_commands.json: $out/compile_commands.json"
fi
