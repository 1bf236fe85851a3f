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

// ---- #defines of a workspace ---------------------------------------------------------------------

export interface Define {
  name: string;
  /** The replacement text with comments removed and continuations joined. */
  body: string;
  /** 0-based line and column of the name. */
  line: number;
  column: number;
  file: string;
}

/**
 * The object-like macros of a C/assembly file, `NAME = value;` assignments of a linker script and
 * `NAME equ value` of NASM, honouring simple `#ifdef`/`#ifndef`/`#if`/`#else`/`#endif` nesting
 * (an undefined CONFIG_ macro is false). Bounded to 20,000 lines of up to 2,000 characters.
 */
export function scanDefines(text: string, file: string): Define[] {
  const out: Define[] = [];
  const lines = (typeof text === 'string' ? text : '').split('\n', 20_000);
  const defined = new Set<string>();
  const values = new Map<string, string>();
  // Each frame: is this branch active, was any branch of this #if taken, was the parent active.
  const stack: { active: boolean; taken: boolean; parent: boolean }[] = [];
  const active = () => (stack.length ? stack[stack.length - 1].active : true);
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i].length > 2000 ? '' : lines[i];
    const startLine = i;
    while (raw.endsWith('\\') && i + 1 < lines.length) raw = raw.slice(0, -1) + ' ' + lines[++i];
    // Strip comments, tracking /* */ across lines.
    let line = '';
    for (let j = 0; j < raw.length; j++) {
      if (inComment) { if (raw.startsWith('*/', j)) { inComment = false; j++; } continue; }
      if (raw.startsWith('/*', j)) { inComment = true; j++; continue; }
      if (raw.startsWith('//', j)) break;
      line += raw[j];
    }
    const d = /^\s*#\s*(\w+)\s*(.*)$/.exec(line);
    if (d) {
      const [, dir, rest] = d;
      if (dir === 'ifdef' || dir === 'ifndef') {
        const has = defined.has(rest.trim().split(/\s/)[0]);
        const cond = dir === 'ifdef' ? has : !has;
        stack.push({ active: active() && cond, taken: cond, parent: active() });
      } else if (dir === 'if') {
        const cond = evalCondition(rest, defined, values);
        stack.push({ active: active() && cond, taken: cond, parent: active() });
      } else if (dir === 'elif') {
        const top = stack[stack.length - 1];
        if (top) { const cond = !top.taken && evalCondition(rest, defined, values); top.active = top.parent && cond; top.taken ||= cond; }
      } else if (dir === 'else') {
        const top = stack[stack.length - 1];
        if (top) { top.active = top.parent && !top.taken; top.taken = true; }
      } else if (dir === 'endif') stack.pop();
      else if (dir === 'define' && active()) {
        const m = /^([A-Za-z_]\w*)(\(?)(.*)$/.exec(rest);
        if (m && !m[2]) {
          const col = lines[startLine].indexOf(m[1]);
          out.push({ name: m[1], body: m[3].trim().replace(/\s+/g, ' '), line: startLine, column: Math.max(0, col), file });
          defined.add(m[1]);
          values.set(m[1], m[3].trim());
        } else if (m) defined.add(m[1]);
      } else if (dir === 'undef' && active()) defined.delete(rest.trim());
      continue;
    }
    if (!active()) continue;
    const ld = /^\s*([A-Za-z_.$][\w.$]*)\s*=\s*([^;=][^;]*);/.exec(line);
    const nasm = /^\s*([A-Za-z_.$?][\w.$?#@~]*)\s*:?\s+equ\s+(.+?)\s*$/i.exec(line);
    const pct = /^\s*%\s*(?:x|i)?define\s+([A-Za-z_]\w*)\s+(.+?)\s*$/.exec(line);
    const asmSet = /^\s*\.(?:set|equ)\s+([A-Za-z_.$][\w.$]*)\s*,\s*(.+?)\s*$/.exec(line);
    const hit = ld ?? nasm ?? pct ?? asmSet;
    if (hit && hit[1] !== '.') {
      out.push({ name: hit[1], body: hit[2].trim(), line: startLine, column: Math.max(0, lines[startLine].indexOf(hit[1])), file });
      defined.add(hit[1]);
      values.set(hit[1], hit[2].trim());
    }
  }
  return out;
}

function evalCondition(expr: string, defined: Set<string>, values: Map<string, string>): boolean {
  const replaced = expr.replace(/defined\s*\(?\s*([A-Za-z_]\w*)\s*\)?/g, (_, n) => (defined.has(n) ? '1' : '0'));
  const v = evaluateExpr(replaced, (n) => values.get(n), 0);
  return v !== undefined && v !== 0n;
}

/** Linux/C idioms that are functions of their argument(s). */
const FUNCTIONS: Record<string, (args: bigint[]) => bigint | undefined> = {
  _AC: (a) => a[0], _AT: (a) => a[1], UL: (a) => a[0], ULL: (a) => a[0], _UL: (a) => a[0], _ULL: (a) => a[0], U64_C: (a) => a[0],
  BIT: (a) => (a[0] < 64n ? 1n << a[0] : undefined), BIT_ULL: (a) => (a[0] < 64n ? 1n << a[0] : undefined),
  GENMASK: (a) => (a[0] < 64n && a[1] <= a[0] ? ((1n << (a[0] - a[1] + 1n)) - 1n) << a[1] : undefined),
  GENMASK_ULL: (a) => (a[0] < 64n && a[1] <= a[0] ? ((1n << (a[0] - a[1] + 1n)) - 1n) << a[1] : undefined),
  ALIGN: (a) => (a[1] ? ((a[0] + a[1] - 1n) / a[1]) * a[1] : undefined),
};

const SZ = /^SZ_(\d+)([KMGT]?)$/;

/**
 * Evaluate a constant expression over 64-bit unsigned integers: literals with C/ld suffixes, names
 * (looked up, to depth 16), _AC()/UL()/BIT()/GENMASK(), casts to integer types, + - * / % << >> & | ^ ~ ( ).
 * Undefined for anything it cannot evaluate exactly.
 */
export function evaluateExpr(text: string, lookup: (name: string) => string | undefined, depth = 0): bigint | undefined {
  if (depth > 16 || text.length > 1000) return undefined;
  const toks = text.match(/0[xX][0-9a-fA-F_']+[uUlL]*|\d[\d_']*[uUlLkKmM]*|[A-Za-z_]\w*|<<|>>|&&|\|\||[-+*/%&|^~()!,<>]|\S/g) ?? [];
  let pos = 0;
  const mask = U64;
  const peek = () => toks[pos];
  const next = () => toks[pos++];
  const fail = (): never => { throw new Error('x'); };
  const literal = (t: string): bigint => {
    let m = /^0[xX]([0-9a-fA-F_']+?)([uUlL]*)$/.exec(t);
    // A literal wider than 64 bits is not a value (C: "integer constant is too large").
    if (m) { const h = BigInt('0x' + m[1].replace(/[_']/g, '')); return h > mask ? fail() : h; }
    m = /^(\d[\d_']*?)([uUlL]*|[kKmM])$/.exec(t);
    if (!m) return fail();
    let v = BigInt(m[1].replace(/[_']/g, ''));
    if (/^[kK]$/.test(m[2])) v *= 1024n;
    if (/^[mM]$/.test(m[2])) v *= 1024n * 1024n;
    return v > mask ? fail() : v;
  };
  const primaryExpr = (): bigint => {
    const t = next();
    if (t === undefined) return fail();
    if (t === '(') {
      // A cast: (unsigned long), (u64), (phys_addr_t)... is skipped.
      const save = pos;
      const words: string[] = [];
      while (peek() && /^[A-Za-z_]\w*$/.test(peek())) words.push(next());
      if (words.length && peek() === ')' && words.every((w) => /^(unsigned|signed|long|int|u64|u32|uint64_t|uintptr_t|phys_addr_t|size_t|__u64|pgdval_t|pteval_t|pmdval_t|pudval_t)$/.test(w))) {
        next();
        return unary();
      }
      pos = save;
      const v = expr(0);
      if (next() !== ')') fail();
      return v;
    }
    if (/^\d/.test(t)) return literal(t);
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === '(' && FUNCTIONS[t]) {
        next();
        const args: bigint[] = [];
        // _AC(X, UL): the second argument is a suffix, not an expression.
        if (t === '_AC') { args.push(expr(0)); if (next() !== ',') fail(); next(); if (next() !== ')') fail(); return args[0]; }
        if (peek() !== ')') { args.push(expr(0)); while (peek() === ',') { next(); args.push(expr(0)); } }
        if (next() !== ')') fail();
        return FUNCTIONS[t](args) ?? fail();
      }
      const sz = SZ.exec(t);
      if (sz && lookup(t) === undefined) return BigInt(sz[1]) * ({ '': 1n, K: 1024n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n } as Record<string, bigint>)[sz[2]];
      const body = lookup(t);
      if (body === undefined) return fail();
      const v = evaluateExpr(body, lookup, depth + 1);
      return v ?? fail();
    }
    return fail();
  };
  const unary = (): bigint => {
    const t = peek();
    if (t === '-') { next(); return (-unary()) & mask; }
    if (t === '+') { next(); return unary(); }
    if (t === '~') { next(); return ~unary() & mask; }
    if (t === '!') { next(); return unary() === 0n ? 1n : 0n; }
    return primaryExpr();
  };
  const PREC: Record<string, number> = { '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '<': 7, '>': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10 };
  const expr = (minPrec: number): bigint => {
    let left = unary();
    for (;;) {
      const op = peek();
      const p = op !== undefined ? PREC[op] : undefined;
      if (p === undefined || p < minPrec) return left;
      next();
      const right = expr(p + 1);
      switch (op) {
        case '+': left = (left + right) & mask; break;
        case '-': left = (left - right) & mask; break;
        case '*': left = (left * right) & mask; break;
        case '/': if (!right) fail(); left = left / right; break;
        case '%': if (!right) fail(); left = left % right; break;
        case '<<': left = right >= 64n ? 0n : (left << right) & mask; break;
        case '>>': left = right >= 64n ? 0n : left >> right; break;
        case '&': left &= right; break;
        case '|': left |= right; break;
        case '^': left ^= right; break;
        case '&&': left = left && right ? 1n : 0n; break;
        case '||': left = left || right ? 1n : 0n; break;
        case '<': left = left < right ? 1n : 0n; break;
        case '>': left = left > right ? 1n : 0n; break;
      }
    }
  };
  try {
    const v = expr(0);
    return pos === toks.length ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface EvaluatedDefine extends Define {
  value: bigint;
}

/** Values of the defines that evaluate to a constant, names resolved across the given defines. */
export function evaluateDefines(defs: readonly Define[], extra: readonly Define[] = []): EvaluatedDefine[] {
  const bodies = new Map<string, string>();
  for (const d of [...extra, ...defs]) if (!bodies.has(d.name) || defs.includes(d)) bodies.set(d.name, d.body);
  const out: EvaluatedDefine[] = [];
  for (const d of defs) {
    const v = evaluateExpr(d.body, (n) => bodies.get(n));
    if (v !== undefined) out.push({ ...d, value: v });
  }
  return out;
}

/** Names that hold sizes, shifts or masks rather than addresses. */
const NOT_ADDRESS = /(?:_SIZE|_LEN|_SHIFT|_BITS|_MASK|_ORDER|_NR|_TB|_GB|_MB|_KB|_PAGES|_COUNT|_ALIGN|_MAX|_MIN)(?:_L\d)?$|^(?:SZ_|PAGE_|PMD_|PUD_|PGDIR_|P4D_|PTRS_)/;

/** The address-like constants of one file: markers for the map. */
export function fileMarkers(text: string, file: string, minValue = 0x10000n): EvaluatedDefine[] {
  const defs = scanDefines(text, file);
  const vals = evaluateDefines(defs).filter((d) => d.value >= minValue && !NOT_ADDRESS.test(d.name));
  const seen = new Set(vals.map((d) => `${d.line}:${d.column}`));
  // Plain address literals outside definitions, e.g. `. = 0xffffffff81000000;` or `mov $0x..., %rax`.
  const lines = (typeof text === 'string' ? text : '').split('\n', 20_000);
  const defLines = new Set(defs.map((d) => d.line));
  let n = 0;
  let inComment = false;
  for (let i = 0; i < lines.length && n < 2000; i++) {
    if (lines[i].length > 2000) continue;
    // Blank out comments (keeping columns), tracking /* */ across lines.
    let code = '';
    const l = lines[i];
    for (let j = 0; j < l.length; j++) {
      if (inComment) { if (l.startsWith('*/', j)) { inComment = false; code += '  '; j++; } else code += ' '; continue; }
      if (l.startsWith('/*', j)) { inComment = true; code += '  '; j++; continue; }
      if (l.startsWith('//', j)) break;
      code += l[j];
    }
    if (defLines.has(i) || /^\s*[#%]/.test(code)) continue;
    for (const m of code.matchAll(/\b0[xX][0-9a-fA-F]{5,16}(?:[uU]?[lL]{0,2})\b/g)) {
      const v = BigInt(m[0].replace(/[uUlL]+$/, ''));
      if (v < minValue || seen.has(`${i}:${m.index}`)) continue;
      vals.push({ name: m[0], body: m[0], line: i, column: m.index!, file, value: v });
      n++;
    }
  }
  return vals.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
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
    const defs = scanDefines(f.text, f.file);
    const vals = evaluateDefines(defs);
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
    // GNU ld MEMORY { name (attr) : ORIGIN = x, LENGTH = y }
    const lines = f.text.split('\n', 20_000);
    lines.forEach((l, i) => {
      const mm = /^\s*([A-Za-z_]\w*)\s*(?:\([^)]*\))?\s*:\s*(?:ORIGIN|org|o)\s*=\s*([^,]+),\s*(?:LENGTH|len|l)\s*=\s*([^\s/]+)/.exec(l);
      if (!mm) return;
      const lookup = (n: string) => byName.get(n)?.body;
      const o = evaluateExpr(mm[2], lookup), len = evaluateExpr(mm[3], lookup);
      if (o === undefined || !len || o + len - 1n > limit) return;
      candidates.push({ name: mm[1], start: o, end: o + len - 1n, kind: kindFromName(mm[1]), description: `Linker-script MEMORY region (ORIGIN ${formatHex(o)}, LENGTH ${formatSize(len)}).`, source: `${f.file}:${i + 1}`, file: f.file, line: i, column: l.indexOf(mm[1]) });
    });
    for (const d of vals) if (d.value >= 0x10000n && !NOT_ADDRESS.test(d.name) && d.value <= limit) symbols.push({ name: d.name, value: d.value, description: `${f.file}:${d.line + 1}` });
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
