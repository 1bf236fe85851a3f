// Document analysis: literals and definitions with ranges, values at definition and use sites,
// position lookups, and cheap incremental re-analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, DocumentAnalyzer, DocumentAnalysis } from '../../src/engine/source/analysis';
import { chainText, condText } from '../../src/engine/source/evaluate';
import { getMode } from '../../src/engine/paging/modes';

const m4 = getMode('x86_64-4level')!;

const C_SRC = [
  '/* page_64_types.h-like */',
  '#define __START_KERNEL_map\t_AC(0xffffffff80000000, UL)',
  '#ifdef CONFIG_RANDOMIZE_BASE',
  '#define KERNEL_IMAGE_SIZE\t(1024 * 1024 * 1024)',
  '#else',
  '#define KERNEL_IMAGE_SIZE\t(512 * 1024 * 1024)',
  '#endif',
  '#define MODULES_VADDR\t\t(__START_KERNEL_map + \\',
  '\t\t\t\t KERNEL_IMAGE_SIZE)',
  'static unsigned long x = MODULES_VADDR; // 0x1234 in a comment',
  'const char *s = "0x5678";',
  '#define pgd_slot(a) (((a) >> 39) & 511)',
].join('\n');

test('literals with ranges; none from comments or strings', () => {
  const a = analyzeText(C_SRC, { languageId: 'c', mode: m4 });
  const lines = C_SRC.split('\n');
  const at = (line: number, text: string, from = 0) => [line, lines[line].indexOf(text, from), lines[line].indexOf(text, from) + text.length];
  assert.deepEqual(a.literals.map((l) => [l.line, l.start, l.end, l.text, l.value]), [
    [...at(1, '0xffffffff80000000'), '0xffffffff80000000', 0xffffffff80000000n],
    [...at(3, '1024'), '1024', 1024n], [...at(3, '1024', 32), '1024', 1024n], [...at(3, '1024', 39), '1024', 1024n],
    [...at(5, '512'), '512', 512n], [...at(5, '1024'), '1024', 1024n], [...at(5, '1024', 38), '1024', 1024n],
    [...at(11, '39'), '39', 39n], [...at(11, '511'), '511', 511n],
  ]);
  assert.equal(a.literals[0].start, 31);
  assert.equal(a.literalAt(1, 35)?.value, 0xffffffff80000000n);
  assert.equal(a.literalAt(1, 49)?.text, '0xffffffff80000000'); // cursor just after the literal
  assert.equal(a.literalAt(9, 60), undefined); // inside a comment
});

test('definitions with name and body ranges, activity and conditions', () => {
  const a = analyzeText(C_SRC, { languageId: 'c', mode: m4, defines: { CONFIG_RANDOMIZE_BASE: true } });
  assert.deepEqual(a.definitions.map((d) => [d.name, d.kind, d.line, d.nameStart, d.nameEnd, d.activity, d.endLine]), [
    ['__START_KERNEL_map', 'define', 1, 8, 26, 'active', 1],
    ['KERNEL_IMAGE_SIZE', 'define', 3, 8, 25, 'active', 3],
    ['KERNEL_IMAGE_SIZE', 'define', 5, 8, 25, 'inactive', 5],
    ['MODULES_VADDR', 'define', 7, 8, 21, 'active', 8],
    ['pgd_slot', 'function-macro', 11, 8, 16, 'active', 11],
  ]);
  const mv = a.definitionsOf('MODULES_VADDR')[0];
  assert.deepEqual(mv.bodyStart, { line: 7, character: 23 });
  assert.deepEqual(mv.bodyEnd, { line: 8, character: 23 });
  assert.equal(mv.bodyText, '(__START_KERNEL_map + KERNEL_IMAGE_SIZE)');
  assert.deepEqual(a.definitionsOf('pgd_slot')[0].params, ['a']);
  assert.equal(a.definitionAt(7, 10)?.name, 'MODULES_VADDR');
  assert.equal(a.definitionAt(7, 30), undefined);
});

test('values at use sites and definition sites, with derivations', () => {
  const a = analyzeText(C_SRC, { languageId: 'c', mode: m4 });
  const use = a.deriveName('MODULES_VADDR');
  assert.deepEqual(use.alternatives.map((x) => [chainText(x), x.conditions.map(condText).join()]), [
    ['MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE = 0xffffffff80000000 + 0x40000000 = 0xffffffffc0000000', 'CONFIG_RANDOMIZE_BASE'],
    ['MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE = 0xffffffff80000000 + 0x20000000 = 0xffffffffa0000000', '!CONFIG_RANDOMIZE_BASE'],
  ]);
  // each definition of KERNEL_IMAGE_SIZE at its own site
  const [k1, k2] = a.definitionsOf('KERNEL_IMAGE_SIZE');
  assert.equal(a.deriveDefinition(k1).alternatives[0].u64, 0x40000000n);
  assert.deepEqual(a.deriveDefinition(k1).alternatives[0].conditions.map(condText), ['CONFIG_RANDOMIZE_BASE']);
  assert.equal(a.deriveDefinition(k2).alternatives[0].u64, 0x20000000n);
  // an inactive definition still has its value
  const b = analyzeText(C_SRC, { languageId: 'c', mode: m4, defines: { CONFIG_RANDOMIZE_BASE: true } });
  assert.equal(b.deriveDefinition(b.definitionsOf('KERNEL_IMAGE_SIZE')[1]).alternatives[0].u64, 0x20000000n);
  assert.equal(b.deriveName('MODULES_VADDR').alternatives.length, 1);
  assert.equal(a.evaluate('pgd_slot(MODULES_VADDR)').alternatives[0].u64, 511n);
  assert.equal(a.tokenAt(9, 28)?.token.text, 'MODULES_VADDR');
  assert.equal(a.isKnown('MODULES_VADDR'), true);
  assert.equal(a.isKnown('PGDIR_SHIFT'), true);
  assert.equal(a.isKnown('no_such_name'), false);
});

test('assembly files: .set/.equ/= symbols and #define from headers, values at use sites', () => {
  const src = '#include <asm/page_types.h>\n#define __PAGE_OFFSET _AC(0xffff888000000000, UL)\nL4_PAGE_OFFSET = pgd_index(__PAGE_OFFSET)\nL4_START_KERNEL = pgd_index(__START_KERNEL_map)\n.set KBASE, 0xffffffff80000000\n\tmovq\t$KBASE, %rax\n\t.quad\tL4_PAGE_OFFSET';
  const files: Record<string, string> = { '/inc/asm/page_types.h': '#define __START_KERNEL_map _AC(0xffffffff80000000, UL)\n#ifndef __ASSEMBLY__\n#define C_ONLY 1\n#endif' };
  const a = analyzeText(src, { file: '/src/head_64.S', includeDirs: ['/inc'], readFile: (p) => files[p], mode: m4 });
  assert.equal(a.family, 'gas');
  assert.deepEqual(a.definitions.map((d) => [d.name, d.kind]), [['__PAGE_OFFSET', 'define'], ['L4_PAGE_OFFSET', 'assign'], ['L4_START_KERNEL', 'assign'], ['KBASE', 'set']]);
  assert.equal(a.deriveName('L4_PAGE_OFFSET').alternatives[0].u64, 273n);
  assert.equal(a.deriveName('L4_START_KERNEL').alternatives[0].u64, 511n);
  assert.equal(chainText(a.deriveName('L4_PAGE_OFFSET').alternatives[0]), 'L4_PAGE_OFFSET = pgd_index(__PAGE_OFFSET) = 273');
  assert.equal(a.deriveName('C_ONLY').alternatives[0].u64, undefined); // __ASSEMBLY__ is defined in .S files
  assert.equal(a.tokenAt(5, 9)?.token.text, 'KBASE');
  assert.deepEqual(a.literals.map((l) => l.text), ['0xffff888000000000', '0xffffffff80000000']);
});

test('NASM and linker scripts', () => {
  const n = analyzeText('%define PAGE_OFFSET 0C0000000h\nKVIRT equ PAGE_OFFSET + 100000h ; base\n  mov eax, KVIRT', { languageId: 'nasm', mode: m4 });
  assert.equal(n.deriveName('KVIRT').alternatives[0].u64, 0xc0100000n);
  assert.deepEqual(n.literals.map((l) => l.value), [0xc0000000n, 0x100000n]);
  const l = analyzeText('MEMORY { ram (rwx) : ORIGIN = 0x80000000, LENGTH = 128K }\nSECTIONS {\n  . = 0xffffffff80000000 + 16M;\n  KEND = ORIGIN(ram) + LENGTH(ram);\n}', { file: 'kernel.ld', mode: m4 });
  assert.equal(l.family, 'ld');
  assert.deepEqual(l.definitions.map((d) => [d.name, d.kind]), [['ORIGIN(ram)', 'ld-origin'], ['LENGTH(ram)', 'ld-length'], ['.', 'ld-dot'], ['KEND', 'ld-assign']]);
  assert.equal(l.deriveDefinition(l.definitions[2]).alternatives[0].u64, 0xffffffff81000000n);
  assert.equal(l.deriveName('KEND').alternatives[0].u64, 0x80020000n);
});

test('incremental re-analysis reuses scans and cached values, and sees edits', () => {
  const az = new DocumentAnalyzer({ languageId: 'c', mode: m4 });
  const a1 = az.analyze(C_SRC);
  const v1 = a1.deriveName('MODULES_VADDR');
  const a2 = az.analyze(C_SRC.replace('static unsigned long x', 'static unsigned long y'));
  assert.equal(a2.scans[1], a1.scans[1]); // unchanged line: same scan object
  assert.notEqual(a2.scans[9], a1.scans[9]);
  assert.equal(a2.deriveName('MODULES_VADDR'), v1); // cache hit: no dependency changed
  const a3 = az.analyze(C_SRC.replace('0xffffffff80000000', '0xffffffff90000000'));
  const v3 = a3.deriveName('MODULES_VADDR');
  assert.notEqual(v3, v1);
  assert.equal(v3.alternatives[0].u64, 0xffffffffd0000000n);
  az.setOptions({ defines: { CONFIG_RANDOMIZE_BASE: false } });
  assert.equal(az.analyze(C_SRC).deriveName('MODULES_VADDR').alternatives[0].u64, 0xffffffffa0000000n);
});

test('hostile input is bounded and never throws', () => {
  const lines = ['#define A0 1'];
  for (let i = 1; i < 40; i++) lines.push(`#define A${i} (A${i - 1} + A${i - 1})`);
  lines.push('#define SELF SELF', '#define BROKEN (1 +', '#if', '#elif', '#include', '"unterminated', "'x", '/* open comment');
  const a = analyzeText(lines.join('\n'), { languageId: 'c', mode: m4 });
  assert.match(a.deriveName('A39').alternatives[0].error!, /too many steps/);
  assert.match(a.deriveName('SELF').alternatives[0].error!, /recursive macro SELF/);
  assert.match(a.deriveName('BROKEN').alternatives[0].error!, /cannot evaluate/);
  assert.ok(a.problems.length >= 1);
});

test('workspace index: extraction, add/remove, nearest definition first, used as a fallback', async () => {
  const { DefineIndex, extractDefines } = await import('../../src/engine/source/workspaceIndex');
  const c = extractDefines('#define A 1 /* c */\n  #  define F(x, y) ((x) + \\\n   (y))\nint a; // #define NOT 1\n#define B\t0x10 // c', 'c', 'a.h');
  assert.deepEqual(c.map((d) => [d.name, d.line, d.params ?? null, d.body]), [['A', 0, null, '1'], ['F', 1, ['x', 'y'], '((x) + (y))'], ['B', 4, null, '0x10']]);
  const g = extractDefines('.set KBASE, 0xffffffff80000000 # c\nL4 = pgd_index(X)\nlabel: .equ Y, 2\n\tmovq $1, %rax\n#define Z 3', 'gas', 'h.S');
  assert.deepEqual(g.map((d) => [d.name, d.kind, d.body]), [['KBASE', 'symbol', '0xffffffff80000000'], ['L4', 'symbol', 'pgd_index(X)'], ['Y', 'symbol', '2'], ['Z', 'define', '3']]);
  const n = extractDefines('%define PO 0C0000000h ; c\nKV equ PO + 1\n', 'nasm', 'b.asm');
  assert.deepEqual(n.map((d) => [d.name, d.body]), [['PO', '0C0000000h'], ['KV', 'PO + 1']]);
  const l = extractDefines('KERNEL_VMA = 0xffffffff80000000;\n  PROVIDE(end = .);\n', 'ld', 'k.ld');
  assert.deepEqual(l.map((d) => [d.name, d.body]), [['KERNEL_VMA', '0xffffffff80000000'], ['end', '.']]);

  const idx = new DefineIndex();
  assert.equal(idx.addFile('/ws/arch/x86/include/asm/pgtable_64_types.h', '#define PGDIR_SHIFT 39\n#define VMALLOC_START 0xffffc90000000000UL'), 2);
  idx.addFile('/ws/arch/x86/include/asm/pgtable-2level_types.h', '#define PGDIR_SHIFT 22');
  idx.addFile('/ws/include/linux/sizes.h', '#define SZ_CUSTOM 0x1234');
  assert.equal(idx.fileCount, 3);
  assert.equal(idx.defineCount, 4);
  assert.deepEqual(idx.lookup('PGDIR_SHIFT', '/ws/arch/x86/include/asm/pgtable-2level.h').map((d) => d.body), ['22', '39']);
  const near64 = idx.macroLookup('/ws/arch/x86/include/asm/pgtable_64.h')('PGDIR_SHIFT')!;
  assert.equal(near64[0].bodyText, '39');
  assert.match(near64[0].origin!.note!, /1 other file define it differently/);
  const a = analyzeText('#define MY_END (VMALLOC_START + SZ_CUSTOM)', { languageId: 'c', mode: m4, fallback: idx.macroLookup('/ws/drivers/x.c') });
  assert.equal(a.deriveName('MY_END').alternatives[0].u64, 0xffffc90000001234n);
  idx.removeFile('/ws/include/linux/sizes.h');
  assert.deepEqual(idx.lookup('SZ_CUSTOM'), []);
  assert.equal(idx.fileCount, 2);
  idx.addFile('/ws/arch/x86/include/asm/pgtable_64_types.h', '#define PGDIR_SHIFT 48');
  assert.deepEqual(idx.lookup('VMALLOC_START'), []);
  assert.deepEqual(idx.lookup('PGDIR_SHIFT').map((d) => d.body).sort(), ['22', '48']);
});

test('incremental re-analysis gives the same definitions and values as a fresh analysis', async () => {
  const { generateHeader } = await import('../../bench/analysis.bench');
  const base = generateHeader(600, 5).split('\n');
  const az = new DocumentAnalyzer({ languageId: 'c', mode: m4 });
  az.analyze(base.join('\n'));
  let seed = 3;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let r = 0; r < 60; r++) {
    const ln = rnd(base.length);
    const old = base[ln];
    const pos = rnd(Math.max(1, old.length));
    base[ln] = old.slice(0, pos) + '17'[rnd(2)] + old.slice(pos + 1);
    const text = base.join('\n');
    const inc = az.analyze(text);
    const fresh = analyzeText(text, { languageId: 'c', mode: m4 });
    const sig = (a: DocumentAnalysis) => [...a.pre.table].map(([k, v]) => `${k}=${v.map((d) => d.sig).join('|')}`).sort().join('\n');
    assert.equal(sig(inc), sig(fresh), `edit ${r} at line ${ln}`);
    assert.deepEqual(inc.definitions.map((d) => [d.name, d.line, d.activity, d.bodyText]), fresh.definitions.map((d) => [d.name, d.line, d.activity, d.bodyText]));
    const name = fresh.definitions[rnd(fresh.definitions.length)]?.name;
    if (name) assert.deepEqual(inc.deriveName(name).alternatives.map((x) => x.u64), fresh.deriveName(name).alternatives.map((x) => x.u64), name);
  }
});
