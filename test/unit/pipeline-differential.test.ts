// One source pipeline: the editor's line source (the document lexer, what hovers, inlay hints,
// diagnostics and map markers read) and the whole-tree one (`paging-layout check`: every directive
// found without lexing the other lines, definitions no rule reads made only when looked up) must give
// the same values, the same activity and the same findings, line by line: over every fixture and
// example, and over a real kernel tree (Debian's linux-source-6.1: arch/x86/include,
// arch/arm64/include, include/linux; scripts/kernel-tree.sh provides it, PAGING_LAYOUT_KERNEL_TREE
// points at another).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { findLayout, getMode, Layout, modeOf } from '../../src/engine/paging';
import { analyzeSparse, analyzeText, FileAnalysis, familyFor } from '../../src/engine/source';
import { checkAnalysis, checkText, collectValues, layoutAppliesToPath, RULE_NAME_Y, RuleValue, Finding } from '../../src/engine/rules';
import { analysisMarkers } from '../../src/engine/map';

const REPO = path.resolve(__dirname, '../../..');
const SOURCE = /\.(?:c|h|S|s|asm|inc|ld|lds)$/;
const L4 = findLayout('linux-x86_64-4level')!;
const L5 = findLayout('linux-x86_64-5level')!;
const ARM = findLayout('linux-arm64-4k-48bit')!;

const familyOfPath = (file: string) => (/\.lds(\.S)?$|\.ld$/.test(file) ? 'ld' : familyFor(undefined, file) ?? 'c');

function valueKey(v: RuleValue): string {
  return `${v.range.line}:${v.range.character} ${v.name ?? '#'} =${v.value ?? '?'}${v.inactive ? ' inactive' : ''}${v.conds ? ' if ' + v.conds.join('&') : ''}` +
    `${v.literal ? ' lit ' + v.literal.text : ''}${v.registerField ? ' field' : ''}${v.growsDown ? ' down' : ''}${v.depth ? ' L' + v.depth : ''}`;
}
const findingKey = (f: Finding) => `${f.range.line}:${f.range.character} ${f.code} ${f.message}`;

/** The two paths over one text: their values, the activity of the definitions both list, and findings. */
function compare(text: string, file: string, layout: Layout): string[] {
  const family = familyOfPath(file);
  const mode = modeOf(layout);
  const editor = analyzeText(text, { file, family, mode });
  const tree: FileAnalysis = analyzeSparse(text, { file, family, mode, keepDefinition: RULE_NAME_Y });
  const out: string[] = [];
  const diff = (what: string, a: string[], b: string[]) => {
    const sa = new Set(a), sb = new Set(b);
    for (const x of a) if (!sb.has(x)) out.push(`${file}: ${what} only in the editor's analysis: ${x}`);
    for (const x of b) if (!sa.has(x)) out.push(`${file}: ${what} only in the whole-tree analysis: ${x}`);
  };
  diff('value', collectValues(editor).values.map(valueKey), collectValues(tree).values.map(valueKey));
  // every definition the whole-tree walk made has the editor's activity and conditions on its line
  const act = (a: FileAnalysis, keep: (line: number) => boolean) => a.pre.definitions.filter((d) => keep(d.line)).map((d) => `${d.line} ${d.name} ${d.activity} ${d.conditions.map((c) => (c.negated ? '!' : '') + c.text).join('&')}`);
  const treeLines = new Set(tree.pre.definitions.map((d) => d.line));
  diff('definition', act(editor, (l) => treeLines.has(l)), act(tree, () => true));
  const applies = layoutAppliesToPath(file, layout);
  diff('finding', checkAnalysis(editor, { layout }).map(findingKey), checkText(text, file, { layout, family, fast: true, layoutApplies: applies }).map(findingKey));
  return out;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && SOURCE.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function differential(files: string[], layouts: Layout[]): { compared: number; mismatches: string[] } {
  const mismatches: string[] = [];
  let compared = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'latin1');
    if (text.includes('\0')) continue;
    for (const l of layouts) { mismatches.push(...compare(text, f, l)); compared++; }
  }
  return { compared, mismatches };
}

// ---- the three disagreements the one pipeline removed ------------------------------------------------

test('an #if the layout decides is judged once: no PL001 in a branch the hover shows as inactive', () => {
  const text = [
    '#if defined(CONFIG_X86_64) && CONFIG_PGTABLE_LEVELS == 5',
    '#define A_START 0xff11000000000000UL',
    '#endif',
    '#define B_START 0xff11000000000000UL',
    '',
  ].join('\n');
  const editor = analyzeText(text, { file: 'a.h', family: 'c', mode: modeOf(L4) });
  assert.equal(editor.definitionsOf('A_START')[0].activity, 'inactive');
  const lines = (f: Finding[]) => f.filter((x) => x.code === 'PL001').map((x) => x.range.line);
  assert.deepEqual(lines(checkAnalysis(editor, { layout: L4 })), [3], 'the editor: only the unconditional one');
  assert.deepEqual(lines(checkText(text, 'a.h', { layout: L4, family: 'c', fast: true })), [3], 'paging-layout check: the same');
  // Under 5-level paging the branch is active, and the address is canonical there.
  assert.deepEqual(lines(checkText(text, 'a.h', { layout: L5, family: 'c', fast: true })), []);
  assert.deepEqual(compare(text, 'a.h', L4), []);
});

test('a #define the hover evaluates is a map marker with the same value, also through an include', () => {
  const header = ['#define VMEMMAP_START\t_AC(0xffffea0000000000, UL)', '#define PGDIR_SHIFT\t39', ''].join('\n');
  const text = ['#include "vm.h"', '#define X_START\t(VMEMMAP_START + (1UL << PGDIR_SHIFT))', ''].join('\n');
  const readFile = (p: string) => (p === '/src/vm.h' ? header : undefined);
  const a = analyzeText(text, { file: '/src/x.h', family: 'c', mode: modeOf(L4), readFile });
  const hover = a.deriveDefinition(a.definitionsOf('X_START')[0]).alternatives.map((x) => x.value);
  assert.deepEqual(hover, [0xffffea8000000000n]);
  const m = analysisMarkers(a, '/src/x.h').find((x) => x.name === 'X_START');
  assert.equal(m?.value, 0xffffea8000000000n);
});

test('one language family per file: boot.S under asm-intel-x86-generic is GNU as for every consumer; .asm is NASM', () => {
  assert.equal(familyFor('asm-intel-x86-generic', '/k/arch/x86/boot/boot.S'), 'gas');
  assert.equal(familyFor('asm-intel-x86-generic', '/k/boot/loader.asm'), 'nasm');
  assert.equal(familyFor(undefined, '/k/arch/x86/boot/boot.S'), 'gas');
  // `#` starts a comment in x86 GNU as and nothing in NASM: the two readings differ on this file.
  const text = ['\t.set DIRECT_BASE, 0xfff8880000000000 # one shuffled digit', '\tmovabsq $0xfff8880000000000, %rdx', ''].join('\n');
  const editor = analyzeText(text, { file: 'boot.S', languageId: 'asm-intel-x86-generic', mode: modeOf(L4) });
  assert.equal(editor.family, 'gas');
  assert.deepEqual(compare(text, 'boot.S', L4), []);
  assert.ok(checkAnalysis(editor, { layout: L4 }).some((f) => f.code === 'PL001' && f.range.line === 0));
});

// ---- the differential over every fixture and example -------------------------------------------------

test('editor and whole-tree analyses agree on every fixture and example (values, activity, findings per line)', () => {
  const files = [...sources(path.join(REPO, 'test/fixtures')), ...sources(path.join(REPO, 'examples'))];
  const { compared, mismatches } = differential(files, [L4, L5, ARM]);
  assert.ok(compared >= 60, `compared ${compared}`);
  assert.deepEqual(mismatches.slice(0, 20), []);
});

// ---- and over a real kernel tree -----------------------------------------------------------------------

function kernelTree(): string {
  const given = process.env.PAGING_LAYOUT_KERNEL_TREE;
  const tree = given ?? path.join(process.env.PAGING_LAYOUT_CACHE ?? '/var/cache/paging-layout', 'linux-source-6.1');
  assert.ok(fs.existsSync(path.join(tree, 'Makefile')), `no Linux tree at ${tree}: run scripts/kernel-tree.sh (npm test does) or set PAGING_LAYOUT_KERNEL_TREE`);
  return tree;
}

test('editor and whole-tree analyses agree on Linux 6.1 arch/x86/include, arch/arm64/include and include/linux', () => {
  const tree = kernelTree();
  const x86 = differential(sources(path.join(tree, 'arch/x86/include')), [L4, L5]);
  const arm = differential(sources(path.join(tree, 'arch/arm64/include')), [ARM]);
  const inc = differential(sources(path.join(tree, 'include/linux')), [L4, ARM]);
  const compared = x86.compared + arm.compared + inc.compared;
  assert.ok(compared > 5000, `compared ${compared}`);
  assert.deepEqual([...x86.mismatches, ...arm.mismatches, ...inc.mismatches].slice(0, 20), []);
  void getMode;
});
