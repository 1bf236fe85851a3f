// What the editor features say, tested without VS Code: the hover Markdown of literals and macros,
// inlay-hint labels and columns, the status-bar text, the actions on a number, the map's markers and
// cursor constant, and the command result documents. Inputs are real analyses of small fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAddress, findLayout, getMode, Layout, pageTableOverhead, parseSize } from '../../src/engine/paging';
import { analyzeText, DocumentAnalysis, DocumentAnalyzer } from '../../src/engine/source';
import {
  checkSummary, codeBlock, constantAtCursor, constantNamed, decodeResultMarkdown, escapeMarkdown, hintColumn, hintFor, hoverMarkdown,
  isPlainLiteral, LayoutView, literalActions, literalMarkdown, mapMarkers, overheadResultMarkdown, skippedNote, statusItem,
} from '../../src/present';

function view(id = 'linux-x86_64-4level'): LayoutView {
  const layout = findLayout(id)!;
  return { layout, mode: getMode(layout.mode)! };
}

function analyze(text: string, file = '/src/include/asm/page.h', languageId = 'c'): DocumentAnalysis {
  return new DocumentAnalyzer({ file, languageId, mode: view().mode }).analyze(text);
}

/** Position of `needle` in the text (line, character + offset). */
function at(text: string, needle: string, offset = 1): [number, number] {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i).split('\n');
  return [before.length - 1, before[before.length - 1].length + offset];
}

const HEADER = [
  '#define __START_KERNEL_map\t_AC(0xffffffff80000000, UL)',
  '#define KERNEL_IMAGE_SIZE\t(1024 * 1024 * 1024)',
  '#define MODULES_VADDR\t\t(__START_KERNEL_map + KERNEL_IMAGE_SIZE)',
  '#define __PAGE_OFFSET\t\t_AC(0xffff888000000000, UL)',
  '#define MAX_LOOPS\t\t42',
  '#ifdef CONFIG_WIDE_VMALLOC',
  '#define VMALLOC_BASE\t\t0xffffc90000000000',
  '#else',
  '#define VMALLOC_BASE\t\t0xffffc80000000000',
  '#endif',
  '#define VMALLOC_GUARD\t\t(VMALLOC_BASE + 0x1000)',
  '#define pfn_to_virt(pfn)\t((pfn) << 12)',
  '',
].join('\n');

test('a literal in the direct map: grouped hex, decimal, region, PML4 slot, capacity and the two links', () => {
  const md = literalMarkdown(0xffff888000000000n, '0xffff888000000000', view(), {})!;
  assert.match(md, /^`0xffff888000000000` = `0xffff_8880_0000_0000` · 18,446,612,682,070,032,384/);
  assert.match(md, /start of \*\*direct map\*\*/);
  assert.match(md, /PML4 273/);
  assert.match(md, /capacity of a linear map from here: 64 TiB to the end of direct map/);
  assert.ok(md.includes(`[Decode](command:pagingLayout.decodeAddress?${encodeURIComponent('["0xffff888000000000"]')})`));
  assert.ok(md.includes(`[Show on map](command:pagingLayout.showMap?${encodeURIComponent('[{"address":"0xffff888000000000","layoutId":"linux-x86_64-4level"}]')})`));
});

test('the same literal decodes against the layout it is given (2.6.27: the direct map starts at 0xffff880000000000)', () => {
  const md = literalMarkdown(0xffff880000000000n, '0xffff880000000000', view('linux-x86_64-2.6.27'), {})!;
  assert.match(md, /layout `linux-x86_64-2\.6\.27`/);
  assert.match(md, /start of \*\*direct map\*\*/);
  assert.match(md, /PML4 272/);
  const now = literalMarkdown(0xffff880000000000n, '0xffff880000000000', view(), {})!;
  assert.doesNotMatch(now, /start of \*\*direct map\*\*/);
});

test('a small number that is no address gets no hover; a size gets its value without a layout section', () => {
  assert.equal(literalMarkdown(42n, '42', view(), {}), undefined);
  const a = analyze(HEADER);
  assert.equal(hoverMarkdown(a, ...at(HEADER, '42', 0), view()), undefined);
  const size = literalMarkdown(0x200000n, '0x200000', view(), { name: 'PMD_SIZE' });
  assert.ok(size);
  assert.equal(size, '`0x200000` = `0x0000_0000_0020_0000` · 2,097,152 · 2 MiB');
});

test('a macro at its definition: the derivation with each step, the value and the layout section', () => {
  const a = analyze(HEADER);
  const h = hoverMarkdown(a, ...at(HEADER, 'MODULES_VADDR'), view())!;
  assert.equal(HEADER.split('\n')[h.line].slice(h.start, h.end), 'MODULES_VADDR');
  assert.match(h.markdown, /^\*\*MODULES\\_VADDR\*\* \*#define\* — page\.h:3/);
  assert.ok(h.markdown.includes('```c\nMODULES_VADDR\n  = __START_KERNEL_map + KERNEL_IMAGE_SIZE\n  = 0xffffffff80000000 + 0x40000000\n  = 0xffffffffc0000000\n```'));
  assert.match(h.markdown, /`0xffff_ffff_c000_0000` · 18,446,744,072,635,809,792/);
  assert.match(h.markdown, /start of \*\*modules\*\*/);
  assert.match(h.markdown, /Show on map/);
});

test('a macro under an unknown condition: each value with the condition it depends on', () => {
  const a = analyze(HEADER);
  const h = hoverMarkdown(a, ...at(HEADER, 'VMALLOC_GUARD'), view())!;
  assert.match(h.markdown, /`0xffff_c900_0000_1000` · [\d,]+ — if `CONFIG_WIDE_VMALLOC`/);
  assert.match(h.markdown, /`0xffff_c800_0000_1000` · [\d,]+ — if `!CONFIG_WIDE_VMALLOC`/);
  assert.match(h.markdown, /\*first alternative:\*/);
});

test('a function-like macro shows its parameters and its body as a C code block', () => {
  const a = analyze(HEADER);
  const h = hoverMarkdown(a, ...at(HEADER, 'pfn_to_virt'), view())!;
  assert.match(h.markdown, /function-like macro `pfn\\_to\\_virt\(pfn\)`/);
  assert.ok(h.markdown.endsWith('\n```c\n((pfn) << 12)\n```\n'));
});

test('a literal that is the whole body of a #define is read with the name (a direct-map base gets its capacity)', () => {
  const a = analyze(HEADER);
  const h = hoverMarkdown(a, ...at(HEADER, '0xffff888000000000', 3), view())!;
  assert.match(h.markdown, /capacity of a linear map from here/);
});

test('Markdown escaping and code fences', () => {
  assert.equal(escapeMarkdown('__START_KERNEL_map <x> #1 [a] |b|'), '\\_\\_START\\_KERNEL\\_map \\<x\\> \\#1 \\[a\\] \\|b\\|');
  assert.equal(codeBlock('a', 'c'), '\n```c\na\n```\n');
  // A body with a run of backticks gets a longer fence, so the block cannot end early.
  assert.equal(codeBlock('x ``` y', 'c'), '\n````c\nx ``` y\n````\n');
});

test('inlay hints: the value after an expression, both values under a condition, nothing after a plain literal', () => {
  const a = analyze(HEADER);
  const byName = (n: string) => a.definitions.filter((d) => d.name === n);
  assert.deepEqual(hintFor(a, byName('MODULES_VADDR')[0])?.label, '= 0xffff_ffff_c000_0000');
  assert.deepEqual(hintFor(a, byName('KERNEL_IMAGE_SIZE')[0])?.label, '= 0x4000_0000');
  assert.equal(hintFor(a, byName('VMALLOC_GUARD')[0])?.label, '= 0xffff_c900_0000_1000 | 0xffff_c800_0000_1000');
  assert.match(hintFor(a, byName('VMALLOC_GUARD')[0])!.tooltip, /if !CONFIG_WIDE_VMALLOC/);
  assert.equal(hintFor(a, byName('__START_KERNEL_map')[0]), undefined);
  assert.equal(hintFor(a, byName('pfn_to_virt')[0]), undefined);
  assert.ok(isPlainLiteral('_AC(0xffff888000000000, UL)') && isPlainLiteral('(42)') && !isPlainLiteral('(1UL << 47)'));
  const d = byName('MODULES_VADDR')[0];
  const line = HEADER.split('\n')[d.endLine];
  assert.equal(hintColumn(a, d, line), line.length);
});

test('inlay hints in a linker script: the hint goes after the `;` of the assignment', () => {
  const text = 'KERNEL_VMA = 0xffffffff80000000 + 0x1000000; /* text */\n';
  const a = analyze(text, '/src/kernel.lds', 'linkerscript');
  const d = a.definitions.find((x) => x.name === 'KERNEL_VMA')!;
  assert.equal(hintFor(a, d)?.label, '= 0xffff_ffff_8100_0000');
  assert.equal(hintColumn(a, d, text.split('\n')[0]), text.indexOf(';') + 1);
});

test('the status-bar item names the layout, and warns with the reason when it fell back', () => {
  const layout: Layout = findLayout('linux-x86_64-2.6.27')!;
  const ok = statusItem(layout);
  assert.equal(ok.text, '$(layers) linux-x86_64-2.6.27');
  assert.equal(ok.warning, false);
  assert.match(ok.tooltip, /x86-64/);
  const bad = statusItem(findLayout('linux-x86_64-4level')!, "layout 'mine' is not available");
  assert.equal(bad.text, '$(warning) linux-x86_64-4level');
  assert.match(bad.tooltip, /\$\(warning\) layout 'mine' is not available/);
  assert.equal(bad.accessibilityLabel, 'Paging layout linux-x86_64-4level. Choose another layout.');
  // Inferred from the workspace: the text says so, the tooltip says what was found in which folder.
  const inf = statusItem(findLayout('xen-x86_64')!, undefined, { folder: 'xen', reason: 'Xen tree: xen/arch/x86 and xen/include/public found' });
  assert.equal(inf.text, '$(layers) xen-x86_64 (inferred)');
  assert.match(inf.tooltip, /Inferred from the workspace folder \*xen\*: Xen tree: xen\/arch\/x86 and xen\/include\/public found\. Choose a layout to override it\./);
  assert.match(inf.accessibilityLabel, /inferred: Xen tree/);
  assert.equal(inf.warning, false);
});

test('actions on a number: conversions in the forms the language accepts, Decode and Show on map', () => {
  const line = '#define __PAGE_OFFSET 0xffff888000000000';
  const c = literalActions(line, line.indexOf('0x') + 3, 'c', 'linux-x86_64-4level')!;
  assert.equal(c.span.text, '0xffff888000000000');
  assert.equal(c.span.start, line.indexOf('0x'));
  assert.ok(c.rewrites.some((r) => r.text === '_AC(0xffff888000000000, UL)'), c.rewrites.map((r) => r.text).join(', '));
  assert.equal(c.decode.title, 'Decode 0xffff888000000000 (linux-x86_64-4level)');
  assert.deepEqual(c.decode.arguments, ['0xffff888000000000']);
  assert.deepEqual(c.showOnMap.arguments, [{ address: '0xffff888000000000', layoutId: 'linux-x86_64-4level' }]);
  // NASM has no _AC(): not offered there.
  const nasm = literalActions('KERNEL_BASE equ 0xffff888000000000', 20, 'nasm', 'linux-x86_64-4level')!;
  assert.ok(!nasm.rewrites.some((r) => r.text.startsWith('_AC(')), nasm.rewrites.map((r) => r.text).join(', '));
  assert.equal(literalActions('for (i = 0; i < 512; i++)', 17, 'c', 'x'), undefined);
});

test('map markers: the file constants, the problems they show on the layout, diagnostics at the constant of their line', () => {
  const layout = findLayout('linux-x86_64-4level')!;
  const constants = [
    { name: '__PAGE_OFFSET', value: 0xffff888000000000n, line: 3, column: 8 },
    { name: 'SCRATCH_VADDR', value: 0xffff7fffffff0000n, line: 5, column: 8 },
  ];
  const { markers, problems } = mapMarkers(constants, 'file:///src/page.h', layout, [
    { line: 3, code: 'PL004', message: 'misaligned', severity: 'warning' },
    { line: 9, code: 'PL004', message: 'on no constant', severity: 'warning' },
  ]);
  assert.deepEqual(markers.map((m) => [m.name, m.value, m.location.line]), [['__PAGE_OFFSET', '0xffff888000000000', 3], ['SCRATCH_VADDR', '0xffff7fffffff0000', 5]]);
  const hole = problems.find((p) => p.start === '0xffff7fffffff0000');
  assert.ok(hole, JSON.stringify(problems));
  assert.equal(hole.location?.line, 5);
  const diag = problems.find((p) => p.message === 'misaligned');
  assert.deepEqual([diag?.start, diag?.code, diag?.location?.line], ['0xffff888000000000', 'PL004', 3]);
  assert.ok(!problems.some((p) => p.message === 'on no constant'));
});

test('the constant under the cursor: a literal wins, else the #define of the line, else the name evaluated in the file', () => {
  const asm = analyzeText('\tmovabs $0xffffffff81000000, %rax\n', { file: 'head.S', family: 'gas' });
  assert.deepEqual(constantAtCursor(asm, 0, 12), { value: 0xffffffff81000000n, name: '0xffffffff81000000' });
  const c = analyzeText('#define __PAGE_OFFSET _AC(0xffff888000000000, UL)\nint i = 0;\n', { file: 'x.h', family: 'c' });
  assert.deepEqual(constantAtCursor(c, 0, 10), { value: 0xffff888000000000n, name: '__PAGE_OFFSET' });
  assert.equal(constantAtCursor(c, 1, 4), undefined);
  const header = analyzeText(HEADER, { file: 'x.h', family: 'c' });
  assert.deepEqual(constantNamed(header, 'MODULES_VADDR'), { value: 0xffffffffc0000000n, name: 'MODULES_VADDR' });
  assert.equal(constantNamed(header, 'NOT_THERE'), undefined);
});

test('command results: a decode document and the page-table overhead of every page size', () => {
  const layout = findLayout('linux-x86_64-2.6.27')!;
  const md = decodeResultMarkdown(' 0xffff880000000000 ', decodeAddress(0xffff880000000000n, layout));
  assert.match(md, /^# Decode 0xffff880000000000\n/);
  assert.match(md, /PML4 272/);
  assert.match(md, /\*\*direct map\*\*: /);
  const mode = getMode('x86_64-4level')!;
  const size = parseSize('1TiB');
  const rows = mode.leafPageSizes.map((p) => pageTableOverhead(size, p, mode));
  const o = overheadResultMarkdown(rows[0], rows);
  assert.match(o, /^# Page-table overhead\n/);
  // 1 TiB in 4 KiB pages: about 0.2 % of the memory in page tables; 2 MiB pages need about 512× less.
  assert.match(o, /page tables \*\*~2\.004 GiB\*\* \(2,151,690,240 bytes\) = \*\*0\.1956%\*\*/);
  assert.ok(o.includes('| 4 KiB | ~2.004 GiB | 1.000× |'), o);
  assert.ok(o.includes('| 2 MiB | ~4.012 MiB | 0.002× |'), o);
});

test('the workspace-check summary and the skipped-files note count in words', () => {
  assert.equal(checkSummary({ files: 1, findings: 0, cancelled: false }), 'Paging Layout: checked 1 file, 0 findings.');
  assert.equal(checkSummary({ files: 12, findings: 1, cancelled: true }), 'Paging Layout: check cancelled after 12 files, 1 finding.');
  assert.equal(skippedNote(2, 8 * 1024 * 1024), '$(info) Paging Layout: 2 files skipped (larger than 8 MB, or binary)');
});
