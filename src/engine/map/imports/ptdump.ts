// Kernel page-table dumps, x86 and arm64.
//  - x86 (/sys/kernel/debug/page_tables/kernel, current_kernel, efi): `---[ name ]---` markers and lines
//    `0xSTART-0xEND   SIZE FLAGS... level` with the level (pgd p4d pud pmd pte) last;
//  - arm64 (/sys/kernel/debug/kernel_page_tables): `---[ X start ]---` / `---[ X end ]---` markers and
//    lines `0xSTART-0xEND   SIZE LEVEL FLAGS...` with the level (PGD P4D PUD PMD PTE) right after the size.
// END is exclusive in both. Ranges printed without flags are not present and stay gaps.
import { getMode } from '../../paging/modes';
import { Region, RegionKind, LayoutSymbol } from '../../paging/types';
import {
  BootFact, disjoint, emptyResult, entriesOf, guessX86Mode, ImportEntry, ImportOptions, ImportResult, layoutOf, limitsOf,
  noteTruncation, Problems, regionEnds, shortText, splitLines, U64,
} from './common';

/** Kinds for the section names the kernel's ptdump prints (x86 and arm64). */
const SECTION_KINDS: [RegExp, RegionKind][] = [
  [/^after /i, 'other'],
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

export function sectionKind(name: string): RegionKind {
  return SECTION_KINDS.find(([re]) => re.test(name))?.[1] ?? 'other';
}

export const DUMP_LINE = /^\s*0x([0-9a-fA-F]{1,16})-0x([0-9a-fA-F]{1,16})\s+(\d+(?:\.\d+)?[BKMGTPE]?)\s*(.*?)\s*$/;
export const DUMP_MARKER = /^\s*-+\[\s*(.*?)\s*\]-+\s*$/;
const SKIPPED = /^\s*\.\.\.\s*\d+\s+entr(?:y|ies)\s+skipped\s*\.\.\.\s*$/;
const X86_LEVELS = new Set(['pgd', 'p4d', 'pud', 'pmd', 'pte', 'cr3']);
const ARM_LEVELS = new Set(['PGD', 'P4D', 'PUD', 'PMD', 'PTE', '---']);
/** x86 flags (USR RW ro PWT PCD PSE PAT GLB NX x) and arm64 ones (UXN PXN AF NG BLK MEM/NORMAL ...). */
const DUMP_FLAGS = /^[A-Za-z][A-Za-z0-9/_-]{0,23}$/;

/** Boot values the x86 markers start at (all three bases are PUD-aligned). */
const X86_BASE_MARKERS: Record<string, BootFact['name']> = {
  'low kernel mapping': 'page_offset_base',
  'vmalloc() area': 'vmalloc_base',
  'vmemmap': 'vmemmap_base',
};

/** Symbols the arm64 markers name. */
const ARM_MARKER_SYMBOLS: Record<string, string> = {
  'linear mapping start': 'PAGE_OFFSET', 'linear mapping end': 'PAGE_END', 'modules start': 'MODULES_VADDR',
  'modules end': 'MODULES_END', 'vmalloc() area': 'VMALLOC_START', 'vmalloc() end': 'VMALLOC_END',
  'fixmap start': 'FIXADDR_START', 'fixmap end': 'FIXADDR_TOP', 'pci i/o start': 'PCI_IO_START', 'pci i/o end': 'PCI_IO_END',
  'vmemmap start': 'VMEMMAP_START', 'vmemmap end': 'VMEMMAP_END', 'kasan shadow start': 'KASAN_SHADOW_START',
  'kasan shadow end': 'KASAN_SHADOW_END', 'bpf start': 'BPF_JIT_REGION_START', 'bpf end': 'BPF_JIT_REGION_END',
};

const UNIT_SHIFT: Record<string, bigint> = { '': 0n, B: 0n, K: 10n, M: 20n, G: 30n, T: 40n, P: 50n, E: 60n };

interface Marker { name: string; line: number; value: bigint; level?: string }

/** arm64 when the level word comes right after the size in most lines. */
function dialectOf(lines: readonly string[]): 'x86' | 'arm64' {
  let arm = 0, x86 = 0;
  for (let i = 0; i < lines.length && arm + x86 < 200; i++) {
    const m = DUMP_LINE.exec(lines[i]);
    if (!m) continue;
    const words = m[4].split(/\s+/).filter(Boolean);
    if (words.length && ARM_LEVELS.has(words[0])) arm++;
    else if (words.length && X86_LEVELS.has(words[words.length - 1])) x86++;
  }
  return arm > x86 ? 'arm64' : 'x86';
}

/** An arm64 paging mode from PAGE_OFFSET (or the lowest kernel address) and the page sizes the dump shows. */
function arm64Mode(regions: readonly Region[], pageOffset: bigint | undefined, sizes: { pte: Set<bigint>; pmd: Set<bigint> }, problems: Problems): string {
  let low = pageOffset ?? U64;
  if (pageOffset === undefined) for (const r of regions) if (r.start >= 1n << 63n && r.start < low) low = r.start;
  // The kernel half starts at PAGE_OFFSET = -(1 << VA_BITS): VA_BITS is 64 minus its leading one bits.
  let ones = 0;
  while (ones < 64 && (low >> BigInt(63 - ones)) & 1n) ones++;
  const va = 64 - ones;
  const notMultiple = (set: Set<bigint>, unit: bigint) => [...set].some((s) => s % unit !== 0n);
  // 4 KiB granule: PTE ranges of any multiple of 4 KiB, PMD blocks of 2 MiB; 64 KiB granule: 64 KiB and 512 MiB.
  const small = notMultiple(sizes.pte, 0x10000n) || notMultiple(sizes.pmd, 0x20000000n);
  const evident = small || sizes.pte.size > 0 || sizes.pmd.size > 0;
  const candidates: Record<number, string[]> = { 39: ['arm64-4k-39'], 42: ['arm64-64k-42'], 47: ['arm64-16k-47'], 48: small ? ['arm64-4k-48'] : ['arm64-64k-48', 'arm64-4k-48'], 52: ['arm64-64k-52'] };
  const list = candidates[va] ?? [];
  const pick = list[0];
  if (!pick || !getMode(pick)) {
    problems.add(0, `the lowest kernel address does not match a known arm64 VA size (${va} bits); the map uses arm64-4k-48`);
    return 'arm64-4k-48';
  }
  if (list.length > 1 && !evident) problems.add(0, `the dump does not show the page size (no PTE or PMD ranges); the map uses ${pick}`);
  return pick;
}

/**
 * Parse a kernel page-table dump (x86 or arm64). Present mappings become regions named after their
 * section and flags; ranges printed without flags (not present) are left as gaps. Markers become layout
 * symbols at the start of the range that follows them; on x86 the direct-map, vmalloc and vmemmap markers
 * give this boot's page_offset_base, vmalloc_base and vmemmap_base.
 */
export function parsePageTableDump(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'page-table dump';
  const dialect = dialectOf(lines);
  const format = dialect === 'arm64' ? 'ptdump-arm64' : 'ptdump';
  const regions: Region[] = [];
  const lineNo = new Map<Region, number>();
  const markers: Marker[] = [];
  const entries: ImportEntry[] = [];
  const sizes = { pte: new Set<bigint>(), pmd: new Set<bigint>() };
  let section = 'before the first section';
  let sectionSeen = false;
  let recognised = 0;
  let stopped = false;
  let pending: Marker | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const n = i + 1;
    if (!line.trim()) continue;
    if (line.length > limits.maxLineLength) { problems.add(n, `line is longer than ${limits.maxLineLength} characters; skipped`); continue; }
    const sec = DUMP_MARKER.exec(line);
    if (sec) {
      const label = sec[1] || 'unnamed section';
      // arm64 closes an area with "X end": what follows is outside it.
      section = dialect === 'arm64' && / end$/i.test(label) ? `after ${label.replace(/ end$/i, '')}` : label.replace(/ start$/i, '');
      sectionSeen = true;
      recognised++;
      pending = { name: label, line: n, value: -1n };
      markers.push(pending);
      continue;
    }
    if (SKIPPED.test(line)) { recognised++; continue; }
    const m = DUMP_LINE.exec(line);
    if (!m) { problems.add(n, `not a page-table dump line: '${shortText(line)}'`); continue; }
    recognised++;
    const start = BigInt('0x' + m[1]);
    let endEx = BigInt('0x' + m[2]);
    // The last range of the space ends at 2^64, which wraps to 0 in the dump.
    if (endEx === 0n && start > 0n) endEx = 1n << 64n;
    if (endEx <= start) { problems.add(n, `end 0x${m[2]} is not above start 0x${m[1]}; skipped`); continue; }
    const words = m[4].split(/\s+/).filter(Boolean);
    let level: string | undefined;
    if (dialect === 'arm64' && words.length && ARM_LEVELS.has(words[0])) level = words.shift()!;
    else if (words.length && X86_LEVELS.has(words[words.length - 1].toLowerCase())) level = words.pop()!;
    if (pending) { pending.value = start; pending.level = level?.toLowerCase(); pending = undefined; }
    const bad = words.find((w) => !DUMP_FLAGS.test(w));
    if (bad) { problems.add(n, `unexpected flag '${shortText(bad)}'; skipped`); continue; }
    const size = /^(\d+)([BKMGTPE]?)$/.exec(m[3]);
    const lv = level?.toLowerCase();
    if (size && words.length && (lv === 'pte' || lv === 'pmd')) sizes[lv].add(BigInt(size[1]) << UNIT_SHIFT[size[2]]);
    // Not present: no flags, or arm64's "F" (an entry with attributes but without the valid bit).
    if (!words.length || words.includes('F')) continue;
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
    entries.push({ line: n, type: 'mapping', name: r.name, start: r.start, end: r.end, kind: r.kind, attrs: { size: m[3], flags, ...(level ? { level } : {}) } });
  }
  if (!sectionSeen && recognised) problems.add(1, 'no ---[ section ]--- markers: region names use no section');
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  const placed = markers.filter((mk) => mk.value >= 0n && mk.value <= U64);
  const symbols: LayoutSymbol[] = placed.map((mk) => ({
    name: dialect === 'arm64' ? ARM_MARKER_SYMBOLS[mk.name.toLowerCase()] ?? mk.name : mk.name,
    value: mk.value,
    description: `ptdump section marker “${mk.name}”, line ${mk.line}`,
  }));
  const markerEntries: ImportEntry[] = placed.map((mk) => ({ line: mk.line, type: 'marker', name: mk.name, start: mk.value }));
  const allEntries = [...markerEntries, ...entries].sort((a, b) => a.line - b.line);
  const facts: BootFact[] = [];
  if (dialect === 'x86') {
    for (const mk of placed) {
      const fact = X86_BASE_MARKERS[mk.name.toLowerCase()];
      if (!fact) continue;
      // The range after a marker starts at the first address the walk reached at or above the marker. Below
      // the top levels that walk is finer than the bases' 1 GiB alignment, so the start is the base itself.
      if (mk.level && !['pgd', 'p4d', 'cr3'].includes(mk.level)) facts.push({ name: fact, value: mk.value, line: mk.line, how: `ptdump marker “${mk.name}”` });
      else problems.add(mk.line, `the range after “${mk.name}” is a top-level entry, so ${fact} is only known to be at or below ${'0x' + mk.value.toString(16)}; not used as a boot value`);
    }
  }
  if (!cleaned.length) {
    problems.add(0, recognised ? 'the dump has no present mappings' : `no page-table dump lines found (expected lines like '0xffff888000000000-0xffff888000200000  2M  RW  PSE  GLB NX  pmd')`);
    return emptyResult(format, problems, lines.length, truncated || stopped, { entries: allEntries, facts });
  }
  const linear = placed.find((mk) => /^linear mapping start$/i.test(mk.name))?.value;
  const mode = dialect === 'arm64' ? arm64Mode(cleaned, linear, sizes, problems) : guessX86Mode(regionEnds(cleaned));
  if (dialect === 'x86' && mode === 'x86_64-5level') facts.push({ name: 'pgtable_l5_enabled', value: 1n, line: 0, how: 'addresses canonical only with 5-level paging' });
  const layout = layoutOf(name, `Page tables: ${name}`, `Present mappings of a kernel page-table dump (${cleaned.length} ranges).`, mode, cleaned, symbols, format);
  noteTruncation(problems, truncated, lines.length, limits);
  return { format, layout, problems: problems.done(), lines: lines.length, truncated: truncated || stopped, entries: allEntries.length ? allEntries : entriesOf(cleaned, (r) => lineNo.get(r) ?? 0), facts };
}

/** Detection score: dump lines plus markers. */
export function sniffPtdump(sample: readonly string[]): number {
  let s = 0;
  for (const l of sample) if (DUMP_LINE.test(l)) s++; else if (DUMP_MARKER.test(l)) s += 3;
  return s;
}
