// This boot's values and layout: the text slide from kallsyms with System.map (checked on many symbols)
// or with the static __START_KERNEL; bases from crash help -m and a page-table dump; the static layout
// with its randomised regions moved, each saying by how much; the values table hovers read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { getPreset, Layout } from '../../src/engine/paging';
import {
  bootJson, bootMarkdown, bootValueFor, deriveBootValues, importMemoryMap, parseSymbolFile, textSlide, thisBootLayout,
} from '../../src/engine/map';

const REPO = path.resolve(__dirname, '../../..');
const fixture = (name: string) => fs.readFileSync(path.join(REPO, 'test/fixtures/dumps', name), 'utf8');
const imp = (name: string) => importMemoryMap(fixture(name), { name });
const L4 = getPreset('linux-x86_64-4level')!;

function disjoint(l: Layout): void {
  for (let i = 1; i < l.regions.length; i++) assert.ok(l.regions[i].start > l.regions[i - 1].end, `${l.regions[i].name} after ${l.regions[i - 1].name}`);
}

test('text slide from a kallsyms / System.map pair, checked on many text symbols', () => {
  const k = imp('kallsyms-kaslr.txt'), s = imp('System.map-6.1.0-demo');
  const slide = textSlide(k.symbols!, s.symbols!);
  assert.equal(slide.slide, 0x19200000n);
  assert.equal(slide.symbol, '_text');
  assert.ok(slide.checked >= 20, `${slide.checked} symbols checked`);
  assert.equal(slide.mismatches, 0);
  const boot = deriveBootValues([k], { linkTime: s, layout: L4 });
  assert.equal(boot.slide!.value, 0x19200000n);
  assert.match(boot.slide!.source, /kallsyms-kaslr\.txt _text minus System\.map-6\.1\.0-demo _text, the same for \d+ text symbols/);
  assert.deepEqual(boot.problems, []);
});

test('a System.map of another build is caught: its symbols do not move by one amount', () => {
  const k = imp('kallsyms-kaslr.txt');
  // Same names, one function moved by 0x40 in the other build.
  const other = fixture('System.map-6.1.0-demo').replace('ffffffff81000110 t verify_cpu', 'ffffffff81000150 t verify_cpu').replace('ffffffff81002400 t demo_sched_balance', 'ffffffff81002480 t demo_sched_balance');
  const s = parseSymbolFile(other, { name: 'System.map-other' });
  const r = textSlide(k.symbols!, s.symbols!);
  assert.equal(r.slide, undefined);
  assert.equal(r.mismatches, 2);
  assert.match(r.problem!, /2 of \d+ text symbols are not moved by the _text slide \+0x19200000: kallsyms-kaslr\.txt and System\.map-other are not from the same build/);
  const boot = deriveBootValues([k], { linkTime: s, layout: L4 });
  assert.equal(boot.slide, undefined);
  assert.equal(boot.problems.length, 1);
});

test('text slide from kallsyms alone: against the static __START_KERNEL of the layout, said so', () => {
  const boot = deriveBootValues([imp('kallsyms-kaslr.txt')], { layout: L4 });
  assert.equal(boot.slide!.value, 0x19200000n);
  assert.match(boot.slide!.source, /minus the static __START_KERNEL 0xffffffff81000000 \(__START_KERNEL_map \+ CONFIG_PHYSICAL_START 16 MiB/);
  const none = deriveBootValues([imp('kallsyms-restricted.txt')], { layout: L4 });
  assert.equal(none.slide, undefined, 'no addresses, no slide');
  const arm = deriveBootValues([imp('crash-help-m-arm64.txt')], { layout: getPreset('linux-arm64-4k-48bit')! });
  assert.equal(arm.slide, undefined);
  assert.ok(arm.problems.some((p) => /no link-time text address to compare .* with: give the build's System\.map/.test(p)), arm.problems.join('; '));
});

test('crash help -m applied to the 4-level layout: randomised regions moved, holes re-derived, KASAN noted, values table', () => {
  const boot = deriveBootValues([imp('crash-help-m.txt')], { layout: L4 });
  assert.equal(boot.name, 'crash-help-m.txt');
  assert.equal(boot.slide!.value, 0x19200000n, 'the KASLR offset of help -k');
  const b = thisBootLayout(L4, boot);
  assert.deepEqual(b.problems, []);
  const l = b.layout;
  disjoint(l);
  assert.equal(l.extends, 'linux-x86_64-4level');
  assert.equal(l.id, 'linux-x86_64-4level@boot-crash-help-m.txt');
  const byKind = (k: string) => l.regions.filter((r) => r.kind === k);
  assert.equal(byKind('direct-map')[0].start, 0xffff9d8b00000000n);
  assert.equal(byKind('direct-map')[0].end, 0xffffb3c4bfffffffn, 'cut at the next randomised base');
  assert.match(byKind('direct-map')[0].description, /cut at the next randomised base 0xffffb3c4c0000000/);
  assert.equal(byKind('vmalloc')[0].start, 0xffffb3c4c0000000n);
  assert.equal(byKind('vmalloc')[0].end, 0xffffd3c4bfffffffn, 'its static 32 TiB');
  assert.equal(byKind('vmemmap')[0].start, 0xffffd6a740000000n);
  assert.equal(byKind('kasan').length, 0);
  assert.ok(l.notes.some((n) => /KASAN shadow .* lies inside the range the boot randomises; not shown in this boot \(the kernel randomises memory only without KASAN\)/.test(n)));
  // Outside the randomisation range nothing moved.
  assert.deepEqual(l.regions.filter((r) => r.start >= 0xfffffe0000000000n), L4.regions.filter((r) => r.start >= 0xfffffe0000000000n));
  assert.deepEqual(l.regions.filter((r) => r.end < 0xffff888000000000n), L4.regions.filter((r) => r.end < 0xffff888000000000n));
  // Each move says by how much.
  const vm = b.moves.find((m) => m.value === 'vmalloc_base')!;
  assert.equal(vm.delta, 0xffffb3c4c0000000n - 0xffffc90000000000n);
  assert.equal(vm.text, 'vmalloc: -0x153b40000000 from the static base (0xffffc90000000000 → 0xffffb3c4c0000000)');
  assert.equal(b.moves.find((m) => m.value === 'page_offset_base')!.text, 'direct map: +0x150b00000000 from the static base (0xffff888000000000 → 0xffff9d8b00000000)');
  assert.equal(b.moves.find((m) => m.value === 'kaslr_offset')!.text, 'kernel image: +0x19200000 from the link-time _text (0xffffffff81000000 → 0xffffffff9a200000), inside kernel text');
  // The values table a hover reads.
  assert.equal(bootValueFor(b.table, 'VMALLOC_START')!.text, 'VMALLOC_START = vmalloc_base = 0xffffb3c4c0000000 in boot crash-help-m.txt; static default 0xffffc90000000000');
  assert.equal(bootValueFor(b.table, 'vmalloc_base'), bootValueFor(b.table, 'VMALLOC_START'));
  assert.equal(bootValueFor(b.table, 'PAGE_OFFSET')!.value, 0xffff9d8b00000000n);
  assert.equal(bootValueFor(b.table, 'pgtable_l5_enabled')!.text, 'pgtable_l5_enabled() = 0 in boot crash-help-m.txt; static default 0');
  assert.equal(bootValueFor(b.table, 'kaslr_offset')!.value, 0x19200000n);
  assert.equal(bootValueFor(b.table, '_text')!.value, 0xffffffff9a200000n);
  assert.equal(l.symbols.find((s) => s.name === 'VMALLOC_START')!.value, 0xffffb3c4c0000000n);
  const j = bootJson(boot, b);
  assert.equal(j.moves.length, 4);
  assert.ok(j.table.some((r) => r.macro === 'VMALLOC_START' && r.value === '0xffffb3c4c0000000' && r.static === '0xffffc90000000000'));
  assert.match(bootMarkdown(boot, b), /\| `VMALLOC_START = vmalloc_base` \| `0xffffb3c4c0000000` \| `0xffffc90000000000` \|/);
});

test('a page-table dump and kallsyms of the same boot give the same layout as crash help -m', () => {
  const fromDump = thisBootLayout(L4, deriveBootValues([imp('ptdump-kaslr.txt'), imp('kallsyms-kaslr.txt')], { layout: L4, name: 'boot' }));
  const fromCrash = thisBootLayout(L4, deriveBootValues([imp('crash-help-m.txt')], { layout: L4, name: 'boot' }));
  const shape = (l: Layout) => l.regions.map((r) => [r.name, r.start, r.end, r.kind]);
  assert.deepEqual(shape(fromDump.layout), shape(fromCrash.layout));
});

test('conflicting inputs and odd bases are reported, not hidden', () => {
  const a = imp('crash-help-m.txt');
  const b = importMemoryMap(fixture('crash-help-m.txt').replace('vmalloc_start_addr: ffffb3c4c0000000', 'vmalloc_start_addr: ffffb3c500000000'), { name: 'other' });
  const boot = deriveBootValues([a, b], { layout: L4 });
  assert.equal(boot.values.vmalloc_base!.value, 0xffffb3c4c0000000n, 'the first is used');
  assert.ok(boot.problems.some((p) => /vmalloc_base: 0xffffb3c500000000 from .* differs from 0xffffb3c4c0000000/.test(p)));
  // A 5-level boot applied to the 4-level layout: said.
  const five = deriveBootValues([importMemoryMap('       page_offset: ff11000000000000\n', { name: 'five' })], { layout: L4 });
  assert.equal(five.values.pgtable_l5_enabled!.value, 1n);
  const applied = thisBootLayout(L4, five);
  assert.ok(applied.problems.some((p) => /pgtable_l5_enabled = 1 in this boot, 0 in linux-x86_64-4level/.test(p)), applied.problems.join('; '));
});

test('arm64 boot values: kimage_voffset and memstart_addr in the table, static bases unmoved', () => {
  const arm = getPreset('linux-arm64-4k-48bit')!;
  const boot = deriveBootValues([imp('crash-help-m-arm64.txt')], { layout: arm });
  const b = thisBootLayout(arm, boot);
  assert.equal(b.moves.filter((m) => m.delta !== 0n).length, 0, 'arm64 keeps its bases at their static places');
  assert.deepEqual(b.layout.regions, arm.regions);
  assert.equal(bootValueFor(b.table, 'kimage_voffset')!.text, 'kimage_voffset = 0xffffc1d467400000 in boot crash-help-m-arm64.txt');
  assert.equal(bootValueFor(b.table, 'PHYS_OFFSET')!.text, 'PHYS_OFFSET = memstart_addr = 0x0000000040000000 in boot crash-help-m-arm64.txt');
  assert.equal(bootValueFor(b.table, 'PAGE_OFFSET')!.text, 'PAGE_OFFSET = 0xffff000000000000 in boot crash-help-m-arm64.txt; static default 0xffff000000000000');
  assert.equal(bootValueFor(b.table, 'vabits_actual')!.value, 48n);
});
