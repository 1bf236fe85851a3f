// Decoding an address against a layout: canonical form, region, per-level indices, alignment, slots.
import { regionAt } from './layouts';
import { addressMask, canonicalForm, getMode, topLevelEntries, topLevelIndex, upperHalfStart } from './modes';
import { alignmentOf } from './numbers';
import { Layout, PagingMode, Region } from './types';

export interface LevelIndex {
  /** Architecture name (PML4, L0, VPN[2]). */
  level: string;
  /** Linux name (PGD, PUD, ...). */
  linux: string;
  index: number;
}

export interface Decoded {
  value: bigint;
  layout: Layout;
  mode: PagingMode;
  canonical: boolean;
  canonicalForm: bigint;
  /** user: lower half; kernel: upper half; non-canonical: neither. For 32-bit modes, by the region's kind. */
  half: 'user' | 'kernel' | 'non-canonical';
  region?: Region;
  /** value - region.start */
  offset?: bigint;
  /** Decoded from the canonical form, top level first. */
  indices: LevelIndex[];
  /** Offset inside a base page. */
  pageOffset: bigint;
  /** The largest leaf page size of the mode the value is aligned to, or undefined. */
  largestPage?: bigint;
  /** The largest power of two dividing the value (2^64 for 0). */
  alignment: bigint;
  /** Top-level slot (0-based). */
  slot: number;
  /** Slot counted from the end of the top-level table (negative: -1 is the last). */
  slotFromEnd: number;
  /** For sign-extend modes in the upper half: slot counted from the start of the kernel half. */
  kernelSlot?: number;
}

export function modeOf(layout: Layout): PagingMode {
  const m = getMode(layout.mode);
  if (!m) throw new Error(`layout ${layout.id} names unknown paging mode ${layout.mode}`);
  return m;
}

export function decodeAddress(value: bigint, layout: Layout): Decoded {
  const mode = modeOf(layout);
  const v = value & addressMask(mode);
  const cf = canonicalForm(mode, v);
  const canonical = cf === v;
  const region = regionAt(layout, v);
  const upper = upperHalfStart(mode);
  let half: Decoded['half'];
  if (!canonical) half = 'non-canonical';
  else if (upper !== undefined) half = v >= upper ? 'kernel' : 'user';
  else half = region?.kind === 'user' ? 'user' : 'kernel';
  const indices = mode.levels.map((l) => ({
    level: l.arch, linux: l.linux, index: Number((cf >> BigInt(l.shift)) & ((1n << BigInt(l.bits)) - 1n)),
  }));
  const alignment = alignmentOf(v);
  const largestPage = [...mode.leafPageSizes].reverse().find((p) => v % p === 0n);
  const slot = topLevelIndex(mode, cf);
  const entries = topLevelEntries(mode);
  return {
    value: v, layout, mode, canonical, canonicalForm: cf, half, region,
    offset: region ? v - region.start : undefined,
    indices, pageOffset: v & ((1n << BigInt(mode.pageShift)) - 1n), largestPage, alignment,
    slot, slotFromEnd: slot - entries,
    kernelSlot: mode.canonical === 'sign-extend' && half === 'kernel' ? slot - entries / 2 : undefined,
  };
}
