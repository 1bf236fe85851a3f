// The language family of a document comes from one place: a boot.S whose language id is
// asm-intel-x86-generic (the id the common x86 assembly extensions give .S files; the fixture
// extension in test/integration/fixtures registers it here) is GNU as for the hover, the diagnostics
// and the code actions alike. Read as NASM, `.set` defines nothing and `$0x…` is no immediate.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { examplesRoot, hoverAt, waitFor, waitForActivation } from './helpers';

const LANGUAGE_ID = 'asm-intel-x86-generic';

const BOOT_S = [
  '/* Early boot constants, GNU as (AT&T syntax). */',
  '.set SCRATCH_VADDR, 0xffff7fffffff0000\t# a page below the canonical hole',
  '\tmovabs $0xffff888000000000, %rax\t# start of the direct map',
  '',
].join('\n');

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'paging-layout');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

suite('Language family', () => {
  const folder = () => vscode.Uri.joinPath(examplesRoot(), 'family');
  let doc: vscode.TextDocument;

  suiteSetup(async function () {
    this.timeout(60_000);
    await waitForActivation();
    const uri = vscode.Uri.joinPath(folder(), 'boot.S');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(BOOT_S));
    const opened = await vscode.workspace.openTextDocument(uri);
    assert.ok((await vscode.languages.getLanguages()).includes(LANGUAGE_ID), `the fixture extension registers ${LANGUAGE_ID}`);
    doc = await vscode.languages.setTextDocumentLanguage(opened, LANGUAGE_ID);
    await vscode.window.showTextDocument(doc, { preview: false });
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(folder(), { recursive: true, useTrash: false });
  });

  test(`a boot.S under ${LANGUAGE_ID}: the hover and the diagnostics both read it as GNU as`, async () => {
    assert.strictEqual(doc.languageId, LANGUAGE_ID);
    // The hover: `.set` defines a symbol whose value is not canonical.
    const hover = await hoverAt(doc, 'SCRATCH_VADDR', '.set');
    assert.match(hover, /0xffff_7fff_ffff_0000/);
    assert.match(hover, /not canonical/);
    // The diagnostics: the same definition, PL001 (non-canonical) on its line, over the literal.
    const line = 1;
    const d = await waitFor('PL001 on the .set line of boot.S', () => ours(doc.uri).find((x) => codeOf(x) === 'PL001' && x.range.start.line === line));
    assert.match(d.message, /SCRATCH_VADDR = 0xffff7fffffff0000 is not canonical/);
    assert.strictEqual(doc.getText(d.range), '0xffff7fffffff0000');
    assert.deepStrictEqual(ours(doc.uri).map(codeOf), ['PL001'], 'no other finding: the `#` comments are comments');
  });

  test(`a boot.S under ${LANGUAGE_ID}: an AT&T immediate hovers as an address, and its conversions are the GNU as ones`, async () => {
    const hover = await hoverAt(doc, '0xffff888000000000', 'direct map');
    assert.match(hover, /PML4 273/);
    const pos = doc.positionAt(doc.getText().indexOf('0xffff888000000000') + 4);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos), vscode.CodeActionKind.RefactorRewrite.value);
    const titles = (actions ?? []).map((a) => a.title);
    // GNU as files go through cpp: _AC() is offered (NASM has no _AC).
    assert.ok(titles.includes('Convert to _AC(0xffff888000000000, UL)'), titles.join(', '));
  });
});
