// /proc/PID/maps: one mapping a line, `start-end perms offset dev inode [path]` (end exclusive).
import { Region, RegionKind } from '../../paging/types';
import {
  disjoint, emptyResult, guessX86Mode, ImportEntry, ImportOptions, ImportResult, layoutOf, limitsOf, noteTruncation, Problems,
  regionEnds, shortText, splitLines,
} from './common';

export const MAPS_LINE = /^([0-9a-fA-F]{1,16})-([0-9a-fA-F]{1,16})\s+([r-][w-][x-][ps-])\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+:[0-9a-fA-F]+)\s+(\d+)\s*(.*)$/;

/** Parse /proc/PID/maps. Paths name the regions; anonymous mappings are named by their permissions. */
export function parseProcMaps(text: string, opts: ImportOptions = {}): ImportResult {
  const limits = limitsOf(opts);
  const problems = new Problems(limits.maxProblems);
  const { lines, truncated } = splitLines(text, limits);
  const name = opts.name ?? 'maps';
  const regions: Region[] = [];
  const entries: ImportEntry[] = [];
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
    entries.push({ line: n, type: 'mapping', name: r.name, start, end: r.end, kind, attrs: { perms: m[3], offset: m[4], dev: m[5], inode: m[6] } });
  }
  const cleaned = disjoint(regions, problems, (r) => lineNo.get(r) ?? 0);
  if (!cleaned.length) {
    problems.add(0, `no /proc/PID/maps lines found (expected lines like '55d0c8a00000-55d0c8a22000 r--p 00000000 08:01 1311763  /usr/bin/cat')`);
    return emptyResult('maps', problems, lines.length, truncated || stopped, { entries });
  }
  const layout = layoutOf(name, `Process mappings: ${name}`, `Mappings of one process from /proc/PID/maps (${cleaned.length}).`,
    guessX86Mode(regionEnds(cleaned)), cleaned, [], 'maps');
  noteTruncation(problems, truncated, lines.length, limits);
  return { format: 'maps', layout, problems: problems.done(), lines: lines.length, truncated: truncated || stopped, entries, facts: [] };
}

export function sniffMaps(sample: readonly string[]): number {
  return sample.filter((l) => MAPS_LINE.test(l)).length;
}
