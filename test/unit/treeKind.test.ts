// The tree's own kind decides the layout: Xen, firmware and emulator trees, Linux by architecture and .config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { inferTreeKind, inferTreeKindOf, firmwareNeutralLayout, isFirmwareNeutral, FIRMWARE_NEUTRAL_ID, getPreset, getMode, isCanonical, regionAt } from '../../src/engine/paging';
import { checkText } from '../../src/engine/rules';

const TREES = path.resolve(__dirname, '../../../test/fixtures/trees');

/** A probe over a list of paths (directories implied by their files). */
function probe(paths: string[], files: Record<string, string> = {}) {
  const all = new Set<string>();
  for (const p of [...paths, ...Object.keys(files)]) {
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
  }
  return { exists: (rel: string) => all.has(rel), read: (rel: string) => files[rel] };
}

const fsProbe = {
  exists: (p: string) => fs.existsSync(p),
  isDirectory: (p: string) => { try { return fs.statSync(p).isDirectory(); } catch { return false; } },
  read: (p: string) => { try { return fs.readFileSync(p, 'latin1'); } catch { return undefined; } },
};

test('Xen trees (the source package, its hypervisor directory, the public headers) get the Xen layout, with a reason', () => {
  const r = inferTreeKind(probe(['xen/arch/x86/mm.c', 'xen/include/public/xen.h', 'tools/Makefile']));
  assert.equal(r?.kind, 'xen');
  assert.equal(r?.layoutId, 'xen-x86_64');
  assert.equal(r?.reason, 'Xen tree: xen/arch/x86 and xen/include/public found');
  assert.equal(inferTreeKind(probe(['arch/x86/mm.c', 'include/public/xen.h', 'common/page_alloc.c', 'Rules.mk']))?.layoutId, 'xen-x86_64');
  assert.equal(inferTreeKind(probe(['arch-x86/xen-x86_64.h', 'xen.h', 'memory.h', 'io/blkif.h']))?.kind, 'xen-public');
  assert.ok(getPreset('xen-x86_64'));
});

test('firmware and emulator trees get the firmware-neutral view', () => {
  const cases: [string[], string][] = [
    [['MdePkg/Include/Base.h', 'MdeModulePkg/Core/Dxe/DxeMain.c', 'OvmfPkg/README'], 'edk2'],
    [['board/acme/acme.c', 'cmd/bootm.c', 'include/configs/acme.h', 'arch/arm/lib/cache.c', 'Kbuild', 'include/linux/types.h'], 'u-boot'],
    [['src/fw/paravirt.c', 'vgasrc/vgabios.c', 'src/romlayout.S'], 'seabios'],
    [['grub-core/kern/main.c', 'include/grub/types.h'], 'grub'],
    [['src/include/ipxe/io.h', 'src/arch/x86/core/x86_io.c'], 'ipxe'],
    [['src/mainboard/acme/board.c', 'src/arch/x86/boot.c'], 'coreboot'],
    [['bl31/bl31_main.c', 'plat/qemu/platform.mk'], 'tf-a'],
    [['lib/sbi/sbi_init.c', 'platform/generic/platform.c'], 'opensbi'],
    [['hw/arm/virt.c', 'target/i386/cpu.c', 'softmmu/memory.c', 'roms/u-boot/board/README'], 'qemu'],
  ];
  for (const [paths, kind] of cases) {
    const r = inferTreeKind(probe(paths));
    assert.equal(r?.kind, kind, paths.join(' '));
    assert.equal(r?.layoutId, FIRMWARE_NEUTRAL_ID, kind);
    assert.match(r!.reason, / found; .*canonical form of certain addresses only$/, kind);
  }
  assert.match(inferTreeKind(probe(['hw/arm/virt.c', 'target/arm/cpu.c', 'accel/tcg/cpu-exec.c']))!.reason, /^QEMU tree: hw, target and accel found; an emulator/);
});

test('a Linux tree: the architecture from .config, else from the checked arch/ directory, else the default', () => {
  const linux = ['Kbuild', 'kernel/fork.c', 'mm/memory.c', 'include/linux/mm.h', 'arch/x86/Kconfig', 'arch/arm64/Kconfig'];
  const plain = inferTreeKind(probe(linux));
  assert.equal(plain?.layoutId, 'linux-x86_64-4level');
  assert.equal(plain?.config, undefined);
  assert.match(plain!.reason, /no \.config, so the default layout$/);
  assert.equal(inferTreeKind(probe(linux), 'arch/arm64/kernel')?.layoutId, 'linux-arm64-4k-48bit');
  assert.equal(inferTreeKind(probe(linux), 'arch/riscv/mm')?.layoutId, 'linux-riscv64-sv39');
  assert.match(inferTreeKind(probe(linux), 'arch/powerpc')!.reason, /arch\/powerpc has no preset/);
  const cfg = (text: string) => inferTreeKind(probe(linux, { '.config': text }));
  assert.equal(cfg('CONFIG_X86_64=y\nCONFIG_X86_5LEVEL=y\n')?.layoutId, 'linux-x86_64-4level');
  assert.match(cfg('CONFIG_X86_64=y\nCONFIG_X86_5LEVEL=y\n')!.reason, /\.config found \(CONFIG_X86_64 \(CONFIG_X86_5LEVEL/);
  assert.equal(cfg('CONFIG_X86_32=y\nCONFIG_X86=y\nCONFIG_X86_PAE=y\n')?.layoutId, 'linux-x86_32-pae');
  assert.equal(cfg('CONFIG_X86_32=y\nCONFIG_X86=y\n')?.layoutId, 'linux-x86_32');
  assert.equal(cfg('CONFIG_ARM64=y\nCONFIG_ARM64_4K_PAGES=y\nCONFIG_ARM64_VA_BITS_39=y\n')?.layoutId, 'linux-arm64-4k-39bit');
  assert.equal(cfg('CONFIG_ARM64=y\nCONFIG_ARM64_64K_PAGES=y\nCONFIG_ARM64_VA_BITS_52=y\n')?.layoutId, 'linux-arm64-64k-52bit');
  assert.match(cfg('CONFIG_ARM64=y\nCONFIG_ARM64_16K_PAGES=y\nCONFIG_ARM64_VA_BITS_47=y\n')!.reason, /16K pages, 47-bit VA has no preset/);
  assert.equal(cfg('CONFIG_RISCV=y\nCONFIG_64BIT=y\n')?.layoutId, 'linux-riscv64-sv39');
  assert.match(cfg('CONFIG_PPC=y\nCONFIG_PPC64=y\n')!.reason, /CONFIG_PPC, an architecture without a preset\), so the default layout$/);
  assert.equal(cfg('CONFIG_ARM64=y\n')?.config, true);
  // Every layout it names is a preset (or the neutral view).
  for (const c of ['CONFIG_X86_64=y', 'CONFIG_X86_32=y', 'CONFIG_ARM64=y\nCONFIG_ARM64_64K_PAGES=y\nCONFIG_ARM64_VA_BITS_42=y', 'CONFIG_ARM64=y\nCONFIG_ARM64_64K_PAGES=y\nCONFIG_ARM64_VA_BITS_48=y']) {
    assert.ok(getPreset(cfg(c)!.layoutId), c);
  }
});

test('unknown trees are not guessed at; a Linux-like tree without kernel/ and mm/ is not Linux', () => {
  assert.equal(inferTreeKind(probe(['src/main.c', 'include/foo.h'])), undefined);
  assert.equal(inferTreeKind(probe(['Kbuild', 'arch/x86/Kconfig', 'include/linux/types.h', 'drivers/x.c'])), undefined);
});

test('a checked path finds its tree by walking up (fixture trees on disk)', () => {
  const xen = inferTreeKindOf(path.join(TREES, 'xen/xen/arch/x86/include/asm/config.h'), fsProbe);
  assert.equal(xen?.layoutId, 'xen-x86_64');
  assert.equal(xen?.root, path.join(TREES, 'xen').replace(/\\/g, '/'));
  assert.equal(inferTreeKindOf(path.join(TREES, 'edk2'), fsProbe)?.kind, 'edk2');
  assert.equal(inferTreeKindOf(path.join(TREES, 'u-boot/include/configs'), fsProbe)?.kind, 'u-boot');
  assert.equal(inferTreeKindOf(path.join(TREES, 'linux/arch/arm64/include/asm'), fsProbe)?.layoutId, 'linux-arm64-4k-48bit');
  const configured = inferTreeKindOf(path.join(TREES, 'linux-configured/mm'), fsProbe);
  assert.equal(configured?.layoutId, 'linux-arm64-64k-52bit');
  assert.match(configured!.reason, /\.config found \(CONFIG_ARM64, 64K pages, 52-bit VA\)/);
  // The project's own fixtures are no tree of a known kind.
  assert.equal(inferTreeKindOf(path.resolve(TREES, '../diagnostics'), fsProbe, 2), undefined);
});

test('the firmware-neutral view: canonical halves and the hole between them, nothing else', () => {
  const l = firmwareNeutralLayout();
  assert.equal(l.id, FIRMWARE_NEUTRAL_ID);
  assert.ok(isFirmwareNeutral(l));
  assert.equal(isFirmwareNeutral(getPreset('linux-x86_64-4level')!), false);
  const mode = getMode(l.mode)!;
  assert.deepEqual(l.regions.map((r) => r.kind), ['other', 'non-canonical', 'other']);
  for (const r of l.regions) {
    assert.equal(isCanonical(mode, r.start), r.kind !== 'non-canonical', r.name);
    assert.equal(isCanonical(mode, r.end), r.kind !== 'non-canonical', r.name);
  }
  assert.equal(regionAt(l, 0xffff810000000000n)?.kind, 'other', 'no hypervisor hole');
  assert.equal(firmwareNeutralLayout('x86_64-5level').regions[1].start, 1n << 56n);
  assert.throws(() => firmwareNeutralLayout('arm64-4k-48'), /sign-extended 64-bit mode/);
});

test('rules in the neutral view: canonical form of certain addresses only; the layout-independent rules as ever', () => {
  const layout = firmwareNeutralLayout();
  const run = (text: string, file = '/fw/Platform/x.c', family: 'c' | 'ld' = 'c') => checkText(text, file, { layout, family }).map((f) => f.code);
  // A pointer cast and a linker location are certain; a name alone is not.
  assert.deepEqual(run('volatile unsigned *p = (volatile unsigned *)0x0000800000001000ULL;\n'), ['PL001']);
  assert.deepEqual(run('SECTIONS { . = 0x0000900000000000; }\n', '/fw/x.lds', 'ld'), ['PL001']);
  assert.deepEqual(run('#define MMIO64_BASE 0x0000800000000000ULL\n#define SCRATCH_VADDR 0xffff7fffffff0000ULL\n'), []);
  // No hypervisor hole, no kernel/user split, no target physical width.
  assert.deepEqual(run('#define EARLY_MAP_START 0xffff810000000000UL\n#define USER_STACK_TOP 0xffff900000000000UL\n#define CRASH_PHYS_BASE 0x0020000000000000ULL\n#define __START_KERNEL_map 0x80000000UL\n#define AREA_START 0xffffe20000000800UL\n'), []);
  // Overlaps, end below start, overflow and digit-count typos do not depend on a layout.
  assert.deepEqual(run('#define A_START 0x80000000\n#define A_END 0x90000000\n#define B_START 0x88000000\n#define B_END 0x98000000\n'), ['PL003']);
  assert.deepEqual(run('#define C_START 0x90000000\n#define C_END 0x80000000\n'), ['PL007']);
  assert.deepEqual(run('#define WIDE_BASE 0x1ffff800000000000\n'), ['PL008']);
  // The same values under a Linux layout are reported as before.
  assert.deepEqual(checkText('#define SCRATCH_VADDR 0xffff7fffffff0000ULL\n', '/k/mm/x.h', { layout: getPreset('linux-x86_64-4level')!, family: 'c' }).map((f) => f.code), ['PL001']);
});

test('principles of firmware memory (the neutral view): boot stages, load areas, mapping windows, a SIZE that uses part of its window', () => {
  const layout = firmwareNeutralLayout();
  const run = (text: string, file = '/fw/plat/acme/include/platform_def.h') => checkText(text, file, { layout, family: 'c' }).map((f) => f.code);
  // Successive boot stages reuse the same SRAM: the first stage's data area and the second stage's image overlap in address, not in time.
  assert.deepEqual(run('#define BL1_RW_BASE 0x10018000\n#define BL1_RW_LIMIT 0x10040000\n#define BL2_BASE 0x10001000\n#define BL2_LIMIT 0x10030000\n'), []);
  assert.deepEqual(run('#define SPL_DATA_BASE 0x40010000\n#define SPL_DATA_END 0x40030000\n#define TPL_TEXT_BASE 0x40020000\n#define TPL_TEXT_END 0x40040000\n'), []);
  // Two regions of one stage still may not overlap.
  assert.deepEqual(run('#define BL31_TEXT_BASE 0x10010000\n#define BL31_TEXT_LIMIT 0x10030000\n#define BL31_DATA_BASE 0x10020000\n#define BL31_DATA_LIMIT 0x10040000\n'), ['PL003']);
  // An image's load area (a start defined from a load address) is consumed before the memory it lies in is used.
  assert.deepEqual(run('#define PLAT_FW_LOAD_ADDR 0x04100000\n#define PLAT_TRUSTED_ROM_BASE PLAT_FW_LOAD_ADDR\n#define PLAT_TRUSTED_ROM_SIZE 0x00400000\n' +
    '#define PLAT_TRUSTED_RAM_BASE 0x04400000\n#define PLAT_TRUSTED_RAM_SIZE 0x00c00000\n'), []);
  // Device blocks mapped with one granule larger than their spacing map a page twice; not an overlap of regions.
  assert.deepEqual(run('#define UART1_BASE 0xff158000\n#define UART1_SIZE 0x10000\n#define UART2_BASE 0xff160000\n#define UART2_SIZE 0x10000\n#define I2C0_BASE 0xff168000\n#define I2C0_SIZE 0x10000\n'), []);
  // Memory regions of different sizes that overlap are still reported.
  assert.deepEqual(run('#define SHARED_RAM_BASE 0x0e000000\n#define SHARED_RAM_SIZE 0x00200000\n#define SECURE_RAM_BASE 0x0e100000\n#define SECURE_RAM_SIZE 0x00400000\n'), ['PL003']);
  // A SIZE below LIMIT - BASE is what the image uses of its window; a SIZE past the LIMIT is wrong.
  assert.deepEqual(run('#define BL1_RW_BASE 0x1ac20000\n#define BL1_RW_SIZE 0x00188000\n#define BL1_RW_LIMIT 0x1b000000\n'), []);
  assert.deepEqual(run('#define BL1_RW_BASE 0xffe10000\n#define BL1_RW_SIZE 0x00014000\n#define BL1_RW_LIMIT 0xffe1ffff\n'), ['PL004']);
  // Under a Linux layout, an END beyond START + SIZE stays a finding.
  assert.deepEqual(checkText('#define X_START 0xffffc90000000000UL\n#define X_SIZE 0x40000000UL\n#define X_END 0xffffc90050000000UL\n', '/k/mm/x.h', { layout: getPreset('linux-x86_64-4level')!, family: 'c' }).map((f) => f.code), ['PL004']);
});
