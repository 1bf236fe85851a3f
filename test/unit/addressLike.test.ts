// Address-likeness: what the rules treat as an address, and what they must never warn about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyValue, hoverWorthy, nameWords, readName, valueShape, addressIdentifier, MIN_ADDRESS_LIKE } from '../../src/engine/rules/addressLike';

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
