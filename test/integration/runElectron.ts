// Runner 1: the extension-host suite in VS Code desktop through @vscode/test-electron.
// For machines that can download VS Code (this project's offline machines cannot: they use
// runCodeServer.ts instead). The VS Code build is pinned to 1.100.3, the version code-server
// 4.100.3 embeds, and cached under .vscode-test/ (git-ignored) after the first download;
// PAGING_LAYOUT_VSCODE_VERSION=stable (or another version) tries a newer one.
//
//   npm run test:electron
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { fixtureExtensionFolders } from './fixtureExtensions';

const ROOT = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const workspace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paging-layout-ws-')), 'examples');
  fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'paging-layout-data-'));
  await runTests({
    version: process.env.PAGING_LAYOUT_VSCODE_VERSION ?? '1.100.3',
    cachePath: path.join(ROOT, '.vscode-test'),
    // Paging Layout and the suite's fixture extensions (test/integration/fixtures).
    extensionDevelopmentPath: [ROOT, ...fixtureExtensionFolders()],
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'suite', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${userData}`],
  });
}

main().catch((e) => {
  console.error(`extension-host suite failed: ${(e as Error).message ?? e}`);
  process.exit(1);
});
