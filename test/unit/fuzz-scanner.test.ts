// Property-based tests of the text side of the engine: the scanner, the literal parser, the
// evaluator, document analysis, the memory-map importers and the SVG renderer get random text,
// random bytes (decoded as latin1 and as UTF-8) and token soups of C / GNU as / NASM / ld
// punctuation, keywords, directives, continuations and unterminated comments and strings. None of
// them may throw out of its public API, and each returns within its step budget (every property
// finishes; the timeouts are only reached by a hang). Literals formatted in every form a dialect
// supports parse back to their value. Seed and run count: PAGING_LAYOUT_FUZZ_SEED (default
// 20260101) and PAGING_LAYOUT_FUZZ_RUNS (default 300); `npm run fuzz` runs far more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Family, LineScanCache, scanLine, scanText, splitLines, tokenize, STATE_COMMENT, STATE_CONTINUATION } from '../../src/engine/source/scanner';
import { LiteralDialect, parseCharLiteral, parseLiteral } from '../../src/engine/source/literals';
import { evaluateCondition, evaluateExpression } from '../../src/engine/source/evaluate';
import { analyzeText, DocumentAnalyzer } from '../../src/engine/source/analysis';
import { preprocessText } from '../../src/engine/source';
import {
  analysisMarkers, deriveWorkspaceLayout, detectFormat, importMemoryMap, ImportResult, parseIomem, parsePageTableDump,
  parseProcMaps,
} from '../../src/engine/map';
import { renderSvg } from '../../src/engine/map/model';
import { builtinLayouts, getMode, Layout, Region, REGION_KINDS } from '../../src/engine';

const seed = Number(process.env.PAGING_LAYOUT_FUZZ_SEED ?? 20260101);
const numRuns = Number(process.env.PAGING_LAYOUT_FUZZ_RUNS ?? 300);
const opts = { seed, numRuns, includeErrorInReport: true };
/** Analysis of a whole document costs more per input: a quarter of the runs (at least 100). */
const heavy = { ...opts, numRuns: Math.max(100, Math.floor(numRuns / 4)) };
/** Only a hang reaches this. */
const HANG = { timeout: 600_000 };
const U64 = (1n << 64n) - 1n;
const FAMILIES: Family[] = ['c', 'gas', 'nasm', 'ld'];
const mode = getMode('x86_64-4level')!;

// ---- inputs ---------------------------------------------------------------------------------------

const bytes = fc.uint8Array({ maxLength: 300 });
/** Random text: any UTF-16 (lone surrogates too), bytes as latin1 and as UTF-8 (U+FFFD for invalid sequences). */
const randomText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 100 }),
  bytes.map((b) => Buffer.from(b).toString('latin1')),
  bytes.map((b) => Buffer.from(b).toString('utf8')),
);

const PUNCT = ['(', ')', '[', ']', '{', '}', ',', ';', ':', '?', '+', '-', '*', '/', '%', '<<', '>>', '<<<', '>>>', '<', '>', '<=', '>=', '==', '!=', '<>', '<=>',
  '&', '&&', '|', '||', '^', '^^', '~', '!', '#', '##', '.', '->', '...', '=', '@', '$', '$$', '\\', '//', '%%', '`', "'", '"', '/*', '*/'];
const WORDS = ['#define', '# define', '#undef', '#if', '#ifdef', '#ifndef', '#elif', '#else', '#endif', '#include', '#include_next', '#error', '#', '%define', '%xdefine',
  '%assign', '%if', '%ifdef', '%elif', '%else', '%endif', '%macro', '%endmacro', '%include', '.set', '.equ', '.macro', '.endm', '.if', '.else', '.endif',
  '.include', '.section', 'equ', 'EQU', 'defined', 'sizeof', 'unsigned', 'long', 'int', 'char', 'short', 'struct', 'u64', 'void', 'bool', 'IS_ENABLED',
  '_AC', '__AC', 'UL', 'ULL', '_UL', 'BIT', 'BIT_ULL', 'GENMASK', 'ALIGN', 'SZ_2M', 'PAGE_SIZE', 'PAGE_SHIFT', 'PGDIR_SHIFT', 'pgd_index',
  '__VA_ARGS__', 'SECTIONS', 'MEMORY', 'ORIGIN', 'LENGTH', 'ADDR', 'AT', 'MAX', 'MIN', 'ABSOLUTE', 'KEEP', 'PROVIDE',
  'A', 'B', 'X', 'F', 'G', 'SELF', '__PAGE_OFFSET', 'PAGE_OFFSET', '__START_KERNEL_map', 'VMALLOC_START', 'VMALLOC_END', 'VMALLOC_SIZE',
  'CONFIG_X86_5LEVEL', 'CONFIG_FOO', 'page_offset_base', 'pgtable_l5_enabled', '_text', 'ffffh', 'a1', 'ĳ', 'λ', '\u0000', '\ufeff', '\ud800'];
const NUMBERS = ['0', '1', '0x', '0x1', '0xffff880000000000', '0xffff880000000000UL', '0x10000000000000000', '99999999999999999999', '1f', '1b', '0ffh', '$ff', '$0ff',
  '4K', '2M', '017', '08', '0b101', '0b', '0y11', '101b', '0q17', '0d99', "1'000", "0x1'2'3", "1''0", '1e+5', '0x1p-3', '.5', '1.5', '1ULL', '1LLU', '1lL', '1uu',
  "'a'", "'\\n'", "'\\x41'", "'ab'", "'", "'\\", '"str"', '"unterminated', '"\\"', '0x_', '1_000', '18446744073709551615', '18446744073709551616'];
const SEPARATORS = [' ', ' ', ' ', '', '', '\t', '\n', '\n', '\r\n', '\r', '\\\n', ' \\\n', '\\', '\n#', '\n\n', '\f', '\v'];

/** A token soup: the pieces every dialect's lexer treats specially, in random order. */
const soup = fc.array(fc.tuple(fc.constantFrom(...PUNCT, ...WORDS, ...NUMBERS, ...WORDS, ...NUMBERS), fc.constantFrom(...SEPARATORS)), { maxLength: 60 })
  .map((xs) => xs.map(([a, b]) => a + b).join(''));
const text = fc.oneof({ weight: 3, arbitrary: soup }, { weight: 1, arbitrary: randomText });

/** Documents of definitions and directives whose bodies are soups: what an analysis is really fed. */
const lineArb = fc.oneof(
  fc.tuple(fc.constantFrom('#define ', '#  define ', '%define ', '.set ', '.equ '), fc.constantFrom(...WORDS.filter((w) => /^\w/.test(w))), fc.constantFrom('', '(x)', '(x, y)', '(...)', '(a, ...)', ' ', ', '), soup).map((p) => p.join('')),
  fc.tuple(fc.constantFrom('#if ', '#ifdef ', '#ifndef ', '#elif ', '%if ', '.if '), soup).map((p) => p.join('')),
  fc.constantFrom('#else', '#endif', '%endif', '.endif', '#endif /* x */', '/*', '*/', '#include "a.h"', '#include "b.h"', '#include <c.h>', '#include "missing.h"', '%include "a.h"', '.include "b.h"'),
  fc.tuple(fc.constantFrom(...WORDS.filter((w) => /^\w/.test(w))), fc.constantFrom(' = ', ' equ ', ' EQU ', ':', ' = . + '), soup, fc.constantFrom(';', '', ' ;')).map((p) => p.join('')),
  soup,
);
const docArb = fc.array(lineArb, { maxLength: 30 }).map((ls) => ls.join('\n'));

// ---- scanner ----------------------------------------------------------------------------------------

function checkScan(line: string, family: Family, state: number, hashImmediate: boolean): void {
  const s = scanLine(line, family, state, { hashImmediate });
  let prev = 0;
  for (const t of s.tokens) {
    assert.ok(t.start >= prev && t.end > t.start && t.end <= line.length, `${family}: token ${JSON.stringify(t)} of ${JSON.stringify(line)}`);
    assert.equal(t.text, line.slice(t.start, t.end));
    prev = t.end;
  }
  assert.ok(Number.isInteger(s.endState) && s.endState >= 0 && s.endState <= (STATE_COMMENT | STATE_CONTINUATION));
}

test('scanner: any text in any family and state gives ordered tokens that are slices of the line', HANG, () => {
  fc.assert(fc.property(text, fc.constantFrom(...FAMILIES), fc.nat(3), fc.boolean(), (t, family, state, hash) => {
    for (const line of splitLines(t)) checkScan(line, family, state, hash);
    const scans = scanText(t, family, { hashImmediate: hash });
    assert.equal(scans.length, splitLines(t).length);
    // The line cache gives the same scans as a fresh scan.
    const cached = new LineScanCache(family, { hashImmediate: hash }, 4).scanAll(splitLines(t));
    assert.deepEqual(cached.map((c) => [c.tokens, c.endState, c.directive]), scans.map((c) => [c.tokens, c.endState, c.directive]));
    for (const tok of tokenize(t, family)) assert.ok(tok.end > tok.start);
  }), opts);
});

// ---- literals -----------------------------------------------------------------------------------------

test('literal parser: arbitrary text gives undefined or a non-negative exact value; character constants never throw', HANG, () => {
  const litLike = fc.stringMatching(/^(\$|0[xXbBoOqQdDtThHyY]?)?[0-9a-fA-F_']{0,22}([uU]?[lL]{0,2}[uU]?|[hHxXoOqQbByYdDtTkKmM])?$/);
  fc.assert(fc.property(fc.oneof(text, litLike, fc.constantFrom(...NUMBERS)), (t) => {
    for (const d of FAMILIES as LiteralDialect[]) {
      const p = parseLiteral(t, d);
      if (p) assert.ok(typeof p.value === 'bigint' && p.value >= 0n && [2, 8, 10, 16].includes(p.radix), `${d}: ${t}`);
    }
    const c = parseCharLiteral(t);
    assert.ok(c === undefined || typeof c === 'bigint');
  }), opts);
});

/** Every way a dialect writes a value (with the value it means), for the round trip. */
function forms(v: bigint, sep: number): [LiteralDialect, string, bigint][] {
  const hex = v.toString(16), oct = v.toString(8), bin = v.toString(2), dec = v.toString();
  const grouped = (s: string, ch: string) => {
    const k = 1 + (sep % 4);
    const out: string[] = [];
    for (let i = s.length; i > 0; i -= k) out.unshift(s.slice(Math.max(0, i - k), i));
    return out.join(ch);
  };
  const out: [LiteralDialect, string, bigint][] = [];
  for (const suffix of ['', 'u', 'U', 'l', 'L', 'ul', 'UL', 'lu', 'LU', 'll', 'LL', 'ull', 'ULL', 'llu', 'LLU', 'uLL', 'Ull']) {
    for (const body of [`0x${hex}`, `0X${hex.toUpperCase()}`, dec, `0${oct}`, `0b${bin}`, `0B${bin}`, `0x${grouped(hex, "'")}`, grouped(dec, "'").replace(/^0'/, '0')]) {
      if (/^0\d*'/.test(body) && body !== dec) continue; // a leading 0 with separators is octal; covered below
      out.push(['c', body + suffix, v]);
    }
  }
  for (const body of [`0x${hex}`, `0X${hex}`, dec, `0${oct}`, `0b${bin}`, `0x${hex}UL`, `${dec}ULL`]) out.push(['gas', body, v]);
  for (const body of [`0x${hex}`, `0h${hex}`, `$0${hex}`, `0${hex}h`, `0${hex}H`, `0x${grouped(hex, '_')}`, `0d${dec}`, `${dec}d`, `${dec}t`, dec, `${grouped(dec, '_')}`,
    `0o${oct}`, `0q${oct}`, `${oct}o`, `${oct}q`, `0b${bin}`, `0y${bin}`, `${bin}b`, `${bin}y`, `0b${grouped(bin, '_')}`]) out.push(['nasm', body, v]);
  for (const body of [`0x${hex}`, `0X${hex}`, `$${hex}`.replace(/^\$([a-f])/, '$0$1'), `0${hex}h`, `0${hex}x`, `0${oct}`, `${oct}o`, `${oct}q`, `${bin}b`, `${bin}B`, `${dec}d`, dec]) {
    if (body === `0${oct}` && v === 0n) continue; // "00" is fine, but covered by the decimal "0"
    out.push(['ld', body, v]);
  }
  if (v > 0n && v % 1024n === 0n) out.push(['ld', `${v / 1024n}K`, v], ['ld', `${v / 1024n}k`, v]);
  if (v > 0n && v % 1048576n === 0n) out.push(['ld', `${v / 1048576n}M`, v]);
  return out;
}

test('literals: every form of every dialect parses back to its value and scans as one number token', HANG, () => {
  const value = fc.oneof(fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: 1n << 20n }).map((x) => x * 1024n), fc.constantFrom(0n, 1n, 7n, 8n, 10n, 0xffff880000000000n, U64));
  fc.assert(fc.property(value, fc.nat(), (v, sep) => {
    for (const [d, s, expected] of forms(v, sep)) {
      const p = parseLiteral(s, d);
      assert.ok(p, `${d}: ${s} does not parse`);
      assert.equal(p.value, expected, `${d}: ${s}`);
      // The scanner keeps the literal in one token (the analysis finds it in a file).
      const toks = scanLine(`x ${s} y`, d, 0).tokens.filter((t) => t.kind === 'number');
      assert.deepEqual(toks.map((t) => t.text), [s], `${d}: ${s} scans as ${JSON.stringify(toks)}`);
      // And the evaluator gives the value (64-bit wide).
      if (v <= U64 && !(d === 'gas' && /^[0-9]+[fb]$/.test(s))) {
        const r = evaluateExpression(s, { dialect: d, builtins: false });
        assert.equal(r.alternatives[0].u64, expected, `${d}: eval ${s}: ${r.alternatives[0].error}`);
      }
    }
  }), { ...opts, numRuns: Math.max(50, Math.floor(numRuns / 2)) });
});

// ---- evaluator ----------------------------------------------------------------------------------------

test('evaluator: token soups and random text in every dialect, as values and as #if conditions, never throw', HANG, () => {
  fc.assert(fc.property(text, fc.constantFrom(...FAMILIES), fc.constantFrom('x86_64-4level', 'x86_64-5level', 'x86_32', 'arm64-4k-48bit'), (t, dialect, modeId) => {
    const m = getMode(modeId) ?? mode;
    for (const condition of [false, true]) {
      const r = evaluateExpression(t, { dialect, mode: m, condition });
      assert.ok(r.alternatives.length >= 1);
      for (const a of r.alternatives) {
        if (a.value === undefined) assert.match(a.error ?? '', /^cannot evaluate: /, `${dialect}: ${JSON.stringify(t)}`);
        else assert.ok(a.u64 !== undefined && a.u64 >= 0n && a.u64 <= U64);
      }
    }
    const c = evaluateCondition(tokenize(t, dialect), { dialect, mode: m });
    assert.ok(c.value === undefined || typeof c.value === 'boolean');
  }), opts);
});

// ---- analysis ----------------------------------------------------------------------------------------

const FILES: Record<Family, [string, string]> = { c: ['/src/x.h', 'c'], gas: ['/src/x.S', 'asm'], nasm: ['/src/x.asm', 'nasm'], ld: ['/src/x.lds', 'linkerscript'] };

function touch(a: ReturnType<typeof analyzeText>, probe: string, pos: number): void {
  void a.literals.length;
  for (const d of a.definitions.slice(0, 40)) {
    const dv = a.deriveDefinition(d);
    for (const alt of dv.alternatives) assert.ok(alt.value !== undefined || /^cannot evaluate: /.test(alt.error ?? ''), JSON.stringify(alt.error));
    a.deriveName(d.name);
    a.isKnown(d.name);
  }
  const r = a.evaluate(probe);
  assert.ok(r.alternatives.length >= 1);
  for (let line = 0; line < Math.min(a.lines.length, 50); line++) {
    const ch = pos % (a.lines[line].length + 2);
    a.tokenAt(line, ch);
    a.literalAt(line, ch);
    a.definitionAt(line, ch);
  }
  void a.problems.length;
  void a.branches.length;
}

test('analysis: random documents of directives and soups in every family, with include cycles, never throw and finish', HANG, () => {
  fc.assert(fc.property(docArb, docArb, docArb, fc.constantFrom(...FAMILIES), text, fc.nat(), fc.boolean(), (doc, incA, incB, family, probe, pos, arm) => {
    const files: Record<string, string> = { '/src/a.h': incA, '/src/b.h': incB + '\n#include "a.h"\n', '/inc/c.h': incA };
    const [file, languageId] = FILES[family];
    const a = analyzeText(doc, { file, languageId: arm && family === 'gas' ? 'arm64' : languageId, mode, includeDirs: ['/inc'], readFile: (p) => files[p], defines: { CONFIG_FOO: 1, CONFIG_X86_5LEVEL: null } });
    touch(a, probe, pos);
    preprocessText(doc, { family, file, readFile: (p) => files[p] });
  }), heavy);
});

test('analysis: random bytes and random text as a whole file never throw', HANG, () => {
  fc.assert(fc.property(randomText, fc.constantFrom(...FAMILIES), fc.nat(), (doc, family, pos) => {
    const [file, languageId] = FILES[family];
    touch(analyzeText(doc, { file, languageId, mode }), doc.slice(0, 40), pos);
  }), heavy);
});

test('analysis: re-analysis after a random edit agrees with a fresh analysis', HANG, () => {
  fc.assert(fc.property(docArb, fc.nat(), fc.nat(), lineArb, fc.constantFrom(...FAMILIES), (doc, at, len, insert, family) => {
    const [file, languageId] = FILES[family];
    const analyzer = new DocumentAnalyzer({ file, languageId, mode });
    const first = analyzer.analyze(doc);
    for (const d of first.definitions.slice(0, 10)) first.deriveDefinition(d);
    const i = at % (doc.length + 1);
    const edited = doc.slice(0, i) + insert + doc.slice(Math.min(doc.length, i + (len % 20)));
    const again = analyzer.analyze(edited);
    const fresh = analyzeText(edited, { file, languageId, mode });
    const summary = (x: typeof fresh) => ({
      defs: x.definitions.map((d) => `${d.line}:${d.name}=${d.bodyText} ${d.activity} ${d.conditions.map((c) => (c.negated ? '!' : '') + c.text).join('&')}`),
      literals: x.literals.map((l) => `${l.line}:${l.start}:${l.value}`),
      values: x.definitions.slice(0, 10).map((d) => x.deriveDefinition(d).alternatives.map((a) => `${a.u64 ?? a.error}`).join('|')),
    });
    assert.deepEqual(summary(again), summary(fresh));
  }), heavy);
});

// ---- importers ----------------------------------------------------------------------------------------

const hex16 = fc.bigInt({ min: 0n, max: U64 }).map((v) => '0x' + v.toString(16).padStart(16, '0'));
const dumpLine = fc.oneof(
  fc.tuple(hex16, hex16, fc.constantFrom('4K', '2M', '1G', '16777088T', '0', '12.5M', ''), fc.constantFrom('RW GLB NX pte', 'ro x pmd', 'USR RW PSE pud', '', 'pgd', 'RW <img src=x onerror=1> pte'))
    .map(([a, b, s, f]) => `${a}-${b}   ${s}   ${f}`),
  fc.string({ maxLength: 30 }).map((n) => `---[ ${n} ]---`),
  fc.tuple(fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: U64 }), fc.constantFrom('r-xp', 'rw-p', '---p', 'rwxs'), fc.string({ maxLength: 20 }))
    .map(([a, b, p, n]) => `${a.toString(16)}-${b.toString(16)} ${p} 00000000 08:01 1234   ${n}`),
  fc.tuple(fc.nat(4), fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: U64 }), fc.string({ maxLength: 20 }))
    .map(([d, a, b, n]) => `${'  '.repeat(d)}${a.toString(16).padStart(8, '0')}-${b.toString(16).padStart(8, '0')} : ${n}`),
  soup,
);
const dumpArb = fc.oneof(fc.tuple(fc.array(dumpLine, { maxLength: 40 }), fc.boolean()).map(([ls, crlf]) => ls.join(crlf ? '\r\n' : '\n')), randomText);

function checkImport(r: ImportResult): void {
  assert.ok(['ptdump', 'maps', 'iomem'].includes(r.format));
  if (r.layout) {
    let prevEnd = -1n;
    for (const reg of r.layout.regions) {
      assert.ok(reg.start <= reg.end && reg.end <= U64 && reg.start > prevEnd, `${reg.name}: ${reg.start}-${reg.end} after ${prevEnd}`);
      prevEnd = reg.end;
    }
  } else assert.ok(r.problems.length > 0);
  for (const p of r.problems) assert.ok(Number.isInteger(p.line) && p.line >= 0 && p.message.length > 0 && !p.message.includes('\n'), JSON.stringify(p));
}

test('importers: random page-table dumps, maps and iomem files never throw and give sorted, disjoint regions', HANG, () => {
  fc.assert(fc.property(dumpArb, (t) => {
    for (const r of [parsePageTableDump(t, { name: 'fuzz' }), parseProcMaps(t, { name: 'fuzz' }), parseIomem(t, { name: 'fuzz' }), importMemoryMap(t, { name: 'fuzz' }),
      importMemoryMap(t, { limits: { maxLines: 5, maxRegions: 3, maxLineLength: 40, maxProblems: 2 } })]) checkImport(r);
    void detectFormat(t);
  }), opts);
});

test('workspace #define scanning and evaluation never throw on documents and random text', HANG, () => {
  fc.assert(fc.property(fc.oneof(docArb, randomText), fc.oneof(docArb, randomText), (a, b) => {
    for (const d of analysisMarkers(analyzeText(a, { file: 'a.h', family: 'c' }), 'a.h', 0n)) assert.ok(d.value >= 0n && d.value <= U64);
    const res = deriveWorkspaceLayout([{ file: 'a.h', text: a }, { file: 'b.lds', text: b }]);
    let prevEnd = -1n;
    for (const r of res.layout.regions) { assert.ok(r.start <= r.end && r.start > prevEnd); prevEnd = r.end; }
  }), opts);
});

// ---- SVG -------------------------------------------------------------------------------------------------

/**
 * A strict little XML check of renderSvg's output: only the elements it writes, quoted attributes
 * without `<` or on* handlers, entities only as &name; / &#n;, balanced tags. Returns the text
 * content (entities decoded).
 */
function checkSvg(svg: string): string {
  const ALLOWED = new Set(['svg', 'title', 'style', 'rect', 'line', 'path', 'text', 'g']);
  const stack: string[] = [];
  let textContent = '';
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  const decode = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e]!));
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const chunk = svg.slice(i, lt < 0 ? svg.length : lt);
    assert.ok(!/&(?!(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(chunk), `bare & in text: ${chunk.slice(0, 80)}`);
    textContent += decode(chunk);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    assert.ok(m, `not a well-formed tag at ${lt}: ${svg.slice(lt, lt + 80)}`);
    const [, close, name, attrs, selfClose] = m;
    assert.ok(ALLOWED.has(name), `unexpected element <${name}>`);
    for (const a of attrs.matchAll(/([A-Za-z_:][\w:.-]*)="([^"]*)"/g)) {
      assert.ok(!/^on/i.test(a[1]), `event handler attribute ${a[1]}`);
      assert.ok(!/&(?!(lt|gt|amp|quot|apos|#\d+);)/.test(a[2]), `bare & in attribute ${a[1]}`);
      assert.ok(!/^(xlink:)?href$|^src$/i.test(a[1]), `link attribute ${a[1]}`);
    }
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClose) stack.push(name);
    i = tag.lastIndex;
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  return textContent;
}

/** Payloads that would run script or make elements if a string went in as markup. */
const PAYLOADS = [
  '<img src=x onerror=window.__pwned=1>', '</script><script>window.__pwned=1</script>', '"><svg onload=window.__pwned=1>', "'><svg/onload=window.__pwned=1>",
  'javascript:window.__pwned=1', ']]><x/>', '<!--', '&amp;&lt;', '<title>x</title>', '\u0000\u0007\ufffe', '${window.__pwned=1}',
];
const hostile = fc.oneof(fc.constantFrom(...PAYLOADS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));

const layoutArb = fc.tuple(
  fc.array(fc.bigInt({ min: 0n, max: U64 }), { minLength: 0, maxLength: 24 }),
  fc.array(fc.tuple(hostile, hostile, fc.constantFrom(...REGION_KINDS)), { minLength: 12, maxLength: 12 }),
  hostile, fc.constantFrom('x86_64-4level', 'x86_64-5level', 'x86_32', 'x86_32-pae'),
).map(([cuts, names, title, modeId]): Layout => {
  const m = getMode(modeId)!;
  const top = (1n << BigInt(m.addressBits)) - 1n;
  const pts = [...new Set(cuts.map((c) => c & top))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const regions: Region[] = [];
  for (let k = 0; k + 1 < pts.length; k += 2) {
    const [name, description, kind] = names[(k / 2) % names.length];
    regions.push({ name, description, kind, start: pts[k], end: pts[k + 1], source: description });
  }
  return { id: 'fuzz', title, mode: modeId, description: title, source: [title], notes: [], regions, symbols: [], origin: 'fuzz' };
});

test('renderSvg: random layouts with hostile names, markers and problems give well-formed SVG with the strings as text', HANG, () => {
  fc.assert(fc.property(layoutArb, layoutArb, fc.array(fc.tuple(hostile, fc.bigInt({ min: 0n, max: U64 })), { maxLength: 5 }), fc.option(fc.tuple(fc.bigInt({ min: 0n, max: U64 }), fc.bigInt({ min: 0n, max: U64 }))), fc.boolean(), fc.integer({ min: 1, max: 3000 }),
    (a, b, marks, win, compare, width) => {
      const markers = marks.map(([name, value]) => ({ name, value }));
      const problems = marks.map(([message, start]) => ({ code: 'X', message, start, end: start + 4095n > U64 ? U64 : start + 4095n, severity: 'warning' as const }));
      const window = win ? { start: win[0] < win[1] ? win[0] : win[1], end: win[0] < win[1] ? win[1] : win[0] } : undefined;
      const svg = renderSvg(compare ? { layout: a, compare: { b, summary: marks.map(([s]) => s) }, width, window } : { layout: a, markers, problems, width, height: 200 + (width % 900), window });
      assert.ok(svg.startsWith('<svg'));
      checkSvg(svg);
    }), { ...opts, numRuns: Math.max(50, Math.floor(numRuns / 3)) });
});

test('renderSvg: markup in a layout title, region names, kinds, descriptions, markers, problems and a comparison is escaped, shown as text', () => {
  const regions: Region[] = PAYLOADS.map((p, i) => ({ name: p, start: 0xffff800000000000n + (BigInt(i) << 40n), end: 0xffff800000000000n + (BigInt(i + 1) << 40n) - 1n, kind: (i ? 'other' : p) as Region['kind'], description: p, source: p }));
  const layout: Layout = { id: PAYLOADS[0], title: PAYLOADS[1], mode: 'x86_64-4level', description: PAYLOADS[2], source: [PAYLOADS[3]], notes: [], regions, symbols: [], origin: PAYLOADS[0] };
  const window = { start: 0xffff800000000000n, end: 0xffff8fffffffffffn };
  const markers = PAYLOADS.map((name, i) => ({ name, value: regions[i].start + 0x1000n }));
  const problems = PAYLOADS.map((message, i) => ({ code: message, message, start: regions[i].start, end: regions[i].start + 0xfffn, severity: 'error' as const }));
  for (const svg of [renderSvg({ layout, window, markers, problems, width: 1400, height: 900 }), renderSvg({ layout, compare: { b: { ...layout, id: PAYLOADS[2] }, summary: PAYLOADS }, window, width: 1400, height: 900 })]) {
    const text = checkSvg(svg);
    for (const p of PAYLOADS.slice(0, 9)) assert.ok(text.includes(p), `${JSON.stringify(p)} is not in the SVG text`);
    assert.ok(!/<\/?(img|script|foreignObject|a|svg\s+onload)\b/i.test(svg.slice(4)), 'markup from data'); // on* attributes: checkSvg
  }
});

test('renderSvg of imported random dumps and of every preset is well-formed', HANG, () => {
  for (const l of builtinLayouts()) checkSvg(renderSvg({ layout: l }));
  fc.assert(fc.property(dumpArb, (t) => {
    const r = importMemoryMap(t, { name: 'fuzz <img src=x onerror=1>' });
    if (r.layout) checkSvg(renderSvg({ layout: r.layout }));
  }), { ...opts, numRuns: Math.max(50, Math.floor(numRuns / 3)) });
});

test('regressions found by fuzzing', () => {
  // NASM: a radix letter right after 0 is a suffix when no digit follows (readnum needs len > 2):
  // 0h, 0d, 0t, 0q and 0o are 0. They used to be rejected as prefixes with no digits.
  for (const t of ['0h', '0H', '0d', '0t', '0q', '0o', '0b', '0y']) assert.equal(parseLiteral(t, 'nasm')?.value, 0n, t);
  assert.equal(parseLiteral('0h1f', 'nasm')?.value, 0x1fn);
  // Prefix and suffix: the larger radix wins. 0DEADh is hex 0xdead (it used to be rejected as a
  // decimal 0d prefix followed by "EADh"); 0b800h is 0xb800; 0x10h (equal radices) is not a number.
  assert.equal(parseLiteral('0DEADh', 'nasm')?.value, 0xdeadn);
  assert.equal(parseLiteral('0d000000000000000h', 'nasm')?.value, 0xd000000000000000n);
  assert.equal(parseLiteral('0b800h', 'nasm')?.value, 0xb800n);
  assert.equal(parseLiteral('0x1b', 'nasm')?.value, 0x1bn);
  assert.equal(parseLiteral('0d19', 'nasm')?.value, 19n);
  assert.equal(parseLiteral('0x10h', 'nasm'), undefined);
  // A literal wider than 64 bits is no value (no marker at 2^64).
  assert.deepEqual(analysisMarkers(analyzeText('#define X 18446744073709551616\n#define Y 0xffff880000000000UL\n', { file: 'a.h', family: 'c' }), 'a.h').map((d) => d.name), ['Y']);
  assert.equal(parseLiteral('0d', 'nasm')?.radix, 10);
});
