// The derived layout of Linux 6.1 (x86_64-4level build directory of scripts/kernel/setup-kbuild.sh)
// in the extension host: how long a derivation takes (the worker's time, the round trip, the host
// thread's own time), how long the host's event loop is held up meanwhile, and how long an unsaved
// edit of __PAGE_OFFSET_BASE_L4 in the tree's page_64_types.h takes to move the direct map (the edit
// is undone and the file never saved). Skipped without the build directory. The numbers are
// written to test-results/integration/derived-real-tree.json.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { setSetting, waitFor, waitForActivation } from './helpers';

const KB = path.join(process.env.PAGING_LAYOUT_KBUILD_ROOT || '/tmp/kb', 'x86_64-4level');

interface Entry { id: string; state: string; error?: string; workerMs?: number; roundTripMs?: number; hostMs?: number; derivations: number; build: { context: { sourceTree: string } }; layout?: { regions: { name: string; start: bigint }[] } }
interface Api { derived: { entries(): Entry[] } }

/** The largest gap between 10 ms timer ticks while `body` runs: how long the host's event loop was held up. */
async function lagDuring<T>(body: () => Promise<T>): Promise<{ value: T; maxLagMs: number }> {
  let last = performance.now(), max = 0;
  const t = setInterval(() => { const now = performance.now(); max = Math.max(max, now - last - 10); last = now; }, 10);
  try { const value = await body(); return { value, maxLagMs: max }; } finally { clearInterval(t); }
}

suite('The derived layout of Linux 6.1 in the extension host', function () {
  this.timeout(240_000);
  let api: Api;
  const restore: (() => Promise<void>)[] = [];
  suiteSetup(async function () {
    if (!fs.existsSync(path.join(KB, '.config'))) { this.skip(); return; }
    api = (await waitForActivation()).exports as Api;
    restore.push(await setSetting('kernel.buildDir', KB));
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const r of restore.reverse()) await r();
  });

  test('derivation times, the host never held up, an unsaved edit followed', async () => {
    const numbers: Record<string, unknown> = {};
    const first = await lagDuring(() => waitFor('the derived layout of Linux 6.1', () => api.derived.entries().find((e) => e.id === 'derived-linux-source-6.1-x86_64-4level' && e.state !== 'pending'), 180_000, 50));
    const e = first.value;
    assert.strictEqual(e.state, 'ready', e.error);
    assert.strictEqual(e.layout!.regions.length, 14);
    numbers.first = { workerMs: e.workerMs, roundTripMs: e.roundTripMs, hostMs: e.hostMs, maxEventLoopLagMs: first.maxLagMs };
    const again: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await lagDuring(async () => vscode.commands.executeCommand<{ id: string; workerMs: number; roundTripMs: number; hostMs: number }[]>('pagingLayout.deriveLayoutAgain'));
      const x = r.value.find((y) => y.id === e.id)!;
      again.push({ workerMs: x.workerMs, roundTripMs: x.roundTripMs, hostMs: x.hostMs, maxEventLoopLagMs: r.maxLagMs });
    }
    numbers.again = again;
    // An unsaved edit of the direct map's base in the tree's own header.
    const file = path.join(e.build.context.sourceTree, 'arch/x86/include/asm/page_64_types.h');
    const disk = fs.readFileSync(file, 'utf8');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const at = doc.getText().indexOf('_AC(0xffff888000000000, UL)') + 4;
    const dm = () => api.derived.entries().find((x) => x.id === e.id)?.layout?.regions.find((r) => r.name === 'direct map')?.start;
    const t0 = performance.now();
    try {
      const edited = await lagDuring(async () => {
        assert.ok(await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 18)), '0xffff890000000000')));
        return waitFor('the direct map at 0xffff890000000000', () => (dm() === 0xffff890000000000n ? true : undefined), 60_000, 20);
      });
      numbers.edit = { editToLayoutMs: performance.now() - t0, debounceMs: 500, maxEventLoopLagMs: edited.maxLagMs, workerMs: api.derived.entries().find((x) => x.id === e.id)?.workerMs };
      // the edit taken back (an edit, not `undo`, which acts on whatever has the focus) and the layout follows
      assert.ok(await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + 18)), '0xffff888000000000')));
      await waitFor('the direct map back at 0xffff888000000000', () => (dm() === 0xffff888000000000n ? true : undefined), 60_000, 20);
      assert.strictEqual(doc.getText(), disk);
    } finally {
      // Never leave the tree's file dirty (closing a dirty editor may save it).
      if (doc.isDirty) { await vscode.window.showTextDocument(doc); await vscode.commands.executeCommand('workbench.action.files.revert'); }
    }
    assert.strictEqual(fs.readFileSync(file, 'utf8'), disk, 'the tree\'s file is never written');
    const out = path.join(vscode.extensions.getExtension('paging-layout.paging-layout')!.extensionPath, 'test-results', 'integration', 'derived-real-tree.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(numbers, null, 2) + '\n');
    console.log(`derived layout of Linux 6.1 x86_64-4level in the extension host: ${JSON.stringify(numbers)}`);
  });
});
