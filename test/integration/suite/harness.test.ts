// The first extension-host tests: activation, the hover on address literals, the decode
// command, and a layout change through the settings. Runs in a real VS Code extension host.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, hoverAt, hoverText, openExample, positionOf, setLayout, waitForActivation } from './helpers';

const HEADER = 'include/asm/page_64_types.h';

suite('Harness', () => {
  test('the extension activates when a C header from examples/ is opened', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed in the extension host`);
    await openExample(HEADER);
    await waitForActivation();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['pagingLayout.selectLayout', 'pagingLayout.decodeAddress', 'pagingLayout.compareLayouts', 'pagingLayout.pageTableOverhead']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  test('hover on 0xffff888000000000 in a header shows grouped hex, region and PML4 index', async () => {
    const doc = await openExample(HEADER);
    await waitForActivation();
    const text = await hoverAt(doc, '0xffff888000000000', '0xffff_8880_0000_0000');
    assert.match(text, /direct map/, `hover does not name the region:\n${text}`);
    assert.match(text, /PML4 273\b/, `hover does not give the PML4 index:\n${text}`);
  });

  test('hover works in GNU as, NASM and linker-script files', async () => {
    const cases: [string, string, RegExp][] = [
      ['arch/head_64.S', '0xffffffff81000000', /0xffff_ffff_8100_0000[\s\S]*kernel text/],
      ['boot/pagetables.asm', '0FFFF888000000000h', /0xffff_8880_0000_0000[\s\S]*direct map/],
      ['kernel.lds', '0xffffffff81000000', /0xffff_ffff_8100_0000[\s\S]*PML4 511\b/],
    ];
    for (const [file, literal, expected] of cases) {
      const doc = await openExample(file);
      const text = await hoverAt(doc, literal, undefined);
      assert.match(text, expected, `${file}: hover on ${literal} is not as expected:\n${text}`);
    }
  });

  test('no layout hover on small numbers or on words; a layout hover on an address macro', async () => {
    const doc = await openExample(HEADER);
    await waitForActivation();
    const small = await hoverText(doc.uri, positionOf(doc, 'PAGE_SHIFT\t\t12', 'PAGE_SHIFT\t\t1'.length));
    assert.doesNotMatch(small, /PML4/, `a layout hover on "12":\n${small}`);
    const word = await hoverText(doc.uri, positionOf(doc, 'kernel code model', 3));
    assert.doesNotMatch(word, /PML4/, `a layout hover on a word in a comment:\n${word}`);
    // A macro whose value is an address does get one (issue: hovers at definitions and uses).
    const macro = await hoverAt(doc, '__START_KERNEL_map\t_AC', 'PML4');
    assert.match(macro, /kernel text/, `the macro hover names the region:\n${macro}`);
  });

  test('pagingLayout.decodeAddress with an argument returns the decode result', async () => {
    await waitForActivation();
    const r = await vscode.commands.executeCommand<any>('pagingLayout.decodeAddress', '0xffff888000000000');
    assert.ok(r, 'decodeAddress returned nothing');
    assert.strictEqual(BigInt(r.value), 0xffff888000000000n);
    assert.strictEqual(r.canonical, true);
    const regionName = typeof r.region === 'string' ? r.region : r.region?.name;
    assert.strictEqual(regionName, 'direct map');
    assert.ok(Array.isArray(r.indices) && r.indices.length === 4, `4 indices expected: ${JSON.stringify(r.indices)}`);
    assert.strictEqual(r.indices[0].index, 273);
    // A readable result is shown to the user as well.
    const shown = await waitForMarkdownWith('0xffff_8880_0000_0000');
    assert.match(shown, /direct map/);
  });

  test('pagingLayout.decodeAddress reports a non-canonical address', async () => {
    await waitForActivation();
    const r = await vscode.commands.executeCommand<any>('pagingLayout.decodeAddress', '0xffff7fffffff0000', { show: false });
    assert.ok(r, 'decodeAddress returned nothing');
    assert.strictEqual(r.canonical, false);
  });

  test('changing pagingLayout.layout changes the hover: 0xffff880000000000 is LDT remap in 4level, direct map in 2.6.27', async () => {
    const doc = await openExample('xen/page_64-2.6.27.h');
    await waitForActivation();
    const restore4 = await setLayout('linux-x86_64-4level');
    try {
      const before = await hoverAt(doc, '0xffff880000000000', 'linux-x86_64-4level');
      assert.match(before, /LDT remap/, `4level:\n${before}`);
      assert.doesNotMatch(before, /direct map/, `4level:\n${before}`);
      await setLayout('linux-x86_64-2.6.27');
      const after = await hoverAt(doc, '0xffff880000000000', 'direct map');
      assert.match(after, /PML4 272\b/, `2.6.27:\n${after}`);
      const r = await vscode.commands.executeCommand<any>('pagingLayout.decodeAddress', '0xffff880000000000', { show: false });
      assert.strictEqual(r.layout ?? 'linux-x86_64-2.6.27', 'linux-x86_64-2.6.27');
      assert.strictEqual(typeof r.region === 'string' ? r.region : r.region?.name, 'direct map');
    } finally {
      await restore4();
    }
    await hoverAt(doc, '0xffff880000000000', 'LDT remap');
  });
});

/** Text of an open Markdown result (the decode command's readable output). */
async function waitForMarkdownWith(needle: string): Promise<string> {
  const end = Date.now() + 10_000;
  for (;;) {
    const docs = vscode.workspace.textDocuments.filter((d) => d.languageId === 'markdown' || d.uri.path.endsWith('.md'));
    const hit = docs.find((d) => d.getText().includes(needle));
    if (hit) return hit.getText();
    if (Date.now() > end) throw new Error(`no Markdown result containing ${needle}; open documents: ${vscode.workspace.textDocuments.map((d) => d.uri.toString()).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
