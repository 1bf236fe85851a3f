// Logical lines and the two line sources. The editor's document lexer (document.ts) lexes every line of
// a document; a whole-tree run lexes only what can matter: every directive of a C file (a `#define` as a
// LazyDefine, lexed again when something reads it) and the lines that hold a literal a rule can read,
// both found with a search over the text instead of lexing it. Both sources give their directives to
// the same preprocessing walk and their literal lines to the same consumers, and both select literal
// lines with the same function (literalLineStarts), so the two agree by construction.

import { Directive, DirectiveLines, LexSource, LTok } from './directives';
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
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    let ls = text.lastIndexOf('\n', m.index - 1) + 1;
    while (continuesPrevious(text, ls)) ls = text.lastIndexOf('\n', ls - 2) + 1;
    if (ls !== last && ls > last) { out.push(ls); last = ls; }
    // the rest of this physical line adds nothing
    const le = text.indexOf('\n', re.lastIndex);
    if (le < 0) break;
    re.lastIndex = le + 1;
  }
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
export function logicalLinesAt(text: string, family: Family, starts: readonly number[], lineStarts: Int32Array, opts: ScanOptions = {}): LogicalLine[] {
  const out: LogicalLine[] = [];
  const comments = new CommentStates(text, family);
  let free = 0;
  for (const ls of starts) {
    if (ls < free) continue;
    const line = lineOfOffset(lineStarts, ls);
    const lx = lexLogical(text, ls, line, family, comments.at(ls), opts);
    out.push({ tokens: lx.tokens, directive: lx.directive, line, offset: ls });
    free = lx.next;
  }
  return out;
}

/** Directive keywords the preprocessing walk reads (other directives, `#pragma`, `#error`, …, are skipped). */
const WALKED_Y = /[ \t]*(?:if|el|endif|define|undef|include)/y;

/**
 * Every directive of a C file, found without lexing its other lines: each `#` that starts a line (blanks
 * before it aside) and is not inside a block comment or a continued line is lexed with its continuation
 * lines and made into a directive by DirectiveLines, as the document lexer makes it.
 */
export function sparseDirectives(text: string, lineStarts: Int32Array, hashImmediate = false): Directive[] {
  const src: LexSource = { text, family: 'c', hashImmediate };
  const lines = new DirectiveLines(src, false);
  const out: (Directive | undefined)[] = [];
  const comments = new CommentStates(text, 'c');
  let free = 0; // offset after the last lexed line
  lexDocumentRun(text);
  try {
    for (let i = text.indexOf('#'); i >= 0; i = text.indexOf('#', i + 1)) {
      let j = i - 1;
      for (let c = text.charCodeAt(j); c === 32 || c === 9; c = text.charCodeAt(--j));
      // `#` first on its line, or right after the end of a block comment that began on an earlier line
      // (the comment is one blank: the directive starts the line, as the document lexer reads it too).
      const afterComment = j >= 1 && text.charCodeAt(j) === 47 && text.charCodeAt(j - 1) === 42;
      if (j >= 0 && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13 && !afterComment) continue;
      const ls = afterComment ? text.lastIndexOf('\n', j) + 1 : j + 1;
      if (ls < free || continuesPrevious(text, ls)) continue;
      WALKED_Y.lastIndex = i + 1;
      if (!WALKED_Y.test(text)) continue;
      const entry = comments.at(ls);
      if ((entry === STATE_COMMENT) !== afterComment) continue;
      let line = lineOfOffset(lineStarts, ls);
      let start = ls, state = entry;
      for (;;) {
        let end = line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : text.length;
        if (end > start && text.charCodeAt(end - 1) === 13) end--;
        if (end < start) end = start;
        const fl = lexLine(text, start, end, 'c', state, hashImmediate);
        lines.line(start, end, state, line, fl, out);
        free = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
        if (!lines.open) break;
        if (line + 1 >= lineStarts.length) { lines.close(line, out); break; }
        state = fl >> LEX_STATE_SHIFT;
        line++;
        start = lineStarts[line];
      }
      i = Math.max(i, free - 1);
    }
  } finally {
    lexDocumentRun(undefined);
  }
  const dirs: Directive[] = [];
  for (const d of out) if (d) dirs.push(d);
  return dirs;
}
