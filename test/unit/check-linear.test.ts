// Growth of a whole-tree check (the engine's checkText as `paging-layout check` runs it) on hostile
// shapes: a table of literals on one line, and headers of many definitions in three styles. Not a
// speed target (bench/hostile.bench.mjs measures those against gcc): each test times n and 4n and
// fails when the work grows clearly faster than the input (a linear step gives about 4, a quadratic
// one 16; the bound is 8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { checkText } from '../../src/engine/rules/check';
import { getPreset } from '../../src/engine/paging/layouts';
import { layoutHeader, literalsOnLines, literalsOnOneLine, namedConstantsHeader, registerHeader } from '../support/hostileShapes';

const layout = getPreset('linux-x86_64-4level')!;
const check = (text: string, file: string) => checkText(text, file, { layout, family: 'c', fast: true });

/** The fastest of five runs (after one to warm up), in ms: a collection in one run does not decide. */
function timeOf(f: () => void): number {
  f();
  let best = Infinity;
  for (let r = 0; r < 5; r++) { const t0 = performance.now(); f(); best = Math.min(best, performance.now() - t0); }
  return best;
}

function growth(what: string, make: (n: number) => string, n: number, file: string): { small: number; large: number } {
  const a = make(n), b = make(4 * n);
  const small = timeOf(() => check(a, file)), large = timeOf(() => check(b, file));
  assert.ok(large / small < 8, `${what}: ${n} took ${small.toFixed(1)} ms, ${4 * n} took ${large.toFixed(1)} ms (${(large / small).toFixed(1)}x for 4x the input)`);
  return { small, large };
}

test('a table of literals on one line: linear in its literals, and no slower than the same table on a line each', { timeout: 120_000 }, () => {
  const one = growth('literals on one line', literalsOnOneLine, 5_000, '/gen/one.c');
  // The peer: the same 20,000 literals, one a line (generous: 3x, the benchmark's target).
  const lines = literalsOnLines(20_000);
  const peer = timeOf(() => check(lines, '/gen/lines.c'));
  assert.ok(one.large < 3 * peer + 20, `20,000 literals on one line ${one.large.toFixed(1)} ms, on 20,000 lines ${peer.toFixed(1)} ms`);
  // The table's literals are read (every one is a direct-map address: no finding, but each was looked at).
  assert.deepEqual(check(literalsOnOneLine(50).replace('0xffff888000000000', '0xfff8888000000000'), '/gen/arch/x86/mm/one.c').map((f) => f.code), ['PL001']);
});

test('a register header: linear in its definitions', { timeout: 120_000 }, () => {
  growth('register header', registerHeader, 25_000, '/gen/regs.h');
});

test('a header of named 32-bit constants: linear in its definitions', { timeout: 120_000 }, () => {
  growth('named constants', namedConstantsHeader, 10_000, '/gen/consts.h');
});

test('a layout header whose every definition is address-like: linear in its definitions', { timeout: 120_000 }, () => {
  growth('layout header', layoutHeader, 5_000, '/gen/layout.h');
});
