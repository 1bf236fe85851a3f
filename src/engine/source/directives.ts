// Directives: the `#define`/`#if`/`#include` lines of a file and the symbol assignments of assembly
// and linker scripts, made from a line's tokens (makeDirective, asmStatements, ldStatement) or, for a
// `#define`, as a LazyDefine whose tokens are lexed when first read. Every line source (the editor's
// document lexer, the whole-tree line finder, an included file) makes its directives here.

import { CondAtom, condText, evaluateCondition, layeredLookup, makeSymbol, MacroDef, macroSig, parseDefine, tokensText } from './evaluate';
import { detach, Family, lexLine, LEX_CONTINUATION, LEX_CONTINUES, LEX_DIRECTIVE, LineScan, tape, tapeCount, TAPE_KINDS, TK_IDENT, TK_PUNCT, Token } from './scanner';

/** A token with its line (0-based). */
export type LTok = Token & { line: number };

export type DirectiveKind =
  | 'define' | 'undef' | 'include' | 'if' | 'ifdef' | 'ifndef' | 'elif' | 'elifdef' | 'elifndef' | 'else' | 'endif'
  | 'symbol' | 'other';

export type SymbolKind = 'set' | 'equ' | 'assign' | 'nasm-equ' | 'nasm-assign' | 'ld-assign' | 'ld-dot' | 'ld-origin' | 'ld-length';

export interface Directive {
  kind: DirectiveKind;
  line: number;
  endLine: number;
  /** `#define`/`%define`...: the tokens after the keyword; `#if`: the condition tokens. */
  tokens: LTok[];
  /** Keyword as written (`define`, `%xdefine`, `.set`, `=`). */
  keyword: string;
  symKind?: SymbolKind;
  nameTok?: LTok;
  body?: LTok[];
  /** `#include` target (without quotes/brackets) and whether it was `<...>`. */
  target?: string;
  system?: boolean;
  /** Cache of the definition this directive made (see defFor). */
  memoDef?: { key?: string; file: string | undefined; atoms: CondAtom[]; def: MacroDef | undefined; list?: MacroDef[] };
}

/** The text a document's lazily tokenized directives are read from, and how it is lexed. */
export interface LexSource {
  text: string;
  family: Family;
  hashImmediate: boolean;
}

/**
 * A `#define` found by the document lexer (see document.ts) without making its tokens: the name, its
 * position and whether a parameter list follows are known; the tokens are lexed again from the source
 * the first time something asks for them. Gives exactly the directive makeDirective gives for the same
 * tokens. (Kept small: there is one per #define of a file.)
 */
export class LazyDefine implements Directive {
  memoDef: Directive['memoDef'] = undefined;
  private toks: { name: LTok; body: LTok[]; rest?: LTok[] } | undefined = undefined;

  constructor(
    readonly src: LexSource,
    readonly line: number,
    readonly endLine: number,
    /** The macro name, on `line` from column nameStart. */
    readonly name: string,
    readonly nameStart: number,
    /** The first physical line: offsets into src.text, and the lexer state at its start. */
    private readonly start: number,
    private readonly end: number,
    /** State | LD_FN | LD_PARAMS_OK. */
    private readonly bits: number,
    /** The further physical lines of a continued directive: [start, end, state] for each. */
    private readonly more: readonly number[] | undefined,
  ) {}

  /** Offset of the directive's first line in its source's text. */
  get offset(): number { return this.start; }
  get kind(): DirectiveKind { return 'define'; }
  get keyword(): string { return 'define'; }
  get symKind(): SymbolKind | undefined { return undefined; }
  get target(): string | undefined { return undefined; }
  get system(): boolean | undefined { return undefined; }
  /** `(` follows the name: a function-like macro. */
  get fnLike(): boolean { return (this.bits & LD_FN) !== 0; }
  /** The parameter list is well formed (parseDefine accepts it); always true for object-like macros. */
  get paramsOk(): boolean { return (this.bits & LD_PARAMS_OK) !== 0; }

  /** Lex the definition once: its name token and its body (the `#` and `define` tokens are not made). */
  private lexed(): { name: LTok; body: LTok[]; rest?: LTok[] } {
    if (this.toks) return this.toks;
    const body: LTok[] = [];
    let name: LTok | undefined;
    let skip = 2; // `#`, `define`
    const { text, family, hashImmediate } = this.src;
    const lex = (from: number, to: number, state: number, line: number) => {
      lexLine(text, from, to, family, state, hashImmediate);
      for (let j = 0; j < tapeCount; j++) {
        if (skip > 0) { skip--; continue; }
        const a = tape[3 * j + 1], b = tape[3 * j + 2];
        const t: LTok = { kind: TAPE_KINDS[tape[3 * j]], text: text.slice(a, b), start: a - from, end: b - from, line };
        if (name) body.push(t); else name = t;
      }
    };
    lex(this.start, this.end, this.bits & 3, this.line);
    const more = this.more;
    if (more) for (let k = 0; k < more.length; k += 3) lex(more[k], more[k + 1], more[k + 2], this.line + 1 + k / 3);
    return (this.toks = { name: name!, body });
  }

  /** Let the lexed tokens go; they are made again when next asked (for a caller that has read the definition). */
  forget(): void {
    this.toks = undefined;
  }

  get tokens(): LTok[] {
    const l = this.lexed();
    return (l.rest ??= l.name ? [l.name, ...l.body] : []);
  }

  get nameTok(): LTok {
    return this.lexed().name;
  }

  get body(): LTok[] {
    return this.lexed().body;
  }

  toJSON(): Directive {
    return { kind: this.kind, line: this.line, endLine: this.endLine, tokens: this.tokens, keyword: this.keyword, nameTok: this.nameTok, body: this.body };
  }

  /** The same directive moved by `delta` lines (its text unchanged). */
  moved(delta: number): LazyDefine {
    return new LazyDefine(this.src, this.line + delta, this.endLine + delta, this.name, this.nameStart, this.start, this.end, this.bits, this.more);
  }
}

/** LazyDefine bits above the start state. */
export const LD_FN = 4, LD_PARAMS_OK = 8;

// ---------------------------------------------------------------------------------------------
// Directive extraction

const C_KINDS: Record<string, DirectiveKind> = {
  define: 'define', undef: 'undef', include: 'include', include_next: 'include', import: 'include',
  if: 'if', ifdef: 'ifdef', ifndef: 'ifndef', elif: 'elif', elifdef: 'elifdef', elifndef: 'elifndef', else: 'else', endif: 'endif',
};
const NASM_KINDS: Record<string, DirectiveKind> = {
  '%define': 'define', '%xdefine': 'define', '%idefine': 'define', '%ixdefine': 'define', '%assign': 'symbol', '%iassign': 'symbol',
  '%undef': 'undef', '%include': 'include', '%if': 'if', '%ifdef': 'ifdef', '%ifndef': 'ifndef', '%elif': 'elif',
  '%elifdef': 'elifdef', '%elifndef': 'elifndef', '%else': 'else', '%endif': 'endif',
};

const withLine = (t: Token, line: number): LTok => ({ kind: t.kind, text: t.text, start: t.start, end: t.end, line });

/** Per-LineScan cache of single-line directive extraction (LineScan objects are shared by LineScanCache). */
type LineDirs = { dirs: Omit<Directive, 'line' | 'endLine'>[]; at?: number; placed?: Directive[] };
const lineCache = {
  get: (s: LineScan) => s.memo?.dirs as LineDirs | undefined,
  set: (s: LineScan, v: LineDirs) => { (s.memo ??= {}).dirs = v; },
};

function relocate(d: Omit<Directive, 'line' | 'endLine'>, line: number): Directive {
  const fix = (t: LTok) => (t.line === line ? t : { kind: t.kind, text: t.text, start: t.start, end: t.end, line });
  return {
    ...d, memoDef: undefined, line, endLine: line,
    tokens: d.tokens.map(fix), nameTok: d.nameTok && fix(d.nameTok), body: d.body?.map(fix),
  };
}

/** Directives and symbol assignments of a scanned file, in order. */
export function extractDirectives(scans: readonly LineScan[], family: Family): Directive[] {
  const out: Directive[] = [];
  let ldStmt: LTok[] = [];
  for (let i = 0; i < scans.length; i++) {
    const s = scans[i];
    if (s.directive) {
      if (!s.continues) {
        let cached = lineCache.get(s);
        if (!cached) {
          const d = makeDirective(s.tokens.map((t) => withLine(t, i)), family, i, i);
          cached = { dirs: d ? [d] : [], at: i, placed: d ? [d] : [] };
          lineCache.set(s, cached);
        }
        pushPlaced(out, cached, i);
        continue;
      }
      const toks = s.tokens.map((t) => withLine(t, i));
      let j = i + 1;
      for (; j < scans.length; j++) {
        for (const t of scans[j].tokens) toks.push(withLine(t, j));
        if (!scans[j].continues) break;
      }
      const end = Math.min(j, scans.length - 1);
      const d = makeDirective(toks, family, i, end);
      if (d) out.push(d);
      i = end;
      continue;
    }
    if (s.continuation) continue;
    if (family === 'gas' || family === 'nasm') {
      let cached = lineCache.get(s);
      if (!cached) {
        const dirs = asmStatements(s.tokens.map((t) => withLine(t, i)), family).map((d) => ({ ...d, line: i, endLine: i }));
        cached = { dirs, at: i, placed: dirs };
        lineCache.set(s, cached);
      }
      pushPlaced(out, cached, i);
    } else if (family === 'ld') {
      const toks = s.tokens;
      // MEMORY entries: `ram (rwx) : ORIGIN = 0x80000000, LENGTH = 64M` on one line.
      const oi = toks.findIndex((t, k) => /^(ORIGIN|org|o)$/.test(t.text) && toks[k + 1]?.text === '=');
      if (oi > 0) {
        // region name: the identifier before `(attrs) :` that precedes ORIGIN
        let k0 = oi - 1;
        while (k0 >= 0 && toks[k0].text !== ':') k0--;
        k0--;
        if (k0 >= 0 && toks[k0].text === ')') { while (k0 >= 0 && toks[k0].text !== '(') k0--; k0--; }
        const region = toks[Math.max(0, k0)];
        const lt = toks.map((t) => withLine(t, i));
        for (let k = 0; k < lt.length; k++) {
          const m = /^(ORIGIN|org|o|LENGTH|len|l)$/.exec(lt[k].text);
          if (!m || lt[k + 1]?.text !== '=') continue;
          let e = k + 2;
          const body: LTok[] = [];
          let level = 0;
          for (; e < lt.length; e++) {
            if (lt[e].text === '(') level++;
            if (lt[e].text === ')') level--;
            if (level === 0 && (lt[e].text === ',' || lt[e].text === '}' || lt[e].text === '{' || lt[e].text === ';')) break;
            body.push(lt[e]);
          }
          const isOrigin = /^(ORIGIN|org|o)$/.test(m[1]);
          const name = `${isOrigin ? 'ORIGIN' : 'LENGTH'}(${region.text})`;
          out.push({ kind: 'symbol', line: i, endLine: i, tokens: lt, keyword: m[1], symKind: isOrigin ? 'ld-origin' : 'ld-length', nameTok: { ...lt[k], text: name, end: lt[k].end }, body });
          k = e;
        }
        continue;
      }
      for (const t of toks) {
        const lt = withLine(t, i);
        if (t.text === ';' || t.text === '{' || t.text === '}') {
          if (t.text === ';') {
            const d = ldStatement(ldStmt);
            if (d) out.push(d);
          }
          ldStmt = [];
          continue;
        }
        ldStmt.push(lt);
      }
    }
  }
  return out;
}

/** The cached directives of a line placed at line i (reused as long as the line does not move). */
function pushPlaced(out: Directive[], cached: { dirs: Omit<Directive, 'line' | 'endLine'>[]; at?: number; placed?: Directive[] }, i: number): void {
  if (cached.dirs.length === 0) return;
  if (cached.at !== i || !cached.placed) {
    cached.placed = cached.placed ? cached.placed.map((d) => relocate(d, i)) : cached.dirs.map((d) => relocate(d, i));
    cached.at = i;
  }
  for (const d of cached.placed) out.push(d);
}

export function makeDirective(toks: LTok[], family: Family, line: number, endLine: number): Omit<Directive, 'line' | 'endLine'> & { line: number; endLine: number } | undefined {
  let kind: DirectiveKind;
  let keyword: string;
  let rest: LTok[];
  if (toks[0]?.text === '#') {
    const kw = toks[1];
    if (!kw) return undefined;
    keyword = kw.text;
    kind = C_KINDS[kw.text] ?? 'other';
    rest = toks.slice(2);
  } else {
    keyword = toks[0]?.text ?? '';
    kind = NASM_KINDS[keyword.toLowerCase()] ?? 'other';
    rest = toks.slice(1);
  }
  const d: Directive = { kind, line, endLine, tokens: rest, keyword };
  if (kind === 'define' || kind === 'undef') {
    if (!rest[0] || rest[0].kind !== 'ident') return { ...d, kind: 'other' };
    d.nameTok = rest[0];
    d.body = rest.slice(1);
  } else if (kind === 'symbol') {
    // NASM %assign NAME expr
    if (!rest[0] || rest[0].kind !== 'ident') return { ...d, kind: 'other' };
    d.nameTok = rest[0];
    d.body = rest.slice(1);
    d.symKind = 'nasm-assign';
  } else if (kind === 'include') {
    const t = rest[0];
    if (t && (t.kind === 'header' || t.kind === 'string')) {
      d.target = t.text.slice(1, -1);
      d.system = t.kind === 'header';
    }
  }
  void family;
  return d;
}

const GAS_SET = new Set(['.set', '.equ', '.equiv', '.eqv']);

export function asmStatements(toks: LTok[], family: Family): Omit<Directive, 'line' | 'endLine'>[] {
  const out: Directive[] = [];
  let start = 0;
  for (let i = 0; i <= toks.length; i++) {
    if (i < toks.length && !(toks[i].text === ';' && family === 'gas')) continue;
    let st = toks.slice(start, i);
    start = i + 1;
    // Skip labels `name:`
    while (st.length >= 2 && st[0].kind === 'ident' && st[1].text === ':' && !(family === 'nasm' && st[2]?.text.toLowerCase() === 'equ')) st = st.slice(2);
    if (st.length === 0) continue;
    if (family === 'gas') {
      if (GAS_SET.has(st[0].text.toLowerCase()) && st[1]?.kind === 'ident' && st[2]?.text === ',') {
        out.push({ kind: 'symbol', line: 0, endLine: 0, tokens: st, keyword: st[0].text, symKind: 'set', nameTok: st[1], body: st.slice(3) });
      } else if (st[0].kind === 'ident' && st[1]?.text === '=' && !st[0].text.startsWith('.') || (st[0].text === '.' && st[1]?.text === '=')) {
        out.push({ kind: 'symbol', line: 0, endLine: 0, tokens: st, keyword: '=', symKind: 'assign', nameTok: st[0], body: st.slice(2) });
      }
    } else {
      // NASM: NAME equ expr / NAME: equ expr
      let k = 0;
      if (st[0].kind === 'ident' && st[1]?.text === ':') k = 1;
      if (st[0].kind === 'ident' && st[k + 1]?.text.toLowerCase() === 'equ') {
        out.push({ kind: 'symbol', line: 0, endLine: 0, tokens: st, keyword: st[k + 1].text, symKind: 'nasm-equ', nameTok: st[0], body: st.slice(k + 2) });
      }
    }
  }
  return out;
}

function ldStatement(st: LTok[]): Directive | undefined {
  if (st.length < 3) return undefined;
  let s = st;
  // PROVIDE(NAME = expr), PROVIDE_HIDDEN(...), HIDDEN(...)
  if (/^(PROVIDE|PROVIDE_HIDDEN|HIDDEN)$/.test(s[0].text) && s[1]?.text === '(' && s[s.length - 1].text === ')') s = s.slice(2, -1);
  // `.text : { ... . = ALIGN(8); }`: a section header may precede; take the last `NAME =` start.
  const eq = s.findIndex((t) => t.text === '=');
  if (eq < 1) return undefined;
  const nameTok = s[eq - 1];
  if (nameTok.kind !== 'ident') return undefined;
  const body = s.slice(eq + 1);
  if (body.length === 0) return undefined;
  const line = nameTok.line;
  return {
    kind: 'symbol', line, endLine: body[body.length - 1].line, tokens: s, keyword: '=',
    symKind: nameTok.text === '.' ? 'ld-dot' : 'ld-assign', nameTok, body,
  };
}


// ---------------------------------------------------------------------------------------------
// Directives of lexed lines: what every line source does after lexLine put a line on the tape.

const GAS_SET_NAMES = new Set(['.set', '.equ', '.equiv', '.eqv']);

/** Tokens of the tape as LTok (columns relative to lineStart); `copies`: texts that do not hold `text`. */
export function tapeLToks(text: string, lineStart: number, line: number, out: LTok[], copies: boolean): LTok[] {
  for (let j = 0; j < tapeCount; j++) {
    const a = tape[3 * j + 1], b = tape[3 * j + 2];
    const t = text.slice(a, b);
    out.push({ kind: TAPE_KINDS[tape[3 * j]], text: copies ? detach(t) : t, start: a - lineStart, end: b - lineStart, line });
  }
  return out;
}

const isChar = (text: string, j: number, code: number) => tape[3 * j + 2] - tape[3 * j + 1] === 1 && text.charCodeAt(tape[3 * j + 1]) === code;
const isEllipsis = (text: string, j: number) => tape[3 * j + 2] - tape[3 * j + 1] === 3 && text.startsWith('...', tape[3 * j + 1]);

/**
 * The tape holds the first line of a directive: `# define NAME ...`? Then what a LazyDefine needs:
 * 0 = not a plain #define, 1 = object-like, 2 = function-like with a good parameter list, 3 = function-like
 * with a bad one, 4 = function-like whose parameter list goes on past this line (not lazy).
 */
function defineShape(text: string, family: Family, lineContinues: boolean): number {
  if (family === 'nasm' || tapeCount < 3 || tape[0] !== TK_PUNCT || !isChar(text, 0, 35 /* # */)) return 0;
  if (tape[3] !== TK_IDENT || tape[5] - tape[4] !== 6 || !text.startsWith('define', tape[4]) || tape[6] !== TK_IDENT) return 0;
  // parseDefine: function-like when `(` follows the name without space
  if (tapeCount < 4 || !isChar(text, 3, 40 /* ( */) || tape[10] !== tape[8]) return 1;
  let i = 4;
  for (; i < tapeCount; i++) {
    if (isChar(text, i, 41 /* ) */)) return 2;
    if (isChar(text, i, 44 /* , */)) continue;
    if (isEllipsis(text, i)) continue;
    if (tape[3 * i] === TK_IDENT) {
      if (i + 1 < tapeCount && isEllipsis(text, i + 1)) i++;
      continue;
    }
    return 3;
  }
  return lineContinues ? 4 : 3;
}

/** Whether asmStatements can find anything in the line on the tape. */
function asmCandidate(text: string, family: Family): boolean {
  for (let j = 0; j < tapeCount; j++) {
    const a = tape[3 * j + 1], len = tape[3 * j + 2] - a;
    if (family === 'gas') {
      if (len === 1 && text.charCodeAt(a) === 61 /* = */) return true;
      if (len >= 4 && len <= 6 && text.charCodeAt(a) === 46 && GAS_SET_NAMES.has(text.slice(a, a + len).toLowerCase())) return true;
    } else if (len === 3 && text.slice(a, a + 3).toLowerCase() === 'equ') return true;
  }
  return false;
}

/** A directive of several physical lines being collected. */
interface Pending {
  line: number;
  /** Index in the region's directive list. */
  slot: number;
  shape: number;
  spans: number[];
  toks?: LTok[];
  name?: { start: number; length: number };
}

/** LazyDefine bits of a defineShape. */
const shapeBits = (shape: number) => (shape >= 2 ? LD_FN : 0) | (shape !== 3 ? LD_PARAMS_OK : 0);

/**
 * Directives of successive lexed lines. A line source lexes each line it reads with lexLine (the tape
 * then holds the line's tokens) and hands it here: a `#define` becomes a LazyDefine (its tokens are made
 * when first read), other directives are made from the tape's tokens, assembly lines give their symbol
 * assignments. A directive continued over several lines is finished by its last line; its slot in the
 * output list is kept (undefined) from its first line on, so that directives stay in line order.
 */
export class DirectiveLines {
  private pending: Pending | undefined = undefined;
  private readonly isAsm: boolean;

  /** `copies`: directives read their own copy of their lines (they outlive the text: the editor's edits). */
  constructor(private readonly src: LexSource, private readonly copies: boolean) {
    this.isAsm = src.family === 'gas' || src.family === 'nasm';
  }

  /** A directive is being continued: the next line belongs to it. */
  get open(): boolean { return this.pending !== undefined; }

  /** Line `line` [start, end), lexed by lexLine in `state` with flags `fl` (its tokens on the tape). */
  line(start: number, end: number, state: number, line: number, fl: number, out: (Directive | undefined)[]): void {
    const { text, family } = this.src;
    const pending = this.pending;
    if (pending) {
      pending.spans.push(start, end, state);
      if (pending.toks) tapeLToks(text, start, line, pending.toks, this.copies);
      if ((fl & LEX_CONTINUES) === 0) this.finish(line, out);
    } else if ((fl & LEX_DIRECTIVE) !== 0) {
      const continues = (fl & LEX_CONTINUES) !== 0;
      const shape = defineShape(text, family, continues);
      if (!continues) {
        if (shape > 0 && shape < 4) {
          out.push(this.lazyDefine(start, end, state, undefined, line, line, tape[7] - start, tape[8] - tape[7], shape));
        } else {
          const d = makeDirective(tapeLToks(text, start, line, [], this.copies), family, line, line);
          if (d) out.push(d);
        }
      } else {
        const pd: Pending = { line, slot: out.length, shape, spans: [start, end, state] };
        if (shape > 0 && shape < 4) pd.name = { start: tape[7] - start, length: tape[8] - tape[7] };
        else pd.toks = tapeLToks(text, start, line, [], this.copies);
        this.pending = pd;
        out.push(undefined);
      }
    } else if ((fl & LEX_CONTINUATION) === 0 && this.isAsm && asmCandidate(text, family)) {
      for (const d of asmStatements(tapeLToks(text, start, line, [], this.copies), family)) out.push({ ...d, line, endLine: line });
    }
  }

  /** The text ended (or the region did) at `endLine`: finish a directive still being continued. */
  close(endLine: number, out: (Directive | undefined)[]): void {
    if (this.pending) this.finish(endLine, out);
  }

  private finish(endLine: number, out: (Directive | undefined)[]): void {
    const pd = this.pending!;
    this.pending = undefined;
    let d: Directive | undefined;
    if (pd.shape > 0 && pd.shape < 4) {
      const sp = pd.spans;
      d = this.lazyDefine(sp[0], sp[1], sp[2], sp.length > 3 ? sp.slice(3) : undefined, pd.line, endLine, pd.name!.start, pd.name!.length, pd.shape);
    } else {
      d = makeDirective(pd.toks!, this.src.family, pd.line, endLine);
    }
    out[pd.slot] = d;
  }

  /** (start, end, state: the first line; more: [start, end, state] of further lines) */
  private lazyDefine(start: number, end: number, state: number, more: number[] | undefined, line: number, endLine: number, nameCol: number, nameLen: number, shape: number): LazyDefine {
    let base = 0; // offset of dsrc.text in text
    let dsrc = this.src;
    if (this.copies) {
      const { text, family, hashImmediate } = this.src;
      base = start;
      dsrc = { text: detach(text.slice(base, more ? more[more.length - 2] : end)), family, hashImmediate };
      if (more) more = more.map((v, k) => (k % 3 === 2 ? v : v - base));
    }
    const at = start - base + nameCol;
    return new LazyDefine(dsrc, line, endLine, dsrc.text.slice(at, at + nameLen), nameCol, start - base, end - base, state | shapeBits(shape), more);
  }
}
