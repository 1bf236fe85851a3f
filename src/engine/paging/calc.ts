// Calculators: direct-map capacity, page-table overhead, TLB reach, top-level slot arithmetic.
import { nextRegionAfter, regionAt } from './layouts';
import { addressMask, canonicalForm, levelSpan, topLevelEntries, upperHalfStart } from './modes';
import { InputError, formatSize } from './numbers';
import { Layout, PagingMode, Region } from './types';
import { modeOf } from './decode';

export interface Capacity {
  address: bigint;
  /** Bytes from the address to the top of the address space (2^64 or 2^32). */
  toTopOfSpace: bigint;
  /** The region that holds the address. */
  region?: Region;
  /** Bytes from the address to the end of its region (inclusive end + 1). */
  toRegionEnd?: bigint;
  /** The first region that starts above the address. */
  nextRegion?: Region;
  /** Bytes from the address to the start of nextRegion (to the top of the space when there is none). */
  toNextRegion: bigint;
}

/** How much a mapping (e.g. a direct map of physical memory) starting at `address` can cover. */
export function capacity(address: bigint, layout: Layout): Capacity {
  const mode = modeOf(layout);
  const top = addressMask(mode) + 1n;
  const a = address & addressMask(mode);
  const region = regionAt(layout, a);
  const next = nextRegionAfter(layout, a);
  return {
    address: a, toTopOfSpace: top - a, region, toRegionEnd: region ? region.end + 1n - a : undefined,
    nextRegion: next, toNextRegion: (next ? next.start : top) - a,
  };
}

export interface LevelOverhead {
  level: string;
  linux: string;
  /** Tables needed at this level. */
  tables: bigint;
  /** Bytes of one table at this level. */
  tableSize: bigint;
  bytes: bigint;
}

export interface Overhead {
  mode: PagingMode;
  pageSize: bigint;
  mappedBytes: bigint;
  /** Leaf entries (pages) needed. */
  pages: bigint;
  /** Per level, top level first; levels below the leaf level are absent. */
  levels: LevelOverhead[];
  tableBytes: bigint;
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/**
 * Page-table memory to map `bytes` contiguous, suitably aligned bytes with leaf pages of `pageSize`,
 * counting the tables of every level from the leaf level up to (and including) one top-level table.
 */
export function pageTableOverhead(bytes: bigint, pageSize: bigint, mode: PagingMode): Overhead {
  if (bytes <= 0n) throw new InputError('the size to map must be positive');
  if (!mode.leafPageSizes.includes(pageSize)) {
    throw new InputError(`${formatSize(pageSize)} is not a leaf page size of ${mode.title} (it has ${mode.leafPageSizes.map(formatSize).join(', ')})`);
  }
  const span = addressMask(mode) + 1n;
  if (bytes > span) throw new InputError(`${formatSize(bytes)} is more than the ${formatSize(span)} address space of ${mode.title}`);
  const leaf = mode.levels.findIndex((_, i) => levelSpan(mode, i) === pageSize);
  const pages = ceilDiv(bytes, pageSize);
  const levels: LevelOverhead[] = [];
  let entries = pages;
  for (let i = leaf; i >= 0; i--) {
    const l = mode.levels[i];
    const perTable = 1n << BigInt(l.bits);
    const tables = i === 0 ? 1n : ceilDiv(entries, perTable);
    const tableSize = perTable * BigInt(mode.entrySize);
    levels.unshift({ level: l.arch, linux: l.linux, tables, tableSize, bytes: tables * tableSize });
    entries = tables;
  }
  return { mode, pageSize, mappedBytes: bytes, pages, levels, tableBytes: levels.reduce((s, l) => s + l.bytes, 0n) };
}

/** Bytes a TLB with `entries` entries of `pageSize` pages can map. */
export function tlbReach(entries: bigint, pageSize: bigint): bigint {
  return entries * pageSize;
}

/** Bytes that `bits` physical (or virtual) address bits reach. */
export function addressBitsReach(bits: number): bigint {
  return 1n << BigInt(bits);
}

export interface SlotRange {
  slot: number;
  start: bigint;
  end: bigint;
  size: bigint;
}

/**
 * The canonical address range of a top-level slot. Negative slots count from the end (-1 is the last).
 * In arm64 modes the kernel (TTBR1) copy of the slot is returned when `kernel` is set.
 */
export function slotRange(mode: PagingMode, slot: number, kernel = false): SlotRange {
  const entries = topLevelEntries(mode);
  const s = slot < 0 ? entries + slot : slot;
  if (!Number.isInteger(s) || s < 0 || s >= entries) throw new InputError(`slot ${slot} is outside 0..${entries - 1} (or -${entries}..-1)`);
  const size = levelSpan(mode, 0);
  let start = canonicalForm(mode, BigInt(s) * size);
  if (mode.canonical === 'split' && kernel) start = upperHalfStart(mode)! + BigInt(s) * size;
  return { slot: s, start, end: start + size - 1n, size };
}

/** Number of top-level slots a range spans (rounded up), with the first and last slot. */
export function slotsOf(mode: PagingMode, start: bigint, end: bigint): { first: number; last: number; count: number } {
  const l = mode.levels[0];
  const mask = (1n << BigInt(l.bits)) - 1n;
  const first = Number((start >> BigInt(l.shift)) & mask);
  const last = Number((end >> BigInt(l.shift)) & mask);
  return { first, last, count: Number(((end >> BigInt(l.shift)) - (start >> BigInt(l.shift))) + 1n) };
}
