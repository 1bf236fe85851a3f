// C (and GNU as / NASM / ld) constant-expression evaluation with macro expansion, on exact 64-bit values.
//
// Macros are expanded as the C preprocessor does (hide sets, `#`, `##`, variadic arguments), then the
// tokens are parsed into a small AST and evaluated with the dialect's precedence and integer semantics.
// Names with several candidate definitions (from `#ifdef` branches whose condition is unknown) are
// enumerated: each consistent combination is one alternative, with the conditions it depends on.
// Work is bounded (steps, nesting, tokens, alternatives); the public functions never throw.
//
// The definitions (macros.ts), the built-in knowledge (builtins.ts) and the derivations (derive.ts)
// live in modules of their own.

// Compatibility surface: every name this module exported before the split into macros.ts, builtins.ts
// and derive.ts is still exported from here.
export { CondAtom, condText, MacroDef, MacroLookup, tokensText, macroSig, parseDefine, makeSymbol } from './macros';
export { CType, DataModel, LP64, ILP32, RUNTIME_VARIABLES, isRuntimeName, pagingHelpersText, modeConfig, DEFAULT_MODE_ID, builtinMacros } from './builtins';
export { DerivationAlternative, Derivation, stepValue, deriveName, stripParens, chainText } from './derive';

import { parseCharLiteral, parseLiteral, LiteralDialect } from './literals';
import { Family, Token, tokenize } from './scanner';
import { PagingMode } from '../paging';
import { CondAtom, MacroDef, MacroLookup, condText, isDeclaration, stripParens } from './macros';
import { CType, DataModel, DEFAULT_MODE_ID, ILP32, LP64, TYPEDEFS, builtinMacros, defaultMode, isRuntimeName } from './builtins';

// ---------------------------------------------------------------------------------------------
// Integer values

const T = (bits: number, signed: boolean, name: string): CType => ({ bits, signed, name });
/** Assembler and linker values: 64-bit, two's complement. */
const ASM64 = T(64, false, 'assembler value');
const LD64 = T(64, false, 'linker value');

function norm(v: bigint, t: CType): bigint {
  return t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v);
}

/** The 64-bit two's-complement pattern of a typed value (what a 64-bit register would hold). */
export function toU64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

// ---------------------------------------------------------------------------------------------
// Errors and results

export type EvalErrorCode =
  | 'division-by-zero' | 'shift-past-width' | 'negative-shift' | 'undefined-name' | 'runtime-variable'
  | 'recursive-macro' | 'nesting-too-deep' | 'too-many-steps' | 'syntax' | 'unsupported' | 'needs-arguments'
  /** The value needs something the sources do not give: a structure's size, a member's offset. */
  | 'needs-value'
  /** A build-time assertion of the expression failed (`BUILD_BUG_ON_ZERO`, the kernel's `GENMASK` check). */
  | 'assertion-failed'
  /** Valid C that is not a constant expression (a member access, a statement expression with control flow). */
  | 'not-constant';

export class EvalError extends Error {
  constructor(readonly code: EvalErrorCode, readonly detail: string) {
    // Thrown and caught inside the evaluator, thousands of times on a generated header: the message is
    // what is read, and capturing a stack for each cost a tenth of the values' time.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`cannot evaluate: ${detail}`);
    Error.stackTraceLimit = limit;
  }
}

export interface EvalAlternative {
  /** The value (signed values may be negative); undefined when it cannot be evaluated. */
  value?: bigint;
  /** The 64-bit pattern of value (what `eval --json` prints). */
  u64?: bigint;
  type?: CType;
  /** "cannot evaluate: <reason>" */
  error?: string;
  errorCode?: EvalErrorCode;
  /** Names that could not be resolved (undefined names and runtime variables). */
  unresolved: string[];
  /** The subset of unresolved that are runtime variables/functions. */
  runtime: string[];
  /** Unknown conditions this alternative assumes. */
  conditions: CondAtom[];
  /** Facts taken from the active paging mode (e.g. `pgtable_l5_enabled() = 0`). */
  assumptions: string[];
  /** What the value needs that the sources do not give (`the size of struct page (...)`). */
  needs?: string[];
}

export interface EvalResult {
  alternatives: EvalAlternative[];
  /** Names (macros/symbols) consulted, for cache invalidation: name -> candidate signature. */
  deps: Map<string, string>;
  /** More alternatives existed than were enumerated. */
  truncated?: boolean;
}

/** The first alternative: the one `value` reports in the CLI and the headline of a hover. */
export function primary(r: EvalResult): EvalAlternative {
  return r.alternatives[0];
}

// ---------------------------------------------------------------------------------------------
// Expansion

interface XTok {
  kind: Token['kind'] | 'unknown';
  text: string;
  hide?: HideSet;
  /** A painted macro name (recursion). */
  recursive?: boolean;
  /** An identifier made by `##` from this one (`CONFIG_X` ## `UL`): reported instead when undefined. */
  pastedFrom?: string;
}

interface RunCtx {
  steps: number;
  maxSteps: number;
  maxDepth: number;
  maxTokens: number;
  produced: number;
  lookup: (name: string) => readonly MacroDef[] | undefined;
  /** Picks a candidate for a name with several; fixed per run. */
  choose: (name: string, cands: readonly MacroDef[]) => MacroDef;
  conditionMode: boolean;
  unresolved: Set<string>;
  runtime: Set<string>;
  unknownCond: boolean;
  assumptions: Set<string>;
  model: DataModel;
  /** The empty hide set this run interns from. */
  noHide: HideSet;
  dialect: Family;
  mode: PagingMode;
  entrySize: number;
  /** `defined(X)` in #if: true/false/undefined (unknown). */
  isDefined: (name: string) => boolean | undefined;
  /** A configuration is known: an unlisted CONFIG_ name is not set. */
  configComplete: boolean;
  /** `__COUNTER__` */
  counter: number;
  /** Values of the C declarations (enumerators) met in this run, and those being evaluated (made when first needed). */
  declMemo: Map<MacroDef, Val> | undefined;
  declBusy: Set<MacroDef> | undefined;
  /** What a value needs that the sources do not give (`the size of struct page`). */
  needs: Set<string>;
  /** Why a value is not a constant (member access, a statement expression that is not one). */
  notConstant: Set<string>;
}

/** The macros among a name's candidates (C declarations are not expanded). */
function macrosOf(cands: readonly MacroDef[] | undefined): readonly MacroDef[] | undefined {
  if (!cands || cands.length === 0) return cands;
  let decl = false;
  for (const d of cands) if (isDeclaration(d)) { decl = true; break; }
  return decl ? cands.filter((d) => !isDeclaration(d)) : cands;
}

/** The C declarations of a kind among a name's candidates. */
function declarationsOf(cands: readonly MacroDef[] | undefined, kind: 'enum' | 'typedef' | 'extern'): MacroDef[] {
  if (!cands) return [];
  const out: MacroDef[] = [];
  for (const d of cands) if (d.kind === kind) out.push(d);
  return out;
}

/** GCC built-in functions the evaluator knows (for `__has_builtin` and calls). */
const BUILTIN_FUNCTIONS = new Set([
  '__builtin_constant_p', '__builtin_choose_expr', '__builtin_expect', '__builtin_expect_with_probability',
  '__builtin_clz', '__builtin_clzl', '__builtin_clzll', '__builtin_ctz', '__builtin_ctzl', '__builtin_ctzll',
  '__builtin_ffs', '__builtin_ffsl', '__builtin_ffsll', '__builtin_popcount', '__builtin_popcountl', '__builtin_popcountll',
  '__builtin_parity', '__builtin_parityl', '__builtin_parityll', '__builtin_bswap16', '__builtin_bswap32', '__builtin_bswap64',
  '__builtin_types_compatible_p', '__builtin_offsetof',
]);

function step(ctx: RunCtx, n = 1): void {
  ctx.steps += n;
  if (ctx.steps > ctx.maxSteps) throw new EvalError('too-many-steps', `too many steps (more than ${ctx.maxSteps})`);
}

/** The names of every empty hide set (never changed). */
const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * Interned, immutable hide sets: adding a name or uniting two sets is memoised, so the blue paint of
 * long expansions costs no allocation per token. Each evaluation run interns from its own empty set
 * (RunCtx.noHide): the sets, and the names they hold, go when the run ends.
 */
class HideSet {
  /** Made when first needed (most sets never get a child or a union). */
  private children: Map<string, HideSet> | undefined = undefined;
  private unions: Map<HideSet, HideSet> | undefined = undefined;
  private constructor(readonly names: ReadonlySet<string>, private readonly root?: HideSet) {}
  static empty(): HideSet { return new HideSet(NO_NAMES); }
  has(name: string): boolean { return this.names.has(name); }
  with(name: string): HideSet {
    if (this.names.has(name)) return this;
    let c = this.children?.get(name);
    if (!c) { c = new HideSet(new Set([...this.names, name]), this.root ?? this); (this.children ??= new Map()).set(name, c); }
    return c;
  }
  union(o: HideSet | undefined): HideSet {
    if (!o || o === this || o.names.size === 0) return this;
    if (this.names.size === 0) return o;
    let u = this.unions?.get(o);
    if (!u) {
      u = this;
      for (const n of o.names) u = u.with(n);
      (this.unions ??= new Map()).set(o, u);
    }
    return u;
  }
  intersect(o: HideSet | undefined): HideSet {
    const empty = this.root ?? this;
    if (!o) return empty;
    let r = empty;
    for (const n of this.names) if (o.has(n)) r = r.with(n);
    return r;
  }
}

function union(a: HideSet | undefined, b: HideSet): HideSet {
  return a ? a.union(b) : b;
}

function fromToken(t: Token): XTok {
  return { kind: t.kind, text: t.text };
}

/** Reader over a stack of token arrays (rescanning pushes replacement lists in front). */
class Reader {
  private frames: { toks: XTok[]; pos: number }[] = [];
  push(toks: XTok[]): void { if (toks.length) this.frames.push({ toks, pos: 0 }); }
  next(): XTok | undefined {
    while (this.frames.length) {
      const f = this.frames[this.frames.length - 1];
      if (f.pos < f.toks.length) return f.toks[f.pos++];
      this.frames.pop();
    }
    return undefined;
  }
  peek(): XTok | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i];
      if (f.pos < f.toks.length) return f.toks[f.pos];
    }
    return undefined;
  }
}

function expand(input: XTok[], ctx: RunCtx, depth: number): XTok[] {
  if (depth > ctx.maxDepth) throw new EvalError('nesting-too-deep', `nesting too deep (more than ${ctx.maxDepth} levels)`);
  const out: XTok[] = [];
  const r = new Reader();
  r.push(input);
  for (let t = r.next(); t !== undefined; t = r.next()) {
    if (t.kind !== 'ident') { out.push(t); continue; }
    const name = t.text;
    if (ctx.conditionMode && name === 'defined') {
      let operand = r.next();
      let paren = false;
      if (operand?.text === '(') { paren = true; operand = r.next(); }
      if (!operand || operand.kind !== 'ident') throw new EvalError('syntax', 'defined without a name');
      if (paren && r.next()?.text !== ')') throw new EvalError('syntax', 'defined( without )');
      const d = ctx.isDefined(operand.text);
      out.push(d === undefined ? { kind: 'unknown', text: operand.text } : { kind: 'number', text: d ? '1' : '0' });
      continue;
    }
    if (/^IS_(ENABLED|BUILTIN|MODULE|REACHABLE)$/.test(name) && r.peek()?.text === '(') {
      r.next();
      const operand = r.next();
      if (r.next()?.text !== ')' || !operand || operand.kind !== 'ident') throw new EvalError('syntax', `${name} needs one configuration name`);
      // kconfig.h: IS_BUILTIN is `=y`, IS_MODULE `=m` (CONFIG_X_MODULE), IS_ENABLED either, IS_REACHABLE
      // built in, or a module when the code is itself built as one (MODULE defined).
      const y = ctx.isDefined(operand.text);
      // CONFIG_X itself known (=y, or "not set" / =n) and CONFIG_X_MODULE unknown: not a module.
      const mRaw = ctx.isDefined(operand.text + '_MODULE');
      const m = mRaw === undefined && y !== undefined ? false : mRaw;
      const or = (a: boolean | undefined, b: boolean | undefined) => (a === true || b === true ? true : a === false && b === false ? false : undefined);
      const and = (a: boolean | undefined, b: boolean | undefined) => (a === false || b === false ? false : a === true && b === true ? true : undefined);
      let d: boolean | undefined;
      if (name === 'IS_MODULE') d = m;
      else if (name === 'IS_BUILTIN') d = y;
      else if (name === 'IS_ENABLED') d = or(y, m);
      else d = or(y, and(m, ctx.isDefined('MODULE')));
      out.push(d === undefined ? { kind: 'unknown', text: operand.text } : { kind: 'number', text: d ? '1' : '0' });
      continue;
    }
    if (name === '__COUNTER__') { out.push({ kind: 'number', text: String(ctx.counter++) }); continue; }
    if (name === '__has_builtin' && r.peek()?.text === '(') {
      r.next();
      const operand = r.next();
      if (r.next()?.text !== ')' || !operand || operand.kind !== 'ident') throw new EvalError('syntax', '__has_builtin needs one name');
      out.push({ kind: 'number', text: BUILTIN_FUNCTIONS.has(operand.text) ? '1' : '0' });
      continue;
    }
    if (name === '__is_constexpr' && r.peek()?.text === '(' && !ctx.conditionMode) {
      // The kernel's __is_constexpr(x) (a null-pointer-constant trick of sizeof and ?:) is, for the
      // values evaluated here, whether x is a constant: __builtin_constant_p.
      out.push({ ...t, text: '__builtin_constant_p' });
      continue;
    }
    if (t.hide && t.hide.has(name)) {
      out.push({ ...t, recursive: true });
      continue;
    }
    const cands = macrosOf(ctx.lookup(name));
    if (!cands || cands.length === 0) { out.push(t); continue; }
    const def = ctx.choose(name, cands);
    if (def.origin?.note?.startsWith('from the active paging mode')) ctx.assumptions.add(`${name}${def.params ? '()' : ''} = ${def.bodyText} (${def.origin.note.replace(/^from the /, '')})`);
    step(ctx);
    if (def.params === undefined) {
      const hs = (t.hide ?? ctx.noHide).with(name);
      const repl: XTok[] = [];
      if (def.kind === 'symbol') repl.push({ kind: 'punct', text: '(', hide: hs });
      for (const b of def.body) repl.push({ kind: b.kind, text: b.text, hide: hs });
      if (def.kind === 'symbol') repl.push({ kind: 'punct', text: ')', hide: hs });
      ctx.produced += repl.length;
      if (ctx.produced > ctx.maxTokens) throw new EvalError('too-many-steps', 'too many steps (expansion too large)');
      r.push(repl);
      continue;
    }
    // Function-like: needs '(' next.
    if (r.peek()?.text !== '(') { out.push(t); continue; }
    r.next();
    const args: XTok[][] = [[]];
    let level = 0;
    let close: XTok | undefined;
    for (let a = r.next(); a !== undefined; a = r.next()) {
      step(ctx, 0);
      if (a.text === '(') level++;
      else if (a.text === ')') {
        if (level === 0) { close = a; break; }
        level--;
      } else if (a.text === ',' && level === 0 && !(def.variadic && args.length === def.params.length)) {
        args.push([]);
        continue;
      }
      args[args.length - 1].push(a);
    }
    if (!close) throw new EvalError('syntax', `unterminated argument list of ${name}`);
    if (args.length === 1 && args[0].length === 0 && def.params.length === 0) args.pop();
    if (args.length < def.params.length && def.variadic && args.length === def.params.length - 1) args.push([]);
    if (args.length !== def.params.length) {
      throw new EvalError('syntax', `${name} expects ${def.params.length} argument${def.params.length === 1 ? '' : 's'}, got ${args.length}`);
    }
    const hs = (t.hide ?? ctx.noHide).intersect(close.hide).with(name);
    const repl = substitute(def, args, hs, ctx, depth);
    ctx.produced += repl.length;
    if (ctx.produced > ctx.maxTokens) throw new EvalError('too-many-steps', 'too many steps (expansion too large)');
    r.push(repl);
  }
  return out;
}

function substitute(def: MacroDef, args: XTok[][], hs: HideSet, ctx: RunCtx, depth: number): XTok[] {
  const params = def.params!;
  const expanded = new Map<number, XTok[]>();
  const paramIndex = (text: string) => params.indexOf(text);
  const body = def.body;
  const out: XTok[] = [];
  const expandedArg = (k: number) => {
    let e = expanded.get(k);
    if (!e) { e = expand(args[k], ctx, depth + 1); expanded.set(k, e); }
    return e;
  };
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (b.text === '#' && i + 1 < body.length && paramIndex(body[i + 1].text) >= 0) {
      const k = paramIndex(body[i + 1].text);
      out.push({ kind: 'string', text: JSON.stringify(args[k].map((x) => x.text).join(' ')) });
      i++;
      continue;
    }
    if (b.text === '##' && out.length > 0 && i + 1 < body.length) {
      const next = body[i + 1];
      const k = paramIndex(next.text);
      const rhs: XTok[] = k >= 0 ? args[k] : [fromToken(next)];
      i++;
      if (rhs.length === 0) continue;
      const lhs = out.pop()!;
      const pasted = tokenize(lhs.text + rhs[0].text, ctx.dialect === 'c' ? 'c' : 'c');
      for (const p of pasted) out.push({ kind: p.kind, text: p.text, hide: lhs.hide, ...(pasted.length === 1 && p.kind === 'ident' && lhs.kind === 'ident' ? { pastedFrom: lhs.pastedFrom ?? lhs.text } : {}) });
      for (let j = 1; j < rhs.length; j++) out.push(rhs[j]);
      continue;
    }
    const k = b.kind === 'ident' ? paramIndex(b.text) : -1;
    if (k >= 0) {
      if (body[i + 1]?.text === '##') { out.push(...args[k]); continue; }
      out.push(...expandedArg(k));
      continue;
    }
    out.push(fromToken(b));
  }
  return out.map((x) => ({ ...x, hide: union(x.hide, hs) }));
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** A type as written in a cast, `sizeof` or a declaration. */
type TypeRef = CType | 'bool' | 'void' | 'struct' | { unknown: string } | { of: Node };

interface TypeParse {
  t: TypeRef;
  /** As a person reads it: `unsigned long`, `struct page`, `kasan_vmalloc_flags_t`. */
  name: string;
  /** Index of the first token after the type. */
  end: number;
  /** An annotation or qualifier was written (`__force`, `const`): the words are certainly a type. */
  qualified: boolean;
  /** `struct { int:(-!!(e)); }`: the widths of its unnamed bit-fields (undefined when a member is named). */
  bitfields?: { width: Node; text: string; macros: string[] }[];
}

type StmtItem = { decl: string; ty?: TypeParse; init?: Node } | { expr: Node };

type Node =
  | { k: 'num'; v: bigint; t: CType }
  | { k: 'unknown'; name: string }
  | { k: 'name'; name: string; recursive?: boolean; call?: boolean; args?: Node[]; pastedFrom?: string }
  | { k: 'un'; op: string; a: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'cond'; c: Node; a: Node; b: Node }
  | { k: 'cast'; t: TypeRef; a: Node; tname: string }
  | { k: 'sizeof'; ty: TypeParse; align: boolean }
  | { k: 'sizeofExpr'; a: Node; align: boolean }
  | { k: 'type'; ty: TypeParse }
  | { k: 'offsetof'; ty: TypeParse; member: string }
  | { k: 'stmt'; items: StmtItem[] }
  | { k: 'poison'; why: string }
  | { k: 'addr'; op: string; a: Node }
  | { k: 'ldfn'; name: string; args: Node[] };

interface Prec { [op: string]: number }
const PREC: Record<Family, Prec> = {
  c: { ',': 1, '||': 3, '&&': 4, '|': 5, '^': 6, '&': 7, '==': 8, '!=': 8, '<': 9, '<=': 9, '>': 9, '>=': 9, '<<': 10, '>>': 10, '+': 11, '-': 11, '*': 12, '/': 12, '%': 12 },
  ld: { '||': 3, '&&': 4, '|': 5, '^': 6, '&': 7, '==': 8, '!=': 8, '<': 9, '<=': 9, '>': 9, '>=': 9, '<<': 10, '>>': 10, '+': 11, '-': 11, '*': 12, '/': 12, '%': 12 },
  gas: { '||': 3, '&&': 3, '+': 8, '-': 8, '==': 8, '!=': 8, '<>': 8, '<': 8, '<=': 8, '>': 8, '>=': 8, '|': 10, '&': 10, '^': 10, '!': 10, '*': 12, '/': 12, '%': 12, '<<': 12, '>>': 12 },
  nasm: { '||': 3, '^^': 3.5, '&&': 4, '=': 5, '==': 5, '!=': 5, '<>': 5, '<': 5, '<=': 5, '>': 5, '>=': 5, '<=>': 5, '|': 6, '^': 7, '&': 8, '<<': 9, '>>': 9, '<<<': 9, '>>>': 9, '+': 10, '-': 10, '*': 11, '/': 11, '//': 11, '%': 11, '%%': 11 },
};

/** Qualifiers and sparse annotations: part of a type as written, no part of its value. */
const QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict', '__restrict__', '__const', '__volatile__', '__force', '__user', '__iomem', '__kernel', '__percpu', '__rcu', '__bitwise', '__bitwise__', '__private', 'register', 'static', 'extern', '__extension__', 'inline', '__inline', '__inline__']);
/** The words of C's base types. */
const BASE_WORDS = new Set(['unsigned', 'signed', 'int', 'long', 'short', 'char', 'void', 'bool', '_Bool', '__signed__', '__unsigned__', '__int128', '__auto_type']);
const TYPEOF_WORDS = new Set(['typeof', '__typeof__', '__typeof', 'typeof_unqual', '__typeof_unqual__']);
const SIZEOF_WORDS = new Set(['sizeof', '__alignof__', '__alignof', '_Alignof', 'alignof']);

/** Tokens as text (for messages): single spaces between tokens, none inside the usual pairs. */
function xtext(toks: readonly XTok[]): string {
  let s = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i].text;
    const p = i > 0 ? toks[i - 1].text : '';
    const call = t === '(' && i > 0 && toks[i - 1].kind === 'ident';
    if (i > 0 && !(call || p === '(' || t === ')' || t === ',' || p === '!' || p === '~' || (p === '-' && (i < 2 || /^[(,!~-]$/.test(toks[i - 2].text))))) s += ' ';
    s += t;
  }
  return s;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: XTok[], private readonly ctx: RunCtx, private readonly locals: ReadonlySet<string> = new Set()) {}

  parseAll(): Node {
    if (this.toks.length === 0) throw new EvalError('syntax', 'empty expression');
    const n = this.expr(0);
    if (this.i < this.toks.length) throw new EvalError('syntax', `unexpected '${this.toks[this.i].text}'`);
    return n;
  }

  private peek(o = 0): XTok | undefined { return this.toks[this.i + o]; }
  private take(): XTok { return this.toks[this.i++]; }
  private expect(text: string): void {
    const t = this.take();
    if (!t || t.text !== text) throw new EvalError('syntax', `expected '${text}'${t ? ` before '${t.text}'` : ' at the end'}`);
  }

  private enter(): void {
    if (++this.depth > this.ctx.maxDepth) throw new EvalError('nesting-too-deep', `nesting too deep (more than ${this.ctx.maxDepth} levels)`);
    step(this.ctx);
  }

  private expr(minPrec: number): Node {
    this.enter();
    let left = this.unary();
    const prec = PREC[this.ctx.dialect];
    for (;;) {
      const t = this.peek();
      if (!t || t.kind !== 'punct') break;
      if (t.text === '?' && minPrec <= 2) {
        this.take();
        const a = this.expr(1);
        this.expect(':');
        const b = this.expr(2);
        left = { k: 'cond', c: left, a, b };
        continue;
      }
      const p = prec[t.text];
      if (p === undefined || p < minPrec || (t.text === ',' && minPrec > 1)) break;
      this.take();
      const right = this.expr(p + 0.01);
      left = { k: 'bin', op: t.text, a: left, b: right };
    }
    this.depth--;
    return left;
  }

  /** Index of the token closing the bracket at `open` (same nesting), or -1. */
  private matching(open: number): number {
    const o = this.toks[open]?.text;
    const c = o === '(' ? ')' : o === '{' ? '}' : o === '[' ? ']' : undefined;
    if (!c) return -1;
    let level = 0;
    for (let j = open; j < this.toks.length; j++) {
      const x = this.toks[j].text;
      if (x === '(' || x === '{' || x === '[') level++;
      else if (x === ')' || x === '}' || x === ']') { level--; if (level === 0) return x === c ? j : -1; }
    }
    return -1;
  }

  /** A sub-parser over toks[from, to) (the same run, the same locals). */
  private sub(from: number, to: number, locals = this.locals): Parser {
    return new Parser(this.toks.slice(from, to), this.ctx, locals);
  }

  /** A name that is a typedef: scanned from the sources (kind 'typedef') or a built-in kernel type. */
  private isTypedefName(x: string): boolean {
    if (x in TYPEDEFS) return true;
    return declarationsOf(this.ctx.lookup(x), 'typedef').length > 0;
  }

  /** A name known not to be a type: an enumerator, a local of a statement expression, a runtime variable. */
  private isValueName(x: string): boolean {
    if (this.locals.has(x) || isRuntimeName(x)) return true;
    return declarationsOf(this.ctx.lookup(x), 'enum').length > 0;
  }

  /**
   * The type written at token j, if the tokens there are one. In 'decl' context the type stops before the
   * declarator (`typeof(x) __x`); elsewhere a single unknown identifier counts as a type name (the caller
   * decides whether the position makes it one).
   */
  typeAt(j: number, context: 'paren' | 'arg' | 'decl'): TypeParse | undefined {
    const toks = this.toks;
    const start = j;
    const words: string[] = [];
    let ptr = false;
    let qualified = false;
    let named: string | undefined;
    let unknown: string | undefined;
    let of: Node | undefined;
    let ofType: TypeParse | undefined;
    let tag: { kind: string; name?: string } | undefined;
    let bitfields: TypeParse['bitfields'];
    let anonymous = false;
    for (; j < toks.length; j++) {
      const w = toks[j];
      if (w.text === '*') { if (j === start) return undefined; ptr = true; continue; }
      if (w.kind !== 'ident') break;
      const x = w.text;
      if (QUALIFIERS.has(x)) { qualified = true; continue; }
      if ((x === '__attribute__' || x === '__attribute') && toks[j + 1]?.text === '(') {
        const close = this.matching(j + 1);
        if (close < 0) return undefined;
        j = close;
        qualified = true;
        continue;
      }
      if (words.length || named || unknown || of || ofType || tag) {
        // One type per declaration: another identifier is the declarator (or not a type at all).
        if (BASE_WORDS.has(x) && words.length && !ptr) { words.push(x); continue; }
        break;
      }
      if (TYPEOF_WORDS.has(x) && toks[j + 1]?.text === '(') {
        const close = this.matching(j + 1);
        if (close < 0) return undefined;
        const inner = this.typeAt(j + 2, 'arg');
        if (inner && inner.end === close && !('unknown' in (inner.t as object) && typeof inner.t === 'object')) ofType = inner;
        else of = this.sub(j + 2, close).parseAll();
        j = close;
        continue;
      }
      if (x === 'struct' || x === 'union' || x === 'enum') {
        tag = { kind: x };
        if (toks[j + 1]?.kind === 'ident') { tag.name = toks[j + 1].text; j++; }
        if (toks[j + 1]?.text === '{') {
          const close = this.matching(j + 1);
          if (close < 0) return undefined;
          if (x !== 'enum') bitfields = this.members(j + 2, close);
          anonymous = !tag.name;
          j = close;
        } else if (!tag.name) return undefined;
        continue;
      }
      if (BASE_WORDS.has(x)) { words.push(x); continue; }
      if (this.isTypedefName(x)) { named = x; continue; }
      if (context !== 'decl' && (this.isValueName(x) || this.ctx.conditionMode)) return undefined;
      unknown = x;
    }
    if (j === start || (!words.length && !named && !unknown && !of && !ofType && !tag)) return undefined;
    if (context === 'decl' && unknown && !(toks[j]?.kind === 'ident')) return undefined; // `x = 1;`: no type
    let t: TypeRef;
    let name: string;
    if (ptr) { t = { ...this.ctx.model.ulong, name: 'pointer' }; }
    if (tag) {
      name = tag.name ? `${tag.kind} ${tag.name}` : `an anonymous ${tag.kind}`;
      t = ptr ? t! : tag.kind === 'enum' ? { ...this.ctx.model.uint, name } : 'struct';
    } else if (ofType) {
      name = `typeof(${ofType.name})`;
      t = ptr ? t! : ofType.t;
    } else if (of) {
      name = 'typeof(...)';
      t = ptr ? t! : { of };
    } else if (named) {
      name = named;
      t = ptr ? t! : this.namedType(named);
    } else if (unknown) {
      name = unknown;
      t = ptr ? t! : { unknown };
    } else {
      const r = this.resolveType(words);
      if (!r) return undefined;
      name = words.join(' ');
      t = ptr ? t! : r;
    }
    if (ptr) name += ' *';
    return { t, name, end: j, qualified: qualified || !!named || words.length > 0 || !!tag || !!of || !!ofType || ptr, ...(bitfields && anonymous ? { bitfields } : {}) };
  }

  /** The members of a `struct { ... }` body in [from, to): unnamed bit-field widths, or undefined. */
  private members(from: number, to: number): TypeParse['bitfields'] {
    const out: NonNullable<TypeParse['bitfields']> = [];
    let j = from;
    while (j < to) {
      if (this.toks[j].text === ';') { j++; continue; }
      const ty = this.typeAt(j, 'arg');
      if (!ty || this.toks[ty.end]?.text !== ':') return undefined; // a named member, or not a bit-field
      let end = ty.end + 1;
      let level = 0;
      for (; end < to; end++) {
        const x = this.toks[end].text;
        if (x === '(') level++;
        else if (x === ')') level--;
        else if (x === ';' && level === 0) break;
      }
      const width = this.sub(ty.end + 1, end).parseAll();
      const wt = this.toks.slice(ty.end + 1, end);
      const macros = wt.length && wt[0].hide ? [...wt[0].hide.names] : [];
      out.push({ width, text: xtext(wt), macros });
      j = end + 1;
    }
    return out;
  }

  /** A typedef's type: from its scanned definition (its body read as a type) or the built-in table. */
  private namedType(x: string, depth = 0): TypeRef {
    // The kernel's fixed-width and page-table types are built in (exact for every kernel): no lookup,
    // so that a name such as u64, found in nearly every header, sends no search through the sources.
    if (x in TYPEDEFS && TYPEDEFS[x](this.ctx.model, this.ctx.entrySize) !== 'struct') return TYPEDEFS[x](this.ctx.model, this.ctx.entrySize);
    const defs = declarationsOf(this.ctx.lookup(x), 'typedef');
    if (defs.length > 0 && depth < 8) {
      const def = this.ctx.choose('typedef ' + x, defs);
      const body = expand(def.body.map(fromToken), this.ctx, 1);
      const p = new Parser(body, this.ctx);
      const inner = p.typeAt(0, 'arg');
      if (inner && inner.end === body.length) {
        const t = typeof inner.t === 'object' && 'unknown' in inner.t && inner.t.unknown !== x ? p.namedType(inner.t.unknown, depth + 1) : inner.t;
        if (t === 'struct' && x in TYPEDEFS) return TYPEDEFS[x](this.ctx.model, this.ctx.entrySize);
        if (typeof t === 'object' && 'bits' in t) return { ...t, name: x };
        return t;
      }
    }
    if (x in TYPEDEFS) return TYPEDEFS[x](this.ctx.model, this.ctx.entrySize);
    return { unknown: x };
  }

  private resolveType(w: string[]): CType | 'bool' | 'void' | undefined {
    const m = this.ctx.model;
    if (w.length === 1 && (w[0] === 'bool' || w[0] === '_Bool')) return 'bool';
    if (w.length === 1 && w[0] === 'void') return 'void';
    if (w.includes('__auto_type')) return undefined;
    const uns = w.includes('unsigned') || w.includes('__unsigned__');
    const longs = w.filter((x) => x === 'long').length;
    if (w.includes('__int128')) return T(128, !uns, uns ? 'unsigned __int128' : '__int128');
    if (w.includes('char')) return T(8, !uns, uns ? 'unsigned char' : 'char');
    if (w.includes('short')) return T(16, !uns, uns ? 'unsigned short' : 'short');
    if (longs >= 2) return uns ? m.ullong : m.llong;
    if (longs === 1) return uns ? m.ulong : m.long;
    return uns ? m.uint : m.int;
  }

  private unary(): Node {
    this.enter();
    const t = this.peek();
    if (!t) throw new EvalError('syntax', 'unexpected end of expression');
    let n: Node;
    const c = this.ctx.dialect === 'c';
    if (t.kind === 'punct' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
      this.take();
      n = { k: 'un', op: t.text, a: this.unary() };
    } else if (t.kind === 'punct' && (t.text === '&' || t.text === '*') && c) {
      // `&_end`, `*ptr`: an address or a value in memory, never a constant of the preprocessor's kind
      this.take();
      const a = this.unary();
      n = { k: 'addr', op: t.text, a };
    } else if (t.kind === 'ident' && SIZEOF_WORDS.has(t.text) && c) {
      this.take();
      const align = t.text !== 'sizeof';
      if (this.peek()?.text === '(') {
        const ty = this.typeAt(this.i + 1, 'paren');
        if (ty && this.toks[ty.end]?.text === ')' && (ty.qualified || !this.operandFollows(ty.end + 1) || true)) {
          // sizeof(X) with X an unknown identifier: a type (an expression would be an undefined name).
          this.i = ty.end + 1;
          this.depth--;
          return this.postfix({ k: 'sizeof', ty, align });
        }
      }
      n = { k: 'sizeofExpr', a: this.unary(), align };
    } else if (t.text === '(' && t.kind === 'punct' && c && this.peek(1)?.text === '{') {
      n = this.statementExpression();
    } else if (t.text === '(' && t.kind === 'punct') {
      const ty = c ? this.typeAt(this.i + 1, 'paren') : undefined;
      if (ty && this.toks[ty.end]?.text === ')' && this.toks[ty.end + 1]?.text === '{') {
        // `(pgprot_t){ ... }`: a compound literal, a structure value
        const close = this.matching(ty.end + 1);
        if (close < 0) throw new EvalError('syntax', 'unterminated compound literal');
        this.i = close + 1;
        n = { k: 'poison', why: `a compound literal of ${ty.name} (a structure value)` };
      } else if (ty && this.toks[ty.end]?.text === ')' && this.isCast(ty)) {
        this.i = ty.end + 1;
        n = { k: 'cast', t: ty.t, a: this.unary(), tname: ty.name };
      } else {
        this.take();
        n = this.expr(0);
        this.expect(')');
      }
    } else {
      n = this.primary();
    }
    n = this.postfix(n);
    this.depth--;
    return n;
  }

  /** Whether the token at j can start an operand and cannot continue an expression (after `(X)`). */
  private operandFollows(j: number): boolean {
    const x = this.toks[j];
    if (!x) return false;
    if (x.kind === 'number' || x.kind === 'char' || x.kind === 'ident' || x.kind === 'string' || x.kind === 'unknown') return true;
    return x.text === '(' || x.text === '~' || x.text === '!';
  }

  /**
   * `(T)x`: a cast when T is certainly a type (base words, a typedef, a qualifier such as `__force`), or
   * when T is an unknown identifier followed by something only an operand can start with
   * (`(kasan_vmalloc_flags_t)0x01u`); `(X) - 1` with X unknown stays a subtraction.
   */
  private isCast(ty: TypeParse): boolean {
    if (ty.qualified) return this.toks[ty.end + 1] !== undefined;
    return this.operandFollows(ty.end + 1);
  }

  /** `({ decl; ...; expr; })`: the value of its last expression statement. */
  private statementExpression(): Node {
    const open = this.i;
    const close = this.matching(open);
    if (close < 0 || this.toks[close - 1]?.text !== '}') throw new EvalError('syntax', 'unterminated statement expression');
    this.i = close + 1;
    try {
      return { k: 'stmt', items: this.statements(open + 2, close - 1) };
    } catch (e) {
      if (e instanceof EvalError && (e.code === 'syntax' || e.code === 'unsupported')) return { k: 'poison', why: 'a statement expression that is not a constant expression' };
      throw e;
    }
  }

  private statements(from: number, to: number): StmtItem[] {
    const items: StmtItem[] = [];
    const locals = new Set(this.locals);
    let j = from;
    const stmtEnd = (k: number): number => {
      let level = 0;
      for (; k < to; k++) {
        const x = this.toks[k].text;
        if (x === '(' || x === '{' || x === '[') level++;
        else if (x === ')' || x === '}' || x === ']') level--;
        else if (x === ';' && level === 0) return k;
      }
      return to;
    };
    while (j < to) {
      const t = this.toks[j];
      if (t.text === ';') { j++; continue; }
      if (t.text === 'do' && this.toks[j + 1]?.text === '{') {
        // `do { ... } while (0)` (BUILD_BUG_ON and friends): checks, no value.
        const body = this.matching(j + 1);
        if (body < 0 || this.toks[body + 1]?.text !== 'while') throw new EvalError('syntax', 'malformed do statement');
        const cond = this.matching(body + 2);
        if (cond < 0) throw new EvalError('syntax', 'malformed do statement');
        j = cond + 1;
        continue;
      }
      if (t.text === '{') { const e = this.matching(j); if (e < 0) throw new EvalError('syntax', 'unbalanced block'); j = e + 1; continue; }
      if (t.kind === 'ident' && /^(if|for|while|switch|goto|return|asm|__asm__|__asm)$/.test(t.text)) {
        throw new EvalError('unsupported', 'a statement expression with control flow');
      }
      if (t.kind === 'ident' && (t.text === 'extern' || t.text === 'static' || t.text === '_Static_assert' || t.text === 'static_assert' || t.text === 'typedef')) { j = stmtEnd(j) + 1; continue; }
      const ty = this.typeAt(j, 'decl');
      if (ty && this.toks[ty.end]?.kind === 'ident') {
        // declarators: name [= init] {, name [= init]} ;
        let k = ty.end;
        const end = stmtEnd(k);
        while (k < end) {
          const nameTok = this.toks[k];
          if (nameTok.kind !== 'ident') throw new EvalError('syntax', `expected a declarator before '${nameTok.text}'`);
          k++;
          let init: Node | undefined;
          if (this.toks[k]?.text === '=') {
            let e = k + 1;
            let level = 0;
            for (; e < end; e++) {
              const x = this.toks[e].text;
              if (x === '(' || x === '{' || x === '[') level++;
              else if (x === ')' || x === '}' || x === ']') level--;
              else if (x === ',' && level === 0) break;
            }
            init = this.sub(k + 1, e, locals).parseAll();
            k = e;
          }
          items.push({ decl: nameTok.text, ty: typeof ty.t === 'object' && 'bits' in ty.t || ty.t === 'bool' || (typeof ty.t === 'object' && 'of' in ty.t) ? ty : undefined, init });
          locals.add(nameTok.text);
          if (this.toks[k]?.text === ',') k++;
          else if (k < end) throw new EvalError('syntax', `unexpected '${this.toks[k].text}' in a declaration`);
        }
        j = end + 1;
        continue;
      }
      const end = stmtEnd(j);
      items.push({ expr: this.sub(j, end, locals).parseAll() });
      j = end + 1;
    }
    return items;
  }

  private postfix(n: Node): Node {
    for (;;) {
      const t = this.peek();
      if (!t) return n;
      if (t.text === '->' || (t.text === '.' && this.ctx.dialect === 'c')) {
        this.take();
        const f = this.take();
        if (!f || f.kind !== 'ident') throw new EvalError('syntax', `expected a member name after '${t.text}'`);
        n = n.k === 'name' ? n : { k: 'poison', why: 'a member access' };
        continue;
      }
      if (t.text === '[' && this.ctx.dialect === 'c') {
        this.take();
        this.expr(0);
        this.expect(']');
        n = n.k === 'name' ? n : { k: 'poison', why: 'an array access' };
        continue;
      }
      if (t.text === '(' && n.k === 'name') {
        // A call of something that is not a macro: a GCC built-in, a runtime function, an ld built-in.
        if (this.ctx.dialect === 'c' && (n.name === 'offsetof' || n.name === '__builtin_offsetof')) return this.offsetof();
        this.take();
        const args: Node[] = [];
        const typeArgs = n.name === '__builtin_types_compatible_p';
        if (this.peek()?.text !== ')') {
          for (;;) {
            // A type as an argument (`__builtin_types_compatible_p`, or a macro this unit does not
            // define, such as `MIN_T(unsigned int, a, b)`): a type node, never a parse error.
            const ty = this.ctx.dialect === 'c' ? this.typeAt(this.i, 'arg') : undefined;
            const isType = ty && (this.toks[ty.end]?.text === ',' || this.toks[ty.end]?.text === ')') && (typeArgs || !(typeof ty.t === 'object' && 'unknown' in ty.t));
            if (isType) {
              this.i = ty!.end;
              args.push({ k: 'type', ty: ty! });
            } else if (typeArgs) throw new EvalError('syntax', `${n.name} expects two types`);
            else args.push(this.expr(2));
            if (this.peek()?.text === ',') { this.take(); continue; }
            break;
          }
        }
        this.expect(')');
        if (this.ctx.dialect === 'ld') n = { k: 'ldfn', name: n.name, args };
        else n = { ...n, call: true, args };
        continue;
      }
      return n;
    }
  }

  /** `offsetof(struct S, member)` / `__builtin_offsetof(...)`. */
  private offsetof(): Node {
    const open = this.i;
    const close = this.matching(open);
    if (close < 0) throw new EvalError('syntax', 'unterminated offsetof(');
    const ty = this.typeAt(open + 1, 'arg');
    if (!ty || this.toks[ty.end]?.text !== ',') throw new EvalError('syntax', 'offsetof expects a type and a member');
    const member = xtext(this.toks.slice(ty.end + 1, close)).replace(/\s+/g, '');
    this.i = close + 1;
    return { k: 'offsetof', ty, member };
  }

  private primary(): Node {
    const t = this.take();
    if (t.kind === 'number') {
      const lit = parseLiteral(t.text, this.ctx.dialect as LiteralDialect);
      if (!lit) throw new EvalError('syntax', `'${t.text}' is not a valid ${this.ctx.dialect === 'c' ? 'C' : this.ctx.dialect} number`);
      return { k: 'num', v: lit.value, t: this.literalType(lit.value, lit.unsigned, lit.rank, lit.radix) };
    }
    if (t.kind === 'char') {
      const v = this.ctx.dialect === 'gas' ? gasChar(t.text) : parseCharLiteral(t.text);
      if (v === undefined) throw new EvalError('syntax', `bad character constant ${t.text}`);
      return { k: 'num', v, t: this.ctx.dialect === 'c' ? this.ctx.model.int : this.asmType() };
    }
    if (t.kind === 'unknown') return { k: 'unknown', name: t.text };
    if (t.kind === 'ident') return { k: 'name', name: t.text, recursive: t.recursive, pastedFrom: t.pastedFrom };
    if (t.kind === 'string') throw new EvalError('unsupported', 'a string is not an integer');
    throw new EvalError('syntax', `unexpected '${t.text}'`);
  }

  private asmType(): CType {
    return this.ctx.dialect === 'ld' ? LD64 : ASM64;
  }

  /** C11 6.4.4.1: the first type of the list that can represent the value. */
  private literalType(v: bigint, uns: boolean, rank: string, radix: number): CType {
    if (this.ctx.dialect !== 'c') return this.asmType();
    const m = this.ctx.model;
    const decimal = radix === 10;
    const list: CType[] = [];
    if (rank === 'int') list.push(...(uns ? [m.uint] : decimal ? [m.int] : [m.int, m.uint]));
    if (rank === 'int' || rank === 'long') list.push(...(uns ? [m.ulong] : decimal ? [m.long] : [m.long, m.ulong]));
    list.push(...(uns ? [m.ullong] : decimal ? [m.llong] : [m.llong, m.ullong]));
    for (const c of list) {
      const max = c.signed ? (1n << BigInt(c.bits - 1)) - 1n : (1n << BigInt(c.bits)) - 1n;
      if (v <= max) return c;
    }
    if (v < (1n << 64n)) return m.ullong; // GCC: decimal too large for long long is unsigned (with a warning)
    throw new EvalError('unsupported', `literal ${v} does not fit in 64 bits`);
  }
}

function gasChar(text: string): bigint | undefined {
  const s = text.replace(/'$/, '');
  return parseCharLiteral(s + "'");
}

// ---------------------------------------------------------------------------------------------
// Evaluation

type Val = { v: bigint; t: CType } | { poison: true };

/** An enumerator's type: int when the value fits, else the type of its value (GCC). */
function enumType(v: Val, m: DataModel): Val {
  if (isPoison(v)) return v;
  const s = v.t.signed ? v.v : BigInt.asUintN(v.t.bits, v.v);
  if (s >= -(1n << 31n) && s < (1n << 31n)) return { v: BigInt.asIntN(32, s), t: m.int };
  return v;
}

/**
 * The condition of a failed `int:(-!!(e))` check as a person wrote it: `e`, and for the kernel's
 * GENMASK check (`__builtin_choose_expr(__builtin_constant_p(e), e, 0)`) the `e` inside.
 */
function assertionText(width: string): string {
  let t = stripParens(width).replace(/^-\s*!\s*!\s*/, '');
  t = stripParens(t);
  const m = /^__builtin_choose_expr\(__builtin_constant_p\((.*)\), (.*), 0\)$/.exec(t);
  if (m && stripParens(m[1]) === stripParens(m[2])) t = stripParens(m[2]);
  return t;
}

const POISON: Val = { poison: true };
const isPoison = (x: Val): x is { poison: true } => 'poison' in x;

function promote(t: CType, m: DataModel): CType {
  return t.bits < 32 ? m.int : t;
}

function common(a: CType, b: CType, m: DataModel): CType {
  a = promote(a, m);
  b = promote(b, m);
  if (a.signed === b.signed) return a.bits >= b.bits ? a : b;
  const [u, s] = a.signed ? [b, a] : [a, b];
  if (u.bits >= s.bits) return u;
  return s; // the signed type is wider and represents every value of the unsigned one
}

class Evaluator {
  /** Locals of the statement expressions being evaluated, innermost last. */
  private scopes: Map<string, Val>[] = [];
  constructor(private readonly ctx: RunCtx) {}

  eval(n: Node, depth = 0): Val {
    step(this.ctx);
    if (depth > this.ctx.maxDepth) throw new EvalError('nesting-too-deep', `nesting too deep (more than ${this.ctx.maxDepth} levels)`);
    const ctx = this.ctx;
    const m = ctx.model;
    const asm = ctx.dialect !== 'c';
    switch (n.k) {
      case 'num': return { v: norm(n.v, n.t), t: n.t };
      case 'sizeof': return this.sizeOf(n.ty, n.align, depth);
      case 'sizeofExpr': {
        const t = this.typeOf(n.a, depth);
        if (!t) return POISON;
        return { v: BigInt(Math.ceil(t.bits / 8)), t: { ...m.ulong, name: 'size_t' } };
      }
      case 'type': throw new EvalError('syntax', `a type (${n.ty.name}) where a value is expected`);
      case 'offsetof': {
        const key = `offsetof(${n.ty.name}, ${n.member})`;
        const pinned = this.pinned(key, depth);
        if (pinned) return pinned;
        ctx.needs.add(`the offset of ${n.member} in ${n.ty.name} (pin it in pagingLayout.defines as "${key}")`);
        return POISON;
      }
      case 'stmt': return this.statements(n.items, depth);
      case 'poison': ctx.notConstant.add(n.why); return POISON;
      case 'addr': {
        // the address of a symbol is decided by the link (and KASLR), a dereference by memory
        const what = n.a.k === 'name' ? n.a.name : undefined;
        if (what && n.op === '&') { ctx.runtime.add('&' + what); ctx.unresolved.add('&' + what); }
        else ctx.notConstant.add(n.op === '&' ? 'an address' : 'a value read from memory');
        return POISON;
      }
      case 'unknown':
        ctx.unknownCond = true;
        ctx.unresolved.add(n.name);
        return POISON;
      case 'ldfn': return this.ldFunction(n.name, n.args, depth);
      case 'name': {
        const name = n.name;
        if (ctx.conditionMode) {
          if (/^CONFIG_/.test(name) && ctx.isDefined(name) === undefined) { ctx.unknownCond = true; ctx.unresolved.add(name); return POISON; }
          if (n.call) throw new EvalError('syntax', `function-like macro ${name} is not defined`);
          return { v: 0n, t: m.int }; // #if: identifiers that are not macros are 0
        }
        if (name === '.' || name === '$' || name === '$$') {
          ctx.unresolved.add(`${name} (location counter)`);
          return POISON;
        }
        if (!n.call) {
          for (let s = this.scopes.length - 1; s >= 0; s--) {
            const v = this.scopes[s].get(name);
            if (v) return v;
          }
        }
        if (n.call && n.args && !asm && BUILTIN_FUNCTIONS.has(name)) return this.builtin(name, n.args, depth);
        const cands = ctx.lookup(name);
        if (!n.call && !asm) {
          const enums = declarationsOf(cands, 'enum');
          if (enums.length > 0) return this.enumValue(name, enums);
        }
        if (!asm && declarationsOf(cands, 'extern').length > 0) {
          // declared by the sources as a variable or a function: a value of the running kernel
          ctx.runtime.add(name + (n.call ? '()' : ''));
          ctx.unresolved.add(name + (n.call ? '()' : ''));
          return POISON;
        }
        if (isRuntimeName(name)) {
          ctx.runtime.add(name + (n.call ? '()' : ''));
          ctx.unresolved.add(name + (n.call ? '()' : ''));
          return POISON;
        }
        if (n.recursive) throw new EvalError('recursive-macro', `recursive macro ${name}`);
        const macros = macrosOf(cands);
        if (macros && macros.length > 0 && macros[0].params) throw new EvalError('needs-arguments', `function-like macro ${name} used without arguments`);
        ctx.unresolved.add((n.pastedFrom && !isRuntimeName(n.pastedFrom) ? n.pastedFrom : name) + (n.call ? '()' : ''));
        return POISON;
      }
      case 'un': {
        const a = this.eval(n.a, depth + 1);
        if (isPoison(a)) return a;
        if (n.op === '!') {
          const r = a.v === 0n ? 1n : 0n;
          return { v: r, t: asm ? this.asmT() : m.int };
        }
        const t = asm ? a.t : promote(a.t, m);
        if (n.op === '-') return { v: norm(-a.v, t), t };
        if (n.op === '~') return { v: norm(~a.v, t), t };
        return { v: norm(a.v, t), t };
      }
      case 'cast': {
        const a = this.eval(n.a, depth + 1);
        if (isPoison(a)) return a;
        return this.convert(a, n.t, n.tname, depth);
      }
      case 'cond': {
        const c = this.eval(n.c, depth + 1);
        if (isPoison(c)) {
          const a = this.eval(n.a, depth + 1);
          const b = this.eval(n.b, depth + 1);
          if (!isPoison(a) && !isPoison(b) && a.v === b.v) return a;
          return POISON;
        }
        const a = c.v !== 0n ? this.eval(n.a, depth + 1) : undefined;
        const b = c.v === 0n ? this.eval(n.b, depth + 1) : undefined;
        // The result type is the common type of both branches; evaluate the other only for its type.
        const chosen = (a ?? b)!;
        if (isPoison(chosen) || asm) return chosen;
        const other = this.typeOnly(c.v !== 0n ? n.b : n.a);
        const t = other ? common(chosen.t, other, m) : chosen.t;
        return { v: norm(chosen.v, t), t };
      }
      case 'bin': return this.binary(n.op, n.a, n.b, depth);
    }
  }

  /** A value converted to a type (a cast, a declaration's initializer). */
  private convert(a: { v: bigint; t: CType }, t: TypeRef, tname: string, depth: number): Val {
    const m = this.ctx.model;
    if (t === 'bool') return { v: a.v !== 0n ? 1n : 0n, t: m.int };
    if (t === 'void') throw new EvalError('unsupported', 'a (void) expression has no value');
    if (t === 'struct') throw new EvalError('unsupported', `cannot convert to the structure type ${tname}`);
    if ('unknown' in t) {
      this.ctx.assumptions.add(`(${t.unknown}) read as a cast that keeps the value (the type ${t.unknown} is not known here)`);
      return a;
    }
    if ('of' in t) {
      const ot = this.typeOf(t.of, depth);
      if (!ot) return POISON;
      return { v: norm(a.v, ot), t: ot };
    }
    return { v: norm(a.v, t), t: { ...t, name: tname } };
  }

  /** The type of an expression (C types are static; the value is not needed when it has one). */
  private typeOf(n: Node, depth: number): CType | undefined {
    const known = this.typeOnly(n);
    if (known) return known;
    const saved = this.snapshot();
    const v = this.eval(n, depth + 1);
    if (isPoison(v)) return undefined;
    this.restore(saved);
    return v.t;
  }

  private snapshot(): [Set<string>, Set<string>, Set<string>, Set<string>, boolean] {
    const c = this.ctx;
    return [new Set(c.unresolved), new Set(c.runtime), new Set(c.needs), new Set(c.notConstant), c.unknownCond];
  }

  private restore(s: [Set<string>, Set<string>, Set<string>, Set<string>, boolean]): void {
    const c = this.ctx;
    [c.unresolved, c.runtime, c.needs, c.notConstant, c.unknownCond] = s;
  }

  /** A value pinned by the user for something the sources cannot give (`sizeof(struct page)`). */
  private pinned(key: string, depth: number): Val | undefined {
    const defs = macrosOf(this.ctx.lookup(key));
    if (!defs || defs.length === 0) return undefined;
    const def = this.ctx.choose(key, defs);
    return this.evalBody(def, depth);
  }

  /** The value of a definition's body as an expression of its own (enumerators, pinned values). */
  private evalBody(def: MacroDef, depth: number): Val {
    const toks = expand(def.body.map(fromToken), this.ctx, 1);
    const node = new Parser(toks, this.ctx).parseAll();
    return new Evaluator(this.ctx).eval(node, Math.min(depth + 1, this.ctx.maxDepth));
  }

  /** `sizeof(T)` / `__alignof__(T)` per the data model; structures need a pinned value. */
  private sizeOf(ty: TypeParse, align: boolean, depth: number): Val {
    const ctx = this.ctx;
    const m = ctx.model;
    const size = (bytes: number | bigint): Val => ({ v: BigInt(bytes), t: { ...m.ulong, name: 'size_t' } });
    const what = align ? 'the alignment' : 'the size';
    const key = `${align ? '__alignof__' : 'sizeof'}(${ty.name})`;
    const t = ty.t;
    if (t === 'bool' || t === 'void') return size(1);
    if (t === 'struct') {
      if (ty.bitfields) {
        let bits = 0n;
        for (const b of ty.bitfields) {
          const w = this.eval(b.width, depth + 1);
          if (isPoison(w)) return POISON;
          if (w.v < 0n) {
            const where = b.macros.filter((x) => !/^BUILD_BUG_ON/.test(x));
            const cond = assertionText(b.text);
            throw new EvalError('assertion-failed', `build-time assertion failed${where.length ? ` in ${where[0]}` : ''}${b.macros.some((x) => /^BUILD_BUG_ON/.test(x)) ? ` (${b.macros.filter((x) => /^BUILD_BUG_ON/.test(x))[0]})` : ''}: ${cond} is true`);
          }
          bits += w.v;
        }
        return size(align ? 1n : (bits + 7n) / 8n);
      }
      const pinned = this.pinned(key, depth);
      if (pinned) return pinned;
      const builtin = /^(pte_t|pmd_t|pud_t|p4d_t|pgd_t|pgprot_t)$/.test(ty.name) ? ctx.entrySize : undefined;
      if (builtin !== undefined) return size(builtin);
      ctx.needs.add(`${what} of ${ty.name} (pin it in pagingLayout.defines as "${key}")`);
      return POISON;
    }
    if ('unknown' in t) {
      const pinned = this.pinned(key, depth);
      if (pinned) return pinned;
      ctx.needs.add(`${what} of ${t.unknown} (pin it in pagingLayout.defines as "${key}")`);
      return POISON;
    }
    if ('of' in t) {
      const ot = this.typeOf(t.of, depth);
      return ot ? size(ot.bits / 8) : POISON;
    }
    return size(Math.ceil(t.bits / 8));
  }

  /** `({ ... })`: locals in a scope of their own; the value of the last expression statement. */
  private statements(items: StmtItem[], depth: number): Val {
    const scope = new Map<string, Val>();
    this.scopes.push(scope);
    try {
      let last: Val | undefined;
      for (const it of items) {
        if ('decl' in it) {
          if (!it.init) { scope.set(it.decl, POISON); this.ctx.notConstant.add(`the uninitialised local ${it.decl}`); last = undefined; continue; }
          let v = this.eval(it.init, depth + 1);
          if (!isPoison(v) && it.ty) v = this.convert(v, it.ty.t, it.ty.name, depth);
          scope.set(it.decl, v);
          last = undefined;
        } else last = this.eval(it.expr, depth + 1);
      }
      if (!last) throw new EvalError('unsupported', 'a statement expression without a value');
      return last;
    } finally {
      this.scopes.pop();
    }
  }

  /** GCC built-in functions of constant arguments. */
  private builtin(name: string, args: Node[], depth: number): Val {
    const ctx = this.ctx;
    const m = ctx.model;
    const arity = (k: number) => {
      if (args.length !== k) throw new EvalError('syntax', `${name} expects ${k} argument${k === 1 ? '' : 's'}, got ${args.length}`);
    };
    const int = (v: bigint): Val => ({ v, t: m.int });
    if (name === '__builtin_constant_p') {
      arity(1);
      const before = this.snapshot();
      let v: Val;
      try {
        v = this.eval(args[0], depth + 1);
      } catch (e) {
        if (e instanceof EvalError && e.code !== 'too-many-steps' && e.code !== 'nesting-too-deep') { this.restore(before); return int(0n); }
        throw e;
      }
      if (!isPoison(v)) return int(1n);
      const undefinedNames = [...ctx.unresolved].filter((x) => !before[0].has(x) && !ctx.runtime.has(x));
      if (undefinedNames.length > 0 || (ctx.unknownCond && !before[4])) return POISON; // unknown: as unknown as the names
      const runtime = [...ctx.runtime].some((x) => !before[1].has(x)) || [...ctx.notConstant].some((x) => !before[3].has(x));
      this.restore(before);
      // A value that needs only a structure's size is a constant all the same.
      return int(runtime ? 0n : 1n);
    }
    if (name === '__builtin_choose_expr') {
      arity(3);
      const c = this.eval(args[0], depth + 1);
      if (isPoison(c)) return c;
      return this.eval(c.v !== 0n ? args[1] : args[2], depth + 1);
    }
    if (name === '__builtin_expect' || name === '__builtin_expect_with_probability') {
      arity(name === '__builtin_expect' ? 2 : 3);
      return this.eval(args[0], depth + 1);
    }
    if (name === '__builtin_types_compatible_p') {
      arity(2);
      const [a, b] = args.map((x) => (x.k === 'type' ? x.ty : undefined));
      if (!a || !b) throw new EvalError('syntax', `${name} expects two types`);
      const ta = this.concreteType(a, depth), tb = this.concreteType(b, depth);
      if (ta === undefined || tb === undefined) return POISON;
      return int(ta === tb ? 1n : 0n);
    }
    const fam = /^__builtin_(clz|ctz|ffs|popcount|parity|bswap)(l|ll|16|32|64)?$/.exec(name);
    if (fam) {
      arity(1);
      const a = this.eval(args[0], depth + 1);
      if (isPoison(a)) return a;
      const [, op, suf] = fam;
      if (op === 'bswap') {
        const bits = Number(suf);
        let x = BigInt.asUintN(bits, a.v), r = 0n;
        for (let i = 0; i < bits / 8; i++) { r = (r << 8n) | (x & 0xffn); x >>= 8n; }
        return { v: r, t: T(bits, false, `__u${bits}`) };
      }
      const bits = suf === 'll' ? 64 : suf === 'l' ? m.long.bits : 32;
      const x = BigInt.asUintN(bits, a.v);
      if (op === 'ffs') {
        if (x === 0n) return int(0n);
        let k = 0n;
        while (((x >> k) & 1n) === 0n) k++;
        return int(k + 1n);
      }
      if (op === 'popcount' || op === 'parity') {
        let c = 0n;
        for (let y = x; y !== 0n; y >>= 1n) c += y & 1n;
        return int(op === 'parity' ? c & 1n : c);
      }
      if (x === 0n) throw new EvalError('unsupported', `${name}(0) is undefined`);
      let k = 0n;
      if (op === 'clz') { while (((x >> BigInt(bits - 1 - Number(k))) & 1n) === 0n) k++; }
      else { while (((x >> k) & 1n) === 0n) k++; }
      return int(k);
    }
    ctx.unresolved.add(`${name}()`);
    return POISON;
  }

  /** A type as a comparable key (for __builtin_types_compatible_p), or undefined when not known. */
  private concreteType(ty: TypeParse, depth: number): string | undefined {
    const t = ty.t;
    if (typeof t === 'string') return t === 'struct' ? ty.name : t;
    if ('unknown' in t) return undefined;
    if ('of' in t) { const o = this.typeOf(t.of, depth); return o && `${o.bits}:${o.signed}`; }
    return ty.name.endsWith('*') ? 'pointer:' + ty.name : `${t.bits}:${t.signed}`;
  }

  /**
   * An enumerator's value. Implicit ones (`PREV + 1`) are walked back to the last explicit value or
   * a value met before in this run, iteratively: an enum of thousands of members costs no recursion.
   */
  private enumValue(name: string, cands: MacroDef[]): Val {
    const ctx = this.ctx;
    const chain: MacroDef[] = [];
    let cur = name;
    let cs = cands;
    let base: Val;
    for (;;) {
      step(ctx);
      const def = ctx.choose('enum ' + cur, cs);
      const memo = ctx.declMemo?.get(def);
      if (memo) { base = memo; break; }
      if (ctx.declBusy?.has(def) || chain.includes(def)) throw new EvalError('recursive-macro', `enumerator ${cur} depends on itself`);
      const e = def.enumerator;
      if (e?.implicit && e.prev) {
        chain.push(def);
        const p = declarationsOf(ctx.lookup(e.prev), 'enum');
        if (p.length === 0) { ctx.unresolved.add(e.prev); base = POISON; break; }
        cur = e.prev;
        cs = p;
        continue;
      }
      (ctx.declBusy ??= new Set()).add(def);
      try {
        const v = this.evalBody(def, 0);
        base = e?.constant ? v : enumType(v, ctx.model);
      } finally {
        ctx.declBusy!.delete(def);
      }
      (ctx.declMemo ??= new Map()).set(def, base);
      break;
    }
    let v = base;
    for (let i = chain.length - 1; i >= 0; i--) {
      if (!isPoison(v)) v = enumType({ v: norm(v.v + 1n, v.t.bits >= 64 ? v.t : T(64, true, 'long')), t: v.t }, ctx.model);
      (ctx.declMemo ??= new Map()).set(chain[i], v);
    }
    return v;
  }

  private asmT(): CType {
    return this.ctx.dialect === 'ld' ? LD64 : ASM64;
  }

  /**
   * The type of an expression whose value is not needed (the untaken branch of ?:). C types are
   * static: an operand that would fail to evaluate (`1U / 0`, `1U << 40`) still has its type.
   * Undefined when the type is not known (unresolved names, poison).
   */
  private typeOnly(n: Node): CType | undefined {
    const m = this.ctx.model;
    switch (n.k) {
      case 'num': return n.t;
      case 'sizeof': case 'sizeofExpr': case 'offsetof': return { ...m.ulong, name: 'size_t' };
      case 'cast': return n.t === 'bool' ? m.int : typeof n.t === 'object' && 'bits' in n.t ? { ...n.t, name: n.tname } : undefined;
      case 'un': {
        if (n.op === '!') return m.int;
        const a = this.typeOnly(n.a);
        return a && promote(a, m);
      }
      case 'cond': {
        const a = this.typeOnly(n.a), b = this.typeOnly(n.b);
        return a && b ? common(a, b, m) : undefined;
      }
      case 'bin': {
        if (['==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(n.op)) return m.int;
        if (n.op === ',') return this.typeOnly(n.b);
        const a = this.typeOnly(n.a);
        if (n.op === '<<' || n.op === '>>') return a && promote(a, m);
        const b = this.typeOnly(n.b);
        return a && b ? common(a, b, m) : undefined;
      }
      default: return undefined;
    }
  }

  private ldFunction(name: string, args: Node[], depth: number): Val {
    const ctx = this.ctx;
    const vals = () => args.map((a) => this.eval(a, depth + 1));
    switch (name) {
      case 'ALIGN': {
        if (args.length === 1) { ctx.unresolved.add('. (location counter)'); return POISON; }
        const [a, b] = vals();
        if (isPoison(a) || isPoison(b)) return POISON;
        if (b.v === 0n) return a;
        return { v: norm(((a.v + b.v - 1n) / b.v) * b.v, LD64), t: LD64 };
      }
      case 'MAX': case 'MIN': {
        const [a, b] = vals();
        if (!a || !b || isPoison(a) || isPoison(b)) return POISON;
        return (name === 'MAX' ? a.v >= b.v : a.v <= b.v) ? a : b;
      }
      case 'ABSOLUTE': {
        const [a] = vals();
        return a ?? POISON;
      }
      case 'ORIGIN': case 'LENGTH': {
        const region = args[0] && args[0].k === 'name' ? args[0].name : undefined;
        if (!region) return POISON;
        const sym = `${name}(${region})`;
        const cands = ctx.lookup(sym);
        if (!cands || cands.length === 0) { ctx.unresolved.add(sym); return POISON; }
        const def = ctx.choose(sym, cands);
        const toks = expand([{ kind: 'punct', text: '(' }, ...def.body.map(fromToken), { kind: 'punct', text: ')' }], ctx, depth + 1);
        return this.eval(new Parser(toks, ctx).parseAll(), depth + 1);
      }
      default:
        ctx.unresolved.add(`${name}()`);
        return POISON;
    }
  }

  private binary(op: string, an: Node, bn: Node, depth: number): Val {
    const ctx = this.ctx;
    const m = ctx.model;
    const asm = ctx.dialect !== 'c';
    if (op === '&&' || op === '||' || op === '^^') {
      const a = this.eval(an, depth + 1);
      const t = asm ? this.asmT() : m.int;
      if (!isPoison(a) && op === '&&' && a.v === 0n) return { v: 0n, t };
      if (!isPoison(a) && op === '||' && a.v !== 0n) return { v: 1n, t };
      const b = this.eval(bn, depth + 1);
      if (isPoison(a)) {
        if (!isPoison(b) && op === '&&' && b.v === 0n) return { v: 0n, t };
        if (!isPoison(b) && op === '||' && b.v !== 0n) return { v: 1n, t };
        return POISON;
      }
      if (isPoison(b)) return POISON;
      if (op === '^^') return { v: (a.v !== 0n) !== (b.v !== 0n) ? 1n : 0n, t };
      return { v: b.v !== 0n ? 1n : 0n, t };
    }
    if (op === ',') {
      this.eval(an, depth + 1);
      return this.eval(bn, depth + 1);
    }
    const a = this.eval(an, depth + 1);
    const b = this.eval(bn, depth + 1);
    if (isPoison(a) || isPoison(b)) return POISON;
    if (asm) return this.asmBinary(op, a, b);
    if (op === '<<' || op === '>>') {
      const t = promote(a.t, m);
      if (b.v < 0n) throw new EvalError('negative-shift', `negative shift count ${b.v}`);
      if (b.v >= BigInt(t.bits)) throw new EvalError('shift-past-width', `shift past width (${b.v} >= ${t.bits} bits of ${t.name})`);
      const v = op === '<<' ? norm(a.v << b.v, t) : norm(a.v, t) >> b.v;
      return { v, t };
    }
    const t = common(a.t, b.t, m);
    const x = norm(a.v, t);
    const y = norm(b.v, t);
    switch (op) {
      case '+': return { v: norm(x + y, t), t };
      case '-': return { v: norm(x - y, t), t };
      case '*': return { v: norm(x * y, t), t };
      case '/': case '%':
        if (y === 0n) throw new EvalError('division-by-zero', 'division by zero');
        return { v: norm(op === '/' ? x / y : x % y, t), t };
      case '&': return { v: norm(x & y, t), t };
      case '|': return { v: norm(x | y, t), t };
      case '^': return { v: norm(x ^ y, t), t };
      case '==': return { v: x === y ? 1n : 0n, t: m.int };
      case '!=': return { v: x !== y ? 1n : 0n, t: m.int };
      case '<': return { v: x < y ? 1n : 0n, t: m.int };
      case '<=': return { v: x <= y ? 1n : 0n, t: m.int };
      case '>': return { v: x > y ? 1n : 0n, t: m.int };
      case '>=': return { v: x >= y ? 1n : 0n, t: m.int };
    }
    throw new EvalError('syntax', `operator '${op}' is not supported here`);
  }

  /** GNU as, NASM and ld semantics: 64-bit values; comparisons in as yield -1 for true. */
  private asmBinary(op: string, a: { v: bigint; t: CType }, b: { v: bigint; t: CType }): Val {
    const d = this.ctx.dialect;
    const t = this.asmT();
    const s = BigInt.asIntN(64, a.v), u = BigInt.asUintN(64, a.v);
    const sb = BigInt.asIntN(64, b.v), ub = BigInt.asUintN(64, b.v);
    const truth = (c: boolean) => ({ v: c ? (d === 'gas' ? norm(-1n, t) : 1n) : 0n, t });
    const signedCmp = d === 'gas' || d === 'nasm';
    const [x, y] = signedCmp ? [s, sb] : [u, ub];
    const shiftCheck = () => {
      if (sb < 0n) throw new EvalError('negative-shift', `negative shift count ${sb}`);
      if (sb >= 64n) throw new EvalError('shift-past-width', `shift past width (${sb} >= 64 bits)`);
    };
    switch (op) {
      case '+': return { v: norm(u + ub, t), t };
      case '-': return { v: norm(u - ub, t), t };
      case '*': return { v: norm(u * ub, t), t };
      case '/': case '%': case '//': case '%%': {
        if (ub === 0n) throw new EvalError('division-by-zero', 'division by zero');
        const signedDiv = d === 'gas' ? true : d === 'nasm' ? op === '//' || op === '%%' : false;
        const [p, q] = signedDiv ? [s, sb] : [u, ub];
        return { v: norm(op === '/' || op === '//' ? p / q : p % q, t), t };
      }
      case '<<': shiftCheck(); return { v: norm(u << ub, t), t };
      case '<<<': shiftCheck(); return { v: norm(u << ub, t), t };
      case '>>': shiftCheck(); return { v: norm(u >> ub, t), t };
      case '>>>': shiftCheck(); return { v: norm(s >> ub, t), t };
      case '&': return { v: norm(u & ub, t), t };
      case '|': return { v: norm(u | ub, t), t };
      case '^': return { v: norm(u ^ ub, t), t };
      case '!': return { v: norm(u | ~ub, t), t }; // GNU as: OR NOT
      case '==': case '=': return truth(x === y);
      case '!=': case '<>': return truth(x !== y);
      case '<': return truth(x < y);
      case '<=': return truth(x <= y);
      case '>': return truth(x > y);
      case '>=': return truth(x >= y);
      case '<=>': return { v: norm(x < y ? -1n : x > y ? 1n : 0n, t), t };
    }
    throw new EvalError('syntax', `operator '${op}' is not supported here`);
  }
}

// ---------------------------------------------------------------------------------------------
// Public API

export interface EvalOptions {
  /** Expression semantics: C, GNU as, NASM or ld. */
  dialect?: Family;
  /** Active paging mode (helpers, data model, sizeof of page-table types). Default x86_64-4level. */
  mode?: PagingMode;
  /** Candidate definitions of a name (document, includes, index, user defines); builtins are added below. */
  lookup?: MacroLookup;
  /** #if semantics: `defined`, unknown CONFIG_ names, other names are 0. */
  condition?: boolean;
  /** For `defined(X)` of names the lookup does not know: CONFIG_* are unknown unless in this set or known-undefined. */
  maxSteps?: number;
  maxDepth?: number;
  maxAlternatives?: number;
  /** Use builtin macros (idioms, sizes, paging helpers). Default true. */
  builtins?: boolean;
  /**
   * A configuration is known (a kernel's `.config` or `autoconf.h`): a `CONFIG_` name the lookup does
   * not know is not set, as for gcc, in `defined()`, `IS_ENABLED()` and `#if`; and a definition whose
   * recorded conditions the configuration decides false is dropped (true ones are no longer listed).
   */
  configComplete?: boolean;
}

/** The lookup an evaluation uses: the given one, then the built-ins of the mode and family. */
export function layeredLookup(opts: EvalOptions, dialect: Family): (name: string) => readonly MacroDef[] | undefined {
  const user = opts.lookup;
  const builtin = opts.builtins === false ? undefined : builtinMacros(opts.mode, dialect);
  const merged = new Map<string, readonly MacroDef[]>();
  return (name) => {
    const a = user?.(name);
    if (a === undefined) return builtin?.get(name);
    if (a.length > 0 && builtin && a.every(isDeclaration)) {
      // C declarations (an extern variable the mode decides, an enumerator) and a built-in macro
      const b = builtin.get(name);
      if (b && b.length) {
        const hit = merged.get(name);
        if (hit && hit.length === a.length + b.length && hit.every((d, i) => d === (i < a.length ? a[i] : b[i - a.length]))) return hit;
        const out = [...a, ...b];
        merged.set(name, out);
        return out;
      }
      return a;
    }
    if (a.length === 0 || !builtin || a.some((d) => d.conditions.length === 0)) return a;
    // Every definition here is conditional: when none applies, the built-in one does.
    const b = builtin.get(name);
    if (!b || b.length === 0) return a;
    const key = a.map((d) => d.sig).join('\u0001');
    const hit = merged.get(name);
    if (hit && hit.length === a.length + 1 && hit.slice(0, a.length).every((d, i) => d === a[i])) return hit;
    const negs = a.length === 1 && a[0].conditions.length === 1 ? [{ ...a[0].conditions[0], negated: !a[0].conditions[0].negated }] : [];
    const fall = { ...b[0], conditions: negs, sig: b[0].sig + '|' + key };
    const out = [...a, fall];
    merged.set(name, out);
    return out;
  };
}

/**
 * The truth of a recorded condition's text with a configuration known: a bare name is `defined(NAME)`
 * (the walk records `#ifdef X` and `#if defined(X)` as `X`), anything else an `#if` expression.
 */
export function judgeAtom(text: string, opts: EvalOptions): boolean | undefined {
  const expr = /^[A-Za-z_]\w*$/.test(text) ? `defined(${text})` : text;
  return evaluateCondition(tokenize(expr, 'c'), { ...opts, configComplete: true, maxSteps: opts.maxSteps ?? 20_000 }).value;
}

const decisions = new WeakMap<object, Map<string, Map<string, boolean | undefined>>>();

/**
 * With a configuration known: a name's candidates whose recorded conditions the configuration decides.
 * A condition atom (`CONFIG_X86_5LEVEL`, `!CONFIG_KASAN`, `CONFIG_PGTABLE_LEVELS > 4`) is evaluated as
 * an `#if` with unlisted CONFIG_ names not set; candidates with a false atom are dropped, true atoms
 * are removed from the ones kept. Decisions are memoised per lookup (a lookup's content is fixed).
 */
function configuredLookup(base: (name: string) => readonly MacroDef[] | undefined, opts: EvalOptions): (name: string) => readonly MacroDef[] | undefined {
  const key = (opts.lookup ?? base) as object;
  let byMode = decisions.get(key);
  if (!byMode) { byMode = new Map(); decisions.set(key, byMode); }
  const modeKey = `${opts.mode?.id ?? DEFAULT_MODE_ID}|${opts.builtins === false ? 0 : 1}`;
  let m = byMode.get(modeKey);
  if (!m) { m = new Map(); byMode.set(modeKey, m); }
  const busy = new Set<string>();
  const decide = (a: CondAtom): boolean | undefined => {
    let v: boolean | undefined;
    if (m.has(a.text)) v = m.get(a.text);
    else if (busy.has(a.text)) return undefined;
    else {
      busy.add(a.text);
      try {
        v = judgeAtom(a.text, { ...opts, lookup: base, builtins: false });
      } catch {
        v = undefined;
      } finally {
        busy.delete(a.text);
      }
      m.set(a.text, v);
    }
    return v === undefined ? undefined : v !== a.negated;
  };
  const adjusted = new WeakMap<MacroDef, MacroDef | null>();
  return (name) => {
    const c = base(name);
    if (!c || c.length === 0) return c;
    let changed = false;
    const out: MacroDef[] = [];
    for (const d of c) {
      if (d.conditions.length === 0) { out.push(d); continue; }
      let a = adjusted.get(d);
      if (a === undefined) {
        const keep: CondAtom[] = [];
        let dead = false;
        for (const atom of d.conditions) {
          const v = decide(atom);
          if (v === false) { dead = true; break; }
          if (v === undefined) keep.push(atom);
        }
        a = dead ? null : keep.length === d.conditions.length ? d : {
          name: d.name, params: d.params, variadic: d.variadic, body: d.body, bodyText: d.bodyText, conditions: keep,
          kind: d.kind, origin: d.origin, sig: d.sig, ...(d.enumerator ? { enumerator: d.enumerator } : {}),
        };
        adjusted.set(d, a);
      }
      if (a !== d) changed = true;
      if (a) out.push(a);
    }
    return changed ? out : c;
  };
}

function consistent(conds: CondAtom[]): boolean {
  const seen = new Map<string, boolean>();
  for (const c of conds) {
    const prev = seen.get(c.text);
    if (prev !== undefined && prev !== c.negated) return false;
    seen.set(c.text, c.negated);
  }
  return true;
}

function dedupeConds(conds: CondAtom[]): CondAtom[] {
  const out: CondAtom[] = [];
  const keys = new Set<string>();
  for (const c of conds) {
    const k = condText(c);
    if (!keys.has(k)) { keys.add(k); out.push(c); }
  }
  return out;
}

/** Evaluate tokens (an expression, or a macro name) under every consistent choice of candidate definitions. */
export function evaluateTokens(tokens: readonly Token[], opts: EvalOptions = {}): EvalResult {
  const dialect = opts.dialect ?? 'c';
  const mode = opts.mode ?? defaultMode();
  const model = mode.addressBits === 32 ? ILP32 : LP64;
  const layered = layeredLookup(opts, dialect);
  const base = opts.configComplete && !opts.condition ? configuredLookup(layered, opts) : layered;
  // The candidates of every name consulted; their signatures (deps) are made only when asked for.
  const consulted = new Map<string, readonly MacroDef[] | undefined>();
  const lookup = (name: string) => {
    if (!consulted.has(name)) {
      const raw = layered(name);
      consulted.set(name, raw);
      if (base === layered) return raw;
    }
    return base(name);
  };
  const configComplete = !!opts.configComplete;
  const isDefined = (name: string): boolean | undefined => {
    const c = macrosOf(lookup(name));
    if (c === undefined) return /^CONFIG_/.test(name) && !configComplete ? undefined : false;
    if (c.length === 0) return false;
    if (c.some((d) => d.conditions.length === 0)) return true;
    return undefined;
  };
  const maxAlt = opts.maxAlternatives ?? 16;
  const alternatives: EvalAlternative[] = [];
  const queue: Map<string, number>[] = [new Map()];
  let runs = 0;
  let truncated = false;
  const seen = new Set<string>();
  while (queue.length > 0) {
    if (runs >= maxAlt * 2) { truncated = true; break; }
    const assignment = queue.shift()!;
    runs++;
    const encountered: [string, number][] = [];
    const chosenConds: CondAtom[] = [];
    const ctx: RunCtx = {
      noHide: HideSet.empty(), steps: 0, maxSteps: opts.maxSteps ?? 50_000, maxDepth: opts.maxDepth ?? 200, maxTokens: 200_000, produced: 0,
      lookup, conditionMode: !!opts.condition, unresolved: new Set(), runtime: new Set(), unknownCond: false,
      assumptions: new Set(), model, dialect, mode, entrySize: mode.entrySize, isDefined,
      configComplete, counter: 0, declMemo: undefined, declBusy: undefined, needs: new Set(), notConstant: new Set(),
      choose: (name, cands) => {
        let idx = 0;
        if (cands.length > 1) {
          const a = assignment.get(name);
          if (a !== undefined) idx = a;
          else {
            assignment.set(name, 0);
            encountered.push([name, cands.length]);
          }
        }
        const d = cands[Math.min(idx, cands.length - 1)];
        chosenConds.push(...d.conditions);
        return d;
      },
    };
    const alt: EvalAlternative = { unresolved: [], runtime: [], conditions: [], assumptions: [] };
    try {
      const expanded = expand(tokens.map(fromToken), ctx, 0);
      const ast = new Parser(expanded, ctx).parseAll();
      const v = new Evaluator(ctx).eval(ast);
      if (!isPoison(v)) {
        alt.value = v.v;
        alt.u64 = toU64(v.v);
        alt.type = v.t;
      }
    } catch (e) {
      if (e instanceof EvalError) { alt.error = e.message; alt.errorCode = e.code; }
      else if (e instanceof RangeError) { alt.error = 'cannot evaluate: nesting too deep'; alt.errorCode = 'nesting-too-deep'; }
      else { alt.error = `cannot evaluate: ${(e as Error).message}`; alt.errorCode = 'unsupported'; }
    }
    alt.unresolved = [...ctx.unresolved];
    alt.runtime = [...ctx.runtime];
    alt.assumptions = [...ctx.assumptions];
    if (alt.value === undefined && !alt.error) {
      const undef = alt.unresolved.filter((n) => !alt.runtime.includes(n));
      const unset = (n: string) => (configComplete && /^CONFIG_\w+$/.test(n) ? `${n} (not set in the configuration)` : n);
      if (ctx.unknownCond) { alt.error = `cannot evaluate: depends on unknown ${alt.unresolved.join(', ')}`; alt.errorCode = 'undefined-name'; }
      else if (alt.runtime.length > 0) { alt.error = `cannot evaluate: runtime variable ${alt.runtime.join(', ')}`; alt.errorCode = 'runtime-variable'; }
      else if (undef.length > 0) { alt.error = `cannot evaluate: undefined name ${undef.map(unset).join(', ')}`; alt.errorCode = 'undefined-name'; }
      else if (ctx.needs.size > 0) { alt.error = `cannot evaluate: needs ${[...ctx.needs].join('; ')}`; alt.errorCode = 'needs-value'; }
      else if (ctx.notConstant.size > 0) { alt.error = `cannot evaluate: not a constant: ${[...ctx.notConstant].join('; ')}`; alt.errorCode = 'not-constant'; }
      else { alt.error = 'cannot evaluate: not a constant expression'; alt.errorCode = 'not-constant'; }
    }
    if (ctx.needs.size > 0) alt.needs = [...ctx.needs];
    alt.conditions = dedupeConds(chosenConds);
    // Enumerate the other candidates of names first met in this run.
    for (let j = 0; j < encountered.length; j++) {
      const [name, count] = encountered[j];
      for (let c = 1; c < count; c++) {
        const next = new Map(assignment);
        for (let k = j + 1; k < encountered.length; k++) next.delete(encountered[k][0]);
        next.set(name, c);
        queue.push(next);
      }
    }
    if (!consistent(alt.conditions)) continue;
    const key = `${alt.u64 ?? alt.error}|${alt.conditions.map(condText).join('&&')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (alternatives.length >= maxAlt) { truncated = true; break; }
    alternatives.push(alt);
  }
  if (alternatives.length === 0) {
    alternatives.push({ unresolved: [], runtime: [], conditions: [], assumptions: [], error: 'cannot evaluate: no consistent definition', errorCode: 'undefined-name' });
  }
  const r = withDeps({ alternatives } as EvalResult, consulted);
  r.truncated = truncated;
  return r;
}

/** A result whose `deps` are made from the consulted names' candidates when first read. */
function withDeps(r: EvalResult, consulted: Map<string, readonly MacroDef[] | undefined>): EvalResult {
  let deps: Map<string, string> | undefined;
  Object.defineProperty(r, 'deps', {
    get: () => {
      if (!deps) {
        deps = new Map();
        for (const [name, raw] of consulted) deps.set(name, raw === undefined ? '' : raw.length === 0 ? '#undef' : raw.map((d) => d.sig).join('\u0001'));
      }
      return deps;
    },
    set: (v: Map<string, string>) => { deps = v; },
    enumerable: true, configurable: true,
  });
  return r;
}

/** Evaluate an expression given as text. Never throws. */
export function evaluateExpression(text: string, opts: EvalOptions = {}): EvalResult {
  try {
    return evaluateTokens(tokenize(text, opts.dialect ?? 'c'), opts);
  } catch (e) {
    return { alternatives: [{ unresolved: [], runtime: [], conditions: [], assumptions: [], error: `cannot evaluate: ${(e as Error).message}`, errorCode: 'unsupported' }], deps: new Map() };
  }
}

/** Truth of a `#if` expression: true, false or undefined (depends on something unknown). */
export function evaluateCondition(tokens: readonly Token[], opts: EvalOptions = {}): { value: boolean | undefined; unresolved: string[]; error?: string } {
  const r = evaluateTokens(tokens, { ...opts, condition: true, maxAlternatives: 8 });
  const vals = new Set(r.alternatives.map((a) => (a.value === undefined ? 'u' : a.value !== 0n ? 't' : 'f')));
  const unresolved = [...new Set(r.alternatives.flatMap((a) => a.unresolved))];
  const err = r.alternatives.find((a) => a.error && a.errorCode !== 'undefined-name')?.error;
  if (vals.size === 1 && !vals.has('u')) return { value: vals.has('t'), unresolved };
  return { value: undefined, unresolved, error: err };
}

