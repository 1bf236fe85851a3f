// A tree's own build-time assertions: the sites of `BUILD_BUG_ON(cond)`, `BUILD_BUG_ON_MSG(cond, msg)`,
// `static_assert(cond[, msg])` and `_Static_assert(cond, msg)` in a C text, the activity of the branch
// each sits in (from the file's preprocessing walk), and the evaluation of a condition with the
// evaluator every other consumer uses. BUILD_BUG_ON fires when its condition is not 0, static_assert
// when it is 0. A condition that is no compile-time constant for the evaluator (a runtime part, the
// size of a structure the sources do not give, a name it cannot resolve, alternatives that disagree) is
// skipped, with why. Pure: no file system, no editor.

import { CondAtom, condText, EvalOptions, evaluateCondition, evaluateTokens, MacroDef, MacroLookup, tokensText } from './evaluate';
import { analyzeSparse, FileAnalysis } from './analysis';
import { deriveName, chainText, stripParens, substituteValues } from './derive';
import { Activity, PreprocessResult } from './records';
import { Token, tokenize } from './scanner';

export type AssertionKind = 'BUILD_BUG_ON' | 'BUILD_BUG_ON_MSG' | 'static_assert' | '_Static_assert';

/** What an assertion's condition must be for the build to pass: zero (BUILD_BUG_ON*) or non-zero (static_assert). */
export function firesWhen(kind: AssertionKind): 'non-zero' | 'zero' {
  return kind === 'BUILD_BUG_ON' || kind === 'BUILD_BUG_ON_MSG' ? 'non-zero' : 'zero';
}

/** One assertion of a text: where it is and what it says. Positions are 0-based, characters UTF-16 code units. */
export interface AssertionSite {
  kind: AssertionKind;
  /** The assertion's name. */
  line: number;
  character: number;
  /** After its closing parenthesis (or the end of what could be read when malformed). */
  endLine: number;
  endCharacter: number;
  /** The condition as written, comments and line continuations removed, blanks collapsed. */
  condition: string;
  /** The message argument as written (a string literal or a name), when there is one. */
  message?: string;
  /** The identifiers of the condition, in order of first use. */
  names: string[];
  /** Why the site cannot be read (unbalanced parentheses, wrong number of arguments). */
  malformed?: string;
}

const KINDS: ReadonlySet<string> = new Set(['BUILD_BUG_ON', 'BUILD_BUG_ON_MSG', 'static_assert', '_Static_assert']);
/** Arguments longer than this are not an assertion anyone wrote (or the text is broken): malformed. */
const MAX_ARGUMENT_CHARS = 16_000;

/** A cheap test before any work: whether a text can hold an assertion site at all. */
export function mayHaveAssertions(text: string): boolean {
  return ASSERTION_WORD.test(text);
}
/** The words of the assertion forms (one search: faster than one `includes` per word). */
export const ASSERTION_WORD = /BUILD_BUG_ON|static_assert/;

/**
 * One pass over a C text: comments, string and character literals and directive lines (continued lines
 * and comments included) are matched to be skipped; an assertion's name is group 1 (not after `.` or `->`).
 */
const SCAN = /\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))|\/\/(?:[^\n\\]|\\[\s\S])*|"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?|^[ \t]*#(?:[^\n\\/"']|\\[\s\S]|\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))|\/|"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?)*|(?<![\w$.])(?<!->)(BUILD_BUG_ON_MSG|BUILD_BUG_ON|static_assert|_Static_assert)(?![\w$])/gm;
/** Inside arguments: a comment or a literal at the position. */
const ARG_SKIP = /\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))|\/\/[^\n]*|"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?/y;

/**
 * The assertion sites of a C text, in order. Comments, strings and character constants are skipped;
 * a name on a preprocessor directive line (`#define MAX_SWAPFILES_CHECK() BUILD_BUG_ON(...)`, the
 * definition of BUILD_BUG_ON itself) is a macro's body, not a site. Never throws: a site whose
 * parentheses do not balance is returned with `malformed` set.
 */
export function findAssertionSites(text: string): AssertionSite[] {
  const out: AssertionSite[] = [];
  if (!mayHaveAssertions(text)) return out;
  const re = new RegExp(SCAN.source, 'gm');
  // line of an offset, counted forward from the last one asked (sites come in order)
  let at = 0, line = 0, lineStart = 0;
  const lineOf = (off: number): void => {
    for (let j = text.indexOf('\n', at); j >= 0 && j < off; j = text.indexOf('\n', j + 1)) { line++; lineStart = j + 1; }
    at = off;
  };
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    if (m[1] === undefined) continue;
    const from = m.index, to = from + m[0].length;
    const r = readSite(text, to, m[1] as AssertionKind);
    if (!r) continue;
    lineOf(from);
    const l0 = line, c0 = from - lineStart;
    // the end, counted from the start without moving the cursor (a malformed site's scan goes on after its name)
    let endLine = l0, endStart = lineStart;
    for (let j = text.indexOf('\n', from); j >= 0 && j < r.end; j = text.indexOf('\n', j + 1)) { endLine++; endStart = j + 1; }
    out.push({ ...r.site, line: l0, character: c0, endLine, endCharacter: r.end - endStart });
    re.lastIndex = r.site.malformed ? to : r.end;
  }
  return out;
}

/**
 * The arguments of the site whose name ends at `to`, up to the matching parenthesis. Undefined when
 * no `(` follows (a use of the name that is no invocation).
 */
function readSite(text: string, to: number, kind: AssertionKind): { site: Omit<AssertionSite, 'line' | 'character' | 'endLine' | 'endCharacter'>; end: number } | undefined {
  const n = text.length;
  const skip = (k: number): number => {
    ARG_SKIP.lastIndex = k;
    const m = ARG_SKIP.exec(text);
    return m && m[0].length ? k + m[0].length : k;
  };
  // blanks, comments and line breaks up to `(`
  let j = to;
  for (;;) {
    const c = text.charCodeAt(j);
    if (c === 32 || c === 9 || c === 13 || c === 10) { j++; continue; }
    if (c === 92 && text.charCodeAt(j + 1) === 10) { j += 2; continue; }
    if (c === 47) { const k = skip(j); if (k !== j) { j = k; continue; } }
    break;
  }
  if (text.charCodeAt(j) !== 40 /* ( */) return undefined;
  const args: string[] = [];
  let argStart = j + 1;
  let piece = '';
  let k = j + 1;
  let closed = false;
  const stack: number[] = [];
  let malformed: string | undefined;
  while (k < n) {
    if (k - j > MAX_ARGUMENT_CHARS) { malformed = `arguments longer than ${MAX_ARGUMENT_CHARS} characters`; break; }
    const c = text.charCodeAt(k);
    if (c === 47 || c === 34 || c === 39) {
      const e = skip(k);
      if (e !== k) {
        if (c === 47) { piece += text.slice(argStart, k) + ' '; argStart = e; }
        k = e;
        continue;
      }
    }
    if (c === 40 || c === 91 || c === 123) { stack.push(c); k++; continue; }
    if (c === 41 || c === 93 || c === 125) {
      if (stack.length === 0) {
        if (c !== 41) { malformed = `unbalanced '${String.fromCharCode(c)}'`; break; }
        args.push(piece + text.slice(argStart, k));
        closed = true;
        k++;
        break;
      }
      const open = stack.pop()!;
      if ((open === 40 && c !== 41) || (open === 91 && c !== 93) || (open === 123 && c !== 125)) { malformed = `unbalanced '${String.fromCharCode(c)}'`; break; }
      k++;
      continue;
    }
    if (c === 44 /* , */ && stack.length === 0) { args.push(piece + text.slice(argStart, k)); piece = ''; argStart = k + 1; k++; continue; }
    // (a `;` belongs inside braces only: a statement expression `({ ...; })`)
    if (c === 59 /* ; */ && !stack.includes(123)) { malformed = "';' before the closing parenthesis"; break; }
    k++;
  }
  if (!closed && !malformed) malformed = 'no closing parenthesis';
  const clean = (x: string) => x.replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim();
  if (!malformed) {
    const want = kind === 'BUILD_BUG_ON' ? [1, 1] : kind === 'static_assert' ? [1, 2] : [2, 2];
    if (args.length < want[0] || args.length > want[1]) malformed = `${kind} takes ${want[0] === want[1] ? want[0] : `${want[0]} or ${want[1]}`} argument${want[1] === 1 ? '' : 's'}, not ${args.length}`;
    else if (clean(args[0]) === '') malformed = 'empty condition';
  }
  // (a malformed site keeps what could be read of its condition: the layout test and the counts read it)
  const condition = args.length ? clean(args[0]) : malformed ? clean(piece + text.slice(argStart, Math.min(k, argStart + 400))) : '';
  return {
    site: {
      kind, condition,
      ...(args.length > 1 ? { message: clean(args[1]) } : {}),
      names: identifiers(condition),
      ...(malformed ? { malformed } : {}),
    },
    end: k,
  };
}

/**
 * The identifiers of each `#define` body of a text, by the name defined (all definitions of a name
 * together; conditions aside): what the layout test looks through. One regular-expression pass.
 */
export function ownDefinitionNames(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)((?:[^\n\\]|\\[\s\S])*)/gm)) {
    const ids = m[2].match(/[A-Za-z_]\w*/g) ?? [];
    const prev = out.get(m[1]);
    out.set(m[1], prev ? prev.concat(ids) : ids);
  }
  return out;
}

function identifiers(cond: string): string[] {
  const seen = new Set<string>();
  for (const t of tokenize(cond, 'c')) if (t.kind === 'ident') seen.add(t.text);
  return [...seen];
}

/** The activity of the branch a line is in, and the atoms in force there (the innermost branch decides). */
export function activityAt(pre: Pick<PreprocessResult, 'branches'>, line: number): { activity: Activity; conditions: CondAtom[] } {
  let best: PreprocessResult['branches'][number] | undefined;
  for (const b of pre.branches) {
    if (b.startLine < line && line < b.endLine && (!best || b.startLine >= best.startLine)) best = b;
  }
  if (!best) return { activity: 'active', conditions: [] };
  return { activity: best.activity, conditions: best.context };
}

export type AssertionStatus = 'fired' | 'held' | 'skipped';

/** Why an assertion was not decided. */
export type SkipReason =
  /** The parentheses or arguments cannot be read. */
  | 'malformed'
  /** Its branch's condition is unknown (no configuration decides it). */
  | 'unknown-branch'
  /** A runtime variable, a function, a member access, a dereference: no compile-time constant here. */
  | 'runtime'
  /** The size or layout of a structure the sources do not give (`sizeof(struct page)`). */
  | 'needs-value'
  /** A name no definition resolves. */
  | 'unresolved'
  /** Definitions under unknown conditions give different answers. */
  | 'alternatives-differ'
  /** Anything else the evaluator cannot read (a syntax it does not know, too much work). */
  | 'not-evaluable';

export interface AssertionOutcome {
  status: AssertionStatus;
  reason?: SkipReason;
  /** For a skip: the evaluator's words (`runtime variable vaddr_end`). */
  detail?: string;
  /** The condition's value (decided assertions). */
  value?: bigint;
  /**
   * The evaluated chain: the condition with each name's value, then each macro name of the condition
   * as `NAME = body = values = value` (decided assertions).
   */
  chain: string[];
  /** Every name the evaluation consulted (the macros the assertion reads, directly or not). */
  reads: string[];
  /** The unknown conditions the decision assumes (none with a complete configuration). */
  assumes: string[];
}

/** Skips in the order they are reported. */
export const SKIP_REASONS: readonly SkipReason[] = ['malformed', 'unknown-branch', 'runtime', 'needs-value', 'unresolved', 'alternatives-differ', 'not-evaluable'];

/** A short phrase per reason, for counts. */
export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  'malformed': 'malformed',
  'unknown-branch': 'branch condition unknown',
  'runtime': 'runtime part',
  'needs-value': 'size of an unknown structure',
  'unresolved': 'unresolved name',
  'alternatives-differ': 'definitions disagree',
  'not-evaluable': 'not evaluable',
};

/** The tokens of a condition (memoised per site: evaluation and chain read them). */
const conditionTokens = new WeakMap<AssertionSite, Token[]>();
function tokensOf(site: AssertionSite): Token[] {
  let t = conditionTokens.get(site);
  if (!t) { t = tokenize(site.condition, 'c'); conditionTokens.set(site, t); }
  return t;
}

/**
 * Evaluate an assertion's condition with the given options (the file's lookup, or a kernel build's).
 * Fired and held need every alternative to have a value and to agree; anything else is a skip with its
 * reason. `chain` is made for fired assertions (and for held ones with `chainFor: 'all'`).
 */
export function evaluateAssertion(site: AssertionSite, opts: EvalOptions, o: { chainFor?: 'fired' | 'all' | 'none' } = {}): AssertionOutcome {
  if (site.malformed) return { status: 'skipped', reason: 'malformed', detail: site.malformed, chain: [], reads: [], assumes: [] };
  const r = evaluateTokens(tokensOf(site), { ...opts, maxSteps: opts.maxSteps ?? 50_000, maxAlternatives: opts.maxAlternatives ?? 8 });
  const reads = [...r.deps.keys()];
  const skip = (reason: SkipReason, detail: string): AssertionOutcome => ({ status: 'skipped', reason, detail, chain: [], reads, assumes: [] });
  const alts = r.alternatives;
  const missing = alts.find((a) => a.value === undefined);
  if (missing) {
    const d = (missing.error ?? 'no value').replace(/^cannot evaluate: /, '');
    switch (missing.errorCode) {
      case 'runtime-variable': case 'not-constant': return skip('runtime', d);
      case 'needs-value': return skip('needs-value', d);
      case 'undefined-name': return /^depends on unknown/.test(d) ? skip('alternatives-differ', d) : skip('unresolved', d);
      default: return skip('not-evaluable', d);
    }
  }
  if (r.truncated) return skip('alternatives-differ', 'more definitions under unknown conditions than are enumerated');
  const fires = (v: bigint) => (firesWhen(site.kind) === 'non-zero' ? v !== 0n : v === 0n);
  const verdicts = new Set(alts.map((a) => fires(a.value!)));
  if (verdicts.size > 1) {
    const conds = [...new Set(alts.flatMap((a) => a.conditions.map(condText)))];
    return skip('alternatives-differ', `fires only if ${alts.filter((a) => fires(a.value!)).map((a) => a.conditions.map(condText).join(' && ') || 'true').join(' or ')} (depends on ${conds.join(', ')})`);
  }
  const status: AssertionStatus = verdicts.has(true) ? 'fired' : 'held';
  const first = alts[0];
  const want = o.chainFor ?? 'fired';
  const chain = want === 'all' || (want === 'fired' && status === 'fired') ? assertionChain(site, opts) : [];
  const assumes = [...new Set(alts.flatMap((a) => a.conditions.map(condText)))];
  return { status, value: first.value, chain, reads, assumes };
}

/**
 * The evaluated chain of an assertion: `MODULES_VADDR < __START_KERNEL_map: 0xffffffffc0000000 <
 * 0xffffffff80000000 = 0`, then each object-like macro of the condition with its derivation.
 */
export function assertionChain(site: AssertionSite, opts: EvalOptions, maxNames = 6): string[] {
  const toks = tokensOf(site);
  const def: MacroDef = { name: '', body: toks, bodyText: tokensText(toks), conditions: [], kind: 'macro', sig: '' };
  const out: string[] = [];
  try {
    const sub = stripParens(substituteValues(def, opts).text);
    const r = evaluateTokens(toks, { ...opts, maxAlternatives: 1 });
    const v = r.alternatives[0]?.value;
    out.push(`${site.condition}${sub !== site.condition ? `: ${sub}` : ''}${v !== undefined ? ` = ${v}` : ''}`);
    let k = 0;
    for (const name of site.names) {
      if (k >= maxNames) break;
      const cands = opts.lookup?.(name);
      if (!cands || cands.length === 0 || cands[0].params !== undefined) continue;
      const d = deriveName(name, opts, 0);
      const a = d.alternatives[0];
      if (a && a.chain.length > 1) { out.push(chainText(a)); k++; }
    }
  } catch {
    // a chain is an explanation: without one the outcome stands
  }
  return out;
}

/** One site with its branch's activity and, when evaluated, its outcome. */
export interface AssertionResult {
  site: AssertionSite;
  activity: Activity;
  /** Atoms of the branch the site is in (unknown ones: the site is skipped unless they are decided). */
  conditions: CondAtom[];
  /** Undefined: in an inactive branch (not evaluated). */
  outcome?: AssertionOutcome;
}

/**
 * Evaluate the sites of an analysed file: a site in an inactive branch is not evaluated; a site in a
 * conditional branch is evaluated when `decide` settles every atom of its branch as true (a false one
 * makes it inactive), and skipped otherwise. `filter` chooses the sites to evaluate (the others are left
 * out of the result).
 */
export function evaluateAssertions(sites: readonly AssertionSite[], pre: Pick<PreprocessResult, 'branches'>, opts: EvalOptions,
  o: { filter?: (s: AssertionSite) => boolean; decide?: (atom: CondAtom) => boolean | undefined; chainFor?: 'fired' | 'all' | 'none' } = {}): AssertionResult[] {
  const out: AssertionResult[] = [];
  for (const site of sites) {
    if (o.filter && !o.filter(site)) continue;
    let { activity, conditions } = activityAt(pre, site.line);
    if (activity === 'conditional') {
      const vals = conditions.map((a) => { const v = o.decide?.(a); return v === undefined ? undefined : v !== a.negated; });
      if (vals.some((v) => v === false)) activity = 'inactive';
      else if (vals.every((v) => v === true)) activity = 'active';
    }
    if (activity === 'inactive') { out.push({ site, activity, conditions }); continue; }
    if (activity === 'conditional') {
      out.push({ site, activity, conditions, outcome: { status: 'skipped', reason: 'unknown-branch', detail: `in a branch that needs ${conditions.map(condText).join(' && ')}`, chain: [], reads: [], assumes: [] } });
      continue;
    }
    let outcome: AssertionOutcome;
    try { outcome = evaluateAssertion(site, opts, { chainFor: o.chainFor }); }
    catch (e) { outcome = { status: 'skipped', reason: 'not-evaluable', detail: (e as Error).message, chain: [], reads: [], assumes: [] }; }
    out.push({ site, activity, conditions, outcome });
  }
  return out;
}

/**
 * The assertions of an analysed file, evaluated with the analysis' own definitions (its table, its
 * includes, its fallback) unless `lookup` is given; a conditional branch is decided with the same
 * definitions (`judgeAtom`) unless `decide` is given. Only C files have sites.
 */
export function assertionsOf(a: Pick<FileAnalysis, 'text' | 'family' | 'pre' | 'mode'>, o: {
  configComplete?: boolean; lookup?: MacroLookup; filter?: (s: AssertionSite) => boolean;
  decide?: (atom: CondAtom) => boolean | undefined; chainFor?: 'fired' | 'all' | 'none'; sites?: readonly AssertionSite[];
} = {}): AssertionResult[] {
  if (a.family !== 'c') return [];
  const sites = o.sites ?? findAssertionSites(a.text);
  if (sites.length === 0) return [];
  const opts: EvalOptions = { dialect: 'c', mode: a.mode, lookup: o.lookup ?? a.pre.lookup, configComplete: o.configComplete };
  const decide = o.decide ?? ((atom: CondAtom) => {
    // (as judgeAtom, but an unlisted CONFIG_ is unknown unless the configuration is complete)
    const expr = /^[A-Za-z_]\w*$/.test(atom.text) ? `defined(${atom.text})` : atom.text;
    return evaluateCondition(tokenize(expr, 'c'), { ...opts, maxSteps: 5000 }).value;
  });
  return evaluateAssertions(sites, a.pre, opts, { filter: o.filter, decide, chainFor: o.chainFor });
}

/** A site as a workspace scan keeps it: its file, and the atoms of the branch it is in (no configuration). */
export interface ScannedAssertion extends AssertionSite {
  file: string;
  /** Unknown atoms of its branch (empty: always active); sites of inactive branches (`#if 0`) are left out. */
  conditions: CondAtom[];
}

/** The sites of a C text for a workspace scan: malformed ones and those of inactive branches left out. */
export function scanAssertionSites(file: string, text: string): ScannedAssertion[] {
  const sites = findAssertionSites(text).filter((x) => !x.malformed);
  if (!sites.length) return [];
  const a = analyzeSparse(text, { file, family: 'c' });
  const out: ScannedAssertion[] = [];
  for (const x of sites) {
    const { activity, conditions } = activityAt(a.pre, x.line);
    if (activity !== 'inactive') out.push({ ...x, file, conditions: activity === 'active' ? [] : conditions });
  }
  return out;
}
