// Expression evaluation: C integer semantics on 64-bit values, kernel idioms, paging helpers, macro
// expansion, alternatives under unknown conditions, derivations, and every "cannot evaluate" reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluateExpression, deriveName, chainText, condText, EvalOptions, MacroDef, parseDefine, makeSymbol, tokensText, stripParens,
  pagingHelpersText, builtinMacros, EvalResult,
} from '../../src/engine/source/evaluate';
import { scanText, tokenize } from '../../src/engine/source/scanner';
import { getMode } from '../../src/engine/paging/modes';

/** A lookup over `#define` lines (conditions given per line with `// if X` / `// if !X`). */
function defs(src: string): (name: string) => MacroDef[] | undefined {
  const table = new Map<string, MacroDef[]>();
  for (const l of scanText(src, 'c')) {
    if (!l.directive || l.tokens[1]?.text !== 'define') continue;
    const d = parseDefine(l.tokens[2], l.tokens.slice(3));
    if (d) table.set(d.name, [...(table.get(d.name) ?? []), d]);
  }
  return (n) => table.get(n);
}

const ev = (e: string, o: EvalOptions = {}) => evaluateExpression(e, o).alternatives[0];
const val = (e: string, o: EvalOptions = {}) => ev(e, o).u64;
const err = (e: string, o: EvalOptions = {}) => ev(e, o).error;
const m4 = getMode('x86_64-4level')!;
const m5 = getMode('x86_64-5level')!;
const m32 = getMode('x86_32')!;
const mpae = getMode('x86_32-pae')!;

test('every binary operator with C precedence', () => {
  const cases: [string, bigint][] = [
    ['7 * 6', 42n], ['43 / 5', 8n], ['43 % 5', 3n], ['40 + 2', 42n], ['44 - 2', 42n], ['1 << 4', 16n], ['256 >> 4', 16n],
    ['3 < 4', 1n], ['4 < 3', 0n], ['4 <= 4', 1n], ['5 > 4', 1n], ['4 >= 5', 0n], ['4 == 4', 1n], ['4 != 4', 0n],
    ['0xf0 & 0x3c', 0x30n], ['0xf0 ^ 0x3c', 0xccn], ['0xf0 | 0x0f', 0xffn], ['1 && 2', 1n], ['1 && 0', 0n], ['0 || 3', 1n], ['0 || 0', 0n],
    ['1 + 2 * 3', 7n], ['(1 + 2) * 3', 9n], ['1 + 2 << 3', 24n], ['1 | 2 ^ 3 & 4', 3n], ['1 < 2 == 1', 1n], ['2 + 3 == 5 && 1', 1n],
    ['10 - 4 - 3', 3n], ['100 / 10 / 5', 2n], ['1 ? 2 : 3', 2n], ['0 ? 2 : 3', 3n], ['0 ? 1 : 0 ? 2 : 3', 3n], ['(1, 2)', 2n],
  ];
  for (const [e, want] of cases) assert.equal(val(e), want, e);
});

test('unary operators', () => {
  assert.equal(val('-1'), 0xffffffffffffffffn);
  assert.equal(ev('-1').value, -1n);
  assert.equal(val('+5'), 5n);
  assert.equal(val('~0'), 0xffffffffffffffffn);
  assert.equal(val('~0U'), 0xffffffffn);
  assert.equal(val('~0UL'), 0xffffffffffffffffn);
  assert.equal(val('!0'), 1n);
  assert.equal(val('!5'), 0n);
  assert.equal(val('- -3'), 3n);
});

test('C integer types: literal types, usual arithmetic conversions, wrap-around', () => {
  assert.equal(ev('1').type?.name, 'int');
  assert.equal(ev('0xffffffff').type?.name, 'unsigned int');
  assert.equal(ev('4294967295').type?.name, 'long');
  assert.equal(ev('0x100000000').type?.name, 'long');
  assert.equal(ev('0xffffffff80000000').type?.name, 'unsigned long');
  assert.equal(ev('1UL').type?.name, 'unsigned long');
  assert.equal(ev('1ULL').type?.name, 'unsigned long long');
  assert.equal(val('0x7fffffff + 1'), 0xffffffff80000000n); // int overflow wraps (as GCC does), sign-extends to 64
  assert.equal(val('0xffffffffU + 1'), 0n); // unsigned int wraps at 32 bits
  assert.equal(val('0xffffffffU + 1UL'), 0x100000000n);
  assert.equal(val('-1 < 0U'), 0n); // -1 converts to unsigned
  assert.equal(val('-1 < 0L'), 1n);
  assert.equal(val('-1L < 0U'), 1n); // long represents every unsigned int
  assert.equal(val('-1 > 0UL'), 1n);
  assert.equal(val('-7 / 2'), 0xfffffffffffffffdn); // truncation toward zero
  assert.equal(val('-7 % 2'), 0xffffffffffffffffn);
  assert.equal(val('-7L >> 1'), 0xfffffffffffffffcn); // arithmetic shift of a signed value
  assert.equal(val('0xfffffffffffffff9UL >> 1'), 0x7ffffffffffffffcn);
  assert.equal(val('(512 * 1024 * 1024)'), 0x20000000n);
  assert.equal(val('-4 * (1UL << 30)'), 0xffffffff00000000n);
  assert.equal(val('-256UL << 39'), 0xffff800000000000n);
  assert.equal(val("'A' + 1"), 66n);
  assert.equal(val('1 ? 1 : 2UL'), 1n);
  assert.equal(ev('1 ? -1 : 2UL').u64, 0xffffffffffffffffn);
  assert.equal(ev('1 ? -1 : 2UL').type?.name, 'unsigned long');
});

test('ILP32 modes: long and pointers are 32 bits', () => {
  assert.equal(val('-1UL', { mode: m32 }), 0xffffffffn);
  assert.equal(val('(unsigned long)-1', { mode: m32 }), 0xffffffffn);
  assert.equal(val('sizeof(long)', { mode: m32 }), 4n);
  assert.equal(val('sizeof(void *)', { mode: m32 }), 4n);
  assert.equal(val('sizeof(long long)', { mode: m32 }), 8n);
  assert.equal(val('sizeof(phys_addr_t)', { mode: m32 }), 4n);
  assert.equal(val('sizeof(phys_addr_t)', { mode: mpae }), 8n);
  assert.equal(val('sizeof(pteval_t)', { mode: m32 }), 4n);
  assert.equal(val('sizeof(pgd_t)', { mode: mpae }), 8n);
  assert.equal(val('-0xc0000000UL', { mode: m32 }), 0x40000000n);
});

test('casts to kernel types', () => {
  const cases: [string, bigint][] = [
    ['(unsigned long)-1', 0xffffffffffffffffn], ['(u64)-1', 0xffffffffffffffffn], ['(u32)-1', 0xffffffffn], ['(u16)0x12345', 0x2345n],
    ['(u8)0x1ff', 0xffn], ['(s8)0xff', 0xffffffffffffffffn], ['(int)0xffffffff', 0xffffffffffffffffn], ['(unsigned int)-1', 0xffffffffn],
    ['(long)0xffffffffffffffffUL', 0xffffffffffffffffn], ['(phys_addr_t)1 << 40', 1n << 40n], ['(pteval_t)1 << 63', 1n << 63n],
    ['(pgdval_t)0x1000', 0x1000n], ['(void *)0xffff888000000000', 0xffff888000000000n], ['(unsigned long long)1 << 63', 1n << 63n],
    ['(unsigned char)300', 44n], ['(signed char)200', 0xffffffffffffffc8n], ['(short)0x18000', 0xffffffffffff8000n], ['(bool)42', 1n],
    ['(_Bool)0', 0n], ['(size_t)-1', 0xffffffffffffffffn], ['(uintptr_t)1', 1n], ['(const u32)7', 7n], ['(__force u64)5', 5n],
    ['(uint32_t)0x100000001', 1n], ['(int64_t)-2', 0xfffffffffffffffen], ['(long unsigned int)3', 3n], ['(struct page *)0x10', 0x10n],
  ];
  for (const [e, want] of cases) assert.equal(val(e), want, e);
  assert.equal(ev('(u32)1').type?.name, 'u32');
  assert.match(err('(pgd_t)1')!, /structure type/);
  assert.match(err('(void)1')!, /has no value/);
});

test('sizeof of common types and expressions', () => {
  const cases: [string, bigint][] = [
    ['sizeof(char)', 1n], ['sizeof(short)', 2n], ['sizeof(int)', 4n], ['sizeof(long)', 8n], ['sizeof(long long)', 8n], ['sizeof(void *)', 8n],
    ['sizeof(u8)', 1n], ['sizeof(u16)', 2n], ['sizeof(u32)', 4n], ['sizeof(u64)', 8n], ['sizeof(pgd_t)', 8n], ['sizeof(pte_t)', 8n], ['sizeof(pteval_t)', 8n],
    ['sizeof(phys_addr_t)', 8n], ['sizeof(unsigned long)', 8n], ['sizeof 1', 4n], ['sizeof(1UL)', 8n], ['sizeof(struct page *)', 8n],
  ];
  for (const [e, want] of cases) assert.equal(val(e), want, e);
  assert.equal(ev('sizeof(struct page)').u64, undefined);
});

test('kernel idioms: _AC, _UL, _ULL, UL, ULL, _AT, BIT, BIT_ULL, GENMASK, GENMASK_ULL', () => {
  assert.equal(val('_AC(0xffffffff80000000, UL)'), 0xffffffff80000000n);
  assert.equal(ev('_AC(1, UL)').type?.name, 'unsigned long');
  assert.equal(ev('_AC(1, ULL)').type?.name, 'unsigned long long');
  assert.equal(val('_AC(-2, UL)'), 0xfffffffffffffffen);
  assert.equal(val('_UL(1) << 63'), 1n << 63n);
  assert.equal(val('_ULL(1) << 63'), 1n << 63n);
  assert.equal(val('UL(0x1000)'), 0x1000n);
  assert.equal(ev('ULL(5)').type?.name, 'unsigned long long');
  assert.equal(val('_AT(pteval_t, 1) << 63'), 1n << 63n);
  assert.equal(val('_AT(u32, -1)'), 0xffffffffn);
  assert.equal(val('BIT(0)'), 1n);
  assert.equal(val('BIT(63)'), 1n << 63n);
  assert.equal(val('BIT_ULL(40)'), 1n << 40n);
  assert.equal(val('_BITUL(12)'), 4096n);
  assert.equal(val('_BITULL(52)'), 1n << 52n);
  assert.equal(val('GENMASK(47, 12)'), 0x0000fffffffff000n);
  assert.equal(val('GENMASK(63, 0)'), 0xffffffffffffffffn);
  assert.equal(val('GENMASK(0, 0)'), 1n);
  assert.equal(val('GENMASK_ULL(51, 12)'), 0x000ffffffffff000n);
  assert.equal(val('GENMASK(31, 0)', { mode: m32 }), 0xffffffffn);
  // In assembly, _AC drops the suffix
  assert.equal(val('_AC(0xffffffff80000000, UL)', { dialect: 'gas' }), 0xffffffff80000000n);
  assert.equal(val('_AT(pteval_t, 5)', { dialect: 'gas' }), 5n);
  assert.equal(val('ALIGN(0x1234, 0x1000)'), 0x2000n);
});

test('SZ_* sizes from SZ_1 to SZ_64T', () => {
  const cases: [string, bigint][] = [
    ['SZ_1', 1n], ['SZ_2', 2n], ['SZ_256', 256n], ['SZ_512', 512n], ['SZ_1K', 1024n], ['SZ_4K', 4096n], ['SZ_8K', 8192n], ['SZ_16K', 16384n], ['SZ_64K', 65536n],
    ['SZ_1M', 1n << 20n], ['SZ_2M', 2n << 20n], ['SZ_16M', 16n << 20n], ['SZ_256M', 256n << 20n], ['SZ_512M', 512n << 20n], ['SZ_1G', 1n << 30n], ['SZ_2G', 2n << 30n],
    ['SZ_4G', 4n << 30n], ['SZ_8G', 8n << 30n], ['SZ_64G', 64n << 30n], ['SZ_1T', 1n << 40n], ['SZ_64T', 64n << 40n],
  ];
  for (const [e, want] of cases) assert.equal(val(e), want, e);
  assert.equal(ev('SZ_2G').type?.name, 'unsigned int');
  assert.equal(ev('SZ_4G').type?.name, 'unsigned long long');
});

test('paging helpers follow the active mode, folded levels as Linux folds them', () => {
  assert.equal(val('PGDIR_SHIFT', { mode: m4 }), 39n);
  assert.equal(val('PGDIR_SHIFT', { mode: m5 }), 48n);
  assert.equal(val('P4D_SHIFT', { mode: m4 }), 39n); // folded: = PGDIR_SHIFT
  assert.equal(val('P4D_SHIFT', { mode: m5 }), 39n);
  assert.equal(val('PTRS_PER_P4D', { mode: m4 }), 1n);
  assert.equal(val('PTRS_PER_P4D', { mode: m5 }), 512n);
  assert.equal(val('p4d_index(0xffff888000000000)', { mode: m4 }), 0n);
  assert.equal(val('pgd_index(0xffff888000000000)', { mode: m4 }), 273n);
  assert.equal(val('pgd_index(0xff11000000000000)', { mode: m5 }), 273n);
  assert.equal(val('pud_index(0xffffffff80000000)', { mode: m4 }), 510n);
  assert.equal(val('pmd_index(0xffffffff81000000)', { mode: m4 }), 8n);
  assert.equal(val('pte_index(0xffffffff81234000)', { mode: m4 }), 0x34n);
  assert.equal(val('PAGE_SHIFT'), 12n);
  assert.equal(val('PAGE_SIZE'), 4096n);
  assert.equal(val('PAGE_MASK'), 0xfffffffffffff000n);
  assert.equal(val('PMD_SIZE'), 2n << 20n);
  assert.equal(val('PUD_SIZE'), 1n << 30n);
  assert.equal(val('PGDIR_SIZE'), 1n << 39n);
  assert.equal(val('PTRS_PER_PGD'), 512n);
  assert.equal(val('PTRS_PER_PUD'), 512n);
  assert.equal(val('PTRS_PER_PMD'), 512n);
  assert.equal(val('PTRS_PER_PTE'), 512n);
  // x86-32 without PAE: PGD 10 bits at 22, PTE 10 bits; PUD/PMD folded into the PGD
  assert.equal(val('PGDIR_SHIFT', { mode: m32 }), 22n);
  assert.equal(val('PMD_SHIFT', { mode: m32 }), 22n);
  assert.equal(val('PUD_SHIFT', { mode: m32 }), 22n);
  assert.equal(val('PMD_SIZE', { mode: m32 }), 4n << 20n);
  assert.equal(val('PTRS_PER_PGD', { mode: m32 }), 1024n);
  assert.equal(val('PTRS_PER_PMD', { mode: m32 }), 1n);
  assert.equal(val('pmd_index(0xc0400000)', { mode: m32 }), 0n);
  assert.equal(val('pgd_index(0xc0400000)', { mode: m32 }), 0x301n);
  // PAE: 2/9/9/12
  assert.equal(val('PGDIR_SHIFT', { mode: mpae }), 30n);
  assert.equal(val('PTRS_PER_PGD', { mode: mpae }), 4n);
  assert.equal(val('PMD_SHIFT', { mode: mpae }), 21n);
  assert.equal(val('PUD_SHIFT', { mode: mpae }), 30n);
  // arm64 64K pages, 3 levels, 48-bit
  const a64 = getMode('arm64-64k-48')!;
  assert.equal(val('PAGE_SHIFT', { mode: a64 }), 16n);
  assert.equal(val('PGDIR_SHIFT', { mode: a64 }), 42n);
  assert.equal(val('PTRS_PER_PGD', { mode: a64 }), 64n);
  assert.match(pagingHelpersText(m4), /#define P4D_SHIFT PGDIR_SHIFT/);
  // boot-time values the mode decides
  assert.equal(val('pgtable_l5_enabled()', { mode: m5 }), 1n);
  assert.equal(val('pgtable_l5_enabled()', { mode: m4 }), 0n);
  assert.deepEqual(ev('pgtable_l5_enabled() ? 56 : 47', { mode: m4 }).assumptions, ['pgtable_l5_enabled() = 0 (active paging mode x86_64-4level)']);
  assert.ok(builtinMacros(m4, 'c').get('CONFIG_X86_5LEVEL')!.length === 0);
});

test('workspace definitions win over built-in helpers', () => {
  const lookup = defs('#define PGDIR_SHIFT 22\n#define PTRS_PER_PGD 1024');
  assert.equal(val('PGDIR_SHIFT', { lookup }), 22n);
  assert.equal(val('pgd_index(0xc0000000)', { lookup }), 0x300n);
});

test('macro expansion: object-like, function-like, nesting, # and ##, variadic, rescanning', () => {
  const lookup = defs([
    '#define A (B + 1)', '#define B 41', '#define ADD(x, y) ((x) + (y))', '#define TWICE(x) ADD(x, x)', '#define CAT(a, b) a##b', '#define HEX(n) 0x##n',
    '#define STR(x) #x', '#define F(...) ADD(__VA_ARGS__)', '#define G(args...) ADD(args)', '#define ID(x) x', '#define EMPTY()', '#define APPLY(f, x) f(x)',
    '#define NOARGS() 7', '#define SQ(x) x * x', '#define OBJ (1)', '#define FN(x) (x)',
  ].join('\n'));
  const o = { lookup };
  assert.equal(val('A', o), 42n);
  assert.equal(val('ADD(1, 2)', o), 3n);
  assert.equal(val('TWICE(A)', o), 84n);
  assert.equal(val('CAT(0x, 10)', o), 16n);
  assert.equal(val('CAT(1, UL)', o), 1n);
  assert.equal(ev('CAT(1, UL)', o).type?.name, 'unsigned long');
  assert.equal(val('HEX(ff)', o), 255n);
  assert.match(err('STR(1)', o)!, /string/);
  assert.equal(val('F(2, 3)', o), 5n);
  assert.equal(val('G(4, 5)', o), 9n);
  assert.equal(val('ID(ADD(1, ADD(2, 3)))', o), 6n);
  assert.equal(val('EMPTY() 5', o), 5n);
  assert.equal(val('APPLY(FN, 9)', o), 9n);
  assert.equal(val('NOARGS()', o), 7n);
  assert.equal(val('SQ(1 + 2)', o), 5n); // textual substitution, as C does
  assert.equal(val('ADD((1, 2), 3)', o), 5n);
  assert.match(err('ADD(1)', o)!, /expects 2 arguments, got 1/);
  assert.match(err('FN', o)!, /function-like macro FN used without arguments/);
});

test('assembler symbols are atomic; GNU as precedence and semantics', () => {
  const table = new Map<string, MacroDef[]>([['S', [makeSymbol('S', tokenize('1 + 2', 'gas'))]]]);
  const lookup = (n: string) => table.get(n);
  assert.equal(val('S * 2', { lookup, dialect: 'gas' }), 6n);
  // GNU as: + - and comparisons bind looser than | & ^ !, which bind looser than * / % << >>
  assert.equal(val('1 + 2 << 3', { dialect: 'gas' }), 17n);
  assert.equal(val('4 | 1 + 2', { dialect: 'gas' }), 7n);
  assert.equal(val('2 == 2', { dialect: 'gas' }), 0xffffffffffffffffn); // true is -1
  assert.equal(val('0 ! 0', { dialect: 'gas' }), 0xffffffffffffffffn); // or-not
  assert.equal(val('-8 / 2', { dialect: 'gas' }), 0xfffffffffffffffcn); // signed division
  assert.equal(val('-1 >> 60', { dialect: 'gas' }), 0xfn); // logical shift
  assert.equal(val('-1 < 0', { dialect: 'gas' }), 0xffffffffffffffffn);
  assert.equal(val('0xffffffff80000000 + 0x40000000', { dialect: 'gas' }), 0xffffffffc0000000n);
});

test('NASM precedence and operators', () => {
  assert.equal(val('1 + 2 << 3', { dialect: 'nasm' }), 24n);
  assert.equal(val('-8 / 2', { dialect: 'nasm' }), 0x7ffffffffffffffcn); // unsigned
  assert.equal(val('-8 // 2', { dialect: 'nasm' }), 0xfffffffffffffffcn); // signed
  assert.equal(val('-7 %% 2', { dialect: 'nasm' }), 0xffffffffffffffffn);
  assert.equal(val('-16 >>> 2', { dialect: 'nasm' }), 0xfffffffffffffffcn);
  assert.equal(val('1 ^^ 1', { dialect: 'nasm' }), 0n);
  assert.equal(val('0FFFFh + 1', { dialect: 'nasm' }), 0x10000n);
  assert.equal(val('3 = 3', { dialect: 'nasm' }), 1n);
});

test('ld functions and unsigned semantics', () => {
  const table = new Map<string, MacroDef[]>([
    ['ORIGIN(ram)', [makeSymbol('ORIGIN(ram)', tokenize('0x80000000', 'ld'))]],
    ['LENGTH(ram)', [makeSymbol('LENGTH(ram)', tokenize('64K', 'ld'))]],
  ]);
  const o: EvalOptions = { dialect: 'ld', lookup: (n) => table.get(n) };
  assert.equal(val('ORIGIN(ram) + LENGTH(ram)', o), 0x80010000n);
  assert.equal(val('ALIGN(0x1001, 0x1000)', o), 0x2000n);
  assert.equal(val('MAX(3, 9) + MIN(3, 9)', o), 12n);
  assert.equal(val('16M', o), 16n << 20n);
  assert.equal(val('-1 > 0', o), 1n); // unsigned
  assert.deepEqual(ev('ALIGN(4096)', o).unresolved, ['. (location counter)']);
  assert.deepEqual(ev('. + 4', o).unresolved, ['. (location counter)']);
  assert.deepEqual(ev('ADDR(.text)', o).unresolved, ['ADDR()']);
});

test('runtime variables are named, not guessed', () => {
  for (const name of ['page_offset_base', 'vmalloc_base', 'vmemmap_base', 'phys_base']) {
    const a = ev(`${name} + 0x1000`);
    assert.equal(a.u64, undefined);
    assert.equal(a.errorCode, 'runtime-variable');
    assert.equal(a.error, `cannot evaluate: runtime variable ${name}`);
    assert.deepEqual(a.runtime, [name]);
    assert.deepEqual(a.unresolved, [name]);
  }
  const lookup = defs('#define __PAGE_OFFSET page_offset_base\n#define PAGE_OFFSET ((unsigned long)__PAGE_OFFSET)');
  assert.equal(ev('PAGE_OFFSET', { lookup }).error, 'cannot evaluate: runtime variable page_offset_base');
  assert.equal(ev('task_size_max()').error, 'cannot evaluate: runtime variable task_size_max()');
  assert.deepEqual(ev('(current->personality & 8) ? 1 : 2').runtime, ['current']);
  // a user define can pin a runtime variable
  const pinned = defs('#define page_offset_base 0xffff888000000000');
  assert.equal(val('page_offset_base + 1', { lookup: pinned }), 0xffff888000000001n);
});

test('every "cannot evaluate" reason, never a throw', () => {
  const cases: [string, EvalOptions, RegExp, string][] = [
    ['1 / 0', {}, /^cannot evaluate: division by zero$/, 'division-by-zero'],
    ['5 % (2 - 2)', {}, /^cannot evaluate: division by zero$/, 'division-by-zero'],
    ['1 << 64', {}, /^cannot evaluate: shift past width \(64 >= 32 bits of int\)$/, 'shift-past-width'],
    ['1UL << 64', {}, /^cannot evaluate: shift past width/, 'shift-past-width'],
    ['1 << 32', {}, /^cannot evaluate: shift past width/, 'shift-past-width'],
    ['1 >> 99', { dialect: 'gas' }, /^cannot evaluate: shift past width/, 'shift-past-width'],
    ['1 << -1', {}, /^cannot evaluate: negative shift count -1$/, 'negative-shift'],
    ['NOT_DEFINED + 1', {}, /^cannot evaluate: undefined name NOT_DEFINED$/, 'undefined-name'],
    ['LOOP', { lookup: defs('#define LOOP (LOOP + 1)') }, /^cannot evaluate: recursive macro LOOP$/, 'recursive-macro'],
    ['PING', { lookup: defs('#define PING PONG\n#define PONG PING') }, /^cannot evaluate: recursive macro PING$/, 'recursive-macro'],
    ['('.repeat(500) + '1' + ')'.repeat(500), {}, /^cannot evaluate: nesting too deep/, 'nesting-too-deep'],
    ['~'.repeat(1000) + '1', {}, /^cannot evaluate: nesting too deep/, 'nesting-too-deep'],
    ['E30', { lookup: defs(Array.from({ length: 31 }, (_, i) => `#define E${i} ${i === 0 ? '1' : `(E${i - 1} + E${i - 1})`}`).join('\n')) }, /^cannot evaluate: too many steps/, 'too-many-steps'],
    ['1 +', {}, /^cannot evaluate: unexpected end of expression$/, 'syntax'],
    ['0x', {}, /not a valid C number/, 'syntax'],
    ['"text"', {}, /string is not an integer/, 'unsupported'],
  ];
  for (const [e, o, re, code] of cases) {
    let r: EvalResult | undefined;
    assert.doesNotThrow(() => { r = evaluateExpression(e, o); }, e.slice(0, 40));
    const a = r!.alternatives[0];
    assert.equal(a.u64, undefined, e.slice(0, 40));
    assert.match(a.error!, re, e.slice(0, 40));
    assert.equal(a.errorCode, code, e.slice(0, 40));
  }
  // exponential expansion is cut off quickly
  const t0 = Date.now();
  evaluateExpression('E30', { lookup: defs(Array.from({ length: 31 }, (_, i) => `#define E${i} ${i === 0 ? '1' : `(E${i - 1} + E${i - 1})`}`).join('\n')) });
  assert.ok(Date.now() - t0 < 10_000); // bounded (generous for loaded CI machines)
  // errors in branches not taken do not count
  assert.equal(val('0 && 1 / 0'), 0n);
  assert.equal(val('1 || 1 / 0'), 1n);
  assert.equal(val('1 ? 5 : 1 / 0'), 5n);
  assert.equal(val('0 ? 1 << 99 : 5'), 5n);
  assert.equal(val('UNKNOWN_NAME && 0'), 0n);
});

test('unresolved names are all collected', () => {
  const a = ev('FOO + BAR * page_offset_base');
  assert.deepEqual([...a.unresolved].sort(), ['BAR', 'FOO', 'page_offset_base']);
  assert.equal(a.u64, undefined);
});

test('alternatives: one per consistent choice of conditional definitions', () => {
  const k = parseDefine(tokenize('K')[0], tokenize('(1024 * 1024 * 1024)'), [{ text: 'CONFIG_RANDOMIZE_BASE', negated: false }])!;
  const k2 = parseDefine(tokenize('K')[0], tokenize('(512 * 1024 * 1024)'), [{ text: 'CONFIG_RANDOMIZE_BASE', negated: true }])!;
  const s = parseDefine(tokenize('S')[0], tokenize('0x1'), [{ text: 'CONFIG_RANDOMIZE_BASE', negated: false }])!;
  const s2 = parseDefine(tokenize('S')[0], tokenize('0x2'), [{ text: 'CONFIG_RANDOMIZE_BASE', negated: true }])!;
  const table = new Map([['K', [k, k2]], ['S', [s, s2]]]);
  const r = evaluateExpression('K + S', { lookup: (n) => table.get(n) });
  // 4 combinations, 2 consistent
  assert.deepEqual(r.alternatives.map((a) => [a.u64, a.conditions.map(condText).join()]), [
    [0x40000001n, 'CONFIG_RANDOMIZE_BASE'], [0x20000002n, '!CONFIG_RANDOMIZE_BASE'],
  ]);
  // identical values under different conditions stay separate alternatives but agree
  const same = evaluateExpression('K * 0', { lookup: (n) => table.get(n) });
  assert.ok(same.alternatives.every((a) => a.u64 === 0n));
});

test('derivation chains for hovers', () => {
  const lookup = defs([
    '#define __START_KERNEL_map _AC(0xffffffff80000000, UL)', '#define KERNEL_IMAGE_SIZE (1024 * 1024 * 1024)',
    '#define MODULES_VADDR (__START_KERNEL_map + KERNEL_IMAGE_SIZE)', '#define PLAIN 0x1000', '#define ALIAS PLAIN',
  ].join('\n'));
  const d = deriveName('MODULES_VADDR', { lookup });
  assert.equal(chainText(d.alternatives[0]), 'MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE = 0xffffffff80000000 + 0x40000000 = 0xffffffffc0000000');
  assert.deepEqual(d.deps.map((x) => chainText(x.alternatives[0])), [
    '__START_KERNEL_map = _AC(0xffffffff80000000, UL) = 0xffffffff80000000', 'KERNEL_IMAGE_SIZE = 1024 * 1024 * 1024 = 0x40000000',
  ]);
  assert.equal(chainText(deriveName('PLAIN', { lookup }).alternatives[0]), 'PLAIN = 0x1000');
  assert.equal(chainText(deriveName('ALIAS', { lookup }).alternatives[0]), 'ALIAS = PLAIN = 0x1000');
  assert.equal(chainText(deriveName('PGDIR_SHIFT', {}).alternatives[0]), 'PGDIR_SHIFT = 39');
  assert.equal(stripParens('((a) + (b))'), '(a) + (b)');
  assert.equal(stripParens('(a) + (b)'), '(a) + (b)');
  assert.equal(tokensText(tokenize('( a+b )')), '( a+b )');
});
