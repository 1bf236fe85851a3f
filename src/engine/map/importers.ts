// Layouts from a running system and from a workspace's sources. Pure and bounded: these parsers get
// text a person pasted or a file of any size, so they never throw, stop after a fixed number of
// lines/regions, and report what they skipped as one sentence per problem with its line number.
//  - parsePageTableDump: /sys/kernel/debug/page_tables/kernel (and the per-process ptdump files)
//  - parseProcMaps: /proc/PID/maps
//  - parseIomem: /proc/iomem (a physical address map, nested by indentation)
//  - scanDefines / evaluateDefines / deriveWorkspaceLayout: regions from FOO_START/FOO_END/FOO_SIZE
//    #defines and linker-script MEMORY regions; fileMarkers: the constants of one file.
// Bundled for the browser too (see model.ts): paging modules, not the paging index.
import { addressMask, canonicalForm, getMode } from '../paging/modes';
import { formatHex, formatSize } from '../paging/numbers';
import { Layout, LayoutSymbol, Region, RegionKind } from '../paging/types';

export interface ImportProblem {
  /** 1-based line of the input. */
  line: number;
  message: string;
}

export interface ImportResult {
  format: 'ptdump' | 'maps' | 'iomem';
  /** Undefined when nothing usable was found; problems then say why. */
  layout?: Layout;
  problems: ImportProblem[];
  /** Lines read, and whether reading stopped at a limit. */
  lines: number;
  truncated: boolean;
}

export interface ImportLimits {
  maxLines: number;
  maxRegions: number;
  maxLineLength: number;
  /** Problems reported in full; later ones are counted only. */
  maxProblems: number;
}

export const DEFAULT_LIMITS: ImportLimits = { maxLines: 500_000, maxRegions: 100_000, maxLineLength: 4096, maxProblems: 50 };

const U64 = (1n << 64n) - 1n;

class Problems {
  readonly list: ImportProblem[] = [];
  private extra = 0;
  constructor(private readonly limit: number) {}
  add(line: number, message: string): void {
    if (this.list.length < this.limit) this.list.push({ line, message });
    else this.extra++;
  }
  done(): ImportProblem[] {
    if (this.extra) this.list.push({ line: 0, message: `${this.extra} more problem${this.extra === 1 ? '' : 's'} not shown` });
    return this.list;
  }
}

function splitLines(text: string, limits: ImportLimits): { lines: string[]; truncated: boolean } {
  // Split lazily: a 1 GB paste must not become a 1 GB array.
  const lines: string[] = [];
  let at = 0;
  while (at <= text.length && lines.length < limits.maxLines) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    lines.push(text.slice(at, Math.min(nl, at + limits.maxLineLength + 1)).replace(/\r$/, ''));
    at = nl + 1;
  }
  return { lines, truncated: at < text.length };
}

function shortText(s: string): string {
  const t = s.trim();
  return t.length > 60 ? `${t.slice(0, 57)}…` : t;
}

function sortRegions(regions: Region[]): void {
  regions.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** Drops regions that overlap an earlier one (reporting them); keeps the list sorted and disjoint. */
function disjoint(regions: Region[], problems: Problems, lineOf: (r: Region) => number): Region[] {
  sortRegions(regions);
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

/** x86-64 4-level unless an address is canonical only with 5-level paging. */
function guessMode(regions: readonly Region[]): string {
  const m4 = getMode('x86_64-4level')!, m5 = getMode('x86_64-5level')!;
  for (const r of regions) {
    for (const a of [r.start, r.end]) if (canonicalForm(m4, a) !== a && canonicalForm(m5, a) === a) return m5.id;
  }
  return m4.id;
}

function layoutOf(id: string, title: string, description: string, mode: string, regions: Region[], symbols: LayoutSymbol[], origin: string, source: string): Layout {
  return { id, title, mode, description, source: [source], notes: [], regions, symbols, origin };
}

// ---- kernel page-table dump ---------------------------------------------------------------------

/** Kinds for the section names the kernel's ptdump prints (x86 and arm64). */
const SECTION_KINDS: [RegExp, RegionKind][] = [
  [/user/i, 'user'],
  [/kasan/i, 'kasan'],
  [/low kernel|direct|linear/i, 'direct-map'],
  [/vmalloc|vmap/i, 'vmalloc'],
  [/vmemmap/i, 'vmemmap'],
  [/ldt/i, 'ldt-remap'],
  [/cpu entry/i, 'cpu-entry-area'],
  [/espfix/i, 'espfix'],
  [/efi/i, 'efi'],
  [/high kernel|kernel mapping|kernel text|kernel image/i, 'kernel-text'],
  [/module/i, 'modules'],
  [/fixmap/i, 'fixmap'],
  [/vsyscall/i, 'vsyscall'],
  [/pci/i, 'pci-io'],
  [/bpf/i, 'bpf'],
  [/hypervisor|xen/i, 'hypervisor'],
  [/kernel/i, 'kernel'],
];

function sectionKind(name: string): RegionKind {
  return SECTION_KINDS.find(([re]) => re.test(name))?.[1] ?? 'other';
}

const DUMP_LINE = /^\s*0x([0-9a-fA-F]{1,16})-0x([0-9a-fA-F]{1,16})\s+(\d+(?:\.\d+)?[KMGTPE]?)\s*(.*?)\s*$/;
const DUMP_LEVELS = new Set(['pgd', 'p4d', 'pud', 'pmd', 'pte']);
/** x86 flags (USR RW ro PWT PCD PSE GLB NX x) and arm64 ones (UXN PXN AF NG BLK MEM/NORMAL ...). */
const DUMP_FLAGS = /^[A-Za-z][A-Za-z0-9/_-]{0,23}$/;

/**
 * Parse the text of /sys/kernel/debug/page_tables/kernel: `---[ name ]---` section markers and lines
 * `0xSTART-0xEND   SIZE   FLAGS... LEVEL` (END exclusive). Present mappings become regions named after
 * their section and flags; ranges printed without flags (not present) are left as gaps.
 */
export function parsePageTableDump(text: string, opts: { name?: string; limits?: Partial<ImportLimits> } = {}): ImportResult {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(typeof text === 'string' ? text : '', limits);
  const name = opts.name ?? 'page-table dump';
  const regions: Region[] = [];
  const lineNo = new Map<Region, number>();
  const symbols: LayoutSymbol[] = [];
  let section = 'before the first section';
  let sectionSeen = false;
  let recognised = 0;
  let stopped = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const n = i + 1;
    if (!line.trim()) continue;
    if (line.length > limits.maxLineLength) { problems.add(n, `line is longer than ${limits.maxLineLength} characters; skipped`); continue; }
    const sec = /^\s*-+\[\s*(.*?)\s*\]-+\s*$/.exec(line);
    if (sec) {
      section = sec[1] || 'unnamed section';
      sectionSeen = true;
      recognised++;
      // The section starts where its first line starts; remembered when that line comes.
      symbols.push({ name: section, value: -1n, description: `ptdump section marker, line ${n}` });
      continue;
    }
    const m = DUMP_LINE.exec(line);
    if (!m) { problems.add(n, `not a page-table dump line: '${shortText(line)}'`); continue; }
    recognised++;
    const start = BigInt('0x' + m[1]);
    let endEx = BigInt('0x' + m[2]);
    // The last range of the space ends at 2^64, which wraps to 0 in the dump.
    if (endEx === 0n && start > 0n) endEx = 1n << 64n;
    if (endEx <= start) { problems.add(n, `end 0x${m[2]} is not above start 0x${m[1]}; skipped`); continue; }
    const last = symbols[symbols.length - 1];
    if (last && last.value === -1n) last.value = start;
    const words = m[4].split(/\s+/).filter(Boolean);
    const level = words.length && DUMP_LEVELS.has(words[words.length - 1].toLowerCase()) ? words.pop()!.toLowerCase() : undefined;
    const bad = words.find((w) => !DUMP_FLAGS.test(w));
    if (bad) { problems.add(n, `unexpected flag '${shortText(bad)}'; skipped`); continue; }
    if (!words.length) continue; // not present: an unmapped range
    if (regions.length >= limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} mappings; the rest were not read`); stopped = true; break; }
    const flags = words.join(' ');
    const r: Region = {
      name: `${section}: ${flags}`,
      start, end: endEx - 1n,
      kind: sectionKind(section),
      description: `${m[3]} mapped with ${flags}${level ? ` at the ${level.toUpperCase()} level` : ''} (section “${section}”)`,
      source: `${name}:${n}`,
    };
    regions.push(r);
    lineNo.set(r, n);
  }
  if (!sectionSeen && recognised) problems.add(1, 'no ---[ section ]--- markers: region names use no section');
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  const syms = symbols.filter((s) => s.value >= 0n && s.value <= U64);
  if (!cleaned.length) {
    problems.add(0, recognised ? 'the dump has no present mappings' : `no page-table dump lines found (expected lines like '0xffff888000000000-0xffff888000200000  2M  RW  PSE  GLB NX  pmd')`);
    return { format: 'ptdump', problems: problems.done(), lines: lines.length, truncated: truncated || stopped };
  }
  const layout = layoutOf(`import-${slug(name)}`, `Page tables: ${name}`, `Present mappings of a kernel page-table dump (${cleaned.length} ranges).`,
    guessMode(cleaned), cleaned, syms, 'import:ptdump', name);
  if (truncated) problems.add(lines.length, `the input has more than ${limits.maxLines} lines; the rest was not read`);
  return { format: 'ptdump', layout, problems: problems.done(), lines: lines.length, truncated: truncated || stopped };
}

function slug(s: string): string {
  return s.replace(/.*[\\/]/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'input';
}

// ---- /proc/PID/maps -----------------------------------------------------------------------------

const MAPS_LINE = /^([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16})\s+([r-][w-][x-][ps-])\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+:[0-9a-fA-F]+)\s+(\d+)\s*(.*)$/;

/** Parse /proc/PID/maps: one mapping a line, `start-end perms offset dev inode [path]` (end exclusive). */
export function parseProcMaps(text: string, opts: { name?: string; limits?: Partial<ImportLimits> } = {}): ImportResult {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(typeof text === 'string' ? text : '', limits);
  const name = opts.name ?? 'maps';
  const regions: Region[] = [];
  const lineNo = new Map<Region, number>();
  let stopped = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i], n = i + 1;
    if (!line.trim()) continue;
    const m = MAPS_LINE.exec(line.length > limits.maxLineLength ? '' : line);
    if (!m) { problems.add(n, `not a /proc/PID/maps line: '${shortText(line)}'`); continue; }
    const start = BigInt('0x' + m[1]), endEx = BigInt('0x' + m[2]);
    if (endEx <= start) { problems.add(n, `end ${m[2]} is not above start ${m[1]}; skipped`); continue; }
    if (regions.length >= limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} mappings; the rest were not read`); stopped = true; break; }
    const path = m[7].trim();
    const kind: RegionKind = path === '[vsyscall]' ? 'vsyscall' : 'user';
    const r: Region = {
      name: path || `anonymous ${m[3]}`,
      start, end: endEx - 1n, kind,
      description: `${m[3]} offset 0x${m[4]} device ${m[5]} inode ${m[6]}${path ? ` ${path}` : ' (anonymous memory)'}`,
      source: `${name}:${n}`,
    };
    regions.push(r);
    lineNo.set(r, n);
  }
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  if (!cleaned.length) {
    problems.add(0, `no /proc/PID/maps lines found (expected lines like '55d0c8a00000-55d0c8a22000 r--p 00000000 08:01 1311763  /usr/bin/cat')`);
    return { format: 'maps', problems: problems.done(), lines: lines.length, truncated: truncated || stopped };
  }
  const layout = layoutOf(`import-${slug(name)}`, `Process mappings: ${name}`, `Mappings of one process from /proc/PID/maps (${cleaned.length}).`,
    guessMode(cleaned), cleaned, [], 'import:maps', name);
  if (truncated) problems.add(lines.length, `the input has more than ${limits.maxLines} lines; the rest was not read`);
  return { format: 'maps', layout, problems: problems.done(), lines: lines.length, truncated: truncated || stopped };
}

// ---- /proc/iomem --------------------------------------------------------------------------------

const IOMEM_LINE = /^(\s*)([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16})\s*:\s*(.*?)\s*$/;

function iomemKind(name: string): RegionKind {
  if (/^System RAM$/i.test(name)) return 'direct-map';
  if (/^Kernel (code|data|rodata|bss)/i.test(name)) return 'kernel-text';
  if (/PCI|MMCONFIG|ECAM/i.test(name)) return 'pci-io';
  if (/ACPI|EFI|BIOS|Video ROM|System ROM|Adapter ROM/i.test(name)) return 'efi';
  if (/^Reserved$|^reserved$|^Unknown/i.test(name)) return 'unused';
  return 'other';
}

interface IoNode { start: bigint; end: bigint; name: string; indent: number; line: number; children: IoNode[]; path: string[] }

/**
 * Parse /proc/iomem: `start-end : name` (end inclusive), children indented under their parent. Children
 * carve their parent, so the result is disjoint: each byte belongs to its innermost entry.
 */
export function parseIomem(text: string, opts: { name?: string; limits?: Partial<ImportLimits> } = {}): ImportResult {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(typeof text === 'string' ? text : '', limits);
  const name = opts.name ?? 'iomem';
  const roots: IoNode[] = [];
  const stack: IoNode[] = [];
  let zeros = 0, entries = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i], n = i + 1;
    if (!line.trim()) continue;
    const m = IOMEM_LINE.exec(line.length > limits.maxLineLength ? '' : line);
    if (!m) { problems.add(n, `not a /proc/iomem line: '${shortText(line)}'`); continue; }
    const start = BigInt('0x' + m[2]), end = BigInt('0x' + m[3]);
    entries++;
    if (start === 0n && end === 0n) { zeros++; continue; }
    if (end < start) { problems.add(n, `end ${m[3]} is below start ${m[2]}; skipped`); continue; }
    if (entries > limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} entries; the rest were not read`); break; }
    const indent = m[1].replace(/\t/g, '  ').length;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent && (start < parent.start || end > parent.end)) {
      problems.add(n, `${m[4]} (${m[2]}-${m[3]}) is indented under ${parent.name} but lies outside it; read as a top-level entry`);
    }
    const inside = parent && start >= parent.start && end <= parent.end ? parent : undefined;
    const node: IoNode = { start, end, name: m[4] || 'unnamed', indent, line: n, children: [], path: inside ? [...inside.path, inside.name] : [] };
    (inside ? inside.children : roots).push(node);
    stack.push(node);
  }
  if (zeros && zeros === entries) {
    problems.add(1, 'every range is 0-0: /proc/iomem shows real addresses only to root (read it with sudo)');
    return { format: 'iomem', problems: problems.done(), lines: lines.length, truncated };
  }
  const regions: Region[] = [];
  const lineNo = new Map<Region, number>();
  const emit = (node: IoNode, s: bigint, e: bigint) => {
    const r: Region = {
      name: node.name, start: s, end: e, kind: iomemKind(node.name),
      description: `${node.path.length ? `inside ${node.path.join(' › ')}; ` : ''}${formatSize(node.end - node.start + 1n)} entry ${formatHex(node.start)}-${formatHex(node.end)}`,
      source: `${name}:${node.line}`,
    };
    regions.push(r);
    lineNo.set(r, node.line);
  };
  const flatten = (node: IoNode) => {
    const kids = [...node.children].sort((a, b) => (a.start < b.start ? -1 : 1));
    let cur = node.start;
    for (const k of kids) {
      if (k.start < cur) { problems.add(k.line, `${k.name} overlaps an earlier entry inside ${node.name}; skipped`); continue; }
      if (k.start > cur) emit(node, cur, k.start - 1n);
      flatten(k);
      cur = k.end + 1n;
    }
    if (cur <= node.end && !(kids.length && cur === 0n)) emit(node, cur, node.end);
  };
  for (const r of roots) flatten(r);
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  if (!cleaned.length) {
    problems.add(0, `no /proc/iomem lines found (expected lines like '00100000-bffdffff : System RAM')`);
    return { format: 'iomem', problems: problems.done(), lines: lines.length, truncated };
  }
  const layout = layoutOf(`import-${slug(name)}`, `Physical memory: ${name}`, `Physical address map from /proc/iomem (${cleaned.length} ranges); a physical map, so no page-table slots.`,
    'x86_64-4level', cleaned, [], 'import:iomem', name);
  if (truncated) problems.add(lines.length, `the input has more than ${limits.maxLines} lines; the rest was not read`);
  return { format: 'iomem', layout, problems: problems.done(), lines: lines.length, truncated };
}

/** Which importer fits a text: the first 50 non-empty lines decide. */
export function detectFormat(text: string): ImportResult['format'] | undefined {
  const sample = (typeof text === 'string' ? text.slice(0, 64 * 1024) : '').split('\n').filter((l) => l.trim()).slice(0, 50);
  const count = (re: RegExp) => sample.filter((l) => re.test(l)).length;
  const scores: [ImportResult['format'], number][] = [
    ['ptdump', count(DUMP_LINE) + 3 * count(/^\s*-+\[.*\]-+\s*$/)],
    ['maps', count(MAPS_LINE)],
    ['iomem', count(IOMEM_LINE)],
  ];
  scores.sort((a, b) => b[1] - a[1]);
  return scores[0][1] > 0 ? scores[0][0] : undefined;
}

/** Import any of the three formats (detected unless given). */
export function importMemoryMap(text: string, opts: { name?: string; format?: ImportResult['format']; limits?: Partial<ImportLimits> } = {}): ImportResult {
  const format = opts.format ?? detectFormat(text);
  if (format === 'ptdump') return parsePageTableDump(text, opts);
  if (format === 'maps') return parseProcMaps(text, opts);
  if (format === 'iomem') return parseIomem(text, opts);
  return { format: 'ptdump', problems: [{ line: 1, message: 'this is neither a page-table dump, nor /proc/PID/maps, nor /proc/iomem' }], lines: 0, truncated: false };
}
