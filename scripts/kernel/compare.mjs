#!/usr/bin/env node
// Holds `paging-layout eval` against the gcc oracle (test/oracle/linux-6.1/<CONFIG>.json).
//
// usage: node scripts/kernel/compare.mjs [--mode files|kbuild] [-j N] [--kb-root DIR] [--oracle DIR]
//                                        [--out DIR] [--only NAME,…] [CONFIG…]
//   --mode files   (default) today's best: `eval NAME --file <defining header>` with -I of the kernel's
//                  include directories (from kernel/.bounds.s.cmd), -D__KERNEL__, one -D per CONFIG_
//                  of include/generated/autoconf.h, and --layout of the preset matching the config
//   --mode kbuild  `eval NAME --kbuild <build dir>` (the CLI finds the definition and the config itself);
//                  stops with a clear message when the CLI has no --kbuild option
//   -j N           evaluations run at once (default 2)
//   --out DIR      where the result is written (default: the oracle folder): baseline-<CONFIG>.json in
//                  files mode, kbuild-<CONFIG>.json in kbuild mode
//   --only         compare only these macro names (the result is printed, not written)
//   --cli FILE     the CLI to run (default dist/cli.js; build it with npm run build)
//   --report       print the table of the result files already written (no evaluation)
//   --commit REV   build the CLI of that commit (git archive + esbuild) into a scratch folder and
//                  run that one: a result that names a commit, unaffected by edits in the work tree
//
// Each macro with a gcc value or a gcc "runtime" verdict is classified:
//   exact            the CLI's single value is gcc's
//   alternatives     several values (the CLI does not know which #if branch holds)
//   cannot-evaluate  exit 1 without a value
//   wrong-value      a single value that is not gcc's (or a constant where gcc says runtime)
//   parse-failure    exit 2 (rejected as bad input)
//   runtime-reported gcc says runtime and the CLI names a runtime variable or an assumption
//   crash            any other exit status or output that is not JSON
// Macros gcc rejects ("error: ...") are not compared; they are counted.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelFlags } from './oracle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const CLASSES = ['exact', 'alternatives', 'cannot-evaluate', 'wrong-value', 'parse-failure', 'runtime-reported', 'crash'];

const say = (s) => process.stderr.write(`[compare] ${s}\n`);
function die(s, code = 2) {
  process.stderr.write(`[compare] ERROR: ${s}\n`);
  process.exit(code);
}

/** The preset whose paging mode the configuration selects (data: arch + .config symbols). */
export function layoutFor(arch, cfg) {
  if (arch === 'x86') return cfg.CONFIG_X86_5LEVEL === 'y' ? 'linux-x86_64-5level' : 'linux-x86_64-4level';
  if (arch === 'arm64') {
    const page = cfg.CONFIG_ARM64_64K_PAGES === 'y' ? '64k' : cfg.CONFIG_ARM64_16K_PAGES === 'y' ? '16k' : '4k';
    return `linux-arm64-${page}-${cfg.CONFIG_ARM64_VA_BITS}bit`;
  }
  if (arch === 'riscv') return { 3: 'linux-riscv64-sv39', 4: 'linux-riscv64-sv48', 5: 'linux-riscv64-sv57' }[cfg.CONFIG_PGTABLE_LEVELS] ?? 'linux-riscv64-sv39';
  return undefined;
}

/** `-DCONFIG_X=V` for every #define of autoconf.h. */
function autoconfDefines(out) {
  const text = fs.readFileSync(path.join(out, 'include/generated/autoconf.h'), 'utf8');
  const defs = [];
  for (const line of text.split('\n')) {
    const m = /^#define (CONFIG_\w+)(?: (.*))?$/.exec(line);
    if (m) defs.push(m[2] === undefined ? `-D${m[1]}` : `-D${m[1]}=${m[2]}`);
  }
  return defs;
}

function dotConfig(out) {
  const cfg = {};
  for (const line of fs.readFileSync(path.join(out, '.config'), 'utf8').split('\n')) {
    const m = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (m) cfg[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return cfg;
}

function u64(hex) {
  return hex == null ? undefined : BigInt.asUintN(64, BigInt(hex));
}

/** Runs one evaluation; resolves to { status, stdout, stderr, ms }. */
function evalOnce(cli, args, timeoutMs) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, 'eval', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status: status ?? (signal ? `signal ${signal}` : null), stdout, stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
  });
}

/** Classifies one CLI answer against gcc's verdict (a 0x value or "runtime"). */
export function classify(oracleValue, r) {
  const row = { ms: Math.round(r.ms) };
  if (r.status === 2) {
    row.class = 'parse-failure';
    row.error = r.stderr.trim().split('\n')[0];
    return row;
  }
  let j;
  try {
    j = JSON.parse(r.stdout);
  } catch {
    j = undefined;
  }
  if ((r.status !== 0 && r.status !== 1) || !j) {
    row.class = 'crash';
    row.error = `exit ${r.status}: ${(r.stderr.trim().split('\n')[0] || r.stdout.trim().split('\n')[0] || '').slice(0, 300)}`;
    return row;
  }
  const alts = Array.isArray(j.alternatives) ? [...new Set(j.alternatives.map((a) => a.value))] : [];
  if (j.value !== null && j.value !== undefined) row.value = j.value;
  if (j.error) row.error = j.error;
  if (j.runtime?.length) row.runtime = j.runtime;
  if (j.assumptions?.length) row.assumptions = j.assumptions;
  const isRuntime = oracleValue === 'runtime';
  if (isRuntime && (row.runtime || row.assumptions)) row.class = 'runtime-reported';
  else if (alts.length > 1) {
    row.class = 'alternatives';
    row.alternatives = alts;
    if (!isRuntime) row.gccAmongThem = alts.some((v) => v !== null && u64(v) === u64(oracleValue));
  } else if (row.value === undefined) row.class = 'cannot-evaluate';
  else if (isRuntime) row.class = 'wrong-value';
  else row.class = u64(row.value) === u64(oracleValue) ? 'exact' : 'wrong-value';
  return row;
}

function pct(sorted, p) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function compareConfig(config, o) {
  const oracleFile = path.join(o.oracleDir, `${config}.json`);
  if (!fs.existsSync(oracleFile)) die(`${oracleFile} is missing (run node scripts/kernel/oracle.mjs ${config})`);
  const oracle = JSON.parse(fs.readFileSync(oracleFile, 'utf8'));
  const out = path.resolve(o.kbRoot, config);
  if (!fs.existsSync(path.join(out, 'include/generated/autoconf.h'))) die(`${out}: not a prepared build directory (run scripts/kernel/setup-kbuild.sh ${config})`);
  const src = fs.realpathSync(path.join(out, 'source'));
  let macros = oracle.macros.filter((m) => m.value.startsWith('0x') || m.value === 'runtime');
  const gccErrors = oracle.macros.length - macros.length;
  if (o.only) macros = macros.filter((m) => o.only.has(m.name));

  let common;
  let layout;
  if (o.mode === 'files') {
    const { flags } = kernelFlags(out);
    const inc = [];
    for (let i = 0; i < flags.length; i++) {
      if (flags[i] === '-I') inc.push(flags[++i]);
      else if (flags[i].startsWith('-I')) inc.push(flags[i].slice(2));
    }
    layout = layoutFor(oracle.arch, dotConfig(out));
    common = [...inc.flatMap((d) => ['-I', path.resolve(out, d)]), '-D__KERNEL__', ...autoconfDefines(out), ...(layout ? ['--layout', layout] : []), '--json'];
  } else {
    common = ['--kbuild', out, '--json'];
  }
  const argsFor = (m) => {
    if (o.mode === 'files') return [m.name, '--file', path.join(m.in === 'build' ? out : src, m.file), ...common];
    return [m.name, ...common];
  };

  say(`${config}: ${macros.length} macros (${o.mode} mode${layout ? `, --layout ${layout}` : ''}), ${o.jobs} at a time`);
  const rows = new Array(macros.length);
  let next = 0;
  let done = 0;
  const t0 = Date.now();
  const worker = async () => {
    while (next < macros.length) {
      const k = next++;
      const m = macros[k];
      const r = await evalOnce(o.cli, argsFor(m), 60_000);
      rows[k] = { name: m.name, gcc: m.value, file: m.file, ...classify(m.value, r) };
      if (++done % 100 === 0) say(`${config}: ${done}/${macros.length}`);
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, worker));
  const counts = Object.fromEntries(CLASSES.map((c) => [c, rows.filter((r) => r.class === c).length]));
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  const withValue = rows.filter((r) => r.gcc !== 'runtime');
  const runtime = rows.filter((r) => r.gcc === 'runtime');
  const result = {
    config,
    kernel: oracle.kernel,
    mode: o.mode,
    cli: o.cliCommit ? `commit ${o.cliCommit}` : `${path.relative(repo, o.cli)} of the work tree at ${gitRev('HEAD')}`,
    invocation:
      o.mode === 'files'
        ? `eval NAME --file <defining header> ${common.filter((a) => !a.startsWith('-DCONFIG_')).join(' ')} + ${autoconfDefines(out).length} -DCONFIG_… from include/generated/autoconf.h`
        : `eval NAME ${common.join(' ')}`,
    compared: rows.length,
    gccErrorsNotCompared: gccErrors,
    counts,
    gccValue: { total: withValue.length, ...Object.fromEntries(CLASSES.map((c) => [c, withValue.filter((r) => r.class === c).length]).filter(([, n]) => n)) },
    gccRuntime: { total: runtime.length, ...Object.fromEntries(CLASSES.map((c) => [c, runtime.filter((r) => r.class === c).length]).filter(([, n]) => n)) },
    msPerEval: { median: pct(ms, 50), p90: pct(ms, 90), p99: pct(ms, 99), max: ms[ms.length - 1] ?? 0, jobs: o.jobs },
    wallSeconds: Math.round((Date.now() - t0) / 1000),
    macros: rows,
  };
  return result;
}

function gitRev(rev) {
  const r = spawnSync('git', ['-C', repo, 'rev-parse', '--short=12', `${rev}^{commit}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The CLI of a commit: its src/ and layouts/ from git, bundled with the repository's esbuild. */
async function cliOfCommit(rev) {
  const sha = gitRev(rev);
  if (!sha) die(`--commit ${rev}: not a commit of ${repo}`);
  const dir = path.join(os.tmpdir(), `paging-layout-cli-${sha}`);
  const cli = path.join(dir, 'dist/cli.js');
  if (fs.existsSync(cli)) return { cli, sha };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const arch = spawnSync('git', ['-C', repo, 'archive', '--format=tar', sha, 'src', 'layouts', 'package.json'], { maxBuffer: 256 * 1024 * 1024 });
  if (arch.status !== 0) die(`git archive ${sha} failed: ${arch.stderr}`);
  const untar = spawnSync('tar', ['-x', '-C', dir], { input: arch.stdout });
  if (untar.status !== 0) die(`tar failed: ${untar.stderr}`);
  const { build } = await import(path.join(repo, 'node_modules/esbuild/lib/main.js'));
  await build({
    entryPoints: [path.join(dir, 'src/cli.ts')], outfile: cli, bundle: true, platform: 'node', format: 'cjs',
    target: 'es2022', mainFields: ['module', 'main'], nodePaths: [path.join(repo, 'node_modules')], logLevel: 'warning',
  });
  say(`built the CLI of ${sha} in ${dir}`);
  return { cli, sha };
}

function printTable(results) {
  const cols = ['config', 'compared', 'exact', 'alternatives', 'cannot-evaluate', 'wrong-value', 'parse-failure', 'runtime-reported', 'crash', 'median ms', 'p99 ms'];
  const lines = [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`];
  for (const r of results) {
    lines.push(`| ${[r.config, r.compared, ...CLASSES.map((c) => r.counts[c]), Math.round(r.msPerEval.median), Math.round(r.msPerEval.p99)].join(' | ')} |`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  for (const r of results) {
    process.stdout.write(`\n${r.config} (${r.mode}): of ${r.gccValue.total} macros with a gcc value: ${fmt(r.gccValue)}; of ${r.gccRuntime.total} runtime ones: ${fmt(r.gccRuntime)}\n`);
    for (const c of ['wrong-value', 'parse-failure', 'crash', 'alternatives', 'cannot-evaluate']) {
      const names = r.macros.filter((m) => m.class === c).map((m) => m.name);
      if (names.length) process.stdout.write(`  ${c}: ${names.slice(0, 12).join(' ')}${names.length > 12 ? ` … (+${names.length - 12})` : ''}\n`);
    }
  }
}
const fmt = (g) => Object.entries(g).filter(([k]) => k !== 'total').map(([k, v]) => `${v} ${k}`).join(', ') || 'none';

async function main(argv) {
  const o = {
    mode: 'files',
    jobs: 2,
    kbRoot: process.env.PAGING_LAYOUT_KBUILD_ROOT || '/tmp/kb',
    oracleDir: path.join(repo, 'test/oracle/linux-6.1'),
    outDir: undefined,
    only: undefined,
    cli: path.join(repo, 'dist/cli.js'),
  };
  const configs = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => (i + 1 < argv.length ? argv[++i] : die(`${a} needs a value`));
    if (a === '--mode') o.mode = val();
    else if (a === '-j') o.jobs = Math.max(1, Number(val()) || 1);
    else if (a === '--kb-root') o.kbRoot = val();
    else if (a === '--oracle') o.oracleDir = val();
    else if (a === '--out') o.outDir = val();
    else if (a === '--only') o.only = new Set(val().split(','));
    else if (a === '--cli') o.cli = path.resolve(val());
    else if (a === '--commit') o.commit = val();
    else if (a === '--report') o.report = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 18).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      return 0;
    } else if (a.startsWith('-')) die(`unknown option ${a}`);
    else configs.push(a);
  }
  if (o.mode !== 'files' && o.mode !== 'kbuild') die(`--mode ${o.mode}: expected files or kbuild`);
  if (o.report) {
    const dir = o.outDir ?? o.oracleDir;
    const prefix = o.mode === 'files' ? 'baseline' : 'kbuild';
    const files = fs.readdirSync(dir).filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.json')).sort();
    const wanted = configs.length ? files.filter((f) => configs.includes(f.slice(prefix.length + 1, -5))) : files;
    if (!wanted.length) die(`no ${prefix}-*.json in ${dir}`);
    printTable(wanted.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))));
    return 0;
  }
  if (o.commit) {
    const { cli, sha } = await cliOfCommit(o.commit);
    o.cli = cli;
    o.cliCommit = sha;
  }
  if (!fs.existsSync(o.cli)) die(`${o.cli} is missing: run npm run build first`);
  if (configs.length === 0) {
    for (const f of fs.readdirSync(o.oracleDir).sort()) if (/^[\w.-]+\.json$/.test(f) && !/^(baseline|kbuild)-/.test(f)) configs.push(f.replace(/\.json$/, ''));
  }
  if (o.mode === 'kbuild') {
    // Is there a --kbuild option at all? Ask the CLI with the first configuration's build directory.
    const probe = spawnSync(process.execPath, [o.cli, 'eval', '1', '--kbuild', path.resolve(o.kbRoot, configs[0]), '--json'], { encoding: 'utf8' });
    if (/unknown option --kbuild/.test(probe.stderr)) {
      die(`this CLI has no --kbuild option yet (${probe.stderr.trim().split('\n')[0]}); use --mode files`, 3);
    }
    if (probe.status !== 0) die(`eval 1 --kbuild ${configs[0]} failed: ${probe.stderr.trim().split('\n')[0]}`, 3);
  }
  const results = [];
  for (const c of configs) {
    const r = await compareConfig(c, o);
    results.push(r);
    if (!o.only) {
      const dir = o.outDir ?? o.oracleDir;
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${o.mode === 'files' ? 'baseline' : 'kbuild'}-${c}.json`);
      fs.writeFileSync(file, JSON.stringify(r, null, 1) + '\n');
      say(`${c}: wrote ${path.relative(process.cwd(), file)} (${r.wallSeconds} s)`);
    }
  }
  printTable(results);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2)).then((c) => (process.exitCode = c));
