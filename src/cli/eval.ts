// paging-layout eval <expression> [-I dir]… [-D NAME[=VALUE]]… [--file path]… [--kbuild DIR] [--json] [--layout ID] [--mode ID]
//
// Evaluates a C constant expression (or a macro name) with the definitions of the given files and
// their includes, the user's defines and the active paging mode's helpers. With --kbuild, a kernel
// build is the context: its configuration (an unlisted CONFIG_ is not set), include paths, forced
// includes and architecture (the paging mode follows it), and the header that defines the name is
// found in the tree itself (the architecture's headers first, then include/).

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  analyzeText, chainText, condText, deriveName, EvalAlternative, EvalOptions, EvalResult, parseDefineArgs, DefineSettings,
  findKbuild, kbuildMode, findDefinitions, sitesRead, configLookup, CondAtom, kbuildDatabase, searchPath, withDeclarations, judgeAtom, SourceText, MacroLookup,
  MacroDef, parseDefine, tokenize, KbuildContext, definitionSearchRoots, evaluateExpression,
} from '../engine/source';
import { InputError, requireLayout, DEFAULT_LAYOUT_ID, getMode, MODES, formatHex, PagingMode, modePreset } from '../engine/paging';
import { nodeKbuildFS } from './common';
import { withWordFilters } from './kbuildCache';

export interface EvalIO {
  out(s: string): void;
  err(s: string): void;
}

export const usage = 'eval <expression> [-I dir]… [-D NAME[=VALUE]]… [--file path]… [--kbuild DIR [--arch A]] [--json] [--layout ID|--mode ID]  value of a C expression or macro';

class Usage extends Error {}

interface Opts {
  expr: string[];
  includeDirs: string[];
  defines: string[];
  files: string[];
  json: boolean;
  layout?: string;
  mode?: string;
  kbuild?: string;
  arch?: string;
}

function parse(args: string[]): Opts {
  const o: Opts = { expr: [], includeDirs: [], defines: [], files: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = (flag: string): string => {
      if (i + 1 >= args.length) throw new Usage(`${flag} needs a value`);
      return args[++i];
    };
    if (a === '--') { o.expr.push(...args.slice(i + 1)); break; }
    if (a === '--json') o.json = true;
    else if (a === '-I' || a === '--include') o.includeDirs.push(val(a));
    else if (/^-I./.test(a)) o.includeDirs.push(a.slice(2));
    else if (a === '-D' || a === '--define') o.defines.push(val(a));
    else if (/^-D./.test(a)) o.defines.push(a.slice(2));
    else if (a === '--file' || a === '-f') o.files.push(val(a));
    else if (a.startsWith('--file=')) o.files.push(a.slice(7));
    else if (a === '--layout') o.layout = val(a);
    else if (a.startsWith('--layout=')) o.layout = a.slice(9);
    else if (a === '--mode') o.mode = val(a);
    else if (a.startsWith('--mode=')) o.mode = a.slice(7);
    else if (a === '--kbuild') o.kbuild = val(a);
    else if (a.startsWith('--kbuild=')) o.kbuild = a.slice(9);
    else if (a === '--arch') o.arch = val(a);
    else if (a.startsWith('--arch=')) o.arch = a.slice(7);
    else if (a.startsWith('--') || (/^-[A-Za-z]/.test(a) && a.length > 1)) throw new Usage(`unknown option ${a}`);
    else o.expr.push(a);
  }
  if (o.expr.length === 0) throw new Usage('missing <expression> (usage: paging-layout ' + usage.split('  ')[0] + ')');
  if (o.arch && !o.kbuild) throw new Usage('--arch needs --kbuild');
  return o;
}

function pickMode(o: Opts): PagingMode {
  if (o.mode) {
    const m = getMode(o.mode);
    if (!m) throw new Usage(`unknown paging mode '${o.mode}' (known: ${MODES.map((x) => x.id).join(', ')})`);
    return m;
  }
  let layout;
  try {
    layout = requireLayout(o.layout ?? DEFAULT_LAYOUT_ID);
  } catch (e) {
    throw new Usage((e as Error).message);
  }
  const m = getMode(layout.mode);
  if (!m) throw new Usage(`layout ${layout.id} names unknown paging mode ${layout.mode}`);
  return m;
}

const hex16 = (v: bigint) => formatHex(v, { digits: 16 });

function readFile(p: string): string | undefined {
  try {
    const st = fs.statSync(p);
    if (!st.isFile() || st.size > 16 * 1024 * 1024) return undefined;
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/** A pinned value for what the sources cannot give: `sizeof(struct page)=64`, `offsetof(struct s, m)=8`. */
const PIN = /^(sizeof|__alignof__|offsetof)\s*\((.*)\)\s*=(.*)$/s;

/** The key the evaluator asks for: `sizeof(struct page)`, `offsetof(struct s, a.b)` (spacing normalised). */
function pinKey(kind: string, inner: string): string {
  if (kind === 'offsetof') {
    const c = inner.indexOf(',');
    return `offsetof(${inner.slice(0, c).trim().replace(/\s+/g, ' ')}, ${inner.slice(c + 1).replace(/\s+/g, '')})`;
  }
  return `${kind}(${inner.trim().replace(/\s+/g, ' ').replace(/\s*\*/g, ' *')})`;
}

function pinLookup(pins: string[], lookup: MacroLookup): MacroLookup {
  if (pins.length === 0) return lookup;
  const table = new Map<string, MacroDef[]>();
  for (const p of pins) {
    const m = PIN.exec(p)!;
    const key = pinKey(m[1], m[2]);
    const def = parseDefine({ kind: 'ident', text: key, start: 0, end: key.length }, tokenize(m[3]), [], { note: 'user define' });
    if (def) table.set(key, [def]);
  }
  return (n) => table.get(n) ?? lookup(n);
}

/** Names whose definition is given instead of the headers' (a runtime variable's boot default). */
function overrideLookup(overrides: Record<string, string>, lookup: MacroLookup): MacroLookup {
  const names = Object.keys(overrides);
  if (names.length === 0) return lookup;
  const table = new Map<string, MacroDef[]>();
  for (const n of names) {
    // `name` or `name(params)`: the definition is read as `#define <key> <value>` would be.
    const toks = tokenize(`${n} ${overrides[n]}`);
    const def = toks.length ? parseDefine(toks[0], toks.slice(1), [], { note: 'boot default' }) : undefined;
    if (def) table.set(def.name, [def]);
  }
  return (n) => table.get(n) ?? lookup(n);
}

/** What an evaluation runs with: the options, the mode, notes and the extra JSON fields. */
interface Setup {
  evalOpts: EvalOptions;
  mode: PagingMode;
  problems: string[];
  notes: string[];
  json: Record<string, unknown>;
  /** Set when the evaluation cannot start (no definition found): the message, exit 1. */
  missing?: string;
}

/** The plain setup: the given files become includes of a synthetic document. */
function plainSetup(o: Opts, mode: PagingMode, userDefines: DefineSettings, pins: string[]): Setup {
  const main = path.resolve('<command line>');
  const text = o.files.map((f) => `#include "${path.resolve(f)}"`).join('\n');
  const includeDirs = o.includeDirs.map((d) => path.resolve(d));
  const analysis = analyzeText(text, { file: main, family: 'c', mode, defines: userDefines, includeDirs, readFile });
  const problems = analysis.includes.filter((i) => i.error && !/cycle/.test(i.error)).map((i) => i.error!);
  const evalOpts = pins.length ? { ...analysis.options, lookup: pinLookup(pins, analysis.options.lookup!) } : analysis.options;
  return { evalOpts, mode, problems, notes: [], json: {} };
}

const rel = (ctx: KbuildContext, p: string) => (p.startsWith(ctx.sourceTree + '/') ? p.slice(ctx.sourceTree.length + 1) : p.startsWith(ctx.buildDir + '/') ? `$O/${p.slice(ctx.buildDir.length + 1)}` : p);

/** What every evaluation in one kernel build shares: its context, the file reader and the header cache. */
interface KbuildShared { ctx: KbuildContext; kfs: ReturnType<typeof withWordFilters<ReturnType<typeof nodeKbuildFS>>>['fs']; cache: ReturnType<typeof withWordFilters>['cache'] }

function kbuildShared(dir: string, arch?: string, overlay?: ReadonlyMap<string, string>, onRead?: (p: string) => void): KbuildShared {
  const nfs = withOverlay(nodeKbuildFS(), overlay, onRead);
  const found = findKbuild(path.resolve(dir), nfs, { arch });
  if ('error' in found) throw new Usage(found.error);
  const { fs: kfs, cache } = withWordFilters(nfs, found.context.buildDir, overlay);
  return { ctx: found.context, kfs, cache };
}

/**
 * A kernel-tree file system whose files in `overlay` (absolute path → text: an editor's unsaved
 * documents) read as that text instead of the disk's.
 */
export function withOverlay<T extends ReturnType<typeof nodeKbuildFS>>(kfs: T, overlay?: ReadonlyMap<string, string>, onRead?: (p: string) => void): T {
  if (!overlay?.size && !onRead) return kfs;
  overlay ??= new Map();
  return Object.assign(Object.create(null) as object, kfs, {
    readFile: (p: string) => { onRead?.(p); return overlay!.has(p) ? overlay!.get(p) : kfs.readFile(p); },
    exists: (p: string) => overlay!.has(p) || kfs.exists(p),
    contains: (p: string, needle: string) => (overlay!.has(p) ? overlay!.get(p)!.includes(needle) : kfs.contains ? kfs.contains(p, needle) : (kfs.readFile(p) ?? '').includes(needle)),
  }) as T;
}

/** The kernel-build setup: configuration, include paths, forced includes, arch, the defining header. */
function kbuildSetup(o: Opts, expr: string, userDefines: DefineSettings, pins: string[], overrides: Record<string, string> = {}, shared?: KbuildShared): Setup {
  const { ctx, kfs, cache } = shared ?? kbuildShared(o.kbuild!, o.arch);
  const notes: string[] = [];
  let mode: PagingMode;
  let because: string;
  let runtime: { name: string; value: string; note: string } | undefined;
  if (o.mode || o.layout) { mode = pickMode(o); because = o.mode ? `--mode ${o.mode}` : `--layout ${o.layout}`; }
  else {
    const km = kbuildMode(ctx);
    if ('error' in km) {
      const arch = ctx.arch === 'x86' ? (ctx.config.values.get('CONFIG_X86_64') ? 'x86_64' : 'x86_32') : ctx.arch === 'riscv' ? 'riscv64' : ctx.arch;
      mode = MODES.find((m) => m.arch === arch) ?? pickMode(o);
      because = `${km.error}; the paging helpers of ${mode.id} are used`;
      notes.push(`note: ${km.error}`);
    } else { mode = km.mode; because = km.because; runtime = km.runtime; }
  }
  // The headers that define the expression's names (unless --file names them).
  const files = o.files.map((f) => path.resolve(f));
  const sites: { name: string; file: string; line: number }[] = [];
  const names = [...new Set((expr.match(/[A-Za-z_]\w*/g) ?? []))].slice(0, 8);
  // A header is among the candidates when this configuration reads it (judged on CONFIG_ conditions).
  const cfgOpts: EvalOptions = { lookup: configLookup(ctx.config), mode, configComplete: true };
  const judge = (a: CondAtom) => (/\b(?!CONFIG_|defined\b|IS_(?:ENABLED|BUILTIN|MODULE|REACHABLE)\b)[A-Za-z_]\w*/.test(a.text.replace(/\bCONFIG_\w+/g, ''))
    ? undefined : ((v) => (v === undefined ? undefined : v !== a.negated))(judgeAtom(a.text, cfgOpts)));
  const defining = (n: string) => sitesRead(ctx, findDefinitions(ctx, n, kfs), kfs, judge)[0];
  // An asm-generic header is read through the architecture's <asm/...> (which may define what it tests first).
  const entry = (file: string): string => {
    const g = `${ctx.sourceTree}/include/asm-generic/`;
    if (!file.startsWith(g)) return file;
    const rest = file.slice(g.length);
    for (const c of [`${ctx.sourceTree}/arch/${ctx.arch}/include/asm/${rest}`, `${ctx.buildDir}/arch/${ctx.arch}/include/generated/asm/${rest}`]) if (kfs.exists(c)) return c;
    return file;
  };
  if (files.length === 0) {
    for (const n of names) {
      if (/^(sizeof|offsetof|__alignof__|defined|unsigned|signed|long|int|short|char|struct)$/.test(n)) continue;
      const site = defining(n);
      if (site) { sites.push({ name: n, file: site.file, line: site.line }); if (!files.includes(entry(site.file))) files.push(entry(site.file)); }
    }
  }
  // Flags of a translation unit for the header (compile_commands.json), when the build has one.
  const db = kbuildDatabase(ctx, kfs);
  const choice = files.length && db ? db.flagsFor(files[0]) : undefined;
  const known = new Set(ctx.forcedIncludes.map((f) => f.path));
  const extraIncludes = choice ? [...choice.flags.macroIncludes, ...choice.flags.forcedIncludes].filter((f) => !known.has(f)) : [];
  const includeDirs = [...o.includeDirs.map((d) => path.resolve(d)), ...(choice ? searchPath(choice.flags, true) : ctx.includeDirs)];
  const defines: DefineSettings = { ...ctx.defines };
  if (choice) for (const [k, v] of Object.entries(choice.flags.defines)) if (!/^KBUILD_|^__KBUILD_/.test(k)) defines[k] = v;
  Object.assign(defines, userDefines);
  // The unit: the processed forced includes, the flags' own -include files, then the headers.
  const autoconf = `${ctx.buildDir}/include/generated/autoconf.h`;
  const build = (headers: string[]) => {
    const unit = [
      ...ctx.forcedIncludes.filter((f) => f.processed).map((f) => f.path),
      ...extraIncludes,
      ...headers,
    ].map((f) => `#include "${f}"`).join('\n');
    const reads: SourceText[] = [];
    const read = (p: string): string | undefined => {
      if (p === autoconf) return ''; // its values are the parsed configuration (defines)
      const t = kfs.readFile(p);
      if (t !== undefined) reads.push({ file: p, text: t });
      return t;
    };
    const analysis = analyzeText(unit, { file: `${ctx.buildDir}/<eval>.c`, family: 'c', mode, defines, includeDirs, readFile: read, maxFiles: 2000 });
    const macros = overrideLookup(overrides, pinLookup(pins, analysis.lookup));
    const base: EvalOptions = { ...analysis.options, lookup: macros, configComplete: true };
    const judged = new Map<string, boolean | undefined>();
    const lookup = withDeclarations(macros, reads, (atom) => {
      let v: boolean | undefined;
      if (judged.has(atom.text)) v = judged.get(atom.text);
      else { v = judgeAtom(atom.text, base); judged.set(atom.text, v); }
      return v === undefined ? undefined : v !== atom.negated;
    }, { declares: (s, n) => cache.declares(s.file, s.text, n) });
    return { analysis, base, lookup };
  };
  // A header often uses names that another header of its translation units defines (the kernel's
  // include order): those headers are found the same way and included before it, for a few rounds.
  let unit = build(files);
  if (o.files.length === 0) {
    for (let round = 0; round < 4; round++) {
      const r = evaluateExpression(expr, { ...unit.base, lookup: unit.lookup });
      const missingNames = [...new Set(r.alternatives.flatMap((a) => a.unresolved.filter((n) => !a.runtime.includes(n)).map((n) => n.replace(/\(\)$/, ''))))]
        .filter((n) => /^[A-Za-z_]\w*$/.test(n) && !/^CONFIG_/.test(n)).slice(0, 8);
      const more: string[] = [];
      for (const n of missingNames) {
        const site = defining(n);
        if (site && !files.includes(entry(site.file)) && !more.includes(entry(site.file))) { more.push(entry(site.file)); sites.push({ name: n, file: site.file, line: site.line }); }
      }
      if (more.length === 0) break;
      files.unshift(...more);
      unit = build(files);
    }
  }
  // A definition the configuration leaves out (`#ifdef CONFIG_KASAN_SW_TAGS` around it): the next
  // header that defines the name (include/linux/slab.h's fallback after arch/arm64's cache.h).
  if (o.files.length === 0) {
    const tried = new Set<string>();
    for (let k = 0; k < 3; k++) {
      // (judged with the configuration: a definition under an unset CONFIG_ is no definition)
      const gone = sites.filter((s) => evaluateExpression(s.name, { ...unit.base, lookup: unit.lookup, maxSteps: 5000 }).alternatives.every((a) => a.unresolved.includes(s.name)));
      if (gone.length === 0) break;
      let changed = false;
      for (const g of gone) {
        tried.add(g.file);
        const next = sitesRead(ctx, findDefinitions(ctx, g.name, kfs, 20000, tried), kfs, judge)[0];
        if (!next) continue;
        const i = files.indexOf(entry(g.file));
        if (i >= 0 && !sites.some((x) => x !== g && x.file === g.file)) files.splice(i, 1);
        if (!files.includes(entry(next.file))) files.push(entry(next.file));
        Object.assign(g, { file: next.file, line: next.line });
        changed = true;
      }
      if (!changed) break;
      unit = build(files);
    }
  }
  const { analysis, base, lookup } = unit;
  const problems = analysis.includes.filter((i) => i.error && !/cycle/.test(i.error)).map((i) => i.error!);
  const layout = o.json ? modePreset(mode.id) : undefined;
  notes.push(`context: ${ctx.archVariant ?? ctx.arch} build ${ctx.buildDir} (source ${ctx.sourceTree}), configuration ${rel(ctx, ctx.config.file ?? '')}, paging mode ${mode.id} (${because})`);
  for (const s of sites) notes.push(`${s.name} defined in ${rel(ctx, s.file)}:${s.line}`);
  if (choice && choice.how !== 'listed') notes.push(`flags of ${rel(ctx, choice.unit)} (${choice.how === 'includer' ? 'a unit that includes it' : choice.how === 'sibling' ? 'a unit of the same directory' : 'the nearest unit'})`);
  if (runtime) notes.push(`assumes ${runtime.name} = ${runtime.value}: ${runtime.note}`);
  const json: Record<string, unknown> = {
    kbuild: {
      sourceTree: ctx.sourceTree, buildDir: ctx.buildDir, arch: ctx.archVariant ?? ctx.arch, config: ctx.config.file, configSource: ctx.config.source,
      mode: mode.id, modeBecause: because, ...(layout ? { layout: layout.id } : {}),
      definitions: sites.map((s) => ({ name: s.name, file: s.file, line: s.line })),
      ...(choice ? { flagsFrom: { unit: choice.unit, how: choice.how } } : {}),
      forcedIncludes: ctx.forcedIncludes.map((f) => ({ file: f.path, processed: f.processed })).concat(extraIncludes.map((f) => ({ file: f, processed: true }))),
    },
    runtimeAssumptions: runtime ? [runtime] : [],
  };
  const isName = /^[A-Za-z_]\w*$/.test(expr);
  const missing = isName && sites.length === 0 && o.files.length === 0 && !isKnown(expr, { ...base, lookup })
    ? `${expr}: no definition in ${definitionSearchRoots(ctx).slice(0, 1).map((r) => rel(ctx, r)).join('')}, the other headers of arch/${ctx.arch}/include or include/ of ${ctx.sourceTree}`
    : undefined;
  return { evalOpts: { ...base, lookup }, mode, problems, notes, json, ...(missing ? { missing } : {}) };
}

/** Whether a name has a value without any header (built-in idioms, paging helpers, the configuration). */
function isKnown(name: string, opts: EvalOptions): boolean {
  const r = evaluateExpression(name, { ...opts, maxSteps: 2000 });
  return r.alternatives.some((a) => a.value !== undefined);
}

/** `paging-layout eval`: exit 0 with a value, 1 when it cannot be evaluated, 2 on bad input. */
export function run(args: string[], io: EvalIO): number {
  let o: Opts;
  let setup: Setup;
  const expr = (() => { try { return parse(args).expr.join(' '); } catch { return ''; } })();
  try {
    o = parse(args);
    const plainDefs: string[] = [];
    const pins: string[] = [];
    for (const d of o.defines) {
      if (PIN.test(d)) pins.push(d);
      else if (/^[A-Za-z_]\w*(=.*)?$/s.test(d)) plainDefs.push(d);
      else throw new Usage(`-D ${d}: expected NAME, NAME=VALUE or sizeof(struct NAME)=VALUE`);
    }
    for (const f of o.files) {
      if (readFile(path.resolve(f)) === undefined) throw new Usage(`cannot read --file ${f}`);
    }
    const userDefines = parseDefineArgs(plainDefs);
    setup = o.kbuild ? kbuildSetup(o, expr, userDefines, pins) : plainSetup(o, pickMode(o), userDefines, pins);
  } catch (e) {
    io.err(`paging-layout eval: ${(e as Error).message}\n`);
    return 2;
  }
  const { evalOpts, mode, problems, notes } = setup;
  if (setup.missing) {
    if (o.json) io.out(JSON.stringify({ expression: expr, value: null, error: `cannot evaluate: ${setup.missing}`, mode: mode.id, ...setup.json }, null, 2) + '\n');
    else io.out(`${expr}: cannot evaluate: ${setup.missing}\n${notes.map((n) => `  ${n}\n`).join('')}`);
    return 1;
  }

  const isName = /^[A-Za-z_]\w*$/.test(expr);
  const result: EvalResult = evaluateExpression(expr, evalOpts);
  const alts = result.alternatives;
  const syntax = alts.find((a) => a.errorCode === 'syntax');
  // A name's syntax error is in a definition (a form the evaluator does not read): not bad input.
  if (syntax && !isName && alts.every((a) => a.errorCode === 'syntax')) {
    io.err(`paging-layout eval: '${expr}': ${syntax.error}\n`);
    return 2;
  }
  const first = alts[0];
  const sameValue = alts.every((a) => a.u64 !== undefined && a.u64 === first.u64);
  const steps = isName ? deriveName(expr, evalOpts) : undefined;
  const dependsOn = sameValue ? [] : first.conditions.map(condText);
  const unresolved = [...new Set(first.unresolved)];
  const altJson = (a: EvalAlternative) => ({
    value: a.u64 !== undefined ? hex16(a.u64) : null,
    dependsOn: a.conditions.map(condText),
    unresolved: a.unresolved,
    ...(a.error ? { error: a.error } : {}),
  });

  if (o!.json) {
    const out: Record<string, unknown> = {
      expression: expr,
      value: first.u64 !== undefined ? hex16(first.u64) : null,
      unresolved,
      dependsOn,
    };
    if (first.error) out.error = first.error;
    if (first.needs?.length) out.needs = first.needs;
    if (first.type) out.type = first.type.name;
    if (first.runtime.length) out.runtime = first.runtime;
    if (first.assumptions.length) out.assumptions = first.assumptions;
    if (steps) out.steps = steps.alternatives.map((a) => ({ chain: a.chain, dependsOn: a.conditions.map(condText), value: a.u64 !== undefined ? hex16(a.u64) : null }));
    if (alts.length > 1 && !sameValue) out.alternatives = alts.map(altJson);
    out.mode = mode.id;
    if (problems.length) out.includeProblems = problems;
    Object.assign(out, setup.json);
    io.out(JSON.stringify(out, null, 2) + '\n');
  } else {
    const lines: string[] = [];
    for (const [k, a] of alts.entries()) {
      if (k > 0 && sameValue) break;
      const cond = a.conditions.length && !sameValue ? `   if ${a.conditions.map(condText).join(' && ')}` : '';
      const chain = steps?.alternatives[k] ? chainText(steps.alternatives[k]) : undefined;
      if (a.u64 !== undefined) {
        const head = chain && chain.includes(' = ') ? chain : `${expr} = ${hex16(a.u64)}`;
        lines.push(`${head}${cond}`);
        lines.push(`  ${formatHex(a.u64, { grouped: true })}  (${a.u64}${a.value !== undefined && a.value < 0n ? `, ${a.value} as ${a.type?.name}` : ''})`);
      } else {
        lines.push(`${chain && chain.includes(' = ') ? chain + ': ' : expr + ': '}${a.error}${cond}`);
      }
    }
    for (const s of first.assumptions) lines.push(`  assumes ${s}`);
    for (const n of notes) lines.push(`  ${n}`);
    for (const p of problems) lines.push(`  note: ${p}`);
    io.out(lines.join('\n') + '\n');
  }
  return first.u64 !== undefined ? 0 : 1;
}

/** One expression evaluated in a kernel build, as `eval --kbuild` does it (for the derived layout). */
export interface KbuildEvaluation {
  /** Absent when no header defines the name (`missing`). */
  result?: EvalResult;
  mode: PagingMode;
  notes: string[];
  /** Set when no header defines the name. */
  missing?: string;
  /** The headers that define the expression's names (1-based lines). */
  sites: { name: string; file: string; line: number }[];
}

/**
 * A reusable evaluator over one kernel build: each call runs the `eval --kbuild` setup for its
 * expression (the defining headers found in the tree), with `pins` (`sizeof(struct page)=64`) and
 * `overrides` (a name's definition replaced, e.g. a runtime variable by its boot default).
 * `opts.overlay`: files whose text is given (an editor's unsaved documents) instead of read from disk;
 * `opts.onRead`: told each file an evaluation reads.
 * Throws an InputError when the directory is no kernel build.
 */
export function kbuildEvaluator(kbuild: string, arch?: string, opts: { overlay?: ReadonlyMap<string, string>; onRead?: (p: string) => void } = {}): (expr: string, overrides?: Record<string, string>, pins?: string[]) => KbuildEvaluation {
  const o: Opts = { expr: [], includeDirs: [], defines: [], files: [], json: false, kbuild, arch };
  let shared: KbuildShared;
  try { shared = kbuildShared(kbuild, arch, opts.overlay, opts.onRead); } catch (e) { throw new InputError((e as Error).message); }
  return (expr, overrides = {}, pins = []) => {
    let setup: Setup;
    try { setup = kbuildSetup({ ...o, expr: [expr] }, expr, {}, pins, overrides, shared); }
    catch (e) { throw new InputError((e as Error).message); }
    const sites = ((setup.json.kbuild as { definitions?: KbuildEvaluation['sites'] } | undefined)?.definitions ?? []);
    if (setup.missing) return { mode: setup.mode, notes: setup.notes, missing: setup.missing, sites };
    return { result: evaluateExpression(expr, setup.evalOpts), mode: setup.mode, notes: setup.notes, sites };
  };
}

/**
 * The evaluation options of an expression in a kernel build, as `eval --kbuild` makes them (the
 * defining headers found in the tree, the configuration complete), with `overrides` (a file's own
 * macros, `name` or `name(params)` to body) read before the headers. For the build-time assertions of
 * `check --kbuild`: the condition is evaluated, and its chain made, with these options.
 * Throws an InputError when the directory is no kernel build.
 */
export function kbuildOptions(kbuild: string, arch?: string): (expr: string, overrides?: Record<string, string>) => { opts?: EvalOptions; missing?: string } {
  const o: Opts = { expr: [], includeDirs: [], defines: [], files: [], json: false, kbuild, arch };
  let shared: KbuildShared;
  try { shared = kbuildShared(kbuild, arch); } catch (e) { throw new InputError((e as Error).message); }
  return (expr, overrides = {}) => {
    let setup: Setup;
    try { setup = kbuildSetup({ ...o, expr: [expr] }, expr, {}, [], overrides, shared); }
    catch (e) { return { missing: (e as Error).message }; }
    return setup.missing ? { missing: setup.missing } : { opts: setup.evalOpts };
  };
}
