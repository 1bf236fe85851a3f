// Hostile files and settings inside a real extension host: the extension stays responsive, skips what
// it cannot analyse with a clear reason, and never throws out of a provider.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { examplesRoot, hoverAt, hoverText, openExample, setSetting, waitForActivation } from './helpers';

const HEADER = 'include/asm/page_64_types.h';
const dir = () => path.join(examplesRoot().fsPath, 'hostile');

function write(name: string, data: string | Uint8Array): vscode.Uri {
  fs.mkdirSync(dir(), { recursive: true });
  const file = path.join(dir(), name);
  fs.writeFileSync(file, data);
  return vscode.Uri.file(file);
}

suite('Robustness', () => {
  suiteSetup(async () => {
    await openExample(HEADER);
    await waitForActivation();
  });
  suiteTeardown(() => fs.rmSync(dir(), { recursive: true, force: true }));

  test('a 12 MB header (over the 8 MB limit): no diagnostics, line-only hover says why', async function () {
    this.timeout(120_000);
    const chunk = '#define REGION_BASE_X\t_AC(0xffff888000000000, UL)\nstatic inline int f(int a) { return a + 0x1000; }\n';
    const uri = write('huge.h', '#define HUGE_BASE 0xffffc90000000000UL\n' + chunk.repeat(Math.ceil(12 * 1024 * 1024 / chunk.length)));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const text = await hoverAt(doc, '0xffffc90000000000', 'skipped: file too large');
    assert.match(text, /vmalloc/, text);
    assert.match(text, /skipped: file too large \(12 MB > 8 MB\)/);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'paging-layout'), []);
    // Still responsive elsewhere.
    const other = await openExample(HEADER);
    assert.match(await hoverAt(other, '0xffff888000000000', 'direct map'), /PML4 273/);
  });

  test('a binary file is left alone (VS Code will not open it as text; Check Workspace skips it); invalid UTF-8 still hovers', async () => {
    const bin = new Uint8Array(64 * 1024);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) & 0xff;
    bin.set(new TextEncoder().encode('#define BIN_BASE 0xffff888000000000'), 100);
    const binUri = write('blob.h', bin);
    await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(binUri)), /binary/);
    const r = await vscode.commands.executeCommand<{ files: number; skipped?: number }>('pagingLayout.checkWorkspace');
    assert.ok((r.skipped ?? 0) >= 1, JSON.stringify(r));
    assert.deepStrictEqual(vscode.languages.getDiagnostics(binUri), []);
    const utf = new Uint8Array([...new TextEncoder().encode('/* caf'), 0xe9, 0x20, 0xff, 0xfe, ...new TextEncoder().encode(' broken */\n#define LATIN1_TEXT_BASE 0xffff888000000000UL\n')]);
    const utfDoc = await vscode.workspace.openTextDocument(write('latin1.h', utf));
    assert.match(await hoverAt(utfDoc, '0xffff888000000000', 'direct map'), /PML4 273/);
  });

  test('a 1 MB single line: hover on a literal in it', async function () {
    this.timeout(60_000);
    const line = '#define LONG_LIST (' + Array.from({ length: 110_000 }, (_, i) => `0x${(0x1000 * (i + 1)).toString(16)}`).join(' + ') + ')\n#define AFTER_BASE 0xffffea0000000000UL\n';
    assert.ok(line.length > 900_000);
    const doc = await vscode.workspace.openTextDocument(write('oneline.h', line));
    assert.match(await hoverAt(doc, '0xffffea0000000000', 'vmemmap'), /PML4/);
  });

  test('cyclic macros and an include cycle: hovers give a reason, nothing hangs', async () => {
    write('cyc_a.h', '#include "cyc_b.h"\n#define CYC_A (CYC_B + 1)\n');
    write('cyc_b.h', '#include "cyc_a.h"\n#define CYC_B (CYC_A + 1)\n#define CYC_OK (0xffff888000000000UL + 0x1000)\n');
    const doc = await vscode.workspace.openTextDocument(write('cyc.c', '#include "cyc_a.h"\nunsigned long x = CYC_A;\nunsigned long y = CYC_OK;\n'));
    await vscode.window.showTextDocument(doc);
    assert.match(await hoverAt(doc, 'CYC_A;', 'cannot evaluate'), /recurs/i);
    assert.match(await hoverAt(doc, 'CYC_OK;', 'direct map'), /0xffff_8880_0000_1000/);
  });

  test('a symlink loop in the workspace: Check Workspace finishes', async function () {
    this.timeout(120_000);
    fs.mkdirSync(dir(), { recursive: true });
    try { fs.symlinkSync('.', path.join(dir(), 'loop')); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; }
    const r = await vscode.commands.executeCommand<{ files: number; cancelled: boolean; skipped?: number }>('pagingLayout.checkWorkspace');
    assert.ok(r && r.files > 5 && !r.cancelled, JSON.stringify(r));
    assert.ok((r.skipped ?? 0) >= 1, `the huge or binary file was skipped: ${JSON.stringify(r)}`);
  });

  test('invalid setting values fall back to defaults', async () => {
    const restores = [
      await setSetting('physicalAddressBits', 'lots'),
      await setSetting('defines', 5),
      await setSetting('maxFileSizeMB', -3),
      await setSetting('includePaths', 'not-a-list'),
    ];
    try {
      const doc = await openExample(HEADER);
      assert.match(await hoverAt(doc, '0xffff888000000000', 'direct map'), /PML4 273/);
      const d = await vscode.commands.executeCommand<any>('pagingLayout.decodeAddress', '0xffff888000000000', { show: false });
      assert.strictEqual(d.region.name, 'direct map');
    } finally {
      for (const r of restores.reverse()) await r();
    }
  });
});
