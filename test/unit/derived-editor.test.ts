// What the editor's derived layout is made of, outside the editor: the derivation both faces share
// (src/cli/derive.ts) with an overlay of unsaved text and the files it read, the worker's answer for a
// bad build or a broken recipe, the recipe choice, the layout's list of regions not placed, and how
// the map, the protocol and the status bar carry randomised and unplaced regions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deriveForEditor, deriveKbuildLayout, derivationProblem, derivedIdentity, loadRecipes, recipeFor } from '../../src/cli/derive';
import { withWordFilters } from '../../src/cli/kbuildCache';
import { buildView, deriveLayout, drawView, Recipe, regionFacts } from '../../src/engine/map';
import { findLayout, getMode } from '../../src/engine/paging';
import { fromWireLayout, toWireLayout } from '../../src/shared/protocol';
import { statusItem } from '../../src/present';

const ROOT = path.resolve(__dirname, '../../..');
const FIX = path.join(ROOT, 'test/fixtures/derived');
const HEADER = path.join(FIX, 'tree/arch/x86/include/asm/fixture_layout.h');
const recipe = () => JSON.parse(fs.readFileSync(path.join(FIX, 'recipe.json'), 'utf8')) as Recipe;
const top = (k: ReturnType<typeof deriveKbuildLayout>) => k.derived.layout.regions.find((r) => r.name === 'top')!;

test('overlay: the unsaved text of a header is derived instead of the disk\'s; the files read are listed', () => {
  const disk = fs.readFileSync(HEADER, 'utf8');
  const before = deriveKbuildLayout(path.join(FIX, 'tree'), { recipe: recipe() });
  assert.equal(top(before).end - top(before).start + 1n, 64n << 20n);
  assert.ok(before.reads.includes(HEADER), before.reads.join('\n'));
  const edited = disk.replace('#define FIX_TOP_SIZE\t\t(64UL << 20)', '#define FIX_TOP_SIZE\t\t(32UL << 20)');
  assert.notEqual(edited, disk);
  const after = deriveKbuildLayout(path.join(FIX, 'tree'), { recipe: recipe(), overlay: new Map([[HEADER, edited]]) });
  assert.equal(top(after).end - top(after).start + 1n, 32n << 20n);
  // A definition the unsaved text adds is found too (the word filter of the disk's text does not hide it).
  const added = disk.replace('/* A base only the link knows. */', '#define FIX_ADDED_NAME 0xffffa00000000000\n/* A base only the link knows. */');
  const r2 = recipe();
  r2.regions.push({ name: 'added', kind: 'other', start: 'FIX_ADDED_NAME', size: '0x1000' });
  const withAdded = deriveKbuildLayout(path.join(FIX, 'tree'), { recipe: r2, overlay: new Map([[HEADER, added]]) });
  assert.equal(withAdded.derived.layout.regions.find((r) => r.name === 'added')?.start, 0xffffa00000000000n);
  assert.equal(deriveKbuildLayout(path.join(FIX, 'tree'), { recipe: r2 }).derived.layout.regions.find((r) => r.name === 'added'), undefined);
  assert.equal(fs.readFileSync(HEADER, 'utf8'), disk, 'the disk is never written');
});

test('word filters: a file of the overlay is judged on its given text', () => {
  const kfs = { readFile: (p: string) => fs.readFileSync(p, 'utf8') };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-wf-'));
  try {
    process.env.XDG_CACHE_HOME = dir;
    const plain = withWordFilters(kfs, path.join(FIX, 'tree'));
    assert.equal(plain.fs.mayContainWord(HEADER, 'FIX_ADDED_NAME'), false);
    const over = withWordFilters(kfs, path.join(FIX, 'tree'), new Map([[HEADER, '#define FIX_ADDED_NAME 1\n']]));
    assert.equal(over.fs.mayContainWord(HEADER, 'FIX_ADDED_NAME'), true);
    assert.equal(over.fs.mayContainWord(HEADER, 'FIX_TOP_SIZE'), false);
    assert.equal(over.cache.declares(HEADER, 'x', 'FIX_ADDED_NAME'), false, 'a #define is no declaration');
  } finally { delete process.env.XDG_CACHE_HOME; fs.rmSync(dir, { recursive: true, force: true }); }
});

test('the worker\'s answer: the derivation and its time, or one sentence for a bad build or no placed region', () => {
  const ok = deriveForEditor({ id: 1, buildDir: path.join(ROOT, 'test/fixtures/kbuild/tree'), overlay: [] });
  assert.ok(ok.ok, !ok.ok ? ok.error : '');
  if (ok.ok) {
    assert.equal(ok.derivation.recipe.id, 'linux-x86_64');
    assert.deepEqual(ok.derivation.derived.layout.regions.map((r) => r.name), ['direct map', 'kernel text', 'modules']);
    assert.ok(ok.ms > 0);
  }
  const bad = deriveForEditor({ id: 2, buildDir: path.join(ROOT, 'test/fixtures/derived'), overlay: [] });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.doesNotMatch(bad.error, /unexpected error|at .*\.js/);
  // Another architecture of the same tree: its recipe.
  const arm = deriveForEditor({ id: 3, buildDir: path.join(ROOT, 'test/fixtures/kbuild/tree'), overlay: [], arch: 'arm64' });
  assert.equal(arm.ok && arm.derivation.recipe.id, 'linux-arm64');
  // Nothing of the recipe defined: no region placed is a failure, said with the first reason.
  const none = deriveLayout({ id: 'r', title: 'R', arch: 'x86', sources: [], regions: [{ name: 'a', kind: 'other', start: 'NOPE', size: '1' }] },
    () => ({ kind: 'unresolvable', reason: 'undefined name NOPE' }), { id: 'x', title: 'X', mode: 'x86_64-4level', source: [] });
  assert.equal(derivationProblem(none, 'r'), 'no region of the recipe r could be placed (a: start NOPE: unresolvable (undefined name NOPE))');
  assert.equal(derivationProblem(deriveKbuildLayout(path.join(FIX, 'tree'), { recipe: recipe() }).derived, 'fixture'), undefined);
});

test('recipes: a broken recipe file is named with its problem; the architecture picks the recipe', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-recipes-'));
  try {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "id": "b", "title": "B", "arch": "x86", "sources": [], "regions": [{ "name": "r", "kind": "other", "start": "0" }] }');
    assert.throws(() => loadRecipes(dir), new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/broken\\.json: region 0 \\(r\\): give exactly one of`));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "id": ');
    assert.throws(() => loadRecipes(dir), /broken\.json: /);
    assert.throws(() => loadRecipes(path.join(dir, 'missing')), /cannot read the recipe directory .*missing: ENOENT/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  const rs = loadRecipes();
  const cfg = (on: boolean) => ({ values: new Map(on ? [['CONFIG_X86_64', 'y']] : []) }) as never;
  assert.equal(recipeFor({ arch: 'x86', config: cfg(true) }, rs)?.id, 'linux-x86_64');
  assert.equal(recipeFor({ arch: 'x86', config: cfg(false) }, rs), undefined, 'no recipe for x86-32');
  assert.equal(recipeFor({ arch: 'arm64', config: cfg(false) }, rs)?.id, 'linux-arm64');
  assert.equal(recipeFor({ arch: 'mips', config: cfg(false) }, rs), undefined);
  assert.deepEqual(derivedIdentity({ sourceTree: '/src/linux-source-6.1', buildDir: '/tmp/kb/x86_64-4level' }), { id: 'derived-linux-source-6.1-x86_64-4level', tree: 'linux-source-6.1', config: 'x86_64-4level' });
});

test('the layout lists its regions not placed; the protocol, the map and the status bar carry them and the randomised ones', () => {
  const k = deriveKbuildLayout(path.join(FIX, 'tree'), { recipe: recipe() });
  const l = k.derived.layout;
  assert.deepEqual(l.unplaced?.map((u) => [u.name, u.start]), [['image', undefined], ['no end', 0xffffffffc4000000n]]);
  assert.match(l.unplaced![0].reason, /^start FIX_IMAGE_START: runtime/);
  // Across the protocol.
  const back = fromWireLayout(JSON.parse(JSON.stringify(toWireLayout(l))));
  assert.deepEqual(back.regions.map((r) => [r.name, !!r.randomised]), [['user', false], ['window', true], ['top', false]]);
  assert.deepEqual(back.unplaced, l.unplaced);
  assert.equal(fromWireLayout(JSON.parse(JSON.stringify(toWireLayout(findLayout('linux-x86_64-4level')!)))).unplaced, undefined);
  // On the map: the randomised region's bar is marked and its label says so; its facts too.
  const prims = drawView(buildView(l, { height: 800 }), { width: 900 });
  const window = prims.filter((p) => p.t === 'rect' && p.cls.includes('randomised'));
  assert.equal(window.length, 1);
  assert.ok(prims.some((p) => p.t === 'text' && p.text === 'window (randomised)'));
  assert.ok(!prims.some((p) => p.t === 'text' && p.text === 'user (randomised)'));
  assert.deepEqual(regionFacts(l.regions[1], getMode('x86_64-4level')!).find(([k2]) => k2 === 'Randomised'), ['Randomised', 'yes: the base is chosen at boot (KASLR); drawn at its boot default']);
  assert.equal(regionFacts(l.regions[0], getMode('x86_64-4level')!).find(([k2]) => k2 === 'Randomised'), undefined);
  // The status bar: while it is derived, and once it is.
  const p = statusItem(findLayout('linux-x86_64-4level')!, undefined, undefined, undefined, 'deriving tree in-tree configuration (derived from headers)');
  assert.match(p.text, /^\$\(sync~spin\) linux-x86_64-4level/);
  assert.match(p.tooltip, /deriving tree in-tree configuration/);
  const d = statusItem(l);
  assert.match(d.tooltip, /Derived from the tree's headers: 3 regions placed; randomised at boot \(drawn at the boot default\): window; not placed: image, no end\./);
  assert.doesNotMatch(statusItem(findLayout('linux-x86_64-4level')!).tooltip, /Derived from/);
});
