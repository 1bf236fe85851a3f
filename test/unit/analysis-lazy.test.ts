// The analysis lexes a document without making tokens (document.ts): lines, states, numbers and lazy
// `#define`s, tokens made on demand, re-lexing only what an edit touches. Differential tests against
// the full tokenization (scanText, extractDirectives, preprocess, the number tokens of every line):
// the example files, the fixture headers and generated headers, in every family and line-break style,
// fresh and after random edits; and the fast literal check against the literal parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { AnalysisOptions, analyzeText, DocumentAnalysis, DocumentAnalyzer, literalValid } from '../../src/engine/source/analysis';
import { commonPrefix, commonSuffix } from '../../src/engine/source/document';
import { deriveName } from '../../src/engine/source/evaluate';
import { LiteralDialect, parseLiteral } from '../../src/engine/source/literals';
import { getMode } from '../../src/engine/paging/modes';
import { extractDirectives, LazyDefine, preprocess, PreprocessResult } from '../../src/engine/source';
import { familyFor, LineScan, scanOptionsFor, scanText } from '../../src/engine/source/scanner';
import { generateHeader } from '../../bench/analysis.bench';

const mode = getMode('x86_64-4level')!;
const REPO = path.resolve(__dirname, '../../..');
const seed = Number(process.env.PAGING_LAYOUT_FUZZ_SEED ?? 20260101);
const numRuns = Number(process.env.PAGING_LAYOUT_FUZZ_RUNS ?? 300);

const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
const SOURCES = [...walk(path.join(REPO, 'examples')), ...walk(path.join(REPO, 'test/fixtures'))].filter((f) => /\.(h|S|s|asm|inc|ld|lds|c)$/.test(f)).sort();
const readFile = (p: string) => { try { return fs.readFileSync(p, 'utf8'); } catch { return undefined; } };
const json = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

/** What the analysis shows, from the full tokenization of the text (the pipeline before lazy lexing). */
function reference(text: string, opts: AnalysisOptions) {
  const family = opts.family ?? familyFor(opts.languageId, opts.file) ?? 'c';
  const scans = scanText(text, family, scanOptionsFor(opts.languageId, opts.file));
  const pre = preprocess(extractDirectives(scans, family), { ...opts, family });
  const literals: unknown[] = [];
  scans.forEach((s, line) => {
    for (const t of s.tokens) {
      if (t.kind !== 'number') continue;
      const p = parseLiteral(t.text, family);
      if (p) literals.push([line, t.start, t.end, t.text, p.value, p.radix, p.suffix]);
    }
  });
  return { family, scans, pre, literals };
}

function defRows(pre: PreprocessResult) {
  return pre.definitions.map((d) => [
    d.name, d.kind, d.line, d.nameStart, d.nameEnd, d.bodyStart, d.bodyEnd, d.bodyText, d.params, d.activity, d.conditions, d.endLine,
    d.def.name, d.def.params, d.def.variadic, d.def.body, d.def.bodyText, d.def.kind, d.def.origin, d.def.sig, d.def.conditions,
    d.nameTok, d.bodyFirst, d.bodyLast,
  ]);
}

const tableRows = (pre: PreprocessResult) => [...pre.table].map(([k, v]) => [k, v.map((d) => [d.sig, d.origin, d.body, d.params])]);

/** The analysis agrees with the full tokenization: literals, definitions, table, branches, scans, values. */
function assertMatches(a: DocumentAnalysis, text: string, opts: AnalysisOptions, label: string, values = true): void {
  const ref = reference(text, opts);
  assert.equal(json(a.literals.map((l) => [l.line, l.start, l.end, l.text, l.value, l.radix, l.suffix])), json(ref.literals), `${label}: literals`);
  assert.equal(json(defRows(a.pre)), json(defRows(ref.pre)), `${label}: definitions`);
  assert.equal(json(tableRows(a.pre)), json(tableRows(ref.pre)), `${label}: table`);
  assert.equal(json([a.branches, a.includes, a.problems]), json([ref.pre.branches, ref.pre.includes, ref.pre.problems]), `${label}: branches, includes, problems`);
  assert.equal(a.lineCount, ref.scans.length, `${label}: lines`);
  for (const d of a.definitions.filter((_, i) => i % 9 === 0).slice(0, 30)) {
    const rows = (xs: readonly { line: number; nameStart: number; bodyText: string }[]) => xs.map((x) => [x.line, x.nameStart, x.bodyText]);
    assert.equal(json(rows(a.definitionsOf(d.name))), json(rows(ref.pre.definitions.filter((r) => r.name === d.name))), `${label}: definitions of ${d.name}`);
  }
  const scanRows = (xs: readonly LineScan[]) => xs.map((x) => [x.tokens, x.directive, x.continuation, x.continues, x.endState]);
  assert.equal(json(scanRows(a.scans)), json(scanRows(ref.scans)), `${label}: scans`);
  if (!values) return;
  for (const d of a.definitions.filter((_, i) => i % 5 === 0).slice(0, 40)) {
    const mine = a.deriveName(d.name).alternatives.map((x) => [x.u64, x.error, x.conditions]);
    const theirs = deriveName(d.name, { dialect: ref.family, mode: opts.mode, lookup: ref.pre.lookup }).alternatives.map((x) => [x.u64, x.error, x.conditions]);
    assert.equal(json(mine), json(theirs), `${label}: value of ${d.name}`);
  }
}

const LANGUAGES = [undefined, 'c', 'asm', 'arm64', 'nasm', 'linkerscript'];

test('lazy analysis = full tokenization: example and fixture files, every family and line-break style', () => {
  assert.ok(SOURCES.length >= 10);
  for (const file of SOURCES) {
    const text = fs.readFileSync(file, 'utf8');
    for (const [style, variant] of [['LF', text], ['CRLF', text.replace(/\n/g, '\r\n')], ['CR', text.replace(/\n/g, '\r')]] as const) {
      for (const languageId of LANGUAGES) {
        const opts: AnalysisOptions = { file, languageId, mode, readFile, includeDirs: [path.join(REPO, 'examples/include')] };
        assertMatches(analyzeText(variant, opts), variant, opts, `${path.relative(REPO, file)} ${style} ${languageId}`, style === 'LF');
      }
    }
  }
});

test('lazy analysis = full tokenization: generated kernel-style headers', () => {
  for (let s = 1; s <= 4; s++) {
    const text = generateHeader(1500, s);
    const opts: AnalysisOptions = { languageId: 'c', mode, defines: s % 2 ? { CONFIG_FEATURE_3: true, CONFIG_FEATURE_5: false } : {} };
    assertMatches(analyzeText(text, opts), text, opts, `generated ${s}`);
  }
});

/** Random edits: insert a piece (digits, line breaks, comment and string openers, directives, continuations), maybe over some characters. */
function edits(text: string, count: number, seedValue: number, pieces: string[]): string[] {
  let s = seedValue;
  const rnd = (n: number) => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s % n; };
  const out: string[] = [];
  for (let r = 0; r < count; r++) {
    const at = rnd(text.length + 1);
    const len = rnd(4) === 0 ? rnd(40) : rnd(2);
    text = text.slice(0, at) + pieces[rnd(pieces.length)] + text.slice(at + len);
    out.push(text);
  }
  return out;
}

const PIECES = ['1', '7', 'x', '(', '', '\n', '\r\n', '\r', '\\\n', ' \\', '\\', '/*', '*/', '//', '"', "'", '#define Q 5\n', '#define F(a) (a)\n', '#if X\n', '#else\n', '#endif\n', '#', 'define', '.set Z, 1\n', 'Y = 2;\n', '; c'];

test('re-analysis after edits = a fresh analysis = full tokenization (examples, generated header)', () => {
  const files = SOURCES.filter((_, i) => i % 3 === 0).concat(['generated']);
  for (const file of files) {
    const base = file === 'generated' ? generateHeader(400, 9) : fs.readFileSync(file, 'utf8');
    const opts: AnalysisOptions = { file: file === 'generated' ? '/src/generated.h' : file, mode };
    const az = new DocumentAnalyzer(opts);
    const first = az.analyze(base);
    void first.literals.length;
    let r = 0;
    for (const text of edits(base, 40, 17 + file.length, PIECES)) {
      const inc = az.analyze(text);
      if (r % 4 === 0) for (let line = 0; line < inc.lineCount; line += 7) inc.tokenAt(line, 3); // scans made before the next edit
      assertMatches(inc, text, opts, `${path.basename(file)} edit ${r}`, r % 8 === 0);
      r++;
    }
  }
});

test('typing into a line and deleting it again, keystroke by keystroke = full tokenization', () => {
  const base = generateHeader(300, 4);
  const opts: AnalysisOptions = { languageId: 'c', mode };
  const az = new DocumentAnalyzer(opts);
  az.analyze(base);
  let s = 5;
  const rnd = (n: number) => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s % n; };
  const typed = ['1', '2', 'x', ' ', '+', '(', 'A', ')', '\n', '#', 'd', 'e', 'f', 'i', 'n', 'e', ' ', 'N', 'E', 'W', ' ', '7', '/', '*', '*', '/', '\\'];
  let text = base;
  for (let round = 0; round < 12; round++) {
    let at = rnd(text.length);
    const count = 3 + rnd(typed.length - 3);
    for (let k = 0; k < count; k++) {
      text = text.slice(0, at) + typed[k] + text.slice(at);
      at++;
      assertMatches(az.analyze(text), text, opts, `round ${round} typed ${k}`, k % 4 === 0);
    }
    for (let k = 0; k < count; k++) {
      text = text.slice(0, at - 1) + text.slice(at);
      at--;
      assertMatches(az.analyze(text), text, opts, `round ${round} deleted ${k}`, k % 4 === 0);
    }
    assert.equal(text, base);
  }
});

test('what an edit makes does not hold that version of the text', () => {
  // Directives of an edited line outlive the version of the text they were read from (later versions keep
  // them while the line is unchanged): they keep a copy of their lines, not the whole text.
  const base = generateHeader(2000, 6);
  const az = new DocumentAnalyzer({ languageId: 'c', mode });
  az.analyze(base);
  const lines = base.split('\n');
  const ln = lines.findIndex((l, i) => i > 100 && l.startsWith('#define') && !l.endsWith('\\'));
  lines[ln] = lines[ln].replace('#define R', '#define Q');
  const a = az.analyze(lines.join('\n'));
  const rec = a.pre.definitions.find((x) => x.line === ln)!;
  assert.ok(rec.name.startsWith('Q'));
  assert.equal((rec.directive as LazyDefine).src.text, lines[ln]);
  assert.equal(rec.bodyText, reference(lines.join('\n'), { languageId: 'c', mode }).pre.definitions.find((x) => x.line === ln)!.bodyText);
});

test('an #if whose condition is edited away keeps its (empty) condition on the definitions under it', () => {
  // Found by the property below at 20,000 runs: the definition cache took "no conditions" and "one empty
  // condition" for the same list.
  const opts: AnalysisOptions = { languageId: 'arm64', mode };
  const before = '#if X\n 1 #define F(a) (a)\n 1 \r\n .set Z, 1\n #if X\n */';
  const after = '#if\r\n 1 #define F(a) (a)\n 1 \r\n .set Z, 1\n #if X\n */';
  const az = new DocumentAnalyzer(opts);
  az.analyze(before);
  const z = az.analyze(after).definitions.find((d) => d.name === 'Z');
  assert.deepEqual(z?.conditions, [{ text: '', negated: false }]);
  assertMatches(az.analyze(after), after, opts, 'edited #if', false);
});

test('re-analysis after random edits in every family = full tokenization (property)', () => {
  const line = fc.array(fc.constantFrom(...PIECES, 'A', 'B', '0x10', '+', ' ', '\t', 'equ', '=', ';', '%define', '.equ'), { maxLength: 8 }).map((a) => a.join(' '));
  const doc = fc.array(line, { maxLength: 25 }).map((ls) => ls.join('\n'));
  fc.assert(fc.property(doc, fc.array(fc.tuple(fc.nat(), fc.nat(6), fc.constantFrom(...PIECES)), { minLength: 1, maxLength: 5 }), fc.constantFrom('c', 'asm', 'arm64', 'nasm', 'linkerscript'), (text, changes, languageId) => {
    const opts: AnalysisOptions = { languageId, file: languageId === 'linkerscript' ? '/x.ld' : undefined, mode };
    const az = new DocumentAnalyzer(opts);
    az.analyze(text);
    for (const [at, len, piece] of changes) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + piece + text.slice(i + len);
      assertMatches(az.analyze(text), text, opts, `${languageId}: ${JSON.stringify(text)}`, false);
    }
  }), { seed, numRuns: Math.max(100, Math.floor(numRuns / 2)) });
});

test('fast literal check = the literal parser', () => {
  const lit = fc.stringMatching(/^(0[xXbB]?)?[0-9a-fA-F']{0,6}[.eEpP+-]?[0-9]{0,2}([uU]?[lL]{0,2}[uU]?|[zZ]|wb|WB|[fbhHkKmM])?$/);
  const some = ['0', '00', '08', '0x', '0X1f', '0x1fUL', '0x1uLL', '0x1Lu', '0x1lL', '0x1wb', '0x1WB', '0x1wB', '1f', '1b', '10f', '0b1', '1e5', '1.5', "1'0", "0x1'0",
    '1uu', '1LLU', '1llu', '1lLu', '1z', '1uz', '1zu', '017', '0179', '0x10000000000000000', '18446744073709551616', '1K', '$10', '10h'];
  fc.assert(fc.property(fc.oneof(lit, fc.constantFrom(...some)), (t) => {
    for (const d of ['c', 'gas', 'nasm', 'ld'] as LiteralDialect[]) {
      const padded = `(${t})`;
      assert.equal(literalValid(padded, 1, 1 + t.length, d), parseLiteral(t, d) !== undefined, `${d}: ${t}`);
    }
  }), { seed, numRuns: numRuns * 20 });
});

test('common prefix and suffix of two texts', () => {
  const naivePrefix = (a: string, b: string) => { let i = 0; while (i < a.length && i < b.length && a[i] === b[i]) i++; return i; };
  const naiveSuffix = (a: string, b: string, max: number) => { let i = 0; while (i < max && a[a.length - 1 - i] === b[b.length - 1 - i]) i++; return i; };
  const big = generateHeader(300, 2);
  fc.assert(fc.property(fc.nat(big.length), fc.nat(50), fc.string({ maxLength: 3 }), (at, len, ins) => {
    const b = big.slice(0, at) + ins + big.slice(at + len);
    const p = commonPrefix(big, b);
    assert.equal(p, naivePrefix(big, b));
    const max = Math.min(big.length, b.length) - p;
    assert.equal(commonSuffix(big, b, max), naiveSuffix(big, b, max));
  }), { seed, numRuns });
});

// Line breaks typed and deleted: the directives after the edit move (re-analysis moves the previous
// preprocessing result instead of running it again when no directive changed but by its lines).
const SHIFT_TEXT = [
  '/* first line */',
  '#define A 1',
  '#define B (A + \\',
  '   2)',
  '#ifdef CONFIG_X',
  '#define A 2',
  '# define C(x, \\',
  '   y) ((x) + (y))',
  '#else',
  '#define C(x, y) 0',
  '#endif',
  '/* block',
  '   comment #define D 4',
  '*/',
  '#if A > 1',
  '#define E 5',
  '#elif defined(B)',
  '#define E 6',
  '#endif',
  '#undef B',
  '#define B 7',
  '#include "missing.h"',
  '#if 0',
  '#define F 8',
  '#endif',
  '#ifndef G',
  '#define G 0x1000',
  '#endif',
  '#ifdef CONFIG_Y',
  '#define A 3',
  '#if',
  '#define LAST (G + A)',
].join('\n');

const ASM_SHIFT_TEXT = ['.set A, 1', 'B = A + 2', '#ifdef CONFIG_X', '.equ C, 3 ; D = 4', '#else', 'C = 5', '#endif', '/* x', '.set E, 1 */', 'F = C + B'].join('\n');
const NASM_SHIFT_TEXT = ['A equ 1', '%define B 2', '%ifdef CONFIG_X', 'C equ 3', '%else', '%assign C 4', '%endif', 'D: equ C + B'].join('\n');

/** Whether the analysis moved the previous preprocessing result (no full preprocessing run). */
const wasMoved = (a: DocumentAnalysis) => a.pre.tableParts?.moved !== undefined;

test('a line break typed and deleted anywhere = full tokenization (#if blocks, continuations, comments, first and last line)', () => {
  let moved = 0;
  const cases: [string, AnalysisOptions][] = [
    [SHIFT_TEXT, { languageId: 'c', mode, file: '/src/shift.h', defines: { CONFIG_Y: true } }],
    [SHIFT_TEXT.replace(/\n/g, '\r\n'), { languageId: 'c', mode }],
    [ASM_SHIFT_TEXT, { languageId: 'asm', mode, file: '/src/shift.S' }],
    [NASM_SHIFT_TEXT, { languageId: 'nasm', mode, file: '/src/shift.asm' }],
  ];
  for (const [base, opts] of cases) {
    const br = base.includes('\r\n') ? '\r\n' : '\n';
    const az = new DocumentAnalyzer(opts);
    let a = az.analyze(base);
    for (let at = 0; at <= base.length; at++) {
      if (br === '\r\n' && base[at - 1] === '\r') continue;
      const typed = base.slice(0, at) + br + base.slice(at);
      a = az.analyze(typed);
      if (wasMoved(a)) moved++;
      assertMatches(a, typed, opts, `${opts.languageId} break typed at ${at}`, at % 3 === 0);
      a = az.analyze(base);
      if (wasMoved(a)) moved++;
      assertMatches(a, base, opts, `${opts.languageId} break deleted at ${at}`, at % 3 === 1);
    }
    // Backspace at each line start (two lines joined), and Enter again
    const starts = [...base.matchAll(/\r?\n/g)].map((m) => m.index! + m[0].length);
    for (const s of starts) {
      const joined = base.slice(0, s - br.length) + base.slice(s);
      assertMatches(az.analyze(joined), joined, opts, `${opts.languageId} lines joined at ${s}`, true);
      assertMatches(az.analyze(base), base, opts, `${opts.languageId} lines split again at ${s}`, true);
    }
  }
  assert.ok(moved > 100, `the previous result was moved ${moved} times`);
});

test('many line breaks typed and deleted in a long header, values read between = full tokenization', () => {
  const base = generateHeader(1200, 3);
  for (const opts of [{ languageId: 'c', mode }, { languageId: 'c', mode, file: '/src/g.h', defines: { CONFIG_FEATURE_3: true, CONFIG_FEATURE_4: false } }] as AnalysisOptions[]) {
    const az = new DocumentAnalyzer(opts);
    let a = az.analyze(base);
    void a.definitionsOf('R7_BASE');
    let s = 11;
    const rnd = (n: number) => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s % n; };
    let text = base;
    const typed: number[] = [];
    let moved = 0;
    // Enter at line starts and elsewhere, without deleting (moved results on moved results)
    for (let r = 0; r < 30; r++) {
      const at = rnd(3) === 0 ? rnd(text.length + 1) : text.indexOf('\n', rnd(text.length)) + 1;
      text = text.slice(0, at) + '\n' + text.slice(at);
      typed.push(at);
      a = az.analyze(text);
      if (wasMoved(a)) moved++;
      if (r % 3 === 0) { const d = a.definitions[rnd(a.definitions.length)]; a.deriveDefinition(d); a.definitionsOf(d.name); }
      assertMatches(a, text, opts, `typed ${r} at ${at}`, r % 5 === 0);
      // now and then a one-character edit of a definition (the moved result patched)
      if (r % 4 === 1) {
        const i = text.indexOf('#define R', rnd(text.length));
        if (i >= 0) {
          const j = text.indexOf('0x', i);
          if (j > 0 && j < text.indexOf('\n', i)) {
            text = text.slice(0, j + 2) + '7' + text.slice(j + 2);
            for (let k = 0; k < typed.length; k++) if (typed[k] > j) typed[k]++;
            assertMatches(az.analyze(text), text, opts, `typed ${r}, then a digit at ${j}`, true);
          }
        }
      }
    }
    // and Backspace on each of them, last first
    for (let r = typed.length - 1; r >= 0; r--) {
      const at = typed[r];
      assert.equal(text[at], '\n');
      text = text.slice(0, at) + text.slice(at + 1);
      a = az.analyze(text);
      if (wasMoved(a)) moved++;
      assertMatches(a, text, opts, `deleted ${r} at ${at}`, r % 5 === 0);
    }
    assert.ok(moved > 20, `the previous result was moved ${moved} times`);
  }
});

test('line breaks in example files with includes = full tokenization', () => {
  for (const file of SOURCES.filter((f) => /\.(h|S|asm|inc)$/.test(f)).slice(0, 12)) {
    const base = fs.readFileSync(file, 'utf8');
    const opts: AnalysisOptions = { file, mode, readFile, includeDirs: [path.join(REPO, 'examples/include')] };
    const az = new DocumentAnalyzer(opts);
    void az.analyze(base).definitions.length;
    const starts = [0, ...[...base.matchAll(/\n/g)].map((m) => m.index! + 1)];
    for (let k = 0; k < starts.length; k += Math.max(1, Math.floor(starts.length / 15))) {
      const typed = base.slice(0, starts[k]) + '\n' + base.slice(starts[k]);
      assertMatches(az.analyze(typed), typed, opts, `${path.basename(file)} break at line ${k}`, k % 2 === 0);
      assertMatches(az.analyze(base), base, opts, `${path.basename(file)} break deleted at line ${k}`, k % 2 === 1);
    }
  }
});

test('a lazy #define whose tokens were let go (forget) makes the same tokens again, continued lines included', () => {
  for (const file of SOURCES.filter((f) => /\.(h|c)$/.test(f)).slice(0, 40)) {
    const text = readFile(file);
    if (text === undefined) continue;
    const a = analyzeText(text, { file, family: 'c', mode });
    for (const r of a.pre.definitions) {
      const d = r.directive;
      if (!(d instanceof LazyDefine)) continue;
      const before = json([d.nameTok, d.body, d.tokens]);
      d.forget();
      assert.equal(json([d.nameTok, d.body, d.tokens]), before, `${file}:${r.line + 1}`);
    }
  }
  const t = '#define A_BASE 0x1000 /* a */ \\\n  + 0x2000\n#define B (A_BASE)\n';
  const a = analyzeText(t, { file: 'x.h', family: 'c', mode });
  const d = a.pre.definitions[0].directive as LazyDefine;
  const body = json(d.body);
  d.forget();
  assert.equal(json(d.body), body);
  assert.deepEqual(d.body.map((x) => x.text), ['0x1000', '+', '0x2000']);
});
