// A kernel build as the context of evaluation: from a directory, the source tree and the build
// directory (the folder or a parent holding `.config`; an `O=` directory through its `source` link;
// the `directory` of compile_commands.json entries), the architecture (from the configuration), the
// include paths and forced includes as Kbuild gives them, and the configuration (autoconf.h when
// present, else .config). Pure: the file system is reached through callbacks; parsed configurations
// are cached (kconfig.ts), so a context costs a few stats and one read per process.
//
// Forced includes: Kbuild gives every unit `-include include/linux/kconfig.h` (which includes
// generated/autoconf.h) and `-include include/linux/compiler_types.h`. kconfig.h is processed, with
// autoconf.h's content taken from the parsed configuration (read once, never lexed again). The
// compiler_types.h chain (compiler_attributes.h, the compiler's own header) is listed but not
// processed: it gives attributes and sparse annotations (`__force`, `__user`, `__iomem`, `__percpu`)
// that change no constant and that the evaluator reads as qualifiers, and reading it for every
// evaluation would cost more than the headers that define the value.

import { KernelConfig, readKernelConfig } from './kconfig';
import { CompileDatabase, dirOf, resolvePath } from './compileFlags';
import { DefineSettings } from './preprocessor';
import { enumeratorNames, includeSites } from './enums';
import { CondAtom } from './macros';
import { MODES, PagingMode } from '../paging';
import { fileNameWord } from './wordBloom';

export interface KbuildFS {
  /** A file's text, undefined when it is not a readable file. */
  readFile(path: string): string | undefined;
  /** Whether a file or directory exists. */
  exists(path: string): boolean;
  /** The target of a symbolic link (absolute or relative to its directory), undefined when not a link. */
  readLink?(path: string): string | undefined;
  /** The entries of a directory (names; directories end with '/'), undefined when not one. */
  listDir?(path: string): string[] | undefined;
  /** Whether a file's text contains a string (may be faster than reading it). */
  contains?(path: string, needle: string): boolean;
  /**
   * Whether a file may hold a word as an identifier (a maximal run of [A-Za-z0-9_]); false only when
   * it surely does not (a kept word filter: wordBloom.ts), so that most files are never read.
   */
  mayContainWord?(path: string, word: string): boolean;
}

export interface ForcedInclude {
  path: string;
  /** Whether an evaluation reads it (see the module comment). */
  processed: boolean;
  note?: string;
}

export interface KbuildContext {
  /** The kernel source tree (srctree). */
  sourceTree: string;
  /** The build directory (objtree): the source tree itself, or the `O=` directory. */
  buildDir: string;
  /** The architecture directory name (SRCARCH): x86, arm64, riscv, ... */
  arch: string;
  /** The configuration's own name for it when it says (`x86_64`, `i386`). */
  archVariant?: string;
  config: KernelConfig;
  /** `-I` directories in Kbuild's order. */
  includeDirs: string[];
  forcedIncludes: ForcedInclude[];
  /** `-D__KERNEL__` and the configuration's macros. */
  defines: DefineSettings;
  /** compile_commands.json of the build, when there is one. */
  compileCommands?: string;
  /** How the context was found (for messages): `.config in /b`, `source link of /b`, ... */
  found: string[];
}

export type KbuildResult = { context: KbuildContext } | { error: string };

/** Kconfig symbols that name the architecture, in the order they are tested. */
const ARCH_BY_CONFIG: [string, string, string?][] = [
  ['CONFIG_X86_64', 'x86', 'x86_64'], ['CONFIG_X86_32', 'x86', 'i386'], ['CONFIG_X86', 'x86'],
  ['CONFIG_ARM64', 'arm64'], ['CONFIG_ARM', 'arm'], ['CONFIG_RISCV', 'riscv'], ['CONFIG_PPC', 'powerpc'],
  ['CONFIG_S390', 's390'], ['CONFIG_MIPS', 'mips'], ['CONFIG_LOONGARCH', 'loongarch'], ['CONFIG_SPARC', 'sparc'],
  ['CONFIG_PARISC', 'parisc'], ['CONFIG_SUPERH', 'sh'], ['CONFIG_M68K', 'm68k'], ['CONFIG_MICROBLAZE', 'microblaze'],
  ['CONFIG_XTENSA', 'xtensa'], ['CONFIG_ALPHA', 'alpha'], ['CONFIG_ARC', 'arc'], ['CONFIG_CSKY', 'csky'],
  ['CONFIG_HEXAGON', 'hexagon'], ['CONFIG_NIOS2', 'nios2'], ['CONFIG_OPENRISC', 'openrisc'], ['CONFIG_UML', 'um'],
];

/** `ARCH=` values and their SRCARCH (the kernel Makefile's mapping). */
const SRCARCH: Record<string, string> = { x86_64: 'x86', i386: 'x86', x86: 'x86', arm64: 'arm64', aarch64: 'arm64', riscv: 'riscv', riscv64: 'riscv', arm: 'arm', powerpc: 'powerpc', ppc64: 'powerpc', s390: 's390', mips: 'mips', loongarch: 'loongarch', sparc64: 'sparc', sparc: 'sparc', um: 'um' };

function isSourceTree(fs: KbuildFS, d: string): boolean {
  return fs.exists(`${d}/include/linux/kconfig.h`) && fs.exists(`${d}/arch`);
}

/** The directory with `.config`: `dir` or its nearest parent. */
function configDir(fs: KbuildFS, dir: string): string | undefined {
  for (let d = resolvePath('/', dir); ; d = dirOf(d)) {
    if (fs.exists(`${d}/.config`)) return d;
    if (d === '/') return undefined;
  }
}

/** The build directory named by the nearest compile_commands.json (its entries' `directory`). */
function dbDir(fs: KbuildFS, dir: string): { build: string; db: string } | undefined {
  for (let d = resolvePath('/', dir); ; d = dirOf(d)) {
    const db = `${d}/compile_commands.json`;
    const text = fs.exists(db) ? fs.readFile(db) : undefined;
    if (text !== undefined) {
      const m = /"directory"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
      if (m) {
        let build: string;
        try { build = resolvePath(d, JSON.parse(`"${m[1]}"`)); } catch { build = resolvePath(d, m[1]); }
        return { build, db };
      }
    }
    if (d === '/') return undefined;
  }
}

/** The source tree of a build directory: itself, or the target of its `source` link (O= builds). */
function sourceOf(fs: KbuildFS, build: string): { tree: string; how: string } | undefined {
  if (isSourceTree(fs, build)) return { tree: build, how: `${build} is a source tree (an in-tree build)` };
  const link = fs.readLink?.(`${build}/source`);
  if (link !== undefined) {
    const tree = resolvePath(build, link);
    if (isSourceTree(fs, tree)) return { tree, how: `source link of ${build} -> ${tree}` };
  }
  if (fs.exists(`${build}/source`) && isSourceTree(fs, `${build}/source`)) return { tree: `${build}/source`, how: `${build}/source` };
  // The generated Makefile of an O= directory names the source tree.
  const mk = fs.readFile(`${build}/Makefile`);
  const m = mk && /^\s*include\s+(\S+)\/Makefile\s*$/m.exec(mk);
  if (m && isSourceTree(fs, resolvePath(build, m[1]))) return { tree: resolvePath(build, m[1]), how: `Makefile of ${build}` };
  return undefined;
}

/** The architecture of a configuration (CONFIG_X86_64, CONFIG_ARM64, ...), or of an `ARCH=` value. */
export function archOf(cfg: KernelConfig, archOverride?: string): { arch: string; variant?: string } | undefined {
  if (archOverride) {
    const a = SRCARCH[archOverride] ?? archOverride;
    return { arch: a, variant: archOverride !== a ? archOverride : undefined };
  }
  for (const [sym, arch, variant] of ARCH_BY_CONFIG) {
    const v = cfg.values.get(sym);
    if (v !== undefined && v !== null) return { arch, variant };
  }
  return undefined;
}

/** Kbuild's include directories (LINUXINCLUDE and USERINCLUDE) for a source tree and build directory. */
export function kbuildIncludeDirs(src: string, obj: string, arch: string): string[] {
  const dirs = [`${src}/arch/${arch}/include`, `${obj}/arch/${arch}/include/generated`];
  if (src !== obj) dirs.push(`${src}/include`);
  dirs.push(`${obj}/include`, `${src}/arch/${arch}/include/uapi`, `${obj}/arch/${arch}/include/generated/uapi`, `${src}/include/uapi`, `${obj}/include/generated/uapi`);
  return dirs;
}

/**
 * The kernel build context of a directory: the build directory is `dir` or a parent holding `.config`
 * (an O= directory or an in-tree build), else the `directory` of the nearest compile_commands.json.
 * `arch` overrides the architecture (`ARCH=`).
 */
export function findKbuild(dir: string, fs: KbuildFS, opts: { arch?: string } = {}): KbuildResult {
  const found: string[] = [];
  let build = configDir(fs, dir);
  let db: string | undefined;
  if (build) found.push(`.config in ${build}`);
  else {
    const d = dbDir(fs, dir);
    if (d && fs.exists(`${d.build}/.config`)) { build = d.build; db = d.db; found.push(`directory of ${d.db}: ${d.build}`); }
  }
  if (!build) {
    // A source tree given without its build: look for O= directories the user may have named.
    return { error: `${dir}: no kernel build found (no .config here or in a parent, and no compile_commands.json naming a configured build directory); run make defconfig, or give the O= directory` };
  }
  const src = sourceOf(fs, build);
  if (!src) return { error: `${build}: has a .config but no kernel source tree (no include/linux/kconfig.h here, and no "source" link to one)` };
  found.push(src.how);
  const autoconf = `${build}/include/generated/autoconf.h`;
  const autoText = fs.exists(autoconf) ? fs.readFile(autoconf) : undefined;
  const cfgFile = autoText !== undefined ? autoconf : `${build}/.config`;
  const cfgText = autoText ?? fs.readFile(`${build}/.config`);
  if (cfgText === undefined) return { error: `${build}/.config: cannot be read` };
  const config = readKernelConfig(cfgFile, cfgText);
  found.push(`configuration from ${cfgFile}`);
  const a = archOf(config, opts.arch) ?? archFromHeader(cfgText);
  if (!a) return { error: `${cfgFile}: names no architecture (no CONFIG_X86, CONFIG_ARM64, CONFIG_RISCV, ...); give --arch` };
  if (!fs.exists(`${src.tree}/arch/${a.arch}`)) return { error: `${src.tree}/arch/${a.arch}: the architecture ${a.arch} of ${cfgFile} is not in the source tree` };
  const includeDirs = kbuildIncludeDirs(src.tree, build, a.arch);
  const forcedIncludes: ForcedInclude[] = [];
  const cv = `${src.tree}/include/linux/compiler-version.h`;
  if (fs.exists(cv)) forcedIncludes.push({ path: cv, processed: false, note: 'defines nothing (a dependency for the build)' });
  forcedIncludes.push({ path: `${src.tree}/include/linux/kconfig.h`, processed: true, note: 'its autoconf.h is the parsed configuration' });
  const ct = `${src.tree}/include/linux/compiler_types.h`;
  if (fs.exists(ct)) forcedIncludes.push({ path: ct, processed: false, note: 'attributes and annotations only: read as qualifiers' });
  const defines: DefineSettings = { __KERNEL__: '1' };
  for (const [k, v] of config.values) defines[k] = v === null ? null : v === '' ? ' ' : v;
  if (!db && fs.exists(`${build}/compile_commands.json`)) db = `${build}/compile_commands.json`;
  return { context: { sourceTree: src.tree, buildDir: build, arch: a.arch, ...(a.variant ? { archVariant: a.variant } : {}), config, includeDirs, forcedIncludes, defines, ...(db ? { compileCommands: db } : {}), found } };
}

/** `# Linux/x86_64 6.1 Kernel Configuration` (the first lines of .config and autoconf.h). */
function archFromHeader(text: string): { arch: string; variant?: string } | undefined {
  const m = /Linux\/(\w+) \S+ Kernel Configuration/.exec(text.slice(0, 400));
  if (!m) return undefined;
  const a = SRCARCH[m[1]] ?? m[1];
  return { arch: a, variant: a !== m[1] ? m[1] : undefined };
}

/** The compile database of a context, when it has one (parsed once per file text). */
export function kbuildDatabase(ctx: KbuildContext, fs: KbuildFS): CompileDatabase | undefined {
  if (!ctx.compileCommands) return undefined;
  const text = fs.readFile(ctx.compileCommands);
  if (text === undefined) return undefined;
  const hit = dbCache.get(ctx.compileCommands);
  if (hit && hit.text === text) return hit.db;
  const db = CompileDatabase.fromText(text, ctx.compileCommands, { readFile: (p) => fs.readFile(p) });
  dbCache.set(ctx.compileCommands, { text, db });
  return db;
}
const dbCache = new Map<string, { text: string; db: CompileDatabase }>();

/**
 * Where a name may be defined in a kernel tree, in the order the kernel's include paths give: the
 * architecture's headers (and its generated ones), then include/ (linux/ and asm-generic/ first).
 * Never tools/, scripts/, Documentation/ or another architecture.
 */
export function definitionSearchRoots(ctx: KbuildContext): string[] {
  const { sourceTree: s, buildDir: o, arch } = ctx;
  const roots = [`${s}/arch/${arch}/include/asm`, `${o}/arch/${arch}/include/generated/asm`, `${s}/arch/${arch}/include/uapi/asm`,
    `${s}/arch/${arch}/include`, `${s}/include/linux`, `${s}/include/asm-generic`, `${s}/include/vdso`, `${s}/include/uapi/linux`, `${s}/include/uapi/asm-generic`, `${s}/include`];
  if (o !== s) roots.push(`${o}/include/generated`);
  return roots;
}

export interface DefinitionSite {
  file: string;
  /** 1-based line of the definition. */
  line: number;
  /** 'declaration': a variable or function the header declares (its value is the running kernel's). */
  kind: 'define' | 'enum' | 'declaration';
}

/**
 * The headers that define NAME (a `#define NAME` or an enumerator NAME), best first: the search roots
 * in order, and within the first root that has any, every defining file (files before subdirectories,
 * in name order), with the other word size's headers (`*_32*.h` in a 64-bit configuration, `*_64*.h`
 * in a 32-bit one) last. Bounded by `maxFiles` reads. `exclude`: files not to return (to look further
 * when a configuration leaves the first ones' definitions out).
 */
export function findDefinitions(ctx: KbuildContext, name: string, fs: KbuildFS, maxFiles = 20000, exclude?: ReadonlySet<string>): DefinitionSite[] {
  if (!/^[A-Za-z_]\w*$/.test(name) || !fs.listDir) return [];
  const define = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${name}(?![\\w])`, 'm');
  const enumerator = new RegExp(`(?:^|[{,])[ \\t]*${name}[ \\t]*(?:=[^,}]*)?,?[ \\t]*(?:/[*/].*)?$`, 'm');
  const constant = new RegExp(`^[ \\t]*static[ \\t]+const[ \\t][^;=()]*\\b${name}[ \\t]*=`, 'm');
  const declared = new RegExp(`^[ \\t]*(?:extern|static)[ \\t][^;=(){}#]*\\b${name}[ \\t]*[(;\\[]`, 'm');
  const seen = new Set<string>();
  let reads = 0;
  const lineAt = (text: string, i: number) => text.slice(0, i).split('\n').length + (text[i] === '\n' ? 1 : 0);
  const visit = (dir: string, depth: number, out: DefinitionSite[]): void => {
    if (seen.has(dir) || depth > 12 || out.length >= 16) return;
    seen.add(dir);
    const names = fs.listDir!(dir);
    if (!names) return;
    const files = names.filter((n) => !n.endsWith('/') && /\.h$/.test(n)).sort();
    const dirs = names.filter((n) => n.endsWith('/')).map((n) => n.slice(0, -1)).sort();
    for (const f of files) {
      const p = `${dir}/${f}`;
      if (seen.has(p) || exclude?.has(p)) continue;
      seen.add(p);
      if (++reads > maxFiles) return;
      if (fs.mayContainWord && !fs.mayContainWord(p, name)) continue;
      if (fs.contains ? !fs.contains(p, name) : !(fs.readFile(p) ?? '').includes(name)) continue;
      const text = fs.readFile(p);
      if (text === undefined) continue;
      const m = define.exec(text);
      if (m) { out.push({ file: p, line: lineAt(text, m.index), kind: 'define' }); continue; }
      const c = constant.exec(text);
      if (c) { out.push({ file: p, line: lineAt(text, c.index), kind: 'enum' }); continue; }
      const dcl = declared.exec(text);
      if (dcl) { out.push({ file: p, line: lineAt(text, dcl.index), kind: 'declaration' }); continue; }
      if (/\benum\b/.test(text)) {
        const e = enumerator.exec(text);
        if (e && enumeratorNames(text).includes(name)) out.push({ file: p, line: lineAt(text, e.index), kind: 'enum' });
      }
    }
    for (const d of dirs) {
      // a tool's or the documentation's headers are never the definition
      if (/^(tools|scripts|Documentation|samples)$/.test(d)) continue;
      visit(`${dir}/${d}`, depth + 1, out);
    }
  };
  const is64 = ctx.config.values.get('CONFIG_64BIT') !== undefined && ctx.config.values.get('CONFIG_64BIT') !== null;
  const other = is64 ? /(^|[_-])32([_.-]|$)/ : /(^|[_-])64([_.-]|$)/;
  for (const root of definitionSearchRoots(ctx)) {
    const out: DefinitionSite[] = [];
    visit(root, 0, out);
    if (out.length) {
      const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
      return out.map((x, i) => ({ x, i, o: other.test(base(x.file)) ? 1 : 0 })).sort((a, b) => a.o - b.o || a.i - b.i).map((y) => y.x);
    }
  }
  return [];
}

/** The best header that defines NAME (findDefinitions' first), or undefined. */
export function findDefinition(ctx: KbuildContext, name: string, fs: KbuildFS, maxFiles = 20000): DefinitionSite | undefined {
  return findDefinitions(ctx, name, fs, maxFiles)[0];
}

/** Decides a condition atom with the configuration: true, false, or undefined when it cannot. */
export type ConfigJudge = (atom: CondAtom) => boolean | undefined;

/** The headers under an architecture's include directory, per file system (listed once per run). */
const headerLists = new WeakMap<KbuildFS, Map<string, string[]>>();

/**
 * The definition sites a configuration reads: a header of the architecture's include directory is
 * read when some header there includes it under conditions the configuration does not rule out and
 * that header is read itself (or when no header there includes it: it is included from elsewhere).
 * `pgtable-2level_types.h` (included only for 32-bit without PAE) is not read by an x86-64 build.
 * Sites outside the architecture's headers are kept. The order is kept; if none is read, all are.
 */
export function sitesRead(ctx: KbuildContext, sites: DefinitionSite[], fs: KbuildFS, judge: ConfigJudge): DefinitionSite[] {
  if (sites.length < 2 || !fs.listDir) return sites;
  const root = `${ctx.sourceTree}/arch/${ctx.arch}/include`;
  let byRoot = headerLists.get(fs);
  if (!byRoot) headerLists.set(fs, (byRoot = new Map()));
  let headers = byRoot.get(root);
  if (!headers) {
    const list: string[] = [];
    const walk = (d: string, depth: number) => {
      const names = depth < 6 ? fs.listDir!(d) : undefined;
      for (const n of names ?? []) {
        if (n.endsWith('/')) walk(`${d}/${n.slice(0, -1)}`, depth + 1);
        else if (n.endsWith('.h')) list.push(`${d}/${n}`);
      }
    };
    walk(root, 0);
    byRoot.set(root, (headers = list));
  }
  const memo = new Map<string, boolean>();
  const read = (file: string, depth: number): boolean => {
    if (!file.startsWith(root + '/')) return true;
    const m = memo.get(file);
    if (m !== undefined) return m;
    if (depth > 6) return true;
    memo.set(file, true); // cycles: assume read
    const base = file.slice(file.lastIndexOf('/') + 1);
    const relAsm = file.slice(root.length + 1).replace(/^uapi\//, '');
    const word = fileNameWord(base);
    let includers = 0;
    let live = false;
    for (const h of headers) {
      if (h === file || (word && fs.mayContainWord && !fs.mayContainWord(h, word))) continue;
      if (!(fs.contains ? fs.contains(h, base) : (fs.readFile(h) ?? '').includes(base))) continue;
      const text = fs.readFile(h);
      if (!text) continue;
      for (const inc of includeSites(text)) {
        const hits = inc.system ? inc.target === relAsm : resolvePath(dirOf(h), inc.target) === file || inc.target === relAsm;
        if (!hits) continue;
        includers++;
        if (inc.conditions.some((a) => judge(a) === false)) continue;
        if (read(h, depth + 1)) { live = true; break; }
      }
      if (live) break;
    }
    const r = includers === 0 || live;
    memo.set(file, r);
    return r;
  };
  const kept = sites.filter((s) => read(s.file, 0));
  return kept.length ? kept : sites;
}

export interface KbuildMode {
  mode: PagingMode;
  /** Why this mode: the configuration symbols that chose it. */
  because: string;
  /** A choice the kernel makes at boot that the values assume (5-level paging on x86-64, Sv57 on RISC-V). */
  runtime?: { name: string; value: string; note: string };
}

/** The paging mode a configuration builds for (x86-64 4/5-level, x86-32 PAE or not, arm64 page size and VA bits, RISC-V levels). */
export function kbuildMode(ctx: KbuildContext): KbuildMode | { error: string } {
  const v = (k: string) => ctx.config.values.get(k) ?? undefined;
  const on = (k: string) => { const x = v(k); return x !== undefined && x !== null; };
  const mode = (id: string) => MODES.find((m) => m.id === id);
  if (ctx.arch === 'x86') {
    if (on('CONFIG_X86_64')) {
      if (on('CONFIG_X86_5LEVEL')) {
        return { mode: mode('x86_64-5level')!, because: 'CONFIG_X86_64=y, CONFIG_X86_5LEVEL=y',
          runtime: { name: 'pgtable_l5_enabled()', value: '1', note: 'CONFIG_X86_5LEVEL=y: the kernel chooses 5-level paging at boot when the CPU has LA57; the values assume it does' } };
      }
      return { mode: mode('x86_64-4level')!, because: 'CONFIG_X86_64=y, CONFIG_X86_5LEVEL not set' };
    }
    return on('CONFIG_X86_PAE') ? { mode: mode('x86_32-pae')!, because: 'CONFIG_X86_32=y, CONFIG_X86_PAE=y' } : { mode: mode('x86_32')!, because: 'CONFIG_X86_32=y, CONFIG_X86_PAE not set' };
  }
  if (ctx.arch === 'arm64') {
    const shift = Number(v('CONFIG_ARM64_PAGE_SHIFT') ?? v('CONFIG_PAGE_SHIFT') ?? 12);
    const va = Number(v('CONFIG_ARM64_VA_BITS') ?? 48);
    const m = MODES.find((x) => x.arch === 'arm64' && x.pageShift === shift && x.vaBits === va);
    if (m) return { mode: m, because: `CONFIG_ARM64_PAGE_SHIFT=${shift}, CONFIG_ARM64_VA_BITS=${va}`, ...(va === 52 ? { runtime: { name: 'vabits_actual', value: '52', note: 'CONFIG_ARM64_VA_BITS=52: the kernel falls back to 48 bits at boot when the CPU lacks LVA; the values assume 52' } } : {}) };
    return { error: `no paging mode for arm64 with ${1 << (shift - 10)}K pages and ${va}-bit VA (CONFIG_ARM64_PAGE_SHIFT=${shift}, CONFIG_ARM64_VA_BITS=${va}); known: ${MODES.filter((x) => x.arch === 'arm64').map((x) => x.id).join(', ')}` };
  }
  if (ctx.arch === 'riscv') {
    const levels = Number(v('CONFIG_PGTABLE_LEVELS') ?? 3);
    const id = levels >= 5 ? 'riscv64-sv57' : levels === 4 ? 'riscv64-sv48' : 'riscv64-sv39';
    const m = mode(id);
    if (!m || !on('CONFIG_64BIT')) return { error: 'no paging mode for a 32-bit RISC-V configuration' };
    return { mode: m, because: `CONFIG_PGTABLE_LEVELS=${levels}`, ...(levels > 3 ? { runtime: { name: 'satp_mode', value: id.slice(8), note: `CONFIG_PGTABLE_LEVELS=${levels}: the kernel falls back to fewer levels at boot when the CPU lacks ${id.slice(8)}; the values assume it has it` } } : {}) };
  }
  return { error: `no paging mode for the architecture ${ctx.arch}` };
}
