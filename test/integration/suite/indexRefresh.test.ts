// An open document's analysis survives a change of the workspace index that does not change what the
// document got from it (no analysis from scratch, no refresh of the features), and a hover that
// resolved a name through the index shows the new value once the other header changes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, examplesRoot, hoverAt, waitFor, waitForActivation } from './helpers';

interface Api {
  analyses: { stats: { made: number; kept: number; changed: number }; onDidInvalidate: vscode.Event<void> };
  index: { view: { lookup(name: string): { body: string }[] } };
}

suite('Workspace index refresh and open analyses', () => {
  test('an index change elsewhere keeps the analysis; a change of the header a hover used shows its new value', async function () {
    this.timeout(120_000);
    await waitForActivation();
    const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as Api;
    const dir = path.join(examplesRoot().fsPath, 'zz-refresh');
    fs.mkdirSync(dir, { recursive: true });
    const defs = path.join(dir, 'refresh_defs.h');
    fs.writeFileSync(defs, '#define REFRESH_BASE 0xffff888000000000UL\n');
    // no #include: REFRESH_BASE is found through the workspace index only
    const user = path.join(dir, 'refresh_user.h');
    fs.writeFileSync(user, '#define REFRESH_ADDR (REFRESH_BASE + 0x1000)\n');
    try {
      const doc = await vscode.workspace.openTextDocument(user);
      await vscode.window.showTextDocument(doc, { preview: false });
      const first = await hoverAt(doc, 'REFRESH_ADDR', '0xffff_8880_0000_1000', 30_000);
      assert.match(first, /resolved through the workspace index[^*]*REFRESH\\?_BASE[^*]*refresh\\?_defs\.h:1/, first);

      // another header enters the index: nothing this document asked changes
      const made = api.analyses.stats.made, kept = api.analyses.stats.kept;
      let invalidated = 0;
      const sub = api.analyses.onDidInvalidate(() => invalidated++);
      try {
        fs.writeFileSync(path.join(dir, 'refresh_other.h'), '#define REFRESH_UNRELATED 0x1234\n');
        await waitFor('the other header in the index', () => api.index.view.lookup('REFRESH_UNRELATED').length > 0, 30_000);
        await waitFor('the analyses told of the index change', () => api.analyses.stats.kept > kept, 30_000);
        assert.strictEqual(api.analyses.stats.made, made, 'the analysis was kept, not made again');
        assert.strictEqual(invalidated, 0, 'no refresh of the features for a change that answers nothing they asked');
        assert.match(await hoverAt(doc, 'REFRESH_ADDR', '0xffff_8880_0000_1000'), /refresh\\?_defs\.h:1/);

        // the header the hover used changes: the new value, through the same analysis
        const changed = api.analyses.stats.changed;
        fs.writeFileSync(defs, '/* moved */\n#define REFRESH_BASE 0xffffc90000000000UL\n');
        const second = await hoverAt(doc, 'REFRESH_ADDR', '0xffff_c900_0000_1000', 30_000);
        assert.match(second, /refresh\\?_defs\.h:2/, second);
        assert.doesNotMatch(second, /0xffff_8880_0000_1000/, second);
        assert.ok(api.analyses.stats.changed > changed, JSON.stringify(api.analyses.stats));
        assert.ok(invalidated >= 1, 'the features were told to refresh');
        assert.strictEqual(api.analyses.stats.made, made, 'still the same analysis');

        // only the line moves (same text): the footnote follows it
        fs.writeFileSync(defs, '/* moved */\n\n#define REFRESH_BASE 0xffffc90000000000UL\n');
        assert.match(await hoverAt(doc, 'REFRESH_ADDR', 'refresh\\_defs.h:3', 30_000), /0xffff_c900_0000_1000/);
      } finally {
        sub.dispose();
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
