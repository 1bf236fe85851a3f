// The layout a file is decoded with: the active one, another architecture's preset for its files, a kernel build's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archDirOf, firmwareNeutralLayout, getPreset, layoutForFile, modePreset } from '../../src/engine/paging';

const presetForMode = (modeId: string) => modePreset(modeId)?.id;

const X86 = getPreset('linux-x86_64-4level')!;
const ARM = getPreset('linux-arm64-4k-48bit')!;

test('archDirOf reads arch/<A>/ of a path', () => {
  assert.equal(archDirOf('/src/linux/arch/arm64/include/asm/memory.h'), 'arm64');
  assert.equal(archDirOf('arch/x86/include/asm/page_64_types.h'), 'x86');
  assert.equal(archDirOf('C:\\linux\\arch\\riscv\\include\\asm\\pgtable.h'), 'riscv');
  assert.equal(archDirOf('/src/linux/include/linux/mm.h'), undefined);
  assert.equal(archDirOf('/src/linux/archive/x.h'), undefined);
});

test('a file of another architecture gets that architecture\'s preset; the active layout\'s own files keep it', () => {
  const arm = layoutForFile('/k/arch/arm64/include/asm/memory.h', X86);
  assert.equal(arm.layout.id, 'linux-arm64-4k-48bit');
  assert.match(arm.reason!, /arch\/arm64\/ \(the active layout linux-x86_64-4level is of another architecture\)/);
  assert.equal(layoutForFile('/k/arch/riscv/include/asm/pgtable.h', X86).layout.id, 'linux-riscv64-sv39');
  assert.equal(layoutForFile('/k/arch/x86/include/asm/page_64_types.h', ARM).layout.id, 'linux-x86_64-4level');
  const same = layoutForFile('/k/arch/x86/include/asm/page_64_types.h', X86);
  assert.equal(same.layout, X86);
  assert.equal(same.reason, undefined);
  assert.equal(layoutForFile('/k/include/linux/mm.h', X86).layout, X86);
  // An architecture without a preset keeps the active layout.
  assert.equal(layoutForFile('/k/arch/powerpc/include/asm/page.h', X86).layout, X86);
  // Firmware and hypervisor layouts describe their own trees.
  const neutral = firmwareNeutralLayout();
  assert.equal(layoutForFile('/u-boot/arch/riscv/include/asm/io.h', neutral).layout, neutral);
  assert.equal(layoutForFile('/xen/arch/arm64/x.h', getPreset('xen-x86_64')!).layout.id, 'xen-x86_64');
});

test('modePreset: the preset named after the mode, never a past release\'s', () => {
  assert.equal(presetForMode('x86_64-4level'), 'linux-x86_64-4level');
  assert.equal(presetForMode('x86_64-5level'), 'linux-x86_64-5level');
  assert.equal(presetForMode('arm64-4k-48'), 'linux-arm64-4k-48bit');
  assert.equal(presetForMode('riscv64-sv48'), 'linux-riscv64-sv48');
  assert.equal(presetForMode('no-such-mode'), undefined);
});

test('a kernel build decides the layout of its architecture\'s files unless the user chose one', () => {
  const build = { arch: 'arm64', layoutId: presetForMode('arm64-64k-52'), because: 'CONFIG_ARM64_PAGE_SHIFT=16, CONFIG_ARM64_VA_BITS=52' };
  assert.equal(build.layoutId, 'linux-arm64-64k-52bit');
  const c = layoutForFile('/k/include/linux/mm.h', X86, { build });
  assert.equal(c.layout.id, 'linux-arm64-64k-52bit');
  assert.match(c.reason!, /kernel build's configuration \(CONFIG_ARM64_PAGE_SHIFT=16/);
  assert.equal(layoutForFile('/k/arch/arm64/include/asm/memory.h', X86, { build }).layout.id, 'linux-arm64-64k-52bit');
  // Chosen by the user: kept for the build's files; a file of another architecture still gets its own.
  assert.equal(layoutForFile('/k/include/linux/mm.h', X86, { build, explicit: true }).layout, X86);
  assert.equal(layoutForFile('/k/arch/arm64/include/asm/memory.h', X86, { build, explicit: true }).layout.id, 'linux-arm64-64k-52bit');
  // A file of another architecture than the build's: that architecture's preset, not the build's.
  assert.equal(layoutForFile('/k/arch/x86/include/asm/page_64_types.h', ARM, { build }).layout.id, 'linux-x86_64-4level');
});
