// pagingLayout.workspaceIndex.maxFiles: the index reads at most that many files and says it was capped
// (the status bar's text comes from this state: test/unit/indexEditor.test.ts); without the setting the
// whole workspace is indexed again.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitFor, waitForActivation } from './helpers';

interface IndexStateLike { phase: string; files: number; total: number; cappedAt?: { limit: number; found: number } }

function state(): IndexStateLike {
  return (vscode.extensions.getExtension(EXTENSION_ID)!.exports as { index: { state: IndexStateLike } }).index.state;
}

suite('Workspace index file limit', () => {
  test('pagingLayout.workspaceIndex.maxFiles caps the index and the state says so; clearing it indexes every file', async function () {
    this.timeout(120_000);
    await waitForActivation();
    const cfg = () => vscode.workspace.getConfiguration('pagingLayout');
    const settled = (s: IndexStateLike) => s.phase === 'ready' || s.phase === 'cancelled' || s.phase === 'failed';
    await waitFor('the index to settle', () => settled(state()), 60_000);
    const whole = state();
    assert.strictEqual(whole.phase, 'ready', JSON.stringify(whole));
    assert.strictEqual(whole.cappedAt, undefined, JSON.stringify(whole));
    assert.ok(whole.files > 2, `the sample workspace has headers to index: ${JSON.stringify(whole)}`);
    const limit = 2;
    await cfg().update('workspaceIndex.maxFiles', limit, vscode.ConfigurationTarget.Workspace);
    try {
      const capped = await waitFor('a capped index', () => { const s = state(); return s.phase === 'ready' && s.cappedAt ? s : undefined; }, 60_000);
      assert.strictEqual(capped.cappedAt!.limit, limit);
      assert.ok(capped.cappedAt!.found > limit, JSON.stringify(capped));
      assert.ok(capped.files <= limit && capped.files > 0, JSON.stringify(capped));
    } finally {
      await cfg().update('workspaceIndex.maxFiles', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const again = await waitFor('the whole index again', () => { const s = state(); return s.phase === 'ready' && !s.cappedAt ? s : undefined; }, 60_000);
    assert.ok(again.files > limit, JSON.stringify(again));
  });
});
