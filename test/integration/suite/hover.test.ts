// Hovers and inlay hints on the examples/ files in the extension host: literals and macro names
// (definition and use sites) in C headers, GNU as (.S), linker scripts and NASM; the derivation chain,
// values under unknown conditions, runtime variables, small numbers without a layout section;
// inlay hints after expression #defines and assembler symbol assignments, and their setting.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { hoverText, openExample, positionOf, setSetting, waitFor, waitForActivation } from './helpers';

/** Hover text with the cursor inside the `nth` occurrence of `needle` (offset characters in). */
async function hover(doc: vscode.TextDocument, needle: string, expect: string, nth = 0, offset = 1): Promise<string> {
  const pos = positionOf(doc, needle, offset, nth);
  let last = '';
  try {
    return await waitFor(`hover at "${needle}" containing "${expect}"`, async () => {
      last = (await hoverText(doc.uri, pos)).replace(/\\([\\`*_{}[\]<>#|])/g, '$1'); // markdown escapes
      return last.includes(expect) ? last : undefined;
    }, 15_000, 200);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nlast hover text: ${JSON.stringify(last)}`);
  }
}

async function hints(doc: vscode.TextDocument): Promise<vscode.InlayHint[]> {
  const range = new vscode.Range(0, 0, doc.lineCount, 0);
  return (await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, range)) ?? [];
}

const label = (h: vscode.InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));

suite('Hovers and inlay hints', () => {
  suiteSetup(async function () {
    this.timeout(60_000);
    await openExample('include/asm/page_64_types.h');
    await waitForActivation();
  });

  test('C literal: grouped hex, decimal, size and the layout decode', async () => {
    const doc = await openExample('include/asm/page_64_types.h');
    const text = await hover(doc, '0xffffffff80000000', '0xffff_ffff_8000_0000', 0, 4);
    assert.match(text, /18,446,744,071,562,067,968/);
    assert.match(text, /indices/);
    assert.match(text, /Decode/);
  });

  test('C macro at its definition: derivation chain with each step and the value', async () => {
    const doc = await openExample('include/asm/page_64_types.h');
    const text = await hover(doc, 'MODULES_VADDR\t', '0xffffffffc0000000');
    assert.match(text, /MODULES_VADDR/);
    assert.match(text, /__START_KERNEL_map \+ KERNEL_IMAGE_SIZE/);
    assert.match(text, /0xffffffff80000000 \+ 0x40000000/);
    assert.match(text, /0xffff_ffff_c000_0000/);
    assert.match(text, /Show on map/);
  });

  test('C macro at a use site', async () => {
    const doc = await openExample('include/asm/page_64_types.h');
    // MODULES_LEN (MODULES_END - MODULES_VADDR): the second occurrence of MODULES_VADDR
    const text = await hover(doc, 'MODULES_VADDR', '0xffffffffc0000000', 1);
    assert.match(text, /MODULES_VADDR = __START_KERNEL_map \+ KERNEL_IMAGE_SIZE|__START_KERNEL_map \+ KERNEL_IMAGE_SIZE/);
    const len = await hover(doc, 'MODULES_LEN', '0x3f000000');
    assert.match(len, /MODULES_END - MODULES_VADDR/);
  });

  test('unknown condition: each value with the condition it depends on; runtime variables named', async () => {
    const doc = await openExample('include/asm/kaslr_layout.h');
    const text = await hover(doc, 'KASLR_MODULES_VADDR', '0xffffffffa0000000');
    assert.match(text, /0xffffffffc0000000/);
    assert.match(text, /if `CONFIG_RANDOMIZE_BASE`/);
    assert.match(text, /if `!CONFIG_RANDOMIZE_BASE`/);
    const rt = await hover(doc, 'RUNTIME_PAGE_OFFSET', 'runtime variable page_offset_base');
    assert.match(rt, /pagingLayout\.defines/);
    const slot = await hover(doc, 'DIRECT_MAP_SLOT', '273');
    assert.match(slot, /pgd_index\(__PAGE_OFFSET_BASE_L4\)/);
  });

  test('small numbers that are not addresses get no layout hover', async () => {
    const doc = await openExample('include/asm/kaslr_layout.h');
    for (const [needle, lit] of [['EARLY_PGT_COUNT\t\t16', '16'], ['PTE_NX_BIT\t\t63', '63']]) {
      const line = positionOf(doc, needle, 0).line;
      const col = doc.lineAt(line).text.lastIndexOf(lit) + 1;
      const text = await hoverText(doc.uri, new vscode.Position(line, col));
      assert.ok(!/indices|Show on map/.test(text), `no layout hover on ${lit}: ${text}`);
    }
    // the macro itself still shows its value, without a layout section
    const m = await hover(doc, 'EARLY_PGT_COUNT', '16');
    assert.ok(!/indices/.test(m));
  });

  test('GNU as (.S): symbol assignments, #define from an included header, immediates', async () => {
    const doc = await openExample('arch/head_64.S');
    const def = await hover(doc, 'L4_PAGE_OFFSET = ', '273');
    assert.match(def, /pgd_index\(__PAGE_OFFSET\)/);
    const use = await hover(doc, 'L4_PAGE_OFFSET', '273', 2); // in `addq ... (L4_PAGE_OFFSET * 8)`
    assert.ok(use.includes('L4_PAGE_OFFSET'));
    const imm = await hover(doc, '0xffff888000000000', '0xffff_8880_0000_0000', 0, 4);
    assert.match(imm, /indices/);
    await hover(doc, '__START_KERNEL_map)', '0xffffffff80000000');
  });

  test('linker script and NASM', async () => {
    const lds = await openExample('kernel.lds');
    await hover(lds, '__START_KERNEL_map = ', '0xffff_ffff_8000_0000');
    await hover(lds, '. = 0xffffffff81000000', '0xffff_ffff_8100_0000', 0, 6);
    const nasm = await openExample('boot/pagetables.asm');
    const slot = await hover(nasm, 'PML4_KERNEL ', '511');
    assert.match(slot, /KERNEL_VMA >> 39/);
    await hover(nasm, 'KERNEL_VMA ', '0xffff_ffff_8000_0000');
  });

  test('inlay hints after expression #defines and assembler symbols, not after plain literals', async () => {
    const doc = await openExample('include/asm/page_64_types.h');
    const hs = await waitFor('inlay hints in page_64_types.h', async () => { const h = await hints(doc); return h.length ? h : undefined; });
    const byLine = new Map(hs.map((h) => [h.position.line, label(h)]));
    const lineOf = (needle: string) => positionOf(doc, needle, 0).line;
    assert.equal(byLine.get(lineOf('#define MODULES_VADDR')), '= 0xffff_ffff_c000_0000');
    assert.equal(byLine.get(lineOf('#define MODULES_LEN')), '= 0x3f00_0000');
    assert.equal(byLine.get(lineOf('#define VMALLOC_END')), '= 0xffff_e8ff_ffff_ffff');
    assert.equal(byLine.get(lineOf('#define PAGE_SHIFT')), undefined);
    assert.equal(byLine.get(lineOf('#define __START_KERNEL_map')), undefined);
    const s = await openExample('arch/head_64.S');
    const sh = await waitFor('inlay hints in head_64.S', async () => { const h = await hints(s); return h.length ? h : undefined; });
    const sLine = positionOf(s, 'L4_PAGE_OFFSET = ', 0).line;
    assert.ok(sh.some((h) => h.position.line === sLine && label(h) === '= 273'), JSON.stringify(sh.map((h) => [h.position.line, label(h)])));
    const k = await openExample('include/asm/kaslr_layout.h');
    const kh = await waitFor('inlay hints in kaslr_layout.h', async () => { const h = await hints(k); return h.length ? h : undefined; });
    const kl = positionOf(k, '#define KASLR_MODULES_VADDR', 0).line;
    assert.equal(kh.find((h) => h.position.line === kl) && label(kh.find((h) => h.position.line === kl)!), '= 0xffff_ffff_c000_0000 | 0xffff_ffff_a000_0000');
  });

  test('pagingLayout.inlayHints.enabled turns the hints off', async function () {
    const info = vscode.workspace.getConfiguration('pagingLayout').inspect('inlayHints.enabled');
    if (info?.defaultValue === undefined) this.skip(); // the setting is not in this build's manifest
    const doc = await openExample('include/asm/page_64_types.h');
    const restore = await setSetting('inlayHints.enabled', false);
    try {
      await waitFor('no inlay hints', async () => ((await hints(doc)).length === 0 ? true : undefined));
    } finally {
      await restore();
    }
    await waitFor('inlay hints back', async () => ((await hints(doc)).length > 0 ? true : undefined));
  });

  test('pagingLayout.defines decides an unknown condition', async function () {
    const info = vscode.workspace.getConfiguration('pagingLayout').inspect('defines');
    if (info?.defaultValue === undefined) this.skip();
    const doc = await openExample('include/asm/kaslr_layout.h');
    const restore = await setSetting('defines', { CONFIG_RANDOMIZE_BASE: false });
    try {
      const text = await hover(doc, 'KASLR_MODULES_VADDR', '0xffffffffa0000000');
      assert.ok(!text.includes('0xffffffffc0000000'), text);
    } finally {
      await restore();
    }
  });
});
