// The crash utility's views of a kernel (a vmcore or a live system):
//  - `help -m` (machine-specific data, `key: value` lines; hex without 0x) and `help -k` (its `relocate:`
//    line carries the KASLR offset): this boot's bases, VA width, arm64 kimage_voffset/phys_offset;
//  - `kmem -v`: the vmap areas, `[VMAP_AREA]  VM_STRUCT  START - END  SIZE` (END exclusive);
//  - `vtop ADDR`: a translation and its page-table walk, `VIRTUAL  PHYSICAL` then the walk.
import { formatHex, formatSize } from '../../paging/numbers';
import { Region, RegionKind } from '../../paging/types';
import {
  BootFact, BootValueName, byStart, disjoint, nestRegions, emptyResult, guessX86Mode, hexValue, ImportEntry, ImportOptions, ImportResult, layoutOf,
  limitsOf, noteTruncation, Problems, regionEnds, shortText, splitLines,
} from './common';

const PROMPT = /^\s*crash>\s?/;
const KEY_VALUE = /^\s*([A-Za-z_.][\w.]*(?:\[[\w%]*\])*(?:\s[A-Za-z_]\w*)?|(?:\[[\w%]*\])+)\s*:(?:\s(.*?))?\s*$/;
const HEX_WORDS = /^\s*(?:[0-9a-fA-F]{8,16}\s+)*[0-9a-fA-F]{8,16}\s*$/;

/** help -m keys that are boot values (values are hex unless marked decimal). */
const HELP_VALUES: Record<string, { name: BootValueName; decimal?: boolean }> = {
  page_offset: { name: 'page_offset_base' },
  vmalloc_start_addr: { name: 'vmalloc_base' },
  vmalloc_end: { name: 'vmalloc_end' },
  vmemmap_vaddr: { name: 'vmemmap_base' },
  modules_vaddr: { name: 'modules_vaddr' },
  modules_end: { name: 'modules_end' },
  phys_base: { name: 'phys_base' },
  kimage_voffset: { name: 'kimage_voffset' },
  phys_offset: { name: 'memstart_addr' },
  kimage_text: { name: 'text_start' },
  VA_BITS_ACTUAL: { name: 'vabits_actual', decimal: true },
};

/** Ranges help -m gives as start/end pairs. crash prints inclusive ends (…fff); a page-aligned end is exclusive. */
const HELP_RANGES: [string, string, string, RegionKind][] = [
  ['vmalloc_start_addr', 'vmalloc_end', 'vmalloc', 'vmalloc'],
  ['vmemmap_vaddr', 'vmemmap_end', 'vmemmap', 'vmemmap'],
  ['modules_vaddr', 'modules_end', 'modules', 'modules'],
  ['kimage_text', 'kimage_end', 'kernel image', 'kernel-text'],
  ['cpu_entry_area_start', 'cpu_entry_area_end', 'cpu_entry_area', 'cpu-entry-area'],
];

function endOf(v: bigint): bigint {
  return (v & 0xfffn) === 0n ? v - 1n : v;
}

/** Parse crash `help -m` (and `help -k`) output. */
export function parseCrashHelp(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'crash help -m';
  const values = new Map<string, { raw: string; line: number }>();
  const entries: ImportEntry[] = [];
  const facts: BootFact[] = [];
  let recognised = 0;
  let arch: 'x86_64' | 'arm64' | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i], n = i + 1;
    if (!raw.trim()) continue;
    if (raw.length > limits.maxLineLength) { problems.add(n, `line is longer than ${limits.maxLineLength} characters; skipped`); continue; }
    const line = raw.replace(PROMPT, '');
    if (line !== raw && /^\s*(?:help|mach|sys)\b/.test(line)) { recognised++; continue; }
    if (HEX_WORDS.test(line)) { recognised++; continue; } // continuation of an array (current[], crash_nmi_rsp[], ...)
    const m = KEY_VALUE.exec(line);
    if (!m) { problems.add(n, `not a 'key: value' line of crash help output: '${shortText(raw)}'`); continue; }
    recognised++;
    const key = m[1].trim(), value = (m[2] ?? '').trim();
    if (!values.has(key)) values.set(key, { raw: value, line: n });
    if (/x86_64_/.test(value)) arch = 'x86_64';
    else if (/arm64_/.test(value)) arch = 'arm64';
    // help -k: "relocate: ffffffffe6800000  (KASLR offset: 19800000 / 408MB)"
    if (key === 'relocate') {
      const k = /KASLR offset:\s*([0-9a-fA-F]+)/.exec(value);
      if (k) facts.push({ name: 'kaslr_offset', value: BigInt('0x' + k[1]), line: n, how: 'crash help -k relocate (KASLR offset)' });
    }
    const spec = HELP_VALUES[key];
    if (spec) {
      const word = value.split(/\s+/)[0];
      if (word === '(unused)' || word === '(uninitialized)' || word === '') continue;
      const v = spec.decimal ? (/^\d{1,3}$/.test(word) ? BigInt(word) : undefined) : hexValue(word);
      if (v === undefined) { problems.add(n, `${key}: '${shortText(word)}' is not a ${spec.decimal ? 'decimal number' : 'hex value'}; not used`); continue; }
      facts.push({ name: spec.name, value: v, line: n, how: `crash help -m ${key}` });
      entries.push({ line: n, type: 'value', name: key, start: v });
    }
  }
  // Paging depth: x86-64 flags name VM_5LEVEL; pgdir_shift 48 is 5-level, 39 is 4-level.
  const flags = values.get('flags');
  const pgdir = values.get('pgdir_shift');
  if (arch !== 'arm64' && (pgdir || (flags && arch === 'x86_64'))) {
    const five = pgdir ? pgdir.raw === '48' : /\bVM_5LEVEL\b/.test(flags!.raw);
    const at = pgdir ?? flags!;
    if (!pgdir || pgdir.raw === '48' || pgdir.raw === '39') {
      facts.push({ name: 'pgtable_l5_enabled', value: five ? 1n : 0n, line: at.line, how: pgdir ? `crash help -m pgdir_shift ${pgdir.raw}` : 'crash help -m flags' });
      facts.push({ name: 'vabits_actual', value: five ? 57n : 48n, line: at.line, how: pgdir ? `crash help -m pgdir_shift ${pgdir.raw}` : 'crash help -m flags' });
    }
  }
  if (!recognised) {
    problems.add(0, `no crash help output found (expected lines like '       vmalloc_start_addr: ffffc90000000000')`);
    return emptyResult('crash-help', problems, lines.length, truncated);
  }
  // Regions: the ranges crash states, and the direct map from page_offset up to the next of them.
  const regions: Region[] = [];
  const num = (k: string) => { const v = values.get(k); return v ? hexValue(v.raw.split(/\s+/)[0]) : undefined; };
  for (const [s, e, label, kind] of HELP_RANGES) {
    const a = num(s), b = num(e);
    if (a === undefined || b === undefined || !a) continue;
    const end = endOf(b);
    if (end < a) { problems.add(values.get(e)!.line, `${e} ${formatHex(b)} is below ${s} ${formatHex(a)}; no ${label} region`); continue; }
    regions.push({ name: label, start: a, end, kind, description: `${s} .. ${e} from crash (${formatSize(end - a + 1n)})`, source: `${name}:${values.get(s)!.line}` });
  }
  const po = num('page_offset');
  if (po) {
    const above = regions.filter((r) => r.start > po).sort(byStart)[0];
    if (above) regions.push({ name: 'direct map', start: po, end: above.start - 1n, kind: 'direct-map', description: `page_offset up to ${above.name}: crash gives the start, not the end; its real size is the RAM it maps`, source: `${name}:${values.get('page_offset')!.line}` });
  }
  const lineNo = (r: Region) => Number(r.source?.split(':').pop() ?? 0);
  const cleaned = nestRegions(regions, problems, lineNo);
  const va = facts.find((f) => f.name === 'vabits_actual');
  const mode = arch === 'arm64' ? (va?.value === 52n ? 'arm64-64k-52' : 'arm64-4k-48') : va?.value === 57n ? 'x86_64-5level' : guessX86Mode(regionEnds(cleaned));
  const layout = cleaned.length ? layoutOf(name, `crash: ${name}`, `Ranges crash reports for this kernel (${cleaned.length}).`, mode, cleaned, [], 'crash-help') : undefined;
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'crash-help', layout, problems: problems.done(), lines: lines.length, truncated, entries, facts };
}

const KMEM_HEADER = /^\s*(?:VMAP_AREA\s+)?VM_STRUCT\s+ADDRESS RANGE\s+SIZE\s*$/;
const KMEM_ROW = /^\s*([0-9a-fA-F]{1,16})\s+(?:([0-9a-fA-F]{1,16})\s+)?([0-9a-fA-F]{1,16})\s+-\s+([0-9a-fA-F]{1,16})\s+(\d+)\s*$/;

/** Parse crash `kmem -v`. */
export function parseCrashKmemV(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'kmem -v';
  const regions: Region[] = [];
  const entries: ImportEntry[] = [];
  const lineNo = new Map<Region, number>();
  let stopped = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i], n = i + 1;
    if (!raw.trim()) continue;
    const line = raw.replace(PROMPT, '');
    if (line !== raw && /^\s*kmem\b/.test(line)) continue;
    if (KMEM_HEADER.test(line)) continue;
    const m = line.length > limits.maxLineLength ? null : KMEM_ROW.exec(line);
    if (!m) { problems.add(n, `not a kmem -v line: '${shortText(raw)}'`); continue; }
    const start = BigInt('0x' + m[3]), endEx = BigInt('0x' + m[4]), size = BigInt(m[5]);
    if (endEx <= start) { problems.add(n, `end ${m[4]} is not above start ${m[3]}; skipped`); continue; }
    if (endEx - start !== size) problems.add(n, `size ${m[5]} differs from end - start (${endEx - start}); the range is drawn from start to end`);
    if (regions.length >= limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} areas; the rest were not read`); stopped = true; break; }
    const attrs: Record<string, string> = m[2] ? { vmap_area: m[1], vm_struct: m[2], size: m[5] } : { vm_struct: m[1], size: m[5] };
    const r: Region = {
      name: `vm_struct ${m[2] ?? m[1]}`, start, end: endEx - 1n, kind: 'vmalloc',
      description: `${size} bytes (with the guard page); ${m[2] ? `vmap_area ${m[1]}, ` : ''}vm_struct ${m[2] ?? m[1]}`,
      source: `${name}:${n}`,
    };
    regions.push(r);
    lineNo.set(r, n);
    entries.push({ line: n, type: 'mapping', name: r.name, start, end: r.end, kind: 'vmalloc', attrs });
  }
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  if (!cleaned.length) {
    problems.add(0, `no kmem -v lines found (expected lines like 'ffff888003a4e780  ffff888003a4e7c0  ffffc90000000000 - ffffc90000005000    20480')`);
    return emptyResult('crash-kmem-v', problems, lines.length, truncated || stopped, { entries });
  }
  const layout = layoutOf(name, `crash kmem -v: ${name}`, `vmap areas from crash kmem -v (${cleaned.length}).`, guessX86Mode(regionEnds(cleaned)), cleaned, [], 'crash-kmem-v');
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'crash-kmem-v', layout, problems: problems.done(), lines: lines.length, truncated: truncated || stopped, entries, facts: [] };
}

const VTOP_HEADER = /^\s*VIRTUAL\s+PHYSICAL\s*$/;
const VTOP_RESULT = /^\s*([0-9a-fA-F]{1,16})\s+(?:([0-9a-fA-F]{1,16})|\((not mapped|not accessible|page not available|not a kernel virtual address)\))\s*$/;
const VTOP_WALK = /^\s*(PML5 DIRECTORY|PML4 DIRECTORY|PGD DIRECTORY|PAGE DIRECTORY|PML5|PML4|PGD|P4D|PUD|PMD|PTE|PAGE):\s+([0-9a-fA-F]{1,16})(?:\s+=>\s+([0-9a-fA-F]{1,16}))?(?:\s+\[machine\])?(?:\s+\((\d+)([KMG])B[^)]*\))?(?:\s+\[machine\])?\s*$/;
const PTE_HEADER = /^\s*PTE\s+PHYSICAL\s+FLAGS\s*$/;
const PTE_ROW = /^\s*([0-9a-fA-F]{1,16})\s+([0-9a-fA-F]{1,16})\s+\(([A-Z0-9_|]*)\)\s*$/;
const PAGE_HEADER = /^\s*PAGE\s+PHYSICAL\s+MAPPING\s+INDEX\s+CNT\s+FLAGS\s*$/;
const PAGE_ROW = /^\s*([0-9a-fA-F]{1,16})\s+([0-9a-fA-F]{1,16})\s+([0-9a-fA-F]{1,16})\s+([0-9a-fA-F]{1,16})\s+(\d+)\s+(\S.*)$/;
const VMA_HEADER = /^\s*VMA\s+START\s+END\s+FLAGS\s+FILE\s*$/;
const VMA_ROW = /^\s*[0-9a-fA-F]{1,16}\s+[0-9a-fA-F]{1,16}\s+[0-9a-fA-F]{1,16}\s+[0-9a-fA-F]{1,16}(?:\s+\S.*)?$/;
const SHIFT: Record<string, bigint> = { K: 10n, M: 20n, G: 30n };

interface Translation { line: number; virt: bigint; phys?: bigint; note?: string; pageSize?: bigint; pageBase?: bigint; flags?: string; x86: boolean; levels: string[] }

/** Parse one or more crash `vtop` outputs. */
export function parseCrashVtop(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'vtop';
  const list: Translation[] = [];
  let cur: Translation | undefined;
  let expect: 'result' | 'pte' | 'page' | 'vma' | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i], n = i + 1;
    if (!raw.trim()) continue;
    const line = raw.replace(PROMPT, '');
    if (line !== raw && /^\s*vtop\b/.test(line)) { expect = undefined; continue; }
    if (line.length > limits.maxLineLength) { problems.add(n, `line is longer than ${limits.maxLineLength} characters; skipped`); continue; }
    if (VTOP_HEADER.test(line)) { expect = 'result'; continue; }
    if (PTE_HEADER.test(line)) { expect = 'pte'; continue; }
    if (PAGE_HEADER.test(line)) { expect = 'page'; continue; }
    if (VMA_HEADER.test(line)) { expect = 'vma'; continue; }
    if (/^\s*(?:SWAP|FILE):\s/.test(line)) continue;
    let m: RegExpExecArray | null;
    if (expect === 'result' && (m = VTOP_RESULT.exec(line))) {
      if (list.length >= limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} translations; the rest were not read`); break; }
      cur = { line: n, virt: BigInt('0x' + m[1]), phys: m[2] ? BigInt('0x' + m[2]) : undefined, note: m[3], x86: false, levels: [] };
      list.push(cur);
      expect = undefined;
      continue;
    }
    if ((m = VTOP_WALK.exec(line))) {
      if (!cur) { problems.add(n, `a page-table walk line before any VIRTUAL/PHYSICAL result: '${shortText(raw)}'`); continue; }
      const level = m[1];
      if (/^PML[45]/.test(level)) cur.x86 = true;
      cur.levels.push(level.replace(' DIRECTORY', ''));
      if (level === 'PAGE') { cur.pageBase = BigInt('0x' + m[2]); if (m[4]) cur.pageSize = BigInt(m[4]) << SHIFT[m[5]]; }
      continue;
    }
    if (expect === 'pte' && (m = PTE_ROW.exec(line))) { if (cur) cur.flags = m[3]; expect = undefined; continue; }
    if (expect === 'page' && PAGE_ROW.test(line)) { expect = undefined; continue; }
    if (expect === 'vma' && VMA_ROW.test(line)) continue;
    problems.add(n, `not a line of crash vtop output: '${shortText(raw)}'`);
  }
  const regions: Region[] = [];
  const entries: ImportEntry[] = [];
  const lineNo = new Map<Region, number>();
  for (const t of list) {
    const attrs: Record<string, string> = {};
    if (t.phys !== undefined) attrs.physical = formatHex(t.phys);
    if (t.note) attrs.status = t.note;
    if (t.flags) attrs.flags = t.flags;
    if (t.levels.length) attrs.walk = t.levels.join(' ');
    // The page: a large page's size is printed; a PTE-level page on x86 is 4 KiB; otherwise it is not said.
    const size = t.pageSize ?? (t.x86 && t.levels.includes('PTE') ? 0x1000n : undefined);
    if (size !== undefined) attrs.pageSize = formatSize(size);
    entries.push({ line: t.line, type: 'translation', name: t.note ? `${formatHex(t.virt)} (${t.note})` : `${formatHex(t.virt)} → ${formatHex(t.phys!)}`, start: t.virt, attrs });
    if (t.phys === undefined || size === undefined) continue;
    const vbase = t.virt & ~(size - 1n);
    const pbase = t.phys & ~(size - 1n);
    const r: Region = {
      name: `page → ${formatHex(pbase)}`, start: vbase, end: vbase + size - 1n, kind: 'other',
      description: `${formatSize(size)} page mapped to physical ${formatHex(pbase)}${t.flags ? ` (${t.flags})` : ''}; vtop of ${formatHex(t.virt)}`,
      source: `${name}:${t.line}`,
    };
    regions.push(r);
    lineNo.set(r, t.line);
  }
  if (!list.length) {
    problems.add(0, `no crash vtop output found (expected a 'VIRTUAL  PHYSICAL' header and a line like 'ffffffff81000000  1000000')`);
    return emptyResult('crash-vtop', problems, lines.length, truncated);
  }
  // The same page asked twice is one page; other overlaps are problems.
  const unique = new Map<string, Region>();
  for (const r of regions) unique.set(`${r.start}-${r.end}-${r.name}`, r);
  const cleaned = disjoint([...unique.values()], problems, (r) => lineNo.get(r) ?? 0);
  const layout = cleaned.length ? layoutOf(name, `crash vtop: ${name}`, `Pages translated by crash vtop (${cleaned.length}).`, guessX86Mode(regionEnds(cleaned)), cleaned, [], 'crash-vtop') : undefined;
  if (!layout) problems.add(0, 'no translation names its page size and physical address; nothing to draw');
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'crash-vtop', layout, problems: problems.done(), lines: lines.length, truncated, entries, facts: [] };
}

/** Detection scores. */
export function sniffCrashHelp(sample: readonly string[]): number {
  // Keys crash prints: without one of them, 'key: value' lines are just text.
  let known = 0, other = 0;
  for (const l of sample) {
    const m = KEY_VALUE.exec(l.replace(PROMPT, ''));
    if (!m) continue;
    const k = m[1].trim();
    if (k in HELP_VALUES || /^(?:kvbase|identity_map_base|pagesize|pageshift|pagemask|pageoffset|stacksize|machspec|userspace_top|vmemmap_end|relocate|pgdir_shift|ptrs_per_pgd|memsize)$/.test(k)) known++;
    else other++;
  }
  return known ? 3 * known + 0.5 * other : 0;
}

export function sniffCrashKmemV(sample: readonly string[]): number {
  let s = 0;
  for (const l of sample) if (KMEM_HEADER.test(l)) s += 5; else if (KMEM_ROW.test(l)) s += 1;
  return s;
}

export function sniffCrashVtop(sample: readonly string[]): number {
  let s = 0;
  for (const l of sample) if (VTOP_HEADER.test(l) || PTE_HEADER.test(l) || PAGE_HEADER.test(l)) s += 5; else if (VTOP_WALK.test(l)) s += 2;
  return s;
}

