// Built-in knowledge: C data models and type names, the kernel's idioms (`_AC`, `BIT`, `GENMASK`, `SZ_*`),
// the paging helpers and Kconfig symbols a paging mode decides, and the kernel's runtime variables.

import { Family, scanText } from './scanner';
import { MacroDef, parseDefine } from './macros';
import { PagingMode, getMode } from '../paging';

// ---------------------------------------------------------------------------------------------
// Integer types and data models

export interface CType {
  bits: number;
  signed: boolean;
  /** For display: 'int', 'unsigned long', ... */
  name: string;
}

export interface DataModel {
  int: CType; uint: CType; long: CType; ulong: CType; llong: CType; ullong: CType;
  pointerBits: number;
}

const T = (bits: number, signed: boolean, name: string): CType => ({ bits, signed, name });
export const LP64: DataModel = {
  int: T(32, true, 'int'), uint: T(32, false, 'unsigned int'), long: T(64, true, 'long'), ulong: T(64, false, 'unsigned long'),
  llong: T(64, true, 'long long'), ullong: T(64, false, 'unsigned long long'), pointerBits: 64,
};
export const ILP32: DataModel = {
  int: T(32, true, 'int'), uint: T(32, false, 'unsigned int'), long: T(32, true, 'long'), ulong: T(32, false, 'unsigned long'),
  llong: T(64, true, 'long long'), ullong: T(64, false, 'unsigned long long'), pointerBits: 32,
};
export const TYPE_WORDS = new Set(['unsigned', 'signed', 'int', 'long', 'short', 'char', 'void', 'const', 'volatile', '__force', '__user', '__iomem', '__kernel', 'struct', 'bool', '_Bool', '__signed__', '__unsigned__']);
export const TYPEDEFS: Record<string, (m: DataModel, entry: number) => CType | 'struct'> = {
  u8: () => T(8, false, 'u8'), u16: () => T(16, false, 'u16'), u32: () => T(32, false, 'u32'), u64: () => T(64, false, 'u64'),
  s8: () => T(8, true, 's8'), s16: () => T(16, true, 's16'), s32: () => T(32, true, 's32'), s64: () => T(64, true, 's64'),
  __u8: () => T(8, false, '__u8'), __u16: () => T(16, false, '__u16'), __u32: () => T(32, false, '__u32'), __u64: () => T(64, false, '__u64'),
  __s8: () => T(8, true, '__s8'), __s16: () => T(16, true, '__s16'), __s32: () => T(32, true, '__s32'), __s64: () => T(64, true, '__s64'),
  uint8_t: () => T(8, false, 'uint8_t'), uint16_t: () => T(16, false, 'uint16_t'), uint32_t: () => T(32, false, 'uint32_t'), uint64_t: () => T(64, false, 'uint64_t'),
  int8_t: () => T(8, true, 'int8_t'), int16_t: () => T(16, true, 'int16_t'), int32_t: () => T(32, true, 'int32_t'), int64_t: () => T(64, true, 'int64_t'),
  size_t: (m) => ({ ...m.ulong, name: 'size_t' }), ssize_t: (m) => ({ ...m.long, name: 'ssize_t' }),
  uintptr_t: (m) => ({ ...m.ulong, name: 'uintptr_t' }), intptr_t: (m) => ({ ...m.long, name: 'intptr_t' }), ptrdiff_t: (m) => ({ ...m.long, name: 'ptrdiff_t' }),
  uint: () => T(32, false, 'uint'), ulong: (m) => ({ ...m.ulong, name: 'ulong' }), u_long: (m) => ({ ...m.ulong, name: 'u_long' }),
  phys_addr_t: (m, e) => T(m.pointerBits === 64 || e === 8 ? 64 : 32, false, 'phys_addr_t'),
  dma_addr_t: (m, e) => T(m.pointerBits === 64 || e === 8 ? 64 : 32, false, 'dma_addr_t'),
  resource_size_t: (m, e) => T(m.pointerBits === 64 || e === 8 ? 64 : 32, false, 'resource_size_t'),
  paddr_t: () => T(64, false, 'paddr_t'), vaddr_t: (m) => ({ ...m.ulong, name: 'vaddr_t' }),
  pteval_t: (m, e) => T(e * 8, false, 'pteval_t'), pmdval_t: (m, e) => T(e * 8, false, 'pmdval_t'),
  pudval_t: (m, e) => T(e * 8, false, 'pudval_t'), p4dval_t: (m, e) => T(e * 8, false, 'p4dval_t'),
  pgdval_t: (m, e) => T(e * 8, false, 'pgdval_t'), pgprotval_t: (m, e) => T(e * 8, false, 'pgprotval_t'),
  pte_t: () => 'struct', pmd_t: () => 'struct', pud_t: () => 'struct', p4d_t: () => 'struct', pgd_t: () => 'struct', pgprot_t: () => 'struct',
  gfn_t: () => T(64, false, 'gfn_t'), mfn_t: () => T(64, false, 'mfn_t'), pfn_t: () => T(64, false, 'pfn_t'),
};


// ---------------------------------------------------------------------------------------------
// Kernel idioms, sizes, paging helpers of the active mode

/** Runtime variables of the kernel: their values are decided at boot (KASLR, CPU features). */
export const RUNTIME_VARIABLES = new Set([
  'page_offset_base', 'vmalloc_base', 'vmemmap_base', 'phys_base', 'high_memory', 'max_pfn', 'max_low_pfn',
  'current', 'task_size_max', '__FIXADDR_TOP', '__VMALLOC_RESERVE', 'physical_mask', '__physical_mask',
  '__supported_pte_mask', 'sme_me_mask', 'memstart_addr', 'kimage_voffset', 'kimage_vaddr', 'vabits_actual',
  'kaslr_offset', 'kernel_map', 'va_pa_offset', 'va_kernel_pa_offset', 'phys_ram_base', 'satp_mode',
  'pgdir_shift_runtime', 'cpu_entry_area', '_text', '_stext', '_etext', '_end', '_edata', '__bss_start',
  'page_offset', 'kernel_virt_addr', 'PHYS_OFFSET_runtime', 'vmalloc_start', 'xen_start_info',
  // CPU features and paging levels decided at boot (x86 LA57, RISC-V Sv48/Sv57)
  '__pgtable_l5_enabled', 'pgtable_l4_enabled', 'pgtable_l5_enabled', 'cpu_feature_enabled', 'boot_cpu_has', 'static_cpu_has',
  'this_cpu_has', 'cpus_have_const_cap', 'cpus_have_cap', 'cpus_have_final_cap',
]);

export function isRuntimeName(name: string): boolean {
  return RUNTIME_VARIABLES.has(name) || /^[a-z][a-z0-9_]*_(base|offset_base)$/.test(name);
}

const IDIOMS_C = `
#define __AC(X,Y) (X##Y)
#define _AC(X,Y) __AC(X,Y)
#define _AT(T,X) ((T)(X))
#define _UL(x) (_AC(x, UL))
#define _ULL(x) (_AC(x, ULL))
#define UL(x) (_UL(x))
#define ULL(x) (_ULL(x))
#define _BITUL(x) (_UL(1) << (x))
#define _BITULL(x) (_ULL(1) << (x))
#define BIT(nr) (UL(1) << (nr))
#define BIT_ULL(nr) (ULL(1) << (nr))
#define BIT_MASK(nr) (UL(1) << ((nr) % BITS_PER_LONG))
#define GENMASK(h, l) (((~UL(0)) - (UL(1) << (l)) + 1) & (~UL(0) >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) (((~ULL(0)) - (ULL(1) << (l)) + 1) & (~ULL(0) >> (BITS_PER_LONG_LONG - 1 - (h))))
#define BITS_PER_LONG_LONG 64
#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((a) - 1))
#define __ALIGN_KERNEL(x, a) (((x) + ((a) - 1)) & ~((a) - 1))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
`;

const IDIOMS_ASM = `
#define __AC(X,Y) (X##Y)
#define _AC(X,Y) X
#define _AT(T,X) X
#define _UL(x) (_AC(x, UL))
#define _ULL(x) (_AC(x, ULL))
#define UL(x) (_UL(x))
#define ULL(x) (_ULL(x))
#define _BITUL(x) (_UL(1) << (x))
#define _BITULL(x) (_ULL(1) << (x))
#define BIT(nr) (UL(1) << (nr))
#define BIT_ULL(nr) (ULL(1) << (nr))
#define GENMASK(h, l) (((~UL(0)) - (UL(1) << (l)) + 1) & (~UL(0) >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l) (((~ULL(0)) - (ULL(1) << (l)) + 1) & (~ULL(0) >> (BITS_PER_LONG_LONG - 1 - (h))))
#define BITS_PER_LONG_LONG 64
#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((a) - 1))
`;

function sizesText(asm: boolean): string {
  const lines: string[] = [];
  const units: [string, number][] = [['', 0], ['K', 10], ['M', 20], ['G', 30], ['T', 40]];
  for (const [u, base] of units) {
    for (let p = 0; p < 10; p++) {
      const shift = base + p;
      if (shift >= 47) break;
      const name = `SZ_${1 << p}${u}`;
      const hex = '0x' + (1n << BigInt(shift)).toString(16).padStart(8, '0');
      lines.push(shift >= 32 && !asm ? `#define ${name} _AC(${hex}, ULL)` : `#define ${name} ${hex}`);
    }
  }
  return lines.join('\n');
}

/** The Linux paging helpers of a mode as `#define` text, folded levels as Linux folds them. */
export function pagingHelpersText(mode: PagingMode): string {
  const by = new Map(mode.levels.map((l) => [l.linux, l]));
  const order = ['PGD', 'P4D', 'PUD', 'PMD', 'PTE'];
  const prefix: Record<string, string> = { PGD: 'PGDIR', P4D: 'P4D', PUD: 'PUD', PMD: 'PMD', PTE: 'PAGE' };
  const lines: string[] = [];
  const long = mode.addressBits === 64 ? 64 : 32;
  lines.push(`#define BITS_PER_LONG ${long}`);
  lines.push(`#define PAGE_SHIFT ${mode.pageShift}`);
  lines.push('#define PAGE_SIZE (_AC(1,UL) << PAGE_SHIFT)');
  lines.push('#define PAGE_MASK (~(PAGE_SIZE-1))');
  lines.push(`#define CONFIG_PGTABLE_LEVELS ${mode.levels.length}`);
  lines.push(`#define PAGETABLE_LEVELS ${mode.levels.length}`);
  let prevShift = '';
  for (const lvl of order) {
    const l = by.get(lvl);
    const p = prefix[lvl];
    if (lvl !== 'PTE') {
      if (l) lines.push(`#define ${p}_SHIFT ${l.shift}`);
      else lines.push(`#define ${p}_SHIFT ${prevShift || 'PAGE_SHIFT'}`);
      lines.push(`#define ${p}_SIZE (_AC(1,UL) << ${p}_SHIFT)`);
      lines.push(`#define ${p}_MASK (~(${p}_SIZE-1))`);
      prevShift = `${p}_SHIFT`;
    }
    lines.push(`#define PTRS_PER_${lvl} ${l ? 1 << l.bits : 1}`);
    const idx = lvl.toLowerCase() + '_index';
    const shift = lvl === 'PTE' ? 'PAGE_SHIFT' : `${p}_SHIFT`;
    lines.push(`#define ${idx}(address) (((address) >> ${shift}) & (PTRS_PER_${lvl} - 1))`);
  }
  if (mode.arch === 'x86_64') {
    // Boot-time variables that the paging mode decides (not KASLR): taken from the active mode.
    const l5 = by.has('P4D');
    lines.push(`#define pgtable_l5_enabled() ${l5 ? 1 : 0}`);
    lines.push(`#define pgdir_shift ${by.get('PGD')!.shift}`);
    lines.push(`#define ptrs_per_p4d ${l5 ? 1 << by.get('P4D')!.bits : 1}`);
    lines.push('#define MAX_PTRS_PER_P4D 512');
  }
  return lines.join('\n');
}

/** Configuration symbols the active mode decides: name -> value, or null for "known not set". */
export function modeConfig(mode: PagingMode): Map<string, string | null> {
  const c = new Map<string, string | null>();
  const set = (n: string, v: string | null) => c.set(n, v);
  const is64 = mode.addressBits === 64;
  set('CONFIG_64BIT', is64 ? '1' : null);
  set('CONFIG_X86_64', mode.arch === 'x86_64' ? '1' : null);
  set('CONFIG_X86_32', mode.arch === 'x86_32' ? '1' : null);
  set('CONFIG_X86', mode.arch.startsWith('x86') ? '1' : null);
  set('CONFIG_ARM64', mode.arch === 'arm64' ? '1' : null);
  set('CONFIG_RISCV', mode.arch === 'riscv64' ? '1' : null);
  if (mode.arch === 'x86_64') {
    set('CONFIG_X86_5LEVEL', mode.levels.length === 5 ? '1' : null);
    set('__x86_64__', '1');
  }
  if (mode.arch === 'x86_32') {
    set('CONFIG_X86_PAE', mode.entrySize === 8 ? '1' : null);
    set('__i386__', '1');
  }
  if (mode.arch === 'arm64') {
    set('CONFIG_ARM64_VA_BITS', String(mode.vaBits));
    set('CONFIG_ARM64_PAGE_SHIFT', String(mode.pageShift));
    set('CONFIG_ARM64_4K_PAGES', mode.pageShift === 12 ? '1' : null);
    set('CONFIG_ARM64_16K_PAGES', mode.pageShift === 14 ? '1' : null);
    set('CONFIG_ARM64_64K_PAGES', mode.pageShift === 16 ? '1' : null);
    set('__aarch64__', '1');
  }
  if (mode.arch === 'riscv64') set('__riscv', '1');
  set('CONFIG_PGTABLE_LEVELS', String(mode.levels.length));
  return c;
}

export const DEFAULT_MODE_ID = 'x86_64-4level';

export function defaultMode(): PagingMode {
  return getMode(DEFAULT_MODE_ID)!;
}

const builtinCache = new Map<string, Map<string, MacroDef[]>>();

/** Built-in macros for a mode and family (idioms, SZ_*, paging helpers, mode configuration). */
export function builtinMacros(mode: PagingMode | undefined, family: Family): Map<string, MacroDef[]> {
  const m = mode ?? defaultMode();
  const asm = family !== 'c';
  const key = `${m.id}|${family === 'c' ? 'c' : family === 'ld' ? 'ld' : 'asm'}`;
  let table = builtinCache.get(key);
  if (table) return table;
  table = new Map();
  const cfg = modeConfig(m);
  const cfgText = [...cfg].filter(([, v]) => v !== null).map(([k, v]) => `#define ${k} ${v}`).join('\n');
  const idioms = family === 'ld' ? IDIOMS_ASM.replace(/^#define ALIGN\(.*$/m, '') : asm ? IDIOMS_ASM : IDIOMS_C;
  const text = [idioms, sizesText(asm), pagingHelpersText(m), cfgText, asm ? '#define __ASSEMBLY__ 1\n#define __ASSEMBLER__ 1' : '', '#define __KERNEL__ 1'].join('\n');
  const lines = scanText(text, 'c');
  for (const l of lines) {
    const toks = l.tokens;
    if (toks.length < 3 || toks[0].text !== '#' || toks[1].text !== 'define') continue;
    const note = /^(pgtable_l5_enabled|pgdir_shift|ptrs_per_p4d)$/.test(toks[2].text) ? `from the active paging mode ${m.id}` :
      /^(PAGE|PGDIR|P4D|PUD|PMD|PTRS_PER|CONFIG_PGTABLE|PAGETABLE|pgd_|p4d_|pud_|pmd_|pte_|BITS_PER_LONG$)/.test(toks[2].text) ? `built in for ${m.id}` : 'built in';
    const def = parseDefine(toks[2], toks.slice(3), [], { builtin: true, note });
    if (def) table.set(def.name, [def]);
  }
  for (const [k, v] of cfg) if (v === null) table.set(k, []);
  builtinCache.set(key, table);
  return table;
}

