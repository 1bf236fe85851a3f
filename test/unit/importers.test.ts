// Importers: page-table dumps, /proc/PID/maps, /proc/iomem, and the workspace's #defines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import {
  analysisMarkers, definitionValues, deriveWorkspaceLayout, detectFormat, importMemoryMap, parseIomem, parsePageTableDump, parseProcMaps,
} from '../../src/engine/map';
import { analyzeText } from '../../src/engine/source';

/** The constants of a text as the map reads them: its analysis, the one the hover reads. */
const constants = (text: string, file = 'x.h') => definitionValues(analyzeText(text, { file, family: file.endsWith('.lds') ? 'ld' : 'c' }), file);
const markersOf = (text: string, file: string) => analysisMarkers(analyzeText(text, { file, family: file.endsWith('.lds') ? 'ld' : 'c' }), file);
import { buildView } from '../../src/engine/map/model';

const REPO = path.resolve(__dirname, '../../..');
const fixture = (name: string) => fs.readFileSync(path.join(REPO, 'test/fixtures/dumps', name), 'utf8');
const example = (rel: string) => ({ file: rel, text: fs.readFileSync(path.join(REPO, 'examples', rel), 'utf8') });

test('page-table dump: present mappings become regions named by section and flags; not-present ranges are gaps', () => {
  const r = parsePageTableDump(fixture('ptdump-kernel.txt'), { name: 'kernel' });
  assert.deepEqual(r.problems, []);
  const l = r.layout!;
  assert.equal(l.mode, 'x86_64-4level');
  assert.equal(l.origin, 'import:ptdump');
  const first = l.regions[0];
  assert.equal(first.name, 'Low Kernel Mapping: RW GLB NX');
  assert.equal(first.start, 0xffff888000000000n);
  assert.equal(first.end, 0xffff888000000fffn);
  assert.equal(first.kind, 'direct-map');
  assert.equal(first.source, 'kernel:6');
  const pmd = l.regions.find((x) => x.start === 0xffff888000200000n)!;
  assert.equal(pmd.name, 'Low Kernel Mapping: RW PSE GLB NX');
  assert.match(pmd.description, /14M mapped with RW PSE GLB NX at the PMD level/);
  assert.ok(l.regions.some((x) => x.kind === 'kernel-text' && x.name.includes('ro PSE GLB x')));
  assert.ok(l.regions.some((x) => x.kind === 'vsyscall' || x.name.startsWith('End Modules: USR')));
  assert.ok(!l.regions.some((x) => x.start === 0xffff8880000a0000n), 'the not-present 1408K range is no region');
  assert.equal(l.symbols.find((s) => s.name === 'vmalloc() Area')!.value, 0xffffc90000000000n);
  for (let i = 1; i < l.regions.length; i++) assert.ok(l.regions[i].start > l.regions[i - 1].end, 'sorted, disjoint');
});

test('page-table dump: garbage gives messages with line numbers and never throws', () => {
  const r = parsePageTableDump(fixture('garbage.txt'));
  assert.equal(r.layout, undefined);
  assert.ok(r.problems.some((p) => p.line === 1 && /not a page-table dump line: 'this is not a dump'/.test(p.message)));
  assert.ok(r.problems.some((p) => p.line === 3 && /is not above start/.test(p.message)));
  assert.ok(r.problems.some((p) => p.line === 4 && /unexpected flag/.test(p.message)));
  for (const junk of ['', '\0\0\0', '-'.repeat(100_000), '---[ ]---\n'.repeat(10), 'x\n'.repeat(200_000), undefined as unknown as string]) {
    const res = parsePageTableDump(junk);
    assert.equal(res.layout, undefined);
    assert.ok(res.problems.length <= 51);
  }
});

test('page-table dump: limits stop reading and say so', () => {
  const lines = Array.from({ length: 300 }, (_, i) => {
    const a = 0xffff888000000000n + BigInt(i) * 0x2000n;
    return `0x${a.toString(16)}-0x${(a + 0x1000n).toString(16)}   4K  RW  GLB NX pte`;
  });
  const r = parsePageTableDump(lines.join('\n'), { limits: { maxRegions: 100 } });
  assert.equal(r.layout!.regions.length, 100);
  assert.ok(r.truncated);
  assert.ok(r.problems.some((p) => /more than 100 mappings/.test(p.message)));
  const s = parsePageTableDump(lines.join('\n'), { limits: { maxLines: 10 } });
  assert.equal(s.layout!.regions.length, 10);
  assert.ok(s.problems.some((p) => /more than 10 lines/.test(p.message)));
});

test('/proc/PID/maps: one region a mapping, paths as names, [vsyscall] kind', () => {
  const r = parseProcMaps(fixture('maps-cat.txt'), { name: 'maps' });
  assert.deepEqual(r.problems, []);
  const l = r.layout!;
  assert.equal(l.regions.length, 20);
  assert.equal(l.regions[0].name, '/usr/bin/cat');
  assert.equal(l.regions[0].end, 0x55d0c8a01fffn);
  assert.ok(l.regions.some((x) => x.name === '[heap]'));
  assert.ok(l.regions.some((x) => x.name === 'anonymous rw-p'));
  assert.equal(l.regions.at(-1)!.kind, 'vsyscall');
  assert.match(parseProcMaps('hello\n').problems[0].message, /line 1|not a \/proc\/PID\/maps line/);
});

test('/proc/iomem: nested entries carve their parents; a non-root read is explained', () => {
  const r = parseIomem(fixture('iomem.txt'));
  assert.deepEqual(r.problems, []);
  const l = r.layout!;
  assert.equal(l.origin, 'import:iomem');
  const code = l.regions.find((x) => x.name === 'Kernel code')!;
  assert.equal(code.start, 0x3c000000n);
  assert.equal(code.kind, 'kernel-text');
  assert.match(code.description, /inside System RAM/);
  const ram = l.regions.filter((x) => x.name === 'System RAM');
  assert.ok(ram.some((x) => x.start === 0x100000n && x.end === 0x3bffffffn), 'RAM before the kernel');
  assert.ok(ram.some((x) => x.start === 0x3ea00000n && x.end === 0xbffdffffn), 'RAM after the kernel');
  for (let i = 1; i < l.regions.length; i++) assert.ok(l.regions[i].start > l.regions[i - 1].end, 'sorted, disjoint');
  const zero = parseIomem('00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n');
  assert.equal(zero.layout, undefined);
  assert.match(zero.problems[0].message, /only to root/);
  const v = buildView(l, { height: 600 });
  assert.ok(!v.ticks.some((t) => t.level === 'slot'), 'no page-table slots on a physical map');
});

test('format detection', () => {
  assert.equal(detectFormat(fixture('ptdump-kernel.txt')), 'ptdump');
  assert.equal(detectFormat(fixture('maps-cat.txt')), 'maps');
  assert.equal(detectFormat(fixture('iomem.txt')), 'iomem');
  assert.equal(detectFormat('hello'), undefined);
  assert.match(importMemoryMap('hello').problems[0].message, /neither/);
});

test('constants: _AC, UL suffixes, shifts, names, casts, BIT/GENMASK, SZ_ sizes, evaluated as the hover evaluates them', () => {
  const text = [
    '#define VMALLOC_START _AC(0xffffc90000000000, UL)', '#define VMALLOC_SIZE_TB _AC(32, UL)', '#define A A + 1',
    '#define E_END (VMALLOC_START + (VMALLOC_SIZE_TB << 40) - 1)', '#define E_TOP (((unsigned long)1 << 47) - 4096)',
    '#define E_BITS (BIT(12) | GENMASK(3, 0))', '#define E_SZ (SZ_2M * 3)', '#define E_ALL (-1UL)', '#define E_BAD foo(', '#define E_DIV (1 / 0)', '',
  ].join('\n');
  const v = new Map(constants(text).map((d) => [d.name, d.value]));
  assert.equal(v.get('E_END'), 0xffffe8ffffffffffn);
  assert.equal(v.get('E_TOP'), 0x7ffffffff000n);
  assert.equal(v.get('E_BITS'), 0x100fn);
  assert.equal(v.get('E_SZ'), 6n << 20n);
  assert.equal(v.get('E_ALL'), (1n << 64n) - 1n);
  assert.equal(v.has('A'), false, 'self-reference is not a value');
  assert.equal(v.has('E_BAD'), false);
  assert.equal(v.has('E_DIV'), false);
});

test('constants: #ifdef/#else branches judged by the paging mode, continuations, comments', () => {
  const defs = constants(example('include/asm/page_64_types.h').text, 'page_64_types.h');
  const vm = defs.filter((d) => d.name === 'VMALLOC_START');
  assert.equal(vm.length, 1, 'only the branch without CONFIG_X86_5LEVEL under the default 4-level mode');
  assert.match(vm[0].body, /0xffffc90000000000/);
  assert.equal(defs.find((d) => d.name === 'MODULES_END')!.line + 1, 49);
  const cont = constants('#define X \\\n  (1 + \\\n 2) /* c */\n#if 0\n#define Y 1\n#elif 1\n#define Z 3\n#endif\n');
  assert.deepEqual(cont.map((d) => [d.name, d.value]), [['X', 3n], ['Z', 3n]]);
});

test('workspace layout from START/END/SIZE defines and linker MEMORY; overlaps reported as problems', () => {
  const files = ['include/asm/page_64_types.h', 'mistakes.h', 'xen/page_64-2.6.27.h', 'kernel.lds'].map(example);
  const r = deriveWorkspaceLayout(files);
  const names = r.layout.regions.map((x) => x.name);
  assert.ok(names.includes('VMALLOC'), names.join(', '));
  assert.ok(names.includes('HYPERVISOR_VIRT'));
  assert.ok(names.includes('image'), 'linker-script MEMORY region');
  const vm = r.layout.regions.find((x) => x.name === 'VMALLOC')!;
  assert.equal(vm.start, 0xffffc90000000000n);
  assert.equal(vm.end, 0xffffe8ffffffffffn, 'VMALLOC_END ends in fff: inclusive');
  const hv = r.layout.regions.find((x) => x.name === 'HYPERVISOR_VIRT')!;
  assert.equal(hv.end, 0xffff87ffffffffffn, 'HYPERVISOR_VIRT_END is exclusive');
  assert.equal(hv.kind, 'hypervisor');
  assert.deepEqual(r.locations.get('VMALLOC'), { file: 'include/asm/page_64_types.h', line: 34, column: 8 });
  assert.ok(r.problems.some((p) => p.code === 'PL-MAP-OVERLAP' && /DEBUG_AREA .*overlaps VMALLOC/.test(p.message)), 'contained in VMALLOC');
  const alone = deriveWorkspaceLayout([example('mistakes.h')]);
  assert.deepEqual(alone.layout.regions.map((x) => x.name), ['EARLY_MAP', 'DEBUG_AREA', 'TRACE_BUF (after DEBUG_AREA)']);
  const overlap = alone.problems.find((p) => p.code === 'PL-MAP-OVERLAP' && /TRACE_BUF/.test(p.message))!;
  assert.ok(overlap, r.problems.map((p) => p.message).join('; '));
  assert.equal(overlap.start, 0xffffc90020000000n);
  assert.ok(r.problems.some((p) => p.code === 'PL-MAP-CONFLICT' && /VMALLOC/.test(p.message)));
  for (let i = 1; i < r.layout.regions.length; i++) assert.ok(r.layout.regions[i].start > r.layout.regions[i - 1].end);
});

test('file markers: address-like defines and literals, not sizes or shifts', () => {
  const m = markersOf(example('xen/page_64-2.6.27.h').text, 'page_64-2.6.27.h');
  const names = m.map((x) => x.name);
  assert.ok(names.includes('__PAGE_OFFSET'));
  assert.ok(names.includes('HYPERVISOR_VIRT_START'));
  assert.ok(!names.includes('__VIRTUAL_MASK_SHIFT'));
  assert.ok(!names.some((n) => n.startsWith('0xffff8')), 'hex in comments is no marker');
  const lds = markersOf(example('kernel.lds').text, 'kernel.lds');
  assert.ok(lds.some((x) => x.name === '__START_KERNEL_map' && x.value === 0xffffffff80000000n));
  assert.ok(lds.some((x) => x.name === '0xffffffff81000000'), 'the location-counter literal');
});
