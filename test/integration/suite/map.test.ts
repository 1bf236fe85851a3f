// The address map panel through the real API: commands open it, the serializer is registered, the
// webview answers snapshots, comparisons return the difference, imports and exports work.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { examplesRoot, openExample, waitFor, waitForActivation, mapSnapshot } from './helpers';

interface Snapshot { mode: string; layoutIds: string[]; rows: string[]; scale: string; selected?: string; summary: string[]; markers: string[] }

const HEADER = 'include/asm/page_64_types.h';

function mapTab(): vscode.Tab | undefined {
  for (const g of vscode.window.tabGroups.all) {
    for (const t of g.tabs) if (t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('pagingLayout.map')) return t;
  }
  return undefined;
}

const snapshot = (expect: (s: Snapshot) => boolean, what: string) => mapSnapshot<Snapshot>(expect, what);

suite('Address map', () => {
  suiteSetup(async () => {
    await openExample(HEADER);
    await waitForActivation();
  });

  suiteTeardown(async () => {
    const tab = mapTab();
    if (tab) await vscode.window.tabGroups.close(tab);
  });

  test('the map commands are registered, with the serializer activation event', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['pagingLayout.showMap', 'pagingLayout.compareOnMap', 'pagingLayout.importMemoryMap', 'pagingLayout.exportMap']) {
      assert.ok(all.includes(c), `${c} is registered`);
    }
    const ext = vscode.extensions.getExtension('paging-layout.paging-layout')!;
    assert.ok((ext.packageJSON.activationEvents as string[]).includes('onWebviewPanel:pagingLayout.map'), 'serializer can activate the extension');
    const titles = (ext.packageJSON.contributes.commands as { command: string; title: string }[]).map((c) => `${c.command}=${c.title}`);
    assert.ok(titles.includes('pagingLayout.showMap=Show Address Map'));
    assert.ok(titles.includes('pagingLayout.importMemoryMap=Import Memory Map…'));
  });

  test('Show Address Map opens a webview panel that draws the active layout', async () => {
    const res = await vscode.commands.executeCommand<{ layoutId: string }>('pagingLayout.showMap', 'linux-x86_64-2.6.27');
    assert.strictEqual(res.layoutId, 'linux-x86_64-2.6.27');
    assert.ok(mapTab(), 'a map tab is open');
    const s = await snapshot((x) => x.layoutIds[0] === 'linux-x86_64-2.6.27' && x.rows.length > 5, 'the 2.6.27 map');
    assert.strictEqual(s.mode, 'single');
    assert.ok(s.rows.includes('hypervisor hole'), s.rows.join(', '));
    assert.ok(s.rows.includes('direct map'));
    assert.match(s.scale, /segmented/);
  });

  test('Show Address Map with the workspace layout lists regions from the #defines', async () => {
    await vscode.commands.executeCommand('pagingLayout.showMap', 'workspace-defines');
    const s = await snapshot((x) => x.layoutIds[0] === 'workspace-defines', 'the workspace layout');
    assert.ok(s.rows.includes('VMALLOC'), s.rows.join(', '));
    assert.ok(s.rows.includes('HYPERVISOR_VIRT'), s.rows.join(', '));
  });

  test('Compare on the map returns the difference: 7 TiB, slots 258 → 272, 127 → 120 TiB', async () => {
    const res = await vscode.commands.executeCommand<{ a: string; b: string; lines: string[] }>('pagingLayout.compareOnMap', 'linux-x86_64-2.6.26', 'linux-x86_64-2.6.27');
    assert.strictEqual(res.a, 'linux-x86_64-2.6.26');
    const text = res.lines.join('\n');
    assert.match(text, /__PAGE_OFFSET .*moved up by 7 TiB/);
    assert.match(text, /from PML4 slot 258 to slot 272 \(14 slots\)/);
    assert.match(text, /hypervisor hole added: .*PML4 slots 256–271 \(16\)/);
    assert.match(text, /127 TiB to 120 TiB/);
    const s = await snapshot((x) => x.mode === 'compare', 'the comparison in the webview');
    assert.deepStrictEqual(s.layoutIds, ['linux-x86_64-2.6.26', 'linux-x86_64-2.6.27']);
    assert.ok(s.summary.some((l) => /127 TiB to 120 TiB/.test(l)));
    assert.ok(s.rows.includes('B: hypervisor hole'));
  });

  test('Import Memory Map reads a page-table dump fixture into the map', async () => {
    const ext = vscode.extensions.getExtension('paging-layout.paging-layout')!;
    const dump = path.join(ext.extensionPath, 'test', 'fixtures', 'dumps', 'ptdump-kernel.txt');
    const res = await vscode.commands.executeCommand<{ id: string; regions: number; problems: unknown[]; format: string }>('pagingLayout.importMemoryMap', dump);
    assert.ok(res, 'the import returned a result');
    assert.strictEqual(res.format, 'ptdump');
    assert.ok(res.regions > 20, `${res.regions} regions`);
    assert.deepStrictEqual(res.problems, []);
    const s = await snapshot((x) => x.layoutIds[0] === res.id, 'the imported layout');
    assert.ok(s.rows.some((r) => r.startsWith('Low Kernel Mapping: RW')), s.rows.join(', '));
  });

  test('Export writes an SVG of the view and a Markdown table', async () => {
    await vscode.commands.executeCommand('pagingLayout.showMap', 'linux-x86_64-2.6.27');
    await snapshot((x) => x.layoutIds[0] === 'linux-x86_64-2.6.27', 'the 2.6.27 map');
    const svgUri = vscode.Uri.joinPath(examplesRoot(), 'map-export.svg');
    const mdUri = vscode.Uri.joinPath(examplesRoot(), 'map-export.md');
    try {
      assert.ok(await vscode.commands.executeCommand('pagingLayout.exportMap', 'svg', svgUri));
      const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(svgUri));
      assert.match(svg, /^<svg /);
      assert.match(svg, /hypervisor hole/);
      assert.ok(await vscode.commands.executeCommand('pagingLayout.exportMap', 'md', mdUri));
      const md = new TextDecoder().decode(await vscode.workspace.fs.readFile(mdUri));
      assert.match(md, /\| `0xffff800000000000` \|/);
    } finally {
      for (const u of [svgUri, mdUri]) await vscode.workspace.fs.delete(u).then(undefined, () => undefined);
    }
  });

  test('a header of 3,000 constants, more than one slice of the host\'s thread: its markers follow the map, the 1,000 lowest, each once', async () => {
    // (each value is evaluated: computing them at once was a task of over 100 ms on a kernel header with the index's names)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-markers-'));
    const file = path.join(dir, 'many_regions.h');
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`#define R${i}_BASE\t(0xffffc90000000000UL + ${i} * 0x200000UL)`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
      await vscode.commands.executeCommand('pagingLayout.showMap', 'linux-x86_64-4level');
      // (the map holds the 1,000 lowest: R0_BASE to R999_BASE)
      const s = await snapshot((x) => x.layoutIds[0] === 'linux-x86_64-4level' && x.markers.length === 1000, 'the markers of the generated header');
      assert.strictEqual(s.markers[0], 'R0_BASE');
      assert.strictEqual(s.markers[999], 'R999_BASE');
      assert.strictEqual(new Set(s.markers).size, s.markers.length, 'each marker once');
      assert.ok(s.markers.every((m) => /^R\d+_BASE$/.test(m)), s.markers.slice(0, 5).join(', '));
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Show Address Map twice reveals the one existing panel', async () => {
    await vscode.commands.executeCommand('pagingLayout.showMap');
    await vscode.commands.executeCommand('pagingLayout.showMap');
    const count = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('pagingLayout.map')).length;
    assert.strictEqual(count, 1, 'showMap reveals the existing panel');
  });
});
