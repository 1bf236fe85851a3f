// Preprocessing: conditional structure, evaluation against defines and the paging mode, unknown
// conditions (both branches, with their conditions), includes (relative, -I, missing, cycles), symbols.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocessText, parseDefineArgs, normalizeDefines, includeCandidates, PreprocessOptions } from '../../src/engine/source';
import { condText, evaluateExpression } from '../../src/engine/source/evaluate';
import { getMode } from '../../src/engine/paging/modes';

const m4 = getMode('x86_64-4level')!;
const m5 = getMode('x86_64-5level')!;
const pp = (text: string, o: Partial<PreprocessOptions> = {}) => preprocessText(text, { family: 'c', mode: m4, ...o });
const conds = (r: ReturnType<typeof pp>, name: string) => (r.table.get(name) ?? []).map((d) => `${d.bodyText}${d.conditions.length ? ' if ' + d.conditions.map(condText).join(' && ') : ''}`);
const value = (r: ReturnType<typeof pp>, e: string, mode = m4) => evaluateExpression(e, { lookup: r.lookup, mode }).alternatives.map((a) => [a.u64, a.conditions.map(condText).join(' && ')]);

test('#ifdef/#else with a user define and without', () => {
  const src = '#ifdef CONFIG_RANDOMIZE_BASE\n#define K (1024 * 1024 * 1024)\n#else\n#define K (512 * 1024 * 1024)\n#endif';
  assert.deepEqual(conds(pp(src, { defines: { CONFIG_RANDOMIZE_BASE: true } }), 'K'), ['(1024 * 1024 * 1024)']);
  assert.deepEqual(conds(pp(src, { defines: { CONFIG_RANDOMIZE_BASE: 'y' } }), 'K'), ['(1024 * 1024 * 1024)']);
  assert.deepEqual(conds(pp(src, { defines: { CONFIG_RANDOMIZE_BASE: false } }), 'K'), ['(512 * 1024 * 1024)']);
  assert.deepEqual(conds(pp(src, { defines: { CONFIG_RANDOMIZE_BASE: 'n' } }), 'K'), ['(512 * 1024 * 1024)']);
  // unknown: both branches, each with the condition it depends on
  const r = pp(src);
  assert.deepEqual(conds(r, 'K'), ['(1024 * 1024 * 1024) if CONFIG_RANDOMIZE_BASE', '(512 * 1024 * 1024) if !CONFIG_RANDOMIZE_BASE']);
  assert.deepEqual(value(r, 'K'), [[0x40000000n, 'CONFIG_RANDOMIZE_BASE'], [0x20000000n, '!CONFIG_RANDOMIZE_BASE']]);
  assert.deepEqual(r.branches.map((b) => [b.startLine, b.endLine, b.activity, b.text]), [[0, 2, 'conditional', 'CONFIG_RANDOMIZE_BASE'], [2, 4, 'conditional', 'else']]);
  assert.deepEqual(r.definitions.map((d) => d.activity), ['conditional', 'conditional']);
});

test('#ifndef, #if defined(), #if !defined, #elif chains, nested conditions', () => {
  const src = [
    '#ifndef CONFIG_KMSAN', '#define A 1', '#else', '#define A 2', '#endif',
    '#if defined(CONFIG_X) && CONFIG_Y > 2', '#define B 1', '#elif CONFIG_Z', '#define B 2', '#else', '#define B 3', '#endif',
    '#ifdef CONFIG_OUTER', '# ifdef CONFIG_INNER', '#  define C 1', '# endif', '#endif',
  ].join('\n');
  const r = pp(src, { defines: { CONFIG_X: true, CONFIG_Y: '3' } });
  assert.deepEqual(conds(r, 'A'), ['1 if !CONFIG_KMSAN', '2 if CONFIG_KMSAN']);
  assert.deepEqual(conds(r, 'B'), ['1']);
  const r2 = pp(src, { defines: { CONFIG_X: false } });
  assert.deepEqual(conds(r2, 'B'), ['2 if CONFIG_Z', '3 if !CONFIG_Z']);
  const r3 = pp(src, { defines: { CONFIG_X: false, CONFIG_Z: 0 } });
  assert.deepEqual(conds(r3, 'B'), ['3']);
  const r4 = pp(src);
  assert.deepEqual(conds(r4, 'B'), [
    '1 if defined(CONFIG_X) && CONFIG_Y > 2',
    '2 if !(defined(CONFIG_X) && CONFIG_Y > 2) && CONFIG_Z',
    '3 if !(defined(CONFIG_X) && CONFIG_Y > 2) && !CONFIG_Z',
  ]);
  assert.deepEqual(conds(r4, 'C'), ['1 if CONFIG_OUTER && CONFIG_INNER']);
  assert.deepEqual(conds(pp(src, { defines: { CONFIG_OUTER: null } }), 'C'), []);
});

test('known conditions: the paging mode decides CONFIG_X86_5LEVEL, CONFIG_X86_32, __ASSEMBLY__', () => {
  const src = '#ifdef CONFIG_X86_5LEVEL\n#define S pgdir_shift\n#else\n#define S 39\n#endif\n#ifdef CONFIG_X86_32\n#define W 32\n#else\n#define W 64\n#endif\n#ifdef __ASSEMBLY__\n#define ASM 1\n#else\n#define ASM 0\n#endif';
  assert.deepEqual(conds(pp(src, { mode: m4 }), 'S'), ['39']);
  assert.deepEqual(conds(pp(src, { mode: m5 }), 'S'), ['pgdir_shift']);
  assert.deepEqual(value(pp(src, { mode: m5 }), 'S', m5), [[48n, '']]);
  assert.deepEqual(conds(pp(src, { mode: getMode('x86_32')! }), 'W'), ['32']);
  assert.deepEqual(conds(pp(src), 'W'), ['64']);
  assert.deepEqual(conds(pp(src), 'ASM'), ['0']);
  assert.deepEqual(conds(pp(src, { family: 'gas' }), 'ASM'), ['1']);
  // the user overrides the mode
  assert.deepEqual(conds(pp(src, { mode: m4, defines: { CONFIG_X86_5LEVEL: true } }), 'S'), ['pgdir_shift']);
  // include guards are not CONFIG_ names: not defined means not defined
  assert.deepEqual(conds(pp('#ifndef _ASM_H\n#define _ASM_H\n#define G 1\n#endif'), 'G'), ['1']);
});

test('#if expressions: arithmetic, IS_ENABLED, comparisons with macros, unknown operands', () => {
  const src = '#define LEVELS 5\n#if LEVELS > 4\n#define P 1\n#endif\n#if IS_ENABLED(CONFIG_FOO)\n#define Q 1\n#else\n#define Q 0\n#endif\n#if (CONFIG_PHYSICAL_START % 0x200000) != 0\n#error "bad"\n#endif\n#if 0\n#define DEAD 1\n#endif\n#if 1 / 0\n#define DIV 1\n#endif';
  const r = pp(src, { defines: { CONFIG_FOO: 'm' } });
  assert.deepEqual(conds(r, 'P'), ['1']);
  assert.deepEqual(conds(r, 'Q'), ['1']);
  assert.deepEqual(conds(pp(src, { defines: { CONFIG_FOO: 'n' } }), 'Q'), ['0']);
  assert.deepEqual(conds(pp(src), 'Q'), ['1 if IS_ENABLED(CONFIG_FOO)', '0 if !(IS_ENABLED(CONFIG_FOO))']);
  assert.deepEqual(conds(r, 'DEAD'), []);
  assert.equal(r.definitions.find((d) => d.def.name === 'DEAD')!.activity, 'inactive');
  assert.deepEqual(conds(r, 'DIV'), ['1 if 1 / 0']); // an error makes the condition unknown, never a crash
  assert.equal(r.branches.find((b) => b.text.startsWith('(CONFIG_PHYSICAL_START'))!.activity, 'conditional');
});

test('#undef, redefinition, and an unconditional value overridden under a condition', () => {
  const r = pp('#define A 1\n#undef A\n#define B 1\n#define B 2\n#define C 1\n#ifdef CONFIG_X\n#define C 2\n#endif');
  assert.deepEqual(r.table.get('A'), []);
  assert.equal(evaluateExpression('A', { lookup: r.lookup }).alternatives[0].error, 'cannot evaluate: undefined name A');
  assert.deepEqual(conds(r, 'B'), ['2']);
  assert.deepEqual(conds(r, 'C'), ['1 if !CONFIG_X', '2 if CONFIG_X']);
});

test('structure problems are reported, not thrown', () => {
  const r = pp('#endif\n#else\n#if 1\n#define X 1');
  assert.deepEqual(r.problems.map((p) => p.message), ['#endif without #if', '#else without #if', 'unterminated conditional (missing #endif)']);
  assert.deepEqual(conds(r, 'X'), ['1']);
  assert.match(pp('#define BAD(a,\n').problems[0]?.message ?? 'malformed', /malformed/);
});

test('includes: relative, include dirs, missing files, cycles, conditions carried into included files', () => {
  const files: Record<string, string> = {
    '/src/main.c': '',
    '/src/local.h': '#define LOCAL 1\n#include "sub/inner.h"',
    '/src/sub/inner.h': '#define INNER (LOCAL + 1)',
    '/inc/asm/page.h': '#include <asm/page.h>\n#define PAGE_THING 0x1000\n#include "cycle_b.h"',
    '/inc/asm/cycle_b.h': '#include "page.h"\n#define B_THING 2',
    '/inc/asm/cond.h': '#define COND_THING 7',
  };
  const readFile = (p: string) => files[p];
  const r = pp('#include "local.h"\n#include <asm/page.h>\n#include <missing.h>\n#include "nope.h"\n#ifdef CONFIG_X\n#include <asm/cond.h>\n#endif\n#include FOO', { file: '/src/main.c', includeDirs: ['/inc'], readFile });
  assert.equal(evaluateExpression('INNER + PAGE_THING + B_THING', { lookup: r.lookup }).alternatives[0].u64, 0x1004n);
  assert.deepEqual(r.includes.map((i) => [i.target, i.resolved ?? null, i.error ?? null]), [
    ['local.h', '/src/local.h', null],
    ['asm/page.h', '/inc/asm/page.h', null],
    ['missing.h', null, 'missing.h not found'],
    ['nope.h', null, 'nope.h not found'],
    ['asm/cond.h', '/inc/asm/cond.h', null],
    ['FOO', null, 'include target is not a "file" or <file> name'],
  ]);
  assert.deepEqual(conds(r, 'COND_THING'), ['7 if CONFIG_X']);
  // the cycle stops (page.h -> cycle_b.h -> page.h) without hanging
  const self = pp('#include "self.h"', { file: '/x/main.c', readFile: (p) => (p === '/x/self.h' ? '#include "self.h"\n#define SELF 1' : undefined) });
  assert.deepEqual(conds(self, 'SELF'), ['1']);
  // depth limit
  const deep = pp('#include "d0.h"', { file: '/d/m.c', maxIncludeDepth: 5, readFile: (p) => { const m = /\/d\/d(\d+)\.h$/.exec(p); return m ? `#include "d${+m[1] + 1}.h"\n#define D${m[1]} 1` : undefined; } });
  assert.ok(deep.table.has('D4') && !deep.table.has('D6'));
  assert.deepEqual(includeCandidates('a.h', false, '/x/y/z.c', ['/i', '/j/']), ['/x/y/a.h', '/i/a.h', '/j/a.h']);
  assert.deepEqual(includeCandidates('../a.h', false, '/x/y/z.c', []), ['/x/a.h']);
  assert.deepEqual(includeCandidates('a.h', true, '/x/y/z.c', ['/i']), ['/i/a.h']);
});

test('assembly and linker-script definitions', () => {
  const gas = pp('#include <x.h>\n.set KERNEL_BASE, 0xffffffff80000000\n.equ SIZE, 0x1000 ; .equiv OTHER, SIZE * 2\nL4_PAGE_OFFSET = pgd_index(__PAGE_OFFSET)\nlabel: NEXT = KERNEL_BASE + SIZE\n#define __PAGE_OFFSET 0xffff888000000000\n\tmovq $KERNEL_BASE, %rax', { family: 'gas' });
  assert.deepEqual(gas.definitions.map((d) => [d.def.name, d.directive.symKind ?? d.directive.kind]), [
    ['KERNEL_BASE', 'set'], ['SIZE', 'set'], ['OTHER', 'set'], ['L4_PAGE_OFFSET', 'assign'], ['NEXT', 'assign'], ['__PAGE_OFFSET', 'define'],
  ]);
  const v = (e: string, r = gas, dialect: 'gas' | 'nasm' | 'ld' = 'gas') => evaluateExpression(e, { lookup: r.lookup, dialect }).alternatives[0].u64;
  assert.equal(v('L4_PAGE_OFFSET'), 273n);
  assert.equal(v('NEXT'), 0xffffffff80001000n);
  assert.equal(v('OTHER'), 0x2000n);
  const nasm = pp('%define PAGE_OFFSET 0xC0000000\nKERNEL_VIRT equ PAGE_OFFSET + 0x100000\n%assign N 4\nLBL: equ 0FFh\n%ifdef CONFIG_X\n%define Y 1\n%else\n%define Y 2\n%endif', { family: 'nasm' });
  assert.equal(v('KERNEL_VIRT', nasm, 'nasm'), 0xc0100000n);
  assert.equal(v('N', nasm, 'nasm'), 4n);
  assert.equal(v('LBL', nasm, 'nasm'), 0xffn);
  assert.deepEqual(conds(nasm, 'Y'), ['1 if CONFIG_X', '2 if !CONFIG_X']);
  const ld = pp('MEMORY {\n  ram (rwx) : ORIGIN = 0x80000000, LENGTH = 64M\n}\nKERNEL_VMA = 0xffffffff80000000;\nSECTIONS {\n  . = KERNEL_VMA + 0x1000000;\n  PROVIDE(__end_ram = ORIGIN(ram) + LENGTH(ram));\n  .text : { *(.text) }\n  _etext_sym =\n    . ;\n}', { family: 'ld' });
  assert.deepEqual(ld.definitions.map((d) => [d.def.name, d.directive.symKind, d.nameTok.line]), [
    ['ORIGIN(ram)', 'ld-origin', 1], ['LENGTH(ram)', 'ld-length', 1], ['KERNEL_VMA', 'ld-assign', 3], ['.', 'ld-dot', 5], ['__end_ram', 'ld-assign', 6], ['_etext_sym', 'ld-assign', 8],
  ]);
  assert.equal(v('__end_ram', ld, 'ld'), 0x84000000n);
  assert.equal(v('KERNEL_VMA + 16M', ld, 'ld'), 0xffffffff81000000n);
  assert.equal(ld.table.has('.'), false);
});

test('define settings: -D parsing and normalisation', () => {
  assert.deepEqual(parseDefineArgs(['CONFIG_X86_5LEVEL', 'CONFIG_PAGE_OFFSET=0xC0000000', 'EMPTY=']), { CONFIG_X86_5LEVEL: true, CONFIG_PAGE_OFFSET: '0xC0000000', EMPTY: '' });
  assert.deepEqual([...normalizeDefines({ A: true, B: false, C: 'y', D: 'n', E: 'm', F: 5, G: null, 'bad name': 1 })], [
    ['A', '1'], ['B', null], ['C', '1'], ['D', null], ['E', null], ['E_MODULE', '1'], ['F', '5'], ['G', null],
  ]);
});

test('conditions never consult the fallback (workspace index): include guards and #ifdef stay local', () => {
  const files: Record<string, string> = { '/inc/guarded.h': '#ifndef _GUARDED_H\n#define _GUARDED_H\n#ifdef CONFIG_X86_5LEVEL\n#define PO 5\n#else\n#define PO 4\n#endif\n#endif' };
  // the index knows the guard and a CONFIG_ name as defined elsewhere
  const fallback = (n: string) => (n === '_GUARDED_H' || n === 'CONFIG_X86_5LEVEL' ? [{ name: n, body: [], bodyText: '', conditions: [], kind: 'macro' as const, sig: n }] : undefined);
  const r = pp('#include "guarded.h"', { file: '/inc/main.c', readFile: (p) => files[p], fallback });
  assert.deepEqual(conds(r, 'PO'), ['4']);
});
