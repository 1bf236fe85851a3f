// Incremental preprocessing: after an edit that changed one definition, or that only added or
// removed lines, the previous result patched or moved instead of a new run.

import { CondAtom, condText, evaluateCondition, layeredLookup, makeSymbol, MacroDef, macroSig, parseDefine, tokensText } from './evaluate';
import { Directive, LazyDefine, LTok } from './directives';
import { PreprocessOptions, preprocess } from './preprocessor';
import { baseEntry, defFor, DefinitionRecord, dirName, PreprocessResult, recordOf, TableEntry, TableParts, tableGet, plainDef, resultOf, entryList, flatBase, Moved, ownEntry, definitionsNamed, LazyMacroDef, withConditional } from './records';

/**
 * Incremental preprocessing after an edit that changed exactly one definition (same name, same kind)
 * and nothing else: the previous result with that name's candidates rebuilt. Undefined when the edit
 * needs a full run (conditions or includes involved, the name defined elsewhere, or by the user).
 */
export function patchPreprocess(prev: PreprocessResult, prevDirs: readonly Directive[], dirs: readonly Directive[], opts: PreprocessOptions, changedAt?: number): PreprocessResult | undefined {
  if (prevDirs.length !== dirs.length) return undefined;
  let k = -1;
  if (changedAt !== undefined) k = changedAt; // the caller knows that only this directive differs
  else {
    for (let i = 0; i < dirs.length; i++) {
      if (dirs[i] === prevDirs[i]) continue;
      if (k >= 0) return undefined;
      k = i;
    }
  }
  if (k < 0) return prev;
  const a = prevDirs[k], b = dirs[k];
  if (a.kind !== b.kind || (a.kind !== 'define' && a.kind !== 'symbol') || a.symKind === 'ld-dot' || b.symKind === 'ld-dot') return undefined;
  const name = dirName(b);
  if (!name || dirName(a) !== name || a.line !== b.line) return undefined;
  if (prev.conditionNames?.has(name) || (opts.defines && name in opts.defines)) return undefined;
  const idx = recordOf(prev.definitions, a);
  if (idx < 0) return undefined;
  const old = prev.definitions[idx];
  const parts = prev.tableParts ?? { base: prev.table, changed: new Map<string, TableEntry | null>(), file: opts.file };
  const entry = parts.changed.has(name) ? parts.changed.get(name) : baseEntry(parts, name);
  if (a instanceof LazyDefine && b instanceof LazyDefine && parts.file === opts.file && entry === a) {
    // `a` made the name's only candidate and nothing after it changed that: `b` makes it now.
    if (!b.paramsOk) return undefined;
    const definitions = prev.definitions.slice();
    definitions[idx] = new DefinitionRecord(b, old.activity, old.conditions, opts.file);
    return patchedResult(prev, parts, name, b, definitions, idx, opts);
  }
  // every candidate of the name must come from this file's records (not from an include)
  const records: DefinitionRecord[] = [];
  for (let i = 0; i < prev.definitions.length; i++) if (prev.definitions[i].name === name) records.push(prev.definitions[i]);
  const cands = tableGet(prev, name) ?? [];
  if (cands.some((c) => c.origin?.file !== opts.file || !records.some((r) => r.def.sig === c.sig || c.sig.startsWith(r.def.sig)))) return undefined;
  const def = defFor(b, old.conditions, opts.file);
  if (!def) return undefined;
  const rec = new DefinitionRecord(b, old.activity, old.conditions, opts.file, def);
  const definitions = prev.definitions.slice();
  definitions[idx] = rec;
  // replay the table rule for this name
  let list: MacroDef[] | undefined;
  for (let i = 0; i < definitions.length; i++) {
    const r = definitions[i];
    if (r.name !== name || r.activity === 'inactive') continue;
    const atoms = r.def.conditions;
    if (atoms.length === 0) list = [r.def];
    else {
      list = withConditional(list ?? [], r.def, atoms);
    }
  }
  return patchedResult(prev, parts, name, list ?? null, definitions, idx, opts);
}

/**
 * The previous result with one name's table entry replaced: kept as the base table and the changed
 * names (merged into a new base once many names changed).
 */
function patchedResult(prev: PreprocessResult, parts: TableParts, name: string, entry: TableEntry | null, definitions: DefinitionRecord[], idx: number, opts: PreprocessOptions): PreprocessResult {
  let base = parts.base;
  let moved = parts.moved;
  let changed = new Map(parts.changed);
  changed.set(name, entry);
  if (changed.size > 64) {
    base = new Map(flatBase(parts));
    moved = undefined;
    for (const [n, l] of changed) if (l) base.set(n, l); else base.delete(n);
    changed = new Map();
  }
  // the records by name: the previous index with this name's list updated (record idx replaced)
  let byName: PreprocessResult['byName'];
  if (prev.byName) {
    const old = prev.definitions[idx], rec = definitions[idx];
    let names = prev.byName;
    const list = (definitionsNamed(prev, name) ?? []).map((r) => (r === old ? rec : r));
    const ch = new Map(names.changed);
    ch.set(name, list);
    names = { base: names.base, changed: ch };
    if (ch.size > 64) {
      const merged = new Map(names.base);
      for (const [n, l] of ch) merged.set(n, l);
      names = { base: merged, changed: new Map() };
    }
    byName = names;
  }
  return resultOf({ base, changed, file: parts.file, moved }, { definitions, branches: prev.branches, includes: prev.includes, problems: prev.problems, conditionNames: prev.conditionNames, byName }, opts.fallback);
}

/** What lexDocument says about an edit that added or removed lines (DocLex.dirChange). */
export interface LineShift {
  /** Index of the first directive of the lines lexed again, and how many there were before and after. */
  at: number;
  removed: number;
  added: number;
  lineDelta: number;
  /** Old lines fromLine .. toLine (exclusive) were lexed again; the old lines after them moved by lineDelta. */
  fromLine: number;
  toLine: number;
}

/**
 * Preprocessing after an edit that added or removed lines without changing any directive but by its
 * line numbers: the directives of the lines lexed again are the same as before (same tokens, at the
 * same columns), and the directives after them are the previous ones moved. The conditional structure,
 * the activities and the table are then those of the previous result: its records, branches, includes
 * and problems are kept before the edit and moved after it; table entries are moved when read.
 * Undefined when the edit changed a directive (then preprocess again).
 */
export function shiftPreprocess(prev: PreprocessResult, prevDirs: readonly Directive[], dirs: readonly Directive[], opts: PreprocessOptions, ch: LineShift): PreprocessResult | undefined {
  const { at: h, lineDelta, fromLine, toLine } = ch;
  const file = opts.file;
  if (ch.removed !== ch.added || prevDirs.length !== dirs.length) return undefined;
  const parts0 = prev.tableParts;
  if (!parts0 || parts0.file !== file) return undefined;
  // old line -> new line for the lines of the region's directives
  const regionLines = new Map<number, number>();
  const setLine = (a: number, b: number) => {
    const x = regionLines.get(a);
    if (x === undefined) regionLines.set(a, b);
    return x === undefined || x === b;
  };
  for (let i = h; i < h + ch.added; i++) {
    const a = prevDirs[i], b = dirs[i];
    if (a !== b && !sameShape(a, b)) return undefined;
    if (!setLine(a.line, b.line) || !setLine(a.endLine, b.endLine)) return undefined;
    for (let k = 0; k < a.tokens.length; k++) if (!setLine(a.tokens[k].line, b.tokens[k].line)) return undefined;
  }
  let ok = true;
  const mapLine = (l: number): number => {
    if (l < fromLine || l === Number.MAX_SAFE_INTEGER) return l;
    if (l >= toLine) return l + lineDelta;
    const m = regionLines.get(l);
    if (m === undefined) { ok = false; return l; }
    return m;
  };

  // definition records: kept before the region, made again for the moved directives
  const defs = prev.definitions;
  let j = 0, hi = defs.length;
  while (j < hi) {
    const mid = (j + hi) >> 1;
    if (defs[mid].directive.line < fromLine) j = mid + 1; else hi = mid;
  }
  const definitions = defs.slice(0, j);
  for (let i = h; i < prevDirs.length && j < defs.length; i++) {
    const r = defs[j];
    if (r.directive !== prevDirs[i]) continue;
    j++;
    const d = dirs[i];
    if (d === r.directive) { definitions.push(r); continue; }
    if (d instanceof LazyDefine && (r.activity === 'inactive' || r.conditions.length === 0)) {
      definitions.push(new DefinitionRecord(d, r.activity, r.conditions, file));
      continue;
    }
    const def = defFor(d, r.conditions, file);
    if (!def) return undefined;
    definitions.push(new DefinitionRecord(d, r.activity, r.conditions, file, def));
  }
  if (j < defs.length) return undefined;

  const branches = prev.branches.map((b) => {
    if (b.startLine < fromLine && b.endLine < fromLine) return b;
    return { startLine: mapLine(b.startLine), endLine: mapLine(b.endLine), activity: b.activity, conditions: b.conditions, context: b.context, text: b.text };
  });
  const includes = prev.includes.map((r) => (r.line < fromLine ? r : { ...r, line: mapLine(r.line) }));
  const problems = prev.problems.map((p) => (p.line < fromLine ? p : { line: mapLine(p.line), message: p.message }));
  if (!ok) return undefined;

  // table entries: moved when read (the base table's from the version it was made for, the changed
  // entries from the previous version's)
  let full: PreprocessResult | undefined;
  const fullEntry = (name: string) => ownEntry((full ??= preprocess(dirs, opts)).tableParts!, name);
  const src0 = parts0.moved ? parts0.moved.srcDirs : prevDirs;
  if (src0.length !== dirs.length) return undefined;
  const step = mover(prevDirs, dirs, file, fullEntry);
  const changed = new Map<string, TableEntry | null>();
  for (const [n, e] of parts0.changed) changed.set(n, e === null ? null : step(e, n) ?? null);
  const parts: TableParts = { base: parts0.base, changed, file, moved: { srcDirs: src0, move: mover(src0, dirs, file, fullEntry), memo: new Map() } };
  return resultOf(parts, { definitions, branches, includes, problems, conditionNames: prev.conditionNames }, opts.fallback);
}

/**
 * Moves table entries made for the directives `src` to the directives `dst` (directive i of one is
 * directive i of the other, maybe on other lines). What cannot be moved (a definition no longer found
 * through its directive) is taken from `fallback`.
 */
function mover(src: readonly Directive[], dst: readonly Directive[], file: string | undefined, fallback: (name: string) => TableEntry | undefined) {
  const firstAt = (line: number) => {
    let lo = 0, top = src.length;
    while (lo < top) {
      const mid = (lo + top) >> 1;
      if (src[mid].line < line) lo = mid + 1; else top = mid;
    }
    return lo;
  };
  const indexOf = (d: Directive): number => {
    for (let i = firstAt(d.line); i < src.length && src[i].line === d.line; i++) if (src[i] === d) return i;
    return -1;
  };
  /** The directive that made a definition, from its line. */
  const indexOfDef = (c: MacroDef): number => {
    const line = c.origin!.line!;
    for (let i = firstAt(line); i < src.length && src[i].line === line; i++) {
      const m = src[i].memoDef?.def;
      if (m && (m === c || (dirName(src[i]) === c.name && m.body === c.body))) return i;
    }
    return -1;
  };
  const moveDef = (c: MacroDef): MacroDef | undefined => {
    const o = c.origin;
    if (!o || o.line === undefined || o.file !== file) return c;
    if (c instanceof LazyMacroDef) {
      const i = indexOf(c.directive);
      if (i < 0) return undefined;
      const d = dst[i];
      return d === c.directive ? c : defFor(d, c.conditions, file);
    }
    const i = indexOfDef(c);
    if (i < 0) return undefined;
    const a = src[i], b = dst[i];
    if (b === a) return c;
    const own = a.memoDef!.def!;
    const def = defFor(b, own.conditions, file);
    if (!def) return undefined;
    return own === c ? def : { ...c, body: def.body, origin: def.origin };
  };
  return (e: TableEntry, name: string): TableEntry | undefined => {
    if (e instanceof LazyDefine) {
      const i = indexOf(e);
      if (i >= 0 && dst[i] instanceof LazyDefine) return dst[i] as LazyDefine;
    } else {
      let out: MacroDef[] | undefined = e;
      for (let k = 0; k < e.length && out; k++) {
        const m = moveDef(e[k]);
        if (!m) out = undefined;
        else if (m !== e[k]) { if (out === e) out = e.slice(); out[k] = m; }
      }
      if (out) return out;
    }
    return fallback(name);
  };
}

/** Two directives with the same tokens (texts, kinds, columns, lines relative to the first). */
function sameShape(a: Directive, b: Directive): boolean {
  if (a.kind !== b.kind || a.keyword !== b.keyword || a.symKind !== b.symKind || a.target !== b.target || a.system !== b.system) return false;
  if (a.endLine - a.line !== b.endLine - b.line || (a instanceof LazyDefine) !== (b instanceof LazyDefine)) return false;
  if (a instanceof LazyDefine && b instanceof LazyDefine && (a.name !== b.name || a.nameStart !== b.nameStart || a.fnLike !== b.fnLike || a.paramsOk !== b.paramsOk)) return false;
  const x = a.tokens, y = b.tokens;
  if (x.length !== y.length) return false;
  for (let k = 0; k < x.length; k++) {
    const s = x[k], t = y[k];
    if (s.text !== t.text || s.kind !== t.kind || s.start !== t.start || s.end !== t.end || s.line - a.line !== t.line - b.line) return false;
  }
  const na = a.nameTok, nb = b.nameTok;
  if ((na === undefined) !== (nb === undefined) || (na && nb && (na.text !== nb.text || x.indexOf(na) !== y.indexOf(nb)))) return false;
  return (a.body?.length ?? -1) === (b.body?.length ?? -1);
}

