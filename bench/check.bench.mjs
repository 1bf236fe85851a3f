// Benchmark: `paging-layout check` over a whole Linux source tree against ripgrep searching the same
// files for hex literals, in the same run. Prints both medians, the ratio (target: within 4x of rg)
// and the peak memory of the check (target: < 500 MB).
//
//   node bench/check.bench.mjs [--runs N] [--tree DIR]
//
// The tree defaults to Debian's linux-source-6.1, extracted once to /var/cache/paging-layout
// (PAGING_LAYOUT_CACHE overrides); the script installs linux-source-6.1 and ripgrep with apt-get when
// they are missing (needs root).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/cli.js');
const CACHE = process.env.PAGING_LAYOUT_CACHE ?? '/var/cache/paging-layout';
const TARBALL = '/usr/src/linux-source-6.1.tar.xz';
const GLOBS = '*.{c,h,cc,cpp,cxx,hh,hpp,hxx,inl,S,s,sx,asm,nasm,inc,ld,lds,x}';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const RUNS = Number(opt('--runs', process.env.BENCH_RUNS ?? '3'));

function sh(cmd, a, o = {}) {
  const r = spawnSync(cmd, a, { encoding: 'utf8', maxBuffer: 1 << 30, ...o });
  if (r.error) throw r.error;
  return r;
}
function have(cmd) { return sh('sh', ['-c', `command -v ${cmd}`]).status === 0; }
function aptInstall(pkgs) {
  console.log(`installing ${pkgs.join(' ')} with apt-get …`);
  sh('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const r = sh('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`apt-get install ${pkgs.join(' ')} failed`);
}

function ensureTree() {
  const given = opt('--tree', process.env.PAGING_LAYOUT_KERNEL_TREE);
  if (given) return given;
  const tree = path.join(CACHE, 'linux-source-6.1');
  if (existsSync(path.join(tree, 'Makefile'))) return tree;
  if (!existsSync(TARBALL)) aptInstall(['linux-source-6.1']);
  mkdirSync(CACHE, { recursive: true });
  console.log(`extracting ${TARBALL} to ${CACHE} …`);
  const r = sh('tar', ['-xf', TARBALL, '-C', CACHE], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(path.join(tree, 'Makefile'))) throw new Error(`could not extract ${TARBALL}`);
  return tree;
}

function treeStats(dir) {
  let files = 0, bytes = 0;
  const re = /\.(?:c|h|cc|cpp|cxx|hh|hpp|hxx|inl|S|s|sx|asm|nasm|inc|ld|lds|x)$/;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && re.test(e.name)) { files++; bytes += statSync(p).size; }
    }
  };
  walk(dir);
  return { files, bytes };
}

/** Wall time (s) and peak resident memory (KB) of a command, via GNU time when present. */
function timed(cmd, a, outFile) {
  const useTime = existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = useTime
    ? sh('/usr/bin/time', ['-f', '%M', '-o', `${outFile}.time`, 'sh', '-c', `"$0" "$@" > '${outFile}'`, cmd, ...a])
    : sh('sh', ['-c', `"$0" "$@" > '${outFile}'`, cmd, ...a]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  let kb;
  if (useTime) { try { kb = Number(sh('cat', [`${outFile}.time`]).stdout.trim().split('\n').pop()); } catch { kb = undefined; } }
  return { secs, kb, status: r.status, stderr: r.stderr };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function main() {
  if (!existsSync(CLI)) { console.log('building dist/cli.js …'); sh(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' }); }
  if (!have('rg')) aptInstall(['ripgrep']);
  const tree = ensureTree();
  const { files, bytes } = treeStats(tree);
  console.log(`tree: ${tree}: ${files} C/C++/asm/linker-script files, ${(bytes / 1e9).toFixed(2)} GB; ${os.cpus().length} cores; ${RUNS} runs each`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pl-bench-'));
  const rgT = [], ckT = [], ckMem = [], rgMem = [];
  let findings = '';
  for (let i = 0; i < RUNS; i++) {
    const rg = timed('rg', ['--no-config', '-n', '0[xX][0-9a-fA-F]+', '-g', GLOBS, tree], path.join(tmp, 'rg.out'));
    if (rg.status !== 0 && rg.status !== 1) throw new Error(`rg failed: ${rg.stderr}`);
    rgT.push(rg.secs); if (rg.kb) rgMem.push(rg.kb);
    const ck = timed(process.execPath, [CLI, 'check', tree, '--format', 'json', '--stats'], path.join(tmp, 'check.json'));
    if (ck.status !== 0 && ck.status !== 1) throw new Error(`check failed (${ck.status}): ${ck.stderr}`);
    ckT.push(ck.secs); if (ck.kb) ckMem.push(ck.kb);
    // the summary line (`N files (…), N findings …`); the assertion counts follow it with --stats
    findings = ck.stderr.trim().split('\n').filter((l) => / files \(\d+ bytes\), /.test(l) || /assertions on layout macros/.test(l)).join('\n');
    console.log(`run ${i + 1}: rg ${rg.secs.toFixed(2)} s, check ${ck.secs.toFixed(2)} s${ck.kb ? `, check peak ${(ck.kb / 1024).toFixed(0)} MB` : ''}`);
  }
  rmSync(tmp, { recursive: true, force: true });
  const rgM = median(rgT), ckM = median(ckT), ratio = ckM / rgM;
  const peak = ckMem.length ? Math.max(...ckMem) / 1024 : NaN;
  console.log(`\n${findings}`);
  console.log(`rg (hex literals)  median ${rgM.toFixed(2)} s${rgMem.length ? `, peak ${(Math.max(...rgMem) / 1024).toFixed(0)} MB` : ''}`);
  console.log(`paging-layout check median ${ckM.toFixed(2)} s, peak ${Number.isNaN(peak) ? 'n/a' : peak.toFixed(0) + ' MB'}`);
  console.log(`ratio check/rg: ${ratio.toFixed(2)}x (target <= 4x: ${ratio <= 4 ? 'met' : 'NOT met'}); peak memory target < 500 MB: ${peak < 500 ? 'met' : 'NOT met'}`);
  console.log(`throughput: check ${(bytes / 1e6 / ckM).toFixed(0)} MB/s, rg ${(bytes / 1e6 / rgM).toFixed(0)} MB/s`);
}

main().catch((e) => { console.error(`bench: ${e.message}`); process.exit(1); });
