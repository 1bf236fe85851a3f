// Macro definitions: the record a `#define` (or an assembler/linker symbol) becomes, the conditions it
// depends on, and how one is parsed from tokens. Shared by the preprocessing walk, the workspace index
// and the evaluator.

import { Token } from './scanner';

/** One atom of a condition a definition depends on: `CONFIG_X86_5LEVEL` or `!CONFIG_X86_5LEVEL`. */
export interface CondAtom {
  text: string;
  negated: boolean;
}

export function condText(a: CondAtom): string {
  if (!a.negated) return a.text;
  return /^[A-Za-z_]\w*$/.test(a.text) ? '!' + a.text : `!(${a.text})`;
}

/** What a definition is: a preprocessor macro, an assembler/linker symbol, or a C declaration. */
export type MacroKind = 'macro' | 'symbol' | 'enum' | 'typedef' | 'extern';

/** A C declaration (enumerator, typedef) rather than a macro or symbol. */
export function isDeclaration(d: MacroDef): boolean {
  return d.kind === 'enum' || d.kind === 'typedef' || d.kind === 'extern';
}

export interface MacroDef {
  name: string;
  /** Parameter names of a function-like macro (undefined: object-like). */
  params?: string[];
  /** The variadic parameter's name (`__VA_ARGS__` or a GNU named one). */
  variadic?: string;
  body: Token[];
  /** The body as written, whitespace normalised, comments removed. */
  bodyText: string;
  /** Conditions (unknown at analysis time) under which this definition is active. */
  conditions: CondAtom[];
  /**
   * 'symbol': an assembler/linker symbol (`.set`, `=`, `equ`): its value is atomic (parenthesised).
   * 'enum' and 'typedef' are C declarations, not macros: never expanded, invisible to `#if` and
   * `defined`; an enumerator's body is its value expression (`PREV + 1` when implicit), a typedef's
   * body its type (`unsigned int`). 'extern': a variable or function the sources declare: its value
   * is known at run time only.
   */
  kind: MacroKind;
  /**
   * An enumerator: the one before it (undefined for the first) and whether its value is implicit;
   * `constant`: a `static const` scalar (its body is `(type)(value)`), which gcc folds like one.
   */
  enumerator?: { prev?: string; implicit: boolean; enumName?: string; constant?: boolean };
  origin?: { file?: string; line?: number; builtin?: boolean; note?: string };
  /** Identity of the definition (body, params, conditions) for caches. */
  sig: string;
}

/**
 * Candidate definitions of a name: undefined = unknown here (ask the next source); an empty array =
 * known to be undefined (`#undef`, `-D X=n`): stop looking.
 */
export type MacroLookup = (name: string) => readonly MacroDef[] | undefined;

/** Body text from tokens: single spaces where the source had any whitespace. */
export function tokensText(tokens: readonly Token[]): string {
  let s = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (i > 0) {
      const p = tokens[i - 1];
      if (t.start !== p.end || (t as { line?: number }).line !== (p as { line?: number }).line) s += ' ';
    }
    s += t.text;
  }
  return s;
}

export function macroSig(name: string, params: string[] | undefined, bodyText: string, conditions: CondAtom[], kind: string): string {
  return `${kind}:${name}(${params ? params.join(',') : '-'})=${bodyText}?${conditions.map(condText).join('&&')}`;
}

/**
 * Parse the tokens following `#define` (name, optional parameter list, body).
 * `nameTok` is the macro name token; `afterName` the tokens after it on the logical line.
 */
export function parseDefine(nameTok: Token, afterName: Token[], conditions: CondAtom[] = [], origin?: MacroDef['origin']): MacroDef | undefined {
  if (nameTok.kind !== 'ident') return undefined;
  const name = nameTok.text;
  let params: string[] | undefined;
  let variadic: string | undefined;
  let body = afterName;
  // Function-like only when '(' immediately follows the name (no whitespace).
  if (afterName.length > 0 && afterName[0].text === '(' && afterName[0].start === nameTok.end &&
    (afterName[0] as { line?: number }).line === (nameTok as { line?: number }).line) {
    params = [];
    let i = 1;
    for (; i < afterName.length; i++) {
      const t = afterName[i];
      if (t.text === ')') break;
      if (t.text === ',') continue;
      if (t.text === '...') { variadic = '__VA_ARGS__'; params.push('__VA_ARGS__'); continue; }
      if (t.kind === 'ident') {
        if (afterName[i + 1]?.text === '...') { variadic = t.text; i++; }
        params.push(t.text);
        continue;
      }
      return undefined; // malformed parameter list
    }
    if (i >= afterName.length) return undefined;
    body = afterName.slice(i + 1);
  }
  const bodyText = tokensText(body);
  return { name, params, variadic, body, bodyText, conditions, kind: 'macro', origin, sig: macroSig(name, params, bodyText, conditions, 'macro') };
}

export function makeSymbol(name: string, body: Token[], conditions: CondAtom[] = [], origin?: MacroDef['origin']): MacroDef {
  const bodyText = tokensText(body);
  return { name, body, bodyText, conditions, kind: 'symbol', origin, sig: macroSig(name, undefined, bodyText, conditions, 'symbol') };
}

/** `(a + b)` -> `a + b` when the outer parentheses enclose everything. */
export function stripParens(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')')) {
    let level = 0;
    let enclosing = true;
    for (let i = 0; i < t.length; i++) {
      if (t[i] === '(') level++;
      else if (t[i] === ')') { level--; if (level === 0 && i < t.length - 1) { enclosing = false; break; } }
    }
    if (!enclosing) break;
    t = t.slice(1, -1).trim();
  }
  return t;
}
