// Pathological input to the engine's public API: every call returns (an answer or a clear
// "cannot evaluate" reason) instead of throwing or hanging. Each test has a generous timeout
// that only a hang would reach; speed is measured in bench/, not here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../src/engine/source/analysis';
import { evaluateExpression, primary } from '../../src/engine/source/evaluate';
import { parseLayout } from '../../src/engine/paging/layouts';
import { getMode } from '../../src/engine/paging/modes';

const mode = getMode('x86_64-4level')!;
const HANG = { timeout: 120_000 };

function analyse(text: string, file = '/virtual/x.h', readFile?: (p: string) => string | undefined) {
  const a = analyzeText(text, { file, languageId: 'c', mode, readFile });
  // Touch everything a hover, an inlay hint or a rule would.
  const defs = a.definitions;
  for (const d of defs.slice(0, 200)) a.deriveDefinition(d);
  return { a, literals: a.literals.length, defs: defs.length };
}

test('10,000-deep nested parentheses: a reason, not a stack overflow', HANG, () => {
  const deep = '('.repeat(10_000) + '1' + ')'.repeat(10_000);
  const r = primary(evaluateExpression(deep));
  assert.equal(r.value, undefined);
  assert.match(r.error ?? '', /^cannot evaluate: .*(deep|nest)/i);
  const { a } = analyse(`#define DEEP ${deep}\n#define OK 0x1000\n`);
  assert.equal(primary(a.evaluate('OK')).value, 0x1000n);
  assert.match(primary(a.evaluate('DEEP')).error ?? '', /cannot evaluate/);
  // Unbalanced nesting too.
  assert.match(primary(evaluateExpression('('.repeat(50_000))).error ?? '', /cannot evaluate/);
});

test('cyclic and mutually recursive macros: "recursive" reasons, other names still evaluate', HANG, () => {
  const { a } = analyse('#define A (B + 1)\n#define B (C * 2)\n#define C (A - 3)\n#define SELF SELF\n#define F(x) F(x)\n#define G(x) H(x)\n#define H(x) G(x)\n#define OK (0xffff880000000000UL)\n');
  for (const n of ['A', 'B', 'C', 'SELF', 'F(1)', 'G(2)']) {
    const r = primary(a.evaluate(n));
    assert.equal(r.value, undefined, n);
    assert.match(r.error ?? '', /cannot evaluate/, n);
  }
  assert.equal(primary(a.evaluate('OK')).value, 0xffff880000000000n);
});

test('exponential macro expansion is cut off by the step budget', HANG, () => {
  const lines = ['#define X0 1'];
  for (let i = 1; i <= 64; i++) lines.push(`#define X${i} (X${i - 1} + X${i - 1})`);
  const { a } = analyse(lines.join('\n'));
  // Small expansions still evaluate; a 2^64-token expansion stops at the budget with a reason.
  assert.equal(primary(a.evaluate('X10')).value, 1024n);
  const r = primary(a.evaluate('X64'));
  assert.equal(r.value, undefined);
  assert.match(r.error ?? '', /^cannot evaluate: too many steps/);
});

test('100,000 #defines in one file', HANG, () => {
  const text = Array.from({ length: 100_000 }, (_, i) => `#define SYM_${i}\t_AC(0x${(0xffff888000000000n + BigInt(i) * 4096n).toString(16)}, UL)`).join('\n');
  const { a, defs, literals } = analyse(text);
  assert.equal(defs, 100_000);
  assert.equal(literals, 100_000);
  assert.equal(primary(a.evaluate('SYM_99999')).value, 0xffff888000000000n + 99_999n * 4096n);
});

test('a 1 MB single line and a 20 MB file of ordinary code', HANG, () => {
  const line = '#define LONG (' + Array.from({ length: 60_000 }, (_, i) => `0x${(i * 4096).toString(16)}`).join(' | ') + ')';
  assert.ok(line.length > 500_000);
  const one = analyse(line + '\n' + 'x'.repeat(1_000_000));
  assert.equal(one.defs, 1);
  const r = primary(one.a.evaluate('LONG'));
  assert.ok(r.value !== undefined || /cannot evaluate/.test(r.error ?? ''));
  const chunk = '#define PAGE_OFFSET_X\t_AC(0xffff888000000000, UL)\nstatic int f(int a) { return a * 4096 + 0x1000; } /* 0xdeadbeef */\n';
  const big = chunk.repeat(Math.ceil(20_000_000 / chunk.length));
  const res = analyse(big);
  assert.ok(res.literals > 400_000);
});

test('binary data and invalid UTF-8 decoded as text', HANG, () => {
  const bytes = Buffer.alloc(2_000_000);
  let s = 12345;
  for (let i = 0; i < bytes.length; i++) { s = (s * 1103515245 + 12345) & 0x7fffffff; bytes[i] = s & 0xff; }
  const asText = bytes.toString('utf8'); // invalid sequences become U+FFFD, as VS Code shows them
  const r = analyse(asText);
  assert.ok(r.literals >= 0 && r.defs >= 0);
  const latin = analyse(bytes.toString('latin1'));
  assert.ok(latin.literals >= 0);
  const res = parseLayout(asText.slice(0, 100_000), 'binary.json');
  assert.equal(res.layout, undefined);
  assert.match(res.problems[0].message, /JSON syntax error/);
});

test('an #include cycle and a self-include terminate with the definitions of each file once', HANG, () => {
  const files: Record<string, string> = {
    '/ws/a.h': '#include "b.h"\n#define A_BASE 0xffff888000000000UL\n',
    '/ws/b.h': '#include "a.h"\n#include "b.h"\n#define B_SIZE (1UL << 30)\n',
  };
  let reads = 0;
  const readFile = (p: string) => { reads++; return files[p]; };
  const { a } = analyse('#include "a.h"\n#define END (A_BASE + B_SIZE - 1)\n', '/ws/main.c', readFile);
  assert.equal(primary(a.evaluate('END')).value, 0xffff888000000000n + (1n << 30n) - 1n);
  assert.ok(reads < 50, `${reads} reads`);
});

test('division by zero, shifts past the width, undefined names: each a named reason', () => {
  const cases: [string, RegExp][] = [
    ['1 / 0', /division by zero/i],
    ['1 % 0', /(division|remainder|modulo) by zero/i],
    ['1UL << 64', /shift/i],
    ['1UL << -1', /shift/i],
    ['NO_SUCH_NAME + 1', /undefined|unresolved|unknown/i],
  ];
  for (const [expr, re] of cases) {
    const r = primary(evaluateExpression(expr));
    assert.equal(r.value, undefined, expr);
    assert.match(r.error ?? r.unresolved.join(','), re, expr);
  }
});
