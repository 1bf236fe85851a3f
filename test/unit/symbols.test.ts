// Symbol files (kallsyms, System.map) and address-to-symbol lookup: types, absolute and per-CPU symbols,
// modules, kptr_restrict zeros, malformed lines, aliases, the text slide, and 200,000 symbols in time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import {
  describeMatch, findSymbol, nearestSymbol, parseSymbolFile, symbolAddress, symbolFileKind, symbolModule, symbolName, symbolType,
  SYM_ABSOLUTE, SYM_PERCPU,
} from '../../src/engine/map';

const REPO = path.resolve(__dirname, '../../..');
const fixture = (name: string) => fs.readFileSync(path.join(REPO, 'test/fixtures/dumps', name), 'utf8');

test('kallsyms: types, modules, absolute per-CPU symbols, the kernel image parts and module spans', () => {
  const r = parseSymbolFile(fixture('kallsyms-kaslr.txt'), { name: 'kallsyms' });
  assert.deepEqual(r.problems, []);
  assert.equal(r.format, 'kallsyms');
  const t = r.symbols!;
  assert.equal(t.count, 58);
  assert.deepEqual(t.modules, ['demo_nic', 'dummyfs']);
  const i = findSymbol(t, 'demo_nic_xmit');
  assert.equal(symbolAddress(t, i), 0xffffffffc0a01400n);
  assert.equal(symbolType(t, i), 'T');
  assert.equal(symbolModule(t, i), 'demo_nic');
  const pc = findSymbol(t, 'gdt_page');
  assert.equal(symbolAddress(t, pc), 0x10000n);
  assert.ok(t.flags[pc] & SYM_ABSOLUTE);
  assert.ok(t.flags[pc] & SYM_PERCPU);
  assert.equal(t.order.length + t.moduleOrder.length, 58 - 10, 'the ten per-CPU offsets are not places');
  assert.equal(r.facts[0].name, 'text_start');
  assert.equal(r.facts[0].value, 0xffffffff9a200000n);
  assert.equal(r.facts[0].line, 13, '_text, the first text name looked for');
  const text = r.layout!.regions.find((x) => x.name === 'kernel text')!;
  assert.equal(text.start, 0xffffffff9a200000n);
  assert.equal(text.end, 0xffffffff9b1fffffn, 'up to _etext, exclusive');
  const nic = r.layout!.regions.find((x) => x.name === '[demo_nic]')!;
  assert.equal(nic.start, 0xffffffffc0a01000n);
  assert.equal(nic.end, 0xffffffffc0a06000n);
  assert.equal(nic.kind, 'modules');
  assert.deepEqual(r.layout!.regions.map((x) => x.name), ['kernel text', 'kernel rodata', 'kernel data', 'kernel init', 'kernel bss', '[demo_nic]', '[dummyfs]']);
});

test('System.map: nm types, per-CPU data symbols of a zero-based per-CPU area, no modules, no boot value', () => {
  const r = parseSymbolFile(fixture('System.map-6.1.0-demo'), { name: 'System.map-6.1.0-demo' });
  assert.deepEqual(r.problems, []);
  assert.equal(r.format, 'system-map');
  const t = r.symbols!;
  assert.equal(symbolType(t, findSymbol(t, 'fixed_percpu_data')), 'D');
  assert.ok(t.flags[findSymbol(t, 'demo_percpu_counter')] & SYM_PERCPU);
  assert.equal(symbolAddress(t, findSymbol(t, '_text')), 0xffffffff81000000n);
  assert.equal(r.facts.length, 0);
  assert.equal(symbolFileKind('ffffffff81000000 T _text\n', 'System.map-6.1'), 'system-map');
  assert.equal(symbolFileKind('ffffffff81000000 T _text\n', '/proc/kallsyms'), 'kallsyms');
  assert.equal(symbolFileKind('ffffffff81000000 T _text\nffffffffc0001000 t f\t[m]\n'), 'kallsyms');
});

test('kallsyms with kptr_restrict: every address 0 is detected and explained; names kept, nothing located', () => {
  const r = parseSymbolFile(fixture('kallsyms-restricted.txt'), { name: 'kallsyms' });
  assert.equal(r.layout, undefined);
  assert.equal(r.symbols!.allZero, true);
  assert.equal(r.symbols!.count, 25);
  assert.equal(r.facts.length, 0);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0].line, 1);
  assert.match(r.problems[0].message, /every address is 0: the kernel hides symbol addresses from this reader \(kernel\.kptr_restrict/);
  assert.equal(r.hidden!.reason, 'zeroed');
  assert.equal(nearestSymbol(r.symbols!, 0xffffffff81000000n), undefined);
});

test('malformed symbol lines are named by line; undefined symbols without an address are skipped', () => {
  const text = [
    'ffffffff81000000 T _text',
    'ffffffff81000010',
    'nothex T foo',
    'ffffffff81000020 TT bar',
    '1ffffffff81000030 T too_long',
    'ffffffff81000040 t baz extra words',
    '                 U undefined_ref',
    'ffffffff81000050 t good\t[mod]',
    'ffffffff81000060 t broken\t[mod',
  ].join('\n');
  const r = parseSymbolFile(text, { name: 'x' });
  assert.deepEqual(r.problems.map((p) => p.line), [2, 3, 4, 5, 6, 9]);
  assert.match(r.problems[0].message, /not a symbol line \(ADDRESS TYPE NAME\): 'ffffffff81000010'/);
  assert.match(r.problems[3].message, /more than 16 hex digits/);
  assert.match(r.problems[4].message, /unexpected text after the symbol name/);
  assert.equal(r.symbols!.count, 2);
  assert.equal(symbolName(r.symbols!, 1), 'good');
  const empty = parseSymbolFile('\n\n');
  assert.equal(empty.symbols!.count, 0);
  assert.match(empty.problems[0].message, /no symbol lines found/);
});

test('nearest symbol: offsets, aliases read as functions, modules, the image end, the slide for a System.map', () => {
  const k = parseSymbolFile(fixture('kallsyms-kaslr.txt'), { name: 'kallsyms' }).symbols!;
  const s = parseSymbolFile(fixture('System.map-6.1.0-demo'), { name: 'System.map' }).symbols!;
  assert.equal(nearestSymbol(k, 0xffffffff9a2001f0n)!.text, 'verify_cpu+0xe0');
  // startup_64, _stext and _text share an address; the function name is shown.
  assert.equal(nearestSymbol(k, 0xffffffff9a200000n)!.text, 'startup_64');
  assert.equal(nearestSymbol(k, 0xffffffff9a200030n)!.text, 'startup_64+0x30');
  assert.equal(nearestSymbol(k, 0xffffffffc0a01210n)!.text, 'demo_nic_remove+0x10 [demo_nic]');
  assert.equal(nearestSymbol(k, 0xffffffffc0a01210n)!.module, 'demo_nic');
  assert.equal(nearestSymbol(k, 0xffffffff9cbfffffn)!.text, '__bss_stop+0xfffff', 'just below _end');
  assert.equal(nearestSymbol(k, 0xffffffff9ca00010n)!.text, 'demo_bss_pages+0x10', 'a named object over the section marker at its address');
  assert.equal(nearestSymbol(k, 0xffffffff9cc00000n)!.text, '_end');
  assert.equal(nearestSymbol(k, 0xffffffff9cc00001n), undefined, 'past the kernel image and far below every module');
  assert.equal(nearestSymbol(k, 0xffffffffc0f00000n), undefined, 'more than 1 MiB past the last module symbol');
  assert.equal(nearestSymbol(k, 0xffffffffc0f00000n, { maxModuleOffset: 4n << 20n })!.text, 'dummyfs_cache+0x2fe000 [dummyfs]');
  assert.equal(nearestSymbol(k, 0x1000n), undefined, 'per-CPU offsets are not places');
  // The System.map has link-time addresses: with the boot's slide, the same names.
  const m = nearestSymbol(s, 0xffffffff9a2001f0n, { slide: 0x19200000n })!;
  assert.equal(m.text, 'verify_cpu+0xe0');
  assert.equal(m.address, 0xffffffff9a200110n, 'the symbol where it is in this boot');
  assert.equal(m.slide, 0x19200000n);
  assert.match(describeMatch(s, m), /^verify_cpu\+0xe0 \(t, System\.map System\.map line \d+, relocated by \+0x19200000; symbol at 0xffffffff9a200110\)$/);
  assert.equal(nearestSymbol(s, 0xffffffff810001f0n)!.text, 'verify_cpu+0xe0', 'without a slide: link-time addresses');
  assert.equal(nearestSymbol(s, 0xffffffff9a2001f0n), undefined, 'a runtime address without the slide is past the image');
});

/** A kallsyms-shaped text of n symbols, a few of them in modules, addresses increasing. */
export function syntheticKallsyms(n: number): string {
  const out: string[] = [];
  let a = 0xffffffff81000000n;
  out.push('0000000000000000 A __per_cpu_start', '000000000002b000 A __per_cpu_end', 'ffffffff81000000 T _text');
  for (let i = 3; i < n - 1; i++) {
    a += BigInt(16 + ((i * 37) % 400));
    const mod = i > n - 2000 ? `\t[mod${i % 17}]` : '';
    out.push(`${(mod ? a + 0x3e000000n : a).toString(16)} ${'tTtTdDbr'[i % 8]} sym_${i.toString(36)}_${((i * 7919) % 100000).toString(16)}${mod}`);
  }
  out.push(`${(a + 0x1000n).toString(16)} B _end`);
  return out.join('\n') + '\n';
}

test('200,000 symbols: parsed in under a second, a few MB of tables, lookups by binary search', () => {
  const text = syntheticKallsyms(200_000);
  parseSymbolFile(text.slice(0, 200_000)); // warm the parser
  const mem = () => { const u = process.memoryUsage(); return u.heapUsed + u.arrayBuffers; };
  const heap = mem();
  // CPU time, the median of three parses: the test machine is shared, wall time measures the neighbours.
  const times: number[] = [];
  let r = parseSymbolFile(text, { name: 'kallsyms' });
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage();
    r = parseSymbolFile(text, { name: 'kallsyms' });
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  const ms = times.sort((a, b) => a - b)[1];
  const t = r.symbols!;
  assert.deepEqual(r.problems, []);
  assert.equal(t.count, 200_000);
  assert.equal(t.modules.length, 17);
  assert.ok(ms < 1000, `parse took ${ms.toFixed(0)} ms of CPU time`);
  const tables = [t.hi, t.lo, t.type, t.flags, t.nameStart, t.nameLength, t.module, t.line, t.order, t.moduleOrder].reduce((s, a) => s + a.byteLength, 0);
  assert.ok(tables < 8 << 20, `tables take ${tables} bytes`);
  assert.ok(mem() - heap < 100 << 20, `heap and buffers grew by ${((mem() - heap) / 1048576).toFixed(1)} MB`);
  const i = 300;
  assert.equal(findSymbol(t, symbolName(t, i)), i);
  const at = symbolAddress(t, i);
  const t1 = performance.now();
  for (let k = 0; k < 10_000; k++) assert.equal(nearestSymbol(t, at + 3n)!.index, i);
  assert.ok(performance.now() - t1 < 2000, 'ten thousand lookups in under 2 s');
});
