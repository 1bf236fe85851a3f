// C declarations that layout headers compute with: enumerations (`enum fixed_addresses { ... }`, with
// `#if` inside and implicit values) and scalar typedefs (`typedef unsigned int __bitwise flags_t;`).
// The scanner reads a file's text; declarationDefs turns what it found into definitions of kind 'enum'
// and 'typedef' for the evaluator's lookup (macros.ts), with the conditions they depend on. A judge
// decides the conditions it can (a known configuration); the others stay conditions of the definition,
// and an implicit value then has one candidate per possible predecessor. Pure; never throws.

import { Family, Token, familyFor, scanText, tokenize } from './scanner';
import { CondAtom, MacroDef, MacroLookup, condText, macroSig, tokensText } from './macros';

/** One enumerator as written. */
export interface ScannedEnumerator {
  name: string;
  /** 0-based line of the name. */
  line: number;
  /** The value expression after `=`, undefined for an implicit value. */
  value?: Token[];
  /** Conditions of the `#if` groups around it (in the file and inside the enum), outermost first. */
  conditions: CondAtom[];
}

export interface ScannedEnum {
  /** The tag (`fixed_addresses`), undefined for an anonymous enum. */
  name?: string;
  line: number;
  endLine: number;
  enumerators: ScannedEnumerator[];
}

export interface ScannedTypedef {
  name: string;
  line: number;
  /** The type's tokens (`unsigned int __bitwise`; `struct` for a structure). */
  type: Token[];
  conditions: CondAtom[];
}

/** `static const unsigned long long x = 0;` at file scope (gcc folds such constants). */
export interface ScannedConstant {
  name: string;
  line: number;
  type: Token[];
  value: Token[];
  conditions: CondAtom[];
}

/** A variable or function the file declares (`extern bool x;`, `static inline int f(void) {`). */
export interface ScannedExtern {
  name: string;
  line: number;
  function: boolean;
  conditions: CondAtom[];
}

export interface Declarations {
  enums: ScannedEnum[];
  typedefs: ScannedTypedef[];
  constants: ScannedConstant[];
  externs: ScannedExtern[];
}

/** Decides a condition atom: true, false, or undefined (unknown: it stays a condition). */
export type CondJudge = (atom: CondAtom) => boolean | undefined;

interface Frame {
  /** Atoms of the current branch (negations of the earlier branches, then its own). */
  atoms: CondAtom[];
  /** Negations of the branches so far (for #elif/#else). */
  prevNeg: CondAtom[];
  /** An include guard: no condition. */
  guard: boolean;
}

const EMPTY: Declarations = { enums: [], typedefs: [], constants: [], externs: [] };

/** The condition of a directive as an atom, in the form the preprocessing walk records. */
function atomOf(keyword: string, toks: Token[]): CondAtom {
  if (keyword === 'ifdef' || keyword === 'elifdef') return { text: toks[0]?.text ?? '', negated: false };
  if (keyword === 'ifndef' || keyword === 'elifndef') return { text: toks[0]?.text ?? '', negated: true };
  const t = tokensText(toks);
  const m = /^defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?$/.exec(t);
  if (m) return { text: m[1], negated: false };
  const n = /^!\s*defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?$/.exec(t);
  if (n) return { text: n[1], negated: true };
  return { text: t, negated: false };
}

const neg = (a: CondAtom): CondAtom => ({ text: a.text, negated: !a.negated });

const cache = new Map<string, Declarations>();

/**
 * The enumerations and typedefs of a file's text, each with the `#if` conditions around it. Cached by
 * text (a header read again costs a map lookup).
 */
export function scanDeclarations(text: string, family: Family = 'c'): Declarations {
  if (family !== 'c' || !/\b(enum|typedef|extern|static|inline)\b/.test(text)) return EMPTY;
  const hit = cache.get(text);
  if (hit) return hit;
  const out = scan(text);
  if (cache.size > 4000) cache.clear();
  cache.set(text, out);
  return out;
}

function scan(text: string): Declarations {
  const lines = scanText(text, 'c');
  const enums: ScannedEnum[] = [];
  const typedefs: ScannedTypedef[] = [];
  const stack: Frame[] = [];
  let directives = 0;
  let guard: { name: string; frame: Frame } | undefined;
  const atoms = (): CondAtom[] => {
    const out: CondAtom[] = [];
    for (const f of stack) if (!f.guard) out.push(...f.atoms);
    return out;
  };
  // Code tokens with their line and the conditions in force, in order (directives removed).
  type CTok = Token & { line: number; conds: CondAtom[] };
  const code: CTok[] = [];
  let conds: CondAtom[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.directive) {
      const toks = [...l.tokens];
      let j = i;
      while (lines[j].continues && j + 1 < lines.length) { j++; toks.push(...lines[j].tokens); }
      i = j;
      const kw = toks[1]?.text ?? '';
      const rest = toks.slice(2);
      directives++;
      if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
        const a = atomOf(kw, rest);
        const f: Frame = { atoms: [a], prevNeg: [neg(a)], guard: false };
        if (directives === 1 && kw === 'ifndef') guard = { name: a.text, frame: f };
        stack.push(f);
      } else if (kw === 'elif' || kw === 'elifdef' || kw === 'elifndef' || kw === 'else') {
        const f = stack[stack.length - 1];
        if (f) {
          f.guard = false;
          if (kw === 'else') f.atoms = f.prevNeg.slice();
          else { const a = atomOf(kw, rest); f.atoms = [...f.prevNeg, a]; f.prevNeg = [...f.prevNeg, neg(a)]; }
        }
      } else if (kw === 'endif') stack.pop();
      else if (kw === 'define' && directives === 2 && guard && rest[0]?.text === guard.name) {
        guard.frame.guard = true; // `#ifndef X` + `#define X`: an include guard, not a condition
      }
      conds = atoms();
      continue;
    }
    if (l.continuation) continue;
    for (const t of l.tokens) code.push({ ...t, line: i, conds });
  }
  const constants: ScannedConstant[] = [];
  const externs: ScannedExtern[] = [];
  let depth = 0;
  let stmtStart = true;
  for (let k = 0; k < code.length; k++) {
    const t = code[k];
    if (t.text === '{') { depth++; stmtStart = false; continue; }
    if (t.text === '}') { depth = Math.max(0, depth - 1); if (depth === 0) stmtStart = true; continue; }
    if (t.text === ';') { if (depth === 0) stmtStart = true; continue; }
    if (depth === 0 && stmtStart && t.kind === 'ident' && t.text !== 'typedef' && t.text !== 'enum') {
      stmtStart = false;
      const d = fileScopeDeclaration(code, k);
      if (d) {
        if ('value' in d) constants.push(d); else externs.push(d);
      }
    }
    stmtStart = false;
    if (t.kind !== 'ident') continue;
    if (t.text === 'enum') {
      let j = k + 1;
      let name: string | undefined;
      if (code[j]?.kind === 'ident') { name = code[j].text; j++; }
      if (code[j]?.text === ':') { while (j < code.length && code[j].text !== '{' && code[j].text !== ';') j++; } // enum X : type {
      if (code[j]?.text !== '{') continue; // `enum X` as a type
      const e = enumBody(code, j, name);
      if (e) { enums.push(e.decl); k = e.end; }
      continue;
    }
    if (t.text === 'typedef' && depth === 0) {
      const td = typedefAt(code, k);
      if (td) { typedefs.push(td.decl); k = td.end; stmtStart = true; }
    }
  }
  return { enums, typedefs, constants, externs };
}

const SPECIFIERS = new Set(['static', 'extern', 'inline', '__inline', '__inline__', '__always_inline', 'noinline', 'const', 'volatile', '__maybe_unused', '__init', '__initdata', '__read_mostly', '__ro_after_init', 'notrace', '__attribute_const__', '__pure', '__must_check', 'asmlinkage', 'unsigned', 'signed', 'struct', 'union', 'enum']);

/**
 * A file-scope declaration starting at code[k]: a `static const` scalar with its value, or the name of
 * a declared variable or function (`extern T x;`, `T f(args)`). Undefined for anything else.
 */
function fileScopeDeclaration(code: (Token & { line: number; conds: CondAtom[] })[], k: number): ScannedConstant | ScannedExtern | undefined {
  const words: (Token & { line: number; conds: CondAtom[] })[] = [];
  let j = k;
  for (; j < code.length && j < k + 40; j++) {
    const t = code[j];
    if ((t.text === '__attribute__' || t.text === '__aligned' || t.text === '__section') && code[j + 1]?.text === '(') {
      let l = 0;
      for (j = j + 1; j < code.length; j++) { if (code[j].text === '(') l++; else if (code[j].text === ')' && --l === 0) break; }
      continue;
    }
    if (t.kind === 'ident' || t.text === '*') { words.push(t); continue; }
    break;
  }
  const stop = code[j];
  const idents = words.filter((w) => w.kind === 'ident');
  if (!stop || idents.length < 2) return undefined;
  const name = idents[idents.length - 1];
  if (SPECIFIERS.has(name.text) || /^__attribute/.test(name.text)) return undefined;
  const has = (x: string) => idents.some((w) => w.text === x);
  if (stop.text === '(') return { name: name.text, line: name.line, function: true, conditions: name.conds };
  if (stop.text === '=' && has('static') && has('const') && !words.some((w) => w.text === '*')) {
    const value: Token[] = [];
    let l = 0;
    for (let e = j + 1; e < code.length; e++) {
      const x = code[e];
      if (x.text === '(' || x.text === '[' || x.text === '{') l++;
      else if (x.text === ')' || x.text === ']' || x.text === '}') l--;
      else if ((x.text === ';' || x.text === ',') && l === 0) {
        const type = idents.slice(0, -1).filter((w) => !SPECIFIERS.has(w.text) || /^(unsigned|signed)$/.test(w.text));
        if (!type.length || value.length === 0) return undefined;
        const plain = (ts: Token[]) => ts.map((x2) => ({ kind: x2.kind, text: x2.text, start: x2.start, end: x2.end }));
        return { name: name.text, line: name.line, type: plain(type), value: plain(value), conditions: name.conds };
      }
      if (l < 0) return undefined;
      value.push(x);
    }
    return undefined;
  }
  if ((stop.text === ';' || stop.text === '[' || stop.text === ',') && has('extern')) return { name: name.text, line: name.line, function: false, conditions: name.conds };
  return undefined;
}

/** The enumerators of `{ ... }` starting at code[open]. */
function enumBody(code: (Token & { line: number; conds: CondAtom[] })[], open: number, name: string | undefined): { decl: ScannedEnum; end: number } | undefined {
  const out: ScannedEnumerator[] = [];
  let j = open + 1;
  let level = 0;
  let entry: typeof code = [];
  const flush = () => {
    if (entry.length === 0) return;
    const n = entry[0];
    if (n.kind === 'ident') {
      const eq = entry.findIndex((x) => x.text === '=');
      let value: Token[] | undefined;
      if (eq > 0) value = entry.slice(eq + 1).map((x) => ({ kind: x.kind, text: x.text, start: x.start, end: x.end, line: x.line } as Token));
      out.push({ name: n.text, line: n.line, value, conditions: n.conds });
    }
    entry = [];
  };
  for (; j < code.length; j++) {
    const t = code[j];
    if (t.text === '(' || t.text === '[' || t.text === '{') level++;
    else if (t.text === ')' || t.text === ']') level--;
    else if (t.text === '}') {
      if (level === 0) break;
      level--;
    } else if (t.text === ',' && level === 0) { flush(); continue; }
    entry.push(t);
  }
  if (j >= code.length) return undefined;
  flush();
  return { decl: { name, line: code[open].line, endLine: code[j].line, enumerators: out }, end: j };
}

/** `typedef <type> NAME;` at code[k] (scalars and structure names; function and array types are skipped). */
function typedefAt(code: (Token & { line: number; conds: CondAtom[] })[], k: number): { decl: ScannedTypedef; end: number } | undefined {
  const type: Token[] = [];
  let j = k + 1;
  let level = 0;
  let complex = false;
  for (; j < code.length; j++) {
    const t = code[j];
    if (t.text === '{') {
      // typedef struct [tag] { ... } NAME;  -> the type is `struct`
      let l = 0;
      for (; j < code.length; j++) {
        if (code[j].text === '{') l++;
        else if (code[j].text === '}' && --l === 0) break;
      }
      continue;
    }
    if ((t.text === '__attribute__' || t.text === '__attribute') && code[j + 1]?.text === '(') {
      let l = 0;
      for (j = j + 1; j < code.length; j++) {
        if (code[j].text === '(') l++;
        else if (code[j].text === ')' && --l === 0) break;
      }
      continue;
    }
    if (t.text === '(' || t.text === '[') { level++; complex = true; continue; }
    if (t.text === ')' || t.text === ']') { level--; continue; }
    if (level > 0) continue;
    if (t.text === ';') break;
    if (t.text === ',') complex = true;
    type.push(t);
  }
  if (j >= code.length || complex || type.length < 2) return undefined;
  const nameTok = type.pop()!;
  if (nameTok.kind !== 'ident') return undefined;
  const first = type[0];
  const t = first && (first.text === 'struct' || first.text === 'union') ? [first] : type;
  return { decl: { name: nameTok.text, line: code[k].line, type: t.map((x) => ({ kind: x.kind, text: x.text, start: x.start, end: x.end })), conditions: code[k].conds }, end: j };
}

interface State {
  prev?: string;
  conds: CondAtom[];
}

function consistent(conds: CondAtom[]): boolean {
  const seen = new Map<string, boolean>();
  for (const c of conds) {
    const p = seen.get(c.text);
    if (p !== undefined && p !== c.negated) return false;
    seen.set(c.text, c.negated);
  }
  return true;
}

function merge(a: CondAtom[], b: CondAtom[]): CondAtom[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = a.slice();
  const keys = new Set(a.map(condText));
  for (const c of b) if (!keys.has(condText(c))) { keys.add(condText(c)); out.push(c); }
  return out;
}

/** Most predecessor states an enumerator may have (unknown conditions multiply them). */
const MAX_STATES = 32;

export interface DeclarationOptions {
  file?: string;
  /** Decides the conditions it can; undefined for each unknown one (default: none known). */
  judge?: CondJudge;
  /** Conditions under which the whole file is read (from the including context). */
  baseConditions?: CondAtom[];
}

/**
 * Definitions of kind 'enum' (one per enumerator and possible predecessor) and 'typedef' from a
 * file's declarations. An implicit enumerator's body is `PREV + 1` (`0` for the first).
 */
export function declarationDefs(decls: Declarations, opts: DeclarationOptions = {}): Map<string, MacroDef[]> {
  const table = new Map<string, MacroDef[]>();
  const base = opts.baseConditions ?? [];
  const put = (d: MacroDef) => {
    const l = table.get(d.name);
    if (l) l.push(d); else table.set(d.name, [d]);
  };
  /** The atoms still unknown, or null when one is known false. */
  const judged = (atoms: CondAtom[]): CondAtom[] | null => {
    if (!opts.judge) return atoms;
    const keep: CondAtom[] = [];
    for (const a of atoms) {
      let v: boolean | undefined;
      try { v = opts.judge(a); } catch { v = undefined; }
      if (v === false) return null;
      if (v === undefined) keep.push(a);
    }
    return keep;
  };
  for (const e of decls.enums) {
    let states: State[] = [{ conds: [] }];
    for (const en of e.enumerators) {
      const own = judged(en.conditions);
      if (own === null) continue;
      const origin = { file: opts.file, line: en.line };
      const mk = (body: Token[], conds: CondAtom[], prev: string | undefined, implicit: boolean): MacroDef => {
        const conditions = merge(base, conds);
        const bodyText = tokensText(body);
        return {
          name: en.name, body, bodyText, conditions, kind: 'enum', origin,
          enumerator: { prev, implicit, ...(e.name ? { enumName: e.name } : {}) },
          sig: macroSig(en.name, undefined, bodyText, conditions, 'enum'),
        };
      };
      if (en.value) put(mk(en.value, own, undefined, false));
      else {
        for (const s of states) {
          const conds = merge(own, s.conds);
          if (!consistent(conds)) continue;
          put(mk(s.prev === undefined ? tokenize('0') : tokenize(`${s.prev} + 1`), conds, s.prev, true));
        }
      }
      if (own.length === 0) { states = [{ prev: en.name, conds: [] }]; continue; }
      // Present (its own conditions), or absent (one of them false) with the predecessor unchanged.
      const next: State[] = [{ prev: en.name, conds: own }];
      for (const s of states) {
        for (let i = 0; i < own.length; i++) {
          const conds = merge(s.conds, [...own.slice(0, i), neg(own[i])]);
          if (consistent(conds)) next.push({ prev: s.prev, conds });
        }
      }
      states = next.length > MAX_STATES ? next.slice(0, MAX_STATES) : next;
    }
  }
  for (const c of decls.constants) {
    const own = judged(c.conditions);
    if (own === null) continue;
    const conditions = merge(base, own);
    const body = [...tokenize('('), ...c.type, ...tokenize(')('), ...c.value, ...tokenize(')')];
    const bodyText = `(${tokensText(c.type)})(${tokensText(c.value)})`;
    put({ name: c.name, body, bodyText, conditions, kind: 'enum', enumerator: { implicit: false, constant: true }, origin: { file: opts.file, line: c.line }, sig: macroSig(c.name, undefined, bodyText, conditions, 'const') });
  }
  for (const x of decls.externs) {
    const own = judged(x.conditions);
    if (own === null) continue;
    const conditions = merge(base, own);
    put({ name: x.name, body: [], bodyText: x.function ? 'a function' : 'a variable', conditions, kind: 'extern', origin: { file: opts.file, line: x.line }, sig: macroSig(x.name, undefined, x.function ? 'fn' : 'var', conditions, 'extern') });
  }
  for (const t of decls.typedefs) {
    const own = judged(t.conditions);
    if (own === null) continue;
    const conditions = merge(base, own);
    const bodyText = tokensText(t.type);
    put({ name: t.name, body: t.type, bodyText, conditions, kind: 'typedef', origin: { file: opts.file, line: t.line }, sig: macroSig(t.name, undefined, bodyText, conditions, 'typedef') });
  }
  return table;
}

/** Every name a text's declarations give a definition (enumerators, typedefs, constants, variables, functions). */
export function declaredNames(text: string, family: Family = 'c'): string[] {
  const d = scanDeclarations(text, family);
  const out = new Set<string>();
  for (const e of d.enums) for (const x of e.enumerators) out.add(x.name);
  for (const x of d.typedefs) out.add(x.name);
  for (const x of d.constants) out.add(x.name);
  for (const x of d.externs) out.add(x.name);
  return [...out];
}

/** The names of a text's enumerators (for an index of where a name is declared). */
export function enumeratorNames(text: string): string[] {
  return scanDeclarations(text).enums.flatMap((e) => e.enumerators.map((x) => x.name));
}

/** Words no declaration can name (a cast's `unsigned long` is looked up, never declared). */
const C_KEYWORDS = new Set(['auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double', 'else', 'enum', 'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict', 'return', 'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned', 'void', 'volatile', 'while', '_Bool', '_Alignof', '_Static_assert', 'typeof', '__typeof__', '__alignof__', '__signed__', '__inline__', '__volatile__', '__const__', '__restrict__']);

export interface SourceText {
  file: string;
  text: string;
}

/**
 * A lookup with the C declarations of the given sources added to the macros of `lookup` (a name's
 * macro candidates first, then its enumerators and typedefs). `judge` decides the declarations'
 * conditions (e.g. judgeAtom with the configuration).
 */
export function withDeclarations(lookup: MacroLookup, sources: Iterable<SourceText>, judge?: CondJudge, opts: { declares?: (s: SourceText, name: string) => boolean | undefined } = {}): MacroLookup {
  // Made lazily: a name the macros define needs no declaration; for another, only the files whose
  // text contains it are scanned (each once), and every name they declare is indexed then.
  const files = [...sources];
  const scanned = new Set<SourceText>();
  const index = new Map<string, MacroDef[]>();
  const scanFile = (s: SourceText) => {
    scanned.add(s);
    const decls = scanDeclarations(s.text, familyFor(undefined, s.file) ?? 'c');
    if (!decls.enums.length && !decls.typedefs.length && !decls.constants.length && !decls.externs.length) return;
    for (const [k, v] of declarationDefs(decls, { file: s.file, judge })) {
      const l = index.get(k);
      if (l) l.push(...v); else index.set(k, v);
    }
  };
  const searched = new Set<string>();
  const merged = new Map<string, readonly MacroDef[] | undefined>();
  return (name) => {
    const m = lookup(name);
    if (m && m.length > 0 && m.some((d) => d.kind === 'macro' || d.kind === 'symbol')) return m;
    if (merged.has(name)) return merged.get(name);
    if (!searched.has(name) && !C_KEYWORDS.has(name)) {
      searched.add(name);
      // (`declares`: a kept list of the names a file declares, so a file that only mentions the name is not scanned)
      for (const s of files) if (!scanned.has(s) && s.text.includes(name) && opts.declares?.(s, name) !== false) scanFile(s);
    }
    const d = index.get(name);
    const out = d ? (m && m.length ? [...m, ...d] : d) : m;
    merged.set(name, out);
    return out;
  };
}

export interface IncludeSite {
  target: string;
  /** `<...>` rather than `"..."`. */
  system: boolean;
  /** 0-based line. */
  line: number;
  /** Conditions of the `#if` groups around it (an include guard is none). */
  conditions: CondAtom[];
}

/** The `#include` lines of a text with the conditions around each (for which headers a configuration reads). */
export function includeSites(text: string): IncludeSite[] {
  if (!text.includes('include')) return [];
  const lines = scanText(text, 'c');
  const out: IncludeSite[] = [];
  const stack: Frame[] = [];
  let directives = 0;
  let guard: { name: string; frame: Frame } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l.directive) continue;
    const toks = [...l.tokens];
    let j = i;
    while (lines[j].continues && j + 1 < lines.length) { j++; toks.push(...lines[j].tokens); }
    const line = i;
    i = j;
    const kw = toks[1]?.text ?? '';
    const rest = toks.slice(2);
    directives++;
    if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
      const a = atomOf(kw, rest);
      const f: Frame = { atoms: [a], prevNeg: [neg(a)], guard: false };
      if (directives === 1 && kw === 'ifndef') guard = { name: a.text, frame: f };
      stack.push(f);
    } else if (kw === 'elif' || kw === 'elifdef' || kw === 'elifndef' || kw === 'else') {
      const f = stack[stack.length - 1];
      if (f) {
        f.guard = false;
        if (kw === 'else') f.atoms = f.prevNeg.slice();
        else { const a = atomOf(kw, rest); f.atoms = [...f.prevNeg, a]; f.prevNeg = [...f.prevNeg, neg(a)]; }
      }
    } else if (kw === 'endif') stack.pop();
    else if (kw === 'define' && directives === 2 && guard && rest[0]?.text === guard.name) guard.frame.guard = true;
    else if (kw === 'include' && rest.length) {
      const h = rest[0];
      let target: string | undefined;
      let system = false;
      if (h.kind === 'header' || h.text.startsWith('<')) { target = h.text.replace(/^<|>$/g, ''); system = true; }
      else if (h.kind === 'string') target = h.text.slice(1, -1);
      else if (h.text === '<') { const e = rest.findIndex((t) => t.text === '>'); if (e > 0) { target = rest.slice(1, e).map((t) => t.text).join(''); system = true; } }
      if (target) {
        const conditions: CondAtom[] = [];
        for (const f of stack) if (!f.guard) conditions.push(...f.atoms);
        out.push({ target, system, line, conditions });
      }
    }
  }
  return out;
}
