// The workspace-derived layout and the map markers of a file, read from the files' analyses (the
// ones the hover reads): regions from a tree's own START/END/SIZE definitions and linker-script
// MEMORY regions, markers from its address-like constants.
import { addressMask, getMode } from '../paging/modes';
import { formatHex, formatSize } from '../paging/numbers';
import { Layout, LayoutSymbol, Region, RegionKind } from '../paging/types';
import { analyzeText, DefinitionInfo, DocumentAnalysis, familyFor, siteValue } from '../source';

/** A constant of a file with its value: a definition (its name's position) or a literal of the code. */
export interface FileConstant {
  name: string;
  /** The body as written (definitions) or the literal's text. */
  body: string;
  value: bigint;
  /** 0-based line and column of the name (or of the literal). */
  line: number;
  column: number;
  file: string;
}

/** Names that hold sizes, shifts or masks rather than addresses. */
const NOT_ADDRESS = /(?:_SIZE|_LEN|_SHIFT|_BITS|_MASK|_ORDER|_NR|_TB|_GB|_MB|_KB|_PAGES|_COUNT|_ALIGN|_MAX|_MIN)(?:_L\d)?$|^(?:SZ_|PAGE_|PMD_|PUD_|PGDIR_|P4D_|PTRS_)/;
/** Most constants read from one file. */
const MAX_CONSTANTS = 20_000;
/** Most literals of code lines marked in one file. */
const MAX_LITERALS = 2000;

/** The one value a definition of an analysis has at its own site (undefined: none, several, runtime). */
export function definitionValue(a: DocumentAnalysis, d: DefinitionInfo): bigint | undefined {
  if (d.kind === 'function-macro' || d.kind === 'ld-dot' || d.activity === 'inactive') return undefined;
  const body = d.def.body;
  if (body.length === 0) return undefined;
  return siteValue(a, body, d.conditions, 2000).value;
}

/** Every definition of an analysis with its value (inactive ones and those without one value left out). */
export function definitionValues(a: DocumentAnalysis, file: string): FileConstant[] {
  const out: FileConstant[] = [];
  for (let i = 0; i < a.definitions.length && addDefinitionValue(a, file, i, out); i++);
  return out;
}

/**
 * The value of definition `i` of an analysis added to `out` (definitionValues one step at a time, for a
 * caller that spreads the work over several turns); false once `out` holds the most a file gives.
 */
export function addDefinitionValue(a: DocumentAnalysis, file: string, i: number, out: FileConstant[]): boolean {
  if (out.length >= MAX_CONSTANTS) return false;
  const d = a.definitions[i];
  const value = definitionValue(a, d);
  if (value !== undefined) out.push({ name: d.name, body: d.bodyText, value, line: d.line, column: d.nameStart, file });
  return true;
}

/**
 * The address-like constants of a file, for the map: definitions whose value is at least `minValue`
 * and whose name is not a size, shift or mask, and hex literals of the code (not of directive lines),
 * sorted by value.
 */
export function analysisMarkers(a: DocumentAnalysis, file: string, minValue = 0x10000n, defined: FileConstant[] = definitionValues(a, file)): FileConstant[] {
  const vals = defined.filter((d) => d.value >= minValue && !NOT_ADDRESS.test(d.name));
  // Plain address literals outside definitions and directives, e.g. `. = 0xffffffff81000000;` or `mov $0x..., %rax`.
  const defLines = new Set<number>();
  for (const d of a.definitions) if (d.kind !== 'ld-dot') for (let l = d.line; l <= d.endLine; l++) defLines.add(l);
  for (const dir of a.directives) if (dir.kind !== 'symbol') for (let l = dir.line; l <= dir.endLine; l++) defLines.add(l);
  let n = 0;
  for (const lit of a.literals) {
    if (n >= MAX_LITERALS) break;
    if (lit.radix !== 16 || defLines.has(lit.line)) continue;
    const digits = lit.text.replace(/^(?:0[xX]|\$0[xX]|\$)/, '').replace(/[uUlLhH]+$/, '');
    if (digits.length < 5 || digits.length > 16) continue;
    const v = lit.value;
    if (v < minValue) continue;
    vals.push({ name: lit.text, body: lit.text, line: lit.line, column: lit.start, file, value: v });
    n++;
  }
  return vals.sort((x, y) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
}

export interface WorkspaceRegion extends Region {
  file: string;
  line: number;
  column: number;
}

export interface WorkspaceLayoutResult {
  layout: Layout;
  /** Region name → where it is defined (the START/BASE name). */
  locations: Map<string, { file: string; line: number; column: number }>;
  /** Overlaps and conflicting definitions, as ranges for the map. */
  problems: { code: string; message: string; start: bigint; end: bigint; file: string; line: number; column: number }[];
}

export const WORKSPACE_LAYOUT_ID = 'workspace-defines';

/**
 * A layout from the workspace's own definitions: FOO_START (or FOO_BASE, FOO_VADDR, FOO_BASE_ADDR)
 * with FOO_END (inclusive when it ends in ...fff, exclusive otherwise) or FOO_SIZE / FOO_LEN, plus
 * linker-script MEMORY regions. Regions that overlap an earlier one are clipped and reported.
 */
export function deriveWorkspaceLayout(files: readonly { file: string; text: string }[], modeId = 'x86_64-4level'): WorkspaceLayoutResult {
  const mode = getMode(modeId) ?? getMode('x86_64-4level')!;
  const limit = addressMask(mode);
  const candidates: WorkspaceRegion[] = [];
  const symbols: LayoutSymbol[] = [];
  const problems: WorkspaceLayoutResult['problems'] = [];
  const sorted = [...files].sort((a, b) => (a.file < b.file ? -1 : 1)).slice(0, 5000);
  for (const f of sorted) {
    const family = familyFor(undefined, f.file) ?? 'c';
    const analysis = analyzeText(f.text, { file: f.file, family, mode });
    const vals = definitionValues(analysis, f.file);
    const byName = new Map(vals.map((d) => [d.name, d]));
    for (const d of vals) {
      const m = /^(.*?)_(START|BASE|VADDR|BASE_ADDR|BEGIN)$/.exec(d.name);
      if (!m || !m[1]) continue;
      const end = byName.get(`${m[1]}_END`);
      const size = byName.get(`${m[1]}_SIZE`) ?? byName.get(`${m[1]}_LEN`);
      let last: bigint | undefined;
      let how = '';
      if (end) {
        const inclusive = ((end.value + 1n) & (PAGE_MASK)) === 0n && end.value > d.value;
        last = inclusive ? end.value : end.value - 1n;
        how = `${d.name} to ${end.name}${inclusive ? ' (inclusive)' : ' (exclusive)'}`;
      } else if (size && size.value > 0n) {
        last = d.value + size.value - 1n;
        how = `${d.name} + ${size.name}`;
      }
      if (last === undefined || last < d.value || last > limit) continue;
      candidates.push({ name: m[1], start: d.value, end: last, kind: kindFromName(m[1]), description: `From ${how}.`, source: `${f.file}:${d.line + 1}`, file: f.file, line: d.line, column: d.column });
    }
    // GNU ld MEMORY { name (attr) : ORIGIN = x, LENGTH = y }: the analysis' ORIGIN(name) and LENGTH(name)
    for (const d of vals) {
      const mm = /^ORIGIN\((.+)\)$/.exec(d.name);
      const len = mm ? byName.get(`LENGTH(${mm[1]})`) : undefined;
      if (!mm || !len || len.value === 0n || d.value + len.value - 1n > limit) continue;
      candidates.push({ name: mm[1], start: d.value, end: d.value + len.value - 1n, kind: kindFromName(mm[1]), description: `Linker-script MEMORY region (ORIGIN ${formatHex(d.value)}, LENGTH ${formatSize(len.value)}).`, source: `${f.file}:${d.line + 1}`, file: f.file, line: d.line, column: d.column });
    }
    for (const d of vals) if (d.value >= 0x10000n && !NOT_ADDRESS.test(d.name) && !/^(?:ORIGIN|LENGTH)\(/.test(d.name) && d.value <= limit) symbols.push({ name: d.name, value: d.value, description: `${f.file}:${d.line + 1}` });
  }
  // The first definition of a region name wins (files in path order); later different ones are reported.
  const byRegion = new Map<string, WorkspaceRegion>();
  for (const c of candidates) {
    const prev = byRegion.get(c.name);
    if (!prev) { byRegion.set(c.name, c); continue; }
    if (prev.start !== c.start || prev.end !== c.end) {
      problems.push({ code: 'PL-MAP-CONFLICT', message: `${c.name} is ${formatHex(c.start)}–${formatHex(c.end)} in ${c.source} but ${formatHex(prev.start)}–${formatHex(prev.end)} in ${prev.source}; the map shows the first`, start: c.start, end: c.end, file: c.file, line: c.line, column: c.column });
    }
  }
  const list = [...byRegion.values()].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? 1 : -1));
  const regions: WorkspaceRegion[] = [];
  for (const r of list) {
    const prev = regions[regions.length - 1];
    if (prev && r.start <= prev.end) {
      const ovEnd = r.end < prev.end ? r.end : prev.end;
      problems.push({ code: 'PL-MAP-OVERLAP', message: `${r.name} (${r.source}) overlaps ${prev.name} (${prev.source}) from ${formatHex(r.start)} to ${formatHex(ovEnd)}`, start: r.start, end: ovEnd, file: r.file, line: r.line, column: r.column });
      if (r.end <= prev.end) continue;
      regions.push({ ...r, name: `${r.name} (after ${prev.name})`, start: prev.end + 1n });
      continue;
    }
    regions.push(r);
  }
  const locations = new Map(regions.map((r) => [r.name, { file: r.file, line: r.line, column: r.column }]));
  const layout: Layout = {
    id: WORKSPACE_LAYOUT_ID, title: 'Workspace #defines', mode: mode.id,
    description: `Regions from the workspace's START/END/SIZE definitions and linker-script MEMORY regions (${regions.length}).`,
    source: sorted.map((f) => f.file).slice(0, 20), notes: [],
    regions: regions.map(({ file: _f, line: _l, column: _c, ...r }) => r),
    symbols: symbols.slice(0, 5000), origin: 'workspace',
  };
  return { layout, locations, problems };
}

const PAGE_MASK = 0xfffn;

function kindFromName(name: string): RegionKind {
  const n = name.toUpperCase();
  if (/VMALLOC|VMAP|IOREMAP/.test(n)) return 'vmalloc';
  if (/VMEMMAP/.test(n)) return 'vmemmap';
  if (/MODULE/.test(n)) return 'modules';
  if (/HYPERVISOR|XEN/.test(n)) return 'hypervisor';
  if (/KASAN/.test(n)) return 'kasan';
  if (/FIXADDR|FIXMAP/.test(n)) return 'fixmap';
  if (/ESPFIX/.test(n)) return 'espfix';
  if (/CPU_ENTRY/.test(n)) return 'cpu-entry-area';
  if (/EFI/.test(n)) return 'efi';
  if (/PAGE_OFFSET|DIRECT|PHYSMAP|LINEAR/.test(n)) return 'direct-map';
  if (/KERNEL|TEXT|IMAGE/.test(n)) return 'kernel-text';
  if (/USER|TASK/.test(n)) return 'user';
  return 'other';
}
