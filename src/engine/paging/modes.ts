// Paging modes: how each architecture splits a virtual address into page-table indices.
import { CanonicalRule, LevelSpec, PagingMode } from './types';

const K = 1024n;
const SZ_4K = 4n * K, SZ_16K = 16n * K, SZ_64K = 64n * K;
const SZ_2M = 2n * K * K, SZ_4M = 4n * K * K, SZ_32M = 32n * K * K, SZ_512M = 512n * K * K;
const SZ_1G = K * K * K, SZ_512G = 512n * SZ_1G, SZ_256T = 256n * K * SZ_1G;

/** Build the level list bottom-up from the page shift and per-level bit counts (given top level first). */
function levels(pageShift: number, bits: number[], arch: string[], linux: string[]): LevelSpec[] {
  const out: LevelSpec[] = [];
  let shift = pageShift;
  for (let i = bits.length - 1; i >= 0; i--) {
    out.unshift({ arch: arch[i], linux: linux[i], shift, bits: bits[i] });
    shift += bits[i];
  }
  return out;
}

/** Linux's names for n levels: the top level is always PGD, the bottom PTE; P4D/PUD are folded first. */
function linuxNames(n: number): string[] {
  return { 2: ['PGD', 'PTE'], 3: ['PGD', 'PMD', 'PTE'], 4: ['PGD', 'PUD', 'PMD', 'PTE'], 5: ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'] }[n]!;
}

/** arm64 numbers its levels so that L3 is always the last one. */
function arm64Names(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `L${4 - n + i}`);
}

function riscvNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `VPN[${n - 1 - i}]`);
}

function mode(m: Omit<PagingMode, 'levels'> & { bits: number[]; arch_names: string[]; linux_names?: string[] }): PagingMode {
  const { bits, arch_names, linux_names, ...rest } = m;
  return { ...rest, levels: levels(m.pageShift, bits, arch_names, linux_names ?? linuxNames(bits.length)) };
}

function arm64(id: string, granule: number, vaBits: number, leaf: bigint[]): PagingMode {
  const pageShift = Math.log2(granule);
  const per = pageShift - 3;
  const rest = vaBits - pageShift;
  const n = Math.ceil(rest / per);
  const bits = Array.from({ length: n }, (_, i) => (i === 0 ? rest - per * (n - 1) : per));
  return mode({
    id, title: `arm64, ${granule / 1024} KiB granule, ${vaBits}-bit VA (${n} levels)`, arch: 'arm64', addressBits: 64, vaBits,
    pageShift, entrySize: 8, bits, arch_names: arm64Names(n), leafPageSizes: leaf, canonical: 'split',
  });
}

function riscv(sv: number, n: number, leaf: bigint[]): PagingMode {
  return mode({
    id: `riscv64-sv${sv}`, title: `RISC-V Sv${sv} (${n} levels)`, arch: 'riscv64', addressBits: 64, vaBits: sv,
    pageShift: 12, entrySize: 8, bits: Array(n).fill(9), arch_names: riscvNames(n), leafPageSizes: leaf, canonical: 'sign-extend',
  });
}

export const MODES: readonly PagingMode[] = [
  mode({
    id: 'x86_64-4level', title: 'x86-64, 4-level paging (48-bit VA)', arch: 'x86_64', addressBits: 64, vaBits: 48, pageShift: 12,
    entrySize: 8, bits: [9, 9, 9, 9], arch_names: ['PML4', 'PDPT', 'PD', 'PT'], leafPageSizes: [SZ_4K, SZ_2M, SZ_1G], canonical: 'sign-extend',
  }),
  mode({
    id: 'x86_64-5level', title: 'x86-64, 5-level paging (57-bit VA)', arch: 'x86_64', addressBits: 64, vaBits: 57, pageShift: 12,
    entrySize: 8, bits: [9, 9, 9, 9, 9], arch_names: ['PML5', 'PML4', 'PDPT', 'PD', 'PT'], leafPageSizes: [SZ_4K, SZ_2M, SZ_1G], canonical: 'sign-extend',
  }),
  mode({
    id: 'x86_32', title: 'x86-32, 2-level paging without PAE (10/10/12)', arch: 'x86_32', addressBits: 32, vaBits: 32, pageShift: 12,
    entrySize: 4, bits: [10, 10], arch_names: ['PD', 'PT'], leafPageSizes: [SZ_4K, SZ_4M], canonical: 'none',
  }),
  mode({
    id: 'x86_32-pae', title: 'x86-32 with PAE (2/9/9/12)', arch: 'x86_32', addressBits: 32, vaBits: 32, pageShift: 12,
    entrySize: 8, bits: [2, 9, 9], arch_names: ['PDPT', 'PD', 'PT'], leafPageSizes: [SZ_4K, SZ_2M], canonical: 'none',
  }),
  arm64('arm64-4k-39', 4096, 39, [SZ_4K, SZ_2M, SZ_1G]),
  arm64('arm64-4k-48', 4096, 48, [SZ_4K, SZ_2M, SZ_1G]),
  arm64('arm64-16k-47', 16384, 47, [SZ_16K, SZ_32M]),
  arm64('arm64-16k-48', 16384, 48, [SZ_16K, SZ_32M]),
  // 52-bit VA with 4K or 16K pages (FEAT_LPA2, CONFIG_ARM64_VA_BITS_52 with ARM64_4K/16K_PAGES in later kernels): one more level.
  arm64('arm64-4k-52', 4096, 52, [SZ_4K, SZ_2M, SZ_1G]),
  arm64('arm64-16k-52', 16384, 52, [SZ_16K, SZ_32M]),
  arm64('arm64-64k-42', 65536, 42, [SZ_64K, SZ_512M]),
  arm64('arm64-64k-48', 65536, 48, [SZ_64K, SZ_512M]),
  arm64('arm64-64k-52', 65536, 52, [SZ_64K, SZ_512M]),
  riscv(39, 3, [SZ_4K, SZ_2M, SZ_1G]),
  riscv(48, 4, [SZ_4K, SZ_2M, SZ_1G, SZ_512G]),
  riscv(57, 5, [SZ_4K, SZ_2M, SZ_1G, SZ_512G, SZ_256T]),
];

export function getMode(id: string): PagingMode | undefined {
  return MODES.find((m) => m.id === id);
}

/** All ones in the address register's width. */
export function addressMask(m: PagingMode): bigint {
  return (1n << BigInt(m.addressBits)) - 1n;
}

/** The top-level index of an address. */
export function topLevelIndex(m: PagingMode, addr: bigint): number {
  const l = m.levels[0];
  return Number((addr >> BigInt(l.shift)) & ((1n << BigInt(l.bits)) - 1n));
}

/** Bytes covered by one entry of the given level (index into m.levels). */
export function levelSpan(m: PagingMode, level: number): bigint {
  return 1n << BigInt(m.levels[level].shift);
}

/** Number of entries in the top-level table. */
export function topLevelEntries(m: PagingMode): number {
  return 1 << m.levels[0].bits;
}

/**
 * Whether an address is valid (canonical) in this mode, and its canonical form: for the sign-extend
 * and split rules, the low vaBits bits sign-extended to the register width.
 */
export function canonicalForm(m: PagingMode, addr: bigint): bigint {
  const mask = addressMask(m);
  addr &= mask;
  if (m.canonical === 'none' || m.vaBits >= m.addressBits) return addr;
  const low = addr & ((1n << BigInt(m.vaBits)) - 1n);
  // x86-64 and RISC-V copy the top VA bit upwards; arm64 selects TTBR0/TTBR1 with bit 55.
  const selector = m.canonical === 'split' ? 55 : m.vaBits - 1;
  const signBit = (addr >> BigInt(selector)) & 1n;
  return signBit ? (low | (mask ^ ((1n << BigInt(m.vaBits)) - 1n))) : low;
}

export function isCanonical(m: PagingMode, addr: bigint): boolean {
  return canonicalForm(m, addr) === (addr & addressMask(m));
}

/** The canonical rule in words, for hovers and docs. */
export function canonicalRuleText(m: PagingMode): string {
  const rules: Record<CanonicalRule, string> = {
    'sign-extend': `bits ${m.addressBits - 1}..${m.vaBits} must equal bit ${m.vaBits - 1}`,
    split: `bits ${m.addressBits - 1}..${m.vaBits} must be all zeros (TTBR0, user) or all ones (TTBR1, kernel)`,
    none: `every ${m.addressBits}-bit address is valid`,
  };
  return rules[m.canonical];
}

/** Size of the user (lower) half: for sign-extend and split modes 2^(vaBits-1) resp. 2^vaBits. */
export function lowerHalfSize(m: PagingMode): bigint {
  if (m.canonical === 'sign-extend') return 1n << BigInt(m.vaBits - 1);
  if (m.canonical === 'split') return 1n << BigInt(m.vaBits);
  return 1n << BigInt(m.addressBits);
}

/** Start of the upper (kernel) canonical half; for 'none' modes undefined (no hole). */
export function upperHalfStart(m: PagingMode): bigint | undefined {
  if (m.canonical === 'none') return undefined;
  return (1n << BigInt(m.addressBits)) - lowerHalfSize(m);
}
