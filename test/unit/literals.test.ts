// Numeric literals of C, GNU as, NASM and ld: every form, exact values, suffixes and radices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCLiteral, parseGasLiteral, parseNasmLiteral, parseLdLiteral, parseCharLiteral, parseLiteral } from '../../src/engine/source/literals';

const v = (x: { value: bigint } | undefined) => x?.value;

test('C: hex, octal, decimal, binary', () => {
  assert.equal(v(parseCLiteral('0xffff880000000000')), 0xffff880000000000n);
  assert.equal(v(parseCLiteral('0XFFFFe000')), 0xffffe000n);
  assert.equal(parseCLiteral('0x1f')?.radix, 16);
  assert.equal(v(parseCLiteral('017')), 15n);
  assert.equal(parseCLiteral('017')?.radix, 8);
  assert.equal(v(parseCLiteral('0')), 0n);
  assert.equal(parseCLiteral('0')?.radix, 10);
  assert.equal(v(parseCLiteral('42')), 42n);
  assert.equal(v(parseCLiteral('0b1010')), 10n);
  assert.equal(v(parseCLiteral('0B11')), 3n);
  assert.equal(parseCLiteral('0b1010')?.radix, 2);
  assert.equal(v(parseCLiteral('18446744073709551615')), (1n << 64n) - 1n);
});

test('C: invalid digits and malformed literals are rejected', () => {
  for (const bad of ['08', '019', '0x', '0xg1', '0b102', '12abc', '1.5', '0x1.8p3', 'UL', '1lL', '1Ll', '1uu', '1lll', "1''0", "'1", "10'"]) {
    assert.equal(parseCLiteral(bad), undefined, bad);
  }
});

test('C23 digit separators', () => {
  assert.equal(v(parseCLiteral("0xffff'8800'0000'0000")), 0xffff880000000000n);
  assert.equal(v(parseCLiteral("1'000'000")), 1000000n);
  assert.equal(v(parseCLiteral("0b1010'1010")), 0xaan);
  assert.equal(v(parseCLiteral("0'17")), 15n);
  assert.equal(parseCLiteral("0x'ff"), undefined);
});

test('C: every mix and case of U/L/LL suffixes', () => {
  const cases: [string, boolean, string][] = [
    ['1u', true, 'int'], ['1U', true, 'int'], ['1l', false, 'long'], ['1L', false, 'long'], ['1ll', false, 'long long'], ['1LL', false, 'long long'],
    ['1ul', true, 'long'], ['1UL', true, 'long'], ['1uL', true, 'long'], ['1Ul', true, 'long'], ['1lu', true, 'long'], ['1LU', true, 'long'], ['1Lu', true, 'long'], ['1lU', true, 'long'],
    ['1ull', true, 'long long'], ['1ULL', true, 'long long'], ['1uLL', true, 'long long'], ['1Ull', true, 'long long'],
    ['1llu', true, 'long long'], ['1LLU', true, 'long long'], ['1LLu', true, 'long long'], ['1llU', true, 'long long'],
    ['0xffUL', true, 'long'], ['0xFFFFFFFFFFFFFFFFULL', true, 'long long'], ['017L', false, 'long'], ['0b1u', true, 'int'],
  ];
  for (const [text, uns, rank] of cases) {
    const p = parseCLiteral(text);
    assert.ok(p, text);
    assert.equal(p!.unsigned, uns, text);
    assert.equal(p!.rank, rank, text);
    assert.equal(p!.suffix, text.replace(/^(0[xXbB])?[0-9a-fA-F']+?(?=[uUlL]*$)/, ''), text);
  }
  assert.equal(v(parseCLiteral('0xffffffff80000000UL')), 0xffffffff80000000n);
});

test('GNU as: C forms, local label references are not numbers', () => {
  assert.equal(v(parseGasLiteral('0x1000')), 0x1000n);
  assert.equal(v(parseGasLiteral('0b101')), 5n);
  assert.equal(v(parseGasLiteral('010')), 8n);
  assert.equal(parseGasLiteral('1f'), undefined);
  assert.equal(parseGasLiteral('2b'), undefined);
  assert.equal(v(parseGasLiteral('0x1fUL')), 0x1fn);
});

test('NASM: h/x/d/o/q/b/y suffixes, 0x/0h/0d/0o/0q/0b/0y prefixes, $ prefix, underscores', () => {
  const cases: [string, bigint][] = [
    ['0FFFFh', 0xffffn], ['0ffffH', 0xffffn], ['0c8h', 0xc8n], ['0c8x', 0xc8n], ['0xc8', 0xc8n], ['0hc8', 0xc8n], ['$0c8', 0xc8n], ['$0FFFF', 0xffffn],
    ['200', 200n], ['0200d', 200n], ['0d200', 200n], ['0200t', 200n], ['310q', 200n], ['310o', 200n], ['0o310', 200n], ['0q310', 200n],
    ['11001000b', 200n], ['1100_1000y', 200n], ['0b1100_1000', 200n], ['0y1100_1000', 200n], ['0xffff_8800_0000_0000', 0xffff880000000000n],
    ['0FFFF_FFFF_8000_0000h', 0xffffffff80000000n],
  ];
  for (const [t, want] of cases) assert.equal(v(parseNasmLiteral(t)), want, t);
  for (const bad of ['FFFFh', '0x', '19q', '12b', '$', '$x', '0xg']) assert.equal(parseNasmLiteral(bad), undefined, bad);
});

test('ld: hex, octal, decimal, radix suffixes and K/M scaling', () => {
  const cases: [string, bigint][] = [
    ['0xffffffff80000000', 0xffffffff80000000n], ['4096', 4096n], ['010', 8n], ['64K', 65536n], ['2M', 2097152n], ['128k', 131072n], ['1m', 1048576n],
    ['0x10K', 0x4000n], ['$1000', 0x1000n], ['1000h', 0x1000n], ['17o', 15n], ['101b', 5n], ['99d', 99n],
  ];
  for (const [t, want] of cases) assert.equal(v(parseLdLiteral(t)), want, t);
  assert.equal(parseLdLiteral('64K')?.scale, 1024n);
  assert.equal(parseLdLiteral('08'), undefined);
  assert.equal(parseLdLiteral('K'), undefined);
});

test('parseLiteral dispatches by dialect', () => {
  assert.equal(v(parseLiteral('0FFh', 'nasm')), 255n);
  assert.equal(parseLiteral('0FFh', 'c'), undefined);
  assert.equal(v(parseLiteral('4K', 'ld')), 4096n);
  assert.equal(parseLiteral('4K', 'c'), undefined);
  assert.equal(v(parseLiteral('0x10', 'gas')), 16n);
});

test('character constants', () => {
  assert.equal(parseCharLiteral("'a'"), 97n);
  assert.equal(parseCharLiteral("'\\n'"), 10n);
  assert.equal(parseCharLiteral("'\\x41'"), 65n);
  assert.equal(parseCharLiteral("'\\101'"), 65n);
  assert.equal(parseCharLiteral("'\\0'"), 0n);
  assert.equal(parseCharLiteral("'\\xff'"), -1n);
  assert.equal(parseCharLiteral("'ab'"), 0x6162n);
  assert.equal(parseCharLiteral("''"), undefined);
});
