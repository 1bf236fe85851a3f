// `readelf -lSW` of an ELF file (a vmlinux, firmware, a module): the section headers
// (`[Nr] Name Type Address Off Size ES Flg Lk Inf Al`) and the program headers
// (`Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align`), with the lines readelf prints around them
// (counts, the key to flags, the entry point, the section-to-segment mapping).
import { formatHex, formatSize } from '../../paging/numbers';
import { Region } from '../../paging/types';
import {
  byStart, emptyResult, guessX86Mode, ImportEntry, ImportOptions, ImportResult, layoutOf, limitsOf, noteTruncation, Problems,
  regionEnds, shortText, splitLines, U64,
} from './common';
import { elfSectionKind } from './ldmap';

const SEC_TITLE = /^\s*Section Headers:\s*$/;
const SEC_HEADER = /^\s*\[Nr\]\s+Name\s+Type\s+Address\s+Off\s+Size\s+ES\s+Flg\s+Lk\s+Inf\s+Al\s*$/;
const SEC_ROW = /^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-fA-F]{8,16})\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+([A-Za-z]*)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;
const PH_TITLE = /^\s*Program Headers:\s*$/;
const PH_HEADER = /^\s*Type\s+Offset\s+VirtAddr\s+PhysAddr\s+FileSiz\s+MemSiz\s+Flg\s+Align\s*$/;
const PH_ROW = /^\s*([A-Za-z_][\w+]*)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]{1,16})\s+0x([0-9a-fA-F]{1,16})\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s([R ][W ][E ])\s(0x[0-9a-fA-F]+|\d+)\s*$/;
/** Program headers kept (each section is matched against them). */
const MAX_SEGMENTS = 4096;
const MAP_ROW = /^\s+(\d{2,})\s*(.*)$/;
const OTHER = [
  /^There (?:are|is) \d+ (?:section|program) headers?, starting at offset (?:0x)?[0-9a-fA-F]+:?\s*$/,
  /^There are no (?:sections|program headers) in this file\.\s*$/,
  /^Key to Flags:\s*$/,
  /^\s+[A-Za-z] \([^)]*\)(?:, [A-Za-z] \([^)]*\))*,?\s*$/,
  /^Elf file type is \w+ \(.*\)\s*$/,
  /^\s*\[Requesting program interpreter: .*\]\s*$/,
  /^\s*Section to Segment mapping:\s*$/,
  /^\s*Segment Sections\.\.\.\s*$/,
  /^File: .*$/,
];

/** Parse readelf -lSW output (either part alone works too). */
export function parseReadelf(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'readelf';
  const entries: ImportEntry[] = [];
  const sections: { name: string; type: string; addr: bigint; size: bigint; flags: string; line: number }[] = [];
  const segments: { type: string; vaddr: bigint; paddr: bigint; memsz: bigint; flags: string; line: number; index: number }[] = [];
  const segmentSections = new Map<number, string>();
  let block: 'none' | 'sections' | 'segments' | 'mapping' = 'none';
  let seen = false;
  let digits = 8;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i], n = i + 1;
    if (!line.trim()) continue;
    if (line.length > limits.maxLineLength) { problems.add(n, `line is longer than ${limits.maxLineLength} characters; skipped`); continue; }
    if (SEC_TITLE.test(line)) { block = 'sections'; seen = true; continue; }
    if (PH_TITLE.test(line)) { block = 'segments'; seen = true; continue; }
    if (/^\s*Section to Segment mapping:\s*$/.test(line)) { block = 'mapping'; continue; }
    const entry = /^Entry point 0x([0-9a-fA-F]{1,16})\s*$/.exec(line);
    if (entry) { entries.push({ line: n, type: 'value', name: 'entry point', start: BigInt('0x' + entry[1]) }); continue; }
    if (SEC_HEADER.test(line) || PH_HEADER.test(line)) continue;
    let m: RegExpExecArray | null;
    if (block === 'sections' && (m = SEC_ROW.exec(line))) {
      if (sections.length >= limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} section headers; the rest were not read`); continue; }
      digits = Math.max(digits, m[4].length);
      sections.push({ name: m[2], type: m[3], addr: BigInt('0x' + m[4]), size: BigInt('0x' + m[6]), flags: m[8], line: n });
      continue;
    }
    if (block === 'segments' && (m = PH_ROW.exec(line))) {
      if (segments.length >= MAX_SEGMENTS) { problems.add(n, `more than ${MAX_SEGMENTS} program headers; the rest were not read`); continue; }
      segments.push({ type: m[1], vaddr: BigInt('0x' + m[3]), paddr: BigInt('0x' + m[4]), memsz: BigInt('0x' + m[6]), flags: m[7].replace(/ /g, ''), line: n, index: segments.length });
      continue;
    }
    if (block === 'mapping' && (m = MAP_ROW.exec(line))) { segmentSections.set(Number(m[1]), m[2].trim()); continue; }
    if (OTHER.some((re) => re.test(line))) continue;
    problems.add(n, `not a line of readelf -lSW output: '${shortText(line)}'`);
  }
  if (!seen) {
    problems.add(0, `no readelf output found (expected 'Section Headers:' or 'Program Headers:' as readelf -lSW prints them)`);
    return emptyResult('readelf', problems, lines.length, truncated);
  }
  const allocated = (s: { flags: string }) => s.flags.includes('A');
  for (const s of sections) {
    const attrs: Record<string, string> = { type: s.type, size: formatHex(s.size), flags: s.flags || '-' };
    if (!allocated(s)) attrs.alloc = 'no';
    entries.push({ line: s.line, type: 'section', name: s.name || '(null)', start: s.addr, ...(s.size && allocated(s) ? { end: s.addr + s.size - 1n } : {}), kind: elfSectionKind(s.name), attrs });
  }
  for (const g of segments) {
    const attrs: Record<string, string> = { type: g.type, physical: formatHex(g.paddr, { digits }), memsz: formatHex(g.memsz), flags: g.flags || '-' };
    const secs = segmentSections.get(g.index);
    if (secs) attrs.sections = secs;
    entries.push({ line: g.line, type: 'segment', name: `${g.type} ${g.index.toString().padStart(2, '0')}`, start: g.vaddr, ...(g.memsz ? { end: g.vaddr + g.memsz - 1n } : {}), attrs });
  }
  entries.sort((a, b) => a.line - b.line);
  // The picture: allocated sections with a size and an address (.tbss is a template); without section
  // headers, the LOAD segments.
  const regions: Region[] = [];
  const drawn = sections.filter((s) => allocated(s) && s.size > 0n && s.addr > 0n && !(s.flags.includes('T') && s.type === 'NOBITS') && s.addr + s.size - 1n <= U64).sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  let lastEnd = -1n;
  for (const s of drawn) {
    const end = s.addr + s.size - 1n;
    if (s.addr <= lastEnd) { problems.add(s.line, `section ${s.name} overlaps the section before it; not drawn`); continue; }
    const seg = segments.find((g) => g.type === 'LOAD' && s.addr >= g.vaddr && end <= g.vaddr + g.memsz - 1n);
    regions.push({
      name: s.name, start: s.addr, end, kind: elfSectionKind(s.name),
      description: `${s.type} section, ${formatSize(s.size)}, flags ${s.flags}${seg ? `; in LOAD segment ${seg.index} (physical ${formatHex(seg.paddr + (s.addr - seg.vaddr), { digits })})` : ''}`,
      source: `${name}:${s.line}`,
    });
    lastEnd = end;
  }
  if (!regions.length) {
    for (const g of segments.filter((x) => x.type === 'LOAD' && x.memsz > 0n).sort((a, b) => (a.vaddr < b.vaddr ? -1 : a.vaddr > b.vaddr ? 1 : 0))) {
      const end = g.vaddr + g.memsz - 1n;
      if (g.vaddr <= lastEnd || end > U64) { problems.add(g.line, `LOAD segment ${g.index} overlaps the one before it; not drawn`); continue; }
      regions.push({ name: `LOAD ${g.index} ${g.flags}`, start: g.vaddr, end, kind: g.flags.includes('E') ? 'kernel-text' : 'kernel', description: `LOAD segment, ${formatSize(g.memsz)} in memory, physical ${formatHex(g.paddr, { digits })}`, source: `${name}:${g.line}` });
      lastEnd = end;
    }
  }
  if (!regions.length) {
    problems.add(0, 'no allocated section or LOAD segment has an address and a size; nothing to draw');
    return emptyResult('readelf', problems, lines.length, truncated, { entries });
  }
  const ends = [...regionEnds(regions)];
  const mode = digits <= 8 && ends.every((a) => a < 1n << 32n) ? 'x86_32' : guessX86Mode(ends);
  const layout = layoutOf(name, `ELF: ${name}`, `Allocated sections of an ELF file from readelf (${regions.length}).`, mode, regions,
    segments.filter((g) => g.type === 'LOAD').map((g) => ({ name: `LOAD ${g.index}`, value: g.vaddr, description: `segment ${g.flags}, physical ${formatHex(g.paddr, { digits })}` })), 'readelf');
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'readelf', layout, problems: problems.done(), lines: lines.length, truncated, entries, facts: [] };
}

export function sniffReadelf(sample: readonly string[]): number {
  let s = 0;
  for (const l of sample) if (SEC_TITLE.test(l) || PH_TITLE.test(l)) s += 20; else if (SEC_HEADER.test(l) || PH_HEADER.test(l)) s += 10; else if (SEC_ROW.test(l) || PH_ROW.test(l)) s += 1;
  return s;
}
