// Preprocessing: directives and symbol assignments of a file, conditional structure, includes, and
// the resulting table of definitions. Conditions are evaluated against the user's defines and the
// active paging mode; an unknown condition keeps both branches, each carrying the condition it needs.

import { CondAtom, condText, evaluateCondition, layeredLookup, makeSymbol, MacroDef, macroSig, parseDefine, tokensText } from './evaluate';
import { Family, familyFor, lexLine, LineScan, scanText, tape, tapeCount, TAPE_KINDS, Token } from './scanner';
import { PagingMode } from '../paging';

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
  private toks: { rest: LTok[]; body?: LTok[] } | undefined = undefined;

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

  get kind(): DirectiveKind { return 'define'; }
  get keyword(): string { return 'define'; }
  get symKind(): SymbolKind | undefined { return undefined; }
  get target(): string | undefined { return undefined; }
  get system(): boolean | undefined { return undefined; }
  /** `(` follows the name: a function-like macro. */
  get fnLike(): boolean { return (this.bits & LD_FN) !== 0; }
  /** The parameter list is well formed (parseDefine accepts it); always true for object-like macros. */
  get paramsOk(): boolean { return (this.bits & LD_PARAMS_OK) !== 0; }

  get tokens(): LTok[] {
    if (!this.toks) {
      const all: LTok[] = [];
      const { text, family, hashImmediate } = this.src;
      const lex = (from: number, to: number, state: number, line: number) => {
        lexLine(text, from, to, family, state, hashImmediate);
        for (let j = 0; j < tapeCount; j++) {
          const a = tape[3 * j + 1], b = tape[3 * j + 2];
          all.push({ kind: TAPE_KINDS[tape[3 * j]], text: text.slice(a, b), start: a - from, end: b - from, line });
        }
      };
      lex(this.start, this.end, this.bits & 3, this.line);
      const more = this.more ?? [];
      for (let k = 0; k < more.length; k += 3) lex(more[k], more[k + 1], more[k + 2], this.line + 1 + k / 3);
      this.toks = { rest: all.slice(2) };
    }
    return this.toks.rest;
  }

  get nameTok(): LTok {
    return this.tokens[0];
  }

  get body(): LTok[] {
    const rest = this.tokens;
    return (this.toks!.body ??= rest.slice(1));
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

type DefMemo = NonNullable<Directive['memoDef']>;

/**
 * The definition a LazyDefine makes: name and conditions at once, the rest (parameters, body, text,
 * signature) parsed by parseDefine the first time it is read. It is also the directive's definition
 * memo (see defFor).
 */
export class LazyMacroDef implements MacroDef, DefMemo {
  private parsed: MacroDef | undefined = undefined;
  private originObj: MacroDef['origin'] = undefined;
  key: string | undefined = undefined;
  list: MacroDef[] | undefined = undefined;
  constructor(readonly directive: LazyDefine, readonly conditions: CondAtom[], readonly file: string | undefined) {}

  private get p(): MacroDef {
    if (!this.parsed) {
      const d = this.directive;
      const body = d.body;
      const r = parseDefine(d.nameTok, body, this.conditions, this.origin);
      // paramsOk was checked on the same tokens; keep a definition whatever happens
      this.parsed = r ?? { name: this.name, body: [], bodyText: '', conditions: this.conditions, kind: 'macro', origin: this.origin, sig: macroSig(this.name, undefined, '', this.conditions, 'macro') };
    }
    return this.parsed;
  }

  get name(): string { return this.directive.name; }
  get kind(): 'macro' { return 'macro'; }
  get origin(): MacroDef['origin'] { return (this.originObj ??= { file: this.file, line: this.directive.line }); }
  get params(): string[] | undefined { return this.directive.fnLike ? this.p.params : undefined; }
  get variadic(): string | undefined { return this.directive.fnLike ? this.p.variadic : undefined; }
  get body() { return this.p.body; }
  get bodyText(): string { return this.p.bodyText; }
  get sig(): string { return this.p.sig; }
  // the memo view
  get atoms(): CondAtom[] { return this.conditions; }
  get def(): MacroDef { return this; }
  toJSON(): MacroDef { return plainDef(this); }
}

/** A plain copy of a definition (to spread: a LazyMacroDef keeps its fields behind getters). */
export function plainDef(d: MacroDef): MacroDef {
  if (!(d instanceof LazyMacroDef)) return d;
  return { name: d.name, params: d.params, variadic: d.variadic, body: d.body, bodyText: d.bodyText, conditions: d.conditions, kind: d.kind, origin: d.origin, sig: d.sig };
}

/** Index of the record a directive made (records are in line order), or -1. */
function recordOf(defs: readonly DefinitionRecord[], d: Directive): number {
  let lo = 0, hi = defs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (defs[mid].directive.line < d.line) lo = mid + 1; else hi = mid;
  }
  for (let i = lo; i < defs.length && defs[i].directive.line === d.line; i++) if (defs[i].directive === d) return i;
  return defs.findIndex((r) => r.directive === d);
}

/** The name a definition directive defines. */
function dirName(d: Directive): string | undefined {
  return d instanceof LazyDefine ? d.name : d.nameTok?.text;
}

export type DefineSettings = Record<string, string | number | boolean | null | undefined>;

export interface PreprocessOptions {
  /** Path of the file (for relative includes and origins). */
  file?: string;
  family: Family;
  mode?: PagingMode;
  /** User defines (`pagingLayout.defines`, `-D`): value, true/'y' (= 1), false/'n'/null (known unset). */
  defines?: DefineSettings;
  includeDirs?: string[];
  /** Reads an included file; undefined when it does not exist. Injected so the engine stays pure. */
  readFile?: (path: string) => string | undefined;
  maxIncludeDepth?: number;
  maxFiles?: number;
  /** Definitions visible before the file (e.g. from a workspace index): consulted after the table. */
  fallback?: (name: string) => readonly MacroDef[] | undefined;
}

export type Activity = 'active' | 'inactive' | 'conditional';

export type DefinitionKind = 'define' | 'function-macro' | SymbolKind;

/**
 * A definition of the main file: the record the preprocessor keeps and, at the same time, the view the
 * analysis gives (DefinitionInfo in analysis.ts). Body positions and text are derived when first read.
 */
export class DefinitionRecord {
  /** Line and columns of the name. */
  readonly line: number;
  readonly nameStart: number;
  readonly nameEnd: number;
  /** The definition, or (for a LazyDefine, until it is first read) the conditions to make it with. */
  private defOrAtoms: MacroDef | CondAtom[];
  private lazy: { first?: LTok; last?: LTok; start?: { line: number; character: number }; end?: { line: number; character: number } } | undefined = undefined;

  /** `def` may be left out for a LazyDefine: it is made (defFor, with `atoms`) when first read. */
  constructor(readonly directive: Directive, readonly activity: Activity, atoms: CondAtom[], private readonly file: string | undefined, def?: MacroDef) {
    const d = directive;
    this.defOrAtoms = def ?? atoms;
    if (d instanceof LazyDefine) {
      this.line = d.line;
      this.nameStart = d.nameStart;
      this.nameEnd = d.nameStart + d.name.length;
    } else {
      const t = d.nameTok!;
      this.line = t.line;
      this.nameStart = t.start;
      this.nameEnd = t.start + (d.symKind === 'ld-origin' || d.symKind === 'ld-length' ? t.end - t.start : def!.name.length);
    }
  }

  get def(): MacroDef {
    const x = this.defOrAtoms;
    if (!Array.isArray(x)) return x;
    const def = defFor(this.directive, x, this.file)!;
    this.defOrAtoms = def;
    return def;
  }

  get name(): string { const d = this.directive; return d instanceof LazyDefine ? d.name : this.def.name; }
  get kind(): DefinitionKind {
    const d = this.directive;
    return d.kind === 'define' ? (this.functionLike() ? 'function-macro' : 'define') : (d.symKind ?? 'assign');
  }
  get conditions(): CondAtom[] { const x = this.defOrAtoms; return Array.isArray(x) ? x : x.conditions; }
  /** Last line of the directive (continuations included). */
  get endLine(): number { return this.directive.endLine; }
  get nameTok(): LTok { return this.directive.nameTok!; }

  private functionLike(): boolean {
    const d = this.directive;
    return d instanceof LazyDefine ? d.fnLike : this.def.params !== undefined;
  }

  private range(): NonNullable<DefinitionRecord['lazy']> {
    if (!this.lazy) {
      const body = this.directive.body ?? [];
      let bodyStart = 0;
      if (this.functionLike()) bodyStart = body.findIndex((t) => t.text === ')') + 1;
      const first = body[bodyStart], last = body.length > bodyStart ? body[body.length - 1] : undefined;
      this.lazy = { first, last, start: first && { line: first.line, character: first.start }, end: last && { line: last.line, character: last.end } };
    }
    return this.lazy;
  }

  /** First and last body tokens (undefined for an empty body). */
  get bodyFirst(): LTok | undefined { return this.range().first; }
  get bodyLast(): LTok | undefined { return this.range().last; }
  /** Body range (line/character), undefined for an empty body. */
  get bodyStart(): { line: number; character: number } | undefined { return this.range().start; }
  get bodyEnd(): { line: number; character: number } | undefined { return this.range().end; }
  get bodyText(): string { return this.def.bodyText; }
  get params(): string[] | undefined { return this.def.params; }

  /** The DefinitionInfo fields (analysis.ts). */
  toJSON(): object {
    const { name, kind, line, nameStart, nameEnd, bodyStart, bodyEnd, bodyText, params, activity, conditions, endLine, def } = this;
    return { name, kind, line, nameStart, nameEnd, bodyStart, bodyEnd, bodyText, params, activity, conditions, endLine, def: plainDef(def) };
  }
}

export interface BranchRecord {
  /** Line of the `#if`/`#elif`/`#else` directive. */
  startLine: number;
  /** Line of the directive that ends this branch. */
  endLine: number;
  activity: Activity;
  /** Condition atoms for a conditional branch. */
  conditions: CondAtom[];
  /** The directive's own condition text (`CONFIG_X86_5LEVEL`, `!CONFIG_KMSAN`, `else`). */
  text: string;
}

export interface IncludeRecord {
  line: number;
  start: number;
  end: number;
  target: string;
  resolved?: string;
  error?: string;
}

export interface PreprocessResult {
  /** Final definitions: user defines, included files, this file. (Made from tableParts when first read.) */
  readonly table: Map<string, MacroDef[]>;
  definitions: DefinitionRecord[];
  branches: BranchRecord[];
  includes: IncludeRecord[];
  problems: { line: number; message: string }[];
  /** Candidates of a name: table, then the fallback. */
  lookup: (name: string) => readonly MacroDef[] | undefined;
  /** Identifiers used by #if/#elif conditions (for incremental updates). */
  conditionNames?: Set<string>;
  /**
   * @internal The table as a base table whose entries may be LazyDefines of the main file (defined
   * without conditions; their definition is made when looked up) and the names changed since by
   * patchPreprocess (null: no longer defined).
   */
  tableParts?: TableParts;
  /** @internal Definition records by name (made on first use; kept up to date by patchPreprocess). */
  byName?: { base: Map<string, DefinitionRecord[]>; changed: Map<string, DefinitionRecord[]> };
}

/** The definition records of a name, in order (inactive ones included). */
export function definitionsNamed(r: PreprocessResult, name: string): DefinitionRecord[] | undefined {
  if (!r.byName) {
    const base = new Map<string, DefinitionRecord[]>();
    for (const d of r.definitions) {
      const list = base.get(d.name);
      if (list) list.push(d); else base.set(d.name, [d]);
    }
    r.byName = { base, changed: new Map() };
  }
  return r.byName.changed.get(name) ?? r.byName.base.get(name);
}

type TableEntry = MacroDef[] | LazyDefine;

interface TableParts {
  base: Map<string, TableEntry>;
  changed: Map<string, TableEntry | null>;
  file: string | undefined;
  /** When set, the base entries are an earlier version's entries moved to this version (`base` unused). */
  moved?: Moved;
}

/**
 * The base table made for an earlier version whose directive list was `srcDirs`: the same number of
 * directives as this version's, directive i of one being directive i of the other (moved by line
 * breaks typed or deleted). Entries are moved to this version when read.
 */
interface Moved {
  srcDirs: readonly Directive[];
  move: (e: TableEntry, name: string) => TableEntry | undefined;
  memo: Map<string, TableEntry | undefined>;
}

/** A table entry's candidates (a LazyDefine's definition is made now). */
function entryList(e: TableEntry | undefined, file: string | undefined): MacroDef[] | undefined {
  if (e === undefined || Array.isArray(e)) return e;
  const def = defFor(e, NO_ATOMS, file)!;
  return (e.memoDef!.list ??= [def]);
}

/** A name's base entry. */
function baseEntry(parts: TableParts, name: string): TableEntry | undefined {
  const m = parts.moved;
  if (!m) return parts.base.get(name);
  let e = m.memo.get(name);
  if (e === undefined && !m.memo.has(name)) {
    const o = parts.base.get(name);
    e = o === undefined ? undefined : m.move(o, name);
    m.memo.set(name, e);
  }
  return e;
}

/** A name's entry (undefined: not defined). */
function ownEntry(parts: TableParts, name: string): TableEntry | undefined {
  const c = parts.changed.get(name);
  return c === undefined ? baseEntry(parts, name) : c ?? undefined;
}

/** Every base entry (a moved table's entries moved now). */
function flatBase(parts: TableParts): Map<string, TableEntry> {
  if (!parts.moved) return parts.base;
  const out = new Map<string, TableEntry>();
  for (const n of parts.base.keys()) {
    const e = baseEntry(parts, n);
    if (e !== undefined) out.set(n, e);
  }
  return out;
}

/** Every entry, in a new map. */
function flatAll(parts: TableParts): Map<string, TableEntry> {
  const out = new Map(flatBase(parts));
  for (const [n, l] of parts.changed) if (l) out.set(n, l); else out.delete(n);
  return out;
}

function partsGet(parts: TableParts, name: string): MacroDef[] | undefined {
  return entryList(ownEntry(parts, name), parts.file);
}

/** One name's candidates in a preprocessing result's table (without making the whole table). */
function tableGet(r: PreprocessResult, name: string): MacroDef[] | undefined {
  return r.tableParts ? partsGet(r.tableParts, name) : r.table.get(name);
}

/** The candidates of every name, from table parts. */
function partsTable(parts: TableParts): Map<string, MacroDef[]> {
  const table = new Map<string, MacroDef[]>();
  for (const [n, e] of flatAll(parts)) table.set(n, entryList(e, parts.file)!);
  return table;
}

/** A preprocessing result over table parts; `table` is made when first read. */
function resultOf(parts: TableParts, rest: Omit<PreprocessResult, 'table' | 'tableParts' | 'lookup'>, fallback: PreprocessOptions['fallback']): PreprocessResult {
  let table: Map<string, MacroDef[]> | undefined;
  const { base, changed, file } = parts;
  const lookup = changed.size === 0 && !parts.moved
    ? (n: string) => entryList(base.get(n), file) ?? fallback?.(n)
    : (n: string) => partsGet(parts, n) ?? fallback?.(n);
  return {
    get table() { return (table ??= partsTable(parts)); },
    tableParts: parts,
    lookup,
    ...rest,
  };
}

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
// Processing

interface Frame {
  activity: Activity;
  /** Unknown atoms this branch needs. */
  atoms: CondAtom[];
  /** A branch of this chain was known to be taken. */
  taken: boolean;
  /** Negations of the unknown conditions of earlier branches. */
  prevNeg: CondAtom[];
  /** The parent was inactive: everything here is inactive. */
  dead: boolean;
  startLine: number;
  text: string;
}

/** Normalised user defines: name -> body text, or null for "known not set". */
export function normalizeDefines(defines: DefineSettings | undefined): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (!defines) return out;
  for (const [k, v] of Object.entries(defines)) {
    if (!/^[A-Za-z_]\w*$/.test(k)) continue;
    if (v === undefined || v === null || v === false || v === 'n' || v === 'N') out.set(k, null);
    else if (v === true || v === 'y' || v === 'Y' || v === '') out.set(k, '1');
    else if (v === 'm' || v === 'M') { out.set(k, null); out.set(k + '_MODULE', '1'); }
    else out.set(k, String(v));
  }
  return out;
}

/** `-D NAME`, `-D NAME=VALUE`, `NAME=n` strings to DefineSettings. */
export function parseDefineArgs(args: string[]): DefineSettings {
  const out: DefineSettings = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq < 0) out[a.trim()] = true;
    else out[a.slice(0, eq).trim()] = a.slice(eq + 1);
  }
  return out;
}

function userTable(defines: DefineSettings | undefined): Map<string, MacroDef[]> {
  const table = new Map<string, MacroDef[]>();
  for (const [name, value] of normalizeDefines(defines)) {
    if (value === null) { table.set(name, []); continue; }
    const lines = scanText(`#define ${name} ${value}`, 'c');
    const toks = lines[0].tokens;
    const def = parseDefine(toks[2], toks.slice(3), [], { note: 'user define', builtin: false });
    if (def) table.set(name, [def]);
  }
  return table;
}

const fileCache = new Map<string, { text: string; family: Family; directives: Directive[] }>();

function fileDirectives(path: string, text: string): Directive[] {
  const c = fileCache.get(path);
  if (c && c.text === text) return c.directives;
  const family = familyFor(undefined, path) ?? 'c';
  const directives = extractDirectives(scanText(text, family), family);
  if (fileCache.size > 2000) fileCache.clear();
  fileCache.set(path, { text, family, directives });
  return directives;
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}

function joinPath(a: string, b: string): string {
  if (b.startsWith('/')) return b;
  const parts = (a.endsWith('/') ? a + b : a + '/' + b).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else if (p !== '.' && !(p === '' && out.length > 0)) out.push(p);
  }
  return out.join('/') || '/';
}

/** Candidates for an include target: the including file's directory (quoted form), then include dirs. */
export function includeCandidates(target: string, system: boolean, fromFile: string | undefined, includeDirs: string[]): string[] {
  if (target.startsWith('/')) return [target];
  const out: string[] = [];
  if (!system && fromFile) out.push(joinPath(dirname(fromFile), target));
  for (const d of includeDirs) out.push(joinPath(d, target));
  return out;
}

/**
 * Preprocess a file given its directives (from extractDirectives). Pure: files are read through
 * opts.readFile. Never throws.
 */
export function preprocess(directives: readonly Directive[], opts: PreprocessOptions): PreprocessResult {
  const table: Map<string, TableEntry> = userTable(opts.defines);
  const get = (name: string) => entryList(table.get(name), opts.file);
  const definitions: DefinitionRecord[] = [];
  const branches: BranchRecord[] = [];
  const includes: IncludeRecord[] = [];
  const problems: { line: number; message: string }[] = [];
  const fallback = opts.fallback;

  // Conditions see the file's own definitions, its includes, the user's defines and the built-ins, never
  // the workspace index: another file's include guard or #ifdef branch says nothing about this build.
  const withBuiltins = layeredLookup({ lookup: get, mode: opts.mode }, opts.family === 'c' ? 'c' : 'gas');
  const visited = new Set<string>();
  const maxDepth = opts.maxIncludeDepth ?? 40;
  const maxFiles = opts.maxFiles ?? 400;
  const condCache = new Map<string, boolean | undefined>();

  const evalCond = (toks: LTok[], dialect: Family): boolean | undefined => {
    try {
      const r = evaluateCondition(toks, { lookup: withBuiltins, builtins: false, mode: opts.mode, dialect: dialect === 'nasm' ? 'nasm' : 'c', maxSteps: 20_000 });
      return r.value;
    } catch {
      return undefined;
    }
  };

  const run = (dirs: readonly Directive[], file: string | undefined, family: Family, baseAtoms: CondAtom[], depth: number, isMain: boolean) => {
    const stack: Frame[] = [];
    // The atoms of the current position; the same array while the branch structure does not change
    // (definitions of one branch share it).
    let atomsMemo: CondAtom[] | undefined;
    let atomsMemoOf: CondAtom[][] = [];
    const currentAtoms = (): CondAtom[] => {
      if (stack.length === 0) return baseAtoms;
      if (atomsMemo && atomsMemoOf.length === stack.length) {
        let same = true;
        for (let i = 0; i < stack.length && same; i++) same = stack[i].atoms === atomsMemoOf[i];
        if (same) return atomsMemo;
      }
      const out = baseAtoms.slice();
      for (const f of stack) out.push(...f.atoms);
      atomsMemo = out;
      atomsMemoOf = stack.map((f) => f.atoms);
      return out;
    };
    const dead = () => stack.length > 0 && (stack[stack.length - 1].dead || stack[stack.length - 1].activity === 'inactive');
    const closeBranch = (endLine: number) => {
      const f = stack[stack.length - 1];
      if (isMain && f) branches.push({ startLine: f.startLine, endLine, activity: f.dead ? 'inactive' : f.activity, conditions: f.atoms, text: f.text });
    };
    for (let di = 0; di < dirs.length; di++) {
      const d = dirs[di];
      switch (d.kind) {
        case 'if': case 'ifdef': case 'ifndef': {
          const parentDead = dead();
          const { value, text } = parentDead ? { value: false, text: condSource(d) } : judge(d, family);
          const f: Frame = { activity: 'inactive', atoms: [], taken: false, prevNeg: [], dead: parentDead, startLine: d.line, text };
          if (!parentDead) setBranch(f, value, text);
          stack.push(f);
          break;
        }
        case 'elif': case 'elifdef': case 'elifndef': case 'else': {
          const f = stack[stack.length - 1];
          if (!f) { problems.push({ line: d.line, message: `#${d.keyword} without #if` }); break; }
          closeBranch(d.line);
          f.startLine = d.line;
          if (f.dead) { f.text = condSource(d); break; }
          if (f.taken) { f.activity = 'inactive'; f.atoms = []; f.text = condSource(d); break; }
          const { value, text } = d.kind === 'else' ? { value: true as boolean | undefined, text: 'else' } : judge(d, family);
          f.text = text;
          setBranch(f, value, text);
          break;
        }
        case 'endif': {
          if (!stack.length) { problems.push({ line: d.line, message: `#${d.keyword} without #if` }); break; }
          closeBranch(d.line);
          stack.pop();
          break;
        }
        case 'define': case 'symbol': {
          const isDead = dead();
          const atoms = isDead ? NO_ATOMS : currentAtoms();
          const activity: Activity = isDead ? 'inactive' : atoms.length > 0 ? 'conditional' : 'active';
          if (d instanceof LazyDefine && isMain && (isDead || atoms.length === 0)) {
            // the definition is made when something reads it
            if (!d.paramsOk) { problems.push({ line: d.line, message: `malformed definition of ${d.name}` }); break; }
            definitions.push(new DefinitionRecord(d, activity, atoms, file));
            if (!isDead) table.set(d.name, d);
            break;
          }
          if (!(d instanceof LazyDefine) && !d.nameTok) break;
          const def = defFor(d, atoms, file);
          if (!def) { if (isMain) problems.push({ line: d.line, message: `malformed definition of ${d.nameTok!.text}` }); break; }
          if (isMain) definitions.push(new DefinitionRecord(d, activity, atoms, file, def));
          if (isDead || d.symKind === 'ld-dot') break;
          if (atoms.length === 0) table.set(def.name, d.memoDef?.list ?? [def]);
          else {
            const prev = get(def.name) ?? [];
            const extra = atoms.slice(baseAtoms.length);
            const adjusted = extra.length === 1
              ? prev.map((p) => (p.conditions.some((c) => c.text === extra[0].text) ? p : { ...plainDef(p), conditions: [...p.conditions, { ...extra[0], negated: !extra[0].negated }], sig: p.sig + '&' + condText({ ...extra[0], negated: !extra[0].negated }) }))
              : prev;
            table.set(def.name, [...adjusted, def]);
          }
          break;
        }
        case 'undef': {
          if (dead() || !d.nameTok) break;
          if (currentAtoms().length === 0) table.set(d.nameTok.text, []);
          break;
        }
        case 'include': {
          if (dead()) break;
          const rec: IncludeRecord = { line: d.line, start: d.tokens[0]?.start ?? 0, end: d.tokens[0]?.end ?? 0, target: d.target ?? tokensText(d.tokens) };
          if (isMain) includes.push(rec);
          if (!d.target) { rec.error = 'include target is not a "file" or <file> name'; break; }
          if (!opts.readFile) { rec.error = 'includes are not read here'; break; }
          if (depth >= maxDepth) { rec.error = `includes nested more than ${maxDepth} deep`; break; }
          let found: { path: string; text: string } | undefined;
          for (const c of includeCandidates(d.target, !!d.system, file, opts.includeDirs ?? [])) {
            let text: string | undefined;
            try { text = opts.readFile(c); } catch { text = undefined; }
            if (text !== undefined) { found = { path: c, text }; break; }
          }
          if (!found) { rec.error = `${d.target} not found`; break; }
          rec.resolved = found.path;
          if (inProgress.has(found.path)) { rec.error = `include cycle: ${found.path} is already being included`; break; }
          if (visited.has(found.path)) break; // included before: its guard would skip it
          if (visited.size >= maxFiles) { rec.error = `more than ${maxFiles} included files`; break; }
          visited.add(found.path);
          inProgress.add(found.path);
          try {
            const fam = familyFor(undefined, found.path) ?? 'c';
            run(fileDirectives(found.path, found.text), found.path, fam === 'c' ? 'c' : fam, currentAtoms(), depth + 1, false);
          } finally {
            inProgress.delete(found.path);
          }
          break;
        }
        default: break;
      }
    }
    if (isMain) {
      while (stack.length) {
        problems.push({ line: stack[stack.length - 1].startLine, message: 'unterminated conditional (missing #endif)' });
        closeBranch(Number.MAX_SAFE_INTEGER);
        stack.pop();
      }
    }
  };

  const setBranch = (f: Frame, value: boolean | undefined, text: string) => {
    if (value === true) {
      f.atoms = f.prevNeg.slice();
      f.activity = f.atoms.length > 0 ? 'conditional' : 'active';
      f.taken = true;
    } else if (value === false) {
      f.activity = 'inactive';
      f.atoms = [];
    } else {
      const atom = atomOf(text);
      f.atoms = [...f.prevNeg, atom];
      f.activity = 'conditional';
      f.prevNeg = [...f.prevNeg, { ...atom, negated: !atom.negated }];
    }
  };

  const judge = (d: Directive, family: Family): { value: boolean | undefined; text: string } => {
    const text = condSource(d);
    if (d.kind === 'ifdef' || d.kind === 'ifndef' || d.kind === 'elifdef' || d.kind === 'elifndef') {
      const name = d.tokens[0]?.text ?? '';
      const c = withBuiltins(name);
      let def: boolean | undefined;
      if (c === undefined) def = /^CONFIG_/.test(name) ? undefined : false;
      else if (c.length === 0) def = false;
      else if (c.some((x) => x.conditions.length === 0)) def = true;
      else def = undefined;
      const neg = d.kind === 'ifndef' || d.kind === 'elifndef';
      return { value: def === undefined ? undefined : def !== neg, text };
    }
    const key = family + '\u0000' + text;
    if (condCache.has(key) && !/\b(defined|IS_)/.test(text)) return { value: condCache.get(key), text };
    const value = evalCond(d.tokens, family);
    return { value, text };
  };

  const inProgress = new Set<string>();
  if (opts.file) inProgress.add(opts.file);
  try {
    run(directives, opts.file, opts.family, [], 0, true);
  } catch (e) {
    problems.push({ line: 0, message: `preprocessing stopped: ${(e as Error).message}` });
  }
  return resultOf({ base: table, changed: new Map(), file: opts.file }, { definitions, branches, includes, problems, conditionNames: conditionNamesOf(directives) }, fallback);
}

const defCache = {
  get: (d: Directive) => d.memoDef,
  set: (d: Directive, v: DefMemo) => { d.memoDef = v; },
};

/** The definition a directive makes under the given conditions (cached per directive object). */
function defFor(d: Directive, atoms: CondAtom[], file: string | undefined): MacroDef | undefined {
  const hit = defCache.get(d);
  if (hit && hit.file === file && (hit.atoms === atoms || (atoms.length === 0 && hit.atoms.length === 0) || (hit.key ??= atomsKey(hit.atoms)) === atomsKey(atoms))) return hit.def;
  if (d instanceof LazyDefine) {
    if (!d.paramsOk) { defCache.set(d, { key: undefined, file, atoms, def: undefined }); return undefined; }
    const lazy = new LazyMacroDef(d, atoms, file);
    if (atoms.length === 0) lazy.list = [lazy];
    defCache.set(d, lazy);
    return lazy;
  }
  const origin = { file, line: d.line };
  const def = d.kind === 'define' ? parseDefine(d.nameTok!, d.body ?? [], atoms, origin) : makeSymbol(d.nameTok!.text, d.body ?? [], atoms, origin);
  defCache.set(d, { key: undefined, file, atoms, def, list: def && atoms.length === 0 ? [def] : undefined });
  return def;
}

const NO_ATOMS: CondAtom[] = [];

/** A key that tells condition lists apart (an empty `#if` condition is not the absence of one). */
function atomsKey(atoms: CondAtom[]): string {
  return atoms.length ? `${atoms.length}\u0000${atoms.map(condText).join('\u0000')}` : '';
}

/** The condition as a person reads it: `CONFIG_X`, `!CONFIG_X`, or the `#if` expression. */
function condSource(d: Directive): string {
  if (d.kind === 'else') return 'else';
  if (d.kind === 'ifdef' || d.kind === 'elifdef') return d.tokens[0]?.text ?? '';
  if (d.kind === 'ifndef' || d.kind === 'elifndef') return '!' + (d.tokens[0]?.text ?? '');
  const t = tokensText(d.tokens);
  const m = /^defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?$/.exec(t);
  if (m) return m[1];
  const n = /^!\s*defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?$/.exec(t);
  if (n) return '!' + n[1];
  return t;
}

function atomOf(text: string): CondAtom {
  if (/^![A-Za-z_]\w*$/.test(text)) return { text: text.slice(1), negated: true };
  return { text, negated: false };
}

/** Convenience: scan, extract and preprocess a text. */
export function preprocessText(text: string, opts: PreprocessOptions): PreprocessResult {
  return preprocess(extractDirectives(scanText(text, opts.family), opts.family), opts);
}

function conditionNamesOf(directives: readonly Directive[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < directives.length; i++) {
    const d = directives[i];
    if (d.kind === 'if' || d.kind === 'elif' || d.kind === 'ifdef' || d.kind === 'ifndef' || d.kind === 'elifdef' || d.kind === 'elifndef') {
      for (const t of d.tokens) if (t.kind === 'ident') out.add(t.text);
    }
  }
  return out;
}

/**
 * Incremental preprocessing after an edit that changed exactly one definition (same name, same kind)
 * and nothing else: the previous result with that name's candidates rebuilt. Undefined when the edit
 * needs a full run (conditions or includes involved, the name defined elsewhere, or by the user).
 */
export function patchPreprocess(prev: PreprocessResult, prevDirs: readonly Directive[], dirs: readonly Directive[], opts: PreprocessOptions, changedAt?: number): PreprocessResult | undefined {
  if (prevDirs.length !== dirs.length) return undefined;
  let k = -1;
  if (changedAt !== undefined) k = changedAt; // the caller knows that only this directive differs
  else {
    for (let i = 0; i < dirs.length; i++) {
      if (dirs[i] === prevDirs[i]) continue;
      if (k >= 0) return undefined;
      k = i;
    }
  }
  if (k < 0) return prev;
  const a = prevDirs[k], b = dirs[k];
  if (a.kind !== b.kind || (a.kind !== 'define' && a.kind !== 'symbol') || a.symKind === 'ld-dot' || b.symKind === 'ld-dot') return undefined;
  const name = dirName(b);
  if (!name || dirName(a) !== name || a.line !== b.line) return undefined;
  if (prev.conditionNames?.has(name) || (opts.defines && name in opts.defines)) return undefined;
  const idx = recordOf(prev.definitions, a);
  if (idx < 0) return undefined;
  const old = prev.definitions[idx];
  const parts = prev.tableParts ?? { base: prev.table, changed: new Map<string, TableEntry | null>(), file: opts.file };
  const entry = parts.changed.has(name) ? parts.changed.get(name) : baseEntry(parts, name);
  if (a instanceof LazyDefine && b instanceof LazyDefine && parts.file === opts.file && entry === a) {
    // `a` made the name's only candidate and nothing after it changed that: `b` makes it now.
    if (!b.paramsOk) return undefined;
    const definitions = prev.definitions.slice();
    definitions[idx] = new DefinitionRecord(b, old.activity, old.conditions, opts.file);
    return patchedResult(prev, parts, name, b, definitions, idx, opts);
  }
  // every candidate of the name must come from this file's records (not from an include)
  const records: DefinitionRecord[] = [];
  for (let i = 0; i < prev.definitions.length; i++) if (prev.definitions[i].name === name) records.push(prev.definitions[i]);
  const cands = tableGet(prev, name) ?? [];
  if (cands.some((c) => c.origin?.file !== opts.file || !records.some((r) => r.def.sig === c.sig || c.sig.startsWith(r.def.sig)))) return undefined;
  const def = defFor(b, old.conditions, opts.file);
  if (!def) return undefined;
  const rec = new DefinitionRecord(b, old.activity, old.conditions, opts.file, def);
  const definitions = prev.definitions.slice();
  definitions[idx] = rec;
  // replay the table rule for this name
  let list: MacroDef[] | undefined;
  for (let i = 0; i < definitions.length; i++) {
    const r = definitions[i];
    if (r.name !== name || r.activity === 'inactive') continue;
    const atoms = r.def.conditions;
    if (atoms.length === 0) list = [r.def];
    else {
      const p = list ?? [];
      const adjusted = atoms.length === 1
        ? p.map((x) => (x.conditions.some((c) => c.text === atoms[0].text) ? x : { ...plainDef(x), conditions: [...x.conditions, { ...atoms[0], negated: !atoms[0].negated }], sig: x.sig + '&' + condText({ ...atoms[0], negated: !atoms[0].negated }) }))
        : p;
      list = [...adjusted, r.def];
    }
  }
  return patchedResult(prev, parts, name, list ?? null, definitions, idx, opts);
}

/**
 * The previous result with one name's table entry replaced: kept as the base table and the changed
 * names (merged into a new base once many names changed).
 */
function patchedResult(prev: PreprocessResult, parts: TableParts, name: string, entry: TableEntry | null, definitions: DefinitionRecord[], idx: number, opts: PreprocessOptions): PreprocessResult {
  let base = parts.base;
  let moved = parts.moved;
  let changed = new Map(parts.changed);
  changed.set(name, entry);
  if (changed.size > 64) {
    base = new Map(flatBase(parts));
    moved = undefined;
    for (const [n, l] of changed) if (l) base.set(n, l); else base.delete(n);
    changed = new Map();
  }
  // the records by name: the previous index with this name's list updated (record idx replaced)
  let byName: PreprocessResult['byName'];
  if (prev.byName) {
    const old = prev.definitions[idx], rec = definitions[idx];
    let names = prev.byName;
    const list = (definitionsNamed(prev, name) ?? []).map((r) => (r === old ? rec : r));
    const ch = new Map(names.changed);
    ch.set(name, list);
    names = { base: names.base, changed: ch };
    if (ch.size > 64) {
      const merged = new Map(names.base);
      for (const [n, l] of ch) merged.set(n, l);
      names = { base: merged, changed: new Map() };
    }
    byName = names;
  }
  return resultOf({ base, changed, file: parts.file, moved }, { definitions, branches: prev.branches, includes: prev.includes, problems: prev.problems, conditionNames: prev.conditionNames, byName }, opts.fallback);
}

/** What lexDocument says about an edit that added or removed lines (DocLex.dirChange). */
export interface LineShift {
  /** Index of the first directive of the lines lexed again, and how many there were before and after. */
  at: number;
  removed: number;
  added: number;
  lineDelta: number;
  /** Old lines fromLine .. toLine (exclusive) were lexed again; the old lines after them moved by lineDelta. */
  fromLine: number;
  toLine: number;
}

/**
 * Preprocessing after an edit that added or removed lines without changing any directive but by its
 * line numbers: the directives of the lines lexed again are the same as before (same tokens, at the
 * same columns), and the directives after them are the previous ones moved. The conditional structure,
 * the activities and the table are then those of the previous result: its records, branches, includes
 * and problems are kept before the edit and moved after it; table entries are moved when read.
 * Undefined when the edit changed a directive (then preprocess again).
 */
export function shiftPreprocess(prev: PreprocessResult, prevDirs: readonly Directive[], dirs: readonly Directive[], opts: PreprocessOptions, ch: LineShift): PreprocessResult | undefined {
  const { at: h, lineDelta, fromLine, toLine } = ch;
  const file = opts.file;
  if (ch.removed !== ch.added || prevDirs.length !== dirs.length) return undefined;
  const parts0 = prev.tableParts;
  if (!parts0 || parts0.file !== file) return undefined;
  // old line -> new line for the lines of the region's directives
  const regionLines = new Map<number, number>();
  const setLine = (a: number, b: number) => {
    const x = regionLines.get(a);
    if (x === undefined) regionLines.set(a, b);
    return x === undefined || x === b;
  };
  for (let i = h; i < h + ch.added; i++) {
    const a = prevDirs[i], b = dirs[i];
    if (a !== b && !sameShape(a, b)) return undefined;
    if (!setLine(a.line, b.line) || !setLine(a.endLine, b.endLine)) return undefined;
    for (let k = 0; k < a.tokens.length; k++) if (!setLine(a.tokens[k].line, b.tokens[k].line)) return undefined;
  }
  let ok = true;
  const mapLine = (l: number): number => {
    if (l < fromLine || l === Number.MAX_SAFE_INTEGER) return l;
    if (l >= toLine) return l + lineDelta;
    const m = regionLines.get(l);
    if (m === undefined) { ok = false; return l; }
    return m;
  };

  // definition records: kept before the region, made again for the moved directives
  const defs = prev.definitions;
  let j = 0, hi = defs.length;
  while (j < hi) {
    const mid = (j + hi) >> 1;
    if (defs[mid].directive.line < fromLine) j = mid + 1; else hi = mid;
  }
  const definitions = defs.slice(0, j);
  for (let i = h; i < prevDirs.length && j < defs.length; i++) {
    const r = defs[j];
    if (r.directive !== prevDirs[i]) continue;
    j++;
    const d = dirs[i];
    if (d === r.directive) { definitions.push(r); continue; }
    if (d instanceof LazyDefine && (r.activity === 'inactive' || r.conditions.length === 0)) {
      definitions.push(new DefinitionRecord(d, r.activity, r.conditions, file));
      continue;
    }
    const def = defFor(d, r.conditions, file);
    if (!def) return undefined;
    definitions.push(new DefinitionRecord(d, r.activity, r.conditions, file, def));
  }
  if (j < defs.length) return undefined;

  const branches = prev.branches.map((b) => {
    if (b.startLine < fromLine && b.endLine < fromLine) return b;
    return { startLine: mapLine(b.startLine), endLine: mapLine(b.endLine), activity: b.activity, conditions: b.conditions, text: b.text };
  });
  const includes = prev.includes.map((r) => (r.line < fromLine ? r : { ...r, line: mapLine(r.line) }));
  const problems = prev.problems.map((p) => (p.line < fromLine ? p : { line: mapLine(p.line), message: p.message }));
  if (!ok) return undefined;

  // table entries: moved when read (the base table's from the version it was made for, the changed
  // entries from the previous version's)
  let full: PreprocessResult | undefined;
  const fullEntry = (name: string) => ownEntry((full ??= preprocess(dirs, opts)).tableParts!, name);
  const src0 = parts0.moved ? parts0.moved.srcDirs : prevDirs;
  if (src0.length !== dirs.length) return undefined;
  const step = mover(prevDirs, dirs, file, fullEntry);
  const changed = new Map<string, TableEntry | null>();
  for (const [n, e] of parts0.changed) changed.set(n, e === null ? null : step(e, n) ?? null);
  const parts: TableParts = { base: parts0.base, changed, file, moved: { srcDirs: src0, move: mover(src0, dirs, file, fullEntry), memo: new Map() } };
  return resultOf(parts, { definitions, branches, includes, problems, conditionNames: prev.conditionNames }, opts.fallback);
}

/**
 * Moves table entries made for the directives `src` to the directives `dst` (directive i of one is
 * directive i of the other, maybe on other lines). What cannot be moved (a definition no longer found
 * through its directive) is taken from `fallback`.
 */
function mover(src: readonly Directive[], dst: readonly Directive[], file: string | undefined, fallback: (name: string) => TableEntry | undefined) {
  const firstAt = (line: number) => {
    let lo = 0, top = src.length;
    while (lo < top) {
      const mid = (lo + top) >> 1;
      if (src[mid].line < line) lo = mid + 1; else top = mid;
    }
    return lo;
  };
  const indexOf = (d: Directive): number => {
    for (let i = firstAt(d.line); i < src.length && src[i].line === d.line; i++) if (src[i] === d) return i;
    return -1;
  };
  /** The directive that made a definition, from its line. */
  const indexOfDef = (c: MacroDef): number => {
    const line = c.origin!.line!;
    for (let i = firstAt(line); i < src.length && src[i].line === line; i++) {
      const m = src[i].memoDef?.def;
      if (m && (m === c || (dirName(src[i]) === c.name && m.body === c.body))) return i;
    }
    return -1;
  };
  const moveDef = (c: MacroDef): MacroDef | undefined => {
    const o = c.origin;
    if (!o || o.line === undefined || o.file !== file) return c;
    if (c instanceof LazyMacroDef) {
      const i = indexOf(c.directive);
      if (i < 0) return undefined;
      const d = dst[i];
      return d === c.directive ? c : defFor(d, c.conditions, file);
    }
    const i = indexOfDef(c);
    if (i < 0) return undefined;
    const a = src[i], b = dst[i];
    if (b === a) return c;
    const own = a.memoDef!.def!;
    const def = defFor(b, own.conditions, file);
    if (!def) return undefined;
    return own === c ? def : { ...c, body: def.body, origin: def.origin };
  };
  return (e: TableEntry, name: string): TableEntry | undefined => {
    if (e instanceof LazyDefine) {
      const i = indexOf(e);
      if (i >= 0 && dst[i] instanceof LazyDefine) return dst[i] as LazyDefine;
    } else {
      let out: MacroDef[] | undefined = e;
      for (let k = 0; k < e.length && out; k++) {
        const m = moveDef(e[k]);
        if (!m) out = undefined;
        else if (m !== e[k]) { if (out === e) out = e.slice(); out[k] = m; }
      }
      if (out) return out;
    }
    return fallback(name);
  };
}

/** Two directives with the same tokens (texts, kinds, columns, lines relative to the first). */
function sameShape(a: Directive, b: Directive): boolean {
  if (a.kind !== b.kind || a.keyword !== b.keyword || a.symKind !== b.symKind || a.target !== b.target || a.system !== b.system) return false;
  if (a.endLine - a.line !== b.endLine - b.line || (a instanceof LazyDefine) !== (b instanceof LazyDefine)) return false;
  if (a instanceof LazyDefine && b instanceof LazyDefine && (a.name !== b.name || a.nameStart !== b.nameStart || a.fnLike !== b.fnLike || a.paramsOk !== b.paramsOk)) return false;
  const x = a.tokens, y = b.tokens;
  if (x.length !== y.length) return false;
  for (let k = 0; k < x.length; k++) {
    const s = x[k], t = y[k];
    if (s.text !== t.text || s.kind !== t.kind || s.start !== t.start || s.end !== t.end || s.line - a.line !== t.line - b.line) return false;
  }
  const na = a.nameTok, nb = b.nameTok;
  if ((na === undefined) !== (nb === undefined) || (na && nb && (na.text !== nb.text || x.indexOf(na) !== y.indexOf(nb)))) return false;
  return (a.body?.length ?? -1) === (b.body?.length ?? -1);
}
