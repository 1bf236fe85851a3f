// Preprocessing: directives and symbol assignments of a file, conditional structure, includes, and
// the resulting table of definitions. Conditions are evaluated against the user's defines and the
// active paging mode; an unknown condition keeps both branches, each carrying the condition it needs.

import { CondAtom, condText, evaluateCondition, layeredLookup, makeSymbol, MacroDef, macroSig, parseDefine, tokensText } from './evaluate';
import { Family, familyFor, scanOptionsFor, scanText } from './scanner';
import { PagingMode } from '../paging';
import { Directive, extractDirectives, LazyDefine, LTok } from './directives';
import { lexDocument } from './document';
import { LineIndex, sparseDirectives } from './lines';
import { Activity, BranchRecord, defFor, DefinitionRecord, IncludeRecord, NO_ATOMS, PreprocessResult, resultOf, TableEntry, entryList, withConditional } from './records';

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
  /** The defines are a whole kernel configuration: a `CONFIG_` they do not list is not set (kconfig.ts). */
  configComplete?: boolean;
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
    // (a kernel configuration is a thousand defines, the same for every file of a check: each is parsed once)
    const key = `${name}=${value}`;
    let def = userDefs.get(key);
    if (def === undefined) {
      const lines = scanText(`#define ${name} ${value}`, 'c');
      const toks = lines[0].tokens;
      def = parseDefine(toks[2], toks.slice(3), [], { note: 'user define', builtin: false }) ?? null;
      if (userDefs.size > 20000) userDefs.clear();
      userDefs.set(key, def);
    }
    if (def) table.set(name, [def]);
  }
  return table;
}
const userDefs = new Map<string, MacroDef | null>();

const fileCache = new Map<string, { text: string; family: Family; directives: Directive[] }>();

/** The directives of an included file, from the same line sources as the main file's. */
function fileDirectives(path: string, text: string): Directive[] {
  const c = fileCache.get(path);
  if (c && c.text === text) return c.directives;
  const family = familyFor(undefined, path) ?? 'c';
  const hashImmediate = !!scanOptionsFor(undefined, path).hashImmediate;
  const directives = family === 'c' ? sparseDirectives(text, new LineIndex(text), hashImmediate).directives : lexDocument(undefined, text, family, hashImmediate).directives;
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

/**
 * The `k`-th candidate (from 0) for an include target: the including file's directory (quoted form),
 * then the include dirs; undefined past the last. One path at a time: the walk stops at the first that
 * reads, so the others are never made.
 */
export function includeCandidate(target: string, system: boolean, fromFile: string | undefined, includeDirs: readonly string[], k: number): string | undefined {
  if (target.startsWith('/')) return k === 0 ? target : undefined;
  if (!system && fromFile) { if (k === 0) return joinPath(dirname(fromFile), target); k--; }
  return k < includeDirs.length ? joinPath(includeDirs[k], target) : undefined;
}

/** Every candidate for an include target, in includeCandidate's order. */
export function includeCandidates(target: string, system: boolean, fromFile: string | undefined, includeDirs: string[]): string[] {
  const out: string[] = [];
  for (let k = 0, c; (c = includeCandidate(target, system, fromFile, includeDirs, k)) !== undefined; k++) out.push(c);
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
      const r = evaluateCondition(toks, { lookup: withBuiltins, builtins: false, mode: opts.mode, dialect: dialect === 'nasm' ? 'nasm' : 'c', maxSteps: 20_000, configComplete: opts.configComplete });
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
      if (isMain && f) branches.push({ startLine: f.startLine, endLine, activity: f.dead ? 'inactive' : f.activity, conditions: f.atoms, context: f.dead ? NO_ATOMS : currentAtoms(), text: f.text });
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
            table.set(def.name, withConditional(get(def.name) ?? [], def, atoms.slice(baseAtoms.length)));
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
          const dirs = opts.includeDirs ?? [];
          for (let k = 0, c; (c = includeCandidate(d.target, !!d.system, file, dirs, k)) !== undefined; k++) {
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
      // With the whole configuration known, a CONFIG_ it does not list is not set (as for gcc).
      if (c === undefined) def = /^CONFIG_/.test(name) && !opts.configComplete ? undefined : false;
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
  const result = resultOf({ base: table, changed: new Map(), file: opts.file }, { definitions, branches, includes, problems }, fallback);
  // Read by incremental patching only: made when first asked for.
  let names: Set<string> | undefined;
  Object.defineProperty(result, 'conditionNames', { get: () => (names ??= conditionNamesOf(directives)), enumerable: true, configurable: true });
  return result;
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

