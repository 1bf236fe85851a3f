// The layout derived from a kernel tree's headers, in the editor: on a copy of the fixture tree
// test/fixtures/kbuild/tree (an in-tree x86-64 .config; arch/x86/include/asm/direct_map.h gives a
// direct map whose base is chosen at boot) as pagingLayout.kernel.buildDir. The status-bar picker
// (the command its item runs) offers it first and picking it makes it the layout; the map draws it
// with the randomised region marked and the regions it could not place listed; compare with a
// preset shows the difference; an unsaved edit of a #define derives it again, undo restores it; a
// derivation that places nothing falls back to the build's preset with a message.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { setSetting, sleep, waitFor, waitForActivation, mapSnapshot } from './helpers';

interface Region { name: string; start: bigint; end: bigint; randomised?: boolean }
interface Layout { id: string; origin: string; regions: Region[]; unplaced?: { name: string; reason: string }[] }
interface Entry { id: string; label: string; state: string; layout?: Layout; error?: string; workerMs?: number; roundTripMs?: number; hostMs?: number; derivations: number }
interface Api {
  layouts: { layout: Layout; current: { layout: Layout; fallbackReason?: string; pending?: string } };
  derived: { entries(): Entry[] };
}
interface Snapshot { mode: string; layoutIds: string[]; rows: string[]; summary: string[]; randomised: string[]; unplaced: string[] }

const ext = () => vscode.extensions.getExtension('paging-layout.paging-layout')!;
const TiB = 1n << 40n;

const snapshot = (expect: (s: Snapshot) => boolean, what: string) => mapSnapshot<Snapshot>(expect, what);

suite('The derived layout in the editor', function () {
  this.timeout(90_000);
  let api: Api;
  let root: string;
  let tree: string;
  const restore: (() => Promise<void>)[] = [];
  const entry = () => api.derived.entries().find((e) => e.id === 'derived-linux-fixture-linux-fixture');
  const directMap = () => api.layouts.layout.regions.find((r) => r.name === 'direct map');
  const state = () => { const e = entry(); return `entry ${e?.state} after ${e?.derivations} derivations${e?.error ? ` (${e.error})` : ''}; layout ${api.layouts.layout.id}; direct map ${directMap() ? directMap()!.end - directMap()!.start + 1n : 'none'} bytes; fallback ${api.layouts.current.fallbackReason}`; };

  suiteSetup(async () => {
    api = (await waitForActivation()).exports as Api;
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pl-derived-')));
    tree = path.join(root, 'linux-fixture');
    fs.cpSync(path.join(ext().extensionPath, 'test', 'fixtures', 'kbuild', 'tree'), tree, { recursive: true });
    restore.push(await setSetting('kernel.buildDir', tree));
    // (an editor first: the map opens beside it, and stays visible while the header is edited)
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(tree, 'arch/x86/include/asm/page_64_types.h')), { preview: false, viewColumn: vscode.ViewColumn.One });
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const r of restore.reverse()) await r();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the status-bar picker offers the derived layout first; picking it makes it the layout', async () => {
    const e = await waitFor('the derived layout of the fixture tree', () => { const x = entry(); return x?.state === 'ready' ? x : undefined; }, 30_000);
    assert.strictEqual(e.label, 'linux-fixture in-tree configuration (derived from headers)');
    console.log(`derivation of the fixture tree: worker ${e.workerMs?.toFixed(0)} ms, round trip ${e.roundTripMs?.toFixed(0)} ms, host ${e.hostMs?.toFixed(1)} ms`);
    const before = vscode.workspace.getConfiguration('pagingLayout').inspect('layout')?.workspaceValue;
    restore.push(async () => { await vscode.workspace.getConfiguration('pagingLayout').update('layout', before, vscode.ConfigurationTarget.Workspace); });
    // The status-bar item runs pagingLayout.selectLayout: its quick pick, the first item accepted.
    const picked = vscode.commands.executeCommand<string>('pagingLayout.selectLayout');
    await sleep(800);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.strictEqual(await picked, e.id);
    assert.strictEqual(vscode.workspace.getConfiguration('pagingLayout').get('layout'), e.id, 'the choice is kept with the workspace');
    const l = await waitFor('the derived layout active', () => (api.layouts.layout.id === e.id ? api.layouts.layout : undefined));
    assert.strictEqual(l.origin, 'derived');
    assert.deepStrictEqual(l.regions.map((r) => r.name), ['direct map', 'kernel text', 'modules']);
    assert.strictEqual(directMap()!.start, 0xffff888000000000n);
    assert.strictEqual(directMap()!.end - directMap()!.start + 1n, 64n * TiB);
    assert.strictEqual(directMap()!.randomised, true);
    assert.ok(l.unplaced?.some((u) => u.name === 'vmalloc'), (l.unplaced ?? []).map((u) => u.name).join(', '));
  });

  test('the map draws it: the randomised region marked, the regions not placed listed; it stands in for workspace-defines', async () => {
    const e = entry()!;
    const res = await vscode.commands.executeCommand<{ layoutId: string }>('pagingLayout.showMap', e.id);
    assert.strictEqual(res.layoutId, e.id);
    const s = await snapshot((x) => x.layoutIds[0] === e.id && x.rows.includes('direct map'), 'the derived layout on the map');
    assert.ok(s.rows.includes('kernel text') && s.rows.includes('modules'), s.rows.join(', '));
    assert.deepStrictEqual(s.randomised, ['direct map']);
    assert.ok(s.unplaced.some((u) => /^vmalloc: start VMALLOC_START: unresolvable/.test(u)), s.unplaced.join('\n'));
    assert.ok(s.unplaced.some((u) => /^vmemmap: /.test(u)), s.unplaced.join('\n'));
    // The folder has a derived layout: the name-pattern layout gives way to it.
    const ws = await vscode.commands.executeCommand<{ layoutId: string }>('pagingLayout.showMap', 'workspace-defines');
    assert.strictEqual(ws.layoutId, e.id);
  });

  test('compare on the map: the derived layout against a preset shows the difference', async () => {
    const e = entry()!;
    const res = await vscode.commands.executeCommand<{ a: string; b: string; lines: string[] }>('pagingLayout.compareOnMap', 'linux-x86_64-4level', e.id);
    assert.strictEqual(res.b, e.id);
    const text = res.lines.join('\n');
    // The preset's 512 MiB kernel text against the configuration's 1 GiB (CONFIG_RANDOMIZE_BASE=y), and the regions the fixture does not define.
    assert.match(text, /kernel text/);
    assert.match(text, /vmalloc.*removed|removed.*vmalloc/);
    const s = await snapshot((x) => x.mode === 'compare' && x.layoutIds[1] === e.id, 'the comparison on the map');
    assert.ok(s.rows.includes('B: direct map'), s.rows.join(', '));
    assert.ok(s.randomised.includes('B: direct map'));
    await vscode.commands.executeCommand('pagingLayout.showMap', e.id);
  });

  test('an unsaved edit of a #define derives the layout again; undo restores it', async () => {
    const e0 = entry()!;
    const n0 = e0.derivations;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(tree, 'arch/x86/include/asm/direct_map.h')));
    const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
    const at = doc.getText().indexOf('MAX_PHYSMEM_BITS\t46') + 'MAX_PHYSMEM_BITS\t'.length;
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 2)), '45')));
    assert.ok(doc.isDirty, 'the edit is not saved');
    try {
    await waitFor('the direct map of 32 TiB', () => { const d = directMap(); return d && d.end - d.start + 1n === 32n * TiB; }, 20_000).catch((x) => { throw new Error(`${x.message}; ${state()}`); });
    assert.ok(entry()!.derivations > n0);
    const s = await snapshot((x) => x.layoutIds[0] === e0.id && x.rows.includes('direct map'), 'the map after the edit');
    assert.ok(s.rows.includes('direct map'));
    await vscode.commands.executeCommand('undo');
    await waitFor('the direct map of 64 TiB again', () => { const d = directMap(); return d && d.end - d.start + 1n === 64n * TiB; }, 20_000).catch((x) => { throw new Error(`${x.message}; ${state()}`); });
    assert.ok(!doc.isDirty);
    } finally {
      if (doc.isDirty) { await vscode.window.showTextDocument(doc); await vscode.commands.executeCommand('workbench.action.files.revert'); }
    }
  });

  test('a derivation that places no region falls back to the build\'s preset with the reason', async () => {
    const e = entry()!;
    // The tree's x86 headers moved away (as a checkout could): nothing of the recipe can be evaluated.
    const asm = path.join(tree, 'arch/x86/include/asm');
    fs.renameSync(asm, path.join(root, 'asm-away'));
    try {
      // (the file watcher may tell the extension; the command does in any case)
      const out = await vscode.commands.executeCommand<{ id: string; state: string; error?: string }[]>('pagingLayout.deriveLayoutAgain');
      assert.strictEqual(out.find((x) => x.id === e.id)?.state, 'failed');
      const c = await waitFor('the fallback', () => (api.layouts.current.fallbackReason ? api.layouts.current : undefined), 30_000).catch((x) => { throw new Error(`${x.message}; ${state()}`); });
      assert.strictEqual(c.layout.id, 'linux-x86_64-4level');
      assert.match(c.fallbackReason!, /the layout linux-fixture in-tree configuration \(derived from headers\) could not be derived: no region of the recipe linux-x86_64 could be placed/);
      assert.strictEqual(entry()!.state, 'failed');
    } finally { fs.renameSync(path.join(root, 'asm-away'), asm); }
    await vscode.commands.executeCommand('pagingLayout.deriveLayoutAgain');
    // Back: derived again once the headers are there (the directory's files are created again).
    await waitFor('the derived layout back', () => (api.layouts.layout.id === e.id ? true : undefined), 30_000).catch((x) => { throw new Error(`${x.message}; ${state()}`); });
    assert.strictEqual(api.layouts.current.fallbackReason, undefined);
  });
});
