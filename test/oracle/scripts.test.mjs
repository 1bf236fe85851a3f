// Checks of the kernel oracle scripts and of the committed tables.
//   node --test test/oracle/scripts.test.mjs
// The tables are checked against the Linux tree when one is installed (PAGING_LAYOUT_KERNEL_TREE,
// /tmp/k/linux-source-6.1 or /var/cache/paging-layout/linux-source-6.1); without a tree those
// checks are skipped and say so.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { definitionsOf, layoutish, shellWords, valuesOf } from '../../scripts/kernel/oracle.mjs';
import { classify, layoutFor } from '../../scripts/kernel/compare.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const tablesDir = path.join(here, 'linux-6.1');
const tables = fs.readdirSync(tablesDir).filter((f) => /^[\w.-]+\.json$/.test(f) && !/^(baseline|kbuild)-/.test(f)).sort();
const tree = [process.env.PAGING_LAYOUT_KERNEL_TREE, '/tmp/k/linux-source-6.1', '/var/cache/paging-layout/linux-source-6.1'].find(
  (d) => d && fs.existsSync(path.join(d, 'Makefile')),
);

test('shellWords splits a Kbuild command line as the shell does', () => {
  assert.deepEqual(shellWords(`gcc -DKBUILD_MODFILE='"./bounds"' -I ./. -D"A=b c" x\\ y`), ['gcc', '-DKBUILD_MODFILE="./bounds"', '-I', './.', '-DA=b c', 'x y']);
  assert.throws(() => shellWords("gcc 'open"), /unbalanced/);
});

test('definitionsOf follows line markers, #undef and function-like macros', () => {
  const text = ['# 1 "a.h"', '', '#define A 1', '# 10 "b.h" 1', '#define B(x) x', '#define C', '#undef A', '#define D (1 << 3)'].join('\n');
  const d = definitionsOf(text);
  assert.equal(d.has('A'), false);
  assert.deepEqual(d.get('B'), { file: 'b.h', line: 10, functionLike: true, empty: false });
  assert.deepEqual(d.get('C'), { file: 'b.h', line: 11, functionLike: false, empty: true });
  assert.deepEqual(d.get('D'), { file: 'b.h', line: 13, functionLike: false, empty: false });
});

test('valuesOf reads .quad/.xword/.dword and .zero, negative numbers as 64-bit, symbols as runtime', () => {
  const asm = ['v_A:', '\t.quad\t-131941395333120', 'v_B:', '\t.xword\t4096', 'v_C:', '\t.zero\t8', 'v_D:', '\t.dword\t_text+16', 'v_E:', '\t.quad\t0x10'].join('\n');
  const v = valuesOf(asm);
  assert.deepEqual(v.get('A'), { value: '0xffff880000000000' });
  assert.deepEqual(v.get('B'), { value: '0x1000' });
  assert.deepEqual(v.get('C'), { value: '0x0' });
  assert.deepEqual(v.get('D'), { runtime: 'address of a symbol' });
  assert.deepEqual(v.get('E'), { value: '0x10' });
});

test('layoutish: layout words, family prefixes, paging registers; never CONFIG_', () => {
  for (const n of ['PAGE_OFFSET', '__START_KERNEL_map', 'PTRS_PER_PGD', '_PAGE_PRESENT', 'SATP_MODE_39', 'SZ_1G', 'MAXMEM']) assert.ok(layoutish(n), n);
  for (const n of ['CONFIG_PAGE_OFFSET', 'VM_READ', 'TIF_SIGPENDING', 'R_X86_64_PC32']) assert.ok(!layoutish(n), n);
});

test('layoutFor picks the preset from the configuration', () => {
  assert.equal(layoutFor('x86', { CONFIG_X86_5LEVEL: 'y' }), 'linux-x86_64-5level');
  assert.equal(layoutFor('x86', {}), 'linux-x86_64-4level');
  assert.equal(layoutFor('arm64', { CONFIG_ARM64_64K_PAGES: 'y', CONFIG_ARM64_VA_BITS: '52' }), 'linux-arm64-64k-52bit');
  assert.equal(layoutFor('arm64', { CONFIG_ARM64_4K_PAGES: 'y', CONFIG_ARM64_VA_BITS: '48' }), 'linux-arm64-4k-48bit');
  assert.equal(layoutFor('riscv', { CONFIG_PGTABLE_LEVELS: '5' }), 'linux-riscv64-sv57');
});

test('classify sorts CLI answers into the comparison classes', () => {
  const ans = (status, json, stderr = '') => ({ status, stdout: json ? JSON.stringify(json) : '', stderr, ms: 5 });
  assert.equal(classify('0x1000', ans(0, { value: '0x0000000000001000' })).class, 'exact');
  assert.equal(classify('0x1000', ans(0, { value: '0x0000000000002000' })).class, 'wrong-value');
  assert.equal(classify('0x1000', ans(1, { value: null, error: 'cannot evaluate: undefined name X' })).class, 'cannot-evaluate');
  const alt = classify('0x1000', ans(0, { value: '0x0000000000001000', alternatives: [{ value: '0x0000000000001000' }, { value: '0x0000000000004000' }] }));
  assert.equal(alt.class, 'alternatives');
  assert.equal(alt.gccAmongThem, true);
  assert.equal(classify('0x1000', ans(2, undefined, "paging-layout eval: 'X': expected ')'\n")).class, 'parse-failure');
  assert.equal(classify('runtime', ans(1, { value: null, runtime: ['page_offset_base'] })).class, 'runtime-reported');
  assert.equal(classify('runtime', ans(0, { value: '0x0000000000000001', assumptions: ['pgdir_shift = 48'] })).class, 'runtime-reported');
  assert.equal(classify('runtime', ans(0, { value: '0x0000000000000001' })).class, 'wrong-value');
  assert.equal(classify('0x1', ans(134, undefined, 'TypeError: boom\n    at x')).class, 'crash');
});

for (const f of tables) {
  const t = JSON.parse(fs.readFileSync(path.join(tablesDir, f), 'utf8'));
  test(`${f}: at least 300 macros with a gcc value, every row well formed`, () => {
    const values = t.macros.filter((m) => /^0x[0-9a-f]+$/.test(m.value));
    assert.ok(values.length >= 300, `${values.length} values`);
    assert.equal(t.counts.value, values.length);
    for (const m of t.macros) {
      assert.match(m.name, /^[A-Za-z_]\w*$/);
      assert.ok(/^0x[0-9a-f]{1,16}$/.test(m.value) || m.value === 'runtime' || m.value.startsWith('error: '), `${m.name}: ${m.value}`);
      assert.ok(m.file && Number.isInteger(m.line) && m.line > 0, `${m.name}: ${m.file}:${m.line}`);
    }
    assert.equal(new Set(t.macros.map((m) => m.name)).size, t.macros.length, 'names are unique');
  });
  test(`${f}: each definition's file:line holds a #define of that name in the tree`, { skip: tree ? false : 'no Linux 6.1 tree on this machine' }, () => {
    const lines = new Map();
    let checked = 0;
    for (const m of t.macros) {
      if (m.in === 'build') continue;
      if (!lines.has(m.file)) lines.set(m.file, fs.readFileSync(path.join(tree, m.file), 'utf8').split('\n'));
      const l = lines.get(m.file)[m.line - 1] ?? '';
      assert.match(l, new RegExp(`^\\s*#\\s*define\\s+${m.name}\\b`), `${m.name} at ${m.file}:${m.line}`);
      checked++;
    }
    assert.ok(checked > 0);
  });
}
