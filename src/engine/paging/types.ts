// Core data types of the layout engine. Every address and size is a BigInt.

/** One level of a page-table walk, top level first in PagingMode.levels. */
export interface LevelSpec {
  /** Name as the architecture manual says it (PML4, PDPT, L0, VPN[2], ...). */
  arch: string;
  /** Name as Linux says it (PGD, P4D, PUD, PMD, PTE). */
  linux: string;
  /** Lowest virtual-address bit indexed by this level. */
  shift: number;
  /** Number of index bits at this level. */
  bits: number;
}

/** How the architecture decides which virtual addresses are valid. */
export type CanonicalRule =
  /** Bits above vaBits-1 must copy bit vaBits-1 (x86-64, RISC-V). */
  | 'sign-extend'
  /** Bits above vaBits-1 are all zeros (TTBR0, user) or all ones (TTBR1, kernel); arm64. */
  | 'split'
  /** Every address of the register width is valid (x86-32). */
  | 'none';

export interface PagingMode {
  id: string;
  title: string;
  arch: 'x86_64' | 'x86_32' | 'arm64' | 'riscv64';
  /** Width of an address register in bits (32 or 64). */
  addressBits: 32 | 64;
  /** Significant virtual-address bits (48, 57, 39, 32, ...). */
  vaBits: number;
  /** log2 of the base page size (12 for 4 KiB). */
  pageShift: number;
  /** Bytes per page-table entry (4 or 8). */
  entrySize: number;
  /** Levels, top level first. */
  levels: LevelSpec[];
  /** Page sizes a leaf entry can map, smallest first. */
  leafPageSizes: bigint[];
  canonical: CanonicalRule;
}

/** Kinds of region; used for colours, rules and legends. */
export const REGION_KINDS = [
  'user', 'non-canonical', 'guard-hole', 'hypervisor', 'direct-map', 'vmalloc', 'vmemmap', 'kasan',
  'kernel-text', 'modules', 'fixmap', 'cpu-entry-area', 'espfix', 'efi', 'ldt-remap', 'vsyscall',
  'pkmap', 'pci-io', 'bpf', 'kernel', 'hypervisor-text', 'm2p', 'unused', 'other',
] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

export interface Region {
  name: string;
  /** Inclusive. */
  start: bigint;
  /** Inclusive. */
  end: bigint;
  kind: RegionKind;
  description: string;
  /** Where the region comes from (a preset source, a file:line, a dump line). */
  source?: string;
  /** The base is chosen at boot (KASLR): drawn at its boot default. */
  randomised?: boolean;
}

/** A named address that is not a region boundary of its own (e.g. __START_KERNEL_map). */
export interface LayoutSymbol {
  name: string;
  value: bigint;
  description?: string;
}

export interface Layout {
  id: string;
  title: string;
  /** PagingMode id. */
  mode: string;
  description: string;
  /** Where the figures come from (repository, path, commit). */
  source: string[];
  /** Deliberate decisions, e.g. how an erratum of the source was resolved. */
  notes: string[];
  /** Sorted by start; non-overlapping; gaps allowed. */
  regions: Region[];
  symbols: LayoutSymbol[];
  /** Where the layout was loaded from: 'builtin' or a file path. */
  origin: string;
  /** The preset this layout extends, if any. */
  extends?: string;
  /** Regions a derived layout could not place (a boundary the headers do not give, an overlap), with the reason. */
  unplaced?: UnplacedRegion[];
}

/** A region of a derivation recipe left out of the layout. */
export interface UnplacedRegion {
  name: string;
  kind: RegionKind;
  reason: string;
  /** The start, when it is known. */
  start?: bigint;
}
