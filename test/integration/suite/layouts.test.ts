// Layout selection, custom layout files (good and broken), and the calculator commands, through the real API.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { examplesRoot, hoverAt, openExample, setSetting, waitFor, waitForActivation } from './helpers';

const HEADER = 'include/asm/page_64_types.h';

async function writeFile(rel: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(examplesRoot(), ...rel.split('/'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

suite('Layouts and commands', () => {
  suiteSetup(async () => {
    await openExample(HEADER);
    await waitForActivation();
  });

  test('Select Layout with an id writes the setting and hovers follow it', async () => {
    const doc = await openExample(HEADER);
    const before = vscode.workspace.getConfiguration('pagingLayout').inspect('layout')?.workspaceValue;
    try {
      const chosen = await vscode.commands.executeCommand('pagingLayout.selectLayout', 'linux-x86_64-2.6.26');
      assert.strictEqual(chosen, 'linux-x86_64-2.6.26');
      assert.strictEqual(vscode.workspace.getConfiguration('pagingLayout').get('layout'), 'linux-x86_64-2.6.26');
      const text = await hoverAt(doc, '0xffff888000000000', 'linux-x86_64-2.6.26');
      assert.match(text, /direct map/);
      const decoded = await vscode.commands.executeCommand<any>('pagingLayout.decodeAddress', '0xffff810000000000', { show: false });
      assert.strictEqual(decoded.layout, 'linux-x86_64-2.6.26');
      assert.strictEqual(decoded.region.name, 'direct map');
      assert.strictEqual(decoded.slot, 258);
    } finally {
      await vscode.workspace.getConfiguration('pagingLayout').update('layout', before, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('Compare Layouts: 2.6.26 → 2.6.27 moves the direct map 7 TiB, slot 258 → 272, 127 → 120 TiB above it', async () => {
    const d = await vscode.commands.executeCommand<any>('pagingLayout.compareLayouts', 'linux-x86_64-2.6.26', 'linux-x86_64-2.6.27', { show: false });
    const dm = d.regions.find((r: any) => r.name === 'direct map');
    assert.strictEqual(BigInt(dm.startDelta), 7n << 40n);
    assert.strictEqual(dm.startSlotBefore, 258);
    assert.strictEqual(dm.startSlotAfter, 272);
    assert.strictEqual(BigInt(dm.spaceAboveBefore), 127n << 40n);
    assert.strictEqual(BigInt(dm.spaceAboveAfter), 120n << 40n);
    const hole = d.regions.find((r: any) => r.status === 'added' && r.after.kind === 'hypervisor');
    assert.strictEqual(BigInt(hole.sizeAfter), 8n << 40n);
  });

  test('Compare Layouts opens a readable Markdown result', async () => {
    await vscode.commands.executeCommand('pagingLayout.compareLayouts', 'linux-x86_64-2.6.26', 'linux-x86_64-2.6.27');
    const doc = await waitFor('the compare result document', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'paging-layout' && d.uri.path.includes('compare-linux-x86_64-2.6.26')));
    assert.match(doc.getText(), /direct map\*\*: start moved \+7 TiB/);
    assert.match(doc.getText(), /127 TiB → 120 TiB/);
  });

  test('Page-Table Overhead: 1 TiB with 4 KiB pages costs about 0.2 %, 2 MiB pages ~512× less', async () => {
    const small = await vscode.commands.executeCommand<any>('pagingLayout.pageTableOverhead', '1TiB', '4K', { show: false });
    const large = await vscode.commands.executeCommand<any>('pagingLayout.pageTableOverhead', '1TiB', '2M', { show: false });
    assert.ok(small.ratio > 0.00195 && small.ratio < 0.00197, `ratio ${small.ratio}`);
    const factor = Number(small.tableBytes) / Number(large.tableBytes);
    assert.ok(factor > 500 && factor < 513, `factor ${factor}`);
  });

  test('a broken custom layout file gets errors in the file itself and the default layout is used', async () => {
    const uri = await writeFile('layouts/broken.paging-layout.json',
      '{\n  "id": "broken",\n  "extends": "linux-x86_64-4level",\n  "regions": [\n    { "name": "x", "start": "0xffff880000000000", "end": "0x10" }\n  ]\n}\n');
    const restore = await setSetting('customLayoutFile', 'layouts/broken.paging-layout.json');
    const restoreLayout = await setSetting('layout', 'broken');
    try {
      const diags = await waitFor('diagnostics in the broken layout file', () => {
        const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'paging-layout');
        return d.length ? d : undefined;
      });
      assert.match(diags[0].message, /region 'x': end 0x0000000000000010 is below start 0xffff880000000000/);
      assert.strictEqual(diags[0].range.start.line, 4);
      const decoded = await vscode.commands.executeCommand<any>('pagingLayout.decodeAddress', '0xffff888000000000', { show: false });
      assert.strictEqual(decoded.layout, 'linux-x86_64-4level');
    } finally {
      await restoreLayout();
      await restore();
    }
    await waitFor('the diagnostics to clear', () => vscode.languages.getDiagnostics(uri).length === 0 || undefined);
  });

  test('.vscode/paging-layout.json extends a preset and becomes the active layout', async () => {
    const uri = await writeFile('.vscode/paging-layout.json', JSON.stringify({
      id: 'workspace-hv', extends: 'linux-x86_64-2.6.27',
      regions: [{ name: 'firmware window', start: '0xffffff0000000000', size: '2GiB', kind: 'other', description: 'firmware' }],
    }, null, 2));
    try {
      const decoded = await waitFor('the workspace layout to become active', async () => {
        const d = await vscode.commands.executeCommand<any>('pagingLayout.decodeAddress', '0xffffff0000001000', { show: false });
        return d?.layout === 'workspace-hv' ? d : undefined;
      });
      assert.strictEqual(decoded.region.name, 'firmware window');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
    await waitFor('the default layout to return', async () => {
      const d = await vscode.commands.executeCommand<any>('pagingLayout.decodeAddress', '0xffffff0000001000', { show: false });
      return d?.layout === 'linux-x86_64-4level' || undefined;
    });
  });
});
