// Address-likeness: what the rules treat as an address, and what they must never warn about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyValue, hoverWorthy, nameWords, readName, valueShape, addressIdentifier, MIN_ADDRESS_LIKE, maskShape, topOfWidth, statedSize } from '../../src/engine/rules/addressLike';

const role = (name: string | undefined, value: bigint, extra: object = {}) => classifyValue({ name, value, ...extra }).role;

test('names split into words, camelCase and digits included', () => {
  assert.deepEqual(nameWords('__PAGE_OFFSET_BASE_L4'), ['PAGE', 'OFFSET', 'BASE', 'L4']);
  assert.deepEqual(nameWords('vmallocStart'), ['VMALLOC', 'START']);
});

test('address, limit and size names', () => {
  assert.equal(role('VMALLOC_START', 0xffffc90000000000n), 'address');
  assert.equal(role('__PAGE_OFFSET', 0xffff880000000000n), 'address');
  assert.equal(role('__START_KERNEL_map', 0xffffffff80000000n), 'address');
  assert.equal(role('LDT_BASE_ADDR', 0xffff880000000000n), 'address');
  assert.equal(role('MODULES_END', 0xffffffffff000000n), 'limit');
  assert.equal(role('TASK_SIZE_MAX', 0x7ffffffff000n), 'limit');
  assert.equal(role('KERNEL_IMAGE_SIZE', 0x40000000n), 'size');
  assert.equal(readName('MODULES_END').boundary, 'end');
  assert.equal(readName('CRASH_PHYS_BASE').physical, true);
  assert.equal(readName('USER_STACK_TOP').user, true);
});

test('masks, flags, poison, magic, hash and index names are never addresses', () => {
  for (const [name, value] of [
    ['PTE_PFN_MASK', 0x000ffffffffff000n], ['_PAGE_NX_BIT', 0x8000000000000000n], ['X86_CR4_FLAGS', 0x370000n],
    ['POISON_POINTER_DELTA', 0xdead000000000000n], ['STACK_END_MAGIC', 0x57ac6e9dn], ['KEXEC_SIGNATURE', 0x4b45584543000000n],
    ['GOLDEN_RATIO_64', 0x61c8864680b583ebn], ['MSR_FS_BASE', 0xc0000100n], ['CANONICAL_TEST_BITS', 0xffff800000000000n],
  ] as const) {
    assert.equal(classifyValue({ name, value }).address, false, name);
  }
});

test('eliminated false positive: PGD entry numbers (ESPFIX_PGD_ENTRY = -2UL, CPU_ENTRY_AREA_PGD = -4UL) are indices', () => {
  assert.equal(role('ESPFIX_PGD_ENTRY', 0xfffffffffffffffen), 'count');
  assert.equal(role('CPU_ENTRY_AREA_PGD', 0xfffffffffffffffcn), 'count');
  assert.equal(role('GUARD_HOLE_PGD_ENTRY', 0xffffffffffffff00n), 'count');
});

test('eliminated false positive: small negative sentinels (EVMPTR_MAP_PENDING = -2, __FIXADDR_TOP = -PAGE_SIZE) are not addresses', () => {
  assert.equal(role('EVMPTR_MAP_PENDING', 0xfffffffffffffffen), 'poison');
  assert.equal(role('__FIXADDR_TOP', 0xfffffffffffff000n), 'poison');
});

test('eliminated false positive: MACH2PHYS_VIRT_START is virtual (VIRT wins over PHYS)', () => {
  assert.equal(readName('__MACH2PHYS_VIRT_START').physical, false);
  assert.equal(readName('__MACH2PHYS_START').physical, true);
});

test('eliminated false positive: an equality test against a bogus value is not an address definition', () => {
  assert.equal(role(undefined, 0xfed0000000000000n, { before: '==', neighbours: ['hpet_address'] }), 'magic');
  assert.equal(role(undefined, 0xffff880000000000n, { before: '>=', neighbours: ['vaddr'] }), 'address');
});

test('value shapes: all ones, repeated bytes, magic words, hash constants, high entropy', () => {
  assert.equal(valueShape(0xffffffffn).role, 'mask');
  assert.equal(valueShape(0x7fffffffffffffffn).role, 'mask');
  assert.equal(valueShape(0x6b6b6b6b6b6b6b6bn).role, 'poison');
  assert.equal(valueShape(0x0101010101010101n).role, 'poison');
  assert.equal(valueShape(0xdeadbeefn).role, 'poison');
  assert.equal(valueShape(0x9e3779b97f4a7c15n).role, 'hash');
  assert.equal(valueShape(0x2a7c5f31e9d4b6c3n).role, 'hash');
  assert.equal(valueShape(0x5555555555555555n).role, 'poison');
  assert.equal(valueShape(0xffff880000000000n).role, 'unknown');
  assert.equal(valueShape(0xffffc8ffffffffffn).role, 'unknown');
});

test('context: pointer casts and linker locations make addresses, mask operators veto', () => {
  assert.equal(role(undefined, 0xffffffff81000000n, { pointerCast: true }), 'address');
  assert.equal(role(undefined, 0xffffffff80000000n, { linkerLocation: true }), 'address');
  assert.equal(role(undefined, 0xffff880000000000n, { before: '&' }), 'mask');
  assert.equal(role(undefined, 0xffff880000000000n, { after: '|' }), 'mask');
  assert.equal(role(undefined, 0xc4ceb9fe1a85ec50n, { before: '*' }), 'mask');
  assert.equal(role(undefined, 0xffff880000000000n), 'unknown');
  assert.equal(addressIdentifier('page_offset_base'), true);
  assert.equal(addressIdentifier('pfn_mask'), false);
});

test('small numbers get no hover and are never addresses', () => {
  assert.equal(hoverWorthy(0xfffn), false);
  assert.equal(hoverWorthy(MIN_ADDRESS_LIKE), true);
  assert.equal(role('FOO_START', 0x10n), 'small');
  assert.equal(role('FOO_OFFSET', 0x24000n), 'size');
});

// ---------------------------------------------------------------------------------------------
// The principles behind the eliminations (docs/rules.md, "Address-likeness"), each on values the
// names alone would have called addresses.

test('principle: mask shapes — one run of ones, or ones at both ends around one run of zeros', () => {
  const x64 = { vaBits: 48 };
  // A register field's clear mask (a GPU header's ..._BASE_ADDR_IN_CLRMSK), under any start name.
  assert.equal(role('REMAP1_CONFIG1_BASE_ADDR_IN', 0xffffffff00000fffn, x64), 'mask');
  assert.equal(role('WINDOW_BASE', 0xfffff000000003ffn, x64), 'mask');
  assert.equal(maskShape(0xffffffff00000fffn, 'address'), '0xffffffff00000fff has ones at both ends around one run of zeros (a field\'s clear mask)');
  // A select mask (one run of ones below bit 63) is a field, for a start.
  assert.equal(role('GICR_PROPBASER_ADDR', 0x000ffffffffff000n, x64), 'mask');
  // Ends keep the shapes real ends have: an inclusive end (twelve or more low ones), the top user page.
  assert.equal(role('HOLE_END', 0xffff87ffffffffffn, x64), 'limit');
  assert.equal(role('TASK_SIZE_MAX', 0x00007ffffffff000n, x64), 'limit');
  assert.equal(role('FIELD_END', 0xfffff000000003ffn, x64), 'mask');
  // Addresses are not masks: a kernel base, a region start, a canonical boundary.
  for (const [n, v] of [['VMALLOC_START', 0xffffc90000000000n], ['__START_KERNEL_map', 0xffffffff80000000n], ['KASAN_SHADOW_START', 0xffffec0000000000n], ['MODULES_VADDR', 0xffffffffa0000000n]] as const) {
    assert.equal(role(n, v, x64), 'address', n);
    assert.equal(maskShape(v, 'address'), undefined, n);
  }
});

test('principle: the top of a width (2^n - 1) is an address only at an address width of the layout', () => {
  // LLONG_MAX under a limit name (a quota limit, PHYSMEM_END's fallback): the maximum of a type.
  assert.equal(role('SHMEM_QUOTA_MAX_SPC_LIMIT', 0x7fffffffffffffffn, { vaBits: 48 }), 'mask');
  assert.equal(role('PHYSMEM_END', 0x7fffffffffffffffn, { vaBits: 48 }), 'mask');
  assert.equal(classifyValue({ name: 'SOME_LIMIT', value: 0xffffffffffffffffn, vaBits: 57 }).address, false);
  // 2^47 - 1 and 2^48 - 1 are the layout's own widths under 4-level paging, 2^56 - 1 under 5-level only.
  assert.equal(role('USER_VA_END', 0x00007fffffffffffn, { vaBits: 48 }), 'limit');
  assert.equal(role('USER_VA_END', 0x0000ffffffffffffn, { vaBits: 48 }), 'limit');
  assert.equal(role('USER_VA_END', 0x00ffffffffffffffn, { vaBits: 48 }), 'mask');
  assert.equal(role('USER_VA_END', 0x00ffffffffffffffn, { vaBits: 57 }), 'limit');
  // A physical all-ones limit is a physical width: PL006 compares it with the physical address bits.
  assert.equal(role('MAX_PHYS_END', 0x000fffffffffffffn, { vaBits: 48 }), 'limit');
  // 32-bit windows ending at 0xffffffff stay range ends.
  assert.equal(role('IOMEM_WINDOW_END', 0xffffffffn, { vaBits: 48 }), 'limit');
  assert.equal(topOfWidth(0x7fffffffffffffffn), 63);
  assert.equal(topOfWidth(0x7ffffffff000n), undefined);
});

test('principle: an OFFSET is a distance, not a place (only the PAGE_OFFSET family is an address)', () => {
  assert.equal(role('DRM_PANTHOR_USER_MMIO_OFFSET', 0x0100000000000000n), 'size');
  assert.equal(role('KASAN_SHADOW_OFFSET', 0xdffffc0000000000n), 'size');
  assert.equal(readName('FOO_OFFSET').boundary, undefined);
  assert.equal(role('PAGE_OFFSET', 0xffff888000000000n), 'address');
  assert.equal(role('__PAGE_OFFSET_BASE_L4', 0xffff888000000000n), 'address');
  assert.equal(role('PAGE_OFFSET_BASE', 0xffff888000000000n), 'address');
});

test('principle: MIN/MAX next to an address word make a bound, not a region boundary', () => {
  assert.equal(readName('FW_RUNTIME_MAX_ADDR').bound, 'max');
  assert.equal(readName('FW_RUNTIME_MAX_ADDR').role, 'limit');
  assert.equal(readName('PHYS_ADDR_MAX').bound, 'max');
  assert.equal(readName('FW_RUNTIME_MIN_ADDR').bound, 'min');
  assert.equal(readName('FW_RUNTIME_MIN_ADDR').role, 'address');
  assert.equal(readName('VMALLOC_START').bound, undefined);
});

test('principle: a name that states its value is a size (BASE_128TB = 128 TiB, SZ_2M)', () => {
  assert.equal(role('BASE_128TB', 0x0000800000000000n), 'size');
  assert.equal(role('BASE_4GB', 0x100000000n), 'size');
  assert.equal(role('SZ_2M', 0x200000n), 'size');
  assert.equal(readName('BASE_128TB').statedSize, 1n << 47n);
  assert.equal(statedSize('64KIB'), 64n << 10n);
  // A name whose number is not its value is read as before.
  assert.equal(role('ABOVE_4G_BASE', 0xffff880000000000n), 'address');
});

test('principle: names are read by their words, compound words too (CLRMSK, PHYSMEM)', () => {
  assert.equal(readName('X_BASE_ADDR_IN_CLRMSK').role, 'mask');
  assert.equal(readName('GPIO_ANDMASK_BASE').role, 'mask');
  assert.equal(readName('PHYSMEM_END').physical, true);
  assert.equal(readName('VIRTIO_MMIO_BASE').physical, false);
  assert.equal(readName('VIRTIO_MMIO_BASE').role, 'address');
});

test('principle: a literal stored into an element is data, not an address (when the collector marks the assignment)', () => {
  // `gdt.base[2] = 0x00cf9a000000ffff;` (a segment descriptor): the operand is called base, the value is stored at it.
  assert.equal(role(undefined, 0x00cf9a000000ffffn, { before: '=', neighbours: ['gdt', 'base'], assignedToElement: true }), 'unknown');
  assert.equal(role(undefined, 0xffff880000000000n, { before: '=', neighbours: ['page_offset_base'] }), 'address');
});

test('principle: the maximum of a 64-bit type is no address under a 32-bit layout either (ELFCORE_ADDR_MAX = ~0ULL)', () => {
  assert.equal(classifyValue({ name: 'ELFCORE_ADDR_MAX', value: 0xffffffffffffffffn, addressBits: 32, vaBits: 32 }).address, false);
  assert.equal(classifyValue({ name: 'QUOTA_MAX_SPC_LIMIT', value: 0x7fffffffffffffffn, addressBits: 32, vaBits: 32 }).address, false);
  // A 32-bit layout's own top is still a limit.
  assert.equal(role('USER_AREA_END', 0xffffffffn, { addressBits: 32, vaBits: 32 }), 'limit');
});
