// /proc/iomem: `start-end : name` (end inclusive), children indented under their parent. A physical map.
import { formatHex, formatSize } from '../../paging/numbers';
import { Region, RegionKind } from '../../paging/types';
import { disjoint, emptyResult, ImportEntry, ImportOptions, ImportResult, layoutOf, limitsOf, noteTruncation, Problems, shortText, splitLines } from './common';

export const IOMEM_LINE = /^(\s*)([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16})\s*:\s*(.*?)\s*$/;

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
 * Parse /proc/iomem. Children carve their parent, so the result is disjoint: each byte belongs to its
 * innermost entry. A reader without root sees every range as 0-0; that is reported, not drawn.
 */
export function parseIomem(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'iomem';
  const roots: IoNode[] = [];
  const stack: IoNode[] = [];
  const entries: ImportEntry[] = [];
  let zeros = 0, count = 0, firstZero = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i], n = i + 1;
    if (!line.trim()) continue;
    const m = IOMEM_LINE.exec(line.length > limits.maxLineLength ? '' : line);
    if (!m) { problems.add(n, `not a /proc/iomem line: '${shortText(line)}'`); continue; }
    const start = BigInt('0x' + m[2]), end = BigInt('0x' + m[3]);
    count++;
    if (start === 0n && end === 0n) { zeros++; firstZero ||= n; continue; }
    if (end < start) { problems.add(n, `end ${m[3]} is below start ${m[2]}; skipped`); continue; }
    if (count > limits.maxRegions) { problems.add(n, `more than ${limits.maxRegions} entries; the rest were not read`); break; }
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
    entries.push({ line: n, type: 'mapping', name: node.name, start, end, kind: iomemKind(node.name), attrs: node.path.length ? { parent: node.path.join(' › ') } : undefined });
  }
  if (zeros && zeros === count) {
    problems.add(1, 'every range is 0-0: /proc/iomem shows real addresses only to root (read it with sudo)');
    return emptyResult('iomem', problems, lines.length, truncated, { hidden: { count: zeros, firstLine: firstZero, reason: 'zeroed' } });
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
    return emptyResult('iomem', problems, lines.length, truncated, { entries });
  }
  const layout = layoutOf(name, `Physical memory: ${name}`, `Physical address map from /proc/iomem (${cleaned.length} ranges); a physical map, so no page-table slots.`,
    'x86_64-4level', cleaned, [], 'iomem');
  noteTruncation(problems, truncated, lines.length, limits);
  return {
    format: 'iomem', layout, problems: problems.done(), lines: lines.length, truncated, entries, facts: [],
    ...(zeros ? { hidden: { count: zeros, firstLine: firstZero, reason: 'zeroed' as const } } : {}),
  };
}

export function sniffIomem(sample: readonly string[]): number {
  return sample.filter((l) => IOMEM_LINE.test(l)).length;
}
