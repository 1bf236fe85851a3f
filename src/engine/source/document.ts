// A whole document lexed for the analysis without token objects: line boundaries, each line's lexer
// state and flags, the positions of its numbers and its directives. `#define`s are LazyDefines (their
// tokens are made when something reads them). Re-lexing a new version of the text reuses everything
// outside the lines the edit touched: work proportional to the edit (and to the number of lines when
// the edit adds or removes lines), not to the size of the file.

import { Directive, DirectiveLines, extractDirectives, LazyDefine, LexSource, LTok } from './directives';
import { detach, Family, lexDocumentRun, lexLine, LEX_CONTINUATION, LEX_CONTINUES, LEX_DIRECTIVE, LEX_STATE_SHIFT, LineScan, scanLine, tape, tapeCount, TAPE_KINDS, TK_IDENT, TK_NUMBER, TK_PUNCT } from './scanner';

export interface DocLex {
  readonly src: LexSource;
  /** Number of lines (as splitLines counts them). */
  readonly count: number;
  /** Offsets of each line's first character and of its end (before the line break). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Lexer state at the start of each line (STATE_COMMENT, STATE_CONTINUATION). */
  readonly entry: Uint8Array;
  /** LEX_DIRECTIVE | LEX_CONTINUATION | LEX_CONTINUES of each line. */
  readonly flags: Uint8Array;
  /** Number tokens: columns (start, end) in pairs, line by line; line i has pairs numFrom[i] .. numFrom[i+1]. */
  readonly numFrom: Int32Array;
  readonly nums: Int32Array;
  /**
   * Directives by the line they start on: line i's are directives[dirFrom[i] .. dirFrom[i+1]]
   * (undefined for linker scripts, whose statements span lines).
   */
  readonly dirFrom: Int32Array | undefined;
  /** Every directive and symbol assignment, in order (as extractDirectives gives them). */
  readonly directives: Directive[];
  /**
   * How `directives` differs from the previous version's list `before` (when this version was lexed as
   * an edit of it): `removed` directives at `at` replaced by `added` new ones, the rest the same objects;
   * or, when the edit added or removed lines (`lineDelta` not 0), the directives after them the previous
   * ones moved by `lineDelta` lines. The old lines `fromLine` .. `toLine` (exclusive) were lexed again;
   * old lines from `toLine` on are the new lines from `toLine + lineDelta` on.
   */
  readonly dirChange?: { before: readonly Directive[]; at: number; removed: number; added: number; lineDelta: number; fromLine: number; toLine: number };
}

// ---------------------------------------------------------------------------------------------
// Growable scratch buffers, reused by every lexDocument call.

let sStarts = new Int32Array(1024);
let sEnds = new Int32Array(1024);
let sEntry = new Uint8Array(1024);
let sFlags = new Uint8Array(1024);
let sNumFrom = new Int32Array(1025);
let sDirFrom = new Int32Array(1025);
let sNums = new Int32Array(2048);

function growLines(n: number): void {
  if (n < sStarts.length) return;
  const size = Math.max(n + 1, sStarts.length * 2);
  const g32 = (a: Int32Array, len: number) => { const b = new Int32Array(len); b.set(a); return b; };
  const g8 = (a: Uint8Array, len: number) => { const b = new Uint8Array(len); b.set(a); return b; };
  sStarts = g32(sStarts, size); sEnds = g32(sEnds, size); sEntry = g8(sEntry, size); sFlags = g8(sFlags, size);
  sNumFrom = g32(sNumFrom, size + 1);
  sDirFrom = g32(sDirFrom, size + 1);
}

function growNums(n: number): void {
  if (n <= sNums.length) return;
  const b = new Int32Array(Math.max(n, sNums.length * 2));
  b.set(sNums);
  sNums = b;
}

// ---------------------------------------------------------------------------------------------
// Text comparison (native string comparison on slices, then characters).

export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  let step = 256;
  while (i + step <= n && a.substr(i, step) === b.substr(i, step)) { i += step; if (step < 1 << 16) step *= 2; }
  while (step > 32) {
    step >>= 1;
    if (i + step <= n && a.substr(i, step) === b.substr(i, step)) i += step;
  }
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix, at most `max`. */
export function commonSuffix(a: string, b: string, max: number): number {
  const al = a.length, bl = b.length;
  let i = 0;
  let step = 256;
  while (i + step <= max && a.substr(al - i - step, step) === b.substr(bl - i - step, step)) { i += step; if (step < 1 << 16) step *= 2; }
  while (step > 32) {
    step >>= 1;
    if (i + step <= max && a.substr(al - i - step, step) === b.substr(bl - i - step, step)) i += step;
  }
  while (i < max && a.charCodeAt(al - 1 - i) === b.charCodeAt(bl - 1 - i)) i++;
  return i;
}

/** The line containing offset `pos` (the last line starting at or before it). */
export function lineAt(doc: DocLex, pos: number): number {
  let lo = 0, hi = doc.count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (doc.starts[mid] <= pos) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** The first line starting at or after offset `pos` (doc.count when none). */
function firstLineFrom(doc: DocLex, pos: number): number {
  let lo = 0, hi = doc.count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (doc.starts[mid] >= pos) hi = mid; else lo = mid + 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// Directives from the tape


// ---------------------------------------------------------------------------------------------

/**
 * Lex `text` as the next version of `prev` (or from scratch). Lines outside the edit keep their data;
 * the edited lines, and the lines after them whose start state changed, are lexed again.
 */
export function lexDocument(prev: DocLex | undefined, text: string, family: Family, hashImmediate: boolean): DocLex {
  if (prev && (prev.src.family !== family || prev.src.hashImmediate !== hashImmediate)) prev = undefined;
  // A text made by concatenation is flattened once here (reading a character does it), not by every
  // slice of it below.
  text.charCodeAt(0);
  if (prev && prev.src.text === text) return prev;
  const src: LexSource = { text, family, hashImmediate };

  // The region to lex: from the start of line `from` (old numbering) to the start of old line `b1`.
  let from = 0;
  let b1 = 0;
  let p = 0;
  let r0 = 0, r1 = text.length;
  let atEnd = true;
  let delta = 0;
  if (prev) {
    const old = prev.src.text;
    p = commonPrefix(old, text);
    const s = commonSuffix(old, text, Math.min(old.length, text.length) - p);
    delta = text.length - old.length;
    from = lineAt(prev, Math.max(0, p - 1));
    while (from > 0 && (prev.flags[from] & LEX_CONTINUATION) !== 0) from--;
    // Lines starting after the first unchanged character of the tail are unchanged (the character before
    // their start, a line break, is unchanged too).
    b1 = firstLineFrom(prev, old.length - s + 1);
    r0 = prev.starts[from];
    if (b1 < prev.count) { r1 = prev.starts[b1] + delta; atEnd = false; }
  }

  let n = 0; // lines lexed (region)
  let nNums = 0;
  const regionDirs: (Directive | undefined)[] = []; // undefined: a directive still being collected, or none
  const withDirs = family !== 'ld';
  let state = prev && from > 0 ? prev.entry[from] : 0;
  // Directives made for an edit outlive this version of the text (the next versions keep them while their
  // lines are unchanged): they read their own copy of their lines, not the whole text.
  const copies = prev !== undefined;
  const lines = new DirectiveLines(src, copies);

  const lexOne = (start: number, end: number) => {
    const line = from + n;
    growLines(n + 1);
    const fl = lexLine(text, start, end, family, state, hashImmediate);
    sStarts[n] = start; sEnds[n] = end; sEntry[n] = state; sFlags[n] = fl & 7;
    sNumFrom[n] = nNums;
    sDirFrom[n] = regionDirs.length;
    for (let j = 0; j < tapeCount; j++) {
      if (tape[3 * j] !== TK_NUMBER) continue;
      growNums(2 * nNums + 2);
      sNums[2 * nNums] = tape[3 * j + 1] - start;
      sNums[2 * nNums + 1] = tape[3 * j + 2] - start;
      nNums++;
    }
    // A line of the region before the edit (its line break and the next line's first character unchanged),
    // not part of a continued directive: the same text in the same state, its directives are kept.
    if (withDirs && prev && line + 1 < prev.count && prev.starts[line + 1] < p && !lines.open && (fl & (LEX_CONTINUES | LEX_CONTINUATION)) === 0) {
      const pf = prev.dirFrom!;
      for (let k = pf[line]; k < pf[line + 1]; k++) regionDirs.push(prev.directives[k]);
    } else if (withDirs) {
      lines.line(start, end, state, line, fl, regionDirs);
    }
    state = fl >> LEX_STATE_SHIFT;
    n++;
  };

  let oldResume = prev ? prev.count : 0;
  lexDocumentRun(text);
  try {
    // The region's lines (split here).
    const hasCR = text.indexOf('\r', r0) >= 0 && text.indexOf('\r', r0) < r1;
    let pos = r0;
    for (;;) {
      let end: number, next: number;
      if (!hasCR) {
        end = text.indexOf('\n', pos);
        if (end < 0 || end >= r1) { end = r1; next = -1; } else next = end + 1;
      } else {
        end = pos;
        while (end < r1) { const c = text.charCodeAt(end); if (c === 10 || c === 13) break; end++; }
        if (end >= r1) { end = r1; next = -1; } else next = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
      }
      if (next < 0 && !atEnd) break; // the region ends with a line break: r1 starts an old line
      lexOne(pos, end);
      if (next < 0) break;
      if (next >= r1 && !atEnd) break;
      pos = next;
    }
    // Old lines after the region: lexed again while their start state differs, or while they continue
    // a directive of the region.
    if (prev) {
      let k = b1;
      while (k < prev.count && (state !== prev.entry[k] || (prev.flags[k] & LEX_CONTINUATION) !== 0 || lines.open)) {
        lexOne(prev.starts[k] + delta, prev.ends[k] + delta);
        k++;
      }
      oldResume = k;
    }
    lines.close(from + n - 1, regionDirs);
  } finally {
    lexDocumentRun(undefined);
  }

  // Assemble: prev's lines before the region, the region, prev's lines after it.
  const tail = prev ? prev.count - oldResume : 0;
  const count = from + n + tail;
  const lineDelta = from + n - oldResume;
  // (one buffer for the per-line numbers, one for the per-line bytes: allocating typed arrays is not cheap)
  const ints = new Int32Array(4 * count + 2);
  const starts = ints.subarray(0, count), ends = ints.subarray(count, 2 * count), numFrom = ints.subarray(2 * count, 3 * count + 1);
  const bytes = new Uint8Array(2 * count);
  const entry = bytes.subarray(0, count), flags = bytes.subarray(count, 2 * count);
  const headNums = prev ? prev.numFrom[from] : 0;
  const tailNums = prev ? prev.numFrom[prev.count] - prev.numFrom[oldResume] : 0;
  const nums = new Int32Array(2 * (headNums + nNums + tailNums));
  if (prev) {
    starts.set(prev.starts.subarray(0, from)); ends.set(prev.ends.subarray(0, from));
    entry.set(prev.entry.subarray(0, from)); flags.set(prev.flags.subarray(0, from));
    numFrom.set(prev.numFrom.subarray(0, from));
    nums.set(prev.nums.subarray(0, 2 * headNums));
  }
  starts.set(sStarts.subarray(0, n), from); ends.set(sEnds.subarray(0, n), from);
  entry.set(sEntry.subarray(0, n), from); flags.set(sFlags.subarray(0, n), from);
  for (let i = 0; i < n; i++) numFrom[from + i] = headNums + sNumFrom[i];
  nums.set(sNums.subarray(0, 2 * nNums), 2 * headNums);
  if (prev) {
    const base = from + n;
    const numShift = headNums + nNums - prev.numFrom[oldResume];
    if (delta === 0) {
      starts.set(prev.starts.subarray(oldResume), base);
      ends.set(prev.ends.subarray(oldResume), base);
    } else {
      for (let k = 0; k < tail; k++) {
        starts[base + k] = prev.starts[oldResume + k] + delta;
        ends[base + k] = prev.ends[oldResume + k] + delta;
      }
    }
    if (numShift === 0) numFrom.set(prev.numFrom.subarray(oldResume, prev.count), base);
    else for (let k = 0; k < tail; k++) numFrom[base + k] = prev.numFrom[oldResume + k] + numShift;
    entry.set(prev.entry.subarray(oldResume), base); flags.set(prev.flags.subarray(oldResume), base);
    nums.set(prev.nums.subarray(2 * prev.numFrom[oldResume], 2 * prev.numFrom[prev.count]), 2 * (headNums + nNums));
  }
  numFrom[count] = headNums + nNums + tailNums;

  let dirFrom: Int32Array | undefined;
  let directives: Directive[];
  let dirChange: DocLex['dirChange'];
  if (withDirs) {
    // the region's directives without the holes (makeDirective said no to a continued directive)
    sDirFrom[n] = regionDirs.length;
    const region: Directive[] = [];
    for (let i = 0; i < n; i++) {
      const k0 = sDirFrom[i], k1 = sDirFrom[i + 1];
      sDirFrom[i] = region.length;
      for (let k = k0; k < k1; k++) { const d = regionDirs[k]; if (d) region.push(d); }
    }
    const headDirs = prev ? prev.dirFrom![from] : 0;
    if (prev && lineDelta === 0 && sameDirectives(prev, region, from, n, headDirs, oldResume)) {
      // the edit left every directive as it was: the same list (and preprocessing result)
      return { src, count, starts, ends, entry, flags, numFrom, nums, dirFrom: prev.dirFrom, directives: prev.directives };
    }
    dirFrom = ints.subarray(3 * count + 1, 4 * count + 2);
    if (prev) {
      const pf = prev.dirFrom!;
      dirFrom.set(pf.subarray(0, from));
      let tailDirs = prev.directives.slice(pf[oldResume]);
      if (lineDelta !== 0) tailDirs = tailDirs.map((d) => moveDirective(d, lineDelta));
      directives = prev.directives.slice(0, headDirs).concat(region, tailDirs);
      const shift = headDirs + region.length - pf[oldResume];
      if (shift === 0) dirFrom.set(pf.subarray(oldResume), oldResume + lineDelta);
      else for (let k = oldResume; k <= prev.count; k++) dirFrom[k + lineDelta] = pf[k] + shift;
      dirChange = { before: prev.directives, at: headDirs, removed: pf[oldResume] - headDirs, added: region.length, lineDelta, fromLine: from, toLine: oldResume };
    } else {
      directives = region;
      dirFrom[count] = region.length;
    }
    for (let i = 0; i < n; i++) dirFrom[from + i] = headDirs + sDirFrom[i];
  } else {
    // Linker scripts: statements run across lines up to `;`, extracted from the tokens of every line.
    const scans: LineScan[] = new Array(count);
    for (let i = 0; i < count; i++) scans[i] = scanLine(text.slice(starts[i], ends[i]), family, entry[i], { hashImmediate });
    directives = extractDirectives(scans, family);
  }
  return { src, count, starts, ends, entry, flags, numFrom, nums, dirFrom, directives, dirChange };
}

/** The region's directives are the previous version's, line by line (same objects). */
function sameDirectives(prev: DocLex, region: Directive[], from: number, n: number, headDirs: number, oldResume: number): boolean {
  const pf = prev.dirFrom!;
  if (region.length !== pf[oldResume] - headDirs) return false;
  for (let i = 0; i < region.length; i++) if (region[i] !== prev.directives[headDirs + i]) return false;
  for (let i = 0; i < n; i++) if (headDirs + sDirFrom[i] !== pf[from + i]) return false;
  return true;
}

/** A directive moved by `delta` lines. */
function moveDirective(d: Directive, delta: number): Directive {
  if (d instanceof LazyDefine) return d.moved(delta);
  if (d instanceof MovedDirective) return new MovedDirective(d.original, d.delta + delta);
  return new MovedDirective(d, delta);
}

/**
 * A directive (not a LazyDefine) moved by some lines, its text unchanged: its tokens are copied with
 * their new lines when something reads them (after a line break typed above a long file's directives,
 * most are never read).
 */
class MovedDirective implements Directive {
  memoDef: Directive['memoDef'] = undefined;
  readonly line: number;
  readonly endLine: number;
  private toks: { tokens: LTok[]; nameTok?: LTok; body?: LTok[] } | undefined = undefined;

  constructor(readonly original: Directive, readonly delta: number) {
    this.line = original.line + delta;
    this.endLine = original.endLine + delta;
  }

  get kind(): Directive['kind'] { return this.original.kind; }
  get keyword(): string { return this.original.keyword; }
  get symKind(): Directive['symKind'] { return this.original.symKind; }
  get target(): string | undefined { return this.original.target; }
  get system(): boolean | undefined { return this.original.system; }

  private moved(): NonNullable<MovedDirective['toks']> {
    if (!this.toks) {
      const d = this.original, delta = this.delta;
      const moved = new Map<LTok, LTok>();
      const fix = (t: LTok): LTok => {
        let m = moved.get(t);
        if (!m) { m = { kind: t.kind, text: t.text, start: t.start, end: t.end, line: t.line + delta }; moved.set(t, m); }
        return m;
      };
      this.toks = { tokens: d.tokens.map(fix), nameTok: d.nameTok && fix(d.nameTok), body: d.body?.map(fix) };
    }
    return this.toks;
  }

  get tokens(): LTok[] { return this.moved().tokens; }
  get nameTok(): LTok | undefined { return this.original.nameTok && this.moved().nameTok; }
  get body(): LTok[] | undefined { return this.original.body && this.moved().body; }

  toJSON(): Directive {
    const { kind, line, endLine, tokens, keyword, symKind, nameTok, body, target, system } = this;
    return { kind, line, endLine, tokens, keyword, symKind, nameTok, body, target, system };
  }
}
