// A kernel build as the editor's context (pagingLayout.kernel.buildDir, detected by default), on the
// fixture tree test/fixtures/kbuild: hover values follow the build's configuration and change when
// .config changes; a file under arch/arm64/ is decoded against arm64; an O= build directory of arm64
// decides the layout of the tree's files; the status bar's choice says which build is in effect.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { hoverAt, setSetting, waitFor, waitForActivation } from './helpers';

interface Api {
  layouts: { forFile(uri: vscode.Uri, fileName: string): { layout: { id: string }; reason?: string; build?: { context: { buildDir: string; arch: string }; configFile: string } } };
}

const ext = () => vscode.extensions.getExtension('paging-layout.paging-layout')!;
const fixture = (...p: string[]) => path.join(ext().extensionPath, 'test', 'fixtures', 'kbuild', ...p);

async function open(file: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

suite('A kernel build as the context', () => {
  let root: string;
  let tree: string;
  let api: Api;
  suiteSetup(async () => {
    api = (await waitForActivation()).exports as Api;
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pl-kbuild-')));
    tree = path.join(root, 'tree');
    fs.cpSync(fixture('tree'), tree, { recursive: true });
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('the build\'s configuration decides a value; editing .config changes the hover', async () => {
    const restore = await setSetting('kernel.buildDir', tree);
    try {
      const doc = await open(path.join(tree, 'arch/x86/include/asm/page_64_types.h'));
      // CONFIG_RANDOMIZE_BASE=y in the tree's .config: one value, and the hover names the configuration.
      const h = await hoverAt(doc, 'KERNEL_IMAGE_SIZE\t(1024', '1 GiB');
      assert.match(h, /configuration: .*tree\/\.config/);
      assert.doesNotMatch(h, /if `CONFIG_RANDOMIZE_BASE`|inactive/, 'no condition once the configuration is known');
      assert.match(await hoverAt(doc, 'KERNEL_IMAGE_SIZE\t(512', '512 MiB'), /inactive branch/);
      const f = api.layouts.forFile(doc.uri, doc.fileName);
      assert.strictEqual(f.build?.context.arch, 'x86');
      assert.strictEqual(f.layout.id, 'linux-x86_64-4level');
      // The option turned off in .config: the other branch, after the file watcher tells the extension.
      const cfg = path.join(tree, '.config');
      fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace('CONFIG_RANDOMIZE_BASE=y', '# CONFIG_RANDOMIZE_BASE is not set'));
      await hoverAt(doc, 'KERNEL_IMAGE_SIZE\t(1024', 'inactive branch', 20_000);
      assert.doesNotMatch(await hoverAt(doc, 'KERNEL_IMAGE_SIZE\t(512', '512 MiB'), /inactive/);
    } finally { await restore(); }
    // Without a build (none): both branches again.
    const off = await setSetting('kernel.buildDir', 'none');
    try {
      const doc = await open(path.join(tree, 'arch/x86/include/asm/page_64_types.h'));
      // (unknown: each definition under its condition, neither inactive)
      const h = await hoverAt(doc, 'KERNEL_IMAGE_SIZE\t(1024', 'if `CONFIG_RANDOMIZE_BASE`');
      assert.doesNotMatch(h, /inactive|configuration: /);
      assert.strictEqual(api.layouts.forFile(doc.uri, doc.fileName).build, undefined);
    } finally { await off(); }
  });

  test('a file under arch/arm64/ is decoded against arm64, with the x86-64 layout active', async () => {
    const restore = await setSetting('kernel.buildDir', tree);
    try {
      const doc = await open(path.join(tree, 'arch/arm64/include/asm/memory.h'));
      const f = api.layouts.forFile(doc.uri, doc.fileName);
      assert.strictEqual(f.layout.id, 'linux-arm64-4k-48bit');
      assert.match(f.reason ?? '', /arch\/arm64\//);
      assert.strictEqual(f.build?.context.arch, 'x86', 'the folder\'s build is x86-64: its configuration does not apply to an arm64 file');
      // PAGE_OFFSET = -(1 << VA_BITS), VA_BITS from the arm64 mode's CONFIG_ARM64_VA_BITS (48), not "undefined name".
      const h = await hoverAt(doc, 'PAGE_OFFSET\t', '0xffff_0000_0000_0000');
      assert.match(h, /layout linux-arm64-4k-48bit: a file under arch\/arm64\//);
      assert.doesNotMatch(h, /undefined name CONFIG_ARM64_VA_BITS/);
      assert.doesNotMatch(h, /configuration: /, 'the x86-64 configuration is not used for it');
    } finally { await restore(); }
  });

  test('an O= build directory of arm64 (through its source link) decides the layout and the values of the tree\'s files', async () => {
    const build = path.join(root, 'build-arm64');
    fs.cpSync(fixture('build-arm64'), build, { recursive: true });
    fs.symlinkSync(tree, path.join(build, 'source'));
    const restore = await setSetting('kernel.buildDir', build);
    try {
      const doc = await open(path.join(tree, 'arch/arm64/include/asm/memory.h'));
      const f = await waitFor('the arm64 build', () => { const x = api.layouts.forFile(doc.uri, doc.fileName); return x.build ? x : undefined; });
      assert.strictEqual(f.build!.context.arch, 'arm64');
      assert.strictEqual(f.build!.context.buildDir, build);
      assert.strictEqual(f.layout.id, 'linux-arm64-4k-48bit');
      const h = await hoverAt(doc, 'PAGE_OFFSET\t', '0xffff_0000_0000_0000');
      assert.match(h, /configuration: .*build-arm64\/include\/generated\/autoconf\.h/);
      // The x86 header of the same tree is another architecture's file for this build.
      const x86 = await open(path.join(tree, 'arch/x86/include/asm/page_64_types.h'));
      const g = api.layouts.forFile(x86.uri, x86.fileName);
      assert.strictEqual(g.layout.id, 'linux-x86_64-4level');
    } finally { await restore(); }
  });

  test('a directory that is no kernel build is not used, and the rest keeps working', async () => {
    const restore = await setSetting('kernel.buildDir', root);
    try {
      const doc = await open(path.join(tree, 'arch/x86/include/asm/page_64_types.h'));
      const h = await hoverAt(doc, 'KERNEL_IMAGE_SIZE\t(1024', 'if `CONFIG_RANDOMIZE_BASE`');
      assert.doesNotMatch(h, /configuration: /);
      assert.strictEqual(api.layouts.forFile(doc.uri, doc.fileName).build, undefined);
    } finally { await restore(); }
  });
});
