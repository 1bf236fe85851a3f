// Derivations (for hovers and `eval`): NAME = body = body with values = value, one chain per
// consistent choice of definitions, with the names the body uses and their own derivations.

import { Token } from './scanner';
import { CondAtom, MacroDef, MacroLookup, condText, stripParens, tokensText } from './macros';

export { stripParens } from './macros';
import { CType, TYPEDEFS, TYPE_WORDS } from './builtins';
import { EvalErrorCode, EvalOptions, evaluateTokens, layeredLookup } from './evaluate';

export interface DerivationAlternative {
  /** `MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE = 0xffffffff80000000 + 0x40000000 = 0xffffffffc0000000` as parts. */
  chain: string[];
  value?: bigint;
  u64?: bigint;
  type?: CType;
  error?: string;
  errorCode?: EvalErrorCode;
  conditions: CondAtom[];
  unresolved: string[];
  runtime: string[];
  assumptions: string[];
  def?: MacroDef;
}

export interface Derivation {
  name: string;
  alternatives: DerivationAlternative[];
  /** Names the body refers to, each with its own derivation (bounded depth). */
  deps: Derivation[];
  evalDeps: Map<string, string>;
}

/** How a value prints inside a derivation: small numbers in decimal, others in hex. */
export function stepValue(v: bigint, type?: CType): string {
  if (v < 0n) return v >= -1024n ? v.toString() : '-0x' + (-v).toString(16);
  if (v < 1024n) return v.toString();
  void type;
  return '0x' + v.toString(16);
}

/**
 * Derive the value of an object-like macro or symbol, one alternative per consistent definition
 * choice: the chain `NAME = body = body with each name's value = value`, and the names it uses.
 */
export function deriveName(name: string, opts: EvalOptions = {}, depth = 2): Derivation {
  const dialect = opts.dialect ?? 'c';
  const lookup = layeredLookup(opts, dialect);
  let cands: readonly MacroDef[] | undefined;
  try { cands = lookup(name); } catch { cands = undefined; }
  const res = evaluateTokens([{ kind: 'ident', text: name, start: 0, end: name.length }], opts);
  const alternatives: DerivationAlternative[] = [];
  const depNames: string[] = [];
  for (const alt of res.alternatives) {
    const chain = [name];
    // The definition this alternative used: the one whose conditions it carries.
    const def = cands && cands.length > 0 ? pickDef(cands, alt.conditions) : undefined;
    if (def && def.params === undefined) {
      const body = stripParens(def.bodyText);
      if (body !== name) chain.push(body);
      const { text, names } = substituteValues(def, { ...opts, builtins: false, lookup: restrictTo(lookup, alt.conditions) });
      for (const n of names) if (!depNames.includes(n)) depNames.push(n);
      const sub = stripParens(text);
      if (sub !== body) chain.push(sub);
    }
    const last = alt.value !== undefined ? stepValue(alt.value, alt.type) : undefined;
    if (last !== undefined && chain[chain.length - 1] !== last) chain.push(last);
    alternatives.push({ chain, value: alt.value, u64: alt.u64, type: alt.type, error: alt.error, errorCode: alt.errorCode, conditions: alt.conditions, unresolved: alt.unresolved, runtime: alt.runtime, assumptions: alt.assumptions, def });
  }
  const deps: Derivation[] = [];
  if (depth > 0) {
    for (const n of depNames.slice(0, 12)) deps.push(deriveName(n, opts, depth - 1));
  }
  return { name, alternatives, deps, evalDeps: res.deps };
}


/** A lookup that offers only the candidates consistent with an alternative's conditions. */
function restrictTo(lookup: (name: string) => readonly MacroDef[] | undefined, conds: CondAtom[]): MacroLookup {
  if (conds.length === 0) return lookup;
  const pos = new Map(conds.map((c) => [c.text, c.negated]));
  return (name) => {
    const c = lookup(name);
    if (!c || c.length < 2) return c;
    const ok = c.filter((d) => d.conditions.every((a) => !pos.has(a.text) || pos.get(a.text) === a.negated));
    return ok.length > 0 ? ok : c;
  };
}

function pickDef(cands: readonly MacroDef[], conds: CondAtom[]): MacroDef {
  const set = new Set(conds.map(condText));
  for (const d of cands) if (d.conditions.every((c) => set.has(condText(c)))) return d;
  return cands[0];
}

/** The body with each referenced name (or function-like macro call) replaced by its value. */
export function substituteValues(def: MacroDef, opts: EvalOptions): { text: string; names: string[] } {
  const body = def.body;
  const parts: Token[] = [];
  const names: string[] = [];
  const lookup = layeredLookup(opts, opts.dialect ?? 'c');
  for (let i = 0; i < body.length; i++) {
    const t = body[i];
    if (t.kind !== 'ident' || t.text === 'sizeof' || TYPE_WORDS.has(t.text) || t.text in TYPEDEFS) { parts.push(t); continue; }
    const cands = lookup(t.text);
    const fn = cands && cands.length > 0 && cands[0].params !== undefined;
    let end = i;
    if (fn && body[i + 1]?.text === '(') {
      let level = 0;
      for (end = i + 1; end < body.length; end++) {
        if (body[end].text === '(') level++;
        else if (body[end].text === ')' && --level === 0) break;
      }
      if (end >= body.length) { parts.push(t); continue; }
    } else if (!cands || cands.length === 0) {
      parts.push(t);
      continue;
    }
    const sub = body.slice(i, end + 1);
    const r = evaluateTokens(sub, { ...opts, maxAlternatives: 4 });
    const vals = new Set(r.alternatives.map((a) => (a.value === undefined ? undefined : stepValue(a.value, a.type))));
    if (!fn && !names.includes(t.text)) names.push(t.text);
    if (vals.size === 1 && !vals.has(undefined)) {
      const txt = [...vals][0]!;
      parts.push({ kind: 'number', text: txt, start: t.start, end: body[end].end, ...((t as { line?: number }).line !== undefined ? { line: (t as { line?: number }).line } : {}) } as Token);
    } else {
      for (let j = i; j <= end; j++) parts.push(body[j]);
    }
    i = end;
  }
  return { text: tokensText(parts), names };
}

/** `a = b = c` */
export function chainText(alt: DerivationAlternative): string {
  return alt.chain.join(' = ');
}
