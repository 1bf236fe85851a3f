// What every memory-map importer shares: the result shape, limits, line splitting, problem lists,
// and the small helpers that turn parsed ranges into a Layout. Pure and bounded: importers get text a
// person pasted or a file of any size, so they never throw, stop after a fixed number of
// lines/regions, and report what they skipped as one sentence per problem with its line number.
// Bundled for the browser too (see ../model.ts): paging modules, not the paging index.
import { canonicalForm, getMode } from '../../paging/modes';
import { formatHex } from '../../paging/numbers';
import { Layout, LayoutSymbol, Region, RegionKind } from '../../paging/types';
import type { SymbolTable } from '../symbols';

/** Every format an importer reads. */
export const IMPORT_FORMATS = [
  'ptdump', 'ptdump-arm64', 'maps', 'iomem', 'vmallocinfo', 'kallsyms', 'system-map',
  'crash-help', 'crash-kmem-v', 'crash-vtop', 'qemu-info-mem', 'qemu-info-tlb', 'qemu-info-mem-riscv',
  'ld-map', 'readelf',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What a person calls each format. */
export const FORMAT_TITLES: Record<ImportFormat, string> = {
  'ptdump': 'x86 kernel page-table dump (/sys/kernel/debug/page_tables/kernel)',
  'ptdump-arm64': 'arm64 kernel page-table dump (/sys/kernel/debug/kernel_page_tables)',
  'maps': '/proc/PID/maps',
  'iomem': '/proc/iomem',
  'vmallocinfo': '/proc/vmallocinfo',
  'kallsyms': '/proc/kallsyms',
  'system-map': 'System.map',
  'crash-help': 'crash help -m / help -k',
  'crash-kmem-v': 'crash kmem -v',
  'crash-vtop': 'crash vtop',
  'qemu-info-mem': 'QEMU monitor info mem (x86)',
  'qemu-info-tlb': 'QEMU monitor info tlb (x86)',
  'qemu-info-mem-riscv': 'QEMU monitor info mem (RISC-V)',
  'ld-map': 'GNU ld -Map output',
  'readelf': 'readelf -lSW',
};

export interface ImportProblem {
  /** 1-based line of the input; 0 for a remark about the whole input. */
  line: number;
  message: string;
}

/** One record of an input, in input order, with exact addresses. */
export interface ImportEntry {
  line: number;
  type: 'mapping' | 'section' | 'segment' | 'memory' | 'value' | 'translation' | 'marker';
  name: string;
  start: bigint;
  /** Inclusive end; absent for a point (a value, a marker). */
  end?: bigint;
  kind?: RegionKind;
  /** Fields of the record as the format prints them (flags, physical address, caller, level, ...). */
  attrs?: Record<string, string>;
}

/** The runtime values a boot can be told apart by; see ../boot.ts. */
export type BootValueName =
  | 'page_offset_base' | 'vmalloc_base' | 'vmemmap_base' | 'vmalloc_end' | 'modules_vaddr' | 'modules_end'
  | 'text_start' | 'kaslr_offset' | 'phys_base' | 'vabits_actual' | 'pgtable_l5_enabled'
  | 'kimage_voffset' | 'memstart_addr';

/** A value an input states about the boot it was taken from. */
export interface BootFact {
  name: BootValueName;
  value: bigint;
  /** 1-based line it was read from. */
  line: number;
  /** How the input says it, for people: "help -m page_offset", "ptdump marker Low Kernel Mapping". */
  how: string;
}

export interface ImportResult {
  format: ImportFormat;
  /** The input's name as given to importMemoryMap (a file name). */
  name?: string;
  /** The picture of the input: sorted, disjoint regions. Undefined when nothing usable was found; problems say why. */
  layout?: Layout;
  problems: ImportProblem[];
  /** Lines read, and whether reading stopped at a limit. */
  lines: number;
  truncated: boolean;
  /** Every record read (ranges may overlap, e.g. segments and sections). Symbol files keep theirs in `symbols`. */
  entries: ImportEntry[];
  /** Symbol files (kallsyms, System.map): the table. */
  symbols?: SymbolTable;
  /** Values the input states about its boot (bases, text address, paging depth). */
  facts: BootFact[];
  /** Records whose addresses the kernel hid from this reader: hashed (%p) or printed as zeros. Never drawn. */
  hidden?: { count: number; firstLine: number; reason: 'hashed' | 'zeroed' };
}

export interface ImportLimits {
  maxLines: number;
  maxRegions: number;
  maxLineLength: number;
  /** Problems reported in full; later ones are counted only. */
  maxProblems: number;
}

export const DEFAULT_LIMITS: ImportLimits = { maxLines: 500_000, maxRegions: 100_000, maxLineLength: 4096, maxProblems: 50 };

export interface ImportOptions {
  /** A name for the input (a file name): region sources, layout ids, format hints. */
  name?: string;
  limits?: Partial<ImportLimits>;
}

export const U64 = (1n << 64n) - 1n;

export class Problems {
  readonly list: ImportProblem[] = [];
  private extra = 0;
  constructor(private readonly limit: number) {}
  add(line: number, message: string): void {
    if (this.list.length < this.limit) this.list.push({ line, message: message.replace(/[\r\n\u2028\u2029]+/g, ' ') });
    else this.extra++;
  }
  get count(): number { return this.list.length + this.extra; }
  done(): ImportProblem[] {
    if (this.extra) this.list.push({ line: 0, message: `${this.extra} more problem${this.extra === 1 ? '' : 's'} not shown` });
    this.extra = 0;
    return this.list;
  }
}

export function limitsOf(opts: ImportOptions): ImportLimits {
  return { ...DEFAULT_LIMITS, ...opts.limits };
}

export function splitLines(text: string, limits: ImportLimits): { lines: string[]; truncated: boolean } {
  // Split lazily: a 1 GB paste must not become a 1 GB array.
  const lines: string[] = [];
  const t = typeof text === 'string' ? text : '';
  let at = 0;
  while (at <= t.length && lines.length < limits.maxLines) {
    let nl = t.indexOf('\n', at);
    if (nl < 0) nl = t.length;
    let line = t.slice(at, Math.min(nl, at + limits.maxLineLength + 1));
    if (line.endsWith('\r')) line = line.slice(0, -1);
    lines.push(line);
    at = nl + 1;
  }
  // A final newline leaves one empty line behind; it is no line of the input.
  if (lines.length && lines[lines.length - 1] === '' && at > t.length) lines.pop();
  return { lines, truncated: at < t.length };
}

/** The first lines of a text, for format detection (cheap on any size). */
export function sampleLines(text: string, max = 200): string[] {
  const t = typeof text === 'string' ? text.slice(0, 128 * 1024) : '';
  const out: string[] = [];
  for (const l of t.split('\n')) {
    if (out.length >= max) break;
    if (l.trim()) out.push(l.replace(/\r$/, ''));
  }
  return out;
}

export function shortText(s: string): string {
  const t = s.trim();
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

export function byStart(a: { start: bigint }, b: { start: bigint }): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}

/** Drops regions that overlap an earlier one (reporting them); returns them sorted and disjoint. */
export function disjoint(regions: Region[], problems: Problems, lineOf: (r: Region) => number): Region[] {
  regions.sort(byStart);
  const out: Region[] = [];
  for (const r of regions) {
    const prev = out[out.length - 1];
    if (prev && r.start <= prev.end) {
      problems.add(lineOf(r), `${formatHex(r.start)}-${formatHex(r.end + 1n)} overlaps the range before it (${prev.name}); skipped`);
      continue;
    }
    out.push(r);
  }
  return out;
}

/**
 * Disjoint regions from ranges that may nest (a kernel image inside vmalloc space): a range inside an
 * earlier, larger one carves it; ranges that overlap without nesting are reported and dropped.
 */
export function nestRegions(regions: Region[], problems: Problems, lineOf: (r: Region) => number): Region[] {
  const bySize = [...regions].sort((a, b) => { const d = (b.end - b.start) - (a.end - a.start); return d > 0n ? 1 : d < 0n ? -1 : 0; });
  let out: Region[] = [];
  for (const r of bySize) {
    const hit = out.filter((o) => o.start <= r.end && r.start <= o.end);
    if (hit.length === 1 && hit[0].start <= r.start && hit[0].end >= r.end) {
      const c = hit[0];
      const pieces: Region[] = [];
      if (c.start < r.start) pieces.push({ ...c, end: r.start - 1n });
      if (c.end > r.end) pieces.push({ ...c, start: r.end + 1n, name: pieces.length ? `${c.name} (after ${r.name})` : c.name });
      out = out.filter((o) => o !== c).concat(pieces, [r]);
    } else if (hit.length) {
      problems.add(lineOf(r), `${formatHex(r.start)}-${formatHex(r.end)} (${r.name}) overlaps ${hit[0].name} without lying inside it; skipped`);
    } else out.push(r);
  }
  return out.sort(byStart);
}

/** x86-64 4-level unless an address is canonical only with 5-level paging. */
export function guessX86Mode(addresses: Iterable<bigint>): string {
  const m4 = getMode('x86_64-4level')!, m5 = getMode('x86_64-5level')!;
  for (const a of addresses) if (a <= U64 && canonicalForm(m4, a) !== a && canonicalForm(m5, a) === a) return m5.id;
  return m4.id;
}

export function* regionEnds(regions: readonly Region[]): Generator<bigint> {
  for (const r of regions) { yield r.start; yield r.end; }
}

export function slug(s: string): string {
  return s.replace(/.*[\\/]/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'input';
}

export function layoutOf(name: string, title: string, description: string, mode: string, regions: Region[], symbols: LayoutSymbol[], format: ImportFormat): Layout {
  return { id: `import-${slug(name)}`, title, mode, description, source: [name], notes: [], regions, symbols, origin: `import:${format}` };
}

/** An entry per region, for formats whose records are their regions. */
export function entriesOf(regions: readonly Region[], lineOf: (r: Region) => number, type: ImportEntry['type'] = 'mapping'): ImportEntry[] {
  return regions.map((r) => ({ line: lineOf(r), type, name: r.name, start: r.start, end: r.end, kind: r.kind }));
}

/** Hex digits (no prefix) to a BigInt; undefined when not 1-16 hex digits. */
export function hexValue(s: string | undefined): bigint | undefined {
  if (!s || !/^(?:0[xX])?[0-9a-fA-F]{1,16}$/.test(s)) return undefined;
  return BigInt(s.startsWith('0x') || s.startsWith('0X') ? s : '0x' + s);
}

/**
 * A pointer printed with %p by a kernel that hashes pointers: 32 significant bits after eight zero
 * digits on a 64-bit kernel (`00000000c51c562f`), or the placeholder printed before the hash key exists.
 */
export function looksHashed(digits: string): boolean {
  return /^0{8}[0-9a-f]{8}$/.test(digits) || digits === '(____ptrval____)' || digits === '____ptrval____';
}

/** Result for an input with nothing usable. */
export function emptyResult(format: ImportFormat, problems: Problems, lines: number, truncated: boolean, extra: Partial<ImportResult> = {}): ImportResult {
  return { format, problems: problems.done(), lines, truncated, entries: [], facts: [], ...extra };
}

/** Adds the "more lines than the limit" note when reading stopped early. */
export function noteTruncation(problems: Problems, truncated: boolean, lines: number, limits: ImportLimits): void {
  if (truncated) problems.add(lines, `the input has more than ${limits.maxLines} lines; the rest was not read`);
}
