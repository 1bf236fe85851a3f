// Documentation drift: the layout tables of a tree's documentation (docTables.ts) held against the
// layout derived from its headers for a configuration (derived.ts). The recipe says, as data, which
// table describes which paging mode (`docs.tables`) and which rows each region answers for (a
// region's `docs` patterns). A row whose start, end or size disagrees with the derived value is a
// finding (PL010) naming both values and the region's macros; rows the layout cannot place (runtime,
// not derived, not in the recipe, holes) are counted. Pure: the derivations are the caller's.
import { formatHex, formatSize, U64_MAX } from '../paging/numbers';
import type { Finding, RelatedInfo } from '../rules/types';
import { DerivedLayout, DerivedRegion, Recipe, RecipeDocTable, RecipeRegion } from './derived';
import { DocCell, DocParse, DocRow, DocSize, DocTable } from './docTables';

/** The derivation a documentation table is compared with, or why it is not compared. */
export interface DocVariant {
  spec: RecipeDocTable;
  /** Absent when the table is not compared (`notCompared` says why). */
  derived?: DerivedLayout;
  /** How the derivation was made: the configuration as it is, or a boot of it in the table's mode. */
  how: string;
  notCompared?: string;
}

/** Where a name of a recipe expression is defined (1-based line). */
export interface DefinitionSite { name: string; file: string; line: number }
/** The definitions an expression of the recipe read (the caller's evaluator knows them). */
export type SiteLookup = (expression: string) => readonly DefinitionSite[];

export type DriftField = 'start' | 'end' | 'size';

export interface DriftMismatch {
  field: DriftField;
  /** As the documentation writes it. */
  doc: string;
  /** The derived value, formatted (hex address or binary size). */
  derived: string;
  derivedValue: bigint;
  cell?: DocCell;
  /** The recipe expressions the derived value comes from. */
  expressions: string[];
}

export type DriftRowStatus = 'agrees' | 'differs' | 'not-placed' | 'no-region' | 'hole';

export interface DriftRow {
  row: DocRow;
  status: DriftRowStatus;
  /** The recipe regions the row answers for. */
  regions: string[];
  mismatches: DriftMismatch[];
  /** A matched region is randomised at boot: the comparison is with its boot default. */
  randomised: boolean;
  /** Why a row is not compared (not placed: the derivation's reason). */
  reason?: string;
  /** The boundaries compared (a region that is not placed may still have a known start). */
  compared: DriftField[];
}

export interface DriftTable {
  spec: RecipeDocTable;
  /** The documentation's table (absent: no table has a matching title). */
  table?: DocTable;
  how: string;
  notCompared?: string;
  rows: DriftRow[];
}

export interface DriftReport {
  file: string;
  tables: DriftTable[];
  /** Tables of the document that no recipe table names (listed, not compared). */
  otherTables: DocTable[];
  parse: DocParse;
}

const HOLE = /\bhole\b|\bunused\b|guard region|non-canonical/i;

/** The derived value of a documented size matches when it rounds to the written number (and is within 1% of it); `~` sizes within 10%. */
export function sizeMatches(doc: DocSize, bytes: bigint): boolean {
  const written = doc.mantissa * doc.unit; // the value times 10^decimals
  const scaled = bytes * 10n ** BigInt(doc.decimals);
  const diff = scaled > written ? scaled - written : written - scaled;
  if (doc.approx) return diff * 10n <= written;
  return diff * 2n <= doc.unit && diff * 100n <= written;
}

const hex = (v: bigint) => formatHex(v, { digits: 16 });

/** Compare a document's tables with the derivations of the recipe's table specs. */
export function compareDocs(file: string, parse: DocParse, recipe: Recipe, variants: DocVariant[]): DriftReport {
  const used = new Set<DocTable>();
  const tables: DriftTable[] = [];
  for (const v of variants) {
    const re = new RegExp(v.spec.title, 'i');
    const table = parse.tables.find((t) => !used.has(t) && re.test(t.title));
    if (table) used.add(table);
    const out: DriftTable = { spec: v.spec, how: v.how, rows: [], ...(table ? { table } : {}) };
    if (!table) out.notCompared = `no table of ${file} has a title matching /${v.spec.title}/ (titles: ${parse.tables.map((t) => `'${t.title}'`).join(', ') || 'none'})`;
    else if (!v.derived) out.notCompared = v.notCompared ?? 'not derived';
    else out.rows = table.rows.map((r) => compareRow(r, recipe, v.derived!));
    tables.push(out);
  }
  return { file, tables, otherTables: parse.tables.filter((t) => !used.has(t)), parse };
}

function regionsFor(row: DocRow, recipe: Recipe): RecipeRegion[] {
  return recipe.regions.filter((g) => (g.docs ?? []).some((re) => new RegExp(re, 'i').test(row.description)));
}

function compareRow(row: DocRow, recipe: Recipe, derived: DerivedLayout): DriftRow {
  const matched = regionsFor(row, recipe);
  const base = { row, regions: matched.map((g) => g.name), mismatches: [] as DriftMismatch[], randomised: false, compared: [] as DriftField[] };
  if (matched.length === 0) return { ...base, status: HOLE.test(row.description) ? 'hole' : 'no-region' };
  const ds = matched.map((g) => derived.regions.find((d) => d.name === g.name)).filter((d): d is DerivedRegion => !!d);
  const randomised = ds.some((d) => d.randomised);
  const placed = ds.filter((d) => d.placed);
  const unplaced = ds.filter((d) => !d.placed);
  if (unplaced.length) {
    // A single region that is not placed may still have a start (vmemmap: no end in the headers).
    const d = ds.length === 1 ? ds[0] : undefined;
    const out: DriftRow = { ...base, randomised, status: 'not-placed', reason: unplaced.map((u) => `${u.name}: ${u.reason}`).join('; ') };
    if (d && d.start.value !== undefined && row.start !== undefined) {
      out.compared.push('start');
      if (row.start !== d.start.value) out.mismatches.push({ field: 'start', doc: row.startCell!.text, derived: hex(d.start.value), derivedValue: d.start.value, cell: row.startCell, expressions: [d.start.expression] });
      if (out.mismatches.length) out.status = 'differs';
    }
    return out;
  }
  // The union of the regions' placed ranges (in the derived layout).
  const ranges = placed.map((d) => ({ d, r: derived.layout.regions.find((x) => x.name === d.name)! }));
  ranges.sort((a, b) => (a.r.start < b.r.start ? -1 : a.r.start > b.r.start ? 1 : 0));
  const first = ranges[0], last = ranges.reduce((m, x) => (x.r.end > m.r.end ? x : m), ranges[0]);
  const start = first.r.start, end = last.r.end;
  const out: DriftRow = { ...base, randomised, status: 'agrees' };
  if (row.start !== undefined) {
    out.compared.push('start');
    if (row.start !== start) out.mismatches.push({ field: 'start', doc: row.startCell!.text, derived: hex(start), derivedValue: start, cell: row.startCell, expressions: [first.d.start.expression] });
  }
  if (row.end !== undefined) {
    out.compared.push('end');
    if (row.end !== end) out.mismatches.push({ field: 'end', doc: row.endCell!.text, derived: hex(end), derivedValue: end, cell: row.endCell, expressions: endExpressions(last.d) });
  }
  if (row.size) {
    out.compared.push('size');
    const bytes = ((end - start) & U64_MAX) + 1n;
    if (!sizeMatches(row.size, bytes)) out.mismatches.push({ field: 'size', doc: row.size.text, derived: formatSize(bytes), derivedValue: bytes, cell: row.sizeCell, expressions: [first.d.start.expression, ...endExpressions(last.d)] });
  }
  if (out.mismatches.length) out.status = 'differs';
  return out;
}

/** The expressions of a region's last address: its end (or last), or its start and size. */
function endExpressions(d: DerivedRegion): string[] {
  return d.endForm === 'size' ? [d.start.expression, d.end.expression] : [d.end.expression];
}

/** Counts of a table's rows by status. */
export function driftCounts(t: DriftTable): Record<DriftRowStatus, number> {
  const c: Record<DriftRowStatus, number> = { agrees: 0, differs: 0, 'not-placed': 0, 'no-region': 0, hole: 0 };
  for (const r of t.rows) c[r.status]++;
  return c;
}

/** The recipe expressions behind a region (start and end), for messages. */
function regionSource(recipe: Recipe, name: string): string {
  const g = recipe.regions.find((x) => x.name === name);
  if (!g) return name;
  const end = g.end ?? (g.last !== undefined ? `${g.last} (last)` : g.size !== undefined ? `+ ${g.size}` : '?');
  return `${name}: ${g.start} .. ${end}`;
}

const NAME = /[A-Za-z_]\w*(?:\(\))?/g;

/**
 * The findings (PL010) of a report: one per row that disagrees, at the row's first disagreeing cell,
 * with related information at the definitions of the macros behind the disagreeing values.
 */
export function driftFindings(report: DriftReport, recipe: Recipe, sites: SiteLookup, severity: Finding['severity'] = 'warning'): Finding[] {
  const out: Finding[] = [];
  for (const t of report.tables) {
    for (const r of t.rows) {
      if (r.status !== 'differs') continue;
      const what = r.mismatches.map((m) => `${m.field} ${m.doc} documented, ${m.derived} derived`).join('; ');
      const sources = r.regions.map((n) => regionSource(recipe, n)).join('; ');
      const notes = [
        ...(r.randomised ? ['randomised at boot (KASLR): compared with the boot default'] : []),
        ...(t.how !== 'the configuration' ? [`derived for ${t.how}`] : []),
      ];
      const message = `'${r.row.description || '(no description)'}' in the ${t.spec.mode} table: ${what} (${sources})${notes.length ? `; ${notes.join('; ')}` : ''}`;
      const cells = r.mismatches.map((m) => m.cell).filter((c): c is DocCell => !!c);
      const c0 = cells[0] ?? r.row.startCell;
      const cl = cells[cells.length - 1] ?? c0;
      const range = c0 ? { line: c0.line, character: Math.max(0, c0.start), endLine: cl!.line, endCharacter: Math.max(0, cl!.end) } : { line: r.row.line, character: 0, endLine: r.row.line, endCharacter: 0 };
      const related: RelatedInfo[] = [];
      const seen = new Set<string>();
      for (const m of r.mismatches) {
        for (const e of m.expressions) {
        const names = new Set((e.match(NAME) ?? []).map((n) => n.replace(/\(\)$/, '')));
        for (const s of sites(e)) {
          const key = `${s.name}@${s.file}:${s.line}`;
          if (seen.has(key) || !names.has(s.name)) continue;
          seen.add(key);
          related.push({ file: s.file, range: { line: Math.max(0, s.line - 1), character: 0, endLine: Math.max(0, s.line - 1), endCharacter: 0 }, message: `${s.name} (the derived ${m.field})` });
        }
        }
      }
      out.push({ code: 'PL010', severity, message, file: report.file, range, related, fixes: [], value: r.mismatches[0].derivedValue });
    }
  }
  return out;
}

/** One line per table: what was compared, the counts, why a table was not compared. */
export function driftSummary(report: DriftReport): string[] {
  const lines: string[] = [];
  for (const t of report.tables) {
    const where = t.table ? `'${t.table.title}' (line ${t.table.line + 1})` : `/${t.spec.title}/`;
    if (t.notCompared) { lines.push(`${t.spec.mode} table ${where}: not compared: ${t.notCompared}`); continue; }
    const c = driftCounts(t);
    const rnd = t.rows.filter((r) => r.randomised && r.compared.length).map((r) => r.regions.join('+'));
    lines.push(`${t.spec.mode} table ${where}, ${t.how}: ${t.rows.length} rows: ${c.agrees} agree, ${c.differs} differ, ${c['not-placed']} not derived, ${c.hole} holes, ${c['no-region']} not in the recipe` +
      `${rnd.length ? `; randomised (compared with the boot default): ${[...new Set(rnd)].join(', ')}` : ''}`);
    for (const r of t.rows) if (r.status === 'not-placed' || (r.status === 'differs' && r.reason)) lines.push(`  line ${r.row.line + 1} '${r.row.description}': ${r.compared.length ? `only ${r.compared.join(', ')} compared; ` : ''}${r.reason}`);
    for (const r of t.rows) if (r.status === 'no-region') lines.push(`  line ${r.row.line + 1} '${r.row.description}': no recipe region`);
  }
  for (const p of report.parse.problems) lines.push(`${report.file}:${p.line + 1}: ${p.message}`);
  return lines;
}
