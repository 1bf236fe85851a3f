// Logical lines and the two line sources. The editor's document lexer (document.ts) lexes every line of
// a document; a whole-tree run lexes only what can matter: every directive of a C file (a `#define` as a
// LazyDefine, lexed again when something reads it) and the lines that hold a literal a rule can read,
// both found with a search over the text instead of lexing it. Both sources give their directives to
// the same preprocessing walk and their literal lines to the same consumers, and both select literal
// lines with the same function (literalLineStarts), so the two agree by construction.

import { Directive, DirectiveKind, DirectiveLines, LazyDefine, LD_FN, LD_PARAMS_OK, LexSource, LTok } from './directives';
import type { MacroDef } from './evaluate';
import { BranchRecord, defFor, PreprocessResult, withConditional } from './records';
import { Family, lexDocumentRun, lexLine, LEX_STATE_SHIFT, scanLine, ScanOptions, STATE_COMMENT } from './scanner';

/** One logical line: a directive with its continuation lines, or one line of code. */
export interface LogicalLine {
  tokens: LTok[];
  directive: boolean;
  /** Its first line (0-based) and that line's offset in the text. */
  line: number;
  offset: number;
}

/** [0-9A-Za-z_] */
export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Whether the line starting at `ls` continues the previous one (the previous line ends with a backslash). */
export function continuesPrevious(text: string, ls: number): boolean {
  return ls >= 2 && (text.charCodeAt(ls - 2) === 92 || (text.charCodeAt(ls - 2) === 13 && ls >= 3 && text.charCodeAt(ls - 3) === 92));
}

/** Start offsets of a text's lines (`\n`, `\r\n` or a lone `\r` ends a line, as splitLines counts). */
export function lineStartsOf(text: string): Int32Array {
  let out = new Int32Array(Math.max(16, (text.length >> 5) + 2));
  let n = 0;
  out[n++] = 0;
  const hasCR = text.indexOf('\r') >= 0;
  for (let i = hasCR ? 0 : text.indexOf('\n'); i >= 0 && i < text.length; i = hasCR ? i + 1 : text.indexOf('\n', i + 1)) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (n === out.length) { const g = new Int32Array(out.length * 2); g.set(out); out = g; }
    out[n++] = i + 1;
  }
  return out.subarray(0, n);
}

/** The line (0-based) that holds offset `pos`, given the line starts. */
export function lineOfOffset(starts: Int32Array, pos: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * Line numbers of a text's offsets, asked for mostly in increasing order: counted from the last answer
 * while the questions go forward. Each forward answer is kept as a checkpoint, so that a question that
 * goes back (a second pass over the text, a definition made later) is counted from the nearest checkpoint
 * before it; only when such counting adds up to more than the text's length is the table of line starts
 * made. A text with a `\r` always uses the table (a lone `\r` ends a line).
 */
export class LineIndex {
  private table: Int32Array | undefined;
  private pos = 0;
  private line = 0;
  /** Checkpoints: offsets (increasing) and their lines. */
  private cpAt = new Int32Array(16);
  private cpLine = new Int32Array(16);
  private cpCount = 0;
  /** A second cursor, for questions going forward again after going back. */
  private backPos = -1;
  private backLine = 0;
  /** Bytes counted for questions that went back (the table is made past the text's length). */
  private backCounted = 0;
  private readonly hasCR: boolean;
  constructor(readonly text: string) {
    this.hasCR = text.indexOf('\r') >= 0;
    if (this.hasCR) this.table = lineStartsOf(text);
  }
  /** The line holding offset `p`. */
  lineOf(p: number): number {
    if (this.table) return lineOfOffset(this.table, p);
    const t = this.text;
    if (p < this.pos) return this.lineBack(p);
    for (let k = t.indexOf('\n', this.pos); k >= 0 && k < p; k = t.indexOf('\n', k + 1)) this.line++;
    this.pos = p;
    this.checkpoint(p, this.line);
    return this.line;
  }
  private checkpoint(p: number, line: number): void {
    const n = this.cpCount;
    if (n > 0 && this.cpAt[n - 1] >= p) return;
    if (n === this.cpAt.length) {
      const a = new Int32Array(n * 2), l = new Int32Array(n * 2);
      a.set(this.cpAt); l.set(this.cpLine);
      this.cpAt = a; this.cpLine = l;
    }
    this.cpAt[n] = p; this.cpLine[n] = line;
    this.cpCount = n + 1;
  }
  /** Index of the last checkpoint at or before offset p (-1: none). */
  private checkpointBefore(p: number): number {
    let lo = 0, hi = this.cpCount;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.cpAt[mid] <= p) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }
  private lineBack(p: number): number {
    if (this.backCounted > this.text.length) return lineOfOffset(this.starts, p);
    const c = this.checkpointBefore(p);
    let from = c < 0 ? 0 : this.cpAt[c], line = c < 0 ? 0 : this.cpLine[c];
    if (this.backPos >= from && this.backPos <= p) { from = this.backPos; line = this.backLine; }
    const t = this.text;
    for (let k = t.indexOf('\n', from); k >= 0 && k < p; k = t.indexOf('\n', k + 1)) line++;
    this.backCounted += p - from;
    this.backPos = p;
    this.backLine = line;
    return line;
  }
  /** Offset of the start of line `line` (as `starts[line]`). */
  startOf(line: number): number {
    if (this.table || this.backCounted > this.text.length) return this.starts[line];
    // the last checkpoint on a line at or before `line` (checkpoint lines increase with their offsets)
    let lo = 0, hi = this.cpCount;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.cpLine[mid] <= line) lo = mid + 1; else hi = mid; }
    const t = this.text;
    let at = lo > 0 ? this.cpAt[lo - 1] : 0, l = lo > 0 ? this.cpLine[lo - 1] : 0;
    if (this.backPos >= at && this.backLine <= line) { at = this.backPos; l = this.backLine; }
    const from = at;
    if (l === line) at = at === 0 ? 0 : t.lastIndexOf('\n', at - 1) + 1;
    else {
      for (; l < line; l++) { const k = t.indexOf('\n', at); if (k < 0) break; at = k + 1; }
      if (l < line) return this.starts[line]; // past the last line
    }
    this.backCounted += Math.abs(at - from);
    return at;
  }
  /** Every line start. */
  get starts(): Int32Array { return (this.table ??= lineStartsOf(this.text)); }
  /** Offset of the line after the one starting at `start` (the text's length after the last line). */
  next(start: number): number {
    if (this.hasCR) { const tb = this.starts, l = lineOfOffset(tb, start); return l + 1 < tb.length ? tb[l + 1] : this.text.length; }
    const k = this.text.indexOf('\n', start);
    return k < 0 ? this.text.length : k + 1;
  }
  /** End of the line starting at `start`, before its line break. */
  end(start: number): number {
    const n = this.next(start);
    let e = n;
    const t = this.text;
    if (n > start && n <= t.length && (t.charCodeAt(n - 1) === 10 || t.charCodeAt(n - 1) === 13)) {
      e = n - 1;
      if (t.charCodeAt(e) === 10 && e > start && t.charCodeAt(e - 1) === 13) e--;
    }
    return e;
  }
}

/**
 * Literals a rule can read in C: a hex literal of nine significant digits or more, one after a pointer
 * cast `(T *)0x…`, a decimal of ten digits or more (all at least 2^32, or an address by its cast).
 */
const C_LITERAL_G = /0[xX](?:0*[1-9a-fA-F][0-9a-fA-F_']{8}|(?<=\*\s*\)\s*0[xX]))|(?<![\w.])[1-9][0-9]{9}/g;
/** The same for assembly, with NASM's `…h` hex, and every line that may define a symbol. */
const ASM_LITERAL_G = /^[ \t]*(?:[\w.$]+:[ \t]*)*(?:#|%|\.(?:set|equ|equiv|eqv)\b|\w+[ \t]*(?:=|:?[ \t]*equ\b))|0[xX]0*[1-9a-fA-F][0-9a-fA-F_']{8}|(?<![\w.])[1-9][0-9]{9}|[0-9][0-9a-fA-F]{8,}[hH]\b/gim;

/**
 * Offsets of the logical lines (a continued line counts from the first line of its backslash chain)
 * that hold a literal a rule can read, in order. Linker scripts: every line (locations, scaled sizes).
 */
export function literalLineStarts(text: string, family: Family): number[] {
  const out: number[] = [];
  if (family === 'ld') {
    for (let i = 0; i >= 0 && i <= text.length; ) {
      out.push(i);
      const k = text.indexOf('\n', i);
      if (k < 0) break;
      i = k + 1;
      if (i === text.length) break;
    }
    return out;
  }
  const re = family === 'c' ? C_LITERAL_G : ASM_LITERAL_G;
  let last = -1;
  re.lastIndex = 0;
  // test() and lastIndex, not exec(): no match object per literal (a match never spans a line break,
  // and the rest of its line is skipped, so its end finds its line as well as its start)
  while (re.test(text)) {
    last = pushLogicalStart(text, re.lastIndex - 1, out, last);
    // the rest of this physical line adds nothing
    const le = text.indexOf('\n', re.lastIndex);
    if (le < 0) break;
    re.lastIndex = le + 1;
  }
  return out;
}

/** The start of the logical line of offset `at` pushed onto `out` unless it is `last`, the last one pushed; the last start. */
function pushLogicalStart(text: string, at: number, out: number[], last: number): number {
  let ls = text.lastIndexOf('\n', at) + 1;
  while (continuesPrevious(text, ls)) ls = text.lastIndexOf('\n', ls - 2) + 1;
  if (ls !== last && ls > last) { out.push(ls); return ls; }
  return last;
}

/**
 * literalLineStarts of a C text from the offsets of its literals, at least the first of each physical
 * line that has one, in order (as a scan of the file's bytes finds them: gateScan's `literals`).
 */
export function literalLineStartsOf(text: string, literals: ArrayLike<number>): number[] {
  const out: number[] = [];
  let last = -1;
  for (let i = 0; i < literals.length; i++) last = pushLogicalStart(text, literals[i], out, last);
  return out;
}

/**
 * Lexer state at line starts given in increasing order, from the nearest `/*` and `*\/` before each:
 * lines between them are never lexed. (A `/*` inside a string or a `//` comment misleads it; the
 * whole-tree source accepts that.)
 */
class CommentStates {
  private lastOpen = -1;
  private lastClose = -1;
  private nextOpen: number;
  private nextClose: number;
  constructor(private readonly text: string, family: Family) {
    const any = family !== 'nasm' && text.includes('/*');
    this.nextOpen = any ? text.indexOf('/*') : -1;
    this.nextClose = any ? text.indexOf('*/') : -1;
  }
  at(ls: number): number {
    const t = this.text;
    while (this.nextOpen >= 0 && this.nextOpen < ls) { this.lastOpen = this.nextOpen; this.nextOpen = t.indexOf('/*', this.nextOpen + 2); }
    while (this.nextClose >= 0 && this.nextClose < ls) { this.lastClose = this.nextClose; this.nextClose = t.indexOf('*/', this.nextClose + 2); }
    return this.lastOpen >= 0 && this.lastClose < this.lastOpen ? STATE_COMMENT : 0;
  }
}

/**
 * Lex the logical line that starts at `start` (line number `line`, lexer state `state`), continuation
 * lines included: its tokens with their lines, whether it is a directive, the offset after it and its last line.
 */
export function lexLogical(text: string, start: number, line: number, family: Family, state: number, opts: ScanOptions = {}): { tokens: LTok[]; directive: boolean; next: number; lastLine: number } {
  let tokens: LTok[] | undefined;
  let directive = false;
  for (;;) {
    let le = text.indexOf('\n', start);
    if (le < 0) le = text.length;
    const sc = scanLine(text.charCodeAt(le - 1) === 13 ? text.slice(start, le - 1) : text.slice(start, le), family, state, opts);
    const toks = sc.tokens as LTok[];
    for (const t of toks) t.line = line;
    if (!tokens) { tokens = toks; directive = sc.directive; } else for (const t of toks) tokens.push(t);
    start = le + 1;
    if (!sc.continues || start >= text.length) break;
    state = sc.endState;
    line++;
  }
  return { tokens, directive, next: start, lastLine: line };
}

/** The logical lines at the given starts, lexed alone (lexer state from CommentStates). */
export function logicalLinesAt(text: string, family: Family, starts: readonly number[], lines: LineIndex, opts: ScanOptions = {}): LogicalLine[] {
  const out: LogicalLine[] = [];
  const comments = new CommentStates(text, family);
  let free = 0;
  for (const ls of starts) {
    if (ls < free) continue;
    const line = lines.lineOf(ls);
    const lx = lexLogical(text, ls, line, family, comments.at(ls), opts);
    out.push({ tokens: lx.tokens, directive: lx.directive, line, offset: ls });
    free = lx.next;
  }
  return out;
}

/** Directive keywords the preprocessing walk reads (other directives, `#pragma`, `#error`, …, are skipped). */
const WALKED_Y = /[ \t]*(?:if|el|endif|define|undef|include)/y;
/** The same without `#include` (a walk that reads no included file). */
const WALKED_NO_INCLUDE_Y = /[ \t]*(?:if|el|endif|define|undef)/y;
/**
 * The most frequent directives, read without lexing: `#endif`, `#else`, `#ifdef NAME`, `#ifndef NAME` with
 * nothing but blanks after them, and a one-line `#define NAME…` whose line has no comment, string or
 * character literal and does not end with a backslash. Read with character tests (no match objects:
 * this runs for every directive of a tree).
 */
const isBlankChar = (c: number) => c === 32 || c === 9;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
/** Offset after the blanks from `i` (up to `end`). */
function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && isBlankChar(text.charCodeAt(i))) i++;
  return i;
}
/** Offset after the identifier at `i` (`i` itself when none starts there). */
function identEnd(text: string, i: number, end: number): number {
  if (i >= end || !isIdentStart(text.charCodeAt(i))) return i;
  i++;
  while (i < end && isWordChar(text.charCodeAt(i))) i++;
  return i;
}
/** Offset after a well-formed parameter list `( a, b, ... )` at `i` (the `(`), or -1. */
function paramListEnd(text: string, i: number, end: number): number {
  i++;
  for (;;) {
    i = skipBlanks(text, i, end);
    const c = text.charCodeAt(i);
    if (i >= end) return -1;
    if (c === 41 /* ) */) return i + 1;
    if (c === 44 /* , */) { i++; continue; }
    if (c === 46 /* . */ && text.startsWith('...', i)) { i += 3; continue; }
    const e = identEnd(text, i, end);
    if (e === i) return -1;
    i = e;
  }
}
/** Whether text[from, to) has a comment, a string or character literal, or a backslash. */
function plainText(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 34 || c === 39 || c === 92) return false;
    if (c === 47) { const d = text.charCodeAt(k + 1); if (d === 42 || d === 47) return false; }
  }
  return true;
}

/** The directive of a plain one-line `#` line at `ls` (the `#` at `hash`, the line ending at `end`), or undefined. */
function plainDirective(src: LexSource, ls: number, hash: number, end: number, line: number): Directive | undefined {
  const text = src.text;
  const kw = skipBlanks(text, hash + 1, end);
  const c = text.charCodeAt(kw);
  if (c === 101 /* e */) {
    const word: DirectiveKind | undefined = text.startsWith('endif', kw) ? 'endif' : text.startsWith('else', kw) ? 'else' : undefined;
    if (!word || skipBlanks(text, kw + word.length, end) !== end) return undefined;
    return { kind: word, line, endLine: line, tokens: [], keyword: word };
  }
  if (c === 105 /* i */) {
    const word: DirectiveKind | undefined = text.startsWith('ifdef', kw) ? 'ifdef' : text.startsWith('ifndef', kw) ? 'ifndef' : undefined;
    if (!word) return undefined;
    const at = skipBlanks(text, kw + word.length, end);
    if (at === kw + word.length) return undefined;
    const e = identEnd(text, at, end);
    if (e === at || skipBlanks(text, e, end) !== end) return undefined;
    const tok: LTok = { kind: 'ident', text: text.slice(at, e), start: at - ls, end: e - ls, line };
    return { kind: word, line, endLine: line, tokens: [tok], keyword: word };
  }
  if (c !== 100 /* d */ || !text.startsWith('define', kw)) return undefined;
  const nameAt = skipBlanks(text, kw + 6, end);
  if (nameAt === kw + 6) return undefined;
  const nameEnd = identEnd(text, nameAt, end);
  if (nameEnd === nameAt) return undefined;
  if (!plainText(text, hash, end)) return undefined;
  const fn = text.charCodeAt(nameEnd) === 40; // `(` right after the name: function-like
  if (fn && paramListEnd(text, nameEnd, end) < 0) return undefined; // an unusual parameter list: the lexer decides
  return new LazyDefine(src, line, line, text.slice(nameAt, nameEnd), nameAt - ls, ls, end, (fn ? LD_FN : 0) | LD_PARAMS_OK, undefined);
}

/** Marks a left-out definition's place in the list of directives being made. */
const LEFT_OUT = Object.freeze({ kind: 'other', line: -1, endLine: -1, tokens: [], keyword: '' }) as unknown as Directive;

/**
 * The directives of a C file found without lexing its other lines. Every `#` that starts a line (blanks
 * before it aside) and is not inside a block comment or a continued line is a directive, lexed with its
 * continuation lines and made by DirectiveLines as the document lexer makes it (the most frequent
 * one-line forms are read without lexing).
 *
 * With `keep`, a `#define` goes into the walk only when its name can matter: `keep.nameY` (a sticky
 * pattern tried at the name) accepts it, it sits on a literal line (`literalStarts`), a condition or an
 * `#undef` of the file names it, or a kept definition's body does (to a fixed point); every definition
 * of such a name is kept. The others are left out as positions and made into definitions only when a
 * name is looked up (`late`): a register header with 100,000 definitions costs a search, not 100,000
 * objects.
 */
export function sparseDirectives(text: string, index: LineIndex, hashImmediate = false, keep?: { nameY: RegExp; literalStarts: readonly number[] }, includes = true): { directives: Directive[]; late: LateDefinitions | undefined } {
  const src: LexSource = { text, family: 'c', hashImmediate };
  const lines = new DirectiveLines(src, false);
  const comments = new CommentStates(text, 'c');
  const walked: (Directive | undefined)[] = [];
  // #defines not made yet (with `keep`): the offsets of their `#` and of their name
  const skipHash: number[] = [], skipName: number[] = [];
  let lit = 0; // next literal line start (keep.literalStarts)
  // The names of the definitions kept at the scan: their offsets (a string and a set entry for each of
  // 400,000 names cost more than the search that reads them back, NamesAt, when a condition asks).
  const keptAt: number[] = [];
  let free = 0; // offset after the last line read

  /** Make the directive whose `#` is at `hash` (line start `ls`, line `line`, lexer state `entry`) into `out`; the offset after it. */
  const make = (hash: number, ls: number, line: number, entry: number, out: (Directive | undefined)[]): number => {
    if (entry === 0) {
      const le = index.end(ls);
      const d = text.charCodeAt(le - 1) === 92 ? undefined : plainDirective(src, ls, hash, le, line);
      if (d) { out.push(d); return index.next(ls); }
    }
    let start = ls, state = entry;
    for (;;) {
      const end = index.end(start);
      const fl = lexLine(text, start, end, 'c', state, hashImmediate);
      lines.line(start, end, state, line, fl, out);
      const next = index.next(start);
      if (!lines.open) return next;
      // no line after this one (the text ends without a line break): finish the directive here
      if (next >= text.length && !(next > start && (text.charCodeAt(next - 1) === 10 || text.charCodeAt(next - 1) === 13))) { lines.close(line, out); return next; }
      state = fl >> LEX_STATE_SHIFT;
      line++;
      start = next;
    }
  };
  const lineStartOf = (pos: number) => text.lastIndexOf('\n', pos - 1) + 1;

  lexDocumentRun(text);
  try {
    for (let i = text.indexOf('#'); i >= 0; i = text.indexOf('#', i + 1)) {
      let j = i - 1;
      for (let c = text.charCodeAt(j); c === 32 || c === 9; c = text.charCodeAt(--j));
      // `#` first on its line, or right after the end of a block comment that began on an earlier line
      // (the comment is one blank: the directive starts the line, as the document lexer reads it too).
      const afterComment = j >= 1 && text.charCodeAt(j) === 47 && text.charCodeAt(j - 1) === 42;
      if (j >= 0 && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13 && !afterComment) continue;
      const ls = afterComment ? lineStartOf(j) : j + 1;
      if (ls < free || continuesPrevious(text, ls)) continue;
      const entry = comments.at(ls);
      if ((entry === STATE_COMMENT) !== afterComment) continue;
      if (keep && entry === 0) {
        DEFINE_HEAD_Y.lastIndex = i + 1;
        if (DEFINE_HEAD_Y.test(text)) {
          const nameAt = DEFINE_HEAD_Y.lastIndex;
          while (lit < keep.literalStarts.length && keep.literalStarts[lit] < ls) lit++;
          keep.nameY.lastIndex = nameAt;
          if (keep.literalStarts[lit] !== ls && !keep.nameY.test(text)) {
            // left out for now: its place; the lines it continues onto are skipped
            skipHash.push(i); skipName.push(nameAt);
            walked.push(LEFT_OUT); // keeps the order: replaced below when the name is kept
            let e = text.indexOf('\n', i);
            while (e >= 0 && (text.charCodeAt(e - 1) === 92 || (text.charCodeAt(e - 1) === 13 && text.charCodeAt(e - 2) === 92))) e = text.indexOf('\n', e + 1);
            free = e < 0 ? text.length : e + 1;
            i = Math.max(i, free - 1);
            continue;
          }
          keptAt.push(nameAt);
        }
      }
      const walkedY = includes ? WALKED_Y : WALKED_NO_INCLUDE_Y;
      walkedY.lastIndex = i + 1;
      if (!walkedY.test(text)) continue;
      free = make(i, ls, index.lineOf(ls), entry, walked);
      i = Math.max(i, free - 1);
    }
    if (!keep || skipHash.length === 0) {
      const dirs: Directive[] = [];
      for (const d of walked) if (d && d !== LEFT_OUT) dirs.push(d);
      return { directives: dirs, late: undefined };
    }
    // Names the walk's conditions read: in conditions and #undefs, and (to a fixed point) in the bodies of
    // the definitions of such names, kept or left out. Values read the others through `late`.
    const wanted = new Set<string>();
    const seen = new Set<string>();
    const want = (toks: readonly LTok[]) => { for (const t of toks) if (t.kind === 'ident' && !seen.has(t.text)) wanted.add(t.text); };
    // The walk's definitions by name: a one-line definition by the offset of its name (found with
    // NamesAt when a name is wanted), any other in a table.
    const lazyAt: number[] = [], lazyDefs: Directive[] = [];
    const otherByName = new Map<string, Directive[]>();
    for (const d of walked) {
      if (!d || d === LEFT_OUT) continue;
      if (d.kind === 'define') {
        if (d instanceof LazyDefine && d.src.text === text && text.startsWith(d.name, d.offset + d.nameStart)) { lazyAt.push(d.offset + d.nameStart); lazyDefs.push(d); continue; }
        const n = d instanceof LazyDefine ? d.name : d.nameTok?.text ?? '';
        const l = otherByName.get(n);
        if (l) l.push(d); else otherByName.set(n, [d]);
        continue;
      }
      if (d.kind !== 'include' && d.kind !== 'other') want(d.tokens);
    }
    const lazyNames = new NamesAt(text, lazyAt);
    const keptAtScan = new NamesAt(text, keptAt);
    const keptLater = new Set<string>();
    const isKept = (n: string) => keptLater.has(n) || keptAtScan.find(n) !== undefined;
    const made = new Map<number, Directive>();
    const leftOut = new NamesAt(text, skipName);
    while (wanted.size > 0) {
      const names = [...wanted].filter((n) => /^[A-Za-z_]\w*$/.test(n));
      wanted.clear();
      for (const n of names) seen.add(n);
      for (const n of names) {
        for (const k of lazyNames.find(n) ?? []) want(lazyDefs[k].body ?? []);
        for (const d of otherByName.get(n) ?? []) want(d.body ?? []);
      }
      const fresh = names.filter((n) => !isKept(n));
      for (const n of fresh) keptLater.add(n);
      if (fresh.length === 0) continue;
      // the left-out definitions of the wanted names, found where the names occur in the text
      const hits: number[] = [];
      for (const n of fresh) for (const k of leftOut.find(n) ?? []) if (!made.has(k)) hits.push(k);
      hits.sort((x, y) => x - y);
      for (const k of hits) {
        const out: (Directive | undefined)[] = [];
        const h = skipHash[k], ls = lineStartOf(h);
        make(h, ls, index.lineOf(ls), 0, out);
        const d = out[0];
        if (d) { made.set(k, d); want(d.body ?? []); }
      }
    }
    const dirs: Directive[] = [];
    const lateHash: number[] = [], lateName: number[] = [];
    let sk = 0;
    for (const d of walked) {
      if (!d) continue;
      if (d !== LEFT_OUT) { dirs.push(d); continue; }
      const m = made.get(sk);
      if (m) dirs.push(m); else { lateHash.push(skipHash[sk]); lateName.push(skipName[sk]); }
      sk++;
    }
    const late = lateHash.length ? new LateDefinitions(src, index, lateHash, lateName, make) : undefined;
    return { directives: dirs, late };
  } finally {
    lexDocumentRun(undefined);
  }
}

/** `# define NAME`: up to the name (sticky, tried right after the `#`). */
const DEFINE_HEAD_Y = /[ \t]*define[ \t]+(?=[A-Za-z_])/y;

/** A name's length (up to 32767), first and last character as one number (the identifier at `at` of `text`). */
function nameKey(text: string, at: number): number {
  let e = at;
  while (e < text.length && isWordChar(text.charCodeAt(e))) e++;
  return Math.min(e - at, 32767) * 65536 + (text.charCodeAt(at) & 255) * 256 + (text.charCodeAt(e - 1) & 255);
}

/**
 * The identifiers at given offsets of a text, found by name. The first few names are compared with each
 * identifier in turn (its first character, then the text); past that, the identifiers are sorted once by
 * their length, first and last character (nameKey), and a name is compared only with those of its key.
 */
class NamesAt {
  /** nameKey * 2^21 + index of every identifier, sorted (made after a few questions). */
  private keys: Float64Array | undefined;
  private asked = 0;
  constructor(private readonly text: string, private readonly at: readonly number[]) {}

  /** Indices into the offsets of the identifiers that are `name`, in order (undefined: none). */
  find(name: string): number[] | undefined {
    const text = this.text, at = this.at, len = name.length;
    if (len === 0) return undefined;
    let out: number[] | undefined;
    if (!this.keys && (++this.asked <= 8 || at.length >= 1 << 21)) {
      const c0 = name.charCodeAt(0);
      for (let k = 0; k < at.length; k++) {
        const p = at[k];
        if (text.charCodeAt(p) === c0 && text.startsWith(name, p) && !isWordChar(text.charCodeAt(p + len))) (out ??= []).push(k);
      }
      return out;
    }
    if (!this.keys) {
      const keys = new Float64Array(at.length);
      for (let k = 0; k < at.length; k++) keys[k] = nameKey(text, at[k]) * 2097152 + k;
      this.keys = keys.sort();
    }
    const keys = this.keys, lo0 = nameKey(name, 0) * 2097152;
    let lo = 0, hi = keys.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (keys[mid] < lo0) lo = mid + 1; else hi = mid; }
    for (let i = lo; i < keys.length && keys[i] < lo0 + 2097152; i++) {
      const k = keys[i] - lo0, p = at[k];
      if (text.startsWith(name, p) && !isWordChar(text.charCodeAt(p + len))) (out ??= []).push(k);
    }
    return out;
  }
}

/**
 * The `#define`s a whole-tree analysis left out of the walk, made into definitions when their name is
 * looked up: each with the activity and conditions of the branch it sits in (from the walk's branches),
 * under the walk's own rule for a name's candidates.
 */
export class LateDefinitions {
  private sorted: BranchRecord[] | undefined;
  private readonly memo = new Map<string, MacroDef[] | undefined>();
  private readonly names: NamesAt;
  constructor(
    private readonly src: LexSource, private readonly index: LineIndex,
    /** Offsets of each left-out definition's `#` and name. */
    private readonly hash: number[], private readonly nameAt: number[],
    private readonly make: (hash: number, ls: number, line: number, entry: number, out: (Directive | undefined)[]) => number,
  ) {
    this.names = new NamesAt(src.text, nameAt);
  }

  /** A name's candidates as the walk would have left them (undefined: no left-out definition has it). */
  lookup(name: string, pre: PreprocessResult, file: string | undefined): MacroDef[] | undefined {
    if (this.memo.has(name)) return this.memo.get(name);
    const idx = this.definitionsNamed(name);
    let list: MacroDef[] | undefined;
    if (idx) {
      lexDocumentRun(this.src.text);
      try {
        for (const k of idx) {
          const h = this.hash[k], ls = this.src.text.lastIndexOf('\n', h - 1) + 1, line = this.index.lineOf(ls);
          const { activity, context } = this.branchAt(pre, line);
          if (activity === 'inactive') continue;
          const out: (Directive | undefined)[] = [];
          this.make(h, ls, line, 0, out);
          const d = out[0];
          const def = d && defFor(d, context, file);
          if (!def) continue;
          list = context.length === 0 ? [def] : withConditional(list ?? [], def, context);
        }
      } finally {
        lexDocumentRun(undefined);
      }
    }
    this.memo.set(name, list);
    return list;
  }

  /** The left-out definitions of a name (indices, in order). */
  private definitionsNamed(name: string): number[] | undefined {
    return this.names.find(name);
  }

  /** The innermost branch holding a line (its activity and every atom in force there). */
  private branchAt(pre: PreprocessResult, line: number): { activity: BranchRecord['activity']; context: BranchRecord['context'] } {
    const b = (this.sorted ??= [...pre.branches].sort((x, y) => x.startLine - y.startLine || y.endLine - x.endLine));
    let lo = 0, hi = b.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (b[mid].startLine < line) lo = mid + 1; else hi = mid; }
    for (let k = lo - 1; k >= 0; k--) if (b[k].endLine > line) return b[k];
    return { activity: 'active', context: [] };
  }
}
