// Analysis of one document: numeric literals, definitions (`#define`, `.set`/`.equ`, `NAME = expr`,
// NASM `equ`/`%define`, ld assignments) with ranges, and their values on demand (cached, with
// dependency-checked invalidation). Re-analysis after an edit reuses the scans of unchanged lines.

import {
  CondAtom, deriveName, Derivation, EvalOptions, evaluateExpression, EvalResult, layeredLookup, MacroDef, MacroLookup,
} from './evaluate';
import { parseLiteral, ParsedLiteral, LiteralDialect } from './literals';
import { DefinitionRecord, Directive, extractDirectives, patchPreprocess, PreprocessOptions, PreprocessResult, preprocess, SymbolKind, Activity, BranchRecord, IncludeRecord } from './preprocessor';
import { Family, familyFor, LineScan, LineScanCache, scanOptionsFor, splitLines, Token } from './scanner';
import { PagingMode } from './types';

export interface AnalysisOptions extends Omit<PreprocessOptions, 'family'> {
  languageId?: string;
  /** Overrides the family derived from languageId/file. */
  family?: Family;
  mode?: PagingMode;
}

export interface LiteralInfo {
  line: number;
  start: number;
  end: number;
  text: string;
  value: bigint;
  radix: ParsedLiteral['radix'];
  suffix: string;
}

export type DefinitionKind = 'define' | 'function-macro' | SymbolKind;

export interface DefinitionInfo {
  name: string;
  kind: DefinitionKind;
  line: number;
  nameStart: number;
  nameEnd: number;
  /** Body range (line/character), undefined for an empty body. */
  bodyStart?: { line: number; character: number };
  bodyEnd?: { line: number; character: number };
  bodyText: string;
  params?: string[];
  activity: Activity;
  conditions: CondAtom[];
  /** Last line of the directive (continuations included): where an inlay hint goes. */
  endLine: number;
  def: MacroDef;
}

export interface TokenAt {
  line: number;
  token: Token;
}

interface CacheEntry<T> {
  value: T;
  deps: Map<string, string>;
}

const literalCache = {
  get: (s: LineScan) => s.memo?.literals as Omit<LiteralInfo, 'line'>[] | undefined,
  set: (s: LineScan, v: Omit<LiteralInfo, 'line'>[]) => { (s.memo ??= {}).literals = v; },
};

function lineLiterals(scan: LineScan, dialect: LiteralDialect): Omit<LiteralInfo, 'line'>[] {
  let lits = literalCache.get(scan);
  if (lits) return lits;
  lits = [];
  for (const t of scan.tokens) {
    if (t.kind !== 'number') continue;
    const p = parseLiteral(t.text, dialect);
    if (p) lits.push({ start: t.start, end: t.end, text: t.text, value: p.value, radix: p.radix, suffix: p.suffix });
  }
  literalCache.set(scan, lits);
  return lits;
}

/** The result of analysing one version of a document. Values are computed on demand and cached. */
export class DocumentAnalysis {
  private literalList?: LiteralInfo[];
  private defList?: DefinitionInfo[];
  private byName?: Map<string, DefinitionInfo[]>;

  constructor(
    readonly family: Family,
    readonly lines: readonly string[],
    readonly scans: readonly LineScan[],
    readonly directives: readonly Directive[],
    readonly pre: PreprocessResult,
    private readonly evalOpts: EvalOptions,
    private readonly owner: DocumentAnalyzer,
  ) {}

  get lookup(): MacroLookup { return this.pre.lookup; }
  get branches(): readonly BranchRecord[] { return this.pre.branches; }
  get includes(): readonly IncludeRecord[] { return this.pre.includes; }
  get problems() { return this.pre.problems; }

  /** Every numeric literal of the document (not in comments or strings). */
  get literals(): LiteralInfo[] {
    if (!this.literalList) {
      const out: LiteralInfo[] = [];
      const dialect = this.family;
      for (let i = 0; i < this.scans.length; i++) {
        const lits = lineLiterals(this.scans[i], dialect);
        for (let k = 0; k < lits.length; k++) {
          const l = lits[k];
          out.push({ line: i, start: l.start, end: l.end, text: l.text, value: l.value, radix: l.radix, suffix: l.suffix });
        }
      }
      this.literalList = out;
    }
    return this.literalList;
  }

  /** @internal reuse the definition list of an analysis with the same preprocessing result. */
  adoptDefinitions(prev: DocumentAnalysis): void {
    this.defList = prev.defList;
    this.byName = prev.byName;
  }

  /** Every definition of the document, in order (inactive branches included). */
  get definitions(): DefinitionInfo[] {
    if (!this.defList) this.defList = this.pre.definitions.map((r) => (r.info ??= defInfo(r)) as DefinitionInfo);
    return this.defList;
  }

  definitionsOf(name: string): DefinitionInfo[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const d of this.definitions) {
        const list = this.byName.get(d.name);
        if (list) list.push(d); else this.byName.set(d.name, [d]);
      }
    }
    return this.byName.get(name) ?? [];
  }

  /** The token under a position (line, character), end-inclusive for the cursor after a word. */
  tokenAt(line: number, character: number): TokenAt | undefined {
    const scan = this.scans[line];
    if (!scan) return undefined;
    const toks = scan.tokens;
    let lo = 0, hi = toks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = toks[mid];
      if (character < t.start) hi = mid - 1;
      else if (character >= t.end) lo = mid + 1;
      else {
        const prev = toks[mid - 1];
        if (t.kind === 'punct' && prev && prev.end === character && (prev.kind === 'ident' || prev.kind === 'number')) return { line, token: prev };
        return { line, token: t };
      }
    }
    // cursor right after a token
    const prev = toks[lo - 1];
    if (prev && prev.end === character && (prev.kind === 'ident' || prev.kind === 'number')) return { line, token: prev };
    return undefined;
  }

  literalAt(line: number, character: number): LiteralInfo | undefined {
    const t = this.tokenAt(line, character);
    if (!t || t.token.kind !== 'number') return undefined;
    const l = lineLiterals(this.scans[line], this.family).find((x) => x.start === t.token.start);
    return l ? { ...l, line } : undefined;
  }

  /** The definition whose name is at a position. */
  definitionAt(line: number, character: number): DefinitionInfo | undefined {
    for (const d of this.definitions) {
      if (d.line === line && character >= d.nameStart && character <= d.nameEnd) return d;
      if (d.line > line) break;
    }
    return undefined;
  }

  /** Whether a name is known here (document, includes, index, built-ins). */
  isKnown(name: string): boolean {
    const c = this.pre.lookup(name);
    return (c !== undefined && c.length > 0) || this.owner.builtinKnown(name, this.evalOpts);
  }

  /** Value of a name as used in this document: every consistent alternative, with derivation. */
  deriveName(name: string): Derivation {
    return this.owner.cached('n:' + name, this.pre.lookup, () => deriveName(name, this.evalOpts), (d) => d.evalDeps);
  }

  /** Value of one definition (at its own site, whatever its branch). */
  deriveDefinition(info: DefinitionInfo): Derivation {
    const def = info.def;
    const forced: MacroLookup = (n) => (n === def.name ? [{ ...def, conditions: [] }] : this.pre.lookup(n));
    return this.owner.cached('d:' + def.sig + '@' + info.line, this.pre.lookup, () => {
      const d = deriveName(def.name, { ...this.evalOpts, lookup: forced });
      for (const a of d.alternatives) a.conditions = [...info.conditions, ...a.conditions];
      d.evalDeps.delete(def.name); // the key already identifies this definition
      return d;
    }, (d) => d.evalDeps);
  }

  /** Evaluate an expression in the context of this document. */
  evaluate(text: string): EvalResult {
    return evaluateExpression(text, this.evalOpts);
  }

  get options(): EvalOptions { return this.evalOpts; }
}

function defInfo(r: DefinitionRecord): DefinitionInfo {
  const d = r.directive;
  const kind: DefinitionKind = d.kind === 'define' ? (r.def.params ? 'function-macro' : 'define') : (d.symKind ?? 'assign');
  return {
    name: r.def.name, kind, line: r.nameTok.line, nameStart: r.nameTok.start, nameEnd: r.nameTok.start + (kind === 'ld-origin' || kind === 'ld-length' ? r.nameTok.end - r.nameTok.start : r.def.name.length),
    bodyStart: r.bodyFirst ? { line: r.bodyFirst.line, character: r.bodyFirst.start } : undefined,
    bodyEnd: r.bodyLast ? { line: r.bodyLast.line, character: r.bodyLast.end } : undefined,
    bodyText: r.def.bodyText, params: r.def.params, activity: r.activity, conditions: r.def.conditions,
    endLine: d.endLine, def: r.def,
  };
}

/**
 * Analyses successive versions of one document. Keeps a line-scan cache (unchanged lines are not
 * re-lexed) and a value cache validated against the definitions each value depended on.
 */
export class DocumentAnalyzer {
  readonly family: Family;
  private readonly scanCache: LineScanCache;
  private valueCache = new Map<string, CacheEntry<unknown>>();
  private last?: DocumentAnalysis;

  constructor(private opts: AnalysisOptions) {
    this.family = opts.family ?? familyFor(opts.languageId, opts.file) ?? 'c';
    this.scanCache = new LineScanCache(this.family, scanOptionsFor(opts.languageId, opts.file));
  }

  /** Change options (defines, mode, include dirs): values are recomputed. */
  setOptions(opts: Partial<AnalysisOptions>): void {
    this.opts = { ...this.opts, ...opts };
    this.valueCache.clear();
    this.last = undefined;
  }

  get current(): DocumentAnalysis | undefined { return this.last; }

  analyze(text: string): DocumentAnalysis {
    const lines = splitLines(text);
    const scans = this.scanCache.scanAll(lines);
    const directives = extractDirectives(scans, this.family);
    // The same directive objects in the same order (an edit outside directives and definitions):
    // the preprocessing result is unchanged. Included files are re-read only when directives change.
    const prev = this.last;
    const same = prev !== undefined && prev.directives.length === directives.length && directives.every((d, i) => d === prev.directives[i]);
    const popts = { ...this.opts, family: this.family };
    const pre = same ? prev.pre : (prev && patchPreprocess(prev.pre, prev.directives, directives, popts)) || preprocess(directives, popts);
    const evalOpts: EvalOptions = { dialect: this.family, mode: this.opts.mode, lookup: pre.lookup };
    if (this.valueCache.size > 20_000) this.valueCache.clear();
    const next = new DocumentAnalysis(this.family, lines, scans, directives, pre, same ? prev!.options : evalOpts, this);
    if (same) next.adoptDefinitions(prev!);
    this.last = next;
    return next;
  }

  /** @internal memoise a computation whose result depends on the definitions named in deps. */
  cached<T>(key: string, lookup: MacroLookup, compute: () => T, depsOf: (v: T) => Map<string, string>): T {
    const e = this.valueCache.get(key) as CacheEntry<T> | undefined;
    if (e && depsValid(e.deps, layeredLookup({ lookup, mode: this.opts.mode }, this.family))) return e.value;
    const value = compute();
    this.valueCache.set(key, { value, deps: depsOf(value) });
    return value;
  }

  /** @internal */
  builtinKnown(name: string, opts: EvalOptions): boolean {
    const r = evaluateExpression(name, { ...opts, maxSteps: 200 });
    return r.deps.has(name) && r.alternatives.some((a) => a.value !== undefined);
  }
}

function depsValid(deps: Map<string, string>, lookup: MacroLookup): boolean {
  for (const [name, sig] of deps) {
    const c = lookup(name);
    const now = c === undefined ? '' : c.length === 0 ? '#undef' : c.map((d) => d.sig).join('\u0001');
    if (now !== sig) return false;
  }
  return true;
}

/** One-shot analysis of a text. */
export function analyzeText(text: string, opts: AnalysisOptions): DocumentAnalysis {
  return new DocumentAnalyzer(opts).analyze(text);
}
