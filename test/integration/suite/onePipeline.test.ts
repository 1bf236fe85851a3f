// One analysis, many consumers, in the extension host: what the hover says about a branch and what the
// Problems panel reports come from the same analysis of the document, and a macro resolved through an
// include is evaluated the same way by the hover and by the diagnostics.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { examplesRoot, hoverAt, setSetting, sleep, waitFor, waitForActivation } from './helpers';

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'paging-layout');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

async function writeDoc(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(examplesRoot(), 'pipeline', name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

suite('One source pipeline', () => {
  let restoreLayout: () => Promise<void> = async () => {};
  suiteSetup(async () => {
    await waitForActivation();
    restoreLayout = await setSetting('layout', 'linux-x86_64-4level');
  });
  suiteTeardown(async () => {
    await restoreLayout();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(examplesRoot(), 'pipeline'), { recursive: true, useTrash: false });
  });

  test('a branch the hover shows as inactive gets no diagnostic; the same value outside it does', async () => {
    const doc = await writeDoc('levels.h', [
      '#if defined(CONFIG_X86_64) && CONFIG_PGTABLE_LEVELS == 5',
      '#define A_START 0xff11000000000000UL',
      '#endif',
      '#define B_START 0xff11000000000000UL',
      '',
    ].join('\n'));
    const hover = await hoverAt(doc, 'A_START', 'inactive branch');
    assert.match(hover, /inactive branch/);
    const diags = await waitFor('a PL001 on B_START', () => {
      const d = ours(doc.uri).filter((x) => codeOf(x) === 'PL001');
      return d.length > 0 ? d : undefined;
    });
    await sleep(500); // a late second publication would show up here
    assert.deepEqual(ours(doc.uri).filter((x) => codeOf(x) === 'PL001').map((x) => x.range.start.line), [3], JSON.stringify(diags.map((x) => x.message)));
  });

  test('a macro of an included header: the hover and the diagnostics evaluate it the same way', async () => {
    await writeDoc('vm.h', ['#define VMEMMAP_START\t_AC(0xffffea0000000000, UL)', '#define PGDIR_SHIFT\t39', ''].join('\n'));
    const doc = await writeDoc('uses-vm.h', [
      '#include "vm.h"',
      '#define X_START\t(VMEMMAP_START + (1UL << PGDIR_SHIFT))',
      '#define Y_START\t(VMEMMAP_START - (1UL << 44) * 8)',
      '',
    ].join('\n'));
    const hover = await hoverAt(doc, 'X_START', '0xffff_ea80_0000_0000');
    assert.match(hover, /0xffff_ea80_0000_0000/);
    // Y_START = 0xffffea0000000000 - 0x800000000000 = 0xffff6a0000000000: in the non-canonical hole (PL001), found only
    // when the diagnostics read VMEMMAP_START through the include as the hover does.
    const yHover = await hoverAt(doc, 'Y_START', '0xffff_6a00_0000_0000');
    assert.match(yHover, /0xffff_6a00_0000_0000/);
    const d = await waitFor('a PL001 on Y_START', () => ours(doc.uri).find((x) => codeOf(x) === 'PL001' && x.range.start.line === 2));
    assert.match(d.message, /0xffff6a0000000000|not canonical|non-canonical/i);
  });
});
