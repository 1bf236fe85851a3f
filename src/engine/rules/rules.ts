// Diagnostics rules PL001–PL009: real layout mistakes in address constants, and silence on masks,
// flags, poison values, magic numbers and hash constants (see addressLike.ts and docs/rules.md).
// Pure: values in (rules/values.ts reads them from a file's analysis), findings out, with 0-based ranges.
import { addressEvidence, classifyValue, Likeness, readName, nameWords, kernelShape } from './addressLike';
import { modeOf, regionAt, canonicalForm, isCanonical, lowerHalfSize, upperHalfStart, topLevelIndex, levelSpan, formatHex, formatSize, U64_MAX, Layout, PagingMode, isFirmwareNeutral } from '../paging';
import { RANGE_PART } from './values';
import { Finding, Fix, RuleCode, RuleInput, RuleValue, Severity, SeveritySetting, SrcRange } from './types';

export * from './types';

export interface RuleInfo {
  code: RuleCode;
  title: string;
  defaultSeverity: Severity;
  /** Needs the active layout's paging mode (silent on files of another architecture). */
  layoutDependent: boolean;
}

export const RULES: readonly RuleInfo[] = [
  { code: 'PL001', title: 'Non-canonical address', defaultSeverity: 'warning', layoutDependent: true },
  { code: 'PL002', title: 'Digit-count typo in an address', defaultSeverity: 'warning', layoutDependent: false },
  { code: 'PL003', title: 'Overlapping ranges', defaultSeverity: 'warning', layoutDependent: false },
  { code: 'PL004', title: 'Misaligned region boundary', defaultSeverity: 'warning', layoutDependent: true },
  { code: 'PL005', title: 'Address in a guard or hypervisor hole', defaultSeverity: 'warning', layoutDependent: true },
  { code: 'PL006', title: 'Physical address above the physical address width', defaultSeverity: 'warning', layoutDependent: false },
  { code: 'PL007', title: 'End below start', defaultSeverity: 'error', layoutDependent: false },
  { code: 'PL008', title: 'Value overflows the address width', defaultSeverity: 'error', layoutDependent: false },
  { code: 'PL009', title: 'User limit in the kernel half, or kernel base in the user half', defaultSeverity: 'warning', layoutDependent: true },
  // PL010 reads a tree's documentation against its derived layout (map/docDrift.ts, `check --docs`), not source values.
  { code: 'PL010', title: 'Documented layout differs from the headers', defaultSeverity: 'warning', layoutDependent: false },
  { code: 'PL011', title: 'Build-time assertion on layout macros fails', defaultSeverity: 'error', layoutDependent: false },
];

export const RULE_CODES: readonly RuleCode[] = RULES.map((r) => r.code);

export interface RuleOptions {
  layout: Layout;
  /** pagingLayout.physicalAddressBits (default 52). */
  physicalAddressBits?: number;
  /** Per-rule severity overrides; 'off' disables a rule. */
  severities?: Partial<Record<RuleCode, SeveritySetting>>;
  /**
   * The firmware-neutral view (default: when the layout is the firmware-neutral one, see
   * paging/treeKind.ts): no regions, no kernel/user split, no target physical width. Only certain
   * addresses (a pointer cast, a linker-script location) get the canonical-form check; PL004's
   * single-value checks, PL005, PL006 and PL009 stay silent; the layout-independent rules run as ever.
   */
  neutral?: boolean;
}

const ARCH_DIRS: Record<string, PagingMode['arch'][]> = {
  x86: ['x86_64', 'x86_32'], arm64: ['arm64'], riscv: ['riscv64'],
};

/** A path component that names an architecture, as Linux, toolchains and emulators spell them. */
const ARCH_COMPONENT = /(?:^|\/)(x86(?:_64)?|amd64|i[3-6]86|arm64|aarch64|riscv(?:32|64)?|powerpc(?:64)?|ppc(?:64(?:le)?)?|mips(?:64)?(?:el)?|s390x?|sparc(?:64)?|arm|parisc(?:64)?|hppa|alpha|ia64|m68k|sh4?|xtensa|loongarch(?:32|64)?|openrisc|or1k|csky|hexagon|microblaze(?:el)?|nios2|arc|um)\//;

/** Architecture names that are never other words (ARCH_COMPONENT without arm, sh, arc, um, alpha); `mmix` too. */
const ARCH_WORD = /^(x86(?:_64)?|amd64|i[3-6]86|arm64|aarch64|riscv(?:32|64)?|powerpc(?:64)?|ppc(?:64(?:le)?)?|mips(?:64)?(?:el)?|s390x?|sparc(?:64)?|parisc(?:64)?|hppa|ia64|m68k|xtensa|loongarch(?:32|64)?|openrisc|or1k|csky|hexagon|microblaze(?:el)?|nios2|mmix)$/;

/** The words of the path's components that have a hyphen (`ld-mips-elf` → ld, mips, elf; `ia64-linux-tdep.c` → ia64, linux, tdep). */
function hyphenWords(p: string): string[] {
  const out: string[] = [];
  for (const c of p.split('/')) if (c.includes('-')) for (const w of c.replace(/\.[^.]*$/, '').split('-')) if (w) out.push(w.toLowerCase());
  return out;
}

/** An architecture's own headers (`arch/arm64/include/asm/memory.h`): where a kernel release defines its layout. */
const ARCH_LAYOUT_HEADER = /(?:^|[\/])arch[\/][A-Za-z0-9_]+[\/]include[\/]asm[\/]/;

/** The Linux name of an architecture component (`aarch64` → arm64, `x86_64`/`i386` → x86, `riscv64` → riscv). */
function archName(c: string): string {
  if (c === 'aarch64' || c === 'arm64') return 'arm64';
  if (/^(?:x86_64|amd64|i[3-6]86)$/.test(c)) return 'x86';
  return c.replace(/(?:32|64|64le|64el|el|x)$/, '');
}

/**
 * Whether the layout's paging mode can apply to a file, from its path: a file under `arch/<dir>/` of
 * another architecture (`arch/powerpc/…` under an x86-64 layout) is not checked against the layout, nor
 * a 32-bit-only x86 file (`*_32.h`, `*_32.c`, `…/x86/…/32/…`) under a 64-bit layout or the reverse.
 */
export function layoutAppliesToPath(file: string, layout: Layout): boolean {
  const p = file.replace(/\\/g, '/');
  const mode = modeOf(layout);
  const m = /(?:^|\/)arch\/([^/]+)\//.exec(p);
  if (m) {
    const arches = ARCH_DIRS[m[1]];
    if (!arches || !arches.includes(mode.arch)) return false;
  }
  // Another architecture named by a directory anywhere (tools/testing/selftests/powerpc/…, drivers/…/mips/…),
  // also with its width or its toolchain name (tests/tcg/loongarch64/…, aarch64/, x86_64/, ppc64le/).
  const other = ARCH_COMPONENT.exec(p);
  if (other && !(ARCH_DIRS[archName(other[1])] ?? []).includes(mode.arch)) return false;
  // ... or by a word of a hyphenated directory or file name (gdb's `ia64-linux-tdep.c`, binutils'
  // `ld-mips-elf/`): the unambiguous architecture names only (not `arm`, `sh`, `arc`, `um`, `alpha`).
  for (const w of hyphenWords(p)) {
    const arch = ARCH_WORD.exec(w);
    if (arch && !(ARCH_DIRS[archName(arch[1])] ?? []).includes(mode.arch)) return false;
  }
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (/(?:^|\/)(?:x86|x86_64|amd64|i[3-6]86)\//.test(p) || m?.[1] === 'x86' || mode.arch.startsWith('x86')) {
    const is32 = /(?:_32|32)\.[a-zA-Z]+$/.test(base) || /\/(?:32|i[3-6]86)\//.test(p) || /_32[_.]/.test(base);
    const is64 = /(?:_64|64)\.[a-zA-Z]+$/.test(base) || /\/(?:64|x86_64|amd64)\//.test(p) || /_64[_.]/.test(base);
    if (is32 && mode.addressBits === 64 && !is64) return false;
    if (is64 && mode.addressBits === 32 && !is32) return false;
  }
  return true;
}

/** A file of a test suite (a `tests/`, `testsuite/`, `testing/` or `testcases/` directory): its values are test inputs. */
export function testInput(file: string): boolean {
  return /(?:^|\/)(?:tests|testsuites?|testing|testcases)\//.test(file.replace(/\\/g, '/'));
}

/**
 * Whether a file's addresses are CPU addresses of the layout. Drivers, sound, networking, file systems,
 * tools and the like define device, bus, IOVA, register and protocol addresses, which live in other
 * address spaces: the layout rules (and the physical-width rule) only look there at kernel layout idioms.
 */
export function cpuAddressContext(file: string): boolean {
  const p = file.replace(/\\/g, '/');
  // A uapi directory is the user-space ABI: ioctl numbers, mmap offsets, sizes and register layouts
  // shared with user space, not the kernel's own address space.
  return !/(?:^|\/)(?:drivers|sound|net|fs|tools|samples|crypto|block|security|io_uring|ipc|certs|usr|scripts|firmware|Documentation|LICENSES|uapi)\//.test(p);
}

const KERNEL_IDIOM = /PAGE_OFFSET|START_KERNEL|KERNEL_IMAGE|VMALLOC|VMEMMAP|MODULES_(?:VADDR|START|END)|FIXADDR|PKMAP|KASAN_SHADOW|ESPFIX|LDT_(?:BASE|END)|CPU_ENTRY_AREA|EFI_VA|TASK_SIZE|STACK_TOP|HYPERVISOR_VIRT|VSYSCALL|KIMAGE|DIRECT_MAP/;

// ---------------------------------------------------------------------------------------------
// Helpers

const hex = (v: bigint, mode?: PagingMode) => formatHex(v, { digits: mode && mode.addressBits === 32 ? 8 : 16 });

function compatible(a: RuleValue, b: RuleValue): boolean {
  // Two values meet unless they sit in different branches of the same #if group, or in branches whose
  // conditions contradict (`#elif defined(CONFIG_VIRT)` after `#elif defined(CONFIG_COLDFIRE)` in another group).
  if (a.file !== b.file) return true;
  if (a.conds && b.conds) {
    const set = new Set(a.conds);
    for (const c of b.conds) if (set.has(c.startsWith('!') ? c.slice(1) : '!' + c)) return false;
  }
  const groups = new Map<string, string>();
  for (const k of a.branches) { const [g, br] = k.split(':'); groups.set(g, br); }
  for (const k of b.branches) { const [g, br] = k.split(':'); if (groups.has(g) && groups.get(g) !== br) return false; }
  return true;
}

/** Replace a literal's digits, keeping its prefix, suffix and (when possible) its width. */
function literalEdit(v: RuleValue, newValue: bigint, width?: number): Fix['edits'][number] | undefined {
  const lit = v.literal;
  if (!lit || lit.radix !== 16) return undefined;
  const upper = /[A-F]/.test(lit.digits) && !/[a-f]/.test(lit.digits);
  let d = newValue.toString(16).padStart(width ?? lit.digits.length, '0');
  if (upper) d = d.toUpperCase();
  const prefix = lit.prefix || (lit.suffix.toLowerCase() === 'h' && !/^[0-9]/.test(d) ? '0' : '');
  return { file: v.file, range: lit.range, newText: prefix + d + lit.suffix };
}

function literalTextFor(v: RuleValue, digits: string): string {
  const lit = v.literal!;
  return (lit.prefix || '') + digits + lit.suffix;
}

interface Ctx {
  input: RuleInput;
  mode: PagingMode;
  layout: Layout;
  opts: RuleOptions;
  out: Finding[];
  /** Ranges already reported (one finding per literal for the value rules). */
  claimed: Set<string>;
  /** Likeness of the values seen so far. */
  like: Map<RuleValue, Likeness>;
  /** Whether the file's addresses are the CPU's (cpuAddressContext), once per run. */
  cpuContext?: boolean;
  /** The firmware-neutral view (RuleOptions.neutral). */
  neutral: boolean;
}

function key(r: SrcRange): string {
  return `${r.line}:${r.character}`;
}

function severityOf(ctx: Ctx, code: RuleCode): Severity | undefined {
  const s = ctx.opts.severities?.[code];
  if (s === 'off') return undefined;
  return s ?? RULES.find((r) => r.code === code)!.defaultSeverity;
}

function report(ctx: Ctx, f: Omit<Finding, 'severity' | 'related' | 'fixes'> & Partial<Pick<Finding, 'related' | 'fixes'>>, claim = true): void {
  const severity = severityOf(ctx, f.code);
  if (!severity) return;
  if (claim) {
    const k = key(f.range);
    if (ctx.claimed.has(k)) return;
    ctx.claimed.add(k);
  }
  ctx.out.push({ related: [], fixes: [], ...f, severity });
}

/** Likeness of a value (a value meets many others in the range rules: computed once per run). */
function likeness(ctx: Ctx, v: RuleValue): Likeness {
  let like = ctx.like.get(v);
  if (!like) {
    const c = v.context;
    like = classifyValue({
      value: v.value!, name: v.name, text: v.literal?.text, addressBits: ctx.mode.addressBits, vaBits: ctx.mode.vaBits, pointerCast: c.pointerCast, linkerLocation: c.linkerLocation,
      before: c.before, after: c.after, fromMaskMacro: c.fromMaskMacro, orOfBits: c.orOfBits, product: c.product, neighbours: c.neighbours,
    });
    ctx.like.set(v, like);
  }
  return like;
}

/** The name of a hole or a reservation as a whole (`HYPERVISOR_VIRT`, `GUARD_HOLE`): an envelope for the range rules. */
function envelopeName(prefix: string): boolean {
  return nameWords(prefix).some((w) => w === 'GUARD' || w === 'HOLE' || w === 'HYPERVISOR' || w === 'RESERVATION');
}

/** A range over which something is tested (`MEMTEST`, `SELFTEST`, `TEST`): not a region. */
function testWindow(prefix: string): boolean {
  return nameWords(prefix).some((w) => /^(?:MEM|SELF)?TESTS?$/.test(w));
}

/**
 * The boot stage a range belongs to (`BL1`, `BL1U`, `BL31`, `SPL`, `TPL`, `ROMSTAGE`, ...): successive
 * stages run one after another and reuse the same memory, so ranges of different stages do not coexist.
 */
function bootStage(prefix: string): string | undefined {
  return nameWords(prefix).find((w) => STAGE_WORD.test(w));
}
const STAGE_WORD = /^(?:BL\d+[A-Z]?\d*|SPL|TPL|VPL|BOOTBLOCK|ROMSTAGE|RAMSTAGE|POSTCAR|STAGE\d+)$/;

/**
 * A load area: a range whose start is, or is defined from, a LOAD or STAGING address holds an image
 * before it runs; the memory is reused once the image is consumed.
 */
function loadArea(r: { prefix: string; start: RuleValue }): boolean {
  const load = (t: string) => nameWords(t).some((w) => w === 'LOAD' || w === 'STAGING');
  return load(r.prefix) || r.start.fromLoadAddress === true;
}

/** Words that name memory (as opposed to a device block's registers). */
const MEMORY_WORDS = new Set(['RAM', 'ROM', 'SRAM', 'DRAM', 'SDRAM', 'IRAM', 'OCRAM', 'FLASH', 'MEM', 'MEMORY', 'IMAGE', 'TEXT', 'DATA', 'BSS', 'STACK', 'HEAP', 'FW', 'FIRMWARE', 'ENV', 'SHMEM', 'TZRAM', 'TZDRAM', 'DDR', 'RW', 'RO']);

/**
 * Device mapping windows (the firmware-neutral view): two BASE + SIZE ranges of device blocks (no memory
 * word in either name) with the same power-of-two size. Such a size is the granule a platform maps each
 * block with, not the block's extent: neighbouring blocks closer than the granule map a page twice.
 */
function deviceWindows(a: RangeDef, b: RangeDef): boolean {
  if (!a.size || !b.size || a.hi - a.lo !== b.hi - b.lo) return false;
  const size = a.hi - a.lo;
  if ((size & (size - 1n)) !== 0n) return false;
  return ![a.prefix, b.prefix].some((p) => nameWords(p).some((w) => MEMORY_WORDS.has(w) || STAGE_WORD.test(w)));
}

function holeName(name?: string): boolean {
  if (!name) return false;
  return nameWords(name).some((w) => ['GUARD', 'HOLE', 'HYPERVISOR', 'XEN', 'HV', 'VMM', 'HYPER', 'HYPERCALL', 'REDZONE', 'TRAMPOLINE', 'MACH2', 'M2P', 'MACH2PHYS'].includes(w));
}

// ---------------------------------------------------------------------------------------------
// PL002 (and PL008 for 17-digit literals): digit-count typos

/** Candidate 16-digit (addressBits/4) spellings of a literal with one digit too few or too many. */
export function typoCandidates(digits: string, mode: PagingMode, layout?: Layout): bigint[] {
  const width = mode.addressBits / 4;
  const lower = digits.toLowerCase();
  // Edit one run of equal digits (all positions in a run give the same string); the longest run is the likeliest slip.
  const out = new Map<string, number>();
  if (lower.length !== width - 1 && lower.length !== width + 1) return [];
  for (let i = 0; i < lower.length; i++) {
    if (i > 0 && lower[i] === lower[i - 1]) continue;
    let j = i;
    while (j < lower.length && lower[j] === lower[i]) j++;
    const d = lower.length < width ? lower.slice(0, i) + lower[i] + lower.slice(i) : lower.slice(0, i) + lower.slice(i + 1);
    out.set(d, Math.max(out.get(d) ?? 0, j - i));
  }
  const runOf = new Map<bigint, number>();
  const vals = [...out].map(([d, run]) => { const v = BigInt('0x' + d); runOf.set(v, run); return v; })
    .filter((v) => v <= U64_MAX && isCanonical(mode, v) && kernelShape(v, mode.addressBits));
  const known = new Set<bigint>();
  if (layout) {
    for (const r of layout.regions) { known.add(r.start); known.add(r.end + 1n); }
    for (const s of layout.symbols) known.add(s.value);
  }
  const score = (v: bigint) => (known.has(v) ? 1000 : 0) + 10 * (runOf.get(v) ?? 0) + (v & -v).toString(2).length / 10;
  return vals.sort((a, b) => score(b) - score(a) || (a < b ? -1 : 1)).slice(0, 4);
}

/**
 * Canonical addresses inside a mapped region of the layout that a 16-digit (addressBits/4) literal is one
 * edit away from: one digit changed, or two neighbouring digits swapped (a changed digit count is PL002's).
 * Best first: a region's start, then the fewest changed bits.
 */
export function oneEditCandidates(digits: string, mode: PagingMode, layout: Layout): bigint[] {
  const width = mode.addressBits / 4;
  const d = digits.toLowerCase();
  if (d.length !== width) return [];
  const seen = new Set<string>();
  const out: bigint[] = [];
  const consider = (e: string) => {
    if (e === d || seen.has(e)) return;
    seen.add(e);
    const v = BigInt('0x' + e);
    if (!isCanonical(mode, v)) return;
    const r = regionAt(layout, v);
    if (!r || r.kind === 'guard-hole' || r.kind === 'hypervisor' || r.kind === 'user' || r.kind === 'non-canonical' || r.kind === 'unused') return;
    out.push(v);
  };
  const HEX = '0123456789abcdef';
  for (let i = 0; i < width; i++) {
    for (const c of HEX) if (c !== d[i]) consider(d.slice(0, i) + c + d.slice(i + 1));
    if (i + 1 < width && d[i] !== d[i + 1]) consider(d.slice(0, i) + d[i + 1] + d[i] + d.slice(i + 2));
  }
  const starts = new Set(layout.regions.map((r) => r.start));
  const orig = BigInt('0x' + d);
  const bits = (v: bigint) => { let x = v ^ orig, n = 0; while (x) { n += Number(x & 1n); x >>= 1n; } return n; };
  return out.sort((a, b) => Number(starts.has(b)) - Number(starts.has(a)) || bits(a) - bits(b) || (a < b ? -1 : 1)).slice(0, 3);
}

/**
 * PL001 on a bare 16-digit literal (an immediate, an initialiser) that no address context marks: reported
 * only when it is one edit from a canonical address inside a region of the layout, ends in at least eight
 * zero digits like the layout's bases, and is no contiguous mask (docs/rules.md).
 */
function checkOneEditAddress(ctx: Ctx, v: RuleValue, like: Likeness): boolean {
  const lit = v.literal;
  const mode = ctx.mode;
  if (!lit || lit.radix !== 16 || lit.value !== v.value || mode.addressBits !== 64 || ctx.neutral || !ctx.input.layoutApplies) return false;
  if (lit.digits.length !== 16 || isCanonical(mode, v.value)) return false;
  if (!(ctx.cpuContext ??= cpuAddressContext(ctx.input.file))) return false;
  if (like.role === 'mask' || like.role === 'poison' || like.role === 'hash' || like.role === 'magic' || like.role === 'count') return false;
  if (!/0{8}$/.test(lit.digits)) return false;
  // a contiguous run of ones (a mask) or a lone bit is not a mistyped address
  const x = v.value >> BigInt((v.value & -v.value).toString(2).length - 1);
  if (((x + 1n) & x) === 0n) return false;
  // whole bytes of ones in more than one run (0xff00ff0000000000): a byte mask or test pattern
  if (/^(?:ff|00)+$/.test(lit.digits.toLowerCase()) && /ff(?:00)+ff/.test(lit.digits.toLowerCase())) return false;
  const cands = oneEditCandidates(lit.digits, mode, ctx.layout);
  if (cands.length === 0) return false;
  const fixes: Fix[] = cands.map((c, i) => ({ title: `Change to ${literalTextFor(v, c.toString(16).padStart(16, '0'))}`, preferred: i === 0, edits: [literalEdit(v, c, 16)!] }));
  const where = (c: bigint) => `${hex(c)} (${regionAt(ctx.layout, c)!.name})`;
  report(ctx, { code: 'PL001', file: v.file, range: lit.range, value: v.value, fixes,
    message: `${lit.text} is not canonical in ${mode.title}, and one digit from ${cands.map(where).join(', ')}: did you mean ${hex(cands[0])}?` });
  return true;
}

function checkTypo(ctx: Ctx, v: RuleValue, like: Likeness, neighbours: RuleValue[]): boolean {
  const lit = v.literal;
  const mode = ctx.mode;
  if (!lit || lit.radix !== 16 || mode.addressBits !== 64) return false;
  if (!like.address && like.role !== 'unknown') return false;
  const width = 16;
  const n = lit.digits.length;
  if (n !== width - 1 && n !== width + 1) return false;
  const d = lit.digits.toLowerCase();
  const trailingZeros = d.length - d.replace(/0+$/, '').length;
  // Evidence that a 16-digit address was meant: a kernel prefix, or neighbours written with 16 digits.
  const kernelPrefix = d.startsWith('fff') && trailingZeros >= 3;
  const neighbourEvidence = neighbours.some((o) => o !== v && o.literal?.radix === 16 && o.literal.digits.length === width &&
    Math.abs(o.range.line - v.range.line) <= 3 && o.literal.digits.toLowerCase().slice(0, 4) === d.slice(0, 4));
  if (!kernelPrefix && !(neighbourEvidence && (like.address || trailingZeros >= 3))) return false;
  if (!kernelPrefix && !like.address) return false;
  const cands = typoCandidates(d, mode, ctx.input.layoutApplies ? ctx.layout : undefined);
  if (cands.length === 0) return false;
  const fixes: Fix[] = cands.map((c, i) => ({ title: `Change to ${literalTextFor(v, c.toString(16).padStart(width, '0'))}`, preferred: i === 0, edits: [literalEdit(v, c, width)!] }));
  const list = cands.map((c) => hex(c)).join(', ');
  const what = n < width ? `${n} hex digits, one short of a ${width}-digit address` : `${n} hex digits, one more than a ${width}-digit address`;
  if (lit.value > U64_MAX) {
    report(ctx, { code: 'PL008', file: v.file, range: lit.range, value: lit.value,
      message: `${lit.text} does not fit in 64 bits (${what}); did you mean ${list}?`, fixes });
    return true;
  }
  report(ctx, { code: 'PL002', file: v.file, range: lit.range, value: lit.value,
    message: `${lit.text} has ${what}${neighbourEvidence ? ' like its neighbours' : ''}; did you mean ${list}?`, fixes });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Rules on single values

/** A name written for one paging depth (`__PAGE_OFFSET_BASE_L5`, `VMALLOC_SIZE_TB_L4`) or VA width (`PAGE_OFFSET_39`) under a mode of another. */
function otherDepth(name: string | undefined, mode: PagingMode): boolean {
  if (!name) return false;
  // ... or for one virtual-address width (`PAGE_OFFSET_39`, `VA_START_52BIT`) other than the mode's.
  const va = /_(?:VA_?)?(36|39|42|47|48|52|57)(?:_?BITS?)?$/i.exec(name);
  if (va && mode.addressBits === 64 && Number(va[1]) !== mode.vaBits) return true;
  const m = /(?:^|_)(?:L|LEVEL)([3-5])(?:$|_)|(?:^|_)([3-5])LEVEL(?:$|_)|(?:^|_)LA(57|48)(?:$|_)/i.exec(name);
  if (!m) return false;
  const depth = m[1] ?? m[2] ?? (m[3] === '57' ? '5' : '4');
  return Number(depth) !== mode.levels.length;
}

function checkValue(ctx: Ctx, v: RuleValue, neighbours: RuleValue[]): void {
  if (v.value === undefined || v.inactive || !v.local) return;
  const mode = ctx.mode;
  // Every single-value rule of a 64-bit mode needs a value of at least 2^32, except a kernel base in the user half.
  if (mode.addressBits === 64 && v.value < 0x100000000n && !(v.literal && v.literal.radix === 16 && v.literal.digits.length >= 15) && !(v.name && kernelBaseName(v.name))) return;
  const lit = v.literal;
  // A bare literal without a cast, a linker location or an address operand is no address: only the
  // digit-count rule (15 or 17 hex digits) and the 64-bit overflow can apply to it.
  if (!v.name && v.value <= U64_MAX && !(lit && lit.radix === 16 && (lit.digits.length === 15 || lit.digits.length === 17)) && !addressEvidence(v.context)) {
    if (lit && lit.radix === 16 && lit.digits.length === 16) checkOneEditAddress(ctx, v, likeness(ctx, v));
    return;
  }
  const like = likeness(ctx, v);
  // Evidence per rule (docs/rules.md): the layout's mode must fit the file and the value's depth; a
  // named value must be in a CPU-address context (or be a kernel layout idiom); a certain address (a
  // pointer cast, a linker location) is the CPU's wherever it is written.
  const fits = ctx.input.layoutApplies && !otherDepth(v.name, mode) && !(v.depth && v.depth !== mode.levels.length);
  const cpu = (ctx.cpuContext ??= cpuAddressContext(ctx.input.file)) || (!!v.name && KERNEL_IDIOM.test(v.name));
  const certain = !!v.context.pointerCast || !!v.context.linkerLocation;
  // The neutral view has no regions, halves or physical width: of the layout rules only the canonical form, on certain addresses.
  const applies = fits && cpu && !ctx.neutral;
  const canonicalApplies = ctx.neutral ? fits && certain : fits && (cpu || certain);
  const range = v.range;
  if (checkTypo(ctx, v, like, neighbours)) return;
  // PL008: a literal past 64 bits (always), an address past 32 bits in a 32-bit layout.
  // Wider literals (128-bit `.octa` data, SIMD constants of 20+ digits) are deliberate data, not addresses.
  const plausibleWidth = lit && (lit.radix === 16 ? lit.digits.length <= 18 : lit.digits.length <= 21);
  if (lit && lit.value > U64_MAX && v.value > U64_MAX && plausibleWidth && like.role !== 'poison' && like.role !== 'hash' && like.role !== 'mask') {
    report(ctx, { code: 'PL008', file: v.file, range, value: lit.value, message: `${lit.text} does not fit in 64 bits (${lit.digits.length} ${lit.radix === 16 ? 'hex ' : ''}digits)` });
    return;
  }
  if (v.value > U64_MAX) return;
  if (!like.address) return;
  const name = v.name ? readName(v.name) : undefined;
  const isLimit = like.role === 'limit';
  if (applies && mode.addressBits === 32 && v.value > 0xffffffffn && !(isLimit && v.value === 0x100000000n)) {
    report(ctx, { code: 'PL008', file: v.file, range, value: v.value,
      message: `${v.name ?? lit?.text} = ${hex(v.value)} does not fit in the 32-bit address space of ${ctx.layout.id}` });
    return;
  }
  // PL001: non-canonical.
  // A lone bit above the VA width (1ULL << 61) is a flag, never a mistyped address.
  const loneBit = (v.value & (v.value - 1n)) === 0n && v.value >= 1n << BigInt(mode.vaBits);
  if (canonicalApplies && mode.addressBits === 64 && v.value >= 0x100000000n && !name?.physical && !loneBit) {
    // A limit (exclusive end) may sit just past a canonical half: 0x0000800000000000 ends user space.
    if (!isCanonical(mode, v.value) && !(isLimit && isCanonical(mode, v.value - 1n))) {
      const cf = canonicalForm(mode, v.value);
      const fixes: Fix[] = [];
      const e = literalEdit(v, cf, 16);
      if (e && lit?.value === v.value) fixes.push({ title: `Canonicalize to ${literalTextFor(v, cf.toString(16).padStart(16, '0'))} (sign-extend bit ${mode.canonical === 'split' ? 55 : mode.vaBits - 1})`, preferred: true, edits: [e] });
      report(ctx, { code: 'PL001', file: v.file, range, value: v.value, fixes,
        message: `${v.name ? v.name + ' = ' : ''}${hex(v.value)} is not canonical in ${mode.title}: bits 63..${mode.vaBits} must ${mode.canonical === 'split' ? 'be all zeros or all ones' : `equal bit ${mode.vaBits - 1}`} (canonical form ${hex(cf)})` });
      return;
    }
  }
  // PL005: inside a guard hole or a hypervisor hole of the layout.
  if (applies && !holeName(v.name) && !(name?.physical)) {
    // A limit (exclusive end) is inside a hole only when the hole holds both it and the byte below it.
    let r = regionAt(ctx.layout, v.value);
    if (isLimit && r && regionAt(ctx.layout, v.value - 1n) !== r) r = undefined;
    // A hypervisor's own interface headers (xen/interface/, xen/public/, asm/xen/, arch-x86/) describe the hole they own.
    const ownHole = r?.kind === 'hypervisor' && /(?:^|[\/])xen[\/](?:interface|public)[\/]|(?:^|[\/])(?:asm[\/]xen|arch-x86)[\/]/i.test(v.file);
    // A preset's unused gaps are those of the release it was drawn from; an architecture's own layout
    // headers are the tree's release: a region boundary they define inside a gap is the tree's layout
    // (arm64's fixmap and PCI I/O moved into 6.1's top guard region in later kernels). A hypervisor's hole is an ABI and stays.
    const treeLayout = r?.kind === 'guard-hole' && !!v.name && ARCH_LAYOUT_HEADER.test(v.file);
    if (r && !ownHole && !treeLayout && (r.kind === 'hypervisor' || r.kind === 'guard-hole') && v.value >= (mode.addressBits === 64 ? 0x100000000n : 0x1000n)) {
      const first = topLevelIndex(mode, r.start), last = topLevelIndex(mode, r.end);
      const slots = mode.addressBits === 64 && levelSpan(mode, 0) <= r.end - r.start + 1n ? `, ${mode.levels[0].arch} slots ${first}–${last}` : '';
      report(ctx, { code: 'PL005', file: v.file, range, value: v.value,
        message: `${v.name ? v.name + ' = ' : ''}${hex(v.value, mode)} is inside the ${r.name} (${hex(r.start, mode)}–${hex(r.end, mode)}${slots}) of layout ${ctx.layout.id}` +
          (r.kind === 'hypervisor' ? ', which a hypervisor reserves' : ', which is never mapped') });
      return;
    }
  }
  // PL006: physical address above MAXPHYADDR.
  const pbits = ctx.opts.physicalAddressBits ?? 52;
  if (applies && name?.physical && !name.user && pbits < 64) {
    const limit = 1n << BigInt(pbits);
    if (v.value > limit || (!isLimit && v.value === limit)) {
      report(ctx, { code: 'PL006', file: v.file, range, value: v.value,
        message: `${v.name} = ${hex(v.value)} is above the ${pbits}-bit physical address space (top ${hex(limit - 1n)}; pagingLayout.physicalAddressBits)` });
      return;
    }
  }
  // PL009: user limit in the kernel half, kernel base in the user half.
  if (applies && name) {
    const upper = upperHalfStart(mode);
    const userTop = lowerHalfSize(mode);
    if (name.user && (isLimit || like.role === 'address') && upper !== undefined && v.value > userTop) {
      report(ctx, { code: 'PL009', file: v.file, range, value: v.value,
        message: `user-space limit ${v.name} = ${hex(v.value)} reaches beyond the user half (which ends at ${hex(userTop - 1n)}, ${formatSize(userTop)}) ${v.value >= upper ? 'into the kernel half' : 'into the non-canonical hole'}` });
      return;
    }
    if (kernelBaseName(v.name!) && v.value !== 0n) {
      const inUser = upper !== undefined ? v.value < userTop : regionAt(ctx.layout, v.value)?.kind === 'user';
      if (inUser) {
        report(ctx, { code: 'PL009', file: v.file, range, value: v.value,
          message: `kernel base ${v.name} = ${hex(v.value, mode)} is in the user half of ${ctx.layout.id}${upper !== undefined ? ` (kernel addresses start at ${hex(upper)})` : ''}` });
        return;
      }
    }
  }
  // PL004: misaligned start (page, or the top-level slot a direct-map base needs) / end.
  // Outside the layout's architecture, kernel-half shapes still need aligned starts; never in device or user-ABI context.
  if (mode.addressBits === 64 && cpu && !ctx.neutral && (applies ? v.value >= (upperHalfStart(mode) ?? U64_MAX) : kernelShape(v.value)) && name && !name.physical) {
    // Another architecture's file has its own page size: only the 4 KiB every 64-bit architecture has is required of it.
    const page = applies ? 1n << BigInt(mode.pageShift) : 4096n;
    if (name.boundary === 'start' && like.role === 'address') {
      const slot = levelSpan(mode, 0);
      if (directMapName(v.name!) && applies && v.value % slot !== 0n) {
        report(ctx, { code: 'PL004', file: v.file, range, value: v.value,
          message: `direct-map base ${v.name} = ${hex(v.value)} is not aligned to a ${mode.levels[0].arch} slot (${formatSize(slot)}): the direct map is built from whole top-level entries` });
        return;
      }
      if (v.value % page !== 0n) {
        report(ctx, { code: 'PL004', file: v.file, range, value: v.value,
          message: `region start ${v.name} = ${hex(v.value)} is not aligned to the ${formatSize(page)} page size (off by ${hex(v.value % page, undefined).replace(/^0x0+(?=.)/, '0x')})` });
        return;
      }
    }
    if (name.boundary === 'end' && isLimit && v.value % page !== 0n && (v.value + 1n) % page !== 0n) {
      report(ctx, { code: 'PL004', file: v.file, range, value: v.value,
        message: `region end ${v.name} = ${hex(v.value)} is neither page-aligned (exclusive end) nor one below a page boundary (inclusive end)` });
    }
  }
}

const KERNEL_BASE = /^_*(?:PAGE_OFFSET(?:_BASE(?:_L[45])?)?|START_KERNEL(?:_MAP)?|KERNEL_(?:IMAGE_)?(?:START|BASE|VADDR)|KIMAGE_VADDR|VMALLOC_START|VMEMMAP_START|MODULES_(?:VADDR|START)|KERNEL_LINK_ADDR|VMALLOC_BASE(?:_L[45])?|VMEMMAP_BASE(?:_L[45])?)$/i;
function kernelBaseName(name: string): boolean {
  return KERNEL_BASE.test(name);
}
function directMapName(name: string): boolean {
  return /^_*PAGE_OFFSET(?:_BASE(?:_L[45])?)?$|^_*DIRECT_MAP_(?:START|BASE)$/i.test(name);
}

// ---------------------------------------------------------------------------------------------
// Ranges: PL003 overlaps, PL007 end below start, PL004 end vs start+size

interface RangeDef {
  prefix: string;
  start: RuleValue;
  end?: RuleValue;
  size?: RuleValue;
  /** Exclusive end. */
  lo: bigint;
  hi: bigint;
}

const BOUND_WORD = /(?:^|_)(?:MAX|MIN|MAXIMUM|MINIMUM)(?:_|$)/i;
const START_SUFFIX = /^(.*?)_(START|BASE|VADDR|BEGIN|ADDR|START_ADDR|BASE_ADDR)$/i;
const END_SUFFIX = /^(.*?)_(END|LIMIT|TOP|END_ADDR)$/i;
const SIZE_SUFFIX = /^(.*?)_(SIZE|LEN)$/i;

/** The prefix and part of a value the range rules can pair up (`VMALLOC` and 'start' for VMALLOC_START), if any. */
function rangePart(v: RuleValue): [string, 'start' | 'end' | 'size'] | undefined {
  if (!v.name || v.value === undefined || v.inactive || v.value > U64_MAX || v.registerField || !RANGE_PART.test(v.name)) return undefined;
  // A MIN/MAX word makes a bound or a capacity (FW_RUNTIME_MAX_ADDR, FW_RUNTIME_MAX_SIZE), not a region's part.
  if (BOUND_WORD.test(v.name)) return undefined;
  let mm: RegExpExecArray | null;
  if ((mm = START_SUFFIX.exec(v.name)) && mm[1]) return [mm[1].toUpperCase(), 'start'];
  if ((mm = END_SUFFIX.exec(v.name)) && mm[1]) return [mm[1].toUpperCase(), 'end'];
  if ((mm = SIZE_SUFFIX.exec(v.name)) && mm[1]) return [mm[1].toUpperCase(), 'size'];
  return undefined;
}

function rangeParts(values: RuleValue[]): Map<string, { start?: RuleValue[]; end?: RuleValue[]; size?: RuleValue[] }> {
  const m = new Map<string, { start?: RuleValue[]; end?: RuleValue[]; size?: RuleValue[] }>();
  for (const v of values) {
    const part = rangePart(v);
    if (!part) continue;
    const e = m.get(part[0]) ?? {};
    (e[part[1]] ??= []).push(v);
    m.set(part[0], e);
  }
  return m;
}

/**
 * Whether other files' values can matter to this file's findings: every range rule reports only on a
 * range with a local part (start, end or size), and every part is page-aligned or one below.
 */
export function needsOtherValues(local: RuleValue[]): boolean {
  return local.some((v) => v.local && rangePart(v) !== undefined && pageBoundary(v.value!));
}

/** Region boundaries are page-aligned (or one below a page boundary); register offsets and test data are not. */
function pageBoundary(v: bigint): boolean {
  return v % 4096n === 0n || (v + 1n) % 4096n === 0n;
}

/** Which address space a range's name puts it in: ranges of different spaces never overlap. */
function spaceOf(prefix: string, r: RuleValue): string {
  const words = nameWords(prefix + '_' + (r.name ?? ''));
  if (words.some((w) => /^(?:IOPORT|PIO|PORT|IO_PORT)$/.test(w))) return 'port';
  // The I/O space of a bus (PCI_IO_BASE, PCI1_IO_SIZE, ISA_IO) is a port space; its CPU window (…_IO_PHYS, …_IO_VIRT) is memory.
  if (words.some((w, i) => w === 'IO' && i > 0 && /^(?:PCIE?\d*|ISA|LPC)$/.test(words[i - 1])) && !words.some((w) => w === 'PHYS' || w === 'VIRT' || w === 'PADDR' || w === 'VADDR')) return 'port';
  if (readName(r.name ?? '').physical || words.includes('PHYS')) return 'phys';
  return 'virt';
}

/** Exclusive end of a range from its END value: an END one below a page boundary (…fff) is inclusive. */
function exclusiveEnd(end: bigint): bigint {
  return (end + 1n) % 4096n === 0n ? end + 1n : end;
}

function addressish(ctx: Ctx, v: RuleValue): boolean {
  const like = likeness(ctx, v);
  return like.address || like.role === 'unknown';
}

function checkRanges(ctx: Ctx, values: RuleValue[]): void {
  const mode = ctx.mode;
  const ranges: RangeDef[] = [];
  for (const [prefix, parts] of rangeParts(values)) {
    // A range is a start with an end or a size: a lone part is never classified. The arithmetic tests
    // come before the classification (likeness), which costs the most and is the same whatever the order.
    if (!parts.start || (!parts.end && !parts.size)) continue;
    for (const s of parts.start) {
      if (s.value! < 0x1000n && s.value !== 0n || !pageBoundary(s.value!) || !addressish(ctx, s)) continue;
      const ends = (parts.end ?? []).filter((e) => pageBoundary(e.value!) && compatible(s, e) && addressish(ctx, e));
      const sizes = (parts.size ?? []).filter((z) => pageBoundary(z.value!) && compatible(s, z));
      for (const e of ends) {
        // PL007: end below start.
        // Computed pairs that descend (EFI_VA_END below EFI_VA_START) are deliberate top-down areas; a reversed pair written as literals is a typo.
        const singleBits = (s.value! & (s.value! - 1n)) === 0n && (e.value! & (e.value! - 1n)) === 0n;
        // An END within the START's alignment (INIT_RAM_ADDR 0xf0000000, INIT_RAM_END 0x4000) is relative to it: a size or an offset into the area.
        const relative = e.value! <= (s.value! & -s.value!);
        if (e.value! < s.value! && e.value !== 0n && !(s.growsDown || e.growsDown) && (s.local || e.local) && (s.literal || e.literal) && !singleBits && !relative) {
          const at = e.local ? e : s;
          const other = at === e ? s : e;
          report(ctx, { code: 'PL007', file: at.file, range: at.range, value: at.value,
            related: [{ file: other.file, range: other.nameRange ?? other.range, message: `${other.name} = ${hex(other.value!, mode)}` }],
            message: `${e.name} = ${hex(e.value!, mode)} is below ${s.name} = ${hex(s.value!, mode)}` }, false);
          continue;
        }
        if (e.value! < s.value!) continue;
        // PL004: START/END/SIZE triple that disagrees.
        for (const z of sizes) {
          const sum = s.value! + z.value!;
          // A SIZE written as 2^n - 1 (a mask of the offset bits) makes END = START + SIZE + 1.
          // In the firmware-neutral view a SIZE is what an image uses of the window up to its END or
          // LIMIT (BL1_RW_SIZE below BL1_RW_LIMIT - BL1_RW_BASE); only a SIZE running past the END is wrong.
          const partOfWindow = ctx.neutral && sum < e.value!;
          if (z.value! > 0n && e.value !== sum && e.value !== sum - 1n && e.value !== sum + 1n && !partOfWindow && (e.local || s.local || z.local) && e.value! - s.value! < 0x8000000000000000n) {
            const at = e.local ? e : s.local ? s : z;
            report(ctx, { code: 'PL004', file: at.file, range: at.range, value: e.value,
              related: [s, z].filter((x) => x !== at).map((x) => ({ file: x.file, range: x.nameRange ?? x.range, message: `${x.name} = ${hex(x.value!, mode)}` })),
              message: `${e.name} = ${hex(e.value!, mode)} is neither ${s.name} + ${z.name} (${hex(sum, mode)}) nor one below it` }, false);
          }
        }
        ranges.push({ prefix, start: s, end: e, lo: s.value!, hi: exclusiveEnd(e.value!) });
      }
      if (ends.length === 0) {
        for (const z of sizes) {
          const sum = s.value! + z.value!;
          if (z.value! === 0n) continue;
          if (sum > U64_MAX + 1n && (s.local || z.local)) {
            const at = z.local ? z : s;
            report(ctx, { code: 'PL008', file: at.file, range: at.range, value: sum,
              related: [{ file: (at === z ? s : z).file, range: (at === z ? s : z).nameRange ?? (at === z ? s : z).range, message: `${(at === z ? s : z).name}` }],
              message: `${s.name} + ${z.name} = ${hex(sum)} runs past the top of the 64-bit address space` }, false);
            continue;
          }
          ranges.push({ prefix, start: s, size: z, lo: s.value!, hi: sum });
        }
      }
    }
  }
  // PL003: partial overlaps (containment is a deliberate sub-range).
  const sorted = ranges.filter((r) => r.hi > r.lo).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const seen = new Set<string>();
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].lo < sorted[i].hi; j++) {
      const a = sorted[i], b = sorted[j];
      if (a.prefix === b.prefix) continue;
      const contains = (x: RangeDef, y: RangeDef) => x.lo <= y.lo && y.hi <= x.hi;
      if (contains(a, b) || contains(b, a)) continue;
      if (spaceOf(a.prefix, a.start) !== spaceOf(b.prefix, b.start)) continue;
      // A hole or a reservation (HYPERVISOR_VIRT_START..END, GUARD_HOLE_*) is a claim, not a region: the
      // owner's areas lie in it and may reach past it (Xen's direct map continues beyond its 16 slots).
      if (envelopeName(a.prefix) || envelopeName(b.prefix)) continue;
      // A test window (MEMTEST_START..END) spans the memory it tests, whatever regions lie there.
      if (testWindow(a.prefix) || testWindow(b.prefix)) continue;
      // Successive boot stages (BL1 then BL2, SPL then U-Boot proper) reuse the same memory.
      const stageA = bootStage(a.prefix), stageB = bootStage(b.prefix);
      if (stageA && stageB && stageA !== stageB) continue;
      // In the firmware-neutral view: an image's load area is consumed before the memory is reused, and
      // device blocks mapped with a granule larger than their spacing are not overlapping regions.
      if (ctx.neutral && (loadArea(a) || loadArea(b) || deviceWindows(a, b))) continue;
      const parts = (r: RangeDef) => [r.start, r.end ?? r.size!];
      if (!parts(a).every((x) => parts(b).every((y) => compatible(x, y)))) continue;
      // Report on the later definition in this file; related information points at the other range.
      const [at, other] = b.start.local ? [b, a] : a.start.local ? [a, b] : [undefined, undefined];
      if (!at || !other) continue;
      const k = `${at.prefix}|${other.prefix}`;
      if (seen.has(k) || seen.has(`${other.prefix}|${at.prefix}`)) continue;
      seen.add(k);
      const desc = (r: RangeDef) => `${r.start.name}..${(r.end ?? r.size!).name} [${hex(r.lo, mode)}, ${hex(r.hi, mode)})`;
      report(ctx, { code: 'PL003', file: at.start.file, range: at.start.range, value: at.lo,
        related: [
          { file: other.start.file, range: other.start.nameRange ?? other.start.range, message: `overlapping range starts here: ${desc(other)}` },
          ...(other.end ?? other.size ? [{ file: (other.end ?? other.size)!.file, range: (other.end ?? other.size)!.nameRange ?? (other.end ?? other.size)!.range, message: `and ends here` }] : []),
        ],
        message: `${desc(at)} overlaps ${desc(other)} by ${formatSize((at.hi < other.hi ? at.hi : other.hi) - (at.lo > other.lo ? at.lo : other.lo))}` }, false);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Run every rule over the values of one file. Findings are for local values only, sorted by position. */
export function runRules(input: RuleInput, opts: RuleOptions): Finding[] {
  const ctx: Ctx = { input, mode: modeOf(opts.layout), layout: opts.layout, opts, out: [], claimed: new Set(), like: new Map(), neutral: opts.neutral ?? isFirmwareNeutral(opts.layout) };
  // A test suite's inputs are chosen to be wrong or foreign (an assembler's overflow tests, a linker's
  // scripts for other targets, an impossible brk limit): only kernel layout idioms are read there.
  const values = testInput(input.file) ? input.values.filter((v) => v.name && KERNEL_IDIOM.test(v.name)) : input.values;
  const local = values.filter((v) => v.local);
  for (const v of local) checkValue(ctx, v, local);
  checkRanges(ctx, values);
  return ctx.out.sort((a, b) => a.range.line - b.range.line || a.range.character - b.range.character || a.code.localeCompare(b.code));
}
