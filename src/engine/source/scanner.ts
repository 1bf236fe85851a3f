// Line-oriented lexer for C/C++, GNU as (AT&T and Intel), NASM and GNU ld linker scripts.
// Lines are scanned independently given the state at their start (inside a block comment, inside a
// continued preprocessor line), so an edit re-scans only the lines it touches (see analysis.ts).

/** Language family: decides comments, identifiers, literals and definition syntax. */
export type Family = 'c' | 'gas' | 'nasm' | 'ld';

export type TokenKind = 'number' | 'ident' | 'punct' | 'string' | 'char' | 'header' | 'other';

/** A token of one physical line; `start`/`end` are character columns (end exclusive). */
export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

export interface LineScan {
  tokens: Token[];
  /** This line begins a preprocessor directive (`#define`, `%define`, ...). */
  directive: boolean;
  /** This line continues the directive of the previous line (backslash continuation). */
  continuation: boolean;
  /** The line ends with a backslash: the directive continues on the next line. */
  continues: boolean;
  /** State at the end of the line (input state of the next line). */
  endState: number;
  /** Derived data cached on the scan by later stages (directives, literals); not part of the scan. */
  memo?: Record<string, unknown>;
}

/** Scanner state bits carried from line to line. */
export const STATE_COMMENT = 1;
export const STATE_CONTINUATION = 2;

export interface ScanOptions {
  /** GNU as: `#` in the middle of a line starts an immediate (arm, aarch64) instead of a comment (x86). */
  hashImmediate?: boolean;
}

const ASM_LANGUAGE_IDS = new Set([
  'asm', 'gas', 'assembly', 'asm-intel-x86-generic', 'asm-collection', 'arm', 'arm64', 'aarch64', 'riscv',
  'x86', 'x86_64', 'gnu-asm', 'gas-x86', 'asm-x86', 'mips', 'powerpc',
]);

/**
 * The family for a VS Code language id and/or file name. File extensions win for the ambiguous
 * ids: `.lds.S` is a linker script run through cpp, `.asm`/`.inc` are NASM unless a GNU id says otherwise.
 */
export function familyFor(languageId?: string, fileName?: string): Family | undefined {
  const name = (fileName ?? '').toLowerCase();
  const id = (languageId ?? '').toLowerCase();
  if (/\.(lds|ld)(\.s)?$/.test(name) || /\.x$/.test(name) && id === 'linkerscript') return 'ld';
  if (id === 'linkerscript' || id === 'ld' || id === 'lds') return 'ld';
  if (id === 'nasm' || id === 'yasm') return 'nasm';
  if (id === 'c' || id === 'cpp' || id === 'cuda-cpp' || id === 'objective-c' || id === 'objective-cpp') return 'c';
  if (ASM_LANGUAGE_IDS.has(id)) {
    // Ids that several assemblers share: a NASM file by its extension (`.asm`, `.nas`, `.nasm`, `.inc`), GNU as otherwise.
    if (/\.(asm|nas|nasm|inc)$/.test(name) && (id === 'asm' || id === 'assembly' || id === 'asm-intel-x86-generic' || id === 'asm-collection')) return 'nasm';
    return 'gas';
  }
  if (/\.(c|h|cc|cpp|cxx|hpp|hh|hxx|inl)$/.test(name)) return 'c';
  if (/\.(s|sx)$/.test(name)) return 'gas';
  if (/\.(asm|nas|nasm)$/.test(name)) return 'nasm';
  if (/\.inc$/.test(name)) return 'nasm';
  return undefined;
}

/** `#` for scanner options of a language id: arm-family assembly uses `#` for immediates. */
export function scanOptionsFor(languageId?: string, fileName?: string): ScanOptions {
  const id = (languageId ?? '').toLowerCase();
  const name = (fileName ?? '').toLowerCase();
  return { hashImmediate: /arm|aarch64|riscv/.test(id) || /\/arch\/(arm|arm64|riscv)\//.test(name) };
}

const C_DIRECTIVES = new Set([
  'define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef',
  'else', 'endif', 'error', 'warning', 'line', 'pragma', 'ident', 'assert', 'unassert',
]);

// Character classes as lookup tables for speed.
const IDENT_START = new Uint8Array(128);
const IDENT_PART = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) IDENT_START[c] = 1;
  if (/[A-Za-z0-9_]/.test(ch)) IDENT_PART[c] = 1;
}
/** First characters of multi-character punctuators. */
const MULTI_START = new Uint8Array(128);
for (const ch of '<>=!&|#-+*/%^.:') MULTI_START[ch.charCodeAt(0)] = 1;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9 || c === 12 || c === 11 || c === 13;
const isAlnum = (c: number) => c < 128 && IDENT_PART[c] === 1;

const PUNCT3 = ['<<=', '>>=', '...', '<<<', '>>>', '<=>'];
const PUNCT2 = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '##', '->', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<>', '//', '%%', '^^', '::'];
const PUNCT3_BY_FAMILY: Record<Family, Set<string>> = {
  c: new Set(['<<=', '>>=', '...']),
  gas: new Set(['<<=', '>>=']),
  nasm: new Set(['<<<', '>>>', '<=>']),
  ld: new Set(['<<=', '>>=']),
};
const PUNCT2_BY_FAMILY: Record<Family, Set<string>> = {
  c: new Set(PUNCT2.filter((p) => !['<>', '//', '%%', '^^'].includes(p))),
  gas: new Set(PUNCT2.filter((p) => !['//', '%%', '^^', '##', '::'].includes(p)).concat(['##'])),
  nasm: new Set(PUNCT2.filter((p) => !['##', '->', '::'].includes(p))),
  ld: new Set(PUNCT2.filter((p) => !['<>', '//', '%%', '^^', '##', '::'].includes(p)).concat(['##'])),
};
void PUNCT3;

/** Token kinds on the token tape (see lexLine), in the order of TAPE_KINDS. */
export const TK_NUMBER = 0, TK_IDENT = 1, TK_PUNCT = 2, TK_STRING = 3, TK_CHAR = 4, TK_HEADER = 5;
export const TAPE_KINDS: readonly TokenKind[] = ['number', 'ident', 'punct', 'string', 'char', 'header'];

/** Line flags returned by lexLine (the line's end state is `flags >> LEX_STATE_SHIFT`). */
export const LEX_DIRECTIVE = 1, LEX_CONTINUATION = 2, LEX_CONTINUES = 4, LEX_STATE_SHIFT = 3;

/**
 * The token tape: lexLine writes the tokens of one line here as (kind, start, end) triples, `tapeCount`
 * of them, with offsets into the string it was given. Reused by every call (no token objects).
 */
export let tape = new Int32Array(3 * 256);
export let tapeCount = 0;

function ensureTape(tokens: number): void {
  if (tape.length < 3 * tokens) tape = new Int32Array(Math.max(3 * tokens, tape.length * 2));
}

// Comment-close search memo for lexing the lines of a whole document text (see lexDocumentRun): the next
// `*/` at or after `closeFrom` is at `closeAt` (-1: none). Keeps long block comments linear: without it
// every line of a comment would search the text up to the comment's end.
let closeText: string | undefined;
let closeFrom = 0;
let closeAt = -1;

/** Start or end (undefined) a run of lexLine calls over the lines of one document text. */
export function lexDocumentRun(text: string | undefined): void {
  closeText = text;
  closeFrom = Number.MAX_SAFE_INTEGER;
  closeAt = -1;
}

function findClose(text: string, i: number): number {
  if (closeText === undefined || text !== closeText) return text.indexOf('*/', i);
  if (i >= closeFrom && (closeAt < 0 || i <= closeAt)) return closeAt;
  closeFrom = i;
  closeAt = text.indexOf('*/', i);
  return closeAt;
}

/** 2- and 3-character punctuators as numbers (character codes are below 128). */
const punctKey2 = (a: number, b: number) => (a << 7) | b;
const punctKey3 = (a: number, b: number, c: number) => (a << 14) | (b << 7) | c;
const P3_KEYS: Record<Family, Set<number>> = { c: new Set(), gas: new Set(), nasm: new Set(), ld: new Set() };
const P2_KEYS: Record<Family, Set<number>> = { c: new Set(), gas: new Set(), nasm: new Set(), ld: new Set() };
for (const f of ['c', 'gas', 'nasm', 'ld'] as Family[]) {
  for (const p of PUNCT3_BY_FAMILY[f]) P3_KEYS[f].add(punctKey3(p.charCodeAt(0), p.charCodeAt(1), p.charCodeAt(2)));
  for (const p of PUNCT2_BY_FAMILY[f]) P2_KEYS[f].add(punctKey2(p.charCodeAt(0), p.charCodeAt(1)));
}

const DIRECTIVE_NAME = /^#\s*([A-Za-z_]\w*)?/;
const NULL_DIRECTIVE = /^#\s*$/;

/**
 * Lex the physical line `text[from, to)` (columns are offsets into `text`) given the state at its start:
 * the tokens go to the tape, the result is the line's flags and end state. The one lexer behind
 * scanLine, scanText and the analysis of whole documents.
 */
export function lexLine(text: string, from: number, to: number, family: Family, state: number, hashImmediate: boolean): number {
  ensureTape(to - from + 1);
  const tp = tape;
  let count = 0;
  let inComment = (state & STATE_COMMENT) !== 0;
  const continuation = (state & STATE_CONTINUATION) !== 0;
  let directive = false;
  let i = from;
  const n = to;
  const cpp = family !== 'nasm';
  const isC = family === 'c';
  let headerAllowed = false;
  let firstToken = !continuation;
  let continues = false;
  while (i < n) {
    if (inComment) {
      const close = findClose(text, i);
      if (close < 0 || close + 2 > n) { i = n; break; }
      i = close + 2;
      inComment = false;
      continue;
    }
    const c = text.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    // Comments.
    if (c === 47 /* / */ && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d === 42 /* * */ && family !== 'nasm') { inComment = true; i += 2; continue; }
      if (d === 47 && family !== 'nasm') { i = n; break; }
    }
    if (c === 59 /* ; */ && family === 'nasm') break;
    if (c === 64 /* @ */ && family === 'gas' && hashImmediate && (i + 1 >= n || isSpace(text.charCodeAt(i + 1)))) break;
    if (c === 35 /* # */ && cpp) {
      if (firstToken) {
        // A preprocessor directive when a directive name follows (or nothing: the null directive).
        let name: string | undefined;
        if (!isC) {
          const m = DIRECTIVE_NAME.exec(text.slice(i, Math.min(i + 40, n)));
          name = m?.[1];
        }
        if (isC || (name !== undefined && C_DIRECTIVES.has(name)) || NULL_DIRECTIVE.test(text.slice(i, n))) {
          directive = true;
          tp[0] = TK_PUNCT; tp[1] = i; tp[2] = i + 1; count = 1;
          i++;
          firstToken = false;
          headerAllowed = true;
          continue;
        }
        if (family === 'gas') break; // `# comment` / `# 1 "file"` line marker
      }
      if (family === 'gas' && !directive && !continuation) {
        if (!hashImmediate) break; // x86: `#` starts a comment anywhere outside directives
      }
    }
    firstToken = false;
    // NASM directives: %define, %if, ...
    if (family === 'nasm' && c === 37 /* % */ && count === 0 && i + 1 < n && IDENT_START[text.charCodeAt(i + 1)] === 1) {
      let j = i + 1;
      while (j < n && isAlnum(text.charCodeAt(j))) j++;
      const k = 3 * count++; tp[k] = TK_IDENT; tp[k + 1] = i; tp[k + 2] = j;
      directive = !continuation;
      i = j;
      continue;
    }
    // Header names after #include.
    if (directive && headerAllowed && c === 60 /* < */ && count === 2 && startsIncludeOrImport(text, tp[4], tp[5])) {
      let close = i + 1;
      while (close < n && text.charCodeAt(close) !== 62 /* > */) close++;
      if (close < n) {
        const k = 3 * count++; tp[k] = TK_HEADER; tp[k + 1] = i; tp[k + 2] = close + 1;
        i = close + 1;
        continue;
      }
    }
    // Numbers (pp-numbers, NASM `$0ff`, ld `$ff`).
    if (isDigit(c) || (c === 46 /* . */ && i + 1 < n && isDigit(text.charCodeAt(i + 1)) && isC) ||
      (c === 36 /* $ */ && (family === 'nasm' || family === 'ld') && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      // NASM floats (`1.5`, `3.e10`, `62259110684423957791.e0048`, `0x1.8p+3`): a `.` continues a number,
      // and then an exponent may have a sign (without a `.`, `0x1e+5` is a sum, as NASM reads it).
      let nasmFloat = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isAlnum(d) || d === 46 && isC) { j++; continue; }
        if (d === 46 && family === 'nasm' && c !== 36) { nasmFloat = true; j++; continue; }
        // exponent signs in floats: 1e+5, 0x1p-3
        if ((d === 43 || d === 45) && (isC || nasmFloat)) {
          const e = text.charCodeAt(j - 1);
          if (e === 101 || e === 69 || e === 112 || e === 80) { j++; continue; }
        }
        // C23 digit separator
        if (d === 39 && isC && j + 1 < n && isAlnum(text.charCodeAt(j + 1))) { j++; continue; }
        break;
      }
      const k = 3 * count++; tp[k] = TK_NUMBER; tp[k + 1] = i; tp[k + 2] = j;
      i = j;
      continue;
    }
    // Identifiers.
    if ((c < 128 && IDENT_START[c] === 1) || c >= 128 ||
      (c === 46 /* . */ && !isC) ||
      (c === 36 /* $ */ && (isC || family === 'nasm')) ||
      (family === 'nasm' && (c === 63 /* ? */ || c === 64 /* @ */))) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isAlnum(d) || d >= 128 || d === 36 ||
          (!isC && d === 46) ||
          (family === 'nasm' && (d === 63 || d === 64 || d === 35 || d === 126))) { j++; continue; }
        break;
      }
      const k = 3 * count++; tp[k] = TK_IDENT; tp[k + 1] = i; tp[k + 2] = j;
      i = j;
      continue;
    }
    // Strings and character constants.
    if (c === 34 /* " */ || (c === 39 /* ' */ && family !== 'gas') || (c === 96 /* ` */ && family === 'nasm')) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== c) {
        if (text.charCodeAt(j) === 92 /* \ */ && family !== 'nasm') j++;
        j++;
      }
      j = Math.min(j + 1, n);
      const k = 3 * count++; tp[k] = c === 39 && isC ? TK_CHAR : TK_STRING; tp[k + 1] = i; tp[k + 2] = j;
      i = j;
      continue;
    }
    if (c === 39 && family === 'gas') {
      // GNU as character constant: 'c (no closing quote) or '\n
      let j = i + 2;
      if (i + 1 < n && text.charCodeAt(i + 1) === 92) j++;
      j = Math.min(j, n);
      if (j < n && text.charCodeAt(j) === 39) j++;
      const k = 3 * count++; tp[k] = TK_CHAR; tp[k + 1] = i; tp[k + 2] = j;
      i = j;
      continue;
    }
    // Backslash at end of line: continuation.
    if (c === 92 /* \ */ && isBlank(text, i + 1, n)) {
      continues = true;
      break;
    }
    // Punctuators: most are single characters that start no longer operator.
    let len = 1;
    if (c < 128 && MULTI_START[c] === 1 && i + 1 < n) {
      const c2 = text.charCodeAt(i + 1);
      if (c2 < 128) {
        const c3 = i + 2 < n ? text.charCodeAt(i + 2) : 128;
        if (c3 < 128 && P3_KEYS[family].has(punctKey3(c, c2, c3))) len = 3;
        else if (P2_KEYS[family].has(punctKey2(c, c2))) len = 2;
      }
    }
    const k = 3 * count++; tp[k] = TK_PUNCT; tp[k + 1] = i; tp[k + 2] = i + len;
    i += len;
  }
  tapeCount = count;
  const cont = continues && (directive || continuation);
  return (directive ? LEX_DIRECTIVE : 0) | (continuation ? LEX_CONTINUATION : 0) | (cont ? LEX_CONTINUES : 0) |
    (((inComment ? STATE_COMMENT : 0) | (cont || continues ? STATE_CONTINUATION : 0)) << LEX_STATE_SHIFT);
}

function startsIncludeOrImport(text: string, start: number, end: number): boolean {
  return (end - start >= 7 && text.startsWith('include', start)) || (end - start >= 6 && text.startsWith('import', start));
}

/**
 * Scan one physical line. `state` is the previous line's `endState` (0 for the first line).
 */
export function scanLine(text: string, family: Family, state: number, opts: ScanOptions = {}): LineScan {
  const flags = lexLine(text, 0, text.length, family, state, !!opts.hashImmediate);
  return { tokens: tapeTokens(text, 0), directive: (flags & LEX_DIRECTIVE) !== 0, continuation: (flags & LEX_CONTINUATION) !== 0, continues: (flags & LEX_CONTINUES) !== 0, endState: flags >> LEX_STATE_SHIFT };
}

/** The tokens on the tape as objects, with columns relative to `base`. */
export function tapeTokens(text: string, base: number): Token[] {
  const n = tapeCount;
  const tp = tape;
  const out: Token[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const s = tp[3 * k + 1], e = tp[3 * k + 2];
    out[k] = { kind: TAPE_KINDS[tp[3 * k]], text: text.slice(s, e), start: s - base, end: e - base };
  }
  return out;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isSpace(text.charCodeAt(k))) return false;
  return true;
}

/**
 * A copy of a string that does not keep the string it was cut from alive (a slice of a long text is a
 * view that holds the whole text). For what outlives the version of a document it was read from.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}

/** Split text into lines (LF, CRLF or CR). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Scan a whole text. */
export function scanText(text: string, family: Family, opts: ScanOptions = {}): LineScan[] {
  const lines = splitLines(text);
  const out: LineScan[] = new Array(lines.length);
  let state = 0;
  for (let i = 0; i < lines.length; i++) {
    const s = scanLine(lines[i], family, state, opts);
    out[i] = s;
    state = s.endState;
  }
  return out;
}

/** Tokens of an expression or macro body given as text (may contain newlines and comments). */
export function tokenize(text: string, family: Family = 'c'): Token[] {
  if (!text.includes('\n') && !text.includes('/') && !text.includes('#') && !text.includes(';')) {
    return scanLine(text, family, STATE_CONTINUATION).tokens;
  }
  const out: Token[] = [];
  let state = STATE_CONTINUATION;
  let offset = 0;
  for (const line of splitLines(text)) {
    const s = scanLine(line, family, state | STATE_CONTINUATION);
    for (const t of s.tokens) out.push({ ...t, start: t.start + offset, end: t.end + offset });
    state = s.endState;
    offset += line.length + 1;
  }
  return out;
}

/**
 * A line-by-line cache of scans: the same line text in the same entry state scans to the same tokens,
 * so re-analysis after an edit only lexes changed lines.
 */
export class LineScanCache {
  /** line text -> scan in state 0 (the common case), and scans in other states. */
  private map = new Map<string, { text: string; s0?: LineScan; other?: Map<number, LineScan> }>();
  constructor(private readonly family: Family, private readonly opts: ScanOptions = {}, private readonly limit = 200_000) {}

  scan(line: string, state: number): LineScan {
    let e = this.map.get(line);
    if (!e) {
      if (this.map.size >= this.limit) this.map.clear();
      // the cache outlives the text the line was cut from: keep (and scan) a copy
      e = { text: detach(line) };
      this.map.set(e.text, e);
    }
    let s = state === 0 ? e.s0 : e.other?.get(state);
    if (!s) {
      s = scanLine(e.text, this.family, state, this.opts);
      if (state === 0) e.s0 = s;
      else (e.other ??= new Map()).set(state, s);
    }
    return s;
  }

  scanAll(lines: string[]): LineScan[] {
    const out: LineScan[] = new Array(lines.length);
    let state = 0;
    for (let i = 0; i < lines.length; i++) {
      const s = this.scan(lines[i], state);
      out[i] = s;
      state = s.endState;
    }
    return out;
  }
}
