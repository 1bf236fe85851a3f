// Workspace-index benchmark (not a timed test): indexing the #defines of a generated tree of 10,000
// C/asm files, compared with universal-ctags (`ctags --kinds-C=d -R`) on the same tree in the same run.
//   tsc -p . && node out/bench/index.bench.js [--files N] [--runs N] [--dir PATH]
// Both sides read every file from disk; ours also keeps the index in memory for lookups.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DefineIndex } from '../src/engine/source/workspaceIndex';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const FILES = Number(arg('--files', '10000'));
const RUNS = Number(arg('--runs', '3'));
const DIR = arg('--dir', path.join(os.tmpdir(), `paging-layout-index-bench-${FILES}`));

/** Set-up: universal-ctags from Debian when it is missing. */
function ensureCtags(): boolean {
  const probe = () => spawnSync('ctags', ['--version'], { encoding: 'utf8' });
  let r = probe();
  if (r.status === 0 && /Universal Ctags/.test(r.stdout)) return true;
  console.log('setup: installing universal-ctags (apt-get install -y universal-ctags)');
  spawnSync('apt-get', ['install', '-y', 'universal-ctags'], { stdio: 'inherit' });
  r = probe();
  return r.status === 0 && /Universal Ctags/.test(r.stdout);
}

function generateTree(dir: string, files: number): void {
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return;
  fs.rmSync(dir, { recursive: true, force: true });
  let s = 42;
  const rnd = (n: number) => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s % n; };
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `arch${i % 7}`, `sub${i % 53}`);
    fs.mkdirSync(sub, { recursive: true });
    const kind = i % 5; // 0-2: headers, 3: C, 4: assembly
    const lines: string[] = [`/* generated file ${i} */`];
    if (kind <= 2) lines.push(`#ifndef _GEN_${i}_H`, `#define _GEN_${i}_H`, '#include <linux/const.h>');
    for (let k = 0; k < 40; k++) {
      const r = rnd(6);
      if (kind === 4 && r < 2) lines.push(`\tmovq\t$0x${(rnd(1 << 30)).toString(16)}, %rax`, `.set SYM_${i}_${k}, 0x${(rnd(1 << 20)).toString(16)}000`);
      else if (r === 0) lines.push(`#define G${i}_${k}_BASE\t_AC(0xffff${(rnd(1 << 16)).toString(16).padStart(4, '0')}00000000, UL)`);
      else if (r === 1) lines.push(`#define G${i}_${k}_SIZE\t(${1 + rnd(64)}UL << ${12 + rnd(20)})`);
      else if (r === 2) lines.push(`#define g${i}_${k}(x)\t(((x) >> ${rnd(40)}) & 0x1ff)`, `#define G${i}_${k}_END\t(G${i}_${k}_BASE + \\`, `\t\t\t G${i}_${k}_SIZE)`);
      else if (r === 3) lines.push(`static inline unsigned long f${i}_${k}(unsigned long x)`, '{', `\treturn x + ${rnd(1000)};`, '}');
      else if (r === 4) lines.push(`/* comment ${k}: the region at 0x${(rnd(1 << 30)).toString(16)} */`);
      else lines.push(`struct s${i}_${k} { unsigned long a, b; };`);
    }
    if (kind <= 2) lines.push('#endif');
    const ext = kind <= 2 ? '.h' : kind === 3 ? '.c' : '.S';
    fs.writeFileSync(path.join(sub, `f${i}${ext}`), lines.join('\n') + '\n');
  }
  fs.writeFileSync(marker, '');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(h|c|S|s|asm|inc|lds)$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const median = (xs: number[]) => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };

function main(): void {
  const haveCtags = ensureCtags();
  generateTree(DIR, FILES);
  const ours: number[] = [];
  let defines = 0;
  let files = 0;
  for (let r = 0; r < RUNS + 1; r++) {
    const t0 = performance.now();
    const idx = new DefineIndex();
    const list = listFiles(DIR);
    for (const f of list) idx.addFile(f, fs.readFileSync(f, 'utf8'));
    const dt = performance.now() - t0;
    if (r > 0) ours.push(dt); // first run warms the file cache and the JIT
    defines = idx.defineCount;
    files = idx.fileCount;
  }
  const ctags: number[] = [];
  let ctagsDefines = 0;
  if (haveCtags) {
    const tags = path.join(os.tmpdir(), `paging-layout-bench-tags-${process.pid}`);
    for (let r = 0; r < RUNS + 1; r++) {
      const t0 = performance.now();
      const res = spawnSync('ctags', ['--kinds-C=d', '-R', '-f', tags, DIR], { encoding: 'utf8' });
      const dt = performance.now() - t0;
      if (res.status !== 0) { console.log(`ctags failed: ${res.stderr}`); break; }
      if (r > 0) ctags.push(dt);
    }
    if (fs.existsSync(tags)) {
      ctagsDefines = fs.readFileSync(tags, 'utf8').split('\n').filter((l) => l && !l.startsWith('!')).length;
      fs.rmSync(tags, { force: true });
    }
  }
  const oursMs = median(ours);
  const oursRate = files / (oursMs / 1000);
  console.log(`index benchmark: ${files} files (${DIR}), ${RUNS} runs each, medians`);
  console.log(`  paging-layout DefineIndex   ${oursMs.toFixed(0)} ms   ${oursRate.toFixed(0)} files/s   (${defines} definitions)`);
  if (ctags.length) {
    const cMs = median(ctags);
    const cRate = files / (cMs / 1000);
    console.log(`  ctags --kinds-C=d -R        ${cMs.toFixed(0)} ms   ${cRate.toFixed(0)} files/s   (${ctagsDefines} tags)`);
    console.log(`  ratio (ours / ctags, files/s): ${(oursRate / cRate).toFixed(2)}x`);
  } else {
    console.log('  ctags: not available (universal-ctags could not be installed)');
  }
}

if (require.main === module) main();
