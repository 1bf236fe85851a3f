// Runs last: opening, hovering, inlay hints, diagnostics, code actions, checking the workspace and
// the map leave every file of the workspace byte-identical and no editor dirty.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import { waitForActivation } from './helpers';

async function snapshot(): Promise<Map<string, string>> {
  const files = await vscode.workspace.findFiles('**/*', '{**/.vscode/**,**/node_modules/**}');
  const out = new Map<string, string>();
  for (const f of files) {
    const bytes = await vscode.workspace.fs.readFile(f);
    out.set(f.toString(), crypto.createHash('sha256').update(bytes).digest('hex'));
  }
  return out;
}

suite('No data loss', () => {
  test('every feature leaves every file byte-identical', async function () {
    this.timeout(180_000);
    await waitForActivation();
    const before = await snapshot();
    assert.ok(before.size >= 8, `only ${before.size} files in the workspace`);
    const sources = [...before.keys()].map((k) => vscode.Uri.parse(k)).filter((u) => /\.(h|c|S|s|asm|ld|lds)$/.test(u.path));
    assert.ok(sources.length >= 6, `${sources.length} source files`);
    for (const uri of sources) {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false });
      const text = doc.getText();
      let n = 0;
      for (const m of text.matchAll(/0x[0-9a-fA-F]{4,16}|\b[A-Z_][A-Z0-9_]{3,}\b/g)) {
        if (n++ > 40) break;
        const pos = doc.positionAt(m.index! + 1);
        await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, pos);
        await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, new vscode.Range(pos, pos));
      }
      await vscode.commands.executeCommand('vscode.executeInlayHintProvider', uri, new vscode.Range(0, 0, doc.lineCount, 0));
      await vscode.commands.executeCommand('pagingLayout.showMap');
      assert.strictEqual(doc.isDirty, false, `${uri.fsPath} became dirty`);
    }
    await vscode.commands.executeCommand('pagingLayout.checkWorkspace');
    const diags = vscode.languages.getDiagnostics().filter(([, d]) => d.some((x) => x.source === 'paging-layout'));
    assert.ok(diags.length > 0, 'Check Workspace reported nothing, so the check did not really run');
    for (const d of vscode.workspace.textDocuments) assert.strictEqual(d.isDirty, false, `${d.uri.toString()} is dirty`);
    const after = await snapshot();
    assert.deepStrictEqual([...after.keys()].sort(), [...before.keys()].sort(), 'files were added or removed');
    for (const [k, h] of before) assert.strictEqual(after.get(k), h, `${k} changed on disk`);
  });
});
