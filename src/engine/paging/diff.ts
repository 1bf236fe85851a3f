// Differences between two layouts: regions and symbols matched by name.
import { modeOf } from './decode';
import { addressMask, topLevelIndex, levelSpan } from './modes';
import { Layout, Region } from './types';

export interface RegionChange {
  name: string;
  status: 'same' | 'moved' | 'resized' | 'added' | 'removed';
  before?: Region;
  after?: Region;
  /** after.start - before.start */
  startDelta?: bigint;
  /** after.end - before.end */
  endDelta?: bigint;
  /** startDelta in top-level slots (exact when the move is slot-aligned, else fractional text). */
  slotDelta?: number;
  startSlotBefore?: number;
  startSlotAfter?: number;
  sizeBefore?: bigint;
  sizeAfter?: bigint;
  /** Bytes from the start to the top of the address space, before and after. */
  spaceAboveBefore?: bigint;
  spaceAboveAfter?: bigint;
}

export interface SymbolChange {
  name: string;
  before?: bigint;
  after?: bigint;
  delta?: bigint;
  slotBefore?: number;
  slotAfter?: number;
  /** Bytes from the value to the top of the address space, before and after. */
  spaceAboveBefore?: bigint;
  spaceAboveAfter?: bigint;
}

export interface LayoutDiff {
  a: Layout;
  b: Layout;
  regions: RegionChange[];
  symbols: SymbolChange[];
  /** Regions that exist in both layouts but whose bounds changed, plus added/removed ones. */
  changedCount: number;
}

export function diffLayouts(a: Layout, b: Layout): LayoutDiff {
  const ma = modeOf(a), mb = modeOf(b);
  const topA = addressMask(ma) + 1n, topB = addressMask(mb) + 1n;
  const slotSize = levelSpan(ma, 0) === levelSpan(mb, 0) ? levelSpan(ma, 0) : undefined;
  const regions: RegionChange[] = [];
  const byNameB = new Map(b.regions.map((r) => [r.name, r]));
  const seen = new Set<string>();
  for (const ra of a.regions) {
    const rb = byNameB.get(ra.name);
    seen.add(ra.name);
    if (!rb) { regions.push({ name: ra.name, status: 'removed', before: ra, sizeBefore: ra.end - ra.start + 1n }); continue; }
    const startDelta = rb.start - ra.start, endDelta = rb.end - ra.end;
    const sizeBefore = ra.end - ra.start + 1n, sizeAfter = rb.end - rb.start + 1n;
    regions.push({
      name: ra.name, before: ra, after: rb,
      status: startDelta !== 0n ? 'moved' : endDelta !== 0n ? 'resized' : 'same',
      startDelta, endDelta, sizeBefore, sizeAfter,
      startSlotBefore: topLevelIndex(ma, ra.start), startSlotAfter: topLevelIndex(mb, rb.start),
      slotDelta: slotSize && startDelta % slotSize === 0n ? Number(startDelta / slotSize) : undefined,
      spaceAboveBefore: topA - ra.start, spaceAboveAfter: topB - rb.start,
    });
  }
  for (const rb of b.regions) {
    if (!seen.has(rb.name)) regions.push({ name: rb.name, status: 'added', after: rb, sizeAfter: rb.end - rb.start + 1n });
  }
  regions.sort((x, y) => {
    const sx = (x.before ?? x.after)!.start, sy = (y.before ?? y.after)!.start;
    return sx < sy ? -1 : sx > sy ? 1 : 0;
  });
  const symbols: SymbolChange[] = [];
  const symB = new Map(b.symbols.map((s) => [s.name, s.value]));
  for (const s of a.symbols) {
    const after = symB.get(s.name);
    symbols.push({
      name: s.name, before: s.value, after, delta: after !== undefined ? after - s.value : undefined,
      slotBefore: topLevelIndex(ma, s.value), slotAfter: after !== undefined ? topLevelIndex(mb, after) : undefined,
      spaceAboveBefore: topA - s.value, spaceAboveAfter: after !== undefined ? topB - after : undefined,
    });
  }
  for (const s of b.symbols) {
    if (!a.symbols.some((x) => x.name === s.name)) symbols.push({ name: s.name, after: s.value, slotAfter: topLevelIndex(mb, s.value), spaceAboveAfter: topB - s.value });
  }
  return { a, b, regions, symbols, changedCount: regions.filter((r) => r.status !== 'same').length };
}
