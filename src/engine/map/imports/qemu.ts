// The QEMU monitor's views of a guest's page tables:
//  - x86 `info mem`: `START-END SIZE PROT` with PROT = [u-] r [w-] (END exclusive; the last range of the
//    lower half ends at 1 << 48 or 1 << 57, printed without sign extension);
//  - x86 `info tlb`: `VADDR: PADDR FLAGS`, one line a page, FLAGS = X G P D A C T U W or '-' each
//    (X means NX set; P a large page, whose size QEMU does not print);
//  - RISC-V `info mem`: a `vaddr paddr size attr` header, a dashed line, then `VADDR PADDR SIZE rwxugad`.
// RISC-V has no `info tlb` in QEMU.
import { canonicalForm, getMode } from '../../paging/modes';
import { formatHex, formatSize } from '../../paging/numbers';
import { Region } from '../../paging/types';
import {
  disjoint, emptyResult, guessX86Mode, ImportEntry, ImportOptions, ImportResult, layoutOf, limitsOf, noteTruncation, Problems, regionEnds,
  shortText, splitLines, U64,
} from './common';

const PROMPT = /^\s*\(qemu\)\s?/;
const STATUS = /^\s*(PG disabled|No CPU available|No translation or protection|S-mode MMU unavailable)\s*$/;
export const X86_MEM = /^([0-9a-fA-F]{8,16})-([0-9a-fA-F]{8,16}) ([0-9a-fA-F]{8,16}) ([u-])r([w-])\s*$/;
export const X86_TLB = /^([0-9a-fA-F]{8,16}): ([0-9a-fA-F]{8,16}) ([X-])([G-])([P-])([D-])([A-])([C-])([T-])([U-])([W-])\s*$/;
const RV_HEADER = /^\s*vaddr\s+paddr\s+size\s+attr\s*$/;
const RV_DELIM = /^\s*-+ -+ -+ -+\s*$/;
export const RV_MEM = /^([0-9a-fA-F]{8,16}) ([0-9a-fA-F]{8,16}) ([0-9a-fA-F]{8,16}) ([r-])([w-])([x-])([u-])([g-])([a-])([d-])\s*$/;

function statusProblem(problems: Problems, n: number, s: string): void {
  problems.add(n, `the monitor says '${s}': the guest ${/PG disabled|No translation/.test(s) ? 'runs without paging' : 'has no CPU or MMU to show'}; there is nothing to map`);
}

function prepare(lines: string[], i: number): string {
  return lines[i].replace(PROMPT, '');
}

/** Parse QEMU `info mem` output of an x86 guest. */
export function parseQemuInfoMem(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'info mem';
  const regions: Region[] = [];
  const entries: ImportEntry[] = [];
  const lineNo = new Map<Region, number>();
  let stopped = false;
  for (let i = 0; i < lines.length; i++) {
    const line = prepare(lines, i), n = i + 1;
    if (!line.trim() || /^\s*info\s+mem\s*$/.test(line)) continue;
    const st = STATUS.exec(line);
    if (st) { statusProblem(problems, n, st[1]); continue; }
    const m = line.length > limits.maxLineLength ? null : X86_MEM.exec(line);
    if (!m) { problems.add(n, `not a line of x86 'info mem' output: '${shortText(lines[i])}'`); continue; }
    const start = BigInt('0x' + m[1]), printedEnd = BigInt('0x' + m[2]), size = BigInt('0x' + m[3]);
    // QEMU prints END and SIZE sign-extended from the guest's VA width; the end of the lower half
    // (1 << 48 or 1 << 57) is printed as is, below START when START is a kernel address.
    const endEx = start + size;
    if (size === 0n || endEx > 1n << 64n) { problems.add(n, `size 0x${m[3]} does not fit after start 0x${m[1]}; skipped`); continue; }
    const ext = (v: bigint, bits: bigint) => ((v >> (bits - 1n)) & 1n ? (v | (U64 ^ ((1n << bits) - 1n))) & U64 : v);
    const ok = printedEnd === (endEx & U64) || printedEnd === ext(endEx, 48n) || printedEnd === ext(endEx, 57n)
      || (endEx === 1n << 64n && (printedEnd === 1n << 48n || printedEnd === 1n << 57n));
    if (!ok) { problems.add(n, `end 0x${m[2]} is not start + size (${formatHex(endEx & U64)}); skipped`); continue; }
    if (regions.length >= limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} ranges; the rest were not read`); stopped = true; break; }
    const prot = `${m[4]}r${m[5]}`;
    const r: Region = {
      name: `${m[4] === 'u' ? 'user' : 'kernel'} ${m[5] === 'w' ? 'read-write' : 'read-only'}`,
      start, end: endEx - 1n, kind: m[4] === 'u' ? 'user' : 'kernel',
      description: `${formatSize(size)} mapped ${prot} (u: user-accessible, w: writable; info mem does not show NX)`,
      source: `${name}:${n}`,
    };
    regions.push(r);
    lineNo.set(r, n);
    entries.push({ line: n, type: 'mapping', name: r.name, start, end: r.end, kind: r.kind, attrs: { prot, size: formatHex(size) } });
  }
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  if (!cleaned.length) {
    problems.add(0, `no x86 'info mem' lines found (expected lines like 'ffff888000000000-ffff888000200000 0000000000200000 -rw')`);
    return emptyResult('qemu-info-mem', problems, lines.length, truncated || stopped, { entries });
  }
  const mode = cleaned.every((r) => r.end < 1n << 32n) ? 'x86_32' : guessX86Mode(regionEnds(cleaned));
  const layout = layoutOf(name, `QEMU info mem: ${name}`, `Mapped ranges of the guest's current page tables (${cleaned.length}).`, mode, cleaned, [], 'qemu-info-mem');
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'qemu-info-mem', layout, problems: problems.done(), lines: lines.length, truncated: truncated || stopped, entries, facts: [] };
}

/** Parse QEMU `info tlb` output of an x86 guest: one page a line. */
export function parseQemuInfoTlb(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'info tlb';
  const rows: { n: number; v: bigint; p: bigint; flags: string; large: boolean }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = prepare(lines, i), n = i + 1;
    if (!line.trim() || /^\s*info\s+tlb\s*$/.test(line)) continue;
    const st = STATUS.exec(line);
    if (st) { statusProblem(problems, n, st[1]); continue; }
    const m = line.length > limits.maxLineLength ? null : X86_TLB.exec(line);
    if (!m) { problems.add(n, `not a line of x86 'info tlb' output: '${shortText(lines[i])}'`); continue; }
    if (rows.length >= limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} pages; the rest were not read`); break; }
    rows.push({ n, v: BigInt('0x' + m[1]), p: BigInt('0x' + m[2]), flags: m.slice(3, 12).join(''), large: m[5] === 'P' });
  }
  const wide = rows.some((r) => r.v > 0xffffffffn);
  const regions: Region[] = [];
  const entries: ImportEntry[] = [];
  const lineNo = new Map<Region, number>();
  for (const row of rows) {
    // A large page is at least 2 MiB (PAE and long mode; a 4 MiB page without PAE); long mode also
    // has 1 GiB pages, possible only when the physical address is 1 GiB aligned. Drawn at the least size.
    const size = row.large ? 0x200000n : 0x1000n;
    const maybeGiant = row.large && wide && (row.p & 0x3fffffffn) === 0n && (row.v & 0x3fffffffn) === 0n;
    const words = [row.flags[0] === 'X' ? 'NX' : 'executable', row.flags[8] === 'W' ? 'writable' : 'read-only', row.flags[7] === 'U' ? 'user' : 'supervisor', row.flags[1] === 'G' ? 'global' : ''].filter(Boolean);
    const r: Region = {
      name: `${row.flags[7] === 'U' ? 'user' : 'kernel'} ${row.flags}`,
      start: row.v & ~(size - 1n), end: (row.v & ~(size - 1n)) + size - 1n, kind: row.flags[7] === 'U' ? 'user' : 'kernel',
      description: `${row.large ? (maybeGiant ? 'large page (2 MiB or 1 GiB: info tlb prints no size; drawn as 2 MiB)' : wide ? '2 MiB page' : 'large page (2 MiB with PAE, 4 MiB without; drawn as 2 MiB)') : '4 KiB page'} → physical ${formatHex(row.p)}; ${words.join(', ')}`,
      source: `${name}:${row.n}`,
    };
    regions.push(r);
    lineNo.set(r, row.n);
    entries.push({ line: row.n, type: 'translation', name: `${formatHex(row.v)} → ${formatHex(row.p)}`, start: r.start, end: r.end, kind: r.kind, attrs: { physical: formatHex(row.p), flags: row.flags } });
  }
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  if (!cleaned.length) {
    problems.add(0, `no x86 'info tlb' lines found (expected lines like 'ffffffff81000000: 0000000001000000 --PDA---W')`);
    return emptyResult('qemu-info-tlb', problems, lines.length, truncated, { entries });
  }
  const mode = wide ? guessX86Mode(regionEnds(cleaned)) : 'x86_32';
  const layout = layoutOf(name, `QEMU info tlb: ${name}`, `Pages of the guest's current page tables (${cleaned.length}).`, mode, cleaned, [], 'qemu-info-tlb');
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'qemu-info-tlb', layout, problems: problems.done(), lines: lines.length, truncated, entries, facts: [] };
}

/** The smallest RISC-V mode whose canonical rule every address fits. */
function riscvMode(addresses: bigint[]): string {
  for (const id of ['riscv64-sv39', 'riscv64-sv48', 'riscv64-sv57']) {
    const m = getMode(id)!;
    if (addresses.every((a) => canonicalForm(m, a) === a)) return id;
  }
  return 'riscv64-sv57';
}

/** Parse QEMU `info mem` output of a RISC-V guest. */
export function parseQemuInfoMemRiscv(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'info mem';
  const regions: Region[] = [];
  const entries: ImportEntry[] = [];
  const lineNo = new Map<Region, number>();
  let stopped = false;
  for (let i = 0; i < lines.length; i++) {
    const line = prepare(lines, i), n = i + 1;
    if (!line.trim() || /^\s*info\s+mem\s*$/.test(line) || RV_HEADER.test(line) || RV_DELIM.test(line)) continue;
    const st = STATUS.exec(line);
    if (st) { statusProblem(problems, n, st[1]); continue; }
    const m = line.length > limits.maxLineLength ? null : RV_MEM.exec(line);
    if (!m) { problems.add(n, `not a line of RISC-V 'info mem' output: '${shortText(lines[i])}'`); continue; }
    const start = BigInt('0x' + m[1]), phys = BigInt('0x' + m[2]), size = BigInt('0x' + m[3]);
    if (size === 0n || start + size > 1n << 64n) { problems.add(n, `size 0x${m[3]} does not fit after 0x${m[1]}; skipped`); continue; }
    if (regions.length >= limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} ranges; the rest were not read`); stopped = true; break; }
    const attr = m.slice(4, 11).join('');
    const user = m[7] === 'u';
    const r: Region = {
      name: `${user ? 'user' : 'kernel'} ${attr}`, start, end: start + size - 1n, kind: user ? 'user' : 'kernel',
      description: `${formatSize(size)} → physical ${formatHex(phys)} with ${attr} (r w x u g a d)`,
      source: `${name}:${n}`,
    };
    regions.push(r);
    lineNo.set(r, n);
    entries.push({ line: n, type: 'mapping', name: r.name, start, end: r.end, kind: r.kind, attrs: { physical: formatHex(phys), attr } });
  }
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  if (!cleaned.length) {
    problems.add(0, `no RISC-V 'info mem' lines found (expected lines like 'ffffffff80000000 0000000080200000 0000000000200000 rwx-ga-')`);
    return emptyResult('qemu-info-mem-riscv', problems, lines.length, truncated || stopped, { entries });
  }
  const layout = layoutOf(name, `QEMU info mem (RISC-V): ${name}`, `Mapped ranges of the guest's page tables (${cleaned.length}); the mode is the smallest whose canonical rule fits every address.`,
    riscvMode(cleaned.flatMap((r) => [r.start, r.end])), cleaned, [], 'qemu-info-mem-riscv');
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'qemu-info-mem-riscv', layout, problems: problems.done(), lines: lines.length, truncated: truncated || stopped, entries, facts: [] };
}

export function sniffQemuMem(sample: readonly string[]): number {
  return 2 * sample.filter((l) => X86_MEM.test(l.replace(PROMPT, ''))).length;
}
export function sniffQemuTlb(sample: readonly string[]): number {
  return 2 * sample.filter((l) => X86_TLB.test(l.replace(PROMPT, ''))).length;
}
export function sniffQemuRiscv(sample: readonly string[]): number {
  let s = 0;
  for (const l of sample) { const t = l.replace(PROMPT, ''); if (RV_HEADER.test(t)) s += 5; else if (RV_MEM.test(t)) s += 2; }
  return s;
}
