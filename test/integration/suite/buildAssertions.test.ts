// PL011 in the extension host: an edit of a header's #define that makes a BUILD_BUG_ON of another
// file fail is a diagnostic at the edited #define, with the assertion as related information and the
// evaluated chain in the message; the assertion's own file, when open, gets one too; undo clears both.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { examplesRoot, waitFor, waitForActivation } from './helpers';

const HEADER = [
  '/* A small kernel-style map (values of the test\'s own choosing). */',
  '#define __START_KERNEL_map\t0xffffffff80000000UL',
  '#define KERNEL_IMAGE_SIZE\t(512UL * 1024 * 1024)',
  '#define MODULES_VADDR\t\t(__START_KERNEL_map + KERNEL_IMAGE_SIZE)',
  '#define MODULES_END\t\t0xffffffffff000000UL',
  '',
].join('\n');

const USER = [
  '#include "assert_layout.h"',
  '',
  'void assert_layout_checks(void)',
  '{',
  '\tBUILD_BUG_ON(MODULES_VADDR >= MODULES_END);',
  '\tstatic_assert(MODULES_END > __START_KERNEL_map, "modules above the kernel map");',
  '}',
  '',
].join('\n');

const pl011 = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'paging-layout' && (typeof d.code === 'object' ? d.code.value : d.code) === 'PL011');

suite('Build-time assertions (PL011)', () => {
  suiteSetup(async () => { await waitForActivation(); });

  test('an edited #define that makes a BUILD_BUG_ON fail: diagnostic at the #define with the assertion, then undo', async function () {
    this.timeout(60_000);
    const dir = vscode.Uri.joinPath(examplesRoot(), 'assert');
    const headerUri = vscode.Uri.joinPath(dir, 'assert_layout.h');
    const userUri = vscode.Uri.joinPath(dir, 'assert_user.c');
    await vscode.workspace.fs.writeFile(headerUri, new TextEncoder().encode(HEADER));
    await vscode.workspace.fs.writeFile(userUri, new TextEncoder().encode(USER));
    const user = await vscode.workspace.openTextDocument(userUri);
    await vscode.window.showTextDocument(user, { preview: false });
    const header = await vscode.workspace.openTextDocument(headerUri);
    const editor = await vscode.window.showTextDocument(header, { preview: false });
    // as saved, every assertion holds
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepStrictEqual(pl011(header.uri).map((d) => d.message), []);
    assert.deepStrictEqual(pl011(user.uri).map((d) => d.message), []);

    const line = 4;
    assert.match(header.lineAt(line).text, /^#define MODULES_END/);
    const value = header.lineAt(line).text.indexOf('0xffffffffff000000UL');
    await editor.edit((e) => e.replace(new vscode.Range(line, value, line, value + '0xffffffffff000000UL'.length), '0xffffffff90000000UL'));
    // the site is found by the workspace scan (or the watcher for a file created after it), then evaluated with the edited header
    const at = await waitFor('a PL011 diagnostic at the edited #define', () => pl011(header.uri).find((d) => d.range.start.line === line), 30_000);
    assert.strictEqual(header.getText(at.range), 'MODULES_END');
    assert.match(at.message, /^BUILD_BUG_ON\(MODULES_VADDR >= MODULES_END\) at assert\/assert_user\.c:5 fails the build with this definition of MODULES_END/);
    assert.match(at.message, /0xffffffffa0000000 >= 0xffffffff90000000 = 1/);
    assert.match(at.message, /MODULES_VADDR = __START_KERNEL_map \+ KERNEL_IMAGE_SIZE = 0xffffffff80000000 \+ 0x20000000 = 0xffffffffa0000000/);
    assert.strictEqual(at.severity, vscode.DiagnosticSeverity.Error);
    const rel = at.relatedInformation ?? [];
    assert.strictEqual(rel.length, 1);
    assert.strictEqual(rel[0].location.uri.toString(), user.uri.toString());
    assert.strictEqual(rel[0].location.range.start.line, 4);
    assert.strictEqual(rel[0].location.range.start.character, 1);
    // only the edited definition carries it (MODULES_VADDR is read too, but unchanged)
    assert.deepStrictEqual(pl011(header.uri).map((d) => d.range.start.line), [line]);
    // the open file of the assertion: a diagnostic at the assertion, pointing back at the #define
    const site = await waitFor('a PL011 diagnostic at the assertion', () => pl011(user.uri).find((d) => d.range.start.line === 4), 15_000);
    assert.match(site.message, /^BUILD_BUG_ON\(MODULES_VADDR >= MODULES_END\) fails the build/);
    assert.strictEqual(site.relatedInformation?.[0].location.uri.toString(), header.uri.toString());
    assert.strictEqual(site.relatedInformation?.[0].location.range.start.line, line);
    // the static_assert still holds: nothing at it
    assert.ok(!pl011(user.uri).some((d) => d.range.start.line === 5));

    await vscode.window.showTextDocument(header);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the definition', () => header.lineAt(line).text.includes('0xffffffffff000000UL'));
    await waitFor('the PL011 diagnostics to go', () => (pl011(header.uri).length === 0 && pl011(user.uri).length === 0 ? true : undefined), 15_000);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
