// The derived layout: a recipe (data) evaluated with the `eval --kbuild` machinery. On a fixture tree
// written for these tests (resolved, runtime-with-default, runtime and unresolvable pieces), on the
// engine with a made-up evaluator, and on Linux 6.1 under five configurations: the committed reviewed
// outputs (test/derived/linux-6.1/<config>.json) are regenerated and compared, and every value of a
// macro the gcc oracle also has (test/oracle/linux-6.1/<config>.json) agrees with gcc.
// PAGING_LAYOUT_UPDATE_DERIVED=1 rewrites the reviewed outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { derivedMarkdown } from '../../src/cli/layout';
import { deriveKbuildLayout, loadRecipes, toEvaluation } from '../../src/cli/derive';
import { kbuildEvaluator } from '../../src/cli/eval';
import { main } from '../../src/cli';
import { deriveLayout, derivedJson, Recipe, Evaluation, recipeProblems, evaluatePiece } from '../../src/engine/map';
import { diffLayouts, getPreset } from '../../src/engine/paging';

const ROOT = path.resolve(__dirname, '../../..');
const FIX = path.join(ROOT, 'test/fixtures/derived');
const KB_ROOT = process.env.PAGING_LAYOUT_KBUILD_ROOT || '/tmp/kb';
const CONFIGS = ['x86_64-4level', 'x86_64-5level', 'arm64-defconfig', 'arm64-64k-52bit', 'riscv-defconfig'];
const hex = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

test('recipes: every recipe beside the presets is valid, and every kind is a region kind', () => {
  const rs = loadRecipes();
  assert.deepEqual(rs.map((r) => r.id), ['linux-arm64', 'linux-riscv64', 'linux-x86_64']);
  for (const r of rs) assert.deepEqual(recipeProblems(r), [], r.id);
  assert.deepEqual(recipeProblems({ id: 'x', title: 't', arch: 'x86', sources: [], regions: [{ name: 'a', kind: 'nope', start: '0', end: '1', size: '2' }] }),
    ["region 0 (a): unknown kind 'nope'", 'region 0 (a): give exactly one of "end", "last", "size", "endUnknown"']);
});

test('engine: boot defaults for runtime names, unresolvable pieces kept out, overlaps reported', () => {
  const values: Record<string, bigint> = { A: 0x1000n, B: 0x2000n, DEF: 0x8000n, SZ: 0x1000n, TOP: 0xffffffffffff0000n, BIG: 0x20000n };
  const evaluate = (expr: string, overrides: Record<string, string>): Evaluation => {
    if (expr === 'RT') return overrides.rt ? { kind: 'value', value: values[overrides.rt] } : { kind: 'runtime', names: ['rt'], reason: 'runtime variable rt' };
    if (expr === 'RT2') return { kind: 'runtime', names: ['other'], reason: 'runtime variable other' };
    if (expr in values) return { kind: 'value', value: values[expr] };
    return { kind: 'unresolvable', reason: `undefined name ${expr}` };
  };
  const recipe: Recipe = {
    id: 'r', title: 'R', arch: 'x86', sources: ['s'], defaults: [{ name: 'rt', value: 'DEF' }],
    regions: [
      { name: 'low', kind: 'user', start: 'A', end: 'B' },
      { name: 'moved', kind: 'vmalloc', start: 'RT', size: 'SZ', randomised: true },
      { name: 'clash', kind: 'other', start: 'A', size: 'SZ' },
      { name: 'rt', kind: 'other', start: 'RT2', size: 'SZ' },
      { name: 'gone', kind: 'other', start: 'NOPE', last: 'B' },
      { name: 'wraps', kind: 'other', start: 'TOP', size: 'BIG' },
      { name: 'backwards', kind: 'other', start: 'B', end: 'A' },
    ],
  };
  const d = deriveLayout(recipe, evaluate, { id: 'x', title: 'X', mode: 'x86_64-4level', source: [] });
  assert.deepEqual(d.layout.regions.map((r) => [r.name, hex(r.start), hex(r.end), !!r.randomised]), [
    ['low', hex(0x1000n), hex(0x1fffn), false], ['moved', hex(0x8000n), hex(0x8fffn), true]]);
  const by = Object.fromEntries(d.regions.map((r) => [r.name, r]));
  assert.equal(by.moved.start.status, 'boot-default');
  assert.deepEqual(by.moved.start.defaults, ['rt']);
  assert.match(by.clash.reason!, /^overlaps low/);
  assert.equal(by.rt.start.status, 'runtime');
  assert.equal(by.gone.start.status, 'unresolvable');
  assert.match(by.gone.reason!, /undefined name NOPE/);
  assert.ok(d.layout.notes.some((n) => /^gone: not placed/.test(n)));
  // a size past 2^64 is an overflow, not an end below the start
  assert.equal(by.wraps.reason, 'start 0xffffffffffff0000 + size 0x0000000000020000 runs past the top of the 64-bit space');
  assert.match(by.backwards.reason!, /^end 0x0000000000000fff is below start 0x0000000000002000$/);
});

test('fixture tree: a constant region, a runtime base at its boot default, a link-time base and a missing end', () => {
  const recipe = JSON.parse(fs.readFileSync(path.join(FIX, 'recipe.json'), 'utf8')) as Recipe;
  const k = deriveKbuildLayout(path.join(FIX, 'tree'), { recipe });
  const l = k.derived.layout;
  assert.equal(l.mode, 'x86_64-4level');
  assert.equal(l.id, 'derived-tree-tree');
  assert.match(l.title, /Linux 9\.8\.7/);
  assert.deepEqual(l.regions.map((r) => [r.name, hex(r.start), hex(r.end), !!r.randomised]), [
    ['user', '0x0000000000000000', '0x00007fffffffffff', false],
    ['window', '0xffff900000000000', '0xffff9fffffffffff', true], // CONFIG_FIX_BIG_WINDOW=y: 16 TiB
    ['top', '0xffffffffc0000000', '0xffffffffc3ffffff', false],
  ]);
  const by = Object.fromEntries(k.derived.regions.map((r) => [r.name, r]));
  assert.equal(by.user.start.status, 'resolved');
  assert.equal(by.window.start.status, 'boot-default');
  assert.equal(by.image.start.status, 'runtime');
  assert.equal(by.image.placed, false);
  assert.equal(by['no end'].end.status, 'unresolvable');
  assert.equal(by['no end'].start.value, 0xffffffffc4000000n);
  const md = derivedMarkdown(k.derived);
  assert.match(md, /Randomised at boot \(shown at the boot default\): window\./);
  assert.match(md, /- image \(kernel-text\): start FIX_IMAGE_START: runtime/);
});

function kbuildDir(config: string): string {
  const dir = path.join(KB_ROOT, config);
  assert.ok(fs.existsSync(path.join(dir, 'include/generated/autoconf.h')),
    `no configured build directory ${dir}: run scripts/kernel/setup-kbuild.sh (npm test does) or set PAGING_LAYOUT_KBUILD_ROOT`);
  return dir;
}

test('Linux 6.1: the derived layouts of five configurations are the reviewed outputs, and agree with gcc', () => {
  const update = process.env.PAGING_LAYOUT_UPDATE_DERIVED === '1';
  const report: string[] = [];
  for (const config of CONFIGS) {
    const k = deriveKbuildLayout(kbuildDir(config));
    const got = derivedJson(k.derived);
    const file = path.join(ROOT, 'test/derived/linux-6.1', `${config}.json`);
    if (update) { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, JSON.stringify(got, null, 2) + '\n'); }
    assert.deepEqual(got, JSON.parse(fs.readFileSync(file, 'utf8')), `${config}: the derived layout differs from ${path.relative(ROOT, file)}`);
    // gcc's value of each macro a region boundary is made of (by name) where the oracle has it.
    const oracle = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/oracle/linux-6.1', `${config}.json`), 'utf8')) as { macros: { name: string; value: string }[] };
    const gcc = new Map(oracle.macros.filter((m) => /^(0x[0-9a-f]+|\d+)$/i.test(m.value)).map((m) => [m.name, BigInt(m.value) & ((1n << 64n) - 1n)]));
    let same = 0;
    const wrong: string[] = [];
    for (const r of k.derived.regions) {
      for (const p of [r.start, r.end]) {
        if (!/^[A-Za-z_]\w*$/.test(p.expression) || p.value === undefined || !gcc.has(p.expression)) continue;
        if (gcc.get(p.expression)! === p.value) same++;
        else wrong.push(`${p.expression}: derived ${hex(p.value)}, gcc ${hex(gcc.get(p.expression)!)}`);
      }
    }
    // And every other macro a recipe expression names (PAGE_SIZE, P4D_SIZE, __VIRTUAL_MASK_SHIFT, …).
    const seen = new Set(k.derived.regions.flatMap((r) => [r.start.expression, r.end.expression]));
    const evaluate = kbuildEvaluator(kbuildDir(config));
    const exprs = [...k.recipe.regions.flatMap((g) => [g.start, g.end, g.last, g.size]), ...(k.recipe.defaults ?? []).map((d) => d.value)];
    const names = [...new Set(exprs.flatMap((e) => e?.match(/\b[A-Za-z_]\w*\b/g) ?? []))].filter((n) => !seen.has(n) && gcc.has(n));
    for (const n of names) {
      const p = evaluatePiece(n, k.recipe, (e, o) => toEvaluation(evaluate(e, o, k.recipe.pins ?? [])));
      if (p.value === undefined) continue;
      if (p.value === gcc.get(n)) same++;
      else wrong.push(`${n}: derived ${hex(p.value)}, gcc ${hex(gcc.get(n)!)}`);
    }
    report.push(`${config}: ${same} macros as gcc, ${wrong.length} differ, ${k.derived.layout.regions.length}/${k.derived.regions.length} regions placed`);
    assert.deepEqual(wrong, [], config);
  }
  console.log(report.join('\n'));
});

test('CLI: layout --kbuild (md, json, svg) and diff PRESET --kbuild', async () => {
  const dir = kbuildDir('x86_64-4level');
  const run = async (...args: string[]) => { let out = '', err = ''; const code = await main(args, { out: (s) => { out += s; }, err: (s) => { err += s; } }); return { code, out, err }; };
  const md = await run('layout', '--kbuild', dir);
  assert.equal(md.code, 0, md.err);
  assert.match(md.out, /\| `0xffff888000000000` \| .* \| direct map \|/);
  const js = await run('layout', '--kbuild', dir, '--format', 'json');
  assert.equal(JSON.parse(js.out).recipe, 'linux-x86_64');
  const svg = await run('layout', '--kbuild', dir, '--format', 'svg');
  assert.match(svg.out, /^<svg/);
  const diff = await run('diff', 'linux-x86_64-4level', '--kbuild', dir, '--json');
  assert.equal(diff.code, 0, diff.err);
  const want = diffLayouts(getPreset('linux-x86_64-4level')!, deriveKbuildLayout(dir).derived.layout);
  assert.equal(JSON.parse(diff.out).regions?.length ?? 0, want.regions?.length ?? 0);
  assert.equal((await run('layout')).code, 2);
  assert.equal((await run('diff', 'a', 'b', '--kbuild', dir)).code, 2);
});
