// The whole-tree line source's line numbers (LineIndex): asked in any order, forward, back and forward
// again, for offsets anywhere in a line and for line starts, they agree with the table of line starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex, lineOfOffset, lineStartsOf } from '../../src/engine/source';

const chars = (cs: string[]) => fc.array(fc.constantFrom(...cs), { maxLength: 300 }).map((a) => a.join(''));
// mostly `\n` line breaks (counted), sometimes `\r\n` or lone `\r` ones (the table)
const textArb = fc.oneof({ arbitrary: chars(['a', 'b', ' ', '#', '\n', '\n', '\n', '\\']), weight: 4 }, { arbitrary: chars(['a', ' ', '\n', '\r', '\r\n']), weight: 1 });

test('LineIndex.lineOf agrees with the table of line starts in any order of questions', () => {
  fc.assert(fc.property(textArb, fc.array(fc.nat(), { maxLength: 60 }), (text, raw) => {
    const table = lineStartsOf(text);
    const idx = new LineIndex(text);
    for (const r of raw) {
      const p = text.length === 0 ? 0 : r % (text.length + 1);
      assert.equal(idx.lineOf(p), lineOfOffset(table, p), `offset ${p} of ${JSON.stringify(text)}`);
    }
  }), { numRuns: 2000 });
});

test('LineIndex.startOf agrees with the table of line starts, after forward and backward questions', () => {
  fc.assert(fc.property(textArb, fc.array(fc.nat(), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 30 }), (text, offs, lines) => {
    const table = lineStartsOf(text);
    const idx = new LineIndex(text);
    const sorted = offs.map((o) => (text.length === 0 ? 0 : o % (text.length + 1))).sort((a, b) => a - b);
    for (const p of sorted.slice(0, sorted.length >> 1)) idx.lineOf(p);
    for (const l of lines) {
      const line = l % (table.length + 2);
      assert.equal(idx.startOf(line), table[line], `line ${line} of ${JSON.stringify(text)}`);
      if (sorted.length) idx.lineOf(sorted[l % sorted.length]);
    }
  }), { numRuns: 2000 });
});

test('LineIndex: a second pass over a long text is counted from checkpoints, the same as a fresh count', () => {
  const text = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `#define X${i} ${i}` : `int v${i};`)).join('\n');
  const table = lineStartsOf(text);
  const idx = new LineIndex(text);
  for (let l = 0; l < table.length; l += 7) assert.equal(idx.lineOf(table[l]), l);
  for (let l = 3; l < table.length; l += 11) assert.equal(idx.lineOf(table[l] + 2), l);
  for (let l = 1; l < table.length; l += 13) assert.equal(idx.startOf(l), table[l]);
});
