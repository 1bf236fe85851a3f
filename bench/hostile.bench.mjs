// Benchmark: `paging-layout check` on hostile shapes, each against a peer measured in the same run.
//   - 20,000 literals on one line, against the same 20,000 literals one a line (target: <= 3x);
//   - headers of 400,000 #defines in three styles (test/support/hostileShapes.ts): a register header
//     (16 MB, as GPU vendors generate them), named 32-bit constants, and a layout header whose every
//     definition is address-like; each against `gcc -E -dM` on the same file (target: <= 3x and a peak
//     under 300 MB).
// Wall time of the whole command (process start included for both) and peak resident memory (GNU time).
//
//   npm run build && tsc -p . && node bench/hostile.bench.mjs [--runs N] [--out FILE.md]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/cli.js');
const SHAPES = path.join(ROOT, 'out/test/support/hostileShapes.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const RUNS = Number(opt('--runs', '3'));
const OUT = opt('--out', undefined);
for (const f of [CLI, SHAPES]) if (!fs.existsSync(f)) { console.error(`missing ${f}: npm run build && tsc -p .`); process.exit(2); }
if (!fs.existsSync('/usr/bin/time')) { console.error('GNU time (/usr/bin/time) is needed for the peak memory: apt-get install time'); process.exit(2); }
const shapes = require(SHAPES);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Wall time (s) and peak RSS (MB) of a command, its output discarded. */
function timed(cmd, argv) {
  const tf = path.join(tmp, 'time.txt');
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', tf, cmd, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const kb = Number(fs.readFileSync(tf, 'utf8').trim().split('\n').pop());
  return { secs, mb: kb / 1024, status: r.status, stderr: String(r.stderr) };
}

function series(cmd, argv, ok) {
  const secs = [], mb = [];
  for (let i = 0; i < RUNS; i++) {
    const r = timed(cmd, argv);
    if (!ok(r.status)) throw new Error(`${cmd} ${argv.join(' ')}: exit ${r.status}: ${r.stderr.slice(0, 300)}`);
    secs.push(r.secs); mb.push(r.mb);
  }
  return { secs: median(secs), mb: Math.max(...mb) };
}

const check = (file) => series(process.execPath, [CLI, 'check', file, '--format', 'json'], (s) => s === 0 || s === 1);
const gcc = (file) => series('gcc', ['-E', '-dM', '-x', 'c', '-o', '/dev/null', file], (s) => s === 0);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-hostile-'));
const lines = [];
const say = (s) => { console.log(s); lines.push(s); };
try {
  say(`# Hostile shapes: \`paging-layout check\` against peers, ${new Date().toISOString()}`);
  say('');
  say(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${RUNS} runs each, medians; peak = the largest of the runs.`);
  say('');
  say('| input | size | check | peak | peer | peer time | peer peak | ratio | target |');
  say('|---|---|---|---|---|---|---|---|---|');
  const one = path.join(tmp, 'one-line.c'), many = path.join(tmp, 'lines.c');
  fs.writeFileSync(one, shapes.literalsOnOneLine(20_000));
  fs.writeFileSync(many, shapes.literalsOnLines(20_000));
  const a = check(one), b = check(many);
  const r1 = a.secs / b.secs;
  say(`| 20,000 literals on one line | ${(fs.statSync(one).size / 1e6).toFixed(1)} MB | ${a.secs.toFixed(2)} s | ${a.mb.toFixed(0)} MB | the same on 20,000 lines | ${b.secs.toFixed(2)} s | ${b.mb.toFixed(0)} MB | ${r1.toFixed(2)}x | <= 3x: ${r1 <= 3 ? 'met' : 'NOT met'} |`);
  for (const [name, make] of [['register header', shapes.registerHeader], ['named 32-bit constants', shapes.namedConstantsHeader], ['layout header (every definition address-like)', shapes.layoutHeader]]) {
    const file = path.join(tmp, `${name.split(' ')[0]}.h`);
    fs.writeFileSync(file, make(400_000));
    const c = check(file), g = gcc(file);
    const r = c.secs / g.secs;
    const met = r <= 3 && c.mb < 300;
    say(`| 400,000 #defines: ${name} | ${(fs.statSync(file).size / 1e6).toFixed(1)} MB | ${c.secs.toFixed(2)} s | ${c.mb.toFixed(0)} MB | gcc -E -dM | ${g.secs.toFixed(2)} s | ${g.mb.toFixed(0)} MB | ${r.toFixed(2)}x | <= 3x and < 300 MB: ${met ? 'met' : 'NOT met'} |`);
    fs.rmSync(file, { force: true });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (OUT) { fs.writeFileSync(OUT, lines.join('\n') + '\n'); console.log(`wrote ${OUT}`); }
