// Preprocessing records: the definitions of a file (DefinitionRecord, with their activity and
// conditions), its branches and includes, and the table of definitions a preprocessing run leaves
// (kept as table parts, so that an edit can patch one name without copying the table).

import { CondAtom, condText, evaluateCondition, layeredLookup, makeSymbol, MacroDef, macroSig, parseDefine, tokensText } from './evaluate';
import { Directive, LazyDefine, LTok, SymbolKind } from './directives';
import type { PreprocessOptions } from './preprocessor';

export type DefMemo = NonNullable<Directive['memoDef']>;

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
export function recordOf(defs: readonly DefinitionRecord[], d: Directive): number {
  let lo = 0, hi = defs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (defs[mid].directive.line < d.line) lo = mid + 1; else hi = mid;
  }
  for (let i = lo; i < defs.length && defs[i].directive.line === d.line; i++) if (defs[i].directive === d) return i;
  return defs.findIndex((r) => r.directive === d);
}

/** The name a definition directive defines. */
export function dirName(d: Directive): string | undefined {
  return d instanceof LazyDefine ? d.name : d.nameTok?.text;
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
  /** Every atom in force inside the branch (the enclosing branches' too): what a definition there gets. */
  context: CondAtom[];
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

export type TableEntry = MacroDef[] | LazyDefine;

export interface TableParts {
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
export interface Moved {
  srcDirs: readonly Directive[];
  move: (e: TableEntry, name: string) => TableEntry | undefined;
  memo: Map<string, TableEntry | undefined>;
}

/** A table entry's candidates (a LazyDefine's definition is made now). */
export function entryList(e: TableEntry | undefined, file: string | undefined): MacroDef[] | undefined {
  if (e === undefined || Array.isArray(e)) return e;
  const def = defFor(e, NO_ATOMS, file)!;
  return (e.memoDef!.list ??= [def]);
}

/** A name's base entry. */
export function baseEntry(parts: TableParts, name: string): TableEntry | undefined {
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
export function ownEntry(parts: TableParts, name: string): TableEntry | undefined {
  const c = parts.changed.get(name);
  return c === undefined ? baseEntry(parts, name) : c ?? undefined;
}

/** Every base entry (a moved table's entries moved now). */
export function flatBase(parts: TableParts): Map<string, TableEntry> {
  if (!parts.moved) return parts.base;
  const out = new Map<string, TableEntry>();
  for (const n of parts.base.keys()) {
    const e = baseEntry(parts, n);
    if (e !== undefined) out.set(n, e);
  }
  return out;
}

/** Every entry, in a new map. */
export function flatAll(parts: TableParts): Map<string, TableEntry> {
  const out = new Map(flatBase(parts));
  for (const [n, l] of parts.changed) if (l) out.set(n, l); else out.delete(n);
  return out;
}

export function partsGet(parts: TableParts, name: string): MacroDef[] | undefined {
  return entryList(ownEntry(parts, name), parts.file);
}

/** One name's candidates in a preprocessing result's table (without making the whole table). */
export function tableGet(r: PreprocessResult, name: string): MacroDef[] | undefined {
  return r.tableParts ? partsGet(r.tableParts, name) : r.table.get(name);
}

/** The candidates of every name, from table parts. */
export function partsTable(parts: TableParts): Map<string, MacroDef[]> {
  const table = new Map<string, MacroDef[]>();
  for (const [n, e] of flatAll(parts)) table.set(n, entryList(e, parts.file)!);
  return table;
}

/** A preprocessing result over table parts; `table` is made when first read. */
export function resultOf(parts: TableParts, rest: Omit<PreprocessResult, 'table' | 'tableParts' | 'lookup'>, fallback: PreprocessOptions['fallback']): PreprocessResult {
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


const defCache = {
  get: (d: Directive) => d.memoDef,
  set: (d: Directive, v: DefMemo) => { d.memoDef = v; },
};

/** The definition a directive makes under the given conditions (cached per directive object). */
export function defFor(d: Directive, atoms: CondAtom[], file: string | undefined): MacroDef | undefined {
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

export const NO_ATOMS: CondAtom[] = [];

/** A key that tells condition lists apart (an empty `#if` condition is not the absence of one). */
function atomsKey(atoms: CondAtom[]): string {
  return atoms.length ? `${atoms.length}\u0000${atoms.map(condText).join('\u0000')}` : '';
}


/**
 * The candidates of a name after a definition made under conditions (`extra`: its atoms beyond the
 * file's own context): the earlier candidates, restricted to the other case when one atom decides
 * between them, then the new one.
 */
export function withConditional(prev: readonly MacroDef[], def: MacroDef, extra: readonly CondAtom[]): MacroDef[] {
  if (extra.length !== 1) return [...prev, def];
  const neg = { ...extra[0], negated: !extra[0].negated };
  const adjusted = prev.map((p) => (p.conditions.some((c) => c.text === extra[0].text) ? p : { ...plainDef(p), conditions: [...p.conditions, neg], sig: p.sig + '&' + condText(neg) }));
  return [...adjusted, def];
}
