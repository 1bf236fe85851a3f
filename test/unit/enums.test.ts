// The enum and typedef scanner: enumerators with their #if conditions and implicit values, include
// guards, `enum X` used as a type, typedef forms; definitions per predecessor; a judge; large enums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanDeclarations, declarationDefs, withDeclarations, evaluateExpression, condText, enumeratorNames, includeSites } from '../../src/engine/source';

const TEXT = `/* own fixture */
#ifndef SLOTS_H
#define SLOTS_H
#ifndef __ASSEMBLY__
enum fixed_slots {
	SLOT_HOLE,		/* a comment, enum { NOT_ME } */
#ifdef CONFIG_FEATURE_A
	SLOT_A,
#else
	SLOT_NOT_A,
#endif
#if defined(CONFIG_FEATURE_B) && CONFIG_LEVELS > 4
	SLOT_B __attribute__((unused)),
#endif
	SLOT_LAST = (SLOT_HOLE + 0x10),
	__end_of_slots
};
void set_slot(enum fixed_slots idx, unsigned long v);
typedef unsigned long __attribute__((aligned(8))) slotval_t;
typedef struct { slotval_t v; } slot_t;
typedef int (*slot_fn)(int);
typedef char slot_name[16];
typedef enum fixed_slots slot_index_t;
#endif
#endif
`;

test('enumerators with their conditions (the include guard is none), values as written', () => {
  const d = scanDeclarations(TEXT);
  assert.equal(d.enums.length, 1);
  const e = d.enums[0];
  assert.equal(e.name, 'fixed_slots');
  assert.deepEqual(e.enumerators.map((x) => [x.name, x.conditions.map(condText), x.value?.map((t) => t.text).join(' ')]), [
    ['SLOT_HOLE', ['!__ASSEMBLY__'], undefined],
    ['SLOT_A', ['!__ASSEMBLY__', 'CONFIG_FEATURE_A'], undefined],
    ['SLOT_NOT_A', ['!__ASSEMBLY__', '!CONFIG_FEATURE_A'], undefined],
    ['SLOT_B', ['!__ASSEMBLY__', 'defined(CONFIG_FEATURE_B) && CONFIG_LEVELS > 4'], undefined],
    ['SLOT_LAST', ['!__ASSEMBLY__'], '( SLOT_HOLE + 0x10 )'],
    ['__end_of_slots', ['!__ASSEMBLY__'], undefined],
  ].map(([n, c, v]) => [n, c, v]));
  assert.equal(e.enumerators[0].line, 5);
  assert.deepEqual(d.typedefs.map((t) => [t.name, t.type.map((x) => x.text).join(' ')]), [
    ['slotval_t', 'unsigned long'], ['slot_t', 'struct'], ['slot_index_t', 'enum fixed_slots'],
  ]);
  assert.deepEqual(enumeratorNames(TEXT), ['SLOT_HOLE', 'SLOT_A', 'SLOT_NOT_A', 'SLOT_B', 'SLOT_LAST', '__end_of_slots']);
  assert.deepEqual(scanDeclarations('#define X 1\n'), { enums: [], typedefs: [], constants: [], externs: [] });
});

test('implicit values: one candidate per possible predecessor, each with its conditions', () => {
  const defs = declarationDefs(scanDeclarations(TEXT), { judge: (a) => (a.text === '__ASSEMBLY__' ? a.negated : undefined) });
  assert.deepEqual(defs.get('SLOT_HOLE')!.map((d) => [d.bodyText, d.conditions.map(condText)]), [['0', []]]);
  assert.deepEqual(defs.get('SLOT_NOT_A')!.map((d) => [d.bodyText, d.conditions.map(condText)]), [['SLOT_HOLE + 1', ['!CONFIG_FEATURE_A']]]);
  // SLOT_B follows SLOT_A or SLOT_NOT_A (exactly one of them is there)
  assert.deepEqual(defs.get('SLOT_B')!.map((d) => [d.bodyText, d.conditions.map(condText)]), [
    ['SLOT_NOT_A + 1', ['defined(CONFIG_FEATURE_B) && CONFIG_LEVELS > 4', '!CONFIG_FEATURE_A']],
    ['SLOT_A + 1', ['defined(CONFIG_FEATURE_B) && CONFIG_LEVELS > 4', 'CONFIG_FEATURE_A']],
  ]);
  assert.equal(defs.get('__end_of_slots')!.length, 1);
  assert.equal(defs.get('slotval_t')![0].kind, 'typedef');
  const lookup = withDeclarations(() => undefined, [{ file: '/s.h', text: TEXT }], (a) => (a.text === '__ASSEMBLY__' ? a.negated : undefined));
  assert.equal(evaluateExpression('__end_of_slots', { lookup }).alternatives[0].u64, 17n);
  assert.deepEqual(evaluateExpression('SLOT_B', { lookup }).alternatives.map((a) => [a.u64, a.conditions.map(condText)]), [
    [2n, ['defined(CONFIG_FEATURE_B) && CONFIG_LEVELS > 4', '!CONFIG_FEATURE_A']],
    [2n, ['defined(CONFIG_FEATURE_B) && CONFIG_LEVELS > 4', 'CONFIG_FEATURE_A']],
  ]);
  assert.equal(evaluateExpression('sizeof(slotval_t) + sizeof(slot_index_t)', { lookup }).alternatives[0].u64, 12n);
});

test('a judge that knows the configuration leaves one definition per enumerator', () => {
  const known: Record<string, boolean> = { __ASSEMBLY__: false, CONFIG_FEATURE_A: true, 'defined(CONFIG_FEATURE_B) && CONFIG_LEVELS > 4': true };
  const defs = declarationDefs(scanDeclarations(TEXT), { judge: (a) => known[a.text] !== a.negated, file: '/s.h' });
  assert.equal(defs.has('SLOT_NOT_A'), false);
  assert.deepEqual(defs.get('SLOT_B')!.map((d) => [d.bodyText, d.conditions.length, d.origin?.file, d.origin?.line]), [['SLOT_A + 1', 0, '/s.h', 12]]);
});

test('a large enum is evaluated without recursion, in linear time', () => {
  const n = 20000;
  const text = `enum big {\n${Array.from({ length: n }, (_, i) => `\tE_${i},`).join('\n')}\n\tE_END\n};\n`;
  const t0 = Date.now();
  const lookup = withDeclarations(() => undefined, [{ file: '/big.h', text }]);
  const r = evaluateExpression('E_END', { lookup, maxSteps: 200_000 }).alternatives[0];
  assert.equal(r.u64, BigInt(n));
  assert.ok(Date.now() - t0 < 5000, `${Date.now() - t0} ms`);
});

test('hostile input never throws: unterminated enums, stray braces, deep #if', () => {
  for (const t of ['enum {', 'enum x { A = (1, B', '}}} enum { A, B } ;; typedef', '#if 1\n'.repeat(500) + 'enum { Z };', 'typedef ;', 'enum { = 3, , A }']) {
    const d = scanDeclarations(t);
    declarationDefs(d);
  }
  assert.deepEqual(scanDeclarations('enum { = 3, , A }').enums[0].enumerators.map((e) => e.name), ['A']);
});

test('include sites with their conditions (for which headers a configuration reads)', () => {
  const t = '#ifndef G_H\n#define G_H\n#include <linux/const.h>\n#ifdef CONFIG_X86_32\n# include <asm/pgtable_32_types.h>\n#elif defined(CONFIG_PAE)\n#include "pae.h"\n#else\n  #  include <asm/pgtable_64_types.h>\n#endif\n#endif\n';
  assert.deepEqual(includeSites(t).map((s) => [s.target, s.system, s.line, s.conditions.map(condText)]), [
    ['linux/const.h', true, 2, []],
    ['asm/pgtable_32_types.h', true, 4, ['CONFIG_X86_32']],
    ['pae.h', false, 6, ['!CONFIG_X86_32', 'CONFIG_PAE']],
    ['asm/pgtable_64_types.h', true, 8, ['!CONFIG_X86_32', '!CONFIG_PAE']],
  ]);
  assert.deepEqual(includeSites('int x;'), []);
});

test('file-scope constants gcc folds, and the variables and functions a file declares (values of the running kernel)', () => {
  const t = '#ifdef CONFIG_CC\nextern unsigned long long cc_bits;\n#else\nstatic const unsigned long long cc_bits = 0x10;\n#endif\nextern bool use_ng;\nstatic inline int feature_on(int f) { return f; }\nint not_a_decl = 3;\nstatic const int *ptr = 0;\n';
  const d = scanDeclarations(t);
  assert.deepEqual(d.constants.map((c) => [c.name, c.type.map((x) => x.text).join(' '), c.value.map((x) => x.text).join(' '), c.conditions.map(condText)]), [['cc_bits', 'unsigned long long', '0x10', ['!CONFIG_CC']]]);
  assert.deepEqual(d.externs.map((x) => [x.name, x.function, x.conditions.map(condText)]), [['cc_bits', false, ['CONFIG_CC']], ['use_ng', false, []], ['feature_on', true, []]]);
  const lookup = withDeclarations(() => undefined, [{ file: '/cc.h', text: t }], (a) => (a.text === 'CONFIG_CC' ? a.negated : undefined));
  const v = evaluateExpression('~cc_bits', { lookup }).alternatives[0];
  assert.equal(v.u64, 0xffffffffffffffefn);
  assert.equal(v.type?.name, 'unsigned long long');
  assert.equal(evaluateExpression('use_ng ? 1 : 2', { lookup }).alternatives[0].error, 'cannot evaluate: runtime variable use_ng');
  assert.equal(evaluateExpression('feature_on(3)', { lookup }).alternatives[0].error, 'cannot evaluate: runtime variable feature_on()');
});

test('a function after a typedef is still a declaration (the typedef\'s ; ends a statement)', () => {
  const t = 'typedef struct { unsigned long v; } pud_t;\nstatic inline unsigned long page_mask_bits(void)\n{\n\treturn 0;\n}\n';
  assert.deepEqual(scanDeclarations(t).externs.map((x) => [x.name, x.function]), [['page_mask_bits', true]]);
});
