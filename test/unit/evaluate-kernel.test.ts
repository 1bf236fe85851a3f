// The constant forms of kernel layout headers (a fixture written for these tests): typedef casts,
// enums with #if and implicit values, __typeof__, statement expressions, the compiler's bit built-ins
// behind ilog2-style macros, the GENMASK check, base-type sizes per data model. gcc is the judge: each
// value is compared with the one gcc computes for the same expression in a compiled unit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { analyzeText, evaluateExpression, EvalOptions, withDeclarations, judgeAtom, condText, deriveName, chainText, MacroLookup, tokenize, parseDefine } from '../../src/engine/source';
import { getMode } from '../../src/engine/paging';

const FORMS = path.resolve(__dirname, '../../../test/fixtures/kbuild/forms/forms.h');
const hasGcc = spawnSync('gcc', ['--version']).status === 0;

/**
 * gcc's value of each expression (as unsigned long long) after including forms.h, or gcc's error: a
 * program compiled with gcc prints the values (statement expressions need a function around them).
 */
function gccValues(exprs: string[], defines: string[] = [], extra = ''): Map<string, bigint | string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-forms-'));
  const unit = path.join(dir, 'unit.c');
  const exe = path.join(dir, 'unit');
  // The non-constant paths of the macros call these: a value of ~0 would show that gcc took one.
  const slow = 'int log2_of_u32(unsigned int x) { return -1; } int log2_of_u64(unsigned long long x) { return -1; }\n' +
    'unsigned long p2_roundup_slow(unsigned long x) { return -1; } int order_of_slow(unsigned long x) { return -1; }';
  const body = exprs.map((e) => `  printf("%llu\\n", (unsigned long long)(${e}));`).join('\n');
  fs.writeFileSync(unit, `#include <stdio.h>\n#include "${FORMS}"\n${slow}\n${extra}\nint main(void) {\n${body}\n  return 0;\n}\n`);
  const r = spawnSync('gcc', ['-O2', '-w', '-o', exe, ...defines.map((d) => '-D' + d), unit], { encoding: 'utf8' });
  const out = new Map<string, bigint | string>();
  if (r.status !== 0) { for (const e of exprs) out.set(e, r.stderr); fs.rmSync(dir, { recursive: true, force: true }); return out; }
  const run = spawnSync(exe, [], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, exprs.length, 'one value per expression');
  exprs.forEach((e, i) => out.set(e, BigInt(lines[i])));
  return out;
}

/** The fixture through the analysis (its macros) with its declarations (enums, typedefs). */
function formsLookup(defines: Record<string, string | null> = {}, pins: Record<string, string> = {}): EvalOptions {
  const text = fs.readFileSync(FORMS, 'utf8');
  const mode = getMode('x86_64-4level')!;
  const a = analyzeText(`#include "${FORMS}"`, { file: '/unit.c', family: 'c', mode, defines, readFile: (p) => (p === FORMS ? text : undefined) });
  const pinDefs = new Map(Object.entries(pins).map(([k, v]) => [k, [parseDefine({ kind: 'ident', text: k, start: 0, end: 0 }, tokenize(v))!]]));
  const macros: MacroLookup = (n) => pinDefs.get(n) ?? a.lookup(n);
  const opts: EvalOptions = { dialect: 'c', mode, lookup: macros, configComplete: true };
  const lookup = withDeclarations(macros, [{ file: FORMS, text }], (atom) => {
    const v = judgeAtom(atom.text, opts);
    return v === undefined ? undefined : v !== atom.negated;
  });
  return { ...opts, lookup };
}

const VALUE_FORMS = [
  'VMF_NONE', 'VMF_INIT', 'VMF_ALLOC', 'HALF_TRUNC', 'ALIAS_TRUNC', 'WIDE_SHIFT',
  'ADDR_FIELD_MASK', 'SW_BITS_MASK', 'GENMASK(63, 0)', 'GENMASK(12, 12)',
  'ENTRY_SHIFT', 'STACK_ORDER', 'BUCKETS', 'const_log2(1)', 'const_log2(0x200000)', 'order_of(1)', 'p2_roundup(1)', 'p2_roundup(4097)',
  'LOW_BIT', 'TRAILING', 'BITS_SET', '__builtin_clz(1)', '__builtin_ctzll(1ULL << 63)', '__builtin_ffs(0)', '__builtin_popcountl(-1L)',
  'TOP_ROUNDED', 'SMALL_ROUNDED', 'LARGER', 'WITH_CHECK', 'LONG_BYTES', 'PTR_BYTES', 'LL_BYTES', 'SHORT_ALIGN',
  'SLOT_ZERO', 'SLOT_AFTER', 'SLOT_SIXTEEN', 'SLOT_SEVENTEEN', 'SLOT_BASE_END', '__end_of_slots', 'SLOT_SPAN', 'AFTER_SHIFTED',
  'BITNO_LAST', 'BITNO_LAST_MASK', '__builtin_constant_p(SLOT_SPAN)', 'sizeof(vmflags_small_t)', 'sizeof(halfword_t)', '(halfword_t)-1',
  '-1 ? SLOT_ONE : 2UL', 'sizeof(SLOT_ONE)',
];

test('each form has gcc\'s value (x86-64, without and with a configuration symbol)', { skip: !hasGcc && 'gcc is not installed' }, () => {
  for (const [defs, cfg] of [[[], {}], [['CONFIG_EXTRA_SLOT', 'CONFIG_TABLE_LEVELS=4'], { CONFIG_EXTRA_SLOT: '1', CONFIG_TABLE_LEVELS: '4' }]] as const) {
    const want = gccValues(VALUE_FORMS, [...defs]);
    const opts = formsLookup({ ...cfg });
    for (const e of VALUE_FORMS) {
      const a = evaluateExpression(e, opts).alternatives;
      assert.equal(a.length, 1, `${e}: one value with the configuration known (${a.map((x) => x.error ?? x.u64).join(' | ')})`);
      assert.equal(a[0].u64, want.get(e), `${e} ${defs.join(' ')}: ${a[0].error ?? ''}`);
    }
  }
});

test('an enum member under an unknown condition gives one alternative per case, each with its condition', () => {
  const text = fs.readFileSync(FORMS, 'utf8');
  const a = analyzeText(`#include "${FORMS}"`, { file: '/unit.c', family: 'c', readFile: (p) => (p === FORMS ? text : undefined) });
  const lookup = withDeclarations(a.lookup, [{ file: FORMS, text }]);
  const r = evaluateExpression('AFTER_SHIFTED', { lookup }).alternatives;
  assert.deepEqual(r.map((x) => [x.u64, x.conditions.map(condText)]), [[0x3000n, ['CONFIG_EXTRA_SLOT']], [0x2000n, ['!CONFIG_EXTRA_SLOT']]]);
  // an explicit value after it does not depend on the condition
  assert.deepEqual(evaluateExpression('__end_of_slots', { lookup }).alternatives.map((x) => [x.u64, x.conditions.length]), [[25n, 0]]);
  // the derivation shows the implicit step
  const d = deriveName('SLOT_SEVENTEEN', { lookup });
  assert.equal(chainText(d.alternatives[0]), 'SLOT_SEVENTEEN = SLOT_SIXTEEN + 1 = 16 + 1 = 17');
});

test('enumerators are not macros: #if sees 0, defined() sees nothing', () => {
  const opts = formsLookup();
  assert.equal(evaluateExpression('SLOT_SIXTEEN', { ...opts, condition: true }).alternatives[0].u64, 0n);
  assert.equal(evaluateExpression('defined(SLOT_SIXTEEN)', { ...opts, condition: true }).alternatives[0].u64, 0n);
});

test('the GENMASK check fails when its operands are swapped: an error naming the failed assertion, as gcc fails', { skip: !hasGcc && 'gcc is not installed' }, () => {
  const g = gccValues(['GENMASK(1, 3)']).get('GENMASK(1, 3)');
  assert.match(String(g), /negative width in bit-field/);
  const a = evaluateExpression('GENMASK(1, 3)', formsLookup()).alternatives[0];
  assert.equal(a.errorCode, 'assertion-failed');
  assert.equal(a.error, 'cannot evaluate: build-time assertion failed in GENMASK: (3) > (1) is true');
  const z = evaluateExpression('CHECK_ZERO(2 > 1)', formsLookup()).alternatives[0];
  assert.equal(z.error, 'cannot evaluate: build-time assertion failed in CHECK_ZERO: 2 > 1 is true');
});

test('sizeof/offsetof of a structure the sources do not give: a named need, a pinned value when given (as gcc with the structure)', { skip: !hasGcc && 'gcc is not installed' }, () => {
  const a = evaluateExpression('TABLE_PAGES', formsLookup()).alternatives[0];
  assert.equal(a.errorCode, 'needs-value');
  assert.equal(a.error, 'cannot evaluate: needs the size of struct big_table (pin it in pagingLayout.defines as "sizeof(struct big_table)")');
  const o = evaluateExpression('offsetof(struct big_table, rows[2].next)', formsLookup()).alternatives[0];
  assert.equal(o.error, 'cannot evaluate: needs the offset of rows[2].next in struct big_table (pin it in pagingLayout.defines as "offsetof(struct big_table, rows[2].next)")');
  const struct = 'struct row { unsigned long a, next; }; struct big_table { char head[40]; struct row rows[1020]; };\n#include <stddef.h>';
  const want = gccValues(['TABLE_PAGES', 'offsetof(struct big_table, rows[2].next)'], [], struct);
  const pinned = formsLookup({}, { 'sizeof(struct big_table)': '16360', 'offsetof(struct big_table, rows[2].next)': '80' });
  assert.equal(evaluateExpression('TABLE_PAGES', pinned).alternatives[0].u64, want.get('TABLE_PAGES'));
  assert.equal(evaluateExpression('offsetof(struct big_table, rows[2].next)', pinned).alternatives[0].u64, want.get('offsetof(struct big_table, rows[2].next)'));
  // a struct size inside __builtin_constant_p is a constant all the same
  assert.equal(evaluateExpression('__builtin_constant_p(sizeof(struct big_table))', formsLookup()).alternatives[0].u64, 1n);
});

test('never a parse error for these valid forms, and never an empty name in a message', () => {
  const opts = formsLookup();
  for (const e of ['TABLE_PAGES', 'sizeof(struct page)', 'offsetof(struct page, flags)', '(unknown_type_t)1', 'sizeof(unknown_type_t)', '__alignof__(struct page)',
    '({ int x = 1; x + 1; })', '({ if (1) 2; })', 'UNDEFINED_MIN(unsigned int, 3, 4)', 'UNDEFINED_SIZE(struct page)', 'const_log2(page_offset_base)', 'sizeof(struct { int a; })', '__builtin_clz(0)', 'foo.bar', 'p2_roundup(runtime_var)']) {
    for (const a of evaluateExpression(e, opts).alternatives) {
      assert.notEqual(a.errorCode, 'syntax', `${e}: ${a.error}`);
      if (a.error) assert.doesNotMatch(a.error, /(name|needs|constant:?) $|, $/, `${e}: ${a.error}`);
    }
  }
  assert.equal(evaluateExpression('({ int x = 1; x + 1; })', opts).alternatives[0].u64, 2n);
  // the address of a symbol is the link's (a runtime value), a dereference is memory
  assert.equal(evaluateExpression('(unsigned long)&_end - 0x80000000', opts).alternatives[0].error, 'cannot evaluate: runtime variable &_end');
  assert.equal(evaluateExpression('*(unsigned long *)0x1000', opts).alternatives[0].error, 'cannot evaluate: not a constant: a value read from memory');
  // a macro this unit does not define, called with a type: its name is what is missing
  assert.equal(evaluateExpression('UNDEFINED_MIN(unsigned int, 3, 4)', opts).alternatives[0].error, 'cannot evaluate: undefined name UNDEFINED_MIN()');
  assert.match(evaluateExpression('const_log2(page_offset_base)', opts).alternatives[0].error!, /runtime variable page_offset_base/);
  assert.match(evaluateExpression('({ if (1) 2; })', opts).alternatives[0].error!, /not a constant: a statement expression/);
  assert.match(evaluateExpression('__builtin_clz(0)', opts).alternatives[0].error!, /__builtin_clz\(0\) is undefined/);
  const cast = evaluateExpression('(unknown_type_t)5', opts).alternatives[0];
  assert.equal(cast.u64, 5n);
  assert.deepEqual(cast.assumptions, ['(unknown_type_t) read as a cast that keeps the value (the type unknown_type_t is not known here)']);
  // `(X) - 1` with X unknown stays a subtraction of an undefined name
  assert.match(evaluateExpression('(unknown_name) - 1', opts).alternatives[0].error!, /undefined name unknown_name$/);
});

test('base-type sizes follow the data model (ILP32 on x86-32)', { skip: !hasGcc && 'gcc is not installed' }, () => {
  const m32 = spawnSync('gcc', ['-m32', '-S', '-o', '-', '-x', 'c', '-'], { input: 'int x;', encoding: 'utf8' }).status === 0;
  const mode = getMode('x86_32')!;
  const got = ['sizeof(long)', 'sizeof(void *)', 'sizeof(long long)', '__alignof__(long long)', 'sizeof(unsigned long) * 8'].map((e) => evaluateExpression(e, { mode }).alternatives[0].u64);
  assert.deepEqual(got, [4n, 4n, 8n, 8n, 32n]);
  if (m32) {
    const r = spawnSync('gcc', ['-m32', '-S', '-O2', '-o', '-', '-x', 'c', '-'], { input: 'const unsigned long long a = sizeof(long), b = sizeof(void *), c = sizeof(long long), d = __alignof__(long long), e = sizeof(unsigned long) * 8;', encoding: 'utf8' });
    const vals = [...r.stdout.matchAll(/^(\w):\s*\n\s*\.long\s+(\d+)/gm)].sort((x, y) => x[1].localeCompare(y[1])).map((m) => BigInt(m[2]));
    assert.deepEqual(vals, got);
  }
});
