// The settings reach the analysis through the one configuration reader: include directories from
// pagingLayout.includePaths and from the folder's build/compile_commands.json let a hover evaluate a
// macro defined in a header outside the workspace (which the workspace index cannot see).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { examplesRoot, hoverAt, setSetting, waitForActivation } from './helpers';

/** A folder outside the workspace with one header. */
function outsideHeader(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paging-layout-inc-'));
  fs.mkdirSync(path.join(dir, 'lab'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'lab', name), text);
  return dir;
}

async function openSource(rel: string, text: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(examplesRoot(), ...rel.split('/'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

suite('Settings through the context', () => {
  const created: vscode.Uri[] = [];
  const outside: string[] = [];
  suiteSetup(async () => { await waitForActivation(); });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const u of created) await vscode.workspace.fs.delete(u, { recursive: true, useTrash: false }).then(undefined, () => undefined);
    for (const d of outside) fs.rmSync(d, { recursive: true, force: true });
  });

  test('build/compile_commands.json of the folder: its -I directories are searched for #include <…>', async () => {
    const inc = outsideHeader('window.h', '#define LAB_WINDOW_BASE\t_AC(0xffffc90000000000, UL)\n#define LAB_WINDOW_SIZE\t(1UL << 30)\n');
    outside.push(inc);
    const build = vscode.Uri.joinPath(examplesRoot(), 'build');
    created.push(build, vscode.Uri.joinPath(examplesRoot(), 'ctx'));
    const src = path.join(examplesRoot().fsPath, 'ctx', 'window.c');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(build, 'compile_commands.json'), new TextEncoder().encode(JSON.stringify([
      { directory: path.join(examplesRoot().fsPath, 'build'), file: src, arguments: ['gcc', `-I${inc}`, '-c', src] },
    ])));
    const doc = await openSource('ctx/window.c', '#include <lab/window.h>\n#define LAB_WINDOW_END\t(LAB_WINDOW_BASE + LAB_WINDOW_SIZE)\n');
    const text = await hoverAt(doc, 'LAB_WINDOW_END', '0xffffc90040000000');
    assert.match(text, /LAB_WINDOW_BASE \+ LAB_WINDOW_SIZE/);
    assert.match(text, /0xffffc90000000000 \+ 0x40000000/);
    // At the use site: the definition comes from the included header.
    assert.match(await hoverAt(doc, 'LAB_WINDOW_BASE', 'window.h:1'), /0xffffc90000000000/);
  });

  test('pagingLayout.includePaths: a directory outside the folder is searched (the workspace is trusted)', async () => {
    const inc = outsideHeader('hole.h', '#define LAB_HOLE_START\t_AC(0xffff800000000000, UL)\n');
    outside.push(inc);
    created.push(vscode.Uri.joinPath(examplesRoot(), 'ctx2'));
    const restore = await setSetting('includePaths', [inc]);
    try {
      const doc = await openSource('ctx2/hole.c', '#include <lab/hole.h>\n#define LAB_HOLE_SECOND\t(LAB_HOLE_START + (1UL << 39))\n');
      await hoverAt(doc, 'LAB_HOLE_SECOND', '0xffff808000000000');
      // At the use site: the definition comes from the included header.
      assert.match(await hoverAt(doc, 'LAB_HOLE_START', 'hole.h:1'), /0xffff800000000000/);
    } finally {
      await restore();
    }
  });
});
