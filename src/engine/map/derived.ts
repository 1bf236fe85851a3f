// The derived layout: a recipe (data: which macros give each region's start and end) evaluated
// against a tree and its configuration by a caller-given evaluator. Pure: no file system.
import { Layout, Region, RegionKind, REGION_KINDS } from '../paging/types';
import { formatHex as hex, U64_MAX } from '../paging/numbers';

/** One region of a recipe: C expressions for its start and its end (exclusive), last byte or size. */
export interface RecipeRegion {
  name: string;
  kind: RegionKind;
  start: string;
  /** Exclusive end. */
  end?: string;
  /** Inclusive last address. */
  last?: string;
  size?: string;
  /** The headers give no end: why (the region is listed, not drawn). */
  endUnknown?: string;
  /** The base is chosen at boot (KASLR); the region is drawn at its boot default. */
  randomised?: boolean;
  description?: string;
  /** Regular expressions (case-insensitive) on the descriptions of the documentation's table rows this region answers for; a row several regions match is compared with their union. */
  docs?: string[];
}

/** One layout table of the tree's documentation, and when a configuration is compared with it. */
export interface RecipeDocTable {
  /** A regular expression (case-insensitive) on the table's heading or `…::` caption. */
  title: string;
  /** The paging mode the table describes (a configuration building for it is compared as it is). */
  mode: string;
  /** A configuration of another mode that can boot in this one (a CPU without LA57, sv57 on an sv48 CPU): the names' definitions for that boot. */
  boot?: Record<string, string>;
  /** What the boot is (`a CPU without LA57`). */
  bootNote?: string;
  /** A C expression of the configuration, non-zero when it can boot in this mode (default: always, with `boot`). */
  requires?: string;
}

/** Where the tree documents its layout: candidate files (relative to the source tree, first found wins) and their tables. */
export interface RecipeDocs {
  files: string[];
  tables: RecipeDocTable[];
}

/** A runtime name's boot default: `name`'s definition replaced by `value` when an evaluation reports `when` as runtime. */
export interface RecipeDefault {
  name: string;
  /** Runtime names that call for this default (default: [name]). */
  when?: string[];
  value: string;
  note?: string;
}

export interface Recipe {
  id: string;
  title: string;
  /** Kernel architecture directory (x86, arm64, riscv). */
  arch: string;
  description?: string;
  sources: string[];
  notes?: string[];
  /** Values the headers cannot give, stated as pins (`sizeof(struct page)=64`), each an assumption. */
  pins?: string[];
  defaults?: RecipeDefault[];
  regions: RecipeRegion[];
  /** The tree's documentation of the layout (`paging-layout check --docs`). */
  docs?: RecipeDocs;
}

/** What an evaluator says of an expression. */
export type Evaluation =
  | { kind: 'value'; value: bigint }
  | { kind: 'runtime'; names: string[]; reason: string }
  | { kind: 'unresolvable'; reason: string };

/** Evaluate `expr` with the given names' definitions replaced. */
export type RecipeEvaluator = (expr: string, overrides: Record<string, string>) => Evaluation;

export type PieceStatus = 'resolved' | 'boot-default' | 'runtime' | 'unresolvable';

/** One evaluated boundary of a region. */
export interface DerivedPiece {
  expression: string;
  status: PieceStatus;
  value?: bigint;
  /** The boot defaults used (names). */
  defaults: string[];
  reason?: string;
}

export interface DerivedRegion {
  name: string;
  kind: RegionKind;
  randomised: boolean;
  start: DerivedPiece;
  /** The end as the recipe gives it (end, last or size). */
  end: DerivedPiece;
  endForm: 'end' | 'last' | 'size' | 'unknown';
  /** In the layout (both boundaries known, no overlap). */
  placed: boolean;
  reason?: string;
}

export interface DerivedLayout {
  layout: Layout;
  regions: DerivedRegion[];
}

/** Problems of a recipe's shape (empty when valid); the schema in schemas/ says the same. */
export function recipeProblems(r: unknown): string[] {
  const out: string[] = [];
  const o = r as Partial<Recipe> | null;
  if (!o || typeof o !== 'object') return ['a recipe must be a JSON object'];
  for (const k of ['id', 'title', 'arch'] as const) if (typeof o[k] !== 'string') out.push(`missing "${k}"`);
  if (!Array.isArray(o.sources)) out.push('missing "sources"');
  if (!Array.isArray(o.regions)) { out.push('missing "regions"'); return out; }
  for (const [i, g] of o.regions.entries()) {
    const at = `region ${i} (${g?.name ?? '?'})`;
    if (typeof g?.name !== 'string' || typeof g.start !== 'string') { out.push(`${at}: needs "name" and "start"`); continue; }
    if (!(REGION_KINDS as readonly string[]).includes(g.kind)) out.push(`${at}: unknown kind '${g.kind}'`);
    const ends = [g.end, g.last, g.size, g.endUnknown].filter((x) => x !== undefined);
    if (ends.length !== 1 || typeof ends[0] !== 'string') out.push(`${at}: give exactly one of "end", "last", "size", "endUnknown"`);
  }
  for (const d of o.defaults ?? []) if (typeof d?.name !== 'string' || typeof d.value !== 'string') out.push('a default needs "name" and "value"');
  const badRe = (re: unknown) => { if (typeof re !== 'string') return 'not a string'; try { new RegExp(re, 'i'); return undefined; } catch (e) { return (e as Error).message; } };
  for (const g of o.regions) for (const re of (g as RecipeRegion)?.docs ?? []) { const bad = badRe(re); if (bad) out.push(`region ${g?.name ?? '?'}: docs pattern ${JSON.stringify(re)}: ${bad}`); }
  if (o.docs !== undefined) {
    const d = o.docs as Partial<RecipeDocs>;
    if (!Array.isArray(d.files) || !d.files.every((f) => typeof f === 'string')) out.push('docs: "files" must be a list of paths');
    if (!Array.isArray(d.tables)) out.push('docs: missing "tables"');
    else for (const [i, t] of d.tables.entries()) {
      if (typeof t?.mode !== 'string') out.push(`docs table ${i}: missing "mode"`);
      const bad = badRe(t?.title);
      if (bad) out.push(`docs table ${i}: "title" ${bad}`);
      if (t?.boot !== undefined && (typeof t.boot !== 'object' || Object.values(t.boot).some((v) => typeof v !== 'string'))) out.push(`docs table ${i}: "boot" maps names to C expressions`);
    }
  }
  return out;
}

/** Evaluate one expression, applying boot defaults for the runtime names that have one. */
export function evaluatePiece(expr: string, recipe: Recipe, evaluate: RecipeEvaluator): DerivedPiece {
  const overrides: Record<string, string> = {};
  const used: string[] = [];
  for (let round = 0; round < 4; round++) {
    const e = evaluate(expr, overrides);
    if (e.kind === 'value') return { expression: expr, status: used.length ? 'boot-default' : 'resolved', value: e.value & U64_MAX, defaults: used };
    if (e.kind === 'unresolvable') return { expression: expr, status: 'unresolvable', defaults: used, reason: e.reason };
    const fresh = (recipe.defaults ?? []).filter((d) => !used.includes(d.name) && (d.when ?? [d.name]).some((n) => e.names.includes(n)));
    if (fresh.length === 0) return { expression: expr, status: 'runtime', defaults: used, reason: e.reason };
    for (const d of fresh) { overrides[d.name] = d.value; used.push(d.name); }
  }
  return { expression: expr, status: 'runtime', defaults: used, reason: 'boot defaults did not resolve it' };
}

/**
 * The layout a recipe gives under an evaluator: regions with both boundaries known are placed
 * (sorted; one that overlaps a placed region is left out and says so); the others are reported
 * with the reason. Randomised regions sit at their boot defaults and carry `randomised`.
 */
export function deriveLayout(recipe: Recipe, evaluate: RecipeEvaluator, meta: { id: string; title: string; mode: string; source: string[]; notes?: string[] }): DerivedLayout {
  const cache = new Map<string, DerivedPiece>();
  const piece = (expr: string) => {
    let p = cache.get(expr);
    if (!p) { p = evaluatePiece(expr, recipe, evaluate); cache.set(expr, p); }
    return { ...p, defaults: [...p.defaults] };
  };
  const derived: DerivedRegion[] = [];
  for (const g of recipe.regions) {
    const endForm = g.end !== undefined ? 'end' : g.last !== undefined ? 'last' : g.size !== undefined ? 'size' : 'unknown';
    const start = piece(g.start);
    const end: DerivedPiece = g.endUnknown !== undefined
      ? { expression: '', status: 'unresolvable', defaults: [], reason: g.endUnknown }
      : piece((g.end ?? g.last ?? g.size)!);
    derived.push({ name: g.name, kind: g.kind, randomised: !!g.randomised, start, end, endForm, placed: false });
  }
  const candidates: { d: DerivedRegion; region: Region }[] = [];
  for (const [i, d] of derived.entries()) {
    const g = recipe.regions[i];
    const bad = [d.start, d.end].find((p) => p.value === undefined);
    if (bad) { d.reason = `${bad === d.start ? 'start' : d.endForm === 'unknown' ? 'end' : d.endForm}${bad.expression ? ' ' + bad.expression : ''}: ${bad.status}${bad.reason ? ` (${bad.reason})` : ''}`; continue; }
    const s = d.start.value!;
    const last = d.endForm === 'last' ? d.end.value! : d.endForm === 'end' ? (d.end.value! - 1n) & U64_MAX : s + d.end.value! - 1n;
    if (d.endForm === 'size' && d.end.value === 0n) { d.reason = 'size is 0'; continue; }
    if (last > U64_MAX) { d.reason = `start ${hex(s)} + size ${hex(d.end.value!)} runs past the top of the 64-bit space`; continue; }
    if (last < s) { d.reason = `end ${hex(last)} is below start ${hex(s)}`; continue; }
    const defaults = [...new Set([...d.start.defaults, ...d.end.defaults])];
    const how = `${g.start} .. ${d.endForm === 'size' ? `+ ${d.end.expression}` : d.endForm === 'last' ? `${d.end.expression} (last)` : d.end.expression}`;
    candidates.push({
      d,
      region: {
        name: d.name, start: s, end: last, kind: d.kind,
        description: `${g.description ?? ''}${g.description ? ' ' : ''}${how}${d.randomised ? '; randomised at boot (KASLR), shown at its boot default' : ''}${defaults.length ? `; boot default of ${defaults.join(', ')}` : ''}.`,
        source: `recipe ${recipe.id}: ${how}`,
        ...(d.randomised ? { randomised: true } : {}),
      },
    });
  }
  candidates.sort((a, b) => (a.region.start < b.region.start ? -1 : a.region.start > b.region.start ? 1 : 0));
  const regions: Region[] = [];
  for (const c of candidates) {
    const clash = regions.find((r) => c.region.start <= r.end && r.start <= c.region.end);
    if (clash) { c.d.reason = `overlaps ${clash.name} (${hex(clash.start)}-${hex(clash.end)})`; continue; }
    c.d.placed = true;
    regions.push(c.region);
  }
  const notes = [...(meta.notes ?? []), ...(recipe.notes ?? []), ...(recipe.pins ?? []).map((p) => `assumed: ${p}`)];
  const usedDefaults = new Set(derived.flatMap((d) => [...d.start.defaults, ...d.end.defaults]));
  for (const def of recipe.defaults ?? []) if (usedDefaults.has(def.name)) notes.push(`boot default: ${def.name} = ${def.value}${def.note ? ` (${def.note})` : ''}`);
  for (const d of derived) if (!d.placed) notes.push(`${d.name}: not placed: ${d.reason}`);
  for (const d of derived) if (d.placed && d.randomised) notes.push(`${d.name}: randomised at boot; shown at its boot default`);
  const layout: Layout = {
    id: meta.id, title: meta.title, mode: meta.mode,
    description: `${recipe.title}, derived from the tree's headers for its configuration.`,
    source: [...meta.source, ...recipe.sources], notes, regions, symbols: [], origin: 'derived',
    unplaced: derived.filter((d) => !d.placed).map((d) => ({ name: d.name, kind: d.kind, reason: d.reason ?? 'not placed', ...(d.start.value !== undefined ? { start: d.start.value } : {}) })),
  };
  return { layout, regions: derived };
}

/** The reviewed-output form of a derived layout (hex strings, statuses, reasons). */
export function derivedJson(d: DerivedLayout) {
  const piece = (p: DerivedPiece) => ({
    expression: p.expression, status: p.status, value: p.value === undefined ? null : hex(p.value),
    ...(p.defaults.length ? { defaults: p.defaults } : {}), ...(p.reason ? { reason: p.reason } : {}),
  });
  return {
    id: d.layout.id, title: d.layout.title, mode: d.layout.mode,
    regions: d.regions.map((r) => {
      const placed = d.layout.regions.find((x) => x.name === r.name && r.placed);
      return {
        name: r.name, kind: r.kind, randomised: r.randomised, placed: r.placed,
        start: placed ? hex(placed.start) : null, end: placed ? hex(placed.end) : null,
        ...(r.reason ? { reason: r.reason } : {}),
        startExpression: piece(r.start), [`${r.endForm}Expression`]: piece(r.end),
      };
    }),
    notes: d.layout.notes,
  };
}
