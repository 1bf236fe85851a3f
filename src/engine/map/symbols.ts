// A symbol table (from /proc/kallsyms or System.map) as typed arrays, and address-to-symbol lookup.
// 200,000 symbols cost about 6 MB here plus the input text the names are read from; lookups are a
// binary search over the locatable symbols sorted by address. Pure: no I/O, BigInt at the surface.
import { formatHex } from '../paging/numbers';

/** Flags of a symbol. */
export const SYM_ABSOLUTE = 1;
export const SYM_PERCPU = 2;
export const SYM_MODULE = 4;
export const SYM_ZERO = 8;

/** Names whose addresses boot values and kernel-image regions are derived from. */
export const KEY_SYMBOLS = [
  '_text', '_stext', 'startup_64', 'stext', 'primary_entry', '_start', '_etext', '__start_rodata', '__end_rodata',
  '_sdata', '_edata', '__init_begin', '__init_end', '__bss_start', '__bss_stop', '_end', '__per_cpu_start', '__per_cpu_end',
  '__per_cpu_load', 'page_offset_base', 'vmalloc_base', 'vmemmap_base',
] as const;
export type KeySymbol = (typeof KEY_SYMBOLS)[number];

export interface SymbolTable {
  /** Where the symbols come from (a file name). */
  source: string;
  /** kallsyms: addresses of the running kernel; system-map: the link-time addresses of the build. */
  kind: 'kallsyms' | 'system-map';
  count: number;
  /** The input text; names are read from it. */
  text: string;
  /** Per symbol, in input order: the address as two 32-bit halves. */
  hi: Uint32Array;
  lo: Uint32Array;
  /** nm type letter (char code): T t D d B b R r A a W w V v U ... */
  type: Uint8Array;
  flags: Uint8Array;
  nameStart: Uint32Array;
  nameLength: Uint16Array;
  /** 0: the kernel itself; k: modules[k - 1]. */
  module: Uint16Array;
  modules: string[];
  /** 1-based input line. */
  line: Uint32Array;
  /** The kernel's locatable symbols (not absolute, not zero-based per-CPU offsets, not 0) sorted by address, then input order. */
  order: Uint32Array;
  /** The modules' symbols, sorted the same way. */
  moduleOrder: Uint32Array;
  /** Index of the first symbol of each key name, or -1. */
  keys: Record<KeySymbol, number>;
  /** Every non-absolute address is 0: the kernel hid them (kptr_restrict). */
  allZero: boolean;
  /** Hex digits the addresses were printed with (8 on 32-bit kernels, 16 on 64-bit ones). */
  digits: number;
}

export function symbolAddress(t: SymbolTable, i: number): bigint {
  return (BigInt(t.hi[i]) << 32n) | BigInt(t.lo[i]);
}

export function symbolName(t: SymbolTable, i: number): string {
  return t.text.substr(t.nameStart[i], t.nameLength[i]);
}

export function symbolType(t: SymbolTable, i: number): string {
  return String.fromCharCode(t.type[i]);
}

export function symbolModule(t: SymbolTable, i: number): string | undefined {
  return t.module[i] ? t.modules[t.module[i] - 1] : undefined;
}

/** Index of the first symbol with this name, or -1. Key names are found at once, others by a scan. */
export function findSymbol(t: SymbolTable, name: string): number {
  const k = (t.keys as Record<string, number>)[name];
  if (k !== undefined) return k;
  for (let i = 0; i < t.count; i++) {
    if (t.nameLength[i] === name.length && t.text.startsWith(name, t.nameStart[i])) return i;
  }
  return -1;
}

export interface SymbolMatch {
  index: number;
  name: string;
  /** nm type letter. */
  type: string;
  module?: string;
  /** Where the symbol is for the address asked about: its table address plus the slide applied. */
  address: bigint;
  offset: bigint;
  /** The slide that was added to the table's address (0 for kallsyms and module symbols). */
  slide: bigint;
  line: number;
  /** `startup_64+0x1f0`, `foo_init+0x10 [foo]`, `_text` at offset 0. */
  text: string;
}

export interface LookupOptions {
  /** Added to the kernel's (non-module) symbol addresses: the text slide of a boot, for a System.map. */
  slide?: bigint;
  /** The largest offset reported past a module symbol (default 1 MiB); the kernel's own symbols end at _end. */
  maxModuleOffset?: bigint;
}

function compareAt(t: SymbolTable, i: number, hi: number, lo: number): number {
  return t.hi[i] !== hi ? (t.hi[i] < hi ? -1 : 1) : t.lo[i] !== lo ? (t.lo[i] < lo ? -1 : 1) : 0;
}

/** Position in `order` of the last symbol at or below the address, or -1. */
function lastAtOrBelow(t: SymbolTable, order: Uint32Array, addr: bigint): number {
  const hi = Number(addr >> 32n), lo = Number(addr & 0xffffffffn);
  let a = 0, b = order.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (compareAt(t, order[mid], hi, lo) <= 0) a = mid + 1; else b = mid;
  }
  return a - 1;
}

/** A symbol a person reads best: not a section marker (_text, __start_*), a function over data, earlier over later. */
function rank(t: SymbolTable, i: number): number {
  const c = t.text.charCodeAt(t.nameStart[i]);
  const ty = t.type[i] | 0x20;
  return (c === 95 /* _ */ || c === 36 /* $ */ || c === 46 /* . */ ? 2 : 0) + (ty === 116 /* t */ ? 0 : 1);
}

/** Among the aliases (same address) ending at `pos` of `order`, the one a person reads best. */
function bestAlias(t: SymbolTable, order: Uint32Array, pos: number): number {
  let best = order[pos];
  const hi = t.hi[best], lo = t.lo[best];
  for (let p = pos - 1; p >= 0 && pos - p < 256; p--) {
    const i = order[p];
    if (t.hi[i] !== hi || t.lo[i] !== lo) break;
    if (rank(t, i) <= rank(t, best)) best = i;
  }
  return best;
}

function match(t: SymbolTable, i: number, addr: bigint, slide: bigint): SymbolMatch {
  const at = symbolAddress(t, i) + slide;
  const offset = addr - at;
  const name = symbolName(t, i);
  const module = symbolModule(t, i);
  return {
    index: i, name, type: symbolType(t, i), module, address: at, offset, slide, line: t.line[i],
    text: `${name}${offset ? `+0x${offset.toString(16)}` : ''}${module ? ` [${module}]` : ''}`,
  };
}

/**
 * The symbol an address is in: the nearest locatable symbol at or below it, with the offset. For a
 * System.map of a kernel that booted with KASLR pass its text slide: the address is looked up at
 * `addr - slide` among the kernel's symbols. Undefined when the address is below every symbol, past the
 * kernel image's end (`_end`) and no module symbol is close enough, or the table has no addresses.
 */
export function nearestSymbol(t: SymbolTable, addr: bigint, opts: LookupOptions = {}): SymbolMatch | undefined {
  if (t.allZero || addr < 0n || addr >= 1n << 64n) return undefined;
  const slide = opts.slide ?? 0n;
  const maxModule = opts.maxModuleOffset ?? 1n << 20n;
  const endIdx = t.keys._end;
  const imageEnd = endIdx >= 0 ? symbolAddress(t, endIdx) : undefined;
  const candidates: SymbolMatch[] = [];
  // The kernel's own symbols, relocated by the slide.
  const q = addr - slide;
  if (q >= 0n && q < 1n << 64n) {
    const pos = lastAtOrBelow(t, t.order, q);
    const i = pos >= 0 ? bestAlias(t, t.order, pos) : -1;
    if (i >= 0 && (imageEnd === undefined || q < imageEnd || (q === imageEnd && symbolAddress(t, i) === imageEnd))) candidates.push(match(t, i, addr, slide));
  }
  if (t.moduleOrder.length) {
    const pos = lastAtOrBelow(t, t.moduleOrder, addr);
    const i = pos >= 0 ? bestAlias(t, t.moduleOrder, pos) : -1;
    if (i >= 0) {
      const m = match(t, i, addr, 0n);
      if (m.offset <= maxModule) candidates.push(m);
    }
  }
  candidates.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  return candidates[0];
}

/** One line for people: `startup_64+0x1f0 (T, System.map line 12, relocated by +0x19200000)`. */
export function describeMatch(t: SymbolTable, m: SymbolMatch): string {
  const where = `${t.kind === 'kallsyms' ? 'kallsyms' : 'System.map'} ${t.source} line ${m.line}`;
  return `${m.text} (${m.type}, ${where}${m.slide ? `, relocated by ${m.slide < 0n ? '-' : '+'}0x${(m.slide < 0n ? -m.slide : m.slide).toString(16)}` : ''}; symbol at ${formatHex(m.address, { digits: t.digits })})`;
}
