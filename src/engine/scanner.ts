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
    if (/\.(asm|nas|nasm)$/.test(name) && (id === 'asm' || id === 'assembly')) return 'nasm';
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

/**
 * Scan one physical line. `state` is the previous line's `endState` (0 for the first line).
 */
export function scanLine(text: string, family: Family, state: number, opts: ScanOptions = {}): LineScan {
  const tokens: Token[] = [];
  let inComment = (state & STATE_COMMENT) !== 0;
  const continuation = (state & STATE_CONTINUATION) !== 0;
  let directive = false;
  let i = 0;
  const n = text.length;
  const p3 = PUNCT3_BY_FAMILY[family];
  const p2 = PUNCT2_BY_FAMILY[family];
  const cpp = family !== 'nasm';
  let headerAllowed = false;
  let firstToken = !continuation;
  while (i < n) {
    if (inComment) {
      const close = text.indexOf('*/', i);
      if (close < 0) { i = n; break; }
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
    if (c === 64 /* @ */ && family === 'gas' && opts.hashImmediate && (i + 1 >= n || isSpace(text.charCodeAt(i + 1)))) break;
    if (c === 35 /* # */ && cpp) {
      if (firstToken) {
        // A preprocessor directive when a directive name follows (or nothing: the null directive).
        let name: string | undefined;
        if (family !== 'c') {
          const m = /^#\s*([A-Za-z_]\w*)?/.exec(text.slice(i, i + 40));
          name = m?.[1];
        }
        if (family === 'c' || (name !== undefined && C_DIRECTIVES.has(name)) || /^#\s*$/.test(text.slice(i))) {
          directive = true;
          tokens.push({ kind: 'punct', text: '#', start: i, end: i + 1 });
          i++;
          firstToken = false;
          headerAllowed = true;
          continue;
        }
        if (family === 'gas') break; // `# comment` / `# 1 "file"` line marker
      }
      if (family === 'gas' && !directive && !continuation) {
        if (!opts.hashImmediate) break; // x86: `#` starts a comment anywhere outside directives
      }
    }
    firstToken = false;
    // NASM directives: %define, %if, ...
    if (family === 'nasm' && c === 37 /* % */ && tokens.length === 0 && i + 1 < n && IDENT_START[text.charCodeAt(i + 1)] === 1) {
      let j = i + 1;
      while (j < n && isAlnum(text.charCodeAt(j))) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j), start: i, end: j });
      directive = !continuation;
      i = j;
      continue;
    }
    // Header names after #include.
    if (directive && headerAllowed && c === 60 /* < */ && tokens.length === 2 && /^include|^import/.test(tokens[1].text)) {
      const close = text.indexOf('>', i + 1);
      if (close > 0) {
        tokens.push({ kind: 'header', text: text.slice(i, close + 1), start: i, end: close + 1 });
        i = close + 1;
        continue;
      }
    }
    // Numbers (pp-numbers, NASM `$0ff`, ld `$ff`).
    if (isDigit(c) || (c === 46 /* . */ && i + 1 < n && isDigit(text.charCodeAt(i + 1)) && family === 'c') ||
      (c === 36 /* $ */ && (family === 'nasm' || family === 'ld') && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isAlnum(d) || d === 46 && family === 'c') { j++; continue; }
        // exponent signs in floats: 1e+5, 0x1p-3
        if ((d === 43 || d === 45) && family === 'c' && /[eEpP]/.test(text[j - 1])) { j++; continue; }
        // C23 digit separator
        if (d === 39 && family === 'c' && j + 1 < n && isAlnum(text.charCodeAt(j + 1))) { j++; continue; }
        break;
      }
      tokens.push({ kind: 'number', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    // Identifiers.
    if ((c < 128 && IDENT_START[c] === 1) || c >= 128 ||
      (c === 46 /* . */ && family !== 'c') ||
      (c === 36 /* $ */ && (family === 'c' || family === 'nasm')) ||
      (family === 'nasm' && (c === 63 /* ? */ || c === 64 /* @ */))) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isAlnum(d) || d >= 128 || d === 36 ||
          (family !== 'c' && d === 46) ||
          (family === 'nasm' && (d === 63 || d === 64 || d === 35 || d === 126))) { j++; continue; }
        break;
      }
      tokens.push({ kind: 'ident', text: text.slice(i, j), start: i, end: j });
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
      tokens.push({ kind: c === 39 && family === 'c' ? 'char' : 'string', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    if (c === 39 && family === 'gas') {
      // GNU as character constant: 'c (no closing quote) or '\n
      let j = i + 2;
      if (text.charCodeAt(i + 1) === 92) j++;
      j = Math.min(j, n);
      if (j < n && text.charCodeAt(j) === 39) j++;
      tokens.push({ kind: 'char', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    // Backslash at end of line: continuation.
    if (c === 92 /* \ */ && isBlank(text, i + 1)) {
      i = n;
      return finish(tokens, directive, continuation, true, inComment);
    }
    // Punctuators: most are single characters that start no longer operator.
    if (c < 128 && MULTI_START[c] === 0) { tokens.push({ kind: 'punct', text: text[i], start: i, end: i + 1 }); i++; continue; }
    const s3 = text.substr(i, 3);
    if (p3.has(s3)) { tokens.push({ kind: 'punct', text: s3, start: i, end: i + 3 }); i += 3; continue; }
    const s2 = text.substr(i, 2);
    if (p2.has(s2)) { tokens.push({ kind: 'punct', text: s2, start: i, end: i + 2 }); i += 2; continue; }
    tokens.push({ kind: 'punct', text: text[i], start: i, end: i + 1 });
    i++;
  }
  return finish(tokens, directive, continuation, false, inComment);
}

function isBlank(text: string, from: number): boolean {
  for (let k = from; k < text.length; k++) if (!isSpace(text.charCodeAt(k))) return false;
  return true;
}

function finish(tokens: Token[], directive: boolean, continuation: boolean, continues: boolean, inComment: boolean): LineScan {
  const cont = continues && (directive || continuation);
  return {
    tokens, directive, continuation, continues: cont,
    endState: (inComment ? STATE_COMMENT : 0) | (cont || continues ? STATE_CONTINUATION : 0),
  };
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
  private map = new Map<string, { s0?: LineScan; other?: Map<number, LineScan> }>();
  constructor(private readonly family: Family, private readonly opts: ScanOptions = {}, private readonly limit = 200_000) {}

  scan(line: string, state: number): LineScan {
    let e = this.map.get(line);
    if (!e) {
      if (this.map.size >= this.limit) this.map.clear();
      e = {};
      this.map.set(line, e);
    }
    let s = state === 0 ? e.s0 : e.other?.get(state);
    if (!s) {
      s = scanLine(line, this.family, state, this.opts);
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
