// This boot in the editor, without VS Code: the boots imports make (kallsyms paired with the System.map
// of its build, crash help -m, the files of this machine), the static layout each is applied to, the
// hover lines of runtime macros evaluated with the boot's values, the symbols an address is in
// (relocated by the slide), the overlays the map draws and what it says of hidden addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { builtinLayouts, findLayout, getMode, Layout } from '../../src/engine/paging';
import { importMemoryMap } from '../../src/engine/map';
import { DocumentAnalyzer } from '../../src/engine/source';
import { hoverMarkdown, LayoutView } from '../../src/present';
import {
  assembleBoots, bootCompareLines, bootViewOf, ImportedMap, importLayoutOf, importSummary, overlayOf, staticLayoutFor, symbolsAt,
} from '../../src/present/boot';
import { big } from '../../src/shared/protocol';

const REPO = path.resolve(__dirname, '../../..');
const fixture = (name: string) => fs.readFileSync(path.join(REPO, 'test/fixtures/dumps', name), 'utf8');
const statics = builtinLayouts();
const L4 = findLayout('linux-x86_64-4level')!;

function map(name: string, extra: Partial<ImportedMap> = {}, text = fixture(name)): ImportedMap {
  return { id: `import-${name}`, name, result: importMemoryMap(text, { name }), source: `file:///dumps/${name}`, ...extra };
}

function view(layout: Layout = L4): LayoutView {
  return { layout, mode: getMode(layout.mode)! };
}

function analyze(text: string) {
  return new DocumentAnalyzer({ file: '/src/include/asm/boot_demo.h', languageId: 'c', mode: view().mode }).analyze(text);
}

function hoverAt(text: string, needle: string, boot: ReturnType<typeof bootViewOf>, layout: Layout = L4): string {
  const a = analyze(text);
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i).split('\n');
  const h = hoverMarkdown(a, before.length - 1, before[before.length - 1].length + 2, view(layout), boot);
  assert.ok(h, `a hover at ${needle}`);
  return h.markdown;
}

test('kallsyms with the System.map of its build: one boot, its text slide checked on the symbols both have', () => {
  const boots = assembleBoots([map('System.map-6.1.0-demo'), map('kallsyms-kaslr.txt')], statics);
  assert.equal(boots.length, 1);
  const b = boots[0];
  assert.equal(b.name, 'kallsyms-kaslr.txt');
  assert.equal(b.id, 'linux-x86_64-4level@boot-kallsyms-kaslr.txt');
  assert.equal(b.staticLayout.id, 'linux-x86_64-4level');
  assert.equal(b.values.slide?.value, 0x19200000n);
  assert.ok((b.values.slide?.checked?.symbols ?? 0) > 5, JSON.stringify(b.values.slide?.checked));
  assert.deepEqual(b.imports, ['import-kallsyms-kaslr.txt', 'import-System.map-6.1.0-demo']);
  assert.ok(b.applied.moves.some((m) => /^kernel image: \+0x19200000 from the link-time _text \(0xffffffff81000000 → 0xffffffff9a200000\)/.test(m.text)), b.applied.moves.map((m) => m.text).join('\n'));
  assert.equal(b.applied.layout.origin, 'boot:kallsyms-kaslr.txt');
});

test('a System.map of another build is not paired: the boot says so and measures the slide against the static text base', () => {
  const other = fixture('System.map-6.1.0-demo').replace(/^ffffffff81000110 t verify_cpu$/m, 'ffffffff81000118 t verify_cpu')
    .replace(/^ffffffff81000210 T start_cpu0$/m, 'ffffffff81000218 T start_cpu0').replace(/^ffffffff81001000 T do_one_initcall$/m, 'ffffffff81001008 T do_one_initcall')
    .replace(/^ffffffff81004000 T memcpy$/m, 'ffffffff81004008 T memcpy');
  const boots = assembleBoots([map('System.map-other', {}, other), map('kallsyms-kaslr.txt')], statics);
  assert.equal(boots.length, 1);
  assert.ok(boots[0].notes.some((n) => /^System\.map-other is not the System\.map of kallsyms-kaslr\.txt's build: \d+ of \d+ text symbols differ/.test(n)), boots[0].notes.join('\n'));
  assert.deepEqual(boots[0].imports, ['import-kallsyms-kaslr.txt']);
  // The default CONFIG_PHYSICAL_START gives the same slide for this image.
  assert.equal(boots[0].values.slide?.value, 0x19200000n);
  assert.match(boots[0].values.slide!.source, /static __START_KERNEL 0xffffffff81000000/);
});

test('an address in the kernel text names its symbol: kallsyms as is, a System.map relocated by the slide, and at link time', () => {
  const kallsymsBoot = assembleBoots([map('System.map-6.1.0-demo'), map('kallsyms-kaslr.txt')], statics)[0];
  const runtime = symbolsAt(0xffffffff9a2001f0n, kallsymsBoot.symbols);
  assert.equal(runtime[0].text, 'verify_cpu+0xe0');
  assert.equal(runtime[0].kind, 'runtime');
  assert.match(runtime[0].detail, /^t, kallsyms kallsyms-kaslr\.txt line 16; the running kernel of boot kallsyms-kaslr\.txt; symbol at 0xffffffff9a200110$/);
  const link = symbolsAt(0xffffffff810001f0n, kallsymsBoot.symbols);
  assert.equal(link.length, 1);
  assert.equal(link[0].text, 'verify_cpu+0xe0');
  assert.match(link[0].detail, /System\.map System\.map-6\.1\.0-demo line 16; link-time address/);
  // crash help -m gives the KASLR offset; with the build's System.map a runtime address is found at link time minus the slide.
  const crashBoot = assembleBoots([map('System.map-6.1.0-demo'), map('crash-help-m.txt')], statics)[0];
  assert.equal(crashBoot.values.slide?.value, 0x19200000n);
  const rel = symbolsAt(0xffffffff9a200045n, crashBoot.symbols);
  assert.equal(rel[0].text, 'secondary_startup_64_no_verify');
  assert.match(rel[0].detail, /link-time address relocated by the text slide \+0x19200000 of boot crash-help-m\.txt; symbol at 0xffffffff9a200045$/);
  // Module symbols of kallsyms, and nothing past the image's end.
  assert.equal(symbolsAt(0xffffffffc0a01404n, kallsymsBoot.symbols)[0].text, 'demo_nic_xmit+0x4 [demo_nic]');
  assert.deepEqual(symbolsAt(0xffffffffa0000000n, kallsymsBoot.symbols), []);
});

const HEADER = `#define VMALLOC_START\tvmalloc_base
#define VMALLOC_END\t(VMALLOC_START + (32UL << 40) - 1)
#define RUNTIME_PAGE_OFFSET\tpage_offset_base
#define SLIDE\tkaslr_offset()
#define PAGE_OFFSET\t0xffff888000000000UL
#define ENTRY_RUNTIME\t0xffffffff9a2001f0UL
unsigned long probe = 0xffffffff9a2001f0;
`;

test('hovers evaluate runtime macros with the boot\'s values, marked as such, with the static default', () => {
  const boot = assembleBoots([map('crash-help-m.txt')], statics)[0];
  const bv = bootViewOf(boot);
  const vs = hoverAt(HEADER, 'VMALLOC_START', bv);
  assert.ok(vs.includes('`VMALLOC_START = vmalloc_base = 0xffffb3c4c0000000 in boot crash-help-m.txt; static default 0xffffc90000000000`'), vs);
  assert.ok(vs.includes('runtime variable'), 'the static evaluation still says the value is decided at boot');
  // Where the boot's value is in the boot's layout.
  assert.match(vs, /\*in boot crash-help-m\.txt:\* /);
  assert.match(vs, /vmalloc/);
  const ve = hoverAt(HEADER, 'VMALLOC_END', bv);
  assert.ok(ve.includes('VMALLOC_END = VMALLOC_START + (32UL << 40) - 1 = 0xffffb3c4c0000000 + (32UL << 40) - 1 = 0xffffd3c4bfffffff in boot crash-help-m.txt; static default 0xffffe8ffffffffff'), ve);
  const po = hoverAt(HEADER, 'RUNTIME_PAGE_OFFSET', bv);
  assert.ok(po.includes('RUNTIME_PAGE_OFFSET = page_offset_base = 0xffff9d8b00000000 in boot crash-help-m.txt; static default 0xffff888000000000'), po);
  const slide = hoverAt(HEADER, 'SLIDE', bv);
  assert.ok(slide.includes('`SLIDE = kaslr_offset() = 0x19200000 in boot crash-help-m.txt; static default 0`'), slide);
  // A macro the boot's table names, defined as a constant here: the table's line.
  const pg = hoverAt(HEADER, 'PAGE_OFFSET\t0x', bv);
  assert.ok(pg.includes('`PAGE_OFFSET = page_offset_base = 0xffff9d8b00000000 in boot crash-help-m.txt; static default 0xffff888000000000`'), pg);
  // Without a boot: nothing of the kind.
  assert.doesNotMatch(hoverAt(HEADER, 'VMALLOC_START', bootViewOf(undefined)), /in boot/);
});

test('hovers name the symbol of an address in the kernel text (literal and macro)', () => {
  const boots = assembleBoots([map('System.map-6.1.0-demo'), map('kallsyms-kaslr.txt')], statics);
  const bv = bootViewOf(boots[0]);
  const lit = hoverAt(HEADER, '0xffffffff9a2001f0;', bv);
  assert.ok(lit.includes('**Symbol:** `verify_cpu+0xe0` — t, kallsyms kallsyms-kaslr.txt line 16'), lit);
  const mac = hoverAt(HEADER, 'ENTRY_RUNTIME', bv);
  assert.ok(mac.includes('`verify_cpu+0xe0`'), mac);
  // Only System.maps, no boot: link-time addresses.
  const only = bootViewOf(undefined, assembleBoots([], statics).flatMap((b) => b.symbols));
  assert.doesNotMatch(hoverAt(HEADER, '0xffffffff9a2001f0;', only), /Symbol/);
});

test('the static layout of a boot: the preferred one when its paging mode fits, else the preset of the boot\'s mode', () => {
  const arm = assembleBoots([map('crash-help-m-arm64.txt')], statics)[0];
  assert.equal(arm.staticLayout.id, 'linux-arm64-4k-48bit');
  const x = assembleBoots([map('crash-help-m.txt', { preferredStatic: 'linux-x86_64-2.6.27' })], statics)[0];
  assert.equal(x.staticLayout.id, 'linux-x86_64-2.6.27', 'a 4-level layout that was active');
  const wrong = assembleBoots([map('crash-help-m.txt', { preferredStatic: 'linux-arm64-4k-48bit' })], statics)[0];
  assert.equal(wrong.staticLayout.id, 'linux-x86_64-4level', 'an arm64 layout does not take an x86-64 boot');
  const l5 = importMemoryMap(fixture('crash-help-m.txt'), { name: 'x' });
  const five = { ...l5, facts: l5.facts.map((f) => (f.name === 'pgtable_l5_enabled' ? { ...f, value: 1n } : f)) };
  const boot5 = assembleBoots([{ id: 'import-5', name: 'crash5', result: five }], statics)[0];
  assert.equal(boot5.staticLayout.id, 'linux-x86_64-5level');
  assert.equal(staticLayoutFor(boot5.values, undefined, statics).id, 'linux-x86_64-5level');
});

test('comparing a boot with its static layout starts with its moves', () => {
  const b = assembleBoots([map('crash-help-m.txt')], statics)[0];
  const lines = bootCompareLines(b.staticLayout, b.applied.layout, [b]);
  assert.equal(lines[0], 'This boot (crash-help-m.txt) against linux-x86_64-4level:');
  assert.ok(lines.some((l) => /^vmalloc.*: -0x153b40000000 from the static base \(0xffffc90000000000 → 0xffffb3c4c0000000\)$/.test(l)), lines.join('\n'));
  assert.deepEqual(bootCompareLines(L4, findLayout('linux-x86_64-2.6.27')!, [b]), []);
});

test('the files of this machine make one boot named "this machine"; other imports their own', () => {
  const live = [map('kallsyms-kaslr.txt', { id: 'live-k', group: 'live' }), map('ptdump-kaslr.txt', { id: 'live-p', group: 'live' })];
  const boots = assembleBoots([...live, map('crash-help-m.txt')], statics);
  assert.deepEqual(boots.map((b) => b.name), ['crash-help-m.txt', 'this machine']);
  const m = boots[1];
  assert.deepEqual(m.imports, ['live-k', 'live-p']);
  assert.equal(m.values.values.vmalloc_base?.value, 0xffffb3c4c0000000n);
  assert.equal(m.values.slide?.value, 0x19200000n);
  // The same file twice: the second boot's name says so.
  const twice = assembleBoots([map('crash-help-m.txt'), map('crash-help-m.txt', { id: 'import-again' })], statics);
  assert.deepEqual(twice.map((b) => b.name), ['crash-help-m.txt', 'crash-help-m.txt (2)']);
  assert.notEqual(twice[0].id, twice[1].id);
});

test('overlays: exact addresses sorted by start; physical, foreign and hidden ones say why they are not drawn', () => {
  const pt = map('ptdump-kernel.txt');
  const o = overlayOf(pt, L4);
  assert.equal(o.drawable, true);
  assert.equal(o.formatTitle, 'x86 kernel page-table dump');
  assert.equal(o.total, pt.result.entries.length);
  const starts = o.entries.map((e) => big(e.start)!);
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] >= starts[i - 1]);
  const first = pt.result.entries.find((e) => e.end !== undefined)!;
  assert.ok(o.entries.some((e) => e.start === `0x${first.start.toString(16)}` && e.end === `0x${first.end!.toString(16)}` && e.line === first.line));
  assert.equal(overlayOf(pt, importLayoutOf(pt)!).why, 'this is its own layout');
  const io = overlayOf(map('iomem.txt'), L4);
  assert.equal(io.drawable, false);
  assert.match(io.why!, /^physical addresses/);
  const arm = overlayOf(map('ptdump-arm64.txt'), L4);
  assert.equal(arm.drawable, false);
  assert.equal(arm.why, 'addresses of arm64-4k-48, not of x86_64-4level');
  const hashed = overlayOf(map('vmallocinfo-hashed.txt'), L4);
  assert.equal(hashed.drawable, false);
  assert.equal(hashed.entries.length, 0);
  assert.equal(hashed.hidden?.reason, 'hashed');
  assert.match(hashed.hidden!.text, /^4 records with hashed pointers \(%p, from line 1\): the kernel hid their addresses; counted, not drawn$/);
  const restricted = overlayOf(map('kallsyms-restricted.txt'), L4);
  assert.equal(restricted.hidden?.reason, 'zeroed');
  assert.match(restricted.hidden!.text, /printed as zeros/);
  // A symbol file: the kernel image's parts, not 200,000 symbols.
  const ks = overlayOf(map('kallsyms-kaslr.txt'), L4);
  assert.equal(ks.entries.length, map('kallsyms-kaslr.txt').result.layout!.regions.length);
  assert.ok(ks.notes.some((n) => /^58 symbols \(2 modules\): hovers name the symbol/.test(n)), ks.notes.join('\n'));
});

test('the import summary names the detected format, what was read and the boot', () => {
  const m = map('crash-help-m.txt');
  const b = assembleBoots([m], statics)[0];
  const s = importSummary(m, b);
  assert.match(s, /^crash-help-m\.txt: detected crash help -m \/ help -k; 7 entries, 4 regions; this boot: linux-x86_64-4level@boot-crash-help-m\.txt \(/);
  assert.match(importSummary(map('vmallocinfo-hashed.txt'), undefined), /detected \/proc\/vmallocinfo; 0 entries; 4 records with hashed pointers/);
});
