#!/usr/bin/env node
// gcc as the oracle of a configured kernel's address-space macros.
//
// usage: node scripts/kernel/oracle.mjs [--kb-root DIR] [--out DIR] [--work DIR] [CONFIG…]
//   CONFIG      a build directory name under --kb-root (default: every configuration that
//               scripts/kernel/setup-kbuild.sh --list names)
//   --kb-root   parent of the O= build directories (default $PAGING_LAYOUT_KBUILD_ROOT or /tmp/kb)
//   --out       where <CONFIG>.json is written (default test/oracle/linux-6.1)
//   --work      scratch folder for the generated units (default $TMPDIR/paging-layout-oracle)
//
// For each configured build directory (made by setup-kbuild.sh: defconfig + prepare):
//  1. Selection (by rule, see README.md): the object-like #defines of the layout headers of
//     arch/$SRCARCH/include/{asm,uapi/asm}, include/linux and include/asm-generic whose names
//     carry a layout word (START, END, SIZE, BASE, OFFSET, SHIFT, MASK, BITS, …).
//  2. A translation unit includes <linux/kernel.h>, <linux/mm.h> and every selected arch and
//     include/linux header that compiles in that position (each one tried; a header that does not
//     compile for this configuration is left out and listed with gcc's first error line).
//  3. `gcc -E -dD` of that unit says which definition of each name is in effect (file and line
//     only), and whether it is object-like and non-empty.
//  4. A second unit holds `const unsigned long long v_NAME = (unsigned long long)(NAME);` per
//     macro in effect, compiled with the kernel's own flags (kernel/.bounds.s.cmd) `-S -O2`; the
//     values are read from the assembly. "initializer element is not constant" (or a value that is
//     a symbol's address) marks a macro as runtime; any other error is recorded with gcc's first
//     message line; erroring lines are removed and the unit compiled again until it compiles.
// The table holds values, file names and line numbers only (facts), never the headers' text.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

// ------------------------------------------------------------------ selection rule (data)
/** Arch headers (in arch/$SRCARCH/include/asm and .../uapi/asm) whose macros describe the layout. */
export const ARCH_HEADER_PATTERNS = [
  /^page[-_\w]*\.h$/, /^pgtable[-_\w]*\.h$/, /^memory\.h$/, /^fixmap\.h$/, /^kasan\.h$/, /^sparsemem[-_\w]*\.h$/,
  /^processor\.h$/, /^vmalloc\.h$/, /^boot\.h$/, /^kernel-pgtable\.h$/, /^cpu_entry_area\.h$/, /^espfix\.h$/,
  /^vsyscall\.h$/, /^efi\.h$/, /^elf\.h$/, /^io\.h$/, /^dma\.h$/, /^thread_info\.h$/, /^kexec\.h$/,
  // the paging control registers: x86 CR3/CR4 fields, RISC-V satp (arm64 TCR is in pgtable-hwdef.h)
  /^processor-flags\.h$/, /^csr\.h$/,
];
/** Memory-management headers of include/linux. */
export const LINUX_HEADERS = [
  'mmzone.h', 'page-flags-layout.h', 'pgtable.h', 'sizes.h', 'const.h', 'mm.h', 'mm_types.h', 'vmalloc.h',
  'kasan.h', 'pfn.h', 'memory.h', 'huge_mm.h', 'memblock.h', 'numa.h', 'swap.h', 'swapops.h', 'percpu.h',
  'hugetlb.h', 'page-flags.h', 'pageblock-flags.h', 'slab.h', 'kfence.h', 'pagemap.h', 'efi.h', 'gfp.h',
  'gfp_types.h', 'kexec.h', 'crash_dump.h', 'cma.h', 'migrate.h', 'mman.h',
];
/** Generic headers the architectures pull in for folded levels and the memory model; their names
 * are selected, but they are never included directly (the arch headers include them when they apply). */
export const GENERIC_HEADER_PATTERNS = [/^pgtable[-_\w]*\.h$/, /^page\.h$/, /^memory_model\.h$/, /^fixmap\.h$/, /^getorder\.h$/];
/** A name is layout-ish when one of its words (split at '_') is one of these. */
export const LAYOUT_WORDS = new Set([
  'START', 'END', 'SIZE', 'BASE', 'OFFSET', 'SHIFT', 'MASK', 'BITS', 'VADDR', 'PADDR', 'ADDR', 'ADDRESS', 'TOP',
  'LIMIT', 'LEN', 'ORDER', 'PAGES', 'PTRS', 'SZ', 'ALIGN', 'WIDTH', 'LEVELS', 'PGSHIFT', 'PGOFF', 'SPACE', 'AREA',
  'WINDOW', 'SECTIONS', 'SLOTS', 'ENTRIES', 'ENTRY', 'MAXMEM', 'PFN', 'MINALIGN', 'BOUNDARY', 'STKSZ', 'RESERVE',
  'PAGESIZE', 'BTMAPS', 'ROOTS', 'NUMNODES', 'PMDS', 'PKMAP', 'IOBASE', 'FOLDED', 'ANYWHERE', 'ACCESSIBLE',
]);
/** …or when its first word names a layout family: page-table entries and levels, sections, regions. */
export const FAMILY_PREFIXES = new Set([
  'PAGE', 'PTE', 'PMD', 'PUD', 'P4D', 'PGD', 'PGDIR', 'HPAGE', 'HUGETLB', 'SECTION', 'SWP', 'PFN', 'VMALLOC',
  'VMEMMAP', 'MODULES', 'FIXADDR', 'FIXMAP', 'KASAN', 'KIMAGE', 'TASK', 'STACK', 'PERCPU', 'MEMBLOCK', 'HUGE',
]);
/** …or when it is a field of a paging control register (translation root, paging mode, granule). */
export const REGISTER_PREFIXES = ['SATP_', 'HGATP_', 'X86_CR3_', 'X86_CR4_', 'TCR_'];
export function layoutish(name) {
  if (/^_*CONFIG_/.test(name)) return false;
  const words = name.split('_').filter(Boolean);
  return FAMILY_PREFIXES.has(words[0]) || words.some((w) => LAYOUT_WORDS.has(w)) || REGISTER_PREFIXES.some((p) => name.startsWith(p));
}
const UMBRELLA = ['linux/kernel.h', 'linux/mm.h'];

// ------------------------------------------------------------------ helpers
const say = (s) => process.stderr.write(`[oracle] ${s}\n`);
function die(s) {
  process.stderr.write(`[oracle] ERROR: ${s}\n`);
  process.exit(2);
}

/** Splits a shell command line (the .cmd files use single and double quotes and backslashes). */
export function shellWords(s) {
  const out = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) throw new Error('unbalanced single quote');
      cur += s.slice(i + 1, j);
      i = j;
      has = true;
    } else if (c === '"') {
      i++;
      for (; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1])) i++;
        cur += s[i];
      }
      if (i >= s.length) throw new Error('unbalanced double quote');
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** The compiler and its flags from kernel/.bounds.s.cmd, without dependency output, -S, -o and the source. */
export function kernelFlags(out) {
  const cmdFile = path.join(out, 'kernel/.bounds.s.cmd');
  let text;
  try {
    text = fs.readFileSync(cmdFile, 'utf8');
  } catch {
    die(`${cmdFile} is missing: run scripts/kernel/setup-kbuild.sh first`);
  }
  const m = /^(?:saved)?cmd_kernel\/bounds\.s\s*:=\s*(.*)$/m.exec(text);
  if (!m) die(`${cmdFile}: no cmd_kernel/bounds.s line`);
  const words = shellWords(m[1]);
  const cc = words.shift();
  const flags = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('-Wp,-MMD') || w.startsWith('-Wp,-MD')) continue;
    if (w === '-S' || w === '-c' || w === '-fverbose-asm' || w === '-Werror') continue;
    if (w === '-o') { i++; continue; }
    if (/\.c$/.test(w) && !w.startsWith('-')) continue;
    flags.push(w);
  }
  return { cc, flags };
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 180_000, ...opts });
  if (r.error) die(`${cmd}: ${r.error.message}`);
  return r;
}

/** gcc's diagnostics, one per "file:line:col: error: message" line. */
function errorsOf(stderr) {
  const out = [];
  for (const line of stderr.split('\n')) {
    const m = /^(.*?):(\d+):(?:\d+:)? (?:fatal )?error: (.*)$/.exec(line);
    if (m) out.push({ file: m[1], line: Number(m[2]), message: m[3] });
  }
  return out;
}

// ------------------------------------------------------------------ one configuration
function selectCandidates(src, srcarch) {
  const files = [];
  const listDir = (rel, keep) => {
    let names = [];
    try {
      names = fs.readdirSync(path.join(src, rel));
    } catch {
      return;
    }
    for (const n of names.sort()) if (keep(n)) files.push(`${rel}/${n}`);
  };
  listDir(`arch/${srcarch}/include/asm`, (n) => ARCH_HEADER_PATTERNS.some((p) => p.test(n)));
  listDir(`arch/${srcarch}/include/uapi/asm`, (n) => ARCH_HEADER_PATTERNS.some((p) => p.test(n)));
  listDir('include/linux', (n) => LINUX_HEADERS.includes(n));
  listDir('include/asm-generic', (n) => GENERIC_HEADER_PATTERNS.some((p) => p.test(n)));
  const names = new Map(); // name -> candidate files that define it (object-like)
  const defRe = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?=[ \t]|$)/gm;
  for (const f of files) {
    const text = fs.readFileSync(path.join(src, f), 'utf8').replace(/\\\r?\n/g, ' ');
    for (const m of text.matchAll(defRe)) {
      if (!layoutish(m[1])) continue;
      if (!names.has(m[1])) names.set(m[1], new Set());
      names.get(m[1]).add(f);
    }
  }
  return { files, names };
}

/** How a candidate file is included: <asm/X.h>, <linux/X.h>; asm-generic files are not included directly. */
function includeName(f) {
  let m = /^arch\/[^/]+\/include\/(?:uapi\/)?asm\/(.+)$/.exec(f);
  if (m) return `asm/${m[1]}`;
  m = /^include\/linux\/(.+)$/.exec(f);
  if (m) return `linux/${m[1]}`;
  return undefined;
}

function compileSyntax(ctx, includes, tag) {
  const file = path.join(ctx.work, `probe-${tag}.c`);
  fs.writeFileSync(file, includes.map((h) => `#include <${h}>\n`).join(''));
  const r = run(ctx.cc, [...ctx.flags, '-fsyntax-only', '-fdiagnostics-color=never', '-fno-diagnostics-show-caret', file], { cwd: ctx.out });
  const errs = errorsOf(r.stderr);
  // A header for another configuration (page_32_types.h on x86-64) may compile but redefine
  // the macros in effect: that is a failure for the unit too.
  const redef = /warning: "([A-Za-z_]\w*)" redefined/.exec(r.stderr);
  if (r.status === 0 && redef) return { ok: false, first: { message: `redefines ${redef[1]}` } };
  return { ok: r.status === 0, first: errs[0] };
}

/** Parses `gcc -E -dD` output: the definition in effect of every macro (file, line, object-like, empty). */
export function definitionsOf(text) {
  const defs = new Map();
  let file = '';
  let line = 0;
  for (const raw of text.split('\n')) {
    const mk = /^# (\d+) "((?:[^"\\]|\\.)*)"/.exec(raw);
    if (mk) {
      line = Number(mk[1]);
      file = mk[2].replace(/\\(.)/g, '$1');
      continue;
    }
    const d = /^#define ([A-Za-z_]\w*)(\(?)(.*)$/.exec(raw);
    if (d) {
      const body = d[2] ? d[3].replace(/^[^)]*\)/, '') : d[3];
      defs.set(d[1], { file, line, functionLike: d[2] === '(', empty: body.trim() === '' });
    } else {
      const u = /^#undef ([A-Za-z_]\w*)/.exec(raw);
      if (u) defs.delete(u[1]);
    }
    line++;
  }
  return defs;
}

/** A data directive's operand as an unsigned 64-bit hex string, or undefined when it is not a number. */
function u64Hex(operand) {
  const s = operand.trim();
  if (!/^-?(?:0x[0-9a-fA-F]+|\d+)$/.test(s)) return undefined;
  const neg = s.startsWith('-');
  let v = BigInt(neg ? s.slice(1) : s);
  if (neg) v = -v;
  v = BigInt.asUintN(64, v);
  return '0x' + v.toString(16);
}

/** Reads `v_NAME:` labels and their 8-byte data directive from gcc's assembly. */
export function valuesOf(asm) {
  const vals = new Map();
  const lines = asm.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^v_([A-Za-z_]\w*):\s*$/.exec(lines[i]);
    if (!m) continue;
    for (let j = i + 1; j < lines.length && j < i + 4; j++) {
      const d = /^\s*\.(quad|xword|dword|8byte|zero)\s+(.*?)\s*(?:[#@;].*)?$/.exec(lines[j]);
      if (!d) continue;
      if (d[1] === 'zero') vals.set(m[1], d[2] === '8' ? { value: '0x0' } : { error: `unexpected .zero ${d[2]}` });
      else {
        const hex = u64Hex(d[2]);
        vals.set(m[1], hex !== undefined ? { value: hex } : { runtime: 'address of a symbol' });
      }
      break;
    }
  }
  return vals;
}

function relFile(ctx, f) {
  const abs = path.resolve(ctx.out, f);
  if (abs.startsWith(ctx.src + '/')) return { file: path.relative(ctx.src, abs) };
  if (abs.startsWith(ctx.out + '/')) return { file: path.relative(ctx.out, abs), in: 'build' };
  return { file: f };
}

function oracleFor(config, kbRoot, workRoot) {
  const out = path.resolve(kbRoot, config);
  if (!fs.existsSync(path.join(out, 'include/generated/autoconf.h'))) die(`${out}: not a prepared build directory (run scripts/kernel/setup-kbuild.sh ${config})`);
  const src = fs.realpathSync(path.join(out, 'source'));
  const { cc, flags } = kernelFlags(out);
  const am = flags.map((f) => /^-I(.*)\/arch\/([^/]+)\/include$/.exec(f)).find((m) => m && path.resolve(out, m[1]) === src);
  if (!am) die(`${out}: cannot tell the architecture from the kernel's -I flags`);
  const srcarch = am[2];
  const work = path.join(workRoot, config);
  fs.mkdirSync(work, { recursive: true });
  const ctx = { out: fs.realpathSync(out), src, cc, flags, work };
  const t0 = Date.now();

  // 1. selection
  const { files, names } = selectCandidates(src, srcarch);
  say(`${config}: ${srcarch}, ${files.length} layout headers, ${names.size} candidate names`);

  // 2. the headers that compile after the umbrella headers and the ones kept before them (in
  // order, arch headers first; passes repeat while a left-out header becomes includable)
  const base = compileSyntax(ctx, UMBRELLA, 'umbrella');
  if (!base.ok) die(`${config}: ${UMBRELLA.join(', ')} do not compile: ${base.first?.message}`);
  const headers = [];
  let todo = [...new Set(files.map(includeName).filter(Boolean))].filter((h) => !UMBRELLA.includes(h));
  let why = new Map();
  for (let pass = 0; todo.length; pass++) {
    const again = [];
    why = new Map();
    for (const h of todo) {
      const r = compileSyntax(ctx, [...UMBRELLA, ...headers, h], 'probe');
      if (r.ok) headers.push(h);
      else {
        again.push(h);
        why.set(h, r.first ? r.first.message : 'does not compile');
      }
    }
    if (again.length === todo.length) break;
    todo = again;
  }
  const leftOut = [...why].map(([header, error]) => ({ header, error }));
  const includes = [...UMBRELLA, ...headers];
  const prologue = includes.map((h) => `#include <${h}>\n`).join('');

  // 3. definitions in effect
  const unitE = path.join(work, 'defs.c');
  fs.writeFileSync(unitE, prologue);
  const e = run(cc, [...flags, '-E', '-dD', '-fdiagnostics-color=never', unitE], { cwd: ctx.out });
  if (e.status !== 0) die(`${config}: gcc -E failed: ${errorsOf(e.stderr)[0]?.message ?? e.stderr.slice(0, 200)}`);
  const defs = definitionsOf(e.stdout);
  const notDefined = [];
  const functionLike = [];
  const empty = [];
  const selected = [];
  for (const n of [...names.keys()].sort()) {
    const d = defs.get(n);
    if (!d) notDefined.push(n);
    else if (d.functionLike) functionLike.push(n);
    else if (d.empty) empty.push(n);
    else selected.push(n);
  }

  // 4. values. gcc reports an undeclared identifier once per unit, so the expansion of every
  // line (from -E of the same unit) tells which other macros read the same name.
  const result = new Map(); // name -> { value } | { runtime } | { error }
  const unitV = path.join(work, 'values.c');
  const asmV = path.join(work, 'values.s');
  const valueUnit = (list) => {
    const lineOf = new Map();
    let text = prologue;
    let ln = includes.length + 1;
    for (const n of list) {
      text += `#ifdef ${n}\nconst unsigned long long v_${n} = (unsigned long long)(${n});\n#endif\n`;
      lineOf.set(ln + 1, n);
      ln += 3;
    }
    fs.writeFileSync(unitV, text);
    return lineOf;
  };
  valueUnit(selected);
  const ex = run(cc, [...flags, '-E', '-P', '-fdiagnostics-color=never', unitV], { cwd: ctx.out });
  if (ex.status !== 0) die(`${config}: gcc -E of the value unit failed: ${errorsOf(ex.stderr)[0]?.message ?? ''}`);
  const expansion = new Map();
  for (const l of ex.stdout.split('\n')) {
    const m = /^const unsigned long long v_([A-Za-z_]\w*) = (.*)$/.exec(l);
    if (m) expansion.set(m[1], new Set(m[2].match(/[A-Za-z_]\w*/g) ?? []));
  }
  let pending = selected.slice();
  let rounds = 0;
  while (pending.length) {
    rounds++;
    const lineOf = valueUnit(pending);
    const r = run(cc, [...flags, '-S', '-O2', '-ftrack-macro-expansion=0', '-fdiagnostics-color=never', '-fno-diagnostics-show-caret', '-o', asmV, unitV], { cwd: ctx.out });
    if (r.status === 0) {
      const vals = valuesOf(fs.readFileSync(asmV, 'utf8'));
      for (const n of pending) result.set(n, vals.get(n) ?? { error: 'no value in the assembly' });
      break;
    }
    const bad = new Map();
    const undeclared = [];
    for (const er of errorsOf(r.stderr)) {
      if (path.resolve(ctx.out, er.file) !== unitV) continue;
      const n = lineOf.get(er.line);
      if (n && !bad.has(n)) bad.set(n, er.message);
      const u = /^[‘'`]([A-Za-z_]\w*)[’'] undeclared/.exec(er.message);
      if (u) undeclared.push([u[1], er.message]);
    }
    for (const [id, msg] of undeclared) {
      for (const n of pending) if (!bad.has(n) && expansion.get(n)?.has(id)) bad.set(n, msg.replace(/; did you mean .*$/, ''));
    }
    if (bad.size === 0) die(`${config}: the value unit fails outside its macro lines: ${r.stderr.split('\n').find((l) => / error: /.test(l)) ?? r.stderr.slice(0, 300)}`);
    for (const [n, msg] of bad) {
      result.set(n, /initializer element is not (constant|computable at load time)/.test(msg) ? { runtime: 'not constant' } : { error: msg.replace(/; did you mean .*$/, '') });
    }
    pending = pending.filter((n) => !bad.has(n));
    if (rounds > 50) die(`${config}: the value unit still fails after 50 rounds`);
  }

  const macros = [];
  for (const n of selected) {
    const d = defs.get(n);
    const r = result.get(n);
    const row = { name: n };
    if (r.value !== undefined) row.value = r.value;
    else if (r.runtime) { row.value = 'runtime'; row.why = r.runtime; }
    else row.value = `error: ${r.error}`;
    Object.assign(row, relFile(ctx, d.file));
    row.line = d.line;
    macros.push(row);
  }
  const counts = {
    candidates: names.size,
    inEffect: selected.length,
    value: macros.filter((m) => m.value.startsWith('0x')).length,
    runtime: macros.filter((m) => m.value === 'runtime').length,
    error: macros.filter((m) => m.value.startsWith('error:')).length,
    notDefined: notDefined.length,
    functionLike: functionLike.length,
    empty: empty.length,
  };
  const gccVersion = run(cc, ['-dumpfullversion']).stdout.trim();
  const ms = Date.now() - t0;
  say(`${config}: ${counts.value} values, ${counts.runtime} runtime, ${counts.error} errors (${rounds} compile rounds, ${(ms / 1000).toFixed(1)} s)`);
  return {
    kernel: `linux-source-${kernelVersion(src)}`,
    config,
    arch: srcarch,
    compiler: `${path.basename(cc)} ${gccVersion}`,
    flags: 'kernel/.bounds.s.cmd of the build directory, without -Werror; -S -O2 -ftrack-macro-expansion=0',
    configSymbols: keySymbols(path.join(out, '.config')),
    selection: {
      archHeaderPatterns: ARCH_HEADER_PATTERNS.map(String),
      linuxHeaders: LINUX_HEADERS,
      genericHeaderPatterns: GENERIC_HEADER_PATTERNS.map(String),
      layoutWords: [...LAYOUT_WORDS],
      familyPrefixes: [...FAMILY_PREFIXES],
      registerPrefixes: REGISTER_PREFIXES,
      files,
    },
    unit: { includes, leftOut },
    counts,
    macros,
    notDefined,
    functionLike,
    empty,
  };
}

function kernelVersion(src) {
  const mk = fs.readFileSync(path.join(src, 'Makefile'), 'utf8');
  const g = (k) => new RegExp(`^${k}\\s*=\\s*(\\S*)`, 'm').exec(mk)?.[1] ?? '';
  return [g('VERSION'), g('PATCHLEVEL'), g('SUBLEVEL')].filter((x) => x !== '').join('.');
}

/** The configuration symbols that decide the layout (values from .config), for the reader of the table. */
function keySymbols(dotconfig) {
  const want = /^CONFIG_(X86_5LEVEL|PGTABLE_LEVELS|ARM64_VA_BITS|ARM64_PA_BITS|ARM64_PAGE_SHIFT|ARM64_4K_PAGES|ARM64_16K_PAGES|ARM64_64K_PAGES|PAGE_OFFSET|PHYSICAL_START|PHYSICAL_ALIGN|RANDOMIZE_BASE|RANDOMIZE_MEMORY|DYNAMIC_MEMORY_LAYOUT|KASAN|KASAN_SHADOW_OFFSET|SPARSEMEM_VMEMMAP|NODES_SHIFT|NR_CPUS|MODULES|64BIT|MMU|XIP_KERNEL|ARCH_FORCE_MAX_ORDER|FORCE_MAX_ZONEORDER)=(.*)$/;
  const out = {};
  for (const line of fs.readFileSync(dotconfig, 'utf8').split('\n')) {
    const m = want.exec(line);
    if (m) out[`CONFIG_${m[1]}`] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

// ------------------------------------------------------------------ main
function main(argv) {
  let kbRoot = process.env.PAGING_LAYOUT_KBUILD_ROOT || '/tmp/kb';
  let outDir = path.join(repo, 'test/oracle/linux-6.1');
  let workRoot = path.join(os.tmpdir(), 'paging-layout-oracle');
  const configs = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => (i + 1 < argv.length ? argv[++i] : die(`${a} needs a value`));
    if (a === '--kb-root') kbRoot = val();
    else if (a === '--out') outDir = val();
    else if (a === '--work') workRoot = val();
    else if (a === '-h' || a === '--help') {
      process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 8).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      return 0;
    } else if (a.startsWith('-')) die(`unknown option ${a}`);
    else configs.push(a);
  }
  if (configs.length === 0) {
    const r = run('bash', [path.join(here, 'setup-kbuild.sh'), '--list']);
    configs.push(...r.stdout.split('\n').filter(Boolean));
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const c of configs) {
    const table = oracleFor(c, kbRoot, workRoot);
    const file = path.join(outDir, `${c}.json`);
    fs.writeFileSync(file, JSON.stringify(table, null, 1) + '\n');
    say(`${c}: wrote ${path.relative(process.cwd(), file)}`);
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
