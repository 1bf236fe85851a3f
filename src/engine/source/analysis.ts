// Analysis of one document: numeric literals, definitions (`#define`, `.set`/`.equ`, `NAME = expr`,
// NASM `equ`/`%define`, ld assignments) with ranges, and their values on demand (cached, with
// dependency-checked invalidation). The document is lexed without token objects (document.ts); a
// line's tokens, a definition's body and a literal's value are made when something asks for them.
// Re-analysis after an edit lexes only the lines the edit touched and, when one definition changed,
// patches the preprocessing result instead of running it again; when the edit added or removed lines
// without changing a directive, the previous result is moved (shiftPreprocess).

import { CondAtom, deriveName, Derivation, EvalOptions, evaluateExpression, evaluateTokens, EvalResult, layeredLookup, MacroDef, MacroLookup, toU64 } from './evaluate';
import { DocLex, lexDocument } from './document';
import { parseLiteral, ParsedLiteral, LiteralDialect } from './literals';
import { Directive } from './directives';
import { lexLogical, LineIndex, literalLineStarts, LogicalLine, logicalLinesAt, sparseDirectives } from './lines';
import { DefinitionKind, definitionsNamed, plainDef, PreprocessResult, Activity, BranchRecord, IncludeRecord } from './records';
import { PreprocessOptions, preprocess } from './preprocessor';
import { patchPreprocess, shiftPreprocess } from './patch';
import { Family, familyFor, LineScan, LineScanCache, ScanOptions, scanOptionsFor, splitLines, Token } from './scanner';
import { PagingMode } from '../paging';


export interface AnalysisOptions extends Omit<PreprocessOptions, 'family'> {
  languageId?: string;
  /** Overrides the family derived from languageId/file. */
  family?: Family;
  mode?: PagingMode;
}

/**
 * What the consumers of a file's analysis read (the rules, the map markers, the workspace layout),
 * whichever line source made it: the editor's document lexer (DocumentAnalysis) or the whole-tree
 * line finder (analyzeSparse).
 */
export interface FileAnalysis {
  readonly family: Family;
  /** Path (or URI string) the analysis was made for. */
  readonly file: string | undefined;
  readonly text: string;
  readonly directives: readonly Directive[];
  readonly pre: PreprocessResult;
  /** The paging mode evaluations assume (undefined: none applies to the file). */
  readonly mode: PagingMode | undefined;
  /** The logical lines that hold a literal a rule can read (literalLineStarts), lexed, in order. */
  literalLines(): readonly LogicalLine[];
  /** Offset of a line's first character. */
  lineStart(line: number): number;
}

/** A numeric literal of a document: where it is and what it says (see literals, literalAt). */
export interface NumberLiteral {
  line: number;
  start: number;
  end: number;
  text: string;
  value: bigint;
  radix: ParsedLiteral['radix'];
  suffix: string;
}

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

/**
 * A literal of the `literals` list: its position; its text and parsed value when first read (the list
 * has every number of the file; most are never looked at).
 */
class ListedLiteral implements NumberLiteral {
  private cache: string | ParsedLiteral | undefined = undefined;
  constructor(readonly line: number, readonly start: number, readonly end: number, private readonly doc: DocLex) {}
  get text(): string {
    const c = this.cache;
    if (typeof c === 'string') return c;
    const at = this.doc.starts[this.line] + this.start;
    const t = this.doc.src.text.slice(at, at + this.end - this.start);
    if (c === undefined) this.cache = t;
    return t;
  }
  private get p(): ParsedLiteral {
    const c = this.cache;
    if (c !== undefined && typeof c !== 'string') return c;
    const p = parseLiteral(this.text, this.doc.src.family)!;
    this.cache = p;
    return p;
  }
  get value(): bigint { return this.p.value; }
  get radix(): ParsedLiteral['radix'] { return this.p.radix; }
  get suffix(): string { return this.p.suffix; }
  toJSON(): NumberLiteral { return { line: this.line, start: this.start, end: this.end, text: this.text, value: this.value, radix: this.radix, suffix: this.suffix }; }
}

/** The result of analysing one version of a document. Values are computed on demand and cached. */
export class DocumentAnalysis implements FileAnalysis {
  private literalList?: NumberLiteral[];
  private literalLineList?: LogicalLine[];
  private lineList?: string[];
  private scanList?: LineScan[];

  constructor(
    readonly family: Family,
    /** @internal the lexed document */
    readonly doc: DocLex,
    readonly directives: readonly Directive[],
    readonly pre: PreprocessResult,
    private readonly evalOpts: EvalOptions,
    private readonly owner: DocumentAnalyzer,
  ) {}

  get lookup(): MacroLookup { return this.pre.lookup; }
  get file(): string | undefined { return this.owner.file; }
  get mode(): PagingMode | undefined { return this.evalOpts.mode; }
  get text(): string { return this.doc.src.text; }
  lineStart(line: number): number { return this.doc.starts[line]; }

  literalLines(): readonly LogicalLine[] {
    if (!this.literalLineList) {
      const { src, starts, entry } = this.doc;
      const out: LogicalLine[] = [];
      const opts = this.owner.scanOptions;
      let free = 0;
      for (const off of literalLineStarts(src.text, this.family)) {
        if (off < free) continue;
        const line = lineAtOffset(starts, off);
        const lx = lexLogical(src.text, starts[line], line, this.family, entry[line], opts);
        out.push({ tokens: lx.tokens, directive: lx.directive, line, offset: starts[line] });
        free = lx.next;
      }
      this.literalLineList = out;
    }
    return this.literalLineList;
  }
  get branches(): readonly BranchRecord[] { return this.pre.branches; }
  get includes(): readonly IncludeRecord[] { return this.pre.includes; }
  get problems() { return this.pre.problems; }

  /** Number of lines. */
  get lineCount(): number { return this.doc.count; }

  /** The text of one line. */
  lineText(line: number): string {
    return this.doc.src.text.slice(this.doc.starts[line], this.doc.ends[line]);
  }

  /** The lines of the text (splitLines). */
  get lines(): readonly string[] {
    return (this.lineList ??= splitLines(this.doc.src.text));
  }

  /**
   * The scan (tokens and state) of one line, made on first use. Scans are shared by the versions of a
   * document (same line text in the same state: the same scan).
   */
  scanAt(line: number): LineScan | undefined {
    if (!(line >= 0 && line < this.doc.count)) return undefined;
    return this.owner.scanLine(this.lineText(line), this.doc.entry[line]);
  }

  /** The scans of every line (made now for the lines not scanned yet). */
  get scans(): readonly LineScan[] {
    if (!this.scanList) {
      const out: LineScan[] = new Array(this.doc.count);
      for (let i = 0; i < out.length; i++) out[i] = this.scanAt(i)!;
      this.scanList = out;
    }
    return this.scanList;
  }

  /** Every numeric literal of the document (not in comments or strings). */
  get literals(): NumberLiteral[] {
    if (!this.literalList) {
      const out: NumberLiteral[] = [];
      const { src, count, starts, numFrom, nums } = this.doc;
      const text = src.text;
      const dialect = this.family;
      for (let i = 0; i < count; i++) {
        const base = starts[i];
        for (let k = numFrom[i]; k < numFrom[i + 1]; k++) {
          const s = nums[2 * k], e = nums[2 * k + 1];
          if (literalValid(text, base + s, base + e, dialect)) out.push(new ListedLiteral(i, s, e, this.doc));
        }
      }
      this.literalList = out;
    }
    return this.literalList;
  }

  /** Every definition of the document, in order (inactive branches included). */
  get definitions(): DefinitionInfo[] {
    return this.pre.definitions;
  }

  definitionsOf(name: string): DefinitionInfo[] {
    return definitionsNamed(this.pre, name) ?? [];
  }

  /** The token under a position (line, character), end-inclusive for the cursor after a word. */
  tokenAt(line: number, character: number): TokenAt | undefined {
    const scan = this.scanAt(line);
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

  literalAt(line: number, character: number): NumberLiteral | undefined {
    const t = this.tokenAt(line, character);
    if (!t || t.token.kind !== 'number') return undefined;
    const p = parseLiteral(t.token.text, this.family);
    return p ? { start: t.token.start, end: t.token.end, text: t.token.text, value: p.value, radix: p.radix, suffix: p.suffix, line } : undefined;
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
    const forced: MacroLookup = (n) => (n === def.name ? [{ ...plainDef(def), conditions: [] }] : this.pre.lookup(n));
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

/**
 * Whether parseLiteral accepts the number token text[from, to): the common C and GNU as forms (hex,
 * decimal, octal with a C suffix) are checked here without making the string; anything else is parsed.
 */
export function literalValid(text: string, from: number, to: number, dialect: LiteralDialect): boolean {
  if (dialect === 'c' || dialect === 'gas') {
    const r = plainCLiteral(text, from, to, dialect === 'gas');
    if (r !== undefined) return r;
  }
  return parseLiteral(text.slice(from, to), dialect) !== undefined;
}

const isDec = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isU = (c: number) => c === 117 || c === 85;

/** End of a C size suffix (ll, LL, l, L, wb, WB, z, Z) at i, or i when there is none. */
function sizeSuffix(text: string, i: number, to: number): number {
  if (i >= to) return i;
  const c = text.charCodeAt(i);
  const d = i + 1 < to ? text.charCodeAt(i + 1) : -1;
  if ((c === 108 && d === 108) || (c === 76 && d === 76) || (c === 119 && d === 98) || (c === 87 && d === 66)) return i + 2;
  if (c === 108 || c === 76 || c === 122 || c === 90) return i + 1;
  return i;
}

/** Whether text[i, to) is a C integer suffix (the C_SUFFIX pattern of literals.ts). */
function cSuffixAt(text: string, i: number, to: number): boolean {
  if (i === to) return true;
  if (isU(text.charCodeAt(i))) return sizeSuffix(text, i + 1, to) === to;
  const j = sizeSuffix(text, i, to);
  if (j === i) return false;
  return j === to || (j + 1 === to && isU(text.charCodeAt(j)));
}

/**
 * parseCLiteral / parseGasLiteral acceptance for plain forms: 0x<hex>, a decimal, 0 and octal digits,
 * each with a C suffix and without digit separators. Undefined: not such a form, ask the parser.
 */
function plainCLiteral(text: string, from: number, to: number, gas: boolean): boolean | undefined {
  const c0 = text.charCodeAt(from);
  if (!isDec(c0)) return undefined;
  let i = from + 1;
  if (c0 === 48 && i < to && (text.charCodeAt(i) === 120 || text.charCodeAt(i) === 88)) {
    i++;
    const d0 = i;
    while (i < to && isHex(text.charCodeAt(i))) i++;
    if (i === d0 || (i < to && text.charCodeAt(i) === 39)) return undefined;
    return cSuffixAt(text, i, to) ? true : undefined;
  }
  const octal = c0 === 48;
  while (i < to && isDec(text.charCodeAt(i))) {
    if (octal && text.charCodeAt(i) > 55) return undefined;
    i++;
  }
  if (i === to) return true;
  const c = text.charCodeAt(i);
  if (gas && (c === 102 || c === 98) && i + 1 === to) return undefined; // 1f / 1b local labels
  if (isHex(c) || c === 39 || c === 46) return undefined;
  return cSuffixAt(text, i, to) ? true : undefined;
}

/**
 * Analyses successive versions of one document. Keeps a line-scan cache (unchanged lines are not
 * re-lexed) and a value cache validated against the definitions each value depended on.
 */
export class DocumentAnalyzer {
  readonly family: Family;
  readonly scanOptions: ScanOptions;
  private readonly hashImmediate: boolean;
  private valueCache = new Map<string, CacheEntry<unknown>>();
  private last?: DocumentAnalysis;
  private doc?: DocLex;
  private readonly scanCache: LineScanCache;

  constructor(private opts: AnalysisOptions) {
    this.family = opts.family ?? familyFor(opts.languageId, opts.file) ?? 'c';
    const scanOpts = scanOptionsFor(opts.languageId, opts.file);
    this.scanOptions = scanOpts;
    this.hashImmediate = !!scanOpts.hashImmediate;
    this.scanCache = new LineScanCache(this.family, scanOpts);
  }

  /** @internal the scan of a line's text in a state (cached: unchanged lines keep their scans). */
  scanLine(text: string, state: number): LineScan {
    return this.scanCache.scan(text, state);
  }

  /** Change options (defines, mode, include dirs): values are recomputed. */
  setOptions(opts: Partial<AnalysisOptions>): void {
    this.opts = { ...this.opts, ...opts };
    this.valueCache.clear();
    this.last = undefined;
  }

  get current(): DocumentAnalysis | undefined { return this.last; }
  get file(): string | undefined { return this.opts.file; }

  analyze(text: string): DocumentAnalysis {
    const doc = lexDocument(this.doc, text, this.family, this.hashImmediate);
    this.doc = doc;
    const directives = doc.directives;
    // The same directive objects in the same order (an edit outside directives and definitions):
    // the preprocessing result is unchanged. Included files are re-read only when directives change.
    const prev = this.last;
    // (The lexer says how the list changed when it lexed an edit of the previous version.)
    const ch = prev && doc.dirChange?.before === prev.directives ? doc.dirChange : undefined;
    const same = prev !== undefined && (prev.directives === directives || (!ch && sameList(prev.directives, directives)));
    const popts = { ...this.opts, family: this.family };
    // An edit that added or removed lines: the directives after it moved (new objects with new lines).
    const shifted = ch !== undefined && ch.lineDelta !== 0;
    const changedAt = ch && !shifted && ch.removed === 1 && ch.added === 1 ? ch.at : undefined;
    const patched = same || !prev ? undefined
      : shifted ? shiftPreprocess(prev.pre, prev.directives, directives, popts, ch)
      : !ch || changedAt !== undefined ? patchPreprocess(prev.pre, prev.directives, directives, popts, changedAt) : undefined;
    const pre = same ? prev.pre : patched || preprocess(directives, popts);
    const evalOpts: EvalOptions = { dialect: this.family, mode: this.opts.mode, lookup: pre.lookup, configComplete: this.opts.configComplete };
    if (this.valueCache.size > 20_000) this.valueCache.clear();
    const next = new DocumentAnalysis(this.family, doc, directives, pre, same ? prev!.options : evalOpts, this);
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

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

/** The line holding offset `pos` (line starts in increasing order). */
function lineAtOffset(starts: Int32Array, pos: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** The analysis of a whole-tree run: the directives and the literal lines of a file, nothing else lexed. */
class SparseAnalysis implements FileAnalysis {
  private lines?: LogicalLine[];
  constructor(
    readonly family: Family, readonly file: string | undefined, readonly text: string,
    readonly directives: readonly Directive[], readonly pre: PreprocessResult, readonly mode: PagingMode | undefined,
    private readonly index: LineIndex, private readonly scanOptions: ScanOptions, private readonly literal: readonly number[],
  ) {}
  literalLines(): readonly LogicalLine[] {
    // a second pass over the text: its lines counted from the directives' (the index's checkpoints)
    return (this.lines ??= logicalLinesAt(this.text, this.family, this.literal, this.index, this.scanOptions));
  }
  lineStart(line: number): number { return this.index.startOf(line); }
}

/**
 * The analysis a whole-tree run makes of a file: for C, every directive (found without lexing the other
 * lines) and the literal lines; other families are lexed whole (their directives are statements of any
 * line). Same preprocessing walk, same definitions, same conditions as the editor's analysis. With
 * `keepDefinition` (a sticky pattern tried at a definition's name), a C definition whose name no
 * condition, literal line or kept definition needs and that `keepDefinition` does not accept stays out of the walk: it is made when its name is looked up
 * (LateDefinitions), so that `definitions` lists only the kept ones. `literalStarts`: the literal lines
 * when the caller found them already (literalLineStartsOf), as literalLineStarts would.
 */
export function analyzeSparse(text: string, opts: AnalysisOptions & { keepDefinition?: RegExp; literalStarts?: readonly number[] }): FileAnalysis {
  const family = opts.family ?? familyFor(opts.languageId, opts.file) ?? 'c';
  if (family !== 'c') return new DocumentAnalyzer({ ...opts, family }).analyze(text);
  const scanOpts = scanOptionsFor(opts.languageId, opts.file);
  const index = new LineIndex(text);
  const literal = opts.literalStarts ?? literalLineStarts(text, family);
  const keep = opts.keepDefinition && !opts.defines && !opts.readFile ? { nameY: opts.keepDefinition, literalStarts: literal } : undefined;
  // no #include in a walk that reads no included file
  const { directives, late } = sparseDirectives(text, index, !!scanOpts.hashImmediate, keep, !!opts.readFile);
  let pre: PreprocessResult | undefined = undefined;
  const fallback = opts.fallback;
  const lookupLate = late ? (name: string) => late.lookup(name, pre!, opts.file) ?? fallback?.(name) : fallback;
  pre = preprocess(directives, { ...opts, family, fallback: lookupLate });
  return new SparseAnalysis(family, opts.file, text, directives, pre, opts.mode, index, scanOpts, literal);
}

/** The value a definition's body has at its own site: one 64-bit value, or why there is none. */
export interface SiteValue {
  value?: bigint;
  /** Several values (branches the site allows disagree), a runtime part, or an unresolved name. */
  ambiguous: boolean;
  /** A negative value of a type of 32 bits or less (a 32-bit bit pattern, not a 64-bit address). */
  narrowNegative: boolean;
}

/** Whether no atom of `b` contradicts one of `a`. */
function agrees(a: readonly CondAtom[], b: readonly CondAtom[]): boolean {
  if (a.length === 0 || b.length === 0) return true;
  for (const x of b) for (const y of a) if (x.text === y.text && x.negated !== y.negated) return false;
  return true;
}

/**
 * The value of a definition's body evaluated with an analysis' definitions, keeping only the
 * alternatives the definition's own conditions allow. What the rules check and the map marks.
 */
export function siteValue(a: Pick<FileAnalysis, 'family' | 'mode' | 'pre'>, body: readonly Token[], conditions: readonly CondAtom[], maxSteps = 5000): SiteValue {
  const r = evaluateTokens(body, { dialect: a.family, mode: a.mode, lookup: a.pre.lookup, maxSteps, maxAlternatives: 4 });
  const alts = r.alternatives.filter((x) => agrees(conditions, x.conditions));
  const narrowNegative = alts.some((x) => x.type && x.type.bits <= 32 && x.value !== undefined && x.value < 0n);
  const vals = new Set(alts.map((x) => (x.value === undefined || x.runtime.length > 0 || x.unresolved.length > 0 ? 'u' : String(toU64(x.value)))));
  if (vals.size === 1 && !vals.has('u') && !r.truncated) return { value: BigInt([...vals][0]), ambiguous: false, narrowNegative };
  return { ambiguous: true, narrowNegative };
}
