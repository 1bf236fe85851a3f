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
import { CondAtom, MacroDef, MacroLookup, condText } from './macros';
import { CType, DataModel, ILP32, LP64, TYPEDEFS, TYPE_WORDS, builtinMacros, defaultMode, isRuntimeName } from './builtins';

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
  | 'recursive-macro' | 'nesting-too-deep' | 'too-many-steps' | 'syntax' | 'unsupported' | 'needs-arguments';

export class EvalError extends Error {
  constructor(readonly code: EvalErrorCode, readonly detail: string) {
    super(`cannot evaluate: ${detail}`);
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
}

function step(ctx: RunCtx, n = 1): void {
  ctx.steps += n;
  if (ctx.steps > ctx.maxSteps) throw new EvalError('too-many-steps', `too many steps (more than ${ctx.maxSteps})`);
}

/**
 * Interned, immutable hide sets: adding a name or uniting two sets is memoised, so the blue paint of
 * long expansions costs no allocation per token. Each evaluation run interns from its own empty set
 * (RunCtx.noHide): the sets, and the names they hold, go when the run ends.
 */
class HideSet {
  private readonly children = new Map<string, HideSet>();
  private readonly unions = new Map<HideSet, HideSet>();
  private constructor(readonly names: ReadonlySet<string>, private readonly root?: HideSet) {}
  static empty(): HideSet { return new HideSet(new Set()); }
  has(name: string): boolean { return this.names.has(name); }
  with(name: string): HideSet {
    if (this.names.has(name)) return this;
    let c = this.children.get(name);
    if (!c) { c = new HideSet(new Set([...this.names, name]), this.root ?? this); this.children.set(name, c); }
    return c;
  }
  union(o: HideSet | undefined): HideSet {
    if (!o || o === this || o.names.size === 0) return this;
    if (this.names.size === 0) return o;
    let u = this.unions.get(o);
    if (!u) {
      u = this;
      for (const n of o.names) u = u.with(n);
      this.unions.set(o, u);
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
      const a = ctx.isDefined(operand.text);
      const mod = ctx.isDefined(operand.text + '_MODULE') === true;
      let d: boolean | undefined;
      if (name === 'IS_MODULE') d = mod ? true : a === undefined ? undefined : false;
      else if (name === 'IS_BUILTIN') d = a;
      else d = a === true || mod ? true : a;
      out.push(d === undefined ? { kind: 'unknown', text: operand.text } : { kind: 'number', text: d ? '1' : '0' });
      continue;
    }
    if (t.hide && t.hide.has(name)) {
      out.push({ ...t, recursive: true });
      continue;
    }
    const cands = ctx.lookup(name);
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

type Node =
  | { k: 'num'; v: bigint; t: CType }
  | { k: 'unknown'; name: string }
  | { k: 'name'; name: string; recursive?: boolean; call?: boolean; pastedFrom?: string }
  | { k: 'un'; op: string; a: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'cond'; c: Node; a: Node; b: Node }
  | { k: 'cast'; t: CType | 'bool' | 'void' | 'struct'; a: Node; tname: string }
  | { k: 'sizeof'; bytes: number }
  | { k: 'sizeofExpr'; a: Node }
  | { k: 'poison'; why: string }
  | { k: 'ldfn'; name: string; args: Node[] };

interface Prec { [op: string]: number }
const PREC: Record<Family, Prec> = {
  c: { ',': 1, '||': 3, '&&': 4, '|': 5, '^': 6, '&': 7, '==': 8, '!=': 8, '<': 9, '<=': 9, '>': 9, '>=': 9, '<<': 10, '>>': 10, '+': 11, '-': 11, '*': 12, '/': 12, '%': 12 },
  ld: { '||': 3, '&&': 4, '|': 5, '^': 6, '&': 7, '==': 8, '!=': 8, '<': 9, '<=': 9, '>': 9, '>=': 9, '<<': 10, '>>': 10, '+': 11, '-': 11, '*': 12, '/': 12, '%': 12 },
  gas: { '||': 3, '&&': 3, '+': 8, '-': 8, '==': 8, '!=': 8, '<>': 8, '<': 8, '<=': 8, '>': 8, '>=': 8, '|': 10, '&': 10, '^': 10, '!': 10, '*': 12, '/': 12, '%': 12, '<<': 12, '>>': 12 },
  nasm: { '||': 3, '^^': 3.5, '&&': 4, '=': 5, '==': 5, '!=': 5, '<>': 5, '<': 5, '<=': 5, '>': 5, '>=': 5, '<=>': 5, '|': 6, '^': 7, '&': 8, '<<': 9, '>>': 9, '<<<': 9, '>>>': 9, '+': 10, '-': 10, '*': 11, '/': 11, '//': 11, '%': 11, '%%': 11 },
};

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: XTok[], private readonly ctx: RunCtx) {}

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

  private typeName(): { t: CType | 'bool' | 'void' | 'struct'; name: string; len: number } | undefined {
    // At '(' : is the parenthesised text a type name?
    let j = this.i + 1;
    const words: string[] = [];
    let ptr = false;
    while (j < this.toks.length && this.toks[j].text !== ')') {
      const w = this.toks[j];
      if (w.text === '*') { ptr = true; j++; continue; }
      if (w.kind !== 'ident') return undefined;
      if (!TYPE_WORDS.has(w.text) && !(w.text in TYPEDEFS) && !(words[words.length - 1] === 'struct')) return undefined;
      words.push(w.text);
      j++;
    }
    if (j >= this.toks.length || words.length === 0) return undefined;
    const t = this.resolveType(words, ptr);
    return t ? { t, name: words.filter((w) => !/^(const|volatile|__force|__user|__iomem|__kernel)$/.test(w)).join(' ') + (ptr ? ' *' : ''), len: j - this.i + 1 } : undefined;
  }

  private resolveType(words: string[], ptr: boolean): CType | 'bool' | 'void' | 'struct' | undefined {
    const m = this.ctx.model;
    if (ptr) return { ...m.ulong, name: 'pointer' };
    const w = words.filter((x) => !/^(const|volatile|__force|__user|__iomem|__kernel)$/.test(x));
    if (w.length === 0) return undefined;
    if (w[0] === 'struct') return 'struct';
    if (w.length === 1 && w[0] in TYPEDEFS) return TYPEDEFS[w[0]](m, this.ctx.entrySize);
    if (w.length === 1 && (w[0] === 'bool' || w[0] === '_Bool')) return 'bool';
    if (w.length === 1 && w[0] === 'void') return 'void';
    const uns = w.includes('unsigned') || w.includes('__unsigned__');
    const longs = w.filter((x) => x === 'long').length;
    let t: CType;
    if (w.includes('char')) t = T(8, !uns, uns ? 'unsigned char' : 'char');
    else if (w.includes('short')) t = T(16, !uns, uns ? 'unsigned short' : 'short');
    else if (longs >= 2) t = uns ? m.ullong : m.llong;
    else if (longs === 1) t = uns ? m.ulong : m.long;
    else t = uns ? m.uint : m.int;
    if (w.some((x) => !TYPE_WORDS.has(x))) return undefined;
    return t;
  }

  private typeBytes(t: CType | 'bool' | 'void' | 'struct', words: string): number | undefined {
    if (t === 'bool') return 1;
    if (t === 'void') return 1;
    if (t === 'struct') return /^(pte_t|pmd_t|pud_t|p4d_t|pgd_t|pgprot_t)$/.test(words) ? this.ctx.entrySize : undefined;
    return t.bits / 8;
  }

  private unary(): Node {
    this.enter();
    const t = this.peek();
    if (!t) throw new EvalError('syntax', 'unexpected end of expression');
    let n: Node;
    if (t.kind === 'punct' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
      this.take();
      n = { k: 'un', op: t.text, a: this.unary() };
    } else if (t.kind === 'ident' && t.text === 'sizeof' && this.ctx.dialect === 'c') {
      this.take();
      if (this.peek()?.text === '(') {
        const tn = this.typeName();
        if (tn) {
          this.i += tn.len;
          const bytes = this.typeBytes(tn.t, tn.name);
          n = bytes === undefined ? { k: 'poison', why: `sizeof(${tn.name})` } : { k: 'sizeof', bytes };
          this.depth--;
          return n;
        }
      }
      n = { k: 'sizeofExpr', a: this.unary() };
    } else if (t.text === '(' && t.kind === 'punct') {
      const tn = this.ctx.dialect === 'c' ? this.typeName() : undefined;
      if (tn) {
        this.i += tn.len;
        n = { k: 'cast', t: tn.t, a: this.unary(), tname: tn.name };
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

  private postfix(n: Node): Node {
    for (;;) {
      const t = this.peek();
      if (!t) return n;
      if (t.text === '->' || (t.text === '.' && this.ctx.dialect === 'c')) {
        this.take();
        const f = this.take();
        if (!f || f.kind !== 'ident') throw new EvalError('syntax', `expected a member name after '${t.text}'`);
        n = n.k === 'name' ? n : { k: 'poison', why: 'member access' };
        continue;
      }
      if (t.text === '[' && this.ctx.dialect === 'c') {
        this.take();
        this.expr(0);
        this.expect(']');
        n = n.k === 'name' ? n : { k: 'poison', why: 'array access' };
        continue;
      }
      if (t.text === '(' && n.k === 'name') {
        // A call of something that is not a macro: a runtime function (or an ld built-in).
        this.take();
        const args: Node[] = [];
        if (this.peek()?.text !== ')') {
          for (;;) {
            args.push(this.expr(2));
            if (this.peek()?.text === ',') { this.take(); continue; }
            break;
          }
        }
        this.expect(')');
        if (this.ctx.dialect === 'ld') n = { k: 'ldfn', name: n.name, args };
        else n = { ...n, call: true };
        continue;
      }
      return n;
    }
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
  constructor(private readonly ctx: RunCtx) {}

  eval(n: Node, depth = 0): Val {
    step(this.ctx);
    if (depth > this.ctx.maxDepth) throw new EvalError('nesting-too-deep', `nesting too deep (more than ${this.ctx.maxDepth} levels)`);
    const ctx = this.ctx;
    const m = ctx.model;
    const asm = ctx.dialect !== 'c';
    switch (n.k) {
      case 'num': return { v: norm(n.v, n.t), t: n.t };
      case 'sizeof': return { v: BigInt(n.bytes), t: { ...m.ulong, name: 'size_t' } };
      case 'sizeofExpr': {
        const a = this.eval(n.a, depth + 1);
        if (isPoison(a)) return a;
        return { v: BigInt(a.t.bits / 8), t: { ...m.ulong, name: 'size_t' } };
      }
      case 'poison': return POISON;
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
        if (isRuntimeName(name)) {
          ctx.runtime.add(name + (n.call ? '()' : ''));
          ctx.unresolved.add(name + (n.call ? '()' : ''));
          return POISON;
        }
        if (n.recursive) throw new EvalError('recursive-macro', `recursive macro ${name}`);
        const cands = ctx.lookup(name);
        if (cands && cands.length > 0 && cands[0].params) throw new EvalError('needs-arguments', `function-like macro ${name} used without arguments`);
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
        if (n.t === 'bool') return { v: a.v !== 0n ? 1n : 0n, t: m.int };
        if (n.t === 'void') throw new EvalError('unsupported', 'a (void) expression has no value');
        if (n.t === 'struct') throw new EvalError('unsupported', `cannot convert to the structure type ${n.tname}`);
        return { v: norm(a.v, n.t), t: { ...n.t, name: n.tname } };
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
      case 'sizeof': case 'sizeofExpr': return { ...m.ulong, name: 'size_t' };
      case 'cast': return n.t === 'bool' ? m.int : typeof n.t === 'object' ? { ...n.t, name: n.tname } : undefined;
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
}

/** The lookup an evaluation uses: the given one, then the built-ins of the mode and family. */
export function layeredLookup(opts: EvalOptions, dialect: Family): (name: string) => readonly MacroDef[] | undefined {
  const user = opts.lookup;
  const builtin = opts.builtins === false ? undefined : builtinMacros(opts.mode, dialect);
  const merged = new Map<string, readonly MacroDef[]>();
  return (name) => {
    const a = user?.(name);
    if (a === undefined) return builtin?.get(name);
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
  const base = layeredLookup(opts, dialect);
  const deps = new Map<string, string>();
  const lookup = (name: string) => {
    const c = base(name);
    if (!deps.has(name)) deps.set(name, c === undefined ? '' : c.length === 0 ? '#undef' : c.map((d) => d.sig).join('\u0001'));
    return c;
  };
  const isDefined = (name: string): boolean | undefined => {
    const c = lookup(name);
    if (c === undefined) return /^CONFIG_/.test(name) ? undefined : false;
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
      if (ctx.unknownCond) { alt.error = `cannot evaluate: depends on unknown ${alt.unresolved.join(', ')}`; alt.errorCode = 'undefined-name'; }
      else if (alt.runtime.length > 0) { alt.error = `cannot evaluate: runtime variable ${alt.runtime.join(', ')}`; alt.errorCode = 'runtime-variable'; }
      else { alt.error = `cannot evaluate: undefined name ${alt.unresolved.join(', ')}`; alt.errorCode = 'undefined-name'; }
    }
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
  return { alternatives, deps, truncated };
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

