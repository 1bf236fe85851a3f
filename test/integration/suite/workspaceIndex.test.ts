// The workspace index on a large tree, in the extension host: a generated tree of 50,000 headers
// (written into the workspace at test time, removed afterwards) is indexed by the worker while the map
// opens and a hover resolves a macro from headers the file does not include; a name defined in the
// last file indexed resolves once the index reaches it; the saved index is used again when the index
// starts over (a fresh worker, as after a window reload: a reload cannot be driven from inside the
// extension host, it ends the test run).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, examplesRoot, hoverText, openExample, positionOf, sleep, waitFor, waitForActivation } from './helpers';

interface IndexStateLike { phase: string; done: number; total: number; files: number; definitions: number; fromStorage?: { reread: number; removed: number }; elapsedMs: number }
interface IndexApi { state: IndexStateLike; storagePath?: string; reload(): void; whenSettled(): Promise<void>; logLines: string[] }

// Enough headers that indexing them outlasts the map's first paint and the hover on any machine (the index reads 20,000 in about a second).
const HEADERS = 50_000;
const BUILDING = ['loading', 'walking', 'indexing'];

function state(): IndexStateLike {
  return (vscode.extensions.getExtension(EXTENSION_ID)!.exports as { index: IndexApi }).index.state;
}
function api(): IndexApi {
  return (vscode.extensions.getExtension(EXTENSION_ID)!.exports as { index: IndexApi }).index;
}

/** 50,000 headers: a few that define the address parts, the rest register-style headers of 120 definitions each (6 million in all). */
async function generate(root: string): Promise<void> {
  const w = (rel: string, text: string) => fs.promises.writeFile(path.join(root, rel), text);
  fs.mkdirSync(path.join(root, 'arch/x86/include/asm'), { recursive: true });
  await w('arch/x86/include/asm/gen_page_types.h', '#ifndef GEN_PAGE_TYPES_H\n#define GEN_PAGE_TYPES_H\n\n#define GEN_KERNEL_MAP\t_AC(0xffffffff80000000, UL)\n#endif\n');
  await w('arch/x86/include/asm/gen_sizes.h', '#define GEN_IMAGE_SIZE\t(1024 * 1024 * 1024)\n');
  await w('arch/x86/include/asm/gen_pgtable_types.h', '/* no includes: the parts come from the index */\n#define GEN_MODULES_VADDR\t(GEN_KERNEL_MAP + GEN_IMAGE_SIZE)\n#define GEN_FAR_ADDR\t(GEN_MODULES_VADDR + GEN_FAR_OFFSET)\n');
  let n = 3;
  for (let d = 0; n < HEADERS; d++) {
    const dir = path.join('drivers/gen', `d${String(d).padStart(3, '0')}`);
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    const batch: Promise<void>[] = [];
    for (let k = 0; k < 100 && n < HEADERS; k++, n++) {
      const lines = [`#ifndef GEN_${n}_H`, `#define GEN_${n}_H`];
      for (let r = 0; r < 120; r++) lines.push(`#define GEN${n}_REG${r}_MASK\t0x${((n * 120 + r) & 0xffffff).toString(16)}`);
      // the last header indexed (walk order) defines the far name
      if (n === HEADERS - 1) lines.push('#define GEN_FAR_OFFSET\t0x200000');
      lines.push('#endif');
      batch.push(w(path.join(dir, `f${String(n).padStart(5, '0')}.h`), lines.join('\n') + '\n'));
    }
    await Promise.all(batch);
  }
}

suite('Workspace index on 50,000 headers', function () {
  this.timeout(240_000);
  let root: string;

  suiteSetup(async () => {
    await openExample('include/asm/page_64_types.h');
    await waitForActivation();
    root = path.join(examplesRoot().fsPath, 'zz-generated-tree');
    fs.rmSync(root, { recursive: true, force: true });
    await generate(root);
    // let the file watcher's burst of creations reach the index first
    await sleep(2000);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(root, { recursive: true, force: true });
    await sleep(1000);
  });

  test('while the tree is indexed the map paints and a cross-header hover resolves; a far name once the index reaches it', async () => {
    // Warm the webview once, so that the paint measured below is the map's own and not the first webview's start.
    await vscode.commands.executeCommand('pagingLayout.showMap');
    await waitFor('the warm-up map to paint', async () => ((await vscode.commands.executeCommand<{ rows: string[] }>('pagingLayout.mapSnapshot'))?.rows.length ?? 0) > 5, 20_000, 25);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // One attempt: a file opened for the first time (no analysis cached), a full rebuild, the map opened, the hover.
    // A machine fast enough to finish 50,000 headers before the map paints loses the race without a fault of the
    // extension; the attempt is repeated (a rebuild reads every file again). Blocking the host while indexing
    // fails every attempt.
    const attempts: string[] = [];
    let whileIndexing = false;
    let doc: vscode.TextDocument | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const rel = `arch/x86/include/asm/gen_pgtable_types_${attempt}.h`;
      fs.copyFileSync(path.join(root, 'arch/x86/include/asm/gen_pgtable_types.h'), path.join(root, rel));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      doc = await vscode.workspace.openTextDocument(path.join(root, rel));
      await vscode.window.showTextDocument(doc, { preview: false });
      const t0 = Date.now();
      await vscode.commands.executeCommand('pagingLayout.rebuildIndex');
      await waitFor('the index to start building', () => BUILDING.includes(state().phase), 10_000, 20);

      // the map: first paint while the worker indexes
      const mapStart = Date.now();
      await vscode.commands.executeCommand('pagingLayout.showMap');
      await waitFor('the map to paint', async () => ((await vscode.commands.executeCommand<{ rows: string[] }>('pagingLayout.mapSnapshot'))?.rows.length ?? 0) > 5, 20_000, 25);
      const mapMs = Date.now() - mapStart;
      const phaseAtMap = state().phase;

      // the hover: GEN_MODULES_VADDR from two headers the file does not include
      const pos = positionOf(doc, 'GEN_MODULES_VADDR\t(', 3);
      let phaseAtHover = '';
      let doneAtHover = 0;
      const d = doc;
      const text = await waitFor('a hover resolving GEN_MODULES_VADDR through the index', async () => {
        const s = state();
        const h = await hoverText(d.uri, pos);
        if (!/0xffff_ffff_c000_0000/.test(h)) return undefined;
        phaseAtHover = s.phase; doneAtHover = s.done;
        return h;
      }, 60_000, 50);
      const hoverMs = Date.now() - t0;
      const plain = text.replace(/\\([_*`\\])/g, '$1');
      assert.match(plain, /resolved through the workspace index, not through this file's includes: `GEN_KERNEL_MAP` \(gen_page_types\.h:4\), `GEN_IMAGE_SIZE` \(gen_sizes\.h:1\)/);
      attempts.push(`attempt ${attempt}: map painted after ${mapMs} ms (${phaseAtMap}); hover resolved at ${hoverMs} ms (${phaseAtHover}, ${doneAtHover} files indexed)`);
      whileIndexing = BUILDING.includes(phaseAtMap) && BUILDING.includes(phaseAtHover);
      if (whileIndexing) break;
      await api().whenSettled();
    }
    assert.ok(whileIndexing, `the map painted and the hover resolved while indexing: ${attempts.join('; ')}`);

    // the far name: defined in the last header indexed, the hover refreshes when the index gets there
    await api().whenSettled();
    const s = state();
    assert.equal(s.phase, 'ready');
    assert.ok(s.files >= HEADERS, `${s.files} files indexed`);
    assert.ok(s.definitions >= (HEADERS - 3) * 120, `${s.definitions} definitions`);
    const farDoc = doc!;
    const far = await waitFor('GEN_FAR_ADDR to resolve', async () => {
      const h = await hoverText(farDoc.uri, positionOf(farDoc, 'GEN_FAR_ADDR\t(', 3));
      return /0xffff_ffff_c020_0000/.test(h) ? h : undefined;
    }, 15_000, 200);
    assert.match(far, new RegExp(`f${String(HEADERS - 1).padStart(5, '0')}\\.h`));
    console.log(`index on ${s.files} files, ${s.definitions} definitions: ready in ${(s.elapsedMs / 1000).toFixed(1)} s; ${attempts.join('; ')}`);
  });

  test('the saved index is used again when the index starts over (only changed files read again)', async () => {
    const file = api().storagePath;
    assert.ok(file, 'a storage folder');
    await waitFor('the saved index', () => fs.existsSync(file!), 20_000);
    // one header changes before the restart: exactly that one is read again
    const changed = path.join(root, 'arch/x86/include/asm/gen_sizes.h');
    fs.writeFileSync(changed, '#define GEN_IMAGE_SIZE\t(512 * 1024 * 1024)\n');
    fs.utimesSync(changed, new Date(), new Date(Date.now() + 10_000));
    const t0 = Date.now();
    api().reload();
    await api().whenSettled();
    const readyMs = Date.now() - t0;
    const s = state();
    assert.equal(s.phase, 'ready');
    assert.ok(s.fromStorage, `loaded from storage (log: ${api().logLines.slice(-3).join(' | ')})`);
    assert.ok(s.fromStorage!.reread <= 2, `${s.fromStorage!.reread} files read again`);
    assert.ok(s.files >= HEADERS);
    assert.ok(readyMs < 10_000, `ready from storage in ${readyMs} ms`);
    const doc = await vscode.workspace.openTextDocument(path.join(root, 'arch/x86/include/asm/gen_pgtable_types.h'));
    // the changed header's new value: 0xffffffff80000000 + 512 MiB
    await waitFor('the hover with the changed header', async () => /0xffff_ffff_a000_0000/.test(await hoverText(doc.uri, positionOf(doc, 'GEN_MODULES_VADDR\t(', 3))), 15_000, 200);
    console.log(`saved index reused: ready in ${readyMs} ms, ${s.fromStorage!.reread} file(s) read again`);
  });
});
