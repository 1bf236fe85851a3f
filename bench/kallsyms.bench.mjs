// Symbol-file benchmark: a generated 200,000-line /proc/kallsyms (core symbols, per-CPU offsets, module
// symbols) parsed by the engine's parseSymbolFile, N times, each in a fresh process as the CLI does (cold)
// and N times in one process (warm); median parse time and peak memory; in the same run, the median time
// of `sort` on the same file (the peer, LC_ALL=C). Targets: parse <= 1 s, <= 100 MB.
//
//   node bench/kallsyms.bench.mjs [--runs N] [--lines N]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : def; };
const RUNS = arg('--runs', 7);
const LINES = arg('--lines', 200_000);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kallsyms-bench-'));
const file = path.join(tmp, 'kallsyms');

// A kallsyms-shaped file: per-CPU offsets first (absolute, as x86-64 prints them), then the kernel's
// symbols in address order with the usual type mix, then module symbols with their [module] suffix.
{
  const types = 'tTtTtTtdDbBrRW';
  const out = [];
  let a = 0xffffffff9a200000n;
  const percpu = Math.min(400, LINES / 100);
  for (let i = 0; i < percpu; i++) out.push(`${(BigInt(i) * 0x40n).toString(16).padStart(16, '0')} A percpu_var_${i}`);
  out.push('ffffffff9a200000 T _text');
  const modules = Math.floor(LINES / 20);
  for (let i = out.length; i < LINES - modules; i++) {
    a += BigInt(16 + ((i * 7919) % 700));
    out.push(`${a.toString(16)} ${types[i % types.length]} ${i % 3 ? 'do_' : '__'}sym_${i.toString(36)}_${((i * 104729) % 1_000_003).toString(36)}`);
  }
  let m = 0xffffffffc0a00000n;
  for (let i = 0; i < modules; i++) {
    m += BigInt(32 + ((i * 31) % 300));
    out.push(`${m.toString(16)} ${'tTdb'[i % 4]} mod_fn_${i.toString(36)}\t[module_${i % 60}]`);
  }
  fs.writeFileSync(file, out.join('\n') + '\n');
}
const bytes = fs.statSync(file).size;

// The engine's parser, bundled for node on the fly (no tsc step needed).
const engineFile = path.join(tmp, 'engine.cjs');
fs.writeFileSync(path.join(tmp, 'entry.ts'), `export { parseSymbolFile } from '${ROOT}/src/engine/map/imports/kallsyms';\nexport { nearestSymbol } from '${ROOT}/src/engine/map/symbols';\n`);
await esbuild.build({ entryPoints: [path.join(tmp, 'entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: engineFile, logLevel: 'error' });

// One cold parse in a fresh process: read the file, then parse it; time and memory of the parse.
const child = path.join(tmp, 'child.cjs');
fs.writeFileSync(child, `
const fs = require('fs');
const { parseSymbolFile } = require(${JSON.stringify(engineFile)});
const text = fs.readFileSync(process.argv[2], 'utf8');
const base = process.memoryUsage().rss;
const t0 = performance.now();
const r = parseSymbolFile(text, { name: 'kallsyms' });
const ms = performance.now() - t0;
const peak = process.resourceUsage().maxRSS * 1024;
const u = process.memoryUsage();
process.stdout.write(JSON.stringify({ ms, base, peak, retained: u.heapUsed + u.arrayBuffers, count: r.symbols.count, problems: r.problems.length }));
`);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const mb = (v) => (v / 1048576).toFixed(1);

const cold = [];
for (let i = 0; i < RUNS; i++) {
  const r = spawnSync(process.execPath, [child, file], { encoding: 'utf8' });
  if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
  const j = JSON.parse(r.stdout);
  if (j.count !== LINES || j.problems) { console.error(`bench: parsed ${j.count} symbols with ${j.problems} problems, expected ${LINES} and none`); process.exit(1); }
  cold.push(j);
}

const require = createRequire(import.meta.url);
const { parseSymbolFile } = require(engineFile);
const text = fs.readFileSync(file, 'utf8');
const warm = [];
for (let i = 0; i < RUNS + 2; i++) {
  const t0 = performance.now();
  parseSymbolFile(text, { name: 'kallsyms' });
  warm.push(performance.now() - t0);
}
warm.splice(0, 2);

const sortTimes = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  const r = spawnSync('sort', ['-o', '/dev/null', file], { env: { ...process.env, LC_ALL: 'C' }, stdio: 'ignore' });
  const ms = performance.now() - t0;
  if (r.status !== 0) { console.error('bench: sort failed'); process.exit(1); }
  sortTimes.push(ms);
}

const coldMs = median(cold.map((c) => c.ms));
const peak = median(cold.map((c) => c.peak));
const growth = median(cold.map((c) => c.peak - c.base));
const warmMs = median(warm);
const sortMs = median(sortTimes);
console.log(`kallsyms: ${LINES.toLocaleString('en')} lines, ${mb(bytes)} MB, ${RUNS} runs (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`);
console.log(`parse, cold process:  median ${coldMs.toFixed(0)} ms (min ${Math.min(...cold.map((c) => c.ms)).toFixed(0)}, max ${Math.max(...cold.map((c) => c.ms)).toFixed(0)})`);
console.log(`parse, warm:          median ${warmMs.toFixed(0)} ms`);
console.log(`memory:               peak RSS ${mb(peak)} MB (node itself and the file text included), ${mb(growth)} MB above the process after reading the file; tables and text kept: ${mb(median(cold.map((c) => c.retained)))} MB`);
console.log(`peer, LC_ALL=C sort:  median ${sortMs.toFixed(0)} ms → parse/sort ${(coldMs / sortMs).toFixed(2)}× cold, ${(warmMs / sortMs).toFixed(2)}× warm`);
console.log(`targets: parse <= 1000 ms: ${coldMs <= 1000 ? 'met' : 'NOT met'}; <= 100 MB: ${growth <= 100 * 1048576 ? 'met' : 'NOT met'} (growth), peak RSS ${peak <= 100 * 1048576 ? 'also under' : 'over'} 100 MB`);
fs.rmSync(tmp, { recursive: true, force: true });
