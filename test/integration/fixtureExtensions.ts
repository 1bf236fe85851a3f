// Extensions the extension-host suite loads next to Paging Layout (test/integration/fixtures/*):
// declarative ones that stand in for extensions users commonly have, such as one that registers the
// `asm-intel-x86-generic` language id. The desktop runner loads their folders as development
// extensions; code-server accepts one development folder only, so there they are packaged and installed.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installVsix, mkTemp, ROOT } from '../support/codeServer';

const FIXTURES = path.join(ROOT, 'test', 'integration', 'fixtures');

/** Folders of the fixture extensions (each with a package.json). */
export function fixtureExtensionFolders(): string[] {
  if (!fs.existsSync(FIXTURES)) return [];
  return fs.readdirSync(FIXTURES).map((n) => path.join(FIXTURES, n)).filter((d) => fs.existsSync(path.join(d, 'package.json')));
}

/** A fresh extensions folder with every fixture extension installed (packaged with vsce first). */
export function fixtureExtensionsDir(): string {
  const dir = mkTemp('ext');
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  for (const folder of fixtureExtensionFolders()) {
    const vsix = path.join(mkTemp('vsix'), `${path.basename(folder)}.vsix`);
    const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '-o', vsix], { cwd: folder, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0 || !fs.existsSync(vsix)) throw new Error(`packaging the fixture extension ${path.basename(folder)} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
    installVsix(vsix, dir);
  }
  return dir;
}
