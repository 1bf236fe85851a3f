// `paging-layout eval`: JSON and text output, -I/-D/--file, layouts and modes, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { run } from '../../src/cli/eval';

const FIX = path.resolve(__dirname, '../../../test/fixtures/headers');
const MOD = path.join(FIX, 'modern');

function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '', err = '';
  const code = run(args, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}
const json = (...args: string[]) => { const r = cli(...args, '--json'); return { ...r, j: JSON.parse(r.out || '{}') }; };
const FILES = ['--file', path.join(MOD, 'arch/x86/include/asm/layout.h'), '-I', path.join(MOD, 'include/uapi'), '-I', path.join(MOD, 'arch/x86/include')];

test('JSON: value as 0x + 16 hex digits, unresolved, dependsOn, steps', () => {
  const r = json('MODULES_VADDR', ...FILES, '-D', 'CONFIG_RANDOMIZE_BASE');
  assert.equal(r.code, 0);
  assert.equal(r.j.value, '0xffffffffc0000000');
  assert.deepEqual(r.j.unresolved, []);
  assert.deepEqual(r.j.dependsOn, []);
  assert.deepEqual(r.j.steps[0].chain, ['MODULES_VADDR', '__START_KERNEL_map + KERNEL_IMAGE_SIZE', '0xffffffff80000000 + 0x40000000', '0xffffffffc0000000']);
  const u = json('MODULES_VADDR', ...FILES);
  assert.equal(u.j.value, '0xffffffffc0000000');
  assert.deepEqual(u.j.dependsOn, ['CONFIG_RANDOMIZE_BASE']);
  assert.deepEqual(u.j.alternatives.map((a: { value: string; dependsOn: string[] }) => [a.value, a.dependsOn]), [
    ['0xffffffffc0000000', ['CONFIG_RANDOMIZE_BASE']], ['0xffffffffa0000000', ['!CONFIG_RANDOMIZE_BASE']],
  ]);
  assert.equal(json('MODULES_VADDR', ...FILES, '-DCONFIG_RANDOMIZE_BASE=n').j.value, '0xffffffffa0000000');
  assert.equal(json('pgd_index(0xffff888000000000)').j.value, '0x0000000000000111');
  assert.equal(json('-1').j.value, '0xffffffffffffffff');
  assert.equal(json('1', '+', '2').j.value, '0x0000000000000003');
});

test('runtime and undefined names: value null, names listed, exit 1', () => {
  const r = json('__PAGE_OFFSET + 1', ...FILES);
  assert.equal(r.code, 1);
  assert.equal(r.j.value, null);
  assert.deepEqual(r.j.unresolved, ['page_offset_base']);
  assert.deepEqual(r.j.runtime, ['page_offset_base']);
  assert.equal(r.j.error, 'cannot evaluate: runtime variable page_offset_base');
  const u = json('FOO + BAR');
  assert.deepEqual(u.j.unresolved, ['FOO', 'BAR']);
  assert.equal(json('1/0').j.error, 'cannot evaluate: division by zero');
});

test('layouts and modes choose the paging helpers', () => {
  assert.equal(json('PGDIR_SHIFT').j.value, '0x0000000000000027');
  assert.equal(json('PGDIR_SHIFT', '--layout', 'linux-x86_64-5level').j.value, '0x0000000000000030');
  assert.equal(json('PGDIR_SHIFT', '--mode', 'x86_32').j.value, '0x0000000000000016');
  assert.equal(json('GUARD_HOLE_BASE_ADDR', ...FILES, '--layout', 'linux-x86_64-5level').j.value, '0xff00000000000000');
  assert.deepEqual(json('__VIRTUAL_MASK_SHIFT', ...FILES).j.assumptions, ['pgtable_l5_enabled() = 0 (active paging mode x86_64-4level)']);
});

test('text output: derivation chain, grouped hex, alternatives with their conditions', () => {
  const r = cli('MODULES_VADDR', ...FILES);
  assert.equal(r.code, 0);
  assert.match(r.out, /^MODULES_VADDR = __START_KERNEL_map \+ KERNEL_IMAGE_SIZE = 0xffffffff80000000 \+ 0x40000000 = 0xffffffffc0000000 {3}if CONFIG_RANDOMIZE_BASE$/m);
  assert.match(r.out, /0xffff_ffff_c000_0000/);
  assert.match(r.out, /0xffffffffa0000000 {3}if !CONFIG_RANDOMIZE_BASE$/m);
  assert.match(cli('SZ_2M').out, /^SZ_2M = 0x00200000 = 0x200000$/m);
  assert.match(cli('page_offset_base').out, /cannot evaluate: runtime variable page_offset_base/);
});

test('bad input: one line on stderr, exit 2', () => {
  for (const args of [[], ['1 +'], ['X', '--layout', 'nope'], ['X', '--mode', 'nope'], ['X', '--file', '/nonexistent/file.h'], ['X', '--bogus'], ['X', '-I'], ['X', '-D', '1BAD']]) {
    const r = cli(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.out, '');
    assert.equal(r.err.trim().split('\n').length, 1, args.join(' '));
    assert.match(r.err, /^paging-layout eval: /);
  }
});
