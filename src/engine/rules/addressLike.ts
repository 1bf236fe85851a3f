// Address-likeness: is a number an address (or a size, a limit) or is it a mask, a flag, a poison
// value, a magic number, a hash constant? The diagnostics rules only ever look at numbers this module
// calls an address, a limit or a size; the hover uses it to stay quiet on small numbers.
//
// The decision follows a few principles (docs/rules.md, "Address-likeness"), in order of strength:
//   1. the name that owns the value (`#define NAME`, `NAME = …`, `.set NAME, …`, `NAME equ …`), split
//      into words: words such as MASK, FLAG, POISON, MAGIC, HASH, MSR, SHIFT veto, and so does a
//      compound word ending in one (CLRMSK, ANDMASK); START, END, BASE, ADDR, VADDR, TOP, LIMIT make an
//      address; SIZE, LEN make a size; an OFFSET is a distance, not a place (only the kernel's
//      PAGE_OFFSET family is an address); MIN/MAX next to an address word make a bound, not a range
//      boundary; a word that states the value (BASE_128TB = 128 TiB, SZ_2M) makes a size;
//   2. the value's shape: masks (one run of ones, or ones at both ends around one run of zeros), the
//      top of a width (2^n - 1) that is not an address width of the layout (LLONG_MAX, U32_MAX),
//      repeated bytes (poison and fill patterns), well-known magic words (0xdeadbeef, …) and
//      high-entropy unaligned 64-bit values (hash multipliers, random seeds) are never addresses;
//   3. the surrounding code: a cast to a pointer type, a linker-script location (`. = X`, a section
//      address), or an address-named operand next to it make an address; an adjacent `&`, `|`, `^`,
//      `~`, `*`, `%` or a shift count make a mask or an arithmetic constant.
// Nothing here depends on the active layout except its widths (register and virtual-address bits):
// the rules decide what a classified address means there, and where (rules.ts: file contexts).
import { detach } from '../source/scanner';

/** What a number is, as far as the rules are concerned. */
export type ValueRole =
  /** A virtual or physical address: a region start, a base, a fixed mapping. */
  | 'address'
  /** An exclusive or inclusive upper bound of an address range (END, TOP, LIMIT, TASK_SIZE). */
  | 'limit'
  /** A length in bytes. */
  | 'size'
  /** A bit mask or a width's all-ones value. */
  | 'mask'
  /** Bit flags, enable bits, feature bits, attribute bits. */
  | 'flag'
  /** A deliberately invalid pointer or fill pattern (POISON, 0xdead…, 0x6b6b…). */
  | 'poison'
  /** A signature, magic number, version, identifier or register number. */
  | 'magic'
  /** A hash or random-number constant (golden-ratio multipliers, CRC polynomials, seeds). */
  | 'hash'
  /** A count, an index, a shift, an order: not a byte quantity. */
  | 'count'
  /** Too small to be worth a hover or a diagnostic (loop bounds, bit numbers). */
  | 'small'
  /** No evidence either way. */
  | 'unknown';

/** Which end of a range a name describes; undefined when the name is not a range boundary. */
export type BoundaryKind = 'start' | 'end' | 'size';

export interface AddressContext {
  /** The value (as the literal or the evaluated expression gives it). */
  value: bigint;
  /** The name that owns the value: a macro, an assembler symbol, a linker-script symbol. */
  name?: string;
  /** The literal as written (`0xffff880000000000`, `_AC(0x…, UL)` is given as its inner literal). */
  text?: string;
  /** The literal is the operand of a cast to a pointer type (`(void *)0x…`, `(unsigned long *)…`). */
  pointerCast?: boolean;
  /** A linker-script location or section address (`. = 0x…;`, `.text 0x… :`). */
  linkerLocation?: boolean;
  /** The operator directly before the literal, if any (`&`, `|`, `+`, `<<`, `=`, `(`, ...). */
  before?: string;
  /** The operator directly after the literal, if any. */
  after?: string;
  /** The value comes from a bit or mask macro (`GENMASK_ULL(51, 12)`, `BIT_ULL(61)`). */
  fromMaskMacro?: boolean;
  /** The definition OR-s its parts and adds nothing (`MCI_STATUS_ADDRV | MCI_STATUS_MISCV`): a set of flags. */
  orOfBits?: boolean;
  /** The value is a product of literals only (`62LL * 62 * 62 …`): a quantity, not an address. */
  product?: boolean;
  /** Identifiers of the same statement or line (for `vaddr >= 0x…`). */
  neighbours?: readonly string[];
  /**
   * The literal is assigned to an element or through a dereference (`gdt.base[2] = 0x00cf9a000000ffff`,
   * `*p = …`): data stored in memory, not the address of anything, whatever the operand is called. The
   * collector sets it when the token before `=` is `]` or the assigned expression starts with `*`.
   */
  assignedToElement?: boolean;
  /** Register width of the target (default 64). */
  addressBits?: 32 | 64;
  /**
   * Virtual-address bits of the active paging mode (48 with x86-64 4-level paging). An all-ones limit
   * (2^n - 1) is an address only when n is this width or one below it; without it, any width is.
   */
  vaBits?: number;
}

export interface Likeness {
  role: ValueRole;
  /** True for 'address' and 'limit': the number names a place in an address space. */
  address: boolean;
  /** Why, in a few words, for docs, tests and the precision report. */
  reason: string;
}

/** Values below this get no layout hover and no address diagnostic (loop bounds, bit numbers, small flags). */
export const MIN_ADDRESS_LIKE = 0x1000n;

// ---------------------------------------------------------------------------------------------
// Names

/** Split an identifier into upper-case words: `__PAGE_OFFSET_BASE_L4` → PAGE OFFSET BASE L4, `vmallocStart` → VMALLOC START. */
export function nameWords(name: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : 0;
    const upper = c >= 65 && c <= 90;
    const alnum = upper || (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (start >= 0 && (!alnum || (upper && isLowerOrDigit(name.charCodeAt(i - 1))))) {
      words.push(name.slice(start, i).toUpperCase());
      start = -1;
    }
    if (alnum && start < 0) start = i;
  }
  return words;
}

function isLowerOrDigit(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/** Words that veto an address reading whatever else the name says. */
const VETO = new Map<string, ValueRole>(Object.entries({
  MASK: 'mask', MSK: 'mask', BITMASK: 'mask', GENMASK: 'mask', BITS: 'count', BIT: 'flag', BITNR: 'count',
  FLAG: 'flag', FLAGS: 'flag', FL: 'flag', ENABLE: 'flag', ENABLED: 'flag', EN: 'flag', DISABLE: 'flag', ATTR: 'flag', ATTRS: 'flag',
  PROT: 'flag', PERM: 'flag', PERMS: 'flag', CAP: 'flag', CAPS: 'flag', FEAT: 'flag', FEATURE: 'flag', FEATURES: 'flag', MODE: 'flag',
  POISON: 'poison', POISONED: 'poison', DEAD: 'poison', BAD: 'poison', INVALID: 'poison', ILLEGAL: 'poison', BOGUS: 'poison',
  DUMMY: 'poison', FAKE: 'poison', NULL: 'poison', NONE: 'poison', UNUSED: 'poison', RESERVED: 'poison', FILL: 'poison', PATTERN: 'poison',
  MAGIC: 'magic', SIG: 'magic', SIGNATURE: 'magic', COOKIE: 'magic', CANARY: 'magic', ID: 'magic', UUID: 'magic', GUID: 'magic',
  VERSION: 'magic', VER: 'magic', REV: 'magic', REVISION: 'magic', MSR: 'magic', CSR: 'magic', IOPORT: 'magic', PIO: 'magic', SMASK: 'mask', CMASK: 'mask', TEMP: 'magic', TIMESTAMP: 'magic', TIME: 'magic', SPR: 'magic', REG: 'magic', CMD: 'magic',
  OPCODE: 'magic', OP: 'magic', INSN: 'magic', IRQ: 'magic', VECTOR: 'magic', ERRNO: 'magic', ERR: 'magic', ERROR: 'magic', STATUS: 'magic',
  CODE: 'magic', TYPE: 'magic', TAG: 'magic', KEY: 'magic', VAL: 'magic', VALUE: 'magic', PORT: 'magic', DEVID: 'magic', VID: 'magic', PID: 'magic',
  HASH: 'hash', CRC: 'hash', SEED: 'hash', PRIME: 'hash', GOLDEN: 'hash', RATIO: 'hash', MULT: 'hash', MULTIPLIER: 'hash', POLY: 'hash',
  NONCE: 'hash', IV: 'hash', SALT: 'hash', RANDOM: 'hash', RAND: 'hash', XOR: 'hash', ROUND: 'hash',
  SHIFT: 'count', ORDER: 'count', NR: 'count', NUM: 'count', COUNT: 'count', CNT: 'count', IDX: 'count', INDEX: 'count',
  ENTRIES: 'count', PTRS: 'count', SLOTS: 'count', LEVELS: 'count', WIDTH: 'count', ALIGN: 'size', ALIGNMENT: 'size',
} as Record<string, ValueRole>));

/** Words that make an address (or a limit) of a name. (OFFSET is a distance: see readName.) */
const START_WORDS = new Set(['START', 'BASE', 'ADDR', 'ADDRESS', 'VADDR', 'PADDR', 'KADDR', 'VA', 'PA', 'BEGIN', 'BOTTOM', 'LOW', 'VIRT', 'PHYS', 'PHYSADDR', 'PHYSICAL', 'LOAD', 'LINK', 'ORIGIN', 'ORG']);

/** Last words that make a name an index or a slot number (`ESPFIX_PGD_ENTRY`, `CPU_ENTRY_AREA_PGD`), whatever comes before. */
const INDEX_LAST_WORDS = new Set(['ENTRY', 'ENTRIES', 'PGD', 'P4D', 'PUD', 'PMD', 'PTE', 'SLOT', 'PML4', 'PML5', 'IDX', 'INDEX', 'NR', 'PFN']);
// MAX alone is an integer maximum (LONG_MAX, S64_MAX): only with an address word (PHYS_ADDR_MAX) is it a limit.
const END_WORDS = new Set(['END', 'TOP', 'LIMIT', 'HIGH', 'CEILING']);
const SIZE_WORDS = new Set(['SIZE', 'LEN', 'LENGTH', 'SPAN', 'BYTES', 'SZ', 'RESERVE', 'GAP', 'PAD', 'PADDING']);

/** Names that are an address or a limit as a whole (kernel idioms). */
const WHOLE_NAMES = new Map<string, 'address' | 'limit'>(Object.entries({
  PAGE_OFFSET: 'address', __PAGE_OFFSET: 'address', __START_KERNEL_MAP: 'address', __START_KERNEL: 'address',
  TASK_SIZE: 'limit', TASK_SIZE_MAX: 'limit', TASK_SIZE64: 'limit', TASK_SIZE_32: 'limit', STACK_TOP: 'limit', STACK_TOP_MAX: 'limit',
  DEFAULT_MAP_WINDOW: 'limit', USER_DS: 'limit', KERNEL_DS: 'limit', MAXMEM: 'limit', HIGH_MEMORY: 'limit',
} as Record<string, 'address' | 'limit'>));

export interface NameReading {
  role: ValueRole;
  /** For address-like names: which end of a range the name is. */
  boundary?: BoundaryKind;
  /** The name describes a physical address (PHYS, PADDR, PA words). */
  physical: boolean;
  /** The name describes user space (TASK_SIZE, USER_*, STACK_TOP). */
  user: boolean;
  /** Always false: an OFFSET is a distance, never an address (kept for callers of older readings). */
  offsetOnly: boolean;
  /**
   * MIN or MAX next to the address word (`FW_RUNTIME_MAX_ADDR`, `PHYS_ADDR_MAX`): a bound on where
   * something may be, not the boundary of a region (the range rules do not pair it).
   */
  bound?: 'min' | 'max';
  /** A word of the name states a size (`128TB`, `4KB`, `2M`, `SZ_1G`): the size in bytes. */
  statedSize?: bigint;
  reason: string;
}

const nameCache = new Map<string, NameReading>();
/** Names repeat within a file (a value is read by several rules), rarely across a tree. */
const NAME_CACHE_SIZE = 4096;


/** Read a name: its role, which range boundary it is, whether it is physical or user space. */
export function readName(name: string): NameReading {
  let r = nameCache.get(name);
  if (!r) {
    r = readNameUncached(name);
    if (nameCache.size >= NAME_CACHE_SIZE) nameCache.clear();
    // A name sliced out of a document would keep the whole document alive in the cache: store a copy.
    nameCache.set(detach(name), r);
  }
  return r;
}

const VIRTUAL_WORDS = new Set(['VIRT', 'VIRTUAL', 'VADDR', 'VA', 'KADDR', 'VMALLOC']);
const PHYSICAL_WORDS = new Set(['PHYS', 'PADDR', 'PA', 'PHYSADDR', 'PHYSICAL']);
const BOUND_WORDS = new Map<string, 'min' | 'max'>([['MAX', 'max'], ['MAXIMUM', 'max'], ['MIN', 'min'], ['MINIMUM', 'min']]);
const UNIT_SHIFT: Record<string, bigint> = { K: 10n, M: 20n, G: 30n, T: 40n, P: 50n, E: 60n };
/** A word that states a size: `128TB`, `4KB`, `2M`, `1GIB`, `64K`. */
const SIZE_WORD = /^(\d+)([KMGTPE])(?:I?B)?$/;

/** The size a word states (`128TB` → 2^47), if it states one. */
export function statedSize(word: string): bigint | undefined {
  const m = SIZE_WORD.exec(word);
  return m ? BigInt(m[1]) << UNIT_SHIFT[m[2]] : undefined;
}

function readNameUncached(name: string): NameReading {
  const words = nameWords(name);
  const upper = name.toUpperCase();
  // MACH2PHYS_VIRT_START is a virtual address (of the machine-to-physical table): VIRT wins.
  // Compound words count: PHYSMEM_END is physical.
  const virtual = words.some((w) => VIRTUAL_WORDS.has(w));
  const physical = !virtual && words.some((w) => PHYSICAL_WORDS.has(w) || w.startsWith('PHYS'));
  const user = words.some((w) => w === 'USER' || w === 'TASK' || w === 'UADDR' || w === 'USR') || upper.startsWith('STACK_TOP');
  const whole = WHOLE_NAMES.get(upper) ?? (upper.charCodeAt(0) === 95 ? WHOLE_NAMES.get(upper.replace(/^_+/, '')) : undefined);
  if (whole) return { role: whole, boundary: whole === 'limit' ? 'end' : 'start', physical, user, offsetOnly: false, reason: `${name} is a kernel address idiom` };
  const last = words[words.length - 1];
  if (last && INDEX_LAST_WORDS.has(last)) return { role: 'count', physical, user, offsetOnly: false, reason: `the name ${name} ends in ${last}: an index, not an address` };
  // Register offsets by naming convention (amdgpu's mmFOO/ixFOO/regFOO/cfgFOO/smnFOO): the number is where a register is.
  if (/^(?:mm|ix|reg|cfg|smn)[A-Z0-9]/.test(name)) return { role: 'magic', physical, user, offsetOnly: false, reason: `${name} is a register offset (${name.match(/^[a-z]+/)![0]} prefix)` };
  let stated: bigint | undefined;
  for (const word of words) {
    // FLAGS2, MASK64, ID3: the word without its trailing number.
    const tail = word.charCodeAt(word.length - 1);
    const w = VETO.has(word) || tail < 48 || tail > 57 ? word : word.replace(/\d+$/, '');
    const veto = VETO.get(w);
    if (veto) return { role: veto, physical, user, offsetOnly: false, reason: `the name ${name} contains ${w}` };
    // A compound mask word: CLRMSK, ANDMASK, PFNMASK (a register field's clear or select mask).
    if (w.length > 4 && (w.endsWith('MASK') || w.endsWith('MSK'))) return { role: 'mask', physical, user, offsetOnly: false, reason: `the name ${name} contains the mask word ${w}` };
  }
  // `128TB` is read as the words 128 and TB (a digit-to-letter step splits words).
  for (let i = 0; i < words.length && stated === undefined; i++) {
    stated = statedSize(words[i]) ?? (/^\d+$/.test(words[i]) && i + 1 < words.length ? statedSize(words[i] + words[i + 1]) : undefined);
  }
  const base = { physical, user, offsetOnly: false, ...(stated !== undefined ? { statedSize: stated } : {}) };
  const boundOf = (i: number) => BOUND_WORDS.get(words[i - 1]) ?? BOUND_WORDS.get(words[i + 1]);
  // The last boundary-ish word decides (VMALLOC_START_SIZE is a size, MODULES_END_ADDR an end address).
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i];
    if (SIZE_WORDS.has(w)) return { role: 'size', boundary: 'size', ...base, reason: `the name ${name} ends in ${w}` };
    if (w === 'OFFSET') {
      // PAGE_OFFSET (and __PAGE_OFFSET_…) is the kernel's direct-map base; any other OFFSET is a distance.
      if (words[i - 1] === 'PAGE') return { role: 'address', boundary: 'start', ...base, reason: `the name ${name} names the direct-map base (PAGE_OFFSET)` };
      return { role: 'size', ...base, reason: `the name ${name} is an OFFSET: a distance (a displacement, a file, mmap or register offset), not a place` };
    }
    const bound = boundOf(i);
    if (END_WORDS.has(w) || (bound === 'max' && (START_WORDS.has(w) || /ADDR$/.test(w)))) {
      return { role: 'limit', boundary: 'end', ...base, ...(bound ? { bound } : {}), reason: bound ? `the name ${name} is a maximum (${words[i - 1] === 'MAX' || words[i - 1] === 'MAXIMUM' ? words[i - 1] + '_' + w : w + '_' + words[i + 1]}): a bound, not a region boundary` : `the name ${name} names an end (${w})` };
    }
    if (START_WORDS.has(w) || /ADDR$/.test(w)) {
      return { role: 'address', boundary: 'start', ...base, ...(bound ? { bound } : {}), reason: bound ? `the name ${name} is a minimum: a bound, not a region boundary` : `the name ${name} names an address (${w})` };
    }
  }
  return { role: 'unknown', ...base, reason: `the name ${name} says nothing about addresses` };
}

// ---------------------------------------------------------------------------------------------
// Shapes

const MAGIC_WORDS = [
  'dead', 'beef', 'cafe', 'babe', 'feed', 'face', 'f00d', 'c0de', 'd00d', 'b00b', '1dea', 'dec0de', 'abad', 'baad', 'bad0',
  'c0ffee', 'fee1', 'b105', 'acce55', '0ddba11', 'defaced', 'deadbeef', 'cafebabe', 'abcdef', '123456', 'a5a5', '5a5a',
];

/** Well-known hash and random constants (golden ratio, FNV, SplitMix, xxHash, MurmurHash, CRC polynomials). */
const HASH_CONSTANTS = new Set([
  0x9e3779b97f4a7c15n, 0x61c8864680b583ebn, 0x9e3779b9n, 0x61c88647n, 0x9e370001n, 0xcbf29ce484222325n, 0x100000001b3n,
  0x811c9dc5n, 0x01000193n, 0xbf58476d1ce4e5b9n, 0x94d049bb133111ebn, 0x9e3779b185ebca87n, 0xc2b2ae3d27d4eb4fn,
  0x165667b19e3779f9n, 0x85ebca77c2b2ae63n, 0x27d4eb2f165667c5n, 0xff51afd7ed558ccdn, 0xc4ceb9fe1a85ec53n,
  0x87c37b91114253d5n, 0x4cf5ad432745937fn, 0x42f0e1eba9ea3693n, 0xc96c5795d7870f42n, 0x04c11db7n, 0xedb88320n,
  0x82f63b78n, 0x1edc6f41n, 0x5deece66dn, 0x2545f4914f6cdd1dn, 0xd6e8feb86659fd93n, 0x5851f42d4c957f2dn,
]);

export interface Shape {
  role: ValueRole;
  reason: string;
}

/**
 * What the bits alone say. Returns 'unknown' for ordinary address shapes (a few significant digits
 * followed by zeros, or a canonical prefix); the caller then needs other evidence.
 */
export function valueShape(value: bigint, addressBits: 32 | 64 = 64): Shape {
  if (value < 0n) value &= (1n << 64n) - 1n;
  if (value === 0n) return { role: 'unknown', reason: 'zero' };
  const hex = value.toString(16);
  const width = hex.length <= 8 ? 8 : 16;
  const full = hex.padStart(width, '0');
  // The last page of a 64-bit space: error pointers (-MAX_ERRNO..-1), -PAGE_SIZE and small negative sentinels.
  if (addressBits === 64 && value >= 0xfffffffffffff000n && value <= 0xffffffffffffffffn) return { role: 'poison', reason: `0x${hex} is a small negative number (an error pointer or a sentinel)` };
  // All ones of a width: 0xff, 0xffffffff, 0x7fffffffffffffff, 2^n - 1.
  if (((value + 1n) & value) === 0n) return { role: 'mask', reason: `${'0x' + hex} is 2^n - 1 (all ones)` };
  if (HASH_CONSTANTS.has(value)) return { role: 'hash', reason: `0x${hex} is a well-known hash constant` };
  // Repeated bytes or 16-bit words: 0x5a5a5a5a, 0x6b6b6b6b6b6b6b6b, 0x0101010101010101, 0x8080808080808080.
  if (hex.length >= 6) {
    const pad = hex.length % 2 ? '0' + hex : hex;
    const b = pad.slice(0, 2);
    if (pad.length >= 6 && pad === b.repeat(pad.length / 2) && b !== '00') return { role: 'poison', reason: `0x${hex} repeats the byte 0x${b}` };
    if (full.length >= 8) {
      const w = full.slice(0, 4);
      if (full === w.repeat(full.length / 4) && w !== '0000') return { role: 'poison', reason: `0x${hex} repeats 0x${w}` };
    }
  }
  for (const m of MAGIC_WORDS) if (hex.includes(m)) return { role: 'poison', reason: `0x${hex} contains the magic pattern ${m}` };
  // A negative number: within 64 GiB of the top of the 64-bit space, neither page-aligned nor one below a
  // page boundary (temperature offsets, timestamps, -EINVAL-style constants). Kernel addresses there are aligned.
  if (addressBits === 64 && value >= 0xfffffff000000000n && value <= 0xffffffffffffffffn && value % 4096n !== 0n && (value + 1n) % 4096n !== 0n) {
    return { role: 'magic', reason: `0x${hex} is a negative number (${value - (1n << 64n)}), not an aligned address` };
  }
  // High entropy: many different nibbles and no alignment. Addresses end in zeros or ones (inclusive ends).
  const trailingZeros = hex.length - hex.replace(/0+$/, '').length;
  const trailingOnes = hex.length - hex.replace(/f+$/, '').length;
  let distinct = 0;
  {
    // Distinct hex digits after the leading f's.
    let seen = 0, i = 0;
    while (i < hex.length && hex.charCodeAt(i) === 102) i++;
    for (; i < hex.length; i++) {
      const c = hex.charCodeAt(i);
      const bit = 1 << (c <= 57 ? c - 48 : c - 87);
      if (!(seen & bit)) { seen |= bit; distinct++; }
    }
  }
  if (hex.length >= 8 && trailingZeros < 2 && trailingOnes < 2 && distinct >= 7) return { role: 'hash', reason: `0x${hex} has ${distinct} distinct digits and no alignment` };
  if (addressBits === 64 && hex.length >= 12 && trailingZeros === 0 && trailingOnes === 0 && distinct >= 5) return { role: 'hash', reason: `0x${hex} is an unaligned pattern` };
  // Alternating bit patterns: 0x5555…, 0xaaaa…, 0x3333…, 0xcccc…, 0x0f0f…, 0xf0f0….
  if (/^(?:5+|a+|3+|c+|(?:0f)+|(?:f0)+|(?:33)+|(?:cc)+|(?:55)+|(?:aa)+)$/.test(full.replace(/^0+/, ''))) {
    return { role: 'mask', reason: `0x${hex} is an alternating bit pattern` };
  }
  return { role: 'unknown', reason: `0x${hex} has an address shape` };
}

/** Length of the run of one bits when v is a single contiguous run (0 otherwise). */
export function contiguousOnes(v: bigint): number {
  if (v <= 0n) return 0;
  const low = v & -v;
  const run = v / low;
  if (((run + 1n) & run) !== 0n) return 0;
  return run.toString(2).length;
}

/** A kernel-half shape of the register width: ones at the top then a few digits then zeros or ones. */
export function kernelShape(value: bigint, addressBits: 32 | 64 = 64): boolean {
  if (addressBits === 32) return value >= 0x80000000n && value <= 0xffffffffn;
  return value >= 0xff00000000000000n && value <= 0xffffffffffffffffn;
}

// ---------------------------------------------------------------------------------------------
// Context

const MASK_OPERATORS = new Set(['&', '|', '^', '~', '&=', '|=', '^=', '*', '*=', '%', '/', '<<', '>>', '!']);
const ADDRESS_IDENT = /(?:^|_)(?:v?addr|vaddr|paddr|va|pa|virt|phys|start|end|base|ptr|pointer|top|limit|pgd|pud|pmd|pte|page_offset|kaddr|uaddr|address)(?:$|_|\d)/i;

/** Whether an identifier of the surrounding code is about addresses (`vaddr`, `start`, `page_offset_base`). */
export function addressIdentifier(id: string): boolean {
  return ADDRESS_IDENT.test(id) && !/mask|flag|bits?$|shift|size|len|nr|idx|index|count/i.test(id);
}

/**
 * Classify a value. The result's `address` is what the rules act on: only numbers with positive
 * evidence (a name, a pointer cast, a linker location, an address operand) and no veto (a mask word,
 * a poison shape, a mask operator) are addresses.
 */
export function classifyValue(ctx: AddressContext): Likeness {
  const bits = ctx.addressBits ?? 64;
  const v = ctx.value < 0n ? ctx.value & ((1n << 64n) - 1n) : ctx.value;
  const mk = (role: ValueRole, reason: string): Likeness => ({ role, address: role === 'address' || role === 'limit', reason });
  const name = ctx.name ? readName(ctx.name) : undefined;
  if (name && !['address', 'limit', 'size', 'unknown'].includes(name.role)) return mk(name.role, name.reason);
  if (ctx.before && MASK_OPERATORS.has(ctx.before)) return mk('mask', `operand of ${ctx.before}`);
  if (ctx.after && MASK_OPERATORS.has(ctx.after) && ctx.after !== '*' && ctx.after !== '/') return mk('mask', `operand of ${ctx.after}`);
  if (ctx.after === '*' || ctx.after === '/') return mk('hash', `operand of ${ctx.after}`);
  // `x == 0xfed0000000000000`: a test for one specific (often known-bogus) value, not a definition.
  if (!name && (ctx.before === '==' || ctx.before === '!=' || ctx.after === '==' || ctx.after === '!=')) return mk('magic', `compared for equality with ${ctx.before ?? ctx.after}`);
  if (ctx.fromMaskMacro) return mk('mask', 'built with a bit or mask macro');
  // Addresses are bases plus offsets; a value OR-ed from parts with nothing added is a set of flags.
  if (ctx.orOfBits) return mk('mask', 'OR-ed from bits or flags, nothing added');
  // Addresses are bases plus offsets, shifted bits and masks; a product of plain numbers is a quantity.
  if (ctx.product) return mk('count', 'a product of numbers: a quantity, not an address');
  // The name states its value (EDK II's BASE_128TB = 0x0000800000000000, SZ_2M): a size constant.
  if (name?.statedSize !== undefined && name.statedSize === v) return mk('size', `the name ${ctx.name} states its value (${formatBytes(v)}): a size`);
  // The width is counted in 64 bits also for a 32-bit layout: ~0ULL there is a type's maximum, not an address past 32 bits.
  const width = topOfWidth(v);
  // Past 32 bits only: a 32-bit all-ones END (0xffffffff) ends a 32-bit window as often as it is U32_MAX.
  if (width !== undefined && width > 32 && (name?.role === 'limit' || name?.role === 'address')) {
    // The top of a width (2^n - 1). An address only at an address width of the layout: the top of the
    // lower half (2^(va-1) - 1) or of the whole VA range (2^va - 1). The maximum of a C type
    // (LLONG_MAX, S64_MAX) says "no limit"; any other width is a field's or a physical width.
    const va = ctx.vaBits;
    const addressWidth = va !== undefined ? width === va || width === va - 1 : !TYPE_WIDTHS.has(width);
    if (!addressWidth && TYPE_WIDTHS.has(width)) return mk('mask', `0x${v.toString(16)} is 2^${width} - 1, the maximum of a ${width === 63 ? 'signed 64' : '64'}-bit type: no limit, not an address`);
    if (!addressWidth && !name.physical) return mk('mask', `0x${v.toString(16)} is 2^${width} - 1, the top of a ${width}-bit field, not of the ${va}-bit address space`);
    if (name.role === 'limit' || name.physical) return mk('limit', `${name.reason}; 0x${v.toString(16)} is 2^${width} - 1 (the top of a ${width}-bit width)`);
  }
  const shape = valueShape(v, bits);
  if (shape.role !== 'unknown') {
    // A name's END/LIMIT accepts an all-ones value only as the top of a width (0xffffffff, 2^47 - 1): a limit.
    if (shape.role === 'mask' && name?.role === 'limit' && /all ones/.test(shape.reason)) return mk('limit', `${name.reason}; ${shape.reason}`);
    return mk(shape.role, shape.reason);
  }
  if (v !== 0n && v < MIN_ADDRESS_LIKE) return mk('small', `below 0x${MIN_ADDRESS_LIKE.toString(16)}`);
  if (name?.role === 'size') return mk('size', name.reason);
  if ((name?.role === 'address' || name?.role === 'limit') && bits === 64) {
    const m = maskShape(v, name.role);
    if (m) return mk('mask', m);
  }
  if (name?.role === 'address') return mk('address', name.reason);
  if (name?.role === 'limit') return mk('limit', name.reason);
  if (ctx.pointerCast) return mk('address', 'cast to a pointer type');
  if (ctx.linkerLocation) return mk('address', 'a linker-script location');
  // Only a literal that is itself compared with or assigned to an address operand (not one inside a call such as cpu_to_le64(…)).
  const operand = addressOperand(ctx);
  if (operand && v >= 0x100000000n) return mk('address', `compared with or assigned to ${operand}`);
  return mk('unknown', name ? name.reason : 'no name, cast or address operand');
}

/** Widths past 32 bits of C integer types, signed and unsigned: 2^n - 1 for these n is a type's maximum. */
const TYPE_WIDTHS = new Set([63, 64]);

/** n when v is 2^n - 1 (all ones, n >= 8) within the register width, else undefined. */
export function topOfWidth(v: bigint, addressBits: 32 | 64 = 64): number | undefined {
  if (v < 0xffn || ((v + 1n) & v) !== 0n) return undefined;
  const n = v.toString(2).length;
  return n <= addressBits ? n : undefined;
}

/**
 * Whether a 64-bit value has the shape of a register-field mask rather than of an address, for a
 * value a name calls a start (`role` 'address') or an end ('limit'):
 *  - one run of ones not reaching bit 63 (`0x000ffffffffff000`, the address field of an entry): a
 *    select mask, for a start (an end may be such a run: `0x00007ffffffff000`, the top user page);
 *  - ones at both ends around one run of zeros (`0xffffffff00000fff`): a clear mask, for a start (a
 *    start is aligned, it never ends in ones), and for an end whose low ones are fewer than a page's
 *    offset bits (an inclusive end such as `0xffff87ffffffffff` ends in at least twelve).
 * Returns the reason, or undefined.
 */
export function maskShape(v: bigint, role: 'address' | 'limit'): string | undefined {
  if (v <= 0n || v > 0xffffffffffffffffn) return undefined;
  const hex = `0x${v.toString(16)}`;
  if (role === 'address' && v < 0x8000000000000000n && contiguousOnes(v) >= 8) return `${hex} is a contiguous block of one bits (a field mask)`;
  const inv = ~v & 0xffffffffffffffffn;
  if ((v & 1n) === 1n && v >= 0x8000000000000000n && inv !== 0n && contiguousOnes(inv) > 0) {
    const lowOnes = (v ^ (v + 1n)).toString(2).length - 1;
    if (role === 'address' || lowOnes < 12) return `${hex} has ones at both ends around one run of zeros (a field's clear mask)`;
  }
  return undefined;
}

function formatBytes(v: bigint): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  while (i < units.length - 1 && v >= 1024n && v % 1024n === 0n) { v /= 1024n; i++; }
  return `${v} ${units[i]}`;
}

/** The address identifier a literal is compared with or assigned to (`vaddr >= 0x…`), if any. */
function addressOperand(ctx: Partial<AddressContext>): string | undefined {
  // A value stored into an element (`table.base[2] = …`) is data at an address, not the address.
  if (ctx.assignedToElement && ctx.before === '=') return undefined;
  const compared = ['<', '>', '<=', '>=', '='].includes(ctx.before ?? '') || ['<', '>', '<=', '>='].includes(ctx.after ?? '');
  return compared ? ctx.neighbours?.find(addressIdentifier) : undefined;
}

/**
 * Whether the code around a literal says it is an address: a pointer cast, a linker-script location
 * or an address operand. Without a name, nothing else makes a number an address (classifyValue).
 */
export function addressEvidence(ctx: Partial<AddressContext>): boolean {
  return !!ctx.pointerCast || !!ctx.linkerLocation || addressOperand(ctx) !== undefined;
}

/** For hovers: whether a literal is worth a layout hover at all (the old 0x1000 threshold, plus vetoes). */
export function hoverWorthy(value: bigint, text?: string): boolean {
  if (value < MIN_ADDRESS_LIKE) return false;
  void text;
  return true;
}
