// Documentation drift (PL010) in the editor: the fixture tree test/fixtures/docs/tree (an in-tree
// x86-64 .config, a made-up layout header and its own mm.rst) opened with the build as the folder's
// kernel build; the rows that disagree with the headers get diagnostics at their cells with related
// information at the defining #define; an edit that fixes a row clears its diagnostic; no build, no diagnostics.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { setSetting, waitFor, waitForActivation } from './helpers';

const ext = () => vscode.extensions.getExtension('paging-layout.paging-layout')!;
const pl010 = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'PL010');

suite('Documentation drift', () => {
  let root: string;
  let tree: string;
  suiteSetup(async () => {
    await waitForActivation();
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pl-docs-')));
    tree = path.join(root, 'tree');
    fs.cpSync(path.join(ext().extensionPath, 'test', 'fixtures', 'docs', 'tree'), tree, { recursive: true });
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the drift finding on a fixture .rst', async () => {
    const restore = await setSetting('kernel.buildDir', tree);
    try {
      const uri = vscode.Uri.file(path.join(tree, 'Documentation/x86/x86_64/mm.rst'));
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc, { preview: false });
      const found = await waitFor('three PL010 diagnostics', () => { const d = pl010(uri); return d.length === 3 ? d : undefined; }, 60_000);
      assert.deepEqual(found.map((d) => d.range.start.line + 1), [28, 32, 34]);
      const ldt = found[0];
      assert.match(ldt.message, /'LDT remap for PTI' in the x86_64-4level table: end ffff88ffffffffff documented, 0xffff887fffffffff derived; size 1 TB documented, 512 GiB derived/);
      // The range: the disagreeing cells (end to size).
      assert.equal(doc.getText(ldt.range), 'ffff88ffffffffff |    1 TB');
      assert.equal(ldt.severity, vscode.DiagnosticSeverity.Warning);
      const rel = ldt.relatedInformation ?? [];
      assert.ok(rel.some((r) => r.location.uri.fsPath.endsWith(path.join('asm', 'fixture_mm.h')) && /LDT_END_ADDR/.test(r.message)), rel.map((r) => r.message).join(', '));
      // The defining line is the #define's.
      const hdr = fs.readFileSync(path.join(tree, 'arch/x86/include/asm/fixture_mm.h'), 'utf8').split('\n');
      const at = rel.find((r) => /LDT_END_ADDR/.test(r.message))!.location.range.start.line;
      assert.match(hdr[at], /^#define LDT_END_ADDR/);
      // The row corrected in the editor (not saved): its diagnostic goes, the others stay.
      const line = doc.lineAt(27);
      await editor.edit((e) => e.replace(line.range, line.text.replace('ffff88ffffffffff |    1 TB', 'ffff887fffffffff |  0.5 TB')));
      await waitFor('two PL010 diagnostics', () => (pl010(uri).length === 2 ? true : undefined), 15_000);
      assert.deepEqual(pl010(uri).map((d) => d.range.start.line + 1), [32, 34]);
      await vscode.commands.executeCommand('undo');
      await waitFor('three PL010 diagnostics again', () => (pl010(uri).length === 3 ? true : undefined), 15_000);
    } finally { await restore(); }
    // No kernel build: quiet.
    const off = await setSetting('kernel.buildDir', 'none');
    try {
      const uri = vscode.Uri.file(path.join(tree, 'Documentation/x86/x86_64/mm.rst'));
      await waitFor('no PL010 diagnostics without a build', () => (pl010(uri).length === 0 ? true : undefined), 15_000);
    } finally { await off(); }
  });
});
