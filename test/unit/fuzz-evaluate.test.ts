// Property-based tests of the expression evaluator against a reference evaluation written here
// with plain BigInt arithmetic: random well-formed expression trees over 64-bit literals (every C
// radix and suffix, casts, unary and binary operators, comparisons, && || ?:), printed with the
// dialect's precedence (minimal or extra parentheses), evaluated by both, compared value, type and
// "cannot evaluate" reason. C follows C11 on LP64 and ILP32 (integer promotions, usual arithmetic
// conversions, literal types of 6.4.4.1); signed overflow, which C leaves undefined, wraps as GCC's
// constant folding does. GNU ld and GNU as follow their manuals (64-bit values; as: -1 is true).
// Seed and run count: PAGING_LAYOUT_FUZZ_SEED (default 20260101) and PAGING_LAYOUT_FUZZ_RUNS
// (default 300); `npm run fuzz` runs far more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateExpression, primary, EvalAlternative } from '../../src/engine/source/evaluate';
import { getMode } from '../../src/engine/paging/modes';

const seed = Number(process.env.PAGING_LAYOUT_FUZZ_SEED ?? 20260101);
const numRuns = Number(process.env.PAGING_LAYOUT_FUZZ_RUNS ?? 300);
const opts = { seed, numRuns, includeErrorInReport: true };
/** Only a hang reaches this. */
const HANG = { timeout: 600_000 };
const U64 = (1n << 64n) - 1n;

// ---- C types ----------------------------------------------------------------------------------

/** An integer type: width, signedness and conversion rank (C11 6.3.1.1). */
interface Ty { bits: number; signed: boolean; rank: number; name: string }
interface Model { int: Ty; uint: Ty; long: Ty; ulong: Ty; llong: Ty; ullong: Ty }
const ty = (bits: number, signed: boolean, rank: number, name: string): Ty => ({ bits, signed, rank, name });
const CHAR = ty(8, true, 1, 'char'), SCHAR = ty(8, true, 1, 'signed char'), UCHAR = ty(8, false, 1, 'unsigned char');
const SHORT = ty(16, true, 2, 'short'), USHORT = ty(16, false, 2, 'unsigned short');
const model = (longBits: number): Model => ({
  int: ty(32, true, 3, 'int'), uint: ty(32, false, 3, 'unsigned int'),
  long: ty(longBits, true, 4, 'long'), ulong: ty(longBits, false, 4, 'unsigned long'),
  llong: ty(64, true, 5, 'long long'), ullong: ty(64, false, 5, 'unsigned long long'),
});
const LP64 = model(64), ILP32 = model(32);

function wrap(v: bigint, t: { bits: number; signed: boolean }): bigint {
  return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v);
}
function maxOf(t: Ty): bigint { return t.signed ? (1n << BigInt(t.bits - 1)) - 1n : (1n << BigInt(t.bits)) - 1n; }

/** Integer promotion: anything of lower rank than int becomes int (every value fits). */
function promote(t: Ty, m: Model): Ty { return t.rank < m.int.rank ? m.int : t; }

/** The usual arithmetic conversions (C11 6.3.1.8). */
function usual(a: Ty, b: Ty, m: Model): Ty {
  a = promote(a, m); b = promote(b, m);
  if (a.signed === b.signed) return a.rank >= b.rank ? a : b;
  const [u, s] = a.signed ? [b, a] : [a, b];
  if (u.rank >= s.rank) return u;
  if (s.bits > u.bits) return s;
  const all = [m.uint, m.ulong, m.ullong];
  return all.find((x) => x.rank === s.rank)!; // the unsigned type of the signed one's rank
}

/** C11 6.4.4.1: the first type of the suffix's list that represents the value; GCC: else unsigned long long. */
function literalType(v: bigint, suffix: string, decimal: boolean, m: Model): Ty {
  const s = suffix.toLowerCase();
  const u = s.includes('u');
  const rank = s.includes('ll') ? 2 : s.includes('l') ? 1 : 0;
  const list: Ty[] = [];
  if (rank <= 0) list.push(...(u ? [m.uint] : decimal ? [m.int] : [m.int, m.uint]));
  if (rank <= 1) list.push(...(u ? [m.ulong] : decimal ? [m.long] : [m.long, m.ulong]));
  list.push(...(u ? [m.ullong] : decimal ? [m.llong] : [m.llong, m.ullong]));
  return list.find((t) => v <= maxOf(t)) ?? m.ullong;
}

// ---- expression trees --------------------------------------------------------------------------

type Radix = 'hex' | 'HEX' | 'dec' | 'oct' | 'bin' | 'sep';
type Node =
  | { k: 'lit'; v: bigint; radix: Radix; suffix: string }
  | { k: 'un'; op: '-' | '~' | '!' | '+'; a: Node; paren: boolean }
  | { k: 'cast'; to: string; a: Node; paren: boolean }
  | { k: 'bin'; op: string; a: Node; b: Node; paren: boolean }
  | { k: 'cond'; c: Node; a: Node; b: Node; paren: boolean };

type Dialect = 'c' | 'ld' | 'gas';

function digitsOf(v: bigint, radix: Radix, dialect: Dialect): string {
  switch (radix) {
    case 'hex': return '0x' + v.toString(16);
    case 'HEX': return '0X' + v.toString(16).toUpperCase();
    case 'dec': return v.toString();
    case 'oct': return '0' + v.toString(8);
    case 'bin': return dialect === 'ld' ? v.toString(2) + 'b' : '0b' + v.toString(2);
    case 'sep': {
      // C23 digit separators in hex (C only); elsewhere plain hex.
      const h = v.toString(16);
      if (dialect !== 'c') return '0x' + h;
      const groups: string[] = [];
      for (let i = h.length; i > 0; i -= 4) groups.unshift(h.slice(Math.max(0, i - 4), i));
      return '0x' + groups.join("'");
    }
  }
}

function litText(n: Extract<Node, { k: 'lit' }>, dialect: Dialect): string {
  if (dialect === 'ld') {
    // GNU ld: 0x.., $.. (hex), ..h, octal 0.., decimal, binary ..b; K/M multipliers.
    switch (n.radix) {
      case 'HEX': return '$0' + n.v.toString(16);
      case 'sep': return '0' + n.v.toString(16) + 'h';
      case 'dec': return n.v !== 0n && n.v % 1024n === 0n && n.suffix === 'K' ? `${n.v / 1024n}K` : n.v.toString();
      default: return digitsOf(n.v, n.radix, dialect);
    }
  }
  return digitsOf(n.v, n.radix, dialect) + n.suffix;
}

// Precedence: higher binds tighter. Unary = 13, primary = 14, ?: = 2.
const PREC: Record<Dialect, Record<string, number>> = {
  c: { '||': 3, '&&': 4, '|': 5, '^': 6, '&': 7, '==': 8, '!=': 8, '<': 9, '<=': 9, '>': 9, '>=': 9, '<<': 10, '>>': 10, '+': 11, '-': 11, '*': 12, '/': 12, '%': 12 },
  ld: { '||': 3, '&&': 4, '|': 5, '^': 6, '&': 7, '==': 8, '!=': 8, '<': 9, '<=': 9, '>': 9, '>=': 9, '<<': 10, '>>': 10, '+': 11, '-': 11, '*': 12, '/': 12, '%': 12 },
  // GNU as manual, "Infix Operators": * / % << >> highest; | & ^ ! ; + - == <> != < > >= <= ; && || lowest.
  gas: { '||': 3, '&&': 3, '+': 8, '-': 8, '==': 8, '!=': 8, '<': 8, '<=': 8, '>': 8, '>=': 8, '|': 10, '&': 10, '^': 10, '*': 12, '/': 12, '%': 12, '<<': 12, '>>': 12 },
};

function precOf(n: Node, d: Dialect): number {
  if (n.k === 'lit') return 14;
  if (n.paren) return 14;
  if (n.k === 'un' || n.k === 'cast') return 13;
  if (n.k === 'cond') return 2;
  return PREC[d][n.op];
}

function print(n: Node, d: Dialect): string {
  const wrapIf = (s: string, cond: boolean) => (cond ? `(${s})` : s);
  let s: string;
  switch (n.k) {
    case 'lit': return litText(n, d);
    case 'un': {
      const a = wrapIf(print(n.a, d), precOf(n.a, d) < 13);
      s = n.op + (/^[-+]/.test(a) ? ' ' : '') + a;
      break;
    }
    case 'cast': s = `(${n.to})${wrapIf(print(n.a, d), precOf(n.a, d) < 13)}`; break;
    case 'bin': {
      const p = PREC[d][n.op];
      s = `${wrapIf(print(n.a, d), precOf(n.a, d) < p)} ${n.op} ${wrapIf(print(n.b, d), precOf(n.b, d) <= p)}`;
      break;
    }
    case 'cond': s = `${wrapIf(print(n.c, d), precOf(n.c, d) <= 2)} ? ${print(n.a, d)} : ${print(n.b, d)}`; break;
  }
  return n.paren ? `(${s})` : s;
}

// ---- reference evaluation -----------------------------------------------------------------------

class RefError extends Error { constructor(readonly code: string) { super(code); } }

const CASTS: Record<string, (m: Model) => Ty> = {
  int: (m) => m.int, unsigned: (m) => m.uint, 'unsigned int': (m) => m.uint, long: (m) => m.long, 'unsigned long': (m) => m.ulong,
  'long long': (m) => m.llong, 'unsigned long long': (m) => m.ullong, 'long unsigned int': (m) => m.ulong,
  short: () => SHORT, 'unsigned short': () => USHORT, char: () => CHAR, 'signed char': () => SCHAR, 'unsigned char': () => UCHAR,
  u8: () => UCHAR, u16: () => USHORT, u32: (m) => m.uint, u64: (m) => m.ullong, s8: () => SCHAR, s16: () => SHORT, s32: (m) => m.int, s64: (m) => m.llong,
  uint64_t: (m) => m.ullong, int32_t: (m) => m.int, size_t: (m) => m.ulong, uintptr_t: (m) => m.ulong,
};

/** The static type of a C expression (it does not depend on values). */
function typeOfC(n: Node, m: Model): Ty {
  switch (n.k) {
    case 'lit': return literalType(n.v, n.suffix, n.radix === 'dec', m);
    case 'cast': return CASTS[n.to](m);
    case 'un': return n.op === '!' ? m.int : promote(typeOfC(n.a, m), m);
    case 'cond': return usual(typeOfC(n.a, m), typeOfC(n.b, m), m);
    case 'bin':
      if (['==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(n.op)) return m.int;
      if (n.op === '<<' || n.op === '>>') return promote(typeOfC(n.a, m), m);
      return usual(typeOfC(n.a, m), typeOfC(n.b, m), m);
  }
}

/** C semantics; operands evaluated left to right (the first error wins, as in the evaluator). */
function evalC(n: Node, m: Model): bigint {
  const t = typeOfC(n, m);
  switch (n.k) {
    case 'lit': return wrap(n.v, t);
    case 'cast': return wrap(evalC(n.a, m), t);
    case 'un': {
      const a = evalC(n.a, m);
      if (n.op === '!') return a === 0n ? 1n : 0n;
      return wrap(n.op === '-' ? -a : n.op === '~' ? ~a : a, t);
    }
    case 'cond': {
      const c = evalC(n.c, m);
      return wrap(c !== 0n ? evalC(n.a, m) : evalC(n.b, m), t);
    }
    case 'bin': {
      if (n.op === '&&') return evalC(n.a, m) === 0n ? 0n : evalC(n.b, m) !== 0n ? 1n : 0n;
      if (n.op === '||') return evalC(n.a, m) !== 0n ? 1n : evalC(n.b, m) !== 0n ? 1n : 0n;
      const a = evalC(n.a, m), b = evalC(n.b, m);
      if (n.op === '<<' || n.op === '>>') {
        if (b < 0n) throw new RefError('negative-shift');
        if (b >= BigInt(t.bits)) throw new RefError('shift-past-width');
        return n.op === '<<' ? wrap(a << b, t) : wrap(a, t) >> b;
      }
      const ct = usual(typeOfC(n.a, m), typeOfC(n.b, m), m);
      const x = wrap(a, ct), y = wrap(b, ct);
      switch (n.op) {
        case '+': return wrap(x + y, t);
        case '-': return wrap(x - y, t);
        case '*': return wrap(x * y, t);
        case '/': if (y === 0n) throw new RefError('division-by-zero'); return wrap(x / y, t); // BigInt truncates toward zero, as C does
        case '%': if (y === 0n) throw new RefError('division-by-zero'); return wrap(x % y, t);
        case '&': return wrap(x & y, t);
        case '|': return wrap(x | y, t);
        case '^': return wrap(x ^ y, t);
        case '==': return x === y ? 1n : 0n;
        case '!=': return x !== y ? 1n : 0n;
        case '<': return x < y ? 1n : 0n;
        case '<=': return x <= y ? 1n : 0n;
        case '>': return x > y ? 1n : 0n;
        case '>=': return x >= y ? 1n : 0n;
      }
    }
  }
  throw new Error(`reference: unknown node ${JSON.stringify(n, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}

/** GNU ld (unsigned 64-bit, comparisons 1/0) and GNU as (64-bit; / % and comparisons signed, true is -1). */
function evalAsm(n: Node, d: 'ld' | 'gas'): bigint {
  const u = (v: bigint) => BigInt.asUintN(64, v), s = (v: bigint) => BigInt.asIntN(64, v);
  const truth = (c: boolean) => (c ? (d === 'gas' ? U64 : 1n) : 0n);
  switch (n.k) {
    case 'lit': return n.radix === 'dec' && n.suffix === 'K' && d === 'ld' ? n.v : n.v;
    case 'cast': throw new Error('no casts in assembler expressions');
    case 'un': {
      const a = evalAsm(n.a, d);
      return n.op === '!' ? (a === 0n ? 1n : 0n) : u(n.op === '-' ? -a : n.op === '~' ? ~a : a);
    }
    case 'cond': return evalAsm(n.c, d) !== 0n ? evalAsm(n.a, d) : evalAsm(n.b, d);
    case 'bin': {
      if (n.op === '&&') return evalAsm(n.a, d) === 0n ? 0n : evalAsm(n.b, d) !== 0n ? 1n : 0n;
      if (n.op === '||') return evalAsm(n.a, d) !== 0n ? 1n : evalAsm(n.b, d) !== 0n ? 1n : 0n;
      const a = evalAsm(n.a, d), b = evalAsm(n.b, d);
      const [x, y] = d === 'gas' ? [s(a), s(b)] : [a, b];
      switch (n.op) {
        case '+': return u(a + b);
        case '-': return u(a - b);
        case '*': return u(a * b);
        case '/': if (b === 0n) throw new RefError('division-by-zero'); return u(x / y);
        case '%': if (b === 0n) throw new RefError('division-by-zero'); return u(x % y);
        case '<<': case '>>':
          if (s(b) < 0n) throw new RefError('negative-shift');
          if (b >= 64n) throw new RefError('shift-past-width');
          return n.op === '<<' ? u(a << b) : a >> b;
        case '&': return a & b;
        case '|': return a | b;
        case '^': return a ^ b;
        case '==': return truth(x === y);
        case '!=': return truth(x !== y);
        case '<': return truth(x < y);
        case '<=': return truth(x <= y);
        case '>': return truth(x > y);
        case '>=': return truth(x >= y);
      }
    }
  }
  throw new Error('reference: unknown node');
}

// ---- generators ---------------------------------------------------------------------------------

/** Values near the boundaries where C's rules change are far more likely than uniform ones to find bugs. */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 70n }) },
  { weight: 3, arbitrary: fc.constantFrom(0n, 1n, 31n, 32n, 63n, 64n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, (1n << 63n) - 1n, 1n << 63n, U64, U64 - 1n, 0xffff880000000000n, 0xffffffff80000000n, 4096n, 1n << 21n) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: U64 }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 0xffffffffn }) },
);
const radix = fc.constantFrom<Radix>('hex', 'HEX', 'dec', 'oct', 'bin', 'sep');
const U_SUFFIXES = ['U', 'u', 'UL', 'ul', 'Ul', 'uL', 'LU', 'lu', 'ULL', 'ull', 'uLL', 'LLU', 'llu', 'LLu'];
const ALL_SUFFIXES = [...U_SUFFIXES, '', '', '', 'L', 'l', 'LL', 'll'];

interface GenSpec { dialect: Dialect; suffixes: string[]; casts: boolean; cond: boolean; maxDepth: number }

function exprArb(spec: GenSpec): fc.Arbitrary<Node> {
  const ops = Object.keys(PREC[spec.dialect]);
  const lit = fc.record({ v: value, radix, suffix: fc.constantFrom(...spec.suffixes) }).map((l): Node => ({ k: 'lit', ...l }));
  const castNames = Object.keys(CASTS);
  const { expr } = fc.letrec<{ expr: Node }>((tie) => {
    const sub = tie('expr');
    const arms: fc.Arbitrary<Node>[] = [
      lit,
      fc.record({ op: fc.constantFrom<'-' | '~' | '!' | '+'>('-', '~', '!', ...(spec.dialect === 'gas' ? [] : ['+' as const])), a: sub, paren: fc.boolean() }).map((x): Node => ({ k: 'un', ...x })),
      fc.record({ op: fc.constantFrom(...ops), a: sub, b: sub, paren: fc.boolean() }).map((x): Node => ({ k: 'bin', ...x })),
      fc.record({ op: fc.constantFrom(...ops), a: sub, b: sub, paren: fc.boolean() }).map((x): Node => ({ k: 'bin', ...x })),
    ];
    if (spec.casts) arms.push(fc.record({ to: fc.constantFrom(...castNames), a: sub, paren: fc.boolean() }).map((x): Node => ({ k: 'cast', ...x })));
    if (spec.cond) arms.push(fc.record({ c: sub, a: sub, b: sub, paren: fc.boolean() }).map((x): Node => ({ k: 'cond', ...x })));
    return { expr: fc.oneof({ maxDepth: spec.maxDepth, depthSize: 'small' }, ...arms) };
  });
  return expr;
}

// ---- comparison ---------------------------------------------------------------------------------

const show = (a: EvalAlternative) => JSON.stringify({ value: a.value?.toString(), type: a.type, error: a.error, code: a.errorCode });

function checkC(n: Node, m: Model, modeId: string): void {
  const text = print(n, 'c');
  const alt = primary(evaluateExpression(text, { dialect: 'c', mode: getMode(modeId)! }));
  let expected: bigint | RefError;
  try { expected = evalC(n, m); } catch (e) { if (e instanceof RefError) expected = e; else throw e; }
  if (expected instanceof RefError) {
    assert.equal(alt.value, undefined, `${text}: expected "cannot evaluate" (${expected.code}), got ${show(alt)}`);
    assert.match(alt.error ?? '', /^cannot evaluate: \S/, text);
    assert.equal(alt.errorCode, expected.code, `${text}: ${show(alt)}`);
    return;
  }
  const t = typeOfC(n, m);
  assert.equal(alt.error, undefined, `${text}: expected ${expected} (${t.name}), got ${show(alt)}`);
  assert.equal(alt.value, expected, `${text}: value (${t.name}); got ${show(alt)}`);
  assert.equal(alt.u64, BigInt.asUintN(64, expected), text);
  assert.deepEqual({ bits: alt.type?.bits, signed: alt.type?.signed }, { bits: t.bits, signed: t.signed }, `${text}: type should be ${t.name}; got ${show(alt)}`);
}

function checkAsm(n: Node, d: 'ld' | 'gas'): void {
  const text = print(n, d);
  const alt = primary(evaluateExpression(text, { dialect: d }));
  let expected: bigint | RefError;
  try { expected = evalAsm(n, d); } catch (e) { if (e instanceof RefError) expected = e; else throw e; }
  if (expected instanceof RefError) {
    assert.equal(alt.value, undefined, `${d}: ${text}: expected "cannot evaluate" (${expected.code}), got ${show(alt)}`);
    assert.equal(alt.errorCode, expected.code, `${d}: ${text}: ${show(alt)}`);
    assert.match(alt.error ?? '', /^cannot evaluate: \S/);
    return;
  }
  assert.equal(alt.error, undefined, `${d}: ${text}: expected ${expected}, got ${show(alt)}`);
  assert.equal(alt.u64, expected, `${d}: ${text}: got ${show(alt)}`);
}

// ---- properties ---------------------------------------------------------------------------------

test('C, unsigned literals (U/UL/ULL, hex/dec/octal/binary/separators): the evaluator agrees with BigInt C on LP64', HANG, () => {
  fc.assert(fc.property(exprArb({ dialect: 'c', suffixes: U_SUFFIXES, casts: false, cond: true, maxDepth: 5 }), (n) => checkC(n, LP64, 'x86_64-4level')), opts);
});

test('C, signed and unsigned literals and casts: the evaluator agrees with BigInt C on LP64', HANG, () => {
  fc.assert(fc.property(exprArb({ dialect: 'c', suffixes: ALL_SUFFIXES, casts: true, cond: true, maxDepth: 5 }), (n) => checkC(n, LP64, 'x86_64-4level')), opts);
});

test('C on a 32-bit layout (ILP32: long is 32 bits): the evaluator agrees with BigInt C', HANG, () => {
  fc.assert(fc.property(exprArb({ dialect: 'c', suffixes: ALL_SUFFIXES, casts: true, cond: true, maxDepth: 4 }), (n) => checkC(n, ILP32, 'x86_32')), opts);
});

test('GNU ld expressions (64-bit unsigned, every ld radix form, K multiplier, ?:) agree with the reference', HANG, () => {
  fc.assert(fc.property(exprArb({ dialect: 'ld', suffixes: ['', 'K'], casts: false, cond: true, maxDepth: 5 }), (n) => checkAsm(n, 'ld')), opts);
});

test('GNU as expressions (as precedence, signed / % and comparisons, -1 for true) agree with the reference', HANG, () => {
  fc.assert(fc.property(exprArb({ dialect: 'gas', suffixes: ['', '', 'UL', 'ULL'], casts: false, cond: false, maxDepth: 5 }), (n) => checkAsm(n, 'gas')), opts);
});

test('reference self-check: hand-worked C cases', () => {
  const lit = (v: bigint, suffix = '', r: Radix = 'dec'): Node => ({ k: 'lit', v, radix: r, suffix });
  const bin = (op: string, a: Node, b: Node): Node => ({ k: 'bin', op, a, b, paren: false });
  // -1 < 0U is false in C (int converted to unsigned int).
  assert.equal(evalC(bin('<', { k: 'un', op: '-', a: lit(1n), paren: false }, lit(0n, 'U')), LP64), 0n);
  // -1L < 0U is true on LP64 (long holds every unsigned int) and false on ILP32.
  assert.equal(evalC(bin('<', { k: 'un', op: '-', a: lit(1n, 'L'), paren: false }, lit(0n, 'U')), LP64), 1n);
  assert.equal(evalC(bin('<', { k: 'un', op: '-', a: lit(1n, 'L'), paren: false }, lit(0n, 'U')), ILP32), 0n);
  // 0xffffffff is unsigned int; 4294967295 is long.
  assert.equal(typeOfC(lit(0xffffffffn, '', 'hex'), LP64).name, 'unsigned int');
  assert.equal(typeOfC(lit(0xffffffffn), LP64).name, 'long');
  assert.throws(() => evalC(bin('<<', lit(1n), lit(32n)), LP64), RefError);
  assert.equal(evalC(bin('<<', lit(1n, 'UL'), lit(63n)), LP64), 1n << 63n);
  assert.equal(print(bin('-', lit(1n), { k: 'un', op: '-', a: { k: 'un', op: '-', a: lit(2n), paren: false }, paren: false }), 'c'), '1 - - -2');
});

test('regressions found by fuzzing', () => {
  // ?: has the common type of both branches even when the untaken one cannot be evaluated (C11 6.5.15):
  // (0 ? 1U / 0 : -1) is unsigned int, so it is not below 0. The evaluator used to give the result
  // the type of the taken branch alone when the other one failed (int here, so 1).
  assert.equal(primary(evaluateExpression('(0 ? 1U / 0 : -1) < 0')).value, 0n);
  assert.equal(primary(evaluateExpression('(1 ? -1 : 1UL << 64) > 0')).value, 1n);
  const t = primary(evaluateExpression('0 ? 0U >> 32 : 0'));
  assert.deepEqual([t.value, t.type?.bits, t.type?.signed], [0n, 32, false]);
  // The untaken branch's error does not become the result's.
  assert.equal(primary(evaluateExpression('1 ? 2 : 1 / 0')).value, 2n);
});
