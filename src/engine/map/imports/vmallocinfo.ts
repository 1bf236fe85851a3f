// /proc/vmallocinfo: one vmap area a line,
//   0xSTART-0xEND  SIZE [caller] [pages=N] [phys=0xADDR] [ioremap|vmalloc|vmap|user|dma-coherent|vpages]... [N0=n]...
// or `... SIZE vm_map_ram` / `... SIZE unpurged vm_area`. END is exclusive; SIZE includes the guard page.
// The kernel prints the addresses with %pK: hashed when kernel.kptr_restrict = 0 (even for root), zeros
// for a reader it hides them from. Such lines are counted and explained, never drawn.
import { Region, RegionKind } from '../../paging/types';
import {
  disjoint, emptyResult, guessX86Mode, ImportEntry, ImportOptions, ImportResult, layoutOf, limitsOf, looksHashed, noteTruncation,
  Problems, regionEnds, shortText, splitLines,
} from './common';

export const VMALLOC_LINE = /^0x([0-9a-fA-F]{8,16}|\(____ptrval____\))-0x([0-9a-fA-F]{8,16}|\(____ptrval____\))\s+(\d+)(?:\s+(.*?))?\s*$/;
const FLAG_WORDS = new Set(['ioremap', 'vmalloc', 'vmap', 'user', 'dma-coherent', 'vpages']);

function kindOf(caller: string): RegionKind {
  if (/^(?:module_alloc|execmem_alloc|execmem_vmalloc)\b/.test(caller)) return 'modules';
  if (/^bpf_/.test(caller)) return 'bpf';
  return 'vmalloc';
}

/** Parse /proc/vmallocinfo. */
export function parseVmallocinfo(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'vmallocinfo';
  const regions: Region[] = [];
  const entries: ImportEntry[] = [];
  const lineNo = new Map<Region, number>();
  let hashed = 0, zeroed = 0, firstHidden = 0, stopped = false, read = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i], n = i + 1;
    if (!line.trim()) continue;
    const m = line.length > limits.maxLineLength ? null : VMALLOC_LINE.exec(line);
    if (!m) { problems.add(n, `not a /proc/vmallocinfo line: '${shortText(line)}'`); continue; }
    read++;
    const size = BigInt(m[3]);
    const words = (m[4] ?? '').split(/\s+/).filter(Boolean);
    const attrs: Record<string, string> = { size: m[3] };
    const flags: string[] = [];
    const nodes: string[] = [];
    let caller = '';
    let special = '';
    let bad = '';
    for (let w = 0; w < words.length; w++) {
      const word = words[w];
      if (w === 0 && word === 'vm_map_ram') special = 'vm_map_ram';
      else if (w === 0 && word === 'unpurged' && words[1] === 'vm_area') { special = 'unpurged vm_area'; w++; }
      else if (/^pages=\d+$/.test(word)) attrs.pages = word.slice(6);
      else if (/^phys=0x[0-9a-fA-F]+$/.test(word)) attrs.phys = word.slice(5);
      else if (FLAG_WORDS.has(word)) flags.push(word);
      else if (/^N\d+=\d+$/.test(word)) nodes.push(word);
      else if (w === 0 && /^[A-Za-z_.$][\w.$]*(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?$|^0x[0-9a-f]+$/.test(word)) {
        caller = word;
        if (/^\[[\w-]+\]$/.test(words[w + 1] ?? '')) { caller += ' ' + words[w + 1]; w++; }
      } else { bad = word; break; }
    }
    if (bad) { problems.add(n, `unexpected word '${shortText(bad)}' in a /proc/vmallocinfo line; skipped`); continue; }
    if (caller) attrs.caller = caller;
    if (flags.length) attrs.flags = flags.join(' ');
    if (nodes.length) attrs.nodes = nodes.join(' ');
    if (special) attrs.area = special;
    // Hidden addresses: zeros, or a hash (32 bits after eight zeros; end - start then differs from SIZE).
    const zero = /^0+$/.test(m[1]) && /^0+$/.test(m[2]);
    const startDigits = m[1], endDigits = m[2];
    const start = /^[0-9a-fA-F]+$/.test(startDigits) ? BigInt('0x' + startDigits) : -1n;
    const endEx = /^[0-9a-fA-F]+$/.test(endDigits) ? BigInt('0x' + endDigits) : -1n;
    const isHashed = !zero && (start < 0n || endEx < 0n || ((looksHashed(startDigits) || looksHashed(endDigits) || startDigits.length === 8) && endEx - start !== size));
    if (zero || isHashed) {
      if (zero) zeroed++; else hashed++;
      firstHidden ||= n;
      continue;
    }
    if (endEx <= start) { problems.add(n, `end 0x${endDigits} is not above start 0x${startDigits}; skipped`); continue; }
    if (endEx - start !== size) problems.add(n, `size ${m[3]} differs from end - start (${endEx - start}); the range is drawn from start to end`);
    if (regions.length >= limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} areas; the rest were not read`); stopped = true; break; }
    const shortCaller = caller.replace(/\+0x.*$/, '');
    const r: Region = {
      name: special || shortCaller || 'vmap area',
      start, end: endEx - 1n, kind: kindOf(caller),
      description: `${size} bytes (with the guard page)${caller ? ` allocated by ${caller}` : ''}${attrs.pages ? `, ${attrs.pages} pages` : ''}${attrs.phys ? `, physical ${attrs.phys}` : ''}${flags.length ? `, ${flags.join(' ')}` : ''}${special ? ` (${special})` : ''}`,
      source: `${name}:${n}`,
    };
    regions.push(r);
    lineNo.set(r, n);
    entries.push({ line: n, type: 'mapping', name: r.name, start, end: r.end, kind: r.kind, attrs });
  }
  const hiddenCount = hashed + zeroed;
  const hidden = hiddenCount ? { count: hiddenCount, firstLine: firstHidden, reason: hashed >= zeroed ? 'hashed' as const : 'zeroed' as const } : undefined;
  if (hashed) problems.add(firstHidden, `${hashed} of ${read} areas show hashed pointers, not addresses: with kernel.kptr_restrict = 0 the kernel hashes %pK pointers for every reader; read /proc/vmallocinfo as root with kptr_restrict = 1 to see addresses. They are counted, not drawn`);
  if (zeroed) problems.add(firstHidden, `${zeroed} of ${read} areas show 0 as their addresses: the kernel hides them from this reader (kernel.kptr_restrict = 2, or 1 without CAP_SYSLOG); read the file as root with kptr_restrict = 1`);
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  if (!cleaned.length) {
    if (!read) problems.add(0, `no /proc/vmallocinfo lines found (expected lines like '0xffffc90000000000-0xffffc90000002000    8192 acpi_os_map_iomem+0x1bc/0x1e0 phys=0x00000000fed00000 ioremap')`);
    return emptyResult('vmallocinfo', problems, lines.length, truncated || stopped, { entries, hidden });
  }
  const layout = layoutOf(name, `vmalloc areas: ${name}`, `vmap areas from /proc/vmallocinfo (${cleaned.length}).`, guessX86Mode(regionEnds(cleaned)), cleaned, [], 'vmallocinfo');
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'vmallocinfo', layout, problems: problems.done(), lines: lines.length, truncated: truncated || stopped, entries, facts: [], hidden };
}

export function sniffVmallocinfo(sample: readonly string[]): number {
  // 2 a line: ahead of a page-table dump line, which the same range syntax also matches. An area is
  // whole pages (at least one and the guard page), a dump's size has a unit letter.
  let s = 0;
  for (const l of sample) {
    const m = VMALLOC_LINE.exec(l);
    if (m && m[3].length < 20 && BigInt(m[3]) >= 4096n && BigInt(m[3]) % 4096n === 0n) s += 2;
  }
  return s;
}
