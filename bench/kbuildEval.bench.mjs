// Benchmark: `paging-layout eval NAME --kbuild DIR` of the gcc oracle's macros (test/oracle/linux-6.1)
// on configured build directories, against peers measured in the same run, one after the other for
// each macro so that the machine's load weighs on all of them alike:
//   - `node -e 0`: the floor of any command written for Node;
//   - `gcc -E -dM` of the translation unit gcc needs for the value (the kernel's flags of
//     kernel/.bounds.s.cmd, the defining header included): the preprocessing a compiler does.
// Prints, per configuration and over all, the median, p90, p99 and max of each, and writes
// bench/results/kbuild-eval-<date>.md and .json with the machine's load before and after.
//
//   node bench/kbuildEval.bench.mjs [--cli dist/cli.js] [--kb-root /tmp/kb] [--sample N] [--runs R]
//                                   [--cold] [--no-gcc] [--out PREFIX] [CONFIG…]
//   --sample N  macros per configuration, evenly spread over the oracle's list (default 60; 0: all)
//   --runs R    rounds over the sample (default 1); the first round of a fresh cache is reported apart
//   --cold      every evaluation starts with an empty cache directory (XDG_CACHE_HOME of its own):
//               what the first evaluation in a build directory costs
// Build directories: scripts/kernel/setup-kbuild.sh CONFIG (PAGING_LAYOUT_KBUILD_ROOT or --kb-root).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelFlags } from '../scripts/kernel/oracle.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const o = { cli: path.join(ROOT, 'dist/cli.js'), kbRoot: process.env.PAGING_LAYOUT_KBUILD_ROOT || '/tmp/kb', sample: 60, runs: 1, cold: false, gcc: true, out: undefined, configs: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const val = () => args[++i];
  if (a === '--cli') o.cli = path.resolve(val());
  else if (a === '--kb-root') o.kbRoot = val();
  else if (a === '--sample') o.sample = Number(val());
  else if (a === '--runs') o.runs = Math.max(1, Number(val()));
  else if (a === '--cold') o.cold = true;
  else if (a === '--no-gcc') o.gcc = false;
  else if (a === '--out') o.out = val();
  else if (a.startsWith('-')) { console.error(`unknown option ${a}`); process.exit(2); }
  else o.configs.push(a);
}
const ORACLE = path.join(ROOT, 'test/oracle/linux-6.1');
if (!o.configs.length) o.configs = fs.readdirSync(ORACLE).filter((f) => /^[\w.-]+\.json$/.test(f) && !/^(baseline|kbuild)-/.test(f)).map((f) => f.slice(0, -5)).sort();
if (!fs.existsSync(o.cli)) { console.error(`${o.cli} is missing (npm run build)`); process.exit(2); }

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
// Wall time, and the CPU time (user + system, 10 ms resolution) through /usr/bin/time when it is
// there: on a loaded machine the CPU time is what the command itself costs.
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
let timeFile;
function timed(cmd, argv, opts = {}) {
  timeFile ??= path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kbuild-time-')), 't');
  const t0 = process.hrtime.bigint();
  const r = TIME
    ? spawnSync(TIME, ['-f', '%U %S', '-o', timeFile, cmd, ...argv], { encoding: 'utf8', maxBuffer: 256 << 20, ...opts })
    : spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  const wall = ms(t0);
  let cpu = NaN;
  if (TIME) { const m = /([\d.]+) ([\d.]+)\s*$/.exec(fs.readFileSync(timeFile, 'utf8')); if (m) cpu = (Number(m[1]) + Number(m[2])) * 1000; }
  return { ms: wall, cpu, status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN; };
const stats = (xs) => ({ n: xs.length, median: pct(xs, 50), p90: pct(xs, 90), p99: pct(xs, 99), max: Math.max(...xs) });
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

const started = new Date();
const loadBefore = load();
const rows = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kbuild-bench-'));
const warmCache = path.join(scratch, 'cache');
for (const config of o.configs) {
  const oracle = JSON.parse(fs.readFileSync(path.join(ORACLE, `${config}.json`), 'utf8'));
  const out = path.resolve(o.kbRoot, config);
  if (!fs.existsSync(path.join(out, 'include/generated/autoconf.h'))) { console.error(`${out}: not a prepared build directory (scripts/kernel/setup-kbuild.sh ${config}); skipped`); continue; }
  const src = fs.realpathSync(path.join(out, 'source'));
  const all = oracle.macros.filter((m) => m.value.startsWith('0x') || m.value === 'runtime');
  const n = o.sample > 0 ? Math.min(o.sample, all.length) : all.length;
  const sample = Array.from({ length: n }, (_, k) => all[Math.floor((k * all.length) / n)]);
  const { cc, flags } = o.gcc ? kernelFlags(out) : { cc: 'gcc', flags: [] };
  for (let run = 0; run < o.runs; run++) {
    for (const m of sample) {
      const row = { config, name: m.name, run };
      const nd = timed(process.execPath, ['-e', '0']);
      row.node = nd.ms;
      row.nodeCpu = nd.cpu;
      const cache = o.cold ? fs.mkdtempSync(path.join(scratch, 'c-')) : warmCache;
      const r = timed(process.execPath, [o.cli, 'eval', m.name, '--kbuild', out, '--json'], { env: { ...process.env, XDG_CACHE_HOME: cache } });
      if (o.cold) fs.rmSync(cache, { recursive: true, force: true });
      row.cli = r.ms;
      row.cliCpu = r.cpu;
      row.status = r.status;
      if (r.status !== 0 && r.status !== 1) row.error = (r.stderr || r.stdout).trim().split('\n')[0];
      if (o.gcc) {
        const header = path.join(m.in === 'build' ? out : src, m.file);
        const g = timed(cc, [...flags, '-E', '-dM', '-x', 'c', '-o', '/dev/null', '-'], { cwd: out, input: `#include "${header}"\n` });
        row.gcc = g.ms;
        row.gccCpu = g.cpu;
        row.gccStatus = g.status;
      }
      rows.push(row);
    }
    process.stderr.write(`[bench] ${config} round ${run + 1}: median ${pct(rows.filter((r) => r.config === config && r.run === run).map((r) => r.cli), 50).toFixed(0)} ms\n`);
  }
}
fs.rmSync(scratch, { recursive: true, force: true });
if (timeFile) fs.rmSync(path.dirname(timeFile), { recursive: true, force: true });
const loadAfter = load();

const groups = [...o.configs.filter((c) => rows.some((r) => r.config === c)).map((c) => [c, rows.filter((r) => r.config === c)]), ['all', rows]];
const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toString() : '-');
const lines = [
  `# eval --kbuild benchmark, ${started.toISOString()}`,
  '',
  `CLI: ${path.relative(ROOT, o.cli) || o.cli}; ${o.sample > 0 ? `${o.sample} macros per configuration (evenly spread over the oracle's list)` : "all of the oracle's macros"}; ${o.runs} round(s); ${o.cold ? 'cold: an empty cache directory for every evaluation' : 'one cache directory for the run (the first evaluation of each configuration fills it)'}.`,
  `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; load average (1, 5, 15 min) before ${loadBefore}, after ${loadAfter}.`,
  '',
  'Wall time:',
  '',
  '| configuration | evals | eval --kbuild median | p90 | p99 | max | node -e 0 median | p99 | gcc -E -dM median | p99 | eval / gcc (medians) |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
const cpuLines = ['', 'CPU time (user + system):', '', '| configuration | eval --kbuild median | p90 | p99 | max | node -e 0 median | p99 | gcc -E -dM median | p99 |', '|---|---|---|---|---|---|---|---|---|'];
const summary = {};
for (const [name, rs] of groups) {
  const c = stats(rs.map((r) => r.cli));
  const nd = stats(rs.map((r) => r.node));
  const g = o.gcc ? stats(rs.map((r) => r.gcc)) : undefined;
  const cc = stats(rs.map((r) => r.cliCpu));
  const ncpu = stats(rs.map((r) => r.nodeCpu));
  const gcpu = o.gcc ? stats(rs.map((r) => r.gccCpu)) : undefined;
  summary[name] = { cli: c, node: nd, ...(g ? { gcc: g } : {}), cpu: { cli: cc, node: ncpu, ...(gcpu ? { gcc: gcpu } : {}) } };
  cpuLines.push(`| ${name} | ${fmt(cc.median)} ms | ${fmt(cc.p90)} | ${fmt(cc.p99)} | ${fmt(cc.max)} | ${fmt(ncpu.median)} ms | ${fmt(ncpu.p99)} | ${gcpu ? `${fmt(gcpu.median)} ms` : '-'} | ${gcpu ? fmt(gcpu.p99) : '-'} |`);
  lines.push(`| ${name} | ${c.n} | ${fmt(c.median)} ms | ${fmt(c.p90)} | ${fmt(c.p99)} | ${fmt(c.max)} | ${fmt(nd.median)} ms | ${fmt(nd.p99)} | ${g ? `${fmt(g.median)} ms` : '-'} | ${g ? fmt(g.p99) : '-'} | ${g ? (c.median / g.median).toFixed(2) : '-'} |`);
}
if (TIME) lines.push(...cpuLines);
if (o.runs > 1) {
  const later = rows.filter((r) => r.run > 0).map((r) => r.cli);
  lines.push('', `Rounds after the first: median ${fmt(pct(later, 50))} ms, p99 ${fmt(pct(later, 99))} ms.`);
}
const failed = rows.filter((r) => r.error);
if (failed.length) lines.push('', `Evaluations that failed (exit not 0/1): ${failed.map((r) => `${r.config}/${r.name}: ${r.error}`).slice(0, 10).join('; ')}`);
const slow = [...rows].sort((a, b) => b.cli - a.cli).slice(0, 8);
lines.push('', `Slowest: ${slow.map((r) => `${r.config}/${r.name} ${fmt(r.cli)} ms`).join(', ')}.`);
const text = lines.join('\n') + '\n';
process.stdout.write(text);
const stamp = started.toISOString().slice(0, 16).replace(/:/g, '');
const prefix = o.out ?? path.join(ROOT, 'bench/results', `kbuild-eval-${stamp}`);
fs.mkdirSync(path.dirname(prefix), { recursive: true });
fs.writeFileSync(`${prefix}.md`, text);
fs.writeFileSync(`${prefix}.json`, JSON.stringify({ started: started.toISOString(), options: { ...o, cli: path.relative(ROOT, o.cli) || o.cli }, loadBefore, loadAfter, summary, rows }, null, 1) + '\n');
process.stderr.write(`[bench] wrote ${path.relative(process.cwd(), prefix)}.md and .json\n`);
