// Collecting the values the rules look at from a file's text: definitions (C `#define`, GNU as
// `.set`/`.equ`/`=`, NASM `equ`/`%define`/`%assign`, ld `NAME = …;`), their values (a single literal,
// or the expression evaluated with the file's and its includes' definitions), the `#if` branches they
// sit in, and bare literals with the code around them.
import { Family, Token, scanLine, scanText, STATE_COMMENT, parseLiteral, evaluateTokens, EvalOptions, MacroDef, parseDefine, makeSymbol, modeConfig, toU64 } from '../source';
import { PagingMode, U64_MAX } from '../paging';
import { addressEvidence, readName } from './addressLike';
import { LiteralInfo, RuleValue, SrcRange } from './types';

/** A token with its line. */
interface LToken extends Token {
  line: number;
}

/** One logical line: a directive with its continuation lines, or one line of code. */
interface Logical {
  tokens: LToken[];
  directive: boolean;
  line: number;
  /** Offset of the first line's start in the text. */
  offset: number;
  /** Lexer state at its start (block comment), when the fast scan lexed it alone. */
  state?: number;
}

/**
 * Macro definitions of a file. In the fast scan a definition becomes a MacroDef when its name is
 * first looked up (most never are): its line is lexed again then, and the tokens of the first pass
 * die young.
 */
class FileMacros extends Map<string, MacroDef[]> {
  private readonly later = new Map<string, (() => MacroDef | undefined)[]>();

  defer(name: string, make: () => MacroDef | undefined): void {
    const list = this.later.get(name);
    if (list) list.push(make); else this.later.set(name, [make]);
  }

  add(md: MacroDef): void {
    const list = super.get(md.name);
    if (list) list.push(md); else super.set(md.name, [md]);
  }

  private settle(name: string): void {
    const list = this.later.get(name);
    if (!list) return;
    this.later.delete(name);
    for (const make of list) { const md = make(); if (md) this.add(md); }
  }

  private settleAll(): void {
    for (const name of [...this.later.keys()]) this.settle(name);
  }

  override get(name: string): MacroDef[] | undefined { this.settle(name); return super.get(name); }
  override has(name: string): boolean { this.settle(name); return super.has(name); }
  override get size(): number { this.settleAll(); return super.size; }
  override keys(): MapIterator<string> { this.settleAll(); return super.keys(); }
  override values(): MapIterator<MacroDef[]> { this.settleAll(); return super.values(); }
  override entries(): MapIterator<[string, MacroDef[]]> { this.settleAll(); return super.entries(); }
  override forEach(cb: (value: MacroDef[], key: string, map: Map<string, MacroDef[]>) => void, thisArg?: unknown): void { this.settleAll(); super.forEach(cb, thisArg); }
  override [Symbol.iterator](): MapIterator<[string, MacroDef[]]> { this.settleAll(); return super[Symbol.iterator](); }
}

/** Words of the names the rules look at (boundaries, bases, kernel and user limits, sizes), any case. */
const INTERESTING_WORDS = ['START', 'END', 'BASE', 'BEGIN', 'ADDR', 'LIMIT', 'TOP', 'OFFSET', 'PHYS', 'TASK', 'VADDR', 'KERNEL', 'MAP', 'SIZE', 'LEN', 'VIRT', 'MAX'];
/** `START` -> `[Ss][Tt][Aa][Rr][Tt]`: case-insensitive words inside an otherwise case-sensitive pattern. */
const anyCase = (w: string) => w.replace(/[A-Z]/g, (c) => `[${c}${c.toLowerCase()}]`);
/**
 * A `#define` whose name can matter to a rule: it contains one of the words above, and it is not a
 * register offset or field by naming convention (amdgpu `mm`/`ix`/`reg`/`cfg`/`smn` offsets, `*_MASK`,
 * `*__SHIFT`). Other definitions are not lexed; an evaluation that needs one finds it on demand.
 */
/** At a name: not a register offset or field by naming convention. */
const NOT_REGISTER = '(?!(?:mm|ix|reg|cfg|smn)[A-Z0-9])(?!\\w*(?:_MASK|_SHIFT|_SMASK|_MSK)\\b)';
const RULE_DEFINE = `define[ \\t]+${NOT_REGISTER}(?=\\w*(?:${INTERESTING_WORDS.map(anyCase).join('|')}))`;
/** Names the range rules can pair up (rules.ts: START_SUFFIX, END_SUFFIX, SIZE_SUFFIX), or a few more: a cheap first test. */
export const RANGE_PART = /.(?:_START|_BASE|_VADDR|_BEGIN|_ADDR|_END|_LIMIT|_TOP|_SIZE|_LEN)$/i;
/** Every `#define` line, with its name (the index of unlexed definitions, register-field windows). */
const DEFINE_LINE_G = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)/gm;
/** A `#define` line up to its name (sticky: tried at a line start). */
const ANY_DEFINE_Y = /[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)/y;

export interface CollectOptions {
  family: Family;
  /** Paging mode of the active layout: decides `#ifdef CONFIG_X86_64`-style branches and evaluation. */
  mode?: PagingMode;
  /** Definitions visible from includes (already collected), used to evaluate local expressions. */
  included?: RuleValue[];
  /** Macro definitions from includes, for evaluation. */
  includedMacros?: { get(name: string): readonly MacroDef[] | undefined };
  /** Evaluate definitions whose bodies are expressions (default true). */
  evaluate?: boolean;
  /** Lex only the lines that can matter (directives, definitions, big literals): for whole-tree checks. */
  fast?: boolean;
}

export interface Collected {
  values: RuleValue[];
  /** Macro definitions of this file (for files that include it). */
  macros: Map<string, MacroDef[]>;
  /** Include targets as written: `asm/page.h` (angle) or `"page_64.h"` (quoted); the fast C scan does not list them. */
  includes: { path: string; angle: boolean; line: number }[];
}

const NO_TOKENS: LToken[] = Object.freeze([]) as unknown as LToken[];
const WRAPPERS = new Set(['_AC', 'UL', 'ULL', '_UL', '_ULL', '_AT', 'ASM_CONST', 'U64_C', 'UINT64_C', 'INT64_C', 'U32_C', 'UINT32_C', 'INT32_C', '_BITUL']);
const TYPE_WORDS = new Set([
  'unsigned', 'signed', 'long', 'int', 'short', 'char', 'void', 'const', 'volatile', 'u8', 'u16', 'u32', 'u64', 's32', 's64',
  '__u32', '__u64', 'uint32_t', 'uint64_t', 'uintptr_t', 'size_t', 'phys_addr_t', 'resource_size_t', 'dma_addr_t', 'pgdval_t',
  'pteval_t', 'pmdval_t', 'pudval_t', 'p4dval_t', 'UL', 'ULL', 'struct', '__iomem', '__force', '__user', 'L', 'LL', 'U',
]);

function range(line: number, start: number, end: number): SrcRange {
  return { line, character: start, endLine: line, endCharacter: end };
}

/** Literal details of a number token, or undefined when it is not an integer of the dialect. */
export function literalInfo(tok: Token, line: number, family: Family): LiteralInfo | undefined {
  const dialect = family === 'gas' ? 'gas' : family;
  const p = parseLiteral(tok.text, dialect);
  if (!p) return undefined;
  const t = tok.text;
  let prefix = '';
  const c0 = t.charCodeAt(0), c1 = t.charCodeAt(1) | 0x20;
  if (c0 === 48 && (c1 === 120 || c1 === 98) && p.radix !== 10) prefix = t.slice(0, 2); // 0x 0b
  else if (c0 === 36) prefix = '$';
  else if (c0 === 48 && c1 === 104 && p.radix === 16) prefix = t.slice(0, 2); // 0h
  const suffix = p.suffix;
  let digits = t.slice(prefix.length, t.length - suffix.length);
  if (digits.includes('_') || digits.includes("'")) digits = digits.replace(/[_']/g, '');
  if (p.radix === 8 && digits.startsWith('0') && digits.length > 1) digits = digits.slice(1);
  const scaled = p.scale !== 1n && p.scale !== 0n;
  const info: LiteralInfo = { text: t, digits, radix: p.radix, prefix, suffix, value: scaled ? p.value / p.scale : p.value, range: range(line, tok.start, tok.end) };
  if (scaled) SCALED.set(info, p.value);
  return info;
}

/** Values of literals with a scale suffix (`4K` in a linker script) as scaled: kept aside, LiteralInfo holds the digits' value. */
const SCALED = new WeakMap<LiteralInfo, bigint>();

/** What a literal stands for: its value with any scale suffix applied. */
function scaledValue(li: LiteralInfo): bigint {
  return SCALED.get(li) ?? li.value;
}

/** Whether `tokens[i]` is the operand of a pointer cast `(type *)`. */
function pointerCastBefore(tokens: LToken[], i: number): boolean {
  let j = i - 1;
  if (tokens[j]?.text !== ')') return false;
  if (tokens[j - 1]?.text !== '*') return false;
  j -= 2;
  while (j >= 0 && tokens[j].text !== '(') {
    if (tokens[j].kind !== 'ident' && tokens[j].text !== '*') return false;
    j--;
  }
  return j >= 0;
}

/** The single literal a definition body consists of, ignoring `_AC(…, UL)`, `UL(…)`, casts and parentheses. */
function singleLiteral(body: LToken[]): { index: number; pointerCast: boolean } | undefined {
  let found = -1;
  let pointerCast = false;
  for (let i = 0; i < body.length; i++) {
    const t = body[i];
    if (t.kind === 'number') {
      if (found >= 0) return undefined;
      found = i;
      continue;
    }
    if (t.text === '(' || t.text === ')' || t.text === ',') continue;
    if (t.kind === 'ident' && (WRAPPERS.has(t.text) || TYPE_WORDS.has(t.text))) continue;
    if (t.text === '*') { pointerCast = true; continue; }
    return undefined;
  }
  return found >= 0 ? { index: found, pointerCast } : undefined;
}

function logicalLines(text: string, family: Family): Logical[] {
  const scans = scanText(text, family);
  const starts = lineStarts(text);
  const out: Logical[] = [];
  let cur: Logical | undefined;
  for (let i = 0; i < scans.length; i++) {
    const s = scans[i];
    const toks = s.tokens as LToken[];
    for (const t of toks) t.line = i;
    if (s.continuation && cur) cur.tokens.push(...toks);
    else {
      cur = { tokens: toks, directive: s.directive, line: i, offset: starts[i] };
      out.push(cur);
    }
    if (!s.continues) cur = undefined;
  }
  return out;
}

/** One pass: a literal of at least 2^32 or a definition whose name can matter to the rules. */
const GATE = /0[xX]0*[1-9a-fA-F][0-9a-fA-F_']{8}|(?<![\w.])[1-9][0-9]{9}|[0-9][0-9a-fA-F]{8,}[hH]\b|(?:#[ \t]*define|\.(?:set|equ|equiv)|%(?:define|assign))[ \t]+\w*(?:START|END|BASE|BEGIN|ADDR|LIMIT|TOP|OFFSET|PHYS|TASK_SIZE|VADDR|KERNEL|MAP)|^[ \t]*\w*(?:START|END|BASE|ADDR|TOP|LIMIT)\w*[ \t]+(?:equ|EQU|=)/m;
/**
 * The same for C, whose definitions are only `#define`s (assembler forms are not definitions there), and
 * whose register offsets and fields by naming convention are never lexed (see RULE_DEFINE).
 */
const GATE_C = new RegExp(`0[xX]0*[1-9a-fA-F][0-9a-fA-F_']{8}|(?<![\\w.])[1-9][0-9]{9}|#[ \\t]*define[ \\t]+${NOT_REGISTER}\\w*(?:START|END|BASE|BEGIN|ADDR|LIMIT|TOP|OFFSET|PHYS|TASK_SIZE|VADDR|KERNEL|MAP)`);
/** Definitions whose names can matter to the rules. */
const NAMED_DEFINITION = /(?:^|\n)[ \t]*(?:#[ \t]*define|\.(?:set|equ|equiv)|%(?:define|assign))[ \t]+\w*(?:START|END|BASE|BEGIN|ADDR|LIMIT|TOP|OFFSET|PHYS|TASK_SIZE|VADDR|KERNEL|MAP)|(?:^|\n)[ \t]*\w*(?:START|END|BASE|ADDR|TOP|LIMIT)\w*[ \t]+(?:equ|EQU|=)/;

/**
 * Whether a file can produce any finding: it has a literal of at least 2^32 or a definition whose name
 * is an address, a boundary or a kernel base. Linker scripts always qualify (locations). For 32-bit
 * layouts every file with a hex literal qualifies. A cheap test before the line-by-line scan.
 */
export function mayHaveFindings(text: string, family: Family, addressBits: 32 | 64 = 64): boolean {
  if (family === 'ld') return true;
  if (addressBits === 32) return /0[xX][0-9a-fA-F]{4}/.test(text) || NAMED_DEFINITION.test(text);
  return (family === 'c' ? GATE_C : GATE).test(text);
}


/**
 * Lines of C that can matter: conditionals (`#if…`, `#el…`, `#endif`), definitions whose names can
 * matter (C_DIRECTIVE_Y, tried after each `#` that starts a line), and lines with a
 * literal of at least 2^32 or a pointer cast of a hex literal (C_LITERAL_G). Two searches rather than
 * one alternation: a `^` alternative would be tried at every character.
 */
const C_DIRECTIVE_Y = new RegExp(`[ \\t]*(?:if|el|endif\\b|${RULE_DEFINE})`, 'y');
const C_LITERAL_G = /0[xX](?:0*[1-9a-fA-F][0-9a-fA-F_']{8}|(?<=\*\s*\)\s*0[xX]))|(?<![\w.])[1-9][0-9]{9}/g;

/** `#endif`, `#else`, `#ifdef NAME`, `#ifndef NAME` at a line start (sticky), and the tokens that stand for them. */
const C_GROUP_END_Y = /[ \t]*#[ \t]*(?:(endif|else)\b|(ifn?def)[ \t]+([A-Za-z_]\w*)(?=[ \t]*(?:\r?\n|\r?$|\/\/|\/\*)))/y;
const hashToken: LToken = Object.freeze({ kind: 'punct', text: '#', start: 0, end: 1, line: -1 }) as LToken;
const ENDIF_TOKENS: LToken[] = Object.freeze([hashToken, Object.freeze({ kind: 'ident', text: 'endif', start: 1, end: 6, line: -1 })]) as LToken[];
const IFDEF_TOKEN: LToken = Object.freeze({ kind: 'ident', text: 'ifdef', start: 1, end: 6, line: -1 }) as LToken;
const IFNDEF_TOKEN: LToken = Object.freeze({ kind: 'ident', text: 'ifndef', start: 1, end: 7, line: -1 }) as LToken;
const ELSE_TOKENS: LToken[] = Object.freeze([hashToken, Object.freeze({ kind: 'ident', text: 'else', start: 1, end: 5, line: -1 })]) as LToken[];

/** Offset of the next `#` at or after `from` that starts a candidate directive line, or -1. */
function nextCDirective(text: string, from: number): number {
  for (let i = text.indexOf('#', from); i >= 0; i = text.indexOf('#', i + 1)) {
    let j = i - 1;
    for (let c = text.charCodeAt(j); c === 32 || c === 9; c = text.charCodeAt(--j));
    if (j >= 0 && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) continue;
    C_DIRECTIVE_Y.lastIndex = i + 1;
    if (C_DIRECTIVE_Y.test(text)) return i;
  }
  return -1;
}

const CANDIDATE_ASM_G = /^[ \t]*(?:#|%|\.(?:set|equ|equiv|eqv)\b|\w+[ \t]*(?:=|:?[ \t]*equ\b))|0[xX]0*[1-9a-fA-F][0-9a-fA-F_']{8}|(?<![\w.])[1-9][0-9]{9}|[0-9][0-9a-fA-F]{8,}[hH]\b/gim;

/** [0-9A-Za-z_] */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Whether the line starting at `ls` continues the previous one (the previous line ends with a backslash). */
function continuesPrevious(text: string, ls: number): boolean {
  return ls >= 2 && (text.charCodeAt(ls - 2) === 92 || (text.charCodeAt(ls - 2) === 13 && ls >= 3 && text.charCodeAt(ls - 3) === 92));
}

/**
 * Logical lines of the candidate lines only, found with one regular-expression pass over the text:
 * the block-comment state at a line's start comes from the nearest `/*` and `*\/` before it, so the
 * other lines are never lexed. A candidate on a continuation line brings in its whole logical line.
 */
function candidateLogicalLines(text: string, family: Family): Logical[] {
  const out: Logical[] = [];
  // The next candidate position at or after `from` (-1: none), from two searches for C, one for assembly.
  let nextDir = -2, nextLit = -2;
  const next = (from: number): number => {
    if (family !== 'c') {
      CANDIDATE_ASM_G.lastIndex = from;
      return CANDIDATE_ASM_G.exec(text)?.index ?? -1;
    }
    if (nextDir !== -1 && nextDir < from) nextDir = nextCDirective(text, from);
    if (nextLit !== -1 && nextLit < from) {
      // The end of the match stands for it: a match never spans lines, and only its line matters.
      C_LITERAL_G.lastIndex = from;
      nextLit = C_LITERAL_G.test(text) ? C_LITERAL_G.lastIndex - 1 : -1;
    }
    return nextDir < 0 ? nextLit : nextLit < 0 ? nextDir : Math.min(nextDir, nextLit);
  };
  const blockComments = family !== 'nasm' && text.includes('/*');
  let lastOpen = -1, lastClose = -1;
  let nextOpen = blockComments ? text.indexOf('/*') : -1;
  let nextClose = blockComments ? text.indexOf('*/') : -1;
  let lineNo = 0;
  let counted = 0; // offset up to which newlines were counted (a line start)
  let nextFree = 0; // offset after the last consumed line
  for (let pos = next(0); pos >= 0; pos = next(nextFree)) {
    let ls = text.lastIndexOf('\n', pos - 1) + 1;
    // A continuation line: its logical line starts at the first line of the backslash chain.
    while (continuesPrevious(text, ls) && ls > nextFree) ls = text.lastIndexOf('\n', ls - 2) + 1;
    if (ls < nextFree) ls = nextFree;
    for (let k = text.indexOf('\n', counted); k >= 0 && k < ls; k = text.indexOf('\n', k + 1)) lineNo++;
    counted = ls;
    let state = 0;
    if (blockComments) {
      // The last `/*` and `*/` before the line, advanced monotonically (candidates come in order).
      while (nextOpen >= 0 && nextOpen < ls) { lastOpen = nextOpen; nextOpen = text.indexOf('/*', nextOpen + 2); }
      while (nextClose >= 0 && nextClose < ls) { lastClose = nextClose; nextClose = text.indexOf('*/', nextClose + 2); }
      if (lastOpen >= 0 && lastClose < lastOpen) state = STATE_COMMENT;
    }
    const line = lineNo;
    // `#endif`, `#else`, `#ifdef NAME` and `#ifndef NAME` (the most frequent candidates) are not lexed.
    if (family === 'c' && state === 0) {
      C_GROUP_END_Y.lastIndex = ls;
      if (C_GROUP_END_Y.test(text)) {
        let le = text.indexOf('\n', ls);
        if (le < 0) le = text.length;
        if (!continuesPrevious(text, le + 1)) {
          // Which of the four: the directive's second letter; for #ifdef/#ifndef the match ends with the name.
          let h = text.indexOf('#', ls) + 1;
          for (let c = text.charCodeAt(h); c === 32 || c === 9; c = text.charCodeAt(++h));
          const second = text.charCodeAt(h + 1), third = text.charCodeAt(h + 2);
          let tokens: LToken[];
          if (second === 110 /* n: endif */) tokens = ENDIF_TOKENS;
          else if (second === 108 /* l: else */) tokens = ELSE_TOKENS;
          else {
            const end = C_GROUP_END_Y.lastIndex;
            let a = end;
            while (a > h && isWordChar(text.charCodeAt(a - 1))) a--;
            tokens = [hashToken, third === 100 /* d: ifdef */ ? IFDEF_TOKEN : IFNDEF_TOKEN, { kind: 'ident', text: text.slice(a, end), start: a - ls, end: end - ls, line } as LToken];
          }
          out.push({ tokens, directive: true, line, offset: ls });
          lineNo = line + 1;
          nextFree = le + 1;
          counted = Math.min(nextFree, text.length);
          continue;
        }
      }
    }
    const lx = lexLogical(text, ls, lineNo, family, state);
    out.push({ tokens: lx.tokens, directive: lx.directive, line: lineNo, offset: ls, state });
    lineNo = lx.lastLine + 1;
    counted = Math.min(lx.next, text.length);
    nextFree = lx.next;
  }
  return out;
}

/**
 * Lex the logical line that starts at `start` (line number `line`, lexer state `state`), continuation
 * lines included: its tokens with their lines, whether it is a directive, the offset after it and its last line.
 */
function lexLogical(text: string, start: number, line: number, family: Family, state: number): { tokens: LToken[]; directive: boolean; next: number; lastLine: number } {
  let tokens: LToken[] | undefined;
  let directive = false;
  for (;;) {
    let le = text.indexOf('\n', start);
    if (le < 0) le = text.length;
    const sc = scanLine(text.charCodeAt(le - 1) === 13 ? text.slice(start, le - 1) : text.slice(start, le), family, state);
    const toks = sc.tokens as LToken[];
    for (const t of toks) t.line = line;
    if (!tokens) { tokens = toks; directive = sc.directive; } else for (const t of toks) tokens.push(t);
    start = le + 1;
    if (!sc.continues || start >= text.length) break;
    state = sc.endState;
    line++;
  }
  return { tokens, directive, next: start, lastLine: line };
}

/**
 * The lines around the line starting at `offset`: `before` lines before it, the line itself and
 * `after` lines after it (line breaks included).
 */
function linesAround(text: string, offset: number, before: number, after: number): string {
  let a = offset;
  for (let i = 0; i < before && a > 0; i++) a = text.lastIndexOf('\n', a - 2) + 1;
  let b = offset;
  for (let i = 0; i <= after && b >= 0; i++) { b = text.indexOf('\n', b); if (b >= 0) b++; }
  return text.slice(a, b < 0 ? text.length : b);
}

/** Start offsets of a text's lines (line breaks as in splitLines: \r\n, \r or \n). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) { if (text.charCodeAt(i + 1) === 10) i++; starts.push(i + 1); }
  }
  return starts;
}

interface Group {
  id: number;
  branch: number;
  /** Truth of the current branch under the layout's configuration (undefined: unknown). */
  truth: boolean | undefined;
  /** A branch of this group was known true already (later #else/#elif are false). */
  taken: boolean;
  /** Normalised conditions of the branches so far, and the atoms of the current branch. */
  seen: string[];
  atoms: string[];
}

/** A condition as an atom: `CONFIG_X` for `#ifdef CONFIG_X` / `#if defined(CONFIG_X)`, `!CONFIG_X` for the negations, else the text. */
function condAtom(kw: string, rest: LToken[]): string {
  const txt = rest.map((t) => t.text).join(' ').replace(/\s+/g, ' ').trim();
  if (kw === 'ifdef' || kw === 'elifdef') return txt;
  if (kw === 'ifndef' || kw === 'elifndef') return '!' + txt;
  const m = /^(! )?defined (?:\( )?([A-Za-z_]\w*)(?: \))?$/.exec(txt);
  if (m) return (m[1] ? '!' : '') + m[2];
  return txt.startsWith('! ') && !/[|&]/.test(txt) ? txt.slice(2) === '' ? txt : '!' + txt.slice(2) : txt;
}
const negate = (a: string) => (a.startsWith('!') ? a.slice(1) : '!' + a);

/** Truth of `#ifdef`/`#if` conditions that the layout's configuration decides; undefined otherwise. */
function conditionTruth(kind: string, rest: LToken[], config: Map<string, string | null>): boolean | undefined {
  const name = rest[0]?.text;
  if (kind === 'ifdef' || kind === 'ifndef' || kind === 'elifdef' || kind === 'elifndef') {
    if (!name || !config.has(name)) return undefined;
    const defined = config.get(name) !== null;
    return kind.endsWith('ndef') ? !defined : defined;
  }
  const txt = rest.map((t) => t.text).join(' ');
  if (txt === '0') return false;
  if (txt === '1') return true;
  let m = /^(!\s*)?(?:defined\s*\(?\s*|IS_ENABLED\s*\(\s*|IS_BUILTIN\s*\(\s*)?([A-Za-z_]\w*)\s*\)?$/.exec(txt);
  if (m && config.has(m[2])) {
    const v = config.get(m[2]);
    const truth = v !== null && v !== '0';
    return m[1] ? !truth : truth;
  }
  m = /^([A-Za-z_]\w*)\s*(==|!=|>=|<=|>|<)\s*(\d+)$/.exec(txt);
  if (m && config.has(m[1])) {
    const v = Number(config.get(m[1]) ?? 0), n = Number(m[3]);
    return { '==': v === n, '!=': v !== n, '>=': v >= n, '<=': v <= n, '>': v > n, '<': v < n }[m[2]];
  }
  return undefined;
}

/** Which definition syntax a logical line has: returns [name token index, body start index] or undefined. */
function definitionAt(l: Logical, family: Family): { nameIdx: number; bodyIdx: number; cpp: boolean; bodyEnd: number } | undefined {
  const t = l.tokens;
  const n = t.length;
  if (l.directive && family !== 'nasm') {
    if (t[0]?.text === '#' && t[1]?.text === 'define' && t[2]?.kind === 'ident') return { nameIdx: 2, bodyIdx: 3, cpp: true, bodyEnd: n };
    return undefined;
  }
  if (family === 'nasm') {
    if ((t[0]?.text === '%define' || t[0]?.text === '%assign' || t[0]?.text === '%xdefine') && t[1]?.kind === 'ident') return { nameIdx: 1, bodyIdx: 2, cpp: true, bodyEnd: n };
    if (t[0]?.kind === 'ident' && t[1]?.kind === 'ident' && t[1].text.toLowerCase() === 'equ') return { nameIdx: 0, bodyIdx: 2, cpp: false, bodyEnd: n };
    if (t[0]?.kind === 'ident' && t[1]?.text === ':' && t[2]?.kind === 'ident' && t[2].text.toLowerCase() === 'equ') return { nameIdx: 0, bodyIdx: 3, cpp: false, bodyEnd: n };
    return undefined;
  }
  if (family === 'gas') {
    if ((t[0]?.text === '.set' || t[0]?.text === '.equ' || t[0]?.text === '.equiv' || t[0]?.text === '.eqv') && t[1]?.kind === 'ident' && t[2]?.text === ',') {
      return { nameIdx: 1, bodyIdx: 3, cpp: false, bodyEnd: n };
    }
    if (t[0]?.kind === 'ident' && !t[0].text.startsWith('.') && t[1]?.text === '=') return { nameIdx: 0, bodyIdx: 2, cpp: false, bodyEnd: n };
    return undefined;
  }
  if (family === 'ld') {
    let i = 0;
    if ((t[0]?.text === 'PROVIDE' || t[0]?.text === 'PROVIDE_HIDDEN' || t[0]?.text === 'HIDDEN') && t[1]?.text === '(') i = 2;
    if (t[i]?.kind === 'ident' && t[i + 1]?.text === '=' && t[i].text !== '.') {
      let end = t.findIndex((x, k) => k > i + 1 && x.text === ';');
      if (end < 0) end = n;
      if (i === 2 && t[end - 1]?.text === ')') end--;
      return { nameIdx: i, bodyIdx: i + 2, cpp: false, bodyEnd: end };
    }
  }
  return undefined;
}

/**
 * Which macros the fast scan of `text` can define, as a test on a name: false only for a name that
 * no `#define` of a C-family file can introduce (the identifier after a `define`, blanks and line
 * continuations aside; a comment right after `define` makes every name possible). Other families
 * define symbols in many ways: every name is possible. Lets a caller skip collecting an included
 * file for a name it does not define.
 */
export function definedNames(text: string, family: Family): (name: string) => boolean {
  if (family !== 'c') return () => true;
  const names = new Set<string>();
  for (let i = text.indexOf('define'); i >= 0; i = text.indexOf('define', i + 6)) {
    if ((i > 0 && isWordChar(text.charCodeAt(i - 1))) || isWordChar(text.charCodeAt(i + 6))) continue;
    // Blanks and line continuations up to the name.
    let j = i + 6;
    for (;;) {
      let c = text.charCodeAt(j);
      while (c === 32 || c === 9) c = text.charCodeAt(++j);
      if (c !== 92 /* \ */) break;
      const k = text.charCodeAt(j + 1) === 13 ? j + 2 : j + 1;
      if (text.charCodeAt(k) !== 10) break;
      j = k + 1;
    }
    const c = text.charCodeAt(j);
    if (c === 47 /* / */ || c === 92 /* \ */) return () => true;
    let e = j;
    while (isWordChar(text.charCodeAt(e))) e++;
    if (e > j) names.add(text.slice(j, e));
  }
  return (name) => names.has(name);
}

/** definedNames for one name. */
export function mayDefineName(text: string, family: Family, name: string): boolean {
  return definedNames(text, family)(name);
}

/**
 * Collect the values of one file. `file` names it in the results; `text` is its content.
 */
export function collectValues(text: string, file: string, opts: CollectOptions): Collected {
  const family = opts.family;
  const config = opts.mode ? modeConfig(opts.mode) : new Map<string, string | null>();
  const logical = opts.fast && family !== 'ld' ? candidateLogicalLines(text, family) : logicalLines(text, family);
  const growsDown = (l: Logical, line: number): boolean => {
    // Four lines before the definition's line to two after it.
    const around = linesAround(text, l.offset, 4 - (line - l.line), 2 + (line - l.line));
    return /grow(?:s|ing)?\s+down|downwards?|top[- ]down/i.test(around);
  };
  const values: RuleValue[] = [];
  const macros = new FileMacros();
  const includes: Collected['includes'] = [];
  const stack: Group[] = [];
  let nextGroup = 0;
  const pending: { value: RuleValue; body: LToken[] }[] = [];
  // The enclosing groups as values see them, made once per group state (values share them: read-only).
  let groupState: { branches: string[]; conds: string[] | undefined; inactive: true | undefined } | undefined;
  const groups = () => (groupState ??= {
    branches: stack.map((g) => `g${g.id}:${g.branch}`),
    conds: stack.length ? stack.flatMap((g) => g.atoms) : undefined,
    inactive: stack.some((g) => g.truth === false) || undefined,
  });

  /** Offset of the first line of each named value's logical line (register-field detection). */
  const valueOffsets = new Map<RuleValue, Logical>();
  /** The definition on a logical line as a MacroDef (parseDefine for cpp, makeSymbol for assembler symbols). */
  const macroOf = (l: Logical, def: NonNullable<ReturnType<typeof definitionAt>>): MacroDef | undefined => {
    const nameTok = l.tokens[def.nameIdx];
    const body = l.tokens.slice(def.bodyIdx, def.bodyEnd);
    return def.cpp ? parseDefine(nameTok, body, [], { file, line: l.line + 1 }) : makeSymbol(nameTok.text, body, [], { file, line: l.line + 1 });
  };
  // Whole-tree mode: lines the candidate scan lexed alone are lexed again when their macro is looked up.
  const addMacro = (l: Logical, def: NonNullable<ReturnType<typeof definitionAt>>) => {
    if (!opts.fast || l.state === undefined) { const md = macroOf(l, def); if (md) macros.add(md); return; }
    const { offset, line, state } = l;
    macros.defer(l.tokens[def.nameIdx].text, () => {
      const lx = lexLogical(text, offset, line, family, state);
      const again: Logical = { tokens: lx.tokens, directive: lx.directive, line, offset };
      const d = definitionAt(again, family);
      return d ? macroOf(again, d) : undefined;
    });
  };
  for (const l of logical) {
    const t = l.tokens;
    if (t.length === 0) continue;
    // Conditionals (cpp and NASM).
    let kw: string | undefined;
    let restFrom = 0;
    if (l.directive && family !== 'nasm' && t[0].text === '#') { kw = t[1]?.text; restFrom = 2; }
    else if (family === 'nasm' && t[0].text.startsWith('%')) { kw = t[0].text.slice(1); restFrom = 1; }
    if (kw !== undefined && kw !== 'define') {
      const rest = t.slice(restFrom);
      if (/^if/.test(kw)) {
        const truth = conditionTruth(kw, rest, config);
        const a = family === 'nasm' ? kw : condAtom(kw, rest);
        stack.push({ id: nextGroup++, branch: 0, truth, taken: truth === true, seen: [a], atoms: [a] });
        groupState = undefined;
        continue;
      }
      if (/^elif/.test(kw) || kw === 'else') {
        const g = stack[stack.length - 1];
        if (g) {
          g.branch++;
          const own = kw === 'else' ? undefined : condAtom(kw.replace(/^el/, ''), rest);
          g.atoms = [...g.seen.map(negate), ...(own ? [own] : [])];
          if (own) g.seen.push(own);
          if (g.taken) g.truth = false;
          else if (kw === 'else') g.truth = g.truth === false ? true : undefined;
          else {
            const truth = conditionTruth(kw.replace(/^el/, ''), rest, config);
            g.truth = g.truth === false ? truth : (truth === false ? false : undefined);
            if (g.truth === true) g.taken = true;
          }
          groupState = undefined;
        }
        continue;
      }
      if (kw === 'endif') { stack.pop(); groupState = undefined; continue; }
      if ((kw === 'include' || kw === 'include_next') && family !== 'nasm') {
        const h = rest[0];
        if (h?.kind === 'header') includes.push({ path: h.text.slice(1, -1), angle: true, line: l.line });
        else if (h?.kind === 'string') includes.push({ path: h.text.slice(1, -1), angle: false, line: l.line });
        continue;
      }
    }
    const def = definitionAt(l, family);
    const bodyTokens = def ? t.slice(def.bodyIdx, def.bodyEnd) : NO_TOKENS;
    if (def) {
      const nameTok = t[def.nameIdx];
      // Function-like macros are not values.
      if (def.cpp && bodyTokens[0]?.text === '(' && bodyTokens[0].start === nameTok.end && bodyTokens[0].line === nameTok.line) {
        addMacro(l, def);
        continue;
      }
      addMacro(l, def);
      const g = groups();
      const nameRange = range(nameTok.line, nameTok.start, nameTok.end);
      const v: RuleValue = {
        name: nameTok.text, file, range: nameRange, nameRange,
        branches: g.branches, conds: g.conds, inactive: g.inactive, context: {}, local: true,
      };
      if (/(?:^|_)(?:END|START|BASE|TOP|BEGIN|VADDR)(?:_|$)/i.test(nameTok.text) && growsDown(l, nameTok.line)) v.growsDown = true;
      if (bodyTokens.some((x) => x.kind === 'ident' && /^(?:GENMASK(?:_ULL)?|BIT(?:_ULL|_MASK)?|_BITUL|_BITULL|BIT_ULL_MASK)$/.test(x.text))) v.context.fromMaskMacro = true;
      const single = singleLiteral(bodyTokens);
      if (single) {
        const lt = bodyTokens[single.index];
        const li = literalInfo(lt, lt.line, family);
        if (li) {
          v.literal = li;
          v.value = scaledValue(li);
          v.range = li.range;
          if (single.pointerCast) v.context.pointerCast = true;
          const prev = bodyTokens[single.index - 1];
          if (prev?.text === '-' || prev?.text === '~') { v.value = undefined; v.literal = undefined; v.range = v.nameRange!; }
        }
      } else if (bodyTokens.length > 0) {
        pending.push({ value: v, body: bodyTokens });
      }
      values.push(v);
      valueOffsets.set(v, l);
    }
    // Bare literals: large ones, linker locations, pointer casts. Literals of single-literal definitions are covered above.
    const inSingleDef = def && values[values.length - 1]?.literal;
    for (let i = 0; i < t.length; i++) {
      const tok = t[i];
      if (tok.kind !== 'number') continue;
      if (inSingleDef && i >= def!.bodyIdx) continue;
      if (def && i === def.nameIdx) continue;
      if (t[0]?.text === '#' && (t[1]?.text === 'line' || /^\d/.test(t[1]?.text ?? ''))) break;
      // Fewer than nine characters: below 2^32 (no scaling suffixes outside linker scripts).
      if (tok.text.length < 9 && family !== 'ld' && !pointerCastBefore(t, i)) continue;
      const li = literalInfo(tok, tok.line, family);
      if (!li) continue;
      const pointerCast = pointerCastBefore(t, i);
      const ldLocation = family === 'ld' && ((t[i - 1]?.text === '=' && t[i - 2]?.text === '.') || (i === 1 && t[0].text.startsWith('.') && t[2]?.text === ':'));
      const big = li.value >= 0x100000000n || (li.radix === 16 && li.digits.length >= 9);
      if (!big && !pointerCast && !ldLocation) continue;
      const prev = t[i - 1], next = t[i + 1];
      const context = {
        pointerCast, linkerLocation: ldLocation,
        before: prev?.kind === 'punct' ? prev.text : undefined,
        after: next?.kind === 'punct' && next.text !== ')' && next.text !== ',' && next.text !== ';' ? next.text : undefined,
        neighbours: t.filter((x) => x.kind === 'ident' && x.line === tok.line).map((x) => x.text),
      };
      const value = scaledValue(li);
      // Whole-tree mode keeps only the bare literals a rule can read: with address evidence around them,
      // past 64 bits, or of 15 to 17 hex digits (digit-count typos and the neighbours that show them).
      if (opts.fast && value <= U64_MAX && !(li.radix === 16 && li.digits.length >= 15 && li.digits.length <= 17) && !addressEvidence(context)) continue;
      const g = groups();
      values.push({ file, range: li.range, literal: li, value, branches: g.branches, inactive: g.inactive, local: true, context });
    }
  }

  // Register blocks: a definition within three lines of a *_SHIFT / *_MASK name of the same register (same
  // first two words) is a bit field, not a range boundary; radeon's C_xxxxxx_ names always are.
  const FIELD = /_(?:SHIFT|MASK|SMASK|MSK|BITS?|LSB|MSB|WIDTH)$/;
  const head = (n: string) => {
    let i = 0;
    while (n.charCodeAt(i) === 95) i++;
    const a = n.indexOf('_', i);
    const b = a < 0 ? -1 : n.indexOf('_', a + 1);
    return b < 0 ? n.slice(i) : n.slice(i, b);
  };
  const fields = new Map<string, number[]>();
  for (const v of values) {
    if (!v.name || !FIELD.test(v.name)) continue;
    const k = head(v.name);
    const a = fields.get(k);
    if (a) a.push(v.nameRange!.line); else fields.set(k, [v.nameRange!.line]);
  }
  for (const v of values) {
    // Only the range rules read registerField.
    if (!v.name || !v.nameRange || !RANGE_PART.test(v.name)) continue;
    if (/^[SGC]_[0-9A-F]{6}_/.test(v.name)) { v.registerField = true; continue; }
    const h = head(v.name);
    const near = fields.get(h);
    if (near && near.some((l) => Math.abs(l - v.nameRange!.line) <= 3)) { v.registerField = true; continue; }
    // C: the `#define`s around it, also those the fast scan did not lex.
    const l = family === 'c' ? valueOffsets.get(v) : undefined;
    if (!l) continue;
    const d = v.nameRange.line - l.line;
    const around = linesAround(text, l.offset, Math.max(0, 3 - d), 3 + d);
    DEFINE_LINE_G.lastIndex = 0;
    for (let m = DEFINE_LINE_G.exec(around); m; m = DEFINE_LINE_G.exec(around)) {
      if (FIELD.test(m[1]) && head(m[1]) === h) { v.registerField = true; break; }
    }
  }

  // Evaluate expression bodies of address-named definitions with this file's and the includes' macros.
  if (opts.evaluate !== false && pending.length > 0) {
    // Definitions the fast scan did not lex, found on first need: `#define NAME` lines, searched by name.
    let known = { offset: 0, line: 0 };
    const lineOf = (offset: number) => {
      if (offset < known.offset) known = { offset: 0, line: 0 };
      let line = known.line;
      for (let k = text.indexOf('\n', known.offset); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) line++;
      known = { offset, line };
      return line;
    };
    const definesOf = (name: string): { offset: number; line: number }[] => {
      const out: { offset: number; line: number }[] = [];
      for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + name.length)) {
        if (isWordChar(text.charCodeAt(i + name.length))) continue;
        const ls = text.lastIndexOf('\n', i - 1) + 1;
        ANY_DEFINE_Y.lastIndex = ls;
        const m = ANY_DEFINE_Y.exec(text);
        if (!m || m[1] !== name || m.index + m[0].length !== i + name.length || continuesPrevious(text, ls)) continue;
        out.push({ offset: ls, line: lineOf(ls) });
      }
      return out;
    };
    const inComment = (offset: number) => {
      const open = text.lastIndexOf('/*', offset);
      return open >= 0 && text.lastIndexOf('*/', offset) < open;
    };
    // A few names are searched for one by one; past that, one pass indexes every `#define` line.
    const absent = new Set<string>();
    let index: Map<string, { offset: number; line: number }[]> | undefined;
    let searches = 0;
    const indexDefines = () => {
      const out = new Map<string, { offset: number; line: number }[]>();
      DEFINE_LINE_G.lastIndex = 0;
      for (let m = DEFINE_LINE_G.exec(text); m; m = DEFINE_LINE_G.exec(text)) {
        const ls = m.index;
        if (continuesPrevious(text, ls)) continue;
        const rec = { offset: ls, line: lineOf(ls) };
        const e = out.get(m[1]);
        if (e) e.push(rec); else out.set(m[1], [rec]);
      }
      return out;
    };
    const materialise = (name: string): MacroDef[] | undefined => {
      if (!opts.fast || family !== 'c' || absent.has(name)) return undefined;
      if (!index && ++searches > 8) index = indexDefines();
      const recs = index ? index.get(name) ?? [] : definesOf(name);
      if (recs.length === 0) { absent.add(name); return undefined; }
      const defs: MacroDef[] = [];
      for (const r of recs) {
        const toks = lexLogical(text, r.offset, r.line, family, inComment(r.offset) ? STATE_COMMENT : 0).tokens;
        const md = toks[0]?.text === '#' && toks[2] ? parseDefine(toks[2], toks.slice(3), [], { file, line: r.line + 1 }) : undefined;
        if (md) defs.push(md);
      }
      macros.set(name, defs);
      return defs;
    };
    const lookup = (name: string): readonly MacroDef[] | undefined => macros.get(name) ?? materialise(name) ?? opts.includedMacros?.get(name);
    const evalOpts: EvalOptions = { dialect: family, mode: opts.mode, lookup, maxSteps: 5000, maxAlternatives: 4 };
    for (const { value, body } of pending) {
      const role = readName(value.name!).role;
      if (role !== 'address' && role !== 'limit' && role !== 'size') continue;
      if (!body.some((x) => x.kind === 'number' || x.kind === 'ident')) continue;
      const r = evaluateTokens(body, evalOpts);
      // A negative 32-bit int (`0x01 << 31`) sign-extends to 0xffffffff80000000: a 32-bit bit pattern, not a 64-bit address.
      const narrowNegative = r.alternatives.some((a) => a.type && a.type.bits <= 32 && a.value !== undefined && a.value < 0n);
      const vals = new Set(r.alternatives.map((a) => (a.value === undefined || a.runtime.length > 0 || a.unresolved.length > 0 ? 'u' : String(toU64(a.value)))));
      if (vals.size === 1 && !vals.has('u') && !r.truncated && !narrowNegative) value.value = BigInt([...vals][0]);
      // Written for one paging depth (`__PAGE_OFFSET_BASE_L4`): not checked under the other.
      const tag = body.find((x) => x.kind === 'ident' && /_L[45]$/.test(x.text));
      if (tag) value.depth = Number(tag.text.slice(-1));
    }
  }
  return { values, macros, includes };
}
