// GNU ld `-Map` output: the "Memory Configuration" table (`NAME ORIGIN LENGTH [ATTRIBUTES]`) and, under
// "Linker script and memory map", the output sections (`NAME ADDRESS SIZE [load address LMA]` at column
// 0, the name alone on its line when long) with their symbol assignments. "Discarded input sections" and
// the /DISCARD/ output section are skipped; so are blocks ld prints before (archive members, common symbols)
// and after (cross references) the map.
import { formatHex, formatSize } from '../../paging/numbers';
import { Region, RegionKind } from '../../paging/types';
import {
  byStart, emptyResult, guessX86Mode, ImportEntry, ImportOptions, ImportResult, layoutOf, limitsOf, noteTruncation, Problems,
  regionEnds, shortText, splitLines, U64,
} from './common';

/** Region kinds for output and ELF section names. */
export function elfSectionKind(name: string): RegionKind {
  if (/^\.(?:init\.)?text|^\.(?:noinstr|entry|head|ref|sched|cpuidle|lock|kprobes|irqentry|softirqentry|altinstr_replacement)\.?text|^\.isr_vector|^\.vectors/.test(name)) return 'kernel-text';
  if (/^\.(?:rodata|data|bss|sbss|sdata|tdata|tbss|init\.data|data\.\.percpu|got|init_array|fini_array)/.test(name)) return 'kernel';
  return 'other';
}

/** Sections that take no memory (debug information, comments, attributes). */
export const NON_ALLOC = /^\.(?:debug|zdebug|comment|stab|gnu\.attributes|ARM\.attributes|riscv\.attributes|note\.GNU-stack|gnu_debuglink|gnu_debugaltlink|symtab|strtab|shstrtab|line|GCC\.command\.line)/;

const MEM_ROW = /^(\S+)\s+0x([0-9a-fA-F]{1,16})\s+0x([0-9a-fA-F]{1,16})(?:\s+(\S+))?\s*$/;
const SECTION = /^([A-Za-z_.$/][\w.$/+-]*)\s+0x([0-9a-fA-F]{1,16})\s+0x([0-9a-fA-F]{1,16})(?:\s+load address 0x([0-9a-fA-F]{1,16}))?\s*$/;
const SECTION_NAME = /^([A-Za-z_.$/][\w.$/+-]*)\s*$/;
const SECTION_TAIL = /^\s+0x([0-9a-fA-F]{1,16})\s+0x([0-9a-fA-F]{1,16})(?:\s+load address 0x([0-9a-fA-F]{1,16}))?\s*$/;
const SYMBOL = /^\s+0x([0-9a-fA-F]{1,16})\s+(?:PROVIDE \(\s*)?([A-Za-z_.$][\w.$]*)(?:\s*=.*|\s*\)?)?\s*$/;
const DIRECTIVE = /^(?:LOAD|OUTPUT|START GROUP|END GROUP|OUTPUT_FORMAT|OUTPUT_ARCH|TARGET|SEARCH_DIR|INSERT|ENTRY|STARTUP|INPUT|GROUP|AS_NEEDED|ASSERT)\b/;
const BLOCKS = /^(?:Archive member included|Allocating common symbols|Discarded input sections|Memory Configuration|Linker script and memory map|Cross Reference Table|Removing unused section)/;

/** Memory regions kept (each output section is matched against them). */
const MAX_MEMORY_REGIONS = 256;

interface OutSection { name: string; start: bigint; size: bigint; lma?: bigint; line: number; symbols: number }

/** Parse a GNU ld map file. */
export function parseLdMap(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'linker map';
  const memories: { name: string; origin: bigint; length: bigint; attrs?: string; line: number }[] = [];
  const sections: OutSection[] = [];
  const entries: ImportEntry[] = [];
  const symbols: { name: string; value: bigint; line: number }[] = [];
  let block: 'preamble' | 'skip' | 'memory' | 'map' | 'after' = 'preamble';
  let pendingName: { name: string; line: number } | undefined;
  let discard = false;
  let seenHeader = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i], n = i + 1;
    if (line.length > limits.maxLineLength) { problems.add(n, `line is longer than ${limits.maxLineLength} characters; skipped`); continue; }
    const b = BLOCKS.exec(line);
    if (b) {
      seenHeader = true;
      block = b[0] === 'Memory Configuration' ? 'memory' : b[0] === 'Linker script and memory map' ? 'map' : b[0] === 'Cross Reference Table' ? 'after' : 'skip';
      pendingName = undefined;
      continue;
    }
    if (!line.trim()) continue;
    if (block === 'preamble' || block === 'skip' || block === 'after') continue;
    if (block === 'memory') {
      if (/^Name\s+Origin\s+Length(?:\s+Attributes)?\s*$/.test(line)) continue;
      const m = MEM_ROW.exec(line);
      if (!m) { problems.add(n, `not a Memory Configuration row: '${shortText(line)}'`); continue; }
      const origin = BigInt('0x' + m[2]), length = BigInt('0x' + m[3]);
      if (m[1] === '*default*') continue; // everything ld may place outside the named regions
      if (memories.length >= MAX_MEMORY_REGIONS) { problems.add(n, `more than ${MAX_MEMORY_REGIONS} memory regions; the rest were not read`); continue; }
      if (length === 0n || origin + length - 1n > U64) { problems.add(n, `memory region ${m[1]}: origin 0x${m[2]} and length 0x${m[3]} do not make a range; skipped`); continue; }
      memories.push({ name: m[1], origin, length, attrs: m[4], line: n });
      entries.push({ line: n, type: 'memory', name: m[1], start: origin, end: origin + length - 1n, attrs: { length: formatHex(length), ...(m[4] ? { attributes: m[4] } : {}) } });
      continue;
    }
    // The map: output sections at column 0, everything else indented.
    if (pendingName) {
      const t = SECTION_TAIL.exec(line);
      const pn = pendingName;
      pendingName = undefined;
      if (t) { addSection(pn.name, t[1], t[2], t[3], pn.line); continue; }
      // Otherwise the section has no address (nothing placed in it); the line is read on its own.
    }
    if (!/^\s/.test(line)) {
      if (DIRECTIVE.test(line)) { discard = false; continue; }
      const s = SECTION.exec(line);
      if (s) { discard = false; addSection(s[1], s[2], s[3], s[4], n); continue; }
      const sn = SECTION_NAME.exec(line);
      if (sn) {
        discard = sn[1] === '/DISCARD/';
        if (!discard) pendingName = { name: sn[1], line: n };
        continue;
      }
      problems.add(n, `not a line of a GNU ld map: '${shortText(line)}'`);
      continue;
    }
    if (discard) continue;
    // Symbol definitions inside or between output sections: `   0xADDR   name` or `0xADDR   name = expr`.
    const sym = SYMBOL.exec(line);
    if (sym && !/^\s+0x[0-9a-fA-F]+\s+0x/.test(line)) {
      if (sym[2] !== '.' && symbols.length < limits.maxRegions) symbols.push({ name: sym[2], value: BigInt('0x' + sym[1]), line: n });
      continue;
    }
    // Input sections, patterns, fill, alignment and other script statements: read, not mapped.
  }
  function addSection(sectionName: string, addr: string, size: string, lma: string | undefined, n: number) {
    if (sections.length >= limits.maxRegions) return;
    sections.push({ name: sectionName, start: BigInt('0x' + addr), size: BigInt('0x' + size), lma: lma ? BigInt('0x' + lma) : undefined, line: n, symbols: 0 });
  }
  if (!seenHeader) {
    problems.add(0, `no GNU ld map found (expected the headings 'Memory Configuration' and 'Linker script and memory map' of ld -Map output)`);
    return emptyResult('ld-map', problems, lines.length, truncated);
  }
  for (const s of sections) {
    const attrs: Record<string, string> = { size: formatHex(s.size) };
    if (s.lma !== undefined) attrs.loadAddress = formatHex(s.lma);
    const alloc = !NON_ALLOC.test(s.name);
    if (!alloc) attrs.alloc = 'no';
    entries.push({ line: s.line, type: 'section', name: s.name, start: s.start, ...(s.size ? { end: s.start + s.size - 1n } : {}), kind: elfSectionKind(s.name), attrs });
  }
  for (const s of symbols) entries.push({ line: s.line, type: 'marker', name: s.name, start: s.value });
  entries.sort((a, b) => a.line - b.line);
  // The picture: the allocated, non-empty output sections (.tbss is a template, not memory of its own), and the parts of each memory region they leave free.
  const regions: Region[] = [];
  const placed = sections.filter((s) => s.size > 0n && !NON_ALLOC.test(s.name) && s.name !== '.tbss' && s.start + s.size - 1n <= U64).sort(byStart);
  let lastEnd = -1n;
  for (const s of placed) {
    const end = s.start + s.size - 1n;
    if (s.start <= lastEnd) { problems.add(s.line, `output section ${s.name} (${formatHex(s.start)}, ${formatSize(s.size)}) overlaps the section before it; not drawn`); continue; }
    const mem = memories.find((m) => s.start >= m.origin && end <= m.origin + m.length - 1n);
    regions.push({
      name: s.name, start: s.start, end, kind: elfSectionKind(s.name),
      description: `output section, ${formatSize(s.size)}${mem ? ` in ${mem.name}` : ''}${s.lma !== undefined ? `, loaded at ${formatHex(s.lma)}` : ''}`,
      source: `${name}:${s.line}`,
    });
    lastEnd = end;
  }
  for (const m of memories) {
    const mEnd = m.origin + m.length - 1n;
    let cur = m.origin;
    const inside = regions.filter((r) => r.kind !== 'unused' && r.end >= m.origin && r.start <= mEnd).sort(byStart);
    const free: [bigint, bigint][] = [];
    for (const r of inside) { if (r.start > cur) free.push([cur, r.start - 1n]); if (r.end + 1n > cur) cur = r.end + 1n; }
    if (cur <= mEnd) free.push([cur, mEnd]);
    for (const [a, z] of free) {
      regions.push({ name: `${m.name} (free)`, start: a, end: z, kind: 'unused', description: `part of memory region ${m.name}${m.attrs ? ` (${m.attrs})` : ''} that no output section uses, ${formatSize(z - a + 1n)}`, source: `${name}:${m.line}` });
    }
  }
  regions.sort(byStart);
  if (!regions.length) {
    problems.add(0, 'the map places no output section and names no memory region');
    return emptyResult('ld-map', problems, lines.length, truncated, { entries });
  }
  const ends = [...regionEnds(regions)];
  const mode = ends.every((a) => a < 1n << 32n) ? 'x86_32' : guessX86Mode(ends);
  const layout = layoutOf(name, `Linker map: ${name}`, `Output sections${memories.length ? ' and free memory-region space' : ''} from a GNU ld map (${regions.length}).${mode === 'x86_32' ? ' Drawn in a flat 32-bit space.' : ''}`,
    mode, regions, symbols.slice(0, 2000).map((s) => ({ name: s.name, value: s.value, description: `ld map line ${s.line}` })), 'ld-map');
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'ld-map', layout, problems: problems.done(), lines: lines.length, truncated, entries, facts: [] };
}

export function sniffLdMap(sample: readonly string[]): number {
  let s = 0;
  for (const l of sample) if (/^(?:Memory Configuration|Linker script and memory map|Discarded input sections)\s*$/.test(l)) s += 20; else if (/^Name\s+Origin\s+Length/.test(l)) s += 10;
  return s;
}
